/*
 * The privilege drop (privdrop.h says what and in which order).
 *
 * The system-call list is an allow-list grouped by who needs each call;
 * a call is added here with the reason it is needed.  The filter's
 * default is EPERM, and a short deny-list kills: execve and friends are
 * what a compromised dissector would reach for first, and a kill is both
 * the safest answer and one a test can see from outside (SIGSYS).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cap-ng.h>
#include <glib.h>
#include <seccomp.h>

#include "privdrop.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PRIVDROP_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PRIVDROP_SANITIZER	1
#endif
#endif
#ifndef PRIVDROP_SANITIZER
#define PRIVDROP_SANITIZER	0
#endif

bool
privdrop_resolve(const char *user, struct privdrop_id *id, char **err)
{
	struct passwd *pw;

	memset(id, 0, sizeof(*id));
	id->uid = getuid();
	id->gid = getgid();
	if (user == NULL && geteuid() != 0)
		return (true);
	if (user == NULL && (pw = getpwnam(PRIVDROP_DEFAULT_USER)) == NULL)
		user = PRIVDROP_FALLBACK_USER;
	else if (user == NULL)
		user = PRIVDROP_DEFAULT_USER;
	if (strlen(user) >= sizeof(id->name)) {
		*err = g_strdup("-Z: the user name is too long");
		return (false);
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		*err = g_strdup_printf("-Z: no user \"%s\"%s%s", user,
		    errno != 0 ? ": " : "", errno != 0 ? g_strerror(errno) :
		    "");
		return (false);
	}
	if (pw->pw_uid == 0) {
		*err = g_strdup_printf("-Z: user \"%s\" is root, which would "
		    "keep every privilege (--no-drop does that openly)", user);
		return (false);
	}
	if (geteuid() != 0 && pw->pw_uid != getuid()) {
		*err = g_strdup_printf("-Z %s: only root can switch to another "
		    "user", user);
		return (false);
	}
	id->switch_user = geteuid() == 0;
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	g_strlcpy(id->name, user, sizeof(id->name));
	return (true);
}

/* Step 1, as root: groups, then the bounding set (which needs
 * CAP_SETPCAP, so before the user changes), then the user. */
static bool
switch_user(const struct privdrop_id *id, char **err)
{
	uid_t r, e, s;

	if (initgroups(id->name, id->gid) != 0) {
		*err = g_strdup_printf("cannot set the groups of %s: %s",
		    id->name, g_strerror(errno));
		return (false);
	}
	if (setresgid(id->gid, id->gid, id->gid) != 0) {
		*err = g_strdup_printf("cannot switch to group %u: %s",
		    (unsigned)id->gid, g_strerror(errno));
		return (false);
	}
	capng_clear(CAPNG_SELECT_BOUNDS);
	if (capng_apply(CAPNG_SELECT_BOUNDS) != 0) {
		*err = g_strdup("cannot clear the capability bounding set");
		return (false);
	}
	if (setresuid(id->uid, id->uid, id->uid) != 0) {
		*err = g_strdup_printf("cannot switch to user %s: %s",
		    id->name, g_strerror(errno));
		return (false);
	}
	/* Both must fail now; if either works, the switch did not hold. */
	if (setuid(0) == 0 || setgid(0) == 0 || getresuid(&r, &e, &s) != 0 ||
	    r == 0 || e == 0 || s == 0) {
		*err = g_strdup("root privileges could be regained after the "
		    "switch; refusing to run");
		return (false);
	}
	return (true);
}

/* Step 2: no capability left in any set we may change. */
static bool
clear_caps(char **err)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) != 0) {
		*err = g_strdup("cannot clear the capabilities");
		return (false);
	}
	/* Ambient capabilities survive execve: none. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 &&
	    errno != EINVAL) {
		*err = g_strdup_printf("cannot clear the ambient capabilities: "
		    "%s", g_strerror(errno));
		return (false);
	}
	capng_get_caps_process();
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE) {
		*err = g_strdup("capabilities remain after clearing them");
		return (false);
	}
	return (true);
}

/* The calls every part of taptop makes, with no argument worth checking. */
static const int allowed[] = {
	/* Files: capture files, terminfo, locale, /etc, /proc/self, and
	 * output files (opened with the dropped user's rights). */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64), SCMP_SYS(write),
	SCMP_SYS(writev), SCMP_SYS(pwrite64), SCMP_SYS(open),
	SCMP_SYS(openat), SCMP_SYS(close), SCMP_SYS(close_range),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat),
	SCMP_SYS(lstat), SCMP_SYS(statx), SCMP_SYS(lseek),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getdents),
	SCMP_SYS(getdents64),
	SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(dup2), SCMP_SYS(dup3),
	SCMP_SYS(pipe2), SCMP_SYS(ftruncate), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(umask),
	SCMP_SYS(getcwd),
	/* Waiting: libpcap's poll on the ring and its eventfd for breakloop,
	 * the file reader's poll on pipes, curses' keys, sigtimedwait. */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select),
	SCMP_SYS(pselect6), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2),
	SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(time),
	/* Memory and threads: glib, pthreads, malloc. */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(set_tid_address), SCMP_SYS(sched_yield),
	SCMP_SYS(sched_getaffinity), SCMP_SYS(getrandom),
	SCMP_SYS(membarrier),
	/* Signals: the blocked set taken with sigtimedwait, pthread_kill,
	 * curses' SIGWINCH and SIGTSTP handling. */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigpending), SCMP_SYS(rt_sigsuspend),
	SCMP_SYS(sigaltstack), SCMP_SYS(tgkill), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(getppid), SCMP_SYS(kill),
	SCMP_SYS(getpgrp), SCMP_SYS(getpgid), SCMP_SYS(getsid),
	/* Identity and limits, read only. */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid), SCMP_SYS(getresuid), SCMP_SYS(getresgid),
	SCMP_SYS(getgroups), SCMP_SYS(uname), SCMP_SYS(getrlimit),
	SCMP_SYS(prlimit64), SCMP_SYS(getrusage), SCMP_SYS(sysinfo),
	SCMP_SYS(wait4), SCMP_SYS(exit), SCMP_SYS(exit_group),
	/* Sockets: pcap_stats' getsockopt on the live handle; --resolve's
	 * getnameinfo (UDP/TCP to the resolver, AF_UNIX to nscd, netlink
	 * for the addresses); the spawn helper's socket; a metrics server. */
	SCMP_SYS(connect), SCMP_SYS(sendto), SCMP_SYS(sendmsg),
	SCMP_SYS(sendmmsg), SCMP_SYS(recvfrom), SCMP_SYS(recvmsg),
	SCMP_SYS(recvmmsg), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4),
	SCMP_SYS(shutdown),
};

