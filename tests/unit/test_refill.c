/*
 * Refilling (tap.h, capture.h) and the history ring (pktring.h).
 *
 * The engine's rules, on a tap of its own: a pending listener is skipped
 * by live dispatch, fed by the targeted one only once claimed, and live
 * again after the pass; a new request while filling starts it afresh; a
 * plain reset cancels.  Then the capture engine on real captures: a panel
 * added, refiltered or reset after packets went by, on a file (after the
 * end, and in the middle of a paced replay with pauses and speed
 * changes) and on a pipe (from the history, while the pipe is quiet and
 * while it flows), ends up equal, row for row, to a panel of the same
 * kind and filter that was open from the start; with a history too small
 * for the capture, the panel counts exactly the packets from the time
 * its header gives.  The threads suite does the same while the capture
 * runs flat out, under ThreadSanitizer in `make test-tsan`.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "core/capture.h"
#include "core/dissect.h"
#include "core/panel.h"
#include "core/pktring.h"
#include "core/tap.h"

#define EXAMPLE	"../shared/pcaps/traffic/example.pcap"
#define NS	1000000000LL

/* ---- the ring ---- */

static uint8_t bytes_of[4096];

static void
fill_bytes(void)
{
	size_t i;

	for (i = 0; i < sizeof(bytes_of); i++)
		bytes_of[i] = (uint8_t)(i * 7 + 3);
}

START_TEST(ring_keeps_order_and_drops_oldest)
{
	struct pktring r;
	struct pktring_cursor cur;
	const struct pktring_rec *rec;
	const uint8_t *d;
	uint64_t num, expect;
	int n = 0;

	fill_bytes();
	/* 64 KiB: two chunks of 32 KiB. */
	pktring_init(&r, 64 * 1024);
	ck_assert_uint_eq(r.nchunks, 2);
	ck_assert_uint_eq(r.chunk_size, 32 * 1024);
	pktring_rewind(&cur);
	ck_assert_ptr_null(pktring_next(&r, &cur, &d));
	ck_assert_ptr_null(pktring_oldest(&r));
	for (num = 1; num <= 1000; num++)
		ck_assert(pktring_add(&r, num, (int64_t)num, 7, 600,
		    (uint32_t)(num % 50) * 10, 1, bytes_of + num % 100));
	/* Far more than fits: the oldest went a chunk at a time. */
	ck_assert_uint_gt(r.dropped, 0);
	ck_assert_uint_eq(r.records + r.dropped, 1000);
	rec = pktring_oldest(&r);
	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq(rec->num, r.dropped + 1);
	expect = rec->num;
	while ((rec = pktring_next(&r, &cur, &d)) != NULL) {
		ck_assert_uint_eq(rec->num, expect);
		ck_assert_int_eq(rec->sec, (int64_t)expect);
		ck_assert_uint_eq(rec->nsec, 7);
		ck_assert_uint_eq(rec->caplen, (expect % 50) * 10);
		ck_assert_int_eq(memcmp(d, bytes_of + expect % 100,
		    rec->caplen), 0);
		expect++;
		n++;
	}
	ck_assert_uint_eq(expect, 1001);
	ck_assert_uint_eq((uint64_t)n, r.records);
	/* At the end, the cursor waits for what comes next. */
	ck_assert(pktring_add(&r, 1001, 1001, 0, 60, 0, 1, bytes_of));
	rec = pktring_next(&r, &cur, &d);
	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq(rec->num, 1001);
	ck_assert_ptr_null(pktring_next(&r, &cur, &d));
	pktring_free(&r);
}
END_TEST

START_TEST(ring_cursor_overrun_skips_ahead)
{
	struct pktring r;
	struct pktring_cursor cur;
	const struct pktring_rec *rec;
	const uint8_t *d;
	uint64_t num;

	fill_bytes();
	pktring_init(&r, 64 * 1024);
	for (num = 1; num <= 100; num++)
		ck_assert(pktring_add(&r, num, 0, 0, 200, 200, 1, bytes_of));
	pktring_rewind(&cur);
	rec = pktring_next(&r, &cur, &d);
	ck_assert_uint_eq(rec->num, 1);
	rec = pktring_next(&r, &cur, &d);
	ck_assert_uint_eq(rec->num, 2);
	/* The writer laps the reader: the next read goes on from the
	 * oldest record held, and the numbers show the gap. */
	for (; num <= 2000; num++)
		ck_assert(pktring_add(&r, num, 0, 0, 200, 200, 1, bytes_of));
	rec = pktring_next(&r, &cur, &d);
	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq(rec->num, pktring_oldest(&r)->num);
	ck_assert_uint_gt(rec->num, 3);
	pktring_free(&r);
}
END_TEST

