/*
 * Tables: what a panel produces and every front end shows.
 *
 * A panel's draw() copies its state into a struct table under the
 * listener's lock; the batch printer, the JSON printer and the TUI then
 * sort and format that copy with no lock held.  Cells keep raw values
 * (numbers, addresses, protocol paths); text is made only when shown.
 * Text cells that came from packets are escaped by whoever prints them.
 */
#ifndef TAPTOP_TABLE_H
#define TAPTOP_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "address.h"

#define TABLE_PATH_MAX	24

enum col_type {
	COL_UINT,		/* a count */
	COL_BYTES,		/* a count of bytes (human units in the TUI) */
	COL_PORT,		/* a port number */
	COL_TIME,		/* seconds, as a double */
	COL_EPOCH,		/* a moment: seconds since the epoch, as a
				 * double; NaN when there is none */
	COL_RATE,		/* bytes per second, as a double (bits in
				 * the TUI with `b`) */
	COL_BITRATE,		/* bits per second, as a double; NaN when
				 * it cannot be known */
	COL_PERCENT,		/* a share in percent, as a double */
	COL_ADDR,		/* struct address */
	COL_PATH,		/* protocol path (owned, g_malloc'd) */
	COL_TEXT,		/* text (owned, g_malloc'd) */
	COL_PER_S,		/* a count per second, as a double (the
				 * column's title says of what: packets,
				 * bits) */
	COL_TREE,		/* a node of a tree of names (stats_tree.h):
				 * its names from the top down, joined by
				 * TABLE_TREE_SEP, in .text (owned,
				 * g_malloc'd); drawn as a tree, as paths */
	COL_VALUE,		/* a measured value (a time in seconds, a
				 * length), as a double; NaN: none */
};

/* Between the names of a COL_TREE cell; never inside a name. */
#define TABLE_TREE_SEP	'\x1f'

struct table_col {
	const char	*key;		/* JSON key: "frames_ab" */
	const char	*title;		/* column heading: "Frames A→B" */
	enum col_type	 type;
};

struct cell_path {
	uint16_t	n;
	uint16_t	proto[TABLE_PATH_MAX];
};

union cell {
	uint64_t		 u;
	double			 d;
	struct address		 addr;
	struct cell_path	*path;		/* owned by the table */
	char			*text;		/* owned by the table (COL_TEXT,
						 * COL_TREE) */
};

struct table {
	const struct table_col	*cols;
	int			 ncols;
	GArray			*cells;		/* nrows * ncols union cell */
	int			 nrows;
	/* What the panel's row cap folded away: the number of distinct
	 * keys that had counts folded (an estimate when
	 * folded_rows_estimated), and the totals folded.  Shown as an
	 * "other" line.  folded_error bounds, in bytes, both what a key
	 * not in the rows carried and what a row missed before it entered;
	 * 0 when every row is exact (flowtab.h). */
	uint64_t		 folded_rows;
	bool			 folded_rows_estimated;
	uint64_t		 folded_frames;
	uint64_t		 folded_bytes;
	uint64_t		 folded_error;
	/* A streaming table (table_set_sink): each row goes to sink once
	 * the next is added or the table is flushed, and is then dropped,
	 * so the table never holds more than one row. */
	void			(*sink)(const struct table *,
				    union cell *row, void *arg);
	void			*sink_arg;
};

struct table *table_new(const struct table_col *, int ncols);
void	 table_clear(struct table *);
void	 table_free(struct table *);

/* Appends a row of zeroed cells and returns it (ncols cells). */
union cell *table_add_row(struct table *);
union cell *table_row(const struct table *, int row);
int	 table_col_index(const struct table *, const char *key); /* -1 */

/* Stable sort on one column.  A column index < 0 (table_col_index of an
 * unknown or NULL key) leaves the order alone. */
void	 table_sort(struct table *, int col, bool descending);

/* How table_sort orders two cells of a column type: <0, 0, >0. */
int	 table_cell_cmp(enum col_type, const union cell *, const union cell *);

/* A COL_TREE cell's depth (1 for a top node; 1 for NULL) and last name. */
int	 table_tree_depth(const char *);
const char *table_tree_leaf(const char *);

/* Does a column's cell own memory (COL_TEXT, COL_PATH, COL_TREE)? */
bool	 table_col_owns(enum col_type);

/*
 * Streaming: with a sink, table_add_row first hands the row before to
 * sink(t, row, arg) and drops it; table_flush hands the last.  The sink
 * may take a row's owned cells (and set them to NULL).  Whoever fills the
 * table must write each row before adding the next and never read an
 * earlier one (every panel's draw does so).  A NULL sink ends streaming.
 */
void	 table_set_sink(struct table *,
	    void (*sink)(const struct table *, union cell *, void *),
	    void *arg);
void	 table_flush(struct table *);

/* Frees a row's owned cells and sets them to NULL. */
void	 table_free_row(const struct table *, union cell *row);

/* A copy that owns its text cells. */
struct table *table_dup(const struct table *);

/* A copy of the rows for which keep(row, arg) is true, in their order,
 * with the folded totals. */
struct table *table_dup_if(const struct table *,
	    bool (*keep)(const struct table *, const union cell *row,
	    void *arg), void *arg);

#endif
