/*
 * The filter prompt's parts that need no terminal: a one-line editor over
 * UTF-8 text, the history of filters (kept for the session and in a file),
 * completion of field and protocol names, and the check of a filter as it
 * is typed.  The curses side (keys to operations, drawing) is in tui.c and
 * screen.c; this file is unit-tested on its own.
 */
#ifndef TAPTOP_TUI_PROMPT_H
#define TAPTOP_TUI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* ---- line editor ---- */

struct lineedit {
	GString		*text;
	size_t		 cur;		/* byte offset, at a character start */
};

enum le_op {
	LE_LEFT,
	LE_RIGHT,
	LE_HOME,		/* Home, Ctrl-A */
	LE_END,			/* End, Ctrl-E */
	LE_WORD_LEFT,
	LE_WORD_RIGHT,
	LE_BACKSPACE,
	LE_DELETE,		/* Delete, Ctrl-D */
	LE_KILL_BOL,		/* Ctrl-U: everything before the cursor */
	LE_KILL_EOL,		/* Ctrl-K: everything after it */
	LE_KILL_WORD,		/* Ctrl-W: the word before it */
};

void	 le_init(struct lineedit *, const char *text);
void	 le_free(struct lineedit *);
/* Replaces the text; the cursor goes to the end. */
void	 le_set(struct lineedit *, const char *text);
/* Inserts UTF-8 text at the cursor (control characters are dropped). */
void	 le_insert(struct lineedit *, const char *utf8);
/* Returns true if the text changed. */
bool	 le_edit(struct lineedit *, enum le_op);

/* ---- history ---- */

#define HISTORY_CAP	500
#define HISTORY_FILE_MAX (1024 * 1024)	/* bytes of a history file read */

struct history {
	GPtrArray	*items;		/* char *, oldest first */
	int		 cap;
	int		 pos;		/* browsing: index shown; len: not */
	char		*draft;		/* what was typed before browsing */
};

void	 history_init(struct history *, int cap);
void	 history_free(struct history *);
/* Adds s as the newest entry (an older copy of it is dropped; empty text
 * is not kept) and ends browsing. */
void	 history_add(struct history *, const char *s);
/*
 * Browsing: prev gives the entry before the one shown (the first call
 * saves current as the draft), skipping any that equal current, the
 * text at the prompt; next the one after (past the newest, the draft
 * again).  NULL when there is nothing further that way.
 */
const char *history_prev(struct history *, const char *current);
const char *history_next(struct history *);
void	 history_stop(struct history *);

/* $XDG_STATE_HOME/taptop/history, or ~/.local/state/taptop/history; NULL
 * when neither variable gives a place.  g_free it. */
char	*history_default_path(void);
/* Both return false on any error and change nothing then; neither ever
 * fails loudly: a history that cannot be read or written is only lost. */
bool	 history_load(struct history *, const char *path);
bool	 history_save(const struct history *, const char *path);
/* The same through a descriptor history_open gave, opened before the
 * privileges were dropped: -1 when it cannot be opened. */
int	 history_open(const char *path);
bool	 history_load_fd(struct history *, int fd);
bool	 history_save_fd(const struct history *, int fd);

/* ---- completion ---- */

struct completion {
	char		*text;		/* the new text (g_free) */
	size_t		 cur;		/* the new cursor */
	GPtrArray	*candidates;	/* char * (borrowed), when ambiguous */
};

/*
 * Completes the word under the cursor (field-name characters around cur)
 * from names, sorted and unique.  The word's part before the cursor is the
 * prefix; the whole word is replaced by the longest common prefix of the
 * names that start with it, plus a space when exactly one matches and the
 * word ends the text.  Returns false when nothing matches.  Fills
 * candidates when more than one matches.  Free with completion_free.
 */
bool	 complete_word(const char *text, size_t cur,
	    const GPtrArray *names, struct completion *);
void	 completion_free(struct completion *);

/* Every field and protocol name of the registry, sorted.  Owned here. */
const GPtrArray *prompt_field_names(void);

/* ---- checking a filter ---- */

/*
 * Compiles text as a display filter and frees the result.  On error
 * returns false and sets *msg (g_free it; one line, no caret) and the
 * bytes the error is about, *col and *len (col -1 when the error has no
 * place in the text, such as its end).
 */
bool	 prompt_check_filter(const char *text, char **msg, int *col,
	    int *len);

#endif
