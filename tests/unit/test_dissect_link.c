/*
 * Link-layer and encapsulation dissectors: Ethernet, 802.3/LLC, VLAN tags,
 * ARP, MPLS (with the Ethernet pseudowire), PPP, PPPoE, Linux cooked
 * captures, BSD loopback and raw IP.  Each fixture is a frame as a
 * commented byte array, one comment per layer.  IP payloads are checked
 * only as far as an IP dissector is registered, so these tests do not
 * depend on the network-layer files.
 */
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/taps.h"
#include "testutil.h"

#define LINKTYPE_RAW	101

/* An IPv4 header with no payload (protocol 253, experimental). */
#define IPV4_HDR \
	0x45, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x00, \
	0x40, 0xfd, 0x65, 0xea, 10, 0, 0, 1, 10, 0, 0, 2

/* An IPv6 header with no payload (next header 59, none). */
#define IPV6_HDR \
	0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x40, \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, \
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2

/* An ARP request 10.0.0.1 (6c:f0:49:b2:de:6e) asking for 10.0.0.138. */
#define ARP_REQ \
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, \
	0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e, 10, 0, 0, 1, \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 138

#define MAC_BCAST	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
#define MAC_A		0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e
#define MAC_B		0xca, 0x01, 0x0e, 0x88, 0x00, 0x06

static const uint8_t eth_arp[] = {
	/* eth: broadcast <- 6c:f0:49:b2:de:6e, type ARP */
	MAC_BCAST, MAC_A, 0x08, 0x06,
	/* arp: request */
	ARP_REQ,
};

