/*
 * The name table (core/names.h): bounds, replacement rules, CNAME chains,
 * the hosts and services files, the "names" tap's listener fed with
 * records queued by hand (as the DNS, DHCP, TLS and HTTP dissectors will
 * queue them), names escaped in the JSON and text reports; and, in the
 * names_threads suite that `make test-tsan` runs, the table under
 * concurrent writers and readers and the reverse resolver with fake
 * lookups (slow ones for the timeout, counted ones to show that nothing
 * is looked up unless a resolver was made).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>
#include <netdb.h>

#include "core/clock.h"
#include "core/dissect.h"
#include "core/names.h"
#include "core/panel.h"
#include "core/report.h"
#include "core/tap.h"
#include "dissectors/taps.h"

static struct address
v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t p[4] = { a, b, c, d };
	struct address x;

	address_set(&x, AT_IPv4, p, 4);
	return (x);
}

static struct address
v6(uint16_t last)
{
	uint8_t p[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct address x;

	p[14] = (uint8_t)(last >> 8);
	p[15] = (uint8_t)last;
	address_set(&x, AT_IPv6, p, 16);
	return (x);
}

static struct address
mac(uint8_t last)
{
	uint8_t p[6] = { 2, 0, 0, 0, 0, last };
	struct address x;

	address_set(&x, AT_ETHER, p, 6);
	return (x);
}

static enum names_result
add(struct names *n, struct address a, const char *name,
    enum names_source src)
{
	return (names_add(n, &a, name, strlen(name), src));
}

/* The name of an address, "" for none (a static buffer). */
static const char *
name_of(struct names *n, struct address a)
{
	static char buf[NAMES_NAME_MAX + 1];

	(void)names_lookup(n, &a, buf, NULL);
	return (buf);
}

START_TEST(add_and_lookup)
{
	struct names *n = names_new(16, 16);
	struct address bad;
	enum names_source src;
	char buf[NAMES_NAME_MAX + 1];

	ck_assert_int_eq(add(n, v4(192, 0, 2, 1), "one.example", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, v6(1), "six.example", NAMES_SRC_MDNS),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, mac(1), "printer", NAMES_SRC_DHCP),
	    NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 1)), "one.example");
	ck_assert(names_lookup(n, &(struct address){ 0 }, buf, NULL) == false);
	ck_assert(names_lookup(n, (struct address[]){ v6(1) }, buf, &src));
	ck_assert_str_eq(buf, "six.example");
	ck_assert_int_eq(src, NAMES_SRC_MDNS);
	ck_assert_str_eq(name_of(n, mac(1)), "printer");
	/* Unknown: false and "". */
	ck_assert(!names_lookup(n, (struct address[]){ v4(192, 0, 2, 2) },
	    buf, NULL));
	ck_assert_str_eq(buf, "");
	/* Bytes past an address's length are not part of it. */
	bad = v4(192, 0, 2, 1);
	bad.data[8] = 0xff;
	ck_assert_str_eq(name_of(n, bad), "one.example");
	/* An address of no known type, or of the wrong length, is refused. */
	bad = v4(1, 2, 3, 4);
	bad.len = 5;
	ck_assert_int_eq(names_add(n, &bad, "x", 1, NAMES_SRC_DNS),
	    NAMES_REFUSED);
	bad.type = AT_NONE;
	bad.len = 4;
	ck_assert_int_eq(names_add(n, &bad, "x", 1, NAMES_SRC_DNS),
	    NAMES_REFUSED);
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(1, 2, 3, 4) },
	    "x", 1, NAMES_SRC_N), NAMES_REFUSED);
	names_free(n);
}
END_TEST

