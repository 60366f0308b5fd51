#!/usr/bin/env python3
"""
The http and tls panels against tshark 4.0 (its defaults: TCP reassembly
on), capture by capture over ../shared/pcaps/traffic:
  - http: requests by method and responses by status code against
    `-q -z http,tree` (its HTTP Request Packets and its codes under the
    1xx..5xx groups), on every capture where tshark counts HTTP;
  - tls: the ClientHellos by server name against `-Y
    tls.handshake.type==1 -T fields -e
    tls.handshake.extensions_server_name` (a hello without a name counts
    as "(no SNI)"), on every capture with a ClientHello.
The panels run in batch JSON, and once with a filter (only the GET
requests, only ClientHellos naming the first name) whose counts must be
that part of the whole.  Listed differences (EXCEPTIONS) are XFAIL lines
with their reason; one that no longer occurs fails.  Exit status: 0, 1
on a difference, 77 without tshark.
"""

import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps",
                                      "traffic"))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))

_QUIC = ("a repeated client Initial (the ClientHello sent again): tshark "
         "reads a QUIC connection's CRYPTO stream once, taptop reads every "
         "Initial (README: Differences from Wireshark)")
_RETRANS = ("a retransmitted ClientHello: tshark does not dissect it "
            "again, taptop does (README: Differences from Wireshark)")
EXCEPTIONS = {
    ("tls", "quic_frags_ch_out_of_order_same_packet_craziness.pcapng"):
        _QUIC,
    ("tls", "teams.pcap"): _RETRANS,
    ("tls", "google_ssl.pcap"): (
        "an SSLv2-compatible ClientHello (frame 4): taptop reads TLS "
        "records only (README: the http and tls panels)"),
    ("http", "many-protocols.pcap"): (
        "SSDP (M-SEARCH over UDP) is not dissected, and retransmitted "
        "responses are dissected again (README: Differences from "
        "Wireshark)"),
    ("http", "http-manipulated.pcap"): (
        "a body longer than TCP reassembly keeps: taptop reads the "
        "response at its first segment, tshark at its last, which this "
        "capture lacks (README: Differences from Wireshark)"),
}


def run(args):
    return subprocess.run(args, capture_output=True, text=True,
                          errors="replace", timeout=600)


def tshark_http(path):
    """Methods and codes of tshark's http,tree, or None without HTTP."""
    out = run(["tshark", "-n", "-r", path, "-q", "-z", "http,tree"]).stdout
    methods, codes, section, total = {}, {}, None, 0
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if not m:
            continue
        depth, name, n = len(m.group(1)), m.group(2), int(m.group(3))
        if name == "Total HTTP Packets":
            total = n
        elif depth == 1:
            section = name
        elif section == "HTTP Request Packets" and depth == 2 and n:
            methods[name] = n
        elif section == "HTTP Response Packets" and depth == 3 and n:
            code = name.split()[0]
            if code.isdigit():
                codes[int(code)] = codes.get(int(code), 0) + n
    return (methods, codes) if total else None


def tshark_sni(path):
    out = run(["tshark", "-n", "-r", path, "-Y", "tls.handshake.type==1",
               "-T", "fields", "-e",
               "tls.handshake.extensions_server_name"]).stdout
    return collections.Counter(line or "(no SNI)"
                               for line in out.splitlines())


def panel_rows(path, panel):
    p = run([TAPTOP, "-r", path, "--batch", "--json", "--panel", panel])
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (panel, p.stderr.strip()))
    return json.loads(p.stdout)["panels"][0]["rows"]


def children(rows, *path):
    """count of each row right under the node path."""
    n = len(path)
    return {r["node"][n]: r["count"] for r in rows
            if len(r["node"]) == n + 1 and r["node"][:n] == list(path)
            and r["count"]}


def ours_http(rows):
    methods = children(rows, "Requests", "By method")
    codes = {}
    for g in ["1xx", "2xx", "3xx", "4xx", "5xx", "Other codes"]:
        for c, n in children(rows, "Responses", g).items():
            codes[int(c)] = n
    return methods, codes


def ours_sni(rows):
    """The names by connections; a QUIC one is marked " (QUIC)", which
    tshark's field does not say."""
    got = collections.Counter()
    for name, n in children(rows, "ClientHellos",
                            "Server names by connections").items():
        if name.endswith(" (QUIC)"):
            name = name[:-len(" (QUIC)")]
        got[name] += n
    return got


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark not installed")
        return 77
    fails, seen, tried = 0, set(), collections.Counter()
    for path in sorted(glob.glob(os.path.join(PCAPS, "*"))):
        name = os.path.basename(path)
        checks = []
        theirs = tshark_http(path)
        if theirs is not None:
            rows = panel_rows(path, "http")
            ours = ours_http(rows)
            checks.append(("http", ours, theirs))
            if ours[0].get("GET"):
                get = ours_http(panel_rows(
                    path, 'http:http.request.method == "GET"'))
                checks.append(("http GET filter", get,
                               ({"GET": ours[0]["GET"]}, {})))
        sni = tshark_sni(path)
        if sni:
            ours = ours_sni(panel_rows(path, "tls"))
            checks.append(("tls", ours, sni))
            first = sorted(n for n in sni if n != "(no SNI)" and
                           '"' not in n and "\\" not in n)
            if first and first[0] in ours:
                f = ('tls:tls.handshake.extensions_server_name == "%s"'
                     % first[0])
                got = ours_sni(panel_rows(path, f))
                checks.append(("tls filter", got,
                               collections.Counter({first[0]:
                                                    ours[first[0]]})))
        for kind, got, want in checks:
            tried[kind] += 1
            key = (kind, name)
            if got == want:
                if key in EXCEPTIONS:
                    print("FAIL %s %s: listed difference no longer occurs"
                          % (kind, name))
                    fails += 1
                else:
                    print("ok   %s %s" % (kind, name))
                continue
            if key in EXCEPTIONS:
                seen.add(key)
                print("XFAIL %s %s: %s" % (kind, name, EXCEPTIONS[key]))
                continue
            fails += 1
            print("FAIL %s %s:\n  taptop %s\n  tshark %s"
                  % (kind, name, got, want))
    for key in sorted(set(EXCEPTIONS) - seen):
        if not any(key[1] == os.path.basename(p)
                   for p in glob.glob(os.path.join(PCAPS, "*"))):
            print("FAIL %s %s: listed capture missing" % key)
            fails += 1
    if tried["http"] < 1 or tried["tls"] < 1:
        print("FAIL: no capture with HTTP or TLS to compare")
        fails += 1
    print("%d difference(s); compared %s" % (fails, dict(tried)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
