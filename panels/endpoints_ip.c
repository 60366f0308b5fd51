/* IPv4 Endpoints (tshark -z endpoints,ip). */
#include "endpoints.h"

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
	.packet = endp_ip_tap_packet,
	.draw = endp_draw,
};
