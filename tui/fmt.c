/*
 * Text for the screen; the contract is in fmt.h.
 *
 * Human units are SI (k = 1000) with three significant digits, as top and
 * iftop show them: a column of them stays narrow and comparable at a
 * glance.  Exact numbers are the batch printer's job.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "core/names.h"
#include "core/proto.h"
#include "core/report.h"
#include "tui/fmt.h"

static const char *const si_prefix[] = { "", "k", "M", "G", "T", "P", "E" };

/*
 * v with an SI prefix and three significant digits.  Below 1000 a count
 * prints as an integer; a rate (decimals) keeps one decimal below 10.
 */
static void
human(char *out, size_t n, double v, const char *sep, const char *unit,
    bool decimals)
{
	const char *fmt;
	size_t i = 0;

	if (!(v > 0) || !isfinite(v))	/* NaN, negative, infinite */
		v = isinf(v) && v > 0 ? 1e21 : 0;
	if (v < 999.5) {
		fmt = decimals && v < 9.95 && v != floor(v) ? "%.1f%s%s" :
		    "%.0f%s%s";
		snprintf(out, n, fmt, v, *unit != '\0' ? sep : "", unit);
		return;
	}
	while (v >= 999.5 && i + 1 < G_N_ELEMENTS(si_prefix)) {
		v /= 1000;
		i++;
	}
	if (v < 9.995)
		fmt = "%.2f%s%s%s";
	else if (v < 99.95)
		fmt = "%.1f%s%s%s";
	else
		fmt = "%.0f%s%s%s";
	snprintf(out, n, fmt, v, sep, si_prefix[i], unit);
}

void
fmt_count(char *out, size_t n, uint64_t v)
{
	human(out, n, (double)v, "", "", false);
}

void
fmt_rate(char *out, size_t n, double v)
{
	human(out, n, v, "", "", true);
}

void
fmt_bytes(char *out, size_t n, uint64_t bytes, bool bits)
{
	if (bits)
		human(out, n, (double)bytes * 8, " ", "b", false);
	else
		human(out, n, (double)bytes, " ", "B", false);
}

void
fmt_bps(char *out, size_t n, double bits_per_s)
{
	human(out, n, bits_per_s, " ", "b/s", true);
}

void
fmt_byterate(char *out, size_t n, double bytes_per_s)
{
	human(out, n, bytes_per_s, " ", "B/s", true);
}

