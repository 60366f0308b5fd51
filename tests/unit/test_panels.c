/*
 * Panels through the real tap engine: each test opens panels with
 * panel_open, builds packets by hand (a struct dissect with tap records
 * queued, as the dissectors would) and pushes them with tap_push_packet,
 * then draws and reads the table.  The expected numbers are tshark 4.0's
 * for the same packets (checked with -z conv / endpoints / io,phs on
 * pcaps written from these packets).  Two tests dissect real frames.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"
#include "panels/conv.h"
#include "panels/endpoints.h"
#include "testutil.h"

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_ACK	0x10

static struct dissect edt;

static void
setup(void)
{
	proto_init();
	dissect_init(&edt);
}

static void
teardown(void)
{
	dissect_free(&edt);
}

static int
tap(const char *name)
{
	int id = find_tap_id(name);

	return (id > 0 ? id : register_tap(name));
}

/* Starts a packet: frame number, time since the first, length. */
static void
begin(uint64_t num, double rel, uint32_t len)
{
	dissect_begin(&edt, num, 1000 + (int64_t)floor(rel),
	    (uint32_t)((rel - floor(rel)) * 1e9 + 0.5), rel, len, len, 1);
}

static struct address
ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t p[4] = { a, b, c, d };
	struct address x;

	address_set(&x, AT_IPv4, p, 4);
	return (x);
}

static struct address
mac(uint8_t last)
{
	uint8_t p[6] = { 0, 0x11, 0x22, 0x33, 0x44, last };
	struct address x;

	address_set(&x, AT_ETHER, p, 6);
	return (x);
}

static void
push_ip(const char *tapname, uint64_t num, double rel, uint32_t len,
    struct address src, struct address dst)
{
	struct ip_tap t;

	memset(&t, 0, sizeof(t));
	t.conv.src = src;
	t.conv.dst = dst;
	t.version = 4;
	begin(num, rel, len);
	tap_queue_packet(tap(tapname), &edt.pinfo, &t);
	tap_push_packet(&edt);
}

static void
push_udp(uint64_t num, double rel, uint32_t len, struct address src,
    uint16_t sport, struct address dst, uint16_t dport)
{
	struct udp_tap t;

	memset(&t, 0, sizeof(t));
	t.conv.src = src;
	t.conv.dst = dst;
	t.conv.sport = sport;
	t.conv.dport = dport;
	begin(num, rel, len);
	tap_queue_packet(tap("udp"), &edt.pinfo, &t);
	tap_push_packet(&edt);
}

static void
push_tcp(uint64_t num, double rel, uint32_t len, struct address src,
    uint16_t sport, struct address dst, uint16_t dport, uint32_t seq,
    uint16_t flags)
{
	struct tcp_tap t;

	memset(&t, 0, sizeof(t));
	t.conv.src = src;
	t.conv.dst = dst;
	t.conv.sport = sport;
	t.conv.dport = dport;
	t.conv.seq = seq;
	t.conv.opens = (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN; /* as tcp.c */
	t.flags = flags;
	begin(num, rel, len);
	tap_queue_packet(tap("tcp"), &edt.pinfo, &t);
	tap_push_packet(&edt);
}

static struct panel *
open_panel(const char *name, size_t max_rows)
{
	char *err = NULL;
	struct panel *p = panel_open(name, "", max_rows, &err);

	ck_assert_msg(p != NULL, "%s: %s", name, err ? err : "?");
	return (p);
}

static const union cell *
cell(const struct panel *p, int row, const char *key)
{
	int c = table_col_index(p->table, key);

	ck_assert_msg(c >= 0, "no column %s", key);
	ck_assert_msg(row < p->table->nrows, "no row %d", row);
	return (&table_row(p->table, row)[c]);
}

static uint64_t
u(const struct panel *p, int row, const char *key)
{
	return (cell(p, row, key)->u);
}

static double
d(const struct panel *p, int row, const char *key)
{
	return (cell(p, row, key)->d);
}

static const char *
a(const struct panel *p, int row, const char *key)
{
	static char buf[4][ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return (address_to_str(&cell(p, row, key)->addr, buf[i]));
}

#define NS	1000000000LL

/* The rates of a row at a clock: the panel drawn at (now, since), in
 * seconds of capture time (begin() puts rel r at 1000 + r). */
static void
draw_at(struct panel *p, double now, double since)
{
	panel_set_clock(p, (int64_t)llround(now * 1e9),
	    since < 0 ? INT64_MIN : (int64_t)llround(since * 1e9));
	draw_tap_listener(p);
}

/* ---- registry ---- */

START_TEST(registry)
{
	static const char *const names[] = {
		"overview", "summary", "protocols", "conv.eth", "conv.ip",
		"conv.ipv6", "conv.host", "conv.tcp", "conv.udp",
		"endpoints.eth", "endpoints.ip", "endpoints.ipv6",
		"endpoints.host", "endpoints.tcp", "endpoints.udp",
	};
	const struct panel_class *c;
	char *err = NULL;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		c = panel_class_at((int)i);
		ck_assert_ptr_nonnull(c);
		ck_assert_str_eq(c->name, names[i]);
		ck_assert_ptr_eq(panel_class_find(names[i]), c);
		ck_assert_ptr_nonnull(c->title);
		if (c->parts != NULL) {
			/* A composite: parts that exist, none a composite. */
			int k;

			for (k = 0; c->parts[k] != NULL; k++) {
				const struct panel_class *pc =
				    panel_class_find(c->parts[k]);

				ck_assert_ptr_nonnull(pc);
				ck_assert_ptr_null(pc->parts);
			}
			ck_assert_int_le(k, PANEL_PARTS_MAX);
			continue;
		}
		ck_assert_int_gt(c->ncols, 0);
		/* The default sort names a real column. */
		if (c->default_sort != NULL) {
			struct table *t = table_new(c->cols, c->ncols);

			ck_assert_int_ge(table_col_index(t, c->default_sort),
			    0);
			table_free(t);
		}
	}
	ck_assert_ptr_null(panel_class_at(-1));
	for (i = 0; panel_class_at((int)i) != NULL; i++)
		ck_assert_ptr_eq(panel_class_find(panel_class_at((int)i)->name),
		    panel_class_at((int)i));
	ck_assert_uint_ge(i, G_N_ELEMENTS(names));
	ck_assert_ptr_null(panel_class_find("conv.nope"));

	ck_assert_ptr_null(panel_open("conv.nope", "", 0, &err));
	ck_assert_str_eq(err, "There is no panel named \"conv.nope\".");
	g_free(err);
	err = NULL;
	ck_assert_ptr_null(panel_open("conv.ip", "ip.src ==", 0, &err));
	ck_assert_ptr_nonnull(err);
	g_free(err);
}
END_TEST

/* The overview opens its parts with its filter, sets their filters
 * together, refuses a bad one for all, and closes them (ASan: nothing
 * leaks, nothing is freed twice). */
START_TEST(composite)
{
	struct panel *p;
	char *err = NULL;
	int i;

	p = panel_open("overview", "udp", 0, &err);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->nparts, 3);
	ck_assert_str_eq(p->part[0]->cls->name, "endpoints.host");
	ck_assert_str_eq(p->part[1]->cls->name, "conv.host");
	ck_assert_str_eq(p->part[2]->cls->name, "protocols");
	for (i = 0; i < p->nparts; i++)
		ck_assert_str_eq(p->part[i]->filter, "udp");
	ck_assert_ptr_null(panel_set_filter(p, "tcp"));
	ck_assert_str_eq(p->filter, "tcp");
	for (i = 0; i < p->nparts; i++)
		ck_assert_str_eq(p->part[i]->filter, "tcp");
	err = panel_set_filter(p, "ip.src ==");
	ck_assert_ptr_nonnull(err);
	g_free(err);
	err = NULL;
	ck_assert_str_eq(p->filter, "tcp");
	for (i = 0; i < p->nparts; i++)
		ck_assert_str_eq(p->part[i]->filter, "tcp");
	panel_close(p);
	/* A bad filter at opening: nothing is left open. */
	ck_assert_ptr_null(panel_open("overview", "ip.src ==", 0, &err));
	ck_assert_ptr_nonnull(err);
	g_free(err);
}
END_TEST

