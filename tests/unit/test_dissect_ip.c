/*
 * Network, transport and tunnel dissectors: IPv4 (options, fragments),
 * IPv6 (extension headers, fragments, jumbograms), AH, ICMP and ICMPv6
 * (with their quoted datagrams), TCP, UDP, GRE and VXLAN.  Each fixture is
 * an Ethernet frame as a commented byte array, one comment per layer.
 * Checksums are left zero: nothing here verifies them.  Ports 33333 and
 * 44444 are chosen so that no application dissector claims the payload.
 */
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"
#include "testutil.h"

#define ETH(t1, t2) \
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, \
	0xbb, t1, t2
#define ETH_IP		ETH(0x08, 0x00)
#define ETH_IPV6	ETH(0x86, 0xdd)

#define A1	10, 0, 0, 1
#define A2	10, 0, 0, 2
#define A3	192, 168, 1, 1
#define A4	192, 168, 1, 2
#define A6_1	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
#define A6_2	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2

/* An IPv4 header without options: total length, protocol, addresses. */
#define IP4(len, proto, src, dst) \
	0x45, 0x00, (len) >> 8, (len) & 0xff, 0x12, 0x34, 0x40, 0x00, \
	64, proto, 0x00, 0x00, src, dst

/* An IPv6 header: payload length, next header, addresses. */
#define IP6(plen, nxt, src, dst) \
	0x60, 0x00, 0x00, 0x00, (plen) >> 8, (plen) & 0xff, nxt, 64, src, dst

/* A UDP header from 33333 to 44444 with the given length. */
#define UDP(len) 0x82, 0x35, 0xad, 0x9c, (len) >> 8, (len) & 0xff, 0x00, 0x00

static const uint8_t ipv4_tcp_opts[] = {
	/* eth */
	ETH_IP,
	/* ip: 10.0.0.1 -> 10.0.0.2, length 64, TCP */
	IP4(64, 6, A1, A2),
	/* tcp: 33333 -> 44444, seq 0x01020304, ack 0x0a0b0c0d, offset 10
	 * (40 bytes), SYN+ACK, window 65535 */
	0x82, 0x35, 0xad, 0x9c, 0x01, 0x02, 0x03, 0x04,
	0x0a, 0x0b, 0x0c, 0x0d, 0xa0, 0x12, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	/* tcp options: MSS 1460, SACK permitted, timestamps 1/2, NOP,
	 * window scale 7 */
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x03, 0x03, 0x07,
	/* payload */
	'a', 'b', 'c', 'd',
};

static const uint8_t ipv4_tcp_padded[] = {
	/* eth */
	ETH_IP,
	/* ip: length 40, TCP */
	IP4(40, 6, A1, A2),
	/* tcp: 33333 -> 44444, offset 5, ACK, no payload */
	0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x50, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* Ethernet padding to 60 bytes: not TCP payload */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ipv4_options_udp[] = {
	/* eth */
	ETH_IP,
	/* ip: header length 32, total 40, UDP */
	0x48, 0x00, 0x00, 0x28, 0x12, 0x34, 0x00, 0x00,
	64, 17, 0x00, 0x00, A1, A2,
	/* ip options: record route (one empty slot), NOP, EOL, padding */
	0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t ipv4_lsrr_icmp[] = {
	/* eth */
	ETH_IP,
	/* ip: header length 28, total 36, ICMP, to the first hop 10.0.0.2 */
	0x47, 0x00, 0x00, 0x24, 0x12, 0x34, 0x00, 0x00,
	64, 1, 0x00, 0x00, A1, A2,
	/* ip options: NOP, loose source route, pointer 4, via 10.9.9.9 */
	0x01, 0x83, 0x07, 0x04, 10, 9, 9, 9,
	/* icmp: echo request, id 0x1234, seq 1 */
	0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01,
};

static const uint8_t ipv4_frag_first[] = {
	/* eth */
	ETH_IP,
	/* ip: length 44, MF, offset 0, UDP */
	0x45, 0x00, 0x00, 0x2c, 0x56, 0x78, 0x20, 0x00,
	64, 17, 0x00, 0x00, A1, A2,
	/* udp: length 1480, most of it in later fragments */
	UDP(1480),
	/* the first 16 bytes of the datagram */
	'0', '1', '2', '3', '4', '5', '6', '7',
	'8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
};

static const uint8_t ipv4_frag_later[] = {
	/* eth */
	ETH_IP,
	/* ip: length 36, offset 185 (1480 bytes), last fragment, UDP */
	0x45, 0x00, 0x00, 0x24, 0x56, 0x78, 0x00, 0xb9,
	64, 17, 0x00, 0x00, A1, A2,
	/* data, no transport header */
	'0', '1', '2', '3', '4', '5', '6', '7',
	'8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
};

static const uint8_t ipv6_ext_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: 2001:db8::1 -> 2001:db8::2, payload 44, hop-by-hop */
	IP6(44, 0, A6_1, A6_2),
	/* ipv6.hopopts: next routing, PadN of 4 */
	43, 0, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* ipv6.routing: next destination options, type 0, 0 segments left */
	60, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
	/* ipv6.dstopts: next fragment, six Pad1 */
	44, 0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* ipv6.fraghdr: next UDP, offset 0, M, id 0xdeadbeef */
	17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,
	/* udp: length 12 */
	UDP(12),
	'a', 'b', 'c', 'd',
};

static const uint8_t ipv6_frag_later[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: payload 16, fragment header */
	IP6(16, 44, A6_1, A6_2),
	/* ipv6.fraghdr: next UDP, offset 1480, M, id 0xdeadbeef */
	17, 0, 0x05, 0xc9, 0xde, 0xad, 0xbe, 0xef,
	/* data, no transport header */
	'0', '1', '2', '3', '4', '5', '6', '7',
};

static const uint8_t ipv6_route_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: to the first hop 2001:db8::2, payload 32, routing */
	IP6(32, 43, A6_1, A6_2),
	/* ipv6.routing: next UDP, length 2, type 0, 1 segment left,
	 * via 2001:db8::9 */
	17, 2, 0, 1, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9,
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t ipv6_ah_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: payload 32, AH */
	IP6(32, 51, A6_1, A6_2),
	/* ah: next UDP, length 4 (24 bytes), spi 0x100, seq 7, 12-byte ICV */
	17, 4, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x33, 0x33, 0x33, 0x33,
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t ipv6_jumbo_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: payload length 0, hop-by-hop */
	IP6(0, 0, A6_1, A6_2),
	/* ipv6.hopopts: next UDP, jumbo payload length 16 */
	17, 0, 0xc2, 0x04, 0x00, 0x00, 0x00, 0x10,
	/* udp: length 0, a jumbogram's (RFC 2675) */
	UDP(0),
	/* trailer past the jumbo length: not UDP's */
	0xee, 0xee,
};

