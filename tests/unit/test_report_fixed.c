/*
 * report_fixed, the reports' "%.Nf" without printf, against the
 * reference it replaces: g_ascii_formatd (glibc's printf, which rounds the
 * exact binary value, ties to even).  Millions of doubles, chosen where a
 * shortcut would go wrong: every magnitude, a few ulps either side of each
 * printed step k/10^N and of each midpoint (k + 1/2)/10^N, the exact ties
 * (odd multiples of 2^-(N+1)), timestamps in nanoseconds that end in a
 * half microsecond, negatives that round to zero, -0, and both sides of
 * the point where report_fixed hands over to g_ascii_formatd.  The seed
 * is fixed, so a failure repeats.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/report.h"

struct tally {
	int	 prec;
	long	 checked, wrong;
	char	 first[160];	/* the first difference, for the message */
};

static void
check_one(struct tally *t, double d)
{
	char want[G_ASCII_DTOSTR_BUF_SIZE], got[REPORT_FIXED_MAX], fmt[8];
	size_t n;

	g_snprintf(fmt, sizeof(fmt), "%%.%df", t->prec);
	g_ascii_formatd(want, sizeof(want), fmt, d);
	n = report_fixed(got, d, t->prec);
	t->checked++;
	if (strcmp(want, got) == 0 && n == strlen(got))
		return;
	if (t->wrong++ == 0)
		g_snprintf(t->first, sizeof(t->first),
		    "%%.%df of %a: want \"%s\", got \"%s\" (length %zu)",
		    t->prec, d, want, got, n);
}

/* d and its neighbours up to k ulps away, both signs. */
static void
check_around(struct tally *t, double d, int k)
{
	double up = d, down = d;
	int i;

	check_one(t, d);
	check_one(t, -d);
	for (i = 0; i < k; i++) {
		up = nextafter(up, INFINITY);
		down = nextafter(down, -INFINITY);
		check_one(t, up);
		check_one(t, -up);
		check_one(t, down);
		check_one(t, -down);
	}
}

/* A random integer below 2^bits. */
static uint64_t
rand_bits(GRand *r, int bits)
{
	uint64_t u = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);

	return (bits >= 64 ? u : u & (((uint64_t)1 << bits) - 1));
}

/* The precisions the reports print get the most (1.8 million doubles for
 * "%.6f"); the others a share. */
static const int precs[] = { 6, 1, 2, 0, 3, 9 };
static const int rounds[] = { 60000, 30000, 30000, 10000, 10000, 10000 };

START_TEST(fixed_matches_printf)
{
	struct tally t = { .prec = precs[_i] };
	double scale = pow(10, t.prec), d, edge;
	int i, e, bits;
	GRand *r = g_rand_new_with_seed(0x7a970e + (guint32)_i);
	static const double fixed_cases[] = {
		0.0, 1e-9, 1e-300, 4.9e-324, 0.5, 1.5, 2.5, 0.125, 0.375,
		0.05, 0.15, 0.25, 0.35, 0.45, 0.005, 0.015, 0.0000005,
		0.0000015, 0.0000025, 1.0000005, 1367000000.0000005,
		1700000000.123456, 1e15, 1e16, 1e17, 1e22, 1e300, DBL_MAX,
		9007199254740991.0, 9007199254740992.0, 0x1p51, 0x1p52,
	};

	/* Fixed values, with neighbours. */
	for (i = 0; i < (int)G_N_ELEMENTS(fixed_cases); i++)
		check_around(&t, fixed_cases[i], 4);
	check_one(&t, -0.0);
	check_one(&t, INFINITY);
	check_one(&t, -INFINITY);
	check_one(&t, NAN);
	/* Both sides of the hand-over to g_ascii_formatd. */
	edge = 0x1p51 / scale;
	check_around(&t, edge, 64);
	check_around(&t, edge / 2, 16);
	check_around(&t, edge * 2, 16);

	for (i = 0; i < rounds[_i]; i++) {
		/* Any magnitude, from far below a printed step to past the
		 * hand-over. */
		e = (int)g_rand_int_range(r, -70, 60);
		d = ldexp((double)(rand_bits(r, 53) | (uint64_t)1 << 52), e - 52);
		check_one(&t, d);
		check_one(&t, -d);

		/* A printed step k/10^N and a midpoint (k + 1/2)/10^N, with
		 * k of any size below the hand-over. */
		bits = (int)g_rand_int_range(r, 1, 51);
		d = (double)rand_bits(r, bits);
		check_around(&t, d / scale, 2);
		check_around(&t, (d + 0.5) / scale, 2);

		/* Exact ties: an odd multiple of 2^-(N+1) times 10^N is an
		 * odd multiple of 1/2 (5^N is odd). */
		bits = (int)g_rand_int_range(r, 1, 40);
		d = ldexp((double)(rand_bits(r, bits) | 1), -(t.prec + 1));
		check_one(&t, d);
		check_one(&t, -d);
		/* Dyadic fractions 2^-k, most of them ties or near ones. */
		d = ldexp((double)(rand_bits(r, 20) | 1),
		    -(int)g_rand_int_range(r, 1, 40));
		check_one(&t, d);
		check_one(&t, -d);

		/* Capture times: epoch seconds and nanoseconds ending in a
		 * half microsecond (or near it), and small durations. */
		d = (double)g_rand_int_range(r, 0, 2000000000) +
		    (double)(g_rand_int_range(r, 0, 1000000) * 1000 + 500 +
		    g_rand_int_range(r, -2, 3)) / 1e9;
		check_one(&t, d);
		d = (double)(g_rand_int_range(r, 0, 1000000) * 1000 + 500) /
		    1e9;
		check_one(&t, d);
		check_one(&t, -d);
		d = (double)(g_rand_int_range(r, 0, 1000000) * 1000 + 500) /
		    1e9 - (double)(g_rand_int_range(r, 0, 1000000) * 1000 +
		    500) / 1e9;
		check_one(&t, d);
	}
	g_rand_free(r);
	ck_assert_msg(t.wrong == 0, "%ld of %ld differ; first: %s", t.wrong,
	    t.checked, t.first);
	ck_assert_int_gt(t.checked, 29L * rounds[_i]);
}
END_TEST

Suite *
suite_report_fixed(void)
{
	Suite *s = suite_create("report_fixed");
	TCase *tc = tcase_create("printf");

	tcase_add_loop_test(tc, fixed_matches_printf, 0,
	    G_N_ELEMENTS(precs));
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return (s);
}
