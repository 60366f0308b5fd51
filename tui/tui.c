/*
 * The curses interface: the main loop, and what the keys do.
 *
 * One thread, this one, owns the terminal.  It sleeps in poll() on the
 * terminal for at most POLL_MS, so a key is answered as soon as it is
 * typed whatever the capture thread is doing, and it polls the signals
 * main.c blocked (SIGINT, SIGTERM, SIGHUP) plus the two it blocks itself
 * (SIGWINCH, SIGTSTP) with sigtimedwait: no handler ever runs in the
 * middle of curses or of the capture thread.  Every -d seconds a tick
 * samples the counters and, unless paused, takes a snapshot of the active
 * panel if it has something new (panel_snapshot_if_changed: the table is
 * ours, no lock is held while it is sorted and drawn); an idle panel keeps
 * the table, sort, widths and scroll it has.
 *
 * The terminal is given back (term.c) on every way out: quitting, a
 * signal, the terminal going away (POLLHUP, EOF or EIO on it), exit()
 * anywhere, and a crash.  Which key does what is keys.c's table; this
 * file carries the actions out.
 *
 * A panel added, given a new filter (or a new global filter), or reset
 * on a file is refilled when the capture can (capture.h): its listener
 * is made pending and the capture thread is woken; it feeds the panel
 * the past between live packets while this thread goes on answering
 * keys.  While a refill is under way the ticks come every REFILL_TICK_MS,
 * so the panel is seen filling, and one comes as soon as it is done.
 *
 * Each table has a selected row, which the movement keys move and every
 * new table or sort finds again by its key cells (below); Enter and G
 * drill into it with the filter its panel class makes for it (panel.h).
 * Names (n, N) are only a way of showing cells: nothing here waits for
 * one, and a lookup is asked for only with --resolve (core/names.h).
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/names.h"
#include "core/tap.h"
#include "tui/fmt.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/term.h"
#include "tui/tui.h"

#define POLL_MS		100	/* longest sleep: how late a signal is seen */
#define MSG_MS		3000	/* a message stays this long */
#define CHECK_MS	150	/* the prompt's check waits for a pause */
#define DELAY_MIN	0.1
#define DELAY_MAX	3600.0
#define REFILL_TICK_MS	250	/* ticks while a panel refills */

/*
 * GLib's warnings, from any thread, would scribble over the screen: while
 * curses owns the terminal they are kept, the last one is shown in the
 * hint line, and all are printed once the terminal is given back.
 */
static struct {
	GMutex		 lock;
	GString		*kept;
	char		*last;
	unsigned	 count;
} glog;

#define GLOG_KEEP_MAX	65536

/* The history file, opened by tui_open_history before the drop; -1 when
 * it was not (then it is read and written by name). */
static int hist_fd = -1;

void
tui_open_history(void)
{
	char *path = history_default_path();

	hist_fd = history_open(path);
	g_free(path);
}

static void
hist_save(const struct tui *t)
{
	if (hist_fd >= 0)
		(void)history_save_fd(&t->hist, hist_fd);
	else
		(void)history_save(&t->hist, t->hist_path);
}

static void
glog_handler(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer data)
{
	(void)data;
	if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0)
		return;
	g_mutex_lock(&glog.lock);
	if (glog.kept == NULL)
		glog.kept = g_string_new(NULL);
	if (glog.kept->len < GLOG_KEEP_MAX)
		g_string_append_printf(glog.kept, "taptop: %s%s%s\n",
		    domain != NULL ? domain : "", domain != NULL ? ": " : "",
		    msg);
	g_free(glog.last);
	glog.last = g_strdup(msg);
	glog.count++;
	g_mutex_unlock(&glog.lock);
}

/* The newest warning, if there is one since *seen.  g_free it. */
static char *
glog_newest(unsigned *seen)
{
	char *s = NULL;

	g_mutex_lock(&glog.lock);
	if (glog.count != *seen && glog.last != NULL)
		s = g_strdup(glog.last);
	*seen = glog.count;
	g_mutex_unlock(&glog.lock);
	return (s);
}

static void
glog_flush(void)
{
	g_log_set_default_handler(g_log_default_handler, NULL);
	g_mutex_lock(&glog.lock);
	if (glog.kept != NULL) {
		fputs(glog.kept->str, stderr);
		g_string_free(glog.kept, TRUE);
	}
	glog.kept = NULL;
	g_free(glog.last);
	glog.last = NULL;
	g_mutex_unlock(&glog.lock);
}

/* ---- messages ---- */

static void G_GNUC_PRINTF(3, 4)
message(struct tui *t, bool err, const char *fmt, ...)
{
	va_list ap;

	g_free(t->msg);
	va_start(ap, fmt);
	t->msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	t->msg_err = err;
	t->msg_until = mono_ms() + MSG_MS;
	t->dirty = true;
}

/* ---- refilling ---- */

/*
 * The panel's counts start again: from the past, fed again by the
 * capture thread, when the capture can read it again (true), else from
 * zero.  with_history says whether a history may serve: a reset passes
 * false, so that live or on a pipe it starts from zero (what a reset is
 * for there), and only a file's panel is counted again.
 */
static bool
panel_recount(struct tui *t, struct panel *p, bool with_history)
{
	enum capture_refill from = capture_refill_from(t->cap);
	bool any = false;
	int i;

	if (p->nparts > 0) {
		for (i = 0; i < p->nparts; i++)
			any |= panel_recount(t, p->part[i], with_history);
		return (any);
	}

	if ((from == CAPTURE_REFILL_FILE || (from == CAPTURE_REFILL_HISTORY &&
	    with_history)) && tap_listener_refill(p)) {
		capture_refill_kick(t->cap);
		return (true);
	}
	reset_tap_listener(p);
	return (false);
}

/* Where a refill reads from, for the messages. */
static const char *
refill_whence(const struct tui *t)
{
	return (capture_refill_from(t->cap) == CAPTURE_REFILL_FILE ?
	    "refilling from the start of the file" :
	    "refilling from the history");
}

