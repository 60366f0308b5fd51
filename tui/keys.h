/*
 * The interface's keys: one table of bindings (keys.c), the only place a
 * key exists.  The dispatcher (tui.c) looks keys up in it, the hint line
 * and the help screen (screen.c) are made from it, `taptop --list-keys`
 * prints it, and the tests check the help screen and README.md against
 * it.  A new key is one line in the table; a new action is a line there,
 * a name in enum keys_action and a case in tui.c's run_action (which the
 * compiler checks is there).
 *
 * Keys are named as a person reads them, and as README.md writes them:
 * a printable character as itself ("q", "?"), "Space", "Tab",
 * "Shift-Tab", "Enter", "Esc", "Backspace", "Delete", "Up", "Down",
 * "Left", "Right", "Home", "End", "PgUp", "PgDn", "F1".."F12",
 * "Ctrl-A".."Ctrl-Z", a range of digits ("1-9"), and "Any": any key the
 * context binds to nothing else.
 */
#ifndef TAPTOP_TUI_KEYS_H
#define TAPTOP_TUI_KEYS_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

#include <glib.h>

/* Where a key is read: the interface's mode. */
enum keys_ctx {
	KC_TABLE,		/* the panels and their tables */
	KC_MENU,		/* choosing the type of a panel to add */
	KC_HELP,		/* the help screen */
	KC_PROMPT,		/* a filter prompt */
	KC_N
};

/* The help screen's sections, in the order shown; each belongs to one
 * context. */
enum keys_group {
	KG_PANELS,
	KG_TABLE,
	KG_DISPLAY,
	KG_PROMPT,
	KG_MENU,
	KG_HELP,
	KG_N
};

/* What a key does; tui.c carries it out.  arg, where used, is a direction
 * (-1 back, +1 forward) or, for KA_EDIT, an enum le_op. */
enum keys_action {
	KA_QUIT,
	KA_HELP,
	KA_PANEL,		/* the one the digit typed names */
	KA_PANEL_NEXT,		/* arg: direction */
	KA_ADD,
	KA_CLOSE,
	KA_FILTER,
	KA_GLOBAL_FILTER,
	KA_RESET,
	KA_LINE,		/* rows, menu entries, help lines: arg */
	KA_PAGE,		/* the same, by a page */
	KA_ENDS,		/* the first (arg -1) or the last (+1) */
	KA_COLUMNS,		/* arg: direction */
	KA_SORT,
	KA_SORT_REVERSE,
	KA_BITS,
	KA_VIEW,		/* rows active now, or all */
	KA_DRILL,		/* a new panel on the selected row */
	KA_DRILL_GLOBAL,	/* the selected row's filter as the global one */
	KA_NAMES,		/* addresses as names */
	KA_PORT_NAMES,		/* ports as service names */
	KA_PAUSE,
	KA_DELAY,		/* the interval: +1 longer (slower), -1 shorter */
	KA_REPLAY_PAUSE,	/* pause or resume a replay's reading */
	KA_SPEED,		/* a replay's speed: arg +1 faster, -1 slower */
	KA_REDRAW,
	KA_BACK,		/* close the menu, the help or the prompt */
	KA_CHOOSE,		/* the menu's entry */
	KA_JUMP,		/* the next menu entry starting with the key */
	KA_EDIT,		/* arg: enum le_op */
	KA_HISTORY,		/* arg -1 older, +1 newer */
	KA_COMPLETE,
	KA_APPLY,
	KA_INSERT,		/* the key as text, if printable */
};

struct binding {
	enum keys_group	 group;		/* and so the context */
	const char	*keys;		/* key names, one space apart */
	enum keys_action action;
	int		 arg;
	/* The help screen's text; NULL for a binding shown on the line of
	 * the one before it (its keys are added to that line's). */
	const char	*help;
	/* The hint line: the segment, a shorter form for a narrow terminal
	 * (or NULL), and a priority (higher stays longer).  NULL: not in
	 * the hint line.  Segments appear in the table's order. */
	const char	*hint;
	const char	*hint_short;
	int		 hint_prio;
};

/* The binding for a key in a context, or NULL.  fn: ch is a curses
 * KEY_* code rather than a character. */
const struct binding *keys_lookup(enum keys_ctx, wint_t ch, bool fn);

/* The bindings in table order, for the tests; NULL past the end. */
const struct binding *keys_binding_at(int);

enum keys_ctx keys_group_ctx(enum keys_group);
const char *keys_group_title(enum keys_group);
const char *keys_ctx_name(enum keys_ctx);

/* The hint line of a context, fitted to width columns.  g_free it. */
char	*keys_hint(enum keys_ctx, int width);

/*
 * The help screen's part about keys: for each group its title, then one
 * line per help text ("  KEYS  HELP", the keys column aligned), groups
 * apart by an empty line.  The arrows are drawn as arrows when utf8.
 * g_ptr_array_unref it.
 */
GPtrArray *keys_help_lines(bool utf8);

/* taptop --list-keys: one line per help line, as "CONTEXT  KEYS  HELP",
 * columns two spaces or more apart. */
void	 keys_list(FILE *);

/*
 * Checks the table: every key name is known, no key is bound twice in a
 * context, a binding without help text follows one of its group, and
 * the texts fit the list's format.  false with *err set (g_free it).
 */
bool	 keys_check(char **err);

#endif
