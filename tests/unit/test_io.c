/*
 * The io panel through the real tap engine: frames pushed on the "frame"
 * tap at chosen times since the first packet, the panel's clock set as
 * batch mode and the interface set it, the table read back.  The rules
 * are tshark -z io,stat's (checked on pcaps written from the same times:
 * out-of-order frames and frames before the first count in the interval
 * in progress), except the one documented difference: a frame at exactly
 * the capture's duration keeps its interval.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/panel.h"
#include "core/proto.h"
#include "core/tap.h"

#define T0	1000000000000000000LL	/* the first packet, ns */
#define S	1000000000LL

static struct dissect edt;

static void
setup(void)
{
	proto_init();
	dissect_init(&edt);
	panel_set_interval(0);
}

static void
teardown(void)
{
	dissect_free(&edt);
	panel_set_interval(0);
}

static int
frame_tap(void)
{
	int id = find_tap_id("frame");

	return (id > 0 ? id : register_tap("frame"));
}

/* One frame of len bytes, rel seconds after the first. */
static void
push(uint64_t num, double rel, uint32_t len)
{
	double r = CLAMP(rel, -1e9, 1e9);	/* the time stamp: unused */

	dissect_begin(&edt, num, 1000000000 + (int64_t)floor(r),
	    (uint32_t)((r - floor(r)) * 1e9), rel, len, len, 1);
	tap_queue_packet(frame_tap(), &edt.pinfo, NULL);
	tap_push_packet(&edt);
}

static struct panel *
open_io(const char *filter, size_t max_rows)
{
	char *err = NULL;
	struct panel *p = panel_open("io", filter, max_rows, &err);

	ck_assert_msg(p != NULL, "%s", err != NULL ? err : "?");
	return (p);
}

/* The clock at rel seconds after the first packet. */
static void
clock_at(struct panel *p, double rel)
{
	panel_set_clock(p, T0 + (int64_t)llround(rel * 1e9), T0);
}

static uint64_t
u(const struct table *t, int row, const char *key)
{
	int c = table_col_index(t, key);

	ck_assert_int_ge(c, 0);
	return (table_row(t, row)[c].u);
}

static double
d(const struct table *t, int row, const char *key)
{
	int c = table_col_index(t, key);

	ck_assert_int_ge(c, 0);
	return (table_row(t, row)[c].d);
}

/* Rows as "start:frames:bytes ..." for one assertion per table. */
static char *
rows_str(const struct table *t)
{
	GString *s = g_string_new(NULL);
	int r;

	for (r = 0; r < t->nrows; r++)
		g_string_append_printf(s, "%s%g:%" G_GUINT64_FORMAT ":%"
		    G_GUINT64_FORMAT, r > 0 ? " " : "", d(t, r, "start"),
		    u(t, r, "frames"), u(t, r, "bytes"));
	return (g_string_free(s, FALSE));
}

#define ck_rows(t, want) do {						\
	char *got_ = rows_str(t);					\
	ck_assert_str_eq(got_, want);					\
	g_free(got_);							\
} while (0)

START_TEST(io_class)
{
	const struct panel_class *c = panel_class_find("io");
	int i;

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->show & PANEL_CHART, PANEL_CHART);
	ck_assert_str_eq(c->tap, "frame");
	ck_assert_ptr_null(c->default_sort);	/* time order */
	ck_assert_str_eq(c->cols[0].key, "start");
	ck_assert_int_eq(c->cols[0].type, COL_TIME);
	/* The only chart. */
	for (i = 0; panel_class_at(i) != NULL; i++)
		if (panel_class_at(i) != c)
			ck_assert_uint_eq(panel_class_at(i)->show &
			    PANEL_CHART, 0);
}
END_TEST

START_TEST(io_bins)
{
	struct panel *p = open_io("", 0);
	struct table *t;

	push(1, 0.0, 60);
	push(2, 0.5, 70);
	push(3, 2.0, 80);
	push(4, 2.999999999, 90);
	t = panel_snapshot(p);
	ck_rows(t, "0:2:130 1:0:0 2:2:170");
	ck_assert_double_eq_tol(d(t, 0, "packets_per_s"), 2, 1e-9);
	ck_assert_double_eq_tol(d(t, 0, "bits_per_s"), 1040, 1e-9);
	ck_assert_double_eq_tol(d(t, 1, "bits_per_s"), 0, 1e-9);
	ck_assert_uint_eq(t->folded_rows, 0);
	ck_assert_uint_eq(t->folded_frames, 0);
	table_free(t);
	panel_close(p);
}
END_TEST

/* tshark's: a frame older than the interval in progress (out of order,
 * or before the first packet) counts in the interval in progress. */
