/*
 * The interface's pure helpers (tui/fmt.c, tui/prompt.c): human units,
 * widths and cutting of UTF-8 text, the ASCII fallback, cells (with the
 * escaping of text from packets), tree prefixes, the status-line fitter,
 * the line editor, the history and its file, completion, and the filter
 * check.  The curses side is tested in tests/e2e/test_tui.sh.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core/proto.h"
#include "core/table.h"
#include "tui/fmt.h"
#include "tui/prompt.h"

/* ---- numbers ---- */

static const struct {
	uint64_t	 v;
	const char	*want;
} counts[] = {
	{ 0, "0" }, { 7, "7" }, { 999, "999" }, { 1000, "1.00k" },
	{ 1234, "1.23k" }, { 4631, "4.63k" }, { 9994, "9.99k" },
	{ 9995, "10.0k" }, { 12345, "12.3k" }, { 99949, "99.9k" },
	{ 99950, "100k" }, { 123456, "123k" }, { 999499, "999k" },
	{ 999500, "1.00M" }, { 3738523, "3.74M" }, { 1000000000, "1.00G" },
	{ UINT64_MAX, "18.4E" },
};

START_TEST(count_units)
{
	char buf[FMT_NUM_MAX];

	fmt_count(buf, sizeof(buf), counts[_i].v);
	ck_assert_str_eq(buf, counts[_i].want);
}
END_TEST

START_TEST(rates_bytes_bits)
{
	char buf[FMT_NUM_MAX];

	fmt_rate(buf, sizeof(buf), 0.5);
	ck_assert_str_eq(buf, "0.5");
	fmt_rate(buf, sizeof(buf), 296.2);
	ck_assert_str_eq(buf, "296");
	fmt_rate(buf, sizeof(buf), 3.0);
	ck_assert_str_eq(buf, "3");
	fmt_rate(buf, sizeof(buf), -4);
	ck_assert_str_eq(buf, "0");
	fmt_rate(buf, sizeof(buf), NAN);
	ck_assert_str_eq(buf, "0");
	fmt_rate(buf, sizeof(buf), 12345.6);
	ck_assert_str_eq(buf, "12.3k");

	fmt_bytes(buf, sizeof(buf), 0, false);
	ck_assert_str_eq(buf, "0 B");
	fmt_bytes(buf, sizeof(buf), 512, false);
	ck_assert_str_eq(buf, "512 B");
	fmt_bytes(buf, sizeof(buf), 3738523, false);
	ck_assert_str_eq(buf, "3.74 MB");
	fmt_bytes(buf, sizeof(buf), 3738523, true);
	ck_assert_str_eq(buf, "29.9 Mb");
	fmt_bytes(buf, sizeof(buf), 100, true);
	ck_assert_str_eq(buf, "800 b");

	fmt_bps(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "0 b/s");
	fmt_bps(buf, sizeof(buf), 1.91e6);
	ck_assert_str_eq(buf, "1.91 Mb/s");

	fmt_elapsed(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "00:00:00");
	fmt_elapsed(buf, sizeof(buf), 3723.9);
	ck_assert_str_eq(buf, "01:02:03");
	fmt_elapsed(buf, sizeof(buf), 90061);
	ck_assert_str_eq(buf, "1d 01:01:01");
	fmt_elapsed(buf, sizeof(buf), -5);
	ck_assert_str_eq(buf, "00:00:00");

	fmt_percent(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "0.00%");
	fmt_percent(buf, sizeof(buf), 0.5);
	ck_assert_str_eq(buf, "0.50%");
	fmt_percent(buf, sizeof(buf), 12.345);
	ck_assert_str_eq(buf, "12.3%");
}
END_TEST

/* ---- text ---- */

START_TEST(widths)
{
	ck_assert_int_eq(fmt_width(""), 0);
	ck_assert_int_eq(fmt_width(NULL), 0);
	ck_assert_int_eq(fmt_width("abc"), 3);
	ck_assert_int_eq(fmt_width("A\u2192B"), 3);
	ck_assert_int_eq(fmt_width("\u65e5\u672c"), 4);		/* wide */
	ck_assert_int_eq(fmt_width("e\u0301"), 1);		/* combining */
	ck_assert_int_eq(fmt_width("a\xff"), 2);		/* not UTF-8 */
}
END_TEST

static void
fit_is(const char *s, int cols, bool ascii, const char *want)
{
	char *got = fmt_fit(s, cols, ascii);

	ck_assert_str_eq(got, want);
	ck_assert_int_le(fmt_width(got), cols < 0 ? 0 : cols);
	g_free(got);
}

