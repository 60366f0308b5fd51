/*
 * Drill-down: every panel class's row filter (panel.h), on real captures.
 *
 * A capture is dissected once with one unfiltered panel of each class;
 * then, for each of the first rows of each table, a panel of the same
 * class is opened with that row's filter (so the filter compiles, or the
 * panel does not open) and the capture is dissected again.  The filter
 * must select the row's packets:
 *
 *   - always: the filtered panel has the rows of the row's key (a TCP
 *     pair with port reuse has several) with exactly the counts the
 *     unfiltered one had;
 *   - on simple captures (no tunnels, no ICMP errors quoting other
 *     conversations), that it matched only the row's packets: a
 *     conversation's filtered table has no other row; an endpoint's has
 *     its peers, but every packet counted involves the endpoint (the
 *     packets of all rows are twice the endpoint's, each packet counting
 *     at both ends);
 *   - for the protocol hierarchy, whose filtered tree holds the row's
 *     ancestors too: when the row's last protocol is nowhere else in the
 *     tree, the filtered root counts exactly the row's frames.
 *
 * The filters' text is checked by hand for one row of each shape.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <pcap/pcap.h>

#include "core/dfilter/dfilter.h"
#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"

#define PCAPS		"../shared/pcaps/traffic/"
#define ROWS_TRIED	25

/* Dissects every packet of a capture, as the capture thread would. */
static void
feed(const char *path)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct dissect edt;
	int64_t t0 = 0;
	uint64_t num = 0;
	pcap_t *pc;

	pc = pcap_open_offline(path, ebuf);
	ck_assert_msg(pc != NULL, "%s: %s", path, ebuf);
	dissect_init(&edt);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		int64_t us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

		if (num == 0)
			t0 = us;
		dissect_begin(&edt, ++num, h->ts.tv_sec,
		    (uint32_t)h->ts.tv_usec * 1000, (double)(us - t0) / 1e6,
		    h->len, h->caplen, pcap_datalink(pc));
		dissect_frame(&edt, d);
		tap_push_packet(&edt);
	}
	dissect_free(&edt);
	pcap_close(pc);
}

static bool
is_key(enum col_type t)
{
	return (t == COL_ADDR || t == COL_PORT || t == COL_PATH ||
	    t == COL_TREE);
}

static bool
same_key(const struct table *a, int ra, const struct table *b, int rb)
{
	int c;

	for (c = 0; c < a->ncols; c++)
		if (is_key(a->cols[c].type) && table_cell_cmp(a->cols[c].type,
		    &table_row(a, ra)[c], &table_row(b, rb)[c]) != 0)
			return (false);
	return (true);
}

static bool
same_counts(const struct table *a, int ra, const struct table *b, int rb)
{
	int c;

	for (c = 0; c < a->ncols; c++)
		if ((a->cols[c].type == COL_UINT ||
		    a->cols[c].type == COL_BYTES) &&
		    table_row(a, ra)[c].u != table_row(b, rb)[c].u)
			return (false);
	return (true);
}

/* The row's last protocol, and whether it ends no other path and starts
 * nothing but the row's own subtree. */
static bool
proto_unique(const struct table *t, int row)
{
	int pc = table_col_index(t, "path"), r, i;
	const struct cell_path *p = table_row(t, row)[pc].path, *q;
	uint16_t last = p->proto[p->n - 1];

	for (r = 0; r < t->nrows; r++) {
		q = table_row(t, r)[pc].path;
		for (i = 0; i < q->n; i++) {
			if (q->proto[i] != last)
				continue;
			/* Only where the row has it, under the row's path. */
			if (i != p->n - 1 || q->n < p->n ||
			    memcmp(q->proto, p->proto, sizeof(p->proto[0]) *
			    p->n) != 0)
				return (false);
		}
	}
	return (true);
}

static uint64_t
col_u(const struct table *t, int row, const char *key)
{
	int c = table_col_index(t, key);

	ck_assert_int_ge(c, 0);
	return (table_row(t, row)[c].u);
}

static uint64_t
col_sum(const struct table *t, const char *key)
{
	uint64_t sum = 0;
	int r;

	for (r = 0; r < t->nrows; r++)
		sum += col_u(t, r, key);
	return (sum);
}