/* The "host" tap's panels list IPv4 and IPv6 addresses together. */
START_TEST(host_both_families)
{
	struct panel *ep = open_panel("endpoints.host", 0);
	struct panel *cp = open_panel("conv.host", 0);
	uint8_t six[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t six2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct address a6, b6;
	struct ip_tap t;

	address_set(&a6, AT_IPv6, six, 16);
	address_set(&b6, AT_IPv6, six2, 16);
	push_ip("host", 1, 0, 100, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	memset(&t, 0, sizeof(t));
	t.conv.src = a6;
	t.conv.dst = b6;
	t.version = 6;
	begin(2, 0.5, 300);
	tap_queue_packet(tap("host"), &edt.pinfo, &t);
	tap_push_packet(&edt);
	draw_at(ep, 1, 0);
	draw_at(cp, 1, 0);
	ck_assert_int_eq(ep->table->nrows, 4);
	ck_assert_int_eq(cp->table->nrows, 2);
	table_sort(cp->table, table_col_index(cp->table, "bytes"), true);
	ck_assert_str_eq(a(cp, 0, "a"), "2001:db8::1");
	ck_assert_uint_eq(u(cp, 0, "bytes"), 300);
	ck_assert_str_eq(a(cp, 1, "a"), "10.0.0.1");
	panel_close(ep);
	panel_close(cp);
}
END_TEST

START_TEST(column_keys)
{
	static const char *const conv_port =
	    "a b a_port b_port rate_2s rate_10s rate_40s frames bytes "
	    "frames_ab bytes_ab frames_ba bytes_ba start duration";
	static const char *const endpoints_port =
	    "address port rate_2s rate_10s rate_40s packets bytes tx_packets "
	    "tx_bytes rx_packets rx_bytes";
	static const char *const protocols =
	    "path pct_frames frames pct_bytes bytes bits_s rate_2s rate_10s "
	    "rate_40s";
	const struct panel_class *c;
	GString *s = g_string_new(NULL);
	int i;

	c = panel_class_find("conv.tcp");
	for (i = 0; i < c->ncols; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", c->cols[i].key);
	ck_assert_str_eq(s->str, conv_port);
	g_string_truncate(s, 0);
	c = panel_class_find("endpoints.udp");
	for (i = 0; i < c->ncols; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", c->cols[i].key);
	ck_assert_str_eq(s->str, endpoints_port);
	g_string_truncate(s, 0);
	c = panel_class_find("protocols");
	for (i = 0; i < c->ncols; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", c->cols[i].key);
	ck_assert_str_eq(s->str, protocols);
	c = panel_class_find("conv.ip");
	ck_assert_int_eq(c->ncols, 13);
	ck_assert_str_eq(c->cols[2].key, "rate_2s");
	ck_assert_str_eq(c->default_sort, "bytes");
	c = panel_class_find("endpoints.eth");
	ck_assert_int_eq(c->ncols, 10);
	ck_assert_str_eq(c->cols[4].key, "packets");
	ck_assert_str_eq(c->default_sort, "bytes");
	g_string_free(s, TRUE);
}
END_TEST

/* ---- conversations ---- */

/* A is the first packet's source even when it is the higher address;
 * start and duration come from the earliest and latest times. */
START_TEST(conv_ip_directions)
{
	struct panel *p = open_panel("conv.ip", 0);

	push_ip("ip", 1, 1.0, 100, ip4(10, 0, 0, 2), ip4(10, 0, 0, 1));
	push_ip("ip", 2, 1.5, 60, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	push_ip("ip", 3, 0.5, 100, ip4(10, 0, 0, 2), ip4(10, 0, 0, 1));
	push_ip("ip", 4, 2.0, 40, ip4(10, 0, 0, 3), ip4(10, 0, 0, 1));
	push_ip("ip", 5, 2.5, 40, ip4(10, 0, 0, 3), ip4(10, 0, 0, 1));
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 2);
	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.2");
	ck_assert_str_eq(a(p, 0, "b"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 0, "frames"), 3);
	ck_assert_uint_eq(u(p, 0, "bytes"), 260);
	ck_assert_uint_eq(u(p, 0, "frames_ab"), 2);
	ck_assert_uint_eq(u(p, 0, "bytes_ab"), 200);
	ck_assert_uint_eq(u(p, 0, "frames_ba"), 1);
	ck_assert_uint_eq(u(p, 0, "bytes_ba"), 60);
	ck_assert_double_eq_tol(d(p, 0, "start"), 0.5, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "duration"), 1.0, 1e-9);
	ck_assert_str_eq(a(p, 1, "a"), "10.0.0.3");
	ck_assert_uint_eq(u(p, 1, "frames_ab"), 2);
	ck_assert_uint_eq(u(p, 1, "frames_ba"), 0);
	ck_assert_double_eq_tol(d(p, 1, "start"), 2.0, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "duration"), 0.5, 1e-9);
	ck_assert_uint_eq(p->table->folded_frames, 0);

	/* Reset empties it; counting starts again. */
	reset_tap_listener(p);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 0);
	push_ip("ip", 6, 3.0, 70, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 0, "bytes_ab"), 70);
	panel_close(p);
}
END_TEST

/* Each IP header of a packet is its own tap record: IP in IP counts in
 * two conversations; and the "ipv6" panel ignores the "ip" tap. */
START_TEST(conv_ip_in_ip)
{
	struct panel *p = open_panel("conv.ip", 0);
	struct panel *p6 = open_panel("conv.ipv6", 0);
	struct ip_tap outer, inner;

	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	outer.conv.src = ip4(69, 67, 35, 146);
	outer.conv.dst = ip4(41, 202, 46, 110);
	inner.conv.src = ip4(10, 10, 100, 25);
	inner.conv.dst = ip4(10, 10, 101, 2);
	begin(1, 0, 170);
	tap_queue_packet(tap("ip"), &edt.pinfo, &outer);
	tap_queue_packet(tap("ip"), &edt.pinfo, &inner);
	tap_push_packet(&edt);
	draw_tap_listener(p);
	draw_tap_listener(p6);
	ck_assert_int_eq(p->table->nrows, 2);
	ck_assert_int_eq(p6->table->nrows, 0);
	ck_assert_str_eq(a(p, 0, "a"), "69.67.35.146");
	ck_assert_str_eq(a(p, 1, "b"), "10.10.101.2");
	ck_assert_uint_eq(u(p, 1, "bytes"), 170);
	panel_close(p);
	panel_close(p6);
}
END_TEST

/*
 * tshark 4.0 -z conv,tcp on these packets (written to a pcap) gives three
 * rows for the one port pair: a stream, the same client reconnecting with
 * a new ISN, and the server end opening a third; a retransmitted SYN and
 * a SYN/ACK do not split.
 */
START_TEST(conv_tcp_port_reuse)
{
	struct panel *p = open_panel("conv.tcp", 0);
	struct panel *e = open_panel("endpoints.tcp", 0);
	struct address c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);

	push_tcp(1, 0.0, 54, c, 1000, s, 80, 100, TCP_SYN);
	push_tcp(2, 0.1, 54, s, 80, c, 1000, 900, TCP_SYN | TCP_ACK);
	push_tcp(3, 0.2, 54, c, 1000, s, 80, 101, TCP_ACK);
	push_tcp(4, 0.3, 54, c, 1000, s, 80, 100, TCP_SYN);	/* retrans. */
	push_tcp(5, 0.4, 54, c, 1000, s, 80, 101, TCP_FIN | TCP_ACK);
	push_tcp(6, 10.0, 54, c, 1000, s, 80, 5000, TCP_SYN);	/* reuse */
	push_tcp(7, 10.1, 54, s, 80, c, 1000, 7000, TCP_SYN | TCP_ACK);
	push_tcp(8, 10.2, 54, c, 1000, s, 80, 5001, TCP_RST);
	push_tcp(9, 20.0, 54, s, 80, c, 1000, 9000, TCP_SYN);	/* reverse */
	push_tcp(10, 20.1, 54, c, 1000, s, 80, 3000, TCP_SYN | TCP_ACK);
	push_tcp(11, 31.0, 55, c, 1000, s, 80, 3001, TCP_ACK);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 3);

	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 0, "a_port"), 1000);
	ck_assert_uint_eq(u(p, 0, "b_port"), 80);
	ck_assert_uint_eq(u(p, 0, "frames_ab"), 4);
	ck_assert_uint_eq(u(p, 0, "frames_ba"), 1);
	ck_assert_double_eq_tol(d(p, 0, "duration"), 0.4, 1e-9);

	ck_assert_str_eq(a(p, 1, "a"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 1, "frames_ab"), 2);
	ck_assert_uint_eq(u(p, 1, "frames_ba"), 1);
	ck_assert_double_eq_tol(d(p, 1, "start"), 10.0, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "duration"), 0.2, 1e-9);

	ck_assert_str_eq(a(p, 2, "a"), "10.0.0.2");
	ck_assert_str_eq(a(p, 2, "b"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 2, "a_port"), 80);
	ck_assert_uint_eq(u(p, 2, "b_port"), 1000);
	ck_assert_uint_eq(u(p, 2, "frames_ab"), 1);
	ck_assert_uint_eq(u(p, 2, "frames_ba"), 2);
	ck_assert_uint_eq(u(p, 2, "bytes_ba"), 109);
	ck_assert_double_eq_tol(d(p, 2, "start"), 20.0, 1e-9);
	ck_assert_double_eq_tol(d(p, 2, "duration"), 11.0, 1e-9);

	/* Endpoints are not split by stream. */
	draw_tap_listener(e);
	ck_assert_int_eq(e->table->nrows, 2);
	ck_assert_str_eq(a(e, 0, "address"), "10.0.0.1");
	ck_assert_uint_eq(u(e, 0, "port"), 1000);
	ck_assert_uint_eq(u(e, 0, "tx_packets"), 8);
	ck_assert_uint_eq(u(e, 0, "rx_packets"), 3);
	ck_assert_uint_eq(u(e, 0, "packets"), 11);
	ck_assert_uint_eq(u(e, 0, "bytes"), 11 * 54 + 1);
	panel_close(p);
	panel_close(e);
}
END_TEST