START_TEST(bounds)
{
	struct names *n = names_new(3, 2);
	struct names_stats st;
	char name[NAMES_NAME_MAX + 2];

	ck_assert_int_eq(add(n, v4(10, 0, 0, 1), "a", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(10, 0, 0, 2), "b", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(10, 0, 0, 3), "c", NAMES_SRC_DNS),
	    NAMES_ADDED);
	/* Full: a new address is refused, a known one still renamed. */
	ck_assert_int_eq(add(n, v4(10, 0, 0, 4), "d", NAMES_SRC_DNS),
	    NAMES_REFUSED);
	ck_assert_int_eq(add(n, v4(10, 0, 0, 5), "e", NAMES_SRC_HOSTS),
	    NAMES_REFUSED);
	ck_assert_int_eq(add(n, v4(10, 0, 0, 1), "a2", NAMES_SRC_DNS),
	    NAMES_REPLACED);
	ck_assert_str_eq(name_of(n, v4(10, 0, 0, 4)), "");
	ck_assert_str_eq(name_of(n, v4(10, 0, 0, 1)), "a2");

	/* Names: 1 to NAMES_NAME_MAX bytes, no NUL. */
	memset(name, 'x', sizeof(name));
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 2) },
	    name, NAMES_NAME_MAX, NAMES_SRC_DNS), NAMES_REPLACED);
	ck_assert_uint_eq(strlen(name_of(n, v4(10, 0, 0, 2))), NAMES_NAME_MAX);
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 2) },
	    name, NAMES_NAME_MAX + 1, NAMES_SRC_DNS), NAMES_REFUSED);
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 2) },
	    "", 0, NAMES_SRC_DNS), NAMES_REFUSED);
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 2) },
	    "ab\0cd", 5, NAMES_SRC_DNS), NAMES_REFUSED);
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 2) },
	    NULL, 3, NAMES_SRC_DNS), NAMES_REFUSED);
	/* Only len bytes are read: no NUL needed after them. */
	ck_assert_int_eq(names_add(n, (struct address[]){ v4(10, 0, 0, 3) },
	    "hostname-and-more", 8, NAMES_SRC_DNS), NAMES_REPLACED);
	ck_assert_str_eq(name_of(n, v4(10, 0, 0, 3)), "hostname");

	/* Aliases: capped too. */
	ck_assert_int_eq(names_add_alias(n, "w1", 2, "t1", 2, NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_int_eq(names_add_alias(n, "w2", 2, "t2", 2, NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_int_eq(names_add_alias(n, "w3", 2, "t3", 2, NAMES_SRC_DNS),
	    NAMES_REFUSED);
	ck_assert_int_eq(names_add_alias(n, "w4", 2, "t1", 2, NAMES_SRC_DNS),
	    NAMES_REPLACED);
	ck_assert_int_eq(names_add_alias(n, name, NAMES_NAME_MAX + 1, "t9", 2,
	    NAMES_SRC_DNS), NAMES_REFUSED);

	names_stats(n, &st);
	ck_assert_uint_eq(st.entries, 3);
	ck_assert_uint_eq(st.aliases, 2);
	ck_assert_uint_eq(st.refused_full, 2);
	ck_assert_uint_eq(st.refused_long, 1);
	ck_assert_uint_eq(st.refused_bad, 3);
	ck_assert_uint_eq(st.aliases_refused, 2);
	ck_assert_uint_eq(st.replaced, 3);
	names_free(n);
}
END_TEST

START_TEST(replacement_rules)
{
	struct names *n = names_new(16, 16);
	struct names_stats st;
	enum names_source src;
	char buf[NAMES_NAME_MAX + 1];

	/* A better source replaces; a worse one is kept out. */
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "sni.example", NAMES_SRC_SNI),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "dns.example", NAMES_SRC_DNS),
	    NAMES_REPLACED);
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "http.example",
	    NAMES_SRC_HTTP), NAMES_KEPT);
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "ptr.example",
	    NAMES_SRC_RESOLVER), NAMES_KEPT);
	ck_assert_str_eq(name_of(n, v4(1, 1, 1, 1)), "dns.example");
	/* The same source: the newest answer wins. */
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "dns2.example", NAMES_SRC_DNS),
	    NAMES_REPLACED);
	ck_assert_str_eq(name_of(n, v4(1, 1, 1, 1)), "dns2.example");
	/* The same name, in another case, from a better source: the same
	 * name, now of the better source. */
	ck_assert_int_eq(add(n, v4(1, 1, 1, 1), "DNS2.Example",
	    NAMES_SRC_HOSTS), NAMES_SAME);
	ck_assert(names_lookup(n, (struct address[]){ v4(1, 1, 1, 1) }, buf,
	    &src));
	ck_assert_str_eq(buf, "dns2.example");
	ck_assert_int_eq(src, NAMES_SRC_HOSTS);
	/* The hosts file: the first name stays, and no wire name replaces
	 * it. */
	ck_assert_int_eq(add(n, v4(2, 2, 2, 2), "first", NAMES_SRC_HOSTS),
	    NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(2, 2, 2, 2), "second", NAMES_SRC_HOSTS),
	    NAMES_KEPT);
	ck_assert_int_eq(add(n, v4(2, 2, 2, 2), "wire", NAMES_SRC_DNS),
	    NAMES_KEPT);
	ck_assert_str_eq(name_of(n, v4(2, 2, 2, 2)), "first");
	names_stats(n, &st);
	ck_assert_uint_eq(st.kept, 4);
	ck_assert_uint_eq(st.replaced, 2);
	ck_assert_str_eq(names_source_name(NAMES_SRC_DNS), "dns");
	ck_assert_str_eq(names_source_name(NAMES_SRC_N), "?");
	names_free(n);
}
END_TEST

