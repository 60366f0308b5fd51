/*
 * The privilege drop's pieces that can be checked in-process: the spawn
 * helper's protocol (a round trip, exit statuses, signals, timeouts, a
 * failed execve, and malformed, oversized or unsafe requests refused
 * while it goes on serving; it dies with its parent), the file reader's
 * second reader on the same descriptor (a refill that works when the path
 * is gone), and the drop itself in a child: -Z's errors, and execve
 * killed by SIGSYS once the filter is on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "core/pcapfile.h"
#include "core/privdrop.h"
#include "core/spawn.h"

#define PCAP "../shared/pcaps/traffic/example.pcap"

static struct spawn_helper *h;

static void
helper_setup(void)
{
	char *err = NULL;

	h = spawn_helper_start(NULL, &err);
	ck_assert_msg(h != NULL, "%s", err);
}

static void
helper_teardown(void)
{
	spawn_helper_stop(h);
	h = NULL;
}

static struct spawn_result
run(const char *const *argv, const char *const *envp, unsigned ms)
{
	struct spawn_result r;
	char *err = NULL;

	ck_assert_msg(spawn_run(h, argv, envp, ms, &r, &err), "%s", err);
	return (r);
}

START_TEST(spawn_round_trip)
{
	const char *const exit3[] = { "/bin/sh", "-c", "exit 3", NULL };
	const char *const env[] = { "/bin/sh", "-c", "test \"$FOO\" = bar",
	    NULL };
	const char *const envp[] = { "FOO=bar", NULL };
	const char *const killed[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
	const char *const nopath[] = { "/nonexistent/taptop-none", NULL };
	struct spawn_result r;

	r = run(exit3, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXITED);
	ck_assert_int_eq(r.code, 3);
	r = run(env, envp, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXITED);
	ck_assert_int_eq(r.code, 0);
	/* Without the variable, the same test fails: envp is what it gets. */
	r = run(env, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXITED);
	ck_assert_int_eq(r.code, 1);
	r = run(killed, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_SIGNALED);
	ck_assert_int_eq(r.code, SIGKILL);
	r = run(nopath, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXEC_FAILED);
	ck_assert_int_eq(r.code, ENOENT);
}
END_TEST

START_TEST(spawn_timeout)
{
	const char *const slow[] = { "/bin/sleep", "30", NULL };
	const char *const ok[] = { "/bin/true", NULL };
	struct spawn_result r;

	r = run(slow, NULL, 200);
	ck_assert_int_eq(r.status, SPAWN_TIMEOUT);
	r = run(ok, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXITED);
	ck_assert_int_eq(r.code, 0);
}
END_TEST

START_TEST(spawn_refused)
{
	const char *const relative[] = { "true", NULL };
	const char *const ok[] = { "/bin/true", NULL };
	const char *many[SPAWN_MAX_STRINGS + 2];
	static uint8_t big[SPAWN_MAX_REQUEST + 100];
	uint32_t hdr[4] = { 0x74707370u, 1000, 1, 0 };
	uint8_t cut[sizeof(hdr) + 4];
	struct spawn_result r;
	char *err = NULL;
	int i;

	/* No PATH search: a relative program is refused. */
	r = run(relative, NULL, 1000);
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	ck_assert_int_eq(r.code, EINVAL);
	/* Garbage, a header whose string has no end, a bad count. */
	ck_assert(spawn_run_raw(h, "garbage", 7, 1000, &r, &err));
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	memcpy(cut, hdr, sizeof(hdr));
	memcpy(cut + sizeof(hdr), "/bin", 4);
	ck_assert(spawn_run_raw(h, cut, sizeof(cut), 1000, &r, &err));
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	ck_assert_int_eq(r.code, EINVAL);
	hdr[2] = 0xffffffffu;
	memcpy(cut, hdr, sizeof(hdr));
	ck_assert(spawn_run_raw(h, cut, sizeof(cut), 1000, &r, &err));
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	/* Oversized: the helper sees the real length and refuses. */
	memset(big, 'a', sizeof(big));
	ck_assert(spawn_run_raw(h, big, sizeof(big), 1000, &r, &err));
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	ck_assert_int_eq(r.code, E2BIG);
	/* Too many strings. */
	many[0] = "/bin/true";
	for (i = 1; i <= SPAWN_MAX_STRINGS; i++)
		many[i] = "x";
	many[SPAWN_MAX_STRINGS + 1] = NULL;
	r = run(many, NULL, 1000);
	ck_assert_int_eq(r.status, SPAWN_REFUSED);
	/* And it goes on serving. */
	r = run(ok, NULL, 5000);
	ck_assert_int_eq(r.status, SPAWN_EXITED);
	ck_assert_int_eq(r.code, 0);
}
END_TEST

