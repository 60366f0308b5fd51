#!/usr/bin/env python3
"""
What batch mode prints for scripts and for people, checked from outside.

- Filters: the capture filter (-f) and the global display filter (-Y) are in
  the text header and in the JSON `capture` object (`capture_filter`,
  `display_filter`, "" when none), and the per-packet limit keys are always
  there.
- --interval with --json prints one object per line (NDJSON), the last one
  too, each with `time`, `interval` and `elapsed`.  On a file the intervals
  are cut by capture time from the first packet, as `tshark -z io,stat`
  cuts them: with --interval-mode delta the summary's packets and bytes,
  line by line, are tshark's io,stat rows, and the lines of every panel add
  up to a plain run's totals; in the default cumulative mode the last line
  is the plain run.  Text snapshots are led by a line with the time.
- The locale: under LANG=C the text is ASCII ("->", "-"), under a UTF-8
  locale it keeps "→" and "—".  Times in text are ISO 8601 in UTC.

Nothing here reads a clock: every time checked comes from a capture file.
Exit status: 0 passed, 1 failed; the tshark comparison is skipped (not
failed) when tshark is missing.
"""

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps",
                                      "traffic"))
EXAMPLE = os.path.join(PCAPS, "example.pcap")
# Files in time order (io,stat buckets a packet by its own time; a stream
# can only count a late packet in the interval in progress).
IO_FILES = ["example.pcap", "synscan.pcap", "teams.pcap", "http_ipv6.pcap"]
PANELS = ["summary", "protocols", "conv.ip", "conv.tcp", "conv.udp",
          "endpoints.ip", "endpoints.udp"]

fails = []


def check(ok, what):
    if ok:
        print("PASS " + what)
    else:
        print("FAIL " + what)
        fails.append(what)
    return ok