START_TEST(cname_chains)
{
	struct names *n = names_new(16, 16);
	int i;

	/* www.example.com -> www.example.com.cdn.net -> e1.edge.net, whose
	 * A record names the address: it is called what was asked for. */
	ck_assert_int_eq(names_add_alias(n, "www.example.com", 15,
	    "www.example.com.cdn.net", 23, NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_int_eq(names_add_alias(n, "www.example.com.cdn.net", 23,
	    "e1.edge.net", 11, NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(192, 0, 2, 10), "e1.edge.net",
	    NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 10)), "www.example.com");
	/* AAAA too, and without regard to case. */
	ck_assert_int_eq(add(n, v6(10), "E1.Edge.NET", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v6(10)), "www.example.com");
	/* A name that is no alias's target is its own. */
	ck_assert_int_eq(add(n, v4(192, 0, 2, 11), "plain.example",
	    NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 11)), "plain.example");
	/* An alias learned later does not rename an address. */
	ck_assert_int_eq(names_add_alias(n, "late.example", 12,
	    "plain.example", 13, NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 11)), "plain.example");
	/* A loop (a -> b -> a) ends: the walk is bounded. */
	ck_assert_int_eq(names_add_alias(n, "loop-a", 6, "loop-b", 6,
	    NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_int_eq(names_add_alias(n, "loop-b", 6, "loop-a", 6,
	    NAMES_SRC_DNS), NAMES_ADDED);
	ck_assert_int_eq(add(n, v4(192, 0, 2, 12), "loop-a", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert(strncmp(name_of(n, v4(192, 0, 2, 12)), "loop-", 5) == 0);
	/* A chain longer than NAMES_CHAIN_MAX stops after that many. */
	for (i = 0; i < NAMES_CHAIN_MAX + 3; i++) {
		char a[16], t[16];

		snprintf(a, sizeof(a), "c%d", i);
		snprintf(t, sizeof(t), "c%d", i + 1);
		ck_assert_int_eq(names_add_alias(n, a, strlen(a), t,
		    strlen(t), NAMES_SRC_DNS), NAMES_ADDED);
	}
	ck_assert_int_eq(add(n, v4(192, 0, 2, 13), "c11", NAMES_SRC_DNS),
	    NAMES_ADDED);
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 13)), "c3");
	/* A name that is its own alias says nothing. */
	ck_assert_int_eq(names_add_alias(n, "Self", 4, "self", 4,
	    NAMES_SRC_DNS), NAMES_REFUSED);
	names_free(n);
}
END_TEST

static char *
write_tmp(const char *text)
{
	char *path = g_strdup("/tmp/taptop-names-XXXXXX");
	int fd = g_mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return (path);
}

