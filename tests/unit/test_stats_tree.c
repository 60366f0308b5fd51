/*
 * The counters helper (core/stats_tree.h): counts up the tree, values,
 * children made on first use and their names, the cap and "(other)",
 * rates in capture time, reset, row filters, the panel glue that
 * STATS_TREE_PANEL makes, and how the printers show a tree.
 */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/report.h"
#include "core/stats_tree.h"

enum { N_PKTS, N_SMALL, N_LARGE, N_TYPES, N_NAMES, N_RTT, N_RTT_BY, NN };

static char *
type_filter(const char *name)
{
	return (g_strdup_printf("x.type == %s", name));
}

static const struct stats_tree_node test_nodes[NN] = {
	[N_PKTS] = { .name = "Packets", .parent = -1, .filter = "frame" },
	[N_SMALL] = { .name = "Small", .parent = N_PKTS,
	    .filter = "frame.len < 100" },
	[N_LARGE] = { .name = "Large", .parent = N_PKTS },
	[N_TYPES] = { .name = "Types", .parent = -1, .key_size = 4,
	    .child_name = stats_tree_name_u32, .child_filter = type_filter },
	[N_NAMES] = { .name = "Names", .parent = -1, .key_size = 8 },
	[N_RTT] = { .name = "RTT", .parent = -1 },
	[N_RTT_BY] = { .name = "By type", .parent = N_RTT, .key_size = 4,
	    .child_name = stats_tree_name_u32 },
};

/* The packet callback of the panel test: data is a uint32_t type; < 100
 * is small. */
static tap_packet_status
test_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	uint32_t type = *(const uint32_t *)data;

	(void)own;
	(void)edt;
	stats_tree_tick(st, pinfo->len < 100 ? N_SMALL : N_LARGE);
	stats_tree_tick_u32(st, N_TYPES, type);
	return (TAP_PACKET_REDRAW);
}

static const struct stats_tree_desc test_desc = {
	.nodes = test_nodes,
	.nnodes = NN,
	.values = STATS_TREE_SECONDS,
	.packet = test_packet,
};

STATS_TREE_PANEL(test_st, "test.st", "Test tree", "frame", SECONDS,
    test_desc);

static struct packet_info pinfo;

/* Starts a packet in second sec. */
static void
begin(struct stats_tree *st, int64_t sec)
{
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.ts_sec = sec;
	pinfo.len = 60;
	stats_tree_begin(st, &pinfo);
}

static struct table *
draw(struct stats_tree *st, int64_t now_s)
{
	struct table *t = table_new(stats_tree_cols_SECONDS,
	    STATS_TREE_NCOLS_SECONDS);
	struct rowrate_clock clock = { now_s * 1000000000LL, INT64_MIN };

	stats_tree_draw(st, t, &clock);
	return (t);
}

/* The row whose node path is path ("Packets/Small": '/' for the
 * separator), or -1. */
static int
find(const struct table *t, const char *path)
{
	char *want = g_strdup(path);
	int r;

	g_strdelimit(want, "/", TABLE_TREE_SEP);
	for (r = 0; r < t->nrows; r++)
		if (strcmp(table_row(t, r)[0].text, want) == 0)
			break;
	g_free(want);
	return (r < t->nrows ? r : -1);
}

static const union cell *
row_of(const struct table *t, const char *path)
{
	int r = find(t, path);

	ck_assert_msg(r >= 0, "no row %s", path);
	return (table_row(t, r));
}

