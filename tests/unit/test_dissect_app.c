/*
 * DHCP, NTP, SSH and SCTP from byte arrays (raw IPv4 frames, one comment
 * per layer): their fields, the DHCP host name on the names tap, the SCTP
 * tap, malformed lengths, and every truncation of every fixture ("ok" or
 * "truncated", never worse, the path a prefix of the whole frame's).
 */
#include <string.h>

#include <check.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"
#include "testutil.h"

#define LINKTYPE_RAW	101

static struct dissect edt;

static tap_packet_status
noop(void *tapdata, struct packet_info *pinfo, struct dissect *e,
    const void *data)
{
	(void)tapdata;
	(void)pinfo;
	(void)e;
	(void)data;
	return (TAP_PACKET_DONT_REDRAW);
}

static void
setup(void)
{
	static int names_listener;
	static bool done;

	proto_init();
	test_listen_all();
	if (!done) {
		(void)names_tap_id();
		g_free(register_tap_listener(NAMES_TAP, &names_listener, NULL,
		    0, NULL, noop, NULL, NULL));
		done = true;
	}
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
	test_dissect(&edt, LINKTYPE_RAW, p, len, len);
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
	static char buf[ADDR_STRLEN];
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	return (address_to_str(&f->v.addr, buf));
}

static char *
sval(const char *name)
{
	const struct field_value *f = test_field(&edt, name);

	ck_assert_msg(f != NULL, "no %s", name);
	return (g_strndup((const char *)f->v.bytes.p, f->v.bytes.len));
}

#define IP4(len, proto) \
	0x45, 0x00, (len) >> 8, (len) & 0xff, 0x00, 0x01, 0x00, 0x00, \
	0x40, (proto), 0x00, 0x00, 192, 168, 1, 2, 192, 168, 1, 1

static const uint8_t dhcp_request[] = {
	/* ip */
	IP4(20 + 8 + 263, 17),
	/* udp: 68 -> 67 */
	0x00, 0x44, 0x00, 0x43, 0x01, 0x0f, 0x00, 0x00,
	/* bootp: request, Ethernet, 6, 0 hops, xid, secs 3, broadcast */
	0x01, 0x01, 0x06, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0x80, 0x00,
	/* ciaddr, yiaddr, siaddr, giaddr */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* chaddr (16) */
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* sname (64) */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* file (128) */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* magic cookie */
	99, 130, 83, 99,
	/* 53: request; 50: 192.168.1.50; 12: "host1"; 54: 192.168.1.1 */
	53, 1, 3,
	50, 4, 192, 168, 1, 50,
	12, 5, 'h', 'o', 's', 't', '1',
	54, 4, 192, 168, 1, 1,
	/* end */
	255,
};

static const uint8_t ntp_client[] = {
	/* ip */
	IP4(20 + 8 + 48, 17),
	/* udp: 123 -> 123 */
	0x00, 0x7b, 0x00, 0x7b, 0x00, 0x38, 0x00, 0x00,
	/* ntp: LI 0, VN 4, mode 3; stratum 2, poll 6, precision -23 */
	0x23, 0x02, 0x06, 0xe9,
	/* root delay, root dispersion, reference id "GPS\0" */
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 'G', 'P', 'S', 0,
	/* reference, origin, receive, transmit timestamps */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0xe9, 0x00, 0x00, 0x00, 0, 0, 0, 1,
};

static const uint8_t ssh_banner[] = {
	/* ip */
	IP4(20 + 20 + 21, 6),
	/* tcp: 22 -> 50000, PSH ACK */
	0x00, 0x16, 0xc3, 0x50, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff,
	0, 0, 0, 0,
	/* ssh: the banner */
	'S', 'S', 'H', '-', '2', '.', '0', '-', 'O', 'p', 'e', 'n', 'S', 'S',
	'H', '_', '9', '.', '6', '\r', '\n',
};

static const uint8_t sctp_init[] = {
	/* ip */
	IP4(20 + 12 + 20 + 20, 132),
	/* sctp: 2905 -> 2905, verification tag 0, checksum */
	0x0b, 0x59, 0x0b, 0x59, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
	/* INIT, length 20: initiate tag, a_rwnd, streams, initial TSN */
	0x01, 0x00, 0x00, 0x14, 0, 0, 0, 1, 0, 1, 0, 0, 0, 10, 0, 10,
	0, 0, 0, 1,
	/* DATA, length 17 (13 of value, 3 of padding) */
	0x00, 0x03, 0x00, 0x11, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
	'x', 0, 0, 0,
};

