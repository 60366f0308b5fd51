/*
 * The batch printers and the escapers; the contract is in report.h.
 *
 * Both printers work the same way: the rows of a panel come one at a time
 * (from a table, or drawn by the panel: "rows" below), each is formatted
 * into a GString that goes out whenever it holds ROWS_SPILL bytes, so
 * that nothing holds a whole report.  The text's widths are found by
 * formatting every cell once and keeping only its width; the lines format
 * each again (formatting twice costs less than holding a million strings).
 * Numbers are
 * formatted with g_ascii_formatd so a locale set for curses cannot turn a
 * decimal point into a comma inside the JSON.  The UTF-8 decoder is written
 * out (strict: no overlong forms, surrogates or code points past U+10FFFF)
 * because both escapers must know exactly which bytes are invalid, one at a
 * time, to escape each of them.
 *
 * For a locale that is not UTF-8 each string of the text is folded to
 * ASCII once it is escaped (term_escape leaves only valid UTF-8), before
 * the columns are measured, so that no formatting code needs two
 * spellings and the columns still line up.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "dissect.h"
#include "names.h"
#include "proto.h"
#include "report.h"

/* Decimals ("%.Nf", by report_fixed): */
#define TIME_PREC	6		/* times, and every number in JSON */
#define RATE_PREC	1		/* text: rates, bytes or bits per s */
#define PCT_PREC	2		/* text: percentages */

/* n bytes onto out: g_string_append_len, with the common case (room
 * enough) inline, as the printers append a few bytes at a time, millions
 * of times. */
static inline void
put(GString *out, const char *s, size_t n)
{
	if (out->len + n < out->allocated_len) {
		memcpy(out->str + out->len, s, n);
		out->len += n;
		out->str[out->len] = '\0';
	} else
		g_string_append_len(out, s, (gssize)n);
}

/*
 * Decodes one UTF-8 sequence from s (len > 0 bytes).  Returns its length
 * and sets *cp, or returns 0 when the first byte does not start a valid
 * sequence.
 */
static size_t
utf8_next(const uint8_t *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return (0);
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

char *
json_escape_len(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	GString *out = g_string_sized_new(len + 2);
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_next(p + i, len - i, &cp)) == 0) {
			g_string_append(out, "\\ufffd");
			i++;
			continue;
		}
		if (cp == '"')
			g_string_append(out, "\\\"");
		else if (cp == '\\')
			g_string_append(out, "\\\\");
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029)
			g_string_append_printf(out, "\\u%04" PRIx32, cp);
		else
			g_string_append_len(out, (const char *)p + i,
			    (gssize)n);
		i += n;
	}
	return (g_string_free(out, FALSE));
}

char *
json_escape(const char *s)
{
	return (json_escape_len(s, s != NULL ? strlen(s) : 0));
}

static bool
term_invisible(uint32_t cp)
{
	return ((cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029);
}

/* term_escape's text, appended to out. */
static void
term_escape_put(GString *out, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		/* A run of printable ASCII goes as it is, in one copy. */
		for (n = i; n < len && p[n] >= 0x20 && p[n] < 0x7f &&
		    p[n] != '\\'; n++)
			;
		if (n > i) {
			put(out, s + i, n - i);
			i = n;
			continue;
		}
		n = utf8_next(p + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f) {
			g_string_append_printf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp == '\\')
			g_string_append(out, "\\\\");
		else if (term_invisible(cp))
			g_string_append_printf(out, "\\u{%04" PRIX32 "}", cp);
		else
			g_string_append_len(out, (const char *)p + i,
			    (gssize)n);
		i += n;
	}
}

char *
term_escape(const char *s, size_t len)
{
	GString *out = g_string_sized_new(len + 1);

	term_escape_put(out, s, len);
	return (g_string_free(out, FALSE));
}

/* An address's text into out (ADDR_STRLEN), its length returned: IPv4,
 * most of any report, without inet_ntop's sprintf; the rest as
 * address_to_str writes it. */
static size_t
addr_text(const struct address *a, char *out)
{
	char *p = out;
	unsigned v;
	int i;

	if (a->type != AT_IPv4)
		return (strlen(address_to_str(a, out)));
	for (i = 0; i < 4; i++) {
		v = a->data[i];
		if (i > 0)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return ((size_t)(p - out));
}

/* "00" to "99": two digits a division. */
static const char digit_pairs[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Two digits of u % 100 before p. */
#define PAIR_BACK(p, u) do {						\
	unsigned d_ = (unsigned)((u) % 100) * 2;			\
	*--(p) = digit_pairs[d_ + 1];					\
	*--(p) = digit_pairs[d_];					\
} while (0)

/* u's digits written backwards ending before p, exactly n of them
 * (leading zeros) or, n 0, as many as it takes; returns the first. */
static char *
digits_back(char *p, uint64_t u, int n)
{
	if (n > 0) {
		for (; n >= 2; n -= 2, u /= 100)
			PAIR_BACK(p, u);
		if (n == 1)
			*--p = (char)('0' + u % 10);
		return (p);
	}
	for (; u >= 100; u /= 100)
		PAIR_BACK(p, u);
	if (u >= 10)
		PAIR_BACK(p, u);
	else
		*--p = (char)('0' + u);
	return (p);
}

/* 10^n, exact as doubles, for the precisions report_fixed takes. */
static const double pow10_tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9
};

/*
 * printf's "%.Nf" without printf: g_ascii_formatd costs ~2,700
 * instructions a double, and a report prints hundreds of thousands.
 * The digits are those of the exact binary value rounded half to even,
 * as glibc prints them.  q, the rounded product |d| * 10^N truncated, is
 * the exact product's floor or, when the product rounded up to an
 * integer, that integer, which is then the right answer; the sign of
 * |d| * 10^N - (q + 0.5), taken with one rounding by fma and so exact,
 * says which way to round, zero being a true tie.  q + 0.5 is a double
 * while the product stays below 2^51; past that, or for a precision
 * outside the table, g_ascii_formatd does it.
 */
