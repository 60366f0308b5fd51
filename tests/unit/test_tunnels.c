/*
 * The UDP tunnels GTP-U and Geneve: their fields, the user packets they
 * carry, and hostile headers (extension header chains of length 0 or
 * without end, options that run past their space).  Each fixture is an
 * Ethernet frame as a commented byte array, one comment per layer; every
 * prefix of every valid fixture is dissected too.  Inner ports 33333 and
 * 44444 are chosen so that no application dissector claims the payload.
 */
#include <string.h>

#include <check.h>
#include <pcap/dlt.h>

#include "core/dissect.h"
#include "core/proto.h"
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

#define IP4(len, proto, src, dst) \
	0x45, 0x00, (len) >> 8, (len) & 0xff, 0x12, 0x34, 0x40, 0x00, \
	64, proto, 0x00, 0x00, src, dst
#define IP6(plen, nxt, src, dst) \
	0x60, 0x00, 0x00, 0x00, (plen) >> 8, (plen) & 0xff, nxt, 64, src, dst

/* Outer UDP from 33333 to a tunnel's port, with the given length. */
#define UDP_TO(port, len) \
	0x82, 0x35, (port) >> 8, (port) & 0xff, (len) >> 8, (len) & 0xff, \
	0x00, 0x00
#define GTPU(len)	UDP_TO(2152, len)
#define GENEVE(len)	UDP_TO(6081, len)
/* Inner UDP from 33333 to 44444. */
#define UDP(len) 0x82, 0x35, 0xad, 0x9c, (len) >> 8, (len) & 0xff, 0x00, 0x00

static const uint8_t gtp_ipv4[] = {
	/* eth */
	ETH_IP,
	/* ip: length 64, UDP */
	IP4(64, 17, A1, A2),
	/* udp: -> 2152, length 44 */
	GTPU(44),
	/* gtp: version 1, PT, G-PDU, length 28, TEID 0x01020304 */
	0x30, 0xff, 0x00, 0x1c, 0x01, 0x02, 0x03, 0x04,
	/* ip: the user's packet, length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp */
	UDP(8),
};

static const uint8_t gtp_ext_ipv6[] = {
	/* eth */
	ETH_IP,
	/* ip: length 96, UDP */
	IP4(96, 17, A1, A2),
	/* udp: -> 2152, length 76 */
	GTPU(76),
	/* gtp: E and S, G-PDU, length 60, TEID 0x77 */
	0x36, 0xff, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x77,
	/* seq 0x0102, N-PDU 0 (not meant: no PN), next: PDU session
	 * container */
	0x01, 0x02, 0x00, 0x85,
	/* ext: length 1 (4 bytes), QFI 9, next: UDP port */
	0x01, 0x10, 0x09, 0x40,
	/* ext: length 1, port 8080, next: none */
	0x01, 0x1f, 0x90, 0x00,
	/* ipv6: the user's packet, payload 8, UDP */
	IP6(8, 17, A6_1, A6_2),
	/* udp */
	UDP(8),
};

static const uint8_t gtp_echo[] = {
	/* eth */
	ETH_IP,
	/* ip: length 40, UDP */
	IP4(40, 17, A1, A2),
	/* udp: -> 2152, length 20 */
	GTPU(20),
	/* gtp: S, echo request, length 4, TEID 0 */
	0x32, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	/* seq 9, N-PDU 0, no extension */
	0x00, 0x09, 0x00, 0x00,
};

static const uint8_t geneve_eth[] = {
	/* eth */
	ETH_IP,
	/* ip: length 78, UDP */
	IP4(78, 17, A1, A2),
	/* udp: -> 6081, length 58 */
	GENEVE(58),
	/* geneve: version 0, no options, Ethernet, VNI 0x123 */
	0x00, 0x00, 0x65, 0x58, 0x00, 0x01, 0x23, 0x00,
	/* eth */
	ETH_IP,
	/* ip: length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp */
	UDP(8),
};

