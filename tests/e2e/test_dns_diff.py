#!/usr/bin/env python3
"""
Differential test of the dns panel against `tshark -q -z dns,tree`, on
every capture of ../shared/pcaps/traffic and ../shared/pcaps/odd that has
DNS: queries, responses, rcodes and opcodes of responses, and the
request-response times (count, min and max to tshark's printed
precision), and the unanswered queries: tshark's queries (two passes, -2)
with no dns.response_in that are no retransmission, older than 5 s at the
capture's last packet (the panel does not call the queries of the last
5 s unanswered: their answer could have come after the file).

It also writes dns_tcp.pcap: DNS over TCP cut into segments at every
point of two messages' bytes (a length alone or split, a message spread
over three segments, a message completed with the next one's start, a
message that completes another and carries a whole one), several messages
in one segment, messages longer and shorter than their length says, and
one never completed before a FIN.  There tshark and taptop must agree on
the dns tree as above, on every protocol-hierarchy node
(test_tshark_diff.py's comparison) and on the counts of FILTERS.

tshark's rcode and opcode branches count every DNS packet (a query's
rcode bits too), so tshark runs twice: once for Query/Response, once with
the tree's filter dns.flags.response == 1 for the responses' rcodes, as
the panel counts them.  Both run with -n and tshark's default
preferences, as the other differentials.

Exit status: 0 when every comparison passes, 1 otherwise, 77 without
tshark.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import capwrite as cw              # noqa: E402
import test_tshark_diff as td      # noqa: E402

PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps"))
DIRS = ("traffic", "odd")
# tshark's defaults: IP fragments and TCP segments reassembled, as taptop
# does (core/reasm.h, core/tcpreasm.h).
PREFS = []
RCODES = {"No error": 0, "Format error": 1, "Server failure": 2,
          "No such name": 3, "Not implemented": 4, "Refused": 5}
# Deliberate differences: (capture, reason); checked to still differ.
EXCEPTIONS = {
    "odd/dns_over_tcp.pcapng":
        "frame 4 is a retransmission (its bytes repeat frame 1's sequence"
        " numbers): tshark's TCP, which remembers every direction's"
        " highest sequence number, does not hand it to DNS; taptop's keeps"
        " state only for PDUs in progress and dissects it again (README,"
        " Differences from Wireshark)",
}
# -Y counts compared on dns_tcp.pcap.
FILTERS = ["dns", "dns.flags.response == 1", "dns.id == 4",
           "dns.length == 27", "dns.qry.name == \"d.example\"",
           "dns.resp.name", "dns.count.answers == 3", "dns.a",
           "tcp.len > 0 && !dns", "dns.resp.ttl == 300"]

def dns_query(qid, name):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split("."))
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + \
        b"\0" + struct.pack("!HH", 1, 1)


def write_dns_tcp(path):
    """DNS over TCP in segments: one connection (client port) per case,
    queries from the client, answers from the server."""
    cli, srv = "192.0.2.10", "198.51.100.53"
    frames, t = [], [1000.0]

    def seg(c2s, port, seq, pl, flags=0x18):
        src, dst = (cli, srv) if c2s else (srv, cli)
        sp, dp = (port, 53) if c2s else (53, port)
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, 1, 0x50, flags, 65535,
                          0, 0) + pl
        frames.append((t[0], cw.eth(cw.ipv4(src, dst, 6, tcp), 0x800,
                                    cw.MAC_A if c2s else cw.MAC_B,
                                    cw.MAC_B if c2s else cw.MAC_A)))
        t[0] += 0.01

    def conn(port, c2s, s2c):
        for c2s_dir, segs, seq in ((True, c2s, 1000), (False, s2c, 5000)):
            for pl in segs:
                seg(c2s_dir, port, seq, pl)
                seq += len(pl)

    def pre(m, delta=0):
        return struct.pack("!H", len(m) + delta) + m
    q1, q2 = pre(dns_query(1, "a.example")), pre(dns_query(2, "b.example"))
    r1 = pre(cw.dns_answer(1, "a.example", 3, 200))
    r2 = pre(cw.dns_answer(2, "b.example", 1, 20))
    r3 = pre(cw.dns_answer(3, "c.example", 1, 20))
    r4 = pre(cw.dns_answer(4, "d.example", 1, 30))
    conn(40000, [q1 + q2], [r1[:50], r1[50:300], r1[300:]])
    conn(40001, [q1[:1], q1[1:]], [r2 + r3 + r4])
    conn(40002, [q1 + q2[:7], q2[7:] + pre(dns_query(4, "d.example"))],
         [r2 + r3[:7], r3[7:] + r4])
    m = dns_query(6, "e.example")
    conn(40003, [pre(m + b"\0" * 5) + q2], [pre(m, -4)])  # long, short
    port = 40010
    both = r2 + r3
    for a in range(1, len(both)):
        conn(port, [], [both[:a], both[a:]])
        port += 1
    for a in (1, 2, 3, len(r2) - 1, len(r2), len(r2) + 1, len(r2) + 2):
        for b in range(a + 1, len(both)):
            conn(port, [], [both[:a], both[a:b], both[b:]])
            port += 1
    conn(port, [pre(m, 300)], [])            # never whole: a FIN
    seg(True, port, 1000 + 2 + len(m), b"", 0x11)
    cw.pcap(path, frames)


def filter_counts(taptop, path):
    """[(filter, taptop's count, tshark's)] for FILTERS."""
    out = []
    for flt in FILTERS:
        p = subprocess.run([taptop, "-r", path, "--batch", "--json",
                            "--panel", "summary:" + flt],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
        try:
            rows = json.loads(p.stdout)["panels"][0]["rows"] or [{}]
            ours = rows[0].get("packets")
        except (ValueError, KeyError, IndexError):
            ours = None
        p = subprocess.run(["tshark", "-n", "-r", path] + PREFS +
                           ["-Y", flt], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        out.append((flt, ours, len(p.stdout.splitlines())))
    return out


def tshark_tree(path, flt=None):
    z = "dns,tree" + ("," + flt if flt else "")
    out = subprocess.run(["tshark", "-n", "-q", "-r", path] + PREFS +
                         ["-z", z], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)(?:\s+([\d.]+)\s+([\d.]+)\s+"
                     r"([\d.]+))?\s", line + " ")
        if m:
            rows.setdefault(m.group(2).strip(), []).append(
                (int(m.group(3)), m.group(4), m.group(5), m.group(6)))
    return rows


def tshark_unanswered(path):
    """Queries that got no answer, as the panel counts them."""
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e",
                          "frame.time_relative"] + PREFS,
                         capture_output=True, text=True).stdout.split()
    if not out:
        return 0
    last = float(out[-1])
    out = subprocess.run(["tshark", "-n", "-2", "-r", path] + PREFS + [
        "-Y", "dns && dns.flags.response == 0 && !dns.response_in && "
        "!dns.retransmission && dns.flags.opcode == 0 && "
        "frame.time_relative < %.9f" % (last - 5), "-T", "fields", "-e",
        "frame.number"], capture_output=True, text=True).stdout.split()
    return len(out)


def taptop_panel(taptop, path):
    out = subprocess.run([taptop, "-r", path, "--batch", "--json",
                          "--panel", "dns"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    rows = json.loads(out.stdout)["panels"][0]["rows"]
    return {tuple(r["node"]): r for r in rows}


def compare(path, taptop):
    allp = tshark_tree(path)
    if not allp.get("Total Packets") or allp["Total Packets"][0][0] == 0:
        return None
    resp = tshark_tree(path, "dns.flags.response==1")
    got = taptop_panel(taptop, path)
    if got is None:
        return ["taptop failed"]
    diffs = []

    def cnt(key):
        return got[key]["count"] if key in got else 0
    want_q = allp.get("Query", [(0,)])[0][0]
    want_r = allp.get("Response", [(0,)])[0][0]
    if cnt(("Queries",)) != want_q:
        diffs.append("queries taptop=%d tshark=%d" % (cnt(("Queries",)),
                                                      want_q))
    if cnt(("Responses",)) != want_r:
        diffs.append("responses taptop=%d tshark=%d" % (
            cnt(("Responses",)), want_r))
    for name, code in RCODES.items():
        want = resp.get(name, [(0,)])[0][0]
        have = cnt(("Responses", "By rcode", "%s (%d)" % (name, code)))
        if have != want:
            diffs.append("rcode %s taptop=%d tshark=%d" % (name, have, want))
    want_u = tshark_unanswered(path)
    have_u = cnt(("Unanswered queries (none in 5 s)",))
    if have_u != want_u:
        diffs.append("unanswered taptop=%d tshark=%d" % (have_u, want_u))
    srt = allp.get("request-response time (msec)")
    rt = got.get(("Response time",))
    want_n = srt[0][0] if srt else 0
    have_n = rt["count"] if rt else 0
    if have_n != want_n:
        diffs.append("timed responses taptop=%d tshark=%d" % (have_n,
                                                              want_n))
    elif want_n and srt[0][2] is not None:
        for i, k in ((2, "min"), (3, "max")):
            w = float(srt[0][i])
            if abs(rt[k] * 1000 - w) > 1e-3 + 1e-6 * w:
                diffs.append("%s time taptop=%.6f ms tshark=%s ms" % (
                    k, rt[k] * 1000, srt[0][i]))
    return diffs


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(ROOT, "build", "taptop"))
    failed = passed = known = 0
    for d in DIRS:
        for name in sorted(os.listdir(os.path.join(PCAPS, d))):
            rel = d + "/" + name
            diffs = compare(os.path.join(PCAPS, rel), taptop)
            if diffs is None:
                continue
            if rel in EXCEPTIONS:
                if diffs:
                    known += 1
                    print("XFAIL %s: %s" % (rel, EXCEPTIONS[rel]))
                else:
                    failed += 1
                    print("FAIL %s: exception no longer occurs" % rel)
            elif diffs:
                failed += 1
                print("FAIL %s: %s" % (rel, "; ".join(diffs)))
            else:
                passed += 1
                print("PASS %s" % rel)
    # DNS over TCP in segments, on a capture written here.
    work = tempfile.mkdtemp(prefix="taptop-dnstcp-")
    try:
        path = os.path.join(work, "dns_tcp.pcap")
        write_dns_tcp(path)
        diffs = compare(path, taptop)
        diffs = ["no DNS"] if diffs is None else diffs
        report = td.Report()
        td.compare_file("written/dns_tcp.pcap", path, taptop,
                        td.tshark_version(), report)
        if report.failed or not report.passed:
            diffs.append("the panels differ from tshark's (above)")
        for flt, ours, theirs in filter_counts(taptop, path):
            if ours != theirs:
                diffs.append("-Y %s taptop=%s tshark=%d" % (flt, ours,
                                                           theirs))
        if diffs:
            failed += 1
            print("FAIL written/dns_tcp.pcap: %s" % "; ".join(diffs))
        else:
            passed += 1
            print("PASS written/dns_tcp.pcap (tree, panels, %d filters)" %
                  len(FILTERS))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("dns diff: %d pass, %d fail, %d known differences" % (
        passed, failed, known))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
