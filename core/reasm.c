/*
 * The defragmentation table (reasm.h): a hash of datagrams in progress,
 * each a list of its fragments sorted by offset, and a queue of the same
 * datagrams in the order they began, which the timeout and the caps drop
 * from the front (the oldest first).  Everything held is counted in
 * bytes, its bookkeeping too, so the byte cap bounds the real memory.
 */
#include <string.h>

#include <glib.h>

#include "reasm.h"

struct frag {
	struct frag	*next;
	uint32_t	 off, len;
	uint8_t		 data[];
};

struct dgram {
	struct reasm_key key;
	GList		 link;		/* in reasm.order */
	struct frag	*frags;		/* by offset; equal offsets by arrival */
	int64_t		 first_ns;
	uint64_t	 held;		/* bytes, this struct included */
	uint32_t	 nfrags;
	uint32_t	 datalen;	/* when has_len */
	bool		 has_len;
};

struct reasm {
	GHashTable	*map;		/* struct reasm_key * -> struct dgram * */
	GQueue		 order;		/* oldest first */
	uint32_t	 max_dgrams;
	uint64_t	 max_bytes;
	int64_t		 timeout_ns;
	uint8_t		*done[REASM_DONE_MAX];
	int		 ndone;
	struct reasm_counts c;
};

static guint
key_hash(gconstpointer p)
{
	const struct reasm_key *k = p;

	/* The id differs between datagrams of one pair of hosts. */
	return (k->id ^ (guint)(k->src.data[3] ^ k->src.data[15]) << 24 ^
	    (guint)(k->dst.data[3] ^ k->dst.data[15]) << 16 ^ k->proto);
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	return (memcmp(a, b, sizeof(struct reasm_key)) == 0);
}

struct reasm *
reasm_new(uint32_t max_dgrams, uint64_t max_bytes, int64_t timeout_ns)
{
	struct reasm *r = g_new0(struct reasm, 1);

	r->map = g_hash_table_new(key_hash, key_equal);
	g_queue_init(&r->order);
	r->max_dgrams = max_dgrams != 0 ? max_dgrams : REASM_DGRAMS_MAX;
	r->max_bytes = max_bytes != 0 ? max_bytes : REASM_BYTES_MAX;
	r->timeout_ns = timeout_ns != 0 ? timeout_ns : REASM_TIMEOUT_NS;
	return (r);
}

static void
dgram_drop(struct reasm *r, struct dgram *d)
{
	struct frag *f, *next;

	g_hash_table_remove(r->map, &d->key);
	g_queue_unlink(&r->order, &d->link);
	for (f = d->frags; f != NULL; f = next) {
		next = f->next;
		g_free(f);
	}
	r->c.bytes -= d->held;
	r->c.dgrams--;
	g_free(d);
}

void
reasm_packet_end(struct reasm *r)
{
	while (r->ndone > 0)
		g_free(r->done[--r->ndone]);
}

void
reasm_free(struct reasm *r)
{
	if (r == NULL)
		return;
	while (r->order.head != NULL)
		dgram_drop(r, r->order.head->data);
	reasm_packet_end(r);
	g_hash_table_destroy(r->map);
	g_free(r);
}

/* Drops datagrams from the front that began more than the timeout before
 * now.  Only the front is looked at: a capture's times run forward (one
 * that jumps back only delays the drop until the caps do it). */
static void
expire(struct reasm *r, int64_t now_ns)
{
	struct dgram *d;

	while (r->order.head != NULL) {
		d = r->order.head->data;
		if (now_ns - d->first_ns <= r->timeout_ns)
			break;
		r->c.timeout++;
		dgram_drop(r, d);
	}
}

/* Makes room for need more bytes (and a datagram, when adding one) by
 * dropping the oldest datagrams other than keep; false when even that
 * cannot. */
static bool
make_room(struct reasm *r, uint64_t need, bool new_dgram,
    const struct dgram *keep)
{
	struct dgram *d;
	GList *l = r->order.head;

	while (r->c.bytes + need > r->max_bytes ||
	    (new_dgram && r->c.dgrams >= r->max_dgrams)) {
		while (l != NULL && l->data == keep)
			l = l->next;
		if (l == NULL)
			return (false);
		d = l->data;
		l = l->next;
		r->c.full++;
		dgram_drop(r, d);
	}
	return (true);
}

