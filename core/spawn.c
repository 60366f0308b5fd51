/*
 * The program-starting helper (spawn.h).
 *
 * One SOCK_SEQPACKET socket pair: a request is exactly one message, so
 * its size is known before it is parsed (recv with MSG_TRUNC tells an
 * oversized one), and a reply is one fixed-size message.  The request:
 *
 *   u32 magic | u32 timeout_ms | u32 argc | u32 envc | strings, each
 *   NUL-terminated, argv first, then the environment
 *
 * in the host's byte order (both ends are this binary).  Every count and
 * every string is checked against the message's length before use.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "spawn.h"

#define SPAWN_MAGIC	0x74707370u	/* "tpsp" */
#define SPAWN_HDR	16
#define REPLY_MARGIN_MS	5000		/* the helper's own time, beyond the timeout */
#define WAIT_SLICE_NS	(10 * 1000 * 1000)

struct spawn_helper {
	int		 fd;
	pid_t		 pid;
	pthread_mutex_t	 lock;		/* one request at a time */
};

/* ---- the helper's side ---- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static uint32_t
get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (v);
}

/* Splits a request into argv and envp (pointers into msg, NULL-ended);
 * false if anything in it does not add up. */
static bool
parse_request(uint8_t *msg, size_t len, char **argv, char **envp,
    unsigned *timeout_ms)
{
	uint32_t argc, envc, i;
	size_t off = SPAWN_HDR;
	uint8_t *nul;

	if (len < SPAWN_HDR || get_u32(msg) != SPAWN_MAGIC)
		return (false);
	*timeout_ms = get_u32(msg + 4);
	argc = get_u32(msg + 8);
	envc = get_u32(msg + 12);
	if (argc < 1 || argc > SPAWN_MAX_STRINGS ||
	    envc > SPAWN_MAX_STRINGS - argc ||
	    *timeout_ms > SPAWN_MAX_TIMEOUT_MS)
		return (false);
	for (i = 0; i < argc + envc; i++) {
		if (off >= len || (nul = memchr(msg + off, '\0', len - off)) ==
		    NULL)
			return (false);
		if (i < argc)
			argv[i] = (char *)msg + off;
		else
			envp[i - argc] = (char *)msg + off;
		off = (size_t)(nul - msg) + 1;
	}
	argv[argc] = NULL;
	envp[envc] = NULL;
	/* Nothing after the last string; no shell, no PATH: a path. */
	return (off == len && argv[0][0] == '/');
}

/* The command's side of the fork: a clean process, then execve.  Its
 * errno goes back through errpipe (close-on-exec: EOF means started). */
static void G_GNUC_NORETURN
exec_child(char **argv, char **envp, int errpipe, pid_t helper)
{
	sigset_t none;
	int sig, e;

	(void)setpgid(0, 0);
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (getppid() != helper)
		_exit(127);
	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execve(argv[0], argv, envp);
	e = errno;
	(void)!write(errpipe, &e, sizeof(e));
	_exit(127);
}

static void
run_request(char **argv, char **envp, unsigned timeout_ms,
    struct spawn_result *res)
{
	int p[2], e = 0, st;
	int64_t deadline;
	struct timespec slice = { 0, WAIT_SLICE_NS };
	pid_t pid, w;
	ssize_t k;

	memset(res, 0, sizeof(*res));
	if (pipe2(p, O_CLOEXEC) != 0) {
		res->status = SPAWN_EXEC_FAILED;
		res->code = errno;
		return;
	}
	if ((pid = fork()) < 0) {
		res->status = SPAWN_EXEC_FAILED;
		res->code = errno;
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		exec_child(argv, envp, p[1], getppid());
	}
	close(p[1]);
	/* Either the child's errno, or EOF once execve has closed p[1]. */
	do
		k = read(p[0], &e, sizeof(e));
	while (k < 0 && errno == EINTR);
	close(p[0]);
	deadline = now_ms() + timeout_ms;
	for (;;) {
		w = waitpid(pid, &st, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			res->status = SPAWN_TIMEOUT;
			return;
		}
		nanosleep(&slice, NULL);
	}
	if (k == (ssize_t)sizeof(e)) {
		res->status = SPAWN_EXEC_FAILED;
		res->code = e;
	} else if (w == pid && WIFSIGNALED(st)) {
		res->status = SPAWN_SIGNALED;
		res->code = WTERMSIG(st);
	} else if (w == pid) {
		res->status = SPAWN_EXITED;
		res->code = WEXITSTATUS(st);
	} else {
		res->status = SPAWN_EXEC_FAILED;
		res->code = ECHILD;
	}
}

