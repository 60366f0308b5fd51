/*
 * Names for addresses and ports, learned without sending a packet.
 *
 * A name table maps an address (IPv4, IPv6, Ethernet) to one name.  It is
 * filled from /etc/hosts at start and from the traffic: a dissector that
 * sees a name (a DNS or mDNS answer, a DHCP host name, a TLS SNI, an HTTP
 * Host) queues a struct names_tap on the "names" tap, and the listener
 * that names_listen() registers at start adds it to the table on the
 * capture thread.  The interface and the printers read it from theirs.
 *
 * Which name an address keeps, when several sources name it: the source
 * of higher rank (enum names_source, the last the highest) replaces a
 * lower one and is never replaced by it; within one source the newest
 * name wins (a DNS answer is fresher than the one before), except for
 * /etc/hosts, where the first line that names an address wins, as for
 * the system's resolver.
 *
 * CNAME chains: a DNS answer "www.example.com CNAME cdn.example.net;
 * cdn.example.net A 192.0.2.1" queues an alias record (alias
 * www.example.com, target cdn.example.net), then an address record for
 * cdn.example.net.  An address record's name is followed back through the
 * aliases known (at most NAMES_CHAIN_MAX steps, so a loop ends) to the name
 * that was asked for, which is what the address is called: 192.0.2.1 is
 * www.example.com.  Names compare without regard to ASCII case.  An alias
 * learned after the address does not rename it.
 *
 * Bounds: at most max_entries addresses and max_aliases aliases (a table
 * that is full refuses new keys and counts them; known keys still take
 * new names), names of 1 to NAMES_NAME_MAX bytes without a NUL (others
 * are refused and counted).  A name is stored as it came, bytes from the
 * wire; every front end escapes it when it prints it (term_escape,
 * json_escape), as any string from a packet.  Memory is fixed per entry
 * (an entry holds its name inline), so adding a name to a known address,
 * which is what the capture thread does most, allocates nothing.
 *
 * Threads: every function may be called from any thread; one mutex
 * (pthreads, which ThreadSanitizer sees) guards the table, held only to
 * copy a name in or out.
 *
 * Ports: the service names of /etc/services, read once (names_service).
 *
 * Reverse DNS (--resolve): a resolver asks the system (getnameinfo, which
 * may send packets) for addresses shown without a name.  It is off unless
 * created; see names_resolver_new.
 */
#ifndef TAPTOP_NAMES_H
#define TAPTOP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "address.h"

#define NAMES_TAP		"names"
#define NAMES_NAME_MAX		255	/* bytes; a DNS name has at most 253 */
#define NAMES_CHAIN_MAX		8	/* aliases followed for one name */
#define NAMES_ENTRIES_DEFAULT	16384
#define NAMES_ALIASES_DEFAULT	4096

/* Where a name came from, lowest rank first. */
enum names_source {
	NAMES_SRC_RESOLVER,	/* reverse DNS, --resolve */
	NAMES_SRC_HTTP,		/* an HTTP Host header */
	NAMES_SRC_SNI,		/* a TLS server name */
	NAMES_SRC_DHCP,		/* a DHCP host name */
	NAMES_SRC_MDNS,		/* an mDNS answer */
	NAMES_SRC_DNS,		/* a DNS answer */
	NAMES_SRC_HOSTS,	/* /etc/hosts */
	NAMES_SRC_N
};

enum names_rec_kind {
	NAMES_REC_ADDR,		/* addr is called name */
	NAMES_REC_ALIAS,	/* name is an alias of target (CNAME) */
};

/*
 * The record a dissector queues on the "names" tap, from the packet's
 * arena.  name and target point into the packet (or the arena) and need
 * no NUL; they are copied, never kept.
 */
struct names_tap {
	uint8_t		 kind;		/* enum names_rec_kind */
	uint8_t		 source;	/* enum names_source */
	struct address	 addr;		/* NAMES_REC_ADDR */
	const char	*name;
	uint16_t	 name_len;
	const char	*target;	/* NAMES_REC_ALIAS */
	uint16_t	 target_len;
};

/* What names_add and names_add_alias did. */
enum names_result {
	NAMES_ADDED,		/* a new key */
	NAMES_REPLACED,		/* a known key, a new name */
	NAMES_SAME,		/* a known key, the same name */
	NAMES_KEPT,		/* a known key kept its name (rank) */
	NAMES_REFUSED,		/* counted in the stats */
};

struct names_stats {
	uint64_t	 entries;	/* addresses named now */
	uint64_t	 aliases;	/* aliases known now */
	uint64_t	 replaced;	/* names that replaced another */
	uint64_t	 kept;		/* names not taken: a better source */
	uint64_t	 refused_full;	/* new addresses, the table full */
	uint64_t	 refused_long;	/* names over NAMES_NAME_MAX */
	uint64_t	 refused_bad;	/* empty, a NUL, an unknown address */
	uint64_t	 aliases_refused; /* new aliases, full, or bad names */
};