/* A SYN from a side that has sent nothing yet (simultaneous open) and a
 * SYN after data from that side with a new ISN, as tshark splits them. */
START_TEST(conv_tcp_syn_rules)
{
	struct panel *p = open_panel("conv.tcp", 0);
	struct address c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);

	push_tcp(1, 0.0, 54, c, 1004, s, 80, 100, TCP_SYN);
	push_tcp(2, 0.1, 54, s, 80, c, 1004, 900, TCP_SYN);	/* same */
	push_tcp(3, 1.0, 58, c, 1003, s, 80, 5000, TCP_ACK);
	push_tcp(4, 1.1, 54, c, 1003, s, 80, 6000, TCP_SYN);	/* new */
	push_tcp(5, 2.0, 54, c, 1007, s, 80, 0, TCP_SYN);
	push_tcp(6, 2.1, 54, c, 1007, s, 80, 5, TCP_SYN);	/* new */
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 5);
	ck_assert_uint_eq(u(p, 0, "a_port"), 1004);
	ck_assert_uint_eq(u(p, 0, "frames"), 2);
	ck_assert_uint_eq(u(p, 1, "a_port"), 1003);
	ck_assert_uint_eq(u(p, 1, "bytes"), 58);
	ck_assert_uint_eq(u(p, 2, "a_port"), 1003);
	ck_assert_uint_eq(u(p, 2, "bytes"), 54);
	ck_assert_uint_eq(u(p, 3, "a_port"), 1007);
	ck_assert_uint_eq(u(p, 4, "a_port"), 1007);
	ck_assert_double_eq_tol(d(p, 4, "start"), 2.1, 1e-9);
	panel_close(p);
}
END_TEST

/* Packets to oneself: one conversation, all A→B; in endpoints they count
 * as sent and as received. */
START_TEST(self_addressed)
{
	struct panel *p = open_panel("conv.udp", 0);
	struct panel *e = open_panel("endpoints.udp", 0);
	struct panel *ei = open_panel("endpoints.ip", 0);
	struct address x = ip4(10, 0, 0, 1);

	push_udp(1, 0.0, 43, x, 5, x, 5);
	push_udp(2, 1.0, 43, x, 5, x, 5);
	push_udp(3, 1.0, 43, x, 6, x, 5);
	push_udp(4, 1.0, 43, x, 5, x, 6);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 2);
	ck_assert_uint_eq(u(p, 0, "frames_ab"), 2);
	ck_assert_uint_eq(u(p, 0, "frames_ba"), 0);
	ck_assert_uint_eq(u(p, 1, "a_port"), 6);
	ck_assert_uint_eq(u(p, 1, "b_port"), 5);
	ck_assert_uint_eq(u(p, 1, "frames_ab"), 1);
	ck_assert_uint_eq(u(p, 1, "frames_ba"), 1);
	draw_tap_listener(e);
	ck_assert_int_eq(e->table->nrows, 2);
	ck_assert_uint_eq(u(e, 0, "port"), 5);
	ck_assert_uint_eq(u(e, 0, "packets"), 6);
	ck_assert_uint_eq(u(e, 0, "tx_packets"), 3);
	ck_assert_uint_eq(u(e, 0, "rx_bytes"), 129);
	ck_assert_uint_eq(u(e, 1, "packets"), 2);
	/* No "ip" records were queued. */
	draw_tap_listener(ei);
	ck_assert_int_eq(ei->table->nrows, 0);
	panel_close(p);
	panel_close(e);
	panel_close(ei);
}
END_TEST

START_TEST(conv_eth_and_endpoints)
{
	struct panel *p = open_panel("conv.eth", 0);
	struct panel *e = open_panel("endpoints.eth", 0);
	struct eth_tap t;

	memset(&t, 0, sizeof(t));
	t.conv.src = mac(9);
	t.conv.dst = mac(1);
	begin(1, 0, 60);
	tap_queue_packet(tap("eth"), &edt.pinfo, &t);
	tap_push_packet(&edt);
	t.conv.src = mac(1);
	t.conv.dst = mac(9);
	begin(2, 1, 1514);
	tap_queue_packet(tap("eth"), &edt.pinfo, &t);
	tap_push_packet(&edt);
	draw_tap_listener(p);
	draw_tap_listener(e);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_str_eq(a(p, 0, "a"), "00:11:22:33:44:09");
	ck_assert_str_eq(a(p, 0, "b"), "00:11:22:33:44:01");
	ck_assert_uint_eq(u(p, 0, "bytes_ab"), 60);
	ck_assert_uint_eq(u(p, 0, "bytes_ba"), 1514);
	ck_assert_int_eq(e->table->nrows, 2);
	ck_assert_str_eq(a(e, 0, "address"), "00:11:22:33:44:09");
	ck_assert_uint_eq(u(e, 0, "tx_bytes"), 60);
	ck_assert_uint_eq(u(e, 0, "rx_bytes"), 1514);
	panel_close(p);
	panel_close(e);
}
END_TEST

/* Sum of a column over the rows, for "rows + other == everything". */
static uint64_t
col_sum(const struct panel *p, const char *key)
{
	uint64_t sum = 0;
	int r;

	for (r = 0; r < p->table->nrows; r++)
		sum += u(p, r, key);
	return (sum);
}

/* The row of an address (and port, when not 0) in column col, or -1. */
static int
find_row(const struct panel *p, const char *col, const char *addr,
    uint64_t port, const char *port_col)
{
	int r;

	for (r = 0; r < p->table->nrows; r++)
		if (strcmp(a(p, r, col), addr) == 0 &&
		    (port_col == NULL || u(p, r, port_col) == port))
			return (r);
	return (-1);
}

/*
 * The row cap keeps the heaviest rows: twenty light conversations and
 * hosts first, then heavy ones, which are kept with their exact counts
 * although the table was full when they came; what was evicted is in
 * "other", so rows and other add up to every packet.
 */
