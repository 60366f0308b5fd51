#!/usr/bin/env python3
"""Acting on matching packets (core/rules.h): --on FILTER --exec/--write.

On ../shared/pcaps/traffic/example.pcap, read as root with the privilege
drop on (CI) into a temporary directory the dropped user may write:
 - a rule's command runs once per matching packet (with a rate high
   enough): as many runs as tshark -Y counts, and the environment of one
   packet is right;
 - the rate limit holds under a flood: the default (1 per 10 s) lets one
   command through a file read at full speed; 2/1 over a pipe fed for
   about two seconds lets through at most what the bucket allows, and
   the suppressed counts reach the next run as TAPTOP_SUPPRESSED;
 - a command that hangs is killed at --exec-timeout, a failing one is
   counted, and neither changes the packet counts;
 - a missing command, an --on without action, a bad rate are one usage
   line and status 2, before any packet;
 - --write: the pcapng file opens in tshark with tshark -Y's count, a
   size cap makes several files whose counts add up, a file cut anywhere
   reads up to its last whole block, and a taptop killed with SIGKILL
   mid-write leaves a file tshark reads whole;
 - the rules panel shows the counts (batch JSON).
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
PCAP = os.path.join(ROOT, "..", "shared", "pcaps", "traffic", "example.pcap")

fails = 0


def check(ok, what, detail=""):
    global fails
    print(("PASS " if ok else "FAIL ") + what + ("" if ok or not detail else
                                                ": " + str(detail)))
    if not ok:
        fails += 1


def tshark_count(path, filt=None):
    cmd = ["tshark", "-n", "-r", path]
    if filt:
        cmd += ["-Y", filt]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return len(r.stdout.splitlines()), r.returncode


def run(args, stdin=None, input_bytes=None):
    return subprocess.run([TAPTOP] + args, capture_output=True,
                          stdin=stdin, input=input_bytes, timeout=120)


def rules_rows(stdout):
    doc = json.loads(stdout)
    for p in doc["panels"]:
        if p["panel"] == "rules":
            return p["rows"], doc
    return None, doc


# A command that appends one line per run, with one write(2), so that
# commands running at once do not interleave their lines.
LOGGER = """#!/bin/sh
line=$(env | grep '^TAPTOP_' | sort | tr '\\n' '\\t')
printf '%s\\n' "$line" >> "$1"
"""


def env_lines(path):
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            d = {}
            for kv in line.rstrip("\n").split("\t"):
                if not kv:
                    continue
                k, _, v = kv.partition("=")
                d[k] = v
            out.append(d)
    return out


def pcap_records(path):
    """(header, [record bytes]) of a classic pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    hdr, off, recs = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return hdr, recs


def pcapng_blocks(data):
    """The whole blocks at the start of data: (type, length) each."""
    off, out = 0, []
    while off + 12 <= len(data):
        btype, blen = struct.unpack("<II", data[off:off + 8])
        if blen < 12 or off + blen > len(data):
            break
        out.append((btype, blen))
        off += blen
    return out


