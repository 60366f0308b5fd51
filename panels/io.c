/*
 * io: frames and bytes per interval of capture time for the panel's own
 * filter, with their rates per second: Wireshark's I/O graph, and the
 * table tshark -z io,stat,S,FILTER prints.  The interface draws it as a
 * chart (PANEL_CHART); batch mode prints the table.
 *
 * Interval k holds the packets whose time since the capture's first
 * packet lies in [k*S, (k+1)*S), S being the panel's interval (--interval
 * in batch mode, else 1 s: panel_set_interval), to the nanosecond.  As in
 * tshark's io,stat, a packet older than the interval in progress (out of
 * time order, or stamped before the first packet) counts in the interval
 * in progress, and the rows run from interval 0 to the clock
 * (panel_set_clock), empty ones included: a panel whose filter matched
 * nothing still has a row per interval, as tshark prints them.  A row ends
 * the table when the clock is past its start; the interval a counted
 * packet is in is always there, even when the packet is the capture's last
 * and falls exactly on the interval's start (tshark stops at the interval
 * before and leaves that packet out).
 *
 * Memory is fixed when the panel opens: a ring of the last IO_KEEP
 * intervals (or --max-rows, if smaller).  Intervals older than that fold
 * into "other": how many there were (exactly), their frames and bytes.  A
 * packet costs a division and two additions; one that moves the interval
 * on folds the slots that leave the ring, at most the ring's size, once.
 *
 * After a reset the table starts at the interval the last draw's clock
 * was in (or the one in progress): in --interval-mode delta, each line
 * then holds the rows of its own interval.
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "core/panel.h"

#define IO_KEEP		3600		/* an hour of 1 s intervals */

struct io_slot {
	uint64_t	 frames;
	uint64_t	 bytes;
};

/*
 * The slots of the intervals in [base, cur] hold their counts, every
 * other slot is zero; base = max(lo, cur - keep + 1).  Intervals in
 * [lo, base) have left the ring: their counts are in folded_*.
 */
struct io {
	int64_t		 len;		/* S, in nanoseconds */
	int64_t		 keep;		/* slots */
	int64_t		 lo;		/* the table's first interval */
	int64_t		 base;		/* the ring's oldest interval */
	int64_t		 cur;		/* the interval in progress */
	bool		 any;		/* a packet counted since lo */
	int64_t		 drawn_at;	/* the interval the last draw's
					 * clock was in, or -1 */
	uint64_t	 folded_frames;
	uint64_t	 folded_bytes;
	struct io_slot	 slot[];
};

static const struct table_col io_cols[] = {
	{ "start", "Start", COL_TIME },
	{ "frames", "Frames", COL_UINT },
	{ "bytes", "Bytes", COL_BYTES },
	{ "packets_per_s", "Packets/s", COL_PER_S },
	{ "bits_per_s", "Bits/s", COL_PER_S },
};

static struct io_slot *
io_slot(struct io *io, int64_t k)
{
	return (&io->slot[(uint64_t)k % (uint64_t)io->keep]);
}

static void *
io_create(struct panel *p)
{
	int64_t keep = (int64_t)MIN(p->max_rows, (size_t)IO_KEEP);
	struct io *io;

	keep = MAX(keep, 1);
	io = g_malloc0(sizeof(*io) + (size_t)keep * sizeof(struct io_slot));
	io->len = p->interval_ns > 0 ? p->interval_ns :
	    PANEL_INTERVAL_DEFAULT_NS;
	io->keep = keep;
	io->drawn_at = -1;
	return (io);
}

static void
io_destroy(void *state)
{
	g_free(state);
}

static void
io_reset(void *state)
{
	struct io *io = state;
	int64_t k;

	for (k = io->base; k <= io->cur; k++)
		memset(io_slot(io, k), 0, sizeof(struct io_slot));
	io->lo = io->base = io->cur = MAX(io->cur, io->drawn_at);
	io->any = false;
	io->folded_frames = io->folded_bytes = 0;
}

/* Makes k (> cur) the interval in progress: the slots that leave the
 * ring fold. */
static void
io_advance(struct io *io, int64_t k)
{
	int64_t base = MAX(io->lo, k - io->keep + 1), j;
	struct io_slot *s;

	for (j = io->base; j < base && j <= io->cur; j++) {
		s = io_slot(io, j);
		io->folded_frames += s->frames;
		io->folded_bytes += s->bytes;
		memset(s, 0, sizeof(*s));
	}
	io->base = base;
	io->cur = k;
}

/* Seconds since the first packet, in nanoseconds, kept in range. */
static int64_t
rel_ns(double rel_s)
{
	double ns = rel_s * 1e9;

	if (!(ns > -9e18))		/* NaN too */
		return (-9000000000000000000LL);
	if (ns > 9e18)
		return (9000000000000000000LL);
	return (llround(ns));
}

static tap_packet_status
io_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct io *io = state;
	int64_t rel = rel_ns(pinfo->rel_ts), k;
	struct io_slot *s;

	(void)edt;
	(void)data;
	k = rel > 0 ? rel / io->len : 0;
	if (k > io->cur)
		io_advance(io, k);
	/* Out of time order: the interval in progress, as tshark. */
	k = io->cur;
	s = io_slot(io, k);
	s->frames++;
	s->bytes += pinfo->len;
	io->any = true;
	return (TAP_PACKET_REDRAW);
}

static void
io_draw(void *state, struct panel *p)
{
	struct io *io = state;
	int64_t now = p->clock.now_ns, since = p->clock.since_ns;
	struct table *t = p->table;
	int64_t top, first, k, h;
	uint64_t frames, bytes;
	union cell *row;
	struct io_slot *s;

	top = io->any ? io->cur : io->lo - 1;
	if (since != INT64_MIN) {
		/* The rows whose start the clock has passed (the span
		 * saturates: times are clamped to +-9e18 ns, not their
		 * difference). */
		if (__builtin_sub_overflow(now, since, &h))
			h = now > 0 ? INT64_MAX : 0;
		h = MAX(h, 0);
		if (h > 0)
			top = MAX(top, (h - 1) / io->len);
		io->drawn_at = h / io->len;
	}
	if (top < io->lo)
		return;
	first = MAX(io->lo, top - io->keep + 1);
	t->folded_rows = (uint64_t)(first - io->lo);
	t->folded_frames = io->folded_frames;
	t->folded_bytes = io->folded_bytes;
	for (k = io->base; k < first && k <= io->cur; k++) {
		s = io_slot(io, k);
		t->folded_frames += s->frames;
		t->folded_bytes += s->bytes;
	}
	for (k = first; k <= top; k++) {
		frames = bytes = 0;
		if (k >= io->base && k <= io->cur) {
			s = io_slot(io, k);
			frames = s->frames;
			bytes = s->bytes;
		}
		row = table_add_row(t);
		row[0].d = (double)k * (double)io->len / 1e9;
		row[1].u = frames;
		row[2].u = bytes;
		row[3].d = (double)frames * 1e9 / (double)io->len;
		row[4].d = (double)bytes * 8e9 / (double)io->len;
	}
}

const struct panel_class panel_io = {
	.name = "io",
	.title = "I/O graph",
	.tap = "frame",
	.cols = io_cols,
	.ncols = G_N_ELEMENTS(io_cols),
	.show = PANEL_CHART,
	.create = io_create,
	.destroy = io_destroy,
	.reset = io_reset,
	.packet = io_packet,
	.draw = io_draw,
};
