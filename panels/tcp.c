/*
 * The health of TCP: SYN, SYN-ACK, FIN and RST counts, connection
 * attempts that got no answer (by destination), retransmissions, zero
 * windows, and the handshake's round trip (SYN to SYN-ACK) by destination.
 * A description of counters (core/stats_tree.h) plus two tables of fixed
 * size, so that the state per connection is bounded and nothing is
 * allocated per packet.
 *
 * Attempts: a SYN (without ACK) waits in a slot of SYN_SLOTS (4-way set
 * associative, by a hash of its four-tuple; a full set gives up its
 * oldest).  The SYN-ACK of the reverse tuple takes it
 * and gives the round trip; a RST from the destination answers it too (a
 * refusal).  A SYN still waiting 3 s of capture time later counts as
 * unanswered, under its destination: the table is swept before each
 * draw, at the panel's clock (the capture's time, whatever the filter
 * lets through; at the end of a file, its last packet, so the SYNs of
 * its last 3 seconds are not counted).  A repeated SYN keeps the first
 * one's time.  A SYN that lands on the slot of another that waits drops
 * it: counted as "Attempts forgotten (table full)".
 *
 * Retransmissions are repeated sequence ranges: per direction of a
 * connection (a slot of FLOW_SLOTS, as SYN_SLOTS, the set's least
 * recently used going when it is full), the highest
 * sequence number sent so far, seq + length (SYN and FIN count one); a
 * segment with data, a SYN or a FIN that ends at or before it is a
 * retransmission, except a keep-alive (one byte, or none, just before it).
 * Unlike Wireshark, which tells retransmissions from out-of-order segments
 * by timing, a segment that fills a gap counts too.  Flows that share a
 * slot replace each other ("Flows forgotten (table full)").
 *
 * Zero window is Wireshark's tcp.analysis.zero_window: a window of 0 in a
 * segment without SYN, FIN or RST.
 */
#include <string.h>

#include <glib.h>

#include "core/flowtab.h"
#include "core/stats_tree.h"
#include "dissectors/taps.h"

#define SYN_SLOTS	8192		/* powers of two */
#define FLOW_SLOTS	16384
#define NO_ANSWER_NS	3000000000LL	/* 3 s */

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_ACK	0x10

enum {
	TCP_SYN, TCP_SYNACK, TCP_FIN, TCP_RST, TCP_ZEROWIN, TCP_RETRANS,
	TCP_NOANSWER, TCP_RTT, TCP_SYN_FORGOTTEN, TCP_FLOW_FORGOTTEN, TCP_N
};

#define ATTEMPTS	"tcp.flags.syn == 1 || tcp.flags.reset == 1"

/* The attempts to the address and its answers. */
static char *
dst_filter(const char *name)
{
	return (g_strdup_printf("(" ATTEMPTS ") && %s.addr == %s",
	    strchr(name, ':') != NULL ? "ipv6" : "ip", name));
}

static char *
rtt_filter(const char *name)
{
	return (g_strdup_printf("tcp.flags.syn == 1 && %s.addr == %s",
	    strchr(name, ':') != NULL ? "ipv6" : "ip", name));
}

static const struct stats_tree_node tcp_nodes[TCP_N] = {
	[TCP_SYN] = { .name = "SYN", .parent = -1,
	    .filter = "tcp.flags.syn == 1 && tcp.flags.ack == 0" },
	[TCP_SYNACK] = { .name = "SYN-ACK", .parent = -1,
	    .filter = "tcp.flags.syn == 1 && tcp.flags.ack == 1" },
	[TCP_FIN] = { .name = "FIN", .parent = -1,
	    .filter = "tcp.flags.fin == 1" },
	[TCP_RST] = { .name = "RST", .parent = -1,
	    .filter = "tcp.flags.reset == 1" },
	[TCP_ZEROWIN] = { .name = "Zero window", .parent = -1,
	    .filter = "tcp.window_size_value == 0 && tcp.flags.syn == 0 && "
	    "tcp.flags.fin == 0 && tcp.flags.reset == 0" },
	/* Retransmissions need the flows' segments before them. */
	[TCP_RETRANS] = { .name = "Retransmissions", .parent = -1,
	    .filter = "tcp" },
	/* Attempts need their answers, SYN-ACK or RST. */
	[TCP_NOANSWER] = { .name = "Attempts without answer", .parent = -1,
	    .filter = ATTEMPTS, .key_size = sizeof(struct address),
	    .child_name = stats_tree_name_addr, .child_filter = dst_filter },
	[TCP_RTT] = { .name = "Handshake round trip", .parent = -1,
	    .filter = "tcp.flags.syn == 1", .key_size = sizeof(struct address),
	    .child_name = stats_tree_name_addr, .child_filter = rtt_filter },
	[TCP_SYN_FORGOTTEN] = { .name = "Attempts forgotten (table full)",
	    .parent = -1, .filter = ATTEMPTS },
	[TCP_FLOW_FORGOTTEN] = { .name = "Flows forgotten (table full)",
	    .parent = -1, .filter = "tcp" },
};

