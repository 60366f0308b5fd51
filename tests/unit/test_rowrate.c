/*
 * The row ring (core/rowrate.h) with exact numbers: whole windows, the
 * second a window cuts and the second now is in, windows ending on a
 * second's boundary, gaps of 40, 41 and more seconds, packets out of
 * order and older than the ring, times before 1970, the window cut at the
 * capture's start, a count that saturates, the rounding of old seconds'
 * counts, and when a panel's rates are 0 for good.  Then the ring against
 * a model that keeps every second, on random traffic with gaps and
 * disorder.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/rowrate.h"

#define NS	1000000000LL
#define EPS	1e-9

static struct rowrate rr;

static double
rate(int64_t now_ns, int w)
{
	struct rowrate_clock c = { now_ns, INT64_MIN };

	return (rowrate_rate(&rr, &c, w));
}

/* 1000 bytes (ten packets of 100) in each second from..to. */
static void
fill(int64_t from, int64_t to)
{
	int64_t s;
	int i;

	for (s = from; s <= to; s++)
		for (i = 0; i < 10; i++)
			rowrate_add(&rr, s, 100);
}

START_TEST(empty)
{
	struct rowrate_clock c = { 100 * NS, INT64_MIN };
	union cell three[ROWRATE_NWIN];

	memset(&rr, 0, sizeof(rr));
	ck_assert(rowrate_empty(&rr));
	ck_assert_uint_eq(rowrate_second(&rr, 0), 0);
	ck_assert_uint_eq(rowrate_second(&rr, INT64_MIN + 1), 0);
	rowrate_cells(&rr, &c, three);
	ck_assert_double_eq(three[0].d, 0);
	ck_assert_double_eq(three[2].d, 0);
	/* The size the README states. */
	ck_assert_uint_eq(sizeof(struct rowrate), 96);
	ck_assert_int_eq(rowrate_windows[0], 2);
	ck_assert_int_eq(rowrate_windows[1], 10);
	ck_assert_int_eq(rowrate_windows[2], 40);
}
END_TEST

START_TEST(windows)
{
	struct rowrate_clock c = { 150 * NS, INT64_MIN };
	union cell three[ROWRATE_NWIN];

	memset(&rr, 0, sizeof(rr));
	fill(100, 149);
	ck_assert_uint_eq(rowrate_second(&rr, 149), 1000);
	ck_assert_uint_eq(rowrate_second(&rr, 109), 1000);
	ck_assert_uint_eq(rowrate_second(&rr, 108), 0);	/* left the ring */
	ck_assert_uint_eq(rowrate_second(&rr, 150), 0);
	/* On a boundary, (148, 150], (140, 150], (110, 150]: whole
	 * seconds, 1000 B/s each. */
	rowrate_cells(&rr, &c, three);
	ck_assert_double_eq_tol(three[0].d, 1000, EPS);
	ck_assert_double_eq_tol(three[1].d, 1000, EPS);
	ck_assert_double_eq_tol(three[2].d, 1000, EPS);
	/* (147.5, 149.5]: half of 147, 148, and 149 whole (the newest:
	 * its bytes all came by now): 2500 B in 2 s. */
	ck_assert_double_eq_tol(rate(149 * NS + NS / 2, 2), 1250, EPS);
	/* (109.5, 149.5]: half of 109 and 110..149: 40500 in 40 s. */
	ck_assert_double_eq_tol(rate(149 * NS + NS / 2, 40), 40500.0 / 40,
	    EPS);
	/* (110.25, 150.25]: 0.75 of 110, 111..149: 39750 in 40 s. */
	ck_assert_double_eq_tol(rate(150 * NS + NS / 4, 40), 39750.0 / 40,
	    EPS);
	/* Later: (150, 152] is empty; (141, 151] holds 141..149. */
	ck_assert_double_eq_tol(rate(152 * NS, 2), 0, EPS);
	ck_assert_double_eq_tol(rate(151 * NS, 10), 900, EPS);
	/* Earlier than the newest second: (120, 130], whole seconds. */
	ck_assert_double_eq_tol(rate(130 * NS, 10), 1000, EPS);
	/* (128.5, 130.5]: 130 is not the newest, so it is cut too. */
	ck_assert_double_eq_tol(rate(130 * NS + NS / 2, 2), 1000, EPS);
}
END_TEST

