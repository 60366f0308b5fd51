/*
 * TCP reassembly for the application dissectors, as Wireshark's
 * desegmentation does it: a dissector that finds a PDU running past the
 * end of a segment says so in pinfo (tcp_desegment), TCP keeps the bytes
 * from where that PDU starts, joins the following in-order segments of the
 * same direction to them, and calls the same dissector again on the joined
 * bytes, at the frame that completes the PDU.  The segments in between
 * carry no application layer ("a segment of a reassembled PDU").
 *
 * How a dissector uses it (HTTP, TLS, DNS over TCP):
 *   if (pinfo->can_desegment && pdu_end > buf_reported_left(b)) {
 *           tcp_desegment(pinfo, pdu_start, pdu_end - bytes_here);
 *           return (DISSECT_OK);
 *   }
 * It reads nothing of that PDU then (the bytes come again, whole), and
 * may have dissected PDUs before pdu_start: those stay dissected.  A
 * dissector that does not know how much more it needs (HTTP headers
 * without their blank line yet) asks for TCP_DESEGMENT_ONE_MORE: it is
 * called again with the next segment joined.  can_desegment is false
 * when the bytes cannot be held (inside an ICMP error, a segment the
 * snaplen cut, no reassembly state): the dissector then dissects what is
 * there, and reads past it are "truncated" as always.
 *
 * Bounds, each one counted when it is hit (tcpreasm_counts_get):
 *   - TCPR_PDU_MAX bytes held for one PDU: a PDU that would grow past it
 *     is dropped (bytes_full);
 *   - TCPR_BYTES_MAX bytes held over all flows: a PDU that would grow
 *     past it is dropped (bytes_full);
 *   - TCPR_FLOWS_MAX directions with a PDU in progress: a new one past it
 *     is not started (flows_full), its segment is dissected as it is;
 *   - a PDU that gets no segment for TCPR_TIMEOUT_S seconds of capture
 *     time is dropped (timeouts);
 *   - a segment that does not follow on (a missing or out-of-order one),
 *     one the snaplen cut, or a FIN, RST or SYN in the direction ends the
 *     PDU in progress (gaps): nothing past the next expected byte is ever
 *     held.  The segment itself is then dissected as the start of a new
 *     PDU.  A segment that only repeats bytes already held (a
 *     retransmission) is ignored; one that overlaps them adds its new
 *     bytes.
 *
 * A PDU refused by a bound is dissected from the bytes there are, the
 * dissector called again without can_desegment; the rest of it that
 * follows in later segments is passed over (tcpreasm_skip), so those
 * segments carry no application layer: tshark shows the PDU at the frame
 * that ends it, taptop at the one that starts it.
 *
 * State: one struct tcpreasm per struct dissect (the capture thread's, a
 * refill's), made on first use and freed with it; it is only touched by
 * the thread that dissects.  The joined bytes of the PDU being dissected
 * stay valid until the next packet is dissected with the same state, so
 * that field values and tap records may point into them as into a frame.
 */
#ifndef TAPTOP_TCPREASM_H
#define TAPTOP_TCPREASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"
#include "packet.h"
#include "proto.h"

#define TCPR_PDU_MAX		(256 * 1024)
#define TCPR_BYTES_MAX		(32 * 1024 * 1024)
#define TCPR_FLOWS_MAX		4096
#define TCPR_TIMEOUT_S		60

/* "Call me again with the next segment joined", for a dissector that cannot
 * tell yet how long its PDU is. */
#define TCP_DESEGMENT_ONE_MORE	0x0fffffffu

/* Asks TCP to hold the bytes from offset (in the buffer the dissector was
 * given) on, and to call again when more bytes have come. */
static inline void
tcp_desegment(struct packet_info *pinfo, size_t offset, size_t more)
{
	pinfo->desegment_offset = (uint32_t)offset;
	pinfo->desegment_len = more > TCP_DESEGMENT_ONE_MORE ?
	    TCP_DESEGMENT_ONE_MORE : (uint32_t)(more == 0 ? 1 : more);
}

