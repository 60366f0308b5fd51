/*
 * QUIC.  RFC 9000 (transport), RFC 9001 (TLS and packet protection),
 * RFC 9369 (version 2), drafts 27 to 32.
 *
 *   long header:  1 1 T T x x x x | version(4) | dcil(1) dcid | scil(1) scid
 *                 Initial: token_len(v) token | length(v) | pn(1-4) | payload
 *                 0-RTT, Handshake: length(v) | pn | payload
 *                 Retry: token, integrity tag (the rest of the datagram)
 *   short header: 0 1 S x x K P P | dcid (length known only to the peers)
 *
 * A datagram may carry several long-header packets (each says its length)
 * and at most one short-header packet, last.  The client's Initial packets
 * are protected with keys anyone can derive from the client's first
 * destination connection ID and the version's published salt, so they
 * are decrypted, as Wireshark does, to read the ClientHello in their
 * CRYPTO frames with the TLS handshake parser (dissectors/tls.h): the SNI
 * and ALPN.  The cryptography is libgcrypt's (HMAC-SHA256 for HKDF,
 * AES-128 ECB for header protection, AES-128-GCM for the payload).
 *
 * CRYPTO frames are put together by offset within one packet, in any
 * order, in a bounded buffer; a ClientHello spanning packets is not
 * joined, and yields no names.  A short header's connection ID is not
 * shown: its length is known only by following the connection.  Only the
 * client's Initial is decrypted (the server's carries no names).
 *
 * On UDP port 443.  Bytes there without the fixed bit (Google QUIC's
 * public flags) are rejected, as tshark gives them to its gQUIC dissector.
 */
#include <string.h>

#include <gcrypt.h>
#include <glib.h>

#include "core/dissect.h"
#include "core/proto.h"
#include "core/tap.h"
#include "dissectors/taps.h"
#include "dissectors/tls.h"

#define QUIC_PACKETS_MAX	16	/* packets coalesced in a datagram */
#define QUIC_CID_MAX		20
#define QUIC_PLAIN_MAX		16384	/* a decrypted Initial's payload */
#define QUIC_CRYPTO_MAX		8192	/* CRYPTO bytes put together */
#define QUIC_FRAMES_MAX		1024
#define QUIC_ACK_RANGES_MAX	256
#define QUIC_TAG_LEN		16
#define QUIC_SAMPLE_LEN		16

#define LPT_INITIAL		0
#define LPT_0RTT		1
#define LPT_HANDSHAKE		2
#define LPT_RETRY		3

#define QUIC_V1			0x00000001u
#define QUIC_V2			0x6b3343cfu

static int proto_quic = -1;
static struct dissector quic_tls;	/* the "tls" layer of a ClientHello */
static struct dissector quic_next;	/* a coalesced packet's layer */
static int hf_form = -1, hf_fixed = -1, hf_lpt = -1, hf_version = -1,
    hf_dcil = -1, hf_dcid = -1, hf_scil = -1, hf_scid = -1,
    hf_token_len = -1, hf_length = -1, hf_pn = -1, hf_spin = -1,
    hf_frame_type = -1, hf_crypto_off = -1, hf_crypto_len = -1;

