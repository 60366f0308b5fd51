/*
 * IP defragmentation: the table (core/reasm.c) on its own, with the
 * cases Wireshark's reassembly documents (order, overlaps, several tails,
 * bytes past the end, bogus offsets), its timeout and caps; then IPv4 and
 * IPv6 fragments through the dissectors, the reassembled datagram read
 * through the layers above, and a truncation sweep of every fragment.
 */
#include <stdatomic.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "core/reasm.h"
#include "core/tap.h"
#include "dissectors/taps.h"
#include "testutil.h"

#define NS	1000000000LL

/* The datagram the fragments carry: UDP 33333 -> 44444, length 48. */
static uint8_t dgram[48];

static void
dgram_init(void)
{
	static const uint8_t udp[8] = { 0x82, 0x35, 0xad, 0x9c, 0, 48, 0, 0 };
	size_t i;

	memcpy(dgram, udp, sizeof(udp));
	for (i = sizeof(udp); i < sizeof(dgram); i++)
		dgram[i] = (uint8_t)('a' + i % 26);
}

static struct reasm_key
key4(uint32_t id)
{
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	struct reasm_key k;

	memset(&k, 0, sizeof(k));
	address_set(&k.src, AT_IPv4, a, 4);
	address_set(&k.dst, AT_IPv4, b, 4);
	k.id = id;
	k.version = 4;
	k.proto = 17;
	return (k);
}

static enum reasm_result
add(struct reasm *r, uint32_t id, int64_t t, uint32_t off,
    const uint8_t *p, uint32_t len, bool more, const uint8_t **out,
    uint32_t *outlen)
{
	struct reasm_key k = key4(id);

	return (reasm_add(r, &k, t, off, p, len, more, out, outlen));
}

START_TEST(in_and_out_of_order)
{
	static const int orders[][3] = { { 0, 1, 2 }, { 2, 0, 1 }, { 1, 2, 0 } };
	struct reasm *r = reasm_new(0, 0, 0);
	struct reasm_counts c;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;
	int o, i, f;

	dgram_init();
	for (o = 0; o < 3; o++) {
		for (i = 0; i < 3; i++) {
			f = orders[o][i];
			ck_assert_int_eq(add(r, (uint32_t)o, 0, (uint32_t)f * 16,
			    dgram + f * 16, 16, f != 2, &out, &outlen),
			    i < 2 ? REASM_HELD : REASM_DONE);
		}
		ck_assert_uint_eq(outlen, sizeof(dgram));
		ck_assert(memcmp(out, dgram, sizeof(dgram)) == 0);
		reasm_packet_end(r);
	}
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.done, 3);
	ck_assert_uint_eq(c.dgrams, 0);
	ck_assert_uint_eq(c.bytes, 0);
	reasm_free(r);
}
END_TEST

/* Overlaps are laid down in offset order, a later fragment over an
 * earlier; a duplicate adds nothing; the first tail fixes the length and
 * bytes past it are dropped; a hole keeps the datagram waiting. */
START_TEST(overlaps_and_tails)
{
	struct reasm *r = reasm_new(0, 0, 0);
	uint8_t a[16], b[16], c[40], want[32];
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(c, 'c', sizeof(c));
	ck_assert_int_eq(add(r, 1, 0, 0, a, 16, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 1, 0, 0, a, 16, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 1, 0, 8, b, 16, true, &out, &outlen),
	    REASM_HELD);
	/* The tail: the datagram is 32 bytes. */
	ck_assert_int_eq(add(r, 1, 0, 24, c, 8, false, &out, &outlen),
	    REASM_DONE);
	memset(want, 'a', 8);
	memset(want + 8, 'b', 16);
	memset(want + 24, 'c', 8);
	ck_assert_uint_eq(outlen, 32);
	ck_assert(memcmp(out, want, 32) == 0);
	reasm_packet_end(r);

	/* Two tails: the first one's length holds, the second's bytes past
	 * it are dropped; a hole at 16..24 waits for its fragment. */
	ck_assert_int_eq(add(r, 2, 0, 24, c, 8, false, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 2, 0, 0, a, 16, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 2, 0, 0, c, 8, false, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 2, 0, 8, b, 16, true, &out, &outlen),
	    REASM_DONE);
	ck_assert_uint_eq(outlen, 32);
	reasm_packet_end(r);

	/* A fragment longer than the datagram: what is past it is cut. */
	ck_assert_int_eq(add(r, 3, 0, 8, c, 40, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 3, 0, 0, a, 16, false, &out, &outlen),
	    REASM_DONE);
	ck_assert_uint_eq(outlen, 16);
	ck_assert(memcmp(out, "aaaaaaaacccccccc", 16) == 0);
	reasm_free(r);
}
END_TEST

