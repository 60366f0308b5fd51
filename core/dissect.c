/*
 * The per-packet driver: resets the packet's state, records the frame
 * fields, and hands the bytes to the dissector of the link type.  Counts
 * malformed and truncated packets per protocol.
 */
#include <stdatomic.h>

#include <glib.h>

#include "packet.h"
#include "proto.h"
#include "tap.h"

static atomic_uint_fast64_t malformed[FIELD_MAX], truncated[FIELD_MAX];
static atomic_uint_fast64_t malformed_all, truncated_all;

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

static const char *const frame_tables[] = { "link", NULL };

static void
frame_init(void)
{
	link_table = dtable_find("link");
}

/* The frame pseudo-protocol owns the link-type table ("link", keyed by the
 * LINKTYPE_* value of the file format; live captures convert libpcap's
 * DLT_* to it).  It is not called
 * through call_dissector, so it is not a layer: protocol paths start at the
 * link layer ("eth"), as the JSON output promises. */
const struct dissector dissector_frame = {
	.name = "frame",
	.longname = "Frame",
	.proto = &proto_frame,
	.tables = frame_tables,
	.fields = frame_fields,
	.tap = "frame",
	.tap_id = &tap_frame,
	.init = frame_init,
};

void
dissect_init(struct dissect *edt)
{
	memset(edt, 0, sizeof(*edt));
	arena_init(&edt->arena, ARENA_SIZE);
	edt->pinfo.edt = edt;
}

void
dissect_free(struct dissect *edt)
{
	arena_free(&edt->arena);
}

/* Serials are handed out to each thread in blocks: one atomic operation
 * per million packets. */
#define SERIAL_BLOCK	(1u << 20)
static atomic_uint_fast64_t serial_base = SERIAL_BLOCK;
static _Thread_local uint64_t serial_next, serial_end;

void
dissect_begin(struct dissect *edt, uint64_t num, int64_t sec, uint32_t nsec,
    double rel_ts, uint32_t len, uint32_t caplen, int linktype)
{
	struct packet_info *pinfo = &edt->pinfo;

	if (serial_next == serial_end) {
		serial_next = atomic_fetch_add(&serial_base, SERIAL_BLOCK);
		serial_end = serial_next + SERIAL_BLOCK;
	}
	edt->serial = serial_next++;
	arena_reset(&edt->arena);
	edt->depth = 0;
	edt->data = NULL;
	edt->nlayers = 0;
	edt->ntap = 0;
	edt->nfields = 0;
	edt->err = BUF_OK;
	edt->err_proto = -1;
	edt->record_all = atomic_load_explicit(&field_want_everything,
	    memory_order_relaxed) != 0;
	edt->record_fields = edt->record_all ||
	    atomic_load_explicit(&field_wanted_any, memory_order_relaxed) != 0;
	memset(pinfo, 0, sizeof(*pinfo));
	pinfo->edt = edt;
	pinfo->num = num;
	pinfo->ts_sec = sec;
	pinfo->ts_nsec = nsec;
	pinfo->rel_ts = rel_ts;
	pinfo->len = len < caplen ? caplen : len;
	pinfo->caplen = caplen;
	pinfo->linktype = linktype;
}

void
dissect_frame(struct dissect *edt, const uint8_t *data)
{
	struct packet_info *pinfo = &edt->pinfo;
	struct buf b;

	if (edt->record_fields) {
		field_add_uint(edt, hf_frame_len, pinfo->len);
		field_add_uint(edt, hf_frame_cap_len, pinfo->caplen);
		field_add_uint(edt, hf_frame_number, pinfo->num);
		field_add_double(edt, hf_frame_time_relative, pinfo->rel_ts);
	}
	edt->data = data;
	buf_init(&b, data, pinfo->caplen, pinfo->len);
	(void)dtable_call(link_table, (uint32_t)pinfo->linktype, &b, pinfo,
	    edt);
	/* Every frame, whatever is inside: for packet and byte totals. */
	tap_queue_packet(tap_frame, pinfo, NULL);
	if (edt->err == BUF_MALFORMED)
		atomic_fetch_add_explicit(&malformed_all, 1,
		    memory_order_relaxed);
	else if (edt->err == BUF_TRUNCATED)
		atomic_fetch_add_explicit(&truncated_all, 1,
		    memory_order_relaxed);
}

void
dissect_note_error(struct dissect *edt, int proto, enum buf_err err)
{
	if (err == BUF_OK || edt->err != BUF_OK)
		return;
	edt->err = err;
	edt->err_proto = proto;
	if (proto < 0 || proto >= FIELD_MAX)
		return;
	if (err == BUF_MALFORMED)
		atomic_fetch_add_explicit(&malformed[proto], 1,
		    memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&truncated[proto], 1,
		    memory_order_relaxed);
}

bool
packet_has_proto(const struct dissect *edt, int proto)
{
	int i;

	for (i = 0; i < edt->nlayers; i++)
		if (edt->layers[i].proto == proto)
			return (true);
	return (false);
}

struct field_value *
field_slot(struct dissect *edt, int id)
{
	struct field_value *f;

	if (edt->nfields >= PACKET_FIELDS_MAX) {
		edt->fields_full++;
		return (NULL);
	}
	f = &edt->fields[edt->nfields++];
	f->id = id;
	f->type = field_get(id)->type;
	return (f);
}

uint64_t
dissect_malformed_count(int proto)
{
	if (proto < 0)
		return (atomic_load(&malformed_all));
	return (proto < FIELD_MAX ? atomic_load(&malformed[proto]) : 0);
}

uint64_t
dissect_truncated_count(int proto)
{
	if (proto < 0)
		return (atomic_load(&truncated_all));
	return (proto < FIELD_MAX ? atomic_load(&truncated[proto]) : 0);
}

void
dissect_counts_reset(void)
{
	int i;

	for (i = 0; i < FIELD_MAX; i++) {
		atomic_store(&malformed[i], 0);
		atomic_store(&truncated[i], 0);
	}
	atomic_store(&malformed_all, 0);
	atomic_store(&truncated_all, 0);
}
