/*
 * A bounded hash table of fixed-size keys for the statistics panels.
 *
 * Panels count per key (an address pair, an address and port, a protocol
 * tree node) on the capture thread, millions of times a second, and must
 * not grow without bound on a scan of random addresses.  So:
 *
 *   - Keys and values have a fixed size given at creation.  Keys are
 *     compared bytewise: the caller zeroes the key (padding included) and
 *     normalises it (for example puts the lower address first) before
 *     every lookup.
 *   - At most max_rows entries are ever stored.  What happens to a new key
 *     when the table is full is the table's policy, chosen at creation:
 *
 *     First come (no totals callback): the key is not inserted,
 *     flowtab_get() returns NULL and the caller calls flowtab_fold(),
 *     which adds the packet to the folded totals.  For tables whose keys
 *     depend on one another (the protocol tree keys a node on its
 *     parent's number), where an entry must never go away.
 *
 *     Heaviest kept (a totals callback): Space-Saving (Metwally, Agrawal
 *     and El Abbadi, "Efficient computation of frequent and top-k
 *     elements in data streams", 2005), weighted by bytes.  Each entry
 *     has a counter: the weight flowtab_get() gave it since it entered
 *     (the bytes the caller adds to its value, which the totals callback
 *     reports), plus the counter it inherited.  A new key arriving
 *     at a full table evicts the entry with the smallest counter c, takes
 *     its place, and starts with the counter c (plus its own weight): c
 *     bounds what the new key may have carried while it was not stored.
 *     The evicted entry's exact totals, which the callback reads from its
 *     value, go to the folded totals; the new key's value starts at zero.
 *     The counters only choose what to evict; the values the caller keeps
 *     are exact counts from the time the key entered.
 *
 *     The guarantee: the counters add up to the total weight W, so the
 *     smallest is at most W / max_rows, and it only grows.  A key whose
 *     weight exceeds the smallest counter (a fortiori one with more than
 *     W / max_rows) is in the table: a key that is not had its weight
 *     bounded by the smallest counter when it was evicted.  A stored key
 *     missed at most the counter it inherited, which is at most today's
 *     smallest counter, flowtab_error().  An alternation of keys cannot
 *     push a heavy key out, as it could if a new key started from 0.
 *
 *     Cost: until the table first evicts, nothing: every entry entered
 *     with nothing inherited, so its counter is its value's bytes, read
 *     through the totals callback when the first eviction builds a 4-ary
 *     min-heap of {counter, entry} (O(max_rows), once).  From then on a
 *     weight is a sift-down from the entry's heap position, which stops
 *     at once for most entries (three quarters of a 4-ary heap are
 *     leaves), and an eviction is a deletion from the index (a slot
 *     cleared, nothing moved), an insertion, and a sift-down from the
 *     entry that went: one of four leaves looked at if one holds the
 *     smallest counter too (no sift), else the deepest node that does on
 *     the way up from them to the root.  In a flood of equal packets
 *     (SYNs) many leaves do.  The next victim is chosen as soon as one
 *     goes, and its entry and index bucket are prefetched: in a flood they
 *     are the cache misses that cost most.  No allocation.
 *
 *   - folded_frames and folded_bytes are exact sums of what was folded, so
 *     the values in the table plus the folded totals are everything
 *     counted.  folded_rows estimates the number of distinct keys that had
 *     counts folded (a key evicted twice counts once, and a key evicted
 *     and back in the table counts too), with a HyperLogLog sketch (4096
 *     one-byte registers fed by the 32-bit hash the index stores, about
 *     1.6% standard error up to some 10^8 keys, exact enough for an
 *     "other (~N rows)" line); it is computed when asked, never on the
 *     packet path.
 *   - Entries live in chunks of FLOWTAB_CHUNK, allocated the first time
 *     the table reaches them and kept until flowtab_free (flowtab_clear
 *     keeps them for reuse), so a value's address is stable until a clear,
 *     or until its key is evicted: then the address holds another key.  A
 *     caller that keeps a value pointer across a flowtab_get() of another
 *     key must look it up again (or use a first-come table).
 *     The open-addressing index doubles as the table fills, up to the size
 *     max_rows needs.  Both growths, and the heap (at the first
 *     eviction), happen O(log max_rows) + max_rows / FLOWTAB_CHUNK + 1
 *     times in a table's life, never once it has evicted, and never on a
 *     lookup that finds its key: that is the only allocation the packet
 *     path can see, amortised to nothing.  (flowtab_order allocates too,
 *     in draw(), off the packet path.)
 *   - Iteration (flowtab_order, then flowtab_key_at and flowtab_val_at)
 *     is in the order the keys entered the table, which the panels use as
 *     the tie-break order of their rows.  A key that replaced an evicted
 *     one entered when it replaced it.
 *
 * Hand-written rather than a GHashTable because the keys are stored
 * inline (a GHashTable would need one allocation per key or a side array
 * anyway), the hash and compare are inlined instead of called through
 * pointers, the bound on memory is explicit, the index stores each key's
 * hash so a probe rarely touches the entry itself, and eviction needs the
 * heap beside it.
 *
 * Not locked: the panels use it under their listener's lock, or, for
 * those that count on the worker (core/deferq.h), under their queue's.
 */
