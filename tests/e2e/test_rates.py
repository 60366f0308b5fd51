#!/usr/bin/env python3
"""
Per-row rates against rates computed by hand from the packets.

A capture of flows with known, changing rates is written here
(ratecap.py "changing": A at 100 kB/s for 30 s then 20 kB/s, B starting
late, C stopping after 20 s).  taptop reads it in batch mode with
conv.ip, conv.udp, endpoints.ip and protocols:

- with --interval 1 and 0.5 (JSON lines): at each line's time E, the end
  of its interval, every row's rate_2s, rate_10s and rate_40s must be the
  bytes of that row's packets in (E - W, E], over W, to within 1%.  The
  window is cut at the capture's first packet (it holds everything from
  that packet on, over E - first), as taptop documents;
- with -c N and --duration S (one JSON object), where "now" is the last
  packet read, at arbitrary fractions of a second, the same;
- a few values written out by hand, which do not depend on this file's
  arithmetic (A at 100 kB/s at 25.25 s; the 40 s windows at 70.25 s);
- rows sorted by bytes, the default of a file read in batch mode;
- the protocol hierarchy's shares of frames and bytes, and its bits/s
  (bytes * 8 over the span of the frames counted, as Wireshark's dialog).

The one-packet marker that starts the capture is not steady traffic: its
own rows are not compared (its bytes are in the protocols rows).
"""

import bisect
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
sys.path.insert(0, HERE)
import ratecap  # noqa: E402

NS = ratecap.NS
T = ratecap.T
WINDOWS = (("rate_2s", 2), ("rate_10s", 10), ("rate_40s", 40))
PANELS = ["conv.ip", "conv.udp", "endpoints.ip", "protocols"]
TOL = 0.01

fails = []
checked = [0]
worst = [0.0]


def fail(msg):
    fails.append(msg)
    print("FAIL " + msg)


class Series:
    """A set of packets' times and cumulative bytes, for window sums."""

    def __init__(self, pkts):
        self.ts = [p[0] for p in pkts]
        self.cum = [0]
        for p in pkts:
            self.cum.append(self.cum[-1] + p[4])

    def bytes_in(self, lo, hi, lo_closed):
        """Bytes of the packets in (lo, hi], or [lo, hi]."""
        a = (bisect.bisect_left if lo_closed else bisect.bisect_right)(
            self.ts, lo)
        b = bisect.bisect_right(self.ts, hi)
        return self.cum[b] - self.cum[a] if b > a else 0


def expected(series, now, since, w):
    """Bytes per second in (now - w, now], cut at since: [since, now]."""
    span = w * NS
    if now - since <= span:
        span = now - since
        if span <= 0:
            return 0.0
        return series.bytes_in(since, now, True) * NS / span
    return series.bytes_in(now - span, now, False) * NS / span


def compare(what, row, series, now, since):
    for key, w in WINDOWS:
        want = expected(series, now, since, w)
        got = row.get(key)
        checked[0] += 1
        if not isinstance(got, (int, float)):
            fail("%s: %s is %r" % (what, key, got))
            continue
        err = abs(got - want)
        if want > 0:
            worst[0] = max(worst[0], err / want)
        if err > TOL * want + 1e-3:
            fail("%s: %s = %.3f, by hand %.3f" % (what, key, got, want))


def row_key(panel, row):
    """The flow names a row is about (a set), from its addresses."""
    if panel.startswith("conv."):
        return frozenset([row["a"], row["b"]])
    if panel.startswith("endpoints."):
        return frozenset([row["address"]])
    return None


def check_doc(doc, now, pkts, label):
    since = pkts[0][0]
    upto = [p for p in pkts if p[0] <= now]
    allser = Series(upto)
    by_addr = {}
    for p in upto:
        for a in (p[2], p[3]):
            by_addr.setdefault(a, []).append(p)
    flows = {}
    for p in upto:
        flows.setdefault(frozenset([p[2], p[3]]), []).append(p)
    for panel in doc["panels"]:
        name, rows = panel["panel"], panel["rows"]
        if name in ("conv.ip", "conv.udp", "endpoints.ip"):
            sizes = [r["bytes"] for r in rows]
            if sizes != sorted(sizes, reverse=True):
                fail("%s %s: rows not sorted by bytes: %s" %
                     (label, name, sizes))
        for row in rows:
            key = row_key(name, row)
            if key is None:             # protocols: every packet
                what = "%s %s %s" % (label, name, "/".join(row["path"]))
                compare(what, row, allser, now, since)
                continue
            if "10.0.0.9" in key or "10.0.0.10" in key:
                continue                # the marker
            if name.startswith("conv."):
                pk = flows.get(key, [])
            else:
                pk = by_addr.get(next(iter(key)), [])
            compare("%s %s %s" % (label, name, "-".join(sorted(key))),
                    row, Series(pk), now, since)
        if name == "protocols" and rows:
            check_protocols(label, rows, upto)


