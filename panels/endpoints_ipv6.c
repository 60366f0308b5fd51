/* IPv6 Endpoints (tshark -z endpoints,ipv6). */
#include "endpoints.h"

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
	.packet = endp_ip_tap_packet,
	.draw = endp_draw,
};
