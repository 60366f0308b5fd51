/*
 * The dissection runtime: what runs for every packet.
 *
 * The capture thread drives a packet through dissect_begin() and
 * dissect_frame(); dissectors call each other through call_dissector() and
 * their tables through dtable_call(), and record what they find with the
 * field_add_* functions.  The types are in packet.h and the registry that
 * says which dissector is which is proto.h: this header is the code in
 * between, kept apart so that registering a dissector and running one do
 * not depend on each other.
 *
 * Counts kept here for every thread to read (atomics): malformed and
 * truncated packets per protocol, and how often a packet hit one of its
 * fixed limits (the tap queue, the field table, the arena), which means
 * panels or filters saw less of it than was there.
 */
#ifndef TAPTOP_DISSECT_H
#define TAPTOP_DISSECT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "field.h"
#include "packet.h"
#include "proto.h"

/* The root of every dissection (dissectors/frame.c): it records the frame
 * fields and hands the bytes to the link type's dissector. */
extern const struct dissector dissector_frame;
/* Whether a link type has a dissector that reads it (frame.c's "link"
 * table); false for one only named ("link.named") or unknown.  Any
 * thread, once proto_init() has run. */
bool	 frame_link_dissected(int linktype);

void	 dissect_init(struct dissect *);
void	 dissect_free(struct dissect *);

/* Starts a packet: resets the arena, layers, fields and tap queue. */
void	 dissect_begin(struct dissect *, uint64_t num, int64_t sec,
	    uint32_t nsec, double rel_ts, uint32_t len, uint32_t caplen,
	    int linktype);

/* Dissects a whole frame from its link layer up. */
void	 dissect_frame(struct dissect *, const uint8_t *data);

/* Notes a failure against a protocol; the first one of a packet is kept. */
void	 dissect_note_error(struct dissect *, int proto, enum buf_err);

bool	 packet_has_proto(const struct dissect *, int proto);

/* Calls one dissector: caps the depth, records the layer and its errors. */
enum dissect_result call_dissector(const struct dissector *, struct buf *,
	    struct packet_info *, struct dissect *);

/* No dissector took b: the innermost layer ends where b does. */
void	 dissect_payload_unclaimed(struct dissect *, const struct buf *);

/*
 * Calls the dissector registered under key in the table.  Returns false
 * when there is none (or it rejected the data); the caller may then treat
 * the bytes as opaque payload.  Inline: it runs on every layer.
 */
static inline bool
dtable_call(struct dtable *t, uint32_t key, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	const struct dissector *d;

	d = dtable_lookup(t, key);
	if (d == NULL || call_dissector(d, b, pinfo, edt) != DISSECT_OK) {
		dissect_payload_unclaimed(edt, b);
		return (false);
	}
	return (true);
}

/*
 * Dissects the rest of b, a packet quoted inside an ICMP error, with d as
 * an error packet (pinfo->in_error_pkt), then restores the addresses and
 * ports the quote changed in pinfo.
 */
void	 call_dissector_quoted(const struct dissector *d, struct buf *b,
	    struct packet_info *, struct dissect *);

/* Recording field values; each call is a no-op unless the field is wanted. */
struct field_value *field_slot(struct dissect *, int id);

static inline bool
field_recorded(const struct dissect *edt, int id)
{
	return (edt->record_fields && (edt->record_all || (id >= 0 &&
	    id < FIELD_MAX && atomic_load_explicit(&field_wanted_map[id],
	    memory_order_relaxed) != 0)));
}

static inline void
field_add_uint(struct dissect *edt, int id, uint64_t v)
{
	struct field_value *f;

	if (field_recorded(edt, id) && (f = field_slot(edt, id)) != NULL)
		f->v.u = v;
}

static inline void
field_add_double(struct dissect *edt, int id, double v)
{
	struct field_value *f;

	if (field_recorded(edt, id) && (f = field_slot(edt, id)) != NULL)
		f->v.d = v;
}

static inline void
field_add_addr(struct dissect *edt, int id, const struct address *a)
{
	struct field_value *f;

	if (field_recorded(edt, id) && (f = field_slot(edt, id)) != NULL)
		f->v.addr = *a;
}

static inline void
field_add_bytes(struct dissect *edt, int id, const uint8_t *p, uint32_t len)
{
	struct field_value *f;

	if (field_recorded(edt, id) && (f = field_slot(edt, id)) != NULL) {
		f->v.bytes.p = p;
		f->v.bytes.len = len;
	}
}

/* Per-protocol counts of malformed and truncated packets (all threads). */
uint64_t dissect_malformed_count(int proto);	/* proto -1: all */
uint64_t dissect_truncated_count(int proto);

/*
 * Per-packet limits hit, over all threads, as published at the end of each
 * dissect_frame(): tap entries refused because a packet already had
 * PACKET_TAPQ_MAX, field values not recorded because it had
 * PACKET_FIELDS_MAX, and arena allocations refused (ARENA_SIZE used up);
 * and datagrams the defragmentation dropped unfinished.
 */
struct dissect_limits {
	uint64_t	 tapq_full;
	uint64_t	 fields_full;
	uint64_t	 arena_full;
	/* IP defragmentation (core/reasm.h): datagrams dropped unfinished,
	 * after the timeout or to stay within the caps. */
	uint64_t	 reasm_timeout;
	uint64_t	 reasm_full;
	/* TCP reassembly's bounds hit (tcpreasm.h): PDUs ended by a gap,
	 * not started (too many in progress), dropped for their bytes,
	 * dropped after the timeout. */
	uint64_t	 tcp_gaps, tcp_flows_full, tcp_bytes_full, tcp_timeouts;
};
void	 dissect_limits_get(struct dissect_limits *);

/*
 * Makes bytes a source that layers can be in (a reassembled datagram
 * that dissection goes on in), until the next packet begins.  Returns
 * false when the packet already has PACKET_SRC_MAX.
 */
bool	 dissect_add_source(struct dissect *, const uint8_t *, uint32_t);

/* Zeroes all of the counts above. */
void	 dissect_counts_reset(void);

#endif