struct fixture {
	const char	*name;
	const uint8_t	*p;
	size_t		 len;
	const char	*path;
};

static const struct fixture fixtures[] = {
	{ "dhcp", dhcp_request, sizeof(dhcp_request), "raw:ip:udp:dhcp" },
	{ "ntp", ntp_client, sizeof(ntp_client), "raw:ip:udp:ntp" },
	{ "ssh", ssh_banner, sizeof(ssh_banner), "raw:ip:tcp:ssh" },
	{ "sctp", sctp_init, sizeof(sctp_init), "raw:ip:sctp" },
};
#define NFIXTURES	((int)G_N_ELEMENTS(fixtures))

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
	ck_assert_msg(strcmp(test_path(&edt), fx->path) == 0, "%s: %s",
	    fx->name, test_path(&edt));
}
END_TEST

START_TEST(truncations)
{
	const struct fixture *fx = &fixtures[_i];
	size_t caplen;

	for (caplen = 0; caplen < fx->len; caplen++) {
		const char *p;

		test_dissect(&edt, LINKTYPE_RAW, fx->p, caplen, fx->len);
		ck_assert_msg(edt.err == BUF_OK || edt.err == BUF_TRUNCATED,
		    "%s caplen %zu: err %d in %s", fx->name, caplen, edt.err,
		    err_proto());
		p = test_path(&edt);
		ck_assert_msg(strncmp(fx->path, p, strlen(p)) == 0,
		    "%s caplen %zu: path %s", fx->name, caplen, p);
	}
}
END_TEST

START_TEST(dhcp_fields)
{
	const struct names_tap *n;
	char *s;

	run(dhcp_request, sizeof(dhcp_request));
	ck_assert_uint_eq(uval("dhcp.type"), 1);
	ck_assert_uint_eq(uval("dhcp.hw.type"), 1);
	ck_assert_uint_eq(uval("dhcp.id"), 0xdeadbeef);
	ck_assert_uint_eq(uval("dhcp.secs"), 3);
	ck_assert_uint_eq(uval("dhcp.flags.bc"), 1);
	ck_assert_str_eq(aval("dhcp.hw.mac_addr"), "00:11:22:33:44:55");
	ck_assert_str_eq(aval("dhcp.cookie"), "99.130.83.99");
	ck_assert_uint_eq(uval("dhcp.option.dhcp"), 3);
	ck_assert_str_eq(aval("dhcp.option.requested_ip_address"),
	    "192.168.1.50");
	ck_assert_str_eq(aval("dhcp.option.dhcp_server_id"), "192.168.1.1");
	s = sval("dhcp.option.hostname");
	ck_assert_str_eq(s, "host1");
	g_free(s);
	ck_assert_int_eq(test_field_count(&edt, "dhcp.option.type"), 5);
	ck_assert_uint_eq(uval("dhcp.option.end"), 255);
	/* The host name names the address asked for (no ciaddr yet). */
	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 1);
	n = test_tap_data(&edt, NAMES_TAP, 0);
	ck_assert_uint_eq(n->source, NAMES_SRC_DHCP);
	ck_assert_int_eq(n->name_len, 5);
	ck_assert(memcmp(n->name, "host1", 5) == 0);
	ck_assert_str_eq(address_to_str(&n->addr, (char[ADDR_STRLEN]){ 0 }),
	    "192.168.1.50");
}
END_TEST

/* An option that runs past the datagram is malformed; a host name with
 * no address known names nothing. */
START_TEST(dhcp_malformed)
{
	uint8_t p[sizeof(dhcp_request)];
	size_t opt = 20 + 8 + 236 + 4;

	memcpy(p, dhcp_request, sizeof(p));
	p[opt + 3 + 1] = 200;			/* option 50's length */
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "dhcp");
	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 0);
	memcpy(p, dhcp_request, sizeof(p));
	p[opt + 3] = 51;			/* 50 becomes a lease time */
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_eq(test_tap_count(&edt, NAMES_TAP), 0);
}
END_TEST

