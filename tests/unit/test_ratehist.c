/*
 * The rate ring (core/ratehist.h) with exact numbers: whole and partial
 * seconds at the window's start, the current second, packets out of
 * order and older than the ring, jumps forward, times before 1970.  Then
 * the capture clock and rates of a file written here at a known rate, and
 * (suite rate_threads, run under ThreadSanitizer by make test-tsan) a
 * writer and readers at once, on the ring and on a running capture.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "core/capture.h"
#include "core/ratehist.h"

#define NS		1000000000LL
#define EPS		1e-9

static struct ratehist rh;

/* n packets of len bytes in second s, at s + i/n. */
static void
fill_second(struct ratehist *r, int64_t s, int n, uint64_t len)
{
	int i;

	for (i = 0; i < n; i++)
		ratehist_add(r, s * NS + (int64_t)i * (NS / n), len);
}

/* Ten packets of 100 bytes in each second 100..109. */
static void
ten_seconds(void)
{
	int64_t s;

	ratehist_init(&rh);
	for (s = 100; s <= 109; s++)
		fill_second(&rh, s, 10, 100);
}

static double
pps(int64_t now_ns, double w)
{
	double p, b;

	ratehist_rate(&rh, now_ns, w, &p, &b);
	/* Every packet here is 100 bytes. */
	ck_assert_double_eq_tol(b, p * 100, 1e-6);
	return (p);
}

START_TEST(empty)
{
	double p = -1, b = -1;

	ratehist_init(&rh);
	ratehist_rate(&rh, 5 * NS, 2, &p, &b);
	ck_assert_double_eq(p, 0);
	ck_assert_double_eq(b, 0);
	ck_assert_int_eq(ratehist_folded(&rh), 0);
}
END_TEST

START_TEST(windows)
{
	uint64_t p, b;

	ten_seconds();
	ck_assert(ratehist_second(&rh, 104, &p, &b));
	ck_assert_uint_eq(p, 10);
	ck_assert_uint_eq(b, 1000);
	ck_assert(!ratehist_second(&rh, 99, &p, &b));
	ck_assert(!ratehist_second(&rh, 110, &p, &b));
	/* (107.5, 109.5]: half of 107 (5), 108 (10), all of 109, the
	 * current second (10): 25 in 2 s. */
	ck_assert_double_eq_tol(pps(109 * NS + NS / 2, 2), 12.5, EPS);
	/* (108, 110]: 108 and 109 whole, 110 holds nothing. */
	ck_assert_double_eq_tol(pps(110 * NS, 2), 10, EPS);
	/* (107, 109.5]: 30 in 2.5 s. */
	ck_assert_double_eq_tol(pps(109 * NS + NS / 2, 2.5), 12, EPS);
	/* (108.25, 109.75]: 0.75 of 108 and 109: 17.5 in 1.5 s. */
	ck_assert_double_eq_tol(pps(109 * NS + 3 * NS / 4, 1.5),
	    17.5 / 1.5, EPS);
	/* Inside the current second, which spans [109, now]: (109.25,
	 * 109.5] is half of it, 5 packets in 0.25 s. */
	ck_assert_double_eq_tol(pps(109 * NS + NS / 2, 0.25), 20, EPS);
	/* Longer than the history: 100 packets over 100 s. */
	ck_assert_double_eq_tol(pps(109 * NS + NS / 2, 100), 1, EPS);
	/* Later than the traffic: (118, 120] is empty. */
	ck_assert_double_eq_tol(pps(120 * NS, 2), 0, EPS);
	/* Earlier than the newest packets: (102, 104], what was then (104
	 * is a whole second then, none of it in the window). */
	ck_assert_double_eq_tol(pps(104 * NS, 2), 10, EPS);
	/* (102.5, 104.5]: halves of 102 and 104, all of 103. */
	ck_assert_double_eq_tol(pps(104 * NS + NS / 2, 2), 10, EPS);
	ck_assert_double_eq_tol(pps(104 * NS + NS / 4, 1), 10, EPS);
	/* The window is clamped to the ring: 127 s at most. */
	ck_assert_double_eq_tol(pps(109 * NS + NS / 2, 1e9), 100.0 / 127,
	    EPS);
	ck_assert_double_eq(pps(109 * NS, 0), 0);
	ck_assert_double_eq(pps(109 * NS, -1), 0);
}
END_TEST

START_TEST(out_of_order)
{
	uint64_t p, b;

	ten_seconds();
	/* Back in time but in the ring: its own second. */
	ratehist_add(&rh, 105 * NS + 300000000, 700);
	ck_assert(ratehist_second(&rh, 105, &p, &b));
	ck_assert_uint_eq(p, 11);
	ck_assert_uint_eq(b, 1700);
	/* A second of the ring that had nothing yet. */
	ratehist_add(&rh, 50 * NS, 40);
	ck_assert(ratehist_second(&rh, 50, &p, &b));
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(b, 40);
	ck_assert_uint_eq(ratehist_folded(&rh), 0);
	/* Older than the ring (109 - 128 = -19 is out): into its oldest
	 * second, -18, and counted. */
	ratehist_add(&rh, -19 * NS, 5);
	ck_assert_uint_eq(ratehist_folded(&rh), 1);
	ck_assert(ratehist_second(&rh, -18, &p, &b));
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(b, 5);
	ck_assert(!ratehist_second(&rh, -19, &p, &b));
	ck_assert_uint_eq(p, 0);
}
END_TEST

