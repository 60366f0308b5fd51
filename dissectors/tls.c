/*
 * Transport Layer Security: records and the handshake.  RFC 8446 (1.3),
 * RFC 5246 (1.2); extensions RFC 6066 (server_name), RFC 7301 (ALPN).
 *
 *   record:    type(1) version(2) length(2) fragment(length)
 *   handshake: msg_type(1) length(3) body(length)
 *   ClientHello: version(2) random(32) session_id<1> cipher_suites<2>
 *                compression<1> extensions<2>
 *   ServerHello: version(2) random(32) session_id<1> cipher_suite(2)
 *                compression(1) extensions<2>
 *   extension:   type(2) length(2) data(length)
 *
 * Only what is in the clear is read: the hellos' versions, SNI, ALPN and
 * supported_versions.  A handshake record that is not exactly a sequence
 * of messages is an encrypted one (the Finished after ChangeCipherSpec),
 * and yields no handshake fields, as tshark shows an "Encrypted Handshake
 * Message".  Records that span segments are joined by TCP reassembly
 * (core/tcpreasm.h), so a ClientHello with large key shares is read once
 * whole; a handshake message spanning records is not joined.
 *
 * On Wireshark's default TLS ports, and recognised anywhere by a record
 * header (the "tcp.heur" table).  A port call takes bytes that do not
 * start a record as continuation data, as tshark does.  SNI names are
 * queued on the "names" tap with the server's address.
 */
#include <string.h>

#include <glib.h>

#include "core/dissect.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"
#include "core/tcpreasm.h"
#include "dissectors/taps.h"
#include "dissectors/tls.h"

#define TLS_REC_HDR	5
#define TLS_REC_MAX	(16384 + 2048)	/* TLSCiphertext's bound */
#define TLS_RECS_MAX	256		/* records in one PDU */
#define TLS_MSGS_MAX	64		/* handshake messages in a record */
#define TLS_EXTS_MAX	256

#define CT_CCS		20
#define CT_ALERT	21
#define CT_HANDSHAKE	22
#define CT_APPDATA	23
#define CT_HEARTBEAT	24

#define HS_CLIENT_HELLO	1
#define HS_SERVER_HELLO	2

#define EXT_SNI		0
#define EXT_ALPN	16
#define EXT_VERSIONS	43

static int proto_tls = -1, tap_tls = -1;
static int hf_ct = -1, hf_rec_version = -1, hf_rec_len = -1, hf_hs_type = -1,
    hf_hs_len = -1, hf_hs_version = -1, hf_cs = -1, hf_ext_type = -1,
    hf_sni = -1, hf_sni_len = -1, hf_alpn = -1, hf_sv = -1;

