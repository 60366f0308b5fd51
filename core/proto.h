/*
 * Dissectors and the tables that connect them: registration and lookup.
 *
 * A dissector is a const struct reached from dissectors/list.def.  It owns
 * dissector tables ("ethertype", "udp.port"), each named for the handoffs
 * and held in a variable of its own that registration fills in, so code
 * that dispatches through a table names it by a C identifier, never by a
 * string.  It also lists the entries of other protocols' tables it wants to
 * be reached through (handoff); one naming a table nobody owns aborts at
 * registration.  A parent never names its children: it looks the next key
 * up in its own table.  Calling dissectors on a packet is dissect.h's.
 */
#ifndef TAPTOP_PROTO_H
#define TAPTOP_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "buf.h"
#include "field.h"
#include "packet.h"

/* Made by registration and read-only after it; its members are visible only
 * so that the lookup below can be inlined on the per-packet path. */
#define DTABLE_SMALL_KEYS	65536	/* keys held in pages, not hashed */
#define DTABLE_PAGE		256

struct dtable {
	const char	*name;
	GHashTable	*map;		/* key -> const struct dissector * */
	/* Keys below DTABLE_SMALL_KEYS (ports, ethertypes, IP protocols:
	 * all of them but a few) in pages of DTABLE_PAGE entries, made when
	 * a key of theirs is registered: a lookup on every layer of every
	 * packet is two loads, no hashing.  map holds them too. */
	const struct dissector **page[DTABLE_SMALL_KEYS / DTABLE_PAGE];
};

enum dissect_result {
	DISSECT_OK = 0,		/* this was ours (even if it went wrong) */
	DISSECT_REJECT,		/* not ours: try something else */
};

typedef enum dissect_result (*dissector_fn)(struct buf *,
    struct packet_info *, struct dissect *);

struct handoff {
	const char	*table;		/* "udp.port" */
	uint32_t	 key;		/* 4789 */
};

#define DISSECTOR_HANDOFF_MAX	16

/* A table a dissector owns; the list ends with a NULL name. */
struct dtable_def {
	const char	*name;		/* "udp.port", as handoffs spell it */
	struct dtable	**table;	/* filled in at registration */
};

struct dissector {
	const char		*name;		/* as the filter language spells it */
	const char		*longname;
	int			*proto;		/* its protocol id, filled in */
	const struct dtable_def	*tables;	/* tables it owns */
	struct handoff		 handoff[DISSECTOR_HANDOFF_MAX];
	const struct field_def	*fields;	/* ended by a NULL name */
	const char		*tap;		/* tap it registers, or NULL */
	int			*tap_id;
	void			(*init)(void);	/* after all are registered */
	/* Not a layer of its own: a link type that only says "IP follows"
	 * (tshark shows no node for it either). */
	bool			 no_layer;
	/* Its layer's bytes are its whole buffer, payload included, as
	 * Wireshark's item for it spans (TCP); otherwise only its header,
	 * what it read itself. */
	bool			 covers_payload;
	/* A protocol for filters, but not a level of the protocol
	 * hierarchy: IPv6's extension headers, which tshark 4.0 lists in
	 * frame.protocols but draws inside IPv6's tree. */
	bool			 no_hierarchy;
	dissector_fn		 dissect;
};

/* Registers every dissector in dissectors/list.def; idempotent. */
void	 proto_init(void);

const struct dissector *proto_find_dissector(const char *name);
const struct dissector *proto_dissector_by_id(int proto);
const char *proto_name(int proto);

/* The dissector registered under key in the table, or NULL. */
static inline const struct dissector *
dtable_lookup(const struct dtable *t, uint32_t key)
{
	const struct dissector **pg;

	if (t == NULL)
		return (NULL);
	if (key < DTABLE_SMALL_KEYS)
		return ((pg = t->page[key / DTABLE_PAGE]) == NULL ? NULL :
		    pg[key % DTABLE_PAGE]);
	return (g_hash_table_lookup(t->map, GUINT_TO_POINTER(key)));
}

/* Iterates registered dissectors; returns NULL past the end. */
const struct dissector *proto_dissector_at(int i);

#endif