START_TEST(hosts_file)
{
	struct names *n = names_new(16, 16);
	char *path, *err = NULL;
	char longline[5000];
	GString *text = g_string_new(NULL);

	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	g_string_append(text,
	    "# a comment\n"
	    "127.0.0.1\tlocalhost\n"
	    "192.0.2.1   gw.example gw   # alias and comment\n"
	    "192.0.2.1   second.example\n"
	    "2001:db8::5 six.example\n"
	    "fe80::1%eth0 linklocal\n"
	    "not-an-address name\n"
	    "192.0.2.9\n"
	    "   \n"
	    "#192.0.2.7 commented.example\n");
	g_string_append_printf(text, "192.0.2.8 %s\n", longline);
	g_string_append(text, "192.0.2.3 esc\x1b[31mred\n"
	    "192.0.2.4 last.example");	/* no new line at the end */
	path = write_tmp(text->str);
	ck_assert_int_eq(names_load_hosts(n, path, &err), 6);
	ck_assert_str_eq(name_of(n, v4(127, 0, 0, 1)), "localhost");
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 1)), "gw.example");
	ck_assert_str_eq(name_of(n, v6(5)), "six.example");
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 9)), "");
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 7)), "");
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 8)), "");
	/* Stored as it came: escaping is the printers' job. */
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 3)), "esc\x1b[31mred");
	ck_assert_str_eq(name_of(n, v4(192, 0, 2, 4)), "last.example");
	unlink(path);
	g_free(path);
	ck_assert_int_eq(names_load_hosts(n, "/nonexistent/hosts", &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/hosts"));
	g_free(err);
	g_string_free(text, TRUE);
	names_free(n);
}
END_TEST

/* Runs in its own process (Check forks per test): the services file is
 * read once, on the first lookup, from $TAPTOP_SERVICES. */
START_TEST(services_file)
{
	char *path = write_tmp(
	    "# comment\n"
	    "testhttp\t80/tcp\t\twww # the first line wins\n"
	    "otherhttp\t80/tcp\n"
	    "testdns\t\t53/udp\n"
	    "testdns-t\t53/tcp\n"
	    "bad\t\t99999/tcp\n"
	    "bad2\t\t12x/tcp\n"
	    "sctponly\t9/sctp\n");

	setenv("TAPTOP_SERVICES", path, 1);
	ck_assert_str_eq(names_service(80, "tcp"), "testhttp");
	ck_assert_ptr_null(names_service(80, "udp"));
	ck_assert_str_eq(names_service(53, "udp"), "testdns");
	ck_assert_str_eq(names_service(53, "tcp"), "testdns-t");
	ck_assert_ptr_null(names_service(9, "tcp"));
	ck_assert_ptr_null(names_service(9, "sctp"));
	ck_assert_ptr_null(names_service(99999, "tcp"));
	ck_assert_ptr_null(names_service(80, NULL));
	unsetenv("TAPTOP_SERVICES");
	unlink(path);
	g_free(path);
}
END_TEST

/* Queues records on the names tap as a dissector would, in one packet. */
static void
push_names(struct dissect *edt, const struct names_tap *recs, int n)
{
	int i;

	dissect_begin(edt, 1, 0, 0, 0, 100, 100, 1);
	for (i = 0; i < n; i++)
		tap_queue_packet(names_tap_id(), &edt->pinfo, &recs[i]);
	tap_push_packet(edt);
}

START_TEST(tap_listener)
{
	struct names *n = names_new(16, 16);
	struct dissect edt;
	/* Bytes as they sit in a packet: no NULs after the names. */
	static const char pkt[] = "www.example.orgcdn.example.netXhost";
	struct names_tap recs[3];
	char *err;

	memset(recs, 0, sizeof(recs));
	recs[0].kind = NAMES_REC_ALIAS;
	recs[0].source = NAMES_SRC_DNS;
	recs[0].name = pkt;
	recs[0].name_len = 15;
	recs[0].target = pkt + 15;
	recs[0].target_len = 15;
	recs[1].kind = NAMES_REC_ADDR;
	recs[1].source = NAMES_SRC_DNS;
	recs[1].addr = v4(198, 51, 100, 7);
	recs[1].name = pkt + 15;
	recs[1].name_len = 15;
	recs[2].kind = NAMES_REC_ADDR;
	recs[2].source = NAMES_SRC_DHCP;
	recs[2].addr = v4(198, 51, 100, 8);
	recs[2].name = pkt + 31;
	recs[2].name_len = 4;
	dissect_init(&edt);
	ck_assert(names_tap_id() > 0);
	ck_assert_int_eq(names_tap_id(), find_tap_id(NAMES_TAP));
	ck_assert_ptr_null(err = names_listen(n));
	/* The global filter does not keep names away: a DNS answer names
	 * the addresses a filtered view shows. */
	ck_assert_ptr_null(set_tap_global_dfilter("tcp.port == 1"));
	push_names(&edt, recs, 3);
	ck_assert_str_eq(name_of(n, v4(198, 51, 100, 7)), "www.example.org");
	ck_assert_str_eq(name_of(n, v4(198, 51, 100, 8)), "host");
	ck_assert_ptr_null(set_tap_global_dfilter(""));
	/* Gone with names_unlisten. */
	names_unlisten(n);
	recs[2].addr = v4(198, 51, 100, 9);
	push_names(&edt, recs + 2, 1);
	ck_assert_str_eq(name_of(n, v4(198, 51, 100, 9)), "");
	/* A NULL record is ignored. */
	ck_assert_ptr_null(names_listen(n));
	push_names(&edt, NULL, 0);
	dissect_begin(&edt, 2, 0, 0, 0, 100, 100, 1);
	tap_queue_packet(names_tap_id(), &edt.pinfo, NULL);
	tap_push_packet(&edt);
	names_unlisten(n);
	dissect_free(&edt);
	names_free(n);
}
END_TEST

/* A conv.ip and an endpoints.ip table with two addresses, one named in
 * the process's table (with a name that tries to drive the terminal),
 * printed as JSON and text. */
static char *
report(unsigned flags, bool json)
{
	static const char *const names[] = { "conv.ip", "endpoints.ip",
	    "conv.udp" };
	struct panel *p[3];
	struct table *t[3];
	struct dissect edt;
	struct udp_tap u;
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	for (i = 0; i < 3; i++) {
		p[i] = panel_open(names[i], NULL, 0, &err);
		ck_assert_ptr_nonnull(p[i]);
	}
	dissect_init(&edt);
	dissect_begin(&edt, 1, 0, 0, 0, 100, 100, 1);
	memset(&u, 0, sizeof(u));
	u.conv.src = v4(203, 0, 113, 1);
	u.conv.dst = v4(203, 0, 113, 2);
	u.conv.sport = 40000;
	u.conv.dport = 53;
	tap_queue_packet(find_tap_id("ip"), &edt.pinfo, &u);
	tap_queue_packet(find_tap_id("udp"), &edt.pinfo, &u);
	tap_push_packet(&edt);
	dissect_free(&edt);
	for (i = 0; i < 3; i++)
		t[i] = panel_snapshot(p[i]);
	fp = open_memstream(&buf, &len);
	if (json)
		report_json_tables(fp, NULL, flags, p,
		    (const struct table *const *)t, 3);
	else
		report_text_tables(fp, NULL, flags, p,
		    (const struct table *const *)t, 3);
	fclose(fp);
	for (i = 0; i < 3; i++) {
		table_free(t[i]);
		panel_close(p[i]);
	}
	return (buf);
}

START_TEST(reports_with_names)
{
	char *s, *path;

	path = write_tmp("53/x\nnameserver 53/udp\n");
	setenv("TAPTOP_SERVICES", path, 1);
	(void)add(names_global(), v4(203, 0, 113, 2), "ns\x1b]0;owned\x07.test",
	    NAMES_SRC_DNS);

	/* Without the flags: no name keys at all. */
	s = report(0, true);
	ck_assert_ptr_null(strstr(s, "_name"));
	ck_assert_ptr_null(strstr(s, "\"name\""));
	free(s);

	s = report(REPORT_NAMES, true);
	ck_assert_ptr_nonnull(strstr(s, "\"columns\":[\"a\",\"a_name\",\"b\","
	    "\"b_name\",\"rate_2s\""));
	ck_assert_ptr_nonnull(strstr(s, "\"a\":\"203.0.113.1\",\"a_name\":null,"
	    "\"b\":\"203.0.113.2\",\"b_name\":\"ns\\u001b]0;owned\\u0007.test\""));
	ck_assert_ptr_nonnull(strstr(s, "\"columns\":[\"address\",\"name\","));
	ck_assert_ptr_nonnull(strstr(s, "\"address\":\"203.0.113.2\",\"name\":"
	    "\"ns\\u001b]0;owned\\u0007.test\""));
	ck_assert_ptr_null(strstr(s, "_port_name"));
	ck_assert_ptr_null(strchr(s, 0x1b));
	ck_assert_ptr_null(strchr(s, 0x07));
	free(s);

	s = report(REPORT_PORT_NAMES, true);
	ck_assert_ptr_nonnull(strstr(s, "\"a_port\":40000,\"a_port_name\":null,"
	    "\"b_port\":53,\"b_port_name\":\"nameserver\""));
	ck_assert_ptr_null(strstr(s, "a_name"));
	free(s);

	/* Text: the name in place of the address, escaped. */
	s = report(REPORT_NAMES | REPORT_PORT_NAMES, false);
	ck_assert_ptr_nonnull(strstr(s, "ns\\x1b]0;owned\\x07.test"));
	ck_assert_ptr_nonnull(strstr(s, "203.0.113.1"));
	ck_assert_ptr_null(strstr(s, "203.0.113.2"));
	ck_assert_ptr_nonnull(strstr(s, "nameserver"));
	ck_assert_ptr_null(strchr(s, 0x1b));
	free(s);
	s = report(0, false);
	ck_assert_ptr_nonnull(strstr(s, "203.0.113.2"));
	ck_assert_ptr_null(strstr(s, "owned"));
	free(s);
	unsetenv("TAPTOP_SERVICES");
	unlink(path);
	g_free(path);
}
END_TEST

/* ---- threads: make test-tsan runs these ---- */

/* A fake system lookup: "host-D" for a.b.c.D at once, except that
 * 192.0.2.99 hangs until released; counts its calls. */
static atomic_int lookups_done;
static atomic_bool release_slow;
static atomic_bool slow_returned;

static int
fake_lookup(const struct address *a, char *out, size_t outlen)
{
	atomic_fetch_add(&lookups_done, 1);
	if (a->type == AT_IPv4 && a->data[3] == 99) {
		while (!atomic_load(&release_slow))
			g_usleep(1000);
		snprintf(out, outlen, "too-late");
		atomic_store(&slow_returned, true);
		return (0);
	}
	if (a->type == AT_IPv4 && a->data[3] == 98)
		return (EAI_NONAME);
	snprintf(out, outlen, "host-%u", a->type == AT_IPv4 ? a->data[3] :
	    a->data[15]);
	return (0);
}

/* Waits (at most 10 s) until the resolver has nothing pending. */
static void
wait_idle(struct names_resolver *r, struct names_resolver_stats *st)
{
	int64_t until = mono_ms() + 10000;

	for (;;) {
		names_resolver_stats(r, st);
		if (st->pending == 0 || mono_ms() > until)
			break;
		g_usleep(2000);
	}
	ck_assert_uint_eq(st->pending, 0);
}

START_TEST(resolver_looks_up_once)
{
	struct names_resolver_opts o = { .lookup = fake_lookup };
	struct names *n = names_new(64, 16);
	struct names_resolver_stats st;
	struct names_resolver *r;
	enum names_source src;
	char buf[NAMES_NAME_MAX + 1], *err = NULL;
	int i;

	atomic_store(&lookups_done, 0);
	r = names_resolver_new(n, &o, &err);
	ck_assert_ptr_nonnull(r);
	for (i = 1; i <= 20; i++)
		ck_assert(names_resolve(r, (struct address[]){ v4(10, 1, 1,
		    (uint8_t)i) }));
	ck_assert(names_resolve(r, (struct address[]){ v6(7) }));
	ck_assert(names_resolve(r, (struct address[]){ v4(10, 1, 1, 98) }));
	/* Asked before, or a type without reverse names: not queued. */
	ck_assert(!names_resolve(r, (struct address[]){ v4(10, 1, 1, 1) }));
	ck_assert(!names_resolve(r, (struct address[]){ mac(1) }));
	wait_idle(r, &st);
	ck_assert_uint_eq(st.requested, 22);
	ck_assert_uint_eq(st.lookups, 22);
	ck_assert_uint_eq(st.found, 21);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.timed_out, 0);
	ck_assert_int_eq(atomic_load(&lookups_done), 22);
	ck_assert(names_lookup(n, (struct address[]){ v4(10, 1, 1, 17) }, buf,
	    &src));
	ck_assert_str_eq(buf, "host-17");
	ck_assert_int_eq(src, NAMES_SRC_RESOLVER);
	ck_assert_str_eq(name_of(n, v6(7)), "host-7");
	ck_assert_str_eq(name_of(n, v4(10, 1, 1, 98)), "");
	/* Cached, found or not: never looked up again. */
	ck_assert(!names_resolve(r, (struct address[]){ v4(10, 1, 1, 98) }));
	ck_assert(!names_resolve(r, (struct address[]){ v4(10, 1, 1, 5) }));
	names_resolver_free(r);
	ck_assert_int_eq(atomic_load(&lookups_done), 22);
	/* A name from the traffic outranks the resolver's. */
	ck_assert_int_eq(add(n, v4(10, 1, 1, 5), "dns.example", NAMES_SRC_DNS),
	    NAMES_REPLACED);
	names_free(n);
}
END_TEST