static const uint8_t ipv6_tso_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: payload length 0 left by segmentation offload, UDP */
	IP6(0, 17, A6_1, A6_2),
	/* udp: length 12 */
	UDP(12),
	'a', 'b', 'c', 'd',
};

static const uint8_t icmp_echo[] = {
	/* eth */
	ETH_IP,
	/* ip: length 32, ICMP */
	IP4(32, 1, A1, A2),
	/* icmp: echo request, id 0x1234, seq 1 */
	0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01,
	'p', 'i', 'n', 'g',
};

static const uint8_t icmp_unreach_udp[] = {
	/* eth */
	ETH_IP,
	/* ip: 10.0.0.2 -> 10.0.0.1, length 56, ICMP */
	IP4(56, 1, A2, A1),
	/* icmp: destination unreachable, port unreachable */
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* quoted ip: 192.168.1.1 -> 192.168.1.2, claims 128 bytes, UDP */
	IP4(128, 17, A3, A4),
	/* quoted udp: claims 108 bytes, of which none are quoted */
	UDP(108),
};

static const uint8_t icmpv6_unreach_udp[] = {
	/* eth */
	ETH_IPV6,
	/* ipv6: 2001:db8::2 -> 2001:db8::1, payload 56, ICMPv6 */
	IP6(56, 58, A6_2, A6_1),
	/* icmpv6: destination unreachable, port unreachable */
	0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* quoted ipv6: claims a 100-byte payload, UDP */
	IP6(100, 17, A6_1, A6_2),
	/* quoted udp: claims 100 bytes */
	UDP(100),
};

static const uint8_t ip_in_ip[] = {
	/* eth */
	ETH_IP,
	/* ip: 10.0.0.1 -> 10.0.0.2, length 48, IP in IP */
	IP4(48, 4, A1, A2),
	/* ip: 192.168.1.1 -> 192.168.1.2, length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t ip_in_ip_frag[] = {
	/* eth */
	ETH_IP,
	/* ip: length 48, MF, offset 0, IP in IP */
	0x45, 0x00, 0x00, 0x30, 0x56, 0x78, 0x20, 0x00,
	64, 4, 0x00, 0x00, A1, A2,
	/* ip: length 100, most of it in the outer datagram's later
	 * fragments, UDP */
	IP4(100, 17, A3, A4),
	/* udp: length 80 */
	UDP(80),
};

