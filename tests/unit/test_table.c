/*
 * Tables (rows, stable sorts, copies that own their text) and the bounded
 * flow table (lookup, insertion order, the row cap, folding, the memory
 * bound, clearing).
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/address.h"
#include "core/flowtab.h"
#include "core/table.h"

static const struct table_col cols[] = {
	{ "n", "N", COL_UINT },
	{ "name", "Name", COL_TEXT },
	{ "t", "T", COL_TIME },
	{ "addr", "Addr", COL_ADDR },
};

static struct table *
sample(void)
{
	static const uint64_t n[] = { 5, 7, 5, 1, 7 };
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	struct table *t = table_new(cols, 4);
	int i;

	for (i = 0; i < 5; i++) {
		union cell *row = table_add_row(t);
		uint8_t ip[4] = { 10, 0, 0, (uint8_t)(5 - i) };

		row[0].u = n[i];
		row[1].text = g_strdup(names[i]);
		row[2].d = i * 0.5;
		address_set(&row[3].addr, AT_IPv4, ip, 4);
	}
	return (t);
}

static const char *
names(const struct table *t)
{
	static char out[64];
	int r;

	out[0] = '\0';
	for (r = 0; r < t->nrows; r++)
		g_strlcat(out, table_row(t, r)[1].text, sizeof(out));
	return (out);
}

START_TEST(add_and_index)
{
	struct table *t = sample();

	ck_assert_int_eq(t->nrows, 5);
	ck_assert_uint_eq(t->cells->len, 20);
	ck_assert_uint_eq(table_row(t, 3)[0].u, 1);
	ck_assert_ptr_null(table_row(t, 5));
	ck_assert_ptr_null(table_row(t, -1));
	ck_assert_int_eq(table_col_index(t, "t"), 2);
	ck_assert_int_eq(table_col_index(t, "nope"), -1);
	ck_assert_int_eq(table_col_index(t, NULL), -1);
	table_clear(t);
	ck_assert_int_eq(t->nrows, 0);
	/* A row added after a clear starts zeroed. */
	ck_assert_uint_eq(table_add_row(t)[0].u, 0);
	ck_assert_ptr_null(table_row(t, 0)[1].text);
	table_free(t);
}
END_TEST

START_TEST(sort_is_stable)
{
	struct table *t = sample();

	table_sort(t, 0, true);
	ck_assert_str_eq(names(t), "beacd");
	table_sort(t, 0, false);
	ck_assert_str_eq(names(t), "dacbe");
	table_sort(t, 3, false);		/* by address: 10.0.0.1 first */
	ck_assert_str_eq(names(t), "edcba");
	table_sort(t, 1, false);
	ck_assert_str_eq(names(t), "abcde");
	table_sort(t, 2, true);
	ck_assert_str_eq(names(t), "edcba");
	table_sort(t, -1, true);		/* no such column: no-op */
	ck_assert_str_eq(names(t), "edcba");
	table_free(t);
}
END_TEST

START_TEST(sort_nan_and_paths)
{
	static const struct table_col pc[] = {
		{ "p", "P", COL_PATH }, { "d", "D", COL_TIME },
	};
	struct table *t = table_new(pc, 2);
	union cell *r;

	r = table_add_row(t);
	r[0].path = g_new0(struct cell_path, 1);
	r[0].path->n = 2; r[0].path->proto[0] = 1; r[0].path->proto[1] = 3;
	r[1].d = 1.0;
	r = table_add_row(t);
	r[0].path = g_new0(struct cell_path, 1);
	r[0].path->n = 1; r[0].path->proto[0] = 1;
	r[1].d = NAN;
	r = table_add_row(t);
	r[0].path = g_new0(struct cell_path, 1);
	r[0].path->n = 2; r[0].path->proto[0] = 1; r[0].path->proto[1] = 2;
	r[1].d = -1.0;
	table_sort(t, 0, false);
	ck_assert_uint_eq(table_row(t, 0)[0].path->n, 1);
	ck_assert_uint_eq(table_row(t, 1)[0].path->proto[1], 2);
	ck_assert_uint_eq(table_row(t, 2)[0].path->proto[1], 3);
	table_sort(t, 1, true);
	ck_assert(table_row(t, 0)[1].d == 1.0);
	ck_assert(table_row(t, 1)[1].d == -1.0);
	ck_assert(isnan(table_row(t, 2)[1].d));
	table_free(t);
}
END_TEST

