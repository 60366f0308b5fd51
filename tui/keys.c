/*
 * The key bindings: see keys.h.
 *
 * One array, as tmux's default key table and nnn's bindings[] are: the
 * dispatcher, the hint line, the help screen and --list-keys all read it,
 * so that none of them can disagree with the others (or, through the
 * tests, with README.md).  Key names stay strings until a key is looked
 * up: the table is small, a key press is rare, and the table reads as
 * the help does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* curses only for its key codes (KEY_UP ...). */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <glib.h>

#include "tui/fmt.h"
#include "tui/keys.h"
#include "tui/prompt.h"

/*
 * Per binding: the help screen's group, the keys, the action and its
 * argument, the help text (NULL: on the line above), then the hint line's
 * segment, its short form and its priority.  Within a group, the order is
 * the help screen's; within a context, the hint line's.
 */
#define BIND(group, keys, action, arg, help) \
	{ group, keys, action, arg, help, NULL, NULL, 0 }
#define BIND_HINT(group, keys, action, arg, help, hint, hint_short, prio) \
	{ group, keys, action, arg, help, hint, hint_short, prio }

static const struct binding bindings[] = {
	/* The panels and their tables.  "?" is first, so that "?:help"
	 * leads the hint line; the help screen shows it under Display. */
	BIND_HINT(KG_DISPLAY, "? F1", KA_HELP, 0, "this help",
	    "?:help", NULL, 100),
	BIND_HINT(KG_PANELS, "1-9", KA_PANEL, 0, "show panel N",
	    "1-9,Tab:panel", "1-9:panel", 90),
	BIND(KG_PANELS, "Tab Right", KA_PANEL_NEXT, 1, "next panel"),
	BIND(KG_PANELS, "Shift-Tab Left", KA_PANEL_NEXT, -1,
	    "previous panel"),
	BIND_HINT(KG_PANELS, "a", KA_ADD, 0,
	    "add a panel: its type, then a filter (or none)",
	    "a:add", NULL, 80),
	BIND_HINT(KG_PANELS, "x", KA_CLOSE, 0, "close the active panel",
	    "x:close", NULL, 70),
	BIND_HINT(KG_PANELS, "/", KA_FILTER, 0,
	    "edit the active panel's display filter",
	    "/:filter", NULL, 85),
	BIND_HINT(KG_PANELS, "Y", KA_GLOBAL_FILTER, 0,
	    "edit the global display filter (ANDed into all)",
	    "Y:global filter", "Y:global", 60),
	BIND_HINT(KG_PANELS, "r", KA_RESET, 0,
	    "reset the active panel's counts (a file's: counted again)",
	    "r:reset", NULL, 40),
	BIND(KG_TABLE, "Up", KA_LINE, -1,
	    "select a row (the view follows it)"),
	BIND(KG_TABLE, "Down", KA_LINE, 1, NULL),
	BIND(KG_TABLE, "PgUp", KA_PAGE, -1, NULL),
	BIND(KG_TABLE, "PgDn", KA_PAGE, 1, NULL),
	BIND(KG_TABLE, "Home", KA_ENDS, -1, "first / last row"),
	BIND(KG_TABLE, "End", KA_ENDS, 1, NULL),
	BIND_HINT(KG_TABLE, "Enter", KA_DRILL, 0,
	    "drill down: a new panel with the selected row's filter",
	    "Enter:drill", NULL, 55),
	BIND_HINT(KG_TABLE, "G", KA_DRILL_GLOBAL, 0,
	    "the selected row's filter as the global filter",
	    "G:row global", NULL, 35),
	BIND(KG_TABLE, "<", KA_COLUMNS, -1,
	    "scroll the columns left / right"),
	BIND(KG_TABLE, ">", KA_COLUMNS, 1, NULL),
	BIND_HINT(KG_TABLE, "s", KA_SORT, 0, "sort by the next column",
	    "s/S:sort", NULL, 75),
	BIND(KG_TABLE, "S", KA_SORT_REVERSE, 0, "reverse the sort"),
	BIND_HINT(KG_TABLE, "b", KA_BITS, 0, "byte columns in bytes or bits",
	    "b:bits", NULL, 50),
	BIND_HINT(KG_TABLE, "v", KA_VIEW, 0, "rows active now (by rate) or all "
	    "rows", "v:now/all", NULL, 55),
	BIND_HINT(KG_TABLE, "n", KA_NAMES, 0,
	    "addresses as names (hosts file, names seen in the traffic)",
	    "n/N:names", NULL, 45),
	BIND(KG_TABLE, "N", KA_PORT_NAMES, 0,
	    "ports as service names (/etc/services)"),
	BIND_HINT(KG_DISPLAY, "p Space", KA_PAUSE, 0,
	    "pause the display (capture and counting go on)",
	    "p:pause", NULL, 65),
	/* + refreshes faster: the interval gets shorter. */
	BIND_HINT(KG_DISPLAY, "+ =", KA_DELAY, -1,
	    "refresh faster / slower (-d sets the interval at start)",
	    "+/-:refresh faster/slower", "+/-:faster/slower", 30),
	BIND(KG_DISPLAY, "- _", KA_DELAY, 1, NULL),
	/* A replay: P pauses the reading itself, [ and ] pace it. */
	BIND(KG_DISPLAY, "P", KA_REPLAY_PAUSE, 0,
	    "a file (-r): pause / resume the reading; replay slower / faster"),
	BIND(KG_DISPLAY, "[", KA_SPEED, -1, NULL),
	BIND(KG_DISPLAY, "]", KA_SPEED, 1, NULL),
	BIND(KG_DISPLAY, "Ctrl-L", KA_REDRAW, 0, "redraw the screen"),
	BIND_HINT(KG_DISPLAY, "q F10", KA_QUIT, 0,
	    "quit (so do Ctrl-C and SIGTERM)",
	    "q:quit", NULL, 95),

	/* A filter prompt. */
	BIND_HINT(KG_PROMPT, "Enter", KA_APPLY, 0,
	    "apply (a bad filter is refused, the old one stays)",
	    "Enter: apply", NULL, 50),
	BIND_HINT(KG_PROMPT, "Esc Ctrl-G", KA_BACK, 0, "cancel",
	    "Esc: cancel", NULL, 45),
	BIND_HINT(KG_PROMPT, "Tab", KA_COMPLETE, 0,
	    "complete a field or protocol name",
	    "Tab: complete", NULL, 40),
	BIND_HINT(KG_PROMPT, "Up", KA_HISTORY, -1,
	    "history, older / newer (in $XDG_STATE_HOME/taptop/history)",
	    "\u2191\u2193: history", NULL, 30),
	BIND(KG_PROMPT, "Down", KA_HISTORY, 1, NULL),
	BIND_HINT(KG_PROMPT, "Ctrl-U", KA_EDIT, LE_KILL_BOL,
	    "delete to the start",
	    "Ctrl-U: clear", NULL, 20),
	BIND(KG_PROMPT, "Ctrl-K", KA_EDIT, LE_KILL_EOL, "delete to the end"),
	BIND(KG_PROMPT, "Ctrl-W", KA_EDIT, LE_KILL_WORD,
	    "delete the word before the cursor"),
	BIND(KG_PROMPT, "Backspace", KA_EDIT, LE_BACKSPACE,
	    "delete the character before the cursor"),
	BIND(KG_PROMPT, "Delete Ctrl-D", KA_EDIT, LE_DELETE,
	    "delete the character under the cursor"),
	BIND(KG_PROMPT, "Left Ctrl-B", KA_EDIT, LE_LEFT, "move left"),
	BIND(KG_PROMPT, "Right Ctrl-F", KA_EDIT, LE_RIGHT, "move right"),
	BIND(KG_PROMPT, "Home Ctrl-A", KA_EDIT, LE_HOME, "move to the start"),
	BIND(KG_PROMPT, "End Ctrl-E", KA_EDIT, LE_END, "move to the end"),
	BIND(KG_PROMPT, "Ctrl-L", KA_REDRAW, 0, "redraw the screen"),
	BIND(KG_PROMPT, "Any", KA_INSERT, 0, "other keys type text"),

	/* The list of panel types (a). */
	BIND_HINT(KG_MENU, "Up", KA_LINE, -1, "choose a panel type",
	    "\u2191\u2193: choose", NULL, 30),
	BIND(KG_MENU, "Down", KA_LINE, 1, NULL),
	BIND(KG_MENU, "PgUp", KA_PAGE, -1, NULL),
	BIND(KG_MENU, "PgDn", KA_PAGE, 1, NULL),
	BIND(KG_MENU, "Home", KA_ENDS, -1, "the first / last type"),
	BIND(KG_MENU, "End", KA_ENDS, 1, NULL),
	BIND_HINT(KG_MENU, "Enter", KA_CHOOSE, 0,
	    "add a panel of that type (its filter is asked next)",
	    "Enter: add", NULL, 20),
	BIND_HINT(KG_MENU, "Esc Ctrl-G q", KA_BACK, 0, "cancel",
	    "Esc: cancel", NULL, 10),
	BIND(KG_MENU, "Any", KA_JUMP, 0,
	    "a letter: the next type whose name starts with it"),

	/* This help. */
	BIND_HINT(KG_HELP, "Up", KA_LINE, -1, "scroll",
	    "\u2191\u2193 PgUp PgDn: scroll", NULL, 20),
	BIND(KG_HELP, "Down", KA_LINE, 1, NULL),
	BIND(KG_HELP, "PgUp", KA_PAGE, -1, NULL),
	BIND(KG_HELP, "PgDn", KA_PAGE, 1, NULL),
	BIND(KG_HELP, "Home", KA_ENDS, -1, "the top / the end"),
	BIND(KG_HELP, "End", KA_ENDS, 1, NULL),
	BIND_HINT(KG_HELP, "Any", KA_BACK, 0, "back to the panels",
	    "any other key: back", NULL, 10),
};

