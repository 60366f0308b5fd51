/*
 * Dynamic Host Configuration Protocol and BOOTP.  RFC 2131, RFC 2132.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 *  +---------------+---------------+---------------+---------------+
 *  |                            xid (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |           secs (2)            |           flags (2)           |
 *  +-------------------------------+-------------------------------+
 *  |   ciaddr, yiaddr, siaddr, giaddr (4 each)                     |
 *  |   chaddr (16), sname (64), file (128)                         |
 *  +---------------------------------------------------------------+
 *  |   magic cookie 99.130.83.99, then options: code, length, data |
 *
 * Options are type-length-value, with 0 (pad) and 255 (end) a single
 * byte; the loop ends at the end option, at the end of the data, or at an
 * option whose length runs past the datagram (malformed).  Every step
 * moves on by at least one byte.
 *
 * A host name (option 12) is a name for the client's address when that
 * address is known: ciaddr when the client has one, else the address the
 * server hands out (yiaddr), else the one the client asks for (option 50).
 * It is queued on the "names" tap (core/names.h) as a DHCP name.
 */
#include <string.h>

#include "core/dissect.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_FIXED_LEN		236

#define OPT_PAD			0
#define OPT_HOSTNAME		12
#define OPT_REQUESTED_ADDR	50
#define OPT_MSG_TYPE		53
#define OPT_SERVER_ID		54
#define OPT_END			255

static int proto_dhcp = -1;
static int hf_dhcp_type = -1, hf_dhcp_hw_type = -1, hf_dhcp_hw_len = -1,
    hf_dhcp_hops = -1, hf_dhcp_id = -1, hf_dhcp_secs = -1,
    hf_dhcp_flags = -1, hf_dhcp_flags_bc = -1, hf_dhcp_ip_client = -1,
    hf_dhcp_ip_your = -1, hf_dhcp_ip_server = -1, hf_dhcp_ip_relay = -1,
    hf_dhcp_hw_mac_addr = -1, hf_dhcp_cookie = -1, hf_dhcp_option_type = -1,
    hf_dhcp_option_length = -1, hf_dhcp_option_dhcp = -1,
    hf_dhcp_option_hostname = -1, hf_dhcp_option_requested = -1,
    hf_dhcp_option_server_id = -1, hf_dhcp_option_end = -1;

