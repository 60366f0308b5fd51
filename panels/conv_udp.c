/* UDP Conversations (tshark -z conv,udp): one row per address
 * and port pair. */
#include "conv.h"
#include "dissectors/taps.h"

static tap_packet_status
conv_udp_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct udp_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	conv_add(state, &t->src, &t->dst, t->sport, t->dport, pinfo, NULL);
	return (TAP_PACKET_REDRAW);
}

const struct panel_class panel_conv_udp = {
	.name = "conv.udp",
	.title = "UDP Conversations",
	.tap = "udp",
	.cols = conv_cols_port,
	.ncols = CONV_NCOLS_PORT,
	.default_sort = "frames",
	.create = conv_create_port,
	.destroy = conv_destroy,
	.reset = conv_reset,
	.packet = conv_udp_packet,
	.draw = conv_draw,
};
