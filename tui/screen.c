/*
 * Drawing: the status lines, the tab bar, the active panel's table, the
 * key hint, and the overlays (help, the add-panel menu, the prompt).
 *
 * Every string reaches the terminal through put(), which cuts it to the
 * columns it may use and, when the terminal is not UTF-8, folds it to
 * ASCII; text that came from packets was escaped by fmt_cell() before
 * that.  The screen is drawn whole each time (erase, draw, refresh) and
 * curses sends only what changed, so a resize or a mode change needs no
 * bookkeeping of what is on the glass.  The key hints and the help's
 * list of keys are made from keys.c's table, as the dispatch is.  The
 * selected row is drawn in reverse video with a ">" in the margin, which
 * reads without attributes too (and in a screen capture).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/dissect.h"
#include "core/proto.h"
#include "core/report.h"
#include "tui/fmt.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/spark.h"

#define COL_GAP		2
#define COL_TEXT_MAX	40	/* widest address, text or path column */
#define MEASURE_ROWS	2000	/* rows measured for the column widths */

enum {
	PAIR_STATUS = 1,
	PAIR_STATUS_HI,
	PAIR_TAB_ACTIVE,
	PAIR_HEADER,
	PAIR_HEADER_SORT,
	PAIR_TREE,
	PAIR_HINT,
	PAIR_MSG,
	PAIR_ERR,
	PAIR_OK,
};

void
screen_init(struct tui *t)
{
	attr_t *a = t->attr;
	int bg = -1;

	if (t->color) {
		start_color();
		if (use_default_colors() == ERR)
			bg = COLOR_BLACK;
		init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_STATUS_HI, COLOR_YELLOW, COLOR_BLUE);
		init_pair(PAIR_TAB_ACTIVE, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_HEADER_SORT, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_TREE, COLOR_CYAN, (short)bg);
		init_pair(PAIR_HINT, COLOR_BLACK, COLOR_WHITE);
		init_pair(PAIR_MSG, COLOR_YELLOW, (short)bg);
		init_pair(PAIR_ERR, COLOR_RED, (short)bg);
		init_pair(PAIR_OK, COLOR_GREEN, (short)bg);
		a[AT_STATUS] = COLOR_PAIR(PAIR_STATUS);
		a[AT_STATUS_HI] = COLOR_PAIR(PAIR_STATUS_HI) | A_BOLD;
		a[AT_TAB] = A_NORMAL;
		a[AT_TAB_ACTIVE] = COLOR_PAIR(PAIR_TAB_ACTIVE) | A_BOLD;
		a[AT_TITLE] = A_BOLD;
		a[AT_HEADER] = COLOR_PAIR(PAIR_HEADER);
		a[AT_HEADER_SORT] = COLOR_PAIR(PAIR_HEADER_SORT) | A_BOLD;
		a[AT_TREE] = COLOR_PAIR(PAIR_TREE);
		a[AT_OTHER] = A_DIM;
		a[AT_EMPTY] = A_DIM;
		a[AT_HINT] = COLOR_PAIR(PAIR_HINT);
		a[AT_MSG] = COLOR_PAIR(PAIR_MSG) | A_BOLD;
		a[AT_ERR] = COLOR_PAIR(PAIR_ERR) | A_BOLD;
		a[AT_INPUT_OK] = COLOR_PAIR(PAIR_OK);
		a[AT_INPUT_BAD] = COLOR_PAIR(PAIR_ERR) | A_BOLD;
		a[AT_SEL] = A_REVERSE;
		a[AT_IDLE] = A_DIM;
		return;
	}
	/* Monochrome (NO_COLOR, or a terminal without colours): reverse,
	 * bold and underline only, and the prompt's ✓/✗ marker. */
	a[AT_STATUS] = A_REVERSE;
	a[AT_STATUS_HI] = A_REVERSE | A_BOLD;
	a[AT_TAB] = A_NORMAL;
	a[AT_TAB_ACTIVE] = A_REVERSE | A_BOLD;
	a[AT_TITLE] = A_BOLD;
	a[AT_HEADER] = A_REVERSE;
	a[AT_HEADER_SORT] = A_REVERSE | A_BOLD | A_UNDERLINE;
	a[AT_TREE] = A_NORMAL;
	a[AT_OTHER] = A_DIM;
	a[AT_EMPTY] = A_DIM;
	a[AT_HINT] = A_REVERSE;
	a[AT_MSG] = A_BOLD;
	a[AT_ERR] = A_BOLD;
	a[AT_INPUT_OK] = A_NORMAL;
	a[AT_INPUT_BAD] = A_BOLD | A_UNDERLINE;
	a[AT_SEL] = A_REVERSE;
	a[AT_IDLE] = A_DIM;
}

int
screen_body_rows(void)
{
	return (MAX(1, LINES - SCREEN_TOP - SCREEN_BOTTOM));
}

/*
 * Writes s at (y, x) in at most w columns, cut with an ellipsis and folded
 * to ASCII as the terminal needs; returns the columns written.
 */
static int
put(const struct tui *t, int y, int x, int w, const char *s, attr_t a)
{
	char *ascii = NULL, *fit;
	int used;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || s == NULL)
		return (0);
	w = MIN(w, COLS - x);
	if (w <= 0)
		return (0);
	if (!t->utf8)
		s = ascii = fmt_ascii(s);
	fit = fmt_fit(s, w, !t->utf8);
	attrset(a);
	mvaddstr(y, x, fit);
	attrset(A_NORMAL);
	used = fmt_width(fit);
	g_free(fit);
	g_free(ascii);
	return (used);
}

/* Like put, right-aligned in w columns when right is set. */
static void
put_col(const struct tui *t, int y, int x, int w, const char *s, attr_t a,
    bool right)
{
	char *d = t->utf8 ? g_strdup(s) : fmt_ascii(s);
	int sw = fmt_width(d);

	if (right && sw < w) {
		x += w - sw;
		w = sw;
	}
	put(t, y, x, w, d, a);
	g_free(d);
}

static void
fill(int y, attr_t a)
{
	if (y < 0 || y >= LINES)
		return;
	mvhline(y, 0, ' ' | a, COLS);
}

/* Text from outside taptop (file names, filters, messages), made safe for
 * the terminal.  g_free it. */
static char *
safe(const char *s)
{
	return (term_escape(s, s != NULL ? strlen(s) : 0));
}

/* ---- status ---- */

/* A moment of capture time in local time: "2013-05-02 22:20:33", or only
 * the time of day. */
static void
local_time(char *buf, size_t n, int64_t ns, bool date)
{
	int64_t sec = ns / 1000000000LL;
	time_t tt;
	struct tm tm;

	if (ns < 0 && sec * 1000000000LL != ns)
		sec--;
	tt = (time_t)sec;
	if (localtime_r(&tt, &tm) == NULL || strftime(buf, n,
	    date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm) == 0)
		snprintf(buf, n, "?");
}

/* A length of time as a person says it: "40 s", "3 min", "2 h 05 min",
 * "3 days". */
static void
span_text(char *buf, size_t n, double s)
{
	if (!(s >= 0))
		s = 0;
	if (s < 60)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 3600)
		snprintf(buf, n, "%d min", (int)(s / 60));
	else if (s < 86400)
		snprintf(buf, n, "%d h %02d min", (int)(s / 3600),
		    (int)(s / 60) % 60);
	else
		snprintf(buf, n, "%.0f days", (double)(int64_t)(s / 86400));
}

/* A file's reading: the capture time being replayed and the speed. */
static void
replay_text(const struct capture *c, char *buf, size_t n)
{
	int64_t now = capture_now_ns(c);
	double speed = capture_speed(c);
	char when[64] = "", sp[32];

	if (now != 0)
		local_time(when, sizeof(when), now, true);
	if (speed > 0)
		snprintf(sp, sizeof(sp), "%gx", speed);
	else
		snprintf(sp, sizeof(sp), "max speed");
	if (capture_paused(c))
		snprintf(buf, n, "replay paused%s%s (%s)", when[0] != '\0' ?
		    " at " : "", when, sp);
	else if (speed > 0)
		snprintf(buf, n, "replaying at %s%s%s", sp, when[0] != '\0' ?
		    ": " : "", when);
	else
		snprintf(buf, n, "reading file%s%s", when[0] != '\0' ?
		    ": " : "", when);
}

static const char *
state_text(const struct tui *t, char *buf, size_t n)
{
	const struct capture *c = t->cap;
	enum capture_state st = capture_get_state(c);
	bool live = capture_is_live(c);
	char *e;

	switch (st) {
	case CAPTURE_RUNNING:
		if (live)
			snprintf(buf, n, "capturing");
		else
			replay_text(c, buf, n);
		break;
	case CAPTURE_FINISHED:
		snprintf(buf, n, live ? "finished" : "file finished");
		break;
	case CAPTURE_STOPPED:
		snprintf(buf, n, "stopped");
		break;
	case CAPTURE_IFACE_DOWN:
		snprintf(buf, n, "interface down");
		break;
	case CAPTURE_FAILED:
		/* error is written before the state changes. */
		e = safe(capture_error(c) != NULL ? capture_error(c) :
		    "read error");
		snprintf(buf, n, "failed: %s", e);
		g_free(e);
		break;
	}
	if (t->paused) {
		char *s = g_strdup_printf("paused (%s)", buf);

		g_strlcpy(buf, s, n);
		g_free(s);
	}
	return (buf);
}

static double
elapsed_s(const struct tui *t)
{
	int64_t end = t->end_ms != 0 ? t->end_ms : mono_ms();

	return ((double)(end - t->start_ms) / 1000);
}

