/* IPv4 Conversations (tshark -z conv,ip): one row per address pair;
 * both headers of IP-in-IP count. */
#include "conv.h"

const struct panel_class panel_conv_ip = {
	.name = "conv.ip",
	.title = "IPv4 Conversations",
	.tap = "ip",
	.cols = conv_cols_addr,
	.ncols = CONV_NCOLS_ADDR,
	.default_sort = "frames",
	.create = conv_create_addr,
	.destroy = conv_destroy,
	.reset = conv_reset,
	.packet = conv_ip_tap_packet,
	.draw = conv_draw,
};