static const uint8_t eth_8023_snap_arp[] = {
	/* eth: 802.3, length 36 */
	MAC_BCAST, MAC_A, 0x00, 0x24,
	/* llc: SNAP, OUI 0, type ARP */
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x06,
	/* arp */
	ARP_REQ,
	/* Ethernet padding, outside the 802.3 length */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t eth_8023_cdp[] = {
	/* eth: 802.3, length 12 */
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, MAC_A, 0x00, 0x0c,
	/* llc: SNAP, Cisco OUI, pid 0x2000 (CDP) */
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00,
	/* cdp (opaque) */
	0x02, 0xb4, 0x00, 0x00,
};

static const uint8_t eth_llc_stp[] = {
	/* eth: 802.3, length 7 */
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, MAC_A, 0x00, 0x07,
	/* llc: DSAP 0x42, SSAP 0x42, UI */
	0x42, 0x42, 0x03,
	/* stp (opaque) */
	0x00, 0x00, 0x00, 0x00,
};

static const uint8_t eth_vlan_vlan_arp[] = {
	/* eth: type 802.1Q */
	MAC_BCAST, MAC_A, 0x81, 0x00,
	/* vlan: PCP 5, DEI 0, ID 118, type 802.1Q */
	0xa0, 0x76, 0x81, 0x00,
	/* vlan: PCP 0, DEI 1, ID 10, type ARP */
	0x10, 0x0a, 0x08, 0x06,
	/* arp */
	ARP_REQ,
};

static const uint8_t eth_qinq_arp[] = {
	/* eth: type 802.1ad */
	MAC_BCAST, MAC_A, 0x88, 0xa8,
	/* ieee8021ad: ID 30, type 802.1Q */
	0x00, 0x1e, 0x81, 0x00,
	/* vlan: ID 100, type 0x9100 (old Q-in-Q, a vlan too) */
	0x00, 0x64, 0x91, 0x00,
	/* vlan: ID 7, type ARP */
	0x00, 0x07, 0x08, 0x06,
	/* arp */
	ARP_REQ,
};

static const uint8_t eth_vlan_llc[] = {
	/* eth: type 802.1Q */
	0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc, MAC_A, 0x81, 0x00,
	/* vlan: ID 209, length 12 */
	0x00, 0xd1, 0x00, 0x0c,
	/* llc: SNAP, Cisco OUI, CDP */
	0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00,
	/* cdp (opaque) */
	0x02, 0xb4, 0x00, 0x00,
};

static const uint8_t eth_mpls_pw_arp[] = {
	/* eth: type MPLS */
	MAC_B, MAC_A, 0x88, 0x47,
	/* mpls: label 18, exp 0, not bottom, TTL 254 */
	0x00, 0x01, 0x20, 0xfe,
	/* mpls: label 16, exp 5, bottom, TTL 255 */
	0x00, 0x01, 0x0b, 0xff,
	/* pwethcw: control word, sequence 7 */
	0x00, 0x00, 0x00, 0x07,
	/* eth: inner, type ARP */
	MAC_BCAST, MAC_B, 0x08, 0x06,
	/* arp */
	ARP_REQ,
};

static const uint8_t eth_mpls_ipv4[] = {
	/* eth: type MPLS */
	MAC_B, MAC_A, 0x88, 0x47,
	/* mpls: label 16000, bottom, TTL 126 */
	0x03, 0xe8, 0x01, 0x7e,
	/* ip */
	IPV4_HDR,
};

static const uint8_t eth_pppoes_lcp[] = {
	/* eth: type PPPoE session */
	MAC_B, MAC_A, 0x88, 0x64,
	/* pppoes: ver 1, type 1, code 0, session 0x0011, length 20 */
	0x11, 0x00, 0x00, 0x11, 0x00, 0x14,
	/* ppp: protocol LCP */
	0xc0, 0x21,
	/* lcp (opaque): Configure-Ack */
	0x02, 0x02, 0x00, 0x12, 0x01, 0x04, 0x05, 0xdc, 0x03, 0x04,
	0xc0, 0x23, 0x05, 0x06, 0x01, 0xfc, 0xcb, 0xfb,
	/* Ethernet padding */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t eth_pppoed_padi[] = {
	/* eth: type PPPoE discovery */
	MAC_BCAST, MAC_A, 0x88, 0x63,
	/* pppoed: ver 1, type 1, PADI, session 0, length 4 */
	0x11, 0x09, 0x00, 0x00, 0x00, 0x04,
	/* tag: Service-Name, empty */
	0x01, 0x01, 0x00, 0x00,
};

static const uint8_t pppoe_link_lcp[] = {
	/* pppoes (DLT_PPP_ETHER, no Ethernet): session 1, length 10 */
	0x11, 0x00, 0x00, 0x01, 0x00, 0x0a,
	/* ppp: address and control present, protocol LCP */
	0xff, 0x03, 0xc0, 0x21,
	/* lcp (opaque) */
	0x09, 0x01, 0x00, 0x06, 0x00, 0x00,
};

static const uint8_t ppp_hdlc_ipv4[] = {
	/* ppp: address, control, protocol IPv4 */
	0xff, 0x03, 0x00, 0x21,
	/* ip */
	IPV4_HDR,
};

static const uint8_t ppp_pfc_lcp[] = {
	/* ppp: no address/control, protocol 0xc021 */
	0xc0, 0x21,
	/* lcp (opaque) */
	0x09, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ppp_pfc_ipv4[] = {
	/* ppp: compressed protocol 0x21 */
	0x21,
	/* ip */
	IPV4_HDR,
};

static const uint8_t sll_arp[] = {
	/* sll: incoming to us (0), hatype 1, halen 6, address, type ARP */
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, MAC_A, 0x00, 0x00, 0x08, 0x06,
	/* arp */
	ARP_REQ,
};

static const uint8_t sll_llc[] = {
	/* sll: outgoing (4), hatype 1, halen 6, protocol 0x0004 (802.2) */
	0x00, 0x04, 0x00, 0x01, 0x00, 0x06, MAC_A, 0x00, 0x00, 0x00, 0x04,
	/* llc: STP SAPs */
	0x42, 0x42, 0x03,
	/* stp (opaque) */
	0x00, 0x00,
};

static const uint8_t sll2_arp[] = {
	/* sll (v2): type ARP, reserved, ifindex 20, hatype 1, pkttype 0,
	 * halen 6, address */
	0x08, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14,
	0x00, 0x01, 0x00, 0x06, MAC_A, 0x00, 0x00,
	/* arp */
	ARP_REQ,
};

static const uint8_t null_le_ipv4[] = {
	/* null: family 2, little-endian */
	0x02, 0x00, 0x00, 0x00,
	/* ip */
	IPV4_HDR,
};

static const uint8_t null_be_ipv6[] = {
	/* null: family 30 (macOS AF_INET6), big-endian */
	0x00, 0x00, 0x00, 0x1e,
	/* ipv6 */
	IPV6_HDR,
};

static const uint8_t null_ethertype_ipv4[] = {
	/* null: junk, then ethertype IPv4 in the last two octets */
	0x0f, 0x00, 0x08, 0x00,
	/* ip */
	IPV4_HDR,
};

static const uint8_t null_unknown[] = {
	/* null: family 7 (OSI), little-endian */
	0x07, 0x00, 0x00, 0x00,
	/* osi (opaque) */
	0x81, 0x00,
};

static const uint8_t null_ppp[] = {
	/* ppp: address, control, protocol LCP (in place of a family) */
	0xff, 0x03, 0xc0, 0x21,
	/* lcp (opaque) */
	0x09, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t loop_ipv4[] = {
	/* null (DLT_LOOP): family 2, network order */
	0x00, 0x00, 0x00, 0x02,
	/* ip */
	IPV4_HDR,
};

static const uint8_t raw_ipv4[] = {
	/* ip */
	IPV4_HDR,
};

static const uint8_t raw_ipv6[] = {
	/* ipv6 */
	IPV6_HDR,
};

struct fixture {
	const char	*name;
	int		 linktype;
	const uint8_t	*p;
	size_t		 len;
};

#define FIX(lt, a)	{ #a, lt, a, sizeof(a) }

static const struct fixture fixtures[] = {
	FIX(DLT_EN10MB, eth_arp),
	FIX(DLT_EN10MB, eth_8023_snap_arp),
	FIX(DLT_EN10MB, eth_8023_cdp),
	FIX(DLT_EN10MB, eth_llc_stp),
	FIX(DLT_EN10MB, eth_vlan_vlan_arp),
	FIX(DLT_EN10MB, eth_qinq_arp),
	FIX(DLT_EN10MB, eth_vlan_llc),
	FIX(DLT_EN10MB, eth_mpls_pw_arp),
	FIX(DLT_EN10MB, eth_mpls_ipv4),
	FIX(DLT_EN10MB, eth_pppoes_lcp),
	FIX(DLT_EN10MB, eth_pppoed_padi),
	FIX(DLT_PPP_ETHER, pppoe_link_lcp),
	FIX(DLT_PPP, ppp_hdlc_ipv4),
	FIX(DLT_PPP, ppp_pfc_lcp),
	FIX(DLT_PPP_SERIAL, ppp_pfc_ipv4),
	FIX(DLT_LINUX_SLL, sll_arp),
	FIX(DLT_LINUX_SLL, sll_llc),
	FIX(DLT_LINUX_SLL2, sll2_arp),
	FIX(DLT_NULL, null_le_ipv4),
	FIX(DLT_NULL, null_be_ipv6),
	FIX(DLT_NULL, null_ethertype_ipv4),
	FIX(DLT_NULL, null_unknown),
	FIX(DLT_NULL, null_ppp),
	FIX(DLT_LOOP, loop_ipv4),
	FIX(LINKTYPE_RAW, raw_ipv4),
	FIX(DLT_RAW, raw_ipv6),
	FIX(DLT_IPV4, raw_ipv4),
	FIX(DLT_IPV6, raw_ipv6),
};

#define NFIXTURES	((int)(sizeof(fixtures) / sizeof(fixtures[0])))

static struct dissect edt;

static void
setup(void)
{
	proto_init();
	test_listen_all();
	dissect_init(&edt);
}

static void
teardown(void)
{
	dissect_free(&edt);
}

static void
run(int linktype, const uint8_t *p, size_t len)
{
	test_dissect(&edt, linktype, p, len, len);
}

static uint64_t
fu(const char *name)
{
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "field %s not recorded (path %s)", name,
	    test_path(&edt));
	return (f->v.u);
}

static void
assert_mac(const char *name, const struct address *a, const uint8_t *want)
{
	ck_assert_msg(a->type == AT_ETHER, "%s: not a MAC", name);
	ck_assert_msg(memcmp(a->data, want, 6) == 0, "%s: wrong MAC", name);
}

static void
assert_ipv4(const char *name, const struct address *a, uint8_t a0, uint8_t a1,
    uint8_t a2, uint8_t a3)
{
	const uint8_t want[4] = { a0, a1, a2, a3 };

	ck_assert_msg(a->type == AT_IPv4, "%s: not IPv4", name);
	ck_assert_msg(memcmp(a->data, want, 4) == 0, "%s: wrong address",
	    name);
}

/*
 * The path is `ours`, followed by `next` when a dissector of that name is
 * registered (the IP dissectors live in other files), and nothing else of
 * ours: an unregistered next layer leaves the path at `ours`.
 */
static void
assert_path_then(const char *ours, const char *next)
{
	const char *p = test_path(&edt);
	char want[128];

	if (proto_find_dissector(next) == NULL) {
		ck_assert_str_eq(p, ours);
		return;
	}
	if (*ours != '\0')
		g_snprintf(want, sizeof(want), "%s:%s", ours, next);
	else
		g_snprintf(want, sizeof(want), "%s", next);
	ck_assert_msg(strncmp(p, want, strlen(want)) == 0 &&
	    (p[strlen(want)] == '\0' || p[strlen(want)] == ':'),
	    "path %s, want %s...", p, want);
}

static const uint8_t mac_a[6] = { MAC_A };
static const uint8_t mac_b[6] = { MAC_B };
static const uint8_t mac_bcast[6] = { MAC_BCAST };

static void
assert_arp_request(int i)
{
	const struct arp_tap *at = test_tap_data(&edt, "arp", i);

	ck_assert_ptr_nonnull(at);
	ck_assert_uint_eq(at->opcode, 1);
	assert_mac("sender_hw", &at->sender_hw, mac_a);
	assert_ipv4("sender_ip", &at->sender_ip, 10, 0, 0, 1);
	ck_assert_uint_eq(at->target_hw.type, AT_ETHER);
	assert_ipv4("target_ip", &at->target_ip, 10, 0, 0, 138);
}

START_TEST(ethernet_arp)
{
	const struct eth_tap *et;
	const struct field_value *f;

	run(DLT_EN10MB, eth_arp, sizeof(eth_arp));
	ck_assert_str_eq(test_path(&edt), "eth:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("eth.type"), 0x0806);
	ck_assert_int_eq(test_field_count(&edt, "eth.addr"), 2);
	f = test_field(&edt, "eth.src");
	ck_assert_ptr_nonnull(f);
	assert_mac("eth.src", &f->v.addr, mac_a);
	f = test_field(&edt, "eth.dst");
	ck_assert_ptr_nonnull(f);
	assert_mac("eth.dst", &f->v.addr, mac_bcast);
	assert_mac("dl_src", &edt.pinfo.dl_src, mac_a);
	assert_mac("dl_dst", &edt.pinfo.dl_dst, mac_bcast);

	ck_assert_int_eq(test_tap_count(&edt, "eth"), 1);
	et = test_tap_data(&edt, "eth", 0);
	ck_assert_ptr_nonnull(et);
	assert_mac("tap src", &et->conv.src, mac_a);
	assert_mac("tap dst", &et->conv.dst, mac_bcast);
	ck_assert_uint_eq(et->type, 0x0806);

	ck_assert_uint_eq(fu("arp.hw.type"), 1);
	ck_assert_uint_eq(fu("arp.proto.type"), 0x0800);
	ck_assert_uint_eq(fu("arp.opcode"), 1);
	f = test_field(&edt, "arp.src.proto_ipv4");
	ck_assert_ptr_nonnull(f);
	assert_ipv4("arp.src.proto_ipv4", &f->v.addr, 10, 0, 0, 1);
	f = test_field(&edt, "arp.dst.proto_ipv4");
	ck_assert_ptr_nonnull(f);
	assert_ipv4("arp.dst.proto_ipv4", &f->v.addr, 10, 0, 0, 138);
	ck_assert_ptr_nonnull(test_field(&edt, "arp.src.hw_mac"));
	ck_assert_ptr_nonnull(test_field(&edt, "arp.dst.hw_mac"));
	ck_assert_int_eq(test_tap_count(&edt, "arp"), 1);
	assert_arp_request(0);
}
END_TEST

START_TEST(ieee8023_llc)
{
	const struct eth_tap *et;

	run(DLT_EN10MB, eth_8023_snap_arp, sizeof(eth_8023_snap_arp));
	ck_assert_str_eq(test_path(&edt), "eth:llc:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("eth.len"), 36);
	ck_assert_int_eq(test_field_count(&edt, "eth.type"), 0);
	ck_assert_uint_eq(fu("llc.dsap"), 0xaa);
	ck_assert_uint_eq(fu("llc.ssap"), 0xaa);
	ck_assert_uint_eq(fu("llc.control"), 0x03);
	ck_assert_uint_eq(fu("llc.oui"), 0);
	ck_assert_uint_eq(fu("llc.type"), 0x0806);
	et = test_tap_data(&edt, "eth", 0);
	ck_assert_ptr_nonnull(et);
	ck_assert_uint_eq(et->type, 36);
	assert_arp_request(0);

	/* A SNAP header for another organisation: recorded, left opaque. */
	run(DLT_EN10MB, eth_8023_cdp, sizeof(eth_8023_cdp));
	ck_assert_str_eq(test_path(&edt), "eth:llc");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("llc.oui"), 0x00000c);
	ck_assert_uint_eq(fu("llc.cisco_pid"), 0x2000);
	ck_assert_int_eq(test_field_count(&edt, "llc.type"), 0);

	/* Plain LLC, no SNAP. */
	run(DLT_EN10MB, eth_llc_stp, sizeof(eth_llc_stp));
	ck_assert_str_eq(test_path(&edt), "eth:llc");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("llc.dsap"), 0x42);
	ck_assert_int_eq(test_field_count(&edt, "llc.oui"), 0);
}
END_TEST

START_TEST(vlan_stacks)
{
	int id = field_find("vlan.id"), i, n = 0;

	run(DLT_EN10MB, eth_vlan_vlan_arp, sizeof(eth_vlan_vlan_arp));
	ck_assert_str_eq(test_path(&edt), "eth:vlan:vlan:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_field_count(&edt, "vlan.id"), 2);
	for (i = 0; i < edt.nfields; i++) {
		if (edt.fields[i].id != id)
			continue;
		ck_assert_uint_eq(edt.fields[i].v.u, n == 0 ? 118 : 10);
		n++;
	}
	ck_assert_uint_eq(fu("vlan.priority"), 5);
	ck_assert_uint_eq(fu("vlan.dei"), 0);
	ck_assert_int_eq(test_field_count(&edt, "vlan.etype"), 2);
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 1);
	assert_arp_request(0);

	run(DLT_EN10MB, eth_qinq_arp, sizeof(eth_qinq_arp));
	ck_assert_str_eq(test_path(&edt), "eth:ieee8021ad:vlan:vlan:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ieee8021ad.id"), 30);
	ck_assert_uint_eq(fu("ieee8021ah.etype"), 0x8100);
	ck_assert_uint_eq(fu("vlan.id"), 100);
	ck_assert_uint_eq(fu("vlan.etype"), 0x9100);

	/* A length instead of a type: LLC follows, as under 802.3. */
	run(DLT_EN10MB, eth_vlan_llc, sizeof(eth_vlan_llc));
	ck_assert_str_eq(test_path(&edt), "eth:vlan:llc");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("vlan.id"), 209);
	ck_assert_uint_eq(fu("vlan.len"), 12);
	ck_assert_uint_eq(fu("llc.cisco_pid"), 0x2000);
}
END_TEST

START_TEST(mpls_stack)
{
	const struct eth_tap *et;
	int id = field_find("mpls.label"), i, n = 0;

	run(DLT_EN10MB, eth_mpls_pw_arp, sizeof(eth_mpls_pw_arp));
	ck_assert_str_eq(test_path(&edt), "eth:mpls:mpls:pwethcw:eth:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_field_count(&edt, "mpls.label"), 2);
	for (i = 0; i < edt.nfields; i++) {
		if (edt.fields[i].id != id)
			continue;
		ck_assert_uint_eq(edt.fields[i].v.u, n == 0 ? 18 : 16);
		n++;
	}
	ck_assert_uint_eq(fu("mpls.ttl"), 254);
	ck_assert_int_eq(test_field_count(&edt, "mpls.bottom"), 2);
	ck_assert_uint_eq(fu("pweth.cw.sequence_number"), 7);
	/* Both Ethernet headers are tapped, outer first. */
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 2);
	et = test_tap_data(&edt, "eth", 0);
	assert_mac("outer src", &et->conv.src, mac_a);
	ck_assert_uint_eq(et->type, 0x8847);
	et = test_tap_data(&edt, "eth", 1);
	assert_mac("inner src", &et->conv.src, mac_b);
	ck_assert_uint_eq(et->type, 0x0806);
	/* The innermost link layer sets the packet's link addresses. */
	assert_mac("dl_src", &edt.pinfo.dl_src, mac_b);
	assert_arp_request(0);

	run(DLT_EN10MB, eth_mpls_ipv4, sizeof(eth_mpls_ipv4));
	assert_path_then("eth:mpls", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("mpls.label"), 16000);
	ck_assert_uint_eq(fu("mpls.bottom"), 1);
	ck_assert_uint_eq(fu("mpls.ttl"), 126);
}
END_TEST

START_TEST(mpls_exp)
{
	run(DLT_EN10MB, eth_mpls_pw_arp, sizeof(eth_mpls_pw_arp));
	ck_assert_int_eq(test_field_count(&edt, "mpls.exp"), 2);
	{
		int id = field_find("mpls.exp"), i, last = -1;

		for (i = 0; i < edt.nfields; i++)
			if (edt.fields[i].id == id)
				last = i;
		ck_assert_int_ge(last, 0);
		ck_assert_uint_eq(edt.fields[last].v.u, 5);
	}
}
END_TEST

START_TEST(pppoe)
{
	run(DLT_EN10MB, eth_pppoes_lcp, sizeof(eth_pppoes_lcp));
	ck_assert_str_eq(test_path(&edt), "eth:pppoes:ppp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("pppoe.version"), 1);
	ck_assert_uint_eq(fu("pppoe.type"), 1);
	ck_assert_uint_eq(fu("pppoe.code"), 0);
	ck_assert_uint_eq(fu("pppoe.session_id"), 0x0011);
	ck_assert_uint_eq(fu("pppoe.payload_length"), 20);
	ck_assert_uint_eq(fu("ppp.protocol"), 0xc021);
	ck_assert_int_eq(test_field_count(&edt, "ppp.address"), 0);

	run(DLT_PPP_ETHER, pppoe_link_lcp, sizeof(pppoe_link_lcp));
	ck_assert_str_eq(test_path(&edt), "pppoes:ppp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ppp.address"), 0xff);
	ck_assert_uint_eq(fu("ppp.protocol"), 0xc021);

	run(DLT_EN10MB, eth_pppoed_padi, sizeof(eth_pppoed_padi));
	ck_assert_str_eq(test_path(&edt), "eth:pppoed");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("pppoe.code"), 0x09);
}
END_TEST

