/* Per-packet bump allocator; see arena.h. */
#include <string.h>

#include <glib.h>

#include "arena.h"

void
arena_init(struct arena *a, size_t size)
{
	a->base = g_malloc(size);
	a->size = size;
	a->used = 0;
	a->exhausted = 0;
}

void
arena_free(struct arena *a)
{
	g_free(a->base);
	a->base = NULL;
	a->size = a->used = 0;
}

void *
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
