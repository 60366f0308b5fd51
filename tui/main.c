/*
 * taptop: the command line.
 *
 * Parses options (GOptionContext), opens the panels (each a tap listener),
 * opens the capture and runs it on its own thread.  Then either the curses
 * interface takes over, or, with --batch, this thread waits for the end
 * (end of file, -c, --duration, or a signal) and prints every panel as text
 * or JSON.
 *
 * With --interval, batch mode prints a snapshot as each interval of capture
 * time ends (capture.h), the last, partial one at the end.  The snapshot
 * is drawn and printed by the capture's interval callback: on the capture
 * thread between two packets for a file, so that it holds exactly the
 * packets before the interval's end; on this thread, from the clock, when
 * a live capture's interval ends with no packet to end it.  The capture's
 * interval lock makes those the only drawer at any time, and this thread
 * draws the last one only after the capture thread is joined, so a panel
 * is never drawn by two threads at once (tap.h, panel.h).  Cumulative
 * snapshots keep each panel's last table and take a new one only when the
 * panel changed; with --interval-mode delta every panel is drawn and reset
 * at each end, and every count of a line is that interval's.  A table a
 * snapshot replaces goes back to its panel, whose next draw refills it in
 * place.  The report at the end streams each panel from its state
 * (report.h), so that a million rows are never copied whole.
 *
 * Names (core/names.h) are set up before any thread starts: the hosts file
 * and the listener that learns names from the traffic, and with --resolve
 * the resolver, the only part of taptop that ever looks a name up.
 *
 * Signals are blocked in every thread and taken here with sigtimedwait, so
 * no handler runs at an arbitrary point of the capture thread.
 *
 * The rule that keeps taptop stoppable: SIGINT, SIGTERM and SIGHUP are
 * blocked everywhere, so no wait may outlast a look at them.  Each wait is
 * one of:
 *  - a sigtimedwait on them, or a poll of at most 100 ms followed by one
 *    (batch mode here, the interface's loop in tui.c);
 *  - a wait of at most 100 ms followed by a look at the capture's stop
 *    flag (the capture thread: live reads, the file reader's poll on a
 *    pipe, replay sleeps), so that capture_stop + capture_join is short;
 *  - a wait whose slices ask sigpending() (capture_open waiting for the
 *    header of a file on a quiet pipe, before any thread exists);
 *  - batch output, written through a FILE that waits for the descriptor
 *    in slices and takes the signals between two (out_write).
 * A new wait must be one of these.  A terminal on standard input is
 * refused: it would be a wait for a capture that never comes, on the keys
 * the interface needs.
 */
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "core/capture.h"
#include "core/clock.h"
#include "core/dfilter/dfilter.h"
#include "core/dissect.h"
#include "core/metrics.h"
#include "core/names.h"
#include "core/panel.h"
#include "core/privdrop.h"
#include "core/proto.h"
#include "core/report.h"
#include "core/rules.h"
#include "core/spawn.h"
#include "core/tap.h"
#include "tui/keys.h"
#include "tui/tui.h"

#define EXIT_USAGE	2
#define HISTORY_DEFAULT_MIB	64
#define HISTORY_MAX_MIB		65536
#define HISTORY_UNSET		G_MININT64

static const char *const default_panels[] = {
	"summary", "protocols", "conv.ip", "conv.tcp", "endpoints.ip", NULL
};

/* The interface opens on the overview, then the panels above. */
static const char *const default_tui_panels[] = {
	"overview", "summary", "protocols", "conv.ip", "conv.tcp",
	"endpoints.ip", NULL
};

struct options {
	char		*iface;
	char		*file;
	char		*bpf;
	int		 snaplen;
	int		 buffer_mib;
	gboolean	 no_promisc;
	gboolean	 list_ifaces;
	gint64		 count;
	double		 duration;
	gboolean	 batch;
	gboolean	 json;
	double		 interval;
	char		*interval_mode;
	char	       **panels;
	gboolean	 list_panels;
	gboolean	 list_fields;
	gboolean	 list_keys;
	gboolean	 names;
	gboolean	 port_names;
	gboolean	 resolve;
	gint64		 max_rows;
	char		*dfilter;
	double		 delay;
	double		 speed;
	gboolean	 speed_given;
	gint64		 history_mib;	/* HISTORY_UNSET: not given */
	gboolean	 version;
	char		*user;		/* -Z */
	gboolean	 no_drop;
	gboolean	 test_denied_syscall;	/* TAPTOP_TEST_HOOKS only */
	gboolean	 test_spawn;
	char		*metrics;
	gint64		 metrics_rows;
	gboolean	 daemon;
};

static struct options opt = {
	.max_rows = PANEL_MAX_ROWS_DEFAULT,
	.delay = 1.0,
	.speed = 0.0,
	.history_mib = HISTORY_UNSET,
	.metrics_rows = -1,
};

/* --speed, remembering that it was given: it only goes with -r. */
static gboolean
parse_speed(const gchar *name, const gchar *value, gpointer data,
    GError **error)
{
	char *end = NULL;
	double v = g_ascii_strtod(value, &end);

	(void)data;
	if (*value == '\0' || end == NULL || *end != '\0' || !isfinite(v)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "Cannot parse double value \u201c%s\u201d for %s", value,
		    name);
		return (FALSE);
	}
	opt.speed = v;
	opt.speed_given = TRUE;
	return (TRUE);
}

/*
 * --on FILTER followed by --exec COMMAND or --write FILE, and
 * their limits (core/rules.h).  Callbacks, so that each --on takes the
 * action that follows it; a bad one is one usage line.
 */
