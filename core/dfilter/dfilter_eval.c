/*
 * Evaluating a compiled filter against one dissected packet.
 *
 * A value expression (a field, a slice, a function, arithmetic) has any
 * number of values in a packet: ip.addr has two, four inside IP-in-IP,
 * none in ARP.  Values are produced one at a time into a callback, so that
 * nothing is collected: no allocation, and a comparison stops at the first
 * pair that decides it.  Field occurrences are found by scanning the
 * packet's recorded fields, which hold only what someone asked for.
 * Scratch space (a slice with several ranges, string()) is on the stack.
 *
 * The one exception is "matches" with a real regular expression: GRegex
 * allocates match data on every match.  Patterns without regex syntax are
 * searched for directly and allocate nothing.
 *
 * Comparisons follow Wireshark 4.0: "==" and the relational operators are
 * true if any pair of values is; "!=" if both sides have values and no
 * pair is equal; "===" if every pair is equal; "!==" if any pair differs.
 */
#include <string.h>

#include "dfilter_int.h"

#define FN_SCRATCH	1024
#define AND_SCRATCH	256

#ifndef G_ALWAYS_INLINE			/* glib before 2.74 */
#define G_ALWAYS_INLINE
#endif

typedef bool (*dv_fn)(void *ctx, const struct dval *);

static bool each(const struct dnode *, const struct dissect *, dv_fn,
	    void *);

static const uint8_t empty_bytes[1];

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* A recorded occurrence as a value of the node's type. */
static void
field_dval(const struct dnode *n, const struct field_value *f,
    struct dval *v)
{
	v->plen = 0;
	switch (n->type) {
	case FT_ETHER:
	case FT_IPv4:
	case FT_IPv6:
		v->v.p = f->v.addr.data;
		v->len = v->clen = f->v.addr.len;
		v->kind = n->as_bytes || n->type == FT_ETHER ? DV_BYTES :
		    n->type == FT_IPv4 ? DV_IPV4 : DV_IPV6;
		v->plen = n->type == FT_IPv4 ? 32 : 128;
		return;
	case FT_BYTES:
	case FT_STRING:
		v->v.p = f->v.bytes.p != NULL ? f->v.bytes.p : empty_bytes;
		v->len = v->clen = f->v.bytes.len;
		v->kind = n->type == FT_STRING && !n->as_bytes ? DV_STR :
		    DV_BYTES;
		return;
	case FT_RELATIVE_TIME:
		v->kind = DV_TIME;
		v->v.s = (int64_t)(f->v.d * 1e9 + (f->v.d < 0 ? -0.5 : 0.5));
		return;
	case FT_DOUBLE:
		v->kind = DV_DOUBLE;
		v->v.d = f->v.d;
		return;
	case FT_INT32:
		v->kind = DV_SINT;
		v->v.s = (int64_t)(int32_t)f->v.u;
		return;
	default:
		v->kind = DV_UINT;
		v->v.u = f->v.u;
		return;
	}
}

/* Is instance k (from 1) of total among the layer operator's ranges? */
static bool
layer_wanted(const struct dnode *n, int k, int total)
{
	int64_t start, len;
	int i;

	for (i = 0; i < n->nlayers; i++) {
		start = n->layers[i].start;
		len = n->layers[i].len;
		if (start < 0)
			start += total + 1;
		if (start <= 0)
			continue;
		if (len < 0)
			len = total - start + 1;
		if (k >= start && k < start + len)
			return (true);
	}
	return (false);
}

/* Which instance of its protocol recorded field i (1 the outermost), and
 * how many instances there are: layers record where their fields begin. */
static int
field_instance(const struct dnode *n, const struct dissect *edt, int i,
    int *total)
{
	int k, inst = 0;

	*total = 0;
	for (k = 0; k < edt->nlayers; k++) {
		if (edt->layers[k].proto != n->owner)
			continue;
		(*total)++;
		if (edt->layers[k].field0 <= i)
			inst = *total;
	}
	if (*total == 0 && field_get(n->owner) != NULL &&
	    strcmp(field_get(n->owner)->name, "frame") == 0) {
		*total = 1;	/* frame.* belong to the one frame */
		return (1);
	}
	return (inst);
}

/* What a protocol's "contains" searches: its buffer, cut where the next
 * layer's buffer ends when that is inside it (IP's datagram is its length,
 * not the frame's padding). */
static uint32_t
layer_contents(const struct dissect *edt, int k)
{
	const struct packet_layer *l = &edt->layers[k], *nx;
	uint64_t end = (uint64_t)l->off + l->buflen;

	if (k + 1 < edt->nlayers) {
		nx = &edt->layers[k + 1];
		if (nx->src == l->src && nx->off >= l->off &&
		    (uint64_t)nx->off + nx->buflen <= end)
			end = (uint64_t)nx->off + nx->buflen;
	}
	if (end > edt->src_len[l->src])
		end = edt->src_len[l->src];
	return (end > l->off ? (uint32_t)(end - l->off) : 0);
}