void
fmt_elapsed(char *out, size_t n, double seconds)
{
	uint64_t s = seconds > 0 && isfinite(seconds) ? (uint64_t)seconds : 0;
	uint64_t d = s / 86400;

	if (d > 0)
		snprintf(out, n, "%" PRIu64 "d %02u:%02u:%02u", d,
		    (unsigned)(s / 3600 % 24), (unsigned)(s / 60 % 60),
		    (unsigned)(s % 60));
	else
		snprintf(out, n, "%02u:%02u:%02u", (unsigned)(s / 3600),
		    (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

void
fmt_percent(char *out, size_t n, double pct)
{
	if (!(pct > 0) || !isfinite(pct))
		pct = 0;
	snprintf(out, n, pct < 9.995 ? "%.2f%%" : "%.1f%%", pct);
}

/* Columns one character takes. */
static int
char_width(gunichar c)
{
	if (g_unichar_iszerowidth(c))
		return (0);
	return (g_unichar_iswide(c) ? 2 : 1);
}

/* The next character of s: its width, and its length in bytes (an
 * invalid byte is a character of one column). */
static size_t
next_char(const char *s, int *w)
{
	gunichar c = g_utf8_get_char_validated(s, -1);

	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*w = 1;
		return (1);
	}
	*w = char_width(c);
	return ((size_t)(g_utf8_next_char(s) - s));
}

int
fmt_width(const char *s)
{
	int total = 0, w;

	if (s == NULL)
		return (0);
	while (*s != '\0') {
		s += next_char(s, &w);
		total += w;
	}
	return (total);
}

char *
fmt_fit(const char *s, int cols, bool ascii)
{
	const char *ell = ascii ? "..." : "\u2026";
	int ellw = ascii ? 3 : 1, used = 0, w;
	const char *p;
	GString *out;
	size_t len;

	if (s == NULL)
		s = "";
	if (cols <= 0)
		return (g_strdup(""));
	if (fmt_width(s) <= cols)
		return (g_strdup(s));
	if (cols <= ellw) {
		ell = "";
		ellw = 0;
	}
	out = g_string_new(NULL);
	for (p = s; *p != '\0'; p += len) {
		len = next_char(p, &w);
		if (used + w > cols - ellw)
			break;
		g_string_append_len(out, p, (gssize)len);
		used += w;
	}
	g_string_append(out, ell);
	return (g_string_free(out, FALSE));
}

char *
fmt_slice(const char *s, int from, int cols)
{
	GString *out = g_string_new(NULL);
	int col = 0, w;
	size_t len;

	for (; s != NULL && *s != '\0'; s += len, col += w) {
		len = next_char(s, &w);
		if (col < from)
			continue;
		if (col + w > from + cols)
			break;
		g_string_append_len(out, s, (gssize)len);
	}
	return (g_string_free(out, FALSE));
}

char *
fmt_ascii(const char *s)
{
	static const struct {
		gunichar	 c;
		const char	*ascii;
	} fold[] = {
		{ 0x2192, "->" }, { 0x2190, "<-" }, { 0x2194, "<->" },
		{ 0x2026, "..." }, { 0x25b2, "^" }, { 0x25bc, "v" },
		{ 0x2500, "-" }, { 0x2502, "|" }, { 0x251c, "|" },
		{ 0x2514, "`" }, { 0x2713, "ok" }, { 0x2717, "!!" },
		{ 0x00b7, "." }, { 0x2022, "*" }, { 0x2014, "-" },
	};
	GString *out = g_string_new(NULL);
	gunichar c;
	size_t i;

	while (s != NULL && *s != '\0') {
		if ((unsigned char)*s < 0x80) {
			g_string_append_c(out, *s++);
			continue;
		}
		c = g_utf8_get_char_validated(s, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, '?');
			s++;
			continue;
		}
		for (i = 0; i < G_N_ELEMENTS(fold); i++)
			if (fold[i].c == c)
				break;
		g_string_append(out, i < G_N_ELEMENTS(fold) ?
		    fold[i].ascii : "?");
		s = g_utf8_next_char(s);
	}
	return (g_string_free(out, FALSE));
}

bool
fmt_col_numeric(enum col_type t)
{
	return (t == COL_UINT || t == COL_BYTES || t == COL_PORT ||
	    t == COL_TIME || t == COL_EPOCH || t == COL_RATE ||
	    t == COL_BITRATE || t == COL_PERCENT ||
	    t == COL_PER_S || t == COL_VALUE);
}

/* A moment (COL_EPOCH) in local time, to the second, as a person reads a
 * clock; a length of time (COL_TIME) in seconds. */
static char *
fmt_epoch(double d)
{
	char buf[64];
	struct tm tm;
	time_t t;

	if (isfinite(d) && d > -9e9 && d < 9e9) {
		t = (time_t)floor(d);
		if (localtime_r(&t, &tm) != NULL &&
		    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) > 0)
			return (g_strdup(buf));
	}
	return (g_strdup("\u2014"));
}

static char *
fmt_time(double d)
{
	if (!isfinite(d))
		d = 0;
	return (g_strdup_printf("%.3f", d));
}

