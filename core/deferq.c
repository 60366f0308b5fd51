/*
 * Deferred counting; the contract is in deferq.h.
 *
 * Records sit in one block, DEFERQ_RECORDS of them, each rounded up to 8
 * bytes; head and tail count records ever committed and applied (so the
 * ring is empty when they are equal and full when they differ by its
 * size), on cache lines of their own so that the producer and the
 * consumer do not share one.
 *
 * The worker applies a queue once it holds BATCH_MIN records; when none
 * does, it looks again for SPIN_NS, yielding the core, then sleeps on a
 * condition variable until a queue holds DEFERQ_WAKE.  The producer
 * checks whether it sleeps on every DEFERQ_WAKE-th record it commits,
 * after a fence; the worker says it sleeps, fences, then looks at every
 * queue once more before it waits.  One of the two then sees the other
 * (the store-fence-load pattern), so a batch waits for the next mark at
 * most, never for a draw.  Fewer records wait for the next batch or the
 * next draw, which applies them.  (ThreadSanitizer does not model the
 * fences; it checks the records, which head and tail publish.)
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "deferq.h"

/* Records applied per turn of the worker, so that a draw or the producer
 * waiting for the lock waits for one batch at most. */
#define BATCH		256
/* Fewer records than this wait for more: a worker that chased the
 * producer record by record would pull each cache line across as it is
 * written, and spend more on its turns than on the records. */
#define BATCH_MIN	64
/* How long the worker looks for work before it sleeps: at a high rate a
 * batch comes sooner, and a sleep and a wake-up for every batch would
 * cost the capture thread a system call each. */
#define SPIN_NS		100000

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct deferq *queues;		/* under list_lock */
static bool worker_started;		/* under list_lock */
static atomic_bool worker_sleeps;
/* Threads waiting for list_lock to add or remove a queue: the worker,
 * busy in a flood, lets them in between two turns. */
static atomic_int list_waiters;

/*
 * Applies up to max records; the caller holds q->lock.  Returns how many.
 * The prefetch runs PREFETCH_AHEAD records ahead: a record's table slots
 * then arrive while the records before it are applied, instead of each
 * lookup of a random key waiting for memory in turn.
 */
#define PREFETCH_AHEAD	6

static size_t
apply_some(struct deferq *q, size_t max)
{
	size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
	size_t head = atomic_load_explicit(&q->head, memory_order_acquire);
	size_t n = MIN(head - tail, max), i;

	if (q->prefetch != NULL)
		for (i = 0; i < MIN(n, (size_t)PREFETCH_AHEAD); i++)
			q->prefetch(q->state, deferq_rec_at(q, tail + i));
	for (i = 0; i < n; i++) {
		if (q->prefetch != NULL && i + PREFETCH_AHEAD < n)
			q->prefetch(q->state, deferq_rec_at(q, tail + i +
			    PREFETCH_AHEAD));
		q->apply(q->state, deferq_rec_at(q, tail + i));
	}
	atomic_store_explicit(&q->tail, tail + n, memory_order_release);
	return (n);
}

static size_t
pending(struct deferq *q)
{
	return (atomic_load_explicit(&q->head, memory_order_acquire) -
	    atomic_load_explicit(&q->tail, memory_order_acquire));
}

/* One turn over every queue with records waiting; list_lock held.
 * Whether any was applied, and in *busy whether one had to wait. */
static bool
worker_turn(bool *busy)
{
	struct deferq *q;
	bool any = false;

	*busy = false;
	for (q = queues; q != NULL; q = q->next) {
		if (pending(q) < BATCH_MIN)
			continue;
		/* Held by a draw, or by the producer making room: another
		 * queue meanwhile, and this one next turn. */
		if (pthread_mutex_trylock(&q->lock) != 0) {
			*busy = true;
			continue;
		}
		any |= apply_some(q, BATCH) > 0;
		pthread_mutex_unlock(&q->lock);
	}
	return (any);
}

