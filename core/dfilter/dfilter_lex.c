/*
 * The display-filter lexer.
 *
 * Tokens are produced one at a time as the parser asks for them, so that
 * the first error in reading order is the one reported, as tshark does.
 * A lexical error is a T_ERROR token carrying its message: the parser
 * raises it when it reaches it.
 *
 * A literal is the longest of: a word ([A-Za-z0-9_] then also '-', and
 * '.' between word characters), an IPv4 or IPv6 address with an optional
 * /prefix, or hex pairs joined by colons (aa:bb:cc).  What a literal means
 * is decided later, by the type of what it is compared with.  A literal
 * after ':' is never taken for a field name (":9a" is a byte); a name
 * after '.' always is.
 * Inside [ ] the text is ranges, split at commas.
 */
#include <string.h>

#include "dfilter_int.h"

void
lex_init(struct lexer *lx, const char *text, size_t n, struct df_arena *a)
{
	memset(lx, 0, sizeof(*lx));
	lx->text = text;
	lx->n = n;
	lx->arena = a;
}

static bool
is_word_start(int c)
{
	return (g_ascii_isalnum(c) || c == '_');
}

static bool
is_word_char(int c)
{
	return (g_ascii_isalnum(c) || c == '_' || c == '-');
}

/* A word: '.' only between word characters, so "1." and "a..b" stop. */
static size_t
word_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_word_start((unsigned char)s[0]))
		return (0);
	while (i < n) {
		if (is_word_char((unsigned char)s[i]))
			i++;
		else if (s[i] == '.' && i + 1 < n &&
		    is_word_char((unsigned char)s[i + 1]))
			i++;
		else
			break;
	}
	return (i);
}

/* hex2(:hex2)+ */
static size_t
colon_bytes_len(const char *s, size_t n)
{
	size_t i = 0;

	if (n < 5 || !g_ascii_isxdigit(s[0]) || !g_ascii_isxdigit(s[1]))
		return (0);
	i = 2;
	while (i + 2 < n && s[i] == ':' && g_ascii_isxdigit(s[i + 1]) &&
	    g_ascii_isxdigit(s[i + 2]))
		i += 3;
	return (i > 2 ? i : 0);
}

/* After ':': hex pairs joined by ':' or '-', or a run of hex digits. */
static size_t
colon_literal_len(const char *s, size_t n)
{
	size_t pairs = 0, run = 0;

	if (n >= 2 && g_ascii_isxdigit(s[0]) && g_ascii_isxdigit(s[1])) {
		pairs = 2;
		while (pairs + 2 < n && (s[pairs] == ':' || s[pairs] == '-') &&
		    g_ascii_isxdigit(s[pairs + 1]) &&
		    g_ascii_isxdigit(s[pairs + 2]))
			pairs += 3;
	}
	while (run < n && g_ascii_isxdigit(s[run]))
		run++;
	return (MAX(pairs, run));
}

static size_t
prefix_digits(const char *s, size_t n, size_t at, int max)
{
	size_t i = at;

	if (i + 1 >= n || s[i] != '/' || !g_ascii_isdigit(s[i + 1]))
		return (at);
	i++;
	while (i < n && g_ascii_isdigit(s[i]) && (int)(i - at) <= max)
		i++;
	return (i);
}

/* The longest literal at s (see the top of the file). */
static size_t
literal_len(const char *s, size_t n, bool *is_word)
{
	size_t w, l;

	w = word_len(s, n);
	*is_word = true;
	l = lit_ipv4_prefix(s, n);
	if (l > 0)
		l = prefix_digits(s, n, l, 2);
	if (l > w) {
		w = l;
		*is_word = false;
	}
	l = lit_ipv6_prefix(s, n);
	if (l > 0)
		l = prefix_digits(s, n, l, 3);
	if (l > w) {
		w = l;
		*is_word = false;
	}
	l = colon_bytes_len(s, n);
	if (l > w) {
		w = l;
		*is_word = false;
	}
	return (w);
}

static const struct {
	const char	*word;
	enum tok	 tok;
} keywords[] = {
	{ "and", T_AND }, { "or", T_OR }, { "not", T_NOT },
	{ "eq", T_EQ }, { "ne", T_NE }, { "gt", T_GT }, { "ge", T_GE },
	{ "lt", T_LT }, { "le", T_LE }, { "any_eq", T_EQ },
	{ "all_ne", T_NE }, { "all_eq", T_ALL_EQ }, { "any_ne", T_ANY_NE },
	{ "contains", T_CONTAINS }, { "matches", T_MATCHES }, { "in", T_IN },
	{ "any", T_ANY }, { "all", T_ALL }, { "bitwise_and", T_BITAND },
};

static char *
arena_strndup(struct df_arena *a, const char *s, size_t n)
{
	char *p = df_alloc(a, n + 1);

	memcpy(p, s, n);
	return (p);
}

