#!/usr/bin/env python3
"""
Differential test of the display-filter engine against tshark.

The filters are the table in tests/e2e/filters.txt: under [match], filters
both programs must compile and that must select the same frames; under
[reject], mistakes both must refuse.

Matching.  For every capture in ../shared/pcaps/traffic and
../shared/pcaps/odd, tshark runs once and counts the frames each [match]
filter selects, and taptop runs once in batch mode with one summary panel
per filter (--panel summary:FILTER; the panel's rows[0].packets is its
count).  Every (capture, filter) whose counts differ is a FAIL line.  A
second taptop run per capture sets the global filter (-Y GLOBAL) and opens
panels with and without their own filter: those counts are compared with
tshark's for GLOBAL and for "(GLOBAL) and (F)".

How tshark counts
-----------------
One tshark run per capture, with a small Lua script that registers one tap
listener on the "frame" tap per filter (Listener.new("frame", FILTER)) and
counts its packet() calls: a tap listener's filter is applied to the
dissection tree exactly as -Y is, and the frame tap sees every frame once.
tshark's "-z io,stat,0,F1,F2,..." would be the obvious tool but cannot
serve: it splits its argument on commas, so no set ({80, 443}; commas are
mandatory in 4.0) can be given; with interval 0 it prints no row at all
for a capture whose frames all share one timestamp (11 of the captures);
and it bins by time, which a capture with timestamps near 2^64 turns into
millions of rows.  The harness checks itself on every run (SELF_CHECK):
for a few filters and captures, the Lua counts must equal the number of
frames `tshark -Y FILTER` prints; a difference is a FAIL of the harness,
not of taptop.

tshark runs with -n and its default preferences, as the statistics
differential does: taptop reassembles IP fragments as tshark does, and
TCP segments for the application dissectors (core/tcpreasm.h).

Rejections.  Each [reject] filter is checked once (not per capture) with
`tshark -Y BAD -r SMALL` and `taptop -r SMALL --batch --panel summary:BAD`:
tshark must refuse it (or the table is wrong), and taptop must exit 2 with
a message.  Every [match] filter is also compiled once by taptop first: one
taptop rejects is a FAIL (unless it is a listed exception), and it is left
out of the per-capture runs.  The first lines of both programs' messages
are compared for information only (their count is printed; -v prints both
messages side by side).

tshark's results are cached (keyed by the capture, the filter table, the
tshark version and this script's tshark arguments and Lua) in a temporary
directory: $TAPTOP_TSHARK_CACHE, or taptop-tshark-<uid> under the system
temp dir, shared with the statistics differential.

    python3 tests/e2e/test_filter_diff.py [-v] [PATTERN...]

PATTERNs restrict the captures (substrings of "traffic/example.pcap").
Exit status: 0 when everything agrees (listed exceptions aside), 1
otherwise, 77 when tshark is not installed.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps"))
DIRS = ("traffic", "odd")
TABLE = os.path.join(HERE, "filters.txt")
# The capture rejections are checked on: one frame, any will do.
SMALL = "odd/ArpRequestPacket.pcap"

# None: tshark's defaults, IP and TCP reassembly on, as taptop does them.
TSHARK_PREFS = []

# taptop's global filter (-Y) and the panel filters tried under it.
GLOBAL = "tcp or udp"
GLOBAL_PANELS = ["tcp.port == 443", "frame.len > 100", "!ip", "eth"]

# The harness checked against `tshark -Y`: (capture, filter).
SELF_CHECK = [
    ("traffic/example.pcap", "tcp.port in {80, 443, 8000..8080}"),
    ("traffic/example.pcap", "frame contains \"GET\""),
    ("traffic/example.pcap", "!tcp.flags.ack"),
    ("odd/vxlan.pcap", "vxlan && count(eth.src) == 2"),
    ("odd/IcmpPackets.pcap", "icmp && udp"),
    ("odd/pcapng-example.pcapng", "frame.time_relative >= 0"),
    ("odd/nanosecs.pcap", "frame"),
]

# Deliberate differences.  Each is checked to still occur, or the test
# fails: the list stays honest.
#   kind "reject": tshark accepts the filter, taptop rejects it (file "*").
#   kind "count":  the counts differ in `file` ("*": any capture).
Exc = namedtuple("Exc", "filter file kind reason")
_NOT_DISSECTED = "tshark accepts, taptop rejects: field not dissected"
_NO_PROTOCOLS_FIELD = ("tshark accepts, taptop rejects: field not dissected"
                       " (frame.protocols, a string listing the layers, is"
                       " not part of taptop's model)")
_CLAMPED = ("interface 1 stamps its packets 2^64 - 505 s (in microseconds):"
            " taptop's reader clamps times to +-9e9 s to keep its arithmetic"
            " in range, tshark reads them unsigned (and loses precision); as"
            " in test_tshark_diff.py")
_DNS_TCP_RETRANS = ("frame 4 is a retransmission of frame 1's sequence"
                    " numbers: tshark does not hand it to DNS, taptop's"
                    " TCP keeps state only for PDUs in progress and"
                    " dissects it again; as in test_tshark_diff.py")
EXCEPTIONS = [
    Exc(f, "odd/pcapng-example.pcapng", "count", _CLAMPED)
    for f in ("frame.time_relative > 1.5", "frame.time_relative <= 0.5",
              "frame.time_relative < 2.000001", "frame.time_relative >= 0")
] + [
    Exc("dns", "odd/dns_over_tcp.pcapng", "count", _DNS_TCP_RETRANS),
    Exc('upper(frame.protocols) contains "TCP"', "*", "reject",
        _NO_PROTOCOLS_FIELD),
    Exc('lower(frame.protocols) contains "http"', "*", "reject",
        _NO_PROTOCOLS_FIELD),
]
_RETRANS = ("retransmitted segments: tshark does not hand them to HTTP or "
            "TLS again, taptop keeps TCP state only for PDUs in progress "
            "(README, Differences from Wireshark)")
_OOO = ("out-of-order segments: tshark buffers them, taptop ends the PDU "
        "in progress (README)")
_BIG = ("an HTTP message longer than TCPR_PDU_MAX: taptop reads it at its "
        "first segment, or loses it when its length is not known (README)")
_QUIC = ("a repeated client Initial: tshark reads a QUIC connection's "
         "CRYPTO stream once, taptop reads every Initial (README)")
_QUIC_SERVER = ("a server's Initial (its ServerHello): tshark decrypts it "
                "with keys from the connection's first client Initial, "
                "taptop keeps no QUIC connection state (README)")
EXCEPTIONS += [
    Exc("tls", "traffic/google_ssl.pcap", "count", _RETRANS),
    Exc("http", "traffic/http-manipulated.pcap", "count", _BIG),
    Exc("http", "traffic/many-protocols.pcap", "count", _RETRANS),
    Exc("tls", "traffic/many-protocols.pcap", "count", _RETRANS),
    Exc("tls", "traffic/teams.pcap", "count", _OOO),
    Exc("tls", "odd/6in4tunnel.pcap", "count", _RETRANS),
    Exc("http", "odd/sll.pcap", "count", _BIG),
    Exc("tls", "traffic/quic_frags_ch_out_of_order_same_packet_craziness"
        ".pcapng", "count", _QUIC),
    Exc("tls", "traffic/quic-27.pcap", "count", _QUIC_SERVER),
]

LUA = r"""
-- One tap listener per filter on the frame tap; prints the counts.
local args = { ... }
local out = assert(io.open(args[1], "w"))
local filters = {}
for line in io.lines(args[2]) do filters[#filters + 1] = line end
local counts = {}
for i, f in ipairs(filters) do
  counts[i] = 0
  local ok, l = pcall(Listener.new, "frame", f)
  if ok then
    function l.packet() counts[i] = counts[i] + 1 end
  else
    counts[i] = "ERR " .. string.gsub(tostring(l), "%s+", " ")
  end
end
local total = 0
local all = Listener.new("frame", nil)
function all.packet() total = total + 1 end
local done = false
function all.draw()
  if done then return end
  done = true
  out:write("frames ", total, "\n")
  for i = 1, #filters do out:write(tostring(counts[i]), "\n") end
  out:close()
end
"""


def read_table(path=TABLE):
    """(match filters, reject filters), in the table's order."""
    sections = {"match": [], "reject": []}
    cur = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"\[(\w+)\]", line.strip())
            if m:
                cur = sections[m.group(1)]
                continue
            if cur is None:
                sys.exit("%s: a filter before the first [section]" % path)
            cur.append(line)
    return sections["match"], sections["reject"]