size_t
report_fixed(char buf[REPORT_FIXED_MAX], double d, int prec)
{
	char digits[24], *p = digits + sizeof(digits), fmt[8];
	double a = fabs(d), s, prod, r;
	uint64_t q, ip, fp;
	size_t n = 0, len;

	if (prec < 0 || prec >= (int)G_N_ELEMENTS(pow10_tab))
		goto slow;
	s = pow10_tab[prec];
	prod = a * s;
	if (!(prod < 0x1p51))	/* also NaN and infinities */
		goto slow;
	q = (uint64_t)prod;
	r = fma(a, s, -((double)q + 0.5));
	if (r > 0 || (r == 0 && (q & 1) != 0))
		q++;
	ip = q / (uint64_t)s;
	fp = q % (uint64_t)s;
	if (prec > 0) {
		p = digits_back(p, fp, prec);
		*--p = '.';
	}
	p = digits_back(p, ip, 0);
	if (signbit(d))		/* glibc: "-0.000000" for -0 and -1e-9 */
		buf[n++] = '-';
	len = (size_t)(digits + sizeof(digits) - p);
	memcpy(buf + n, p, len);
	buf[n + len] = '\0';
	return (n + len);
slow:
	g_snprintf(fmt, sizeof(fmt), "%%.%df", CLAMP(prec, 0, 99));
	g_ascii_formatd(buf, REPORT_FIXED_MAX, fmt, d);
	return (strlen(buf));
}

static void
append_double(GString *out, double d)
{
	char buf[REPORT_FIXED_MAX];
	size_t n;

	if (!isfinite(d))
		d = 0;
	n = report_fixed(buf, d, TIME_PREC);
	put(out, buf, n);
}

/* As "%" PRIu64, without printf: a report prints millions. */
static void
append_u64(GString *out, uint64_t u)
{
	char buf[24], *p = digits_back(buf + sizeof(buf), u, 0);

	put(out, p, (size_t)(buf + sizeof(buf) - p));
}

static bool
col_numeric(enum col_type type)
{
	return (type == COL_UINT || type == COL_BYTES || type == COL_PORT ||
	    type == COL_TIME || type == COL_EPOCH || type == COL_RATE ||
	    type == COL_BITRATE || type == COL_PERCENT ||
	    type == COL_PER_S || type == COL_VALUE);
}

/* "—", the mark of a value that is not there. */
#define NONE_UTF8	"\u2014"

char *
report_time_iso(double t, bool ascii)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE], date[64], *dot;
	int64_t us, sec, frac;
	struct tm tm;
	time_t tt;

	/* The microseconds of the "%.6f" the JSON prints, so both agree to
	 * the digit; 1e13 s is past year 9999 either way. */
	if (!isfinite(t) || fabs(t) >= 1e13)
		return (g_strdup(ascii ? "-" : NONE_UTF8));
	report_fixed(buf, t, TIME_PREC);
	dot = strchr(buf, '.');
	us = g_ascii_strtoll(buf, NULL, 10) * 1000000 +
	    (buf[0] == '-' ? -1 : 1) * (dot != NULL ?
	    g_ascii_strtoll(dot + 1, NULL, 10) : 0);
	sec = us / 1000000;
	frac = us % 1000000;
	if (frac < 0) {
		sec--;
		frac += 1000000;
	}
	tt = (time_t)sec;
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900 ||
	    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return (g_strdup(ascii ? "-" : NONE_UTF8));
	return (g_strdup_printf("%s.%06" PRId64 "Z", date, frac));
}

/* ---- rows ---- */

/*
 * A panel's rows as they are printed, one at a time: a table's, in its
 * order, or drawn by the panel itself into a streaming table (table.h) at
 * the final report, so that no copy of a big panel is ever whole in
 * memory.  Streamed, the panel is drawn once to count its rows and take
 * the sort column's cells, which are sorted into each drawn row's place
 * (rank); then, for each chunk of places in turn, drawn again, keeping
 * the rows whose place is in the chunk.  Drawing is repeatable: the
 * capture is over and a draw only reads the panel's state.  A chunk is
 * an eighth of what the whole table would be, and at least
 * ROWS_CHUNK_MIN bytes of cells: a small panel is one chunk, a big one
 * costs at most ten draws and an eighth of its table.  The keys (24
 * bytes a row) are freed before the first chunk; the ranks (4) stay.
 */
#define ROWS_CHUNK_MIN		((size_t)16 << 20)
#define ROWS_CHUNKS		8
#define ROWS_SPILL		(64u << 10)	/* bytes held before a write */

typedef void (*row_fn)(void *ctx, const union cell *row);

struct rows {
	const struct table	*t;	/* a table's rows; else streamed: */
	struct panel		*p;
	struct table		 meta;	/* columns, count, folded totals */
	uint32_t		*rank;	/* a drawn row's place; NULL: as
					 * drawn */
};

struct scan {
	int		 col;		/* the sort column, -1 for none */
	GArray		*keys;		/* its cells, in drawn order */
	int		 n;
	row_fn		 fn;
	void		*ctx;
};

struct chunk {
	const struct rows *rows;
	int		 seen, lo, hi;
	struct table	*buf;		/* hi - lo rows */
	row_fn		 fn;		/* unsorted: straight to fn */
	void		*ctx;
};

/* Draws p with every row going to sink, and leaves p->table empty. */
static void
draw_streamed(struct panel *p,
    void (*sink)(const struct table *, union cell *, void *), void *arg)
{
	table_set_sink(p->table, sink, arg);
	draw_tap_listener(p);
	table_flush(p->table);
	table_set_sink(p->table, NULL, NULL);
}

static void
scan_sink(const struct table *t, union cell *row, void *arg)
{
	struct scan *sc = arg;
	union cell k;

	if (sc->keys != NULL) {
		k = row[sc->col];
		/* The key outlives the row: an owned one is taken. */
		if (table_col_owns(t->cols[sc->col].type))
			row[sc->col].text = NULL;
		g_array_append_val(sc->keys, k);
	}
	if (sc->fn != NULL)
		sc->fn(sc->ctx, row);
	sc->n++;
}

struct key_sort {
	const union cell	*keys;
	enum col_type		 type;
};

/* table_sort's order: descending, ties in drawn order. */
static int
key_cmp(const void *pa, const void *pb, void *arg)
{
	const struct key_sort *ks = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = table_cell_cmp(ks->type, &ks->keys[a], &ks->keys[b]);

	if (c != 0)
		return (-c);
	return (a < b ? -1 : a > b);
}

/* A number cell as an unsigned key in table_cell_cmp's order. */
struct num_key {
	uint64_t	 k;
	uint32_t	 i;	/* the row, as drawn */
};

