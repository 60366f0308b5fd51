/*
 * The http and tls panels fed tap records built here (no dissection):
 * what each counts where, the status-code groups, the QUIC mark, the
 * bytes of a named flow, the offered and chosen versions, and the bound
 * on children (a flood of hosts keeps the heavy one, folds the rest).
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
#include "dissectors/taps.h"

extern const struct panel_class panel_http, panel_tls;

static struct panel fake;
static struct dissect edt;
static struct packet_info pinfo;

static void
setup(void)
{
	proto_init();
	dissect_init(&edt);
	memset(&fake, 0, sizeof(fake));
	fake.max_rows = PANEL_MAX_ROWS_DEFAULT;
}

static void
teardown(void)
{
	dissect_free(&edt);
}

static void
feed(const struct panel_class *cls, void *st, uint32_t len,
    const void *data)
{
	memset(&pinfo, 0, sizeof(pinfo));
	pinfo.ts_sec = 1000;
	pinfo.len = len;
	cls->packet(st, &pinfo, &edt, data);
}

static struct table *
draw(const struct panel_class *cls, void *st)
{
	struct table *t = table_new(cls->cols, cls->ncols);
	struct rowrate_clock clock = { 1001 * 1000000000LL, INT64_MIN };

	stats_tree_draw(st, t, &clock);
	return (t);
}

/* The count of the row at path ('|' between names), or -1. */
/* The row at path ("A|B|C"), or NULL. */
static const union cell *
row_at(const struct table *t, const char *path)
{
	char *want = g_strdup(path);
	const union cell *found = NULL;
	int r;

	g_strdelimit(want, "|", TABLE_TREE_SEP);
	for (r = 0; r < t->nrows && found == NULL; r++)
		if (strcmp(table_row(t, r)[0].text, want) == 0)
			found = table_row(t, r);
	g_free(want);
	return (found);
}

static int64_t
count_of(const struct table *t, const char *path)
{
	const union cell *r = row_at(t, path);

	return (r == NULL ? -1 : (int64_t)r[table_col_index(t, "count")].u);
}

static void
http_req(void *st, const char *method, const char *host, const char *uri)
{
	struct http_tap t = { .request = true };

	t.method = method;
	t.method_len = (uint16_t)strlen(method);
	t.host = host;
	t.host_len = host != NULL ? (uint16_t)strlen(host) : 0;
	t.uri = uri;
	t.uri_len = (uint16_t)strlen(uri);
	feed(&panel_http, st, 100, &t);
}

static void
http_resp(void *st, uint16_t code)
{
	struct http_tap t = { .request = false, .code = code };

	feed(&panel_http, st, 100, &t);
}

START_TEST(http_counts)
{
	void *st = panel_http.create(&fake);
	struct table *t;

	http_req(st, "GET", "a.example", "/");
	http_req(st, "GET", "a.example", "/x");
	http_req(st, "POST", "b.example", "/");
	http_req(st, "GET", NULL, "/");
	http_resp(st, 200);
	http_resp(st, 200);
	http_resp(st, 404);
	http_resp(st, 101);
	http_resp(st, 999);
	http_resp(st, 0);	/* a status line without a code */
	t = draw(&panel_http, st);
	ck_assert_int_eq(count_of(t, "Requests"), 4);
	ck_assert_int_eq(count_of(t, "Requests|By method|GET"), 3);
	ck_assert_int_eq(count_of(t, "Requests|By method|POST"), 1);
	ck_assert_int_eq(count_of(t, "Requests by host"), 3);
	ck_assert_int_eq(count_of(t, "Requests by host|a.example"), 2);
	ck_assert_int_eq(count_of(t, "Top URIs|/"), 3);
	ck_assert_int_eq(count_of(t, "Top URIs|/x"), 1);
	ck_assert_int_eq(count_of(t, "Responses"), 6);
	ck_assert_int_eq(count_of(t, "Responses|2xx|200"), 2);
	ck_assert_int_eq(count_of(t, "Responses|4xx|404"), 1);
	ck_assert_int_eq(count_of(t, "Responses|1xx|101"), 1);
	ck_assert_int_eq(count_of(t, "Responses|3xx"), 0);
	ck_assert_int_eq(count_of(t, "Responses|Other codes|999"), 1);
	table_free(t);
	panel_http.destroy(st);
}
END_TEST

/* More hosts than the row cap: the busy one stays, the rest fold. */
START_TEST(http_bounded)
{
	void *st;
	struct table *t;
	char host[32];
	int i;

	fake.max_rows = 8;
	st = panel_http.create(&fake);
	for (i = 0; i < 1000; i++) {
		g_snprintf(host, sizeof(host), "h%d.example", i);
		http_req(st, "GET", "busy.example", "/");
		http_req(st, "GET", host, "/");
	}
	t = draw(&panel_http, st);
	ck_assert_int_eq(count_of(t, "Requests by host"), 2000);
	ck_assert_int_eq(count_of(t, "Requests by host|busy.example"), 1000);
	ck_assert_int_gt(count_of(t, "Requests by host|" STATS_TREE_OTHER),
	    0);
	ck_assert_int_le(t->nrows, 40);
	table_free(t);
	panel_http.destroy(st);
}
END_TEST

