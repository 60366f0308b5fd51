/*
 * The bounded flow table; the design is in flowtab.h.
 *
 * Layout: entries (a header, the key, the value, each rounded up to 8
 * bytes) in chunks of FLOWTAB_CHUNK; an index of buckets (struct bucket,
 * below), a power of two in number, kept at most half full.  The header
 * keeps what eviction needs without rehashing or
 * searching: the key's hash32 (to find its slot, and for the HyperLogLog),
 * the entry's own number (to go from a value to its heap position) and
 * the insertion sequence (the iteration order once entries were replaced).
 *
 * No counter is kept until the first eviction: until then every entry
 * entered with nothing inherited, so its Space-Saving counter is the bytes
 * its value holds, which the totals callback reads when the heap is built.
 * So a table that does not evict does no counting of its own at all.
 *
 * The heap is 4-ary and lives in its own array of {counter, entry}, so a
 * sift compares counters without touching entries; pos[] maps an entry to
 * its heap position.  Element i is stored at heap_mem[i + 3], with
 * heap_mem 64-byte aligned: the four children of i (4i+1 .. 4i+4) then
 * fill one cache line.  A node carries its entry's hash too, so that the
 * next victim's slot is known without reading its entry.
 *
 * In a flood every packet evicts, and the victim is an entry nobody has
 * touched for a while: its entry and its index slot are cache misses, two
 * or three per eviction and per table, which cost more than everything
 * else the eviction does.  The victim is chosen before it is needed (the
 * next leaf looked at, or the root), so evict() ends by prefetching its
 * entry and bucket, which then arrive while the other tables and the
 * next records are counted.  A caller that looks up many keys in a row
 * (core/deferq.h) hashes and prefetches each key's bucket a few keys
 * ahead (flowtab_prefetch, flowtab_get_hashed).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "flowtab.h"

#define HLL_REGS	(1u << FLOWTAB_HLL_BITS)
#define INDEX_MIN	64
#define HEAP_SKEW	3		/* see above */
#define KEY_OFF		sizeof(struct ent_hdr)	/* a multiple of 8 */

/*
 * The index: buckets of one cache line, each seven slots of {hash,
 * entry number + 1} (0: free), kept at most half full.  A key lives in
 * its home bucket (hash & mask) unless that was full when it came: then
 * in the first bucket after it with room, and every bucket it passed
 * counts it in ovf, so a lookup stops at the first bucket with no
 * overflow and a deletion needs no tombstone and moves nothing.  The
 * slots of a bucket are compared all at once into a bit mask, without a
 * branch per slot: in a flood every lookup is of a new random key, and
 * the branches of a probe loop would be mispredicted every time.
 */
#define BUCKET_SLOTS	7

struct bucket {
	uint32_t	hash[BUCKET_SLOTS];	/* the key's hash32 */
	uint32_t	ovf;		/* keys stored past this bucket */
	uint32_t	idx[BUCKET_SLOTS];	/* entry number + 1; 0: free */
	uint32_t	pad;
};

struct ent_hdr {
	uint64_t	seq;		/* insertion sequence */
	uint32_t	hash;		/* as in the key's slot */
	uint32_t	idx;		/* this entry's number */
};

struct hnode {
	uint64_t	cnt;
	uint32_t	idx;
	uint32_t	hash;		/* the entry's, as in its header */
};