struct names;

struct names *names_new(size_t max_entries, size_t max_aliases);
void	 names_free(struct names *);

enum names_result names_add(struct names *, const struct address *,
	    const char *name, size_t len, enum names_source);
enum names_result names_add_alias(struct names *, const char *alias,
	    size_t alias_len, const char *target, size_t target_len,
	    enum names_source);

/* Copies the address's name into out (NUL-terminated) and returns true;
 * false, out "", when it has none.  src may be NULL. */
bool	 names_lookup(struct names *, const struct address *,
	    char out[NAMES_NAME_MAX + 1], enum names_source *src);

void	 names_stats(struct names *, struct names_stats *);

const char *names_source_name(enum names_source);

/*
 * Reads a hosts file (hosts(5)): per line an address, its canonical name
 * and aliases, "#" to the end of the line a comment.  Each address is
 * named by the canonical name of the first line that lists it.  Lines
 * that are not so are skipped.  Returns the addresses named, or -1 with
 * *err set (g_free it) when the file cannot be read.
 */
int	 names_load_hosts(struct names *, const char *path, char **err);

/* The hosts file taptop reads: $TAPTOP_HOSTS, else /etc/hosts. */
const char *names_hosts_path(void);

/* The process's table, which the listener fills and the front ends read;
 * made empty on first use. */
struct names *names_global(void);

/* The "names" tap's id, registered on first use (at start, before any
 * capture thread). */
int	 names_tap_id(void);

/*
 * Registers the listener that adds the "names" tap's records to n.  It
 * sees every packet, whatever the global display filter (a name learned
 * from a DNS answer serves the panels that filter the DNS away).
 * Returns NULL, or an error message (g_free it).
 */
char	*names_listen(struct names *);
void	 names_unlisten(struct names *);

/*
 * The service name of a port for a transport ("tcp", "udp"), from
 * $TAPTOP_SERVICES or /etc/services, read on first use (once, any
 * thread); NULL when it has none.  The strings live as long as the
 * process.
 */
const char *names_service(unsigned port, const char *transport);

/* ---- reverse lookups (--resolve) ---- */

#define NAMES_RESOLVE_TIMEOUT_MS	2000
#define NAMES_RESOLVE_QUEUE		256
#define NAMES_RESOLVE_PARALLEL		4
#define NAMES_RESOLVE_CACHE		65536

/* Looks one address up, as getnameinfo(NI_NAMEREQD) does: 0 and the
 * name in out, or not 0.  May block for as long as it likes. */
typedef int (*names_lookup_fn)(const struct address *, char *out,
	    size_t outlen);

struct names_resolver_opts {
	unsigned	 timeout_ms;	/* a lookup longer than this fails */
	unsigned	 queue_max;	/* addresses waiting; more are refused */
	unsigned	 parallel;	/* lookups at once */
	unsigned	 cache_max;	/* addresses ever asked for */
	names_lookup_fn	 lookup;	/* NULL: getnameinfo */
};

struct names_resolver_stats {
	uint64_t	 requested;	/* addresses queued */
	uint64_t	 refused;	/* queue or cache full */
	uint64_t	 lookups;	/* lookups started */
	uint64_t	 found;		/* names added */
	uint64_t	 failed;	/* no name, or an error */
	uint64_t	 timed_out;	/* given up after timeout_ms */
	unsigned	 pending;	/* queued or being looked up */
};

struct names_resolver;

/*
 * Starts a resolver that adds what it finds to n (NAMES_SRC_RESOLVER).
 * Its own thread takes the queue and runs each lookup on a thread of its
 * own, at most parallel at once; a lookup still running after timeout_ms
 * is given up (its thread finishes on its own, its answer dropped), and
 * at most as many again may be given up and still running before new
 * lookups wait for them.  Each address is looked up once: the cache
 * remembers every address asked for, found or not.  NULL opts: the
 * defaults above.  Returns NULL, *err set, if the thread cannot start.
 */
struct names_resolver *names_resolver_new(struct names *,
	    const struct names_resolver_opts *, char **err);

/* Queues a lookup of the address unless it was asked for before; never
 * waits for one.  false when it was not queued (asked before, a type
 * that has no reverse name, the queue or cache full). */
bool	 names_resolve(struct names_resolver *, const struct address *);

void	 names_resolver_stats(struct names_resolver *,
	    struct names_resolver_stats *);

/*
 * Stops the resolver: what is queued is dropped, lookups still running
 * are given up.  Returns at once; the memory goes with the last lookup
 * thread.  The names table must outlive only this call.
 */
void	 names_resolver_free(struct names_resolver *);

/*
 * The process's resolver, if --resolve made one: names_wanted() asks it
 * for an address shown without a name, and does nothing without it, so
 * that nothing is ever looked up unless asked.
 */
void	 names_set_global_resolver(struct names_resolver *);
struct names_resolver *names_global_resolver(void);
void	 names_wanted(const struct address *);

#endif