static uint64_t
num_key(enum col_type type, const union cell *c)
{
	uint64_t b;
	double d;

	switch (type) {
	case COL_UINT:
	case COL_BYTES:
	case COL_PORT:
		return (c->u);
	default:
		/* NaN below all (cmp_double), -0 equal to 0; then the bits
		 * of a negative flipped, of a positive above them. */
		d = c->d;
		if (d != d)
			return (0);
		if (d == 0)
			d = 0;
		memcpy(&b, &d, sizeof(b));
		return ((b >> 63) != 0 ? ~b : b | (uint64_t)1 << 63);
	}
}

/*
 * key_cmp's order for number keys without a call per comparison: a stable
 * radix sort, a byte at a time from the lowest, each byte descending, so
 * equal keys keep their drawn order.  A byte the same in every key is
 * skipped.
 */
static void
num_sort_desc(struct num_key *a, size_t n)
{
	struct num_key *tmp, *src = a, *dst, *sw;
	size_t count[256], pos, c, i;
	int shift, b;

	if (n < 2)
		return;
	dst = tmp = g_new(struct num_key, n);
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[src[i].k >> shift & 0xff]++;
		if (count[src[0].k >> shift & 0xff] == n)
			continue;
		for (pos = 0, b = 255; b >= 0; b--) {
			c = count[b];
			count[b] = pos;
			pos += c;
		}
		for (i = 0; i < n; i++)
			dst[count[src[i].k >> shift & 0xff]++] = src[i];
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof(*a));
	g_free(tmp);
}

static bool
col_number(enum col_type type)
{
	return (type == COL_UINT || type == COL_BYTES || type == COL_PORT ||
	    type == COL_PER_S || type == COL_TIME || type == COL_EPOCH ||
	    type == COL_RATE || type == COL_BITRATE || type == COL_PERCENT ||
	    type == COL_VALUE);
}

/*
 * Rows from t, or, when t is NULL, streamed from p (above), with fn
 * called on every row in the drawn order along the way (NULL: none).
 */
static void
rows_open(struct rows *r, struct panel *p, const struct table *t,
    row_fn fn, void *ctx)
{
	struct scan sc = { .col = -1, .fn = fn, .ctx = ctx };
	struct key_sort ks;
	struct num_key *nk;
	uint32_t *order;
	int i;

	memset(r, 0, sizeof(*r));
	if (t != NULL) {
		r->t = t;
		for (i = 0; fn != NULL && i < t->nrows; i++)
			fn(ctx, table_row(t, i));
		return;
	}
	r->p = p;
	if (p->cls->default_sort != NULL)
		sc.col = table_col_index(p->table, p->cls->default_sort);
	if (sc.col >= 0)
		sc.keys = g_array_new(FALSE, FALSE, sizeof(union cell));
	draw_streamed(p, scan_sink, &sc);
	r->meta = *p->table;
	r->meta.cells = NULL;
	r->meta.nrows = sc.n;
	r->meta.sink = NULL;
	table_clear(p->table);
	if (sc.keys == NULL)
		return;
	ks.keys = (const union cell *)(void *)sc.keys->data;
	ks.type = p->cls->cols[sc.col].type;
	order = g_new(uint32_t, sc.n > 0 ? (size_t)sc.n : 1);
	if (col_number(ks.type)) {
		nk = g_new(struct num_key, sc.n > 0 ? (size_t)sc.n : 1);
		for (i = 0; i < sc.n; i++) {
			nk[i].k = num_key(ks.type, &ks.keys[i]);
			nk[i].i = (uint32_t)i;
		}
		num_sort_desc(nk, (size_t)sc.n);
		for (i = 0; i < sc.n; i++)
			order[i] = nk[i].i;
		g_free(nk);
	} else {
		for (i = 0; i < sc.n; i++)
			order[i] = (uint32_t)i;
		qsort_r(order, (size_t)sc.n, sizeof(uint32_t), key_cmp,
		    &ks);
	}
	if (table_col_owns(ks.type))
		for (i = 0; i < sc.n; i++)
			g_free(g_array_index(sc.keys, union cell, i).text);
	g_array_free(sc.keys, TRUE);
	r->rank = g_new(uint32_t, sc.n > 0 ? (size_t)sc.n : 1);
	for (i = 0; i < sc.n; i++)
		r->rank[order[i]] = (uint32_t)i;
	g_free(order);
}

/* The columns, count and folded totals (no cells when streamed). */
static const struct table *
rows_table(const struct rows *r)
{
	return (r->t != NULL ? r->t : &r->meta);
}

static void
chunk_sink(const struct table *t, union cell *row, void *arg)
{
	struct chunk *ch = arg;
	int i = ch->seen++, at;

	if (ch->rows->rank == NULL) {
		ch->fn(ch->ctx, row);
		return;
	}
	if (i >= ch->rows->meta.nrows)
		return;		/* not reached: a draw is repeatable */
	at = (int)ch->rows->rank[i];
	if (at < ch->lo || at >= ch->hi)
		return;
	/* The row moves, owned cells and all: the table forgets them. */
	memcpy(table_row(ch->buf, at - ch->lo), row,
	    sizeof(union cell) * (size_t)t->ncols);
	memset(row, 0, sizeof(union cell) * (size_t)t->ncols);
}

/* fn on every row, in order. */
static void
rows_each(const struct rows *r, row_fn fn, void *ctx)
{
	struct chunk ch = { .rows = r, .fn = fn, .ctx = ctx };
	int i, n = r->meta.nrows, per;

	if (r->t != NULL) {
		for (i = 0; i < r->t->nrows; i++)
			fn(ctx, table_row(r->t, i));
		return;
	}
	if (r->rank == NULL) {
		draw_streamed(r->p, chunk_sink, &ch);
		return;
	}
	per = (int)MAX(ROWS_CHUNK_MIN / (sizeof(union cell) *
	    (size_t)MAX(r->meta.ncols, 1)), (size_t)n / ROWS_CHUNKS + 1);
	ch.buf = table_new(r->meta.cols, r->meta.ncols);
	for (ch.lo = 0; ch.lo < n; ch.lo = ch.hi) {
		ch.hi = MIN(n, ch.lo + per);
		ch.seen = 0;
		while (ch.buf->nrows < ch.hi - ch.lo)
			(void)table_add_row(ch.buf);
		draw_streamed(r->p, chunk_sink, &ch);
		for (i = 0; i < ch.hi - ch.lo; i++)
			fn(ctx, table_row(ch.buf, i));
		table_clear(ch.buf);
	}
	table_free(ch.buf);
}