START_TEST(static_counts)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 100);
	struct table *t;
	int i;

	for (i = 0; i < 3; i++) {
		begin(st, 10);
		stats_tree_tick(st, N_SMALL);
	}
	begin(st, 10);
	stats_tree_tick(st, N_LARGE);
	begin(st, 10);			/* a packet that ticks nothing */
	ck_assert_uint_eq(stats_tree_count(st, N_PKTS), 4);
	t = draw(st, 11);
	/* Every static node, at 0 too, in the description's order. */
	ck_assert_int_eq(t->nrows, 7);
	ck_assert_int_eq(find(t, "Packets"), 0);
	ck_assert_int_eq(find(t, "Packets/Small"), 1);
	ck_assert_int_eq(find(t, "Packets/Large"), 2);
	ck_assert_int_eq(find(t, "Types"), 3);
	ck_assert_int_eq(find(t, "Names"), 4);
	ck_assert_int_eq(find(t, "RTT"), 5);
	ck_assert_int_eq(find(t, "RTT/By type"), 6);
	ck_assert_uint_eq(row_of(t, "Packets")[1].u, 4);
	/* A top node's share is of the packets counted (5). */
	ck_assert_double_eq_tol(row_of(t, "Packets")[3].d, 80, 1e-9);
	ck_assert_uint_eq(row_of(t, "Packets/Small")[1].u, 3);
	ck_assert_double_eq_tol(row_of(t, "Packets/Small")[3].d, 75, 1e-9);
	ck_assert_double_eq_tol(row_of(t, "Packets/Large")[3].d, 25, 1e-9);
	ck_assert_uint_eq(row_of(t, "Types")[1].u, 0);
	ck_assert_double_eq(row_of(t, "Types")[3].d, 0);
	/* No values given: none shown. */
	ck_assert(isnan(row_of(t, "Packets")[4].d));
	ck_assert(isnan(row_of(t, "Packets")[5].d));
	ck_assert_int_eq(table_tree_depth(row_of(t, "Packets/Small")[0].text),
	    2);
	ck_assert_str_eq(table_tree_leaf(row_of(t, "Packets/Small")[0].text),
	    "Small");
	ck_assert_uint_eq(t->folded_frames, 0);
	table_free(t);
	stats_tree_free(st);
}
END_TEST

START_TEST(values_go_up)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 100);
	struct table *t;
	uint32_t k1 = 1, k2 = 2;
	const union cell *r;

	begin(st, 1);
	stats_tree_value(st, N_RTT, 0.1);
	begin(st, 1);
	stats_tree_value_key(st, N_RTT_BY, &k1, 4, 0.3);
	begin(st, 1);
	stats_tree_value_key(st, N_RTT_BY, &k2, 4, 0.2);
	begin(st, 1);
	stats_tree_value_key(st, N_RTT_BY, &k2, 4, NAN);	/* no value */
	t = draw(st, 2);
	r = row_of(t, "RTT");
	ck_assert_uint_eq(r[1].u, 4);
	ck_assert_double_eq_tol(r[4].d, 0.1, 1e-12);
	ck_assert_double_eq_tol(r[5].d, 0.2, 1e-12);
	ck_assert_double_eq_tol(r[6].d, 0.3, 1e-12);
	r = row_of(t, "RTT/By type");
	ck_assert_uint_eq(r[1].u, 3);
	ck_assert_double_eq_tol(r[3].d, 75, 1e-9);
	ck_assert_double_eq_tol(r[4].d, 0.2, 1e-12);
	ck_assert_double_eq_tol(r[5].d, 0.25, 1e-12);
	ck_assert_double_eq_tol(r[6].d, 0.3, 1e-12);
	r = row_of(t, "RTT/By type/2");
	ck_assert_uint_eq(r[1].u, 2);
	ck_assert_double_eq_tol(r[3].d, 100.0 * 2 / 3, 1e-9);
	ck_assert_double_eq_tol(r[5].d, 0.2, 1e-12);
	r = row_of(t, "RTT/By type/1");
	ck_assert_uint_eq(r[1].u, 1);
	ck_assert_double_eq_tol(r[4].d, 0.3, 1e-12);
	/* Children by count: 2 before 1. */
	ck_assert_int_lt(find(t, "RTT/By type/2"), find(t, "RTT/By type/1"));
	table_free(t);
	stats_tree_free(st);
}
END_TEST

