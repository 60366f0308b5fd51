/*
 * The flow table's heavy-hitter policy (Space-Saving, flowtab.h), checked
 * against an exact model: every stream of (key, bytes) is counted both by
 * a flowtab and by a GHashTable of true totals, and then the guarantee is
 * checked as the header states it, on random streams and on crafted ones:
 *
 *   - the rows and the folded totals add up to everything counted;
 *   - every key with more than 1/N of the bytes is in the table;
 *   - a stored key's value is exact from the time it entered: never more
 *     than its true total, and short of it by at most flowtab_error();
 *   - a key not stored has at most flowtab_error() bytes, and that bound
 *     is at most W / N and never shrinks;
 *   - the folded rows estimate is close to the exact number of distinct
 *     keys evicted;
 *   - iteration is in the order the keys (last) entered.
 *
 * A first-come table (the former policy) fails the crafted cases: it keeps
 * the first keys and folds the heavy ones that come later.
 */
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/flowtab.h"

struct hk {
	uint32_t	id;
	uint32_t	salt;
};

struct hv {
	uint64_t	frames, bytes;
};

struct tot {
	uint64_t	frames, bytes;
	uint64_t	entered;	/* model clock when it last entered */
};

/* The exact model. */
struct model {
	struct flowtab	*ft;
	size_t		 n;		/* max_rows */
	GHashTable	*tot;		/* id -> struct tot */
	uint64_t	 frames, bytes;
	uint64_t	 clock;
	uint64_t	 last_error;
};

/* Keys the totals callback saw evicted: the exact "other" rows. */
static GHashTable *evicted;

static void
totals(const void *key, const void *val, uint64_t *frames, uint64_t *bytes)
{
	const struct hk *k = key;
	const struct hv *v = val;

	g_hash_table_add(evicted, GUINT_TO_POINTER(k->id + 1));
	*frames = v->frames;
	*bytes = v->bytes;
}

static struct hk
hkey(uint32_t id)
{
	struct hk k;

	memset(&k, 0, sizeof(k));
	k.id = id;
	k.salt = id * 2654435761u;
	return (k);
}

static void
model_init(struct model *m, size_t n, flowtab_totals_fn fn)
{
	memset(m, 0, sizeof(*m));
	m->ft = flowtab_new(sizeof(struct hk), sizeof(struct hv), n, fn);
	m->n = n;
	m->tot = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	if (evicted != NULL)
		g_hash_table_destroy(evicted);
	evicted = g_hash_table_new(NULL, NULL);
}

static void
model_free(struct model *m)
{
	flowtab_free(m->ft);
	g_hash_table_destroy(m->tot);
	g_hash_table_destroy(evicted);
	evicted = NULL;
}

/* One packet of key id and len bytes, as a panel counts it. */
static void
feed(struct model *m, uint32_t id, uint32_t len)
{
	struct hk k = hkey(id);
	gpointer p = GUINT_TO_POINTER(id + 1);
	struct tot *t = g_hash_table_lookup(m->tot, p);
	struct hv *v;
	bool created;

	if (t == NULL) {
		t = g_new0(struct tot, 1);
		g_hash_table_insert(m->tot, p, t);
	}
	t->frames++;
	t->bytes += len;
	m->frames++;
	m->bytes += len;
	v = flowtab_get(m->ft, &k, len, &created);
	if (v == NULL) {
		flowtab_fold(m->ft, &k, 1, len);
		return;
	}
	if (created)
		t->entered = ++m->clock;
	v->frames++;
	v->bytes += len;
}

