/*
 * The tap engine; the contract is in tap.h.
 *
 * Listeners form a singly linked list guarded by list_lock.  Each carries
 * its compiled filter, its callbacks and its own lock.  Removal from inside
 * a callback (packet or draw, which hold list_lock for reading) cannot take
 * the write lock, so it is deferred: the listener is marked dead and reaped
 * once the walk is over.
 *
 * The list lock is a POSIX read-write lock rather than a GRWLock: glib
 * implements its locks with raw futexes and lazy allocation that
 * ThreadSanitizer cannot see, so a TSan build would report races that are
 * not there (and could miss ones that are).  A listener's own lock is a
 * spin lock on a C11 atomic that yields while it waits: it is taken for
 * every packet, where a mutex's two calls cost a tenth of the packet's
 * time, and it is held only for a packet() or a draw() copy, which the
 * contract keeps short.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include <glib.h>

#include "dfilter/dfilter.h"
#include "tap.h"

#define TAP_MAX	TAP_ID_MAX	/* core/packet.h */

struct tap_listener {
	struct tap_listener	*next;
	int			 tap_id;
	/* Where the tap's bit is in a packet's tapmask, for dispatch. */
	unsigned		 tap_word;
	uint64_t		 tap_bit;
	void			*tapdata;
	unsigned		 flags;
	char			*fstring;
	struct dfilter		*filter;
	tap_reset_cb		 reset;
	tap_packet_cb		 packet;
	tap_draw_cb		 draw;
	tap_finish_cb		 finish;

	atomic_bool		 busy;		/* the lock around every callback */
	bool			 redraw;	/* under lock: needs a draw */
	bool			 failed;	/* under lock */
	atomic_bool		 dead;		/* removal pending */
	/* enum tap_refill_state: changed under the lock, read without it
	 * only to skip a listener early (and again under the lock). */
	atomic_int		 refill;
	atomic_int_fast64_t	 since_ns;	/* what the last refill covered */
	atomic_uint_fast64_t	 skipped;
};

static inline void
listener_lock(struct tap_listener *l)
{
	int spins = 0;

	while (atomic_exchange_explicit(&l->busy, true, memory_order_acquire))
		if (++spins >= 64) {
			sched_yield();
			spins = 0;
		}
}

static inline void
listener_unlock(struct tap_listener *l)
{
	atomic_store_explicit(&l->busy, false, memory_order_release);
}

static char *tap_names[TAP_MAX];
static int ntaps;
/* Listeners per tap, read by tap_listened() (tap.h) on every layer. */
atomic_int tap_listened_count[TAP_MAX];

static pthread_rwlock_t list_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct tap_listener *listeners;
static struct dfilter *global_filter;		/* under list_lock */
static atomic_uint all_flags;

/* Nonzero while this thread walks the list inside a callback. */
static _Thread_local int walking;
static atomic_bool reap_pending;
/* Bumped by every refill request, for the feeding thread to notice. */
static atomic_uint refill_requests;

int
register_tap(const char *name)
{
	int id = find_tap_id(name);

	if (id > 0)
		return (id);
	if (ntaps >= TAP_MAX - 1)
		g_error("too many taps (%d)", TAP_MAX);
	tap_names[++ntaps] = g_strdup(name);
	return (ntaps);
}

int
find_tap_id(const char *name)
{
	int i;

	for (i = 1; i <= ntaps; i++)
		if (strcmp(tap_names[i], name) == 0)
			return (i);
	return (0);
}

const char *
tap_name(int id)
{
	return (id > 0 && id <= ntaps ? tap_names[id] : NULL);
}

void
tap_hold(int tap_id, bool on)
{
	if (tap_id > 0 && tap_id < TAP_MAX)
		atomic_fetch_add(&tap_listened_count[tap_id], on ? 1 : -1);
}

