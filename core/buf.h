/*
 * The one way to read packet bytes.
 *
 * A cursor knows two lengths, as Wireshark's tvbuff does: the bytes we
 * captured (caplen, limited by the snaplen) and the bytes the headers claim
 * exist (len).  A read past caplen but within len is "truncated": the packet
 * was fine, we just did not keep all of it.  A read past len is "malformed":
 * the packet contradicts itself.  The first failure is sticky; later reads
 * return zero and change nothing, so a dissector reads a whole header and
 * checks b->err once.
 */
#ifndef TAPTOP_BUF_H
#define TAPTOP_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum buf_err {
	BUF_OK = 0,
	BUF_TRUNCATED,		/* ran past the captured bytes */
	BUF_MALFORMED,		/* ran past what the packet claims, or a bad value */
};

struct buf {
	const uint8_t	*data;
	size_t		 caplen;	/* bytes we have */
	size_t		 len;		/* bytes the headers say exist (>= caplen) */
	size_t		 off;
	enum buf_err	 err;		/* sticky: first failure wins */
};

static inline void
buf_init(struct buf *b, const uint8_t *data, size_t caplen, size_t len)
{
	b->data = data;
	b->caplen = caplen < len ? caplen : len;
	b->len = len < caplen ? caplen : len;
	b->off = 0;
	b->err = BUF_OK;
}

static inline void
buf_fail(struct buf *b, enum buf_err e)
{
	if (b->err == BUF_OK)
		b->err = e;
}

/* True when n more bytes can be read; otherwise records why not. */
static inline bool
buf_need(struct buf *b, size_t n)
{
	if (b->err != BUF_OK)
		return (false);
	if (n <= b->caplen - b->off)
		return (true);
	buf_fail(b, n <= b->len - b->off ? BUF_TRUNCATED : BUF_MALFORMED);
	return (false);
}

/* Bytes left that the packet claims, and bytes left that we have. */
static inline size_t
buf_reported_left(const struct buf *b)
{
	return (b->len - b->off);
}

static inline size_t
buf_captured_left(const struct buf *b)
{
	return (b->caplen - b->off);
}

static inline uint8_t
buf_u8(struct buf *b)
{
	if (!buf_need(b, 1))
		return (0);
	return (b->data[b->off++]);
}

static inline uint16_t
buf_be16(struct buf *b)
{
	if (!buf_need(b, 2))
		return (0);
	b->off += 2;
	return ((uint16_t)(b->data[b->off - 2] << 8 | b->data[b->off - 1]));
}

static inline uint32_t
buf_be24(struct buf *b)
{
	if (!buf_need(b, 3))
		return (0);
	b->off += 3;
	return ((uint32_t)b->data[b->off - 3] << 16 |
	    (uint32_t)b->data[b->off - 2] << 8 | b->data[b->off - 1]);
}

static inline uint32_t
buf_be32(struct buf *b)
{
	const uint8_t *p;

	if (!buf_need(b, 4))
		return (0);
	p = b->data + b->off;
	b->off += 4;
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline uint16_t
buf_le16(struct buf *b)
{
	if (!buf_need(b, 2))
		return (0);
	b->off += 2;
	return ((uint16_t)(b->data[b->off - 1] << 8 | b->data[b->off - 2]));
}

static inline uint32_t
buf_le32(struct buf *b)
{
	const uint8_t *p;

	if (!buf_need(b, 4))
		return (0);
	p = b->data + b->off;
	b->off += 4;
	return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

/* Copies n bytes out; on failure dst is zeroed. */
static inline bool
buf_copy(struct buf *b, void *dst, size_t n)
{
	if (!buf_need(b, n)) {
		memset(dst, 0, n);
		return (false);
	}
	memcpy(dst, b->data + b->off, n);
	b->off += n;
	return (true);
}

/* A pointer to n readable bytes, advancing past them, or NULL. */
static inline const uint8_t *
buf_ptr(struct buf *b, size_t n)
{
	if (!buf_need(b, n))
		return (NULL);
	b->off += n;
	return (b->data + b->off - n);
}

/*
 * A pointer to the next n bytes when all of them were captured, advancing
 * past them; otherwise NULL, and nothing changes, not even the error.  For
 * a fixed header read in one bounds check on the common path: when it is
 * NULL the caller reads field by field, so that the error says which field
 * was cut off (truncated or malformed) exactly as before.
 */
static inline const uint8_t *
buf_ptr_have(struct buf *b, size_t n)
{
	if (b->err != BUF_OK || n > b->caplen - b->off)
		return (NULL);
	b->off += n;
	return (b->data + b->off - n);
}

/* Big-endian loads from bytes buf_ptr() or buf_ptr_have() granted. */
static inline uint16_t
buf_load_be16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline uint32_t
buf_load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline bool
buf_skip(struct buf *b, size_t n)
{
	if (!buf_need(b, n))
		return (false);
	b->off += n;
	return (true);
}

/* Reads at an absolute offset without moving the cursor. */
static inline bool
buf_peek_u8(struct buf *b, size_t at, uint8_t *v)
{
	if (at >= b->caplen) {
		*v = 0;
		return (false);
	}
	*v = b->data[at];
	return (true);
}

/*
 * The rest of the buffer from the cursor, as a new buffer whose claimed
 * length is `claimed` (a length field of the header just read).  A claim
 * beyond what the parent claims is malformed and is clipped to the parent;
 * the caller learns of it through the return value.
 */
static inline bool
buf_sub(const struct buf *b, struct buf *child, size_t claimed)
{
	size_t left = b->len - b->off;
	size_t have = b->caplen - b->off;
	bool ok = true;

	if (b->off > b->caplen) {	/* cannot happen, but keep it provable */
		left = have = 0;
	}
	if (claimed > left) {
		claimed = left;
		ok = false;
	}
	child->data = b->data + b->off;
	child->len = claimed;
	child->caplen = have < claimed ? have : claimed;
	child->off = 0;
	child->err = BUF_OK;
	return (ok);
}

/* The rest of the buffer from the cursor, with the same claimed end. */
static inline void
buf_rest(const struct buf *b, struct buf *child)
{
	(void)buf_sub(b, child, b->len - b->off);
}

#endif