START_TEST(ring_limits)
{
	struct pktring r;
	struct pktring_cursor cur;
	const uint8_t *d;

	fill_bytes();
	/* No budget: nothing is kept, nothing breaks. */
	pktring_init(&r, 0);
	ck_assert(!pktring_add(&r, 1, 0, 0, 60, 60, 1, bytes_of));
	pktring_rewind(&cur);
	ck_assert_ptr_null(pktring_next(&r, &cur, &d));
	pktring_free(&r);
	/* A packet larger than a chunk is not kept, and counted. */
	pktring_init(&r, 8 * 1024);
	ck_assert(!pktring_add(&r, 1, 0, 0, 4096, 4096, 1, bytes_of));
	ck_assert_uint_eq(r.too_big, 1);
	ck_assert(pktring_add(&r, 2, 0, 0, 60, 60, 1, bytes_of));
	ck_assert_uint_eq(pktring_next(&r, &cur, &d)->num, 2);
	pktring_free(&r);
	/* The default budget: sixteen chunks, allocated as reached. */
	pktring_init(&r, 64u * 1024 * 1024);
	ck_assert_uint_eq(r.nchunks, 16);
	ck_assert(pktring_add(&r, 1, 0, 0, 60, 60, 1, bytes_of));
	ck_assert_ptr_nonnull(r.chunks[0].mem);
	ck_assert_ptr_null(r.chunks[1].mem);
	pktring_free(&r);
}
END_TEST

/* ---- the tap engine's rules ---- */

struct probe {
	int	packets;
	int	resets;
};

static int probe_tap = -1;

static void
probe_reset(void *p)
{
	((struct probe *)p)->packets = 0;
	((struct probe *)p)->resets++;
}

static tap_packet_status
probe_packet(void *p, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	(void)pinfo;
	(void)edt;
	(void)data;
	((struct probe *)p)->packets++;
	return (TAP_PACKET_REDRAW);
}

static void
one_packet(struct dissect *edt)
{
	dissect_begin(edt, 1, 0, 0, 0, 60, 60, 1);
	tap_queue_packet(probe_tap, &edt->pinfo, NULL);
}

static void
setup(void)
{
	if (probe_tap < 0)
		probe_tap = register_tap("refill-test");
}

static void
add_probe(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	ck_assert_ptr_null(register_tap_listener("refill-test", p, NULL, 0,
	    probe_reset, probe_packet, NULL, NULL));
}

START_TEST(pending_gets_the_past_then_live)
{
	struct probe live, late;
	struct dissect edt;
	int64_t since;
	uint64_t skipped;
	unsigned req;

	dissect_init(&edt);
	add_probe(&live);
	add_probe(&late);
	one_packet(&edt);
	tap_push_packet(&edt);
	ck_assert_int_eq(late.packets, 1);
	req = tap_refill_requests();
	ck_assert(tap_listener_refill(&late));
	ck_assert_uint_ne(tap_refill_requests(), req);
	/* Reset, and skipped by live dispatch from now on. */
	ck_assert_int_eq(late.packets, 0);
	ck_assert_int_eq(late.resets, 1);
	ck_assert_int_eq(tap_listener_refill_state(&late, NULL, NULL),
	    TAP_REFILL_PENDING);
	tap_push_packet(&edt);
	ck_assert_int_eq(live.packets, 2);
	ck_assert_int_eq(late.packets, 0);
	/* Not fed the past before a pass claims it. */
	tap_push_packet_refill(&edt);
	ck_assert_int_eq(late.packets, 0);
	ck_assert_int_eq(tap_refill_begin(), 1);
	ck_assert_int_eq(tap_refill_begin(), 0);
	ck_assert_int_eq(tap_listener_refill_state(&late, NULL, NULL),
	    TAP_REFILL_FILLING);
	/* The past goes to it alone; live packets still skip it. */
	tap_push_packet_refill(&edt);
	tap_push_packet_refill(&edt);
	tap_push_packet(&edt);
	ck_assert_int_eq(late.packets, 2);
	ck_assert_int_eq(live.packets, 3);
	tap_refill_end(5 * NS, 7);
	ck_assert_int_eq(tap_listener_refill_state(&late, &since, &skipped),
	    TAP_REFILL_NONE);
	ck_assert_int_eq(since, 5 * NS);
	ck_assert_uint_eq(skipped, 7);
	/* Live again, and the targeted dispatch no longer feeds it. */
	tap_push_packet(&edt);
	tap_push_packet_refill(&edt);
	ck_assert_int_eq(late.packets, 3);
	ck_assert_int_eq(live.packets, 4);
	/* A plain reset: from zero, nothing covered is claimed. */
	reset_tap_listener(&late);
	ck_assert_int_eq(tap_listener_refill_state(&late, &since, &skipped),
	    TAP_REFILL_NONE);
	ck_assert_int_eq(since, 0);
	ck_assert_uint_eq(skipped, 0);
	remove_tap_listener(&live);
	remove_tap_listener(&late);
	ck_assert(!tap_listener_refill(&late));
	dissect_free(&edt);
}
END_TEST