char *
fmt_cell(const struct table_col *col, const union cell *c, bool bits)
{
	char buf[ADDR_STRLEN > FMT_NUM_MAX ? ADDR_STRLEN : FMT_NUM_MAX];
	const char *name;
	int depth;

	switch (col->type) {
	case COL_UINT:
		fmt_count(buf, sizeof(buf), c->u);
		return (g_strdup(buf));
	case COL_BYTES:
		fmt_bytes(buf, sizeof(buf), c->u, bits);
		return (g_strdup(buf));
	case COL_PORT:
		return (g_strdup_printf("%" PRIu64, c->u));
	case COL_PER_S:
		fmt_rate(buf, sizeof(buf), c->d);
		return (g_strdup_printf("%s/s", buf));
	case COL_TIME:
		return (fmt_time(c->d));
	case COL_EPOCH:
		return (fmt_epoch(c->d));
	case COL_RATE:
		if (bits)
			fmt_bps(buf, sizeof(buf), c->d * 8);
		else
			fmt_byterate(buf, sizeof(buf), c->d);
		return (g_strdup(buf));
	case COL_BITRATE:
		if (!isfinite(c->d))
			return (g_strdup("\u2014"));
		fmt_bps(buf, sizeof(buf), c->d);
		return (g_strdup(buf));
	case COL_PERCENT:
		fmt_percent(buf, sizeof(buf), c->d);
		return (g_strdup(buf));
	case COL_ADDR:
		address_to_str(&c->addr, buf);
		return (term_escape(buf, strlen(buf)));
	case COL_PATH:
		if (c->path == NULL || c->path->n == 0)
			return (g_strdup(""));
		depth = MIN(c->path->n, TABLE_PATH_MAX);
		name = proto_name(c->path->proto[depth - 1]);
		if (name == NULL)
			name = "?";
		return (term_escape(name, strlen(name)));
	case COL_TEXT:
		return (term_escape(c->text, c->text != NULL ?
		    strlen(c->text) : 0));
	case COL_TREE:
		name = table_tree_leaf(c->text);
		return (term_escape(name, strlen(name)));
	case COL_VALUE:
		if (!isfinite(c->d))
			return (g_strdup("\u2014"));
		return (g_strdup_printf("%.4g", c->d));
	}
	return (g_strdup(""));
}

/* Has the row counted anything: a count or byte column above zero? */
static bool
row_counted(const struct table *t, int row)
{
	const union cell *r = table_row(t, row);
	int c;

	for (c = 0; c < t->ncols; c++)
		if ((t->cols[c].type == COL_UINT ||
		    t->cols[c].type == COL_BYTES) && r[c].u != 0)
			return (true);
	return (false);
}

char *
fmt_row_cell(const struct table *t, int row, int col, bool bits)
{
	const union cell *c = &table_row(t, row)[col];

	if ((t->cols[col].type == COL_TIME ||
	    t->cols[col].type == COL_EPOCH) && (!isfinite(c->d) ||
	    !row_counted(t, row)))
		return (g_strdup("\u2014"));
	return (fmt_cell(&t->cols[col], c, bits));
}

char *
fmt_row_cell_named(const struct table *t, int row, int col, bool bits,
    const struct fmt_names *nm)
{
	const union cell *c = &table_row(t, row)[col];
	char name[NAMES_NAME_MAX + 1];
	const char *svc;

	if (nm != NULL && nm->addrs && t->cols[col].type == COL_ADDR) {
		if (names_lookup(names_global(), &c->addr, name, NULL))
			return (term_escape(name, strlen(name)));
		if (nm->request)
			names_wanted(&c->addr);
	}
	if (nm != NULL && nm->ports && t->cols[col].type == COL_PORT &&
	    (svc = names_service((unsigned)c->u, nm->transport)) != NULL)
		return (term_escape(svc, strlen(svc)));
	return (fmt_row_cell(t, row, col, bits));
}

char *
fmt_col_title(const struct table_col *col, bool bits)
{
	const char *title = col->title != NULL ? col->title : "";
	GString *s;
	const char *p, *at;

	if (!bits || (col->type != COL_BYTES && col->type != COL_RATE))
		return (g_strdup(title));
	if (strstr(title, "Bytes") == NULL && strstr(title, "bytes") == NULL)
		return (g_strdup_printf("%s (bits)", title));
	s = g_string_new(NULL);
	for (p = title; (at = strstr(p, "ytes")) != NULL; p = at + 4) {
		/* "Bytes" or "bytes" as they are written: B or b before. */
		if (at == title || (at[-1] != 'B' && at[-1] != 'b')) {
			g_string_append_len(s, p, at + 4 - p);
			continue;
		}
		g_string_append_len(s, p, at - 1 - p);
		g_string_append(s, at[-1] == 'B' ? "Bits" : "bits");
	}
	g_string_append(s, p);
	return (g_string_free(s, FALSE));
}

