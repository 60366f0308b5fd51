/*
 * The DNS, mDNS and LLMNR dissectors (dissectors/dns.c): fields, names
 * with compression, request/response matching and the names tap, then
 * hostile messages (pointer loops, names past 255 bytes, reserved label
 * types, counts far beyond the data), each of which must end in bounded
 * work with a clean result or "malformed".  The DNS messages are byte
 * arrays, commented; each goes in an Ethernet/IPv4/UDP (or TCP) frame
 * built around it, so that the lengths below are the message's own.
 */
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"
#include "core/tcpreasm.h"
#include "dissectors/dns.h"
#include "dissectors/taps.h"
#include "testutil.h"

static struct dissect edt;

/* The header: id 0x1234, flags, and the four counts. */
#define HDR(flags, qd, an, ns, ar) \
	0x12, 0x34, (flags) >> 8, (flags) & 0xff, 0, qd, 0, an, 0, ns, 0, ar
#define QUERY		0x0100		/* RD */
#define RESPONSE	0x8180		/* QR RD RA, rcode 0 */
#define TYPE_A		0x00, 0x01
#define CLASS_IN	0x00, 0x01
#define TTL_300		0x00, 0x00, 0x01, 0x2c

static const uint8_t q_www[] = {
	HDR(QUERY, 1, 0, 0, 0),
	/* question: www.example.com A IN (offset 12) */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0, TYPE_A, CLASS_IN,
};

static const uint8_t r_www[] = {
	HDR(RESPONSE, 1, 3, 0, 0),
	/* question: www.example.com A IN (offset 12; "example.com" at 16) */
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0, TYPE_A, CLASS_IN,
	/* answer: www.example.com (ptr 12) CNAME cdn.example.com (cdn +
	 * ptr 16), rdlength 6; the target's name is at 45 */
	0xc0, 12, 0x00, 0x05, CLASS_IN, TTL_300, 0x00, 0x06,
	3, 'c', 'd', 'n', 0xc0, 16,
	/* answer: cdn.example.com (ptr 45) A 192.0.2.1 */
	0xc0, 45, TYPE_A, CLASS_IN, TTL_300, 0x00, 0x04, 192, 0, 2, 1,
	/* answer: cdn.example.com (ptr 45) AAAA 2001:db8::1 */
	0xc0, 45, 0x00, 0x1c, CLASS_IN, TTL_300, 0x00, 0x10,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

static const uint8_t r_nxdomain[] = {
	/* response, rcode 3 (no such name), a question, no answers */
	HDR(0x8183, 1, 0, 0, 0),
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	3, 'c', 'o', 'm', 0, TYPE_A, CLASS_IN,
};

static const uint8_t mdns_resp[] = {
	/* mDNS response: id 0, QR AA, one answer */
	0x00, 0x00, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0,
	/* host.local A, class IN with cache flush, 192.168.1.9 */
	4, 'h', 'o', 's', 't', 5, 'l', 'o', 'c', 'a', 'l', 0,
	TYPE_A, 0x80, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04,
	192, 168, 1, 9,
};

static const uint8_t llmnr_query[] = {
	/* LLMNR query: id 0xa706, no flags */
	0xa7, 0x06, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	/* wpad A IN */
	4, 'w', 'p', 'a', 'd', 0, TYPE_A, CLASS_IN,
};

static const uint8_t r_opt[] = {
	/* query with an OPT record: <Root> OPT, payload size 4096, DO */
	HDR(QUERY, 1, 0, 0, 1),
	1, 'a', 0, TYPE_A, CLASS_IN,
	0, 0x00, 0x29, 0x10, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
};

/* Builds eth/IPv4/UDP (or TCP, with the 2-byte length) around a message,
 * 10.0.0.1:33333 -> 10.0.0.2:port, or the reverse. */
static size_t
frame(uint8_t *out, const uint8_t *msg, size_t n, uint16_t port, bool tcp,
    bool reverse)
{
	static const uint8_t eth[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0x08, 0x00,
	};
	uint8_t *ip = out + sizeof(eth), *l4 = ip + 20;
	size_t l4len = tcp ? 20 + 2 + n : 8 + n, iplen = 20 + l4len;
	uint16_t sport = reverse ? port : 33333, dport = reverse ? 33333 : port;

	memcpy(out, eth, sizeof(eth));
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	ip[12] = 10, ip[15] = reverse ? 2 : 1;
	ip[16] = 10, ip[19] = reverse ? 1 : 2;
	memset(l4, 0, tcp ? 22 : 8);
	l4[0] = (uint8_t)(sport >> 8), l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8), l4[3] = (uint8_t)dport;
	if (tcp) {
		l4[12] = 0x50;
		l4[13] = 0x18;		/* PSH ACK */
		l4[20] = (uint8_t)(n >> 8), l4[21] = (uint8_t)n;
		memcpy(l4 + 22, msg, n);
	} else {
		l4[4] = (uint8_t)(l4len >> 8), l4[5] = (uint8_t)l4len;
		memcpy(l4 + 8, msg, n);
	}
	return (sizeof(eth) + iplen);
}

