/*
 * The interface's key table (tui/keys.c): it is sound (known names, no key
 * bound twice in a context), every binding is on the help screen under
 * its group with its text, keys reach the actions they reached when they
 * were a switch in tui.c, and the hint lines and --list-keys come from
 * it.  README.md is checked against --list-keys by
 * tests/e2e/test_keys.py.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include "tui/fmt.h"
#include "tui/keys.h"
#include "tui/prompt.h"

START_TEST(table_is_sound)
{
	char *err = NULL;
	bool ok = keys_check(&err);

	ck_assert_msg(ok, "%s", err != NULL ? err : "?");
	ck_assert_ptr_null(err);
	ck_assert_ptr_nonnull(keys_binding_at(0));
	ck_assert_ptr_null(keys_binding_at(-1));
}
END_TEST

/* The text shown for binding i: its own, or that of the line it joins. */
static const char *
help_of(int i)
{
	while (keys_binding_at(i)->help == NULL)
		i--;
	return (keys_binding_at(i)->help);
}

/* Is name one of the space-separated words of keys? */
static bool
has_word(const char *keys, const char *name)
{
	char **w = g_strsplit(keys, " ", -1);
	bool found = false;
	int i;

	for (i = 0; w[i] != NULL; i++)
		found |= strcmp(w[i], name) == 0;
	g_strfreev(w);
	return (found);
}

/*
 * Every key of every binding is on a line of the help screen, in the
 * section of its group, next to the binding's text.
 */
START_TEST(every_binding_in_help)
{
	GPtrArray *lines = keys_help_lines(false);
	GRegex *re = g_regex_new("^  (\\S+(?: \\S+)*) {2,}(.*)$", 0, 0,
	    NULL);
	const struct binding *b;
	int i, n;
	guint k;

	for (i = 0; (b = keys_binding_at(i)) != NULL; i++) {
		char **names = g_strsplit(b->keys, " ", -1);
		const char *want = help_of(i);
		const char *title = keys_group_title(b->group);

		for (n = 0; names[n] != NULL; n++) {
			const char *section = NULL;
			bool found = false;

			for (k = 0; k < lines->len && !found; k++) {
				const char *l = g_ptr_array_index(lines, k);
				GMatchInfo *m;

				if (l[0] != ' ' && l[0] != '\0') {
					section = l;
					continue;
				}
				if (section == NULL ||
				    strcmp(section, title) != 0)
					continue;
				if (g_regex_match(re, l, 0, &m)) {
					char *keys = g_match_info_fetch(m, 1);
					char *text = g_match_info_fetch(m, 2);

					found = has_word(keys, names[n]) &&
					    strcmp(text, want) == 0;
					g_free(keys);
					g_free(text);
				}
				g_match_info_free(m);
			}
			ck_assert_msg(found, "%s (\"%s\") is not in the help "
			    "under \"%s\"", names[n], want, title);
		}
		g_strfreev(names);
	}
	g_regex_unref(re);
	g_ptr_array_unref(lines);
}
END_TEST

/* Group titles come in the groups' order, each once, blank lines apart;
 * on a UTF-8 terminal the arrows are drawn as arrows. */
START_TEST(help_layout)
{
	GPtrArray *lines = keys_help_lines(false);
	GPtrArray *u = keys_help_lines(true);
	int next = 0;
	guint k;
	bool arrow = false;

	for (k = 0; k < lines->len; k++) {
		const char *l = g_ptr_array_index(lines, k);

		if (l[0] == '\0') {
			ck_assert_uint_gt(k, 0);
			continue;
		}
		if (l[0] == ' ')
			continue;
		ck_assert_int_lt(next, KG_N);
		ck_assert_str_eq(l, keys_group_title(next));
		if (k > 0)
			ck_assert_str_eq(g_ptr_array_index(lines, k - 1), "");
		next++;
	}
	ck_assert_int_eq(next, KG_N);
	ck_assert_uint_eq(u->len, lines->len);
	for (k = 0; k < u->len; k++)
		arrow |= strstr(g_ptr_array_index(u, k), "\u2191 \u2193") !=
		    NULL;
	ck_assert(arrow);
	g_ptr_array_unref(lines);
	g_ptr_array_unref(u);
}
END_TEST

