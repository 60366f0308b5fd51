/*
 * IP defragmentation, as Wireshark does it by default (ip.defragment and
 * ipv6.defragment on): fragments are held until a datagram is whole, and
 * the frame whose fragment completes it carries the whole datagram up the
 * stack; the frames before it are only "data".
 *
 * One table per struct dissect (per capture thread; a refill's dissection
 * has its own), so no lock.  Bounded three ways, each counted when hit:
 * datagrams in progress (REASM_DGRAMS_MAX), bytes held for them, their
 * bookkeeping included (REASM_BYTES_MAX), and fragments per datagram
 * (REASM_FRAGS_MAX); a datagram that would pass a cap drops the oldest
 * datagrams in progress first ("full").  A datagram not completed within
 * REASM_TIMEOUT_NS of capture time from its first fragment is dropped
 * ("timeout"); Wireshark has no timeout, which README lists as a
 * difference.
 *
 * Memory is allocated only when a fragment is held (its bytes are copied
 * out of the frame, which libpcap reuses), and when a datagram completes
 * (the whole datagram, kept until the next packet begins, since the
 * dissectors above record pointers into it): never for a packet that is
 * not a fragment, and never beyond the caps.
 *
 * Overlaps and odd fragments follow reassemble.c's documented rules: the
 * first fragment without "more fragments" fixes the datagram's length (a
 * later tail that disagrees is ignored), fragments are laid down in offset
 * order (one reaching past what is laid down overwrites the overlap, one
 * wholly inside it adds nothing), bytes past the length are dropped, and the
 * datagram is complete when fragments cover it without a hole.  A
 * fragment that ends past REASM_DATAGRAM_MAX cannot belong to any datagram
 * and is not held ("bogus"), nor is a fragment with no bytes.  A completed
 * datagram leaves the table: a later fragment with the same key starts a
 * new one, as in Wireshark.
 */
#ifndef TAPTOP_REASM_H
#define TAPTOP_REASM_H

#include <stdbool.h>
#include <stdint.h>

#include "address.h"

#define REASM_DGRAMS_MAX	1024
#define REASM_BYTES_MAX		(8u << 20)
#define REASM_FRAGS_MAX		512
#define REASM_TIMEOUT_NS	(60LL * 1000000000LL)	/* RFC 8200's 60 s */
#define REASM_DATAGRAM_MAX	65535	/* past the IP header */
#define REASM_DONE_MAX		4	/* completed in one packet (nesting) */

/* What names a datagram: Wireshark's key (addresses and identification),
 * with the IP version and IPv4's protocol, which it folds into the id.
 * Zero it before filling it in: it is compared as bytes. */
struct reasm_key {
	struct address	 src, dst;
	uint32_t	 id;
	uint8_t		 version;
	uint8_t		 proto;
	uint16_t	 pad;
};

enum reasm_result {
	REASM_HELD,		/* kept; the datagram is not whole yet */
	REASM_DONE,		/* this fragment completed the datagram */
	REASM_REFUSED,		/* not held: bogus, empty, or past a cap */
};

struct reasm_counts {
	uint64_t	 timeout;	/* datagrams dropped after the timeout */
	uint64_t	 full;		/* datagrams dropped to stay in the caps */
	uint64_t	 bogus;		/* fragments past REASM_DATAGRAM_MAX */
	uint64_t	 done;		/* datagrams completed */
	uint32_t	 dgrams;	/* in progress now */
	uint64_t	 bytes;		/* held now */
};

struct reasm;

/* Caps of 0 take the defaults above (tests pass smaller ones). */
struct reasm *reasm_new(uint32_t max_dgrams, uint64_t max_bytes,
	    int64_t timeout_ns);
void	 reasm_free(struct reasm *);

/* A packet begins: frees the datagrams completed for the one before. */
void	 reasm_packet_end(struct reasm *);

/*
 * Adds a fragment of len bytes at byte offset off; more is the "more
 * fragments" flag; now_ns its capture time.  On REASM_DONE, *out and
 * *outlen are the whole datagram (past the IP header), valid until the
 * next reasm_packet_end.
 */
enum reasm_result reasm_add(struct reasm *, const struct reasm_key *,
	    int64_t now_ns, uint32_t off, const uint8_t *p, uint32_t len,
	    bool more, const uint8_t **out, uint32_t *outlen);

void	 reasm_counts_get(const struct reasm *, struct reasm_counts *);

#endif