static uint8_t buf[70000];

/* Dissects frame number num at time t (seconds). */
static void
run_at(const uint8_t *msg, size_t n, uint16_t port, bool tcp, bool reverse,
    uint64_t num, double t)
{
	size_t len = frame(buf, msg, n, port, tcp, reverse);

	atomic_store(&field_want_everything, 1);
	dissect_begin(&edt, num, (int64_t)t, (uint32_t)((t - (int64_t)t) * 1e9),
	    t, (uint32_t)len, (uint32_t)len, DLT_EN10MB);
	dissect_frame(&edt, buf);
}

static void
run(const uint8_t *msg, size_t n, uint16_t port)
{
	dns_reset();
	run_at(msg, n, port, false, false, 1, 0.0);
}

static bool
str_is(const char *field, int k, const char *want)
{
	int id = field_find(field), i;

	for (i = 0; i < edt.nfields; i++)
		if (edt.fields[i].id == id && k-- == 0)
			return (edt.fields[i].v.bytes.len == strlen(want) &&
			    memcmp(edt.fields[i].v.bytes.p, want,
			    strlen(want)) == 0);
	return (false);
}

static uint64_t
uint_of(const char *field)
{
	const struct field_value *f = test_field(&edt, field);

	ck_assert_msg(f != NULL, "no %s", field);
	return (f->v.u);
}

static void
setup(void)
{
	proto_init();
	test_listen_all();
	dissect_init(&edt);
	dns_reset();
}

static void
teardown(void)
{
	dissect_free(&edt);
}

struct fixture {
	const char	*name;
	const uint8_t	*p;
	size_t		 len;
	uint16_t	 port;
	bool		 tcp;
	const char	*path;
};

#define FX(m, port, tcp, path) { #m, m, sizeof(m), port, tcp, path }
static const struct fixture fixtures[] = {
	FX(q_www, 53, false, "eth:ip:udp:dns"),
	FX(r_www, 53, false, "eth:ip:udp:dns"),
	FX(r_nxdomain, 53, false, "eth:ip:udp:dns"),
	FX(r_opt, 53, false, "eth:ip:udp:dns"),
	FX(r_www, 53, true, "eth:ip:tcp:dns"),
	FX(mdns_resp, 5353, false, "eth:ip:udp:mdns"),
	FX(llmnr_query, 5355, false, "eth:ip:udp:llmnr"),
};
#define NFIXTURES ((int)(sizeof(fixtures) / sizeof(fixtures[0])))

START_TEST(paths)
{
	const struct fixture *fx = &fixtures[_i];

	dns_reset();
	run_at(fx->p, fx->len, fx->port, fx->tcp, false, 1, 0.0);
	ck_assert_msg(edt.err == BUF_OK, "%s: err %d", fx->name, edt.err);
	ck_assert_str_eq(test_path(&edt), fx->path);
}
END_TEST

