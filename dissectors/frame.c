/*
 * The frame: what the capture says about a packet before any protocol is
 * read, Wireshark's "frame" pseudo-protocol.  Its fields are the frame's
 * number, lengths and time; its tap is queued for every frame, whatever is
 * inside, for packet and byte totals.
 *
 * It owns the link-type table, "link", keyed by the LINKTYPE_* value of
 * the file format (live captures convert libpcap's DLT_* to it), where
 * every link layer registers.  The per-packet driver (core/dissect.c) calls
 * it as the root of every dissection, not through call_dissector, so it is
 * not a layer: protocol paths start at the link layer ("eth"), as the JSON
 * output promises.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"

static int hf_frame_len = -1, hf_frame_cap_len = -1, hf_frame_number = -1,
    hf_frame_time_relative = -1, proto_frame = -1, tap_frame = -1;
static struct dtable *link_table;

static const struct field_def frame_fields[] = {
	{ &hf_frame_len, "frame.len", FT_UINT32, "Frame length on the wire", 0 },
	{ &hf_frame_cap_len, "frame.cap_len", FT_UINT32, "Frame length stored into the capture file", 0 },
	{ &hf_frame_number, "frame.number", FT_UINT32, "Frame number", 0 },
	{ &hf_frame_time_relative, "frame.time_relative", FT_RELATIVE_TIME, "Time since reference or first frame", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
frame_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	if (edt->record_fields) {
		field_add_uint(edt, hf_frame_len, pinfo->len);
		field_add_uint(edt, hf_frame_cap_len, pinfo->caplen);
		field_add_uint(edt, hf_frame_number, pinfo->num);
		field_add_double(edt, hf_frame_time_relative, pinfo->rel_ts);
	}
	(void)dtable_call(link_table, (uint32_t)pinfo->linktype, b, pinfo,
	    edt);
	tap_queue_packet(tap_frame, pinfo, NULL);
	return (DISSECT_OK);
}

const struct dissector dissector_frame = {
	.name = "frame",
	.longname = "Frame",
	.proto = &proto_frame,
	.tables = (const struct dtable_def[]){
		{ "link", &link_table },
		{ NULL, NULL },
	},
	.fields = frame_fields,
	.tap = "frame",
	.tap_id = &tap_frame,
	.dissect = frame_dissect,
};