START_TEST(row_cap_keeps_heaviest)
{
	struct panel *p = open_panel("conv.udp", 4);
	struct panel *e = open_panel("endpoints.ip", 3);
	struct address srv = ip4(10, 0, 0, 1);
	char name[32];
	uint64_t n = 0;
	int i, j, r;

	for (i = 0; i < 20; i++, n++)
		push_udp(n + 1, (double)n + 1, 60, ip4(10, 0, 1, (uint8_t)i),
		    1000, srv, 53);
	for (j = 0; j < 10; j++)
		for (i = 0; i < 3; i++, n++)
			push_udp(n + 1, (double)n + 1, 1000,
			    ip4(10, 0, 2, (uint8_t)i), 2000, srv, 53);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 4);
	for (i = 0; i < 3; i++) {
		g_snprintf(name, sizeof(name), "10.0.2.%d", i);
		r = find_row(p, "a", name, 2000, "a_port");
		ck_assert_msg(r >= 0, "%s not kept", name);
		ck_assert_uint_eq(u(p, r, "frames"), 10);
		ck_assert_uint_eq(u(p, r, "bytes_ab"), 10000);
		ck_assert_double_eq_tol(d(p, r, "start"), 21 + i, 1e-9);
	}
	ck_assert_uint_eq(col_sum(p, "frames") + p->table->folded_frames, 50);
	ck_assert_uint_eq(col_sum(p, "bytes") + p->table->folded_bytes,
	    20 * 60 + 30 * 1000);
	/* Nineteen or twenty light ones were evicted. */
	ck_assert_uint_ge(p->table->folded_rows, 19);
	ck_assert_uint_le(p->table->folded_rows, 20);
	ck_assert(p->table->folded_rows_estimated);
	ck_assert_uint_gt(p->table->folded_error, 0);
	ck_assert_uint_le(p->table->folded_error * 4, 20 * 60 + 30 * 1000);

	/* Hosts: the server entered first and is exact; the heavy client
	 * entered late and is exact from then on, here from its start. */
	for (i = 0; i < 20; i++, n++)
		push_ip("ip", n + 1, (double)n + 1, 60,
		    ip4(10, 0, 1, (uint8_t)i), srv);
	for (j = 0; j < 10; j++, n += 2) {
		push_ip("ip", n + 1, (double)n + 1, 1000, ip4(10, 0, 2, 9),
		    srv);
		push_ip("ip", n + 2, (double)n + 2, 1000, srv,
		    ip4(10, 0, 2, 9));
	}
	draw_tap_listener(e);
	ck_assert_int_eq(e->table->nrows, 3);
	r = find_row(e, "address", "10.0.0.1", 0, NULL);
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(u(e, r, "packets"), 40);
	ck_assert_uint_eq(u(e, r, "bytes"), 21200);
	r = find_row(e, "address", "10.0.2.9", 0, NULL);
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(u(e, r, "tx_packets"), 10);
	ck_assert_uint_eq(u(e, r, "rx_bytes"), 10000);
	ck_assert_uint_eq(col_sum(e, "packets") + e->table->folded_frames, 80);
	ck_assert_uint_eq(col_sum(e, "bytes") + e->table->folded_bytes,
	    2 * (20 * 60 + 20 * 1000));
	panel_close(p);
	panel_close(e);
}
END_TEST

/*
 * TCP streams under eviction: a stream retired by port reuse keeps its
 * row; the live stream's row is evicted by a burst of SYNs, and when the
 * stream goes on it starts a new row, exact from then on.  No packet is
 * counted in another key's row, and everything adds up.
 */
START_TEST(conv_tcp_stream_evicted)
{
	struct panel *p = open_panel("conv.tcp", 2);
	struct address c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);
	int i, r;

	push_tcp(1, 0.0, 54, c, 1000, s, 80, 100, TCP_SYN);
	push_tcp(2, 0.1, 60, s, 80, c, 1000, 900, TCP_SYN | TCP_ACK);
	push_tcp(3, 0.2, 1000, c, 1000, s, 80, 101, TCP_ACK);
	/* Port reuse: a new stream, the first one keeps its row. */
	push_tcp(4, 1.0, 54, c, 1000, s, 80, 5000, TCP_SYN);
	/* Five spoofed SYNs: each evicts the lightest row, the new
	 * stream's first. */
	for (i = 0; i < 5; i++)
		push_tcp(5 + (uint64_t)i, 2.0 + i, 60,
		    ip4(10, 9, 9, (uint8_t)i), 4000, s, 80, 7, TCP_SYN);
	/* The new stream goes on, from the server this time. */
	for (i = 0; i < 3; i++)
		push_tcp(10 + (uint64_t)i, 8.0 + i, 1000, s, 80, c, 1000,
		    9000 + (uint32_t)i * 946, TCP_ACK);
	push_tcp(13, 11.0, 54, c, 1000, s, 80, 5001, TCP_ACK);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 2);
	/* The first stream, exact. */
	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 0, "frames"), 3);
	ck_assert_uint_eq(u(p, 0, "bytes"), 1114);
	ck_assert_double_eq_tol(d(p, 0, "duration"), 0.2, 1e-9);
	/* The second, from its return: A is the sender of its first packet
	 * since then. */
	ck_assert_str_eq(a(p, 1, "a"), "10.0.0.2");
	ck_assert_uint_eq(u(p, 1, "a_port"), 80);
	ck_assert_uint_eq(u(p, 1, "frames_ab"), 3);
	ck_assert_uint_eq(u(p, 1, "bytes_ab"), 3000);
	ck_assert_uint_eq(u(p, 1, "frames_ba"), 1);
	ck_assert_double_eq_tol(d(p, 1, "start"), 8.0, 1e-9);
	/* Other: the second stream's SYN and the five spoofed ones. */
	ck_assert_uint_eq(p->table->folded_frames, 6);
	ck_assert_uint_eq(p->table->folded_bytes, 54 + 5 * 60);
	ck_assert_uint_eq(p->table->folded_rows, 6);

	/* Port reuse again with the table full (the client has sent in
	 * the row since it came back): the live stream retires, the new one
	 * evicts the lightest row (the first stream). */
	push_tcp(14, 20.0, 54, c, 1000, s, 80, 77777, TCP_SYN);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 2);
	r = find_row(p, "a", "10.0.0.2", 80, "a_port");
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(u(p, r, "frames"), 4);
	r = find_row(p, "a", "10.0.0.1", 1000, "a_port");
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(u(p, r, "frames"), 1);
	ck_assert_double_eq_tol(d(p, r, "start"), 20.0, 1e-9);
	ck_assert_uint_eq(p->table->folded_frames, 9);
	ck_assert_uint_eq(p->table->folded_bytes, 54 + 5 * 60 + 1114);
	panel_close(p);
}
END_TEST

/* Streams that arrive after a SYN flood filled the table are kept,
 * weighed by their bytes. */
START_TEST(conv_tcp_heavy_after_flood)
{
	struct panel *p = open_panel("conv.tcp", 3);
	struct panel *e = open_panel("endpoints.tcp", 3);
	struct address s = ip4(10, 0, 0, 2);
	char name[32];
	int i, r;

	for (i = 0; i < 200; i++)
		push_tcp((uint64_t)i + 1, i * 0.001, 60,
		    ip4(10, 9, (uint8_t)(i / 250), (uint8_t)i),
		    (uint16_t)(1024 + i), s, 80, (uint32_t)i, TCP_SYN);
	for (i = 0; i < 40; i++)
		push_tcp(300 + (uint64_t)i, 1.0 + i * 0.01, 1500,
		    s, 80, ip4(10, 0, 0, 5 + (uint8_t)(i % 2)),
		    (uint16_t)(5000 + i % 2), 1000 + (uint32_t)(i / 2) * 1448,
		    TCP_ACK);
	draw_tap_listener(p);
	for (i = 0; i < 2; i++) {
		r = find_row(p, "a", "10.0.0.2", 5000 + (uint64_t)i,
		    "b_port");
		ck_assert_msg(r >= 0, "stream %d not kept", i);
		ck_assert_uint_eq(u(p, r, "frames"), 20);
		ck_assert_uint_eq(u(p, r, "bytes"), 30000);
	}
	ck_assert_uint_eq(col_sum(p, "frames") + p->table->folded_frames, 240);
	ck_assert_uint_eq(col_sum(p, "bytes") + p->table->folded_bytes,
	    200 * 60 + 40 * 1500);
	/* Endpoints: the server, first in, exact; the two clients came last
	 * and each took the place of a flood source. */
	draw_tap_listener(e);
	ck_assert_int_eq(e->table->nrows, 3);
	r = find_row(e, "address", "10.0.0.2", 80, "port");
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(u(e, r, "packets"), 240);
	ck_assert_uint_eq(u(e, r, "rx_bytes"), 200 * 60);
	for (i = 0; i < 2; i++) {
		g_snprintf(name, sizeof(name), "10.0.0.%d", 5 + i);
		r = find_row(e, "address", name, 5000 + (uint64_t)i, "port");
		ck_assert_msg(r >= 0, "%s not kept", name);
		ck_assert_uint_eq(u(e, r, "rx_bytes"), 30000);
	}
	ck_assert_uint_eq(col_sum(e, "packets") + e->table->folded_frames,
	    480);
	panel_close(p);
	panel_close(e);
}
END_TEST

