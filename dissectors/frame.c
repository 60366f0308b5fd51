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
 *
 * A second table, "link.named", holds the link types taptop can name but
 * does not read (dissectors/linknamed.c): their frames are one layer, the
 * link type's protocol as tshark names it, and nothing inside.  A frame
 * whose link type is in neither table has no layer at all.  Either way the
 * capture counts it as undissected (frame_link_dissected()), so that no
 * frame goes missing without a word.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"

static int hf_frame_len = -1, hf_frame_cap_len = -1, hf_frame_number = -1,
    hf_frame_time_relative = -1, proto_frame = -1, tap_frame = -1;
static struct dtable *link_table, *named_table;

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
	if (dtable_lookup(link_table, (uint32_t)pinfo->linktype) != NULL)
		(void)dtable_call(link_table, (uint32_t)pinfo->linktype, b,
		    pinfo, edt);
	else
		(void)dtable_call(named_table, (uint32_t)pinfo->linktype, b,
		    pinfo, edt);
	tap_queue_packet(tap_frame, pinfo, NULL);
	return (DISSECT_OK);
}

bool
frame_link_dissected(int linktype)
{
	return (linktype >= 0 &&
	    dtable_lookup(link_table, (uint32_t)linktype) != NULL);
}

const struct dissector dissector_frame = {
	.name = "frame",
	.longname = "Frame",
	.proto = &proto_frame,
	.tables = (const struct dtable_def[]){
		{ "link", &link_table },
		{ "link.named", &named_table },
		{ NULL, NULL },
	},
	.fields = frame_fields,
	.tap = "frame",
	.tap_id = &tap_frame,
	.dissect = frame_dissect,
};