static bool
each_proto(const struct dnode *n, const struct dissect *edt, dv_fn fn,
    void *ctx)
{
	struct dval v;
	int k, inst = 0, total = 0;

	memset(&v, 0, sizeof(v));
	v.kind = DV_BYTES;
	if (n->frame) {
		if (n->layers != NULL && !layer_wanted(n, 1, 1))
			return (true);
		v.v.p = edt->data != NULL ? edt->data : empty_bytes;
		v.len = v.clen = edt->data != NULL ? edt->pinfo.caplen : 0;
		return (fn(ctx, &v));
	}
	if (n->layers != NULL)
		for (k = 0; k < edt->nlayers; k++)
			total += edt->layers[k].proto == n->id;
	for (k = 0; k < edt->nlayers; k++) {
		if (edt->layers[k].proto != n->id)
			continue;
		if (n->layers != NULL && !layer_wanted(n, ++inst, total))
			continue;
		if (edt->data == NULL || edt->layers[k].src >= edt->nsrc) {
			v.v.p = empty_bytes;
			v.len = v.clen = 0;
		} else {
			/* A layer above a reassembled datagram is in it. */
			v.v.p = edt->src[edt->layers[k].src] +
			    edt->layers[k].off;
			v.len = edt->layers[k].len;
			v.clen = layer_contents(edt, k);
			if (v.len > v.clen)
				v.clen = v.len;
		}
		if (!fn(ctx, &v))
			return (false);
	}
	return (true);
}

/* The bytes of a value, for slices and byte comparisons. */
static bool
bytes_of(const struct dval *v, const uint8_t **p, uint32_t *len)
{
	switch (v->kind) {
	case DV_BYTES:
	case DV_STR:
		*p = v->v.p;
		*len = v->len;
		return (true);
	case DV_IPV4:
		*p = v->v.p;
		*len = 4;
		return (true);
	case DV_IPV6:
		*p = v->v.p;
		*len = 16;
		return (true);
	}
	return (false);
}

/* One range over len bytes: false if it does not fit, as Wireshark. */
static bool
range_fit(const struct drange *r, uint32_t len, uint32_t *start,
    uint32_t *n)
{
	int64_t s = r->start, l = r->len;

	if (s < 0)
		s += len;
	if (s < 0 || s >= (int64_t)len)
		return (false);
	if (l < 0)
		l = (int64_t)len - s;
	if (l <= 0 || s + l > (int64_t)len)
		return (false);
	*start = (uint32_t)s;
	*n = (uint32_t)l;
	return (true);
}

struct fwd {
	const struct dnode	*n;
	const struct dissect	*edt;
	dv_fn			 fn;
	void			*ctx;
	uint64_t		 count;
	struct dval		 best;
	bool			 have;
};

static bool
slice_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	const struct dnode *n = x->n;
	uint8_t buf[SLICE_MULTI_MAX];
	const uint8_t *p;
	uint32_t len, s, l, got = 0;
	struct dval o;
	int i;

	if (!bytes_of(v, &p, &len))
		return (true);
	memset(&o, 0, sizeof(o));
	o.kind = DV_BYTES;
	if (n->nranges == 1) {
		if (!range_fit(&n->ranges[0], len, &s, &l))
			return (true);
		o.v.p = p + s;
		o.len = o.clen = l;
		return (x->fn(x->ctx, &o));
	}
	/* Joined; the first range that does not fit ends it (tshark). */
	for (i = 0; i < n->nranges; i++) {
		if (!range_fit(&n->ranges[i], len, &s, &l) ||
		    got + l > sizeof(buf))
			break;
		memcpy(buf + got, p + s, l);
		got += l;
	}
	if (got == 0)
		return (true);
	o.v.p = buf;
	o.len = o.clen = got;
	return (x->fn(x->ctx, &o));
}

/* The size len() gives a value of a type that is not a byte string. */
static uint32_t
type_width(enum ftype t)
{
	switch (t) {
	case FT_UINT8:	return (1);
	case FT_UINT16:	return (2);
	case FT_UINT24:	return (3);
	case FT_UINT32:
	case FT_INT32:	return (4);
	case FT_UINT64:
	case FT_DOUBLE:	return (8);
	default:	return (0);
	}
}

static bool
len_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	struct dval o;
	const uint8_t *p;
	uint32_t len;

	memset(&o, 0, sizeof(o));
	o.kind = DV_UINT;
	o.v.u = bytes_of(v, &p, &len) ? len :
	    type_width(x->n->kids[0]->type);
	return (x->fn(x->ctx, &o));
}

static bool
count_cb(void *c, const struct dval *v)
{
	(void)v;
	((struct fwd *)c)->count++;
	return (true);
}

