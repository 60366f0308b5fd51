/*
 * Capture-file reader; see pcapfile.h for why it exists.
 *
 * File formats: the pcap header and record layout (tcpdump's savefile),
 * and pcapng (draft-ietf-opsawg-pcapng): blocks of
 *   type(4) total_length(4) body... total_length(4)
 * with the Section Header Block giving the byte order, Interface
 * Description Blocks the link type and if_tsresol, and Enhanced, Simple and
 * the obsolete Packet Blocks the packets.  Unknown blocks are skipped.
 *
 * Input goes through a buffer of our own over the descriptor, not stdio:
 * on anything but a regular file each refill first polls the descriptor
 * for at most PCAPFILE_WAIT_MS, and asks the cancel function between two
 * polls.  Nothing read is ever dropped or reordered: a wait that is
 * cancelled ends the reading for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "pcapfile.h"

#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du
#define PCAP_MAGIC_MODIFIED	0xa1b2cd34u
#define PCAPNG_SHB		0x0a0d0d0au
#define PCAPNG_BOM		0x1a2b3c4du
#define PCAPNG_IDB		1u
#define PCAPNG_PB		2u
#define PCAPNG_SPB		3u
#define PCAPNG_EPB		6u
#define PCAPNG_MAX_BLOCK	(PCAPFILE_MAX_PACKET + 4096)
#define READ_BUF		(1u << 16)	/* reads that stay in the cache */

struct iface {
	int		 linktype;
	uint32_t	 snaplen;
	uint64_t	 units;		/* timestamp units per second */
};

struct pcapfile {
	int		 fd;
	bool		 is_stdin;
	bool		 pollable;	/* not a regular file: wait in poll */
	bool		 positional;	/* a regular file: pread at pos */
	off_t		 pos;		/* the next byte, when positional */
	uint8_t		*rbuf;		/* READ_BUF bytes */
	size_t		 rlen, roff;	/* bytes in rbuf, bytes used */
	int		 rerrno;	/* a read error, or 0 */
	bool		 cancelled;	/* sticky */
	pcapfile_cancel_fn cancel;
	void		*cancel_arg;
	bool		 ng;
	bool		 swap;		/* file byte order differs from ours */
	bool		 modified;	/* 0xa1b2cd34 records */
	uint64_t	 pcap_units;	/* 1e6 or 1e9 */
	int		 pcap_linktype;
	uint32_t	 pcap_snaplen;
	struct iface	*ifaces;
	uint32_t	 nifaces;
	uint8_t		*block;		/* one record or block */
	size_t		 blocksize;
	uint64_t	 records;
	char		*error;
};

static uint32_t
u32(const struct pcapfile *pf, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (pf->swap ? GUINT32_SWAP_LE_BE(v) : v);
}

static uint16_t
u16(const struct pcapfile *pf, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return (pf->swap ? GUINT16_SWAP_LE_BE(v) : v);
}

static enum pcapfile_result G_GNUC_PRINTF(2, 3)
fail(struct pcapfile *pf, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_free(pf->error);
	pf->error = g_strdup_printf("%s after %" G_GUINT64_FORMAT
	    " packets", msg, pf->records);
	g_free(msg);
	return (PCAPFILE_ERROR);
}

/*
 * Fills rbuf: 1 with bytes, 0 at the end of the input, -1 on a read error
 * (rerrno) or a cancelled wait (cancelled).  A pipe is polled first, so
 * that the wait for a writer that says nothing is cut into slices.
 */
static int
refill(struct pcapfile *pf)
{
	struct pollfd pfd;
	ssize_t k;
	int r;

	if (pf->cancelled || pf->rerrno != 0)
		return (-1);
	for (;;) {
		if (pf->pollable) {
			pfd.fd = pf->fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			r = poll(&pfd, 1, PCAPFILE_WAIT_MS);
			if (r < 0 && errno != EINTR && errno != EAGAIN) {
				pf->rerrno = errno;
				return (-1);
			}
			if (r <= 0) {
				if (pf->cancel != NULL &&
				    pf->cancel(pf->cancel_arg)) {
					pf->cancelled = true;
					return (-1);
				}
				continue;
			}
		}
		/* A regular file is read at an offset of our own, so that a
		 * second reader of the same descriptor (pcapfile_reopen)
		 * never moves this one. */
		if (pf->positional)
			k = pread(pf->fd, pf->rbuf, READ_BUF, pf->pos);
		else
			k = read(pf->fd, pf->rbuf, READ_BUF);
		if (k > 0) {
			if (pf->positional)
				pf->pos += k;
			pf->rlen = (size_t)k;
			pf->roff = 0;
			return (1);
		}
		if (k == 0)
			return (0);
		/* EAGAIN: someone set O_NONBLOCK on a shared stdin. */
		if (errno == EINTR || (errno == EAGAIN && pf->pollable))
			continue;
		pf->rerrno = errno;
		return (-1);
	}
}