/* ---- a new conversation type is data ---- */

/*
 * Classes that are in no registry, on taps that exist: what a new
 * conversation or endpoint type amounts to.  open_class() registers one as
 * panel_open() does a listed class.
 */
static const struct panel_class test_conv_tcp_pairs = {
	.name = "test.conv.tcp_pairs",
	.title = "TCP Address and Port Pairs",
	.tap = "tcp",
	CONV_BY_PORT,
};

static const struct panel_class test_conv_udp_hosts = {
	.name = "test.conv.udp_hosts",
	.title = "UDP Host Pairs",
	.tap = "udp",
	CONV_BY_ADDR,
};

static const struct panel_class test_endpoints_udp_hosts = {
	.name = "test.endpoints.udp_hosts",
	.title = "UDP Hosts",
	.tap = "udp",
	ENDPOINTS_BY_ADDR,
};

static void
class_reset(void *tapdata)
{
	struct panel *p = tapdata;

	p->cls->reset(p->state);
}

static tap_packet_status
class_packet(void *tapdata, struct packet_info *pinfo, struct dissect *e,
    const void *data)
{
	struct panel *p = tapdata;

	return (p->cls->packet(p->state, pinfo, e, data));
}

static void
class_draw(void *tapdata)
{
	struct panel *p = tapdata;

	table_clear(p->table);
	p->cls->draw(p->state, p);
}

static void
class_finish(void *tapdata)
{
	struct panel *p = tapdata;

	p->cls->destroy(p->state);
	table_free(p->table);
	g_free(p);
}

static struct panel *
open_class(const struct panel_class *cls)
{
	struct panel *p = g_new0(struct panel, 1);
	char *err;

	p->cls = cls;
	p->max_rows = PANEL_MAX_ROWS_DEFAULT;
	p->table = table_new(cls->cols, cls->ncols);
	p->state = cls->create(p);
	err = register_tap_listener(cls->tap, p, "", cls->flags,
	    class_reset, class_packet, class_draw, class_finish);
	ck_assert_msg(err == NULL, "%s: %s", cls->name, err);
	return (p);
}

/* TCP by address and port pair without the stream split (a class with
 * CONV_BY_PORT on the "tcp" tap), UDP by host pair, UDP hosts. */
START_TEST(class_as_data)
{
	struct panel *pairs = open_class(&test_conv_tcp_pairs);
	struct panel *streams = open_panel("conv.tcp", 0);
	struct panel *hosts = open_class(&test_conv_udp_hosts);
	struct panel *eh = open_class(&test_endpoints_udp_hosts);
	struct address c = ip4(10, 0, 0, 1), s = ip4(10, 0, 0, 2);

	/* A stream, then the client reconnecting with a new ISN. */
	push_tcp(1, 0.0, 54, c, 1000, s, 80, 100, TCP_SYN);
	push_tcp(2, 0.1, 60, s, 80, c, 1000, 900, TCP_SYN | TCP_ACK);
	push_tcp(3, 10.0, 54, c, 1000, s, 80, 5000, TCP_SYN);
	draw_tap_listener(streams);
	ck_assert_int_eq(streams->table->nrows, 2);
	draw_tap_listener(pairs);
	ck_assert_int_eq(pairs->table->ncols, CONV_NCOLS_PORT);
	ck_assert_int_eq(pairs->table->nrows, 1);
	ck_assert_str_eq(a(pairs, 0, "a"), "10.0.0.1");
	ck_assert_str_eq(a(pairs, 0, "b"), "10.0.0.2");
	ck_assert_uint_eq(u(pairs, 0, "a_port"), 1000);
	ck_assert_uint_eq(u(pairs, 0, "b_port"), 80);
	ck_assert_uint_eq(u(pairs, 0, "frames_ab"), 2);
	ck_assert_uint_eq(u(pairs, 0, "bytes_ab"), 108);
	ck_assert_uint_eq(u(pairs, 0, "frames_ba"), 1);
	ck_assert_uint_eq(u(pairs, 0, "bytes_ba"), 60);
	ck_assert_double_eq_tol(d(pairs, 0, "duration"), 10.0, 1e-9);

	/* Two port pairs of one host pair are one row; ports are not
	 * columns. */
	push_udp(4, 11.0, 43, c, 5, s, 53);
	push_udp(5, 12.0, 44, s, 53, c, 6);
	push_udp(6, 13.0, 45, s, 53, ip4(10, 0, 0, 3), 5);
	draw_tap_listener(hosts);
	ck_assert_int_eq(hosts->table->ncols, CONV_NCOLS_ADDR);
	ck_assert_int_eq(table_col_index(hosts->table, "a_port"), -1);
	ck_assert_int_eq(hosts->table->nrows, 2);
	ck_assert_str_eq(a(hosts, 0, "a"), "10.0.0.1");
	ck_assert_str_eq(a(hosts, 0, "b"), "10.0.0.2");
	ck_assert_uint_eq(u(hosts, 0, "frames_ab"), 1);
	ck_assert_uint_eq(u(hosts, 0, "frames_ba"), 1);
	ck_assert_uint_eq(u(hosts, 0, "bytes"), 87);
	ck_assert_str_eq(a(hosts, 1, "a"), "10.0.0.2");
	ck_assert_str_eq(a(hosts, 1, "b"), "10.0.0.3");
	ck_assert_uint_eq(u(hosts, 1, "bytes_ab"), 45);
	/* The tcp records went to the other panels only. */
	draw_tap_listener(eh);
	ck_assert_int_eq(eh->table->ncols, ENDPOINTS_NCOLS_ADDR);
	ck_assert_int_eq(eh->table->nrows, 3);
	ck_assert_str_eq(a(eh, 0, "address"), "10.0.0.1");
	ck_assert_uint_eq(u(eh, 0, "tx_packets"), 1);
	ck_assert_uint_eq(u(eh, 0, "rx_bytes"), 44);
	ck_assert_str_eq(a(eh, 1, "address"), "10.0.0.2");
	ck_assert_uint_eq(u(eh, 1, "packets"), 3);
	ck_assert_uint_eq(u(eh, 1, "tx_bytes"), 89);
	ck_assert_str_eq(a(eh, 2, "address"), "10.0.0.3");
	ck_assert_uint_eq(u(eh, 2, "rx_packets"), 1);

	/* Reset reaches a class the same way. */
	reset_tap_listener(hosts);
	draw_tap_listener(hosts);
	ck_assert_int_eq(hosts->table->nrows, 0);
	remove_tap_listener(pairs);
	remove_tap_listener(hosts);
	remove_tap_listener(eh);
	panel_close(streams);
}
END_TEST

/* ---- summary ---- */

START_TEST(summary_counts)
{
	struct panel *p = open_panel("summary", 0);

	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_uint_eq(u(p, 0, "packets"), 0);
	ck_assert(d(p, 0, "duration") == 0);

	begin(1, 0.25, 100);
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	begin(2, 3.75, 60);
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	begin(3, 0.0, 40);		/* out of order: earliest */
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_uint_eq(u(p, 0, "packets"), 3);
	ck_assert_uint_eq(u(p, 0, "bytes"), 200);
	ck_assert_double_eq_tol(d(p, 0, "start"), 1000.0, 1e-6);
	ck_assert_double_eq_tol(d(p, 0, "duration"), 3.75, 1e-9);
	reset_tap_listener(p);
	draw_tap_listener(p);
	ck_assert_uint_eq(u(p, 0, "packets"), 0);
	panel_close(p);
}
END_TEST