START_TEST(resolver_timeout_and_bounds)
{
	struct names_resolver_opts o = { .lookup = fake_lookup,
	    .timeout_ms = 1000, .queue_max = 4, .parallel = 1 };
	struct names *n = names_new(64, 16);
	struct names_resolver_stats st;
	struct names_resolver *r;
	char *err = NULL;
	int i, k, queued = 0;

	atomic_store(&release_slow, false);
	atomic_store(&slow_returned, false);
	r = names_resolver_new(n, &o, &err);
	ck_assert_ptr_nonnull(r);
	/* The slow one first: it is given up after 1 s, and the rest
	 * still get their names, one at a time. */
	ck_assert(names_resolve(r, (struct address[]){ v4(10, 2, 2, 99) }));
	for (i = 1; i <= 10; i++)
		queued += names_resolve(r, (struct address[]){ v4(10, 2, 2,
		    (uint8_t)i) });
	wait_idle(r, &st);
	ck_assert_uint_eq(st.timed_out, 1);
	ck_assert_uint_eq(st.requested, 1 + (unsigned)queued);
	ck_assert_uint_eq(st.refused, 10 - (unsigned)queued);
	ck_assert_uint_ge(st.refused, 6);	/* a queue of 4 */
	ck_assert_uint_eq(st.found, (unsigned)queued);
	ck_assert_str_eq(name_of(n, v4(10, 2, 2, 99)), "");
	/* A refused one may be asked for again, until all are named. */
	for (k = 0; k < 10 && st.found < 10; k++) {
		for (i = 1; i <= 10; i++)
			(void)names_resolve(r, (struct address[]){ v4(10, 2,
			    2, (uint8_t)i) });
		wait_idle(r, &st);
	}
	for (i = 1; i <= 10; i++) {
		char want[32];

		snprintf(want, sizeof(want), "host-%d", i);
		ck_assert_str_eq(name_of(n, v4(10, 2, 2, (uint8_t)i)), want);
	}
	ck_assert_uint_eq(st.lookups, 11);
	/* Freed with the slow lookup still running: it returns at once;
	 * the late answer is dropped, the names table untouched. */
	names_resolver_free(r);
	atomic_store(&release_slow, true);
	for (i = 0; i < 5000 && !atomic_load(&slow_returned); i++)
		g_usleep(1000);
	ck_assert(atomic_load(&slow_returned));
	g_usleep(20000);
	ck_assert_str_eq(name_of(n, v4(10, 2, 2, 99)), "");
	names_free(n);
}
END_TEST