/* Every prefix of every fixture's frame: "ok" or "truncated". */
START_TEST(truncations)
{
	const struct fixture *fx = &fixtures[_i];
	size_t len = frame(buf, fx->p, fx->len, fx->port, fx->tcp, false);
	size_t caplen;

	for (caplen = 0; caplen < len; caplen++) {
		dns_reset();
		test_dissect(&edt, DLT_EN10MB, buf, caplen, len);
		ck_assert_msg(edt.err == BUF_OK || edt.err == BUF_TRUNCATED,
		    "%s caplen %zu: err %d", fx->name, caplen, edt.err);
		ck_assert_msg(strncmp(fx->path, test_path(&edt),
		    strlen(test_path(&edt))) == 0, "%s caplen %zu: %s",
		    fx->name, caplen, test_path(&edt));
	}
}
END_TEST

START_TEST(query_fields)
{
	const struct dns_tap *t;

	run(q_www, sizeof(q_www), 53);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uint_of("dns.id"), 0x1234);
	ck_assert_uint_eq(uint_of("dns.flags.response"), 0);
	ck_assert_uint_eq(uint_of("dns.flags.recdesired"), 1);
	ck_assert_uint_eq(uint_of("dns.flags.opcode"), 0);
	ck_assert_ptr_null(test_field(&edt, "dns.flags.rcode"));
	ck_assert_uint_eq(uint_of("dns.count.queries"), 1);
	ck_assert(str_is("dns.qry.name", 0, "www.example.com"));
	ck_assert_uint_eq(uint_of("dns.qry.name.len"), 15);
	ck_assert_uint_eq(uint_of("dns.count.labels"), 3);
	ck_assert_uint_eq(uint_of("dns.qry.type"), 1);
	ck_assert_uint_eq(uint_of("dns.qry.class"), 1);
	t = test_tap_data(&edt, "dns", 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->response, 0);
	ck_assert_int_eq(t->qtype, 1);
	ck_assert_int_eq(t->qname_len, 15);
	ck_assert(memcmp(t->qname, "www.example.com", 15) == 0);
}
END_TEST

/* A response with a CNAME chain: the fields, and the names tap's alias
 * then address records. */
START_TEST(response_cname_chain)
{
	const struct names_tap *r;
	char a[ADDR_STRLEN];

	run(r_www, sizeof(r_www), 53);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uint_of("dns.flags.rcode"), 0);
	ck_assert_uint_eq(uint_of("dns.count.answers"), 3);
	ck_assert_int_eq(test_field_count(&edt, "dns.resp.name"), 3);
	ck_assert(str_is("dns.resp.name", 0, "www.example.com"));
	ck_assert(str_is("dns.resp.name", 1, "cdn.example.com"));
	ck_assert(str_is("dns.cname", 0, "cdn.example.com"));
	ck_assert_uint_eq(uint_of("dns.resp.ttl"), 300);
	ck_assert_str_eq(address_to_str(&test_field(&edt, "dns.a")->v.addr, a),
	    "192.0.2.1");
	ck_assert_str_eq(address_to_str(&test_field(&edt,
	    "dns.aaaa")->v.addr, a), "2001:db8::1");

	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 3);
	r = test_tap_data(&edt, NAMES_TAP, 0);
	ck_assert_int_eq(r->kind, NAMES_REC_ALIAS);
	ck_assert_int_eq(r->source, NAMES_SRC_DNS);
	ck_assert(r->name_len == 15 && memcmp(r->name, "www.example.com",
	    15) == 0);
	ck_assert(r->target_len == 15 && memcmp(r->target,
	    "cdn.example.com", 15) == 0);
	r = test_tap_data(&edt, NAMES_TAP, 1);
	ck_assert_int_eq(r->kind, NAMES_REC_ADDR);
	ck_assert_str_eq(address_to_str(&r->addr, a), "192.0.2.1");
	ck_assert(r->name_len == 15 && memcmp(r->name, "cdn.example.com",
	    15) == 0);
	r = test_tap_data(&edt, NAMES_TAP, 2);
	ck_assert_str_eq(address_to_str(&r->addr, a), "2001:db8::1");
}
END_TEST