START_TEST(fit_and_slice)
{
	char *s;

	fit_is("hello", 5, false, "hello");
	fit_is("hello world", 5, false, "hell\u2026");
	fit_is("hello world", 5, true, "he...");
	fit_is("hello", 0, false, "");
	fit_is("hello", -3, false, "");
	fit_is("hello", 2, true, "he");
	fit_is("\u65e5\u672c\u8a9e", 6, false, "\u65e5\u672c\u8a9e");
	fit_is("\u65e5\u672c\u8a9e!", 6, false, "\u65e5\u672c\u2026");
	fit_is("\u65e5\u672c\u8a9e!", 4, false, "\u65e5\u2026");
	fit_is(NULL, 3, false, "");

	s = fmt_slice("abcdef", 2, 3);
	ck_assert_str_eq(s, "cde");
	g_free(s);
	s = fmt_slice("abc", 5, 3);
	ck_assert_str_eq(s, "");
	g_free(s);
	/* A wide character never straddles the window's edges. */
	s = fmt_slice("\u65e5\u672c\u8a9e", 1, 4);
	ck_assert_str_eq(s, "\u672c");
	g_free(s);
}
END_TEST

START_TEST(ascii_fold)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "Frames A\u2192B", "Frames A->B" },
		{ "Bytes B\u2192A", "Bytes B->A" },
		{ "more\u2026", "more..." },
		{ "\u25bc \u25b2", "v ^" },
		{ "\u251c\u2500\u2502 \u2514\u2500", "|-| `-" },
		{ "caf\u00e9", "caf?" },
		{ "\xff\xfe", "??" },
		{ "plain", "plain" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *s = fmt_ascii(cases[i].in);

		ck_assert_str_eq(s, cases[i].want);
		g_free(s);
	}
}
END_TEST

/* ---- cells ---- */

static int
proto_id(const char *name)
{
	const struct dissector *d = proto_find_dissector(name);

	ck_assert_ptr_nonnull(d);
	return (*d->proto);
}

START_TEST(cells)
{
	static const struct table_col cols[] = {
		{ "n", "N", COL_UINT },
		{ "b", "B", COL_BYTES },
		{ "p", "P", COL_PORT },
		{ "t", "T", COL_TIME },
		{ "a", "A", COL_ADDR },
		{ "path", "Path", COL_PATH },
		{ "x", "X", COL_TEXT },
		{ "e", "E", COL_EPOCH },
		{ "r", "Bytes/s 2s", COL_RATE },
		{ "bs", "Bits/s", COL_BITRATE },
		{ "pct", "% Frames", COL_PERCENT },
	};
	uint8_t ip[4] = { 10, 0, 0, 6 };
	struct cell_path path = { 3, { 0 } };
	union cell c;
	char *s;

	c.u = 4631;
	s = fmt_cell(&cols[0], &c, false);
	ck_assert_str_eq(s, "4.63k");
	g_free(s);
	c.u = 3738523;
	s = fmt_cell(&cols[1], &c, false);
	ck_assert_str_eq(s, "3.74 MB");
	g_free(s);
	s = fmt_cell(&cols[1], &c, true);
	ck_assert_str_eq(s, "29.9 Mb");
	g_free(s);
	c.u = 44150;			/* ports are exact */
	s = fmt_cell(&cols[2], &c, false);
	ck_assert_str_eq(s, "44150");
	g_free(s);
	c.d = 3.124982;
	s = fmt_cell(&cols[3], &c, false);
	ck_assert_str_eq(s, "3.125");
	g_free(s);
	c.d = NAN;
	s = fmt_cell(&cols[3], &c, false);
	ck_assert_str_eq(s, "0.000");
	g_free(s);
	c.d = 1367526033.49;		/* a length of time stays one */
	s = fmt_cell(&cols[3], &c, false);
	ck_assert_str_eq(s, "1367526033.490");
	g_free(s);
	s = fmt_cell(&cols[7], &c, false);	/* a moment: a date */
	ck_assert_int_eq((int)strlen(s), 19);
	ck_assert(s[4] == '-' && s[13] == ':');
	g_free(s);
	c.d = NAN;				/* a moment not known */
	s = fmt_cell(&cols[7], &c, false);
	ck_assert_str_eq(s, "\u2014");
	g_free(s);
	c.d = 12345.6;				/* a rate: bytes or bits /s */
	s = fmt_cell(&cols[8], &c, false);
	ck_assert_str_eq(s, "12.3 kB/s");
	g_free(s);
	s = fmt_cell(&cols[8], &c, true);
	ck_assert_str_eq(s, "98.8 kb/s");
	g_free(s);
	c.d = 0.5;
	s = fmt_cell(&cols[8], &c, false);
	ck_assert_str_eq(s, "0.5 B/s");
	g_free(s);
	c.d = 1911584;				/* bits/s, with or without b */
	s = fmt_cell(&cols[9], &c, false);
	ck_assert_str_eq(s, "1.91 Mb/s");
	g_free(s);
	s = fmt_cell(&cols[9], &c, true);
	ck_assert_str_eq(s, "1.91 Mb/s");
	g_free(s);
	c.d = NAN;				/* no span: not known */
	s = fmt_cell(&cols[9], &c, false);
	ck_assert_str_eq(s, "\u2014");
	g_free(s);
	c.d = 96.998488;
	s = fmt_cell(&cols[10], &c, false);
	ck_assert_str_eq(s, "97.0%");
	g_free(s);
	memset(&c, 0, sizeof(c));
	address_set(&c.addr, AT_IPv4, ip, 4);
	s = fmt_cell(&cols[4], &c, false);
	ck_assert_str_eq(s, "10.0.0.6");
	g_free(s);
	path.proto[0] = (uint16_t)proto_id("eth");
	path.proto[1] = (uint16_t)proto_id("ip");
	path.proto[2] = (uint16_t)proto_id("tcp");
	c.path = &path;
	s = fmt_cell(&cols[5], &c, false);
	ck_assert_str_eq(s, "tcp");
	g_free(s);
	s = fmt_path_indent(&c);
	ck_assert_str_eq(s, "    ");
	g_free(s);

	/* Text from the wire cannot drive the terminal. */
	c.text = "\x1b]0;pwned\x07\x1b[2J\xc2\x9b" "6n ok\\";
	s = fmt_cell(&cols[6], &c, false);
	ck_assert_ptr_null(strchr(s, 0x1b));
	ck_assert_ptr_null(strchr(s, 0x07));
	ck_assert_ptr_null(strstr(s, "\xc2\x9b"));
	ck_assert_str_eq(s, "\\x1b]0;pwned\\x07\\x1b[2J\\u{009B}6n ok\\\\");
	g_free(s);
	c.text = NULL;
	s = fmt_cell(&cols[6], &c, false);
	ck_assert_str_eq(s, "");
	g_free(s);
}
END_TEST