static void G_GNUC_PRINTF(1, 2) die_usage(const char *fmt, ...);

static gboolean
parse_rule_option(const gchar *name, const gchar *value, gpointer data,
    GError **error)
{
	char *err = NULL, *end = NULL;
	gint64 n = 0;
	double d = 0;

	(void)data;
	(void)error;
	if (strcmp(name, "--exec-max") == 0 ||
	    strcmp(name, "--write-size") == 0 ||
	    strcmp(name, "--write-files") == 0) {
		n = g_ascii_strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0')
			die_usage("%s wants a whole number, not \"%s\"", name,
			    value);
	}
	if (strcmp(name, "--exec-timeout") == 0) {
		d = g_ascii_strtod(value, &end);
		if (*value == '\0' || *end != '\0')
			die_usage("%s wants seconds, not \"%s\"", name, value);
	}
	if (strcmp(name, "--on") == 0)
		err = rules_add_on(value);
	else if (strcmp(name, "--exec") == 0)
		err = rules_add_exec(value);
	else if (strcmp(name, "--write") == 0)
		err = rules_add_write(value);
	else if (strcmp(name, "--exec-rate") == 0)
		err = rules_set_exec_rate(value);
	else if (strcmp(name, "--exec-max") == 0)
		err = rules_set_exec_max(n);
	else if (strcmp(name, "--exec-timeout") == 0)
		err = rules_set_exec_timeout(d);
	else if (strcmp(name, "--write-size") == 0)
		err = rules_set_write_size(n);
	else if (strcmp(name, "--write-files") == 0)
		err = rules_set_write_files(n);
	if (err != NULL)
		die_usage("%s", err);
	return (TRUE);
}

static GOptionEntry entries[] = {
	{ "interface", 'i', 0, G_OPTION_ARG_STRING, &opt.iface,
	    "Capture live on IFACE (default: the first up, non-loopback "
	    "interface)", "IFACE" },
	{ "read", 'r', 0, G_OPTION_ARG_FILENAME, &opt.file,
	    "Read a pcap or pcapng FILE (- for standard input)", "FILE" },
	{ "capture-filter", 'f', 0, G_OPTION_ARG_STRING, &opt.bpf,
	    "Capture filter, in BPF syntax (as tcpdump)", "BPF" },
	{ "snaplen", 's', 0, G_OPTION_ARG_INT, &opt.snaplen,
	    "Capture at most N bytes of each packet", "N" },
	{ "buffer-size", 'B', 0, G_OPTION_ARG_INT, &opt.buffer_mib,
	    "Kernel capture buffer size in MiB", "MIB" },
	{ "no-promiscuous-mode", 'p', 0, G_OPTION_ARG_NONE, &opt.no_promisc,
	    "Do not put the interface into promiscuous mode", NULL },
	{ "list-interfaces", 'D', 0, G_OPTION_ARG_NONE, &opt.list_ifaces,
	    "List the capture interfaces and exit", NULL },
	{ "count", 'c', 0, G_OPTION_ARG_INT64, &opt.count,
	    "Stop after N packets", "N" },
	{ "duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt.duration,
	    "Stop after S seconds (of capture time, for files)", "S" },
	{ "display-filter", 'Y', 0, G_OPTION_ARG_STRING, &opt.dfilter,
	    "Display filter ANDed into every panel's", "FILTER" },
	{ "batch", 0, 0, G_OPTION_ARG_NONE, &opt.batch,
	    "No interface: print the panels at the end", NULL },
	{ "panel", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.panels,
	    "Open panel NAME, with an optional display filter (repeatable)",
	    "NAME[:FILTER]" },
	{ "json", 0, 0, G_OPTION_ARG_NONE, &opt.json,
	    "In batch mode, print one JSON object", NULL },
	{ "interval", 0, 0, G_OPTION_ARG_DOUBLE, &opt.interval,
	    "In batch mode, print a snapshot every S seconds of capture time "
	    "(with --json, one object per line)", "S" },
	{ "interval-mode", 0, 0, G_OPTION_ARG_STRING, &opt.interval_mode,
	    "What an --interval snapshot counts: cumulative (since the start, "
	    "the default) or delta (that interval only)", "MODE" },
	{ "max-rows", 0, 0, G_OPTION_ARG_INT64, &opt.max_rows,
	    "Rows a panel keeps before folding the rest into 'other' "
	    "(default 20000)", "N" },
	{ "delay", 'd', 0, G_OPTION_ARG_DOUBLE, &opt.delay,
	    "Screen refresh interval in seconds (default 1)", "S" },
	{ "speed", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)parse_speed,
	    "Replay pace for -r: 1 real time, 0 as fast as possible", "X" },
	{ "history", 0, 0, G_OPTION_ARG_INT64, &opt.history_mib,
	    "Live or from a pipe, keep the last MIB MiB of packets, to fill "
	    "a panel added or refiltered with the recent past (default 64, "
	    "0 for none)", "MIB" },
	{ "names", 0, 0, G_OPTION_ARG_NONE, &opt.names,
	    "Show addresses by name where one is known (the hosts file, names "
	    "seen in the traffic); JSON adds a_name, b_name, name", NULL },
	{ "port-names", 0, 0, G_OPTION_ARG_NONE, &opt.port_names,
	    "Show ports by service name (/etc/services); JSON adds "
	    "a_port_name, b_port_name, port_name", NULL },
	{ "resolve", 0, 0, G_OPTION_ARG_NONE, &opt.resolve,
	    "Look addresses without a name up in reverse DNS, which sends "
	    "packets (implies --names)", NULL },
	{ "list-panels", 0, 0, G_OPTION_ARG_NONE, &opt.list_panels,
	    "List the panels and exit", NULL },
	{ "list-fields", 0, 0, G_OPTION_ARG_NONE, &opt.list_fields,
	    "List the display-filter fields and exit", NULL },
	{ "list-keys", 0, 0, G_OPTION_ARG_NONE, &opt.list_keys,
	    "List the interface's keys and exit", NULL },
	{ "version", 'v', 0, G_OPTION_ARG_NONE, &opt.version,
	    "Print the version and exit", NULL },
	/* The privilege drop (core/privdrop.h). */
	{ "relinquish-privileges", 'Z', 0, G_OPTION_ARG_STRING, &opt.user,
	    "As root, once the capture is open, become USER (default: taptop "
	    "if that user exists, else nobody); every capability is dropped "
	    "and a system-call filter installed in any case", "USER" },
	{ "no-drop", 0, 0, G_OPTION_ARG_NONE, &opt.no_drop,
	    "Keep every privilege for the whole run: no user switch, no "
	    "capability drop, no system-call filter (for debugging)", NULL },
	/* Acting on matching packets (core/rules.h). */
	{ "on", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "A rule: packets matching FILTER get the --exec or --write that "
	    "follows (repeatable)", "FILTER" },
	{ "exec", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "Run COMMAND (split as a shell would, no shell, no expansion) for "
	    "each packet of the last --on, under the limits below; facts in "
	    "TAPTOP_* variables", "COMMAND" },
	{ "write", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "Write the packets of the last --on to FILE, in pcapng", "FILE" },
	{ "exec-rate", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "At most N commands per S seconds of wall time per rule; more "
	    "matches are suppressed and counted (default 1/10)", "N/S" },
	{ "exec-max", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "At most K commands running at once; more wait in a bounded "
	    "queue (default 4)", "K" },
	{ "exec-timeout", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "Kill a command still running after S seconds (default 30)", "S" },
	{ "write-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "Start a new --write file when one would pass MB million bytes, "
	    "as tcpdump -C (default 0: no cap)", "MB" },
	{ "write-files", 0, 0, G_OPTION_ARG_CALLBACK, parse_rule_option,
	    "With --write-size, keep N files in a ring: FILE.pcapng, "
	    "FILE.1.pcapng, ... as tcpdump -W (default 10)", "N" },
	/* The Prometheus endpoint (core/metrics.h). */
	{ "metrics", 0, 0, G_OPTION_ARG_STRING, &opt.metrics,
	    "Serve the panels and the capture's counters to Prometheus at "
	    "http://ADDR:PORT/metrics (a bare PORT: on 127.0.0.1)",
	    "ADDR:PORT" },
	{ "metrics-rows", 0, 0, G_OPTION_ARG_INT64, &opt.metrics_rows,
	    "Rows of each panel --metrics exports; the rest are summed in "
	    "one series other=\"true\" (default 100)", "N" },
	{ "daemon", 0, 0, G_OPTION_ARG_NONE, &opt.daemon,
	    "No interface and no report: capture and serve --metrics until "
	    "SIGINT or SIGTERM (after the end of a file too)", NULL },