/* True once pid is gone or a zombie (reaped by whoever adopted it). */
static bool
dead(pid_t pid)
{
	char path[64], *s = NULL;
	bool d;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if (!g_file_get_contents(path, &s, NULL, NULL))
		return (true);
	d = strstr(s, "State:\tZ") != NULL || strstr(s, "State:\tX") != NULL;
	g_free(s);
	return (d);
}

START_TEST(spawn_dies_with_parent)
{
	int p[2], i, st;
	pid_t child, helper = 0;

	ck_assert_int_eq(pipe(p), 0);
	if ((child = fork()) == 0) {
		char *err = NULL;
		struct spawn_helper *hh = spawn_helper_start(NULL, &err);
		pid_t hp = hh != NULL ? spawn_helper_pid(hh) : 0;

		(void)!write(p[1], &hp, sizeof(hp));
		_exit(0);		/* without stopping it */
	}
	ck_assert_int_gt(child, 0);
	close(p[1]);
	ck_assert_int_eq(read(p[0], &helper, sizeof(helper)),
	    sizeof(helper));
	close(p[0]);
	ck_assert_int_gt(helper, 0);
	waitpid(child, &st, 0);
	for (i = 0; i < 500 && !dead(helper); i++)
		g_usleep(10000);
	ck_assert_msg(dead(helper), "the helper outlived its parent");
}
END_TEST

/* A second reader on the same descriptor: the whole file again, while
 * the first goes on where it was; and it needs no path. */
START_TEST(reopen_same_descriptor)
{
	struct pcapfile_packet pkt;
	struct pcapfile *a, *b;
	char *err = NULL;
	int n = 0, total = 0, half, m = 0;

	a = pcapfile_open(PCAP, &err);
	ck_assert_msg(a != NULL, "%s", err);
	while (pcapfile_next(a, &pkt) == PCAPFILE_OK)
		total++;
	pcapfile_close(a);
	ck_assert_int_gt(total, 100);

	a = pcapfile_open(PCAP, &err);
	ck_assert_ptr_nonnull(a);
	half = total / 2;
	for (n = 0; n < half; n++)
		ck_assert_int_eq(pcapfile_next(a, &pkt), PCAPFILE_OK);
	b = pcapfile_reopen(a, "example", &err);
	ck_assert_msg(b != NULL, "%s", err);
	/* Interleaved, as the capture thread does with a refill. */
	for (;;) {
		enum pcapfile_result rb = pcapfile_next(b, &pkt);
		enum pcapfile_result ra = pcapfile_next(a, &pkt);

		if (rb == PCAPFILE_OK)
			m++;
		if (ra == PCAPFILE_OK)
			n++;
		if (ra != PCAPFILE_OK && rb != PCAPFILE_OK) {
			ck_assert_int_eq(ra, PCAPFILE_EOF);
			ck_assert_int_eq(rb, PCAPFILE_EOF);
			break;
		}
	}
	ck_assert_int_eq(n, total);
	ck_assert_int_eq(m, total);
	pcapfile_close(b);
	pcapfile_close(a);
}
END_TEST

