/*
 * Batch output: the panels' tables as aligned text or as one JSON object,
 * and the two escapers every front end uses for text that came from
 * packets.
 *
 * The printers take a snapshot of each panel (panel_snapshot: drawn so its
 * table is current, sorted) and format it with no tap lock held.  They must
 * not be called from inside a tap callback.  Rows are sorted by the
 * class's default_sort, descending and stable (ties stay in the order the
 * panel drew them, which for conversations and endpoints is the order
 * first seen, as tshark lists them); a class without one (summary,
 * protocols) keeps the drawn order, the protocol tree's.
 *
 * JSON shape:
 *   {["time": t, "interval": t, "elapsed": t,]
 *    "capture": {"source": s, "packets": n, "bytes": n, "dropped": n,
 *                "malformed": n, "truncated": n, "tap_queue_full": n,
 *                "fields_dropped": n, "arena_full": n,
 *                "reasm_timeout": n, "reasm_full": n,
 *                "tcp_reasm_gaps": n, "tcp_reasm_flows_full": n,
 *                "tcp_reasm_bytes_full": n, "tcp_reasm_timeouts": n,
 *                "capture_filter": s, "display_filter": s,
 *                "undissected": {key: {"linktype": n, "description": s,
 *                                      "frames": n, "bytes": n}, ...},
 *                "error": s},
 *    "panels": [{"panel": name, "filter": s, "columns": [key, ...],
 *                "rows": [{key: value, ...}, ...],
 *                "other": {"rows": n, "rows_estimated": b, "frames": n,
 *                          "bytes": n, "error_bytes": n}}, ...]}
 * Addresses are strings in Wireshark's form, protocol paths arrays of
 * protocol names, counts and ports integers, times, rates and shares
 * numbers with six decimals (never NaN or infinite: those print as 0, so
 * a moment that is not known, such as an empty summary's start, is 0).
 * Every key of "capture" is always there, so that the schema does not
 * depend on the traffic: the filters are "" when none was given, the
 * three counts of per-packet limits hit (dissect.h) 0 when none was.
 * "undissected" counts the frames of link types no dissector reads, by
 * link type, {} when there were none: the key is libpcap's name for the
 * link type ("C_HDLC"), its number when libpcap has none ("106"), or
 * "other" for link types past CAPTURE_UNDISSECTED_MAX (linktype -1);
 * description is libpcap's, or null.  "error" is null, or the line taptop
 * printed on standard error when the capture failed: a file whose header
 * is bad still gives a JSON object, whose capture block says why, with
 * no panels.
 * "other" is always there; its rows is an estimate when rows_estimated,
 * and error_bytes the bound of the row cap (flowtab.h, table.h).  time,
 * interval and elapsed lead a snapshot of --interval (struct
 * report_capture) and only those.
 * With REPORT_LINE the object is on one line (NDJSON); otherwise each row
 * and each panel starts a line.
 *
 * Names (core/names.h): with REPORT_NAMES every address column K is
 * followed, in "columns" and in each row, by K_name ("a_name", "b_name";
 * an endpoint's "address" by "name"): the address's name in the table
 * names_global(), or null when it has none.  REPORT_PORT_NAMES does the
 * same for port columns ("a_port_name", "port_name") with the service
 * names of the panel's transport.  The text shows the name in place of
 * the address or port, when there is one.
 *
 * Text: a header (the snapshot's time for --interval, the source, the
 * filters when set, the counts, the limits when one was hit), then each
 * panel: its title, its filter when set, the column titles and the rows,
 * and the "other" line when rows were folded.  Moments (COL_EPOCH) print
 * as ISO 8601 in UTC with microseconds (report_time_iso), "—" when there
 * is none; lengths of time as seconds; rates (COL_RATE in bytes,
 * COL_BITRATE in bits per second) with one decimal, "—" when not known;
 * shares with two.  Rows are written out as they are formatted, text or
 * JSON; the text's column widths come from a first pass that formats each
 * cell and keeps only its width.  With REPORT_ASCII (a locale that is not UTF-8) the text
 * is folded to ASCII: "->" for "→", "-" for "—", and \u{NNNN} for any
 * other character past ASCII.
 */
#ifndef TAPTOP_REPORT_H
#define TAPTOP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "panel.h"

