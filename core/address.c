/*
 * Address text forms.  IPv6 uses inet_ntop, whose glibc output follows
 * RFC 5952 (longest run of zero groups compressed, lower case), which is
 * what Wireshark prints.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "address.h"

char *
address_to_str(const struct address *a, char *out)
{
	switch (a->type) {
	case AT_ETHER:
		snprintf(out, ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		    a->data[0], a->data[1], a->data[2], a->data[3],
		    a->data[4], a->data[5]);
		break;
	case AT_IPv4:
		if (inet_ntop(AF_INET, a->data, out, ADDR_STRLEN) == NULL)
			out[0] = '\0';
		break;
	case AT_IPv6:
		if (inet_ntop(AF_INET6, a->data, out, ADDR_STRLEN) == NULL)
			out[0] = '\0';
		break;
	default:
		out[0] = '\0';
		break;
	}
	return (out);
}
