/*
 * Address Resolution Protocol.  RFC 826 (and RFC 903's RARP opcodes).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        hardware type          |         protocol type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  hw length    | proto length  |            opcode             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  sender hardware address (hw length) ...                      |
 *  |  sender protocol address (proto length) ...                   |
 *  |  target hardware address (hw length) ...                      |
 *  |  target protocol address (proto length) ...                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The address lengths come from the packet, so the addresses are only
 * typed (MAC, IPv4) when the lengths and types say Ethernet and IPv4;
 * anything else is recorded as bytes.  The tap carries the typed ones and
 * leaves the others AT_NONE.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"

#define ARPHRD_ETHER		1
#define ARPHRD_IEEE802		6
#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_ARP		0x0806
#define ETHERTYPE_RARP		0x8035

static int proto_arp = -1, tap_arp = -1;
static int hf_arp_hw_type = -1, hf_arp_proto_type = -1, hf_arp_hw_size = -1,
    hf_arp_proto_size = -1, hf_arp_opcode = -1,
    hf_arp_src_hw = -1, hf_arp_src_hw_mac = -1,
    hf_arp_src_proto = -1, hf_arp_src_proto_ipv4 = -1,
    hf_arp_dst_hw = -1, hf_arp_dst_hw_mac = -1,
    hf_arp_dst_proto = -1, hf_arp_dst_proto_ipv4 = -1;

static const struct field_def arp_fields[] = {
	{ &hf_arp_hw_type, "arp.hw.type", FT_UINT16, "Hardware type", 0 },
	{ &hf_arp_proto_type, "arp.proto.type", FT_UINT16, "Protocol type", 0 },
	{ &hf_arp_hw_size, "arp.hw.size", FT_UINT8, "Hardware size", 0 },
	{ &hf_arp_proto_size, "arp.proto.size", FT_UINT8, "Protocol size", 0 },
	{ &hf_arp_opcode, "arp.opcode", FT_UINT16, "Opcode", 0 },
	{ &hf_arp_src_hw, "arp.src.hw", FT_BYTES, "Sender hardware address", 0 },
	{ &hf_arp_src_hw_mac, "arp.src.hw_mac", FT_ETHER, "Sender MAC address", 0 },
	{ &hf_arp_src_proto, "arp.src.proto", FT_BYTES, "Sender protocol address", 0 },
	{ &hf_arp_src_proto_ipv4, "arp.src.proto_ipv4", FT_IPv4, "Sender IP address", 0 },
	{ &hf_arp_dst_hw, "arp.dst.hw", FT_BYTES, "Target hardware address", 0 },
	{ &hf_arp_dst_hw_mac, "arp.dst.hw_mac", FT_ETHER, "Target MAC address", 0 },
	{ &hf_arp_dst_proto, "arp.dst.proto", FT_BYTES, "Target protocol address", 0 },
	{ &hf_arp_dst_proto_ipv4, "arp.dst.proto_ipv4", FT_IPv4, "Target IP address", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* One hardware and one protocol address, with how to type them. */
struct arp_side {
	int	*hw, *hw_mac, *proto, *proto_ipv4;
};

static const struct arp_side sender = {
	&hf_arp_src_hw, &hf_arp_src_hw_mac, &hf_arp_src_proto,
	&hf_arp_src_proto_ipv4,
};

static const struct arp_side target = {
	&hf_arp_dst_hw, &hf_arp_dst_hw_mac, &hf_arp_dst_proto,
	&hf_arp_dst_proto_ipv4,
};

/* Records one side's addresses; false if the packet ended first. */
static bool
arp_side(const struct arp_side *s, struct buf *b, struct dissect *edt,
    uint8_t hln, uint8_t pln, bool hw_is_mac, bool proto_is_ipv4,
    struct address *hw, struct address *pa)
{
	const uint8_t *h, *p;

	h = buf_ptr(b, hln);
	p = buf_ptr(b, pln);
	if (b->err != BUF_OK)
		return (false);
	if (hw_is_mac) {
		address_set(hw, AT_ETHER, h, 6);
		field_add_addr(edt, *s->hw_mac, hw);
	} else
		field_add_bytes(edt, *s->hw, h, hln);
	if (proto_is_ipv4) {
		address_set(pa, AT_IPv4, p, 4);
		field_add_addr(edt, *s->proto_ipv4, pa);
	} else
		field_add_bytes(edt, *s->proto, p, pln);
	return (true);
}

static enum dissect_result
arp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct address shw, spa, thw, tpa;
	struct arp_tap *at;
	uint16_t hrd, pro, op;
	uint8_t hln, pln;
	bool is_mac, is_ipv4;

	hrd = buf_be16(b);
	pro = buf_be16(b);
	hln = buf_u8(b);
	pln = buf_u8(b);
	op = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_arp_hw_type, hrd);
	field_add_uint(edt, hf_arp_proto_type, pro);
	field_add_uint(edt, hf_arp_hw_size, hln);
	field_add_uint(edt, hf_arp_proto_size, pln);
	field_add_uint(edt, hf_arp_opcode, op);

	is_mac = (hrd == ARPHRD_ETHER || hrd == ARPHRD_IEEE802) && hln == 6;
	is_ipv4 = pro == ETHERTYPE_IP && pln == 4;
	memset(&shw, 0, sizeof(shw));
	memset(&spa, 0, sizeof(spa));
	memset(&thw, 0, sizeof(thw));
	memset(&tpa, 0, sizeof(tpa));
	if (!arp_side(&sender, b, edt, hln, pln, is_mac, is_ipv4, &shw, &spa) ||
	    !arp_side(&target, b, edt, hln, pln, is_mac, is_ipv4, &thw, &tpa))
		return (DISSECT_OK);

	if (tap_listened(tap_arp) &&
	    (at = arena_alloc(&edt->arena, sizeof(*at))) != NULL) {
		at->opcode = op;
		at->sender_hw = shw;
		at->sender_ip = spa;
		at->target_hw = thw;
		at->target_ip = tpa;
		tap_queue_packet(tap_arp, pinfo, at);
	}
	return (DISSECT_OK);
}

const struct dissector dissector_arp = {
	.name = "arp",
	.longname = "Address Resolution Protocol",
	.proto = &proto_arp,
	.handoff = {
		{ "ethertype", ETHERTYPE_ARP },
		{ "ethertype", ETHERTYPE_RARP },
	},
	.fields = arp_fields,
	.tap = "arp",
	.tap_id = &tap_arp,
	.dissect = arp_dissect,
};
