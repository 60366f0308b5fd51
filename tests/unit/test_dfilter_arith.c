/*
 * The display filter's arithmetic (df_arith, df_negate): every operator on
 * every kind of value at its edges, then the same operations through the
 * compiler, once folded as constants and once evaluated on a packet, which
 * must agree.
 *
 * The rules under test are written above df_arith: 64-bit integers that
 * wrap, a signed result below zero, no result for division or modulo by
 * zero, IEEE doubles, times that add and subtract, & on byte-likes.  Where
 * tshark 4.0 differs at these edges (it computes fields of 32 bits and
 * less in 32 bits and drops a result that overflows), the row says so.
 */
#include <math.h>
#include <string.h>

#include <check.h>
#include <glib.h>
#include <pcap/dlt.h>

#include "core/dfilter/dfilter_int.h"
#include "core/dissect.h"
#include "testutil.h"

#define VU(x)	{ .kind = DV_UINT, .v.u = (x) }
#define VS(x)	{ .kind = DV_SINT, .v.s = (x) }
#define VT(x)	{ .kind = DV_TIME, .v.s = (x) }
#define VD(x)	{ .kind = DV_DOUBLE, .v.d = (x) }
#define NONE	{ .kind = 0xff }		/* no result */
#define SEC	INT64_C(1000000000)