/* How far the refill under way is, in percent (99 at most until it is
 * done), or -1 when there is none. */
static int
refill_percent(const struct tui *t)
{
	uint64_t done, total;

	if (!capture_refill_progress(t->cap, &done, &total))
		return (-1);
	if (total == 0)
		return (0);
	return ((int)MIN(99, done * 100 / total));
}

/* The status segment of the panels refilling: "refilling conv.tcp 45%",
 * or NULL when none is.  g_free it. */
static char *
refill_status(const struct tui *t)
{
	const char *name = NULL;
	int filling = 0, waiting = 0, pct;
	GString *s;
	guint i;

	for (i = 0; i < t->views->len; i++) {
		struct tview *v = g_ptr_array_index(t->views, i);

		switch (tap_listener_refill_state(v->panel, NULL, NULL)) {
		case TAP_REFILL_FILLING:
			filling++;
			name = v->panel->cls->name;
			break;
		case TAP_REFILL_PENDING:
			waiting++;
			break;
		case TAP_REFILL_NONE:
			break;
		}
	}
	if (filling + waiting == 0)
		return (NULL);
	s = g_string_new(NULL);
	pct = MAX(refill_percent(t), 0);
	if (filling == 1)
		g_string_printf(s, "refilling %s %d%%", name, pct);
	else if (filling > 1)
		g_string_printf(s, "refilling %d panels %d%%", filling, pct);
	if (waiting > 0)
		g_string_append_printf(s, "%s%d waiting to refill",
		    s->len > 0 ? ", " : "", waiting);
	return (g_string_free(s, FALSE));
}

static void
draw_status(struct tui *t)
{
	const char *bpfopt = capture_options(t->cap)->bpf;
	char state[512], el[32], refresh[32];
	char *src, *bpf = NULL, *dfl = NULL, *bpfl = NULL, *bpfs = NULL;
	char *dfll = NULL, *dfls = NULL, *left, *right, *refill;
	struct fmt_seg seg[8];
	int n = 0, rw;

	state_text(t, state, sizeof(state));
	fmt_elapsed(el, sizeof(el), elapsed_s(t));
	snprintf(refresh, sizeof(refresh), "every %gs", t->delay);
	src = safe(capture_source(t->cap));
	seg[n++] = (struct fmt_seg){ "taptop", NULL, 10 };
	seg[n++] = (struct fmt_seg){ src, NULL, 90 };
	if (bpfopt != NULL && bpfopt[0] != '\0') {
		bpf = safe(bpfopt);
		bpfl = g_strdup_printf("capture filter: %s", bpf);
		bpfs = g_strdup_printf("-f %s", bpf);
		seg[n++] = (struct fmt_seg){ bpfl, bpfs, 50 };
	}
	if (t->global_filter[0] != '\0') {
		dfl = safe(t->global_filter);
		dfll = g_strdup_printf("display filter: %s", dfl);
		dfls = g_strdup_printf("-Y %s", dfl);
		seg[n++] = (struct fmt_seg){ dfll, dfls, 60 };
	}
	if ((refill = refill_status(t)) != NULL)
		seg[n++] = (struct fmt_seg){ refill, NULL, 95 };
	seg[n++] = (struct fmt_seg){ refresh, NULL, 20 };
	right = g_strdup_printf(" %s  %s ", el, state);
	rw = MIN(fmt_width(right), COLS);
	left = fmt_segments(seg, n, "  ", COLS - rw - 1);
	fill(0, t->attr[AT_STATUS]);
	put(t, 0, 1, COLS - rw - 1, left, t->attr[AT_STATUS]);
	put(t, 0, COLS - rw, rw, right, t->attr[AT_STATUS_HI]);
	g_free(left);
	g_free(right);
	g_free(src);
	g_free(bpf);
	g_free(bpfl);
	g_free(bpfs);
	g_free(dfl);
	g_free(dfll);
	g_free(dfls);
	g_free(refill);
}

/*
 * The per-packet limits hit (dissect.h), as a status segment: empty when
 * none was, else the non-zero ones named, and their sum when short of room.
 */
static void
counters_limits(char **lng, char **shrt)
{
	struct dissect_limits l;
	GString *s = g_string_new(NULL);
	char n[32];

	dissect_limits_get(&l);
	if (l.tapq_full != 0) {
		fmt_count(n, sizeof(n), l.tapq_full);
		g_string_append_printf(s, ", tap queue full %s", n);
	}
	if (l.fields_full != 0) {
		fmt_count(n, sizeof(n), l.fields_full);
		g_string_append_printf(s, ", fields dropped %s", n);
	}
	if (l.arena_full != 0) {
		fmt_count(n, sizeof(n), l.arena_full);
		g_string_append_printf(s, ", arena full %s", n);
	}
	if (l.reasm_timeout != 0) {
		fmt_count(n, sizeof(n), l.reasm_timeout);
		g_string_append_printf(s, ", reassembly timed out %s", n);
	}
	if (l.reasm_full != 0) {
		fmt_count(n, sizeof(n), l.reasm_full);
		g_string_append_printf(s, ", reassembly full %s", n);
	}
	if (l.tcp_gaps + l.tcp_flows_full + l.tcp_bytes_full +
	    l.tcp_timeouts != 0) {
		fmt_count(n, sizeof(n), l.tcp_gaps + l.tcp_flows_full +
		    l.tcp_bytes_full + l.tcp_timeouts);
		g_string_append_printf(s, ", tcp reassembly %s", n);
	}
	if (s->len == 0) {
		*lng = g_string_free(s, FALSE);
		*shrt = g_strdup("");
		return;
	}
	fmt_count(n, sizeof(n), l.tapq_full + l.fields_full + l.arena_full +
	    l.reasm_timeout + l.reasm_full + l.tcp_gaps + l.tcp_flows_full +
	    l.tcp_bytes_full + l.tcp_timeouts);
	*shrt = g_strdup_printf("limits hit %s", n);
	g_string_erase(s, 0, 2);
	g_string_prepend(s, "limits hit: ");
	*lng = g_string_free(s, FALSE);
}

/*
 * The frames no dissector read, for their link type (capture.h), as a
 * status segment: "38 frames of link type Cisco HDLC (104) not
 * dissected", or of "several link types"; the short form "38 frames not
 * dissected (C_HDLC)".  Both empty when every frame was read.
 */
static void
counters_undissected(const struct tui *t, char **lng, char **shrt)
{
	struct capture_undissected u[CAPTURE_UNDISSECTED_MAX + 1];
	size_t i, n, kinds = 0, one = 0;
	uint64_t frames = 0;
	char num[32];

	n = capture_undissected(t->cap, u, G_N_ELEMENTS(u));
	for (i = 0; i < n; i++)
		if (u[i].frames != 0) {
			frames += u[i].frames;
			kinds++;
			one = i;
		}
	if (frames == 0) {
		*lng = g_strdup("");
		*shrt = g_strdup("");
		return;
	}
	fmt_count(num, sizeof(num), frames);
	if (kinds > 1 || u[one].linktype < 0)
		*lng = g_strdup_printf("%s frame%s of %s link types not "
		    "dissected", num, frames == 1 ? "" : "s",
		    kinds > 1 ? "several" : "other");
	else if (u[one].description != NULL)
		*lng = g_strdup_printf("%s frame%s of link type %s (%d) not "
		    "dissected", num, frames == 1 ? "" : "s",
		    u[one].description, u[one].linktype);
	else
		*lng = g_strdup_printf("%s frame%s of link type %d not "
		    "dissected", num, frames == 1 ? "" : "s",
		    u[one].linktype);
	if (kinds == 1 && u[one].name != NULL)
		*shrt = g_strdup_printf("%s frame%s not dissected (%s)", num,
		    frames == 1 ? "" : "s", u[one].name);
	else
		*shrt = g_strdup_printf("%s frame%s not dissected", num,
		    frames == 1 ? "" : "s");
}

/* The drop segment: the kernel's drops, live only (fmt_drops). */
static void
counters_drops(bool live, const struct capture_counters *cn, char **lng,
    char **shrt)
{
	if (live) {
		fmt_drops(cn, lng, shrt);
		return;
	}
	*lng = g_strdup("drops: n/a (file)");
	*shrt = g_strdup("");
}

/*
 * The sparkline of the capture's bits/s, a cell a second up to now (the
 * capture clock, so a replay shows the traffic's own seconds), and its
 * scale: "▁▃█▅ max 12.3 Mb/s".  NULL when cells is 0.
 */
#define SPARK_LABEL_W	13	/* "max 12.3 Mb/s" */

static char *
spark_text(const struct tui *t, const struct capture_counters *cn, int cells)
{
	double v[SPARK_MAX_CELLS];
	char max[FMT_NUM_MAX], *c, *s;

	if (cells <= 0)
		return (NULL);
	cells = MIN(cells, SPARK_MAX_CELLS);
	spark_history(capture_ratehist(t->cap), capture_now_ns(t->cap),
	    cn->packets > 0 ? cn->first_ns : INT64_MIN,
	    capture_get_state(t->cap) != CAPTURE_RUNNING, cells, v);
	fmt_bps(max, sizeof(max), spark_max(v, cells));
	c = spark_cells(v, cells, 0, t->utf8);
	s = g_strdup_printf("%s max %s", c, max);
	g_free(c);
	return (s);
}

