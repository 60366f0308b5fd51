/*
 * Tables: rows of raw cells in one GArray, nrows * ncols.
 *
 * Only COL_TEXT, COL_TREE and COL_PATH cells own memory (a string, a
 * path);
 * everything else is plain data, so copying a table is a memcpy plus a
 * copy per owning cell.  Keeping paths out of line keeps a cell at 24
 * bytes, which is what a 20,000-row conversation table costs per column.
 * Sorting builds an index of rows, sorts it with the row number as the last
 * key (qsort is not stable, the tie-break makes it so), then moves the
 * rows into that order in place, cycle by cycle, so that sorting a big
 * table does not need a second one.
 *
 * A table with a sink streams: it holds the one row being written, so a
 * panel's draw can hand a million rows to a printer without a million-row
 * table (report.c).
 */
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct table *
table_new(const struct table_col *cols, int ncols)
{
	struct table *t = g_new0(struct table, 1);

	t->cols = cols;
	t->ncols = ncols;
	t->cells = g_array_new(FALSE, TRUE, sizeof(union cell));
	return (t);
}

bool
table_col_owns(enum col_type type)
{
	return (type == COL_TEXT || type == COL_PATH || type == COL_TREE);
}

int
table_tree_depth(const char *s)
{
	int d = 1;

	for (; s != NULL && *s != '\0'; s++)
		d += *s == TABLE_TREE_SEP;
	return (d);
}

const char *
table_tree_leaf(const char *s)
{
	const char *sep;

	if (s == NULL)
		return ("");
	sep = strrchr(s, TABLE_TREE_SEP);
	return (sep != NULL ? sep + 1 : s);
}

void
table_free_row(const struct table *t, union cell *row)
{
	int c;

	for (c = 0; c < t->ncols; c++)
		if (table_col_owns(t->cols[c].type)) {
			/* text and path share the cell: one pointer. */
			g_free(row[c].text);
			row[c].text = NULL;
		}
}

static void
free_text(struct table *t)
{
	int r;

	for (r = 0; r < t->nrows; r++)
		table_free_row(t, table_row(t, r));
}

/* Drops every row and the folded totals; keeps the allocation for reuse. */
void
table_clear(struct table *t)
{
	if (t == NULL)
		return;
	free_text(t);
	g_array_set_size(t->cells, 0);
	t->nrows = 0;
	t->folded_rows = t->folded_frames = t->folded_bytes = 0;
	t->folded_rows_estimated = false;
	t->folded_error = 0;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	free_text(t);
	g_array_free(t->cells, TRUE);
	g_free(t);
}

void
table_set_sink(struct table *t,
    void (*sink)(const struct table *, union cell *, void *), void *arg)
{
	t->sink = sink;
	t->sink_arg = arg;
}

/* The row held goes to the sink and is dropped. */
void
table_flush(struct table *t)
{
	union cell *row;

	if (t->sink == NULL || t->nrows == 0)
		return;
	row = table_row(t, 0);
	t->sink(t, row, t->sink_arg);
	table_free_row(t, row);
	t->nrows = 0;
}

union cell *
table_add_row(struct table *t)
{
	union cell *row;

	table_flush(t);

	g_array_set_size(t->cells, (guint)(t->nrows + 1) * (guint)t->ncols);
	row = &g_array_index(t->cells, union cell,
	    (size_t)t->nrows * (size_t)t->ncols);
	/* set_size clears new elements, but a cleared-then-regrown array may
	 * hand back memory a previous row used: zero it explicitly. */
	memset(row, 0, sizeof(union cell) * (size_t)t->ncols);
	t->nrows++;
	return (row);
}

union cell *
table_row(const struct table *t, int row)
{
	if (row < 0 || row >= t->nrows)
		return (NULL);
	return (&g_array_index(t->cells, union cell,
	    (size_t)row * (size_t)t->ncols));
}

int
table_col_index(const struct table *t, const char *key)
{
	int c;

	if (t == NULL || key == NULL)
		return (-1);
	for (c = 0; c < t->ncols; c++)
		if (strcmp(t->cols[c].key, key) == 0)
			return (c);
	return (-1);
}

static int
cmp_double(double a, double b)
{
	/* NaN sorts below every number, so it cannot break the ordering. */
	if (a != a)
		return (b != b ? 0 : -1);
	if (b != b)
		return (1);
	return (a < b ? -1 : a > b);
}

