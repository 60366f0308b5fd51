/*
 * The curses interface: a status line, a tab bar of the open panels, the
 * active panel's table, and a key hint.
 *
 * The loop wakes every 100 ms for keys and signals; every refresh interval
 * it asks the tap engine to draw (each panel copies its state into its
 * table under its listener's lock) and renders the copies.  All formatting
 * happens here, with no tap lock held.
 */
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "core/panel.h"
#include "core/proto.h"
#include "tui/tui.h"

struct tui {
	struct capture	*cap;
	GPtrArray	*panels;
	int		 active;
	int		 scroll;
	double		 delay;
	int64_t		 start_ms;
	uint64_t	 last_packets, last_bytes;
	int64_t		 last_ms;
	double		 pps, bps;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* 1234567 -> "1.2M": counts in human units. */
static void
human(char *out, size_t n, double v, const char *unit)
{
	static const char *const pre[] = { "", "k", "M", "G", "T", "P" };
	int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, n, "%.0f%s%s", v, *unit ? " " : "", unit);
	else
		snprintf(out, n, "%.1f %s%s", v, pre[i], unit);
}

static void
format_cell(const struct table_col *col, const union cell *c, char *out,
    size_t n)
{
	char addr[ADDR_STRLEN];
	uint16_t i;

	switch (col->type) {
	case COL_UINT:
		human(out, n, (double)c->u, "");
		break;
	case COL_BYTES:
		human(out, n, (double)c->u, "B");
		break;
	case COL_PORT:
		snprintf(out, n, "%" PRIu64, c->u);
		break;
	case COL_TIME:
		snprintf(out, n, "%.3f", c->d);
		break;
	case COL_ADDR:
		snprintf(out, n, "%s", address_to_str(&c->addr, addr));
		break;
	case COL_PATH:
		out[0] = '\0';
		for (i = 0; c->path != NULL && i + 1 < c->path->n; i++)
			g_strlcat(out, "  ", n);
		if (c->path != NULL && c->path->n > 0)
			g_strlcat(out,
			    proto_name(c->path->proto[c->path->n - 1]), n);
		break;
	case COL_TEXT:
		/* Only printable ASCII reaches the screen from here. */
		snprintf(out, n, "%s", c->text != NULL ? c->text : "");
		for (i = 0; out[i] != '\0'; i++)
			if ((unsigned char)out[i] < 0x20 ||
			    (unsigned char)out[i] >= 0x7f)
				out[i] = '?';
		break;
	}
}

static void
draw_status(struct tui *t)
{
	struct capture *c = t->cap;
	int64_t el = (mono_ms() - t->start_ms) / 1000;
	char pk[32], pps[32], bps[32];

	human(pk, sizeof(pk), (double)atomic_load(&c->packets), "");
	human(pps, sizeof(pps), t->pps, "");
	human(bps, sizeof(bps), t->bps * 8, "b/s");
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 0, " taptop  %s%s%s  %s  %02" PRId64 ":%02" PRId64
	    ":%02" PRId64 "  %s pkts  %s pkt/s  %s  drops %" PRIu64
	    "  malformed %" PRIu64,
	    c->source, c->opts.bpf != NULL ? " " : "",
	    c->opts.bpf != NULL ? c->opts.bpf : "",
	    capture_state_name(capture_get_state(c)), el / 3600,
	    el / 60 % 60, el % 60, pk, pps, bps,
	    (uint64_t)atomic_load(&c->kernel_dropped),
	    dissect_malformed_count(-1));
	attroff(A_REVERSE);
}

static void
draw_tabs(struct tui *t)
{
	guint i;

	move(1, 0);
	clrtoeol();
	for (i = 0; i < t->panels->len && i < 9; i++) {
		struct panel *p = g_ptr_array_index(t->panels, i);

		if ((int)i == t->active)
			attron(A_BOLD | A_UNDERLINE);
		printw(" %u:%s%s%s ", i + 1, p->cls->name,
		    *p->filter ? " " : "", *p->filter ? "[f]" : "");
		if ((int)i == t->active)
			attroff(A_BOLD | A_UNDERLINE);
	}
}