/* ---- protocols ---- */

static int
pid(const char *name)
{
	const struct dissector *dis = proto_find_dissector(name);

	ck_assert_msg(dis != NULL, "no dissector %s", name);
	return (*dis->proto);
}

/* A packet with the given layers ("eth ip !ip !udp": ! marks a layer
 * inside an ICMP error). */
static void
push_layers(uint64_t num, uint32_t len, const char *layers)
{
	char **v = g_strsplit(layers, " ", -1);
	int i;

	begin(num, (double)num, len);
	for (i = 0; v[i] != NULL; i++) {
		bool err = v[i][0] == '!';

		edt.layers[i].proto = (uint16_t)pid(v[i] + err);
		edt.layers[i].in_error = err;
	}
	edt.nlayers = i;
	g_strfreev(v);
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
}

static char *
tree(const struct panel *p)
{
	GString *s = g_string_new(NULL);
	int r, i;

	for (r = 0; r < p->table->nrows; r++) {
		const struct cell_path *path = cell(p, r, "path")->path;

		for (i = 0; i < path->n; i++)
			g_string_append_printf(s, "%s%s", i ? ">" : "",
			    proto_name(path->proto[i]));
		g_string_append_printf(s, " %" G_GUINT64_FORMAT "/%"
		    G_GUINT64_FORMAT "\n", u(p, r, "frames"), u(p, r, "bytes"));
	}
	return (g_string_free(s, FALSE));
}

START_TEST(protocols_tree)
{
	struct panel *p = open_panel("protocols", 0);
	char *got;

	push_layers(1, 100, "eth ip udp");
	push_layers(2, 42, "eth arp");
	push_layers(3, 200, "eth ip tcp");
	push_layers(4, 70, "eth ip ip udp");
	push_layers(5, 300, "eth ip tcp");
	push_layers(6, 90, "eth ip icmp !ip !udp");
	push_layers(7, 42, "eth arp");
	push_layers(8, 80, "eth ip udp");
	push_layers(9, 64, "eth vlan ip tcp");
	draw_tap_listener(p);
	got = tree(p);
	ck_assert_str_eq(got,
	    "eth 9/988\n"
	    "eth>ip 6/840\n"
	    "eth>ip>udp 2/180\n"	/* ties: first seen first */
	    "eth>ip>tcp 2/500\n"
	    "eth>ip>ip 1/70\n"
	    "eth>ip>ip>udp 1/70\n"
	    "eth>ip>icmp 1/90\n"	/* the error's payload is not a path */
	    "eth>arp 2/84\n"
	    "eth>vlan 1/64\n"
	    "eth>vlan>ip 1/64\n"
	    "eth>vlan>ip>tcp 1/64\n");
	g_free(got);
	ck_assert_uint_eq(p->table->folded_frames, 0);
	reset_tap_listener(p);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 0);
	panel_close(p);
}
END_TEST

/* Nodes are capped: a packet whose path needs a node past the cap is
 * counted where it could be and folded once. */
START_TEST(protocols_cap)
{
	struct panel *p = open_panel("protocols", 3);
	char *got;

	push_layers(1, 100, "eth ip udp");
	push_layers(2, 50, "eth ip tcp");
	push_layers(3, 40, "eth arp");
	push_layers(4, 10, "eth ip udp");
	draw_tap_listener(p);
	got = tree(p);
	ck_assert_str_eq(got, "eth 4/200\neth>ip 3/160\neth>ip>udp 2/110\n");
	g_free(got);
	ck_assert_uint_eq(p->table->folded_frames, 2);
	ck_assert_uint_eq(p->table->folded_bytes, 90);
	ck_assert_uint_eq(p->table->folded_rows, 2);
	/* First come: the rows are exact, a folded path may hold all that
	 * was folded. */
	ck_assert(p->table->folded_rows_estimated);
	ck_assert_uint_eq(p->table->folded_error, 90);
	panel_close(p);
}
END_TEST

/* Wireshark's dialog's columns: the share of the frames and bytes the
 * panel counted (a frame with no layers too), bits/s over their span, and
 * the rates. */
START_TEST(protocols_columns)
{
	struct panel *p = open_panel("protocols", 0);
	char *got;

	push_layers(1, 100, "eth ip udp");		/* at 1001 */
	push_layers(2, 300, "eth ip tcp");
	push_layers(3, 100, "eth arp");
	push_layers(4, 500, "eth ip tcp");		/* at 1004 */
	draw_at(p, 1005, 1001);
	got = tree(p);
	ck_assert_str_eq(got, "eth 4/1000\neth>ip 3/900\neth>ip>tcp 2/800\n"
	    "eth>ip>udp 1/100\neth>arp 1/100\n");
	g_free(got);
	ck_assert_double_eq_tol(d(p, 0, "pct_frames"), 100, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "pct_bytes"), 100, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "bits_s"), 8000 / 3.0, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "pct_frames"), 75, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "pct_bytes"), 90, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "bits_s"), 2400, 1e-9);
	ck_assert_double_eq_tol(d(p, 2, "pct_frames"), 50, 1e-9);
	ck_assert_double_eq_tol(d(p, 2, "pct_bytes"), 80, 1e-9);
	/* (1003, 1005]: arp's 100 and tcp's 500; (1001, 1005]: all. */
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 300, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_2s"), 250, 1e-9);
	ck_assert_double_eq_tol(d(p, 4, "rate_2s"), 50, 1e-9);
	ck_assert_double_eq_tol(d(p, 3, "rate_2s"), 0, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "rate_10s"), 250, 1e-9);
	ck_assert_double_eq_tol(d(p, 3, "rate_40s"), 25, 1e-9);
	/* A frame no protocol claimed counts in the shares' whole. */
	push_layers(5, 1000, "");
	draw_at(p, 1005, 1001);
	ck_assert_double_eq_tol(d(p, 0, "pct_frames"), 80, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "pct_bytes"), 50, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "bits_s"), 8000 / 4.0, 1e-9);
	/* One frame: no span, no bits/s. */
	reset_tap_listener(p);
	push_layers(6, 100, "eth arp");
	draw_at(p, 1007, 1006);
	ck_assert(isnan(d(p, 0, "bits_s")));
	ck_assert_double_eq_tol(d(p, 0, "pct_bytes"), 100, 1e-9);
	/* Times at both ends of what the readers keep (+-9e9 s): a span
	 * past int64 nanoseconds, still a rate (and no overflow for UBSan). */
	reset_tap_listener(p);
	dissect_begin(&edt, 1, -9000000000LL, 0, 0, 1000, 1000, 1);
	edt.layers[0].proto = (uint16_t)pid("eth");
	edt.nlayers = 1;
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	dissect_begin(&edt, 2, 9000000000LL, 0, 0, 1000, 1000, 1);
	edt.layers[0].proto = (uint16_t)pid("eth");
	edt.nlayers = 1;
	tap_queue_packet(tap("frame"), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	draw_at(p, 9000000000.0, -9000000000.0);
	ck_assert_double_eq_tol(d(p, 0, "bits_s"), 16000 / 1.8e10, 1e-15);
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 500, 1e-6);
	panel_close(p);
}
END_TEST

/* ---- redraw only what changed ---- */

static uint64_t
frames_at(const struct table *t, int row)
{
	return (table_row(t, row)[table_col_index(t, "frames")].u);
}

/* What a tick sees: a panel that got no new packet is not drawn (its draw
 * callback is not called: drawn stays) and gives nothing to take, so the
 * caller keeps its last table; a busy one is drawn once for any number of
 * packets, sorted; a reset, a new filter, or a draw by anyone else makes
 * the next call give a table. */
