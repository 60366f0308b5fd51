/*
 * Sparkline and chart layout; the contract is in spark.h.
 *
 * A value's height is rounded up, not to the nearest: a cell holds a glyph
 * as soon as its value is above 0, and the tallest value fills its cell
 * (or its rows) exactly.  Strings are built whole, as UTF-8, and cut to
 * the screen by the caller; ASCII is a separate glyph set rather than a
 * fold of the blocks, so that the heights keep their order.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tui/spark.h"

/* Levels 0 (blank) to 8 (full). */
static const char *const blocks[9] = {
	" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586",
	"\u2587", "\u2588",
};
static const char ascii_ramp[] = " .:-=+*#";	/* levels 0 to 7 */

#define ASCII_LEVELS	7
#define UTF8_LEVELS	8

static double
clean(double v)
{
	return (v > 0 && isfinite(v) ? v : 0);
}

double
spark_max(const double *v, int n)
{
	double m = 0;
	int i;

	for (i = 0; i < n; i++)
		m = MAX(m, clean(v[i]));
	return (m);
}

/* v on a scale of `levels` steps up to max: 0 for nothing, else 1 to
 * levels, rounded up. */
static int
level(double v, double max, int levels)
{
	double l;

	v = clean(v);
	if (v <= 0 || !(max > 0))
		return (0);
	l = ceil(v / max * levels - 1e-9);
	return ((int)CLAMP(l, 1, levels));
}

char *
spark_cells(const double *v, int n, double max, bool utf8)
{
	GString *s = g_string_sized_new((gsize)MAX(n, 0) * 3 + 1);
	int i, l;

	if (!(max > 0))
		max = spark_max(v, n);
	for (i = 0; i < n; i++) {
		l = level(v[i], max, utf8 ? UTF8_LEVELS : ASCII_LEVELS);
		if (utf8)
			g_string_append(s, blocks[l]);
		else
			g_string_append_c(s, ascii_ramp[l]);
	}
	return (g_string_free(s, FALSE));
}

void
spark_history(const struct ratehist *rh, int64_t now_ns, int64_t first_ns,
    bool ended, int n, double *v)
{
	int64_t last = ratehist_sec_of(now_ns) - (ended ? 0 : 1);
	int64_t first = first_ns == INT64_MIN ? INT64_MAX :
	    ratehist_sec_of(first_ns);
	uint64_t p, b;
	int i;

	for (i = 0; i < n; i++) {
		int64_t s = last - (n - 1 - i);

		v[i] = 0;
		if (s >= first && ratehist_second(rh, s, &p, &b))
			v[i] = (double)b * 8;
	}
}

int
spark_width(int avail, int label_w, int counters_min, int counters_full)
{
	int room = avail - label_w - 2 - counters_min - 2;
	int w;

	if (room < SPARK_MIN_CELLS)
		return (0);
	room = MIN(room, SPARK_MAX_CELLS);
	w = avail - label_w - 2 - counters_full - 2;
	return (CLAMP(w, MIN(SPARK_WANT_CELLS, room), room));
}

bool
chart_lay_out(int width, int height, struct chart_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->plot_w = width - CHART_GUTTER - 1;
	if (l->plot_w < 1)
		return (false);
	if (height >= 8) {
		/* Two titles and the axis' two lines; bits/s gets the odd
		 * row. */
		l->plots = 2;
		l->h[0] = (height - 4 + 1) / 2;
		l->h[1] = (height - 4) / 2;
	} else if (height >= 4) {
		l->plots = 1;
		l->h[0] = height - 3;
	} else
		return (false);
	l->lines = l->plots + l->h[0] + l->h[1] + 2;
	return (true);
}

int
chart_columns(const struct table *t, int64_t interval_ns, int64_t k_end,
    int w, double *starts, double *pps, double *bps)
{
	int cs = table_col_index(t, "start");
	int cp = table_col_index(t, "packets_per_s");
	int cb = table_col_index(t, "bits_per_s");
	int64_t k0, k_last, first, k;
	int n, i, r;
	double len_s = (double)interval_ns / 1e9;

	if (cs < 0 || cp < 0 || cb < 0 || w <= 0 || interval_ns <= 0)
		return (0);
	if (t->nrows > 0) {
		k0 = llround(table_row(t, 0)[cs].d / len_s);
		k_last = k0 + t->nrows - 1;
	} else if (k_end >= 0) {
		/* Nothing counted yet: empty intervals from the first. */
		k0 = 0;
		k_last = -1;
	} else
		return (0);
	k_last = MAX(k_last, k_end);
	first = MAX(k0, k_last - w + 1);
	n = (int)(k_last - first + 1);
	for (i = 0; i < n; i++) {
		k = first + i;
		r = (int)(k - k0);
		starts[i] = (double)k * len_s;
		pps[i] = bps[i] = 0;
		if (r < t->nrows) {
			pps[i] = table_row(t, r)[cp].d;
			bps[i] = table_row(t, r)[cb].d;
		}
	}
	return (n);
}

GPtrArray *
chart_bars(const double *v, int n, int w, int h, double max, bool utf8)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	int *eighths = g_new0(int, (size_t)MAX(w, 1));
	int unit = utf8 ? 8 : 1;
	int i, row, l;

	if (!(max > 0))
		max = spark_max(v, n);
	for (i = 0; i < n && i < w; i++)
		eighths[i] = level(v[i], max, h * unit);
	for (row = 0; row < h; row++) {
		GString *s = g_string_sized_new((gsize)w * 3 + 1);
		int below = (h - 1 - row) * unit;	/* under this row */

		for (i = 0; i < w; i++) {
			l = CLAMP(eighths[i] - below, 0, unit);
			if (utf8)
				g_string_append(s, blocks[l]);
			else
				/* Whole rows: the top one from the ramp
				 * would read as a level of its own. */
				g_string_append_c(s, l > 0 ? '#' : ' ');
		}
		g_ptr_array_add(lines, g_string_free(s, FALSE));
	}
	g_free(eighths);
	return (lines);
}

void
chart_axis(const double *starts, int n, int w, bool utf8, char **rule,
    char **labels)
{
	GString *r = g_string_new(NULL), *lb = g_string_new(NULL);
	char num[32];
	int i, len, at = 0;	/* labels: columns written */

	for (i = 0; i < w; i++) {
		bool tick = i % CHART_TICK == 0 && i < n;

		if (utf8)
			g_string_append(r, tick ? "\u252c" : "\u2500");
		else
			g_string_append_c(r, tick ? '+' : '-');
		/* A blank at least between two labels. */
		if (!tick || (at > 0 && i <= at))
			continue;
		if (starts[i] == floor(starts[i]) && fabs(starts[i]) < 1e15)
			snprintf(num, sizeof(num), "%.0fs", starts[i]);
		else
			snprintf(num, sizeof(num), "%.6gs", starts[i]);
		len = (int)strlen(num);
		if (i + len > w)
			continue;
		while (at < i) {
			g_string_append_c(lb, ' ');
			at++;
		}
		g_string_append(lb, num);
		at += len;
	}
	*rule = g_string_free(r, FALSE);
	*labels = g_string_free(lb, FALSE);
}
