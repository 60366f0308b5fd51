/*
 * The display-filter parser: recursive descent over Wireshark 4.0's
 * grammar, from loosest to tightest binding:
 *
 *   expr   := and { ("or" | "||") and }
 *   and    := unary { ("and" | "&&") unary }
 *   unary  := ("not" | "!") unary | "(" expr ")" | test
 *   test   := ["any" | "all"] arith
 *             [ relop arith { relop arith }        chained: a < b < c
 *             | ("contains" | "matches" | "~") arith
 *             | ["not" | "!"] "in" set ]
 *   arith  := sum { ("&" | "bitwise_and") sum }
 *   sum    := term { ("+" | "-") term }
 *   term   := neg { ("*" | "/" | "%") neg }
 *   neg    := "-" neg | postfix
 *   postfix:= atom { "[" range { "," range } "]" }
 *   atom   := word [ "(" [ arith { "," arith } ] ")" ] | .field | :literal
 *             | "string" | 'c' | ${field} | "{" arith "}"
 *   set    := "{" elem { "," elem } "}"      elem := neg [ ".." neg ]
 *
 * "and" binds tighter than "or", as tshark 4.0 parses them; parentheses
 * group tests, braces group arithmetic.  And and or chains are kept flat,
 * and nesting (parentheses, not, braces, calls, slices, operators) is
 * capped at DFILTER_DEPTH_MAX so that no input recurses deeply later.
 * Nothing is typed here: a word may yet be a field or a literal.
 */
#include <string.h>

#include "dfilter_int.h"

static struct token *
peek(struct dfc *c, int k)
{
	while (c->nla <= k)
		lex_next(&c->lex, &c->la[c->nla++]);
	return (&c->la[k]);
}

static struct token
take(struct dfc *c)
{
	struct token t = *peek(c, 0);

	memmove(&c->la[0], &c->la[1], sizeof(c->la[0]) * (size_t)(c->nla - 1));
	c->nla--;
	return (t);
}

static void *
unexpected(struct dfc *c, const struct token *t)
{
	if (t->kind == T_ERROR)
		return (dfc_error(c, t->col, t->len, "%s", t->s));
	if (t->kind == T_END)
		return (dfc_error(c, -1, 0,
		    "Unexpected end of filter expression."));
	return (dfc_error(c, t->col, t->len,
	    "\"%.*s\" was unexpected in this context.", t->len,
	    c->text + t->col));
}

static struct dnode *
mk(struct dfc *c, enum dn kind, int col, int len)
{
	struct dnode *n = df_alloc(&c->syn, sizeof(*n));

	n->kind = kind;
	n->col = col;
	n->len = len;
	n->height = 1;
	return (n);
}

static void
set_kids(struct dfc *c, struct dnode *n, GPtrArray *a)
{
	guint i;

	n->nkids = (int)a->len;
	n->kids = df_alloc(&c->syn, sizeof(*n->kids) * (a->len + 1));
	for (i = 0; i < a->len; i++) {
		n->kids[i] = a->pdata[i];
		if (n->kids[i]->height + 1 > n->height)
			n->height = n->kids[i]->height + 1;
	}
}

static struct dnode *
mk2(struct dfc *c, enum dn kind, int col, int len, struct dnode *a,
    struct dnode *b)
{
	struct dnode *n = mk(c, kind, col, len);

	n->nkids = b != NULL ? 2 : 1;
	n->kids = df_alloc(&c->syn, sizeof(*n->kids) * 2);
	n->kids[0] = a;
	n->kids[1] = b;
	n->height = 1 + MAX(a->height, b != NULL ? b->height : 0);
	return (n);
}

static bool
too_deep(struct dfc *c, int height, const struct token *t)
{
	if (height <= DFILTER_DEPTH_MAX && c->depth <= DFILTER_DEPTH_MAX)
		return (false);
	dfc_error(c, t->col, t->len, "Filter is nested too deeply (more "
	    "than %d levels).", DFILTER_DEPTH_MAX);
	return (true);
}

/* Where a span ends, for nodes that cover several tokens. */
static int
span_end(const struct dnode *n)
{
	return (n->col + n->len);
}

static struct dnode *p_expr(struct dfc *);
static struct dnode *p_arith(struct dfc *);

