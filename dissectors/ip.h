/*
 * What the IP layers tell the transports above them beyond pinfo.
 *
 * ip_fragmented is Wireshark's pinfo->fragmented: true while the bytes
 * being dissected are the first fragment of a larger datagram (MF set, or
 * an IPv6 fragment header with M), at this IP layer or one outside it, so
 * a length inside that runs past them is expected, not malformed.  It
 * lives here, one per capture thread, only until struct packet_info grows
 * the field; the IP dissectors save and restore it around their handoff,
 * so nesting (IP in IP, ICMP quotes) is safe.
 */
#ifndef TAPTOP_DISSECTORS_IP_H
#define TAPTOP_DISSECTORS_IP_H

#include <stdbool.h>

extern _Thread_local bool ip_fragmented;

#endif