#ifdef TAPTOP_TEST_HOOKS
	{ "test-denied-syscall", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
	    &opt.test_denied_syscall, "After the drop, try execve", NULL },
	{ "test-spawn", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE,
	    &opt.test_spawn, "Start the spawn helper and run a command through "
	    "it after the drop", NULL },
#endif
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static void
die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("taptop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

static void
list_panels(void)
{
	const struct panel_class *pc;
	int i;

	for (i = 0; (pc = panel_class_at(i)) != NULL; i++)
		printf("%-16s %s\n", pc->name, pc->title);
}

static void
list_fields(void)
{
	const struct field_info *f;
	int i;

	for (i = 0; (f = field_get(i)) != NULL; i++)
		printf("%-32s %-36s %s\n", f->name, ftype_name(f->type),
		    f->desc != NULL ? f->desc : "");
}

static void
check_options(void)
{
	if (opt.file != NULL && opt.iface != NULL)
		die_usage("-i and -r cannot be used together");
	if (opt.snaplen < 0 || opt.snaplen > 262144)
		die_usage("-s: the snapshot length must be 0 to 262144");
	if (opt.buffer_mib < 0 || opt.buffer_mib > 4096)
		die_usage("-B: the buffer size must be 0 to 4096 MiB");
	if (opt.count < 0)
		die_usage("-c: the count must not be negative");
	if (opt.duration < 0 || opt.interval < 0 || opt.speed < 0)
		die_usage("--duration, --interval and --speed must not be "
		    "negative");
	if (opt.delay < 0.1 || opt.delay > 3600)
		die_usage("-d: the refresh interval must be 0.1 to 3600 "
		    "seconds");
	if (opt.max_rows < 1 || opt.max_rows > 10000000)
		die_usage("--max-rows must be 1 to 10000000");
	if (opt.json && !opt.batch)
		die_usage("--json goes with --batch");
	if (opt.interval > 0 && !opt.batch)
		die_usage("--interval goes with --batch");
	if (opt.interval > 0 && (opt.interval < 0.001 || opt.interval > 1e6))
		die_usage("--interval must be 0.001 to 1000000 seconds");
	if (opt.interval_mode != NULL && opt.interval == 0)
		die_usage("--interval-mode goes with --interval");
	if (opt.interval_mode != NULL &&
	    strcmp(opt.interval_mode, "cumulative") != 0 &&
	    strcmp(opt.interval_mode, "delta") != 0)
		die_usage("--interval-mode must be cumulative or delta");
	if (opt.history_mib != HISTORY_UNSET && opt.batch)
		die_usage("--history goes with the interface, not --batch");
	if (opt.history_mib != HISTORY_UNSET && (opt.history_mib < 0 ||
	    opt.history_mib > HISTORY_MAX_MIB))
		die_usage("--history must be 0 to %d MiB", HISTORY_MAX_MIB);
	if (opt.speed_given && opt.file == NULL)
		die_usage("--speed paces the replay of a file (-r); a live "
		    "capture cannot be paced");

	if (opt.daemon && (opt.batch || opt.metrics == NULL))
		die_usage("--daemon goes with --metrics, and not with --batch");
	if (opt.metrics_rows != -1 && opt.metrics == NULL)
		die_usage("--metrics-rows goes with --metrics");
	if (opt.metrics_rows != -1 && (opt.metrics_rows < 1 ||
	    opt.metrics_rows > METRICS_ROWS_MAX))
		die_usage("--metrics-rows must be 1 to %d", METRICS_ROWS_MAX);
	/* Keys typed there would be read as a capture that never comes. */
	if (opt.file != NULL && strcmp(opt.file, "-") == 0 &&
	    isatty(STDIN_FILENO))
		die_usage("standard input is a terminal; pipe a capture into "
		    "it");
}

/* Opens "NAME" or "NAME:FILTER"; exits on an unknown panel or bad filter. */
static struct panel *
open_panel_spec(const char *spec)
{
	const char *colon = strchr(spec, ':');
	char *name = colon != NULL ? g_strndup(spec, (gsize)(colon - spec)) :
	    g_strdup(spec);
	char *err = NULL;
	struct panel *p;

	p = panel_open(name, colon != NULL ? colon + 1 : NULL,
	    (size_t)opt.max_rows, &err);
	if (p == NULL) {
		if (panel_class_find(name) == NULL)
			die_usage("unknown panel \"%s\" (taptop --list-panels "
			    "lists them)", name);
		die_usage("bad filter for panel %s: %s", name, err);
	}
	g_free(name);
	return (p);
}

/* Batch mode prints tables: a composite (the overview) is its parts, each
 * a panel of its own with the composite's filter. */
static void
add_panel_spec(GPtrArray *panels, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char *name = colon != NULL ? g_strndup(spec, (gsize)(colon - spec)) :
	    g_strdup(spec);
	const struct panel_class *cls = panel_class_find(name);
	char *part;
	int i;

	if (opt.batch && cls != NULL && cls->parts != NULL)
		for (i = 0; cls->parts[i] != NULL; i++) {
			part = g_strconcat(cls->parts[i], colon, NULL);
			g_ptr_array_add(panels, open_panel_spec(part));
			g_free(part);
		}
	else
		g_ptr_array_add(panels, open_panel_spec(spec));
	g_free(name);
}

static GPtrArray *
open_panels(void)
{
	const char *const *defaults = opt.batch || opt.daemon ? default_panels :
	    default_tui_panels;
	GPtrArray *panels = g_ptr_array_new();
	int i;

	if (opt.panels != NULL && opt.panels[0] != NULL)
		for (i = 0; opt.panels[i] != NULL; i++)
			add_panel_spec(panels, opt.panels[i]);
	else
		for (i = 0; defaults[i] != NULL; i++)
			add_panel_spec(panels, defaults[i]);
	return (panels);
}

/* The state of batch printing; see the top of the file for who uses it
 * when. */
struct batch {
	struct capture		*cap;
	GPtrArray		*panels;
	struct table		**last;		/* each panel's last snapshot */
	bool			 delta;
	unsigned		 flags;		/* REPORT_* */
	const sigset_t		*sigs;		/* what ends a wait */
	bool			 last_report;	/* the one after the capture */
	bool			 printed;	/* a snapshot went out */
	struct report_capture	 prev;		/* delta: counts at the last */
};

static bool
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return (cs != NULL && (g_ascii_strcasecmp(cs, "UTF-8") == 0 ||
	    g_ascii_strcasecmp(cs, "UTF8") == 0));
}

