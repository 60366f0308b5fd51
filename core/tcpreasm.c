/*
 * TCP reassembly: see tcpreasm.h.
 *
 * Only in-order bytes are ever held, and only from where a dissector said
 * a PDU starts: a direction is a buffer and the sequence number of the
 * byte it expects next.  That is what keeps it bounded without a
 * segment list: an out-of-order segment is a gap, not something to keep
 * for later.  The buffer of a PDU that completes is handed over whole to
 * the dissector (it becomes the state's "pdu" buffer, kept until the next
 * completion), so joining costs one copy of each byte, into the buffer.
 */
#include <stdatomic.h>
#include <string.h>

#include <glib.h>

#include "tcpreasm.h"

#define TH_FIN		0x0001
#define TH_SYN		0x0002
#define TH_RST		0x0004

#define SWEEP_NS	1000000000LL	/* look for timeouts once a second */

#define TCPR_FIRST_CAP	4096	/* a PDU of unknown length starts so */

struct tcpr_key {
	struct address	 src, dst;
	uint16_t	 sport, dport;
};

struct tcpr_flow {
	struct tcpr_key		 key;
	const struct dissector	*d;
	uint32_t		 next_seq;	/* of the byte expected next */
	size_t			 need;		/* bytes in all, 0: one more */
	bool			 skip;		/* pass bytes up to end_seq */
	uint32_t		 end_seq;	/* skip: the PDU's end */
	uint8_t			*data;
	size_t			 len, cap;
	int64_t			 last_ns;
};

struct tcpreasm {
	GHashTable	*flows;		/* struct tcpr_key * -> flow */
	size_t		 bytes;		/* held in all flows */
	size_t		 alloc;		/* their buffers' sizes */
	uint8_t		*pdu;		/* the last PDU completed */
	int64_t		 last_sweep_ns;
	size_t		 pdu_max, bytes_max, flows_max;
	int64_t		 timeout_ns;
};

static atomic_uint_fast64_t n_gaps, n_flows_full, n_bytes_full, n_timeouts;

/* Eight bytes at a time (every segment of a flow with a PDU in progress
 * is looked up: a byte at a time showed in profiles). */
