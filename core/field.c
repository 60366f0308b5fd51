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

/*
 * The one table of type names, as tshark 4.0 gives them (tshark -G
 * ftypes): the enum's name and the descriptive name.  Filter messages
 * quote both, worded as tshark's; --list-fields shows the second.
 */
static const struct {
	const char	*enum_name;
	const char	*name;
} ftype_names[] = {
	[FT_PROTOCOL] =		{ "FT_PROTOCOL", "Protocol" },
	[FT_NONE] =		{ "FT_NONE", "Label" },
	[FT_BOOLEAN] =		{ "FT_BOOLEAN", "Boolean" },
	[FT_UINT8] =		{ "FT_UINT8", "Unsigned integer (1 byte)" },
	[FT_UINT16] =		{ "FT_UINT16", "Unsigned integer (2 bytes)" },
	[FT_UINT24] =		{ "FT_UINT24", "Unsigned integer (3 bytes)" },
	[FT_UINT32] =		{ "FT_UINT32", "Unsigned integer (4 bytes)" },
	[FT_UINT64] =		{ "FT_UINT64", "Unsigned integer (8 bytes)" },
	[FT_INT32] =		{ "FT_INT32", "Signed integer (4 bytes)" },
	[FT_DOUBLE] =		{ "FT_DOUBLE",
				    "Floating point (double-precision)" },
	[FT_RELATIVE_TIME] =	{ "FT_RELATIVE_TIME", "Time offset" },
	[FT_ETHER] =		{ "FT_ETHER", "Ethernet or other MAC address" },
	[FT_IPv4] =		{ "FT_IPv4", "IPv4 address" },
	[FT_IPv6] =		{ "FT_IPv6", "IPv6 address" },
	[FT_BYTES] =		{ "FT_BYTES", "Byte sequence" },
	[FT_STRING] =		{ "FT_STRING", "Character string" },
};

const char *
ftype_name(enum ftype t)
{
	if ((unsigned)t >= G_N_ELEMENTS(ftype_names) ||
	    ftype_names[t].name == NULL)
		return ("?");
	return (ftype_names[t].name);
}

const char *
ftype_enum_name(enum ftype t)
{
	if ((unsigned)t >= G_N_ELEMENTS(ftype_names) ||
	    ftype_names[t].enum_name == NULL)
		return ("FT_?");
	return (ftype_names[t].enum_name);
}