/* Is any open panel waiting for or under a refill? */
static bool
any_refilling(const struct tui *t)
{
	guint i;

	for (i = 0; i < t->views->len; i++) {
		struct tview *v = g_ptr_array_index(t->views, i);
		struct panel *p = v->nparts > 0 ? v->part[0]->panel : v->panel;

		if (tap_listener_refill_state(p, NULL, NULL) !=
		    TAP_REFILL_NONE)
			return (true);
	}
	return (false);
}

/* ---- views ---- */

static int
class_col(const struct panel_class *cls, const char *key)
{
	int c;

	for (c = 0; key != NULL && c < cls->ncols; c++)
		if (strcmp(cls->cols[c].key, key) == 0)
			return (c);
	return (-1);
}

/* The sort a view starts with: "now" by the 2 s rate (a tree keeps its
 * order), "all" the class's. */
static void
view_default_sort(struct tview *v)
{
	v->sort_col = v->now && v->default_col >= 0 ? v->rate_col :
	    v->default_col;
	v->sort_desc = true;
}

/* A live capture and a paced replay open on what is busy now; a file read
 * at full speed on everything, by bytes: its "now" is only its end. */
static struct tview *
view_new(struct tui *t, struct panel *p)
{
	struct tview *v = g_new0(struct tview, 1);
	const struct capture_opts *co = capture_options(t->cap);

	v->panel = p;
	v->default_col = class_col(p->cls, p->cls->default_sort);
	v->rate_col = class_col(p->cls, "rate_2s");
	v->now = v->rate_col >= 0 &&
	    (capture_is_live(t->cap) || co->speed > 0);
	view_default_sort(v);
	if (p->nparts > 0) {
		/* The overview: its lists follow its view; the protocol mix
		 * is read from the whole tree, in its order. */
		v->now = capture_is_live(t->cap) || co->speed > 0;
		v->sort_col = -1;
		for (; v->nparts < p->nparts; v->nparts++) {
			struct tview *pv = view_new(t, p->part[v->nparts]);

			pv->now = pv->rate_col >= 0 && v->now &&
			    pv->default_col >= 0;
			view_default_sort(pv);
			v->part[v->nparts] = pv;
		}
	}
	return (v);
}

static void
view_free_tables(struct tview *v)
{
	if (v->shown != v->raw)
		table_free(v->shown);
	table_free(v->raw);
	v->shown = v->raw = NULL;
}

static void
view_free(struct tview *v)
{
	int i;

	for (i = 0; i < v->nparts; i++)
		view_free(v->part[i]);
	view_free_tables(v);
	table_free(v->selkey);
	g_free(v->width);
	g_free(v);
}

static void
view_forget_widths(struct tview *v)
{
	int i;

	for (i = 0; i < v->nparts; i++)
		view_forget_widths(v->part[i]);
	g_free(v->width);
	v->width = NULL;
	v->nwidth = 0;
	v->measured_gen = v->gen - 1;
}

/* "now": the rows with bytes in the last 40 s. */
static bool
row_active(const struct table *tb, const union cell *row, void *arg)
{
	int c = table_col_index(tb, "rate_40s");

	(void)arg;
	return (c < 0 || row[c].d > 0);
}

/* ---- the selection ---- */

/*
 * A row is known by its key cells, those that say which row it is and
 * not how much it counted: addresses, ports, protocol paths, text.  The
 * selection is a row index into shown, plus a copy of that row's cells
 * (selkey), so that after a refresh, a sort or a change of rank it is
 * found again by its key rather than left at a screen position.  A table
 * without key cells (the summary) keeps the index.
 */
static bool
col_is_key(enum col_type type)
{
	return (type == COL_ADDR || type == COL_PORT || type == COL_PATH ||
	    type == COL_TEXT || type == COL_TREE);
}

/* Rows the view scrolls through: the table's and the "other" line. */
static int
view_total(const struct tview *v)
{
	if (v->shown == NULL)
		return (0);
	return (v->shown->nrows + (v->shown->folded_rows > 0 ||
	    v->shown->folded_frames > 0 ? 1 : 0));
}

/* Copies the selected row's cells (text and paths too) into selkey. */
static void
sel_remember(struct tview *v)
{
	const struct table *tb = v->shown;
	union cell *k;
	int c;

	table_free(v->selkey);
	v->selkey = NULL;
	if (tb == NULL || v->sel < 0 || v->sel >= tb->nrows)
		return;
	v->selkey = table_new(tb->cols, tb->ncols);
	k = table_add_row(v->selkey);
	memcpy(k, table_row(tb, v->sel), sizeof(*k) * (size_t)tb->ncols);
	for (c = 0; c < tb->ncols; c++)
		if (tb->cols[c].type == COL_TEXT ||
		    tb->cols[c].type == COL_TREE)
			k[c].text = g_strdup(k[c].text);
		else if (tb->cols[c].type == COL_PATH && k[c].path != NULL)
			k[c].path = g_memdup2(k[c].path, sizeof(*k[c].path));
}

/* The remembered row in shown: of the rows with its key, the nearest to
 * where it was (TCP streams of one address and port pair share a key);
 * -1 when it is gone or the table has no key cells. */
static int
sel_find(const struct tview *v)
{
	const struct table *tb = v->shown;
	const union cell *k, *row;
	int r, c, best = -1, nkey = 0;

	if (tb == NULL || v->selkey == NULL || v->selkey->cols != tb->cols)
		return (-1);
	k = table_row(v->selkey, 0);
	for (c = 0; c < tb->ncols; c++)
		nkey += col_is_key(tb->cols[c].type);
	for (r = 0; r < tb->nrows && nkey > 0; r++) {
		row = table_row(tb, r);
		for (c = 0; c < tb->ncols; c++)
			if (col_is_key(tb->cols[c].type) &&
			    table_cell_cmp(tb->cols[c].type, &row[c], &k[c]) !=
			    0)
				break;
		if (c == tb->ncols && (best < 0 ||
		    abs(r - v->sel) < abs(best - v->sel)))
			best = r;
	}
	return (best);
}

/* Keeps the selection on a row and the view around it. */
static void
view_follow(struct tview *v)
{
	int body = screen_body_rows();
	int n = v->shown != NULL ? v->shown->nrows : 0;

	v->sel = n > 0 ? CLAMP(v->sel, 0, n - 1) : 0;
	if (v->sel < v->scroll)
		v->scroll = v->sel;
	else if (v->sel >= v->scroll + body)
		v->scroll = v->sel - body + 1;
	v->scroll = CLAMP(v->scroll, 0, MAX(view_total(v) - body, 0));
}