static void
draw_counters(struct tui *t)
{
	struct capture_counters cn;
	bool live = capture_is_live(t->cap);
	uint64_t pk, by;
	uint64_t mal = dissect_malformed_count(-1);
	char pks[32], pps[32], apps[32], bps[32], abps[32], mals[32];
	char *s[10], *line, *lim, *lims, *all, *spark, *und, *unds;
	struct fmt_seg seg[7];
	double span, avg_p, avg_b;
	int n = 0, i, cells, sw;

	capture_counters(t->cap, &cn);
	pk = cn.packets;
	by = cn.bytes;
	/* A file's average is over its own time span (the traffic's rate,
	 * however fast it is read); a live capture's over the wall clock. */
	if (live)
		span = elapsed_s(t);
	else
		span = (double)(cn.last_ns - cn.first_ns) / 1e9;
	avg_p = span > 0 ? (double)pk / span : 0;
	avg_b = span > 0 ? (double)by * 8 / span : 0;
	fmt_count(pks, sizeof(pks), pk);
	fmt_rate(pps, sizeof(pps), t->pps);
	fmt_rate(apps, sizeof(apps), avg_p);
	fmt_bps(bps, sizeof(bps), t->bps * 8);
	fmt_bps(abps, sizeof(abps), avg_b);
	fmt_count(mals, sizeof(mals), mal);
	s[0] = g_strdup_printf("%s packets", pks);
	s[1] = g_strdup_printf("%s pkts", pks);
	s[2] = g_strdup_printf("%s pkt/s (avg %s)", pps, apps);
	s[3] = g_strdup_printf("%s pkt/s", pps);
	s[4] = g_strdup_printf("%s (avg %s)", bps, abps);
	s[5] = g_strdup(bps);
	counters_drops(live, &cn, &s[6], &s[7]);
	s[8] = g_strdup_printf("malformed %s", mals);
	s[9] = g_strdup_printf("malf %s", mals);
	counters_limits(&lim, &lims);
	counters_undissected(t, &und, &unds);
	seg[n++] = (struct fmt_seg){ s[0], s[1], 90 };
	seg[n++] = (struct fmt_seg){ s[2], s[3], 80 };
	seg[n++] = (struct fmt_seg){ s[4], s[5], 85 };
	seg[n++] = (struct fmt_seg){ s[6], s[7][0] != '\0' ? s[7] : NULL,
	    live ? 70 : 5 };
	seg[n++] = (struct fmt_seg){ s[8], s[9], 60 };
	seg[n++] = (struct fmt_seg){ lim, lims, 65 };
	seg[n++] = (struct fmt_seg){ und, unds, 88 };
	/* The sparkline on the right: a minute or more when the counters
	 * keep their short forms, what is left at 80 columns. */
	all = fmt_segments(seg, n, "  ", G_MAXINT / 2);
	/* Frames not dissected are rare and worth a word: the sparkline
	 * makes room for it. */
	cells = spark_width(COLS - 2, SPARK_LABEL_W, fmt_width(s[1]) +
	    fmt_width(s[3]) + fmt_width(s[5]) + 4 +
	    (unds[0] != '\0' ? fmt_width(unds) + 2 : 0), fmt_width(all));
	spark = spark_text(t, &cn, cells);
	sw = spark != NULL ? fmt_width(spark) : 0;
	line = fmt_segments(seg, n, "  ", COLS - 2 - (sw > 0 ? sw + 2 : 0));
	fill(1, t->attr[AT_STATUS]);
	put(t, 1, 1, COLS - 2, line, t->attr[AT_STATUS]);
	if (spark != NULL)
		put(t, 1, COLS - 1 - sw, sw, spark, t->attr[AT_STATUS_HI]);
	g_free(spark);
	g_free(all);
	g_free(line);
	for (i = 0; i < 10; i++)
		g_free(s[i]);
	g_free(lim);
	g_free(lims);
	g_free(und);
	g_free(unds);
}

/* ---- tab bar ---- */

static char *
tab_label(const struct tui *t, int i, int filter_cols)
{
	struct tview *v = g_ptr_array_index(t->views, i);
	char num[16] = "";
	char *f, *fit, *s;

	if (i < 9)
		snprintf(num, sizeof(num), "%d ", i + 1);
	if (v->panel->filter[0] == '\0')
		return (g_strdup_printf(" %s%s ", num, v->panel->cls->name));
	f = safe(v->panel->filter);
	fit = fmt_fit(f, MAX(filter_cols, 1), !t->utf8);
	s = g_strdup_printf(" %s%s [%s] ", num, v->panel->cls->name, fit);
	g_free(fit);
	g_free(f);
	return (s);
}

static void
draw_tabs(struct tui *t)
{
	int n = (int)t->views->len, fcols = 48, total, i, first, last, x;
	const char *sep = t->utf8 ? "\u2502" : "|";
	char **label;
	int *w;

	fill(2, t->attr[AT_TAB]);
	if (n == 0) {
		put(t, 2, 1, COLS - 1, "no panels: press a to add one",
		    t->attr[AT_EMPTY]);
		return;
	}
	label = g_new0(char *, (size_t)n);
	w = g_new0(int, (size_t)n);
	/* Shorten the filters until the tabs fit, down to "…". */
	for (;;) {
		total = 0;
		for (i = 0; i < n; i++) {
			g_free(label[i]);
			label[i] = tab_label(t, i, fcols);
			w[i] = fmt_width(label[i]) + 1;
			total += w[i];
		}
		if (total <= COLS || fcols <= 1)
			break;
		/* One column at a time: only the filters longer than the cap
		 * are cut, the short ones stay whole. */
		fcols--;
	}
	/* Still too wide: a window of tabs around the active one. */
	first = last = MIN(t->active, n - 1);
	if (total <= COLS) {
		first = 0;
		last = n - 1;
	} else {
		int used = w[first];

		for (;;) {
			bool grew = false;

			if (last + 1 < n && used + w[last + 1] <= COLS - 2) {
				used += w[++last];
				grew = true;
			}
			if (first > 0 && used + w[first - 1] <= COLS - 2) {
				used += w[--first];
				grew = true;
			}
			if (!grew)
				break;
		}
	}
	x = first > 0 ? 1 : 0;
	if (first > 0)
		put(t, 2, 0, 1, "<", t->attr[AT_TAB]);
	for (i = first; i <= last; i++) {
		x += put(t, 2, x, COLS - x, label[i], i == t->active ?
		    t->attr[AT_TAB_ACTIVE] : t->attr[AT_TAB]);
		if (i < last)
			x += put(t, 2, x, COLS - x, sep, t->attr[AT_TAB]);
	}
	if (last < n - 1)
		put(t, 2, COLS - 1, 1, ">", t->attr[AT_TAB]);
	for (i = 0; i < n; i++)
		g_free(label[i]);
	g_free(label);
	g_free(w);
}

/* ---- the table ---- */

static const char *
arrow(const struct tui *t, bool desc)
{
	if (t->utf8)
		return (desc ? "\u25bc" : "\u25b2");
	return (desc ? "v" : "^");
}

static bool
has_path(const struct panel_class *cls)
{
	int c;

	for (c = 0; c < cls->ncols; c++)
		if (fmt_col_tree(cls->cols[c].type))
			return (true);
	return (false);
}

/*
 * What the panel's counts cover, when it is not every packet: "refilling
 * 45%" while they are being counted again, and after a refill from the
 * history that no longer reached the first packet, how far back it went,
 * "since 14:02:11, 3 min", and the packets it could not give.  NULL when
 * there is nothing to say.  g_free it.
 */
static char *
coverage_text(const struct tui *t, struct tview *v)
{
	int64_t since;
	uint64_t skipped;
	char when[32], span[32], cnt[FMT_NUM_MAX];
	GString *s;

	/* A composite's parts refill together: the first tells. */
	switch (tap_listener_refill_state(v->nparts > 0 ? v->part[0]->panel :
	    v->panel, &since, &skipped)) {
	case TAP_REFILL_FILLING:
		return (g_strdup_printf("refilling %d%%",
		    MAX(refill_percent(t), 0)));
	case TAP_REFILL_PENDING:
		return (g_strdup("waiting to refill"));
	case TAP_REFILL_NONE:
		break;
	}
	if (since == 0 && skipped == 0)
		return (NULL);
	s = g_string_new(NULL);
	if (since != 0) {
		local_time(when, sizeof(when), since, false);
		span_text(span, sizeof(span),
		    (double)(capture_now_ns(t->cap) - since) / 1e9);
		g_string_printf(s, "since %s, %s", when, span);
	}
	if (skipped != 0) {
		fmt_count(cnt, sizeof(cnt), skipped);
		g_string_append_printf(s, "%s%s packets missing",
		    s->len > 0 ? ", " : "", cnt);
	}
	return (g_string_free(s, FALSE));
}

