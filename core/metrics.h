/*
 * The Prometheus endpoint (--metrics): GET /metrics, in the text
 * exposition format, served by libmicrohttpd on its own thread.
 *
 * Start-up is in two steps because of the privilege drop (privdrop.h):
 * metrics_bind() parses the address and binds the listening socket while
 * taptop may still bind any port; metrics_start(), after the drop, starts
 * the server thread on that socket.  A scrape reads the capture's
 * counters (atomics) and every open panel through panel_list_open() and
 * panel_peek(): each panel is drawn into a table of the scrape's own under
 * its listener's lock, as a draw is, and the text is made afterwards with
 * no lock held.  The capture thread waits at most for one such copy.
 *
 * The formatting functions are public for the unit tests.
 */
#ifndef TAPTOP_METRICS_H
#define TAPTOP_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "capture.h"
#include "panel.h"
#include "report.h"
#include "table.h"

#define METRICS_ROWS_DEFAULT	100
#define METRICS_ROWS_MAX	100000
/* Connections served at once, and from one address; more are refused. */
#define METRICS_CONN_LIMIT	32
#define METRICS_CONN_PER_IP	16
#define METRICS_CONN_TIMEOUT_S	10

struct metrics_server;

/*
 * Parses ADDR:PORT ("127.0.0.1:9590", "[::1]:9590", ":9590" or "9590",
 * which mean 127.0.0.1) and binds it.  NULL on failure, with one line in
 * *err (g_free it) and *usage set when the address itself is wrong (a
 * usage error) rather than the bind (a port in use, a foreign address).
 */
struct metrics_server *metrics_bind(const char *spec, unsigned rows,
	    char **err, bool *usage);
/* Starts serving; the capture's totals come from cap.  False and *err
 * when the server cannot start. */
bool	 metrics_start(struct metrics_server *, struct capture *cap,
	    char **err);
/* Stops the thread and closes the socket; NULL is fine. */
void	 metrics_stop(struct metrics_server *);
/* The address bound, as "127.0.0.1:9590" (for messages). */
const char *metrics_address(const struct metrics_server *);

/* One panel of a scrape: what the exposition says of it. */
struct metrics_panel {
	const struct panel_class *cls;
	const char		*filter;
	int64_t			 start_us;	/* real time, microseconds */
	const struct table	*table;		/* sorted as the panel sorts */
};

/* A label value, escaped (backslash, double quote, newline) and made
 * valid UTF-8, appended to out. */
void	 metrics_label_value(GString *out, const char *s);
/* A name made of [a-z0-9_] only: "conv.tcp" gives "conv_tcp". */
void	 metrics_name(GString *out, const char *s);
/* The capture's counters. */
void	 metrics_format_totals(GString *out, const struct report_capture *);
/*
 * The panels' rows: for each counting column (COL_UINT, COL_BYTES) of a
 * class, one family taptop_<class>_<column>_total with a series for each
 * (the summary panel's: taptop_totals_..., as Prometheus's tools read
 * "summary" in a name as its type)
 * of the first rows rows of every panel of that class and one series
 * other="true" holding the rest (rows past rows, the panel's own folded
 * totals, rows whose labels repeat).  A time series (the io panel) is
 * left out.
 */
void	 metrics_format_panels(GString *out, const struct metrics_panel *,
	    int n, unsigned rows);

#endif
