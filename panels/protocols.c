/*
 * Protocol hierarchy, after `tshark -z io,phs`.
 *
 * Every frame walks its protocol layers from the link layer up and counts
 * one frame and its length at each node of the path: eth, eth>ip,
 * eth>ip>tcp.  A protocol that occurs twice (IP in IP) is a deeper node
 * (eth>ip>ip), so a packet counts once per node.  Layers inside an ICMP
 * error's payload are not part of the path, as tshark lists ICMP errors as
 * leaves, nor are IPv6's extension headers, which tshark draws inside
 * IPv6 (proto.h's no_hierarchy).  Paths deeper than TABLE_PATH_MAX stop
 * there.
 *
 * A node is a flowtab entry keyed by (parent node, protocol); its value
 * knows its own number, so the packet path is one lookup per layer.  Nodes
 * are capped at the panel's max_rows and at PROTOCOLS_NODES_MAX: a real
 * protocol tree has tens of nodes, and draw() orders them as a tree under
 * the listener lock, so the bound keeps that short.  A node that cannot be
 * created folds the packet (once) into the "other" totals.
 *
 * Unlike the conversation and endpoint tables, this one is first come (a
 * flowtab without a totals callback) and never evicts: a node's children
 * are keyed on its number, so an evicted inner node would orphan them, or
 * worse hand them to the node that took its place, and evicting only
 * leaves would need the tree's shape inside the flowtab.  It costs little:
 * the nodes come from the dissectors' protocols and the nesting depth, not
 * from addresses, so a capture never holds many more than the first ones
 * seen; the cap only stops crafted nesting.  First come also keeps the
 * last path's node pointers below valid until a reset.
 *
 * draw() emits the rows depth first, a node's children by frames
 * descending, ties in the order first seen (tshark itself lists children
 * in the order first seen); the front ends indent by path length.
 *
 * The columns are those of Wireshark's Protocol Hierarchy dialog: the
 * share of the frames and bytes the panel counted (every frame its filter
 * passed, one with no protocol too: the dialog's tot_packets), and bits/s,
 * a node's bytes times 8 over the span of those frames (the dialog's
 * last_time - first_time; NaN, shown "—", when the span is 0).  tshark -z
 * io,phs prints neither, only frames and bytes.  Then each node's rates
 * over 2, 10 and 40 s (rowrate.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "core/packet.h"
#include "core/panel.h"
#include "core/proto.h"

#define PROTOCOLS_NODES_MAX	4096

struct node_key {
	uint32_t	parent;		/* node number + 1; 0 at the root */
	uint16_t	proto;
	uint16_t	pad;
};

struct node_val {
	uint64_t	frames, bytes;
	uint32_t	parent;
	uint32_t	self;		/* this node's number */
	uint16_t	proto;
	struct rowrate	rate;
};

struct protocols {
	struct flowtab	*ft;
	/* Every frame the panel counted, whatever its path (the share's
	 * denominator), and the span of their times (for bits/s). */
	uint64_t	 frames, bytes;
	int64_t		 first_ns, last_ns;
	int64_t		 newest_sec;	/* INT64_MIN: no packet */
	/* The last packet's path and its nodes: most packets repeat the
	 * path of the one before, and then no lookup is needed. */
	uint16_t	 last[TABLE_PATH_MAX];
	struct node_val	*last_node[TABLE_PATH_MAX];
	int		 nlast;
};

static const struct table_col protocols_cols[] = {
	{ "path", "Protocol", COL_PATH },
	{ "pct_frames", "% Frames", COL_PERCENT },
	{ "frames", "Frames", COL_UINT },
	{ "pct_bytes", "% Bytes", COL_PERCENT },
	{ "bytes", "Bytes", COL_BYTES },
	{ "bits_s", "Bits/s", COL_BITRATE },
	ROWRATE_COLS,
};

