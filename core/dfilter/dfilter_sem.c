/*
 * The semantic pass: the syntax tree becomes the evaluation tree.
 *
 * Words are resolved to fields or protocols; every literal is converted,
 * once, to the type of what it is compared with (so "10.0.0.0/8" is an
 * IPv4 network next to ip.addr and a string next to string(ip.src));
 * types are checked with Wireshark 4.0's rules and its messages; constant
 * arithmetic is folded; regular expressions are compiled.  Checks run in
 * the order tshark runs them, so that a filter with two mistakes gets the
 * same complaint.
 */
#include <string.h>

#include "dfilter_int.h"
#include "proto.h"


struct want {
	enum ftype	 type;		/* what literals become */
	bool		 bytes;		/* a slice: literals are bytes */
	bool		 partial;	/* contains: part of an address */
	const char	*fname;		/* named in boolean messages */
};

static struct dnode *sem_value(struct dfc *, const struct dnode *,
	    const struct want *, const char *lhs_op);
static struct dnode *settle(struct dnode *);

static struct dnode *
enew(struct dfc *c, enum dn kind, const struct dnode *from)
{
	struct dnode *n = df_alloc(c->out, sizeof(*n));

	n->kind = kind;
	if (from != NULL) {
		n->col = from->col;
		n->len = from->len;
	}
	return (n);
}

static struct dnode **
kids_new(struct dfc *c, int n)
{
	return (df_alloc(c->out, sizeof(struct dnode *) * (size_t)(n + 1)));
}

/* The text of a span, for messages. */
static const char *
src(struct dfc *c, int col, int len)
{
	char *p = df_alloc(&c->syn, (size_t)len + 1);

	memcpy(p, c->text + col, (size_t)len);
	return (p);
}

static bool
is_integer(enum ftype t)
{
	return (t == FT_UINT8 || t == FT_UINT16 || t == FT_UINT24 ||
	    t == FT_UINT32 || t == FT_UINT64 || t == FT_INT32);
}

static bool
is_sliceable(enum ftype t)
{
	return (t == FT_BYTES || t == FT_ETHER || t == FT_IPv4 ||
	    t == FT_IPv6 || t == FT_PROTOCOL || t == FT_STRING);
}

static uint64_t
type_max(enum ftype t)
{
	switch (t) {
	case FT_UINT8:	return (UINT8_MAX);
	case FT_UINT16:	return (UINT16_MAX);
	case FT_UINT24:	return (0xffffff);
	case FT_UINT32:	return (UINT32_MAX);
	default:	return (UINT64_MAX);
	}
}

/* Which operators a type takes (Wireshark 4.0's ftypes). */
static bool
type_takes(enum ftype t, int op)
{
	switch (op) {
	case T_BITAND:
		return (is_integer(t) || t == FT_BYTES || t == FT_ETHER ||
		    t == FT_IPv4 || t == FT_IPv6);
	case T_PLUS:
	case T_MINUS:
		return (is_integer(t) || t == FT_RELATIVE_TIME ||
		    t == FT_DOUBLE);
	case T_STAR:
	case T_SLASH:
		return (is_integer(t) || t == FT_DOUBLE);
	case T_PERCENT:
		return (is_integer(t));
	}
	return (false);
}

static const char *
op_text(int op)
{
	switch (op) {
	case T_BITAND:	return ("&");
	case T_PLUS:	return ("+");
	case T_MINUS:	return ("-");
	case T_STAR:	return ("*");
	case T_SLASH:	return ("/");
	case T_PERCENT:	return ("%");
	}
	return ("?");
}

/* The name of a value in messages: a field's, else its text. */
static const char *
vname(struct dfc *c, const struct dnode *e)
{
	if (e->kind == E_FIELD || e->kind == E_PROTO)
		return (field_get(e->id)->name);
	return (src(c, e->col, e->len));
}

static void
prime(struct dfc *c, int id)
{
	g_array_append_val(c->fields, id);
}

static struct dnode *
mk_field(struct dfc *c, const struct dnode *syn, int id)
{
	const struct field_info *fi = field_get(id);
	struct dnode *n;

	n = enew(c, fi->type == FT_PROTOCOL ? E_PROTO : E_FIELD, syn);
	n->id = id;
	n->type = fi->type;
	if (syn->layers != NULL) {
		n->layers = df_memdup(c->out, syn->layers,
		    sizeof(struct drange) * (size_t)syn->nlayers);
		n->nlayers = syn->nlayers;
		n->owner = fi->proto;
	}
	if (fi->type == FT_PROTOCOL)
		n->frame = strcmp(fi->name, "frame") == 0;
	else
		prime(c, id);
	return (n);
}

static struct dnode *
mk_const(struct dfc *c, const struct dnode *syn, enum ftype type,
    enum dv_kind kind)
{
	struct dnode *n = enew(c, E_CONST, syn);

	n->type = type;
	n->is_const = true;
	n->cval.kind = (uint8_t)kind;
	return (n);
}

static struct dnode *
mk_const_bytes(struct dfc *c, const struct dnode *syn, enum ftype type,
    enum dv_kind kind, const void *p, size_t len)
{
	struct dnode *n = mk_const(c, syn, type, kind);

	n->buf = df_memdup(c->out, p, len);
	n->cval.v.p = n->buf;
	n->cval.len = n->cval.clen = (uint32_t)len;
	return (n);
}

