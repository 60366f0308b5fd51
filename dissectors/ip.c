/*
 * Internet Protocol version 4.  RFC 791 (options), RFC 2474 (DS field),
 * RFC 3168 (ECN).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Version|  IHL  |   DS field    |          Total Length         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                       Source Address                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Destination Address                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options (IHL > 5)          |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The total length delimits the datagram: the payload handed on is cut
 * there, so Ethernet padding never reaches the transport.  A total length
 * of zero is what TCP segmentation offload leaves in captures taken on the
 * sending host; as tshark does, the datagram is then taken to run to the end
 * of the frame.  A total length past the end of the frame is malformed,
 * but what the frame does hold is still handed on, as tshark does; inside
 * an ICMP error the quoted datagram is cut short by design, so there it is
 * not an error at all.
 *
 * Fragments are reassembled (core/reasm.h), as tshark does by default: a
 * fragment held is a "data" layer, and the frame that completes its
 * datagram hands the whole datagram on.  A fragment that cannot be
 * reassembled (cut by the snaplen, quoted in an ICMP error, past a cap)
 * is dissected as it is: a first fragment (offset 0) carries the
 * transport header and is handed on, with pinfo->fragmented set so that
 * the transport expects its length to run past the end; a later one is
 * data.  The helpers both IP versions share for that are here too
 * (dissectors/ipfrag.h).  With a loose or strict source route
 * still to follow, ip.dst (and pinfo's destination) is the route's last
 * address, the datagram's real destination, as tshark reports it.
 *
 * This file owns the "ip.proto" table, which IPv6 shares for its final next
 * header (as Wireshark does).
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/ipfrag.h"
#include "dissectors/tables.h"
#include "dissectors/taps.h"

#define IP_HDR_MIN	20
#define IP_OPT_MAX	40	/* at most 40 option bytes, so 40 options */

#define IPOPT_EOL	0
#define IPOPT_NOP	1
#define IPOPT_LSRR	131	/* loose source route */
#define IPOPT_SSRR	137	/* strict source route */

#define IP_FLAG_RB	0x4
#define IP_FLAG_DF	0x2
#define IP_FLAG_MF	0x1

static int proto_ip = -1, tap_ip = -1;
/* "host": every IPv4 and IPv6 header, for the panels that list both
 * (taps.h); registered here, queued by ipv6.c too. */
int tap_host = -1;
static int hf_ip_version = -1, hf_ip_hdr_len = -1, hf_ip_dsfield = -1,
    hf_ip_dsfield_dscp = -1, hf_ip_dsfield_ecn = -1, hf_ip_len = -1,
    hf_ip_id = -1, hf_ip_flags = -1, hf_ip_flags_rb = -1,
    hf_ip_flags_df = -1, hf_ip_flags_mf = -1, hf_ip_frag_offset = -1,
    hf_ip_ttl = -1, hf_ip_proto = -1, hf_ip_checksum = -1, hf_ip_src = -1,
    hf_ip_dst = -1, hf_ip_addr = -1, hf_ip_opt_type = -1, hf_ip_opt_len = -1,
    hf_ip_cur_rt = -1;
struct dtable *ip_proto_table;		/* dissectors/tables.h */
static const struct dissector *data_dissector;

