/*
 * The data each protocol tap hands its listeners.  Every record is
 * allocated from the packet's arena by the dissector, one per protocol
 * instance (both IP headers of IP-in-IP get their own), and is valid only
 * during the listeners' packet() calls.
 *
 * Tap names: "frame" (data NULL), "eth", "arp", "ip", "ipv6", "icmp",
 * "icmpv6", "tcp", "udp".
 */
#ifndef TAPTOP_TAPS_H
#define TAPTOP_TAPS_H

#include <stdint.h>

#include "core/address.h"

/* "eth": every Ethernet header, inner ones (VXLAN) included. */
struct eth_tap {
	struct address	src, dst;	/* AT_ETHER */
	uint16_t	type;		/* ethertype, or 802.3 length */
};

/* "ip" and "ipv6": one per IP header. */
struct ip_tap {
	struct address	src, dst;	/* AT_IPv4 or AT_IPv6 */
	uint8_t		proto;		/* ip.proto / last ipv6.nxt */
	uint8_t		ttl;		/* ip.ttl / ipv6.hlim */
	uint16_t	id;		/* ip.id, 0 for IPv6 */
	uint32_t	len;		/* ip.len / 40 + ipv6.plen */
	uint16_t	frag_offset;	/* in bytes */
	uint8_t		more_frags;
	uint8_t		version;	/* 4 or 6 */
};

/* "tcp": one per TCP header; addresses are those of the enclosing IP. */
struct tcp_tap {
	struct address	src, dst;
	uint16_t	sport, dport;
	uint16_t	flags;		/* tcp.flags, 12 bits */
	uint16_t	window;
	uint32_t	seq, ack;	/* raw */
	uint32_t	hdr_len;
	uint32_t	payload_len;	/* tcp.len */
};

/* "udp": one per UDP header. */
struct udp_tap {
	struct address	src, dst;
	uint16_t	sport, dport;
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
};

#endif
