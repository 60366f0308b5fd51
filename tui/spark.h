/*
 * History in text cells: the status line's sparkline of the capture's
 * bits per second, one cell a second, and the io panel's chart, one
 * column an interval.  Only layout and glyphs, no curses, so that all of
 * it is unit-tested (tests/unit/test_spark.c); screen.c puts the lines on
 * the screen.
 *
 * Both scale to the largest value shown, which the caller writes beside
 * them ("max 12.3 Mb/s"): a value of 0 is a blank, any other value at
 * least the lowest glyph, so a trickle is never lost on a busy scale.
 * Glyphs are the eighth blocks (▁▂▃▄▅▆▇█) in UTF-8 and the ramp " .:-=+*#"
 * in ASCII.
 */
#ifndef TAPTOP_TUI_SPARK_H
#define TAPTOP_TUI_SPARK_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "core/ratehist.h"
#include "core/table.h"

#define SPARK_MAX_CELLS	120	/* seconds the ring surely holds */
#define SPARK_MIN_CELLS	8	/* fewer than this: no sparkline */
#define SPARK_WANT_CELLS 60	/* a minute, when the line has room */

/* The largest of n values, 0 for none (NaN and negatives count as 0). */
double	 spark_max(const double *v, int n);

/*
 * The cells of a sparkline of n values, scaled to max (max <= 0: the
 * largest of them): one glyph per value.  g_free it.
 */
char	*spark_cells(const double *v, int n, double max, bool utf8);

/*
 * Bits per second of the n seconds of capture time up to now, oldest
 * first, from the capture's ring: v[n - 1] is the last complete second
 * before now, or, once the capture has ended, the second now is in (no
 * more packets will come to it).  Seconds before first_ns (the first
 * packet; INT64_MIN for none yet) or no longer in the ring are 0.
 */
void	 spark_history(const struct ratehist *, int64_t now_ns,
	    int64_t first_ns, bool ended, int n, double *v);

/*
 * The cells the status line gives the sparkline, out of avail columns
 * shared with the counters (counters_min: their shortest useful form;
 * counters_full: all of them in full) and the scale's label (label_w),
 * two columns apart each: at least SPARK_WANT_CELLS when that leaves the
 * counters their shortest form, more when the counters fit in full, at
 * most SPARK_MAX_CELLS; 0 when fewer than SPARK_MIN_CELLS would fit.
 */
int	 spark_width(int avail, int label_w, int counters_min,
	    int counters_full);

/*
 * The io chart.  A plot is a title line and `h` rows of bars; the time
 * axis (a rule with ticks, then their labels) is under the last plot.
 * chart_lay_out fits two plots (bits/s above, packets/s below) in
 * `height` lines of `width` columns, or only the bits/s one when there is
 * no room for both; false when there is not even room for that.
 */
#define CHART_GUTTER	7	/* the scale's labels and the axis */
#define CHART_TICK	10	/* columns between two ticks */

struct chart_layout {
	int	 plots;		/* 1 or 2 */
	int	 h[2];		/* rows of bars of each plot */
	int	 plot_w;	/* columns of bars: intervals shown */
	int	 lines;		/* lines used */
};

bool	 chart_lay_out(int width, int height, struct chart_layout *);

/*
 * The columns of a time-series table (PANEL_CHART: "start",
 * "packets_per_s", "bits_per_s", rows in time order, one per interval of
 * interval_ns): the last w intervals up to the later of its last row and
 * interval k_end (the one the capture's clock is in, or -1), intervals
 * past its rows being 0 (all of them, from interval 0, for a table with
 * no rows).  Fills starts (seconds), pps and bps, and
 * returns how many, at most w (fewer when the table spans fewer: the
 * chart then starts at the left).
 */
int	 chart_columns(const struct table *, int64_t interval_ns,
	    int64_t k_end, int w, double *starts, double *pps, double *bps);

/*
 * The h lines of bars of n values, each w cells wide (columns past n
 * blank), top line first, scaled so that max fills the h rows.  Heights
 * are in eighths of a row with the UTF-8 blocks, in whole rows of '#' in
 * ASCII.  g_ptr_array_unref the result.
 */
GPtrArray *chart_bars(const double *v, int n, int w, int h, double max,
	    bool utf8);

/*
 * The time axis of w columns under n columns of bars: a rule with a
 * tick every CHART_TICK columns ("└──┬─" or "+--+-"), and the line of
 * the ticks' labels: the start of the tick's interval in seconds since
 * the first packet ("0s", "120s", "7.5s"), left-aligned on its tick, left
 * out when it would run into the one before or past the end.  *rule and
 * *labels: g_free them.
 */
void	 chart_axis(const double *starts, int n, int w, bool utf8,
	    char **rule, char **labels);

#endif