/* Reads exactly n bytes: 1 done, 0 clean end before any byte, -1 cut
 * (or a read error, or a cancelled wait). */
static int
read_exact(struct pcapfile *pf, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t got = 0, k;
	int r;

	while (got < n) {
		if (pf->roff == pf->rlen) {
			r = refill(pf);
			if (r <= 0)
				return (r == 0 && got == 0 ? 0 : -1);
		}
		k = MIN(n - got, pf->rlen - pf->roff);
		memcpy(d + got, pf->rbuf + pf->roff, k);
		pf->roff += k;
		got += k;
	}
	return (1);
}

static bool
grow(struct pcapfile *pf, size_t n)
{
	if (n <= pf->blocksize)
		return (true);
	if (n > PCAPNG_MAX_BLOCK)
		return (false);
	pf->block = g_realloc(pf->block, n);
	pf->blocksize = n;
	return (true);
}

static void
split_ts(uint64_t t, uint64_t units, int64_t *sec, uint32_t *nsec)
{
	uint64_t frac;

	if (units == 0)
		units = 1000000;
	*sec = (int64_t)(t / units);
	frac = t % units;
	/* Scale the fraction to nanoseconds without overflowing. */
	if (units >= 1000000000)
		*nsec = (uint32_t)(frac / (units / 1000000000));
	else
		*nsec = (uint32_t)(frac * (1000000000 / units));
}

/* --- pcap --- */

static enum pcapfile_result
pcap_next_record(struct pcapfile *pf, struct pcapfile_packet *pkt)
{
	uint8_t hdr[24];
	const uint8_t *h = hdr;
	size_t hlen = pf->modified ? 24 : 16;
	uint32_t caplen, len, frac;
	int r;

#ifndef __SANITIZE_ADDRESS__
	/* A record whole in the read buffer (nearly all of them) is read in
	 * place: no copy of its header or data.  Not under AddressSanitizer,
	 * whose tests should see a read past a packet's end, which the
	 * exact-size copy below makes one past a block. */
	if (pf->rlen - pf->roff >= hlen) {
		h = pf->rbuf + pf->roff;
		caplen = u32(pf, h + 8);
		if (caplen <= pf->rlen - pf->roff - hlen) {
			len = u32(pf, h + 12);
			pf->roff += hlen + caplen;
			pkt->data = h + hlen;
			goto parsed;
		}
		h = hdr;
	}
#endif
	r = read_exact(pf, hdr, hlen);
	if (r == 0)
		return (PCAPFILE_EOF);
	if (r < 0)
		return (fail(pf, "truncated file: a packet header is cut "
		    "short"));
	caplen = u32(pf, hdr + 8);
	len = u32(pf, hdr + 12);
	if (caplen > PCAPFILE_MAX_PACKET)
		return (fail(pf, "corrupt file: a packet claims %u captured "
		    "bytes", caplen));
	if (!grow(pf, caplen > 0 ? caplen : 1))
		return (fail(pf, "corrupt file: packet too large"));
	if (caplen > 0 && read_exact(pf, pf->block, caplen) != 1)
		return (fail(pf, "truncated file: a packet of %u bytes is "
		    "cut short", caplen));
	pkt->data = pf->block;
#ifndef __SANITIZE_ADDRESS__
parsed:
#endif
	frac = u32(pf, h + 4);
	pkt->ts_sec = u32(pf, h);
	pkt->ts_nsec = pf->pcap_units == 1000000000 ? frac :
	    (uint32_t)((uint64_t)frac * 1000);
	if (pkt->ts_nsec >= 1000000000u) {	/* a bad fraction: carry it */
		pkt->ts_sec += pkt->ts_nsec / 1000000000u;
		pkt->ts_nsec %= 1000000000u;
	}
	pkt->caplen = caplen;
	pkt->len = len < caplen ? caplen : len;
	pkt->linktype = pf->pcap_linktype;
	return (PCAPFILE_OK);
}

