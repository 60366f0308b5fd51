/*
 * Conversations: the semantics are in conv.h.
 *
 * The key is the endpoint pair in a fixed order (lower address, then lower
 * port, first), so both directions find one entry; the value remembers
 * whether A, the first sender, is the lower side.
 *
 * The flowtab keeps the heaviest rows (flowtab.h): a row may be evicted by
 * any lookup of another key, so nothing here keeps a pointer to a row
 * across lookups.  For TCP, the live stream of an address and port pair is
 * the entry of generation 0, and it carries the first sequence number each
 * side sent in it.  When a new stream starts on the pair (port reuse), the
 * live one is given a key of its own (a panel-wide generation, never 0)
 * and a new generation 0 entry is inserted: so one lookup per packet finds
 * the live stream, and the flowtab's insertion order stays the order in
 * which conversations began, which is the order tshark lists ties in.  If
 * the live stream's row was evicted, its next packet starts a new row,
 * exact from then on, as for any key; the first sequence numbers went
 * with the old row, so a new stream on the pair is told apart again once
 * its side has sent in the new row.
 *
 * packet() only queues a record (the key, normalised, and what the
 * counting reads); conv_apply counts it, on the worker thread or before
 * the next draw or reset (core/deferq.h), so everything below runs under
 * the queue's lock.
 *
 * A row weighs its bytes.  A SYN that starts a new stream weighs on the
 * live stream's row at the lookup; that weight is taken back before the
 * row retires, so the counters add up to the bytes counted.
 *
 * The classes are at the end: each is its tap, its title and what its rows
 * are keyed on.
 */
#include <string.h>

#include <glib.h>

#include "conv.h"
#include "core/deferq.h"
#include "core/flowtab.h"
#include "dissectors/taps.h"

struct conv_key {
	struct address	lo, hi;
	uint16_t	lo_port, hi_port;
	uint32_t	gen;		/* TCP: 0 for the live stream of the
					 * pair, else a retired one's number */
};

enum { AB, BA };

struct conv_val {
	uint64_t	 frames[2], bytes[2];	/* [AB], [BA] */
	double		 start, stop;		/* rel_ts, min and max */
	uint32_t	 base_seq[2];	/* TCP: first seq sent by lo, hi */
	uint8_t		 base_set[2];
	uint8_t		 a_is_lo;
	struct rowrate	 rate;		/* both directions */
};

/* What packet() hands to the counting (core/deferq.h): the row's key
 * and what conv_count and conv_stream read of the packet. */
struct conv_rec {
	struct conv_key	 key;
	uint32_t	 len;
	uint32_t	 seq;		/* TCP: this side's sequence number */
	int64_t		 ts_sec;
	double		 rel_ts;
	uint8_t		 src_is_lo;
	uint8_t		 opens;		/* TCP: a SYN without ACK */
	uint32_t	 hash;		/* the key's, set by conv_prefetch */
};

struct conv_state {
	struct deferq	*q;		/* packets not counted yet */
	struct flowtab	*ft;		/* the rest: under q's lock */
	bool		 ports;		/* CONV_OPT_PORTS */
	bool		 streams;	/* CONV_OPT_STREAMS */
	uint32_t	 retired;	/* the last generation given */
	int64_t		 newest_sec;	/* of any packet; INT64_MIN: none */
};

#define CONV_COLS_TAIL \
	ROWRATE_COLS, \
	{ "frames", "Frames", COL_UINT }, \
	{ "bytes", "Bytes", COL_BYTES }, \
	{ "frames_ab", "Frames A→B", COL_UINT }, \
	{ "bytes_ab", "Bytes A→B", COL_BYTES }, \
	{ "frames_ba", "Frames B→A", COL_UINT }, \
	{ "bytes_ba", "Bytes B→A", COL_BYTES }, \
	{ "start", "Rel Start", COL_TIME }, \
	{ "duration", "Duration", COL_TIME }