START_TEST(request_while_filling_starts_afresh)
{
	struct probe a, b;
	struct dissect edt;

	dissect_init(&edt);
	one_packet(&edt);
	add_probe(&a);
	add_probe(&b);
	tap_refill_all();
	ck_assert_int_eq(tap_listener_refill_state(&a, NULL, NULL),
	    TAP_REFILL_PENDING);
	ck_assert_int_eq(tap_refill_begin(), 2);
	tap_push_packet_refill(&edt);
	ck_assert_int_eq(a.packets, 1);
	/* A new filter while it fills: reset, out of this pass. */
	ck_assert(tap_listener_refill(&a));
	ck_assert_int_eq(a.packets, 0);
	tap_push_packet_refill(&edt);
	ck_assert_int_eq(a.packets, 0);
	ck_assert_int_eq(b.packets, 2);
	tap_refill_end(0, 0);
	ck_assert_int_eq(tap_listener_refill_state(&b, NULL, NULL),
	    TAP_REFILL_NONE);
	ck_assert_int_eq(tap_listener_refill_state(&a, NULL, NULL),
	    TAP_REFILL_PENDING);
	/* The next pass takes it. */
	ck_assert_int_eq(tap_refill_begin(), 1);
	tap_push_packet_refill(&edt);
	tap_refill_end(0, 0);
	ck_assert_int_eq(a.packets, 1);
	/* A reset cancels a pending refill: live from the next packet. */
	ck_assert(tap_listener_refill(&a));
	reset_tap_listeners();
	tap_push_packet(&edt);
	ck_assert_int_eq(a.packets, 1);
	ck_assert_int_eq(tap_refill_begin(), 0);
	remove_tap_listener(&a);
	remove_tap_listener(&b);
	dissect_free(&edt);
}
END_TEST

/* ---- the capture engine ---- */

/* The panels compared: each kind, with and without filters. */
static const char *const specs[][2] = {
	{ "summary", "" },
	{ "summary", "udp" },
	{ "protocols", "" },
	{ "conv.tcp", "" },
	{ "conv.ip", "tcp.port == 80" },
	{ "endpoints.ip", "frame.len > 1000" },
	{ "conv.eth", "" },
};
#define NSPECS	((int)G_N_ELEMENTS(specs))

/* A row as text, every cell exactly. */
static char *
row_text(const struct table *t, int r)
{
	GString *s = g_string_new(NULL);
	const union cell *row = table_row(t, r);
	char a[ADDR_STRLEN];
	int c, i;

	for (c = 0; c < t->ncols; c++) {
		const union cell *x = &row[c];

		switch (t->cols[c].type) {
		case COL_UINT:
		case COL_BYTES:
		case COL_PORT:
			g_string_append_printf(s, "%" PRIu64 "|", x->u);
			break;
		case COL_TIME:
		case COL_EPOCH:
		case COL_RATE:
		case COL_BITRATE:
		case COL_PERCENT:
		case COL_PER_S:
		case COL_VALUE:
			g_string_append_printf(s, "%.9f|", x->d);
			break;
		case COL_ADDR:
			g_string_append_printf(s, "%s|",
			    address_to_str(&x->addr, a));
			break;
		case COL_PATH:
			for (i = 0; x->path != NULL && i < x->path->n; i++)
				g_string_append_printf(s, "%u:",
				    x->path->proto[i]);
			g_string_append_c(s, '|');
			break;
		case COL_TEXT:
		case COL_TREE:
			g_string_append_printf(s, "%s|",
			    x->text != NULL ? x->text : "");
			break;
		}
	}
	return (g_string_free(s, FALSE));
}