static void *
protocols_create(struct panel *p)
{
	struct protocols *s = g_new0(struct protocols, 1);

	s->ft = flowtab_new(sizeof(struct node_key), sizeof(struct node_val),
	    MIN(p->max_rows, PROTOCOLS_NODES_MAX), NULL);
	s->newest_sec = INT64_MIN;
	return (s);
}

static void
protocols_destroy(void *state)
{
	struct protocols *s = state;

	flowtab_free(s->ft);
	g_free(s);
}

static void
protocols_reset(void *state)
{
	struct protocols *s = state;

	flowtab_clear(s->ft);
	s->nlast = 0;
	s->frames = s->bytes = 0;
	s->first_ns = s->last_ns = 0;
	s->newest_sec = INT64_MIN;
}

static tap_packet_status
protocols_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct protocols *s = state;
	uint16_t path[TABLE_PATH_MAX];
	struct node_key key;
	struct node_val *v;
	int64_t ts = pinfo->ts_sec * 1000000000LL + pinfo->ts_nsec;
	bool created;
	int i, n = 0;

	(void)data;
	/* Wireshark's dialog: the span of the frames counted, whatever their
	 * order. */
	if (s->frames == 0 || ts < s->first_ns)
		s->first_ns = ts;
	if (s->frames == 0 || ts > s->last_ns)
		s->last_ns = ts;
	if (pinfo->ts_sec > s->newest_sec)
		s->newest_sec = pinfo->ts_sec;
	s->frames++;
	s->bytes += pinfo->len;
	for (i = 0; i < edt->nlayers && n < TABLE_PATH_MAX; i++)
		if (!edt->layers[i].in_error && !edt->layers[i].no_hierarchy)
			path[n++] = edt->layers[i].proto;
	if (n > 0 && n == s->nlast &&
	    memcmp(path, s->last, (size_t)n * sizeof(path[0])) == 0) {
		for (i = 0; i < n; i++) {
			s->last_node[i]->frames++;
			s->last_node[i]->bytes += pinfo->len;
			rowrate_add(&s->last_node[i]->rate, pinfo->ts_sec,
			    pinfo->len);
		}
		return (TAP_PACKET_REDRAW);
	}
	s->nlast = 0;
	memset(&key, 0, sizeof(key));
	for (i = 0; i < n; i++) {
		key.proto = path[i];
		if ((v = flowtab_get(s->ft, &key, 0, &created)) == NULL) {
			flowtab_fold(s->ft, &key, 1, pinfo->len);
			return (TAP_PACKET_REDRAW);
		}
		if (created) {
			v->parent = key.parent;
			v->self = (uint32_t)(flowtab_count(s->ft) - 1);
			v->proto = key.proto;
		}
		v->frames++;
		v->bytes += pinfo->len;
		rowrate_add(&v->rate, pinfo->ts_sec, pinfo->len);
		key.parent = v->self + 1;
		s->last_node[i] = v;
	}
	/* Whole path found: remember it (value addresses are stable until a
	 * clear, which resets nlast). */
	memcpy(s->last, path, (size_t)n * sizeof(path[0]));
	s->nlast = n;
	return (n > 0 ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW);
}

/* Siblings together (by parent), then frames descending, then first seen. */
static int
node_cmp(const void *pa, const void *pb, void *arg)
{
	const struct flowtab *ft = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct node_val *va = flowtab_val_at(ft, a);
	const struct node_val *vb = flowtab_val_at(ft, b);

	if (va->parent != vb->parent)
		return (va->parent < vb->parent ? -1 : 1);
	if (va->frames != vb->frames)
		return (va->frames > vb->frames ? -1 : 1);
	return (a < b ? -1 : a > b);
}

struct tree {
	const struct flowtab	*ft;
	const uint32_t		*order;		/* sorted node numbers */
	const uint32_t		*first;		/* per parent id: into order */
	const uint32_t		*nkids;		/* per parent id */
	struct table		*t;
	const struct protocols	*s;
	const struct rowrate_clock *clock;
	double			 span_s;	/* of the frames counted */
};

