/*
 * The Prometheus endpoint; the shape is in metrics.h.
 *
 * libmicrohttpd parses HTTP and runs one polling thread of its own: the
 * handler below answers each request there, so scrapes are served one at
 * a time and never run on the capture or the drawing thread.  The socket
 * is bound by us, before the privilege drop, and handed to the library,
 * which then only accepts on it (accept, poll, recv, send: the drop's
 * system-call filter allows them).
 *
 * The text follows Prometheus's naming guidelines: one HELP and one TYPE
 * line per family, counters end in _total, bytes in bytes.  Counters
 * never go down within a series: each panel series carries the panel's
 * start label (when its counts began: the open or the last reset, a
 * refill or a new filter included), so a reset begins new series instead
 * of lowering old ones.  Label values come from packets (hosts, URIs,
 * names): they are escaped and made valid UTF-8 here, and their number is
 * bounded by --metrics-rows per panel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "address.h"
#include "dissect.h"
#include "metrics.h"
#include "proto.h"

struct metrics_server {
	int			 fd;
	bool			 v6;
	char			*address;
	unsigned		 rows;
	struct capture		*cap;
	struct MHD_Daemon	*mhd;
};

/* Labels every panel series has; a key column of the same name gets a
 * prefix. */
static const char *const reserved_labels[] = {
	"filter", "start", "other", "instance", "job", NULL
};

void
metrics_name(GString *out, const char *s)
{
	for (; *s != '\0'; s++) {
		char c = g_ascii_tolower(*s);

		g_string_append_c(out, g_ascii_isalnum(c) ? c : '_');
	}
}

void
metrics_label_value(GString *out, const char *s)
{
	char *v = g_utf8_make_valid(s != NULL ? s : "", -1);
	const char *p;

	for (p = v; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		default:
			g_string_append_c(out, *p);
		}
	}
	g_free(v);
}

struct total {
	const char	*name;
	const char	*help;
	size_t		 off;
};

#define T(f, h) { #f, h, offsetof(struct report_capture, f) }
static const struct total totals[] = {
	T(packets, "Packets captured (after the capture filter)."),
	T(bytes, "Bytes of the packets captured, as on the wire."),
	T(dropped, "Packets the kernel dropped (live captures)."),
	T(malformed, "Packets with a malformed header."),
	T(truncated, "Packets cut short by the snapshot length."),
	T(tapq_full, "Tap entries refused: a packet's queue was full."),
	T(fields_full, "Field values not recorded: a packet's list was "
	    "full."),
	T(arena_full, "Per-packet allocations refused."),
	T(reasm_timeout, "IP datagrams whose reassembly timed out."),
	T(reasm_full, "IP datagrams dropped to stay within the reassembly "
	    "caps."),
	T(tcp_gaps, "Gaps in TCP streams being reassembled."),
	T(tcp_flows_full, "TCP flows not reassembled: the flow cap."),
	T(tcp_bytes_full, "TCP segments not reassembled: the byte cap."),
	T(tcp_timeouts, "TCP reassemblies dropped after the timeout."),
};
#undef T

void
metrics_format_totals(GString *out, const struct report_capture *rc)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(totals); i++) {
		uint64_t v = *(const uint64_t *)(const void *)
		    ((const char *)rc + totals[i].off);

		g_string_append_printf(out, "# HELP taptop_capture_%s_total %s\n"
		    "# TYPE taptop_capture_%s_total counter\n"
		    "taptop_capture_%s_total %" PRIu64 "\n", totals[i].name,
		    totals[i].help, totals[i].name, totals[i].name, v);
	}
}

static bool
is_counter(enum col_type t)
{
	return (t == COL_UINT || t == COL_BYTES);
}

static bool
is_key(enum col_type t)
{
	return (t == COL_ADDR || t == COL_PORT || t == COL_PATH ||
	    t == COL_TEXT || t == COL_TREE);
}

static void
label_name(GString *out, const char *key)
{
	int i;

	for (i = 0; reserved_labels[i] != NULL; i++)
		if (strcmp(key, reserved_labels[i]) == 0) {
			g_string_append(out, "row_");
			break;
		}
	metrics_name(out, key);
}

/* A key cell as a label value's text (unescaped). */
static void
key_text(GString *out, enum col_type t, const union cell *c)
{
	char addr[ADDR_STRLEN];
	const char *p;
	int i;

	switch (t) {
	case COL_ADDR:
		g_string_append(out, address_to_str(&c->addr, addr));
		break;
	case COL_PORT:
		g_string_append_printf(out, "%" PRIu64, c->u);
		break;
	case COL_PATH:
		for (i = 0; c->path != NULL && i < c->path->n &&
		    i < TABLE_PATH_MAX; i++) {
			if (i > 0)
				g_string_append_c(out, ':');
			g_string_append(out, proto_name(c->path->proto[i]));
		}
		break;
	case COL_TREE:
		for (p = c->text != NULL ? c->text : ""; *p != '\0'; p++)
			g_string_append_c(out, *p == TABLE_TREE_SEP ? '/' : *p);
		break;
	case COL_TEXT:
		g_string_append(out, c->text != NULL ? c->text : "");
		break;
	default:
		break;
	}
}

