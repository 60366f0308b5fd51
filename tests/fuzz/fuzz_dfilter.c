/*
 * libFuzzer target: arbitrary bytes compiled as a display filter.
 *
 * The input is copied and NUL-terminated (the compiler takes a C string,
 * so an embedded NUL simply ends the filter early).  A filter that does not
 * compile must say why and give no filter back.  One that compiles is
 * primed, evaluated against a few fixed frames, unprimed and freed.
 *
 * The frames (eth/ip/tcp, eth/ipv6/udp, eth/vlan/arp, eth/ip/ip/udp and an
 * ICMP error quoting an IP/UDP header) are dissected once, at start, with
 * every field recorded, and those dissections are what each filter sees.
 * Two checks go beyond "no crash": a filter's result on a frame dissected
 * with only the fields it primed recorded (what the capture path does)
 * must equal its result on the fully recorded dissection, and unpriming
 * must leave no field wanted.  Either failing aborts, so libFuzzer keeps
 * the input.  Leaks are LeakSanitizer's (run.sh turns it on).
 *
 * The seed corpus is tests/e2e/filters.txt, one filter per file.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/dfilter/dfilter.h"
#include "core/dissect.h"
#include "core/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define LINKTYPE_ETHERNET	1

/* IPv4 and TCP/UDP checksums are left 0: nothing here verifies them. */
static const uint8_t frame_ip_tcp[] = {
	/* eth: 30:46:9a:23:fb:fa -> 08:00:27:19:1c:78, IPv4 */
	0x08, 0x00, 0x27, 0x19, 0x1c, 0x78, 0x30, 0x46, 0x9a, 0x23, 0xfb, 0xfa,
	0x08, 0x00,
	/* ip: 10.0.0.6 -> 212.199.202.9, len 44, id 0x1234, DF, ttl 64, TCP */
	0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x06, 0xd4, 0xc7, 0xca, 0x09,
	/* tcp: 44150 -> 80, seq 0x01020304, ack 0x05060708, PSH ACK, win 8192 */
	0xac, 0x76, 0x00, 0x50, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x50, 0x18, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* payload */
	'G', 'E', 'T', ' ',
};

static const uint8_t frame_ipv6_udp[] = {
	/* eth: 00:1f:f3:cd:f6:17 -> 33:33:00:00:00:fb, IPv6 */
	0x33, 0x33, 0x00, 0x00, 0x00, 0xfb, 0x00, 0x1f, 0xf3, 0xcd, 0xf6, 0x17,
	0x86, 0xdd,
	/* ipv6: plen 16, UDP, hlim 255, 2001:db8:0:12::1 -> ff02::fb */
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x11, 0xff,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x12,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfb,
	/* udp: 5353 -> 5353, length 16 */
	0x14, 0xe9, 0x14, 0xe9, 0x00, 0x10, 0x00, 0x00,
	/* payload */
	0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01,
};

static const uint8_t frame_vlan_arp[] = {
	/* eth: 6c:f0:49:b2:de:6e -> broadcast, 802.1Q */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e,
	0x81, 0x00,
	/* vlan: PCP 0, ID 5, ARP */
	0x00, 0x05, 0x08, 0x06,
	/* arp: Ethernet/IPv4 request, who has 10.0.0.138, tell 10.0.0.1 */
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e, 0x0a, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x8a,
	/* padding to 60 bytes */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};

static const uint8_t frame_ip_ip_udp[] = {
	/* eth: a4:c6:4f:3b:b3:9a -> 00:00:00:00:00:04, IPv4 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xa4, 0xc6, 0x4f, 0x3b, 0xb3, 0x9a,
	0x08, 0x00,
	/* ip: 69.67.35.146 -> 41.202.46.110, len 52, ttl 255, IP-in-IP */
	0x45, 0x00, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0xff, 0x04, 0x00, 0x00,
	0x45, 0x43, 0x23, 0x92, 0x29, 0xca, 0x2e, 0x6e,
	/* ip: 10.10.100.25 -> 10.10.101.2, len 32, ttl 254, UDP */
	0x45, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00, 0x00, 0xfe, 0x11, 0x00, 0x00,
	0x0a, 0x0a, 0x64, 0x19, 0x0a, 0x0a, 0x65, 0x02,
	/* udp: 62367 -> 17000, length 12 */
	0xf3, 0x9f, 0x42, 0x68, 0x00, 0x0c, 0x00, 0x00,
	/* payload */
	0xde, 0xad, 0xbe, 0xef,
};