static int
str_cmp(gconstpointer a, gconstpointer b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The two panels hold the same rows (in any order) and fold the same. */
static void
assert_same(struct panel *a, struct panel *b, const char *what)
{
	struct table *ta = panel_snapshot(a), *tb = panel_snapshot(b);
	GPtrArray *ra = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *rb = g_ptr_array_new_with_free_func(g_free);
	int r;

	for (r = 0; r < ta->nrows; r++)
		g_ptr_array_add(ra, row_text(ta, r));
	for (r = 0; r < tb->nrows; r++)
		g_ptr_array_add(rb, row_text(tb, r));
	g_ptr_array_sort(ra, str_cmp);
	g_ptr_array_sort(rb, str_cmp);
	ck_assert_msg(ra->len == rb->len, "%s %s [%s]: %u rows, %u from the "
	    "start", what, a->cls->name, a->filter, ra->len, rb->len);
	for (r = 0; r < (int)ra->len; r++)
		ck_assert_msg(strcmp(g_ptr_array_index(ra, r),
		    g_ptr_array_index(rb, r)) == 0, "%s %s [%s] row %d: %s, "
		    "from the start %s", what, a->cls->name, a->filter, r,
		    (char *)g_ptr_array_index(ra, r),
		    (char *)g_ptr_array_index(rb, r));
	ck_assert_uint_eq(ta->folded_frames, tb->folded_frames);
	ck_assert_uint_eq(ta->folded_bytes, tb->folded_bytes);
	ck_assert_int_gt(ta->nrows, 0);
	g_ptr_array_free(ra, TRUE);
	g_ptr_array_free(rb, TRUE);
	table_free(ta);
	table_free(tb);
}

static struct panel *
open_spec(int i, const char *filter)
{
	char *err = NULL;
	struct panel *p;

	p = panel_open(specs[i][0], filter != NULL ? filter : specs[i][1], 0,
	    &err);
	ck_assert_msg(p != NULL, "%s", err);
	return (p);
}

/* Waits (polling, at most 60 s) until cond(arg) holds. */
static void
wait_until(bool (*cond)(void *), void *arg, const char *what)
{
	int i;

	for (i = 0; i < 30000 && !cond(arg); i++)
		g_usleep(2000);
	ck_assert_msg(cond(arg), "timed out waiting for %s", what);
}

struct set {
	struct panel	*p[NSPECS];
};

static bool
all_live(void *arg)
{
	struct set *s = arg;
	int i;

	for (i = 0; i < NSPECS; i++)
		if (s->p[i] != NULL && tap_listener_refill_state(s->p[i], NULL,
		    NULL) != TAP_REFILL_NONE)
			return (false);
	return (true);
}

static bool
finished(void *arg)
{
	return (capture_get_state(arg) == CAPTURE_FINISHED);
}

struct atleast {
	struct capture	*c;
	uint64_t	 n;
};

static bool
has_packets(void *arg)
{
	struct atleast *a = arg;
	struct capture_counters n;

	capture_counters(a->c, &n);
	return (n.packets >= a->n);
}

static struct capture *
open_capture(const char *path, double speed, size_t history)
{
	struct capture_opts o;
	struct capture *c;
	char *err = NULL;

	capture_opts_init(&o);
	o.file = path;
	o.speed = speed;
	o.refill = true;
	o.history_bytes = history;
	c = capture_open(&o, &err, NULL);
	ck_assert_msg(c != NULL, "%s", err);
	return (c);
}

/* Every late panel is refilled, as the interface does it. */
static void
refill_set(struct capture *c, struct set *s)
{
	int i;

	for (i = 0; i < NSPECS; i++)
		if (s->p[i] != NULL)
			ck_assert(tap_listener_refill(s->p[i]));
	capture_refill_kick(c);
}

static void
close_set(struct set *s)
{
	int i;

	for (i = 0; i < NSPECS; i++)
		if (s->p[i] != NULL)
			panel_close(s->p[i]);
	memset(s, 0, sizeof(*s));
}

static void
compare_sets(struct set *late, struct set *ref, const char *what)
{
	int i;

	for (i = 0; i < NSPECS; i++)
		if (late->p[i] != NULL)
			assert_same(late->p[i], ref->p[i], what);
}

/* A file read to its end, then panels added, refiltered, reset. */
START_TEST(file_after_the_end)
{
	struct set ref = { 0 }, late = { 0 };
	struct capture *c;
	uint64_t mal;
	int i;

	c = open_capture(EXAMPLE, 0, 0);
	ck_assert_int_eq(capture_refill_from(c), CAPTURE_REFILL_FILE);
	for (i = 0; i < NSPECS; i++)
		ref.p[i] = open_spec(i, NULL);
	capture_start(c);
	wait_until(finished, c, "the end of the file");
	mal = dissect_malformed_count(-1);
	/* Added now; some with another filter first, then the right one
	 * (a refilter), the others reset (r on a file). */
	for (i = 0; i < NSPECS; i++)
		late.p[i] = open_spec(i, i % 2 ? "ipv6" : NULL);
	refill_set(c, &late);
	wait_until(all_live, &late, "the first refill");
	for (i = 0; i < NSPECS; i++)
		if (i % 2)
			ck_assert_ptr_null(panel_set_filter(late.p[i],
			    specs[i][1]));
	refill_set(c, &late);
	wait_until(all_live, &late, "the second refill");
	compare_sets(&late, &ref, "file, after the end");
	/* Dissected again, not counted again. */
	ck_assert_uint_eq(dissect_malformed_count(-1), mal);
	/* Nothing is missing from a file read again. */
	for (i = 0; i < NSPECS; i++) {
		int64_t since;
		uint64_t skipped;

		tap_listener_refill_state(late.p[i], &since, &skipped);
		ck_assert_int_eq(since, 0);
		ck_assert_uint_eq(skipped, 0);
	}
	capture_close(c);
	close_set(&late);
	close_set(&ref);
}
END_TEST

/* Malformed packets dissected again are not counted again: the counts
 * stay those of the one reading, and the panel still equals its twin. */
START_TEST(file_malformed_counted_once)
{
	struct capture *c;
	struct panel *ref, *late;
	uint64_t mal, trunc;

	c = open_capture("../shared/pcaps/malformed/ndpi-badpackets.pcap",
	    0, 0);
	ref = open_spec(0, NULL);
	capture_start(c);
	wait_until(finished, c, "the end of the file");
	mal = dissect_malformed_count(-1);
	trunc = dissect_truncated_count(-1);
	ck_assert_uint_gt(mal, 0);
	late = open_spec(0, NULL);
	ck_assert(tap_listener_refill(late));
	ck_assert(tap_listener_refill(ref));
	capture_refill_kick(c);
	wait_until(all_live, &(struct set){ .p = { late, ref } },
	    "the refill");
	ck_assert_uint_eq(dissect_malformed_count(-1), mal);
	ck_assert_uint_eq(dissect_truncated_count(-1), trunc);
	assert_same(late, ref, "malformed file");
	capture_close(c);
	panel_close(late);
	panel_close(ref);
}
END_TEST

/* The same in the middle of a paced replay, which is paused, sped up and
 * slowed down meanwhile: the refilled panels catch up with the reading
 * and go on with it. */
START_TEST(file_during_a_paced_replay)
{
	struct set ref = { 0 }, late = { 0 }, later = { 0 };
	struct capture_counters n1, n2;
	struct atleast at;
	struct capture *c;
	int i;

	/* 15.6 s of traffic at 20x: under a second. */
	c = open_capture(EXAMPLE, 20, 0);
	for (i = 0; i < NSPECS; i++)
		ref.p[i] = open_spec(i, NULL);
	capture_start(c);
	at.c = c;
	at.n = 300;
	wait_until(has_packets, &at, "300 packets");
	/* Paused: the reading stops, the clock too; refills go on. */
	ck_assert(capture_set_paused(c, true));
	ck_assert(capture_paused(c));
	for (i = 0; i < NSPECS; i += 2)
		late.p[i] = open_spec(i, NULL);
	refill_set(c, &late);
	wait_until(all_live, &late, "a refill while paused");
	capture_counters(c, &n1);
	g_usleep(200000);
	capture_counters(c, &n2);
	ck_assert_uint_eq(n1.packets, n2.packets);
	ck_assert_uint_lt(n2.packets, 4631);
	ck_assert(capture_set_speed(c, 4));
	ck_assert_double_eq(capture_speed(c), 4);
	ck_assert(capture_set_paused(c, false));
	at.n = n2.packets + 100;
	wait_until(has_packets, &at, "the reading to resume");
	/* More, while the replay runs. */
	for (i = 1; i < NSPECS; i += 2)
		late.p[i] = open_spec(i, NULL);
	refill_set(c, &late);
	ck_assert(capture_set_speed(c, 50));
	for (i = 0; i < NSPECS; i++)
		later.p[i] = open_spec(i, "ipv6");
	refill_set(c, &later);
	for (i = 0; i < NSPECS; i++)
		ck_assert_ptr_null(panel_set_filter(later.p[i], specs[i][1]));
	refill_set(c, &later);
	wait_until(finished, c, "the end of the replay");
	wait_until(all_live, &late, "the refills");
	wait_until(all_live, &later, "the refills");
	compare_sets(&late, &ref, "paced replay");
	compare_sets(&later, &ref, "paced replay, refiltered");
	capture_close(c);
	close_set(&later);
	close_set(&late);
	close_set(&ref);
}
END_TEST

/* A pipe: the writer sends the file's header and its records in parts,
 * waiting at each stop until the test says go. */
struct writer {
	GBytes		*data;
	size_t		 hdr;		/* bytes of the file header */
	GArray		*ends;		/* byte offset after each record */
	int		 fd;
	size_t		 stops[4];	/* record counts to stop after */
	int		 nstops;
	atomic_int	 reached;	/* stops reached */
	atomic_int	 go;		/* stops released */
};

static void
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		ck_assert_int_gt(k, 0);
		p += k;
		n -= (size_t)k;
	}
}

