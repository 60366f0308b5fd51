/*
 * PPP over Ethernet.  RFC 2516.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  VER  | TYPE  |      CODE     |          SESSION_ID           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            LENGTH             |           payload             ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Two ethertypes, two protocols, as tshark names them: the session stage
 * (0x8864) is "pppoes" and carries one PPP frame of LENGTH octets (which
 * cuts off Ethernet padding; a LENGTH past the frame is malformed); the
 * discovery stage (0x8863) is "pppoed", whose tags we do not decode.  Both
 * record the header under the pppoe.* field names tshark uses.  The
 * session payload is always PPP, so the ppp dissector is called by name.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"

#define ETHERTYPE_PPPOED	0x8863
#define ETHERTYPE_PPPOES	0x8864
#define PPPOE_CODE_SESSION	0x00

static int proto_pppoes = -1, proto_pppoed = -1;
static int hf_pppoe_version = -1, hf_pppoe_type = -1, hf_pppoe_code = -1,
    hf_pppoe_session_id = -1, hf_pppoe_payload_length = -1;
static const struct dissector *ppp;

/* Both protocols declare the same names; the registry shares the ids. */
static const struct field_def pppoe_fields[] = {
	{ &hf_pppoe_version, "pppoe.version", FT_UINT8, "Version", 0xf0 },
	{ &hf_pppoe_type, "pppoe.type", FT_UINT8, "Type", 0x0f },
	{ &hf_pppoe_code, "pppoe.code", FT_UINT8, "Code", 0 },
	{ &hf_pppoe_session_id, "pppoe.session_id", FT_UINT16, "Session ID", 0 },
	{ &hf_pppoe_payload_length, "pppoe.payload_length", FT_UINT16, "Payload Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
pppoe_init(void)
{
	ppp = proto_find_dissector("ppp");
}

/* The common header; returns the code, and the length in *len. */
static bool
pppoe_header(struct buf *b, struct dissect *edt, uint8_t *code,
    uint16_t *len)
{
	uint8_t vt;
	uint16_t sid;

	vt = buf_u8(b);
	*code = buf_u8(b);
	sid = buf_be16(b);
	*len = buf_be16(b);
	if (b->err != BUF_OK)
		return (false);
	field_add_uint(edt, hf_pppoe_version, vt >> 4);
	field_add_uint(edt, hf_pppoe_type, vt & 0x0f);
	field_add_uint(edt, hf_pppoe_code, *code);
	field_add_uint(edt, hf_pppoe_session_id, sid);
	field_add_uint(edt, hf_pppoe_payload_length, *len);
	return (true);
}

static enum dissect_result
pppoes_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint16_t len;
	uint8_t code;

	if (!pppoe_header(b, edt, &code, &len) || code != PPPOE_CODE_SESSION)
		return (DISSECT_OK);
	if (!buf_sub(b, &payload, len)) {
		buf_fail(b, BUF_MALFORMED);
		dissect_note_error(edt, proto_pppoes, BUF_MALFORMED);
	}
	if (ppp != NULL && buf_reported_left(&payload) > 0)
		(void)call_dissector(ppp, &payload, pinfo, edt);
	return (DISSECT_OK);
}

static enum dissect_result
pppoed_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	uint16_t len;
	uint8_t code;

	(void)pinfo;
	(void)pppoe_header(b, edt, &code, &len);
	return (DISSECT_OK);
}

const struct dissector dissector_pppoes = {
	.name = "pppoes",
	.longname = "PPP-over-Ethernet Session",
	.proto = &proto_pppoes,
	.handoff = {
		{ "ethertype", ETHERTYPE_PPPOES },
		{ "link", DLT_PPP_ETHER },
	},
	.fields = pppoe_fields,
	.init = pppoe_init,
	.dissect = pppoes_dissect,
};

const struct dissector dissector_pppoed = {
	.name = "pppoed",
	.longname = "PPP-over-Ethernet Discovery",
	.proto = &proto_pppoed,
	.handoff = { { "ethertype", ETHERTYPE_PPPOED } },
	.fields = pppoe_fields,
	.dissect = pppoed_dissect,
};
