/*
 * The counter panels (tcp, icmp, arp, ports, plen) on frames built here
 * and dissected for real, pushed through the tap engine: what each
 * counts, and their bounds (the tables of fixed size say what they could
 * not keep, and every SYN, echo request and claim is accounted for).
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/stats_tree.h"
#include "core/tap.h"
#include "testutil.h"

#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101

static struct dissect edt;
static uint64_t frame_num;

static void
setup(void)
{
	proto_init();
	dissect_init(&edt);
	frame_num = 0;
}

static void
teardown(void)
{
	dissect_free(&edt);
}

/* Dissects and dispatches one frame at time t (seconds). */
static void
push(int linktype, const uint8_t *p, size_t len, double t)
{
	int64_t sec = (int64_t)floor(t);

	dissect_begin(&edt, ++frame_num, 1000 + sec,
	    (uint32_t)((t - (double)sec) * 1e9 + 0.5), t, (uint32_t)len,
	    (uint32_t)len, linktype);
	dissect_frame(&edt, p);
	tap_push_packet(&edt);
}

/* An IPv4 header (20 bytes) before a payload of plen bytes, in p. */
static size_t
ip4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto, size_t plen)
{
	size_t len = 20 + plen;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = 64;
	p[9] = proto;
	p[12] = (uint8_t)(src >> 24);
	p[13] = (uint8_t)(src >> 16);
	p[14] = (uint8_t)(src >> 8);
	p[15] = (uint8_t)src;
	p[16] = (uint8_t)(dst >> 24);
	p[17] = (uint8_t)(dst >> 16);
	p[18] = (uint8_t)(dst >> 8);
	p[19] = (uint8_t)dst;
	return (len);
}

#define A	0x0a000001u		/* 10.0.0.1 */
#define B	0x0a000002u		/* 10.0.0.2 */

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

/* A TCP segment over IPv4, with dlen bytes of data. */
static void
tcp(double t, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint32_t seq, uint8_t flags, uint16_t window, size_t dlen)
{
	uint8_t p[1600];
	uint8_t *h = p + 20;
	size_t len = ip4(p, src, dst, 6, 20 + dlen);

	memset(h, 0, 20 + dlen);
	be16(h, sport);
	be16(h + 2, dport);
	be32(h + 4, seq);
	h[12] = 5 << 4;
	h[13] = flags;
	be16(h + 14, window);
	push(LINKTYPE_RAW, p, len, t);
}

static void
udp(double t, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
	uint8_t p[28];
	size_t len = ip4(p, src, dst, 17, 8);

	memset(p + 20, 0, 8);
	be16(p + 20, sport);
	be16(p + 22, dport);
	be16(p + 24, 8);
	push(LINKTYPE_RAW, p, len, t);
}

static void
echo(double t, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
    uint16_t seq)
{
	uint8_t p[36];
	size_t len = ip4(p, src, dst, 1, 16);

	memset(p + 20, 0, 16);
	p[20] = type;
	be16(p + 24, id);
	be16(p + 26, seq);
	push(LINKTYPE_RAW, p, len, t);
}

/* An ARP packet over Ethernet: sender (mac byte, ip), target ip. */
static void
arp(double t, uint16_t op, uint8_t smac, uint32_t sip, uint32_t tip)
{
	uint8_t p[60];

	memset(p, 0, sizeof(p));
	memset(p, 0xff, 6);
	p[11] = smac;
	be16(p + 12, 0x0806);
	be16(p + 14, 1);
	be16(p + 16, 0x0800);
	p[18] = 6;
	p[19] = 4;
	be16(p + 20, op);
	p[27] = smac;
	be32(p + 28, sip);
	be32(p + 38, tip);
	push(LINKTYPE_ETHERNET, p, sizeof(p), t);
}

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_ACK	0x10

/* The table at capture time t (what draws see: panel.h's clock). */
static struct table *
at(struct panel *p, double t)
{
	panel_set_clock(p, (int64_t)((1000 + t) * 1e9), INT64_MIN);
	return (panel_snapshot(p));
}

static struct panel *
open_panel(const char *name, const char *filter)
{
	char *err = NULL;
	struct panel *p = panel_open(name, filter, PANEL_MAX_ROWS_DEFAULT,
	    &err);

	ck_assert_msg(p != NULL, "%s: %s", name, err ? err : "?");
	return (p);
}

/* The count of the row whose names are path ('|' between), or -1. */
static int64_t
count_of(const struct table *t, const char *path)
{
	char *want = g_strdup(path);
	int r, c = table_col_index(t, "count");
	int64_t n = -1;

	g_strdelimit(want, "|", TABLE_TREE_SEP);
	for (r = 0; r < t->nrows && n < 0; r++)
		if (strcmp(table_row(t, r)[0].text, want) == 0)
			n = (int64_t)table_row(t, r)[c].u;
	g_free(want);
	return (n);
}

