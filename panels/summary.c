/*
 * The capture in one row: packets, bytes on the wire, when it started
 * (absolute epoch seconds) and how long it lasted.  start is the earliest
 * timestamp seen and duration the latest minus the earliest, which for a
 * capture in time order is the first and the last packet, and for one out
 * of order is still never negative.  The span is kept as integer seconds
 * and nanoseconds, so a long capture does not lose precision.  Before the
 * first packet there is no start: the cell is NaN (a COL_EPOCH "none").
 */
#include <math.h>
#include <string.h>

#include <glib.h>

#include "core/panel.h"

struct summary {
	uint64_t	packets, bytes;
	int64_t		min_sec, max_sec;
	uint32_t	min_nsec, max_nsec;
};

static const struct table_col summary_cols[] = {
	{ "packets", "Packets", COL_UINT },
	{ "bytes", "Bytes", COL_BYTES },
	{ "start", "Start", COL_EPOCH },
	{ "duration", "Duration", COL_TIME },
};

static void *
summary_create(struct panel *p)
{
	(void)p;
	return (g_new0(struct summary, 1));
}

static void
summary_destroy(void *state)
{
	g_free(state);
}

static void
summary_reset(void *state)
{
	memset(state, 0, sizeof(struct summary));
}

static inline bool
ts_before(int64_t s1, uint32_t ns1, int64_t s2, uint32_t ns2)
{
	return (s1 < s2 || (s1 == s2 && ns1 < ns2));
}

static tap_packet_status
summary_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct summary *s = state;

	(void)edt;
	(void)data;
	if (s->packets == 0 || ts_before(pinfo->ts_sec, pinfo->ts_nsec,
	    s->min_sec, s->min_nsec)) {
		s->min_sec = pinfo->ts_sec;
		s->min_nsec = pinfo->ts_nsec;
	}
	if (s->packets == 0 || ts_before(s->max_sec, s->max_nsec,
	    pinfo->ts_sec, pinfo->ts_nsec)) {
		s->max_sec = pinfo->ts_sec;
		s->max_nsec = pinfo->ts_nsec;
	}
	s->packets++;
	s->bytes += pinfo->len;
	return (TAP_PACKET_REDRAW);
}

static void
summary_draw(void *state, struct panel *p)
{
	struct summary *s = state;
	union cell *row = table_add_row(p->table);

	row[0].u = s->packets;
	row[1].u = s->bytes;
	if (s->packets > 0) {
		row[2].d = (double)s->min_sec + s->min_nsec / 1e9;
		row[3].d = (double)(s->max_sec - s->min_sec) +
		    ((double)s->max_nsec - (double)s->min_nsec) / 1e9;
	} else
		row[2].d = NAN;
}

const struct panel_class panel_summary = {
	.name = "summary",
	.title = "Summary",
	.tap = "frame",
	.cols = summary_cols,
	.ncols = G_N_ELEMENTS(summary_cols),
	.create = summary_create,
	.destroy = summary_destroy,
	.reset = summary_reset,
	.packet = summary_packet,
	.draw = summary_draw,
};
