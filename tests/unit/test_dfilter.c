/*
 * Display filters: tables of expressions against a set of packets, each
 * row giving the expected match on every fixture (the rows were checked
 * against tshark 4.0 on the same packets written to a pcap); spellings of
 * one filter that must agree; bad expressions with tshark's exact message
 * and place; priming without a tree-reading listener; nesting and length
 * limits; and a compile-and-free loop for leaks (run under ASan).
 */
#include <string.h>
#include <time.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dfilter/dfilter.h"
#include "core/dissect.h"
#include "core/proto.h"
#include "testutil.h"

#define MAC_A	0x00, 0x11, 0x22, 0x33, 0x44, 0x55
#define MAC_B	0x00, 0x1b, 0x21, 0x66, 0x77, 0x88
#define BCAST	0xff, 0xff, 0xff, 0xff, 0xff, 0xff

/* 0: an HTTP request start over TCP. */
static const uint8_t pkt_http[] = {
	/* eth: 00:1b:21:66:77:88 -> 00:11:22:33:44:55, IPv4 */
	MAC_A, MAC_B, 0x08, 0x00,
	/* ip: 10.0.0.1 -> 192.168.1.2, length 58, DF, ttl 64, TCP */
	0x45, 0x00, 0x00, 58, 0x12, 0x34, 0x40, 0x00,
	64, 6, 0x00, 0x00, 10, 0, 0, 1, 192, 168, 1, 2,
	/* tcp: 33333 -> 80, seq 1, ack 2, offset 5, PSH+ACK, window 512 */
	0x82, 0x35, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x50, 0x18, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* payload */
	'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1',
	'\r', '\n', '\r', '\n',
};

/* 1: UDP to port 53 inside IP in IP. */
static const uint8_t pkt_ipip[] = {
	/* eth: 00:1b:21:66:77:88 -> 00:11:22:33:44:55, IPv4 */
	MAC_A, MAC_B, 0x08, 0x00,
	/* ip: 10.0.0.1 -> 10.0.0.2, length 52, ttl 64, IP in IP */
	0x45, 0x00, 0x00, 52, 0x00, 0x01, 0x00, 0x00,
	64, 4, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
	/* ip: 192.168.1.1 -> 192.168.1.2, length 32, ttl 63, UDP */
	0x45, 0x00, 0x00, 32, 0x00, 0x02, 0x00, 0x00,
	63, 17, 0x00, 0x00, 192, 168, 1, 1, 192, 168, 1, 2,
	/* udp: 33333 -> 53, length 12 */
	0x82, 0x35, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00,
	/* payload */
	'a', 'b', 'c', 'd',
};