static void
rows_close(struct rows *r)
{
	g_free(r->rank);
	r->rank = NULL;
}

/* Out with what is held once there is enough of it. */
static void
spill(FILE *fp, GString *out, bool all)
{
	if (out->len == 0 || (!all && out->len < ROWS_SPILL))
		return;
	fwrite(out->str, 1, out->len, fp);
	g_string_truncate(out, 0);
}

/* ---- text ---- */

/* The glyphs the text uses, and how they read in ASCII. */
static const struct {
	gunichar	 c;
	const char	*ascii;
} ascii_folds[] = {
	{ 0x2192, "->" },	/* → */
	{ 0x2190, "<-" },	/* ← */
	{ 0x2014, "-" },	/* — */
	{ 0x2013, "-" },	/* – */
	{ 0x2026, "..." },	/* … */
};

/* s (valid UTF-8, freed) in ASCII: the glyphs above folded, anything else
 * past ASCII as term_escape writes an invisible character.  g_free it. */
static char *
fold_ascii(char *s)
{
	GString *out = g_string_sized_new(strlen(s));
	const char *p = s, *end = s + strlen(s);
	gunichar c;
	size_t i;

	while (p < end) {
		if ((unsigned char)*p < 0x80) {
			g_string_append_c(out, *p++);
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			/* Not reached: the text is valid.  Never loop. */
			g_string_append_printf(out, "\\x%02x",
			    (unsigned char)*p++);
			continue;
		}
		for (i = 0; i < G_N_ELEMENTS(ascii_folds); i++)
			if (ascii_folds[i].c == c)
				break;
		if (i < G_N_ELEMENTS(ascii_folds))
			g_string_append(out, ascii_folds[i].ascii);
		else
			g_string_append_printf(out, "\\u{%04" PRIX32 "}",
			    (uint32_t)c);
		p = g_utf8_next_char(p);
	}
	g_free(s);
	return (g_string_free(out, FALSE));
}

/* s (g_malloc'd) as the text shows it: folded to ASCII if asked. */
static char *
text_str(char *s, bool ascii)
{
	return (ascii ? fold_ascii(s) : s);
}

/* One cell as display text, escaped for the terminal, appended to s. */
static void
cell_put(GString *s, const struct table_col *col, const union cell *c)
{
	char addr[ADDR_STRLEN], num[G_ASCII_DTOSTR_BUF_SIZE], *iso;
	const char *name, *leaf;
	size_t n;
	int i;

	switch (col->type) {
	case COL_UINT:
	case COL_BYTES:
	case COL_PORT:
		append_u64(s, c->u);
		return;
	case COL_PER_S:
		/* One decimal reads well; the JSON has six. */
		n = report_fixed(num, isfinite(c->d) ? c->d : 0, 1);
		put(s, num, n);
		return;
	case COL_TIME:
		append_double(s, c->d);
		return;
	case COL_EPOCH:
		iso = report_time_iso(c->d, false);
		g_string_append(s, iso);
		g_free(iso);
		return;
	case COL_RATE:
	case COL_BITRATE:
		/* A rate that cannot be known (a span of 0) is "—". */
		if (!isfinite(c->d)) {
			g_string_append(s, NONE_UTF8);
			return;
		}
		n = report_fixed(num, c->d, RATE_PREC);
		put(s, num, n);
		return;
	case COL_PERCENT:
		n = report_fixed(num, isfinite(c->d) ? c->d : 0, PCT_PREC);
		put(s, num, n);
		return;
	case COL_ADDR:
		n = addr_text(&c->addr, addr);
		term_escape_put(s, addr, n);
		return;
	case COL_PATH:
		if (c->path == NULL || c->path->n == 0)
			return;
		for (i = 1; i < c->path->n && i < TABLE_PATH_MAX; i++)
			g_string_append(s, "  ");
		name = proto_name(c->path->proto[MIN(c->path->n,
		    TABLE_PATH_MAX) - 1]);
		g_string_append(s, name);
		return;
	case COL_TEXT:
		term_escape_put(s, c->text, c->text != NULL ?
		    strlen(c->text) : 0);
		return;
	case COL_TREE:
		/* Indented by depth, as a protocol path. */
		for (i = 1; i < table_tree_depth(c->text); i++)
			g_string_append(s, "  ");
		leaf = table_tree_leaf(c->text);
		term_escape_put(s, leaf, strlen(leaf));
		return;
	case COL_VALUE:
		g_string_append(s, isfinite(c->d) ? g_ascii_formatd(num,
		    sizeof(num), "%.6g", c->d) : NONE_UTF8);
		return;
	}
}

/* A name for an address or port cell, when the flags ask for names and
 * one is known; NULL otherwise.  Not escaped.  The transport, for ports,
 * is the panel's tap (tcp, udp). */
static const char *
cell_name(const struct panel *p, const struct table_col *col,
    const union cell *c, unsigned flags, char buf[NAMES_NAME_MAX + 1])
{
	if ((flags & REPORT_NAMES) && col->type == COL_ADDR)
		return (names_lookup(names_global(), &c->addr, buf, NULL) ?
		    buf : NULL);
	if ((flags & REPORT_PORT_NAMES) && col->type == COL_PORT)
		return (names_service((unsigned)c->u, p->cls->tap));
	return (NULL);
}

/* Does the column get a name beside it in JSON (REPORT_*NAMES)? */
static bool
col_named(const struct table_col *col, unsigned flags)
{
	return (((flags & REPORT_NAMES) && col->type == COL_ADDR) ||
	    ((flags & REPORT_PORT_NAMES) && col->type == COL_PORT));
}

/* The JSON key of a column's name: "a" gives "a_name", "a_port"
 * "a_port_name", and an endpoint's "address" plain "name". */
static char *
name_key(const char *key)
{
	if (strcmp(key, "address") == 0)
		return (g_strdup("name"));
	return (g_strdup_printf("%s_name", key));
}

/* A cell's text, as the text report shows it, in dst (emptied first): a
 * buffer used again and again rather than a string a cell.  Returns the
 * columns it takes, found in the same pass as the check for ASCII. */