static const struct field_def quic_fields[] = {
	{ &hf_form, "quic.header_form", FT_UINT8, "Header Form", 0 },
	{ &hf_fixed, "quic.fixed_bit", FT_BOOLEAN, "Fixed Bit", 0 },
	{ &hf_lpt, "quic.long.packet_type", FT_UINT8, "Packet Type", 0 },
	{ &hf_version, "quic.version", FT_UINT32, "Version", 0 },
	{ &hf_dcil, "quic.dcil", FT_UINT8, "Destination Connection ID Length", 0 },
	{ &hf_dcid, "quic.dcid", FT_BYTES, "Destination Connection ID", 0 },
	{ &hf_scil, "quic.scil", FT_UINT8, "Source Connection ID Length", 0 },
	{ &hf_scid, "quic.scid", FT_BYTES, "Source Connection ID", 0 },
	{ &hf_token_len, "quic.token_length", FT_UINT64, "Token Length", 0 },
	{ &hf_length, "quic.length", FT_UINT64, "Length", 0 },
	{ &hf_pn, "quic.packet_number", FT_UINT64, "Packet Number", 0 },
	{ &hf_spin, "quic.spin_bit", FT_BOOLEAN, "Spin Bit", 0 },
	{ &hf_frame_type, "quic.frame_type", FT_UINT64, "Frame Type", 0 },
	{ &hf_crypto_off, "quic.crypto.offset", FT_UINT64, "Offset", 0 },
	{ &hf_crypto_len, "quic.crypto.length", FT_UINT64, "Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* What a version's Initial protection is derived from. */
struct quic_version {
	uint32_t	 first, last;	/* a range of version numbers */
	uint8_t		 salt[20];
	bool		 v2;		/* RFC 9369's labels and packet types */
};

static const struct quic_version quic_versions[] = {
	{ QUIC_V1, QUIC_V1, { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3,
	    0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f,
	    0x0a }, false },
	{ QUIC_V2, QUIC_V2, { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb,
	    0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e,
	    0xd9 }, true },
	/* drafts 29 to 32 */
	{ 0xff00001d, 0xff000020, { 0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2,
	    0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90,
	    0xa8, 0x99 }, false },
	/* drafts 23 to 28 */
	{ 0xff000017, 0xff00001c, { 0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb,
	    0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9,
	    0xf5, 0x02 }, false },
};

static const struct quic_version *
quic_version_find(uint32_t v)
{
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(quic_versions); i++)
		if (v >= quic_versions[i].first && v <= quic_versions[i].last)
			return (&quic_versions[i]);
	return (NULL);
}

/* A variable-length integer, RFC 9000 section 16. */
static uint64_t
quic_varint(struct buf *b)
{
	uint64_t v;
	uint8_t first = buf_u8(b);
	int i, n = 1 << (first >> 6);

	v = first & 0x3f;
	for (i = 1; i < n; i++)
		v = v << 8 | buf_u8(b);
	return (b->err == BUF_OK ? v : 0);
}

/* HMAC-SHA256(key, a || b || c), into out[32]. */
static bool
quic_hmac(const uint8_t *key, size_t klen, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen, uint8_t *out)
{
	gcry_md_hd_t md;

	if (gcry_md_open(&md, GCRY_MD_SHA256, GCRY_MD_FLAG_HMAC) != 0)
		return (false);
	if (gcry_md_setkey(md, key, klen) != 0) {
		gcry_md_close(md);
		return (false);
	}
	gcry_md_write(md, a, alen);
	gcry_md_write(md, b, blen);
	gcry_md_write(md, c, clen);
	memcpy(out, gcry_md_read(md, GCRY_MD_SHA256), 32);
	gcry_md_close(md);
	return (true);
}

/* HKDF-Expand-Label (RFC 8446 section 7.1) with an empty context, for
 * out_len <= 32: one block of HKDF-Expand (RFC 5869). */
static bool
quic_expand_label(const uint8_t secret[32], const char *label, uint8_t *out,
    size_t out_len)
{
	uint8_t info[2 + 1 + 64 + 1], t[32];
	size_t ll = strlen(label), n = 0;
	static const uint8_t one = 1;

	if (out_len > 32 || 6 + ll > 64)
		return (false);
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, ll);
	n += ll;
	info[n++] = 0;			/* no context */
	if (!quic_hmac(secret, 32, info, n, &one, 1, NULL, 0, t))
		return (false);
	memcpy(out, t, out_len);
	return (true);
}

struct quic_keys {
	uint8_t		 key[16], iv[12], hp[16];
};