/* The literal's text as written (words, :literals). */
static const char *
lit_text(const struct dnode *syn)
{
	return (syn->text);
}

static const char *
unquoted(struct dfc *c, const struct dnode *syn)
{
	char *p = df_alloc(&c->syn, syn->textlen + 1);

	memcpy(p, syn->text, syn->textlen);
	return (p);
}

static void *
lit_fail(struct dfc *c, const struct dnode *syn, char *msg)
{
	dfc_error(c, syn->col, syn->len, "%s", msg);
	g_free(msg);
	return (NULL);
}

/* A boolean from a word: a number (non-zero is true) or True/False. */
static bool
lit_bool(const char *s, uint64_t *v)
{
	char *m = NULL;

	if (strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
		*v = 1;
		return (true);
	}
	if (strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
		*v = 0;
		return (true);
	}
	if (!lit_uint(s, UINT64_MAX, v, &m)) {
		g_free(m);
		return (false);
	}
	*v = *v != 0;
	return (true);
}

/* A literal (word, :literal, "string" or 'c') as a value of w's type. */
static struct dnode *
convert(struct dfc *c, const struct dnode *syn, const struct want *w)
{
	bool str = syn->kind == S_STRING, chr = syn->kind == S_CHAR;
	const char *s = str || chr ? NULL : lit_text(syn);
	enum ftype t = w->bytes ? FT_BYTES : w->type;
	struct dnode *n;
	char *msg = NULL;
	uint8_t a[16], *b;
	uint64_t u;
	int64_t i;
	size_t len;
	int plen;
	double d;

	if (str && t != FT_BYTES && t != FT_PROTOCOL && t != FT_STRING &&
	    t != FT_BOOLEAN)
		return (dfc_error(c, syn->col, syn->len, "%s cannot be "
		    "converted from a string (\"%s\").", ftype_name(t),
		    unquoted(c, syn)));
	switch (t) {
	case FT_BYTES:
	case FT_PROTOCOL:
		if (str)
			return (mk_const_bytes(c, syn, FT_BYTES, DV_BYTES,
			    syn->text, syn->textlen));
		if (chr) {
			a[0] = (uint8_t)syn->tok->c;
			return (mk_const_bytes(c, syn, FT_BYTES, DV_BYTES, a,
			    1));
		}
		if (!lit_bytes(s, &b, &len, &msg))
			return (lit_fail(c, syn, msg));
		n = mk_const_bytes(c, syn, FT_BYTES, DV_BYTES, b, len);
		g_free(b);
		return (n);
	case FT_STRING:
		if (str)
			return (mk_const_bytes(c, syn, FT_STRING, DV_STR,
			    syn->text, syn->textlen));
		if (chr) {
			a[0] = (uint8_t)syn->tok->c;
			return (mk_const_bytes(c, syn, FT_STRING, DV_STR, a,
			    1));
		}
		return (mk_const_bytes(c, syn, FT_STRING, DV_STR, s,
		    strlen(s)));
	case FT_ETHER:
		if (w->partial && !chr && !str) {
			if (!lit_bytes(s, &b, &len, &msg))
				return (lit_fail(c, syn, msg));
			n = mk_const_bytes(c, syn, FT_BYTES, DV_BYTES, b, len);
			g_free(b);
			return (n);
		}
		if (chr)
			return (dfc_error(c, syn->col, syn->len, "\"%s\" is not "
			    "a valid Ethernet address.", src(c, syn->col,
			    syn->len)));
		if (!lit_ether(s, a, &msg))
			return (lit_fail(c, syn, msg));
		return (mk_const_bytes(c, syn, t, DV_BYTES, a, 6));
	case FT_IPv4:
		if (chr || !lit_ipv4(s, a, &plen, &msg))
			return (chr ? dfc_error(c, syn->col, syn->len, "\"%s\" is "
			    "not a valid hostname or IPv4 address.",
			    src(c, syn->col, syn->len)) : lit_fail(c, syn, msg));
		n = mk_const_bytes(c, syn, t, DV_IPV4, a, 4);
		n->cval.plen = (uint8_t)plen;
		return (n);
	case FT_IPv6:
		if (chr || !lit_ipv6(s, a, &plen, &msg))
			return (chr ? dfc_error(c, syn->col, syn->len, "\"%s\" is "
			    "not a valid hostname or IPv6 address.",
			    src(c, syn->col, syn->len)) : lit_fail(c, syn, msg));
		n = mk_const_bytes(c, syn, t, DV_IPV6, a, 16);
		n->cval.plen = (uint8_t)plen;
		return (n);
	case FT_BOOLEAN:
		if (chr)
			u = syn->tok->c != 0;
		else if (str || !lit_bool(s, &u))
			return (dfc_error(c, syn->col, syn->len, "\"%s\" cannot be "
			    "found among the possible values for %s.",
			    str ? unquoted(c, syn) : s, w->fname));
		n = mk_const(c, syn, t, DV_UINT);
		n->cval.v.u = u;
		return (n);
	case FT_RELATIVE_TIME:
		if (chr)
			i = (int64_t)syn->tok->c * 1000000000;
		else if (!lit_time(s, &i, &msg))
			return (lit_fail(c, syn, msg));
		n = mk_const(c, syn, t, DV_TIME);
		n->cval.v.s = i;
		return (n);
	case FT_DOUBLE:
		if (chr)
			d = syn->tok->c;
		else if (!lit_double(s, &d, &msg))
			return (lit_fail(c, syn, msg));
		n = mk_const(c, syn, t, DV_DOUBLE);
		n->cval.v.d = d;
		return (n);
	case FT_INT32:
		if (chr)
			i = syn->tok->c;
		else if (!lit_int(s, INT32_MIN, INT32_MAX, &i, &msg))
			return (lit_fail(c, syn, msg));
		n = mk_const(c, syn, t, DV_SINT);
		n->cval.v.s = i;
		return (n);
	case FT_UINT8:
	case FT_UINT16:
	case FT_UINT24:
	case FT_UINT32:
	case FT_UINT64:
		if (chr)
			u = syn->tok->c;
		else if (!lit_uint(s, type_max(t), &u, &msg))
			return (lit_fail(c, syn, msg));
		n = mk_const(c, syn, t, DV_UINT);
		n->cval.v.u = u;
		return (n);
	case FT_NONE:
		break;
	}
	return (dfc_error(c, syn->col, syn->len, "%s cannot be converted "
	    "from \"%s\".", ftype_name(t), src(c, syn->col, syn->len)));
}

