/*
 * The filter prompt's line editor, history and completion; the contract
 * is in prompt.h.
 *
 * The editor works on bytes of UTF-8 and keeps the cursor on character
 * boundaries, so the screen side only has to turn the text before the
 * cursor into a width.  The history file is one filter per line, newest
 * last, rewritten whole (a temporary file renamed over it) so that two
 * taptops quitting at once cannot interleave their lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "core/dfilter/dfilter.h"
#include "core/field.h"
#include "tui/prompt.h"

/* ---- line editor ---- */

void
le_init(struct lineedit *le, const char *text)
{
	le->text = g_string_new(NULL);
	le->cur = 0;
	le_set(le, text);
}

void
le_free(struct lineedit *le)
{
	if (le->text != NULL)
		g_string_free(le->text, TRUE);
	le->text = NULL;
	le->cur = 0;
}

void
le_set(struct lineedit *le, const char *text)
{
	g_string_truncate(le->text, 0);
	le->cur = 0;
	le_insert(le, text);
}

void
le_insert(struct lineedit *le, const char *utf8)
{
	GString *clean;
	const char *p;

	if (utf8 == NULL || *utf8 == '\0')
		return;
	/* Cleaned first and inserted at once: the text after the cursor
	 * moves once, however long the insert. */
	clean = g_string_sized_new(strlen(utf8));
	for (p = utf8; *p != '\0'; p++) {
		/* Control characters would be drawn as escapes of their own;
		 * a pasted tab or newline is a space in a filter. */
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			if (*p == '\t' || *p == '\n' || *p == '\r')
				g_string_append_c(clean, ' ');
			continue;
		}
		g_string_append_c(clean, *p);
	}
	g_string_insert_len(le->text, (gssize)le->cur, clean->str,
	    (gssize)clean->len);
	le->cur += clean->len;
	g_string_free(clean, TRUE);
}

static size_t
prev_char(const struct lineedit *le, size_t at)
{
	const char *s = le->text->str;

	if (at == 0)
		return (0);
	return ((size_t)(g_utf8_find_prev_char(s, s + at) - s));
}

static size_t
next_char(const struct lineedit *le, size_t at)
{
	if (at >= le->text->len)
		return (le->text->len);
	return ((size_t)(g_utf8_next_char(le->text->str + at) -
	    le->text->str));
}

static bool
is_space(const struct lineedit *le, size_t at)
{
	return (le->text->str[at] == ' ');
}

/* Start of the word before at: back over spaces, then over the rest. */
static size_t
word_start(const struct lineedit *le, size_t at)
{
	while (at > 0 && is_space(le, prev_char(le, at)))
		at = prev_char(le, at);
	while (at > 0 && !is_space(le, prev_char(le, at)))
		at = prev_char(le, at);
	return (at);
}

static size_t
word_end(const struct lineedit *le, size_t at)
{
	while (at < le->text->len && is_space(le, at))
		at = next_char(le, at);
	while (at < le->text->len && !is_space(le, at))
		at = next_char(le, at);
	return (at);
}

static bool
erase(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from)
		return (false);
	g_string_erase(le->text, (gssize)from, (gssize)(to - from));
	le->cur = from;
	return (true);
}

bool
le_edit(struct lineedit *le, enum le_op op)
{
	switch (op) {
	case LE_LEFT:
		le->cur = prev_char(le, le->cur);
		return (false);
	case LE_RIGHT:
		le->cur = next_char(le, le->cur);
		return (false);
	case LE_HOME:
		le->cur = 0;
		return (false);
	case LE_END:
		le->cur = le->text->len;
		return (false);
	case LE_WORD_LEFT:
		le->cur = word_start(le, le->cur);
		return (false);
	case LE_WORD_RIGHT:
		le->cur = word_end(le, le->cur);
		return (false);
	case LE_BACKSPACE:
		return (erase(le, prev_char(le, le->cur), le->cur));
	case LE_DELETE:
		return (erase(le, le->cur, next_char(le, le->cur)));
	case LE_KILL_BOL:
		return (erase(le, 0, le->cur));
	case LE_KILL_EOL:
		if (le->cur >= le->text->len)
			return (false);
		g_string_truncate(le->text, le->cur);
		return (true);
	case LE_KILL_WORD:
		return (erase(le, word_start(le, le->cur), le->cur));
	}
	return (false);
}

/* ---- history ---- */

void
history_init(struct history *h, int cap)
{
	h->items = g_ptr_array_new_with_free_func(g_free);
	h->cap = cap > 0 ? cap : HISTORY_CAP;
	h->pos = 0;
	h->draft = NULL;
}