static void
view_select(struct tui *t, struct tview *v, int sel)
{
	v->sel = sel;
	view_follow(v);
	sel_remember(v);
	t->dirty = true;
}

/* After a new table or a new order: the selected row, wherever it went;
 * if it is gone, whatever row is now where it was. */
static void
view_reselect(struct tview *v)
{
	int r = sel_find(v);

	if (r >= 0)
		v->sel = r;
	view_follow(v);
	sel_remember(v);
}

/*
 * The shown table from raw: raw itself in the class's order, else a
 * copy, sorted and, in "now", without the rows idle for 40 s (raw stays,
 * so the tree order and the other view can come back while paused).  The
 * selection follows its row.
 */
static void
view_sort(struct tview *v)
{
	bool resort;

	v->gen++;
	if (v->shown != v->raw)
		table_free(v->shown);
	v->shown = v->raw;
	if (v->raw == NULL)
		return;
	resort = v->sort_col >= 0 &&
	    !(v->sort_col == v->default_col && v->sort_desc);
	if (v->now)
		v->shown = table_dup_if(v->raw, row_active, NULL);
	else if (resort)
		v->shown = table_dup(v->raw);
	if (resort)
		table_sort(v->shown, v->sort_col, v->sort_desc);
	view_reselect(v);
}

/* A view with a table takes a new one only if the panel has one (or its
 * rates moved: panel.h).  The rates are the capture's "now". */
static void
view_refresh(struct tui *t, struct tview *v)
{
	struct capture_counters cn;
	struct table *tb;
	int i;

	for (i = 0; i < v->nparts; i++)
		view_refresh(t, v->part[i]);
	if (v->nparts > 0)
		return;
	capture_counters(t->cap, &cn);
	panel_set_clock(v->panel, capture_now_ns(t->cap), cn.packets > 0 ?
	    cn.first_ns : INT64_MIN);
	tb = v->raw == NULL ? panel_snapshot(v->panel) :
	    panel_snapshot_if_changed(v->panel);
	if (tb == NULL)
		return;
	view_free_tables(v);
	v->raw = tb;
	view_sort(v);
}

static struct tview *
active_view(struct tui *t)
{
	if (t->views->len == 0)
		return (NULL);
	t->active = CLAMP(t->active, 0, (int)t->views->len - 1);
	return (g_ptr_array_index(t->views, t->active));
}

static void
activate(struct tui *t, int i)
{
	int n = (int)t->views->len;
	struct tview *v;

	if (n == 0)
		return;
	t->active = ((i % n) + n) % n;
	v = g_ptr_array_index(t->views, t->active);
	if (!t->paused || v->raw == NULL)
		view_refresh(t, v);
	t->dirty = true;
}

/* ---- ticks ---- */

/* The "now" rates are the capture's (capture_rate: capture time, over
 * CAPTURE_RATE_WINDOW_S), so a replay at any speed shows the traffic's
 * own rates, and they do not depend on the refresh interval. */
static void
tick(struct tui *t)
{
	int64_t now = mono_ms();
	struct tview *v;

	capture_rate(t->cap, CAPTURE_RATE_WINDOW_S, &t->pps, &t->bps);
	if (capture_get_state(t->cap) != CAPTURE_RUNNING && t->end_ms == 0)
		t->end_ms = now;
	if (!t->paused && (v = active_view(t)) != NULL)
		view_refresh(t, v);
	t->last_tick = now;
	t->next_tick = now + (int64_t)(t->delay * 1000);
	t->dirty = true;
}

static void
change_delay(struct tui *t, int dir)
{
	static const double steps[] = {
		0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 120, 300, 600,
		1800, 3600,
	};
	double d = t->delay;
	int i;

	if (dir > 0) {
		for (i = 0; i < (int)G_N_ELEMENTS(steps); i++)
			if (steps[i] > d + 1e-9) {
				d = steps[i];
				break;
			}
	} else {
		for (i = (int)G_N_ELEMENTS(steps) - 1; i >= 0; i--)
			if (steps[i] < d - 1e-9) {
				d = steps[i];
				break;
			}
	}
	t->delay = CLAMP(d, DELAY_MIN, DELAY_MAX);
	t->next_tick = MIN(t->next_tick, mono_ms() +
	    (int64_t)(t->delay * 1000));
	message(t, false, "refresh every %g s", t->delay);
}

/* ---- panels ---- */

static void
close_active(struct tui *t)
{
	struct tview *v = active_view(t);
	char *name;

	if (v == NULL) {
		message(t, true, "no panel to close");
		return;
	}
	name = g_strdup(v->panel->cls->name);
	/* The listener goes, finish() frees the panel: forget it first. */
	g_ptr_array_remove_index(t->panels, (guint)t->active);
	g_ptr_array_remove_index(t->views, (guint)t->active);
	panel_close(v->panel);
	view_free(v);
	if (t->active >= (int)t->views->len)
		t->active = MAX((int)t->views->len - 1, 0);
	activate(t, t->active);
	message(t, false, "closed %s", name);
	g_free(name);
}

/* ---- the prompt ---- */

static void
prompt_validate(struct tui *t)
{
	char *m = NULL;
	int c, l;

	t->prompt.valid = prompt_check_filter(t->prompt.le.text->str, &m, &c,
	    &l);
	t->prompt.check_at = 0;
	g_free(m);
}

/*
 * The text changed: check it once the keys pause.  A check compiles the
 * whole filter; done after every key, a paste of n bytes would cost n
 * compiles of up to n bytes each.  The marker keeps the last verdict
 * until then, and Enter checks at once whatever is pending.
 */
static void
prompt_validate_later(struct tui *t)
{
	t->prompt.check_at = mono_ms() + CHECK_MS;
}

static void
prompt_clear_info(struct tprompt *pr)
{
	g_free(pr->err);
	pr->err = NULL;
	if (pr->cands != NULL)
		g_ptr_array_free(pr->cands, TRUE);
	pr->cands = NULL;
}

