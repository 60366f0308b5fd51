/*
 * Generic Network Virtualization Encapsulation.  RFC 8926.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |        Virtual Network Identifier (VNI)       |    Reserved   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Option Class               |      Type     |R|R|R| Length  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Option data (Length * 4 bytes) ...            |
 *
 * VXLAN's successor: the payload is named by an ethertype, so it goes to
 * the "ethertype" table as GRE's does (0x6558 Ethernet, 0x0800 IPv4,
 * 0x86dd IPv6).  The options take Opt Len 4-byte words; they are walked
 * for their class and type, each at least 4 bytes so the walk advances,
 * and one that runs past the options ends the walk, as tshark ends it.
 * An unknown version is dissected all the same, as tshark does.
 */
#include "core/dissect.h"
#include "core/proto.h"
#include "dissectors/tables.h"

#define GENEVE_PORT	6081
#define GENEVE_F_OAM	0x80
#define GENEVE_F_CRIT	0x40

static int proto_geneve = -1;
static int hf_geneve_version = -1, hf_geneve_flags = -1,
    hf_geneve_flags_oam = -1, hf_geneve_flags_critical = -1,
    hf_geneve_flags_reserved = -1, hf_geneve_proto_type = -1,
    hf_geneve_vni = -1, hf_geneve_reserved = -1, hf_geneve_options = -1,
    hf_geneve_option = -1, hf_geneve_option_class = -1,
    hf_geneve_option_type = -1, hf_geneve_option_type_critical = -1,
    hf_geneve_option_flags = -1, hf_geneve_option_length = -1;

static const struct field_def geneve_fields[] = {
	{ &hf_geneve_version, "geneve.version", FT_UINT8, "Version", 0 },
	{ &hf_geneve_flags, "geneve.flags", FT_UINT8, "Flags", 0 },
	{ &hf_geneve_flags_oam, "geneve.flags.oam", FT_BOOLEAN, "Operations, Administration and Management Frame", 0x80 },
	{ &hf_geneve_flags_critical, "geneve.flags.critical", FT_BOOLEAN, "Critical Options Present", 0x40 },
	{ &hf_geneve_flags_reserved, "geneve.flags.reserved", FT_BOOLEAN, "Reserved", 0x3f },
	{ &hf_geneve_proto_type, "geneve.proto_type", FT_UINT16, "Protocol Type", 0 },
	{ &hf_geneve_vni, "geneve.vni", FT_UINT24, "Virtual Network Identifier (VNI)", 0 },
	{ &hf_geneve_reserved, "geneve.reserved", FT_UINT8, "Reserved", 0 },
	{ &hf_geneve_options, "geneve.options", FT_BYTES, "Geneve Options", 0 },
	{ &hf_geneve_option, "geneve.option", FT_BYTES, "Option", 0 },
	{ &hf_geneve_option_class, "geneve.option.class", FT_UINT16, "Class", 0 },
	{ &hf_geneve_option_type, "geneve.option.type", FT_UINT8, "Type", 0 },
	{ &hf_geneve_option_type_critical, "geneve.option.type.critical", FT_BOOLEAN, "Critical Option", 0x80 },
	{ &hf_geneve_option_flags, "geneve.option.flags", FT_UINT8, "Flags", 0 },
	{ &hf_geneve_option_length, "geneve.option.length", FT_UINT8, "Length", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* The options, len bytes of them (a multiple of 4, at most 252). */
static void
geneve_options(struct buf *b, size_t len, struct dissect *edt)
{
	struct buf opts;
	const uint8_t *p;
	size_t olen;
	uint16_t cls;
	uint8_t type, fl;

	p = buf_ptr(b, len);
	if (p == NULL)
		return;
	field_add_bytes(edt, hf_geneve_options, p, (uint32_t)len);
	buf_init(&opts, p, len, len);
	while (buf_reported_left(&opts) > 0) {
		cls = buf_be16(&opts);
		type = buf_u8(&opts);
		fl = buf_u8(&opts);
		if (opts.err != BUF_OK)
			return;
		olen = 4 + (size_t)(fl & 0x1f) * 4;
		if (olen - 4 > buf_reported_left(&opts))
			return;		/* past the options: tshark stops */
		field_add_bytes(edt, hf_geneve_option, p + opts.off - 4,
		    (uint32_t)olen);
		field_add_uint(edt, hf_geneve_option_class, cls);
		field_add_uint(edt, hf_geneve_option_type, type);
		field_add_uint(edt, hf_geneve_option_type_critical,
		    (type & 0x80) != 0);
		field_add_uint(edt, hf_geneve_option_flags, fl);
		field_add_uint(edt, hf_geneve_option_length, olen);
		(void)buf_skip(&opts, olen - 4);
	}
}

static enum dissect_result
geneve_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf payload;
	uint32_t vni;
	uint16_t proto;
	uint8_t vo, flags, reserved;

	vo = buf_u8(b);
	flags = buf_u8(b);
	proto = buf_be16(b);
	vni = buf_be24(b);
	reserved = buf_u8(b);
	if (b->err != BUF_OK)
		return (DISSECT_OK);
	field_add_uint(edt, hf_geneve_version, vo >> 6);
	/* tshark 4.0 gives the options' length in bytes under the same
	 * name as each option's length. */
	field_add_uint(edt, hf_geneve_option_length, (vo & 0x3f) * 4);
	field_add_uint(edt, hf_geneve_flags, flags);
	field_add_uint(edt, hf_geneve_flags_oam, (flags & GENEVE_F_OAM) != 0);
	field_add_uint(edt, hf_geneve_flags_critical,
	    (flags & GENEVE_F_CRIT) != 0);
	field_add_uint(edt, hf_geneve_flags_reserved, (flags & 0x3f) != 0);
	field_add_uint(edt, hf_geneve_proto_type, proto);
	field_add_uint(edt, hf_geneve_vni, vni);
	field_add_uint(edt, hf_geneve_reserved, reserved);
	if ((vo & 0x3f) != 0)
		geneve_options(b, (size_t)(vo & 0x3f) * 4, edt);
	if (b->err != BUF_OK || buf_reported_left(b) == 0)
		return (DISSECT_OK);
	buf_rest(b, &payload);
	(void)dtable_call(ethertype_table, proto, &payload, pinfo, edt);
	return (DISSECT_OK);
}

const struct dissector dissector_geneve = {
	.name = "geneve",
	.longname = "Generic Network Virtualization Encapsulation",
	.proto = &proto_geneve,
	.handoff = { { "udp.port", GENEVE_PORT } },
	.fields = geneve_fields,
	.dissect = geneve_dissect,
};