static bool
is_literal(const struct dnode *syn)
{
	return (syn->kind == S_STRING || syn->kind == S_CHAR ||
	    syn->kind == S_COLONLIT ||
	    (syn->kind == S_WORD && field_find(syn->text) < 0));
}

/* The complaint about a literal where a field must be. */
static void *
not_field(struct dfc *c, const struct dnode *syn, const char *lhs_op)
{
	if (syn->kind == S_ABSFIELD)
		return (dfc_error(c, syn->col, syn->len, "\"%s\" is not a valid "
		    "protocol or protocol field.", syn->text));
	if (lhs_op != NULL)
		return (dfc_error(c, syn->col, syn->len, "Left side of \"%s\" "
		    "expression must be a field or function, not %s.", lhs_op,
		    src(c, syn->col, syn->len)));
	return (dfc_error(c, syn->col, syn->len, "%s is neither a field nor a "
	    "protocol name.", src(c, syn->col, syn->len)));
}

static const struct dnode *
leftmost(const struct dnode *syn)
{
	while ((syn->kind == S_ARITH || syn->kind == S_SLICE) &&
	    syn->nkids > 0)
		syn = syn->kids[0];
	return (syn);
}

/* A field name (word or .name); -1 and a message otherwise. */
static int
field_of(struct dfc *c, const struct dnode *syn, const char *lhs_op)
{
	int id = -1;

	if (syn->kind == S_WORD || syn->kind == S_ABSFIELD)
		id = field_find(syn->text);
	if (id < 0)
		not_field(c, syn, lhs_op);
	return (id);
}

static struct dnode *
sem_slice(struct dfc *c, const struct dnode *syn, const char *lhs_op)
{
	const struct dnode *xs = syn->kids[0];
	struct dnode *x, *n;
	int64_t total = 0;
	int i;

	if ((x = sem_value(c, xs, NULL, lhs_op)) == NULL)
		return (NULL);
	if (!x->slice && !is_sliceable(x->type))
		return (dfc_error(c, xs->col, xs->len, "\"%s\" is a %s and "
		    "cannot be sliced into a sequence of bytes.", vname(c, x),
		    ftype_name(x->type)));
	x->as_bytes = true;
	n = enew(c, E_SLICE, syn);
	n->kids = kids_new(c, 1);
	n->kids[0] = x;
	n->nkids = 1;
	n->type = FT_BYTES;
	n->slice = true;
	n->nranges = syn->nranges;
	n->ranges = df_memdup(c->out, syn->ranges,
	    sizeof(struct drange) * (size_t)syn->nranges);
	if (n->nranges > 1) {
		/* Several ranges are joined in a buffer on the stack. */
		for (i = 0; i < n->nranges; i++) {
			const struct drange *r = &n->ranges[i];

			if (r->len >= 0)
				total += r->len;
			else if (r->start < 0)
				total += -r->start;
			else
				total += SLICE_MULTI_MAX + 1;
		}
		if (total > SLICE_MULTI_MAX)
			return (dfc_error(c, syn->col, syn->len, "A slice with "
			    "several ranges may be at most %d bytes long in "
			    "taptop; this one may be longer.",
			    SLICE_MULTI_MAX));
		n->slicemax = (uint32_t)total;
	}
	return (n);
}

enum fn { FN_LEN, FN_COUNT, FN_STRING, FN_UPPER, FN_LOWER, FN_MAX, FN_MIN,
	FN_ABS };

static const struct {
	const char	*name;
	enum fn		 fn;
	enum dn		 kind;
	int		 maxargs;	/* -1: any number */
} functions[] = {
	{ "len", FN_LEN, E_LEN, 1 },
	{ "count", FN_COUNT, E_COUNT, 1 },
	{ "string", FN_STRING, E_STRING, 1 },
	{ "upper", FN_UPPER, E_UPPER, 1 },
	{ "lower", FN_LOWER, E_LOWER, 1 },
	{ "max", FN_MAX, E_MAX, -1 },
	{ "min", FN_MIN, E_MIN, -1 },
	{ "abs", FN_ABS, E_ABS, 1 },
};

/* An argument that must be a field or protocol, with the function's
 * complaint otherwise (tshark gives a slice's no place). */
