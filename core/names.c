/*
 * The name table, /etc/hosts and /etc/services, the "names" tap's
 * listener and the reverse resolver; the contract is in names.h.
 *
 * Entries hold their names inline and live in chunks that are never
 * freed before the table, so an entry's address is a stable hash key and
 * a new name for a known address is a copy, not an allocation.  Entries
 * are never removed: a full table refuses new addresses, which keeps the
 * names shown stable rather than churning them under a scan.
 *
 * Locks are pthreads ones, as in tap.c: ThreadSanitizer sees them.  The
 * resolver's lock is taken before the table's when both are (a found
 * name is added under the resolver's lock), never the other way round.
 *
 * The resolver cannot cancel a getnameinfo() that hangs (the system's
 * resolver has its own timeouts, up to half a minute).  So each lookup
 * runs on a thread of its own, which the dispatcher waits for until the
 * lookup's deadline and then gives up: the thread finishes when the
 * system returns, drops its answer and frees its job.  Such threads are
 * bounded (no new lookup starts while as many are given up as may run),
 * and the resolver's memory goes with the last of them, so freeing the
 * resolver never waits for one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <glib.h>

#include "clock.h"
#include "names.h"
#include "tap.h"

#define NAMES_CHUNK	256		/* entries allocated at a time */
#define LINE_MAX_BYTES	4096		/* longer lines of a file: skipped */
#define FILE_LINES_MAX	1000000		/* lines read of a file */

struct name_entry {
	struct address	 addr;		/* the key; bytes past len zero */
	uint8_t		 source;
	char		 name[NAMES_NAME_MAX + 1];
};

struct alias_entry {
	uint8_t		 source;
	char		 alias[NAMES_NAME_MAX + 1];
	char		 target[NAMES_NAME_MAX + 1];	/* the key */
};

struct names {
	pthread_mutex_t	 lock;
	GHashTable	*by_addr;	/* an entry's addr -> the entry */
	GHashTable	*by_target;	/* an alias's target -> the alias */
	GPtrArray	*chunks;	/* struct name_entry[NAMES_CHUNK] */
	GPtrArray	*achunks;	/* struct alias_entry[NAMES_CHUNK] */
	size_t		 n, max;
	size_t		 na, amax;
	struct names_stats st;
};

static const char *const source_names[NAMES_SRC_N] = {
	[NAMES_SRC_RESOLVER] = "resolver",
	[NAMES_SRC_HTTP] = "http",
	[NAMES_SRC_SNI] = "sni",
	[NAMES_SRC_DHCP] = "dhcp",
	[NAMES_SRC_MDNS] = "mdns",
	[NAMES_SRC_DNS] = "dns",
	[NAMES_SRC_HOSTS] = "hosts",
};

const char *
names_source_name(enum names_source s)
{
	return ((unsigned)s < NAMES_SRC_N ? source_names[s] : "?");
}

/* ---- keys ---- */

static guint
addr_hash(gconstpointer p)
{
	const struct address *a = p;
	guint h = 2166136261u ^ a->type;
	int i;

	for (i = 0; i < a->len && i < (int)sizeof(a->data); i++)
		h = (h ^ a->data[i]) * 16777619u;
	return (h);
}

static gboolean
addr_equal(gconstpointer pa, gconstpointer pb)
{
	const struct address *a = pa, *b = pb;

	return (a->type == b->type && a->len == b->len &&
	    memcmp(a->data, b->data, a->len) == 0);
}

/* DNS names compare without regard to ASCII case (RFC 4343). */
static guint
ci_hash(gconstpointer p)
{
	const unsigned char *s = p;
	guint h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (guint)g_ascii_tolower(*s)) * 16777619u;
	return (h);
}

static gboolean
ci_equal(gconstpointer a, gconstpointer b)
{
	return (g_ascii_strcasecmp(a, b) == 0);
}

/* The address as a key: a known type of the right length, zero past it. */
static bool
addr_key(const struct address *a, struct address *key)
{
	int want;

	switch (a->type) {
	case AT_ETHER:
		want = 6;
		break;
	case AT_IPv4:
		want = 4;
		break;
	case AT_IPv6:
		want = 16;
		break;
	default:
		return (false);
	}
	if (a->len != want)
		return (false);
	address_set(key, (enum addr_type)a->type, a->data, want);
	return (true);
}

