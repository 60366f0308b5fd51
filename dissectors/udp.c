/*
 * User Datagram Protocol.  RFC 768.
 *
 *   0      7 8     15 16    23 24    31
 *  +--------+--------+--------+--------+
 *  |   source port   |    dest port    |
 *  +--------+--------+--------+--------+
 *  |     length      |    checksum     |
 *  +--------+--------+--------+--------+
 *  |          data octets ...
 *
 * The length counts the header and delimits the payload handed on, which
 * the IP payload may exceed (padding) but not fall short of.  A length
 * under 8 is malformed and nothing is handed on; zero over IPv6 is a
 * jumbogram (RFC 2675), whose length is the IP payload's.  A length past
 * the IP payload is malformed, and what there is is still handed on, as
 * tshark does; but not inside an ICMP error, whose quote is cut short by
 * design, nor in the first fragment of a datagram, whose rest is in later
 * fragments: reads past what is here are then "truncated", as they should
 * be.
 * The payload goes to the "udp.port" table, the lower port tried first and
 * then the higher, as Wireshark does.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"

#define UDP_HDR_LEN	8

static int proto_udp = -1, tap_udp = -1;
static int hf_udp_srcport = -1, hf_udp_dstport = -1, hf_udp_port = -1,
    hf_udp_length = -1, hf_udp_checksum = -1;
static struct dtable *udp_port_table;

static const struct field_def udp_fields[] = {
	{ &hf_udp_srcport, "udp.srcport", FT_UINT16, "Source Port", 0 },
	{ &hf_udp_dstport, "udp.dstport", FT_UINT16, "Destination Port", 0 },
	{ &hf_udp_port, "udp.port", FT_UINT16, "Source or Destination Port", 0 },
	{ &hf_udp_length, "udp.length", FT_UINT16, "Length", 0 },
	{ &hf_udp_checksum, "udp.checksum", FT_UINT16, "Checksum", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* The payload to the lower port's dissector, else the higher's.  Each try
 * gets a fresh cursor: a dissector that rejects may have read some. */
static void
udp_payload(const struct buf *p, uint16_t sport, uint16_t dport,
    struct packet_info *pinfo, struct dissect *edt)
{
	uint16_t low = sport < dport ? sport : dport;
	uint16_t high = sport < dport ? dport : sport;
	struct buf payload;

	if (p->len == 0)
		return;
	payload = *p;
	if (low != 0 && dtable_call(udp_port_table, low, &payload, pinfo, edt))
		return;
	payload = *p;
	if (high != 0 && high != low)
		(void)dtable_call(udp_port_table, high, &payload, pinfo, edt);
}

static enum dissect_result
udp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct udp_tap *t;
	struct buf payload;
	uint16_t sport, dport, length, checksum;
	size_t left, plen;

	sport = buf_be16(b);
	dport = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	/* The ports even of a header the snaplen cut, as tshark does. */
	field_add_uint(edt, hf_udp_srcport, sport);
	field_add_uint(edt, hf_udp_dstport, dport);
	field_add_uint(edt, hf_udp_port, sport);
	field_add_uint(edt, hf_udp_port, dport);
	length = buf_be16(b);
	checksum = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_udp_length, length);
	field_add_uint(edt, hf_udp_checksum, checksum);
	left = buf_reported_left(b);
	if (length == 0 && pinfo->net_src.type == AT_IPv6)
		plen = left;		/* a jumbogram, RFC 2675 section 4 */
	else if (length < UDP_HDR_LEN) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	} else
		plen = (size_t)length - UDP_HDR_LEN;
	pinfo->srcport = sport;
	pinfo->destport = dport;
	if (tap_listened(tap_udp) &&
	    (t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		t->conv.src = pinfo->net_src;
		t->conv.dst = pinfo->net_dst;
		t->conv.sport = sport;
		t->conv.dport = dport;
		t->length = length;
		tap_queue_packet(tap_udp, pinfo, t);
	}

	buf_rest(b, &payload);
	if (plen <= left)
		(void)buf_sub(b, &payload, plen);	/* padding cut off */
	else if (pinfo->fragmented || pinfo->in_error_pkt)
		payload.len = plen;	/* the rest is elsewhere, not a lie */
	else {
		/* Past the end of the IP payload: the datagram lies.  Say so
		 * here, then look at what there is, as tshark does. */
		buf_fail(b, BUF_MALFORMED);
		dissect_note_error(edt, proto_udp, BUF_MALFORMED);
	}
	udp_payload(&payload, sport, dport, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_udp = {
	.name = "udp",
	.longname = "User Datagram Protocol",
	.proto = &proto_udp,
	.tables = (const struct dtable_def[]){
		{ "udp.port", &udp_port_table },
		{ NULL, NULL },
	},
	.handoff = { { "ip.proto", 17 } },
	.fields = udp_fields,
	.tap = "udp",
	.tap_id = &tap_udp,
	.dissect = udp_dissect,
};
