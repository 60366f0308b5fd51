/*
 * IP Authentication Header.  RFC 4302.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Header   |  Payload Len  |          RESERVED             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Security Parameters Index (SPI)               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Sequence Number Field                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Integrity Check Value-ICV (variable)           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * AH authenticates but does not encrypt, so what follows it is readable:
 * its next header is looked up in "ip.proto" again, after IPv4 as after
 * IPv6 (whose extension-header walk ends at AH and hands it on here).  The
 * payload length counts 4-octet units, minus 2.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define AH_HDR_MIN	12

static int proto_ah = -1;
static int hf_ah_next_header = -1, hf_ah_length = -1, hf_ah_spi = -1,
    hf_ah_sequence = -1;

static const struct field_def ah_fields[] = {
	{ &hf_ah_next_header, "ah.next_header", FT_UINT8, "Next header", 0 },
	{ &hf_ah_length, "ah.length", FT_UINT8, "Length", 0 },
	{ &hf_ah_spi, "ah.spi", FT_UINT32, "AH SPI", 0 },
	{ &hf_ah_sequence, "ah.sequence", FT_UINT32, "AH Sequence", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
ah_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint32_t spi, seq;
	size_t hlen;
	uint8_t nxt, len;

	nxt = buf_u8(b);
	len = buf_u8(b);
	(void)buf_be16(b);
	spi = buf_be32(b);
	seq = buf_be32(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	hlen = ((size_t)len + 2) * 4;
	field_add_uint(edt, hf_ah_next_header, nxt);
	field_add_uint(edt, hf_ah_length, len);
	field_add_uint(edt, hf_ah_spi, spi);
	field_add_uint(edt, hf_ah_sequence, seq);
	if (hlen < AH_HDR_MIN) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	if (!buf_skip(b, hlen - AH_HDR_MIN))
		return (DISSECT_OK);
	buf_rest(b, &payload);
	(void)dtable_call(ip_proto_table, nxt, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_ah = {
	.name = "ah",
	.longname = "Authentication Header",
	.proto = &proto_ah,
	.handoff = { { "ip.proto", 51 } },
	.fields = ah_fields,
	.dissect = ah_dissect,
};