def run(args, env=None):
    e = dict(os.environ)
    e.pop("LC_ALL", None)
    e.pop("LC_CTYPE", None)
    if env:
        e.update(env)
    p = subprocess.run([TAPTOP] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def panel_args(panels):
    out = []
    for p in panels:
        out += ["--panel", p]
    return out


def lines_json(out):
    """Each line one JSON object; None if any line is not."""
    objs = []
    for ln in out.split("\n")[:-1] if out.endswith("\n") else [None]:
        if ln is None:
            return None
        try:
            objs.append(json.loads(ln))
        except ValueError:
            return None
    return objs


def iso(epoch_text):
    """ISO 8601 UTC, microseconds, from the JSON's "%.6f" epoch seconds."""
    us = int(Decimal(epoch_text) * 1000000)
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- filters in the header ----

def test_filters():
    args = ["-r", EXAMPLE, "--batch", "--panel", "summary"]
    rc, out, err = run(args + ["-f", "tcp port 80", "-Y", "ip.len > 100"])
    head = out.split("\n\n")[0].splitlines()
    check(rc == 0 and "Capture filter: tcp port 80" in head and
          "Display filter: ip.len > 100" in head,
          "text header names both filters: %r" % head)
    rc, out, err = run(args + ["--json", "-f", "tcp port 80",
                               "-Y", "ip.len > 100"])
    cap = json.loads(out)["capture"] if rc == 0 else {}
    check(cap.get("capture_filter") == "tcp port 80" and
          cap.get("display_filter") == "ip.len > 100",
          "json capture names both filters: %r" % cap)
    rc, out, err = run(args + ["--json"])
    cap = json.loads(out)["capture"] if rc == 0 else {}
    want = {"capture_filter": "", "display_filter": "", "tap_queue_full": 0,
            "fields_dropped": 0, "arena_full": 0, "reasm_timeout": 0,
            "reasm_full": 0, "tcp_reasm_gaps": 2,
            "tcp_reasm_flows_full": 0, "tcp_reasm_bytes_full": 0,
            "tcp_reasm_timeouts": 0}
    check(all(k in cap and cap[k] == v for k, v in want.items()),
          "json capture without filters or limits hit: every key there, "
          "empty or 0 (but TCP reassembly's two gaps, two segments missing "
          "from the capture): %r" % cap)
    rc, out, err = run(args)
    check(rc == 0 and "filter" not in out.split("\n\n")[0],
          "text header without filters names none")


# ---- intervals ----

def tshark_io(path):
    """[(frames, bytes)] of tshark -q -z io,stat,1, one per interval."""
    p = subprocess.run(["tshark", "-n", "-q", "-r", path, "-z", "io,stat,1"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, timeout=300)
    rows = []
    for ln in p.stdout.decode().splitlines():
        m = re.match(r"\|\s*\d+\s*<>\s*(\d+|Dur)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|",
                     ln)
        if m:
            rows.append((int(m.group(2)), int(m.group(3))))
    return rows


def key_of(panel, row):
    """A row's identity across intervals: a conversation's ends in either
    order (A is whoever spoke first in that interval)."""
    name = panel["panel"]
    if name.startswith("conv."):
        ends = sorted([(row["a"], row.get("a_port")),
                       (row["b"], row.get("b_port"))], key=repr)
        return tuple(ends)
    if name.startswith("endpoints."):
        return (row["address"], row.get("port"))
    if name == "protocols":
        return tuple(row["path"])
    return ()


def totals(obj):
    """{(panel index, row key): [frames, bytes]}, "other" included."""
    t = {}
    for i, p in enumerate(obj["panels"]):
        for r in p["rows"]:
            f = r.get("frames", r.get("packets"))
            k = (i, key_of(p, r))
            v = t.setdefault(k, [0, 0])
            v[0] += f
            v[1] += r["bytes"]
        v = t.setdefault((i, "other"), [0, 0])
        v[0] += p["other"]["frames"]
        v[1] += p["other"]["bytes"]
    return t


def add(a, b):
    for k, v in b.items():
        w = a.setdefault(k, [0, 0])
        w[0] += v[0]
        w[1] += v[1]


def strip_time(obj):
    return {k: v for k, v in obj.items()
            if k not in ("time", "interval", "elapsed")}


def test_intervals_file():
    pa = panel_args(PANELS)
    rc, out, err = run(["-r", EXAMPLE, "--batch", "--json"] + pa)
    plain = json.loads(out)
    first = Decimal(re.search(r'"start":([0-9.]+)', out).group(1))

    rc, out, err = run(["-r", EXAMPLE, "--batch", "--json", "--interval",
                        "1", "--interval-mode", "delta"] + pa)
    objs = lines_json(out)
    if not check(rc == 0 and objs is not None and len(objs) > 1,
                 "--interval --json: one object per line (exit %d, %d "
                 "lines)" % (rc, out.count("\n"))):
        return
    check(all({"time", "interval", "elapsed", "capture", "panels"} <=
              set(o) for o in objs), "every line has time, interval, "
          "elapsed, capture and panels")
    # Interval k ends at first + k + 1 (the last one at the last packet).
    ok = True
    for k, o in enumerate(objs[:-1]):
        ok &= abs(Decimal(str(o["time"])) - (first + k + 1)) < \
            Decimal("0.000002")
        ok &= o["interval"] == 1 and abs(o["elapsed"] - (k + 1)) < 1e-6
    last = objs[-1]
    dur = plain["panels"][0]["rows"][0]["duration"]
    ok &= abs(last["elapsed"] - dur) < 2e-6
    ok &= abs(last["interval"] - (dur - (len(objs) - 1))) < 2e-6
    check(ok, "lines' time, interval and elapsed follow capture time")
    sums = {}
    for o in objs:
        add(sums, totals(o))
    want = totals(plain)
    check(sums == want, "delta lines add up to the plain run, every panel "
          "and row (%d keys)" % len(want))
    check(sum(o["capture"]["packets"] for o in objs) ==
          plain["capture"]["packets"],
          "delta lines' capture.packets add up to the total")

    rc, out, err = run(["-r", EXAMPLE, "--batch", "--json", "--interval",
                        "1"] + pa)
    cum = lines_json(out)
    check(cum is not None and len(cum) == len(objs) and
          strip_time(cum[-1]) == plain,
          "cumulative: the last line is the plain run")
    check(cum is not None and [o["time"] for o in cum] ==
          [o["time"] for o in objs], "cumulative and delta lines share "
          "their times")

    # Text: one snapshot per interval, each led by its time.
    rc, out, err = run(["-r", EXAMPLE, "--batch", "--interval", "1",
                        "--panel", "summary"])
    seps = re.findall(r"^=== (\S+)  interval (\S+) s  elapsed (\S+) s",
                      out, re.M)
    want = [iso("%.6f" % o["time"]) for o in objs]
    check([s[0] for s in seps] == want,
          "text: a separator line with the ISO time before each of the %d "
          "snapshots" % len(want))


def test_io_stat():
    if shutil.which("tshark") is None:
        print("SKIP tshark io,stat: no tshark")
        return
    for name in IO_FILES:
        path = os.path.join(PCAPS, name)
        rc, out, err = run(["-r", path, "--batch", "--json", "--interval",
                            "1", "--interval-mode", "delta",
                            "--panel", "summary"])
        objs = lines_json(out) or []
        got = [(o["panels"][0]["rows"][0]["packets"],
                o["panels"][0]["rows"][0]["bytes"]) for o in objs]
        want = tshark_io(path)
        check(rc == 0 and len(want) > 2 and got == want,
              "%s: per-interval frames and bytes equal tshark -z io,stat,1 "
              "(%d intervals)" % (name, len(want)))


def test_interval_gap():
    # many-protocols.pcap spans 4.5 years: at 1 s that is 1.4e8 intervals,
    # nearly all empty.  A jump that long is cut short (documented), so
    # the run ends, and still adds up.
    path = os.path.join(PCAPS, "many-protocols.pcap")
    rc, out, err = run(["-r", path, "--batch", "--json", "--interval", "1",
                        "--interval-mode", "delta", "--panel", "summary"])
    objs = lines_json(out) or []
    rc2, out2, err2 = run(["-r", path, "--batch", "--json",
                           "--panel", "summary"])
    total = json.loads(out2)["capture"]["packets"]
    check(rc == 0 and 0 < len(objs) < 1000000 and
          sum(o["panels"][0]["rows"][0]["packets"] for o in objs) == total,
          "a 4.5-year jump in timestamps: %d lines, adding up to %d" %
          (len(objs), total))


def test_usage():
    for args in (["--interval-mode", "sometimes", "--interval", "1"],
                 ["--interval-mode", "delta"],
                 ["--interval", "0.0001"]):
        rc, out, err = run(["-r", EXAMPLE, "--batch"] + args)
        check(rc == 2 and len(err.splitlines()) == 1,
              "usage error for %s: %s" % (" ".join(args), err.strip()))
    # Without --batch there is nothing to print snapshots to.
    rc, out, err = run(["-r", EXAMPLE, "--interval", "1"])
    check(rc == 2 and len(err.splitlines()) == 1,
          "usage error for --interval without --batch: %s" % err.strip())


# ---- the locale ----

def test_locale():
    args = ["-r", EXAMPLE, "--batch", "--panel", "summary",
            "--panel", "conv.udp", "--panel", "summary:ip.addr == 1.2.3.4"]
    rc, jout, err = run(["-r", EXAMPLE, "--batch", "--json",
                         "--panel", "summary"])
    start = re.search(r'"start":([0-9.]+)', jout).group(1)
    rc, out, err = run(args, {"LANG": "C"})
    check(rc == 0 and out.isascii() and "Frames A->B" in out,
          "LANG=C: ASCII text, 'A->B'")
    summ = out.split("\n\n")[1].splitlines()
    check(len(summ) == 3 and iso(start) in summ[2],
          "summary start in ISO 8601 UTC: %r" % summ[2:])
    empty = out.split("\n\n")[3].splitlines()
    check(len(empty) == 4 and re.match(r"^\s*0\s+0\s+-\s+0\.000000$",
                                       empty[3]) is not None,
          "LANG=C: an empty summary's start is '-': %r" % empty[3:])
    for loc in ("C.UTF-8", "en_US.UTF-8"):
        rc, out, err = run(args, {"LANG": loc})
        if rc == 0:
            break
    empty = out.split("\n\n")[3].splitlines()
    check(rc == 0 and "Frames A→B" in out and len(empty) == 4 and
          re.match(r"^\s*0\s+0\s+—\s+0\.000000$", empty[3]) is not None,
          "LANG=%s: 'A→B' and an empty start '—'" % loc)


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no taptop binary at " + TAPTOP)
        return 1
    if not os.path.exists(EXAMPLE):
        print("FAIL: no capture corpus at " + PCAPS)
        return 1
    for t in (test_filters, test_intervals_file, test_io_stat,
              test_interval_gap, test_usage, test_locale):
        try:
            t()
        except Exception as e:     # a run that printed nothing usable
            check(False, "%s: %s: %s" % (t.__name__, type(e).__name__, e))
    if fails:
        print("%d failed" % len(fails))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
