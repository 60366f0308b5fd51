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
 * fed here: the ring per packet; the clock of a file from an anchor (a
 * capture time and the monotonic time it was reached), moved by pauses
 * and speed changes, under ck_lock, and the packet being paced.
 *
 * Refilling (capture.h) is done here too, between packets, in chunks
 * (REFILL_CHUNK_*) so that the live input waits at most for one: after
 * each live batch, each record of a fast read, in the replay's sleeps,
 * while a pipe is quiet, and once the input has ended, in a loop that
 * serves refills until the capture is stopped.  A pass reads the file
 * again (a regular file) or the history ring (pktring.h: live captures
 * and pipes) up to the last packet the live listeners were given, with
 * a struct dissect of its own (quiet: counted once already), and then
 * makes the listeners it fed live (tap.h).  Because the ring is written
 * right before a packet's live dispatch and read only between two, the
 * pass ends exactly where live dispatch goes on.
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
#include <sys/stat.h>
#include <time.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "clock.h"
#include "dissect.h"
#include "packet.h"
#include "pcapfile.h"
#include "pktring.h"
#include "ratehist.h"
#include "tap.h"
#include "tcpreasm.h"

#define CAPTURE_BATCH		256	/* packets per pcap_dispatch */
#define CAPTURE_TIMEOUT_MS	100	/* live read timeout */
#define CAPTURE_WAIT_MS		50	/* longest live wait between stop checks */
#define STATS_EVERY_NS		(250 * 1000 * 1000LL)
#define PACE_SLICE_NS		(50 * 1000 * 1000LL)	/* longest replay sleep */
/* Refill packets between two looks at the live input. */
#define REFILL_CHUNK_FAST	4096	/* a file read as fast as it goes */
#define REFILL_CHUNK_LIVE	1024	/* between two live batches */
#define REFILL_CHUNK_PACED	512	/* in a replay's sleep */
#define REFILL_QUIET_NS		(100 * 1000 * 1000LL)	/* a quiet pipe */

/* LINKTYPE_* values (the file format's) where they differ from DLT_*. */
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_ATM_RFC1483	100
#define LINKTYPE_RAW		101

/* Frames of link types no dissector reads (capture.h): slots taken in
 * the order the capture thread meets the link types, published by ud_n
 * (release: the slot's linktype is set first); the last slot is the
 * others'.  The counts are atomics, read by any thread. */
struct undissected_slot {
	int			 linktype;
	atomic_uint_fast64_t	 frames;
	atomic_uint_fast64_t	 bytes;
};

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
	struct undissected_slot	 ud[CAPTURE_UNDISSECTED_MAX + 1];
	atomic_int		 ud_n;		/* slots in use, the others' too */
	/* Capture thread: the link type of the last packet and its slot
	 * (-1: read by a dissector), so that a run of one link type costs
	 * one comparison a packet. */
	int			 ud_last_lt;
	int			 ud_last_slot;
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

	/* The capture clock: `started` once first_ns is published;
	 * pace_bound_ns the time of the packet being paced (INT64_MAX once
	 * the input has been quiet for PCAPFILE_WAIT_MS); end_wall_ns the
	 * real time a live capture ended (0 before). */
	atomic_bool		 started;
	atomic_int_fast64_t	 pace_bound_ns;
	atomic_int_fast64_t	 end_wall_ns;
	int64_t			 pace_high_ns;	/* capture thread only */
	struct ratehist		 rates;

	/* A file's replay, under ck_lock (a pthread mutex, as iv_lock):
	 * the speed (0: as fast as it goes), the pause, and the anchor of
	 * the clock: capture time anchor_cap was reached at monotonic time
	 * anchor_mono, and the clock runs on from there at the speed, or
	 * stands at frozen while paused.  ck_cond wakes the capture
	 * thread's waits; wakes counts the wake-ups, so none is lost.
	 * gated mirrors "paused or paced" for the fast path. */
	pthread_mutex_t		 ck_lock;
	pthread_cond_t		 ck_cond;
	double			 ck_speed;
	bool			 ck_paused;
	bool			 ck_anchored;
	int64_t			 ck_anchor_mono, ck_anchor_cap, ck_frozen;
	unsigned		 ck_wakes;
	atomic_bool		 gated;

	/* Ending the reading from inside (-c, --duration), as opposed to
	 * a stop request: refills are still served.  Capture thread. */
	bool			 ending;

	/* Refilling: reread a regular file, or replay the ring.  The
	 * pass's state is the capture thread's; its progress is published
	 * in the atomics for the interface. */
	bool			 reread;
	bool			 use_ring;
	struct pktring		 ring;
	uint64_t		 file_pos;	/* records the reader handled */
	struct {
		bool			 active;
		unsigned		 seen;	/* tap_refill_requests() */
		struct dissect		 edt;
		bool			 edt_ready;
		struct pcapfile		*pf;
		uint64_t		 rec;	/* records pf read */
		struct pktring_cursor	 cur;
		bool			 fed;	/* a packet yet */
		uint64_t		 num;	/* the last one's */
		int64_t			 since_ns;
		uint64_t		 skipped;
	} rf;
	atomic_bool		 rf_busy;
	atomic_uint_fast64_t	 rf_done;
	atomic_uint_fast64_t	 rf_total;
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
	switch (lt) {
	case LINKTYPE_RAW:
		return (DLT_RAW);
	case LINKTYPE_ATM_RFC1483:
		return (DLT_ATM_RFC1483);
	default:
		return (lt);
	}
}