static const struct field_def ip_fields[] = {
	{ &hf_ip_version, "ip.version", FT_UINT8, "Version", 0 },
	{ &hf_ip_hdr_len, "ip.hdr_len", FT_UINT8, "Header Length", 0 },
	{ &hf_ip_dsfield, "ip.dsfield", FT_UINT8, "Differentiated Services Field", 0 },
	{ &hf_ip_dsfield_dscp, "ip.dsfield.dscp", FT_UINT8, "Differentiated Services Codepoint", 0xfc },
	{ &hf_ip_dsfield_ecn, "ip.dsfield.ecn", FT_UINT8, "Explicit Congestion Notification", 0x03 },
	{ &hf_ip_len, "ip.len", FT_UINT16, "Total Length", 0 },
	{ &hf_ip_id, "ip.id", FT_UINT16, "Identification", 0 },
	{ &hf_ip_flags, "ip.flags", FT_UINT8, "Flags", 0xe0 },
	{ &hf_ip_flags_rb, "ip.flags.rb", FT_BOOLEAN, "Reserved bit", 0x80 },
	{ &hf_ip_flags_df, "ip.flags.df", FT_BOOLEAN, "Don't fragment", 0x40 },
	{ &hf_ip_flags_mf, "ip.flags.mf", FT_BOOLEAN, "More fragments", 0x20 },
	{ &hf_ip_frag_offset, "ip.frag_offset", FT_UINT16, "Fragment Offset", 0x1fff },
	{ &hf_ip_ttl, "ip.ttl", FT_UINT8, "Time to Live", 0 },
	{ &hf_ip_proto, "ip.proto", FT_UINT8, "Protocol", 0 },
	{ &hf_ip_checksum, "ip.checksum", FT_UINT16, "Header Checksum", 0 },
	{ &hf_ip_src, "ip.src", FT_IPv4, "Source Address", 0 },
	{ &hf_ip_dst, "ip.dst", FT_IPv4, "Destination Address", 0 },
	{ &hf_ip_addr, "ip.addr", FT_IPv4, "Source or Destination Address", 0 },
	{ &hf_ip_opt_type, "ip.opt.type", FT_UINT8, "Option Type", 0 },
	{ &hf_ip_opt_len, "ip.opt.len", FT_UINT8, "Option Length", 0 },
	{ &hf_ip_cur_rt, "ip.cur_rt", FT_IPv4, "Current Route", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/*
 * Walks the options (RFC 791 section 3.1): EOL ends the list, NOP is one
 * byte, every other option is type, length (counting both), data.  Each
 * step advances at least one byte and the options are at most 40 bytes.
 * A length that cannot be right stops the walk; the datagram is still
 * dissected, as the rest of the header is sound.
 *
 * Returns the datagram's final destination when a loose or strict source
 * route has hops left: the last address of the route, which is what
 * tshark reports as ip.dst (the header's own is then ip.cur_rt).
 */
static const uint8_t *
ip_options(const uint8_t *p, size_t n, struct dissect *edt)
{
	const uint8_t *opt, *final = NULL;
	struct buf ob;
	uint8_t type, len, ptr;
	int i;

	buf_init(&ob, p, n, n);
	for (i = 0; i < IP_OPT_MAX && buf_reported_left(&ob) > 0; i++) {
		opt = ob.data + ob.off;
		type = buf_u8(&ob);
		if (type == IPOPT_EOL || type == IPOPT_NOP) {
			field_add_uint(edt, hf_ip_opt_type, type);
			if (type == IPOPT_EOL)
				break;
			continue;
		}
		len = buf_u8(&ob);
		if (ob.err != BUF_OK || len < 2 ||
		    (size_t)len - 2 > buf_reported_left(&ob))
			break;
		field_add_uint(edt, hf_ip_opt_type, type);
		field_add_uint(edt, hf_ip_opt_len, len);
		if ((type == IPOPT_LSRR || type == IPOPT_SSRR) && len >= 7 &&
		    final == NULL && buf_peek_u8(&ob, ob.off, &ptr) &&
		    ptr >= 4 && (ptr & 3) == 0 && ptr <= len)
			final = opt + len - 4;
		(void)buf_skip(&ob, (size_t)len - 2);
	}
	return (final);
}

void
ipfrag_data(const struct buf *payload, struct packet_info *pinfo,
    struct dissect *edt)
{
	struct buf b = *payload;

	if (data_dissector != NULL && buf_reported_left(&b) > 0)
		(void)call_dissector(data_dissector, &b, pinfo, edt);
}

enum ipfrag_result
ipfrag_add(struct dissect *edt, struct packet_info *pinfo,
    const struct reasm_key *key, uint32_t off, bool more,
    const struct buf *payload, struct buf *whole)
{
	const uint8_t *p, *out;
	uint32_t len, outlen;

	if (edt->reasm == NULL || pinfo->in_error_pkt ||
	    payload->err != BUF_OK || payload->off > payload->caplen ||
	    payload->caplen != payload->len)
		return (IPFRAG_NONE);
	len = (uint32_t)(payload->len - payload->off);
	p = payload->data + payload->off;
	edt->reasm_used = true;
	switch (reasm_add(edt->reasm, key, pinfo->ts_sec * 1000000000LL +
	    pinfo->ts_nsec, off, p, len, more, &out, &outlen)) {
	case REASM_HELD:
		ipfrag_data(payload, pinfo, edt);
		return (IPFRAG_HELD);
	case REASM_DONE:
		if (!dissect_add_source(edt, out, outlen))
			return (IPFRAG_NONE);	/* cannot happen: see PACKET_SRC_MAX */
		buf_init(whole, out, outlen, outlen);
		return (IPFRAG_DONE);
	default:
		return (IPFRAG_NONE);
	}
}

static void
ip_tap_queue(struct packet_info *pinfo, struct dissect *edt,
    const struct address *src, const struct address *dst, uint8_t proto,
    uint8_t ttl, uint16_t id, uint32_t len, uint16_t frag, uint8_t flags)
{
	struct ip_tap *t;

	if ((!tap_listened(tap_ip) && !tap_listened(tap_host)) ||
	    (t = arena_alloc(&edt->arena, sizeof(*t))) == NULL)
		return;
	t->conv.src = *src;
	t->conv.dst = *dst;
	t->proto = proto;
	t->ttl = ttl;
	t->id = id;
	t->len = len;
	t->frag_offset = (uint16_t)(frag * 8);
	t->more_frags = (flags & IP_FLAG_MF) != 0;
	t->version = 4;
	/* A queue entry only for a tap that is listened to. */
	if (tap_listened(tap_ip))
		tap_queue_packet(tap_ip, pinfo, t);
	if (tap_listened(tap_host))
		tap_queue_packet(tap_host, pinfo, t);
}

static void
ip_init(void)
{
	tap_host = register_tap(TAP_HOST);
	data_dissector = proto_find_dissector("data");
}

static enum dissect_result
ip_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *h, *src, *dst, *opts = NULL, *final = NULL;
	struct address asrc, adst, acur;
	struct buf payload;
	bool fragmented;
	size_t hlen, tot, avail;
	uint16_t totlen, id, frag_word, checksum;
	uint8_t vhl, tos, ttl, proto, flags;

	avail = buf_reported_left(b);
	vhl = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	hlen = (size_t)(vhl & 0x0f) * 4;
	field_add_uint(edt, hf_ip_version, vhl >> 4);
	if (vhl >> 4 != 4) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	field_add_uint(edt, hf_ip_hdr_len, hlen);
	if (hlen < IP_HDR_MIN) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}

	if ((h = buf_ptr_have(b, IP_HDR_MIN - 1)) != NULL) {
		/* The rest of the fixed header, captured whole (nearly
		 * always): one bounds check instead of one a field. */
		tos = h[0];
		totlen = buf_load_be16(h + 1);
		id = buf_load_be16(h + 3);
		frag_word = buf_load_be16(h + 5);
		ttl = h[7];
		proto = h[8];
		checksum = buf_load_be16(h + 9);
		src = h + 11;
		dst = h + 15;
	} else {
		tos = buf_u8(b);
		totlen = buf_be16(b);
		id = buf_be16(b);
		frag_word = buf_be16(b);
		ttl = buf_u8(b);
		proto = buf_u8(b);
		checksum = buf_be16(b);
		src = buf_ptr(b, 4);
		dst = buf_ptr(b, 4);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
	}

	/* Zero is left by segmentation offload: the frame holds it all. */
	tot = totlen != 0 ? totlen : avail;
	field_add_uint(edt, hf_ip_dsfield, tos);
	field_add_uint(edt, hf_ip_dsfield_dscp, tos >> 2);
	field_add_uint(edt, hf_ip_dsfield_ecn, tos & 0x03);
	field_add_uint(edt, hf_ip_len, tot);
	if (tot < hlen) {
		/* The datagram would end inside its own header. */
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}

	/* The fixed part is recorded even when the options are cut off. */
	if (hlen > IP_HDR_MIN &&
	    (opts = buf_ptr(b, hlen - IP_HDR_MIN)) != NULL)
		final = ip_options(opts, hlen - IP_HDR_MIN, edt);
	flags = (uint8_t)(frag_word >> 13);
	frag_word &= 0x1fff;
	address_set(&asrc, AT_IPv4, src, 4);
	address_set(&adst, AT_IPv4, final != NULL ? final : dst, 4);
	field_add_uint(edt, hf_ip_id, id);
	field_add_uint(edt, hf_ip_flags, flags);
	field_add_uint(edt, hf_ip_flags_rb, (flags & IP_FLAG_RB) != 0);
	field_add_uint(edt, hf_ip_flags_df, (flags & IP_FLAG_DF) != 0);
	field_add_uint(edt, hf_ip_flags_mf, (flags & IP_FLAG_MF) != 0);
	field_add_uint(edt, hf_ip_frag_offset, frag_word);
	field_add_uint(edt, hf_ip_ttl, ttl);
	field_add_uint(edt, hf_ip_proto, proto);
	field_add_uint(edt, hf_ip_checksum, checksum);
	field_add_addr(edt, hf_ip_src, &asrc);
	field_add_addr(edt, hf_ip_addr, &asrc);
	field_add_addr(edt, hf_ip_dst, &adst);
	field_add_addr(edt, hf_ip_addr, &adst);
	if (final != NULL) {
		address_set(&acur, AT_IPv4, dst, 4);
		field_add_addr(edt, hf_ip_cur_rt, &acur);
	}
	if (b->err != BUF_OK)
		return (DISSECT_OK);

	pinfo->net_src = asrc;
	pinfo->net_dst = adst;
	ip_tap_queue(pinfo, edt, &asrc, &adst, proto, ttl, id, (uint32_t)tot,
	    frag_word, flags);

	if (!buf_sub(b, &payload, tot - hlen)) {
		if (pinfo->fragmented)	/* inside a fragment: the rest is later */
			payload.len = tot - hlen;
		else if (!pinfo->in_error_pkt) {
			/* Longer than the frame: say so here, then still look
			 * at what the frame does hold, as tshark does. */
			buf_fail(b, BUF_MALFORMED);
			dissect_note_error(edt, proto_ip, BUF_MALFORMED);
		}
	}
	if (frag_word != 0 || (flags & IP_FLAG_MF) != 0) {
		struct reasm_key key;
		struct buf whole;

		memset(&key, 0, sizeof(key));
		key.src = asrc;
		key.dst = adst;
		key.id = id;
		key.version = 4;
		key.proto = proto;
		switch (ipfrag_add(edt, pinfo, &key, (uint32_t)frag_word * 8,
		    (flags & IP_FLAG_MF) != 0, &payload, &whole)) {
		case IPFRAG_HELD:
			return (DISSECT_OK);
		case IPFRAG_DONE:
			(void)dtable_call(ip_proto_table, proto, &whole, pinfo,
			    edt);
			return (DISSECT_OK);
		case IPFRAG_NONE:
			break;
		}
	}
	if (frag_word != 0) {
		/* No transport header in here. */
		ipfrag_data(&payload, pinfo, edt);
		return (DISSECT_OK);
	}
	fragmented = pinfo->fragmented;
	pinfo->fragmented = fragmented || (flags & IP_FLAG_MF) != 0;
	(void)dtable_call(ip_proto_table, proto, &payload, pinfo, edt);
	pinfo->fragmented = fragmented;
	return (DISSECT_OK);
}

const struct dissector dissector_ip = {
	.name = "ip",
	.longname = "Internet Protocol Version 4",
	.proto = &proto_ip,
	.tables = (const struct dtable_def[]){
		{ "ip.proto", &ip_proto_table },
		{ NULL, NULL },
	},
	.handoff = {
		{ "ethertype", 0x0800 },
		{ "ppp.protocol", 0x0021 },
		{ "ip.proto", 4 },		/* IP in IP, RFC 2003 */
	},
	.fields = ip_fields,
	.tap = "ip",
	.tap_id = &tap_ip,
	.init = ip_init,
	.dissect = ip_dissect,
};