START_TEST(ppp_links)
{
	run(DLT_PPP, ppp_hdlc_ipv4, sizeof(ppp_hdlc_ipv4));
	assert_path_then("ppp", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ppp.address"), 0xff);
	ck_assert_uint_eq(fu("ppp.control"), 0x03);
	ck_assert_uint_eq(fu("ppp.protocol"), 0x0021);

	run(DLT_PPP, ppp_pfc_lcp, sizeof(ppp_pfc_lcp));
	ck_assert_str_eq(test_path(&edt), "ppp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ppp.protocol"), 0xc021);

	run(DLT_PPP_SERIAL, ppp_pfc_ipv4, sizeof(ppp_pfc_ipv4));
	assert_path_then("ppp", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ppp.protocol"), 0x21);
}
END_TEST

START_TEST(linux_cooked)
{
	const struct field_value *f;

	run(DLT_LINUX_SLL, sll_arp, sizeof(sll_arp));
	ck_assert_str_eq(test_path(&edt), "sll:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("sll.pkttype"), 0);
	ck_assert_uint_eq(fu("sll.hatype"), 1);
	ck_assert_uint_eq(fu("sll.halen"), 6);
	ck_assert_uint_eq(fu("sll.etype"), 0x0806);
	f = test_field(&edt, "sll.src.eth");
	ck_assert_ptr_nonnull(f);
	assert_mac("sll.src.eth", &f->v.addr, mac_a);
	assert_mac("dl_src", &edt.pinfo.dl_src, mac_a);
	assert_arp_request(0);

	run(DLT_LINUX_SLL, sll_llc, sizeof(sll_llc));
	ck_assert_str_eq(test_path(&edt), "sll:llc");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("sll.pkttype"), 4);
	ck_assert_uint_eq(fu("sll.ltype"), 4);
	ck_assert_int_eq(test_field_count(&edt, "sll.etype"), 0);

	/* Version 2 is "sll" too, with the same field names. */
	run(DLT_LINUX_SLL2, sll2_arp, sizeof(sll2_arp));
	ck_assert_str_eq(test_path(&edt), "sll:arp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("sll.ifindex"), 20);
	ck_assert_uint_eq(fu("sll.hatype"), 1);
	ck_assert_uint_eq(fu("sll.halen"), 6);
	ck_assert_uint_eq(fu("sll.etype"), 0x0806);
	f = test_field(&edt, "sll.src.eth");
	ck_assert_ptr_nonnull(f);
	assert_mac("sll.src.eth", &f->v.addr, mac_a);
	assert_arp_request(0);
}
END_TEST

START_TEST(bsd_loopback)
{
	run(DLT_NULL, null_le_ipv4, sizeof(null_le_ipv4));
	assert_path_then("null", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("null.family"), 2);

	run(DLT_NULL, null_be_ipv6, sizeof(null_be_ipv6));
	assert_path_then("null", "ipv6");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("null.family"), 30);

	run(DLT_NULL, null_ethertype_ipv4, sizeof(null_ethertype_ipv4));
	assert_path_then("null", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("null.type"), 0x0800);
	ck_assert_int_eq(test_field_count(&edt, "null.family"), 0);

	run(DLT_NULL, null_unknown, sizeof(null_unknown));
	ck_assert_str_eq(test_path(&edt), "null");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("null.family"), 7);

	run(DLT_NULL, null_ppp, sizeof(null_ppp));
	ck_assert_str_eq(test_path(&edt), "null:ppp");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("ppp.protocol"), 0xc021);
	ck_assert_int_eq(test_field_count(&edt, "null.family"), 0);

	run(DLT_LOOP, loop_ipv4, sizeof(loop_ipv4));
	assert_path_then("null", "ip");
	ck_assert_uint_eq(fu("null.family"), 2);
}
END_TEST

