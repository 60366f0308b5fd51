/*
 * Trees of named counters, for the panels that are "just counters": DNS
 * queries by type, TCP flags, ARP requests and replies, packet lengths.
 * The idea is Wireshark's stats_tree: a panel describes its nodes in a
 * table and its packet callback ticks them; the helper keeps the counts,
 * the rates and the values, bounds the nodes, and draws the tree.
 *
 * A node has a count, a rate (its ticks per second over the last 10 s of
 * capture time, rowrate.h) and, when it is given values (a response time,
 * a length), their min, average and max.  Ticking a node ticks its
 * ancestors too, with the same value: a parent is the sum of what was
 * ticked under it (and what was ticked on it alone), so "% of parent"
 * reads as a share.  A top node's share is of the packets the panel
 * counted (every packet its filter passed).
 *
 * Two kinds of node:
 *   - Static nodes are the description's rows, made at creation, shown
 *     even at 0 (tshark shows every plen bucket), in the description's
 *     order.  A tick is an array index: no lookup.
 *   - Children made on first use: a static node with key_size > 0 has
 *     children keyed by up to key_size bytes (a query type, an address, a
 *     name), found by a hash of the bytes in a flowtab (flowtab.h).  A
 *     child keeps its key, and is named only when drawn (by the node's
 *     child_name), so the packet path formats nothing and, once the child
 *     exists, allocates nothing.  Keys longer than key_size are cut there
 *     (the length they had is part of the key, and the name ends in "…").
 *     Children of a children node are not supported: an evicted parent
 *     would orphan them (protocols.c says the same of its tree).
 *
 * Bounds: each children node keeps at most MIN(max_rows,
 * STATS_TREE_CHILDREN_MAX) children, and keeps the ones ticked most
 * (flowtab's Space-Saving, weighted by ticks, one table per node so that a
 * flood of names cannot push out the rare rcodes beside them).  What an
 * evicted child had counted is shown in a last child, "(other)", with the
 * number of distinct keys folded (an estimate) in the table's folded
 * totals.  Static nodes are bounded by the description.
 *
 * The table (draw, depth first): the node as a COL_TREE cell (its names
 * from the top), Count, Rate/s (10 s), % Parent, and with values Min, Avg,
 * Max (COL_VALUE, NaN where the node has none).  Static children come in
 * the description's order, then the children made on first use by count,
 * descending, ties in the order first seen, then "(other)".
 *
 * A panel on it is a description plus STATS_TREE_PANEL (below).  Not
 * locked: the panel glue calls it under the listener's lock.
 */
#ifndef TAPTOP_STATS_TREE_H
#define TAPTOP_STATS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "panel.h"
#include "rowrate.h"
#include "table.h"
#include "tap.h"

#define STATS_TREE_CHILDREN_MAX	4096	/* children kept per node */
#define STATS_TREE_KEY_MAX	128	/* bytes of a child's key kept */
#define STATS_TREE_NAME_MAX	256	/* a child's name, at draw */
#define STATS_TREE_RATE_WINDOW	10	/* seconds, the Rate/s column */
#define STATS_TREE_OTHER	"(other)"
#define STATS_TREE_TAPS_MAX	4

struct stats_tree;

/* One static node of a description. */
struct stats_tree_node {
	/* "Queries by type"; never TABLE_TREE_SEP in it */
	const char	*name;
	int		 parent;	/* an earlier node; -1: top */
	/* > 0: the node has children made on first use, keyed by up to
	 * key_size bytes (at most STATS_TREE_KEY_MAX). */
	size_t		 key_size;
	/* Names a child from its key at draw time (len: the key's bytes
	 * kept; cut: longer keys were cut).  NULL: the key's bytes as
	 * text.  Writes a NUL-terminated name into buf. */
	void		 (*child_name)(const void *key, size_t len,
			    char *buf, size_t size);
	/* Drill-down: the filter of the node's packets, or NULL. */
	const char	*filter;
	/* The filter of a child's packets from its name as drawn, g_malloc'd,
	 * or NULL (then the child has none). */
	char		*(*child_filter)(const char *name);
	/* Its count is bytes (stats_tree_add_key), not packets: a top node
	 * then has its "% Parent" of all the bytes the tree saw. */
	bool		 bytes;
};

/* Which value columns a stats-tree table has. */
enum stats_tree_values {
	STATS_TREE_NO_VALUES,
	STATS_TREE_SECONDS,		/* Min (s), Avg (s), Max (s) */
	STATS_TREE_NUMBERS,		/* Min, Avg, Max */
};

/* A panel's description: its nodes and its callbacks. */
struct stats_tree_desc {
	const struct stats_tree_node *nodes;
	int			 nnodes;
	enum stats_tree_values	 values;
	/* Taps whose records packet() reads from edt->tapq besides its own
	 * (a panel of TCP and UDP ports listens to "frame"): held listened
	 * (tap_hold) while the tree lives; stats_tree_tap() gives the ids. */
	const char		*more_taps[STATS_TREE_TAPS_MAX];
	/* The panel's own state beside the counters (requests waiting for
	 * their answer, per-flow state), or NULL hooks for none. */
	void	*(*create)(struct stats_tree *);
	void	 (*destroy)(void *own);
	void	 (*reset)(void *own);
	/* One packet: tick the nodes.  pinfo's time is already the tree's. */
	tap_packet_status (*packet)(struct stats_tree *, void *own,
		    struct packet_info *, struct dissect *, const void *data);
	/* Before each draw, at the capture time now_ns (panel.h's clock):
	 * counts that come from time passing (a SYN that got no answer in
	 * time).  Returns until when such counts may still change with no
	 * packet (the panel is drawn again until then), or INT64_MIN. */
	int64_t	 (*predraw)(struct stats_tree *, void *own,
		    int64_t now_ns);
};

