/*
 * TCP reassembly (core/tcpreasm.h), HTTP and TLS.  Frames are built from
 * commented byte arrays: an Ethernet + IPv4 + TCP header made by seg()
 * around an application payload, so that one payload can be cut into
 * segments at any point.  The reassembly bounds are tested on the API
 * itself, with small limits.
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
#include "dissectors/taps.h"
#include "testutil.h"

static struct dissect edt;
static uint8_t frame[4096];

static void
setup(void)
{
	proto_init();
	(void)names_tap_id();
	test_listen_all();
	dissect_init(&edt);
	tcpreasm_counts_reset();
}

static void
teardown(void)
{
	dissect_free(&edt);
}

/*
 * An Ethernet frame: eth, IPv4 10.0.0.1 -> 10.0.0.2 (reversed when !c2s),
 * TCP sport -> dport (client 40000 to port), seq, flags PSH+ACK, then the
 * payload.  Returns its length.
 */
static size_t
seg(uint16_t port, bool c2s, uint32_t seq, const void *pl, size_t n)
{
	static const uint8_t eth[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb, 0x08, 0x00,
	};
	uint8_t *ip = frame + 14, *tcp = frame + 34;
	uint16_t sp = c2s ? 40000 : port, dp = c2s ? port : 40000;
	size_t tot = 20 + 20 + n;

	ck_assert(14 + tot <= sizeof(frame));
	memcpy(frame, eth, sizeof(eth));
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 10; ip[15] = c2s ? 1 : 2;
	ip[16] = 10; ip[19] = c2s ? 2 : 1;
	tcp[0] = (uint8_t)(sp >> 8); tcp[1] = (uint8_t)sp;
	tcp[2] = (uint8_t)(dp >> 8); tcp[3] = (uint8_t)dp;
	tcp[4] = (uint8_t)(seq >> 24); tcp[5] = (uint8_t)(seq >> 16);
	tcp[6] = (uint8_t)(seq >> 8); tcp[7] = (uint8_t)seq;
	tcp[12] = 0x50;
	tcp[13] = 0x18;
	tcp[14] = 0xff;
	memcpy(tcp + 20, pl, n);
	return (14 + tot);
}

static void
send_seg(uint16_t port, bool c2s, uint32_t seq, const void *pl, size_t n)
{
	size_t len = seg(port, c2s, seq, pl, n);

	test_dissect(&edt, DLT_EN10MB, frame, len, len);
}

static const char *
sval(const char *name)
{
	static char out[512];
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	ck_assert_uint_lt(f->v.bytes.len, sizeof(out));
	memcpy(out, f->v.bytes.p, f->v.bytes.len);
	out[f->v.bytes.len] = '\0';
	return (out);
}

static uint64_t
uval(const char *name)
{
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	return (f->v.u);
}

static const char http_get[] =
    "GET /index.html?q=1 HTTP/1.1\r\n"
    "Host: www.example.com:8080\r\n"
    "User-Agent: curl/8.0\r\n"
    "Accept: */*\r\n"
    "\r\n";

static const char http_resp[] =
    "HTTP/1.1 404 Not Found\r\n"
    "Server: test\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 10\r\n"
    "\r\n"
    "0123456789";

static const char http_chunked[] =
    "HTTP/1.1 200 OK\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5\r\nhello\r\n"
    "6\r\n world\r\n"
    "0\r\n\r\n";

/*
 * A ClientHello in one TLS record: legacy version 1.2, random, empty
 * session id, two suites, null compression, and the extensions
 * server_name "example.org", ALPN "h2" and "http/1.1", supported_versions
 * 1.3 and 1.2.
 */
