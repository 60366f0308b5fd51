#!/usr/bin/env python3
# e2e: serial (drives a terminal)
"""
Nothing silently missing: frames taptop does not dissect are counted and
named, and a capture that cannot open still gives JSON.

- A file whose header is bad (empty, cut short, not a capture, a pcapng
  section header with a bad byte-order magic): exit 1, one line on
  stderr, and with --json a JSON object on stdout whose capture.error is
  that line (less "taptop: "), with no panels.
- Live capture as an unprivileged user (setpriv to nobody, no
  capabilities) with --json: the same, the permission advice in the JSON.
- Frames of link types no dissector reads, on corpus files: the JSON's
  capture.undissected has one entry, keyed by libpcap's name for the link
  type the file's header gives, whose frames and bytes are tshark's
  frame count and the sum of its frame.len (capinfos says which link
  type tshark reads); the text header says it in a line.  A file of a
  link type tshark cannot read (MFR) is counted all the same.  An
  Ethernet file has undissected {} and no such line.
- The protocol hierarchy's root, against tshark -z io,phs: for a link
  type taptop names (dissectors/linknamed.c), the root node is tshark's,
  with its frames and bytes; the levels below it are not compared
  (taptop reads nothing inside: README, Differences from Wireshark).
  Where tshark's root is not the link type (SLIP: "data"; Juniper ATM1:
  "text"; ATM RFC 1483: "llc", the payload), taptop has no node: checked
  as the deliberate difference it is.
- The interface's status line names them (tmux), when tmux is there.

Exit status: 0 when all pass, 1 otherwise, 77 when tshark is missing.
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.path.abspath(os.environ.get(
    "TAPTOP", os.path.join(ROOT, "build", "taptop")))
MALFORMED = os.path.join(ROOT, "..", "shared", "pcaps", "malformed")
TRAFFIC = os.path.join(ROOT, "..", "shared", "pcaps", "traffic")

# file -> (LINKTYPE_* in its header, libpcap's name, capinfos' name or
# None when tshark cannot read it, tshark's root node or None when it is
# not the link type's own)
FILES = {
    "tcpdump-HDLC.pcap": (104, "C_HDLC", "chdlc", "chdlc"),
    "tcpdump-ISIS_p2p_adjacency.pcap": (104, "C_HDLC", "chdlc", "chdlc"),
    "tcpdump-reason_code-0.pcap":
        (127, "IEEE802_11_RADIO", "ieee-802-11-radiotap", "radiotap"),
    "tcpdump-q933-heapoverflow-2.pcap": (107, "FRELAY", "frelay", "fr"),
    "tcpdump-ieee802.11_parse_elements_oobr.pcap":
        (105, "IEEE802_11", "ieee-802-11", "wlan"),
    "tcpdump-heap-overflow-2.pcap": (106, "106", "linux-atm-clip", "clip"),
    "tcpdump-atm-oam-heapoverflow.pcap": (123, "SUNATM", "atm-pdus", "atm"),
    "tcpdump-arcnet-rfc1201-arp-icmp-http.pcap":
        (129, "ARCNET_LINUX", "arcnet_linux", "arcnet"),
    "tcpdump-802_15_4-oobr-2.pcap": (195, "IEEE802_15_4", "wpan", "wpan"),
    "tcpdump-slip-compressed_sl_print-oobr.pcap": (8, "SLIP", "slip", None),
    "tcpdump-juniper_atm1_oobr.pcap":
        (137, "JUNIPER_ATM1", "juniper-atm1", None),
    "tcpdump-llc-xid-heapoverflow.pcap":
        (100, "ATM_RFC1483", "atm-rfc1483", None),
    "tcpdump-vtp_asan-2.pcap": (182, "MFR", None, None),
}

fails = []


def ok(msg):
    print("PASS %s" % msg)


def bad(msg):
    print("FAIL %s" % msg)
    fails.append(msg)


def run(args, **kw):
    return subprocess.run(args, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, **kw)


def header_linktype(path):
    with open(path, "rb") as f:
        h = f.read(24)
    order = "<" if h[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") \
        else ">"
    return struct.unpack(order + "I", h[20:24])[0] & 0x0fffffff


def check_json_error(desc, args, want_err):
    """taptop fails: exit 1, one stderr line, JSON with that error."""
    p = run([TAPTOP] + args)
    err = p.stderr.decode().strip().splitlines()
    try:
        obj = json.loads(p.stdout.decode())
    except ValueError as e:
        bad("%s: stdout is not JSON (%s): %r" % (desc, e, p.stdout[:200]))
        return
    cap = obj.get("capture", {})
    line = err[0] if err else ""
    if p.returncode != 1:
        bad("%s: exit %d, not 1" % (desc, p.returncode))
    elif len(err) != 1 or not line.startswith("taptop: "):
        bad("%s: stderr is not one line: %r" % (desc, err))
    elif cap.get("error") != line[len("taptop: "):]:
        bad("%s: capture.error %r is not stderr's %r" %
            (desc, cap.get("error"), line))
    elif not re.search(want_err, line):
        bad("%s: the error %r does not say %r" % (desc, line, want_err))
    elif obj.get("panels") != [] or cap.get("undissected") != {} or \
            cap.get("packets") != 0:
        bad("%s: unexpected JSON %r" % (desc, obj))
    else:
        ok("%s: exit 1, JSON error %r" % (desc, cap["error"]))


def bad_headers(tmp):
    with open(os.path.join(MALFORMED, "tcpdump-HDLC.pcap"), "rb") as f:
        good = f.read()
    shb_bad = (b"\x0a\x0d\x0d\x0a" + struct.pack("<I", 28) +
               b"\x11\x22\x33\x44" + struct.pack("<HHq", 1, 0, -1) +
               struct.pack("<I", 28))
    cases = [
        ("empty file", b"", "empty"),
        ("header cut short", good[:10], "cut short|truncated"),
        ("not a capture", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4,
         "not a pcap"),
        ("bad pcapng section header", shb_bad, "byte-order magic"),
    ]
    for desc, data, want in cases:
        path = os.path.join(tmp, desc.replace(" ", "_") + ".pcap")
        with open(path, "wb") as f:
            f.write(data)
        check_json_error(desc, ["-r", path, "--batch", "--json"], want)
        # Without --json: the line, and nothing on stdout.
        p = run([TAPTOP, "-r", path, "--batch"])
        if p.returncode != 1 or p.stdout != b"":
            bad("%s, text: exit %d, stdout %r" %
                (desc, p.returncode, p.stdout[:100]))
        else:
            ok("%s, text: exit 1, nothing on stdout" % desc)


def unprivileged(tmp):
    if os.geteuid() != 0:
        print("SKIP unprivileged live JSON: not root, cannot setpriv")
        return
    if shutil.which("setpriv") is None:
        bad("setpriv is missing (util-linux)")
        return
    # nobody must reach the binary: a copy in a directory it can read.
    d = os.path.join(tmp, "bin")
    os.makedirs(d)
    os.chmod(tmp, 0o755)
    os.chmod(d, 0o755)
    exe = os.path.join(d, "taptop")
    shutil.copy(TAPTOP, exe)
    os.chmod(exe, 0o755)
    p = run(["setpriv", "--reuid=nobody", "--regid=nogroup",
             "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
             exe, "-i", "lo", "--batch", "--json"], cwd="/")
    err = p.stderr.decode().strip()
    if "permission denied" not in err:
        print("SKIP unprivileged live JSON: the capture was allowed (%r)"
              % err)
        return
    try:
        obj = json.loads(p.stdout.decode())
    except ValueError as e:
        bad("unprivileged live: stdout is not JSON (%s): %r" %
            (e, p.stdout[:200]))
        return
    lines = err.splitlines()
    cap = obj.get("capture", {})
    if p.returncode != 1 or len(lines) != 1:
        bad("unprivileged live: exit %d, stderr %r" % (p.returncode, lines))
    elif cap.get("error") != lines[0][len("taptop: "):] or \
            cap.get("source") != "lo" or obj.get("panels") != []:
        bad("unprivileged live: JSON %r, stderr %r" % (obj, lines[0]))
    else:
        ok("unprivileged live: exit 1, JSON error %r" % cap["error"])


# LINKTYPE_SUNATM: wiretap takes the 4-byte pseudo-header out of the
# frame's lengths; taptop counts the bytes the file holds (README,
# Differences from Wireshark).
PSEUDO_HEADER = {123: 4}


def tshark_frames(path, lt):
    """tshark's frame count and bytes (as taptop counts a frame's: the
    larger of its length and its captured length), or None when it cannot
    read the file."""
    p = run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.len",
             "-e", "frame.cap_len"])
    if p.returncode != 0:
        return None
    rows = [[int(x) for x in ln.split()] for ln in
            p.stdout.decode().splitlines() if ln.strip()]
    extra = PSEUDO_HEADER.get(lt, 0)
    return len(rows), sum(max(r) + extra for r in rows)


def tshark_roots(path):
    """io,phs's depth-0 nodes: name -> (frames, bytes)."""
    p = run(["tshark", "-n", "-q", "-r", path, "-z", "io,phs"])
    roots = {}
    for line in p.stdout.decode().splitlines():
        m = re.match(r"^(\S+)\s+frames:(\d+) bytes:(\d+)$", line)
        if m:
            roots[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return roots


def capinfos_encap(path):
    p = run(["capinfos", "-T", "-m", "-E", path])
    if p.returncode != 0:
        return None
    return p.stdout.decode().strip().splitlines()[-1].split(",", 1)[1]


def undissected():
    for name, (lt, key, encap, root) in sorted(FILES.items()):
        path = os.path.join(MALFORMED, name)
        if header_linktype(path) != lt:
            bad("%s: the header's link type is %d, not %d" %
                (name, header_linktype(path), lt))
            continue
        got_encap = capinfos_encap(path)
        if got_encap != encap:
            bad("%s: capinfos says %r, not %r" % (name, got_encap, encap))
            continue
        p = run([TAPTOP, "-r", path, "--batch", "--json", "--panel",
                 "protocols"])
        if p.returncode != 0:
            bad("%s: exit %d: %s" % (name, p.returncode, p.stderr.decode()))
            continue
        obj = json.loads(p.stdout.decode())
        cap = obj["capture"]
        und = cap["undissected"]
        ref = tshark_frames(path, lt) if encap is not None else \
            (cap["packets"], cap["bytes"])
        if ref is None:
            bad("%s: tshark cannot read it" % name)
            continue
        want = {key: {"linktype": lt, "frames": ref[0], "bytes": ref[1]}}
        got = {k: {"linktype": v["linktype"], "frames": v["frames"],
                   "bytes": v["bytes"]} for k, v in und.items()}
        if got != want or cap["packets"] != ref[0]:
            bad("%s: undissected %r, want %r (tshark: %d frames)" %
                (name, got, want, ref[0]))
        else:
            ok("%s: %d frames, %d bytes of %s undissected, as tshark "
               "counts them" % (name, ref[0], ref[1], key))
        rows = obj["panels"][0]["rows"]
        roots = {r["path"][0]: (r["frames"], r["bytes"]) for r in rows
                 if len(r["path"]) == 1}
        if encap is None:
            # tshark reads nothing; taptop counts, names nothing.
            if rows:
                bad("%s: protocols rows %r for a link type not named" %
                    (name, rows))
            else:
                ok("%s: no hierarchy (tshark cannot read the link type)"
                   % name)
            continue
        troots = tshark_roots(path)
        if root is None:
            # Deliberate: tshark's root is not the link type's own node.
            if rows or not troots or any(r in troots for r in roots):
                bad("%s: expected no node (tshark's root %r), got %r" %
                    (name, troots, rows))
            else:
                ok("%s: no node; tshark's root %r is not the link type"
                   " (deliberate)" % (name, sorted(troots)))
        elif set(troots) != {root} or roots != {root: (
                troots[root][0], troots[root][1] +
                PSEUDO_HEADER.get(lt, 0) * troots[root][0])}:
            bad("%s: hierarchy root %r, tshark %r" % (name, roots, troots))
        else:
            ok("%s: hierarchy root %s %r, as tshark" %
               (name, root, roots[root]))
        # The text header says it in one line.
        t = run([TAPTOP, "-r", path, "--batch", "--panel", "protocols"])
        m = re.search(r"^Not dissected: (\d+) frames?, (\d+) bytes of link "
                      r"type (\S+)", t.stdout.decode(), re.M)
        if m is None or (int(m.group(1)), int(m.group(2))) != ref or \
                m.group(3) != key:
            bad("%s: text header %r" % (name, t.stdout.decode()[:300]))
    # Ethernet: nothing undissected, no line.
    path = os.path.join(TRAFFIC, "example.pcap")
    p = run([TAPTOP, "-r", path, "--batch", "--json", "--panel",
             "protocols"])
    obj = json.loads(p.stdout.decode())
    t = run([TAPTOP, "-r", path, "--batch", "--panel", "protocols"])
    if obj["capture"]["undissected"] != {} or \
            obj["capture"]["error"] is not None or \
            "Not dissected" in t.stdout.decode():
        bad("example.pcap: undissected %r, error %r" %
            (obj["capture"]["undissected"], obj["capture"]["error"]))
    else:
        ok("example.pcap (Ethernet): undissected {}, error null")


def status_line(tmp):
    if shutil.which("tmux") is None:
        print("SKIP status line: tmux is missing")
        return
    sock = os.path.join(tmp, "tmux.sock")
    path = os.path.join(MALFORMED, "tcpdump-HDLC.pcap")
    tm = ["tmux", "-S", sock]
    for cols, want in ((200, r"38 frames of link type Cisco HDLC \(104\) "
                        r"not dissected"),
                       (80, r"38 frames not dissected \(C_HDLC\)")):
        # The server killed for the last width may still be exiting,
        # and a session asked of it then fails: ask again.
        for _ in range(20):
            r = subprocess.run(tm + ["new-session", "-d", "-x", str(cols),
                                     "-y", "30", "env", "LC_ALL=C.UTF-8",
                                     TAPTOP, "-r", path])
            if r.returncode == 0:
                break
            time.sleep(0.25)
        else:
            bad("status line at %d columns: tmux gives no session" % cols)
            continue
        screen = ""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            screen = subprocess.run(tm + ["capture-pane", "-p"],
                                    stdout=subprocess.PIPE).stdout.decode()
            if re.search(want, screen):
                break
            time.sleep(0.2)
        subprocess.run(tm + ["kill-server"], stderr=subprocess.DEVNULL)
        lines = screen.splitlines()[:2]
        if any(re.search(want, ln) for ln in lines):
            ok("status line at %d columns: %r" % (cols, want))
        else:
            bad("status line at %d columns lacks %r: %r" %
                (cols, want, lines))


def main():
    if shutil.which("tshark") is None or shutil.which("capinfos") is None:
        print("SKIP tshark or capinfos is missing")
        return 77
    tmp = tempfile.mkdtemp(prefix="taptop-missing-")
    try:
        bad_headers(tmp)
        unprivileged(tmp)
        undissected()
        status_line(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failed" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
