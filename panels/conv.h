/*
 * The engine behind the conv.* panels, after `tshark -z conv,<proto>`.
 *
 * A conversation is an unordered pair of endpoints (address, and port for
 * TCP and UDP).  Side A is the source of the conversation's first packet,
 * as Wireshark has it; frames and bytes (frame length on the wire) are
 * counted A→B and B→A.  start is the earliest pinfo->rel_ts seen in the
 * conversation and duration the latest minus the earliest (Wireshark keeps
 * the minimum and maximum, so out-of-order timestamps do not make a
 * negative duration).  Each row also has its bytes per second over the
 * last 2, 10 and 40 s of capture time, both directions (rowrate.h), and
 * rows sort by bytes.
 *
 * TCP is also split by stream, as Wireshark 4.0's conversation table keys
 * TCP on tcp.stream: when a SYN without ACK arrives on a known address and
 * port pair, and the side sending it has already sent a segment in the
 * current stream with a different sequence number, a new stream (and row)
 * starts, its A side the SYN's sender.  A retransmitted SYN (same sequence
 * number) stays in its stream.  UDP, like Wireshark, is never split.
 *
 * One packet callback serves every class: it reads the struct conv_tap
 * that the tap's records begin with (dissectors/taps.h).  A class is data,
 * its tap, title and what a row is keyed on; a new conversation type is an
 * entry such as
 *
 *	const struct panel_class panel_conv_sctp = {
 *		.name = "conv.sctp",
 *		.title = "SCTP Conversations",
 *		.tap = "sctp",
 *		CONV_BY_PORT,
 *	};
 *
 * in conv.c, and a line in list.def.
 */
#ifndef TAPTOP_PANELS_CONV_H
#define TAPTOP_PANELS_CONV_H

#include <stdbool.h>

#include <glib.h>

#include "core/panel.h"

/* panel_class.opts */
#define CONV_OPT_PORTS		0x1	/* key and columns have ports */
#define CONV_OPT_STREAMS	0x2	/* each stream of a pair is a row */

#define CONV_NCOLS_ADDR	(10 + ROWRATE_NWIN)
#define CONV_NCOLS_PORT	(12 + ROWRATE_NWIN)

extern const struct table_col conv_cols_addr[CONV_NCOLS_ADDR];
extern const struct table_col conv_cols_port[CONV_NCOLS_PORT];

/* The rest of a class entry, by what a row is: an address pair; an
 * address and port pair; one stream of an address and port pair. */
#define CONV_BY_ADDR	CONV_CLASS(conv_cols_addr, CONV_NCOLS_ADDR, 0)
#define CONV_BY_PORT	CONV_CLASS(conv_cols_port, CONV_NCOLS_PORT, \
			    CONV_OPT_PORTS)
#define CONV_BY_STREAM	CONV_CLASS(conv_cols_port, CONV_NCOLS_PORT, \
			    CONV_OPT_PORTS | CONV_OPT_STREAMS)

#define CONV_CLASS(cols_, ncols_, opts_)	\
	.cols = (cols_),			\
	.ncols = (ncols_),			\
	.default_sort = "bytes",		\
	.opts = (opts_),			\
	.create = conv_create,			\
	.destroy = conv_destroy,		\
	.reset = conv_reset,			\
	.packet = conv_packet,			\
	.draw = conv_draw,			\
	.row_filter = conv_row_filter

void	*conv_create(struct panel *);
void	 conv_destroy(void *state);
void	 conv_reset(void *state);
tap_packet_status conv_packet(void *state, struct packet_info *,
	    struct dissect *, const void *data);
void	 conv_draw(void *state, struct panel *);

/*
 * A row's filter: each address with its own type's field (ip.addr,
 * ipv6.addr, eth.addr: a TCP row may be IPv4 or IPv6), then each port
 * with the class's tap's (tcp.port, udp.port), all ANDed:
 * "ip.addr==10.0.0.1 && ip.addr==10.0.0.2 && tcp.port==443 &&
 * tcp.port==51234".  Both directions match, as the row counts both.
 */
char	*conv_row_filter(const struct panel_class *, const struct table *,
	    int row);

/*
 * Filter terms, shared with the endpoints: the address in column key of
 * the row with its type's field ("ip.addr==10.0.0.1"), or the port with
 * the class's tap's ("tcp.port==443"), appended to f after " && " unless
 * f is empty.  false, f unchanged, when the cell is missing or no field
 * names it.
 */
bool	 conv_filter_addr(GString *f, const struct table *, int row,
	    const char *key);
bool	 conv_filter_port(GString *f, const struct panel_class *,
	    const struct table *, int row, const char *key);

#endif
