#!/usr/bin/env python3
"""
Measures taptop against the libpcap floor and tshark; bench/run.sh calls it.

    bench.py TAPTOP FLOOR OUTDIR
    bench.py rates TAPTOP NORATES OUTDIR
    bench.py flood TAPTOP FLOOR OUTDIR

The second form measures what the per-row rates cost (core/rowrate.h):
NORATES is the same source built with -DTAPTOP_NO_ROWRATE, where a
packet's rate update is compiled out (the columns are there, all 0).  On
the 400k capture the two binaries run in turn, RUNS times each, and the
best rates are compared (alternating, so that a neighbour's load on a
shared machine falls on both); and, when valgrind is installed, their
instructions are counted with callgrind on the 100k capture, which does
not depend on the machine's load at all.  Target: the rates cost less than
10% of throughput.  The peak RSS on the scan capture (20,000 rows a
panel, each with its 96-byte ring) is printed too, against the target of
the first form: the rings are there in both builds, so the two figures
only show that the updates allocate nothing.

The third form is the SYN flood of issue 11 (gen.py flood): 3M SYNs, a
new flow in nearly every packet, read with PANELS plus endpoints.tcp,
against the floor on the same file and against tshark with the same
statistics.  tshark keeps every flow it sees (gigabytes and minutes on 3M
new flows), so it reads the file's first 300k packets (a second capture,
byte for byte the 3M one's prefix), and the rates are compared: the
output says so.

Rates are packets over wall-clock time, the best of RUNS (3) runs.  Each
capture is also read with FILTER on every panel (the same panel set, each
"NAME:FILTER"); its rate is compared with the unfiltered rate measured in
the same invocation, so the ratio is what the display filters cost.  The
filter's five terms are true on nearly every packet, so nearly every
term is evaluated for every packet and every panel (the share of packets
it matched is printed, to show that it did: 97% of the example capture,
whose UDP packets have no tcp.port, so "tcp.port != 9999" is false for
them, as in tshark).  Peak
RSS is the child's ru_maxrss from wait4(), the figure /usr/bin/time -v
prints as "Maximum resident set size", so no extra tool is needed.  The
numbers are printed with whether each meets its target; nothing here
fails on them.
"""

import json
import os
import shutil
import subprocess
import sys
import time

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PANELS = ["summary", "protocols", "conv.ip", "conv.tcp", "endpoints.ip"]
TSHARK_Z = ["io,phs", "conv,ip", "conv,tcp", "endpoints,ip"]

TARGET_TSHARK = 10.0        # taptop at least 10x tshark
TARGET_FLOOR = 0.30         # taptop at least 30% of the libpcap floor
TARGET_SCAN_MIB = 64        # scan capture under 64 MiB peak RSS
TARGET_FILTERED = 0.80      # filtered rate at least 80% of unfiltered
TARGET_RATES = 0.10         # per-row rates cost under 10% of throughput

FILTER = "ip and tcp.port != 9999 and frame.len > 0 and ip.ttl >= 1 and !icmp"


