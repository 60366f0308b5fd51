#!/usr/bin/env python3
"""
The counter panels (plen, ports, tcp, icmp, arp: core/stats_tree.h) in
batch JSON, against a capture this test writes with known content, and
against tshark 4.0:

- plen against `tshark -z plen,tree` (count, min, max, average and
  percent of every bucket) on every capture of ../shared/pcaps/traffic
  and on the written one;
- tcp's SYN, SYN-ACK, FIN, RST and zero-window counts, icmp's types and
  codes and matched echo replies (with their mean round trip), and arp's
  requests, replies and gratuitous packets against `tshark -Y` counts of
  the same filters, on the same captures.  TCP and ICMP headers quoted in
  an ICMP error are not counted by the panels, so the tshark filters
  leave out frames with an ICMP error.

tshark runs with -n and with IP defragmentation off (taptop does not
reassemble yet; no number compared here depends on it).

Exit status: 0 when every check passes, 1 otherwise, 77 without tshark.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRAFFIC = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps",
                                        "traffic"))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
TSHARK_OPTS = ["-n", "-o", "ip.defragment:FALSE",
               "-o", "ipv6.defragment:FALSE"]

failures = []


def check(cond, what):
    if cond:
        print("PASS", what)
    else:
        print("FAIL", what)
        failures.append(what)


# ---- a capture with known content ----

MAC = {c: bytes([0, 0x11, 0x22, 0x33, 0x44, i]) for i, c in
       enumerate("ABCDEFGH", 1)}
BCAST = b"\xff" * 6


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def eth(src, dst, etype, payload):
    frame = dst + src + struct.pack("!H", etype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0,
                      64, proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack("!H", cksum(hdr)) + hdr[12:]
    return hdr + payload


def tcp(sport, dport, seq, ack, flags, window=65535, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                       window, 0, 0) + data


def udp(sport, dport, data=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(t, code, ident, seq):
    body = struct.pack("!BBHHH", t, code, 0, ident, seq) + b"x" * 8
    return body[:2] + struct.pack("!H", cksum(body)) + body[4:]


def arp(op, shw, spa, thw, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, shw, ip4(spa),
                       thw, ip4(tpa))


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ip_frame(t, src, dst, proto, payload, smac="A", dmac="B"):
    return (t, eth(MAC[smac], MAC[dmac], 0x0800,
                   ipv4(src, dst, proto, payload)))


def packets():
    p = []
    a, b, c, d = "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.9"
    # ARP: two who-has 10.0.0.2, one for .3, the reply (B), a gratuitous
    # request from C, and a reply claiming 10.0.0.2 for D.
    p.append((0.0, eth(MAC["A"], BCAST, 0x0806,
                       arp(1, MAC["A"], a, b"\0" * 6, b))))
    p.append((0.1, eth(MAC["A"], BCAST, 0x0806,
                       arp(1, MAC["A"], a, b"\0" * 6, b))))
    p.append((0.2, eth(MAC["A"], BCAST, 0x0806,
                       arp(1, MAC["A"], a, b"\0" * 6, c))))
    p.append((0.3, eth(MAC["B"], MAC["A"], 0x0806,
                       arp(2, MAC["B"], b, MAC["A"], a))))
    p.append((0.4, eth(MAC["C"], BCAST, 0x0806,
                       arp(1, MAC["C"], c, b"\0" * 6, c))))
    p.append((0.5, eth(MAC["D"], MAC["A"], 0x0806,
                       arp(2, MAC["D"], b, MAC["A"], a))))
    # ICMP: echo 1 answered after 0.25 s, echo 2 never, a reply to nothing,
    # and a port unreachable quoting a UDP datagram.
    p.append(ip_frame(1.0, a, b, 1, icmp(8, 0, 7, 1)))
    p.append(ip_frame(1.25, b, a, 1, icmp(0, 0, 7, 1), "B", "A"))
    p.append(ip_frame(1.5, a, b, 1, icmp(8, 0, 7, 2)))
    p.append(ip_frame(1.6, b, a, 1, icmp(0, 0, 7, 9), "B", "A"))
    quote = ipv4(a, b, 17, udp(40001, 33434, b"q" * 4))
    p.append(ip_frame(1.7, b, a, 1, struct.pack("!BBHI", 3, 3, 0, 0) + quote,
                      "B", "A"))
    # TCP: a handshake with a round trip of 0.1 s, 100 bytes sent twice
    # (a retransmission), a keep-alive, a zero window, FIN, RST; then a SYN
    # to 10.0.0.9 that nobody answers.
    p.append(ip_frame(2.0, a, b, 6, tcp(40000, 80, 1000, 0, SYN)))
    p.append(ip_frame(2.1, b, a, 6, tcp(80, 40000, 5000, 1001, SYN | ACK),
                      "B", "A"))
    p.append(ip_frame(2.2, a, b, 6, tcp(40000, 80, 1001, 5001, ACK)))
    p.append(ip_frame(2.3, a, b, 6, tcp(40000, 80, 1001, 5001, PSH | ACK,
                                        data=b"d" * 100)))
    p.append(ip_frame(2.8, a, b, 6, tcp(40000, 80, 1001, 5001, PSH | ACK,
                                        data=b"d" * 100)))
    p.append(ip_frame(2.9, a, b, 6, tcp(40000, 80, 1100, 5001, ACK,
                                        data=b"k")))
    p.append(ip_frame(3.0, b, a, 6, tcp(80, 40000, 5001, 1101, ACK,
                                        window=0), "B", "A"))
    p.append(ip_frame(3.1, a, b, 6, tcp(40000, 80, 1101, 5001, FIN | ACK)))
    p.append(ip_frame(3.2, b, a, 6, tcp(80, 40000, 5001, 1102, RST),
                      "B", "A"))
    p.append(ip_frame(4.0, a, d, 6, tcp(40002, 443, 77, 0, SYN)))
    # UDP: DNS three times, ten other ports once each, long datagrams for
    # plen; the last at 10 s, past the unanswered SYN's 3 s.
    for i in range(8):
        p.append(ip_frame(5.0 + i / 10, a, b, 17, udp(50000 + i, 53,
                                                       b"n" * 30)))
    for i in range(10):
        p.append(ip_frame(6.0 + i / 10, a, b, 17, udp(1000 + i, 30000 + i,
                                                       b"z" * (200 * i))))
    p.append(ip_frame(10.0, a, b, 17, udp(50009, 53, b"n" * 3000)))
    return p


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, data in pkts:
            sec = 1700000000 + int(t)
            usec = int(round((t - int(t)) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)))
            f.write(data)


# ---- running the two ----

# The service names the ports panel shows come from this file, which
# main() writes, not from the machine's /etc/services.
SERVICES = "http 80/tcp\nhttps 443/tcp\ndomain 53/udp\ndomain 53/tcp\n"
ENV = dict(os.environ)


def taptop_json(path, panels, extra=()):
    args = [TAPTOP, "-r", path, "--batch", "--json"] + list(extra)
    for p in panels:
        args += ["--panel", p]
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         env=ENV)
    doc = json.loads(out.stdout)
    return [(p["panel"], p["filter"], p["rows"], p.get("other"))
            for p in doc["panels"]]


def rows_by_node(rows):
    return {"/".join(r["node"]): r for r in rows}


def tshark(path, *args):
    out = subprocess.run(["tshark", "-r", path] + TSHARK_OPTS + list(args),
                         capture_output=True, text=True, check=True)
    return out.stdout


def tshark_plen(out):
    """{bucket: (count, avg, min, max, percent)} from -z plen,tree's
    output, read by the columns of its header (a rate is blank for a span
    of 0)."""
    res = {}
    heads = ("Count", "Average", "Min Val", "Max Val", "Rate (ms)",
             "Percent", "Burst Rate")
    pos = None
    for line in out.splitlines():
        if line.startswith("Topic / Item"):
            pos = [line.index(h) for h in heads]
            continue
        if pos is None or len(line) < pos[-1] or line.startswith("-"):
            continue
        name = line[:pos[0]].strip()
        cell = [line[pos[i]:pos[i + 1]].strip() for i in range(len(pos) - 1)]
        if not cell[0].isdigit():
            continue
        res[name] = (int(cell[0]), cell[1], cell[2], cell[3],
                     cell[5].rstrip("%"))
    return res


def same_plen(got, want):
    """Equal, but for the average: Wireshark divides in single precision
    (1126.575 prints as 1126.57), so it may be one in the last place
    off."""
    if got.keys() != want.keys():
        return False
    for k in got:
        g, w = got[k], want[k]
        if g[0] != w[0] or g[2:] != w[2:]:
            return False
        if g[1] != w[1] and (g[1] == "-" or w[1] == "-" or
                             abs(float(g[1]) - float(w[1])) > 0.0101):
            return False
    return True


# Frames with an ICMP error: their quoted TCP and ICMP headers are not
# counted by the panels, but match tshark's filters.
NOT_ERR = "!(icmp.type == 3 || icmp.type == 4 || icmp.type == 5 || " \
    "icmp.type == 11 || icmp.type == 12 || icmpv6.type == 1 || " \
    "icmpv6.type == 2 || icmpv6.type == 3 || icmpv6.type == 4)"

TCP_FILTERS = {
    "SYN": "tcp.flags.syn == 1 && tcp.flags.ack == 0",
    "SYN-ACK": "tcp.flags.syn == 1 && tcp.flags.ack == 1",
    "FIN": "tcp.flags.fin == 1",
    "RST": "tcp.flags.reset == 1",
    "Zero window": "tcp.analysis.zero_window",
}

ARP_FILTERS = {
    "Requests": "arp.opcode == 1",
    "Replies": "arp.opcode == 2",
    "Gratuitous": "arp.isgratuitous",
}


def io_counts(out, ncells):
    """The cells of -z io,stat,0's one interval row, after the interval;
    None when there is none (a capture whose span is 0 has no
    interval)."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == ncells + 1 and "<>" in cells[0]:
            return cells[1:]
    return None