void
history_free(struct history *h)
{
	if (h->items != NULL)
		g_ptr_array_free(h->items, TRUE);
	h->items = NULL;
	g_free(h->draft);
	h->draft = NULL;
}

void
history_stop(struct history *h)
{
	h->pos = (int)h->items->len;
	g_free(h->draft);
	h->draft = NULL;
}

/* True for text worth keeping: not blank, no control characters. */
static bool
history_ok(const char *s)
{
	bool blank = true;

	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (false);
		if (*s != ' ')
			blank = false;
	}
	return (!blank);
}

void
history_add(struct history *h, const char *s)
{
	guint i;

	if (history_ok(s)) {
		for (i = 0; i < h->items->len; i++)
			if (strcmp(g_ptr_array_index(h->items, i), s) == 0) {
				g_ptr_array_remove_index(h->items, i);
				break;
			}
		g_ptr_array_add(h->items, g_strdup(s));
		while ((int)h->items->len > h->cap)
			g_ptr_array_remove_index(h->items, 0);
	}
	history_stop(h);
}

const char *
history_prev(struct history *h, const char *current)
{
	int i;

	if (current == NULL)
		current = "";
	if (h->pos > (int)h->items->len)
		h->pos = (int)h->items->len;
	/* An entry that reads as the prompt already does would look like
	 * a key that did nothing: the one before it is meant. */
	for (i = h->pos - 1; i >= 0; i--)
		if (strcmp(g_ptr_array_index(h->items, i), current) != 0)
			break;
	if (i < 0)
		return (NULL);
	if (h->pos == (int)h->items->len) {
		g_free(h->draft);
		h->draft = g_strdup(current);
	}
	h->pos = i;
	return (g_ptr_array_index(h->items, h->pos));
}

const char *
history_next(struct history *h)
{
	if (h->pos >= (int)h->items->len)
		return (NULL);
	h->pos++;
	if (h->pos == (int)h->items->len)
		return (h->draft != NULL ? h->draft : "");
	return (g_ptr_array_index(h->items, h->pos));
}

char *
history_default_path(void)
{
	const char *state = g_getenv("XDG_STATE_HOME");
	const char *home = g_getenv("HOME");

	/* The spec says a relative XDG path is to be ignored. */
	if (state != NULL && g_path_is_absolute(state))
		return (g_build_filename(state, "taptop", "history", NULL));
	if (home != NULL && home[0] != '\0')
		return (g_build_filename(home, ".local", "state", "taptop",
		    "history", NULL));
	return (NULL);
}