static const uint8_t ipv6_in_ip[] = {
	/* eth */
	ETH_IP,
	/* ip: length 68, IPv6 */
	IP4(68, 41, A1, A2),
	/* ipv6: payload 8, UDP */
	IP6(8, 17, A6_1, A6_2),
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t gre_ip[] = {
	/* eth */
	ETH_IP,
	/* ip: length 56, GRE */
	IP4(56, 47, A1, A2),
	/* gre: key present, protocol IPv4, key 42 */
	0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x2a,
	/* ip: length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t gre_eth[] = {
	/* eth */
	ETH_IP,
	/* ip: length 66, GRE */
	IP4(66, 47, A1, A2),
	/* gre: no options, protocol transparent Ethernet bridging */
	0x00, 0x00, 0x65, 0x58,
	/* eth */
	ETH_IP,
	/* ip: length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp: length 8 */
	UDP(8),
};

static const uint8_t gre_pptp[] = {
	/* eth */
	ETH_IP,
	/* ip: length 32, GRE */
	IP4(32, 47, A1, A2),
	/* gre: version 1 (PPTP), key and ack present, protocol PPP,
	 * payload length 0, call id 7, ack 3 */
	0x20, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x03,
};

static const uint8_t vxlan_icmp[] = {
	/* eth */
	ETH_IP,
	/* ip: length 78, UDP */
	IP4(78, 17, A1, A2),
	/* udp: 33333 -> 4789, length 58 */
	0x82, 0x35, 0x12, 0xb5, 0x00, 0x3a, 0x00, 0x00,
	/* vxlan: I flag, VNI 100 */
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,
	/* eth */
	ETH_IP,
	/* ip: length 28, ICMP */
	IP4(28, 1, A3, A4),
	/* icmp: echo reply, id 1, seq 2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02,
};

struct fixture {
	const char	*name;
	const uint8_t	*p;
	size_t		 len;
	const char	*path;
	/* The path when the frame is cut short, if another: a fragment
	 * captured whole is held for reassembly (a "data" layer), one cut
	 * short is dissected as it is, as tshark does. */
	const char	*cut_path;
};

#define FIX(a, path)	{ #a, a, sizeof(a), path, NULL }
#define FIX_CUT(a, path, cut)	{ #a, a, sizeof(a), path, cut }

static const struct fixture fixtures[] = {
	FIX(ipv4_tcp_opts, "eth:ip:tcp"),
	FIX(ipv4_tcp_padded, "eth:ip:tcp"),
	FIX(ipv4_options_udp, "eth:ip:udp"),
	FIX(ipv4_lsrr_icmp, "eth:ip:icmp"),
	FIX_CUT(ipv4_frag_first, "eth:ip:data", "eth:ip:udp"),
	FIX(ipv4_frag_later, "eth:ip:data"),
	FIX_CUT(ipv6_ext_udp,
	    "eth:ipv6:ipv6.hopopts:ipv6.routing:ipv6.dstopts:ipv6.fraghdr:data",
	    "eth:ipv6:ipv6.hopopts:ipv6.routing:ipv6.dstopts:ipv6.fraghdr:udp"),
	FIX(ipv6_frag_later, "eth:ipv6:ipv6.fraghdr:data"),
	FIX(ipv6_route_udp, "eth:ipv6:ipv6.routing:udp"),
	FIX(ipv6_ah_udp, "eth:ipv6:ah:udp"),
	FIX(ipv6_jumbo_udp, "eth:ipv6:ipv6.hopopts:udp"),
	FIX(ipv6_tso_udp, "eth:ipv6:udp"),
	FIX(icmp_echo, "eth:ip:icmp"),
	FIX(icmp_unreach_udp, "eth:ip:icmp:ip:udp"),
	FIX(icmpv6_unreach_udp, "eth:ipv6:icmpv6:ipv6:udp"),
	FIX(ip_in_ip, "eth:ip:ip:udp"),
	FIX_CUT(ip_in_ip_frag, "eth:ip:data", "eth:ip:ip:udp"),
	FIX(ipv6_in_ip, "eth:ip:ipv6:udp"),
	FIX(gre_ip, "eth:ip:gre:ip:udp"),
	FIX(gre_eth, "eth:ip:gre:eth:ip:udp"),
	FIX(gre_pptp, "eth:ip:gre"),
	FIX(vxlan_icmp, "eth:ip:udp:vxlan:eth:ip:icmp"),
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
run(const uint8_t *p, size_t len)
{
	test_dissect(&edt, DLT_EN10MB, p, len, len);
}

static uint64_t
uval(const char *name)
{
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	return (f->v.u);
}

static const char *
aval(const char *name)
{
	static char s[ADDR_STRLEN];
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	return (address_to_str(&f->v.addr, s));
}

static const char *
astr(const struct address *a)
{
	static char s[4][ADDR_STRLEN];
	static int k;

	k = (k + 1) % 4;
	return (address_to_str(a, s[k]));
}

static const char *
err_proto(void)
{
	return (edt.err == BUF_OK ? "-" : proto_name(edt.err_proto));
}

/* Every fixture: the expected path, cleanly. */
START_TEST(paths)
{
	const struct fixture *fx = &fixtures[_i];

	run(fx->p, fx->len);
	ck_assert_msg(edt.err == BUF_OK, "%s: err %d in %s", fx->name,
	    edt.err, err_proto());
	ck_assert_msg(strcmp(test_path(&edt), fx->path) == 0, "%s: %s",
	    fx->name, test_path(&edt));
}
END_TEST

/* Every truncation of every fixture: "ok" or "truncated", never worse,
 * and the path a prefix of the whole frame's. */
START_TEST(truncations)
{
	const struct fixture *fx = &fixtures[_i];
	size_t caplen;

	for (caplen = 0; caplen < fx->len; caplen++) {
		const char *p;

		test_dissect(&edt, DLT_EN10MB, fx->p, caplen, fx->len);
		ck_assert_msg(edt.err == BUF_OK || edt.err == BUF_TRUNCATED,
		    "%s caplen %zu: err %d in %s", fx->name, caplen, edt.err,
		    err_proto());
		p = test_path(&edt);
		ck_assert_msg(strncmp(fx->path, p, strlen(p)) == 0 ||
		    (fx->cut_path != NULL &&
		    strncmp(fx->cut_path, p, strlen(p)) == 0),
		    "%s caplen %zu: path %s", fx->name, caplen, p);
	}
}
END_TEST

START_TEST(ipv4_tcp)
{
	const struct ip_tap *ip;
	const struct tcp_tap *tcp;

	run(ipv4_tcp_opts, sizeof(ipv4_tcp_opts));
	ck_assert_uint_eq(uval("ip.version"), 4);
	ck_assert_uint_eq(uval("ip.hdr_len"), 20);
	ck_assert_uint_eq(uval("ip.len"), 64);
	ck_assert_uint_eq(uval("ip.id"), 0x1234);
	ck_assert_uint_eq(uval("ip.flags"), 2);
	ck_assert_uint_eq(uval("ip.flags.df"), 1);
	ck_assert_uint_eq(uval("ip.flags.mf"), 0);
	ck_assert_uint_eq(uval("ip.ttl"), 64);
	ck_assert_uint_eq(uval("ip.proto"), 6);
	ck_assert_str_eq(aval("ip.src"), "10.0.0.1");
	ck_assert_str_eq(aval("ip.dst"), "10.0.0.2");
	ck_assert_int_eq(test_field_count(&edt, "ip.addr"), 2);

	ck_assert_uint_eq(uval("tcp.srcport"), 33333);
	ck_assert_uint_eq(uval("tcp.dstport"), 44444);
	ck_assert_int_eq(test_field_count(&edt, "tcp.port"), 2);
	ck_assert_uint_eq(uval("tcp.seq_raw"), 0x01020304);
	ck_assert_uint_eq(uval("tcp.ack_raw"), 0x0a0b0c0d);
	ck_assert_uint_eq(uval("tcp.hdr_len"), 40);
	ck_assert_uint_eq(uval("tcp.flags"), 0x012);
	ck_assert_uint_eq(uval("tcp.flags.syn"), 1);
	ck_assert_uint_eq(uval("tcp.flags.ack"), 1);
	ck_assert_uint_eq(uval("tcp.flags.fin"), 0);
	ck_assert_uint_eq(uval("tcp.window_size_value"), 65535);
	ck_assert_uint_eq(uval("tcp.len"), 4);
	ck_assert_uint_eq(uval("tcp.options.mss_val"), 1460);
	ck_assert_uint_eq(uval("tcp.options.wscale.shift"), 7);
	ck_assert_uint_eq(uval("tcp.options.timestamp.tsval"), 1);
	ck_assert_uint_eq(uval("tcp.options.timestamp.tsecr"), 2);
	ck_assert_int_eq(test_field_count(&edt, "tcp.option_kind"), 5);

	ck_assert_uint_eq(edt.pinfo.srcport, 33333);
	ck_assert_uint_eq(edt.pinfo.destport, 44444);
	ck_assert_str_eq(astr(&edt.pinfo.net_src), "10.0.0.1");

	ck_assert_int_eq(test_tap_count(&edt, "ip"), 1);
	ip = test_tap_data(&edt, "ip", 0);
	ck_assert_ptr_nonnull(ip);
	ck_assert_uint_eq(ip->version, 4);
	ck_assert_uint_eq(ip->proto, 6);
	ck_assert_uint_eq(ip->len, 64);
	ck_assert_str_eq(astr(&ip->conv.src), "10.0.0.1");
	ck_assert_int_eq(test_tap_count(&edt, "tcp"), 1);
	tcp = test_tap_data(&edt, "tcp", 0);
	ck_assert_ptr_nonnull(tcp);
	ck_assert_uint_eq(tcp->conv.sport, 33333);
	ck_assert_uint_eq(tcp->conv.dport, 44444);
	ck_assert_uint_eq(tcp->flags, 0x012);
	ck_assert_uint_eq(tcp->conv.seq, 0x01020304);
	ck_assert_uint_eq(tcp->conv.opens, 0);	/* a SYN/ACK */
	ck_assert_uint_eq(tcp->hdr_len, 40);
	ck_assert_uint_eq(tcp->payload_len, 4);
	ck_assert_str_eq(astr(&tcp->conv.dst), "10.0.0.2");

	/* The padding after the datagram is not TCP's. */
	run(ipv4_tcp_padded, sizeof(ipv4_tcp_padded));
	ck_assert_uint_eq(uval("tcp.len"), 0);
	tcp = test_tap_data(&edt, "tcp", 0);
	ck_assert_uint_eq(tcp->payload_len, 0);
}
END_TEST

START_TEST(ipv4_options)
{
	run(ipv4_options_udp, sizeof(ipv4_options_udp));
	ck_assert_uint_eq(uval("ip.hdr_len"), 32);
	/* record route, NOP, EOL */
	ck_assert_int_eq(test_field_count(&edt, "ip.opt.type"), 3);
	ck_assert_uint_eq(uval("ip.opt.len"), 7);
	ck_assert_uint_eq(uval("udp.length"), 8);

	/* With a source route, ip.dst is where the datagram is going. */
	run(ipv4_lsrr_icmp, sizeof(ipv4_lsrr_icmp));
	ck_assert_str_eq(aval("ip.dst"), "10.9.9.9");
	ck_assert_str_eq(aval("ip.cur_rt"), "10.0.0.2");
	ck_assert_str_eq(astr(&edt.pinfo.net_dst), "10.9.9.9");
	ck_assert_uint_eq(uval("icmp.type"), 8);
}
END_TEST

START_TEST(ipv4_fragments)
{
	const struct ip_tap *ip;

	/* A first fragment captured whole is held for reassembly. */
	run(ipv4_frag_first, sizeof(ipv4_frag_first));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 1);
	ck_assert_uint_eq(uval("data.len"), 24);

	/* Cut by the snaplen it is not: it is handed on, and UDP's length
	 * runs past it, which is not an error in a fragment. */
	test_dissect(&edt, DLT_EN10MB, ipv4_frag_first,
	    sizeof(ipv4_frag_first) - 1, sizeof(ipv4_frag_first));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uval("ip.flags.mf"), 1);
	ck_assert_uint_eq(uval("ip.frag_offset"), 0);
	ck_assert_uint_eq(uval("udp.length"), 1480);
	ip = test_tap_data(&edt, "ip", 0);
	ck_assert_uint_eq(ip->more_frags, 1);
	ck_assert_uint_eq(ip->frag_offset, 0);

	/* A later one has no transport header. */
	run(ipv4_frag_later, sizeof(ipv4_frag_later));
	ck_assert_uint_eq(uval("ip.frag_offset"), 185);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
	ip = test_tap_data(&edt, "ip", 0);
	ck_assert_uint_eq(ip->frag_offset, 1480);
	ck_assert_uint_eq(ip->more_frags, 0);
	ck_assert_uint_eq(edt.pinfo.srcport, 0);
}
END_TEST