static size_t
fmt_u64(char *o, uint64_t u)
{
	char t[24];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	for (i = 0; i < n; i++)
		o[i] = t[n - 1 - i];
	return (n);
}

/* string(): Wireshark's text of a number or an address, in buf. */
static bool
string_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	char buf[ADDR_STRLEN + 24];
	struct address a;
	struct dval o;
	size_t n = 0;

	memset(&o, 0, sizeof(o));
	switch (v->kind) {
	case DV_UINT:
		n = fmt_u64(buf, v->v.u);
		break;
	case DV_SINT:
		if (v->v.s < 0) {
			buf[n++] = '-';
			n += fmt_u64(buf + n, 0 - (uint64_t)v->v.s);
		} else
			n = fmt_u64(buf, (uint64_t)v->v.s);
		break;
	case DV_IPV4:
	case DV_IPV6:
	case DV_BYTES:
		if (v->len > sizeof(a.data))
			return (true);
		address_set(&a, v->kind == DV_IPV4 ? AT_IPv4 :
		    v->kind == DV_IPV6 ? AT_IPv6 : AT_ETHER, v->v.p,
		    (int)v->len);
		address_to_str(&a, buf);
		n = strlen(buf);
		break;
	case DV_STR:
		return (x->fn(x->ctx, v));
	default:
		return (true);
	}
	o.kind = DV_STR;
	o.v.p = (const uint8_t *)buf;
	o.len = o.clen = (uint32_t)n;
	return (x->fn(x->ctx, &o));
}

/* upper() and lower(): on the first FN_SCRATCH bytes of a string. */
static bool
case_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	uint8_t buf[FN_SCRATCH];
	struct dval o = *v;
	uint32_t i, n = MIN(v->len, (uint32_t)sizeof(buf));

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(x->n->kind == E_UPPER ?
		    g_ascii_toupper(v->v.p[i]) : g_ascii_tolower(v->v.p[i]));
	o.v.p = buf;
	o.len = o.clen = n;
	return (x->fn(x->ctx, &o));
}

static bool
best_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	bool ok;
	int r;

	if (!x->have) {
		x->best = *v;
		x->have = true;
		return (true);
	}
	r = dval_cmp3(v, &x->best, &ok);
	if (ok && (x->n->kind == E_MAX ? r > 0 : r < 0))
		x->best = *v;
	return (true);
}

static bool
abs_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	struct dval o = *v;

	if (o.kind == DV_SINT || o.kind == DV_TIME) {
		if (o.v.s < 0)
			o.v.s = (int64_t)(0 - (uint64_t)o.v.s);
	} else if (o.kind == DV_DOUBLE && o.v.d < 0)
		o.v.d = -o.v.d;
	return (x->fn(x->ctx, &o));
}

static bool
neg_cb(void *c, const struct dval *v)
{
	struct fwd *x = c;
	struct dval o;

	df_negate(v, &o);
	return (x->fn(x->ctx, &o));
}

/*
 * Unary minus.  An unsigned value becomes signed; every integer wraps
 * (two's complement), so -INT64_MIN is INT64_MIN.
 */
void
df_negate(const struct dval *a, struct dval *o)
{
	*o = *a;
	switch (a->kind) {
	case DV_UINT:
		o->kind = DV_SINT;
		o->negk = 0;
		o->v.s = (int64_t)(0 - a->v.u);
		break;
	case DV_DOUBLE:
		o->v.d = -a->v.d;
		break;
	default:			/* DV_SINT, DV_TIME */
		o->v.s = (int64_t)(0 - (uint64_t)a->v.s);
		break;
	}
}

/*
 * One arithmetic operation, for constant folding (through df_arith) and
 * evaluation alike; forced inline into the per-packet caller, which is
 * otherwise a call slower (about 3% of an arithmetic filter's time).
 * The semantic pass has already checked the operator against the types
 * (Wireshark 4.0's: & on integers and byte-likes, + and - on integers,
 * doubles and times, * and / on integers and doubles, % on integers), so
 * an operator a kind does not take has no result here.  Rules:
 *  - byte-likes (bytes, a slice, an address) under &: the shorter length,
 *    capped at cap bytes written to buf (which the result points into);
 *  - times (nanoseconds) add and subtract, wrapping;
 *  - doubles follow IEEE 754: x / 0 is an infinity, 0 / 0 a NaN;
 *  - integers are 64 bits and wrap.  Either side signed makes the
 *    operation signed; an unsigned difference below zero (by at most
 *    INT64_MAX) is a signed result, as tshark's.  INT64_MIN / -1 wraps to
 *    INT64_MIN and INT64_MIN % -1 is 0, where C leaves both undefined.
 * Returns false when there is no result: division or modulo by zero.
 */