def cache_dir():
    d = os.environ.get("TAPTOP_TSHARK_CACHE") or os.path.join(
        tempfile.gettempdir(), "taptop-tshark-%d" % os.getuid())
    os.makedirs(d, exist_ok=True)
    return d


def cached(key, compute):
    """compute()'s JSON-able result, cached under the hash of key."""
    entry = os.path.join(cache_dir(), "filter-" +
                         hashlib.sha256(key).hexdigest() + ".json")
    if os.path.exists(entry):
        with open(entry) as f:
            return json.load(f)
    res = compute()
    tmp = entry + ".tmp%d.%d" % (os.getpid(), id(res))
    with open(tmp, "w") as f:
        json.dump(res, f)
    os.replace(tmp, entry)
    return res


def tshark_version():
    out = subprocess.run(["tshark", "-v"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True).stdout
    return out.splitlines()[0] if out else "?"


def quiet(stderr):
    return "\n".join(l for l in stderr.splitlines() if "dangerous" not in l)


def tshark_counts(path, filters, version):
    """{"frames": n, "counts": [int or "ERR msg"]} or {"error": msg}."""
    with open(path, "rb") as f:
        key = hashlib.sha256(f.read())
    key.update(version.encode())
    key.update(" ".join(TSHARK_PREFS).encode())
    key.update(LUA.encode())
    key.update("\n".join(filters).encode())

    def compute():
        work = tempfile.mkdtemp(dir=cache_dir())
        try:
            lua = os.path.join(work, "count.lua")
            flt = os.path.join(work, "filters.txt")
            res = os.path.join(work, "counts.txt")
            with open(lua, "w") as f:
                f.write(LUA)
            with open(flt, "w") as f:
                f.write("".join(x + "\n" for x in filters))
            cmd = ["tshark", "-n", "-q", "-r", path] + TSHARK_PREFS + [
                "-X", "lua_script:" + lua, "-X", "lua_script1:" + res,
                "-X", "lua_script1:" + flt]
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True,
                               errors="replace", timeout=600)
            lines = []
            if os.path.exists(res):
                with open(res, errors="replace") as f:
                    lines = f.read().splitlines()
            if p.returncode != 0 or len(lines) != len(filters) + 1 or \
                    not lines[0].startswith("frames "):
                msg = quiet(p.stderr).strip().splitlines() or ["no output"]
                return {"error": "exit %d: %s" % (p.returncode, msg[-1])}
            counts = [int(x) if re.fullmatch(r"\d+", x) else x
                      for x in lines[1:]]
            return {"frames": int(lines[0].split()[1]), "counts": counts}
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return cached(key.digest(), compute)


