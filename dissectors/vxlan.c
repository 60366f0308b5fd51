/*
 * Virtual eXtensible Local Area Network.  RFC 7348.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |R|R|R|R|I|R|R|R|            Reserved                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                VXLAN Network Identifier (VNI) |   Reserved    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    inner Ethernet frame ...
 *
 * The payload is always an Ethernet frame, a fixed format rather than a
 * choice, so the Ethernet dissector is called directly.  The flags are
 * read as tshark reads them, the first 16 bits, so that the group policy
 * extension's G bit and its policy id (the next 16 bits) come out right.
 */
#include "core/dissect.h"
#include "core/proto.h"

#define VXLAN_PORT	4789
#define VXLAN_FLAG_G	0x8000
#define VXLAN_FLAG_I	0x0800

static int proto_vxlan = -1;
static int hf_vxlan_flags = -1, hf_vxlan_flag_g = -1, hf_vxlan_flag_i = -1,
    hf_vxlan_gbp = -1, hf_vxlan_vni = -1, hf_vxlan_reserved8 = -1;
static const struct dissector *eth;

static const struct field_def vxlan_fields[] = {
	{ &hf_vxlan_flags, "vxlan.flags", FT_UINT16, "Flags", 0 },
	{ &hf_vxlan_flag_g, "vxlan.flag_g", FT_BOOLEAN, "GBP Extension", 0x8000 },
	{ &hf_vxlan_flag_i, "vxlan.flag_i", FT_BOOLEAN, "VXLAN Network ID (VNI)", 0x0800 },
	{ &hf_vxlan_gbp, "vxlan.gbp", FT_UINT16, "Group Policy ID", 0 },
	{ &hf_vxlan_vni, "vxlan.vni", FT_UINT24, "VXLAN Network Identifier (VNI)", 0 },
	{ &hf_vxlan_reserved8, "vxlan.reserved8", FT_UINT8, "Reserved", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
vxlan_init(void)
{
	eth = proto_find_dissector("eth");
}

static enum dissect_result
vxlan_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf inner;
	uint32_t vni;
	uint16_t flags, gbp;
	uint8_t reserved;

	flags = buf_be16(b);
	gbp = buf_be16(b);
	vni = buf_be24(b);
	reserved = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_vxlan_flags, flags);
	field_add_uint(edt, hf_vxlan_flag_g, (flags & VXLAN_FLAG_G) != 0);
	field_add_uint(edt, hf_vxlan_flag_i, (flags & VXLAN_FLAG_I) != 0);
	if (flags & VXLAN_FLAG_G)
		field_add_uint(edt, hf_vxlan_gbp, gbp);
	field_add_uint(edt, hf_vxlan_vni, vni);
	field_add_uint(edt, hf_vxlan_reserved8, reserved);
	if (eth == NULL || buf_reported_left(b) == 0)
		return (DISSECT_OK);
	buf_rest(b, &inner);
	(void)call_dissector(eth, &inner, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_vxlan = {
	.name = "vxlan",
	.longname = "Virtual eXtensible Local Area Network",
	.proto = &proto_vxlan,
	.handoff = { { "udp.port", VXLAN_PORT } },
	.fields = vxlan_fields,
	.init = vxlan_init,
	.dissect = vxlan_dissect,
};