G_ALWAYS_INLINE static inline bool
arith(int op, const struct dval *a, const struct dval *b, struct dval *o,
    uint8_t *buf, uint32_t cap)
{
	const uint8_t *pa, *pb;
	uint32_t la, lb, i;
	int64_t x, y;

	*o = *a;
	if (a->kind == DV_BYTES || a->kind == DV_IPV4 || a->kind == DV_IPV6 ||
	    b->kind == DV_BYTES) {
		if (op != T_BITAND || !bytes_of(a, &pa, &la) ||
		    !bytes_of(b, &pb, &lb))
			return (false);
		la = MIN(MIN(la, lb), cap);
		for (i = 0; i < la; i++)
			buf[i] = pa[i] & pb[i];
		o->v.p = buf;
		o->len = o->clen = la;
		return (true);
	}
	switch (a->kind) {
	case DV_TIME:
		if (op == T_PLUS)
			o->v.s = (int64_t)((uint64_t)a->v.s + (uint64_t)b->v.s);
		else if (op == T_MINUS)
			o->v.s = (int64_t)((uint64_t)a->v.s - (uint64_t)b->v.s);
		else
			return (false);
		return (true);
	case DV_DOUBLE:
		switch (op) {
		case T_PLUS: o->v.d = a->v.d + b->v.d; return (true);
		case T_MINUS: o->v.d = a->v.d - b->v.d; return (true);
		case T_STAR: o->v.d = a->v.d * b->v.d; return (true);
		case T_SLASH: o->v.d = a->v.d / b->v.d; return (true);
		}
		return (false);
	}
	if ((op == T_SLASH || op == T_PERCENT) && b->v.u == 0)
		return (false);
	if (a->kind == DV_SINT || b->kind == DV_SINT) {
		x = a->v.s;
		y = b->v.s;
		switch (op) {
		case T_PLUS: x = (int64_t)((uint64_t)x + (uint64_t)y); break;
		case T_MINUS: x = (int64_t)((uint64_t)x - (uint64_t)y); break;
		case T_STAR: x = (int64_t)((uint64_t)x * (uint64_t)y); break;
		case T_SLASH: x = y == -1 ? (int64_t)(0 - (uint64_t)x) : x / y;
			break;
		case T_PERCENT: x = y == -1 ? 0 : x % y; break;
		case T_BITAND: x &= y; break;
		default: return (false);
		}
		o->kind = DV_SINT;
		o->negk = 0;		/* a result, not a literal */
		o->v.s = x;
		return (true);
	}
	if (op == T_MINUS && b->v.u > a->v.u && b->v.u - a->v.u <= INT64_MAX) {
		o->kind = DV_SINT;
		o->negk = 0;
		o->v.s = -(int64_t)(b->v.u - a->v.u);
		return (true);
	}
	switch (op) {
	case T_PLUS: o->v.u = a->v.u + b->v.u; break;
	case T_MINUS: o->v.u = a->v.u - b->v.u; break;
	case T_STAR: o->v.u = a->v.u * b->v.u; break;
	case T_SLASH: o->v.u = a->v.u / b->v.u; break;
	case T_PERCENT: o->v.u = a->v.u % b->v.u; break;
	case T_BITAND: o->v.u = a->v.u & b->v.u; break;
	default: return (false);
	}
	return (true);
}

/* The same for the semantic pass; evaluation calls arith() inline. */
bool
df_arith(int op, const struct dval *a, const struct dval *b, struct dval *o,
    uint8_t *buf, uint32_t cap)
{
	return (arith(op, a, b, o, buf, cap));
}

struct arithx {
	struct fwd	*x;
	const struct dval *a;
};

static bool
arith_inner(void *c, const struct dval *b)
{
	struct arithx *ax = c;
	uint8_t scratch[AND_SCRATCH];
	struct dval o;

	if (!arith(ax->x->n->op, ax->a, b, &o, scratch, sizeof(scratch)))
		return (true);
	return (ax->x->fn(ax->x->ctx, &o));
}

static bool
arith_outer(void *c, const struct dval *a)
{
	struct fwd *x = c;
	struct arithx ax = { x, a };

	return (each(x->n->kids[1], x->edt, arith_inner, &ax));
}