static void
draw_title(struct tui *t)
{
	struct tview *v;
	char *title, *filter = NULL, *fshort = NULL, *rows, *sort = NULL;
	char *line, *cover;
	struct fmt_seg seg[6];
	int n = 0;

	fill(3, A_NORMAL);
	if (t->views->len == 0)
		return;
	v = g_ptr_array_index(t->views, t->active);
	title = g_strdup_printf("%s (%s)", v->panel->cls->title,
	    v->panel->cls->name);
	seg[n++] = (struct fmt_seg){ title, v->panel->cls->title, 100 };
	if (v->panel->filter[0] != '\0') {
		char *f = safe(v->panel->filter), *cut;

		/* Cut rather than left out: what is left after the title
		 * (and the view's name, which stays). */
		cut = fmt_fit(f, MAX(COLS - 2 -
		    fmt_width(v->panel->cls->title) - 3 - 8 -
		    (v->rate_col >= 0 || v->nparts > 0 ? 3 + 9 : 0), 8),
		    !t->utf8);
		filter = g_strdup_printf("filter: %s", f);
		fshort = g_strdup_printf("filter: %s", cut);
		g_free(cut);
		g_free(f);
		seg[n++] = (struct fmt_seg){ filter, fshort, 90 };
	}
	rows = fmt_rows(v->shown != NULL ? (uint64_t)v->shown->nrows : 0);
	if (v->shown != NULL && v->raw != NULL &&
	    v->shown->nrows != v->raw->nrows) {
		/* "now" leaves rows out: "2 of 3 rows". */
		char *r = fmt_rows((uint64_t)v->raw->nrows);

		g_free(rows);
		rows = g_strdup_printf("%d of %s", v->shown->nrows, r);
		g_free(r);
	}
	if (v->shown != NULL && v->shown->folded_rows > 0) {
		char *r = rows;

		rows = g_strdup_printf("%s + ~%" PRIu64 " folded", r,
		    v->shown->folded_rows);
		g_free(r);
	}
	if (v->nparts == 0)
		seg[n++] = (struct fmt_seg){ rows, NULL, 60 };
	if ((cover = coverage_text(t, v)) != NULL)
		seg[n++] = (struct fmt_seg){ cover, NULL, 97 };
	if (v->nparts > 0)
		sort = NULL;	/* each list says its order */
	else if (v->sort_col >= 0) {
		char *ti = fmt_col_title(&v->panel->cls->cols[v->sort_col],
		    t->bits);

		sort = g_strdup_printf("sorted by %s %s", ti,
		    arrow(t, v->sort_desc));
		g_free(ti);
	} else
		sort = g_strdup(has_path(v->panel->cls) ? "tree order" :
		    "panel's order");
	if (sort != NULL)
		seg[n++] = (struct fmt_seg){ sort, NULL, 50 };
	if (v->rate_col >= 0 || v->nparts > 0)
		seg[n++] = v->now ?
		    (struct fmt_seg){ "view: now (active in 40 s)", "view: now",
		    98 } :
		    (struct fmt_seg){ "view: all rows", "view: all", 98 };
	if (t->paused)
		seg[n++] = (struct fmt_seg){ "[PAUSED]", NULL, 95 };
	line = fmt_segments(seg, n, "   ", COLS - 2);
	put(t, 3, 1, COLS - 2, line, t->attr[AT_TITLE]);
	g_free(line);
	g_free(title);
	g_free(filter);
	g_free(fshort);
	g_free(rows);
	g_free(sort);
	g_free(cover);
}

static bool
col_pinned(enum col_type type)
{
	return (type == COL_ADDR || type == COL_PATH || type == COL_TEXT ||
	    type == COL_TREE || type == COL_PORT);
}

static int
col_cap(enum col_type type)
{
	return (type == COL_ADDR || type == COL_PATH || type == COL_TEXT ||
	    type == COL_TREE ? COL_TEXT_MAX : 1000);
}

/* Where the columns go: x and width of each shown column, -1 if not. */
struct layout {
	int	*x, *w;
	int	 pinned;
	bool	 more_left, more_right;
};

static void
lay_out(const struct tui *t, struct tview *v, const struct table *tb,
    struct layout *l)
{
	int c, x = 1, w, right = COLS - 1, nscroll, shown_scroll = 0;

	l->x = g_new(int, (size_t)tb->ncols);
	l->w = g_new(int, (size_t)tb->ncols);
	for (c = 0; c < tb->ncols; c++)
		l->x[c] = l->w[c] = -1;
	for (l->pinned = 0; l->pinned < tb->ncols &&
	    col_pinned(tb->cols[l->pinned].type); l->pinned++)
		;
	nscroll = tb->ncols - l->pinned;
	v->hcol = CLAMP(v->hcol, 0, MAX(nscroll - 1, 0));
	for (c = 0; c < l->pinned && x < right; c++) {
		w = MIN(v->width[c], right - x);
		l->x[c] = x;
		l->w[c] = w;
		x += w + COL_GAP;
	}
	for (c = l->pinned + v->hcol; c < tb->ncols; c++) {
		w = v->width[c];
		if (x + w > right) {
			/* The first scrollable column is cut rather than
			 * left out, so that something moves on '>'. */
			if (shown_scroll > 0 || right - x < 3)
				break;
			w = right - x;
		}
		l->x[c] = x;
		l->w[c] = w;
		x += w + COL_GAP;
		shown_scroll++;
	}
	(void)t;
	l->more_left = v->hcol > 0;
	l->more_right = c < tb->ncols;
}

/* The "other" row's totals must fit their columns too. */
static void
widen_for_other(const struct tui *t, struct tview *v, const struct table *tb)
{
	char buf[FMT_NUM_MAX];
	int fc = table_col_index(tb, "frames"), bc = table_col_index(tb,
	    "bytes");

	if (fc < 0)
		fc = table_col_index(tb, "packets");
	if (fc >= 0) {
		fmt_count(buf, sizeof(buf), tb->folded_frames);
		v->width[fc] = MAX(v->width[fc], fmt_width(buf));
	}
	if (bc >= 0) {
		fmt_bytes(buf, sizeof(buf), tb->folded_bytes, t->bits);
		v->width[bc] = MAX(v->width[bc], fmt_width(buf));
	}
}

/* The branches or indentation before a protocol's name. */
static char *
path_prefix(const struct tui *t, const struct table *tb, char **tree,
    int col, int row)
{
	(void)t;
	if (tree != NULL)
		return (g_strdup(tree[row]));
	return (fmt_tree_indent(tb->cols[col].type, &table_row(tb, row)[col]));
}

/* A cell as the view shows it: addresses and ports as names when n and
 * N say so; request asks the resolver for the names of rows on screen. */
static char *
view_cell(const struct tui *t, const struct tview *v, const struct table *tb,
    int row, int col, bool request)
{
	struct fmt_names nm = { t->names, t->port_names, request,
	    v->panel->cls->tap };

	return (fmt_row_cell_named(tb, row, col, t->bits, &nm));
}

/* Widens the columns to fit rows [from, to). */
static void
measure(const struct tui *t, struct tview *v, const struct table *tb,
    char **tree, int pathcol, int from, int to)
{
	int r, c, w;

	for (r = from; r < to; r++) {
		for (c = 0; c < tb->ncols; c++) {
			char *s = view_cell(t, v, tb, r, c, false);

			w = fmt_width(s);
			g_free(s);
			if (c == pathcol) {
				char *pre = path_prefix(t, tb, tree, c, r);

				w += fmt_width(pre);
				g_free(pre);
			}
			v->width[c] = MAX(v->width[c], MIN(w,
			    col_cap(tb->cols[c].type)));
		}
	}
}

