/*
 * Generic Routing Encapsulation.  RFC 2784, key and sequence number
 * RFC 2890, routing RFC 1701, PPTP's enhanced GRE (version 1) RFC 2637.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      Checksum (optional)      |       Offset (optional)       |  C or R
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Key (optional)                        |  K
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Sequence Number (optional)                    |  S
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |              Acknowledgment Number (version 1, A)             |  A
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Routing (optional, RFC 1701)               |  R
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The protocol type is an ethertype, so the payload is looked up in the
 * "ethertype" table that Ethernet owns (0x0800 IPv4, 0x86dd IPv6, 0x6558
 * bridged Ethernet, 0x880b PPP for PPTP).  In version 1 the key holds the
 * payload length and call id.  RFC 1701 routing is a list of source route
 * entries ended by an empty one; the walk is capped and always advances.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define GRE_F_CHECKSUM	0x8000
#define GRE_F_ROUTING	0x4000
#define GRE_F_KEY	0x2000
#define GRE_F_SEQ	0x1000
#define GRE_F_SSR	0x0800
#define GRE_F_ACK	0x0080
#define GRE_VERSION	0x0007

#define GRE_SRE_MAX	16	/* source route entries followed */

static int proto_gre = -1;
static int hf_gre_flags_and_version = -1, hf_gre_flags_checksum = -1,
    hf_gre_flags_routing = -1, hf_gre_flags_key = -1, hf_gre_flags_seq = -1,
    hf_gre_flags_ssr = -1, hf_gre_flags_recur = -1, hf_gre_flags_ack = -1,
    hf_gre_flags_version = -1, hf_gre_proto = -1, hf_gre_checksum = -1,
    hf_gre_offset = -1, hf_gre_key = -1, hf_gre_key_payload_length = -1,
    hf_gre_key_call_id = -1, hf_gre_seq = -1, hf_gre_ack = -1;

static const struct field_def gre_fields[] = {
	{ &hf_gre_flags_and_version, "gre.flags_and_version", FT_UINT16, "Flags and Version", 0 },
	{ &hf_gre_flags_checksum, "gre.flags.checksum", FT_BOOLEAN, "Checksum Bit", 0x8000 },
	{ &hf_gre_flags_routing, "gre.flags.routing", FT_BOOLEAN, "Routing Bit", 0x4000 },
	{ &hf_gre_flags_key, "gre.flags.key", FT_BOOLEAN, "Key Bit", 0x2000 },
	{ &hf_gre_flags_seq, "gre.flags.sequence_number", FT_BOOLEAN, "Sequence Number Bit", 0x1000 },
	{ &hf_gre_flags_ssr, "gre.flags.strict_source_route", FT_BOOLEAN, "Strict Source Route Bit", 0x0800 },
	{ &hf_gre_flags_recur, "gre.flags.recursion_control", FT_UINT16, "Recursion control", 0x0700 },
	{ &hf_gre_flags_ack, "gre.flags.ack", FT_BOOLEAN, "Acknowledgment", 0x0080 },
	{ &hf_gre_flags_version, "gre.flags.version", FT_UINT16, "Version", 0x0007 },
	{ &hf_gre_proto, "gre.proto", FT_UINT16, "Protocol Type", 0 },
	{ &hf_gre_checksum, "gre.checksum", FT_UINT16, "Checksum", 0 },
	{ &hf_gre_offset, "gre.offset", FT_UINT16, "Offset", 0 },
	{ &hf_gre_key, "gre.key", FT_UINT32, "Key", 0 },
	{ &hf_gre_key_payload_length, "gre.key.payload_length", FT_UINT16, "Payload Length", 0 },
	{ &hf_gre_key_call_id, "gre.key.call_id", FT_UINT16, "Call ID", 0 },
	{ &hf_gre_seq, "gre.sequence_number", FT_UINT32, "Sequence Number", 0 },
	{ &hf_gre_ack, "gre.ack_number", FT_UINT32, "Acknowledgment Number", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* RFC 1701 source route entries: address family, SRE offset, SRE length,
 * then that many bytes; an entry with family 0 and length 0 ends them. */
static void
gre_routing(struct buf *b)
{
	uint16_t af;
	uint8_t len;
	int i;

	for (i = 0; i < GRE_SRE_MAX; i++) {
		af = buf_be16(b);
		(void)buf_u8(b);
		len = buf_u8(b);
		if (b->err != BUF_OK || (af == 0 && len == 0))
			return;
		if (!buf_skip(b, len))
			return;
	}
	buf_fail(b, BUF_MALFORMED);	/* no end in sight */
}

static enum dissect_result
gre_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint32_t key;
	uint16_t fv, proto, w;
	unsigned ver;

	fv = buf_be16(b);
	proto = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	ver = fv & GRE_VERSION;
	field_add_uint(edt, hf_gre_flags_and_version, fv);
	field_add_uint(edt, hf_gre_flags_checksum, (fv & GRE_F_CHECKSUM) != 0);
	field_add_uint(edt, hf_gre_flags_routing, (fv & GRE_F_ROUTING) != 0);
	field_add_uint(edt, hf_gre_flags_key, (fv & GRE_F_KEY) != 0);
	field_add_uint(edt, hf_gre_flags_seq, (fv & GRE_F_SEQ) != 0);
	field_add_uint(edt, hf_gre_flags_ssr, (fv & GRE_F_SSR) != 0);
	field_add_uint(edt, hf_gre_flags_recur, (fv >> 8) & 0x7);
	if (ver == 1)
		field_add_uint(edt, hf_gre_flags_ack, (fv & GRE_F_ACK) != 0);
	field_add_uint(edt, hf_gre_flags_version, ver);
	field_add_uint(edt, hf_gre_proto, proto);

	if (fv & (GRE_F_CHECKSUM | GRE_F_ROUTING)) {
		/* Both are there if either bit is; each means something only
		 * under its own bit. */
		w = buf_be16(b);
		if (b->err == BUF_OK && (fv & GRE_F_CHECKSUM))
			field_add_uint(edt, hf_gre_checksum, w);
		w = buf_be16(b);
		if (b->err == BUF_OK && (fv & GRE_F_ROUTING))
			field_add_uint(edt, hf_gre_offset, w);
	}
	if (fv & GRE_F_KEY) {
		key = buf_be32(b);
		if (b->err == BUF_OK && ver == 1) {
			field_add_uint(edt, hf_gre_key_payload_length, key >> 16);
			field_add_uint(edt, hf_gre_key_call_id, key & 0xffff);
		} else if (b->err == BUF_OK)
			field_add_uint(edt, hf_gre_key, key);
	}
	if (fv & GRE_F_SEQ) {
		key = buf_be32(b);
		if (b->err == BUF_OK)
			field_add_uint(edt, hf_gre_seq, key);
	}
	if (ver == 1 && (fv & GRE_F_ACK)) {
		key = buf_be32(b);
		if (b->err == BUF_OK)
			field_add_uint(edt, hf_gre_ack, key);
	}
	if (fv & GRE_F_ROUTING)
		gre_routing(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);

	/* PPTP's keepalives and acknowledgements carry nothing. */
	if (buf_reported_left(b) == 0)
		return (DISSECT_OK);
	buf_rest(b, &payload);
	(void)dtable_call(ethertype_table, proto, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_gre = {
	.name = "gre",
	.longname = "Generic Routing Encapsulation",
	.proto = &proto_gre,
	.handoff = { { "ip.proto", 47 } },
	.fields = gre_fields,
	.dissect = gre_dissect,
};
