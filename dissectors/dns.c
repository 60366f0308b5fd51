/*
 * Domain Name System.  RFC 1035 (message, compression), RFC 6891 (OPT),
 * RFC 2782 (SRV); Multicast DNS, RFC 6762 (UDP 5353); Link-Local
 * Multicast Name Resolution, RFC 4795 (UDP 5355).
 *
 *   0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *  |                    QDCOUNT                    |
 *  |                    ANCOUNT                    |
 *  |                    NSCOUNT                    |
 *  |                    ARCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  | questions: name, type, class                  |
 *  | answer, authority, additional RRs: name, type,|
 *  |   class, TTL (32), RDLENGTH, RDATA            |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * Over TCP each message follows a 2-byte length, and one segment may hold
 * several.  A message (or a length) that runs past its segment is joined
 * to the next segments by TCP reassembly (core/tcpreasm.h) and dissected
 * once, at the segment that completes it; the segments before carry no
 * DNS layer, as tshark's default (dns.desegment_dns_messages) has it.
 * Where TCP cannot hold the bytes (inside an ICMP error, a segment the
 * snaplen cut, a reassembly bound hit), a message is dissected from what
 * there is and the part past the segment reads as "truncated".
 *
 * mDNS and LLMNR are protocols of their own (the hierarchy's nodes, the
 * filters "mdns" and "llmnr") with DNS's fields, as in Wireshark: the
 * class's top bit is mDNS's unicast-response (dns.qry.qu) and cache-flush
 * (dns.resp.cache_flush) bit, and LLMNR's flags are C, TC and T.  Only
 * DNS proper is queued on the "dns" tap, as tshark's dns tree counts it.
 *
 * Names are read as Wireshark reads them: labels joined by dots, the root
 * "<Root>", pointers followed anywhere in the message; a pointer to
 * itself or more than DNS_NAME_MAX pointers make the name "<Name
 * contains a pointer that loops>", an extended label (0x40) "<Unknown
 * extended label>", and the reserved 0x80 label type is malformed.  The
 * text is cut to DNS_NAME_MAX bytes.  The work is bounded as tshark's is
 * not: a name visits at most DNS_NAME_SCAN bytes after its first pointer
 * (a name that needs more is said to loop), and a message at most
 * DNS_MSG_SCAN in all its names' pointers, past which it is malformed
 * (dns_stats' scan_cut).
 *
 * Requests and responses are matched as Wireshark matches them: by the
 * conversation (addresses and ports, both directions) and the ID; a query
 * again within DNS_RETRANSMIT_S seconds before any answer is a
 * retransmission, a second response to one query too; a response to
 * nothing known is unsolicited.  dns.time is the response's time less the
 * query's.  The table is dns.h's, bounded.  dns.response_in is never set:
 * it would name a later frame, which a single pass (tshark's -Y too)
 * cannot know.  A packet dissected again (a refill: edt->quiet) only reads
 * the table: a response is matched again if it was the transaction's
 * answer and the transaction is still there; retransmissions are not
 * recognised again.
 */
#include <pthread.h>
#include <string.h>

#include "core/dissect.h"
#include "core/flowtab.h"
#include "core/names.h"
#include "core/proto.h"
#include "core/tap.h"
#include "core/tcpreasm.h"
#include "dissectors/dns.h"
#include "dissectors/taps.h"

#define DNS_PORT	53
#define MDNS_PORT	5353
#define LLMNR_PORT	5355
#define DNS_HDR_LEN	12

#define DNS_NAME_SCAN	4096		/* bytes a name visits past a pointer */
#define DNS_MSG_SCAN	(1024 * 1024)	/* the same for a whole message */
#define DNS_TCP_MSGS	64		/* messages read from one segment */

#define F_RESPONSE	0x8000
#define F_AUTHORITATIVE	0x0400		/* LLMNR: conflict */
#define F_TRUNCATED	0x0200
#define F_RECDESIRED	0x0100		/* LLMNR: tentative */
#define F_RECAVAIL	0x0080
#define F_Z		0x0040
#define F_AUTHENTIC	0x0020
#define F_CHECKDISABLE	0x0010
#define OPCODE_UPDATE	5

#define T_A		1
#define T_NS		2
#define T_CNAME		5
#define T_SOA		6
#define T_PTR		12
#define T_MX		15
#define T_TXT		16
#define T_AAAA		28
#define T_SRV		33
#define T_OPT		41

#define NS_PER_S	1000000000LL

static const char NAME_ROOT[] = "<Root>";
static const char NAME_LOOP[] = "<Name contains a pointer that loops>";
static const char NAME_EXTLABEL[] = "<Unknown extended label>";
static const char NAME_TOOLONG[] = "<Name too long>";

enum dns_kind { KIND_DNS, KIND_MDNS, KIND_LLMNR };

static int proto_dns = -1, proto_mdns = -1, proto_llmnr = -1,
    proto_tcp = -1, tap_dns = -1, tap_names = -1;
static int hf_length = -1, hf_id = -1, hf_flags = -1, hf_response = -1,
    hf_opcode = -1, hf_authoritative = -1, hf_conflict = -1,
    hf_truncated = -1, hf_recdesired = -1, hf_tentative = -1,
    hf_recavail = -1, hf_z = -1, hf_authenticated = -1,
    hf_checkdisable = -1, hf_rcode = -1, hf_count_queries = -1,
    hf_count_zones = -1, hf_count_answers = -1, hf_count_prereq = -1,
    hf_count_auth = -1, hf_count_updates = -1, hf_count_add = -1,
    hf_qry_name = -1, hf_qry_name_len = -1, hf_count_labels = -1,
    hf_qry_type = -1, hf_qry_class = -1, hf_qry_qu = -1,
    hf_resp_name = -1, hf_resp_type = -1, hf_resp_class = -1,
    hf_resp_cache_flush = -1, hf_resp_ttl = -1, hf_resp_len = -1,
    hf_a = -1, hf_aaaa = -1, hf_cname = -1, hf_ns = -1, hf_ptr = -1,
    hf_mx_pref = -1, hf_mx_exchange = -1, hf_soa_mname = -1,
    hf_soa_rname = -1, hf_soa_serial = -1, hf_soa_refresh = -1,
    hf_soa_retry = -1, hf_soa_expire = -1, hf_soa_minimum = -1,
    hf_txt_length = -1, hf_txt = -1, hf_srv_priority = -1,
    hf_srv_weight = -1, hf_srv_port = -1, hf_srv_target = -1,
    hf_udp_payload_size = -1, hf_ext_rcode = -1, hf_edns0_version = -1,
    hf_resp_z = -1, hf_resp_z_do = -1, hf_response_in = -1,
    hf_response_to = -1, hf_time = -1, hf_retransmission = -1,
    hf_retransmit_request_in = -1, hf_retransmit_response_in = -1,
    hf_unsolicited = -1;