START_TEST(ipv6_extensions)
{
	const struct ip_tap *ip;

	run(ipv6_ext_udp, sizeof(ipv6_ext_udp));
	ck_assert_uint_eq(uval("ipv6.version"), 6);
	ck_assert_uint_eq(uval("ipv6.plen"), 44);
	ck_assert_uint_eq(uval("ipv6.nxt"), 0);
	ck_assert_uint_eq(uval("ipv6.hlim"), 64);
	ck_assert_str_eq(aval("ipv6.src"), "2001:db8::1");
	ck_assert_str_eq(aval("ipv6.dst"), "2001:db8::2");
	ck_assert_int_eq(test_field_count(&edt, "ipv6.addr"), 2);
	ck_assert_uint_eq(uval("ipv6.hopopts.nxt"), 43);
	ck_assert_uint_eq(uval("ipv6.routing.nxt"), 60);
	ck_assert_uint_eq(uval("ipv6.dstopts.nxt"), 44);
	ck_assert_uint_eq(uval("ipv6.fraghdr.nxt"), 17);
	ck_assert_uint_eq(uval("ipv6.fraghdr.offset"), 0);
	ck_assert_uint_eq(uval("ipv6.fraghdr.more"), 1);
	ck_assert_uint_eq(uval("ipv6.fraghdr.ident"), 0xdeadbeef);
	/* Held for reassembly: not tapped, as in tshark. */
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 0);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
	/* Cut short, it is dissected as it is. */
	test_dissect(&edt, DLT_EN10MB, ipv6_ext_udp, sizeof(ipv6_ext_udp) - 1,
	    sizeof(ipv6_ext_udp));
	ck_assert_uint_eq(uval("udp.length"), 12);
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 1);
	ip = test_tap_data(&edt, "ipv6", 0);
	ck_assert_uint_eq(ip->version, 6);
	ck_assert_uint_eq(ip->proto, 17);
	ck_assert_uint_eq(ip->len, 40 + 44);
	ck_assert_uint_eq(ip->more_frags, 1);
	ck_assert_str_eq(astr(&ip->conv.dst), "2001:db8::2");

	/* A later fragment is not tapped, as in tshark. */
	run(ipv6_frag_later, sizeof(ipv6_frag_later));
	ck_assert_uint_eq(uval("ipv6.fraghdr.offset"), 185);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 0);

	/* A source route: the transport's destination is its last hop;
	 * ipv6.dst and the tap keep the header's. */
	run(ipv6_route_udp, sizeof(ipv6_route_udp));
	ck_assert_uint_eq(uval("ipv6.routing.segleft"), 1);
	ck_assert_str_eq(aval("ipv6.dst"), "2001:db8::2");
	ck_assert_str_eq(astr(&edt.pinfo.net_dst), "2001:db8::9");
	ip = test_tap_data(&edt, "ipv6", 0);
	ck_assert_str_eq(astr(&ip->conv.dst), "2001:db8::2");
	ck_assert_str_eq(astr(&((const struct udp_tap *)
	    test_tap_data(&edt, "udp", 0))->conv.dst), "2001:db8::9");

	run(ipv6_ah_udp, sizeof(ipv6_ah_udp));
	ck_assert_uint_eq(uval("ah.spi"), 0x100);
	ck_assert_uint_eq(uval("ah.sequence"), 7);
	ck_assert_uint_eq(uval("udp.length"), 8);

	/* A jumbogram's length comes from hop-by-hop; what follows it is
	 * a trailer. */
	run(ipv6_jumbo_udp, sizeof(ipv6_jumbo_udp));
	ck_assert_uint_eq(uval("ipv6.opt.jumbo"), 16);
	ip = test_tap_data(&edt, "ipv6", 0);
	ck_assert_uint_eq(ip->len, 40 + 16);

	run(ipv6_tso_udp, sizeof(ipv6_tso_udp));
	ip = test_tap_data(&edt, "ipv6", 0);
	ck_assert_uint_eq(ip->len, 40 + 12);
}
END_TEST