static gpointer
writer_run(gpointer arg)
{
	struct writer *w = arg;
	gsize len;
	const uint8_t *d = g_bytes_get_data(w->data, &len);
	size_t from = 0, to;
	int s;

	for (s = 0; s <= w->nstops; s++) {
		to = s < w->nstops ? g_array_index(w->ends, size_t,
		    w->stops[s] - 1) : len;
		write_all(w->fd, d + from, to - from);
		from = to;
		if (s < w->nstops) {
			atomic_store(&w->reached, s + 1);
			while (atomic_load(&w->go) <= s)
				g_usleep(1000);
		}
	}
	close(w->fd);
	return (NULL);
}

/* Reads a classic little-endian pcap's record boundaries. */
static void
writer_init(struct writer *w, const char *path)
{
	gchar *buf;
	gsize len, off;
	uint32_t caplen;

	memset(w, 0, sizeof(*w));
	ck_assert(g_file_get_contents(path, &buf, &len, NULL));
	w->data = g_bytes_new_take(buf, len);
	ck_assert_uint_eq((uint8_t)buf[0], 0xd4);	/* LE microseconds */
	w->hdr = 24;
	w->ends = g_array_new(FALSE, FALSE, sizeof(size_t));
	for (off = 24; off + 16 <= len; off += 16 + caplen) {
		memcpy(&caplen, buf + off + 8, 4);
		g_array_append_val(w->ends, (size_t){ off + 16 + caplen });
	}
}

static void
writer_free(struct writer *w)
{
	g_bytes_unref(w->data);
	g_array_free(w->ends, TRUE);
}

static bool
stop_reached(void *arg)
{
	struct writer *w = arg;

	return (atomic_load(&w->reached) > atomic_load(&w->go));
}