const struct table_col conv_cols_addr[CONV_NCOLS_ADDR] = {
	{ "a", "Address A", COL_ADDR },
	{ "b", "Address B", COL_ADDR },
	CONV_COLS_TAIL,
};

const struct table_col conv_cols_port[CONV_NCOLS_PORT] = {
	{ "a", "Address A", COL_ADDR },
	{ "b", "Address B", COL_ADDR },
	{ "a_port", "Port A", COL_PORT },
	{ "b_port", "Port B", COL_PORT },
	CONV_COLS_TAIL,
};


static void conv_apply(void *state, const void *rec);
static void conv_prefetch(void *state, void *rec);

/* What an evicted row folds into "other". */
static void
conv_totals(const void *key, const void *val, uint64_t *frames,
    uint64_t *bytes)
{
	const struct conv_val *v = val;

	(void)key;
	*frames = v->frames[AB] + v->frames[BA];
	*bytes = v->bytes[AB] + v->bytes[BA];
}

void *
conv_create(struct panel *p)
{
	struct conv_state *s = g_new0(struct conv_state, 1);

	s->ft = flowtab_new(sizeof(struct conv_key), sizeof(struct conv_val),
	    p->max_rows, conv_totals);
	s->ports = (p->cls->opts & CONV_OPT_PORTS) != 0;
	s->streams = (p->cls->opts & CONV_OPT_STREAMS) != 0;
	s->newest_sec = INT64_MIN;
	s->q = deferq_new(sizeof(struct conv_rec), conv_apply,
	    conv_prefetch, s);
	return (s);
}

void
conv_destroy(void *state)
{
	struct conv_state *s = state;

	deferq_free(s->q);
	flowtab_free(s->ft);
	g_free(s);
}

void
conv_reset(void *state)
{
	struct conv_state *s = state;

	deferq_lock(s->q);
	flowtab_clear(s->ft);
	s->retired = 0;
	s->newest_sec = INT64_MIN;
	deferq_unlock(s->q);
}

static inline void
conv_start(struct conv_val *v, bool src_is_lo, double ts)
{
	v->a_is_lo = src_is_lo;
	v->start = v->stop = ts;
}

static inline void
conv_count(struct conv_val *v, const struct conv_rec *r)
{
	int dir = (bool)r->src_is_lo == (bool)v->a_is_lo ? AB : BA;

	v->frames[dir]++;
	v->bytes[dir] += r->len;
	rowrate_add(&v->rate, r->ts_sec, r->len);
	if (r->rel_ts < v->start)
		v->start = r->rel_ts;
	else if (r->rel_ts > v->stop)
		v->stop = r->rel_ts;
}

/*
 * Follows a pair's streams (TCP): v is the pair's live stream (generation
 * 0, found or just created); returns the entry counting this packet's
 * stream, NULL only when the table holds no rows at all.
 */
static struct conv_val *
conv_stream(struct conv_state *s, const struct conv_rec *r,
    struct conv_val *v)
{
	int side = r->src_is_lo ? 0 : 1;
	struct conv_key old;

	if (r->opens && v->base_set[side] && r->seq != v->base_seq[side]) {
		/* Port reuse: the live stream retires under a generation
		 * of its own (never 0, and free: a wrapped counter may meet
		 * a retired row still kept), and a new one starts. */
		flowtab_unweigh(s->ft, v, r->len);
		old = r->key;
		do {
			if (++s->retired == 0)
				s->retired = 1;
			old.gen = s->retired;
		} while (!flowtab_rekey(s->ft, v, &old));
		if ((v = flowtab_get(s->ft, &r->key, r->len, NULL)) == NULL)
			return (NULL);
		conv_start(v, r->src_is_lo, r->rel_ts);
	}
	if (!v->base_set[side]) {
		v->base_set[side] = 1;
		v->base_seq[side] = r->seq;
	}
	return (v);
}

/* The row key of a packet: the lower side first.  Returns whether the
 * packet's source is the lower side. */