static void
draw_table(struct tui *t)
{
	struct tview *v;
	struct table *tb;
	struct layout l;
	char ***cells, **tree = NULL;
	int body = screen_body_rows(), total, c, y, pathcol = -1, idlecol;
	bool folded;

	if (t->views->len == 0)
		return;
	v = g_ptr_array_index(t->views, t->active);
	tb = v->shown;
	if (tb == NULL)
		return;
	idlecol = table_col_index(tb, "rate_10s");
	folded = tb->folded_rows > 0 || tb->folded_frames > 0;
	total = tb->nrows + (folded ? 1 : 0);
	v->scroll = CLAMP(v->scroll, 0, MAX(total - body, 0));
	/* The selection stays in view at any size (tui.c moves it). */
	if (v->sel >= v->scroll + body)
		v->scroll = v->sel - body + 1;
	if (v->sel < v->scroll)
		v->scroll = MAX(v->sel, 0);
	if (v->nwidth != tb->ncols) {
		g_free(v->width);
		v->width = g_new0(int, (size_t)tb->ncols);
		v->nwidth = tb->ncols;
	}
	for (c = 0; c < tb->ncols; c++) {
		char *tt = fmt_col_title(&tb->cols[c], t->bits);
		char *ti = t->utf8 ? g_strdup(tt) : fmt_ascii(tt);

		v->width[c] = MAX(v->width[c], fmt_width(ti) +
		    (c == v->sort_col ? 2 : 0));
		g_free(ti);
		g_free(tt);
		if (fmt_col_tree(tb->cols[c].type) && pathcol < 0)
			pathcol = c;
	}
	/* The protocol tree: drawn with branches in tree order, indented
	 * by depth when sorted some other way. */
	if (pathcol >= 0 && v->sort_col < 0)
		tree = fmt_tree_prefixes(tb, pathcol, !t->utf8);
	/* Widths from the content: the first rows of each new table (so
	 * that scrolling through them does not move the columns), then
	 * whatever is on screen. */
	if (v->measured_gen != v->gen) {
		measure(t, v, tb, tree, pathcol, 0, MIN(tb->nrows,
		    MEASURE_ROWS));
		if (folded)
			widen_for_other(t, v, tb);
		v->measured_gen = v->gen;
	}

	/* Format the rows on screen, and widen the columns to fit them. */
	cells = g_new0(char **, (size_t)body);
	for (y = 0; y < body && v->scroll + y < tb->nrows; y++) {
		cells[y] = g_new0(char *, (size_t)tb->ncols);
		for (c = 0; c < tb->ncols; c++) {
			char *s = view_cell(t, v, tb, v->scroll + y, c, true);

			int pw = 0;

			if (c == pathcol) {
				char *pre = path_prefix(t, tb, tree, c,
				    v->scroll + y);

				pw = fmt_width(pre);
				g_free(pre);
			}
			cells[y][c] = s;
			v->width[c] = MAX(v->width[c], MIN(pw + fmt_width(s),
			    col_cap(tb->cols[c].type)));
		}
	}
	lay_out(t, v, tb, &l);

	/* The header. */
	fill(SCREEN_TOP - 1, t->attr[AT_HEADER]);
	if (l.more_left)
		put(t, SCREEN_TOP - 1, 0, 1, "<", t->attr[AT_HEADER_SORT]);
	if (l.more_right)
		put(t, SCREEN_TOP - 1, COLS - 1, 1, ">",
		    t->attr[AT_HEADER_SORT]);
	for (c = 0; c < tb->ncols; c++) {
		bool num = fmt_col_numeric(tb->cols[c].type);
		char *tt, *ti;

		if (l.x[c] < 0)
			continue;
		/* The unit's name follows b, as the cells do. */
		tt = fmt_col_title(&tb->cols[c], t->bits);
		if (c == v->sort_col)
			ti = num ? g_strdup_printf("%s %s",
			    arrow(t, v->sort_desc), tt) :
			    g_strdup_printf("%s %s", tt,
			    arrow(t, v->sort_desc));
		else
			ti = g_strdup(tt);
		put_col(t, SCREEN_TOP - 1, l.x[c], l.w[c], ti,
		    t->attr[c == v->sort_col ? AT_HEADER_SORT : AT_HEADER],
		    num);
		g_free(ti);
		g_free(tt);
	}

	/* The rows, then the folded "other" line after the last. */
	for (y = 0; y < body; y++) {
		int row = v->scroll + y, ys = SCREEN_TOP + y;
		/* The selected row: reverse video, and a marker in the
		 * margin that reads without attributes too; only where a
		 * row leads somewhere (a panel with no drill-down, such as
		 * the summary, still scrolls, unmarked). */
		bool hi = row == v->sel && v->panel->cls->row_filter != NULL;
		attr_t ra = hi ? t->attr[AT_SEL] : A_NORMAL;

		if (row < tb->nrows) {
			/* "now": a row with nothing in 10 s is dim, and
			 * marked for terminals that do not dim. */
			if (hi) {
				fill(ys, ra);
				put(t, ys, 0, 1, ">", ra | A_BOLD);
			} else if (v->now && idlecol >= 0 &&
			    !(table_row(tb, row)[idlecol].d > 0)) {
				ra = t->attr[AT_IDLE];
				put(t, ys, 0, 1, t->utf8 ? "\u00b7" : ".", ra);
			}
			for (c = 0; c < tb->ncols; c++) {
				if (l.x[c] < 0)
					continue;
				if (c == pathcol) {
					char *pre = path_prefix(t, tb, tree, c,
					    row);
					int pw = put(t, ys, l.x[c], l.w[c], pre,
					    hi ? ra : t->attr[AT_TREE] | ra);

					put(t, ys, l.x[c] + pw, l.w[c] - pw,
					    cells[y][c], ra);
					g_free(pre);
					continue;
				}
				put_col(t, ys, l.x[c], l.w[c], cells[y][c],
				    ra, fmt_col_numeric(tb->cols[c].type));
			}
		} else if (row == tb->nrows && folded) {
			char buf[FMT_NUM_MAX], *label, *nr;
			int fc = table_col_index(tb, "frames");
			int bc = table_col_index(tb, "bytes");
			int lw = 0;

			if (fc < 0)
				fc = table_col_index(tb, "packets");
			for (c = 0; c < MAX(l.pinned, 1) && c < tb->ncols; c++)
				if (l.x[c] >= 0)
					lw = l.x[c] + l.w[c] - 1;
			nr = fmt_rows(tb->folded_rows);
			label = g_strdup_printf("other (~%s)", nr);
			put(t, ys, 1, MAX(lw, 1), label, t->attr[AT_OTHER]);
			g_free(label);
			g_free(nr);
			if (fc >= 0 && l.x[fc] >= 0) {
				fmt_count(buf, sizeof(buf), tb->folded_frames);
				put_col(t, ys, l.x[fc], l.w[fc], buf,
				    t->attr[AT_OTHER], true);
			}
			if (bc >= 0 && l.x[bc] >= 0) {
				fmt_bytes(buf, sizeof(buf), tb->folded_bytes,
				    t->bits);
				put_col(t, ys, l.x[bc], l.w[bc], buf,
				    t->attr[AT_OTHER], true);
			}
		}
	}
	if (total == 0)
		put(t, SCREEN_TOP, 1, COLS - 2, v->now && v->raw != NULL &&
		    v->raw->nrows > 0 ? "(no rows active in the last 40 s: "
		    "v shows all)" : v->panel->filter[0] != '\0' ?
		    "(no rows: nothing has matched the filter yet)" :
		    "(no rows yet)", t->attr[AT_EMPTY]);

	for (y = 0; y < body; y++)
		if (cells[y] != NULL) {
			for (c = 0; c < tb->ncols; c++)
				g_free(cells[y][c]);
			g_free(cells[y]);
		}
	g_free(cells);
	g_strfreev(tree);
	g_free(l.x);
	g_free(l.w);
}

/* ---- the chart of a time series (the io panel) ---- */

static bool
chart_shown(const struct tui *t)
{
	const struct tview *v;

	if (t->views->len == 0)
		return (false);
	v = g_ptr_array_index(t->views, CLAMP(t->active, 0,
	    (int)t->views->len - 1));
	return ((v->panel->cls->show & PANEL_CHART) != 0);
}

/* One plot: its title, then its rows of bars with the scale on the
 * left (the top row's value at the top, 0 at the bottom). */
static int
draw_plot(struct tui *t, int y, int h, const char *what, const double *v,
    int n, int w, bool bits)
{
	char max[FMT_NUM_MAX + 4], last[FMT_NUM_MAX + 4], top[FMT_NUM_MAX];
	double m = spark_max(v, n);
	char *title, *gut;
	GPtrArray *bars;
	int r;

	if (bits) {
		fmt_bps(max, sizeof(max), m);
		fmt_bps(last, sizeof(last), n > 0 ? v[n - 1] : 0);
	} else {
		fmt_rate(top, sizeof(top), m);
		snprintf(max, sizeof(max), "%s/s", top);
		fmt_rate(top, sizeof(top), n > 0 ? v[n - 1] : 0);
		snprintf(last, sizeof(last), "%s/s", top);
	}
	/* The scale's top, in the plot's unit without its name. */
	fmt_rate(top, sizeof(top), m);
	fill(y, t->attr[AT_HEADER]);
	title = g_strdup_printf("%s   max %s   last %s", what, max, last);
	put(t, y, 1, COLS - 2, title, t->attr[AT_HEADER]);
	g_free(title);
	bars = chart_bars(v, n, w, h, m, t->utf8);
	for (r = 0; r < h; r++) {
		gut = g_strdup_printf("%*s %s", CHART_GUTTER - 2,
		    r == 0 && m > 0 ? top : r == h - 1 ? "0" : "",
		    t->utf8 ? "│" : "|");
		put(t, y + 1 + r, 0, CHART_GUTTER, gut, A_NORMAL);
		put(t, y + 1 + r, CHART_GUTTER, w,
		    g_ptr_array_index(bars, r), A_NORMAL);
		g_free(gut);
	}
	g_ptr_array_unref(bars);
	return (y + 1 + h);
}

/*
 * The io panel: bits/s above, packets/s below, one column an interval,
 * the newest on the right, and the time axis under them.  The columns run
 * to the interval the capture clock is in, so a quiet filter still moves.
 */
static void
draw_chart(struct tui *t)
{
	struct tview *v = g_ptr_array_index(t->views, t->active);
	int height = LINES - SCREEN_TOP - SCREEN_BOTTOM + 1;
	int64_t len = v->panel->interval_ns, k_end = -1, h;
	struct capture_counters cn;
	struct chart_layout l;
	double *starts, *pps, *bps;
	char *rule, *labels, *corner;
	int n, y = SCREEN_TOP - 1;

	if (v->raw == NULL || !chart_lay_out(COLS, height, &l))
		return;
	capture_counters(t->cap, &cn);
	/* Paused, the chart stays as its table was taken. */
	if (cn.packets > 0 && len > 0 && !t->paused) {
		h = capture_now_ns(t->cap) - cn.first_ns;
		k_end = h > 0 ? (h - 1) / len : 0;
	}
	starts = g_new0(double, (size_t)l.plot_w);
	pps = g_new0(double, (size_t)l.plot_w);
	bps = g_new0(double, (size_t)l.plot_w);
	n = chart_columns(v->raw, len, k_end, l.plot_w, starts, pps, bps);
	if (n == 0)
		put(t, SCREEN_TOP, 1, COLS - 2, v->panel->filter[0] != '\0' ?
		    "(no intervals yet: nothing has matched the filter)" :
		    "(no intervals yet)", t->attr[AT_EMPTY]);
	else {
		y = draw_plot(t, y, l.h[0], "Bits/s", bps, n, l.plot_w, true);
		if (l.plots == 2)
			y = draw_plot(t, y, l.h[1], "Packets/s", pps, n,
			    l.plot_w, false);
		chart_axis(starts, n, l.plot_w, t->utf8, &rule, &labels);
		corner = g_strdup_printf("%*s%s", CHART_GUTTER - 1, "",
		    t->utf8 ? "└" : "+");
		put(t, y, 0, CHART_GUTTER, corner, A_NORMAL);
		put(t, y, CHART_GUTTER, l.plot_w, rule, A_NORMAL);
		put(t, y + 1, CHART_GUTTER, l.plot_w, labels, A_NORMAL);
		g_free(corner);
		g_free(rule);
		g_free(labels);
	}
	g_free(starts);
	g_free(pps);
	g_free(bps);
}