START_TEST(dup_owns_text)
{
	struct table *t = sample(), *d;

	t->folded_rows = 3;
	t->folded_frames = 9;
	t->folded_bytes = 900;
	d = table_dup(t);
	ck_assert_int_eq(d->nrows, 5);
	ck_assert_uint_eq(d->folded_rows, 3);
	ck_assert_uint_eq(d->folded_frames, 9);
	ck_assert_uint_eq(d->folded_bytes, 900);
	ck_assert_ptr_ne(table_row(d, 0)[1].text, table_row(t, 0)[1].text);
	table_free(t);			/* the copy must survive this */
	ck_assert_str_eq(names(d), "abcde");
	ck_assert_uint_eq(table_row(d, 1)[0].u, 7);
	table_free(d);
}
END_TEST

Suite *
suite_table(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, add_and_index);
	tcase_add_test(tc, sort_is_stable);
	tcase_add_test(tc, sort_nan_and_paths);
	tcase_add_test(tc, dup_owns_text);
	suite_add_tcase(s, tc);
	return (s);
}

/* ---- flowtab ---- */

struct k {
	uint32_t a, b;
	uint16_t c;
	uint8_t pad[2];
};

struct v {
	uint64_t n;
	uint32_t id;
};

static struct k
key(uint32_t i)
{
	struct k k;

	memset(&k, 0, sizeof(k));
	k.a = i;
	k.b = i * 2654435761u;
	k.c = (uint16_t)i;
	return (k);
}

START_TEST(insert_and_lookup)
{
	struct flowtab *ft = flowtab_new(sizeof(struct k), sizeof(struct v),
	    100000, NULL);
	struct k k;
	struct v *v;
	bool created;
	uint32_t i;

	for (i = 0; i < 5000; i++) {
		k = key(i);
		v = flowtab_get(ft, &k, 0, &created);
		ck_assert_ptr_nonnull(v);
		ck_assert(created);
		ck_assert_uint_eq(v->n, 0);
		v->n = i + 1;
		v->id = i;
	}
	ck_assert_uint_eq(flowtab_count(ft), 5000);
	for (i = 0; i < 5000; i++) {
		k = key(i);
		v = flowtab_get(ft, &k, 0, &created);
		ck_assert(!created);
		ck_assert_uint_eq(v->n, i + 1);
		ck_assert_ptr_eq(flowtab_find(ft, &k), v);
		/* Iteration is in insertion order. */
		ck_assert_ptr_eq(flowtab_val_at(ft, i), v);
		ck_assert_int_eq(memcmp(flowtab_key_at(ft, i), &k,
		    sizeof(k)), 0);
	}
	k = key(99999);
	ck_assert_ptr_null(flowtab_find(ft, &k));
	ck_assert_ptr_null(flowtab_val_at(ft, 5000));
	flowtab_free(ft);
}
END_TEST

/* Fill to the cap, then K more distinct keys: none stored, all folded. */
START_TEST(cap_folds)
{
	const size_t max = 3000, extra = 2000;
	struct flowtab *ft = flowtab_new(sizeof(struct k), sizeof(struct v),
	    max, NULL);
	uint64_t rows, frames, bytes;
	size_t mem_full, i;
	struct k k;
	struct v *v;

	for (i = 0; i < max; i++) {
		k = key((uint32_t)i);
		ck_assert_ptr_nonnull(flowtab_get(ft, &k, 0, NULL));
	}
	mem_full = flowtab_memory(ft);
	for (i = max; i < max + extra; i++) {
		k = key((uint32_t)i);
		v = flowtab_get(ft, &k, 0, NULL);
		ck_assert_ptr_null(v);
		flowtab_fold(ft, &k, 1, 100);
		flowtab_fold(ft, &k, 1, 50);	/* same key again */
	}
	/* Old keys still count after the table is full. */
	k = key(7);
	ck_assert_ptr_nonnull(flowtab_get(ft, &k, 0, NULL));
	ck_assert_uint_eq(flowtab_count(ft), max);
	ck_assert_uint_eq(flowtab_memory(ft), mem_full);
	flowtab_folded(ft, &rows, &frames, &bytes);
	ck_assert_uint_eq(frames, 2 * extra);
	ck_assert_uint_eq(bytes, 150 * extra);
	/* Distinct folded keys, estimated within 10%. */
	ck_assert_uint_ge(rows, extra * 9 / 10);
	ck_assert_uint_le(rows, extra * 11 / 10);
	flowtab_free(ft);
}
END_TEST

/* Memory is bounded by max_rows, however many keys arrive. */
START_TEST(memory_bound)
{
	struct flowtab *ft = flowtab_new(sizeof(struct k), sizeof(struct v),
	    10000, NULL);
	size_t mem_start = flowtab_memory(ft), mem_full = 0, i;
	uint64_t rows;
	struct k k;

	for (i = 0; i < 200000; i++) {
		k = key((uint32_t)i);
		if (flowtab_get(ft, &k, 0, NULL) == NULL)
			flowtab_fold(ft, &k, 1, 1);
		if (i == 10000)
			mem_full = flowtab_memory(ft);
	}
	ck_assert_uint_eq(flowtab_memory(ft), mem_full);
	/* Entries plus an index at most twice the cap, and some change. */
	ck_assert_uint_le(mem_full, mem_start + 10240 * (16 + 32) + 32768 * 8 +
	    8192);
	flowtab_folded(ft, &rows, NULL, NULL);
	ck_assert_uint_ge(rows, 190000 * 9 / 10);
	ck_assert_uint_le(rows, 190000 * 11 / 10);
	flowtab_free(ft);
}
END_TEST