START_TEST(idle_panel_not_redrawn)
{
	struct panel *busy = open_panel("conv.ip", 0), *idle;
	struct table *bt, *it, *t;
	char *err = NULL;

	idle = panel_open("conv.ip", "udp", 0, &err);	/* matches nothing */
	ck_assert_msg(idle != NULL, "%s", err ? err : "?");
	push_ip("ip", 1, 0.0, 100, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	bt = panel_snapshot_if_changed(busy);
	it = panel_snapshot_if_changed(idle);	/* new: drawn once */
	ck_assert_ptr_nonnull(bt);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(bt->nrows, 1);
	ck_assert_int_eq(it->nrows, 0);
	ck_assert_uint_eq(busy->drawn, 1);
	ck_assert_uint_eq(idle->drawn, 1);
	ck_assert_ptr_null(panel_snapshot_if_changed(busy));
	ck_assert_ptr_null(panel_snapshot_if_changed(idle));
	ck_assert_uint_eq(busy->drawn, 1);

	push_ip("ip", 2, 1.0, 60, ip4(10, 0, 0, 3), ip4(10, 0, 0, 4));
	push_ip("ip", 3, 2.0, 60, ip4(10, 0, 0, 4), ip4(10, 0, 0, 3));
	push_ip("ip", 4, 2.5, 60, ip4(10, 0, 0, 4), ip4(10, 0, 0, 3));
	table_free(bt);
	bt = panel_snapshot_if_changed(busy);
	ck_assert_ptr_nonnull(bt);
	ck_assert_uint_eq(busy->drawn, 2);
	ck_assert_int_eq(bt->nrows, 2);
	ck_assert_uint_eq(frames_at(bt, 0), 3);		/* sorted: frames */
	ck_assert_uint_eq(frames_at(bt, 1), 1);
	ck_assert_ptr_null(panel_snapshot_if_changed(idle));
	ck_assert_uint_eq(idle->drawn, 1);

	reset_tap_listener(idle);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(idle));
	ck_assert_uint_eq(idle->drawn, 2);
	table_free(t);
	ck_assert_ptr_null(panel_set_filter(idle, ""));	/* now all */
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(idle));
	ck_assert_uint_eq(idle->drawn, 3);
	ck_assert_int_eq(t->nrows, 0);
	table_free(t);
	push_ip("ip", 5, 3.0, 60, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(idle));
	ck_assert_uint_eq(idle->drawn, 4);
	ck_assert_int_eq(t->nrows, 1);
	table_free(t);

	/* Drawn by someone else: not lost, taken (and sorted) next. */
	draw_tap_listener(busy);
	ck_assert_uint_eq(busy->drawn, 3);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(busy));
	ck_assert_uint_eq(busy->drawn, 3);
	ck_assert_uint_eq(frames_at(t, 0), 3);
	ck_assert_uint_eq(frames_at(t, 1), 2);
	table_free(t);
	ck_assert_ptr_null(panel_snapshot_if_changed(busy));
	/* panel_snapshot draws and gives a table every time. */
	ck_assert_ptr_nonnull(t = panel_snapshot(busy));
	ck_assert_uint_eq(busy->drawn, 4);
	ck_assert_int_eq(t->nrows, 2);
	table_free(t);
	ck_assert_ptr_null(panel_snapshot_if_changed(busy));
	table_free(bt);
	table_free(it);
	panel_close(busy);
	panel_close(idle);
}
END_TEST

/* ---- rates ---- */

/* A: 1000 B each second, 50 s; B: 200 B each second, the last 5.  The
 * three windows by hand, on a second's boundary and not, and cut at the
 * capture's start; endpoints count both ends. */
START_TEST(conv_rates)
{
	struct panel *p = open_panel("conv.ip", 0);
	struct panel *e = open_panel("endpoints.ip", 0);
	int k;

	for (k = 0; k < 50; k++) {
		push_ip("ip", (uint64_t)k * 2 + 1, k + 0.5, 1000,
		    ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
		if (k >= 45)
			push_ip("ip", (uint64_t)k * 2 + 2, k + 0.75, 200,
			    ip4(10, 0, 0, 3), ip4(10, 0, 0, 4));
		if (k != 19)
			continue;
		/* 20 s in: (1000.5, 1020] is all there was (the capture
		 * began at 1000.5): 20 packets in 19.5 s, the first second
		 * whole (it began with the capture). */
		draw_at(p, 1020, 1000.5);
		ck_assert_double_eq_tol(d(p, 0, "rate_10s"), 1000, 1e-9);
		ck_assert_double_eq_tol(d(p, 0, "rate_40s"), 20000 / 19.5,
		    1e-9);
		/* Not cut: the same 20 packets over 40 s. */
		draw_at(p, 1020, -1);
		ck_assert_double_eq_tol(d(p, 0, "rate_40s"), 500, 1e-9);
	}
	draw_at(p, 1050, 1000.5);
	ck_assert_int_eq(p->table->nrows, 2);
	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.1");	/* by bytes */
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 1000, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "rate_10s"), 1000, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "rate_40s"), 1000, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_2s"), 200, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_10s"), 100, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_40s"), 25, 1e-9);
	/* (1047.25, 1049.25]: 0.75 of 1047, 1048, and 1049 whole (the
	 * newest second: all of it came by now). */
	draw_at(p, 1049.25, 1000.5);
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 2750.0 / 2, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_2s"), 550.0 / 2, 1e-9);
	/* Earlier than the newest packets, within the ring: (1030, 1040]
	 * is before B began. */
	draw_at(p, 1040, 1000.5);
	ck_assert_double_eq_tol(d(p, 0, "rate_10s"), 1000, 1e-9);
	ck_assert_double_eq_tol(d(p, 1, "rate_10s"), 0, 1e-9);
	/* Long after: all 0. */
	draw_at(p, 1100, 1000.5);
	ck_assert_double_eq(d(p, 0, "rate_40s"), 0);

	draw_at(e, 1050, 1000.5);
	ck_assert_int_eq(e->table->nrows, 4);
	for (k = 0; k < 2; k++) {
		ck_assert_double_eq_tol(d(e, k, "rate_2s"), 1000, 1e-9);
		ck_assert_double_eq_tol(d(e, k, "rate_40s"), 1000, 1e-9);
	}
	ck_assert_double_eq_tol(d(e, 2, "rate_10s"), 100, 1e-9);
	ck_assert_double_eq_tol(d(e, 3, "rate_40s"), 25, 1e-9);
	/* A reset forgets the rates with the rows. */
	reset_tap_listener(p);
	push_ip("ip", 200, 50.5, 100, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	draw_at(p, 1051, 1000.5);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 50, 1e-9);
	panel_close(p);
	panel_close(e);
}
END_TEST

/* A row the cap evicts loses its ring with it: back in the table, it
 * counts from then, rates as counts. */
