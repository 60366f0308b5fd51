/*
 * MPLS label stack entries.  RFC 3032 (and RFC 5462 for the TC name).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Label                  | Exp |S|       TTL     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One call reads one entry and is one "mpls" layer, as tshark's hierarchy
 * shows a node per label.  Until the bottom-of-stack bit the rest goes back
 * to this dissector, so a stack with no bottom is cut off (and counted as
 * malformed) by call_dissector's depth cap, and one that runs out of bytes
 * is truncated or malformed like any header.
 *
 * Nothing in MPLS says what is under the stack; like tshark 4.0 we look at
 * the first nibble: 4 is IPv4 and 6 is IPv6 (both through the "ethertype"
 * table), 0 is an Ethernet pseudowire with its control word (RFC 4448),
 * which this file also dissects as "pwethcw" before handing the frame to
 * the "ethertype" table's transparent-bridging entry (Ethernet).  Anything
 * else is left opaque.
 *
 * RFC 4448 control word:
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0 0 0|       reserved        |        sequence number        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MCAST	0x8848
#define ETHERTYPE_TEB		0x6558

extern const struct dissector dissector_mpls, dissector_pwethcw;

static int proto_mpls = -1, proto_pwethcw = -1;
static int hf_mpls_label = -1, hf_mpls_exp = -1, hf_mpls_bottom = -1,
    hf_mpls_ttl = -1, hf_pweth_cw_seq = -1;

static const struct field_def mpls_fields[] = {
	{ &hf_mpls_label, "mpls.label", FT_UINT32, "MPLS Label", 0xfffff000 },
	{ &hf_mpls_exp, "mpls.exp", FT_UINT32, "MPLS Experimental Bits", 0x00000e00 },
	{ &hf_mpls_bottom, "mpls.bottom", FT_UINT32, "MPLS Bottom Of Label Stack", 0x00000100 },
	{ &hf_mpls_ttl, "mpls.ttl", FT_UINT32, "MPLS TTL", 0x000000ff },
	{ NULL, NULL, 0, NULL, 0 },
};

static const struct field_def pwethcw_fields[] = {
	{ &hf_pweth_cw_seq, "pweth.cw.sequence_number", FT_UINT16, "PW sequence number (ethernet)", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* What lies under the bottom label, guessed from its first nibble. */
static void
mpls_payload(struct buf *payload, struct packet_info *pinfo,
    struct dissect *edt)
{
	uint8_t first;

	if (!buf_peek_u8(payload, 0, &first))
		return;
	switch (first >> 4) {
	case 4:
		(void)dtable_call(ethertype_table, ETHERTYPE_IP, payload,
		    pinfo, edt);
		break;
	case 6:
		(void)dtable_call(ethertype_table, ETHERTYPE_IPV6, payload,
		    pinfo, edt);
		break;
	case 0:
		(void)call_dissector(&dissector_pwethcw, payload, pinfo, edt);
		break;
	default:
		break;
	}
}

static enum dissect_result
mpls_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf rest;
	uint32_t entry;

	entry = buf_be32(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_mpls_label, entry >> 12);
	field_add_uint(edt, hf_mpls_exp, (entry >> 9) & 7);
	field_add_uint(edt, hf_mpls_bottom, (entry >> 8) & 1);
	field_add_uint(edt, hf_mpls_ttl, entry & 0xff);

	buf_rest(b, &rest);
	if ((entry & 0x100) == 0) {
		/* The next entry, as the next layer.  A stack with no bottom
		 * ends at the depth cap, or here when the bytes run out (this
		 * entry's error then, rather than an empty extra layer). */
		if (buf_need(b, 1))
			(void)call_dissector(&dissector_mpls, &rest, pinfo,
			    edt);
		return (DISSECT_OK);
	}
	mpls_payload(&rest, pinfo, edt);
	return (DISSECT_OK);
}

static enum dissect_result
pwethcw_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf frame;
	uint16_t seq;

	(void)buf_be16(b);		/* first nibble 0, flags, length */
	seq = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_pweth_cw_seq, seq);
	buf_rest(b, &frame);
	(void)dtable_call(ethertype_table, ETHERTYPE_TEB, &frame, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_mpls = {
	.name = "mpls",
	.longname = "MultiProtocol Label Switching Header",
	.proto = &proto_mpls,
	.handoff = {
		{ "ethertype", ETHERTYPE_MPLS },
		{ "ethertype", ETHERTYPE_MPLS_MCAST },
	},
	.fields = mpls_fields,
	.dissect = mpls_dissect,
};

const struct dissector dissector_pwethcw = {
	.name = "pwethcw",
	.longname = "PW Ethernet Control Word",
	.proto = &proto_pwethcw,
	.fields = pwethcw_fields,
	.dissect = pwethcw_dissect,
};