/* A name the table takes: 1 to NAMES_NAME_MAX bytes, no NUL. */
static enum names_result
name_check(const char *s, size_t len, bool *too_long)
{
	*too_long = false;
	if (s == NULL || len == 0 || memchr(s, '\0', len) != NULL)
		return (NAMES_REFUSED);
	if (len > NAMES_NAME_MAX) {
		*too_long = true;
		return (NAMES_REFUSED);
	}
	return (NAMES_ADDED);
}

/* ---- the table ---- */

struct names *
names_new(size_t max_entries, size_t max_aliases)
{
	struct names *n = g_new0(struct names, 1);

	pthread_mutex_init(&n->lock, NULL);
	n->by_addr = g_hash_table_new(addr_hash, addr_equal);
	n->by_target = g_hash_table_new(ci_hash, ci_equal);
	n->chunks = g_ptr_array_new_with_free_func(g_free);
	n->achunks = g_ptr_array_new_with_free_func(g_free);
	n->max = max_entries;
	n->amax = max_aliases;
	return (n);
}

void
names_free(struct names *n)
{
	if (n == NULL)
		return;
	g_hash_table_destroy(n->by_addr);
	g_hash_table_destroy(n->by_target);
	g_ptr_array_free(n->chunks, TRUE);
	g_ptr_array_free(n->achunks, TRUE);
	pthread_mutex_destroy(&n->lock);
	g_free(n);
}

/* The i-th slot of chunked storage of elements of size sz, its chunk
 * allocated when first reached. */
static void *
slot(GPtrArray *chunks, size_t i, size_t sz)
{
	if (i / NAMES_CHUNK >= chunks->len)
		g_ptr_array_add(chunks, g_malloc0(sz * NAMES_CHUNK));
	return ((char *)g_ptr_array_index(chunks, i / NAMES_CHUNK) +
	    sz * (i % NAMES_CHUNK));
}

/* Does a name from source s replace one from old?  A better source
 * does; within one source the newest, except in the hosts file. */
static bool
outranks(enum names_source s, enum names_source old)
{
	if (s != old)
		return (s > old);
	return (s != NAMES_SRC_HOSTS);
}

/* Follows name back through the aliases to the name asked for; the
 * caller holds the lock.  Returns a string owned by the table or name. */
static const char *
chain_head(struct names *n, const char *name)
{
	const struct alias_entry *a;
	int i;

	for (i = 0; i < NAMES_CHAIN_MAX; i++) {
		if ((a = g_hash_table_lookup(n->by_target, name)) == NULL)
			break;
		name = a->alias;
	}
	return (name);
}