/* A time of a row that counted nothing is not known: "—", not 0.000. */
START_TEST(unknown_times)
{
	static const struct table_col cols[] = {
		{ "packets", "Packets", COL_UINT },
		{ "bytes", "Bytes", COL_BYTES },
		{ "start", "Start", COL_TIME },
		{ "duration", "Duration", COL_TIME },
	};
	struct table *t = table_new(cols, 4);
	union cell *r;
	char *s;

	table_add_row(t);			/* before the first packet */
	r = table_add_row(t);
	r[0].u = 1;
	r[1].u = 60;
	r[2].d = 1367526033.5;
	r[3].d = 0;				/* one packet: it is known */
	r = table_add_row(t);
	r[0].u = 2;
	r[3].d = NAN;
	s = fmt_row_cell(t, 0, 2, false);
	ck_assert_str_eq(s, "\u2014");
	g_free(s);
	s = fmt_row_cell(t, 0, 3, false);
	ck_assert_str_eq(s, "\u2014");
	g_free(s);
	s = fmt_row_cell(t, 0, 0, false);
	ck_assert_str_eq(s, "0");
	g_free(s);
	s = fmt_row_cell(t, 1, 3, false);
	ck_assert_str_eq(s, "0.000");
	g_free(s);
	s = fmt_row_cell(t, 1, 1, true);
	ck_assert_str_eq(s, "480 b");
	g_free(s);
	s = fmt_row_cell(t, 2, 3, false);
	ck_assert_str_eq(s, "\u2014");
	g_free(s);
	s = fmt_ascii("\u2014");
	ck_assert_str_eq(s, "-");
	g_free(s);
	table_free(t);
}
END_TEST

/* After b the titles name the unit the cells are in. */
START_TEST(titles_follow_unit)
{
	static const struct {
		struct table_col	 col;
		const char		*bytes, *bits;
	} cases[] = {
		{ { "bytes", "Bytes", COL_BYTES }, "Bytes", "Bits" },
		{ { "bytes_ab", "Bytes A\u2192B", COL_BYTES },
		    "Bytes A\u2192B", "Bits A\u2192B" },
		{ { "tx_bytes", "Tx Bytes", COL_BYTES }, "Tx Bytes",
		    "Tx Bits" },
		{ { "v", "Volume", COL_BYTES }, "Volume", "Volume (bits)" },
		{ { "frames", "Frames", COL_UINT }, "Frames", "Frames" },
		{ { "rate_2s", "Bytes/s 2s", COL_RATE }, "Bytes/s 2s",
		    "Bits/s 2s" },
		{ { "bits_s", "Bits/s", COL_BITRATE }, "Bits/s", "Bits/s" },
		{ { "b", "Bytes seen", COL_UINT }, "Bytes seen",
		    "Bytes seen" },
	};
	size_t i;
	char *s;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		s = fmt_col_title(&cases[i].col, false);
		ck_assert_str_eq(s, cases[i].bytes);
		g_free(s);
		s = fmt_col_title(&cases[i].col, true);
		ck_assert_str_eq(s, cases[i].bits);
		g_free(s);
	}
}
END_TEST