START_TEST(io_out_of_order)
{
	struct panel *p = open_io("", 0);
	struct table *t;

	push(1, 0.0, 60);
	push(2, 3.2, 60);
	push(3, 1.5, 61);
	push(4, -1.0, 62);
	push(5, 4.1, 63);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 1:0:0 2:0:0 3:3:183 4:1:63");
	table_free(t);
	panel_close(p);
}
END_TEST

/* Rows reach the clock: every interval whose start it has passed. */
START_TEST(io_clock_rows)
{
	struct panel *p = open_io("", 0), *q = open_io("udp", 0);
	struct table *t;

	/* No packet, no clock: no rows; a clock at the first packet: none
	 * either (no time has passed). */
	t = panel_snapshot(p);
	ck_assert_int_eq(t->nrows, 0);
	table_free(t);
	panel_set_clock(p, T0, T0);
	t = panel_snapshot(p);
	ck_assert_int_eq(t->nrows, 0);
	table_free(t);

	push(1, 0.0, 60);
	push(2, 2.0, 60);
	clock_at(p, 4.5);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 1:0:0 2:1:60 3:0:0 4:0:0");
	table_free(t);
	/* At an interval's end, that interval is the last. */
	clock_at(p, 4.0);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 1:0:0 2:1:60 3:0:0");
	table_free(t);
	/* The documented difference: the frame at exactly the duration (a
	 * whole number of intervals) keeps its row; a panel that did not
	 * count it stops before, as tshark. */
	clock_at(p, 2.0);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 1:0:0 2:1:60");
	table_free(t);
	clock_at(q, 2.0);
	t = panel_snapshot(q);
	ck_rows(t, "0:0:0 1:0:0");
	table_free(t);
	panel_close(p);
	panel_close(q);
}
END_TEST

/* The interval: --interval's, to the nanosecond (0.3 / 0.1 is not 3 in
 * floating point); a panel keeps the one it was opened with. */
START_TEST(io_interval)
{
	struct panel *p, *q;
	struct table *t;

	panel_set_interval(0.1);
	p = open_io("", 0);
	ck_assert_int_eq(p->interval_ns, 100000000);
	panel_set_interval(0);
	q = open_io("", 0);
	ck_assert_int_eq(q->interval_ns, S);
	push(1, 0.0, 60);
	push(2, 0.25, 60);
	push(3, 0.3, 60);
	push(4, 0.999999999, 60);
	push(5, 1.0, 60);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 0.1:0:0 0.2:1:60 0.3:1:60 0.4:0:0 0.5:0:0 "
	    "0.6:0:0 0.7:0:0 0.8:0:0 0.9:1:60 1:1:60");
	/* Rates per second of a 0.1 s interval. */
	ck_assert_double_eq_tol(d(t, 2, "packets_per_s"), 10, 1e-9);
	ck_assert_double_eq_tol(d(t, 2, "bits_per_s"), 4800, 1e-9);
	table_free(t);
	t = panel_snapshot(q);
	ck_rows(t, "0:4:240 1:1:60");
	table_free(t);
	panel_close(p);
	panel_close(q);
}
END_TEST

/* A fixed ring: past max_rows intervals, the oldest fold into "other",
 * counted exactly, whether they left with a packet or with the clock. */
START_TEST(io_fold)
{
	struct panel *p = open_io("", 4);
	struct table *t;
	int i;

	for (i = 0; i < 10; i++)
		push((uint64_t)i + 1, i + 0.5, 100 + (uint32_t)i);
	t = panel_snapshot(p);
	ck_rows(t, "6:1:106 7:1:107 8:1:108 9:1:109");
	ck_assert_uint_eq(t->folded_rows, 6);
	ck_assert_int_eq(t->folded_rows_estimated, false);
	ck_assert_uint_eq(t->folded_frames, 6);
	ck_assert_uint_eq(t->folded_bytes, 100 + 101 + 102 + 103 + 104 + 105);
	table_free(t);

	/* A jump: everything held folds at once. */
	push(11, 1000.25, 50);
	t = panel_snapshot(p);
	ck_rows(t, "997:0:0 998:0:0 999:0:0 1000:1:50");
	ck_assert_uint_eq(t->folded_rows, 997);
	ck_assert_uint_eq(t->folded_frames, 10);
	ck_assert_uint_eq(t->folded_bytes, 1045);
	table_free(t);

	/* The clock beyond: the drawn table folds, the panel keeps. */
	clock_at(p, 1003.5);
	t = panel_snapshot(p);
	ck_rows(t, "1000:1:50 1001:0:0 1002:0:0 1003:0:0");
	ck_assert_uint_eq(t->folded_rows, 1000);
	ck_assert_uint_eq(t->folded_frames, 10);
	table_free(t);
	clock_at(p, 1005.5);
	t = panel_snapshot(p);
	ck_rows(t, "1002:0:0 1003:0:0 1004:0:0 1005:0:0");
	ck_assert_uint_eq(t->folded_rows, 1002);
	ck_assert_uint_eq(t->folded_frames, 11);
	ck_assert_uint_eq(t->folded_bytes, 1095);
	table_free(t);
	panel_close(p);
}
END_TEST