/* 2: an ARP request, padded to 60 bytes. */
static const uint8_t pkt_arp[] = {
	/* eth: 00:1b:21:66:77:88 -> broadcast, ARP */
	BCAST, MAC_B, 0x08, 0x06,
	/* arp: Ethernet/IPv4, request, who has 10.0.0.2 tell 10.0.0.1 */
	0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
	MAC_B, 10, 0, 0, 1,
	0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	/* padding */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* 3: UDP over IPv6. */
static const uint8_t pkt_v6[] = {
	/* eth: 00:1b:21:66:77:88 -> 00:11:22:33:44:55, IPv6 */
	MAC_A, MAC_B, 0x86, 0xdd,
	/* ipv6: 2001:db8::1 -> 2001:db8::2, payload 12, UDP, hop limit 64 */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0c, 17, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	/* udp: 33333 -> 44444, length 12 */
	0x82, 0x35, 0xad, 0x9c, 0x00, 0x0c, 0x00, 0x00,
	/* payload */
	'w', 'x', 'y', 'z',
};

/* 4: a TCP SYN from port 80, padded to 60 bytes. */
static const uint8_t pkt_syn[] = {
	/* eth: 00:11:22:33:44:55 -> 00:1b:21:66:77:88, IPv4 */
	MAC_B, MAC_A, 0x08, 0x00,
	/* ip: 192.168.1.2 -> 10.0.0.1, length 40, ttl 128, TCP */
	0x45, 0x00, 0x00, 40, 0x00, 0x03, 0x00, 0x00,
	128, 6, 0x00, 0x00, 192, 168, 1, 2, 10, 0, 0, 1,
	/* tcp: 80 -> 8080, seq 7, offset 5, SYN, window 65535 */
	0x00, 0x50, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	/* padding */
	0, 0, 0, 0, 0, 0,
};

#define NPKT	5

static const struct {
	const uint8_t	*p;
	size_t		 len;
} pkts[NPKT] = {
	{ pkt_http, sizeof(pkt_http) },
	{ pkt_ipip, sizeof(pkt_ipip) },
	{ pkt_arp, sizeof(pkt_arp) },
	{ pkt_v6, sizeof(pkt_v6) },
	{ pkt_syn, sizeof(pkt_syn) },
};

static struct dissect edts[NPKT];
static bool dissected;

static void
setup(void)
{
	int i;

	if (dissected)
		return;
	for (i = 0; i < NPKT; i++) {
		dissect_init(&edts[i]);
		test_dissect(&edts[i], DLT_EN10MB, pkts[i].p, pkts[i].len,
		    pkts[i].len);
	}
	dissected = true;
}

/* The filter's result on every fixture, as "01001". */
static void
results(const char *filter, char *out)
{
	struct dfilter *df = NULL;
	char *err;
	int i;

	err = dfilter_compile(filter, &df);
	ck_assert_msg(err == NULL, "%s: %s", filter, err);
	for (i = 0; i < NPKT; i++)
		out[i] = dfilter_apply(df, &edts[i]) ? '1' : '0';
	out[NPKT] = '\0';
	dfilter_free(df);
}

/* Expression -> match on http, ipip, arp, v6, syn. */
static const struct {
	const char	*filter;
	const char	*want;
} matches[] = {
	/* existence */
	{ "frame", "11111" },
	{ "eth", "11111" },
	{ "ip", "11001" },
	{ "ipv6", "00010" },
	{ "tcp", "10001" },
	{ "udp", "01010" },
	{ "arp", "00100" },
	{ "ip.flags.df", "11001" },
	{ "tcp.flags.ack", "10001" },
	{ "!tcp.flags.ack", "01110" },
	{ "tcp.flags.ack == 0", "00001" },
	/* comparisons, keywords, precedence */
	{ "tcp.port == 80", "10001" },
	{ "tcp.port eq 80", "10001" },
	{ "tcp.port != 80", "00000" },
	{ "tcp.port ne 80", "00000" },
	{ "not tcp.port == 80", "01110" },
	{ "tcp.port !== 80", "10001" },
	{ "tcp.port === 80", "00000" },
	{ "tcp.port ~= 80", "10001" },
	{ "tcp.dstport != 80", "00001" },
	{ "any tcp.port == 80", "10001" },
	{ "all tcp.port == 80", "00000" },
	{ "all tcp.port != 80", "00000" },
	{ "any tcp.port != 80", "10001" },
	{ "all tcp.port >= 80", "10001" },
	{ "all tcp.port > 80", "00000" },
	{ "tcp.port > 8000", "10001" },
	{ "tcp.port gt 33332 && tcp.port lt 33334", "10000" },
	{ "tcp.port >= 33333 and tcp.port <= 33333", "10000" },
	{ "tcp.port ge 8080 and tcp.port le 8080", "10001" },
	{ "arp or ip and tcp", "10101" },
	{ "tcp and ip or arp", "10101" },
	{ "(arp or ip) and tcp", "10001" },
	{ "arp || ip && tcp", "10101" },
	{ "not not ip", "11001" },
	{ "!(ip || ipv6)", "00100" },
	/* addresses */
	{ "ip.addr == 10.0.0.1", "11001" },
	{ "ip.addr == 192.168.1.1", "01000" },
	{ "ip.src == 192.168.1.1", "01000" },
	{ "ip.addr != 10.0.0.1", "00000" },
	{ "ip.addr !== 10.0.0.1", "11001" },
	{ "ip.addr === 10.0.0.1", "00000" },
	{ "all ip.addr == 10.0.0.0/8", "00000" },
	{ "ip.addr == 10.0.0.0/8", "11001" },
	{ "ip.dst == 192.168.0.0/16", "11000" },
	{ "ip.src == ip.dst", "00000" },
	{ "ip.src != ip.dst", "11001" },
	{ "ip.src > 10.0.0.1", "01001" },
	{ "ip.src < 10.0.0.0/8", "00000" },
	{ "ip.ttl == 63", "01000" },
	{ "ip.ttl < 64", "01000" },
	{ "ipv6.addr == 2001:db8::2", "00010" },
	{ "ipv6.addr == 2001:db8::/32", "00010" },
	{ "ipv6.src == 2001:db8::3/127", "00000" },
	{ "ipv6.dst == 2001:db8::3/127", "00010" },
	{ "ipv6.src == ::1", "00000" },
	{ "eth.src == 00:1b:21:66:77:88", "11110" },
	{ "eth.src == 00-1b-21-66-77-88", "11110" },
	{ "eth.src == 001b.2166.7788", "11110" },
	{ "eth.src == 001b21667788", "11110" },
	{ "eth.dst == ff:ff:ff:ff:ff:ff", "00100" },
	{ "eth.addr == 00:11:22:33:44:55", "11011" },
	{ "eth.src[0:3] == 00:1b:21", "11110" },
	{ "eth.src[0:3] == 00-1b-21", "11110" },
	{ "eth.src[0:3] == 00.1b.21", "11110" },
	{ "eth.src[0:3] == 001b21", "11110" },
	{ "arp.src.proto_ipv4 == 10.0.0.1", "00100" },
	{ "arp.dst.hw_mac == 00:00:00:00:00:00", "00100" },
	/* slices of frames and protocols */
	{ "frame[12:2] == 08:00", "11001" },
	{ "frame[12:2] == 08:06", "00100" },
	{ "frame[-4:] == 00:00:00:00", "00101" },
	{ "frame[-4:4] == 0d:0a:0d:0a", "10000" },
	{ "frame[0-1] == 00:11", "11010" },
	{ "frame[:2] == 00:11", "11010" },
	{ "frame[0] == 0", "11011" },
	{ "frame[0] == 0x00", "11011" },
	{ "frame[0:2,12:2] == 00:11:86:dd", "00010" },
	{ "frame[0:1,12-13] == 00:86:dd", "00010" },
	{ "frame[100:1]", "00000" },
	{ "frame[-1]", "11111" },
	{ "ip[0] == 45", "11001" },
	{ "ip[0] == 0x45", "11001" },
	{ "ip[0:2] == 45:00", "11001" },
	{ "ip[9] == 6", "10001" },
	{ "ip[9] == 04", "01000" },
	{ "ip[12:4] == ip.src", "11001" },
	{ "ip.src == ip[12:4]", "11001" },
	{ "ip.src[0] == c0", "01001" },
	{ "ip == frame[14:20]", "11001" },
	{ "tcp[13] == 02", "00001" },
	{ "tcp[13] & 02", "00001" },
	{ "udp[2:2] == 00:35", "01000" },
	{ "len(ip) == 20", "11001" },
	{ "len(tcp) == 20", "00001" },
	{ "len(udp) == 8", "01010" },
	{ "len(frame) == 60", "00101" },
	{ "len(eth.src) == 6", "11111" },
	{ "len(ip.src) == 4", "11001" },
	{ "len(tcp.port) == 2", "10001" },
	{ "len(ip.flags.df) == 0", "11001" },
	/* contains and matches */
	{ "frame contains \"GET\"", "10000" },
	{ "tcp contains \"HTTP\"", "10000" },
	{ "ip contains \"HTTP\"", "10000" },
	{ "eth contains 47:45:54", "10000" },
	{ "frame contains 0d:0a:0d:0a", "10000" },
	{ "frame contains \"\\x47ET\"", "10000" },
	{ "frame contains \"\\107ET\"", "10000" },
	{ "frame contains 'G'", "10000" },
	{ "frame contains \"\"", "00000" },
	{ "ip contains 00:00:00:00:00", "10000" },
	{ "ip contains 00:00:00:00:00:00", "00000" },
	{ "eth contains 00:00:00:00:00:00", "00111" },
	{ "udp contains \"abcd\"", "01000" },
	{ "frame matches \"get\"", "10000" },
	{ "frame matches \"GET\"", "10000" },
	{ "frame matches \"(?-i)get\"", "00000" },
	{ "frame ~ \"^\\\\x00\\\\x11\"", "11010" },
	{ "frame matches \"HTTP/1\\\\.[01]\\r\\n\"", "10000" },
	{ "frame matches r\"HTTP/1\\.[01]\"", "10000" },
	{ "tcp matches \"\\r\\n$\"", "10000" },
	{ "frame matches \"\"", "11111" },
	{ "frame matches \"http/1\\\\.1\"", "10000" },
	{ "frame matches \"(?i)get / \"", "10000" },
	{ "frame matches \"(?-i)get / \"", "00000" },
	{ "frame matches \"\\\\/ h\"", "10000" },
	{ "eth.src matches \"\\x1b!\"", "11110" },
	/* membership */
	{ "tcp.port in {80, 443}", "10001" },
	{ "tcp.port in {8000..8080}", "00001" },
	{ "tcp.port in {1 .. 79, 81..100}", "00000" },
	{ "tcp.port not in {80}", "01110" },
	{ "tcp.port !in {80}", "01110" },
	{ "all tcp.port in {80, 8080}", "00000" },
	{ "all tcp.port in {80..8080}", "00001" },
	{ "udp.port in {53, udp.srcport}", "01010" },
	{ "ip.addr in {10.0.0.0/8, 172.16.0.0/12}", "11001" },
	{ "ip.src in {10.0.0.1 .. 10.0.0.9}", "11000" },
	{ "ip.ttl in {63, 128}", "01001" },
	{ "tcp.port in {tcp.dstport..tcp.srcport}", "10000" },
	{ "udp.port in {-1..60}", "00000" },
	/* booleans */
	{ "ip.flags.df == 1", "10000" },
	{ "ip.flags.df == True", "10000" },
	{ "ip.flags.df == 2", "10000" },
	{ "ip.flags.df == 0", "01001" },
	{ "ip.flags.df == FALSE", "01001" },
	{ "tcp.flags.syn == 1 and tcp.flags.ack == 0", "00001" },
	{ "ip.flags.df == tcp.flags.syn", "00000" },
	{ "ip.flags.df != tcp.flags.syn", "10001" },
	/* bitwise and arithmetic */
	{ "tcp.flags & 0x02", "00001" },
	{ "tcp.flags & 0x18 == 0x18", "10000" },
	{ "tcp.flags bitwise_and 0x10", "10000" },
	{ "{tcp.flags & 0x12} == 0x02", "00001" },
	{ "tcp.srcport + 1 == 81", "00001" },
	{ "tcp.dstport - 80 == 0", "10000" },
	{ "tcp.srcport * 2 == 160", "00001" },
	{ "tcp.dstport / 101 == 80", "00001" },
	{ "tcp.dstport % 1000 == 80", "10001" },
	{ "tcp.port == 79 + 1", "10001" },
	{ "tcp.port == {40 + 40}", "10001" },
	{ "tcp.port == 160 / 0", "00000" },
	{ "-tcp.srcport == -80", "00001" },
	{ "tcp.srcport - tcp.dstport == 0", "00000" },
	{ "ip.src & 255.255.0.0 == 192.168.0.0", "01001" },
	{ "eth.dst & 01:00:00:00:00:00 == 01:00:00:00:00:00", "00100" },
	{ "tcp.port == -1", "00000" },
	{ "tcp.port != -1", "10001" },
	{ "tcp.port > -1", "00000" },
	/* functions */
	{ "count(ip.addr) == 4", "01000" },
	{ "count(ip) == 2", "01000" },
	{ "count(tcp.port) == 0", "00000" },
	{ "len(tcp.port) > 1", "10001" },
	{ "string(tcp.dstport) == \"80\"", "10000" },
	{ "string(ip.src) == \"192.168.1.1\"", "01000" },
	{ "string(ip.src) matches \"^192\\\\.\"", "01001" },
	{ "string(ip.src)[0:2] == \"10\"", "11000" },
	{ "string(eth.src) == \"00:1b:21:66:77:88\"", "11110" },
	{ "string(ipv6.dst) == \"2001:db8::2\"", "00010" },
	{ "max(tcp.port) == 33333", "10000" },
	{ "min(tcp.srcport, tcp.dstport) == 80", "10001" },
	{ "max(ip.ttl, 100) == 100", "11110" },
	{ "abs(-tcp.srcport) == 80", "00001" },
	/* the layer operator: which instance of the protocol */
	{ "ip.src#1 == 10.0.0.1", "11000" },
	{ "ip.src#2 == 192.168.1.1", "01000" },
	{ "ip.src#2 == 10.0.0.1", "00000" },
	{ "ip.addr#[-1] == 192.168.1.2", "11001" },
	{ "ip#2", "01000" },
	{ "ip#2[12:4] == c0:a8:01:01", "01000" },
	{ "count(ip.addr#[1-2]) == 4", "01000" },
	{ "ip.ttl#1 > ip.ttl#2", "01000" },
	{ "udp.port#1 == 53", "01000" },
	{ "eth.src#2", "00000" },
	{ "frame.len#1", "11111" },
	/* chained comparisons, times, references */
	{ "frame.len > ip.len > 50", "11000" },
	{ "frame.time_relative == 0", "11111" },
	{ "frame.time_relative >= 0.000000001", "00000" },
	{ "frame.time_relative + 1 > 0.5", "11111" },
	{ "tcp.port == ${tcp.port}", "00000" },
	{ ".tcp.port == 80", "10001" },
		{ "frame contains :0d:0a", "10000" },
	{ "frame[2] == :22", "11010" },
	{ "tcp.port == 'P'", "10001" },
	{ "tcp.port == 0120", "10001" },
	{ "tcp.port == 0b1010000", "10001" },
};

START_TEST(test_matches)
{
	char got[NPKT + 1];

	setup();
	if (matches[_i].want == NULL)
		return;
	results(matches[_i].filter, got);
	ck_assert_msg(strcmp(got, matches[_i].want) == 0,
	    "%s: got %s, want %s", matches[_i].filter, got, matches[_i].want);
}
END_TEST

/* Spellings of one filter: every row must agree with its first entry. */
static const char *const spellings[][6] = {
	{ "tcp.port == 80", "tcp.port eq 80", "tcp.port any_eq 80",
	    "any tcp.port == 80", "tcp.port==0x50", "tcp.port == 0120" },
	{ "tcp.port != 80", "tcp.port ne 80", "tcp.port all_ne 80",
	    "all tcp.port != 80", "tcp && !(tcp.port == 80)", NULL },
	{ "not ip", "!ip", "! ip", "not(ip)", "!(ip)", NULL },
	{ "ip and tcp", "ip && tcp", "(ip) and (tcp)", "tcp and ip",
	    "not (not ip or not tcp)", NULL },
	{ "ip.src == 10.0.0.1", "ip.src eq 10.0.0.1", "ip.src == 10.0.0.1/32",
	    "ip.src in {10.0.0.1}", "ip.src in {10.0.0.1..10.0.0.1}", NULL },
	{ "eth.src == 00:1b:21:66:77:88", "eth.src == 00-1b-21-66-77-88",
	    "eth.src == 001b.2166.7788", "eth.src == 00.1b.21.66.77.88",
	    "eth.src == 001b21667788", "frame[6:6] == 00:1b:21:66:77:88" },
	{ "tcp.flags.syn == 1", "tcp.flags.syn != 0", "tcp.flags & 0x02",
	    "tcp.flags & 2 == 2", "tcp.flags.syn == True", "tcp[13] & 02" },
	{ "frame contains \"GET\"", "frame contains 47:45:54",
	    "frame contains 47.45.54", "frame contains \"\\x47\\x45\\x54\"",
	    "frame[0:] contains \"GET\"", "frame matches \"(?-i)GET\"" },
	{ "tcp.port in {80, 8080}", "tcp.port == 80 or tcp.port == 8080",
	    "tcp.port in {80,8080}", "tcp.port in {80..80, 8080..8080}",
	    NULL, NULL },
	{ "ip.addr == 192.168.0.0/16", "ip.addr == 192.168.1.0/24",
	    "ip.src[0:2] == c0:a8 or ip.dst[0:2] == c0:a8",
	    "ip.addr & 255.255.0.0 == 192.168.0.0", NULL, NULL },
};

START_TEST(test_spellings)
{
	char first[NPKT + 1], got[NPKT + 1];
	int i;

	setup();
	results(spellings[_i][0], first);
	for (i = 1; i < 6 && spellings[_i][i] != NULL; i++) {
		results(spellings[_i][i], got);
		ck_assert_msg(strcmp(got, first) == 0, "%s gives %s, %s gives %s",
		    spellings[_i][0], first, spellings[_i][i], got);
	}
}
END_TEST

/* Bad expressions: tshark 4.0's message, and the place (col -1: none). */
static const struct {
	const char	*filter;
	const char	*msg;
	int		 col, len;
} errors[] = {
	{ "foo", "foo is neither a field nor a protocol name.", 0, 3 },
	{ "xmpp.iq.type", "xmpp.iq.type is neither a field nor a protocol "
	    "name.", 0, 12 },
	{ "ip.addr =", "\"=\" was unexpected in this context.", 8, 1 },
	{ "ip.addr ==", "Unexpected end of filter expression.", -1, 0 },
	{ "tcp.port == 80 and", "Unexpected end of filter expression.", -1,
	    0 },
	{ "(((ip)", "Unexpected end of filter expression.", -1, 0 },
	{ "ip)", "\")\" was unexpected in this context.", 2, 1 },
	{ "ip udp", "\"udp\" was unexpected in this context.", 3, 3 },
	{ "ip ^^ tcp", "\"^\" was unexpected in this context.", 3, 1 },
	{ "ip xor tcp", "\"xor\" was unexpected in this context.", 3, 3 },
	{ "ip AND tcp", "\"AND\" was unexpected in this context.", 3, 3 },
	{ "ip.addr ~ 1.2.3.4", "Matches requires a double quoted string on "
	    "the right side.", 10, 7 },
	{ "ip.addr ~ \"x\"", "ip.addr (type=IPv4 address) cannot participate "
	    "in ~ comparison.", 0, 7 },
	{ "tcp.port contains 80", "tcp.port (type=Unsigned integer (2 bytes)) "
	    "cannot participate in contains comparison.", 0, 8 },
	{ "ip.addr == 1.2.3.4.5", "\"1.2.3.4.5\" is not a valid hostname or "
	    "IPv4 address.", 11, 9 },
	{ "ip.addr == www.example.com", "\"www.example.com\" is not a valid "
	    "hostname or IPv4 address.", 11, 15 },
	{ "ipv6.addr == 10.0.0.1", "\"10.0.0.1\" is not a valid hostname or "
	    "IPv6 address.", 13, 8 },
	{ "ip.src == 10.0.0.0/33", "Netmask bits in a CIDR IPv4 address should "
	    "be <= 32, not 33", 10, 11 },
	{ "ipv6.src == ::1/129", "Prefix in a IPv6 address should be <= 128, "
	    "not 129", 12, 7 },
	{ "tcp.port == 70000", "\"70000\" too big for this field, maximum "
	    "65535.", 12, 5 },
	{ "ip.ttl == 0x100", "\"0x100\" too big for this field, maximum 255.",
	    10, 5 },
	{ "ip.ttl == 99999999999999999999", "\"99999999999999999999\" causes "
	    "an integer overflow.", 10, 20 },
	{ "tcp.port == \"x\"", "Unsigned integer (2 bytes) cannot be converted "
	    "from a string (\"x\").", 12, 3 },
	{ "tcp.port == x", "\"x\" is not a valid number.", 12, 1 },
	{ "tcp.port == 089", "\"089\" is not a valid number.", 12, 3 },
	{ "ip.flags.df == true", "\"true\" cannot be found among the possible "
	    "values for ip.flags.df.", 15, 4 },
	{ "frame.time_relative > 1e-3", "\"1e-3\" is not a valid time.", 22, 4 },
	{ "eth.addr == 00:11:22", "\"00:11:22\" contains too few bytes to be a "
	    "valid Ethernet address.", 12, 8 },
	{ "eth.addr == \"00:11:22:33:44:55\"", "Ethernet or other MAC address "
	    "cannot be converted from a string (\"00:11:22:33:44:55\").", 12,
	    19 },
	{ "ip[0:2] == 0x4500", "\"0x4500\" is not a valid byte string.", 11,
	    6 },
	{ "ip.src == eth.src", "ip.src and eth.src are not of compatible "
	    "types.", 10, 7 },
	{ "tcp.port[0] == 0", "\"tcp.port\" is a Unsigned integer (2 bytes) "
	    "and cannot be sliced into a sequence of bytes.", 0, 8 },
	{ "tcp.port == frame[0:2]", "\"tcp.port\" is a Unsigned integer (2 "
	    "bytes) and cannot be converted into a sequence of bytes.", 0, 8 },
	{ "frame[0:0] == 00", "Range 0:0 isn't valid because length 0 isn't "
	    "positive", 6, 3 },
	{ "frame[-2-1] == 00", "Range -2-1 isn't valid because -2 and 1 have "
	    "different signs", 6, 4 },
	{ "frame[0:2", "The right bracket was missing from a slice.", 9, 1 },
	{ "frame[a]", "\"a\" is not a valid number.", 6, 1 },
	{ "frame[1:2:3]", "\"1:2:3\" is not a valid range.", 6, 5 },
	{ "80 == tcp.port", "Left side of \"==\" expression must be a field or "
	    "function, not 80.", 0, 2 },
	{ "tcp.port > 1 < 100", "Left side of \"<\" expression must be a field "
	    "or function, not 1.", 11, 1 },
	{ "1 + 1 == 2", "Constant arithmetic expression on the LHS is "
	    "invalid.", 0, 1 },
	{ "ip.src + 1 == 1", "FT_IPv4 cannot +.", 0, 6 },
	{ "ip[0] == -1", "FT_BYTES cannot -.", 10, 1 },
	{ "ip & udp", "FT_PROTOCOL cannot &.", 0, 2 },
	{ "(tcp.flags & 0x12) == 0x12", "\"==\" was unexpected in this "
	    "context.", 19, 2 },
	{ "count(tcp.port)", "You cannot test whether a function is present.",
	    0, 5 },
	{ "len(\"abc\") == 3", "Only fields can be used as parameter for "
	    "len()", 4, 5 },
	{ "len(ip.src[0:2]) == 2", "Only fields can be used as parameter for "
	    "len()", -1, 0 },
	{ "upper(ip.src) == \"x\"", "Only string type fields can be used as "
	    "parameter for upper()", 6, 6 },
	{ "string(ip.flags.df) == \"1\"", "String conversion for field "
	    "\"ip.flags.df\" is not supported", 7, 11 },
	{ "foo(ip.src) == 1", "Function 'foo' does not exist", 0, 3 },
	{ "len() == 1", "Function len needs at least 1 arguments.", 0, 3 },
	{ "len(ip.src, ip.dst) == 4", "Function len can only accept 1 "
	    "arguments.", 0, 3 },
	{ "min(tcp.port, ip.ttl) == 64", "Arguments to 'min' must have the "
	    "same type (expected FT_UINT16, got FT_UINT8)", 14, 6 },
	{ "max(5, 6) == 6", "Argument '5' is not valid for max()", 4, 1 },
	{ "tcp.port in {80 443}", "\"443\" was unexpected in this context.",
	    16, 3 },
	{ "tcp.port in {}", "\"}\" was unexpected in this context.", 13, 1 },
	{ "tcp.port in {50 + 30}", "\"+\" was unexpected in this context.",
	    16, 1 },
	{ "frame[0] in {30..31}", "Only a field may be tested for membership "
	    "in a set.", -1, 0 },
	{ "any ip", "Unexpected end of filter expression.", -1, 0 },
	{ "frame contains \"a", "The final quote was missing from a quoted "
	    "string.", 17, 1 },
	{ "frame contains \"\\z\"", "\\z is not a valid character escape "
	    "sequence", 16, 2 },
	{ "frame contains \"\\400\"", "\\400 is larger than 255.", 16, 4 },
	{ "frame contains \"\\uD800\"", "\\uD800 is not a valid universal "
	    "character name", 16, 6 },
	{ "frame contains 'ab'", "'ab' is too long to be a valid character "
	    "constant.", 15, 4 },
	{ "frame contains ''", "Empty character constant.", 15, 2 },
	{ "frame matches \"(\"", "Regex compilation error: missing closing "
	    "parenthesis.", -1, 0 },
	{ "frame matches \"[a\"", "Regex compilation error: missing "
	    "terminating ] for character class.", -1, 0 },
	{ "ip \xc3\xa9", "Non-printable ASCII characters may only appear "
	    "inside double-quotes.", 3, 1 },
	{ "ip.src#-1", "Expected digit or \"[\", not \"-\"", 7, 1 },
	{ "ip.src#[1:0]", "Range 1:0 isn't valid because length 0 isn't "
	    "positive", 8, 3 },
	{ "ip.src#", "Unexpected end of filter expression.", -1, 0 },
	{ "len(ip.src)#2 == 4", "\"#\" was unexpected in this context.", 11,
	    1 },
};

START_TEST(test_errors)
{
	struct dfilter_error err;
	struct dfilter *df = NULL;

	ck_assert(!dfilter_compile_ex(errors[_i].filter, &df, &err));
	ck_assert_ptr_null(df);
	ck_assert_msg(err.msg != NULL && strcmp(err.msg, errors[_i].msg) == 0,
	    "%s: got \"%s\", want \"%s\"", errors[_i].filter, err.msg,
	    errors[_i].msg);
	ck_assert_msg(err.col == errors[_i].col && err.len == errors[_i].len,
	    "%s: at %d+%d, want %d+%d", errors[_i].filter, err.col, err.len,
	    errors[_i].col, errors[_i].len);
	dfilter_error_clear(&err);
	ck_assert_ptr_null(err.msg);
}
END_TEST

START_TEST(test_error_format)
{
	struct dfilter *df = NULL;
	char *msg;

	msg = dfilter_compile("tcp.port == \"x\"", &df);
	ck_assert_str_eq(msg, "Unsigned integer (2 bytes) cannot be converted "
	    "from a string (\"x\").\n    tcp.port == \"x\"\n"
	    "                ^~~");
	g_free(msg);
	msg = dfilter_compile("ip.addr ==", &df);
	ck_assert_str_eq(msg, "Unexpected end of filter expression.");
	g_free(msg);
	ck_assert_ptr_null(dfilter_compile("", &df));
	ck_assert_ptr_null(df);
	ck_assert_ptr_null(dfilter_compile("   \t", &df));
	ck_assert_ptr_null(df);
	ck_assert_ptr_null(dfilter_compile(NULL, &df));
	ck_assert(dfilter_apply(NULL, &edts[0]));
	dfilter_free(NULL);
	dfilter_prime(NULL, true);
}
END_TEST

/* Without a listener that reads the tree, only primed fields are
 * recorded: the filter must ask for what it reads. */
START_TEST(test_priming)
{
	static const char *const filters[] = {
		"tcp.port == 80 && ip.ttl == 64", "eth.src[0:3] == 00:1b:21",
		"string(ip.src) == \"10.0.0.1\"", "count(tcp.port) == 2",
		"tcp.flags & 0x18 == 0x18", "ip.addr in {192.168.1.2}",
	};
	struct dissect edt;
	struct dfilter *df;
	size_t i;
	int saved = atomic_load(&field_want_everything);

	setup();
	dissect_init(&edt);
	for (i = 0; i < G_N_ELEMENTS(filters); i++) {
		ck_assert_ptr_null(dfilter_compile(filters[i], &df));
		atomic_store(&field_want_everything, 0);
		dfilter_prime(df, true);
		dissect_begin(&edt, 1, 0, 0, 0.0, sizeof(pkt_http),
		    sizeof(pkt_http), DLT_EN10MB);
		dissect_frame(&edt, pkt_http);
		ck_assert_msg(edt.nfields > 0 && edt.nfields < 16,
		    "%s: %d fields recorded", filters[i], edt.nfields);
		ck_assert_msg(dfilter_apply(df, &edt), "%s", filters[i]);
		dfilter_prime(df, false);
		dissect_begin(&edt, 1, 0, 0, 0.0, sizeof(pkt_http),
		    sizeof(pkt_http), DLT_EN10MB);
		dissect_frame(&edt, pkt_http);
		ck_assert_int_eq(edt.nfields, 0);
		ck_assert(!dfilter_apply(df, &edt));
		dfilter_free(df);
	}
	/* Protocols need no priming: layers are always there. */
	ck_assert_ptr_null(dfilter_compile("tcp && !udp && frame", &df));
	ck_assert(dfilter_apply(df, &edt));
	dfilter_free(df);
	atomic_store(&field_want_everything, saved);
	dissect_free(&edt);
}
END_TEST

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Deep nesting fails fast with one message; so does a long text. */
START_TEST(test_limits)
{
	static const char *const opens[] = { "(", "not ", "!", "-", "{",
	    "len(", "[0]" };
	struct dfilter_error err;
	struct dfilter *df;
	GString *s;
	double t0;
	size_t i;
	int k;

	for (i = 0; i < G_N_ELEMENTS(opens); i++) {
		s = g_string_new(opens[i][0] == '[' ? "frame" : NULL);
		for (k = 0; k < 10000; k++)
			g_string_append(s, opens[i]);
		if (opens[i][0] != '[')
			g_string_append(s, "ip");
		t0 = now();
		ck_assert(!dfilter_compile_ex(s->str, &df, &err));
		ck_assert_msg(now() - t0 < 0.5, "%s: slow", opens[i]);
		ck_assert_msg(strcmp(err.msg, "Filter is nested too deeply "
		    "(more than 64 levels).") == 0, "%s: %s", opens[i], err.msg);
		dfilter_error_clear(&err);
		g_string_free(s, true);
	}
	/* 64 levels are fine. */
	s = g_string_new(NULL);
	for (k = 0; k < 64; k++)
		g_string_append(s, "(");
	g_string_append(s, "ip");
	for (k = 0; k < 64; k++)
		g_string_append(s, ")");
	ck_assert_ptr_null(dfilter_compile(s->str, &df));
	dfilter_free(df);
	g_string_free(s, true);
	/* A long flat chain is not nesting. */
	s = g_string_new("ip");
	while (s->len < DFILTER_TEXT_MAX - 20)
		g_string_append(s, " or tcp.port == 80");
	t0 = now();
	ck_assert_ptr_null(dfilter_compile(s->str, &df));
	ck_assert(now() - t0 < 0.5);
	setup();
	ck_assert(dfilter_apply(df, &edts[0]));
	dfilter_free(df);
	/* Past the length limit. */
	while (s->len <= DFILTER_TEXT_MAX)
		g_string_append(s, " or ip");
	ck_assert(!dfilter_compile_ex(s->str, &df, &err));
	ck_assert_str_eq(err.msg, "Filter is too long (more than 65536 "
	    "bytes).");
	dfilter_error_clear(&err);
	g_string_free(s, true);
	/* A long arithmetic chain is nesting too. */
	s = g_string_new("tcp.port == 1");
	for (k = 0; k < 1000; k++)
		g_string_append(s, " + 1");
	ck_assert(!dfilter_compile_ex(s->str, &df, &err));
	ck_assert_str_eq(err.msg, "Filter is nested too deeply (more than 64 "
	    "levels).");
	dfilter_error_clear(&err);
	g_string_free(s, true);
}
END_TEST

/* One text, one shared filter; its memory of the last packet's answer
 * must follow the packet, not the struct dissect it came in. */
START_TEST(test_shared)
{
	struct dfilter *a, *b, *c;
	struct dissect edt;

	setup();
	ck_assert_ptr_null(dfilter_compile("tcp.port == 80", &a));
	ck_assert_ptr_null(dfilter_compile("tcp.port == 80", &b));
	ck_assert_ptr_null(dfilter_compile("tcp.port == 80 ", &c));
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(a, c);
	ck_assert(dfilter_apply(a, &edts[0]));
	ck_assert(!dfilter_apply(b, &edts[1]));
	ck_assert(dfilter_apply(b, &edts[0]));
	dfilter_free(a);
	ck_assert(dfilter_apply(b, &edts[4]));
	/* The same struct dissect, another packet. */
	dissect_init(&edt);
	test_dissect(&edt, DLT_EN10MB, pkt_http, sizeof(pkt_http),
	    sizeof(pkt_http));
	ck_assert(dfilter_apply(b, &edt));
	test_dissect(&edt, DLT_EN10MB, pkt_arp, sizeof(pkt_arp),
	    sizeof(pkt_arp));
	ck_assert(!dfilter_apply(b, &edt));
	dissect_free(&edt);
	dfilter_free(b);
	dfilter_free(c);
}
END_TEST

/* Every table entry compiled and freed many times: ASan sees any leak, and
 * the evaluation of each is repeated on every packet. */
START_TEST(test_churn)
{
	struct dfilter *df;
	size_t i;
	int k, p;

	setup();
	for (k = 0; k < 20; k++)
		for (i = 0; i < G_N_ELEMENTS(matches); i++) {
			ck_assert_ptr_null(dfilter_compile(matches[i].filter, &df));
			dfilter_prime(df, true);
			for (p = 0; p < NPKT; p++)
				(void)dfilter_apply(df, &edts[p]);
			dfilter_prime(df, false);
			dfilter_free(df);
		}
}
END_TEST

/* The packet truncated at every length: filters still answer, from what
 * is there, without reading past it. */
START_TEST(test_truncated)
{
	static const char *const filters[] = {
		"frame[-4:] == 0d:0a:0d:0a", "tcp contains \"HTTP\"",
		"ip[0:40] contains 50:18", "tcp.port == 80", "len(tcp) > 0",
		"frame matches \"HTTP/1\\\\.1\"", "frame[0:2,60:4]",
	};
	struct dfilter *dfs[G_N_ELEMENTS(filters)];
	struct dissect edt;
	size_t i, cut;

	for (i = 0; i < G_N_ELEMENTS(filters); i++)
		ck_assert_ptr_null(dfilter_compile(filters[i], &dfs[i]));
	dissect_init(&edt);
	for (cut = 0; cut <= sizeof(pkt_http); cut++) {
		uint8_t *copy = g_memdup2(pkt_http, cut);

		test_dissect(&edt, DLT_EN10MB, copy, cut, sizeof(pkt_http));
		for (i = 0; i < G_N_ELEMENTS(filters); i++)
			(void)dfilter_apply(dfs[i], &edt);
		ck_assert(dfilter_apply(dfs[0], &edt) ==
		    (cut == sizeof(pkt_http)));
		g_free(copy);
	}
	for (i = 0; i < G_N_ELEMENTS(filters); i++)
		dfilter_free(dfs[i]);
	dissect_free(&edt);
}
END_TEST

Suite *
suite_dfilter(void)
{
	Suite *s = suite_create("dfilter");
	TCase *tc = tcase_create("dfilter");

	tcase_add_loop_test(tc, test_matches, 0, G_N_ELEMENTS(matches));
	tcase_add_loop_test(tc, test_spellings, 0, G_N_ELEMENTS(spellings));
	tcase_add_loop_test(tc, test_errors, 0, G_N_ELEMENTS(errors));
	tcase_add_test(tc, test_error_format);
	tcase_add_test(tc, test_priming);
	tcase_add_test(tc, test_shared);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_churn);
	tcase_add_test(tc, test_truncated);
	suite_add_tcase(s, tc);
	return (s);
}
