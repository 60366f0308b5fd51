#!/usr/bin/env python3
"""
Differential test: taptop's statistics against tshark's, capture by capture.

For every capture in ../shared/pcaps/traffic and ../shared/pcaps/odd that
tshark reads, taptop runs once in batch mode with every conv.*, endpoints.*
and the protocols panel, and tshark runs once with the matching -z options
(conv, endpoints, io,phs).  One line per (file, panel): PASS, FAIL with a
short diff, or XFAIL for a documented, deliberate difference.

How the reference numbers are taken
-----------------------------------
- endpoints.*: tshark's -z endpoints tables print exact counts; they are
  the reference as printed.
- conv.*: tshark 4.0's -z conv tables round byte counts ("468 kB" is
  468981 bytes, truncated; only counts below 10000 are printed exactly), so
  they cannot be compared losslessly.  The exact numbers come instead from
  a small Lua tap listener run inside the same tshark process: it is
  registered on the very taps the conv tables listen to (eth, ip, ipv6, tcp,
  udp), with the same flags (so entries inside ICMP error payloads are left
  out, as for -z conv), and writes one record per tap entry: addresses,
  ports, TCP/UDP stream and the frame length.  Those records are summed per
  conversation here, and the sums are first checked against the printed
  -z conv table (rows, frame counts exactly, byte counts to the printed
  precision).  If that cross-check fails, the harness is wrong, not taptop,
  and the line says so.  The ipv6 tap has no Lua extractor in 4.0, so its
  listener takes the n-th ipv6.src/ipv6.dst occurrence for the packet's
  n-th ipv6 tap entry (tapped headers precede those of an ICMPv6 error's
  payload, which are not tapped).  A conversation's start and duration
  come from the printed table (nine and four decimals; taptop prints six)
  and are compared within that rounding: they derive from the capture's
  timestamps, never from the clock.
- protocols: io,phs and taptop's paths are both projected onto the
  protocols taptop is compared on (KEEP below): a node whose own name is
  not kept is dropped, a kept node's path keeps only kept names, and nodes
  whose projected paths are equal are summed (eth/ip/gre/ppp/ip becomes
  eth/ip/gre/ip).
- tshark runs with -n and its default preferences: IP fragments are
  reassembled (taptop does too: the frame that completes a datagram
  carries its transport, the fragments before it are ip/data), and TCP
  reassembly decides which frames carry the http and tls nodes (taptop
  reassembles too: core/tcpreasm.h).
- TCP and UDP conversations: tshark keys them on the 4-tuple *and* its
  stream index, so a 4-tuple reused by a new connection is a second row.
  taptop keys on the 4-tuple; tshark's rows are summed per 4-tuple before
  comparing.  Where that summing happens is listed in EXCEPTIONS (kind
  "merge") so the list stays honest.

tshark's outputs are cached (keyed by the capture's contents, the tshark
version and this script's tshark arguments) in a temporary directory:
$TAPTOP_TSHARK_CACHE, or taptop-tshark-<uid> under the system temp dir.

Exit status: 0 when every comparison passes, 1 otherwise, 77 when tshark is
not installed (the runner counts that as skipped).
"""

import hashlib
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict, namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps"))
DIRS = ("traffic", "odd")

KEEP = ("eth", "vlan", "arp", "ip", "ipv6", "icmp", "icmpv6", "tcp", "udp",
        "gre", "vxlan", "dns", "mdns", "llmnr")
# Application protocols, compared with tshark's TCP reassembly on (taptop
# reassembles too, core/tcpreasm.h).
KEEP += ("http", "tls")
# QUIC, a level per coalesced packet (the tls of an Initial is
# no level in tshark's hierarchy, nor in taptop's).
KEEP += ("quic",)
# Link types named, not dissected (dissectors/linknamed.c):
# their node is compared, not what tshark finds inside.
KEEP += ("chdlc", "wlan", "clip", "fr", "atm", "radiotap", "arcnet",
         "wpan", "netlink")

