/*
 * Link types taptop names but does not read: one protocol each, under
 * the name tshark gives it, so that their frames are a node of the
 * protocol hierarchy ("chdlc", with its frames and bytes, as tshark -z
 * io,phs prints it) and a filter can pick them ("-Y wlan").  Nothing
 * inside them is read: no addresses, no children, no fields.  The
 * capture counts these frames as undissected all the same (capture.h).
 *
 * They register in frame.c's "link.named" table, not in "link": a link
 * type that gets a real dissector moves to "link" and leaves this file.
 * The keys are LINKTYPE_* values (https://www.tcpdump.org/linktypes.html).
 * Link types tshark shows no node of its own for (LINKTYPE_SLIP: "data";
 * LINKTYPE_ATM_RFC1483: "llc", the payload) are not here: their frames
 * are counted, with no layer.
 *
 * One file for them all, against the one-file-per-protocol habit, because
 * they are one thing: a name per link type and a common, empty dissector.
 */
#include "core/dissect.h"
#include "core/proto.h"

#define LINKTYPE_ARCNET_BSD		7
#define LINKTYPE_C_HDLC			104
#define LINKTYPE_IEEE802_11		105
#define LINKTYPE_ATM_CLIP		106
#define LINKTYPE_FRELAY			107
#define LINKTYPE_SUNATM			123
#define LINKTYPE_IEEE802_11_RADIOTAP	127
#define LINKTYPE_ARCNET_LINUX		129
#define LINKTYPE_IEEE802_15_4_WITHFCS	195
#define LINKTYPE_IEEE802_15_4_NOFCS	230
#define LINKTYPE_NETLINK		253

static int proto_chdlc = -1, proto_wlan = -1, proto_clip = -1,
    proto_fr = -1, proto_atm = -1, proto_radiotap = -1, proto_arcnet = -1,
    proto_wpan = -1, proto_netlink = -1;

/* The layer is the whole frame (covers_payload), for slices and
 * "contains"; nothing is read. */
static enum dissect_result
linknamed_dissect(struct buf *b, struct packet_info *pinfo,
    struct dissect *edt)
{
	(void)b;
	(void)pinfo;
	(void)edt;
	return (DISSECT_OK);
}

const struct dissector dissector_chdlc = {
	.name = "chdlc",
	.longname = "Cisco HDLC (named, not dissected)",
	.proto = &proto_chdlc,
	.handoff = { { "link.named", LINKTYPE_C_HDLC } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_wlan = {
	.name = "wlan",
	.longname = "IEEE 802.11 wireless LAN (named, not dissected)",
	.proto = &proto_wlan,
	.handoff = { { "link.named", LINKTYPE_IEEE802_11 } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_clip = {
	.name = "clip",
	.longname = "Classical IP frame (named, not dissected)",
	.proto = &proto_clip,
	.handoff = { { "link.named", LINKTYPE_ATM_CLIP } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_fr = {
	.name = "fr",
	.longname = "Frame Relay (named, not dissected)",
	.proto = &proto_fr,
	.handoff = { { "link.named", LINKTYPE_FRELAY } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_atm = {
	.name = "atm",
	.longname = "Asynchronous Transfer Mode (named, not dissected)",
	.proto = &proto_atm,
	.handoff = { { "link.named", LINKTYPE_SUNATM } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_radiotap = {
	.name = "radiotap",
	.longname = "IEEE 802.11 Radiotap Capture header (named, not dissected)",
	.proto = &proto_radiotap,
	.handoff = { { "link.named", LINKTYPE_IEEE802_11_RADIOTAP } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_arcnet = {
	.name = "arcnet",
	.longname = "ARCNET (named, not dissected)",
	.proto = &proto_arcnet,
	.handoff = {
		{ "link.named", LINKTYPE_ARCNET_BSD },
		{ "link.named", LINKTYPE_ARCNET_LINUX },
	},
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_wpan = {
	.name = "wpan",
	.longname = "IEEE 802.15.4 Low-Rate Wireless PAN (named, not dissected)",
	.proto = &proto_wpan,
	.handoff = {
		{ "link.named", LINKTYPE_IEEE802_15_4_WITHFCS },
		{ "link.named", LINKTYPE_IEEE802_15_4_NOFCS },
	},
	.covers_payload = true,
	.dissect = linknamed_dissect,
};

const struct dissector dissector_netlink = {
	.name = "netlink",
	.longname = "Linux netlink protocol (named, not dissected)",
	.proto = &proto_netlink,
	.handoff = { { "link.named", LINKTYPE_NETLINK } },
	.covers_payload = true,
	.dissect = linknamed_dissect,
};
