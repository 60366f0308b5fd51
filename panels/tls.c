/*
 * TLS: server names (SNI) by connections and by bytes, the versions
 * offered and chosen, and ALPN.  A description of counters
 * (core/stats_tree.h) that listens to "frame" and reads the packet's
 * "tls", "tcp" and "udp" records.
 *
 * A connection is a ClientHello.  Its server name is kept for its flow
 * (the transport record queued before the hello: addresses and ports,
 * either direction) in a bounded table that keeps the flows with most
 * bytes (flowtab's Space-Saving; TLS_FLOWS_MAX), and every later frame of
 * the flow adds its length to "Server names by bytes" (a node whose
 * count is bytes, stats_tree_add_key): its rows are the heaviest names by
 * bytes, and their rates bytes per second.  Frames before the
 * ClientHello (the handshake of TCP) are not counted; a flow evicted from
 * the table stops counting until its next ClientHello.
 *
 * QUIC: the tap record's quic flag (a ClientHello read from a QUIC
 * Initial) marks the name "(QUIC)", so the same name over TLS and over
 * QUIC are two rows; its flow is a UDP one.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "core/stats_tree.h"
#include "dissectors/taps.h"

#define TLS_FLOWS_MAX	4096
#define TLS_SNI_KEEP	(STATS_TREE_KEY_MAX - 1)

enum {
	TLS_HELLO, TLS_SNI, TLS_SNI_BYTES, TLS_OFFERED, TLS_CHOSEN,
	TLS_ALPN_OFFERED, TLS_ALPN_CHOSEN, TLS_N
};

/* A name key: [0] 1 for QUIC, then the name's bytes. */
static void
sni_name(const void *key, size_t len, char *buf, size_t size)
{
	const uint8_t *p = key;
	size_t i, n = 0;

	if (len <= 1) {
		g_strlcpy(buf, len == 1 && p[0] ? "(no SNI) (QUIC)" :
		    "(no SNI)", size);
		return;
	}
	for (i = 1; i < len && n + 1 < size; i++)
		buf[n++] = p[i] == 0 || p[i] == TABLE_TREE_SEP ? '?' :
		    (char)p[i];
	buf[n] = '\0';
	if (p[0])
		g_strlcat(buf, " (QUIC)", size);
}

static void
version_name(const void *key, size_t len, char *buf, size_t size)
{
	uint32_t v = 0;

	memcpy(&v, key, MIN(len, sizeof(v)));
	switch (v) {
	case 0x0300: g_strlcpy(buf, "SSL 3.0", size); break;
	case 0x0301: g_strlcpy(buf, "TLS 1.0", size); break;
	case 0x0302: g_strlcpy(buf, "TLS 1.1", size); break;
	case 0x0303: g_strlcpy(buf, "TLS 1.2", size); break;
	case 0x0304: g_strlcpy(buf, "TLS 1.3", size); break;
	default: g_snprintf(buf, size, "0x%04x", v); break;
	}
}

static char *
quoted(const char *prefix, const char *field, const char *name)
{
	GString *s = g_string_new(prefix);
	const char *p;

	g_string_append_printf(s, "%s == \"", field);
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
	return (g_string_free(s, FALSE));
}

/* A name's hellos; a QUIC one, an absent or a cut name: every hello (a
 * superset that keeps the row's count). */
static char *
sni_filter(const char *name)
{
	if (strcmp(name, "(no SNI)") == 0)
		return (g_strdup("tls.handshake.type == 1 && "
		    "!tls.handshake.extensions_server_name"));
	if (g_str_has_suffix(name, ")") || g_str_has_suffix(name,
	    "\xe2\x80\xa6"))
		return (g_strdup("tls.handshake.type == 1"));
	return (quoted("tls.handshake.type == 1 && ",
	    "tls.handshake.extensions_server_name", name));
}

/* The frames of named flows: which flow is named is the panel's state,
 * so the drill-down keeps every transport frame. */
static char *
flow_filter(const char *name)
{
	(void)name;
	return (g_strdup("tcp || udp"));
}

