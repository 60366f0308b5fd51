/* TCP Endpoints (tshark -z endpoints,tcp). */
#include "dissectors/taps.h"
#include "endpoints.h"

static tap_packet_status
endpoints_tcp_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct tcp_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	endp_add(state, &t->src, &t->dst, t->sport, t->dport, pinfo);
	return (TAP_PACKET_REDRAW);
}

const struct panel_class panel_endpoints_tcp = {
	.name = "endpoints.tcp",
	.title = "TCP Endpoints",
	.tap = "tcp",
	.cols = endp_cols_port,
	.ncols = ENDP_NCOLS_PORT,
	.default_sort = "packets",
	.create = endp_create_port,
	.destroy = endp_destroy,
	.reset = endp_reset,
	.packet = endpoints_tcp_packet,
	.draw = endp_draw,
};
