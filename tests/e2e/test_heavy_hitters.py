#!/usr/bin/env python3
"""
--max-rows keeps the heaviest rows (Space-Saving by bytes, core/flowtab.h),
seen from outside on captures written here, and on the example capture.

For every run the exact totals per key are known (from the packets this
script wrote, or from an uncapped run of the same file), and the batch
JSON of each panel must keep the promise the README makes:

  - at most N rows, and rows plus `other` add up to every frame and byte
    the panel counted;
  - every key with more than 1/N of the panel's bytes is listed;
  - a listed row never counts more than the key's true totals, and misses
    at most `other.error_bytes`; a key not listed has at most that many
    bytes; and that bound is at most 1/N of the bytes;
  - `other.rows` (estimated, `rows_estimated`) is close to the number of
    keys that lost counts to `other`.

The captures:
  flood     25,000 spoofed SYNs (60 bytes, distinct random sources) to one
            port, then one 50,000-packet flow of 1500-byte packets (75 MB):
            the flow is listed with its exact counts in conv.tcp, conv.ip,
            endpoints.ip and endpoints.tcp, with the default --max-rows
            and with --max-rows 100.
  late      5,000 one-packet UDP flows, then three heavy ones.
  leapfrog  two early flows, then two that alternate: each holds half the
            bytes and both are listed with --max-rows 3.
  random    a skewed random mix of TCP and UDP flows.
  example   ../shared/pcaps/traffic/example.pcap with --max-rows 5: port
            44155 (405 frames) is listed.
"""

import json
import os
import random
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
EXAMPLE = os.path.join(ROOT, "..", "shared", "pcaps", "traffic",
                       "example.pcap")
PANELS = ["conv.tcp", "conv.udp", "conv.ip", "endpoints.tcp",
          "endpoints.udp", "endpoints.ip"]
DEFAULT_ROWS = 20000

ETH = bytes.fromhex("020000000002" "020000000001" "0800")


def ip4(s):
    return bytes(int(x) for x in s.split("."))


class Pkt:
    __slots__ = ("proto", "src", "sport", "dst", "dport", "length", "flags",
                 "seq")

    def __init__(self, proto, src, sport, dst, dport, length, flags=0x10,
                 seq=0):
        self.proto, self.src, self.sport = proto, src, sport
        self.dst, self.dport, self.length = dst, dport, length
        self.flags, self.seq = flags, seq


def frame(p):
    iplen = p.length - len(ETH)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, iplen, 0, 0, 64,
                     6 if p.proto == "tcp" else 17, 0, ip4(p.src),
                     ip4(p.dst))
    if p.proto == "tcp":
        l4 = struct.pack("!HHIIBBHHH", p.sport, p.dport, p.seq, 0, 5 << 4,
                         p.flags, 65535, 0, 0)
    else:
        l4 = struct.pack("!HHHH", p.sport, p.dport, iplen - 20, 0)
    body = ETH + ip + l4
    return body + bytes(p.length - len(body))


def write_pcap(path, pkts):
    t0 = 1700000000
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f = frame(p)
            usec = i * 10
            fp.write(struct.pack("<IIII", t0 + usec // 1000000,
                                 usec % 1000000, len(f), len(f)))
            fp.write(f)


def truth(pkts):
    """Exact per-key totals of each panel: key -> [frames, bytes]."""
    t = {name: {} for name in PANELS}

    def add(panel, key, length):
        v = t[panel].setdefault(key, [0, 0])
        v[0] += 1
        v[1] += length

    for p in pkts:
        a, b = (p.src, p.sport), (p.dst, p.dport)
        add("conv.ip", tuple(sorted([(p.src, 0), (p.dst, 0)])), p.length)
        add("endpoints.ip", (p.src, 0), p.length)
        add("endpoints.ip", (p.dst, 0), p.length)
        add("conv." + p.proto, tuple(sorted([a, b])), p.length)
        add("endpoints." + p.proto, a, p.length)
        add("endpoints." + p.proto, b, p.length)
    return t


def row_key(panel, row):
    if panel.startswith("conv."):
        return tuple(sorted([(row["a"], row.get("a_port", 0)),
                             (row["b"], row.get("b_port", 0))]))
    return (row["address"], row.get("port", 0))


def row_counts(panel, row):
    if panel.startswith("conv."):
        return row["frames"], row["bytes"]
    return row["packets"], row["bytes"]