struct flowtab {
	size_t		 key_size, val_size, ent_size, val_off;
	size_t		 max_rows;
	size_t		 n;
	uint8_t		**chunks;
	size_t		 nchunks;	/* allocated so far */
	size_t		 chunks_cap;	/* ceil(max_rows / FLOWTAB_CHUNK) */
	struct bucket	*buckets;
	size_t		 nbuckets;	/* power of two */
	size_t		 nbuckets_max;
	flowtab_totals_fn totals;	/* NULL: first come */
	uint64_t	 seq;		/* insertions since the last clear */
	uint64_t	 evictions;	/* since the last clear */
	bool		 heap_on;	/* the heap holds the counters */
	void		*heap_mem;	/* max_rows + HEAP_SKEW nodes */
	struct hnode	*heap;		/* heap_mem + HEAP_SKEW */
	uint32_t	*pos;		/* entry number -> heap position */
	size_t		 leaf0;		/* the first leaf of the heap */
	size_t		 leaf_scan;	/* next leaf victim() looks at */
	size_t		 next;		/* heap position victim() chose, + 1 */
	uint32_t	*order;		/* insertion order, after evictions */
	uint64_t	 order_seq;	/* seq when order was made, + 1 */
	uint64_t	 folded_frames, folded_bytes;
	size_t		 last;		/* entry number + 1 of the last hit */
	uint8_t		 hll[HLL_REGS];
};

uint64_t
flowtab_hash(const void *key, size_t len)
{
	return (flowtab_hash_inline(key, len));
}

static size_t
round8(size_t n)
{
	return ((n + 7) & ~(size_t)7);
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return (p);
}

struct flowtab *
flowtab_new(size_t key_size, size_t val_size, size_t max_rows,
    flowtab_totals_fn totals)
{
	struct flowtab *ft = g_new0(struct flowtab, 1);

	/* Entry numbers go in 32 bits, with 0 meaning empty. */
	if (max_rows > UINT32_MAX / 4)
		max_rows = UINT32_MAX / 4;
	ft->key_size = key_size;
	ft->val_size = val_size;
	ft->val_off = KEY_OFF + round8(key_size);
	ft->ent_size = ft->val_off + round8(val_size);
	ft->max_rows = max_rows;
	ft->totals = totals;
	ft->chunks_cap = (max_rows + FLOWTAB_CHUNK - 1) / FLOWTAB_CHUNK;
	ft->chunks = g_new0(uint8_t *, ft->chunks_cap > 0 ? ft->chunks_cap : 1);
	/* At most half of the slots used. */
	ft->nbuckets_max = pow2_at_least((2 * (max_rows > 0 ? max_rows : 1) +
	    BUCKET_SLOTS - 1) / BUCKET_SLOTS);
	if (ft->nbuckets_max < INDEX_MIN)
		ft->nbuckets_max = INDEX_MIN;
	ft->nbuckets = MIN(ft->nbuckets_max, 128);
	ft->buckets = g_aligned_alloc0(ft->nbuckets, sizeof(struct bucket),
	    64);
	return (ft);
}

void
flowtab_free(struct flowtab *ft)
{
	size_t i;

	if (ft == NULL)
		return;
	for (i = 0; i < ft->nchunks; i++)
		g_free(ft->chunks[i]);
	g_free(ft->chunks);
	g_aligned_free(ft->buckets);
	free(ft->heap_mem);
	g_free(ft->pos);
	g_free(ft->order);
	g_free(ft);
}

void
flowtab_clear(struct flowtab *ft)
{
	memset(ft->buckets, 0, ft->nbuckets * sizeof(*ft->buckets));
	ft->n = 0;
	ft->last = 0;
	ft->seq = 0;
	ft->evictions = 0;
	ft->heap_on = false;
	ft->order_seq = 0;
	ft->folded_frames = ft->folded_bytes = 0;
	memset(ft->hll, 0, sizeof(ft->hll));
}

/* Key equality a word at a time: keys are a few dozen bytes, and a call
 * to memcmp costs more than the compare. */
static inline bool
key_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return (false);
	}
	return (n == 0 || flowtab_load_tail(a, n) == flowtab_load_tail(b, n));
}

static inline uint8_t *
entry(const struct flowtab *ft, size_t i)
{
	return (ft->chunks[i / FLOWTAB_CHUNK] +
	    (i % FLOWTAB_CHUNK) * ft->ent_size);
}

static inline struct ent_hdr *
hdr(uint8_t *e)
{
	return ((struct ent_hdr *)(void *)e);
}