static int
cell_text(GString *dst, const struct panel *p, const struct table_col *col,
    const union cell *c, unsigned flags)
{
	char buf[NAMES_NAME_MAX + 1], *f;
	const char *name = cell_name(p, col, c, flags, buf);
	size_t i;

	dst->len = 0;		/* g_string_truncate, a cell at a time */
	dst->str[0] = '\0';
	if (name != NULL)
		term_escape_put(dst, name, strlen(name));
	else
		cell_put(dst, col, c);
	for (i = 0; i < dst->len; i++)
		if ((unsigned char)dst->str[i] >= 0x80)
			break;
	if (i == dst->len)
		return ((int)dst->len);		/* ASCII */
	if ((flags & REPORT_ASCII) == 0)
		return ((int)g_utf8_strlen(dst->str, -1));
	f = fold_ascii(g_strndup(dst->str, dst->len));
	g_string_assign(dst, f);
	g_free(f);
	return ((int)dst->len);		/* folded to ASCII */
}

/* Columns s takes (valid UTF-8): its length when it is ASCII.  The
 * length goes to *len, when asked. */
static int
text_width_len(const char *s, size_t *len)
{
	const char *p;

	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			break;
	if (*p == '\0') {
		if (len != NULL)
			*len = (size_t)(p - s);
		return ((int)(p - s));
	}
	if (len != NULL)
		*len = strlen(s);
	return ((int)g_utf8_strlen(s, -1));
}

static int
text_width(const char *s)
{
	return (text_width_len(s, NULL));
}

static void
pad(GString *out, int n)
{
	static const char blanks[] = "                                ";

	for (; n > (int)sizeof(blanks) - 1; n -= (int)sizeof(blanks) - 1)
		put(out, blanks, sizeof(blanks) - 1);
	if (n > 0)
		put(out, blanks, (size_t)n);
}

/* Cells laid out in columns: numbers right, text left, no trailing blanks.
 * Each cell's columns and length are in cw and cl when known (NULL: not). */
static void
append_line_known(GString *out, char **cells, const int *cw,
    const size_t *cl, const struct table *t, const int *width)
{
	int c, w, last = t->ncols - 1;
	size_t n;

	while (last > 0 && (cells[last] == NULL || cells[last][0] == '\0'))
		last--;
	for (c = 0; c <= last; c++) {
		const char *s = cells[c] != NULL ? cells[c] : "";

		if (c > 0)
			put(out, "  ", 2);
		if (cw != NULL) {
			w = cw[c];
			n = cl[c];
		} else
			w = text_width_len(s, &n);
		if (col_numeric(t->cols[c].type)) {
			pad(out, width[c] - w);
			put(out, s, n);
		} else {
			put(out, s, n);
			if (c < last)
				pad(out, width[c] - w);
		}
	}
	g_string_append_c(out, '\n');
}

static void
append_line(GString *out, char **cells, const struct table *t,
    const int *width)
{
	append_line_known(out, cells, NULL, NULL, t, width);
}

/* What the text of a panel's rows needs, pass after pass. */
struct text_rows {
	FILE			*fp;
	GString			*out;
	const struct panel	*p;
	const struct table	*t;	/* the columns */
	unsigned		 flags;
	int			*width;
	GString			**text;		/* one row's cells, */
	char			**cells;	/* their strings, */
	int			*cw;		/* columns */
	size_t			*cl;		/* and lengths */
};

/* The widths: every cell is formatted here and again when printed,
 * rather than held. */
static void
text_measure(void *arg, const union cell *row)
{
	struct text_rows *tr = arg;
	int c, w;

	for (c = 0; c < tr->t->ncols; c++) {
		w = cell_text(tr->text[c], tr->p, &tr->t->cols[c], &row[c],
		    tr->flags);
		tr->width[c] = MAX(tr->width[c], w);
	}
}

static void
text_row(void *arg, const union cell *row)
{
	struct text_rows *tr = arg;
	int c;

	for (c = 0; c < tr->t->ncols; c++) {
		tr->cw[c] = cell_text(tr->text[c], tr->p, &tr->t->cols[c],
		    &row[c], tr->flags);
		tr->cells[c] = tr->text[c]->str;
		tr->cl[c] = tr->text[c]->len;
	}
	append_line_known(tr->out, tr->cells, tr->cw, tr->cl, tr->t,
	    tr->width);
	spill(tr->fp, tr->out, false);
}

/* A panel's text: from tt, or streamed from p when tt is NULL. */
static void
text_table(FILE *fp, GString *out, struct panel *p, const struct table *tt,
    unsigned flags)
{
	bool ascii = (flags & REPORT_ASCII) != 0;
	struct text_rows tr = { .fp = fp, .out = out, .p = p,
	    .flags = flags };
	const struct table *t;
	char **other = NULL, **titles, *s;
	int c, nc, fcol, bcol;
	struct rows rows;

	s = text_str(term_escape(p->cls->title, strlen(p->cls->title)),
	    ascii);
	g_string_append_printf(out, "%s\n", s);
	g_free(s);
	if (p->filter != NULL && p->filter[0] != '\0') {
		s = text_str(term_escape(p->filter, strlen(p->filter)), ascii);
		g_string_append_printf(out, "Filter: %s\n", s);
		g_free(s);
	}
	nc = tt != NULL ? tt->ncols : p->cls->ncols;
	tr.t = tt != NULL ? tt : p->table;
	tr.width = g_new0(int, nc);
	tr.cells = g_new0(char *, nc);
	tr.text = g_new0(GString *, nc);
	tr.cw = g_new0(int, nc);
	tr.cl = g_new0(size_t, nc);
	for (c = 0; c < nc; c++)
		tr.text[c] = g_string_sized_new(64);
	rows_open(&rows, p, tt, text_measure, &tr);
	t = tr.t = rows_table(&rows);
	titles = g_new0(char *, nc);
	for (c = 0; c < nc; c++) {
		titles[c] = text_str(g_strdup(t->cols[c].title), ascii);
		tr.width[c] = MAX(tr.width[c], text_width(titles[c]));
	}
	if (t->folded_frames > 0 || t->folded_rows > 0) {
		other = g_new0(char *, nc);
		fcol = table_col_index(t, "frames");
		if (fcol < 0)
			fcol = table_col_index(t, "packets");
		bcol = table_col_index(t, "bytes");
		/* "~" for an estimate; an io panel's count is exact. */
		other[0] = g_strdup_printf("other (%s%" PRIu64 " %s)",
		    t->folded_rows_estimated ? "~" : "", t->folded_rows,
		    t->folded_rows == 1 ? "row" : "rows");
		if (fcol > 0)
			other[fcol] = g_strdup_printf("%" PRIu64,
			    t->folded_frames);
		if (bcol > 0)
			other[bcol] = g_strdup_printf("%" PRIu64,
			    t->folded_bytes);
		for (c = 0; c < nc; c++)
			if (other[c] != NULL)
				tr.width[c] = MAX(tr.width[c],
				    text_width(other[c]));
	}
	append_line(out, titles, t, tr.width);
	for (c = 0; c < nc; c++)
		g_free(titles[c]);
	g_free(titles);
	rows_each(&rows, text_row, &tr);
	if (other != NULL) {
		append_line(out, other, t, tr.width);
		for (c = 0; c < nc; c++)
			g_free(other[c]);
		g_free(other);
	}
	rows_close(&rows);
	for (c = 0; c < nc; c++)
		g_string_free(tr.text[c], TRUE);
	g_free(tr.text);
	g_free(tr.cw);
	g_free(tr.cl);
	g_free(tr.cells);
	g_free(tr.width);
}

