#!/usr/bin/env python3
"""
The overview in batch mode, and the panels under it.

- `--panel overview[:FILTER]` prints its three parts as panels of their
  own, in order, each with the filter: endpoints.host, conv.host,
  protocols.
- endpoints.host lists the rows of endpoints.ip and of endpoints.ipv6
  together, every cell equal (test_tshark_diff.py checks those two
  against tshark), and conv.host those of conv.ip and conv.ipv6: on
  every capture of ../shared/pcaps/traffic, and under a filter.
- On an IPv6-only capture endpoints.ip is empty and endpoints.host is
  not (the reason the overview lists both families).
- On the capture of overview_pcap.py (flows of known rates), the rows'
  bytes and 2 s rates are the ones computed by hand.

Each failure is one FAIL line.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
TRAFFIC = os.path.join(ROOT, "..", "shared", "pcaps", "traffic")

fails = 0


def check(ok, what):
    global fails
    print("%s %s" % ("PASS" if ok else "FAIL", what))
    if not ok:
        fails += 1


def batch(path, *panels):
    args = [TAPTOP, "-r", path, "--batch", "--json"]
    for p in panels:
        args += ["--panel", p]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (path, r.returncode,
                                                 r.stderr.strip()))
    return json.loads(r.stdout)["panels"]


def rows(panel, key):
    """The rows by their key cells, as sorted tuples of the other cells."""
    out = {}
    for r in panel["rows"]:
        k = tuple(r[c] for c in key)
        out[k] = tuple(sorted((c, v) for c, v in r.items() if c not in key))
    return out


def union_equal(name, host, v4, v6, key):
    want = rows(v4, key)
    want.update(rows(v6, key))
    got = rows(host, key)
    bad = [k for k in set(want) | set(got) if want.get(k) != got.get(k)]
    check(not bad and len(host["rows"]) == len(v4["rows"]) + len(v6["rows"]),
          "%s: %s is %s and %s together (%d rows)%s" % (
              name, host["panel"], v4["panel"], v6["panel"], len(got),
              "" if not bad else ": differ on %s" % (bad[:3],)))


def main():
    pcaps = sorted(f for f in os.listdir(TRAFFIC)
                   if f.endswith((".pcap", ".pcapng")))
    for f in pcaps:
        path = os.path.join(TRAFFIC, f)
        ps = batch(path, "overview", "endpoints.ip", "endpoints.ipv6",
                   "conv.ip", "conv.ipv6")
        names = [p["panel"] for p in ps]
        check(names[:3] == ["endpoints.host", "conv.host", "protocols"],
              "%s: overview is its three parts (%s)" % (f, names[:3]))
        union_equal(f, ps[0], ps[3], ps[4], ("address",))
        union_equal(f, ps[1], ps[5], ps[6], ("a", "b"))

    # Under a filter: the parts carry it.
    path = os.path.join(TRAFFIC, "http_ipv6.pcap")
    ps = batch(path, "overview:tcp", "endpoints.ip:tcp", "endpoints.ipv6:tcp")
    check([p["filter"] for p in ps[:3]] == ["tcp"] * 3,
          "overview:FILTER: each part has the filter")
    union_equal("http_ipv6.pcap, tcp", ps[0], ps[3], ps[4], ("address",))
    check(len(ps[3]["rows"]) == 0 and len(ps[0]["rows"]) > 0,
          "IPv6 only: endpoints.ip is empty, endpoints.host is not "
          "(%d rows)" % len(ps[0]["rows"]))

    # Known rates: the capture of overview_pcap.py.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "ov.pcap")
        subprocess.run([sys.executable, os.path.join(HERE, "overview_pcap.py"),
                        path], check=True)
        ps = batch(path, "overview")
        conv = {(r["a"], r["b"]): r for r in ps[1]["rows"]}
        want = {("10.1.0.3", "10.1.0.4"): (300000, 0.0),
                ("2001:db8::1", "2001:db8::2"): (180000, 3000.0),
                ("10.1.0.1", "10.1.0.2"): (60000, 1000.0)}
        for k, (b, r2) in want.items():
            got = conv.get(k)
            check(got is not None and got["bytes"] == b and
                  abs(got["rate_2s"] - r2) <= 0.01 * max(r2, 1),
                  "known rates: %s <-> %s: %d bytes, %.0f B/s over 2 s "
                  "(got %s)" % (k[0], k[1], b, r2,
                                None if got is None else
                                (got["bytes"], got["rate_2s"])))
        hosts = [r["address"] for r in ps[0]["rows"]]
        check(sorted(hosts) == sorted(["10.1.0.1", "10.1.0.2", "10.1.0.3",
                                       "10.1.0.4", "10.1.0.9", "10.1.0.10",
                                       "2001:db8::1", "2001:db8::2"]),
              "known rates: eight hosts, both families (%s)" % hosts)

    print("%d failed" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
