/*
 * Row rates: the bytes of one table row (a conversation, an endpoint, a
 * protocol path) per second of capture time, over the last 2, 10 and 40
 * seconds, as iftop shows them.
 *
 * Each row carries a ring of the last ROWRATE_SECONDS one-second byte
 * counts: the newest second's count, and the 40 before it.  A window of W
 * seconds ending at "now" is (now - W, now]: it covers W whole seconds
 * when now is on a second's boundary, and otherwise W - 1 whole ones and
 * parts of two.  The part of the oldest second it cuts counts pro rata
 * (its bytes taken as spread over the second); the second now is in
 * counts whole when it is the row's newest, since its packets all came by
 * now.  That is ratehist's rule (ratehist.h), the status line's.  A 40 s
 * window needs 41 seconds: hence 41 counts.
 *
 * Times are capture time (the packets' timestamps), and "now" is the
 * caller's (capture_now_ns() in capture.h; the end of an interval in
 * batch mode): a file read at full speed, a replay at any pace and a live
 * capture give the same rates for the same packets.  A window that would
 * reach back before the capture's first packet is cut there (the time
 * before the capture had no traffic to count), as the status line's and
 * iftop's are.
 *
 * Size: 96 bytes a row, fixed: the newest second (8 bytes), its count
 * (4 bytes, exact), and the 40 seconds before it in two bytes each, as a
 * small float (an 11-bit mantissa and a 5-bit exponent: exact up to 2047
 * bytes, within 1/2048 (0.05%) of the count above, rounded to nearest),
 * so a window's sum is within 0.05% too, far inside the 1% the rates
 * promise.  Four-byte counts would take 176 bytes a row: with 20,000 rows
 * in each of a few panels, the difference is megabytes.  A second's count
 * saturates at 2^32 - 1 bytes (34 Gb/s on one row).  A zeroed struct is
 * an empty ring, so a row's ring is ready as soon as the flowtab hands
 * out its zeroed value, and goes with the row when the row is evicted.
 *
 * Cost: a packet of the row's newest second is one compare and one add
 * (the count kept beside the second, so a packet touches the ring's first
 * cache line only); a packet of a new second moves the ring on, rounding
 * the count that was newest into its slot and clearing the seconds
 * skipped (at most 40 stores, once per second and row); a late packet of
 * an older second is added to that second's rounded count (rounded
 * again: late packets are rare); a packet older than the ring adds
 * nothing to the rates (it lies outside every window of a now that is
 * not older than the row's newest packet).  Nothing is done for a row
 * that gets no packet: an idle row costs its memory only, until a draw
 * reads its rates.  Not locked: the panels use it under their listener
 * lock.
 */
#ifndef TAPTOP_ROWRATE_H
#define TAPTOP_ROWRATE_H

#include <stdbool.h>
#include <stdint.h>

#include "table.h"

#define ROWRATE_SECONDS	41		/* the newest and the 40 before */
#define ROWRATE_NWIN	3

/* The windows, in seconds, and the columns a panel shows them in (bytes
 * per second; the interface shows bits with `b`). */
extern const int rowrate_windows[ROWRATE_NWIN];	/* 2, 10, 40 */

#define ROWRATE_COLS \
	{ "rate_2s", "Bytes/s 2s", COL_RATE }, \
	{ "rate_10s", "Bytes/s 10s", COL_RATE }, \
	{ "rate_40s", "Bytes/s 40s", COL_RATE }

struct rowrate {
	/* The newest second held, XOR INT64_MIN, so that the zeroed ring is
	 * "newest second INT64_MIN", which no timestamp reaches (they are
	 * clamped to +-9e9 s): empty. */
	int64_t		 tag;
	uint32_t	 cur;			/* bytes of the newest second */
	uint8_t		 head;		/* old[head]: the second before */
	uint8_t		 pad;
	uint16_t	 old[ROWRATE_SECONDS - 1];	/* the 40 before it,
							 * rowrate_pack()ed */
};

/* The clock a panel draws its rates at: now, and the capture's first
 * packet (the window is cut there; INT64_MIN: never cut).  Nanoseconds
 * since the epoch. */
struct rowrate_clock {
	int64_t		 now_ns;
	int64_t		 since_ns;
};

#define ROWRATE_TAG(sec) \
	((int64_t)((uint64_t)(sec) ^ (uint64_t)INT64_MIN))

void	 rowrate_add_slow(struct rowrate *, int64_t sec, uint32_t bytes);

static inline uint32_t
rowrate_sat_add(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return (s < a ? UINT32_MAX : s);
}

/* A packet of `bytes` in second sec (the packet's ts_sec). */
static inline void
rowrate_add(struct rowrate *r, int64_t sec, uint32_t bytes)
{
#ifndef TAPTOP_NO_ROWRATE
	if (__builtin_expect(r->tag == ROWRATE_TAG(sec), 1))
		r->cur = rowrate_sat_add(r->cur, bytes);
	else
		rowrate_add_slow(r, sec, bytes);
#else
	/* The build bench/ uses to measure what the rates cost. */
	(void)r;
	(void)sec;
	(void)bytes;
#endif
}

bool	 rowrate_empty(const struct rowrate *);

/* A count of bytes as old[] keeps it, and back (exposed for tests). */
uint16_t rowrate_pack(uint64_t bytes);
uint64_t rowrate_unpack(uint16_t);

/* The bytes the ring holds for second sec (0 when it holds none). */
uint64_t rowrate_second(const struct rowrate *, int64_t sec);

/* Bytes per second over (now - window_s, now], the window cut at since
 * (above); 0 when the cut window is empty. */
double	 rowrate_rate(const struct rowrate *, const struct rowrate_clock *,
	    int window_s);

/* The three ROWRATE_COLS cells of a row, in rowrate_windows' order. */
void	 rowrate_cells(const struct rowrate *, const struct rowrate_clock *,
	    union cell *three);

/*
 * When a panel whose newest packet is in second newest_sec has every rate
 * 0 for good (until another packet comes): the panel need not be drawn
 * again for its rates to be right after that.  INT64_MIN for a panel
 * without packets (newest_sec INT64_MIN).
 */
int64_t	 rowrate_quiet_after_ns(int64_t newest_sec);

#endif
