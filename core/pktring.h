/*
 * The history ring: the raw bytes of the most recent packets, kept by the
 * capture thread so that a panel added or given a new filter during a live
 * capture, or while reading a pipe (neither can be read again), starts with
 * the recent past instead of from zero (capture.h: refilling).
 *
 * The memory is a fixed budget cut into chunks of one size, each allocated
 * the first time the ring reaches it (a short capture never touches most of
 * a large budget) and reused after that: nothing is allocated per packet.
 * A record goes at the end of the current chunk; one that does not fit
 * there starts the next chunk, and once every chunk is in use that is the
 * oldest one, whose records are all dropped at once.  So the ring holds
 * the newest packets that fit in between budget - chunk and budget bytes.
 *
 * A record is a packet as it was dispatched: its number (frame.number),
 * time, lengths, link type and captured bytes.  A packet larger than a
 * chunk is not kept (counted in too_big): a number is then missing between
 * two records, which is how a reader sees any gap.
 *
 * A cursor reads the records in order, from the oldest.  When the writer
 * has recycled the chunk under it, the next read goes on from the oldest
 * record still held; the caller sees how many it lost from the numbers.
 * One thread writes and reads (the capture thread): there are no locks.
 */
#ifndef TAPTOP_PKTRING_H
#define TAPTOP_PKTRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKTRING_CHUNKS		16		/* chunks of a large budget */
#define PKTRING_CHUNK_MIN	(512u * 1024)	/* unless the budget is small */

struct pktring_rec {
	uint64_t	 num;		/* frame.number, from 1 */
	int64_t		 sec;		/* the time, as dissected */
	uint32_t	 nsec;
	uint32_t	 len;		/* on the wire */
	uint32_t	 caplen;	/* bytes that follow the record */
	int32_t		 linktype;	/* LINKTYPE_* */
};

struct pktring_chunk {
	uint8_t		*mem;		/* NULL until first used */
	size_t		 used;
	uint64_t	 gen;		/* changes each time it is (re)started */
	uint64_t	 nrecs;
};

struct pktring {
	size_t			 budget;	/* bytes */
	size_t			 chunk_size;
	unsigned		 nchunks;
	struct pktring_chunk	*chunks;
	unsigned		 head;		/* the chunk written to */
	bool			 wrapped;	/* every chunk has been used */
	uint64_t		 gen;		/* the last chunk generation */
	uint64_t		 records;	/* held now */
	uint64_t		 too_big;	/* packets not kept */
	uint64_t		 dropped;	/* records recycled, ever */
};

struct pktring_cursor {
	bool		 started;
	unsigned	 chunk;
	uint64_t	 gen;		/* the chunk's, when the cursor got there */
	size_t		 off;
};

/* A budget of 0 makes a ring that keeps nothing. */
void	 pktring_init(struct pktring *, size_t budget);
void	 pktring_free(struct pktring *);

/* Appends a packet; false if it is larger than a chunk (not kept). */
bool	 pktring_add(struct pktring *, uint64_t num, int64_t sec,
	    uint32_t nsec, uint32_t len, uint32_t caplen, int linktype,
	    const uint8_t *data);

/* The oldest record held, or NULL when the ring is empty. */
const struct pktring_rec *pktring_oldest(const struct pktring *);

/* Puts the cursor before the oldest record. */
void	 pktring_rewind(struct pktring_cursor *);

/*
 * The record after the cursor, and its bytes (valid until the next
 * pktring_add); NULL when the cursor has read the newest.  If the writer
 * recycled what the cursor was reading, it goes on from the oldest.
 */
const struct pktring_rec *pktring_next(const struct pktring *,
	    struct pktring_cursor *, const uint8_t **data);

#endif