static void
lex_error(struct lexer *lx, struct token *t, int col, int len,
    const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static void
lex_error(struct lexer *lx, struct token *t, int col, int len,
    const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	t->kind = T_ERROR;
	t->col = col;
	t->len = len;
	t->s = arena_strndup(lx->arena, m, strlen(m));
	g_free(m);
	lx->pos = lx->n;	/* nothing after an error is read */
}

static size_t
utf8_put(uint8_t *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (uint8_t)c;
		return (1);
	}
	if (c < 0x800) {
		o[0] = (uint8_t)(0xc0 | c >> 6);
		o[1] = (uint8_t)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		o[0] = (uint8_t)(0xe0 | c >> 12);
		o[1] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
		o[2] = (uint8_t)(0x80 | (c & 0x3f));
		return (3);
	}
	o[0] = (uint8_t)(0xf0 | c >> 18);
	o[1] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
	o[2] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
	o[3] = (uint8_t)(0x80 | (c & 0x3f));
	return (4);
}

/*
 * One escape at s[*i] (the backslash), appended to o.  Returns false with
 * the error made.  C's escapes, \xH[H], \o[o[o]], \uXXXX and \UXXXXXXXX.
 */
static bool
lex_escape(struct lexer *lx, struct token *t, size_t *i, uint8_t *o,
    size_t *olen)
{
	const char *s = lx->text;
	size_t at = *i, j = at + 1, k;
	uint32_t v;
	int d, ndig;

	if (j >= lx->n)
		return (true);	/* the caller reports the missing quote */
	switch (s[j]) {
	case 'a': o[(*olen)++] = '\a'; break;
	case 'b': o[(*olen)++] = '\b'; break;
	case 'f': o[(*olen)++] = '\f'; break;
	case 'n': o[(*olen)++] = '\n'; break;
	case 'r': o[(*olen)++] = '\r'; break;
	case 't': o[(*olen)++] = '\t'; break;
	case 'v': o[(*olen)++] = '\v'; break;
	case '\\': case '"': case '\'':
		o[(*olen)++] = (uint8_t)s[j];
		break;
	case 'x':
		v = 0;
		for (k = j + 1; k < lx->n && k < j + 3 &&
		    (d = g_ascii_xdigit_value(s[k])) >= 0; k++)
			v = v * 16 + (uint32_t)d;
		if (k == j + 1) {
			lex_error(lx, t, (int)at, 2,
			    "\\x is not a valid character escape sequence");
			return (false);
		}
		o[(*olen)++] = (uint8_t)v;
		*i = k;
		return (true);
	case 'u': case 'U':
		ndig = s[j] == 'u' ? 4 : 8;
		v = 0;
		for (k = j + 1; k < lx->n && k < j + 1 + (size_t)ndig &&
		    (d = g_ascii_xdigit_value(s[k])) >= 0; k++)
			v = v * 16 + (uint32_t)d;
		if (k != j + 1 + (size_t)ndig || (v < 0xa0 && v != 0x24 &&
		    v != 0x40 && v != 0x60) || (v >= 0xd800 && v <= 0xdfff) ||
		    v > 0x10ffff) {
			lex_error(lx, t, (int)at, (int)(k - at),
			    "%.*s is not a valid universal character name",
			    (int)(k - at), s + at);
			return (false);
		}
		*olen += utf8_put(o + *olen, v);
		*i = k;
		return (true);
	default:
		if (s[j] >= '0' && s[j] <= '7') {
			v = 0;
			for (k = j; k < lx->n && k < j + 3 && s[k] >= '0' &&
			    s[k] <= '7'; k++)
				v = v * 8 + (uint32_t)(s[k] - '0');
			if (v > 255) {
				lex_error(lx, t, (int)at, (int)(k - at),
				    "%.*s is larger than 255.", (int)(k - at),
				    s + at);
				return (false);
			}
			o[(*olen)++] = (uint8_t)v;
			*i = k;
			return (true);
		}
		lex_error(lx, t, (int)at, 2,
		    "\\%c is not a valid character escape sequence", s[j]);
		return (false);
	}
	*i = j + 1;
	return (true);
}

/* "...", or r"..." when raw (no escapes; a backslash still protects the
 * next character from ending the string, as in Python). */
