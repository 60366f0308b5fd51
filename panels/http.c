/*
 * HTTP: requests by method and by host, responses by status code, and the
 * URIs asked for most.  A description of counters (core/stats_tree.h) on
 * the "http" tap, one record per message.
 *
 * Status codes are grouped as tshark's http,tree groups them: a node per
 * class (1xx to 5xx) with the codes seen under it, and codes outside
 * 100..599 under "Other codes"; a response line without a code counts
 * under "Responses" alone.  Methods, hosts and URIs are children made on
 * first use keyed by their bytes (cut at STATS_TREE_KEY_MAX), so each is
 * bounded by the row cap and the rest folded into "(other)".  A name from
 * the packet is shown as the printers show any cell: escaped.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "core/stats_tree.h"
#include "dissectors/taps.h"

enum {
	HTTP_REQ, HTTP_METHOD, HTTP_HOST, HTTP_URI, HTTP_RESP,
	HTTP_1XX, HTTP_2XX, HTTP_3XX, HTTP_4XX, HTTP_5XX, HTTP_OTHER_CODE,
	HTTP_N
};

static char *
quoted_filter(const char *field, const char *name)
{
	GString *s = g_string_new(NULL);
	const char *p;

	/* A name cut by the key's size ends in "…": not the field's value;
	 * every request keeps the row's count. */
	if (g_str_has_suffix(name, "\xe2\x80\xa6")) {
		g_string_free(s, TRUE);
		return (g_strdup("http.request.method"));
	}
	g_string_append_printf(s, "%s == \"", field);
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
	return (g_string_free(s, FALSE));
}

static char *
method_filter(const char *name)
{
	return (quoted_filter("http.request.method", name));
}

static char *
host_filter(const char *name)
{
	return (quoted_filter("http.host", name));
}

static char *
uri_filter(const char *name)
{
	return (quoted_filter("http.request.uri", name));
}

static char *
code_filter(const char *name)
{
	char *end;
	unsigned long code = strtoul(name, &end, 10);

	if (end == name || code > 65535)
		return (NULL);
	return (g_strdup_printf("http.response.code == %lu", code));
}

#define CODE_NODE(n, parent_, lo)					\
	[n] = { .name = #lo "xx", .parent = parent_,			\
	    .filter = "http.response.code >= " #lo "00 && "		\
	    "http.response.code <= " #lo "99",				\
	    .key_size = 4, .child_name = stats_tree_name_u32,		\
	    .child_filter = code_filter }

static const struct stats_tree_node http_nodes[HTTP_N] = {
	[HTTP_REQ] = { .name = "Requests", .parent = -1,
	    .filter = "http.request.method" },
	[HTTP_METHOD] = { .name = "By method", .parent = HTTP_REQ,
	    .filter = "http.request.method", .key_size = 16,
	    .child_filter = method_filter },
	[HTTP_HOST] = { .name = "Requests by host", .parent = -1,
	    .filter = "http.request.method", .key_size = STATS_TREE_KEY_MAX,
	    .child_filter = host_filter },
	[HTTP_URI] = { .name = "Top URIs", .parent = -1,
	    .filter = "http.request.method", .key_size = STATS_TREE_KEY_MAX,
	    .child_filter = uri_filter },
	[HTTP_RESP] = { .name = "Responses", .parent = -1,
	    .filter = "http.response" },
	CODE_NODE(HTTP_1XX, HTTP_RESP, 1),
	CODE_NODE(HTTP_2XX, HTTP_RESP, 2),
	CODE_NODE(HTTP_3XX, HTTP_RESP, 3),
	CODE_NODE(HTTP_4XX, HTTP_RESP, 4),
	CODE_NODE(HTTP_5XX, HTTP_RESP, 5),
	[HTTP_OTHER_CODE] = { .name = "Other codes", .parent = HTTP_RESP,
	    .filter = "http.response.code < 100 || "
	    "http.response.code > 599",
	    .key_size = 4, .child_name = stats_tree_name_u32,
	    .child_filter = code_filter },
};

static tap_packet_status
http_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct http_tap *t = data;
	uint32_t code;

	(void)own;
	(void)pinfo;
	(void)edt;
	if (t->request) {
		if (t->method != NULL)
			stats_tree_tick_key(st, HTTP_METHOD, t->method,
			    t->method_len);
		else
			stats_tree_tick(st, HTTP_REQ);
		if (t->host != NULL)
			stats_tree_tick_key(st, HTTP_HOST, t->host,
			    t->host_len);
		if (t->uri != NULL)
			stats_tree_tick_key(st, HTTP_URI, t->uri, t->uri_len);
		return (TAP_PACKET_REDRAW);
	}
	code = t->code;
	if (code == 0)
		stats_tree_tick(st, HTTP_RESP);
	else if (code >= 100 && code <= 599)
		stats_tree_tick_u32(st, HTTP_1XX + (int)(code / 100) - 1, code);
	else
		stats_tree_tick_u32(st, HTTP_OTHER_CODE, code);
	return (TAP_PACKET_REDRAW);
}

static const struct stats_tree_desc http_desc = {
	.nodes = http_nodes,
	.nnodes = HTTP_N,
	.values = STATS_TREE_NO_VALUES,
	.packet = http_packet,
};

STATS_TREE_PANEL(http, "http", "HTTP", "http", NO_VALUES, http_desc);
