/*
 * ICMP and ICMPv6: messages by type and code, and echo requests matched
 * with their replies, with the round-trip time by the address pinged.  A
 * description of counters (core/stats_tree.h).
 *
 * The panel listens to "frame" and reads the packet's "icmp" and "icmpv6"
 * records (a message inside an ICMP error's quote does not count).
 *
 * Matching: a request is remembered by (its addresses, identifier,
 * sequence number) with its time; a reply from the address pinged, to
 * the requester, with the same identifier and sequence number, is matched
 * to it once.  Requests wait in a table of ECHO_SLOTS slots indexed by a
 * hash of that key, so memory is fixed and nothing is allocated per
 * packet: a request that lands on the slot of another still waiting
 * replaces it, and the one replaced is counted as "Requests forgotten
 * (table full)" (it may still be answered, and then its reply is
 * "unmatched").  A repeated request (same key) keeps the first time.
 * Wireshark matches on the same fields (icmp.resptime).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "core/stats_tree.h"
#include "dissectors/taps.h"

#define ECHO_SLOTS	4096		/* a power of two */

enum {
	ICMP_V4, ICMP_V6, ICMP_ECHO, ICMP_ECHO_REQ, ICMP_ECHO_MATCHED,
	ICMP_ECHO_RTT, ICMP_ECHO_UNMATCHED, ICMP_ECHO_FORGOTTEN, ICMP_N
};

struct type_name {
	uint8_t		 type;
	const char	*name;
};

static const struct type_name v4_names[] = {
	{ 0, "Echo (ping) reply" }, { 3, "Destination unreachable" },
	{ 4, "Source quench" }, { 5, "Redirect" },
	{ 8, "Echo (ping) request" }, { 9, "Router advertisement" },
	{ 10, "Router solicitation" }, { 11, "Time-to-live exceeded" },
	{ 12, "Parameter problem" }, { 13, "Timestamp request" },
	{ 14, "Timestamp reply" }, { 17, "Address mask request" },
	{ 18, "Address mask reply" }, { 0, NULL },
};

static const struct type_name v6_names[] = {
	{ 1, "Destination Unreachable" }, { 2, "Packet Too Big" },
	{ 3, "Time Exceeded" }, { 4, "Parameter Problem" },
	{ 128, "Echo (ping) request" }, { 129, "Echo (ping) reply" },
	{ 130, "Multicast Listener Query" },
	{ 131, "Multicast Listener Report" },
	{ 132, "Multicast Listener Done" }, { 133, "Router Solicitation" },
	{ 134, "Router Advertisement" }, { 135, "Neighbor Solicitation" },
	{ 136, "Neighbor Advertisement" }, { 137, "Redirect" },
	{ 143, "Multicast Listener Report Message v2" }, { 0, NULL },
};

/* A child's key: type and code. */
struct tc_key {
	uint8_t	type, code;
};

static void
tc_name(const void *key, size_t len, char *buf, size_t size,
    const struct type_name *names)
{
	struct tc_key k = { 0, 0 };
	const char *n = NULL;
	int i;

	memcpy(&k, key, MIN(len, sizeof(k)));
	for (i = 0; names[i].name != NULL && n == NULL; i++)
		if (names[i].type == k.type)
			n = names[i].name;
	if (n != NULL)
		g_snprintf(buf, size, "%u/%u %s", k.type, k.code, n);
	else
		g_snprintf(buf, size, "%u/%u", k.type, k.code);
}

static void
v4_name(const void *key, size_t len, char *buf, size_t size)
{
	tc_name(key, len, buf, size, v4_names);
}

static void
v6_name(const void *key, size_t len, char *buf, size_t size)
{
	tc_name(key, len, buf, size, v6_names);
}

static char *
tc_filter(const char *name, const char *proto)
{
	unsigned type, code;

	if (sscanf(name, "%u/%u", &type, &code) != 2)
		return (NULL);
	return (g_strdup_printf("%s.type == %u && %s.code == %u", proto, type,
	    proto, code));
}

static char *
v4_filter(const char *name)
{
	return (tc_filter(name, "icmp"));
}

static char *
v6_filter(const char *name)
{
	return (tc_filter(name, "icmpv6"));
}

#define ECHO_FILTER	"icmp.type == 0 || icmp.type == 8 || " \
	"icmpv6.type == 128 || icmpv6.type == 129"

/* The requests to the address and its replies. */
static char *
pinged_filter(const char *name)
{
	return (g_strdup_printf("(" ECHO_FILTER ") && %s.addr == %s",
	    strchr(name, ':') != NULL ? "ipv6" : "ip", name));
}