/* A signed 32-bit number as a slice bound: 0 ok, -1 bad, -2 overflow. */
static int
range_num(const char *s, size_t n, int32_t *out)
{
	char buf[32];
	uint64_t u;
	char *m = NULL;
	bool neg;

	while (n > 0 && g_ascii_isspace(*s)) {
		s++;
		n--;
	}
	while (n > 0 && g_ascii_isspace(s[n - 1]))
		n--;
	if (n > 1 && s[0] == '+') {
		s++;
		n--;
	}
	neg = n > 0 && s[0] == '-';
	if (n == 0 || n - neg >= sizeof(buf))
		return (n == 0 ? -1 : -2);
	memcpy(buf, s + neg, n - neg);
	buf[n - neg] = '\0';
	if (!lit_uint(buf, (uint64_t)INT32_MAX + neg, &u, &m)) {
		bool over = strstr(m, "too big") != NULL ||
		    strstr(m, "overflow") != NULL;

		g_free(m);
		return (over ? -2 : -1);
	}
	*out = neg ? (int32_t)(0 - (int64_t)u) : (int32_t)u;
	return (0);
}

/* One range of a slice, with tshark's messages. */
static bool
p_range(struct dfc *c, const struct token *t, struct drange *r)
{
	const char *s = t->s, *colon = strchr(s, ':'), *dash;
	size_t n = strlen(s);
	int32_t a = 0, b = 0;
	int ra, rb;

	if (colon != NULL) {
		if (strchr(colon + 1, ':') != NULL)
			goto bad_range;
		ra = colon == s ? 0 : range_num(s, (size_t)(colon - s), &a);
		if (ra == -2)
			goto overflow;
		if (ra != 0)
			goto bad_range;
		r->start = a;
		if (s + n == colon + 1 || strspn(colon + 1, " \t") ==
		    strlen(colon + 1)) {
			r->len = -1;
			return (true);
		}
		if (range_num(colon + 1, strlen(colon + 1), &b) != 0)
			goto bad_range;
		if (b <= 0) {
			dfc_error(c, t->col, t->len, "Range %s isn't valid "
			    "because length %d isn't positive", s, b);
			return (false);
		}
		r->len = b;
		return (true);
	}
	dash = n > 1 ? strchr(s + 1, '-') : NULL;
	if (dash != NULL) {
		ra = range_num(s, (size_t)(dash - s), &a);
		rb = range_num(dash + 1, strlen(dash + 1), &b);
		if (ra == -2 || rb == -2)
			goto overflow;
		if (ra != 0 || rb != 0)
			goto bad_range;
		if ((a < 0) != (b < 0)) {
			dfc_error(c, t->col, t->len, "Range %s isn't valid "
			    "because %d and %d have different signs", s, a, b);
			return (false);
		}
		if (a >= b) {
			dfc_error(c, t->col, t->len, "Range %s isn't valid "
			    "because %d is greater or equal than %d", s, a, b);
			return (false);
		}
		r->start = a;
		r->len = (int64_t)b - a + 1;
		return (true);
	}
	ra = range_num(s, n, &a);
	if (ra == -2)
		goto overflow;
	if (ra != 0) {
		dfc_error(c, t->col, t->len, "\"%s\" is not a valid number.", s);
		return (false);
	}
	r->start = a;
	r->len = 1;
	return (true);
bad_range:
	dfc_error(c, t->col, t->len, "\"%s\" is not a valid range.", s);
	return (false);
overflow:
	dfc_error(c, t->col, t->len, "\"%s\" causes an integer overflow.", s);
	return (false);
}

/* "[" range { "," range } "]": the ranges, or NULL. */
static struct drange *
p_ranges(struct dfc *c, int *nranges, struct token *close)
{
	GArray *ranges = g_array_new(false, false, sizeof(struct drange));
	struct drange r, *out = NULL;
	struct token t;

	take(c);		/* [ */
	for (;;) {
		t = take(c);
		if (t.kind != T_RANGE) {
			unexpected(c, &t);
			goto out;
		}
		if (!p_range(c, &t, &r))
			goto out;
		g_array_append_val(ranges, r);
		t = take(c);
		if (t.kind == T_RBRACKET)
			break;
		if (t.kind != T_COMMA) {
			unexpected(c, &t);
			goto out;
		}
	}
	*close = t;
	*nranges = (int)ranges->len;
	out = df_memdup(&c->syn, ranges->data,
	    sizeof(struct drange) * ranges->len);
out:
	g_array_free(ranges, true);
	return (out);
}