static void
lex_string(struct lexer *lx, struct token *t, size_t start, bool raw)
{
	const char *s = lx->text;
	size_t i = start + (raw ? 2 : 1), olen = 0, end;
	uint8_t *o;

	/* Sized by where it ends, so that many strings cost linear space. */
	for (end = i; end < lx->n && s[end] != '"'; end++)
		if (s[end] == '\\' && end + 1 < lx->n)
			end++;
	o = df_alloc(lx->arena, end - i + 1);

	t->kind = T_STRING;
	t->raw = raw;
	while (i < lx->n && s[i] != '"') {
		if (s[i] == '\\' && raw) {
			if (i + 1 >= lx->n) {
				lex_error(lx, t, (int)i, 1, "The final quote was "
				    "missing from a quoted string.");
				return;
			}
			o[olen++] = '\\';
			if (i + 1 < lx->n)
				o[olen++] = (uint8_t)s[i + 1];
			i += 2;
		} else if (s[i] == '\\') {
			if (i + 1 >= lx->n) {
				/* tshark points at the dangling backslash */
				lex_error(lx, t, (int)i, 1, "The final quote was "
				    "missing from a quoted string.");
				return;
			}
			if (!lex_escape(lx, t, &i, o, &olen))
				return;
		} else
			o[olen++] = (uint8_t)s[i++];
	}
	if (i >= lx->n) {
		lex_error(lx, t, (int)lx->n, 1,
		    "The final quote was missing from a quoted string.");
		return;
	}
	t->s = (char *)o;
	t->slen = olen;
	t->col = (int)start;
	t->len = (int)(i + 1 - start);
	lx->pos = i + 1;
}

static void
lex_char(struct lexer *lx, struct token *t, size_t start)
{
	const char *s = lx->text;
	size_t i = start + 1, olen = 0;
	uint8_t o[8];

	while (i < lx->n && s[i] != '\'')
		i += s[i] == '\\' && i + 1 < lx->n ? 2 : 1;
	if (i >= lx->n) {
		lex_error(lx, t, (int)lx->n, 1, "The final quote was missing "
		    "from a character constant.");
		return;
	}
	t->col = (int)start;
	t->len = (int)(i + 1 - start);
	lx->pos = i + 1;
	if (i == start + 1) {
		lex_error(lx, t, t->col, t->len, "Empty character constant.");
		return;
	}
	/* One character, or one escape. */
	olen = 0;
	i = start + 1;
	if (s[i] == '\\') {
		if (!lex_escape(lx, t, &i, o, &olen))
			return;
	} else
		o[olen++] = (uint8_t)s[i++];
	if (olen != 1 || i != start + (size_t)t->len - 1) {
		lex_error(lx, t, t->col, t->len, "%.*s is too long to be a "
		    "valid character constant.", t->len, s + start);
		return;
	}
	t->kind = T_CHAR;
	t->c = o[0];
	lx->pos = start + (size_t)t->len;
}

/* Inside [ ]: a range up to the next comma or bracket. */
static void
lex_range(struct lexer *lx, struct token *t)
{
	const char *s = lx->text;
	size_t i = lx->pos, end;

	if (i >= lx->n) {
		lex_error(lx, t, (int)lx->n, 1,
		    "The right bracket was missing from a slice.");
		return;
	}
	for (end = i; end < lx->n && s[end] != ']' && s[end] != ','; end++)
		if (!g_ascii_isalnum(s[end]) && strchr(" \t_:-+.,", s[end]) ==
		    NULL) {
			/* Not a range: the bracket was never closed. */
			lex_error(lx, t, (int)lx->n, 1,
			    "The right bracket was missing from a slice.");
			return;
		}
	t->col = (int)i;
	if (s[i] == ']') {
		t->kind = T_RBRACKET;
		t->len = 1;
		lx->pos = i + 1;
		lx->bracket = 0;
		return;
	}
	if (s[i] == ',') {
		t->kind = T_COMMA;
		t->len = 1;
		lx->pos = i + 1;
		return;
	}
	while (i < lx->n && s[i] != ',' && s[i] != ']')
		i++;
	end = i;
	while (end > lx->pos && g_ascii_isspace(s[end - 1]))
		end--;
	t->kind = T_RANGE;
	t->len = (int)(end - lx->pos);
	t->s = arena_strndup(lx->arena, s + lx->pos, end - lx->pos);
	lx->pos = i;
}

static void
set(struct token *t, enum tok k, size_t col, size_t len)
{
	t->kind = k;
	t->col = (int)col;
	t->len = (int)len;
}