/* A frame with a TCP record, then optionally a TLS one. */
/* The "% Parent" of the row at path, or -1. */
static double
pct_of(const struct table *t, const char *path)
{
	const union cell *r = row_at(t, path);

	return (r == NULL ? -1 : r[table_col_index(t, "pct_parent")].d);
}

static void
tls_frame(void *st, uint32_t len, const struct conv_tap *c, bool udp,
    const struct tls_tap *tls)
{
	edt.ntap = 0;
	edt.tapq[edt.ntap].tap = find_tap_id(udp ? "udp" : "tcp");
	edt.tapq[edt.ntap].in_error = false;
	edt.tapq[edt.ntap++].data = c;
	if (tls != NULL) {
		edt.tapq[edt.ntap].tap = find_tap_id("tls");
		edt.tapq[edt.ntap].in_error = false;
		edt.tapq[edt.ntap++].data = tls;
	}
	feed(&panel_tls, st, len, NULL);
	edt.ntap = 0;
}

static void
conv(struct conv_tap *c, uint8_t a, uint8_t b, uint16_t sp, uint16_t dp)
{
	uint8_t x[4] = { 10, 0, 0, a }, y[4] = { 10, 0, 0, b };

	memset(c, 0, sizeof(*c));
	address_set(&c->src, AT_IPv4, x, 4);
	address_set(&c->dst, AT_IPv4, y, 4);
	c->sport = sp;
	c->dport = dp;
}

START_TEST(tls_counts)
{
	void *st = panel_tls.create(&fake);
	struct conv_tap c1, c1r, c2, q;
	struct tls_tap ch = { .hs_type = 1 }, sh = { .hs_type = 2 };
	struct tls_tap noname = { .hs_type = 1, .max_version = 0x0303 };
	struct table *t;

	conv(&c1, 1, 2, 40000, 443);
	conv(&c1r, 2, 1, 443, 40000);
	conv(&c2, 1, 3, 40001, 443);
	conv(&q, 1, 4, 50000, 443);
	ch.sni = "a.example";
	ch.sni_len = 9;
	ch.alpn = "h2";
	ch.alpn_len = 2;
	ch.max_version = 0x0304;
	sh.version = 0x0304;
	sh.alpn = "h2";
	sh.alpn_len = 2;

	tls_frame(st, 60, &c1, false, NULL);	/* SYN: before any name */
	tls_frame(st, 500, &c1, false, &ch);
	tls_frame(st, 1500, &c1r, false, &sh);
	tls_frame(st, 100, &c1, false, NULL);
	tls_frame(st, 300, &c2, false, &noname);
	ch.quic = true;
	tls_frame(st, 1200, &q, true, &ch);
	t = draw(&panel_tls, st);
	ck_assert_int_eq(count_of(t, "ClientHellos"), 3);
	ck_assert_int_eq(count_of(t,
	    "ClientHellos|Server names by connections|a.example"), 1);
	ck_assert_int_eq(count_of(t,
	    "ClientHellos|Server names by connections|a.example (QUIC)"), 1);
	ck_assert_int_eq(count_of(t,
	    "ClientHellos|Server names by connections|(no SNI)"), 1);
	/* The bytes of the first flow's frames, from its ClientHello on,
	 * both ways: 500 + 1500 + 100; the QUIC flow's Initial: 1200; the
	 * hello without a name: 300. */
	ck_assert_int_eq(count_of(t, "Server names by bytes|a.example"), 2100);
	ck_assert_int_eq(count_of(t, "Server names by bytes|a.example (QUIC)"),
	    1200);
	ck_assert_int_eq(count_of(t, "Server names by bytes|(no SNI)"), 300);
	ck_assert_int_eq(count_of(t, "Server names by bytes"), 3600);
	/* Of all the bytes the panel saw: the SYN's 60 were not named. */
	ck_assert(fabs(pct_of(t, "Server names by bytes") -
	    100.0 * 3600 / 3660) < 1e-9);
	ck_assert(fabs(pct_of(t, "Server names by bytes|a.example") -
	    100.0 * 2100 / 3600) < 1e-9);
	ck_assert_int_eq(count_of(t, "Versions offered (highest)|TLS 1.3"),
	    2);
	ck_assert_int_eq(count_of(t, "Versions offered (highest)|TLS 1.2"),
	    1);
	ck_assert_int_eq(count_of(t, "Versions chosen (ServerHello)|TLS 1.3"),
	    1);
	ck_assert_int_eq(count_of(t, "ALPN offered (first)|h2"), 2);
	ck_assert_int_eq(count_of(t, "ALPN chosen|h2"), 1);
	table_free(t);
	panel_tls.destroy(st);
}
END_TEST

Suite *
suite_web_panels(void)
{
	Suite *s = suite_create("web_panels");
	TCase *tc = tcase_create("web_panels");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, http_counts);
	tcase_add_test(tc, http_bounded);
	tcase_add_test(tc, tls_counts);
	suite_add_tcase(s, tc);
	return (s);
}
