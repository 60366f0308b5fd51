/*
 * GPRS Tunnelling Protocol, user plane (GTP-U).  3GPP TS 29.281.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver  |P|R|E|S|N|  Message type |            Length             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            Tunnel Endpoint Identifier (TEID)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Sequence number (E|S|N)      |  N-PDU number | Next ext type |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Ext length    |  contents ...                 | Next ext type |  E
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The length counts the octets after the TEID, so it bounds the optional
 * word, the extension headers and the payload.  The optional word is there
 * whole when any of E, S or PN is set, but each of its fields means
 * something only under its own bit.  Extension headers are a chain, each
 * with a length in 4-byte units that counts its length and next-type
 * octets: a length of 0 could not advance and is malformed, and the chain
 * is capped.  Only a G-PDU (message type 255) carries a payload, a user's
 * IP packet, told apart by its first octet as tshark does (0x45 to 0x4e an
 * IPv4 header, a version nibble of 6 IPv6); signalling messages (echo,
 * error indication, end marker) carry information elements, not traffic,
 * and are not walked.  Only version 1 is dissected: version 0 and GTPv2
 * are control protocols that do not tunnel user traffic on port 2152.
 */
#include "core/dissect.h"
#include "core/proto.h"

#define GTPU_PORT	2152

#define GTP_F_E		0x04
#define GTP_F_S		0x02
#define GTP_F_PN	0x01
#define GTP_MSG_GPDU	0xff

#define GTP_EXT_MAX	16	/* extension headers followed */

static int proto_gtp = -1;
static int hf_gtp_flags = -1, hf_gtp_flags_version = -1,
    hf_gtp_flags_payload = -1, hf_gtp_flags_reserved = -1,
    hf_gtp_flags_e = -1, hf_gtp_flags_s = -1, hf_gtp_flags_pn = -1,
    hf_gtp_message = -1, hf_gtp_length = -1, hf_gtp_teid = -1,
    hf_gtp_seq_number = -1, hf_gtp_npdu_number = -1, hf_gtp_ext_hdr = -1,
    hf_gtp_ext_hdr_next = -1, hf_gtp_ext_hdr_length = -1,
    hf_gtp_tpdu_data = -1;
static const struct dissector *ipv4, *ipv6;