static unsigned
version_of(const char *name)
{
	static const char *const names[] = { "SSL 3.0", "TLS 1.0", "TLS 1.1",
	    "TLS 1.2", "TLS 1.3" };
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (0x0300 + i);
	return ((unsigned)strtoul(name, NULL, 16));
}

/* The offered maximum is no field: every ClientHello. */
static char *
offered_filter(const char *name)
{
	(void)name;
	return (g_strdup("tls.handshake.type == 1"));
}

/* The chosen version is supported_versions' when the ServerHello has it
 * (1.3), else the hello's version. */
static char *
chosen_filter(const char *name)
{
	unsigned v = version_of(name);

	return (g_strdup_printf("tls.handshake.type == 2 && "
	    "(tls.handshake.extensions.supported_version == 0x%04x || "
	    "tls.handshake.version == 0x%04x)", v, v));
}

static char *
alpn_offered_filter(const char *name)
{
	return (quoted("tls.handshake.type == 1 && ",
	    "tls.handshake.extensions_alpn_str", name));
}

static char *
alpn_chosen_filter(const char *name)
{
	return (quoted("tls.handshake.type == 2 && ",
	    "tls.handshake.extensions_alpn_str", name));
}

static const struct stats_tree_node tls_nodes[TLS_N] = {
	[TLS_HELLO] = { .name = "ClientHellos", .parent = -1,
	    .filter = "tls.handshake.type == 1" },
	[TLS_SNI] = { .name = "Server names by connections",
	    .parent = TLS_HELLO, .filter = "tls.handshake.type == 1",
	    .key_size = STATS_TREE_KEY_MAX, .child_name = sni_name,
	    .child_filter = sni_filter },
	[TLS_SNI_BYTES] = { .name = "Server names by bytes",
	    .parent = -1, .filter = "tcp || udp", .bytes = true,
	    .key_size = STATS_TREE_KEY_MAX, .child_name = sni_name,
	    .child_filter = flow_filter },
	[TLS_OFFERED] = { .name = "Versions offered (highest)",
	    .parent = -1, .filter = "tls.handshake.type == 1",
	    .key_size = 4, .child_name = version_name,
	    .child_filter = offered_filter },
	[TLS_CHOSEN] = { .name = "Versions chosen (ServerHello)",
	    .parent = -1, .filter = "tls.handshake.type == 2",
	    .key_size = 4, .child_name = version_name,
	    .child_filter = chosen_filter },
	[TLS_ALPN_OFFERED] = { .name = "ALPN offered (first)", .parent = -1,
	    .filter = "tls.handshake.type == 1", .key_size = 32,
	    .child_filter = alpn_offered_filter },
	[TLS_ALPN_CHOSEN] = { .name = "ALPN chosen", .parent = -1,
	    .filter = "tls.handshake.type == 2", .key_size = 32,
	    .child_filter = alpn_chosen_filter },
};

/* A flow, lower address first. */
struct tls_flow {
	struct address	a, b;
	uint16_t	pa, pb;
	uint8_t		udp;
};

struct tls_sni {
	uint16_t	len;
	uint8_t		key[TLS_SNI_KEEP + 1];
	uint64_t	bytes;		/* since the ClientHello */
	uint64_t	frames;
};

struct tls_state {
	int		 tls, tcp, udp;	/* tap ids */
	struct flowtab	*flows;		/* struct tls_flow -> tls_sni */
};

static void
flow_totals(const void *key, const void *val, uint64_t *frames,
    uint64_t *bytes)
{
	const struct tls_sni *s = val;

	(void)key;
	*frames = s->frames;
	*bytes = s->bytes;
}

static void *
tls_create(struct stats_tree *st)
{
	struct tls_state *s = g_new0(struct tls_state, 1);

	s->tls = stats_tree_tap(st, 0);
	s->tcp = stats_tree_tap(st, 1);
	s->udp = stats_tree_tap(st, 2);
	s->flows = flowtab_new(sizeof(struct tls_flow),
	    sizeof(struct tls_sni), TLS_FLOWS_MAX, flow_totals);
	return (s);
}