# panel -> (tap, tshark table title, has ports)
CONV = {
    "conv.eth": ("eth", "Ethernet Conversations", False),
    "conv.ip": ("ip", "IPv4 Conversations", False),
    "conv.ipv6": ("ipv6", "IPv6 Conversations", False),
    "conv.tcp": ("tcp", "TCP Conversations", True),
    "conv.udp": ("udp", "UDP Conversations", True),
}
ENDPOINTS = {
    "endpoints.eth": ("eth", "Ethernet Endpoints", False),
    "endpoints.ip": ("ip", "IPv4 Endpoints", False),
    "endpoints.ipv6": ("ipv6", "IPv6 Endpoints", False),
    "endpoints.tcp": ("tcp", "TCP Endpoints", True),
    "endpoints.udp": ("udp", "UDP Endpoints", True),
}
PANELS = list(CONV) + list(ENDPOINTS) + ["protocols"]

# Deliberate differences.  Each entry is checked to still occur: one that
# no longer does fails the test, so the list stays honest.
#   kind "merge":    tshark printed several rows for one 4-tuple (several
#                    TCP/UDP streams); they are summed before comparing.
#   kind "mismatch": rows may differ, but only in `fields` (None: in any
#                    way, missing rows included) and only rows whose
#                    printed key contains `match` (None: any row).  Every
#                    other difference still fails.
Exc = namedtuple("Exc", "file panel kind fields match reason")
_CLAMPED = ("interface 1 stamps its packets 2^64 - 505 s (in microseconds):"
            " taptop's reader clamps times to +-9e9 s to keep its arithmetic"
            " in range, tshark reads them unsigned (and loses precision)")
EXCEPTIONS = [
    Exc("odd/pcapng-example.pcapng", p, "mismatch",
        frozenset(("start", "duration")), None, _CLAMPED)
    for p in ("conv.ip", "conv.ipv6", "conv.tcp")
] + [
    Exc("odd/dns_over_tcp.pcapng", "protocols", "mismatch", None, "dns",
        "frame 4 is a retransmission: its bytes repeat frame 1's sequence"
        " numbers (with other content); tshark's TCP, which remembers every"
        " direction's highest sequence number, does not hand it to DNS"
        " (it does with tcp.analyze_sequence_numbers off); taptop's TCP"
        " keeps state only for PDUs in progress and dissects it again"
        " (README, Differences from Wireshark)"),
]
_RETRANS = ("retransmitted segments: tshark does not hand them to HTTP or "
            "TLS again, taptop keeps TCP state only for PDUs in progress "
            "(README, Differences from Wireshark)")
_OOO = ("out-of-order segments: tshark buffers them, taptop ends the PDU "
        "in progress (a gap, counted) and passes over its rest (README)")
_BIG = ("an HTTP message longer than TCPR_PDU_MAX: taptop reads it at its "
        "first segment, or loses it when its length is not known, tshark "
        "reads it at its last (README)")
EXCEPTIONS += [
    Exc("traffic/google_ssl.pcap", "protocols", "mismatch", None, "tls",
        _RETRANS),
    Exc("traffic/many-protocols.pcap", "protocols", "mismatch", None,
        "http", _RETRANS),
    Exc("traffic/many-protocols.pcap", "protocols", "mismatch", None,
        "tls", _RETRANS),
    Exc("traffic/teams.pcap", "protocols", "mismatch", None, "tls", _OOO),
    Exc("odd/6in4tunnel.pcap", "protocols", "mismatch", None, "tls",
        _RETRANS),
    Exc("traffic/http-manipulated.pcap", "protocols", "mismatch", None,
        "http", _BIG),
    Exc("odd/sll.pcap", "protocols", "mismatch", None, "http", _BIG),
]

# None: tshark's defaults are the reference (reassembly on).
TSHARK_PREFS = []