START_TEST(pipe_from_the_history)
{
	struct set ref = { 0 }, quiet = { 0 }, flowing = { 0 };
	struct writer w;
	struct atleast at;
	struct capture *c;
	GThread *th;
	char *path;
	int p[2], i;

	writer_init(&w, EXAMPLE);
	w.nstops = 2;
	w.stops[0] = 1500;
	w.stops[1] = 3000;
	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	th = g_thread_new("writer", writer_run, &w);
	c = open_capture(path, 0, 64u * 1024 * 1024);
	close(p[0]);
	ck_assert_int_eq(capture_refill_from(c), CAPTURE_REFILL_HISTORY);
	for (i = 0; i < NSPECS; i++)
		ref.p[i] = open_spec(i, NULL);
	capture_start(c);
	/* 1500 packets in, the pipe quiet: refilled while it waits. */
	wait_until(stop_reached, &w, "the first stop");
	at.c = c;
	at.n = 1500;
	wait_until(has_packets, &at, "1500 packets");
	for (i = 0; i < NSPECS; i++)
		quiet.p[i] = open_spec(i, i % 2 ? "ipv6" : NULL);
	refill_set(c, &quiet);
	wait_until(all_live, &quiet, "a refill of a quiet pipe");
	for (i = 1; i < NSPECS; i += 2)
		ck_assert_ptr_null(panel_set_filter(quiet.p[i], specs[i][1]));
	refill_set(c, &quiet);
	wait_until(all_live, &quiet, "a refill of a quiet pipe");
	atomic_store(&w.go, 1);
	/* 3000 in: added, and the rest sent at once. */
	wait_until(stop_reached, &w, "the second stop");
	at.n = 3000;
	wait_until(has_packets, &at, "3000 packets");
	for (i = 0; i < NSPECS; i++)
		flowing.p[i] = open_spec(i, NULL);
	refill_set(c, &flowing);
	atomic_store(&w.go, 2);
	g_thread_join(th);
	wait_until(finished, c, "the end of the pipe");
	wait_until(all_live, &flowing, "a refill of a flowing pipe");
	compare_sets(&quiet, &ref, "pipe, quiet");
	compare_sets(&flowing, &ref, "pipe, flowing");
	for (i = 0; i < NSPECS; i++) {
		int64_t since;
		uint64_t skipped;

		tap_listener_refill_state(flowing.p[i], &since, &skipped);
		ck_assert_int_eq(since, 0);
		ck_assert_uint_eq(skipped, 0);
	}
	capture_close(c);
	close_set(&flowing);
	close_set(&quiet);
	close_set(&ref);
	writer_free(&w);
	g_free(path);
}
END_TEST

/* A history smaller than the capture: the panel counts exactly the
 * packets from the one its header names. */
START_TEST(pipe_history_too_short)
{
	struct writer w;
	struct capture *c;
	struct panel *late;
	struct table *t;
	GThread *th;
	char *path;
	int p[2];
	int64_t since, ts;
	uint64_t skipped, pk, by, sum = 0;
	uint32_t v[4];
	const uint8_t *d;
	gsize len;
	guint k, n;
	size_t off;

	writer_init(&w, EXAMPLE);
	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	th = g_thread_new("writer", writer_run, &w);
	c = open_capture(path, 0, 256 * 1024);
	close(p[0]);
	capture_start(c);
	g_thread_join(th);
	wait_until(finished, c, "the end of the pipe");
	late = open_spec(0, NULL);
	ck_assert(tap_listener_refill(late));
	capture_refill_kick(c);
	wait_until(all_live, &(struct set){ .p = { late } }, "the refill");
	tap_listener_refill_state(late, &since, &skipped);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_int_ne(since, 0);
	t = panel_snapshot(late);
	pk = table_row(t, 0)[table_col_index(t, "packets")].u;
	by = table_row(t, 0)[table_col_index(t, "bytes")].u;
	table_free(t);
	n = w.ends->len;
	ck_assert_uint_gt(pk, 100);
	ck_assert_uint_lt(pk, n);
	/* The last pk records of the file: the first is at since. */
	d = g_bytes_get_data(w.data, &len);
	for (k = n - (guint)pk; k < n; k++) {
		off = k == 0 ? 24 : g_array_index(w.ends, size_t, k - 1);
		memcpy(v, d + off, sizeof(v));
		if (k == n - (guint)pk) {
			ts = (int64_t)v[0] * NS + (int64_t)v[1] * 1000;
			ck_assert_int_eq(ts, since);
		}
		sum += MAX(v[2], v[3]);
	}
	ck_assert_uint_eq(by, sum);
	capture_close(c);
	panel_close(late);
	writer_free(&w);
	g_free(path);
}
END_TEST

/* The history overrun while a refill reads it (a pipe flowing flat out
 * into a small history): whatever the pass could not give is counted as
 * missing, and the rest is exact: the packets from the one at `since`,
 * less the missing ones. */
START_TEST(pipe_history_overrun)
{
	struct writer w;
	struct atleast at;
	struct capture *c;
	struct panel *late;
	struct table *t;
	GThread *th;
	char *path;
	int p[2];
	int64_t since, ts;
	uint64_t skipped, pk;
	uint32_t v[4];
	const uint8_t *d;
	gsize len;
	guint k, n, k0;
	size_t off;

	writer_init(&w, EXAMPLE);
	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	th = g_thread_new("writer", writer_run, &w);
	c = open_capture(path, 0, 256 * 1024);
	close(p[0]);
	capture_start(c);
	at.c = c;
	at.n = 500;
	wait_until(has_packets, &at, "500 packets");
	late = open_spec(0, NULL);
	ck_assert(tap_listener_refill(late));
	capture_refill_kick(c);
	g_thread_join(th);
	wait_until(finished, c, "the end of the pipe");
	wait_until(all_live, &(struct set){ .p = { late } }, "the refill");
	tap_listener_refill_state(late, &since, &skipped);
	t = panel_snapshot(late);
	pk = table_row(t, 0)[table_col_index(t, "packets")].u;
	table_free(t);
	n = w.ends->len;
	d = g_bytes_get_data(w.data, &len);
	k0 = 0;
	if (since != 0)
		for (k = 0; k < n; k++) {
			off = k == 0 ? 24 : g_array_index(w.ends, size_t, k - 1);
			memcpy(v, d + off, sizeof(v));
			ts = (int64_t)v[0] * NS + (int64_t)v[1] * 1000;
			if (ts == since) {
				k0 = k;
				break;
			}
		}
	ck_assert_msg(since == 0 || k0 > 0, "no packet at since");
	ck_assert_uint_eq(pk + skipped, n - k0);
	capture_close(c);
	panel_close(late);
	writer_free(&w);
	g_free(path);
}
END_TEST