/* Calls fn with every value of n in the packet; false if fn stopped. */
static bool
each(const struct dnode *n, const struct dissect *edt, dv_fn fn, void *ctx)
{
	struct fwd x = { n, edt, fn, ctx, 0, { 0 }, false };
	const struct field_value *f, *end;
	struct dval v, o;
	int i;

	switch (n->kind) {
	case E_FIELD:
		end = edt->fields + edt->nfields;
		for (f = edt->fields; f < end; f++) {
			if (f->id != n->id)
				continue;
			if (n->layers != NULL) {
				int total, k = field_instance(n, edt,
				    (int)(f - edt->fields), &total);

				if (!layer_wanted(n, k, total))
					continue;
			}
			field_dval(n, f, &v);
			if (!fn(ctx, &v))
				return (false);
		}
		return (true);
	case E_PROTO:
		return (each_proto(n, edt, fn, ctx));
	case E_CONST:
		return (fn(ctx, &n->cval));
	case E_EMPTY:
		return (true);
	case E_SLICE:
		return (each(n->kids[0], edt, slice_cb, &x));
	case E_LEN:
		return (each(n->kids[0], edt, len_cb, &x));
	case E_COUNT:
		(void)each(n->kids[0], edt, count_cb, &x);
		if (x.count == 0)
			return (true);
		memset(&o, 0, sizeof(o));
		o.kind = DV_UINT;
		o.v.u = x.count;
		return (fn(ctx, &o));
	case E_STRING:
		return (each(n->kids[0], edt, string_cb, &x));
	case E_UPPER:
	case E_LOWER:
		return (each(n->kids[0], edt, case_cb, &x));
	case E_MAX:
	case E_MIN:
		for (i = 0; i < n->nkids; i++)
			(void)each(n->kids[i], edt, best_cb, &x);
		return (x.have ? fn(ctx, &x.best) : true);
	case E_ABS:
		return (each(n->kids[0], edt, abs_cb, &x));
	case E_NEG:
		return (each(n->kids[0], edt, neg_cb, &x));
	case E_ARITH:
		return (each(n->kids[0], edt, arith_outer, &x));
	default:
		return (true);
	}
}

static int
cmp_u(uint64_t a, uint64_t b)
{
	return (a < b ? -1 : a > b);
}

static int
cmp_s(int64_t a, int64_t b)
{
	return (a < b ? -1 : a > b);
}

/*
 * Three-way comparison.  *ok is false when the two cannot be compared:
 * then every operator is false (tshark: an unsigned field against a
 * negative number).
 */
int
dval_cmp3(const struct dval *a, const struct dval *b, bool *ok)
{
	const uint8_t *pa, *pb;
	uint32_t la, lb, ma, mb, mask;
	int plen, i, r;

	*ok = true;
	switch (a->kind) {
	case DV_UINT:
		if (b->kind == DV_UINT)
			return (cmp_u(a->v.u, b->v.u));
		if (b->kind == DV_SINT) {
			if (b->v.s < 0 && b->negk)
				break;
			return (b->v.s < 0 ? 1 : cmp_u(a->v.u, (uint64_t)b->v.s));
		}
		break;
	case DV_SINT:
		if (b->kind == DV_SINT)
			return (cmp_s(a->v.s, b->v.s));
		if (b->kind == DV_UINT) {
			if (a->v.s < 0 && a->negk)
				break;
			return (a->v.s < 0 ? -1 : cmp_u((uint64_t)a->v.s,
			    b->v.u));
		}
		break;
	case DV_TIME:
		if (b->kind == DV_TIME)
			return (cmp_s(a->v.s, b->v.s));
		break;
	case DV_DOUBLE:
		if (b->kind == DV_DOUBLE && a->v.d == a->v.d &&
		    b->v.d == b->v.d)
			return (a->v.d < b->v.d ? -1 : a->v.d > b->v.d);
		break;
	case DV_IPV4:
		if (b->kind != DV_IPV4)
			break;
		plen = MIN(a->plen, b->plen);
		mask = plen == 0 ? 0 : (uint32_t)0xffffffff << (32 - plen);
		ma = be32(a->v.p) & mask;
		mb = be32(b->v.p) & mask;
		return (cmp_u(ma, mb));
	case DV_IPV6:
		if (b->kind != DV_IPV6)
			break;
		plen = MIN(a->plen, b->plen);
		for (i = 0; i < 16 && plen > 0; i++, plen -= 8) {
			uint8_t m = plen >= 8 ? 0xff :
			    (uint8_t)(0xff << (8 - plen));

			if ((a->v.p[i] & m) != (b->v.p[i] & m))
				return ((a->v.p[i] & m) < (b->v.p[i] & m) ?
				    -1 : 1);
		}
		return (0);
	case DV_STR:
		if (b->kind == DV_STR) {
			r = memcmp(a->v.p, b->v.p, MIN(a->len, b->len));
			return (r != 0 ? (r < 0 ? -1 : 1) : cmp_u(a->len,
			    b->len));
		}
		/* FALLTHROUGH */
	case DV_BYTES:
		if (!bytes_of(a, &pa, &la) || !bytes_of(b, &pb, &lb))
			break;
		if (la != lb)
			return (la < lb ? -1 : 1);
		r = la == 0 ? 0 : memcmp(pa, pb, la);
		return (r < 0 ? -1 : r > 0);
	}
	*ok = false;
	return (0);
}

/* A pair under op: 1 true, 0 false, -1 when the two cannot be compared
 * (as if one side had no value: "all" skips it, "any" does not count it). */
