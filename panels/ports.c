/*
 * Top transport ports and their services: every TCP and UDP header counts
 * once, under its service port, with the service's name from
 * /etc/services (names_service) when it has one.  A description of
 * counters (core/stats_tree.h), the ports being children made on first
 * use, so the panel keeps the busiest ports and folds the rest.
 *
 * The service port of a packet is the one of its two ports that has a
 * service name for the transport; when both or neither have one, the
 * lower, which is the one a server listens on in the usual case (an
 * ephemeral client port is high) and the one Wireshark's dissectors try
 * first.  The panel listens to "frame" and reads the TCP and UDP records
 * of the packet (its ports are per header, so a tunnelled packet counts
 * for both its transports); headers inside an ICMP error do not count.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "core/names.h"
#include "core/stats_tree.h"
#include "dissectors/taps.h"

enum { PORTS_TCP, PORTS_UDP, PORTS_N };

static void
port_name(const void *key, size_t len, char *buf, size_t size,
    const char *transport)
{
	uint16_t port = 0;
	const char *svc;

	memcpy(&port, key, MIN(len, sizeof(port)));
	svc = names_service(port, transport);
	if (svc != NULL)
		g_snprintf(buf, size, "%u (%s)", port, svc);
	else
		g_snprintf(buf, size, "%u", port);
}

static void
tcp_port_name(const void *key, size_t len, char *buf, size_t size)
{
	port_name(key, len, buf, size, "tcp");
}

static void
udp_port_name(const void *key, size_t len, char *buf, size_t size)
{
	port_name(key, len, buf, size, "udp");
}

static char *
port_filter(const char *name, const char *transport)
{
	char *end;
	unsigned long port = strtoul(name, &end, 10);

	if (end == name || port > 65535)
		return (NULL);
	return (g_strdup_printf("%s.port == %lu", transport, port));
}

static char *
tcp_port_filter(const char *name)
{
	return (port_filter(name, "tcp"));
}

static char *
udp_port_filter(const char *name)
{
	return (port_filter(name, "udp"));
}

static const struct stats_tree_node ports_nodes[PORTS_N] = {
	[PORTS_TCP] = { .name = "TCP", .parent = -1, .filter = "tcp",
	    .key_size = 2, .child_name = tcp_port_name,
	    .child_filter = tcp_port_filter },
	[PORTS_UDP] = { .name = "UDP", .parent = -1, .filter = "udp",
	    .key_size = 2, .child_name = udp_port_name,
	    .child_filter = udp_port_filter },
};

struct ports_state {
	int	tcp, udp;	/* tap ids */
	/* Which ports have a service name, per transport: looked up once a
	 * port, off the common path (0: not yet, 1: none, 2: named). */
	uint8_t	named[2][65536];
};

static void *
ports_create(struct stats_tree *st)
{
	struct ports_state *s = g_new0(struct ports_state, 1);

	s->tcp = stats_tree_tap(st, 0);
	s->udp = stats_tree_tap(st, 1);
	return (s);
}

static void
ports_destroy(void *own)
{
	g_free(own);
}

static bool
named(struct ports_state *s, int udp, uint16_t port)
{
	uint8_t *n = &s->named[udp][port];

	if (*n == 0)
		*n = names_service(port, udp ? "udp" : "tcp") != NULL ? 2 : 1;
	return (*n == 2);
}

static uint16_t
service_port(struct ports_state *s, int udp, uint16_t a, uint16_t b)
{
	bool na = named(s, udp, a), nb = named(s, udp, b);

	if (na != nb)
		return (na ? a : b);
	return (MIN(a, b));
}

static tap_packet_status
ports_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	struct ports_state *s = own;
	tap_packet_status rv = TAP_PACKET_DONT_REDRAW;
	int i;

	(void)pinfo;
	(void)data;
	for (i = 0; i < edt->ntap; i++) {
		const struct tap_entry *e = &edt->tapq[i];
		const struct conv_tap *c = e->data;
		int udp = e->tap == s->udp;
		uint16_t port;

		if (e->in_error || c == NULL || (e->tap != s->tcp && !udp))
			continue;
		port = service_port(s, udp, c->sport, c->dport);
		stats_tree_tick_key(st, udp ? PORTS_UDP : PORTS_TCP,
		    &port, sizeof(port));
		rv = TAP_PACKET_REDRAW;
	}
	return (rv);
}

static const struct stats_tree_desc ports_desc = {
	.nodes = ports_nodes,
	.nnodes = PORTS_N,
	.values = STATS_TREE_NO_VALUES,
	.more_taps = { "tcp", "udp" },
	.create = ports_create,
	.destroy = ports_destroy,
	.packet = ports_packet,
};

STATS_TREE_PANEL(ports, "ports", "Transport Ports", "frame", NO_VALUES,
    ports_desc);
