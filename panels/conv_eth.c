/* Ethernet conversations (tshark -z conv,eth): every Ethernet header,
 * inner ones (VXLAN) included. */
#include "conv.h"
#include "dissectors/taps.h"

static tap_packet_status
conv_eth_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct eth_tap *eth = data;

	(void)p;
	(void)edt;
	if (eth == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	conv_add(state, &eth->src, &eth->dst, 0, 0, pinfo, NULL);
	return (TAP_PACKET_REDRAW);
}

const struct panel_class panel_conv_eth = {
	.name = "conv.eth",
	.title = "Ethernet Conversations",
	.tap = "eth",
	.cols = conv_cols_addr,
	.ncols = CONV_NCOLS_ADDR,
	.default_sort = "frames",
	.create = conv_create_addr,
	.destroy = conv_destroy,
	.reset = conv_reset,
	.packet = conv_eth_packet,
	.draw = conv_draw,
};