static const struct field_def dns_fields[] = {
	{ &hf_length, "dns.length", FT_UINT16, "Length", 0 },
	{ &hf_id, "dns.id", FT_UINT16, "Transaction ID", 0 },
	{ &hf_flags, "dns.flags", FT_UINT16, "Flags", 0 },
	{ &hf_response, "dns.flags.response", FT_BOOLEAN, "Response", 0x8000 },
	{ &hf_opcode, "dns.flags.opcode", FT_UINT16, "Opcode", 0x7800 },
	{ &hf_authoritative, "dns.flags.authoritative", FT_BOOLEAN, "Authoritative", 0x0400 },
	{ &hf_conflict, "dns.flags.conflict", FT_BOOLEAN, "Conflict", 0x0400 },
	{ &hf_truncated, "dns.flags.truncated", FT_BOOLEAN, "Truncated", 0x0200 },
	{ &hf_recdesired, "dns.flags.recdesired", FT_BOOLEAN, "Recursion desired", 0x0100 },
	{ &hf_tentative, "dns.flags.tentative", FT_BOOLEAN, "Tentative", 0x0100 },
	{ &hf_recavail, "dns.flags.recavail", FT_BOOLEAN, "Recursion available", 0x0080 },
	{ &hf_z, "dns.flags.z", FT_BOOLEAN, "Z", 0x0040 },
	{ &hf_authenticated, "dns.flags.authenticated", FT_BOOLEAN, "Answer authenticated", 0x0020 },
	{ &hf_checkdisable, "dns.flags.checkdisable", FT_BOOLEAN, "Non-authenticated data", 0x0010 },
	{ &hf_rcode, "dns.flags.rcode", FT_UINT16, "Reply code", 0x000f },
	{ &hf_count_queries, "dns.count.queries", FT_UINT16, "Questions", 0 },
	{ &hf_count_zones, "dns.count.zones", FT_UINT16, "Zones", 0 },
	{ &hf_count_answers, "dns.count.answers", FT_UINT16, "Answer RRs", 0 },
	{ &hf_count_prereq, "dns.count.prerequisites", FT_UINT16, "Prerequisites", 0 },
	{ &hf_count_auth, "dns.count.auth_rr", FT_UINT16, "Authority RRs", 0 },
	{ &hf_count_updates, "dns.count.updates", FT_UINT16, "Updates", 0 },
	{ &hf_count_add, "dns.count.add_rr", FT_UINT16, "Additional RRs", 0 },
	{ &hf_qry_name, "dns.qry.name", FT_STRING, "Name", 0 },
	{ &hf_qry_name_len, "dns.qry.name.len", FT_UINT16, "Name Length", 0 },
	{ &hf_count_labels, "dns.count.labels", FT_UINT16, "Label Count", 0 },
	{ &hf_qry_type, "dns.qry.type", FT_UINT16, "Type", 0 },
	{ &hf_qry_class, "dns.qry.class", FT_UINT16, "Class", 0 },
	{ &hf_qry_qu, "dns.qry.qu", FT_BOOLEAN, "\"QU\" question", 0x8000 },
	{ &hf_resp_name, "dns.resp.name", FT_STRING, "Name", 0 },
	{ &hf_resp_type, "dns.resp.type", FT_UINT16, "Type", 0 },
	{ &hf_resp_class, "dns.resp.class", FT_UINT16, "Class", 0 },
	{ &hf_resp_cache_flush, "dns.resp.cache_flush", FT_BOOLEAN, "Cache flush", 0x8000 },
	{ &hf_resp_ttl, "dns.resp.ttl", FT_UINT32, "Time to live", 0 },
	{ &hf_resp_len, "dns.resp.len", FT_UINT16, "Data length", 0 },
	{ &hf_a, "dns.a", FT_IPv4, "Address", 0 },
	{ &hf_aaaa, "dns.aaaa", FT_IPv6, "AAAA Address", 0 },
	{ &hf_cname, "dns.cname", FT_STRING, "CNAME", 0 },
	{ &hf_ns, "dns.ns", FT_STRING, "Name Server", 0 },
	{ &hf_ptr, "dns.ptr.domain_name", FT_STRING, "Domain Name", 0 },
	{ &hf_mx_pref, "dns.mx.preference", FT_UINT16, "Preference", 0 },
	{ &hf_mx_exchange, "dns.mx.mail_exchange", FT_STRING, "Mail Exchange", 0 },
	{ &hf_soa_mname, "dns.soa.mname", FT_STRING, "Primary name server", 0 },
	{ &hf_soa_rname, "dns.soa.rname", FT_STRING, "Responsible authority's mailbox", 0 },
	{ &hf_soa_serial, "dns.soa.serial_number", FT_UINT32, "Serial Number", 0 },
	{ &hf_soa_refresh, "dns.soa.refresh_interval", FT_UINT32, "Refresh Interval", 0 },
	{ &hf_soa_retry, "dns.soa.retry_interval", FT_UINT32, "Retry Interval", 0 },
	{ &hf_soa_expire, "dns.soa.expire_limit", FT_UINT32, "Expire limit", 0 },
	{ &hf_soa_minimum, "dns.soa.minimum_ttl", FT_UINT32, "Minimum TTL", 0 },
	{ &hf_txt_length, "dns.txt.length", FT_UINT8, "TXT Length", 0 },
	{ &hf_txt, "dns.txt", FT_STRING, "TXT", 0 },
	{ &hf_srv_priority, "dns.srv.priority", FT_UINT16, "Priority", 0 },
	{ &hf_srv_weight, "dns.srv.weight", FT_UINT16, "Weight", 0 },
	{ &hf_srv_port, "dns.srv.port", FT_UINT16, "Port", 0 },
	{ &hf_srv_target, "dns.srv.target", FT_STRING, "Target", 0 },
	{ &hf_udp_payload_size, "dns.rr.udp_payload_size", FT_UINT16, "UDP payload size", 0 },
	{ &hf_ext_rcode, "dns.resp.ext_rcode", FT_UINT8, "Higher bits in extended RCODE", 0 },
	{ &hf_edns0_version, "dns.resp.edns0_version", FT_UINT8, "EDNS0 version", 0 },
	{ &hf_resp_z, "dns.resp.z", FT_UINT16, "Z", 0 },
	{ &hf_resp_z_do, "dns.resp.z.do", FT_BOOLEAN, "DO bit", 0x8000 },
	/* Frame numbers; tshark's type is FT_FRAMENUM, which compares as
	 * an unsigned integer. */
	{ &hf_response_in, "dns.response_in", FT_UINT32, "Response In", 0 },
	{ &hf_response_to, "dns.response_to", FT_UINT32, "Request In", 0 },
	{ &hf_time, "dns.time", FT_RELATIVE_TIME, "Time", 0 },
	{ &hf_retransmission, "dns.retransmission", FT_BOOLEAN, "Retransmission", 0 },
	{ &hf_retransmit_request_in, "dns.retransmit_request_in", FT_UINT32, "Retransmitted request. Original request in", 0 },
	{ &hf_retransmit_response_in, "dns.retransmit_response_in", FT_UINT32, "Retransmitted response. Original response in", 0 },
	{ &hf_unsolicited, "dns.unsolicited", FT_BOOLEAN, "Unsolicited", 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

/* ---- the transaction table ---- */

/* Zeroed before it is filled, padding included: compared bytewise. */
struct dns_key {
	struct address	 a, b;		/* the lower first */
	uint16_t	 aport, bport;
	uint16_t	 id;
	uint8_t		 tcp;
	uint8_t		 pad;
};

struct dns_trans {
	struct dns_key	 key;
	uint64_t	 req_frame;	/* 0: the way is empty */
	uint64_t	 rep_frame;
	int64_t		 req_ns;
	int64_t		 touch_ns;	/* last query or response */
};

static pthread_mutex_t trans_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dns_trans *trans;		/* SETS * WAYS, on first use */
static uint64_t trans_last_num;		/* the newest frame seen */
static struct dns_stats stats;

void
dns_stats_get(struct dns_stats *s)
{
	pthread_mutex_lock(&trans_lock);
	*s = stats;
	pthread_mutex_unlock(&trans_lock);
}

static void
trans_clear_locked(void)
{
	if (trans != NULL)
		memset(trans, 0, sizeof(*trans) * DNS_TRANS_SETS *
		    DNS_TRANS_WAYS);
	trans_last_num = 0;
	memset(&stats, 0, sizeof(stats));
}

void
dns_reset(void)
{
	pthread_mutex_lock(&trans_lock);
	trans_clear_locked();
	pthread_mutex_unlock(&trans_lock);
}

static bool
trans_live(const struct dns_trans *t, int64_t now)
{
	return (t->req_frame != 0 &&
	    now - t->touch_ns <= DNS_TRANS_TIMEOUT_S * NS_PER_S);
}

/* The set of a key. */
static struct dns_trans *
trans_set(const struct dns_key *k)
{
	uint64_t h = flowtab_hash(k, sizeof(*k));

	return (&trans[(h % DNS_TRANS_SETS) * DNS_TRANS_WAYS]);
}

static struct dns_trans *
trans_find(const struct dns_key *k, int64_t now)
{
	struct dns_trans *set = trans_set(k);
	int i;

	for (i = 0; i < DNS_TRANS_WAYS; i++)
		if (set[i].req_frame != 0 &&
		    memcmp(&set[i].key, k, sizeof(*k)) == 0)
			return (trans_live(&set[i], now) ? &set[i] : NULL);
	return (NULL);
}

/* A way for a new transaction of k: its own old one, an empty one, the
 * oldest expired one, else the least recently touched (evicted). */
static struct dns_trans *
trans_new(const struct dns_key *k, int64_t now)
{
	struct dns_trans *set = trans_set(k), *old = NULL;
	int i;

	for (i = 0; i < DNS_TRANS_WAYS; i++) {
		if (set[i].req_frame != 0 &&
		    memcmp(&set[i].key, k, sizeof(*k)) == 0) {
			old = &set[i];
			stats.tracked--;
			break;
		}
		if (set[i].req_frame == 0) {
			if (old == NULL || old->req_frame != 0)
				old = &set[i];
		} else if (old == NULL || (old->req_frame != 0 &&
		    set[i].touch_ns < old->touch_ns))
			old = &set[i];
	}
	if (i == DNS_TRANS_WAYS && old->req_frame != 0) {
		if (trans_live(old, now))
			stats.evicted++;
		else
			stats.expired++;
		stats.tracked--;
	}
	memset(old, 0, sizeof(*old));
	old->key = *k;
	stats.tracked++;
	return (old);
}

struct dns_match {
	uint64_t	 response_to, retransmit_req_in, retransmit_rep_in;
	double		 time;
	bool		 matched, retransmission, unsolicited;
};

static void
dns_key_make(struct dns_key *k, const struct packet_info *pinfo,
    uint16_t id, bool tcp)
{
	bool swap;

	memset(k, 0, sizeof(*k));
	swap = address_cmp(&pinfo->net_src, &pinfo->net_dst) > 0 ||
	    (address_cmp(&pinfo->net_src, &pinfo->net_dst) == 0 &&
	    pinfo->srcport > pinfo->destport);
	k->a = swap ? pinfo->net_dst : pinfo->net_src;
	k->b = swap ? pinfo->net_src : pinfo->net_dst;
	k->aport = (uint16_t)(swap ? pinfo->destport : pinfo->srcport);
	k->bport = (uint16_t)(swap ? pinfo->srcport : pinfo->destport);
	k->id = id;
	k->tcp = tcp;
}

/* Wireshark's matching (above), on the table. */
static void
dns_match(const struct packet_info *pinfo, bool quiet, uint16_t id,
    bool response, bool tcp, struct dns_match *m)
{
	struct dns_key k;
	struct dns_trans *t;
	int64_t now = pinfo->ts_sec * NS_PER_S + pinfo->ts_nsec;

	memset(m, 0, sizeof(*m));
	dns_key_make(&k, pinfo, id, tcp);
	pthread_mutex_lock(&trans_lock);
	if (trans == NULL)
		trans = g_new0(struct dns_trans, DNS_TRANS_SETS *
		    DNS_TRANS_WAYS);
	/* Frame numbers again: a new capture.  The same number is the same
	 * frame: several messages of one TCP segment. */
	if (!quiet && pinfo->num < trans_last_num)
		trans_clear_locked();
	if (!quiet)
		trans_last_num = pinfo->num;
	t = trans_find(&k, now);
	if (quiet) {
		/* Read only: what the first pass can be told again. */
		if (response && t != NULL && t->rep_frame == pinfo->num) {
			m->matched = true;
			m->response_to = t->req_frame;
			m->time = (double)(now - t->req_ns) / NS_PER_S;
		}
	} else if (!response) {
		if (t != NULL && t->rep_frame == 0 && now >= t->req_ns &&
		    now - t->req_ns < DNS_RETRANSMIT_S * NS_PER_S) {
			m->retransmission = true;
			m->retransmit_req_in = t->req_frame;
			t->touch_ns = now;
		} else {
			t = trans_new(&k, now);
			t->req_frame = pinfo->num;
			t->req_ns = t->touch_ns = now;
		}
	} else if (t == NULL)
		m->unsolicited = true;
	else if (t->rep_frame == 0) {
		t->rep_frame = pinfo->num;
		t->touch_ns = now;
		m->matched = true;
		m->response_to = t->req_frame;
		m->time = (double)(now - t->req_ns) / NS_PER_S;
	} else {
		m->retransmission = true;
		m->retransmit_rep_in = t->rep_frame;
		t->touch_ns = now;
	}
	pthread_mutex_unlock(&trans_lock);
}

static void
stats_add(uint64_t *c)
{
	pthread_mutex_lock(&trans_lock);
	(*c)++;
	pthread_mutex_unlock(&trans_lock);
}

/* ---- names ---- */

/* One message being dissected. */
struct dns_msg {
	struct buf	*m;		/* offsets are from the header's start */
	enum dns_kind	 kind;
	bool		 response;
	size_t		 scan_left;	/* DNS_MSG_SCAN, spent on pointers */
	int		 names_queued;
	struct packet_info *pinfo;
	struct dissect	*edt;
};

struct dns_name {
	char		 text[DNS_NAME_MAX];
	uint16_t	 len;		/* of text */
	uint16_t	 counted;	/* Wireshark's name length (below) */
	uint16_t	 labels;	/* dns.count.labels */
};

/* The byte at an absolute offset of the message, or a sticky error. */
static uint8_t
msg_byte(struct buf *m, size_t at)
{
	if (m->err != BUF_OK)
		return (0);
	if (at < m->caplen)
		return (m->data[at]);
	buf_fail(m, at < m->len ? BUF_TRUNCATED : BUF_MALFORMED);
	return (0);
}

static void
name_set(struct dns_name *n, const char *s)
{
	n->len = n->counted = (uint16_t)strlen(s);
	memcpy(n->text, s, n->len);
}

/* Text past DNS_NAME_MAX is dropped: the name is then "too long". */
static void
name_put(struct dns_name *n, uint8_t c, bool counted)
{
	if (n->len < DNS_NAME_MAX)
		n->text[n->len++] = (char)c;
	if (counted)
		n->counted++;
}

static const char hexdigit[] = "0123456789abcdef";

/*
 * Reads the name at *off and moves *off past it (to just after its first
 * pointer, if it has one).  False when the message ends inside it or it
 * is malformed: the error is in dm->m.
 *
 * Wireshark 4.0's rules, as measured against tshark: the text of a name
 * of 254 bytes or more is "<Name too long>"; a pointer to the two bytes
 * after itself, or more than DNS_NAME_MAX pointers, make it loop; a
 * bitstring label (0x41, RFC 2673) prints as \[xHEX/BITS] but counts for
 * nothing in the name's length, and any other extended label ends the
 * name as "<Unknown extended label>" (its length then runs to that
 * label, wherever a pointer took it); a name that used more than two
 * bytes and has no counted text, or used less than two and has text, is
 * malformed; an empty one is "<Root>".  The labels (dns.count.labels) are
 * the dots of the text plus one, none for a text of one counted byte.
 */
static bool
dns_name_read(struct dns_msg *dm, size_t *off, struct dns_name *n)
{
	struct buf *m = dm->m;
	size_t start = *off, pos = *off, end = 0, budget = DNS_NAME_SCAN;
	size_t used;
	unsigned pointers = 0, bits, nbytes, i;
	bool jumped = false;
	uint8_t c, lo;

	n->len = n->counted = 0;
	for (;;) {
		c = msg_byte(m, pos++);
		if (m->err != BUF_OK)
			return (false);
		if (c == 0)
			break;
		switch (c & 0xc0) {
		case 0x00:
			if (jumped) {
				/* Label bytes after a pointer: bounded here,
				 * since a pointer can lead back to them. */
				if (budget <= c || dm->scan_left <= c)
					goto loops;
				budget -= c;
				dm->scan_left -= c;
			}
			if (n->len > 0)
				name_put(n, '.', true);
			while (c-- > 0) {
				lo = msg_byte(m, pos++);
				if (m->err != BUF_OK)
					return (false);
				name_put(n, lo, true);
			}
			break;
		case 0x40:
			if ((c & 0x3f) != 0x01) {
				name_set(n, NAME_EXTLABEL);
				if (pos - start < 2)
					goto malformed;
				*off = pos;
				goto done;
			}
			/* A bitstring label: its bit count (0 is 256), then
			 * the bits in whole bytes. */
			bits = msg_byte(m, pos++);
			nbytes = bits == 0 ? 32 : (bits - 1) / 8 + 1;
			if (jumped) {
				if (budget <= nbytes + 1 ||
				    dm->scan_left <= nbytes + 1)
					goto loops;
				budget -= nbytes + 1;
				dm->scan_left -= nbytes + 1;
			}
			name_put(n, '\\', false);
			name_put(n, '[', false);
			name_put(n, 'x', false);
			for (i = 0; i < nbytes; i++) {
				lo = msg_byte(m, pos++);
				name_put(n, (uint8_t)hexdigit[lo >> 4], false);
				name_put(n, (uint8_t)hexdigit[lo & 0xf], false);
			}
			if (m->err != BUF_OK)
				return (false);
			name_put(n, '/', false);
			if (bits >= 100)
				name_put(n, (uint8_t)('0' + bits / 100), false);
			if (bits >= 10)
				name_put(n, (uint8_t)('0' + bits / 10 % 10), false);
			name_put(n, (uint8_t)('0' + bits % 10), false);
			name_put(n, ']', false);
			break;
		case 0x80:
			goto malformed;
		default:
			lo = msg_byte(m, pos++);
			if (m->err != BUF_OK)
				return (false);
			if (!jumped)
				end = pos;
			jumped = true;
			pointers++;
			if (budget <= 2 || dm->scan_left <= 2)
				goto loops;
			budget -= 2;
			dm->scan_left -= 2;
			/* tshark's "pointer to itself" test, which is to the
			 * bytes after it; a real one is caught by the count. */
			if ((((size_t)(c & 0x3f) << 8) | lo) == pos + 2 ||
			    pointers > DNS_NAME_MAX)
				goto loops;
			pos = ((size_t)(c & 0x3f) << 8) | lo;
			break;
		}
	}
	*off = used = jumped ? end : pos;
	used -= start;
	if (n->len >= DNS_NAME_MAX - 1)
		name_set(n, NAME_TOOLONG);
	if (n->len == 0 && used <= 2) {
		name_set(n, NAME_ROOT);
		goto done;
	}
	if (used < 2 || (used > 2 && n->counted == 0))
		goto malformed;
	/* tshark's value is the counted length's first bytes, so a
	 * bitstring's text shows only where it is followed by labels. */
	if (n->len > n->counted)
		n->len = n->counted;
done:
	n->labels = 0;
	if (n->counted > 1)
		for (n->labels = 1, i = 0; i < n->len; i++)
			n->labels += n->text[i] == '.';
	return (true);
loops:
	if (dm->scan_left <= 2) {
		/* The message's whole budget is spent: stop it here. */
		stats_add(&stats.scan_cut);
		goto malformed;
	}
	name_set(n, NAME_LOOP);
	*off = end;
	goto done;
malformed:
	buf_fail(m, BUF_MALFORMED);
	return (false);
}

/* The name's text in the arena, for a field or a tap; NULL if neither
 * wants it or the arena is full. */
static const char *
name_keep(struct dns_msg *dm, const struct dns_name *n)
{
	char *p;

	if ((p = arena_alloc(&dm->edt->arena, n->len + 1u)) == NULL)
		return (NULL);
	memcpy(p, n->text, n->len);
	return (p);
}

static void
name_field(struct dns_msg *dm, int hf, const struct dns_name *n)
{
	const char *p;

	if (field_recorded(dm->edt, hf) && (p = name_keep(dm, n)) != NULL)
		field_add_bytes(dm->edt, hf, (const uint8_t *)p, n->len);
}

/* Reads a name inside RDATA into a field; false on error. */
static bool
rdata_name(struct dns_msg *dm, size_t *off, int hf, struct dns_name *n)
{
	if (!dns_name_read(dm, off, n))
		return (false);
	name_field(dm, hf, n);
	return (true);
}

/* ---- names tap ---- */

static struct names_tap *
names_rec(struct dns_msg *dm)
{
	struct names_tap *r;

	if (dm->names_queued >= DNS_NAMES_PER_PACKET) {
		stats_add(&stats.names_dropped);
		return (NULL);
	}
	if ((r = arena_alloc(&dm->edt->arena, sizeof(*r))) == NULL)
		return (NULL);
	dm->names_queued++;
	r->source = dm->kind == KIND_DNS ? NAMES_SRC_DNS : NAMES_SRC_MDNS;
	return (r);
}

static void
names_addr(struct dns_msg *dm, const struct dns_name *owner,
    enum addr_type t, const uint8_t *p, int len)
{
	struct names_tap *r;

	if (!tap_listened(tap_names) || owner->len == 0 ||
	    owner->text[0] == '<' || (r = names_rec(dm)) == NULL)
		return;
	r->kind = NAMES_REC_ADDR;
	address_set(&r->addr, t, p, len);
	r->name = name_keep(dm, owner);
	r->name_len = owner->len;
	if (r->name != NULL)
		tap_queue_packet(tap_names, dm->pinfo, r);
}

static void
names_alias(struct dns_msg *dm, const struct dns_name *alias,
    const struct dns_name *target)
{
	struct names_tap *r;

	if (!tap_listened(tap_names) || alias->text[0] == '<' ||
	    target->text[0] == '<' || (r = names_rec(dm)) == NULL)
		return;
	r->kind = NAMES_REC_ALIAS;
	r->name = name_keep(dm, alias);
	r->name_len = alias->len;
	r->target = name_keep(dm, target);
	r->target_len = target->len;
	if (r->name != NULL && r->target != NULL)
		tap_queue_packet(tap_names, dm->pinfo, r);
}

/* ---- resource records ---- */

/* The RDATA of one record, in its own cursor over [off, off + rdlen):
 * names inside it still point anywhere in the message. */
static void
dns_rdata(struct dns_msg *dm, const struct dns_name *owner, uint16_t type,
    size_t off, uint16_t rdlen)
{
	struct buf *m = dm->m, rd;
	struct dns_name n;
	const uint8_t *p;
	uint8_t tl;

	rd = *m;
	rd.off = off;
	switch (type) {
	case T_A:
		if (rdlen == 4 && (p = buf_ptr(&rd, 4)) != NULL) {
			struct address a;

			address_set(&a, AT_IPv4, p, 4);
			field_add_addr(dm->edt, hf_a, &a);
			if (dm->response)
				names_addr(dm, owner, AT_IPv4, p, 4);
		}
		break;
	case T_AAAA:
		if (rdlen == 16 && (p = buf_ptr(&rd, 16)) != NULL) {
			struct address a;

			address_set(&a, AT_IPv6, p, 16);
			field_add_addr(dm->edt, hf_aaaa, &a);
			if (dm->response)
				names_addr(dm, owner, AT_IPv6, p, 16);
		}
		break;
	case T_CNAME:
		if (rdata_name(dm, &off, hf_cname, &n) && dm->response)
			names_alias(dm, owner, &n);
		break;
	case T_NS:
		(void)rdata_name(dm, &off, hf_ns, &n);
		break;
	case T_PTR:
		(void)rdata_name(dm, &off, hf_ptr, &n);
		break;
	case T_MX:
		field_add_uint(dm->edt, hf_mx_pref, buf_be16(&rd));
		off = rd.off;
		if (rd.err == BUF_OK)
			(void)rdata_name(dm, &off, hf_mx_exchange, &n);
		break;
	case T_SOA:
		if (!rdata_name(dm, &off, hf_soa_mname, &n) ||
		    !rdata_name(dm, &off, hf_soa_rname, &n))
			break;
		rd.off = off;
		field_add_uint(dm->edt, hf_soa_serial, buf_be32(&rd));
		field_add_uint(dm->edt, hf_soa_refresh, buf_be32(&rd));
		field_add_uint(dm->edt, hf_soa_retry, buf_be32(&rd));
		field_add_uint(dm->edt, hf_soa_expire, buf_be32(&rd));
		field_add_uint(dm->edt, hf_soa_minimum, buf_be32(&rd));
		break;
	case T_TXT:
		/* Character strings to the end of the RDATA: each step
		 * reads its length byte, so it advances. */
		while (rd.err == BUF_OK && rd.off < off + rdlen) {
			tl = buf_u8(&rd);
			p = buf_ptr(&rd, tl);
			if (p == NULL)
				break;
			field_add_uint(dm->edt, hf_txt_length, tl);
			field_add_bytes(dm->edt, hf_txt, p, tl);
		}
		break;
	case T_SRV:
		field_add_uint(dm->edt, hf_srv_priority, buf_be16(&rd));
		field_add_uint(dm->edt, hf_srv_weight, buf_be16(&rd));
		field_add_uint(dm->edt, hf_srv_port, buf_be16(&rd));
		off = rd.off;
		if (rd.err == BUF_OK)
			(void)rdata_name(dm, &off, hf_srv_target, &n);
		break;
	default:
		break;
	}
	/* An error inside RDATA that the record's length covers is the
	 * message's error too (a name running past the end of it). */
	if (m->err == BUF_OK && rd.err != BUF_OK)
		buf_fail(m, rd.err);
}

/* One resource record at *off; false when the message ends inside it. */
static bool
dns_rr(struct dns_msg *dm, size_t *off)
{
	struct buf *m = dm->m;
	struct dns_name owner;
	uint32_t ttl;
	uint16_t type, class, rdlen;

	if (!dns_name_read(dm, off, &owner))
		return (false);
	m->off = *off;
	type = buf_be16(m);
	class = buf_be16(m);
	ttl = buf_be32(m);
	rdlen = buf_be16(m);
	if (m->err != BUF_OK)
		return (false);
	name_field(dm, hf_resp_name, &owner);
	field_add_uint(dm->edt, hf_resp_type, type);
	if (type == T_OPT) {
		field_add_uint(dm->edt, hf_udp_payload_size, class);
		field_add_uint(dm->edt, hf_ext_rcode, ttl >> 24);
		field_add_uint(dm->edt, hf_edns0_version, (ttl >> 16) & 0xff);
		field_add_uint(dm->edt, hf_resp_z, ttl & 0xffff);
		field_add_uint(dm->edt, hf_resp_z_do, (ttl & 0x8000) != 0);
	} else {
		if (dm->kind == KIND_MDNS) {
			field_add_uint(dm->edt, hf_resp_class, class & 0x7fff);
			field_add_uint(dm->edt, hf_resp_cache_flush,
			    (class & 0x8000) != 0);
		} else
			field_add_uint(dm->edt, hf_resp_class, class);
		field_add_uint(dm->edt, hf_resp_ttl, ttl);
	}
	field_add_uint(dm->edt, hf_resp_len, rdlen);
	dns_rdata(dm, &owner, type, m->off, rdlen);
	if (m->err != BUF_OK)
		return (false);
	(void)buf_skip(m, rdlen);
	*off = m->off;
	return (m->err == BUF_OK);
}

/* One question at *off; the first one's fills the tap record. */
static bool
dns_question(struct dns_msg *dm, size_t *off, struct dns_tap *t)
{
	struct buf *m = dm->m;
	struct dns_name n;
	uint16_t type, class;

	if (!dns_name_read(dm, off, &n))
		return (false);
	m->off = *off;
	type = buf_be16(m);
	class = buf_be16(m);
	if (m->err != BUF_OK)
		return (false);
	*off = m->off;
	name_field(dm, hf_qry_name, &n);
	/* tshark says 0 for a name of one counted byte, or none. */
	field_add_uint(dm->edt, hf_qry_name_len, n.counted > 1 ? n.counted : 0);
	field_add_uint(dm->edt, hf_count_labels, n.labels);
	field_add_uint(dm->edt, hf_qry_type, type);
	if (dm->kind == KIND_MDNS) {
		field_add_uint(dm->edt, hf_qry_class, class & 0x7fff);
		field_add_uint(dm->edt, hf_qry_qu, (class & 0x8000) != 0);
	} else
		field_add_uint(dm->edt, hf_qry_class, class);
	if (t != NULL && !t->has_question) {
		t->has_question = 1;
		t->qtype = type;
		t->qclass = class;
		t->qname = name_keep(dm, &n);
		t->qname_len = t->qname != NULL ? n.len : 0;
		t->qname_labels = n.labels;
	}
	return (true);
}

static void
dns_flags(struct dissect *edt, enum dns_kind kind, uint16_t flags)
{
	bool resp = (flags & F_RESPONSE) != 0;

	field_add_uint(edt, hf_flags, flags);
	field_add_uint(edt, hf_response, resp);
	field_add_uint(edt, hf_opcode, (flags >> 11) & 0xf);
	if (kind == KIND_LLMNR) {
		field_add_uint(edt, hf_conflict, (flags & F_AUTHORITATIVE) != 0);
		field_add_uint(edt, hf_truncated, (flags & F_TRUNCATED) != 0);
		field_add_uint(edt, hf_tentative, (flags & F_RECDESIRED) != 0);
		if (resp)
			field_add_uint(edt, hf_rcode, flags & 0xf);
		return;
	}
	if (resp)
		field_add_uint(edt, hf_authoritative,
		    (flags & F_AUTHORITATIVE) != 0);
	field_add_uint(edt, hf_truncated, (flags & F_TRUNCATED) != 0);
	field_add_uint(edt, hf_recdesired, (flags & F_RECDESIRED) != 0);
	if (resp)
		field_add_uint(edt, hf_recavail, (flags & F_RECAVAIL) != 0);
	field_add_uint(edt, hf_z, (flags & F_Z) != 0);
	if (resp)
		field_add_uint(edt, hf_authenticated,
		    (flags & F_AUTHENTIC) != 0);
	field_add_uint(edt, hf_checkdisable, (flags & F_CHECKDISABLE) != 0);
	if (resp)
		field_add_uint(edt, hf_rcode, flags & 0xf);
}

static void
dns_match_fields(struct dissect *edt, const struct dns_match *mt)
{
	if (mt->matched) {
		field_add_uint(edt, hf_response_to, mt->response_to);
		field_add_double(edt, hf_time, mt->time);
	}
	if (mt->retransmission) {
		if (mt->retransmit_req_in != 0)
			field_add_uint(edt, hf_retransmit_request_in,
			    mt->retransmit_req_in);
		else
			field_add_uint(edt, hf_retransmit_response_in,
			    mt->retransmit_rep_in);
		field_add_uint(edt, hf_retransmission, 1);
	}
	if (mt->unsolicited)
		field_add_uint(edt, hf_unsolicited, 1);
}

/*
 * One message: m holds it alone, offsets from its first byte.  Every
 * loop below reads at least one byte of the message per step or stops
 * at the first error, so the counts in the header bound nothing.
 */
static void
dns_message(struct buf *m, enum dns_kind kind, bool tcp,
    struct packet_info *pinfo, struct dissect *edt)
{
	struct dns_msg dm;
	struct dns_match mt;
	struct dns_tap *t = NULL;
	uint16_t id, flags, counts[4];
	size_t off;
	unsigned i, s;

	id = buf_be16(m);
	flags = buf_be16(m);
	for (i = 0; i < 4; i++)
		counts[i] = buf_be16(m);
	if (m->err != BUF_OK)
		return;
	field_add_uint(edt, hf_id, id);
	dns_flags(edt, kind, flags);
	if (((flags >> 11) & 0xf) == OPCODE_UPDATE) {
		field_add_uint(edt, hf_count_zones, counts[0]);
		field_add_uint(edt, hf_count_prereq, counts[1]);
		field_add_uint(edt, hf_count_updates, counts[2]);
	} else {
		field_add_uint(edt, hf_count_queries, counts[0]);
		field_add_uint(edt, hf_count_answers, counts[1]);
		field_add_uint(edt, hf_count_auth, counts[2]);
	}
	field_add_uint(edt, hf_count_add, counts[3]);

	memset(&mt, 0, sizeof(mt));
	/* Not inside an ICMP error, nor in the first fragment of a datagram
	 * not reassembled: tshark matches neither. */
	if (!pinfo->in_error_pkt && !pinfo->fragmented)
		dns_match(pinfo, edt->quiet, id, (flags & F_RESPONSE) != 0,
		    tcp, &mt);
	dns_match_fields(edt, &mt);

	if (kind == KIND_DNS && tap_listened(tap_dns) &&
	    (t = arena_alloc(&edt->arena, sizeof(*t))) != NULL) {
		t->id = id;
		t->response = (flags & F_RESPONSE) != 0;
		t->opcode = (flags >> 11) & 0xf;
		t->rcode = flags & 0xf;
		t->matched = mt.matched;
		t->retransmission = mt.retransmission;
		t->unsolicited = mt.unsolicited;
		t->rrt = mt.time;
		t->nquestions = counts[0];
		t->nanswers = counts[1];
		t->nauthorities = counts[2];
		t->nadditionals = counts[3];
		t->payload_size = (uint32_t)m->len;
	}

	memset(&dm, 0, sizeof(dm));
	dm.m = m;
	dm.kind = kind;
	dm.response = (flags & F_RESPONSE) != 0;
	dm.scan_left = DNS_MSG_SCAN;
	dm.pinfo = pinfo;
	dm.edt = edt;
	off = DNS_HDR_LEN;
	for (i = 0; i < counts[0] && m->err == BUF_OK; i++)
		if (!dns_question(&dm, &off, t))
			break;
	for (s = 1; s < 4 && m->err == BUF_OK; s++)
		for (i = 0; i < counts[s] && m->err == BUF_OK; i++)
			if (!dns_rr(&dm, &off))
				break;
	if (m->err == BUF_OK)
		m->off = off;
	/* Only a message read to its end is tapped: tshark queues its tap
	 * last, so a message cut short (a first fragment) or malformed is
	 * not in its dns tree. */
	if (t != NULL && m->err == BUF_OK)
		tap_queue_packet(tap_dns, pinfo, t);
}

static enum dissect_result dns_next_dissect(struct buf *,
	    struct packet_info *, struct dissect *);

/* The layer of a message that follows another in the same bytes. */
static const struct dissector dns_next = {
	.name = "dns",
	.longname = "Domain Name System",
	.proto = &proto_dns,
	.dissect = dns_next_dissect,
};

/*
 * DNS over TCP: 2-byte length, message, and again while the bytes last.
 * A message, or its length, that runs past the bytes is asked for whole
 * from TCP when it can hold them (core/tcpreasm.h), from its length on:
 * nothing of it is read here, the messages before it stay dissected, and
 * it comes again joined to the next segments, as tshark's
 * tcp_dissect_pdus has it.  When TCP cannot hold them, the message is
 * read from what there is, and reads past it are "truncated" (its rest
 * is in other segments).
 *
 * Each message after the first is a "dns" layer of its own, nested in the
 * one before, as tshark's protocol hierarchy counts them (dns/dns); past
 * the depth limit they are read here, without a layer (DNS_TCP_MSGS of
 * them at most).  The nested call's request to TCP is made relative to
 * the bytes TCP gave on the way back.
 */
static void
dns_tcp(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf msg, peek, rest;
	size_t base = b->off, left, start;
	uint16_t len;
	int n;

	for (n = 0; n < DNS_TCP_MSGS && buf_reported_left(b) > 0; n++) {
		left = buf_reported_left(b);
		if (pinfo->can_desegment) {
			if (left < 2) {
				tcp_desegment(pinfo, b->off - base, 2 - left);
				return;
			}
			peek = *b;	/* the length, read again below */
			len = buf_be16(&peek);
			if (peek.err == BUF_OK && (size_t)len + 2 > left) {
				tcp_desegment(pinfo, b->off - base,
				    (size_t)len + 2 - left);
				return;
			}
		}
		if (n > 0 && edt->depth + 1 < PACKET_DEPTH_MAX) {
			start = b->off;
			buf_rest(b, &rest);
			(void)call_dissector(&dns_next, &rest, pinfo, edt);
			if (pinfo->desegment_len != 0)
				pinfo->desegment_offset += (uint32_t)(start -
				    base);
			(void)buf_skip(b, MIN(rest.off, buf_captured_left(b)));
			return;
		}
		len = buf_be16(b);
		if (b->err != BUF_OK)
			return;
		field_add_uint(edt, hf_length, len);
		/* A message past the bytes is cut, not malformed: its rest
		 * is in other segments, so reads past what is here are
		 * "truncated". */
		if (!buf_sub(b, &msg, len))
			msg.len = len;
		dns_message(&msg, KIND_DNS, true, pinfo, edt);
		if (msg.err != BUF_OK) {
			buf_fail(b, msg.err);
			return;
		}
		if (!buf_skip(b, len)) {
			/* The rest of the message is in other segments. */
			b->err = BUF_OK;
			b->off = b->len;
			return;
		}
	}
}

static enum dissect_result
dns_next_dissect(struct buf *b, struct packet_info *pinfo,
    struct dissect *edt)
{
	dns_tcp(b, pinfo, edt);
	return (DISSECT_OK);
}

/* Over TCP: right above TCP, or above a DNS layer of TCP's, which is
 * where TCP puts the messages that follow a reassembled one in its
 * segment. */
static bool
parent_is_tcp(const struct dissect *edt)
{
	int i = edt->nlayers - 2;

	while (i >= 0 && edt->layers[i].proto == proto_dns)
		i--;
	return (i >= 0 && i < edt->nlayers - 1 &&
	    edt->layers[i].proto == proto_tcp);
}

static enum dissect_result
dns_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	struct buf msg;

	if (parent_is_tcp(edt)) {
		dns_tcp(b, pinfo, edt);
		return (DISSECT_OK);
	}
	buf_rest(b, &msg);
	dns_message(&msg, KIND_DNS, false, pinfo, edt);
	b->off = MIN(msg.off, b->len);
	if (msg.err != BUF_OK)
		buf_fail(b, msg.err);
	return (DISSECT_OK);
}

static enum dissect_result
mdns_llmnr(struct buf *b, struct packet_info *pinfo, struct dissect *edt,
    enum dns_kind kind)
{
	struct buf msg;

	buf_rest(b, &msg);
	dns_message(&msg, kind, false, pinfo, edt);
	b->off = MIN(msg.off, b->len);
	if (msg.err != BUF_OK)
		buf_fail(b, msg.err);
	return (DISSECT_OK);
}

static enum dissect_result
mdns_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	return (mdns_llmnr(b, pinfo, edt, KIND_MDNS));
}