/* The client's Initial keys for a version and a destination CID. */
static bool
quic_initial_keys(const struct quic_version *v, const uint8_t *dcid,
    size_t dcil, struct quic_keys *k)
{
	uint8_t initial[32], client[32];

	if (!quic_hmac(v->salt, sizeof(v->salt), dcid, dcil, NULL, 0, NULL, 0,
	    initial) ||
	    !quic_expand_label(initial, "client in", client, 32))
		return (false);
	return (quic_expand_label(client, v->v2 ? "quicv2 key" : "quic key",
	    k->key, 16) &&
	    quic_expand_label(client, v->v2 ? "quicv2 iv" : "quic iv", k->iv,
	    12) &&
	    quic_expand_label(client, v->v2 ? "quicv2 hp" : "quic hp", k->hp,
	    16));
}

/* The header protection mask: AES-128-ECB of the sample. */
static bool
quic_hp_mask(const uint8_t hp[16], const uint8_t *sample, uint8_t mask[16])
{
	gcry_cipher_hd_t c;
	bool ok;

	if (gcry_cipher_open(&c, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_ECB, 0) !=
	    0)
		return (false);
	ok = gcry_cipher_setkey(c, hp, 16) == 0 &&
	    gcry_cipher_encrypt(c, mask, 16, sample, 16) == 0;
	gcry_cipher_close(c);
	return (ok);
}

/* AES-128-GCM: ct[0..n) into out, with the tag after ct; false when the
 * tag does not check. */
