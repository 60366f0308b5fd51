/*
 * The pcapng writer (pcapng_writer.h): blocks built in one buffer, one
 * write(2) each.  Runs on the capture thread, a block per matching
 * packet; the counters are atomics because the rules panel reads them
 * from the drawing thread.
 *
 *   SHB: 0x0A0D0D0A | len | 0x1A2B3C4D | major 1 | minor 0 | -1 (u64) | len
 *   IDB: 1 | len | linktype u16 | 0 u16 | snaplen | if_tsresol=9 | end | len
 *   EPB: 6 | len | iface | ts hi | ts lo | caplen | len | data, padded | len
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "pcapng_writer.h"

#define BT_SHB		0x0A0D0D0Au
#define BT_IDB		0x00000001u
#define BT_EPB		0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_TSRESOL	9
#define EPB_FIXED	32	/* an EPB without its data */

struct pcapng_writer {
	char		**names;	/* the ring's file names */
	unsigned	 nfiles;
	unsigned	 slot;		/* the file being written */
	uint64_t	 size_cap;
	uint64_t	 size;		/* of the current file */
	uint64_t	 packets_in_file;
	int		 fd;
	int		 linktypes[PCAPNG_IFACES_MAX];
	int		 nifaces;
	uint8_t		*block;		/* EPB_FIXED + PCAPNG_SNAPLEN + 3 */
	_Atomic uint64_t bytes, packets, errors;
};

static size_t
put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return (4);
}

static size_t
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
	return (2);
}

size_t
pcapng_shb(uint8_t *out)
{
	uint64_t section_len = UINT64_MAX;	/* -1: not given */
	size_t o = 0;

	o += put32(out + o, BT_SHB);
	o += put32(out + o, 28);
	o += put32(out + o, BYTE_ORDER_MAGIC);
	o += put16(out + o, 1);
	o += put16(out + o, 0);
	memcpy(out + o, &section_len, 8);
	o += 8;
	o += put32(out + o, 28);
	return (o);
}

size_t
pcapng_idb(uint8_t *out, int linktype, uint32_t snaplen)
{
	size_t o = 0;

	o += put32(out + o, BT_IDB);
	o += put32(out + o, 32);
	o += put16(out + o, (uint16_t)linktype);
	o += put16(out + o, 0);
	o += put32(out + o, snaplen);
	/* if_tsresol: 10^-9, so timestamps are in nanoseconds. */
	o += put16(out + o, OPT_TSRESOL);
	o += put16(out + o, 1);
	out[o++] = 9;
	out[o++] = 0;
	out[o++] = 0;
	out[o++] = 0;
	o += put32(out + o, 0);		/* opt_endofopt */
	o += put32(out + o, 32);
	return (o);
}

size_t
pcapng_epb(uint8_t *out, uint32_t iface, int64_t ts_sec, uint32_t ts_nsec,
    const uint8_t *data, uint32_t caplen, uint32_t len)
{
	uint64_t ts = (uint64_t)ts_sec * 1000000000u + ts_nsec;
	uint32_t pad = (4 - caplen % 4) % 4;
	uint32_t total = EPB_FIXED + caplen + pad;
	size_t o = 0;

	o += put32(out + o, BT_EPB);
	o += put32(out + o, total);
	o += put32(out + o, iface);
	o += put32(out + o, (uint32_t)(ts >> 32));
	o += put32(out + o, (uint32_t)ts);
	o += put32(out + o, caplen);
	o += put32(out + o, len);
	memcpy(out + o, data, caplen);
	o += caplen;
	memset(out + o, 0, pad);
	o += pad;
	o += put32(out + o, total);
	return (o);
}

char *
pcapng_slot_name(const char *path, unsigned i)
{
	size_t n = strlen(path);

	if (i == 0)
		return (g_strdup(path));
	if (n > 7 && strcmp(path + n - 7, ".pcapng") == 0)
		return (g_strdup_printf("%.*s.%u.pcapng", (int)(n - 7), path,
		    i));
	return (g_strdup_printf("%s.%u", path, i));
}

/* One whole block, one write(2) (a regular file takes it whole, or fails
 * with nothing written but for a full disk). */
static bool
write_block(struct pcapng_writer *w, const uint8_t *b, size_t n)
{
	ssize_t k;

	do
		k = write(w->fd, b, n);
	while (k < 0 && errno == EINTR);
	if (k != (ssize_t)n) {
		atomic_fetch_add(&w->errors, 1);
		return (false);
	}
	w->size += n;
	atomic_fetch_add(&w->bytes, n);
	return (true);
}