static const struct {
	const char	*title;
	enum keys_ctx	 ctx;
} groups[KG_N] = {
	[KG_PANELS] = { "Panels", KC_TABLE },
	[KG_TABLE] = { "The table", KC_TABLE },
	[KG_DISPLAY] = { "Display", KC_TABLE },
	[KG_PROMPT] = { "The filter prompt", KC_PROMPT },
	[KG_MENU] = { "Adding a panel", KC_MENU },
	[KG_HELP] = { "This help", KC_HELP },
};

static const struct {
	const char	*name;
	const char	*hint_sep;
} contexts[KC_N] = {
	[KC_TABLE] = { "table", "  " },
	[KC_MENU] = { "menu", "   " },
	[KC_HELP] = { "help", "   " },
	[KC_PROMPT] = { "prompt", "   " },
};

/* Names for keys that are not one printable character.  A name may stand
 * for several codes: terminals send Enter as CR, LF or KEY_ENTER, and
 * Backspace as DEL, ^H or KEY_BACKSPACE. */
static const struct {
	const char	*name;
	wint_t		 ch;
	bool		 fn;
	const char	*glyph;		/* drawn so on a UTF-8 terminal */
} named[] = {
	{ "Space", ' ', false, NULL },
	{ "Tab", '\t', false, NULL },
	{ "Shift-Tab", KEY_BTAB, true, NULL },
	{ "Enter", '\r', false, NULL },
	{ "Enter", '\n', false, NULL },
	{ "Enter", KEY_ENTER, true, NULL },
	{ "Esc", 27, false, NULL },
	{ "Backspace", KEY_BACKSPACE, true, NULL },
	{ "Backspace", 127, false, NULL },
	{ "Backspace", 8, false, NULL },
	{ "Delete", KEY_DC, true, NULL },
	{ "Up", KEY_UP, true, "\u2191" },
	{ "Down", KEY_DOWN, true, "\u2193" },
	{ "Left", KEY_LEFT, true, "\u2190" },
	{ "Right", KEY_RIGHT, true, "\u2192" },
	{ "Home", KEY_HOME, true, NULL },
	{ "End", KEY_END, true, NULL },
	{ "PgUp", KEY_PPAGE, true, NULL },
	{ "PgDn", KEY_NPAGE, true, NULL },
};

