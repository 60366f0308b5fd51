/*
 * Internet Control Message Protocol.  RFC 792.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Type      |     Code      |          Checksum             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Identifier (echo, timestamp) |  Sequence Number              |
 *  |  or: unused / gateway / pointer (errors)                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  errors: the offending IP header + at least 8 bytes of it     |
 *
 * An error message quotes the datagram that caused it.  That quote is
 * always an IPv4 datagram, a fixed format rather than a choice among
 * children, so the IPv4 dissector is called directly.  It runs with
 * pinfo->in_error_pkt set, so its tap entries (and those of the transport
 * inside) are marked as being in an error, and listeners that did not ask
 * for error packets do not count the quoted conversation twice.  The
 * addresses and ports the quote sets are put back afterwards: the packet
 * belongs to the outer conversation.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/icmp.h"
#include "dissectors/taps.h"

#define ICMP_ECHOREPLY		0
#define ICMP_UNREACH		3
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_ECHO		8
#define ICMP_TIMXCEED		11
#define ICMP_PARAMPROB		12
#define ICMP_TSTAMP		13
#define ICMP_TSTAMPREPLY	14
#define ICMP_IREQ		15
#define ICMP_IREQREPLY		16
#define ICMP_MASKREQ		17
#define ICMP_MASKREPLY		18

static int proto_icmp = -1, tap_icmp = -1;
static int hf_icmp_type = -1, hf_icmp_code = -1, hf_icmp_checksum = -1,
    hf_icmp_ident = -1, hf_icmp_seq = -1, hf_icmp_redir_gw = -1,
    hf_icmp_pointer = -1, hf_icmp_mtu = -1;
static const struct dissector *ip;

static const struct field_def icmp_fields[] = {
	{ &hf_icmp_type, "icmp.type", FT_UINT8, "Type", 0 },
	{ &hf_icmp_code, "icmp.code", FT_UINT8, "Code", 0 },
	{ &hf_icmp_checksum, "icmp.checksum", FT_UINT16, "Checksum", 0 },
	{ &hf_icmp_ident, "icmp.ident", FT_UINT16, "Identifier (BE)", 0 },
	{ &hf_icmp_seq, "icmp.seq", FT_UINT16, "Sequence Number (BE)", 0 },
	{ &hf_icmp_redir_gw, "icmp.redir_gw", FT_IPv4, "Gateway Address", 0 },
	{ &hf_icmp_pointer, "icmp.pointer", FT_UINT32, "Pointer", 0 },
	{ &hf_icmp_mtu, "icmp.mtu", FT_UINT16, "MTU of next hop", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
icmp_init(void)
{
	ip = proto_find_dissector("ip");
}

static bool
icmp_is_error(uint8_t type)
{
	return (type == ICMP_UNREACH || type == ICMP_SOURCEQUENCH ||
	    type == ICMP_REDIRECT || type == ICMP_TIMXCEED ||
	    type == ICMP_PARAMPROB);
}

static const struct icmp_ids icmp_ids = {
	&hf_icmp_type, &hf_icmp_code, &hf_icmp_checksum, &tap_icmp,
};

static enum dissect_result
icmp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct address gw;
	const uint8_t *p;
	uint16_t w1, w2;
	uint8_t type, code;

	if (!icmp_header(b, pinfo, edt, &icmp_ids, &type, &code))
		return (DISSECT_OK);

	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
	case ICMP_TSTAMP:
	case ICMP_TSTAMPREPLY:
	case ICMP_IREQ:
	case ICMP_IREQREPLY:
	case ICMP_MASKREQ:
	case ICMP_MASKREPLY:
		w1 = buf_be16(b);
		w2 = buf_be16(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
		field_add_uint(edt, hf_icmp_ident, w1);
		field_add_uint(edt, hf_icmp_seq, w2);
		return (DISSECT_OK);
	case ICMP_REDIRECT:
		if ((p = buf_ptr(b, 4)) == NULL)
			return (DISSECT_OK);
		address_set(&gw, AT_IPv4, p, 4);
		field_add_addr(edt, hf_icmp_redir_gw, &gw);
		break;
	case ICMP_PARAMPROB:
		if ((p = buf_ptr(b, 4)) == NULL)
			return (DISSECT_OK);
		field_add_uint(edt, hf_icmp_pointer, p[0]);
		break;
	case ICMP_UNREACH:
		w1 = buf_be16(b);
		w2 = buf_be16(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
		if (code == 4)		/* fragmentation needed, RFC 1191 */
			field_add_uint(edt, hf_icmp_mtu, w2);
		break;
	default:
		if (!icmp_is_error(type))
			return (DISSECT_OK);
		if (!buf_skip(b, 4))
			return (DISSECT_OK);
		break;
	}
	call_dissector_quoted(ip, b, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_icmp = {
	.name = "icmp",
	.longname = "Internet Control Message Protocol",
	.proto = &proto_icmp,
	.handoff = { { "ip.proto", 1 } },
	.fields = icmp_fields,
	.tap = "icmp",
	.tap_id = &tap_icmp,
	.init = icmp_init,
	.dissect = icmp_dissect,
};