START_TEST(clear_keeps_memory)
{
	struct flowtab *ft = flowtab_new(sizeof(struct k), sizeof(struct v),
	    50, NULL);
	uint64_t rows, frames, bytes;
	size_t mem, i;
	struct k k;
	struct v *v;
	bool created;

	for (i = 0; i < 60; i++) {
		k = key((uint32_t)i);
		if ((v = flowtab_get(ft, &k, 0, NULL)) == NULL)
			flowtab_fold(ft, &k, 1, 10);
		else
			v->n = 42;
	}
	mem = flowtab_memory(ft);
	flowtab_folded(ft, &rows, &frames, &bytes);
	ck_assert_uint_eq(rows, 10);		/* exact in the small range */
	ck_assert_uint_eq(frames, 10);
	flowtab_clear(ft);
	ck_assert_uint_eq(flowtab_count(ft), 0);
	flowtab_folded(ft, &rows, &frames, &bytes);
	ck_assert_uint_eq(rows + frames + bytes, 0);
	k = key(3);
	ck_assert_ptr_null(flowtab_find(ft, &k));
	v = flowtab_get(ft, &k, 0, &created);
	ck_assert(created);
	ck_assert_uint_eq(v->n, 0);		/* reused memory, zeroed */
	ck_assert_uint_eq(flowtab_memory(ft), mem);
	flowtab_free(ft);
}
END_TEST

START_TEST(zero_cap)
{
	struct flowtab *ft = flowtab_new(sizeof(struct k), 8, 0, NULL);
	struct k k = key(1);
	uint64_t rows, frames;

	ck_assert_ptr_null(flowtab_get(ft, &k, 0, NULL));
	flowtab_fold(ft, &k, 1, 1);
	flowtab_folded(ft, &rows, &frames, NULL);
	ck_assert_uint_eq(rows, 1);
	ck_assert_uint_eq(frames, 1);
	flowtab_free(ft);
}
END_TEST

/* Keys that differ in one byte anywhere hash apart and compare apart. */
START_TEST(odd_key_sizes)
{
	uint8_t kb[37];
	struct flowtab *ft = flowtab_new(sizeof(kb), 8, 1000, NULL);
	size_t i;

	for (i = 0; i < sizeof(kb); i++) {
		memset(kb, 0, sizeof(kb));
		kb[i] = 1;
		ck_assert_ptr_nonnull(flowtab_get(ft, kb, 0, NULL));
	}
	memset(kb, 0, sizeof(kb));
	ck_assert_ptr_nonnull(flowtab_get(ft, kb, 0, NULL));
	ck_assert_uint_eq(flowtab_count(ft), sizeof(kb) + 1);
	ck_assert(flowtab_hash(kb, 36) != flowtab_hash(kb, 37));
	flowtab_free(ft);
}
END_TEST

/* Keys hold addresses copied clean: the bytes within the length as they
 * were, the rest zero whatever the source held there, the length clamped
 * to the data. */
START_TEST(address_copies_clean)
{
	struct address from, to;
	unsigned len, i;

	for (len = 0; len <= 20; len++) {
		memset(&from, 0xa5, sizeof(from));
		for (i = 0; i < sizeof(from.data); i++)
			from.data[i] = (uint8_t)(i + 1);
		from.type = AT_IPv6;
		from.len = (uint8_t)len;
		memset(&to, 0xff, sizeof(to));
		address_copy_clean(&to, &from);
		ck_assert_uint_eq(to.type, AT_IPv6);
		ck_assert_uint_eq(to.len, MIN(len, sizeof(to.data)));
		for (i = 0; i < sizeof(to.data); i++)
			ck_assert_uint_eq(to.data[i], i < len ? i + 1 : 0);
	}
}
END_TEST

Suite *
suite_flowtab(void)
{
	Suite *s = suite_create("flowtab");
	TCase *tc = tcase_create("flowtab");

	tcase_add_test(tc, insert_and_lookup);
	tcase_add_test(tc, cap_folds);
	tcase_add_test(tc, memory_bound);
	tcase_add_test(tc, clear_keeps_memory);
	tcase_add_test(tc, zero_cap);
	tcase_add_test(tc, odd_key_sizes);
	tcase_add_test(tc, address_copies_clean);
	suite_add_tcase(s, tc);
	return (s);
}