static void
prompt_open(struct tui *t, enum prompt_kind kind,
    const struct panel_class *cls, const char *initial)
{
	struct tprompt *pr = &t->prompt;

	memset(pr, 0, sizeof(*pr));
	pr->kind = kind;
	pr->cls = cls;
	le_init(&pr->le, initial);
	history_stop(&t->hist);
	prompt_validate(t);
	t->mode = MODE_PROMPT;
	t->dirty = true;
}

static void
prompt_close(struct tui *t)
{
	prompt_clear_info(&t->prompt);
	le_free(&t->prompt.le);
	history_stop(&t->hist);
	t->mode = MODE_TABLE;
	t->dirty = true;
}

/* Takes msg; only its first line is kept (a formatted message has its
 * own caret lines, the prompt draws its own). */
static void
prompt_error(struct tprompt *pr, char *msg, int col, int len)
{
	char *nl = strchr(msg, '\n');

	if (nl != NULL)
		*nl = '\0';
	prompt_clear_info(pr);
	pr->err = msg;
	pr->err_col = col;
	pr->err_len = len;
	pr->valid = false;
	pr->check_at = 0;
}

/* Makes text (compiled already, or refused here) the global filter;
 * NULL, or the compiler's message (g_free it). */
static char *
apply_global(struct tui *t, const char *text)
{
	struct tview *v = active_view(t);
	bool refilled;
	char *e;

	if (strcmp(text, t->global_filter) == 0)
		return (NULL);
	if ((e = set_tap_global_dfilter(text)) != NULL)
		return (e);
	g_free(t->global_filter);
	t->global_filter = g_strdup(text);
	/* Every panel counts again: from the past if it can be read again. */
	refilled = capture_refill_from(t->cap) != CAPTURE_REFILL_NONE;
	if (refilled) {
		tap_refill_all();
		capture_refill_kick(t->cap);
	} else
		reset_tap_listeners();
	if (v != NULL)
		view_refresh(t, v);
	message(t, false, "global filter %s; %s",
	    text[0] != '\0' ? "applied" : "removed", refilled ?
	    refill_whence(t) : "all counts restart");
	return (NULL);
}

/* Enter: check, then apply; a refused filter keeps the prompt open with
 * the message and a caret under the place it is about. */
static void
prompt_apply(struct tui *t)
{
	struct tprompt *pr = &t->prompt;
	const char *typed = pr->le.text->str;
	size_t lead = strspn(typed, " ");
	char *text = g_strstrip(g_strdup(typed)), *e = NULL;
	struct tview *v = active_view(t);
	struct panel *p;
	bool refilled;
	int col, len;

	if (!prompt_check_filter(text, &e, &col, &len)) {
		prompt_error(pr, e, col >= 0 ? col + (int)lead : PROMPT_AT_END,
		    len);
		goto out;
	}
	switch (pr->kind) {
	case PROMPT_FILTER:
		if (v == NULL || strcmp(text, v->panel->filter) == 0)
			break;
		if ((e = panel_set_filter(v->panel, text)) != NULL) {
			prompt_error(pr, e, PROMPT_NO_PLACE, 0);
			goto out;
		}
		/* Counts under two filters would add up to nothing: they
		 * start again, from the past if it can be read again. */
		refilled = panel_recount(t, v->panel, true);
		view_refresh(t, v);
		view_forget_widths(v);
		v->scroll = 0;
		view_select(t, v, 0);
		message(t, false, "%s: %s; %s", v->panel->cls->name,
		    text[0] != '\0' ? "filter applied" : "filter removed",
		    refilled ? refill_whence(t) : "its counts restart");
		break;
	case PROMPT_GLOBAL:
		if ((e = apply_global(t, text)) != NULL) {
			prompt_error(pr, e, PROMPT_NO_PLACE, 0);
			goto out;
		}
		break;
	case PROMPT_NEW:
		if ((p = panel_open(pr->cls->name, text, t->max_rows, &e)) ==
		    NULL) {
			prompt_error(pr, e != NULL ? e :
			    g_strdup("cannot open the panel"),
			    PROMPT_NO_PLACE, 0);
			goto out;
		}
		/* A packet or two may have come in since it was opened:
		 * the refill's reset clears them. */
		refilled = capture_refill_from(t->cap) != CAPTURE_REFILL_NONE &&
		    panel_recount(t, p, true);
		g_ptr_array_add(t->panels, p);
		g_ptr_array_add(t->views, view_new(t, p));
		activate(t, (int)t->views->len - 1);
		message(t, false, "added panel %u: %s%s%s", t->views->len,
		    p->cls->name, refilled ? ", " : "",
		    refilled ? refill_whence(t) : "");
		break;
	}
	history_add(&t->hist, text);
	hist_save(t);
	prompt_close(t);
out:
	g_free(text);
	t->dirty = true;
}

static void
prompt_complete(struct tui *t)
{
	struct tprompt *pr = &t->prompt;
	struct completion c;
	guint i;

	prompt_clear_info(pr);
	if (!complete_word(pr->le.text->str, pr->le.cur, prompt_field_names(),
	    &c)) {
		message(t, true, "no field or protocol starts that way");
		return;
	}
	le_set(&pr->le, c.text);
	pr->le.cur = c.cur;
	if (c.candidates->len > 1) {
		pr->cands = g_ptr_array_new();
		for (i = 0; i < c.candidates->len; i++)
			g_ptr_array_add(pr->cands,
			    g_ptr_array_index(c.candidates, i));
	}
	completion_free(&c);
	prompt_validate_later(t);
}

static void
prompt_history(struct tui *t, bool older)
{
	struct tprompt *pr = &t->prompt;
	const char *s;

	s = older ? history_prev(&t->hist, pr->le.text->str) :
	    history_next(&t->hist);
	if (s == NULL)
		return;
	le_set(&pr->le, s);
	prompt_clear_info(pr);
	prompt_validate_later(t);
}

static void
prompt_edited(struct tui *t)
{
	history_stop(&t->hist);
	prompt_clear_info(&t->prompt);
	prompt_validate_later(t);
}

/*
 * Printable text; only ASCII on a terminal that is not UTF-8.  Kept in
 * typed until the burst of keys ends or another key comes, then inserted
 * at once: a paste into the middle of a long text moves its tail once,
 * not once per character.
 */
