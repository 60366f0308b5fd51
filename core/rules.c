/*
 * Rules (rules.h): the listeners, the queue, the workers.
 *
 * Who touches what: the capture thread runs rule_packet() (under the
 * listener's lock), which alone reads and refills a rule's token bucket
 * and writes its pcapng file; it takes the queue's mutex only to append
 * a record.  Workers take records under the same mutex and run commands
 * with it released.  Counters are atomics, read by the panel at any time.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "dissect.h"
#include "field.h"
#include "pcapng_writer.h"
#include "rules.h"
#include "spawn.h"
#include "tap.h"

#define CHILD_PATH	"PATH=/usr/local/bin:/usr/bin:/bin"
#define CHILD_HOME	"HOME=/"

struct rule {
	int		 index;
	enum rule_action action;
	char		*filter;
	char		*target;	/* as given */
	char		**argv;		/* exec: argv[0] an absolute path */
	struct pcapng_writer *writer;
	bool		 registered;
	struct rules_bucket bucket;	/* the capture thread's */
	_Atomic uint64_t matches, runs, suppressed, failures, timeouts;
	_Atomic uint64_t unreported;	/* suppressed since the last run */
};

static struct rule *rules[RULES_MAX];
static int nrules;
static struct rule *open_on;		/* an --on waiting for its action */

static double rate_n = 1, rate_s = 10;
static int exec_max = 4;
static unsigned timeout_ms = 30000;
static uint64_t write_size;		/* bytes, 0: no cap */
static unsigned write_files = 10;

/* The queue and the workers. */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct rule_fact *queue;		/* RULES_QUEUE_MAX records */
static unsigned qhead, qlen, running;
static bool stopping;
static struct spawn_helper *helpers[RULES_EXEC_MAX_MAX];
static pthread_t workers[RULES_EXEC_MAX_MAX];
static int nhelpers, nworkers;

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* ---- options ---- */

char *
rules_add_on(const char *filter)
{
	struct rule *r;

	if (open_on != NULL)
		return (g_strdup_printf("--on '%s' has no --exec or --write "
		    "before the next --on", open_on->filter));
	if (nrules == RULES_MAX)
		return (g_strdup_printf("at most %d rules (--on)", RULES_MAX));
	r = g_new0(struct rule, 1);
	r->index = nrules + 1;
	r->filter = g_strdup(filter);
	rules[nrules++] = r;
	open_on = r;
	return (NULL);
}

char **
rules_split_argv(const char *cmdline, char **err)
{
	GError *gerr = NULL;
	char **argv = NULL;
	int argc;

	if (!g_shell_parse_argv(cmdline, &argc, &argv, &gerr)) {
		*err = g_strdup_printf("--exec '%s': %s", cmdline,
		    gerr->message);
		g_error_free(gerr);
		return (NULL);
	}
	return (argv);
}

/* argv[0] as an absolute path to an executable regular file. */
static char *
resolve_program(char **argv)
{
	struct stat st;
	char *path;

	if (strchr(argv[0], '/') != NULL)
		path = g_canonicalize_filename(argv[0], NULL);
	else if ((path = g_find_program_in_path(argv[0])) == NULL)
		return (g_strdup_printf("--exec: %s: not found in PATH",
		    argv[0]));
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(path, X_OK) != 0) {
		char *e = g_strdup_printf("--exec: %s: %s", argv[0],
		    stat(path, &st) != 0 ? g_strerror(errno) :
		    "not an executable file");

		g_free(path);
		return (e);
	}
	g_free(argv[0]);
	argv[0] = path;
	return (NULL);
}

char *
rules_add_exec(const char *cmdline)
{
	char *err = NULL;
	char **argv;

	if (open_on == NULL)
		return (g_strdup("--exec needs an --on FILTER before it"));
	if ((argv = rules_split_argv(cmdline, &err)) == NULL)
		return (err);
	if ((err = resolve_program(argv)) != NULL) {
		g_strfreev(argv);
		return (err);
	}
	open_on->action = RULE_EXEC;
	open_on->target = g_strdup(cmdline);
	open_on->argv = argv;
	open_on = NULL;
	return (NULL);
}

char *
rules_add_write(const char *path)
{
	if (open_on == NULL)
		return (g_strdup("--write needs an --on FILTER before it"));
	if (*path == '\0')
		return (g_strdup("--write: an empty file name"));
	open_on->action = RULE_WRITE;
	open_on->target = g_strdup(path);
	open_on = NULL;
	return (NULL);
}

