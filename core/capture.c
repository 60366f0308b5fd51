/*
 * The capture thread: see capture.h.
 *
 * Live captures ask for nanosecond timestamps; files come with theirs at
 * nanosecond resolution from pcapfile.  The live loop reads with
 * pcap_dispatch in small batches so that a stop request, -c, --duration and
 * the kernel statistics are looked at often, without a system call per
 * packet.  The bytes of a packet are only valid during the callback
 * (libpcap's rule), which is where dissection and tap dispatch happen.
 *
 * No wait of this thread lasts long: the live wait polls for at most
 * CAPTURE_WAIT_MS, the file reader for PCAPFILE_WAIT_MS (its cancel
 * function looks at the stop flag), the replay sleeps for PACE_SLICE_NS;
 * so capture_stop followed by capture_join returns soon, whatever the
 * source is doing (a pipe whose writer sleeps, a quiet link).
 *
 * The capture clock (capture_now_ns) and the rate ring (ratehist.h) are
 * fed here: the ring per packet, the clock from the first packet's time,
 * the replay's start and the packet being paced, all atomics.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "clock.h"
#include "dissect.h"
#include "packet.h"
#include "pcapfile.h"
#include "ratehist.h"
#include "tap.h"

#define CAPTURE_BATCH		256	/* packets per pcap_dispatch */
#define CAPTURE_TIMEOUT_MS	100	/* live read timeout */
#define CAPTURE_WAIT_MS		50	/* longest live wait between stop checks */
#define STATS_EVERY_NS		(250 * 1000 * 1000LL)
#define PACE_SLICE_NS		(50 * 1000 * 1000LL)	/* longest replay sleep */

/* LINKTYPE_* values (the file format's) where they differ from DLT_*. */
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_RAW		101

struct capture {
	struct capture_opts	 opts;
	pcap_t			*pc;		/* live */
	int			 fd;		/* live: to poll, or -1 */
	struct pcapfile		*pf;		/* file */
	int			 linktype;	/* LINKTYPE_*, live */
	/* The capture filter for files, compiled per link type met. */
	GHashTable		*bpf_by_linktype;
	char			*source;	/* "eth0" or the file name */
	bool			 live;

	GThread			*thread;
	atomic_bool		 stop;
	atomic_int		 state;		/* enum capture_state */
	char			*error;		/* set before state changes */

	atomic_uint_fast64_t	 packets;
	atomic_uint_fast64_t	 bytes;
	atomic_uint_fast64_t	 kernel_received;
	atomic_uint_fast64_t	 kernel_dropped;
	atomic_uint_fast64_t	 iface_dropped;
	/* Times of the first and last packet, in nanoseconds since the epoch. */
	atomic_int_fast64_t	 first_ns;
	atomic_int_fast64_t	 last_ns;

	struct dissect		 edt;		/* capture thread only */
	bool			 have_first;	/* capture thread only */
	bool			 opened;	/* capture_open returned it */
	void			(*on_end)(void *);
	void			*on_end_arg;
	int64_t			 start_wall_ns;

	/* Intervals (capture.h).  A file's are the capture thread's alone
	 * until it is joined; a live capture's are under iv_lock, which the
	 * capture thread holds around each packet (a pthread mutex, which
	 * ThreadSanitizer sees, as tap.c's locks). */
	pthread_mutex_t		 iv_lock;
	capture_interval_fn	 iv_fn;
	void			*iv_arg;
	int64_t			 iv_len;	/* ns */
	bool			 iv_begun;	/* origin known */
	int64_t			 iv_origin;
	int64_t			 iv_end;	/* of the interval in progress */
	int64_t			 iv_latest;	/* latest packet time */

	/* The capture clock: replay_base_ns (monotonic) is when the first
	 * packet was handed out, published with first_ns before `started`;
	 * pace_bound_ns the time of the packet being paced (INT64_MAX once
	 * the input has been quiet for PCAPFILE_WAIT_MS); end_wall_ns the
	 * real time a live capture ended (0 before). */
	atomic_bool		 started;
	atomic_int_fast64_t	 replay_base_ns;
	atomic_int_fast64_t	 pace_bound_ns;
	atomic_int_fast64_t	 end_wall_ns;
	int64_t			 pace_high_ns;	/* capture thread only */
	struct ratehist		 rates;
};

