/* IPv6 Conversations (tshark -z conv,ipv6): one row per address pair. */
#include "conv.h"

const struct panel_class panel_conv_ipv6 = {
	.name = "conv.ipv6",
	.title = "IPv6 Conversations",
	.tap = "ipv6",
	.cols = conv_cols_addr,
	.ncols = CONV_NCOLS_ADDR,
	.default_sort = "frames",
	.create = conv_create_addr,
	.destroy = conv_destroy,
	.reset = conv_reset,
	.packet = conv_ip_tap_packet,
	.draw = conv_draw,
};
