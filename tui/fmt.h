/*
 * Text for the screen: numbers in human units, cells of a table, widths
 * of UTF-8 text in terminal columns, and the ASCII fallback.
 *
 * Nothing here touches curses, so every function is unit-tested
 * (tests/unit/test_tui.c).  Every cell that came from a packet passes
 * through term_escape (core/report.h) here, before any front end sees it.
 */
#ifndef TAPTOP_TUI_FMT_H
#define TAPTOP_TUI_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/capture.h"
#include "core/table.h"

#define FMT_NUM_MAX	32		/* room for any number formatted here */

/* 999 -> "999", 1234 -> "1.23k", 12345678 -> "12.3M": three digits. */
void	 fmt_count(char *out, size_t n, uint64_t v);

/* A rate: like fmt_count, but one decimal below 10 ("0.5"). */
void	 fmt_rate(char *out, size_t n, double v);

/* Bytes, or bits when bits is set: "512 B", "1.23 kB", "9.84 kb". */
void	 fmt_bytes(char *out, size_t n, uint64_t bytes, bool bits);

/* Bits per second: "0 b/s", "12.3 Mb/s"; bytes: "0 B/s", "1.54 MB/s". */
void	 fmt_bps(char *out, size_t n, double bits_per_s);
void	 fmt_byterate(char *out, size_t n, double bytes_per_s);

/* An elapsed time: "00:01:02", "1d 02:03:04". */
void	 fmt_elapsed(char *out, size_t n, double seconds);

/* A percentage with two decimals, or one at 10 and more. */
void	 fmt_percent(char *out, size_t n, double pct);

/* Display width of UTF-8 text in terminal columns (wide characters count
 * two, combining marks none, a byte that is not UTF-8 one). */
int	 fmt_width(const char *s);

/*
 * s cut to at most cols columns, with an ellipsis ("…", or "..." when
 * ascii) at the end when it was cut.  g_free the result.
 */
char	*fmt_fit(const char *s, int cols, bool ascii);

/* The characters of s whose columns lie in [from, from + cols): a
 * horizontal window on a long line.  g_free the result. */
char	*fmt_slice(const char *s, int from, int cols);

/*
 * s for a terminal that is not UTF-8: arrows, ellipses, tree and sort
 * glyphs become ASCII look-alikes ("→" is "->"), any other non-ASCII
 * character "?".  g_free the result.
 */
char	*fmt_ascii(const char *s);

/*
 * One cell as text, escaped for the terminal: counts in human units, byte
 * columns in bytes or bits, rates in bytes or bits per second (bits/s
 * columns always in bits, "—" when not known), shares in percent, times
 * in seconds (or a date when absolute),
 * paths as the last protocol's name (the caller indents), text through
 * term_escape.  g_free the result.
 */
char	*fmt_cell(const struct table_col *, const union cell *, bool bits);

/*
 * Cell col of row as fmt_cell shows it, except a time that is not known:
 * a time column of a row that has counted nothing yet (every count and
 * byte column 0, as a summary before the first packet) shows "—", as
 * does a time that is not a number.  g_free the result.
 */
char	*fmt_row_cell(const struct table *, int row, int col, bool bits);

/*
 * How addresses and ports are shown: as names when asked and known.
 * transport ("tcp", "udp", the panel class's tap) says whose service
 * names a port takes.  With request, an address shown without a name is
 * handed to the resolver (names_wanted: nothing happens without
 * --resolve); the interface asks only for the rows on screen.
 */
struct fmt_names {
	bool		 addrs;
	bool		 ports;
	bool		 request;
	const char	*transport;
};

/*
 * fmt_row_cell, with an address cell shown as its name (core/names.h)
 * and a port as its service name when nm says so and one is known;
 * escaped for the terminal, as a name may come from a packet.  nm NULL:
 * fmt_row_cell.  g_free the result.
 */
char	*fmt_row_cell_named(const struct table *, int row, int col, bool bits,
	    const struct fmt_names *nm);

/*
 * A column's title in the unit its cells are shown in: with bits, a byte
 * or rate column's "Bytes" reads "Bits" ("Bytes A→B" is "Bits A→B"), and
 * one with no "Bytes" in its title gets " (bits)".  g_free the result.
 */
char	*fmt_col_title(const struct table_col *, bool bits);

/* "1 row", "2 rows": n and the word, singular for one.  g_free it. */
char	*fmt_rows(uint64_t n);

/*
 * The status line's drop segment of a live capture, from its counters
 * alone: the kernel's drops as a share of the packets the kernel received
 * (its own count, not taptop's: the two are counted at different places
 * and times, so they are not compared).  Above DROPS_HINT_PCT it suggests
 * a larger buffer (-B).  *lng and *shrt: g_free them.
 */
#define DROPS_HINT_PCT	0.1
void	 fmt_drops(const struct capture_counters *, char **lng, char **shrt);

/*
 * Names laid out in columns, as a shell lists completions: down the first
 * column, then the next, each column as wide as its widest name, two
 * spaces apart, as many columns as fit in width.  A name is never split
 * across lines (one wider than width is the caller's to cut).  At most
 * max_lines lines; when the names do not fit, the last line says
 * "… and N more" ("... and N more" when ascii) and the names shown are
 * the first ones.  Returns the lines (g_ptr_array_unref it).
 */
GPtrArray *fmt_columns(const char *const *names, int n, int width,
	    int max_lines, bool ascii);

/* True for columns shown right-aligned (numbers). */
bool	 fmt_col_numeric(enum col_type);

/*
 * Tree prefixes for a table whose column col holds protocol paths in tree
 * order (depth first): for each row, "├─", "└─" and "│ " drawn from the
 * depths of the rows after it ("|-", "`-", "| " when ascii).  Returns an
 * array of nrows strings (g_strfreev it), or NULL if col is not a path.
 */
char	**fmt_tree_prefixes(const struct table *, int col, bool ascii);

/* Plain indentation for a path cell: two spaces per level below the root. */
char	*fmt_path_indent(const union cell *);

/* A column drawn as a tree (COL_PATH, COL_TREE), and the indentation of
 * one of its cells by depth. */
bool	 fmt_col_tree(enum col_type);
char	*fmt_tree_indent(enum col_type, const union cell *);

/*
 * Status-line layout: segments in order, each with a long and a short
 * form and a priority (higher is kept longer).  To fit width, segments go
 * short lowest priority first, then are left out lowest priority first.
 * The kept ones are joined by sep.  g_free the result.
 */
struct fmt_seg {
	const char	*lng;
	const char	*shrt;		/* NULL: same as lng */
	int		 prio;
};
char	*fmt_segments(const struct fmt_seg *, int n, const char *sep,
	    int width);

#endif