static inline bool
conv_key_make(const struct conv_state *s, const struct conv_tap *t,
    struct conv_key *key)
{
	const struct address *src = &t->src, *dst = &t->dst;
	uint16_t sport = s->ports ? t->sport : 0;
	uint16_t dport = s->ports ? t->dport : 0;
	int c = address_cmp(src, dst);
	bool src_is_lo = c < 0 || (c == 0 && sport <= dport);

	memset(key, 0, sizeof(*key));
	if (src_is_lo) {
		address_copy_clean(&key->lo, src);
		address_copy_clean(&key->hi, dst);
		key->lo_port = sport;
		key->hi_port = dport;
	} else {
		address_copy_clean(&key->lo, dst);
		address_copy_clean(&key->hi, src);
		key->lo_port = dport;
		key->hi_port = sport;
	}
	return (src_is_lo);
}

/* A few records before conv_apply: asks for the key's index slot. */
static void
conv_prefetch(void *state, void *rec)
{
	struct conv_state *s = state;
	struct conv_rec *r = rec;

	r->hash = (uint32_t)flowtab_hash_inline(&r->key, sizeof(r->key));
	flowtab_prefetch(s->ft, r->hash);
}

/* Counts one packet; under the queue's lock. */
static void
conv_apply(void *state, const void *rec)
{
	struct conv_state *s = state;
	const struct conv_rec *r = rec;
	struct conv_val *v;
	bool created;

	if (r->ts_sec > s->newest_sec)
		s->newest_sec = r->ts_sec;
	v = flowtab_get_hashed(s->ft, &r->key, r->hash, r->len, &created);
	if (v != NULL && created)
		conv_start(v, r->src_is_lo, r->rel_ts);
	if (v != NULL && s->streams)
		v = conv_stream(s, r, v);
	if (v == NULL) {
		/* Only with max_rows 0: a table that keeps the heaviest
		 * always takes the key. */
		flowtab_fold(s->ft, &r->key, 1, r->len);
		return;
	}
	conv_count(v, r);
}

/* Every class's packet callback: data is a record that begins with a
 * struct conv_tap, so it can be read as one.  It only queues the packet:
 * conv_apply counts it, on another thread or before the next draw. */
tap_packet_status
conv_packet(void *state, struct packet_info *pinfo, struct dissect *edt,
    const void *data)
{
	struct conv_state *s = state;
	const struct conv_tap *t = data;
	struct conv_rec *r;

	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	r = deferq_reserve(s->q);
	r->src_is_lo = conv_key_make(s, t, &r->key);
	r->len = pinfo->len;
	r->seq = t->seq;
	r->opens = t->opens;
	r->ts_sec = pinfo->ts_sec;
	r->rel_ts = pinfo->rel_ts;
	deferq_commit(s->q);
	return (TAP_PACKET_REDRAW);
}

void
conv_draw(void *state, struct panel *p)
{
	struct conv_state *s = state;
	size_t i, n;

	deferq_lock(s->q);
	n = flowtab_order(s->ft);
	for (i = 0; i < n; i++) {
		const struct conv_key *k = flowtab_key_at(s->ft, i);
		const struct conv_val *v = flowtab_val_at(s->ft, i);
		union cell *row = table_add_row(p->table);
		int c = 0;

		row[c++].addr = v->a_is_lo ? k->lo : k->hi;
		row[c++].addr = v->a_is_lo ? k->hi : k->lo;
		if (s->ports) {
			row[c++].u = v->a_is_lo ? k->lo_port : k->hi_port;
			row[c++].u = v->a_is_lo ? k->hi_port : k->lo_port;
		}
		rowrate_cells(&v->rate, &p->clock, &row[c]);
		c += ROWRATE_NWIN;
		row[c++].u = v->frames[AB] + v->frames[BA];
		row[c++].u = v->bytes[AB] + v->bytes[BA];
		row[c++].u = v->frames[AB];
		row[c++].u = v->bytes[AB];
		row[c++].u = v->frames[BA];
		row[c++].u = v->bytes[BA];
		row[c++].d = v->start;
		row[c++].d = v->stop - v->start;
	}
	flowtab_folded(s->ft, &p->table->folded_rows,
	    &p->table->folded_frames, &p->table->folded_bytes);
	p->table->folded_rows_estimated = p->table->folded_rows > 0;
	p->table->folded_error = flowtab_error(s->ft);
	p->quiet_after_ns = rowrate_quiet_after_ns(s->newest_sec);
	deferq_unlock(s->q);
}