bool
history_load(struct history *h, const char *path)
{
	char *data = NULL, **lines;
	gsize len;
	int i;

	if (path == NULL || !g_file_get_contents(path, &data, &len, NULL))
		return (false);
	lines = g_strsplit(data, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		history_add(h, lines[i]);
	g_strfreev(lines);
	g_free(data);
	return (true);
}

/* The file's text: the newest cap entries, one a line. */
static GString *
history_text(const struct history *h)
{
	GString *out = g_string_new(NULL);
	guint i, first;

	first = h->items->len > (guint)h->cap ? h->items->len - (guint)h->cap :
	    0;
	for (i = first; i < h->items->len; i++)
		g_string_append_printf(out, "%s\n",
		    (char *)g_ptr_array_index(h->items, i));
	return (out);
}

bool
history_save(const struct history *h, const char *path)
{
	char *dir, *tmp;
	GString *out;
	bool ok;
	FILE *f;

	if (path == NULL)
		return (false);
	dir = g_path_get_dirname(path);
	ok = g_mkdir_with_parents(dir, 0700) == 0;
	g_free(dir);
	if (!ok)
		return (false);
	out = history_text(h);
	tmp = g_strdup_printf("%s.%ld.tmp", path, (long)getpid());
	ok = false;
	if ((f = fopen(tmp, "w")) != NULL) {
		ok = fwrite(out->str, 1, out->len, f) == out->len;
		ok = fclose(f) == 0 && ok;
		ok = ok && rename(tmp, path) == 0;
		if (!ok)
			(void)unlink(tmp);
	}
	g_free(tmp);
	g_string_free(out, TRUE);
	return (ok);
}

/*
 * The history through a descriptor opened before the privilege drop (as
 * root under sudo, the file is root's and the dropped user could not
 * write it by name): read from the start, written back in place.
 */
int
history_open(const char *path)
{
	char *dir;
	int fd;

	if (path == NULL)
		return (-1);
	dir = g_path_get_dirname(path);
	(void)g_mkdir_with_parents(dir, 0700);
	g_free(dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	return (fd);
}

bool
history_load_fd(struct history *h, int fd)
{
	GString *data = g_string_new(NULL);
	char buf[8192], **lines;
	ssize_t n;
	off_t off = 0;
	int i;

	/* A history is a few kB; a huge file is cut, not read whole. */
	while (data->len < HISTORY_FILE_MAX &&
	    (n = pread(fd, buf, sizeof(buf), off)) > 0) {
		g_string_append_len(data, buf, n);
		off += n;
	}
	lines = g_strsplit(data->str, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		history_add(h, lines[i]);
	g_strfreev(lines);
	g_string_free(data, TRUE);
	return (true);
}

bool
history_save_fd(const struct history *h, int fd)
{
	GString *out = history_text(h);
	size_t done = 0;
	ssize_t n;
	bool ok = true;

	while (done < out->len) {
		n = pwrite(fd, out->str + done, out->len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ok = false;
			break;
		}
		done += (size_t)n;
	}
	ok = ok && ftruncate(fd, (off_t)out->len) == 0;
	g_string_free(out, TRUE);
	return (ok);
}

/* ---- completion ---- */

static bool
is_name_char(char c)
{
	return (g_ascii_isalnum(c) || c == '_' || c == '.');
}

static size_t
common_prefix(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	return (i);
}

bool
complete_word(const char *text, size_t cur, const GPtrArray *names,
    struct completion *c)
{
	size_t start = cur, end = cur, plen, lcp = 0;
	const char *first = NULL;
	GString *out;
	guint i;

	memset(c, 0, sizeof(*c));
	c->candidates = g_ptr_array_new();
	while (start > 0 && is_name_char(text[start - 1]))
		start--;
	while (is_name_char(text[end]))
		end++;
	plen = cur - start;
	for (i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);

		if (strncmp(n, text + start, plen) != 0)
			continue;
		if (first == NULL) {
			first = n;
			lcp = strlen(n);
		} else
			lcp = MIN(lcp, common_prefix(first, n));
		g_ptr_array_add(c->candidates, (gpointer)n);
	}
	if (first == NULL) {
		completion_free(c);
		return (false);
	}
	out = g_string_new_len(text, (gssize)start);
	if (c->candidates->len == 1) {
		/* One name: it replaces the whole word, cursor after it. */
		g_string_append(out, first);
		if (text[end] == '\0')
			g_string_append_c(out, ' ');
		c->cur = out->len;
		g_string_append(out, text + end);
		g_ptr_array_set_size(c->candidates, 0);
	} else {
		/* Several: only the typed part grows; what follows the
		 * cursor is the user's and stays. */
		g_string_append_len(out, first, (gssize)MAX(lcp, plen));
		c->cur = out->len;
		g_string_append(out, text + cur);
	}
	c->text = g_string_free(out, FALSE);
	return (true);
}

void
completion_free(struct completion *c)
{
	g_free(c->text);
	c->text = NULL;
	if (c->candidates != NULL)
		g_ptr_array_free(c->candidates, TRUE);
	c->candidates = NULL;
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

const GPtrArray *
prompt_field_names(void)
{
	static GPtrArray *names;
	const struct field_info *f;
	guint i, j;

	if (names != NULL)
		return (names);
	names = g_ptr_array_new();
	for (i = 0; (f = field_get((int)i)) != NULL; i++)
		if (f->name != NULL && f->name[0] != '\0')
			g_ptr_array_add(names, (gpointer)f->name);
	g_ptr_array_sort(names, cmp_str);
	for (i = j = 0; i < names->len; i++)
		if (j == 0 || strcmp(g_ptr_array_index(names, i),
		    g_ptr_array_index(names, j - 1)) != 0)
			names->pdata[j++] = names->pdata[i];
	g_ptr_array_set_size(names, j);
	return (names);
}

/* ---- checking a filter ---- */

bool
prompt_check_filter(const char *text, char **msg, int *col, int *len)
{
	struct dfilter_error err = { NULL, -1, 0 };
	struct dfilter *df = NULL;

	*msg = NULL;
	*col = -1;
	*len = 0;
	if (dfilter_compile_ex(text, &df, &err)) {
		if (df != NULL)
			dfilter_free(df);
		return (true);
	}
	*msg = err.msg != NULL ? err.msg : g_strdup("invalid filter");
	*col = err.col;
	*len = err.len;
	return (false);
}