START_TEST(mdns_llmnr)
{
	const struct names_tap *r;

	run(mdns_resp, sizeof(mdns_resp), 5353);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:mdns");
	ck_assert_uint_eq(uint_of("dns.resp.class"), 1);
	ck_assert_uint_eq(uint_of("dns.resp.cache_flush"), 1);
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 0);	/* as tshark */
	r = test_tap_data(&edt, NAMES_TAP, 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->source, NAMES_SRC_MDNS);
	ck_assert(r->name_len == 10 && memcmp(r->name, "host.local", 10) == 0);

	run(llmnr_query, sizeof(llmnr_query), 5355);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:llmnr");
	ck_assert_uint_eq(uint_of("dns.flags.conflict"), 0);
	ck_assert_uint_eq(uint_of("dns.flags.tentative"), 0);
	ck_assert_ptr_null(test_field(&edt, "dns.flags.recdesired"));
	ck_assert(str_is("dns.qry.name", 0, "wpad"));
}
END_TEST

START_TEST(opt_and_tcp)
{
	run(r_opt, sizeof(r_opt), 53);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert(str_is("dns.resp.name", 0, "<Root>"));
	ck_assert_uint_eq(uint_of("dns.rr.udp_payload_size"), 4096);
	ck_assert_uint_eq(uint_of("dns.resp.z.do"), 1);
	ck_assert_ptr_null(test_field(&edt, "dns.resp.ttl"));

	dns_reset();
	run_at(r_www, sizeof(r_www), 53, true, false, 1, 0.0);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uint_of("dns.length"), sizeof(r_www));
	ck_assert(str_is("dns.cname", 0, "cdn.example.com"));
}
END_TEST

/* ---- DNS over TCP through reassembly (core/tcpreasm.h) ---- */

/*
 * One TCP segment of 10.0.0.2:53 -> 10.0.0.1:33333 (PSH ACK, sequence
 * number seq) carrying n bytes of pl, dissected as frame num: the bytes
 * of a DNS stream cut anywhere, length prefixes included.
 */
static void
tcp_seg(uint32_t seq, const uint8_t *pl, size_t n, uint64_t num)
{
	static const uint8_t eth[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0x08, 0x00,
	};
	uint8_t *ip = buf + sizeof(eth), *tcp = ip + 20;
	size_t iplen = 20 + 20 + n;

	ck_assert_uint_le(sizeof(eth) + iplen, sizeof(buf));
	memcpy(buf, eth, sizeof(eth));
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 10, ip[15] = 2;
	ip[16] = 10, ip[19] = 1;
	tcp[0] = 0, tcp[1] = 53;
	tcp[2] = 33333 >> 8, tcp[3] = 33333 & 0xff;
	tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
	tcp[12] = 0x50;
	tcp[13] = 0x18;		/* PSH ACK */
	tcp[14] = 0xff;
	memcpy(tcp + 20, pl, n);
	atomic_store(&field_want_everything, 1);
	dissect_begin(&edt, num, (int64_t)num, 0, (double)num,
	    (uint32_t)(sizeof(eth) + iplen), (uint32_t)(sizeof(eth) + iplen),
	    DLT_EN10MB);
	dissect_frame(&edt, buf);
}

/* Appends a message with its 2-byte length (declared: the message's own
 * length plus delta) to a stream of n bytes; returns the new length. */
static size_t
stream_add(uint8_t *st, size_t n, const uint8_t *m, size_t mlen, int delta)
{
	size_t dl = (size_t)((int)mlen + delta);

	st[n] = (uint8_t)(dl >> 8), st[n + 1] = (uint8_t)dl;
	memcpy(st + n + 2, m, mlen);
	return (n + 2 + mlen);
}

/* Messages read in the frame dissected last. */
static int
ids_seen(void)
{
	return (test_field_count(&edt, "dns.id"));
}

/* Three messages in one segment: read in turn, each after the first a
 * layer nested in the one before (tshark's hierarchy: dns/dns/dns). */