static bool
quic_open(const struct quic_keys *k, uint64_t pn, const uint8_t *aad,
    size_t aadlen, const uint8_t *ct, size_t n, uint8_t *out)
{
	gcry_cipher_hd_t c;
	uint8_t nonce[12];
	bool ok;
	int i;

	memcpy(nonce, k->iv, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	if (gcry_cipher_open(&c, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 0) !=
	    0)
		return (false);
	ok = gcry_cipher_setkey(c, k->key, 16) == 0 &&
	    gcry_cipher_setiv(c, nonce, 12) == 0 &&
	    gcry_cipher_authenticate(c, aad, aadlen) == 0 &&
	    gcry_cipher_decrypt(c, out, n, ct, n) == 0 &&
	    gcry_cipher_checktag(c, ct + n, QUIC_TAG_LEN) == 0;
	gcry_cipher_close(c);
	return (ok);
}

/* CRYPTO data put together by offset, with a map of what is filled. */
struct quic_crypto {
	uint8_t		 data[QUIC_CRYPTO_MAX];
	uint8_t		 have[QUIC_CRYPTO_MAX / 8];
};

static void
quic_crypto_add(struct quic_crypto *c, uint64_t off, const uint8_t *p,
    size_t n)
{
	size_t i;

	if (off >= QUIC_CRYPTO_MAX)
		return;
	if (n > QUIC_CRYPTO_MAX - off)
		n = QUIC_CRYPTO_MAX - (size_t)off;
	memcpy(c->data + off, p, n);
	for (i = (size_t)off; i < off + n; i++)
		c->have[i / 8] |= (uint8_t)(1 << (i % 8));
}

/* How many bytes from offset 0 are filled. */
static size_t
quic_crypto_prefix(const struct quic_crypto *c)
{
	size_t i;

	for (i = 0; i < QUIC_CRYPTO_MAX; i++)
		if (!(c->have[i / 8] & (1 << (i % 8))))
			break;
	return (i);
}

/* The frames of a decrypted Initial: CRYPTO gathered, the others
 * stepped over; a frame type an Initial may not carry ends the walk. */
static void
quic_frames(struct buf *b, struct quic_crypto *cr, bool *got,
    struct dissect *edt)
{
	uint64_t type, off, len, n, i;
	const uint8_t *p;
	uint8_t z;
	int f;

	for (f = 0; f < QUIC_FRAMES_MAX && buf_reported_left(b) > 0 &&
	    b->err == BUF_OK; f++) {
		type = quic_varint(b);
		if (b->err != BUF_OK)
			break;
		field_add_uint(edt, hf_frame_type, type);
		switch (type) {
		case 0x00:		/* PADDING: a run of zeros at once */
			while (buf_peek_u8(b, b->off, &z) && z == 0)
				(void)buf_skip(b, 1);
			break;
		case 0x01:		/* PING */
			break;
		case 0x02:		/* ACK */
		case 0x03:		/* ACK with ECN counts */
			(void)quic_varint(b);	/* largest acknowledged */
			(void)quic_varint(b);	/* delay */
			n = quic_varint(b);	/* range count */
			(void)quic_varint(b);	/* first range */
			for (i = 0; i < n && b->err == BUF_OK; i++) {
				if (i == QUIC_ACK_RANGES_MAX) {
					buf_fail(b, BUF_MALFORMED);
					break;
				}
				(void)quic_varint(b);	/* gap */
				(void)quic_varint(b);	/* length */
			}
			if (type == 0x03) {
				(void)quic_varint(b);
				(void)quic_varint(b);
				(void)quic_varint(b);
			}
			break;
		case 0x06:		/* CRYPTO */
			off = quic_varint(b);
			len = quic_varint(b);
			if (b->err != BUF_OK)
				break;
			field_add_uint(edt, hf_crypto_off, off);
			field_add_uint(edt, hf_crypto_len, len);
			if (len > buf_reported_left(b) ||
			    (p = buf_ptr(b, (size_t)len)) == NULL) {
				buf_fail(b, BUF_MALFORMED);
				break;
			}
			if (cr != NULL) {
				quic_crypto_add(cr, off, p, (size_t)len);
				*got = true;
			}
			break;
		case 0x1c:		/* CONNECTION_CLOSE */
		case 0x1d:
			(void)quic_varint(b);	/* error code */
			if (type == 0x1c)
				(void)quic_varint(b);	/* frame type */
			len = quic_varint(b);
			if (b->err == BUF_OK && (len > buf_reported_left(b) ||
			    !buf_skip(b, (size_t)len)))
				buf_fail(b, BUF_MALFORMED);
			break;
		default:
			return;
		}
	}
}

/* The handshake messages of the CRYPTO stream, in a "tls" layer as
 * tshark shows them. */
static enum dissect_result
quic_tls_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	size_t n = buf_captured_left(b);
	const uint8_t *p = buf_ptr(b, n);

	if (p == NULL || !tls_handshake(p, n, true, pinfo, edt))
		return (DISSECT_REJECT);
	return (DISSECT_OK);
}

/*
 * Decrypts a client Initial whose packet number starts at pn_off in
 * pkt[0..plen) and reads its frames.  The plaintext and the CRYPTO buffer
 * are per-packet memory: the fields and tap records point into them.
 */
