/*
 * The Prometheus exposition (core/metrics.h): label values from packets
 * are escaped and valid UTF-8, names are [a-z0-9_], each family has one
 * HELP and one TYPE line, a panel's rows past --metrics-rows (and rows
 * whose labels repeat, and what the panel itself folded) are summed in
 * one other="true" series, and only counting columns are exported.
 */
#include <check.h>
#include <string.h>

#include <glib.h>

#include "core/metrics.h"

static const struct table_col cols[] = {
	{ "host", "Host", COL_TEXT },
	{ "port", "Port", COL_PORT },
	{ "bytes", "Bytes", COL_BYTES },
	{ "pct", "Percent", COL_PERCENT },
};

static const struct panel_class cls = {
	.name = "test.panel",
	.title = "Test",
	.cols = cols,
	.ncols = 4,
};

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return (n);
}

static struct table *
make_table(int nrows, const char *const *hosts)
{
	struct table *t = table_new(cols, 4);
	int i;

	for (i = 0; i < nrows; i++) {
		union cell *r = table_add_row(t);

		r[0].text = g_strdup(hosts[i]);
		r[1].u = 80;
		r[2].u = (uint64_t)(1000 - i);
		r[3].d = 12.5;
	}
	return (t);
}

START_TEST(label_escaping)
{
	GString *s = g_string_new(NULL);

	metrics_label_value(s, "a\"b\\c\nd");
	ck_assert_str_eq(s->str, "a\\\"b\\\\c\\nd");
	g_string_truncate(s, 0);
	metrics_label_value(s, "x\xffy");
	ck_assert(g_utf8_validate(s->str, -1, NULL));
	ck_assert_str_eq(s->str, "x\xef\xbf\xbdy");
	g_string_truncate(s, 0);
	metrics_label_value(s, NULL);
	ck_assert_str_eq(s->str, "");
	g_string_truncate(s, 0);
	metrics_name(s, "Conv.TCP-x");
	ck_assert_str_eq(s->str, "conv_tcp_x");
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(rows_fold_into_other)
{
	const char *hosts[] = { "a", "b", "c", "d", "e" };
	struct table *t = make_table(5, hosts);
	struct metrics_panel mp = {
		.cls = &cls, .filter = "tcp.port == \"80\"",
		.start_us = 1700000000123456LL, .table = t,
	};
	GString *s = g_string_new(NULL);

	t->folded_bytes = 7;
	metrics_format_panels(s, &mp, 1, 2);
	ck_assert_int_eq(count(s->str, "# HELP taptop_test_panel_bytes_total "),
	    1);
	ck_assert_int_eq(count(s->str,
	    "# TYPE taptop_test_panel_bytes_total counter\n"), 1);
	ck_assert_ptr_nonnull(strstr(s->str, "taptop_test_panel_bytes_total{"
	    "host=\"a\",port=\"80\",filter=\"tcp.port == \\\"80\\\"\","
	    "start=\"1700000000.123456\"} 1000\n"));
	ck_assert_ptr_nonnull(strstr(s->str, "host=\"b\""));
	ck_assert_ptr_null(strstr(s->str, "host=\"c\""));
	/* c, d and e (998 + 997 + 996) and what the panel folded (7). */
	ck_assert_ptr_nonnull(strstr(s->str, "taptop_test_panel_bytes_total{"
	    "other=\"true\",filter=\"tcp.port == \\\"80\\\"\","
	    "start=\"1700000000.123456\"} 2998\n"));
	/* Percentages are no counters; ports are keys. */
	ck_assert_ptr_null(strstr(s->str, "pct"));
	ck_assert_ptr_null(strstr(s->str, "port_total"));
	g_string_free(s, TRUE);
	table_free(t);
}
END_TEST

START_TEST(repeated_labels_fold)
{
	const char *hosts[] = { "a", "a", "b\"\n" };
	struct table *t = make_table(3, hosts);
	struct metrics_panel mp = {
		.cls = &cls, .filter = "", .start_us = 0, .table = t,
	};
	GString *s = g_string_new(NULL);

	metrics_format_panels(s, &mp, 1, 100);
	ck_assert_int_eq(count(s->str, "host=\"a\""), 1);
	ck_assert_ptr_nonnull(strstr(s->str, "host=\"b\\\"\\n\""));
	ck_assert_ptr_nonnull(strstr(s->str, "other=\"true\",filter=\"\","
	    "start=\"0.000000\"} 999\n"));
	g_string_free(s, TRUE);
	table_free(t);
}
END_TEST

START_TEST(panels_of_one_class)
{
	const char *hosts[] = { "a" };
	struct table *t1 = make_table(1, hosts), *t2 = make_table(1, hosts);
	struct table *t3 = make_table(1, hosts);
	struct metrics_panel mp[] = {
		{ .cls = &cls, .filter = "", .start_us = 1, .table = t1 },
		{ .cls = &cls, .filter = "udp", .start_us = 2, .table = t2 },
		{ .cls = &cls, .filter = "", .start_us = 3, .table = t3 },
	};
	GString *s = g_string_new(NULL);

	metrics_format_panels(s, mp, 3, 100);
	/* One family, one HELP, both filters; the same filter once. */
	ck_assert_int_eq(count(s->str, "# HELP "), 1);
	ck_assert_int_eq(count(s->str, "host=\"a\""), 2);
	ck_assert_int_eq(count(s->str, "filter=\"udp\""), 2);
	ck_assert_ptr_null(strstr(s->str, "start=\"0.000003\""));
	g_string_free(s, TRUE);
	table_free(t1);
	table_free(t2);
	table_free(t3);
}
END_TEST

START_TEST(capture_totals)
{
	struct report_capture rc = { .packets = 81, .bytes = 12345,
	    .tcp_gaps = 2 };
	GString *s = g_string_new(NULL);

	metrics_format_totals(s, &rc);
	ck_assert_ptr_nonnull(strstr(s->str,
	    "# TYPE taptop_capture_packets_total counter\n"
	    "taptop_capture_packets_total 81\n"));
	ck_assert_ptr_nonnull(strstr(s->str, "taptop_capture_bytes_total "
	    "12345\n"));
	ck_assert_ptr_nonnull(strstr(s->str, "taptop_capture_tcp_gaps_total "
	    "2\n"));
	ck_assert_int_eq(count(s->str, "# HELP "), count(s->str, "# TYPE "));
	g_string_free(s, TRUE);
}
END_TEST

Suite *
suite_metrics(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_test(tc, label_escaping);
	tcase_add_test(tc, rows_fold_into_other);
	tcase_add_test(tc, repeated_labels_fold);
	tcase_add_test(tc, panels_of_one_class);
	tcase_add_test(tc, capture_totals);
	suite_add_tcase(s, tc);
	return (s);
}