START_TEST(row_counts)
{
	static const struct {
		uint64_t	 n;
		const char	*want;
	} cases[] = {
		{ 0, "0 rows" }, { 1, "1 row" }, { 2, "2 rows" },
		{ 4631, "4631 rows" },
	};
	size_t i;
	char *s;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		s = fmt_rows(cases[i].n);
		ck_assert_str_eq(s, cases[i].want);
		g_free(s);
	}
}
END_TEST

/*
 * The drop segment: a share of what the kernel received, never beside
 * taptop's own count; a hint to raise -B above 0.1%.
 */
START_TEST(drops)
{
	static const struct {
		uint64_t	 received, dropped;
		const char	*lng, *shrt;
	} cases[] = {
		{ 0, 0, "kernel drops 0.00% (0 packets)", "drops 0.00%" },
		{ 1070, 0, "kernel drops 0.00% (0 packets)", "drops 0.00%" },
		{ 1000, 1, "kernel drops 0.10% (1 packet)", "drops 0.10%" },
		{ 1000, 2, "kernel drops 0.20% (2 packets): raise -B",
		    "drops 0.20% (raise -B)" },
		{ 100000, 1200, "kernel drops 1.20% (1.20k packets): "
		    "raise -B", "drops 1.20% (raise -B)" },
		{ 10, 10, "kernel drops 100.0% (10 packets): raise -B",
		    "drops 100.0% (raise -B)" },
	};
	struct capture_counters c;
	char *lng, *shrt;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		memset(&c, 0, sizeof(c));
		/* taptop's own count plays no part. */
		c.packets = 500;
		c.bytes = 50000;
		c.kernel_received = cases[i].received;
		c.kernel_dropped = cases[i].dropped;
		fmt_drops(&c, &lng, &shrt);
		ck_assert_str_eq(lng, cases[i].lng);
		ck_assert_str_eq(shrt, cases[i].shrt);
		ck_assert_ptr_null(strstr(lng, "500"));
		g_free(lng);
		g_free(shrt);
	}
}
END_TEST

/* The N of the last line's "… and N more", or 0. */
static int
columns_more(const GPtrArray *lines)
{
	int more = 0;

	if (lines->len > 0)
		(void)sscanf(g_ptr_array_index(lines, lines->len - 1),
		    "\u2026 and %d more", &more);
	return (more);
}

/* Every name of names whole, once, on the lines; the count of the rest
 * (want_more -1: some). */
static void
columns_hold(GPtrArray *lines, const char *const *names, int n, int width,
    int max_lines, int want_more)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	int i, shown = 0, more = 0;
	guint k;

	ck_assert_int_le((int)lines->len, max_lines);
	for (k = 0; k < lines->len; k++) {
		const char *l = g_ptr_array_index(lines, k);
		char **w;

		ck_assert_int_le(fmt_width(l), width);
		if (sscanf(l, "\u2026 and %d more", &more) == 1 ||
		    sscanf(l, "... and %d more", &more) == 1) {
			ck_assert_uint_eq(k, lines->len - 1);
			continue;
		}
		w = g_strsplit(l, " ", -1);
		for (i = 0; w[i] != NULL; i++) {
			if (w[i][0] == '\0')
				continue;
			ck_assert_msg(!g_hash_table_contains(seen, w[i]),
			    "%s twice", w[i]);
			g_hash_table_add(seen, g_strdup(w[i]));
			shown++;
		}
		g_strfreev(w);
	}
	/* The names shown are the first ones, whole. */
	for (i = 0; i < shown; i++)
		ck_assert_msg(g_hash_table_contains(seen, names[i]),
		    "%s not shown", names[i]);
	if (want_more >= 0)
		ck_assert_int_eq(more, want_more);
	else
		ck_assert_int_gt(more, 0);
	ck_assert_int_eq(shown + more, n);
	g_hash_table_foreach(seen, (GHFunc)(void (*)(void))g_free, NULL);
	g_hash_table_destroy(seen);
}

