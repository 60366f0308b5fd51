/*
 * The dissector registry and dissector tables.
 *
 * Registration runs once, before any thread starts, in two passes: first
 * every dissector registers its protocol, fields, tables and tap; then every
 * handoff is added to its table, so list.def order does not matter.  The
 * tables are glib hash tables from a 32-bit key to a dissector; they are
 * read-only once capture begins.  Names are only for handoffs to find a
 * table by: a name owned twice, or one no dissector owns, is a programming
 * error and stops the program at start-up.
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
	for (i = 0; d->tables != NULL && d->tables[i].name != NULL; i++) {
		struct dtable *t = g_new0(struct dtable, 1);

		if (g_hash_table_contains(tables, d->tables[i].name))
			g_error("%s: table %s is already owned", d->name,
			    d->tables[i].name);
		t->name = d->tables[i].name;
		t->map = g_hash_table_new(g_direct_hash, g_direct_equal);
		g_hash_table_insert(tables, (gpointer)t->name, t);
		*d->tables[i].table = t;
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
		t = g_hash_table_lookup(tables, h->table);
		if (t == NULL)
			g_error("%s: hands off from unknown table %s", d->name,
			    h->table);
		g_hash_table_insert(t->map, GUINT_TO_POINTER(h->key),
		    (gpointer)d);
		if (h->key < DTABLE_SMALL_KEYS) {
			const struct dissector ***pg =
			    &t->page[h->key / DTABLE_PAGE];

			if (*pg == NULL)
				*pg = g_new0(const struct dissector *,
				    DTABLE_PAGE);
			(*pg)[h->key % DTABLE_PAGE] = d;
		}
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