START_TEST(reopen_unlinked)
{
	struct pcapfile_packet pkt;
	struct pcapfile *a, *b;
	char tmpl[] = "/tmp/taptop-reopen.XXXXXX";
	char *data = NULL, *err = NULL;
	gsize len;
	int fd, n = 0;

	ck_assert(g_file_get_contents(PCAP, &data, &len, NULL));
	ck_assert_int_ge(fd = mkstemp(tmpl), 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	g_free(data);
	a = pcapfile_open(tmpl, &err);
	ck_assert_ptr_nonnull(a);
	unlink(tmpl);
	b = pcapfile_reopen(a, tmpl, &err);
	ck_assert_msg(b != NULL, "%s", err);
	while (pcapfile_next(b, &pkt) == PCAPFILE_OK)
		n++;
	ck_assert_int_gt(n, 100);
	pcapfile_close(b);
	pcapfile_close(a);
}
END_TEST

START_TEST(reopen_pipe_refused)
{
	struct pcapfile *a;
	char *err = NULL;
	int p[2], saved;

	/* Standard input as a pipe with a pcap header behind it. */
	ck_assert_int_eq(pipe(p), 0);
	{
		char *data = NULL;
		gsize len;

		ck_assert(g_file_get_contents(PCAP, &data, &len, NULL));
		ck_assert_int_eq(write(p[1], data, 4096), 4096);
		g_free(data);
	}
	saved = dup(0);
	dup2(p[0], 0);
	a = pcapfile_open("-", &err);
	ck_assert_msg(a != NULL, "%s", err);
	ck_assert_ptr_null(pcapfile_reopen(a, "stdin", &err));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	g_free(err);
	pcapfile_close(a);
	dup2(saved, 0);
	close(saved);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(resolve_errors)
{
	struct privdrop_id id;
	char *err = NULL;

	ck_assert(!privdrop_resolve("no-such-user-taptop", &id, &err));
	ck_assert_ptr_nonnull(strstr(err, "no-such-user-taptop"));
	g_free(err);
	err = NULL;
	ck_assert(!privdrop_resolve("root", &id, &err));
	ck_assert_ptr_nonnull(strstr(err, "root"));
	g_free(err);
	err = NULL;
	ck_assert(privdrop_resolve(NULL, &id, &err));
	if (geteuid() == 0) {
		ck_assert(id.switch_user);
		ck_assert_int_ne(id.uid, 0);
	} else
		ck_assert(!id.switch_user);
}
END_TEST

/* The drop in a child: no way back to root, and execve kills. */
START_TEST(drop_then_execve_killed)
{
	struct privdrop_id id;
	char *err = NULL;
	pid_t pid;
	int st;

	ck_assert(privdrop_resolve(NULL, &id, &err));
	if ((pid = fork()) == 0) {
		char *const argv[] = { "/bin/true", NULL };

		if (!privdrop_apply(&id, PRIVDROP_FULL, &err))
			_exit(10);
		if (getuid() == 0 || geteuid() == 0)
			_exit(11);
		if (setuid(0) == 0)
			_exit(12);
		execve(argv[0], argv, NULL);
		_exit(13);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	    "status %#x: not killed by SIGSYS", st);
}
END_TEST

Suite *
suite_privdrop(void)
{
	Suite *s = suite_create("privdrop");
	TCase *tc = tcase_create("spawn");
	TCase *tr = tcase_create("drop");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, helper_setup, helper_teardown);
	tcase_add_test(tc, spawn_round_trip);
	tcase_add_test(tc, spawn_timeout);
	tcase_add_test(tc, spawn_refused);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, spawn_dies_with_parent);
	tcase_add_test(tr, reopen_same_descriptor);
	tcase_add_test(tr, reopen_unlinked);
	tcase_add_test(tr, reopen_pipe_refused);
	tcase_add_test(tr, resolve_errors);
	tcase_add_test(tr, drop_then_execve_killed);
	suite_add_tcase(s, tr);
	return (s);
}
