/*
 * The sparkline and the io chart's layout (tui/spark.h), with no
 * terminal: scaling (the largest value fills its cell, any value above 0
 * shows), zero traffic, ASCII, widths at 80 and 132 columns, the seconds
 * taken from a rate ring, and the chart's plots, columns, bars and axis.
 */
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/panel.h"
#include "tui/fmt.h"
#include "tui/spark.h"

#define NS	1000000000LL

/* Glyphs as one string per cell, for exact comparisons. */
#define B0	" "
#define B1	"\u2581"
#define B2	"\u2582"
#define B4	"\u2584"
#define B8	"\u2588"

START_TEST(spark_scaling)
{
	double v[] = { 0, 1, 2, 4, 8, 0.001 };
	char *s;

	/* 8 fills the cell; 0.001 is still seen; halves are halves. */
	s = spark_cells(v, 6, 0, true);
	ck_assert_str_eq(s, B0 B1 B2 B4 B8 B1);
	g_free(s);
	/* A scale from outside: 16 is full, 8 half. */
	s = spark_cells(v, 6, 16, true);
	ck_assert_str_eq(s, B0 B1 B1 B2 B4 B1);
	g_free(s);
	/* Rounded up: 5/8 of the maximum is level 5, 5.01 level 6. */
	v[0] = 5.01;
	v[1] = 5;
	s = spark_cells(v, 2, 8, true);
	ck_assert_str_eq(s, "\u2586\u2585");
	g_free(s);
	ck_assert_double_eq(spark_max(v, 2), 5.01);
}
END_TEST

START_TEST(spark_zero_and_bad)
{
	double zero[5] = { 0 }, bad[3] = { -1, 0.0 / 0.0, 1.0 / 0.0 };
	char *s;

	s = spark_cells(zero, 5, 0, true);
	ck_assert_str_eq(s, "     ");
	g_free(s);
	s = spark_cells(zero, 5, 0, false);
	ck_assert_str_eq(s, "     ");
	g_free(s);
	ck_assert_double_eq(spark_max(zero, 5), 0);
	/* Negative, NaN and infinite count as nothing. */
	ck_assert_double_eq(spark_max(bad, 3), 0);
	s = spark_cells(bad, 3, 0, true);
	ck_assert_str_eq(s, "   ");
	g_free(s);
	s = spark_cells(zero, 0, 0, true);
	ck_assert_str_eq(s, "");
	g_free(s);
}
END_TEST

START_TEST(spark_ascii)
{
	double v[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0.01 };
	char *s = spark_cells(v, 9, 7, false);

	ck_assert_str_eq(s, " .:-=+*#.");
	ck_assert_int_eq(fmt_width(s), 9);
	g_free(s);
	/* One cell a value in UTF-8 too, whatever the glyph's bytes. */
	s = spark_cells(v, 9, 7, true);
	ck_assert_int_eq(fmt_width(s), 9);
	ck_assert_int_eq((int)g_utf8_strlen(s, -1), 9);
	g_free(s);
}
END_TEST

START_TEST(spark_widths)
{
	/* 132 columns: at least a minute beside the counters' short form
	 * (about 35 columns) and the scale. */
	ck_assert_int_eq(spark_width(130, 13, 35, 95), SPARK_WANT_CELLS);
	/* Wide enough for everything in full: more than a minute. */
	ck_assert_int_eq(spark_width(200, 13, 35, 95), 200 - 13 - 2 - 95 - 2);
	ck_assert_int_eq(spark_width(1000, 13, 35, 95), SPARK_MAX_CELLS);
	/* 80 columns: what the short counters leave. */
	ck_assert_int_eq(spark_width(78, 13, 35, 95), 78 - 13 - 2 - 35 - 2);
	ck_assert_int_lt(spark_width(78, 13, 35, 95), SPARK_WANT_CELLS);
	ck_assert_int_ge(spark_width(78, 13, 35, 95), 20);
	/* Too narrow: none rather than a stub. */
	ck_assert_int_eq(spark_width(40, 13, 35, 95), 0);
	ck_assert_int_eq(spark_width(13 + 2 + 35 + 2 + SPARK_MIN_CELLS, 13, 35,
	    95), SPARK_MIN_CELLS);
	ck_assert_int_eq(spark_width(13 + 2 + 35 + 2 + SPARK_MIN_CELLS - 1,
	    13, 35, 95), 0);
}
END_TEST

/* Seconds from the ring: complete ones while capturing, the last one too
 * once the capture ended; none before the first packet. */
