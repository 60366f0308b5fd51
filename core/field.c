/*
 * The field registry.  Registration happens once at start-up, before any
 * thread runs; afterwards the table is read-only except for the wanted
 * counters, which the curses thread changes under the tap lock while the
 * capture thread only reads them (a stale read costs one packet's worth of
 * a field, never memory safety).
 */
#include <glib.h>

#include "field.h"

static struct field_info fields[FIELD_MAX];
static int nfields;
static GHashTable *by_name;
static unsigned wanted_refs[FIELD_MAX];

atomic_uchar field_wanted_map[FIELD_MAX];
atomic_int field_wanted_any;
atomic_int field_want_everything;

int
field_register(const struct field_def *def, int proto)
{
	int id;

	if (by_name == NULL)
		by_name = g_hash_table_new(g_str_hash, g_str_equal);
	id = field_find(def->name);
	if (id >= 0) {			/* the same name from two places */
		*def->id = id;
		return (id);
	}
	if (nfields >= FIELD_MAX)
		g_error("too many fields registered (%d)", FIELD_MAX);
	id = nfields++;
	fields[id].name = def->name;
	fields[id].type = def->type;
	fields[id].desc = def->desc;
	fields[id].bitmask = def->bitmask;
	fields[id].proto = proto < 0 ? id : proto;
	g_hash_table_insert(by_name, (gpointer)def->name, GINT_TO_POINTER(id + 1));
	*def->id = id;
	return (id);
}

int
field_find(const char *name)
{
	gpointer v;

	if (by_name == NULL)
		return (-1);
	v = g_hash_table_lookup(by_name, name);
	return (v == NULL ? -1 : GPOINTER_TO_INT(v) - 1);
}

int
field_count(void)
{
	return (nfields);
}

const struct field_info *
field_get(int id)
{
	if (id < 0 || id >= nfields)
		return (NULL);
	return (&fields[id]);
}

void
field_want(int id, bool on)
{
	int i, any = 0;

	if (id < 0 || id >= nfields)
		return;
	if (on)
		wanted_refs[id]++;
	else if (wanted_refs[id] > 0)
		wanted_refs[id]--;
	atomic_store_explicit(&field_wanted_map[id], wanted_refs[id] != 0,
	    memory_order_relaxed);
	for (i = 0; i < nfields; i++)
		any |= wanted_refs[i] != 0;
	atomic_store_explicit(&field_wanted_any, any, memory_order_relaxed);
}

const char *
ftype_name(enum ftype t)
{
	switch (t) {
	case FT_PROTOCOL:	return ("Protocol");
	case FT_NONE:		return ("Label");
	case FT_BOOLEAN:	return ("Boolean");
	case FT_UINT8:		return ("Unsigned integer (8 bits)");
	case FT_UINT16:		return ("Unsigned integer (16 bits)");
	case FT_UINT24:		return ("Unsigned integer (24 bits)");
	case FT_UINT32:		return ("Unsigned integer (32 bits)");
	case FT_UINT64:		return ("Unsigned integer (64 bits)");
	case FT_INT32:		return ("Signed integer (32 bits)");
	case FT_DOUBLE:		return ("Floating point (double-precision)");
	case FT_RELATIVE_TIME:	return ("Time offset");
	case FT_ETHER:		return ("Ethernet or other MAC address");
	case FT_IPv4:		return ("IPv4 address");
	case FT_IPv6:		return ("IPv6 address");
	case FT_BYTES:		return ("Byte sequence");
	case FT_STRING:		return ("Character string");
	}
	return ("?");
}