/* "Label: value", the value escaped; only when there is a value, unless
 * always. */
static void
text_field(GString *out, const char *label, const char *value, bool always,
    bool ascii)
{
	char *s;

	if (!always && (value == NULL || value[0] == '\0'))
		return;
	s = text_str(term_escape(value, value != NULL ? strlen(value) : 0),
	    ascii);
	g_string_append_printf(out, "%s: %s\n", label, s);
	g_free(s);
}

/* One line per link type no dissector reads, with frames. */
static void
text_undissected(GString *out, const struct report_capture *cap)
{
	const struct capture_undissected *u;
	size_t i;

	for (i = 0; i < cap->nundissected; i++) {
		u = &cap->undissected[i];
		if (u->frames == 0)
			continue;
		g_string_append_printf(out, "Not dissected: %" PRIu64
		    " frame%s, %" PRIu64 " bytes of ", u->frames,
		    u->frames == 1 ? "" : "s", u->bytes);
		if (u->linktype < 0)
			g_string_append(out, "other link types\n");
		else if (u->name != NULL)
			g_string_append_printf(out, "link type %s (%d)\n",
			    u->name, u->linktype);
		else
			g_string_append_printf(out, "link type %d\n",
			    u->linktype);
	}
}

void
report_capture_counts(struct capture *c, struct report_capture *rc)
{
	struct capture_counters n;
	struct dissect_limits lim;

	memset(rc, 0, sizeof(*rc));
	capture_counters(c, &n);
	rc->packets = n.packets;
	rc->bytes = n.bytes;
	rc->dropped = n.kernel_dropped;
	rc->malformed = dissect_malformed_count(-1);
	rc->truncated = dissect_truncated_count(-1);
	dissect_limits_get(&lim);
	rc->tapq_full = lim.tapq_full;
	rc->fields_full = lim.fields_full;
	rc->arena_full = lim.arena_full;
	rc->reasm_timeout = lim.reasm_timeout;
	rc->reasm_full = lim.reasm_full;
	rc->tcp_gaps = lim.tcp_gaps;
	rc->tcp_flows_full = lim.tcp_flows_full;
	rc->tcp_bytes_full = lim.tcp_bytes_full;
	rc->tcp_timeouts = lim.tcp_timeouts;
	rc->nundissected = capture_undissected(c, rc->undissected,
	    G_N_ELEMENTS(rc->undissected));
}

void
report_text_tables(FILE *fp, const struct report_capture *cap,
    unsigned flags, struct panel *const *panels,
    const struct table *const *tables, int n)
{
	GString *out = g_string_new(NULL);
	bool ascii = (flags & REPORT_ASCII) != 0, wrote = false;
	char *s;
	int i;

	if (cap != NULL && cap->timed) {
		s = report_time_iso(cap->time, ascii);
		g_string_append_printf(out, "=== %s  interval ", s);
		append_double(out, cap->interval);
		g_string_append(out, " s  elapsed ");
		append_double(out, cap->elapsed);
		g_string_append(out, " s\n");
		g_free(s);
	}
	if (cap != NULL) {
		text_field(out, "Capture", cap->source, true, ascii);
		text_field(out, "Capture filter", cap->capture_filter, false,
		    ascii);
		text_field(out, "Display filter", cap->display_filter, false,
		    ascii);
		g_string_append_printf(out, "Packets: %" PRIu64
		    "  Bytes: %" PRIu64 "  Dropped: %" PRIu64
		    "  Malformed: %" PRIu64 "  Truncated: %" PRIu64 "\n",
		    cap->packets, cap->bytes, cap->dropped, cap->malformed,
		    cap->truncated);
		if (cap->tapq_full != 0 || cap->fields_full != 0 ||
		    cap->arena_full != 0)
			g_string_append_printf(out, "Per-packet limits hit: "
			    "tap queue full %" PRIu64 "  fields dropped %"
			    PRIu64 "  arena full %" PRIu64 "\n",
			    cap->tapq_full, cap->fields_full,
			    cap->arena_full);
		if (cap->reasm_timeout != 0 || cap->reasm_full != 0)
			g_string_append_printf(out, "Reassembly limits hit: "
			    "timed out %" PRIu64 "  dropped for room %"
			    PRIu64 "\n", cap->reasm_timeout,
			    cap->reasm_full);
		text_undissected(out, cap);
		if (cap->tcp_gaps != 0 || cap->tcp_flows_full != 0 ||
		    cap->tcp_bytes_full != 0 || cap->tcp_timeouts != 0)
			g_string_append_printf(out, "TCP reassembly: gaps %"
			    PRIu64 "  flows full %" PRIu64 "  bytes full %"
			    PRIu64 "  timeouts %" PRIu64 "\n", cap->tcp_gaps,
			    cap->tcp_flows_full, cap->tcp_bytes_full,
			    cap->tcp_timeouts);
	}
	for (i = 0; i < n; i++) {
		/* A composite panel has no table (batch lists its parts). */
		if (panels[i] == NULL || (tables != NULL ? tables[i] == NULL :
		    panels[i]->cls->parts != NULL))
			continue;
		if (out->len > 0 || wrote)
			g_string_append_c(out, '\n');
		text_table(fp, out, panels[i], tables != NULL ? tables[i] :
		    NULL, flags);
		fwrite(out->str, 1, out->len, fp);	/* as the JSON */
		g_string_truncate(out, 0);
		wrote = true;
	}
	fwrite(out->str, 1, out->len, fp);
	g_string_free(out, TRUE);
}

