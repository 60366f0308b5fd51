#!/usr/bin/env python3
"""
Differential test of display filters on the application fields against
tshark: the table tests/e2e/app_filters_web.txt (HTTP, TLS), each
filter's frame count compared capture by capture over
../shared/pcaps/traffic.  (tests/e2e/app_filters.txt, DNS, is run by
test_app_filters.py, on test_filter_diff.py's harness, which also checks
that its bad filters are refused.)

tshark runs with its defaults (TCP reassembly on: taptop reassembles too,
core/tcpreasm.h) and counts each filter with a tap listener on the frame
tap (Lua, one tshark run per capture, as test_filter_diff.py does).
taptop runs once per capture with one summary panel per filter.  One line
per (capture, filter) that differs: FAIL, or XFAIL when EXCEPTIONS lists
it with its reason; an exception that no longer occurs fails, so that the
list stays honest.

    python3 tests/e2e/test_app_filters_web.py [-v] [PATTERN...]

Exit status: 0 when everything agrees, 1 otherwise, 77 without tshark.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PCAPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "pcaps",
                                      "traffic"))

_RETRANS = ("tshark does not hand a retransmitted segment to HTTP or TLS "
            "again (it keeps the highest sequence number of every "
            "direction); taptop keeps TCP state only for PDUs in progress "
            "(README: Differences from Wireshark)")
_OOO = ("out-of-order segments: tshark buffers them, taptop ends the PDU "
        "(a gap, counted) and passes over its rest (README)")
_BIG = ("a body longer than TCPR_PDU_MAX: taptop reads the message at its "
        "first segment, tshark at its last, which this capture lacks")
_PORT = ("a TLS port that taptop does not register (it takes 15 of "
         "Wireshark's), or a record tshark follows by conversation")

_QUIC = ("a repeated client Initial: tshark reads a QUIC connection's "
         "CRYPTO stream once, taptop reads every Initial (README)")
_QUIC_SERVER = ("a server's Initial (its ServerHello): tshark decrypts it "
                "with keys from the connection's first client Initial; "
                "taptop keeps no QUIC connection state (README)")
_TLS13 = ("tshark calls the type of a TLS 1.3 encrypted record "
          "tls.record.opaque_type once it saw the ServerHello choose 1.3; "
          "taptop keeps no TLS session state and records it as "
          "tls.record.content_type")

# (capture, filter or None for any) -> reason.
EXCEPTIONS = {
    ("tls.pcap", "tls.record.content_type == 23"): _TLS13,
    ("many-protocols.pcap", "http.host"): (
        "SSDP over UDP: tshark's ssdp dissector records HTTP's fields; "
        "taptop dissects HTTP over TCP only (the TCP counts agree)"),
    ("chrome.pcap", "tls.record.content_type == 23"): _TLS13,
    ("many-protocols.pcap", None): _RETRANS,
    ("teams.pcap", None): _OOO,
    ("google_ssl.pcap", None): _RETRANS,
    ("http-manipulated.pcap", None): _BIG,
    ("quic_frags_ch_out_of_order_same_packet_craziness.pcapng", None): _QUIC,
    ("quic-27.pcap", None): _QUIC_SERVER,
}

LUA = r"""
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
    counts[i] = "ERR"
  end
end
local all = Listener.new("frame", nil)
local done = false
function all.draw()
  if done then return end
  done = true
  for i = 1, #filters do out:write(tostring(counts[i]), "\n") end
  out:close()
end
"""


def load_filters():
    out = []
    for path in [os.path.join(HERE, "app_filters_web.txt")]:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and \
                        not line.startswith("["):
                    out.append(line)
    return out


def tshark_counts(path, filters, work):
    lua = os.path.join(work, "count.lua")
    flt = os.path.join(work, "filters.txt")
    res = os.path.join(work, "counts.txt")
    with open(lua, "w") as f:
        f.write(LUA)
    with open(flt, "w") as f:
        f.write("".join(x + "\n" for x in filters))
    subprocess.run(["tshark", "-n", "-q", "-r", path, "-X",
                    "lua_script:" + lua, "-X", "lua_script1:" + res, "-X",
                    "lua_script1:" + flt], stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=600)
    with open(res) as f:
        return [x if x == "ERR" else int(x) for x in f.read().split()]


def taptop_counts(taptop, path, filters):
    args = [taptop, "-r", path, "--batch", "--json"]
    for f in filters:
        args += ["--panel", "summary:" + f]
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[:1]
    d = json.loads(p.stdout)
    return [pan["rows"][0]["packets"] if pan["rows"] else 0
            for pan in d["panels"]], None


def main():
    verbose = "-v" in sys.argv
    pats = [a for a in sys.argv[1:] if a != "-v"]
    if shutil.which("tshark") is None:
        print("SKIP: tshark not installed")
        return 77
    taptop = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
    filters = load_filters()
    fails = xfails = passes = 0
    seen_exc = set()
    work = tempfile.mkdtemp()
    try:
        for path in sorted(glob.glob(os.path.join(PCAPS, "*"))):
            name = os.path.basename(path)
            if pats and not any(p in name for p in pats):
                continue
            theirs = tshark_counts(path, filters, work)
            ours, err = taptop_counts(taptop, path, filters)
            if ours is None:
                print("FAIL %s: taptop: %s" % (name, err))
                fails += 1
                continue
            for f, t, o in zip(filters, theirs, ours):
                if t == "ERR":
                    print("FAIL %s: tshark rejects %r" % (name, f))
                    fails += 1
                elif t == o:
                    passes += 1
                    if verbose:
                        print("PASS %s %r %d" % (name, f, o))
                else:
                    key = (name, f) if (name, f) in EXCEPTIONS else \
                        (name, None)
                    if key in EXCEPTIONS:
                        seen_exc.add(key)
                        xfails += 1
                        print("XFAIL %s %r: tshark %d taptop %d (%s)" %
                              (name, f, t, o, EXCEPTIONS[key]))
                    else:
                        fails += 1
                        print("FAIL %s %r: tshark %d taptop %d" %
                              (name, f, t, o))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for key in EXCEPTIONS:
        if key not in seen_exc and (not pats or
                                    any(p in key[0] for p in pats)):
            print("FAIL exception no longer occurs: %s %r" % key)
            fails += 1
    print("%d filters, %d agree, %d listed differences, %d failures" %
          (len(filters), passes, xfails, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