static const uint8_t geneve_opts_ipv4[] = {
	/* eth */
	ETH_IP,
	/* ip: length 76, UDP */
	IP4(76, 17, A1, A2),
	/* udp: -> 6081, length 56 */
	GENEVE(56),
	/* geneve: 3 words of options, critical, IPv4, VNI 0x456 */
	0x03, 0x40, 0x08, 0x00, 0x00, 0x04, 0x56, 0x00,
	/* option: class 0x0103, type 0x80 (critical), 1 word of data */
	0x01, 0x03, 0x80, 0x01, 0x00, 0x00, 0x00, 0x2a,
	/* option: class 0xffff, type 1, no data */
	0xff, 0xff, 0x01, 0x00,
	/* ip: length 28, UDP */
	IP4(28, 17, A3, A4),
	/* udp */
	UDP(8),
};

struct fixture {
	const char	*name;
	const uint8_t	*p;
	size_t		 len;
	const char	*path;
};

#define FIX(a, path)	{ #a, a, sizeof(a), path }

static const struct fixture fixtures[] = {
	FIX(gtp_ipv4, "eth:ip:udp:gtp:ip:udp"),
	FIX(gtp_ext_ipv6, "eth:ip:udp:gtp:ipv6:udp"),
	FIX(gtp_echo, "eth:ip:udp:gtp"),
	FIX(geneve_eth, "eth:ip:udp:geneve:eth:ip:udp"),
	FIX(geneve_opts_ipv4, "eth:ip:udp:geneve:ip:udp"),
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
err_proto(void)
{
	return (edt.err == BUF_OK ? "-" : proto_name(edt.err_proto));
}

START_TEST(paths)
{
	const struct fixture *fx = &fixtures[_i];

	run(fx->p, fx->len);
	ck_assert_msg(edt.err == BUF_OK, "%s: err %d in %s", fx->name,
	    edt.err, err_proto());
	ck_assert_str_eq(test_path(&edt), fx->path);
}
END_TEST

/* Every prefix: "ok" or "truncated", and the path a prefix of the whole's. */
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
		ck_assert_msg(strncmp(fx->path, p, strlen(p)) == 0,
		    "%s caplen %zu: path %s", fx->name, caplen, p);
	}
}
END_TEST

START_TEST(gtp_fields)
{
	run(gtp_ipv4, sizeof(gtp_ipv4));
	ck_assert_uint_eq(uval("gtp.flags"), 0x30);
	ck_assert_uint_eq(uval("gtp.flags.version"), 1);
	ck_assert_uint_eq(uval("gtp.message"), 0xff);
	ck_assert_uint_eq(uval("gtp.length"), 28);
	ck_assert_uint_eq(uval("gtp.teid"), 0x01020304);
	ck_assert_ptr_null(test_field(&edt, "gtp.seq_number"));
	ck_assert_ptr_null(test_field(&edt, "gtp.ext_hdr.next"));
	/* Outer and inner IP are both IP layers, with both taps. */
	ck_assert_int_eq(test_field_count(&edt, "ip.src"), 2);
	ck_assert_int_eq(test_tap_count(&edt, "ip"), 2);

	run(gtp_ext_ipv6, sizeof(gtp_ext_ipv6));
	ck_assert_uint_eq(uval("gtp.seq_number"), 0x0102);
	/* PN is clear: the N-PDU octet is there but means nothing. */
	ck_assert_ptr_null(test_field(&edt, "gtp.npdu_number"));
	ck_assert_int_eq(test_field_count(&edt, "gtp.ext_hdr"), 2);
	ck_assert_int_eq(test_field_count(&edt, "gtp.ext_hdr.next"), 3);
	ck_assert_int_eq(test_field_count(&edt, "gtp.ext_hdr.length"), 2);
	ck_assert_uint_eq(uval("gtp.ext_hdr.next"), 0x85);
	ck_assert_int_eq(test_tap_count(&edt, "ipv6"), 1);

	run(gtp_echo, sizeof(gtp_echo));
	ck_assert_uint_eq(uval("gtp.message"), 1);
	ck_assert_uint_eq(uval("gtp.seq_number"), 9);
}
END_TEST

