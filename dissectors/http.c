/*
 * Hypertext Transfer Protocol, version 1.x.  RFC 9112 (message syntax),
 * RFC 9110 (semantics).
 *
 *   request:  method SP request-target SP HTTP-version CRLF
 *   response: HTTP-version SP status-code SP [reason-phrase] CRLF
 *             *( field-name ":" OWS field-value OWS CRLF )
 *             CRLF
 *             [ message-body ]
 *
 * On Wireshark's default HTTP ports, and on any port whose payload starts
 * with a request line (the "tcp.heur" table): a heuristic call rejects
 * what is not a request or response line, and so does a port call (tshark
 * 4.0 leaves such bytes to TCP too, when it knows of no message before
 * them on the connection; taptop keeps no such state).  Through TCP
 * reassembly (core/tcpreasm.h) a message is dissected once it is whole:
 * headers up to the blank line, then a body of Content-Length bytes or of
 * chunks, as Wireshark's defaults (http.desegment_headers and _body) do.
 * A body with neither (one that ends with the connection) is what is
 * there.  Several messages in one PDU (pipelining) are dissected in turn;
 * each step of that loop, and of every loop over lines and chunks,
 * advances.
 *
 * The Host of a request is queued on the "names" tap (core/names.h) as
 * the name of the server, the request's destination, unless it is an
 * address itself.
 */
#include <string.h>

#include <glib.h>

#include "core/dissect.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"
#include "core/tcpreasm.h"
#include "dissectors/taps.h"

#define HTTP_MSGS_MAX	64	/* messages in one PDU */
#define HTTP_CHUNKS_MAX	4096	/* chunks in one body */

static int proto_http = -1, tap_http = -1;
static int hf_request = -1, hf_response = -1, hf_method = -1, hf_uri = -1,
    hf_req_version = -1, hf_resp_version = -1, hf_code = -1, hf_phrase = -1,
    hf_host = -1, hf_user_agent = -1, hf_content_type = -1,
    hf_content_length = -1, hf_server = -1, hf_transfer_encoding = -1,
    hf_connection = -1, hf_referer = -1, hf_location = -1;

static const struct field_def http_fields[] = {
	{ &hf_request, "http.request", FT_BOOLEAN, "Request", 0 },
	{ &hf_response, "http.response", FT_BOOLEAN, "Response", 0 },
	{ &hf_method, "http.request.method", FT_STRING, "Request Method", 0 },
	{ &hf_uri, "http.request.uri", FT_STRING, "Request URI", 0 },
	{ &hf_req_version, "http.request.version", FT_STRING, "Request Version", 0 },
	{ &hf_resp_version, "http.response.version", FT_STRING, "Response Version", 0 },
	{ &hf_code, "http.response.code", FT_UINT16, "Status Code", 0 },
	{ &hf_phrase, "http.response.phrase", FT_STRING, "Response Phrase", 0 },
	{ &hf_host, "http.host", FT_STRING, "Host", 0 },
	{ &hf_user_agent, "http.user_agent", FT_STRING, "User-Agent", 0 },
	{ &hf_content_type, "http.content_type", FT_STRING, "Content-Type", 0 },
	{ &hf_content_length, "http.content_length", FT_UINT64, "Content length", 0 },
	{ &hf_server, "http.server", FT_STRING, "Server", 0 },
	{ &hf_transfer_encoding, "http.transfer_encoding", FT_STRING, "Transfer-Encoding", 0 },
	{ &hf_connection, "http.connection", FT_STRING, "Connection", 0 },
	{ &hf_referer, "http.referer", FT_STRING, "Referer", 0 },
	{ &hf_location, "http.location", FT_STRING, "Location", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* Methods a request line may start with (RFC 9110, WebDAV, SSDP). */
/* With their lengths: the request line of every segment is tried. */
#define M(s)	{ s, sizeof(s) - 1 }
static const struct {
	const char	*name;
	size_t		 len;
} http_methods[] = {
	M("GET"), M("POST"), M("HEAD"), M("PUT"), M("DELETE"), M("OPTIONS"),
	M("CONNECT"), M("TRACE"), M("PATCH"), M("PROPFIND"), M("PROPPATCH"),
	M("MKCOL"), M("COPY"), M("MOVE"), M("LOCK"), M("UNLOCK"),
	M("NOTIFY"), M("M-SEARCH"), M("SUBSCRIBE"), M("UNSUBSCRIBE"),
	M("SEARCH"), M("REPORT"), { NULL, 0 },
};
#undef M

/* One header whose value is a field. */
#define H(s, hf)	{ s, sizeof(s) - 1, hf }
static const struct {
	const char	*name;
	size_t		 len;
	int		*hf;
} http_headers[] = {
	H("host", &hf_host),
	H("user-agent", &hf_user_agent),
	H("content-type", &hf_content_type),
	H("server", &hf_server),
	H("transfer-encoding", &hf_transfer_encoding),
	H("connection", &hf_connection),
	H("referer", &hf_referer),
	H("location", &hf_location),
	{ NULL, 0, NULL },
};
#undef H

/*
 * g_ascii_strncasecmp's answer (0: equal) for a lowercase literal lit of
 * n bytes, without its per-byte calls: every header line of every HTTP
 * message is tried against a few names.
 */
static inline int
ascii_ieq(const char *p, const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		if (c != (unsigned char)lit[i])
			return (1);
	}
	return (0);
}

/* Where the line starting at p ends (its CR LF or LF), or NULL. */
static const uint8_t *
line_end(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));

	return (nl);
}