START_TEST(raw_ip)
{
	run(LINKTYPE_RAW, raw_ipv4, sizeof(raw_ipv4));
	assert_path_then("raw", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);

	run(DLT_RAW, raw_ipv6, sizeof(raw_ipv6));
	assert_path_then("raw", "ipv6");
	ck_assert_int_eq(edt.err, BUF_OK);

	/* tshark shows no layer for the version-specific link types. */
	run(DLT_IPV4, raw_ipv4, sizeof(raw_ipv4));
	assert_path_then("", "ip");
	ck_assert_int_eq(edt.err, BUF_OK);

	run(DLT_IPV6, raw_ipv6, sizeof(raw_ipv6));
	assert_path_then("", "ipv6");
	ck_assert_int_eq(edt.err, BUF_OK);
}
END_TEST

/* Fields are recorded only when wanted; taps only when listened to. */
START_TEST(nothing_wanted)
{
	atomic_store(&field_want_everything, 0);
	dissect_begin(&edt, 1, 0, 0, 0.0, sizeof(eth_vlan_vlan_arp),
	    sizeof(eth_vlan_vlan_arp), DLT_EN10MB);
	dissect_frame(&edt, eth_vlan_vlan_arp);
	ck_assert_str_eq(test_path(&edt), "eth:vlan:vlan:arp");
	ck_assert_int_eq(test_field_count(&edt, "vlan.id"), 0);
}
END_TEST