/* A completed datagram leaves the table: the same key again is new. */
START_TEST(completed_leaves)
{
	struct reasm *r = reasm_new(0, 0, 0);
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	dgram_init();
	ck_assert_int_eq(add(r, 1, 0, 0, dgram, 16, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 1, 0, 16, dgram + 16, 32, false, &out,
	    &outlen), REASM_DONE);
	ck_assert_int_eq(add(r, 1, 0, 16, dgram + 16, 32, false, &out,
	    &outlen), REASM_HELD);
	reasm_free(r);
}
END_TEST

START_TEST(bogus_and_empty)
{
	struct reasm *r = reasm_new(0, 0, 0);
	struct reasm_counts c;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	dgram_init();
	ck_assert_int_eq(add(r, 1, 0, 65528, dgram, 16, true, &out, &outlen),
	    REASM_REFUSED);
	ck_assert_int_eq(add(r, 1, 0, 65520, dgram, 15, false, &out,
	    &outlen), REASM_HELD);
	ck_assert_int_eq(add(r, 2, 0, 0, dgram, 0, true, &out, &outlen),
	    REASM_REFUSED);
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.bogus, 1);
	ck_assert_uint_eq(c.dgrams, 1);
	reasm_free(r);
}
END_TEST

/* In capture time: a datagram older than the timeout is dropped when a
 * fragment comes after it, its own included. */
START_TEST(timeout)
{
	struct reasm *r = reasm_new(0, 0, 10 * NS);
	struct reasm_counts c;
	const uint8_t *out = NULL;
	uint32_t outlen = 0;

	dgram_init();
	ck_assert_int_eq(add(r, 1, 0, 0, dgram, 16, true, &out, &outlen),
	    REASM_HELD);
	ck_assert_int_eq(add(r, 2, 5 * NS, 0, dgram, 16, true, &out,
	    &outlen), REASM_HELD);
	/* 10 s after the first: not yet. */
	ck_assert_int_eq(add(r, 1, 10 * NS, 16, dgram + 16, 16, true, &out,
	    &outlen), REASM_HELD);
	/* Past it: datagram 1 goes, this fragment starts it again. */
	ck_assert_int_eq(add(r, 1, 11 * NS, 32, dgram + 32, 16, false, &out,
	    &outlen), REASM_HELD);
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.timeout, 1);
	ck_assert_uint_eq(c.dgrams, 2);
	/* Datagram 2 completes within its time. */
	ck_assert_int_eq(add(r, 2, 14 * NS, 16, dgram + 16, 32, false, &out,
	    &outlen), REASM_DONE);
	/* A datagram behind the front (its time went backwards) still
	 * times out when its own fragment comes. */
	ck_assert_int_eq(add(r, 3, -50 * NS, 0, dgram, 16, true, &out,
	    &outlen), REASM_HELD);
	ck_assert_int_eq(add(r, 3, -35 * NS, 16, dgram + 16, 16, true, &out,
	    &outlen), REASM_HELD);
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.timeout, 2);
	ck_assert_uint_eq(c.dgrams, 2);
	reasm_free(r);
}
END_TEST

/* The caps: the oldest datagrams make room, and each is counted. */
START_TEST(caps)
{
	struct reasm *r = reasm_new(2, 0, 0);
	struct reasm_counts c;
	const uint8_t *out = NULL;
	uint32_t outlen = 0, i;

	dgram_init();
	for (i = 1; i <= 3; i++)
		ck_assert_int_eq(add(r, i, 0, 0, dgram, 16, true, &out,
		    &outlen), REASM_HELD);
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.full, 1);
	ck_assert_uint_eq(c.dgrams, 2);
	/* Datagram 1 was dropped: its tail alone does not complete it. */
	ck_assert_int_eq(add(r, 1, 0, 16, dgram + 16, 32, false, &out,
	    &outlen), REASM_HELD);
	/* 3 is still there. */
	ck_assert_int_eq(add(r, 3, 0, 16, dgram + 16, 32, false, &out,
	    &outlen), REASM_DONE);
	reasm_free(r);

	/* Bytes: room for about two fragments of 1000. */
	{
		static uint8_t big[1000];

		r = reasm_new(0, 2600, 0);
		for (i = 1; i <= 3; i++)
			ck_assert_int_eq(add(r, i, 0, 0, big, sizeof(big),
			    true, &out, &outlen), REASM_HELD);
		reasm_counts_get(r, &c);
		ck_assert_uint_eq(c.full, 1);
		ck_assert_uint_le(c.bytes, 2600);
		/* One datagram that alone passes the cap is dropped. */
		ck_assert_int_eq(add(r, 3, 0, 1000, big, sizeof(big), true,
		    &out, &outlen), REASM_HELD);
		ck_assert_int_eq(add(r, 3, 0, 2000, big, sizeof(big), true,
		    &out, &outlen), REASM_REFUSED);
		reasm_counts_get(r, &c);
		ck_assert_uint_eq(c.dgrams, 0);
		ck_assert_uint_eq(c.bytes, 0);
		reasm_free(r);
	}

	/* Fragments per datagram. */
	r = reasm_new(0, 0, 0);
	for (i = 0; i < REASM_FRAGS_MAX; i++)
		ck_assert_int_eq(add(r, 9, 0, 0, dgram, 8, true, &out,
		    &outlen), REASM_HELD);
	ck_assert_int_eq(add(r, 9, 0, 0, dgram, 8, true, &out, &outlen),
	    REASM_REFUSED);
	reasm_counts_get(r, &c);
	ck_assert_uint_eq(c.full, 1);
	ck_assert_uint_eq(c.dgrams, 0);
	reasm_free(r);
}
END_TEST

