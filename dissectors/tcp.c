/*
 * Transmission Control Protocol.  RFC 9293; options RFC 7323 (window
 * scale, timestamps), RFC 2018 (SACK); ECN flags RFC 3168.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          Source Port          |       Destination Port        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        Sequence Number                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Acknowledgment Number                      |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Data |     |A|C|E|U|A|P|R|S|F|                               |
 *  | Offset| Res |E|W|C|R|C|S|S|Y|I|            Window             |
 *  |       |     | |R|E|G|K|H|T|N|N|                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    Options                    |    Padding    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The segment's length comes from the IP layer (the claimed length of the
 * buffer we are given), so tcp.len counts payload that the snaplen cut off.
 * The payload goes to the "tcp.port" table, the lower port tried first and
 * then the higher, as Wireshark does: a well-known server port is usually
 * the lower one, and both directions of a connection then pick the same
 * dissector; then the heuristic dissectors of "tcp.heur", which reject
 * what is not theirs.  The only stream state is reassembly's
 * (core/tcpreasm.h), for a PDU that spans segments: no relative sequence
 * numbers, no analysis; taptop counts, it does not follow.
 *
 * Inside an ICMP error only the first 8 bytes of the header are quoted;
 * the ports and sequence number are then all there is, and that is not an
 * error.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "core/tcpreasm.h"
#include "dissectors/taps.h"

#define TCP_HDR_MIN	20
#define TCP_QUOTE_MIN	8	/* what an ICMP error must quote */

#define TCPOPT_EOL	0
#define TCPOPT_NOP	1
#define TCPOPT_MSS	2
#define TCPOPT_WS	3
#define TCPOPT_SACKOK	4
#define TCPOPT_SACK	5
#define TCPOPT_TS	8

#define TCP_FLAGS_MASK	0x0fff
#define TCP_FLAG_FIN	0x0001
#define TCP_FLAG_SYN	0x0002
#define TCP_FLAG_RST	0x0004
#define TCP_FLAG_ACK	0x0010

/* Heuristic dissectors register in "tcp.heur" under keys 1 to this, and
 * are tried in that order on a payload no port claimed. */
#define TCP_HEUR_MAX	8

static int proto_tcp = -1, tap_tcp = -1;
static int hf_tcp_srcport = -1, hf_tcp_dstport = -1, hf_tcp_port = -1,
    hf_tcp_seq_raw = -1, hf_tcp_ack_raw = -1, hf_tcp_hdr_len = -1,
    hf_tcp_flags = -1, hf_tcp_flags_res = -1, hf_tcp_flags_ae = -1,
    hf_tcp_flags_cwr = -1, hf_tcp_flags_ece = -1, hf_tcp_flags_urg = -1,
    hf_tcp_flags_ack = -1, hf_tcp_flags_push = -1, hf_tcp_flags_reset = -1,
    hf_tcp_flags_syn = -1, hf_tcp_flags_fin = -1, hf_tcp_window = -1,
    hf_tcp_checksum = -1, hf_tcp_urgent = -1, hf_tcp_len = -1,
    hf_tcp_option_kind = -1, hf_tcp_option_len = -1, hf_tcp_mss = -1,
    hf_tcp_wscale = -1, hf_tcp_sack_le = -1, hf_tcp_sack_re = -1,
    hf_tcp_tsval = -1, hf_tcp_tsecr = -1;
static struct dtable *tcp_port_table, *tcp_heur_table;