START_TEST(geneve_fields)
{
	run(geneve_eth, sizeof(geneve_eth));
	ck_assert_uint_eq(uval("geneve.version"), 0);
	ck_assert_uint_eq(uval("geneve.proto_type"), 0x6558);
	ck_assert_uint_eq(uval("geneve.vni"), 0x123);
	ck_assert_uint_eq(uval("geneve.option.length"), 0);
	ck_assert_ptr_null(test_field(&edt, "geneve.options"));
	ck_assert_int_eq(test_tap_count(&edt, "eth"), 2);

	run(geneve_opts_ipv4, sizeof(geneve_opts_ipv4));
	ck_assert_uint_eq(uval("geneve.flags.critical"), 1);
	ck_assert_uint_eq(uval("geneve.flags.oam"), 0);
	ck_assert_uint_eq(uval("geneve.vni"), 0x456);
	ck_assert_int_eq(test_field_count(&edt, "geneve.option"), 2);
	ck_assert_uint_eq(uval("geneve.option.class"), 0x0103);
	ck_assert_uint_eq(uval("geneve.option.type.critical"), 1);
	/* The options' length, then each option's, in bytes. */
	ck_assert_int_eq(test_field_count(&edt, "geneve.option.length"), 3);
	ck_assert_uint_eq(uval("geneve.option.length"), 12);
	ck_assert_uint_eq(test_field(&edt, "geneve.options")->v.bytes.len, 12);
}
END_TEST

/* An extension header of length 0 cannot advance: malformed, no payload. */
START_TEST(gtp_ext_zero)
{
	uint8_t p[sizeof(gtp_ext_ipv6)];

	memcpy(p, gtp_ext_ipv6, sizeof(p));
	p[14 + 20 + 8 + 12] = 0;	/* the first header's length */
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "gtp");
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:gtp");
}
END_TEST

/* A chain of extension headers with no end: the cap stops it. */
START_TEST(gtp_ext_endless)
{
	static const uint8_t head[] = {
		ETH_IP,
		IP4(20 + 8 + 12 + 4 * 40, 17, A1, A2),
		GTPU(8 + 12 + 4 * 40),
		/* gtp: E, G-PDU, length 164 */
		0x34, 0xff, 0x00, 12 + 4 * 40 - 8, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x85,
	};
	static const uint8_t ext[] = { 0x01, 0x00, 0x00, 0x85 };
	uint8_t p[sizeof(head) + 40 * sizeof(ext)];
	int i;

	memcpy(p, head, sizeof(head));
	for (i = 0; i < 40; i++)
		memcpy(p + sizeof(head) + i * sizeof(ext), ext, sizeof(ext));
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "gtp");
	ck_assert_int_le(test_field_count(&edt, "gtp.ext_hdr"), 16);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:gtp");
}
END_TEST

/* A length beyond the datagram is malformed; what is there is looked at. */
START_TEST(gtp_long_length)
{
	uint8_t p[sizeof(gtp_ipv4)];

	memcpy(p, gtp_ipv4, sizeof(p));
	p[14 + 20 + 8 + 3] = 200;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "gtp");
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:gtp:ip:udp");

	/* Not an IP packet in a G-PDU: kept as data, nothing handed on. */
	memcpy(p, gtp_ipv4, sizeof(p));
	p[14 + 20 + 8 + 8] = 0x00;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:gtp");
	ck_assert_ptr_nonnull(test_field(&edt, "gtp.tpdu_data"));
}
END_TEST

/* Options past their space, and options past the datagram. */
START_TEST(geneve_bad_options)
{
	uint8_t p[sizeof(geneve_opts_ipv4)];

	/* The first option claims 31 words: the walk stops, the payload
	 * is still dissected (the options' space is known). */
	memcpy(p, geneve_opts_ipv4, sizeof(p));
	p[14 + 20 + 8 + 8 + 3] = 0x1f;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_field_count(&edt, "geneve.option"), 0);
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:geneve:ip:udp");

	/* 63 words of options in a 56-byte datagram: malformed. */
	memcpy(p, geneve_opts_ipv4, sizeof(p));
	p[14 + 20 + 8] = 0x3f;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "geneve");
	ck_assert_str_eq(test_path(&edt), "eth:ip:udp:geneve");
}
END_TEST

Suite *
suite_tunnels(void)
{
	Suite *s = suite_create("tunnels");
	TCase *tc = tcase_create("valid");
	TCase *bad = tcase_create("malformed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, paths, 0, NFIXTURES);
	tcase_add_loop_test(tc, truncations, 0, NFIXTURES);
	tcase_add_test(tc, gtp_fields);
	tcase_add_test(tc, geneve_fields);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, gtp_ext_zero);
	tcase_add_test(bad, gtp_ext_endless);
	tcase_add_test(bad, gtp_long_length);
	tcase_add_test(bad, geneve_bad_options);
	suite_add_tcase(s, bad);
	return (s);
}
