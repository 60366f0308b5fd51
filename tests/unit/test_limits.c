/*
 * The per-packet limits: a packet with more tap entries than the queue
 * holds (PACKET_TAPQ_MAX), more field values than the table holds
 * (PACKET_FIELDS_MAX), or more records than its arena holds, is counted,
 * and the counts are published once the packet is done, for other threads
 * and for the reports to read.
 *
 * The field table is overflowed by a real packet (IPv4 in IPv4, each
 * header full of NOP options, every field wanted).  No real packet can
 * queue 65 tap entries or use up 64 KiB of arena yet (nesting stops at
 * PACKET_DEPTH_MAX first), so those two are filled by hand before the
 * frame is dissected, as a dissector of many small records would.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/arena.h"
#include "core/dissect.h"
#include "core/report.h"
#include "core/tap.h"
#include "testutil.h"

#define NEST		16	/* IPv4 headers, one inside the other */
#define IP_HDR		60	/* each with 40 bytes of options */

/* eth, NEST x (IPv4 with 40 NOPs, protocol 4 but the last: 17), UDP. */
static size_t
nested_ip(uint8_t *p, size_t size)
{
	static const uint8_t eth[] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55,	/* dst */
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,	/* src */
		0x08, 0x00,				/* IPv4 */
	};
	static const uint8_t udp[] = {
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x08, 0x00, 0x00,
	};
	size_t n = 0, left;
	int i;

	ck_assert_uint_ge(size, sizeof(eth) + NEST * IP_HDR + sizeof(udp));
	memcpy(p, eth, sizeof(eth));
	n = sizeof(eth);
	for (i = 0; i < NEST; i++) {
		uint8_t *h = p + n;

		left = (size_t)(NEST - i) * IP_HDR + sizeof(udp);
		memset(h, 0x01, IP_HDR);	/* NOP options */
		h[0] = 0x4f;			/* version 4, 15 words */
		h[1] = 0;
		h[2] = (uint8_t)(left >> 8);
		h[3] = (uint8_t)left;
		h[4] = h[5] = h[6] = h[7] = 0;
		h[8] = 64;
		h[9] = i == NEST - 1 ? 17 : 4;
		h[10] = h[11] = 0;
		h[12] = 10, h[13] = 0, h[14] = 0, h[15] = (uint8_t)(i + 1);
		h[16] = 10, h[17] = 0, h[18] = 1, h[19] = (uint8_t)(i + 1);
		n += IP_HDR;
	}
	memcpy(p + n, udp, sizeof(udp));
	return (n + sizeof(udp));
}

static void
limits_diff(const struct dissect_limits *a, const struct dissect_limits *b,
    struct dissect_limits *d)
{
	d->tapq_full = b->tapq_full - a->tapq_full;
	d->fields_full = b->fields_full - a->fields_full;
	d->arena_full = b->arena_full - a->arena_full;
}

START_TEST(fields_overflow_real_packet)
{
	struct dissect edt;
	struct dissect_limits before, after, d;
	uint8_t pkt[1024];
	size_t len = nested_ip(pkt, sizeof(pkt));

	dissect_init(&edt);
	dissect_limits_get(&before);
	test_dissect(&edt, DLT_EN10MB, pkt, len, len);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_str_eq(test_path(&edt), "eth:ip:ip:ip:ip:ip:ip:ip:ip:ip:ip:"
	    "ip:ip:ip:ip:ip:ip:udp");
	ck_assert_int_eq(edt.nfields, PACKET_FIELDS_MAX);
	ck_assert_int_gt(test_field_count(&edt, "ip.opt.type"), 0);
	ck_assert_int_lt(test_field_count(&edt, "ip.opt.type"), NEST * 40);
	/* Their 40 NOPs a header alone are more than the table holds. */
	ck_assert_uint_ge(edt.fields_full, NEST * 40 - PACKET_FIELDS_MAX);
	ck_assert_uint_eq(edt.tapq_full, 0);
	ck_assert_uint_eq(edt.arena.exhausted, 0);
	dissect_limits_get(&after);
	limits_diff(&before, &after, &d);
	ck_assert_uint_eq(d.fields_full, edt.fields_full);
	ck_assert_uint_eq(d.tapq_full, 0);
	ck_assert_uint_eq(d.arena_full, 0);
	dissect_free(&edt);
}
END_TEST

