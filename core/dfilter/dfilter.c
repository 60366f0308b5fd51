/*
 * Display filters: the public functions.  Compiling runs the lexer and
 * parser (dfilter_lex.c, dfilter_parse.c) and the semantic pass
 * (dfilter_sem.c) into an evaluation tree that dfilter_eval.c walks per
 * packet.  All of a filter's memory is one arena and its regexes, so a
 * failed compile frees everything at once and a good one is freed whole.
 *
 * The same text compiles to the same filter, shared and counted: the
 * usual case is one filter on several panels, or the global filter, which
 * the tap engine applies once per listener.  A shared filter remembers its
 * answer for the last packet (by the packet's serial), so it is evaluated
 * once per packet however many listeners ask.  The table of filters is
 * locked when compiling and freeing; applying takes no lock: the answer
 * is one relaxed atomic word.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>

#include "dfilter_int.h"

#define ARENA_CHUNK	4096

struct dfilter {
	char		*text;
	int		 refs;		/* under shared_lock */
	struct dnode	*root;
	struct df_arena	 arena;
	GPtrArray	*regexes;
	int		*fields;	/* to prime, each once */
	int		 nfields;
	/* The last packet's serial << 1 | its answer; 0: none yet. */
	atomic_uint_fast64_t memo;
};

static GMutex shared_lock;
static GHashTable *shared;		/* text -> struct dfilter */

void *
df_alloc(struct df_arena *a, size_t n)
{
	size_t chunk;
	uint8_t *p;

	n = (n + 15) & ~(size_t)15;
	if (a->chunks == NULL)
		a->chunks = g_ptr_array_new_with_free_func(g_free);
	if (n > a->left) {
		chunk = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		p = g_malloc0(chunk);
		g_ptr_array_add(a->chunks, p);
		if (chunk == n)
			return (p);	/* big: a chunk of its own */
		a->cur = p;
		a->left = chunk;
	}
	p = a->cur;
	a->cur += n;
	a->left -= n;
	return (p);
}

void *
df_memdup(struct df_arena *a, const void *p, size_t n)
{
	void *q = df_alloc(a, n + 1);

	if (n > 0)
		memcpy(q, p, n);
	return (q);
}

void
df_arena_free(struct df_arena *a)
{
	if (a->chunks != NULL)
		g_ptr_array_free(a->chunks, true);
	memset(a, 0, sizeof(*a));
}

void *
dfc_error(struct dfc *c, int col, int len, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return (NULL);
	c->failed = true;
	if (c->err == NULL)
		return (NULL);
	va_start(ap, fmt);
	c->err->msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->err->col = col;
	c->err->len = col < 0 ? 0 : MAX(len, 1);
	return (NULL);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y ? -1 : x > y);
}

static void
regexes_free(GPtrArray *a)
{
	guint i;

	if (a == NULL)
		return;
	for (i = 0; i < a->len; i++)
		g_regex_unref(a->pdata[i]);
	g_ptr_array_free(a, true);
}

static void
filter_destroy(struct dfilter *df)
{
	regexes_free(df->regexes);
	df_arena_free(&df->arena);
	g_free(df->fields);
	g_free(df->text);
	g_free(df);
}

/* A new reference to the filter compiled from text, if there is one. */
static struct dfilter *
shared_get(const char *text)
{
	struct dfilter *df;

	g_mutex_lock(&shared_lock);
	if (shared == NULL)
		shared = g_hash_table_new(g_str_hash, g_str_equal);
	if ((df = g_hash_table_lookup(shared, text)) != NULL)
		df->refs++;
	g_mutex_unlock(&shared_lock);
	return (df);
}

/* Shares df, or, if the same text was compiled meanwhile, drops df for
 * that one. */
static struct dfilter *
shared_put(struct dfilter *df)
{
	struct dfilter *other;

	g_mutex_lock(&shared_lock);
	if ((other = g_hash_table_lookup(shared, df->text)) != NULL)
		other->refs++;
	else {
		df->refs = 1;
		g_hash_table_insert(shared, df->text, df);
	}
	g_mutex_unlock(&shared_lock);
	if (other == NULL)
		return (df);
	filter_destroy(df);
	return (other);
}