char *
fmt_rows(uint64_t n)
{
	return (g_strdup_printf("%" PRIu64 " %s", n, n == 1 ? "row" :
	    "rows"));
}

void
fmt_drops(const struct capture_counters *c, char **lng, char **shrt)
{
	char n[FMT_NUM_MAX], pct[FMT_NUM_MAX];
	double share = c->kernel_received > 0 ?
	    (double)c->kernel_dropped * 100 / (double)c->kernel_received : 0;

	const char *unit = c->kernel_dropped == 1 ? "packet" : "packets";

	fmt_count(n, sizeof(n), c->kernel_dropped);
	fmt_percent(pct, sizeof(pct), share);
	if (share > DROPS_HINT_PCT) {
		*lng = g_strdup_printf("kernel drops %s (%s %s): raise -B",
		    pct, n, unit);
		*shrt = g_strdup_printf("drops %s (raise -B)", pct);
	} else {
		*lng = g_strdup_printf("kernel drops %s (%s %s)", pct, n,
		    unit);
		*shrt = g_strdup_printf("drops %s", pct);
	}
}

/*
 * The widths of the columns when shown names go down rows lines, column
 * after column: into w (one per column), and their total with the gaps.
 */
static int
columns_width(const int *nw, int shown, int rows, int *w, int *ncols)
{
	int c, i, total = 0;

	*ncols = rows > 0 ? (shown + rows - 1) / rows : 0;
	for (c = 0; c < *ncols; c++) {
		w[c] = 0;
		for (i = c * rows; i < MIN((c + 1) * rows, shown); i++)
			w[c] = MAX(w[c], nw[i]);
		total += w[c] + (c > 0 ? 2 : 0);
	}
	return (total);
}

GPtrArray *
fmt_columns(const char *const *names, int n, int width, int max_lines,
    bool ascii)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	int *nw, *w, ncols, used, shown = 0, rows = 0, r, c, i;

	if (n <= 0 || max_lines <= 0)
		return (out);
	nw = g_new(int, (size_t)n);
	w = g_new(int, (size_t)n);
	for (i = 0; i < n; i++)
		nw[i] = fmt_width(names[i]);
	/* The most columns that fit, each as wide as its widest name (as
	 * ls does): the fewest lines, or the most names when cut. */
	for (ncols = MIN(n, MAX(1, (width + 2) / 3)); ncols >= 1; ncols--) {
		rows = (n + ncols - 1) / ncols;
		shown = n;
		if (rows > max_lines) {
			rows = max_lines - 1;
			shown = rows * ncols;
		}
		if (ncols == 1 || columns_width(nw, shown, rows, w, &used) <=
		    width)
			break;
	}
	(void)columns_width(nw, shown, rows, w, &used);
	for (r = 0; r < rows; r++) {
		GString *line = g_string_new(NULL);

		for (c = 0; c < used && (i = c * rows + r) < shown; c++) {
			if (c > 0)
				g_string_append_printf(line, "%*s",
				    w[c - 1] - nw[i - rows] + 2, "");
			g_string_append(line, names[i]);
		}
		g_ptr_array_add(out, g_string_free(line, FALSE));
	}
	if (shown < n)
		g_ptr_array_add(out, g_strdup_printf("%s and %d more",
		    ascii ? "..." : "\u2026", n - shown));
	g_free(nw);
	g_free(w);
	return (out);
}

static int
path_depth(const union cell *c)
{
	if (c->path == NULL || c->path->n == 0)
		return (1);
	return (MIN(c->path->n, TABLE_PATH_MAX));
}

