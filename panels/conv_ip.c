/* IPv4 Conversations (tshark -z conv,ip): one row per address pair;
 * both headers of IP-in-IP count. */
#include "conv.h"
#include "dissectors/taps.h"

static tap_packet_status
conv_ip_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct ip_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	conv_add(state, &t->src, &t->dst, 0, 0, pinfo, NULL);
	return (TAP_PACKET_REDRAW);
}

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
	.packet = conv_ip_packet,
	.draw = conv_draw,
};