bool
dfilter_compile_ex(const char *text, struct dfilter **out,
    struct dfilter_error *err)
{
	struct dfilter *df;
	struct dnode *syn, *root = NULL;
	struct dfc c;
	size_t n, i;
	guint k;

	*out = NULL;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (text == NULL)
		return (true);
	n = strlen(text);
	for (i = 0; i < n && g_ascii_isspace(text[i]); i++)
		;
	if (i == n)
		return (true);
	memset(&c, 0, sizeof(c));
	c.err = err;
	if (n > DFILTER_TEXT_MAX) {
		dfc_error(&c, -1, 0, "Filter is too long (more than %d bytes).",
		    DFILTER_TEXT_MAX);
		return (false);
	}
	if ((*out = shared_get(text)) != NULL)
		return (true);
	df = g_new0(struct dfilter, 1);
	c.text = text;
	c.n = n;
	c.out = &df->arena;
	c.regexes = g_ptr_array_new();
	c.fields = g_array_new(false, false, sizeof(int));
	lex_init(&c.lex, text, n, &c.syn);
	if ((syn = df_parse(&c)) != NULL && !c.failed)
		root = df_semcheck(&c, syn);
	df_arena_free(&c.syn);
	df->regexes = c.regexes;
	if (root == NULL || c.failed) {
		if (!c.failed)
			dfc_error(&c, -1, 0, "The filter could not be compiled.");
		g_array_free(c.fields, true);
		filter_destroy(df);
		return (false);
	}
	df->root = root;
	df->text = g_strdup(text);
	g_array_sort(c.fields, cmp_int);
	df->fields = g_new(int, c.fields->len + 1);
	for (k = 0; k < c.fields->len; k++) {
		int id = g_array_index(c.fields, int, k);

		if (df->nfields == 0 || df->fields[df->nfields - 1] != id)
			df->fields[df->nfields++] = id;
	}
	g_array_free(c.fields, true);
	*out = shared_put(df);
	return (true);
}

void
dfilter_error_clear(struct dfilter_error *err)
{
	if (err == NULL)
		return;
	g_free(err->msg);
	memset(err, 0, sizeof(*err));
}

char *
dfilter_error_format(const char *text, const struct dfilter_error *err)
{
	GString *s;
	size_t n = text != NULL ? strlen(text) : 0;
	int i;

	if (err == NULL || err->msg == NULL)
		return (g_strdup("The filter could not be compiled."));
	if (err->col < 0 || text == NULL || (size_t)err->col > n)
		return (g_strdup(err->msg));
	s = g_string_new(err->msg);
	g_string_append_printf(s, "\n    %s\n    ", text);
	for (i = 0; i < err->col; i++)
		g_string_append_c(s, text[i] == '\t' ? '\t' : ' ');
	g_string_append_c(s, '^');
	for (i = 1; i < err->len; i++)
		g_string_append_c(s, '~');
	return (g_string_free(s, false));
}

char *
dfilter_compile(const char *text, struct dfilter **out)
{
	struct dfilter_error err;
	char *msg;

	if (dfilter_compile_ex(text, out, &err))
		return (NULL);
	msg = dfilter_error_format(text, &err);
	dfilter_error_clear(&err);
	return (msg);
}

bool
dfilter_apply(const struct dfilter *df, const struct dissect *edt)
{
	struct dfilter *m = (struct dfilter *)df;	/* the memo only */
	uint_fast64_t memo;
	bool r;

	if (df == NULL)
		return (true);
	if (edt->serial != 0) {
		memo = atomic_load_explicit(&m->memo, memory_order_relaxed);
		if (memo >> 1 == edt->serial)
			return ((memo & 1) != 0);
	}
	r = df_eval(df->root, edt);
	if (edt->serial != 0)
		atomic_store_explicit(&m->memo, edt->serial << 1 | r,
		    memory_order_relaxed);
	return (r);
}

void
dfilter_free(struct dfilter *df)
{
	bool last;

	if (df == NULL)
		return;
	g_mutex_lock(&shared_lock);
	if ((last = --df->refs == 0))
		g_hash_table_remove(shared, df->text);
	g_mutex_unlock(&shared_lock);
	if (last)
		filter_destroy(df);
}

void
dfilter_prime(const struct dfilter *df, bool on)
{
	int i;

	if (df == NULL)
		return;
	for (i = 0; i < df->nfields; i++)
		field_want(df->fields[i], on);
}
