/*
 * Stream Control Transmission Protocol, its common header and chunks.
 * RFC 9260.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |     Source Port Number        |     Destination Port Number   |
 *  +-------------------------------+-------------------------------+
 *  |                      Verification Tag                         |
 *  +---------------------------------------------------------------+
 *  |                           Checksum                            |
 *  +---------------+---------------+-------------------------------+
 *  |  Chunk Type   |  Chunk Flags  |         Chunk Length          |
 *  +---------------+---------------+-------------------------------+
 *  |  Chunk Value (Length - 4 bytes), padded to 4 bytes ...        |
 *
 * Chunks follow one another to the end of the packet.  A chunk length
 * under 4, or past the packet, is malformed and ends the walk; every
 * chunk moves the walk on by at least 4 bytes, and at most SCTP_CHUNKS_MAX
 * chunks are read.  The "sctp" tap carries the association's ends (its
 * conversations and endpoints are panels conv.sctp and endpoints.sctp);
 * chunk payloads (DATA's user data) are not handed on.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"

#define SCTP_HDR_LEN	12
#define SCTP_CHUNKS_MAX	256

static int proto_sctp = -1, tap_sctp = -1;
static int hf_sctp_srcport = -1, hf_sctp_dstport = -1, hf_sctp_port = -1,
    hf_sctp_vtag = -1, hf_sctp_checksum = -1, hf_sctp_chunk_type = -1,
    hf_sctp_chunk_flags = -1, hf_sctp_chunk_length = -1;

static const struct field_def sctp_fields[] = {
	{ &hf_sctp_srcport, "sctp.srcport", FT_UINT16, "Source port", 0 },
	{ &hf_sctp_dstport, "sctp.dstport", FT_UINT16, "Destination port", 0 },
	{ &hf_sctp_port, "sctp.port", FT_UINT16, "Port", 0 },
	{ &hf_sctp_vtag, "sctp.verification_tag", FT_UINT32, "Verification tag", 0 },
	{ &hf_sctp_checksum, "sctp.checksum", FT_UINT32, "Checksum", 0 },
	{ &hf_sctp_chunk_type, "sctp.chunk_type", FT_UINT8, "Chunk type", 0 },
	{ &hf_sctp_chunk_flags, "sctp.chunk_flags", FT_UINT8, "Chunk flags", 0 },
	{ &hf_sctp_chunk_length, "sctp.chunk_length", FT_UINT16, "Chunk length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
sctp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct sctp_tap *t;
	uint32_t vtag, checksum;
	uint16_t sport, dport, clen;
	uint8_t ctype, cflags;
	size_t step;
	int n;

	sport = buf_be16(b);
	dport = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_sctp_srcport, sport);
	field_add_uint(edt, hf_sctp_dstport, dport);
	field_add_uint(edt, hf_sctp_port, sport);
	field_add_uint(edt, hf_sctp_port, dport);
	pinfo->srcport = sport;
	pinfo->destport = dport;
	vtag = buf_be32(b);
	checksum = buf_be32(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_sctp_vtag, vtag);
	field_add_uint(edt, hf_sctp_checksum, checksum);
	if (tap_listened(tap_sctp) &&
	    (t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		t->conv.src = pinfo->net_src;
		t->conv.dst = pinfo->net_dst;
		t->conv.sport = sport;
		t->conv.dport = dport;
		t->conv.seq = 0;
		t->conv.opens = 0;
		t->vtag = vtag;
		tap_queue_packet(tap_sctp, pinfo, t);
	}
	if (pinfo->in_error_pkt)
		return (DISSECT_OK);	/* a quote holds the header only */
	for (n = 0; n < SCTP_CHUNKS_MAX && buf_reported_left(b) > 0; n++) {
		ctype = buf_u8(b);
		cflags = buf_u8(b);
		clen = buf_be16(b);
		if (b->err != BUF_OK)
			break;
		field_add_uint(edt, hf_sctp_chunk_type, ctype);
		field_add_uint(edt, hf_sctp_chunk_flags, cflags);
		field_add_uint(edt, hf_sctp_chunk_length, clen);
		if (clen < 4 || (size_t)clen - 4 > buf_reported_left(b)) {
			buf_fail(b, BUF_MALFORMED);
			break;
		}
		/* The value and its padding (the last chunk's padding may
		 * be missing). */
		step = ((size_t)clen + 3) / 4 * 4 - 4;
		if (step > buf_reported_left(b))
			step = buf_reported_left(b);
		if (!buf_skip(b, step))
			break;
	}
	return (DISSECT_OK);
}

const struct dissector dissector_sctp = {
	.name = "sctp",
	.longname = "Stream Control Transmission Protocol",
	.proto = &proto_sctp,
	.handoff = { { "ip.proto", 132 } },
	.fields = sctp_fields,
	.tap = "sctp",
	.tap_id = &tap_sctp,
	.dissect = sctp_dissect,
};