/* "[" range { "," range } "]" after x. */
static struct dnode *
p_slice(struct dfc *c, struct dnode *x)
{
	struct token open = *peek(c, 0), close;
	struct drange *ranges;
	struct dnode *n;
	int nranges;

	if ((ranges = p_ranges(c, &nranges, &close)) == NULL)
		return (NULL);
	n = mk2(c, S_SLICE, x->col, close.col + 1 - x->col, x, NULL);
	n->nranges = nranges;
	n->ranges = ranges;
	if (too_deep(c, n->height, &open))
		return (NULL);
	return (n);
}

/* The layer operator after a field name: #N or #[ranges]. */
static struct dnode *
p_layer(struct dfc *c, struct dnode *x)
{
	struct token hash = take(c), close;

	if ((x->kind != S_WORD && x->kind != S_ABSFIELD) || x->layers != NULL)
		return (unexpected(c, &hash));
	if (hash.s != NULL) {
		uint64_t v = 0;
		const char *p;

		for (p = hash.s; *p != '\0' && v < INT32_MAX; p++)
			v = v * 10 + (uint64_t)(*p - '0');
		x->layers = df_alloc(&c->syn, sizeof(*x->layers));
		x->layers->start = (int64_t)MIN(v, INT32_MAX);
		x->layers->len = 1;
		x->nlayers = 1;
	} else if (peek(c, 0)->kind != T_LBRACKET)
		return (unexpected(c, peek(c, 0)));
	else if ((x->layers = p_ranges(c, &x->nlayers, &close)) == NULL)
		return (NULL);
	return (x);
}

/* A function's arguments, after "name(". */
static struct dnode *
p_call(struct dfc *c, const struct token *name)
{
	GPtrArray *args = g_ptr_array_new();
	struct dnode *n = NULL, *a;
	struct token t;

	take(c);		/* ( */
	if (++c->depth > DFILTER_DEPTH_MAX) {
		too_deep(c, 0, name);
		goto out;
	}
	if (peek(c, 0)->kind != T_RPAREN)
		for (;;) {
			if ((a = p_arith(c)) == NULL)
				goto out;
			g_ptr_array_add(args, a);
			if (peek(c, 0)->kind != T_COMMA)
				break;
			take(c);
		}
	t = take(c);
	if (t.kind != T_RPAREN) {
		unexpected(c, &t);
		goto out;
	}
	n = mk(c, S_FUNC, name->col, name->len);
	n->text = name->s;
	set_kids(c, n, args);
	c->depth--;
out:
	g_ptr_array_free(args, true);
	return (n);
}

static struct dnode *
p_atom(struct dfc *c)
{
	struct token t = take(c), *tp;
	struct dnode *n;

	switch (t.kind) {
	case T_WORD:
		if (peek(c, 0)->kind == T_LPAREN)
			return (p_call(c, &t));
		n = mk(c, S_WORD, t.col, t.len);
		n->text = t.s;
		return (n);
	case T_ABSFIELD:
	case T_COLONLIT:
	case T_STRING:
	case T_CHAR:
	case T_REF:
		n = mk(c, t.kind == T_ABSFIELD ? S_ABSFIELD :
		    t.kind == T_COLONLIT ? S_COLONLIT :
		    t.kind == T_STRING ? S_STRING :
		    t.kind == T_CHAR ? S_CHAR : S_REF, t.col, t.len);
		n->text = t.s;
		n->textlen = t.slen;
		tp = df_memdup(&c->syn, &t, sizeof(t));
		n->tok = tp;
		return (n);
	case T_LBRACE:
		if (++c->depth > DFILTER_DEPTH_MAX) {
			too_deep(c, 0, &t);
			return (NULL);
		}
		if ((n = p_arith(c)) == NULL)
			return (NULL);
		t = take(c);
		if (t.kind != T_RBRACE)
			return (unexpected(c, &t));
		c->depth--;
		return (n);
	default:
		return (unexpected(c, &t));
	}
}

