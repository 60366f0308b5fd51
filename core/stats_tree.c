/*
 * Trees of named counters; the design is in stats_tree.h.
 *
 * The static nodes are an array in the description's order, with their
 * first child and next sibling worked out once at creation, so draw()
 * walks the tree without searching.  A node with children made on first
 * use has a flowtab of them: the key is the length the caller gave
 * (capped at 0xffff) and the first key_size bytes, zero-padded, built in
 * a scratch buffer of the tree (no allocation); the value is the child's
 * counts.  The node also counts every tick given to its children, and
 * their rate, so that "(other)" is what the kept children do not hold.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "flowtab.h"
#include "stats_tree.h"

#define COLS_COMMON \
	{ "node", "Topic / Item", COL_TREE }, \
	{ "count", "Count", COL_UINT }, \
	{ "rate_10s", "Rate/s 10s", COL_PER_S }, \
	{ "pct_parent", "% Parent", COL_PERCENT }

const struct table_col stats_tree_cols_NO_VALUES[4] = { COLS_COMMON };
const struct table_col stats_tree_cols_SECONDS[7] = {
	COLS_COMMON,
	{ "min", "Min (s)", COL_VALUE },
	{ "avg", "Avg (s)", COL_VALUE },
	{ "max", "Max (s)", COL_VALUE },
};
const struct table_col stats_tree_cols_NUMBERS[7] = {
	COLS_COMMON,
	{ "min", "Min", COL_VALUE },
	{ "avg", "Avg", COL_VALUE },
	{ "max", "Max", COL_VALUE },
};

/* What every node counts. */
struct counts {
	uint64_t	count;
	uint64_t	nval;
	double		sum, min, max;
	struct rowrate	rate;
};

struct snode {
	struct counts	 c;
	int		 first_kid, next;	/* static nodes; -1: none */
	struct flowtab	*kids;		/* made on first use */
	size_t		 key_size;
	uint64_t	 kid_ticks;	/* ticks of all kids ever */
	struct rowrate	 kid_rate;
};

struct stats_tree {
	const struct stats_tree_desc *desc;
	struct snode	*nodes;
	int		 nnodes;
	int		 first_top;
	uint64_t	 packets;	/* the root's count */
	uint64_t	 bytes;		/* the bytes of those packets */
	int64_t		 sec;		/* the packet's second */
	int64_t		 newest_sec;	/* INT64_MIN: no packet */
	void		*own;
	int		 taps[STATS_TREE_TAPS_MAX];
	uint8_t		 scratch[2 + STATS_TREE_KEY_MAX + 6];
};

/* An evicted child's totals, for the folded line: its ticks both as
 * frames and as the Space-Saving weight. */
static void
kid_totals(const void *key, const void *val, uint64_t *frames,
    uint64_t *bytes)
{
	const struct counts *c = val;

	(void)key;
	*frames = c->count;
	*bytes = c->count;
}

static size_t
kid_key_size(size_t key_size)
{
	return (2 + MIN(key_size, STATS_TREE_KEY_MAX));
}

struct stats_tree *
stats_tree_new(const struct stats_tree_desc *d, size_t max_rows)
{
	struct stats_tree *st = g_new0(struct stats_tree, 1);
	int i, *last;

	st->desc = d;
	st->nnodes = d->nnodes;
	st->nodes = g_new0(struct snode, (size_t)MAX(d->nnodes, 1));
	last = g_new(int, (size_t)d->nnodes + 1);	/* last[p + 1] */
	for (i = 0; i <= d->nnodes; i++)
		last[i] = -1;
	st->first_top = -1;
	for (i = 0; i < d->nnodes; i++) {
		const struct stats_tree_node *n = &d->nodes[i];
		int p = n->parent >= 0 && n->parent < i ? n->parent : -1;

		g_assert(n->parent < i);	/* a description error */
		g_assert(strchr(n->name, TABLE_TREE_SEP) == NULL);
		st->nodes[i].first_kid = st->nodes[i].next = -1;
		if (last[p + 1] < 0) {
			if (p < 0)
				st->first_top = i;
			else
				st->nodes[p].first_kid = i;
		} else
			st->nodes[last[p + 1]].next = i;
		last[p + 1] = i;
		if (n->key_size > 0) {
			st->nodes[i].key_size = MIN(n->key_size,
			    STATS_TREE_KEY_MAX);
			st->nodes[i].kids = flowtab_new(
			    kid_key_size(n->key_size), sizeof(struct counts),
			    MIN(max_rows, STATS_TREE_CHILDREN_MAX), kid_totals);
		}
	}
	g_free(last);
	for (i = 0; i < STATS_TREE_TAPS_MAX && d->more_taps[i] != NULL; i++)
		if ((st->taps[i] = find_tap_id(d->more_taps[i])) > 0)
			tap_hold(st->taps[i], true);
	st->newest_sec = INT64_MIN;
	if (d->create != NULL)
		st->own = d->create(st);
	return (st);
}