static struct dnode *
fn_field_arg(struct dfc *c, const struct dnode *a, const char *fname)
{
	int id;

	if ((a->kind == S_WORD && field_find(a->text) >= 0) ||
	    a->kind == S_ABSFIELD) {
		if ((id = field_of(c, a, NULL)) < 0)
			return (NULL);
		return (mk_field(c, a, id));
	}
	if (a->kind == S_SLICE)
		return (dfc_error(c, -1, 0, "Only fields can be used as "
		    "parameter for %s()", fname));
	return (dfc_error(c, a->col, a->len, "Only fields can be used as "
	    "parameter for %s()", fname));
}

static struct dnode *
sem_func(struct dfc *c, const struct dnode *syn)
{
	struct dnode *n, *x = NULL;
	struct want w;
	size_t k;
	int i;

	for (k = 0; k < G_N_ELEMENTS(functions); k++)
		if (strcmp(functions[k].name, syn->text) == 0)
			break;
	if (k == G_N_ELEMENTS(functions))
		return (dfc_error(c, syn->col, syn->len, "Function '%s' does not "
		    "exist", syn->text));
	if (syn->nkids < 1)
		return (dfc_error(c, syn->col, syn->len, "Function %s needs at "
		    "least 1 arguments.", syn->text));
	if (functions[k].maxargs >= 0 && syn->nkids > functions[k].maxargs)
		return (dfc_error(c, syn->col, syn->len, "Function %s can only "
		    "accept %d arguments.", syn->text, functions[k].maxargs));
	n = enew(c, functions[k].kind, syn);
	n->nkids = syn->nkids;
	n->kids = kids_new(c, syn->nkids);
	switch (functions[k].fn) {
	case FN_LEN:
	case FN_COUNT:
		if ((x = fn_field_arg(c, syn->kids[0], syn->text)) == NULL)
			return (NULL);
		n->type = FT_UINT32;
		break;
	case FN_STRING:
		if ((x = fn_field_arg(c, syn->kids[0], syn->text)) == NULL)
			return (NULL);
		if (!is_integer(x->type) && x->type != FT_IPv4 &&
		    x->type != FT_IPv6 && x->type != FT_ETHER &&
		    x->type != FT_STRING)
			return (dfc_error(c, x->col, x->len, "String conversion "
			    "for field \"%s\" is not supported", vname(c, x)));
		n->type = FT_STRING;
		break;
	case FN_UPPER:
	case FN_LOWER:
		x = NULL;
		if ((syn->kids[0]->kind == S_WORD ||
		    syn->kids[0]->kind == S_ABSFIELD) &&
		    field_find(syn->kids[0]->text) >= 0)
			x = mk_field(c, syn->kids[0],
			    field_find(syn->kids[0]->text));
		if (x == NULL || x->type != FT_STRING)
			return (dfc_error(c, syn->kids[0]->col,
			    syn->kids[0]->len, "Only string type fields can be "
			    "used as parameter for %s()", syn->text));
		n->type = FT_STRING;
		break;
	case FN_ABS:
		if (is_literal(syn->kids[0]))
			return (dfc_error(c, syn->kids[0]->col,
			    syn->kids[0]->len, "Need a field or field-like value "
			    "on the LHS."));
		if ((x = sem_value(c, syn->kids[0], NULL, "abs")) == NULL)
			return (NULL);
		if (!is_integer(x->type) && x->type != FT_DOUBLE &&
		    x->type != FT_RELATIVE_TIME)
			return (dfc_error(c, x->col, x->len, "'%s' is not a valid "
			    "argument to 'abs'()", vname(c, x)));
		n->type = x->type;
		break;
	case FN_MAX:
	case FN_MIN:
		if (is_literal(syn->kids[0]))
			return (dfc_error(c, syn->kids[0]->col,
			    syn->kids[0]->len, "Argument '%s' is not valid for "
			    "%s()", src(c, syn->kids[0]->col, syn->kids[0]->len),
			    syn->text));
		if ((x = sem_value(c, syn->kids[0], NULL, syn->text)) == NULL)
			return (NULL);
		n->kids[0] = x;
		n->type = x->type;
		memset(&w, 0, sizeof(w));
		w.type = x->type;
		w.bytes = x->slice;
		w.fname = vname(c, x);
		for (i = 1; i < syn->nkids; i++) {
			struct dnode *y = settle(sem_value(c, syn->kids[i], &w,
			    NULL));

			if (y == NULL)
				return (NULL);
			if (!y->is_const && y->type != x->type)
				return (dfc_error(c, y->col, y->len, "Arguments to "
				    "'%s' must have the same type (expected %s, "
				    "got %s)", syn->text,
				    ftype_enum_name(x->type),
				    ftype_enum_name(y->type)));
			n->kids[i] = y;
		}
		return (n);
	}
	n->kids[0] = x;
	return (n);
}

/*
 * Folds a constant operation into l with df_arith, the evaluator's own
 * arithmetic; false if it has no value (division by zero).  A byte-like
 * result gets its bytes in the filter's arena.
 */