static struct dnode *
p_postfix(struct dfc *c)
{
	struct dnode *n = p_atom(c);
	struct token *t;

	while (n != NULL) {
		t = peek(c, 0);
		if (t->kind == T_LBRACKET)
			n = p_slice(c, n);
		else if (t->kind == T_HASH)
			n = p_layer(c, n);
		else
			break;
	}
	return (n);
}

static struct dnode *
p_neg(struct dfc *c)
{
	struct token t;
	struct dnode *x, *n;

	if (peek(c, 0)->kind != T_MINUS)
		return (p_postfix(c));
	t = take(c);
	if (++c->depth > DFILTER_DEPTH_MAX) {
		too_deep(c, 0, &t);
		return (NULL);
	}
	if ((x = p_neg(c)) == NULL)
		return (NULL);
	c->depth--;
	n = mk2(c, S_NEG, t.col, 1, x, NULL);
	n->op = T_MINUS;
	return (n);
}

/* One level of left-associative binary operators. */
static struct dnode *
p_binary(struct dfc *c, struct dnode *(*sub)(struct dfc *), const enum tok *ops,
    int nops)
{
	struct dnode *l = sub(c), *r, *n;
	struct token t;
	int i;

	while (l != NULL) {
		t = *peek(c, 0);
		for (i = 0; i < nops && t.kind != ops[i]; i++)
			;
		if (i == nops)
			break;
		take(c);
		if ((r = sub(c)) == NULL)
			return (NULL);
		n = mk2(c, S_ARITH, l->col, span_end(r) - l->col, l, r);
		n->op = t.kind;
		if (too_deep(c, n->height, &t))
			return (NULL);
		l = n;
	}
	return (l);
}

static struct dnode *
p_term(struct dfc *c)
{
	static const enum tok ops[] = { T_STAR, T_SLASH, T_PERCENT };

	return (p_binary(c, p_neg, ops, 3));
}

static struct dnode *
p_sum(struct dfc *c)
{
	static const enum tok ops[] = { T_PLUS, T_MINUS };

	return (p_binary(c, p_term, ops, 2));
}

static struct dnode *
p_arith(struct dfc *c)
{
	static const enum tok ops[] = { T_BITAND };

	return (p_binary(c, p_sum, ops, 1));
}

static bool
is_relop(enum tok k)
{
	return (k == T_EQ || k == T_NE || k == T_ALL_EQ || k == T_ANY_NE ||
	    k == T_GT || k == T_GE || k == T_LT || k == T_LE);
}

static struct dnode *
p_set(struct dfc *c)
{
	GPtrArray *elems = g_ptr_array_new();
	struct dnode *n = NULL, *lo, *hi;
	struct token t = take(c), open = t;

	if (t.kind != T_LBRACE) {
		unexpected(c, &t);
		goto out;
	}
	for (;;) {
		/* Members are values, not sums: "{50 + 3}" is refused. */
		if ((lo = p_neg(c)) == NULL)
			goto out;
		if (peek(c, 0)->kind == T_DOTDOT) {
			t = take(c);
			if ((hi = p_neg(c)) == NULL)
				goto out;
			lo = mk2(c, S_RANGE, lo->col, span_end(hi) - lo->col,
			    lo, hi);
		}
		g_ptr_array_add(elems, lo);
		t = take(c);
		if (t.kind == T_RBRACE)
			break;
		if (t.kind != T_COMMA) {
			unexpected(c, &t);
			goto out;
		}
	}
	n = mk(c, S_SET, open.col, t.col + 1 - open.col);
	set_kids(c, n, elems);
out:
	g_ptr_array_free(elems, true);
	return (n);
}

