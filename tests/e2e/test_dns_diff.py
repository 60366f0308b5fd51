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
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
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
        "frame 4 continues a DNS message over TCP; taptop's TCP keeps no"
        " stream state yet (README, DNS)",
}


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


def compare(rel, taptop):
    path = os.path.join(PCAPS, rel)
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
            diffs = compare(rel, taptop)
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
    print("dns diff: %d pass, %d fail, %d known differences" % (
        passed, failed, known))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