/* The slot of a link type no dissector reads, taken when first met; the
 * others' slot once they are all taken; -1 for a link type that is read.
 * Capture thread. */
static int
undissected_slot(struct capture *c, int linktype)
{
	int i, n = atomic_load_explicit(&c->ud_n, memory_order_relaxed);

	if (frame_link_dissected(linktype))
		return (-1);
	for (i = 0; i < n && i < CAPTURE_UNDISSECTED_MAX; i++)
		if (c->ud[i].linktype == linktype)
			return (i);
	if (n < CAPTURE_UNDISSECTED_MAX) {
		c->ud[n].linktype = linktype;
		atomic_store_explicit(&c->ud_n, n + 1, memory_order_release);
		return (n);
	}
	if (n == CAPTURE_UNDISSECTED_MAX) {
		c->ud[n].linktype = -1;
		atomic_store_explicit(&c->ud_n, n + 1, memory_order_release);
	}
	return (CAPTURE_UNDISSECTED_MAX);
}

static void
undissected_count(struct capture *c, int linktype, uint64_t bytes)
{
	if (linktype != c->ud_last_lt) {
		c->ud_last_lt = linktype;
		c->ud_last_slot = undissected_slot(c, linktype);
	}
	if (c->ud_last_slot < 0)
		return;
	atomic_fetch_add_explicit(&c->ud[c->ud_last_slot].frames, 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&c->ud[c->ud_last_slot].bytes, bytes,
	    memory_order_relaxed);
}

static bool refill_due(struct capture *);
static bool refill_step(struct capture *, int budget);

/* The file reader's cancel function, called when the input has been
 * quiet for a while: a stop request, or, while capture_open waits for the
 * header, the caller's interruption.  A quiet input also lets the replay
 * clock run on past the last packet (the traffic is quiet, not late). */
static bool
file_cancel(void *arg)
{
	struct capture *c = arg;
	int64_t until;

	atomic_store_explicit(&c->pace_bound_ns, INT64_MAX,
	    memory_order_relaxed);
	if (atomic_load(&c->stop))
		return (true);
	/* Between two records: the pipe's history can be replayed.  For a
	 * while only; the writer waits meanwhile, nothing is lost. */
	if (c->opened && refill_due(c)) {
		until = mono_ns() + REFILL_QUIET_NS;
		while (!atomic_load(&c->stop) && mono_ns() < until &&
		    refill_step(c, REFILL_CHUNK_PACED))
			;
	}
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

/* The replay's clock and its wake-ups; the speed as given. */
static void
clock_init(struct capture *c)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&c->ck_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->ck_cond, &ca);
	pthread_condattr_destroy(&ca);
	c->ck_speed = c->opts.speed > 0 ? c->opts.speed : 0;
	atomic_store(&c->gated, c->ck_speed > 0);
}

