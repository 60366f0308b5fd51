/*
 * Packet lengths, in the buckets of `tshark -z plen,tree`: the frame's
 * length on the wire (frame.len), counted in one of ten ranges, with the
 * min, average and max of the lengths in each.  A description of counters
 * (core/stats_tree.h): the buckets are static nodes, shown at 0 too, as
 * tshark shows them.
 */
#include <glib.h>

#include "core/stats_tree.h"

enum {
	PLEN_ALL,
	PLEN_B0, PLEN_B1, PLEN_B2, PLEN_B3, PLEN_B4, PLEN_B5, PLEN_B6,
	PLEN_B7, PLEN_B8, PLEN_B9,
	PLEN_N
};

/* The lower bound of each bucket; the last has none above. */
static const uint32_t plen_low[] = {
	0, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120
};

#define B(s, lo, hi) { .name = s, .parent = PLEN_ALL, \
	.filter = "frame.len >= " #lo " && frame.len <= " #hi }

static const struct stats_tree_node plen_nodes[PLEN_N] = {
	[PLEN_ALL] = { .name = "Packet Lengths", .parent = -1 },
	[PLEN_B0] = B("0-19", 0, 19),
	[PLEN_B1] = B("20-39", 20, 39),
	[PLEN_B2] = B("40-79", 40, 79),
	[PLEN_B3] = B("80-159", 80, 159),
	[PLEN_B4] = B("160-319", 160, 319),
	[PLEN_B5] = B("320-639", 320, 639),
	[PLEN_B6] = B("640-1279", 640, 1279),
	[PLEN_B7] = B("1280-2559", 1280, 2559),
	[PLEN_B8] = B("2560-5119", 2560, 5119),
	[PLEN_B9] = { .name = "5120 and greater", .parent = PLEN_ALL,
	    .filter = "frame.len >= 5120" },
};

static tap_packet_status
plen_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	int b = (int)G_N_ELEMENTS(plen_low) - 1;

	(void)own;
	(void)edt;
	(void)data;
	while (b > 0 && pinfo->len < plen_low[b])
		b--;
	stats_tree_value(st, PLEN_B0 + b, (double)pinfo->len);
	return (TAP_PACKET_REDRAW);
}

static const struct stats_tree_desc plen_desc = {
	.nodes = plen_nodes,
	.nnodes = PLEN_N,
	.values = STATS_TREE_NUMBERS,
	.packet = plen_packet,
};

STATS_TREE_PANEL(plen, "plen", "Packet Lengths", "frame", NUMBERS, plen_desc);