void
stats_tree_free(struct stats_tree *st)
{
	int i;

	if (st == NULL)
		return;
	if (st->desc->destroy != NULL)
		st->desc->destroy(st->own);
	for (i = 0; i < st->nnodes; i++)
		flowtab_free(st->nodes[i].kids);
	for (i = 0; i < STATS_TREE_TAPS_MAX; i++)
		if (st->taps[i] > 0)
			tap_hold(st->taps[i], false);
	g_free(st->nodes);
	g_free(st);
}

void
stats_tree_reset(struct stats_tree *st)
{
	int i;

	for (i = 0; i < st->nnodes; i++) {
		struct snode *n = &st->nodes[i];

		memset(&n->c, 0, sizeof(n->c));
		memset(&n->kid_rate, 0, sizeof(n->kid_rate));
		n->kid_ticks = 0;
		if (n->kids != NULL)
			flowtab_clear(n->kids);
	}
	st->packets = 0;
	st->bytes = 0;
	st->newest_sec = INT64_MIN;
	if (st->desc->reset != NULL)
		st->desc->reset(st->own);
}

void *
stats_tree_own(const struct stats_tree *st)
{
	return (st->own);
}

int
stats_tree_tap(const struct stats_tree *st, int i)
{
	return (i >= 0 && i < STATS_TREE_TAPS_MAX ? st->taps[i] : 0);
}

void
stats_tree_begin(struct stats_tree *st, const struct packet_info *pinfo)
{
	st->packets++;
	st->bytes += pinfo->len;
	st->sec = pinfo->ts_sec;
	if (pinfo->ts_sec > st->newest_sec)
		st->newest_sec = pinfo->ts_sec;
}

static inline void
count(struct stats_tree *st, struct counts *c, uint32_t n, bool has_v,
    double v)
{
	c->count += n;
	rowrate_add(&c->rate, st->sec, n);
	if (has_v && isfinite(v)) {
		if (c->nval == 0 || v < c->min)
			c->min = v;
		if (c->nval == 0 || v > c->max)
			c->max = v;
		c->sum += v;
		c->nval++;
	}
}

static void
tick_up(struct stats_tree *st, int node, uint32_t n, bool has_v, double v)
{
	int depth = 0;

	/* The description's parents are earlier nodes: this ends. */
	while (node >= 0 && node < st->nnodes && depth++ < st->nnodes) {
		count(st, &st->nodes[node].c, n, has_v, v);
		node = st->desc->nodes[node].parent;
	}
}

void
stats_tree_tick(struct stats_tree *st, int node)
{
	tick_up(st, node, 1, false, 0);
}

void
stats_tree_value(struct stats_tree *st, int node, double v)
{
	tick_up(st, node, 1, true, v);
}

/* The flowtab key of a child in the scratch buffer; NULL for a node
 * without children. */
static const void *
kid_key(struct stats_tree *st, int parent, const void *key, size_t len,
    const struct snode **np)
{
	const struct snode *n;
	uint8_t *k = st->scratch;
	uint16_t l = (uint16_t)MIN(len, 0xffff);

	if (parent < 0 || parent >= st->nnodes ||
	    (n = &st->nodes[parent])->kids == NULL)
		return (NULL);
	memset(k, 0, kid_key_size(n->key_size));
	memcpy(k, &l, 2);
	if (key != NULL)
		memcpy(k + 2, key, MIN(len, n->key_size));
	*np = n;
	return (k);
}

static void
tick_key(struct stats_tree *st, int parent, const void *key, size_t len,
    uint32_t w, bool has_v, double v)
{
	const struct snode *cn;
	struct snode *n;
	const void *k = kid_key(st, parent, key, len, &cn);
	struct counts *c;

	if (k == NULL)
		return;
	n = &st->nodes[parent];
	n->kid_ticks += w;
	rowrate_add(&n->kid_rate, st->sec, w);
	if ((c = flowtab_get(n->kids, k, w, NULL)) != NULL)
		count(st, c, w, has_v, v);
	else
		flowtab_fold(n->kids, k, 1, w);
	tick_up(st, parent, w, has_v, v);
}

void
stats_tree_tick_key(struct stats_tree *st, int parent, const void *key,
    size_t len)
{
	tick_key(st, parent, key, len, 1, false, 0);
}

void
stats_tree_value_key(struct stats_tree *st, int parent, const void *key,
    size_t len, double v)
{
	tick_key(st, parent, key, len, 1, true, v);
}

void
stats_tree_add_key(struct stats_tree *st, int parent, const void *key,
    size_t len, uint32_t n)
{
	tick_key(st, parent, key, len, n, false, 0);
}