def tshark_y(path, flt, version):
    """`tshark -Y flt`: {"rc", "frames", "stderr"}, cached."""
    with open(path, "rb") as f:
        key = hashlib.sha256(f.read())
    key.update(b"-Y\0" + version.encode() + b"\0" + flt.encode())
    key.update(" ".join(TSHARK_PREFS).encode())

    def compute():
        p = subprocess.run(["tshark", "-n", "-r", path] + TSHARK_PREFS +
                           ["-Y", flt, "-T", "fields", "-e", "frame.number"],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, errors="replace", timeout=300)
        return {"rc": p.returncode, "frames": len(p.stdout.split()),
                "stderr": quiet(p.stderr).strip()}
    return cached(key.digest(), compute)


def run_taptop(taptop, path, panel_filters, global_filter=None,
               extra_panels=()):
    """(exit status, parsed JSON or None, stderr)."""
    cmd = [taptop, "-r", path, "--batch", "--json"]
    if global_filter is not None:
        cmd += ["-Y", global_filter]
    cmd += list(extra_panels)
    for f in panel_filters:
        cmd += ["--panel", "summary:" + f]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=600)
    err = p.stderr.decode("utf-8", "replace")
    try:
        doc = json.loads(p.stdout.decode("utf-8", "replace"))
    except ValueError:
        doc = None
    return p.returncode, doc, err


def taptop_compiles(taptop, flt):
    """(accepted, message, exit status) for one filter."""
    path = os.path.join(PCAPS, SMALL)
    p = subprocess.run([taptop, "-r", path, "--batch",
                        "--panel", "summary:" + flt],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=60)
    err = p.stderr.decode("utf-8", "replace").strip()
    return p.returncode == 0, err, p.returncode


def first_line(msg, prefix_re):
    line = (msg.strip().splitlines() or [""])[0]
    return re.sub(prefix_re, "", line).strip()


