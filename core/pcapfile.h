/*
 * A reader for capture files: pcap (micro- and nanosecond, either byte
 * order, and the old "modified" variant) and pcapng (any number of sections
 * and interfaces, each with its own link type, snap length and timestamp
 * resolution).
 *
 * Why not libpcap's reader: the libpcap in Debian 12 (1.10.3) refuses a
 * pcapng file whose interfaces differ in link type or snap length ("an
 * interface has a type 0 different from the type of the first interface"),
 * and such files are common (any capture of several interfaces).  Here each
 * packet carries its own link type.  The reader streams, so it works on
 * pipes and FIFOs ("-" is standard input), and it checks every length it
 * reads against caps: a corrupt file ends with an error, never an overread
 * or a huge allocation.
 *
 * Reading never blocks for long: a pipe that is quiet (a remote tcpdump on
 * an idle link) is waited for in slices of PCAPFILE_WAIT_MS, and between
 * two slices a cancel function, if one was given, may end the wait.  So a
 * user's quit is seen however long the writer sleeps (stdio would sit in
 * read(2) until the next byte).  A terminal is refused: it is no capture,
 * and its keys belong to the interface.
 */
#ifndef TAPTOP_PCAPFILE_H
#define TAPTOP_PCAPFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPFILE_MAX_PACKET	(16u * 1024 * 1024)	/* one record's data */
#define PCAPFILE_MAX_IFACES	1024
#define PCAPFILE_WAIT_MS	50	/* longest wait between cancel checks */

struct pcapfile_packet {
	int64_t		 ts_sec;
	uint32_t	 ts_nsec;
	uint32_t	 caplen;
	uint32_t	 len;		/* on the wire */
	int		 linktype;	/* LINKTYPE_* (as in the file) */
	const uint8_t	*data;		/* valid until the next read */
};

enum pcapfile_result {
	PCAPFILE_OK = 1,
	PCAPFILE_EOF = 0,
	PCAPFILE_ERROR = -1,		/* see pcapfile_error() */
	PCAPFILE_STOPPED = -2,		/* the cancel function said so */
};

struct pcapfile;

/* Called while input is awaited; true ends the wait for good (the reader
 * then returns PCAPFILE_STOPPED, or pcapfile_open fails).  Any thread's
 * state may be looked at; it must not block. */
typedef bool (*pcapfile_cancel_fn)(void *arg);

/* Opens path ("-" for stdin); NULL and a one-line *err on failure. */
struct pcapfile *pcapfile_open(const char *path, char **err);
/* The same, with a cancel function for the waits (the header's among
 * them, read here); *cancelled tells a cancelled open from a failed one. */
struct pcapfile *pcapfile_open_cancellable(const char *path,
	    pcapfile_cancel_fn, void *arg, bool *cancelled, char **err);
/* A second reader of the same regular file from its start, on a duplicate
 * of its descriptor (not the path: see pcapfile.c); name is for *err. */
struct pcapfile *pcapfile_reopen(const struct pcapfile *, const char *name,
	    char **err);
enum pcapfile_result pcapfile_next(struct pcapfile *, struct pcapfile_packet *);
const char *pcapfile_error(const struct pcapfile *);
/* The link type of the first interface (or the pcap header). */
int	 pcapfile_linktype(const struct pcapfile *);
void	 pcapfile_close(struct pcapfile *);

#endif