struct tried {
	const struct panel_class *cls;
	int		 row;
	char		*filter;
	struct panel	*p;
};

/* Every class's row filters on one capture; returns the rows tried per
 * class (by registry index) added to tried_per_class. */
static void
check_capture(const char *file, bool strict, int *tried_per_class)
{
	GPtrArray *base = g_ptr_array_new();
	GArray *tries = g_array_new(FALSE, TRUE, sizeof(struct tried));
	struct table **bt;
	const struct panel_class *cls;
	char *path = file[0] == '/' ? g_strdup(file) :
	    g_strconcat(PCAPS, file, NULL), *err = NULL;
	int i, n, r;
	guint k;

	ck_assert_ptr_null(set_tap_global_dfilter(""));
	for (n = 0; (cls = panel_class_at(n)) != NULL; n++) {
		struct panel *p = panel_open(cls->name, "", 0, &err);

		ck_assert_msg(p != NULL, "%s: %s", cls->name, err);
		g_ptr_array_add(base, p);
	}
	feed(path);
	bt = g_new0(struct table *, n);
	for (i = 0; i < n; i++) {
		struct panel *p = g_ptr_array_index(base, i);

		bt[i] = panel_snapshot(p);
		cls = p->cls;
		if (cls->row_filter == NULL)
			continue;
		for (r = 0; r < bt[i]->nrows && r < ROWS_TRIED; r++) {
			struct tried tr = { cls, r, NULL, NULL };
			struct dfilter *df = NULL;
			char *e;

			tr.filter = panel_row_filter(cls, bt[i], r);
			ck_assert_msg(tr.filter != NULL, "%s row %d of %s: no "
			    "filter", cls->name, r, file);
			e = dfilter_compile(tr.filter, &df);
			ck_assert_msg(e == NULL, "%s: \"%s\" does not compile: "
			    "%s", cls->name, tr.filter, e);
			dfilter_free(df);
			tr.p = panel_open(cls->name, tr.filter, 0, &err);
			ck_assert_msg(tr.p != NULL, "%s: %s", tr.filter, err);
			g_array_append_val(tries, tr);
			tried_per_class[i]++;
		}
	}
	for (i = 0; i < n; i++)
		panel_close(g_ptr_array_index(base, i));
	feed(path);

	for (k = 0; k < tries->len; k++) {
		struct tried *tr = &g_array_index(tries, struct tried, k);
		struct table *ft = panel_snapshot(tr->p), *ut = NULL;
		int want = 0, got = 0, fr, ur;

		for (i = 0; i < n; i++)
			if (panel_class_at(i) == tr->cls)
				ut = bt[i];
		ck_assert_ptr_nonnull(ut);
		/* The unfiltered rows of the key, each found with its
		 * counts among the filtered ones. */
		for (ur = 0; ur < ut->nrows; ur++) {
			if (!same_key(ut, ur, ut, tr->row))
				continue;
			want++;
			for (fr = 0; fr < ft->nrows; fr++)
				if (same_key(ut, ur, ft, fr) &&
				    same_counts(ut, ur, ft, fr))
					break;
			ck_assert_msg(fr < ft->nrows, "%s, %s: \"%s\" lost "
			    "row %d's counts", file, tr->cls->name,
			    tr->filter, ur);
		}
		for (fr = 0; fr < ft->nrows; fr++)
			got += same_key(ut, tr->row, ft, fr);
		ck_assert_int_eq(got, want);
		if (strict && table_col_index(ft, "a") >= 0)
			ck_assert_msg(ft->nrows == want, "%s, %s: \"%s\" "
			    "matches %d rows, the row's key has %d", file,
			    tr->cls->name, tr->filter, ft->nrows, want);
		if (strict && table_col_index(ft, "address") >= 0)
			ck_assert_msg(2 * col_u(ut, tr->row, "packets") ==
			    col_sum(ft, "packets"), "%s, %s: \"%s\" matches "
			    "packets the row did not count", file,
			    tr->cls->name, tr->filter);
		if (strict && table_col_index(ft, "path") >= 0 &&
		    proto_unique(ut, tr->row))
			ck_assert_msg(table_row(ft, 0)[table_col_index(ft,
			    "frames")].u == table_row(ut, tr->row)[
			    table_col_index(ut, "frames")].u,
			    "%s: \"%s\" matches frames of other rows", file,
			    tr->filter);
		table_free(ft);
		panel_close(tr->p);
		g_free(tr->filter);
	}
	for (i = 0; i < n; i++)
		table_free(bt[i]);
	g_free(bt);
	g_array_free(tries, TRUE);
	g_ptr_array_free(base, TRUE);
	g_free(path);
}

