/*
 * Panels: statistics views, each a tap listener that fills a table.
 *
 * A panel class is a const struct in panels/<name>.c, listed in
 * panels/list.def.  An open panel is a struct panel: it owns the class's
 * state and the table that draw() fills.  Opening registers its tap
 * listener with the panel's filter; closing removes it (finish frees).
 * Several panels of one class, each with its own filter, can be open.
 *
 * A composite class (parts != NULL: the overview) is a set of panels
 * shown together: opening it opens each part, an ordinary panel, with the
 * composite's filter; it has no listener, state or table of its own.
 * Closing it and setting its filter act on every part.  Whoever shows it
 * shows its parts (batch mode lists them as panels of their own).
 */
#ifndef TAPTOP_PANEL_H
#define TAPTOP_PANEL_H

#include <stddef.h>
#include <stdint.h>

#include "rowrate.h"
#include "table.h"
#include "tap.h"

#include <glib.h>

#define PANEL_MAX_ROWS_DEFAULT	20000

/*
 * A time series: one row per interval of capture time, in time order,
 * with its start ("start", COL_TIME, seconds since the first packet) and
 * rates per second (COL_PER_S).  The interface draws it as a chart, not
 * as a table; batch mode prints the table.
 */
#define PANEL_CHART		0x1

/* The intervals a time series cuts when --interval does not say. */
#define PANEL_INTERVAL_DEFAULT_NS	1000000000LL

#define PANEL_PARTS_MAX		4	/* panels in a composite */

struct panel;

struct panel_class {
	const char		*name;		/* "conv.ip" */
	const char		*title;		/* "IPv4 Conversations" */
	const char		*tap;		/* the tap it listens to */
	unsigned		 flags;		/* TL_REQUIRES_* */
	const struct table_col	*cols;
	int			 ncols;
	const char		*default_sort;	/* column key, descending */
	unsigned		 show;		/* PANEL_CHART: how the
						 * interface draws it */
	unsigned		 opts;		/* the class's own: lets one
						 * engine serve several classes
						 * (conv.*, endpoints.*) */
	const char *const	*parts;		/* a composite's part classes,
						 * NULL-ended; NULL: not one */

	void	*(*create)(struct panel *);
	void	 (*destroy)(void *state);
	void	 (*reset)(void *state);
	tap_packet_status (*packet)(void *state, struct packet_info *,
		    struct dissect *, const void *data);
	/* Copies the state into p->table, which the caller has just
	 * cleared; called under the listener lock. */
	void	 (*draw)(void *state, struct panel *p);
	/*
	 * Drill-down: the display filter that selects the packets of row
	 * `row` of a table this class drew (in any order, any sort), as a
	 * person would type it.  g_free it.  NULL when the row cannot be
	 * named so; a class without the hook (summary) has no row filters.
	 * Reads the row's cells by column key, never by position.
	 */
	char	*(*row_filter)(const struct panel_class *,
		    const struct table *, int row);
};

struct panel {
	const struct panel_class *cls;
	char			*filter;	/* as typed, "" for none */
	struct panel		*part[PANEL_PARTS_MAX];	/* a composite's */
	int			 nparts;
	void			*state;
	struct table		*table;		/* filled by draw */
	size_t			 max_rows;	/* cap on rows kept */
	int64_t			 interval_ns;	/* a time series' interval,
						 * from panel_set_interval */
	/* Draws so far, and the count when table was last taken by a
	 * snapshot: equal when table holds nothing new.  The drawing
	 * thread's, as table is. */
	unsigned		 drawn;
	unsigned		 taken;
	/* The capture time the panel is drawn at (panel_set_clock), the
	 * clock of its last draw, and when every rate of the panel is 0
	 * until another packet comes (set by draw; INT64_MIN: now, or a
	 * class without rates).  The drawing thread's, as table is. */
	struct rowrate_clock	 clock;
	struct rowrate_clock	 drawn_clock;
	int64_t			 quiet_after_ns;
	/* A number no other panel of the run has, and the
	 * real time (microseconds since the epoch) its counts start from:
	 * the open, or the last reset (under the listener lock). */
	uint64_t		 id;
	int64_t			 start_us;
};