/* The helper's life: serve until the socket closes. */
static void G_GNUC_NORETURN
helper_main(int fd)
{
	uint8_t *msg = malloc(SPAWN_MAX_REQUEST + 1);
	char *argv[SPAWN_MAX_STRINGS + 1], *envp[SPAWN_MAX_STRINGS + 1];
	struct spawn_result res;
	unsigned timeout_ms;
	ssize_t n;

	if (msg == NULL)
		_exit(1);
	for (;;) {
		n = recv(fd, msg, SPAWN_MAX_REQUEST + 1, MSG_TRUNC);
		if (n == 0)
			_exit(0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		memset(&res, 0, sizeof(res));
		if ((size_t)n > SPAWN_MAX_REQUEST) {
			res.status = SPAWN_REFUSED;
			res.code = E2BIG;
		} else if (!parse_request(msg, (size_t)n, argv, envp,
		    &timeout_ms)) {
			res.status = SPAWN_REFUSED;
			res.code = EINVAL;
		} else
			run_request(argv, envp, timeout_ms, &res);
		if (send(fd, &res, sizeof(res), MSG_NOSIGNAL) < 0)
			_exit(1);
	}
}

/* The helper's start: its socket on 3 and nothing else open but
 * /dev/null, the drop (no filter), then death with the parent. */
static void G_GNUC_NORETURN
helper_start(int fd, pid_t parent, const struct privdrop_id *id)
{
	char *err = NULL;
	int null;

	if ((null = open("/dev/null", O_RDWR)) < 0 ||
	    dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		_exit(1);
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) != 0))
		_exit(1);
	if (close_range(4, ~0u, 0) != 0)
		_exit(1);
	if (id != NULL && !privdrop_apply(id, PRIVDROP_NO_FILTER, &err))
		_exit(1);
	/* After the drop: a change of credentials clears the death signal. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
	    getppid() != parent)
		_exit(1);
	(void)prctl(PR_SET_NAME, "taptop-spawn", 0, 0, 0);
	helper_main(3);
}

struct spawn_helper *
spawn_helper_start(const struct privdrop_id *id, char **err)
{
	struct spawn_helper *h;
	pid_t parent = getpid(), pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		*err = g_strdup_printf("cannot start the spawn helper: %s",
		    g_strerror(errno));
		return (NULL);
	}
	if ((pid = fork()) < 0) {
		*err = g_strdup_printf("cannot start the spawn helper: %s",
		    g_strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return (NULL);
	}
	if (pid == 0) {
		close(sv[0]);
		helper_start(sv[1], parent, id);
	}
	close(sv[1]);
	h = g_new0(struct spawn_helper, 1);
	h->fd = sv[0];
	h->pid = pid;
	pthread_mutex_init(&h->lock, NULL);
	return (h);
}

/* Sends one message and waits for the one-message answer. */
static bool
exchange(struct spawn_helper *h, const void *msg, size_t len,
    unsigned timeout_ms, struct spawn_result *res, char **err)
{
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	int64_t deadline = now_ms() + timeout_ms + REPLY_MARGIN_MS;
	bool ok = false;
	ssize_t n;
	int r;

	pthread_mutex_lock(&h->lock);
	if (send(h->fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len) {
		*err = g_strdup_printf("spawn helper: %s", g_strerror(errno));
		goto out;
	}
	for (;;) {
		r = poll(&pfd, 1, (int)MAX(0, MIN(deadline - now_ms(), 100)));
		if (r < 0 && errno != EINTR) {
			*err = g_strdup_printf("spawn helper: %s",
			    g_strerror(errno));
			goto out;
		}
		if (r > 0)
			break;
		if (now_ms() >= deadline) {
			*err = g_strdup("spawn helper: no answer");
			goto out;
		}
	}
	n = recv(h->fd, res, sizeof(*res), 0);
	if (n != (ssize_t)sizeof(*res)) {
		*err = g_strdup(n == 0 ? "spawn helper: it has exited" :
		    "spawn helper: a bad answer");
		goto out;
	}
	ok = true;
out:
	pthread_mutex_unlock(&h->lock);
	return (ok);
}

bool
spawn_run(struct spawn_helper *h, const char *const *argv,
    const char *const *envp, unsigned timeout_ms, struct spawn_result *res,
    char **err)
{
	static const char *const none[] = { NULL };
	uint32_t hdr[4], argc = 0, envc = 0, i;
	GByteArray *msg;
	bool ok;

	if (envp == NULL)
		envp = none;
	while (argv[argc] != NULL)
		argc++;
	while (envp[envc] != NULL)
		envc++;
	hdr[0] = SPAWN_MAGIC;
	hdr[1] = timeout_ms;
	hdr[2] = argc;
	hdr[3] = envc;
	msg = g_byte_array_new();
	g_byte_array_append(msg, (const guint8 *)hdr, sizeof(hdr));
	for (i = 0; i < argc; i++)
		g_byte_array_append(msg, (const guint8 *)argv[i],
		    (guint)strlen(argv[i]) + 1);
	for (i = 0; i < envc; i++)
		g_byte_array_append(msg, (const guint8 *)envp[i],
		    (guint)strlen(envp[i]) + 1);
	/* The helper refuses it too; saying so here is clearer. */
	if (msg->len > SPAWN_MAX_REQUEST) {
		g_byte_array_free(msg, TRUE);
		res->status = SPAWN_REFUSED;
		res->code = E2BIG;
		return (true);
	}
	ok = exchange(h, msg->data, msg->len, timeout_ms, res, err);
	g_byte_array_free(msg, TRUE);
	return (ok);
}

bool
spawn_run_raw(struct spawn_helper *h, const void *msg, size_t len,
    unsigned timeout_ms, struct spawn_result *res, char **err)
{
	return (exchange(h, msg, len, timeout_ms, res, err));
}

pid_t
spawn_helper_pid(const struct spawn_helper *h)
{
	return (h->pid);
}

void
spawn_helper_kill(struct spawn_helper *h)
{
	if (h != NULL)
		(void)kill(h->pid, SIGKILL);
}

void
spawn_helper_stop(struct spawn_helper *h)
{
	if (h == NULL)
		return;
	close(h->fd);
	while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_destroy(&h->lock);
	g_free(h);
}