/* The labels every series of a panel ends with. */
static void
panel_labels(GString *out, const struct metrics_panel *mp)
{
	g_string_append(out, "filter=\"");
	metrics_label_value(out, mp->filter);
	g_string_append_printf(out, "\",start=\"%" PRId64 ".%06" PRId64 "\"",
	    mp->start_us / 1000000, mp->start_us % 1000000);
}

/* One panel's series of one family. */
static void
format_panel_family(GString *out, const char *family,
    const struct metrics_panel *mp, int col, unsigned rows)
{
	const struct table *t = mp->table;
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GString *labels = g_string_new(NULL), *text = g_string_new(NULL);
	const char *key = t->cols[col].key;
	uint64_t other = 0;
	int r, c;

	for (r = 0; r < t->nrows; r++) {
		const union cell *row = table_row(t, r);

		if ((unsigned)r >= rows) {
			other += row[col].u;
			continue;
		}
		g_string_truncate(labels, 0);
		for (c = 0; c < t->ncols; c++) {
			if (!is_key(t->cols[c].type))
				continue;
			label_name(labels, t->cols[c].key);
			g_string_append(labels, "=\"");
			g_string_truncate(text, 0);
			key_text(text, t->cols[c].type, &row[c]);
			metrics_label_value(labels, text->str);
			g_string_append(labels, "\",");
		}
		/* Two rows that name the same series: one would hide the
		 * other, so the second counts as other. */
		if (g_hash_table_contains(seen, labels->str)) {
			other += row[col].u;
			continue;
		}
		g_hash_table_add(seen, g_strdup(labels->str));
		g_string_append_printf(out, "%s{%s", family, labels->str);
		panel_labels(out, mp);
		g_string_append_printf(out, "} %" PRIu64 "\n", row[col].u);
	}
	/* What the panel's own cap folded away. */
	if (strcmp(key, "bytes") == 0)
		other += t->folded_bytes;
	else if (strcmp(key, "frames") == 0 || strcmp(key, "packets") == 0)
		other += t->folded_frames;
	g_string_append_printf(out, "%s{other=\"true\",", family);
	panel_labels(out, mp);
	g_string_append_printf(out, "} %" PRIu64 "\n", other);
	g_string_free(labels, TRUE);
	g_string_free(text, TRUE);
	g_hash_table_unref(seen);
}

/* A panel of the same class and filter came earlier (the interface's
 * overview opens some of the panels it also lists): the same counts,
 * written once. */
static bool
seen_before(const struct metrics_panel *mp, int j)
{
	int k;

	for (k = 0; k < j; k++)
		if (mp[k].cls == mp[j].cls && mp[k].table != NULL &&
		    strcmp(mp[k].filter, mp[j].filter) == 0)
			return (true);
	return (false);
}

void
metrics_format_panels(GString *out, const struct metrics_panel *mp, int n,
    unsigned rows)
{
	GString *family = g_string_new(NULL);
	const struct panel_class *cls;
	int i, j, c;

	for (i = 0; i < n; i++) {
		cls = mp[i].cls;
		if (mp[i].table == NULL || (cls->show & PANEL_CHART))
			continue;
		/* A class is written once, at its first panel. */
		for (j = 0; j < i; j++)
			if (mp[j].cls == cls && mp[j].table != NULL)
				break;
		if (j < i)
			continue;
		for (c = 0; c < cls->ncols; c++) {
			if (!is_counter(cls->cols[c].type))
				continue;
			g_string_assign(family, "taptop_");
			/* Prometheus reads "summary" in a name as its type. */
			metrics_name(family, strcmp(cls->name, "summary") == 0 ?
			    "totals" : cls->name);
			g_string_append_c(family, '_');
			metrics_name(family, cls->cols[c].key);
			g_string_append(family, "_total");
			g_string_append_printf(out, "# HELP %s %s: %s%s.\n",
			    family->str, cls->title, cls->cols[c].title,
			    cls->cols[c].type == COL_BYTES ? " (bytes)" : "");
			g_string_append_printf(out, "# TYPE %s counter\n",
			    family->str);
			for (j = i; j < n; j++)
				if (mp[j].cls == cls && mp[j].table != NULL &&
				    mp[j].table->ncols == cls->ncols &&
				    !seen_before(mp, j))
					format_panel_family(out, family->str,
					    &mp[j], c, rows);
		}
	}
	g_string_free(family, TRUE);
}

/* A scrape: the panels are copied one at a time, each under its own
 * listener lock only, then formatted with no lock held. */