START_TEST(jump_forward)
{
	uint64_t p, b;

	ten_seconds();
	ratehist_add(&rh, 1000 * NS, 100);
	/* 100..109 left the ring, though no packet reused their buckets. */
	ck_assert(!ratehist_second(&rh, 109, &p, &b));
	ck_assert(ratehist_second(&rh, 1000, &p, &b));
	ck_assert_uint_eq(p, 1);
	ck_assert_double_eq_tol(pps(1000 * NS + NS / 2, 2), 0.5, EPS);
	/* The second that shares 1000's bucket, 1000 - 128, is out. */
	ratehist_add(&rh, 872 * NS, 100);
	ck_assert_uint_eq(ratehist_folded(&rh), 1);
	ck_assert(ratehist_second(&rh, 873, &p, &b));
	ck_assert_uint_eq(p, 1);
	ck_assert(ratehist_second(&rh, 1000, &p, &b));
	ck_assert_uint_eq(p, 1);
	/* 129 s of one packet each: the oldest is recycled, not folded. */
	ratehist_init(&rh);
	for (p = 0; p < 129; p++)
		ratehist_add(&rh, (int64_t)p * NS, 1);
	ck_assert(!ratehist_second(&rh, 0, &p, &b));
	ck_assert(ratehist_second(&rh, 1, &p, &b));
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(ratehist_folded(&rh), 0);
	ratehist_reset(&rh);
	ck_assert(!ratehist_second(&rh, 128, &p, &b));
	ck_assert_double_eq(pps(128 * NS, 10), 0);
}
END_TEST

START_TEST(before_1970)
{
	uint64_t p, b;

	ck_assert_int_eq(ratehist_sec_of(0), 0);
	ck_assert_int_eq(ratehist_sec_of(NS - 1), 0);
	ck_assert_int_eq(ratehist_sec_of(-1), -1);
	ck_assert_int_eq(ratehist_sec_of(-NS), -1);
	ck_assert_int_eq(ratehist_sec_of(-NS - 1), -2);
	ratehist_init(&rh);
	fill_second(&rh, -2, 4, 100);
	fill_second(&rh, -1, 4, 100);
	ck_assert(ratehist_second(&rh, -2, &p, &b));
	ck_assert_uint_eq(p, 4);
	/* (-2.5, -0.5]: all of -2, and -1 (spanning [-1, -0.5]). */
	ck_assert_double_eq_tol(pps(-NS / 2, 2), 4, EPS);
	/* (-1.75, -0.5]: 0.75 of -2 (3), and -1 (4): 7 in 1.25 s. */
	ck_assert_double_eq_tol(pps(-NS / 2, 1.25), 7 / 1.25, EPS);
}
END_TEST

/* A pcap of `seconds` s of `rate` packets a second of `len` bytes. */
static char *
write_pcap(int seconds, int rate, int len)
{
	static const uint8_t hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,			/* Ethernet */
	};
	char *path = g_strdup("/tmp/taptop-rate-XXXXXX");
	uint8_t *frame = g_malloc0((size_t)len);
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
		rec[2] = rec[3] = (uint32_t)len;
		fwrite(rec, 1, sizeof(rec), f);
		fwrite(frame, 1, (size_t)len, f);
	}
	fclose(f);
	g_free(frame);
	return (path);
}

START_TEST(capture_clock)
{
	struct capture_opts o;
	struct capture_counters n;
	struct capture *c;
	char *path = write_pcap(10, 100, 200), *err = NULL;
	double p, b;

	capture_opts_init(&o);
	o.file = path;
	c = capture_open(&o, &err, NULL);
	ck_assert_msg(c != NULL, "%s", err);
	/* A file before its first packet: no time yet, no rate. */
	ck_assert_int_eq(capture_now_ns(c), 0);
	capture_rate(c, 2, &p, &b);
	ck_assert_double_eq(p, 0);
	capture_run(c);
	capture_counters(c, &n);
	ck_assert_uint_eq(n.packets, 1000);
	/* A finished file: the clock stops at its last packet, 9.99 s in. */
	ck_assert_int_eq(capture_now_ns(c), n.last_ns);
	ck_assert_int_eq(n.last_ns, 1700000009LL * NS + 990000000);
	/* (7.99, 9.99]: 1 of second 7, 100 of 8, 100 of 9. */
	capture_rate(c, 2, &p, &b);
	ck_assert_double_eq_tol(p, 201.0 / 2, EPS);
	ck_assert_double_eq_tol(b, 201.0 * 200 / 2, 1e-6);
	/* A window reaching before the first packet is cut there: 9.99 s. */
	capture_rate(c, 60, &p, &b);
	ck_assert_double_eq_tol(p, 1000 / 9.99, 1e-6);
	capture_close(c);
	unlink(path);
	g_free(path);
}
END_TEST