/* The field that holds an address of this type, in either direction. */
static const char *
addr_field(const struct address *a)
{
	switch (a->type) {
	case AT_ETHER:
		return ("eth.addr");
	case AT_IPv4:
		return ("ip.addr");
	case AT_IPv6:
		return ("ipv6.addr");
	}
	return (NULL);
}

/* " && " between terms. */
static void
term_sep(GString *f)
{
	if (f->len > 0)
		g_string_append(f, " && ");
}

bool
conv_filter_addr(GString *f, const struct table *t, int row, const char *key)
{
	const union cell *r = table_row(t, row);
	char text[ADDR_STRLEN];
	const char *field;
	int c = table_col_index(t, key);

	if (r == NULL || c < 0 || t->cols[c].type != COL_ADDR ||
	    (field = addr_field(&r[c].addr)) == NULL)
		return (false);
	term_sep(f);
	g_string_append_printf(f, "%s==%s", field,
	    address_to_str(&r[c].addr, text));
	return (true);
}

bool
conv_filter_port(GString *f, const struct panel_class *cls,
    const struct table *t, int row, const char *key)
{
	const union cell *r = table_row(t, row);
	int c = table_col_index(t, key);

	if (r == NULL || c < 0 || t->cols[c].type != COL_PORT ||
	    cls->tap == NULL)
		return (false);
	term_sep(f);
	g_string_append_printf(f, "%s.port==%" G_GUINT64_FORMAT, cls->tap,
	    r[c].u);
	return (true);
}

char *
conv_row_filter(const struct panel_class *cls, const struct table *t, int row)
{
	GString *f = g_string_new(NULL);
	bool ok;

	ok = conv_filter_addr(f, t, row, "a") &&
	    conv_filter_addr(f, t, row, "b");
	if (ok && (cls->opts & CONV_OPT_PORTS))
		ok = conv_filter_port(f, cls, t, row, "a_port") &&
		    conv_filter_port(f, cls, t, row, "b_port");
	return (g_string_free(f, !ok));
}

/* The classes, in the order of list.def. */

/* Every Ethernet header, inner ones (VXLAN) included. */
const struct panel_class panel_conv_eth = {
	.name = "conv.eth",
	.title = "Ethernet Conversations",
	.tap = "eth",
	CONV_BY_ADDR,
};

/* One row per address pair; both headers of IP-in-IP count. */
const struct panel_class panel_conv_ip = {
	.name = "conv.ip",
	.title = "IPv4 Conversations",
	.tap = "ip",
	CONV_BY_ADDR,
};

const struct panel_class panel_conv_ipv6 = {
	.name = "conv.ipv6",
	.title = "IPv6 Conversations",
	.tap = "ipv6",
	CONV_BY_ADDR,
};

/* IPv4 and IPv6 in one list (the overview's); not in Wireshark. */
const struct panel_class panel_conv_host = {
	.name = "conv.host",
	.title = "IP Conversations (IPv4 and IPv6)",
	.tap = "host",
	CONV_BY_ADDR,
};

/* One row per stream, split on port reuse as conv.h describes. */
const struct panel_class panel_conv_tcp = {
	.name = "conv.tcp",
	.title = "TCP Conversations",
	.tap = "tcp",
	CONV_BY_STREAM,
};

const struct panel_class panel_conv_udp = {
	.name = "conv.udp",
	.title = "UDP Conversations",
	.tap = "udp",
	CONV_BY_PORT,
};

/* One row per port pair, as -z conv,sctp. */
const struct panel_class panel_conv_sctp = {
	.name = "conv.sctp",
	.title = "SCTP Conversations",
	.tap = "sctp",
	CONV_BY_PORT,
};