def run(path, panels, max_rows=None):
    cmd = [TAPTOP, "-r", path, "--batch", "--json"]
    if max_rows is not None:
        cmd += ["--max-rows", str(max_rows)]
    for name in panels:
        cmd += ["--panel", name]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode,
                                                p.stderr.decode().strip()))
    return {x["panel"]: x for x in json.loads(p.stdout)["panels"]}


def check_panel(what, panel, doc, exact, n, fails):
    """The promise above, for one panel's JSON against exact totals."""
    errs = []
    rows, other = doc["rows"], doc["other"]
    bound = other.get("error_bytes", 0)
    frames = sum(v[0] for v in exact.values())
    total = sum(v[1] for v in exact.values())
    listed = {}
    for r in rows:
        k = row_key(panel, r)
        if k in listed:
            errs.append("%s listed twice" % (k,))
        listed[k] = row_counts(panel, r)
    if len(rows) > n:
        errs.append("%d rows, cap %d" % (len(rows), n))
    got = (sum(v[0] for v in listed.values()) + other["frames"],
           sum(v[1] for v in listed.values()) + other["bytes"])
    if got != (frames, total):
        errs.append("rows + other = %d frames %d bytes, want %d %d" %
                    (got + (frames, total)))
    if bound * n > total:
        errs.append("error_bytes %d is more than 1/%d of %d" %
                    (bound, n, total))
    lost = 0
    for k, (f, b) in exact.items():
        if k not in listed:
            lost += 1
            if b * n > total:
                errs.append("%s: %d of %d bytes (more than 1/%d) not "
                            "listed" % (k, b, total, n))
            elif b > bound:
                errs.append("%s: %d bytes, not listed, above error_bytes "
                            "%d" % (k, b, bound))
            continue
        lf, lb = listed[k]
        if lf > f or lb > b:
            errs.append("%s: listed %d/%d, more than the true %d/%d" %
                        (k, lf, lb, f, b))
        elif b - lb > bound:
            errs.append("%s: listed %d of %d bytes, misses more than "
                        "error_bytes %d" % (k, lb, b, bound))
        if lf < f:
            lost += 1
    for k in listed:
        if k not in exact:
            errs.append("%s listed but never sent" % (k,))
    est = other["rows"]
    if abs(est - lost) > lost * 0.05 + 2:
        errs.append("other.rows %d, want about %d" % (est, lost))
    if other.get("rows_estimated") != (est > 0):
        errs.append("rows_estimated %r with rows %d" %
                    (other.get("rows_estimated"), est))
    for e in errs[:5]:
        fails.append("%s %s: %s" % (what, panel, e))
    if not errs:
        print("PASS %s %s: %d rows, other %d frames, error_bytes %d" %
              (what, panel, len(rows), other["frames"], bound))


def check_run(what, path, t, panels, n, fails):
    docs = run(path, panels, n)
    for name in panels:
        check_panel(what, name, docs[name], t[name],
                    n if n is not None else DEFAULT_ROWS, fails)
    return docs


def want_row(what, panel, doc, key, want, fails):
    if panel.startswith("conv."):
        key = tuple(sorted(key))
    for r in doc["rows"]:
        if row_key(panel, r) == key:
            if row_counts(panel, r) != want:
                fails.append("%s %s: %s counts %r, want %r" %
                             (what, panel, key, row_counts(panel, r), want))
            else:
                print("PASS %s %s: %s listed with %d frames, %d bytes" %
                      ((what, panel, key) + want))
            return
    fails.append("%s %s: %s not listed (other: %r)" %
                 (what, panel, key, doc["other"]))