/* Every truncation of every valid fixture: truncated at worst, never
 * malformed, and the layers found are a prefix of the full path. */
START_TEST(truncations)
{
	const struct fixture *fx = &fixtures[_i];
	char full[256];
	size_t caplen;

	test_dissect(&edt, fx->linktype, fx->p, fx->len, fx->len);
	ck_assert_msg(edt.err == BUF_OK, "%s: %d", fx->name, edt.err);
	g_strlcpy(full, test_path(&edt), sizeof(full));
	for (caplen = 0; caplen < fx->len; caplen++) {
		const char *p;

		test_dissect(&edt, fx->linktype, fx->p, caplen, fx->len);
		ck_assert_msg(edt.err == BUF_OK || edt.err == BUF_TRUNCATED,
		    "%s caplen %zu: err %d", fx->name, caplen, edt.err);
		p = test_path(&edt);
		ck_assert_msg(strncmp(full, p, strlen(p)) == 0,
		    "%s caplen %zu: path %s not a prefix of %s", fx->name,
		    caplen, p, full);
	}
}
END_TEST

static int
proto_id(const char *name)
{
	int id = field_find(name);

	ck_assert_int_ge(id, 0);
	return (id);
}

START_TEST(malformed_8023_length)
{
	uint8_t f[sizeof(eth_8023_snap_arp)];
	uint64_t before = dissect_malformed_count(proto_id("eth"));

	memcpy(f, eth_8023_snap_arp, sizeof(f));
	f[12] = 0x05;			/* length 1500 in a 60-octet frame */
	f[13] = 0xdc;
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("eth"));
	ck_assert_uint_eq(dissect_malformed_count(proto_id("eth")),
	    before + 1);
	/* What is there is still dissected, as tshark does. */
	ck_assert_str_eq(test_path(&edt), "eth:llc:arp");
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 1);
}
END_TEST