static void
quic_initial(const struct quic_version *v, const uint8_t *pkt, size_t plen,
    size_t pn_off, const uint8_t *dcid, size_t dcil,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct quic_keys k;
	struct quic_crypto *cr;
	struct buf fb;
	uint8_t mask[16], *hdr, *plain;
	size_t pn_len, ctlen, i, have;
	uint64_t pn = 0;
	uint32_t mlen;
	bool got = false;

	if (pn_off + 4 + QUIC_SAMPLE_LEN > plen ||
	    plen - pn_off > QUIC_PLAIN_MAX ||
	    !quic_initial_keys(v, dcid, dcil, &k) ||
	    !quic_hp_mask(k.hp, pkt + pn_off + 4, mask))
		return;
	/* The header, unprotected, is the additional data. */
	if ((hdr = arena_alloc(&edt->arena, pn_off + 4)) == NULL)
		return;
	memcpy(hdr, pkt, pn_off + 4);
	hdr[0] ^= mask[0] & 0x0f;
	pn_len = (size_t)(hdr[0] & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		hdr[pn_off + i] ^= mask[1 + i];
		pn = pn << 8 | hdr[pn_off + i];
	}
	if (plen < pn_off + pn_len + QUIC_TAG_LEN)
		return;
	field_add_uint(edt, hf_pn, pn);
	ctlen = plen - pn_off - pn_len - QUIC_TAG_LEN;
	if ((plain = arena_alloc(&edt->arena, ctlen + 1)) == NULL ||
	    !quic_open(&k, pn, hdr, pn_off + pn_len, pkt + pn_off + pn_len,
	    ctlen, plain))
		return;
	(void)dissect_add_source(edt, plain, (uint32_t)ctlen);
	cr = arena_alloc(&edt->arena, sizeof(*cr));
	buf_init(&fb, plain, ctlen, ctlen);
	quic_frames(&fb, cr, &got, edt);
	if (fb.err != BUF_OK)
		dissect_note_error(edt, proto_quic, fb.err);
	if (cr == NULL || !got)
		return;
	/* The first handshake message, if it is all here. */
	have = quic_crypto_prefix(cr);
	if (have < 4)
		return;
	mlen = (uint32_t)cr->data[1] << 16 | (uint32_t)cr->data[2] << 8 |
	    cr->data[3];
	if (mlen > have - 4 || quic_tls.proto == NULL)
		return;
	(void)dissect_add_source(edt, cr->data, 4 + mlen);
	buf_init(&fb, cr->data, 4 + mlen, 4 + mlen);
	(void)call_dissector(&quic_tls, &fb, pinfo, edt);
}

/* One packet at b's cursor; false when nothing more follows it. */
static bool
quic_packet(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *pkt, *dcid;
	const struct quic_version *v;
	struct buf at = *b;		/* the packet, to decrypt whole */
	size_t start = b->off, pn_off;
	uint64_t tlen, len;
	uint32_t version;
	uint8_t first, dcil, scil, type;

	first = buf_u8(b);
	if (b->err != BUF_OK)
		return (false);
	field_add_uint(edt, hf_form, first >> 7);
	field_add_uint(edt, hf_fixed, (first >> 6) & 1);
	if (!(first & 0x80)) {
		field_add_uint(edt, hf_spin, (first >> 5) & 1);
		(void)buf_skip(b, buf_reported_left(b));
		return (false);
	}
	version = buf_be32(b);
	if (b->err != BUF_OK)
		return (false);
	v = quic_version_find(version);
	type = (first >> 4) & 3;
	if (v != NULL && v->v2)		/* RFC 9369: types rotated by one */
		type = (uint8_t)((type + 3) & 3);
	if (version != 0)
		field_add_uint(edt, hf_lpt, type);
	field_add_uint(edt, hf_version, version);
	dcil = buf_u8(b);
	if (b->err == BUF_OK)
		field_add_uint(edt, hf_dcil, dcil);
	if (version != 0 && dcil > QUIC_CID_MAX) {
		buf_fail(b, BUF_MALFORMED);
		return (false);
	}
	if ((dcid = buf_ptr(b, dcil)) == NULL)
		return (false);
	if (dcil > 0)		/* tshark shows no empty ID */
		field_add_bytes(edt, hf_dcid, dcid, dcil);
	scil = buf_u8(b);
	if (b->err == BUF_OK)
		field_add_uint(edt, hf_scil, scil);
	if (version != 0 && scil > QUIC_CID_MAX) {
		buf_fail(b, BUF_MALFORMED);
		return (false);
	}
	if (scil > 0 && buf_ptr(b, scil) != NULL)
		field_add_bytes(edt, hf_scid, b->data + b->off - scil, scil);
	if (b->err != BUF_OK)
		return (false);
	if (version == 0 || type == LPT_RETRY) {
		/* Version Negotiation, Retry: the rest of the datagram. */
		(void)buf_skip(b, buf_reported_left(b));
		return (false);
	}
	if (type == LPT_INITIAL) {
		tlen = quic_varint(b);
		if (b->err == BUF_OK)
			field_add_uint(edt, hf_token_len, tlen);
		if (b->err != BUF_OK || tlen > buf_reported_left(b)) {
			buf_fail(b, BUF_MALFORMED);
			return (false);
		}
		(void)buf_skip(b, (size_t)tlen);
	}
	len = quic_varint(b);
	if (b->err != BUF_OK)
		return (false);
	field_add_uint(edt, hf_length, len);
	if (len > buf_reported_left(b)) {
		buf_fail(b, BUF_MALFORMED);
		return (false);
	}
	pn_off = b->off - start;
	/* Only the client's Initial: the server's uses keys from the same
	 * secret, but carries no names. */
	if (type == LPT_INITIAL && v != NULL && pinfo->destport == 443 &&
	    buf_captured_left(b) >= len &&
	    (pkt = buf_ptr(&at, pn_off + (size_t)len)) != NULL)
		quic_initial(v, pkt, pn_off + (size_t)len, pn_off, dcid, dcil,
		    pinfo, edt);
	if (!buf_skip(b, (size_t)len))
		return (false);
	return (buf_reported_left(b) > 0);
}