LUA = r"""
-- One record per tap entry of the taps -z conv and -z endpoints use.
local out = assert(io.open(({...})[1], "w"))
local f6src = Field.new("ipv6.src")
local f6dst = Field.new("ipv6.dst")
local seen = {}
local function nth(tap, num)
  local s = seen[tap]
  if s == nil or s.num ~= num then s = { num = num, n = 0 }; seen[tap] = s end
  s.n = s.n + 1
  return s.n
end
local function rec(tap, pinfo, src, dst, sp, dp, stream)
  out:write(string.format("%s %d %s %s %s %s %s %d\n", tap, pinfo.number,
    tostring(src), tostring(dst), tostring(sp), tostring(dp),
    tostring(stream), pinfo.len))
end
local function listen(tap, fn)
  local l = Listener.new(tap, nil, false)
  function l.packet(pinfo, tvb, t) fn(pinfo, t) end
  function l.draw() out:flush() end
end
listen("eth", function(p, t) rec("eth", p, t.src, t.dst, "-", "-", "-") end)
listen("ip", function(p, t)
  rec("ip", p, t.ip_src, t.ip_dst, "-", "-", "-")
end)
listen("ipv6", function(p, t)
  local i = nth("ipv6", p.number)
  local s, d = { f6src() }, { f6dst() }
  local a = s[i] and s[i].value or "?"
  local b = d[i] and d[i].value or "?"
  rec("ipv6", p, a, b, "-", "-", "-")
end)
listen("tcp", function(p, t)
  rec("tcp", p, t.ip_src, t.ip_dst, t.th_sport, t.th_dport, t.th_stream)
end)
listen("udp", function(p, t)
  rec("udp", p, t.ip_src, t.ip_dst, t.uh_sport, t.uh_dport, t.uh_stream)
end)
"""


def tshark_args():
    args = ["-n", "-q"] + TSHARK_PREFS
    for p in CONV.values():
        args += ["-z", "conv," + p[0]]
    for p in ENDPOINTS.values():
        args += ["-z", "endpoints," + p[0]]
    return args + ["-z", "io,phs"]


def cache_dir():
    d = os.environ.get("TAPTOP_TSHARK_CACHE") or os.path.join(
        tempfile.gettempdir(), "taptop-tshark-%d" % os.getuid())
    os.makedirs(d, exist_ok=True)
    return d


def tshark_version():
    out = subprocess.run(["tshark", "-v"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "?"


def check_prefs():
    """The preference names must exist in this tshark, or -o fails."""
    out = subprocess.run(["tshark", "-G", "defaultprefs"],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True).stdout
    for i in range(1, len(TSHARK_PREFS), 2):
        name = TSHARK_PREFS[i].split(":")[0]
        if not re.search(r"^#?%s:" % re.escape(name), out, re.M):
            sys.exit("tshark does not know the preference %s" % name)


def run_tshark(path, version):
    """tshark's text output and Lua records for one capture, cached."""
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read())
    digest.update(version.encode())
    digest.update(" ".join(tshark_args()).encode())
    digest.update(LUA.encode())
    cdir = cache_dir()
    entry = os.path.join(cdir, digest.hexdigest() + ".json")
    if os.path.exists(entry):
        with open(entry) as f:
            return json.load(f)
    work = tempfile.mkdtemp(dir=cdir)
    try:
        lua = os.path.join(work, "conv.lua")
        recs = os.path.join(work, "records.txt")
        with open(lua, "w") as f:
            f.write(LUA)
        cmd = ["tshark", "-r", path] + tshark_args() + [
            "-X", "lua_script:" + lua, "-X", "lua_script1:" + recs]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True,
                           errors="replace", timeout=600)
        records = ""
        if os.path.exists(recs):
            with open(recs, errors="replace") as f:
                records = f.read()
        res = {"rc": p.returncode, "stdout": p.stdout,
               "stderr": "\n".join(l for l in p.stderr.splitlines()
                                   if "dangerous" not in l),
               "records": records}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tmp = entry + ".tmp%d" % os.getpid()
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, entry)
    return res


def norm_addr(s):
    s = str(s).strip()
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s.lower()


def split_port(s):
    a, _, p = s.rpartition(":")
    return norm_addr(a), int(p)