/* Packets on a second's first instant, and now on it. */
START_TEST(boundaries)
{
	memset(&rr, 0, sizeof(rr));
	rowrate_add(&rr, 10, 500);		/* at 10.0 */
	rowrate_add(&rr, 11, 700);		/* at 11.0 */
	/* now = 11.0 exactly: (9, 11] holds both, 11's packet came at now
	 * (the newest second, at its first instant, counts whole). */
	ck_assert_double_eq_tol(rate(11 * NS, 2), 600, EPS);
	/* now = 12.0: (10, 12] holds second 10 whole, its first instant
	 * aside, and a count cannot tell a packet at 10.0 from one at
	 * 10.5: both count.  At 12.5 half of 10 is in. */
	ck_assert_double_eq_tol(rate(12 * NS, 2), 600, EPS);
	ck_assert_double_eq_tol(rate(12 * NS + NS / 2, 2), 475, EPS);
	/* now = 51.0: (11, 51] holds second 11, whole; at 52.0 nothing,
	 * and a nanosecond earlier a sliver of 11. */
	ck_assert_double_eq_tol(rate(51 * NS, 40), 700.0 / 40, EPS);
	ck_assert_double_eq_tol(rate(52 * NS, 40), 0, EPS);
	ck_assert(rate(52 * NS - 1, 40) > 0);
	ck_assert(rate(52 * NS - 1, 40) < 1e-3);
}
END_TEST

START_TEST(gaps)
{
	memset(&rr, 0, sizeof(rr));
	fill(100, 100);
	rowrate_add(&rr, 140, 50);		/* 40 s on: 100 still held */
	ck_assert_uint_eq(rowrate_second(&rr, 100), 1000);
	ck_assert_uint_eq(rowrate_second(&rr, 120), 0);
	ck_assert_uint_eq(rowrate_second(&rr, 140), 50);
	ck_assert_double_eq_tol(rate(140 * NS + NS / 2, 40), 1050.0 / 40 -
	    500.0 / 40, EPS);
	rowrate_add(&rr, 141, 60);		/* 100 leaves */
	ck_assert_uint_eq(rowrate_second(&rr, 100), 0);
	ck_assert_uint_eq(rowrate_second(&rr, 140), 50);
	ck_assert_uint_eq(rowrate_second(&rr, 141), 60);
	/* 41 s on: the ring is one second of 141 (40 zero). */
	rowrate_add(&rr, 182, 70);
	ck_assert_uint_eq(rowrate_second(&rr, 141), 0);
	ck_assert_uint_eq(rowrate_second(&rr, 142), 0);
	ck_assert_uint_eq(rowrate_second(&rr, 182), 70);
	/* Far on: everything older is gone. */
	rowrate_add(&rr, 1000000, 80);
	ck_assert_uint_eq(rowrate_second(&rr, 182), 0);
	ck_assert_double_eq_tol(rate(1000000 * NS + NS / 2, 2), 40, EPS);
	ck_assert_double_eq_tol(rate(1000001 * NS, 40), 2, EPS);
	/* And every slot of the ring was cleared. */
	for (int64_t s = 1000000 - 40; s < 1000000; s++)
		ck_assert_uint_eq(rowrate_second(&rr, s), 0);
}
END_TEST

START_TEST(out_of_order)
{
	memset(&rr, 0, sizeof(rr));
	fill(100, 110);
	rowrate_add(&rr, 105, 300);		/* back in time, in the ring */
	ck_assert_uint_eq(rowrate_second(&rr, 105), 1300);
	ck_assert_uint_eq(rowrate_second(&rr, 110), 1000);
	rowrate_add(&rr, 70, 300);		/* the oldest second held */
	ck_assert_uint_eq(rowrate_second(&rr, 70), 300);
	rowrate_add(&rr, 69, 300);		/* older than the ring */
	ck_assert_uint_eq(rowrate_second(&rr, 69), 0);
	ck_assert_uint_eq(rowrate_second(&rr, 110), 1000);
	/* (100, 110]: 101..110 and the 300 late in 105. */
	ck_assert_double_eq_tol(rate(111 * NS, 10), 1030, EPS);
	/* Times before 1970: seconds -3..-1 (-0.5 is second -1). */
	memset(&rr, 0, sizeof(rr));
	fill(-3, -1);
	ck_assert_uint_eq(rowrate_second(&rr, -3), 1000);
	ck_assert_uint_eq(rowrate_second(&rr, 0), 0);
	/* (-2.5, -0.5]: half of -3, -2, and -1 whole (the newest). */
	ck_assert_double_eq_tol(rate(-NS / 2, 2), 1250, EPS);
	ck_assert_double_eq_tol(rate(0, 3), 1000, EPS);
}
END_TEST