static void
fill_report(struct capture *c, struct report_capture *rc)
{
	report_capture_counts(c, rc);
	rc->source = capture_source(c);
	rc->capture_filter = opt.bpf;
	rc->display_filter = opt.dfilter;
	rc->error = capture_error(c);
}

/* The undissected counts since prev: capture_undissected() keeps each
 * link type at the index it was first given. */
static void
undissected_delta(struct report_capture *rc, const struct report_capture *prev)
{
	size_t i;

	for (i = 0; i < rc->nundissected && i < prev->nundissected; i++) {
		rc->undissected[i].frames -= prev->undissected[i].frames;
		rc->undissected[i].bytes -= prev->undissected[i].bytes;
	}
}

/*
 * --json when the capture could not open (a file whose header is bad, an
 * interface taptop may not capture on): the error goes to stderr as ever,
 * and stdout still gets a JSON object, its capture block with the error,
 * so that a script reading the JSON learns why there is nothing.
 */
static void
json_open_failure(const char *err)
{
	struct report_capture rc;

	if (!opt.json)
		return;
	memset(&rc, 0, sizeof(rc));
	if (opt.file != NULL)
		rc.source = strcmp(opt.file, "-") == 0 ? "stdin" : opt.file;
	else
		rc.source = opt.iface;
	rc.capture_filter = opt.bpf;
	rc.display_filter = opt.dfilter;
	rc.error = err;
	report_json_tables(stdout, &rc, 0, NULL, NULL, 0);
	fflush(stdout);
}

