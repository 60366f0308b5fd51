/*
 * IEEE 802.2 Logical Link Control, with the SNAP extension of RFC 1042.
 *
 *  +--------+--------+--------+--------+
 *  |  DSAP  |  SSAP  | control (1 or 2)|     U frames: 1 octet (low bits 11)
 *  +--------+--------+--------+--------+     I and S frames: 2 octets
 *
 *  SNAP (DSAP = SSAP = 0xaa, control 0x03) adds:
 *  +--------+--------+--------+--------+--------+
 *  |     OUI (3 octets)       |  protocol id    |
 *  +--------+--------+--------+--------+--------+
 *
 * LLC sits under 802.3 framing, VLAN tags with a length, and Linux cooked
 * captures.  With SNAP and OUI 0 (or 0x0000f8, 802.1H bridge tunnelling)
 * the protocol id is an ethertype and the payload goes to the "ethertype"
 * table; other SAPs go to "llc.dsap", which this file owns.  Other OUIs
 * (Cisco's CDP, say) are recorded, under the field name tshark gives that
 * organisation's protocol ids, and left opaque.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define LLC_SAP_SNAP		0xaa
#define LLC_U_FRAME_MASK	0x03	/* low bits 11: unnumbered, 1 octet */
#define LLC_UI			0x03
#define OUI_ENCAP_ETHER		0x000000
#define OUI_BRIDGE_TUNNEL	0x0000f8

static int proto_llc = -1;
static int hf_llc_dsap = -1, hf_llc_ssap = -1, hf_llc_control = -1,
    hf_llc_oui = -1, hf_llc_type = -1, hf_llc_pid = -1,
    hf_llc_cisco_pid = -1, hf_llc_nortel_pid = -1, hf_llc_extreme_pid = -1,
    hf_llc_apple_atalk_pid = -1;
static struct dtable *dsap_table;

static const struct field_def llc_fields[] = {
	{ &hf_llc_dsap, "llc.dsap", FT_UINT8, "DSAP", 0 },
	{ &hf_llc_ssap, "llc.ssap", FT_UINT8, "SSAP", 0 },
	{ &hf_llc_control, "llc.control", FT_UINT16, "Control", 0 },
	{ &hf_llc_oui, "llc.oui", FT_UINT24, "Organization Code", 0 },
	{ &hf_llc_type, "llc.type", FT_UINT16, "Type (SNAP ethertype)", 0 },
	{ &hf_llc_pid, "llc.pid", FT_UINT16, "Protocol ID", 0 },
	{ &hf_llc_cisco_pid, "llc.cisco_pid", FT_UINT16, "PID (Cisco OUI)", 0 },
	{ &hf_llc_nortel_pid, "llc.nortel_pid", FT_UINT16, "PID (Nortel OUI)", 0 },
	{ &hf_llc_extreme_pid, "llc.extreme_pid", FT_UINT16, "PID (Extreme OUI)", 0 },
	{ &hf_llc_apple_atalk_pid, "llc.apple_atalk_pid", FT_UINT16, "PID (Apple AppleTalk OUI)", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* tshark files the protocol id of some organisations under their own
 * field names; the others under llc.pid. */
static const struct {
	uint32_t	 oui;
	int		*hf;
} oui_pids[] = {
	{ 0x00000c, &hf_llc_cisco_pid },
	{ 0x000081, &hf_llc_nortel_pid },
	{ 0x00e02b, &hf_llc_extreme_pid },
	{ 0x080007, &hf_llc_apple_atalk_pid },
};

static enum dissect_result
llc_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint8_t dsap, ssap;
	uint16_t control, pid;
	uint32_t oui;
	size_t i;
	int hf;

	dsap = buf_u8(b);
	ssap = buf_u8(b);
	control = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	if ((control & LLC_U_FRAME_MASK) != LLC_U_FRAME_MASK)
		control = (uint16_t)(control | buf_u8(b) << 8);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_llc_dsap, dsap);
	field_add_uint(edt, hf_llc_ssap, ssap);
	field_add_uint(edt, hf_llc_control, control);

	if (dsap != LLC_SAP_SNAP || ssap != LLC_SAP_SNAP || control != LLC_UI) {
		buf_rest(b, &payload);
		(void)dtable_call(dsap_table, dsap, &payload, pinfo, edt);
		return (DISSECT_OK);
	}

	oui = buf_be24(b);
	pid = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_llc_oui, oui);
	if (oui != OUI_ENCAP_ETHER && oui != OUI_BRIDGE_TUNNEL) {
		hf = hf_llc_pid;
		for (i = 0; i < sizeof(oui_pids) / sizeof(oui_pids[0]); i++)
			if (oui_pids[i].oui == oui)
				hf = *oui_pids[i].hf;
		field_add_uint(edt, hf, pid);
		return (DISSECT_OK);
	}
	field_add_uint(edt, hf_llc_type, pid);
	buf_rest(b, &payload);
	(void)dtable_call(ethertype_table, pid, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_llc = {
	.name = "llc",
	.longname = "Logical-Link Control",
	.proto = &proto_llc,
	.tables = (const struct dtable_def[]){
		{ "llc.dsap", &dsap_table },
		{ NULL, NULL },
	},
	.fields = llc_fields,
	.dissect = llc_dissect,
};