static guint
key_hash(gconstpointer p)
{
	const uint8_t *b = p;
	uint64_t h = 0x9e3779b97f4a7c15ull, w;
	size_t i;

	for (i = 0; i + sizeof(w) <= sizeof(struct tcpr_key); i += sizeof(w)) {
		memcpy(&w, b + i, sizeof(w));
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	for (; i < sizeof(struct tcpr_key); i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return ((guint)(h ^ (h >> 29)));
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	return (memcmp(a, b, sizeof(struct tcpr_key)) == 0);
}

static void
flow_free(gpointer p)
{
	struct tcpr_flow *f = p;

	g_free(f->data);
	g_free(f);
}

struct tcpreasm *
tcpreasm_new(void)
{
	struct tcpreasm *r = g_new0(struct tcpreasm, 1);

	r->flows = g_hash_table_new_full(key_hash, key_equal, NULL,
	    flow_free);
	r->pdu_max = TCPR_PDU_MAX;
	r->bytes_max = TCPR_BYTES_MAX;
	r->flows_max = TCPR_FLOWS_MAX;
	r->timeout_ns = (int64_t)TCPR_TIMEOUT_S * 1000000000LL;
	r->last_sweep_ns = INT64_MIN;
	return (r);
}

void
tcpreasm_set_limits(struct tcpreasm *r, size_t pdu_max, size_t bytes_max,
    size_t flows_max, unsigned timeout_s)
{
	if (pdu_max != 0)
		r->pdu_max = pdu_max;
	if (bytes_max != 0)
		r->bytes_max = bytes_max;
	if (flows_max != 0)
		r->flows_max = flows_max;
	if (timeout_s != 0)
		r->timeout_ns = (int64_t)timeout_s * 1000000000LL;
}

void
tcpreasm_clear(struct tcpreasm *r)
{
	g_hash_table_remove_all(r->flows);
	r->bytes = 0;
	r->alloc = 0;
	r->last_sweep_ns = INT64_MIN;
}

void
tcpreasm_free(struct tcpreasm *r)
{
	if (r == NULL)
		return;
	g_hash_table_destroy(r->flows);
	g_free(r->pdu);
	g_free(r);
}

size_t
tcpreasm_flows(const struct tcpreasm *r)
{
	return (g_hash_table_size(r->flows));
}

size_t
tcpreasm_bytes(const struct tcpreasm *r)
{
	return (r->bytes);
}

static void
count(atomic_uint_fast64_t *c, bool quiet)
{
	if (!quiet)
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void
flow_drop(struct tcpreasm *r, struct tcpr_flow *f)
{
	r->bytes -= f->len;
	r->alloc -= f->cap;
	g_hash_table_remove(r->flows, &f->key);
}

static void
key_of(const struct tcpr_segment *s, struct tcpr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->src = s->src;
	k->dst = s->dst;
	k->sport = s->sport;
	k->dport = s->dport;
}

/* Drops the PDUs that waited too long; at most once a second of capture
 * time, so that a busy capture walks the table rarely. */
static void
sweep(struct tcpreasm *r, int64_t now, bool quiet)
{
	GHashTableIter it;
	gpointer v;
	struct tcpr_flow *f;

	if (r->last_sweep_ns != INT64_MIN && now - r->last_sweep_ns < SWEEP_NS
	    && now >= r->last_sweep_ns)
		return;
	r->last_sweep_ns = now;
	if (g_hash_table_size(r->flows) == 0)
		return;
	g_hash_table_iter_init(&it, r->flows);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		f = v;
		if (now - f->last_ns > r->timeout_ns) {
			r->bytes -= f->len;
			r->alloc -= f->cap;
			g_hash_table_iter_remove(&it);
			count(&n_timeouts, quiet);
		}
	}
}

bool
tcpreasm_idle(struct tcpreasm *r, int64_t now, bool quiet)
{
	sweep(r, now, quiet);
	return (g_hash_table_size(r->flows) == 0);
}

enum tcpr_action
tcpreasm_segment(struct tcpreasm *r, const struct tcpr_segment *s,
    const struct dissector **d, const uint8_t **pdu, size_t *len,
    size_t *pdu_len, bool quiet)
{
	struct tcpr_flow *f;
	struct tcpr_key k;
	const uint8_t *p = s->data;
	size_t n = s->len, want;
	int32_t diff;

	sweep(r, s->ts_ns, quiet);
	/* Most segments come when no PDU is in progress anywhere. */
	if (g_hash_table_size(r->flows) == 0)
		return (TCPR_DISSECT);
	key_of(s, &k);
	if ((f = g_hash_table_lookup(r->flows, &k)) == NULL)
		return (TCPR_DISSECT);
	if ((s->flags & (TH_SYN | TH_RST)) != 0 || s->caplen < s->len ||
	    (n == 0 && (s->flags & TH_FIN) != 0)) {
		/* A new connection, an abort, bytes we did not keep, or the
		 * end of the stream: the PDU will not be whole. */
		flow_drop(r, f);
		count(&n_gaps, quiet);
		return (TCPR_DISSECT);
	}
	if (n == 0)
		return (TCPR_DISSECT);		/* an ACK: nothing to join */
	if (f->skip) {
		/* Passing over a PDU's rest: in-order or not, what ends
		 * before end_seq is its, what follows it is new. */
		diff = (int32_t)(f->end_seq - s->seq);
		f->last_ns = s->ts_ns;
		if (diff < 0) {
			flow_drop(r, f);
			return (TCPR_DISSECT);	/* all of it past the end */
		}
		if ((size_t)diff >= n)
			return (TCPR_HELD);
		*pdu = p + diff;
		*len = n - (size_t)diff;
		flow_drop(r, f);
		return (TCPR_REST);
	}
	diff = (int32_t)(s->seq - f->next_seq);
	if (diff > 0 && f->need != 0 &&
	    (int32_t)(f->next_seq + (uint32_t)(f->need - f->len) - s->seq) > 0) {
		/* A segment went missing inside a PDU of known length: the
		 * PDU is lost, and its rest passed over, so that its bytes
		 * are not read as the start of the next one. */
		count(&n_gaps, quiet);
		f->end_seq = f->next_seq + (uint32_t)(f->need - f->len);
		r->bytes -= f->len;
		r->alloc -= f->cap;
		g_free(f->data);
		f->data = NULL;
		f->len = f->cap = 0;
		f->skip = true;
		return (tcpreasm_segment(r, s, d, pdu, len, pdu_len, quiet));
	}
	if (diff > 0) {
		/* A segment missing before this one (or this one early):
		 * not kept for later, which is what bounds the state. */
		flow_drop(r, f);
		count(&n_gaps, quiet);
		return (TCPR_DISSECT);
	}
	if (diff < 0) {
		if ((size_t)-(int64_t)diff >= n)
			return (TCPR_HELD);	/* a retransmission */
		p += (size_t)-(int64_t)diff;	/* new bytes after old */
		n -= (size_t)-(int64_t)diff;
	}
	if (f->len + n > r->pdu_max || r->bytes + n > r->bytes_max) {
		flow_drop(r, f);
		count(&n_bytes_full, quiet);
		return (TCPR_DISSECT);
	}
	if (f->len + n > f->cap) {
		want = MIN(MAX(f->cap * 2, f->len + n), r->pdu_max);
		r->alloc += want - f->cap;
		f->cap = want;
		f->data = g_realloc(f->data, f->cap);
	}
	memcpy(f->data + f->len, p, n);
	f->len += n;
	r->bytes += n;
	f->next_seq += (uint32_t)n;
	f->last_ns = s->ts_ns;
	if (f->need != 0 && f->len < f->need) {
		if ((s->flags & TH_FIN) != 0) {
			flow_drop(r, f);
			count(&n_gaps, quiet);
		}
		return (TCPR_HELD);
	}
	/* Whole: the flow's buffer becomes the PDU being dissected. */
	g_free(r->pdu);
	r->pdu = f->data;
	f->data = NULL;
	*pdu = r->pdu;
	*len = f->len;
	*pdu_len = f->need != 0 ? f->need : f->len;
	*d = f->d;
	flow_drop(r, f);
	return (TCPR_COMPLETE);
}

bool
tcpreasm_hold(struct tcpreasm *r, const struct tcpr_segment *s,
    const struct dissector *d, const uint8_t *data, size_t len,
    uint32_t offset, uint32_t more, bool quiet)
{
	struct tcpr_flow *f, *old;
	struct tcpr_key k;
	size_t n, want;

	if (offset > len || more == 0)
		return (false);
	n = len - offset;
	if (n > r->pdu_max || (more != TCP_DESEGMENT_ONE_MORE &&
	    more > r->pdu_max - n) || r->bytes + n > r->bytes_max) {
		count(&n_bytes_full, quiet);
		return (false);
	}
	key_of(s, &k);
	if ((old = g_hash_table_lookup(r->flows, &k)) != NULL)
		flow_drop(r, old);	/* cannot happen: it was handed over */
	if (g_hash_table_size(r->flows) >= r->flows_max) {
		count(&n_flows_full, quiet);
		return (false);
	}
	f = g_new0(struct tcpr_flow, 1);
	f->key = k;
	f->d = d;
	f->next_seq = s->seq + (uint32_t)s->len;
	f->need = more == TCP_DESEGMENT_ONE_MORE ? 0 : n + more;
	/* A PDU of known length gets its whole buffer at once (no copy as
	 * it grows), while the buffers in all stay within twice the bytes
	 * held at most: a length announced and never sent costs little. */
	want = f->need != 0 ? MIN(f->need, r->pdu_max) : TCPR_FIRST_CAP;
	if (want > TCPR_FIRST_CAP && r->alloc + want > 2 * r->bytes_max)
		want = TCPR_FIRST_CAP;
	f->cap = MAX(n, want);
	r->alloc += f->cap;
	f->data = g_malloc(f->cap);
	if (n > 0)
		memcpy(f->data, data + offset, n);
	f->len = n;
	f->last_ns = s->ts_ns;
	r->bytes += n;
	g_hash_table_insert(r->flows, &f->key, f);
	return (true);
}

bool
tcpreasm_skip(struct tcpreasm *r, const struct tcpr_segment *s, size_t more)
{
	struct tcpr_flow *f;
	struct tcpr_key k;

	if (more == 0 || more >= TCP_DESEGMENT_ONE_MORE)
		return (false);
	key_of(s, &k);
	if (g_hash_table_lookup(r->flows, &k) != NULL ||
	    g_hash_table_size(r->flows) >= r->flows_max)
		return (false);
	f = g_new0(struct tcpr_flow, 1);
	f->key = k;
	f->skip = true;
	f->next_seq = s->seq + (uint32_t)s->len;
	f->end_seq = f->next_seq + (uint32_t)more;
	f->last_ns = s->ts_ns;
	g_hash_table_insert(r->flows, &f->key, f);
	return (true);
}

void
tcpreasm_counts_get(struct tcpreasm_counts *c)
{
	c->gaps = atomic_load(&n_gaps);
	c->flows_full = atomic_load(&n_flows_full);
	c->bytes_full = atomic_load(&n_bytes_full);
	c->timeouts = atomic_load(&n_timeouts);
}

void
tcpreasm_counts_reset(void)
{
	atomic_store(&n_gaps, 0);
	atomic_store(&n_flows_full, 0);
	atomic_store(&n_bytes_full, 0);
	atomic_store(&n_timeouts, 0);
}