/* ---- the overview ---- */

#define OV_RATE_W	12	/* a rate column, its gap included */
#define OV_TOTAL_W	10	/* the total column, its gap included */
#define OV_NAME_MIN	15	/* the address column, at least */
#define OV_MIX_CELL	16	/* a protocol of the mix: "tcp    82.1%" */

/*
 * The overview's lines, top to bottom: the chart of the traffic (a title
 * line and chart_h rows of bars), the top hosts (a heading and `hosts`
 * rows), the top conversations (a heading and `convs` rows), the protocol
 * mix (a heading and `mix` lines).  At 80x24 that is 2 rows of chart, 6
 * hosts, 6 conversations and 2 lines of protocols; a taller screen gives
 * the lists most of what it adds.  What does not fit goes: the chart
 * first, then the mix.
 */
struct ov_layout {
	int	 chart_h, hosts, convs, mix;
};

static void
ov_lay_out(int height, struct ov_layout *l)
{
	int rest;

	l->chart_h = height >= 36 ? 4 : height >= 28 ? 3 : 2;
	l->mix = height >= 30 ? 3 : 2;
	for (;;) {
		rest = height - (l->chart_h > 0 ? 1 + l->chart_h : 0) - 2 -
		    (l->mix > 0 ? 1 + l->mix : 0);
		if (rest >= 4 || (l->chart_h == 0 && l->mix == 0))
			break;
		if (l->chart_h > 0)
			l->chart_h = 0;
		else
			l->mix = 0;
	}
	rest = MAX(rest, 0);
	l->hosts = rest / 2;
	l->convs = rest - l->hosts;
}

static bool
overview_shown(const struct tui *t)
{
	const struct tview *v;

	if (t->views->len == 0)
		return (false);
	v = g_ptr_array_index(t->views, CLAMP(t->active, 0,
	    (int)t->views->len - 1));
	return (v->nparts > 0);
}

/* The rate and total columns that fit beside a name of OV_NAME_MIN:
 * 2 s, 10 s, 40 s and the total, the 10 s and 40 s ones going first. */
static int
ov_ncols(void)
{
	int avail = COLS - 2 - OV_NAME_MIN;

	if (avail >= 3 * OV_RATE_W + OV_TOTAL_W)
		return (4);
	if (avail >= OV_RATE_W + OV_TOTAL_W)
		return (2);
	return (1);
}

/* The columns of a list, by key: rate_2s, rate_10s, rate_40s, bytes. */
static const char *const ov_keys[] = {
	"rate_2s", "rate_10s", "rate_40s", "bytes"
};

static const char *
ov_key(int i, int ncols)
{
	/* With 2 columns: the 2 s rate and the total. */
	return (ncols == 4 ? ov_keys[i] : i == 0 ? ov_keys[0] : ov_keys[3]);
}

static int
ov_col_w(int i, int ncols)
{
	return (strcmp(ov_key(i, ncols), "bytes") == 0 ? OV_TOTAL_W :
	    OV_RATE_W);
}

/* An address cut in its middle, where an IPv6 address says least (its
 * network on the left, its host on the right); a name (not ASCII) is cut
 * at its end.  g_free it. */
static char *
ov_fit(const char *s, int w, bool ascii)
{
	size_t n = strlen(s);
	int left;

	if (fmt_width(s) <= w)
		return (g_strdup(s));
	if (w < 5 || !g_str_is_ascii(s))
		return (fmt_fit(s, w, ascii));
	left = (w - 1) / 2;
	return (g_strdup_printf("%.*s%s%s", left, s, ascii ? "~" : "\u2026",
	    s + n - (size_t)(w - 1 - left)));
}

/* The name of row r: an address, or a conversation's two. */
static char *
ov_name(const struct tui *t, const struct tview *pv, int r, int w)
{
	const struct table *tb = pv->shown;
	int a = table_col_index(tb, "address"), b, half;
	char *x, *y, *fx, *fy, *s;

	if (a >= 0) {
		x = view_cell(t, pv, tb, r, a, true);
		s = ov_fit(x, w, !t->utf8);
		g_free(x);
		return (s);
	}
	a = table_col_index(tb, "a");
	b = table_col_index(tb, "b");
	if (a < 0 || b < 0)
		return (g_strdup(""));
	x = view_cell(t, pv, tb, r, a, true);
	y = view_cell(t, pv, tb, r, b, true);
	/* Each address gets half the room, so that both show. */
	half = MAX((w - 3) / 2, 4);
	fx = fmt_width(x) + fmt_width(y) + 3 <= w ? g_strdup(x) :
	    ov_fit(x, fmt_width(y) + 3 <= w - half ? w - 3 - fmt_width(y) :
	    half, !t->utf8);
	fy = ov_fit(y, MAX(w - 3 - fmt_width(fx), 4), !t->utf8);
	s = g_strdup_printf("%s %s %s", fx, t->utf8 ? "\u2194" : "-", fy);
	g_free(x);
	g_free(y);
	g_free(fx);
	g_free(fy);
	return (s);
}

/* One list of the overview: its heading (what, then the columns' titles
 * over their columns), then its first n rows; returns the next line. */
static int
ov_list(struct tui *t, struct tview *ov, int part, int y, int n,
    const char *what)
{
	struct tview *pv = ov->part[part];
	const struct table *tb = pv->shown;
	int ncols = ov_ncols(), namew, x, i, c, r, rows;
	char *head, *s;

	namew = COLS - 2;
	for (i = 0; i < ncols; i++)
		namew -= ov_col_w(i, ncols);
	fill(y, t->attr[AT_HEADER]);
	head = g_strdup_printf("%s%s", what, pv->now ? " now" : " (all)");
	put(t, y, 1, namew, head, t->attr[AT_HEADER]);
	g_free(head);
	x = 1 + namew;
	for (i = 0; i < ncols; i++) {
		c = tb != NULL ? table_col_index(tb, ov_key(i, ncols)) : -1;
		s = c >= 0 ? fmt_col_title(&tb->cols[c], t->bits) :
		    g_strdup("");
		put_col(t, y, x, ov_col_w(i, ncols), s,
		    t->attr[c == pv->sort_col ? AT_HEADER_SORT : AT_HEADER],
		    true);
		g_free(s);
		x += ov_col_w(i, ncols);
	}
	y++;
	rows = tb != NULL ? MIN(tb->nrows, n) : 0;
	pv->rows_shown = n;
	if (rows == 0 && n > 0)
		put(t, y, 3, COLS - 4, pv->now ?
		    "(nothing in the last 40 s)" : "(nothing yet)",
		    t->attr[AT_EMPTY]);
	for (r = 0; r < rows; r++) {
		bool hi = ov->focus == part && r == pv->sel;
		int idle = table_col_index(tb, "rate_10s");
		attr_t ra = A_NORMAL;

		if (hi) {
			ra = t->attr[AT_SEL];
			fill(y + r, ra);
			put(t, y + r, 0, 1, ">", ra | A_BOLD);
		} else if (pv->now && idle >= 0 &&
		    !(table_row(tb, r)[idle].d > 0))
			ra = t->attr[AT_IDLE];
		s = ov_name(t, pv, r, namew - 1);
		put(t, y + r, 1, namew - 1, s, ra);
		g_free(s);
		x = 1 + namew;
		for (i = 0; i < ncols; i++) {
			c = table_col_index(tb, ov_key(i, ncols));
			s = c >= 0 ? view_cell(t, pv, tb, r, c, false) :
			    g_strdup("");
			put_col(t, y + r, x, ov_col_w(i, ncols), s, ra, true);
			g_free(s);
			x += ov_col_w(i, ncols);
		}
	}
	return (y + n);
}

struct ov_share {
	const char	*name;		/* the proto's, static */
	double		 v;
};

static gint
ov_share_cmp(gconstpointer a, gconstpointer b)
{
	const struct ov_share *x = a, *y = b;

	if (x->v != y->v)
		return (x->v < y->v ? 1 : -1);
	return (strcmp(x->name, y->name));
}

/*
 * The protocol mix: each protocol above the link layer with its share of
 * the bytes (in "now", of the last 10 s), largest first, as many as the
 * lines hold.  A protocol is counted once per packet even where it nests
 * in itself (IP in IP), and once across the branches of the tree it is
 * in (tcp under ip and under ipv6): the shares of a protocol and of
 * another one beside it can add up to more than 100%, never one alone.
 */