static bool
fold(struct dfc *c, int op, struct dnode *l, const struct dnode *r)
{
	uint8_t *buf = NULL;
	uint32_t cap = 0;
	struct dval o;

	if (l->cval.kind == DV_BYTES || l->cval.kind == DV_IPV4 ||
	    l->cval.kind == DV_IPV6) {
		cap = MIN(l->cval.len, r->cval.len);
		buf = df_alloc(c->out, (size_t)cap + 1);
	}
	if (!df_arith(op, &l->cval, &r->cval, &o, buf, cap))
		return (false);
	l->cval = o;
	if (buf != NULL)
		l->buf = buf;
	return (true);
}

/*
 * A constant about to be compared: negative, it is marked as a literal
 * (see struct dval's negk); not negative, it is plainly a number.
 */
static struct dnode *
settle(struct dnode *n)
{
	if (n != NULL && n->kind == E_CONST && n->cval.kind == DV_SINT &&
	    n->type != FT_INT32) {
		if (n->cval.v.s < 0)
			n->cval.negk = 1;
		else {
			n->cval.kind = DV_UINT;
			n->cval.v.u = (uint64_t)n->cval.v.s;
		}
	}
	return (n);
}

/*
 * Arithmetic.  A literal operand takes the type of the field beside it,
 * or w's; the operator is checked against the left operand's type before
 * the right operand is converted, as tshark does.
 */
static struct dnode *
sem_arith(struct dfc *c, const struct dnode *syn, const struct want *w,
    const char *lhs_op)
{
	const struct dnode *ls = syn->kids[0], *rs = syn->kids[1];
	struct dnode *l = NULL, *r = NULL, *n;
	struct want ow;

	if (syn->kind == S_NEG) {
		if ((l = sem_value(c, ls, w, lhs_op)) == NULL)
			return (NULL);
		if (!type_takes(l->type, T_MINUS) || l->slice)
			return (dfc_error(c, l->col, l->len, "%s cannot -.",
			    ftype_enum_name(l->slice ? FT_BYTES : l->type)));
		if (l->is_const) {
			df_negate(&l->cval, &l->cval);
			l->len = ls->col + ls->len - syn->col;
			l->col = syn->col;
			return (l);
		}
		n = enew(c, E_NEG, syn);
		n->kids = kids_new(c, 1);
		n->kids[0] = l;
		n->nkids = 1;
		n->type = l->type;
		return (n);
	}
	if (w == NULL && is_literal(ls)) {
		ls = leftmost(syn);
		return (dfc_error(c, ls->col, ls->len, "Constant arithmetic "
		    "expression on the LHS is invalid."));
	}
	if (is_literal(ls) && !is_literal(rs)) {
		/* The field on the right types the literal on the left. */
		if ((r = sem_value(c, rs, NULL, lhs_op)) == NULL)
			return (NULL);
		memset(&ow, 0, sizeof(ow));
		ow.type = r->type;
		ow.bytes = r->slice;
		ow.fname = vname(c, r);
		if ((l = sem_value(c, ls, &ow, NULL)) == NULL)
			return (NULL);
	} else {
		if (w == NULL && is_literal(ls) && is_literal(rs)) {
			ls = leftmost(syn);
			return (dfc_error(c, ls->col, ls->len, "Constant "
			    "arithmetic expression on the LHS is invalid."));
		}
		if ((l = sem_value(c, ls, w, lhs_op)) == NULL)
			return (NULL);
	}
	if (!type_takes(l->slice ? FT_BYTES : l->type, syn->op))
		return (dfc_error(c, l->col, l->len, "%s cannot %s.",
		    ftype_enum_name(l->slice ? FT_BYTES : l->type),
		    op_text(syn->op)));
	if (r == NULL) {
		memset(&ow, 0, sizeof(ow));
		ow.type = l->type;
		ow.bytes = l->slice;
		ow.fname = vname(c, l);
		if ((r = sem_value(c, rs, &ow, lhs_op)) == NULL)
			return (NULL);
	}
	if (!r->is_const && !r->slice && !type_takes(r->type, syn->op))
		return (dfc_error(c, r->col, r->len, "%s cannot %s.",
		    ftype_enum_name(r->type), op_text(syn->op)));
	if (!r->is_const && !(l->slice || r->slice) && !(is_integer(l->type) &&
	    is_integer(r->type)) && l->type != r->type)
		return (dfc_error(c, r->col, r->len, "%s and %s are not of "
		    "compatible types.", vname(c, l), vname(c, r)));
	if (l->is_const && r->is_const) {
		if (!fold(c, syn->op, l, r)) {
			n = enew(c, E_EMPTY, syn);	/* no value at all */
			n->type = l->type;
			return (n);
		}
		l->col = syn->col;
		l->len = syn->len;
		return (l);
	}
	n = enew(c, E_ARITH, syn);
	n->op = syn->op;
	n->kids = kids_new(c, 2);
	n->kids[0] = l;
	n->kids[1] = r;
	n->nkids = 2;
	n->type = l->type;
	n->slice = l->slice || r->slice;
	if (n->slice) {
		l->as_bytes = r->as_bytes = true;
		n->type = FT_BYTES;
	}
	return (n);
}

/*
 * Any value expression.  With w, literals are converted to its type (a
 * right-hand side); without, the expression must involve a field (a
 * left-hand side, whose operator lhs_op is named in the complaint).
 */