/* Nothing is looked up unless a resolver was made: names_wanted, which
 * the interface calls for every address it shows without a name, does
 * nothing then. */
START_TEST(no_lookup_without_resolver)
{
	struct names_resolver_opts o = { .lookup = fake_lookup };
	struct names_resolver_stats st;
	struct names_resolver *r;
	char *err = NULL;
	int i;

	atomic_store(&lookups_done, 0);
	ck_assert_ptr_null(names_global_resolver());
	for (i = 0; i < 50; i++)
		names_wanted((struct address[]){ v4(10, 3, 3, (uint8_t)i) });
	g_usleep(20000);
	ck_assert_int_eq(atomic_load(&lookups_done), 0);
	r = names_resolver_new(names_global(), &o, &err);
	ck_assert_ptr_nonnull(r);
	names_set_global_resolver(r);
	ck_assert_ptr_eq(names_global_resolver(), r);
	names_wanted((struct address[]){ v4(10, 3, 3, 1) });
	wait_idle(r, &st);
	ck_assert_int_eq(atomic_load(&lookups_done), 1);
	ck_assert_str_eq(name_of(names_global(), v4(10, 3, 3, 1)), "host-1");
	names_resolver_free(r);
	ck_assert_ptr_null(names_global_resolver());
}
END_TEST

