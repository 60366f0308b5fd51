/*
 * What the curses thread knows, shared by the main loop (tui.c) and the
 * drawing (screen.c).  Internal to tui/: the rest of taptop sees tui.h.
 *
 * Everything here belongs to the curses thread alone.  The capture's
 * state and counters are read through capture.h's functions (atomics
 * inside), the panels' tables through panel_snapshot(): no lock is held
 * while anything below is drawn.
 */
#ifndef TAPTOP_TUI_SCREEN_H
#define TAPTOP_TUI_SCREEN_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "core/capture.h"
#include "core/panel.h"
#include "tui/keys.h"
#include "tui/prompt.h"

/* Rows around the table: two status lines, the tab bar, the panel's title
 * line and the column header above it; the key hint below. */
#define SCREEN_TOP	5
#define SCREEN_BOTTOM	1
#define SCREEN_MIN_COLS	20
#define SCREEN_MIN_ROWS	(SCREEN_TOP + SCREEN_BOTTOM + 1)

/* An open panel as the interface shows it. */
struct tview {
	struct panel	*panel;
	/* The last snapshot as panel_snapshot gave it (the class's order),
	 * and as shown (sorted the user's way: raw itself, or a sorted
	 * copy).  Kept while paused. */
	struct table	*raw;
	struct table	*shown;
	int		 default_col;	/* the class's sort column, or -1 */
	int		 rate_col;	/* rate_2s, or -1: no rates */
	/* The "now" view: only rows with bytes in the last 40 s, the idle
	 * ones (none in 10 s) dim; else "all", every row. */
	bool		 now;
	int		 sort_col;	/* -1: the drawn (tree) order */
	bool		 sort_desc;
	int		 scroll;	/* first row shown */
	/* The selected row of shown, and a copy of its cells (one row,
	 * NULL with none) by which it is found again in the next table,
	 * wherever it went (tui.c). */
	int		 sel;
	struct table	*selkey;
	int		 hcol;		/* scrollable columns skipped */
	int		*width;		/* per column; grows, never shrinks */
	int		 nwidth;
	/* shown changes (gen++) at each snapshot and sort; the widths are
	 * measured over its first rows once per change. */
	unsigned	 gen, measured_gen;
	/* A composite panel (the overview): a view per part, which hold
	 * the tables; this one holds none.  The selection is in part
	 * `focus`, among its first `rows_shown` rows (what the screen had
	 * room for at the last draw; 0: that part is not selectable). */
	struct tview	*part[PANEL_PARTS_MAX];
	int		 nparts;
	int		 focus;
	int		 rows_shown;
};

/* Where a view's selection is: the view, or a composite's focused part. */
static inline struct tview *
view_sel(struct tview *v)
{
	return (v != NULL && v->nparts > 0 ? v->part[v->focus] : v);
}

enum tui_mode {
	MODE_TABLE,
	MODE_HELP,
	MODE_MENU,			/* choosing a panel type to add */
	MODE_PROMPT,
};

/* Where the keys of a mode are looked up (keys.h). */
static inline enum keys_ctx
mode_keys(enum tui_mode m)
{
	switch (m) {
	case MODE_TABLE:	return (KC_TABLE);
	case MODE_HELP:		return (KC_HELP);
	case MODE_MENU:		return (KC_MENU);
	case MODE_PROMPT:	return (KC_PROMPT);
	}
	return (KC_TABLE);
}

enum prompt_kind {
	PROMPT_FILTER,			/* the active panel's filter */
	PROMPT_GLOBAL,			/* the global display filter */
	PROMPT_NEW,			/* the filter of a panel being added */
};

#define PROMPT_AT_END	(-1)
#define PROMPT_NO_PLACE	(-2)

struct tprompt {
	enum prompt_kind		 kind;
	const struct panel_class	*cls;		/* PROMPT_NEW */
	struct lineedit			 le;
	bool				 valid;
	/* The compiler's message after a refused Enter, and the bytes it
	 * is about: col -1 (PROMPT_AT_END) when it has no place, as at the
	 * end of the text; PROMPT_NO_PLACE for a message not about the
	 * text (no caret then). */
	char				*err;
	int				 err_col, err_len;
	GPtrArray			*cands;		/* completions */
	int				 hoff;		/* columns scrolled */
	/* When to check the text (mono_ms), once the keys pause; 0 when
	 * valid says what the text is. */
	int64_t				 check_at;
};

enum tui_attr {
	AT_STATUS,
	AT_STATUS_HI,
	AT_TAB,
	AT_TAB_ACTIVE,
	AT_TITLE,
	AT_HEADER,
	AT_HEADER_SORT,
	AT_TREE,
	AT_OTHER,
	AT_EMPTY,
	AT_HINT,
	AT_MSG,
	AT_ERR,
	AT_INPUT_OK,
	AT_INPUT_BAD,
	AT_SEL,
	AT_IDLE,			/* a row with no bytes in 10 s */
	AT_N
};

struct tui {
	struct capture	*cap;
	GPtrArray	*panels;	/* struct panel *, main.c's */
	GPtrArray	*views;		/* struct tview *, in the same order */
	int		 active;
	size_t		 max_rows;
	double		 delay;		/* seconds between refreshes */
	char		*global_filter;	/* "" for none */

	bool		 utf8;		/* else ASCII drawing */
	bool		 color;
	attr_t		 attr[AT_N];
	bool		 paused;
	bool		 bits;		/* byte columns in bits */
	bool		 names;		/* addresses as names (n) */
	bool		 port_names;	/* ports as service names (N) */
	char		*drill;		/* the row's filter, for the menu's
					 * choice then the prompt (Enter) */
	bool		 quit;
	bool		 dirty;		/* draw at the next turn of the loop */

	enum tui_mode	 mode;
	int		 menu_sel;
	int		 help_scroll;
	struct tprompt	 prompt;
	GString		*typed;		/* text keys of this burst (tui.c) */
	struct history	 hist;
	char		*hist_path;

	char		*msg;		/* a passing message in the hint line */
	bool		 msg_err;
	int64_t		 msg_until;

	/* The rates at the last tick: packets and bytes per second of
	 * capture time, over CAPTURE_RATE_WINDOW_S (capture.h). */
	int64_t		 start_ms, end_ms, next_tick;
	double		 pps, bps;
	enum capture_state last_state;
	int64_t		 last_tick;
	bool		 refilling;	/* a panel was refilling at last look */
};

/* Picks the attributes for colour or monochrome. */
void	 screen_init(struct tui *);
/* Draws everything for the current mode and refreshes. */
void	 screen_draw(struct tui *);
/* Rows of the table body at the current size. */
int	 screen_body_rows(void);

#endif
