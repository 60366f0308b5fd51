/*
 * ARP: requests and replies, the addresses asked for most ("who has"),
 * gratuitous ARP, and addresses claimed by two hardware addresses.  A
 * description of counters (core/stats_tree.h).
 *
 * Gratuitous is Wireshark's arp.isgratuitous: the sender's and the
 * target's protocol addresses are the same.  A claim is a sender's
 * protocol address with its hardware address; an address whose claim
 * names another hardware address than the first one seen for it counts,
 * once per such packet, under "Address claimed by two MACs" (probes from
 * 0.0.0.0 claim nothing).  The first claims are kept in a first-come
 * table of ARP_CLAIMS_MAX addresses; a claim that finds it full is not
 * checked, and counted in "Claims not checked (table full)".
 */
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "core/stats_tree.h"
#include "dissectors/taps.h"

#define ARP_CLAIMS_MAX	4096

enum {
	ARP_REQ, ARP_WHO_HAS, ARP_REPLY, ARP_OTHER_OP, ARP_GRAT,
	ARP_CONFLICT, ARP_UNCHECKED, ARP_N
};

static char *
arp_target_filter(const char *name)
{
	return (g_strdup_printf("arp.opcode == 1 && arp.dst.proto_ipv4 == %s",
	    name));
}

static char *
arp_conflict_filter(const char *name)
{
	return (g_strdup_printf("arp.src.proto_ipv4 == %s", name));
}

static const struct stats_tree_node arp_nodes[ARP_N] = {
	[ARP_REQ] = { .name = "Requests", .parent = -1,
	    .filter = "arp.opcode == 1" },
	[ARP_WHO_HAS] = { .name = "Who has", .parent = ARP_REQ,
	    .key_size = sizeof(struct address),
	    .child_name = stats_tree_name_addr,
	    .child_filter = arp_target_filter },
	[ARP_REPLY] = { .name = "Replies", .parent = -1,
	    .filter = "arp.opcode == 2" },
	[ARP_OTHER_OP] = { .name = "Other opcodes", .parent = -1,
	    .key_size = 4, .child_name = stats_tree_name_u32,
	    .filter = "arp && arp.opcode != 1 && arp.opcode != 2" },
	[ARP_GRAT] = { .name = "Gratuitous", .parent = -1,
	    .filter = "arp.isgratuitous" },
	[ARP_CONFLICT] = { .name = "Address claimed by two MACs",
	    .parent = -1, .key_size = sizeof(struct address),
	    .child_name = stats_tree_name_addr,
	    .child_filter = arp_conflict_filter },
	[ARP_UNCHECKED] = { .name = "Claims not checked (table full)",
	    .parent = -1 },
};

struct arp_state {
	struct flowtab	*claims;	/* struct address -> first MAC */
};

static void *
arp_create(struct stats_tree *st)
{
	struct arp_state *s = g_new0(struct arp_state, 1);

	(void)st;
	s->claims = flowtab_new(sizeof(struct address),
	    sizeof(struct address), ARP_CLAIMS_MAX, NULL);
	return (s);
}

static void
arp_destroy(void *own)
{
	struct arp_state *s = own;

	flowtab_free(s->claims);
	g_free(s);
}

static void
arp_reset(void *own)
{
	struct arp_state *s = own;

	flowtab_clear(s->claims);
}

static bool
arp_unspecified(const struct address *a)
{
	static const uint8_t zero[16];

	return (a->type == AT_NONE || memcmp(a->data, zero, a->len) == 0);
}

static tap_packet_status
arp_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct arp_tap *t = data;
	struct arp_state *s = own;
	struct address *mac;
	uint32_t op = t->opcode;
	bool created;

	(void)pinfo;
	(void)edt;
	if (op == 1)
		stats_tree_tick_key(st, ARP_WHO_HAS, &t->target_ip,
		    sizeof(t->target_ip));
	else if (op == 2)
		stats_tree_tick(st, ARP_REPLY);
	else
		stats_tree_tick_key(st, ARP_OTHER_OP, &op, sizeof(op));
	if (t->sender_ip.type != AT_NONE &&
	    address_cmp(&t->sender_ip, &t->target_ip) == 0)
		stats_tree_tick(st, ARP_GRAT);
	if (t->sender_ip.type == AT_NONE || t->sender_hw.type == AT_NONE ||
	    arp_unspecified(&t->sender_ip))
		return (TAP_PACKET_REDRAW);
	if ((mac = flowtab_get(s->claims, &t->sender_ip, 0, &created)) ==
	    NULL) {
		flowtab_fold(s->claims, &t->sender_ip, 1, 0);
		stats_tree_tick(st, ARP_UNCHECKED);
	} else if (created)
		*mac = t->sender_hw;
	else if (address_cmp(mac, &t->sender_hw) != 0)
		stats_tree_tick_key(st, ARP_CONFLICT, &t->sender_ip,
		    sizeof(t->sender_ip));
	return (TAP_PACKET_REDRAW);
}

static const struct stats_tree_desc arp_desc = {
	.nodes = arp_nodes,
	.nnodes = ARP_N,
	.values = STATS_TREE_NO_VALUES,
	.create = arp_create,
	.destroy = arp_destroy,
	.reset = arp_reset,
	.packet = arp_packet,
};

STATS_TREE_PANEL(arp, "arp", "ARP", "arp", NO_VALUES, arp_desc);