/* Calls only an attacker makes: the process dies on the spot. */
static const int killed[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork),
	SCMP_SYS(vfork), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(mount), SCMP_SYS(umount2),
	SCMP_SYS(pivot_root), SCMP_SYS(chroot), SCMP_SYS(unshare),
	SCMP_SYS(setns), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(keyctl), SCMP_SYS(add_key),
	SCMP_SYS(request_key), SCMP_SYS(userfaultfd), SCMP_SYS(reboot),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(personality),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(acct), SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),
	SCMP_SYS(adjtimex), SCMP_SYS(fanotify_init),
#if !PRIVDROP_SANITIZER
	SCMP_SYS(ptrace),
#endif
};

/* Terminal requests curses, isatty and the file reader make, and the
 * interface queries libpcap makes when its interface goes down or away
 * (read only); TIOCSTI (typing into the terminal) and the rest get
 * EPERM. */
static const unsigned long ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCGPGRP, FIONREAD,
	FIONBIO, SIOCGIFFLAGS, SIOCGIFINDEX, SIOCGIFNAME, SIOCGIFMTU,
};

/* Socket families: the resolver's and a metrics server's, nscd's, and
 * netlink for getaddrinfo's look at the local addresses.  No AF_PACKET:
 * no new capture. */
static const int families[] = { AF_UNIX, AF_INET, AF_INET6, AF_NETLINK };

static bool
install_filter(char **err)
{
	scmp_filter_ctx ctx;
	size_t i;
	int r = 0;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL) {
		*err = g_strdup("cannot set up the system call filter");
		return (false);
	}
	/* Every thread, should one exist already. */
	r |= seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (i = 0; i < G_N_ELEMENTS(allowed) && r == 0; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < G_N_ELEMENTS(killed) && r == 0; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, killed[i], 0);
	for (i = 0; i < G_N_ELEMENTS(ioctls) && r == 0; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, ioctls[i]));
	for (i = 0; i < G_N_ELEMENTS(families) && r == 0; i++)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
		    SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]));
	/* Threads only: clone must carry CLONE_THREAD (no fork, no new
	 * namespace).  clone3 hides its flags in memory the filter cannot
	 * read: ENOSYS makes glibc fall back to clone. */
	if (r == 0 && !PRIVDROP_SANITIZER)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (r == 0)
		r |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	/* prctl: thread names only. */
	if (r == 0 && !PRIVDROP_SANITIZER) {
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		    SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME));
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		    SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME));
	}
	/* Sanitizer builds only: the leak checker's tracer (a clone without
	 * CLONE_THREAD, ptrace of our own threads, prctl for dumpable and
	 * Yama's ptracer). */
	if (r == 0 && PRIVDROP_SANITIZER) {
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0);
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ptrace), 0);
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 0);
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_getparam), 0);
		r |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mincore), 0);
	}
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r != 0) {
		*err = g_strdup_printf("cannot install the system call filter: "
		    "%s", g_strerror(r < 0 ? -r : EINVAL));
		return (false);
	}
	return (true);
}

bool
privdrop_apply(const struct privdrop_id *id, enum privdrop_mode mode,
    char **err)
{
	if (id->switch_user && !switch_user(id, err))
		return (false);
	if (!clear_caps(err))
		return (false);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		*err = g_strdup_printf("cannot set no_new_privs: %s",
		    g_strerror(errno));
		return (false);
	}
	if (mode == PRIVDROP_FULL && !install_filter(err))
		return (false);
	return (true);
}