def panel_counts(doc, filters):
    """The summary panels' packet counts, or a problem string."""
    panels = (doc or {}).get("panels")
    if not isinstance(panels, list) or len(panels) != len(filters):
        return None, "expected %d panels in the JSON, got %s" % (
            len(filters), "none" if panels is None else len(panels))
    out = []
    for p, f in zip(panels, filters):
        if p.get("panel") != "summary" or p.get("filter") != f:
            return None, "panel %r with filter %r where %r was expected" % (
                p.get("panel"), p.get("filter"), f)
        rows = p.get("rows") or []
        out.append(rows[0].get("packets") if rows else 0)
    return out, None


class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.failed = 0
        self.passed = 0
        self.known = 0
        self.skipped = 0
        self.used = set()

    def fail(self, text):
        self.failed += 1
        print("FAIL " + text)

    def note(self, text):
        if self.verbose:
            print(text)


def exception_for(flt, rel, kind):
    for e in EXCEPTIONS:
        if e.filter == flt and e.kind == kind and e.file in ("*", rel):
            return e
    return None


def check_rejections(taptop, rejects, version, report, pool):
    """Each bad filter once: (rejected by both, total, same first line)."""
    small = os.path.join(PCAPS, SMALL)
    ts = list(pool.map(lambda f: tshark_y(small, f, version), rejects))
    tt = list(pool.map(lambda f: taptop_compiles(taptop, f), rejects))
    same = both = 0
    for flt, t, (ok, msg, rc) in zip(rejects, ts, tt):
        if t["rc"] == 0:
            report.fail("[reject] %r: tshark accepts it (fix the table)"
                        % flt)
            continue
        tmsg = first_line(t["stderr"], r"^tshark:\s*")
        if ok:
            report.fail("[reject] %r: taptop accepts it; tshark says: %s"
                        % (flt, tmsg))
            continue
        if rc != 2 or not msg:
            report.fail("[reject] %r: taptop exit %d (2 with a message "
                        "expected): %s" % (flt, rc, msg[-200:]))
            continue
        report.passed += 1
        both += 1
        # taptop says which panel the filter was for before the message.
        ours = first_line(msg, r"^taptop:\s*")
        agree = bool(tmsg) and ours.endswith(tmsg)
        same += agree
        if report.verbose:
            print("reject %s %r\n    tshark: %s\n    taptop: %s" % (
                "same" if agree else "diff", flt, tmsg, ours))
    return both, len(rejects), same


def global_filters():
    """The filters tshark counts for the -Y run: GLOBAL alone, then GLOBAL
    and each of GLOBAL_PANELS."""
    return [GLOBAL] + ["(%s) and (%s)" % (GLOBAL, f) for f in GLOBAL_PANELS]


def compare_file(rel, taptop, filters, accepted, version):
    """(lines to report, tshark's counts by filter); run in a worker."""
    path = os.path.join(PCAPS, rel)
    glob_filters = global_filters()
    res = tshark_counts(path, filters + glob_filters, version)
    out = []
    if "error" in res:
        return [("skip", "SKIP %s: tshark cannot read it: %s" %
                 (rel, res["error"]))], {}
    counts = dict(zip(filters + glob_filters, res["counts"]))
    for f in filters + glob_filters:
        if not isinstance(counts[f], int):
            out.append(("fail", "%s %r: tshark rejects it: %s" % (
                rel, f, counts[f])))
    run = [f for f in filters if accepted.get(f)]
    if run:
        rc, doc, err = run_taptop(taptop, path, run)
        got, problem = panel_counts(doc, run)
        if rc != 0 or problem:
            msg = (err.strip().splitlines() or [problem or ""])[-1]
            return out + [("fail", "%s: taptop exit %d: %s" % (
                rel, rc, msg))], counts
        if doc.get("capture", {}).get("packets") != res["frames"]:
            out.append(("fail", "%s: taptop read %s frames, tshark %d" % (
                rel, doc.get("capture", {}).get("packets"),
                res["frames"])))
        for f, n in zip(run, got):
            want = counts[f]
            if not isinstance(want, int):
                continue
            e = exception_for(f, rel, "count")
            line = "%s %r: taptop=%d tshark=%d" % (rel, f, n, want)
            if n == want:
                out.append(("pass", None))
            elif e:
                out.append(("known", line, e))
            else:
                out.append(("fail", line))
    # The global filter over an unfiltered panel and GLOBAL_PANELS.
    rc, doc, err = run_taptop(taptop, path, GLOBAL_PANELS, GLOBAL,
                              ["--panel", "summary"])
    got, problem = panel_counts(doc, [""] + GLOBAL_PANELS)
    if rc != 0 or problem:
        msg = (err.strip().splitlines() or [problem or ""])[-1]
        return out + [("fail", "%s -Y %r: taptop exit %d: %s" % (
            rel, GLOBAL, rc, msg))], counts
    for label, n in zip(glob_filters, got):
        w = counts[label]
        if not isinstance(w, int):
            continue
        if n != w:
            out.append(("fail", "%s -Y %r, tshark's %r: taptop=%d "
                        "tshark=%d" % (rel, GLOBAL, label, n, w)))
        else:
            out.append(("pass", None))
    return out, counts