/* Frames: Ethernet, then IPv4 or IPv6 with a fragment of dgram. */
static size_t
frame4(uint8_t *f, uint32_t id, uint32_t off, uint32_t len, bool more)
{
	static const uint8_t eth[14] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55,
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00 };
	uint16_t word = (uint16_t)(off / 8 | (more ? 0x2000 : 0));
	uint16_t tot = (uint16_t)(20 + len);
	uint8_t ip[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot,
	    (uint8_t)(id >> 8), (uint8_t)id, (uint8_t)(word >> 8),
	    (uint8_t)word, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };

	memcpy(f, eth, 14);
	memcpy(f + 14, ip, 20);
	memcpy(f + 34, dgram + off, len);
	return (34 + len);
}

static size_t
frame6(uint8_t *f, uint32_t id, uint32_t off, uint32_t len, bool more)
{
	static const uint8_t eth[14] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55,
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x86, 0xdd };
	uint16_t plen = (uint16_t)(8 + len);
	uint16_t word = (uint16_t)(off | (more ? 1 : 0));
	uint8_t ip6[40] = { 0x60, 0, 0, 0, (uint8_t)(plen >> 8),
	    (uint8_t)plen, 44, 64,
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	uint8_t fh[8] = { 17, 0, (uint8_t)(word >> 8), (uint8_t)word,
	    (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8),
	    (uint8_t)id };

	memcpy(f, eth, 14);
	memcpy(f + 14, ip6, 40);
	memcpy(f + 54, fh, 8);
	memcpy(f + 62, dgram + off, len);
	return (62 + len);
}

static struct dissect edt;

static void
setup(void)
{
	proto_init();
	test_listen_all();
	dissect_init(&edt);
	dgram_init();
}

static void
teardown(void)
{
	dissect_free(&edt);
}

static void
run_at(const uint8_t *f, size_t caplen, size_t len, int64_t sec)
{
	atomic_store(&field_want_everything, 1);
	dissect_begin(&edt, 1, sec, 0, 0.0, (uint32_t)len, (uint32_t)caplen,
	    DLT_EN10MB);
	dissect_frame(&edt, f);
}

/* The layer of a protocol, or -1. */
static int
layer_of(const char *name)
{
	const struct dissector *d = proto_find_dissector(name);
	int i;

	for (i = 0; d != NULL && i < edt.nlayers; i++)
		if (edt.layers[i].proto == *d->proto)
			return (i);
	return (-1);
}

/* The datagram is dissected once, at the fragment that completes it;
 * the layers above IP read the reassembled bytes. */
static void
check_reassembly(size_t (*frame)(uint8_t *, uint32_t, uint32_t, uint32_t,
    bool), const char *held, const char *done, const char *iptap)
{
	static const int order[3] = { 1, 2, 0 };
	uint8_t f[128];
	size_t n;
	int i, k, u;

	for (i = 0; i < 3; i++) {
		k = order[i];
		n = frame(f, 7, (uint32_t)k * 16, 16, k != 2);
		run_at(f, n, n, 0);
		ck_assert_int_eq(edt.err, BUF_OK);
		ck_assert_str_eq(test_path(&edt), i < 2 ? held : done);
		ck_assert_int_eq(test_tap_count(&edt, "udp"), i < 2 ? 0 : 1);
		if (strcmp(iptap, "ip") == 0)
			ck_assert_int_eq(test_tap_count(&edt, "ip"), 1);
		else
			ck_assert_int_eq(test_tap_count(&edt, iptap),
			    i < 2 ? 0 : 1);
	}
	ck_assert_uint_eq(test_field(&edt, "udp.length")->v.u, 48);
	ck_assert_uint_eq(edt.pinfo.srcport, 33333);
	u = layer_of("udp");
	ck_assert_int_ge(u, 0);
	ck_assert_uint_eq(edt.layers[u].src, 1);
	ck_assert_uint_eq(edt.layers[u].off, 0);
	ck_assert_uint_eq(edt.layers[u].len, 8);
	ck_assert_int_eq(edt.nsrc, 2);
	ck_assert_uint_eq(edt.src_len[1], sizeof(dgram));
	ck_assert(memcmp(edt.src[1], dgram, sizeof(dgram)) == 0);
}

