#!/usr/bin/env python3
"""
Synthetic captures of flows with known, changing rates, for the tests of
the per-row rates (test_rates.py, test_tui_rates.sh).  Not a test itself.

    ratecap.py SCENARIO OUT.pcap     writes a scenario's capture

A flow sends N packets a second of L bytes on the wire, evenly spaced, each
a little after its slot (PHASE_NS), so that no packet falls on a whole or
half second: a window that ends there (an --interval end) has no packet on
its edge, and the part of a second it cuts holds exactly that share of the
second's packets when N is a multiple of 4 (the pro-rata rule of the rates
is then exact).  Rates change on whole seconds.  Frames are Ethernet, IPv4
and UDP headers, cut to 42 captured bytes (the length on the wire is L), in
a pcap with nanosecond timestamps.

Scenarios (times in seconds after T, a whole second):
  changing  M: one 100-byte packet at 0.25 (the first: the capture, and
               the --interval origin, start there).
            A: 10.0.0.1:1000 -> 10.0.0.2:2000, 200/s x 500 B (100 kB/s)
               from 1 to 31, then 100/s x 200 B (20 kB/s) to 91.
            B: 10.0.0.3:1000 -> 10.0.0.4:2000, 100/s x 500 B (50 kB/s),
               starting late: 46 to 91.
            C: 10.0.0.5:1000 -> 10.0.0.6:2000, 100/s x 300 B (30 kB/s),
               1 to 21, then it stops.
  idle      X: 10.0.1.1 -> 10.0.1.2, 20/s x 500 B from 0 to 60 (the end).
            Y: 10.0.1.3 -> 10.0.1.4, 20/s x 400 B from 0 to 40: idle for
               the last 20 s.
            Z: 10.0.1.5 -> 10.0.1.6, 20/s x 300 B from 0 to 10: idle for
               the last 50 s.
"""

import struct
import sys

T = 1700000000
NS = 1000000000
PHASE_NS = 1300000          # 1.3 ms after each slot

SCENARIOS = {
    "changing": [
        # name, src, dst, [(from_s, to_s, per_s, length)]
        ("A", "10.0.0.1", "10.0.0.2", [(1, 31, 200, 500), (31, 91, 100, 200)]),
        ("B", "10.0.0.3", "10.0.0.4", [(46, 91, 100, 500)]),
        ("C", "10.0.0.5", "10.0.0.6", [(1, 21, 100, 300)]),
    ],
    "idle": [
        ("X", "10.0.1.1", "10.0.1.2", [(0, 60, 20, 500)]),
        ("Y", "10.0.1.3", "10.0.1.4", [(0, 40, 20, 400)]),
        ("Z", "10.0.1.5", "10.0.1.6", [(0, 10, 20, 300)]),
    ],
}
# One packet before the flows, that the capture starts with.
MARKERS = {
    "changing": [("M", "10.0.0.9", "10.0.0.10", T * NS + NS // 4, 100)],
    "idle": [],
}


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def frame(src, dst, length):
    """Ethernet, IPv4, UDP 1000 -> 2000 headers of a frame of length bytes
    on the wire (the 42 bytes captured)."""
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    ip_len = length - 14
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0, 64, 17, 0,
                     ip4(src), ip4(dst))
    udp = struct.pack(">HHHH", 1000, 2000, ip_len - 20, 0)
    return eth + ip + udp


def packets(scenario):
    """[(ts_ns, flow, src, dst, length)] in time order."""
    out = [(ts, name, src, dst, length)
           for name, src, dst, ts, length in MARKERS[scenario]]
    for name, src, dst, parts in SCENARIOS[scenario]:
        for start, stop, per_s, length in parts:
            for k in range((stop - start) * per_s):
                ts = (T + start) * NS + k * (NS // per_s) + PHASE_NS
                out.append((ts, name, src, dst, length))
    out.sort()
    return out


def write(path, pkts):
    with open(path, "wb") as fp:
        # Nanosecond pcap: magic a1b23c4d, Ethernet.
        fp.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
        for ts, _, src, dst, length in pkts:
            f = frame(src, dst, length)
            fp.write(struct.pack("<IIII", ts // NS, ts % NS, len(f), length))
            fp.write(f)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SCENARIOS:
        sys.stderr.write("usage: ratecap.py {%s} OUT.pcap\n" %
                         ",".join(sorted(SCENARIOS)))
        return 2
    write(sys.argv[2], packets(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