void
tap_queue_truncate(struct dissect *edt, int n)
{
	struct tap_entry *e;
	int i;

	if (n >= edt->ntap)
		return;
	memset(edt->tapmask, 0, sizeof(edt->tapmask));
	for (i = 0; i < n; i++) {
		e = &edt->tapq[i];
		e->next = 0;
		if (edt->tapmask[e->tap / 64] & (UINT64_C(1) << (e->tap % 64)))
			edt->tapq[edt->taplast[e->tap]].next = (uint8_t)i;
		else {
			edt->tapmask[e->tap / 64] |= UINT64_C(1) << (e->tap % 64);
			edt->tapfirst[e->tap] = (uint8_t)i;
		}
		edt->taplast[e->tap] = (uint8_t)i;
	}
	edt->ntap = n;
}

static void
recompute_flags(void)
{
	struct tap_listener *l;
	unsigned f = 0;

	for (l = listeners; l != NULL; l = l->next)
		if (!atomic_load(&l->dead))
			f |= l->flags;
	atomic_store(&all_flags, f);
	atomic_store(&field_want_everything,
	    (f & TL_REQUIRES_PROTO_TREE) != 0);
}

unsigned
tap_listener_flags(void)
{
	return (atomic_load(&all_flags));
}

bool
have_tap_listeners(void)
{
	bool any;

	pthread_rwlock_rdlock(&list_lock);
	any = listeners != NULL;
	pthread_rwlock_unlock(&list_lock);
	return (any);
}

static struct tap_listener *
find_listener(void *tapdata)
{
	struct tap_listener *l;

	for (l = listeners; l != NULL; l = l->next)
		if (l->tapdata == tapdata && !atomic_load(&l->dead))
			return (l);
	return (NULL);
}

static void
listener_free(struct tap_listener *l)
{
	if (l->finish != NULL)
		l->finish(l->tapdata);
	dfilter_free(l->filter);
	g_free(l->fstring);
	g_free(l);
}

char *
register_tap_listener(const char *tapname, void *tapdata, const char *fstring,
    unsigned flags, tap_reset_cb reset, tap_packet_cb packet, tap_draw_cb draw,
    tap_finish_cb finish)
{
	struct tap_listener *l;
	struct dfilter *df;
	char *err;
	int id;

	id = find_tap_id(tapname);
	if (id == 0)
		return (g_strdup_printf("There is no tap named \"%s\".",
		    tapname));
	if (walking)
		return (g_strdup("A tap listener cannot be registered from "
		    "inside a tap callback."));
	if ((err = dfilter_compile(fstring, &df)) != NULL)
		return (err);
	l = g_new0(struct tap_listener, 1);
	l->tap_id = id;
	l->tap_word = (unsigned)id / 64;
	l->tap_bit = UINT64_C(1) << ((unsigned)id % 64);
	l->tapdata = tapdata;
	l->flags = flags;
	l->fstring = g_strdup(fstring != NULL ? fstring : "");
	l->filter = df;
	l->reset = reset;
	l->packet = packet;
	l->draw = draw;
	l->finish = finish;
	l->redraw = true;

	pthread_rwlock_wrlock(&list_lock);
	dfilter_prime(df, true);
	l->next = listeners;
	listeners = l;
	atomic_fetch_add(&tap_listened_count[id], 1);
	recompute_flags();
	pthread_rwlock_unlock(&list_lock);
	return (NULL);
}

/* Unlinks dead listeners; the caller holds the write lock. */
static struct tap_listener *
unlink_dead(void)
{
	struct tap_listener **lp, *l, *gone = NULL;

	for (lp = &listeners; (l = *lp) != NULL;) {
		if (atomic_load(&l->dead)) {
			*lp = l->next;
			dfilter_prime(l->filter, false);
			atomic_fetch_sub(&tap_listened_count[l->tap_id], 1);
			l->next = gone;
			gone = l;
		} else
			lp = &l->next;
	}
	recompute_flags();
	return (gone);
}