static const uint8_t frame_icmp_error[] = {
	/* eth: c2:0d:66:d7:00:00 -> 08:00:27:d7:5b:e0, IPv4 */
	0x08, 0x00, 0x27, 0xd7, 0x5b, 0xe0, 0xc2, 0x0d, 0x66, 0xd7, 0x00, 0x00,
	0x08, 0x00,
	/* ip: 10.0.1.2 -> 10.0.0.7, len 56, ttl 64, ICMP */
	0x45, 0x00, 0x00, 0x38, 0x00, 0x03, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	0x0a, 0x00, 0x01, 0x02, 0x0a, 0x00, 0x00, 0x07,
	/* icmp: destination unreachable, port unreachable */
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* quoted ip: 10.0.0.7 -> 10.0.1.2, len 28, ttl 1, UDP */
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x04, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x07, 0x0a, 0x00, 0x01, 0x02,
	/* quoted udp: 49181 -> 33445, length 8 */
	0xc0, 0x1d, 0x82, 0xa5, 0x00, 0x08, 0x00, 0x00,
};

static const struct fixture {
	const uint8_t	*data;
	size_t		 len;
} fixtures[] = {
	{ frame_ip_tcp, sizeof(frame_ip_tcp) },
	{ frame_ipv6_udp, sizeof(frame_ipv6_udp) },
	{ frame_vlan_arp, sizeof(frame_vlan_arp) },
	{ frame_ip_ip_udp, sizeof(frame_ip_ip_udp) },
	{ frame_icmp_error, sizeof(frame_icmp_error) },
};
#define NFIX	(sizeof(fixtures) / sizeof(fixtures[0]))

static struct dissect full[NFIX];	/* every field recorded, once */
static struct dissect primed;		/* redone per filter, primed only */

static void
dissect_fixture(struct dissect *edt, size_t i)
{
	dissect_begin(edt, i + 1, 1367526033 + (int64_t)i, 491822000,
	    (double)i * 0.25, (uint32_t)fixtures[i].len,
	    (uint32_t)fixtures[i].len, LINKTYPE_ETHERNET);
	dissect_frame(edt, fixtures[i].data);
}

static void
setup(void)
{
	size_t i;

	proto_init();
	atomic_store(&field_want_everything, 1);
	for (i = 0; i < NFIX; i++) {
		dissect_init(&full[i]);
		dissect_fixture(&full[i], i);
	}
	atomic_store(&field_want_everything, 0);
	dissect_init(&primed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct dfilter *df = NULL;
	char *text, *err;
	bool want, got;
	size_t i;

	if (!ready) {
		setup();
		ready = true;
	}
	text = g_strndup((const char *)data, size);
	err = dfilter_compile(text, &df);
	if (err != NULL) {
		if (df != NULL || *err == '\0') {
			fprintf(stderr, "dfilter_compile(\"%s\"): an error "
			    "\"%s\" with a filter\n", text, err);
			abort();
		}
		g_free(err);
		g_free(text);
		return (0);
	}

	dfilter_prime(df, true);
	for (i = 0; i < NFIX; i++) {
		want = dfilter_apply(df, &full[i]);
		dissect_fixture(&primed, i);
		got = dfilter_apply(df, &primed);
		if (got != want) {
			fprintf(stderr, "\"%s\" on frame %zu: %d with the "
			    "primed fields, %d with every field\n", text, i,
			    got, want);
			abort();
		}
	}
	dfilter_prime(df, false);
	if (atomic_load(&field_wanted_any) != 0) {
		fprintf(stderr, "\"%s\": fields still wanted after "
		    "dfilter_prime(off)\n", text);
		abort();
	}
	dfilter_free(df);
	g_free(text);
	return (0);
}