START_TEST(evicted_row_rates)
{
	struct panel *p = open_panel("conv.ip", 1);
	int k;

	for (k = 0; k < 5; k++)
		push_ip("ip", (uint64_t)k + 1, k + 0.5, 1000,
		    ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	push_ip("ip", 6, 5.5, 100, ip4(10, 0, 0, 3), ip4(10, 0, 0, 4));
	push_ip("ip", 7, 6.5, 1000, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	draw_at(p, 1007, 1000.5);
	ck_assert_int_eq(p->table->nrows, 1);
	ck_assert_str_eq(a(p, 0, "a"), "10.0.0.1");
	ck_assert_uint_eq(u(p, 0, "bytes"), 1000);
	ck_assert_double_eq_tol(d(p, 0, "rate_10s"), 1000 / 6.5, 1e-9);
	ck_assert_double_eq_tol(d(p, 0, "rate_2s"), 500, 1e-9);
	panel_close(p);
}
END_TEST

/* A panel nobody sends to is drawn again while its rates move, and not
 * once they are 0 for good (41 s after its newest second). */
START_TEST(rates_redraw_until_quiet)
{
	struct panel *p = open_panel("conv.ip", 0);
	struct table *t;
	unsigned n;

	push_ip("ip", 1, 0.5, 100, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	panel_set_clock(p, 1001 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	table_free(t);
	n = p->drawn;
	ck_assert_ptr_null(panel_snapshot_if_changed(p));   /* same clock */
	panel_set_clock(p, 1010 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	ck_assert_uint_eq(p->drawn, n + 1);
	ck_assert(table_row(t, 0)[table_col_index(t, "rate_10s")].d > 0);
	table_free(t);
	panel_set_clock(p, 1040 * NS + 9 * NS / 10, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	ck_assert(table_row(t, 0)[table_col_index(t, "rate_40s")].d > 0);
	table_free(t);
	/* The quiet time itself: drawn once more, all 0. */
	panel_set_clock(p, 1041 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	ck_assert_double_eq(table_row(t, 0)[table_col_index(t,
	    "rate_40s")].d, 0);
	table_free(t);
	n = p->drawn;
	panel_set_clock(p, 1100 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_null(panel_snapshot_if_changed(p));
	ck_assert_uint_eq(p->drawn, n);
	/* Back in time (a replay restarted): drawn. */
	panel_set_clock(p, 1002 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	table_free(t);
	/* A packet: drawn, whatever the clock. */
	panel_set_clock(p, 1200 * NS, 1000 * NS + NS / 2);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	table_free(t);
	ck_assert_ptr_null(panel_snapshot_if_changed(p));
	push_ip("ip", 2, 199.5, 100, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2));
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	ck_assert_double_eq_tol(table_row(t, 0)[table_col_index(t,
	    "rate_2s")].d, 50, 1e-9);
	table_free(t);
	panel_close(p);
}
END_TEST

/* ---- a real frame through the dissectors ---- */

/* Ethernet II, IPv4, UDP 5354 -> 9999 (ports no dissector claims), 4
 * bytes of payload. */
static const uint8_t udp_frame[] = {
	/* eth: dst, src, type IPv4 */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99,
	0xaa, 0x08, 0x00,
	/* ip: v4 ihl 5, len 32, id 1, ttl 64, udp, 192.0.2.7 -> 192.0.2.1 */
	0x45, 0x00, 0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00,
	0x00, 0xc0, 0x00, 0x02, 0x07, 0xc0, 0x00, 0x02, 0x01,
	/* udp: 5354 -> 9999, length 12, no checksum */
	0x14, 0xea, 0x27, 0x0f, 0x00, 0x0c, 0x00, 0x00,
	/* payload */
	0xde, 0xad, 0xbe, 0xef,
};

START_TEST(real_frame)
{
	struct panel *c = open_panel("conv.udp", 0);
	struct panel *ph = open_panel("protocols", 0);
	char *got;

	test_dissect(&edt, 1, udp_frame, sizeof(udp_frame), 60);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp");
	tap_push_packet(&edt);
	draw_tap_listener(c);
	draw_tap_listener(ph);
	ck_assert_int_eq(c->table->nrows, 1);
	ck_assert_str_eq(a(c, 0, "a"), "192.0.2.7");
	ck_assert_str_eq(a(c, 0, "b"), "192.0.2.1");
	ck_assert_uint_eq(u(c, 0, "a_port"), 5354);
	ck_assert_uint_eq(u(c, 0, "b_port"), 9999);
	ck_assert_uint_eq(u(c, 0, "bytes_ab"), 60);	/* frame.len */
	got = tree(ph);
	ck_assert_str_eq(got, "eth 1/60\neth>ip 1/60\neth>ip>udp 1/60\n");
	g_free(got);
	panel_close(c);
	panel_close(ph);
}
END_TEST

/*
 * Ethernet II, IPv4 192.0.2.7 -> 192.0.2.1, TCP 40000 -> 80, no options,
 * no payload; push_tcp_frame() sets the direction, the sequence number
 * and the flags.
 */
static const uint8_t tcp_frame[] = {
	/* eth: dst, src, type IPv4 */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99,
	0xaa, 0x08, 0x00,
	/* ip: v4 ihl 5, len 40, id 1, ttl 64, tcp, 192.0.2.7 -> 192.0.2.1 */
	0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00,
	0x00, 0xc0, 0x00, 0x02, 0x07, 0xc0, 0x00, 0x02, 0x01,
	/* tcp: 40000 -> 80, seq (set), ack 0, offset 5, flags (set),
	 * window 1024 */
	0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x50, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
};

#define TCP_FRAME_IP	26	/* source, then destination address */
#define TCP_FRAME_TCP	34

static void
push_tcp_frame(bool reply, uint32_t seq, uint8_t flags)
{
	uint8_t f[sizeof(tcp_frame)];
	int i;

	memcpy(f, tcp_frame, sizeof(f));
	if (reply) {
		for (i = 0; i < 4; i++) {
			f[TCP_FRAME_IP + i] = tcp_frame[TCP_FRAME_IP + 4 + i];
			f[TCP_FRAME_IP + 4 + i] = tcp_frame[TCP_FRAME_IP + i];
		}
		for (i = 0; i < 2; i++) {
			f[TCP_FRAME_TCP + i] = tcp_frame[TCP_FRAME_TCP + 2 + i];
			f[TCP_FRAME_TCP + 2 + i] = tcp_frame[TCP_FRAME_TCP + i];
		}
	}
	for (i = 0; i < 4; i++)
		f[TCP_FRAME_TCP + 4 + i] = (uint8_t)(seq >> (24 - 8 * i));
	f[TCP_FRAME_TCP + 13] = flags;
	test_dissect(&edt, 1, f, sizeof(f), sizeof(f));
	ck_assert_str_eq(test_path(&edt), "eth:ip:tcp");
	tap_push_packet(&edt);
}

/* The stream split from what the TCP dissector puts in its record: the
 * server's second SYN/ACK with another ISN stays in the stream, the
 * client's SYN with a new ISN starts one; tshark 4.0 gives the same two
 * rows (4 frames, then 1) on these frames. */
START_TEST(real_tcp_streams)
{
	struct panel *p = open_panel("conv.tcp", 0);

	push_tcp_frame(false, 100, TCP_SYN);
	push_tcp_frame(true, 900, TCP_SYN | TCP_ACK);
	push_tcp_frame(true, 950, TCP_SYN | TCP_ACK);
	push_tcp_frame(false, 101, TCP_ACK);
	push_tcp_frame(false, 5000, TCP_SYN);
	draw_tap_listener(p);
	ck_assert_int_eq(p->table->nrows, 2);
	ck_assert_str_eq(a(p, 0, "a"), "192.0.2.7");
	ck_assert_uint_eq(u(p, 0, "a_port"), 40000);
	ck_assert_uint_eq(u(p, 0, "frames_ab"), 2);
	ck_assert_uint_eq(u(p, 0, "frames_ba"), 2);
	ck_assert_str_eq(a(p, 1, "a"), "192.0.2.7");
	ck_assert_uint_eq(u(p, 1, "b_port"), 80);
	ck_assert_uint_eq(u(p, 1, "frames_ab"), 1);
	ck_assert_uint_eq(u(p, 1, "frames_ba"), 0);
	panel_close(p);
}
END_TEST

Suite *
suite_panels(void)
{
	Suite *s = suite_create("panels");
	TCase *tc = tcase_create("panels");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, registry);
	tcase_add_test(tc, composite);
	tcase_add_test(tc, host_both_families);
	tcase_add_test(tc, column_keys);
	tcase_add_test(tc, conv_ip_directions);
	tcase_add_test(tc, conv_ip_in_ip);
	tcase_add_test(tc, conv_tcp_port_reuse);
	tcase_add_test(tc, conv_tcp_syn_rules);
	tcase_add_test(tc, self_addressed);
	tcase_add_test(tc, conv_eth_and_endpoints);
	tcase_add_test(tc, row_cap_keeps_heaviest);
	tcase_add_test(tc, conv_tcp_stream_evicted);
	tcase_add_test(tc, conv_tcp_heavy_after_flood);
	tcase_add_test(tc, class_as_data);
	tcase_add_test(tc, summary_counts);
	tcase_add_test(tc, protocols_tree);
	tcase_add_test(tc, protocols_cap);
	tcase_add_test(tc, protocols_columns);
	tcase_add_test(tc, conv_rates);
	tcase_add_test(tc, evicted_row_rates);
	tcase_add_test(tc, rates_redraw_until_quiet);
	tcase_add_test(tc, real_frame);
	tcase_add_test(tc, real_tcp_streams);
	tcase_add_test(tc, idle_panel_not_redrawn);
	suite_add_tcase(s, tc);
	return (s);
}