static struct dnode *
sem_value(struct dfc *c, const struct dnode *syn, const struct want *w,
    const char *lhs_op)
{
	struct dnode *n;
	int id;

	switch (syn->kind) {
	case S_WORD:
		if ((id = field_find(syn->text)) >= 0)
			return (mk_field(c, syn, id));
		if (w == NULL)
			return (not_field(c, syn, lhs_op));
		return (convert(c, syn, w));
	case S_ABSFIELD:
		if ((id = field_of(c, syn, lhs_op)) < 0)
			return (NULL);
		return (mk_field(c, syn, id));
	case S_COLONLIT:
	case S_STRING:
	case S_CHAR:
		if (w == NULL)
			return (not_field(c, syn, lhs_op));
		return (convert(c, syn, w));
	case S_REF:
		if ((id = field_find(syn->text)) < 0)
			return (dfc_error(c, syn->col, syn->len, "%s is neither a "
			    "field nor a protocol name.", syn->text));
		/* A reference to the packet selected in a GUI: tshark has
		 * none, and neither has taptop. */
		n = enew(c, E_EMPTY, syn);
		n->type = field_get(id)->type;
		return (n);
	case S_SLICE:
		return (sem_slice(c, syn, lhs_op));
	case S_FUNC:
		return (sem_func(c, syn));
	case S_ARITH:
	case S_NEG:
		return (sem_arith(c, syn, w, lhs_op));
	default:
		break;
	}
	return (dfc_error(c, syn->col, syn->len, "\"%s\" was unexpected in this "
	    "context.", src(c, syn->col, syn->len)));
}

/* Can a and b be compared?  A slice on one side compares the other as
 * bytes, which must be possible. */
static bool
compatible(struct dfc *c, struct dnode *a, struct dnode *b)
{
	struct dnode *other;

	if (b->is_const || a->is_const || b->kind == E_EMPTY)
		return (true);
	if (a->slice || b->slice) {
		other = a->slice ? b : a;
		if (other->slice || is_sliceable(other->type)) {
			other->as_bytes = true;
			return (true);
		}
		dfc_error(c, other->col, other->len, "\"%s\" is a %s and cannot "
		    "be converted into a sequence of bytes.", vname(c, other),
		    ftype_name(other->type));
		return (false);
	}
	if (a->type == b->type || (is_integer(a->type) &&
	    is_integer(b->type)) || ((a->type == FT_ETHER ||
	    a->type == FT_BYTES) && (b->type == FT_ETHER ||
	    b->type == FT_BYTES)))
		return (true);
	dfc_error(c, b->col, b->len, "%s and %s are not of compatible types.",
	    vname(c, a), vname(c, b));
	return (false);
}

static struct want
want_of(struct dfc *c, const struct dnode *lhs)
{
	struct want w;

	memset(&w, 0, sizeof(w));
	w.type = lhs->type;
	w.bytes = lhs->slice;
	w.fname = vname(c, lhs);
	return (w);
}

static void
mode_of(int op, int quant, enum df_mode *mode, enum df_op *cop)
{
	bool all = quant == T_ALL, any = quant == T_ANY;

	*mode = all ? M_ALL : M_ANY;
	switch (op) {
	case T_EQ: *cop = OP_EQ; break;
	case T_ALL_EQ: *cop = OP_EQ; *mode = any ? M_ANY : M_ALL; break;
	case T_NE:
		*cop = any ? OP_NE : OP_EQ;
		*mode = any ? M_ANY : M_NONE_EQ;
		break;
	case T_ANY_NE:
		*cop = all ? OP_EQ : OP_NE;
		*mode = all ? M_NONE_EQ : M_ANY;
		break;
	case T_GT: *cop = OP_GT; break;
	case T_GE: *cop = OP_GE; break;
	case T_LT: *cop = OP_LT; break;
	default: *cop = OP_LE; break;
	}
}

static struct dnode *
mk_test(struct dfc *c, enum dn kind, const struct dnode *syn,
    struct dnode *a, struct dnode *b)
{
	struct dnode *n = enew(c, kind, syn);

	n->kids = kids_new(c, 2);
	n->kids[0] = a;
	n->kids[1] = b;
	n->nkids = 2;
	return (n);
}

static struct dnode *
sem_rel(struct dfc *c, const struct dnode *syn)
{
	int i, nops = syn->nkids - 1;
	struct dnode *and = NULL, *a, *b, *t;
	const char *optext;
	struct want w;

	if (nops > 1) {
		and = enew(c, E_AND, syn);
		and->kids = kids_new(c, nops);
	}
	for (i = 0; i < nops; i++) {
		optext = src(c, syn->opcols[i], syn->opcols[nops + i]);
		if ((a = sem_value(c, syn->kids[i], NULL, optext)) == NULL)
			return (NULL);
		if (a->type == FT_NONE && !a->slice)
			return (dfc_error(c, a->col, a->len, "%s (type=%s) cannot "
			    "participate in %s comparison.", vname(c, a),
			    ftype_name(a->type), optext));
		w = want_of(c, a);
		if ((b = settle(sem_value(c, syn->kids[i + 1], &w, NULL))) ==
		    NULL)
			return (NULL);
		if (!compatible(c, a, b))
			return (NULL);
		t = mk_test(c, E_CMP, syn, a, b);
		mode_of(syn->ops[i], syn->quant, &t->mode, &t->cop);
		if (a->kind == E_FIELD && !a->as_bytes && a->layers == NULL &&
		    b->kind == E_CONST &&
		    b->cval.kind == DV_UINT && (is_integer(a->type) ||
		    a->type == FT_BOOLEAN) && a->type != FT_INT32) {
			t->kind = E_CMP_UINT;
			t->id = a->id;
			t->cval = b->cval;
		}
		if (and == NULL)
			return (t);
		and->kids[and->nkids++] = t;
	}
	return (and);
}