#define KEY_NAME_MAX	16
#define KEY_CODES_MAX	12
#define KEY_F_MAX	12

struct keycode {
	wint_t	 ch;
	bool	 fn;
};

/*
 * The codes one key name stands for, in out: their number, 0 for a name
 * that is not known, -1 for "Any".
 */
static int
key_codes(const char *name, struct keycode *out)
{
	size_t len = strlen(name), i;
	int n = 0, f;
	char c;

	if (strcmp(name, "Any") == 0)
		return (-1);
	if (len == 1 && name[0] > ' ' && name[0] < 0x7f) {
		out[0] = (struct keycode){ (wint_t)name[0], false };
		return (1);
	}
	/* A range of digits: "1-9". */
	if (len == 3 && g_ascii_isdigit(name[0]) && name[1] == '-' &&
	    g_ascii_isdigit(name[2]) && name[0] < name[2]) {
		for (c = name[0]; c <= name[2]; c++)
			out[n++] = (struct keycode){ (wint_t)c, false };
		return (n);
	}
	if (len == 6 && strncmp(name, "Ctrl-", 5) == 0 &&
	    g_ascii_isupper(name[5])) {
		out[0] = (struct keycode){ (wint_t)(name[5] - 'A' + 1), false };
		return (1);
	}
	if ((len == 2 || len == 3) && name[0] == 'F' &&
	    g_ascii_isdigit(name[1]) && name[1] != '0' &&
	    (len == 2 || g_ascii_isdigit(name[2]))) {
		f = atoi(name + 1);
		if (f > KEY_F_MAX)
			return (0);
		out[0] = (struct keycode){ (wint_t)KEY_F(f), true };
		return (1);
	}
	for (i = 0; i < G_N_ELEMENTS(named) && n < KEY_CODES_MAX; i++)
		if (strcmp(named[i].name, name) == 0)
			out[n++] = (struct keycode){ named[i].ch, named[i].fn };
	return (n);
}