START_TEST(icmp_messages)
{
	const struct icmp_tap *ic;

	run(icmp_echo, sizeof(icmp_echo));
	ck_assert_uint_eq(uval("icmp.type"), 8);
	ck_assert_uint_eq(uval("icmp.code"), 0);
	ck_assert_uint_eq(uval("icmp.ident"), 0x1234);
	ck_assert_uint_eq(uval("icmp.seq"), 1);
	ck_assert_int_eq(test_tap_count(&edt, "icmp"), 1);
	ic = test_tap_data(&edt, "icmp", 0);
	ck_assert_uint_eq(ic->type, 8);
}
END_TEST

/* The quote of an ICMP error: its taps are marked, and the outer
 * addresses and ports are what the packet is left with. */
START_TEST(icmp_error_quote)
{
	int tip = find_tap_id("ip"), tudp = find_tap_id("udp"),
	    ticmp = find_tap_id("icmp"), i, nip = 0;
	const struct ip_tap *ip;

	run(icmp_unreach_udp, sizeof(icmp_unreach_udp));
	ck_assert_uint_eq(uval("icmp.type"), 3);
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 2);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 1);
	for (i = 0; i < edt.ntap; i++) {
		const struct tap_entry *e = &edt.tapq[i];

		if (e->tap == tip) {
			ip = e->data;
			/* the outer first, not in error; the quote after */
			ck_assert_int_eq(e->in_error, nip == 1);
			ck_assert_str_eq(astr(&ip->conv.src), nip == 0 ?
			    "10.0.0.2" : "192.168.1.1");
			nip++;
		} else if (e->tap == tudp)
			ck_assert(e->in_error);
		else if (e->tap == ticmp)
			ck_assert(!e->in_error);
	}
	ck_assert(!edt.layers[2].in_error);		/* icmp */
	ck_assert(edt.layers[3].in_error);		/* quoted ip */
	ck_assert_str_eq(astr(&edt.pinfo.net_src), "10.0.0.2");
	ck_assert_str_eq(astr(&edt.pinfo.net_dst), "10.0.0.1");
	ck_assert_uint_eq(edt.pinfo.srcport, 0);
	ck_assert(!edt.pinfo.in_error_pkt);

	run(icmpv6_unreach_udp, sizeof(icmpv6_unreach_udp));
	ck_assert_uint_eq(uval("icmpv6.type"), 1);
	ck_assert_uint_eq(uval("icmpv6.code"), 4);
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 2);
	ck_assert_int_eq(test_tap_count(&edt, "icmpv6"), 1);
	for (i = 0; i < edt.ntap; i++)
		if (edt.tapq[i].tap == tudp)
			ck_assert(edt.tapq[i].in_error);
	ck_assert_str_eq(astr(&edt.pinfo.net_src), "2001:db8::2");
	ck_assert_uint_eq(edt.pinfo.destport, 0);
}
END_TEST