static const struct field_def tcp_fields[] = {
	{ &hf_tcp_srcport, "tcp.srcport", FT_UINT16, "Source Port", 0 },
	{ &hf_tcp_dstport, "tcp.dstport", FT_UINT16, "Destination Port", 0 },
	{ &hf_tcp_port, "tcp.port", FT_UINT16, "Source or Destination Port", 0 },
	{ &hf_tcp_seq_raw, "tcp.seq_raw", FT_UINT32, "Sequence Number (raw)", 0 },
	{ &hf_tcp_ack_raw, "tcp.ack_raw", FT_UINT32, "Acknowledgment number (raw)", 0 },
	{ &hf_tcp_hdr_len, "tcp.hdr_len", FT_UINT8, "Header Length", 0 },
	{ &hf_tcp_flags, "tcp.flags", FT_UINT16, "Flags", 0x0fff },
	{ &hf_tcp_flags_res, "tcp.flags.res", FT_BOOLEAN, "Reserved", 0x0e00 },
	{ &hf_tcp_flags_ae, "tcp.flags.ae", FT_BOOLEAN, "Accurate ECN", 0x0100 },
	{ &hf_tcp_flags_cwr, "tcp.flags.cwr", FT_BOOLEAN, "Congestion Window Reduced", 0x0080 },
	{ &hf_tcp_flags_ece, "tcp.flags.ece", FT_BOOLEAN, "ECN-Echo", 0x0040 },
	{ &hf_tcp_flags_urg, "tcp.flags.urg", FT_BOOLEAN, "Urgent", 0x0020 },
	{ &hf_tcp_flags_ack, "tcp.flags.ack", FT_BOOLEAN, "Acknowledgment", 0x0010 },
	{ &hf_tcp_flags_push, "tcp.flags.push", FT_BOOLEAN, "Push", 0x0008 },
	{ &hf_tcp_flags_reset, "tcp.flags.reset", FT_BOOLEAN, "Reset", 0x0004 },
	{ &hf_tcp_flags_syn, "tcp.flags.syn", FT_BOOLEAN, "Syn", 0x0002 },
	{ &hf_tcp_flags_fin, "tcp.flags.fin", FT_BOOLEAN, "Fin", 0x0001 },
	{ &hf_tcp_window, "tcp.window_size_value", FT_UINT16, "Window", 0 },
	{ &hf_tcp_checksum, "tcp.checksum", FT_UINT16, "Checksum", 0 },
	{ &hf_tcp_urgent, "tcp.urgent_pointer", FT_UINT16, "Urgent Pointer", 0 },
	{ &hf_tcp_len, "tcp.len", FT_UINT32, "TCP Segment Len", 0 },
	{ &hf_tcp_option_kind, "tcp.option_kind", FT_UINT8, "Kind", 0 },
	{ &hf_tcp_option_len, "tcp.option_len", FT_UINT8, "Length", 0 },
	{ &hf_tcp_mss, "tcp.options.mss_val", FT_UINT16, "MSS Value", 0 },
	{ &hf_tcp_wscale, "tcp.options.wscale.shift", FT_UINT8, "Shift count", 0 },
	{ &hf_tcp_sack_le, "tcp.options.sack_le", FT_UINT32, "left edge", 0 },
	{ &hf_tcp_sack_re, "tcp.options.sack_re", FT_UINT32, "right edge", 0 },
	{ &hf_tcp_tsval, "tcp.options.timestamp.tsval", FT_UINT32, "Timestamp value", 0 },
	{ &hf_tcp_tsecr, "tcp.options.timestamp.tsecr", FT_UINT32, "Timestamp echo reply", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* The fields of one option whose length is right for its kind. */
static void
tcp_option(uint8_t kind, struct buf *ob, struct dissect *edt)
{
	switch (kind) {
	case TCPOPT_MSS:
		if (buf_reported_left(ob) == 2)
			field_add_uint(edt, hf_tcp_mss, buf_be16(ob));
		break;
	case TCPOPT_WS:
		if (buf_reported_left(ob) == 1)
			field_add_uint(edt, hf_tcp_wscale, buf_u8(ob));
		break;
	case TCPOPT_SACK:
		/* At most 4 blocks fit in 40 bytes; the loop is bounded by
		 * the option's length, 8 bytes a step. */
		while (buf_reported_left(ob) >= 8) {
			field_add_uint(edt, hf_tcp_sack_le, buf_be32(ob));
			field_add_uint(edt, hf_tcp_sack_re, buf_be32(ob));
		}
		break;
	case TCPOPT_TS:
		if (buf_reported_left(ob) == 8) {
			field_add_uint(edt, hf_tcp_tsval, buf_be32(ob));
			field_add_uint(edt, hf_tcp_tsecr, buf_be32(ob));
		}
		break;
	default:
		break;
	}
}

/*
 * Walks the options: EOL and NOP are one byte (zero padding after an EOL
 * reads as more EOLs, as in tshark; anything else after it is padding
 * that is not ours to judge), every other option is kind, length
 * (counting both), data.  Each step advances at least one byte over at
 * most 40 bytes.  A length below 2 or past the header is malformed (it
 * would loop forever, or read the payload as options).
 */
static bool
tcp_options(const uint8_t *p, size_t n, struct dissect *edt)
{
	struct buf ob, one;
	uint8_t kind, len;
	bool eol = false;

	buf_init(&ob, p, n, n);
	while (buf_reported_left(&ob) > 0) {
		kind = buf_u8(&ob);
		if (eol && kind != TCPOPT_EOL)
			break;		/* non-zero padding: not options */
		if (kind == TCPOPT_EOL || kind == TCPOPT_NOP) {
			field_add_uint(edt, hf_tcp_option_kind, kind);
			eol = kind == TCPOPT_EOL;
			continue;
		}
		len = buf_u8(&ob);
		if (ob.err != BUF_OK || len < 2 ||
		    (size_t)len - 2 > buf_reported_left(&ob))
			return (false);
		field_add_uint(edt, hf_tcp_option_kind, kind);
		field_add_uint(edt, hf_tcp_option_len, len);
		(void)buf_sub(&ob, &one, (size_t)len - 2);
		tcp_option(kind, &one, edt);
		(void)buf_skip(&ob, (size_t)len - 2);
	}
	return (true);
}

/*
 * Calls d on bytes [0, len) of data (a segment's payload or reassembled
 * bytes), and holds what it asks to be held.  A dissector that asked for
 * more from its first byte on dissected nothing here: its layer is taken
 * off, and the frame shows TCP only, as tshark shows a segment of a PDU
 * that is reassembled later; unless it set desegment_layer (TLS, whose
 * layer tshark shows on that segment too).  The bytes held run to holdlen (past len
 * when the segment's rest follows a reassembled PDU there).  Returns
 * TCALL_REJECT when d rejected the bytes, TCALL_HELD when it asked for
 * more and they are held, TCALL_ALL when it read up to holdlen.
 */
enum { TCALL_REJECT, TCALL_OK, TCALL_HELD, TCALL_ALL };

static int
tcp_call(const struct dissector *d, const uint8_t *data, size_t caplen,
    size_t len, size_t holdlen, bool heur, const struct tcpr_segment *seg,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct buf pb;
	int nlayers = edt->nlayers, nfields = edt->nfields, ntap = edt->ntap;
	uint32_t more, off;
	bool held;

	buf_init(&pb, data, caplen, len);
	pinfo->desegment_offset = 0;
	pinfo->desegment_len = 0;
	pinfo->desegment_layer = false;
	pinfo->heur_call = heur;
	if (call_dissector(d, &pb, pinfo, edt) != DISSECT_OK) {
		pinfo->heur_call = false;
		return (TCALL_REJECT);
	}
	pinfo->heur_call = false;
	if (!pinfo->can_desegment || pinfo->desegment_len == 0 ||
	    pinfo->desegment_offset > len)
		return (TCALL_OK);
	more = pinfo->desegment_len;
	if (more != TCP_DESEGMENT_ONE_MORE && holdlen > len) {
		if (more <= holdlen - len) {
			/* The bytes after the PDU complete what it asks for:
			 * read them with it, from where it asked (once:
			 * that call has no bytes after its own). */
			off = pinfo->desegment_offset;
			if (off == 0) {
				edt->nlayers = nlayers;
				edt->nfields = nfields;
				tap_queue_truncate(edt, ntap);
			}
			pinfo->desegment_len = 0;
			(void)tcp_call(d, data + off, holdlen - off,
			    holdlen - off, holdlen - off, heur, seg, pinfo,
			    edt);
			return (TCALL_ALL);
		}
		more -= (uint32_t)(holdlen - len);
	}
	held = tcpreasm_hold(edt->tcpreasm, seg, d, data, holdlen,
	    pinfo->desegment_offset, more, edt->quiet);
	if (held && pinfo->desegment_offset == 0 && !pinfo->desegment_layer)
		edt->nlayers = nlayers;
	pinfo->desegment_len = 0;
	if (held)
		return (TCALL_HELD);
	if (pinfo->desegment_offset != 0)
		return (TCALL_OK);	/* PDUs dissected before it stay */
	/* A bound refused it: dissect what is here instead, as if it could
	 * not be held, and pass over the rest of the PDU. */
	edt->nlayers = nlayers;
	edt->nfields = nfields;
	tap_queue_truncate(edt, ntap);
	pinfo->can_desegment = false;
	buf_init(&pb, data, caplen, len);
	if (call_dissector(d, &pb, pinfo, edt) == DISSECT_OK &&
	    more != TCP_DESEGMENT_ONE_MORE && holdlen == len)
		(void)tcpreasm_skip(edt->tcpreasm, seg, more);
	pinfo->can_desegment = true;
	pinfo->desegment_len = 0;
	return (TCALL_OK);
}

/* The payload to the lower port's dissector, else the higher's, else the
 * heuristic dissectors in the order of their keys. */
static void
tcp_payload_fresh(struct buf *b, uint16_t sport, uint16_t dport,
    const struct tcpr_segment *seg, struct packet_info *pinfo,
    struct dissect *edt)
{
	uint16_t low = sport < dport ? sport : dport;
	uint16_t high = sport < dport ? dport : sport;
	const struct dissector *d;
	const uint8_t *p = b->data + b->off;
	size_t caplen = buf_captured_left(b), len = buf_reported_left(b);
	struct buf rest;
	uint32_t k;

	if (low != 0 && (d = dtable_lookup(tcp_port_table, low)) != NULL &&
	    tcp_call(d, p, caplen, len, caplen, false, seg, pinfo, edt) !=
	    TCALL_REJECT)
		return;
	if (high != 0 && high != low &&
	    (d = dtable_lookup(tcp_port_table, high)) != NULL &&
	    tcp_call(d, p, caplen, len, caplen, false, seg, pinfo, edt) !=
	    TCALL_REJECT)
		return;
	for (k = 1; k <= TCP_HEUR_MAX; k++)
		if ((d = dtable_lookup(tcp_heur_table, k)) != NULL &&
		    tcp_call(d, p, caplen, len, caplen, true, seg, pinfo,
		    edt) != TCALL_REJECT)
			return;
	buf_rest(b, &rest);
	(void)dtable_call(tcp_port_table, 0, &rest, pinfo, edt);	/* none */
}

/*
 * The payload, through reassembly (core/tcpreasm.h) when it can be held:
 * whole segments of the payload that the snaplen left, outside ICMP
 * errors and first fragments.
 */
static void
tcp_payload(struct buf *b, uint32_t seq, uint16_t flags, uint16_t sport,
    uint16_t dport, struct packet_info *pinfo, struct dissect *edt)
{
	struct tcpr_segment seg;
	const struct dissector *d = NULL;
	const uint8_t *pdu = NULL;
	size_t len = 0, pdu_len = 0;
	enum tcpr_action act = TCPR_DISSECT;
	struct buf rest;
	int r;

	pinfo->can_desegment = !pinfo->in_error_pkt && !pinfo->fragmented &&
	    buf_captured_left(b) == buf_reported_left(b);
	if (pinfo->can_desegment && edt->tcpreasm == NULL)
		edt->tcpreasm = tcpreasm_new();
	if (buf_reported_left(b) == 0 && edt->tcpreasm != NULL &&
	    !pinfo->in_error_pkt && (flags & (TCP_FLAG_SYN | TCP_FLAG_FIN |
	    TCP_FLAG_RST)) != 0 && tcpreasm_idle(edt->tcpreasm,
	    pinfo->ts_sec * 1000000000LL + pinfo->ts_nsec, edt->quiet)) {
		/* No payload and no PDU in progress anywhere: what the
		 * segment below would decide (TCPR_DISSECT, then nothing to
		 * dissect) without building it. */
		pinfo->can_desegment = false;
		return;
	}
	memset(&seg, 0, sizeof(seg));
	if (edt->tcpreasm != NULL && !pinfo->in_error_pkt) {
		seg.src = pinfo->net_src;
		seg.dst = pinfo->net_dst;
		seg.sport = sport;
		seg.dport = dport;
		seg.seq = seq + ((flags & TCP_FLAG_SYN) != 0);
		seg.flags = flags;
		seg.data = b->data + b->off;
		seg.caplen = buf_captured_left(b);
		seg.len = buf_reported_left(b);
		seg.ts_ns = pinfo->ts_sec * 1000000000LL + pinfo->ts_nsec;
		if (seg.len != 0 || (flags & (TCP_FLAG_SYN | TCP_FLAG_FIN |
		    TCP_FLAG_RST)) != 0)
			act = tcpreasm_segment(edt->tcpreasm, &seg, &d, &pdu,
			    &len, &pdu_len, edt->quiet);
	}
	if (buf_reported_left(b) == 0 || act == TCPR_HELD) {
		pinfo->can_desegment = false;
		return;
	}
	if (act == TCPR_REST) {
		buf_init(&rest, pdu, len, len);
		tcp_payload_fresh(&rest, sport, dport, &seg, pinfo, edt);
		pinfo->can_desegment = false;
		return;
	}
	if (act == TCPR_DISSECT) {
		tcp_payload_fresh(b, sport, dport, &seg, pinfo, edt);
		pinfo->can_desegment = false;
		return;
	}
	/* A PDU is whole: it, then the rest of the segment on its own (which
	 * is held with it if the PDU turned out to need more still). */
	r = tcp_call(d, pdu, pdu_len, pdu_len, len, false, &seg, pinfo, edt);
	if (r != TCALL_HELD && r != TCALL_ALL && pdu_len < len)
		(void)tcp_call(d, pdu + pdu_len, len - pdu_len, len - pdu_len,
		    len - pdu_len, false, &seg, pinfo, edt);
	pinfo->can_desegment = false;
}

static enum dissect_result
tcp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *h, *opts = NULL;
	struct tcp_tap *t;
	size_t hlen, seglen;
	uint32_t seq, ack;
	uint16_t sport, dport, offflags, flags, window, checksum, urg;

	/* The fixed header captured whole (nearly always) is read in one
	 * bounds check; otherwise field by field, for the error to say
	 * which field was cut off and for a quote's 8 bytes. */
	if ((h = buf_ptr_have(b, TCP_HDR_MIN)) != NULL) {
		sport = buf_load_be16(h);
		dport = buf_load_be16(h + 2);
		seq = buf_load_be32(h + 4);
	} else {
		sport = buf_be16(b);
		dport = buf_be16(b);
		seq = buf_be32(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
	}
	field_add_uint(edt, hf_tcp_srcport, sport);
	field_add_uint(edt, hf_tcp_dstport, dport);
	field_add_uint(edt, hf_tcp_port, sport);
	field_add_uint(edt, hf_tcp_port, dport);
	field_add_uint(edt, hf_tcp_seq_raw, seq);
	pinfo->srcport = sport;
	pinfo->destport = dport;
	if (h != NULL) {
		ack = buf_load_be32(h + 8);
		offflags = buf_load_be16(h + 12);
		window = buf_load_be16(h + 14);
		checksum = buf_load_be16(h + 16);
		urg = buf_load_be16(h + 18);
	} else {
		if (pinfo->in_error_pkt && buf_reported_left(b) <
		    TCP_HDR_MIN - TCP_QUOTE_MIN)
			return (DISSECT_OK);	/* the quote ends here */
		ack = buf_be32(b);
		offflags = buf_be16(b);
		window = buf_be16(b);
		checksum = buf_be16(b);
		urg = buf_be16(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
	}
	hlen = (size_t)(offflags >> 12) * 4;
	flags = offflags & TCP_FLAGS_MASK;
	field_add_uint(edt, hf_tcp_ack_raw, ack);
	field_add_uint(edt, hf_tcp_hdr_len, hlen);
	field_add_uint(edt, hf_tcp_flags, flags);
	field_add_uint(edt, hf_tcp_flags_res, (flags & 0x0e00) != 0);
	field_add_uint(edt, hf_tcp_flags_ae, (flags & 0x0100) != 0);
	field_add_uint(edt, hf_tcp_flags_cwr, (flags & 0x0080) != 0);
	field_add_uint(edt, hf_tcp_flags_ece, (flags & 0x0040) != 0);
	field_add_uint(edt, hf_tcp_flags_urg, (flags & 0x0020) != 0);
	field_add_uint(edt, hf_tcp_flags_ack, (flags & 0x0010) != 0);
	field_add_uint(edt, hf_tcp_flags_push, (flags & 0x0008) != 0);
	field_add_uint(edt, hf_tcp_flags_reset, (flags & 0x0004) != 0);
	field_add_uint(edt, hf_tcp_flags_syn, (flags & 0x0002) != 0);
	field_add_uint(edt, hf_tcp_flags_fin, (flags & 0x0001) != 0);
	field_add_uint(edt, hf_tcp_window, window);
	field_add_uint(edt, hf_tcp_checksum, checksum);
	field_add_uint(edt, hf_tcp_urgent, urg);
	if (hlen < TCP_HDR_MIN) {
		buf_fail(b, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	if (pinfo->in_error_pkt && hlen - TCP_HDR_MIN > buf_reported_left(b))
		return (DISSECT_OK);	/* options past the quote's end */
	if (hlen > TCP_HDR_MIN)
		opts = buf_ptr(b, hlen - TCP_HDR_MIN);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	seglen = buf_reported_left(b);
	if (!pinfo->in_error_pkt)	/* a quote's length says nothing */
		field_add_uint(edt, hf_tcp_len, seglen);
	if (opts != NULL && !tcp_options(opts, hlen - TCP_HDR_MIN, edt)) {
		/* Counted here, before the payload can count its own; the
		 * header's length is sound, so the segment goes on, as in
		 * tshark. */
		buf_fail(b, BUF_MALFORMED);
		dissect_note_error(edt, proto_tcp, BUF_MALFORMED);
	}

	if (tap_listened(tap_tcp) &&
	    (t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		t->conv.src = pinfo->net_src;
		t->conv.dst = pinfo->net_dst;
		t->conv.sport = sport;
		t->conv.dport = dport;
		t->conv.seq = seq;
		t->conv.opens = (flags & (TCP_FLAG_SYN | TCP_FLAG_ACK)) ==
		    TCP_FLAG_SYN;
		t->flags = flags;
		t->window = window;
		t->ack = ack;
		t->hdr_len = (uint32_t)hlen;
		t->payload_len = (uint32_t)seglen;
		tap_queue_packet(tap_tcp, pinfo, t);
	}
	tcp_payload(b, seq, flags, sport, dport, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_tcp = {
	.name = "tcp",
	.covers_payload = true,
	.longname = "Transmission Control Protocol",
	.proto = &proto_tcp,
	.tables = (const struct dtable_def[]){
		{ "tcp.port", &tcp_port_table },
		{ "tcp.heur", &tcp_heur_table },
		{ NULL, NULL },
	},
	.handoff = { { "ip.proto", 6 } },
	.fields = tcp_fields,
	.tap = "tcp",
	.tap_id = &tap_tcp,
	.dissect = tcp_dissect,
};