void
lex_next(struct lexer *lx, struct token *t)
{
	const char *s = lx->text;
	size_t i, l, n = lx->n;
	bool is_word;
	unsigned char c;

	memset(t, 0, sizeof(*t));
	while (lx->pos < n && g_ascii_isspace(s[lx->pos]))
		lx->pos++;
	i = lx->pos;
	if (lx->bracket) {
		lex_range(lx, t);
		return;
	}
	if (i >= n) {
		set(t, T_END, n, 0);
		return;
	}
	c = (unsigned char)s[i];
	lx->pos = i + 1;
#define TWO(ch, k2, k1) \
	if (i + 1 < n && s[i + 1] == (ch)) { set(t, k2, i, 2); lx->pos++; } \
	else set(t, k1, i, 1)
	switch (c) {
	case '(': set(t, T_LPAREN, i, 1); return;
	case ')': set(t, T_RPAREN, i, 1); return;
	case '{': set(t, T_LBRACE, i, 1); return;
	case '}': set(t, T_RBRACE, i, 1); return;
	case ',': set(t, T_COMMA, i, 1); return;
	case '+': set(t, T_PLUS, i, 1); return;
	case '-': set(t, T_MINUS, i, 1); return;
	case '*': set(t, T_STAR, i, 1); return;
	case '/': set(t, T_SLASH, i, 1); return;
	case '%': set(t, T_PERCENT, i, 1); return;
	case '#':
		/* The layer operator: ip.src#2 or ip.src#[1-2], glued. */
		set(t, T_HASH, i, 1);
		if (i + 1 < n && g_ascii_isdigit(s[i + 1])) {
			for (l = i + 1; l < n && g_ascii_isdigit(s[l]); l++)
				;
			t->s = arena_strndup(lx->arena, s + i + 1, l - i - 1);
			lx->pos = l;
		} else if (i + 1 >= n)
			lex_error(lx, t, -1, 0, "Unexpected end of filter "
			    "expression.");
		else if (s[i + 1] != '[')
			lex_error(lx, t, (int)i + 1, 1, "Expected digit or \"[\", "
			    "not \"%c\"", s[i + 1]);
		return;
	case '[':
		set(t, T_LBRACKET, i, 1);
		lx->bracket = 1;
		return;
	case '=':
		if (i + 2 < n && s[i + 1] == '=' && s[i + 2] == '=') {
			set(t, T_ALL_EQ, i, 3);
			lx->pos += 2;
		} else {
			TWO('=', T_EQ, T_OTHER);
		}
		return;
	case '!':
		if (i + 2 < n && s[i + 1] == '=' && s[i + 2] == '=') {
			set(t, T_ANY_NE, i, 3);
			lx->pos += 2;
		} else {
			TWO('=', T_NE, T_NOT);
		}
		return;
	case '>': TWO('=', T_GE, T_GT); return;
	case '<': TWO('=', T_LE, T_LT); return;
	case '~': TWO('=', T_ANY_NE, T_MATCHES); return;
	case '&': TWO('&', T_AND, T_BITAND); return;
	case '|': TWO('|', T_OR, T_OTHER); return;
	case '"':
		lex_string(lx, t, i, false);
		return;
	case '\'':
		lex_char(lx, t, i);
		return;
	case '.':
		if (i + 1 < n && s[i + 1] == '.') {
			set(t, T_DOTDOT, i, 2);
			lx->pos++;
			return;
		}
		l = word_len(s + i + 1, n - i - 1);
		if (l == 0) {
			set(t, T_OTHER, i, 1);
			return;
		}
		set(t, T_ABSFIELD, i, l + 1);
		t->s = arena_strndup(lx->arena, s + i + 1, l);
		lx->pos = i + 1 + l;
		return;
	case ':':
		l = colon_literal_len(s + i + 1, n - i - 1);
		if (lit_ipv6_prefix(s + i, n - i) >= l + 1)
			break;		/* "::1" is an address */
		if (l == 0) {
			set(t, T_OTHER, i, 1);
			return;
		}
		set(t, T_COLONLIT, i, l + 1);
		t->s = arena_strndup(lx->arena, s + i, l + 1);
		lx->pos = i + 1 + l;
		return;
	case '$':
		if (i + 1 < n && s[i + 1] == '{') {
			for (l = i + 2; l < n && s[l] != '}'; l++)
				;
			if (l < n) {
				set(t, T_REF, i, l + 1 - i);
				t->s = arena_strndup(lx->arena, s + i + 2,
				    l - i - 2);
				lx->pos = l + 1;
				return;
			}
		}
		set(t, T_OTHER, i, 1);
		return;
	default:
		break;
	}
#undef TWO
	if ((c == 'r' || c == 'R') && i + 1 < n && s[i + 1] == '"') {
		lex_string(lx, t, i, true);
		return;
	}
	if (c >= 0x80 || c < 0x20 || c == 0x7f) {
		lex_error(lx, t, (int)i, 1, "Non-printable ASCII characters "
		    "may only appear inside double-quotes.");
		return;
	}
	l = literal_len(s + i, n - i, &is_word);
	if (l == 0) {
		set(t, T_OTHER, i, 1);
		return;
	}
	set(t, T_WORD, i, l);
	lx->pos = i + l;
	if (is_word) {
		size_t k;

		for (k = 0; k < G_N_ELEMENTS(keywords); k++)
			if (strlen(keywords[k].word) == l &&
			    memcmp(keywords[k].word, s + i, l) == 0) {
				t->kind = keywords[k].tok;
				return;
			}
	}
	t->s = arena_strndup(lx->arena, s + i, l);
}