START_TEST(tunnels)
{
	const struct ip_tap *outer, *inner;

	/* IP in IP: two records of their own. */
	run(ip_in_ip, sizeof(ip_in_ip));
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 2);
	outer = test_tap_data(&edt, "ip", 0);
	inner = test_tap_data(&edt, "ip", 1);
	ck_assert_ptr_ne(outer, inner);
	ck_assert_str_eq(astr(&outer->conv.src), "10.0.0.1");
	ck_assert_str_eq(astr(&inner->conv.src), "192.168.1.1");
	ck_assert_uint_eq(outer->proto, 4);
	ck_assert_uint_eq(inner->proto, 17);
	ck_assert_int_eq(test_field_count(&edt, "ip.src"), 2);
	ck_assert_str_eq(astr(&edt.pinfo.net_src), "192.168.1.1");

	run(ipv6_in_ip, sizeof(ipv6_in_ip));
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 1);
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 1);
	ck_assert_uint_eq(uval("ip.proto"), 41);

	run(gre_ip, sizeof(gre_ip));
	ck_assert_uint_eq(uval("gre.proto"), 0x0800);
	ck_assert_uint_eq(uval("gre.key"), 42);
	ck_assert_uint_eq(uval("gre.flags.key"), 1);
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 2);

	run(gre_eth, sizeof(gre_eth));
	ck_assert_uint_eq(uval("gre.proto"), 0x6558);
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 2);

	run(gre_pptp, sizeof(gre_pptp));
	ck_assert_uint_eq(uval("gre.flags.version"), 1);
	ck_assert_uint_eq(uval("gre.key.call_id"), 7);
	ck_assert_uint_eq(uval("gre.ack_number"), 3);

	run(vxlan_icmp, sizeof(vxlan_icmp));
	ck_assert_uint_eq(uval("vxlan.vni"), 100);
	ck_assert_uint_eq(uval("vxlan.flags"), 0x0800);
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 2);
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 2);
	ck_assert_uint_eq(uval("icmp.type"), 0);
}
END_TEST