enum names_result
names_add(struct names *n, const struct address *addr, const char *name,
    size_t len, enum names_source src)
{
	char buf[NAMES_NAME_MAX + 1];
	struct address key;
	struct name_entry *e;
	enum names_result r;
	const char *head;
	bool too_long = false;

	if ((unsigned)src >= NAMES_SRC_N || !addr_key(addr, &key) ||
	    name_check(name, len, &too_long) == NAMES_REFUSED) {
		pthread_mutex_lock(&n->lock);
		if (too_long)
			n->st.refused_long++;
		else
			n->st.refused_bad++;
		pthread_mutex_unlock(&n->lock);
		return (NAMES_REFUSED);
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	pthread_mutex_lock(&n->lock);
	head = chain_head(n, buf);
	if ((e = g_hash_table_lookup(n->by_addr, &key)) != NULL) {
		if (g_ascii_strcasecmp(e->name, head) == 0) {
			if (src > e->source)
				e->source = (uint8_t)src;
			r = NAMES_SAME;
		} else if (!outranks(src, (enum names_source)e->source)) {
			n->st.kept++;
			r = NAMES_KEPT;
		} else {
			g_strlcpy(e->name, head, sizeof(e->name));
			e->source = (uint8_t)src;
			n->st.replaced++;
			r = NAMES_REPLACED;
		}
	} else if (n->n >= n->max) {
		n->st.refused_full++;
		r = NAMES_REFUSED;
	} else {
		e = slot(n->chunks, n->n++, sizeof(*e));
		e->addr = key;
		e->source = (uint8_t)src;
		g_strlcpy(e->name, head, sizeof(e->name));
		g_hash_table_insert(n->by_addr, &e->addr, e);
		n->st.entries = n->n;
		r = NAMES_ADDED;
	}
	pthread_mutex_unlock(&n->lock);
	return (r);
}

enum names_result
names_add_alias(struct names *n, const char *alias, size_t alias_len,
    const char *target, size_t target_len, enum names_source src)
{
	char al[NAMES_NAME_MAX + 1], tg[NAMES_NAME_MAX + 1];
	struct alias_entry *a;
	enum names_result r;
	bool too_long = false;

	if ((unsigned)src >= NAMES_SRC_N ||
	    name_check(alias, alias_len, &too_long) == NAMES_REFUSED ||
	    name_check(target, target_len, &too_long) == NAMES_REFUSED) {
		pthread_mutex_lock(&n->lock);
		n->st.aliases_refused++;
		pthread_mutex_unlock(&n->lock);
		return (NAMES_REFUSED);
	}
	memcpy(al, alias, alias_len);
	al[alias_len] = '\0';
	memcpy(tg, target, target_len);
	tg[target_len] = '\0';
	pthread_mutex_lock(&n->lock);
	if (g_ascii_strcasecmp(al, tg) == 0) {
		/* A name that is its own alias says nothing. */
		n->st.aliases_refused++;
		r = NAMES_REFUSED;
	} else if ((a = g_hash_table_lookup(n->by_target, tg)) != NULL) {
		if (g_ascii_strcasecmp(a->alias, al) == 0)
			r = NAMES_SAME;
		else if (!outranks(src, (enum names_source)a->source))
			r = NAMES_KEPT;
		else {
			g_strlcpy(a->alias, al, sizeof(a->alias));
			a->source = (uint8_t)src;
			r = NAMES_REPLACED;
		}
	} else if (n->na >= n->amax) {
		n->st.aliases_refused++;
		r = NAMES_REFUSED;
	} else {
		a = slot(n->achunks, n->na++, sizeof(*a));
		a->source = (uint8_t)src;
		g_strlcpy(a->alias, al, sizeof(a->alias));
		g_strlcpy(a->target, tg, sizeof(a->target));
		g_hash_table_insert(n->by_target, a->target, a);
		n->st.aliases = n->na;
		r = NAMES_ADDED;
	}
	pthread_mutex_unlock(&n->lock);
	return (r);
}

bool
names_lookup(struct names *n, const struct address *addr,
    char out[NAMES_NAME_MAX + 1], enum names_source *src)
{
	const struct name_entry *e;
	struct address key;
	bool found = false;

	out[0] = '\0';
	if (n == NULL || !addr_key(addr, &key))
		return (false);
	pthread_mutex_lock(&n->lock);
	if ((e = g_hash_table_lookup(n->by_addr, &key)) != NULL) {
		memcpy(out, e->name, sizeof(e->name));
		if (src != NULL)
			*src = (enum names_source)e->source;
		found = true;
	}
	pthread_mutex_unlock(&n->lock);
	return (found);
}

void
names_stats(struct names *n, struct names_stats *st)
{
	pthread_mutex_lock(&n->lock);
	*st = n->st;
	pthread_mutex_unlock(&n->lock);
}

/* ---- files ---- */

/*
 * Calls fn on each line of a text file, without its comment (from "#")
 * and end of line; lines longer than LINE_MAX_BYTES are skipped, and
 * reading stops after FILE_LINES_MAX.  false with *err when the file
 * cannot be opened.
 */
static bool
each_line(const char *path, void (*fn)(char *line, void *arg), void *arg,
    char **err)
{
	char *line = NULL, *hash;
	size_t cap = 0, lines = 0;
	ssize_t len;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		if (err != NULL)
			*err = g_strdup_printf("%s: %s", path,
			    g_strerror(errno));
		return (false);
	}
	while (lines++ < FILE_LINES_MAX &&
	    (len = getline(&line, &cap, fp)) >= 0) {
		if (len > LINE_MAX_BYTES)
			continue;
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		fn(line, arg);
	}
	free(line);
	fclose(fp);
	return (true);
}

/* The first two fields of a line, split on blanks; false if fewer. */
static bool
two_fields(char *line, char **first, char **second)
{
	char *save = NULL;

	*first = strtok_r(line, " \t\r\n", &save);
	*second = *first != NULL ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	return (*second != NULL);
}

struct hosts_load {
	struct names	*n;
	int		 added;
};