def sections(text):
    """tshark's -z tables by title: {title: [lines]}."""
    out, title, lines = {}, None, None
    all_lines = text.splitlines()
    for i, line in enumerate(all_lines):
        if title is not None and not lines and line.strip() == title:
            continue
        if line.startswith("====="):
            if title is not None:
                out[title] = lines
                title = None
            elif i + 1 < len(all_lines) and all_lines[i + 1].strip() \
                    and not all_lines[i + 1].startswith("====="):
                title, lines = all_lines[i + 1].strip(), []
            continue
        if title is not None:
            lines.append(line)
    return out


UNITS = {"bytes": 1, "B": 1, "kB": 10**3, "MB": 10**6, "GB": 10**9,
         "TB": 10**12}
NUM = r"([\d,]+)"
BYTES = r"([\d,]+) (bytes|B|kB|MB|GB|TB)"
CONV_RE = re.compile(r"^(\S+)\s+<->\s+(\S+)\s+" + NUM + r"\s+" + BYTES +
                     r"\s+" + NUM + r"\s+" + BYTES + r"\s+" + NUM + r"\s+" +
                     BYTES + r"\s+(-?[\d.]+)\s+(-?[\d.]+)\s*$")


def num(s):
    return int(s.replace(",", ""))


def parse_conv(lines, ports):
    """Rows of a -z conv table: [(ep_a, ep_b, f_ba, b_ba, f_ab, b_ab,
    start, duration)] with byte counts as (value, unit multiplier)."""
    rows = []
    for line in lines:
        m = CONV_RE.match(line)
        if not m:
            continue
        g = m.groups()
        if ports:
            a, b = split_port(g[0]), split_port(g[1])
        else:
            a, b = (norm_addr(g[0]), None), (norm_addr(g[1]), None)
        rows.append((a, b, num(g[2]), (num(g[3]), UNITS[g[4]]),
                     num(g[5]), (num(g[6]), UNITS[g[7]]),
                     float(g[11]), float(g[12])))
    return rows


def parse_endpoints(lines, ports):
    rows = {}
    for line in lines:
        t = line.split()
        n = 8 if ports else 7
        if len(t) != n or not all(re.fullmatch(r"[\d,]+", x)
                                  for x in t[-6:]):
            continue
        key = (norm_addr(t[0]), int(t[1]) if ports else None)
        vals = tuple(num(x) for x in t[-6:])
        if key in rows:     # should not happen: keep both visible
            vals = tuple(x + y for x, y in zip(rows[key], vals))
        rows[key] = vals
    return rows


