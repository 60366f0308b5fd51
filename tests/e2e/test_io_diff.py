#!/usr/bin/env python3
"""
Differential test: the io panel's intervals against tshark -z io,stat.

For every capture in ../shared/pcaps/traffic and each filter of FILTERS,
taptop's io panel must give the frames and bytes of every interval that
tshark -z io,stat,S,FILTER gives, over the same row set.  One line per
(capture, comparison, filter): PASS, FAIL with the first differences, or
XFAIL for the documented difference (below); then a summary line.

What runs
---------
- A capture spanning at most ROWS_MAX seconds: tshark once, with
  -z io,stat,1 and every filter as a column; taptop twice, with an io
  panel per filter:
    "interval": --batch --json --interval 1 --interval-mode delta, whose
      NDJSON lines each carry the rows of their own interval; the lines,
      put end to end, are the table;
    "final": --batch --json (the io panel's interval is then 1 s), whose
      one object carries the whole table (its last 3600 rows, the older
      ones folded into "other").
  (--interval 1 in the default cumulative mode prints the table so far on
  every line, which is the same table many times over.)
- A capture spanning more (five in the corpus span months or years, with
  a few packets at each end): tshark's io,stat,1 would print one row per
  second of that span (10^8 and more; it runs out of memory on some), so
    "interval": -z io,stat,S and --interval S --interval-mode delta, S the
      smallest power of ten that keeps the rows under ROWS_MAX;
    "final": taptop's table at 1 s (3600 rows and "other") against
      tshark's own frames (-Y FILTER -T fields frame.time_relative
      frame.len), put into intervals as io,stat does (times rounded to the
      microsecond, a frame older than the interval in progress counted in
      it, rows up to the capture's duration).
- taptop's rows and its "other" lines are segments of intervals (a row
  one, an "other" the run of intervals before the first row that follows
  it); they must tile [0, rows) and each must hold what tshark's intervals
  in it hold.
- tshark runs with -n and its default preferences (IP fragments
  reassembled), as the other differential tests do.

The documented differences (README, "Differences from Wireshark")
------------------------------------------------------------------
- tshark's rows end at the interval before the capture's duration when the
  duration is a whole number of intervals (0 too, a one-packet capture),
  and the frames at exactly that time are in no row.  taptop keeps the
  interval that holds them: one more row, the last, holding exactly those
  frames.  In the corpus that row is accepted when the duration is such a
  multiple and the row holds no more frames than the capture has at that
  time (exactly as many for the unfiltered panel).
- tshark rounds a frame's time to the microsecond before it finds its
  interval; taptop cuts to the nanosecond, as its --interval snapshots do.
  Only nanosecond captures can tell (the corpus has none).
Both are shown on captures written here ("documented" lines), which must
differ from tshark exactly so.

tshark's outputs are cached (keyed by the capture, the tshark version and
the arguments) in $TAPTOP_TSHARK_CACHE or taptop-tshark-<uid> under the
system temp dir.  Exit status: 0 when every comparison passes, 1
otherwise, 77 without tshark.
"""

import bisect
import hashlib
import struct
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps"))
DIR = "traffic"

# Filters taptop knows (taptop --list-fields); no commas: -z io,stat
# splits its columns on them.
FILTERS = [
    "",
    "tcp",
    "udp",
    "ip.len > 1000",
    "tcp.flags.syn == 1",
    "ipv6",
    "udp.port == 53",
    "tcp.port == 443 || tcp.port == 80",
    "icmp || icmpv6",
    "frame.len < 100",
    "eth.dst == ff:ff:ff:ff:ff:ff",
    "tcp.len > 0",
]

ROWS_MAX = 20000
# tshark's defaults otherwise: IP reassembly on, as taptop does it.
TSHARK_PREFS = ["-n"]


def cache_dir():
    d = os.environ.get("TAPTOP_TSHARK_CACHE") or os.path.join(
        tempfile.gettempdir(), "taptop-tshark-%d" % os.getuid())
    os.makedirs(d, exist_ok=True)
    return d