static const struct stats_tree_node icmp_nodes[ICMP_N] = {
	[ICMP_V4] = { .name = "ICMP", .parent = -1, .filter = "icmp",
	    .key_size = sizeof(struct tc_key), .child_name = v4_name,
	    .child_filter = v4_filter },
	[ICMP_V6] = { .name = "ICMPv6", .parent = -1, .filter = "icmpv6",
	    .key_size = sizeof(struct tc_key), .child_name = v6_name,
	    .child_filter = v6_filter },
	/* Matching needs the requests and the replies: the nodes below
	 * select both. */
	[ICMP_ECHO] = { .name = "Echo", .parent = -1, .filter = ECHO_FILTER },
	[ICMP_ECHO_REQ] = { .name = "Requests", .parent = ICMP_ECHO,
	    .filter = "icmp.type == 8 || icmpv6.type == 128" },
	[ICMP_ECHO_MATCHED] = { .name = "Replies matched",
	    .parent = ICMP_ECHO, .filter = ECHO_FILTER },
	[ICMP_ECHO_RTT] = { .name = "Round trip by address pinged",
	    .parent = ICMP_ECHO_MATCHED, .filter = ECHO_FILTER,
	    .key_size = sizeof(struct address),
	    .child_name = stats_tree_name_addr,
	    .child_filter = pinged_filter },
	[ICMP_ECHO_UNMATCHED] = { .name = "Replies unmatched",
	    .parent = ICMP_ECHO, .filter = ECHO_FILTER },
	[ICMP_ECHO_FORGOTTEN] = { .name = "Requests forgotten (table full)",
	    .parent = ICMP_ECHO, .filter = ECHO_FILTER },
};

struct echo_key {
	struct address	requester, pinged;
	uint32_t	rest;		/* identifier, sequence */
};

struct echo_slot {
	struct echo_key	key;
	int64_t		ts_ns;
	bool		used;
};

struct icmp_state {
	int		 v4, v6;		/* tap ids */
	struct echo_slot slots[ECHO_SLOTS];
};

static void *
icmp_create(struct stats_tree *st)
{
	struct icmp_state *s = g_new0(struct icmp_state, 1);

	s->v4 = stats_tree_tap(st, 0);
	s->v6 = stats_tree_tap(st, 1);
	return (s);
}

static void
icmp_destroy(void *own)
{
	g_free(own);
}

static void
icmp_reset(void *own)
{
	struct icmp_state *s = own;

	memset(s->slots, 0, sizeof(s->slots));
}

static struct echo_slot *
echo_slot(struct icmp_state *s, const struct echo_key *k)
{
	return (&s->slots[flowtab_hash(k, sizeof(*k)) & (ECHO_SLOTS - 1)]);
}

static void
echo(struct stats_tree *st, struct icmp_state *s, bool request,
    const struct packet_info *pinfo, uint32_t rest)
{
	int64_t ts = pinfo->ts_sec * 1000000000LL + pinfo->ts_nsec;
	struct echo_slot *sl;
	struct echo_key k;

	memset(&k, 0, sizeof(k));
	k.requester = request ? pinfo->net_src : pinfo->net_dst;
	k.pinged = request ? pinfo->net_dst : pinfo->net_src;
	k.rest = rest;
	sl = echo_slot(s, &k);
	if (request) {
		stats_tree_tick(st, ICMP_ECHO_REQ);
		if (sl->used && memcmp(&sl->key, &k, sizeof(k)) == 0)
			return;	/* a repeat: the first time stays */
		if (sl->used)
			stats_tree_tick(st, ICMP_ECHO_FORGOTTEN);
		sl->key = k;
		sl->ts_ns = ts;
		sl->used = true;
		return;
	}
	if (sl->used && memcmp(&sl->key, &k, sizeof(k)) == 0) {
		sl->used = false;
		stats_tree_value_key(st, ICMP_ECHO_RTT, &k.pinged,
		    sizeof(k.pinged), (double)(ts - sl->ts_ns) / 1e9);
	} else
		stats_tree_tick(st, ICMP_ECHO_UNMATCHED);
}

static tap_packet_status
icmp_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	struct icmp_state *s = own;
	tap_packet_status rv = TAP_PACKET_DONT_REDRAW;
	int i;

	(void)data;
	for (i = 0; i < edt->ntap; i++) {
		const struct tap_entry *e = &edt->tapq[i];
		const struct icmp_tap *t = e->data;
		bool v6 = e->tap == s->v6;
		struct tc_key k;

		if (e->in_error || t == NULL || (e->tap != s->v4 && !v6))
			continue;
		k.type = t->type;
		k.code = t->code;
		stats_tree_tick_key(st, v6 ? ICMP_V6 : ICMP_V4, &k, sizeof(k));
		rv = TAP_PACKET_REDRAW;
		if (!t->has_rest)
			continue;
		if (t->type == (v6 ? 128 : 8))
			echo(st, s, true, pinfo, t->rest);
		else if (t->type == (v6 ? 129 : 0))
			echo(st, s, false, pinfo, t->rest);
	}
	return (rv);
}

static const struct stats_tree_desc icmp_desc = {
	.nodes = icmp_nodes,
	.nnodes = ICMP_N,
	.values = STATS_TREE_SECONDS,
	.more_taps = { "icmp", "icmpv6" },
	.create = icmp_create,
	.destroy = icmp_destroy,
	.reset = icmp_reset,
	.packet = icmp_packet,
};

STATS_TREE_PANEL(icmp, "icmp", "ICMP", "frame", SECONDS, icmp_desc);