/* Whether the fragments cover [0, datalen) without a hole. */
static bool
complete(const struct dgram *d)
{
	const struct frag *f;
	uint64_t max = 0;

	if (!d->has_len)
		return (false);
	for (f = d->frags; f != NULL; f = f->next)
		if (f->off <= max && (uint64_t)f->off + f->len > max)
			max = (uint64_t)f->off + f->len;
	return (max >= d->datalen);
}

/* Lays the fragments down in offset order; bytes past the length are
 * dropped, a fragment wholly inside what is laid down adds nothing. */
static void
assemble(const struct dgram *d, uint8_t *buf)
{
	const struct frag *f;
	uint32_t pos = 0, end;

	for (f = d->frags; f != NULL; f = f->next) {
		if (f->off >= d->datalen || f->off + f->len <= pos)
			continue;
		end = MIN(f->off + f->len, d->datalen);
		memcpy(buf + f->off, f->data, end - f->off);
		pos = MAX(pos, end);
	}
}

enum reasm_result
reasm_add(struct reasm *r, const struct reasm_key *key, int64_t now_ns,
    uint32_t off, const uint8_t *p, uint32_t len, bool more,
    const uint8_t **out, uint32_t *outlen)
{
	struct dgram *d;
	struct frag *f, **pp;
	uint64_t need;
	uint8_t *buf;

	if (len == 0)
		return (REASM_REFUSED);
	if ((uint64_t)off + len > REASM_DATAGRAM_MAX) {
		r->c.bogus++;
		return (REASM_REFUSED);
	}
	expire(r, now_ns);
	d = g_hash_table_lookup(r->map, key);
	if (d != NULL && now_ns - d->first_ns > r->timeout_ns) {
		/* Its time went backwards past the front: still too old. */
		r->c.timeout++;
		dgram_drop(r, d);
		d = NULL;
	}
	if (d != NULL && d->nfrags >= REASM_FRAGS_MAX) {
		r->c.full++;
		dgram_drop(r, d);
		return (REASM_REFUSED);
	}
	need = sizeof(*f) + len + (d == NULL ? sizeof(*d) : 0);
	if (!make_room(r, need, d == NULL, d)) {
		if (d != NULL) {
			r->c.full++;
			dgram_drop(r, d);
		}
		return (REASM_REFUSED);
	}
	if (d == NULL) {
		d = g_new0(struct dgram, 1);
		d->key = *key;
		d->first_ns = now_ns;
		d->held = sizeof(*d);
		d->link.data = d;
		g_queue_push_tail_link(&r->order, &d->link);
		g_hash_table_insert(r->map, &d->key, d);
		r->c.dgrams++;
		r->c.bytes += sizeof(*d);
	}
	f = g_malloc(sizeof(*f) + len);
	f->off = off;
	f->len = len;
	memcpy(f->data, p, len);
	for (pp = &d->frags; *pp != NULL && (*pp)->off <= off;
	    pp = &(*pp)->next)
		;
	f->next = *pp;
	*pp = f;
	d->nfrags++;
	d->held += sizeof(*f) + len;
	r->c.bytes += sizeof(*f) + len;
	if (!more && !d->has_len) {
		/* The first tail fixes the length; a later one that
		 * disagrees is an error Wireshark flags, not a new length. */
		d->datalen = off + len;
		d->has_len = true;
	}
	if (!complete(d))
		return (REASM_HELD);
	if (r->ndone == REASM_DONE_MAX) {
		/* More datagrams completed in one packet than tunnels nest. */
		r->c.full++;
		dgram_drop(r, d);
		return (REASM_REFUSED);
	}
	buf = g_malloc(MAX(d->datalen, 1));
	assemble(d, buf);
	r->done[r->ndone++] = buf;
	*out = buf;
	*outlen = d->datalen;
	r->c.done++;
	dgram_drop(r, d);
	return (REASM_DONE);
}

void
reasm_counts_get(const struct reasm *r, struct reasm_counts *c)
{
	*c = r->c;
}