static void
prompt_insert(struct tui *t, wint_t ch, bool fn)
{
	char utf8[8];
	int n;

	if (fn || ch < 0x20 || ch == 0x7f || (!t->utf8 && ch > 0x7e) ||
	    !g_unichar_isprint((gunichar)ch))
		return;
	n = g_unichar_to_utf8((gunichar)ch, utf8);
	g_string_append_len(t->typed, utf8, n);
}

static void
prompt_flush_typed(struct tui *t)
{
	if (t->typed->len == 0)
		return;
	if (t->mode == MODE_PROMPT) {
		le_insert(&t->prompt.le, t->typed->str);
		prompt_edited(t);
	}
	g_string_truncate(t->typed, 0);
}

/* ---- the other modes ---- */

static int
class_count(void)
{
	int n = 0;

	while (panel_class_at(n) != NULL)
		n++;
	return (n);
}

/* The menu's Enter: ask for the new panel's filter. */
static void
menu_choose(struct tui *t)
{
	int n = class_count();

	t->menu_sel = CLAMP(t->menu_sel, 0, n - 1);
	prompt_open(t, PROMPT_NEW, panel_class_at(t->menu_sel),
	    t->drill != NULL ? t->drill : "");
	g_free(t->drill);
	t->drill = NULL;
}

/* A letter in the menu: the next type whose name starts with it. */
static void
menu_jump(struct tui *t, wint_t ch, bool fn)
{
	int n = class_count(), i;

	for (i = 1; i <= n && !fn && ch < 0x80; i++) {
		int k = (t->menu_sel + i) % n;

		if (panel_class_at(k)->name[0] == (char)ch) {
			t->menu_sel = k;
			break;
		}
	}
}

/*
 * The overview's selection runs down its lists one after the other (the
 * rows on screen of each: part->rows_shown), the protocol mix left out.
 */
static void
overview_move(struct tui *t, struct tview *v, enum keys_action unit, int dir)
{
	int f = v->focus, sel = v->part[f]->sel, i, n[PANEL_PARTS_MAX];
	int last = -1;

	for (i = 0; i < v->nparts; i++) {
		n[i] = MIN(v->part[i]->rows_shown, v->part[i]->shown != NULL ?
		    v->part[i]->shown->nrows : 0);
		if (n[i] > 0)
			last = i;
	}
	if (last < 0)
		return;
	if (unit == KA_ENDS) {
		f = dir < 0 ? 0 : last;
		while (n[f] == 0)
			f++;
		sel = dir < 0 ? 0 : n[f] - 1;
	} else if (unit == KA_PAGE) {
		/* A page: the next list, or the previous. */
		for (i = f + dir; i >= 0 && i < v->nparts && n[i] == 0; i += dir)
			;
		if (i >= 0 && i < v->nparts)
			f = i;
		sel = 0;
	} else {
		sel += dir;
		if (sel < 0 || sel >= n[f]) {
			for (i = f + dir; i >= 0 && i < v->nparts && n[i] == 0;
			    i += dir)
				;
			if (i >= 0 && i < v->nparts) {
				f = i;
				sel = dir > 0 ? 0 : n[f] - 1;
			} else
				sel = CLAMP(sel, 0, MAX(n[f] - 1, 0));
		}
	}
	v->focus = f;
	view_select(t, v->part[f], sel);
}

/*
 * Up, Down, PgUp, PgDn, Home and End: through the rows of the table, the
 * menu's entries or the help's lines, whichever the mode shows.  unit is
 * KA_LINE, KA_PAGE or KA_ENDS.
 */
static void
go_move(struct tui *t, enum keys_action unit, int dir)
{
	struct tview *v;
	int n, page;

	switch (t->mode) {
	case MODE_TABLE:
		if ((v = active_view(t)) != NULL && v->nparts > 0) {
			overview_move(t, v, unit, dir);
			break;
		}
		if (v == NULL || v->shown == NULL)
			break;
		page = screen_body_rows();
		if (unit == KA_ENDS) {
			/* End shows the "other" line under the last row. */
			v->scroll = dir < 0 ? 0 : view_total(v) - page;
			view_select(t, v, dir < 0 ? 0 : v->shown->nrows - 1);
		} else if (unit == KA_PAGE) {
			/* The page turns under the selection. */
			v->scroll += dir * page;
			view_select(t, v, v->sel + dir * page);
		} else
			view_select(t, v, v->sel + dir);
		break;
	case MODE_MENU:
		n = class_count();
		if (unit == KA_ENDS)
			t->menu_sel = dir < 0 ? 0 : n - 1;
		else
			t->menu_sel += unit == KA_PAGE ? dir * 10 : dir;
		t->menu_sel = CLAMP(t->menu_sel, 0, n - 1);
		break;
	case MODE_HELP:
		/* draw_help clamps it to the text. */
		if (unit == KA_ENDS)
			t->help_scroll = dir < 0 ? 0 : G_MAXINT / 2;
		else
			t->help_scroll += unit == KA_PAGE ? dir * (LINES - 2) :
			    dir;
		break;
	case MODE_PROMPT:
		break;
	}
}

/* Esc and the like: back to the panels from wherever we are. */
static void
go_back(struct tui *t)
{
	g_free(t->drill);
	t->drill = NULL;
	if (t->mode == MODE_PROMPT)
		prompt_close(t);
	else
		t->mode = MODE_TABLE;
}

/* ---- drill-down ---- */

/*
 * The filter of the packets the selected row counted: the class's row
 * filter, ANDed with the panel's own filter when it has one (the global
 * one applies to every panel anyway).  NULL, with a message, when there
 * is none.  g_free it.
 */
static char *
selected_filter(struct tui *t, struct tview *v)
{
	char *f, *both;

	v = view_sel(v);
	if (v == NULL || v->shown == NULL || v->shown->nrows == 0) {
		message(t, true, "no row to drill into");
		return (NULL);
	}
	if (v->panel->cls->row_filter == NULL) {
		message(t, true, "%s rows have no filter to drill into",
		    v->panel->cls->name);
		return (NULL);
	}
	if ((f = panel_row_filter(v->panel->cls, v->shown, v->sel)) == NULL) {
		message(t, true, "this row has no filter to drill into");
		return (NULL);
	}
	if (v->panel->filter[0] == '\0')
		return (f);
	both = g_strdup_printf("(%s) && %s", v->panel->filter, f);
	g_free(f);
	return (both);
}