/* The registry: panels/list.def, in order. */
const struct panel_class *panel_class_find(const char *name);
const struct panel_class *panel_class_at(int i);

/*
 * Opens a panel and registers its listener (a composite: its parts).
 * Returns NULL and sets *err (g_free it) on an unknown name or a bad
 * filter.
 */
struct panel *panel_open(const char *name, const char *filter,
	    size_t max_rows, char **err);
void	 panel_close(struct panel *);

/* The row filter of a class's table (the hook above), or NULL. */
static inline char *
panel_row_filter(const struct panel_class *cls, const struct table *t,
    int row)
{
	if (cls == NULL || cls->row_filter == NULL || t == NULL || row < 0 ||
	    row >= t->nrows)
		return (NULL);
	return (cls->row_filter(cls, t, row));
}

/* Compiles first; on error the old filter stays and the message is
 * returned (g_free it). */
char	*panel_set_filter(struct panel *, const char *filter);

/*
 * The interval of the time series opened from now on (PANEL_CHART: the
 * io panel), in seconds: --interval in batch mode, so that its rows are
 * the snapshots' intervals; PANEL_INTERVAL_DEFAULT_NS when never set or
 * set to 0.  A panel keeps the interval it was opened with.
 */
void	 panel_set_interval(double seconds);

/*
 * Sets the capture time the next draws are at: now (live, the clock; a
 * replay, the replayed time; a file read at full speed, its last packet;
 * batch --interval, the interval's end) and the capture's first packet,
 * where rate windows are cut (INT64_MIN: none yet, nowhere).  A panel
 * whose clock was never set draws its rates at the epoch's start: all 0.
 * A time series draws its rows up to now, empty ones included.  Only from
 * the thread that draws.
 */
void	 panel_set_clock(struct panel *, int64_t now_ns, int64_t since_ns);

/*
 * Draws the panel (draw_tap_listener) and returns its table sorted the
 * class's way: by default_sort descending, stable, or in the drawn order
 * when the class has none (protocols: tree order).  The table is handed
 * over, not copied (the panel gets a fresh one for its next draw), so it
 * is the caller's to table_free; no tap lock is held while sorting.  A
 * composite has no table: NULL (show its parts).  Only
 * from the one thread that draws, never from inside a tap callback.
 */
struct table *panel_snapshot(struct panel *);

/*
 * The same, but only if there is something new: when the panel's
 * listener needs no draw (tap.h: no packet changed its state, no reset,
 * no new filter), nothing has drawn it since the last snapshot, its
 * rates are as they were (the clock has not moved, or every rate was
 * already 0 at the last draw and stays so) and, for a time series, the
 * clock has not moved since its last draw, it returns NULL having drawn,
 * copied and sorted nothing, and the caller keeps the table it took last
 * time, which is still current.  A tick over idle panels so costs a lock
 * and a test each (a panel whose last packet is more than 41 s of capture
 * time old is idle).
 */
struct table *panel_snapshot_if_changed(struct panel *);

/*
 * Hands back a table a snapshot gave and the caller no longer needs: the
 * panel's next draw refills it in place, with the room it has, instead of
 * growing a new one (a caller that snapshots again and again: --interval).
 * NULL does nothing.  Only from the thread that draws.
 */
void	 panel_give_table(struct panel *, struct table *);

/*
 * The open panels, for a reader on another thread (the
 * metrics server).  Every panel with a listener is listed from its open
 * to its close, with a copy of its filter that panel_set_filter keeps
 * current.  panel_list_open() copies the list (g_ptr_array_unref it);
 * panel_peek() draws one entry's panel into a new table, sorted as
 * panel_snapshot sorts, under the listener's lock (tap_listener_peek)
 * and with no effect on the drawing thread's table or redraw flag; NULL
 * when that panel has closed since.  *start_us gets its start_us.
 */
struct panel_entry {
	struct panel		*p;	/* only for tap_listener_peek */
	uint64_t		 id;
	const struct panel_class *cls;
	char			*filter;
};

GPtrArray *panel_list_open(void);
struct table *panel_peek(const struct panel_entry *, int64_t *start_us);

#endif
