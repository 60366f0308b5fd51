/*
 * The rules' pieces (core/rules.h, core/pcapng_writer.h) in-process: argv
 * split as a shell would with no expansion, the environment of a run
 * built from a packet's facts (and its caps), the token bucket in time
 * given by the test, the rate's parsing, and the pcapng blocks' layout
 * byte by byte, plus a file written, rotated and read back.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "core/pcapng_writer.h"
#include "core/rules.h"

static uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (v);
}

START_TEST(argv_split)
{
	char *err = NULL;
	char **v;

	v = rules_split_argv("logger -t 'taptop rule' \"$HOME\" a\\ b *", &err);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(g_strv_length(v), 6);
	ck_assert_str_eq(v[0], "logger");
	ck_assert_str_eq(v[1], "-t");
	ck_assert_str_eq(v[2], "taptop rule");
	ck_assert_str_eq(v[3], "$HOME");	/* no expansion */
	ck_assert_str_eq(v[4], "a b");
	ck_assert_str_eq(v[5], "*");		/* no glob */
	g_strfreev(v);
	ck_assert_ptr_null(rules_split_argv("echo 'open", &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_null(strchr(err, '\n'));
	g_free(err);
	err = NULL;
	ck_assert_ptr_null(rules_split_argv("", &err));
	g_free(err);
}
END_TEST

static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	int i;

	for (i = 0; env[i] != NULL; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return (env[i] + n + 1);
	return (NULL);
}

START_TEST(env_build)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 10, 0, 0, 7 };
	struct rule_fact f;
	char **env;

	memset(&f, 0, sizeof(f));
	f.ts_sec = 1700000000;
	f.ts_nsec = 5;
	f.len = 60;
	address_set(&f.src, AT_IPv4, a, 4);
	address_set(&f.dst, AT_IPv4, b, 4);
	f.sport = 40000;
	f.dport = 53;
	f.ports = true;
	f.suppressed = 12;
	strcpy(f.protocols, "eth:ip:udp:dns");
	env = rules_env(&f, "dns && udp");
	ck_assert_str_eq(env_get(env, "TAPTOP_TIME"), "1700000000.000000005");
	ck_assert_str_eq(env_get(env, "TAPTOP_SRC"), "192.0.2.1");
	ck_assert_str_eq(env_get(env, "TAPTOP_DST"), "10.0.0.7");
	ck_assert_str_eq(env_get(env, "TAPTOP_SPORT"), "40000");
	ck_assert_str_eq(env_get(env, "TAPTOP_DPORT"), "53");
	ck_assert_str_eq(env_get(env, "TAPTOP_PROTOCOLS"), "eth:ip:udp:dns");
	ck_assert_str_eq(env_get(env, "TAPTOP_FILTER"), "dns && udp");
	ck_assert_str_eq(env_get(env, "TAPTOP_LEN"), "60");
	ck_assert_str_eq(env_get(env, "TAPTOP_SUPPRESSED"), "12");
	ck_assert_ptr_nonnull(env_get(env, "PATH"));
	ck_assert_ptr_nonnull(env_get(env, "HOME"));
	ck_assert_int_le(g_strv_length(env), RULES_ENV_MAX);
	g_strfreev(env);
	/* No ports, no address; a record whose string fills it is cut. */
	f.ports = false;
	memset(&f.src, 0, sizeof(f.src));
	memset(f.protocols, 'p', sizeof(f.protocols));
	env = rules_env(&f, "");
	ck_assert_str_eq(env_get(env, "TAPTOP_SPORT"), "");
	ck_assert_str_eq(env_get(env, "TAPTOP_SRC"), "");
	ck_assert_uint_eq(strlen(env_get(env, "TAPTOP_PROTOCOLS")),
	    RULES_PROTOS_MAX - 1);
	g_strfreev(env);
}
END_TEST

#define S	1000000000LL

START_TEST(bucket)
{
	struct rules_bucket b;
	int i, n;

	/* 1 per 10 s: one at once, then none until 10 s have passed. */
	rules_bucket_init(&b, 1, 10);
	ck_assert(rules_bucket_take(&b, 100 * S));
	ck_assert(!rules_bucket_take(&b, 100 * S + 1));
	ck_assert(!rules_bucket_take(&b, 109 * S));
	ck_assert(rules_bucket_take(&b, 110 * S));
	/* 5 per second: a burst of 5, then 5 per second, never more. */
	rules_bucket_init(&b, 5, 1);
	for (n = 0, i = 0; i < 100; i++)
		n += rules_bucket_take(&b, 0);
	ck_assert_int_eq(n, 5);
	for (n = 0, i = 0; i < 1000; i++)	/* 10 s, 100 tries a second */
		n += rules_bucket_take(&b, (int64_t)i * S / 100 + 1);
	ck_assert_int_le(n, 5 * 10 + 1);
	ck_assert_int_ge(n, 5 * 10 - 1);
	/* Time going back gives nothing. */
	rules_bucket_init(&b, 1, 1);
	ck_assert(rules_bucket_take(&b, 50 * S));
	ck_assert(!rules_bucket_take(&b, 10 * S));
	ck_assert(!rules_bucket_take(&b, 50 * S + S / 2));
	ck_assert(rules_bucket_take(&b, 51 * S));
}
END_TEST