int
table_cell_cmp(enum col_type type, const union cell *a, const union cell *b)
{
	int i, n;

	switch (type) {
	case COL_UINT:
	case COL_BYTES:
	case COL_PORT:
		return (a->u < b->u ? -1 : a->u > b->u);
	case COL_PER_S:
	case COL_TIME:
	case COL_EPOCH:
	case COL_RATE:
	case COL_BITRATE:
	case COL_PERCENT:
	case COL_VALUE:
		return (cmp_double(a->d, b->d));
	case COL_ADDR:
		return (address_cmp(&a->addr, &b->addr));
	case COL_PATH:
		if (a->path == NULL || b->path == NULL)
			return ((a->path != NULL) - (b->path != NULL));
		n = MIN(a->path->n, b->path->n);
		n = MIN(n, TABLE_PATH_MAX);
		for (i = 0; i < n; i++)
			if (a->path->proto[i] != b->path->proto[i])
				return (a->path->proto[i] < b->path->proto[i] ?
				    -1 : 1);
		return (a->path->n < b->path->n ? -1 : a->path->n > b->path->n);
	case COL_TEXT:
	case COL_TREE:
		if (a->text == NULL || b->text == NULL)
			return ((a->text != NULL) - (b->text != NULL));
		return (strcmp(a->text, b->text));
	}
	return (0);
}

struct sort_ctx {
	const struct table	*t;
	int			 col;
	bool			 desc;
};

static int
row_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sort_ctx *ctx = arg;
	int ra = *(const int *)pa, rb = *(const int *)pb, c;

	c = table_cell_cmp(ctx->t->cols[ctx->col].type,
	    &table_row(ctx->t, ra)[ctx->col], &table_row(ctx->t, rb)[ctx->col]);
	if (ctx->desc)
		c = -c;
	if (c != 0)
		return (c);
	return (ra < rb ? -1 : ra > rb);	/* stability */
}

/* Stable sort on one column; a column index out of range is a no-op. */
void
table_sort(struct table *t, int col, bool descending)
{
	struct sort_ctx ctx = { t, col, descending };
	size_t rowsz = sizeof(union cell) * (size_t)t->ncols;
	union cell *tmp;
	int *order, r, dst, src;

	if (t == NULL || col < 0 || col >= t->ncols || t->nrows < 2)
		return;
	order = g_new(int, t->nrows);
	for (r = 0; r < t->nrows; r++)
		order[r] = r;
	qsort_r(order, (size_t)t->nrows, sizeof(int), row_cmp, &ctx);
	/* Row r takes row order[r]: follow each cycle once, with one row
	 * aside, and mark the places filled with -1. */
	tmp = g_malloc(rowsz);
	for (r = 0; r < t->nrows; r++) {
		if (order[r] < 0 || order[r] == r) {
			order[r] = -1;
			continue;
		}
		memcpy(tmp, table_row(t, r), rowsz);
		dst = r;
		while ((src = order[dst]) != r) {
			memcpy(table_row(t, dst), table_row(t, src), rowsz);
			order[dst] = -1;
			dst = src;
		}
		memcpy(table_row(t, dst), tmp, rowsz);
		order[dst] = -1;
	}
	g_free(tmp);
	g_free(order);
}

/* The rows kept (all when keep is NULL), their owned cells copied. */
struct table *
table_dup_if(const struct table *t,
    bool (*keep)(const struct table *, const union cell *, void *),
    void *arg)
{
	struct table *d;
	int r, c;

	d = table_new(t->cols, t->ncols);
	for (r = 0; r < t->nrows; r++)
		if (keep == NULL || keep(t, table_row(t, r), arg)) {
			g_array_append_vals(d->cells, table_row(t, r),
			    (guint)t->ncols);
			d->nrows++;
		}
	d->folded_rows = t->folded_rows;
	d->folded_frames = t->folded_frames;
	d->folded_bytes = t->folded_bytes;
	d->folded_rows_estimated = t->folded_rows_estimated;
	d->folded_error = t->folded_error;
	for (c = 0; c < t->ncols; c++) {
		if (!table_col_owns(t->cols[c].type))
			continue;
		for (r = 0; r < d->nrows; r++) {
			union cell *row = table_row(d, r);

			if (t->cols[c].type != COL_PATH)
				row[c].text = g_strdup(row[c].text);
			else if (row[c].path != NULL)
				row[c].path = g_memdup2(row[c].path,
				    sizeof(struct cell_path));
		}
	}
	return (d);
}

struct table *
table_dup(const struct table *t)
{
	return (table_dup_if(t, NULL, NULL));
}
