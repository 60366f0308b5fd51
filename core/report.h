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
 *   {"capture": {"source": s, "packets": n, "bytes": n, "dropped": n,
 *                "malformed": n, "truncated": n[, "tap_queue_full": n]
 *                [, "fields_dropped": n][, "arena_full": n]},
 *    "panels": [{"panel": name, "filter": s, "columns": [key, ...],
 *                "rows": [{key: value, ...}, ...],
 *                "other": {"rows": n, "rows_estimated": b, "frames": n,
 *                          "bytes": n, "error_bytes": n}}, ...]}
 * Addresses are strings in Wireshark's form, protocol paths arrays of
 * protocol names, counts and ports integers, times numbers with six
 * decimals (never NaN or infinite: those print as 0).  "other" is always
 * there; its rows is an estimate when rows_estimated, and error_bytes
 * the bound of the row cap (flowtab.h, table.h).  The three counts of
 * per-packet limits hit (dissect.h) are there only when non-zero, in the
 * JSON as in the text header, so output from a capture that hit none is
 * the same as before they existed.
 */
#ifndef TAPTOP_REPORT_H
#define TAPTOP_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "panel.h"

struct report_capture {
	const char	*source;	/* file or interface name */
	uint64_t	 packets, bytes, dropped, malformed, truncated;
	/* Per-packet limits hit: tap entries refused, field values not
	 * recorded, arena allocations refused. */
	uint64_t	 tapq_full, fields_full, arena_full;
};

void	 report_text(FILE *, const struct report_capture *,
	    struct panel *const *panels, int n);
void	 report_json(FILE *, const struct report_capture *,
	    struct panel *const *panels, int n);

/*
 * The same from tables the caller took and keeps: tables[i] is a
 * snapshot of panels[i] (NULL when panels[i] is).  A caller that prints
 * again and again (--interval) takes panel_snapshot_if_changed() and keeps
 * an idle panel's last table, so that panel is not drawn again.
 */
void	 report_text_tables(FILE *, const struct report_capture *,
	    struct panel *const *panels, const struct table *const *tables,
	    int n);
void	 report_json_tables(FILE *, const struct report_capture *,
	    struct panel *const *panels, const struct table *const *tables,
	    int n);

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