static void
hosts_line(char *line, void *arg)
{
	struct hosts_load *hl = arg;
	struct address a;
	uint8_t buf[16];
	char *addr, *name, *pct;

	if (!two_fields(line, &addr, &name))
		return;
	/* A zone (fe80::1%eth0) is not part of the address. */
	if ((pct = strchr(addr, '%')) != NULL)
		*pct = '\0';
	if (inet_pton(AF_INET, addr, buf) == 1)
		address_set(&a, AT_IPv4, buf, 4);
	else if (inet_pton(AF_INET6, addr, buf) == 1)
		address_set(&a, AT_IPv6, buf, 16);
	else
		return;
	if (names_add(hl->n, &a, name, strlen(name), NAMES_SRC_HOSTS) ==
	    NAMES_ADDED)
		hl->added++;
}

int
names_load_hosts(struct names *n, const char *path, char **err)
{
	struct hosts_load hl = { n, 0 };

	if (!each_line(path, hosts_line, &hl, err))
		return (-1);
	return (hl.added);
}

const char *
names_hosts_path(void)
{
	const char *p = getenv("TAPTOP_HOSTS");

	return (p != NULL && p[0] != '\0' ? p : "/etc/hosts");
}

/* ---- services ---- */

static GHashTable *services;	/* port | transport << 16 -> name */

static int
transport_code(const char *t)
{
	if (t == NULL)
		return (0);
	if (strcmp(t, "tcp") == 0)
		return (1);
	if (strcmp(t, "udp") == 0)
		return (2);
	return (0);
}

static void
services_line(char *line, void *arg)
{
	char *name, *spec, *slash, *end;
	unsigned long port;
	gpointer key;
	int tc;

	(void)arg;
	if (!two_fields(line, &name, &spec) ||
	    (slash = strchr(spec, '/')) == NULL)
		return;
	*slash = '\0';
	port = strtoul(spec, &end, 10);
	if (*end != '\0' || end == spec || port > 65535 ||
	    (tc = transport_code(slash + 1)) == 0 ||
	    strlen(name) > NAMES_NAME_MAX)
		return;
	key = GUINT_TO_POINTER((guint)port | (guint)tc << 16);
	/* The first line for a port names it, as getservbyport has it. */
	if (!g_hash_table_contains(services, key))
		g_hash_table_insert(services, key, g_strdup(name));
}

static gpointer
services_load(gpointer arg)
{
	const char *p = getenv("TAPTOP_SERVICES");

	(void)arg;
	services = g_hash_table_new(g_direct_hash, g_direct_equal);
	(void)each_line(p != NULL && p[0] != '\0' ? p : "/etc/services",
	    services_line, NULL, NULL);
	return (NULL);
}

const char *
names_service(unsigned port, const char *transport)
{
	static GOnce once = G_ONCE_INIT;
	int tc = transport_code(transport);

	g_once(&once, services_load, NULL);
	if (tc == 0 || port > 65535)
		return (NULL);
	return (g_hash_table_lookup(services,
	    GUINT_TO_POINTER(port | (guint)tc << 16)));
}

/* ---- the process's table and the tap ---- */

static gpointer
global_new(gpointer arg)
{
	(void)arg;
	return (names_new(NAMES_ENTRIES_DEFAULT, NAMES_ALIASES_DEFAULT));
}

struct names *
names_global(void)
{
	static GOnce once = G_ONCE_INIT;

	return (g_once(&once, global_new, NULL));
}

int
names_tap_id(void)
{
	static gsize id;

	if (g_once_init_enter(&id))
		g_once_init_leave(&id, (gsize)register_tap(NAMES_TAP));
	return ((int)id);
}