/* Turns rc into the counts since b->prev, and keeps rc's as the next
 * prev. */
static void
counts_delta(struct batch *b, struct report_capture *rc)
{
	struct report_capture now = *rc;

	rc->packets -= b->prev.packets;
	rc->bytes -= b->prev.bytes;
	rc->dropped -= b->prev.dropped;
	rc->malformed -= b->prev.malformed;
	rc->truncated -= b->prev.truncated;
	rc->tapq_full -= b->prev.tapq_full;
	rc->fields_full -= b->prev.fields_full;
	rc->arena_full -= b->prev.arena_full;
	rc->reasm_timeout -= b->prev.reasm_timeout;
	rc->reasm_full -= b->prev.reasm_full;
	rc->tcp_gaps -= b->prev.tcp_gaps;
	rc->tcp_flows_full -= b->prev.tcp_flows_full;
	rc->tcp_bytes_full -= b->prev.tcp_bytes_full;
	rc->tcp_timeouts -= b->prev.tcp_timeouts;
	undissected_delta(rc, &b->prev);
	b->prev = now;
}

/* Epoch seconds from nanoseconds, without losing the nanoseconds of a
 * large value to one division. */
static double
ns_to_s(int64_t ns)
{
	return ((double)(ns / 1000000000) + (double)(ns % 1000000000) / 1e9);
}

/* Waits up to ms for a terminating signal; returns it, or 0. */
static int
wait_signal(const sigset_t *set, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	int sig;

	sig = sigtimedwait(set, NULL, &ts);
	return (sig > 0 ? sig : 0);
}

/* The signals that end taptop, for the waits that take no signal set. */
static bool
is_stop_signal(int sig)
{
	return (sig == SIGINT || sig == SIGTERM || sig == SIGHUP);
}

/*
 * --resolve: asks for the names of the addresses in the tables that have
 * none.  With wait (the last report, on the main thread once the capture
 * thread is joined), waits for the answers, as long
 * as lookups are pending and at most RESOLVE_WAIT_MS in all, taking the
 * stop signals between slices of 50 ms (a stop signal ends the wait: the
 * report goes out with the names it has).  An --interval snapshot never
 * waits (the capture thread prints most): it shows the names known so
 * far.
 */
#define RESOLVE_WAIT_MS	(5 * NAMES_RESOLVE_TIMEOUT_MS)

static void
resolve_tables(struct batch *b, bool wait)
{
	struct names_resolver *r = names_global_resolver();
	struct names_resolver_stats st;
	char name[NAMES_NAME_MAX + 1];
	const struct table *t;
	int64_t until;
	guint i;
	int row, c, sig;

	if (r == NULL)
		return;
	for (i = 0; i < b->panels->len; i++) {
		if ((t = b->last[i]) == NULL)
			continue;
		for (c = 0; c < t->ncols; c++) {
			if (t->cols[c].type != COL_ADDR)
				continue;
			for (row = 0; row < t->nrows; row++) {
				const struct address *a =
				    &table_row(t, row)[c].addr;

				if (!names_lookup(names_global(), a, name,
				    NULL))
					(void)names_resolve(r, a);
			}
		}
	}
	until = mono_ms() + RESOLVE_WAIT_MS;
	while (wait && mono_ms() < until) {
		names_resolver_stats(r, &st);
		if (st.pending == 0)
			break;
		sig = wait_signal(b->sigs, 50);
		if (sig != 0 && is_stop_signal(sig))
			break;
	}
}

/* Prints a snapshot of every panel.  With timed (--interval), iv is its
 * interval, NULL when none began (a file without packets).  Called by one
 * thread at a time (the top of the file). */
/* Where batch reports go: stdout, or a stream over it whose writes never
 * block without looking at the stop signals (guard_stdout). */
static FILE *out;

static void
print_report(struct batch *b, bool timed, const struct capture_interval *iv)
{
	const struct table *const *tables =
	    (const struct table *const *)b->last;
	struct capture_counters cn;
	struct report_capture rc;
	struct panel *p;
	struct table *t;
	int64_t now;
	guint i;

	/* The last report streams each panel from its state (report.h),
	 * unless --resolve needs the tables first to look the names up. */
	bool stream = b->last_report && names_global_resolver() == NULL;

	/* Rates are taken at the end of the interval, or of the data. */
	capture_counters(b->cap, &cn);
	now = timed && iv != NULL ? iv->end_ns : capture_now_ns(b->cap);
	for (i = 0; i < b->panels->len; i++) {
		p = g_ptr_array_index(b->panels, i);
		panel_set_clock(p, now, cn.packets > 0 ? cn.first_ns :
		    INT64_MIN);
		if (stream) {
			table_free(b->last[i]);
			b->last[i] = NULL;
			continue;
		}
		if (b->delta) {
			t = panel_snapshot(p);
			reset_tap_listener(p);
		} else
			t = b->last[i] == NULL ? panel_snapshot(p) :
			    panel_snapshot_if_changed(p);
		if (t != NULL) {
			/* The old table is refilled by the next draw. */
			panel_give_table(p, b->last[i]);
			b->last[i] = t;
		}
	}
	if (stream)
		tables = NULL;
	else
		resolve_tables(b, b->last_report);
	fill_report(b->cap, &rc);
	if (b->delta)
		counts_delta(b, &rc);
	rc.timed = timed;
	if (timed && iv == NULL)
		rc.time = NAN;
	else if (timed) {
		rc.time = ns_to_s(iv->end_ns);
		rc.interval = (double)(iv->end_ns - iv->start_ns) / 1e9;
		rc.elapsed = (double)(iv->end_ns - iv->origin_ns) / 1e9;
	}
	if (opt.json)
		report_json_tables(out, &rc, b->flags,
		    (struct panel *const *)b->panels->pdata, tables,
		    (int)b->panels->len);
	else {
		/* Through out, as the report: a blank line put on stdout's
		 * own buffer came out wherever that buffer was flushed. */
		if (b->printed)
			fputc('\n', out);
		report_text_tables(out, &rc, b->flags,
		    (struct panel *const *)b->panels->pdata, tables,
		    (int)b->panels->len);
	}
	fflush(out);
	b->printed = true;
}

