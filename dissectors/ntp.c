/*
 * Network Time Protocol.  RFC 5905 (and RFC 1305 for modes 6 and 7).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Root Delay, Root Dispersion                 |
 *  |                   Reference ID                                |
 *  |   Reference, Origin, Receive, Transmit Timestamps (8 each)    |
 *
 * Modes 1 to 5 carry that header; modes 6 (control) and 7 (private) have
 * other messages after the first byte, of which only the flags are read
 * here, as Wireshark reads only them as ntp fields.
 */
#include "core/dissect.h"
#include "core/proto.h"

#define NTP_PORT	123
#define NTP_MODE_CTRL	6

static int proto_ntp = -1;
static int hf_ntp_flags = -1, hf_ntp_flags_li = -1, hf_ntp_flags_vn = -1,
    hf_ntp_flags_mode = -1, hf_ntp_stratum = -1, hf_ntp_ppoll = -1,
    hf_ntp_precision = -1, hf_ntp_rootdelay = -1, hf_ntp_rootdispersion = -1,
    hf_ntp_refid = -1;

static const struct field_def ntp_fields[] = {
	{ &hf_ntp_flags, "ntp.flags", FT_UINT8, "Flags", 0 },
	{ &hf_ntp_flags_li, "ntp.flags.li", FT_UINT8, "Leap Indicator", 0xc0 },
	{ &hf_ntp_flags_vn, "ntp.flags.vn", FT_UINT8, "Version number", 0x38 },
	{ &hf_ntp_flags_mode, "ntp.flags.mode", FT_UINT8, "Mode", 0x07 },
	{ &hf_ntp_stratum, "ntp.stratum", FT_UINT8, "Peer Clock Stratum", 0 },
	{ &hf_ntp_ppoll, "ntp.ppoll", FT_UINT8, "Peer Polling Interval", 0 },
	{ &hf_ntp_precision, "ntp.precision", FT_UINT8, "Peer Clock Precision", 0 },
	{ &hf_ntp_rootdelay, "ntp.rootdelay", FT_UINT32, "Root Delay", 0 },
	{ &hf_ntp_rootdispersion, "ntp.rootdispersion", FT_UINT32, "Root Dispersion", 0 },
	{ &hf_ntp_refid, "ntp.refid", FT_BYTES, "Reference ID", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
ntp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *refid;
	uint32_t delay, disp;
	uint8_t flags, mode, stratum, poll, prec;

	(void)pinfo;
	flags = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	mode = flags & 0x07;
	field_add_uint(edt, hf_ntp_flags, flags);
	field_add_uint(edt, hf_ntp_flags_li, flags >> 6);
	field_add_uint(edt, hf_ntp_flags_vn, (flags >> 3) & 0x07);
	field_add_uint(edt, hf_ntp_flags_mode, mode);
	if (mode == 0 || mode >= NTP_MODE_CTRL)
		return (DISSECT_OK);
	stratum = buf_u8(b);
	poll = buf_u8(b);
	prec = buf_u8(b);
	delay = buf_be32(b);
	disp = buf_be32(b);
	refid = buf_ptr(b, 4);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_ntp_stratum, stratum);
	field_add_uint(edt, hf_ntp_ppoll, poll);
	field_add_uint(edt, hf_ntp_precision, prec);
	field_add_uint(edt, hf_ntp_rootdelay, delay);
	field_add_uint(edt, hf_ntp_rootdispersion, disp);
	field_add_bytes(edt, hf_ntp_refid, refid, 4);
	(void)buf_skip(b, 32);		/* the four timestamps */
	return (DISSECT_OK);
}

const struct dissector dissector_ntp = {
	.name = "ntp",
	.longname = "Network Time Protocol",
	.proto = &proto_ntp,
	.handoff = { { "udp.port", NTP_PORT } },
	.fields = ntp_fields,
	.dissect = ntp_dissect,
};