START_TEST(since_cut)
{
	struct rowrate_clock c;

	memset(&rr, 0, sizeof(rr));
	fill(100, 104);
	/* The capture began at 100.0: (100, 105] is all there was, 5 s. */
	c = (struct rowrate_clock){ 105 * NS, 100 * NS };
	ck_assert_double_eq_tol(rowrate_rate(&rr, &c, 40), 1000, EPS);
	ck_assert_double_eq_tol(rowrate_rate(&rr, &c, 10), 1000, EPS);
	ck_assert_double_eq_tol(rowrate_rate(&rr, &c, 2), 1000, EPS);
	/* It began at 100.5: second 100's bytes came after, all in. */
	c = (struct rowrate_clock){ 105 * NS, 100 * NS + NS / 2 };
	ck_assert_double_eq_tol(rowrate_rate(&rr, &c, 40), 5000 / 4.5, EPS);
	/* Now at the start, or before it: nothing to divide by. */
	c = (struct rowrate_clock){ 100 * NS, 100 * NS };
	ck_assert_double_eq(rowrate_rate(&rr, &c, 40), 0);
	c = (struct rowrate_clock){ 99 * NS, 100 * NS };
	ck_assert_double_eq(rowrate_rate(&rr, &c, 40), 0);
}
END_TEST

START_TEST(saturates)
{
	memset(&rr, 0, sizeof(rr));
	rowrate_add(&rr, 5, UINT32_MAX - 10);
	rowrate_add(&rr, 5, 100);
	ck_assert_uint_eq(rowrate_second(&rr, 5), UINT32_MAX);
	rowrate_add(&rr, 6, 1);
	/* In old[], within the rounding of the largest count. */
	ck_assert_uint_ge(rowrate_second(&rr, 5), UINT32_MAX -
	    (UINT32_MAX >> 11));
	rowrate_add(&rr, 5, 100);
	ck_assert_uint_le(rowrate_second(&rr, 5), (uint64_t)UINT32_MAX +
	    (UINT32_MAX >> 11));
	ck_assert_uint_ge(rowrate_second(&rr, 5), UINT32_MAX -
	    (UINT32_MAX >> 11));
	ck_assert_uint_eq(rowrate_second(&rr, 6), 1);
}
END_TEST

/* The old seconds' counts: exact below 2048, within 1/2048 above,
 * rounded to nearest, never decreasing with the count. */
START_TEST(packed_counts)
{
	uint64_t x, y, prev = 0;
	double worst = 0;
	int i;

	for (x = 0; x < 70000; x++) {
		y = rowrate_unpack(rowrate_pack(x));
		if (x < 2048)
			ck_assert_uint_eq(y, x);
		ck_assert_uint_ge(y, prev);
		prev = y;
		if (x > 0)
			worst = MAX(worst, fabs((double)y - (double)x) /
			    (double)x);
	}
	for (i = 11; i < 32; i++) {
		for (x = (1ull << i) - 3; x < (1ull << i) + 3; x++) {
			y = rowrate_unpack(rowrate_pack(x));
			worst = MAX(worst, fabs((double)y - (double)x) /
			    (double)x);
		}
	}
	ck_assert(worst <= 1.0 / 2048);
	ck_assert(worst > 0);
	/* 100 kB, as a second of 100 kB/s: 1563 units of 64. */
	ck_assert_uint_eq(rowrate_unpack(rowrate_pack(100000)), 100032);
	ck_assert_uint_eq(rowrate_unpack(rowrate_pack(UINT32_MAX)),
	    (uint64_t)UINT32_MAX + 1);
	/* A late packet into an old second adds to its rounded count. */
	memset(&rr, 0, sizeof(rr));
	rowrate_add(&rr, 1, 1000);
	rowrate_add(&rr, 2, 1);
	rowrate_add(&rr, 1, 1000);
	rowrate_add(&rr, 1, 47);
	ck_assert_uint_eq(rowrate_second(&rr, 1), 2047);
	rowrate_add(&rr, 1, 3);
	ck_assert_uint_eq(rowrate_second(&rr, 1), 2050);
}
END_TEST

