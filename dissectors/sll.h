/*
 * What the two Linux cooked-capture headers share: the source address and
 * the protocol type that says what follows.  sll.c implements it for both.
 */
#ifndef TAPTOP_SLL_H
#define TAPTOP_SLL_H

#include <stdint.h>

#include "core/proto.h"

/* Records the link-layer source (at most 8 octets kept, halen given). */
void	 sll_address(struct packet_info *, struct dissect *, uint16_t hatype,
	    uint16_t halen, const uint8_t *addr);

/* Hands the rest of b on according to the protocol type. */
void	 sll_payload(struct buf *, struct packet_info *, struct dissect *,
	    uint16_t hatype, uint16_t protocol);

#endif
