/*
 * Endpoints: the semantics are in endpoints.h.  One flowtab entry per
 * address and port; the source is looked up before the destination, so
 * the insertion order (the tie-break order of rows) is Wireshark's.  The
 * flowtab keeps the heaviest rows by bytes (flowtab.h), so a value is used
 * only until the next lookup, which may evict it.  The lookups are not
 * made in packet(): it queues a record, counted by endpoints_apply on the
 * worker thread or before the next draw (core/deferq.h).
 *
 * The classes are at the end: each is its tap, its title and what its rows
 * are keyed on.
 */
#include <string.h>

#include <glib.h>

#include "core/deferq.h"
#include "core/flowtab.h"
#include "conv.h"
#include "dissectors/taps.h"
#include "endpoints.h"

struct endpoints_key {
	struct address	addr;
	uint16_t	port;
};

struct endpoints_val {
	uint64_t	tx_frames, tx_bytes, rx_frames, rx_bytes;
	struct rowrate	rate;		/* sent and received */
};

/* What packet() hands to the counting (core/deferq.h). */
struct endpoints_rec {
	struct endpoints_key	 src, dst;
	uint32_t		 len;
	uint32_t		 hsrc, hdst;	/* set by endpoints_prefetch */
	int64_t			 ts_sec;
};

struct endpoints_state {
	struct deferq	*q;		/* packets not counted yet */
	struct flowtab	*ft;		/* the rest: under q's lock */
	bool		 ports;
	int64_t		 newest_sec;	/* of any packet; INT64_MIN: none */
};

#define ENDPOINTS_COLS_TAIL \
	ROWRATE_COLS, \
	{ "packets", "Packets", COL_UINT }, \
	{ "bytes", "Bytes", COL_BYTES }, \
	{ "tx_packets", "Tx Packets", COL_UINT }, \
	{ "tx_bytes", "Tx Bytes", COL_BYTES }, \
	{ "rx_packets", "Rx Packets", COL_UINT }, \
	{ "rx_bytes", "Rx Bytes", COL_BYTES }

const struct table_col endpoints_cols_addr[ENDPOINTS_NCOLS_ADDR] = {
	{ "address", "Address", COL_ADDR },
	ENDPOINTS_COLS_TAIL,
};

const struct table_col endpoints_cols_port[ENDPOINTS_NCOLS_PORT] = {
	{ "address", "Address", COL_ADDR },
	{ "port", "Port", COL_PORT },
	ENDPOINTS_COLS_TAIL,
};

/* What an evicted row folds into "other". */
static void
endpoints_totals(const void *key, const void *val, uint64_t *frames,
    uint64_t *bytes)
{
	const struct endpoints_val *v = val;

	(void)key;
	*frames = v->tx_frames + v->rx_frames;
	*bytes = v->tx_bytes + v->rx_bytes;
}

static void endpoints_apply(void *state, const void *rec);
static void endpoints_prefetch(void *state, void *rec);

void *
endpoints_create(struct panel *p)
{
	struct endpoints_state *s = g_new0(struct endpoints_state, 1);

	s->ft = flowtab_new(sizeof(struct endpoints_key),
	    sizeof(struct endpoints_val), p->max_rows, endpoints_totals);
	s->ports = (p->cls->opts & ENDPOINTS_OPT_PORTS) != 0;
	s->newest_sec = INT64_MIN;
	s->q = deferq_new(sizeof(struct endpoints_rec), endpoints_apply,
	    endpoints_prefetch, s);
	return (s);
}

void
endpoints_destroy(void *state)
{
	struct endpoints_state *s = state;

	deferq_free(s->q);
	flowtab_free(s->ft);
	g_free(s);
}

void
endpoints_reset(void *state)
{
	struct endpoints_state *s = state;

	deferq_lock(s->q);
	flowtab_clear(s->ft);
	s->newest_sec = INT64_MIN;
	deferq_unlock(s->q);
}

static inline void
endpoints_key_make(const struct endpoints_state *s, const struct address *a,
    uint16_t port, struct endpoints_key *key)
{
	memset(key, 0, sizeof(*key));
	address_copy_clean(&key->addr, a);
	key->port = s->ports ? port : 0;
}

static inline void
endpoints_count(struct endpoints_state *s, const struct endpoints_key *key,
    uint32_t hash, bool tx, uint32_t len, int64_t sec)
{
	struct endpoints_val *v;

	if ((v = flowtab_get_hashed(s->ft, key, hash, len, NULL)) == NULL) {
		/* Only with max_rows 0. */
		flowtab_fold(s->ft, key, 1, len);
		return;
	}
	if (tx) {
		v->tx_frames++;
		v->tx_bytes += len;
	} else {
		v->rx_frames++;
		v->rx_bytes += len;
	}
	rowrate_add(&v->rate, sec, len);
}