static tap_packet_status
names_packet(void *tapdata, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	const struct names_tap *r = data;

	(void)pinfo;
	(void)edt;
	if (r == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	if (r->kind == NAMES_REC_ADDR)
		(void)names_add(tapdata, &r->addr, r->name, r->name_len,
		    (enum names_source)r->source);
	else if (r->kind == NAMES_REC_ALIAS)
		(void)names_add_alias(tapdata, r->name, r->name_len,
		    r->target, r->target_len, (enum names_source)r->source);
	/* Nothing to draw: the panels read the table when they draw. */
	return (TAP_PACKET_DONT_REDRAW);
}

char *
names_listen(struct names *n)
{
	(void)names_tap_id();
	return (register_tap_listener(NAMES_TAP, n, "",
	    TL_IGNORE_GLOBAL_FILTER, NULL, names_packet, NULL, NULL));
}

void
names_unlisten(struct names *n)
{
	remove_tap_listener(n);
}

/* ---- the resolver ---- */

struct job {
	struct job		*next;		/* in flight */
	struct names_resolver	*r;
	struct address		 addr;
	int64_t			 deadline;	/* mono_ms */
	int			 rc;
	bool			 done;		/* under r->lock */
	bool			 abandoned;	/* under r->lock */
	char			 name[NI_MAXHOST];
};

struct names_resolver {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* work, a job done, stop */
	struct names		*names;
	struct names_resolver_opts o;
	pthread_t		 dispatcher;

	/* Under lock. */
	struct address		*queue;		/* a ring of queue_max */
	unsigned		 qhead, qlen;
	GHashTable		*asked;		/* every address queued */
	struct job		*inflight;
	unsigned		 ninflight;
	unsigned		 nabandoned;	/* given up, still running */
	unsigned		 threads;	/* lookup threads alive */
	bool			 stop;
	bool			 owner_gone;	/* freed: the last thread frees */
	struct names_resolver_stats st;
};

static _Atomic(struct names_resolver *) global_resolver;

static int
sys_lookup(const struct address *a, char *out, size_t outlen)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (a->type == AT_IPv4) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, a->data, 4);
		return (getnameinfo((struct sockaddr *)&sin, sizeof(sin), out,
		    (socklen_t)outlen, NULL, 0, NI_NAMEREQD));
	}
	if (a->type == AT_IPv6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, a->data, 16);
		return (getnameinfo((struct sockaddr *)&sin6, sizeof(sin6),
		    out, (socklen_t)outlen, NULL, 0, NI_NAMEREQD));
	}
	return (EAI_FAMILY);
}

static void
resolver_destroy(struct names_resolver *r)
{
	g_hash_table_destroy(r->asked);
	g_free(r->queue);
	pthread_cond_destroy(&r->cond);
	pthread_mutex_destroy(&r->lock);
	g_free(r);
}

/* A lookup's own thread: it touches its job and r only under r->lock,
 * and frees what nobody else will. */
static void *
lookup_thread(void *arg)
{
	struct job *j = arg;
	struct names_resolver *r = j->r;
	bool last;
	int rc;

	rc = r->o.lookup(&j->addr, j->name, sizeof(j->name));
	pthread_mutex_lock(&r->lock);
	j->rc = rc;
	j->done = true;
	if (j->abandoned) {
		r->nabandoned--;
		g_free(j);
	}
	r->threads--;
	last = r->owner_gone && r->threads == 0;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (last)
		resolver_destroy(r);
	return (NULL);
}

/* Under r->lock: the jobs done are counted and their names added, the
 * ones past their deadline given up. */
static void
jobs_settle(struct names_resolver *r, int64_t now)
{
	struct job **jp, *j;

	for (jp = &r->inflight; (j = *jp) != NULL;) {
		if (j->done) {
			if (j->rc == 0 && names_add(r->names, &j->addr,
			    j->name, strnlen(j->name, sizeof(j->name)),
			    NAMES_SRC_RESOLVER) != NAMES_REFUSED)
				r->st.found++;
			else
				r->st.failed++;
			*jp = j->next;
			r->ninflight--;
			g_free(j);
		} else if (now >= j->deadline) {
			j->abandoned = true;
			*jp = j->next;
			r->ninflight--;
			r->nabandoned++;
			r->st.timed_out++;
		} else
			jp = &j->next;
	}
}

/* Under r->lock: starts lookups from the queue while there is room. */
static void
jobs_start(struct names_resolver *r, int64_t now)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct job *j;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (r->qlen > 0 && r->ninflight < r->o.parallel &&
	    r->ninflight + r->nabandoned < 2 * r->o.parallel) {
		j = g_new0(struct job, 1);
		j->r = r;
		j->addr = r->queue[r->qhead];
		j->deadline = now + r->o.timeout_ms;
		r->qhead = (r->qhead + 1) % r->o.queue_max;
		r->qlen--;
		r->st.lookups++;
		r->threads++;
		if (pthread_create(&tid, &attr, lookup_thread, j) != 0) {
			r->threads--;
			r->st.failed++;
			g_free(j);
			continue;
		}
		j->next = r->inflight;
		r->inflight = j;
		r->ninflight++;
	}
	pthread_attr_destroy(&attr);
}

