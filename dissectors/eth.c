/*
 * Ethernet II and IEEE 802.3 framing.  IEEE 802.3-2018 clause 3.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 destination address (6 octets)                |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |                                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                                +
 *  |                   source address (6 octets)                    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        type or length         |  payload ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * A type/length value of 1536 or more is an ethertype (Ethernet II) and is
 * looked up in the "ethertype" table this file owns; every network layer
 * and every tag (VLAN, MPLS, PPPoE, ARP) registers there.  A value of 1500
 * or less is an 802.3 length, and the payload it delimits is always an
 * 802.2 LLC header (or, with 0xffff, Novell's raw IPX, left opaque).
 *
 * Padding and trailers: an Ethernet II payload is passed whole; the
 * protocol inside knows its own length (IP cuts the rest off with its total
 * length).  The 802.3 length does delimit the payload, and one claiming
 * more than the frame holds is malformed, though the bytes there are still
 * dissected as tshark does.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/tables.h"
#include "dissectors/taps.h"

#define ETH_HDR_LEN		14
#define ETH_MAX_LEN		1500	/* 802.3 lengths are at most this */
#define ETH_MIN_TYPE		1536	/* ethertypes are at least this */
#define ETHERTYPE_TEB		0x6558	/* transparent Ethernet bridging */

static int proto_eth = -1, tap_eth = -1;
static int hf_eth_dst = -1, hf_eth_src = -1, hf_eth_addr = -1,
    hf_eth_type = -1, hf_eth_len = -1, hf_eth_invalid_lentype = -1;
static const struct dissector *llc;

struct dtable *ethertype_table;		/* dissectors/tables.h */

static const struct field_def eth_fields[] = {
	{ &hf_eth_dst, "eth.dst", FT_ETHER, "Destination", 0 },
	{ &hf_eth_src, "eth.src", FT_ETHER, "Source", 0 },
	{ &hf_eth_addr, "eth.addr", FT_ETHER, "Source or Destination Address", 0 },
	{ &hf_eth_type, "eth.type", FT_UINT16, "Type", 0 },
	{ &hf_eth_len, "eth.len", FT_UINT16, "Length", 0 },
	{ &hf_eth_invalid_lentype, "eth.invalid_lentype", FT_UINT16, "Invalid length/type", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
eth_init(void)
{
	/* 802.3 framing has one payload format: 802.2 LLC. */
	llc = proto_find_dissector("llc");
}

static enum dissect_result
eth_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *h, *dst, *src;
	struct eth_tap *et;
	struct buf payload;
	uint16_t type;
	uint8_t b0, b1;

	if ((h = buf_ptr_have(b, ETH_HDR_LEN)) != NULL) {
		/* Captured whole: one bounds check for the header. */
		dst = h;
		src = h + 6;
		type = buf_load_be16(h + 12);
	} else {
		dst = buf_ptr(b, 6);
		src = buf_ptr(b, 6);
		type = buf_be16(b);
		if (b->err != BUF_OK)
			return (DISSECT_OK);
	}

	/* Set in place: pinfo's copies are the ones read below. */
	address_set(&pinfo->dl_dst, AT_ETHER, dst, 6);
	address_set(&pinfo->dl_src, AT_ETHER, src, 6);
	field_add_addr(edt, hf_eth_dst, &pinfo->dl_dst);
	field_add_addr(edt, hf_eth_addr, &pinfo->dl_dst);
	field_add_addr(edt, hf_eth_src, &pinfo->dl_src);
	field_add_addr(edt, hf_eth_addr, &pinfo->dl_src);

	if (tap_listened(tap_eth) &&
	    (et = arena_alloc(&edt->arena, sizeof(*et))) != NULL) {
		et->conv.dst = pinfo->dl_dst;
		et->conv.src = pinfo->dl_src;
		et->type = type;
		tap_queue_packet(tap_eth, pinfo, et);
	}

	if (type >= ETH_MIN_TYPE) {
		field_add_uint(edt, hf_eth_type, type);
		buf_rest(b, &payload);
		(void)dtable_call(ethertype_table, type, &payload, pinfo, edt);
		return (DISSECT_OK);
	}
	if (type > ETH_MAX_LEN) {
		/* Neither a length nor a type: nothing we can follow. */
		field_add_uint(edt, hf_eth_invalid_lentype, type);
		return (DISSECT_OK);
	}

	field_add_uint(edt, hf_eth_len, type);
	if (!buf_sub(b, &payload, type)) {
		/* Claimed past the frame: count it here, before the payload
		 * (clipped to what the frame has) can count its own error. */
		buf_fail(b, BUF_MALFORMED);
		dissect_note_error(edt, proto_eth, BUF_MALFORMED);
	}
	/* 0xffff where LLC's DSAP/SSAP would be is Novell "raw" 802.3. */
	if (buf_peek_u8(&payload, 0, &b0) && buf_peek_u8(&payload, 1, &b1) &&
	    b0 == 0xff && b1 == 0xff)
		return (DISSECT_OK);
	if (llc != NULL)
		(void)call_dissector(llc, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_eth = {
	.name = "eth",
	.longname = "Ethernet II",
	.proto = &proto_eth,
	.tables = (const struct dtable_def[]){
		{ "ethertype", &ethertype_table },
		{ NULL, NULL },
	},
	.handoff = {
		{ "link", DLT_EN10MB },
		{ "ethertype", ETHERTYPE_TEB },
	},
	.fields = eth_fields,
	.tap = "eth",
	.tap_id = &tap_eth,
	.init = eth_init,
	.dissect = eth_dissect,
};