START_TEST(rate_parse)
{
	double n, s;
	char *err;

	ck_assert_ptr_null(rules_parse_rate("1/10", &n, &s));
	ck_assert(n == 1 && s == 10);
	ck_assert_ptr_null(rules_parse_rate("100/0.5", &n, &s));
	ck_assert(n == 100 && s == 0.5);
	ck_assert_ptr_nonnull(err = rules_parse_rate("5", &n, &s));
	g_free(err);
	ck_assert_ptr_nonnull(err = rules_parse_rate("0/1", &n, &s));
	g_free(err);
	ck_assert_ptr_nonnull(err = rules_parse_rate("1/0", &n, &s));
	g_free(err);
	ck_assert_ptr_nonnull(err = rules_parse_rate("1/10x", &n, &s));
	g_free(err);
}
END_TEST

START_TEST(pcapng_layout)
{
	static const uint8_t pkt[5] = { 1, 2, 3, 4, 5 };
	uint8_t b[64];
	uint64_t ts;

	/* SHB: type, length 28, byte-order magic, 1.0, section -1. */
	ck_assert_uint_eq(pcapng_shb(b), 28);
	ck_assert_uint_eq(rd32(b), 0x0A0D0D0A);
	ck_assert_uint_eq(rd32(b + 4), 28);
	ck_assert_uint_eq(rd32(b + 8), 0x1A2B3C4D);
	ck_assert_uint_eq(b[12] | b[13] << 8, 1);
	ck_assert_uint_eq(b[14] | b[15] << 8, 0);
	ck_assert_uint_eq(rd32(b + 16), 0xffffffff);
	ck_assert_uint_eq(rd32(b + 24), 28);
	/* IDB: link type, snaplen, if_tsresol 9, end of options. */
	ck_assert_uint_eq(pcapng_idb(b, 1, 262144), 32);
	ck_assert_uint_eq(rd32(b), 1);
	ck_assert_uint_eq(rd32(b + 4), 32);
	ck_assert_uint_eq(b[8] | b[9] << 8, 1);
	ck_assert_uint_eq(rd32(b + 12), 262144);
	ck_assert_uint_eq(b[16] | b[17] << 8, 9);
	ck_assert_uint_eq(b[18] | b[19] << 8, 1);
	ck_assert_uint_eq(b[20], 9);
	ck_assert_uint_eq(rd32(b + 24), 0);
	ck_assert_uint_eq(rd32(b + 28), 32);
	/* EPB: 5 bytes padded to 8, nanosecond timestamp split in two. */
	ck_assert_uint_eq(pcapng_epb(b, 2, 1700000000, 123, pkt, 5, 60), 40);
	ck_assert_uint_eq(rd32(b), 6);
	ck_assert_uint_eq(rd32(b + 4), 40);
	ck_assert_uint_eq(rd32(b + 8), 2);
	ts = (uint64_t)rd32(b + 12) << 32 | rd32(b + 16);
	ck_assert_uint_eq(ts, 1700000000ull * 1000000000ull + 123);
	ck_assert_uint_eq(rd32(b + 20), 5);
	ck_assert_uint_eq(rd32(b + 24), 60);
	ck_assert_mem_eq(b + 28, pkt, 5);
	ck_assert_uint_eq(b[33] | b[34] | b[35], 0);
	ck_assert_uint_eq(rd32(b + 36), 40);
}
END_TEST

START_TEST(pcapng_rotation)
{
	char dir[] = "/tmp/taptop-pcapng.XXXXXX", *path, *name;
	struct pcapng_writer *w;
	uint8_t pkt[100];
	char *err = NULL;
	gsize len;
	char *data;
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = g_strdup_printf("%s/r.pcapng", dir);
	name = pcapng_slot_name(path, 2);
	ck_assert(g_str_has_suffix(name, "/r.2.pcapng"));
	g_free(name);
	name = pcapng_slot_name("x.cap", 1);
	ck_assert_str_eq(name, "x.cap.1");
	g_free(name);
	memset(pkt, 0xab, sizeof(pkt));
	/* Files of at most 28 + 32 + 2 * 132 bytes: two packets each. */
	w = pcapng_writer_open(path, 28 + 32 + 2 * 132, 3, &err);
	ck_assert_ptr_nonnull(w);
	for (i = 0; i < 5; i++)
		ck_assert(pcapng_writer_packet(w, 1, i, 0, pkt, 100, 100));
	ck_assert_uint_eq(pcapng_writer_packets(w), 5);
	ck_assert_uint_eq(pcapng_writer_errors(w), 0);
	pcapng_writer_close(w);
	for (i = 0; i < 3; i++) {
		name = pcapng_slot_name(path, (unsigned)i);
		ck_assert(g_file_get_contents(name, &data, &len, NULL));
		ck_assert_uint_eq(len, 28 + 32 + (i < 2 ? 2 : 1) * 132);
		ck_assert_uint_eq(rd32((uint8_t *)data), 0x0A0D0D0A);
		ck_assert_uint_eq(rd32((uint8_t *)data + 28), 1);
		g_free(data);
		unlink(name);
		g_free(name);
	}
	ck_assert_ptr_null(pcapng_writer_open("/nonexistent/dir/x.pcapng", 0,
	    1, &err));
	ck_assert_ptr_nonnull(strstr(err, "x.pcapng"));
	g_free(err);
	rmdir(dir);
	g_free(path);
}
END_TEST

Suite *
suite_rules(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, argv_split);
	tcase_add_test(tc, env_build);
	tcase_add_test(tc, bucket);
	tcase_add_test(tc, rate_parse);
	tcase_add_test(tc, pcapng_layout);
	tcase_add_test(tc, pcapng_rotation);
	suite_add_tcase(s, tc);
	return (s);
}