uint64_t
stats_tree_count(const struct stats_tree *st, int node)
{
	if (node < 0 || node >= st->nnodes)
		return (0);
	return (st->nodes[node].c.count);
}

uint64_t
stats_tree_count_key(struct stats_tree *st, int parent,
    const void *key, size_t len)
{
	const struct snode *n;
	const void *k = kid_key(st, parent, key, len, &n);
	const struct counts *c;

	if (k == NULL || (c = flowtab_find(n->kids, k)) == NULL)
		return (0);
	return (c->count);
}

void
stats_tree_name_u32(const void *key, size_t len, char *buf, size_t size)
{
	uint32_t v = 0;

	memcpy(&v, key, MIN(len, sizeof(v)));
	g_snprintf(buf, size, "%u", v);
}

void
stats_tree_name_addr(const void *key, size_t len, char *buf, size_t size)
{
	struct address a;
	char s[ADDR_STRLEN];

	memset(&a, 0, sizeof(a));
	memcpy(&a, key, MIN(len, sizeof(a)));
	if (a.len > sizeof(a.data))
		a.len = sizeof(a.data);
	g_strlcpy(buf, address_to_str(&a, s), size);
}

/* The key's bytes as text: what the printers escape, less the bytes a C
 * string or a tree cell cannot hold. */
static void
name_bytes(const void *key, size_t len, char *buf, size_t size)
{
	const uint8_t *p = key;
	size_t i;

	for (i = 0; i < len && i + 1 < size; i++)
		buf[i] = p[i] == 0 || p[i] == TABLE_TREE_SEP ? '?' :
		    (char)p[i];
	buf[i] = '\0';
}

/* ---- draw ---- */

struct drawing {
	struct stats_tree		*st;
	struct table			*t;
	const struct rowrate_clock	*clock;
	bool				 values;
	GString				*path;
};

static void
put_row(struct drawing *dr, const struct counts *c, uint64_t parent_count,
    double rate)
{
	union cell *row = table_add_row(dr->t);

	row[0].text = g_strdup(dr->path->str);
	row[1].u = c->count;
	row[2].d = rate;
	row[3].d = parent_count > 0 ? 100.0 * (double)c->count /
	    (double)parent_count : 0;
	if (dr->values) {
		row[4].d = c->nval > 0 ? c->min : NAN;
		row[5].d = c->nval > 0 ? c->sum / (double)c->nval : NAN;
		row[6].d = c->nval > 0 ? c->max : NAN;
	}
}

/* Appends a name to the path (a separator first below the top); returns
 * the length to cut back to. */
static size_t
path_push(struct drawing *dr, const char *name)
{
	size_t was = dr->path->len;
	const char *p;

	if (was > 0)
		g_string_append_c(dr->path, TABLE_TREE_SEP);
	for (p = name; *p != '\0'; p++)
		g_string_append_c(dr->path, *p == TABLE_TREE_SEP ? '?' : *p);
	return (was);
}

struct kid_ref {
	uint32_t	 i;
	uint64_t	 count;
};

static int
kid_cmp(const void *pa, const void *pb)
{
	const struct kid_ref *a = pa, *b = pb;

	if (a->count != b->count)
		return (a->count > b->count ? -1 : 1);
	return (a->i < b->i ? -1 : a->i > b->i);
}

static void
draw_kids(struct drawing *dr, int node)
{
	struct snode *n = &dr->st->nodes[node];
	const struct stats_tree_node *def = &dr->st->desc->nodes[node];
	size_t nk = flowtab_order(n->kids), i, was;
	struct kid_ref *refs = g_new(struct kid_ref, MAX(nk, 1));
	char name[STATS_TREE_NAME_MAX];
	double rest_rate;
	uint64_t frows, fcount, fbytes;
	struct counts other;

	for (i = 0; i < nk; i++) {
		refs[i].i = (uint32_t)i;
		refs[i].count = ((const struct counts *)
		    flowtab_val_at(n->kids, i))->count;
	}
	qsort(refs, nk, sizeof(*refs), kid_cmp);
	rest_rate = rowrate_rate(&n->kid_rate, dr->clock,
	    STATS_TREE_RATE_WINDOW);
	for (i = 0; i < nk; i++) {
		const uint8_t *k = flowtab_key_at(n->kids, refs[i].i);
		const struct counts *c = flowtab_val_at(n->kids, refs[i].i);
		uint16_t l;
		size_t kept;
		double rate = rowrate_rate(&c->rate, dr->clock,
		    STATS_TREE_RATE_WINDOW);

		memcpy(&l, k, 2);
		kept = MIN(l, n->key_size);
		if (def->child_name != NULL)
			def->child_name(k + 2, kept, name, sizeof(name));
		else
			name_bytes(k + 2, kept, name, sizeof(name));
		was = path_push(dr, name);
		if (l > kept)
			g_string_append(dr->path, "\u2026");
		put_row(dr, c, n->c.count, rate);
		g_string_truncate(dr->path, was);
		rest_rate -= rate;
	}
	g_free(refs);
	flowtab_folded(n->kids, &frows, &fcount, &fbytes);
	if (fcount > 0) {
		memset(&other, 0, sizeof(other));
		other.count = fcount;
		was = path_push(dr, STATS_TREE_OTHER);
		put_row(dr, &other, n->c.count, MAX(rest_rate, 0));
		g_string_truncate(dr->path, was);
		dr->t->folded_rows += frows;
		dr->t->folded_frames += fcount;
		dr->t->folded_rows_estimated = true;
		dr->t->folded_error = MAX(dr->t->folded_error,
		    flowtab_error(n->kids));
	}
}