#ifdef __SSE2__
/* Seven slots and the lane after them (ovf or pad), two loads each. */
static inline unsigned
lanes_mask(__m128i lo, __m128i hi)
{
	return ((unsigned)(_mm_movemask_ps(_mm_castsi128_ps(lo)) |
	    _mm_movemask_ps(_mm_castsi128_ps(hi)) << 4) &
	    ((1u << BUCKET_SLOTS) - 1));
}

/* Which slots of bucket b hold hash h32. */
static inline unsigned
bucket_match(const struct bucket *b, uint32_t h32)
{
	__m128i h = _mm_set1_epi32((int)h32), z = _mm_setzero_si128();
	__m128i h0 = _mm_load_si128((const __m128i *)(const void *)b->hash);
	__m128i h1 = _mm_load_si128((const __m128i *)(const void *)
	    (b->hash + 4));
	__m128i i0 = _mm_load_si128((const __m128i *)(const void *)b->idx);
	__m128i i1 = _mm_load_si128((const __m128i *)(const void *)
	    (b->idx + 4));

	return (lanes_mask(_mm_andnot_si128(_mm_cmpeq_epi32(i0, z),
	    _mm_cmpeq_epi32(h0, h)), _mm_andnot_si128(_mm_cmpeq_epi32(i1, z),
	    _mm_cmpeq_epi32(h1, h))));
}

/* Which slots of bucket b hold the value v (0: the free ones). */
static inline unsigned
bucket_slots_of(const struct bucket *b, uint32_t v)
{
	__m128i x = _mm_set1_epi32((int)v);
	__m128i i0 = _mm_load_si128((const __m128i *)(const void *)b->idx);
	__m128i i1 = _mm_load_si128((const __m128i *)(const void *)
	    (b->idx + 4));

	return (lanes_mask(_mm_cmpeq_epi32(i0, x), _mm_cmpeq_epi32(i1, x)));
}
#else
static inline unsigned
bucket_match(const struct bucket *b, uint32_t h32)
{
	unsigned m = 0, k;

	for (k = 0; k < BUCKET_SLOTS; k++)
		m |= (unsigned)((b->hash[k] == h32) & (b->idx[k] != 0)) << k;
	return (m);
}

static inline unsigned
bucket_slots_of(const struct bucket *b, uint32_t v)
{
	unsigned m = 0, k;

	for (k = 0; k < BUCKET_SLOTS; k++)
		m |= (unsigned)(b->idx[k] == v) << k;
	return (m);
}
#endif

/* Puts entry i, of hash h32, in the first slot free from its home on. */
static inline void
index_insert(struct flowtab *ft, uint32_t i, uint32_t h32)
{
	size_t mask = ft->nbuckets - 1, j = h32 & mask;
	struct bucket *b;
	unsigned m, k;

	/* Ends: the index is at most half full. */
	for (;; j = (j + 1) & mask) {
		b = &ft->buckets[j];
		if ((m = bucket_slots_of(b, 0)) != 0)
			break;
		b->ovf++;
	}
	k = (unsigned)__builtin_ctz(m);
	b->hash[k] = h32;
	b->idx[k] = i + 1;
}

/* Removes entry i, of hash h32: the buckets it passed count it no more. */
static void
index_delete(struct flowtab *ft, uint32_t i, uint32_t h32)
{
	size_t mask = ft->nbuckets - 1, j = h32 & mask, n;
	struct bucket *b;
	unsigned m;

	for (n = 0; n < ft->nbuckets; n++, j = (j + 1) & mask) {
		b = &ft->buckets[j];
		if ((m = bucket_slots_of(b, i + 1)) != 0) {
			b->idx[__builtin_ctz(m)] = 0;
			return;
		}
		b->ovf--;
	}
}

