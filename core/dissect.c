/*
 * The per-packet runtime: resets the packet's state, runs the root
 * dissector (frame, in dissectors/) on the bytes, and carries the calls
 * between dissectors, recording each protocol as a layer.  Counts
 * malformed and truncated packets per protocol, and publishes how often
 * the per-packet limits were hit.
 */
#include <stdatomic.h>
#include <string.h>

#include <glib.h>

#include "dissect.h"
#include "proto.h"
#include "reasm.h"
#include "tcpreasm.h"

static atomic_uint_fast64_t malformed[FIELD_MAX], truncated[FIELD_MAX];
static atomic_uint_fast64_t malformed_all, truncated_all;
static atomic_uint_fast64_t limit_tapq, limit_fields, limit_arena;
static atomic_uint_fast64_t limit_reasm_timeout, limit_reasm_full;

void
dissect_init(struct dissect *edt)
{
	memset(edt, 0, sizeof(*edt));
	arena_init(&edt->arena, ARENA_SIZE);
	edt->reasm = reasm_new(0, 0, 0);
	edt->pinfo.edt = edt;
}

void
dissect_free(struct dissect *edt)
{
	arena_free(&edt->arena);
	reasm_free(edt->reasm);
	edt->reasm = NULL;
	tcpreasm_free(edt->tcpreasm);
	edt->tcpreasm = NULL;
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
	if (edt->reasm_used) {
		reasm_packet_end(edt->reasm);
		edt->reasm_used = false;
	}
	edt->depth = 0;
	edt->data = NULL;
	edt->nsrc = 0;
	edt->nlayers = 0;
	edt->ntap = 0;
	memset(edt->tapmask, 0, sizeof(edt->tapmask));
	edt->nfields = 0;
	edt->err = BUF_OK;
	edt->err_proto = -1;
	edt->record_all = atomic_load_explicit(&field_want_everything,
	    memory_order_relaxed) != 0;
	edt->record_fields = edt->record_all ||
	    atomic_load_explicit(&field_wanted_any, memory_order_relaxed) != 0;
	/* One assignment, the rest zero: the compiler stores it whole
	 * rather than a memset then the fields. */
	*pinfo = (struct packet_info){
		.edt = edt,
		.num = num,
		.ts_sec = sec,
		.ts_nsec = nsec,
		.rel_ts = rel_ts,
		.len = len < caplen ? caplen : len,
		.caplen = caplen,
		.linktype = linktype,
	};
}

/*
 * The counts of limits hit live in the thread's struct dissect; other
 * threads read totals.  Adding the difference once a packet is done keeps
 * the per-packet cost at three compares.
 */
static void
publish_limits(struct dissect *edt)
{
	if (edt->tapq_full != edt->pub_tapq_full) {
		atomic_fetch_add_explicit(&limit_tapq,
		    edt->tapq_full - edt->pub_tapq_full, memory_order_relaxed);
		edt->pub_tapq_full = edt->tapq_full;
	}
	if (edt->fields_full != edt->pub_fields_full) {
		atomic_fetch_add_explicit(&limit_fields,
		    edt->fields_full - edt->pub_fields_full,
		    memory_order_relaxed);
		edt->pub_fields_full = edt->fields_full;
	}
	if (edt->arena.exhausted != edt->pub_arena_full) {
		atomic_fetch_add_explicit(&limit_arena,
		    edt->arena.exhausted - edt->pub_arena_full,
		    memory_order_relaxed);
		edt->pub_arena_full = edt->arena.exhausted;
	}
	if (edt->reasm_used) {
		struct reasm_counts c;

		reasm_counts_get(edt->reasm, &c);
		if (c.timeout != edt->pub_reasm_timeout) {
			atomic_fetch_add_explicit(&limit_reasm_timeout,
			    c.timeout - edt->pub_reasm_timeout,
			    memory_order_relaxed);
			edt->pub_reasm_timeout = c.timeout;
		}
		if (c.full != edt->pub_reasm_full) {
			atomic_fetch_add_explicit(&limit_reasm_full,
			    c.full - edt->pub_reasm_full,
			    memory_order_relaxed);
			edt->pub_reasm_full = c.full;
		}
	}
}

/* The root is called directly, not through call_dissector: it is not a
 * layer (protocol paths start at the link layer, "eth", as the JSON output
 * promises) and does not count against the nesting depth. */
void
dissect_frame(struct dissect *edt, const uint8_t *data)
{
	struct packet_info *pinfo = &edt->pinfo;
	struct buf b;

	edt->data = data;
	edt->src[0] = data;
	edt->src_len[0] = pinfo->caplen;
	edt->nsrc = data != NULL ? 1 : 0;
	buf_init(&b, data, pinfo->caplen, pinfo->len);
	(void)dissector_frame.dissect(&b, pinfo, edt);
	if (edt->quiet) {
		/* Counted when the packet was first dissected. */
		if (edt->reasm_used) {
			struct reasm_counts c;

			reasm_counts_get(edt->reasm, &c);
			edt->pub_reasm_timeout = c.timeout;
			edt->pub_reasm_full = c.full;
		}
		return;
	}
	if (edt->err == BUF_MALFORMED)
		atomic_fetch_add_explicit(&malformed_all, 1,
		    memory_order_relaxed);
	else if (edt->err == BUF_TRUNCATED)
		atomic_fetch_add_explicit(&truncated_all, 1,
		    memory_order_relaxed);
	publish_limits(edt);
}

