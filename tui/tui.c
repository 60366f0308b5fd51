/*
 * The curses interface: the terminal, the main loop, and the keys.
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
 * The terminal is given back on every way out: quitting, a signal, the
 * terminal going away (POLLHUP, EOF or EIO on it), exit() anywhere (an
 * atexit handler), and a crash (a handler for the fatal signals writes
 * the terminal's reset strings and restores its modes, then lets the
 * previous handler, a sanitizer's or the default, have the signal).
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/tap.h"
#include "tui/fmt.h"
#include "tui/screen.h"
#include "tui/tui.h"

#define POLL_MS		100	/* longest sleep: how late a signal is seen */
#define MSG_MS		3000	/* a message stays this long */
#define ESC_DELAY_MS	25	/* a lone Esc is a key after this */
#define DELAY_MIN	0.1
#define DELAY_MAX	3600.0

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* ---- the terminal ---- */

static const int fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT,
};

static struct {
	SCREEN			*scr;
	FILE			*tty;		/* /dev/tty, if we opened it */
	int			 in_fd, out_fd;
	volatile sig_atomic_t	 active;	/* curses owns the terminal */
	struct termios		 saved;
	bool			 have_saved;
	bool			 atexit_set;
	/* What a crash writes: attributes off, cursor on, keypad off, the
	 * normal screen back. */
	char			 reset[256];
	size_t			 reset_len;
	struct sigaction	 old[G_N_ELEMENTS(fatal_signals)];
} term;

/* Async-signal-safe: write, tcsetattr, sigaction and raise only. */
static void
term_crash(int sig, siginfo_t *si, void *uc)
{
	ssize_t r;
	size_t i;

	if (term.active) {
		term.active = 0;
		if (term.reset_len > 0)
			r = write(term.out_fd, term.reset, term.reset_len);
		(void)r;
		if (term.have_saved)
			(void)tcsetattr(term.in_fd, TCSANOW, &term.saved);
	}
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		if (fatal_signals[i] == sig)
			(void)sigaction(sig, &term.old[i], NULL);
	/* A fault happens again on return and reaches the old handler (a
	 * sanitizer's, or the default); a signal that was sent, as SIGQUIT
	 * and abort()'s SIGABRT are, must be sent again. */
	(void)uc;
	if (sig == SIGQUIT || sig == SIGABRT || si == NULL ||
	    si->si_code <= 0)
		(void)raise(sig);
}

static void
term_atexit(void)
{
	if (term.active) {
		term.active = 0;
		endwin();
	}
}

/* Appends a terminfo string, without its padding ("$<5>"). */
static void
add_reset(const char *cap)
{
	const char *s = tigetstr(cap);

	if (s == NULL || s == (const char *)-1)
		return;
	for (; *s != '\0' && term.reset_len + 1 < sizeof(term.reset); s++) {
		if (s[0] == '$' && s[1] == '<') {
			while (*s != '\0' && *s != '>')
				s++;
			if (*s == '\0')
				break;
			continue;
		}
		term.reset[term.reset_len++] = *s;
	}
}

static bool
term_open(struct tui *t)
{
	FILE *in = stdin, *out = stdout;
	const char *nc = getenv("NO_COLOR");
	struct sigaction sa;
	size_t i;

	/* With -r - the capture comes in on stdin: talk to the terminal
	 * itself. */
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		if ((term.tty = fopen("/dev/tty", "r+e")) == NULL) {
			fprintf(stderr, "taptop: no terminal for the "
			    "interface (/dev/tty: %s); use --batch\n",
			    strerror(errno));
			return (false);
		}
		in = out = term.tty;
	}
	term.in_fd = fileno(in);
	term.out_fd = fileno(out);
	term.have_saved = tcgetattr(term.in_fd, &term.saved) == 0;
	if ((term.scr = newterm(NULL, out, in)) == NULL) {
		fprintf(stderr, "taptop: cannot start the terminal interface "
		    "(TERM=%s); use --batch\n", getenv("TERM") != NULL ?
		    getenv("TERM") : "");
		if (term.tty != NULL)
			fclose(term.tty);
		term.tty = NULL;
		return (false);
	}
	set_term(term.scr);
	term.active = 1;
	if (!term.atexit_set)
		term.atexit_set = atexit(term_atexit) == 0;
	term.reset_len = 0;
	add_reset("sgr0");
	add_reset("cnorm");
	add_reset("rmkx");
	add_reset("rmcup");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = term_crash;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &term.old[i]);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	t->color = has_colors() && (nc == NULL || nc[0] == '\0');
	screen_init(t);
	return (true);
}

