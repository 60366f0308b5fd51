/*
 * Rate history: packets and bytes per second of capture time, in a ring
 * of RATEHIST_SECONDS one-second buckets, from which rates over a window
 * ending at any "now" are computed (the status line's "now" rates; per-row
 * rates and a sparkline of the last minute can use the same ring).
 *
 * Seconds are capture time (the packets' timestamps), never the wall
 * clock: a file replayed ten times faster shows the traffic's rate, not
 * ten times it.  "Now" is the caller's: capture_now_ns() in capture.h.
 *
 * The contract between threads: ONE writer (the capture thread) adds
 * packets; any number of readers read at any time.  Each bucket carries
 * the second it holds as a tag, and the tag is the bucket's sequence
 * lock: the writer clears the tag before it recycles a bucket for a new
 * second and sets it after; a reader keeps what it read only if the tag
 * was the second it wanted before and after.  All fields are atomics
 * (relaxed, ordered by fences), so a reader never waits and never retries,
 * and ThreadSanitizer sees no race.  A reader never sees the bytes of a
 * packet it does not count; it may see packets whose bytes are not in yet
 * (those the writer added while it read), nothing worse.
 *
 * Adding costs a few stores and no allocation.  A packet whose timestamp
 * goes back (capture files are not always in order) counts in its own
 * second while that second is in the ring; one older than the ring counts
 * in the oldest second the ring holds, and in `folded`.  A timestamp that
 * jumps forward moves the ring on: the seconds skipped hold nothing.
 */
#ifndef TAPTOP_RATEHIST_H
#define TAPTOP_RATEHIST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define RATEHIST_SECONDS	128	/* a power of two, at least 120 */
#define RATEHIST_NONE		INT64_MIN	/* the tag of no second */

struct ratehist_bucket {
	atomic_int_fast64_t	 sec;		/* the second held, or NONE */
	atomic_uint_fast64_t	 packets;
	atomic_uint_fast64_t	 bytes;
};

struct ratehist {
	struct ratehist_bucket	 b[RATEHIST_SECONDS];
	atomic_int_fast64_t	 newest;	/* newest second seen, or NONE */
	atomic_uint_fast64_t	 folded;	/* packets older than the ring */
};

void	 ratehist_init(struct ratehist *);
/* Back to empty; only while no packet is being added. */
void	 ratehist_reset(struct ratehist *);


/*
 * The rates over the window (now - window_s, now], in packets and bytes
 * per second of capture time.  Packets are taken as spread evenly over
 * their second, so a second the window cuts counts pro rata; but when now
 * falls inside the newest second, that second's packets all came by now,
 * and it counts whole (as spread over [its start, now]).  window_s is
 * clamped to (0, RATEHIST_SECONDS - 1]; either pointer may be NULL.
 */
void	 ratehist_rate(const struct ratehist *, int64_t now_ns,
	    double window_s, double *packets_per_s, double *bytes_per_s);

/* What second sec holds: false (and zeros) if the ring does not hold it. */
bool	 ratehist_second(const struct ratehist *, int64_t sec,
	    uint64_t *packets, uint64_t *bytes);

/* Packets older than the ring when they came (counted in its oldest
 * second). */
uint64_t ratehist_folded(const struct ratehist *);

/* The second a time falls in (rounded down, also before 1970). */
static inline int64_t
ratehist_sec_of(int64_t ts_ns)
{
	int64_t s = ts_ns / 1000000000LL;

	return (ts_ns < 0 && s * 1000000000LL != ts_ns ? s - 1 : s);
}

/* Gives bucket b to second s, empty: once a second, out of line (its
 * fence is one ThreadSanitizer cannot see inlined, -Wtsan). */
void	 ratehist_bucket_start(struct ratehist_bucket *b, int64_t s);

/* The writer: one packet of `bytes` at ts_ns (nanoseconds since the
 * epoch).  Inline: it runs for every packet. */
static inline void
ratehist_add(struct ratehist *rh, int64_t ts_ns, uint64_t bytes)
{
	int64_t s = ratehist_sec_of(ts_ns);
	/* Only this thread writes newest and the counts: plain loads of our
	 * own stores, relaxed. */
	int64_t newest = atomic_load_explicit(&rh->newest, memory_order_relaxed);
	struct ratehist_bucket *b;

	if (newest == RATEHIST_NONE || s > newest)
		atomic_store_explicit(&rh->newest, s, memory_order_relaxed);
	else if (s <= newest - RATEHIST_SECONDS) {
		s = newest - RATEHIST_SECONDS + 1;
		atomic_store_explicit(&rh->folded, atomic_load_explicit(
		    &rh->folded, memory_order_relaxed) + 1,
		    memory_order_relaxed);
	}
	b = &rh->b[(uint64_t)s & (RATEHIST_SECONDS - 1)];
	if (atomic_load_explicit(&b->sec, memory_order_relaxed) != s)
		ratehist_bucket_start(b, s);
	/* Packets, then bytes with release: a reader that sees a packet's
	 * bytes sees the packet. */
	atomic_store_explicit(&b->packets, atomic_load_explicit(&b->packets,
	    memory_order_relaxed) + 1, memory_order_relaxed);
	atomic_store_explicit(&b->bytes, atomic_load_explicit(&b->bytes,
	    memory_order_relaxed) + bytes, memory_order_release);
}

#endif