/* Doubles the index; the stored hashes make it a pass over the slots. */
static void
grow_index(struct flowtab *ft)
{
	struct bucket *old = ft->buckets;
	size_t nold = ft->nbuckets, j;
	unsigned k;

	ft->nbuckets = nold * 2;
	ft->buckets = g_aligned_alloc0(ft->nbuckets, sizeof(struct bucket),
	    64);
	for (j = 0; j < nold; j++)
		for (k = 0; k < BUCKET_SLOTS; k++)
			if (old[j].idx[k] != 0)
				index_insert(ft, old[j].idx[k] - 1,
				    old[j].hash[k]);
	g_aligned_free(old);
}

/* The entry number + 1 of key, or 0.  The walk is bounded even if the
 * overflow counts were wrong. */
static inline __attribute__((always_inline)) uint32_t
index_find(const struct flowtab *ft, const void *key, uint32_t h32)
{
	size_t mask = ft->nbuckets - 1, j = h32 & mask, n;
	const struct bucket *b;
	unsigned m, k;

	for (n = 0; n < ft->nbuckets; n++, j = (j + 1) & mask) {
		b = &ft->buckets[j];
		for (m = bucket_match(b, h32); m != 0; m &= m - 1) {
			k = (unsigned)__builtin_ctz(m);
			if (key_eq(entry(ft, b->idx[k] - 1) + KEY_OFF, key,
			    ft->key_size))
				return (b->idx[k]);
		}
		if (b->ovf == 0)
			break;
	}
	return (0);
}

/* ---- the heap ---- */

static __attribute__((noinline)) void
sift_down(struct flowtab *ft, size_t p)
{
	struct hnode *h = ft->heap, x = h[p];
	size_t n = ft->n, c, best, b0, b1;

	for (;;) {
		c = 4 * p + 1;
		if (c + 3 < n) {
			/* Four children: a tournament the compiler can do
			 * without branches. */
			b0 = c + (h[c + 1].cnt < h[c].cnt);
			b1 = c + 2 + (h[c + 3].cnt < h[c + 2].cnt);
			best = h[b1].cnt < h[b0].cnt ? b1 : b0;
		} else if (c < n) {
			for (best = c++; c < n; c++)
				if (h[c].cnt < h[best].cnt)
					best = c;
		} else
			break;
		/* Ties stay up: the sift ends as soon as it can. */
		if (h[best].cnt >= x.cnt)
			break;
		h[p] = h[best];
		ft->pos[h[p].idx] = (uint32_t)p;
		p = best;
	}
	h[p] = x;
	ft->pos[x.idx] = (uint32_t)p;
}

static void
sift_up(struct flowtab *ft, size_t p)
{
	struct hnode *h = ft->heap, x = h[p];
	size_t parent;

	while (p > 0) {
		parent = (p - 1) / 4;
		if (h[parent].cnt <= x.cnt)
			break;
		h[p] = h[parent];
		ft->pos[h[p].idx] = (uint32_t)p;
		p = parent;
	}
	h[p] = x;
	ft->pos[x.idx] = (uint32_t)p;
}

/* The first eviction: every entry's counter is the bytes of its value. */
static void
heap_build(struct flowtab *ft)
{
	uint64_t frames, bytes;
	uint8_t *e;
	size_t i;

	if (ft->heap_mem == NULL) {
		size_t size = (ft->max_rows + HEAP_SKEW) * sizeof(struct hnode);

		if (posix_memalign(&ft->heap_mem, 64, size) != 0)
			g_error("flowtab: out of memory for %zu bytes", size);
		ft->heap = (struct hnode *)ft->heap_mem + HEAP_SKEW;
		ft->pos = g_new(uint32_t, ft->max_rows);
	}
	for (i = 0; i < ft->n; i++) {
		e = entry(ft, i);
		frames = bytes = 0;
		ft->totals(e + KEY_OFF, e + ft->val_off, &frames, &bytes);
		ft->heap[i].cnt = bytes;
		ft->heap[i].idx = (uint32_t)i;
		ft->heap[i].hash = hdr(e)->hash;
		ft->pos[i] = (uint32_t)i;
	}
	for (i = ft->n > 1 ? (ft->n - 2) / 4 + 1 : 0; i-- > 0;)
		sift_down(ft, i);
	/* Node p is a leaf when 4p + 1 >= n. */
	ft->leaf0 = (ft->n + 2) / 4;
	ft->leaf_scan = ft->leaf0;
	ft->next = 0;
	ft->heap_on = true;
}