char *
rules_parse_rate(const char *spec, double *n, double *seconds)
{
	char *end = NULL;
	double a, b;

	a = g_ascii_strtod(spec, &end);
	if (end == spec || *end != '/')
		goto bad;
	spec = end + 1;
	b = g_ascii_strtod(spec, &end);
	if (end == spec || *end != '\0')
		goto bad;
	if (!(a >= 1 && a <= 1e6) || !(b >= 0.001 && b <= 86400))
		return (g_strdup("--exec-rate: N must be 1 to 1000000 and S "
		    "0.001 to 86400 seconds"));
	*n = a;
	*seconds = b;
	return (NULL);
bad:
	return (g_strdup("--exec-rate wants N/S: N commands per S seconds "
	    "(e.g. 1/10)"));
}

char *
rules_set_exec_rate(const char *spec)
{
	return (rules_parse_rate(spec, &rate_n, &rate_s));
}

char *
rules_set_exec_max(int64_t k)
{
	if (k < 1 || k > RULES_EXEC_MAX_MAX)
		return (g_strdup_printf("--exec-max must be 1 to %d",
		    RULES_EXEC_MAX_MAX));
	exec_max = (int)k;
	return (NULL);
}

char *
rules_set_exec_timeout(double seconds)
{
	if (!(seconds >= 0.01 && seconds <= SPAWN_MAX_TIMEOUT_MS / 1000))
		return (g_strdup_printf("--exec-timeout must be 0.01 to %d "
		    "seconds", SPAWN_MAX_TIMEOUT_MS / 1000));
	timeout_ms = (unsigned)(seconds * 1000);
	return (NULL);
}

char *
rules_set_write_size(int64_t mib)
{
	if (mib < 0 || mib > 1024 * 1024)
		return (g_strdup("--write-size must be 0 to 1048576 MB"));
	write_size = (uint64_t)mib * 1000 * 1000;	/* tcpdump's -C unit */
	return (NULL);
}

char *
rules_set_write_files(int64_t n)
{
	if (n < 1 || n > 100000)
		return (g_strdup("--write-files must be 1 to 100000"));
	write_files = (unsigned)n;
	return (NULL);
}

/* ---- the token bucket ---- */

void
rules_bucket_init(struct rules_bucket *b, double n, double seconds)
{
	memset(b, 0, sizeof(*b));
	b->n = n;
	b->span_ns = (int64_t)(seconds * 1e9);
	b->tokens = n;
}

bool
rules_bucket_take(struct rules_bucket *b, int64_t now_ns)
{
	if (b->started && now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->n /
		    (double)b->span_ns;
		if (b->tokens > b->n)
			b->tokens = b->n;
	}
	if (!b->started || now_ns > b->last_ns)
		b->last_ns = now_ns;
	b->started = true;
	if (b->tokens < 1)
		return (false);
	b->tokens -= 1;
	return (true);
}

/* ---- the packet path ---- */

/* The layers' names, colon-separated, cut at a whole name that fits. */
static void
fill_protocols(char *out, const struct dissect *edt)
{
	const struct field_info *f;
	size_t o = 0, k;
	int i;

	out[0] = '\0';
	for (i = 0; i < edt->nlayers; i++) {
		if ((f = field_get(edt->layers[i].proto)) == NULL ||
		    strcmp(f->name, "frame") == 0)
			continue;
		k = strlen(f->name);
		if (o + (o > 0) + k + 1 > RULES_PROTOS_MAX)
			break;
		if (o > 0)
			out[o++] = ':';
		memcpy(out + o, f->name, k);
		o += k;
		out[o] = '\0';
	}
}

static void
suppress(struct rule *r)
{
	atomic_fetch_add(&r->suppressed, 1);
	atomic_fetch_add(&r->unreported, 1);
}

static void
enqueue(struct rule *r, const struct packet_info *pinfo,
    const struct dissect *edt)
{
	struct rule_fact *f;

	pthread_mutex_lock(&qlock);
	if (stopping || queue == NULL || qlen == RULES_QUEUE_MAX) {
		pthread_mutex_unlock(&qlock);
		suppress(r);
		return;
	}
	f = &queue[(qhead + qlen) % RULES_QUEUE_MAX];
	f->rule = r->index - 1;
	f->ts_sec = pinfo->ts_sec;
	f->ts_nsec = pinfo->ts_nsec;
	f->len = pinfo->len;
	if (pinfo->net_src.type != AT_NONE) {
		f->src = pinfo->net_src;
		f->dst = pinfo->net_dst;
	} else {
		f->src = pinfo->dl_src;
		f->dst = pinfo->dl_dst;
	}
	f->sport = pinfo->srcport;
	f->dport = pinfo->destport;
	f->ports = pinfo->srcport != 0 || pinfo->destport != 0;
	fill_protocols(f->protocols, edt);
	f->suppressed = atomic_exchange(&r->unreported, 0);
	qlen++;
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qlock);
}