static bool
pcap_open_header(struct pcapfile *pf, const uint8_t *magic, char **err)
{
	uint8_t rest[20];
	uint32_t m;

	memcpy(&m, magic, 4);
	if (m == PCAP_MAGIC_US || m == PCAP_MAGIC_NS ||
	    m == PCAP_MAGIC_MODIFIED)
		pf->swap = false;
	else {
		pf->swap = true;
		m = GUINT32_SWAP_LE_BE(m);
	}
	pf->pcap_units = m == PCAP_MAGIC_NS ? 1000000000 : 1000000;
	pf->modified = m == PCAP_MAGIC_MODIFIED;
	if (read_exact(pf, rest, sizeof(rest)) != 1) {
		*err = g_strdup("truncated file: the pcap header is cut short");
		return (false);
	}
	pf->pcap_snaplen = u32(pf, rest + 12);
	/* The upper bits of the link type carry FCS information. */
	pf->pcap_linktype = (int)(u32(pf, rest + 16) & 0x0fffffff);
	return (true);
}

/* --- pcapng --- */

static uint64_t
tsresol_units(uint8_t v)
{
	uint64_t u = 1;
	int i, e = v & 0x7f;

	if (v & 0x80) {
		if (e > 63)
			return (0);
		return ((uint64_t)1 << e);
	}
	if (e > 19)
		return (0);
	for (i = 0; i < e; i++)
		u *= 10;
	return (u);
}

static enum pcapfile_result
ng_idb(struct pcapfile *pf, const uint8_t *body, uint32_t blen)
{
	struct iface *ifc;
	uint32_t off;

	if (blen < 8)
		return (fail(pf, "corrupt file: short interface block"));
	if (pf->nifaces >= PCAPFILE_MAX_IFACES)
		return (fail(pf, "corrupt file: more than %d interfaces",
		    PCAPFILE_MAX_IFACES));
	pf->ifaces = g_renew(struct iface, pf->ifaces, pf->nifaces + 1);
	ifc = &pf->ifaces[pf->nifaces++];
	ifc->linktype = u16(pf, body);
	ifc->snaplen = u32(pf, body + 4);
	ifc->units = 1000000;
	/* Options: code(2) length(2) value, padded to 4; walk to the end. */
	for (off = 8; off + 4 <= blen;) {
		uint16_t code = u16(pf, body + off);
		uint16_t olen = u16(pf, body + off + 2);

		if (code == 0)
			break;
		if ((uint32_t)olen > blen - off - 4)
			break;			/* bad option: keep defaults */
		if (code == 9 && olen >= 1) {
			uint64_t u = tsresol_units(body[off + 4]);

			if (u != 0)
				ifc->units = u;
		}
		off += 4 + (((uint32_t)olen + 3) & ~3u);
	}
	return (PCAPFILE_OK);
}

