/*
 * Capture: packets in, dissection and tap dispatch out, on a thread of its
 * own.  A capture reads a live interface through libpcap, or a file (pcap
 * or pcapng, "-" for standard input) through pcapfile.h, dissects each packet and pushes it to the tap listeners.
 * Other threads read its counters at any time; they are atomics.  Kernel
 * drop counters are fetched by the capture thread itself (pcap handles are
 * not shared between threads) and published beside taptop's own counts.
 */
#ifndef TAPTOP_CAPTURE_H
#define TAPTOP_CAPTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <pcap/pcap.h>

#include "packet.h"
#include "pcapfile.h"

struct capture_opts {
	const char	*iface;		/* -i, NULL for the default */
	const char	*file;		/* -r, "-" for stdin */
	const char	*bpf;		/* -f */
	int		 snaplen;	/* -s, 0 for the maximum */
	int		 buffer_mib;	/* -B, 0 for libpcap's default */
	bool		 no_promisc;	/* -p */
	uint64_t	 count;		/* -c, 0 for no limit */
	double		 duration;	/* --duration seconds, 0 for none */
	double		 speed;		/* replay pace, 0 as fast as possible */
};

enum capture_state {
	CAPTURE_RUNNING,
	CAPTURE_FINISHED,	/* end of file, -c or --duration reached */
	CAPTURE_STOPPED,	/* asked to stop */
	CAPTURE_FAILED,		/* read error; see error */
	CAPTURE_IFACE_DOWN,
};

struct capture {
	struct capture_opts	 opts;
	pcap_t			*pc;		/* live */
	int			 fd;		/* live: to poll, or -1 */
	struct pcapfile		*pf;		/* file */
	int			 linktype;	/* LINKTYPE_*, live */
	/* The capture filter for files, compiled per link type met. */
	GHashTable		*bpf_by_linktype;
	char			*source;	/* "eth0" or the file name */
	bool			 live;

	GThread			*thread;
	atomic_bool		 stop;
	atomic_int		 state;		/* enum capture_state */
	char			*error;		/* set before state changes */
	bool			 bad_filter;	/* capture_open failed on -f */

	atomic_uint_fast64_t	 packets;
	atomic_uint_fast64_t	 bytes;
	atomic_uint_fast64_t	 kernel_received;
	atomic_uint_fast64_t	 kernel_dropped;
	atomic_uint_fast64_t	 iface_dropped;
	/* Times of the first and last packet, in nanoseconds since the epoch. */
	atomic_int_fast64_t	 first_ns;
	atomic_int_fast64_t	 last_ns;

	struct dissect		 edt;		/* capture thread only */
	bool			 have_first;	/* capture thread only */
	/* Called on the capture thread when its loop ends, to wake a waiter. */
	void			(*on_end)(void *);
	void			*on_end_arg;
	int64_t			 start_wall_ns;
	int64_t			 replay_base_ns;
};

/* Fills opts with the defaults. */
void	 capture_opts_init(struct capture_opts *);

/* Opens the source; on failure returns false with one line in *err. */
bool	 capture_open(struct capture *, const struct capture_opts *,
	    char **err);

/* Runs the read loop on a new thread, or on this one. */
void	 capture_start(struct capture *);
void	 capture_run(struct capture *);

/* Asks the loop to end soon; safe from any thread. */
void	 capture_stop(struct capture *);
void	 capture_join(struct capture *);
void	 capture_close(struct capture *);

enum capture_state capture_get_state(struct capture *);
const char *capture_state_name(enum capture_state);

/* Prints the interfaces, as -D does; returns false on error. */
bool	 capture_list_interfaces(FILE *, char **err);

/* The interface taptop uses without -i: first up, non-loopback. */
char	*capture_default_iface(char **err);

#endif