static tap_packet_status
rule_packet(void *tapdata, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct rule *r = tapdata;

	(void)data;
	/* A refill feeds past packets again: they were acted on. */
	if (edt->quiet)
		return (TAP_PACKET_DONT_REDRAW);
	atomic_fetch_add(&r->matches, 1);
	if (r->action == RULE_WRITE) {
		if (r->writer != NULL)
			(void)pcapng_writer_packet(r->writer,
			    pinfo->linktype, pinfo->ts_sec, pinfo->ts_nsec,
			    edt->data, pinfo->caplen, pinfo->len);
		return (TAP_PACKET_DONT_REDRAW);
	}
	if (!rules_bucket_take(&r->bucket, mono_ns()))
		suppress(r);
	else
		enqueue(r, pinfo, edt);
	return (TAP_PACKET_DONT_REDRAW);
}

char *
rules_setup(void)
{
	char *err;
	int i;

	if (open_on != NULL)
		return (g_strdup_printf("--on '%s' needs an --exec COMMAND or "
		    "a --write FILE after it", open_on->filter));
	for (i = 0; i < nrules; i++) {
		rules_bucket_init(&rules[i]->bucket, rate_n, rate_s);
		err = register_tap_listener("frame", rules[i],
		    rules[i]->filter, TL_IGNORE_GLOBAL_FILTER, NULL,
		    rule_packet, NULL, NULL);
		if (err != NULL) {
			char *e = g_strdup_printf("--on: bad display filter "
			    "'%s': %s", rules[i]->filter, err);

			g_free(err);
			return (e);
		}
		rules[i]->registered = true;
	}
	return (NULL);
}

int
rules_count(void)
{
	return (nrules);
}

bool
rules_need_spawn(void)
{
	int i;

	for (i = 0; i < nrules; i++)
		if (rules[i]->action == RULE_EXEC)
			return (true);
	return (false);
}

/* ---- the workers ---- */

static void
fmt_addr(GPtrArray *env, const char *name, const struct address *a)
{
	char s[ADDR_STRLEN];

	if (a->type == AT_NONE)
		g_ptr_array_add(env, g_strdup_printf("%s=", name));
	else
		g_ptr_array_add(env, g_strdup_printf("%s=%s", name,
		    address_to_str(a, s)));
}

char **
rules_env(const struct rule_fact *f, const char *filter)
{
	GPtrArray *env = g_ptr_array_new();
	char protos[RULES_PROTOS_MAX];

	g_ptr_array_add(env, g_strdup(CHILD_PATH));
	g_ptr_array_add(env, g_strdup(CHILD_HOME));
	g_ptr_array_add(env, g_strdup_printf("TAPTOP_TIME=%" G_GINT64_FORMAT
	    ".%09u", f->ts_sec, (unsigned)f->ts_nsec));
	fmt_addr(env, "TAPTOP_SRC", &f->src);
	fmt_addr(env, "TAPTOP_DST", &f->dst);
	if (f->ports) {
		g_ptr_array_add(env, g_strdup_printf("TAPTOP_SPORT=%u",
		    (unsigned)f->sport));
		g_ptr_array_add(env, g_strdup_printf("TAPTOP_DPORT=%u",
		    (unsigned)f->dport));
	} else {
		g_ptr_array_add(env, g_strdup("TAPTOP_SPORT="));
		g_ptr_array_add(env, g_strdup("TAPTOP_DPORT="));
	}
	/* The record's string, NUL-terminated within its size whatever
	 * wrote it. */
	memcpy(protos, f->protocols, sizeof(protos));
	protos[sizeof(protos) - 1] = '\0';
	g_ptr_array_add(env, g_strdup_printf("TAPTOP_PROTOCOLS=%s", protos));
	g_ptr_array_add(env, g_strdup_printf("TAPTOP_FILTER=%s", filter));
	g_ptr_array_add(env, g_strdup_printf("TAPTOP_LEN=%u",
	    (unsigned)f->len));
	g_ptr_array_add(env, g_strdup_printf("TAPTOP_SUPPRESSED=%" G_GUINT64_FORMAT,
	    f->suppressed));
	g_ptr_array_add(env, NULL);
	return ((char **)g_ptr_array_free(env, FALSE));
}