/* The columns for each kind of values, and how many. */
#define STATS_TREE_NCOLS_NO_VALUES	4
#define STATS_TREE_NCOLS_SECONDS	7
#define STATS_TREE_NCOLS_NUMBERS	7
extern const struct table_col stats_tree_cols_NO_VALUES[4];
extern const struct table_col stats_tree_cols_SECONDS[7];
extern const struct table_col stats_tree_cols_NUMBERS[7];

/* A tree of a description; max_rows caps each children node. */
struct stats_tree *stats_tree_new(const struct stats_tree_desc *,
	    size_t max_rows);
void	 stats_tree_free(struct stats_tree *);
/* Every count to 0 and every child gone (the description's reset too). */
void	 stats_tree_reset(struct stats_tree *);
void	*stats_tree_own(const struct stats_tree *);
/* The id of the description's more_taps[i] (0: none). */
int	 stats_tree_tap(const struct stats_tree *, int i);

/* Starts a packet: counts it as the root's, and takes its time for the
 * rates.  The panel glue calls it before the description's packet(). */
void	 stats_tree_begin(struct stats_tree *, const struct packet_info *);

/* Ticks a static node and its ancestors. */
void	 stats_tree_tick(struct stats_tree *, int node);
/* The same with a value (a time in seconds, a length). */
void	 stats_tree_value(struct stats_tree *, int node, double v);

/* Ticks the child of `parent` keyed by key[0..len) (made on first use),
 * and parent's line up. */
void	 stats_tree_tick_key(struct stats_tree *, int parent,
	    const void *key, size_t len);
void	 stats_tree_value_key(struct stats_tree *, int parent,
	    const void *key, size_t len, double v);
/* Counts n for the child (bytes rather than packets: a node whose count
 * is a sum, its name says of what); its rates are then n per second. */
void	 stats_tree_add_key(struct stats_tree *, int parent,
	    const void *key, size_t len, uint32_t n);

/* Keys of a number: 4 bytes, host order; named in decimal. */
static inline void
stats_tree_tick_u32(struct stats_tree *st, int parent, uint32_t v)
{
	stats_tree_tick_key(st, parent, &v, sizeof(v));
}

/* Child namers for the usual keys: a uint32_t (stats_tree_tick_u32) in
 * decimal, a struct address as text. */
void	 stats_tree_name_u32(const void *, size_t, char *, size_t);
void	 stats_tree_name_addr(const void *, size_t, char *, size_t);

/* A node's count (tests); a child's by key, 0 when it is not kept. */
uint64_t stats_tree_count(const struct stats_tree *, int node);
uint64_t stats_tree_count_key(struct stats_tree *, int parent,
	    const void *key, size_t len);

/* Fills t (cleared, with this description's columns) at clock. */
void	 stats_tree_draw(struct stats_tree *, struct table *t,
	    const struct rowrate_clock *);

/* The panel glue STATS_TREE_PANEL uses. */
void	*stats_tree_panel_create(struct panel *,
	    const struct stats_tree_desc *);
void	 stats_tree_panel_destroy(void *);
void	 stats_tree_panel_reset(void *);
tap_packet_status stats_tree_panel_packet(void *, struct packet_info *,
	    struct dissect *, const void *);
void	 stats_tree_panel_draw(void *, struct panel *);
char	*stats_tree_row_filter(const struct stats_tree_desc *,
	    const struct table *, int row);

/*
 * A panel class from a description: panel_<id>, named NAME, titled TITLE,
 * listening to TAP; VALUES is NO_VALUES, SECONDS or NUMBERS (the
 * description's .values).  For example:
 *
 *	STATS_TREE_PANEL(arp, "arp", "ARP", "arp", NO_VALUES, arp_desc)
 */
#define STATS_TREE_PANEL(id, NAME, TITLE, TAP, VALUES, DESC)		\
static void *								\
id##_st_create(struct panel *p)						\
{									\
	return (stats_tree_panel_create(p, &(DESC)));			\
}									\
static char *								\
id##_st_row_filter(const struct panel_class *cls,			\
    const struct table *t, int row)					\
{									\
	(void)cls;							\
	return (stats_tree_row_filter(&(DESC), t, row));		\
}									\
const struct panel_class panel_##id = {					\
	.name = NAME,							\
	.title = TITLE,							\
	.tap = TAP,							\
	.cols = stats_tree_cols_##VALUES,				\
	.ncols = STATS_TREE_NCOLS_##VALUES,				\
	.default_sort = NULL,						\
	.create = id##_st_create,					\
	.destroy = stats_tree_panel_destroy,				\
	.reset = stats_tree_panel_reset,				\
	.packet = stats_tree_panel_packet,				\
	.draw = stats_tree_panel_draw,					\
	.row_filter = id##_st_row_filter,				\
}

#endif