/* ---- JSON ---- */

/* A string that json_escape leaves as it is: printable ASCII, no '"' or
 * '\\'.  Most are (keys, addresses): they need no copy. */
static bool
json_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '"' || s[i] == '\\')
			return (false);
	return (true);
}

/* s, n bytes long with no NUL, as a JSON string. */
static void
json_string_len(GString *out, const char *s, size_t n)
{
	char *e;

	if (json_plain(s, n)) {
		g_string_append_c(out, '"');
		put(out, s, n);
		g_string_append_c(out, '"');
		return;
	}
	e = json_escape_len(s, n);

	g_string_append_c(out, '"');
	g_string_append(out, e);
	g_string_append_c(out, '"');
	g_free(e);
}

static void
json_string(GString *out, const char *s)
{
	char *e;

	if (s != NULL) {
		json_string_len(out, s, strlen(s));
		return;
	}
	e = json_escape(s);

	g_string_append_c(out, '"');
	g_string_append(out, e);
	g_string_append_c(out, '"');
	g_free(e);
}

/* A COL_TREE cell as the array of its names, from the top down. */
static void
json_tree(GString *out, const char *s)
{
	const char *sep;
	char *name;

	g_string_append_c(out, '[');
	while (s != NULL) {
		sep = strchr(s, TABLE_TREE_SEP);
		name = g_strndup(s, sep != NULL ? (size_t)(sep - s) :
		    strlen(s));
		json_string(out, name);
		g_free(name);
		if (sep == NULL)
			break;
		g_string_append_c(out, ',');
		s = sep + 1;
	}
	g_string_append_c(out, ']');
}

static void
json_cell(GString *out, const struct table_col *col, const union cell *c)
{
	char addr[ADDR_STRLEN];
	int i;

	switch (col->type) {
	case COL_UINT:
	case COL_BYTES:
	case COL_PORT:
		append_u64(out, c->u);
		break;
	case COL_PER_S:
	case COL_TIME:
	case COL_EPOCH:
	case COL_RATE:
	case COL_BITRATE:
	case COL_PERCENT:
		append_double(out, c->d);
		break;
	case COL_ADDR:
		json_string_len(out, addr, addr_text(&c->addr, addr));
		break;
	case COL_PATH:
		g_string_append_c(out, '[');
		for (i = 0; c->path != NULL && i < c->path->n &&
		    i < TABLE_PATH_MAX; i++) {
			if (i > 0)
				g_string_append_c(out, ',');
			json_string(out, proto_name(c->path->proto[i]));
		}
		g_string_append_c(out, ']');
		break;
	case COL_TEXT:
		json_string(out, c->text != NULL ? c->text : "");
		break;
	case COL_TREE:
		json_tree(out, c->text);
		break;
	case COL_VALUE:
		if (isfinite(c->d))
			append_double(out, c->d);
		else
			g_string_append(out, "null");
		break;
	}
}

/* ,"KEY_name":"name" (or null) after a named column's value. */
static void
json_name(GString *out, const struct panel *p, const struct table_col *col,
    const union cell *c, unsigned flags)
{
	char buf[NAMES_NAME_MAX + 1], *k = name_key(col->key);
	const char *name = cell_name(p, col, c, flags, buf);

	g_string_append_c(out, ',');
	json_string(out, k);
	g_string_append_c(out, ':');
	if (name != NULL)
		json_string(out, name);
	else
		g_string_append(out, "null");
	g_free(k);
}

struct json_rows {
	FILE			*fp;
	GString			*out;
	const struct panel	*p;
	const struct table	*t;	/* the columns */
	unsigned		 flags;
	const char		*nl;
	int			 n;
	char			**key;	/* each column's "\"key\":" */
	size_t			*keylen;
	size_t			 nllen;
};

static void
json_row(void *arg, const union cell *row)
{
	struct json_rows *jr = arg;
	const struct table *t = jr->t;
	GString *out = jr->out;
	int c;

	if (jr->n++ > 0)
		g_string_append_c(out, ',');
	put(out, jr->nl, jr->nllen);
	g_string_append_c(out, '{');
	for (c = 0; c < t->ncols; c++) {
		if (c > 0)
			g_string_append_c(out, ',');
		put(out, jr->key[c], jr->keylen[c]);
		json_cell(out, &t->cols[c], &row[c]);
		if (col_named(&t->cols[c], jr->flags))
			json_name(out, jr->p, &t->cols[c], &row[c],
			    jr->flags);
	}
	g_string_append_c(out, '}');
	spill(jr->fp, out, false);
}

/* A panel's object: from tt, or streamed from p when tt is NULL. */
static void
json_panel(FILE *fp, GString *out, struct panel *p, const struct table *tt,
    unsigned flags, const char *nl)
{
	struct json_rows jr = { .fp = fp, .out = out, .p = p,
	    .flags = flags, .nl = nl };
	const struct table *t;
	struct rows rows;
	int c;

	rows_open(&rows, p, tt, NULL, NULL);
	t = jr.t = rows_table(&rows);
	g_string_append(out, "{\"panel\":");
	json_string(out, p->cls->name);
	g_string_append(out, ",\"filter\":");
	json_string(out, p->filter != NULL ? p->filter : "");
	g_string_append(out, ",\"columns\":[");
	for (c = 0; c < t->ncols; c++) {
		if (c > 0)
			g_string_append_c(out, ',');
		json_string(out, t->cols[c].key);
		if (col_named(&t->cols[c], flags)) {
			char *k = name_key(t->cols[c].key);

			g_string_append_c(out, ',');
			json_string(out, k);
			g_free(k);
		}
	}
	g_string_append(out, "],\"rows\":[");
	jr.key = g_new0(char *, t->ncols > 0 ? (size_t)t->ncols : 1);
	jr.keylen = g_new0(size_t, t->ncols > 0 ? (size_t)t->ncols : 1);
	jr.nllen = strlen(nl);
	for (c = 0; c < t->ncols; c++) {
		GString *k = g_string_new(NULL);

		json_string(k, t->cols[c].key);
		g_string_append_c(k, ':');
		jr.keylen[c] = k->len;
		jr.key[c] = g_string_free(k, FALSE);
	}
	rows_each(&rows, json_row, &jr);
	for (c = 0; c < t->ncols; c++)
		g_free(jr.key[c]);
	g_free(jr.key);
	g_free(jr.keylen);
	g_string_append_printf(out, "],%s\"other\":{\"rows\":%" PRIu64
	    ",\"rows_estimated\":%s,\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
	    ",\"error_bytes\":%" PRIu64 "}}", nl,
	    t->folded_rows, t->folded_rows_estimated ? "true" : "false",
	    t->folded_frames, t->folded_bytes, t->folded_error);
	rows_close(&rows);
}

