/*
 * The helper that starts programs for taptop (OpenSSH's privilege
 * separation, in small).
 *
 * After the drop, taptop's system-call filter kills it on execve
 * (privdrop.h), so features that run commands ask this helper instead.
 * main forks it before the drop, only when commands will be run; the
 * helper then drops to the same user with no capabilities and
 * no_new_privs, but without the filter, and waits on a socket for
 * requests.  A request is one message: argv and environment, bounded in
 * size and count; the helper runs it with fork and execve (no shell, no
 * PATH search: argv[0] is the program's absolute path), stdin, stdout and
 * stderr on /dev/null, in a process group of its own, and answers with
 * how it ended: exit status, signal, timeout (the group is killed), or why
 * it could not start.  A malformed or oversized request is refused and
 * the helper goes on serving.
 *
 * The helper dies with taptop: it exits when the socket closes, and the
 * kernel kills it (PR_SET_PDEATHSIG) if taptop dies first; a command it
 * runs is killed with it the same way.
 */
#ifndef TAPTOP_SPAWN_H
#define TAPTOP_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "privdrop.h"

#define SPAWN_MAX_REQUEST	65536	/* bytes in one request */
#define SPAWN_MAX_STRINGS	256	/* argv + environment */
#define SPAWN_MAX_TIMEOUT_MS	(3600 * 1000)

enum spawn_status {
	SPAWN_EXITED = 1,	/* code: the exit status */
	SPAWN_SIGNALED,		/* code: the signal */
	SPAWN_TIMEOUT,		/* killed at the timeout */
	SPAWN_EXEC_FAILED,	/* code: execve's errno */
	SPAWN_REFUSED,		/* a bad request; code: EINVAL or E2BIG */
};

struct spawn_result {
	int32_t		 status;	/* enum spawn_status */
	int32_t		 code;
};

struct spawn_helper;

/* Forks the helper; id is who it becomes (privdrop_resolve's answer), or
 * NULL to stay as is (the tests).  Before the drop, before any thread.
 * NULL and a one-line *err on failure. */
struct spawn_helper *spawn_helper_start(const struct privdrop_id *id,
	    char **err);
/* Runs argv (argv[0] an absolute path) with envp (NULL: none) and waits
 * up to timeout_ms for it; false and *err if the helper did not answer.
 * Serialised: one request at a time, from any thread.  Blocks for up to
 * timeout_ms and a little: call it from a thread that may wait. */
bool	 spawn_run(struct spawn_helper *, const char *const *argv,
	    const char *const *envp, unsigned timeout_ms,
	    struct spawn_result *, char **err);
/* Sends raw bytes as one request (the tests' malformed requests). */
bool	 spawn_run_raw(struct spawn_helper *, const void *msg, size_t len,
	    unsigned timeout_ms, struct spawn_result *, char **err);
pid_t	 spawn_helper_pid(const struct spawn_helper *);
/* Kills the helper (SIGKILL) and so the command it runs (its
 * death signal): a spawn_run under way returns false at once.  Reap it
 * with spawn_helper_stop.  Several commands at once take several
 * helpers, one per thread that waits (rules.h). */
void	 spawn_helper_kill(struct spawn_helper *);
/* Closes the socket (the helper exits) and reaps it. */
void	 spawn_helper_stop(struct spawn_helper *);

#endif