START_TEST(ntp_fields)
{
	const struct field_value *f;

	run(ntp_client, sizeof(ntp_client));
	ck_assert_uint_eq(uval("ntp.flags"), 0x23);
	ck_assert_uint_eq(uval("ntp.flags.li"), 0);
	ck_assert_uint_eq(uval("ntp.flags.vn"), 4);
	ck_assert_uint_eq(uval("ntp.flags.mode"), 3);
	ck_assert_uint_eq(uval("ntp.stratum"), 2);
	ck_assert_uint_eq(uval("ntp.ppoll"), 6);
	ck_assert_uint_eq(uval("ntp.rootdelay"), 256);
	f = test_field(&edt, "ntp.refid");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->v.bytes.len, 4);
	ck_assert(memcmp(f->v.bytes.p, "GPS", 3) == 0);
}
END_TEST

/* Control messages (mode 6): the flags only. */
START_TEST(ntp_control)
{
	uint8_t p[20 + 8 + 12];

	memcpy(p, ntp_client, 28);
	p[3] = sizeof(p);
	p[25] = 8 + 12;
	memset(p + 28, 0, 12);
	p[28] = 0x26;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_uint_eq(uval("ntp.flags.mode"), 6);
	ck_assert_ptr_null(test_field(&edt, "ntp.stratum"));
}
END_TEST

START_TEST(ssh_banner_field)
{
	uint8_t p[sizeof(ssh_banner)];
	char *s;

	run(ssh_banner, sizeof(ssh_banner));
	s = sval("ssh.protocol");
	ck_assert_str_eq(s, "SSH-2.0-OpenSSH_9.6");
	g_free(s);
	/* Not a banner: ssh, with no protocol field. */
	memcpy(p, ssh_banner, sizeof(p));
	p[40] = 'X';
	run(p, sizeof(p));
	ck_assert_str_eq(test_path(&edt), "raw:ip:tcp:ssh");
	ck_assert_ptr_null(test_field(&edt, "ssh.protocol"));
	ck_assert_int_eq(edt.err, BUF_OK);
}
END_TEST

START_TEST(sctp_fields)
{
	const struct sctp_tap *t;
	uint8_t p[sizeof(sctp_init)];

	run(sctp_init, sizeof(sctp_init));
	ck_assert_uint_eq(uval("sctp.srcport"), 2905);
	ck_assert_int_eq(test_field_count(&edt, "sctp.port"), 2);
	ck_assert_uint_eq(uval("sctp.checksum"), 0x12345678);
	ck_assert_int_eq(test_field_count(&edt, "sctp.chunk_type"), 2);
	ck_assert_uint_eq(uval("sctp.chunk_type"), 1);
	ck_assert_uint_eq(uval("sctp.chunk_length"), 20);
	ck_assert_int_eq(test_tap_count(&edt, "sctp"), 1);
	t = test_tap_data(&edt, "sctp", 0);
	ck_assert_uint_eq(t->conv.sport, 2905);
	ck_assert_str_eq(address_to_str(&t->conv.dst, (char[ADDR_STRLEN]){ 0 }),
	    "192.168.1.1");
	/* A chunk length under 4 is malformed, and the walk ends. */
	memcpy(p, sctp_init, sizeof(p));
	p[20 + 12 + 20 + 3] = 2;
	run(p, sizeof(p));
	ck_assert_int_eq(edt.err, BUF_MALFORMED);
	ck_assert_str_eq(err_proto(), "sctp");
	ck_assert_int_eq(test_field_count(&edt, "sctp.chunk_type"), 2);
}
END_TEST

/* A packet of nothing but 4-byte chunks: the walk stops at its cap. */
START_TEST(sctp_many_chunks)
{
	size_t n = 20 + 12 + 4 * 1000, i;
	uint8_t *p = g_malloc0(n);

	memcpy(p, sctp_init, 32);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	for (i = 32; i < n; i += 4)
		p[i + 3] = 4;
	run(p, n);
	ck_assert_int_eq(edt.err, BUF_OK);
	ck_assert_int_le(test_field_count(&edt, "sctp.chunk_type"), 256);
	g_free(p);
}
END_TEST

Suite *
suite_dissect_app(void)
{
	Suite *s = suite_create("dissect_app");
	TCase *tc = tcase_create("app");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, paths, 0, NFIXTURES);
	tcase_add_loop_test(tc, truncations, 0, NFIXTURES);
	tcase_add_test(tc, dhcp_fields);
	tcase_add_test(tc, dhcp_malformed);
	tcase_add_test(tc, ntp_fields);
	tcase_add_test(tc, ntp_control);
	tcase_add_test(tc, ssh_banner_field);
	tcase_add_test(tc, sctp_fields);
	tcase_add_test(tc, sctp_many_chunks);
	suite_add_tcase(s, tc);
	return (s);
}