static void
ov_mix(struct tui *t, struct tview *ov, int part, int y, int n)
{
	const struct tview *pv = ov->part[part];
	const struct table *tb = pv->raw;
	int pc, vc, r, i, cells, per, x;
	GHashTable *sum;
	GArray *sh;
	GHashTableIter it;
	gpointer k, val;
	double total = 0;
	char pct[FMT_NUM_MAX + 2], *s;
	bool now = ov->now;

	fill(y, t->attr[AT_HEADER]);
	put(t, y, 1, COLS - 2, now ? "Protocols now: share of the bytes of "
	    "the last 10 s" : "Protocols: share of all bytes",
	    t->attr[AT_HEADER]);
	if (tb == NULL || (pc = table_col_index(tb, "path")) < 0 ||
	    (vc = table_col_index(tb, now ? "rate_10s" : "bytes")) < 0)
		return;
	sum = g_hash_table_new(g_str_hash, g_str_equal);
	for (r = 0; r < tb->nrows; r++) {
		const union cell *row = table_row(tb, r);
		const struct cell_path *path = row[pc].path;
		double v = now ? row[vc].d : (double)row[vc].u;
		const char *name;
		double *acc;

		if (path == NULL || path->n == 0)
			continue;
		if (path->n == 1) {
			total += v;
			continue;
		}
		for (i = 0; i < path->n - 1; i++)
			if (path->proto[i] == path->proto[path->n - 1])
				break;
		if (i < path->n - 1)
			continue;	/* nested in itself */
		name = proto_name(path->proto[path->n - 1]);
		if (name == NULL)
			continue;
		if ((acc = g_hash_table_lookup(sum, name)) == NULL) {
			acc = g_new0(double, 1);
			g_hash_table_insert(sum, (gpointer)name, acc);
		}
		*acc += v;
	}
	sh = g_array_new(FALSE, FALSE, sizeof(struct ov_share));
	g_hash_table_iter_init(&it, sum);
	while (g_hash_table_iter_next(&it, &k, &val)) {
		struct ov_share e = { k, *(double *)val };

		if (e.v > 0)
			g_array_append_val(sh, e);
		g_free(val);
	}
	g_hash_table_destroy(sum);
	g_array_sort(sh, ov_share_cmp);
	per = MAX((COLS - 2) / OV_MIX_CELL, 1);
	cells = MIN((int)sh->len, per * n);
	if (cells == 0)
		put(t, y + 1, 3, COLS - 4, now ? "(nothing in the last 10 s)" :
		    "(nothing yet)", t->attr[AT_EMPTY]);
	for (i = 0; i < cells; i++) {
		struct ov_share *e = &g_array_index(sh, struct ov_share, i);

		fmt_percent(pct, sizeof(pct), total > 0 ? 100 * e->v / total :
		    0);
		x = 1 + (i % per) * OV_MIX_CELL;
		s = safe(e->name);
		put(t, y + 1 + i / per, x, OV_MIX_CELL - 8, s, A_BOLD);
		g_free(s);
		put_col(t, y + 1 + i / per, x + OV_MIX_CELL - 8, 7, pct,
		    A_NORMAL, true);
	}
	g_array_free(sh, TRUE);
}

/*
 * The first screen: what is going on, at a glance.  The traffic of the
 * last minutes (bits/s, a column a second of capture time), the hosts
 * and the conversations that are busiest now (IPv4 and IPv6 together),
 * and what the bytes are made of.  Enter and G drill into the selected
 * host or conversation, as in their own panels.
 */
static void
draw_overview(struct tui *t)
{
	struct tview *v = g_ptr_array_index(t->views, t->active);
	int y = SCREEN_TOP - 1, height = LINES - SCREEN_TOP - SCREEN_BOTTOM + 1;
	struct capture_counters cn;
	struct ov_layout l;
	double hist[SPARK_MAX_CELLS];
	int w, i;

	ov_lay_out(height, &l);
	if (l.chart_h > 0) {
		capture_counters(t->cap, &cn);
		w = MIN(COLS - CHART_GUTTER - 1, SPARK_MAX_CELLS);
		spark_history(capture_ratehist(t->cap), capture_now_ns(t->cap),
		    cn.packets > 0 ? cn.first_ns : INT64_MIN,
		    capture_get_state(t->cap) != CAPTURE_RUNNING, w, hist);
		y = draw_plot(t, y, l.chart_h, "Traffic, bits/s, a column a "
		    "second", hist, w, w, true);
	}
	for (i = 0; i < v->nparts; i++)
		v->part[i]->rows_shown = 0;
	y = ov_list(t, v, 0, y, l.hosts, "Top hosts");
	y = ov_list(t, v, 1, y, l.convs, "Top conversations");
	if (l.mix > 0 && v->nparts > 2)
		ov_mix(t, v, 2, y, l.mix);
}

/* ---- the hint line, help and menu ---- */

static void
draw_hint(struct tui *t)
{
	char *line;
	int y = LINES - 1;

	if (t->msg != NULL && mono_ms() < t->msg_until) {
		fill(y, A_NORMAL);
		put(t, y, 1, COLS - 2, t->msg, t->attr[t->msg_err ? AT_ERR :
		    AT_MSG]);
		return;
	}
	/* The keys that matter most stay on a narrow screen. */
	line = keys_hint(mode_keys(t->mode), COLS - 2);
	fill(y, t->attr[AT_HINT]);
	put(t, y, 1, COLS - 2, line, t->attr[AT_HINT]);
	g_free(line);
}

/* The help screen: what is not about keys, around keys.c's lines. */
static const char *const help_head[] = {
	"taptop: network traffic statistics, live",
	"",
};

static const char *const help_foot[] = {
	"",
	"A new panel, or a new filter, is counted from the start of a file",
	"(or from the history, --history, of a live capture or a pipe);",
	"r on a file counts the panel again, live it restarts from zero.",
	"Rates are in capture time: the rows' over the last 2, 10 and 40 s,",
	"the status line's now over 2 s and on average over the capture.",
	"v: \"now\" lists the rows active in 40 s (idle for 10 s: dim),",
	"\"all\" every row.",
	"The overview (panel 1): the traffic, top hosts and conversations",
	"(IPv4 and IPv6), the protocol mix; \u2191\u2193 run down both lists,",
	"PgUp/PgDn jump between them, Enter and G drill into a row.",
};

/* A help line is a heading when it does not start with a space. */
static attr_t
help_attr(const struct tui *t, const char *s, bool first)
{
	return (first || (s[0] != ' ' && s[0] != '\0') ? t->attr[AT_TITLE] :
	    A_NORMAL);
}

/* Where a key line's description starts ("  Tab \u2192    next panel"),
 * for its continuation lines to line up under it; 0 for other text. */
static int
help_indent(const char *s)
{
	const char *p = s + strspn(s, " ");

	if (p == s || (p = strstr(p, "  ")) == NULL)
		return (0);
	while (*p == ' ')
		p++;
	return (fmt_width(s) - fmt_width(p));
}

/* Adds s to out, wrapped at spaces to width columns. */
static void
help_wrap(GPtrArray *out, const char *s, int width)
{
	int indent = help_indent(s), total = fmt_width(s), from = 0, w, cut;
	char *piece, *sp;

	if (total <= width || indent >= width / 2) {
		g_ptr_array_add(out, g_strdup(s));
		return;
	}
	while (from < total) {
		w = from == 0 ? width : width - indent;
		piece = fmt_slice(s, from, w);
		cut = fmt_width(piece);
		/* Break at the last space, unless the rest fits. */
		if (from + cut < total && (sp = strrchr(piece, ' ')) != NULL &&
		    sp > piece) {
			*sp = '\0';
			cut = fmt_width(piece) + 1;
		}
		if (from == 0)
			g_ptr_array_add(out, piece);
		else {
			g_ptr_array_add(out, g_strdup_printf("%*s%s", indent, "",
			    piece + strspn(piece, " ")));
			g_free(piece);
		}
		from += cut;
	}
}

/*
 * Places the wrapped help text from line `from` on into ncols columns of
 * rows lines, a section (a run of lines between blank lines) never split
 * unless it is taller than a column; a blank line at the top of a column
 * is dropped.  at_col[i] is -1 for a line not shown.  Returns whether
 * every line from `from` on found a place.
 */
static bool
help_layout(GPtrArray *text, int from, int rows, int ncols, int *at_col,
    int *at_y)
{
	int n = (int)text->len, col = 0, y = 0, i, j, len;

	for (i = 0; i < n; i++)
		at_col[i] = -1;
	for (i = from; i < n && col < ncols;) {
		const char *s = g_ptr_array_index(text, i);

		if (s[0] == '\0') {
			if (y > 0 && y < rows) {
				at_col[i] = col;
				at_y[i] = y++;
			}
			i++;
			continue;
		}
		for (len = 0; i + len < n && ((const char *)
		    g_ptr_array_index(text, i + len))[0] != '\0'; len++)
			;
		if (y > 0 && y + len > rows) {
			col++;
			y = 0;
			continue;
		}
		for (j = 0; j < len; j++) {
			if (y >= rows) {
				col++;
				y = 0;
			}
			if (col >= ncols)
				return (false);
			at_col[i + j] = col;
			at_y[i + j] = y++;
		}
		i += len;
	}
	return (i >= n);
}

/*
 * The help in two or more columns, lines wrapped to a column's width,
 * from the t->help_scroll'th line of the wrapped text: scrolling moves by
 * lines, and goes no further than the first line from which the rest
 * fits.  Returns false, drawing nothing, when the screen is too narrow
 * for two columns.
 */
static bool
draw_help_columns(struct tui *t, GPtrArray *lines, int rows)
{
	GPtrArray *text;
	int ncols, colw, n, i, last;
	int *at_col, *at_y;
	guint k;

	ncols = (COLS - 2 + 3) / (48 + 3);
	if (ncols < 2)
		return (false);
	colw = (COLS - 2 + 3) / ncols - 3;
	text = g_ptr_array_new_with_free_func(g_free);
	for (k = 0; k < lines->len; k++)
		help_wrap(text, g_ptr_array_index(lines, k), colw);
	n = (int)text->len;
	at_col = g_new(int, (gsize)MAX(n, 1));
	at_y = g_new(int, (gsize)MAX(n, 1));
	for (last = 0; last < n - 1; last++)
		if (help_layout(text, last, rows, ncols, at_col, at_y))
			break;
	t->help_scroll = CLAMP(t->help_scroll, 0, last);
	(void)help_layout(text, t->help_scroll, rows, ncols, at_col, at_y);
	for (i = t->help_scroll; i < n; i++) {
		const char *s = g_ptr_array_index(text, i);

		if (at_col[i] >= 0 && s[0] != '\0')
			put(t, at_y[i], 1 + at_col[i] * (colw + 3), colw, s,
			    help_attr(t, s, i == 0));
	}
	g_free(at_col);
	g_free(at_y);
	g_ptr_array_free(text, TRUE);
	return (true);
}

