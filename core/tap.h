/*
 * The tap engine, after Wireshark's (see the design in shared/seed).
 *
 * Dissectors register a tap by name and, once per protocol instance in a
 * packet, queue a pointer to data that lives in the packet's arena.  When
 * the whole packet has been dissected, tap_push_packet() hands each queued
 * entry to every listener of that tap whose display filter matches the
 * packet.  Listeners see entries queued inside an ICMP error's payload only
 * if they set TL_REQUIRES_ERROR_PACKET.
 *
 * Threads and locks
 * -----------------
 * The capture thread calls tap_push_packet(); any other thread (the curses
 * thread, a test) may at any moment register or remove a listener, change
 * its filter, reset or draw.  So may the capture thread itself between two
 * packets, outside tap_push_packet() (batch --interval does, capture.h);
 * a panel's table wants one drawing thread at a time (panel.h), which the
 * caller arranges.  Two kinds of lock keep them apart:
 *
 *   - The list lock (a read-write lock) guards the set of listeners and their
 *     filters.  tap_push_packet() holds it for reading while it walks the
 *     list; register, remove and refilter hold it for writing, so they wait
 *     at most for one packet's dispatch, and dispatch waits at most for a
 *     list edit.  draw and reset take it for reading.
 *   - Each listener has its own lock, held around every call of its
 *     packet(), reset() and draw(), and around its redraw and failed
 *     flags.  So draw() never sees a half-updated state, packet() never
 *     runs during a draw of the same listener, and a REDRAW that packet()
 *     returns is never lost to a draw that clears the flag.  The list lock
 *     is always taken first.
 *
 * draw() must therefore only copy what it needs into its output (a table)
 * and return: the capture thread may be waiting for that lock (a spin
 * lock that yields, as it is taken for every packet).  Sorting
 * and formatting happen on the copy, outside every tap lock.
 *
 * A listener may finish counting a packet on another thread, as the
 * conversation and endpoint panels do (core/deferq.h): packet() queues a
 * record, a worker applies it, and draw() and reset() first apply what is
 * queued, under a lock of the listener's own taken inside the listener's
 * lock.  Seen from here nothing changes: every packet that packet()
 * accepted is in the next draw, and none after a reset.
 *
 * Redraw
 * ------
 * A listener needs a draw when it is new, when its packet() returned
 * TAP_PACKET_REDRAW, after its reset, and after its filter or the global
 * one changed; each draw clears the need.  draw_tap_listeners(false) and
 * draw_tap_listener_if_changed() draw only the listeners in need, so an
 * idle listener costs a lock and a test per draw; draw_tap_listeners(true)
 * and draw_tap_listener() draw every time.  So packet() must return
 * TAP_PACKET_REDRAW whenever it changed what draw() would show.
 *
 * finish() runs with no tap lock held, after the listener has left the
 * list, so it may free tapdata.  A listener's packet() may call
 * remove_tap_listener() on itself or another: the removal takes effect
 * when the current packet's dispatch ends.
 *
 * Refilling (Wireshark's redissection)
 * ------------------------------------
 * A listener added or changed after packets went by can be fed them
 * again, from the file or from the capture's history (capture.h).  Such a
 * listener is "pending": tap_listener_refill() (or tap_refill_all(), for
 * a new global filter) resets it and marks it so, under its own lock, so
 * each live packet was either counted before the reset (and is cleared by
 * it) or is skipped after it.  From then on tap_push_packet() skips it.
 * The thread that dispatches (the capture thread, which alone reads the
 * packets) later claims the pending listeners with tap_refill_begin(),
 * which makes them "filling"; feeds them the past with
 * tap_push_packet_refill(), from a struct dissect of its own so that the
 * live one is untouched, each listener's filter and the global one
 * applying as usual; and, between two live packets, once it has fed
 * every packet the live listeners had seen, makes them live again with
 * tap_refill_end(): the next tap_push_packet() feeds them.  Since one
 * thread does all three, a refilled listener sees every packet once and
 * in order.  A request for a listener that is already filling (a new
 * filter while it refills) makes it pending again: it is reset, the pass
 * under way skips it, and the next pass starts it afresh.  A plain reset
 * (reset_tap_listener) cancels a refill: the listener counts from the
 * next live packet.  Requests bump a counter (tap_refill_requests) that
 * the dispatching thread compares with the value it last saw.
 */
#ifndef TAPTOP_TAP_H
#define TAPTOP_TAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "packet.h"

/*
 * PROTO_TREE makes the dissectors record every field (field.h), for a
 * listener that reads edt->fields.  There is no TL_REQUIRES_COLUMNS (0x2):
 * taptop builds no packet-list column strings, and what Wireshark's
 * columns would give a listener (addresses, ports, lengths) is always in
 * pinfo, so the flag could ask for nothing.
 */
#define TL_REQUIRES_NOTHING		0x0
#define TL_REQUIRES_PROTO_TREE		0x1
#define TL_REQUIRES_ERROR_PACKET	0x4
/* Not a Wireshark flag: the global display filter does not apply to this
 * listener (the name table learns from every packet, core/names.h). */
#define TL_IGNORE_GLOBAL_FILTER		0x8

typedef enum {
	TAP_PACKET_DONT_REDRAW,		/* nothing changed worth drawing */
	TAP_PACKET_REDRAW,		/* state changed: draw me next time */
	TAP_PACKET_FAILED,		/* stop calling me until a reset */
} tap_packet_status;

typedef void (*tap_reset_cb)(void *tapdata);
typedef tap_packet_status (*tap_packet_cb)(void *tapdata,
    struct packet_info *pinfo, struct dissect *edt, const void *data);