def main():
    if shutil.which("tshark") is None or not os.path.exists(PCAP):
        print("SKIP tshark or the corpus is missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="taptop-rules.")
    os.chmod(tmp, 0o777)            # the dropped user writes here
    logger = os.path.join(tmp, "log.sh")
    with open(logger, "w") as f:
        f.write(LOGGER)
    os.chmod(logger, 0o755)
    try:
        exec_tests(tmp, logger)
        write_tests(tmp)
        usage_tests(tmp, logger)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s" % ("all passed" if fails == 0 else "%d failed" % fails))
    return 1 if fails else 0


def exec_tests(tmp, logger):
    # One run per matching packet.
    want, _ = tshark_count(PCAP, "dns")
    out = os.path.join(tmp, "dns.log")
    r = run(["-r", PCAP, "--batch", "--json", "--panel", "rules",
             "--on", "dns", "--exec", "%s %s" % (logger, out),
             "--exec-rate", "1000000/1"])
    check(r.returncode == 0, "exec rule on a file: status 0",
          r.stderr.decode())
    lines = env_lines(out)
    rows, _ = rules_rows(r.stdout)
    check(len(lines) == want and want > 0,
          "one run per matching packet (tshark -Y dns: %d)" % want,
          len(lines))
    check(rows is not None and rows[0]["matches"] == want and
          rows[0]["runs"] == want and rows[0]["suppressed"] == 0 and
          rows[0]["failures"] == 0, "the rules panel counts them", rows)
    # The environment of one packet, against tshark's view of it.
    one = os.path.join(tmp, "one.log")
    r = run(["-r", PCAP, "--batch", "--json", "--panel", "rules",
             "--on", "dns && frame.number <= 20", "--exec",
             "%s '%s'" % (logger, one), "--exec-rate", "1/100"])
    f = subprocess.run(["tshark", "-n", "-r", PCAP, "-Y", "dns", "-c",
                        "1000", "-T", "fields", "-e", "frame.time_epoch",
                        "-e", "ip.src", "-e", "ip.dst", "-e",
                        "udp.srcport", "-e", "udp.dstport", "-e",
                        "frame.len", "-e", "frame.protocols"],
                       capture_output=True, text=True).stdout.splitlines()
    first = f[0].split("\t") if f else []
    lines = env_lines(one)
    check(len(lines) == 1, "rate 1/100: one run", len(lines))
    if lines and len(first) == 7:
        e = lines[0]
        check(abs(float(e.get("TAPTOP_TIME", "0")) - float(first[0])) <
              1e-6, "TAPTOP_TIME is the packet's epoch time", e)
        check(e.get("TAPTOP_SRC") == first[1] and
              e.get("TAPTOP_DST") == first[2], "TAPTOP_SRC/DST", e)
        check(e.get("TAPTOP_SPORT") == first[3] and
              e.get("TAPTOP_DPORT") == first[4], "TAPTOP_SPORT/DPORT", e)
        check(e.get("TAPTOP_LEN") == first[5], "TAPTOP_LEN", e)
        # taptop's layers, as tshark's frame.protocols less its
        # pseudo-layers (ethertype).
        tp = ":".join(p for p in first[6].split(":")
                      if p not in ("ethertype",))
        check(e.get("TAPTOP_PROTOCOLS") == tp, "TAPTOP_PROTOCOLS", (e, tp))
        check(e.get("TAPTOP_FILTER") == "dns && frame.number <= 20" and
              e.get("TAPTOP_SUPPRESSED") == "0",
              "TAPTOP_FILTER, TAPTOP_SUPPRESSED", e)
    # The default rate under a flood (a file at full speed): one run.
    want, _ = tshark_count(PCAP, "tcp")
    flood = os.path.join(tmp, "flood.log")
    r = run(["-r", PCAP, "--batch", "--json", "--panel", "rules",
             "--on", "tcp", "--exec", "%s %s" % (logger, flood)])
    rows, _ = rules_rows(r.stdout)
    check(rows is not None and rows[0]["matches"] == want and
          rows[0]["runs"] == 1 and
          rows[0]["suppressed"] == want - 1 and
          len(env_lines(flood)) == 1,
          "default rate 1/10 s: one run, the rest suppressed", rows)
    # 2/1 over a pipe fed for about two seconds.
    paced_flood(tmp, logger)
    # A hanging command is killed; a failing one counted.
    r = run(["-r", PCAP, "--batch", "--json", "--panel", "rules",
             "--panel", "summary",
             "--on", "frame.number == 1", "--exec", "sleep 1000",
             "--exec-timeout", "1",
             "--on", "frame.number <= 3", "--exec", "false",
             "--exec-rate", "10/1"])
    rows, doc = rules_rows(r.stdout)
    check(r.returncode == 0 and rows is not None and
          rows[0]["runs"] == 1 and rows[0]["timeouts"] == 1 and
          rows[1]["runs"] == 3 and rows[1]["failures"] == 3,
          "sleep 1000 is killed at --exec-timeout 1; false is a failure",
          rows)
    check(doc["capture"]["packets"] == tshark_count(PCAP)[0],
          "every packet counted while commands hang", doc["capture"])


def paced_flood(tmp, logger):
    hdr, recs = pcap_records(PCAP)
    want, _ = tshark_count(PCAP, "tcp")
    log = os.path.join(tmp, "paced.log")
    p = subprocess.Popen([TAPTOP, "-r", "-", "--batch", "--json",
                          "--panel", "rules", "--on", "tcp", "--exec",
                          "%s %s" % (logger, log), "--exec-rate", "2/1"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    start = time.monotonic()
    p.stdin.write(hdr)
    chunks = 20
    for i in range(chunks):
        for rec in recs[i * len(recs) // chunks:
                        (i + 1) * len(recs) // chunks]:
            p.stdin.write(rec)
        p.stdin.flush()
        time.sleep(0.1)
    out, err = p.communicate(timeout=60)
    elapsed = time.monotonic() - start
    rows, _ = rules_rows(out)
    lines = env_lines(log)
    if rows is None:
        check(False, "paced flood: a rules panel", err.decode())
        return
    row = rows[0]
    allowed = 2 + 2 * elapsed       # a burst of 2, then 2 per second
    check(row["matches"] == want, "paced flood: every match counted", row)
    check(2 <= row["runs"] <= allowed,
          "paced flood: runs within the bucket (<= %.1f)" % allowed, row)
    check(row["suppressed"] == row["matches"] - row["runs"],
          "paced flood: suppressed = matches - runs", row)
    got = [int(e.get("TAPTOP_SUPPRESSED", "0")) for e in lines]
    check(len(lines) == row["runs"] and any(g > 0 for g in got) and
          sum(got) <= row["suppressed"],
          "paced flood: TAPTOP_SUPPRESSED reaches the next runs",
          (got, row))


def write_tests(tmp):
    want, _ = tshark_count(PCAP, "tcp.port == 80")
    w = os.path.join(tmp, "http.pcapng")
    r = run(["-r", PCAP, "--batch", "--json", "--panel", "rules",
             "--on", "tcp.port == 80", "--write", w])
    rows, _ = rules_rows(r.stdout)
    got, rc = tshark_count(w)
    check(r.returncode == 0 and rc == 0 and got == want and want > 0,
          "--write: tshark reads the pcapng, tshark -Y's count (%d)" % want,
          (got, rc, r.stderr.decode()))
    check(rows is not None and rows[0]["written"] == want and
          rows[0]["bytes"] == os.path.getsize(w),
          "--write: the panel counts packets and bytes", rows)
    # The same packets, byte for byte: tshark's view of both.
    a = subprocess.run(["tshark", "-n", "-r", w, "-T", "fields", "-e",
                        "frame.time_epoch", "-e", "frame.len", "-e",
                        "frame.cap_len", "-e", "tcp.seq_raw"],
                       capture_output=True, text=True).stdout
    b = subprocess.run(["tshark", "-n", "-r", PCAP, "-Y", "tcp.port == 80",
                        "-T", "fields", "-e", "frame.time_epoch", "-e",
                        "frame.len", "-e", "frame.cap_len", "-e",
                        "tcp.seq_raw"], capture_output=True, text=True).stdout
    check(a == b and a != "", "--write: times, lengths and contents kept")
    # Rotation: 1 MB files of every packet, a ring of 10.
    total, _ = tshark_count(PCAP)
    rw = os.path.join(tmp, "all.pcapng")
    r = run(["-r", PCAP, "--batch", "--panel", "summary", "--on", "frame",
             "--write", rw, "--write-size", "1", "--write-files", "10"])
    files = [rw] + [os.path.join(tmp, "all.%d.pcapng" % i)
                    for i in range(1, 10)]
    files = [f for f in files if os.path.exists(f)]
    counts = [tshark_count(f) for f in files]
    check(r.returncode == 0 and len(files) >= 3 and
          all(rc == 0 for _, rc in counts) and
          sum(c for c, _ in counts) == total and
          all(os.path.getsize(f) <= 1000 * 1000 for f in files),
          "--write-size 1: several readable files of at most 1 MB that "
          "add up (%d)" % total, (files, counts))
    # A file cut anywhere reads up to its last whole block.
    with open(w, "rb") as f:
        data = f.read()
    for frac in (0.13, 0.5, 0.77):
        cut = int(len(data) * frac)
        path = os.path.join(tmp, "cut.pcapng")
        with open(path, "wb") as f:
            f.write(data[:cut])
        whole = sum(1 for t, _ in pcapng_blocks(data[:cut]) if t == 6)
        got, _ = tshark_count(path)
        check(got == whole and whole > 0,
              "a file cut at byte %d reads its %d whole packets" %
              (cut, whole), got)
    # kill -9 mid-write: what is on disk is whole blocks.
    hdr, recs = pcap_records(PCAP)
    k = os.path.join(tmp, "killed.pcapng")
    p = subprocess.Popen([TAPTOP, "-r", "-", "--batch", "--on", "frame",
                          "--write", k], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    p.stdin.write(hdr + b"".join(recs[:len(recs) // 2]))
    p.stdin.flush()
    for _ in range(100):            # until taptop has written something
        if os.path.exists(k) and os.path.getsize(k) > 100000:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    with open(k, "rb") as f:
        data = f.read()
    blocks = pcapng_blocks(data)
    got, rc = tshark_count(k)
    check(sum(n for _, n in blocks) == len(data) and rc == 0 and
          got == sum(1 for t, _ in blocks if t == 6) and got > 0,
          "kill -9 mid-write leaves whole blocks that tshark reads (%d)" %
          got, (len(data), rc))
    # An unwritable path is an error at start.
    r = run(["-r", PCAP, "--batch", "--on", "tcp", "--write",
             os.path.join(tmp, "nodir", "x.pcapng")])
    err = r.stderr.decode().strip().splitlines()
    check(r.returncode == 2 and len(err) == 1 and "x.pcapng" in err[0] and
          r.stdout == b"", "an unwritable --write path: one line, status 2",
          (r.returncode, err))


def usage_tests(tmp, logger):
    for args, word in (
            (["--on", "tcp", "--exec", "no-such-command-xyz"],
             "not found"),
            (["--on", "tcp", "--exec", os.path.join(tmp, "nothing")],
             "No such file"),
            (["--on", "tcp"], "needs an --exec"),
            (["--on", "tcp", "--on", "udp", "--exec", logger],
             "has no --exec"),
            (["--exec", logger], "needs an --on"),
            (["--on", "tcp ==", "--exec", logger], "bad display filter"),
            (["--on", "tcp", "--exec", logger, "--exec-rate", "5"],
             "N/S"),
            (["--on", "tcp", "--exec", "'unclosed"], "--exec")):
        r = run(["-r", PCAP, "--batch"] + args)
        err = r.stderr.decode().strip().splitlines()
        check(r.returncode == 2 and len(err) == 1 and word in err[0] and
              r.stdout == b"", "usage: %s" % " ".join(args),
              (r.returncode, err))


if __name__ == "__main__":
    sys.exit(main())