static void
draw_table(struct tui *t)
{
	struct panel *p = g_ptr_array_index(t->panels, t->active);
	struct table *tb;
	int col, row, x, w = 14, y, body = LINES - 4;
	char buf[256];

	tb = panel_snapshot(p);
	if (t->scroll > tb->nrows - body)
		t->scroll = MAX(0, tb->nrows - body);
	attron(A_BOLD);
	for (col = 0, x = 0; col < tb->ncols && x < COLS; col++) {
		w = tb->cols[col].type == COL_ADDR ||
		    tb->cols[col].type == COL_PATH ? 26 : 11;
		mvprintw(2, x, "%-*.*s", w, w, tb->cols[col].title);
		x += w + 1;
	}
	attroff(A_BOLD);
	for (row = t->scroll, y = 3; row < tb->nrows && y < LINES - 1;
	    row++, y++) {
		union cell *r = table_row(tb, row);

		for (col = 0, x = 0; col < tb->ncols && x < COLS; col++) {
			bool left = tb->cols[col].type == COL_ADDR ||
			    tb->cols[col].type == COL_PATH;

			w = left ? 26 : 11;
			format_cell(&tb->cols[col], &r[col], buf, sizeof(buf));
			if (left)
				mvprintw(y, x, "%-*.*s", w, w, buf);
			else
				mvprintw(y, x, "%*.*s", w, w, buf);
			x += w + 1;
		}
	}
	table_free(tb);
}

static void
render(struct tui *t)
{
	int64_t now = mono_ms();
	uint64_t pk = atomic_load(&t->cap->packets);
	uint64_t by = atomic_load(&t->cap->bytes);

	if (now > t->last_ms) {
		t->pps = (double)(pk - t->last_packets) * 1000 /
		    (double)(now - t->last_ms);
		t->bps = (double)(by - t->last_bytes) * 1000 /
		    (double)(now - t->last_ms);
	}
	t->last_packets = pk;
	t->last_bytes = by;
	t->last_ms = now;
	erase();
	draw_status(t);
	draw_tabs(t);
	if (t->panels->len > 0)
		draw_table(t);
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS);
	mvprintw(LINES - 1, 0, " 1-9/Tab panels  Up/Down scroll  q quit");
	attroff(A_REVERSE);
	refresh();
}

int
tui_run(struct capture *cap, GPtrArray *panels, const sigset_t *sigs,
    double delay)
{
	struct tui t = { .cap = cap, .panels = panels, .delay = delay };
	struct timespec zero = { 0, 0 };
	int64_t next = 0;
	bool quit = false;
	int ch, sig;

	setlocale(LC_ALL, "");
	if (initscr() == NULL) {
		fprintf(stderr, "taptop: cannot start the terminal interface "
		    "(is TERM set?); use --batch\n");
		return (1);
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(100);
	t.start_ms = t.last_ms = mono_ms();
	capture_start(cap);
	while (!quit) {
		sig = sigtimedwait(sigs, NULL, &zero);
		if (sig > 0 && sig != SIGUSR1)
			break;
		if (mono_ms() >= next) {
			render(&t);
			next = mono_ms() + (int64_t)(t.delay * 1000);
		}
		ch = getch();
		switch (ch) {
		case 'q':
		case KEY_F(10):
			quit = true;
			break;
		case '\t':
		case KEY_RIGHT:
			t.active = (t.active + 1) % (int)MAX(panels->len, 1);
			t.scroll = 0;
			next = 0;
			break;
		case KEY_BTAB:
		case KEY_LEFT:
			t.active = (t.active + (int)panels->len - 1) %
			    (int)MAX(panels->len, 1);
			t.scroll = 0;
			next = 0;
			break;
		case KEY_DOWN:
			t.scroll++;
			next = 0;
			break;
		case KEY_UP:
			if (t.scroll > 0)
				t.scroll--;
			next = 0;
			break;
		case KEY_NPAGE:
			t.scroll += LINES - 4;
			next = 0;
			break;
		case KEY_PPAGE:
			t.scroll = MAX(0, t.scroll - (LINES - 4));
			next = 0;
			break;
		case KEY_RESIZE:
			next = 0;
			break;
		default:
			if (ch >= '1' && ch <= '9' &&
			    ch - '1' < (int)panels->len) {
				t.active = ch - '1';
				t.scroll = 0;
				next = 0;
			}
			break;
		}
	}
	endwin();
	capture_stop(cap);
	capture_join(cap);
	return (0);
}