static const uint8_t client_hello[] = {
	/* record: handshake, TLS 1.0, length 0x60 */
	0x16, 0x03, 0x01, 0x00, 0x60,
	/* handshake: ClientHello, length 0x5c */
	0x01, 0x00, 0x00, 0x5c,
	/* version 1.2, random */
	0x03, 0x03,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	/* session id: empty; suites: 0x1301, 0xc02f; compression: null */
	0x00, 0x00, 0x04, 0x13, 0x01, 0xc0, 0x2f, 0x01, 0x00,
	/* extensions: length 0x2f */
	0x00, 0x2f,
	/* server_name: list of one host_name "example.org" */
	0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b,
	'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g',
	/* ALPN: "h2", "http/1.1" */
	0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2',
	0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
	/* supported_versions: 1.3, 1.2 */
	0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,
};

/* A ServerHello choosing TLS 1.3 (supported_versions), then a
 * ChangeCipherSpec and an application data record. */
static const uint8_t server_hello[] = {
	/* record: handshake, TLS 1.2, length 0x32 */
	0x16, 0x03, 0x03, 0x00, 0x32,
	/* ServerHello, length 0x2e: version 1.2, random, no session id,
	 * suite 0x1301, null compression, extensions length 6 */
	0x02, 0x00, 0x00, 0x2e, 0x03, 0x03,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0x00, 0x13, 0x01, 0x00, 0x00, 0x06,
	/* supported_versions: 1.3 */
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	/* ChangeCipherSpec */
	0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
	/* application data, 4 bytes */
	0x17, 0x03, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
};

START_TEST(http_request)
{
	const struct http_tap *t;
	const struct names_tap *n;

	send_seg(80, true, 1000, http_get, strlen(http_get));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uval("http.request"), 1);
	ck_assert_int_eq(test_field_count(&edt, "http.response"), 0);
	ck_assert_str_eq(sval("http.request.method"), "GET");
	ck_assert_str_eq(sval("http.request.uri"), "/index.html?q=1");
	ck_assert_str_eq(sval("http.request.version"), "HTTP/1.1");
	ck_assert_str_eq(sval("http.host"), "www.example.com:8080");
	ck_assert_str_eq(sval("http.user_agent"), "curl/8.0");
	ck_assert_int_eq(test_tap_count(&edt, "http"), 1);
	t = test_tap_data(&edt, "http", 0);
	ck_assert(t->request);
	ck_assert_int_eq(t->method_len, 3);
	/* The Host, without its port, names the server. */
	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 1);
	n = test_tap_data(&edt, NAMES_TAP, 0);
	ck_assert_int_eq(n->source, NAMES_SRC_HTTP);
	ck_assert_int_eq(n->name_len, 15);
	ck_assert(memcmp(n->name, "www.example.com", 15) == 0);
	ck_assert_int_eq(n->addr.data[3], 2);
}
END_TEST

START_TEST(http_response)
{
	send_seg(8080, false, 5000, http_resp, strlen(http_resp));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	ck_assert_uint_eq(uval("http.response"), 1);
	ck_assert_uint_eq(uval("http.response.code"), 404);
	ck_assert_str_eq(sval("http.response.phrase"), "Not Found");
	ck_assert_str_eq(sval("http.server"), "test");
	ck_assert_str_eq(sval("http.content_type"), "text/plain");
	ck_assert_uint_eq(uval("http.content_length"), 10);
	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 0);
}
END_TEST

/* A request line on a port nobody registered: the heuristic takes it;
 * other bytes there, and on port 80, are left to TCP. */
START_TEST(http_heuristic)
{
	static const uint8_t bin[] = { 0x89, 0x00, 0xca, 0x72, 0x4e, 0x0c };

	send_seg(44444, true, 1, http_get, strlen(http_get));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	send_seg(44445, true, 1, bin, sizeof(bin));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	send_seg(80, false, 1, bin, sizeof(bin));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
}
END_TEST

/* Headers cut in three segments: dissected once, at the last. */
START_TEST(http_split_headers)
{
	size_t n = strlen(http_get);

	send_seg(80, true, 100, http_get, 10);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	ck_assert_int_eq(test_tap_count(&edt, "http"), 0);
	send_seg(80, true, 110, http_get + 10, 20);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	send_seg(80, true, 130, http_get + 30, n - 30);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	ck_assert_int_eq(test_tap_count(&edt, "http"), 1);
	ck_assert_str_eq(sval("http.host"), "www.example.com:8080");
	ck_assert_uint_eq(tcpreasm_flows(edt.tcpreasm), 0);
	ck_assert_uint_eq(tcpreasm_bytes(edt.tcpreasm), 0);
}
END_TEST

