/*
 * Dissectors and the tables that connect them.
 *
 * A dissector is a const struct reached from dissectors/list.def.  It names
 * the dissector tables it owns ("ethertype", "udp.port") and the entries of
 * other protocols' tables it wants to be reached through (handoff).  A parent
 * never names its children: it looks the next key up in its own table.
 */
#ifndef TAPTOP_PROTO_H
#define TAPTOP_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "field.h"
#include "packet.h"

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

#define DISSECTOR_HANDOFF_MAX	8

struct dissector {
	const char		*name;		/* as the filter language spells it */
	const char		*longname;
	int			*proto;		/* its protocol id, filled in */
	const char *const	*tables;	/* tables it owns, NULL-ended */
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
	dissector_fn		 dissect;
};

struct dtable;

/* Registers every dissector in dissectors/list.def; idempotent. */
void	 proto_init(void);

const struct dissector *proto_find_dissector(const char *name);
const struct dissector *proto_dissector_by_id(int proto);
const char *proto_name(int proto);

struct dtable *dtable_find(const char *name);

/*
 * Calls the dissector registered under key in the table.  Returns false
 * when there is none (or it rejected the data); the caller may then treat
 * the bytes as opaque payload.
 */
bool	 dtable_call(struct dtable *, uint32_t key, struct buf *,
	    struct packet_info *, struct dissect *);

/* Calls one dissector: caps the depth, records the layer and its errors. */
enum dissect_result call_dissector(const struct dissector *, struct buf *,
	    struct packet_info *, struct dissect *);

/*
 * Dissects the rest of b, a packet quoted inside an ICMP error, with d as
 * an error packet (pinfo->in_error_pkt), then restores the addresses and
 * ports the quote changed in pinfo.
 */
void	 call_dissector_quoted(const struct dissector *d, struct buf *b,
	    struct packet_info *, struct dissect *);

/* Iterates registered dissectors; returns NULL past the end. */
const struct dissector *proto_dissector_at(int i);

#endif