/* The capture's interval callback (capture.h). */
static void
on_interval(void *arg, const struct capture_interval *iv)
{
	print_report(arg, true, iv);
}

/* capture_open's interruption: a stop signal is waiting to be taken. */
static bool
stop_signal_pending(void *arg)
{
	sigset_t p;

	(void)arg;
	return (sigpending(&p) == 0 && (sigismember(&p, SIGINT) == 1 ||
	    sigismember(&p, SIGTERM) == 1 || sigismember(&p, SIGHUP) == 1));
}

/*
 * Batch output: standard output becomes a stream whose writes wait for
 * the descriptor in slices of 100 ms and take the blocked signals between
 * two (a pager left open, a stalled ssh: a reader that does not read).  A
 * stop signal that comes while output waits ends taptop at once, with the
 * shell's status for it: what cannot be written is lost anyway.  Writes
 * are of at most PIPE_BUF bytes once poll says there is room, so a pipe
 * never blocks them.
 */
static const sigset_t *out_sigs;

static ssize_t
out_write(void *cookie, const char *buf, size_t n)
{
	struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
	struct timespec zero = { 0, 0 };
	size_t done = 0;
	ssize_t k;
	int r, sig;

	(void)cookie;
	while (done < n) {
		pfd.revents = 0;
		r = poll(&pfd, 1, 100);
		if (r < 0 && errno != EINTR)
			return (-1);
		if (r <= 0) {
			while ((sig = sigtimedwait(out_sigs, NULL, &zero)) > 0)
				if (is_stop_signal(sig))
					_exit(128 + sig);
			continue;
		}
		k = write(STDOUT_FILENO, buf + done, MIN(n - done, PIPE_BUF));
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k <= 0)
			return (done > 0 ? (ssize_t)done : -1);
		done += (size_t)k;
	}
	return ((ssize_t)done);
}

static void
guard_stdout(const sigset_t *sigs)
{
	cookie_io_functions_t io = { .write = out_write };
	FILE *f;

	out = stdout;
	out_sigs = sigs;
	fflush(stdout);
	if ((f = fopencookie(NULL, "w", io)) == NULL)
		return;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	out = f;
}

/* The capture thread's last act: wake the main thread's sigtimedwait. */
static void
wake_main(void *arg)
{
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
}

/*
 * Names, before any thread starts: the hosts file and the listener that
 * learns names from the traffic, in the interface always (n may turn
 * names on at any time), in batch mode only with --names; the resolver
 * only with --resolve, so that nothing is ever looked up without it.
 */
static bool names_on;