/* Enter on a row: the choice of the new panel's type, starting on the
 * row's own, then its prompt with the row's filter typed. */
static void
drill(struct tui *t, struct tview *v)
{
	char *f = selected_filter(t, v);
	int i;

	if (f == NULL)
		return;
	g_free(t->drill);
	t->drill = f;
	for (i = 0; panel_class_at(i) != NULL; i++)
		if (panel_class_at(i) == view_sel(v)->panel->cls)
			t->menu_sel = i;
	t->mode = MODE_MENU;
}

/* G: the row's filter as the global one, as Y and Enter would make it. */
static void
drill_global(struct tui *t, struct tview *v)
{
	char *f = selected_filter(t, v), *e, *nl;

	if (f == NULL)
		return;
	if (strcmp(f, t->global_filter) == 0)
		message(t, false, "that is the global filter already");
	else if ((e = apply_global(t, f)) != NULL) {
		if ((nl = strchr(e, '\n')) != NULL)
			*nl = '\0';
		message(t, true, "%s", e);
		g_free(e);
	} else {
		history_add(&t->hist, f);
		hist_save(t);
	}
	g_free(f);
}

/* n and N: every view is measured again, names being wider. */
static void
toggle_names(struct tui *t, bool ports)
{
	struct names_stats st;
	bool on;
	guint i;

	if (ports)
		on = t->port_names = !t->port_names;
	else
		on = t->names = !t->names;
	for (i = 0; i < t->views->len; i++)
		view_forget_widths(g_ptr_array_index(t->views, i));
	if (ports) {
		message(t, false, on ? "ports as service names" :
		    "ports as numbers");
		return;
	}
	names_stats(names_global(), &st);
	if (!on)
		message(t, false, "addresses as numbers");
	else if (st.entries == 0 && names_global_resolver() == NULL)
		message(t, false, "addresses as names: none known yet");
	else
		message(t, false, "addresses as names, where known");
}

/* The overview's lists have their order: the view's (v). */
static bool
sortable(struct tui *t, struct tview *v)
{
	if (v->nparts == 0)
		return (true);
	message(t, true, "the overview lists by rate (now) or bytes (all): "
	    "v switches; open a panel to sort it (a)");
	return (false);
}

static void
sort_next(struct tui *t, struct tview *v)
{
	const struct table_col *col;
	int n = v->panel->cls->ncols;
	char *title;

	if (!sortable(t, v))
		return;
	if (v->sort_col + 1 < n)
		v->sort_col++;
	else
		v->sort_col = v->default_col < 0 ? -1 : 0;
	if (v->sort_col < 0) {
		view_sort(v);
		view_forget_widths(v);
		message(t, false, "in the panel's own order");
		return;
	}
	col = &v->panel->cls->cols[v->sort_col];
	/* Counts biggest first, names and addresses in order. */
	v->sort_desc = col->type == COL_UINT || col->type == COL_BYTES ||
	    col->type == COL_TIME || col->type == COL_RATE ||
	    col->type == COL_BITRATE || col->type == COL_PERCENT;
	view_sort(v);
	view_forget_widths(v);
	title = fmt_col_title(col, t->bits);
	message(t, false, "sorted by %s", title);
	g_free(title);
}

static void
sort_reverse(struct tui *t, struct tview *v)
{
	if (!sortable(t, v))
		return;
	if (v->sort_col < 0) {
		message(t, false, "no sort column: s picks one");
		return;
	}
	v->sort_desc = !v->sort_desc;
	view_sort(v);
}

static void
show_panel(struct tui *t, wint_t ch)
{
	if ((int)(ch - '1') < (int)t->views->len)
		activate(t, (int)(ch - '1'));
	else
		message(t, true, "no panel %d", (int)(ch - '0'));
}

static void
toggle_pause(struct tui *t, struct tview *v)
{
	t->paused = !t->paused;
	if (!t->paused && v != NULL)
		view_refresh(t, v);
	message(t, false, t->paused ? "display paused (capture goes on): "
	    "p resumes" : "display resumed");
}

/* A file's panel is counted again from the file (it would otherwise
 * stay empty); a live one starts from zero. */
static void
reset_active(struct tui *t, struct tview *v)
{
	bool refilled = panel_recount(t, v->panel, false);

	view_refresh(t, v);
	view_forget_widths(v);
	message(t, false, "%s reset%s%s", v->panel->cls->name,
	    refilled ? ", " : "", refilled ? refill_whence(t) : "");
}

/* ---- replay controls ---- */

/* Is there a reading to control?  Says why not. */
static bool
replay_controllable(struct tui *t)
{
	if (capture_is_live(t->cap)) {
		message(t, true, "a live capture cannot be paused or paced: "
		    "p pauses the display");
		return (false);
	}
	if (capture_get_state(t->cap) != CAPTURE_RUNNING) {
		message(t, true, "the reading has ended");
		return (false);
	}
	return (true);
}

static void
toggle_replay_pause(struct tui *t)
{
	bool p;

	if (!replay_controllable(t))
		return;
	p = !capture_paused(t->cap);
	(void)capture_set_paused(t->cap, p);
	t->next_tick = 0;
	message(t, false, p ? "reading paused: P resumes" : "reading resumed");
}

/* The replay's speeds, slowest first; 0 is as fast as possible, past the
 * last. */
static const double speed_steps[] = { 0.1, 0.25, 0.5, 1, 2, 4, 10, 100 };