/* The file's head: the SHB and the IDBs of the link types known. */
static bool
write_head(struct pcapng_writer *w)
{
	uint8_t b[32];
	int i;

	if (!write_block(w, b, pcapng_shb(b)))
		return (false);
	for (i = 0; i < w->nifaces; i++)
		if (!write_block(w, b, pcapng_idb(b, w->linktypes[i],
		    PCAPNG_SNAPLEN)))
			return (false);
	return (true);
}

static int
open_slot(struct pcapng_writer *w, char **err)
{
	int fd = open(w->names[w->slot], O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0644);

	if (fd < 0 && err != NULL)
		*err = g_strdup_printf("%s: %s", w->names[w->slot],
		    g_strerror(errno));
	return (fd);
}

struct pcapng_writer *
pcapng_writer_open(const char *path, uint64_t size_cap, unsigned nfiles,
    char **err)
{
	struct pcapng_writer *w = g_new0(struct pcapng_writer, 1);
	unsigned i;

	w->size_cap = size_cap;
	w->nfiles = size_cap > 0 && nfiles > 0 ? nfiles : 1;
	w->names = g_new0(char *, w->nfiles + 1);
	for (i = 0; i < w->nfiles; i++)
		w->names[i] = pcapng_slot_name(path, i);
	w->block = g_malloc(EPB_FIXED + PCAPNG_SNAPLEN + 4);
	if ((w->fd = open_slot(w, err)) < 0 || !write_head(w)) {
		if (w->fd >= 0 && err != NULL)
			*err = g_strdup_printf("%s: %s", path,
			    g_strerror(errno));
		pcapng_writer_close(w);
		return (NULL);
	}
	return (w);
}

/* The next file of the ring, truncated, with its head. */
static bool
rotate(struct pcapng_writer *w)
{
	close(w->fd);
	w->slot = (w->slot + 1) % w->nfiles;
	w->size = 0;
	w->packets_in_file = 0;
	if ((w->fd = open_slot(w, NULL)) < 0) {
		atomic_fetch_add(&w->errors, 1);
		return (false);
	}
	return (write_head(w));
}

bool
pcapng_writer_packet(struct pcapng_writer *w, int linktype, int64_t ts_sec,
    uint32_t ts_nsec, const uint8_t *data, uint32_t caplen, uint32_t len)
{
	uint8_t idb[32];
	size_t n;
	int i;

	if (w->fd < 0) {
		atomic_fetch_add(&w->errors, 1);
		return (false);
	}
	if (caplen > PCAPNG_SNAPLEN)
		caplen = PCAPNG_SNAPLEN;
	for (i = 0; i < w->nifaces && w->linktypes[i] != linktype; i++)
		;
	if (i == w->nifaces) {
		if (w->nifaces == PCAPNG_IFACES_MAX) {
			atomic_fetch_add(&w->errors, 1);
			return (false);
		}
		w->linktypes[w->nifaces++] = linktype;
		if (!write_block(w, idb, pcapng_idb(idb, linktype,
		    PCAPNG_SNAPLEN)))
			return (false);
	}
	n = pcapng_epb(w->block, (uint32_t)i, ts_sec, ts_nsec, data, caplen,
	    len);
	if (w->size_cap > 0 && w->packets_in_file > 0 &&
	    w->size + n > w->size_cap && !rotate(w))
		return (false);
	if (!write_block(w, w->block, n))
		return (false);
	w->packets_in_file++;
	atomic_fetch_add(&w->packets, 1);
	return (true);
}

void
pcapng_writer_close(struct pcapng_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	g_strfreev(w->names);
	g_free(w->block);
	g_free(w);
}

uint64_t
pcapng_writer_bytes(const struct pcapng_writer *w)
{
	return (w == NULL ? 0 : atomic_load(&((struct pcapng_writer *)w)->bytes));
}

uint64_t
pcapng_writer_packets(const struct pcapng_writer *w)
{
	return (w == NULL ? 0 :
	    atomic_load(&((struct pcapng_writer *)w)->packets));
}

uint64_t
pcapng_writer_errors(const struct pcapng_writer *w)
{
	return (w == NULL ? 0 :
	    atomic_load(&((struct pcapng_writer *)w)->errors));
}