/*
 * A capture of SCTP, which the corpus lacks, written to a temporary file
 * (raw IPv4 frames): two associations, one of them both ways.  Returns
 * the file's name (g_free it, unlink it).
 */
static char *
sctp_capture(void)
{
	static const uint8_t pkt[] = {
		/* ip: 10.0.0.1 -> 10.0.0.2, SCTP */
		0x45, 0, 0, 52, 0, 1, 0, 0, 64, 132, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2,
		/* sctp: 2905 -> 2905, tag, checksum */
		0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 0, 0, 0, 0, 0,
		/* INIT, length 20 */
		1, 0, 0, 20, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1,
	};
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101 };
	char *path = NULL;
	uint8_t p[sizeof(pkt)];
	FILE *f;
	int fd, i;

	fd = g_file_open_tmp("taptop-sctp-XXXXXX.pcap", &path, NULL);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(hdr, sizeof(hdr), 1, f);
	for (i = 0; i < 3; i++) {
		uint32_t rec[4] = { 1700000000u + (uint32_t)i, 0, sizeof(p),
		    sizeof(p) };

		memcpy(p, pkt, sizeof(p));
		if (i == 1) {		/* the answer */
			p[15] = 2;
			p[19] = 1;
			p[32] = 2;
		} else if (i == 2) {	/* another association */
			p[15] = 3;
			p[21] = 0x5a;
		}
		fwrite(rec, sizeof(rec), 1, f);
		fwrite(p, sizeof(p), 1, f);
	}
	fclose(f);
	return (path);
}

/* Every class with a row filter is tried on some rows, over the three
 * captures: IPv4 with Ethernet, TCP and UDP; IPv6; and one with VLANs,
 * ARP, ICMP and LLC; and a capture of SCTP written here. */
START_TEST(row_filters_select_their_rows)
{
	int tried[64] = { 0 }, i;
	const struct panel_class *cls;
	char *sctp = sctp_capture();

	check_capture(sctp, true, tried);
	unlink(sctp);
	g_free(sctp);
	check_capture("example.pcap", true, tried);
	check_capture("http_ipv6.pcap", true, tried);
	check_capture("many-protocols.pcap", false, tried);
	for (i = 0; (cls = panel_class_at(i)) != NULL; i++) {
		ck_assert_int_lt(i, 64);
		if (cls->row_filter != NULL)
			ck_assert_msg(tried[i] > 0, "%s: no row tried",
			    cls->name);
	}
}
END_TEST

/* One table row by hand. */
static struct table *
one_row(const struct panel_class *cls)
{
	struct table *t = table_new(cls->cols, cls->ncols);

	(void)table_add_row(t);
	return (t);
}

static void
set_addr(struct table *t, const char *key, enum addr_type type,
    const char *text)
{
	uint8_t b[16];
	int c = table_col_index(t, key);

	ck_assert_int_ge(c, 0);
	if (type == AT_ETHER)
		ck_assert_int_eq(sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
		    &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	else
		ck_assert_int_eq(inet_pton(type == AT_IPv4 ? AF_INET :
		    AF_INET6, text, b), 1);
	address_set(&table_row(t, 0)[c].addr, type, b, type == AT_ETHER ? 6 :
	    type == AT_IPv4 ? 4 : 16);
}

static void
set_u(struct table *t, const char *key, uint64_t v)
{
	int c = table_col_index(t, key);

	ck_assert_int_ge(c, 0);
	table_row(t, 0)[c].u = v;
}

static void
expect(const char *cls_name, struct table *t, const char *want)
{
	const struct panel_class *cls = panel_class_find(cls_name);
	char *f = panel_row_filter(cls, t, 0);

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f, want);
	g_free(f);
	table_free(t);
}