START_TEST(columns)
{
	const GPtrArray *all = prompt_field_names();
	const char *const *names = (const char *const *)all->pdata;
	static const char *const few[] = { "ip.addr", "ip.dsfield",
	    "ip.dsfield.ecn", "ip.dst", "ip.src" };
	GPtrArray *l;
	int n = (int)all->len, w = 0, ncols, i;

	/* Room for all: column by column, as a shell lists them, each
	 * column as wide as its widest name. */
	l = fmt_columns(few, 5, 78, 17, false);
	ck_assert_uint_eq(l->len, 1);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "ip.addr  ip.dsfield  "
	    "ip.dsfield.ecn  ip.dst  ip.src");
	g_ptr_array_unref(l);
	l = fmt_columns(few, 5, 40, 17, false);
	ck_assert_uint_eq(l->len, 2);
	ck_assert_str_eq(g_ptr_array_index(l, 0),
	    "ip.addr     ip.dsfield.ecn  ip.src");
	ck_assert_str_eq(g_ptr_array_index(l, 1), "ip.dsfield  ip.dst");
	columns_hold(l, few, 5, 40, 17, 0);
	g_ptr_array_unref(l);
	l = fmt_columns(few, 5, 22, 17, false);
	ck_assert_uint_eq(l->len, 3);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "ip.addr         ip.dst");
	ck_assert_str_eq(g_ptr_array_index(l, 2), "ip.dsfield.ecn");
	columns_hold(l, few, 5, 22, 17, 0);
	g_ptr_array_unref(l);
	l = fmt_columns(few, 5, 21, 17, false);
	ck_assert_uint_eq(l->len, 5);
	columns_hold(l, few, 5, 21, 17, 0);
	g_ptr_array_unref(l);
	/* Not enough lines: the first names, and how many more. */
	l = fmt_columns(few, 5, 30, 2, true);
	ck_assert_uint_eq(l->len, 2);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "ip.addr  ip.dsfield");
	ck_assert_str_eq(g_ptr_array_index(l, 1), "... and 3 more");
	columns_hold(l, few, 5, 30, 2, 3);
	g_ptr_array_unref(l);
	l = fmt_columns(few, 5, 40, 1, false);
	ck_assert_uint_eq(l->len, 1);
	ck_assert_str_eq(g_ptr_array_index(l, 0), "\u2026 and 5 more");
	g_ptr_array_unref(l);
	l = fmt_columns(few, 5, 40, 0, false);
	ck_assert_uint_eq(l->len, 0);
	g_ptr_array_unref(l);
	/* The registry's names at 80 columns, and narrower. */
	ck_assert_int_gt(n, 100);
	l = fmt_columns(names, n, 78, 17, false);
	for (i = 0; i < n; i++)
		w = MAX(w, fmt_width(names[i]));
	/* 16 lines of names, at least as many columns as the widest name
	 * allows everywhere; the 17th says how many more. */
	ncols = (78 + 2) / (w + 2);
	ck_assert_uint_eq(l->len, 17);
	columns_hold(l, names, n, 78, 17, -1);
	ck_assert_int_ge(n - columns_more(l), 16 * ncols);
	g_ptr_array_unref(l);
	l = fmt_columns(names, n, 78, 1000, false);
	columns_hold(l, names, n, 78, 1000, 0);
	g_ptr_array_unref(l);
	l = fmt_columns(names, n, 10, 1000, false);
	columns_hold(l, names, n, 1000, 1000, 0);
	ck_assert_uint_eq(l->len, (guint)n);
	g_ptr_array_unref(l);
}
END_TEST

START_TEST(tree_prefixes)
{
	static const struct table_col cols[] = {
		{ "path", "Protocol", COL_PATH },
		{ "frames", "Frames", COL_UINT },
	};
	static const int depth[] = { 1, 2, 3, 3, 2, 1, 2 };
	static const char *const want[] = {
		"", "\u251c\u2500", "\u2502 \u251c\u2500",
		"\u2502 \u2514\u2500", "\u2514\u2500", "", "\u2514\u2500",
	};
	static const char *const want_ascii[] = {
		"", "|-", "| |-", "| `-", "`-", "", "`-",
	};
	struct table *t = table_new(cols, 2);
	char **pre;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(depth); i++) {
		union cell *row = table_add_row(t);

		row[0].path = g_new0(struct cell_path, 1);
		row[0].path->n = (uint16_t)depth[i];
	}
	pre = fmt_tree_prefixes(t, 0, false);
	ck_assert_ptr_nonnull(pre);
	for (i = 0; i < G_N_ELEMENTS(depth); i++)
		ck_assert_str_eq(pre[i], want[i]);
	g_strfreev(pre);
	pre = fmt_tree_prefixes(t, 0, true);
	for (i = 0; i < G_N_ELEMENTS(depth); i++)
		ck_assert_str_eq(pre[i], want_ascii[i]);
	g_strfreev(pre);
	ck_assert_ptr_null(fmt_tree_prefixes(t, 1, false));
	ck_assert_ptr_null(fmt_tree_prefixes(t, 5, false));
	table_free(t);
}
END_TEST

