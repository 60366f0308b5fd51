/*
 * The batch printers and the escapers; the contract is in report.h.
 *
 * Both printers work the same way: draw the panel, copy its table, sort
 * the copy, format every cell into a GString and write it out.  Numbers are
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

#include "names.h"
#include "proto.h"
#include "report.h"

#define TIME_FMT	"%.6f"
#define RATE_FMT	"%.1f"		/* text: rates, bytes or bits per s */
#define PCT_FMT		"%.2f"		/* text: percentages */

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

char *
term_escape(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	GString *out = g_string_sized_new(len + 1);
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
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
	return (g_string_free(out, FALSE));
}

static void
append_double(GString *out, double d)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (!isfinite(d))
		d = 0;
	g_string_append(out, g_ascii_formatd(buf, sizeof(buf), TIME_FMT, d));
}

/* d with a printf format, in the C locale whatever the process's. */
static char *
fixed(double d, const char *fmt)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (!isfinite(d))
		d = 0;
	return (g_strdup(g_ascii_formatd(buf, sizeof(buf), fmt, d)));
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
	g_ascii_formatd(buf, sizeof(buf), TIME_FMT, t);
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

/* One cell as display text, escaped for the terminal.  g_free it. */
static char *
cell_utf8(const struct table_col *col, const union cell *c)
{
	char addr[ADDR_STRLEN], num[G_ASCII_DTOSTR_BUF_SIZE], *esc;
	GString *s;
	const char *name;
	int i;

	switch (col->type) {
	case COL_UINT:
	case COL_BYTES:
	case COL_PORT:
		return (g_strdup_printf("%" PRIu64, c->u));
	case COL_PER_S:
		/* One decimal reads well; the JSON has six. */
		return (g_strdup(g_ascii_formatd(num, sizeof(num), "%.1f",
		    isfinite(c->d) ? c->d : 0)));
	case COL_TIME:
		s = g_string_new(NULL);
		append_double(s, c->d);
		return (g_string_free(s, FALSE));
	case COL_EPOCH:
		return (report_time_iso(c->d, false));
	case COL_RATE:
	case COL_BITRATE:
		/* A rate that cannot be known (a span of 0) is "—". */
		return (isfinite(c->d) ? fixed(c->d, RATE_FMT) :
		    g_strdup(NONE_UTF8));
	case COL_PERCENT:
		return (fixed(c->d, PCT_FMT));
	case COL_ADDR:
		address_to_str(&c->addr, addr);
		return (term_escape(addr, strlen(addr)));
	case COL_PATH:
		if (c->path == NULL || c->path->n == 0)
			return (g_strdup(""));
		s = g_string_new(NULL);
		for (i = 1; i < c->path->n && i < TABLE_PATH_MAX; i++)
			g_string_append(s, "  ");
		name = proto_name(c->path->proto[MIN(c->path->n,
		    TABLE_PATH_MAX) - 1]);
		g_string_append(s, name);
		return (g_string_free(s, FALSE));
	case COL_TEXT:
		return (term_escape(c->text, c->text != NULL ?
		    strlen(c->text) : 0));
	case COL_TREE:
		/* Indented by depth, as a protocol path. */
		s = g_string_new(NULL);
		for (i = 1; i < table_tree_depth(c->text); i++)
			g_string_append(s, "  ");
		esc = term_escape(table_tree_leaf(c->text),
		    strlen(table_tree_leaf(c->text)));
		g_string_append(s, esc);
		g_free(esc);
		return (g_string_free(s, FALSE));
	case COL_VALUE:
		return (isfinite(c->d) ? g_strdup(g_ascii_formatd(num,
		    sizeof(num), "%.6g", c->d)) : g_strdup(NONE_UTF8));
	}
	return (g_strdup(""));
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

static char *
cell_text(const struct panel *p, const struct table_col *col,
    const union cell *c, unsigned flags)
{
	char buf[NAMES_NAME_MAX + 1];
	const char *name = cell_name(p, col, c, flags, buf);

	return (text_str(name != NULL ? term_escape(name, strlen(name)) :
	    cell_utf8(col, c), (flags & REPORT_ASCII) != 0));
}

static int
text_width(const char *s)
{
	return ((int)g_utf8_strlen(s, -1));
}

static void
pad(GString *out, int n)
{
	while (n-- > 0)
		g_string_append_c(out, ' ');
}

/* Cells laid out in columns: numbers right, text left, no trailing blanks. */
static void
append_line(GString *out, char **cells, const struct table *t,
    const int *width)
{
	int c, w, last = t->ncols - 1;

	while (last > 0 && (cells[last] == NULL || cells[last][0] == '\0'))
		last--;
	for (c = 0; c <= last; c++) {
		const char *s = cells[c] != NULL ? cells[c] : "";

		if (c > 0)
			g_string_append(out, "  ");
		w = text_width(s);
		if (col_numeric(t->cols[c].type)) {
			pad(out, width[c] - w);
			g_string_append(out, s);
		} else {
			g_string_append(out, s);
			if (c < last)
				pad(out, width[c] - w);
		}
	}
	g_string_append_c(out, '\n');
}

static void
text_table(GString *out, const struct panel *p, const struct table *t,
    unsigned flags)
{
	bool ascii = (flags & REPORT_ASCII) != 0;
	char **cells, **other = NULL, **titles, *s;
	int *width, r, c, nc = t->ncols, fcol, bcol;

	s = text_str(term_escape(p->cls->title, strlen(p->cls->title)),
	    ascii);
	g_string_append_printf(out, "%s\n", s);
	g_free(s);
	if (p->filter != NULL && p->filter[0] != '\0') {
		s = text_str(term_escape(p->filter, strlen(p->filter)), ascii);
		g_string_append_printf(out, "Filter: %s\n", s);
		g_free(s);
	}
	width = g_new0(int, nc);
	titles = g_new0(char *, nc);
	cells = g_new0(char *, (size_t)(t->nrows + 1) * (size_t)nc + 1);
	for (c = 0; c < nc; c++) {
		titles[c] = text_str(g_strdup(t->cols[c].title), ascii);
		width[c] = text_width(titles[c]);
	}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < nc; c++) {
			s = cell_text(p, &t->cols[c], &table_row(t, r)[c],
			    flags);
			cells[r * nc + c] = s;
			width[c] = MAX(width[c], text_width(s));
		}
	if (t->folded_frames > 0 || t->folded_rows > 0) {
		other = cells + (size_t)t->nrows * (size_t)nc;
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
				width[c] = MAX(width[c], text_width(other[c]));
	}
	append_line(out, titles, t, width);
	for (c = 0; c < nc; c++)
		g_free(titles[c]);
	g_free(titles);
	for (r = 0; r < t->nrows; r++)
		append_line(out, cells + (size_t)r * (size_t)nc, t, width);
	if (other != NULL)
		append_line(out, other, t, width);
	for (r = 0; r < (t->nrows + 1) * nc; r++)
		g_free(cells[r]);
	g_free(cells);
	g_free(width);
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
		if (panels[i] == NULL || tables[i] == NULL)
			continue;
		if (out->len > 0 || wrote)
			g_string_append_c(out, '\n');
		text_table(out, panels[i], tables[i], flags);
		fwrite(out->str, 1, out->len, fp);	/* as the JSON */
		g_string_truncate(out, 0);
		wrote = true;
	}
	fwrite(out->str, 1, out->len, fp);
	g_string_free(out, TRUE);
}