static double
col_of(const struct table *t, const char *path, const char *key)
{
	char *want = g_strdup(path);
	int r, c = table_col_index(t, key);
	double d = NAN;

	g_strdelimit(want, "|", TABLE_TREE_SEP);
	for (r = 0; r < t->nrows; r++)
		if (strcmp(table_row(t, r)[0].text, want) == 0)
			d = table_row(t, r)[c].d;
	g_free(want);
	return (d);
}

START_TEST(tcp_health)
{
	struct panel *p = open_panel("tcp", "");
	struct table *t;

	tcp(1.0, A, 40000, B, 80, 100, TH_SYN, 1000, 0);
	tcp(1.0, A, 40000, B, 80, 100, TH_SYN, 1000, 0);	/* again */
	tcp(1.05, B, 80, A, 40000, 900, TH_SYN | TH_ACK, 1000, 0);
	tcp(1.1, A, 40000, B, 80, 101, TH_ACK, 1000, 50);
	tcp(1.2, A, 40000, B, 80, 101, TH_ACK, 1000, 50);	/* retrans */
	tcp(1.3, A, 40000, B, 80, 131, TH_ACK, 1000, 20);	/* part */
	tcp(1.4, A, 40000, B, 80, 150, TH_ACK, 1000, 1);	/* keep-alive */
	tcp(1.5, A, 40000, B, 80, 151, TH_ACK, 1000, 0);	/* plain ACK */
	tcp(1.6, B, 80, A, 40000, 901, TH_ACK, 0, 0);		/* zero win */
	tcp(1.7, B, 80, A, 40000, 901, TH_RST, 0, 0);		/* not zw */
	tcp(1.8, A, 40001, B, 443, 5, TH_SYN, 1000, 0);
	tcp(1.9, B, 443, A, 40001, 0, TH_RST | TH_ACK, 0, 0);	/* refused */
	tcp(2.0, A, 40002, B, 22, 5, TH_SYN, 1000, 0);
	t = at(p, 4.5);			/* 2.5 s later: not yet */
	ck_assert_int_eq(count_of(t, "SYN"), 4);
	ck_assert_int_eq(count_of(t, "SYN-ACK"), 1);
	ck_assert_int_eq(count_of(t, "RST"), 2);
	ck_assert_int_eq(count_of(t, "Zero window"), 1);
	ck_assert_int_eq(count_of(t, "Retransmissions"), 3);
	ck_assert_int_eq(count_of(t, "Attempts without answer"), 0);
	ck_assert_int_eq(count_of(t, "Handshake round trip|10.0.0.2"), 1);
	ck_assert_double_eq_tol(col_of(t, "Handshake round trip|10.0.0.2",
	    "avg"), 0.05, 1e-9);
	table_free(t);
	/* 3.5 s after the SYN to port 22, with no packet since: the panel
	 * still has something new to draw. */
	panel_set_clock(p, (int64_t)(1005.5 * 1e9), INT64_MIN);
	t = panel_snapshot_if_changed(p);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(count_of(t, "Attempts without answer|10.0.0.2"), 1);
	ck_assert_int_eq(count_of(t, "Attempts forgotten (table full)"), 0);
	table_free(t);
	/* Nothing waits any more, and the rates are 0 from 41 s on. */
	panel_set_clock(p, (int64_t)(1060 * 1e9), INT64_MIN);
	table_free(panel_snapshot_if_changed(p));
	panel_set_clock(p, (int64_t)(1061 * 1e9), INT64_MIN);
	ck_assert_ptr_null(panel_snapshot_if_changed(p));
	panel_close(p);
}
END_TEST

/* A flood of SYNs: each is answered, unanswered or forgotten, once. */
START_TEST(tcp_syn_flood_bounded)
{
	struct panel *p = open_panel("tcp", "");
	struct table *t;
	uint32_t i;

	for (i = 0; i < 20000; i++)
		tcp(1.0 + i * 1e-5, 0x0b000000u + i, (uint16_t)(1024 + i % 60000),
		    B, 80, i, TH_SYN, 1000, 0);
	t = at(p, 9.0);
	ck_assert_int_eq(count_of(t, "SYN"), 20000);
	ck_assert_int_gt(count_of(t, "Attempts forgotten (table full)"), 0);
	ck_assert_int_eq(count_of(t, "Attempts without answer") +
	    count_of(t, "Attempts forgotten (table full)"), 20000);
	ck_assert_int_gt(count_of(t, "Flows forgotten (table full)"), 0);
	table_free(t);
	panel_close(p);
}
END_TEST