static void
term_close(void)
{
	size_t i;

	if (!term.active)
		return;
	term.active = 0;
	endwin();
	for (i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &term.old[i], NULL);
	delscreen(term.scr);
	term.scr = NULL;
	if (term.tty != NULL)
		fclose(term.tty);
	term.tty = NULL;
}

/* Follows the terminal's size (SIGWINCH, or after a suspension). */
static void
term_resize(struct tui *t)
{
	struct winsize ws;

	if (ioctl(term.out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	t->dirty = true;
}

/* Ctrl-Z: give the terminal back, stop, and take it again on fg. */
static void
term_suspend(struct tui *t)
{
	endwin();
	kill(getpid(), SIGSTOP);
	term_resize(t);
	clearok(curscr, TRUE);
	t->dirty = true;
}

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

/* ---- views ---- */

static struct tview *
view_new(struct panel *p)
{
	struct tview *v = g_new0(struct tview, 1);
	int c;

	v->panel = p;
	v->default_col = -1;
	if (p->cls->default_sort != NULL)
		for (c = 0; c < p->cls->ncols; c++)
			if (strcmp(p->cls->cols[c].key,
			    p->cls->default_sort) == 0)
				v->default_col = c;
	v->sort_col = v->default_col;
	v->sort_desc = true;
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
	view_free_tables(v);
	g_free(v->width);
	g_free(v);
}

static void
view_forget_widths(struct tview *v)
{
	g_free(v->width);
	v->width = NULL;
	v->nwidth = 0;
	v->measured_gen = v->gen - 1;
}

/* The shown table from raw: raw itself in the class's order, else a
 * sorted copy (raw stays, so the tree order can come back while paused). */
static void
view_sort(struct tview *v)
{
	v->gen++;
	if (v->shown != v->raw)
		table_free(v->shown);
	v->shown = v->raw;
	if (v->raw == NULL || v->sort_col < 0 ||
	    (v->sort_col == v->default_col && v->sort_desc))
		return;
	v->shown = table_dup(v->raw);
	table_sort(v->shown, v->sort_col, v->sort_desc);
}

/* A view with a table takes a new one only if the panel has one. */
static void
view_refresh(struct tview *v)
{
	struct table *tb = v->raw == NULL ? panel_snapshot(v->panel) :
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

/* Rows the active table can scroll through. */
static void
view_scroll(struct tui *t, int delta, bool absolute)
{
	struct tview *v = active_view(t);
	int total, body = screen_body_rows();

	if (v == NULL || v->shown == NULL)
		return;
	total = v->shown->nrows + (v->shown->folded_rows > 0 ||
	    v->shown->folded_frames > 0 ? 1 : 0);
	v->scroll = absolute ? delta : v->scroll + delta;
	v->scroll = CLAMP(v->scroll, 0, MAX(total - body, 0));
	t->dirty = true;
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
		view_refresh(v);
	t->dirty = true;
}

/* ---- ticks ---- */

static void
tick(struct tui *t)
{
	int64_t now = mono_ms();
	uint64_t pk = atomic_load(&t->cap->packets);
	uint64_t by = atomic_load(&t->cap->bytes);
	struct tview *v;

	if (now > t->last_ms) {
		t->pps = (double)(pk - t->last_packets) * 1000 /
		    (double)(now - t->last_ms);
		t->bps = (double)(by - t->last_bytes) * 1000 /
		    (double)(now - t->last_ms);
		t->last_packets = pk;
		t->last_bytes = by;
		t->last_ms = now;
	}
	if (capture_get_state(t->cap) != CAPTURE_RUNNING && t->end_ms == 0)
		t->end_ms = now;
	if (!t->paused && (v = active_view(t)) != NULL)
		view_refresh(v);
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
	g_free(m);
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
		/* Counts under two filters would add up to nothing. */
		reset_tap_listener(v->panel);
		view_refresh(v);
		view_forget_widths(v);
		v->scroll = 0;
		message(t, false, "%s: %s; its counts restart",
		    v->panel->cls->name, text[0] != '\0' ? "filter applied" :
		    "filter removed");
		break;
	case PROMPT_GLOBAL:
		if (strcmp(text, t->global_filter) == 0)
			break;
		if ((e = set_tap_global_dfilter(text)) != NULL) {
			prompt_error(pr, e, PROMPT_NO_PLACE, 0);
			goto out;
		}
		g_free(t->global_filter);
		t->global_filter = g_strdup(text);
		reset_tap_listeners();
		if (v != NULL)
			view_refresh(v);
		message(t, false, "global filter %s; all counts restart",
		    text[0] != '\0' ? "applied" : "removed");
		break;
	case PROMPT_NEW:
		if ((p = panel_open(pr->cls->name, text, t->max_rows, &e)) ==
		    NULL) {
			prompt_error(pr, e != NULL ? e :
			    g_strdup("cannot open the panel"),
			    PROMPT_NO_PLACE, 0);
			goto out;
		}
		g_ptr_array_add(t->panels, p);
		g_ptr_array_add(t->views, view_new(p));
		activate(t, (int)t->views->len - 1);
		message(t, false, "added panel %u: %s", t->views->len,
		    p->cls->name);
		break;
	}
	history_add(&t->hist, text);
	(void)history_save(&t->hist, t->hist_path);
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
	prompt_validate(t);
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
	prompt_validate(t);
}

/* The editing keys: curses function keys, then control characters. */
static const struct {
	wint_t		ch;
	bool		fn;
	enum le_op	op;
} edit_keys[] = {
	{ KEY_LEFT, true, LE_LEFT },
	{ KEY_RIGHT, true, LE_RIGHT },
	{ KEY_HOME, true, LE_HOME },
	{ KEY_END, true, LE_END },
	{ KEY_BACKSPACE, true, LE_BACKSPACE },
	{ KEY_DC, true, LE_DELETE },
	{ 1, false, LE_HOME },			/* ^A */
	{ 2, false, LE_LEFT },			/* ^B */
	{ 4, false, LE_DELETE },		/* ^D */
	{ 5, false, LE_END },			/* ^E */
	{ 6, false, LE_RIGHT },			/* ^F */
	{ 8, false, LE_BACKSPACE },		/* ^H */
	{ 11, false, LE_KILL_EOL },		/* ^K */
	{ 21, false, LE_KILL_BOL },		/* ^U */
	{ 23, false, LE_KILL_WORD },		/* ^W */
	{ 127, false, LE_BACKSPACE },		/* DEL */
};

static void
prompt_edited(struct tui *t)
{
	history_stop(&t->hist);
	prompt_clear_info(&t->prompt);
	prompt_validate(t);
}

static void
key_prompt(struct tui *t, wint_t ch, bool fn)
{
	struct tprompt *pr = &t->prompt;
	char utf8[8];
	size_t i;
	int n;

	t->dirty = true;
	for (i = 0; i < G_N_ELEMENTS(edit_keys); i++)
		if (edit_keys[i].ch == ch && edit_keys[i].fn == fn) {
			if (le_edit(&pr->le, edit_keys[i].op))
				prompt_edited(t);
			return;
		}
	if (fn) {
		switch (ch) {
		case KEY_UP:
			prompt_history(t, true);
			break;
		case KEY_DOWN:
			prompt_history(t, false);
			break;
		case KEY_ENTER:
			prompt_apply(t);
			break;
		default:
			break;
		}
		return;
	}
	switch (ch) {
	case '\t':
		prompt_complete(t);
		return;
	case '\n':
	case '\r':
		prompt_apply(t);
		return;
	case 27:		/* Esc */
	case 7:			/* ^G */
		prompt_close(t);
		return;
	case 12:		/* ^L */
		clearok(curscr, TRUE);
		return;
	default:
		break;
	}
	/* Printable text; only ASCII on a terminal that is not UTF-8. */
	if (ch < 0x20 || ch == 0x7f || (!t->utf8 && ch > 0x7e) ||
	    !g_unichar_isprint((gunichar)ch))
		return;
	n = g_unichar_to_utf8((gunichar)ch, utf8);
	utf8[n] = '\0';
	le_insert(&pr->le, utf8);
	prompt_edited(t);
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

static void
key_menu(struct tui *t, wint_t ch, bool fn)
{
	int n = class_count(), i;

	t->dirty = true;
	if (fn) {
		switch (ch) {
		case KEY_UP:	t->menu_sel--; break;
		case KEY_DOWN:	t->menu_sel++; break;
		case KEY_PPAGE:	t->menu_sel -= 10; break;
		case KEY_NPAGE:	t->menu_sel += 10; break;
		case KEY_HOME:	t->menu_sel = 0; break;
		case KEY_END:	t->menu_sel = n - 1; break;
		case KEY_ENTER:
			t->menu_sel = CLAMP(t->menu_sel, 0, n - 1);
			prompt_open(t, PROMPT_NEW,
			    panel_class_at(t->menu_sel), "");
			return;
		default:
			break;
		}
		t->menu_sel = CLAMP(t->menu_sel, 0, n - 1);
		return;
	}
	switch (ch) {
	case '\n':
	case '\r':
		t->menu_sel = CLAMP(t->menu_sel, 0, n - 1);
		prompt_open(t, PROMPT_NEW, panel_class_at(t->menu_sel), "");
		return;
	case 27:
	case 'q':
	case 7:
		t->mode = MODE_TABLE;
		return;
	default:
		/* A letter: the next type whose name starts with it. */
		for (i = 1; i <= n && ch < 0x80; i++) {
			int k = (t->menu_sel + i) % n;

			if (panel_class_at(k)->name[0] == (char)ch) {
				t->menu_sel = k;
				break;
			}
		}
		return;
	}
}

static void
key_help(struct tui *t, wint_t ch, bool fn)
{
	t->dirty = true;
	if (fn) {
		switch (ch) {
		case KEY_UP:	t->help_scroll--; return;
		case KEY_DOWN:	t->help_scroll++; return;
		case KEY_PPAGE:	t->help_scroll -= LINES - 2; return;
		case KEY_NPAGE:	t->help_scroll += LINES - 2; return;
		case KEY_HOME:	t->help_scroll = 0; return;
		case KEY_END:	t->help_scroll = 1000; return;
		case KEY_RESIZE: return;
		default:	break;
		}
	}
	t->mode = MODE_TABLE;
}

static void
sort_next(struct tui *t, struct tview *v)
{
	const struct table_col *col;
	int n = v->panel->cls->ncols;

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
	    col->type == COL_TIME;
	view_sort(v);
	view_forget_widths(v);
	message(t, false, "sorted by %s", col->title);
}

static void
key_table(struct tui *t, wint_t ch, bool fn)
{
	struct tview *v = active_view(t);
	int body = screen_body_rows();

	t->dirty = true;
	if (fn) {
		switch (ch) {
		case KEY_F(10):	t->quit = true; break;
		case KEY_F(1):
			t->mode = MODE_HELP;
			t->help_scroll = 0;
			break;
		case KEY_RIGHT:	activate(t, t->active + 1); break;
		case KEY_LEFT:
		case KEY_BTAB:	activate(t, t->active - 1); break;
		case KEY_UP:	view_scroll(t, -1, false); break;
		case KEY_DOWN:	view_scroll(t, 1, false); break;
		case KEY_PPAGE:	view_scroll(t, -body, false); break;
		case KEY_NPAGE:	view_scroll(t, body, false); break;
		case KEY_HOME:	view_scroll(t, 0, true); break;
		case KEY_END:	view_scroll(t, G_MAXINT / 2, true); break;
		default:	break;
		}
		return;
	}
	if (ch >= '1' && ch <= '9') {
		if ((int)(ch - '1') < (int)t->views->len)
			activate(t, (int)(ch - '1'));
		else
			message(t, true, "no panel %d", (int)(ch - '0'));
		return;
	}
	switch (ch) {
	case 'q':
		t->quit = true;
		break;
	case '?':
		t->mode = MODE_HELP;
		t->help_scroll = 0;
		break;
	case '\t':
		activate(t, t->active + 1);
		break;
	case 'a':
		t->mode = MODE_MENU;
		break;
	case 'x':
		close_active(t);
		break;
	case '/':
		if (v != NULL)
			prompt_open(t, PROMPT_FILTER, NULL, v->panel->filter);
		else
			message(t, true, "no panel: press a to add one");
		break;
	case 'Y':
		prompt_open(t, PROMPT_GLOBAL, NULL, t->global_filter);
		break;
	case 's':
		if (v != NULL)
			sort_next(t, v);
		break;
	case 'S':
		if (v == NULL)
			break;
		if (v->sort_col < 0) {
			message(t, false, "no sort column: s picks one");
			break;
		}
		v->sort_desc = !v->sort_desc;
		view_sort(v);
		break;
	case '<':
		if (v != NULL && v->hcol > 0)
			v->hcol--;
		break;
	case '>':
		if (v != NULL)
			v->hcol++;	/* the layout clamps it */
		break;
	case 'p':
	case ' ':
		t->paused = !t->paused;
		if (!t->paused && v != NULL)
			view_refresh(v);
		message(t, false, t->paused ? "display paused (capture goes "
		    "on): p resumes" : "display resumed");
		break;
	case 'r':
		if (v == NULL)
			break;
		reset_tap_listener(v->panel);
		view_refresh(v);
		view_forget_widths(v);
		message(t, false, "%s reset", v->panel->cls->name);
		break;
	case 'b':
		t->bits = !t->bits;
		if (v != NULL)
			view_forget_widths(v);
		message(t, false, "byte columns in %s", t->bits ? "bits" :
		    "bytes");
		break;
	case '+':
	case '=':
		change_delay(t, 1);
		break;
	case '-':
	case '_':
		change_delay(t, -1);
		break;
	case 12:	/* ^L */
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
}

static void
handle_key(struct tui *t, wint_t ch, bool fn)
{
	if (fn && ch == KEY_RESIZE) {
		t->dirty = true;
		return;
	}
	switch (t->mode) {
	case MODE_TABLE:	key_table(t, ch, fn); break;
	case MODE_HELP:		key_help(t, ch, fn); break;
	case MODE_MENU:		key_menu(t, ch, fn); break;
	case MODE_PROMPT:	key_prompt(t, ch, fn); break;
	}
}

/*
 * The terminal said it was readable and curses found no key: either a
 * byte curses did not want yet, or the end (EOF, EIO).  One byte settles
 * it; a real one goes back to curses.
 */
static bool
probe_tty(void)
{
	int fl = fcntl(term.in_fd, F_GETFL);
	unsigned char c;
	ssize_t k;

	if (fl >= 0)
		(void)fcntl(term.in_fd, F_SETFL, fl | O_NONBLOCK);
	k = read(term.in_fd, &c, 1);
	if (fl >= 0)
		(void)fcntl(term.in_fd, F_SETFL, fl);
	if (k == 1) {
		ungetch(c);
		return (true);
	}
	return (k < 0 && (errno == EAGAIN || errno == EINTR));
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
		if (!probe_tty()) {
			t->quit = true;	/* the terminal is gone */
			break;
		}
	}
}

static void
handle_signals(struct tui *t, const sigset_t *set)
{
	struct timespec zero = { 0, 0 };
	int sig;

	while (!t->quit && (sig = sigtimedwait(set, NULL, &zero)) > 0) {
		switch (sig) {
		case SIGWINCH:
			term_resize(t);
			break;
		case SIGTSTP:
			term_suspend(t);
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
	char *warn;
	int n;

	while (!t->quit) {
		now = mono_ms();
		wait = MIN(POLL_MS, MAX(t->next_tick - now, 0));
		if (t->msg != NULL)
			wait = MIN(wait, MAX(t->msg_until - now, 0));
		pfd.fd = term.in_fd;
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
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;		/* the terminal is gone */
		if ((st = capture_get_state(t->cap)) != t->last_state) {
			t->last_state = st;
			t->next_tick = 0;
		}
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
	setlocale(LC_ALL, "");
	/* Numbers in filters are C numbers, whatever the user's locale. */
	setlocale(LC_NUMERIC, "C");
	t.utf8 = locale_is_utf8();
	history_init(&t.hist, HISTORY_CAP);
	t.hist_path = history_default_path();
	(void)history_load(&t.hist, t.hist_path);
	if (!term_open(&t)) {
		history_free(&t.hist);
		g_free(t.hist_path);
		g_free(t.global_filter);
		return (EXIT_FAILURE);
	}
	g_log_set_default_handler(glog_handler, NULL);

	/* SIGWINCH and SIGTSTP are polled too; blocked before the capture
	 * thread exists, so that it inherits the mask. */
	sigemptyset(&own);
	sigaddset(&own, SIGWINCH);
	sigaddset(&own, SIGTSTP);
	pthread_sigmask(SIG_BLOCK, &own, NULL);
	waitset = *sigs;
	sigaddset(&waitset, SIGWINCH);
	sigaddset(&waitset, SIGTSTP);

	t.views = g_ptr_array_new();
	for (i = 0; i < panels->len; i++)
		g_ptr_array_add(t.views, view_new(g_ptr_array_index(panels,
		    i)));
	t.start_ms = t.last_ms = mono_ms();
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
	    cap->error != NULL) {
		fprintf(stderr, "taptop: %s\n", cap->error);
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
	g_free(t.msg);
	return (rc);
}