def measure(cmd):
    """(wall seconds, peak RSS in KiB, stdout) of one run."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Both pipes to the end, then reap with wait4 for the child's rusage.
    out, err = _drain(p)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (
            " ".join(cmd[:3]), p.returncode,
            err.decode(errors="replace").strip()[-300:]))
    CPU[0] = ru.ru_utime + ru.ru_stime
    return wall, ru.ru_maxrss, out


# CPU seconds (user + system, every thread) of the last measure(), and of
# the fastest run of the last best().
CPU = [0.0]
BEST_CPU = [0.0]


def _drain(p):
    """Reads stdout and stderr fully without waiting for the child."""
    import selectors
    sel = selectors.DefaultSelector()
    bufs = {p.stdout: [], p.stderr: []}
    for f in bufs:
        sel.register(f, selectors.EVENT_READ)
    while sel.get_map():
        for key, _ in sel.select():
            chunk = os.read(key.fileobj.fileno(), 1 << 16)
            if chunk:
                bufs[key.fileobj].append(chunk)
            else:
                sel.unregister(key.fileobj)
                key.fileobj.close()
    return b"".join(bufs[p.stdout]), b"".join(bufs[p.stderr])


def best(cmd, runs=RUNS):
    walls, rss, out = [], 0, b""
    for _ in range(runs):
        w, r, out = measure(cmd)
        if not walls or w < min(walls):
            BEST_CPU[0] = CPU[0]
        walls.append(w)
        rss = max(rss, r)
    return min(walls), rss, out


def taptop_cmd(taptop, path, flt=None):
    cmd = [taptop, "-r", path, "--batch", "--json"]
    for p in PANELS:
        cmd += ["--panel", p if flt is None else p + ":" + flt]
    return cmd


def summary_packets(out):
    """The summary panel's packet count in taptop's JSON, or None."""
    try:
        for p in json.loads(out)["panels"]:
            if p["panel"] == "summary":
                return p["rows"][0]["packets"]
    except (ValueError, KeyError, TypeError, IndexError):
        pass
    return None


def filtered(taptop, caps, rows):
    """The same panels with FILTER on each, against the unfiltered rate."""
    print("with --panel NAME:\"%s\" on every panel; best of %d runs" % (
        FILTER, RUNS))
    print()
    print("%-20s %14s %14s %10s %9s" % (
        "capture", "filtered pkt/s", "unfiltered", "ratio", "matched"))
    worst = None
    for name, path in caps:
        packets, r = rows[name][0], rows[name][1]
        try:
            fw, _, fout = best(taptop_cmd(taptop, path, FILTER))
        except RuntimeError as e:
            print("%-20s taptop failed: %s" % (name, e))
            return
        fr = rate(packets, fw)
        got = summary_packets(fout)
        share = "?" if got is None else "%.1f%%" % (100.0 * got / packets)
        print("%-20s %14s %14s %10.2f %9s" % (
            name, human(fr), human(r), fr / r, share))
        worst = fr / r if worst is None else min(worst, fr / r)
    print()
    print("filtered/unfiltered, worst capture: %.2f (target >= %.2f, at "
          "most %d%% more time): %s" % (
              worst, TARGET_FILTERED, round(100 / TARGET_FILTERED - 100),
              verdict(worst >= TARGET_FILTERED)))


def rate(n, secs):
    return n / secs if secs > 0 else float("inf")


def human(x):
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= div:
            return "%.2f%s" % (x / div, unit)
    return "%.0f" % x


def verdict(ok):
    return "meets target" if ok else "misses target"


def callgrind_ir(cmd):
    """Instructions executed by cmd, all threads, counted by callgrind."""
    p = subprocess.run(["valgrind", "--tool=callgrind",
                        "--callgrind-out-file=/dev/null"] + cmd,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=1800)
    for line in p.stderr.decode(errors="replace").splitlines():
        if "Collected :" in line:
            return int(line.split("Collected :")[1].split()[0])
    raise RuntimeError("callgrind: no count: %s" %
                       p.stderr.decode(errors="replace")[-300:])


def rates_cost(taptop, norates, outdir):
    """What the per-row rates cost: with and without, in turn."""
    path = os.path.join(outdir, "example-400k.pcap")
    print("per-row rates (2, 10, 40 s on every conv, endpoint and protocol "
          "row): this build against one built with -DTAPTOP_NO_ROWRATE; "
          "panels %s" % " ".join(PANELS))
    on, off, packets = [], [], None
    runs = max(RUNS, 5)         # a few percent: the noise must be less
    for _ in range(runs):
        for binary, walls in ((taptop, on), (norates, off)):
            w, _, out = measure(taptop_cmd(binary, path))
            walls.append(w)
            if packets is None:
                packets = json.loads(out)["capture"]["packets"]
    r_on, r_off = rate(packets, min(on)), rate(packets, min(off))
    cost = 1 - r_on / r_off
    print("  400k capture, best of %d runs each: %s pkt/s with rates, %s "
          "without: rates cost %.1f%% of throughput (target < %.0f%%): %s"
          % (runs, human(r_on), human(r_off), 100 * cost,
             100 * TARGET_RATES, verdict(cost < TARGET_RATES)))
    small = os.path.join(outdir, "example-100k.pcap")
    if shutil.which("valgrind") and os.path.exists(small):
        i_on = callgrind_ir(taptop_cmd(taptop, small))
        i_off = callgrind_ir(taptop_cmd(norates, small))
        extra = i_on / i_off - 1
        print("  100k capture, instructions (callgrind, every thread): "
              "%.4g with rates, %.4g without: +%.1f%% (target < %.0f%%): "
              "%s" % (i_on, i_off, 100 * extra, 100 * TARGET_RATES,
                      verdict(extra < TARGET_RATES)))
    else:
        print("  (valgrind not installed: instructions not counted)")
    scan = os.path.join(outdir, "scan-1m.pcap")
    if os.path.exists(scan):
        _, rss_on, _ = best(taptop_cmd(taptop, scan), runs=1)
        _, rss_off, _ = best(taptop_cmd(norates, scan), runs=1)
        print("  scan, 1M flows: peak RSS %.1f MiB (%.1f MiB without the "
              "updates; target < %d MiB): %s" %
              (rss_on / 1024, rss_off / 1024, TARGET_SCAN_MIB,
               verdict(rss_on / 1024 < TARGET_SCAN_MIB)))


# The application panels too (issue 10): taptop with every counter panel
# open, against tshark computing the trees it has for them.
APP_PANELS = ["dns", "http", "tls", "tcp", "icmp", "arp", "ports", "plen",
              "overview"]
APP_TSHARK_Z = ["dns,tree", "http,tree", "plen,tree"]
# tshark's nearest statistics for the other application panels (it has
# none for tls and arp): ports ~ ptype,tree, icmp ~ icmp,srt, the
# overview's hosts ~ ip_hosts,tree, tcp's health ~ expert.
APP_TSHARK_MORE = ["ptype,tree", "icmp,srt", "ip_hosts,tree", "expert"]


def apps(taptop, path):
    """taptop with the default and the application panels, against tshark
    with its statistics for the same, on the 400k capture."""
    cmd = [taptop, "-r", path, "--batch", "--json"]
    for p in PANELS + APP_PANELS:
        cmd += ["--panel", p]
    tw, trss, tout = best(cmd)
    try:
        packets = json.loads(tout)["capture"]["packets"]
    except (ValueError, KeyError, TypeError):
        print("apps: taptop failed")
        return
    r = rate(packets, tw)
    print("with the application panels too (--panel %s): %s pkt/s, "
          "%.1f MiB" % (" --panel ".join(APP_PANELS), human(r),
                        trss / 1024))
    if not shutil.which("tshark"):
        print("tshark not installed: taptop/tshark not measured")
        return
    tcmd = ["tshark", "-n", "-q", "-r", path]
    for z in TSHARK_Z + APP_TSHARK_Z:
        tcmd += ["-z", z]
    sw, srss, _ = best(tcmd)
    sr = rate(packets, sw)
    print("tshark -q -z %s: %s pkt/s, %.1f MiB" % (
        " -z ".join(TSHARK_Z + APP_TSHARK_Z), human(sr), srss / 1024))
    print("taptop/tshark with the application panels: %.1fx (target >= "
          "%.0fx): %s" % (r / sr, TARGET_TSHARK,
                          verdict(r / sr >= TARGET_TSHARK)))
    for z in APP_TSHARK_MORE:
        tcmd += ["-z", z]
    mw, mrss, _ = best(tcmd)
    mr = rate(packets, mw)
    print("tshark also with -z %s: %s pkt/s, %.1f MiB" % (
        " -z ".join(APP_TSHARK_MORE), human(mr), mrss / 1024))
    print("taptop/tshark, each with its nearest statistics: %.1fx" %
          (r / mr))


# The flood (issue 11): the default panels and the TCP endpoints.
FLOOD_PANELS = PANELS + ["endpoints.tcp"]
FLOOD_TSHARK_Z = TSHARK_Z + ["endpoints,tcp"]
TARGET_FLOOD_PPS = 2.5e6    # at least 2.5M packets/s
TARGET_FLOOD_MIB = 64       # peak RSS at most 64 MiB
TARGET_FLOOD_TSHARK = 25.0  # at least 25x tshark


def flood(taptop, floor, outdir):
    """taptop on the 3M SYN flood against the floor and tshark."""
    path = os.path.join(outdir, "flood-3m.pcap")
    prefix = os.path.join(outdir, "flood-300k.pcap")
    cmd = [taptop, "-r", path, "--batch", "--json"]
    for p in FLOOD_PANELS:
        cmd += ["--panel", p]
    print("SYN flood, a new flow in nearly every packet (60-byte frames); "
          "taptop --batch --json --panel %s; best of %d runs" % (
              " --panel ".join(FLOOD_PANELS), RUNS))
    fw, _, fout = best([floor, path])
    packets = int(fout.split()[0])
    tw, trss, tout = best(cmd)
    tcpu = BEST_CPU[0]
    try:
        got = json.loads(tout)["capture"]["packets"]
    except (ValueError, KeyError, TypeError):
        got = None
    r, fr = rate(packets, tw), rate(packets, fw)
    print("  taptop's CPU time: %.2f s in %.2f s of wall time (the capture "
          "thread and the worker that counts for the table panels, "
          "core/deferq.h)" % (tcpu, tw))
    print("  %d packets: taptop %s pkt/s, peak RSS %.1f MiB; floor %s "
          "pkt/s; taptop/floor %.3f%s" % (
              packets, human(r), trss / 1024, human(fr), r / fr,
              "" if got == packets else
              "  (taptop read %s packets!)" % got))
    print("  rate: %s pkt/s (target >= %s): %s" % (
        human(r), human(TARGET_FLOOD_PPS), verdict(r >= TARGET_FLOOD_PPS)))
    print("  peak RSS: %.1f MiB (target <= %d MiB): %s" % (
        trss / 1024, TARGET_FLOOD_MIB,
        verdict(trss / 1024 <= TARGET_FLOOD_MIB)))
    if not shutil.which("tshark"):
        print("  tshark not installed: taptop/tshark not measured")
        return
    tcmd = ["tshark", "-n", "-q", "-r", prefix]
    for z in FLOOD_TSHARK_Z:
        tcmd += ["-z", z]
    pw, _, pout = best(cmd[:2] + [prefix] + cmd[3:])
    try:
        ppackets = json.loads(pout)["capture"]["packets"]
    except (ValueError, KeyError, TypeError):
        print("  taptop failed on the 300k prefix")
        return
    sw, srss, _ = best(tcmd, runs=1 if RUNS > 1 else RUNS)
    sr, pr = rate(ppackets, sw), rate(ppackets, pw)
    print("  tshark -q -z %s on the first %dk packets (not all 3M: it "
          "keeps every flow): %s pkt/s, %.1f MiB; taptop on the same "
          "prefix: %s pkt/s" % (" -z ".join(FLOOD_TSHARK_Z),
                                ppackets // 1000, human(sr), srss / 1024,
                                human(pr)))
    print("  taptop/tshark, the 3M rate against tshark's 300k rate: %.1fx; "
          "on the same 300k: %.1fx (target >= %.0fx): %s" % (
              r / sr, pr / sr, TARGET_FLOOD_TSHARK,
              verdict(r / sr >= TARGET_FLOOD_TSHARK)))


def main():
    if sys.argv[1] == "flood":
        flood(*sys.argv[2:5])
        return
    if sys.argv[1] == "rates":
        rates_cost(*sys.argv[2:5])
        return
    if sys.argv[1] == "apps":
        apps(sys.argv[2], os.path.join(sys.argv[3], "example-400k.pcap"))
        return
    taptop, floor, outdir = sys.argv[1:4]
    caps = [("example x87 (400k)", os.path.join(outdir, "example-400k.pcap")),
            ("example x864 (4M)", os.path.join(outdir, "example-4m.pcap")),
            ("scan, 1M flows", os.path.join(outdir, "scan-1m.pcap"))]
    rows = {}
    print("taptop --batch --panel %s; best of %d runs" %
          (" --panel ".join(PANELS), RUNS))
    print()
    print("%-20s %10s %14s %12s %14s %13s" % (
        "capture", "packets", "taptop pkt/s", "peak RSS", "floor pkt/s",
        "taptop/floor"))
    for name, path in caps:
        fw, _, fout = best([floor, path])
        packets = int(fout.split()[0])
        tw, trss, tout = best(taptop_cmd(taptop, path))
        try:
            got = json.loads(tout)["capture"]["packets"]
        except (ValueError, KeyError, TypeError):
            got = None
        note = "" if got == packets else \
            "  (taptop read %s packets!)" % got
        r, fr = rate(packets, tw), rate(packets, fw)
        rows[name] = (packets, r, trss, fr)
        print("%-20s %10d %14s %9.1f MiB %14s %8.2f %s%s" % (
            name, packets, human(r), trss / 1024, human(fr), r / fr,
            "ok" if r / fr >= TARGET_FLOOR else "low", note))
    print()

    name400, name4m, scan = (c[0] for c in caps)
    if shutil.which("tshark"):
        cmd = ["tshark", "-n", "-q", "-r", caps[0][1]]
        for z in TSHARK_Z:
            cmd += ["-z", z]
        sw, srss, _ = best(cmd)
        packets = rows[name400][0]
        sr = rate(packets, sw)
        ratio = rows[name400][1] / sr
        print("tshark -q -z %s on the 400k capture: %s pkt/s, %.1f MiB" % (
            " -z ".join(TSHARK_Z), human(sr), srss / 1024))
        print("taptop/tshark: %.1fx (target >= %.0fx): %s" % (
            ratio, TARGET_TSHARK, verdict(ratio >= TARGET_TSHARK)))
    else:
        print("tshark not installed: taptop/tshark not measured")
    for name in (name400, name4m, scan):
        ratio = rows[name][1] / rows[name][3]
        print("taptop/floor, %s: %.2f (target >= %.2f): %s" % (
            name, ratio, TARGET_FLOOR, verdict(ratio >= TARGET_FLOOR)))
    r400, r4m = rows[name400][2] / 1024, rows[name4m][2] / 1024
    same = r4m <= r400 * 1.10 + 2
    print("peak RSS 400k vs 4M: %.1f vs %.1f MiB (should be the same): %s"
          % (r400, r4m, verdict(same)))
    rs = rows[scan][2] / 1024
    print("peak RSS, scan: %.1f MiB (target < %d MiB): %s" % (
        rs, TARGET_SCAN_MIB, verdict(rs < TARGET_SCAN_MIB)))
    print()
    apps(taptop, caps[0][1])
    print()
    filtered(taptop, caps, rows)


if __name__ == "__main__":
    main()
