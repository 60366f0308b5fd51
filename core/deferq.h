/*
 * Deferred counting: a listener's packet() on the capture thread only
 * writes a small record, and the work of counting it (the table lookups
 * and evictions that make a flood expensive) is done on another thread.
 *
 * A struct deferq is one listener's ring of fixed-size records with the
 * function that applies a record to the listener's state.  The capture
 * thread (the only producer) reserves a record, fills it and commits it,
 * with no lock and no system call.  Records are applied in the order
 * they were committed, under the queue's lock, by whoever comes first:
 *
 *   - the worker, one thread for all queues, which applies them in
 *     batches (of 64 records at least) and sleeps when the capture is
 *     quiet, until a queue holds DEFERQ_WAKE records;
 *   - deferq_lock(), which applies everything committed so far before it
 *     returns: draw() and reset() take it, so a draw sees every packet
 *     that packet() accepted before it, as if packet() had counted it;
 *   - the producer itself when the ring is full (the worker is behind):
 *     it then applies records until there is room, so nothing is dropped
 *     and memory stays bounded; the capture slows down instead.
 *
 * So the tap contract holds unchanged (tap.h): packet() is called on the
 * capture thread under the listener's lock, draw() sees a complete state
 * under the listener's lock, and the state is only touched under the
 * queue's lock, which is taken after the listener's, never before it.
 * On a machine with two cores the capture thread dissects while the
 * worker counts; on one the worker just takes turns with it.
 *
 * The ring is a single-producer ring of DEFERQ_RECORDS records with a
 * C11 release/acquire pair on each end (head written by the producer,
 * tail by the consumer that holds the lock), which ThreadSanitizer
 * models.  Locks and the condition variable are POSIX, not glib's, for
 * the same reason as in tap.c.
 */
#ifndef TAPTOP_DEFERQ_H
#define TAPTOP_DEFERQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define DEFERQ_RECORDS	4096		/* a power of two */
#define DEFERQ_WAKE	256		/* records that wake the worker */

struct deferq;

/* Applies one record to state; called under the queue's lock. */
typedef void (*deferq_apply_fn)(void *state, const void *rec);
/* Optional: called for every record, a few records before apply and
 * under the same lock, to ask for the memory apply will touch; it may
 * note in the record what it computed for that (a hash), which apply
 * then reads: the record is the consumer's until it is applied. */
typedef void (*deferq_prefetch_fn)(void *state, void *rec);

/* A queue of records of rec_size bytes for state (any thread). */
struct deferq *deferq_new(size_t rec_size, deferq_apply_fn,
	    deferq_prefetch_fn, void *state);
/* Frees, with what is left unapplied; the worker no longer sees it.
 * Not while another thread uses it. */
void	 deferq_free(struct deferq *);

/* The producer: the next record to fill (never NULL), then commit it;
 * inline below. */
static inline void *deferq_reserve(struct deferq *);
static inline void deferq_commit(struct deferq *);

/* Takes the queue's lock and applies every committed record: the state
 * is complete until deferq_unlock. */
void	 deferq_lock(struct deferq *);
void	 deferq_unlock(struct deferq *);

/* ---- the producer's side, inline: it runs for every packet ---- */

/* A cache line for what each side writes, and one for what neither does
 * after deferq_new, so that the producer's every packet touches no line
 * the worker writes (tail is read again only when the ring looks full). */
struct deferq {
	_Alignas(64) atomic_size_t head;	/* committed: the producer's */
	size_t		 tail_seen;	/* the producer's last look at tail */
	_Alignas(64) atomic_size_t tail;	/* applied: under lock */
	_Alignas(64) pthread_mutex_t lock;
	_Alignas(64) uint8_t *recs;
	size_t		 rec_size;
	deferq_apply_fn	 apply;
	deferq_prefetch_fn prefetch;
	void		*state;
	struct deferq	*next;		/* the worker's list */
};

/* Out of line: the ring is full, or the worker may need a call. */
void	 deferq_make_room(struct deferq *);
void	 deferq_wake(void);

static inline uint8_t *
deferq_rec_at(struct deferq *q, size_t i)
{
	return (q->recs + (i & (DEFERQ_RECORDS - 1)) * q->rec_size);
}

static inline void *
deferq_reserve(struct deferq *q)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	if (head - q->tail_seen == DEFERQ_RECORDS) {
		q->tail_seen = atomic_load_explicit(&q->tail,
		    memory_order_acquire);
		if (head - q->tail_seen == DEFERQ_RECORDS)
			deferq_make_room(q);
	}
	return (deferq_rec_at(q, head));
}

static inline void
deferq_commit(struct deferq *q)
{
	size_t head = atomic_load_explicit(&q->head, memory_order_relaxed) + 1;

	atomic_store_explicit(&q->head, head, memory_order_release);
	/* Every DEFERQ_WAKE records: the worker, if it sleeps, finds a
	 * batch (or less, if a draw applied some meanwhile). */
	if (head % DEFERQ_WAKE == 0)
		deferq_wake();
}

#endif