static void
run_one(struct spawn_helper *h, const struct rule_fact *f)
{
	struct rule *r = rules[f->rule];
	struct spawn_result res;
	char **env = rules_env(f, r->filter);
	char *err = NULL;

	atomic_fetch_add(&r->runs, 1);
	if (!spawn_run(h, (const char *const *)r->argv,
	    (const char *const *)env, timeout_ms, &res, &err)) {
		atomic_fetch_add(&r->failures, 1);
		g_free(err);
	} else if (res.status == SPAWN_TIMEOUT)
		atomic_fetch_add(&r->timeouts, 1);
	else if (res.status != SPAWN_EXITED || res.code != 0)
		atomic_fetch_add(&r->failures, 1);
	g_strfreev(env);
}

static void *
worker_main(void *arg)
{
	struct spawn_helper *h = arg;
	struct rule_fact f;

	pthread_mutex_lock(&qlock);
	for (;;) {
		while (qlen == 0 && !stopping)
			pthread_cond_wait(&qcond, &qlock);
		if (qlen == 0 || stopping)
			break;
		f = queue[qhead];
		qhead = (qhead + 1) % RULES_QUEUE_MAX;
		qlen--;
		running++;
		pthread_mutex_unlock(&qlock);
		run_one(h, &f);
		pthread_mutex_lock(&qlock);
		running--;
	}
	pthread_mutex_unlock(&qlock);
	return (NULL);
}

char *
rules_start_helpers(const struct privdrop_id *id)
{
	char *err = NULL;

	if (!rules_need_spawn())
		return (NULL);
	for (nhelpers = 0; nhelpers < exec_max; nhelpers++)
		if ((helpers[nhelpers] = spawn_helper_start(id, &err)) ==
		    NULL)
			return (err);
	return (NULL);
}

char *
rules_start(void)
{
	char *err = NULL;
	int i;

	for (i = 0; i < nrules; i++) {
		if (rules[i]->action != RULE_WRITE)
			continue;
		rules[i]->writer = pcapng_writer_open(rules[i]->target,
		    write_size, write_files, &err);
		if (rules[i]->writer == NULL) {
			char *e = g_strdup_printf("--write: %s", err);

			g_free(err);
			return (e);
		}
	}
	if (nhelpers == 0)
		return (NULL);
	queue = g_new0(struct rule_fact, RULES_QUEUE_MAX);
	for (nworkers = 0; nworkers < nhelpers; nworkers++)
		if (pthread_create(&workers[nworkers], NULL, worker_main,
		    helpers[nworkers]) != 0)
			return (g_strdup("cannot start the rules' threads"));
	return (NULL);
}

bool
rules_idle(void)
{
	bool idle;

	pthread_mutex_lock(&qlock);
	idle = qlen == 0 && running == 0;
	pthread_mutex_unlock(&qlock);
	return (idle);
}

void
rules_stop(void)
{
	int i;

	for (i = 0; i < nrules; i++)
		if (rules[i]->registered) {
			remove_tap_listener(rules[i]);
			rules[i]->registered = false;
		}
	pthread_mutex_lock(&qlock);
	stopping = true;
	pthread_cond_broadcast(&qcond);
	pthread_mutex_unlock(&qlock);
	/* A command still running dies with its helper (spawn.h). */
	for (i = 0; i < nhelpers; i++)
		spawn_helper_kill(helpers[i]);
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	for (i = 0; i < nhelpers; i++)
		spawn_helper_stop(helpers[i]);
	nworkers = nhelpers = 0;
	for (i = 0; i < nrules; i++) {
		pcapng_writer_close(rules[i]->writer);
		rules[i]->writer = NULL;
	}
}

int
rules_stats(struct rule_stats *out, int max)
{
	struct rule *r;
	int i;

	for (i = 0; i < nrules && i < max; i++) {
		r = rules[i];
		memset(&out[i], 0, sizeof(out[i]));
		out[i].index = r->index;
		out[i].action = r->action;
		out[i].filter = r->filter;
		out[i].target = r->target;
		out[i].matches = atomic_load(&r->matches);
		out[i].runs = atomic_load(&r->runs);
		out[i].suppressed = atomic_load(&r->suppressed);
		out[i].failures = atomic_load(&r->failures) +
		    pcapng_writer_errors(r->writer);
		out[i].timeouts = atomic_load(&r->timeouts);
		out[i].written = pcapng_writer_packets(r->writer);
		out[i].bytes = pcapng_writer_bytes(r->writer);
	}
	return (nrules);
}
