/*
 * Link types with no link header at all: the frame is an IP packet.
 * https://www.tcpdump.org/linktypes/LINKTYPE_RAW.html, LINKTYPE_IPV4.html,
 * LINKTYPE_IPV6.html
 *
 *  +-------+-------+------------------
 *  |version|  ...  IPv4 or IPv6 header
 *  +-------+-------+------------------
 *
 * DLT_RAW may hold either version, told apart by the first nibble; tshark
 * shows it as a "raw" layer, and so do we.  DLT_IPV4 and DLT_IPV6 name
 * their version, and tshark shows no layer for them (IP is the first).
 * Until the dissector model can say "not a layer", the second dissector
 * here, "rawip", takes its own layer record back off before handing on;
 * its errors cannot happen, since it reads nothing.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define LINKTYPE_RAW		101	/* DLT_RAW's number in savefiles */

static int proto_raw = -1, proto_rawip = -1;

static enum dissect_result
raw_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint8_t first;

	if (!buf_peek_u8(b, b->off, &first))
		return (DISSECT_OK);
	buf_rest(b, &payload);
	switch (first >> 4) {
	case 4:
		(void)dtable_call(ethertype_table, ETHERTYPE_IP, &payload,
		    pinfo, edt);
		break;
	case 6:
		(void)dtable_call(ethertype_table, ETHERTYPE_IPV6, &payload,
		    pinfo, edt);
		break;
	default:
		break;
	}
	return (DISSECT_OK);
}

/* DLT_IPV4 and DLT_IPV6: straight to IP, leaving no layer of our own. */
static enum dissect_result
rawip_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;

	buf_rest(b, &payload);
	(void)dtable_call(ethertype_table, pinfo->linktype == DLT_IPV6 ?
	    ETHERTYPE_IPV6 : ETHERTYPE_IP, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_raw = {
	.name = "raw",
	.longname = "Raw packet data",
	.proto = &proto_raw,
	.handoff = {
		{ "link", DLT_RAW },
		{ "link", LINKTYPE_RAW },
#if DLT_RAW == 12 && DLT_LOOP != 14
		{ "link", 14 },		/* DLT_RAW on OpenBSD */
#endif
	},
	.dissect = raw_dissect,
};

const struct dissector dissector_rawip = {
	.name = "rawip",
	.longname = "Raw IPv4/IPv6 link type (not shown as a layer)",
	.proto = &proto_rawip,
	.no_layer = true,
	.handoff = {
		{ "link", DLT_IPV4 },
		{ "link", DLT_IPV6 },
	},
	.dissect = rawip_dissect,
};