/*
 * Walks the names of a binding's keys: copies the next one into name and
 * returns true, or returns false at the end.  *p is where to go on from.
 */
static bool
next_name(const char **p, char name[KEY_NAME_MAX])
{
	const char *s = *p, *e;
	size_t len;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return (false);
	for (e = s; *e != '\0' && *e != ' '; e++)
		;
	/* Too long a name is no name: key_codes finds nothing in "". */
	len = (size_t)(e - s) < KEY_NAME_MAX ? (size_t)(e - s) : 0;
	memcpy(name, s, len);
	name[len] = '\0';
	*p = e;
	return (true);
}

enum keys_ctx
keys_group_ctx(enum keys_group g)
{
	return (groups[g].ctx);
}

const char *
keys_group_title(enum keys_group g)
{
	return (groups[g].title);
}

const char *
keys_ctx_name(enum keys_ctx c)
{
	return (contexts[c].name);
}

const struct binding *
keys_binding_at(int i)
{
	if (i < 0 || i >= (int)G_N_ELEMENTS(bindings))
		return (NULL);
	return (&bindings[i]);
}

/*
 * Each context's keys, from the table's names once: a paste of 100 kB into
 * the prompt is 100,000 lookups, too many to parse the names for each.
 * The first binding of a key in table order wins, as keys_check makes
 * sure there is only one.
 */
static struct {
	GHashTable		*keys;		/* code -> struct binding * */
	const struct binding	*any;
} lookup_index[KC_N];

static gpointer
keycode_key(wint_t ch, bool fn)
{
	return (GUINT_TO_POINTER((guint)ch << 1 | (fn ? 1u : 0u)));
}