/* A few records before endpoints_apply: asks for both index slots. */
static void
endpoints_prefetch(void *state, void *rec)
{
	struct endpoints_state *s = state;
	struct endpoints_rec *r = rec;

	r->hsrc = (uint32_t)flowtab_hash_inline(&r->src, sizeof(r->src));
	r->hdst = (uint32_t)flowtab_hash_inline(&r->dst, sizeof(r->dst));
	flowtab_prefetch(s->ft, r->hsrc);
	flowtab_prefetch(s->ft, r->hdst);
}

/* Counts one packet; under the queue's lock. */
static void
endpoints_apply(void *state, const void *rec)
{
	struct endpoints_state *s = state;
	const struct endpoints_rec *r = rec;

	if (r->ts_sec > s->newest_sec)
		s->newest_sec = r->ts_sec;
	endpoints_count(s, &r->src, r->hsrc, true, r->len, r->ts_sec);
	endpoints_count(s, &r->dst, r->hdst, false, r->len, r->ts_sec);
}

/* Every class's packet callback: data is a record that begins with a
 * struct conv_tap, so it can be read as one.  It only queues the packet:
 * endpoints_apply counts it, on another thread or before the next draw. */
tap_packet_status
endpoints_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct endpoints_state *s = state;
	const struct conv_tap *t = data;
	struct endpoints_rec *r;

	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	r = deferq_reserve(s->q);
	endpoints_key_make(s, &t->src, t->sport, &r->src);
	endpoints_key_make(s, &t->dst, t->dport, &r->dst);
	r->len = pinfo->len;
	r->ts_sec = pinfo->ts_sec;
	deferq_commit(s->q);
	return (TAP_PACKET_REDRAW);
}

void
endpoints_draw(void *state, struct panel *p)
{
	struct endpoints_state *s = state;
	size_t i, n;

	deferq_lock(s->q);
	n = flowtab_order(s->ft);

	for (i = 0; i < n; i++) {
		const struct endpoints_key *k = flowtab_key_at(s->ft, i);
		const struct endpoints_val *v = flowtab_val_at(s->ft, i);
		union cell *row = table_add_row(p->table);
		int c = 0;

		row[c++].addr = k->addr;
		if (s->ports)
			row[c++].u = k->port;
		rowrate_cells(&v->rate, &p->clock, &row[c]);
		c += ROWRATE_NWIN;
		row[c++].u = v->tx_frames + v->rx_frames;
		row[c++].u = v->tx_bytes + v->rx_bytes;
		row[c++].u = v->tx_frames;
		row[c++].u = v->tx_bytes;
		row[c++].u = v->rx_frames;
		row[c++].u = v->rx_bytes;
	}
	flowtab_folded(s->ft, &p->table->folded_rows,
	    &p->table->folded_frames, &p->table->folded_bytes);
	p->table->folded_rows_estimated = p->table->folded_rows > 0;
	p->table->folded_error = flowtab_error(s->ft);
	p->quiet_after_ns = rowrate_quiet_after_ns(s->newest_sec);
	deferq_unlock(s->q);
}

char *
endpoints_row_filter(const struct panel_class *cls, const struct table *t,
    int row)
{
	GString *f = g_string_new(NULL);
	bool ok;

	ok = conv_filter_addr(f, t, row, "address");
	if (ok && (cls->opts & ENDPOINTS_OPT_PORTS))
		ok = conv_filter_port(f, cls, t, row, "port");
	return (g_string_free(f, !ok));
}

/* The classes, in the order of list.def. */

/* Every Ethernet header, inner ones (VXLAN) included. */
const struct panel_class panel_endpoints_eth = {
	.name = "endpoints.eth",
	.title = "Ethernet Endpoints",
	.tap = "eth",
	ENDPOINTS_BY_ADDR,
};

const struct panel_class panel_endpoints_ip = {
	.name = "endpoints.ip",
	.title = "IPv4 Endpoints",
	.tap = "ip",
	ENDPOINTS_BY_ADDR,
};

const struct panel_class panel_endpoints_ipv6 = {
	.name = "endpoints.ipv6",
	.title = "IPv6 Endpoints",
	.tap = "ipv6",
	ENDPOINTS_BY_ADDR,
};

/* IPv4 and IPv6 in one list (the overview's); not in Wireshark. */
const struct panel_class panel_endpoints_host = {
	.name = "endpoints.host",
	.title = "Hosts (IPv4 and IPv6)",
	.tap = "host",
	ENDPOINTS_BY_ADDR,
};

/* Not split by stream: an endpoint is an address and port. */
const struct panel_class panel_endpoints_tcp = {
	.name = "endpoints.tcp",
	.title = "TCP Endpoints",
	.tap = "tcp",
	ENDPOINTS_BY_PORT,
};

const struct panel_class panel_endpoints_udp = {
	.name = "endpoints.udp",
	.title = "UDP Endpoints",
	.tap = "udp",
	ENDPOINTS_BY_PORT,
};


const struct panel_class panel_endpoints_sctp = {
	.name = "endpoints.sctp",
	.title = "SCTP Endpoints",
	.tap = "sctp",
	ENDPOINTS_BY_PORT,
};
