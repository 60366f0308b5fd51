/*
 * Display filters: compile once, evaluate per packet without allocating.
 *
 * The filter language is Wireshark's.  A NULL filter matches everything.
 */
#ifndef TAPTOP_DFILTER_H
#define TAPTOP_DFILTER_H

#include <stdbool.h>

#include "packet.h"

struct dfilter;

/*
 * Compiles text.  An empty or blank text gives *out = NULL (match all).
 * Returns NULL on success, or a message for the user (g_free it).
 */
char	*dfilter_compile(const char *text, struct dfilter **out);
bool	 dfilter_apply(const struct dfilter *, const struct dissect *);
void	 dfilter_free(struct dfilter *);

/* Asks the dissectors to record (or stop recording) the filter's fields. */
void	 dfilter_prime(const struct dfilter *, bool on);

#endif