/* Keys reach what they reached as a switch in tui.c. */
static const struct {
	enum keys_ctx		 ctx;
	wint_t			 ch;
	bool			 fn;
	int			 action;	/* -1: unbound */
	int			 arg;
} lookups[] = {
	{ KC_TABLE, 'q', false, KA_QUIT, 0 },
	{ KC_TABLE, KEY_F(10), true, KA_QUIT, 0 },
	{ KC_TABLE, '?', false, KA_HELP, 0 },
	{ KC_TABLE, KEY_F(1), true, KA_HELP, 0 },
	{ KC_TABLE, '1', false, KA_PANEL, 0 },
	{ KC_TABLE, '9', false, KA_PANEL, 0 },
	{ KC_TABLE, '0', false, -1, 0 },
	{ KC_TABLE, '\t', false, KA_PANEL_NEXT, 1 },
	{ KC_TABLE, KEY_RIGHT, true, KA_PANEL_NEXT, 1 },
	{ KC_TABLE, KEY_BTAB, true, KA_PANEL_NEXT, -1 },
	{ KC_TABLE, KEY_LEFT, true, KA_PANEL_NEXT, -1 },
	{ KC_TABLE, KEY_UP, true, KA_LINE, -1 },
	{ KC_TABLE, KEY_UP, false, -1, 0 },	/* a character, not the key */
	{ KC_TABLE, KEY_NPAGE, true, KA_PAGE, 1 },
	{ KC_TABLE, KEY_END, true, KA_ENDS, 1 },
	{ KC_TABLE, '<', false, KA_COLUMNS, -1 },
	{ KC_TABLE, 'a', false, KA_ADD, 0 },
	{ KC_TABLE, 'x', false, KA_CLOSE, 0 },
	{ KC_TABLE, '/', false, KA_FILTER, 0 },
	{ KC_TABLE, 'Y', false, KA_GLOBAL_FILTER, 0 },
	{ KC_TABLE, 'y', false, -1, 0 },
	{ KC_TABLE, 's', false, KA_SORT, 0 },
	{ KC_TABLE, 'S', false, KA_SORT_REVERSE, 0 },
	{ KC_TABLE, ' ', false, KA_PAUSE, 0 },
	{ KC_TABLE, 'r', false, KA_RESET, 0 },
	{ KC_TABLE, 'b', false, KA_BITS, 0 },
	{ KC_TABLE, 'v', false, KA_VIEW, 0 },
	/* + shortens the interval: the display refreshes faster, as the
	 * help, the hint line and README.md say; - slows it. */
	{ KC_TABLE, '+', false, KA_DELAY, -1 },
	{ KC_TABLE, '=', false, KA_DELAY, -1 },
	{ KC_TABLE, '-', false, KA_DELAY, 1 },
	{ KC_TABLE, '_', false, KA_DELAY, 1 },
	{ KC_TABLE, 12, false, KA_REDRAW, 0 },
	{ KC_TABLE, '\r', false, KA_DRILL, 0 },
	{ KC_TABLE, '\n', false, KA_DRILL, 0 },
	{ KC_TABLE, KEY_ENTER, true, KA_DRILL, 0 },
	{ KC_TABLE, 'G', false, KA_DRILL_GLOBAL, 0 },
	{ KC_TABLE, 'g', false, -1, 0 },
	{ KC_TABLE, 'n', false, KA_NAMES, 0 },
	{ KC_TABLE, 'N', false, KA_PORT_NAMES, 0 },
	{ KC_TABLE, 27, false, -1, 0 },
	{ KC_PROMPT, '\r', false, KA_APPLY, 0 },
	{ KC_PROMPT, '\n', false, KA_APPLY, 0 },
	{ KC_PROMPT, KEY_ENTER, true, KA_APPLY, 0 },
	{ KC_PROMPT, 27, false, KA_BACK, 0 },
	{ KC_PROMPT, 7, false, KA_BACK, 0 },
	{ KC_PROMPT, '\t', false, KA_COMPLETE, 0 },
	{ KC_PROMPT, KEY_UP, true, KA_HISTORY, -1 },
	{ KC_PROMPT, KEY_DOWN, true, KA_HISTORY, 1 },
	{ KC_PROMPT, 127, false, KA_EDIT, LE_BACKSPACE },
	{ KC_PROMPT, 8, false, KA_EDIT, LE_BACKSPACE },
	{ KC_PROMPT, KEY_BACKSPACE, true, KA_EDIT, LE_BACKSPACE },
	{ KC_PROMPT, KEY_DC, true, KA_EDIT, LE_DELETE },
	{ KC_PROMPT, 4, false, KA_EDIT, LE_DELETE },
	{ KC_PROMPT, 1, false, KA_EDIT, LE_HOME },
	{ KC_PROMPT, 5, false, KA_EDIT, LE_END },
	{ KC_PROMPT, 2, false, KA_EDIT, LE_LEFT },
	{ KC_PROMPT, 6, false, KA_EDIT, LE_RIGHT },
	{ KC_PROMPT, 11, false, KA_EDIT, LE_KILL_EOL },
	{ KC_PROMPT, 21, false, KA_EDIT, LE_KILL_BOL },
	{ KC_PROMPT, 23, false, KA_EDIT, LE_KILL_WORD },
	{ KC_PROMPT, 12, false, KA_REDRAW, 0 },
	{ KC_PROMPT, 'q', false, KA_INSERT, 0 },
	{ KC_PROMPT, 0xe9, false, KA_INSERT, 0 },
	{ KC_PROMPT, KEY_F(5), true, KA_INSERT, 0 },	/* ignored there */
	{ KC_MENU, KEY_UP, true, KA_LINE, -1 },
	{ KC_MENU, KEY_PPAGE, true, KA_PAGE, -1 },
	{ KC_MENU, KEY_HOME, true, KA_ENDS, -1 },
	{ KC_MENU, '\n', false, KA_CHOOSE, 0 },
	{ KC_MENU, KEY_ENTER, true, KA_CHOOSE, 0 },
	{ KC_MENU, 'q', false, KA_BACK, 0 },
	{ KC_MENU, 27, false, KA_BACK, 0 },
	{ KC_MENU, 7, false, KA_BACK, 0 },
	{ KC_MENU, 'c', false, KA_JUMP, 0 },
	{ KC_HELP, KEY_DOWN, true, KA_LINE, 1 },
	{ KC_HELP, KEY_NPAGE, true, KA_PAGE, 1 },
	{ KC_HELP, KEY_END, true, KA_ENDS, 1 },
	{ KC_HELP, 'q', false, KA_BACK, 0 },
	{ KC_HELP, KEY_F(1), true, KA_BACK, 0 },
};

