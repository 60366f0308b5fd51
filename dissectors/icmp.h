/*
 * The 4-byte header that ICMP (RFC 792) and ICMPv6 (RFC 4443) share:
 *   type(1) code(1) checksum(2)
 * Both dissectors read it, record its three fields and queue their tap
 * the same way; only the field and tap ids differ.
 */
#ifndef TAPTOP_DISSECTORS_ICMP_H
#define TAPTOP_DISSECTORS_ICMP_H

#include "core/arena.h"
#include "core/buf.h"
#include "core/dissect.h"
#include "core/tap.h"
#include "dissectors/taps.h"

struct icmp_ids {
	const int	*hf_type, *hf_code, *hf_checksum;
	const int	*tap;
};

/* Reads the header into *type and *code; false when it is cut short. */
static inline bool
icmp_header(struct buf *b, struct packet_info *pinfo, struct dissect *edt,
    const struct icmp_ids *ids, uint8_t *type, uint8_t *code)
{
	struct icmp_tap *t;
	struct buf peek;
	uint16_t checksum;

	*type = buf_u8(b);
	*code = buf_u8(b);
	checksum = buf_be16(b);
	if (b->err != BUF_OK)
		return (false);
	field_add_uint(edt, *ids->hf_type, *type);
	field_add_uint(edt, *ids->hf_code, *code);
	field_add_uint(edt, *ids->hf_checksum, checksum);
	if (tap_listened(*ids->tap) &&
	    (t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		t->type = *type;
		t->code = *code;
		/* Read from a copy: the caller reads these bytes its way. */
		peek = *b;
		t->rest = buf_be32(&peek);
		t->has_rest = peek.err == BUF_OK;
		tap_queue_packet(*ids->tap, pinfo, t);
	}
	return (true);
}

#endif