static void
change_speed(struct tui *t, int dir)
{
	double cur, next = -1;
	int i, n = (int)G_N_ELEMENTS(speed_steps);

	if (!replay_controllable(t))
		return;
	cur = capture_speed(t->cap);
	if (dir > 0) {
		if (cur <= 0) {
			message(t, false, "already as fast as possible");
			return;
		}
		next = 0;
		for (i = 0; i < n; i++)
			if (speed_steps[i] > cur * (1 + 1e-9)) {
				next = speed_steps[i];
				break;
			}
	} else {
		if (cur <= 0)
			next = speed_steps[n - 1];
		else
			for (i = n - 1; i >= 0; i--)
				if (speed_steps[i] < cur * (1 - 1e-9)) {
					next = speed_steps[i];
					break;
				}
		if (next < 0) {
			message(t, false, "already at the slowest, %gx", cur);
			return;
		}
	}
	(void)capture_set_speed(t->cap, next);
	t->next_tick = 0;
	if (next > 0)
		message(t, false, "replay at %gx", next);
	else
		message(t, false, "replay as fast as possible");
}

static void
toggle_bits(struct tui *t, struct tview *v)
{
	t->bits = !t->bits;
	if (v != NULL)
		view_forget_widths(v);
	message(t, false, "byte columns in %s", t->bits ? "bits" : "bytes");
}

static void
toggle_view_quiet(struct tview *v, bool now)
{
	v->now = now;
	view_default_sort(v);
	view_sort(v);
	view_forget_widths(v);
	v->scroll = 0;
}

/* v: rows active now (by rate, idle ones dim) or every row. */
static void
toggle_view(struct tui *t, struct tview *v)
{
	int i;

	if (v == NULL)
		return;
	if (v->rate_col < 0 && v->nparts == 0) {
		message(t, true, "%s has no rates: one view only",
		    v->panel->cls->name);
		return;
	}
	v->now = !v->now;
	for (i = 0; i < v->nparts; i++)
		if (v->part[i]->rate_col >= 0 && v->part[i]->default_col >= 0)
			toggle_view_quiet(v->part[i], v->now);
	if (v->nparts == 0)
		toggle_view_quiet(v, v->now);
	message(t, false, v->now ? "now: rows active in the last 40 s, "
	    "idle ones (10 s) dim" : "all: every row since the start");
}

/* Carries out what keys.c's table says the key does. */
static void
run_action(struct tui *t, const struct binding *b, wint_t ch, bool fn)
{
	struct tview *v = active_view(t);

	switch (b->action) {
	case KA_QUIT:
		t->quit = true;
		break;
	case KA_HELP:
		t->mode = MODE_HELP;
		t->help_scroll = 0;
		break;
	case KA_PANEL:
		show_panel(t, ch);
		break;
	case KA_PANEL_NEXT:
		activate(t, t->active + b->arg);
		break;
	case KA_ADD:
		g_free(t->drill);
		t->drill = NULL;
		t->mode = MODE_MENU;
		break;
	case KA_CLOSE:
		close_active(t);
		break;
	case KA_FILTER:
		if (v != NULL)
			prompt_open(t, PROMPT_FILTER, NULL, v->panel->filter);
		else
			message(t, true, "no panel: press a to add one");
		break;
	case KA_GLOBAL_FILTER:
		prompt_open(t, PROMPT_GLOBAL, NULL, t->global_filter);
		break;
	case KA_RESET:
		if (v != NULL)
			reset_active(t, v);
		break;
	case KA_LINE:
	case KA_PAGE:
	case KA_ENDS:
		go_move(t, b->action, b->arg);
		break;
	case KA_COLUMNS:
		/* The layout clamps it on the right. */
		if (v != NULL && v->nparts == 0 && (b->arg > 0 || v->hcol > 0))
			v->hcol += b->arg;
		break;
	case KA_SORT:
		if (v != NULL)
			sort_next(t, v);
		break;
	case KA_SORT_REVERSE:
		if (v != NULL)
			sort_reverse(t, v);
		break;
	case KA_BITS:
		toggle_bits(t, v);
		break;
	case KA_VIEW:
		toggle_view(t, v);
		break;
	case KA_DRILL:
		drill(t, v);
		break;
	case KA_DRILL_GLOBAL:
		drill_global(t, v);
		break;
	case KA_NAMES:
		toggle_names(t, false);
		break;
	case KA_PORT_NAMES:
		toggle_names(t, true);
		break;
	case KA_PAUSE:
		toggle_pause(t, v);
		break;
	case KA_DELAY:
		change_delay(t, b->arg);
		break;
	case KA_REPLAY_PAUSE:
		toggle_replay_pause(t);
		break;
	case KA_SPEED:
		change_speed(t, b->arg);
		break;
	case KA_REDRAW:
		clearok(curscr, TRUE);
		break;
	case KA_BACK:
		go_back(t);
		break;
	case KA_CHOOSE:
		menu_choose(t);
		break;
	case KA_JUMP:
		menu_jump(t, ch, fn);
		break;
	case KA_EDIT:
		if (le_edit(&t->prompt.le, (enum le_op)b->arg))
			prompt_edited(t);
		break;
	case KA_HISTORY:
		prompt_history(t, b->arg < 0);
		break;
	case KA_COMPLETE:
		prompt_complete(t);
		break;
	case KA_APPLY:
		prompt_apply(t);
		break;
	case KA_INSERT:
		prompt_insert(t, ch, fn);
		break;
	}
}

static void
handle_key(struct tui *t, wint_t ch, bool fn)
{
	const struct binding *b;

	t->dirty = true;
	/* A resize is no key: the layout follows in every mode. */
	if (fn && ch == KEY_RESIZE)
		return;
	if ((b = keys_lookup(mode_keys(t->mode), ch, fn)) == NULL)
		return;
	if (b->action != KA_INSERT)
		prompt_flush_typed(t);
	run_action(t, b, ch, fn);
}

static void
read_keys(struct tui *t)
{
	wint_t ch;
	int r, n = 0, probes = 0;

	for (;;) {
		while (!t->quit && (r = get_wch(&ch)) != ERR) {
			n++;
			handle_key(t, ch, r == KEY_CODE_YES);
		}
		if (n > 0 || t->quit || probes++ > 0)
			break;
		if (!term_alive()) {
			t->quit = true;	/* the terminal is gone */
			break;
		}
	}
	prompt_flush_typed(t);
}

