/*
 * DNS: queries and responses by query type and by rcode, the names asked
 * for most, the response time per query type (min, average, max: the
 * service-response-time pattern), and the responses the dissector could
 * not pair with a query.  A description of counters (core/stats_tree.h)
 * over the "dns" tap, which carries DNS proper as tshark's dns tree does
 * (mDNS and LLMNR are in the protocols panel and in filters), and only
 * messages read to their end, as tshark taps them.
 *
 * A response is timed when the dissector matched it to its query
 * (dns.time): its query type's node under "Response time" gets the value.
 * Retransmitted queries count as queries (as tshark counts them) and
 * again under "Retransmissions".  The names are the first question's, as
 * they came (escaped when shown); the children nodes keep the most
 * frequent (stats_tree's Space-Saving), the rest in "(other)".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/stats_tree.h"
#include "dissectors/taps.h"

enum {
	DNS_QUERIES, DNS_Q_TYPE, DNS_RESPONSES, DNS_R_RCODE, DNS_R_TYPE,
	DNS_RTT, DNS_RTT_TYPE, DNS_NAMES, DNS_NAME, DNS_RETRANS,
	DNS_UNSOLICITED, DNS_N
};

static const char *
qtype_str(uint32_t t)
{
	switch (t) {
	case 1: return ("A");
	case 2: return ("NS");
	case 5: return ("CNAME");
	case 6: return ("SOA");
	case 12: return ("PTR");
	case 15: return ("MX");
	case 16: return ("TXT");
	case 28: return ("AAAA");
	case 33: return ("SRV");
	case 35: return ("NAPTR");
	case 41: return ("OPT");
	case 43: return ("DS");
	case 48: return ("DNSKEY");
	case 64: return ("SVCB");
	case 65: return ("HTTPS");
	case 252: return ("AXFR");
	case 255: return ("ANY");
	default: return (NULL);
	}
}

static const char *
rcode_str(uint32_t r)
{
	static const char *names[] = { "No error", "Format error",
	    "Server failure", "No such name", "Not implemented", "Refused" };

	return (r < G_N_ELEMENTS(names) ? names[r] : NULL);
}

/* "A (1)": the number in parentheses is what the child's filter reads. */
static void
name_qtype(const void *key, size_t len, char *buf, size_t size)
{
	uint32_t v = 0;
	const char *s;

	memcpy(&v, key, MIN(len, sizeof(v)));
	s = qtype_str(v);
	snprintf(buf, size, "%s (%u)", s != NULL ? s : "Unknown", v);
}

static void
name_rcode(const void *key, size_t len, char *buf, size_t size)
{
	uint32_t v = 0;
	const char *s;

	memcpy(&v, key, MIN(len, sizeof(v)));
	s = rcode_str(v);
	snprintf(buf, size, "%s (%u)", s != NULL ? s : "Unknown", v);
}

/* The number in "NAME (N)", or -1. */
static long
paren_number(const char *name)
{
	const char *p = strrchr(name, '(');

	return (p == NULL ? -1 : strtol(p + 1, NULL, 10));
}

static char *
filter_q_type(const char *name)
{
	long v = paren_number(name);

	return (v < 0 ? NULL : g_strdup_printf(
	    "dns.flags.response == 0 && dns.qry.type == %ld", v));
}

static char *
filter_r_type(const char *name)
{
	long v = paren_number(name);

	return (v < 0 ? NULL : g_strdup_printf(
	    "dns.flags.response == 1 && dns.qry.type == %ld", v));
}

static char *
filter_rcode(const char *name)
{
	long v = paren_number(name);

	return (v < 0 ? NULL : g_strdup_printf("dns.flags.rcode == %ld", v));
}

static char *
filter_rtt_type(const char *name)
{
	long v = paren_number(name);

	return (v < 0 ? NULL : g_strdup_printf(
	    "dns.time && dns.qry.type == %ld", v));
}

/* A name as a filter string: quotes and backslashes escaped; a name cut
 * short (or with bytes the filter cannot spell) has no filter. */
static char *
filter_name(const char *name)
{
	GString *s;
	const char *p;

	if (g_str_has_suffix(name, "\xe2\x80\xa6"))
		return (NULL);
	s = g_string_new("dns.flags.response == 0 && dns.qry.name == \"");
	for (p = name; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) {
			g_string_free(s, TRUE);
			return (NULL);
		}
		if (*p == '"' || *p == '\\')
			g_string_append_c(s, '\\');
		g_string_append_c(s, *p);
	}
	g_string_append_c(s, '"');
	return (g_string_free(s, FALSE));
}

static const struct stats_tree_node dns_nodes[DNS_N] = {
	[DNS_QUERIES] = { .name = "Queries", .parent = -1,
	    .filter = "dns.flags.response == 0" },
	[DNS_Q_TYPE] = { .name = "By query type", .parent = DNS_QUERIES,
	    .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_q_type },
	[DNS_RESPONSES] = { .name = "Responses", .parent = -1,
	    .filter = "dns.flags.response == 1" },
	[DNS_R_RCODE] = { .name = "By rcode", .parent = DNS_RESPONSES,
	    .key_size = 4, .child_name = name_rcode,
	    .child_filter = filter_rcode },
	[DNS_R_TYPE] = { .name = "Responses by query type", .parent = -1,
	    .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_r_type },
	[DNS_RTT] = { .name = "Response time", .parent = -1,
	    .filter = "dns.time" },
	[DNS_RTT_TYPE] = { .name = "By query type", .parent = DNS_RTT,
	    .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_rtt_type },
	[DNS_NAMES] = { .name = "Top queried names", .parent = -1,
	    .filter = "dns.flags.response == 0" },
	[DNS_NAME] = { .name = "Names", .parent = DNS_NAMES,
	    .key_size = STATS_TREE_KEY_MAX, .child_filter = filter_name },
	[DNS_RETRANS] = { .name = "Retransmissions", .parent = -1,
	    .filter = "dns.retransmission" },
	[DNS_UNSOLICITED] = { .name = "Unsolicited responses", .parent = -1,
	    .filter = "dns.unsolicited" },
};

static tap_packet_status
dns_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct dns_tap *t = data;
	uint32_t qtype = t->qtype, rcode = t->rcode;

	(void)own;
	(void)pinfo;
	(void)edt;
	if (!t->response) {
		stats_tree_tick_key(st, DNS_Q_TYPE, &qtype, sizeof(qtype));
		if (t->has_question && t->qname != NULL)
			stats_tree_tick_key(st, DNS_NAME, t->qname,
			    t->qname_len);
	} else {
		stats_tree_tick_key(st, DNS_R_RCODE, &rcode, sizeof(rcode));
		stats_tree_tick_key(st, DNS_R_TYPE, &qtype, sizeof(qtype));
		if (t->matched)
			stats_tree_value_key(st, DNS_RTT_TYPE, &qtype,
			    sizeof(qtype), t->rrt);
	}
	if (t->retransmission)
		stats_tree_tick(st, DNS_RETRANS);
	if (t->unsolicited)
		stats_tree_tick(st, DNS_UNSOLICITED);
	return (TAP_PACKET_REDRAW);
}

static const struct stats_tree_desc dns_desc = {
	.nodes = dns_nodes,
	.nnodes = DNS_N,
	.values = STATS_TREE_SECONDS,
	.packet = dns_packet,
};

STATS_TREE_PANEL(dns, "dns", "DNS", "dns", SECONDS, dns_desc);