def counts_one_by_one(path, checks):
    """The same cells as io_counts, from one tshark -Y run per filter."""
    cells = []
    for _, _, flt in checks:
        n = len([l for l in tshark(path, "-Y", flt).splitlines()
                 if l.strip()])
        cells += [str(n), "0"]
    rts = [[float(x) for x in v.split(",") if x]
           for v in tshark(path, "-T", "fields", "-e", "icmp.resptime",
                           "-e", "icmpv6.resptime").splitlines()
           for v in [v.replace("\t", ",")]]
    flat = [x for r in rts for x in r]
    return cells + [str(len(flat)), "0", str(sum(flat)), "0"]


def plen_of(rows):
    got = {}
    for r in rows:
        name = r["node"][-1]
        if r["count"] == 0:
            got[name] = (0, "-", "-", "-", "0.00")
        elif len(r["node"]) == 1:
            got[name] = (r["count"], "%.2f" % r["avg"], "%d" % r["min"],
                         "%d" % r["max"], "100")
        else:
            got[name] = (r["count"], "%.2f" % r["avg"], "%d" % r["min"],
                         "%d" % r["max"], "%.2f" % r["pct_parent"])
    return got


def compare_file(label, path):
    """One taptop run with the panels, one tshark run with plen,tree and
    an io,stat of every filter (frame counts; COUNT and AVG of the echo
    round trip)."""
    res = taptop_json(path, ["plen", "tcp", "icmp", "arp"])
    plen, tcp_r, icmp_r, arp_r = [r[2] for r in res]
    tcp_r, icmp_r, arp_r = (rows_by_node(tcp_r), rows_by_node(icmp_r),
                            rows_by_node(arp_r))
    checks = []			# (what, ours, filter)
    for node, flt in TCP_FILTERS.items():
        checks.append(("tcp " + node, tcp_r[node]["count"],
                       "(%s) && %s" % (flt, NOT_ERR)))
    for node, flt in ARP_FILTERS.items():
        checks.append(("arp " + node, arp_r[node]["count"], flt))
    for proto, top in (("icmp", "ICMP"), ("icmpv6", "ICMPv6")):
        checks.append((proto + " messages", icmp_r[top]["count"], proto))
        for name, r in icmp_r.items():
            parts = name.split("/")
            if parts[0] != top or len(parts) != 3:
                continue
            t, c = parts[1], parts[2].split()[0]
            checks.append(("%s %s/%s" % (proto, t, c), r["count"],
                           "%s.type == %s && %s.code == %s" %
                           (proto, t, proto, c)))
    rt = "icmp.resptime || icmpv6.resptime"
    args = ["-q", "-z", "plen,tree",
            "-z", "io,stat,0," + ",".join(c[2] for c in checks) +
            ",COUNT(icmp.resptime)icmp.resptime"
            ",COUNT(icmpv6.resptime)icmpv6.resptime"
            ",SUM(icmp.resptime)icmp.resptime"
            ",SUM(icmpv6.resptime)icmpv6.resptime"]
    out = tshark(path, *args)
    want = tshark_plen(out)
    got = plen_of(plen)
    ok = len(want) == 11 and same_plen(got, want)
    check(ok, "%s: plen against -z plen,tree%s" % (
        label, "" if ok else " %r != %r" % (got, want)))
    cells = io_counts(out, 2 * len(checks) + 4)
    if cells is None:
        cells = counts_one_by_one(path, checks)
    for i, (what, ours, flt) in enumerate(checks):
        theirs = int(cells[2 * i])
        check(ours == theirs, "%s: %s %d, tshark %d (%s)" % (
            label, what, ours, theirs, flt))
    tail = cells[2 * len(checks):]
    n = int(tail[0]) + int(tail[1])
    matched = icmp_r["Echo/Replies matched"]
    check(matched["count"] == n, "%s: echo replies matched %d, tshark %d"
          % (label, matched["count"], n))
    if n > 0:
        mean = (float(tail[2]) + float(tail[3])) / n / 1000
        check(abs(matched["avg"] - mean) < 1e-6,
              "%s: mean echo round trip %.6f, tshark %.6f" % (
                  label, matched["avg"], mean))