/* Until the heap is built the counters are the values' bytes.  Most
 * entries are leaves, which need no sift. */
static inline void
weigh(struct flowtab *ft, uint8_t *e, uint64_t weight)
{
	size_t p;

	if (!ft->heap_on)
		return;
	p = ft->pos[hdr(e)->idx];
	ft->heap[p].cnt += weight;
	if (4 * p + 1 < ft->n)
		sift_down(ft, p);
}

/* ---- HyperLogLog over the 32-bit hash: 12 bits pick the register, the
 * other 20 give the rank ---- */

static inline void
hll_add(struct flowtab *ft, uint32_t h32)
{
	unsigned reg = h32 >> (32 - FLOWTAB_HLL_BITS);
	uint32_t rest = h32 << FLOWTAB_HLL_BITS;
	uint8_t rank = rest == 0 ? (uint8_t)(32 - FLOWTAB_HLL_BITS + 1) :
	    (uint8_t)(__builtin_clz(rest) + 1);

	if (rank > ft->hll[reg])
		ft->hll[reg] = rank;
}

/* HyperLogLog estimate, with linear counting for the small range and the
 * correction for a 32-bit hash in the large one. */
static uint64_t
hll_estimate(const struct flowtab *ft)
{
	double m = HLL_REGS, sum = 0, est, alpha = 0.7213 / (1 + 1.079 / m);
	double two32 = 4294967296.0;
	unsigned i, zeros = 0;

	for (i = 0; i < HLL_REGS; i++) {
		sum += ldexp(1.0, -ft->hll[i]);
		zeros += ft->hll[i] == 0;
	}
	if (zeros == HLL_REGS)
		return (0);
	est = alpha * m * m / sum;
	if (est <= 2.5 * m && zeros > 0)
		est = m * log(m / zeros);
	else if (est > two32 / 30)
		est = est < two32 ? -two32 * log(1 - est / two32) : two32;
	return ((uint64_t)(est + 0.5));
}

/* ---- lookups ---- */

void *
flowtab_find(const struct flowtab *ft, const void *key)
{
	uint32_t i = index_find(ft, key, (uint32_t)flowtab_hash_inline(key,
	    ft->key_size));

	return (i == 0 ? NULL : entry(ft, i - 1) + ft->val_off);
}

/* Writes key into entry i, a new entry or one whose key was evicted,
 * and indexes it. */
static inline uint8_t *
entry_fill(struct flowtab *ft, size_t i, const void *key, uint32_t h32)
{
	uint8_t *e = entry(ft, i);
	struct ent_hdr *hd = hdr(e);

	hd->seq = ft->seq++;
	hd->hash = h32;
	hd->idx = (uint32_t)i;
	memcpy(e + KEY_OFF, key, ft->key_size);
	memset(e + ft->val_off, 0, ft->ent_size - ft->val_off);
	index_insert(ft, (uint32_t)i, h32);
	ft->last = i + 1;
	return (e);
}

/*
 * The heap position of an entry with the smallest counter: any may go.  A
 * leaf costs no sift (its parent is no larger, and it has no children),
 * and in a flood of equal packets many leaves hold the smallest counter:
 * look at four (one cache line), from where the last look stopped.  Else
 * the deepest node with it on the way from the last leaf looked at up to
 * the root (which has it): the sift-down that follows starts there.
 */