/*
 * One packet over every limit: PACKET_TAPQ_MAX + 3 entries, PACKET_FIELDS_MAX
 * + 7 values and the arena used up, then the frame dissected on top.  The
 * counts in edt are of every packet it dissected.
 */
static void
overflow_packet(struct dissect *edt, const uint8_t *pkt, size_t len)
{
	int tap = find_tap_id("frame"), hf = field_find("frame.len"), i, n;
	uint64_t tapq = edt->tapq_full, fields = edt->fields_full;
	uint64_t arena = edt->arena.exhausted;

	atomic_store(&field_want_everything, 1);
	dissect_begin(edt, 1, 0, 0, 0.0, (uint32_t)len, (uint32_t)len,
	    DLT_EN10MB);
	for (i = 0; i < PACKET_TAPQ_MAX + 3; i++)
		tap_queue_packet(tap, &edt->pinfo, NULL);
	for (i = 0; i < PACKET_FIELDS_MAX + 7; i++)
		field_add_uint(edt, hf, len);
	for (n = 0; arena_alloc(&edt->arena, 1000) != NULL; n++)
		ck_assert_int_le(n, ARENA_SIZE / 1000);
	ck_assert_uint_eq(edt->tapq_full - tapq, 3);
	ck_assert_uint_eq(edt->fields_full - fields, 7);
	ck_assert_uint_eq(edt->arena.exhausted - arena, 1);
	dissect_frame(edt, pkt);
}

START_TEST(every_limit_published)
{
	struct dissect edt;
	struct dissect_limits before, mid, after, d;
	uint8_t pkt[1024], small[14 + IP_HDR + 8];
	size_t len = nested_ip(pkt, sizeof(pkt));

	test_listen_all();	/* so dissectors try to build tap records */
	dissect_init(&edt);
	dissect_limits_get(&before);
	overflow_packet(&edt, pkt, len);
	/* The dissection met the full queue, table and arena too: the frame
	 * tap, every field and every dissector's tap record were refused. */
	ck_assert_uint_ge(edt.tapq_full, 4);
	ck_assert_uint_gt(edt.fields_full, 7);
	ck_assert_uint_gt(edt.arena.exhausted, 1);
	ck_assert_int_eq(edt.ntap, PACKET_TAPQ_MAX);
	dissect_limits_get(&after);
	limits_diff(&before, &after, &d);
	ck_assert_uint_eq(d.tapq_full, edt.tapq_full);
	ck_assert_uint_eq(d.fields_full, edt.fields_full);
	ck_assert_uint_eq(d.arena_full, edt.arena.exhausted);

	/* A packet within every limit adds nothing, and what was published
	 * is not published again. */
	memcpy(small, pkt, 14);
	memcpy(small + 14, pkt + len - IP_HDR - 8, IP_HDR + 8);
	dissect_begin(&edt, 2, 0, 0, 0.0, sizeof(small), sizeof(small),
	    DLT_EN10MB);
	dissect_frame(&edt, small);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp");
	dissect_limits_get(&mid);
	limits_diff(&after, &mid, &d);
	ck_assert_uint_eq(d.tapq_full, 0);
	ck_assert_uint_eq(d.fields_full, 0);
	ck_assert_uint_eq(d.arena_full, 0);

	/* Counted per struct dissect, summed over all of them. */
	overflow_packet(&edt, pkt, len);
	dissect_limits_get(&mid);
	limits_diff(&before, &mid, &d);
	ck_assert_uint_eq(d.tapq_full, edt.tapq_full);
	ck_assert_uint_gt(d.tapq_full, after.tapq_full - before.tapq_full);
	dissect_free(&edt);
}
END_TEST

static char *
print(void (*fn)(FILE *, const struct report_capture *,
    struct panel *const *, int), const struct report_capture *cap)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fn(fp, cap, NULL, 0);
	fclose(fp);
	return (buf);
}

