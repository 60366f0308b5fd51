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
 *   - At most max_rows entries are ever stored.  When the table is full a
 *     new key is not inserted: flowtab_get() returns NULL and the caller
 *     calls flowtab_fold(), which adds the packet to folded totals.
 *   - folded_frames and folded_bytes are exact sums of what was folded.
 *     folded_rows estimates the number of distinct keys folded, with a
 *     HyperLogLog sketch (4096 one-byte registers, about 2% standard
 *     error, exact enough for an "other (~N rows)" line); it is computed
 *     when asked, never on the packet path.
 *   - Entries live in chunks of FLOWTAB_CHUNK, allocated the first time
 *     the table reaches them and kept until flowtab_free (flowtab_clear
 *     keeps them for reuse), so a value's address is stable until a clear.
 *     The open-addressing index doubles as the table fills, up to the size
 *     max_rows needs.  Both growths happen O(log max_rows) and
 *     max_rows / FLOWTAB_CHUNK times in a table's life, never once it is
 *     full, and never on a lookup that finds its key: that is the only
 *     allocation the packet path can see, amortised to nothing.
 *   - Iteration (flowtab_key_at, flowtab_val_at) is in insertion order,
 *     which the panels use as the tie-break order of their rows.
 *
 * Hand-written rather than a GHashTable because the keys are stored
 * inline (a GHashTable would need one allocation per key or a side array
 * anyway), the hash and compare are inlined instead of called through
 * pointers, the bound on memory is explicit, and the index stores each
 * key's hash so a probe rarely touches the entry itself.  Nothing is ever
 * deleted singly, so linear probing needs no tombstones.
 *
 * Not locked: the panels use it under their listener's lock.
 */
#ifndef TAPTOP_FLOWTAB_H
#define TAPTOP_FLOWTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FLOWTAB_CHUNK	1024		/* entries per allocation */
#define FLOWTAB_HLL_BITS 12		/* 2^12 registers */

struct flowtab;

struct flowtab *flowtab_new(size_t key_size, size_t val_size, size_t max_rows);
void	 flowtab_free(struct flowtab *);

/* Forgets every entry and folded total; keeps the memory. */
void	 flowtab_clear(struct flowtab *);

/*
 * Finds the value of key, or inserts key with a zeroed value (*created set
 * when not NULL).  Returns NULL when the key is absent and the table holds
 * max_rows entries already.
 */
void	*flowtab_get(struct flowtab *, const void *key, bool *created);

/* Finds without inserting. */
void	*flowtab_find(const struct flowtab *, const void *key);

/* Counts a packet (or several) of a key that could not be stored. */
void	 flowtab_fold(struct flowtab *, const void *key, uint64_t frames,
	    uint64_t bytes);

size_t	 flowtab_count(const struct flowtab *);
size_t	 flowtab_max_rows(const struct flowtab *);
const void *flowtab_key_at(const struct flowtab *, size_t i);
void	*flowtab_val_at(const struct flowtab *, size_t i);

/* Folded totals; rows is the distinct-key estimate described above. */
void	 flowtab_folded(const struct flowtab *, uint64_t *rows,
	    uint64_t *frames, uint64_t *bytes);

/* Bytes allocated by the table, for the tests of the bound. */
size_t	 flowtab_memory(const struct flowtab *);

/* The 64-bit hash used for keys (exposed for tests). */
uint64_t flowtab_hash(const void *key, size_t len);

#endif