struct report_capture {
	const char	*source;	/* file or interface name */
	uint64_t	 packets, bytes, dropped, malformed, truncated;
	/* Per-packet limits hit: tap entries refused, field values not
	 * recorded, arena allocations refused. */
	uint64_t	 tapq_full, fields_full, arena_full;
	/* IP datagrams whose reassembly was dropped unfinished: after the
	 * timeout, or to stay within the caps (core/reasm.h). */
	uint64_t	 reasm_timeout, reasm_full;
	/* TCP reassembly's bounds hit (dissect.h, tcpreasm.h). */
	uint64_t	 tcp_gaps, tcp_flows_full, tcp_bytes_full, tcp_timeouts;
	const char	*capture_filter;	/* -f, NULL or "" for none */
	const char	*display_filter;	/* -Y, NULL or "" for none */
	/* Frames of link types no dissector reads (capture.h); entries
	 * with no frame are not printed. */
	struct capture_undissected undissected[CAPTURE_UNDISSECTED_MAX + 1];
	size_t		 nundissected;
	/* Why the capture failed, the line taptop prints on stderr (a file
	 * whose header is bad, an interface it may not capture on, a read
	 * error), or NULL. */
	const char	*error;
	/* A snapshot of --interval: the end of its interval (epoch seconds
	 * of capture time), the interval's length and the time from the
	 * capture's start to its end, in seconds. */
	bool		 timed;
	double		 time, interval, elapsed;
};

#define REPORT_ASCII	0x1	/* text: ASCII only (above) */
#define REPORT_LINE	0x2	/* JSON: the object on one line */
#define REPORT_NAMES	0x4	/* addresses' names (below) */
#define REPORT_PORT_NAMES 0x8	/* ports' service names (below) */

/* The capture's counters now (atomics all, so any thread): packets, bytes,
 * drops, malformed, truncated, the limits hit and the undissected link
 * types; source, filters and error are the caller's to set. */
void	 report_capture_counts(struct capture *, struct report_capture *);

void	 report_text(FILE *, const struct report_capture *,
	    struct panel *const *panels, int n);
void	 report_json(FILE *, const struct report_capture *,
	    struct panel *const *panels, int n);

/*
 * The same from tables the caller took and keeps, with REPORT_* flags:
 * tables[i] is a snapshot of panels[i] (NULL when panels[i] is).  A
 * caller that prints again and again (--interval) takes
 * panel_snapshot_if_changed() and keeps an idle panel's last table, so
 * that panel is not drawn again.
 *
 * tables NULL streams from the panels (batch mode's last report):
 * each panel is drawn row by row into the output (report.c), in the
 * order a snapshot has, and never
 * held whole: memory stays that of the panels' state, plus a chunk of
 * rows (an eighth of the table at most) and 4 bytes a row.  Only once no
 * packet can come (the capture is over): a panel is drawn several times.
 */
void	 report_text_tables(FILE *, const struct report_capture *,
	    unsigned flags, struct panel *const *panels,
	    const struct table *const *tables, int n);
void	 report_json_tables(FILE *, const struct report_capture *,
	    unsigned flags, struct panel *const *panels,
	    const struct table *const *tables, int n);

/*
 * A moment as ISO 8601 in UTC, to the microsecond, as the JSON's six
 * decimals give it: "2013-05-02T20:20:33.491822Z".  "—" (or "-" with
 * ascii) for NaN, infinities and moments past year 9999 or before year 0.
 * g_free the result.
 */
char	*report_time_iso(double t, bool ascii);

/*
 * d as printf's "%.<prec>f" in the C locale (the bytes g_ascii_formatd
 * gives), into buf; returns the length.  Fast for the precisions the
 * reports print (0 to 9) while |d| * 10^prec < 2^51; anything else,
 * infinities and NaN too, goes through g_ascii_formatd.
 */
#define REPORT_FIXED_MAX	G_ASCII_DTOSTR_BUF_SIZE
size_t	 report_fixed(char buf[REPORT_FIXED_MAX], double d, int prec);

/*
 * The body of a JSON string (no quotes) for s: '"' and '\' escaped, every
 * control character (C0, DEL, C1) and U+2028/U+2029 as \u00XX / \uXXXX,
 * each byte that is not part of valid UTF-8 as \ufffd.  g_free the result.
 * json_escape takes a NUL-terminated string (NULL gives ""); the _len form
 * takes bytes that may contain NULs.
 */
char	*json_escape(const char *s);
char	*json_escape_len(const char *s, size_t len);

/*
 * Text safe for a terminal: C0 controls, DEL and each byte that is not
 * part of valid UTF-8 become \xNN; C1 controls (U+0080-U+009F), the bidi
 * marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069) and the line and paragraph separators
 * (U+2028, U+2029) become \u{NNNN}; a backslash becomes \\ so escapes
 * cannot be forged.  Everything else (printable UTF-8) is kept.  s may be
 * NULL when len is 0.  g_free the result.
 */
char	*term_escape(const char *s, size_t len);

#endif
