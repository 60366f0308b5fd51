/*
 * IP defragmentation for the IPv4 and IPv6 dissectors (ip.c has the code):
 * the one place that decides whether a fragment is held, completes its
 * datagram, or is dissected as it is, the same way for both versions.
 */
#ifndef TAPTOP_IPFRAG_H
#define TAPTOP_IPFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/packet.h"
#include "core/reasm.h"

enum ipfrag_result {
	IPFRAG_NONE,		/* not reassembled: dissect it as it is */
	IPFRAG_HELD,		/* held, and shown as data: stop here */
	IPFRAG_DONE,		/* *whole is the datagram: dissect it */
};

/*
 * The fragment in payload (its bytes past the IP headers, at byte offset
 * off of the datagram) joins the datagram key names.  As in Wireshark,
 * only a fragment captured whole is reassembled, and none inside an ICMP
 * error.  On IPFRAG_DONE, whole reads the datagram, a source of the
 * packet's layers (dissect_add_source).
 */
enum ipfrag_result ipfrag_add(struct dissect *, struct packet_info *,
	    const struct reasm_key *, uint32_t off, bool more,
	    const struct buf *payload, struct buf *whole);

/* A fragment's bytes as a "data" layer. */
void	 ipfrag_data(const struct buf *payload, struct packet_info *,
	    struct dissect *);

#endif