START_TEST(live_clock_is_real_time)
{
	struct capture_opts o;
	struct capture *c;
	struct timespec ts;
	char *err = NULL;
	int64_t before, now, after;

	capture_opts_init(&o);
	o.iface = "lo";
	o.count = 1;
	if ((c = capture_open(&o, &err, NULL)) == NULL) {
		/* No permission to capture: nothing to test here. */
		g_free(err);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	before = (int64_t)ts.tv_sec * NS + ts.tv_nsec;
	now = capture_now_ns(c);
	clock_gettime(CLOCK_REALTIME, &ts);
	after = (int64_t)ts.tv_sec * NS + ts.tv_nsec;
	ck_assert_int_ge(now, before);
	ck_assert_int_le(now, after);
	capture_close(c);
}
END_TEST

Suite *
suite_ratehist(void)
{
	Suite *s = suite_create("ratehist");
	TCase *tc = tcase_create("ring");
	TCase *cl = tcase_create("clock");

	tcase_add_test(tc, empty);
	tcase_add_test(tc, windows);
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, jump_forward);
	tcase_add_test(tc, before_1970);
	suite_add_tcase(s, tc);
	tcase_set_timeout(cl, 60);
	tcase_add_test(cl, capture_clock);
	tcase_add_test(cl, live_clock_is_real_time);
	suite_add_tcase(s, cl);
	return (s);
}

/* ---- threads ---- */

#define W_SECONDS	400	/* more than the ring, to recycle buckets */
#define W_RATE		5000
#define W_LEN		100

static atomic_bool writer_done;

static gpointer
writer(gpointer arg)
{
	struct ratehist *r = arg;
	int64_t i;

	for (i = 0; i < (int64_t)W_SECONDS * W_RATE; i++) {
		ratehist_add(r, 1000 * NS + i * (NS / W_RATE), W_LEN);
		/* Now and then a late one, to a second still in the ring. */
		if (i % 997 == 0 && i > 10 * W_RATE)
			ratehist_add(r, 1000 * NS + (i - 5 * W_RATE) *
			    (NS / W_RATE), W_LEN);
	}
	atomic_store(&writer_done, true);
	return (NULL);
}

/* A reader sees each second's counts as they were at some moment: never
 * more than was written, and never bytes of a packet it does not count
 * (packets may run ahead of bytes: the writer does not wait for readers,
 * and a preempted reader sees the packets added meanwhile). */
START_TEST(threads_ring)
{
	GThread *w;
	uint64_t p, b, reads = 0;
	int64_t s;
	double pr, br;

	ratehist_init(&rh);
	atomic_store(&writer_done, false);
	w = g_thread_new("writer", writer, &rh);
	while (!atomic_load(&writer_done) || reads < 1000) {
		for (s = 1000; s < 1000 + W_SECONDS; s += 7) {
			if (!ratehist_second(&rh, s, &p, &b))
				continue;
			reads++;
			ck_assert_uint_le(p, W_RATE + W_RATE / 997 + 2);
			ck_assert_uint_le(b, p * W_LEN);
			ck_assert_uint_eq(b % W_LEN, 0);
		}
		ratehist_rate(&rh, (1000 + W_SECONDS / 2) * NS, 2, &pr, &br);
		ck_assert(pr >= 0 && pr <= W_RATE * 2);
	}
	g_thread_join(w);
	ck_assert(ratehist_second(&rh, 1000 + W_SECONDS - 1, &p, &b));
	ck_assert_uint_eq(p, W_RATE);
}
END_TEST

/* The capture clock and rates read while a paced replay runs. */
START_TEST(threads_capture)
{
	struct capture_opts o;
	struct capture_counters n;
	struct capture *c;
	char *path = write_pcap(10, 200, 60), *err = NULL;
	int64_t now, prev = 0;
	double p, b;
	int reads = 0;

	capture_opts_init(&o);
	o.file = path;
	o.speed = 50;			/* 10 s of capture in 0.2 s */
	c = capture_open(&o, &err, NULL);
	ck_assert_msg(c != NULL, "%s", err);
	capture_start(c);
	while (capture_get_state(c) == CAPTURE_RUNNING || reads < 10) {
		now = capture_now_ns(c);
		capture_rate(c, 2, &p, &b);
		ck_assert(p >= 0 && p <= 1000);
		if (now != 0) {
			ck_assert_int_ge(now, 1700000000LL * NS);
			ck_assert_int_le(now, 1700000010LL * NS);
			ck_assert_int_ge(now, prev);
			prev = now;
		}
		reads++;
		g_usleep(1000);
	}
	capture_join(c);
	capture_counters(c, &n);
	ck_assert_uint_eq(n.packets, 2000);
	ck_assert_int_eq(capture_now_ns(c), n.last_ns);
	capture_close(c);
	unlink(path);
	g_free(path);
}
END_TEST

Suite *
suite_rate_threads(void)
{
	Suite *s = suite_create("rate_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, threads_ring);
	tcase_add_test(tc, threads_capture);
	suite_add_tcase(s, tc);
	return (s);
}