def flood(tmp, fails):
    """The SYN flood, then the big flow."""
    rng = random.Random(8)
    victim, client = "10.9.9.9", "192.168.1.10"
    pkts = []
    # Distinct pseudo-random sources in 100.64.0.0/10 (an odd multiplier
    # is a bijection on 22 bits), random source ports.
    for i in range(25000):
        h = (i * 2654435761 + 12345) % (1 << 22)
        src = "100.%d.%d.%d" % (64 + (h >> 16), (h >> 8) & 255, h & 255)
        pkts.append(Pkt("tcp", src, rng.randrange(1024, 65536), victim, 80,
                        60, flags=0x02, seq=rng.randrange(1 << 32)))
    seq = 1000
    for i in range(50000):
        pkts.append(Pkt("tcp", victim, 80, client, 50000, 1500, seq=seq))
        seq = (seq + 1446) % (1 << 32)
    path = os.path.join(tmp, "flood.pcap")
    write_pcap(path, pkts)
    t = truth(pkts)
    del pkts
    panels = ["conv.tcp", "conv.ip", "endpoints.ip", "endpoints.tcp"]
    flow = (50000, 75000000)
    for n in (None, 100):
        what = "flood --max-rows %s" % (n or "default")
        docs = check_run(what, path, t, panels, n, fails)
        want_row(what, "conv.tcp", docs["conv.tcp"],
                 ((client, 50000), (victim, 80)), flow, fails)
        want_row(what, "conv.ip", docs["conv.ip"],
                 ((victim, 0), (client, 0)), flow, fails)
        want_row(what, "endpoints.ip", docs["endpoints.ip"], (client, 0),
                 flow, fails)
        want_row(what, "endpoints.tcp", docs["endpoints.tcp"],
                 (client, 50000), flow, fails)
    os.unlink(path)


def late(tmp, fails):
    pkts = [Pkt("udp", "10.1.%d.%d" % (i >> 8, i & 255), 1024 + i % 5000,
                "10.0.0.1", 53, 80) for i in range(5000)]
    for _ in range(2000):
        for j in range(3):
            pkts.append(Pkt("udp", "10.2.0.%d" % j, 7000 + j, "10.0.0.2",
                            9999, 1000))
    path = os.path.join(tmp, "late.pcap")
    write_pcap(path, pkts)
    t = truth(pkts)
    panels = ["conv.udp", "conv.ip", "endpoints.udp", "endpoints.ip"]
    docs = check_run("late", path, t, panels, 50, fails)
    for j in range(3):
        src = "10.2.0.%d" % j
        want_row("late", "conv.udp", docs["conv.udp"],
                 ((src, 7000 + j), ("10.0.0.2", 9999)), (2000, 2000000),
                 fails)
        want_row("late", "endpoints.ip", docs["endpoints.ip"], (src, 0),
                 (2000, 2000000), fails)


def leapfrog(tmp, fails):
    pkts = [Pkt("udp", "10.0.0.%d" % i, 1000, "10.0.1.1", 53, 1500)
            for i in (1, 2) for _ in range(2)]
    for _ in range(3000):
        pkts.append(Pkt("udp", "10.0.0.3", 1000, "10.0.1.1", 53, 60))
        pkts.append(Pkt("udp", "10.0.0.4", 1000, "10.0.1.1", 53, 60))
    path = os.path.join(tmp, "leapfrog.pcap")
    write_pcap(path, pkts)
    check_run("leapfrog", path, truth(pkts), ["conv.udp", "conv.ip"], 3,
              fails)


def random_mix(tmp, fails):
    rng = random.Random(1234)
    pkts = []
    for _ in range(30000):
        k = int(rng.random() ** 3 * 2000)
        proto = "tcp" if k % 3 else "udp"
        pkts.append(Pkt(proto, "10.%d.%d.1" % (k >> 8, k & 255),
                        2000 + k % 97, "172.16.%d.1" % (k % 13), 80 + k % 5,
                        rng.randrange(60, 1515)))
    path = os.path.join(tmp, "random.pcap")
    write_pcap(path, pkts)
    check_run("random", path, truth(pkts), PANELS, 20, fails)


def example(fails):
    if not os.path.exists(EXAMPLE):
        print("SKIP example: %s missing" % EXAMPLE)
        return
    full = run(EXAMPLE, ["conv.tcp"], 10000000)["conv.tcp"]
    exact = {row_key("conv.tcp", r): row_counts("conv.tcp", r)
             for r in full["rows"]}
    docs = check_run("example --max-rows 5", EXAMPLE, {"conv.tcp": exact},
                     ["conv.tcp"], 5, fails)
    ports = [(r["a_port"], r["b_port"]) for r in docs["conv.tcp"]["rows"]]
    if not any(44155 in p for p in ports):
        fails.append("example --max-rows 5: port 44155 not listed (ports "
                     "%r)" % ports)
    else:
        print("PASS example --max-rows 5: port 44155 listed")


def main():
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        late(tmp, fails)
        leapfrog(tmp, fails)
        random_mix(tmp, fails)
        example(fails)
        flood(tmp, fails)
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
