/*
 * Data: bytes no dissector takes apart, as Wireshark's "data" protocol.
 *
 * taptop gives a layer to one kind of such bytes only: an IP fragment
 * that is held for reassembly, or that cannot be reassembled and has no
 * transport header (a later fragment), which tshark's protocol hierarchy
 * counts under ip > data (with its defaults).  Other undissected
 * payloads stay part of the layer that carries them.  The layer covers
 * its whole buffer, as Wireshark's item does.
 */
#include "core/dissect.h"
#include "core/proto.h"

static int proto_data = -1;
static int hf_data_data = -1, hf_data_len = -1;

static const struct field_def data_fields[] = {
	{ &hf_data_data, "data.data", FT_BYTES, "Data", 0 },
	{ &hf_data_len, "data.len", FT_INT32, "Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
data_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	size_t n = buf_captured_left(b);
	const uint8_t *p;

	(void)pinfo;
	field_add_uint(edt, hf_data_len, buf_reported_left(b));
	if ((p = buf_ptr(b, n)) != NULL)
		field_add_bytes(edt, hf_data_data, p, (uint32_t)n);
	return (DISSECT_OK);
}

const struct dissector dissector_data = {
	.name = "data",
	.longname = "Data",
	.proto = &proto_data,
	.fields = data_fields,
	.covers_payload = true,
	.dissect = data_dissect,
};