START_TEST(tcp_several)
{
	uint8_t st[512];
	size_t n = 0;

	n = stream_add(st, n, r_www, sizeof(r_www), 0);
	n = stream_add(st, n, r_nxdomain, sizeof(r_nxdomain), 0);
	n = stream_add(st, n, q_www, sizeof(q_www), 0);
	tcp_seg(1000, st, n, 1);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:dns:dns:dns");
	ck_assert_int_eq(ids_seen(), 3);
	ck_assert_int_eq(test_field_count(&edt, "dns.length"), 3);
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 3);
	ck_assert_uint_eq(tcpreasm_flows(edt.tcpreasm), 0);
}
END_TEST

/*
 * Two messages cut at every pair of points into three segments (a cut
 * may fall inside a length, or leave it alone in a segment): each
 * message is dissected once, whole, at the segment that completes it; a
 * segment that completes none has no DNS layer; nothing stays held.
 */
START_TEST(tcp_split_everywhere)
{
	uint8_t st[512];
	size_t n = 0, a, b, cuts[4];
	uint32_t seq = 1;
	int k, msgs, taps, want[3];
	const size_t end1 = 2 + sizeof(r_www);

	n = stream_add(st, n, r_www, sizeof(r_www), 0);
	n = stream_add(st, n, r_nxdomain, sizeof(r_nxdomain), 0);
	for (a = 1; a < n; a++) {
		for (b = a; b < n; b++) {
			cuts[0] = 0, cuts[1] = a, cuts[2] = b, cuts[3] = n;
			msgs = taps = 0;
			for (k = 0; k < 3; k++) {
				/* Messages completed in this segment. */
				want[k] = (end1 > cuts[k] &&
				    end1 <= cuts[k + 1]) +
				    (n > cuts[k] && n <= cuts[k + 1]);
				if (cuts[k + 1] == cuts[k])
					continue;	/* b == a */
				tcp_seg(seq + (uint32_t)cuts[k], st + cuts[k],
				    cuts[k + 1] - cuts[k],
				    (uint64_t)(3 * seq + (uint32_t)k));
				ck_assert_msg(edt.err == BUF_OK,
				    "cuts %zu %zu seg %d: err %d", a, b, k,
				    edt.err);
				ck_assert_msg(ids_seen() == want[k],
				    "cuts %zu %zu seg %d: %d messages, want "
				    "%d", a, b, k, ids_seen(), want[k]);
				/* A layer per message, nested: TCP's
				 * second after a joined one, or DNS's own
				 * after one read here, as tshark counts
				 * them (dns/dns). */
				ck_assert_msg(strcmp(test_path(&edt),
				    want[k] == 2 ? "eth:ip:tcp:dns:dns" :
				    want[k] ? "eth:ip:tcp:dns" : "eth:ip:tcp") ==
				    0,
				    "cuts %zu %zu seg %d: %s", a, b, k,
				    test_path(&edt));
				msgs += ids_seen();
				taps += test_tap_count(&edt, "dns");
			}
			ck_assert_int_eq(msgs, 2);
			ck_assert_int_eq(taps, 2);
			ck_assert_uint_eq(tcpreasm_flows(edt.tcpreasm), 0);
			ck_assert_uint_eq(tcpreasm_bytes(edt.tcpreasm), 0);
			seq += (uint32_t)n;
		}
	}
}
END_TEST

/* A length larger than the message (trailing bytes, skipped) and one
 * smaller (the message runs past it: malformed); both whole or joined. */
