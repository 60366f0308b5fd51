/*
 * Rate history: see ratehist.h for the thread contract.
 *
 * A bucket is recycled lazily, when a packet of a second it does not hold
 * arrives: within the ring's span (newest - RATEHIST_SECONDS, newest] two
 * seconds never share a bucket, so a bucket whose tag differs holds a
 * second that left the ring, and its counts can go.  Tags never come back
 * to a second they held, as `newest` only grows: no ABA for the readers.
 */
#include <glib.h>

#include "ratehist.h"

#define NS		1000000000LL
#define MASK		((uint64_t)RATEHIST_SECONDS - 1)

static struct ratehist_bucket *
bucket(const struct ratehist *rh, int64_t sec)
{
	return ((struct ratehist_bucket *)&rh->b[(uint64_t)sec & MASK]);
}

void
ratehist_bucket_start(struct ratehist_bucket *b, int64_t s)
{
	/* The sequence lock's write side: tag off, counts, tag on. */
	atomic_store_explicit(&b->sec, RATEHIST_NONE, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&b->packets, 0, memory_order_relaxed);
	atomic_store_explicit(&b->bytes, 0, memory_order_relaxed);
	atomic_store_explicit(&b->sec, s, memory_order_release);
}

void
ratehist_init(struct ratehist *rh)
{
	int i;

	for (i = 0; i < RATEHIST_SECONDS; i++) {
		atomic_init(&rh->b[i].sec, RATEHIST_NONE);
		atomic_init(&rh->b[i].packets, 0);
		atomic_init(&rh->b[i].bytes, 0);
	}
	atomic_init(&rh->newest, RATEHIST_NONE);
	atomic_init(&rh->folded, 0);
}

void
ratehist_reset(struct ratehist *rh)
{
	int i;

	for (i = 0; i < RATEHIST_SECONDS; i++)
		atomic_store(&rh->b[i].sec, RATEHIST_NONE);
	atomic_store(&rh->newest, RATEHIST_NONE);
	atomic_store(&rh->folded, 0);
}

bool
ratehist_second(const struct ratehist *rh, int64_t sec, uint64_t *packets,
    uint64_t *bytes)
{
	struct ratehist_bucket *b = bucket(rh, sec);
	int64_t newest = atomic_load_explicit(&rh->newest,
	    memory_order_relaxed);
	uint64_t p, n;

	*packets = *bytes = 0;
	/* A bucket not recycled yet still holds an older second: it has
	 * left the ring all the same (packets of it were folded). */
	if (newest == RATEHIST_NONE || sec > newest ||
	    sec <= newest - RATEHIST_SECONDS ||
	    atomic_load_explicit(&b->sec, memory_order_acquire) != sec)
		return (false);
	/* Bytes first (acquire), then packets: never bytes of a packet
	 * not counted.  Packets may run ahead of bytes by as many as the
	 * writer added between the two loads. */
	n = atomic_load_explicit(&b->bytes, memory_order_acquire);
	p = atomic_load_explicit(&b->packets, memory_order_relaxed);
	/* The read side: the counts are the second's if the tag held. */
	atomic_thread_fence(memory_order_acquire);
	if (atomic_load_explicit(&b->sec, memory_order_relaxed) != sec)
		return (false);
	*packets = p;
	*bytes = n;
	return (true);
}

void
ratehist_rate(const struct ratehist *rh, int64_t now_ns, double window_s,
    double *packets_per_s, double *bytes_per_s)
{
	int64_t w, start, s, lo, hi, newest;
	uint64_t p, n;
	double frac, sp = 0, sb = 0;

	if (packets_per_s != NULL)
		*packets_per_s = 0;
	if (bytes_per_s != NULL)
		*bytes_per_s = 0;
	if (!(window_s > 0))
		return;
	window_s = MIN(window_s, RATEHIST_SECONDS - 1);
	w = (int64_t)(window_s * 1e9 + 0.5);
	if (w <= 0)
		return;
	start = now_ns - w;			/* the window is (start, now] */
	newest = atomic_load_explicit(&rh->newest, memory_order_relaxed);
	for (s = ratehist_sec_of(start); s <= ratehist_sec_of(now_ns); s++) {
		if (!ratehist_second(rh, s, &p, &n))
			continue;
		/* The second's packets lie in [lo, hi): the whole second,
		 * or [lo, now] for the newest one when now is inside it
		 * (they all came by now). */
		lo = s * NS;
		hi = s >= newest && now_ns < lo + NS ? now_ns : lo + NS;
		if (hi <= lo)
			frac = 1;	/* now is the second's first instant */
		else
			frac = (double)(MIN(hi, now_ns) - MAX(lo, start)) /
			    (double)(hi - lo);
		frac = CLAMP(frac, 0, 1);
		sp += (double)p * frac;
		sb += (double)n * frac;
	}
	if (packets_per_s != NULL)
		*packets_per_s = sp * 1e9 / (double)w;
	if (bytes_per_s != NULL)
		*bytes_per_s = sb * 1e9 / (double)w;
}

uint64_t
ratehist_folded(const struct ratehist *rh)
{
	return (atomic_load(&rh->folded));
}