char *
fmt_path_indent(const union cell *c)
{
	int d = path_depth(c);

	return (g_strnfill((gsize)(d - 1) * 2, ' '));
}

bool
fmt_col_tree(enum col_type t)
{
	return (t == COL_PATH || t == COL_TREE);
}

/* A tree cell's depth, protocol path or tree of names. */
static int
tree_depth(enum col_type t, const union cell *c)
{
	if (t == COL_TREE)
		return (MIN(table_tree_depth(c->text), TABLE_PATH_MAX));
	return (path_depth(c));
}

char *
fmt_tree_indent(enum col_type t, const union cell *c)
{
	return (g_strnfill((gsize)(tree_depth(t, c) - 1) * 2, ' '));
}

/*
 * One pass from the last row up.  more[d] says whether a row of depth d
 * comes later with no shallower row in between: then the row at depth d
 * has a sibling below it ("├─" rather than "└─"), and deeper rows draw a
 * vertical line in that depth's column.
 */
char **
fmt_tree_prefixes(const struct table *t, int col, bool ascii)
{
	const char *tee = ascii ? "|-" : "\u251c\u2500";
	const char *elbow = ascii ? "`-" : "\u2514\u2500";
	const char *bar = ascii ? "| " : "\u2502 ";
	bool more[TABLE_PATH_MAX + 2] = { false };
	char **out;
	GString *s;
	int r, d, a, x;

	if (t == NULL || col < 0 || col >= t->ncols ||
	    !fmt_col_tree(t->cols[col].type))
		return (NULL);
	out = g_new0(char *, (size_t)t->nrows + 1);
	for (r = t->nrows - 1; r >= 0; r--) {
		d = tree_depth(t->cols[col].type, &table_row(t, r)[col]);
		s = g_string_new(NULL);
		for (a = 2; a < d; a++)
			g_string_append(s, more[a] ? bar : "  ");
		if (d >= 2)
			g_string_append(s, more[d] ? tee : elbow);
		out[r] = g_string_free(s, FALSE);
		more[d] = true;
		for (x = d + 1; x <= TABLE_PATH_MAX; x++)
			more[x] = false;
	}
	return (out);
}

char *
fmt_segments(const struct fmt_seg *seg, int n, const char *sep, int width)
{
	bool *keep = g_new(bool, (size_t)MAX(n, 1));
	bool *shrt = g_new0(bool, (size_t)MAX(n, 1));
	int i, total, pick, kept, sepw = fmt_width(sep);
	GString *out;

	for (i = 0; i < n; i++)
		keep[i] = seg[i].lng != NULL && seg[i].lng[0] != '\0';
	for (;;) {
		bool first = true;

		total = 0;
		for (i = 0; i < n; i++) {
			if (!keep[i])
				continue;
			total += (first ? 0 : sepw) + fmt_width(shrt[i] &&
			    seg[i].shrt != NULL ? seg[i].shrt : seg[i].lng);
			first = false;
		}
		if (total <= width)
			break;
		/* Shorten the least important segment that can be, else
		 * leave out the least important one. */
		pick = -1;
		for (i = 0; i < n; i++)
			if (keep[i] && !shrt[i] && seg[i].shrt != NULL &&
			    strcmp(seg[i].shrt, seg[i].lng) != 0 &&
			    (pick < 0 || seg[i].prio < seg[pick].prio))
				pick = i;
		if (pick >= 0) {
			shrt[pick] = true;
			continue;
		}
		kept = 0;
		for (i = 0; i < n; i++)
			if (keep[i]) {
				kept++;
				if (pick < 0 || seg[i].prio < seg[pick].prio)
					pick = i;
			}
		/* The most important one stays: the caller cuts it. */
		if (kept <= 1)
			break;
		keep[pick] = false;
	}
	out = g_string_new(NULL);
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (out->len > 0)
			g_string_append(out, sep);
		g_string_append(out, shrt[i] && seg[i].shrt != NULL ?
		    seg[i].shrt : seg[i].lng);
	}
	g_free(keep);
	g_free(shrt);
	return (g_string_free(out, FALSE));
}