START_TEST(tcp_declared)
{
	uint8_t st[512];
	size_t n = 0;

	n = stream_add(st, n, q_www, sizeof(q_www), 5);
	memset(st + n, 0, 5);
	n += 5;
	n = stream_add(st, n, r_nxdomain, sizeof(r_nxdomain), 0);
	tcp_seg(1, st, n, 1);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:dns:dns");
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 2);
	/* The same cut inside the trailing bytes: joined, then read. */
	tcp_seg((uint32_t)(1 + n), st, 2 + sizeof(q_www) + 2, 2);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	tcp_seg((uint32_t)(1 + n + 2 + sizeof(q_www) + 2),
	    st + 2 + sizeof(q_www) + 2, n - (2 + sizeof(q_www) + 2), 3);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:dns:dns");
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 2);

	n = stream_add(st, 0, r_nxdomain, sizeof(r_nxdomain), -4);
	tcp_seg(1000, st, n, 4);
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:dns");
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 0);
	ck_assert_uint_eq(tcpreasm_flows(edt.tcpreasm), 0);
}
END_TEST

/* A segment the snaplen cut cannot be held: its message is read from what
 * there is ("truncated"), nothing is held, and the next one is new. */
START_TEST(tcp_cut)
{
	uint8_t st[512];
	size_t n = stream_add(st, 0, r_www, sizeof(r_www), 0), len;

	tcp_seg(1, st, n, 1);
	len = 14 + 40 + n;
	test_dissect(&edt, DLT_EN10MB, buf, len - 30, len);
	ck_assert_int_eq(edt.err, BUF_TRUNCATED);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:dns");
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 0);
	ck_assert_uint_eq(tcpreasm_flows(edt.tcpreasm), 0);
	tcp_seg((uint32_t)(1 + n), st, n, 2);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_tap_count(&edt, "dns"), 1);
}
END_TEST

/* Query, retransmission, answer, answer again, and an answer to nothing. */
START_TEST(matching)
{
	const struct dns_tap *t;
	const struct field_value *f;
	struct dns_stats st;

	dns_reset();
	run_at(q_www, sizeof(q_www), 53, false, false, 1, 100.0);
	ck_assert_ptr_null(test_field(&edt, "dns.retransmission"));
	run_at(q_www, sizeof(q_www), 53, false, false, 2, 101.0);
	ck_assert_uint_eq(uint_of("dns.retransmission"), 1);
	ck_assert_uint_eq(uint_of("dns.retransmit_request_in"), 1);
	run_at(r_www, sizeof(r_www), 53, false, true, 3, 100.25);
	ck_assert_uint_eq(uint_of("dns.response_to"), 1);
	f = test_field(&edt, "dns.time");
	ck_assert_ptr_nonnull(f);
	ck_assert_double_eq_tol(f->v.d, 0.25, 1e-9);
	t = test_tap_data(&edt, "dns", 0);
	ck_assert_int_eq(t->matched, 1);
	ck_assert_double_eq_tol(t->rrt, 0.25, 1e-9);
	run_at(r_www, sizeof(r_www), 53, false, true, 4, 100.5);
	ck_assert_uint_eq(uint_of("dns.retransmit_response_in"), 3);
	ck_assert_ptr_null(test_field(&edt, "dns.response_to"));

	/* A refill reads the table: frame 3 is the answer again. */
	edt.quiet = true;
	run_at(r_www, sizeof(r_www), 53, false, true, 3, 100.25);
	edt.quiet = false;
	ck_assert_uint_eq(uint_of("dns.response_to"), 1);

	/* The same ID answered again, later: a retransmitted response. */
	run_at(r_nxdomain, sizeof(r_nxdomain), 53, false, true, 6, 200.0);
	ck_assert_ptr_nonnull(test_field(&edt, "dns.retransmit_response_in"));

	/* Past the timeout, the transaction is gone: unsolicited. */
	run_at(r_nxdomain, sizeof(r_nxdomain), 53, false, true, 7,
	    200.0 + DNS_TRANS_TIMEOUT_S + 1);
	ck_assert_uint_eq(uint_of("dns.unsolicited"), 1);
	t = test_tap_data(&edt, "dns", 0);
	ck_assert_int_eq(t->unsolicited, 1);
	ck_assert_int_eq(t->rcode, 3);
	dns_stats_get(&st);
	ck_assert_uint_eq(st.tracked, 1);
}
END_TEST

/* More queries than the table holds: evictions are counted, the table
 * stays at its size. */