/* The capture thread's side (the tap listener) and the screen's (lookups)
 * at once, with a resolver adding names too. */
static atomic_bool writers_done;

static gpointer
feeder(gpointer arg)
{
	struct dissect edt;
	struct names_tap rec;
	char name[32];
	int i;

	(void)arg;
	dissect_init(&edt);
	for (i = 0; i < 20000; i++) {
		memset(&rec, 0, sizeof(rec));
		rec.kind = i % 5 == 0 ? NAMES_REC_ALIAS : NAMES_REC_ADDR;
		rec.source = (uint8_t)(i % NAMES_SRC_N);
		rec.addr = v4(10, 4, (uint8_t)(i >> 8), (uint8_t)i);
		snprintf(name, sizeof(name), "n%d.example", i % 300);
		rec.name = name;
		rec.name_len = (uint16_t)strlen(name);
		rec.target = "t.example";
		rec.target_len = 9;
		push_names(&edt, &rec, 1);
	}
	dissect_free(&edt);
	atomic_store(&writers_done, true);
	return (NULL);
}

START_TEST(threads_writers_and_readers)
{
	struct names_resolver_opts o = { .lookup = fake_lookup };
	struct names *n = names_new(4096, 64);
	struct names_resolver *r;
	struct names_stats st;
	char buf[NAMES_NAME_MAX + 1], *err = NULL;
	GThread *th;
	unsigned i = 0, found = 0;

	atomic_store(&release_slow, true);
	r = names_resolver_new(n, &o, &err);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(names_listen(n));
	atomic_store(&writers_done, false);
	th = g_thread_new("feeder", feeder, NULL);
	while (!atomic_load(&writers_done) || i < 2000) {
		struct address a = v4(10, 4, (uint8_t)(i % 80), (uint8_t)i);

		if (names_lookup(n, &a, buf, NULL))
			found++;
		else
			(void)names_resolve(r, &a);
		i++;
	}
	g_thread_join(th);
	names_unlisten(n);
	names_resolver_free(r);
	names_stats(n, &st);
	ck_assert_uint_le(st.entries, 4096);
	ck_assert_uint_gt(st.entries, 0);
	ck_assert_uint_gt(found, 0);
	names_free(n);
}
END_TEST

Suite *
suite_names(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, add_and_lookup);
	tcase_add_test(tc, bounds);
	tcase_add_test(tc, replacement_rules);
	tcase_add_test(tc, cname_chains);
	tcase_add_test(tc, hosts_file);
	tcase_add_test(tc, services_file);
	tcase_add_test(tc, tap_listener);
	tcase_add_test(tc, reports_with_names);
	suite_add_tcase(s, tc);
	return (s);
}

Suite *
suite_names_threads(void)
{
	Suite *s = suite_create("names_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, resolver_looks_up_once);
	tcase_add_test(tc, resolver_timeout_and_bounds);
	tcase_add_test(tc, no_lookup_without_resolver);
	tcase_add_test(tc, threads_writers_and_readers);
	suite_add_tcase(s, tc);
	return (s);
}
