/*
 * The history ring; see pktring.h.
 *
 * A record is its header followed by the captured bytes, padded to 8 so
 * that the next header is aligned.  A chunk's generation tells a cursor
 * whether the chunk still holds what it was reading: the writer gives a
 * chunk a new generation each time it starts writing it from the top.
 */
#include <string.h>

#include <glib.h>

#include "pktring.h"

static size_t
rec_size(uint32_t caplen)
{
	return (sizeof(struct pktring_rec) + (((size_t)caplen + 7) & ~(size_t)7));
}

void
pktring_init(struct pktring *r, size_t budget)
{
	size_t chunk;

	memset(r, 0, sizeof(*r));
	r->budget = budget;
	/* Sixteen chunks of a large budget, so that recycling one drops a
	 * sixteenth of the history; never below PKTRING_CHUNK_MIN, which
	 * holds the largest live packet, unless the budget is smaller. */
	chunk = budget / PKTRING_CHUNKS;
	if (chunk < PKTRING_CHUNK_MIN)
		chunk = MIN(PKTRING_CHUNK_MIN, budget / 2);
	chunk &= ~(size_t)7;
	if (chunk < rec_size(0))
		return;
	r->chunk_size = chunk;
	r->nchunks = (unsigned)MIN(budget / chunk, G_MAXUINT);
	r->chunks = g_new0(struct pktring_chunk, r->nchunks);
}

void
pktring_free(struct pktring *r)
{
	unsigned i;

	for (i = 0; i < r->nchunks; i++)
		g_free(r->chunks[i].mem);
	g_free(r->chunks);
	memset(r, 0, sizeof(*r));
}

/* Starts writing chunk i from the top. */
static void
chunk_start(struct pktring *r, unsigned i)
{
	struct pktring_chunk *ch = &r->chunks[i];

	if (ch->mem == NULL)
		ch->mem = g_malloc(r->chunk_size);
	r->records -= ch->nrecs;
	r->dropped += ch->nrecs;
	ch->used = 0;
	ch->nrecs = 0;
	ch->gen = ++r->gen;
}

bool
pktring_add(struct pktring *r, uint64_t num, int64_t sec, uint32_t nsec,
    uint32_t len, uint32_t caplen, int linktype, const uint8_t *data)
{
	size_t need = rec_size(caplen);
	struct pktring_chunk *ch;
	struct pktring_rec *rec;

	if (r->nchunks == 0)
		return (false);
	if (need > r->chunk_size) {
		r->too_big++;
		return (false);
	}
	ch = &r->chunks[r->head];
	if (ch->mem == NULL)
		chunk_start(r, r->head);
	else if (ch->used + need > r->chunk_size) {
		r->head = (r->head + 1) % r->nchunks;
		if (r->head == 0)
			r->wrapped = true;
		chunk_start(r, r->head);
		ch = &r->chunks[r->head];
	}
	rec = (struct pktring_rec *)(void *)(ch->mem + ch->used);
	rec->num = num;
	rec->sec = sec;
	rec->nsec = nsec;
	rec->len = len;
	rec->caplen = caplen;
	rec->linktype = linktype;
	if (caplen > 0)
		memcpy(rec + 1, data, caplen);
	ch->used += need;
	ch->nrecs++;
	r->records++;
	return (true);
}

static unsigned
oldest_chunk(const struct pktring *r)
{
	return (r->wrapped ? (r->head + 1) % r->nchunks : 0);
}

const struct pktring_rec *
pktring_oldest(const struct pktring *r)
{
	const struct pktring_chunk *ch;

	if (r->records == 0)
		return (NULL);
	ch = &r->chunks[oldest_chunk(r)];
	return ((const struct pktring_rec *)(const void *)ch->mem);
}

void
pktring_rewind(struct pktring_cursor *cur)
{
	memset(cur, 0, sizeof(*cur));
}

static void
cursor_to_oldest(const struct pktring *r, struct pktring_cursor *cur)
{
	cur->started = true;
	cur->chunk = oldest_chunk(r);
	cur->gen = r->chunks[cur->chunk].gen;
	cur->off = 0;
}

const struct pktring_rec *
pktring_next(const struct pktring *r, struct pktring_cursor *cur,
    const uint8_t **data)
{
	const struct pktring_chunk *ch;
	const struct pktring_rec *rec;

	*data = NULL;
	if (r->records == 0)
		return (NULL);
	if (!cur->started)
		cursor_to_oldest(r, cur);
	for (;;) {
		ch = &r->chunks[cur->chunk];
		if (ch->gen != cur->gen) {
			/* Recycled under the cursor: go on from the oldest
			 * record held. */
			cursor_to_oldest(r, cur);
			ch = &r->chunks[cur->chunk];
		}
		if (cur->off < ch->used) {
			rec = (const struct pktring_rec *)(const void *)
			    (ch->mem + cur->off);
			*data = (const uint8_t *)(rec + 1);
			cur->off += rec_size(rec->caplen);
			return (rec);
		}
		if (cur->chunk == r->head)
			return (NULL);
		cur->chunk = (cur->chunk + 1) % r->nchunks;
		cur->gen = r->chunks[cur->chunk].gen;
		cur->off = 0;
	}
}