START_TEST(ipv4_dissected_once)
{
	check_reassembly(frame4, "eth:ip:data", "eth:ip:udp", "ip");
}
END_TEST

START_TEST(ipv6_dissected_once)
{
	int k;

	check_reassembly(frame6, "eth:ipv6:ipv6.fraghdr:data",
	    "eth:ipv6:ipv6.fraghdr:udp", "ipv6");
	/* The fragment header is a protocol for filters, not a level of
	 * the hierarchy. */
	k = layer_of("ipv6.fraghdr");
	ck_assert_int_ge(k, 0);
	ck_assert(edt.layers[k].no_hierarchy);
	ck_assert(!edt.layers[layer_of("udp")].no_hierarchy);
}
END_TEST

/* A fragment cut by the snaplen is not held: the first is dissected as
 * it is, a later one is data; the datagram is then never complete. */
START_TEST(cut_not_held)
{
	uint8_t f[128];
	size_t n;

	n = frame4(f, 9, 0, 16, true);
	run_at(f, n - 1, n, 0);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp");
	n = frame4(f, 9, 16, 32, false);
	run_at(f, n, n, 0);
	ck_assert_str_eq(test_path(&edt), "eth:ip:data");
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
}
END_TEST

/* Every prefix of every fragment, the others whole: ok or truncated,
 * never worse. */
START_TEST(truncation_sweep)
{
	uint8_t f[3][128];
	size_t n[3], cut;
	int v, k, j;

	for (v = 0; v < 2; v++) {
		for (k = 0; k < 3; k++)
			n[k] = v == 0 ?
			    frame4(f[k], 11, (uint32_t)k * 16, 16, k != 2) :
			    frame6(f[k], 11, (uint32_t)k * 16, 16, k != 2);
		for (k = 0; k < 3; k++)
			for (cut = 0; cut <= n[k]; cut++) {
				for (j = 0; j < 3; j++) {
					run_at(f[j], j == k ? cut : n[j],
					    n[j], 0);
					ck_assert_msg(edt.err == BUF_OK ||
					    edt.err == BUF_TRUNCATED,
					    "v%d frag %d cut %zu: err %d",
					    v, k, cut, edt.err);
				}
				/* Start the next try afresh. */
				dissect_free(&edt);
				dissect_init(&edt);
			}
	}
}
END_TEST

/* Limits hit by the dissection are published with the others. */
START_TEST(limits_published)
{
	struct dissect_limits l;
	uint8_t f[128];
	size_t n;

	dissect_counts_reset();
	n = frame4(f, 21, 0, 16, true);
	run_at(f, n, n, 0);
	n = frame4(f, 22, 0, 16, true);
	run_at(f, n, n, REASM_TIMEOUT_NS / NS + 1);
	dissect_limits_get(&l);
	ck_assert_uint_eq(l.reasm_timeout, 1);
	ck_assert_uint_eq(l.reasm_full, 0);
	/* A quiet dissection (a refill) adds nothing. */
	edt.quiet = true;
	run_at(f, n, n, 10 * REASM_TIMEOUT_NS / NS);
	edt.quiet = false;
	run_at(f, n, n, 10 * REASM_TIMEOUT_NS / NS);
	dissect_limits_get(&l);
	ck_assert_uint_eq(l.reasm_timeout, 1);
}
END_TEST

Suite *
suite_reasm(void)
{
	Suite *s = suite_create("reasm");
	TCase *t = tcase_create("table");
	TCase *d = tcase_create("dissect");

	tcase_add_test(t, in_and_out_of_order);
	tcase_add_test(t, overlaps_and_tails);
	tcase_add_test(t, completed_leaves);
	tcase_add_test(t, bogus_and_empty);
	tcase_add_test(t, timeout);
	tcase_add_test(t, caps);
	suite_add_tcase(s, t);

	tcase_add_checked_fixture(d, setup, teardown);
	tcase_add_test(d, ipv4_dissected_once);
	tcase_add_test(d, ipv6_dissected_once);
	tcase_add_test(d, cut_not_held);
	tcase_add_test(d, truncation_sweep);
	tcase_add_test(d, limits_published);
	suite_add_tcase(s, d);
	return (s);
}