START_TEST(icmp_echo)
{
	struct panel *p = open_panel("icmp", "");
	struct table *t;
	int i;

	echo(1.0, A, B, 8, 1, 1);
	echo(1.1, A, B, 8, 1, 1);		/* repeated: the first stays */
	echo(1.5, B, A, 0, 1, 1);
	echo(1.6, B, A, 0, 1, 1);		/* answered already */
	echo(2.0, A, B, 8, 1, 2);
	echo(2.1, A, B, 0, 1, 2);		/* wrong way */
	echo(2.2, B, A, 0, 2, 2);		/* wrong identifier */
	t = panel_snapshot(p);
	ck_assert_int_eq(count_of(t, "ICMP|8/0 Echo (ping) request"), 3);
	ck_assert_int_eq(count_of(t, "ICMP|0/0 Echo (ping) reply"), 4);
	ck_assert_int_eq(count_of(t, "Echo|Replies matched"), 1);
	ck_assert_int_eq(count_of(t, "Echo|Replies unmatched"), 3);
	ck_assert_double_eq_tol(col_of(t, "Echo|Replies matched", "max"), 0.5,
	    1e-9);
	table_free(t);
	/* More requests waiting than slots: the replaced are counted. */
	for (i = 0; i < 10000; i++)
		echo(3.0, A, B, 8, 9, (uint16_t)i);
	t = panel_snapshot(p);
	ck_assert_int_gt(count_of(t, "Echo|Requests forgotten (table full)"),
	    5000);
	ck_assert_int_le(count_of(t, "Echo|Requests forgotten (table full)"),
	    10000);
	table_free(t);
	panel_close(p);
}
END_TEST

START_TEST(arp_claims)
{
	struct panel *p = open_panel("arp", "");
	struct table *t;
	uint32_t i;

	arp(1.0, 1, 1, A, B);
	arp(1.1, 2, 2, B, A);
	arp(1.2, 2, 3, B, A);		/* B claimed by a second MAC */
	arp(1.3, 1, 3, B, B);		/* gratuitous, and again */
	arp(1.4, 1, 4, 0, B);		/* a probe claims nothing */
	arp(1.5, 3, 4, 0, B);		/* RARP request */
	t = panel_snapshot(p);
	ck_assert_int_eq(count_of(t, "Requests"), 3);
	ck_assert_int_eq(count_of(t, "Requests|Who has|10.0.0.2"), 3);
	ck_assert_int_eq(count_of(t, "Replies"), 2);
	ck_assert_int_eq(count_of(t, "Other opcodes|3"), 1);
	ck_assert_int_eq(count_of(t, "Gratuitous"), 1);
	ck_assert_int_eq(count_of(t, "Address claimed by two MACs|10.0.0.2"),
	    2);
	table_free(t);
	/* 5000 more senders: the first 4096 addresses are checked (2 are
	 * in already), the rest counted as not checked. */
	for (i = 0; i < 5000; i++)
		arp(2.0, 1, 5, 0x0c000000u + i, A);
	t = panel_snapshot(p);
	ck_assert_int_eq(count_of(t, "Claims not checked (table full)"),
	    5000 - (4096 - 2));
	table_free(t);
	panel_close(p);
}
END_TEST

START_TEST(ports_and_plen)
{
	struct panel *ports = open_panel("ports", "");
	struct panel *plen = open_panel("plen", "udp");
	struct table *t;

	udp(1.0, A, 40000, B, 40001);
	udp(1.0, A, 40002, B, 40001);
	tcp(1.0, A, 40003, B, 40001, 1, TH_SYN, 1, 1500);
	t = panel_snapshot(ports);
	/* Ports this high have no service name: the lower one counts. */
	ck_assert_int_eq(count_of(t, "UDP|40000"), 1);
	ck_assert_int_eq(count_of(t, "UDP|40001"), 1);
	ck_assert_int_eq(count_of(t, "TCP|40001"), 1);
	table_free(t);
	t = panel_snapshot(plen);
	ck_assert_int_eq(count_of(t, "Packet Lengths"), 2);
	ck_assert_int_eq(count_of(t, "Packet Lengths|20-39"), 2);
	ck_assert_double_eq(col_of(t, "Packet Lengths|20-39", "max"), 28);
	ck_assert(isnan(col_of(t, "Packet Lengths|0-19", "min")));
	table_free(t);
	panel_close(ports);
	panel_close(plen);
}
END_TEST

Suite *
suite_stats_panels(void)
{
	Suite *s = suite_create("stats_panels");
	TCase *tc = tcase_create("panels");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, tcp_health);
	tcase_add_test(tc, tcp_syn_flood_bounded);
	tcase_add_test(tc, icmp_echo);
	tcase_add_test(tc, arp_claims);
	tcase_add_test(tc, ports_and_plen);
	suite_add_tcase(s, tc);
	return (s);
}
