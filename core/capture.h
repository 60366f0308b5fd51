/*
 * Capture: packets in, dissection and tap dispatch out, on a thread of its
 * own.  A capture reads a live interface through libpcap, or a file (pcap
 * or pcapng, "-" for standard input) through pcapfile.h, dissects each
 * packet and pushes it to the tap listeners.
 *
 * Other threads read its state and counters at any time, through the
 * functions below (the counters are atomics inside).  Kernel drop
 * counters are fetched by the capture thread itself (pcap handles are not
 * shared between threads) and published beside taptop's own counts.
 *
 * struct capture is opaque: libpcap is the capture's business, and the
 * interface and batch mode need its state and counters, not pcap.h.
 *
 * Refilling.  With opts.refill (the interface asks for it), a panel added
 * or changed after packets went by is fed them again, as Wireshark
 * redissects a file for a new filter: the interface makes its listener
 * pending (tap.h) and calls capture_refill_kick(); the capture thread,
 * which owns the reading and the dissection, reads the past again in
 * chunks between live packets, feeds it to the pending listeners only,
 * and makes them live at the packet where live dispatch goes on: no
 * packet missed, none counted twice, in order.  What it reads again is
 * a regular file from its start, or, for a live capture or a pipe, the
 * history: a ring of the most recent raw packets (pktring.h) of
 * opts.history_bytes.  Once the input has ended the capture thread stays
 * to serve refills until capture_stop.
 *
 * Replay controls.  A file's reading (or a pipe's) can be paused and its
 * pace changed at any time; the capture clock follows (capture_now_ns).
 */
#ifndef TAPTOP_CAPTURE_H
#define TAPTOP_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct capture_opts {
	const char	*iface;		/* -i, NULL for the default */
	const char	*file;		/* -r, "-" for stdin */
	const char	*bpf;		/* -f */
	int		 snaplen;	/* -s, 0 for the maximum */
	int		 buffer_mib;	/* -B, 0 for libpcap's default */
	bool		 no_promisc;	/* -p */
	uint64_t	 count;		/* -c, 0 for no limit */
	double		 duration;	/* --duration seconds, 0 for none */
	double		 speed;		/* replay pace, 0 as fast as possible */
	bool		 refill;	/* serve refills (above) */
	size_t		 history_bytes;	/* live and pipes: the ring, 0 none */
	/* Asked while capture_open waits for a file's header (a pipe whose
	 * writer has said nothing yet): true gives up, and capture_open
	 * fails, saying so.  Must not block.  NULL: wait. */
	bool		(*interrupted)(void *);
	void		*interrupted_arg;
};

enum capture_state {
	CAPTURE_RUNNING,
	CAPTURE_FINISHED,	/* end of file, -c or --duration reached */
	CAPTURE_STOPPED,	/* asked to stop */
	CAPTURE_FAILED,		/* read error; see capture_error() */
	CAPTURE_IFACE_DOWN,
};

struct capture;
struct ratehist;

/* A consistent-enough copy of the counters (each one is exact; they are
 * read one after the other while packets keep coming). */
struct capture_counters {
	uint64_t	 packets;
	uint64_t	 bytes;
	uint64_t	 kernel_received;	/* live only: pcap_stats */
	uint64_t	 kernel_dropped;
	uint64_t	 iface_dropped;
	/* Times of the first and last packet, in nanoseconds since the
	 * epoch; 0 before the first. */
	int64_t		 first_ns;
	int64_t		 last_ns;
};

/*
 * Frames of link types no dissector reads (dissect.h's
 * frame_link_dissected(): a link type named only, as "chdlc", or not at
 * all), which the panels therefore see as frames with no protocol: per
 * link type, in the order first met, CAPTURE_UNDISSECTED_MAX of them and
 * then one entry (linktype -1) for all the others.  Counted with the
 * packets (after the capture filter), bytes as the packets' bytes.
 */
#define CAPTURE_UNDISSECTED_MAX	16

struct capture_undissected {
	int		 linktype;	/* LINKTYPE_*, -1 for the others */
	/* libpcap's name ("C_HDLC") and description ("Cisco HDLC"), NULL
	 * when it has none; static strings. */
	const char	*name;
	const char	*description;
	uint64_t	 frames;
	uint64_t	 bytes;
};

/* Fills opts with the defaults. */
void	 capture_opts_init(struct capture_opts *);

/*
 * Opens the source.  On failure returns NULL with one line in *err, and
 * sets *bad_filter (if not NULL) when the capture filter was the trouble.
 */
struct capture *capture_open(const struct capture_opts *, char **err,
	    bool *bad_filter);

/* Runs the read loop on a new thread, or on this one. */
void	 capture_start(struct capture *);
void	 capture_run(struct capture *);

/* Asks the loop to end soon; safe from any thread. */
void	 capture_stop(struct capture *);
void	 capture_join(struct capture *);
/* Stops, joins and frees the capture. */
void	 capture_close(struct capture *);

/* Called on the capture thread when its reading ends, to wake a waiter
 * (before it serves refills, if it does).  Set before capture_start. */
void	 capture_set_on_end(struct capture *, void (*)(void *), void *);