void
dissect_note_error(struct dissect *edt, int proto, enum buf_err err)
{
	if (err == BUF_OK || edt->err != BUF_OK)
		return;
	edt->err = err;
	edt->err_proto = proto;
	if (proto < 0 || proto >= FIELD_MAX || edt->quiet)
		return;
	if (err == BUF_MALFORMED)
		atomic_fetch_add_explicit(&malformed[proto], 1,
		    memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&truncated[proto], 1,
		    memory_order_relaxed);
}

bool
dissect_add_source(struct dissect *edt, const uint8_t *p, uint32_t len)
{
	if (edt->nsrc >= PACKET_SRC_MAX)
		return (false);
	edt->src[edt->nsrc] = p;
	edt->src_len[edt->nsrc] = len;
	edt->nsrc++;
	return (true);
}

/* Which source the bytes at p are in, or -1 (bytes of a test's own). */
static int
source_of(const struct dissect *edt, const uint8_t *p)
{
	uintptr_t a = (uintptr_t)p;
	int i;

	/* a - src wraps to a huge value below src: one compare a source. */
	for (i = edt->nsrc - 1; i >= 0; i--)
		if (a - (uintptr_t)edt->src[i] <= edt->src_len[i])
			return (i);
	return (-1);
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

enum dissect_result
call_dissector(const struct dissector *d, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct packet_layer *l = NULL;
	enum dissect_result r;
	size_t start = MIN(b->off, b->caplen);	/* where our bytes begin */
	int src;

	if (edt->depth >= PACKET_DEPTH_MAX) {
		/* Tunnels inside tunnels past any sane depth: stop here. */
		dissect_note_error(edt, *d->proto, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	if (!d->no_layer && edt->nlayers < PACKET_LAYERS_MAX) {
		l = &edt->layers[edt->nlayers++];
		l->proto = (uint16_t)*d->proto;
		l->in_error = pinfo->in_error_pkt;
		l->no_hierarchy = d->no_hierarchy;
		l->field0 = (uint16_t)edt->nfields;
		l->len = 0;
		if ((src = source_of(edt, b->data)) >= 0) {
			l->src = (uint8_t)src;
			l->off = (uint32_t)(b->data + start - edt->src[src]);
			l->buflen = (uint32_t)(b->caplen - start);
		} else {
			/* Bytes in no source: the layer has none to show. */
			l->src = 0;
			l->off = 0;
			l->buflen = 0;
		}
	}
	edt->depth++;
	r = d->dissect(b, pinfo, edt);
	edt->depth--;
	/* Children read sub-buffers, so what the cursor passed is ours; a
	 * protocol whose item spans its payload (TCP) covers the buffer. */
	if (l != NULL && l->buflen != 0)
		l->len = d->covers_payload ? (uint32_t)(b->caplen - start) :
		    (uint32_t)(MIN(b->off, b->caplen) - start);
	if (r == DISSECT_REJECT) {
		/* Only the newest layer can be ours: children pushed after it
		 * are dropped with it. */
		if (l != NULL)
			edt->nlayers = (int)(l - edt->layers);
		return (r);
	}
	if (b->err != BUF_OK)
		dissect_note_error(edt, *d->proto, b->err);
	return (r);
}

void
call_dissector_quoted(const struct dissector *d, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct address net_src = pinfo->net_src, net_dst = pinfo->net_dst;
	uint32_t srcport = pinfo->srcport, destport = pinfo->destport;
	bool in_error = pinfo->in_error_pkt;
	struct buf quote;

	if (d == NULL || buf_reported_left(b) == 0)
		return;
	buf_rest(b, &quote);
	pinfo->in_error_pkt = true;
	(void)call_dissector(d, &quote, pinfo, edt);
	pinfo->in_error_pkt = in_error;
	pinfo->net_src = net_src;
	pinfo->net_dst = net_dst;
	pinfo->srcport = srcport;
	pinfo->destport = destport;
}

/*
 * No dissector takes the payload b: the innermost layer, whose payload it
 * is, then ends where b ends (IP's datagram ends at its total length, not
 * at the Ethernet padding), for "ip contains" to search what tshark does.
 */
void
dissect_payload_unclaimed(struct dissect *edt, const struct buf *b)
{
	struct packet_layer *l;
	uint64_t end;

	if (edt->nlayers == 0)
		return;
	l = &edt->layers[edt->nlayers - 1];
	if (l->src >= edt->nsrc || source_of(edt, b->data) != l->src)
		return;
	end = (uint64_t)(b->data - edt->src[l->src]) + b->caplen;
	if (end >= l->off && end < (uint64_t)l->off + l->buflen)
		l->buflen = (uint32_t)(end - l->off);
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
dissect_limits_get(struct dissect_limits *l)
{
	struct tcpreasm_counts tc;

	l->tapq_full = atomic_load(&limit_tapq);
	l->fields_full = atomic_load(&limit_fields);
	l->arena_full = atomic_load(&limit_arena);
	l->reasm_timeout = atomic_load(&limit_reasm_timeout);
	l->reasm_full = atomic_load(&limit_reasm_full);
	tcpreasm_counts_get(&tc);
	l->tcp_gaps = tc.gaps;
	l->tcp_flows_full = tc.flows_full;
	l->tcp_bytes_full = tc.bytes_full;
	l->tcp_timeouts = tc.timeouts;
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
	atomic_store(&limit_tapq, 0);
	atomic_store(&limit_fields, 0);
	atomic_store(&limit_arena, 0);
	atomic_store(&limit_reasm_timeout, 0);
	atomic_store(&limit_reasm_full, 0);
	tcpreasm_counts_reset();
}