static int
dv_test3(enum df_op op, const struct dval *a, const struct dval *b)
{
	bool ok;
	int r;

	/* The common cases first, without the general comparison. */
	if (a->kind == DV_UINT && b->kind == DV_UINT) {
		switch (op) {
		case OP_EQ: return (a->v.u == b->v.u);
		case OP_NE: return (a->v.u != b->v.u);
		case OP_GT: return (a->v.u > b->v.u);
		case OP_GE: return (a->v.u >= b->v.u);
		case OP_LT: return (a->v.u < b->v.u);
		case OP_LE: return (a->v.u <= b->v.u);
		}
	}
	r = dval_cmp3(a, b, &ok);
	if (!ok)
		return (-1);
	switch (op) {
	case OP_EQ: return (r == 0);
	case OP_NE: return (r != 0);
	case OP_GT: return (r > 0);
	case OP_GE: return (r >= 0);
	case OP_LT: return (r < 0);
	case OP_LE: return (r <= 0);
	}
	return (0);
}

static bool
dv_test(enum df_op op, const struct dval *a, const struct dval *b)
{
	return (dv_test3(op, a, b) == 1);
}

/* Does this pair decide the mode's answer (found, or failed)? */
static bool
decides(enum df_mode mode, int r)
{
	return (mode == M_ALL ? r == 0 : r == 1);
}

/*
 * Pairs of values under a mode.  test() is the pair test; the search
 * stops as soon as the answer is known.
 */
struct pairs {
	const struct dnode	*n;
	const struct dissect	*edt;
	int			(*test)(const struct dnode *,
				    const struct dval *, const struct dval *);
	enum df_mode		 mode;
	const struct dval	*a;
	int			 na, nb;
	bool			 decided;	/* found (any) or failed */
};

static bool
pair_inner(void *c, const struct dval *b)
{
	struct pairs *x = c;
	int r = x->test(x->n, x->a, b);

	x->nb++;
	if (decides(x->mode, r)) {
		x->decided = true;
		return (false);
	}
	return (true);
}

static bool
pair_outer(void *c, const struct dval *a)
{
	struct pairs *x = c;

	x->na++;
	x->a = a;
	return (each(x->n->kids[1], x->edt, pair_inner, x));
}

static bool
pairs_eval(struct pairs *x)
{
	(void)each(x->n->kids[0], x->edt, pair_outer, x);
	if (x->mode == M_ANY)
		return (x->decided);
	return (x->na > 0 && x->nb > 0 && !x->decided);
}

static int
cmp_test(const struct dnode *n, const struct dval *a, const struct dval *b)
{
	return (dv_test3(n->cop, a, b));
}

static bool
eval_cmp(const struct dnode *n, const struct dissect *edt)
{
	const struct dnode *a = n->kids[0], *b = n->kids[1];
	const struct field_value *f, *end;
	struct pairs x;
	struct dval v;
	int na = 0;

	if (a->kind == E_FIELD && a->layers == NULL && b->kind == E_CONST) {
		/* The common shape: a field against a literal. */
		end = edt->fields + edt->nfields;
		for (f = edt->fields; f < end; f++) {
			if (f->id != a->id)
				continue;
			na++;
			field_dval(a, f, &v);
			if (decides(n->mode, dv_test3(n->cop, &v, &b->cval)))
				return (n->mode == M_ANY);
		}
		return (n->mode == M_ANY ? false : na > 0);
	}
	memset(&x, 0, sizeof(x));
	x.n = n;
	x.edt = edt;
	x.test = cmp_test;
	x.mode = n->mode;
	return (pairs_eval(&x));
}

/* Does p (n bytes) equal nd, folding ASCII case? nd is lower case. */
static bool
same_fold(const uint8_t *p, const uint8_t *nd, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uint8_t)g_ascii_tolower((gchar)p[i]) != nd[i])
			return (false);
	return (true);
}

#define FIND_SHORT	16	/* longer needles go to memmem */

/*
 * memmem, optionally folding ASCII case (fold: nd is in lower case).
 * Short needles: memchr for the first byte (in each case), which scans
 * many bytes at a time, then a compare; bounded by the packet's length
 * times FIND_SHORT.
 */
static bool
find(const uint8_t *h, size_t hn, const uint8_t *nd, size_t nn, bool fold)
{
	const uint8_t *end = h + hn, *lo, *up, *p;
	uint8_t c0, c1;

	if (nn == 0)
		return (true);
	if (nn > hn)
		return (false);
	if (!fold && nn > FIND_SHORT)
		return (memmem(h, hn, nd, nn) != NULL);
	end = h + hn - nn + 1;		/* the last place a match can start */
	c0 = nd[0];
	c1 = fold ? (uint8_t)g_ascii_toupper(c0) : c0;
	lo = memchr(h, c0, (size_t)(end - h));
	up = c1 != c0 ? memchr(h, c1, (size_t)(end - h)) : NULL;
	while (lo != NULL || up != NULL) {
		p = lo == NULL ? up : up == NULL ? lo : lo < up ? lo : up;
		if (fold ? same_fold(p + 1, nd + 1, nn - 1) :
		    memcmp(p + 1, nd + 1, nn - 1) == 0)
			return (true);
		if (p == lo)
			lo = p + 1 < end ? memchr(p + 1, c0,
			    (size_t)(end - p - 1)) : NULL;
		else
			up = p + 1 < end ? memchr(p + 1, c1,
			    (size_t)(end - p - 1)) : NULL;
	}
	return (false);
}