START_TEST(children_named)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 100);
	struct table *t;
	uint32_t types[] = { 5, 7, 6, 7, 7 };
	size_t i;
	int r;

	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		begin(st, 1);
		stats_tree_tick_u32(st, N_TYPES, types[i]);
	}
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "a\0b\x1f", 4);
	/* Cut at key_size (8): the same first 8 bytes and length are one
	 * child, another length another. */
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "abcdefghij", 10);
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "abcdefghXY", 10);
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "abcdefghX", 9);
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "abcdefgh", 8);	/* not cut */
	/* A parent without children takes no key. */
	begin(st, 1);
	stats_tree_tick_key(st, N_PKTS, "x", 1);
	ck_assert_uint_eq(stats_tree_count(st, N_PKTS), 0);
	ck_assert_uint_eq(stats_tree_count_key(st, N_TYPES, &types[1], 4), 3);
	ck_assert_uint_eq(stats_tree_count_key(st, N_PKTS, "x", 1), 0);

	t = draw(st, 2);
	/* 7 (3), then 5 and 6 (1 each) in the order first seen. */
	ck_assert_int_eq(find(t, "Types/7"), find(t, "Types") + 1);
	ck_assert_int_eq(find(t, "Types/5"), find(t, "Types") + 2);
	ck_assert_int_eq(find(t, "Types/6"), find(t, "Types") + 3);
	ck_assert_uint_eq(row_of(t, "Types")[1].u, 5);
	ck_assert_double_eq_tol(row_of(t, "Types/7")[3].d, 60, 1e-9);
	/* NUL and the separator cannot be in a name. */
	ck_assert_uint_eq(row_of(t, "Names/a?b?")[1].u, 1);
	/* Two children show the same cut name: 2 (length 10) first, and 1
	 * (length 9) after "a?b?", seen before it. */
	r = find(t, "Names/abcdefgh\u2026");
	ck_assert_int_eq(r, find(t, "Names") + 1);
	ck_assert_uint_eq(table_row(t, r)[1].u, 2);
	ck_assert_int_eq(find(t, "Names/a?b?"), r + 1);
	ck_assert_str_eq(table_row(t, r + 2)[0].text, table_row(t, r)[0].text);
	ck_assert_uint_eq(table_row(t, r + 2)[1].u, 1);
	ck_assert_uint_eq(row_of(t, "Names/abcdefgh")[1].u, 1);
	ck_assert_int_eq(table_tree_depth(row_of(t, "Names/a?b?")[0].text), 2);
	table_free(t);
	stats_tree_free(st);
}
END_TEST

/* A cap of 3 children: the heaviest stay, the rest is "(other)", and
 * the children plus "(other)" are the parent's count. */
START_TEST(cap_keeps_heaviest)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 3);
	struct table *t;
	uint64_t sum = 0;
	uint32_t k;
	int i, r, kids = 0;

	for (i = 0; i < 100; i++) {
		begin(st, 1);
		stats_tree_tick_u32(st, N_TYPES, 1);
		if (i % 2 == 0) {
			begin(st, 1);
			stats_tree_tick_u32(st, N_TYPES, 2);
		}
	}
	for (k = 3; k <= 40; k++) {
		begin(st, 1);
		stats_tree_tick_u32(st, N_TYPES, k);
	}
	t = draw(st, 2);
	ck_assert_uint_eq(row_of(t, "Types")[1].u, 188);
	ck_assert_uint_eq(row_of(t, "Types/1")[1].u, 100);
	ck_assert_uint_eq(row_of(t, "Types/2")[1].u, 50);
	for (r = find(t, "Types") + 1; r < t->nrows &&
	    table_tree_depth(table_row(t, r)[0].text) == 2; r++) {
		sum += table_row(t, r)[1].u;
		kids++;
	}
	ck_assert_int_eq(kids, 4);		/* 3 kept and (other) */
	ck_assert_str_eq(table_tree_leaf(table_row(t, r - 1)[0].text),
	    STATS_TREE_OTHER);
	ck_assert_uint_eq(sum, 188);
	ck_assert_uint_eq(row_of(t, "Types/" STATS_TREE_OTHER)[1].u, 37);
	ck_assert_uint_eq(t->folded_frames, 37);
	ck_assert(t->folded_rows_estimated);
	ck_assert_uint_ge(t->folded_rows, 30);
	ck_assert_uint_le(t->folded_rows, 45);
	table_free(t);
	stats_tree_free(st);
}
END_TEST

/* Ticks per second over the last 10 s of capture time. */
START_TEST(rates)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 2);
	struct table *t;
	int i;

	for (i = 0; i < 5; i++) {
		begin(st, 101);
		stats_tree_tick(st, N_SMALL);
		stats_tree_tick_u32(st, N_TYPES, 9);
	}
	for (i = 0; i < 5; i++) {
		begin(st, 105);
		stats_tree_tick(st, N_SMALL);
		stats_tree_tick_u32(st, N_TYPES, (uint32_t)i);
	}
	t = draw(st, 110);
	ck_assert_double_eq_tol(row_of(t, "Packets/Small")[2].d, 1.0, 1e-9);
	ck_assert_double_eq_tol(row_of(t, "Packets")[2].d, 1.0, 1e-9);
	ck_assert_double_eq_tol(row_of(t, "Types")[2].d, 1.0, 1e-9);
	ck_assert_double_eq_tol(row_of(t, "Types/9")[2].d, 0.5, 1e-9);
	/* (other) is the rest: 0.5 less the one other child kept. */
	ck_assert_double_eq_tol(row_of(t, "Types/9")[2].d +
	    row_of(t, "Types/" STATS_TREE_OTHER)[2].d +
	    table_row(t, find(t, "Types") + 2)[2].d, 1.0, 1e-9);
	table_free(t);
	/* 20 s later, nothing in the window. */
	t = draw(st, 130);
	ck_assert_double_eq(row_of(t, "Packets/Small")[2].d, 0);
	ck_assert_uint_eq(row_of(t, "Packets/Small")[1].u, 10);
	table_free(t);
	stats_tree_free(st);
}
END_TEST