def parse_phs(lines):
    """io,phs as {path tuple: [frames, bytes]} of every node."""
    nodes, stack = {}, []
    for line in lines:
        m = re.match(r"^( *)(\S+)\s+frames:(\d+) bytes:(\d+)\s*$", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        stack = stack[:depth] + [m.group(2)]
        key = tuple(stack)
        v = nodes.setdefault(key, [0, 0])
        v[0] += int(m.group(3))
        v[1] += int(m.group(4))
    return nodes


def project(nodes):
    """Nodes whose own name is kept, on their kept-names path, summed."""
    out = defaultdict(lambda: [0, 0])
    for path, (frames, nbytes) in nodes.items():
        if not path or path[-1] not in KEEP:
            continue
        key = "/".join(p for p in path if p in KEEP)
        out[key][0] += frames
        out[key][1] += nbytes
    return dict(out)


def conv_key(a, b):
    """An unordered pair of endpoints, and whether (a, b) is its order."""
    return (a, b, True) if a <= b else (b, a, False)


def ep_text(ep):
    return ep[0] if ep[1] is None else "%s:%d" % ep


def records(text):
    """Lua records: [(tap, frame, src, dst, sport, dport, stream, len)]."""
    out = []
    for line in text.splitlines():
        t = line.split()
        if len(t) != 8:
            continue
        sp = None if t[4] == "-" else int(t[4])
        dp = None if t[5] == "-" else int(t[5])
        out.append((t[0], int(t[1]), norm_addr(t[2]), norm_addr(t[3]),
                    sp, dp, t[6], int(t[7])))
    return out


def tshark_conv(res, panel, recs):
    """Exact conversations {(ep1, ep2): [f12, b12, f21, b21, start,
    duration]}: counts from the Lua records, after checking them against
    the printed table, and times from the printed table.  Returns
    (convs, problem or None, number of 4-tuples tshark split by stream)."""
    tap, title, ports = CONV[panel]
    sec = sections(res["stdout"]).get(title)
    if sec is None:
        return None, "tshark printed no '%s' table" % title, 0
    printed = parse_conv(sec, ports)
    by_stream = defaultdict(lambda: [0, 0, 0, 0])
    for r in recs:
        if r[0] != tap:
            continue
        a, b = (r[2], r[4]), (r[3], r[5])
        lo, hi, fwd = conv_key(a, b)
        v = by_stream[(lo, hi, r[6] if ports else "-")]
        i = 0 if fwd else 2
        v[i] += 1
        v[i + 1] += r[7]
    # The cross-check: every printed row is one (pair, stream) of records.
    pool = defaultdict(list)
    for (lo, hi, _), v in by_stream.items():
        pool[(lo, hi)].append(v)
    span = {}
    for a, b, f_ba, b_ba, f_ab, b_ab, start, dur in printed:
        lo, hi, fwd = conv_key(a, b)
        s0, e0 = span.get((lo, hi), (start, start + dur))
        span[(lo, hi)] = (min(s0, start), max(e0, start + dur))
        want = (f_ab, b_ab, f_ba, b_ba) if fwd else (f_ba, b_ba, f_ab, b_ab)
        cands = pool.get((lo, hi), [])
        for i, v in enumerate(cands):
            if v[0] == want[0] and v[2] == want[2] and \
                    v[1] // want[1][1] == want[1][0] and \
                    v[3] // want[3][1] == want[3][0]:
                del cands[i]
                break
        else:
            return None, ("harness: Lua records do not match tshark's row "
                          "%s <-> %s" % (ep_text(a), ep_text(b))), 0
    left = sum(len(v) for v in pool.values())
    if left:
        return None, "harness: %d Lua conversations tshark did not print" \
            % left, 0
    convs = defaultdict(lambda: [0, 0, 0, 0])
    count = defaultdict(int)
    for (lo, hi, _), v in by_stream.items():
        c = convs[(lo, hi)]
        for i in range(4):
            c[i] += v[i]
        count[(lo, hi)] += 1
    for k, c in convs.items():
        s0, e0 = span[k]
        c += [s0, e0 - s0]
    merged = sum(1 for n in count.values() if n > 1)
    return dict(convs), None, merged


def run_taptop(taptop, path):
    cmd = [taptop, "-r", path, "--batch", "--json", "--max-rows", "10000000"]
    for p in PANELS:
        cmd += ["--panel", p]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def taptop_conv(panel):
    ports = CONV[panel["panel"]][2]
    convs = defaultdict(lambda: [0, 0, 0, 0])
    span = {}
    problems = []
    for r in panel["rows"]:
        a = (norm_addr(r["a"]), r["a_port"] if ports else None)
        b = (norm_addr(r["b"]), r["b_port"] if ports else None)
        if r["frames"] != r["frames_ab"] + r["frames_ba"] or \
                r["bytes"] != r["bytes_ab"] + r["bytes_ba"]:
            problems.append("%s <-> %s: totals are not the sum of the "
                            "directions" % (ep_text(a), ep_text(b)))
        lo, hi, fwd = conv_key(a, b)
        c = convs[(lo, hi)]
        ab = [r["frames_ab"], r["bytes_ab"]]
        ba = [r["frames_ba"], r["bytes_ba"]]
        if lo == hi:        # a conversation with itself: one direction
            ab = [ab[0] + ba[0], ab[1] + ba[1]]
            ba = [0, 0]
        d = ab + ba if fwd else ba + ab
        for i in range(4):
            c[i] += d[i]
        s0, e0 = span.get((lo, hi), (r["start"], r["start"] + r["duration"]))
        span[(lo, hi)] = (min(s0, r["start"]),
                          max(e0, r["start"] + r["duration"]))
    for k, c in convs.items():
        c += [span[k][0], span[k][1] - span[k][0]]
    return dict(convs), problems


def taptop_endpoints(panel):
    ports = ENDPOINTS[panel["panel"]][2]
    out = {}
    for r in panel["rows"]:
        key = (norm_addr(r["address"]), r["port"] if ports else None)
        vals = (r["packets"], r["bytes"], r["tx_packets"], r["tx_bytes"],
                r["rx_packets"], r["rx_bytes"])
        if key in out:
            vals = tuple(x + y for x, y in zip(out[key], vals))
        out[key] = vals
    return out


def taptop_protocols(panel):
    nodes = {}
    for r in panel["rows"]:
        path = tuple(r["path"])
        v = nodes.setdefault(path, [0, 0])
        v[0] += r["frames"]
        v[1] += r["bytes"]
    return nodes


def same(names, a, b):
    return all(abs(x - y) <= TOLERANCE.get(n, 0)
               for n, x, y in zip(names, a, b))


def diff(ours, theirs, names, show):
    """Differing rows: [(key text, differing fields or None for a missing
    row, description)]."""
    out = []
    for k in sorted(set(ours) | set(theirs), key=str):
        a, b = ours.get(k), theirs.get(k)
        if a is not None and b is not None and same(names, a, b):
            continue
        if a is None:
            out.append((show(k), None, "only in tshark %s" % fmt(names, b)))
        elif b is None:
            out.append((show(k), None, "only in taptop %s" % fmt(names, a)))
        else:
            d = [(n, x, y) for n, x, y in zip(names, a, b)
                 if abs(x - y) > TOLERANCE.get(n, 0)]
            out.append((show(k), frozenset(n for n, _, _ in d),
                        " ".join("%s taptop=%s tshark=%s" % t for t in d)))
    return out


def fmt(names, vals):
    return "(" + " ".join("%s=%s" % nv for nv in zip(names, vals)) + ")"


CONV_NAMES = ("frames_ab", "bytes_ab", "frames_ba", "bytes_ba", "start",
              "duration")
# Times are from the capture's timestamps, never the clock.  taptop prints
# six decimals; tshark nine for the start and four for the duration.
TOLERANCE = {"start": 1.01e-6, "duration": 5.1e-5}
EP_NAMES = ("packets", "bytes", "tx_packets", "tx_bytes", "rx_packets",
            "rx_bytes")
PROTO_NAMES = ("frames", "bytes")


def show_conv(k):
    return "%s <-> %s" % (ep_text(k[0]), ep_text(k[1]))


def compare_file(rel, path, taptop, version, report):
    res = run_tshark(path, version)
    if res["rc"] != 0 or not res["stdout"]:
        report.skip(rel, "tshark cannot read it: %s" %
                    (res["stderr"].strip().splitlines() or ["?"])[-1])
        return
    rc, out, err = run_taptop(taptop, path)
    try:
        doc = json.loads(out)
    except ValueError:
        msg = (err.strip().splitlines() or ["no output"])[-1]
        report.result(rel, "json", None, [
            ("taptop", None, "exit %d, no JSON: %s" % (rc, msg))], False)
        return
    if rc != 0:
        # tshark read the file to the end, so taptop must too.
        msg = (err.strip().splitlines() or [""])[-1]
        report.result(rel, "exit", None,
                      [("exit status", None, "%d: %s" % (rc, msg))], False)
    panels = {p["panel"]: p for p in doc.get("panels", [])}
    recs = records(res["records"])
    phs = sections(res["stdout"]).get("Protocol Hierarchy Statistics")
    for name in PANELS:
        panel = panels.get(name)
        if panel is None:
            report.result(rel, name, None,
                          [("panel", None, "missing in JSON")], False)
            continue
        notes = []
        other = panel.get("other") or {}
        if other.get("rows"):
            notes.append(("other", None, "%d rows folded despite "
                          "--max-rows" % other["rows"]))
        merged = 0
        if name in CONV:
            theirs, problem, merged = tshark_conv(res, name, recs)
            if problem:
                report.result(rel, name, None, [("tshark", None, problem)],
                              False)
                continue
            ours, probs = taptop_conv(panel)
            notes += [("taptop", None, p) for p in probs]
            d = diff(ours, theirs, CONV_NAMES, show_conv)
        elif name in ENDPOINTS:
            tap, title, ports = ENDPOINTS[name]
            sec = sections(res["stdout"]).get(title)
            if sec is None:
                report.result(rel, name, None, [
                    ("tshark", None, "no '%s' table" % title)], False)
                continue
            theirs = parse_endpoints(sec, ports)
            ours = taptop_endpoints(panel)
            d = diff(ours, theirs, EP_NAMES, ep_text)
        else:
            if phs is None:
                report.result(rel, name, None,
                              [("tshark", None, "no io,phs table")], False)
                continue
            theirs = project(parse_phs(phs))
            ours = project(taptop_protocols(panel))
            d = diff(ours, theirs, PROTO_NAMES, lambda k: k)
        report.result(rel, name, len(panel["rows"]), notes + d, True,
                      merged)


class Report:
    def __init__(self):
        self.passed = self.failed = self.xfail = self.skipped = 0
        self.used = set()

    def exceptions(self, rel, panel):
        return [e for e in EXCEPTIONS if e.file == rel and e.panel == panel]

    def skip(self, rel, why):
        self.skipped += 1
        print("SKIP %s: %s" % (rel, why))

    def result(self, rel, panel, nrows, diffs, compared, merged=0):
        exc = self.exceptions(rel, panel)
        for e in exc:
            if e.kind == "merge" and merged:
                self.used.add(e)
        excused, left, why = [], [], set()
        for key, fields, what in diffs:
            hit = [e for e in exc if e.kind == "mismatch" and
                   (e.match is None or e.match in key) and
                   (e.fields is None or
                    (fields is not None and fields <= e.fields))]
            if hit and compared:
                excused.append((key, what))
                self.used.update(hit)
                why.update(e.reason for e in hit)
            else:
                left.append((key, what))
        if merged and not any(e.kind == "merge" for e in exc):
            left.append(("tshark", "%d 4-tuples split into several streams"
                         " (add a 'merge' exception if deliberate)" % merged))
        label = "%-34s %-15s" % (rel, panel)
        if left:
            self.failed += 1
            print("FAIL %s %d differences:" % (label, len(left)))
            for key, what in left[:4]:
                print("       %s: %s" % (key, what))
            if len(left) > 4:
                print("       ... %d more" % (len(left) - 4))
        elif excused:
            self.xfail += 1
            print("XFAIL %s %d known differences: %s" % (
                label, len(excused), "; ".join(sorted(why))))
        else:
            self.passed += 1
            extra = " (%d rows)" % nrows if nrows is not None else ""
            if merged:
                extra += ", %d tshark stream rows merged" % merged
            print("PASS %s%s" % (label, extra))

    def stale(self, compared_files):
        out = []
        for e in EXCEPTIONS:
            if e.file in compared_files and e not in self.used:
                out.append(e)
        return out


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (sh tools/deps.sh test)")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(ROOT, "build", "taptop"))
    if not os.access(taptop, os.X_OK):
        print("FAIL: no taptop binary at %s" % taptop)
        return 1
    check_prefs()
    version = tshark_version()
    only = sys.argv[1:]
    report = Report()
    files = []
    for d in DIRS:
        for name in sorted(os.listdir(os.path.join(PCAPS, d))):
            rel = d + "/" + name
            if only and not any(o in rel for o in only):
                continue
            files.append(rel)
    for rel in files:
        compare_file(rel, os.path.join(PCAPS, rel), taptop, version, report)
    stale = report.stale(set(files))
    for e in stale:
        report.failed += 1
        print("FAIL exception no longer occurs, remove it: %s %s %s (%s)" %
              (e.file, e.panel, e.kind, e.reason))
    print("tshark diff: %d pass, %d fail, %d known differences, %d skipped"
          % (report.passed, report.failed, report.xfail, report.skipped))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