/* Everything the header promises; returns the number of keys stored. */
static size_t
check(struct model *m)
{
	uint64_t err = flowtab_error(m->ft), rows, frames, bytes, sf = 0,
	    sb = 0, last = 0, want;
	size_t i, n = flowtab_order(m->ft), stored = 0;
	GHashTableIter it;
	gpointer key, val;

	ck_assert_uint_le(n, m->n);
	/* Rows plus folded is everything, exactly. */
	flowtab_folded(m->ft, &rows, &frames, &bytes);
	for (i = 0; i < n; i++) {
		const struct hk *k = flowtab_key_at(m->ft, i);
		const struct hv *v = flowtab_val_at(m->ft, i);
		const struct tot *t = g_hash_table_lookup(m->tot,
		    GUINT_TO_POINTER(k->id + 1));

		ck_assert_ptr_nonnull(t);
		sf += v->frames;
		sb += v->bytes;
		/* In the order the keys entered. */
		ck_assert_uint_gt(t->entered, last);
		last = t->entered;
	}
	ck_assert_uint_eq(sf + frames, m->frames);
	ck_assert_uint_eq(sb + bytes, m->bytes);
	/* The bound: at most W / N, and it never shrinks. */
	ck_assert_uint_le(err * m->n, m->bytes);
	ck_assert_uint_ge(err, m->last_error);
	m->last_error = err;
	/* The heavy keys first: they are the point. */
	g_hash_table_iter_init(&it, m->tot);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const struct tot *t = val;
		struct hk k = hkey(GPOINTER_TO_UINT(key) - 1);

		if (t->bytes * m->n > m->bytes)
			ck_assert_msg(flowtab_find(m->ft, &k) != NULL,
			    "key %u: %" G_GUINT64_FORMAT " of %"
			    G_GUINT64_FORMAT " bytes, more than 1/%zu, not"
			    " kept", k.id, t->bytes, m->bytes, m->n);
	}
	g_hash_table_iter_init(&it, m->tot);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		const struct tot *t = val;
		struct hk k = hkey(GPOINTER_TO_UINT(key) - 1);
		const struct hv *v = flowtab_find(m->ft, &k);

		if (v == NULL) {
			ck_assert_uint_le(t->bytes, err);
			continue;
		}
		stored++;
		ck_assert_uint_le(v->frames, t->frames);
		ck_assert_uint_le(v->bytes, t->bytes);
		ck_assert_uint_le(t->bytes - v->bytes, err);
		if (err == 0)
			ck_assert_uint_eq(v->bytes, t->bytes);
	}
	ck_assert_uint_eq(stored, n);
	/* Distinct keys folded: HyperLogLog, within 5% (or 2). */
	want = g_hash_table_size(evicted);
	ck_assert_msg(rows + 2 >= want - want / 20 && rows <= want + want / 20 + 2,
	    "folded rows %" G_GUINT64_FORMAT ", want about %" G_GUINT64_FORMAT,
	    rows, want);
	return (n);
}

/* Many light keys, then a few heavy ones: the heavy ones are kept, with
 * their exact counts. */
START_TEST(heavy_last_kept)
{
	struct model m;
	uint32_t i, j;

	model_init(&m, 100, totals);
	for (i = 0; i < 10000; i++)
		feed(&m, i, 60);
	for (j = 0; j < 1000; j++)
		for (i = 0; i < 5; i++)
			feed(&m, 1000000 + i, 1500);
	check(&m);
	for (i = 0; i < 5; i++) {
		struct hk k = hkey(1000000 + i);
		const struct hv *v = flowtab_find(m.ft, &k);

		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(v->frames, 1000);
		ck_assert_uint_eq(v->bytes, 1500000);
	}
	ck_assert_uint_eq(flowtab_evictions(m.ft), 10000 - 100 + 5);
	model_free(&m);
}
END_TEST

/* Random streams, skewed as traffic is: a few keys take most bytes. */
START_TEST(guarantee_random)
{
	static const size_t caps[] = { 1, 2, 8, 50, 300 };
	GRand *r = g_rand_new_with_seed(0x5eed + (guint32)_i);
	struct model m;
	uint32_t i, id, keys;

	model_init(&m, caps[_i % G_N_ELEMENTS(caps)], totals);
	keys = (uint32_t)m.n * 20 + 10;
	for (i = 0; i < 60000; i++) {
		/* A key drawn with density ~ 1/x: heavy few, long tail. */
		id = (uint32_t)(g_rand_double(r) * g_rand_double(r) *
		    g_rand_double(r) * keys);
		feed(&m, id, (uint32_t)g_rand_int_range(r, 40, 1515));
		if (i % 7919 == 0)
			check(&m);
	}
	check(&m);
	g_rand_free(r);
	model_free(&m);
}
END_TEST