START_TEST(row_filter_text)
{
	const struct panel_class *cls;
	struct table *t;
	int proto;

	cls = panel_class_find("conv.tcp");
	t = one_row(cls);
	set_addr(t, "a", AT_IPv4, "10.0.0.1");
	set_addr(t, "b", AT_IPv4, "10.0.0.2");
	set_u(t, "a_port", 443);
	set_u(t, "b_port", 51234);
	expect("conv.tcp", t, "ip.addr==10.0.0.1 && ip.addr==10.0.0.2 && "
	    "tcp.port==443 && tcp.port==51234");

	/* A TCP row of IPv6 addresses names them with ipv6.addr. */
	t = one_row(cls);
	set_addr(t, "a", AT_IPv6, "2001:db8::1");
	set_addr(t, "b", AT_IPv6, "fe80::2");
	set_u(t, "a_port", 80);
	set_u(t, "b_port", 1024);
	expect("conv.tcp", t, "ipv6.addr==2001:db8::1 && ipv6.addr==fe80::2 "
	    "&& tcp.port==80 && tcp.port==1024");

	t = one_row(panel_class_find("conv.udp"));
	set_addr(t, "a", AT_IPv4, "192.0.2.1");
	set_addr(t, "b", AT_IPv4, "192.0.2.53");
	set_u(t, "a_port", 5353);
	set_u(t, "b_port", 53);
	expect("conv.udp", t, "ip.addr==192.0.2.1 && ip.addr==192.0.2.53 && "
	    "udp.port==5353 && udp.port==53");

	t = one_row(panel_class_find("conv.eth"));
	set_addr(t, "a", AT_ETHER, "00:11:22:33:44:55");
	set_addr(t, "b", AT_ETHER, "ff:ff:ff:ff:ff:ff");
	expect("conv.eth", t, "eth.addr==00:11:22:33:44:55 && "
	    "eth.addr==ff:ff:ff:ff:ff:ff");

	t = one_row(panel_class_find("conv.ipv6"));
	set_addr(t, "a", AT_IPv6, "::1");
	set_addr(t, "b", AT_IPv6, "::ffff:192.0.2.1");
	expect("conv.ipv6", t, "ipv6.addr==::1 && ipv6.addr==::ffff:192.0.2.1");

	t = one_row(panel_class_find("endpoints.ip"));
	set_addr(t, "address", AT_IPv4, "10.0.0.1");
	expect("endpoints.ip", t, "ip.addr==10.0.0.1");

	t = one_row(panel_class_find("endpoints.tcp"));
	set_addr(t, "address", AT_IPv4, "10.0.0.1");
	set_u(t, "port", 443);
	expect("endpoints.tcp", t, "ip.addr==10.0.0.1 && tcp.port==443");

	t = one_row(panel_class_find("endpoints.udp"));
	set_addr(t, "address", AT_IPv6, "2001:db8::53");
	set_u(t, "port", 53);
	expect("endpoints.udp", t, "ipv6.addr==2001:db8::53 && udp.port==53");

	/* The protocol path's last protocol. */
	cls = panel_class_find("protocols");
	t = one_row(cls);
	proto = field_find("udp");
	ck_assert_int_gt(proto, 0);
	table_row(t, 0)[table_col_index(t, "path")].path =
	    g_new0(struct cell_path, 1);
	table_row(t, 0)[0].path->n = 3;
	table_row(t, 0)[0].path->proto[0] = (uint16_t)field_find("eth");
	table_row(t, 0)[0].path->proto[1] = (uint16_t)field_find("ip");
	table_row(t, 0)[0].path->proto[2] = (uint16_t)proto;
	expect("protocols", t, "udp");

	/* The summary has no row filter; nor has a row that is not there,
	 * or an address of no known type. */
	cls = panel_class_find("summary");
	ck_assert_ptr_null(cls->row_filter);
	t = one_row(cls);
	ck_assert_ptr_null(panel_row_filter(cls, t, 0));
	table_free(t);
	cls = panel_class_find("conv.ip");
	t = one_row(cls);
	ck_assert_ptr_null(panel_row_filter(cls, t, 1));
	ck_assert_ptr_null(panel_row_filter(cls, t, 0));	/* AT_NONE */
	table_free(t);
}
END_TEST

Suite *
suite_drill(void)
{
	Suite *s = suite_create("drill");
	TCase *tc = tcase_create("row_filters");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, row_filter_text);
	tcase_add_test(tc, row_filters_select_their_rows);
	suite_add_tcase(s, tc);
	return (s);
}