/* The line without its CR. */
static size_t
line_len(const uint8_t *p, const uint8_t *nl)
{
	size_t n = (size_t)(nl - p);

	return (n > 0 && p[n - 1] == '\r' ? n - 1 : n);
}

static bool
is_token_at(const uint8_t *p, size_t n, const char *tok)
{
	size_t k = strlen(tok);

	return (n >= k && memcmp(p, tok, k) == 0);
}

/* The method p starts with, followed by a space: its length, or 0. */
static size_t
http_method(const uint8_t *p, size_t n)
{
	size_t k;
	int i;

	for (i = 0; http_methods[i].name != NULL; i++) {
		k = http_methods[i].len;
		if (n > k && p[k] == ' ' && memcmp(p, http_methods[i].name, k) ==
		    0)
			return (k);
	}
	return (0);
}

/* "HTTP/d.d" */
static bool
http_version_at(const uint8_t *p, size_t n)
{
	return (n >= 8 && memcmp(p, "HTTP/", 5) == 0 &&
	    g_ascii_isdigit(p[5]) && p[6] == '.' && g_ascii_isdigit(p[7]));
}

/* Whether these bytes start as a request or a response line does (enough
 * of it to tell, when the line is not whole yet). */
static bool
http_looks_like(const uint8_t *p, size_t n)
{
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0)
		return (n < 8 || http_version_at(p, n));
	return (http_method(p, n) != 0);
}

/* A string field, trimmed of blanks on both sides. */
static void
add_str(struct dissect *edt, int hf, const uint8_t *p, size_t n)
{
	while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	field_add_bytes(edt, hf, p, (uint32_t)n);
}

static const uint8_t *
trim(const uint8_t *p, size_t *n)
{
	while (*n > 0 && (p[0] == ' ' || p[0] == '\t')) {
		p++;
		(*n)--;
	}
	while (*n > 0 && (p[*n - 1] == ' ' || p[*n - 1] == '\t'))
		(*n)--;
	return (p);
}

/* Queues the Host as the server's name, without a port, and not when it
 * is an address (a literal names nothing). */
static void
http_name(const uint8_t *h, size_t n, struct packet_info *pinfo,
    struct dissect *edt)
{
	struct names_tap *t;
	const uint8_t *colon;
	size_t i;
	bool digits = true;

	if (n == 0 || h[0] == '[' || !tap_listened(names_tap_id()))
		return;
	if ((colon = memchr(h, ':', n)) != NULL)
		n = (size_t)(colon - h);
	for (i = 0; i < n; i++)
		if (!g_ascii_isdigit(h[i]) && h[i] != '.')
			digits = false;
	if (n == 0 || digits || n > NAMES_NAME_MAX)
		return;
	if ((t = arena_alloc(&edt->arena, sizeof(*t))) == NULL)
		return;
	memset(t, 0, sizeof(*t));
	t->kind = NAMES_REC_ADDR;
	t->source = NAMES_SRC_HTTP;
	t->addr = pinfo->net_dst;
	t->name = (const char *)h;
	t->name_len = (uint16_t)n;
	tap_queue_packet(names_tap_id(), pinfo, t);
}

/* A decimal Content-Length, or -1. */
static int64_t
parse_length(const uint8_t *p, size_t n)
{
	int64_t v = 0;
	size_t i;

	p = trim(p, &n);
	if (n == 0 || n > 15)
		return (-1);
	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(p[i]))
			return (-1);
		v = v * 10 + (p[i] - '0');
	}
	return (v);
}

/*
 * Where a chunked body that starts at p ends (after its last chunk and
 * trailers), or NULL when it does not end before end.  *bad is set when
 * it cannot be chunks.
 */
