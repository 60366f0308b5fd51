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