START_TEST(segments)
{
	static const struct fmt_seg seg[] = {
		{ "aaaa", "a", 1 },
		{ "bbbb", NULL, 5 },
		{ "cccc", "cc", 3 },
	};
	static const struct {
		int		 width;
		const char	*want;
	} cases[] = {
		{ 100, "aaaa bbbb cccc" }, { 14, "aaaa bbbb cccc" },
		{ 13, "a bbbb cccc" }, { 11, "a bbbb cccc" },
		{ 10, "a bbbb cc" }, { 9, "a bbbb cc" }, { 8, "bbbb cc" },
		{ 7, "bbbb cc" }, { 6, "bbbb" }, { 2, "bbbb" },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *s = fmt_segments(seg, 3, " ", cases[i].width);

		ck_assert_msg(strcmp(s, cases[i].want) == 0,
		    "width %d: \"%s\", wanted \"%s\"", cases[i].width, s,
		    cases[i].want);
		g_free(s);
	}
}
END_TEST

/* ---- the line editor ---- */

static void
le_is(const struct lineedit *le, const char *text, size_t cur)
{
	ck_assert_str_eq(le->text->str, text);
	ck_assert_uint_eq(le->cur, cur);
}

START_TEST(line_editor)
{
	struct lineedit le;

	le_init(&le, "tcp");
	le_is(&le, "tcp", 3);
	le_insert(&le, ".port");
	le_is(&le, "tcp.port", 8);
	ck_assert(!le_edit(&le, LE_LEFT));
	ck_assert(!le_edit(&le, LE_LEFT));
	le_insert(&le, "X");
	le_is(&le, "tcp.poXrt", 7);
	ck_assert(le_edit(&le, LE_BACKSPACE));
	le_is(&le, "tcp.port", 6);
	ck_assert(le_edit(&le, LE_DELETE));
	le_is(&le, "tcp.pot", 6);
	le_edit(&le, LE_HOME);
	ck_assert(!le_edit(&le, LE_BACKSPACE));
	ck_assert(!le_edit(&le, LE_LEFT));
	le_is(&le, "tcp.pot", 0);
	le_edit(&le, LE_END);
	ck_assert(!le_edit(&le, LE_DELETE));
	ck_assert(!le_edit(&le, LE_RIGHT));
	le_is(&le, "tcp.pot", 7);

	/* Words: Ctrl-W, Ctrl-U, Ctrl-K, and moving by words. */
	le_set(&le, "ip.src == 10.0.0.1");
	ck_assert(le_edit(&le, LE_KILL_WORD));
	le_is(&le, "ip.src == ", 10);
	ck_assert(le_edit(&le, LE_KILL_WORD));
	le_is(&le, "ip.src ", 7);
	le_set(&le, "a bb ccc");
	le_edit(&le, LE_WORD_LEFT);
	le_is(&le, "a bb ccc", 5);
	le_edit(&le, LE_WORD_LEFT);
	le_is(&le, "a bb ccc", 2);
	le_edit(&le, LE_WORD_RIGHT);
	le_is(&le, "a bb ccc", 4);
	ck_assert(le_edit(&le, LE_KILL_EOL));
	le_is(&le, "a bb", 4);
	ck_assert(!le_edit(&le, LE_KILL_EOL));
	le_edit(&le, LE_LEFT);
	ck_assert(le_edit(&le, LE_KILL_BOL));
	le_is(&le, "b", 0);
	ck_assert(!le_edit(&le, LE_KILL_BOL));

	/* Characters, not bytes. */
	le_set(&le, "a\u00e9\u65e5");
	le_edit(&le, LE_LEFT);
	le_is(&le, "a\u00e9\u65e5", 3);
	le_edit(&le, LE_LEFT);
	le_is(&le, "a\u00e9\u65e5", 1);
	le_edit(&le, LE_RIGHT);
	ck_assert(le_edit(&le, LE_BACKSPACE));
	le_is(&le, "a\u65e5", 1);
	ck_assert(le_edit(&le, LE_DELETE));
	le_is(&le, "a", 1);

	/* Control characters never get in; pasted tabs are spaces. */
	le_set(&le, "");
	le_insert(&le, "a\x1b[2J\tb\nc\x7f");
	le_is(&le, "a[2J b c", 8);
	le_free(&le);
}
END_TEST

/* ---- history ---- */