/* a op b = want. */
static const struct {
	const char	*what;
	int		 op;
	struct dval	 a, b, want;
} rows[] = {
	/* unsigned */
	{ "1 + 2", T_PLUS, VU(1), VU(2), VU(3) },
	{ "UINT64_MAX + 1 wraps", T_PLUS, VU(UINT64_MAX), VU(1), VU(0) },
	{ "UINT64_MAX + UINT64_MAX", T_PLUS, VU(UINT64_MAX), VU(UINT64_MAX),
	    VU(UINT64_MAX - 1) },
	/* tshark: no value (a uint32 overflows); here 64 bits suffice */
	{ "uint32 max + 1", T_PLUS, VU(UINT32_MAX), VU(1),
	    VU((uint64_t)UINT32_MAX + 1) },
	{ "5 - 3", T_MINUS, VU(5), VU(3), VU(2) },
	{ "3 - 3", T_MINUS, VU(3), VU(3), VU(0) },
	{ "3 - 5 is signed", T_MINUS, VU(3), VU(5), VS(-2) },
	{ "0 - INT64_MAX is signed", T_MINUS, VU(0), VU(INT64_MAX),
	    VS(-INT64_MAX) },
	{ "0 - 2^63 wraps unsigned", T_MINUS, VU(0),
	    VU((uint64_t)INT64_MAX + 1), VU((uint64_t)INT64_MAX + 1) },
	{ "0 - UINT64_MAX wraps unsigned", T_MINUS, VU(0), VU(UINT64_MAX),
	    VU(1) },
	{ "3 * 4", T_STAR, VU(3), VU(4), VU(12) },
	{ "2^32 * 2^32 wraps", T_STAR, VU(UINT64_C(1) << 32),
	    VU(UINT64_C(1) << 32), VU(0) },
	{ "UINT64_MAX * UINT64_MAX wraps", T_STAR, VU(UINT64_MAX),
	    VU(UINT64_MAX), VU(1) },
	{ "x * 0", T_STAR, VU(UINT64_MAX), VU(0), VU(0) },
	{ "7 / 2", T_SLASH, VU(7), VU(2), VU(3) },
	{ "UINT64_MAX / 1", T_SLASH, VU(UINT64_MAX), VU(1), VU(UINT64_MAX) },
	{ "0 / 5", T_SLASH, VU(0), VU(5), VU(0) },
	{ "7 / 0", T_SLASH, VU(7), VU(0), NONE },
	{ "0 / 0", T_SLASH, VU(0), VU(0), NONE },
	{ "7 % 3", T_PERCENT, VU(7), VU(3), VU(1) },
	{ "UINT64_MAX % 10", T_PERCENT, VU(UINT64_MAX), VU(10), VU(5) },
	{ "7 % 0", T_PERCENT, VU(7), VU(0), NONE },
	{ "0xff & 0x0f", T_BITAND, VU(0xff), VU(0x0f), VU(0x0f) },
	{ "UINT64_MAX & 0", T_BITAND, VU(UINT64_MAX), VU(0), VU(0) },

	/* signed (either side) */
	{ "-3 + 5", T_PLUS, VS(-3), VS(5), VS(2) },
	{ "INT64_MAX + 1 wraps", T_PLUS, VS(INT64_MAX), VS(1),
	    VS(INT64_MIN) },
	{ "INT64_MIN - 1 wraps", T_MINUS, VS(INT64_MIN), VS(1),
	    VS(INT64_MAX) },
	{ "INT64_MIN * -1 wraps", T_STAR, VS(INT64_MIN), VS(-1),
	    VS(INT64_MIN) },
	{ "INT64_MAX * 2 wraps", T_STAR, VS(INT64_MAX), VS(2), VS(-2) },
	{ "-7 * 3", T_STAR, VS(-7), VS(3), VS(-21) },
	{ "INT64_MIN / -1 wraps", T_SLASH, VS(INT64_MIN), VS(-1),
	    VS(INT64_MIN) },
	{ "INT64_MIN % -1", T_PERCENT, VS(INT64_MIN), VS(-1), VS(0) },
	/* the int32 edge: tshark 4.0 has no value (an int32 overflow) */
	{ "INT32_MIN / -1", T_SLASH, VS(INT32_MIN), VS(-1),
	    VS(-(int64_t)INT32_MIN) },
	{ "-7 / 2 truncates", T_SLASH, VS(-7), VS(2), VS(-3) },
	{ "7 / -2 truncates", T_SLASH, VS(7), VS(-2), VS(-3) },
	{ "-7 % 2 takes the dividend's sign", T_PERCENT, VS(-7), VS(2),
	    VS(-1) },
	{ "7 % -2", T_PERCENT, VS(7), VS(-2), VS(1) },
	{ "-7 / 0", T_SLASH, VS(-7), VS(0), NONE },
	{ "-7 % 0", T_PERCENT, VS(-7), VS(0), NONE },
	{ "INT64_MIN / 0", T_SLASH, VS(INT64_MIN), VS(0), NONE },
	{ "-1 & 0xff", T_BITAND, VS(-1), VS(0xff), VS(0xff) },
	{ "-2 & -3", T_BITAND, VS(-2), VS(-3), VS(-4) },

	/* mixed: signed wins, the unsigned bits are read as signed */
	{ "u5 + s-7", T_PLUS, VU(5), VS(-7), VS(-2) },
	{ "s-7 + u5", T_PLUS, VS(-7), VU(5), VS(-2) },
	{ "s-1 * u3", T_STAR, VS(-1), VU(3), VS(-3) },
	{ "u10 / s-3", T_SLASH, VU(10), VS(-3), VS(-3) },
	{ "uUINT64_MAX + s1", T_PLUS, VU(UINT64_MAX), VS(1), VS(0) },
	{ "s-1 - u0", T_MINUS, VS(-1), VU(0), VS(-1) },
	{ "u7 % s0", T_PERCENT, VU(7), VS(0), NONE },
	{ "s7 / u0", T_SLASH, VS(7), VU(0), NONE },

	/* times, in nanoseconds: + and - only */
	{ "1.5 s + 0.5 s", T_PLUS, VT(SEC * 3 / 2), VT(SEC / 2), VT(2 * SEC) },
	{ "1 s - 2 s", T_MINUS, VT(SEC), VT(2 * SEC), VT(-SEC) },
	{ "time INT64_MAX + 1 wraps", T_PLUS, VT(INT64_MAX), VT(1),
	    VT(INT64_MIN) },
	{ "time INT64_MIN - 1 wraps", T_MINUS, VT(INT64_MIN), VT(1),
	    VT(INT64_MAX) },
	{ "time *", T_STAR, VT(SEC), VT(2), NONE },
	{ "time /", T_SLASH, VT(SEC), VT(2), NONE },
	{ "time %", T_PERCENT, VT(SEC), VT(2), NONE },
	{ "time &", T_BITAND, VT(SEC), VT(2), NONE },

	/* doubles: IEEE 754, as tshark (stp.hello / 0 is an infinity) */
	{ "1.5 + 2.25", T_PLUS, VD(1.5), VD(2.25), VD(3.75) },
	{ "1.5 - 2.25", T_MINUS, VD(1.5), VD(2.25), VD(-0.75) },
	{ "1.5 * -2", T_STAR, VD(1.5), VD(-2), VD(-3) },
	{ "1 / 4", T_SLASH, VD(1), VD(4), VD(0.25) },
	{ "1e308 * 10 overflows to inf", T_STAR, VD(1e308), VD(10),
	    VD(INFINITY) },
	{ "-1e308 * 10", T_STAR, VD(-1e308), VD(10), VD(-INFINITY) },
	{ "1 / 0 is inf", T_SLASH, VD(1), VD(0), VD(INFINITY) },
	{ "-1 / 0 is -inf", T_SLASH, VD(-1), VD(0), VD(-INFINITY) },
	{ "0 / 0 is nan", T_SLASH, VD(0), VD(0), VD(NAN) },
	{ "inf - inf is nan", T_MINUS, VD(INFINITY), VD(INFINITY), VD(NAN) },
	{ "inf * 0 is nan", T_STAR, VD(INFINITY), VD(0), VD(NAN) },
	{ "nan + 1 is nan", T_PLUS, VD(NAN), VD(1), VD(NAN) },
	{ "inf + 1", T_PLUS, VD(INFINITY), VD(1), VD(INFINITY) },
	{ "1 / inf", T_SLASH, VD(1), VD(INFINITY), VD(0) },
	/* "FT_DOUBLE cannot %." (and &) in tshark: never reaches here */
	{ "double %", T_PERCENT, VD(7), VD(2), NONE },
	{ "double &", T_BITAND, VD(7), VD(2), NONE },
};

