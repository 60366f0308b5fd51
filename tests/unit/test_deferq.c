/*
 * Deferred counting (core/deferq.h): records are applied exactly once and
 * in the order they were committed, whoever applies them (the worker, a
 * draw's deferq_lock, or the producer when the ring is full), and a
 * deferq_lock sees every record committed before it.  The threaded case
 * runs under ThreadSanitizer too (make test-tsan).
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/deferq.h"

struct rec {
	uint64_t	seq;
	uint32_t	pad[5];		/* a record wider than a word */
};

struct sum {
	uint64_t	unprefetched;	/* applied before their prefetch */
	uint64_t	applied;	/* records applied */
	uint64_t	next;		/* the seq expected next */
	uint64_t	out_of_order;
	uint64_t	total;		/* sum of seqs */
};

static void
apply(void *state, const void *r)
{
	struct sum *s = state;
	const struct rec *rec = r;

	if (rec->seq != s->next)
		s->out_of_order++;
	if (rec->pad[0] != (uint32_t)rec->seq + 1)
		s->unprefetched++;
	s->next = rec->seq + 1;
	s->applied++;
	s->total += rec->seq;
}

/* Marks the record as apply checks it. */
static void
prefetch(void *state, void *r)
{
	struct rec *rec = r;

	(void)state;
	rec->pad[0] = (uint32_t)rec->seq + 1;
}

static void
put(struct deferq *q, uint64_t seq)
{
	struct rec *r = deferq_reserve(q);

	memset(r, 0, sizeof(*r));
	r->seq = seq;
	deferq_commit(q);
}

/* A lock sees everything committed, in order, whatever the worker did. */
START_TEST(lock_applies_all_in_order)
{
	struct sum s = { 0 };
	struct deferq *q = deferq_new(sizeof(struct rec), apply, prefetch, &s);
	uint64_t i, n = 10 * DEFERQ_RECORDS + 17;

	for (i = 0; i < n; i++)
		put(q, i);
	deferq_lock(q);
	ck_assert_uint_eq(s.applied, n);
	ck_assert_uint_eq(s.out_of_order, 0);
	ck_assert_uint_eq(s.total, n * (n - 1) / 2);
	ck_assert_uint_eq(s.unprefetched, 0);
	deferq_unlock(q);
	/* Nothing is applied twice. */
	deferq_lock(q);
	ck_assert_uint_eq(s.applied, n);
	deferq_unlock(q);
	deferq_free(q);
}
END_TEST

/* Bursts of three rings' worth: the producer outruns the worker and
 * applies records itself to make room; none is lost or reordered. */
START_TEST(full_ring_loses_nothing)
{
	struct sum s = { 0 };
	struct deferq *q = deferq_new(sizeof(struct rec), apply, prefetch, &s);
	uint64_t i, n = 0;
	int round;

	for (round = 0; round < 5; round++) {
		/* More than the ring holds in one burst. */
		for (i = 0; i < 3 * DEFERQ_RECORDS; i++)
			put(q, n++);
		deferq_lock(q);
		ck_assert_uint_eq(s.applied, n);
		ck_assert_uint_eq(s.out_of_order, 0);
		deferq_unlock(q);
	}
	deferq_free(q);
}
END_TEST

static atomic_bool producing;

static gpointer
producer(gpointer arg)
{
	struct deferq *q = arg;
	uint64_t i;

	for (i = 0; i < 400000; i++)
		put(q, i);
	atomic_store(&producing, false);
	return (NULL);
}

/* A producer, the worker and a drawing thread at once: every lock sees a
 * prefix of the stream, in order, and the last one all of it. */
START_TEST(threads_producer_worker_drawer)
{
	struct sum s = { 0 };
	struct deferq *q[3];
	uint64_t last = 0;
	GThread *t;
	int k;

	q[0] = deferq_new(sizeof(struct rec), apply, prefetch, &s);
	/* Other queues come and go while it runs. */
	atomic_store(&producing, true);
	t = g_thread_new("producer", producer, q[0]);
	while (atomic_load(&producing)) {
		deferq_lock(q[0]);
		ck_assert_uint_eq(s.out_of_order, 0);
		ck_assert_uint_ge(s.applied, last);
		last = s.applied;
		deferq_unlock(q[0]);
		for (k = 1; k < 3; k++)
			q[k] = deferq_new(16, apply, NULL, NULL);
		for (k = 1; k < 3; k++)
			deferq_free(q[k]);
		g_usleep(100);
	}
	g_thread_join(t);
	deferq_lock(q[0]);
	ck_assert_uint_eq(s.applied, 400000);
	ck_assert_uint_eq(s.out_of_order, 0);
	ck_assert_uint_eq(s.total, (uint64_t)400000 * 399999 / 2);
	ck_assert_uint_eq(s.unprefetched, 0);
	deferq_unlock(q[0]);
	deferq_free(q[0]);
}
END_TEST

Suite *
suite_deferq(void)
{
	Suite *s = suite_create("deferq");
	TCase *tc = tcase_create("deferq");

	tcase_add_test(tc, lock_applies_all_in_order);
	tcase_add_test(tc, full_ring_loses_nothing);
	suite_add_tcase(s, tc);
	return (s);
}

Suite *
suite_deferq_threads(void)
{
	Suite *s = suite_create("deferq_threads");
	TCase *tc = tcase_create("deferq_threads");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, threads_producer_worker_drawer);
	suite_add_tcase(s, tc);
	return (s);
}