static char *
scrape(struct metrics_server *m, size_t *len)
{
	GPtrArray *open = panel_list_open();
	struct metrics_panel *mp = g_new0(struct metrics_panel, open->len + 1);
	struct report_capture rc;
	GString *out = g_string_sized_new(1 << 14);
	guint i;

	for (i = 0; i < open->len; i++) {
		const struct panel_entry *e = g_ptr_array_index(open, i);

		mp[i].cls = e->cls;
		mp[i].filter = e->filter;
		if (!(e->cls->show & PANEL_CHART))
			mp[i].table = panel_peek(e, &mp[i].start_us);
	}
	report_capture_counts(m->cap, &rc);
	metrics_format_totals(out, &rc);
	metrics_format_panels(out, mp, (int)open->len, m->rows);
	for (i = 0; i < open->len; i++)
		table_free((struct table *)mp[i].table);
	g_free(mp);
	g_ptr_array_unref(open);
	*len = out->len;
	return (g_string_free(out, FALSE));
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return (ret);
}

static enum MHD_Result
handle(void *arg, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req)
{
	struct metrics_server *m = arg;
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return (reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "only GET is served\n"));
	if (strcmp(url, "/metrics") != 0)
		return (reply(conn, MHD_HTTP_NOT_FOUND,
		    "not found: the metrics are at /metrics\n"));
	body = scrape(m, &len);
	r = MHD_create_response_from_buffer_with_free_callback(len, body,
	    g_free);
	if (r == NULL) {
		g_free(body);
		return (MHD_NO);
	}
	(void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; version=0.0.4; charset=utf-8");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return (ret);
}

/* "HOST:PORT", "[V6]:PORT", ":PORT", "PORT" into a socket address. */
static bool
parse_spec(const char *spec, struct sockaddr_storage *ss, socklen_t *sl,
    char **err)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon, *port;
	char *host, *end;
	unsigned long pn;
	bool ok;

	memset(ss, 0, sizeof(*ss));
	if (spec[0] == '[') {
		if ((colon = strstr(spec, "]:")) == NULL)
			goto bad;
		host = g_strndup(spec + 1, (gsize)(colon - spec - 1));
		port = colon + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if (strchr(spec, ':') != colon)
			goto bad;	/* a bare IPv6 address: brackets */
		host = g_strndup(spec, (gsize)(colon - spec));
		port = colon + 1;
	} else {
		host = g_strdup("");
		port = spec;
	}
	errno = 0;
	pn = strtoul(port, &end, 10);
	if (*port < '0' || *port > '9' || *end != '\0' || errno != 0 ||
	    pn < 1 || pn > 65535) {
		g_free(host);
		goto bad;
	}
	if (*host == '\0' || inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		if (*host == '\0')
			in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)pn);
		*sl = sizeof(*in4);
		ok = true;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)pn);
		*sl = sizeof(*in6);
		ok = true;
	} else
		ok = false;
	g_free(host);
	if (ok)
		return (true);
bad:
	*err = g_strdup_printf("--metrics \"%s\": expected ADDRESS:PORT, as "
	    "127.0.0.1:9590, [::1]:9590 or :9590 (numeric address, port 1 "
	    "to 65535)", spec);
	return (false);
}

struct metrics_server *
metrics_bind(const char *spec, unsigned rows, char **err, bool *usage)
{
	struct sockaddr_storage ss;
	struct metrics_server *m;
	char host[INET6_ADDRSTRLEN];
	socklen_t sl;
	int fd, one = 1, e;
	bool v6;

	*usage = false;
	if (!parse_spec(spec, &ss, &sl, err)) {
		*usage = true;
		return (NULL);
	}
	v6 = ss.ss_family == AF_INET6;
	if (v6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    host, sizeof(host));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) < 0 || (v6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		*err = g_strdup_printf("--metrics: cannot listen on %s%s%s:%u: "
		    "%s", v6 ? "[" : "", host, v6 ? "]" : "",
		    ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
		    ((struct sockaddr_in *)&ss)->sin_port), g_strerror(e));
		return (NULL);
	}
	m = g_new0(struct metrics_server, 1);
	m->fd = fd;
	m->v6 = v6;
	m->rows = rows;
	m->address = g_strdup_printf("%s%s%s:%u", v6 ? "[" : "", host,
	    v6 ? "]" : "", ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port));
	return (m);
}

bool
metrics_start(struct metrics_server *m, struct capture *cap, char **err)
{
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD;

	m->cap = cap;
	if (m->v6)
		flags |= MHD_USE_IPv6;
	m->mhd = MHD_start_daemon(flags, 0, NULL, NULL, handle, m,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)m->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_CONN_TIMEOUT_S,
	    MHD_OPTION_END);
	if (m->mhd == NULL) {
		*err = g_strdup_printf("--metrics: cannot start the server on "
		    "%s", m->address);
		return (false);
	}
	return (true);
}

void
metrics_stop(struct metrics_server *m)
{
	if (m == NULL)
		return;
	if (m->mhd != NULL)
		MHD_stop_daemon(m->mhd);	/* closes the socket too */
	else
		close(m->fd);
	g_free(m->address);
	g_free(m);
}

const char *
metrics_address(const struct metrics_server *m)
{
	return (m->address);
}