/* A body of Content-Length bytes, then a chunked one: each message once,
 * at the segment that ends it. */
START_TEST(http_bodies)
{
	size_t n = strlen(http_resp), c = strlen(http_chunked);

	send_seg(80, false, 1, http_resp, n - 7);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	send_seg(80, false, (uint32_t)(1 + n - 7), http_resp + n - 7, 7);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	ck_assert_uint_eq(uval("http.response.code"), 404);
	send_seg(80, false, (uint32_t)(1 + n), http_chunked, c - 5);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	send_seg(80, false, (uint32_t)(1 + n + c - 5), http_chunked + c - 5, 5);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	ck_assert_uint_eq(uval("http.response.code"), 200);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 1);
}
END_TEST

/* Two messages in one segment (pipelining); a message whose headers end
 * in a segment that starts the next: both read from the joined bytes
 * (headers are joined a segment at a time); a body whose end comes with
 * the next message: that is read on its own, a second layer. */
START_TEST(http_pipelined)
{
	char two[512];
	size_t n = strlen(http_get);

	memcpy(two, http_get, n);
	memcpy(two + n, http_get, n);
	send_seg(80, true, 1, two, 2 * n);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 2);
	send_seg(80, true, (uint32_t)(1 + 2 * n), two, n - 4);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 0);
	send_seg(80, true, (uint32_t)(1 + 3 * n - 4), two + n - 4, n + 4);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 2);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http");
	n = strlen(http_resp);
	memcpy(two, http_resp, n);
	memcpy(two + n, http_resp, n);
	send_seg(80, false, 1, two, n - 3);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 0);
	send_seg(80, false, (uint32_t)(n - 2), two + n - 3, n + 3);
	ck_assert_int_eq(test_tap_count(&edt, "http"), 2);
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:http:http");
}
END_TEST

START_TEST(tls_hellos)
{
	const struct tls_tap *t;
	const struct names_tap *n;

	send_seg(443, true, 1, client_hello, sizeof(client_hello));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:tls");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uval("tls.record.content_type"), 22);
	ck_assert_uint_eq(uval("tls.record.version"), 0x0301);
	ck_assert_uint_eq(uval("tls.handshake.type"), 1);
	ck_assert_uint_eq(uval("tls.handshake.version"), 0x0303);
	ck_assert_str_eq(sval("tls.handshake.extensions_server_name"),
	    "example.org");
	ck_assert_str_eq(sval("tls.handshake.extensions_alpn_str"), "h2");
	ck_assert_int_eq(test_field_count(&edt,
	    "tls.handshake.extensions_alpn_str"), 2);
	ck_assert_int_eq(test_field_count(&edt,
	    "tls.handshake.extensions.supported_version"), 2);
	ck_assert_int_eq(test_field_count(&edt, "tls.handshake.ciphersuite"),
	    2);
	t = test_tap_data(&edt, "tls", 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->hs_type, 1);
	ck_assert_int_eq(t->sni_len, 11);
	ck_assert_int_eq(t->alpn_len, 2);
	ck_assert(!t->quic);
	n = test_tap_data(&edt, NAMES_TAP, 0);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->source, NAMES_SRC_SNI);
	ck_assert_int_eq(n->addr.data[3], 2);

	send_seg(443, false, 1, server_hello, sizeof(server_hello));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp:tls");
	ck_assert_int_eq(test_field_count(&edt, "tls.record.content_type"),
	    3);
	ck_assert_uint_eq(uval("tls.handshake.type"), 2);
	ck_assert_uint_eq(uval("tls.handshake.extensions.supported_version"),
	    0x0304);
	t = test_tap_data(&edt, "tls", 0);
	ck_assert_int_eq(t->version, 0x0304);
	ck_assert_int_eq(test_field_count(&edt,
	    "tls.handshake.extensions_server_name"), 0);
}
END_TEST

