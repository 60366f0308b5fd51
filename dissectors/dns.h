/*
 * What the DNS dissector (dns.c) shares beyond its fields and its tap:
 * the bounds of its request/response table and what they cost, for the
 * dns panel to show and the tests to check, and the names it gives
 * strings that are not names.
 */
#ifndef TAPTOP_DNS_H
#define TAPTOP_DNS_H

#include <stdint.h>

/*
 * The transactions waiting for (or recently given) an answer: a
 * set-associative table of DNS_TRANS_SETS sets of DNS_TRANS_WAYS, fixed
 * when the first DNS packet comes.  A transaction untouched for
 * DNS_TRANS_TIMEOUT_S seconds of capture time is forgotten (expired); one
 * pushed out of a full set while still younger is evicted.  Both are
 * counted: a response to either is "unsolicited", where tshark, which
 * keeps every transaction, would have matched it.
 */
#define DNS_TRANS_WAYS		8
#define DNS_TRANS_SETS		2048
#define DNS_TRANS_TIMEOUT_S	120
/* A query again within this many seconds, unanswered, is a
 * retransmission (Wireshark's dns.retransmission_timer). */
#define DNS_RETRANSMIT_S	5

/* A name's text is cut to this many bytes (a DNS name has at most 253). */
#define DNS_NAME_MAX		255
/* Names of one packet queued on the "names" tap; more are counted. */
#define DNS_NAMES_PER_PACKET	32

struct dns_stats {
	uint64_t	 tracked;	/* transactions in the table now */
	uint64_t	 expired;	/* forgotten after the timeout */
	uint64_t	 evicted;	/* pushed out younger: a full set */
	uint64_t	 names_dropped;	/* past DNS_NAMES_PER_PACKET */
	uint64_t	 scan_cut;	/* messages whose names hit the budget */
};

void	 dns_stats_get(struct dns_stats *);

/* Forgets every transaction and zeroes the counts (a new capture; the
 * dissector also does it when frame numbers start again). */
void	 dns_reset(void);

#endif