static void *
dispatcher_thread(void *arg)
{
	struct names_resolver *r = arg;
	struct timespec ts;
	int64_t now, next;
	struct job *j;

	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		now = mono_ms();
		jobs_settle(r, now);
		jobs_start(r, now);
		next = INT64_MAX;
		for (j = r->inflight; j != NULL; j = j->next)
			next = MIN(next, j->deadline);
		if (next == INT64_MAX) {
			pthread_cond_wait(&r->cond, &r->lock);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000);
		ts.tv_nsec = (long)(next % 1000) * 1000000L;
		(void)pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	}
	pthread_mutex_unlock(&r->lock);
	return (NULL);
}

struct names_resolver *
names_resolver_new(struct names *n, const struct names_resolver_opts *o,
    char **err)
{
	struct names_resolver *r = g_new0(struct names_resolver, 1);
	pthread_condattr_t ca;
	int e;

	r->names = n;
	if (o != NULL)
		r->o = *o;
	if (r->o.timeout_ms == 0)
		r->o.timeout_ms = NAMES_RESOLVE_TIMEOUT_MS;
	if (r->o.queue_max == 0)
		r->o.queue_max = NAMES_RESOLVE_QUEUE;
	if (r->o.parallel == 0)
		r->o.parallel = NAMES_RESOLVE_PARALLEL;
	if (r->o.cache_max == 0)
		r->o.cache_max = NAMES_RESOLVE_CACHE;
	if (r->o.lookup == NULL)
		r->o.lookup = sys_lookup;
	pthread_mutex_init(&r->lock, NULL);
	/* Deadlines are mono_ms: the wait must be on that clock too. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	r->queue = g_new0(struct address, r->o.queue_max);
	r->asked = g_hash_table_new_full(addr_hash, addr_equal, g_free, NULL);
	if ((e = pthread_create(&r->dispatcher, NULL, dispatcher_thread, r)) !=
	    0) {
		if (err != NULL)
			*err = g_strdup_printf("cannot start the resolver: %s",
			    g_strerror(e));
		resolver_destroy(r);
		return (NULL);
	}
	return (r);
}

bool
names_resolve(struct names_resolver *r, const struct address *a)
{
	struct address key;
	bool queued = false;

	if (r == NULL || (a->type != AT_IPv4 && a->type != AT_IPv6) ||
	    !addr_key(a, &key))
		return (false);
	pthread_mutex_lock(&r->lock);
	if (r->stop || g_hash_table_contains(r->asked, &key))
		;
	else if (r->qlen >= r->o.queue_max ||
	    g_hash_table_size(r->asked) >= r->o.cache_max)
		r->st.refused++;
	else {
		g_hash_table_add(r->asked, g_memdup2(&key, sizeof(key)));
		r->queue[(r->qhead + r->qlen) % r->o.queue_max] = key;
		r->qlen++;
		r->st.requested++;
		queued = true;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return (queued);
}

void
names_resolver_stats(struct names_resolver *r,
    struct names_resolver_stats *st)
{
	pthread_mutex_lock(&r->lock);
	*st = r->st;
	st->pending = r->qlen + r->ninflight;
	pthread_mutex_unlock(&r->lock);
}

void
names_resolver_free(struct names_resolver *r)
{
	struct job *j, *next;
	bool last;

	if (r == NULL)
		return;
	if (atomic_load(&global_resolver) == r)
		atomic_store(&global_resolver, NULL);
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->dispatcher, NULL);

	pthread_mutex_lock(&r->lock);
	r->qlen = 0;
	for (j = r->inflight; j != NULL; j = next) {
		next = j->next;
		if (j->done)
			g_free(j);
		else {
			j->abandoned = true;
			r->nabandoned++;
		}
	}
	r->inflight = NULL;
	r->ninflight = 0;
	r->owner_gone = true;
	last = r->threads == 0;
	pthread_mutex_unlock(&r->lock);
	if (last)
		resolver_destroy(r);
}

void
names_set_global_resolver(struct names_resolver *r)
{
	atomic_store(&global_resolver, r);
}

struct names_resolver *
names_global_resolver(void)
{
	return (atomic_load(&global_resolver));
}

void
names_wanted(const struct address *a)
{
	struct names_resolver *r = atomic_load(&global_resolver);

	if (r != NULL)
		(void)names_resolve(r, a);
}