/* A ClientHello cut at every point into two segments, on 443 and on a
 * port TLS is found on by its record header: read once, whole, at the
 * second (the heuristic needs the 5 bytes of a header in the first). */
START_TEST(tls_split)
{
	size_t cut;
	uint32_t seq = 1;

	for (cut = 1; cut < sizeof(client_hello); cut++) {
		send_seg(_i ? 443 : 44443, true, seq, client_hello, cut);
		if (cut >= 5 || _i) {
			/* tshark shows TLS on the first segment of a record
			 * too, without its fields. */
			ck_assert_msg(strcmp(test_path(&edt),
			    "eth:ip:tcp:tls") == 0, "cut %zu: %s", cut,
			    test_path(&edt));
			ck_assert_int_eq(test_field_count(&edt,
			    "tls.handshake.type"), 0);
			ck_assert_int_eq(test_tap_count(&edt, "tls"), 0);
		}
		send_seg(_i ? 443 : 44443, true, seq + (uint32_t)cut,
		    client_hello + cut, sizeof(client_hello) - cut);
		if (cut < 5 && !_i)
			continue;	/* the heuristic needs a header */
		ck_assert_msg(strcmp(test_path(&edt), "eth:ip:tcp:tls") == 0,
		    "cut %zu: %s", cut, test_path(&edt));
		ck_assert_str_eq(sval("tls.handshake.extensions_server_name"),
		    "example.org");
		seq += sizeof(client_hello);
	}
}
END_TEST

/* Every prefix of each frame: no error but "truncated", and no more
 * layers than the whole frame has. */
START_TEST(truncations)
{
	static const struct {
		uint16_t	 port;
		bool		 c2s;
		const void	*p;
		size_t		 n;
		const char	*path;
	} fx[] = {
		{ 80, true, http_get, sizeof(http_get) - 1, "eth:ip:tcp:http" },
		{ 80, false, http_resp, sizeof(http_resp) - 1,
		    "eth:ip:tcp:http" },
		{ 80, false, http_chunked, sizeof(http_chunked) - 1,
		    "eth:ip:tcp:http" },
		{ 443, true, client_hello, sizeof(client_hello),
		    "eth:ip:tcp:tls" },
		{ 443, false, server_hello, sizeof(server_hello),
		    "eth:ip:tcp:tls" },
	};
	size_t len = seg(fx[_i].port, fx[_i].c2s, 1, fx[_i].p, fx[_i].n);
	size_t caplen;
	const char *p;

	for (caplen = 0; caplen <= len; caplen++) {
		test_dissect(&edt, DLT_EN10MB, frame, caplen, len);
		ck_assert_msg(edt.err == BUF_OK || edt.err == BUF_TRUNCATED,
		    "fixture %d caplen %zu: err %d", _i, caplen, edt.err);
		p = test_path(&edt);
		ck_assert_msg(strncmp(fx[_i].path, p, strlen(p)) == 0,
		    "fixture %d caplen %zu: path %s", _i, caplen, p);
	}
	ck_assert_str_eq(test_path(&edt), fx[_i].path);
	ck_assert_int_eq(edt.err, BUF_OK);
}
END_TEST

/* ---- reassembly on its own ---- */

static struct tcpreasm *R;
static const struct dissector *D;

static void
rsetup(void)
{
	proto_init();
	R = tcpreasm_new();
	D = proto_find_dissector("http");
	tcpreasm_counts_reset();
}

static void
rteardown(void)
{
	tcpreasm_free(R);
}

static struct tcpr_segment
mkseg(uint16_t sport, uint32_t seq, const char *p, int64_t sec)
{
	struct tcpr_segment s;

	memset(&s, 0, sizeof(s));
	s.src.type = s.dst.type = AT_IPv4;
	s.src.len = s.dst.len = 4;
	s.src.data[3] = 1;
	s.dst.data[3] = 2;
	s.sport = sport;
	s.dport = 80;
	s.seq = seq;
	s.flags = 0x18;
	s.data = (const uint8_t *)p;
	s.caplen = s.len = strlen(p);
	s.ts_ns = sec * 1000000000LL;
	return (s);
}

