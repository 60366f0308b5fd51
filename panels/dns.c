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
 *
 * Unanswered: a query waits in a slot of Q_SLOTS (4-way set associative,
 * by a hash of its ID, query type and name; a full set gives up its
 * oldest, counted as "Queries forgotten (table full)"); a response with
 * the same ID, type and name takes it.  A query still waiting
 * NO_ANSWER_NS of capture time later is unanswered, under its query type:
 * the table is swept before each draw at the panel's clock, so the
 * queries of a file's last 5 s are not counted (they might have had an
 * answer after it).  A retransmitted query keeps the first one's time;
 * the same query asked again past the timer is a new one, the first
 * unanswered (Wireshark's retransmission timer).
 * The key is the message's, not its addresses' (the dns tap does not
 * carry them): two clients asking the same name with the same ID at
 * once are one query here.
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
	DNS_UNSOLICITED, DNS_NOANSWER, DNS_NOANSWER_TYPE, DNS_Q_FORGOTTEN,
	DNS_N
};

#define Q_WAYS		4
#define Q_SLOTS		4096		/* a power of two, of Q_WAYS sets */
#define NO_ANSWER_NS	5000000000LL	/* dns.retransmission's timer */

struct q_slot {
	bool		 used;
	uint16_t	 id, qtype;
	uint32_t	 hash;		/* of the name */
	int64_t		 ts_ns;
};

struct dns_state {
	struct q_slot	 q[Q_SLOTS];
	size_t		 waiting;
	int64_t		 newest_ns;	/* the newest query waiting */
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
	    .filter = "dns.flags.response == 0",
	    .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_q_type },
	[DNS_RESPONSES] = { .name = "Responses", .parent = -1,
	    .filter = "dns.flags.response == 1" },
	[DNS_R_RCODE] = { .name = "By rcode", .parent = DNS_RESPONSES,
	    .filter = "dns.flags.response == 1", .key_size = 4, .child_name = name_rcode,
	    .child_filter = filter_rcode },
	[DNS_R_TYPE] = { .name = "Responses by query type", .parent = -1,
	    .filter = "dns.flags.response == 1", .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_r_type },
	[DNS_RTT] = { .name = "Response time", .parent = -1,
	    .filter = "dns.time" },
	[DNS_RTT_TYPE] = { .name = "By query type", .parent = DNS_RTT,
	    .filter = "dns.time", .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_rtt_type },
	[DNS_NAMES] = { .name = "Top queried names", .parent = -1,
	    .filter = "dns.flags.response == 0" },
	[DNS_NAME] = { .name = "Names", .parent = DNS_NAMES,
	    .filter = "dns.flags.response == 0", .key_size = STATS_TREE_KEY_MAX, .child_filter = filter_name },
	[DNS_RETRANS] = { .name = "Retransmissions", .parent = -1,
	    .filter = "dns.retransmission" },
	[DNS_UNSOLICITED] = { .name = "Unsolicited responses", .parent = -1,
	    .filter = "dns.unsolicited" },
	/* A query's want of an answer is not in its packet: the filters
	 * select the queries these are among. */
	[DNS_NOANSWER] = { .name = "Unanswered queries (none in 5 s)",
	    .parent = -1, .filter = "dns.flags.response == 0" },
	[DNS_NOANSWER_TYPE] = { .name = "By query type",
	    .parent = DNS_NOANSWER, .filter = "dns.flags.response == 0",
	    .key_size = 4, .child_name = name_qtype,
	    .child_filter = filter_q_type },
	[DNS_Q_FORGOTTEN] = { .name = "Queries forgotten (table full)",
	    .parent = -1, .filter = "dns.flags.response == 0" },
};

static uint32_t
name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; s != NULL && i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h);
}

/* The query's slot, or NULL and in *free the slot to take: an empty one,
 * else the set's oldest. */
static struct q_slot *
q_find(struct dns_state *s, uint16_t id, uint16_t qtype, uint32_t h,
    struct q_slot **free)
{
	struct q_slot *set = &s->q[((h ^ id ^ ((uint32_t)qtype << 16)) &
	    (Q_SLOTS / Q_WAYS - 1)) * Q_WAYS];
	int i;

	*free = NULL;
	for (i = 0; i < Q_WAYS; i++) {
		if (set[i].used && set[i].id == id && set[i].qtype == qtype &&
		    set[i].hash == h)
			return (&set[i]);
		if (*free == NULL || ((*free)->used && (!set[i].used ||
		    set[i].ts_ns < (*free)->ts_ns)))
			*free = &set[i];
	}
	return (NULL);
}

static void
q_track(struct stats_tree *st, struct dns_state *s, const struct dns_tap *t,
    int64_t ts_ns)
{
	uint32_t h = name_hash(t->qname, t->qname_len);
	struct q_slot *fr, *q = q_find(s, t->id, t->qtype, h, &fr);

	if (t->response) {
		if (q != NULL) {
			q->used = false;
			s->waiting--;
		}
		return;
	}
	if (q != NULL && ts_ns - q->ts_ns > NO_ANSWER_NS) {
		/* Asked again past the timer (Wireshark's: no longer a
		 * retransmission): the first went unanswered. */
		uint32_t qtype = q->qtype;

		stats_tree_tick_key(st, DNS_NOANSWER_TYPE, &qtype,
		    sizeof(qtype));
		q->ts_ns = ts_ns;
		s->newest_ns = MAX(s->newest_ns, ts_ns);
		return;
	}
	if (q != NULL)
		return;		/* retransmitted: the first one's time */
	if (fr->used)
		stats_tree_tick(st, DNS_Q_FORGOTTEN);
	else
		s->waiting++;
	*fr = (struct q_slot){ true, t->id, t->qtype, h, ts_ns };
	s->newest_ns = MAX(s->newest_ns, ts_ns);
}

static void *
dns_create(struct stats_tree *st)
{
	(void)st;
	return (g_new0(struct dns_state, 1));
}

static void
dns_destroy(void *own)
{
	g_free(own);
}

static void
dns_reset(void *own)
{
	memset(own, 0, sizeof(struct dns_state));
}

/* Queries past their deadline at the panel's clock are unanswered; until
 * the deadline of the newest one waiting, the panel may change with no
 * packet. */
static int64_t
dns_predraw(struct stats_tree *st, void *own, int64_t now_ns)
{
	struct dns_state *s = own;
	uint32_t qtype;
	size_t i;

	for (i = 0; i < Q_SLOTS && s->waiting > 0; i++) {
		struct q_slot *q = &s->q[i];

		if (q->used && now_ns - q->ts_ns > NO_ANSWER_NS) {
			qtype = q->qtype;
			stats_tree_tick_key(st, DNS_NOANSWER_TYPE, &qtype,
			    sizeof(qtype));
			q->used = false;
			s->waiting--;
		}
	}
	return (s->waiting > 0 ? s->newest_ns + NO_ANSWER_NS + 1 : INT64_MIN);
}

static tap_packet_status
dns_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	const struct dns_tap *t = data;
	uint32_t qtype = t->qtype, rcode = t->rcode;

	(void)edt;
	if (t->has_question && t->opcode == 0)
		q_track(st, own, t, pinfo->ts_sec * 1000000000LL +
		    pinfo->ts_nsec);
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
	.create = dns_create,
	.destroy = dns_destroy,
	.reset = dns_reset,
	.packet = dns_packet,
	.predraw = dns_predraw,
};

STATS_TREE_PANEL(dns, "dns", "DNS", "dns", SECONDS, dns_desc);
