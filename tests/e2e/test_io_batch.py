#!/usr/bin/env python3
"""
The io panel in batch mode, on a capture written here with known
intervals (seconds 0 to 5 after the first packet: 1, 0, 3, 0, 0, 2 frames
of 100 bytes, the last at 5.25 s):

- text and JSON print the interval table as any panel: the columns, one
  row per interval from 0 to the end of the capture, the rates;
- several io panels with their own filters, each its own table; a filter
  that matches nothing still has its rows, all 0;
- --interval 2 cuts the io rows at 2 s too; in cumulative mode every
  snapshot carries the table so far and the last the whole table, in
  delta mode each line its own interval's row, and the lines add up;
- --max-rows 2 keeps the last two intervals and folds the others into
  "other", exactly (rows_estimated false; no "~" in the text), in JSON
  and in the text.

Exit status 0 when every check passes, 1 otherwise.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.path.abspath(os.environ.get("TAPTOP") or
                         os.path.join(ROOT, "build", "taptop"))

T0 = 1700000000
# (seconds after the first packet, UDP destination port)
PACKETS = [(0.0, 53), (2.1, 53), (2.5, 80), (2.9, 53), (5.0, 80),
           (5.25, 53)]
WANT = [(0, 1), (1, 0), (2, 3), (3, 0), (4, 0), (5, 2)]


def frame(dport, n=100):
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, n - 14, 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack(">HHHH", 4000, dport, n - 34, 0)
    return (b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00" +
            ip + udp).ljust(n, b"\0")


def write_pcap(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for rel, port in PACKETS:
            us = round(rel * 1e6)
            b = frame(port)
            f.write(struct.pack("<IIII", T0 + us // 10**6, us % 10**6,
                                len(b), len(b)) + b)


def run(*args):
    p = subprocess.run([TAPTOP] + list(args), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def rows_of(panel):
    return [(int(round(r["start"])), r["frames"]) for r in panel["rows"]]


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no taptop binary at %s" % TAPTOP)
        return 1
    fails = []

    def check(name, ok, detail=""):
        if ok:
            print("PASS " + name)
        else:
            print("FAIL %s %s" % (name, detail))
            fails.append(name)

    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "io.pcap")
        write_pcap(pcap)

        # JSON: the table, several panels.
        rc, out, err = run("-r", pcap, "--batch", "--json", "--panel", "io",
                           "--panel", "io:udp.dstport == 53",
                           "--panel", "io:tcp")
        o = json.loads(out) if rc == 0 else {"panels": []}
        p = o["panels"]
        check("json: three io panels", rc == 0 and len(p) == 3, err)
        if len(p) == 3:
            check("json: the columns", p[0]["columns"] == [
                "start", "frames", "bytes", "packets_per_s", "bits_per_s"],
                p[0]["columns"])
            check("json: a row per interval, empty ones too",
                  rows_of(p[0]) == WANT, rows_of(p[0]))
            r2 = p[0]["rows"][2]
            check("json: the rates of a 1 s interval",
                  r2["bytes"] == 300 and r2["packets_per_s"] == 3 and
                  r2["bits_per_s"] == 2400, r2)
            check("json: a filter of its own",
                  rows_of(p[1]) == [(0, 1), (1, 0), (2, 2), (3, 0), (4, 0),
                                    (5, 1)], rows_of(p[1]))
            check("json: matching nothing, its rows all 0",
                  rows_of(p[2]) == [(k, 0) for k in range(6)],
                  rows_of(p[2]))
            check("json: nothing folded", p[0]["other"] == {
                "rows": 0, "rows_estimated": False, "frames": 0,
                "bytes": 0, "error_bytes": 0}, p[0]["other"])

        # Text.
        rc, out, err = run("-r", pcap, "--batch", "--panel", "io:udp")
        lines = out.splitlines()
        try:
            i = lines.index("I/O graph")
        except ValueError:
            i = -1
        check("text: the title and the filter", i >= 0 and
              lines[i + 1] == "Filter: udp", lines[i:i + 2])
        check("text: the column titles", i >= 0 and lines[i + 2].split() ==
              ["Start", "Frames", "Bytes", "Packets/s", "Bits/s"],
              lines[i + 2:i + 3])
        check("text: interval 2", i >= 0 and lines[i + 5].split() ==
              ["2.000000", "3", "300", "3.0", "2400.0"], lines[i + 5:i + 6])
        check("text: six rows", i >= 0 and len(lines) == i + 3 + 6,
              lines[i:])

        # --interval 2: cumulative and delta.
        rc, out, err = run("-r", pcap, "--batch", "--json", "--interval",
                           "2", "--panel", "io")
        objs = [json.loads(l) for l in out.splitlines()] if rc == 0 else []
        got = [rows_of(x["panels"][0]) for x in objs]
        check("cumulative: the table so far on every line", got == [
            [(0, 1)], [(0, 1), (2, 3)], [(0, 1), (2, 3), (4, 2)]], got)
        rc, out, err = run("-r", pcap, "--batch", "--json", "--interval",
                           "2", "--interval-mode", "delta", "--panel", "io")
        objs = [json.loads(l) for l in out.splitlines()] if rc == 0 else []
        got = [rows_of(x["panels"][0]) for x in objs]
        check("delta: each line its own interval's row",
              got == [[(0, 1)], [(2, 3)], [(4, 2)]], got)
        check("delta: the lines add up to the capture",
              sum(f for g in got for _, f in g) == len(PACKETS) and
              sum(x["capture"]["packets"] for x in objs) == len(PACKETS),
              got)

        # The row cap: the last two intervals, the rest in "other".
        rc, out, err = run("-r", pcap, "--batch", "--json", "--max-rows",
                           "2", "--panel", "io")
        p = json.loads(out)["panels"][0] if rc == 0 else None
        check("max-rows: the last two intervals",
              p is not None and rows_of(p) == [(4, 0), (5, 2)],
              p and rows_of(p))
        check("max-rows: the others folded, exactly",
              p is not None and p["other"] == {
                  "rows": 4, "rows_estimated": False, "frames": 4,
                  "bytes": 400, "error_bytes": 0}, p and p["other"])
        rc, out, err = run("-r", pcap, "--batch", "--max-rows", "2",
                           "--panel", "io")
        check("max-rows: the text's other line",
              any(l.split()[:5] == ["other", "(4", "rows)", "4", "400"]
                  for l in out.splitlines()), out)

    if fails:
        print("%d checks failed" % len(fails))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