START_TEST(reset_forgets)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 2);
	struct table *t;
	uint32_t k;

	for (k = 0; k < 10; k++) {
		begin(st, 1);
		stats_tree_value_key(st, N_RTT_BY, &k, 4, 1.0);
	}
	stats_tree_reset(st);
	t = draw(st, 2);
	ck_assert_int_eq(t->nrows, NN);
	ck_assert_uint_eq(row_of(t, "RTT")[1].u, 0);
	ck_assert(isnan(row_of(t, "RTT")[5].d));
	ck_assert_uint_eq(t->folded_frames, 0);
	table_free(t);
	begin(st, 1);
	stats_tree_tick(st, N_SMALL);
	ck_assert_uint_eq(stats_tree_count(st, N_PKTS), 1);
	stats_tree_free(st);
}
END_TEST

START_TEST(row_filters)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 2);
	struct table *t;
	char *f;

	begin(st, 1);
	stats_tree_tick_u32(st, N_TYPES, 7);
	begin(st, 1);
	stats_tree_tick_u32(st, N_TYPES, 7);
	begin(st, 1);
	stats_tree_tick_u32(st, N_TYPES, 8);
	begin(st, 1);
	stats_tree_tick_u32(st, N_TYPES, 9);
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "n", 1);
	t = draw(st, 2);
	f = stats_tree_row_filter(&test_desc, t, find(t, "Packets"));
	ck_assert_str_eq(f, "frame");
	g_free(f);
	f = stats_tree_row_filter(&test_desc, t, find(t, "Packets/Small"));
	ck_assert_str_eq(f, "frame.len < 100");
	g_free(f);
	ck_assert_ptr_null(stats_tree_row_filter(&test_desc, t,
	    find(t, "Packets/Large")));
	f = stats_tree_row_filter(&test_desc, t, find(t, "Types/7"));
	ck_assert_str_eq(f, "x.type == 7");
	g_free(f);
	ck_assert_ptr_null(stats_tree_row_filter(&test_desc, t,
	    find(t, "Types/" STATS_TREE_OTHER)));
	ck_assert_ptr_null(stats_tree_row_filter(&test_desc, t,
	    find(t, "Names/n")));
	ck_assert_ptr_null(stats_tree_row_filter(&test_desc, t, -1));
	table_free(t);
	stats_tree_free(st);
}
END_TEST

/* The class STATS_TREE_PANEL made, driven as the tap engine does. */
START_TEST(panel_glue)
{
	const struct panel_class *cls = &panel_test_st;
	struct panel p;
	void *state;
	uint32_t type;
	char *f;
	int i;

	ck_assert_str_eq(cls->name, "test.st");
	ck_assert_int_eq(cls->ncols, STATS_TREE_NCOLS_SECONDS);
	ck_assert_ptr_null(cls->default_sort);
	memset(&p, 0, sizeof(p));
	p.cls = cls;
	p.max_rows = 20000;
	p.table = table_new(cls->cols, cls->ncols);
	p.clock = (struct rowrate_clock){ 3000000000LL, INT64_MIN };
	state = cls->create(&p);
	for (i = 0; i < 6; i++) {
		memset(&pinfo, 0, sizeof(pinfo));
		pinfo.ts_sec = 2;
		pinfo.len = i < 4 ? 60 : 1500;
		type = (uint32_t)(i % 2);
		ck_assert_int_eq(cls->packet(state, &pinfo, NULL, &type),
		    TAP_PACKET_REDRAW);
	}
	cls->draw(state, &p);
	ck_assert_uint_eq(row_of(p.table, "Packets/Small")[1].u, 4);
	ck_assert_uint_eq(row_of(p.table, "Packets/Large")[1].u, 2);
	ck_assert_uint_eq(row_of(p.table, "Types/0")[1].u, 3);
	ck_assert_double_eq_tol(row_of(p.table, "Packets")[3].d, 100, 1e-9);
	ck_assert_int_gt(p.quiet_after_ns, 2000000000LL);
	f = panel_row_filter(cls, p.table, find(p.table, "Types/1"));
	ck_assert_str_eq(f, "x.type == 1");
	g_free(f);
	cls->reset(state);
	table_clear(p.table);
	cls->draw(state, &p);
	ck_assert_uint_eq(row_of(p.table, "Packets")[1].u, 0);
	ck_assert_int_eq(find(p.table, "Types/0"), -1);
	cls->destroy(state);
	table_free(p.table);
}
END_TEST