static void
free_list(struct tap_listener *gone)
{
	struct tap_listener *next;

	for (; gone != NULL; gone = next) {
		next = gone->next;
		listener_free(gone);
	}
}

static void
reap(void)
{
	struct tap_listener *gone;

	if (!atomic_load_explicit(&reap_pending, memory_order_relaxed) ||
	    !atomic_exchange(&reap_pending, false))
		return;
	pthread_rwlock_wrlock(&list_lock);
	gone = unlink_dead();
	pthread_rwlock_unlock(&list_lock);
	free_list(gone);
}

void
remove_tap_listener(void *tapdata)
{
	struct tap_listener *l, *gone;

	if (walking) {
		/* Inside a callback: we already hold the read lock. */
		if ((l = find_listener(tapdata)) != NULL) {
			atomic_store(&l->dead, true);
			atomic_store(&reap_pending, true);
		}
		return;
	}
	pthread_rwlock_wrlock(&list_lock);
	if ((l = find_listener(tapdata)) != NULL)
		atomic_store(&l->dead, true);
	gone = unlink_dead();
	pthread_rwlock_unlock(&list_lock);
	free_list(gone);
}

/*
 * A new filter makes whatever the listener drew last stale (whether or not
 * its owner resets it), so its next draw must happen even if no packet
 * matches.  The caller holds the list lock for writing.
 */
static void
want_redraw(struct tap_listener *l)
{
	listener_lock(l);
	l->redraw = true;
	listener_unlock(l);
}

char *
set_tap_dfilter(void *tapdata, const char *fstring)
{
	struct tap_listener *l;
	struct dfilter *df, *old = NULL;
	char *err;

	if (walking)
		return (g_strdup("A filter cannot be changed from inside a "
		    "tap callback."));
	if ((err = dfilter_compile(fstring, &df)) != NULL)
		return (err);
	pthread_rwlock_wrlock(&list_lock);
	l = find_listener(tapdata);
	if (l == NULL) {
		pthread_rwlock_unlock(&list_lock);
		dfilter_free(df);
		return (g_strdup("No such tap listener."));
	}
	old = l->filter;
	dfilter_prime(old, false);
	dfilter_prime(df, true);
	l->filter = df;
	g_free(l->fstring);
	l->fstring = g_strdup(fstring != NULL ? fstring : "");
	want_redraw(l);
	pthread_rwlock_unlock(&list_lock);
	dfilter_free(old);
	return (NULL);
}

char *
set_tap_global_dfilter(const char *fstring)
{
	struct tap_listener *l;
	struct dfilter *df, *old;
	char *err;

	if (walking)
		return (g_strdup("A filter cannot be changed from inside a "
		    "tap callback."));
	if ((err = dfilter_compile(fstring, &df)) != NULL)
		return (err);
	pthread_rwlock_wrlock(&list_lock);
	old = global_filter;
	dfilter_prime(old, false);
	dfilter_prime(df, true);
	global_filter = df;
	for (l = listeners; l != NULL; l = l->next)
		want_redraw(l);
	pthread_rwlock_unlock(&list_lock);
	dfilter_free(old);
	return (NULL);
}

/*
 * Resets the listener and puts it in the refill state given, under its
 * lock: a packet dispatched to it is either counted before the reset or
 * skipped after it, never counted after (tap.h).
 */
static void
reset_one(struct tap_listener *l, enum tap_refill_state st)
{
	listener_lock(l);
	atomic_store_explicit(&l->refill, (int)st, memory_order_relaxed);
	if (st == TAP_REFILL_NONE) {
		atomic_store_explicit(&l->since_ns, 0, memory_order_relaxed);
		atomic_store_explicit(&l->skipped, 0, memory_order_relaxed);
	}
	l->failed = false;
	l->redraw = true;
	if (l->reset != NULL)
		l->reset(l->tapdata);
	listener_unlock(l);
}