/*
 * Two keys that leapfrog each other after two early ones: each holds
 * about half the bytes.  A new key that started from 0 would always evict
 * the other (the early keys have more), so the one that did not come last
 * would be missing; first come keeps the early keys and one of the two.
 */
START_TEST(guarantee_leapfrog)
{
	struct model m;
	int i;

	model_init(&m, 3, totals);
	feed(&m, 1, 1000);
	feed(&m, 2, 1000);
	for (i = 0; i < 5000; i++) {
		feed(&m, 3, 100);
		feed(&m, 4, 100);
	}
	check(&m);
	ck_assert_uint_eq(flowtab_count(m.ft), 3);
	model_free(&m);
}
END_TEST

/* A heavy key between an endless run of new ones (a scan during a
 * download): with two thirds of the bytes it stays, and its count is
 * exact. */
START_TEST(guarantee_interleaved)
{
	struct model m;
	uint32_t i;
	struct hk k = hkey(7);
	const struct hv *v;

	model_init(&m, 2, totals);
	for (i = 0; i < 20000; i++) {
		feed(&m, 100 + i, 60);
		if (i >= 5000)
			feed(&m, 7, 120);
	}
	check(&m);
	v = flowtab_find(m.ft, &k);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->frames, 15000);
	model_free(&m);
}
END_TEST

/* N + 1 keys round robin, the worst case for a cache: nobody has more
 * than 1/N, some key is missing each round, and the totals still add
 * up. */
START_TEST(round_robin)
{
	struct model m;
	uint32_t i;

	model_init(&m, 64, totals);
	for (i = 0; i < 65 * 300; i++)
		feed(&m, i % 65, 100 + i % 65);
	check(&m);
	ck_assert_uint_ge(flowtab_evictions(m.ft), 299);
	model_free(&m);
}
END_TEST

/* Churn on a small index (half full): deletions shift back, lookups of
 * stored keys find them and evicted ones are gone. */
START_TEST(index_churn)
{
	GRand *r = g_rand_new_with_seed(42);
	struct model m;
	uint32_t i;

	model_init(&m, 64, totals);
	for (i = 0; i < 200000; i++)
		feed(&m, (uint32_t)g_rand_int_range(r, 0, 300),
		    (uint32_t)g_rand_int_range(r, 1, 100));
	check(&m);
	g_rand_free(r);
	model_free(&m);
}
END_TEST

/* rekey keeps the value, the counter and the place in the order;
 * unweigh takes weight back, which changes what is evicted. */
START_TEST(rekey_and_unweigh)
{
	struct flowtab *ft;
	struct hk a = hkey(1), b = hkey(2), c = hkey(3), d = hkey(4);
	struct hk e = hkey(5), f = hkey(6);
	struct hv *va, *vb;

	if (evicted == NULL)
		evicted = g_hash_table_new(NULL, NULL);
	ft = flowtab_new(sizeof(struct hk), sizeof(struct hv), 2, totals);
	va = flowtab_get(ft, &a, 50, NULL);
	va->frames = 5;
	va->bytes = 50;
	vb = flowtab_get(ft, &b, 10, NULL);
	vb->frames = 1;
	vb->bytes = 10;
	/* c is free: b moves there; a is taken. */
	ck_assert(flowtab_rekey(ft, vb, &c));
	ck_assert_ptr_null(flowtab_find(ft, &b));
	ck_assert_ptr_eq(flowtab_find(ft, &c), vb);
	ck_assert(!flowtab_rekey(ft, vb, &a));
	ck_assert_ptr_eq(flowtab_find(ft, &a), va);
	/* d evicts the lighter, c (10 against 50), and inherits 10. */
	ck_assert_ptr_eq(flowtab_get(ft, &d, 1, NULL), vb);
	ck_assert_ptr_null(flowtab_find(ft, &c));
	ck_assert_ptr_eq(flowtab_find(ft, &a), va);
	ck_assert_uint_eq(va->frames, 5);
	ck_assert_uint_eq(vb->frames, 0);
	ck_assert_uint_eq(flowtab_error(ft), 11);
	/* a entered before d. */
	ck_assert_uint_eq(flowtab_order(ft), 2);
	ck_assert_ptr_eq(flowtab_val_at(ft, 0), va);
	ck_assert_ptr_eq(flowtab_val_at(ft, 1), vb);
	/* Weight given and taken back changes nothing: e evicts d (11). */
	ck_assert_ptr_eq(flowtab_get(ft, &a, 30, NULL), va);
	flowtab_unweigh(ft, va, 30);
	ck_assert_ptr_eq(flowtab_get(ft, &e, 5, NULL), vb);
	ck_assert_ptr_null(flowtab_find(ft, &d));
	ck_assert_uint_eq(flowtab_error(ft), 16);
	/* Taken back below e's 16, a is the lightest. */
	flowtab_unweigh(ft, va, 45);
	ck_assert_uint_eq(flowtab_error(ft), 5);
	ck_assert_ptr_eq(flowtab_get(ft, &f, 1, NULL), va);
	ck_assert_ptr_null(flowtab_find(ft, &a));
	ck_assert_ptr_eq(flowtab_find(ft, &e), vb);
	flowtab_free(ft);
	g_hash_table_destroy(evicted);
	evicted = NULL;
}
END_TEST