/*
 * Intervals of capture time, for batch --interval.  Time is cut into
 * intervals of a fixed length from an origin: the first packet's
 * timestamp for a file (interval k holds the packets of [origin + k*len,
 * origin + (k+1)*len), as tshark -z io,stat cuts it), the real-time clock
 * when capture_set_interval is called for a live capture (whose packets
 * are stamped by that clock).
 *
 * fn is called once for each interval that ends, in order, empty ones
 * included:
 *   - on the capture thread, in the packet path, before the first packet
 *     at or past the interval's end is counted or dispatched: the panels
 *     and counters then hold exactly the packets before that end;
 *   - live only, by capture_interval_tick(), on the thread that calls it,
 *     for an end the clock passed more than CAPTURE_INTERVAL_GRACE_MS ago
 *     with no packet since to cross it.  A packet handled after its
 *     interval was so closed counts in the next one.
 * Calls are serialised, and never made while a packet is being counted,
 * dissected or dispatched (a live capture's by a lock that the capture
 * thread holds around each packet; a file's all come from the capture
 * thread), so fn never runs during tap_push_packet() and sees no packet
 * half counted: fn may draw and reset the panels (tap.h), and is then the
 * one thread that draws them, until the capture thread is joined.
 * A jump in a file's timestamps past CAPTURE_INTERVAL_GAP_MAX empty
 * intervals (a corrupt timestamp, as a rule) ends that many of them and
 * resumes with the interval that holds the packet, so the lines' times
 * show the jump and a 292-year one cannot print for ever.  Packets out of
 * time order count in the interval in progress.
 *
 * Set before capture_start; len_s is 0.001 to 1e6 seconds.
 */
#define CAPTURE_INTERVAL_GRACE_MS	250
#define CAPTURE_INTERVAL_GAP_MAX	100000

struct capture_interval {
	int64_t		 origin_ns;	/* start of the first interval */
	int64_t		 start_ns, end_ns;
};

typedef void (*capture_interval_fn)(void *arg,
	    const struct capture_interval *);

void	 capture_set_interval(struct capture *, double len_s,
	    capture_interval_fn fn, void *arg);
/* Live: ends the intervals the clock has passed (above).  Any thread. */
void	 capture_interval_tick(struct capture *);
/*
 * Once the capture thread is joined: ends, for a live capture, the
 * intervals the clock passed, and gives the last one, cut short: up to
 * the latest packet time of a file, up to now live.  False (and *iv
 * zeroed) when a file had no packet, so no interval began.
 */
bool	 capture_interval_last(struct capture *, struct capture_interval *);

enum capture_state capture_get_state(const struct capture *);
const char *capture_state_name(enum capture_state);
void	 capture_counters(const struct capture *, struct capture_counters *);
/* Copies up to max entries (above) into u; returns how many.  Any
 * thread. */
size_t	 capture_undissected(const struct capture *,
	    struct capture_undissected *u, size_t max);
/*
 * The capture clock: "now" in capture time, nanoseconds since the epoch,
 * the time every rate of a capture is taken at (0 before the first packet
 * of a file).  Live, the real-time clock.  A paced replay (speed X): from
 * the first packet's time, X nanoseconds of capture time per monotonic
 * nanosecond of replay, held at the packet being handed out when the
 * replay runs late (it runs on while a pipe's input is quiet).  A pause
 * stops it (paused time is not capture time), a new speed changes its
 * pace from where it stands.  A file read as fast as it goes: the last
 * packet's time.  Once the capture has ended, the clock stops: at the
 * last packet's time for a file, at the real time it ended for a live
 * capture.  Any thread.
 */
int64_t	 capture_now_ns(const struct capture *);

/*
 * Replay controls, for a file or a pipe (false, and nothing done, for a
 * live capture).  Pausing stops the reading itself: the capture thread
 * waits before the next packet (refilling meanwhile).  The speed is X
 * times real time, 0 as fast as possible; it takes effect at once, even
 * in the middle of a long wait.  Any thread.
 */
bool	 capture_set_paused(struct capture *, bool);
bool	 capture_paused(const struct capture *);
bool	 capture_set_speed(struct capture *, double);
double	 capture_speed(const struct capture *);

/* Refilling (above): what this capture can refill from, and the
 * request's wake-up.  Any thread. */
enum capture_refill {
	CAPTURE_REFILL_NONE,		/* no opts.refill, or no history */
	CAPTURE_REFILL_FILE,		/* a regular file, read again */
	CAPTURE_REFILL_HISTORY,		/* the ring of recent packets */
};
enum capture_refill capture_refill_from(const struct capture *);
void	 capture_refill_kick(struct capture *);
/* The pass under way: done out of total (records of a file, packets of
 * the history); false when there is none. */
bool	 capture_refill_progress(const struct capture *, uint64_t *done,
	    uint64_t *total);

/* The window of the "now" rates the interface shows: long enough to
 * smooth the one-second buckets, short enough to follow the traffic. */
#define CAPTURE_RATE_WINDOW_S	2.0

/*
 * Packets and bytes per second of capture time over the last window_s
 * seconds up to capture_now_ns() (no further back than the first packet).
 * From a ring of per-second counts (ratehist.h) fed by the capture thread;
 * any thread.
 */
void	 capture_rate(const struct capture *, double window_s,
	    double *packets_per_s, double *bytes_per_s);
/* The ring itself, for rates and history of other windows. */
const struct ratehist *capture_ratehist(const struct capture *);

/* "eth0", the file's name, or "stdin". */
const char *capture_source(const struct capture *);
bool	 capture_is_live(const struct capture *);
const struct capture_opts *capture_options(const struct capture *);
/* Why the capture failed, or NULL; set before the state changes to
 * CAPTURE_FAILED or CAPTURE_IFACE_DOWN. */
const char *capture_error(const struct capture *);

/* libpcap's version string, for taptop --version. */
const char *capture_lib_version(void);

/* Prints the interfaces, as -D does; returns false on error. */
bool	 capture_list_interfaces(FILE *, char **err);

/* The interface taptop uses without -i: first up, non-loopback. */
char	*capture_default_iface(char **err);

#endif
