/*
 * VLAN tags: IEEE 802.1Q C-tags (0x8100, and the pre-standard 0x9100 that
 * Q-in-Q gear used) and IEEE 802.1ad S-tags (0x88a8).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | PCP |D|        VLAN ID        |    inner ethertype or length  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  (the TPID that names the tag is the ethertype that led here)
 *
 * Each tag is one call and one layer, as tshark shows "vlan" once per tag;
 * stacked tags arrive back here through the "ethertype" table, so a stack
 * is bounded by call_dissector's depth cap rather than by a loop.  S-tags
 * are their own protocol, "ieee8021ad", with its own field names, because
 * tshark names them so.  An inner value of 1500 or less is a length and an
 * LLC header follows, as in plain 802.3.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define ETH_MAX_LEN		1500
#define ETH_MIN_TYPE		1536
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ_OLD	0x9100
#define ETHERTYPE_8021AD	0x88a8

static int proto_vlan = -1, proto_8021ad = -1;
static int hf_vlan_priority = -1, hf_vlan_dei = -1, hf_vlan_id = -1,
    hf_vlan_etype = -1, hf_vlan_len = -1;
static int hf_ad_priority = -1, hf_ad_dei = -1, hf_ad_id = -1,
    hf_ad_etype = -1;
static const struct dissector *llc;

static const struct field_def vlan_fields[] = {
	{ &hf_vlan_priority, "vlan.priority", FT_UINT16, "Priority", 0xe000 },
	{ &hf_vlan_dei, "vlan.dei", FT_BOOLEAN, "DEI", 0x1000 },
	{ &hf_vlan_id, "vlan.id", FT_UINT16, "ID", 0x0fff },
	{ &hf_vlan_etype, "vlan.etype", FT_UINT16, "Type", 0 },
	{ &hf_vlan_len, "vlan.len", FT_UINT16, "Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* tshark 4.0 files the S-tag's type under ieee8021ah.etype. */
static const struct field_def ad_fields[] = {
	{ &hf_ad_priority, "ieee8021ad.priority", FT_UINT16, "Priority", 0xe000 },
	{ &hf_ad_dei, "ieee8021ad.dei", FT_UINT16, "DEI", 0x1000 },
	{ &hf_ad_id, "ieee8021ad.id", FT_UINT16, "ID", 0x0fff },
	{ &hf_ad_etype, "ieee8021ah.etype", FT_UINT16, "Type", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

struct tag_fields {
	int	*priority, *dei, *id, *etype, *len;
};

static const struct tag_fields vlan_tag = {
	&hf_vlan_priority, &hf_vlan_dei, &hf_vlan_id, &hf_vlan_etype,
	&hf_vlan_len,
};

static const struct tag_fields ad_tag = {
	&hf_ad_priority, &hf_ad_dei, &hf_ad_id, &hf_ad_etype, &hf_vlan_len,
};

static void
vlan_init(void)
{
	llc = proto_find_dissector("llc");
}

/* One tag of either kind; only the field names differ. */
static void
tag_dissect(const struct tag_fields *tf, int proto, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint16_t tci, type;

	tci = buf_be16(b);
	type = buf_be16(b);
	if (b->err != BUF_OK)
		return;
	field_add_uint(edt, *tf->priority, tci >> 13);
	field_add_uint(edt, *tf->dei, (tci >> 12) & 1);
	field_add_uint(edt, *tf->id, tci & 0x0fff);

	if (type >= ETH_MIN_TYPE) {
		field_add_uint(edt, *tf->etype, type);
		buf_rest(b, &payload);
		(void)dtable_call(ethertype_table, type, &payload, pinfo, edt);
		return;
	}
	if (type > ETH_MAX_LEN)
		return;
	field_add_uint(edt, *tf->len, type);
	if (!buf_sub(b, &payload, type)) {
		buf_fail(b, BUF_MALFORMED);
		dissect_note_error(edt, proto, BUF_MALFORMED);
	}
	if (llc != NULL)
		(void)call_dissector(llc, &payload, pinfo, edt);
}

static enum dissect_result
vlan_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	tag_dissect(&vlan_tag, proto_vlan, b, pinfo, edt);
	return (DISSECT_OK);
}

static enum dissect_result
ad_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	tag_dissect(&ad_tag, proto_8021ad, b, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_vlan = {
	.name = "vlan",
	.longname = "802.1Q Virtual LAN",
	.proto = &proto_vlan,
	.handoff = {
		{ "ethertype", ETHERTYPE_VLAN },
		{ "ethertype", ETHERTYPE_QINQ_OLD },
	},
	.fields = vlan_fields,
	.init = vlan_init,
	.dissect = vlan_dissect,
};

const struct dissector dissector_ieee8021ad = {
	.name = "ieee8021ad",
	.longname = "IEEE 802.1ad",
	.proto = &proto_8021ad,
	.handoff = { { "ethertype", ETHERTYPE_8021AD } },
	.fields = ad_fields,
	.dissect = ad_dissect,
};