START_TEST(table_bound)
{
	uint8_t q[sizeof(q_www)];
	struct dns_stats st;
	uint32_t i, n = DNS_TRANS_SETS * DNS_TRANS_WAYS + 5000;

	dns_reset();
	memcpy(q, q_www, sizeof(q));
	for (i = 0; i < n; i++) {
		q[0] = (uint8_t)(i >> 8), q[1] = (uint8_t)i;
		/* 65536 ids per port: change the port beyond */
		run_at(q, sizeof(q), 53, false, false, i + 1, 1.0 + i * 1e-6);
	}
	dns_stats_get(&st);
	ck_assert_uint_le(st.tracked, DNS_TRANS_SETS * DNS_TRANS_WAYS);
	ck_assert_uint_ge(st.evicted, 5000);
	ck_assert_uint_eq(st.tracked + st.evicted + st.expired, n);
}
END_TEST

/* Hostile names: the name each gives, or malformed, as tshark 4.0 says
 * (checked with tshark on the same bytes). */
struct hostile {
	const char	*name;
	uint8_t		 msg[300];
	size_t		 len;
	const char	*qname;		/* NULL: malformed */
};

static const struct hostile hostiles[] = {
	{ "root", { HDR(QUERY, 1, 0, 0, 0), 0, TYPE_A, CLASS_IN }, 17,
	    "<Root>" },
	{ "pointer to itself", { HDR(QUERY, 1, 0, 0, 0), 0xc0, 12, TYPE_A,
	    CLASS_IN }, 18, "<Name contains a pointer that loops>" },
	{ "two pointers in a loop", { HDR(QUERY, 1, 0, 0, 0), 1, 'a',
	    0xc0, 20, TYPE_A, CLASS_IN, 0xc0, 12 }, 22,
	    "<Name contains a pointer that loops>" },
	{ "forward pointer", { HDR(QUERY, 1, 0, 0, 0), 1, 'a', 0xc0, 20,
	    TYPE_A, CLASS_IN, 1, 'b', 0xc0, 24, 1, 'c', 0 }, 27, "a.b.c" },
	{ "pointer past the end", { HDR(QUERY, 1, 0, 0, 0), 0xc1, 0xff,
	    TYPE_A, CLASS_IN }, 18, NULL },
	{ "label type 0x80", { HDR(QUERY, 1, 0, 0, 0), 0x80, 'a', 0,
	    TYPE_A, CLASS_IN }, 19, NULL },
	{ "extended label first", { HDR(QUERY, 1, 0, 0, 0), 0x40, 8, 0xff,
	    0, TYPE_A, CLASS_IN }, 20, NULL },
	{ "extended label after a bitstring", { HDR(QUERY, 1, 0, 0, 0),
	    0x41, 5, 'a', 'b', 'c', 'd', 0, TYPE_A, CLASS_IN }, 23,
	    "<Unknown extended label>" },
	{ "huge counts", { 0x12, 0x34, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 1, 'a', 0, TYPE_A, CLASS_IN }, 19, NULL },
};
#define NHOSTILE ((int)(sizeof(hostiles) / sizeof(hostiles[0])))

START_TEST(hostile_names)
{
	const struct hostile *h = &hostiles[_i];

	run(h->msg, h->len, 53);
	if (h->qname == NULL) {
		ck_assert_msg(edt.err == BUF_MALFORMED, "%s: err %d", h->name,
		    edt.err);
		return;
	}
	ck_assert_msg(edt.err == BUF_OK, "%s: err %d", h->name, edt.err);
	ck_assert_msg(str_is("dns.qry.name", 0, h->qname), "%s", h->name);
}
END_TEST

