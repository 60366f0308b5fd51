/*
 * The bounded flow table; the design is in flowtab.h.
 *
 * Layout: entries (key then value, each rounded up to 8 bytes) in chunks
 * of FLOWTAB_CHUNK; an index of slots {entry number + 1, hash32}, a power
 * of two in size, kept at most half full.  Slot 0 means empty.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "flowtab.h"

#define HLL_REGS	(1u << FLOWTAB_HLL_BITS)
#define INDEX_MIN	64

struct slot {
	uint32_t	idx;		/* entry number + 1; 0 when empty */
	uint32_t	hash;		/* low bits of the key's hash */
};

struct flowtab {
	size_t		 key_size, val_size, ent_size, val_off;
	size_t		 max_rows;
	size_t		 n;
	uint8_t		**chunks;
	size_t		 nchunks;	/* allocated so far */
	size_t		 chunks_cap;	/* ceil(max_rows / FLOWTAB_CHUNK) */
	struct slot	*slots;
	size_t		 nslots;	/* power of two */
	size_t		 nslots_max;
	uint64_t	 folded_frames, folded_bytes;
	size_t		 last;		/* entry number + 1 of the last hit */
	uint8_t		 hll[HLL_REGS];
};

static inline uint64_t
fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (h);
}

/* Word-at-a-time multiply-xor over the key, then a full avalanche: the keys
 * are small and mostly structured (addresses, zero padding), and the HLL
 * needs every output bit to depend on every input bit. */
static inline uint64_t
hash_inline(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)len, w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	return (fmix64(h));
}

