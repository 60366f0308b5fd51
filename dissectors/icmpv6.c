/*
 * Internet Control Message Protocol for IPv6.  RFC 4443.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  errors: unused / MTU (2) / pointer (4)                       |
 *  |  echo (128, 129): Identifier  |  Sequence Number              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  errors: as much of the invoking packet as fits               |
 *
 * Error messages (types 1 to 4) quote the offending IPv6 packet, which is
 * dissected by the IPv6 dissector directly, with pinfo->in_error_pkt set
 * and the outer addresses and ports put back afterwards, as icmp.c does
 * for IPv4.  Neighbour discovery and the rest are recorded by type only.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/icmp.h"
#include "dissectors/taps.h"

#define ICMP6_DST_UNREACH	1
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_PARAM_PROB	4
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129

static int proto_icmpv6 = -1, tap_icmpv6 = -1;
static int hf_icmpv6_type = -1, hf_icmpv6_code = -1, hf_icmpv6_checksum = -1,
    hf_icmpv6_mtu = -1, hf_icmpv6_pointer = -1, hf_icmpv6_echo_id = -1,
    hf_icmpv6_echo_seq = -1;
static const struct dissector *ipv6;

static const struct field_def icmpv6_fields[] = {
	{ &hf_icmpv6_type, "icmpv6.type", FT_UINT8, "Type", 0 },
	{ &hf_icmpv6_code, "icmpv6.code", FT_UINT8, "Code", 0 },
	{ &hf_icmpv6_checksum, "icmpv6.checksum", FT_UINT16, "Checksum", 0 },
	{ &hf_icmpv6_mtu, "icmpv6.mtu", FT_UINT32, "MTU", 0 },
	{ &hf_icmpv6_pointer, "icmpv6.pointer", FT_UINT32, "Pointer", 0 },
	{ &hf_icmpv6_echo_id, "icmpv6.echo.identifier", FT_UINT16, "Identifier", 0 },
	{ &hf_icmpv6_echo_seq, "icmpv6.echo.sequence_number", FT_UINT16, "Sequence", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
icmpv6_init(void)
{
	ipv6 = proto_find_dissector("ipv6");
}

static const struct icmp_ids icmpv6_ids = {
	&hf_icmpv6_type, &hf_icmpv6_code, &hf_icmpv6_checksum, &tap_icmpv6,
};

static enum dissect_result
icmpv6_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	uint32_t word;
	uint8_t type, code;

	if (!icmp_header(b, pinfo, edt, &icmpv6_ids, &type, &code))
		return (DISSECT_OK);

	switch (type) {
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		word = buf_be32(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
		field_add_uint(edt, hf_icmpv6_echo_id, word >> 16);
		field_add_uint(edt, hf_icmpv6_echo_seq, word & 0xffff);
		return (DISSECT_OK);
	case ICMP6_DST_UNREACH:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROB:
		word = buf_be32(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
		if (type == ICMP6_PACKET_TOO_BIG)
			field_add_uint(edt, hf_icmpv6_mtu, word);
		else if (type == ICMP6_PARAM_PROB)
			field_add_uint(edt, hf_icmpv6_pointer, word);
		call_dissector_quoted(ipv6, b, pinfo, edt);
		return (DISSECT_OK);
	default:
		return (DISSECT_OK);
	}
}

const struct dissector dissector_icmpv6 = {
	.name = "icmpv6",
	.longname = "Internet Control Message Protocol v6",
	.proto = &proto_icmpv6,
	.handoff = { { "ip.proto", 58 } },
	.fields = icmpv6_fields,
	.tap = "icmpv6",
	.tap_id = &tap_icmpv6,
	.init = icmpv6_init,
	.dissect = icmpv6_dissect,
};
