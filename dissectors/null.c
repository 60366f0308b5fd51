/*
 * BSD loopback encapsulation: DLT_NULL and DLT_LOOP.  Described at
 * https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html
 *
 *  +--------+--------+--------+--------+
 *  |  address family (32 bits)         |   DLT_NULL: the capturing host's
 *  +--------+--------+--------+--------+   byte order; DLT_LOOP: network
 *  |  IPv4 / IPv6 / OSI packet ...         order
 *
 * A DLT_NULL file does not say which byte order its writer had, but the
 * families are small numbers: when the two high-order octets of one
 * reading are zero that reading is the right one, so we try little-endian
 * and then big-endian.  When neither fits, some systems are known to have
 * put an ethertype in the last two octets (with junk before it), and that
 * is what it is taken for.  0xff03 first is PPP in HDLC framing.
 *
 * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS),
 * 28 (FreeBSD, DragonFly) or 30 (macOS); all go to the "ethertype" table.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define ETHERTYPE_IP		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETH_MIN_TYPE		1536
#define BSD_AF_INET		2
#define BSD_AF_INET6_BSD	24
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

static int proto_null = -1;
static int hf_null_family = -1, hf_null_type = -1;
static const struct dissector *ppp;

static const struct field_def null_fields[] = {
	{ &hf_null_family, "null.family", FT_UINT32, "Family", 0 },
	{ &hf_null_type, "null.type", FT_UINT16, "Type", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
null_init(void)
{
	/* The one other payload a loopback header is known to announce. */
	ppp = proto_find_dissector("ppp");
}

/* The ethertype of a BSD address family, or 0. */
static uint16_t
null_family_type(uint32_t family)
{
	switch (family) {
	case BSD_AF_INET:
		return (ETHERTYPE_IP);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return (ETHERTYPE_IPV6);
	default:
		return (0);
	}
}

static enum dissect_result
null_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *h;
	struct buf payload;
	uint32_t family;
	uint16_t type;
	uint8_t a, c;

	if (buf_peek_u8(b, 0, &a) && buf_peek_u8(b, 1, &c) && a == 0xff &&
	    c == 0x03 && ppp != NULL) {
		/* HDLC-framed PPP: these octets are PPP's own header. */
		buf_rest(b, &payload);
		(void)call_dissector(ppp, &payload, pinfo, edt);
		return (DISSECT_OK);
	}
	if ((h = buf_ptr(b, 4)) == NULL)
		return (DISSECT_OK);
	if (pinfo->linktype == DLT_LOOP || (h[0] == 0 && h[1] == 0))
		family = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
		    (uint32_t)h[2] << 8 | h[3];
	else if (h[2] == 0 && h[3] == 0)
		family = (uint32_t)h[1] << 8 | h[0];
	else {
		type = (uint16_t)(h[2] << 8 | h[3]);
		field_add_uint(edt, hf_null_type, type);
		buf_rest(b, &payload);
		if (type >= ETH_MIN_TYPE)
			(void)dtable_call(ethertype_table, type, &payload,
			    pinfo, edt);
		return (DISSECT_OK);
	}
	field_add_uint(edt, hf_null_family, family);
	if ((type = null_family_type(family)) != 0) {
		buf_rest(b, &payload);
		(void)dtable_call(ethertype_table, type, &payload, pinfo, edt);
	}
	return (DISSECT_OK);
}

const struct dissector dissector_null = {
	.name = "null",
	.longname = "Null/Loopback",
	.proto = &proto_null,
	.handoff = {
		{ "link", DLT_NULL },
		{ "link", DLT_LOOP },
	},
	.fields = null_fields,
	.init = null_init,
	.dissect = null_dissect,
};