def self_check(version, counts_by_file, report, pool):
    """The Lua counts against `tshark -Y` for SELF_CHECK."""
    jobs = []
    for rel, flt in SELF_CHECK:
        if rel not in counts_by_file:
            continue
        path = os.path.join(PCAPS, rel)
        jobs.append((rel, flt, pool.submit(tshark_y, path, flt, version)))
    for rel, flt, fut in jobs:
        y = fut.result()
        lua = counts_by_file[rel].get(flt)
        if y["rc"] != 0 or lua != y["frames"]:
            report.fail("harness: %s %r: Lua listener counted %s, tshark -Y "
                        "printed %d frames (exit %d)" % (
                            rel, flt, lua, y["frames"], y["rc"]))


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    only = [a for a in args if a != "-v"]
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed (sh tools/deps.sh test)")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(ROOT, "build", "taptop"))
    if not os.access(taptop, os.X_OK):
        print("FAIL: no taptop binary at %s" % taptop)
        return 1
    version = tshark_version()
    matches, rejects = read_table()
    for f in SELF_CHECK:
        if f[1] not in matches:
            sys.exit("SELF_CHECK filter %r is not in the table" % f[1])
    for e in EXCEPTIONS:
        if e.filter not in matches:
            sys.exit("exception filter %r is not in the table" % e.filter)
    files = []
    for d in DIRS:
        for name in sorted(os.listdir(os.path.join(PCAPS, d))):
            rel = d + "/" + name
            if not only or any(o in rel for o in only):
                files.append(rel)
    report = Report(verbose)
    workers = max(2, os.cpu_count() or 2)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        # Every [match] filter compiled once by taptop.
        accepted = {}
        for f, (ok, msg, rc) in zip(matches, pool.map(
                lambda f: taptop_compiles(taptop, f), matches)):
            accepted[f] = ok
            e = exception_for(f, "*", "reject")
            if ok:
                if e is None:
                    continue
                report.fail("exception no longer occurs, remove it: %r is "
                            "accepted (%s)" % (f, e.reason))
                report.used.add(e)
            elif e is not None:
                report.used.add(e)
                report.known += 1
                report.note("XFAIL %r: %s" % (f, e.reason))
            elif rc != 2:
                report.fail("%r: taptop exit %d compiling it: %s" % (
                    f, rc, msg[-200:]))
            else:
                report.fail("%r: taptop rejects it: %s" % (
                    f, first_line(msg, r"^taptop:\s*")))
        rej = check_rejections(taptop, rejects, version, report, pool)
        results = list(pool.map(lambda rel: (rel, compare_file(
            rel, taptop, matches, accepted, version)), files))
        self_check(version, {rel: r[1] for rel, r in results}, report, pool)
    for rel, (lines, _) in results:
        nfail = 0
        for item in lines:
            kind = item[0]
            if kind == "pass":
                report.passed += 1
            elif kind == "skip":
                report.skipped += 1
                print(item[1])
            elif kind == "known":
                report.known += 1
                report.used.add(item[2])
                report.note("XFAIL %s (%s)" % (item[1], item[2].reason))
            else:
                nfail += 1
                report.fail(item[1])
        report.note("%s %s" % ("FAILED" if nfail else "ok    ", rel))
    for e in EXCEPTIONS:
        if e not in report.used and (e.file == "*" or e.file in files):
            report.fail("exception no longer occurs, remove it: %r %s %s "
                        "(%s)" % (e.filter, e.file, e.kind, e.reason))
    print("rejections: taptop rejects %d of %d bad filters as tshark does; "
          "the first line of its message ends with tshark's for %d" % rej)
    print("filter diff: %d filters x %d captures: %d pass, %d fail, "
          "%d known differences, %d skipped" % (
              len(matches), len(files), report.passed, report.failed,
              report.known, report.skipped))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