/* ---- replay controls and the clock ---- */

/* A pcap of `seconds` s of `rate` Ethernet frames a second. */
static char *
write_steady_pcap(int seconds, int rate)
{
	static const uint8_t hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,			/* Ethernet */
	};
	char *path = g_strdup("/tmp/taptop-replay-XXXXXX");
	uint8_t frame[100] = { 0 };
	uint32_t rec[4];
	int fd, i;
	FILE *f;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(hdr, 1, sizeof(hdr), f);
	for (i = 0; i < seconds * rate; i++) {
		rec[0] = 1700000000u + (uint32_t)(i / rate);
		rec[1] = (uint32_t)(i % rate) * (1000000u / (uint32_t)rate);
		rec[2] = rec[3] = sizeof(frame);
		fwrite(rec, 1, sizeof(rec), f);
		fwrite(frame, 1, sizeof(frame), f);
	}
	fclose(f);
	return (path);
}

/*
 * At 4x the clock runs in capture time, so the rate over its last two
 * seconds is the traffic's (100 packets a second), not four times it; a
 * pause stops the reading and the clock (paused time is not capture
 * time); a new speed goes on from where the clock stood.
 */
START_TEST(clock_follows_pause_and_speed)
{
	struct capture_counters n1, n2;
	struct atleast at;
	struct capture *c;
	char *path = write_steady_pcap(20, 100);
	int64_t t1, t2, t3;
	double pps;

	c = open_capture(path, 4, 0);
	ck_assert(capture_set_speed(c, 4));
	capture_start(c);
	at.c = c;
	at.n = 500;
	wait_until(has_packets, &at, "500 packets");
	ck_assert(capture_set_paused(c, true));
	t1 = capture_now_ns(c);
	capture_counters(c, &n1);
	g_usleep(300000);
	t2 = capture_now_ns(c);
	capture_counters(c, &n2);
	ck_assert_int_eq(t1, t2);
	ck_assert_uint_eq(n1.packets, n2.packets);
	/* Where the reading stands: at most the packet being paced. */
	ck_assert_int_ge(t1, n2.last_ns);
	ck_assert_int_le(t1, n2.last_ns + NS / 100);
	capture_rate(c, 2, &pps, NULL);
	ck_assert_double_eq_tol(pps, 100, 2);
	/* Faster, still paused: the clock waits for the resume. */
	ck_assert(capture_set_speed(c, 10));
	ck_assert_int_eq(capture_now_ns(c), t1);
	ck_assert(capture_set_paused(c, false));
	at.n = n2.packets + 300;
	wait_until(has_packets, &at, "300 more packets");
	t3 = capture_now_ns(c);
	ck_assert_int_gt(t3, t1);
	capture_rate(c, 2, &pps, NULL);
	ck_assert_double_eq_tol(pps, 100, 2);
	ck_assert(capture_set_speed(c, 0));
	wait_until(finished, c, "the end of the file");
	ck_assert(!capture_paused(c));
	capture_close(c);
	unlink(path);
	g_free(path);
}
END_TEST

/* ---- threads: everything at once, flat out ---- */