static void
tls_destroy(void *own)
{
	struct tls_state *s = own;

	flowtab_free(s->flows);
	g_free(s);
}

static void
tls_reset(void *own)
{
	struct tls_state *s = own;

	flowtab_clear(s->flows);
}

static void
flow_key(struct tls_flow *f, const struct conv_tap *c, bool udp)
{
	memset(f, 0, sizeof(*f));
	f->udp = udp;
	if (address_cmp(&c->src, &c->dst) < 0 || (address_cmp(&c->src,
	    &c->dst) == 0 && c->sport <= c->dport)) {
		f->a = c->src; f->b = c->dst;
		f->pa = c->sport; f->pb = c->dport;
	} else {
		f->a = c->dst; f->b = c->src;
		f->pa = c->dport; f->pb = c->sport;
	}
}

static void
tls_hello(struct stats_tree *st, struct tls_state *s, const struct tls_tap *t,
    const struct tls_flow *flow)
{
	uint8_t key[TLS_SNI_KEEP + 1];
	struct tls_sni *v;
	size_t n = t->sni != NULL ? MIN(t->sni_len, TLS_SNI_KEEP) : 0;
	uint32_t ver;

	if (t->hs_type == 2) {
		ver = t->version;
		stats_tree_tick_key(st, TLS_CHOSEN, &ver, sizeof(ver));
		if (t->alpn != NULL)
			stats_tree_tick_key(st, TLS_ALPN_CHOSEN, t->alpn,
			    t->alpn_len);
		return;
	}
	if (t->hs_type != 1)
		return;
	key[0] = t->quic ? 1 : 0;
	if (n > 0)
		memcpy(key + 1, t->sni, n);
	/* The name's full length goes to the tree, which marks a cut. */
	stats_tree_tick_key(st, TLS_SNI, key, t->sni != NULL ?
	    1 + (size_t)t->sni_len : 1);
	ver = t->max_version;
	stats_tree_tick_key(st, TLS_OFFERED, &ver, sizeof(ver));
	if (t->alpn != NULL)
		stats_tree_tick_key(st, TLS_ALPN_OFFERED, t->alpn,
		    t->alpn_len);
	if (flow != NULL && (v = flowtab_get(s->flows, flow, 0, NULL)) !=
	    NULL) {
		v->len = (uint16_t)(1 + n);
		memcpy(v->key, key, 1 + n);
	}
}

static tap_packet_status
tls_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	struct tls_state *s = own;
	struct tls_flow flow, counted;
	struct tls_sni *v;
	bool have = false, hello = false;
	int i;

	(void)data;
	memset(&counted, 0, sizeof(counted));
	for (i = 0; i < edt->ntap; i++) {
		const struct tap_entry *e = &edt->tapq[i];

		if (e->in_error || e->data == NULL)
			continue;
		if (e->tap == s->tcp || e->tap == s->udp) {
			flow_key(&flow, e->data, e->tap == s->udp);
			have = true;
		} else if (e->tap == s->tls) {
			tls_hello(st, s, e->data, have ? &flow : NULL);
			hello = true;
		}
	}
	/* The frame's bytes, once, for the innermost flow that has a name. */
	if (have && flowtab_count(s->flows) > 0 &&
	    (v = flowtab_find(s->flows, &flow)) != NULL) {
		flowtab_weigh(s->flows, v, pinfo->len);
		v->bytes += pinfo->len;
		v->frames++;
		stats_tree_add_key(st, TLS_SNI_BYTES, v->key, v->len,
		    pinfo->len);
	}
	return (have || hello ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW);
}

static const struct stats_tree_desc tls_desc = {
	.nodes = tls_nodes,
	.nnodes = TLS_N,
	.values = STATS_TREE_NUMBERS,
	.more_taps = { "tls", "tcp", "udp" },
	.create = tls_create,
	.destroy = tls_destroy,
	.reset = tls_reset,
	.packet = tls_packet,
};

STATS_TREE_PANEL(tls, "tls", "TLS", "frame", NUMBERS, tls_desc);
