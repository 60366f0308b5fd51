#!/usr/bin/env python3
"""
The per-packet limits, seen from outside: a capture whose packets have more
field values than a packet's table holds (PACKET_FIELDS_MAX, 512) must say
so in the JSON `capture` object ("fields_dropped"), in the text report's
header and in the status line of the terminal interface; a capture that
hits no limit must show none of them (in the JSON, whose keys are always
there, every one is 0).

The capture is written here: NPKT Ethernet frames, each NEST IPv4 headers
one inside the other, each header carrying 40 NOP options, then UDP.  With
the display filter "ip.opt.type" only that field is recorded, once per
NOP: NEST * 40 values a packet, of which 512 fit.  So the count is known
exactly: NPKT * (NEST * 40 - 512).

The interface part runs taptop in a tmux server of its own and is skipped
(not failed) when tmux is missing.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
NEST = 16
NPKT = 3
FIELDS_MAX = 512
WANT = NPKT * (NEST * 40 - FIELDS_MAX)


def frame():
    udp = struct.pack(">HHHH", 33333, 44444, 8, 0)
    left = NEST * 60 + len(udp)
    out = bytes.fromhex("001122334455" "66778899aabb" "0800")
    for i in range(NEST):
        out += struct.pack(">BBHHHBBH4s4s", 0x4f, 0, left, 0, 0, 64,
                           17 if i == NEST - 1 else 4, 0,
                           bytes([10, 0, 0, i + 1]), bytes([10, 0, 1, i + 1]))
        out += b"\x01" * 40
        left -= 60
    return out + udp


def write_pcap(path, frames):
    with open(path, "wb") as fp:
        fp.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            fp.write(struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)))
            fp.write(f)


def run(*args):
    p = subprocess.run([TAPTOP] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def batch(pcap, fails):
    rc, out, err = run("-r", pcap, "--batch", "--json", "--panel", "summary",
                       "-Y", "ip.opt.type")
    cap = json.loads(out)["capture"] if rc == 0 else {}
    if rc != 0 or cap.get("fields_dropped") != WANT:
        fails.append("json: fields_dropped %r, want %d (exit %d: %s)" %
                     (cap.get("fields_dropped"), WANT, rc, err.strip()))
    elif cap.get("tap_queue_full") != 0 or cap.get("arena_full") != 0:
        fails.append("json: a limit that was not hit is not 0: %r" % cap)
    else:
        print("PASS json: fields_dropped %d" % WANT)

    rc, out, err = run("-r", pcap, "--batch", "--panel", "summary",
                       "-Y", "ip.opt.type")
    want = ("Per-packet limits hit: tap queue full 0  fields dropped %d  "
            "arena full 0" % WANT)
    # Capture:, Display filter:, Packets:, then the limits.
    if rc != 0 or out.splitlines()[3:4] != [want]:
        fails.append("text: fourth line %r, want %r" %
                     (out.splitlines()[3:4], want))
    else:
        print("PASS text: %s" % want)

    # Without the filter no field is recorded: nothing to drop.
    rc, out, err = run("-r", pcap, "--batch", "--json", "--panel", "summary")
    cap = json.loads(out)["capture"] if rc == 0 else {}
    keys = ("tap_queue_full", "fields_dropped", "arena_full")
    if rc != 0 or [cap.get(k) for k in keys] != [0, 0, 0]:
        fails.append("json without a filter: %r (exit %d)" % (cap, rc))
    else:
        print("PASS json without a filter: every limit key 0")
    rc, out, err = run("-r", pcap, "--batch", "--panel", "summary")
    if rc != 0 or "limits" in out:
        fails.append("text without a filter: %r (exit %d)" % (out, rc))
    else:
        print("PASS text without a filter: no limits line")


def tui(pcap, tmp, fails):
    if subprocess.run(["sh", "-c", "command -v tmux"],
                      stdout=subprocess.DEVNULL).returncode != 0:
        print("SKIP tui: tmux is not installed")
        return
    sock = [None]

    def tmux(*args):
        return subprocess.run(["tmux", "-S", sock[0]] + list(args),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode()

    def wait(pattern):
        # Up to 30 s: a sanitizer build on a loaded machine is slow.
        for _ in range(300):
            screen = tmux("capture-pane", "-t", "t", "-p")
            if pattern in screen:
                return screen
            time.sleep(0.1)
        return None

    try:
        for name, args, want in (
                ("filtered", ["-Y", "ip.opt.type"],
                 "limits hit: fields dropped %d" % WANT),
                ("unfiltered", [], None)):
            # A server of its own per case: a new session right after
            # kill-server can race the old server's exit.
            sock[0] = os.path.join(tmp, "tmux-%s.sock" % name)
            # Wide enough for the long forms beside the sparkline.
            tmux("new-session", "-d", "-s", "t", "-x", "220", "-y", "30",
                 "env", "LC_ALL=C.UTF-8", "LANG=C.UTF-8", TAPTOP, "-r",
                 pcap, *args)
            screen = wait("file finished")
            if screen is None:
                fails.append("tui %s: never finished; the screen:\n%s" %
                             (name, tmux("capture-pane", "-t", "t", "-p")))
            elif want is not None and want not in screen:
                fails.append("tui %s: no %r on the screen:\n%s" %
                             (name, want, screen))
            elif want is None and "limits" in screen:
                fails.append("tui %s: a limit shown:\n%s" % (name, screen))
            else:
                print("PASS tui %s: %s" % (name, want or "no limits shown"))
            tmux("send-keys", "-t", "t", "q")
            tmux("kill-server")
    finally:
        if sock[0] is not None:
            tmux("kill-server")


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no taptop binary at %s" % TAPTOP)
        return 1
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "nested.pcap")
        write_pcap(pcap, [frame()] * NPKT)
        batch(pcap, fails)
        tui(pcap, tmp, fails)
    for f in fails:
        print("FAIL %s" % f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
