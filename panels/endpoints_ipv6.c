/* IPv6 Endpoints (tshark -z endpoints,ipv6). */
#include "dissectors/taps.h"
#include "endpoints.h"

static tap_packet_status
endpoints_ipv6_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct ip_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	endp_add(state, &t->src, &t->dst, 0, 0, pinfo);
	return (TAP_PACKET_REDRAW);
}

const struct panel_class panel_endpoints_ipv6 = {
	.name = "endpoints.ipv6",
	.title = "IPv6 Endpoints",
	.tap = "ipv6",
	.cols = endp_cols_addr,
	.ncols = ENDP_NCOLS_ADDR,
	.default_sort = "packets",
	.create = endp_create_addr,
	.destroy = endp_destroy,
	.reset = endp_reset,
	.packet = endpoints_ipv6_packet,
	.draw = endp_draw,
};