static bool
bytes_like(const struct dnode *e)
{
	return (e->slice || e->type == FT_BYTES || e->type == FT_ETHER ||
	    e->type == FT_PROTOCOL || e->type == FT_STRING);
}

static struct dnode *
sem_contains(struct dfc *c, const struct dnode *syn)
{
	const char *optext = src(c, syn->col, syn->len);
	struct dnode *a, *b, *t;
	struct want w;

	if ((a = sem_value(c, syn->kids[0], NULL, optext)) == NULL)
		return (NULL);
	if (!bytes_like(a))
		return (dfc_error(c, a->col, a->len, "%s (type=%s) cannot "
		    "participate in %s comparison.", vname(c, a),
		    ftype_name(a->type), optext));
	w = want_of(c, a);
	w.partial = true;
	if ((b = sem_value(c, syn->kids[1], &w, NULL)) == NULL)
		return (NULL);
	if (!compatible(c, a, b))
		return (NULL);
	if (!b->is_const && !bytes_like(b) && !b->as_bytes)
		return (dfc_error(c, b->col, b->len, "%s and %s are not of "
		    "compatible types.", vname(c, a), vname(c, b)));
	t = mk_test(c, E_CONTAINS, syn, a, b);
	t->mode = syn->quant == T_ALL ? M_ALL : M_ANY;
	return (t);
}

/* Errors from GRegex, in PCRE2's words as tshark prints them. */
static const char *
regex_message(const GError *e)
{
	const char *m;

	switch (e->code) {
	case G_REGEX_ERROR_STRAY_BACKSLASH:
		return ("\\ at end of pattern");
	case G_REGEX_ERROR_QUANTIFIERS_OUT_OF_ORDER:
		return ("numbers out of order in {} quantifier");
	case G_REGEX_ERROR_UNTERMINATED_CHARACTER_CLASS:
		return ("missing terminating ] for character class");
	case G_REGEX_ERROR_NOTHING_TO_REPEAT:
		return ("quantifier does not follow a repeatable item");
	case G_REGEX_ERROR_UNMATCHED_PARENTHESIS:
		return ("missing closing parenthesis");
	case G_REGEX_ERROR_MISSING_SUBPATTERN_NAME:
		return ("subpattern name expected");
	default:
		/* "Error while compiling regular expression ... at char N:
		 * what" */
		m = strstr(e->message, ": ");
		return (m != NULL ? m + 2 : e->message);
	}
}

/*
 * A pattern that only spells out a string (letters, and punctuation that
 * is either not special or escaped: "HTTP/1\\.1"), optionally after
 * "(?i)" or "(?-i)", is searched for without a regex: no per-packet
 * allocation, and it is the common case.  Returns the string in out (at
 * most n bytes) and its length, or -1; *caseless as the flags say.
 */
static ssize_t
plain_pattern(const uint8_t *p, size_t n, uint8_t *out, bool *caseless)
{
	size_t i = 0, o = 0;

	*caseless = true;
	if (n >= 4 && memcmp(p, "(?i)", 4) == 0)
		i = 4;
	else if (n >= 5 && memcmp(p, "(?-i)", 5) == 0) {
		i = 5;
		*caseless = false;
	}
	for (; i < n; i++) {
		if (p[i] == '\\' && i + 1 < n && p[i + 1] != '\0' &&
		    !g_ascii_isalnum(p[i + 1]) && p[i + 1] < 0x80) {
			out[o++] = p[++i];	/* \. is a dot */
			continue;
		}
		if (p[i] == '\0' || strchr("\\^$.|?*+()[]{}", p[i]) != NULL)
			return (-1);
		out[o++] = p[i];
	}
	return ((ssize_t)o);
}

static struct dnode *
sem_matches(struct dfc *c, const struct dnode *syn)
{
	const char *optext = src(c, syn->col, syn->len);
	const struct dnode *rs = syn->kids[1];
	struct dnode *a, *t;
	GError *e = NULL;
	GString *pat;
	GRegex *re;
	uint8_t *lit;
	ssize_t litlen;
	size_t i;

	if (rs->kind != S_STRING)
		return (dfc_error(c, rs->col, rs->len, "Matches requires a double "
		    "quoted string on the right side."));
	if ((a = sem_value(c, syn->kids[0], NULL, optext)) == NULL)
		return (NULL);
	if (!bytes_like(a))
		return (dfc_error(c, a->col, a->len, "%s (type=%s) cannot "
		    "participate in %s comparison.", vname(c, a),
		    ftype_name(a->type), optext));
	t = mk_test(c, E_MATCHES, syn, a, NULL);
	t->nkids = 1;
	t->mode = syn->quant == T_ALL ? M_ALL : M_ANY;
	t->caseless = true;
	lit = df_alloc(c->out, rs->textlen + 1);
	if ((litlen = plain_pattern((const uint8_t *)rs->text, rs->textlen,
	    lit, &t->caseless)) >= 0) {
		for (i = 0; t->caseless && i < (size_t)litlen; i++)
			lit[i] = (uint8_t)g_ascii_tolower(lit[i]);
		t->pat = lit;
		t->patlen = (size_t)litlen;
		return (t);
	}
	t->caseless = true;
	/* A NUL cannot be in the pattern's text: write it as an escape. */
	pat = g_string_sized_new(rs->textlen + 8);
	for (i = 0; i < rs->textlen; i++)
		if (rs->text[i] == '\0')
			g_string_append(pat, "\\x{00}");
		else
			g_string_append_c(pat, rs->text[i]);
	re = g_regex_new(pat->str, G_REGEX_CASELESS | G_REGEX_RAW |
	    G_REGEX_NEWLINE_LF | G_REGEX_OPTIMIZE, 0, &e);
	g_string_free(pat, true);
	if (re == NULL) {
		dfc_error(c, -1, 0, "Regex compilation error: %s.",
		    regex_message(e));
		g_error_free(e);
		return (NULL);
	}
	g_ptr_array_add(c->regexes, re);
	t->re = re;
	return (t);
}