static void
check_value(const char *what, const struct dval *got, const struct dval *want)
{
	ck_assert_msg(got->kind == want->kind, "%s: kind %d, want %d", what,
	    got->kind, want->kind);
	ck_assert_msg(got->negk == 0, "%s: a computed value is no literal",
	    what);
	switch (want->kind) {
	case DV_UINT:
		ck_assert_msg(got->v.u == want->v.u, "%s: %" G_GUINT64_FORMAT
		    ", want %" G_GUINT64_FORMAT, what, got->v.u, want->v.u);
		break;
	case DV_DOUBLE:
		if (isnan(want->v.d))
			ck_assert_msg(isnan(got->v.d), "%s: %g, want nan",
			    what, got->v.d);
		else
			ck_assert_msg(got->v.d == want->v.d, "%s: %g, want %g",
			    what, got->v.d, want->v.d);
		break;
	default:
		ck_assert_msg(got->v.s == want->v.s, "%s: %" G_GINT64_FORMAT
		    ", want %" G_GINT64_FORMAT, what, got->v.s, want->v.s);
		break;
	}
}

START_TEST(test_arith)
{
	uint8_t buf[4];
	struct dval o;
	bool ok;

	ok = df_arith(rows[_i].op, &rows[_i].a, &rows[_i].b, &o, buf,
	    sizeof(buf));
	if (rows[_i].want.kind == 0xff) {
		ck_assert_msg(!ok, "%s: a result where there is none",
		    rows[_i].what);
		return;
	}
	ck_assert_msg(ok, "%s: no result", rows[_i].what);
	check_value(rows[_i].what, &o, &rows[_i].want);
}
END_TEST

/* A negative literal is marked (struct dval's negk); a result is not. */
START_TEST(test_arith_clears_negk)
{
	struct dval a = VS(-1), b = VU(0), o;

	a.negk = 1;
	ck_assert(df_arith(T_PLUS, &a, &b, &o, NULL, 0));
	ck_assert_int_eq(o.kind, DV_SINT);
	ck_assert_int_eq(o.v.s, -1);
	ck_assert_int_eq(o.negk, 0);
}
END_TEST

static const struct {
	const char	*what;
	struct dval	 a, want;
} negs[] = {
	{ "-5u", VU(5), VS(-5) },
	{ "-0u", VU(0), VS(0) },
	{ "-UINT64_MAX wraps", VU(UINT64_MAX), VS(1) },
	{ "-(2^63)u", VU((uint64_t)INT64_MAX + 1), VS(INT64_MIN) },
	{ "-(-5)", VS(-5), VS(5) },
	{ "-INT64_MIN wraps", VS(INT64_MIN), VS(INT64_MIN) },
	{ "-INT64_MAX", VS(INT64_MAX), VS(-INT64_MAX) },
	{ "-1 s", VT(SEC), VT(-SEC) },
	{ "-time INT64_MIN wraps", VT(INT64_MIN), VT(INT64_MIN) },
	{ "-1.5", VD(1.5), VD(-1.5) },
	{ "-inf", VD(INFINITY), VD(-INFINITY) },
	{ "-nan", VD(NAN), VD(NAN) },
};

START_TEST(test_negate)
{
	struct dval o;

	df_negate(&negs[_i].a, &o);
	check_value(negs[_i].what, &o, &negs[_i].want);
}
END_TEST