static const struct field_def tls_fields[] = {
	{ &hf_ct, "tls.record.content_type", FT_UINT8, "Content Type", 0 },
	{ &hf_rec_version, "tls.record.version", FT_UINT16, "Version", 0 },
	{ &hf_rec_len, "tls.record.length", FT_UINT16, "Length", 0 },
	{ &hf_hs_type, "tls.handshake.type", FT_UINT8, "Handshake Type", 0 },
	{ &hf_hs_len, "tls.handshake.length", FT_UINT24, "Length", 0 },
	{ &hf_hs_version, "tls.handshake.version", FT_UINT16, "Version", 0 },
	{ &hf_cs, "tls.handshake.ciphersuite", FT_UINT16, "Cipher Suite", 0 },
	{ &hf_ext_type, "tls.handshake.extension.type", FT_UINT16, "Type", 0 },
	{ &hf_sni, "tls.handshake.extensions_server_name", FT_STRING, "Server Name", 0 },
	{ &hf_sni_len, "tls.handshake.extensions_server_name_len", FT_UINT16, "Server Name length", 0 },
	{ &hf_alpn, "tls.handshake.extensions_alpn_str", FT_STRING, "ALPN Next Protocol", 0 },
	{ &hf_sv, "tls.handshake.extensions.supported_version", FT_UINT16, "Supported Version", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* A record header: a known type, version 3.x, a length within bounds. */
static bool
tls_record_ok(const uint8_t *p, size_t n)
{
	uint16_t len;

	if (n < TLS_REC_HDR)
		return (n >= 1 && p[0] >= CT_CCS && p[0] <= CT_HEARTBEAT &&
		    (n < 2 || p[1] == 3) && (n < 3 || p[2] <= 4));
	len = (uint16_t)(p[3] << 8 | p[4]);
	return (p[0] >= CT_CCS && p[0] <= CT_HEARTBEAT && p[1] == 3 &&
	    p[2] <= 4 && len <= TLS_REC_MAX);
}

static void
tls_name(const uint8_t *name, size_t n, struct packet_info *pinfo,
    struct dissect *edt)
{
	struct names_tap *t;

	if (n == 0 || n > NAMES_NAME_MAX || !tap_listened(names_tap_id()) ||
	    (t = arena_alloc(&edt->arena, sizeof(*t))) == NULL)
		return;
	memset(t, 0, sizeof(*t));
	t->kind = NAMES_REC_ADDR;
	t->source = NAMES_SRC_SNI;
	t->addr = pinfo->net_dst;
	t->name = (const char *)name;
	t->name_len = (uint16_t)n;
	tap_queue_packet(names_tap_id(), pinfo, t);
}

/* One extension of a hello; t gathers what the tap reports. */
static void
tls_extension(uint16_t type, struct buf *e, bool client, struct tls_tap *t,
    struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *s;
	struct buf l;
	uint16_t len;
	uint8_t n;
	int i;

	switch (type) {
	case EXT_SNI:
		if (!client || buf_reported_left(e) == 0)
			break;
		(void)buf_sub(e, &l, buf_be16(e));
		for (i = 0; i < 16 && buf_reported_left(&l) >= 3; i++) {
			n = buf_u8(&l);
			len = buf_be16(&l);
			if ((s = buf_ptr(&l, len)) == NULL)
				break;
			if (n != 0)
				continue;
			field_add_uint(edt, hf_sni_len, len);
			field_add_bytes(edt, hf_sni, s, len);
			if (t != NULL && t->sni == NULL) {
				t->sni = (const char *)s;
				t->sni_len = len;
			}
			tls_name(s, len, pinfo, edt);
		}
		break;
	case EXT_ALPN:
		(void)buf_sub(e, &l, buf_be16(e));
		for (i = 0; i < 64 && buf_reported_left(&l) >= 1; i++) {
			n = buf_u8(&l);
			if ((s = buf_ptr(&l, n)) == NULL)
				break;
			field_add_bytes(edt, hf_alpn, s, n);
			if (t != NULL && t->alpn == NULL) {
				t->alpn = (const char *)s;
				t->alpn_len = n;
			}
		}
		break;
	case EXT_VERSIONS:
		if (!client) {
			len = buf_be16(e);
			if (e->err == BUF_OK) {
				field_add_uint(edt, hf_sv, len);
				if (t != NULL)
					t->version = len;
			}
			break;
		}
		(void)buf_sub(e, &l, buf_u8(e));
		for (i = 0; i < 128 && buf_reported_left(&l) >= 2; i++) {
			len = buf_be16(&l);
			field_add_uint(edt, hf_sv, len);
			/* GREASE values (RFC 8701) are 0x?a?a. */
			if (t != NULL && l.err == BUF_OK &&
			    (len & 0x0f0f) != 0x0a0a && len > t->max_version)
				t->max_version = len;
		}
		break;
	default:
		break;
	}
}

/* A ClientHello or ServerHello body. */
static void
tls_hello(uint8_t type, struct buf *h, bool quic, struct packet_info *pinfo,
    struct dissect *edt)
{
	bool client = type == HS_CLIENT_HELLO;
	struct tls_tap *t;
	struct buf cs, exts, e;
	uint16_t v, etype, elen;
	int i;

	if ((t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		memset(t, 0, sizeof(*t));
		t->quic = quic;
		t->hs_type = type;
		t->client = client ? pinfo->net_src : pinfo->net_dst;
		t->server = client ? pinfo->net_dst : pinfo->net_src;
		t->server_port = (uint16_t)(client ? pinfo->destport :
		    pinfo->srcport);
		t->bytes = pinfo->len;
	}
	v = buf_be16(h);
	if (h->err == BUF_OK)
		field_add_uint(edt, hf_hs_version, v);
	if (t != NULL) {
		t->version = v;
		t->max_version = client ? v : 0;
	}
	(void)buf_skip(h, 32);
	(void)buf_skip(h, buf_u8(h));
	if (client) {
		(void)buf_sub(h, &cs, buf_be16(h));
		(void)buf_skip(h, buf_reported_left(&cs));
		for (i = 0; i < 512 && buf_reported_left(&cs) >= 2; i++)
			field_add_uint(edt, hf_cs, buf_be16(&cs));
		(void)buf_skip(h, buf_u8(h));
	} else {
		v = buf_be16(h);
		if (h->err == BUF_OK)
			field_add_uint(edt, hf_cs, v);
		(void)buf_skip(h, 1);
	}
	if (h->err == BUF_OK && buf_reported_left(h) >= 2) {
		(void)buf_sub(h, &exts, buf_be16(h));
		for (i = 0; i < TLS_EXTS_MAX && buf_reported_left(&exts) >= 4;
		    i++) {
			etype = buf_be16(&exts);
			elen = buf_be16(&exts);
			if (exts.err != BUF_OK)
				break;
			field_add_uint(edt, hf_ext_type, etype);
			(void)buf_sub(&exts, &e, elen);
			tls_extension(etype, &e, client, t, pinfo, edt);
			if (!buf_skip(&exts, elen))
				break;
		}
	}
	if (t != NULL)
		tap_queue_packet(tap_tls, pinfo, t);
}

bool
tls_handshake(const uint8_t *p, size_t n, bool quic,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct buf b, h;
	uint32_t len;
	uint8_t type;
	size_t off = 0;
	int i;

	/* Whole messages, exactly, or it is not a clear handshake. */
	for (i = 0; off < n; i++) {
		if (i == TLS_MSGS_MAX || n - off < 4)
			return (false);
		len = (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 |
		    p[off + 3];
		if (len > n - off - 4 || p[off] > 30)
			return (false);
		off += 4 + len;
	}
	buf_init(&b, p, n, n);
	while (buf_reported_left(&b) >= 4) {
		type = buf_u8(&b);
		len = buf_be24(&b);
		field_add_uint(edt, hf_hs_type, type);
		field_add_uint(edt, hf_hs_len, len);
		(void)buf_sub(&b, &h, len);
		if (type == HS_CLIENT_HELLO || type == HS_SERVER_HELLO)
			tls_hello(type, &h, quic, pinfo, edt);
		(void)buf_skip(&b, len);
	}
	return (true);
}

static enum dissect_result
tls_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	const uint8_t *base = b->data + b->off, *p;
	size_t have = buf_captured_left(b), claimed = buf_reported_left(b);
	size_t off = 0;
	uint16_t version, len;
	uint8_t ct;
	bool ccs = false;
	int i;

	/* A heuristic call wants a whole record header to judge by. */
	if (have == 0 || (pinfo->heur_call && (have < TLS_REC_HDR ||
	    !tls_record_ok(base, have))))
		return (pinfo->heur_call ? DISSECT_REJECT : DISSECT_OK);
	for (i = 0; i < TLS_RECS_MAX && off < claimed; i++) {
		p = base + off;
		if (!tls_record_ok(p, MIN(have - MIN(off, have), TLS_REC_HDR)))
			break;		/* continuation data */
		if (off + TLS_REC_HDR > claimed) {
			if (pinfo->can_desegment) {
				tcp_desegment(pinfo, off,
				    off + TLS_REC_HDR - claimed);
				pinfo->desegment_layer = true;
			}
			break;
		}
		if (off + TLS_REC_HDR > have) {
			buf_fail(b, BUF_TRUNCATED);
			break;
		}
		ct = p[0];
		version = (uint16_t)(p[1] << 8 | p[2]);
		len = (uint16_t)(p[3] << 8 | p[4]);
		if (off + TLS_REC_HDR + len > claimed && pinfo->can_desegment) {
			/* tshark shows the layer on the segment that
			 * starts the record, and again where it ends. */
			tcp_desegment(pinfo, off,
			    off + TLS_REC_HDR + len - claimed);
			pinfo->desegment_layer = true;
			break;
		}
		field_add_uint(edt, hf_ct, ct);
		field_add_uint(edt, hf_rec_version, version);
		field_add_uint(edt, hf_rec_len, len);
		if (off + TLS_REC_HDR + len > have) {
			/* Cut by the snaplen, or not here at all. */
			buf_fail(b, BUF_TRUNCATED);
			off = have;
			break;
		}
		if (ct == CT_CCS)
			ccs = true;
		else if (ct == CT_HANDSHAKE && !ccs)
			(void)tls_handshake(p + TLS_REC_HDR, len, false, pinfo,
			    edt);
		off += TLS_REC_HDR + len;
	}
	(void)buf_skip(b, MIN(off, have));
	return (DISSECT_OK);
}

const struct dissector dissector_tls = {
	.name = "tls",
	.longname = "Transport Layer Security",
	.proto = &proto_tls,
	/* Wireshark 4.0's default TLS ports (a selection: 15 of them). */
	.handoff = {
		{ "tcp.port", 443 }, { "tcp.port", 465 }, { "tcp.port", 636 },
		{ "tcp.port", 853 }, { "tcp.port", 993 }, { "tcp.port", 995 },
		{ "tcp.port", 5061 }, { "tcp.port", 8883 },
		{ "tcp.port", 5671 }, { "tcp.port", 2443 },
		{ "tcp.port", 2221 }, { "tcp.port", 5868 },
		{ "tcp.port", 19999 }, { "tcp.port", 802 },
		{ "tcp.port", 324 },
		{ "tcp.heur", 2 },
	},
	.fields = tls_fields,
	.tap = "tls",
	.tap_id = &tap_tls,
	.dissect = tls_dissect,
};
