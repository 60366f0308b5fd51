/*
 * Dropping privileges once the capture is open: taptop parses hostile
 * bytes, so it does so with as little power as it can.
 *
 * Privileges are a phase of start-up, not a flag: main opens everything
 * that needs power (the capture handle, the files named on the command
 * line), starts the helper that runs programs (spawn.h) if it will be
 * needed, then calls privdrop_apply before any thread that reads packets,
 * looks names up or draws exists.  privdrop_apply, in this order:
 *  1. as root, switches to an unprivileged user (-Z USER; by default
 *     "taptop" if that user exists, else "nobody"): supplementary groups,
 *     group, user, all three ids of each, and checks that uid 0 cannot be
 *     taken back;
 *  2. clears every capability with libcap-ng: effective, permitted,
 *     inheritable, ambient, and the bounding set where it may (as root,
 *     before the switch); so a binary with file capabilities keeps none;
 *  3. sets PR_SET_NO_NEW_PRIVS: no execve can give power back (set-user-ID
 *     programs, file capabilities);
 *  4. installs a seccomp filter (libseccomp, on every thread: TSYNC) that
 *     allows the system calls capture, dissection, glib's threads, drawing,
 *     writing output files, the --resolve lookups and a metrics server
 *     need.  Calls that only an attacker would make (execve, ptrace,
 *     mount, bpf, module loading, namespaces...) kill the process
 *     (SIGSYS); any other call not listed fails with EPERM, so that an
 *     unforeseen path of a library ends in an error message, not a kill.
 *
 * Sanitizer builds (ASan's leak checker stops the world with ptrace and a
 * non-thread clone at exit) allow those two calls; release builds never do.
 */
#ifndef TAPTOP_PRIVDROP_H
#define TAPTOP_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

#define PRIVDROP_DEFAULT_USER	"taptop"
#define PRIVDROP_FALLBACK_USER	"nobody"
#define PRIVDROP_USER_MAX	64

/* Who to become; privdrop_resolve fills it before any fork. */
struct privdrop_id {
	bool		 switch_user;	/* running as root: setuid to uid */
	uid_t		 uid;
	gid_t		 gid;
	char		 name[PRIVDROP_USER_MAX];
};

/* What privdrop_apply does (the spawn helper leaves the filter out). */
enum privdrop_mode {
	PRIVDROP_FULL,			/* user, capabilities, no_new_privs, seccomp */
	PRIVDROP_NO_FILTER,		/* the same without seccomp */
};

/*
 * The user to switch to: user (-Z), or NULL for the default.  Not root: no
 * switch, unless user names someone else, which is an error (only root
 * may change users).  False and a one-line *err (g_free) for an unknown
 * user, or for root as the target (that would keep every power: --no-drop
 * says so honestly).
 */
bool	 privdrop_resolve(const char *user, struct privdrop_id *, char **err);
/* Drops; false and a one-line *err if any step failed (the caller exits:
 * running on with half the privileges is worse than not running). */
bool	 privdrop_apply(const struct privdrop_id *, enum privdrop_mode,
	    char **err);

#endif