static void
draw_help(struct tui *t)
{
	GPtrArray *text = g_ptr_array_new();
	GPtrArray *keys = keys_help_lines(t->utf8);
	int rows = LINES - 1, n, y;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(help_head); i++)
		g_ptr_array_add(text, (char *)help_head[i]);
	for (i = 0; i < keys->len; i++)
		g_ptr_array_add(text, g_ptr_array_index(keys, i));
	for (i = 0; i < G_N_ELEMENTS(help_foot); i++)
		g_ptr_array_add(text, (char *)help_foot[i]);
	n = (int)text->len;
	if (n <= rows || !draw_help_columns(t, text, rows)) {
		t->help_scroll = CLAMP(t->help_scroll, 0, MAX(n - rows, 0));
		for (y = 0; y < rows && t->help_scroll + y < n; y++) {
			const char *s = g_ptr_array_index(text,
			    t->help_scroll + y);

			put(t, y, 1, COLS - 2, s, help_attr(t, s,
			    y + t->help_scroll == 0));
		}
	}
	g_ptr_array_free(text, TRUE);
	g_ptr_array_unref(keys);
	draw_hint(t);
}

static void
draw_menu(struct tui *t)
{
	const struct panel_class *pc;
	int n = 0, body = screen_body_rows() + 1, first, i, y;
	char *line;

	while (panel_class_at(n) != NULL)
		n++;
	t->menu_sel = CLAMP(t->menu_sel, 0, MAX(n - 1, 0));
	for (y = SCREEN_TOP - 1; y < LINES - 1; y++)
		fill(y, A_NORMAL);
	put(t, SCREEN_TOP - 1, 1, COLS - 2, t->drill != NULL ?
	    "A panel on the selected row: choose its type (its filter next)" :
	    "Add a panel: choose its type", t->attr[AT_TITLE]);
	body -= 1;
	first = MAX(0, t->menu_sel - body + 1);
	for (i = first, y = SCREEN_TOP; i < n && y < LINES - 1; i++, y++) {
		pc = panel_class_at(i);
		line = g_strdup_printf(" %-16s %s", pc->name, pc->title);
		if (i == t->menu_sel)
			mvhline(y, 1, ' ' | t->attr[AT_SEL], COLS - 2);
		put(t, y, 1, COLS - 2, line, i == t->menu_sel ?
		    t->attr[AT_SEL] : A_NORMAL);
		g_free(line);
	}
}

/* ---- the prompt ---- */

static char *
disp(const struct tui *t, const char *s)
{
	return (t->utf8 ? g_strdup(s) : fmt_ascii(s));
}

/* Columns of the first n bytes of s, as drawn. */
static int
cols_of(const struct tui *t, const char *s, size_t n)
{
	char *pre = g_strndup(s, n), *d = disp(t, pre);
	int w = fmt_width(d);

	g_free(pre);
	g_free(d);
	return (w);
}

/* Wraps text into lines of width columns, at most max of them. */
static GPtrArray *
wrap(const char *text, int width, int max)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	int from = 0, total = fmt_width(text);

	while (from < total && (int)lines->len < max) {
		g_ptr_array_add(lines, fmt_slice(text, from, width));
		from += width;
	}
	return (lines);
}

static void
draw_prompt(struct tui *t, int *cy, int *cx)
{
	struct tprompt *pr = &t->prompt;
	struct tview *v = NULL;
	const char *text = pr->le.text->str;
	char *label, *shown, *vis;
	int y = LINES - 2, x, avail, curcol, total, i;
	attr_t in = t->attr[pr->valid ? AT_INPUT_OK : AT_INPUT_BAD];
	GPtrArray *above = NULL;

	if (t->views->len > 0)
		v = g_ptr_array_index(t->views, t->active);
	switch (pr->kind) {
	case PROMPT_FILTER:
		label = g_strdup_printf("Filter for %d %s: ", t->active + 1,
		    v != NULL ? v->panel->cls->name : "?");
		break;
	case PROMPT_GLOBAL:
		label = g_strdup("Global display filter: ");
		break;
	default:
		label = g_strdup_printf("New %s panel, filter (Enter: none): ",
		    pr->cls->name);
		break;
	}
	/* What goes above the input: the error, or the candidates. */
	if (pr->err != NULL) {
		char *e = safe(pr->err), *m = g_strdup_printf("Error: %s", e);

		above = wrap(m, COLS - 2, 3);
		g_free(e);
		g_free(m);
	} else if (pr->cands != NULL && pr->cands->len > 0) {
		/* In columns over the table, as a shell lists them, under a
		 * line that counts them; names are never split. */
		GPtrArray *cols = fmt_columns((const char *const *)
		    pr->cands->pdata, (int)pr->cands->len, COLS - 2,
		    y - SCREEN_TOP, !t->utf8);

		above = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(above, g_strdup_printf("%u names:",
		    pr->cands->len));
		for (i = 0; i < (int)cols->len; i++)
			g_ptr_array_add(above, g_strdup(
			    g_ptr_array_index(cols, i)));
		g_ptr_array_unref(cols);
	}
	if (above != NULL) {
		for (i = 0; i < (int)above->len; i++) {
			int yy = y - (int)above->len + i;

			fill(yy, A_NORMAL);
			put(t, yy, 1, COLS - 2, g_ptr_array_index(above, i),
			    t->attr[pr->err != NULL ? AT_ERR : AT_MSG]);
		}
		g_ptr_array_free(above, TRUE);
	}

	/* The input line: label, the valid/invalid marker, the text scrolled
	 * so that the cursor shows. */
	fill(y, A_NORMAL);
	x = 1 + put(t, y, 1, COLS - 2, label, t->attr[AT_TITLE]);
	x += put(t, y, x, COLS - x, pr->valid ? "\u2713 " : "\u2717 ",
	    t->attr[pr->valid ? AT_INPUT_OK : AT_ERR]);
	avail = MAX(COLS - x - 1, 1);
	shown = disp(t, text);
	total = fmt_width(shown);
	curcol = cols_of(t, text, pr->le.cur);
	if (curcol < pr->hoff)
		pr->hoff = curcol;
	if (curcol >= pr->hoff + avail)
		pr->hoff = curcol - avail + 1;
	/* Never more scrolled than needed (after a widening resize). */
	pr->hoff = CLAMP(pr->hoff, 0, MAX(total + 1 - avail, 0));
	vis = fmt_slice(shown, pr->hoff, avail);
	put(t, y, x, avail, vis, in);
	*cy = y;
	*cx = MIN(x + curcol - pr->hoff, COLS - 1);

	/* Below: a caret under what the error is about, or the keys. */
	fill(y + 1, A_NORMAL);
	if (pr->err != NULL && pr->err_col != PROMPT_NO_PLACE) {
		int col = pr->err_col, len = pr->err_len, c0, c1;
		size_t tl = strlen(text);
		GString *caret = g_string_new(NULL);

		/* No place, or past the end: what is missing goes after the
		 * text. */
		if (col < 0 || (size_t)col > tl) {
			col = (int)tl;
			len = 1;
		}
		len = (int)MIN((size_t)MAX(len, 1), tl - (size_t)col + 1);
		c0 = cols_of(t, text, (size_t)col);
		c1 = (size_t)(col + len) <= tl ?
		    cols_of(t, text, (size_t)(col + len)) : total + 1;
		g_string_append_c(caret, '^');
		for (i = c0 + 1; i < c1; i++)
			g_string_append_c(caret, '~');
		c0 -= pr->hoff;
		if (c0 < 0) {
			g_string_erase(caret, 0, MIN(-c0, (int)caret->len));
			c0 = 0;
		}
		put(t, y + 1, x + c0, avail - c0, caret->str, t->attr[AT_ERR]);
		g_string_free(caret, TRUE);
	} else {
		char *keys = keys_hint(KC_PROMPT, COLS - 2);

		put(t, y + 1, 1, COLS - 2, keys, t->attr[AT_HINT] &
		    ~A_REVERSE);
		g_free(keys);
	}
	g_free(vis);
	g_free(shown);
	g_free(label);
}

void
screen_draw(struct tui *t)
{
	int cy = -1, cx = -1;

	erase();
	if (COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_ROWS) {
		put(t, 0, 0, COLS, "terminal too small", A_BOLD);
		curs_set(0);
		refresh();
		return;
	}
	if (t->mode == MODE_HELP) {
		draw_help(t);
	} else {
		draw_status(t);
		draw_counters(t);
		draw_tabs(t);
		draw_title(t);
		if (t->mode == MODE_MENU)
			draw_menu(t);
		else if (overview_shown(t))
			draw_overview(t);
		else if (chart_shown(t))
			draw_chart(t);
		else
			draw_table(t);
		if (t->mode == MODE_PROMPT)
			draw_prompt(t, &cy, &cx);
		else
			draw_hint(t);
	}
	if (cy >= 0) {
		curs_set(1);
		move(cy, cx);
	} else
		curs_set(0);
	refresh();
}