/* Whether a queue holds at least n records; list_lock held. */
static bool
any_pending(size_t n)
{
	struct deferq *q;

	for (q = queues; q != NULL; q = q->next)
		if (pending(q) >= n)
			return (true);
	return (false);
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void *
worker_main(void *arg)
{
	bool busy, ready;
	int64_t t0;

	(void)arg;
	for (;;) {
		while (atomic_load(&list_waiters) > 0)
			sched_yield();
		pthread_mutex_lock(&list_lock);
		if (worker_turn(&busy) || busy) {
			pthread_mutex_unlock(&list_lock);
			if (busy)
				sched_yield();
			continue;
		}
		pthread_mutex_unlock(&list_lock);
		/* No batch now: look again for a while, yielding the core. */
		for (t0 = now_ns(), ready = false; !ready &&
		    now_ns() - t0 < SPIN_NS;) {
			sched_yield();
			pthread_mutex_lock(&list_lock);
			ready = any_pending(BATCH_MIN);
			pthread_mutex_unlock(&list_lock);
		}
		if (ready)
			continue;
		/* Sleep until a queue holds DEFERQ_WAKE records. */
		pthread_mutex_lock(&list_lock);
		atomic_store(&worker_sleeps, true);
		atomic_thread_fence(memory_order_seq_cst);
		while (!any_pending(DEFERQ_WAKE))
			pthread_cond_wait(&wake, &list_lock);
		atomic_store(&worker_sleeps, false);
		pthread_mutex_unlock(&list_lock);
	}
	return (NULL);
}

static void
list_enter(void)
{
	atomic_fetch_add(&list_waiters, 1);
	pthread_mutex_lock(&list_lock);
	atomic_fetch_sub(&list_waiters, 1);
}

struct deferq *
deferq_new(size_t rec_size, deferq_apply_fn apply,
    deferq_prefetch_fn prefetch, void *state)
{
	struct deferq *q = g_aligned_alloc0(1, sizeof(*q), 64);
	pthread_t tid;

	q->rec_size = (rec_size + 7) & ~(size_t)7;
	q->recs = g_malloc(DEFERQ_RECORDS * q->rec_size);
	q->apply = apply;
	q->prefetch = prefetch;
	q->state = state;
	pthread_mutex_init(&q->lock, NULL);
	list_enter();
	q->next = queues;
	queues = q;
	if (!worker_started) {
		sigset_t all, old;

		/* Signals are for the threads that wait for them (tui/):
		 * the worker blocks every one, whenever it starts. */
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		if (pthread_create(&tid, NULL, worker_main, NULL) == 0) {
			pthread_detach(tid);
			worker_started = true;
		}
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	/* Without a worker (it could not start) the producer and the
	 * draws apply everything: slower, never wrong. */
	pthread_mutex_unlock(&list_lock);
	return (q);
}

void
deferq_free(struct deferq *q)
{
	struct deferq **qp;

	if (q == NULL)
		return;
	/* The worker holds list_lock for a whole turn: once it is ours the
	 * worker is not inside q, and will not find it again. */
	list_enter();
	for (qp = &queues; *qp != NULL; qp = &(*qp)->next)
		if (*qp == q) {
			*qp = q->next;
			break;
		}
	pthread_mutex_unlock(&list_lock);
	pthread_mutex_destroy(&q->lock);
	g_free(q->recs);
	g_aligned_free(q);
}

void
deferq_make_room(struct deferq *q)
{
	/* The worker is behind: do its work. */
	pthread_mutex_lock(&q->lock);
	(void)apply_some(q, DEFERQ_RECORDS / 2);
	pthread_mutex_unlock(&q->lock);
	q->tail_seen = atomic_load_explicit(&q->tail, memory_order_acquire);
}

void
deferq_wake(void)
{
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&worker_sleeps)) {
		pthread_mutex_lock(&list_lock);
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&list_lock);
	}
}

void
deferq_lock(struct deferq *q)
{
	pthread_mutex_lock(&q->lock);
	while (apply_some(q, DEFERQ_RECORDS) > 0)
		;
}

void
deferq_unlock(struct deferq *q)
{
	pthread_mutex_unlock(&q->lock);
}