START_TEST(history_browse)
{
	struct history h;

	history_init(&h, 3);
	ck_assert_ptr_null(history_prev(&h, "x"));
	ck_assert_ptr_null(history_next(&h));
	history_add(&h, "a");
	history_add(&h, "b");
	history_add(&h, "");
	history_add(&h, "   ");
	history_add(&h, "bad\x1b");
	history_add(&h, "a");			/* moves to the end */
	ck_assert_uint_eq(h.items->len, 2);
	ck_assert_str_eq(history_prev(&h, "draft"), "a");
	ck_assert_str_eq(history_prev(&h, "ignored"), "b");
	ck_assert_ptr_null(history_prev(&h, "ignored"));
	ck_assert_str_eq(history_next(&h), "a");
	ck_assert_str_eq(history_next(&h), "draft");
	ck_assert_ptr_null(history_next(&h));
	history_add(&h, "c");
	history_add(&h, "d");			/* the cap drops "b" */
	ck_assert_uint_eq(h.items->len, 3);
	ck_assert_str_eq(g_ptr_array_index(h.items, 0), "a");
	ck_assert_str_eq(history_prev(&h, ""), "d");
	history_stop(&h);
	ck_assert_str_eq(history_prev(&h, ""), "d");
	/* Up never offers what the prompt already holds: the prompt opened
	 * on "d" (a panel's filter just applied) goes to "c" at once, and
	 * Down comes back to the draft. */
	history_stop(&h);
	ck_assert_str_eq(history_prev(&h, "d"), "c");
	ck_assert_str_eq(history_next(&h), "d");
	ck_assert_str_eq(history_next(&h), "d");
	ck_assert_ptr_null(history_next(&h));
	history_stop(&h);
	ck_assert_str_eq(history_prev(&h, "c"), "d");
	ck_assert_str_eq(history_prev(&h, "d"), "c");
	ck_assert_str_eq(history_prev(&h, "c"), "a");
	ck_assert_ptr_null(history_prev(&h, "a"));
	history_stop(&h);
	history_free(&h);
	/* Nothing else in it: nothing to offer, nothing changed. */
	history_init(&h, 3);
	history_add(&h, "only");
	ck_assert_ptr_null(history_prev(&h, "only"));
	ck_assert_ptr_null(h.draft);
	ck_assert_int_eq(h.pos, 1);
	ck_assert_str_eq(history_prev(&h, "other"), "only");
	history_free(&h);
}
END_TEST

START_TEST(history_file)
{
	char *dir = g_dir_make_tmp("taptop-hist-XXXXXX", NULL);
	char *path = g_build_filename(dir, "state", "taptop", "history",
	    NULL);
	char *data = NULL;
	struct history h, h2;
	int i;

	ck_assert_ptr_nonnull(dir);
	history_init(&h, 500);
	for (i = 0; i < 600; i++) {
		char *s = g_strdup_printf("frame.len > %d", i);

		history_add(&h, s);
		g_free(s);
	}
	/* The directories are made; the file is capped. */
	ck_assert(history_save(&h, path));
	ck_assert(g_file_get_contents(path, &data, NULL, NULL));
	ck_assert_int_eq((int)(strchr(data, '\n') - data),
	    (int)strlen("frame.len > 100"));
	ck_assert(g_str_has_suffix(data, "frame.len > 599\n"));
	g_free(data);
	history_init(&h2, 500);
	ck_assert(history_load(&h2, path));
	ck_assert_uint_eq(h2.items->len, 500);
	ck_assert_str_eq(history_prev(&h2, ""), "frame.len > 599");
	history_free(&h2);

	/* Nowhere to write, nothing to read: false, and no harm done. */
	ck_assert(!history_save(&h, "/proc/taptop-no/such/history"));
	ck_assert(!history_save(&h, NULL));
	history_init(&h2, 10);
	ck_assert(!history_load(&h2, "/nonexistent/taptop/history"));
	ck_assert(!history_load(&h2, NULL));
	ck_assert_uint_eq(h2.items->len, 0);
	history_free(&h2);
	history_free(&h);

	ck_assert_int_eq(g_remove(path), 0);
	g_free(path);
	path = g_build_filename(dir, "state", "taptop", NULL);
	g_rmdir(path);
	g_free(path);
	path = g_build_filename(dir, "state", NULL);
	g_rmdir(path);
	g_free(path);
	g_rmdir(dir);
	g_free(dir);
}
END_TEST

START_TEST(history_path)
{
	char *p;

	g_setenv("XDG_STATE_HOME", "/tmp/xdg-state", TRUE);
	g_setenv("HOME", "/home/someone", TRUE);
	p = history_default_path();
	ck_assert_str_eq(p, "/tmp/xdg-state/taptop/history");
	g_free(p);
	g_setenv("XDG_STATE_HOME", "relative/state", TRUE);
	p = history_default_path();
	ck_assert_str_eq(p, "/home/someone/.local/state/taptop/history");
	g_free(p);
	g_unsetenv("XDG_STATE_HOME");
	p = history_default_path();
	ck_assert_str_eq(p, "/home/someone/.local/state/taptop/history");
	g_free(p);
	g_unsetenv("HOME");
	ck_assert_ptr_null(history_default_path());
}
END_TEST

