/*
 * A small pcapng writer, for --on FILTER --write FILE.pcapng (rules.h).
 *
 * libpcap writes only the classic pcap format (pcap_dump_open has no
 * pcapng mode), and the rules want pcapng: nanosecond timestamps, and one
 * file that can hold packets of several link types.  So taptop writes the
 * three blocks it needs itself (draft-ietf-opsawg-pcapng): a Section
 * Header Block, one Interface Description Block per link type seen, and an
 * Enhanced Packet Block per packet, in the host's byte order (the SHB's
 * byte-order magic tells readers which).
 *
 * Every block is built whole in a buffer made at open and written with one
 * write(2), so the file always ends on a block boundary or inside the
 * last block only: a crash (kill -9) loses at most the block being
 * written, and readers such as tshark read every block before it.  Nothing
 * is allocated per packet.
 *
 * Rotation is tcpdump's -C/-W ring: with a size cap, once a file would
 * grow past it the next one is started, FILE.pcapng, FILE.1.pcapng, ...
 * FILE.<N-1>.pcapng, and then FILE.pcapng again (truncated), so at most N
 * files exist.  Each starts with its own SHB and IDBs.
 */
#ifndef TAPTOP_PCAPNG_WRITER_H
#define TAPTOP_PCAPNG_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPNG_SNAPLEN		262144	/* the largest packet kept */
#define PCAPNG_IFACES_MAX	8	/* link types in one file */

struct pcapng_writer;

/* The file name of ring slot i: "a.pcapng" -> "a.1.pcapng"; a name
 * without the .pcapng suffix gets ".1" appended.  g_free it. */
char	*pcapng_slot_name(const char *path, unsigned i);

/*
 * Opens path (truncating it) and writes the section header.  size_cap 0:
 * one file, no cap; else files of at most size_cap bytes (a file holds at
 * least one packet), nfiles of them in a ring (nfiles >= 1).  NULL and a
 * one-line *err on failure.
 */
struct pcapng_writer *pcapng_writer_open(const char *path, uint64_t size_cap,
	    unsigned nfiles, char **err);
/* Appends one packet; false if it could not be written (counted). */
bool	 pcapng_writer_packet(struct pcapng_writer *, int linktype,
	    int64_t ts_sec, uint32_t ts_nsec, const uint8_t *data,
	    uint32_t caplen, uint32_t len);
void	 pcapng_writer_close(struct pcapng_writer *);

/* Bytes of blocks written in all files, packets written, write errors. */
uint64_t pcapng_writer_bytes(const struct pcapng_writer *);
uint64_t pcapng_writer_packets(const struct pcapng_writer *);
uint64_t pcapng_writer_errors(const struct pcapng_writer *);

/* The block builders, for the unit tests: each writes a whole block
 * into out (room enough: 32 bytes, or 32 + caplen + 3 for an EPB) and
 * returns its length. */
size_t	 pcapng_shb(uint8_t *out);
size_t	 pcapng_idb(uint8_t *out, int linktype, uint32_t snaplen);
size_t	 pcapng_epb(uint8_t *out, uint32_t iface, int64_t ts_sec,
	    uint32_t ts_nsec, const uint8_t *data, uint32_t caplen,
	    uint32_t len);

#endif