static enum tcpr_action
feed(struct tcpr_segment *s, const uint8_t **pdu, size_t *len,
    size_t *pdu_len)
{
	const struct dissector *d = NULL;

	return (tcpreasm_segment(R, s, &d, pdu, len, pdu_len, false));
}

static struct tcpreasm_counts
counts(void)
{
	struct tcpreasm_counts c;

	tcpreasm_counts_get(&c);
	return (c);
}

START_TEST(reasm_in_order)
{
	struct tcpr_segment a = mkseg(1, 100, "abcd", 0), b, c;
	const uint8_t *pdu;
	size_t len, plen;

	ck_assert_int_eq(feed(&a, &pdu, &len, &plen), TCPR_DISSECT);
	/* "abcd" is the start of a PDU of 10 bytes: 6 more. */
	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 1, 7, false));
	ck_assert_uint_eq(tcpreasm_bytes(R), 3);
	b = mkseg(1, 104, "efg", 0);
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_HELD);
	c = mkseg(1, 107, "hijkXY", 0);
	ck_assert_int_eq(feed(&c, &pdu, &len, &plen), TCPR_COMPLETE);
	ck_assert_uint_eq(plen, 10);
	ck_assert_uint_eq(len, 12);
	ck_assert(memcmp(pdu, "bcdefghijkXY", 12) == 0);
	ck_assert_uint_eq(tcpreasm_flows(R), 0);
	ck_assert_uint_eq(tcpreasm_bytes(R), 0);
	ck_assert_uint_eq(counts().gaps, 0);
}
END_TEST

START_TEST(reasm_retransmit_overlap)
{
	struct tcpr_segment a = mkseg(1, 100, "abcd", 0), b;
	const uint8_t *pdu;
	size_t len, plen;

	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0, 4, false));
	b = mkseg(1, 100, "abcd", 0);		/* a retransmission */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_HELD);
	ck_assert_uint_eq(tcpreasm_bytes(R), 4);
	b = mkseg(1, 102, "cdef", 0);		/* two old bytes, two new */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_HELD);
	ck_assert_uint_eq(tcpreasm_bytes(R), 6);
	b = mkseg(1, 106, "gh", 0);
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_COMPLETE);
	ck_assert(memcmp(pdu, "abcdefgh", 8) == 0);
	ck_assert_uint_eq(counts().gaps, 0);
}
END_TEST

/* Out of order is a gap: the PDU is lost, counted, and its rest passed
 * over; what follows its end is new. */
START_TEST(reasm_gap)
{
	struct tcpr_segment a = mkseg(1, 100, "abcd", 0), b;
	const uint8_t *pdu;
	size_t len, plen;

	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0, 8, false));
	b = mkseg(1, 106, "ghij", 0);		/* 104, 105 missing */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_HELD);
	ck_assert_uint_eq(counts().gaps, 1);
	ck_assert_uint_eq(tcpreasm_bytes(R), 0);
	b = mkseg(1, 110, "klNEW", 0);		/* the PDU ends at 112 */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_REST);
	ck_assert_uint_eq(len, 3);
	ck_assert(memcmp(pdu, "NEW", 3) == 0);
	ck_assert_uint_eq(tcpreasm_flows(R), 0);
	/* A gap in a PDU of unknown length: dropped, the segment new. */
	ck_assert(tcpreasm_hold(R, &b, D, b.data, b.len, 0,
	    TCP_DESEGMENT_ONE_MORE, false));
	b = mkseg(1, 200, "x", 0);
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(counts().gaps, 2);
	/* A FIN ends it too. */
	ck_assert(tcpreasm_hold(R, &b, D, b.data, b.len, 0, 5, false));
	b = mkseg(1, 201, "", 0);
	b.flags = 0x11;
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(counts().gaps, 3);
	ck_assert_uint_eq(tcpreasm_flows(R), 0);
}
END_TEST

