/*
 * Panels: statistics views, each a tap listener that fills a table.
 *
 * A panel class is a const struct in panels/<name>.c, listed in
 * panels/list.def.  An open panel is a struct panel: it owns the class's
 * state and the table that draw() fills.  Opening registers its tap
 * listener with the panel's filter; closing removes it (finish frees).
 * Several panels of one class, each with its own filter, can be open.
 */
#ifndef TAPTOP_PANEL_H
#define TAPTOP_PANEL_H

#include <stddef.h>
#include <stdint.h>

#include "table.h"
#include "tap.h"

#define PANEL_MAX_ROWS_DEFAULT	20000

struct panel;

struct panel_class {
	const char		*name;		/* "conv.ip" */
	const char		*title;		/* "IPv4 Conversations" */
	const char		*tap;		/* the tap it listens to */
	unsigned		 flags;		/* TL_REQUIRES_* */
	const struct table_col	*cols;
	int			 ncols;
	const char		*default_sort;	/* column key, descending */

	void	*(*create)(struct panel *);
	void	 (*destroy)(void *state);
	void	 (*reset)(void *state);
	tap_packet_status (*packet)(void *state, struct panel *,
		    struct packet_info *, struct dissect *, const void *data);
	/* Copies the state into p->table, which the caller has just
	 * cleared; called under the listener lock. */
	void	 (*draw)(void *state, struct panel *p);
};

struct panel {
	const struct panel_class *cls;
	char			*filter;	/* as typed, "" for none */
	void			*state;
	/* Filled by each draw, then sorted by panel_table(); the drawing
	 * thread's (draws happen under the listener lock, on that thread). */
	struct table		*table;
	size_t			 max_rows;	/* cap on rows kept */
	/* Draws of table so far: a reader that keeps something made from
	 * the table (a copy sorted another way, column widths) redoes it
	 * when gen moves.  sorted_gen is the gen panel_table() last sorted. */
	unsigned		 gen;
	unsigned		 sorted_gen;
};

/* The registry: panels/list.def, in order. */
const struct panel_class *panel_class_find(const char *name);
const struct panel_class *panel_class_at(int i);

/*
 * Opens a panel and registers its listener.  Returns NULL and sets *err
 * (g_free it) on an unknown name or a bad filter.
 */
struct panel *panel_open(const char *name, const char *filter,
	    size_t max_rows, char **err);
void	 panel_close(struct panel *);

/* Compiles first; on error the old filter stays and the message is
 * returned (g_free it). */
char	*panel_set_filter(struct panel *, const char *filter);

/*
 * The panel's table, current and sorted the class's way: by default_sort
 * descending, stable, or in the drawn order when the class has none
 * (protocols: tree order).  The panel is drawn only if its listener needs
 * it (tap.h: a packet that changed its state, a reset, a new filter, or
 * a new panel); an idle panel's table is returned as it was, neither
 * drawn, copied nor sorted again, and p->gen does not move.  No tap lock
 * is held while sorting.  The table stays the panel's: it must not be
 * changed or freed, and it is valid until the panel is next drawn (by
 * this, panel_snapshot or draw_tap_listener) or closed.  Only from the
 * one thread that draws, never from inside a tap callback.
 */
const struct table *panel_table(struct panel *);

/* A copy of panel_table()'s table for the caller to keep (table_free). */
struct table *panel_snapshot(struct panel *);

#endif