static void
names_setup(void)
{
	char *err = NULL;

	if (opt.resolve)
		opt.names = TRUE;
	if (opt.batch && !opt.names)
		return;
	/* A missing /etc/hosts is no error; a missing file named in
	 * TAPTOP_HOSTS is worth a word. */
	if (names_load_hosts(names_global(), names_hosts_path(), &err) < 0 &&
	    getenv("TAPTOP_HOSTS") != NULL)
		fprintf(stderr, "taptop: TAPTOP_HOSTS: %s\n", err);
	g_free(err);
	if ((err = names_listen(names_global())) != NULL) {
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
	names_on = true;
}

/* --resolve's threads, once privileges are dropped (drop_privileges):
 * they look names up with the dropped user's rights and the filter. */
static void
names_start_resolver(void)
{
	struct names_resolver *r;
	char *err = NULL;

	if (!opt.resolve)
		return;
	if ((r = names_resolver_new(names_global(), NULL, &err)) == NULL) {
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
	names_set_global_resolver(r);
}

/* After every thread that reads names is done. */
static void
names_teardown(void)
{
	struct names_resolver *r = names_global_resolver();

	names_set_global_resolver(NULL);
	names_resolver_free(r);
	if (names_on)
		names_unlisten(names_global());
}

/*
 * The privilege drop, once the capture is open and before any
 * thread exists (core/privdrop.h has the steps; the README's
 * "Privileges" section the model).  The spawn helper, when commands will
 * be run, is forked just before, so that it drops too but keeps execve.
 */
static struct spawn_helper *spawner;

#ifdef TAPTOP_TEST_HOOKS
/* Hidden self-checks of the drop, for tests/e2e/test_privdrop.py. */
static void
test_hooks_after_drop(void)
{
	char *const argv[] = { "/bin/true", NULL };
	const char *const cmd[] = { "/bin/sh", "-c", "exit 7", NULL };
	struct spawn_result res;
	char *err = NULL;

	if (spawner != NULL) {
		if (!spawn_run(spawner, cmd, NULL, 5000, &res, &err))
			fprintf(stderr, "taptop: test: spawn: %s\n", err);
		else
			fprintf(stderr, "taptop: test: spawn helper %ld: "
			    "status %d code %d\n", (long)spawn_helper_pid(spawner),
			    (int)res.status, (int)res.code);
	}
	if (opt.test_denied_syscall) {
		fprintf(stderr, "taptop: test: trying execve after the drop\n");
		execve(argv[0], argv, NULL);
		fprintf(stderr, "taptop: test: execve refused: %s\n",
		    g_strerror(errno));
		exit(3);
	}
}
#endif

/*
 * The rules' own spawn helpers, one per command that may run
 * at once, forked before the drop (or as is, with --no-drop: one path);
 * they are separate from the test hooks' spawner above.  After the drop:
 * the --write files, with the dropped user's rights, and the workers.
 */
static void
rules_before_drop(const struct privdrop_id *id)
{
	char *err;

	if ((err = rules_start_helpers(id)) != NULL) {
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
}

static void
rules_after_drop(void)
{
	char *err;

	if ((err = rules_start()) != NULL)
		die_usage("%s", err);
}

/* Batch mode's end: the commands under way finish (each within its
 * timeout) before the report, unless a stop signal comes. */
static void
rules_wait(const sigset_t *sigs)
{
	int sig;

	while (!rules_idle()) {
		sig = wait_signal(sigs, 100);
		if (sig != 0 && sig != SIGUSR1)
			break;
	}
}

static void
drop_privileges(void)
{
	struct privdrop_id id;
	bool need_spawn = false;
	char *err = NULL;

	if (opt.no_drop) {
		if (opt.user != NULL)
			die_usage("-Z and --no-drop cannot be used together");
		rules_before_drop(NULL);
		return;
	}
	if (!privdrop_resolve(opt.user, &id, &err))
		die_usage("%s", err);
#ifdef TAPTOP_TEST_HOOKS
	need_spawn = opt.test_spawn;
#endif
	/* Files read on first use are read now, while they may be: the
	 * services file (a private $TAPTOP_SERVICES among them), which the
	 * ports panel and --port-names name ports from. */
	(void)names_service(0, "tcp");
	/* And the interface's filter history, kept open. */
	if (!opt.batch)
		tui_open_history();
	if (need_spawn && (spawner = spawn_helper_start(&id, &err)) == NULL) {
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
	rules_before_drop(&id);
	if (!privdrop_apply(&id, PRIVDROP_FULL, &err)) {
		fprintf(stderr, "taptop: dropping privileges: %s\n", err);
		exit(EXIT_FAILURE);
	}
#ifdef TAPTOP_TEST_HOOKS
	test_hooks_after_drop();
#endif
}

/*
 * The server is bound before the drop (any port, as root)
 * and started after it, a thread like the others.  A bad address is a
 * usage error; a port in use, a failure.
 */
static struct metrics_server *metrics;

static void
metrics_setup(void)
{
	char *err = NULL;
	bool usage;

	if (opt.metrics == NULL)
		return;
	metrics = metrics_bind(opt.metrics, opt.metrics_rows > 0 ?
	    (unsigned)opt.metrics_rows : METRICS_ROWS_DEFAULT, &err, &usage);
	if (metrics == NULL) {
		if (usage)
			die_usage("%s", err);
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
}

static void
metrics_run(struct capture *c)
{
	char *err = NULL;

	if (metrics != NULL && !metrics_start(metrics, c, &err)) {
		fprintf(stderr, "taptop: %s\n", err);
		exit(EXIT_FAILURE);
	}
}

/* --daemon: capture and serve until a stop signal, whether or not the
 * capture has ended (a file read to its end keeps its counts served). */
static int
run_daemon(struct capture *c, const sigset_t *sigs)
{
	static pthread_t self;
	bool ended = false;
	int sig;

	self = pthread_self();
	capture_set_on_end(c, wake_main, &self);
	capture_start(c);
	for (;;) {
		sig = wait_signal(sigs, 100);
		if (sig != 0 && is_stop_signal(sig))
			break;
		if (!ended && capture_get_state(c) != CAPTURE_RUNNING) {
			ended = true;
			capture_join(c);
			if (capture_error(c) != NULL)
				fprintf(stderr, "taptop: %s\n",
				    capture_error(c));
		}
	}
	capture_stop(c);
	capture_join(c);
	return (capture_error(c) != NULL ? EXIT_FAILURE : EXIT_SUCCESS);
}

static int
run_batch(struct capture *c, GPtrArray *panels, const sigset_t *sigs)
{
	struct batch b = {
		.cap = c,
		.panels = panels,
		.last = g_new0(struct table *, panels->len + 1),
		.delta = opt.interval_mode != NULL &&
		    strcmp(opt.interval_mode, "delta") == 0,
	};
	struct capture_interval iv;
	static pthread_t self;
	guint i;
	int sig;

	/* Text follows the locale; JSON is UTF-8 whatever it is. */
	if (opt.json && opt.interval > 0)
		b.flags |= REPORT_LINE;
	if (opt.names)
		b.flags |= REPORT_NAMES;
	if (opt.port_names)
		b.flags |= REPORT_PORT_NAMES;
	b.sigs = sigs;
	if (!opt.json && !locale_is_utf8())
		b.flags |= REPORT_ASCII;
	self = pthread_self();
	capture_set_on_end(c, wake_main, &self);
	if (opt.interval > 0)
		capture_set_interval(c, opt.interval, on_interval, &b);
	capture_start(c);
	while (capture_get_state(c) == CAPTURE_RUNNING) {
		sig = wait_signal(sigs, 100);
		if (sig != 0 && sig != SIGUSR1) {
			capture_stop(c);
			break;
		}
		capture_interval_tick(c);
	}
	capture_join(c);
	rules_wait(sigs);
	b.last_report = true;
	if (opt.interval > 0)
		print_report(&b, true, capture_interval_last(c, &iv) ? &iv :
		    NULL);
	else
		print_report(&b, false, NULL);
	for (i = 0; i < panels->len; i++)
		table_free(b.last[i]);
	g_free(b.last);
	if (capture_error(c) != NULL) {
		fprintf(stderr, "taptop: %s\n", capture_error(c));
		return (EXIT_FAILURE);
	}
	return (EXIT_SUCCESS);
}

int
main(int argc, char **argv)
{
	GOptionContext *ctx;
	GError *gerr = NULL;
	struct capture_opts co;
	struct capture *cap;
	bool bad_filter;
	GPtrArray *panels;
	sigset_t sigs;
	char *err = NULL;
	guint i;
	int rc;

	/* Options (filters among them) may be UTF-8: GOption converts
	 * arguments by the locale's character set. */
	setlocale(LC_CTYPE, "");
	ctx = g_option_context_new("- live traffic statistics, by tap");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(ctx,
	    "Examples:\n"
	    "  taptop -i eth0\n"
	    "  taptop -r trace.pcap --batch --panel conv.tcp --panel "
	    "protocols\n"
	    "  ssh host tcpdump -U -w - | taptop -r -\n"
	    "\n"
	    "Rates on the status line: \"now\" is over the last 2 seconds, "
	    "\"avg\" over the\n"
	    "whole capture; for a file or a replay both are in the "
	    "capture's own time.\n");
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr))
		die_usage("%s (taptop --help lists the options)",
		    gerr->message);
	g_option_context_free(ctx);
	if (argc > 1)
		die_usage("unexpected argument \"%s\" (taptop --help lists "
		    "the options)", argv[1]);
	check_options();
	if (opt.version) {
		printf("taptop %s\n%s\n", TAPTOP_VERSION,
		    capture_lib_version());
		return (EXIT_SUCCESS);
	}
	if (opt.list_keys) {
		keys_list(stdout);
		return (EXIT_SUCCESS);
	}
	proto_init();
	if (opt.list_panels) {
		list_panels();
		return (EXIT_SUCCESS);
	}
	if (opt.list_fields) {
		list_fields();
		return (EXIT_SUCCESS);
	}
	if (opt.list_ifaces) {
		if (!capture_list_interfaces(stdout, &err)) {
			fprintf(stderr, "taptop: %s\n", err);
			return (EXIT_FAILURE);
		}
		return (EXIT_SUCCESS);
	}

	if (opt.dfilter != NULL && (err = set_tap_global_dfilter(opt.dfilter))
	    != NULL)
		die_usage("bad display filter: %s", err);
	/* The io panel's rows are the snapshots' intervals. */
	panel_set_interval(opt.interval);
	panels = open_panels();
	if ((err = rules_setup()) != NULL)
		die_usage("%s", err);
	names_setup();

	capture_opts_init(&co);
	co.iface = opt.iface;
	co.file = opt.file;
	co.bpf = opt.bpf;
	co.snaplen = opt.snaplen;
	co.buffer_mib = opt.buffer_mib;
	co.no_promisc = opt.no_promisc;
	co.count = (uint64_t)opt.count;
	co.duration = opt.duration;
	co.speed = opt.batch ? 0 : opt.speed;
	co.interrupted = stop_signal_pending;
	/* The interface fills a new or changed panel with the past: a file
	 * is read again, a live capture or a pipe keeps a history. */
	co.refill = !opt.batch;
	if (!opt.batch)
		co.history_bytes = (size_t)(opt.history_mib != HISTORY_UNSET ?
		    opt.history_mib : HISTORY_DEFAULT_MIB) * 1024 * 1024;

	/* Before any thread exists, so that every thread inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);	/* the capture thread is done */
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	if (opt.daemon) {	/* Nothing refills a panel */
		co.refill = false;
		co.history_bytes = 0;
	}
	metrics_setup();
	if ((cap = capture_open(&co, &err, &bad_filter)) == NULL) {
		fprintf(stderr, "taptop: %s\n", err);
		json_open_failure(err);
		g_free(err);
		/* A bad -f is a usage error, like a bad display filter. */
		return (bad_filter ? EXIT_USAGE : EXIT_FAILURE);
	}
	drop_privileges();
	rules_after_drop();
	names_start_resolver();
	metrics_run(cap);
	if (opt.daemon)
		rc = run_daemon(cap, &sigs);
	else if (opt.batch) {
		guard_stdout(&sigs);
		rc = run_batch(cap, panels, &sigs);
	} else {
		struct tui_opts to = {
			.delay = opt.delay,
			.max_rows = (size_t)opt.max_rows,
			.dfilter = opt.dfilter,
			.names = opt.names,
			.port_names = opt.port_names,
		};

		rc = tui_run(cap, panels, &sigs, &to);
	}
	metrics_stop(metrics);
	capture_close(cap);
	rules_stop();
	names_teardown();
	spawn_helper_stop(spawner);
	for (i = 0; i < panels->len; i++)
		panel_close(g_ptr_array_index(panels, i));
	g_ptr_array_free(panels, TRUE);
	return (rc);
}
