/*
 * Fields: the vocabulary shared by dissectors and the filter engine.
 *
 * Each dissector declares its fields in a table of struct field_def, named
 * and typed as Wireshark names and types them (ip.src is an IPv4 address,
 * tcp.port a uint16 that occurs twice).  Registration hands every field an
 * id.  A dissector records a value only when something asked for that field
 * (a filter, or a listener that reads the tree): the field_add_*() calls
 * make that test themselves, so a dissector just calls them.  This is
 * Wireshark's "priming" of the dissection with the fields of interest.
 */
#ifndef TAPTOP_FIELD_H
#define TAPTOP_FIELD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "address.h"

enum ftype {
	FT_PROTOCOL,		/* presence of a protocol layer */
	FT_NONE,		/* a label with no value */
	FT_BOOLEAN,
	FT_UINT8,
	FT_UINT16,
	FT_UINT24,
	FT_UINT32,
	FT_UINT64,
	FT_INT32,
	FT_DOUBLE,
	FT_RELATIVE_TIME,	/* seconds, as a double */
	FT_ETHER,
	FT_IPv4,
	FT_IPv6,
	FT_BYTES,
	FT_STRING,
};

#define FIELD_MAX	2048		/* registered fields, all protocols */

struct field_def {
	int		*id;		/* filled in at registration */
	const char	*name;		/* "ip.src" */
	enum ftype	 type;
	const char	*desc;		/* one line, for --list-fields */
	uint64_t	 bitmask;	/* for flag fields, or 0 */
};

struct field_info {
	const char	*name;
	enum ftype	 type;
	const char	*desc;
	uint64_t	 bitmask;
	int		 proto;		/* id of the owning protocol's field */
};

/* A recorded occurrence.  Byte and string values point into the packet. */
struct field_value {
	int		 id;
	enum ftype	 type;
	union {
		uint64_t		 u;
		double			 d;
		struct address		 addr;
		struct {
			const uint8_t	*p;
			uint32_t	 len;
		}			 bytes;
	} v;
};

int	 field_register(const struct field_def *, int proto);
int	 field_find(const char *name);			/* -1 if unknown */
int	 field_count(void);
const struct field_info *field_get(int id);
/* A type's names, as tshark 4.0's: "Unsigned integer (2 bytes)" and
 * "FT_UINT16" (tshark -G ftypes). */
const char *ftype_name(enum ftype);
const char *ftype_enum_name(enum ftype);

/* Priming: which fields someone needs recorded.  Counted, so two filters
 * that share a field can each drop it.  The dissection reads the two
 * flags once per packet and the map once per field it could record. */
void	 field_want(int id, bool on);
extern atomic_uchar field_wanted_map[FIELD_MAX];
extern atomic_int field_wanted_any;
extern atomic_int field_want_everything;	/* a listener reads the tree */

#endif
