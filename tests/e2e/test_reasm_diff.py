#!/usr/bin/env python3
"""
Differential test of IP reassembly and IPv6 extension headers against
tshark 4.0 with its default preferences, on captures this test writes.

- frag4.pcap, frag6.pcap: DNS-like answers too large for one packet,
  fragmented over IPv4 and IPv6 (with queries between them): in order,
  out of order, with an overlapping fragment whose bytes conflict, with a
  fragment missing, and with a fragment repeated after its datagram was
  complete.  tshark and taptop must agree on every conversation, endpoint
  and protocol-hierarchy node, "data" included (test_tshark_diff.py's
  comparison): the
  datagram counts above IP once, at the frame that completes it (its frame
  length), and the other fragments are ip/data.
- frag_timeout.pcap: a datagram whose last fragments come 100 s after its
  first.  tshark has no timeout and reassembles it; taptop drops it after
  60 s of capture time (README, "Differences from Wireshark"): those
  differences are listed below and must occur, and taptop's JSON must count
  the datagrams dropped (reasm_timeout), which the other captures must not.
- hbh.pcap: MLD messages behind a hop-by-hop header (MLDv1 and MLDv2
  reports, a query), router solicitations with and without one, and an
  echo: icmpv6 is right under ipv6 in tshark's hierarchy, never under a
  hop-by-hop level, and taptop's `ipv6.hopopts` filter still matches the
  frames that have the header.

Exit status: 0 when all agree, 1 otherwise, 77 without tshark.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import capwrite as cw              # noqa: E402
import test_tshark_diff as td      # noqa: E402

C4, S4 = "192.0.2.10", "198.51.100.53"
C6, S6 = "2001:db8:1::10", "2001:db8:2::53"


class Frames:
    def __init__(self):
        self.t = 1000.0
        self.out = []

    def add(self, frame, gap=0.01):
        self.out.append((self.t, frame))
        self.t += gap


def frag_frames(v6, ids):
    """Fragments of DNS-like answers, as [(label, [frames])]."""
    def query(qid):
        q = cw.udp(40000 + qid, 53, cw.dns_answer(qid, "big.example",
                                                  0, 1)[:29])
        if v6:
            return cw.eth(cw.ipv6(C6, S6, 17, q), 0x86dd, cw.MAC_A,
                          cw.MAC_B)
        return cw.eth(cw.ipv4(C4, S4, 17, q, ident=ids + qid), 0x800,
                      cw.MAC_A, cw.MAC_B)

    def frags(qid, count, size=1232):
        dg = cw.udp(53, 40000 + qid, cw.dns_answer(qid, "big.example",
                                                   count, 200))
        if v6:
            fr = cw.fragment6(S6, C6, 17, dg, ids + qid, size)
            return dg, [cw.eth(ip, 0x86dd, cw.MAC_B, cw.MAC_A)
                        for _, ip in fr]
        fr = cw.fragment4(S4, C4, 17, dg, ids + qid, size)
        return dg, [cw.eth(ip, 0x800, cw.MAC_B, cw.MAC_A) for _, ip in fr]

    def raw(dg, qid, off, data, more):
        if v6:
            ip = cw.ipv6(S6, C6, 44, cw.fraghdr6(17, off, more, ids + qid,
                                                 data))
            return cw.eth(ip, 0x86dd, cw.MAC_B, cw.MAC_A)
        return cw.eth(cw.ipv4(S4, C4, 17, data, ident=ids + qid, frag=off,
                              mf=more), 0x800, cw.MAC_B, cw.MAC_A)

    out = []
    _, f = frags(1, 12)                     # in order, 3 fragments
    out.append(("in order", [query(1)] + f))
    _, f = frags(2, 14)                     # out of order
    out.append(("out of order", [query(2), f[2], f[0], f[1]]))
    dg, f = frags(3, 12)                    # an overlap that conflicts
    bad = raw(dg, 3, 616, bytes([0xee]) * 1232, True)
    out.append(("overlap", [query(3), f[0], bad, f[1], f[2]]))
    _, f = frags(4, 12)                     # one missing
    out.append(("missing", [query(4), f[0], f[2]]))
    _, f = frags(5, 8)                      # repeated after completion
    out.append(("repeated", [query(5)] + f + [f[0]]))
    _, f = frags(6, 5, 600)                 # small, then an unfragmented one
    out.append(("small", [query(6)] + f + [query(7)]))
    return out


def write_frag(path, v6):
    fr = Frames()
    for _, frames in frag_frames(v6, 100 if v6 else 200):
        for f in frames:
            fr.add(f)
    cw.pcap(path, fr.out)


def write_timeout(path):
    fr = Frames()
    for v6 in (False, True):
        for label, frames in frag_frames(v6, 300):
            if label != "in order":
                continue
            fr.add(frames[0])           # the query
            fr.add(frames[1], 100.0)    # first fragment, then 100 s
            for f in frames[2:]:
                fr.add(f)
    cw.pcap(path, fr.out)


def write_hbh(path):
    fr = Frames()
    ll, mac = "fe80::1", cw.MAC_A
    # MLDv2 report to ff02::16, two records, behind a hop-by-hop header.
    recs = b"".join(bytes([4, 0, 0, 0]) + cw.v6(g)
                    for g in ("ff02::fb", "ff02::1:3"))
    body = bytes(2) + len(recs and [1, 2]).to_bytes(2, "big") + recs
    m2 = cw.icmpv6(ll, "ff02::16", 143, 0, body)
    # MLDv1 report (131) and a general query (130).
    m1 = cw.icmpv6(ll, "ff02::fb", 131, 0, bytes(4) + cw.v6("ff02::fb"))
    mq = cw.icmpv6("fe80::2", "ff02::1", 130, 0,
                   b"\x03\xe8" + bytes(2) + bytes(16))
    rs = cw.icmpv6(ll, "ff02::2", 133, 0, bytes(4) + b"\x01\x01" + mac)
    echo = cw.icmpv6(ll, "fe80::2", 128, 0, b"\x12\x34\x00\x01" + b"x" * 32)
    reply = cw.icmpv6("fe80::2", ll, 129, 0, b"\x12\x34\x00\x01" + b"x" * 32)

    def eth6(src, dst, nxt, payload, hlim=1):
        return cw.eth(cw.ipv6(src, dst, nxt, payload, hlim=hlim), 0x86dd)

    for _ in range(3):
        fr.add(eth6(ll, "ff02::16", 0, cw.hopopts(58, m2)))
        fr.add(eth6(ll, "ff02::fb", 0, cw.hopopts(58, m1)))
        fr.add(eth6(ll, "ff02::2", 58, rs, 255))
    fr.add(eth6("fe80::2", "ff02::1", 0, cw.hopopts(58, mq)))
    fr.add(eth6(ll, "ff02::2", 0, cw.hopopts(58, rs), 255))
    fr.add(eth6(ll, "fe80::2", 58, echo, 64))
    fr.add(eth6("fe80::2", ll, 58, reply, 64))
    cw.pcap(path, fr.out)


FILTERS = ("udp", "data", "udp[0:2] == 00:35", 'udp contains "zabcdefg"',
           "udp.length > 1500", "data.len == 1232", "ipv6.fraghdr",
           "ipv6.hopopts", "icmpv6", "ip.flags.mf == 1 && udp")

PANELS_TIMEOUT = ("conv.udp", "endpoints.udp", "protocols", "conv.ipv6",
                  "endpoints.ipv6")
WHY = ("tshark has no reassembly timeout; taptop drops a datagram not "
       "complete within 60 s of capture time")


def taptop_json(taptop, path, panel):
    p = subprocess.run([taptop, "-r", path, "--batch", "--json", "--panel",
                        panel], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {}


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(td.ROOT, "build", "taptop"))
    work = tempfile.mkdtemp(prefix="taptop-reasm-")
    fails = []
    try:
        caps = {"written/frag4.pcap": lambda p: write_frag(p, False),
                "written/frag6.pcap": lambda p: write_frag(p, True),
                "written/frag_timeout.pcap": write_timeout,
                "written/hbh.pcap": write_hbh}
        paths = {}
        for rel, fn in caps.items():
            paths[rel] = os.path.join(work, os.path.basename(rel))
            fn(paths[rel])
        # The fragments held count as ip/data and ipv6/data: compared
        # too (no other undissected payload is in these captures).
        td.KEEP = td.KEEP + ("data",)
        td.EXCEPTIONS = [td.Exc("written/frag_timeout.pcap", p, "mismatch",
                                None, None, WHY) for p in PANELS_TIMEOUT]
        version = td.tshark_version()
        report = td.Report()
        for rel, path in paths.items():
            td.compare_file(rel, path, taptop, version, report)
        for e in report.stale(set(paths)):
            report.failed += 1
            print("FAIL expected difference did not occur: %s %s" %
                  (e.file, e.panel))
        # The timeout is counted, and only there.
        for rel, path in paths.items():
            cap = taptop_json(taptop, path, "summary").get("capture", {})
            # Three: the IPv4 datagram, its last fragments (a datagram
            # of their own after the first was dropped, never complete:
            # the IPv6 one's come 100 s later), and the IPv6 one.
            want = 3 if rel.endswith("timeout.pcap") else 0
            got = (cap.get("reasm_timeout"), cap.get("reasm_full"))
            ok = got == (want, 0)
            print("%s %-34s reasm_timeout, reasm_full = %s (want %d, 0)" %
                  ("PASS" if ok else "FAIL", rel, got, want))
            if not ok:
                fails.append(rel)
        # Filters read the reassembled datagram as tshark's do.
        for rel in ("written/frag4.pcap", "written/frag6.pcap",
                    "written/hbh.pcap"):
            for flt in FILTERS:
                if rel.endswith("hbh.pcap") and flt.startswith("data"):
                    # tshark's "data" is also an echo's payload, which
                    # taptop gives no layer (README, Differences).
                    continue
                doc = taptop_json(taptop, paths[rel], "summary:" + flt)
                pan = doc.get("panels", [{}])[0].get("rows") or [{}]
                ours = pan[0].get("packets")
                p = subprocess.run(["tshark", "-n", "-r", paths[rel], "-Y",
                                    flt], stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True)
                theirs = len(p.stdout.splitlines())
                ok = ours == theirs
                print("%s %-22s %-28s taptop %s, tshark %d" % (
                    "PASS" if ok else "FAIL", rel, flt, ours, theirs))
                if not ok:
                    fails.append("%s %s" % (rel, flt))
        # Extension headers stay protocols for filters.
        doc = taptop_json(taptop, paths["written/hbh.pcap"],
                          "summary:ipv6.hopopts")
        rows = [p for p in doc.get("panels", [])]
        n = rows[0]["rows"][0]["packets"] if rows and rows[0]["rows"] \
            else None
        ok = n == 8
        print("%s hbh.pcap: ipv6.hopopts matches %s frames (want 8)" %
              ("PASS" if ok else "FAIL", n))
        if not ok:
            fails.append("hopopts filter")
        print("reasm diff: %d pass, %d fail, %d known differences" %
              (report.passed, report.failed + len(fails), report.xfail))
        return 1 if report.failed or fails else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
