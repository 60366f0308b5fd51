/*
 * Linux "cooked" capture, version 2 (DLT_LINUX_SLL2): version 1's fields,
 * reordered, plus the interface index.  Described at
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         protocol type         |           reserved            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                        interface index                        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |      ARPHRD_ type (hatype)    |  packet type  |  addr length  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          link-layer address (8 octets, halen used)            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * tshark calls this "sll" too, so this dissector takes that name (the
 * registry gives a repeated name the same protocol and field ids) and
 * leaves the address and protocol type to sll.c.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/sll.h"

#define SLL_ADDRLEN		8

static int proto_sll2 = -1;
static int hf_sll_pkttype = -1, hf_sll_hatype = -1, hf_sll_ifindex = -1;

static const struct field_def sll2_fields[] = {
	{ &hf_sll_pkttype, "sll.pkttype", FT_UINT16, "Packet type", 0 },
	{ &hf_sll_hatype, "sll.hatype", FT_UINT16, "Link-layer address type", 0 },
	{ &hf_sll_ifindex, "sll.ifindex", FT_UINT32, "Interface index", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static enum dissect_result
sll2_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *addr;
	uint32_t ifindex;
	uint16_t protocol, hatype;
	uint8_t pkttype, halen;

	protocol = buf_be16(b);
	(void)buf_be16(b);		/* reserved */
	ifindex = buf_be32(b);
	hatype = buf_be16(b);
	pkttype = buf_u8(b);
	halen = buf_u8(b);
	addr = buf_ptr(b, SLL_ADDRLEN);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_sll_ifindex, ifindex);
	field_add_uint(edt, hf_sll_hatype, hatype);
	field_add_uint(edt, hf_sll_pkttype, pkttype);
	sll_address(pinfo, edt, hatype, halen, addr);
	sll_payload(b, pinfo, edt, hatype, protocol);
	return (DISSECT_OK);
}

const struct dissector dissector_sll2 = {
	.name = "sll",
	.longname = "Linux cooked-mode capture",
	.proto = &proto_sll2,
	.handoff = { { "link", DLT_LINUX_SLL2 } },
	.fields = sll2_fields,
	.dissect = sll2_dissect,
};
