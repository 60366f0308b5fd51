/*
 * Row rates: see rowrate.h.
 *
 * The ring: cur is the newest second's count; old[] holds the 40 seconds
 * before it, old[head] the one just before and old[head - k + 1] (modulo
 * 40) the k-th before.  Moving on by d seconds pushes cur into the slot
 * after head and zeroes the d - 1 slots after that: the seconds skipped
 * had nothing.  A jump of more than 40 seconds clears the ring.
 *
 * An old[] count is m << e, m in 11 bits and e in 5: below 2048, e is 0
 * and m the count itself; above, m is normalised to [1024, 2047] and
 * rounded to nearest, so the error is at most half of 2^e, under 1/2048
 * of the count.  The largest count, 2^32 - 1, needs e = 21.
 */
#include <string.h>

#include <glib.h>

#include "ratehist.h"
#include "rowrate.h"

#define NS		1000000000LL
#define NOLD		(ROWRATE_SECONDS - 1)

const int rowrate_windows[ROWRATE_NWIN] = { 2, 10, 40 };

#define MANT_BITS	11
#define MANT_MAX	((1u << MANT_BITS) - 1)

uint16_t
rowrate_pack(uint64_t x)
{
	unsigned e;
	uint64_t m;

	if (x > UINT32_MAX)
		x = UINT32_MAX;
	if (x <= MANT_MAX)
		return ((uint16_t)x);
	e = (unsigned)(64 - __builtin_clzll(x)) - MANT_BITS;
	m = (x + (1ull << (e - 1))) >> e;
	if (m > MANT_MAX) {		/* rounded up to the next power */
		m >>= 1;
		e++;
	}
	return ((uint16_t)(e << MANT_BITS | m));
}

uint64_t
rowrate_unpack(uint16_t v)
{
	return ((uint64_t)(v & MANT_MAX) << (v >> MANT_BITS));
}

static inline int64_t
newest_of(const struct rowrate *r)
{
	return ((int64_t)((uint64_t)r->tag ^ (uint64_t)INT64_MIN));
}

bool
rowrate_empty(const struct rowrate *r)
{
	return (r->tag == 0);
}

/* The slot of the second k seconds before the newest, 1 <= k <= 40. */
static inline unsigned
slot(const struct rowrate *r, int64_t k)
{
	return ((unsigned)((r->head + NOLD - (k - 1)) % NOLD));
}

void
rowrate_add_slow(struct rowrate *r, int64_t sec, uint32_t bytes)
{
	int64_t newest = newest_of(r), d;
	unsigned i;

	if (rowrate_empty(r)) {
		/* Zeroed: old[] holds nothing already. */
		r->tag = ROWRATE_TAG(sec);
		r->cur = bytes;
		return;
	}
	if (sec < newest) {
		d = newest - sec;
		if (d <= NOLD) {
			i = slot(r, d);
			r->old[i] = rowrate_pack(rowrate_unpack(r->old[i]) +
			    bytes);
		}
		return;
	}
	/* A new second (sec == newest took the fast path). */
	d = sec - newest;
	if (d > NOLD) {
		memset(r->old, 0, sizeof(r->old));
	} else {
		r->head = (uint8_t)((r->head + 1) % NOLD);
		r->old[r->head] = rowrate_pack(r->cur);
		while (--d > 0) {
			r->head = (uint8_t)((r->head + 1) % NOLD);
			r->old[r->head] = 0;
		}
	}
	r->tag = ROWRATE_TAG(sec);
	r->cur = bytes;
}

uint64_t
rowrate_second(const struct rowrate *r, int64_t sec)
{
	int64_t newest = newest_of(r), k;

	if (rowrate_empty(r) || sec > newest)
		return (0);
	if (sec == newest)
		return (r->cur);
	k = newest - sec;
	return (k <= NOLD ? rowrate_unpack(r->old[slot(r, k)]) : 0);
}

double
rowrate_rate(const struct rowrate *r, const struct rowrate_clock *clk,
    int window_s)
{
	int64_t now = clk->now_ns, w = (int64_t)window_s * NS, start;
	int64_t newest = newest_of(r), s, s0, s1, lo, hi;
	double frac, sum = 0;
	uint64_t n;

	if (rowrate_empty(r) || w <= 0 || now < INT64_MIN + w)
		return (0);
	start = now - w;
	/* Cut at the capture's start: no traffic before it. */
	if (clk->since_ns != INT64_MIN && clk->since_ns > start) {
		if (clk->since_ns >= now)
			return (0);
		start = clk->since_ns;
		w = now - start;
	}
	s0 = ratehist_sec_of(start);
	s1 = MIN(ratehist_sec_of(now), newest);
	/* Only the seconds the ring holds can count. */
	s0 = MAX(s0, newest - NOLD);
	for (s = s0; s <= s1; s++) {
		if ((n = rowrate_second(r, s)) == 0)
			continue;
		/* The second's bytes lie in [lo, hi): the whole second, or
		 * [lo, now] for the row's newest when now is inside it, and
		 * not before the capture's first packet. */
		lo = s * NS;
		hi = s >= newest && now < lo + NS ? now : lo + NS;
		if (clk->since_ns != INT64_MIN)
			lo = MAX(lo, MIN(clk->since_ns, hi));
		if (hi <= lo)
			frac = 1;	/* now is the second's first instant */
		else
			frac = (double)(MIN(hi, now) - MAX(lo, start)) /
			    (double)(hi - lo);
		sum += (double)n * CLAMP(frac, 0, 1);
	}
	return (sum * 1e9 / (double)w);
}

void
rowrate_cells(const struct rowrate *r, const struct rowrate_clock *clk,
    union cell *three)
{
	int i;

	for (i = 0; i < ROWRATE_NWIN; i++)
		three[i].d = rowrate_rate(r, clk, rowrate_windows[i]);
}

int64_t
rowrate_quiet_after_ns(int64_t newest_sec)
{
	/* From (newest + 41) s on, the 40 s window starts after the newest
	 * second ends.  Times are clamped to +-9e9 s: no overflow. */
	if (newest_sec == INT64_MIN)
		return (INT64_MIN);
	return ((newest_sec + ROWRATE_SECONDS) * NS);
}