/* Names of 253 and 254 bytes: the second is "too long" (tshark's rule). */
START_TEST(long_names)
{
	uint8_t m[400];
	size_t n, total, k;
	int i;

	for (total = 253; total <= 300; total += 47) {
		memcpy(m, (uint8_t[]){ HDR(QUERY, 1, 0, 0, 0) }, 12);
		n = 12;
		/* Labels of 63 joined by dots, the text total bytes long. */
		for (k = total; k > 0;) {
			size_t l;

			if (n > 12)
				k--;		/* the dot */
			l = k > 63 ? 63 : k;
			if (k - l == 1)
				l--;		/* leave a dot and a byte */
			m[n++] = (uint8_t)l;
			for (i = 0; i < (int)l; i++)
				m[n++] = 'y';
			k -= l;
		}
		m[n++] = 0;
		m[n++] = 0, m[n++] = 1, m[n++] = 0, m[n++] = 1;
		run(m, n, 53);
		ck_assert_int_eq(edt.err, BUF_OK);
		ck_assert_uint_eq(uint_of("dns.qry.type"), 1);
		if (total > 253)
			ck_assert(str_is("dns.qry.name", 0, "<Name too long>"));
		else
			ck_assert_uint_ge(test_field(&edt,
			    "dns.qry.name")->v.bytes.len, 250);
	}
}
END_TEST

/*
 * The worst case for compression: a 64 KiB message over TCP whose
 * thousands of records each point at a chain of pointers through the
 * whole message.  It must end (bounded by the scan budgets), malformed
 * or not, and count the cut.
 */
START_TEST(pointer_bomb)
{
	static uint8_t m[65000];	/* IP's length must hold it */
	struct dns_stats st;
	size_t n, i;

	memcpy(m, (uint8_t[]){ HDR(RESPONSE, 0, 0xff, 0xff, 0xff) }, 12);
	m[6] = m[8] = m[10] = 0xff;
	/* A first record, <Root> of an unknown type, whose RDATA (from 23)
	 * is a chain of one-byte labels, each followed by a pointer to the
	 * next label, to 16 KiB (what a pointer reaches)... */
	m[12] = 0, m[13] = 0xff, m[14] = 0, m[15] = 0, m[16] = 1;
	memset(m + 17, 0, 4);
	n = 23;
	for (i = 0; n + 5 < 16000; i++) {
		m[n] = 1, m[n + 1] = 'x';
		m[n + 2] = (uint8_t)(0xc0 | ((n + 4) >> 8));
		m[n + 3] = (uint8_t)(n + 4);
		n += 4;
	}
	m[n++] = 0;
	m[21] = (uint8_t)((n - 23) >> 8), m[22] = (uint8_t)(n - 23);
	/* ...then records whose owner is a pointer to the chain's start. */
	while (n + 14 < sizeof(m)) {
		m[n] = 0xc0, m[n + 1] = 23;
		m[n + 2] = 0, m[n + 3] = 1, m[n + 4] = 0, m[n + 5] = 1;
		memset(m + n + 6, 0, 4);
		m[n + 10] = 0, m[n + 11] = 0;
		n += 12;
	}
	dns_reset();
	run_at(m, n, 53, true, false, 1, 0.0);
	ck_assert(edt.err == BUF_OK || edt.err == BUF_MALFORMED);
	dns_stats_get(&st);
	ck_assert_msg(st.scan_cut == 1, "err %d path %s names %d", edt.err, test_path(&edt), test_field_count(&edt, "dns.resp.name"));
}
END_TEST

Suite *
suite_dns(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("valid");
	TCase *bad = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, paths, 0, NFIXTURES);
	tcase_add_loop_test(tc, truncations, 0, NFIXTURES);
	tcase_add_test(tc, query_fields);
	tcase_add_test(tc, response_cname_chain);
	tcase_add_test(tc, mdns_llmnr);
	tcase_add_test(tc, opt_and_tcp);
	tcase_add_test(tc, tcp_several);
	tcase_add_test(tc, tcp_split_everywhere);
	tcase_add_test(tc, tcp_declared);
	tcase_add_test(tc, tcp_cut);
	tcase_add_test(tc, matching);
	tcase_add_test(tc, table_bound);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_loop_test(bad, hostile_names, 0, NHOSTILE);
	tcase_add_test(bad, long_names);
	tcase_add_test(bad, pointer_bomb);
	tcase_set_timeout(bad, 30);
	suite_add_tcase(s, bad);
	return (s);
}
