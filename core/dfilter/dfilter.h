/*
 * Display filters: compile once, evaluate per packet without allocating.
 *
 * core/dfilter/, in four phases; only the last runs per packet.
 *
 *   lex    dfilter_lex.c    text -> struct token, one at a time as the
 *                           parser asks.  A lexical error is a T_ERROR
 *                           token carrying its message, raised when the
 *                           parser reaches it: the first error in reading
 *                           order wins, as in tshark.
 *   parse  dfilter_parse.c  tokens -> syntax tree (struct dnode, S_*
 *                           kinds), untyped.  Syntax errors, and the cap
 *                           on nesting (DFILTER_DEPTH_MAX).
 *   check  dfilter_sem.c    syntax tree -> evaluation tree (E_* kinds):
 *                           names resolved to fields and protocols, each
 *                           literal converted once to the type beside it
 *                           (dfilter_lit.c, which words those errors),
 *                           types checked, constants folded (df_arith),
 *                           regexes compiled.  Most messages come from
 *                           here.
 *   eval   dfilter_eval.c   the evaluation tree against one struct
 *                           dissect, values streamed through callbacks
 *                           (struct dval).  It never fails: what cannot
 *                           be computed (x / 0) has no value.  df_arith,
 *                           the arithmetic, lives here and serves check.
 *
 * dfilter.c holds the functions below, the arenas and dfc_error, which
 * keeps the first error and its place.  Allocation: lex and parse use a
 * scratch arena dropped after compiling; check builds in the filter's own
 * arena (plus its GRegex list and field ids), freed whole with the
 * filter; eval allocates nothing and takes no lock (scratch is on the
 * stack), except GRegex's match data for a "matches" that needs a real
 * regular expression.  dfilter_int.h is the phases' shared vocabulary
 * (tokens, nodes, values) and is included by nothing outside this folder
 * but the unit tests.
 *
 * The language is Wireshark 4.0's (wireshark-filter(4)): existence tests,
 * comparisons with the any/all quantifiers, and/or/not, membership in sets,
 * contains and matches, slices, the layer operator (ip.src#2), the bitwise
 * and arithmetic operators and the functions len, count, string, upper,
 * lower, max, min and abs.  Error messages are worded as tshark 4.0 words
 * them and say where in the text the trouble is.  A NULL filter matches
 * everything.
 *
 * The same text compiles to one shared filter, evaluated once per packet
 * however many listeners apply it (dfilter.c).  Compiling and freeing may
 * be done from any thread; applying, from the thread that dissects.
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