uint64_t
flowtab_hash(const void *key, size_t len)
{
	return (hash_inline(key, len));
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
flowtab_new(size_t key_size, size_t val_size, size_t max_rows)
{
	struct flowtab *ft = g_new0(struct flowtab, 1);

	/* Entry numbers go in 32 bits, with 0 meaning empty. */
	if (max_rows > UINT32_MAX / 4)
		max_rows = UINT32_MAX / 4;
	ft->key_size = key_size;
	ft->val_size = val_size;
	ft->val_off = round8(key_size);
	ft->ent_size = ft->val_off + round8(val_size);
	ft->max_rows = max_rows;
	ft->chunks_cap = (max_rows + FLOWTAB_CHUNK - 1) / FLOWTAB_CHUNK;
	ft->chunks = g_new0(uint8_t *, ft->chunks_cap > 0 ? ft->chunks_cap : 1);
	ft->nslots_max = pow2_at_least(2 * (max_rows > 0 ? max_rows : 1));
	if (ft->nslots_max < INDEX_MIN)
		ft->nslots_max = INDEX_MIN;
	ft->nslots = MIN(ft->nslots_max, 1024);
	ft->slots = g_new0(struct slot, ft->nslots);
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
	g_free(ft->slots);
	g_free(ft);
}

void
flowtab_clear(struct flowtab *ft)
{
	memset(ft->slots, 0, ft->nslots * sizeof(*ft->slots));
	ft->n = 0;
	ft->last = 0;
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
	for (; n > 0; n--)
		if (*a++ != *b++)
			return (false);
	return (true);
}

static inline uint8_t *
entry(const struct flowtab *ft, size_t i)
{
	return (ft->chunks[i / FLOWTAB_CHUNK] +
	    (i % FLOWTAB_CHUNK) * ft->ent_size);
}

/* Doubles the index; the stored hashes make it a pass over the slots. */
static void
grow_index(struct flowtab *ft)
{
	size_t nslots = ft->nslots * 2, mask = nslots - 1, i, j;
	struct slot *slots = g_new0(struct slot, nslots);

	for (i = 0; i < ft->nslots; i++) {
		if (ft->slots[i].idx == 0)
			continue;
		/* The stored 32 bits are enough while nslots <= 2^32. */
		for (j = ft->slots[i].hash & mask; slots[j].idx != 0;
		    j = (j + 1) & mask)
			;
		slots[j] = ft->slots[i];
	}
	g_free(ft->slots);
	ft->slots = slots;
	ft->nslots = nslots;
}

/* The slot holding key, or the empty slot where it would go. */
static inline struct slot *
probe(const struct flowtab *ft, const void *key, uint32_t h32)
{
	size_t mask = ft->nslots - 1, j;
	struct slot *s;

	for (j = h32 & mask;; j = (j + 1) & mask) {
		s = &ft->slots[j];
		if (s->idx == 0)
			return (s);
		if (s->hash == h32 &&
		    key_eq(entry(ft, s->idx - 1), key, ft->key_size))
			return (s);
	}
}

void *
flowtab_find(const struct flowtab *ft, const void *key)
{
	uint32_t h32 = (uint32_t)hash_inline(key, ft->key_size);
	struct slot *s = probe(ft, key, h32);

	return (s->idx == 0 ? NULL : entry(ft, s->idx - 1) + ft->val_off);
}

void *
flowtab_get(struct flowtab *ft, const void *key, bool *created)
{
	uint32_t h32;
	struct slot *s;
	uint8_t *e;
	size_t c;

	if (created != NULL)
		*created = false;
	/* Packets come in bursts of one flow: try the last hit before
	 * hashing. */
	if (ft->last != 0) {
		e = entry(ft, ft->last - 1);
		if (key_eq(e, key, ft->key_size))
			return (e + ft->val_off);
	}
	h32 = (uint32_t)hash_inline(key, ft->key_size);
	s = probe(ft, key, h32);
	if (s->idx != 0) {
		ft->last = s->idx;
		return (entry(ft, s->idx - 1) + ft->val_off);
	}
	if (ft->n >= ft->max_rows)
		return (NULL);

	/* Rare from here on: at most once per key, ever. */
	if ((ft->n + 1) * 2 > ft->nslots && ft->nslots < ft->nslots_max) {
		grow_index(ft);
		s = probe(ft, key, h32);
	}
	c = ft->n / FLOWTAB_CHUNK;
	if (c >= ft->nchunks) {
		size_t ents = MIN((size_t)FLOWTAB_CHUNK,
		    ft->max_rows - c * FLOWTAB_CHUNK);

		ft->chunks[c] = g_malloc(ents * ft->ent_size);
		ft->nchunks = c + 1;
	}
	e = entry(ft, ft->n);
	memcpy(e, key, ft->key_size);
	memset(e + ft->val_off, 0, ft->ent_size - ft->val_off);
	s->idx = (uint32_t)(ft->n + 1);
	s->hash = h32;
	ft->n++;
	ft->last = ft->n;
	if (created != NULL)
		*created = true;
	return (e + ft->val_off);
}

void
flowtab_fold(struct flowtab *ft, const void *key, uint64_t frames,
    uint64_t bytes)
{
	uint64_t h = flowtab_hash(key, ft->key_size), rest;
	unsigned reg = (unsigned)(h >> (64 - FLOWTAB_HLL_BITS));
	uint8_t rank;

	/* The rank is the position of the first 1 in the remaining bits. */
	rest = h << FLOWTAB_HLL_BITS;
	rank = rest == 0 ? (uint8_t)(64 - FLOWTAB_HLL_BITS + 1) :
	    (uint8_t)(__builtin_clzll(rest) + 1);
	if (rank > ft->hll[reg])
		ft->hll[reg] = rank;
	ft->folded_frames += frames;
	ft->folded_bytes += bytes;
}

/* HyperLogLog estimate, with linear counting for the small range. */
static uint64_t
hll_estimate(const struct flowtab *ft)
{
	double m = HLL_REGS, sum = 0, est, alpha = 0.7213 / (1 + 1.079 / m);
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
	return ((uint64_t)(est + 0.5));
}

void
flowtab_folded(const struct flowtab *ft, uint64_t *rows, uint64_t *frames,
    uint64_t *bytes)
{
	if (rows != NULL) {
		*rows = ft->folded_frames == 0 ? 0 : hll_estimate(ft);
		/* A fold happened, so at least one key was folded. */
		if (ft->folded_frames > 0 && *rows == 0)
			*rows = 1;
	}
	if (frames != NULL)
		*frames = ft->folded_frames;
	if (bytes != NULL)
		*bytes = ft->folded_bytes;
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

const void *
flowtab_key_at(const struct flowtab *ft, size_t i)
{
	return (i < ft->n ? entry(ft, i) : NULL);
}

void *
flowtab_val_at(const struct flowtab *ft, size_t i)
{
	return (i < ft->n ? entry(ft, i) + ft->val_off : NULL);
}

size_t
flowtab_memory(const struct flowtab *ft)
{
	size_t bytes = sizeof(*ft), i;

	bytes += ft->nslots * sizeof(struct slot);
	bytes += (ft->chunks_cap > 0 ? ft->chunks_cap : 1) * sizeof(uint8_t *);
	for (i = 0; i < ft->nchunks; i++)
		bytes += MIN((size_t)FLOWTAB_CHUNK,
		    ft->max_rows - i * FLOWTAB_CHUNK) * ft->ent_size;
	return (bytes);
}