/* One direction of a connection. */
struct tuple {
	struct address	src, dst;
	uint16_t	sport, dport;
};

struct syn_slot {
	struct tuple	t;
	int64_t		ts_ns;
	bool		used;
};

struct flow_slot {
	struct tuple	t;
	uint32_t	high;		/* highest seq + len sent */
	bool		used;
	uint64_t	last;		/* tick of its last segment */
};

struct tcp_state {
	struct syn_slot	 syn[SYN_SLOTS];
	struct flow_slot flow[FLOW_SLOTS];
	unsigned	 waiting;	/* SYNs in syn[] */
	int64_t		 newest_syn_ns;	/* >= those waiting */
	uint64_t	 tick;		/* segments seen, for flow ages */
};

static void *
tcp_create(struct stats_tree *st)
{
	(void)st;
	return (g_new0(struct tcp_state, 1));
}

static void
tcp_destroy(void *own)
{
	g_free(own);
}

static void
tcp_reset(void *own)
{
	struct tcp_state *s = own;

	memset(s, 0, sizeof(*s));
}

/*
 * The tables are 4-way set associative: a tuple may sit in any of the 4
 * slots of its set.  find() returns its slot, or NULL and in *free the
 * slot to take: an empty one, else the one the caller's age() says is
 * oldest.
 */
#define WAYS	4

static size_t
set_of(const struct tuple *t, size_t n)
{
	return (((size_t)flowtab_hash(t, sizeof(*t)) & (n / WAYS - 1)) *
	    WAYS);
}

static struct syn_slot *
syn_find(struct tcp_state *s, const struct tuple *t, struct syn_slot **free)
{
	struct syn_slot *set = &s->syn[set_of(t, SYN_SLOTS)];
	int i;

	*free = NULL;
	for (i = 0; i < WAYS; i++) {
		if (set[i].used && memcmp(&set[i].t, t, sizeof(*t)) == 0)
			return (&set[i]);
		if (*free == NULL || ((*free)->used && (!set[i].used ||
		    set[i].ts_ns < (*free)->ts_ns)))
			*free = &set[i];
	}
	return (NULL);
}

static struct flow_slot *
flow_find(struct tcp_state *s, const struct tuple *t, struct flow_slot **free)
{
	struct flow_slot *set = &s->flow[set_of(t, FLOW_SLOTS)];
	int i;

	*free = NULL;
	for (i = 0; i < WAYS; i++) {
		if (set[i].used && memcmp(&set[i].t, t, sizeof(*t)) == 0) {
			set[i].last = ++s->tick;
			return (&set[i]);
		}
		if (*free == NULL || ((*free)->used && (!set[i].used ||
		    set[i].last < (*free)->last)))
			*free = &set[i];
	}
	return (NULL);
}

/* SYNs past their deadline at now: unanswered. */
static void
sweep(struct stats_tree *st, struct tcp_state *s, int64_t now_ns)
{
	size_t i;

	for (i = 0; i < SYN_SLOTS && s->waiting > 0; i++) {
		struct syn_slot *sl = &s->syn[i];

		if (sl->used && now_ns - sl->ts_ns > NO_ANSWER_NS) {
			stats_tree_tick_key(st, TCP_NOANSWER, &sl->t.dst,
			    sizeof(sl->t.dst));
			sl->used = false;
			s->waiting--;
		}
	}
}

/* Is b after a in sequence space? */
static bool
seq_after(uint32_t b, uint32_t a)
{
	return ((int32_t)(b - a) > 0);
}