static const uint8_t *
chunked_end(const uint8_t *p, const uint8_t *end, bool *bad)
{
	const uint8_t *nl;
	uint64_t size;
	size_t i, n;
	int chunks;

	for (chunks = 0; chunks < HTTP_CHUNKS_MAX; chunks++) {
		if ((nl = line_end(p, end)) == NULL)
			return (NULL);
		n = line_len(p, nl);
		size = 0;
		for (i = 0; i < n && g_ascii_isxdigit(p[i]); i++) {
			if (i >= 12) {
				*bad = true;
				return (NULL);
			}
			size = size * 16 + (uint64_t)g_ascii_xdigit_value(p[i]);
		}
		if (i == 0) {
			*bad = true;
			return (NULL);
		}
		p = nl + 1;
		if (size == 0) {
			/* Trailers, up to an empty line. */
			while ((nl = line_end(p, end)) != NULL) {
				n = line_len(p, nl);
				p = nl + 1;
				if (n == 0)
					return (p);
			}
			return (NULL);
		}
		if (size + 2 > (uint64_t)(end - p))
			return (NULL);
		p += size + 2;
	}
	*bad = true;
	return (NULL);
}

/*
 * Where the message that starts at p ends, from its headers: *body is
 * where its body starts.  NULL when it is not whole in [p, end): then
 * *more is how many bytes more it needs, or TCP_DESEGMENT_ONE_MORE when
 * that is not known yet.
 */
static const uint8_t *
http_extent(const uint8_t *p, const uint8_t *end, const uint8_t **body,
    size_t *more)
{
	const uint8_t *nl, *line, *sp, *bend;
	int64_t clen = -1;
	bool request, chunked = false, bad = false;
	size_t n, k;
	uint16_t code = 0;

	*body = NULL;
	*more = TCP_DESEGMENT_ONE_MORE;
	for (line = p; (nl = line_end(line, end)) != NULL; line = nl + 1) {
		n = line_len(line, nl);
		if (line != p && n == 0) {
			*body = nl + 1;
			break;
		}
		if (line == p || (sp = memchr(line, ':', n)) == NULL)
			continue;
		k = (size_t)(sp - line);
		n -= k + 1;
		sp++;
		if (k == 14 && ascii_ieq((const char *)line,
		    "content-length", 14) == 0)
			clen = parse_length(sp, n);
		else if (k == 17 && ascii_ieq((const char *)line,
		    "transfer-encoding", 17) == 0) {
			sp = trim(sp, &n);
			chunked = n >= 7 && ascii_ieq((const char *)
			    sp + n - 7, "chunked", 7) == 0;
		}
	}
	if (*body == NULL)
		return (NULL);
	request = !is_token_at(p, (size_t)(end - p), "HTTP/");
	if (!request && end - p >= 12 && g_ascii_isdigit(p[9]) &&
	    g_ascii_isdigit(p[10]) && g_ascii_isdigit(p[11]))
		code = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 +
		    (p[11] - '0'));
	if (code / 100 == 1 || code == 204 || code == 304)
		return (*body);
	if (chunked) {
		bend = chunked_end(*body, end, &bad);
		return (bad ? end : bend);
	}
	if (clen >= 0) {
		if ((uint64_t)clen <= (uint64_t)(end - *body))
			return (*body + clen);
		*more = (size_t)clen - (size_t)(end - *body);
		return (NULL);
	}
	/* No length: a request has no body, a response runs to the end. */
	return (request ? *body : end);
}

/*
 * One message from p.  Returns where it ends, NULL when the message is
 * not whole (and then asks TCP for more when it can), or p itself when
 * these bytes are not a message.
 */