START_TEST(malformed_vlan_stack)
{
	enum { TAGS = 100 };
	static uint8_t f[14 + 4 * TAGS + 28];
	uint64_t before = dissect_malformed_count(proto_id("vlan"));
	size_t i;

	memcpy(f, eth_vlan_vlan_arp, 14);
	for (i = 0; i < TAGS; i++) {
		f[14 + 4 * i] = 0x00;
		f[14 + 4 * i + 1] = (uint8_t)(i + 1);
		f[14 + 4 * i + 2] = 0x81;
		f[14 + 4 * i + 3] = 0x00;
	}
	f[14 + 4 * TAGS - 2] = 0x08;	/* the last tag says ARP */
	f[14 + 4 * TAGS - 1] = 0x06;
	memcpy(f + 14 + 4 * TAGS, eth_arp + 14, 28);
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("vlan"));
	ck_assert_uint_eq(dissect_malformed_count(proto_id("vlan")),
	    before + 1);
	ck_assert_int_le(edt.nlayers, PACKET_DEPTH_MAX);
	ck_assert_int_eq(test_tap_count(&edt, "arp"), 0);
}
END_TEST

START_TEST(malformed_mpls_no_bottom)
{
	/* eth, then labels that never set the bottom bit, to the end. */
	static uint8_t f[14 + 4 * 3];
	static uint8_t deep[14 + 4 * 60];
	uint64_t before = dissect_malformed_count(proto_id("mpls"));
	size_t i;

	memcpy(f, eth_mpls_ipv4, 14);
	for (i = 14; i < sizeof(f); i += 4) {
		f[i] = 0x00; f[i + 1] = 0x01; f[i + 2] = 0x00; f[i + 3] = 0x40;
	}
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_str_eq(test_path(&edt), "eth:mpls:mpls:mpls");
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("mpls"));
	ck_assert_uint_eq(dissect_malformed_count(proto_id("mpls")),
	    before + 1);

	/* Cut short by the capture rather than by the packet: truncated. */
	test_dissect(&edt, DLT_EN10MB, f, sizeof(f), sizeof(f) + 4);
	ck_assert_int_eq(edt.err, BUF_TRUNCATED);

	/* Far more labels than the depth cap allows. */
	memcpy(deep, eth_mpls_ipv4, 14);
	for (i = 14; i < sizeof(deep); i += 4) {
		deep[i] = 0x00; deep[i + 1] = 0x01;
		deep[i + 2] = 0x00; deep[i + 3] = 0x40;
	}
	run(DLT_EN10MB, deep, sizeof(deep));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("mpls"));
	ck_assert_int_le(edt.nlayers, PACKET_DEPTH_MAX);
}
END_TEST

