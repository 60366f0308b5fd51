#!/usr/bin/env python3
"""
A big batch report streams: writing it costs little memory beyond what the
panels hold.

A SYN scan of 1,000,000 flows (bench/gen.py scan, into a temporary
directory) is read with --batch --json --max-rows 2000000 --panel conv.tcp,
so the conversation panel holds a million rows and the report is about
250 MB of JSON.  The capture comes on standard input, from a pipe this test
keeps open once it has written everything: when taptop has read it all,
every flow is in the panel and the report cannot have begun, so the
process's peak (VmHWM) then is the peak without the report.  The test then
closes the pipe; the peak of the whole run (getrusage of the child) must
stay within 1.5 times the first, and the output must parse, with a million
distinct conversations.

Nothing here reads a clock to judge a result; the polls have generous
limits only so that a hang fails instead of blocking the suite.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
FLOWS = 1000000
RATIO = 1.5
HANG_S = 600


def load_gen():
    spec = importlib.util.spec_from_file_location(
        "gen", os.path.join(ROOT, "bench", "gen.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.strip()
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="taptop-stream-")
    failures = []
    try:
        pcap = os.path.join(tmp, "scan.pcap")
        load_gen().scan(pcap, FLOWS)
        size = os.path.getsize(pcap)
        # The capture comes on a pipe this test keeps open: once taptop
        # has read all of it, every flow is in the panel and the report
        # cannot begin until the pipe is closed.
        with open(os.path.join(tmp, "err"), "wb") as err, \
                open(os.path.join(tmp, "out"), "wb") as out_f:
            # Under AddressSanitizer, freed blocks wait in a quarantine
            # (256 MB) before reuse: the memory the report frees as it
            # goes would count as held.  No quarantine, so that a
            # sanitizer build measures what taptop holds; the option is
            # ignored by other builds.
            env = dict(os.environ)
            env["ASAN_OPTIONS"] = ":".join(filter(None, [
                os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=0"]))
            proc = subprocess.Popen(
                [TAPTOP, "-r", "-", "--batch", "--json",
                 "--max-rows", "2000000", "--panel", "conv.tcp"],
                stdin=subprocess.PIPE, stdout=out_f, stderr=err, env=env)
        with open(pcap, "rb") as f:
            shutil.copyfileobj(f, proc.stdin, 1 << 20)
        proc.stdin.flush()
        base = None
        deadline = time.monotonic() + HANG_S
        while time.monotonic() < deadline and proc.poll() is None:
            with open("/proc/%d/io" % proc.pid) as f:
                rchar = int(f.read().split("rchar:")[1].split()[0])
            if rchar >= size:
                # The last packets dissected (a moment), then the peak.
                time.sleep(0.5)
                base = int(status(proc.pid)["VmHWM"].split()[0])
                break
            time.sleep(0.05)
        if base is None:
            proc.kill()
            print("FAIL: taptop did not read the capture (exit %s)"
                  % proc.poll())
            return 1
        if os.path.getsize(os.path.join(tmp, "out")) != 0:
            failures.append("output before the capture's end")
        proc.stdin.close()
        _, wstatus, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(wstatus)
        peak = ru.ru_maxrss
        if proc.returncode != 0:
            with open(os.path.join(tmp, "err"), "rb") as e:
                failures.append("taptop exited %d: %s" % (
                    proc.returncode, e.read().decode(errors="replace")))
        with open(os.path.join(tmp, "out"), "rb") as f:
            out = f.read()
        os.unlink(os.path.join(tmp, "out"))
        print("peak before the report %d KiB, with it %d KiB (%.2fx), "
              "%d bytes of JSON" % (base, peak, peak / base, len(out)))
        if peak > RATIO * base:
            failures.append("peak %d KiB > %.1f x %d KiB" %
                            (peak, RATIO, base))

        # Each row is on a line of its own: parse them one by one, and
        # the rest as a document whose rows are [].
        lines = out.split(b"\n")
        skeleton, rows, flows = [], 0, set()
        for line in lines:
            if line.startswith(b"{\"a\":"):
                # "{...}," or the last, "{...}],"
                if line.endswith(b"}],"):
                    body = line[:-2]
                    skeleton.append(b"],")
                elif line.endswith(b"},"):
                    body = line[:-1]
                else:
                    failures.append("row %d: %r" % (rows, line[-20:]))
                    break
                row = json.loads(body)
                flows.add((row["a"], row["b"], row["a_port"],
                           row["b_port"]))
                if row["frames"] != 1 or row["bytes"] != 60:
                    failures.append("row %d: %r" % (rows, row))
                    break
                rows += 1
            else:
                skeleton.append(line)
        doc = json.loads(b"\n".join(skeleton))
        if doc["capture"]["packets"] != FLOWS:
            failures.append("capture packets %r" % doc["capture"]["packets"])
        panel = doc["panels"][0]
        if panel["panel"] != "conv.tcp" or panel["rows"] != [] or \
                panel["other"]["rows"] != 0:
            failures.append("panel %r" % {k: panel[k] for k in panel
                                          if k != "rows"})
        if rows != FLOWS or len(flows) != FLOWS:
            failures.append("%d rows, %d distinct, want %d" %
                            (rows, len(flows), FLOWS))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: a report of %d rows streams" % FLOWS)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
