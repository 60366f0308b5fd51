/*
 * Linux "cooked" capture, version 1 (DLT_LINUX_SLL), the pseudo-header
 * libpcap writes for the "any" device and for links without a usable
 * header.  Described at https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |         packet type           |      ARPHRD_ type (hatype)    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  link-layer address length    |                               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *  |          link-layer address (8 octets, halen used)            |
 *  +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                               |         protocol type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The protocol type is an ethertype when it is 1536 or more (or, for GRE
 * tunnels, a GRE protocol type, which is an ethertype too), and otherwise
 * a Linux ETH_P_ value: 0x0004 means an 802.2 LLC header follows; the
 * others (Novell 802.3, CAN, ...) are left opaque.  Version 2 (sll2.c)
 * reorders the header and shares the rest of this file; both are "sll",
 * as tshark names them, and declare the same field names.
 */
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/sll.h"
#include "dissectors/tables.h"

#define SLL_ADDRLEN		8
#define ETH_MIN_TYPE		1536
#define ARPHRD_IPGRE		778
#define ARPHRD_NETLINK		824
#define LINUX_SLL_P_802_2	0x0004

static int proto_sll = -1;
static int hf_sll_pkttype = -1, hf_sll_hatype = -1, hf_sll_halen = -1,
    hf_sll_src_eth = -1, hf_sll_src_ipv4 = -1, hf_sll_src_other = -1,
    hf_sll_ltype = -1, hf_sll_gretype = -1, hf_sll_etype = -1;
static const struct dissector *llc;

static const struct field_def sll_fields[] = {
	{ &hf_sll_pkttype, "sll.pkttype", FT_UINT16, "Packet type", 0 },
	{ &hf_sll_hatype, "sll.hatype", FT_UINT16, "Link-layer address type", 0 },
	{ &hf_sll_halen, "sll.halen", FT_UINT16, "Link-layer address length", 0 },
	{ &hf_sll_src_eth, "sll.src.eth", FT_ETHER, "Source", 0 },
	{ &hf_sll_src_ipv4, "sll.src.ipv4", FT_IPv4, "Source", 0 },
	{ &hf_sll_src_other, "sll.src.other", FT_BYTES, "Source", 0 },
	{ &hf_sll_ltype, "sll.ltype", FT_UINT16, "Protocol (Linux)", 0 },
	{ &hf_sll_gretype, "sll.gretype", FT_UINT16, "Protocol (GRE)", 0 },
	{ &hf_sll_etype, "sll.etype", FT_UINT16, "Protocol", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
sll_init(void)
{
	llc = proto_find_dissector("llc");
}

void
sll_address(struct packet_info *pinfo, struct dissect *edt, uint16_t hatype,
    uint16_t halen, const uint8_t *addr)
{
	struct address a;

	field_add_uint(edt, hf_sll_halen, halen);
	if (halen == 6) {
		address_set(&a, AT_ETHER, addr, 6);
		pinfo->dl_src = a;
		field_add_addr(edt, hf_sll_src_eth, &a);
	} else if (halen == 4 && hatype == ARPHRD_IPGRE) {
		address_set(&a, AT_IPv4, addr, 4);
		field_add_addr(edt, hf_sll_src_ipv4, &a);
	} else if (halen > 0)
		field_add_bytes(edt, hf_sll_src_other, addr,
		    halen < SLL_ADDRLEN ? halen : SLL_ADDRLEN);
}

void
sll_payload(struct buf *b, struct packet_info *pinfo, struct dissect *edt,
    uint16_t hatype, uint16_t protocol)
{
	struct buf payload;

	buf_rest(b, &payload);
	if (hatype == ARPHRD_NETLINK) {
		/* A netlink family, not a network protocol. */
		field_add_uint(edt, hf_sll_ltype, protocol);
		return;
	}
	if (hatype == ARPHRD_IPGRE) {
		field_add_uint(edt, hf_sll_gretype, protocol);
		(void)dtable_call(ethertype_table, protocol, &payload, pinfo,
		    edt);
		return;
	}
	if (protocol >= ETH_MIN_TYPE) {
		field_add_uint(edt, hf_sll_etype, protocol);
		(void)dtable_call(ethertype_table, protocol, &payload, pinfo,
		    edt);
		return;
	}
	field_add_uint(edt, hf_sll_ltype, protocol);
	if (protocol == LINUX_SLL_P_802_2 && llc != NULL)
		(void)call_dissector(llc, &payload, pinfo, edt);
}

static enum dissect_result
sll_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *addr;
	uint16_t pkttype, hatype, halen, protocol;

	pkttype = buf_be16(b);
	hatype = buf_be16(b);
	halen = buf_be16(b);
	addr = buf_ptr(b, SLL_ADDRLEN);
	protocol = buf_be16(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_sll_pkttype, pkttype);
	field_add_uint(edt, hf_sll_hatype, hatype);
	sll_address(pinfo, edt, hatype, halen, addr);
	sll_payload(b, pinfo, edt, hatype, protocol);
	return (DISSECT_OK);
}

const struct dissector dissector_sll = {
	.name = "sll",
	.longname = "Linux cooked-mode capture",
	.proto = &proto_sll,
	.handoff = { { "link", DLT_LINUX_SLL } },
	.fields = sll_fields,
	.init = sll_init,
	.dissect = sll_dissect,
};