START_TEST(malformed_pppoe_length)
{
	uint8_t f[sizeof(eth_pppoes_lcp)];

	memcpy(f, eth_pppoes_lcp, sizeof(f));
	f[18] = 0x01;			/* payload length 276 */
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("pppoes"));
	ck_assert_str_eq(test_path(&edt), "eth:pppoes:ppp");
}
END_TEST

START_TEST(malformed_arp_lengths)
{
	uint8_t f[sizeof(eth_arp)];

	memcpy(f, eth_arp, sizeof(f));
	f[18] = 0xff;			/* hardware address length 255 */
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_eq(edt.err_proto, proto_id("arp"));
	ck_assert_int_eq(test_tap_count(&edt, "arp"), 0);
	ck_assert_str_eq(test_path(&edt), "eth:arp");
}
END_TEST

/* Odd values that are not errors: recorded, and dissection stops. */
START_TEST(odd_but_valid)
{
	uint8_t f[sizeof(eth_arp)];

	memcpy(f, eth_arp, sizeof(f));
	f[12] = 0x05;			/* 0x05ff: neither length nor type */
	f[13] = 0xff;
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_str_eq(test_path(&edt), "eth");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("eth.invalid_lentype"), 0x05ff);

	f[12] = 0x88;			/* 0x88b5: local experimental */
	f[13] = 0xb5;
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_str_eq(test_path(&edt), "eth");
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(fu("eth.type"), 0x88b5);

	/* An ARP for something other than Ethernet/IPv4: bytes only. */
	memcpy(f, eth_arp, sizeof(f));
	f[17] = 0x06;			/* protocol type 0x0806: not IPv4 */
	run(DLT_EN10MB, f, sizeof(f));
	ck_assert_str_eq(test_path(&edt), "eth:arp");
	ck_assert_int_eq(test_field_count(&edt, "arp.src.proto_ipv4"), 0);
	ck_assert_int_eq(test_field_count(&edt, "arp.src.proto"), 1);
	{
		const struct arp_tap *at = test_tap_data(&edt, "arp", 0);

		ck_assert_ptr_nonnull(at);
		ck_assert_uint_eq(at->sender_ip.type, AT_NONE);
		ck_assert_uint_eq(at->sender_hw.type, AT_ETHER);
	}
}
END_TEST

Suite *
suite_dissect_link(void)
{
	Suite *s = suite_create("dissect_link");
	TCase *tc = tcase_create("valid");
	TCase *bad = tcase_create("malformed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ethernet_arp);
	tcase_add_test(tc, ieee8023_llc);
	tcase_add_test(tc, vlan_stacks);
	tcase_add_test(tc, mpls_stack);
	tcase_add_test(tc, mpls_exp);
	tcase_add_test(tc, pppoe);
	tcase_add_test(tc, ppp_links);
	tcase_add_test(tc, linux_cooked);
	tcase_add_test(tc, bsd_loopback);
	tcase_add_test(tc, raw_ip);
	tcase_add_test(tc, nothing_wanted);
	tcase_add_loop_test(tc, truncations, 0, NFIXTURES);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, malformed_8023_length);
	tcase_add_test(bad, malformed_vlan_stack);
	tcase_add_test(bad, malformed_mpls_no_bottom);
	tcase_add_test(bad, malformed_pppoe_length);
	tcase_add_test(bad, malformed_arp_lengths);
	tcase_add_test(bad, odd_but_valid);
	suite_add_tcase(s, bad);
	return (s);
}