static struct dnode *
sem_in(struct dfc *c, const struct dnode *syn)
{
	const struct dnode *set = syn->kids[1], *el;
	struct dnode *a, *t, *lo, *hi;
	struct want w;
	int id, i;

	if ((syn->kids[0]->kind != S_WORD && syn->kids[0]->kind != S_ABSFIELD) ||
	    (id = field_find(syn->kids[0]->text)) < 0) {
		if (syn->kids[0]->kind == S_WORD ||
		    syn->kids[0]->kind == S_ABSFIELD)
			return (not_field(c, syn->kids[0], "in"));
		return (dfc_error(c, -1, 0, "Only a field may be tested for "
		    "membership in a set."));
	}
	a = mk_field(c, syn->kids[0], id);
	w = want_of(c, a);
	t = enew(c, E_IN, syn);
	t->nkids = set->nkids + 1;
	t->kids = kids_new(c, t->nkids);
	t->rangehi = kids_new(c, t->nkids);
	t->kids[0] = a;
	t->negate = syn->negate;
	t->mode = syn->quant == T_ALL ? M_ALL : M_ANY;
	for (i = 0; i < set->nkids; i++) {
		el = set->kids[i];
		hi = NULL;
		if (el->kind == S_RANGE) {
			if ((lo = settle(sem_value(c, el->kids[0], &w,
			    NULL))) == NULL || !compatible(c, a, lo) ||
			    (hi = settle(sem_value(c, el->kids[1], &w,
			    NULL))) == NULL || !compatible(c, a, hi))
				return (NULL);
		} else if ((lo = settle(sem_value(c, el, &w, NULL))) == NULL ||
		    !compatible(c, a, lo))
			return (NULL);
		t->kids[i + 1] = lo;
		t->rangehi[i + 1] = hi;
	}
	return (t);
}

static struct dnode *
sem_exists(struct dfc *c, const struct dnode *syn)
{
	struct dnode *x, *t;
	int id;

	switch (syn->kind) {
	case S_WORD:
	case S_ABSFIELD:
		if ((id = field_of(c, syn, NULL)) < 0)
			return (NULL);
		x = mk_field(c, syn, id);
		break;
	case S_STRING:
	case S_CHAR:
	case S_COLONLIT:
		return (not_field(c, syn, NULL));
	case S_REF:
		if ((x = sem_value(c, syn, NULL, NULL)) == NULL)
			return (NULL);
		return (enew(c, E_FALSE, syn));
	case S_FUNC:
		return (dfc_error(c, syn->col, syn->len, "You cannot test whether "
		    "a function is present."));
	default:
		if ((x = sem_value(c, syn, NULL, NULL)) == NULL)
			return (NULL);
		break;
	}
	if ((x->kind == E_FIELD || x->kind == E_PROTO) && x->layers == NULL) {
		t = enew(c, x->kind == E_FIELD ? E_HAS_FIELD : x->frame ? E_TRUE :
		    E_HAS_PROTO, syn);
		t->id = x->id;
		return (t);
	}
	t = enew(c, E_EXISTS, syn);
	t->kids = kids_new(c, 1);
	t->kids[0] = x;
	t->nkids = 1;
	t->nonzero = x->kind == E_ARITH || x->kind == E_NEG;
	return (t);
}

static struct dnode *
sem_test(struct dfc *c, const struct dnode *syn)
{
	struct dnode *n;
	int i;

	switch (syn->kind) {
	case E_AND:
	case E_OR:
	case E_NOT:
		n = enew(c, syn->kind, syn);
		n->nkids = syn->nkids;
		n->kids = kids_new(c, syn->nkids);
		for (i = 0; i < syn->nkids; i++)
			if ((n->kids[i] = sem_test(c, syn->kids[i])) == NULL)
				return (NULL);
		return (n);
	case S_EXISTS:
		return (sem_exists(c, syn->kids[0]));
	case S_REL:
		return (sem_rel(c, syn));
	case S_CONTAINS:
		return (sem_contains(c, syn));
	case S_MATCHES:
		return (sem_matches(c, syn));
	case S_IN:
		return (sem_in(c, syn));
	default:
		break;
	}
	return (dfc_error(c, syn->col, syn->len, "Internal error: unexpected "
	    "node in a test."));
}

struct dnode *
df_semcheck(struct dfc *c, struct dnode *syn)
{
	return (sem_test(c, syn));
}
