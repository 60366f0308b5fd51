/*
 * The capture-file reader: formats, byte orders, timestamp resolutions,
 * several interfaces with different link types, and every truncation of
 * a real file ending in a clean error instead of a crash.  Pipes and FIFOs
 * that go quiet: the cancel function ends the wait, and nothing read
 * before is lost.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "core/pcapfile.h"

#define ODD "../shared/pcaps/odd/"

/* Reads a whole file; returns the packet count, or -1 after an error. */
static int
count(const char *path, int *linktypes, int nlt)
{
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	enum pcapfile_result r;
	char *err = NULL;
	int n = 0;

	pf = pcapfile_open(path, &err);
	ck_assert_msg(pf != NULL, "%s: %s", path, err);
	while ((r = pcapfile_next(pf, &pkt)) == PCAPFILE_OK) {
		ck_assert_uint_le(pkt.caplen, pkt.len);
		ck_assert_uint_lt(pkt.ts_nsec, 1000000000u);
		if (linktypes != NULL && n < nlt)
			linktypes[n] = pkt.linktype;
		n++;
	}
	pcapfile_close(pf);
	return (r == PCAPFILE_EOF ? n : -1);
}

START_TEST(pcap_nanoseconds)
{
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	char *err = NULL;

	pf = pcapfile_open(ODD "nanosecs.pcap", &err);
	ck_assert_ptr_nonnull(pf);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_int_eq(pkt.ts_sec, 1);
	ck_assert_uint_eq(pkt.ts_nsec, 2000);
	ck_assert_uint_eq(pkt.len, 16);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_uint_eq(pkt.ts_nsec, 1234);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_EOF);
	pcapfile_close(pf);
}
END_TEST

START_TEST(pcap_big_endian)
{
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	char *err = NULL;

	pf = pcapfile_open(ODD "microsecs_big_endian.pcap", &err);
	ck_assert_ptr_nonnull(pf);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_int_eq(pkt.ts_sec, 1474059824);
	ck_assert_uint_eq(pkt.ts_nsec, 864984000);
	ck_assert_uint_eq(pkt.len, 1196);
	ck_assert_int_eq(pkt.linktype, 253);		/* netlink */
	pcapfile_close(pf);
	ck_assert_int_eq(count(ODD "nanosecs_big_endian.pcap", NULL, 0), 10);
	ck_assert_int_eq(count(ODD "microsecs_big_endian.pcap", NULL, 0), 13);
}
END_TEST

/* libpcap 1.10 refuses these; the reason this reader exists. */
START_TEST(pcapng_many_interfaces)
{
	int lt[64], i, eth = 0, null = 0;

	ck_assert_int_eq(count(ODD "many_interfaces-1.pcapng", lt, 64), 64);
	for (i = 0; i < 64; i++) {
		eth += lt[i] == 1;
		null += lt[i] == 0;
	}
	ck_assert_int_eq(eth, 62);
	ck_assert_int_eq(null, 2);
	ck_assert_int_gt(count(ODD "pcapng-example.pcapng", NULL, 0), 59);
	ck_assert_int_gt(count(ODD "dns_over_tcp.pcapng", NULL, 0), 0);
	ck_assert_int_eq(count(ODD "GrePackets.pcap", NULL, 0) > 0, 1);
}
END_TEST

START_TEST(pcapng_timestamps)
{
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	char *err = NULL;

	pf = pcapfile_open(ODD "many_interfaces-1.pcapng", &err);
	ck_assert_ptr_nonnull(pf);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_int_eq(pkt.ts_sec, 1439753725);
	ck_assert_uint_eq(pkt.ts_nsec, 701607000);
	pcapfile_close(pf);
}
END_TEST

START_TEST(not_a_capture)
{
	char *err = NULL;
	char path[] = "/tmp/taptop-notcap-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "hello, world\n", 13), 13);
	close(fd);
	ck_assert_ptr_null(pcapfile_open(path, &err));
	ck_assert_ptr_nonnull(strstr(err, "not a pcap or pcapng"));
	g_free(err);
	err = NULL;
	ck_assert_ptr_null(pcapfile_open("/nonexistent/x.pcap", &err));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	g_free(err);
	unlink(path);
}
END_TEST

/* Every prefix of a pcap and a pcapng file: open fails cleanly, or the
 * packets read are a prefix and the end is EOF or a clean error. */
