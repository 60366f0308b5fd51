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
 * packet carries its own link type.  The reader streams with stdio, so it
 * works on pipes ("-" is standard input), and it checks every length it
 * reads against caps: a corrupt file ends with an error, never an overread
 * or a huge allocation.
 */
#ifndef TAPTOP_PCAPFILE_H
#define TAPTOP_PCAPFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPFILE_MAX_PACKET	(16u * 1024 * 1024)	/* one record's data */
#define PCAPFILE_MAX_IFACES	1024

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
};

struct pcapfile;

/* Opens path ("-" for stdin); NULL and a one-line *err on failure. */
struct pcapfile *pcapfile_open(const char *path, char **err);
enum pcapfile_result pcapfile_next(struct pcapfile *, struct pcapfile_packet *);
const char *pcapfile_error(const struct pcapfile *);
/* The link type of the first interface (or the pcap header). */
int	 pcapfile_linktype(const struct pcapfile *);
void	 pcapfile_close(struct pcapfile *);

#endif
