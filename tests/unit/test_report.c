/*
 * The printers and the escapers.  The JSON and text printers are checked
 * character for character on small fixed tables (a hand-filled panel that
 * is not registered, so drawing it is a no-op, and real panels fed through
 * the tap engine); their JSON also goes through a small validator here.
 * The escapers are checked over every byte value, every Unicode code
 * point, and a table of invalid UTF-8; the ISO 8601 times on a table of
 * moments, and the ASCII text on every character the printers use.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/report.h"
#include "core/tap.h"
#include "dissectors/taps.h"

/* ---- a strict JSON validator: one value, nothing after it ---- */

static const char *json_value(const char *p, int depth);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return (p);
}

static const char *
json_str(const char *p)
{
	int i;

	if (*p++ != '"')
		return (NULL);
	for (;;) {
		unsigned char c = (unsigned char)*p++;

		if (c == '"')
			return (p);
		if (c < 0x20)
			return (NULL);
		if (c != '\\')
			continue;
		c = (unsigned char)*p++;
		if (c == 'u') {
			for (i = 0; i < 4; i++)
				if (!g_ascii_isxdigit(*p++))
					return (NULL);
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return (NULL);
	}
}

static const char *
json_num(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (g_ascii_isdigit(*p))
			p++;
	else
		return (NULL);
	if (*p == '.') {
		s = ++p;
		while (g_ascii_isdigit(*p))
			p++;
		if (p == s)
			return (NULL);
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		s = p;
		while (g_ascii_isdigit(*p))
			p++;
		if (p == s)
			return (NULL);
	}
	return (p);
}

static const char *
json_value(const char *p, int depth)
{
	if (depth > 32)
		return (NULL);
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return (p + 1);
		for (;;) {
			if (obj) {
				if ((p = json_str(json_ws(p))) == NULL)
					return (NULL);
				p = json_ws(p);
				if (*p++ != ':')
					return (NULL);
			}
			if ((p = json_value(p, depth + 1)) == NULL)
				return (NULL);
			p = json_ws(p);
			if (*p == close)
				return (p + 1);
			if (*p++ != ',')
				return (NULL);
		}
	}
	if (*p == '"')
		return (json_str(p));
	if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
		return (p + 4);
	if (strncmp(p, "false", 5) == 0)
		return (p + 5);
	return (json_num(p));
}

static bool
json_valid(const char *s)
{
	const char *end;

	if (!g_utf8_validate(s, -1, NULL))
		return (false);
	end = json_value(s, 0);
	return (end != NULL && *json_ws(end) == '\0');
}

START_TEST(validator_works)
{
	ck_assert(json_valid("{\"a\":[1,-2.5,\"x\\u00e9\",true,null,{}]}"));
	ck_assert(!json_valid("{\"a\":1,}"));
	ck_assert(!json_valid("{\"a\":nan}"));
	ck_assert(!json_valid("{\"a\":\"\x01\"}"));
	ck_assert(!json_valid("{\"a\":1} {}"));
	ck_assert(!json_valid("[\"\\x41\"]"));
	ck_assert(!json_valid("[\"\xff\"]"));
}
END_TEST

/* ---- escapers ---- */

START_TEST(json_every_byte)
{
	int b;

	for (b = 0; b < 256; b++) {
		char in = (char)b, want[16];
		char *got = json_escape_len(&in, 1);

		if (b == '"')
			strcpy(want, "\\\"");
		else if (b == '\\')
			strcpy(want, "\\\\");
		else if (b < 0x20 || b == 0x7f)
			snprintf(want, sizeof(want), "\\u%04x", b);
		else if (b >= 0x80)
			strcpy(want, "\\ufffd");	/* alone: invalid */
		else
			snprintf(want, sizeof(want), "%c", b);
		ck_assert_msg(strcmp(got, want) == 0, "byte %#x: %s", b, got);
		g_free(got);
	}
}
END_TEST

