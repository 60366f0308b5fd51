/*
 * Network addresses as the statistics see them: a type and up to 16 bytes.
 * Formatting follows Wireshark: lower-case colon MAC, dotted IPv4, RFC 5952
 * IPv6.  Formatting is for draw time and printers, never the packet path.
 */
#ifndef TAPTOP_ADDRESS_H
#define TAPTOP_ADDRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum addr_type {
	AT_NONE = 0,
	AT_ETHER,
	AT_IPv4,
	AT_IPv6,
};

struct address {
	uint8_t		type;		/* enum addr_type */
	uint8_t		len;
	uint8_t		data[16];
};

#define ADDR_STRLEN	64

static inline void
address_set(struct address *a, enum addr_type t, const uint8_t *p, int len)
{
	memset(a, 0, sizeof(*a));
	a->type = (uint8_t)t;
	a->len = (uint8_t)len;
	memcpy(a->data, p, (size_t)len);
}

static inline int
address_cmp(const struct address *a, const struct address *b)
{
	if (a->type != b->type)
		return (a->type < b->type ? -1 : 1);
	return (memcmp(a->data, b->data, sizeof(a->data)));
}

/* Writes the text form into out (ADDR_STRLEN bytes); returns out. */
char	*address_to_str(const struct address *, char *out);

#endif