static enum pcapfile_result
ng_packet(struct pcapfile *pf, uint32_t type, const uint8_t *body,
    uint32_t blen, struct pcapfile_packet *pkt)
{
	uint32_t ifid, caplen, len, hlen;
	uint64_t ts = 0;
	struct iface *ifc;

	if (type == PCAPNG_SPB) {
		if (blen < 4)
			return (fail(pf, "corrupt file: short packet block"));
		ifid = 0;
		len = u32(pf, body);
		caplen = MIN(len, blen - 4);
		hlen = 4;
	} else {
		if (blen < 20)
			return (fail(pf, "corrupt file: short packet block"));
		ifid = type == PCAPNG_PB ? u16(pf, body) : u32(pf, body);
		ts = (uint64_t)u32(pf, body + 4) << 32 | u32(pf, body + 8);
		caplen = u32(pf, body + 12);
		len = u32(pf, body + 16);
		hlen = 20;
		if (caplen > blen - hlen)
			return (fail(pf, "corrupt file: a packet's captured "
			    "length exceeds its block"));
	}
	if (ifid >= pf->nifaces)
		return (fail(pf, "corrupt file: a packet names interface %u "
		    "of %u", ifid, pf->nifaces));
	ifc = &pf->ifaces[ifid];
	if (type == PCAPNG_SPB && ifc->snaplen > 0 && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	split_ts(ts, ifc->units, &pkt->ts_sec, &pkt->ts_nsec);
	pkt->caplen = caplen;
	pkt->len = len < caplen ? caplen : len;
	pkt->linktype = ifc->linktype;
	pkt->data = body + hlen;
	return (PCAPFILE_OK);
}

/* The Section Header Block after its type: byte order, then skip. */
static enum pcapfile_result
ng_section(struct pcapfile *pf, const uint8_t lenbuf[4])
{
	uint8_t bom[4];
	uint32_t m, blen;

	if (read_exact(pf, bom, 4) != 1)
		return (fail(pf, "truncated file: section header cut short"));
	memcpy(&m, bom, 4);
	if (m == PCAPNG_BOM)
		pf->swap = false;
	else if (GUINT32_SWAP_LE_BE(m) == PCAPNG_BOM)
		pf->swap = true;
	else
		return (fail(pf, "corrupt file: bad pcapng byte-order magic"));
	blen = u32(pf, lenbuf);
	if (blen < 28 || blen % 4 != 0 || blen > PCAPNG_MAX_BLOCK)
		return (fail(pf, "corrupt file: bad section header length "
		    "%u", blen));
	if (!grow(pf, blen) || read_exact(pf, pf->block, blen - 12) != 1)
		return (fail(pf, "truncated file: section header cut short"));
	/* A new section starts a new set of interfaces. */
	pf->nifaces = 0;
	return (PCAPFILE_OK);
}

static enum pcapfile_result
pcapng_next_record(struct pcapfile *pf, struct pcapfile_packet *pkt)
{
	uint8_t hdr[8];
	uint32_t type, blen, body;
	enum pcapfile_result r;
	int rr;

	for (;;) {
		rr = read_exact(pf, hdr, 8);
		if (rr == 0)
			return (PCAPFILE_EOF);
		if (rr < 0)
			return (fail(pf, "truncated file: a block header is "
			    "cut short"));
		type = u32(pf, hdr);
		if (type == PCAPNG_SHB) {
			if ((r = ng_section(pf, hdr + 4)) != PCAPFILE_OK)
				return (r);
			continue;
		}
		blen = u32(pf, hdr + 4);
		if (blen < 12 || blen % 4 != 0 || blen > PCAPNG_MAX_BLOCK)
			return (fail(pf, "corrupt file: bad block length %u",
			    blen));
		if (!grow(pf, blen))
			return (fail(pf, "corrupt file: block too large"));
		if (read_exact(pf, pf->block, blen - 8) != 1)
			return (fail(pf, "truncated file: a block of %u bytes "
			    "is cut short", blen));
		body = blen - 12;
		switch (type) {
		case PCAPNG_IDB:
			if ((r = ng_idb(pf, pf->block, body)) != PCAPFILE_OK)
				return (r);
			break;
		case PCAPNG_EPB:
		case PCAPNG_SPB:
		case PCAPNG_PB:
			return (ng_packet(pf, type, pf->block, body, pkt));
		default:
			break;		/* statistics, names, custom: skip */
		}
	}
}

/* --- the interface --- */

/* Why a failed read failed, for pcapfile_open's message. */
static const char *
open_failure(const struct pcapfile *pf, int r, const char *what)
{
	if (pf->rerrno != 0)
		return (g_strerror(pf->rerrno));
	return (r == 0 ? "the file is empty" : what);
}

/* The descriptor of path, and whether reading it must be polled. */
static bool
open_fd(struct pcapfile *pf, const char *path, const char *name, char **err)
{
	struct stat st;
	int fl;

	if (pf->is_stdin)
		pf->fd = STDIN_FILENO;
	/* Not blocking, so that opening a FIFO does not wait for its writer
	 * here (the poll in refill does, in slices). */
	else if ((pf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return (false);
	}
	if (isatty(pf->fd)) {
		*err = pf->is_stdin ? g_strdup("standard input is a terminal; "
		    "pipe a capture into it") : g_strdup_printf("%s: a "
		    "terminal, not a capture file", name);
		return (false);
	}
	if (!pf->is_stdin && (fl = fcntl(pf->fd, F_GETFL)) >= 0)
		(void)fcntl(pf->fd, F_SETFL, fl & ~O_NONBLOCK);
	pf->pollable = fstat(pf->fd, &st) != 0 || !S_ISREG(st.st_mode);
	pf->positional = !pf->pollable && !pf->is_stdin;
	return (true);
}

static struct pcapfile *read_header(struct pcapfile *, const char *name,
	    bool *cancelled, char **err);

struct pcapfile *
pcapfile_open_cancellable(const char *path, pcapfile_cancel_fn cancel,
    void *arg, bool *cancelled, char **err)
{
	struct pcapfile *pf;
	const char *name;

	if (cancelled != NULL)
		*cancelled = false;
	pf = g_new0(struct pcapfile, 1);
	pf->is_stdin = strcmp(path, "-") == 0;
	pf->fd = -1;
	pf->cancel = cancel;
	pf->cancel_arg = arg;
	name = pf->is_stdin ? "stdin" : path;
	if (!open_fd(pf, path, name, err)) {
		pcapfile_close(pf);
		return (NULL);
	}
	return (read_header(pf, name, cancelled, err));
}

/*
 * A second reader of pf's file from its first byte, on a duplicate of its
 * descriptor, without opening the path again: the refills of a file read
 * after the privilege drop, when the path may no longer be open to us
 * (privdrop.h).  Both read at offsets of their own (pread), so they may be
 * used one after the other by one thread.  Regular files only.
 */
struct pcapfile *
pcapfile_reopen(const struct pcapfile *orig, const char *name, char **err)
{
	struct pcapfile *pf;

	if (!orig->positional) {
		*err = g_strdup_printf("%s: not a regular file, cannot be "
		    "read again", name);
		return (NULL);
	}
	pf = g_new0(struct pcapfile, 1);
	pf->positional = true;
	if ((pf->fd = fcntl(orig->fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		*err = g_strdup_printf("%s: %s", name, g_strerror(errno));
		g_free(pf);
		return (NULL);
	}
	return (read_header(pf, name, NULL, err));
}

/* The magic and the first header of an opened file; consumes pf on
 * failure. */
static struct pcapfile *
read_header(struct pcapfile *pf, const char *name, bool *cancelled,
    char **err)
{
	uint8_t magic[4];
	uint32_t m;
	int r;

	pf->rbuf = g_malloc(READ_BUF);
	r = read_exact(pf, magic, 4);
	if (r != 1) {
		*err = g_strdup_printf("%s: %s", name, open_failure(pf, r,
		    "too short to be a capture file"));
		goto fail;
	}
	memcpy(&m, magic, 4);
	if (m == PCAPNG_SHB) {
		uint8_t len[4];

		pf->ng = true;
		if (read_exact(pf, len, 4) != 1 ||
		    ng_section(pf, len) != PCAPFILE_OK) {
			*err = g_strdup_printf("%s: %s", name, pf->rerrno != 0 ||
			    pf->error == NULL ? open_failure(pf, -1,
			    "truncated pcapng section header") : pf->error);
			goto fail;
		}
	} else {
		uint32_t s = GUINT32_SWAP_LE_BE(m);

		if (m != PCAP_MAGIC_US && m != PCAP_MAGIC_NS &&
		    m != PCAP_MAGIC_MODIFIED && s != PCAP_MAGIC_US &&
		    s != PCAP_MAGIC_NS && s != PCAP_MAGIC_MODIFIED) {
			*err = g_strdup_printf("%s: not a pcap or pcapng "
			    "capture file", name);
			goto fail;
		}
		if (!pcap_open_header(pf, magic, err)) {
			char *e = *err;

			*err = g_strdup_printf("%s: %s", name, pf->rerrno != 0 ?
			    g_strerror(pf->rerrno) : e);
			g_free(e);
			goto fail;
		}
	}
	return (pf);
fail:
	if (pf->cancelled) {
		g_free(*err);
		*err = g_strdup_printf("%s: interrupted while waiting for the "
		    "capture's header", name);
		if (cancelled != NULL)
			*cancelled = true;
	}
	pcapfile_close(pf);
	return (NULL);
}

struct pcapfile *
pcapfile_open(const char *path, char **err)
{
	return (pcapfile_open_cancellable(path, NULL, NULL, NULL, err));
}

enum pcapfile_result
pcapfile_next(struct pcapfile *pf, struct pcapfile_packet *pkt)
{
	enum pcapfile_result r;

	if (pf->cancelled)
		return (PCAPFILE_STOPPED);
	if (pf->error != NULL)
		return (PCAPFILE_ERROR);
	r = pf->ng ? pcapng_next_record(pf, pkt) : pcap_next_record(pf, pkt);
	if (r == PCAPFILE_OK)
		pf->records++;
	else if (pf->cancelled) {
		/* Not an error of the file: forget what the cut read said. */
		g_free(pf->error);
		pf->error = NULL;
		r = PCAPFILE_STOPPED;
	} else if (pf->rerrno != 0) {
		g_free(pf->error);
		pf->error = NULL;
		r = fail(pf, "read error: %s", g_strerror(pf->rerrno));
	}
	return (r);
}

const char *
pcapfile_error(const struct pcapfile *pf)
{
	return (pf->error != NULL ? pf->error : "no error");
}

int
pcapfile_linktype(const struct pcapfile *pf)
{
	if (!pf->ng)
		return (pf->pcap_linktype);
	return (pf->nifaces > 0 ? pf->ifaces[0].linktype : -1);
}

void
pcapfile_close(struct pcapfile *pf)
{
	if (pf == NULL)
		return;
	if (pf->fd >= 0 && !pf->is_stdin)
		close(pf->fd);
	g_free(pf->rbuf);
	g_free(pf->ifaces);
	g_free(pf->block);
	g_free(pf->error);
	g_free(pf);
}
