/*
 * One packet under dissection.
 *
 * struct packet_info (pinfo) is what the seed's listeners receive: the frame's
 * number, time and lengths, and the addresses and ports of the innermost layer
 * that set them.  struct dissect (the seed's edt) is everything else the
 * dissection produced: the protocol layers in order, the recorded fields, the
 * tap queue and the per-packet arena that tap data is allocated from.  Both
 * live in the capture thread and are reused for every packet; nothing in them
 * may be kept once the packet's listeners have returned.
 */
#ifndef TAPTOP_PACKET_H
#define TAPTOP_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "address.h"
#include "arena.h"
#include "buf.h"
#include "field.h"

#define PACKET_LAYERS_MAX	32	/* protocol layers recorded */
#define PACKET_DEPTH_MAX	24	/* nested dissector calls */
#define PACKET_TAPQ_MAX		64	/* tap_queue_packet calls */
#define PACKET_FIELDS_MAX	512	/* recorded field occurrences */

struct dissect;

struct packet_info {
	uint64_t	 num;		/* frame.number, from 1 */
	int64_t		 ts_sec;
	uint32_t	 ts_nsec;
	double		 rel_ts;	/* seconds since the first packet */
	uint32_t	 len;		/* frame.len: on the wire */
	uint32_t	 caplen;	/* frame.cap_len: what we have */
	int		 linktype;	/* LINKTYPE_* of the frame */
	bool		 in_error_pkt;	/* inside an ICMP error's payload */
	/* The bytes being dissected are the first fragment of a larger
	 * datagram, at this IP layer or an outer one: a length inside that
	 * runs past them is expected, not malformed.  IP sets it around its
	 * handoff and restores it after. */
	bool		 fragmented;
	struct address	 dl_src, dl_dst;
	struct address	 net_src, net_dst;
	uint32_t	 srcport, destport;
	struct dissect	*edt;
};

struct packet_layer {
	uint16_t	 proto;		/* field id of the protocol */
	uint8_t		 in_error;
	/* edt->nfields when it began: the fields recorded from there on are
	 * its own or its children's (for the filter's layer operator, ip#2). */
	uint16_t	 field0;
	/* Where the protocol's own bytes (its header, what it read of its
	 * buffer) are in the frame, for slices such as ip[0:1]; the length
	 * is what was captured of them. */
	uint32_t	 off, len;
	/* The captured length of the buffer it was handed: its header and
	 * all that follows it, the bytes "contains" and "matches" search
	 * (Wireshark searches a protocol's whole tvbuff). */
	uint32_t	 buflen;
};

struct tap_entry {
	int		 tap;
	bool		 in_error;	/* queued inside an ICMP error */
	const void	*data;
};

struct dissect {
	struct packet_info	 pinfo;
	const uint8_t		*data;		/* the frame's bytes (caplen) */
	struct arena		 arena;
	int			 depth;
	/* Unique to this packet's dissection (never 0), so that a filter
	 * shared by several listeners is evaluated once per packet. */
	uint64_t		 serial;

	struct packet_layer	 layers[PACKET_LAYERS_MAX];
	int			 nlayers;

	struct tap_entry	 tapq[PACKET_TAPQ_MAX];
	int			 ntap;
	uint64_t		 tapq_full;	/* entries refused, ever */

	/* Whether to record fields at all, and every one, for this packet:
	 * read once from the wanted map when the packet starts, so a packet
	 * nobody filters costs one test per field. */
	bool			 record_fields;
	bool			 record_all;
	struct field_value	 fields[PACKET_FIELDS_MAX];
	int			 nfields;
	uint64_t		 fields_full;	/* occurrences refused, ever */

	/* The first failure of this packet, and the protocol it hit. */
	enum buf_err		 err;
	int			 err_proto;
};

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
void	 dissect_counts_reset(void);

#endif