static void
reset_all(enum tap_refill_state st)
{
	struct tap_listener *l;

	pthread_rwlock_rdlock(&list_lock);
	walking++;
	for (l = listeners; l != NULL; l = l->next)
		if (!atomic_load(&l->dead))
			reset_one(l, st);
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
}

static bool
reset_listener(void *tapdata, enum tap_refill_state st)
{
	struct tap_listener *l;

	pthread_rwlock_rdlock(&list_lock);
	walking++;
	if ((l = find_listener(tapdata)) != NULL)
		reset_one(l, st);
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
	return (l != NULL);
}

void
reset_tap_listeners(void)
{
	reset_all(TAP_REFILL_NONE);
}

void
reset_tap_listener(void *tapdata)
{
	(void)reset_listener(tapdata, TAP_REFILL_NONE);
}

/* ---- refilling (tap.h) ---- */

bool
tap_listener_refill(void *tapdata)
{
	if (!reset_listener(tapdata, TAP_REFILL_PENDING))
		return (false);
	atomic_fetch_add(&refill_requests, 1);
	return (true);
}

void
tap_refill_all(void)
{
	reset_all(TAP_REFILL_PENDING);
	atomic_fetch_add(&refill_requests, 1);
}

unsigned
tap_refill_requests(void)
{
	return (atomic_load(&refill_requests));
}

int
tap_refill_begin(void)
{
	struct tap_listener *l;
	int n = 0;

	pthread_rwlock_rdlock(&list_lock);
	for (l = listeners; l != NULL; l = l->next) {
		if (atomic_load(&l->dead))
			continue;
		listener_lock(l);
		if (atomic_load_explicit(&l->refill, memory_order_relaxed) ==
		    TAP_REFILL_PENDING) {
			atomic_store_explicit(&l->refill, TAP_REFILL_FILLING,
			    memory_order_relaxed);
			n++;
		}
		listener_unlock(l);
	}
	pthread_rwlock_unlock(&list_lock);
	return (n);
}

void
tap_refill_end(int64_t since_ns, uint64_t skipped)
{
	struct tap_listener *l;

	pthread_rwlock_rdlock(&list_lock);
	for (l = listeners; l != NULL; l = l->next) {
		listener_lock(l);
		if (atomic_load_explicit(&l->refill, memory_order_relaxed) ==
		    TAP_REFILL_FILLING) {
			atomic_store_explicit(&l->refill, TAP_REFILL_NONE,
			    memory_order_relaxed);
			atomic_store_explicit(&l->since_ns, since_ns,
			    memory_order_relaxed);
			atomic_store_explicit(&l->skipped, skipped,
			    memory_order_relaxed);
			l->redraw = true;
		}
		listener_unlock(l);
	}
	pthread_rwlock_unlock(&list_lock);
}

enum tap_refill_state
tap_listener_refill_state(void *tapdata, int64_t *since_ns, uint64_t *skipped)
{
	struct tap_listener *l;
	enum tap_refill_state st = TAP_REFILL_NONE;
	int64_t since = 0;
	uint64_t sk = 0;

	pthread_rwlock_rdlock(&list_lock);
	if ((l = find_listener(tapdata)) != NULL) {
		st = (enum tap_refill_state)atomic_load(&l->refill);
		since = atomic_load(&l->since_ns);
		sk = atomic_load(&l->skipped);
	}
	pthread_rwlock_unlock(&list_lock);
	if (since_ns != NULL)
		*since_ns = since;
	if (skipped != NULL)
		*skipped = sk;
	return (st);
}

/* Returns whether it called draw(). */
static bool
draw_one(struct tap_listener *l, bool always)
{
	bool drew = false;

	listener_lock(l);
	if ((always || l->redraw) && l->draw != NULL) {
		l->redraw = false;
		l->draw(l->tapdata);
		drew = true;
	}
	listener_unlock(l);
	return (drew);
}