START_TEST(lookup)
{
	const struct binding *b = keys_lookup(lookups[_i].ctx, lookups[_i].ch,
	    lookups[_i].fn);

	if (lookups[_i].action < 0) {
		ck_assert_msg(b == NULL, "key %d (fn %d) in %s is bound to "
		    "\"%s\"", (int)lookups[_i].ch, lookups[_i].fn,
		    keys_ctx_name(lookups[_i].ctx), b != NULL ? b->keys : "");
		return;
	}
	ck_assert_msg(b != NULL, "key %d (fn %d) in %s is not bound",
	    (int)lookups[_i].ch, lookups[_i].fn,
	    keys_ctx_name(lookups[_i].ctx));
	ck_assert_int_eq(b->action, lookups[_i].action);
	ck_assert_int_eq(b->arg, lookups[_i].arg);
	ck_assert_int_eq(keys_group_ctx(b->group), lookups[_i].ctx);
}
END_TEST

START_TEST(hints)
{
	char *wide = keys_hint(KC_TABLE, 200);
	char *narrow = keys_hint(KC_TABLE, 40);
	char *prompt = keys_hint(KC_PROMPT, 200);
	char *menu = keys_hint(KC_MENU, 200);

	/* In the table's order, all of them when there is room. */
	ck_assert_str_eq(wide, "?:help  1-9,Tab:panel  a:add  x:close  "
	    "/:filter  Y:global filter  r:reset  Enter:drill  G:row global  "
	    "s/S:sort  b:bits  v:now/all  n/N:names  p:pause  "
	    "+/-:refresh faster/slower  q:quit");
	/* The most important first when there is not. */
	ck_assert_int_le(fmt_width(narrow), 40);
	ck_assert(g_str_has_prefix(narrow, "?:help  "));
	ck_assert_ptr_nonnull(strstr(narrow, "q:quit"));
	ck_assert_ptr_null(strstr(narrow, "+/-:"));
	ck_assert_str_eq(prompt, "Enter: apply   Esc: cancel   Tab: complete"
	    "   \u2191\u2193: history   Ctrl-U: clear");
	ck_assert_str_eq(menu, "\u2191\u2193: choose   Enter: add   "
	    "Esc: cancel");
	g_free(wide);
	g_free(narrow);
	g_free(prompt);
	g_free(menu);
}
END_TEST

/* --list-keys: one line per help line, CONTEXT  KEYS  TEXT. */
START_TEST(list)
{
	GPtrArray *help = keys_help_lines(false);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char **lines;
	guint k, nhelp = 0;
	int n;

	keys_list(f);
	fclose(f);
	for (k = 0; k < help->len; k++)
		nhelp += ((char *)g_ptr_array_index(help, k))[0] == ' ';
	lines = g_strsplit(buf, "\n", -1);
	for (n = 0; lines[n] != NULL && lines[n][0] != '\0'; n++) {
		GRegex *re = g_regex_new("^(table|menu|help|prompt) +"
		    "\\S+( \\S+)*  +\\S.*$", 0, 0, NULL);

		ck_assert_msg(g_regex_match(re, lines[n], 0, NULL), "%s",
		    lines[n]);
		g_regex_unref(re);
	}
	ck_assert_int_eq(n, (int)nhelp);
	ck_assert_ptr_nonnull(strstr(buf, "\ntable   q F10 "));
	g_strfreev(lines);
	free(buf);
	g_ptr_array_unref(help);
}
END_TEST

Suite *
suite_keys(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, table_is_sound);
	tcase_add_test(tc, every_binding_in_help);
	tcase_add_test(tc, help_layout);
	tcase_add_loop_test(tc, lookup, 0, G_N_ELEMENTS(lookups));
	tcase_add_test(tc, hints);
	tcase_add_test(tc, list);
	suite_add_tcase(s, tc);
	return (s);
}