/* One segment, as TCP hands it over. */
struct tcpr_segment {
	struct address	 src, dst;
	uint16_t	 sport, dport;
	uint32_t	 seq;		/* of the first payload byte */
	uint16_t	 flags;		/* tcp.flags */
	const uint8_t	*data;		/* payload, captured bytes */
	size_t		 caplen, len;	/* captured, and what TCP claims */
	int64_t		 ts_ns;		/* capture time */
};

struct tcpreasm;

struct tcpreasm *tcpreasm_new(void);
void	 tcpreasm_free(struct tcpreasm *);
/* Other bounds than the defaults above (tests); 0 keeps a default. */
void	 tcpreasm_set_limits(struct tcpreasm *, size_t pdu_max,
	    size_t bytes_max, size_t flows_max, unsigned timeout_s);
/* Drops every PDU in progress (a refill pass starts from the top). */
void	 tcpreasm_clear(struct tcpreasm *);

/*
 * Runs the sweep for timed-out PDUs due at now, as tcpreasm_segment()
 * does first; true when no PDU is then in progress anywhere, which is
 * when tcpreasm_segment() would say TCPR_DISSECT for any segment.  For a
 * segment with no payload (a flood's SYNs): no segment to build.
 */
bool	 tcpreasm_idle(struct tcpreasm *, int64_t now, bool quiet);

/* What tcpreasm_segment decided for a segment. */
enum tcpr_action {
	TCPR_DISSECT,		/* dissect the segment as it is */
	TCPR_HELD,		/* joined to a PDU still short: no app layer */
	TCPR_COMPLETE,		/* dissect *pdu with *d: a PDU is whole */
	TCPR_REST,		/* a skipped PDU ended: dissect the segment's
				 * rest, *pdu (*len bytes), as new */
};

/*
 * Looks the segment's direction up: whether a PDU is in progress there,
 * and what to do with this segment.  On TCPR_COMPLETE, *pdu and *len are
 * the joined bytes (this segment's included), *d the dissector that
 * asked for them and *pdu_len the length it asked for (at most *len): the
 * bytes after it are this segment's rest, to dissect on their own, as
 * Wireshark does (a second layer of the same protocol).
 */
enum tcpr_action tcpreasm_segment(struct tcpreasm *,
	    const struct tcpr_segment *, const struct dissector **d,
	    const uint8_t **pdu, size_t *len, size_t *pdu_len, bool quiet);

/*
 * After a dissection of the segment (TCPR_DISSECT) or of the joined bytes
 * (TCPR_COMPLETE): d asked, through pinfo, to hold the bytes data[offset..
 * len) and more after them.  Returns false when a bound refused it (then
 * counted).
 */
bool	 tcpreasm_hold(struct tcpreasm *, const struct tcpr_segment *,
	    const struct dissector *d, const uint8_t *data, size_t len,
	    uint32_t offset, uint32_t more, bool quiet);

/*
 * A PDU that could not be held (a bound) was dissected from what there
 * was: the next `more` bytes of the direction after this segment are its
 * rest, passed over without an application layer and without keeping
 * them, so that they do not read as the start of PDUs.  A gap ends the
 * skip as it ends a PDU.  false when no flow can be made (counted by the
 * hold that failed already).
 */
bool	 tcpreasm_skip(struct tcpreasm *, const struct tcpr_segment *,
	    size_t more);

/* Directions with a PDU in progress, and bytes held, now. */
size_t	 tcpreasm_flows(const struct tcpreasm *);
size_t	 tcpreasm_bytes(const struct tcpreasm *);

/* Counts of bounds hit, over all threads (not counted when quiet: a
 * refill's packets were counted once already). */
struct tcpreasm_counts {
	uint64_t	 gaps;		/* PDUs ended by a gap, FIN, RST */
	uint64_t	 flows_full;	/* PDUs not started: TCPR_FLOWS_MAX */
	uint64_t	 bytes_full;	/* PDUs dropped: a byte bound */
	uint64_t	 timeouts;	/* PDUs dropped: TCPR_TIMEOUT_S */
};
void	 tcpreasm_counts_get(struct tcpreasm_counts *);
void	 tcpreasm_counts_reset(void);

#endif