void
capture_opts_init(struct capture_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* This program's own file, resolved, as a shell word (setcap needs the
 * file, not a name looked up in $PATH, nor a symbolic link). */
static char *
self_path(void)
{
	char *p = realpath("/proc/self/exe", NULL), *q;
	const char *c;

	if (p == NULL)
		return (g_strdup("taptop"));
	for (c = p; *c != '\0'; c++)
		if (!g_ascii_isalnum(*c) && strchr("/._+-,=@%", *c) == NULL)
			break;
	q = *c == '\0' ? g_strdup(p) : g_shell_quote(p);
	free(p);
	return (q);
}

/* Words a failed pcap_activate the way a user can act on. */
static char *
activate_error(const char *iface, int rc, pcap_t *pc)
{
	const char *detail = pcap_geterr(pc);
	char *exe, *msg;

	switch (rc) {
	case PCAP_ERROR_PERM_DENIED:
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		exe = self_path();
		msg = g_strdup_printf("%s: permission denied: run taptop "
		    "as root, or allow it to capture with: sudo setcap "
		    "cap_net_raw,cap_net_admin+ep %s", iface, exe);
		g_free(exe);
		return (msg);
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return (g_strdup_printf("%s: no such interface (taptop -D "
		    "lists them)", iface));
	case PCAP_ERROR_IFACE_NOT_UP:
		return (g_strdup_printf("%s: the interface is down", iface));
	case PCAP_ERROR_RFMON_NOTSUP:
		return (g_strdup_printf("%s: monitor mode is not supported",
		    iface));
	default:
		return (g_strdup_printf("%s: cannot capture: %s", iface,
		    detail != NULL && *detail != '\0' ? detail :
		    pcap_statustostr(rc)));
	}
}