static void
draw_node(struct drawing *dr, int node, uint64_t parent_count, int depth)
{
	struct snode *n = &dr->st->nodes[node];
	size_t was = path_push(dr, dr->st->desc->nodes[node].name);
	int k;

	put_row(dr, &n->c, parent_count, rowrate_rate(&n->c.rate, dr->clock,
	    STATS_TREE_RATE_WINDOW));
	/* Nodes deeper than a table path are not drawn (a description
	 * error; the counts are kept). */
	if (depth < TABLE_PATH_MAX) {
		for (k = n->first_kid; k >= 0; k = dr->st->nodes[k].next)
			draw_node(dr, k, n->c.count, depth + 1);
		if (n->kids != NULL)
			draw_kids(dr, node);
	}
	g_string_truncate(dr->path, was);
}

void
stats_tree_draw(struct stats_tree *st, struct table *t,
    const struct rowrate_clock *clock)
{
	struct drawing dr = { st, t, clock, t->ncols >= 7,
	    g_string_new(NULL) };
	int k;

	for (k = st->first_top; k >= 0; k = st->nodes[k].next)
		draw_node(&dr, k, st->desc->nodes[k].bytes ? st->bytes :
		    st->packets, 1);
	g_string_free(dr.path, TRUE);
}

/* ---- the panel glue ---- */

void *
stats_tree_panel_create(struct panel *p, const struct stats_tree_desc *d)
{
	return (stats_tree_new(d, p->max_rows));
}

void
stats_tree_panel_destroy(void *state)
{
	stats_tree_free(state);
}

void
stats_tree_panel_reset(void *state)
{
	stats_tree_reset(state);
}

tap_packet_status
stats_tree_panel_packet(void *state, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	struct stats_tree *st = state;

	stats_tree_begin(st, pinfo);
	st->desc->packet(st, st->own, pinfo, edt, data);
	return (TAP_PACKET_REDRAW);
}

void
stats_tree_panel_draw(void *state, struct panel *p)
{
	struct stats_tree *st = state;
	int64_t until = INT64_MIN;

	if (st->desc->predraw != NULL)
		until = st->desc->predraw(st, st->own, p->clock.now_ns);
	stats_tree_draw(st, p->table, &p->clock);
	p->quiet_after_ns = MAX(rowrate_quiet_after_ns(st->newest_sec), until);
}

/*
 * A row's filter: its node's (the description's filter), or for a child
 * made on first use, its parent's child_filter of the child's name, and
 * for "(other)", its parent's filter (which selects every packet of it).
 * The row is found by its names, from the top.
 */
char *
stats_tree_row_filter(const struct stats_tree_desc *d, const struct table *t,
    int row)
{
	const union cell *r = table_row(t, row);
	int c = table_col_index(t, "node"), node = -1, i, found;
	char **names;
	char *out = NULL;

	if (r == NULL || c < 0 || t->cols[c].type != COL_TREE ||
	    r[c].text == NULL)
		return (NULL);
	names = g_strsplit(r[c].text, (char[]){ TABLE_TREE_SEP, 0 }, -1);
	for (i = 0; names[i] != NULL; i++) {
		int k;

		found = -1;
		for (k = node + 1; k < d->nnodes && found < 0; k++)
			if (d->nodes[k].parent == node &&
			    strcmp(d->nodes[k].name, names[i]) == 0)
				found = k;
		if (found >= 0) {
			node = found;
			continue;
		}
		/* A child made on first use: the last name, under a node
		 * that has them. */
		if (node >= 0 && names[i + 1] == NULL &&
		    d->nodes[node].key_size > 0) {
			if (strcmp(names[i], STATS_TREE_OTHER) == 0)
				out = g_strdup(d->nodes[node].filter);
			else if (d->nodes[node].child_filter != NULL)
				out = d->nodes[node].child_filter(names[i]);
		}
		g_strfreev(names);
		return (out);
	}
	g_strfreev(names);
	if (node >= 0 && d->nodes[node].filter != NULL)
		out = g_strdup(d->nodes[node].filter);
	return (out);
}
