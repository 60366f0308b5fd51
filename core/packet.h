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
 *
 * Only the types are here, so that the registry (proto.h), the tap engine
 * and the filter can name them without depending on the code that fills
 * them in: that runtime is dissect.h.
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
#define PACKET_SRC_MAX		5	/* the frame and reassembled datagrams */

struct dissect;
struct reasm;

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
	/* TCP reassembly (tcpreasm.h): TCP sets can_desegment when it can
	 * hold the bytes it hands on, and heur_call when it tries its
	 * heuristic dissectors (which then reject what is not theirs); a
	 * dissector that needs more bytes sets the other two. */
	bool		 can_desegment;
	bool		 heur_call;
	uint32_t	 desegment_offset;
	uint32_t	 desegment_len;
	/* The dissector's layer stays on a segment whose bytes it asked to
	 * be held from its first byte (as tshark shows TLS there). */
	bool		 desegment_layer;
	struct address	 dl_src, dl_dst;
	struct address	 net_src, net_dst;
	uint32_t	 srcport, destport;
	struct dissect	*edt;
};

struct packet_layer {
	uint16_t	 proto;		/* field id of the protocol */
	uint8_t		 in_error;
	/* Which of the packet's byte sources (struct dissect's src) off
	 * and the lengths below are in: 0 is the frame, others are
	 * datagrams reassembled from fragments. */
	uint8_t		 src;
	uint8_t		 no_hierarchy;	/* the dissector's flag (proto.h) */
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

/* Tap ids are below TAP_ID_MAX (core/tap.c registers at most that many). */
#define TAP_ID_MAX		256

struct tap_entry {
	int		 tap;
	bool		 in_error;	/* queued inside an ICMP error */
	uint8_t		 next;		/* the next entry of this tap, or 0 */
	const void	*data;
};

struct dissect {
	struct packet_info	 pinfo;
	const uint8_t		*data;		/* the frame's bytes (caplen) */
	/* The bytes layers can be in: src[0] is the frame (data, caplen),
	 * the others datagrams reassembled for this packet. */
	const uint8_t		*src[PACKET_SRC_MAX];
	uint32_t		 src_len[PACKET_SRC_MAX];
	int			 nsrc;
	/* IP defragmentation (core/reasm.h): this thread's fragments held,
	 * kept from packet to packet. */
	struct reasm		*reasm;
	/* reasm_add ran for this packet: only then can reasm's counts have
	 * moved or its finished datagrams need freeing (a packet that is no
	 * fragment skips both calls). */
	bool			 reasm_used;
	struct arena		 arena;
	int			 depth;
	/* Unique to this packet's dissection (never 0), so that a filter
	 * shared by several listeners is evaluated once per packet. */
	uint64_t		 serial;

	struct packet_layer	 layers[PACKET_LAYERS_MAX];
	int			 nlayers;

	struct tap_entry	 tapq[PACKET_TAPQ_MAX];
	int			 ntap;
	/* Which taps have entries, and where each one's chain starts and
	 * ends in tapq (valid where the bit is set): dispatch goes from a
	 * listener to its entries without scanning the queue. */
	uint64_t		 tapmask[TAP_ID_MAX / 64];
	uint8_t			 tapfirst[TAP_ID_MAX], taplast[TAP_ID_MAX];
	uint64_t		 tapq_full;	/* entries refused, ever */

	/* Whether to record fields at all, and every one, for this packet:
	 * read once from the wanted map when the packet starts, so a packet
	 * nobody filters costs one test per field. */
	bool			 record_fields;
	bool			 record_all;
	struct field_value	 fields[PACKET_FIELDS_MAX];
	int			 nfields;
	uint64_t		 fields_full;	/* occurrences refused, ever */

	/* How much of tapq_full, fields_full and arena.exhausted has been
	 * added to the totals other threads read (dissect.h). */
	uint64_t		 pub_tapq_full, pub_fields_full, pub_arena_full;
	uint64_t		 pub_reasm_timeout, pub_reasm_full;

	/* The first failure of this packet, and the protocol it hit. */
	enum buf_err		 err;
	int			 err_proto;
	/* A packet dissected again (a refill, tap.h): it adds nothing to
	 * the malformed, truncated and limit counts, which it was already
	 * counted in.  Set by the owner, kept by dissect_begin. */
	bool			 quiet;
	/* TCP reassembly's state (tcpreasm.h), made by TCP on first use. */
	struct tcpreasm		*tcpreasm;
};

#endif