static inline size_t
victim(struct flowtab *ft)
{
	uint64_t min = ft->heap[0].cnt;
	size_t p = ft->leaf_scan, k, last = 0;

	for (k = 0; k < 4; k++) {
		last = p;
		if (++p == ft->n)
			p = ft->leaf0;
		if (ft->heap[last].cnt == min) {
			ft->leaf_scan = p;
			return (last);
		}
	}
	ft->leaf_scan = p;
	/* last > 0 here: the root would have matched. */
	for (p = (last - 1) / 4; ft->heap[p].cnt != min; p = (p - 1) / 4)
		;
	return (p);
}

/*
 * Asks for the cache lines the eviction after this one will use.  Always
 * inlined: GCC sees a function of prefetches alone as pure and drops its
 * calls.  Read prefetches: a write hint needs an instruction set extension
 * the default target lacks, and GCC then drops the hint too.
 */
static inline __attribute__((always_inline)) void
prefetch_node(const struct flowtab *ft, const struct hnode *h)
{
	const uint8_t *e = entry(ft, h->idx);
	size_t off;

	__builtin_prefetch(&ft->buckets[h->hash & (ft->nbuckets - 1)], 0, 3);
	for (off = 0; off < ft->ent_size; off += 64)
		__builtin_prefetch(e + off, 0, 3);
	/* The entry's last bytes may start another line. */
	__builtin_prefetch(e + ft->ent_size - 1, 0, 3);
}

/*
 * The lightest entry gives its place to key: its totals are folded, its
 * slot deleted, and key enters with its counter.  The caller weighs it.
 */
static inline uint8_t *
evict(struct flowtab *ft, const void *key, uint32_t h32, uint64_t weight)
{
	uint32_t i;
	uint64_t frames = 0, bytes = 0;
	uint8_t *e;
	struct ent_hdr *hd;
	size_t at;

	if (!ft->heap_on)
		heap_build(ft);
	/* The one chosen (and prefetched) after the last eviction, unless
	 * its counter has grown since. */
	if (ft->next != 0 && ft->heap[ft->next - 1].cnt == ft->heap[0].cnt)
		at = ft->next - 1;
	else
		at = victim(ft);
	ft->next = 0;
	i = ft->heap[at].idx;
	e = entry(ft, i);
	hd = hdr(e);
	ft->totals(e + KEY_OFF, e + ft->val_off, &frames, &bytes);
	ft->folded_frames += frames;
	ft->folded_bytes += bytes;
	hll_add(ft, hd->hash);
	index_delete(ft, i, hd->hash);
	ft->evictions++;
	/* The new key inherits the counter, min, in the same heap node,
	 * and adds its weight. */
	e = entry_fill(ft, i, key, h32);
	ft->heap[at].hash = h32;
	ft->heap[at].cnt += weight;
	if (4 * at + 1 < ft->n)
		sift_down(ft, at);
	/* Choose the next victim now, and fetch it. */
	ft->next = victim(ft) + 1;
	prefetch_node(ft, &ft->heap[ft->next - 1]);
	return (e);
}

/*
 * Inserts a key that index_find() did not find, evicting when the table
 * is full; NULL when it cannot.  Out of line, so that the lookup that
 * finds its key stays short.
 */
static __attribute__((noinline)) uint8_t *
insert(struct flowtab *ft, const void *key, uint32_t h32, uint64_t weight)
{
	uint8_t *e;
	size_t c;

	if (ft->n >= ft->max_rows) {
		if (ft->totals == NULL || ft->max_rows == 0)
			return (NULL);
		return (evict(ft, key, h32, weight));
	}
	/* At most once per key until the table is full. */
	if ((ft->n + 1) * 2 > ft->nbuckets * BUCKET_SLOTS &&
	    ft->nbuckets < ft->nbuckets_max)
		grow_index(ft);
	c = ft->n / FLOWTAB_CHUNK;
	if (c >= ft->nchunks) {
		size_t ents = MIN((size_t)FLOWTAB_CHUNK,
		    ft->max_rows - c * FLOWTAB_CHUNK);

		ft->chunks[c] = g_malloc(ents * ft->ent_size);
		ft->nchunks = c + 1;
	}
	e = entry_fill(ft, ft->n, key, h32);
	ft->n++;
	return (e);
}