static void
search_area(const struct dval *v, const uint8_t **p, uint32_t *len)
{
	if (!bytes_of(v, p, len)) {
		*p = empty_bytes;
		*len = 0;
	} else if (v->kind == DV_BYTES && v->clen > v->len)
		*len = v->clen;
}

static int
contains_test(const struct dnode *n, const struct dval *a,
    const struct dval *b)
{
	const uint8_t *pa, *pb;
	uint32_t la, lb;

	(void)n;
	search_area(a, &pa, &la);
	pb = NULL;
	if (!bytes_of(b, &pb, &lb) || lb == 0)
		return (false);
	return (find(pa, la, pb, lb, false));
}

static bool
eval_contains(const struct dnode *n, const struct dissect *edt)
{
	struct pairs x;

	memset(&x, 0, sizeof(x));
	x.n = n;
	x.edt = edt;
	x.test = contains_test;
	x.mode = n->mode;
	return (pairs_eval(&x));
}

struct matchx {
	const struct dnode	*n;
	int			 na;
	bool			 decided;
};

static bool
match_one(const struct dnode *n, const struct dval *v)
{
	const uint8_t *p;
	uint32_t len;

	search_area(v, &p, &len);
	if (n->re == NULL)
		return (find(p, len, n->pat, n->patlen, n->caseless));
	return (g_regex_match_full(n->re, (const gchar *)p, (gssize)len, 0,
	    0, NULL, NULL));
}

static bool
match_cb(void *c, const struct dval *v)
{
	struct matchx *x = c;
	bool r = match_one(x->n, v);

	x->na++;
	if (x->n->mode == M_ANY ? r : !r) {
		x->decided = true;
		return (false);
	}
	return (true);
}

static bool
eval_matches(const struct dnode *n, const struct dissect *edt)
{
	struct matchx x = { n, 0, false };

	(void)each(n->kids[0], edt, match_cb, &x);
	return (n->mode == M_ANY ? x.decided : x.na > 0 && !x.decided);
}

struct inx {
	const struct dnode	*n;
	const struct dissect	*edt;
	const struct dval	*a;
	int			 elem;		/* M_ALL: the member tried */
	int			 na;
	bool			 hit;		/* this value is in the set */
	bool			 decided;
};

static bool
in_elem_cb(void *c, const struct dval *b)
{
	struct inx *x = c;

	if (dv_test(OP_EQ, x->a, b)) {
		x->hit = true;
		return (false);
	}
	return (true);
}

static bool
between(const struct dval *lo, const struct dval *a, const struct dval *hi)
{
	bool ok1, ok2;

	return (dval_cmp3(lo, a, &ok1) <= 0 && dval_cmp3(a, hi, &ok2) <= 0 &&
	    ok1 && ok2);
}

/* A range whose ends are fields: every pair of their values. */
struct rangex {
	const struct dissect	*edt;
	const struct dnode	*hi;
	const struct dval	*a, *lo;
	bool			 hit;
};

static bool
range_hi_cb(void *c, const struct dval *hi)
{
	struct rangex *r = c;

	r->hit = between(r->lo, r->a, hi);
	return (!r->hit);
}

static bool
range_lo_cb(void *c, const struct dval *lo)
{
	struct rangex *r = c;

	r->lo = lo;
	(void)each(r->hi, r->edt, range_hi_cb, r);
	return (!r->hit);
}

/* Is a member i of the set (a value, a range, or a field's values)? */
static bool
in_member(struct inx *x, const struct dval *a, int i)
{
	const struct dnode *lo = x->n->kids[i], *hi = x->n->rangehi[i];
	struct rangex r;

	if (hi != NULL && lo->kind == E_CONST && hi->kind == E_CONST)
		return (between(&lo->cval, a, &hi->cval));
	if (hi != NULL) {
		r.edt = x->edt;
		r.hi = hi;
		r.a = a;
		r.lo = NULL;
		r.hit = false;
		(void)each(lo, x->edt, range_lo_cb, &r);
		return (r.hit);
	}
	if (lo->kind == E_CONST)
		return (dv_test(OP_EQ, a, &lo->cval));
	x->a = a;
	x->hit = false;
	(void)each(lo, x->edt, in_elem_cb, x);
	return (x->hit);
}

