#!/usr/bin/env python3
"""
The soak: `make soak` (not part of `make test`; about 8 minutes).

Two runs, each watched for memory that grows and for packets that go
missing:

  flood  10M TCP SYNs, each from a new source address and port, written
         as a pcap stream into `taptop -r - --batch --json --interval 1`
         with every panel open at --max-rows 20000.  Every packet must be
         counted (a pipe has no kernel drops).
  live   5 minutes of UDP on lo, to 40,000 distinct ports, captured by two
         taptops at once: a batch one (--interval 1, every panel) whose
         count must be what was sent less what the kernel dropped, and the
         interface in tmux, where panels are added with a filter, given
         another filter and closed every few seconds; its status line must
         show the packets sent (to its 3 significant digits) less its
         drops.  Needs root (or cap_net_raw) and tmux.

Drops on lo: the kernel hands a packet socket each loopback packet twice
(going out and coming in) and libpcap skips the outgoing copy, but the
kernel's drop count (what pcap_stats, tcpdump and taptop report) counts
both copies when its ring is full.  So on lo a lost packet adds one or two
drops, and an outgoing copy that did not fit adds one with nothing lost:
the check is sent - drops <= counted <= sent, and counted == sent when
nothing was dropped.

Memory: each taptop's RSS (/proc/PID/status) is sampled twice a second;
after a warm-up (the tables reaching their caps, the interface's history
ring filling) the largest sample must stay within 10% of the smallest.
The interface is the exception: its churn opens panels of different
sizes in turn, so its footprint follows the cycle; there the peak of each
cycle must stay within 10% of the first cycle's (memory must not climb).

SOAK_FLOOD=N and SOAK_LIVE_S=S shorten the runs (for trying the script);
the README's figures are from the full ones.
"""
import json
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
FLOOD = int(os.environ.get("SOAK_FLOOD", 10_000_000))
LIVE_S = float(os.environ.get("SOAK_LIVE_S", 300))
MAX_ROWS = 20000
RSS_SLACK = 0.10
LIVE_PORTS = 40000
PORT_BASE = 20000
LIVE_PPS = 10000

fails = 0


def ok(what):
    print("PASS " + what, flush=True)


def bad(what):
    global fails
    fails += 1
    print("FAIL " + what, flush=True)