def check_protocols(label, rows, upto):
    frames = len(upto)
    nbytes = sum(p[4] for p in upto)
    span = (upto[-1][0] - upto[0][0]) / NS
    for row in rows:
        what = "%s protocols %s" % (label, "/".join(row["path"]))
        want = row["frames"] * 100.0 / frames
        if abs(row["pct_frames"] - want) > 1e-4:
            fail("%s: pct_frames %r, want %.6f" % (what,
                                                   row["pct_frames"], want))
        want = row["bytes"] * 100.0 / nbytes
        if abs(row["pct_bytes"] - want) > 1e-4:
            fail("%s: pct_bytes %r, want %.6f" % (what,
                                                  row["pct_bytes"], want))
        want = row["bytes"] * 8 / span if span > 0 else 0
        if abs(row["bits_s"] - want) > 1e-3 + 1e-9 * want:
            fail("%s: bits_s %r, want %.6f" % (what, row["bits_s"], want))
    if rows[0]["frames"] != frames:
        fail("%s protocols: eth has %d frames, the capture %d" % (
            label, rows[0]["frames"], frames))


def run(args):
    p = subprocess.run([TAPTOP] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    if p.returncode != 0:
        fail("taptop %s: exit %d: %s" % (" ".join(args), p.returncode,
                                         p.stderr.decode()[-300:]))
        return None
    return p.stdout.decode()


def panel_args():
    out = []
    for p in PANELS:
        out += ["--panel", p]
    return out


def row_of(doc, panel, addr):
    for p in doc["panels"]:
        if p["panel"] != panel:
            continue
        for r in p["rows"]:
            if addr in (r.get("a"), r.get("b"), r.get("address")):
                return r
    return None


def by_hand(lines):
    """Values written out, at 25.25 s and 70.25 s after T."""
    at = {round(l["time"] - T, 2): l for l in lines}
    cases = [
        # time, address, column, bytes per second
        (25.25, "10.0.0.1", "rate_2s", 100000.0),
        # Cut at the capture's start, 0.25: A sent from 1 on, 24.25 s
        # at 100 kB/s in 25 s.
        (25.25, "10.0.0.1", "rate_40s", 24.25 * 100000 / 25.0),
        # (15.25, 25.25]: C sent until 21, 5.75 s at 30 kB/s.
        (25.25, "10.0.0.5", "rate_10s", 5.75 * 30000 / 10.0),
        (25.25, "10.0.0.5", "rate_2s", 0.0),
        (70.25, "10.0.0.1", "rate_2s", 20000.0),
        (70.25, "10.0.0.1", "rate_10s", 20000.0),
        # (30.25, 70.25]: 0.75 s at 100 kB/s, 39.25 s at 20 kB/s.
        (70.25, "10.0.0.1", "rate_40s", (75000 + 785000) / 40.0),
        # B began at 46: 24.25 s at 50 kB/s.
        (70.25, "10.0.0.3", "rate_40s", 24.25 * 50000 / 40.0),
        (70.25, "10.0.0.3", "rate_2s", 50000.0),
        (70.25, "10.0.0.5", "rate_40s", 0.0),
    ]
    for t, addr, col, want in cases:
        doc = at.get(t)
        row = row_of(doc, "conv.ip", addr) if doc else None
        if row is None and want == 0:
            continue                # a row that left (none, here)
        if row is None:
            fail("by hand: no conv.ip row of %s at %.2f s" % (addr, t))
            continue
        if abs(row[col] - want) > TOL * want + 1e-3:
            fail("by hand: %s %s at %.2f s = %.3f, want %.3f" % (
                addr, col, t, row[col], want))
        else:
            print("PASS by hand: %s %s at %.2f s = %.1f B/s" % (
                addr, col, t, want))


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no taptop at %s" % TAPTOP)
        return 1
    pkts = ratecap.packets("changing")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "changing.pcap")
        ratecap.write(path, pkts)

        for iv in ("1", "0.5"):
            out = run(["-r", path, "--batch", "--json", "--interval", iv] +
                      panel_args())
            if out is None:
                continue
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            n0 = checked[0]
            for l in lines:
                now = round(l["time"] * 1e6) * 1000
                check_doc(l, now, pkts, "--interval %s at %.2f s" % (
                    iv, (now - T * NS) / NS))
            print("PASS --interval %s: %d lines, %d rates checked" % (
                iv, len(lines), checked[0] - n0))
            if iv == "1":
                by_hand(lines)

        ends = [["-c", "9001"], ["-c", "15555"], ["--duration", "63.3"]]
        for extra in ends:
            out = run(["-r", path, "--batch", "--json"] + extra +
                      panel_args())
            if out is None:
                continue
            doc = json.loads(out)
            n = doc["capture"]["packets"]
            now = pkts[n - 1][0]
            n0 = checked[0]
            check_doc(doc, now, pkts, " ".join(extra))
            print("PASS %s: ends at %.4f s, %d rates checked" % (
                " ".join(extra), (now - T * NS) / NS, checked[0] - n0))
    print("largest error against the hand computation: %.4f%%" %
          (100 * worst[0]))
    if fails:
        print("%d failures" % len(fails))
        return 1
    print("PASS: %d rates within %g%%" % (checked[0], 100 * TOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())