/* ---- JSON ---- */

static void
json_string(GString *out, const char *s)
{
	char *e = json_escape(s);

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
		g_string_append_printf(out, "%" PRIu64, c->u);
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
		json_string(out, address_to_str(&c->addr, addr));
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

static void
json_panel(GString *out, const struct panel *p, const struct table *t,
    unsigned flags, const char *nl)
{
	int r, c;

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
	for (r = 0; r < t->nrows; r++) {
		const union cell *row = table_row(t, r);

		if (r > 0)
			g_string_append_c(out, ',');
		g_string_append(out, nl);
		g_string_append_c(out, '{');
		for (c = 0; c < t->ncols; c++) {
			if (c > 0)
				g_string_append_c(out, ',');
			json_string(out, t->cols[c].key);
			g_string_append_c(out, ':');
			json_cell(out, &t->cols[c], &row[c]);
			if (col_named(&t->cols[c], flags))
				json_name(out, p, &t->cols[c], &row[c], flags);
		}
		g_string_append_c(out, '}');
	}
	g_string_append_printf(out, "],%s\"other\":{\"rows\":%" PRIu64
	    ",\"rows_estimated\":%s,\"frames\":%" PRIu64 ",\"bytes\":%" PRIu64
	    ",\"error_bytes\":%" PRIu64 "}}", nl,
	    t->folded_rows, t->folded_rows_estimated ? "true" : "false",
	    t->folded_frames, t->folded_bytes, t->folded_error);
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
		if (panels[i] == NULL || tables[i] == NULL)
			continue;
		if (!first) {
			g_string_append_c(out, ',');
			g_string_append(out, nl);
		}
		first = false;
		json_panel(out, panels[i], tables[i], flags, nl);
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
