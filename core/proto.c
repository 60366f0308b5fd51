/*
 * The dissector registry and dissector tables.
 *
 * Registration runs once, before any thread starts, in two passes: first
 * every dissector registers its protocol, fields, tables and tap; then every
 * handoff is added to its table, so list.def order does not matter.  The
 * tables are glib hash tables from a 32-bit key to a dissector; they are
 * read-only once capture begins.
 */
#include <glib.h>

#include "proto.h"
#include "tap.h"

#define DISSECTOR(n) extern const struct dissector dissector_##n;
#include "../dissectors/list.def"
#undef DISSECTOR

static const struct dissector *const all_dissectors[] = {
#define DISSECTOR(n) &dissector_##n,
#include "../dissectors/list.def"
#undef DISSECTOR
	NULL
};

struct dtable {
	const char	*name;
	GHashTable	*map;		/* key -> const struct dissector * */
};

static GHashTable *tables;		/* name -> struct dtable * */
static GHashTable *by_name;		/* protocol name -> dissector */
static const struct dissector *by_proto[FIELD_MAX];
static gsize initialised;

static void
register_one(const struct dissector *d)
{
	struct field_def pdef = {
		.id = d->proto, .name = d->name, .type = FT_PROTOCOL,
		.desc = d->longname,
	};
	const struct field_def *f;
	int proto, i;

	proto = field_register(&pdef, -1);
	by_proto[proto] = d;
	g_hash_table_insert(by_name, (gpointer)d->name, (gpointer)d);
	for (f = d->fields; f != NULL && f->name != NULL; f++)
		field_register(f, proto);
	for (i = 0; d->tables != NULL && d->tables[i] != NULL; i++) {
		struct dtable *t = g_new0(struct dtable, 1);

		t->name = d->tables[i];
		t->map = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(tables, (gpointer)t->name, t);
	}
	if (d->tap != NULL)
		*d->tap_id = register_tap(d->tap);
}

static void
add_handoffs(const struct dissector *d)
{
	const struct handoff *h;
	struct dtable *t;

	for (h = d->handoff; h < d->handoff + DISSECTOR_HANDOFF_MAX &&
	    h->table != NULL; h++) {
		t = dtable_find(h->table);
		if (t == NULL)
			g_error("%s: hands off from unknown table %s", d->name,
			    h->table);
		g_hash_table_insert(t->map, GUINT_TO_POINTER(h->key),
		    (gpointer)d);
	}
}

void
proto_init(void)
{
	int i;

	if (!g_once_init_enter(&initialised))
		return;
	tables = g_hash_table_new(g_str_hash, g_str_equal);
	by_name = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; all_dissectors[i] != NULL; i++)
		register_one(all_dissectors[i]);
	for (i = 0; all_dissectors[i] != NULL; i++)
		add_handoffs(all_dissectors[i]);
	for (i = 0; all_dissectors[i] != NULL; i++)
		if (all_dissectors[i]->init != NULL)
			all_dissectors[i]->init();
	g_once_init_leave(&initialised, 1);
}

const struct dissector *
proto_find_dissector(const char *name)
{
	return (by_name == NULL ? NULL : g_hash_table_lookup(by_name, name));
}

const struct dissector *
proto_dissector_by_id(int proto)
{
	if (proto < 0 || proto >= FIELD_MAX)
		return (NULL);
	return (by_proto[proto]);
}

const char *
proto_name(int proto)
{
	const struct dissector *d = proto_dissector_by_id(proto);

	return (d != NULL ? d->name : "?");
}

const struct dissector *
proto_dissector_at(int i)
{
	if (i < 0 || i >= (int)G_N_ELEMENTS(all_dissectors) - 1)
		return (NULL);
	return (all_dissectors[i]);
}

struct dtable *
dtable_find(const char *name)
{
	return (tables == NULL ? NULL : g_hash_table_lookup(tables, name));
}

enum dissect_result
call_dissector(const struct dissector *d, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	enum dissect_result r;
	size_t start = MIN(b->off, b->caplen);	/* where our bytes begin */
	int layer = -1;

	if (edt->depth >= PACKET_DEPTH_MAX) {
		/* Tunnels inside tunnels past any sane depth: stop here. */
		dissect_note_error(edt, *d->proto, BUF_MALFORMED);
		return (DISSECT_OK);
	}
	if (!d->no_layer && edt->nlayers < PACKET_LAYERS_MAX) {
		layer = edt->nlayers++;
		edt->layers[layer].proto = (uint16_t)*d->proto;
		edt->layers[layer].in_error = pinfo->in_error_pkt;
		edt->layers[layer].field0 = (uint16_t)edt->nfields;
		edt->layers[layer].off = edt->data != NULL && b->data >= edt->data ?
		    (uint32_t)(b->data + start - edt->data) : 0;
		edt->layers[layer].len = 0;
		edt->layers[layer].buflen = (uint32_t)(b->caplen - start);
	}
	edt->depth++;
	r = d->dissect(b, pinfo, edt);
	edt->depth--;
	/* Children read sub-buffers, so what the cursor passed is ours; a
	 * protocol whose item spans its payload (TCP) covers the buffer. */
	if (layer >= 0)
		edt->layers[layer].len = d->covers_payload ?
		    (uint32_t)(b->caplen - start) :
		    (uint32_t)(MIN(b->off, b->caplen) - start);
	if (r == DISSECT_REJECT) {
		/* Only the newest layer can be ours: children pushed after it
		 * are dropped with it. */
		if (layer >= 0)
			edt->nlayers = layer;
		return (r);
	}
	if (b->err != BUF_OK)
		dissect_note_error(edt, *d->proto, b->err);
	return (r);
}

void
call_dissector_quoted(const struct dissector *d, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct address net_src = pinfo->net_src, net_dst = pinfo->net_dst;
	uint32_t srcport = pinfo->srcport, destport = pinfo->destport;
	bool in_error = pinfo->in_error_pkt;
	struct buf quote;

	if (d == NULL || buf_reported_left(b) == 0)
		return;
	buf_rest(b, &quote);
	pinfo->in_error_pkt = true;
	(void)call_dissector(d, &quote, pinfo, edt);
	pinfo->in_error_pkt = in_error;
	pinfo->net_src = net_src;
	pinfo->net_dst = net_dst;
	pinfo->srcport = srcport;
	pinfo->destport = destport;
}

/*
 * No dissector takes the payload b: the innermost layer, whose payload it
 * is, then ends where b ends (IP's datagram ends at its total length, not
 * at the Ethernet padding), for "ip contains" to search what tshark does.
 */
static void
payload_unclaimed(struct dissect *edt, const struct buf *b)
{
	struct packet_layer *l;
	uint64_t end;

	if (edt->nlayers == 0 || edt->data == NULL || b->data < edt->data)
		return;
	l = &edt->layers[edt->nlayers - 1];
	end = (uint64_t)(b->data - edt->data) + b->caplen;
	if (end >= l->off && end < (uint64_t)l->off + l->buflen)
		l->buflen = (uint32_t)(end - l->off);
}

bool
dtable_call(struct dtable *t, uint32_t key, struct buf *b,
    struct packet_info *pinfo, struct dissect *edt)
{
	const struct dissector *d;

	d = t == NULL ? NULL : g_hash_table_lookup(t->map,
	    GUINT_TO_POINTER(key));
	if (d == NULL || call_dissector(d, b, pinfo, edt) != DISSECT_OK) {
		payload_unclaimed(edt, b);
		return (false);
	}
	return (true);
}