/*
 * The packets from b's cursor.  Each coalesced packet after the first is
 * a "quic" layer of its own, nested in the one before, as tshark's
 * protocol hierarchy shows them (quic/quic); past the depth limit they
 * are read here, without a layer.
 */
static void
quic_packets(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf rest;
	uint8_t first;
	int i;

	for (i = 0; i < QUIC_PACKETS_MAX; i++) {
		if (!quic_packet(b, pinfo, edt))
			break;
		/* Zeros after the last packet pad the datagram. */
		if (!buf_peek_u8(b, b->off, &first) || !(first & 0x40))
			break;
		if (edt->depth + 1 < PACKET_DEPTH_MAX &&
		    quic_next.proto != NULL) {
			buf_rest(b, &rest);
			(void)call_dissector(&quic_next, &rest, pinfo, edt);
			(void)buf_skip(b, MIN(rest.off, buf_captured_left(b)));
			break;
		}
	}
	(void)buf_skip(b, MIN(buf_reported_left(b), buf_captured_left(b)));
}

static enum dissect_result
quic_next_dissect(struct buf *b, struct packet_info *pinfo,
    struct dissect *edt)
{
	quic_packets(b, pinfo, edt);
	return (DISSECT_OK);
}

static enum dissect_result
quic_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	uint8_t first;

	/* Without the fixed bit: Google QUIC, not ours. */
	if (!buf_peek_u8(b, b->off, &first) || !(first & 0x40))
		return (DISSECT_REJECT);
	quic_packets(b, pinfo, edt);
	return (DISSECT_OK);
}

static void
quic_init(void)
{
	const struct dissector *tls = proto_find_dissector("tls");

	/* TLS's protocol, with the handshake parser alone. */
	if (tls != NULL) {
		quic_tls.name = tls->name;
		quic_tls.longname = tls->longname;
		quic_tls.proto = tls->proto;
		quic_tls.dissect = quic_tls_dissect;
		/* tshark's hierarchy has no tls level under quic (the
		 * handshake is inside a CRYPTO frame's item); filters see it. */
		quic_tls.no_hierarchy = true;
	}
	quic_next.name = "quic";
	quic_next.longname = "QUIC IETF";
	quic_next.proto = &proto_quic;
	quic_next.dissect = quic_next_dissect;
	/* libgcrypt wants this before any other call. */
	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		(void)gcry_check_version(NULL);
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	}
}

const struct dissector dissector_quic = {
	.name = "quic",
	.longname = "QUIC IETF",
	.proto = &proto_quic,
	.handoff = { { "udp.port", 443 } },
	.fields = quic_fields,
	.init = quic_init,
	.dissect = quic_dissect,
};