static struct dval
bytes(uint8_t kind, const uint8_t *p, uint32_t len)
{
	struct dval v;

	memset(&v, 0, sizeof(v));
	v.kind = kind;
	v.v.p = p;
	v.len = v.clen = len;
	v.plen = kind == DV_IPV4 ? 32 : kind == DV_IPV6 ? 128 : 0;
	return (v);
}

/* & on byte-likes: the shorter length, at most cap bytes, a's kind. */
START_TEST(test_arith_bytes)
{
	static const uint8_t x[] = { 0xff, 0x0f, 0xf0 }, y[] = { 0x3c, 0xff };
	static const uint8_t ip[] = { 10, 1, 2, 3 };
	static const uint8_t mask[] = { 255, 255, 0, 0 };
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t m6[16] = { 0xff, 0xc0 };
	struct dval a, b, o, u = VU(0xff);
	uint8_t buf[16];
	int op;

	a = bytes(DV_BYTES, x, 3);
	b = bytes(DV_BYTES, y, 2);
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, sizeof(buf)));
	ck_assert_int_eq(o.kind, DV_BYTES);
	ck_assert_uint_eq(o.len, 2);
	ck_assert_uint_eq(o.clen, 2);
	ck_assert_ptr_eq(o.v.p, buf);
	ck_assert_uint_eq(buf[0], 0x3c);
	ck_assert_uint_eq(buf[1], 0x0f);

	/* The scratch space bounds the result. */
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, 1));
	ck_assert_uint_eq(o.len, 1);
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, 0));
	ck_assert_uint_eq(o.len, 0);

	/* An empty operand gives empty bytes. */
	b = bytes(DV_BYTES, y, 0);
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, sizeof(buf)));
	ck_assert_uint_eq(o.len, 0);

	/* Addresses keep their kind: a network. */
	a = bytes(DV_IPV4, ip, 4);
	b = bytes(DV_IPV4, mask, 4);
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, sizeof(buf)));
	ck_assert_int_eq(o.kind, DV_IPV4);
	ck_assert_uint_eq(o.plen, 32);
	ck_assert_uint_eq(o.len, 4);
	ck_assert_mem_eq(buf, ((uint8_t []){ 10, 1, 0, 0 }), 4);
	a = bytes(DV_IPV6, v6, 16);
	b = bytes(DV_IPV6, m6, 16);
	ck_assert(df_arith(T_BITAND, &a, &b, &o, buf, sizeof(buf)));
	ck_assert_int_eq(o.kind, DV_IPV6);
	ck_assert_uint_eq(o.len, 16);
	ck_assert_mem_eq(buf, ((uint8_t [16]){ 0xfe, 0x80 }), 16);

	/* Bytes take & only; bytes and a number have no result. */
	a = bytes(DV_BYTES, x, 3);
	b = bytes(DV_BYTES, y, 2);
	for (op = T_PLUS; op <= T_PERCENT; op++)
		ck_assert(!df_arith(op, &a, &b, &o, buf, sizeof(buf)));
	ck_assert(!df_arith(T_BITAND, &u, &a, &o, buf, sizeof(buf)));
	ck_assert(!df_arith(T_BITAND, &a, &u, &o, buf, sizeof(buf)));
}
END_TEST

/*
 * Through the compiler: "{F OP K} == {N OP K}" with F a field whose value
 * in the packet is N.  The left side is computed per packet, the right
 * folded once; they must agree, so the filter matches exactly when the
 * operation has a value (not a division by zero).  The same with the
 * literal on the left, and with a negative left operand.
 */
static const char *const fold_ops[] = { "+", "-", "*", "/", "%", "&" };
static const char *const fold_ks[] = {
	"0", "1", "2", "59", "60", "61", "255", "65535", "2147483648",
	"4294967295",
};

static struct dissect fold_edt;
static bool fold_ready;

static void
fold_setup(void)
{
	/* An Ethernet frame of 60 bytes (frame.len == 60): ARP, padded. */
	static const uint8_t arp[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x00, 0x1b, 0x21, 0x66, 0x77, 0x88, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		0x00, 0x1b, 0x21, 0x66, 0x77, 0x88, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	};

	if (fold_ready)
		return;
	dissect_init(&fold_edt);
	test_dissect(&fold_edt, DLT_EN10MB, arp, sizeof(arp), sizeof(arp));
	ck_assert_ptr_nonnull(test_field(&fold_edt, "frame.len"));
	ck_assert_uint_eq(test_field(&fold_edt, "frame.len")->v.u, 60);
	fold_ready = true;
}