static const struct field_def gtp_fields[] = {
	{ &hf_gtp_flags, "gtp.flags", FT_UINT8, "Flags", 0 },
	{ &hf_gtp_flags_version, "gtp.flags.version", FT_UINT8, "Version", 0xe0 },
	{ &hf_gtp_flags_payload, "gtp.flags.payload", FT_UINT8, "Protocol type", 0x10 },
	{ &hf_gtp_flags_reserved, "gtp.flags.reserved", FT_UINT8, "Reserved", 0x08 },
	{ &hf_gtp_flags_e, "gtp.flags.e", FT_BOOLEAN, "Is Next Extension Header present?", 0x04 },
	{ &hf_gtp_flags_s, "gtp.flags.s", FT_BOOLEAN, "Is Sequence Number present?", 0x02 },
	{ &hf_gtp_flags_pn, "gtp.flags.pn", FT_BOOLEAN, "Is N-PDU number present?", 0x01 },
	{ &hf_gtp_message, "gtp.message", FT_UINT8, "Message Type", 0 },
	{ &hf_gtp_length, "gtp.length", FT_UINT16, "Length", 0 },
	{ &hf_gtp_teid, "gtp.teid", FT_UINT32, "TEID", 0 },
	{ &hf_gtp_seq_number, "gtp.seq_number", FT_UINT16, "Sequence number", 0 },
	{ &hf_gtp_npdu_number, "gtp.npdu_number", FT_UINT8, "N-PDU Number", 0 },
	{ &hf_gtp_ext_hdr, "gtp.ext_hdr", FT_NONE, "Extension header", 0 },
	{ &hf_gtp_ext_hdr_next, "gtp.ext_hdr.next", FT_UINT8, "Next extension header type", 0 },
	{ &hf_gtp_ext_hdr_length, "gtp.ext_hdr.length", FT_UINT8, "Extension Header Length", 0 },
	{ &hf_gtp_tpdu_data, "gtp.tpdu_data", FT_BYTES, "T-PDU Data", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
gtp_init(void)
{
	ipv4 = proto_find_dissector("ip");
	ipv6 = proto_find_dissector("ipv6");
}

/*
 * The extension header chain after a first next-type that is not 0.
 * Each header ends with the next one's type; the walk always advances
 * (a length of 0 is malformed) and stops after GTP_EXT_MAX.
 */
static void
gtp_ext_headers(struct buf *b, uint8_t next, struct dissect *edt)
{
	uint8_t len;
	int i;

	for (i = 0; next != 0; i++) {
		if (i == GTP_EXT_MAX) {
			buf_fail(b, BUF_MALFORMED);
			return;
		}
		len = buf_u8(b);
		if (b->err != BUF_OK)
			return;
		field_add_uint(edt, hf_gtp_ext_hdr, 0);
		field_add_uint(edt, hf_gtp_ext_hdr_length, len);
		if (len == 0) {
			buf_fail(b, BUF_MALFORMED);
			return;
		}
		/* The contents, between the length and the next type. */
		if (!buf_skip(b, (size_t)len * 4 - 2))
			return;
		next = buf_u8(b);
		if (b->err != BUF_OK)
			return;
		field_add_uint(edt, hf_gtp_ext_hdr_next, next);
	}
}

static enum dissect_result
gtp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf msg, payload;
	uint32_t teid;
	uint16_t length, seq;
	uint8_t flags, type, npdu, next, first;
	bool whole;

	flags = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_gtp_flags, flags);
	field_add_uint(edt, hf_gtp_flags_version, flags >> 5);
	if (flags >> 5 != 1)
		return (DISSECT_OK);
	field_add_uint(edt, hf_gtp_flags_payload, (flags >> 4) & 1);
	field_add_uint(edt, hf_gtp_flags_reserved, (flags >> 3) & 1);
	field_add_uint(edt, hf_gtp_flags_e, (flags & GTP_F_E) != 0);
	field_add_uint(edt, hf_gtp_flags_s, (flags & GTP_F_S) != 0);
	field_add_uint(edt, hf_gtp_flags_pn, (flags & GTP_F_PN) != 0);
	type = buf_u8(b);
	length = buf_be16(b);
	teid = buf_be32(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_gtp_message, type);
	field_add_uint(edt, hf_gtp_length, length);
	field_add_uint(edt, hf_gtp_teid, teid);

	/* The rest of the message is what the length says; more is
	 * padding, less is malformed (and what there is still looked at). */
	whole = buf_sub(b, &msg, length);
	if (flags & (GTP_F_E | GTP_F_S | GTP_F_PN)) {
		seq = buf_be16(&msg);
		npdu = buf_u8(&msg);
		first = buf_u8(&msg);
		if (msg.err != BUF_OK)
			goto out;
		if (flags & GTP_F_S)
			field_add_uint(edt, hf_gtp_seq_number, seq);
		if (flags & GTP_F_PN)
			field_add_uint(edt, hf_gtp_npdu_number, npdu);
		if (flags & GTP_F_E) {
			field_add_uint(edt, hf_gtp_ext_hdr_next, first);
			gtp_ext_headers(&msg, first, edt);
			if (msg.err != BUF_OK)
				goto out;
		}
	}
	if (type != GTP_MSG_GPDU || buf_reported_left(&msg) == 0)
		goto out;
	if (!buf_peek_u8(&msg, msg.off, &next))
		goto out;
	buf_rest(&msg, &payload);
	if (next >= 0x45 && next <= 0x4e && ipv4 != NULL)
		(void)call_dissector(ipv4, &payload, pinfo, edt);
	else if ((next & 0xf0) == 0x60 && ipv6 != NULL)
		(void)call_dissector(ipv6, &payload, pinfo, edt);
	else
		field_add_bytes(edt, hf_gtp_tpdu_data, payload.data,
		    (uint32_t)payload.caplen);
out:
	/* The header read from the message is this layer's bytes. */
	(void)buf_skip(b, msg.off);
	if (msg.err != BUF_OK)
		buf_fail(b, msg.err);
	else if (!whole)
		buf_fail(b, BUF_MALFORMED);
	return (DISSECT_OK);
}

const struct dissector dissector_gtp = {
	.name = "gtp",
	.longname = "GPRS Tunneling Protocol",
	.proto = &proto_gtp,
	.handoff = { { "udp.port", GTPU_PORT } },
	.fields = gtp_fields,
	.init = gtp_init,
	.dissect = gtp_dissect,
};