#ifndef TAPTOP_FLOWTAB_H
#define TAPTOP_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FLOWTAB_CHUNK	1024		/* entries per allocation */
#define FLOWTAB_HLL_BITS 12		/* 2^12 registers */

struct flowtab;

/* The exact totals an evicted entry's value holds, for the folded line. */
typedef void (*flowtab_totals_fn)(const void *key, const void *val,
    uint64_t *frames, uint64_t *bytes);

/* totals NULL: first come; otherwise the heaviest are kept. */
struct flowtab *flowtab_new(size_t key_size, size_t val_size, size_t max_rows,
	    flowtab_totals_fn totals);
void	 flowtab_free(struct flowtab *);

/* Forgets every entry and folded total; keeps the memory. */
void	 flowtab_clear(struct flowtab *);

/*
 * Finds the value of key, or inserts key with a zeroed value (*created set
 * when not NULL), and adds weight to its counter: the bytes the caller
 * then adds to the value (ignored by a first-come table).  Returns NULL
 * when the key is absent and the table cannot take it: a full first-come
 * table, or max_rows 0.  In a table that keeps the heaviest, an insertion
 * into a full table evicts the lightest entry, whose value pointer then
 * belongs to the new key.
 */
void	*flowtab_get(struct flowtab *, const void *key, uint64_t weight,
	    bool *created);

/*
 * The same in two steps, for a caller that looks up many keys in a row:
 * the hash of each key (the low 32 bits of flowtab_hash_inline, below,
 * of the table's key size), flowtab_prefetch of it a few keys ahead,
 * then flowtab_get_hashed, which is flowtab_get given the hash.
 */
void	 flowtab_prefetch(const struct flowtab *, uint32_t hash);
void	*flowtab_get_hashed(struct flowtab *, const void *key, uint32_t hash,
	    uint64_t weight, bool *created);

/* Takes back the weight the last flowtab_get gave the entry of val, for a
 * caller that learns after the lookup that the packet belongs to another
 * key (a new TCP stream on the same ports). */
void	 flowtab_unweigh(struct flowtab *, void *val, uint64_t weight);

/* Gives the entry of val weight more, as flowtab_get would: for a caller
 * that found it with flowtab_find and counts it. */
void	 flowtab_weigh(struct flowtab *, void *val, uint64_t weight);

/*
 * Gives the entry of val the key newkey, keeping its value, counter and
 * place in the iteration order.  False (and nothing changed) when another
 * entry has newkey.
 */
bool	 flowtab_rekey(struct flowtab *, void *val, const void *newkey);

/* Finds without inserting or weighing. */
void	*flowtab_find(const struct flowtab *, const void *key);

/* Counts a packet (or several) of a key that could not be stored. */
void	 flowtab_fold(struct flowtab *, const void *key, uint64_t frames,
	    uint64_t bytes);

size_t	 flowtab_count(const struct flowtab *);
size_t	 flowtab_max_rows(const struct flowtab *);

/*
 * Puts the entries in the order their keys entered, for flowtab_key_at
 * and flowtab_val_at (i < the count it returns).  Call it before each walk:
 * an eviction changes the order.  Sorts only when something was evicted
 * since the last clear; until then the order is the entries' own.
 */