void
draw_tap_listeners(bool draw_all)
{
	struct tap_listener *l;

	pthread_rwlock_rdlock(&list_lock);
	walking++;
	for (l = listeners; l != NULL; l = l->next)
		if (!atomic_load(&l->dead))
			(void)draw_one(l, draw_all);
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
}

static bool
draw_listener(void *tapdata, bool always)
{
	struct tap_listener *l;
	bool drew = false;

	pthread_rwlock_rdlock(&list_lock);
	walking++;
	if ((l = find_listener(tapdata)) != NULL)
		drew = draw_one(l, always);
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
	return (drew);
}

/* Tap.h's tap_listener_peek. */
bool
tap_listener_peek(void *tapdata, void (*fn)(void *tapdata, void *arg),
    void *arg)
{
	struct tap_listener *l;

	pthread_rwlock_rdlock(&list_lock);
	walking++;
	if ((l = find_listener(tapdata)) != NULL) {
		listener_lock(l);
		fn(l->tapdata, arg);
		listener_unlock(l);
	}
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
	return (l != NULL);
}

void
draw_tap_listener(void *tapdata)
{
	(void)draw_listener(tapdata, true);
}

bool
draw_tap_listener_if_changed(void *tapdata)
{
	return (draw_listener(tapdata, false));
}

/* Does the listener's own filter, and the global one, pass this packet? */
static bool
listener_matches(const struct tap_listener *l, const struct dissect *edt)
{
	if (global_filter != NULL && !(l->flags & TL_IGNORE_GLOBAL_FILTER) &&
	    !dfilter_apply(global_filter, edt))
		return (false);
	return (l->filter == NULL || dfilter_apply(l->filter, edt));
}

/* Feeds the packet to the listeners in refill state want: the live ones
 * (NONE), or those a refill is feeding (FILLING). */
static void
dispatch(struct dissect *edt, enum tap_refill_state want)
{
	struct packet_info *pinfo = &edt->pinfo;
	struct tap_listener *l;
	tap_packet_status st;
	int i, matched;

	if (edt->ntap == 0)
		return;
	pthread_rwlock_rdlock(&list_lock);
	walking++;
	for (l = listeners; l != NULL; l = l->next) {
		if (!(edt->tapmask[l->tap_word] & l->tap_bit))
			continue;
		/* Early, to skip the filter; decided under the lock. */
		if (atomic_load_explicit(&l->refill, memory_order_relaxed) !=
		    (int)want)
			continue;
		matched = -1;
		for (i = edt->tapfirst[l->tap_id]; i >= 0;
		    i = edt->tapq[i].next != 0 ? edt->tapq[i].next : -1) {
			const struct tap_entry *e = &edt->tapq[i];

			if (e->in_error &&
			    !(l->flags & TL_REQUIRES_ERROR_PACKET))
				continue;
			if (atomic_load_explicit(&l->dead,
			    memory_order_relaxed))
				break;
			/* The filter is about the whole packet: once. */
			if (matched < 0)
				matched = listener_matches(l, edt);
			if (!matched)
				break;
			listener_lock(l);
			if (!l->failed && atomic_load_explicit(&l->refill,
			    memory_order_relaxed) == (int)want) {
				st = l->packet(l->tapdata, pinfo, edt, e->data);
				if (st == TAP_PACKET_REDRAW && !l->redraw)
					l->redraw = true;
				else if (st == TAP_PACKET_FAILED)
					l->failed = true;
			}
			listener_unlock(l);
		}
	}
	walking--;
	pthread_rwlock_unlock(&list_lock);
	reap();
}

void
tap_push_packet(struct dissect *edt)
{
	dispatch(edt, TAP_REFILL_NONE);
}

void
tap_push_packet_refill(struct dissect *edt)
{
	dispatch(edt, TAP_REFILL_FILLING);
}
