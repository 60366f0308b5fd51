/*
 * The engine behind the endpoints.* panels, after `tshark -z endpoints,X`.
 *
 * An endpoint is an address (and port, for TCP and UDP).  Each packet
 * counts as transmitted by its source and received by its destination, in
 * frames and frame bytes on the wire; packets and bytes are the sums.  A
 * packet sent to itself counts twice, once each way, as in Wireshark.
 */
#ifndef TAPTOP_PANELS_ENDPOINTS_H
#define TAPTOP_PANELS_ENDPOINTS_H

#include <stdint.h>

#include "core/panel.h"

#define ENDP_NCOLS_ADDR	7
#define ENDP_NCOLS_PORT	8

extern const struct table_col endp_cols_addr[ENDP_NCOLS_ADDR];
extern const struct table_col endp_cols_port[ENDP_NCOLS_PORT];

void	*endp_create_addr(struct panel *);
void	*endp_create_port(struct panel *);
void	 endp_destroy(void *state);
void	 endp_reset(void *state);
void	 endp_draw(void *state, struct panel *);

void	 endp_add(void *state, const struct address *src,
	    const struct address *dst, uint16_t sport, uint16_t dport,
	    const struct packet_info *);

/* The packet callback of endpoints.ip and endpoints.ipv6: both taps give
 * an ip_tap. */
tap_packet_status endp_ip_tap_packet(void *state, struct panel *,
	    struct packet_info *, struct dissect *, const void *data);

#endif
