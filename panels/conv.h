/*
 * The engine behind the conv.* panels, after `tshark -z conv,<proto>`.
 *
 * A conversation is an unordered pair of endpoints (address, and port for
 * TCP and UDP).  Side A is the source of the conversation's first packet,
 * as Wireshark has it; frames and bytes (frame length on the wire) are
 * counted A→B and B→A.  start is the earliest pinfo->rel_ts seen in the
 * conversation and duration the latest minus the earliest (Wireshark keeps
 * the minimum and maximum, so out-of-order timestamps do not make a
 * negative duration).
 *
 * TCP is also split by stream, as Wireshark 4.0's conversation table keys
 * TCP on tcp.stream: when a SYN without ACK arrives on a known address and
 * port pair, and the side sending it has already sent a segment in the
 * current stream with a different sequence number, a new stream (and row)
 * starts, its A side the SYN's sender.  A retransmitted SYN (same sequence
 * number) stays in its stream.  UDP, like Wireshark, is never split.
 *
 * The per-panel files (conv_eth.c ...) only turn their tap's record into
 * addresses and ports and call conv_add().
 */
#ifndef TAPTOP_PANELS_CONV_H
#define TAPTOP_PANELS_CONV_H

#include <stdint.h>

#include "core/panel.h"

struct tcp_tap;

#define CONV_NCOLS_ADDR	10
#define CONV_NCOLS_PORT	12

extern const struct table_col conv_cols_addr[CONV_NCOLS_ADDR];	/* eth, ip */
extern const struct table_col conv_cols_port[CONV_NCOLS_PORT];	/* tcp, udp */

void	*conv_create_addr(struct panel *);
void	*conv_create_port(struct panel *);
void	*conv_create_tcp(struct panel *);
void	 conv_destroy(void *state);
void	 conv_reset(void *state);
void	 conv_draw(void *state, struct panel *);

/* The packet callback of conv.ip and conv.ipv6: both taps give an
 * ip_tap. */
tap_packet_status conv_ip_tap_packet(void *state, struct panel *,
	    struct packet_info *, struct dissect *, const void *data);

/* Counts one packet; tcp is the TCP record for stream tracking, or NULL. */
void	 conv_add(void *state, const struct address *src,
	    const struct address *dst, uint16_t sport, uint16_t dport,
	    const struct packet_info *, const struct tcp_tap *tcp);

#endif