START_TEST(term_every_byte)
{
	int b;

	for (b = 0; b < 256; b++) {
		char in = (char)b, want[16];
		char *got = term_escape(&in, 1);

		if (b == '\\')
			strcpy(want, "\\\\");
		else if (b < 0x20 || b >= 0x7f)
			snprintf(want, sizeof(want), "\\x%02x", b);
		else
			snprintf(want, sizeof(want), "%c", b);
		ck_assert_msg(strcmp(got, want) == 0, "byte %#x: %s", b, got);
		g_free(got);
	}
}
END_TEST

static bool
is_bidi(gunichar c)
{
	return (c == 0x061c || c == 0x200e || c == 0x200f ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

/* Every code point, encoded: which ones each escaper changes, and how. */
START_TEST(every_code_point)
{
	gunichar c;

	for (c = 0; c <= 0x10ffff; c++) {
		char in[8], want[32], *t, *j;
		int n;

		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = g_unichar_to_utf8(c, in);
		in[n] = '\0';
		t = term_escape(in, (size_t)n);
		j = json_escape_len(in, (size_t)n);

		if (c == '\\')
			strcpy(want, "\\\\");
		else if (c < 0x20 || c == 0x7f)
			snprintf(want, sizeof(want), "\\x%02x", c);
		else if ((c >= 0x80 && c <= 0x9f) || is_bidi(c) ||
		    c == 0x2028 || c == 0x2029)
			snprintf(want, sizeof(want), "\\u{%04X}", c);
		else
			strcpy(want, in);
		ck_assert_msg(strcmp(t, want) == 0, "term U+%04X: %s", c, t);

		if (c == '"')
			strcpy(want, "\\\"");
		else if (c == '\\')
			strcpy(want, "\\\\");
		else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
		    c == 0x2028 || c == 0x2029)
			snprintf(want, sizeof(want), "\\u%04x", c);
		else
			strcpy(want, in);
		ck_assert_msg(strcmp(j, want) == 0, "json U+%04X: %s", c, j);
		g_free(t);
		g_free(j);
	}
}
END_TEST

static const struct escape_case {
	const char	*in;
	size_t		 len;
	const char	*term, *json;
} cases[] = {
	/* Overlong "/", a surrogate, a cut-short sequence, past U+10FFFF,
	 * a five-byte form, a lone continuation. */
	{ "\xc0\xaf", 2, "\\xc0\\xaf", "\\ufffd\\ufffd" },
	{ "\xed\xa0\x80", 3, "\\xed\\xa0\\x80", "\\ufffd\\ufffd\\ufffd" },
	{ "\xe2\x82", 2, "\\xe2\\x82", "\\ufffd\\ufffd" },
	{ "\xe2\x82x", 3, "\\xe2\\x82x", "\\ufffd\\ufffdx" },
	{ "\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80",
	    "\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ "\xf8\x88\x80\x80\x80", 5, "\\xf8\\x88\\x80\\x80\\x80",
	    "\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd" },
	{ "a\x80z", 3, "a\\x80z", "a\\ufffdz" },
	/* Valid: kept, escaped as a whole code point where it must be. */
	{ "\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "\xc2\x9b" "31m", 5, "\\u{009B}31m", "\\u009b31m" },
	{ "\x1b[2J", 4, "\\x1b[2J", "\\u001b[2J" },
	{ "abc\xe2\x80\xae" "fdp.exe", 13, "abc\\u{202E}fdp.exe",
	    "abc\xe2\x80\xae" "fdp.exe" },
	{ "\xe2\x81\xa6x\xe2\x81\xa9", 7, "\\u{2066}x\\u{2069}",
	    "\xe2\x81\xa6x\xe2\x81\xa9" },
	{ "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", 8,
	    "\\u{061C}\\u{200E}\\u{200F}", "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f" },
	{ "a\0b", 3, "a\\x00b", "a\\u0000b" },
	{ "x\\u{202E}", 9, "x\\\\u{202E}", "x\\\\u{202E}" },
	{ "", 0, "", "" },
};

START_TEST(escape_table)
{
	const struct escape_case *c = &cases[_i];
	char *t = term_escape(c->in, c->len);
	char *j = json_escape_len(c->in, c->len);

	ck_assert_str_eq(t, c->term);
	ck_assert_str_eq(j, c->json);
	g_free(t);
	g_free(j);
}
END_TEST

START_TEST(escape_null)
{
	char *j = json_escape(NULL), *t = term_escape(NULL, 0);

	ck_assert_str_eq(j, "");
	ck_assert_str_eq(t, "");
	g_free(j);
	g_free(t);
	j = json_escape("tab\there");
	ck_assert_str_eq(j, "tab\\u0009here");
	g_free(j);
}
END_TEST

/* ---- printers on a hand-filled table ---- */

static const struct table_col fake_cols[] = {
	{ "name", "Name", COL_TEXT },
	{ "addr", "Address", COL_ADDR },
	{ "path", "Path", COL_PATH },
	{ "n", "N", COL_UINT },
	{ "t", "Time", COL_TIME },
	{ "port", "Port", COL_PORT },
};

static const struct panel_class fake_class = {
	.name = "fake",
	.title = "Fake \x1b[31mPanel",
	.tap = "frame",
	.cols = fake_cols,
	.ncols = G_N_ELEMENTS(fake_cols),
	.default_sort = "n",
};

static int
pid(const char *name)
{
	const struct dissector *d = proto_find_dissector(name);

	ck_assert_msg(d != NULL, "no dissector %s", name);
	return (*d->proto);
}

/* Not registered with the tap engine: the printers' draw is a no-op. */
static struct panel *
fake_panel(bool fold)
{
	struct panel *p = g_new0(struct panel, 1);
	uint8_t ip[4] = { 10, 0, 0, 1 };
	union cell *r;

	proto_init();
	p->cls = &fake_class;
	p->filter = g_strdup("tcp \"q\"");
	p->table = table_new(fake_cols, G_N_ELEMENTS(fake_cols));
	r = table_add_row(p->table);
	r[0].text = g_strdup("a\"b\x01");
	address_set(&r[1].addr, AT_IPv4, ip, 4);
	r[2].path = g_new0(struct cell_path, 1);
	r[2].path->n = 2;
	r[2].path->proto[0] = (uint16_t)pid("eth");
	r[2].path->proto[1] = (uint16_t)pid("ip");
	r[3].u = 5;
	r[4].d = 1.5;
	r[5].u = 80;
	r = table_add_row(p->table);
	r[0].text = g_strdup("\xc3\xa9\xff");
	r[3].u = 7;
	r[4].d = NAN;
	r = table_add_row(p->table);
	r[0].text = g_strdup("z");
	r[3].u = 5;
	r[4].d = -INFINITY;
	r[2].path = g_new0(struct cell_path, 1);
	r[2].path->n = 1;
	r[2].path->proto[0] = (uint16_t)pid("eth");
	if (fold) {
		p->table->folded_rows = 2;
		p->table->folded_rows_estimated = true;
		p->table->folded_frames = 3;
		p->table->folded_bytes = 4;
		p->table->folded_error = 6;
	}
	return (p);
}

static void
fake_free(struct panel *p)
{
	table_free(p->table);
	g_free(p->filter);
	g_free(p);
}

typedef void (*printer)(FILE *, const struct report_capture *,
    struct panel *const *, int);

static char *
print(printer fn, const struct report_capture *cap, struct panel **ps, int n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	fn(fp, cap, ps, n);
	fclose(fp);
	return (buf);
}

START_TEST(json_fixed)
{
	struct report_capture cap = { .source = "x\"y", .packets = 1,
	    .bytes = 2, .dropped = 3, .malformed = 4, .truncated = 5,
	    .capture_filter = "tcp\n", .display_filter = "ip.addr \xff" };
	struct panel *p = fake_panel(true);
	char *got = print(report_json, &cap, &p, 1);

	/* Every key of capture is there, the limits at 0 included; the
	 * filters are escaped like any string. */
	ck_assert_str_eq(got,
	    "{\"capture\":{\"source\":\"x\\\"y\",\"packets\":1,\"bytes\":2,"
	    "\"dropped\":3,\"malformed\":4,\"truncated\":5,"
	    "\"tap_queue_full\":0,\"fields_dropped\":0,\"arena_full\":0,"
	    "\"reasm_timeout\":0,\"reasm_full\":0,"
	    "\"tcp_reasm_gaps\":0,\"tcp_reasm_flows_full\":0,"
	    "\"tcp_reasm_bytes_full\":0,\"tcp_reasm_timeouts\":0,"
	    "\"capture_filter\":\"tcp\\u000a\","
	    "\"display_filter\":\"ip.addr \\ufffd\""
	    ",\"undissected\":{},\"error\":null},\n"
	    "\"panels\":[{\"panel\":\"fake\",\"filter\":\"tcp \\\"q\\\"\","
	    "\"columns\":[\"name\",\"addr\",\"path\",\"n\",\"t\",\"port\"],"
	    "\"rows\":[\n"
	    "{\"name\":\"\xc3\xa9\\ufffd\",\"addr\":\"\",\"path\":[],\"n\":7,"
	    "\"t\":0.000000,\"port\":0},\n"
	    "{\"name\":\"a\\\"b\\u0001\",\"addr\":\"10.0.0.1\","
	    "\"path\":[\"eth\",\"ip\"],\"n\":5,\"t\":1.500000,\"port\":80},\n"
	    "{\"name\":\"z\",\"addr\":\"\",\"path\":[\"eth\"],\"n\":5,"
	    "\"t\":0.000000,\"port\":0}],\n"
	    "\"other\":{\"rows\":2,\"rows_estimated\":true,\"frames\":3,"
	    "\"bytes\":4,\"error_bytes\":6}}]}\n");
	ck_assert(json_valid(got));
	/* Printing took the drawn table; the panel has a fresh one for its
	 * next draw. */
	ck_assert_int_eq(p->table->nrows, 0);
	free(got);
	fake_free(p);
}
END_TEST

START_TEST(json_empty)
{
	char *got = print(report_json, NULL, NULL, 0);

	ck_assert_str_eq(got,
	    "{\"capture\":{\"source\":\"\",\"packets\":0,\"bytes\":0,"
	    "\"dropped\":0,\"malformed\":0,\"truncated\":0,"
	    "\"tap_queue_full\":0,\"fields_dropped\":0,\"arena_full\":0,"
	    "\"reasm_timeout\":0,\"reasm_full\":0,"
	    "\"tcp_reasm_gaps\":0,\"tcp_reasm_flows_full\":0,"
	    "\"tcp_reasm_bytes_full\":0,\"tcp_reasm_timeouts\":0,"
	    "\"capture_filter\":\"\",\"display_filter\":\"\""
	    ",\"undissected\":{},\"error\":null},\n"
	    "\"panels\":[]}\n");
	ck_assert(json_valid(got));
	free(got);
}
END_TEST

START_TEST(text_fixed)
{
	struct report_capture cap = { .source = "eth0\x1b", .packets = 10,
	    .bytes = 2000, .dropped = 1, .malformed = 2, .truncated = 3,
	    .capture_filter = "udp\x1b", .display_filter = "dns" };
	struct panel *p = fake_panel(true);
	char *got = print(report_text, &cap, &p, 1);

	ck_assert_str_eq(got,
	    "Capture: eth0\\x1b\n"
	    "Capture filter: udp\\x1b\n"
	    "Display filter: dns\n"
	    "Packets: 10  Bytes: 2000  Dropped: 1  Malformed: 2  Truncated: 3\n"
	    "\n"
	    "Fake \\x1b[31mPanel\n"
	    "Filter: tcp \"q\"\n"
	    "Name             Address   Path  N      Time  Port\n"
	    "\xc3\xa9\\xff                            7  0.000000     0\n"
	    "a\"b\\x01          10.0.0.1    ip  5  1.500000    80\n"
	    "z                          eth   5  0.000000     0\n"
	    "other (~2 rows)\n");
	free(got);
	fake_free(p);
}
END_TEST

/* ---- times, lines, ASCII ---- */

static const struct {
	double		 t;
	const char	*want;		/* UTF-8; "—" is "-" in ASCII */
} iso_cases[] = {
	{ 0, "1970-01-01T00:00:00.000000Z" },
	{ 1367526033.491822, "2013-05-02T20:20:33.491822Z" },
	{ 1700000000.5, "2023-11-14T22:13:20.500000Z" },
	/* Rounded to the microsecond, as the JSON's "%.6f": the second
	 * carries. */
	{ 59.9999996, "1970-01-01T00:01:00.000000Z" },
	/* Before 1970: the fraction still counts forward from the second. */
	{ -1.25, "1969-12-31T23:59:58.750000Z" },
	{ -9e9, "1684-10-19T08:00:00.000000Z" },
	{ 9e9, "2255-03-14T16:00:00.000000Z" },
	{ NAN, "\u2014" },
	{ INFINITY, "\u2014" },
	{ 1e13, "\u2014" },
	{ -1e13, "\u2014" },
};

START_TEST(iso_time)
{
	char *got = report_time_iso(iso_cases[_i].t, false);

	ck_assert_str_eq(got, iso_cases[_i].want);
	g_free(got);
	got = report_time_iso(iso_cases[_i].t, true);
	ck_assert_str_eq(got, strcmp(iso_cases[_i].want, "\u2014") == 0 ?
	    "-" : iso_cases[_i].want);
	g_free(got);
}
END_TEST

typedef void (*tables_printer)(FILE *, const struct report_capture *,
    unsigned, struct panel *const *, const struct table *const *, int);

/* A printer of taken tables, as batch mode calls it. */
static char *
print_tables(tables_printer fn, const struct report_capture *cap,
    unsigned flags, struct panel **ps, int n)
{
	struct table *t[4] = { NULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int i;

	ck_assert_int_le(n, 4);
	for (i = 0; i < n; i++)
		t[i] = panel_snapshot(ps[i]);
	fn(fp, cap, flags, ps, (const struct table *const *)t, n);
	fclose(fp);
	for (i = 0; i < n; i++)
		table_free(t[i]);
	return (buf);
}

/* An --interval snapshot: the time leads, and with REPORT_LINE the whole
 * object is one line. */
START_TEST(json_line)
{
	struct report_capture cap = { .source = "s", .packets = 7,
	    .display_filter = "a\nb", .timed = true,
	    .time = 1367526034.491822, .interval = 1, .elapsed = 1 };
	struct panel *p = fake_panel(true);
	char *got = print_tables(report_json_tables, &cap, REPORT_LINE, &p,
	    1);

	ck_assert(json_valid(got));
	ck_assert_ptr_eq(strchr(got, '\n'), got + strlen(got) - 1);
	ck_assert(g_str_has_prefix(got, "{\"time\":1367526034.491822,"
	    "\"interval\":1.000000,\"elapsed\":1.000000,\"capture\":{"
	    "\"source\":\"s\",\"packets\":7,"));
	ck_assert(strstr(got, "\"display_filter\":\"a\\u000ab\""
	    ",\"undissected\":{},\"error\":null},"
	    "\"panels\":[{\"panel\":\"fake\",") != NULL);
	ck_assert(strstr(got, "\"port\":0}],\"other\":{\"rows\":2,"
	    "\"rows_estimated\":true,\"frames\":3,\"bytes\":4,"
	    "\"error_bytes\":6}}]}\n") != NULL);
	free(got);

	/* Not timed: no time keys. */
	cap.timed = false;
	got = print_tables(report_json_tables, &cap, REPORT_LINE, &p, 1);
	ck_assert(json_valid(got));
	ck_assert(g_str_has_prefix(got, "{\"capture\":{"));
	free(got);
	fake_free(p);
}
END_TEST

/* The text: the snapshot's time first, in ISO 8601, and every character
 * past ASCII folded when the locale is not UTF-8. */
START_TEST(text_timed_ascii)
{
	struct report_capture cap = { .source = "caf\xc3\xa9",
	    .display_filter = "ip \xe2\x86\x92 \xe2\x80\x94", .timed = true,
	    .time = -1.25, .interval = 0.5, .elapsed = 2 };
	struct panel *p = fake_panel(true), *ps[2];
	char *got, *err = NULL;

	got = print_tables(report_text_tables, &cap, 0, &p, 1);
	ck_assert(g_str_has_prefix(got,
	    "=== 1969-12-31T23:59:58.750000Z  interval 0.500000 s  "
	    "elapsed 2.000000 s\n"
	    "Capture: caf\xc3\xa9\n"
	    "Display filter: ip \xe2\x86\x92 \xe2\x80\x94\n"
	    "Packets: 0  "));
	free(got);
	fake_free(p);
	p = fake_panel(true);
	cap.time = NAN;
	got = print_tables(report_text_tables, &cap, REPORT_ASCII, &p, 1);
	ck_assert_str_eq(got,
	    "=== -  interval 0.500000 s  elapsed 2.000000 s\n"
	    "Capture: caf\\u{00E9}\n"
	    "Display filter: ip -> -\n"
	    "Packets: 0  Bytes: 0  Dropped: 0  Malformed: 0  Truncated: 0\n"
	    "\n"
	    "Fake \\x1b[31mPanel\n"
	    "Filter: tcp \"q\"\n"
	    "Name             Address   Path  N      Time  Port\n"
	    "\\u{00E9}\\xff                     7  0.000000     0\n"
	    "a\"b\\x01          10.0.0.1    ip  5  1.500000    80\n"
	    "z                          eth   5  0.000000     0\n"
	    "other (~2 rows)\n");
	free(got);
	fake_free(p);

	/* Real panels, no packets: the arrows of the titles, the summary's
	 * missing start. */
	proto_init();
	ps[0] = panel_open("summary", NULL, 0, &err);
	ps[1] = panel_open("conv.udp", NULL, 0, &err);
	got = print_tables(report_text_tables, NULL, 0, ps, 2);
	ck_assert_str_eq(got,
	    "Summary\n"
	    "Packets  Bytes  Start  Duration\n"
	    "      0      0      \u2014  0.000000\n"
	    "\n"
	    "UDP Conversations\n"
	    "Address A  Address B  Port A  Port B  Bytes/s 2s  Bytes/s 10s  "
	    "Bytes/s 40s  Frames  Bytes  "
	    "Frames A\u2192B  Bytes A\u2192B  Frames B\u2192A  Bytes B\u2192A  "
	    "Rel Start  Duration\n");
	free(got);
	got = print_tables(report_text_tables, NULL, REPORT_ASCII, ps, 2);
	ck_assert_str_eq(got,
	    "Summary\n"
	    "Packets  Bytes  Start  Duration\n"
	    "      0      0      -  0.000000\n"
	    "\n"
	    "UDP Conversations\n"
	    "Address A  Address B  Port A  Port B  Bytes/s 2s  Bytes/s 10s  "
	    "Bytes/s 40s  Frames  Bytes  "
	    "Frames A->B  Bytes A->B  Frames B->A  Bytes B->A  "
	    "Rel Start  Duration\n");
	free(got);
	got = print_tables(report_json_tables, NULL, 0, ps, 1);
	/* JSON keeps a number: 0 for no start. */
	ck_assert(strstr(got, "{\"packets\":0,\"bytes\":0,\"start\":0.000000,"
	    "\"duration\":0.000000}") != NULL);
	free(got);
	panel_close(ps[0]);
	panel_close(ps[1]);
}
END_TEST

/* ---- printers on real panels ---- */

static struct dissect edt;

static void
push_udp(uint64_t num, double rel, uint32_t len, uint8_t s, uint8_t d,
    uint16_t sport, uint16_t dport)
{
	uint8_t a[4] = { 192, 0, 2, s }, b[4] = { 192, 0, 2, d };
	struct udp_tap t;

	memset(&t, 0, sizeof(t));
	address_set(&t.conv.src, AT_IPv4, a, 4);
	address_set(&t.conv.dst, AT_IPv4, b, 4);
	t.conv.sport = sport;
	t.conv.dport = dport;
	dissect_begin(&edt, num, 1700000000 + (int64_t)rel,
	    (uint32_t)((rel - (int64_t)rel) * 1e9 + 0.5), rel, len, len, 1);
	tap_queue_packet(find_tap_id("udp"), &edt.pinfo, &t);
	tap_queue_packet(find_tap_id("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
}

START_TEST(real_panels)
{
	struct panel *ps[3];
	char *got, *err = NULL;
	int i;

	proto_init();
	dissect_init(&edt);
	ps[0] = panel_open("summary", NULL, 0, &err);
	ps[1] = panel_open("conv.udp", "", 2, &err);
	ps[2] = panel_open("endpoints.udp", "", 0, &err);
	for (i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(ps[i]);
	push_udp(1, 0.0, 100, 9, 1, 5353, 53);
	push_udp(2, 0.5, 300, 1, 9, 53, 5353);
	push_udp(3, 1.25, 80, 2, 1, 4000, 53);
	push_udp(4, 2.0, 80, 2, 1, 4000, 53);
	/* Cap 2: a new key evicts the lighter row (160 bytes), which is
	 * folded; the new row counts from 0 with the counter 160 + 60, now
	 * the smallest: the error bound. */
	push_udp(5, 2.5, 60, 3, 1, 4001, 53);
	/* Rates at the last packet, the capture begun at the first. */
	for (i = 0; i < 3; i++)
		panel_set_clock(ps[i], 1700000002500000000LL,
		    1700000000000000000LL);

	got = print(report_json, NULL, ps, 3);
	ck_assert(json_valid(got));
	ck_assert_str_eq(got,
	    "{\"capture\":{\"source\":\"\",\"packets\":0,\"bytes\":0,"
	    "\"dropped\":0,\"malformed\":0,\"truncated\":0,"
	    "\"tap_queue_full\":0,\"fields_dropped\":0,\"arena_full\":0,"
	    "\"reasm_timeout\":0,\"reasm_full\":0,"
	    "\"tcp_reasm_gaps\":0,\"tcp_reasm_flows_full\":0,"
	    "\"tcp_reasm_bytes_full\":0,\"tcp_reasm_timeouts\":0,"
	    "\"capture_filter\":\"\",\"display_filter\":\"\""
	    ",\"undissected\":{},\"error\":null},\n"
	    "\"panels\":[{\"panel\":\"summary\",\"filter\":\"\","
	    "\"columns\":[\"packets\",\"bytes\",\"start\",\"duration\"],"
	    "\"rows\":[\n"
	    "{\"packets\":5,\"bytes\":620,\"start\":1700000000.000000,"
	    "\"duration\":2.500000}],\n"
	    "\"other\":{\"rows\":0,\"rows_estimated\":false,\"frames\":0,"
	    "\"bytes\":0,\"error_bytes\":0}},\n"
	    "{\"panel\":\"conv.udp\",\"filter\":\"\",\"columns\":[\"a\",\"b\","
	    "\"a_port\",\"b_port\",\"rate_2s\",\"rate_10s\",\"rate_40s\","
	    "\"frames\",\"bytes\",\"frames_ab\","
	    "\"bytes_ab\",\"frames_ba\",\"bytes_ba\",\"start\",\"duration\"],"
	    "\"rows\":[\n"
	    /* Rates by hand: the pro-rata half of second 0 (200 B) in 2 s;
	     * all 400 B in the 2.5 s since the capture began. */
	    "{\"a\":\"192.0.2.9\",\"b\":\"192.0.2.1\",\"a_port\":5353,"
	    "\"b_port\":53,\"rate_2s\":100.000000,\"rate_10s\":160.000000,"
	    "\"rate_40s\":160.000000,\"frames\":2,\"bytes\":400,"
	    "\"frames_ab\":1,"
	    "\"bytes_ab\":100,\"frames_ba\":1,\"bytes_ba\":300,"
	    "\"start\":0.000000,\"duration\":0.500000},\n"
	    "{\"a\":\"192.0.2.3\",\"b\":\"192.0.2.1\",\"a_port\":4001,"
	    "\"b_port\":53,\"rate_2s\":30.000000,\"rate_10s\":24.000000,"
	    "\"rate_40s\":24.000000,\"frames\":1,\"bytes\":60,\"frames_ab\":1,"
	    "\"bytes_ab\":60,\"frames_ba\":0,\"bytes_ba\":0,"
	    "\"start\":2.500000,\"duration\":0.000000}],\n"
	    "\"other\":{\"rows\":1,\"rows_estimated\":true,\"frames\":2,"
	    "\"bytes\":160,\"error_bytes\":220}},\n"
	    "{\"panel\":\"endpoints.udp\",\"filter\":\"\",\"columns\":["
	    "\"address\",\"port\",\"rate_2s\",\"rate_10s\",\"rate_40s\","
	    "\"packets\",\"bytes\",\"tx_packets\","
	    "\"tx_bytes\",\"rx_packets\",\"rx_bytes\"],\"rows\":[\n"
	    /* 200 + 80 + 140 B in 2 s; 620 B in 2.5 s. */
	    "{\"address\":\"192.0.2.1\",\"port\":53,\"rate_2s\":210.000000,"
	    "\"rate_10s\":248.000000,\"rate_40s\":248.000000,\"packets\":5,"
	    "\"bytes\":620,\"tx_packets\":1,\"tx_bytes\":300,"
	    "\"rx_packets\":4,\"rx_bytes\":320},\n"
	    "{\"address\":\"192.0.2.9\",\"port\":5353,"
	    "\"rate_2s\":100.000000,\"rate_10s\":160.000000,"
	    "\"rate_40s\":160.000000,\"packets\":2,"
	    "\"bytes\":400,\"tx_packets\":1,\"tx_bytes\":100,"
	    "\"rx_packets\":1,\"rx_bytes\":300},\n"
	    "{\"address\":\"192.0.2.2\",\"port\":4000,"
	    "\"rate_2s\":80.000000,\"rate_10s\":64.000000,"
	    "\"rate_40s\":64.000000,\"packets\":2,"
	    "\"bytes\":160,\"tx_packets\":2,\"tx_bytes\":160,"
	    "\"rx_packets\":0,\"rx_bytes\":0},\n"
	    "{\"address\":\"192.0.2.3\",\"port\":4001,"
	    "\"rate_2s\":30.000000,\"rate_10s\":24.000000,"
	    "\"rate_40s\":24.000000,\"packets\":1,"
	    "\"bytes\":60,\"tx_packets\":1,\"tx_bytes\":60,"
	    "\"rx_packets\":0,\"rx_bytes\":0}],\n"
	    "\"other\":{\"rows\":0,\"rows_estimated\":false,\"frames\":0,"
	    "\"bytes\":0,\"error_bytes\":0}}]}\n");
	free(got);

	got = print(report_text, NULL, ps + 1, 1);
	ck_assert_str_eq(got,
	    "UDP Conversations\n"
	    "Address A       Address B  Port A  Port B  Bytes/s 2s  "
	    "Bytes/s 10s  Bytes/s 40s  Frames  Bytes  "
	    "Frames A→B  Bytes A→B  Frames B→A  Bytes B→A  Rel Start  "
	    "Duration\n"
	    "192.0.2.9       192.0.2.1    5353      53       100.0  "
	    "      160.0        160.0       2    400  "
	    "         1        100           1        300   0.000000  "
	    "0.500000\n"
	    "192.0.2.3       192.0.2.1    4001      53        30.0  "
	    "       24.0         24.0       1     60  "
	    "         1         60           0          0   2.500000  "
	    "0.000000\n"
	    /* The other line's label widens the first column; one row is
	     * "row". */
	    "other (~1 row)                                                  "
	    "                      2    160\n");
	free(got);
	for (i = 0; i < 3; i++)
		panel_close(ps[i]);
	dissect_free(&edt);
}
END_TEST

Suite *
suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("escape");
	TCase *tp = tcase_create("print");

	tcase_add_test(tc, validator_works);
	tcase_add_test(tc, json_every_byte);
	tcase_add_test(tc, term_every_byte);
	tcase_add_test(tc, every_code_point);
	tcase_add_loop_test(tc, escape_table, 0, G_N_ELEMENTS(cases));
	tcase_add_test(tc, escape_null);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, json_fixed);
	tcase_add_test(tp, json_empty);
	tcase_add_test(tp, text_fixed);
	tcase_add_test(tp, real_panels);
	tcase_add_loop_test(tp, iso_time, 0, G_N_ELEMENTS(iso_cases));
	tcase_add_test(tp, json_line);
	tcase_add_test(tp, text_timed_ascii);
	suite_add_tcase(s, tp);
	return (s);
}
