/*
 * Rules: acting on matching packets (--on FILTER --exec CMD, --on FILTER
 * --write FILE.pcapng).  The seed's TIPS sketch a listener that runs a
 * command for each packet it sees, with a plea for a rate limit; this is
 * that listener, with the limit built in.
 *
 * Each rule is a tap listener on "frame" with the rule's display filter
 * (the global -Y does not apply to it; packets fed again by a refill are
 * skipped: a rule acts once per packet).
 *
 * --exec.  The command line is split as a shell would split it, with no
 * expansion (g_shell_parse_argv), and its program looked up in PATH once,
 * at start: a missing one is a usage error then, never a per-packet one.
 * It runs without a shell, through spawn helpers (spawn.h) forked before
 * the privilege drop: one helper per command that may run at once
 * (--exec-max K), since a helper runs one command at a time.  The capture
 * thread only takes a token and copies the packet's facts into a
 * fixed-size record of a bounded queue (no allocation, no formatting);
 * K worker threads take records and run the commands, each waiting for
 * its own.  So a slow or failing command never stalls counting.
 *
 *  - The rate limit is a token bucket per rule in wall time (monotonic
 *    clock), N commands per S seconds with bursts of N: what "a command
 *    per 10 s" means to whoever receives the mails.  A match without a
 *    token is suppressed; the count suppressed since the rule's last run
 *    goes to the next run as TAPTOP_SUPPRESSED.
 *  - At most K commands run at once; further matches wait in the queue
 *    (RULES_QUEUE_MAX records for all rules), and when it is full they are
 *    suppressed and counted the same way.
 *  - A command still running at --exec-timeout is killed (its process
 *    group) and counted as a timeout.
 *
 * The environment: PATH and HOME (fixed, minimal) and TAPTOP_TIME (epoch
 * seconds with a nanosecond fraction), TAPTOP_SRC, TAPTOP_DST (the
 * innermost network addresses, or link-layer ones), TAPTOP_SPORT,
 * TAPTOP_DPORT (empty without ports), TAPTOP_PROTOCOLS (the layers,
 * colon-separated, as frame.protocols), TAPTOP_FILTER, TAPTOP_LEN,
 * TAPTOP_SUPPRESSED.  No shell reads them, and each packet-derived
 * string is capped (RULES_PROTOS_MAX).
 *
 * --write.  Matching packets are appended to a pcapng file
 * (pcapng_writer.h) on the capture thread: a whole block per packet with
 * one write(2), which is cheap enough and keeps the file readable after a
 * crash.  The file is opened after the privilege drop, with the dropped
 * user's rights.
 *
 * Order of calls (tui/main.c): rules_add_* and rules_set_* while parsing
 * options; rules_setup() before the capture opens (filters, commands);
 * rules_start_helpers() just before the drop; rules_start() after it;
 * rules_idle() to wait for the last commands; rules_stop() at the end.
 */
#ifndef TAPTOP_RULES_H
#define TAPTOP_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"
#include "privdrop.h"

#define RULES_MAX		64
#define RULES_QUEUE_MAX		256	/* records waiting, all rules */
#define RULES_PROTOS_MAX	256	/* TAPTOP_PROTOCOLS, bytes */
#define RULES_EXEC_MAX_MAX	64	/* --exec-max */
#define RULES_ENV_MAX		16

enum rule_action {
	RULE_EXEC = 1,
	RULE_WRITE,
};

/* What a command learns of its packet: a fixed-size record. */
struct rule_fact {
	int		 rule;
	int64_t		 ts_sec;
	uint32_t	 ts_nsec;
	uint32_t	 len;
	struct address	 src, dst;
	uint32_t	 sport, dport;
	bool		 ports;
	uint64_t	 suppressed;
	char		 protocols[RULES_PROTOS_MAX];
};

/* A token bucket: n tokens per span_ns, at most n held. */
struct rules_bucket {
	double		 n;
	int64_t		 span_ns;
	double		 tokens;
	int64_t		 last_ns;
	bool		 started;
};

/* The counters of one rule, for the panel. */
struct rule_stats {
	int		 index;		/* from 1, in command-line order */
	enum rule_action action;
	const char	*filter;
	const char	*target;	/* the command line, or the file */
	uint64_t	 matches;
	uint64_t	 runs;		/* commands handed to a helper */
	uint64_t	 suppressed;	/* rate limit or full queue */
	uint64_t	 failures;	/* non-zero exit, signal, no start */
	uint64_t	 timeouts;
	uint64_t	 written;	/* packets written */
	uint64_t	 bytes;		/* bytes written, every file */
};

/* Options.  Each returns NULL or a one-line error (g_free it). */
char	*rules_add_on(const char *filter);
char	*rules_add_exec(const char *cmdline);
char	*rules_add_write(const char *path);
char	*rules_set_exec_rate(const char *spec);	/* "N/S" */
char	*rules_set_exec_max(int64_t k);
char	*rules_set_exec_timeout(double seconds);
char	*rules_set_write_size(int64_t mib);
char	*rules_set_write_files(int64_t n);

/* Checks that every --on has its action and registers the listeners;
 * NULL or a one-line error. */
char	*rules_setup(void);
int	 rules_count(void);
bool	 rules_need_spawn(void);
/* Before the drop: the helpers, becoming id (NULL: stay as is). */
char	*rules_start_helpers(const struct privdrop_id *id);
/* After the drop: the files, the workers. */
char	*rules_start(void);
/* No command waiting or running. */
bool	 rules_idle(void);
/* Ends the workers (killing what still runs) and closes the files. */
void	 rules_stop(void);
/* Copies up to max rules' counters; how many rules there are. */
int	 rules_stats(struct rule_stats *out, int max);

/* The parts, for the unit tests. */
char	**rules_split_argv(const char *cmdline, char **err);
char	*rules_parse_rate(const char *spec, double *n, double *seconds);
void	 rules_bucket_init(struct rules_bucket *, double n, double seconds);
bool	 rules_bucket_take(struct rules_bucket *, int64_t now_ns);
/* The environment of a run (NULL-ended, g_strfreev it). */
char	**rules_env(const struct rule_fact *, const char *filter);

#endif