/* Once a child exists, ticking it allocates nothing. */
START_TEST(no_alloc_per_tick)
{
	struct stats_tree *st = stats_tree_new(&test_desc, 100);
	struct mallinfo2 before, after;
	uint32_t k;
	int i;

	for (k = 0; k < 50; k++) {
		begin(st, 1);
		stats_tree_tick_u32(st, N_TYPES, k);
	}
	before = mallinfo2();
	for (i = 0; i < 100000; i++) {
		begin(st, 1 + i / 1000);
		stats_tree_value_key(st, N_RTT_BY, &k, 4, i);
		stats_tree_tick_u32(st, N_TYPES, (uint32_t)i % 50);
		stats_tree_tick(st, N_SMALL);
		if (i == 0)
			before = mallinfo2();	/* the RTT child is made */
	}
	after = mallinfo2();
	ck_assert_uint_eq(after.uordblks, before.uordblks);
	ck_assert_uint_eq(stats_tree_count(st, N_TYPES), 100050);
	stats_tree_free(st);
}
END_TEST

/* A tree table as the printers show it: indented text, a JSON array of
 * names, "—" and null for no value, names escaped. */
START_TEST(printed)
{
	static const struct panel_class cls = { .name = "t", .title = "T",
	    .cols = stats_tree_cols_SECONDS, .ncols = 7 };
	struct stats_tree *st = stats_tree_new(&test_desc, 100);
	struct panel *p = g_new0(struct panel, 1);
	const struct table *tt[1];
	struct table *t;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	begin(st, 1);
	stats_tree_tick(st, N_SMALL);
	begin(st, 1);
	stats_tree_value_key(st, N_RTT_BY, (uint32_t[]){ 3 }, 4, 0.5);
	begin(st, 1);
	stats_tree_tick_key(st, N_NAMES, "a\"\x1b", 3);
	t = draw(st, 2);
	p->cls = &cls;
	p->filter = g_strdup("");
	tt[0] = t;
	fp = open_memstream(&buf, &len);
	report_text_tables(fp, NULL, 0, &p, tt, 1);
	fclose(fp);
	ck_assert_msg(strstr(buf, "\n  Small ") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\n    3 ") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\n  a\"\\x1b ") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\u2014") != NULL, "%s", buf);
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	report_json_tables(fp, NULL, 0, &p, tt, 1);
	fclose(fp);
	ck_assert_msg(strstr(buf, "{\"node\":[\"RTT\",\"By type\",\"3\"],"
	    "\"count\":1,") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\"min\":0.500000,\"avg\":0.500000,"
	    "\"max\":0.500000}") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "{\"node\":[\"Packets\"],\"count\":1,") !=
	    NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "\"min\":null,\"avg\":null,\"max\":null}") !=
	    NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "[\"Names\",\"a\\\"\\u001b\"]") != NULL,
	    "%s", buf);
	free(buf);
	table_free(t);
	g_free(p->filter);
	g_free(p);
	stats_tree_free(st);
}
END_TEST

Suite *
suite_stats_tree(void)
{
	Suite *s = suite_create("stats_tree");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, static_counts);
	tcase_add_test(tc, values_go_up);
	tcase_add_test(tc, children_named);
	tcase_add_test(tc, cap_keeps_heaviest);
	tcase_add_test(tc, rates);
	tcase_add_test(tc, reset_forgets);
	tcase_add_test(tc, row_filters);
	tcase_add_test(tc, panel_glue);
	tcase_add_test(tc, no_alloc_per_tick);
	tcase_add_test(tc, printed);
	suite_add_tcase(s, tc);
	return (s);
}
