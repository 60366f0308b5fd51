/*
 * The Point-to-Point Protocol's encapsulation.  RFC 1661 section 2, with
 * the HDLC-like framing of RFC 1662 section 3.
 *
 *  +----------+----------+----------+----------+------------
 *  | address  | control  |      protocol       | information
 *  |   0xff   |   0x03   |  (1 or 2 octets)    |
 *  +----------+----------+----------+----------+------------
 *   (optional: absent over PPPoE and in most DLT_PPP captures)
 *
 * 0xff03 can never be a protocol number (the high octet of a protocol is
 * even), so the address and control octets are recognised wherever they
 * occur, as RFC 1661's "address-and-control-field-compression" allows them
 * to be left out.  A protocol whose first octet is odd is a one-octet
 * compressed one (protocol-field-compression).  The protocol is looked up
 * in the "ppp.protocol" table, owned here: IPv4 registers 0x0021 and IPv6
 * 0x0057.  The link types are DLT_PPP and DLT_PPP_SERIAL; PPPoE calls this
 * dissector for its session payload, and ethertype 0x880b (PPP over GRE,
 * as PPTP uses it) reaches it through the "ethertype" table.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"

#define ETHERTYPE_PPP		0x880b	/* PPP in GRE (PPTP) and others */
#define PPP_ADDRESS		0xff
#define PPP_CONTROL		0x03

static int proto_ppp = -1;
static int hf_ppp_address = -1, hf_ppp_control = -1, hf_ppp_protocol = -1;
static struct dtable *protocol_table;

static const struct field_def ppp_fields[] = {
	{ &hf_ppp_address, "ppp.address", FT_UINT8, "Address", 0 },
	{ &hf_ppp_control, "ppp.control", FT_UINT8, "Control", 0 },
	{ &hf_ppp_protocol, "ppp.protocol", FT_UINT16, "Protocol", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
ppp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint16_t protocol;
	uint8_t a, c;

	if (buf_peek_u8(b, b->off, &a) && buf_peek_u8(b, b->off + 1, &c) &&
	    a == PPP_ADDRESS && c == PPP_CONTROL) {
		(void)buf_skip(b, 2);
		field_add_uint(edt, hf_ppp_address, a);
		field_add_uint(edt, hf_ppp_control, c);
	}
	protocol = buf_u8(b);
	if ((protocol & 1) == 0)
		protocol = (uint16_t)(protocol << 8 | buf_u8(b));
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_ppp_protocol, protocol);
	buf_rest(b, &payload);
	(void)dtable_call(protocol_table, protocol, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_ppp = {
	.name = "ppp",
	.longname = "Point-to-Point Protocol",
	.proto = &proto_ppp,
	.tables = (const struct dtable_def[]){
		{ "ppp.protocol", &protocol_table },
		{ NULL, NULL },
	},
	.handoff = {
		{ "link", DLT_PPP },
		{ "link", DLT_PPP_SERIAL },
		{ "ethertype", ETHERTYPE_PPP },
	},
	.fields = ppp_fields,
	.dissect = ppp_dissect,
};
