/*
 * The engine behind the endpoints.* panels, after `tshark -z endpoints,X`.
 *
 * An endpoint is an address (and port, for TCP and UDP).  Each packet
 * counts as transmitted by its source and received by its destination, in
 * frames and frame bytes on the wire; packets and bytes are the sums.  A
 * packet sent to itself counts twice, once each way, as in Wireshark.
 * Each row also has its bytes per second, sent and received, over the
 * last 2, 10 and 40 s of capture time (rowrate.h); rows sort by bytes.
 *
 * As for conversations (conv.h), one packet callback reads the struct
 * conv_tap that the tap's records begin with, and a class is data: its
 * tap, title and ENDPOINTS_BY_ADDR or ENDPOINTS_BY_PORT, in endpoints.c.
 */
#ifndef TAPTOP_PANELS_ENDPOINTS_H
#define TAPTOP_PANELS_ENDPOINTS_H

#include "core/panel.h"

/* panel_class.opts */
#define ENDPOINTS_OPT_PORTS	0x1	/* key and columns have the port */

#define ENDPOINTS_NCOLS_ADDR	(7 + ROWRATE_NWIN)
#define ENDPOINTS_NCOLS_PORT	(8 + ROWRATE_NWIN)

extern const struct table_col endpoints_cols_addr[ENDPOINTS_NCOLS_ADDR];
extern const struct table_col endpoints_cols_port[ENDPOINTS_NCOLS_PORT];

/* The rest of a class entry, by what a row is: an address; an address
 * and port. */
#define ENDPOINTS_BY_ADDR	ENDPOINTS_CLASS(endpoints_cols_addr, \
				    ENDPOINTS_NCOLS_ADDR, 0)
#define ENDPOINTS_BY_PORT	ENDPOINTS_CLASS(endpoints_cols_port, \
				    ENDPOINTS_NCOLS_PORT, ENDPOINTS_OPT_PORTS)

#define ENDPOINTS_CLASS(cols_, ncols_, opts_)	\
	.cols = (cols_),			\
	.ncols = (ncols_),			\
	.default_sort = "bytes",		\
	.opts = (opts_),			\
	.create = endpoints_create,		\
	.destroy = endpoints_destroy,		\
	.reset = endpoints_reset,		\
	.packet = endpoints_packet,		\
	.draw = endpoints_draw,			\
	.row_filter = endpoints_row_filter

void	*endpoints_create(struct panel *);
void	 endpoints_destroy(void *state);
void	 endpoints_reset(void *state);
tap_packet_status endpoints_packet(void *state, struct packet_info *,
	    struct dissect *, const void *data);
void	 endpoints_draw(void *state, struct panel *);

/* A row's filter: "ip.addr==10.0.0.1", and "&& tcp.port==443" for the
 * classes with ports (conv_filter_addr, conv_filter_port). */
char	*endpoints_row_filter(const struct panel_class *,
	    const struct table *, int row);

#endif