/* The capture block's "undissected" (report.h). */
static void
json_undissected(GString *out, const struct report_capture *cap)
{
	const struct capture_undissected *u;
	bool first = true;
	size_t i;

	g_string_append(out, ",\"undissected\":{");
	for (i = 0; i < cap->nundissected; i++) {
		u = &cap->undissected[i];
		if (u->frames == 0)
			continue;
		if (!first)
			g_string_append_c(out, ',');
		first = false;
		if (u->linktype < 0)
			g_string_append(out, "\"other\"");
		else if (u->name != NULL)
			json_string(out, u->name);
		else
			g_string_append_printf(out, "\"%d\"", u->linktype);
		g_string_append_printf(out, ":{\"linktype\":%d,"
		    "\"description\":", u->linktype);
		if (u->description != NULL)
			json_string(out, u->description);
		else
			g_string_append(out, "null");
		g_string_append_printf(out, ",\"frames\":%" PRIu64
		    ",\"bytes\":%" PRIu64 "}", u->frames, u->bytes);
	}
	g_string_append_c(out, '}');
}

void
report_json_tables(FILE *fp, const struct report_capture *cap,
    unsigned flags, struct panel *const *panels,
    const struct table *const *tables, int n)
{
	static const struct report_capture none;
	const char *nl = (flags & REPORT_LINE) ? "" : "\n";
	GString *out = g_string_new("{");
	bool first = true;
	int i;

	if (cap == NULL)
		cap = &none;
	if (cap->timed) {
		g_string_append(out, "\"time\":");
		append_double(out, cap->time);
		g_string_append(out, ",\"interval\":");
		append_double(out, cap->interval);
		g_string_append(out, ",\"elapsed\":");
		append_double(out, cap->elapsed);
		g_string_append_c(out, ',');
	}
	g_string_append(out, "\"capture\":{\"source\":");
	json_string(out, cap->source != NULL ? cap->source : "");
	g_string_append_printf(out, ",\"packets\":%" PRIu64
	    ",\"bytes\":%" PRIu64 ",\"dropped\":%" PRIu64
	    ",\"malformed\":%" PRIu64 ",\"truncated\":%" PRIu64
	    ",\"tap_queue_full\":%" PRIu64 ",\"fields_dropped\":%" PRIu64
	    ",\"arena_full\":%" PRIu64 ",\"reasm_timeout\":%" PRIu64
	    ",\"reasm_full\":%" PRIu64,
	    cap->packets, cap->bytes, cap->dropped, cap->malformed,
	    cap->truncated, cap->tapq_full, cap->fields_full,
	    cap->arena_full, cap->reasm_timeout, cap->reasm_full);
	g_string_append_printf(out, ",\"tcp_reasm_gaps\":%" PRIu64
	    ",\"tcp_reasm_flows_full\":%" PRIu64
	    ",\"tcp_reasm_bytes_full\":%" PRIu64
	    ",\"tcp_reasm_timeouts\":%" PRIu64 ",\"capture_filter\":",
	    cap->tcp_gaps, cap->tcp_flows_full, cap->tcp_bytes_full,
	    cap->tcp_timeouts);
	json_string(out, cap->capture_filter != NULL ?
	    cap->capture_filter : "");
	g_string_append(out, ",\"display_filter\":");
	json_string(out, cap->display_filter != NULL ?
	    cap->display_filter : "");
	json_undissected(out, cap);
	g_string_append(out, ",\"error\":");
	if (cap->error != NULL)
		json_string(out, cap->error);
	else
		g_string_append(out, "null");
	g_string_append_printf(out, "},%s\"panels\":[", nl);
	for (i = 0; i < n; i++) {
		/* A composite panel has no table (batch lists its parts). */
		if (panels[i] == NULL || (tables != NULL ? tables[i] == NULL :
		    panels[i]->cls->parts != NULL))
			continue;
		if (!first) {
			g_string_append_c(out, ',');
			g_string_append(out, nl);
		}
		first = false;
		json_panel(fp, out, panels[i], tables != NULL ? tables[i] :
		    NULL, flags, nl);
		/* Out panel by panel: the text of 20,000 rows is megabytes,
		 * and need not be held for every panel at once. */
		fwrite(out->str, 1, out->len, fp);
		g_string_truncate(out, 0);
	}
	g_string_append(out, "]}\n");
	fwrite(out->str, 1, out->len, fp);
	g_string_free(out, TRUE);
}

/* ---- from the panels ---- */

typedef void (*tables_printer)(FILE *, const struct report_capture *,
    unsigned, struct panel *const *, const struct table *const *, int);

/* A snapshot of each panel, printed, then freed. */
static void
print_snapshots(tables_printer fn, FILE *fp, const struct report_capture *cap,
    struct panel *const *panels, int n)
{
	struct table **t = g_new0(struct table *, n > 0 ? (size_t)n : 1);
	int i;

	for (i = 0; i < n; i++)
		if (panels[i] != NULL)
			t[i] = panel_snapshot(panels[i]);
	fn(fp, cap, 0, panels, (const struct table *const *)t, n);
	for (i = 0; i < n; i++)
		table_free(t[i]);
	g_free(t);
}

void
report_text(FILE *fp, const struct report_capture *cap,
    struct panel *const *panels, int n)
{
	print_snapshots(report_text_tables, fp, cap, panels, n);
}

void
report_json(FILE *fp, const struct report_capture *cap,
    struct panel *const *panels, int n)
{
	print_snapshots(report_json_tables, fp, cap, panels, n);
}