static void
lookup_index_build(void)
{
	struct keycode codes[KEY_CODES_MAX];
	char name[KEY_NAME_MAX];
	const char *p;
	size_t i;
	int c, n, k;

	for (c = 0; c < KC_N; c++)
		lookup_index[c].keys = g_hash_table_new(g_direct_hash,
		    g_direct_equal);
	for (i = 0; i < G_N_ELEMENTS(bindings); i++) {
		c = groups[bindings[i].group].ctx;
		for (p = bindings[i].keys; next_name(&p, name); ) {
			if ((n = key_codes(name, codes)) < 0 &&
			    lookup_index[c].any == NULL)
				lookup_index[c].any = &bindings[i];
			for (k = 0; k < n; k++) {
				gpointer key = keycode_key(codes[k].ch,
				    codes[k].fn);

				if (!g_hash_table_contains(lookup_index[c].keys,
				    key))
					g_hash_table_insert(
					    lookup_index[c].keys, key,
					    (gpointer)&bindings[i]);
			}
		}
	}
}

const struct binding *
keys_lookup(enum keys_ctx ctx, wint_t ch, bool fn)
{
	static gsize built;
	const struct binding *b;

	if (g_once_init_enter(&built)) {
		lookup_index_build();
		g_once_init_leave(&built, 1);
	}
	if ((int)ctx < 0 || ctx >= KC_N)
		return (NULL);
	b = g_hash_table_lookup(lookup_index[ctx].keys, keycode_key(ch, fn));
	return (b != NULL ? b : lookup_index[ctx].any);
}

char *
keys_hint(enum keys_ctx ctx, int width)
{
	struct fmt_seg seg[G_N_ELEMENTS(bindings)];
	size_t i;
	int n = 0;
	char *s;

	for (i = 0; i < G_N_ELEMENTS(bindings); i++)
		if (groups[bindings[i].group].ctx == ctx &&
		    bindings[i].hint != NULL)
			seg[n++] = (struct fmt_seg){ bindings[i].hint,
			    bindings[i].hint_short, bindings[i].hint_prio };
	s = fmt_segments(seg, n, contexts[ctx].hint_sep, width);
	return (s);
}

/* A key name as the help screen draws it. */
static const char *
key_glyph(const char *name, bool utf8)
{
	size_t i;

	for (i = 0; utf8 && i < G_N_ELEMENTS(named); i++)
		if (named[i].glyph != NULL && strcmp(named[i].name, name) == 0)
			return (named[i].glyph);
	return (name);
}

/* One line of the help: the keys of a binding and those shown with it. */
struct help_line {
	enum keys_group	 group;
	GString		*keys;
	const char	*help;
};

/* The help's lines, in the groups' order: an array of struct help_line. */
static GArray *
help_lines(bool utf8)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct help_line));
	struct help_line *cur = NULL;
	char name[KEY_NAME_MAX];
	const char *p;
	size_t i;
	int g;

	for (g = 0; g < KG_N; g++)
		for (i = 0; i < G_N_ELEMENTS(bindings); i++) {
			const struct binding *b = &bindings[i];

			if ((int)b->group != g)
				continue;
			if (b->help != NULL || cur == NULL) {
				struct help_line l = { b->group,
				    g_string_new(NULL), b->help != NULL ?
				    b->help : "" };

				g_array_append_val(out, l);
				cur = &g_array_index(out, struct help_line,
				    out->len - 1);
			}
			for (p = b->keys; next_name(&p, name); ) {
				if (cur->keys->len > 0)
					g_string_append_c(cur->keys, ' ');
				g_string_append(cur->keys,
				    key_glyph(name, utf8));
			}
		}
	return (out);
}

static void
help_lines_free(GArray *a)
{
	guint i;

	for (i = 0; i < a->len; i++)
		g_string_free(g_array_index(a, struct help_line, i).keys,
		    TRUE);
	g_array_free(a, TRUE);
}

