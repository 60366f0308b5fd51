/* TCP Conversations (tshark -z conv,tcp): one row per
 * stream, split on port reuse as conv.h describes. */
#include "conv.h"
#include "dissectors/taps.h"

static tap_packet_status
conv_tcp_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct tcp_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	conv_add(state, &t->src, &t->dst, t->sport, t->dport, pinfo, t);
	return (TAP_PACKET_REDRAW);
}

const struct panel_class panel_conv_tcp = {
	.name = "conv.tcp",
	.title = "TCP Conversations",
	.tap = "tcp",
	.cols = conv_cols_port,
	.ncols = CONV_NCOLS_PORT,
	.default_sort = "frames",
	.create = conv_create_tcp,
	.destroy = conv_destroy,
	.reset = conv_reset,
	.packet = conv_tcp_packet,
	.draw = conv_draw,
};
