/*
 * The display-filter compiler's insides, shared by the files of this
 * folder (their phases are described at the top of dfilter.h): tokens,
 * the node type, run-time values, the compiler's state and the functions
 * one phase calls in another.
 *
 * One node type serves both trees; the syntax tree lives in a scratch
 * arena dropped after compiling, the evaluation tree in the filter's own.
 */
#ifndef TAPTOP_DFILTER_INT_H
#define TAPTOP_DFILTER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "dfilter.h"
#include "field.h"
#include "packet.h"

#define SLICE_MULTI_MAX	4096	/* bytes of a slice with several ranges */

/* A bump allocator: everything of one tree, freed at once. */
struct df_arena {
	GPtrArray	*chunks;
	uint8_t		*cur;
	size_t		 left;
};

void	*df_alloc(struct df_arena *, size_t);	/* zeroed */
void	*df_memdup(struct df_arena *, const void *, size_t);
void	 df_arena_free(struct df_arena *);

enum tok {
	T_END = 0,
	T_ERROR,		/* a lexical error, raised when it is reached */
	T_WORD,			/* field, protocol, function name or literal */
	T_ABSFIELD,		/* .ip.src: a field, never a literal */
	T_COLONLIT,		/* :aa:bb: a literal, never a field */
	T_STRING,		/* "..." or r"...", unescaped into tok.s */
	T_CHAR,			/* 'c' */
	T_REF,			/* ${field}: a reference to a selected packet */
	T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_COMMA, T_DOTDOT,
	T_LBRACKET,		/* a slice follows: T_RANGE... T_RBRACKET */
	T_RANGE,
	T_RBRACKET,
	T_EQ, T_NE, T_ALL_EQ, T_ANY_NE, T_GT, T_GE, T_LT, T_LE,
	T_CONTAINS, T_MATCHES, T_IN,
	T_AND, T_OR, T_NOT, T_ANY, T_ALL,
	T_BITAND, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT,
	T_HASH,
	T_OTHER,		/* any other character: always unexpected */
};

struct token {
	enum tok	 kind;
	int		 col, len;	/* span in the text */
	/* T_STRING: the unescaped bytes; T_CHAR: the value in c.
	 * T_ERROR: the message in s. */
	char		*s;
	size_t		 slen;
	unsigned	 c;
	bool		 raw;		/* r"..." */
};

struct lexer {
	const char	*text;
	size_t		 n;
	size_t		 pos;
	int		 bracket;	/* inside [ ]: ranges, not tokens */
	struct df_arena	*arena;
};

void	 lex_init(struct lexer *, const char *text, size_t n,
	    struct df_arena *);
void	 lex_next(struct lexer *, struct token *);

/* Node kinds: the first group only in syntax trees, the rest in both. */
enum dn {
	/* syntax only */
	S_WORD, S_ABSFIELD, S_COLONLIT, S_STRING, S_CHAR, S_REF,
	S_FUNC, S_SLICE, S_ARITH, S_NEG, S_SET, S_RANGE,
	S_REL,			/* a chain: kids[0] op[0] kids[1] op[1] ... */
	S_CONTAINS, S_MATCHES, S_IN, S_EXISTS,
	/* tests */
	E_AND, E_OR, E_NOT, E_FALSE,
	E_EXISTS,		/* a value: any; arithmetic: any non-zero */
	E_CMP, E_IN, E_CONTAINS, E_MATCHES,
	/* the common shapes, evaluated without the general machinery */
	E_TRUE,			/* "frame" */
	E_HAS_FIELD,		/* id */
	E_HAS_PROTO,		/* id */
	E_CMP_UINT,		/* field id against cval.v.u, by mode and cop */
	/* values */
	E_FIELD, E_PROTO, E_CONST, E_EMPTY, E_SLICE,
	E_LEN, E_COUNT, E_STRING, E_UPPER, E_LOWER, E_MAX, E_MIN, E_ABS,
	E_ARITH, E_NEG,
};

/* How a comparison's occurrences combine (Wireshark 4.0's meanings). */
enum df_mode {
	M_ANY,		/* some pair satisfies op */
	M_ALL,		/* both sides present, every pair satisfies op */
	M_NONE_EQ,	/* both sides present, no pair is equal: "!=" */
};

enum df_op { OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE };

/* A run-time value.  Byte-like values point into the packet or into the
 * constant's node; addresses are their bytes in network order. */
enum dv_kind {
	DV_UINT,	/* also booleans, as 0 or 1 */
	DV_SINT,
	DV_TIME,	/* nanoseconds */
	DV_DOUBLE,
	DV_BYTES,	/* ordered by length, then bytes (Wireshark's rule) */
	DV_STR,		/* ordered as strings */
	DV_IPV4,
	DV_IPV6,
};