START_TEST(quiet_after)
{
	int64_t q;

	memset(&rr, 0, sizeof(rr));
	fill(100, 100);
	q = rowrate_quiet_after_ns(100);
	ck_assert(rate(q - 1, 40) > 0);
	ck_assert_double_eq(rate(q, 40), 0);
	ck_assert_double_eq(rate(q + 100 * NS, 40), 0);
	ck_assert_int_eq(rowrate_quiet_after_ns(INT64_MIN), INT64_MIN);
}
END_TEST

/*
 * The model: every second's bytes in a hash table, and the same window
 * rule written out again.  The ring must agree on any traffic whose
 * packets are not older than 40 s before the newest when they come.
 */
static double
model_rate(GHashTable *secs, int64_t newest, int64_t now, int w)
{
	int64_t start = now - (int64_t)w * NS, s, lo, hi;
	double sum = 0, frac;

	for (s = (int64_t)floor((double)start / NS); s <= newest &&
	    s * NS <= now; s++) {
		gpointer v = g_hash_table_lookup(secs, &s);
		double n = v != NULL ? (double)*(uint64_t *)v : 0;

		if (n == 0 || s < newest - 40)
			continue;
		lo = s * NS;
		hi = s >= newest && now < lo + NS ? now : lo + NS;
		frac = hi <= lo ? 1 : (double)(MIN(hi, now) - MAX(lo, start)) /
		    (double)(hi - lo);
		sum += n * CLAMP(frac, 0, 1);
	}
	return (sum / w);
}

START_TEST(against_model)
{
	GHashTable *secs = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, g_free);
	GRand *rnd = g_rand_new_with_seed(9);
	int64_t sec = 1000, newest = INT64_MIN, now;
	int i, k, w;

	memset(&rr, 0, sizeof(rr));
	for (i = 0; i < 20000; i++) {
		int64_t s = sec;
		uint32_t len = (uint32_t)g_rand_int_range(rnd, 40, 1500);
		uint64_t *v;

		switch (g_rand_int_range(rnd, 0, 20)) {
		case 0:		/* a gap, sometimes past the ring */
			sec += g_rand_int_range(rnd, 1, 60);
			s = sec;
			break;
		case 1:		/* late, within the ring */
			if (newest != INT64_MIN)
				s = newest - g_rand_int_range(rnd, 0, 41);
			break;
		case 2:
		case 3:
			s = ++sec;
			break;
		}
		if (newest != INT64_MIN && s < newest - 40)
			continue;
		rowrate_add(&rr, s, len);
		if (newest == INT64_MIN || s > newest)
			newest = s;
		if ((v = g_hash_table_lookup(secs, &s)) == NULL) {
			int64_t *key = g_new(int64_t, 1);

			*key = s;
			v = g_new0(uint64_t, 1);
			g_hash_table_insert(secs, key, v);
		}
		*v += len;
		if (i % 97 != 0)
			continue;
		for (k = 0; k < 5; k++) {
			now = newest * NS + g_rand_int_range(rnd, -45000,
			    45000) * 1000000LL;
			/* Old seconds' counts are within 1/2048 (above):
			 * so is any sum of them. */
			for (w = 0; w < ROWRATE_NWIN; w++) {
				double m = model_rate(secs, newest, now,
				    rowrate_windows[w]);

				ck_assert_double_eq_tol(rate(now,
				    rowrate_windows[w]), m, m / 2048 + 1e-6);
			}
		}
	}
	g_rand_free(rnd);
	g_hash_table_destroy(secs);
}
END_TEST

Suite *suite_rowrate(void);

Suite *
suite_rowrate(void)
{
	Suite *s = suite_create("rowrate");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, empty);
	tcase_add_test(tc, windows);
	tcase_add_test(tc, boundaries);
	tcase_add_test(tc, gaps);
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, since_cut);
	tcase_add_test(tc, saturates);
	tcase_add_test(tc, packed_counts);
	tcase_add_test(tc, quiet_after);
	tcase_add_test(tc, against_model);
	suite_add_tcase(s, tc);
	return (s);
}
