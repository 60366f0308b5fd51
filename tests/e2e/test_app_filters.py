#!/usr/bin/env python3
"""
Differential test of filters on the application protocols' fields: the
table tests/e2e/app_filters.txt, run by test_filter_diff.py's harness
(the same tshark Lua counting, caching, self-check and report), so that a
protocol adds its filters as lines of that file and nothing else.

    python3 tests/e2e/test_app_filters.py [-v] [PATTERN...]

Exit status: 0 when everything agrees, 1 otherwise, 77 without tshark.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_filter_diff as fd  # noqa: E402

fd.TABLE = os.path.join(HERE, "app_filters.txt")
fd.read_table.__defaults__ = (fd.TABLE,)
_DNS_TCP_RETRANS = ("frame 4 is a retransmission of frame 1's sequence"
                    " numbers: tshark does not hand it to DNS, taptop's"
                    " TCP keeps state only for PDUs in progress and"
                    " dissects it again (README, Differences from"
                    " Wireshark)")
_NSEC_TYPES = ("tshark also lists the types of an NSEC record's type bitmap"
               " as dns.resp.type; taptop does not decode NSEC")
DNS_TCP_RETRANS_FILTERS = [
    'dns',
    'dns && !dns.response_to && dns.flags.response == 1',
    'dns && tcp',
    'dns || mdns || llmnr',
    'dns.a',
    'dns.count.labels == 2',
    'dns.count.queries == 1',
    'dns.flags.authoritative',
    'dns.flags.opcode == 0',
    'dns.flags.rcode == 0',
    'dns.flags.recavail == 1',
    'dns.flags.recdesired == 1',
    'dns.flags.response == 1',
    'dns.qry.class == 1',
    'dns.qry.name',
    'dns.qry.type == 1',
    'dns.qry.type in {1, 28}',
    'dns.resp.class == 1',
    'dns.resp.len == 4',
    'dns.resp.name',
    'dns.resp.ttl < 60',
    'dns.resp.type == 1',
    'dns.unsolicited',
]
# Deliberate differences, each checked to still occur.
fd.EXCEPTIONS = [
    fd.Exc(f, "odd/dns_over_tcp.pcapng", "count", _DNS_TCP_RETRANS)
    for f in DNS_TCP_RETRANS_FILTERS
] + [
    fd.Exc("dns.resp.type == 1", "odd/dns_fragmented.pcap", "count",
           _NSEC_TYPES),
]
# The harness checked against `tshark -Y` on filters of this table.
fd.SELF_CHECK = [
    ("traffic/dns-packets.pcap", "dns.qry.name contains \"google\""),
    ("traffic/dns-packets.pcap", "dns.time > 0.1"),
    ("traffic/dns-packets.pcap", "dns.retransmission"),
]

if __name__ == "__main__":
    sys.exit(fd.main())