/* --interval-mode delta: drawn at an interval's end, then reset, the next
 * draw holds the next interval only. */
START_TEST(io_reset_delta)
{
	struct panel *p = open_io("", 0);
	struct table *t;

	push(1, 0.0, 60);
	push(2, 1.5, 61);
	clock_at(p, 2.0);
	t = panel_snapshot(p);
	ck_rows(t, "0:1:60 1:1:61");
	table_free(t);
	reset_tap_listener(p);
	clock_at(p, 3.0);
	t = panel_snapshot(p);
	ck_rows(t, "2:0:0");
	table_free(t);
	reset_tap_listener(p);
	push(3, 3.25, 62);
	push(4, 0.5, 63);		/* out of order: in progress */
	clock_at(p, 4.0);
	t = panel_snapshot(p);
	ck_rows(t, "3:2:125");
	table_free(t);
	reset_tap_listener(p);
	/* A last, partial interval: up to the last packet. */
	push(5, 4.75, 64);
	clock_at(p, 4.75);
	t = panel_snapshot(p);
	ck_rows(t, "4:1:64");
	table_free(t);

	/* Without a clock (the interface's reset key): the interval in
	 * progress starts again. */
	reset_tap_listener(p);
	panel_set_clock(p, 0, INT64_MIN);
	push(6, 4.8, 65);
	t = panel_snapshot(p);
	ck_rows(t, "4:1:65");
	table_free(t);
	panel_close(p);
}
END_TEST

/* A chart is drawn again when its clock moved, even with no packet (its
 * rows reach the clock); another panel is not. */
START_TEST(io_redrawn_with_clock)
{
	struct panel *p = open_io("", 0), *s;
	struct table *t;
	char *err = NULL;

	s = panel_open("summary", "", 0, &err);
	ck_assert_ptr_nonnull(s);
	push(1, 0.0, 60);
	clock_at(p, 0.5);
	clock_at(s, 0.5);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	table_free(t);
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(s));
	table_free(t);
	ck_assert_ptr_null(panel_snapshot_if_changed(p));
	ck_assert_ptr_null(panel_snapshot_if_changed(s));
	clock_at(p, 2.5);
	clock_at(s, 2.5);
	ck_assert_ptr_null(panel_snapshot_if_changed(s));
	ck_assert_ptr_nonnull(t = panel_snapshot_if_changed(p));
	ck_rows(t, "0:1:60 1:0:0 2:0:0");
	table_free(t);
	ck_assert_ptr_null(panel_snapshot_if_changed(p));
	panel_close(p);
	panel_close(s);
}
END_TEST

/* Far times stay in range: no overflow, no row past the ring. */
START_TEST(io_far_times)
{
	struct panel *p = open_io("", 0);
	struct table *t;

	push(1, 0.0, 60);
	push(2, 9.5e9, 60);		/* about 300 years later */
	push(3, 1e300, 60);
	panel_set_clock(p, INT64_MAX, INT64_MIN + 1);
	t = panel_snapshot(p);
	/* Both far frames clamp to 9e18 ns, in interval 9e9; the clock's
	 * span saturates at INT64_MAX ns: the last row is interval
	 * 9223372036, so the frames are in "other". */
	ck_assert_int_eq(t->nrows, 3600);
	ck_assert_double_eq_tol(d(t, t->nrows - 1, "start"), 9223372036.0,
	    1e-3);
	ck_assert_uint_eq(t->folded_rows, 9223372036ULL - 3599);
	ck_assert_uint_eq(t->folded_frames, 3);
	ck_assert_uint_eq(t->folded_bytes, 180);
	table_free(t);
	panel_close(p);
}
END_TEST

Suite *
suite_io(void)
{
	Suite *s = suite_create("io");
	TCase *tc = tcase_create("io");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, io_class);
	tcase_add_test(tc, io_bins);
	tcase_add_test(tc, io_out_of_order);
	tcase_add_test(tc, io_clock_rows);
	tcase_add_test(tc, io_interval);
	tcase_add_test(tc, io_fold);
	tcase_add_test(tc, io_reset_delta);
	tcase_add_test(tc, io_redrawn_with_clock);
	tcase_add_test(tc, io_far_times);
	suite_add_tcase(s, tc);
	return (s);
}