def panels():
    out = subprocess.run([TAPTOP, "--list-panels"], capture_output=True,
                         text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class RssWatch(threading.Thread):
    """Samples a process's RSS with the time since the start."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], False
        self.t0 = time.monotonic()

    def run(self):
        while not self.stop:
            r = rss_kib(self.pid)
            if r is None:
                return
            self.samples.append((time.monotonic() - self.t0, r))
            time.sleep(0.5)

    def check(self, name, warm_s, end_s=float("inf")):
        """From warm_s to end_s (when the input ended: what the process
        frees on its way out is not its footprint)."""
        after = [r for t, r in self.samples if warm_s <= t <= end_s]
        if len(after) < 4:
            bad("%s: too few RSS samples after the warm-up (%d)" %
                (name, len(after)))
            return
        lo, hi = min(after), max(after)
        msg = ("%s: RSS after %.0f s of warm-up %.1f .. %.1f MiB "
               "(+%.1f%%, at most %d%%)" % (name, warm_s, lo / 1024,
                                             hi / 1024,
                                             100.0 * (hi - lo) / lo,
                                             RSS_SLACK * 100))
        (ok if hi <= lo * (1 + RSS_SLACK) else bad)(msg)
        # The curve, a sample every tenth of the run.
        step = max(1, len(self.samples) // 10)
        print("  RSS MiB by second: " + " ".join(
            "%.0fs:%.1f" % (t, r / 1024) for t, r in self.samples[::step]),
            flush=True)


def check_peaks(watch, name, warm_s, cycles):
    """For a process whose footprint follows a cycle (the interface, whose
    churn opens panels of different sizes in turn): the peak of each
    whole cycle (cycles: their start times) after the warm-up must stay
    within RSS_SLACK of the first one's, so memory does not climb from
    cycle to cycle."""
    peaks = []
    for a, b in zip(cycles, cycles[1:]):
        w = [r for u, r in watch.samples if a <= u < b]
        if a >= warm_s and w:
            peaks.append(max(w))
    if len(peaks) < 2:
        bad("%s: fewer than two cycles of churn after the warm-up" % name)
        return
    msg = ("%s: the peak RSS of each cycle of churn after %.0f s: %s MiB "
           "(the first + at most %d%%)" % (
               name, warm_s, " ".join("%.1f" % (p / 1024) for p in peaks),
               RSS_SLACK * 100))
    (ok if max(peaks[1:]) <= peaks[0] * (1 + RSS_SLACK) else bad)(msg)


# ---- flood ----

PCAP_HDR = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def syn_frames(n, out, mark=None):
    """n SYNs of 60 bytes, a new source address and port each, to four
    servers; one second of capture time per 100k packets.  mark, if
    given, is (count, event): the event is set once count were written."""
    rec = bytearray(16 + 60)
    # Ethernet, then IPv4 (total length 40, DF, TTL 64, TCP) up to its
    # addresses; the frame is padded to 60 bytes as on the wire.
    eth = bytes.fromhex("020000000001" "020000000002" "0800"
                        "45000028" "00004000" "40060000")
    rec[16:16 + len(eth)] = eth
    batch = bytearray()
    rnd = random.Random(11)
    for i in range(n):
        sec, usec = divmod(i * 10, 1_000_000)
        struct.pack_into("<IIII", rec, 0, 1_700_000_000 + sec, usec, 60,
                         60)
        src = 0x0a000000 | rnd.getrandbits(24)
        dst = 0xc0a80001 + (i & 3)
        struct.pack_into(">II", rec, 16 + 26, src, dst)
        struct.pack_into(">HHIIBBHHH", rec, 16 + 34,
                         1024 + rnd.getrandbits(15), 80, rnd.getrandbits(32),
                         0, 0x50, 0x02, 1024, 0, 0)
        batch += rec
        if len(batch) >= 1 << 20:
            out.write(batch)
            batch.clear()
            if mark is not None and i + 1 >= mark[0]:
                mark[1].set()
    out.write(batch)


def flood():
    if FLOOD <= 0:
        return
    cmd = [TAPTOP, "-r", "-", "--batch", "--json", "--interval", "1",
           "--max-rows", str(MAX_ROWS)]
    for p in panels():
        cmd += ["--panel", p]
    print("flood: %d SYNs into %s" % (FLOOD, " ".join(cmd[:8]) + " ..."),
          flush=True)
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.PIPE)
        watch = RssWatch(proc.pid)
        watch.start()
        t0 = time.monotonic()
        # Warm-up: the first tenth of the packets (the tables are full
        # after 20,000 flows); by packets, as the pace of a loaded machine
        # varies.
        warmed = threading.Event()
        warm_at = []
        threading.Thread(target=lambda: (warmed.wait(), warm_at.append(
            time.monotonic() - watch.t0)), daemon=True).start()
        try:
            proc.stdin.write(PCAP_HDR)
            syn_frames(FLOOD, proc.stdin, (FLOOD // 10, warmed))
            proc.stdin.close()
        except BrokenPipeError:
            pass
        fed = time.monotonic() - watch.t0
        err = proc.stderr.read().decode(errors="replace")
        rc = proc.wait()
        took = time.monotonic() - t0
        watch.stop = True
        out.seek(0)
        lines = out.read().decode(errors="replace").splitlines()
    if rc != 0:
        bad("flood: taptop exited %d: %s" % (rc, err.strip()[:300]))
        return
    last = json.loads(lines[-1])
    got = last["capture"]["packets"]
    (ok if got == FLOOD else bad)(
        "flood: %d of %d packets counted, %d snapshots, %.0f s "
        "(%.0fk pkt/s with the generator)" % (got, FLOOD, len(lines), took,
                                              FLOOD / took / 1000))
    watch.check("flood", warm_at[0] if warm_at else took, fed)


# ---- live ----

def sender(port_src, stop, sent):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port_src))
    payload = b"soak" * 8
    i, t0 = 0, time.monotonic()
    while not stop.is_set():
        # Paced in slices of 10 ms.
        due = int((time.monotonic() - t0) * LIVE_PPS)
        while i < due:
            try:
                s.sendto(payload, ("127.0.0.1",
                                   PORT_BASE + i % LIVE_PORTS))
            except OSError:
                # ECONNREFUSED from an earlier ICMP: the datagram went.
                pass
            i += 1
        time.sleep(0.01)
    sent.append(i)
    s.close()


def tmux(sock, *args):
    return subprocess.run(["tmux", "-S", sock] + list(args),
                          capture_output=True, text=True)


def screen(sock):
    return tmux(sock, "capture-pane", "-t", "soak", "-p").stdout


def wait_screen(sock, pattern, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if re.search(pattern, screen(sock)):
            return True
        time.sleep(0.2)
    return False


SI = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}


def status_packets(text):
    m = re.search(r"([0-9.,]+)([kMG]?) packets", text)
    if not m:
        return None
    return float(m.group(1).replace(",", "")) * SI[m.group(2)]


def live():
    if os.geteuid() != 0:
        print("live: SKIP (needs root for capture on lo)")
        return
    if shutil.which("tmux") is None:
        bad("live: tmux is not installed")
        return
    sport = 40000 + os.getpid() % 20000
    bpf = "udp and src port %d" % sport
    tmp = tempfile.mkdtemp(prefix="taptop-soak.")
    sock = os.path.join(tmp, "tmux.sock")
    every = []
    for p in panels():
        every += ["--panel", p]
    out = open(os.path.join(tmp, "batch.json"), "w+")
    batch = subprocess.Popen([TAPTOP, "-i", "lo", "-f", bpf, "--batch",
                              "--json", "--interval", "1", "--max-rows",
                              str(MAX_ROWS)] + every, stdout=out,
                             stderr=subprocess.PIPE)
    env = dict(os.environ, XDG_STATE_HOME=tmp, TERM="xterm-256color",
               LANG="C.UTF-8")
    tmux(sock, "-f", "/dev/null", "new-session", "-d", "-s", "soak", "-x",
         "160", "-y", "45")
    tmux(sock, "set-environment", "-t", "soak", "XDG_STATE_HOME", tmp)
    tmux(sock, "send-keys", "-t", "soak", "-l",
         "echo $$ >%s/shell; exec %s -i lo -f '%s' --history 16 "
         "--max-rows %d\n" % (tmp, TAPTOP, bpf, MAX_ROWS))
    if not wait_screen(sock, r"packets"):
        bad("live: the interface did not start:\n" + screen(sock))
        batch.kill()
        return
    tui_pid = int(open(os.path.join(tmp, "shell")).read())
    wb, wt = RssWatch(batch.pid), RssWatch(tui_pid)
    wb.start()
    wt.start()
    stop, sent = threading.Event(), []
    th = threading.Thread(target=sender, args=(sport, stop, sent))
    t0 = time.monotonic()
    th.start()
    kinds = ["conv.udp", "endpoints.udp", "ports", "plen", "conv.host",
             "protocols", "io"]
    step = 0
    print("live: %.0f s of %d pkt/s to %d ports; the interface adds, "
          "filters and closes panels every 3 s" % (LIVE_S, LIVE_PPS,
                                                    LIVE_PORTS), flush=True)
    cycles = []
    while time.monotonic() - t0 < LIVE_S:
        if step % (3 * len(kinds)) == 0:
            cycles.append(time.monotonic() - wt.t0)
        k = kinds[step % len(kinds)]
        lo = PORT_BASE + (step * 997) % LIVE_PORTS
        phase = step % 3
        if phase == 0:
            # a: the type menu; its letter jumps to the first type of
            # that letter, so walk down to the type with Down.
            tmux(sock, "send-keys", "-t", "soak", "a")
            time.sleep(0.3)
            tmux(sock, "send-keys", "-t", "soak", "Home")
            names = panels()
            for _ in range(names.index(k)):
                tmux(sock, "send-keys", "-t", "soak", "Down")
            tmux(sock, "send-keys", "-t", "soak", "Enter")
            time.sleep(0.3)
            tmux(sock, "send-keys", "-t", "soak", "-l",
                 "udp.dstport >= %d" % lo)
            tmux(sock, "send-keys", "-t", "soak", "Enter")
        elif phase == 1:
            tmux(sock, "send-keys", "-t", "soak", "/")
            time.sleep(0.3)
            tmux(sock, "send-keys", "-t", "soak", "C-u")
            tmux(sock, "send-keys", "-t", "soak", "-l",
                 "udp.dstport < %d" % (lo + 5000))
            tmux(sock, "send-keys", "-t", "soak", "Enter")
        else:
            tmux(sock, "send-keys", "-t", "soak", "x")
        step += 1
        time.sleep(3)
    stop.set()
    end_b, end_t = time.monotonic() - wb.t0, time.monotonic() - wt.t0
    th.join()
    time.sleep(3)	# the last packets through both
    text = screen(sock)
    tmux(sock, "send-keys", "-t", "soak", "q")
    batch.terminate()
    batch.wait(timeout=30)
    wb.stop = wt.stop = True
    n = sent[0]
    out.seek(0)
    lines = out.read().splitlines()
    cap = json.loads(lines[-1])["capture"]
    drops = cap.get("dropped") or 0
    got = cap["packets"]
    good = got == n if drops == 0 else n - drops <= got <= n
    (ok if good else bad)(
        "live, batch: %d counted of %d sent, %d dropped by the kernel "
        "(%d steps of panel churn in the interface)" % (got, n, drops,
                                                        step))
    shown = status_packets(text)
    m = re.search(r"kernel drops [0-9.]+% \(([0-9.,]+)([kMG]?) packet",
                  text)
    tdrops = float(m.group(1).replace(",", "")) * SI[m.group(2)] if m \
        else 0
    if shown is None:
        bad("live, interface: no packet count on the status line:\n" +
            text)
    else:
        # Three significant digits on screen; drops as above.
        good = abs(shown - n) <= max(n * 0.005, 1) if tdrops == 0 else \
            n - tdrops - n * 0.005 <= shown <= n * 1.005
        (ok if good else bad)(
            "live, interface: shows %.0f packets, %d sent less %.0f "
            "dropped" % (shown, n, tdrops))
    wb.check("live, batch", 60, end_b)
    cycles.append(end_t)
    check_peaks(wt, "live, interface", 60, cycles)
    tmux(sock, "kill-server")
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("soak: build taptop first (make)")
        return 1
    flood()
    live()
    print("soak: %s" % ("passed" if fails == 0 else "%d failed" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