/* Malformed: the dissection says so, names the right protocol, and ends. */
static void
expect_malformed(const uint8_t *p, size_t len, const char *proto,
    const char *path)
{
	run(p, len);
	ck_assert_msg(edt.err == BUF_MALFORMED, "err %d, path %s", edt.err,
	    test_path(&edt));
	ck_assert_str_eq(err_proto(), proto);
	ck_assert_str_eq(test_path(&edt), path);
}

START_TEST(malformed_ipv4)
{
	static const uint8_t ihl4[] = {
		ETH_IP,
		/* ip: header length 16 */
		0x44, 0x00, 0x00, 0x14, 0x12, 0x34, 0x00, 0x00,
		64, 17, 0x00, 0x00, A1, A2,
	};
	static const uint8_t short_len[] = {
		ETH_IP,
		/* ip: total length 10, less than its header */
		IP4(10, 17, A1, A2),
		UDP(8),
	};
	static const uint8_t long_len[] = {
		ETH_IP,
		/* ip: total length 200, longer than the frame */
		IP4(200, 17, A1, A2),
		UDP(8),
	};
	static const uint8_t version5[] = {
		ETH_IP,
		/* ip: version 5 */
		0x55, 0x00, 0x00, 0x14, 0x12, 0x34, 0x00, 0x00,
		64, 17, 0x00, 0x00, A1, A2,
	};

	expect_malformed(ihl4, sizeof(ihl4), "ip", "eth:ip");
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 0);
	expect_malformed(short_len, sizeof(short_len), "ip", "eth:ip");
	/* Counted against IP, and what there is still looked at. */
	expect_malformed(long_len, sizeof(long_len), "ip", "eth:ip:udp");
	expect_malformed(version5, sizeof(version5), "ip", "eth:ip");
}
END_TEST

START_TEST(malformed_tcp)
{
	static const uint8_t doff4[] = {
		ETH_IP,
		IP4(40, 6, A1, A2),
		/* tcp: data offset 4 */
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x40, 0x10, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t optlen0[] = {
		ETH_IP,
		IP4(44, 6, A1, A2),
		/* tcp: data offset 6 */
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x60, 0x10, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
		/* tcp options: MSS with length 0 */
		0x02, 0x00, 0x05, 0xb4,
	};
	static const uint8_t optlen1[] = {
		ETH_IP,
		IP4(44, 6, A1, A2),
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x60, 0x10, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
		/* tcp options: NOP, an unknown kind with length 1 */
		0x01, 0x1e, 0x01, 0x00,
	};
	static const uint8_t optlong[] = {
		ETH_IP,
		IP4(44, 6, A1, A2),
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0x60, 0x10, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
		/* tcp options: timestamps claiming 10 bytes of the 4 */
		0x08, 0x0a, 0x00, 0x00,
	};
	static const uint8_t doff_past_end[] = {
		ETH_IP,
		IP4(40, 6, A1, A2),
		/* tcp: data offset 15, in a 20-byte segment */
		0x82, 0x35, 0xad, 0x9c, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x02, 0xf0, 0x10, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00,
	};

	expect_malformed(doff4, sizeof(doff4), "tcp", "eth:ip:tcp");
	ck_assert_int_eq(test_tap_count(&edt, "tcp"), 0);
	expect_malformed(optlen0, sizeof(optlen0), "tcp", "eth:ip:tcp");
	expect_malformed(optlen1, sizeof(optlen1), "tcp", "eth:ip:tcp");
	expect_malformed(optlong, sizeof(optlong), "tcp", "eth:ip:tcp");
	expect_malformed(doff_past_end, sizeof(doff_past_end), "tcp",
	    "eth:ip:tcp");
}
END_TEST

START_TEST(malformed_udp)
{
	static const uint8_t len4[] = {
		ETH_IP,
		IP4(28, 17, A1, A2),
		/* udp: length 4 */
		UDP(4),
	};
	static const uint8_t len_past_ip[] = {
		ETH_IP,
		IP4(32, 17, A1, A2),
		/* udp: length 40 in a 12-byte IP payload, not a fragment */
		UDP(40),
		'a', 'b', 'c', 'd',
	};

	expect_malformed(len4, sizeof(len4), "udp", "eth:ip:udp");
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
	expect_malformed(len_past_ip, sizeof(len_past_ip), "udp",
	    "eth:ip:udp");
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 1);
}
END_TEST