static void
retrans(struct stats_tree *st, struct tcp_state *s, const struct tuple *tu,
    const struct tcp_tap *t)
{
	struct flow_slot *nf, *f = flow_find(s, tu, &nf);
	uint32_t len = t->payload_len + ((t->flags & TH_SYN) != 0) +
	    ((t->flags & TH_FIN) != 0);
	uint32_t end = t->conv.seq + len;

	if (f == NULL) {
		if (nf->used)
			stats_tree_tick(st, TCP_FLOW_FORGOTTEN);
		nf->t = *tu;
		nf->used = true;
		nf->high = end;
		nf->last = ++s->tick;
		return;
	}
	if (len > 0 && !seq_after(end, f->high) &&
	    !(t->payload_len <= 1 && !(t->flags & (TH_SYN | TH_FIN)) &&
	    t->conv.seq + 1 == f->high))
		stats_tree_tick(st, TCP_RETRANS);
	if (seq_after(end, f->high) || (t->flags & TH_SYN))
		f->high = end;
}

static void
segment(struct stats_tree *st, struct tcp_state *s, int64_t ts,
    const struct tcp_tap *t)
{
	uint16_t fl = t->flags;
	struct tuple tu, rev;
	struct syn_slot *sl;

	memset(&tu, 0, sizeof(tu));
	tu.src = t->conv.src;
	tu.dst = t->conv.dst;
	tu.sport = t->conv.sport;
	tu.dport = t->conv.dport;
	memset(&rev, 0, sizeof(rev));
	rev.src = tu.dst;
	rev.dst = tu.src;
	rev.sport = tu.dport;
	rev.dport = tu.sport;

	if ((fl & (TH_SYN | TH_ACK)) == TH_SYN) {
		stats_tree_tick(st, TCP_SYN);
		if (syn_find(s, &tu, &sl) == NULL) {
			if (sl->used)
				stats_tree_tick(st, TCP_SYN_FORGOTTEN);
			else
				s->waiting++;
			sl->t = tu;
			sl->ts_ns = ts;
			sl->used = true;
			s->newest_syn_ns = MAX(s->newest_syn_ns, ts);
		}
	} else if ((fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) ||
	    (fl & TH_RST)) {
		struct syn_slot *unused;

		if (fl & TH_SYN)
			stats_tree_tick(st, TCP_SYNACK);
		if ((sl = syn_find(s, &rev, &unused)) != NULL) {
			if (fl & TH_SYN)
				stats_tree_value_key(st, TCP_RTT, &rev.dst,
				    sizeof(rev.dst),
				    (double)(ts - sl->ts_ns) / 1e9);
			sl->used = false;
			s->waiting--;
		}
	}
	if (fl & TH_FIN)
		stats_tree_tick(st, TCP_FIN);
	if (fl & TH_RST)
		stats_tree_tick(st, TCP_RST);
	if (t->window == 0 && !(fl & (TH_SYN | TH_FIN | TH_RST)))
		stats_tree_tick(st, TCP_ZEROWIN);
	if (!(fl & TH_RST))
		retrans(st, s, &tu, t);
}

static tap_packet_status
tcp_packet(struct stats_tree *st, void *own, struct packet_info *pinfo,
    struct dissect *edt, const void *data)
{
	(void)edt;
	segment(st, own, pinfo->ts_sec * 1000000000LL + pinfo->ts_nsec, data);
	return (TAP_PACKET_REDRAW);
}

/* SYNs past their deadline at the panel's clock are unanswered; until
 * the deadline of the newest one waiting, the panel may change without
 * a packet. */
static int64_t
tcp_predraw(struct stats_tree *st, void *own, int64_t now_ns)
{
	struct tcp_state *s = own;

	sweep(st, s, now_ns);
	return (s->waiting > 0 ? s->newest_syn_ns + NO_ANSWER_NS + 1 :
	    INT64_MIN);
}

static const struct stats_tree_desc tcp_desc = {
	.nodes = tcp_nodes,
	.nnodes = TCP_N,
	.values = STATS_TREE_SECONDS,
	.create = tcp_create,
	.destroy = tcp_destroy,
	.reset = tcp_reset,
	.packet = tcp_packet,
	.predraw = tcp_predraw,
};

STATS_TREE_PANEL(tcp, "tcp", "TCP Health", "tcp", SECONDS, tcp_desc);