static int
keys_width(const GArray *a)
{
	int w = 0;
	guint i;

	for (i = 0; i < a->len; i++)
		w = MAX(w, fmt_width(g_array_index(a, struct help_line,
		    i).keys->str));
	return (w);
}

/* keys padded to w columns (fmt_width's, not bytes: arrows are three). */
static char *
pad(const char *keys, int w)
{
	return (g_strdup_printf("%s%*s", keys, MAX(w - fmt_width(keys), 0),
	    ""));
}

GPtrArray *
keys_help_lines(bool utf8)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GArray *a = help_lines(utf8);
	int w = keys_width(a), g = -1;
	guint i;

	for (i = 0; i < a->len; i++) {
		struct help_line *l = &g_array_index(a, struct help_line, i);
		char *k;

		if ((int)l->group != g) {
			if (g >= 0)
				g_ptr_array_add(out, g_strdup(""));
			g = (int)l->group;
			g_ptr_array_add(out, g_strdup(groups[g].title));
		}
		k = pad(l->keys->str, w);
		g_ptr_array_add(out, g_strdup_printf("  %s  %s", k, l->help));
		g_free(k);
	}
	help_lines_free(a);
	return (out);
}

void
keys_list(FILE *out)
{
	GArray *a = help_lines(false);
	int w = keys_width(a);
	guint i;

	for (i = 0; i < a->len; i++) {
		struct help_line *l = &g_array_index(a, struct help_line, i);

		fprintf(out, "%-6s  %-*s  %s\n", contexts[groups[l->group].ctx]
		    .name, w, l->keys->str, l->help);
	}
	help_lines_free(a);
}

bool
keys_check(char **err)
{
	GHashTable *seen[KC_N];
	struct keycode codes[KEY_CODES_MAX];
	char name[KEY_NAME_MAX];
	const struct binding *b;
	const char *p;
	size_t i;
	int c, n, k;
	bool ok = true;

	*err = NULL;
	for (c = 0; c < KC_N; c++)
		seen[c] = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (i = 0; i < G_N_ELEMENTS(bindings) && ok; i++) {
		b = &bindings[i];
		c = groups[b->group].ctx;
		if (b->help == NULL && (i == 0 || bindings[i - 1].group !=
		    b->group)) {
			*err = g_strdup_printf("\"%s\": no help text, and not "
			    "after a binding of its group", b->keys);
			ok = false;
		} else if (b->help != NULL && (b->help[0] == '\0' ||
		    strstr(b->help, "  ") != NULL ||
		    strpbrk(b->help, "|`\n") != NULL)) {
			/* --list-keys and README.md's table rely on it. */
			*err = g_strdup_printf("\"%s\": the help text is empty "
			    "or has two spaces, |, ` or a new line", b->keys);
			ok = false;
		} else if (b->hint != NULL && b->hint_prio <= 0) {
			*err = g_strdup_printf("\"%s\": a hint without a "
			    "priority", b->keys);
			ok = false;
		}
		for (p = b->keys, k = 0; ok && next_name(&p, name); k++) {
			gpointer key;
			int j;

			if ((n = key_codes(name, codes)) == 0) {
				*err = g_strdup_printf("\"%s\": unknown key "
				    "name \"%s\"", b->keys, name);
				ok = false;
			}
			if (n < 0) {
				/* "Any": at most one per context. */
				n = 1;
				codes[0] = (struct keycode){ WEOF, false };
			}
			for (j = 0; ok && j < n; j++) {
				key = GUINT_TO_POINTER((guint)codes[j].ch << 1 |
				    codes[j].fn);
				if (g_hash_table_contains(seen[c], key)) {
					*err = g_strdup_printf("\"%s\" in %s: "
					    "the key is bound twice", name,
					    contexts[c].name);
					ok = false;
				}
				g_hash_table_add(seen[c], key);
			}
		}
		if (ok && k == 0) {
			*err = g_strdup_printf("binding %zu: no keys", i);
			ok = false;
		}
	}
	for (c = 0; c < KC_N; c++)
		g_hash_table_destroy(seen[c]);
	return (ok);
}