void
flowtab_prefetch(const struct flowtab *ft, uint32_t h32)
{
	__builtin_prefetch(&ft->buckets[h32 & (ft->nbuckets - 1)], 0, 3);
}

/* Packets come in bursts of one flow: the last hit is tried first. */
static inline __attribute__((always_inline)) void *
get(struct flowtab *ft, const void *key, bool hashed, uint32_t h32,
    uint64_t weight, bool *created)
{
	uint32_t i;
	uint8_t *e;

	if (created != NULL)
		*created = false;
	if (ft->last != 0) {
		e = entry(ft, ft->last - 1);
		if (key_eq(e + KEY_OFF, key, ft->key_size))
			goto found;
	}
	if (!hashed)
		h32 = (uint32_t)flowtab_hash_inline(key, ft->key_size);
	if ((i = index_find(ft, key, h32)) != 0) {
		ft->last = i;
		e = entry(ft, i - 1);
		goto found;
	}
	/* Weighed there: the table has no counters until it evicts. */
	if ((e = insert(ft, key, h32, weight)) == NULL)
		return (NULL);
	if (created != NULL)
		*created = true;
	return (e + ft->val_off);
found:
	weigh(ft, e, weight);
	return (e + ft->val_off);
}

void *
flowtab_get(struct flowtab *ft, const void *key, uint64_t weight,
    bool *created)
{
	return (get(ft, key, false, 0, weight, created));
}

void *
flowtab_get_hashed(struct flowtab *ft, const void *key, uint32_t h32,
    uint64_t weight, bool *created)
{
	return (get(ft, key, true, h32, weight, created));
}

void
flowtab_weigh(struct flowtab *ft, void *val, uint64_t weight)
{
	weigh(ft, (uint8_t *)val - ft->val_off, weight);
}

void
flowtab_unweigh(struct flowtab *ft, void *val, uint64_t weight)
{
	uint8_t *e = (uint8_t *)val - ft->val_off;
	size_t p;

	if (!ft->heap_on)
		return;
	p = ft->pos[hdr(e)->idx];
	ft->heap[p].cnt -= MIN(weight, ft->heap[p].cnt);
	sift_up(ft, p);
}

bool
flowtab_rekey(struct flowtab *ft, void *val, const void *newkey)
{
	uint8_t *e = (uint8_t *)val - ft->val_off;
	struct ent_hdr *hd = hdr(e);
	uint32_t h32 = (uint32_t)flowtab_hash_inline(newkey, ft->key_size);
	uint32_t i = index_find(ft, newkey, h32);

	if (i != 0)
		return (i == hd->idx + 1);
	index_delete(ft, hd->idx, hd->hash);
	index_insert(ft, hd->idx, h32);
	hd->hash = h32;
	if (ft->heap_on)
		ft->heap[ft->pos[hd->idx]].hash = h32;
	memcpy(e + KEY_OFF, newkey, ft->key_size);
	return (true);
}

void
flowtab_fold(struct flowtab *ft, const void *key, uint64_t frames,
    uint64_t bytes)
{
	hll_add(ft, (uint32_t)flowtab_hash(key, ft->key_size));
	ft->folded_frames += frames;
	ft->folded_bytes += bytes;
}

void
flowtab_folded(const struct flowtab *ft, uint64_t *rows, uint64_t *frames,
    uint64_t *bytes)
{
	bool any = ft->folded_frames > 0 || ft->evictions > 0;

	if (rows != NULL) {
		*rows = any ? hll_estimate(ft) : 0;
		/* A fold happened, so at least one key was folded. */
		if (any && *rows == 0)
			*rows = 1;
	}
	if (frames != NULL)
		*frames = ft->folded_frames;
	if (bytes != NULL)
		*bytes = ft->folded_bytes;
}

