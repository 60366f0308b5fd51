/*
 * Internet Protocol version 6.  RFC 8200; jumbograms RFC 2675.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version| Traffic Class |              Flow Label               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Payload Length         |  Next Header  |   Hop Limit   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Source Address (16 octets)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Destination Address (16 octets)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Extension headers (hop-by-hop 0, routing 43, fragment 44, destination
 * options 60) are walked here, in a loop capped at IPV6_EXT_MAX headers,
 * rather than by each header calling the next through "ip.proto": the
 * chain is then flat, and one loop holds the cap.  Each extension header
 * is still its own layer (tshark's "ipv6.fraghdr" and so on), dissected by
 * a small dissector from this file that consumes exactly its header, so
 * that filters see eth:ipv6:ipv6.fraghdr:udp as tshark's frame.protocols
 * does and an error in the chain is counted against the header that has
 * it; but, as in tshark's protocol hierarchy, not a level of the
 * hierarchy (no_hierarchy): icmpv6 after a hop-by-hop header is right
 * under ipv6.  The AH header ends the walk: it
 * goes through "ip.proto" like a transport, and its dissector continues
 * the chain (it does the same after IPv4).
 *
 * Fragments are reassembled as in IPv4 (dissectors/ipfrag.h): the frame
 * that completes a datagram goes on with the chain in the reassembled
 * bytes; one held is "data" and ends the dissection.  As in tshark, the
 * header is then not tapped: only a chain that leads somewhere is, not a
 * fragment held, nor a later fragment that cannot be reassembled (also
 * "data"), nor a broken chain.  A routing header
 * with segments left gives the transport the packet's final destination.  A payload length of zero means
 * a jumbogram when hop-by-hop carries the Jumbo Payload option, and
 * otherwise (as tshark presumes) segmentation offload: the payload runs to
 * the end of the frame.  Zero with a hop-by-hop header but no jumbo option
 * is malformed.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/ipfrag.h"
#include "dissectors/tables.h"
#include "dissectors/taps.h"

#define IPV6_HDR_LEN	40
#define IPV6_EXT_MAX	16	/* extension headers followed in one packet */
#define IPV6_OPT_MAX	64	/* TLV options walked in one header */

#define IPV6_NXT_HOPOPTS	0
#define IPV6_NXT_ROUTING	43
#define IPV6_NXT_FRAGMENT	44
#define IPV6_NXT_DSTOPTS	60

#define IPV6_OPT_PAD1		0x00
#define IPV6_OPT_JUMBO		0xc2

static int proto_ipv6 = -1, tap_ipv6 = -1;
static int hf_ip_version = -1, hf_ipv6_version = -1, hf_ipv6_tclass = -1, hf_ipv6_flow = -1,
    hf_ipv6_plen = -1, hf_ipv6_nxt = -1, hf_ipv6_hlim = -1,
    hf_ipv6_src = -1, hf_ipv6_dst = -1, hf_ipv6_addr = -1,
    hf_ipv6_opt_type = -1, hf_ipv6_opt_length = -1, hf_ipv6_opt_jumbo = -1;
static int proto_hopopts = -1, hf_hopopts_nxt = -1, hf_hopopts_len = -1,
    hf_hopopts_len_oct = -1;
static int proto_routing = -1, hf_routing_nxt = -1, hf_routing_len = -1,
    hf_routing_len_oct = -1, hf_routing_type = -1, hf_routing_segleft = -1;
static int proto_fraghdr = -1, hf_fraghdr_nxt = -1, hf_fraghdr_offset = -1,
    hf_fraghdr_more = -1, hf_fraghdr_ident = -1;
static int proto_dstopts = -1, hf_dstopts_nxt = -1, hf_dstopts_len = -1,
    hf_dstopts_len_oct = -1;

extern const struct dissector dissector_ipv6_hopopts, dissector_ipv6_routing,
    dissector_ipv6_fraghdr, dissector_ipv6_dstopts;