def known(path):
    """The written capture's numbers, as its packets say."""
    res = taptop_json(path, ["tcp", "icmp", "arp", "ports", "plen",
                             "tcp:ip.dst == 10.0.0.9"])
    tcp_r, icmp_r, arp_r, ports_r, plen_r, tcp9 = \
        [rows_by_node(r[2]) for r in res]
    want_tcp = {"SYN": 2, "SYN-ACK": 1, "FIN": 1, "RST": 1,
                "Zero window": 1, "Retransmissions": 1,
                "Attempts without answer": 1,
                "Attempts without answer/10.0.0.9": 1,
                "Handshake round trip": 1,
                "Handshake round trip/10.0.0.2": 1,
                "Attempts forgotten (table full)": 0,
                "Flows forgotten (table full)": 0}
    got = {k: tcp_r[k]["count"] for k in want_tcp if k in tcp_r}
    check(got == want_tcp, "known: tcp counts %r" % got)
    rtt = tcp_r["Handshake round trip/10.0.0.2"]
    check(abs(rtt["min"] - 0.1) < 1e-6 and abs(rtt["max"] - 0.1) < 1e-6,
          "known: handshake round trip 0.1 s")
    check(tcp9["SYN"]["count"] == 1 and tcp9["SYN-ACK"]["count"] == 0 and
          res[5][1] == "ip.dst == 10.0.0.9",
          "known: tcp with a filter counts its packets only")
    want_icmp = {"ICMP": 5, "ICMP/8/0 Echo (ping) request": 2,
                 "ICMP/0/0 Echo (ping) reply": 2,
                 "ICMP/3/3 Destination unreachable": 1,
                 "Echo/Requests": 2, "Echo/Replies matched": 1,
                 "Echo/Replies matched/Round trip by address pinged/"
                 "10.0.0.2": 1,
                 "Echo/Replies unmatched": 1}
    got = {k: icmp_r[k]["count"] for k in want_icmp if k in icmp_r}
    check(got == want_icmp, "known: icmp counts %r" % got)
    m = icmp_r["Echo/Replies matched"]
    check(abs(m["avg"] - 0.25) < 1e-6, "known: echo round trip 0.25 s")
    want_arp = {"Requests": 4, "Requests/Who has/10.0.0.2": 2,
                "Requests/Who has/10.0.0.3": 2, "Replies": 2,
                "Gratuitous": 1, "Address claimed by two MACs": 1,
                "Address claimed by two MACs/10.0.0.2": 1}
    got = {k: arp_r[k]["count"] for k in want_arp if k in arp_r}
    check(got == want_arp, "known: arp counts %r" % got)
    check(ports_r["TCP/80 (http)"]["count"] == 9 and
          ports_r["TCP/443 (https)"]["count"] == 1 and
          ports_r["UDP/53 (domain)"]["count"] == 9 and
          ports_r["UDP"]["count"] == 19 and
          all("UDP/%d" % (1000 + i) in ports_r for i in range(10)),
          "known: ports (the ICMP error's quoted UDP not counted)")
    check(plen_r["Packet Lengths"]["count"] == len(packets()),
          "known: plen counts every frame")
    # A row cap of 3: UDP keeps 53, which has more than a third of its 19
    # packets (Space-Saving keeps it, exact), and two of the ten ports
    # seen once; the other 8 fold into (other).
    (_, _, rows, other), = taptop_json(path, ["ports"],
                                       ["--max-rows", "3"])
    r = rows_by_node(rows)
    kids = [k for k in r if k.startswith("UDP/")]
    check(len(kids) == 4 and r["UDP/(other)"]["count"] == 8 and
          r["UDP/53 (domain)"]["count"] == 9 and other is not None and
          other["frames"] == 8 and abs(other["rows"] - 8) <= 1,
          "known: ports capped at 3 rows: %r %r" % (kids, other))


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="taptop-stats-")
    try:
        ENV["TAPTOP_SERVICES"] = os.path.join(tmp, "services")
        with open(ENV["TAPTOP_SERVICES"], "w") as f:
            f.write(SERVICES)
        path = os.path.join(tmp, "known.pcap")
        write_pcap(path, packets())
        known(path)
        compare_file("known", path)
        for name in sorted(os.listdir(TRAFFIC)):
            compare_file(name, os.path.join(TRAFFIC, name))
    finally:
        shutil.rmtree(tmp)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