static void
handle_signals(struct tui *t, const sigset_t *set)
{
	struct timespec zero = { 0, 0 };
	int sig;

	while (!t->quit && (sig = sigtimedwait(set, NULL, &zero)) > 0) {
		switch (sig) {
		case SIGWINCH:
			term_resize();
			t->dirty = true;
			break;
		case SIGTSTP:
			term_suspend();
			t->dirty = true;
			break;
		case SIGCONT:
			/* Stopped by whatever means (Ctrl-Z, or SIGSTOP from
			 * outside) and now continued: whatever the shell did
			 * to the terminal meanwhile, take it again. */
			term_resume();
			t->dirty = true;
			break;
		case SIGUSR1:		/* the capture ended */
			t->next_tick = 0;
			break;
		default:		/* SIGINT, SIGTERM, SIGHUP */
			t->quit = true;
			break;
		}
	}
}

static void
run_loop(struct tui *t, const sigset_t *waitset)
{
	struct pollfd pfd;
	enum capture_state st;
	int64_t now, wait;
	unsigned seen = 0;
	bool refilling;
	char *warn;
	int n;

	while (!t->quit) {
		now = mono_ms();
		wait = MIN(POLL_MS, MAX(t->next_tick - now, 0));
		if (t->msg != NULL)
			wait = MIN(wait, MAX(t->msg_until - now, 0));
		if (t->mode == MODE_PROMPT && t->prompt.check_at != 0)
			wait = MIN(wait, MAX(t->prompt.check_at - now, 0));
		pfd.fd = term_input_fd();
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)wait);
		handle_signals(t, waitset);
		if (t->quit)
			break;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (n > 0 && (pfd.revents & POLLIN))
			read_keys(t);
		if (t->mode == MODE_PROMPT && t->prompt.check_at != 0 &&
		    mono_ms() >= t->prompt.check_at) {
			prompt_validate(t);
			t->dirty = true;
		}
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;		/* the terminal is gone */
		if ((st = capture_get_state(t->cap)) != t->last_state) {
			t->last_state = st;
			t->next_tick = 0;
		}
		/* A refill is seen filling, and its end at once. */
		refilling = any_refilling(t);
		if (refilling)
			t->next_tick = MIN(t->next_tick, t->last_tick +
			    REFILL_TICK_MS);
		else if (t->refilling)
			t->next_tick = 0;
		t->refilling = refilling;
		if (mono_ms() >= t->next_tick)
			tick(t);
		if ((warn = glog_newest(&seen)) != NULL) {
			message(t, true, "%s", warn);
			g_free(warn);
		}
		if (t->msg != NULL && mono_ms() >= t->msg_until) {
			g_free(t->msg);
			t->msg = NULL;
			t->dirty = true;
		}
		if (t->dirty && !t->quit) {
			screen_draw(t);
			t->dirty = false;
		}
	}
}

static bool
locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return (cs != NULL && (g_ascii_strcasecmp(cs, "UTF-8") == 0 ||
	    g_ascii_strcasecmp(cs, "UTF8") == 0));
}

int
tui_run(struct capture *cap, GPtrArray *panels, const sigset_t *sigs,
    const struct tui_opts *o)
{
	struct tui t;
	const char *nc;
	sigset_t own, waitset;
	enum capture_state st;
	guint i;
	int rc = EXIT_SUCCESS;

	memset(&t, 0, sizeof(t));
	t.cap = cap;
	t.panels = panels;
	t.delay = CLAMP(o->delay, DELAY_MIN, DELAY_MAX);
	t.max_rows = o->max_rows;
	t.global_filter = g_strdup(o->dfilter != NULL ? o->dfilter : "");
	t.names = o->names;
	t.port_names = o->port_names;
	t.typed = g_string_new(NULL);
	setlocale(LC_ALL, "");
	/* Numbers in filters are C numbers, whatever the user's locale. */
	setlocale(LC_NUMERIC, "C");
	t.utf8 = locale_is_utf8();
	history_init(&t.hist, HISTORY_CAP);
	t.hist_path = history_default_path();
	if (hist_fd >= 0)
		(void)history_load_fd(&t.hist, hist_fd);
	else
		(void)history_load(&t.hist, t.hist_path);
	if (!term_open()) {
		history_free(&t.hist);
		g_free(t.hist_path);
		g_free(t.global_filter);
		g_string_free(t.typed, TRUE);
		return (EXIT_FAILURE);
	}
	nc = getenv("NO_COLOR");
	t.color = has_colors() && (nc == NULL || nc[0] == '\0');
	screen_init(&t);
	g_log_set_default_handler(glog_handler, NULL);

	/* SIGWINCH, SIGTSTP and SIGCONT are polled too; blocked before the
	 * capture thread exists, so that it inherits the mask.  (A blocked
	 * SIGCONT still continues the process; it is only its news that
	 * waits for the loop.) */
	sigemptyset(&own);
	sigaddset(&own, SIGWINCH);
	sigaddset(&own, SIGTSTP);
	sigaddset(&own, SIGCONT);
	pthread_sigmask(SIG_BLOCK, &own, NULL);
	waitset = *sigs;
	sigaddset(&waitset, SIGWINCH);
	sigaddset(&waitset, SIGTSTP);
	sigaddset(&waitset, SIGCONT);

	t.views = g_ptr_array_new();
	for (i = 0; i < panels->len; i++)
		g_ptr_array_add(t.views, view_new(&t,
		    g_ptr_array_index(panels, i)));
	t.start_ms = mono_ms();
	t.last_state = CAPTURE_RUNNING;
	capture_start(cap);
	tick(&t);
	screen_draw(&t);
	run_loop(&t, &waitset);

	term_close();
	capture_stop(cap);
	capture_join(cap);
	glog_flush();
	st = capture_get_state(cap);
	if ((st == CAPTURE_FAILED || st == CAPTURE_IFACE_DOWN) &&
	    capture_error(cap) != NULL) {
		fprintf(stderr, "taptop: %s\n", capture_error(cap));
		rc = EXIT_FAILURE;
	}
	for (i = 0; i < t.views->len; i++)
		view_free(g_ptr_array_index(t.views, i));
	g_ptr_array_free(t.views, TRUE);
	if (t.mode == MODE_PROMPT)
		prompt_close(&t);
	history_free(&t.hist);
	g_free(t.hist_path);
	g_free(t.global_filter);
	g_free(t.drill);
	g_string_free(t.typed, TRUE);
	g_free(t.msg);
	return (rc);
}