/* ---- completion ---- */

static GPtrArray *
sample_names(void)
{
	static const char *const n[] = {
		"ip", "ip.addr", "ip.dst", "ip.src", "tcp", "tcp.port",
		"tcp.srcport",
	};
	GPtrArray *a = g_ptr_array_new();
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(n); i++)
		g_ptr_array_add(a, (gpointer)n[i]);
	return (a);
}

static void
completes(const char *text, size_t cur, const char *want, size_t want_cur,
    guint ncands)
{
	GPtrArray *names = sample_names();
	struct completion c;

	ck_assert(complete_word(text, cur, names, &c));
	ck_assert_str_eq(c.text, want);
	ck_assert_uint_eq(c.cur, want_cur);
	ck_assert_uint_eq(c.candidates->len, ncands);
	completion_free(&c);
	g_ptr_array_free(names, TRUE);
}

START_TEST(completion)
{
	GPtrArray *names = sample_names();
	struct completion c;

	completes("tcp.po", 6, "tcp.port ", 9, 0);
	completes("ip.s", 4, "ip.src ", 7, 0);
	completes("ip.", 3, "ip.", 3, 3);
	completes("i", 1, "ip", 2, 4);
	completes("tcp.po == 80", 6, "tcp.port == 80", 8, 0);
	completes("tcp.po", 3, "tcp.po", 3, 3);	/* cursor inside: its prefix */
	completes("ip.src == 1 and tcp.sr", 22,
	    "ip.src == 1 and tcp.srcport ", 28, 0);
	completes("ip.src", 3, "ip.src", 3, 3);	/* ambiguous: tail kept */
	completes("tcp.port", 8, "tcp.port ", 9, 0);
	ck_assert(!complete_word("udp", 3, names, &c));
	ck_assert(!complete_word("ip.x", 4, names, &c));
	g_ptr_array_free(names, TRUE);
}
END_TEST

START_TEST(registry_names)
{
	const GPtrArray *n = prompt_field_names();
	bool ip = false, port = false;
	guint i;

	ck_assert_uint_gt(n->len, 10);
	for (i = 0; i < n->len; i++) {
		const char *s = g_ptr_array_index(n, i);

		if (i > 0)
			ck_assert_int_lt(strcmp(g_ptr_array_index(n, i - 1),
			    s), 0);
		ip |= strcmp(s, "ip") == 0;
		port |= strcmp(s, "tcp.port") == 0;
	}
	ck_assert(ip && port);
	ck_assert_ptr_eq(prompt_field_names(), n);
}
END_TEST

START_TEST(filter_check)
{
	char *msg = (char *)"unset";
	int col = 9, len = 9;

	ck_assert(prompt_check_filter("", &msg, &col, &len));
	ck_assert_ptr_null(msg);
	ck_assert(prompt_check_filter("   ", &msg, &col, &len));
	ck_assert(!prompt_check_filter("ip.addr ==", &msg, &col, &len));
	ck_assert_ptr_nonnull(msg);
	ck_assert_int_ge(col, -1);
	ck_assert_int_le(col, 10);
	g_free(msg);
	/* One line (the prompt draws its own caret), and a place. */
	ck_assert(!prompt_check_filter("ip.no_such_field == 1", &msg, &col,
	    &len));
	ck_assert_ptr_null(strchr(msg, '\n'));
	ck_assert_int_eq(col, 0);
	ck_assert_int_gt(len, 0);
	g_free(msg);
}
END_TEST

Suite *
suite_tui(void)
{
	Suite *s = suite_create("tui");
	TCase *tf = tcase_create("fmt");
	TCase *tp = tcase_create("prompt");

	tcase_add_loop_test(tf, count_units, 0, G_N_ELEMENTS(counts));
	tcase_add_test(tf, rates_bytes_bits);
	tcase_add_test(tf, widths);
	tcase_add_test(tf, fit_and_slice);
	tcase_add_test(tf, ascii_fold);
	tcase_add_test(tf, cells);
	tcase_add_test(tf, tree_prefixes);
	tcase_add_test(tf, segments);
	tcase_add_test(tf, unknown_times);
	tcase_add_test(tf, titles_follow_unit);
	tcase_add_test(tf, row_counts);
	tcase_add_test(tf, drops);
	tcase_add_test(tf, columns);
	suite_add_tcase(s, tf);
	tcase_add_test(tp, line_editor);
	tcase_add_test(tp, history_browse);
	tcase_add_test(tp, history_file);
	tcase_add_test(tp, history_path);
	tcase_add_test(tp, completion);
	tcase_add_test(tp, registry_names);
	tcase_add_test(tp, filter_check);
	suite_add_tcase(s, tp);
	return (s);
}