typedef void (*tap_draw_cb)(void *tapdata);
typedef void (*tap_finish_cb)(void *tapdata);

/* Taps: registered by dissectors at start-up. */
int	 register_tap(const char *name);
int	 find_tap_id(const char *name);		/* 0 if unknown; ids start at 1 */
const char *tap_name(int id);

/* True when some listener is on the tap: skip building its data if not.
 * Inline: dissectors ask it on every layer of every packet. */
extern atomic_int tap_listened_count[TAP_ID_MAX];

static inline bool
tap_listened(int tap_id)
{
	return (tap_id > 0 && tap_id < TAP_ID_MAX &&
	    atomic_load_explicit(&tap_listened_count[tap_id],
	    memory_order_relaxed) > 0);
}

/*
 * Makes tap_listened(tap_id) true (on) or takes that back (off, once for
 * each on), with no listener on it: for a listener of one tap that reads
 * the records of others from edt->tapq (a panel of TCP and UDP ports on
 * "frame"), so that their dissectors queue them.
 */
void	 tap_hold(int tap_id, bool on);

/* Called by dissectors; data must live until the packet is done.
 * Inline: a frame's tap at least on every packet. */
static inline void
tap_queue_packet(int tap_id, struct packet_info *pinfo, const void *data)
{
	struct dissect *edt = pinfo->edt;
	struct tap_entry *e;
	uint64_t bit;
	int i;

	if (tap_id <= 0 || tap_id >= TAP_ID_MAX || edt == NULL)
		return;
	if (edt->ntap >= PACKET_TAPQ_MAX) {
		edt->tapq_full++;
		return;
	}
	i = edt->ntap++;
	e = &edt->tapq[i];
	e->tap = tap_id;
	e->in_error = pinfo->in_error_pkt;
	e->next = 0;
	e->data = data;
	bit = UINT64_C(1) << (tap_id % 64);
	if (edt->tapmask[tap_id / 64] & bit)
		edt->tapq[edt->taplast[tap_id]].next = (uint8_t)i;
	else {
		edt->tapmask[tap_id / 64] |= bit;
		edt->tapfirst[tap_id] = (uint8_t)i;
	}
	edt->taplast[tap_id] = (uint8_t)i;
}
/* Drops the entries queued from the n-th on (a dissector that takes back
 * what it dissected, to dissect the bytes again). */
void	 tap_queue_truncate(struct dissect *edt, int n);

/*
 * Listeners.  Each returns NULL on success, or an error message that the
 * caller must g_free().  tapdata identifies the listener.
 */
char	*register_tap_listener(const char *tapname, void *tapdata,
	    const char *fstring, unsigned flags, tap_reset_cb reset,
	    tap_packet_cb packet, tap_draw_cb draw, tap_finish_cb finish);
void	 remove_tap_listener(void *tapdata);

/* Compiles fstring first; a bad one leaves the old filter in force. */
char	*set_tap_dfilter(void *tapdata, const char *fstring);

/* The global display filter (-Y), ANDed into every listener's. */
char	*set_tap_global_dfilter(const char *fstring);

/* Reset: the counts start again from the next live packet, and a refill
 * under way or asked for is cancelled. */
void	 reset_tap_listeners(void);
void	 reset_tap_listener(void *tapdata);
void	 draw_tap_listeners(bool draw_all);
void	 draw_tap_listener(void *tapdata);
/* Draws the listener only if it needs a draw (above); true if it drew. */
bool	 draw_tap_listener_if_changed(void *tapdata);
bool	 have_tap_listeners(void);
/*
 * A reader on any thread (the metrics server) calls fn on
 * the listener of tapdata under the list lock and the listener's lock, as
 * a draw would, but with no draw and no change to the redraw flag; fn
 * copies what it needs and returns.  False, without calling fn, when
 * tapdata is no listener (any more): a listener in the list is alive, so
 * fn may read it.
 */
bool	 tap_listener_peek(void *tapdata,
	    void (*fn)(void *tapdata, void *arg), void *arg);

/* Dispatches the queued entries of the packet just dissected. */
void	 tap_push_packet(struct dissect *);

/* Flags of all listeners ORed, for the dissection to know its work. */
unsigned tap_listener_flags(void);

/* Refilling: see "Refilling" above. */
enum tap_refill_state {
	TAP_REFILL_NONE,		/* live */
	TAP_REFILL_PENDING,		/* reset, waiting for the next pass */
	TAP_REFILL_FILLING,		/* being fed the past */
};

/* Resets the listener and makes it pending; false if there is none. */
bool	 tap_listener_refill(void *tapdata);
/* The same for every listener. */
void	 tap_refill_all(void);
/* A counter that every request bumps. */
unsigned tap_refill_requests(void);
/* The dispatching thread: pending listeners become filling; how many. */
int	 tap_refill_begin(void);
/* Feeds the packet just dissected to the filling listeners only. */
void	 tap_push_packet_refill(struct dissect *);
/*
 * The filling listeners become live, their counts covering the packets
 * from since_ns (0: all of them, from the first) with skipped packets
 * missing (the history could not give them).  Between two packets.
 */
void	 tap_refill_end(int64_t since_ns, uint64_t skipped);
/* The listener's state, and what its last refill covered (since_ns 0 and
 * skipped 0 when it has every packet, or was never refilled). */
enum tap_refill_state tap_listener_refill_state(void *tapdata,
	    int64_t *since_ns, uint64_t *skipped);

#endif
