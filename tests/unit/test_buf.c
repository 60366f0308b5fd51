/* The buffer cursor: truncated versus malformed, stickiness, sub-buffers. */
#include <check.h>

#include "core/buf.h"

static const uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

START_TEST(reads_in_order)
{
	struct buf b;

	buf_init(&b, bytes, 8, 8);
	ck_assert_uint_eq(buf_u8(&b), 1);
	ck_assert_uint_eq(buf_be16(&b), 0x0203);
	ck_assert_uint_eq(buf_be32(&b), 0x04050607);
	ck_assert_uint_eq(buf_u8(&b), 8);
	ck_assert_int_eq(b.err, BUF_OK);
	ck_assert_uint_eq(buf_u8(&b), 0);
	ck_assert_int_eq(b.err, BUF_MALFORMED);
}
END_TEST

/* Every read size at every offset, on every caplen: never past caplen. */
START_TEST(truncation_vs_malformed)
{
	size_t caplen = (size_t)_i, off;

	for (off = 0; off <= caplen; off++) {
		struct buf b;
		size_t n;

		for (n = 1; n <= 9; n++) {
			buf_init(&b, bytes, caplen, 8);
			buf_skip(&b, off);
			(void)buf_ptr(&b, n);
			if (off + n <= caplen)
				ck_assert_int_eq(b.err, BUF_OK);
			else if (off + n <= 8)
				ck_assert_int_eq(b.err, BUF_TRUNCATED);
			else
				ck_assert_int_eq(b.err, BUF_MALFORMED);
			ck_assert_uint_le(b.off, caplen);
		}
	}
}
END_TEST

START_TEST(errors_are_sticky)
{
	struct buf b;

	buf_init(&b, bytes, 2, 8);
	ck_assert_uint_eq(buf_be32(&b), 0);
	ck_assert_int_eq(b.err, BUF_TRUNCATED);
	/* A read that would fit now must not succeed or clear the error. */
	ck_assert_uint_eq(buf_u8(&b), 0);
	ck_assert_uint_eq(b.off, 0);
	ck_assert_int_eq(b.err, BUF_TRUNCATED);
}
END_TEST

START_TEST(sub_buffers_clip_claims)
{
	struct buf b, c;

	buf_init(&b, bytes, 6, 8);
	buf_skip(&b, 2);
	ck_assert(buf_sub(&b, &c, 4));
	ck_assert_uint_eq(c.len, 4);
	ck_assert_uint_eq(c.caplen, 4);
	ck_assert(buf_sub(&b, &c, 6));
	ck_assert_uint_eq(c.len, 6);
	ck_assert_uint_eq(c.caplen, 4);		/* only 4 captured */
	ck_assert(!buf_sub(&b, &c, 7));		/* claims past the parent */
	ck_assert_uint_eq(c.len, 6);
	buf_rest(&b, &c);
	ck_assert_uint_eq(buf_be16(&c), 0x0304);
}
END_TEST

START_TEST(little_endian_and_copy)
{
	struct buf b;
	uint8_t out[4];

	buf_init(&b, bytes, 8, 8);
	ck_assert_uint_eq(buf_le16(&b), 0x0201);
	ck_assert_uint_eq(buf_le32(&b), 0x06050403);
	ck_assert(!buf_copy(&b, out, 4));
	ck_assert_uint_eq(out[0], 0);
	ck_assert_int_eq(b.err, BUF_MALFORMED);
}
END_TEST

Suite *
suite_buf(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("cursor");

	tcase_add_test(tc, reads_in_order);
	tcase_add_loop_test(tc, truncation_vs_malformed, 0, 9);
	tcase_add_test(tc, errors_are_sticky);
	tcase_add_test(tc, sub_buffers_clip_claims);
	tcase_add_test(tc, little_endian_and_copy);
	suite_add_tcase(s, tc);
	return (s);
}