static const struct field_def ipv6_fields[] = {
	{ &hf_ipv6_version, "ipv6.version", FT_UINT8, "Version", 0 },
	/* As in Wireshark, the IPv6 header answers ip.version too. */
	{ &hf_ip_version, "ip.version", FT_UINT8, "Version", 0 },
	{ &hf_ipv6_tclass, "ipv6.tclass", FT_UINT32, "Traffic Class", 0x0ff00000 },
	{ &hf_ipv6_flow, "ipv6.flow", FT_UINT24, "Flow Label", 0x000fffff },
	{ &hf_ipv6_plen, "ipv6.plen", FT_UINT16, "Payload Length", 0 },
	{ &hf_ipv6_nxt, "ipv6.nxt", FT_UINT8, "Next Header", 0 },
	{ &hf_ipv6_hlim, "ipv6.hlim", FT_UINT8, "Hop Limit", 0 },
	{ &hf_ipv6_src, "ipv6.src", FT_IPv6, "Source Address", 0 },
	{ &hf_ipv6_dst, "ipv6.dst", FT_IPv6, "Destination Address", 0 },
	{ &hf_ipv6_addr, "ipv6.addr", FT_IPv6, "Source or Destination Address", 0 },
	{ &hf_ipv6_opt_type, "ipv6.opt.type", FT_UINT8, "Option Type", 0 },
	{ &hf_ipv6_opt_length, "ipv6.opt.length", FT_UINT8, "Option Length", 0 },
	{ &hf_ipv6_opt_jumbo, "ipv6.opt.jumbo", FT_UINT32, "Jumbo Payload Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static const struct field_def hopopts_fields[] = {
	{ &hf_hopopts_nxt, "ipv6.hopopts.nxt", FT_UINT8, "Next Header", 0 },
	{ &hf_hopopts_len, "ipv6.hopopts.len", FT_UINT8, "Length", 0 },
	{ &hf_hopopts_len_oct, "ipv6.hopopts.len_oct", FT_UINT16, "Length in bytes", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static const struct field_def routing_fields[] = {
	{ &hf_routing_nxt, "ipv6.routing.nxt", FT_UINT8, "Next Header", 0 },
	{ &hf_routing_len, "ipv6.routing.len", FT_UINT8, "Length", 0 },
	{ &hf_routing_len_oct, "ipv6.routing.len_oct", FT_UINT16, "Length in bytes", 0 },
	{ &hf_routing_type, "ipv6.routing.type", FT_UINT8, "Type", 0 },
	{ &hf_routing_segleft, "ipv6.routing.segleft", FT_UINT8, "Segments Left", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static const struct field_def fraghdr_fields[] = {
	{ &hf_fraghdr_nxt, "ipv6.fraghdr.nxt", FT_UINT8, "Next header", 0 },
	{ &hf_fraghdr_offset, "ipv6.fraghdr.offset", FT_UINT16, "Offset", 0xfff8 },
	{ &hf_fraghdr_more, "ipv6.fraghdr.more", FT_BOOLEAN, "More Fragments", 0x0001 },
	{ &hf_fraghdr_ident, "ipv6.fraghdr.ident", FT_UINT32, "Identification", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static const struct field_def dstopts_fields[] = {
	{ &hf_dstopts_nxt, "ipv6.dstopts.nxt", FT_UINT8, "Next Header", 0 },
	{ &hf_dstopts_len, "ipv6.dstopts.len", FT_UINT8, "Length", 0 },
	{ &hf_dstopts_len_oct, "ipv6.dstopts.len_oct", FT_UINT16, "Length in bytes", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/*
 * The TLV options of hop-by-hop and destination options (RFC 8200 4.2):
 * Pad1 is one byte, every other option is type, data length, data.  Each
 * step advances at least one byte.  An option running past its header is
 * malformed.  Records the options when edt is not NULL.  Returns the Jumbo
 * Payload length, or 0 if there is none.
 */
static uint32_t
ipv6_options(struct buf *ob, struct dissect *edt)
{
	uint32_t jumbo = 0;
	uint8_t type, len;
	int i;

	for (i = 0; i < IPV6_OPT_MAX && buf_reported_left(ob) > 0 &&
	    ob->err == BUF_OK; i++) {
		type = buf_u8(ob);
		if (edt != NULL)
			field_add_uint(edt, hf_ipv6_opt_type, type);
		if (type == IPV6_OPT_PAD1)
			continue;
		len = buf_u8(ob);
		if (ob->err != BUF_OK)
			break;
		if (edt != NULL)
			field_add_uint(edt, hf_ipv6_opt_length, len);
		if (type == IPV6_OPT_JUMBO && len == 4) {
			jumbo = buf_be32(ob);
			if (edt != NULL && ob->err == BUF_OK)
				field_add_uint(edt, hf_ipv6_opt_jumbo, jumbo);
		} else
			(void)buf_skip(ob, len);
	}
	return (ob->err == BUF_OK ? jumbo : 0);
}

/*
 * The generic header of hop-by-hop, routing and destination options: next
 * header and length in 8-octet units not counting the first.  Leaves the
 * cursor after the two bytes; returns the whole header's length or 0.
 */
static size_t
ipv6_ext_start(struct buf *b, uint8_t *nxt, uint8_t *len)
{
	*nxt = buf_u8(b);
	*len = buf_u8(b);
	if (b->err != BUF_OK)
		return (0);
	return (((size_t)*len + 1) * 8);
}

/* The options header the cursor is at: the header without its first two
 * bytes as a buffer of its own, so the options cannot run past it. */
static void
ipv6_ext_options(struct buf *b, size_t hlen, struct dissect *edt)
{
	struct buf ob;

	if (!buf_sub(b, &ob, hlen - 2)) {
		buf_fail(b, BUF_MALFORMED);
		return;
	}
	(void)ipv6_options(&ob, edt);
	if (ob.err != BUF_OK)
		buf_fail(b, ob.err);
	else
		(void)buf_skip(b, hlen - 2);
}

static enum dissect_result
hopopts_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	size_t hlen;
	uint8_t nxt, len;

	(void)pinfo;
	if ((hlen = ipv6_ext_start(b, &nxt, &len)) == 0)
		return (DISSECT_OK);
	field_add_uint(edt, hf_hopopts_nxt, nxt);
	field_add_uint(edt, hf_hopopts_len, len);
	field_add_uint(edt, hf_hopopts_len_oct, hlen);
	ipv6_ext_options(b, hlen, edt);
	return (DISSECT_OK);
}

static enum dissect_result
dstopts_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	size_t hlen;
	uint8_t nxt, len;

	(void)pinfo;
	if ((hlen = ipv6_ext_start(b, &nxt, &len)) == 0)
		return (DISSECT_OK);
	field_add_uint(edt, hf_dstopts_nxt, nxt);
	field_add_uint(edt, hf_dstopts_len, len);
	field_add_uint(edt, hf_dstopts_len_oct, hlen);
	ipv6_ext_options(b, hlen, edt);
	return (DISSECT_OK);
}

/*
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       type-specific data                      |
 */
static enum dissect_result
routing_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	size_t hlen;
	uint8_t nxt, len, type, segleft;

	(void)pinfo;
	if ((hlen = ipv6_ext_start(b, &nxt, &len)) == 0)
		return (DISSECT_OK);
	type = buf_u8(b);
	segleft = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_routing_nxt, nxt);
	field_add_uint(edt, hf_routing_len, len);
	field_add_uint(edt, hf_routing_len_oct, hlen);
	field_add_uint(edt, hf_routing_type, type);
	field_add_uint(edt, hf_routing_segleft, segleft);
	(void)buf_skip(b, hlen - 4);
	return (DISSECT_OK);
}

/*
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Identification                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static enum dissect_result
fraghdr_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	uint32_t ident;
	uint16_t offword;
	uint8_t nxt;

	(void)pinfo;
	nxt = buf_u8(b);
	(void)buf_u8(b);
	offword = buf_be16(b);
	ident = buf_be32(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_fraghdr_nxt, nxt);
	field_add_uint(edt, hf_fraghdr_offset, offword >> 3);
	field_add_uint(edt, hf_fraghdr_more, offword & 1);
	field_add_uint(edt, hf_fraghdr_ident, ident);
	return (DISSECT_OK);
}

/*
 * A fragment: the fragment header is eb, what follows it the rest of
 * payload.  On IPFRAG_DONE payload becomes the reassembled datagram (the
 * fragmentable part, past the fragment header), as Wireshark hands it on.
 * The key is Wireshark's: the addresses of the header and the
 * identification.
 */
static enum ipfrag_result
ipv6_defragment(struct buf *eb, struct buf *payload,
    const struct address *src, const struct address *dst, uint16_t frag,
    uint8_t more, struct packet_info *pinfo, struct dissect *edt)
{
	struct reasm_key key;
	struct buf idb = *eb, whole;
	enum ipfrag_result r;

	memset(&key, 0, sizeof(key));
	key.src = *src;
	key.dst = *dst;
	idb.off = 4;
	key.id = buf_be32(&idb);
	key.version = 6;
	if (idb.err != BUF_OK)
		return (IPFRAG_NONE);
	r = ipfrag_add(edt, pinfo, &key, frag, more != 0, payload, &whole);
	if (r == IPFRAG_DONE)
		*payload = whole;
	return (r);
}

/* The Jumbo Payload length of the hop-by-hop header at the cursor, read
 * on a copy of it and not recorded (the hop-by-hop layer records it); 0
 * when there is none. */
static uint32_t
ipv6_find_jumbo(const struct buf *b)
{
	struct buf c = *b, ob;
	size_t hlen;
	uint8_t nxt, len;

	if ((hlen = ipv6_ext_start(&c, &nxt, &len)) == 0)
		return (0);
	(void)buf_sub(&c, &ob, hlen - 2);
	return (ipv6_options(&ob, NULL));
}

static void
ipv6_tap_queue(struct packet_info *pinfo, struct dissect *edt,
    const struct address *src, const struct address *dst, uint8_t nxt,
    uint8_t hlim, uint32_t len, uint16_t frag, uint8_t more)
{
	struct ip_tap *t;

	if ((!tap_listened(tap_ipv6) && !tap_listened(tap_host)) ||
	    (t = arena_alloc(&edt->arena, sizeof(*t))) == NULL)
		return;
	t->conv.src = *src;
	t->conv.dst = *dst;
	t->proto = nxt;
	t->ttl = hlim;
	t->id = 0;
	t->len = len;
	t->frag_offset = frag;
	t->more_frags = more;
	t->version = 6;
	/* A queue entry only for a tap that is listened to. */
	if (tap_listened(tap_ipv6))
		tap_queue_packet(tap_ipv6, pinfo, t);
	if (tap_listened(tap_host))
		tap_queue_packet(tap_host, pinfo, t);
}

static const struct dissector *
ipv6_ext_dissector(uint8_t nxt)
{
	switch (nxt) {
	case IPV6_NXT_HOPOPTS:
		return (&dissector_ipv6_hopopts);
	case IPV6_NXT_ROUTING:
		return (&dissector_ipv6_routing);
	case IPV6_NXT_FRAGMENT:
		return (&dissector_ipv6_fraghdr);
	case IPV6_NXT_DSTOPTS:
		return (&dissector_ipv6_dstopts);
	default:
		return (NULL);
	}
}

/* The fragment header's offset in bytes and M flag, from its bytes. */
static uint16_t
ipv6_frag_word(struct buf *eb)
{
	uint8_t hi, lo;

	(void)buf_peek_u8(eb, 2, &hi);
	(void)buf_peek_u8(eb, 3, &lo);
	return ((uint16_t)(hi << 8 | lo));
}

/*
 * A routing header with segments left names the packet's real destination:
 * the last address of a type 0 (RFC 2460) or type 2 (RFC 6275) header, or
 * segment list[0] of a segment routing header (type 4, RFC 8754), which
 * lists the path backwards.  tshark keeps ipv6.dst but gives the transport
 * that destination; so does this.  eb holds the whole header, captured.
 */
static void
ipv6_route_final(struct buf *eb, struct address *dst)
{
	const uint8_t *p;
	struct buf r;
	size_t at;
	uint8_t len, type, segleft;

	if (!buf_peek_u8(eb, 1, &len) ||
	    !buf_peek_u8(eb, 2, &type) ||
	    !buf_peek_u8(eb, 3, &segleft) || segleft == 0)
		return;
	if ((type == 0 || type == 2) && len >= 2 && len % 2 == 0)
		at = eb->off - 16;		/* the last address */
	else if (type == 4 && len >= 2)
		at = 8;				/* segment list[0] */
	else
		return;
	buf_init(&r, eb->data, eb->off, eb->off);
	if (buf_skip(&r, at) && (p = buf_ptr(&r, 16)) != NULL)
		address_set(dst, AT_IPv6, p, 16);
}

static enum dissect_result
ipv6_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const struct dissector *ext;
	const uint8_t *src, *dst;
	struct address asrc, adst;
	struct buf payload, eb;
	size_t claim;
	uint32_t vtf, jumbo = 0;
	uint16_t plen, frag = 0, fw;
	uint8_t nxt, hlim, more = 0;
	bool stop = false, no_jumbo = false, fragmented;
	int n;

	vtf = buf_be32(b);
	plen = buf_be16(b);
	nxt = buf_u8(b);
	hlim = buf_u8(b);
	src = buf_ptr(b, 16);
	dst = buf_ptr(b, 16);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_ipv6_version, vtf >> 28);
	field_add_uint(edt, hf_ip_version, vtf >> 28);
	if (vtf >> 28 != 6) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	address_set(&asrc, AT_IPv6, src, 16);
	address_set(&adst, AT_IPv6, dst, 16);
	field_add_uint(edt, hf_ipv6_tclass, (vtf >> 20) & 0xff);
	field_add_uint(edt, hf_ipv6_flow, vtf & 0xfffff);
	field_add_uint(edt, hf_ipv6_plen, plen);
	field_add_uint(edt, hf_ipv6_nxt, nxt);
	field_add_uint(edt, hf_ipv6_hlim, hlim);
	field_add_addr(edt, hf_ipv6_src, &asrc);
	field_add_addr(edt, hf_ipv6_addr, &asrc);
	field_add_addr(edt, hf_ipv6_dst, &adst);
	field_add_addr(edt, hf_ipv6_addr, &adst);
	pinfo->net_src = asrc;
	pinfo->net_dst = adst;

	claim = plen;
	if (plen == 0) {
		if (nxt == IPV6_NXT_HOPOPTS)
			jumbo = ipv6_find_jumbo(b);
		if (jumbo != 0)
			claim = jumbo;		/* RFC 2675 */
		else {
			claim = buf_reported_left(b);	/* offload */
			no_jumbo = nxt == IPV6_NXT_HOPOPTS;
		}
	}
	if (!buf_sub(b, &payload, claim)) {
		if (pinfo->fragmented)	/* inside a fragment: the rest is later */
			payload.len = claim;
		else if (!pinfo->in_error_pkt) {
			buf_fail(b, BUF_MALFORMED);
			dissect_note_error(edt, proto_ipv6, BUF_MALFORMED);
		}
	}

	/* The extension headers, each consuming exactly its own bytes. */
	for (n = 0; (ext = ipv6_ext_dissector(nxt)) != NULL; n++) {
		uint8_t enxt;

		if (n == IPV6_EXT_MAX) {
			/* A chain this long is an attack, not a packet. */
			buf_fail(b, BUF_MALFORMED);
			dissect_note_error(edt, proto_ipv6, BUF_MALFORMED);
			stop = true;
			break;
		}
		buf_rest(&payload, &eb);
		(void)call_dissector(ext, &eb, pinfo, edt);
		if (eb.err != BUF_OK || eb.off == 0 ||
		    !buf_skip(&payload, eb.off)) {
			stop = true;
			break;
		}
		if (no_jumbo) {
			/* Length zero, hop-by-hop, and no jumbo option. */
			dissect_note_error(edt, proto_ipv6, BUF_MALFORMED);
			stop = true;
			break;
		}
		if (nxt == IPV6_NXT_ROUTING)
			ipv6_route_final(&eb, &pinfo->net_dst);
		(void)buf_peek_u8(&eb, 0, &enxt);
		if (nxt == IPV6_NXT_FRAGMENT) {
			fw = ipv6_frag_word(&eb);
			frag = fw & 0xfff8;
			more = fw & 1;
			if (frag != 0 || more != 0) {
				switch (ipv6_defragment(&eb, &payload, &asrc,
				    &adst, frag, more, pinfo, edt)) {
				case IPFRAG_HELD:
					stop = true;
					break;
				case IPFRAG_DONE:
					/* The whole datagram: the
					 * chain goes on in it. */
					frag = 0;
					more = 0;
					break;
				case IPFRAG_NONE:
					if (frag != 0) {
						/* No transport header in
						 * here. */
						ipfrag_data(&payload, pinfo,
						    edt);
						stop = true;
					}
					break;
				}
				if (stop)
					break;
			}
		}
		nxt = enxt;
	}

	/* As in tshark, a header is tapped only once its chain leads
	 * somewhere: not for later fragments, nor for broken chains. */
	if (stop)
		return (DISSECT_OK);
	ipv6_tap_queue(pinfo, edt, &asrc, &adst, nxt, hlim,
	    (uint32_t)(IPV6_HDR_LEN + claim), frag, more);
	fragmented = pinfo->fragmented;
	pinfo->fragmented = fragmented || more != 0;
	(void)dtable_call(ip_proto_table, nxt, &payload, pinfo, edt);
	pinfo->fragmented = fragmented;
	return (DISSECT_OK);
}

const struct dissector dissector_ipv6 = {
	.name = "ipv6",
	.longname = "Internet Protocol Version 6",
	.proto = &proto_ipv6,
	.handoff = {
		{ "ethertype", 0x86dd },
		{ "ppp.protocol", 0x0057 },
		{ "ip.proto", 41 },		/* IPv6 in IP, RFC 4213 */
	},
	.fields = ipv6_fields,
	.tap = "ipv6",
	.tap_id = &tap_ipv6,
	.dissect = ipv6_dissect,
};

/* The extension headers: layers of their own, reached only from the loop
 * above (no handoff), so they never continue the chain themselves. */
const struct dissector dissector_ipv6_hopopts = {
	.name = "ipv6.hopopts",
	.longname = "IPv6 Hop-by-Hop Option",
	.proto = &proto_hopopts,
	.fields = hopopts_fields,
	.no_hierarchy = true,
	.dissect = hopopts_dissect,
};

const struct dissector dissector_ipv6_routing = {
	.name = "ipv6.routing",
	.longname = "Routing Header for IPv6",
	.proto = &proto_routing,
	.fields = routing_fields,
	.no_hierarchy = true,
	.dissect = routing_dissect,
};

const struct dissector dissector_ipv6_fraghdr = {
	.name = "ipv6.fraghdr",
	.longname = "Fragment Header for IPv6",
	.proto = &proto_fraghdr,
	.fields = fraghdr_fields,
	.no_hierarchy = true,
	.dissect = fraghdr_dissect,
};

const struct dissector dissector_ipv6_dstopts = {
	.name = "ipv6.dstopts",
	.longname = "Destination Options for IPv6",
	.proto = &proto_dstopts,
	.fields = dstopts_fields,
	.no_hierarchy = true,
	.dissect = dstopts_dissect,
};