START_TEST(spark_from_ring)
{
	struct ratehist rh;
	double v[6];
	int64_t s;

	ratehist_init(&rh);
	for (s = 100; s <= 104; s++)
		ratehist_add(&rh, s * NS + 1000, (uint64_t)(s - 99) * 100);
	/* Now in second 104: 103 is the last complete one. */
	spark_history(&rh, 104 * NS + NS / 2, 100 * NS + 1000, false, 6, v);
	ck_assert_double_eq(v[0], 0);		/* 98: before the first */
	ck_assert_double_eq(v[1], 0);		/* 99 */
	ck_assert_double_eq(v[2], 100 * 8);	/* 100 */
	ck_assert_double_eq(v[5], 400 * 8);	/* 103 */
	spark_history(&rh, 104 * NS + NS / 2, 100 * NS + 1000, true, 6, v);
	ck_assert_double_eq(v[5], 500 * 8);	/* 104, the last */
	ck_assert_double_eq(v[1], 100 * 8);
	/* No packet yet: all blank. */
	spark_history(&rh, 104 * NS, INT64_MIN, true, 6, v);
	ck_assert_double_eq(spark_max(v, 6), 0);
	/* Seconds the ring no longer holds are 0, not stale counts. */
	ratehist_add(&rh, 300 * NS, 7);
	spark_history(&rh, 300 * NS + 1, 100 * NS, true, 6, v);
	ck_assert_double_eq(v[5], 7 * 8);
	ck_assert_double_eq(v[0] + v[1] + v[2] + v[3] + v[4], 0);
}
END_TEST

START_TEST(chart_layouts)
{
	struct chart_layout l;

	/* 80x24: 19 lines under the tab bar and title. */
	ck_assert(chart_lay_out(80, 19, &l));
	ck_assert_int_eq(l.plots, 2);
	ck_assert_int_eq(l.h[0], 8);
	ck_assert_int_eq(l.h[1], 7);
	ck_assert_int_eq(l.lines, 19);
	ck_assert_int_eq(l.plot_w, 80 - CHART_GUTTER - 1);
	ck_assert(chart_lay_out(132, 8, &l));
	ck_assert_int_eq(l.plots, 2);
	ck_assert_int_eq(l.h[0] + l.h[1], 4);
	ck_assert_int_eq(l.lines, 8);
	/* No room for two: bits/s alone. */
	ck_assert(chart_lay_out(80, 7, &l));
	ck_assert_int_eq(l.plots, 1);
	ck_assert_int_eq(l.h[0], 4);
	ck_assert_int_eq(l.lines, 7);
	ck_assert(chart_lay_out(80, 4, &l));
	ck_assert_int_eq(l.h[0], 1);
	ck_assert(!chart_lay_out(80, 3, &l));
	ck_assert(!chart_lay_out(CHART_GUTTER + 1, 20, &l));
	ck_assert(chart_lay_out(CHART_GUTTER + 2, 20, &l));
	ck_assert_int_eq(l.plot_w, 1);
}
END_TEST

/* An io table of rows k0..k0+n-1 (1 s): frames k, bytes 10k. */
static struct table *
io_table(int k0, int n)
{
	const struct panel_class *c = panel_class_find("io");
	struct table *t = table_new(c->cols, c->ncols);
	int i, k;

	for (i = 0; i < n; i++) {
		union cell *r = table_add_row(t);

		k = k0 + i;
		r[table_col_index(t, "start")].d = k;
		r[table_col_index(t, "frames")].u = (uint64_t)k;
		r[table_col_index(t, "bytes")].u = (uint64_t)k * 10;
		r[table_col_index(t, "packets_per_s")].d = k;
		r[table_col_index(t, "bits_per_s")].d = k * 80;
	}
	return (t);
}