START_TEST(reasm_caps)
{
	struct tcpr_segment a = mkseg(1, 100, "abcdefgh", 0), b;
	const uint8_t *pdu;
	size_t len, plen;
	uint16_t i;

	tcpreasm_set_limits(R, 16, 20, 2, 5);
	/* A PDU over 16 bytes: refused at once, or when it grows. */
	ck_assert(!tcpreasm_hold(R, &a, D, a.data, a.len, 0, 9, false));
	ck_assert_uint_eq(counts().bytes_full, 1);
	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0,
	    TCP_DESEGMENT_ONE_MORE, false));
	b = mkseg(1, 108, "ijklmnopq", 0);
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(counts().bytes_full, 2);
	ck_assert_uint_eq(tcpreasm_bytes(R), 0);
	/* 20 bytes over all flows. */
	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0, 4, false));
	b = mkseg(2, 100, "abcdefgh", 0);
	ck_assert(tcpreasm_hold(R, &b, D, b.data, b.len, 0, 4, false));
	b = mkseg(2, 108, "ijklm", 0);		/* 16 + 5 > 20 */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(counts().bytes_full, 3);
	/* Two flows at most. */
	b = mkseg(3, 100, "ab", 0);
	ck_assert(tcpreasm_hold(R, &b, D, b.data, b.len, 0, 4, false));
	for (i = 4; i < 10; i++) {
		b = mkseg(i, 100, "ab", 0);
		ck_assert(!tcpreasm_hold(R, &b, D, b.data, b.len, 0, 4,
		    false));
	}
	ck_assert_uint_eq(counts().flows_full, 6);
	ck_assert_uint_eq(tcpreasm_flows(R), 2);
	ck_assert_uint_le(tcpreasm_bytes(R), 20);
}
END_TEST

START_TEST(reasm_timeout)
{
	struct tcpr_segment a = mkseg(1, 100, "abcd", 10), b;
	const uint8_t *pdu;
	size_t len, plen;

	tcpreasm_set_limits(R, 0, 0, 0, 5);
	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0, 4, false));
	b = mkseg(2, 1, "z", 14);		/* another flow, 4 s later */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(tcpreasm_flows(R), 1);
	b = mkseg(2, 2, "z", 16);		/* 6 s: too late */
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	ck_assert_uint_eq(tcpreasm_flows(R), 0);
	ck_assert_uint_eq(counts().timeouts, 1);
	b = mkseg(1, 104, "efgh", 17);
	ck_assert_int_eq(feed(&b, &pdu, &len, &plen), TCPR_DISSECT);
	/* Not counted when quiet (a refill's second reading). */
	ck_assert(tcpreasm_hold(R, &a, D, a.data, a.len, 0, 4, true));
	b = mkseg(1, 300, "x", 100);
	ck_assert_int_eq(tcpreasm_segment(R, &b, &D, &pdu, &len, &plen, true),
	    TCPR_DISSECT);
	ck_assert_uint_eq(counts().timeouts, 1);
	ck_assert_uint_eq(counts().gaps, 0);
}
END_TEST

Suite *
suite_web(void)
{
	Suite *s = suite_create("web");
	TCase *tc = tcase_create("dissectors");
	TCase *r = tcase_create("reassembly");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, http_request);
	tcase_add_test(tc, http_response);
	tcase_add_test(tc, http_heuristic);
	tcase_add_test(tc, http_split_headers);
	tcase_add_test(tc, http_bodies);
	tcase_add_test(tc, http_pipelined);
	tcase_add_test(tc, tls_hellos);
	tcase_add_loop_test(tc, tls_split, 0, 2);
	tcase_add_loop_test(tc, truncations, 0, 5);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(r, rsetup, rteardown);
	tcase_add_test(r, reasm_in_order);
	tcase_add_test(r, reasm_retransmit_overlap);
	tcase_add_test(r, reasm_gap);
	tcase_add_test(r, reasm_caps);
	tcase_add_test(r, reasm_timeout);
	suite_add_tcase(s, r);
	return (s);
}
