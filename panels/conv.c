/*
 * Conversations: the semantics are in conv.h.
 *
 * The key is the endpoint pair in a fixed order (lower address, then lower
 * port, first), so both directions find one entry; the value remembers
 * whether A, the first sender, is the lower side.  For TCP the entry of
 * generation 0 is the head of the address and port pair: besides its own
 * counts it tracks the live stream (a pointer to the entry counting it,
 * stable because flowtab entries never move) and the first sequence number
 * each side sent in it.  Later streams of the pair are entries of
 * generation 1, 2 ...; they are inserted when they start, so the flowtab's
 * insertion order is the order in which conversations began, which is the
 * order tshark lists ties in.
 */
#include <string.h>

#include <glib.h>

#include "conv.h"
#include "core/flowtab.h"
#include "dissectors/taps.h"

#define TCP_SYN	0x002
#define TCP_ACK	0x010

struct conv_key {
	struct address	lo, hi;
	uint16_t	lo_port, hi_port;
	uint32_t	gen;		/* TCP stream of this pair, from 0 */
};

enum { AB, BA };

struct conv_val {
	uint64_t	 frames[2], bytes[2];	/* [AB], [BA] */
	double		 start, stop;		/* rel_ts, min and max */
	struct conv_val	*cur;		/* TCP head: the live stream, or NULL
					 * when its row was folded */
	uint32_t	 base_seq[2];	/* TCP head: first seq sent by lo, hi */
	uint32_t	 ngen;		/* TCP head: streams after the first */
	uint8_t		 base_set[2];
	uint8_t		 a_is_lo;
};

struct conv_state {
	struct flowtab	*ft;
	bool		 ports;
	bool		 tcp;
};

#define CONV_COLS_TAIL \
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


static void *
create(struct panel *p, bool ports, bool tcp)
{
	struct conv_state *s = g_new0(struct conv_state, 1);

	s->ft = flowtab_new(sizeof(struct conv_key), sizeof(struct conv_val),
	    p->max_rows);
	s->ports = ports;
	s->tcp = tcp;
	return (s);
}

void *
conv_create_addr(struct panel *p)
{
	return (create(p, false, false));
}

void *
conv_create_port(struct panel *p)
{
	return (create(p, true, false));
}

void *
conv_create_tcp(struct panel *p)
{
	return (create(p, true, true));
}

void
conv_destroy(void *state)
{
	struct conv_state *s = state;

	flowtab_free(s->ft);
	g_free(s);
}

void
conv_reset(void *state)
{
	flowtab_clear(((struct conv_state *)state)->ft);
}

/* Copies only the meaningful bytes, so keys compare bytewise. */
static inline void
addr_copy(struct address *to, const struct address *from)
{
	uint8_t len = from->len <= sizeof(to->data) ? from->len :
	    (uint8_t)sizeof(to->data);

	to->type = from->type;
	to->len = len;
	memcpy(to->data, from->data, len);
}

static inline void
conv_start(struct conv_val *v, bool src_is_lo, double ts)
{
	v->a_is_lo = src_is_lo;
	v->start = v->stop = ts;
}

static inline void
conv_count(struct conv_val *v, bool src_is_lo, const struct packet_info *pinfo)
{
	int dir = src_is_lo == (bool)v->a_is_lo ? AB : BA;

	v->frames[dir]++;
	v->bytes[dir] += pinfo->len;
	if (pinfo->rel_ts < v->start)
		v->start = pinfo->rel_ts;
	else if (pinfo->rel_ts > v->stop)
		v->stop = pinfo->rel_ts;
}

/*
 * Follows a TCP pair's streams: returns the entry counting this segment's
 * stream, or NULL when that stream's row was folded.  key->gen is left at
 * the stream's generation.
 */
static struct conv_val *
tcp_stream(struct conv_state *s, struct conv_key *key, struct conv_val *head,
    bool created, bool src_is_lo, const struct packet_info *pinfo,
    const struct tcp_tap *tcp)
{
	int side = src_is_lo ? 0 : 1;
	struct conv_val *v;

	if (created) {
		head->cur = head;
	} else if ((tcp->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN &&
	    head->base_set[side] && tcp->seq != head->base_seq[side]) {
		/* Port reuse: a new stream of the same pair. */
		head->ngen++;
		head->base_set[0] = head->base_set[1] = 0;
		key->gen = head->ngen;
		v = flowtab_get(s->ft, key, NULL);
		if (v != NULL)
			conv_start(v, src_is_lo, pinfo->rel_ts);
		head->cur = v;
	}
	if (!head->base_set[side]) {
		head->base_set[side] = 1;
		head->base_seq[side] = tcp->seq;
	}
	key->gen = head->ngen;
	return (head->cur);
}

void
conv_add(void *state, const struct address *src, const struct address *dst,
    uint16_t sport, uint16_t dport, const struct packet_info *pinfo,
    const struct tcp_tap *tcp)
{
	struct conv_state *s = state;
	struct conv_key key;
	struct conv_val *v;
	bool src_is_lo, created;
	int c;

	if (!s->ports)
		sport = dport = 0;
	c = address_cmp(src, dst);
	src_is_lo = c < 0 || (c == 0 && sport <= dport);
	memset(&key, 0, sizeof(key));
	if (src_is_lo) {
		addr_copy(&key.lo, src);
		addr_copy(&key.hi, dst);
		key.lo_port = sport;
		key.hi_port = dport;
	} else {
		addr_copy(&key.lo, dst);
		addr_copy(&key.hi, src);
		key.lo_port = dport;
		key.hi_port = sport;
	}
	v = flowtab_get(s->ft, &key, &created);
	if (v != NULL && created)
		conv_start(v, src_is_lo, pinfo->rel_ts);
	if (v != NULL && s->tcp && tcp != NULL)
		v = tcp_stream(s, &key, v, created, src_is_lo, pinfo, tcp);
	if (v == NULL) {
		flowtab_fold(s->ft, &key, 1, pinfo->len);
		return;
	}
	conv_count(v, src_is_lo, pinfo);
}

void
conv_draw(void *state, struct panel *p)
{
	struct conv_state *s = state;
	size_t i, n = flowtab_count(s->ft);

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
}

tap_packet_status
conv_ip_tap_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct ip_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	conv_add(state, &t->src, &t->dst, 0, 0, pinfo, NULL);
	return (TAP_PACKET_REDRAW);
}