size_t	 flowtab_order(struct flowtab *);
const void *flowtab_key_at(const struct flowtab *, size_t i);
void	*flowtab_val_at(const struct flowtab *, size_t i);

/* Folded totals; rows is the distinct-key estimate described above. */
void	 flowtab_folded(const struct flowtab *, uint64_t *rows,
	    uint64_t *frames, uint64_t *bytes);

/*
 * The Space-Saving bound: 0 while nothing was evicted (every value is
 * exact and nothing was folded), else the smallest counter, which bounds
 * both the weight of any key not in the table and the weight a stored key
 * may have carried before it entered.  A first-come table's stored keys
 * are exact, and a key it folded may hold all the folded bytes: for it
 * the bound is those.
 */
uint64_t flowtab_error(const struct flowtab *);

/* Keys evicted since the last clear. */
uint64_t flowtab_evictions(const struct flowtab *);

/* Bytes allocated by the table, for the tests of the bound. */
size_t	 flowtab_memory(const struct flowtab *);

/* The 64-bit hash used for keys (exposed for tests and for other
 * fixed-size tables). */
uint64_t flowtab_hash(const void *key, size_t len);

/* The last len (< 8) bytes of a key as one word, with loads of fixed size:
 * keys are rarely a multiple of 8 bytes long, and a memcpy of a variable
 * length is a call. */
static inline uint64_t
flowtab_load_tail(const uint8_t *p, size_t len)
{
	uint64_t w = 0;
	uint32_t w4;
	uint16_t w2;
	unsigned shift = 0;

	if (len & 4) {
		memcpy(&w4, p, 4);
		w = w4;
		p += 4;
		shift = 32;
	}
	if (len & 2) {
		memcpy(&w2, p, 2);
		w |= (uint64_t)w2 << shift;
		p += 2;
		shift += 16;
	}
	if (len & 1)
		w |= (uint64_t)*p << shift;
	return (w);
}

/* Up to 8 bytes as one word (len <= 8). */
static inline uint64_t
flowtab_load_upto8(const uint8_t *p, size_t len)
{
	uint64_t w;

	if (len == 8) {
		memcpy(&w, p, 8);
		return (w);
	}
	return (flowtab_load_tail(p, len));
}

/* A 64x64-bit multiply folded to 64 bits: one of them mixes 16 bytes of
 * key with the state (the core of wyhash, by Wang Yi). */
static inline uint64_t
flowtab_mum(uint64_t a, uint64_t b)
{
	unsigned __int128 m = (unsigned __int128)a * b;

	return ((uint64_t)m ^ (uint64_t)(m >> 64));
}

#define FLOWTAB_HASH_K0	0xa0761d6478bd642fULL
#define FLOWTAB_HASH_K1	0xe7037ed1a0b428dbULL
#define FLOWTAB_HASH_K2	0x8ebc6af09c88c6e3ULL

/* flowtab_hash, inline: with a constant len (sizeof a key) the compiler
 * unrolls it to a few instructions.  Sixteen bytes per multiply, then
 * one more that avalanches: the keys are
 * small and mostly structured (addresses, zero padding), and the HLL
 * needs every output bit to depend on every input bit.  A multiply-xor
 * per word cost twice the instructions, on every packet of every panel. */
static inline uint64_t
flowtab_hash_inline(const void *key, size_t len)
{
	const uint8_t *p = key;
	size_t n = len;
	uint64_t h = FLOWTAB_HASH_K0 ^ (uint64_t)len, a, b;

	for (; n > 16; p += 16, n -= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = flowtab_mum(a ^ FLOWTAB_HASH_K1, b ^ h);
	}
	if (n > 8) {
		memcpy(&a, p, 8);
		b = flowtab_load_upto8(p + 8, n - 8);
	} else {
		a = flowtab_load_upto8(p, n);
		b = 0;
	}
	h = flowtab_mum(a ^ FLOWTAB_HASH_K2, b ^ h);
	return (flowtab_mum(h ^ FLOWTAB_HASH_K1, (uint64_t)len ^ FLOWTAB_HASH_K2));
}

#endif