/* Does filter match the frame?  It must compile. */
static bool
fold_match(const char *filter)
{
	struct dfilter *df = NULL;
	char *err;
	bool r;

	err = dfilter_compile(filter, &df);
	ck_assert_msg(err == NULL, "%s: %s", filter, err);
	r = dfilter_apply(df, &fold_edt);
	dfilter_free(df);
	return (r);
}

START_TEST(test_fold_agrees)
{
	const char *op = fold_ops[_i];
	bool zero, has;
	char *f;
	size_t k;

	fold_setup();
	for (k = 0; k < G_N_ELEMENTS(fold_ks); k++) {
		const char *kk = fold_ks[k];

		zero = strcmp(kk, "0") == 0 && (*op == '/' || *op == '%');
		/* field op literal */
		f = g_strdup_printf("{frame.len %s %s} == {60 %s %s}", op, kk,
		    op, kk);
		ck_assert_msg(fold_match(f) == !zero, "%s", f);
		g_free(f);
		f = g_strdup_printf("frame.len %s %s", op, kk);
		has = fold_match(f);
		g_free(f);
		/* a value that is zero tests false, as tshark's */
		f = g_strdup_printf("{frame.len %s %s} == 0", op, kk);
		ck_assert_msg(has == (!zero && !fold_match(f)), "%s", f);
		g_free(f);
		/* literal op field (not first on the left: tshark's rule) */
		f = g_strdup_printf("{frame.len - frame.len + {%s %s "
		    "frame.len}} == {%s %s 60}", kk, op, kk, op);
		ck_assert_msg(fold_match(f), "%s", f);
		g_free(f);
		/* a signed left operand: frame.len - 61 is -1 */
		f = g_strdup_printf("{{frame.len - 61} %s %s} == {-1 %s %s}",
		    op, kk, op, kk);
		ck_assert_msg(fold_match(f) == !zero, "%s", f);
		g_free(f);
	}
}
END_TEST

/* Times: frame.time_relative is 0 in a lone frame. */
START_TEST(test_fold_agrees_time)
{
	static const char *const ks[] = {
		"0", "1", "1.5", "0.000000001", "9000000000",
	};
	static const char *const ops[] = { "+", "-" };
	size_t i, k;
	char *f;

	fold_setup();
	for (i = 0; i < G_N_ELEMENTS(ops); i++)
		for (k = 0; k < G_N_ELEMENTS(ks); k++) {
			f = g_strdup_printf("{frame.time_relative %s %s} == "
			    "{0 %s %s}", ops[i], ks[k], ops[i], ks[k]);
			ck_assert_msg(fold_match(f), "%s", f);
			g_free(f);
			/* two big times wrap alike on both sides */
			f = g_strdup_printf("{frame.time_relative %s %s %s "
			    "9000000000} == {0 %s %s %s 9000000000}", ops[i],
			    ks[k], ops[i], ops[i], ks[k], ops[i]);
			ck_assert_msg(fold_match(f), "%s", f);
			g_free(f);
		}
}
END_TEST

/* Byte-likes, folded and evaluated. */
START_TEST(test_fold_agrees_bytes)
{
	static const char *const filters[] = {
		"{eth.src & ff:ff:ff:00:00:00} == "
		    "{00:1b:21:66:77:88 & ff:ff:ff:00:00:00}",
		"{arp.src.proto_ipv4 & 255.255.0.0} == "
		    "{10.0.0.1 & 255.255.0.0}",
		"{frame[0:3] & 0f:f0} == {ff:ff:ff & 0f:f0}",
		"frame[0:2] & 00:00 == 00:00",
	};
	size_t i;

	fold_setup();
	for (i = 0; i < G_N_ELEMENTS(filters); i++)
		ck_assert_msg(fold_match(filters[i]), "%s", filters[i]);
}
END_TEST

Suite *
suite_dfilter_arith(void)
{
	Suite *s = suite_create("dfilter_arith");
	TCase *tc = tcase_create("dfilter_arith");

	tcase_add_loop_test(tc, test_arith, 0, G_N_ELEMENTS(rows));
	tcase_add_test(tc, test_arith_clears_negk);
	tcase_add_loop_test(tc, test_negate, 0, G_N_ELEMENTS(negs));
	tcase_add_test(tc, test_arith_bytes);
	tcase_add_loop_test(tc, test_fold_agrees, 0, G_N_ELEMENTS(fold_ops));
	tcase_add_test(tc, test_fold_agrees_time);
	tcase_add_test(tc, test_fold_agrees_bytes);
	suite_add_tcase(s, tc);
	return (s);
}