static bool
open_live(struct capture *c, char **err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	const struct capture_opts *o = &c->opts;
	int rc;

	c->pc = pcap_create(c->source, ebuf);
	if (c->pc == NULL) {
		*err = g_strdup_printf("%s: %s", c->source, ebuf);
		return (false);
	}
	pcap_set_snaplen(c->pc, o->snaplen > 0 ? o->snaplen : 262144);
	pcap_set_promisc(c->pc, !o->no_promisc);
	pcap_set_timeout(c->pc, CAPTURE_TIMEOUT_MS);
	if (o->buffer_mib > 0)
		pcap_set_buffer_size(c->pc, o->buffer_mib * 1024 * 1024);
	(void)pcap_set_tstamp_precision(c->pc, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(c->pc);
	if (rc < 0) {
		*err = activate_error(c->source, rc, c->pc);
		return (false);
	}
	c->live = true;
	if (pcap_setnonblock(c->pc, 1, ebuf) < 0) {
		*err = g_strdup_printf("%s: %s", c->source, ebuf);
		return (false);
	}
	c->fd = pcap_get_selectable_fd(c->pc);
	return (true);
}

/* libpcap speaks DLT_* values; files and the dissectors LINKTYPE_*. */
static int
linktype_from_dlt(int dlt)
{
	switch (dlt) {
	case DLT_RAW:
		return (LINKTYPE_RAW);
	default:
		return (dlt);
	}
}

static int
dlt_from_linktype(int lt)
{
	return (lt == LINKTYPE_RAW ? DLT_RAW : lt);
}

/* The file reader's cancel function, called when the input has been
 * quiet for a while: a stop request, or, while capture_open waits for the
 * header, the caller's interruption.  A quiet input also lets the replay
 * clock run on past the last packet (the traffic is quiet, not late). */
static bool
file_cancel(void *arg)
{
	struct capture *c = arg;

	atomic_store_explicit(&c->pace_bound_ns, INT64_MAX,
	    memory_order_relaxed);
	if (atomic_load(&c->stop))
		return (true);
	return (!c->opened && c->opts.interrupted != NULL &&
	    c->opts.interrupted(c->opts.interrupted_arg));
}

static bool
open_file(struct capture *c, char **err)
{
	c->pf = pcapfile_open_cancellable(c->opts.file, file_cancel, c, NULL,
	    err);
	return (c->pf != NULL);
}

static void
free_prog(gpointer p)
{
	pcap_freecode(p);
	g_free(p);
}

/* Compiles the capture filter for one link type: NULL and *err on error. */
static struct bpf_program *
compile_bpf(const char *expr, int linktype, int snaplen, char **err)
{
	struct bpf_program *prog = g_new0(struct bpf_program, 1);
	pcap_t *dead;

	dead = pcap_open_dead(dlt_from_linktype(linktype),
	    snaplen > 0 ? snaplen : 262144);
	if (dead == NULL || pcap_compile(dead, prog, expr, 1,
	    PCAP_NETMASK_UNKNOWN) < 0) {
		*err = g_strdup_printf("bad capture filter \"%s\": %s", expr,
		    dead != NULL ? pcap_geterr(dead) : "cannot compile");
		if (dead != NULL)
			pcap_close(dead);
		g_free(prog);
		return (NULL);
	}
	pcap_close(dead);
	return (prog);
}

/* For files: does the packet pass the capture filter?  A link type the
 * filter cannot be compiled for lets nothing through, as tcpdump would
 * refuse the file. */
static bool
file_bpf_pass(struct capture *c, const struct pcapfile_packet *pkt)
{
	struct bpf_program *prog;
	struct pcap_pkthdr h;
	gpointer key = GINT_TO_POINTER(pkt->linktype + 1);
	char *err = NULL;

	if (c->bpf_by_linktype == NULL)
		return (true);
	if (!g_hash_table_lookup_extended(c->bpf_by_linktype, key, NULL,
	    (gpointer *)&prog)) {
		prog = compile_bpf(c->opts.bpf, pkt->linktype, c->opts.snaplen,
		    &err);
		g_free(err);
		g_hash_table_insert(c->bpf_by_linktype, key, prog);
	}
	if (prog == NULL)
		return (false);
	h.ts.tv_sec = (time_t)pkt->ts_sec;
	h.ts.tv_usec = (suseconds_t)(pkt->ts_nsec / 1000);
	h.caplen = pkt->caplen;
	h.len = pkt->len;
	return (pcap_offline_filter(prog, &h, pkt->data) != 0);
}

static bool
set_filter(struct capture *c, char **err)
{
	struct bpf_program *prog;

	if (c->opts.bpf == NULL || *c->opts.bpf == '\0')
		return (true);
	if (c->pf != NULL) {
		/* Check the expression now, on the first link type. */
		int lt = pcapfile_linktype(c->pf);

		prog = compile_bpf(c->opts.bpf, lt >= 0 ? lt : LINKTYPE_ETHERNET,
		    c->opts.snaplen, err);
		if (prog == NULL)
			return (false);
		c->bpf_by_linktype = g_hash_table_new_full(g_direct_hash,
		    g_direct_equal, NULL, free_prog);
		if (lt >= 0)
			g_hash_table_insert(c->bpf_by_linktype,
			    GINT_TO_POINTER(lt + 1), prog);
		else
			free_prog(prog);
		return (true);
	}
	if ((prog = compile_bpf(c->opts.bpf, c->linktype, c->opts.snaplen,
	    err)) == NULL)
		return (false);
	if (pcap_setfilter(c->pc, prog) < 0) {
		*err = g_strdup_printf("cannot set capture filter \"%s\": %s",
		    c->opts.bpf, pcap_geterr(c->pc));
		free_prog(prog);
		return (false);
	}
	free_prog(prog);
	return (true);
}

struct capture *
capture_open(const struct capture_opts *o, char **err, bool *bad_filter)
{
	struct capture *c = g_new0(struct capture, 1);

	if (bad_filter != NULL)
		*bad_filter = false;
	c->opts = *o;
	atomic_store(&c->state, CAPTURE_RUNNING);
	atomic_store(&c->pace_bound_ns, INT64_MAX);
	ratehist_init(&c->rates);
	if (o->file != NULL) {
		c->source = g_strdup(strcmp(o->file, "-") == 0 ? "stdin" :
		    o->file);
		if (!open_file(c, err))
			goto fail;
	} else {
		if (o->iface != NULL)
			c->source = g_strdup(o->iface);
		else if ((c->source = capture_default_iface(err)) == NULL)
			goto fail;
		if (!open_live(c, err))
			goto fail;
	}
	if (c->pc != NULL)
		c->linktype = linktype_from_dlt(pcap_datalink(c->pc));
	if (!set_filter(c, err)) {
		if (bad_filter != NULL)
			*bad_filter = true;
		goto fail;
	}
	dissect_init(&c->edt);
	c->opened = true;
	return (c);
fail:
	if (c->pc != NULL)
		pcap_close(c->pc);
	c->pc = NULL;
	pcapfile_close(c->pf);
	c->pf = NULL;
	g_free(c->source);
	g_free(c);
	return (NULL);
}

static void
update_kernel_stats(struct capture *c)
{
	struct pcap_stat ps;

	if (!c->live || pcap_stats(c->pc, &ps) != 0)
		return;
	atomic_store(&c->kernel_received, ps.ps_recv);
	atomic_store(&c->kernel_dropped, ps.ps_drop);
	atomic_store(&c->iface_dropped, ps.ps_ifdrop);
}

/* Replay pacing: sleep until the packet's time, scaled by the speed.  The
 * clock is held at the packet (the highest time so far, as files are
 * not always in order) until the next one is read. */
static void
pace(struct capture *c, int64_t ts_ns, int64_t rel_ns)
{
	int64_t due, now;

	c->pace_high_ns = MAX(c->pace_high_ns, ts_ns);
	atomic_store_explicit(&c->pace_bound_ns, c->pace_high_ns,
	    memory_order_relaxed);
	due = atomic_load_explicit(&c->replay_base_ns, memory_order_relaxed) +
	    (int64_t)((double)rel_ns / c->opts.speed);
	while (!atomic_load(&c->stop) && (now = mono_ns()) < due) {
		int64_t d = due - now;
		struct timespec ts;

		if (d > PACE_SLICE_NS)
			d = PACE_SLICE_NS;
		ts.tv_sec = d / 1000000000LL;
		ts.tv_nsec = d % 1000000000LL;
		nanosleep(&ts, NULL);
	}
}

/* The real-time clock, which stamps live packets. */
static int64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

/* Ends every interval that ends at or before t; under iv_lock.  The ends
 * stay below 2^63: t is clamped to 9e18 and a length is at most 1e15. */
static void
interval_cross(struct capture *c, int64_t t)
{
	struct capture_interval iv = { .origin_ns = c->iv_origin };
	uint64_t k;
	int n = 0;

	while (t >= c->iv_end && n++ < CAPTURE_INTERVAL_GAP_MAX) {
		iv.start_ns = c->iv_end - c->iv_len;
		iv.end_ns = c->iv_end;
		c->iv_fn(c->iv_arg, &iv);
		c->iv_end += c->iv_len;
	}
	if (t >= c->iv_end) {
		/* Unsigned: t - origin may pass 2^63. */
		k = ((uint64_t)t - (uint64_t)c->iv_origin) /
		    (uint64_t)c->iv_len;
		c->iv_end = (int64_t)((uint64_t)c->iv_origin +
		    (k + 1) * (uint64_t)c->iv_len);
	}
}

/* Before a packet at ts is counted: the intervals it ends are ended, and
 * a live capture's lock is held until its dispatch is done. */
static void
interval_enter(struct capture *c, int64_t ts)
{
	if (c->live)
		pthread_mutex_lock(&c->iv_lock);
	if (!c->iv_begun) {
		c->iv_begun = true;
		c->iv_origin = ts;
		c->iv_end = ts + c->iv_len;
		c->iv_latest = ts;
	}
	interval_cross(c, ts);
	c->iv_latest = MAX(c->iv_latest, ts);
}

/* One packet, from either source: count, dissect, dispatch. */
static void
handle_packet(struct capture *c, int64_t sec, uint32_t nsec, uint32_t len,
    uint32_t caplen, int linktype, const uint8_t *bytes)
{
	int64_t ts, first;
	uint64_t num;

	/* Corrupt files carry any seconds at all: keep the arithmetic in
	 * range (about 292 years either side of 1970). */
	sec = CLAMP(sec, -9000000000LL, 9000000000LL);
	ts = sec * 1000000000LL + nsec;
	if (!c->have_first) {
		c->have_first = true;
		c->pace_high_ns = ts;
		atomic_store(&c->first_ns, ts);
		atomic_store(&c->replay_base_ns, mono_ns());
		atomic_store(&c->started, true);
	}
	first = atomic_load_explicit(&c->first_ns, memory_order_relaxed);
	if (c->opts.duration > 0 && !c->live &&
	    (double)(ts - first) / 1e9 > c->opts.duration) {
		atomic_store(&c->state, CAPTURE_FINISHED);
		capture_stop(c);
		return;
	}
	if (!c->live && c->opts.speed > 0)
		pace(c, ts, ts - first);
	if (c->iv_fn != NULL)
		interval_enter(c, ts);
	num = atomic_fetch_add_explicit(&c->packets, 1,
	    memory_order_relaxed) + 1;
	atomic_fetch_add_explicit(&c->bytes, len < caplen ? caplen : len,
	    memory_order_relaxed);
	atomic_store_explicit(&c->last_ns, ts, memory_order_relaxed);
	ratehist_add(&c->rates, ts, len < caplen ? caplen : len);
	dissect_begin(&c->edt, num, sec, nsec, (double)(ts - first) / 1e9,
	    len, caplen, linktype);
	dissect_frame(&c->edt, bytes);
	tap_push_packet(&c->edt);
	if (c->iv_fn != NULL && c->live)
		pthread_mutex_unlock(&c->iv_lock);
	if (c->opts.count > 0 && num >= c->opts.count) {
		atomic_store(&c->state, CAPTURE_FINISHED);
		capture_stop(c);
	}
}

static void
on_live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;

	/* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
	handle_packet(c, h->ts.tv_sec, (uint32_t)h->ts.tv_usec, h->len,
	    h->caplen, c->linktype, bytes);
}

static void
run_file(struct capture *c)
{
	struct pcapfile_packet pkt;
	enum pcapfile_result r;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		r = pcapfile_next(c->pf, &pkt);
		if (r == PCAPFILE_STOPPED)
			return;
		if (r == PCAPFILE_EOF) {
			atomic_store(&c->state, CAPTURE_FINISHED);
			return;
		}
		if (r == PCAPFILE_ERROR) {
			c->error = g_strdup_printf("%s: %s", c->source,
			    pcapfile_error(c->pf));
			atomic_store(&c->state, CAPTURE_FAILED);
			return;
		}
		if (!file_bpf_pass(c, &pkt))
			continue;
		handle_packet(c, pkt.ts_sec, pkt.ts_nsec, pkt.len, pkt.caplen,
		    pkt.linktype, pkt.data);
	}
}

/*
 * Waits up to CAPTURE_WAIT_MS for packets.  The handle is non-blocking
 * because libpcap's own wait on Linux (TPACKET_V3) can block for ever
 * when no packet comes, and then neither --duration nor a stop request
 * would be seen.
 */
static void
wait_readable(struct capture *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (c->fd < 0) {
		struct timespec ts = { 0, CAPTURE_WAIT_MS * 1000000L };

		nanosleep(&ts, NULL);
		return;
	}
	(void)poll(&pfd, 1, CAPTURE_WAIT_MS);
}

static int64_t
real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

void
capture_run(struct capture *c)
{
	int64_t start = mono_ns(), last_stats = 0;
	int n;

	c->start_wall_ns = start;
	if (c->pf != NULL) {
		run_file(c);
		if (atomic_load(&c->state) == CAPTURE_RUNNING)
			atomic_store(&c->state, CAPTURE_STOPPED);
		return;
	}
	while (!atomic_load(&c->stop)) {
		n = pcap_dispatch(c->pc, CAPTURE_BATCH, on_live_packet,
		    (u_char *)c);
		if (c->live && mono_ns() - last_stats > STATS_EVERY_NS) {
			update_kernel_stats(c);
			last_stats = mono_ns();
		}
		if (c->live && c->opts.duration > 0 &&
		    (double)(mono_ns() - start) / 1e9 >= c->opts.duration) {
			atomic_store(&c->state, CAPTURE_FINISHED);
			break;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (n == 0)
			wait_readable(c);
		if (n == PCAP_ERROR) {
			const char *e = pcap_geterr(c->pc);

			c->error = g_strdup_printf("%s: %s (after %" PRIu64
			    " packets)", c->source, e,
			    (uint64_t)atomic_load(&c->packets));
			atomic_store(&c->state, c->live && (errno == ENETDOWN ||
			    strstr(e, "went down") != NULL) ?
			    CAPTURE_IFACE_DOWN : CAPTURE_FAILED);
			break;
		}
	}
	update_kernel_stats(c);
	atomic_store(&c->end_wall_ns, real_ns());
	if (atomic_load(&c->state) == CAPTURE_RUNNING)
		atomic_store(&c->state, CAPTURE_STOPPED);
}

static gpointer
capture_thread(gpointer data)
{
	struct capture *c = data;

	capture_run(c);
	if (c->on_end != NULL)
		c->on_end(c->on_end_arg);
	return (NULL);
}

void
capture_start(struct capture *c)
{
	c->thread = g_thread_new("capture", capture_thread, c);
}

void
capture_stop(struct capture *c)
{
	atomic_store(&c->stop, true);
	if (c->pc != NULL)
		pcap_breakloop(c->pc);
}

void
capture_join(struct capture *c)
{
	if (c->thread != NULL)
		g_thread_join(c->thread);
	c->thread = NULL;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	capture_stop(c);
	capture_join(c);
	if (c->pc != NULL)
		pcap_close(c->pc);
	c->pc = NULL;
	pcapfile_close(c->pf);
	c->pf = NULL;
	if (c->bpf_by_linktype != NULL)
		g_hash_table_destroy(c->bpf_by_linktype);
	c->bpf_by_linktype = NULL;
	dissect_free(&c->edt);
	if (c->iv_fn != NULL)
		pthread_mutex_destroy(&c->iv_lock);
	g_free(c->source);
	g_free(c->error);
	g_free(c);
}

void
capture_set_on_end(struct capture *c, void (*fn)(void *), void *arg)
{
	c->on_end = fn;
	c->on_end_arg = arg;
}

void
capture_set_interval(struct capture *c, double len_s, capture_interval_fn fn,
    void *arg)
{
	pthread_mutex_init(&c->iv_lock, NULL);
	c->iv_fn = fn;
	c->iv_arg = arg;
	c->iv_len = MAX(llround(CLAMP(len_s, 0.001, 1e6) * 1e9), 1);
	if (c->live) {
		c->iv_begun = true;
		c->iv_origin = realtime_ns();
		c->iv_end = c->iv_origin + c->iv_len;
		c->iv_latest = c->iv_origin;
	}
}

void
capture_interval_tick(struct capture *c)
{
	if (c->iv_fn == NULL || !c->live)
		return;
	pthread_mutex_lock(&c->iv_lock);
	interval_cross(c, realtime_ns() -
	    CAPTURE_INTERVAL_GRACE_MS * 1000000LL);
	pthread_mutex_unlock(&c->iv_lock);
}

bool
capture_interval_last(struct capture *c, struct capture_interval *iv)
{
	int64_t now;
	bool begun;

	memset(iv, 0, sizeof(*iv));
	if (c->iv_fn == NULL)
		return (false);
	pthread_mutex_lock(&c->iv_lock);
	if (c->live) {
		now = realtime_ns();
		interval_cross(c, now);
		c->iv_latest = MAX(c->iv_latest, now);
	}
	if ((begun = c->iv_begun)) {
		iv->origin_ns = c->iv_origin;
		iv->start_ns = c->iv_end - c->iv_len;
		iv->end_ns = MAX(c->iv_latest, iv->start_ns);
	}
	pthread_mutex_unlock(&c->iv_lock);
	return (begun);
}

enum capture_state
capture_get_state(const struct capture *c)
{
	return ((enum capture_state)atomic_load(&c->state));
}

void
capture_counters(const struct capture *c, struct capture_counters *n)
{
	n->packets = atomic_load(&c->packets);
	n->bytes = atomic_load(&c->bytes);
	n->kernel_received = atomic_load(&c->kernel_received);
	n->kernel_dropped = atomic_load(&c->kernel_dropped);
	n->iface_dropped = atomic_load(&c->iface_dropped);
	n->first_ns = atomic_load(&c->first_ns);
	n->last_ns = atomic_load(&c->last_ns);
}

int64_t
capture_now_ns(const struct capture *c)
{
	int64_t end, first, now, base, bound;

	if (c->live) {
		end = atomic_load(&c->end_wall_ns);
		return (end != 0 ? end : real_ns());
	}
	if (!atomic_load(&c->started))
		return (0);
	if (c->opts.speed <= 0 || capture_get_state(c) != CAPTURE_RUNNING)
		return (atomic_load(&c->last_ns));
	first = atomic_load(&c->first_ns);
	base = atomic_load(&c->replay_base_ns);
	bound = atomic_load(&c->pace_bound_ns);
	now = first + (int64_t)((double)(mono_ns() - base) * c->opts.speed);
	return (MIN(now, bound));
}

void
capture_rate(const struct capture *c, double window_s, double *pps,
    double *bps)
{
	int64_t now = capture_now_ns(c), first = atomic_load(&c->first_ns);
	double span;

	/* Before the first packet, or a window reaching back before it: the
	 * time before the capture began had no traffic to count. */
	span = atomic_load(&c->started) ? (double)(now - first) / 1e9 : 0;
	ratehist_rate(&c->rates, now, MIN(window_s, span), pps, bps);
}

const struct ratehist *
capture_ratehist(const struct capture *c)
{
	return (&c->rates);
}

const char *
capture_source(const struct capture *c)
{
	return (c->source);
}

bool
capture_is_live(const struct capture *c)
{
	return (c->live);
}

const struct capture_opts *
capture_options(const struct capture *c)
{
	return (&c->opts);
}

const char *
capture_error(const struct capture *c)
{
	return (c->error);
}

const char *
capture_lib_version(void)
{
	return (pcap_lib_version());
}

const char *
capture_state_name(enum capture_state s)
{
	switch (s) {
	case CAPTURE_RUNNING:		return ("capturing");
	case CAPTURE_FINISHED:		return ("finished");
	case CAPTURE_STOPPED:		return ("stopped");
	case CAPTURE_FAILED:		return ("failed");
	case CAPTURE_IFACE_DOWN:	return ("interface down");
	}
	return ("?");
}

bool
capture_list_interfaces(FILE *out, char **err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all, *d;
	int i = 1;

	if (pcap_findalldevs(&all, ebuf) != 0) {
		*err = g_strdup_printf("cannot list interfaces: %s", ebuf);
		return (false);
	}
	for (d = all; d != NULL; d = d->next, i++) {
		fprintf(out, "%d. %s", i, d->name);
		if (d->description != NULL)
			fprintf(out, " (%s)", d->description);
		fprintf(out, "%s%s%s\n",
		    d->flags & PCAP_IF_UP ? " [up" : " [down",
		    d->flags & PCAP_IF_RUNNING ? ", running" : "",
		    d->flags & PCAP_IF_LOOPBACK ? ", loopback]" : "]");
	}
	pcap_freealldevs(all);
	return (true);
}

char *
capture_default_iface(char **err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all, *d;
	char *name = NULL;

	if (pcap_findalldevs(&all, ebuf) != 0) {
		*err = g_strdup_printf("cannot list interfaces: %s", ebuf);
		return (NULL);
	}
	for (d = all; d != NULL && name == NULL; d = d->next)
		if ((d->flags & PCAP_IF_UP) && !(d->flags & PCAP_IF_LOOPBACK) &&
		    strcmp(d->name, "any") != 0 &&
		    strncmp(d->name, "nflog", 5) != 0 &&
		    strncmp(d->name, "nfqueue", 7) != 0 &&
		    strncmp(d->name, "dbus", 4) != 0 &&
		    strncmp(d->name, "bluetooth", 9) != 0)
			name = g_strdup(d->name);
	pcap_freealldevs(all);
	if (name == NULL)
		*err = g_strdup("no interface is up (besides loopback): "
		    "name one with -i (taptop -D lists them)");
	return (name);
}