START_TEST(threads_refill_while_reading)
{
	struct set ref = { 0 }, late = { 0 };
	struct capture *c;
	int round, i, k;
	struct table *t;

	c = open_capture(EXAMPLE, 40, 0);
	for (i = 0; i < NSPECS; i++)
		ref.p[i] = open_spec(i, NULL);
	capture_start(c);
	/* A few hundred requests, each of which starts a pass again, then
	 * the rest of the file as fast as it goes. */
	for (round = 0; round < 300 && capture_get_state(c) ==
	    CAPTURE_RUNNING; round++) {
		k = g_random_int_range(0, NSPECS);
		switch (g_random_int_range(0, 7)) {
		case 0:		/* add, or close and add again */
			if (late.p[k] != NULL)
				panel_close(late.p[k]);
			late.p[k] = open_spec(k, NULL);
			ck_assert(tap_listener_refill(late.p[k]));
			capture_refill_kick(c);
			break;
		case 1:		/* refilter */
			if (late.p[k] == NULL)
				break;
			ck_assert_ptr_null(panel_set_filter(late.p[k],
			    round % 2 ? "ip" : specs[k][1]));
			ck_assert(tap_listener_refill(late.p[k]));
			capture_refill_kick(c);
			break;
		case 2:		/* the global filter: every panel again */
			ck_assert_ptr_null(set_tap_global_dfilter(round % 3 ?
			    "" : "frame.len > 60"));
			tap_refill_all();
			capture_refill_kick(c);
			break;
		case 3:		/* draw, as the screen does */
		case 4:
			if (late.p[k] != NULL) {
				t = panel_snapshot(late.p[k]);
				table_free(t);
			}
			(void)capture_now_ns(c);
			break;
		case 5:
			(void)capture_set_paused(c, round % 2);
			break;
		case 6:
			(void)capture_set_speed(c, round % 4 ? 40 : 0);
			break;
		}
		g_usleep(2000);
	}
	(void)capture_set_paused(c, false);
	(void)capture_set_speed(c, 0);
	/* All of it under no global filter, each late panel with its own. */
	ck_assert_ptr_null(set_tap_global_dfilter(""));
	tap_refill_all();
	for (i = 0; i < NSPECS; i++)
		if (late.p[i] != NULL)
			ck_assert_ptr_null(panel_set_filter(late.p[i],
			    specs[i][1]));
	refill_set(c, &late);
	wait_until(finished, c, "the end of the replay");
	wait_until(all_live, &late, "the refills");
	wait_until(all_live, &ref, "the refills");
	compare_sets(&late, &ref, "threads");
	capture_close(c);
	close_set(&late);
	close_set(&ref);
}
END_TEST

/* The same on a pipe, from the history. */
START_TEST(threads_refill_a_pipe)
{
	struct set ref = { 0 }, late = { 0 };
	struct writer w;
	struct capture *c;
	GThread *th;
	char *path;
	int p[2], round, i, k;

	writer_init(&w, EXAMPLE);
	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	th = g_thread_new("writer", writer_run, &w);
	c = open_capture(path, 0, 64u * 1024 * 1024);
	close(p[0]);
	for (i = 0; i < NSPECS; i++)
		ref.p[i] = open_spec(i, NULL);
	capture_start(c);
	for (round = 0; round < 300 && capture_get_state(c) ==
	    CAPTURE_RUNNING; round++) {
		k = g_random_int_range(0, NSPECS);
		switch (g_random_int_range(0, 5)) {
		case 0:
			if (late.p[k] != NULL)
				panel_close(late.p[k]);
			late.p[k] = open_spec(k, round % 2 ? "tcp" : NULL);
			ck_assert(tap_listener_refill(late.p[k]));
			capture_refill_kick(c);
			break;
		case 1:
			(void)capture_set_paused(c, round % 2);
			break;
		case 2:
			if (late.p[k] != NULL)
				table_free(panel_snapshot(late.p[k]));
			break;
		case 3:
			ck_assert_ptr_null(set_tap_global_dfilter(round % 3 ?
			    "" : "ip"));
			tap_refill_all();
			capture_refill_kick(c);
			break;
		case 4:
			(void)capture_set_speed(c, round % 2 ? 1000 : 0);
			break;
		}
		g_usleep(1000);
	}
	(void)capture_set_paused(c, false);
	(void)capture_set_speed(c, 0);
	ck_assert_ptr_null(set_tap_global_dfilter(""));
	tap_refill_all();
	for (i = 0; i < NSPECS; i++)
		if (late.p[i] != NULL)
			ck_assert_ptr_null(panel_set_filter(late.p[i],
			    specs[i][1]));
	refill_set(c, &late);
	g_thread_join(th);
	wait_until(finished, c, "the end of the pipe");
	wait_until(all_live, &late, "the refills");
	wait_until(all_live, &ref, "the refills");
	compare_sets(&late, &ref, "threads, pipe");
	capture_close(c);
	close_set(&late);
	close_set(&ref);
	writer_free(&w);
	g_free(path);
}
END_TEST

Suite *
suite_refill(void)
{
	Suite *s = suite_create("refill");
	TCase *ring = tcase_create("ring");
	TCase *tap = tcase_create("tap");
	TCase *cap = tcase_create("capture");

	tcase_add_test(ring, ring_keeps_order_and_drops_oldest);
	tcase_add_test(ring, ring_cursor_overrun_skips_ahead);
	tcase_add_test(ring, ring_limits);
	suite_add_tcase(s, ring);
	tcase_add_unchecked_fixture(tap, setup, NULL);
	tcase_add_test(tap, pending_gets_the_past_then_live);
	tcase_add_test(tap, request_while_filling_starts_afresh);
	suite_add_tcase(s, tap);
	tcase_set_timeout(cap, 120);
	tcase_add_test(cap, clock_follows_pause_and_speed);
	tcase_add_test(cap, file_after_the_end);
	tcase_add_test(cap, file_malformed_counted_once);
	tcase_add_test(cap, file_during_a_paced_replay);
	tcase_add_test(cap, pipe_from_the_history);
	tcase_add_test(cap, pipe_history_too_short);
	tcase_add_test(cap, pipe_history_overrun);
	suite_add_tcase(s, cap);
	return (s);
}

Suite *
suite_refill_threads(void)
{
	Suite *s = suite_create("refill_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, threads_refill_while_reading);
	tcase_add_test(tc, threads_refill_a_pipe);
	suite_add_tcase(s, tc);
	return (s);
}
