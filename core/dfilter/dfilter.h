/*
 * Display filters: compile once, evaluate per packet without allocating.
 *
 * The language is Wireshark 4.0's (wireshark-filter(4)): existence tests,
 * comparisons with the any/all quantifiers, and/or/not, membership in sets,
 * contains and matches, slices, the layer operator (ip.src#2), the bitwise
 * and arithmetic operators and the functions len, count, string, upper,
 * lower, max, min and abs.  Error messages are worded as tshark 4.0 words
 * them and say where in the text the trouble is.  A NULL filter matches
 * everything.
 *
 * Compiling checks types and converts every literal once; evaluation walks
 * the compiled tree over the packet's recorded fields and layers and never
 * allocates or locks (but see dfilter_eval.c on "matches").  The same text
 * compiles to one shared filter, evaluated once per packet however many
 * listeners apply it (dfilter.c).  Compiling and freeing may be done from
 * any thread; applying, from the thread that dissects.
 */
#ifndef TAPTOP_DFILTER_H
#define TAPTOP_DFILTER_H

#include <stdbool.h>

#include "packet.h"

#define DFILTER_TEXT_MAX	65536	/* bytes of filter text */
#define DFILTER_DEPTH_MAX	64	/* nested parentheses, not, functions */

struct dfilter;

/*
 * What went wrong, for an interface that draws its own caret: msg is the
 * message alone (g_free it, or call dfilter_error_clear), col and len the
 * byte offset and length of the offending token in the text, col -1 when
 * the error has no place (such as the end of the text).
 */
struct dfilter_error {
	char	*msg;
	int	 col;
	int	 len;
};

/*
 * Compiles text.  An empty or blank text gives *out = NULL (match all).
 * Returns false and fills err (if not NULL) on an error.
 */
bool	 dfilter_compile_ex(const char *text, struct dfilter **out,
	    struct dfilter_error *err);
void	 dfilter_error_clear(struct dfilter_error *);

/*
 * The error as tshark prints it: the message, then (when it has a place)
 * the filter and a caret line under the token, each indented by 4 spaces:
 * "MSG\n    FILTER\n    ^~~~".  g_free the result.
 */
char	*dfilter_error_format(const char *text, const struct dfilter_error *);

/* dfilter_compile_ex with the error formatted: NULL on success. */
char	*dfilter_compile(const char *text, struct dfilter **out);

bool	 dfilter_apply(const struct dfilter *, const struct dissect *);
void	 dfilter_free(struct dfilter *);

/* Asks the dissectors to record (or stop recording) the filter's fields. */
void	 dfilter_prime(const struct dfilter *, bool on);

#endif