struct dval {
	uint8_t		 kind;
	uint8_t		 plen;		/* CIDR prefix of an address */
	/* A negative literal: never compares with an unsigned field's
	 * value (tshark: "tcp.port > -1" is false), but with the result of
	 * arithmetic, which may be negative ("-frame.len == -76"). */
	uint8_t		 negk;
	uint32_t	 len;		/* bytes: length */
	uint32_t	 clen;		/* bytes: what contains/matches search */
	union {
		uint64_t	 u;
		int64_t		 s;
		double		 d;
		const uint8_t	*p;
	} v;
};

/* One range of a slice, as written: [start:len], [start-end], [start],
 * [:len], [start:]. */
struct drange {
	int64_t		 start;
	int64_t		 len;		/* -1: to the end */
};

struct dnode {
	enum dn		 kind;
	int		 col, len;	/* source span, for messages */
	int		 height;	/* of the tree below, capped */
	int		 op;		/* token kind of an operator */
	int		 quant;		/* T_ANY, T_ALL or 0 */
	bool		 negate;	/* not in */
	struct dnode	**kids;
	int		 nkids;
	int		*ops;		/* S_REL: nkids - 1 operators */
	int		*opcols;	/* and their places */
	const char	*text;		/* words: the token's text (0-ended) */
	size_t		 textlen;
	const struct token *tok;	/* literals: the token */

	/* Evaluation tree. */
	enum ftype	 type;		/* static type of a value */
	bool		 slice;		/* a slice: compared as bytes */
	bool		 as_bytes;	/* a field compared with a slice */
	bool		 is_const;	/* a literal (after folding) */
	bool		 frame;		/* E_PROTO of the whole frame */
	bool		 nonzero;	/* E_EXISTS of arithmetic: a non-zero value */
	enum df_mode	 mode;
	enum df_op	 cop;
	int		 id;		/* field or protocol id */
	struct dval	 cval;		/* E_CONST */
	uint8_t		*buf;		/* E_CONST bytes */
	struct drange	*ranges;	/* E_SLICE */
	int		 nranges;
	/* The layer operator (ip.src#2): which instances of the field's
	 * protocol count, 1 the outermost; owner is that protocol. */
	struct drange	*layers;
	int		 nlayers;
	int		 owner;
	uint32_t	 slicemax;	/* bound on a multi-range slice */
	/* E_MATCHES: a regex, or a plain pattern searched without one. */
	GRegex		*re;
	const uint8_t	*pat;
	size_t		 patlen;
	bool		 caseless;
	/* E_IN: the set's members; ranges are E_CONST pairs in kids[] with
	 * rangehi[i] the upper end (NULL for a single value). */
	struct dnode	**rangehi;
};

/* The compiler's state. */
struct dfc {
	const char	*text;
	size_t		 n;
	struct lexer	 lex;
	struct token	 la[3];		/* lookahead */
	int		 nla;
	int		 depth;
	struct df_arena	 syn;		/* the syntax tree */
	struct df_arena	*out;		/* the evaluation tree */
	GPtrArray	*regexes;
	GArray		*fields;	/* ids to prime */
	struct dfilter_error *err;
	bool		 failed;
};

/* Records the first error; always returns NULL for convenience. */
void	*dfc_error(struct dfc *, int col, int len, const char *fmt, ...)
	    G_GNUC_PRINTF(4, 5);

struct dnode *df_parse(struct dfc *);
struct dnode *df_semcheck(struct dfc *, struct dnode *);

/* Literal conversion (dfilter_lit.c).  Each returns false with a message
 * (g_free it) in *msg. */
bool	 lit_uint(const char *s, uint64_t max, uint64_t *out, char **msg);
bool	 lit_int(const char *s, int64_t min, int64_t max, int64_t *out,
	    char **msg);
bool	 lit_time(const char *s, int64_t *ns, char **msg);
bool	 lit_double(const char *s, double *out, char **msg);
bool	 lit_ipv4(const char *s, uint8_t out[4], int *plen, char **msg);
bool	 lit_ipv6(const char *s, uint8_t out[16], int *plen, char **msg);
bool	 lit_ether(const char *s, uint8_t out[6], char **msg);
/* A byte string; *out is g_malloc'd. */
bool	 lit_bytes(const char *s, uint8_t **out, size_t *len, char **msg);

/* Longest prefixes of s that are IPv4/IPv6 addresses (0 if none). */
size_t	 lit_ipv4_prefix(const char *s, size_t n);
size_t	 lit_ipv6_prefix(const char *s, size_t n);

/* Evaluation (dfilter_eval.c). */
bool	 df_eval(const struct dnode *, const struct dissect *);
int	 dval_cmp3(const struct dval *, const struct dval *, bool *ok);

/* The arithmetic, shared by evaluation and constant folding: op is a
 * token (T_PLUS ... T_BITAND); a byte-like result is written to buf, at
 * most cap bytes.  False if there is no result (division by zero). */
bool	 df_arith(int op, const struct dval *a, const struct dval *b,
	    struct dval *o, uint8_t *buf, uint32_t cap);
void	 df_negate(const struct dval *, struct dval *);

#endif
