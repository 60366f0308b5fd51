/*
 * Endpoints: the semantics are in endpoints.h.  One flowtab entry per
 * address and port; the source is looked up before the destination, so
 * the insertion order (the tie-break order of rows) is Wireshark's.
 */
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "dissectors/taps.h"
#include "endpoints.h"

struct endp_key {
	struct address	addr;
	uint16_t	port;
};

struct endp_val {
	uint64_t	tx_frames, tx_bytes, rx_frames, rx_bytes;
};

struct endp_state {
	struct flowtab	*ft;
	bool		 ports;
};

#define ENDP_COLS_TAIL \
	{ "packets", "Packets", COL_UINT }, \
	{ "bytes", "Bytes", COL_BYTES }, \
	{ "tx_packets", "Tx Packets", COL_UINT }, \
	{ "tx_bytes", "Tx Bytes", COL_BYTES }, \
	{ "rx_packets", "Rx Packets", COL_UINT }, \
	{ "rx_bytes", "Rx Bytes", COL_BYTES }

const struct table_col endp_cols_addr[ENDP_NCOLS_ADDR] = {
	{ "address", "Address", COL_ADDR },
	ENDP_COLS_TAIL,
};

const struct table_col endp_cols_port[ENDP_NCOLS_PORT] = {
	{ "address", "Address", COL_ADDR },
	{ "port", "Port", COL_PORT },
	ENDP_COLS_TAIL,
};

static void *
create(struct panel *p, bool ports)
{
	struct endp_state *s = g_new0(struct endp_state, 1);

	s->ft = flowtab_new(sizeof(struct endp_key), sizeof(struct endp_val),
	    p->max_rows);
	s->ports = ports;
	return (s);
}

void *
endp_create_addr(struct panel *p)
{
	return (create(p, false));
}

void *
endp_create_port(struct panel *p)
{
	return (create(p, true));
}

void
endp_destroy(void *state)
{
	struct endp_state *s = state;

	flowtab_free(s->ft);
	g_free(s);
}

void
endp_reset(void *state)
{
	flowtab_clear(((struct endp_state *)state)->ft);
}

static inline void
count(struct endp_state *s, const struct address *a, uint16_t port,
    bool tx, uint32_t len)
{
	struct endp_key key;
	struct endp_val *v;
	uint8_t alen = a->len <= sizeof(key.addr.data) ? a->len :
	    (uint8_t)sizeof(key.addr.data);

	memset(&key, 0, sizeof(key));
	key.addr.type = a->type;
	key.addr.len = alen;
	memcpy(key.addr.data, a->data, alen);
	key.port = s->ports ? port : 0;
	if ((v = flowtab_get(s->ft, &key, NULL)) == NULL) {
		flowtab_fold(s->ft, &key, 1, len);
		return;
	}
	if (tx) {
		v->tx_frames++;
		v->tx_bytes += len;
	} else {
		v->rx_frames++;
		v->rx_bytes += len;
	}
}

void
endp_add(void *state, const struct address *src, const struct address *dst,
    uint16_t sport, uint16_t dport, const struct packet_info *pinfo)
{
	count(state, src, sport, true, pinfo->len);
	count(state, dst, dport, false, pinfo->len);
}

void
endp_draw(void *state, struct panel *p)
{
	struct endp_state *s = state;
	size_t i, n = flowtab_count(s->ft);

	for (i = 0; i < n; i++) {
		const struct endp_key *k = flowtab_key_at(s->ft, i);
		const struct endp_val *v = flowtab_val_at(s->ft, i);
		union cell *row = table_add_row(p->table);
		int c = 0;

		row[c++].addr = k->addr;
		if (s->ports)
			row[c++].u = k->port;
		row[c++].u = v->tx_frames + v->rx_frames;
		row[c++].u = v->tx_bytes + v->rx_bytes;
		row[c++].u = v->tx_frames;
		row[c++].u = v->tx_bytes;
		row[c++].u = v->rx_frames;
		row[c++].u = v->rx_bytes;
	}
	flowtab_folded(s->ft, &p->table->folded_rows,
	    &p->table->folded_frames, &p->table->folded_bytes);
}

tap_packet_status
endp_ip_tap_packet(void *state, struct panel *p, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct ip_tap *t = data;

	(void)p;
	(void)edt;
	if (t == NULL)
		return (TAP_PACKET_DONT_REDRAW);
	endp_add(state, &t->src, &t->dst, 0, 0, pinfo);
	return (TAP_PACKET_REDRAW);
}
