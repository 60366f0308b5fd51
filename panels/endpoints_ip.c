/* IPv4 Endpoints (tshark -z endpoints,ip). */
#include "dissectors/taps.h"
#include "endpoints.h"

static tap_packet_status
endpoints_ip_packet(void *state, struct panel *p, struct packet_info *pinfo,
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

const struct panel_class panel_endpoints_ip = {
	.name = "endpoints.ip",
	.title = "IPv4 Endpoints",
	.tap = "ip",
	.cols = endp_cols_addr,
	.ncols = ENDP_NCOLS_ADDR,
	.default_sort = "packets",
	.create = endp_create_addr,
	.destroy = endp_destroy,
	.reset = endp_reset,
	.packet = endpoints_ip_packet,
	.draw = endp_draw,
};