/* Memory is bounded by max_rows when evicting too, and is allocated by
 * the first eviction at the latest. */
START_TEST(memory_bound_evicting)
{
	struct model m;
	size_t mem;
	uint32_t i;

	model_init(&m, 5000, totals);
	for (i = 0; i < 5001; i++)
		feed(&m, i, 60);
	flowtab_order(m.ft);
	mem = flowtab_memory(m.ft);
	for (i = 0; i < 100000; i++)
		feed(&m, 10000 + i, 60 + i % 3);
	flowtab_order(m.ft);
	ck_assert_uint_eq(flowtab_memory(m.ft), mem);
	/* Entries (a 16-byte header, key, value), an index at most 4
	 * slots per row, the heap, its positions and the order. */
	ck_assert_uint_le(mem, 5120 * (16 + 8 + 16) + 16384 * 8 +
	    5003 * 16 + 5000 * 4 * 2 + 8192);
	check(&m);
	model_free(&m);
}
END_TEST

/* A clear forgets evictions: the order is the entries' own again and the
 * bound is 0 until the next eviction. */
START_TEST(clear_after_evictions)
{
	struct model m;
	uint32_t i;
	uint64_t rows;

	model_init(&m, 10, totals);
	for (i = 0; i < 100; i++)
		feed(&m, i, 100);
	ck_assert_uint_gt(flowtab_error(m.ft), 0);
	flowtab_order(m.ft);
	flowtab_clear(m.ft);
	ck_assert_uint_eq(flowtab_error(m.ft), 0);
	ck_assert_uint_eq(flowtab_evictions(m.ft), 0);
	flowtab_folded(m.ft, &rows, NULL, NULL);
	ck_assert_uint_eq(rows, 0);
	g_hash_table_remove_all(m.tot);
	g_hash_table_remove_all(evicted);
	m.frames = m.bytes = m.last_error = 0;
	for (i = 0; i < 10; i++)
		feed(&m, 500 - i, 10);
	check(&m);
	ck_assert_uint_eq(flowtab_error(m.ft), 0);
	for (i = 0; i < 30; i++)
		feed(&m, 1000 + i, 10 + i);
	check(&m);
	model_free(&m);
}
END_TEST

Suite *
suite_heavy(void)
{
	Suite *s = suite_create("heavy");
	TCase *tc = tcase_create("heavy");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, heavy_last_kept);
	tcase_add_loop_test(tc, guarantee_random, 0, 10);
	tcase_add_test(tc, guarantee_leapfrog);
	tcase_add_test(tc, guarantee_interleaved);
	tcase_add_test(tc, round_robin);
	tcase_add_test(tc, index_churn);
	tcase_add_test(tc, rekey_and_unweigh);
	tcase_add_test(tc, memory_bound_evicting);
	tcase_add_test(tc, clear_after_evictions);
	suite_add_tcase(s, tc);
	return (s);
}