static enum dissect_result
llmnr_dissect(struct buf *b, struct packet_info *pinfo, struct dissect *edt)
{
	return (mdns_llmnr(b, pinfo, edt, KIND_LLMNR));
}

static void
dns_init(void)
{
	const struct dissector *tcp = proto_find_dissector("tcp");

	if (tcp != NULL)
		proto_tcp = *tcp->proto;
	tap_names = names_tap_id();
}

const struct dissector dissector_dns = {
	.name = "dns",
	.longname = "Domain Name System",
	.proto = &proto_dns,
	.handoff = { { "udp.port", DNS_PORT }, { "tcp.port", DNS_PORT } },
	.fields = dns_fields,
	.tap = "dns",
	.tap_id = &tap_dns,
	.init = dns_init,
	.dissect = dns_dissect,
};

const struct dissector dissector_mdns = {
	.name = "mdns",
	.longname = "Multicast Domain Name System",
	.proto = &proto_mdns,
	.handoff = { { "udp.port", MDNS_PORT } },
	.dissect = mdns_dissect,
};

const struct dissector dissector_llmnr = {
	.name = "llmnr",
	.longname = "Link-local Multicast Name Resolution",
	.proto = &proto_llmnr,
	.handoff = { { "udp.port", LLMNR_PORT } },
	.dissect = llmnr_dissect,
};