START_TEST(malformed_ipv6)
{
	static const uint8_t no_jumbo[] = {
		ETH_IPV6,
		/* ipv6: payload length 0, hop-by-hop */
		IP6(0, 0, A6_1, A6_2),
		/* ipv6.hopopts: next UDP, PadN of 4, no jumbo option */
		17, 0, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
		UDP(8),
	};
	static const uint8_t version4[] = {
		ETH_IPV6,
		0x40, 0x00, 0x00, 0x00, 0x00, 0x08, 17, 64, A6_1, A6_2,
		UDP(8),
	};
	static const uint8_t opt_past_header[] = {
		ETH_IPV6,
		IP6(16, 60, A6_1, A6_2),
		/* ipv6.dstopts: next UDP, an option of 9 bytes in 6 */
		17, 0, 0x1e, 0x09, 0x00, 0x00, 0x00, 0x00,
		UDP(8),
	};

	expect_malformed(no_jumbo, sizeof(no_jumbo), "ipv6",
	    "eth:ipv6:ipv6.hopopts");
	expect_malformed(version4, sizeof(version4), "ipv6", "eth:ipv6");
	expect_malformed(opt_past_header, sizeof(opt_past_header),
	    "ipv6.dstopts", "eth:ipv6:ipv6.dstopts");
}
END_TEST

/* 100 destination options headers: the walk stops at its cap. */
START_TEST(ipv6_header_chain)
{
	static const uint8_t head[] = { ETH_IPV6, IP6(808, 60, A6_1, A6_2) };
	static const uint8_t udp[] = { UDP(8) };
	static uint8_t frame[sizeof(head) + 100 * 8 + sizeof(udp)];
	size_t off = sizeof(head);
	int i, n = 0;

	memcpy(frame, head, sizeof(head));
	for (i = 0; i < 100; i++, off += 8) {
		memset(frame + off, 0, 8);
		frame[off] = i == 99 ? 17 : 60;
	}
	memcpy(frame + off, udp, sizeof(udp));
	run(frame, sizeof(frame));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "ipv6");
	for (i = 0; i < edt.nlayers; i++)
		n += strcmp(proto_name(edt.layers[i].proto),
		    "ipv6.dstopts") == 0;
	ck_assert_int_le(n, 16);
	ck_assert_int_eq(test_tap_count(&edt, "udp"), 0);
}
END_TEST

/* IP in IP in IP ...: the nesting cap ends it, and nothing breaks. */
START_TEST(ip_in_ip_bomb)
{
	static uint8_t frame[14 + 40 * 20 + 8];
	static const uint8_t eth[] = { ETH_IP };
	static const uint8_t udp[] = { UDP(8) };
	size_t off = sizeof(eth);
	int i;

	memcpy(frame, eth, sizeof(eth));
	for (i = 0; i < 40; i++, off += 20) {
		const uint8_t hdr[] = {
			IP4((size_t)(40 - i) * 20 + 8, i == 39 ? 17 : 4, A1, A2)
		};

		memcpy(frame + off, hdr, sizeof(hdr));
	}
	memcpy(frame + off, udp, sizeof(udp));
	run(frame, sizeof(frame));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_int_le(edt.nlayers, PACKET_LAYERS_MAX);
	ck_assert_int_le(edt.ntap, PACKET_TAPQ_MAX);
}
END_TEST

Suite *
suite_dissect_ip(void)
{
	Suite *s = suite_create("dissect_ip");
	TCase *tc = tcase_create("valid");
	TCase *bad = tcase_create("malformed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, paths, 0, NFIXTURES);
	tcase_add_loop_test(tc, truncations, 0, NFIXTURES);
	tcase_add_test(tc, ipv4_tcp);
	tcase_add_test(tc, ipv4_options);
	tcase_add_test(tc, ipv4_fragments);
	tcase_add_test(tc, ipv6_extensions);
	tcase_add_test(tc, icmp_messages);
	tcase_add_test(tc, icmp_error_quote);
	tcase_add_test(tc, tunnels);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, malformed_ipv4);
	tcase_add_test(bad, malformed_tcp);
	tcase_add_test(bad, malformed_udp);
	tcase_add_test(bad, malformed_ipv6);
	tcase_add_test(bad, ipv6_header_chain);
	tcase_add_test(bad, ip_in_ip_bomb);
	suite_add_tcase(s, bad);
	return (s);
}