static const uint8_t *
http_message(const uint8_t *base, const uint8_t *p, const uint8_t *end,
    struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *nl, *line, *sp, *host = NULL, *body, *mend;
	size_t n, k, host_len = 0, mlen, more;
	int64_t clen;
	bool request;
	struct http_tap *t;
	uint16_t code;
	int i;

	if (!http_looks_like(p, (size_t)(end - p)))
		return (p);
	if ((mend = http_extent(p, end, &body, &more)) == NULL) {
		if (pinfo->can_desegment) {
			tcp_desegment(pinfo, (size_t)(p - base), more);
			return (NULL);
		}
		mend = end;	/* what there is */
		if (body == NULL)
			body = end;
	}

	/* The first line. */
	nl = line_end(p, end);
	n = nl != NULL ? line_len(p, nl) : (size_t)(end - p);
	request = !is_token_at(p, n, "HTTP/");
	if ((t = arena_alloc(&edt->arena, sizeof(*t))) != NULL)
		memset(t, 0, sizeof(*t));
	if (request) {
		mlen = http_method(p, n);
		/* GENA and SSDP notifications are not requests to tshark:
		 * http.request is not set for them. */
		if (!is_token_at(p, mlen, "NOTIFY") &&
		    !is_token_at(p, mlen, "SUBSCRIBE") &&
		    !is_token_at(p, mlen, "UNSUBSCRIBE") &&
		    !is_token_at(p, mlen, "M-SEARCH"))
			field_add_uint(edt, hf_request, 1);
		field_add_bytes(edt, hf_method, p, (uint32_t)mlen);
		line = p + mlen + 1;
		k = n - mlen - 1;
		while (k > 0 && line[0] == ' ') {	/* as tshark skips */
			line++;
			k--;
		}
		sp = memchr(line, ' ', k);
		field_add_bytes(edt, hf_uri, line, (uint32_t)(sp != NULL ?
		    (size_t)(sp - line) : k));
		if (sp != NULL)
			field_add_bytes(edt, hf_req_version, sp + 1,
			    (uint32_t)(k - (size_t)(sp + 1 - line)));
		if (t != NULL) {
			t->request = true;
			t->method = (const char *)p;
			t->method_len = (uint16_t)mlen;
			t->uri = (const char *)line;
			t->uri_len = (uint16_t)MIN(sp != NULL ?
			    (size_t)(sp - line) : k, 65535);
		}
	} else {
		field_add_uint(edt, hf_response, 1);
		field_add_bytes(edt, hf_resp_version, p, (uint32_t)MIN(n, 8));
		if (n >= 12 && p[8] == ' ' && g_ascii_isdigit(p[9]) &&
		    g_ascii_isdigit(p[10]) && g_ascii_isdigit(p[11])) {
			code = (uint16_t)((p[9] - '0') * 100 +
			    (p[10] - '0') * 10 + (p[11] - '0'));
			field_add_uint(edt, hf_code, code);
			if (n > 13)
				field_add_bytes(edt, hf_phrase, p + 13,
				    (uint32_t)(n - 13));
			if (t != NULL)
				t->code = code;
		}
	}

	/* The headers. */
	for (line = nl != NULL ? nl + 1 : end; line < body &&
	    (nl = line_end(line, end)) != NULL; line = nl + 1) {
		n = line_len(line, nl);
		if (n == 0)
			break;
		if ((sp = memchr(line, ':', n)) == NULL)
			continue;
		k = (size_t)(sp - line);
		for (i = 0; http_headers[i].name != NULL; i++)
			if (k == http_headers[i].len &&
			    ascii_ieq((const char *)line,
			    http_headers[i].name, k) == 0)
				add_str(edt, *http_headers[i].hf, sp + 1,
				    n - k - 1);
		n -= k + 1;
		sp++;
		if (k == 4 && ascii_ieq((const char *)line,
		    "host", 4) == 0) {
			host_len = n;
			host = trim(sp, &host_len);
		} else if (k == 14 && ascii_ieq((const char *)line,
		    "content-length", 14) == 0 &&
		    (clen = parse_length(sp, n)) >= 0)
			field_add_uint(edt, hf_content_length, (uint64_t)clen);
	}
	if (t != NULL) {
		t->host = (const char *)host;
		t->host_len = (uint16_t)MIN(host_len, 65535);
		tap_queue_packet(tap_http, pinfo, t);
	}
	if (request && host != NULL)
		http_name(host, host_len, pinfo, edt);
	return (mend);
}

static enum dissect_result
http_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *base = b->data + b->off, *p, *end, *next;
	size_t have = buf_captured_left(b);
	int i;

	if (have == 0 || !http_looks_like(base, have) ||
	    (pinfo->heur_call && memchr(base, '\n', MIN(have, 2048)) == NULL))
		return (DISSECT_REJECT);
	p = base;
	end = base + have;
	for (i = 0; i < HTTP_MSGS_MAX && p < end; i++) {
		next = http_message(base, p, end, pinfo, edt);
		if (next == NULL || next == p)
			break;		/* more asked for, or not a message */
		p = next;
	}
	(void)buf_skip(b, (size_t)(p - base));
	if (have < buf_reported_left(b) && p == end)
		buf_fail(b, BUF_TRUNCATED);
	return (DISSECT_OK);
}

const struct dissector dissector_http = {
	.name = "http",
	.longname = "Hypertext Transfer Protocol",
	.proto = &proto_http,
	/* Wireshark's default tcp.port range for HTTP, and IPP (631), which
	 * Wireshark reaches through HTTP. */
	.handoff = {
		{ "tcp.port", 80 }, { "tcp.port", 3128 }, { "tcp.port", 3132 },
		{ "tcp.port", 5985 }, { "tcp.port", 8080 },
		{ "tcp.port", 8088 }, { "tcp.port", 631 },
		{ "tcp.heur", 1 },
	},
	.fields = http_fields,
	.tap = "http",
	.tap_id = &tap_http,
	.dissect = http_dissect,
};
