/*
 * The TLS handshake parser, shared by TLS over TCP (tls.c) and QUIC, whose
 * CRYPTO frames carry the same handshake messages without TLS records.
 */
#ifndef TAPTOP_TLS_H
#define TAPTOP_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/packet.h"

/*
 * Dissects the handshake messages in p[0..n): their fields, a "tls" tap
 * record and the SNI on the "names" tap for each ClientHello and
 * ServerHello.  Returns false when the bytes are not whole messages (an
 * encrypted Finished reads so), having recorded nothing.
 */
bool	 tls_handshake(const uint8_t *p, size_t n, bool quic,
	    struct packet_info *, struct dissect *);

#endif