def tshark_version():
    out = subprocess.run(["tshark", "-v"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "?"


def tshark(path, args, version):
    """tshark's standard output for one capture, cached."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read())
    digest.update(version.encode())
    digest.update("\0".join(["io_diff"] + args).encode())
    entry = os.path.join(cache_dir(), digest.hexdigest() + ".io.json")
    if os.path.exists(entry):
        with open(entry) as f:
            return json.load(f)
    p = subprocess.run(["tshark", "-r", path] + TSHARK_PREFS + args,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, errors="replace", timeout=900)
    res = {"rc": p.returncode, "stdout": p.stdout,
           "stderr": "\n".join(l for l in p.stderr.splitlines()
                               if "dangerous" not in l)}
    tmp = entry + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, entry)
    return res


def ns_of(text):
    """'12.345678901' seconds -> nanoseconds, exactly."""
    neg = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    ns = int(whole or "0") * 10**9 + int((frac + "0" * 9)[:9])
    return -ns if neg else ns


class Ref:
    """tshark's table for one filter: n rows, the non-zero ones in
    rows {k: [frames, bytes]}; dropped: frames at or past row n (known
    only when built from frames)."""

    def __init__(self, n):
        self.n = n
        self.rows = {}
        self.keys = None
        self.dropped = None

    def add(self, k, frames, nbytes):
        r = self.rows.setdefault(k, [0, 0])
        r[0] += frames
        r[1] += nbytes

    def sum(self, a, b):
        if self.keys is None:
            self.keys = sorted(self.rows)
        lo = bisect.bisect_left(self.keys, a)
        hi = bisect.bisect_left(self.keys, b)
        f = sum(self.rows[k][0] for k in self.keys[lo:hi])
        b_ = sum(self.rows[k][1] for k in self.keys[lo:hi])
        return f, b_


def parse_iostat(text, nfilters, interval):
    """-z io,stat output -> one Ref per column."""
    rows = []
    for line in text.splitlines():
        if "<>" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        start = float(cells[0].split("<>")[0])
        nums = [int(c) for c in cells[1:]]
        if len(nums) != 2 * nfilters:
            raise ValueError("io,stat row with %d numbers: %r" %
                             (len(nums), line))
        rows.append((int(round(start / interval)), nums))
    refs = [Ref(len(rows)) for _ in range(nfilters)]
    for i, (k, nums) in enumerate(rows):
        if k != i:
            raise ValueError("io,stat row %d starts at interval %d" % (i, k))
        for c in range(nfilters):
            if nums[2 * c]:
                refs[c].add(k, nums[2 * c], nums[2 * c + 1])
    return refs


def frames_of(text):
    """-T fields frame.time_relative frame.len -> [(rel_ns, len)]."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        rel, length = line.split("\t")
        out.append((ns_of(rel), int(length)))
    return out


def ref_from_frames(frames, dur_ns, interval_ns):
    """Frames put into intervals as io,stat puts them (to the µs; a frame
    older than the interval in progress counts in it; rows up to the
    duration, the frames at or past the last row's end dropped)."""
    us = interval_ns // 1000
    dur_us = (dur_ns + 500) // 1000
    n = 0 if dur_us == 0 else -(-dur_us // us)
    ref = Ref(n)
    ref.dropped = 0
    cur = 0
    for rel_ns, length in frames:
        rel_us = (rel_ns + 500) // 1000 if rel_ns >= 0 else 0
        cur = max(cur, rel_us // us)
        if cur >= n:
            ref.dropped += 1
        else:
            ref.add(cur, 1, length)
    return ref


def taptop_lines(taptop, path, args):
    p = subprocess.run([taptop, "-r", path, "--batch", "--json"] + args,
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=900)
    if p.returncode != 0:
        raise RuntimeError("taptop exit %d: %s" % (p.returncode,
                                                   p.stderr.strip()[:300]))
    text = p.stdout.strip()
    if "--interval" in args:
        return [json.loads(l) for l in text.splitlines()]
    return [json.loads(text)]


def segments(objs, panel_index, interval_ns):
    """A panel's rows and "other" over the lines: [(a, b, frames, bytes)]
    intervals [a, b) in line order."""
    segs = []
    for o in objs:
        p = o["panels"][panel_index]
        assert p["panel"] == "io"
        rows, other = p["rows"], p["other"]
        ks = [int(round(r["start"] * 1e9 / interval_ns)) for r in rows]
        if other["rows"]:
            if not rows:
                raise ValueError("an \"other\" with no row after it")
            segs.append((ks[0] - other["rows"], ks[0], other["frames"],
                         other["bytes"]))
        for k, r in zip(ks, rows):
            segs.append((k, k + 1, r["frames"], r["bytes"]))
    return segs


def compare(segs, ref, dur_ns, interval_ns, at_end):
    """Differences (list of text) and whether the documented extra row
    was met.  at_end: frames the capture has at exactly its duration (for
    the unfiltered panel), or None."""
    diffs = []
    extra = False
    pos = 0
    for a, b, f, nb in segs:
        if a != pos:
            diffs.append("segment [%d, %d) after %d: not contiguous" %
                         (a, b, pos))
            return diffs, extra
        pos = b
    n = pos
    if n == ref.n + 1 and dur_ns % interval_ns == 0 and segs and \
            segs[-1][0] == ref.n and segs[-1][1] == ref.n + 1:
        # The documented extra row: the frames at exactly the duration.
        f = segs[-1][2]
        if f == 0:
            diffs.append("extra row %d is empty" % ref.n)
        elif ref.dropped is not None and f != ref.dropped:
            diffs.append("extra row %d holds %d frames, tshark left out %d"
                         % (ref.n, f, ref.dropped))
        elif at_end is not None and f > at_end[0]:
            diffs.append("extra row %d holds %d frames, the capture has "
                         "%d at its duration" % (ref.n, f, at_end[0]))
        elif at_end is not None and at_end[1] and f != at_end[0]:
            diffs.append("extra row %d holds %d frames, not the %d at the "
                         "duration" % (ref.n, f, at_end[0]))
        extra = not diffs
        segs = segs[:-1]
    elif n != ref.n:
        diffs.append("%d rows, tshark %d" % (n, ref.n))
        return diffs, extra
    elif ref.dropped:
        diffs.append("tshark left out %d frames at the duration, taptop's "
                      "rows too" % ref.dropped)
    for a, b, f, nb in segs:
        rf, rb = ref.sum(a, b)
        if (f, nb) != (rf, rb):
            what = "row %d" % a if b == a + 1 else "other [%d, %d)" % (a, b)
            diffs.append("%s: taptop %d frames %d bytes, tshark %d frames "
                         "%d bytes" % (what, f, nb, rf, rb))
    return diffs, extra


class Report:
    def __init__(self):
        self.passed = self.failed = self.xfail = 0

    def line(self, rel, what, flt, diffs, extra, nrows):
        label = "%-40s %-9s %-36s" % (rel, what, repr(flt))
        if diffs:
            self.failed += 1
            print("FAIL  %s %d differences:" % (label, len(diffs)))
            for d in diffs[:4]:
                print("        " + d)
            if len(diffs) > 4:
                print("        ... %d more" % (len(diffs) - 4))
        elif extra:
            self.xfail += 1
            print("XFAIL %s %d rows; the last holds the frames at the "
                  "duration, which tshark leaves out" % (label, nrows))
        else:
            self.passed += 1
            print("PASS  %s %d rows" % (label, nrows))

    def documented(self, what, diffs, text):
        if diffs:
            self.failed += 1
            print("FAIL  documented difference \"%s\" is not as the README"
                  " says: %s" % (what, "; ".join(diffs)))
        else:
            self.xfail += 1
            print("XFAIL documented difference \"%s\": %s" % (what, text))

    def error(self, rel, what, msg):
        self.failed += 1
        print("FAIL  %-40s %-9s %s" % (rel, what, msg))


def io_args(filters):
    args = []
    for f in filters:
        args += ["--panel", "io" + (":" + f if f else "")]
    return args


def compare_file(rel, path, taptop, version, report):
    allf = tshark(path, ["-T", "fields", "-e", "frame.time_relative",
                         "-e", "frame.len"], version)
    if allf["rc"] != 0:
        report.error(rel, "frames", "tshark exit %d: %s" %
                     (allf["rc"], allf["stderr"][:200]))
        return
    frames = frames_of(allf["stdout"])
    dur_ns = max([r for r, _ in frames] + [0])
    at_end = (sum(1 for r, _ in frames if r == dur_ns), True)
    span_rows = dur_ns // 10**9 + 1

    # The interval S: 1 s, or a power of ten for a span of years.
    s_ns = 10**9
    while span_rows * 10**9 // s_ns > ROWS_MAX:
        s_ns *= 10
    spec = "io,stat,%d" % (s_ns // 10**9) + "".join("," + f for f in FILTERS)
    res = tshark(path, ["-q", "-z", spec], version)
    try:
        if res["rc"] != 0:
            raise ValueError("tshark exit %d: %s" % (res["rc"],
                                                    res["stderr"][:200]))
        refs = parse_iostat(res["stdout"], len(FILTERS), s_ns / 1e9)
    except ValueError as e:
        report.error(rel, "io,stat", str(e))
        return

    runs = [("interval", s_ns, ["--interval", "%d" % (s_ns // 10**9),
                                "--interval-mode", "delta"], refs)]
    if s_ns == 10**9:
        runs.append(("final", s_ns, [], refs))
    else:
        # tshark's own frames, per filter, put into 1 s intervals.
        fr = []
        for f in FILTERS:
            r = tshark(path, (["-Y", f] if f else []) +
                       ["-T", "fields", "-e", "frame.time_relative",
                        "-e", "frame.len"], version)
            if r["rc"] != 0:
                report.error(rel, "frames", "tshark -Y %r exit %d: %s" %
                             (f, r["rc"], r["stderr"][:200]))
                return
            fr.append(ref_from_frames(frames_of(r["stdout"]), dur_ns,
                                      10**9))
        runs.append(("final", 10**9, [], fr))

    for what, interval_ns, args, rs in runs:
        try:
            objs = taptop_lines(taptop, path, args + io_args(FILTERS))
        except (RuntimeError, ValueError) as e:
            report.error(rel, what, str(e))
            continue
        for i, f in enumerate(FILTERS):
            try:
                segs = segments(objs, i, interval_ns)
            except (ValueError, AssertionError, KeyError) as e:
                report.error(rel, what, "%r: %s" % (f, e))
                continue
            diffs, extra = compare(segs, rs[i], dur_ns, interval_ns,
                                   at_end if f == "" else
                                   (at_end[0], False))
            nrows = segs[-1][1] if segs else 0
            report.line(rel, what, f, diffs, extra, nrows)


def write_pcap(path, times, ns=False):
    """Frames of 60 bytes (Ethernet, IPv4 type) at the given times after
    1e9 s, in microseconds or nanoseconds."""
    unit = 10**9 if ns else 10**6
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d if ns else 0xa1b2c3d4,
                            2, 4, 0, 0, 65535, 1))
        for t in times:
            sec, frac = divmod(10**9 * unit + round(t * unit), unit)
            frame = bytes(12) + b"\x08\x00" + bytes(46)
            f.write(struct.pack("<IIII", sec, frac, 60, 60) + frame)


def documented(taptop, version, report):
    """The two differences, on captures written here."""
    work = tempfile.mkdtemp(prefix="taptop-io-")
    try:
        # A frame at exactly the duration, a whole number of seconds.
        path = os.path.join(work, "at-duration.pcap")
        write_pcap(path, [0, 0.5, 2.0])
        res = tshark(path, ["-q", "-z", "io,stat,1"], version)
        ref = parse_iostat(res["stdout"], 1, 1)[0]
        objs = taptop_lines(taptop, path, ["--panel", "io"])
        segs = segments(objs, 0, 10**9)
        got = [(a, f) for a, _, f, _ in segs]
        want_t = [(0, 2), (1, 0)]
        ts = [(k, ref.rows.get(k, [0])[0]) for k in range(ref.n)]
        diffs = []
        if ts != want_t:
            diffs.append("tshark's rows are %s, not %s" % (ts, want_t))
        if got != want_t + [(2, 1)]:
            diffs.append("taptop's rows are %s, not tshark's and (2, 1)"
                         % got)
        report.documented("frame at the duration", diffs,
                          "tshark %s, taptop %s: the frame at 2.0 s keeps "
                          "its row" % (ts, got))
        # Nanoseconds: 0.9999996 s is interval 0, tshark rounds it to 1.
        path = os.path.join(work, "nanoseconds.pcap")
        write_pcap(path, [0, 0.9999996, 1.5], ns=True)
        res = tshark(path, ["-q", "-z", "io,stat,1"], version)
        ref = parse_iostat(res["stdout"], 1, 1)[0]
        objs = taptop_lines(taptop, path, ["--panel", "io"])
        got = [(a, f) for a, _, f, _ in segments(objs, 0, 10**9)]
        ts = [(k, ref.rows.get(k, [0])[0]) for k in range(ref.n)]
        diffs = []
        if ts != [(0, 1), (1, 2)]:
            diffs.append("tshark's rows are %s, not [(0, 1), (1, 2)]" % ts)
        if got != [(0, 2), (1, 1)]:
            diffs.append("taptop's rows are %s, not [(0, 2), (1, 1)]" % got)
        report.documented("nanoseconds", diffs,
                          "tshark %s, taptop %s: 0.9999996 s is in [0, 1)"
                          % (ts, got))
    except (RuntimeError, ValueError, KeyError) as e:
        report.error("(written here)", "documented", str(e))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (sh tools/deps.sh test)")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(ROOT, "build", "taptop"))
    if not os.access(taptop, os.X_OK):
        print("FAIL: no taptop binary at %s" % taptop)
        return 1
    version = tshark_version()
    only = sys.argv[1:]
    report = Report()
    files = [n for n in sorted(os.listdir(os.path.join(PCAPS, DIR)))
             if not only or any(o in n for o in only)]
    for name in files:
        compare_file(DIR + "/" + name, os.path.join(PCAPS, DIR, name),
                     taptop, version, report)
    documented(taptop, version, report)
    print("io diff: %d captures x %d filters: %d pass, %d fail, "
          "%d documented differences (README)" %
          (len(files), len(FILTERS), report.passed, report.failed,
           report.xfail))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
