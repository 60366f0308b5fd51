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

/*
 * Copies an address with the bytes past its length zeroed, whatever they
 * held, so that keys holding it compare bytewise; as two fixed-size words
 * rather than a copy of a variable length (a call), for the panels that
 * do it for every packet.
 */
static inline void
address_copy_clean(struct address *to, const struct address *from)
{
	unsigned len = from->len < sizeof(from->data) ? from->len :
	    (unsigned)sizeof(from->data);
	uint64_t w0, w1, m0, m1;

	memcpy(&w0, from->data, 8);
	memcpy(&w1, from->data + 8, 8);
	/* The first n bytes of a word, in memory order. */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define ADDR_KEEP(n)	((n) >= 8 ? ~UINT64_C(0) : (n) == 0 ? 0 : \
			    ~UINT64_C(0) << (64 - 8 * (n)))
#else
#define ADDR_KEEP(n)	((n) >= 8 ? ~UINT64_C(0) : \
			    (UINT64_C(1) << (8 * (n))) - 1)
#endif
	m0 = ADDR_KEEP(len);
	m1 = len <= 8 ? 0 : ADDR_KEEP(len - 8);
#undef ADDR_KEEP
	w0 &= m0;
	w1 &= m1;
	to->type = from->type;
	to->len = (uint8_t)len;
	memcpy(to->data, &w0, 8);
	memcpy(to->data + 8, &w1, 8);
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