static const struct field_def dhcp_fields[] = {
	{ &hf_dhcp_type, "dhcp.type", FT_UINT8, "Message type", 0 },
	{ &hf_dhcp_hw_type, "dhcp.hw.type", FT_UINT8, "Hardware type", 0 },
	{ &hf_dhcp_hw_len, "dhcp.hw.len", FT_UINT8, "Hardware address length", 0 },
	{ &hf_dhcp_hops, "dhcp.hops", FT_UINT8, "Hops", 0 },
	{ &hf_dhcp_id, "dhcp.id", FT_UINT32, "Transaction ID", 0 },
	{ &hf_dhcp_secs, "dhcp.secs", FT_UINT16, "Seconds elapsed", 0 },
	{ &hf_dhcp_flags, "dhcp.flags", FT_UINT16, "Bootp flags", 0 },
	{ &hf_dhcp_flags_bc, "dhcp.flags.bc", FT_BOOLEAN, "Broadcast flag", 0x8000 },
	{ &hf_dhcp_ip_client, "dhcp.ip.client", FT_IPv4, "Client IP address", 0 },
	{ &hf_dhcp_ip_your, "dhcp.ip.your", FT_IPv4, "Your (client) IP address", 0 },
	{ &hf_dhcp_ip_server, "dhcp.ip.server", FT_IPv4, "Next server IP address", 0 },
	{ &hf_dhcp_ip_relay, "dhcp.ip.relay", FT_IPv4, "Relay agent IP address", 0 },
	{ &hf_dhcp_hw_mac_addr, "dhcp.hw.mac_addr", FT_ETHER, "Client MAC address", 0 },
	{ &hf_dhcp_cookie, "dhcp.cookie", FT_IPv4, "Magic cookie", 0 },
	{ &hf_dhcp_option_type, "dhcp.option.type", FT_UINT8, "Option", 0 },
	{ &hf_dhcp_option_length, "dhcp.option.length", FT_UINT8, "Length", 0 },
	{ &hf_dhcp_option_dhcp, "dhcp.option.dhcp", FT_UINT8, "DHCP", 0 },
	{ &hf_dhcp_option_hostname, "dhcp.option.hostname", FT_STRING, "Host Name", 0 },
	{ &hf_dhcp_option_requested, "dhcp.option.requested_ip_address", FT_IPv4, "Requested IP Address", 0 },
	{ &hf_dhcp_option_server_id, "dhcp.option.dhcp_server_id", FT_IPv4, "DHCP Server Identifier", 0 },
	{ &hf_dhcp_option_end, "dhcp.option.end", FT_UINT8, "Option End", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

static void
ipv4_at(struct address *a, const uint8_t *p)
{
	address_set(a, AT_IPv4, p, 4);
}

static bool
ipv4_zero(const struct address *a)
{
	return (a->data[0] == 0 && a->data[1] == 0 && a->data[2] == 0 &&
	    a->data[3] == 0);
}

/* The host name as a name of the client's address, on the names tap. */
static void
dhcp_name(struct packet_info *pinfo, struct dissect *edt,
    const struct address *client, const uint8_t *name, size_t len)
{
	struct names_tap *r;
	int tap = names_tap_id();

	/* A host name option may end in NULs (Wireshark's FT_STRINGZ). */
	while (len > 0 && name[len - 1] == 0)
		len--;
	if (len == 0 || len > NAMES_NAME_MAX || memchr(name, 0, len) != NULL ||
	    !tap_listened(tap) ||
	    (r = arena_alloc(&edt->arena, sizeof(*r))) == NULL)
		return;
	memset(r, 0, sizeof(*r));
	r->kind = NAMES_REC_ADDR;
	r->source = NAMES_SRC_DHCP;
	r->addr = *client;
	r->name = (const char *)name;
	r->name_len = (uint16_t)len;
	tap_queue_packet(tap, pinfo, r);
}

static enum dissect_result
dhcp_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct address ciaddr, yiaddr, siaddr, giaddr, mac, a, requested;
	const uint8_t *fixed, *cookie, *name = NULL, *v;
	size_t name_len = 0;
	uint8_t code, len, op;
	bool have_requested = false;

	if ((fixed = buf_ptr(b, DHCP_FIXED_LEN)) == NULL) {
		if (buf_peek_u8(b, 0, &op))
			field_add_uint(edt, hf_dhcp_type, op);
		return (DISSECT_OK);
	}
	field_add_uint(edt, hf_dhcp_type, fixed[0]);
	field_add_uint(edt, hf_dhcp_hw_type, fixed[1]);
	field_add_uint(edt, hf_dhcp_hw_len, fixed[2]);
	field_add_uint(edt, hf_dhcp_hops, fixed[3]);
	field_add_uint(edt, hf_dhcp_id, (uint32_t)fixed[4] << 24 |
	    (uint32_t)fixed[5] << 16 | (uint32_t)fixed[6] << 8 | fixed[7]);
	field_add_uint(edt, hf_dhcp_secs, (uint16_t)(fixed[8] << 8 | fixed[9]));
	field_add_uint(edt, hf_dhcp_flags, (uint16_t)(fixed[10] << 8 |
	    fixed[11]));
	field_add_uint(edt, hf_dhcp_flags_bc, (fixed[10] & 0x80) != 0);
	ipv4_at(&ciaddr, fixed + 12);
	ipv4_at(&yiaddr, fixed + 16);
	ipv4_at(&siaddr, fixed + 20);
	ipv4_at(&giaddr, fixed + 24);
	field_add_addr(edt, hf_dhcp_ip_client, &ciaddr);
	field_add_addr(edt, hf_dhcp_ip_your, &yiaddr);
	field_add_addr(edt, hf_dhcp_ip_server, &siaddr);
	field_add_addr(edt, hf_dhcp_ip_relay, &giaddr);
	if (fixed[1] == 1 && fixed[2] == 6) {	/* Ethernet */
		address_set(&mac, AT_ETHER, fixed + 28, 6);
		field_add_addr(edt, hf_dhcp_hw_mac_addr, &mac);
	}
	if (buf_reported_left(b) == 0)
		return (DISSECT_OK);		/* BOOTP without options */
	if ((cookie = buf_ptr(b, 4)) == NULL)
		return (DISSECT_OK);
	ipv4_at(&a, cookie);
	field_add_addr(edt, hf_dhcp_cookie, &a);
	if (a.data[0] != 99 || a.data[1] != 130 || a.data[2] != 83 ||
	    a.data[3] != 99)
		return (DISSECT_OK);		/* vendor data, not options */

	/* Each turn reads at least the code byte: the loop advances. */
	while (buf_reported_left(b) > 0) {
		code = buf_u8(b);
		if (b->err != BUF_OK)
			break;
		field_add_uint(edt, hf_dhcp_option_type, code);
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END) {
			field_add_uint(edt, hf_dhcp_option_end, code);
			break;
		}
		len = buf_u8(b);
		if (b->err != BUF_OK)
			break;
		field_add_uint(edt, hf_dhcp_option_length, len);
		if (len > buf_reported_left(b)) {
			buf_fail(b, BUF_MALFORMED);
			break;
		}
		if ((v = buf_ptr(b, len)) == NULL)
			break;
		switch (code) {
		case OPT_MSG_TYPE:
			if (len == 1)
				field_add_uint(edt, hf_dhcp_option_dhcp, v[0]);
			break;
		case OPT_HOSTNAME:
			field_add_bytes(edt, hf_dhcp_option_hostname, v, len);
			name = v;
			name_len = len;
			break;
		case OPT_REQUESTED_ADDR:
			if (len == 4) {
				ipv4_at(&requested, v);
				field_add_addr(edt, hf_dhcp_option_requested,
				    &requested);
				have_requested = true;
			}
			break;
		case OPT_SERVER_ID:
			if (len == 4) {
				ipv4_at(&a, v);
				field_add_addr(edt, hf_dhcp_option_server_id,
				    &a);
			}
			break;
		}
	}
	if (name != NULL) {
		if (!ipv4_zero(&ciaddr))
			dhcp_name(pinfo, edt, &ciaddr, name, name_len);
		else if (!ipv4_zero(&yiaddr))
			dhcp_name(pinfo, edt, &yiaddr, name, name_len);
		else if (have_requested && !ipv4_zero(&requested))
			dhcp_name(pinfo, edt, &requested, name, name_len);
	}
	return (DISSECT_OK);
}

const struct dissector dissector_dhcp = {
	.name = "dhcp",
	.longname = "Dynamic Host Configuration Protocol",
	.proto = &proto_dhcp,
	.handoff = {
		{ "udp.port", DHCP_SERVER_PORT },
		{ "udp.port", DHCP_CLIENT_PORT },
	},
	.fields = dhcp_fields,
	.dissect = dhcp_dissect,
};