/* The reports show what was published, under the documented keys: the
 * JSON every one of them always (a stable schema), the text only the
 * counts that are not zero. */
START_TEST(limits_in_reports)
{
	struct dissect edt;
	struct dissect_limits l;
	struct report_capture cap = { .source = "x", .packets = 1,
	    .bytes = 60 };
	uint8_t pkt[1024];
	size_t len = nested_ip(pkt, sizeof(pkt));
	char *got, *want;

	dissect_init(&edt);
	dissect_counts_reset();
	overflow_packet(&edt, pkt, len);
	dissect_limits_get(&l);
	ck_assert_uint_gt(l.tapq_full, 0);
	ck_assert_uint_gt(l.fields_full, 0);
	ck_assert_uint_gt(l.arena_full, 0);
	cap.tapq_full = l.tapq_full;
	cap.fields_full = l.fields_full;
	cap.arena_full = l.arena_full;

	got = print(report_json, &cap);
	want = g_strdup_printf("{\"capture\":{\"source\":\"x\","
	    "\"packets\":1,\"bytes\":60,\"dropped\":0,\"malformed\":0,"
	    "\"truncated\":0,\"tap_queue_full\":%" G_GUINT64_FORMAT
	    ",\"fields_dropped\":%" G_GUINT64_FORMAT
	    ",\"arena_full\":%" G_GUINT64_FORMAT ",\"reasm_timeout\":0,"
	    "\"reasm_full\":0,\"tcp_reasm_gaps\":0,"
	    "\"tcp_reasm_flows_full\":0,\"tcp_reasm_bytes_full\":0,"
	    "\"tcp_reasm_timeouts\":0,\"capture_filter\":\"\","
	    "\"display_filter\":\"\""
	    ",\"undissected\":{},\"error\":null},\n\"panels\":[]}\n",
	    l.tapq_full, l.fields_full, l.arena_full);
	ck_assert_str_eq(got, want);
	free(got);
	g_free(want);

	got = print(report_text, &cap);
	want = g_strdup_printf("Capture: x\n"
	    "Packets: 1  Bytes: 60  Dropped: 0  Malformed: 0  Truncated: 0\n"
	    "Per-packet limits hit: tap queue full %" G_GUINT64_FORMAT
	    "  fields dropped %" G_GUINT64_FORMAT
	    "  arena full %" G_GUINT64_FORMAT "\n",
	    l.tapq_full, l.fields_full, l.arena_full);
	ck_assert_str_eq(got, want);
	free(got);
	g_free(want);

	/* One alone: every key still there, the others 0. */
	cap.tapq_full = cap.arena_full = 0;
	got = print(report_json, &cap);
	want = g_strdup_printf("{\"capture\":{\"source\":\"x\","
	    "\"packets\":1,\"bytes\":60,\"dropped\":0,\"malformed\":0,"
	    "\"truncated\":0,\"tap_queue_full\":0,\"fields_dropped\":%"
	    G_GUINT64_FORMAT ",\"arena_full\":0,\"reasm_timeout\":0,"
	    "\"reasm_full\":0,\"tcp_reasm_gaps\":0,"
	    "\"tcp_reasm_flows_full\":0,\"tcp_reasm_bytes_full\":0,"
	    "\"tcp_reasm_timeouts\":0,\"capture_filter\":\"\","
	    "\"display_filter\":\"\""
	    ",\"undissected\":{},\"error\":null},\n\"panels\":[]}\n",
	    l.fields_full);
	ck_assert_str_eq(got, want);
	free(got);
	g_free(want);

	/* Reset zeroes them. */
	dissect_counts_reset();
	dissect_limits_get(&l);
	ck_assert_uint_eq(l.tapq_full + l.fields_full + l.arena_full, 0);
	dissect_free(&edt);
}
END_TEST

Suite *
suite_limits(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, fields_overflow_real_packet);
	tcase_add_test(tc, every_limit_published);
	tcase_add_test(tc, limits_in_reports);
	suite_add_tcase(s, tc);
	return (s);
}