static struct dnode *
p_test(struct dfc *c)
{
	struct token q = *peek(c, 0), t;
	int quant = 0;
	struct dnode *x, *y, *n;
	GPtrArray *chain;
	GArray *ops, *cols, *lens;

	if (q.kind == T_ANY || q.kind == T_ALL) {
		quant = q.kind;
		take(c);
	}
	if ((x = p_arith(c)) == NULL)
		return (NULL);
	t = *peek(c, 0);
	if (is_relop(t.kind)) {
		chain = g_ptr_array_new();
		ops = g_array_new(false, false, sizeof(int));
		cols = g_array_new(false, false, sizeof(int));
		lens = g_array_new(false, false, sizeof(int));
		g_ptr_array_add(chain, x);
		n = NULL;
		while (is_relop((t = *peek(c, 0)).kind)) {
			take(c);
			if ((y = p_arith(c)) == NULL)
				goto chain_out;
			g_ptr_array_add(chain, y);
			g_array_append_val(ops, t.kind);
			g_array_append_val(cols, t.col);
			g_array_append_val(lens, t.len);
		}
		n = mk(c, S_REL, x->col, 0);
		set_kids(c, n, chain);
		n->quant = quant;
		n->ops = df_memdup(&c->syn, ops->data, sizeof(int) * ops->len);
		/* The operators' places, then their lengths. */
		n->opcols = df_alloc(&c->syn, sizeof(int) * 2 * ops->len);
		memcpy(n->opcols, cols->data, sizeof(int) * cols->len);
		memcpy(n->opcols + ops->len, lens->data, sizeof(int) *
		    lens->len);
chain_out:
		g_ptr_array_free(chain, true);
		g_array_free(ops, true);
		g_array_free(cols, true);
		g_array_free(lens, true);
		return (n);
	}
	if (t.kind == T_CONTAINS || t.kind == T_MATCHES) {
		take(c);
		if ((y = p_arith(c)) == NULL)
			return (NULL);
		n = mk2(c, t.kind == T_CONTAINS ? S_CONTAINS : S_MATCHES,
		    t.col, t.len, x, y);
		n->op = t.kind;
		n->quant = quant;
		return (n);
	}
	if (t.kind == T_IN || t.kind == T_NOT) {
		bool neg = t.kind == T_NOT;

		take(c);
		if (neg) {
			t = take(c);
			if (t.kind != T_IN)
				return (unexpected(c, &t));
		}
		if ((y = p_set(c)) == NULL)
			return (NULL);
		n = mk2(c, S_IN, t.col, t.len, x, y);
		n->negate = neg;
		n->quant = quant;
		return (n);
	}
	if (quant != 0)
		return (unexpected(c, &t));
	return (mk2(c, S_EXISTS, x->col, x->len, x, NULL));
}

static struct dnode *
p_unary(struct dfc *c)
{
	struct token t = *peek(c, 0);
	struct dnode *x, *n;

	if (t.kind == T_NOT || t.kind == T_LPAREN) {
		take(c);
		if (++c->depth > DFILTER_DEPTH_MAX) {
			too_deep(c, 0, &t);
			return (NULL);
		}
		if (t.kind == T_NOT) {
			if ((x = p_unary(c)) == NULL)
				return (NULL);
			n = mk2(c, E_NOT, t.col, t.len, x, NULL);
		} else {
			if ((n = p_expr(c)) == NULL)
				return (NULL);
			t = take(c);
			if (t.kind != T_RPAREN)
				return (unexpected(c, &t));
		}
		c->depth--;
		return (n);
	}
	return (p_test(c));
}

/* A flat chain of one logical operator. */
static struct dnode *
p_chain(struct dfc *c, struct dnode *(*sub)(struct dfc *), enum tok op,
    enum dn kind)
{
	GPtrArray *kids;
	struct dnode *x, *n = NULL;

	if ((x = sub(c)) == NULL || peek(c, 0)->kind != op)
		return (x);
	kids = g_ptr_array_new();
	g_ptr_array_add(kids, x);
	while (peek(c, 0)->kind == op) {
		take(c);
		if ((x = sub(c)) == NULL)
			goto out;
		g_ptr_array_add(kids, x);
	}
	n = mk(c, kind, ((struct dnode *)kids->pdata[0])->col, 0);
	set_kids(c, n, kids);
out:
	g_ptr_array_free(kids, true);
	return (n);
}

static struct dnode *
p_and(struct dfc *c)
{
	return (p_chain(c, p_unary, T_AND, E_AND));
}

static struct dnode *
p_expr(struct dfc *c)
{
	return (p_chain(c, p_and, T_OR, E_OR));
}

struct dnode *
df_parse(struct dfc *c)
{
	struct dnode *n = p_expr(c);
	struct token t;

	if (n == NULL)
		return (NULL);
	t = take(c);
	if (t.kind != T_END)
		return (unexpected(c, &t));
	return (n);
}