START_TEST(chart_cols)
{
	struct table *t = io_table(5, 20);
	double st[10], p[10], b[10];
	int n;

	/* The last 10 of 20 rows. */
	n = chart_columns(t, NS, -1, 10, st, p, b);
	ck_assert_int_eq(n, 10);
	ck_assert_double_eq(st[0], 15);
	ck_assert_double_eq(st[9], 24);
	ck_assert_double_eq(p[9], 24);
	ck_assert_double_eq(b[9], 24 * 80);
	/* The clock past the rows: empty intervals up to it. */
	n = chart_columns(t, NS, 27, 10, st, p, b);
	ck_assert_int_eq(n, 10);
	ck_assert_double_eq(st[9], 27);
	ck_assert_double_eq(p[9], 0);
	ck_assert_double_eq(p[6], 24);
	/* Fewer than the width: from the left. */
	table_free(t);
	t = io_table(0, 3);
	n = chart_columns(t, NS, -1, 10, st, p, b);
	ck_assert_int_eq(n, 3);
	ck_assert_double_eq(st[0], 0);
	/* Rows of 0.5 s. */
	n = chart_columns(t, NS / 2, 5, 10, st, p, b);
	ck_assert_int_eq(n, 6);
	ck_assert_double_eq(st[5], 2.5);
	table_free(t);
	/* No rows: only the clock gives columns. */
	t = io_table(0, 0);
	ck_assert_int_eq(chart_columns(t, NS, -1, 10, st, p, b), 0);
	ck_assert_int_eq(chart_columns(t, NS, 4, 10, st, p, b), 5);
	ck_assert_double_eq(st[0], 0);
	ck_assert_double_eq(p[4], 0);
	ck_assert_int_eq(chart_columns(t, NS, 40, 10, st, p, b), 10);
	ck_assert_double_eq(st[0], 31);
	table_free(t);
}
END_TEST

START_TEST(chart_bar_heights)
{
	double v[] = { 8, 4, 1, 0, 16 };
	GPtrArray *l;

	/* Two rows: 16 eighths; 16 fills both, 8 the bottom one. */
	l = chart_bars(v, 5, 6, 2, 16, true);
	ck_assert_int_eq(l->len, 2);
	ck_assert_str_eq(g_ptr_array_index(l, 0), B0 B0 B0 B0 B8 B0);
	ck_assert_str_eq(g_ptr_array_index(l, 1), B8 B4 B1 B0 B8 B0);
	g_ptr_array_unref(l);
	/* ASCII: whole rows, a value above 0 at least one. */
	l = chart_bars(v, 5, 5, 2, 16, false);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "    #");
	ck_assert_str_eq(g_ptr_array_index(l, 1), "### #");
	g_ptr_array_unref(l);
	/* The scale is the largest value when not given; all 0: blank. */
	l = chart_bars(v, 5, 5, 1, 0, false);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "### #");
	g_ptr_array_unref(l);
	v[0] = v[1] = v[2] = v[4] = 0;
	l = chart_bars(v, 5, 5, 3, 0, true);
	ck_assert_str_eq(g_ptr_array_index(l, 2), "     ");
	g_ptr_array_unref(l);
}
END_TEST

START_TEST(chart_axes)
{
	double st[25];
	char *rule, *lab;
	int i;

	for (i = 0; i < 25; i++)
		st[i] = 100 + i;
	chart_axis(st, 25, 30, false, &rule, &lab);
	ck_assert_str_eq(rule, "+---------+---------+---------");
	ck_assert_str_eq(lab, "100s      110s      120s");
	g_free(rule);
	g_free(lab);
	/* No tick past the columns; UTF-8 rule. */
	chart_axis(st, 5, 12, true, &rule, &lab);
	ck_assert_str_eq(rule, "\u252c\u2500\u2500\u2500\u2500\u2500\u2500"
	    "\u2500\u2500\u2500\u2500\u2500");
	ck_assert_str_eq(lab, "100s");
	g_free(rule);
	g_free(lab);
	/* A label that would run into the next is left out, as is one
	 * past the end. */
	for (i = 0; i < 25; i++)
		st[i] = 123456789.5 + i * 0.5;
	chart_axis(st, 25, 25, false, &rule, &lab);
	ck_assert_str_eq(lab, "1.23457e+08s");
	g_free(rule);
	g_free(lab);
	for (i = 0; i < 25; i++)
		st[i] = i * 0.25;
	chart_axis(st, 25, 25, false, &rule, &lab);
	ck_assert_str_eq(lab, "0s        2.5s      5s");
	g_free(rule);
	g_free(lab);
}
END_TEST

Suite *
suite_spark(void)
{
	Suite *s = suite_create("spark");
	TCase *tc = tcase_create("spark");

	tcase_add_test(tc, spark_scaling);
	tcase_add_test(tc, spark_zero_and_bad);
	tcase_add_test(tc, spark_ascii);
	tcase_add_test(tc, spark_widths);
	tcase_add_test(tc, spark_from_ring);
	tcase_add_test(tc, chart_layouts);
	tcase_add_test(tc, chart_cols);
	tcase_add_test(tc, chart_bar_heights);
	tcase_add_test(tc, chart_axes);
	suite_add_tcase(s, tc);
	return (s);
}