uint64_t
flowtab_error(const struct flowtab *ft)
{
	if (ft->totals == NULL)
		return (ft->folded_bytes);
	return (ft->evictions > 0 && ft->heap_on ? ft->heap[0].cnt : 0);
}

uint64_t
flowtab_evictions(const struct flowtab *ft)
{
	return (ft->evictions);
}

size_t
flowtab_count(const struct flowtab *ft)
{
	return (ft->n);
}

size_t
flowtab_max_rows(const struct flowtab *ft)
{
	return (ft->max_rows);
}

struct seq_idx {
	uint64_t	seq;
	uint32_t	idx;
};

/*
 * Sorts by seq, least significant byte first (seqs are unique, and their
 * spread is what fits in the bytes that vary): a draw after a flood sorts
 * max_rows entries under the listener lock, and a comparison sort costs
 * ten times more.  Returns a or tmp, whichever holds the result.
 */
static struct seq_idx *
radix_by_seq(struct seq_idx *a, struct seq_idx *tmp, size_t n)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t count[256], i, d, sum, c;
	unsigned shift;
	struct seq_idx *t;

	for (i = 0; i < n; i++) {
		lo = MIN(lo, a[i].seq);
		hi = MAX(hi, a[i].seq);
	}
	for (shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[((a[i].seq - lo) >> shift) & 255]++;
		for (d = 0, sum = 0; d < 256; d++) {
			c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[count[((a[i].seq - lo) >> shift) & 255]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return (a);
}

size_t
flowtab_order(struct flowtab *ft)
{
	struct seq_idx *si, *sorted;
	size_t i;

	/* Until an eviction the entries are in insertion order already;
	 * after, sort them once per change. */
	if (ft->evictions == 0 || ft->order_seq == ft->seq + 1)
		return (ft->n);
	si = g_new(struct seq_idx, 2 * ft->n);
	for (i = 0; i < ft->n; i++) {
		si[i].seq = hdr(entry(ft, i))->seq;
		si[i].idx = (uint32_t)i;
	}
	sorted = radix_by_seq(si, si + ft->n, ft->n);
	if (ft->order == NULL)
		ft->order = g_new(uint32_t, ft->max_rows);
	for (i = 0; i < ft->n; i++)
		ft->order[i] = sorted[i].idx;
	g_free(si);
	ft->order_seq = ft->seq + 1;
	return (ft->n);
}

/* Entry number of the i-th in insertion order. */
static inline size_t
ordered(const struct flowtab *ft, size_t i)
{
	return (ft->evictions > 0 && ft->order_seq != 0 ? ft->order[i] : i);
}

const void *
flowtab_key_at(const struct flowtab *ft, size_t i)
{
	return (i < ft->n ? entry(ft, ordered(ft, i)) + KEY_OFF : NULL);
}

void *
flowtab_val_at(const struct flowtab *ft, size_t i)
{
	return (i < ft->n ? entry(ft, ordered(ft, i)) + ft->val_off : NULL);
}

size_t
flowtab_memory(const struct flowtab *ft)
{
	size_t bytes = sizeof(*ft), i;

	bytes += ft->nbuckets * sizeof(struct bucket);
	bytes += (ft->chunks_cap > 0 ? ft->chunks_cap : 1) * sizeof(uint8_t *);
	for (i = 0; i < ft->nchunks; i++)
		bytes += MIN((size_t)FLOWTAB_CHUNK,
		    ft->max_rows - i * FLOWTAB_CHUNK) * ft->ent_size;
	if (ft->heap_mem != NULL)
		bytes += (ft->max_rows + HEAP_SKEW) * sizeof(struct hnode) +
		    ft->max_rows * sizeof(uint32_t);
	if (ft->order != NULL)
		bytes += ft->max_rows * sizeof(uint32_t);
	return (bytes);
}