static void
every_prefix(const char *src, int full)
{
	char path[] = "/tmp/taptop-prefix-XXXXXX";
	gchar *data;
	gsize len, cut;
	int fd;

	ck_assert(g_file_get_contents(src, &data, &len, NULL));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	for (cut = 0; cut < len; cut += 1 + cut / 64) {
		struct pcapfile_packet pkt;
		struct pcapfile *pf;
		enum pcapfile_result r;
		char *err = NULL;
		int n = 0;

		ck_assert(g_file_set_contents(path, data, (gssize)cut, NULL));
		pf = pcapfile_open(path, &err);
		if (pf == NULL) {
			ck_assert_ptr_nonnull(err);
			g_free(err);
			continue;
		}
		while ((r = pcapfile_next(pf, &pkt)) == PCAPFILE_OK)
			n++;
		ck_assert_int_le(n, full);
		if (r == PCAPFILE_ERROR)
			ck_assert_ptr_nonnull(strstr(pcapfile_error(pf),
			    "after"));
		pcapfile_close(pf);
	}
	unlink(path);
	g_free(data);
}

START_TEST(truncations)
{
	every_prefix(ODD "nanosecs_big_endian.pcap", 10);
	every_prefix(ODD "many_interfaces-1.pcapng", 64);
}
END_TEST

/* Says stop on its third call. */
static bool
cancel_third(void *arg)
{
	int *calls = arg;

	return (++*calls >= 3);
}

/* A pcap header and one 60-byte record at 1.5 s. */
static void
write_one_packet(int fd)
{
	static const uint8_t hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,
	};
	uint32_t rec[4] = { 1, 500000, 60, 60 };
	uint8_t frame[60] = { 0 };

	ck_assert_int_eq(write(fd, hdr, sizeof(hdr)), sizeof(hdr));
	ck_assert_int_eq(write(fd, rec, sizeof(rec)), sizeof(rec));
	ck_assert_int_eq(write(fd, frame, sizeof(frame)), sizeof(frame));
}

START_TEST(quiet_pipe)
{
	struct pcapfile_packet pkt;
	struct pcapfile *pf;
	char *path, *err = NULL;
	bool cancelled = true;
	int p[2], calls = 0;

	ck_assert_int_eq(pipe(p), 0);
	write_one_packet(p[1]);
	/* The writer stays, and says nothing more. */
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	pf = pcapfile_open_cancellable(path, cancel_third, &calls, &cancelled,
	    &err);
	ck_assert_msg(pf != NULL, "%s", err);
	ck_assert(!cancelled);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_int_eq(pkt.ts_sec, 1);
	ck_assert_uint_eq(pkt.ts_nsec, 500000000);
	ck_assert_int_eq(calls, 0);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_STOPPED);
	ck_assert_int_eq(calls, 3);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_STOPPED);
	pcapfile_close(pf);
	g_free(path);

	/* Without a cancel, the same pipe ends cleanly once the writer goes,
	 * with the packet that was in it. */
	write_one_packet(p[1]);
	close(p[1]);
	path = g_strdup_printf("/dev/fd/%d", p[0]);
	pf = pcapfile_open(path, &err);
	ck_assert_msg(pf != NULL, "%s", err);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_OK);
	ck_assert_int_eq(pcapfile_next(pf, &pkt), PCAPFILE_EOF);
	pcapfile_close(pf);
	close(p[0]);
	g_free(path);
}
END_TEST

START_TEST(fifo_without_writer)
{
	char dir[] = "/tmp/taptop-fifo-XXXXXX";
	char *path, *err = NULL;
	bool cancelled = false;
	int calls = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	path = g_strdup_printf("%s/f", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* Opening does not wait for a writer; reading the header does, in
	 * slices, until the cancel function says stop. */
	ck_assert_ptr_null(pcapfile_open_cancellable(path, cancel_third,
	    &calls, &cancelled, &err));
	ck_assert(cancelled);
	ck_assert_int_eq(calls, 3);
	ck_assert_ptr_nonnull(strstr(err, "interrupted"));
	g_free(err);
	unlink(path);
	rmdir(dir);
	g_free(path);
}
END_TEST

Suite *
suite_pcapfile(void)
{
	Suite *s = suite_create("pcapfile");
	TCase *tc = tcase_create("reader");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pcap_nanoseconds);
	tcase_add_test(tc, pcap_big_endian);
	tcase_add_test(tc, pcapng_many_interfaces);
	tcase_add_test(tc, pcapng_timestamps);
	tcase_add_test(tc, not_a_capture);
	tcase_add_test(tc, truncations);
	tcase_add_test(tc, quiet_pipe);
	tcase_add_test(tc, fifo_without_writer);
	suite_add_tcase(s, tc);
	return (s);
}