/* Under ck_lock: wakes whatever the capture thread waits for. */
static void
clock_kick_locked(struct capture *c)
{
	c->ck_wakes++;
	pthread_cond_broadcast(&c->ck_cond);
}

/* What a refill reads: a regular file again; a live capture or a pipe,
 * which cannot be read again, its history. */
static void
refill_setup(struct capture *c)
{
	struct stat st;

	if (!c->opts.refill)
		return;
	if (c->pf != NULL && strcmp(c->opts.file, "-") != 0 &&
	    stat(c->opts.file, &st) == 0 && S_ISREG(st.st_mode))
		c->reread = true;
	else if (c->opts.history_bytes > 0) {
		pktring_init(&c->ring, c->opts.history_bytes);
		c->use_ring = c->ring.nchunks > 0;
	}
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
	c->ud_last_lt = INT_MIN;
	ratehist_init(&c->rates);
	clock_init(c);
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
	refill_setup(c);
	c->opened = true;
	return (c);
fail:
	if (c->pc != NULL)
		pcap_close(c->pc);
	c->pc = NULL;
	pcapfile_close(c->pf);
	c->pf = NULL;
	pthread_cond_destroy(&c->ck_cond);
	pthread_mutex_destroy(&c->ck_lock);
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

/*
 * A file's clock at monotonic time mono; under ck_lock.  Held at the
 * packet being paced (pace_bound_ns) when the replay runs late; in double,
 * clamped, as a corrupt file's times span 584 years.
 */
static int64_t
clock_at(struct capture *c, int64_t mono)
{
	double v;

	if (c->ck_paused)
		return (c->ck_frozen);
	if (c->ck_speed <= 0 || !c->ck_anchored)
		return (atomic_load(&c->last_ns));
	v = (double)c->ck_anchor_cap + (double)(mono - c->ck_anchor_mono) *
	    c->ck_speed;
	v = MIN(v, (double)atomic_load(&c->pace_bound_ns));
	return (v >= 9e18 ? (int64_t)9e18 : (int64_t)v);
}

/*
 * Waits, under ck_lock (which it may drop), until monotonic time due, at
 * most PACE_SLICE_NS, or until woken (a pause, a new speed, a refill
 * request, a stop); or does a chunk of refill instead, when one is due.
 */
static void
replay_wait(struct capture *c, int64_t due)
{
	struct timespec ts;
	unsigned w = c->ck_wakes;
	int64_t until;

	if (refill_due(c)) {
		pthread_mutex_unlock(&c->ck_lock);
		(void)refill_step(c, REFILL_CHUNK_PACED);
		pthread_mutex_lock(&c->ck_lock);
		return;
	}
	until = MIN(due, mono_ns() + PACE_SLICE_NS);
	ts.tv_sec = until / 1000000000LL;
	ts.tv_nsec = until % 1000000000LL;
	while (c->ck_wakes == w && !atomic_load(&c->stop) &&
	    mono_ns() < until)
		if (pthread_cond_timedwait(&c->ck_cond, &c->ck_lock, &ts) ==
		    ETIMEDOUT)
			break;
}

/*
 * A file's pacing and pause: waits until the packet at ts is due, from
 * the clock's anchor at the speed of the moment; while paused, until
 * resumed.  Refills go on meanwhile.
 */
static void
pace(struct capture *c, int64_t ts)
{
	double d;
	int64_t due;

	pthread_mutex_lock(&c->ck_lock);
	while (!atomic_load(&c->stop)) {
		if (c->ck_paused) {
			replay_wait(c, INT64_MAX);
			continue;
		}
		if (c->ck_speed <= 0 || !c->ck_anchored)
			break;
		d = ((double)ts - (double)c->ck_anchor_cap) / c->ck_speed;
		due = c->ck_anchor_mono + (int64_t)CLAMP(d, -1e18, 1e18);
		if (mono_ns() >= due)
			break;
		replay_wait(c, due);
	}
	pthread_mutex_unlock(&c->ck_lock);
}

/* The reading ends from inside (-c, --duration): unlike a stop request,
 * refills are still served. */
static void
finish(struct capture *c)
{
	atomic_store(&c->state, CAPTURE_FINISHED);
	c->ending = true;
	if (c->pc != NULL)
		pcap_breakloop(c->pc);
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

/* Corrupt files carry any seconds at all: keep the arithmetic in range
 * (about 292 years either side of 1970). */
static int64_t
clamp_sec(int64_t sec)
{
	return (CLAMP(sec, -9000000000LL, 9000000000LL));
}

/*
 * One packet, from either source: count, dissect, dispatch.  False when
 * --duration ends the reading before it (so it is not handled).
 */
static bool
handle_packet(struct capture *c, int64_t sec, uint32_t nsec, uint32_t len,
    uint32_t caplen, int linktype, const uint8_t *bytes)
{
	int64_t ts, first;
	uint64_t num;

	sec = clamp_sec(sec);
	ts = sec * 1000000000LL + nsec;
	if (!c->have_first) {
		c->have_first = true;
		c->pace_high_ns = ts;
		atomic_store(&c->first_ns, ts);
		if (!c->live) {
			pthread_mutex_lock(&c->ck_lock);
			c->ck_anchored = true;
			c->ck_anchor_cap = ts;
			c->ck_anchor_mono = mono_ns();
			if (c->ck_paused)
				c->ck_frozen = ts;
			pthread_mutex_unlock(&c->ck_lock);
		}
		atomic_store(&c->started, true);
	}
	first = atomic_load_explicit(&c->first_ns, memory_order_relaxed);
	if (c->opts.duration > 0 && !c->live &&
	    (double)(ts - first) / 1e9 > c->opts.duration) {
		finish(c);
		return (false);
	}
	if (!c->live) {
		/* The clock is held at the packet (the highest time so
		 * far, as files are not always in order) until it is
		 * handed out. */
		c->pace_high_ns = MAX(c->pace_high_ns, ts);
		atomic_store_explicit(&c->pace_bound_ns, c->pace_high_ns,
		    memory_order_relaxed);
		if (atomic_load_explicit(&c->gated, memory_order_relaxed))
			pace(c, ts);
	}
	if (c->iv_fn != NULL)
		interval_enter(c, ts);
	num = atomic_fetch_add_explicit(&c->packets, 1,
	    memory_order_relaxed) + 1;
	atomic_fetch_add_explicit(&c->bytes, len < caplen ? caplen : len,
	    memory_order_relaxed);
	undissected_count(c, linktype, len < caplen ? caplen : len);
	atomic_store_explicit(&c->last_ns, ts, memory_order_relaxed);
	ratehist_add(&c->rates, ts, len < caplen ? caplen : len);
	/* Into the history right before the live dispatch, with no refill
	 * in between: a refill that reads it up to here ends where live
	 * dispatch goes on. */
	if (c->use_ring)
		(void)pktring_add(&c->ring, num, sec, nsec, len, caplen,
		    linktype, bytes);
	dissect_begin(&c->edt, num, sec, nsec, (double)(ts - first) / 1e9,
	    len, caplen, linktype);
	dissect_frame(&c->edt, bytes);
	tap_push_packet(&c->edt);
	if (c->iv_fn != NULL && c->live)
		pthread_mutex_unlock(&c->iv_lock);
	if (c->opts.count > 0 && num >= c->opts.count)
		finish(c);
	return (true);
}

static void
on_live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;

	/* Nanosecond precision was asked for: tv_usec holds nanoseconds. */
	(void)handle_packet(c, h->ts.tv_sec, (uint32_t)h->ts.tv_usec, h->len,
	    h->caplen, c->linktype, bytes);
}

static void
run_file(struct capture *c)
{
	struct pcapfile_packet pkt;
	enum pcapfile_result r;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed) &&
	    !c->ending) {
		if (refill_due(c))
			(void)refill_step(c, REFILL_CHUNK_FAST);
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
		/* file_pos counts the records handled, the ones the
		 * capture filter drops among them: a refill reads as many. */
		/* Most reads have no capture filter: no call for them. */
		if (c->bpf_by_linktype != NULL && !file_bpf_pass(c, &pkt)) {
			c->file_pos++;
			continue;
		}
		if (handle_packet(c, pkt.ts_sec, pkt.ts_nsec, pkt.len,
		    pkt.caplen, pkt.linktype, pkt.data))
			c->file_pos++;
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
	while (!atomic_load(&c->stop) && !c->ending) {
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
		/* A chunk of refill between two batches, instead of the
		 * wait when there was nothing to read. */
		if (n >= 0 && refill_due(c) &&
		    refill_step(c, REFILL_CHUNK_LIVE))
			continue;
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

/* Once the input has ended, the capture thread stays to refill panels
 * until it is stopped. */
static void
serve_refills(struct capture *c)
{
	struct timespec ts;
	unsigned w;
	int64_t until;

	if (!c->reread && !c->use_ring)
		return;
	while (!atomic_load(&c->stop)) {
		pthread_mutex_lock(&c->ck_lock);
		w = c->ck_wakes;
		pthread_mutex_unlock(&c->ck_lock);
		if (refill_due(c) && refill_step(c, REFILL_CHUNK_FAST))
			continue;
		until = mono_ns() + PACE_SLICE_NS;
		ts.tv_sec = until / 1000000000LL;
		ts.tv_nsec = until % 1000000000LL;
		pthread_mutex_lock(&c->ck_lock);
		while (c->ck_wakes == w && !atomic_load(&c->stop))
			if (pthread_cond_timedwait(&c->ck_cond, &c->ck_lock,
			    &ts) == ETIMEDOUT)
				break;
		pthread_mutex_unlock(&c->ck_lock);
	}
}

static gpointer
capture_thread(gpointer data)
{
	struct capture *c = data;

	capture_run(c);
	if (c->on_end != NULL)
		c->on_end(c->on_end_arg);
	serve_refills(c);
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
	pthread_mutex_lock(&c->ck_lock);
	clock_kick_locked(c);
	pthread_mutex_unlock(&c->ck_lock);
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
	pcapfile_close(c->rf.pf);
	if (c->rf.edt_ready)
		dissect_free(&c->rf.edt);
	pktring_free(&c->ring);
	pthread_cond_destroy(&c->ck_cond);
	pthread_mutex_destroy(&c->ck_lock);
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

size_t
capture_undissected(const struct capture *c, struct capture_undissected *u,
    size_t max)
{
	size_t i, n = (size_t)atomic_load_explicit(&c->ud_n,
	    memory_order_acquire);

	for (i = 0; i < n && i < max; i++) {
		int lt = c->ud[i].linktype;

		u[i].linktype = lt;
		u[i].name = lt < 0 ? NULL :
		    pcap_datalink_val_to_name(dlt_from_linktype(lt));
		u[i].description = lt < 0 ? NULL :
		    pcap_datalink_val_to_description(dlt_from_linktype(lt));
		u[i].frames = atomic_load_explicit(&c->ud[i].frames,
		    memory_order_relaxed);
		u[i].bytes = atomic_load_explicit(&c->ud[i].bytes,
		    memory_order_relaxed);
	}
	return (MIN(n, max));
}

int64_t
capture_now_ns(const struct capture *cc)
{
	/* Never a const object: the cast is for the clock's lock. */
	struct capture *c = (struct capture *)cc;
	int64_t end, now;

	if (c->live) {
		end = atomic_load(&c->end_wall_ns);
		return (end != 0 ? end : real_ns());
	}
	if (!atomic_load(&c->started))
		return (0);
	if (capture_get_state(c) != CAPTURE_RUNNING)
		return (atomic_load(&c->last_ns));
	pthread_mutex_lock(&c->ck_lock);
	now = clock_at(c, mono_ns());
	pthread_mutex_unlock(&c->ck_lock);
	return (now);
}

/* ---- replay controls (capture.h) ---- */

bool
capture_set_paused(struct capture *c, bool paused)
{
	if (c->live)
		return (false);
	pthread_mutex_lock(&c->ck_lock);
	if (paused && !c->ck_paused) {
		c->ck_frozen = clock_at(c, mono_ns());
		c->ck_paused = true;
	} else if (!paused && c->ck_paused) {
		/* The clock goes on from where it stood. */
		c->ck_paused = false;
		c->ck_anchor_cap = c->ck_frozen;
		c->ck_anchor_mono = mono_ns();
	}
	atomic_store(&c->gated, c->ck_paused || c->ck_speed > 0);
	clock_kick_locked(c);
	pthread_mutex_unlock(&c->ck_lock);
	return (true);
}

bool
capture_paused(const struct capture *cc)
{
	struct capture *c = (struct capture *)cc;
	bool p;

	pthread_mutex_lock(&c->ck_lock);
	p = c->ck_paused;
	pthread_mutex_unlock(&c->ck_lock);
	return (p);
}

bool
capture_set_speed(struct capture *c, double speed)
{
	int64_t mono;

	if (c->live || !isfinite(speed))
		return (false);
	pthread_mutex_lock(&c->ck_lock);
	/* The clock goes on from where it is, at the new pace. */
	if (!c->ck_paused && c->ck_anchored) {
		mono = mono_ns();
		c->ck_anchor_cap = clock_at(c, mono);
		c->ck_anchor_mono = mono;
	}
	c->ck_speed = speed > 0 ? speed : 0;
	atomic_store(&c->gated, c->ck_paused || c->ck_speed > 0);
	clock_kick_locked(c);
	pthread_mutex_unlock(&c->ck_lock);
	return (true);
}

double
capture_speed(const struct capture *cc)
{
	struct capture *c = (struct capture *)cc;
	double v;

	pthread_mutex_lock(&c->ck_lock);
	v = c->ck_speed;
	pthread_mutex_unlock(&c->ck_lock);
	return (v);
}

/* ---- refilling (capture.h) ---- */

static bool
refill_due(struct capture *c)
{
	return (c->rf.active || ((c->reread || c->use_ring) &&
	    tap_refill_requests() != c->rf.seen));
}

/* Claims the pending listeners and starts a pass; false if none. */
static bool
refill_begin(struct capture *c)
{
	char *err = NULL;

	/* Read before claiming: a request made meanwhile is seen next. */
	c->rf.seen = tap_refill_requests();
	if (tap_refill_begin() == 0)
		return (false);
	if (!c->rf.edt_ready) {
		dissect_init(&c->rf.edt);
		c->rf.edt.quiet = true;
		c->rf.edt_ready = true;
	}
	if (c->rf.edt.tcpreasm != NULL)	/* the pass starts from the top */
		tcpreasm_clear(c->rf.edt.tcpreasm);
	c->rf.active = true;
	c->rf.rec = 0;
	c->rf.fed = false;
	c->rf.num = 0;
	c->rf.since_ns = 0;
	c->rf.skipped = 0;
	if (c->reread) {
		/* The descriptor, not the path: after the privilege drop
		 * the path may be closed to us (privdrop.h). */
		if ((c->rf.pf = pcapfile_reopen(c->pf, c->source, &err)) ==
		    NULL) {
			g_warning("cannot read %s again: %s", c->source, err);
			g_free(err);
		}
	} else
		pktring_rewind(&c->rf.cur);
	atomic_store(&c->rf_done, 0);
	atomic_store(&c->rf_total, c->reread ? c->file_pos :
	    c->ring.records);
	atomic_store(&c->rf_busy, true);
	return (true);
}

/* The pass has given every packet the live listeners saw, or all it
 * could: its listeners go live (between two packets). */
static void
refill_end(struct capture *c)
{
	uint64_t last = atomic_load_explicit(&c->packets,
	    memory_order_relaxed);

	/* Packets the pass could not give (not in the history, a file
	 * changed since) are missing from its listeners: say so. */
	if (last > c->rf.num)
		c->rf.skipped += last - c->rf.num;
	tap_refill_end(c->rf.since_ns, c->rf.skipped);
	pcapfile_close(c->rf.pf);
	c->rf.pf = NULL;
	c->rf.active = false;
	atomic_store(&c->rf_busy, false);
}

/* Dissects a packet again and feeds it to the filling listeners. */
static void
refill_packet(struct capture *c, uint64_t num, int64_t sec, uint32_t nsec,
    uint32_t len, uint32_t caplen, int linktype, const uint8_t *data)
{
	int64_t ts, first = atomic_load_explicit(&c->first_ns,
	    memory_order_relaxed);

	sec = clamp_sec(sec);
	ts = sec * 1000000000LL + nsec;
	dissect_begin(&c->rf.edt, num, sec, nsec, (double)(ts - first) / 1e9,
	    len, caplen, linktype);
	dissect_frame(&c->rf.edt, data);
	tap_push_packet_refill(&c->rf.edt);
	c->rf.num = num;
}

/* A regular file, from the top, up to the record the reader is at; the
 * capture filter as the reader applies it, so the numbers agree. */
static void
refill_file(struct capture *c, int budget)
{
	struct pcapfile_packet pkt;
	enum pcapfile_result r;
	int n;

	for (n = 0; n < budget && c->rf.pf != NULL &&
	    c->rf.rec < c->file_pos; n++) {
		if ((r = pcapfile_next(c->rf.pf, &pkt)) != PCAPFILE_OK) {
			g_warning("%s changed since it was read: panels "
			    "refilled from it miss packets", c->source);
			break;
		}
		c->rf.rec++;
		if (file_bpf_pass(c, &pkt))
			refill_packet(c, c->rf.num + 1, pkt.ts_sec,
			    pkt.ts_nsec, pkt.len, pkt.caplen, pkt.linktype,
			    pkt.data);
	}
	atomic_store(&c->rf_done, c->rf.rec);
	atomic_store(&c->rf_total, c->file_pos);
	if (n < budget)
		refill_end(c);
}

/* The history, from its oldest packet to the newest. */
static void
refill_ring(struct capture *c, int budget)
{
	const struct pktring_rec *rec;
	const uint8_t *data;
	uint64_t last;
	int n;

	for (n = 0; n < budget; n++) {
		if ((rec = pktring_next(&c->ring, &c->rf.cur, &data)) == NULL)
			break;
		if (!c->rf.fed) {
			/* The history no longer reaches the first packet:
			 * the panel counts from here. */
			if (rec->num > 1)
				c->rf.since_ns = clamp_sec(rec->sec) *
				    1000000000LL + rec->nsec;
			c->rf.fed = true;
		} else if (rec->num > c->rf.num + 1)
			/* Recycled under the cursor, or not kept. */
			c->rf.skipped += rec->num - c->rf.num - 1;
		refill_packet(c, rec->num, rec->sec, rec->nsec, rec->len,
		    rec->caplen, rec->linktype, data);
	}
	last = atomic_load_explicit(&c->packets, memory_order_relaxed);
	atomic_fetch_add(&c->rf_done, (uint64_t)n);
	atomic_store(&c->rf_total, atomic_load(&c->rf_done) +
	    (last > c->rf.num ? last - c->rf.num : 0));
	if (n < budget)
		refill_end(c);
}

/*
 * A chunk of refill: starts a pass if a request is waiting, feeds up to
 * budget packets (or records), and ends the pass when it has caught up.
 * True if there was work.  Capture thread, between two packets.
 */
static bool
refill_step(struct capture *c, int budget)
{
	if (!c->rf.active && !refill_begin(c))
		return (false);
	if (c->reread)
		refill_file(c, budget);
	else
		refill_ring(c, budget);
	return (true);
}

enum capture_refill
capture_refill_from(const struct capture *c)
{
	if (c->reread)
		return (CAPTURE_REFILL_FILE);
	return (c->use_ring ? CAPTURE_REFILL_HISTORY : CAPTURE_REFILL_NONE);
}

void
capture_refill_kick(struct capture *c)
{
	pthread_mutex_lock(&c->ck_lock);
	clock_kick_locked(c);
	pthread_mutex_unlock(&c->ck_lock);
}

bool
capture_refill_progress(const struct capture *c, uint64_t *done,
    uint64_t *total)
{
	if (!atomic_load(&c->rf_busy))
		return (false);
	*done = atomic_load(&c->rf_done);
	*total = atomic_load(&c->rf_total);
	return (true);
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