static void
emit(struct tree *tr, uint32_t parent, struct cell_path *path)
{
	uint32_t k;

	if (path->n >= TABLE_PATH_MAX)
		return;
	for (k = tr->first[parent]; k < tr->first[parent] + tr->nkids[parent];
	    k++) {
		const struct node_val *v = flowtab_val_at(tr->ft, tr->order[k]);
		union cell *row = table_add_row(tr->t);

		path->proto[path->n++] = v->proto;
		row[0].path = g_memdup2(path, sizeof(*path));
		row[1].d = 100.0 * (double)v->frames / (double)tr->s->frames;
		row[2].u = v->frames;
		row[3].d = 100.0 * (double)v->bytes /
		    (double)MAX(tr->s->bytes, 1);
		row[4].u = v->bytes;
		row[5].d = tr->span_s > 0 ? (double)v->bytes * 8 / tr->span_s :
		    NAN;
		rowrate_cells(&v->rate, tr->clock, &row[6]);
		emit(tr, v->self + 1, path);
		path->n--;
	}
}

static void
protocols_draw(void *state, struct panel *p)
{
	struct protocols *s = state;
	uint32_t n = (uint32_t)flowtab_order(s->ft), i;
	uint32_t *order, *first, *nkids;
	struct cell_path path;
	struct tree tr;
	int64_t span;
	double span_s;

	if (n > 0) {
		order = g_new(uint32_t, n);
		first = g_new0(uint32_t, n + 1);
		nkids = g_new0(uint32_t, n + 1);
		for (i = 0; i < n; i++)
			order[i] = i;
		qsort_r(order, n, sizeof(*order), node_cmp, s->ft);
		for (i = n; i-- > 0;) {
			const struct node_val *v = flowtab_val_at(s->ft,
			    order[i]);

			first[v->parent] = i;
			nkids[v->parent]++;
		}
		memset(&path, 0, sizeof(path));
		/* Times span +-9e18 ns: a span past int64 (corrupt times)
		 * is taken as doubles. */
		if (__builtin_sub_overflow(s->last_ns, s->first_ns, &span))
			span_s = ((double)s->last_ns - (double)s->first_ns) /
			    1e9;
		else
			span_s = (double)span / 1e9;
		tr = (struct tree){ s->ft, order, first, nkids, p->table, s,
		    &p->clock, span_s };
		emit(&tr, 0, &path);
		g_free(order);
		g_free(first);
		g_free(nkids);
	}
	flowtab_folded(s->ft, &p->table->folded_rows,
	    &p->table->folded_frames, &p->table->folded_bytes);
	p->table->folded_rows_estimated = p->table->folded_rows > 0;
	p->table->folded_error = flowtab_error(s->ft);
	p->quiet_after_ns = rowrate_quiet_after_ns(s->newest_sec);
}

/*
 * A row's filter: the path's last protocol, which every packet counted in
 * the row has ("dns" for eth>ip>udp>dns).  It also matches that protocol
 * on another path (inside a tunnel, in an ICMP error): the ANDed path
 * would not tell those apart either.
 */
static char *
protocols_row_filter(const struct panel_class *cls, const struct table *t,
    int row)
{
	const union cell *r = table_row(t, row);
	int c = table_col_index(t, "path");
	const char *name;

	(void)cls;
	if (r == NULL || c < 0 || r[c].path == NULL || r[c].path->n == 0)
		return (NULL);
	name = proto_name(r[c].path->proto[MIN(r[c].path->n,
	    TABLE_PATH_MAX) - 1]);
	return (name != NULL ? g_strdup(name) : NULL);
}

const struct panel_class panel_protocols = {
	.name = "protocols",
	.title = "Protocol Hierarchy",
	.tap = "frame",
	.cols = protocols_cols,
	.ncols = G_N_ELEMENTS(protocols_cols),
	.default_sort = NULL,		/* tree order, as drawn */
	.create = protocols_create,
	.destroy = protocols_destroy,
	.reset = protocols_reset,
	.packet = protocols_packet,
	.draw = protocols_draw,
	.row_filter = protocols_row_filter,
};
