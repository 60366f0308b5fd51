/*
 * The data each protocol tap hands its listeners.  Every record is
 * allocated from the packet's arena by the dissector, one per protocol
 * instance (both IP headers of IP-in-IP get their own), and is valid only
 * during the listeners' packet() calls.
 *
 * Tap names: "frame" (data NULL), "eth", "arp", "ip", "ipv6", "icmp",
 * "icmpv6", "tcp", "udp", "sctp"; "http", "tls".
 *
 * The records of protocols that have conversations begin with a struct
 * conv_tap, so that one engine (panels/conv.c, panels/endpoints.c) reads
 * them all through a pointer to that first member; a new conversation
 * type is then a record that begins the same way, plus a panel entry.
 */
#ifndef TAPTOP_TAPS_H
#define TAPTOP_TAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/address.h"

/*
 * The two ends of one protocol instance: what conversations and endpoints
 * are keyed on.  Ports are 0 for protocols that have none.  seq and opens
 * serve protocols whose port pair carries one stream after another (TCP):
 * seq is the sender's sequence number, and opens is set on a packet that
 * starts a stream (for TCP, a SYN without ACK); both are 0 elsewhere.
 */
struct conv_tap {
	struct address	src, dst;
	uint16_t	sport, dport;
	uint32_t	seq;
	uint8_t		opens;
};

/* "eth": every Ethernet header, inner ones (VXLAN) included. */
struct eth_tap {
	struct conv_tap	conv;		/* AT_ETHER, no ports */
	uint16_t	type;		/* ethertype, or 802.3 length */
};

/* "ip" and "ipv6": one per IP header. */
struct ip_tap {
	struct conv_tap	conv;		/* AT_IPv4 or AT_IPv6, no ports */
	uint8_t		proto;		/* ip.proto / last ipv6.nxt */
	uint8_t		ttl;		/* ip.ttl / ipv6.hlim */
	uint16_t	id;		/* ip.id, 0 for IPv6 */
	uint32_t	len;		/* ip.len / 40 + ipv6.plen */
	uint16_t	frag_offset;	/* in bytes */
	uint8_t		more_frags;
	uint8_t		version;	/* 4 or 6 */
};

/* "host" (TAP_HOST): the same records as "ip" and "ipv6", for both, so
 * that a panel lists IPv4 and IPv6 addresses together.  Registered by
 * ip.c. */
#define TAP_HOST	"host"
extern int tap_host;

/* "tcp": one per TCP header; addresses are those of the enclosing IP,
 * conv.seq is the raw tcp.seq. */
struct tcp_tap {
	struct conv_tap	conv;
	uint16_t	flags;		/* tcp.flags, 12 bits */
	uint16_t	window;
	uint32_t	ack;		/* raw */
	uint32_t	hdr_len;
	uint32_t	payload_len;	/* tcp.len */
};

/* "udp": one per UDP header. */
struct udp_tap {
	struct conv_tap	conv;
	uint16_t	length;		/* udp.length */
};

/* "arp" */
struct arp_tap {
	uint16_t	opcode;
	struct address	sender_hw, sender_ip, target_hw, target_ip;
};

/* "icmp" and "icmpv6" */
struct icmp_tap {
	uint8_t		type, code;
	uint8_t		has_rest;	/* rest is there (captured) */
	uint32_t	rest;		/* the 4 bytes after the checksum:
					 * an echo's identifier, sequence */
};

/* "sctp": one per SCTP common header. */
struct sctp_tap {
	struct conv_tap	conv;
	uint32_t	vtag;		/* sctp.verification_tag */
};

/* "http": one per message.  Strings point into the packet (or the bytes
 * TCP reassembled), are not NUL-terminated and are NULL when absent. */
struct http_tap {
	bool		 request;
	const char	*method;	/* requests */
	uint16_t	 method_len;
	const char	*uri;
	uint16_t	 uri_len;
	const char	*host;
	uint16_t	 host_len;
	uint16_t	 code;		/* responses: status code, or 0 */
};

/* "tls": one per ClientHello or ServerHello, from TLS over TCP or from
 * a QUIC Initial (quic set).  server is the address of the server (the
 * ClientHello's destination, the ServerHello's source). */
struct tls_tap {
	bool		 quic;
	uint8_t		 hs_type;	/* 1 ClientHello, 2 ServerHello */
	struct address	 client, server;
	uint16_t	 server_port;
	const char	*sni;		/* ClientHello, NULL when none */
	uint16_t	 sni_len;
	const char	*alpn;		/* the first ALPN protocol offered */
	uint16_t	 alpn_len;
	uint16_t	 version;	/* ServerHello: the version chosen */
	uint16_t	 max_version;	/* ClientHello: the highest offered
					 * (supported_versions less GREASE,
					 * else the hello's version) */
	uint32_t	 bytes;		/* the frame's length */
};

/* "dns": one per DNS message (not mDNS nor LLMNR, as in tshark), from
 * dissectors/dns.c.  qname points into the packet's arena (raw bytes, not
 * NUL-terminated, at most DNS_NAME_MAX); the listener escapes it when it
 * prints it. */
struct dns_tap {
	uint16_t	 id;
	uint8_t		 response;	/* dns.flags.response */
	uint8_t		 opcode;
	uint8_t		 rcode;
	uint8_t		 matched;	/* a response to a query seen */
	uint8_t		 retransmission;
	uint8_t		 unsolicited;	/* a response to none seen */
	uint16_t	 qtype, qclass;	/* the first question's, or 0 */
	uint16_t	 qname_len;
	uint16_t	 qname_labels;
	uint8_t		 has_question;
	const char	*qname;
	uint16_t	 nquestions, nanswers, nauthorities, nadditionals;
	uint32_t	 payload_size;	/* the message's bytes */
	double		 rrt;		/* dns.time, when matched */
};

#endif
