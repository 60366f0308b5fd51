/*
 * Per-packet memory.
 *
 * Dissectors need small records that outlive their own call (tap data lives
 * until every listener has seen the packet), but the hot path must not call
 * malloc.  One fixed block per capture thread is handed out by bumping a
 * pointer and is reclaimed in one step when the next packet starts.  When the
 * block is used up, allocation fails and the caller treats the packet as
 * having too much in it; nothing grows.
 */
#ifndef TAPTOP_ARENA_H
#define TAPTOP_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARENA_SIZE	(64 * 1024)

struct arena {
	uint8_t		*base;
	size_t		 size;
	size_t		 used;
	uint64_t	 exhausted;	/* allocations refused, ever */
};

void	 arena_init(struct arena *, size_t);
void	 arena_free(struct arena *);

static inline void
arena_reset(struct arena *a)
{
	a->used = 0;
}

/* Zeroed, 16-byte aligned memory valid until arena_reset, or NULL.
 * Inline: with n a constant (a tap record's size), the zeroing is a few
 * stores rather than a call to memset. */
static inline void *
arena_alloc(struct arena *a, size_t n)
{
	size_t start = (a->used + 15) & ~(size_t)15;
	void *p;

	if (start > a->size || n > a->size - start) {
		a->exhausted++;
		return (NULL);
	}
	p = a->base + start;
	a->used = start + n;
	memset(p, 0, n);
	return (p);
}

#endif