static bool
in_any(void *c, const struct dval *a)
{
	struct inx *x = c;
	int i;

	for (i = 1; i < x->n->nkids; i++)
		if (in_member(x, a, i)) {
			x->decided = true;
			return (false);
		}
	return (true);
}

static bool
in_all(void *c, const struct dval *a)
{
	struct inx *x = c;

	x->na++;
	if (!in_member(x, a, x->elem)) {
		x->decided = true;
		return (false);
	}
	return (true);
}

/*
 * "in" is "==" with each member, or-ed: "all x in {a, b}" is true when
 * every value of x equals a, or every value equals b (tshark 4.0).
 */
static bool
eval_in(const struct dnode *n, const struct dissect *edt)
{
	struct inx x;
	bool r = false;

	memset(&x, 0, sizeof(x));
	x.n = n;
	x.edt = edt;
	if (n->mode == M_ANY) {
		(void)each(n->kids[0], edt, in_any, &x);
		r = x.decided;
	} else
		for (x.elem = 1; x.elem < n->nkids && !r; x.elem++) {
			x.na = 0;
			x.decided = false;
			(void)each(n->kids[0], edt, in_all, &x);
			r = x.na > 0 && !x.decided;
		}
	return (n->negate ? !r : r);
}

static bool
nonzero_cb(void *c, const struct dval *v)
{
	bool *hit = c;
	uint32_t i;

	switch (v->kind) {
	case DV_UINT:
		*hit = v->v.u != 0;
		break;
	case DV_SINT:
	case DV_TIME:
		*hit = v->v.s != 0;
		break;
	case DV_DOUBLE:
		*hit = v->v.d != 0;
		break;
	default:
		for (i = 0; i < v->len && !*hit; i++)
			*hit = v->v.p[i] != 0;
		break;
	}
	return (!*hit);
}

static bool
any_cb(void *c, const struct dval *v)
{
	(void)v;
	*(bool *)c = true;
	return (false);
}

static bool
eval_exists(const struct dnode *n, const struct dissect *edt)
{
	const struct dnode *x = n->kids[0];
	bool hit = false;
	int i;

	if (x->kind == E_FIELD && x->layers == NULL) {
		for (i = 0; i < edt->nfields; i++)
			if (edt->fields[i].id == x->id)
				return (true);
		return (false);
	}
	if (x->kind == E_PROTO && x->layers == NULL) {
		if (x->frame)
			return (true);
		for (i = 0; i < edt->nlayers; i++)
			if (edt->layers[i].proto == x->id)
				return (true);
		return (false);
	}
	(void)each(x, edt, n->nonzero ? nonzero_cb : any_cb, &hit);
	return (hit);
}

static bool
uint_op(enum df_op op, uint64_t a, uint64_t b)
{
	switch (op) {
	case OP_EQ: return (a == b);
	case OP_NE: return (a != b);
	case OP_GT: return (a > b);
	case OP_GE: return (a >= b);
	case OP_LT: return (a < b);
	case OP_LE: return (a <= b);
	}
	return (false);
}

/* A numeric field against a number: the bench's shape, kept tight. */
static bool
eval_cmp_uint(const struct dnode *n, const struct dissect *edt)
{
	const struct field_value *f = edt->fields, *end = f + edt->nfields;
	bool seen = false, r;

	for (; f < end; f++) {
		if (f->id != n->id)
			continue;
		seen = true;
		r = uint_op(n->cop, f->v.u, n->cval.v.u);
		if (n->mode == M_ANY) {
			if (r)
				return (true);
		} else if (n->mode == M_ALL ? !r : r)
			return (false);
	}
	return (n->mode == M_ANY ? false : seen);
}

bool
df_eval(const struct dnode *n, const struct dissect *edt)
{
	int i;

	switch (n->kind) {
	case E_TRUE:
		return (true);
	case E_HAS_FIELD:
		for (i = 0; i < edt->nfields; i++)
			if (edt->fields[i].id == n->id)
				return (true);
		return (false);
	case E_HAS_PROTO:
		for (i = 0; i < edt->nlayers; i++)
			if (edt->layers[i].proto == n->id)
				return (true);
		return (false);
	case E_CMP_UINT:
		return (eval_cmp_uint(n, edt));
	case E_AND:
		for (i = 0; i < n->nkids; i++)
			if (!df_eval(n->kids[i], edt))
				return (false);
		return (true);
	case E_OR:
		for (i = 0; i < n->nkids; i++)
			if (df_eval(n->kids[i], edt))
				return (true);
		return (false);
	case E_NOT:
		return (!df_eval(n->kids[0], edt));
	case E_EXISTS:
		return (eval_exists(n, edt));
	case E_CMP:
		return (eval_cmp(n, edt));
	case E_IN:
		return (eval_in(n, edt));
	case E_CONTAINS:
		return (eval_contains(n, edt));
	case E_MATCHES:
		return (eval_matches(n, edt));
	default:
		return (false);
	}
}
