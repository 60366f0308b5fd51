#!/usr/bin/env python3
# e2e: serial (captures on lo)
"""
Standard input, pipes and FIFOs, stopping, and the rates of a replay.

- Stopping while the reader waits: a writer sends a capture's header and
  three packets, then sleeps for minutes.  q (in the interface), SIGINT
  and SIGTERM (in the interface and in --batch) must end taptop while the
  writer still sleeps; so must SIGTERM while taptop still waits for the
  header, and while it reads a FIFO.  Nothing waits a fixed time: each
  check polls for taptop's exit, up to a generous bound, and then asks
  whether the writer is still there.
- Stopping while the output waits: batch output into a pipe nobody reads
  (a pager left open), then SIGTERM: taptop ends, with status 143.
- Nothing is lost or reordered on the way: the same capture read from a
  file, a pipe, a FIFO and a writer that dribbles it out in odd chunks
  with pauses gives the same panels.
- A terminal on standard input is refused with one line and exit 2, in the
  interface and in --batch (the pane's terminal is standard input).
- The status line's "now" rates are in capture time: a capture written
  here at a known constant rate (500 packets/s of 1000 bytes: 500 pkt/s
  and 4.00 Mb/s) reads the same at --speed 1 and --speed 4.
- --speed with a live capture is a usage error; the setcap advice of a
  capture without the permission names the binary's real path.

The interface parts run taptop in tmux servers of their own and are
skipped (not failed) when tmux is missing.
"""

import fcntl
import json
import os
import re
import shlex
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
TAPTOP = os.path.abspath(os.environ.get(
    "TAPTOP", os.path.join(ROOT, "build", "taptop")))
PCAPS = os.path.join(ROOT, "..", "shared", "pcaps")
EXAMPLE = os.path.join(PCAPS, "traffic", "example.pcap")
PCAPNG = os.path.join(PCAPS, "odd", "many_interfaces-1.pcapng")
# How long a check waits for something that should take well under a
# second: generous, for sanitizer builds on a loaded machine.
BOUND = 20.0
# The rate capture: RATE_PPS packets a second of RATE_LEN bytes.
RATE_PPS = 500
RATE_LEN = 1000
RATE_SECONDS = 20

fails = []


def ok(msg):
    print("PASS %s" % msg)


def bad(msg):
    print("FAIL %s" % msg)
    fails.append(msg)


def udp_frame(i, length):
    """An Ethernet/IPv4/UDP frame of length bytes, 127.0.0.1 to itself."""
    payload = length - 14 - 20 - 8
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + 8 + payload, i & 0xffff,
                     0, 64, 17, 0, bytes([127, 0, 0, 1]),
                     bytes([127, 0, 0, 1]))
    udp = struct.pack(">HHHH", 40000, 9, 8 + payload, 0)
    return (bytes.fromhex("000000000000" "000000000000" "0800") + ip + udp +
            bytes(payload))


def pcap_header():
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def pcap_record(sec, usec, frame):
    return struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame


def write_rate_pcap(path):
    step = 1000000 // RATE_PPS
    with open(path, "wb") as fp:
        fp.write(pcap_header())
        for i in range(RATE_PPS * RATE_SECONDS):
            t = i * step
            fp.write(pcap_record(1700000000 + t // 1000000, t % 1000000,
                                 udp_frame(i, RATE_LEN)))


def write_writer(tmp):
    """A writer: the header and three packets to stdout (or a FIFO given
    as its argument), then a long sleep; its pid in the file named by
    $WRITER_PID.  NOHEADER=1: nothing at all before the sleep."""
    path = os.path.join(tmp, "writer.py")
    head = pcap_header() + b"".join(
        pcap_record(1700000000, i * 1000, udp_frame(i, 100))
        for i in range(3))
    with open(path, "w") as fp:
        fp.write("""import os, sys, time
if os.environ.get("WRITER_PID"):
    with open(os.environ["WRITER_PID"], "w") as f:
        f.write(str(os.getpid()))
out = open(sys.argv[1], "wb") if len(sys.argv) > 1 else sys.stdout.buffer
if not os.environ.get("NOHEADER"):
    out.write(bytes.fromhex(%r))
    out.flush()
time.sleep(600)
""" % head.hex())
    return path


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(cond, bound=BOUND):
    end = time.monotonic() + bound
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def threads(pid):
    try:
        return len(os.listdir("/proc/%d/task" % pid))
    except OSError:
        return 0


# ---- stopping in batch mode ----------------------------------------------

def batch_stop(tmp, writer):
    cases = (("SIGINT, reader waiting on a pipe", signal.SIGINT, False, False),
             ("SIGTERM, reader waiting on a pipe", signal.SIGTERM, False,
              False),
             ("SIGTERM, reader waiting on a FIFO", signal.SIGTERM, False,
              True),
             ("SIGTERM, no header yet", signal.SIGTERM, True, False))
    for name, sig, noheader, fifo in cases:
        env = dict(os.environ, NOHEADER="1" if noheader else "")
        args = [TAPTOP, "--batch", "--panel", "summary"]
        if fifo:
            path = os.path.join(tmp, "fifo-batch")
            if os.path.exists(path):
                os.unlink(path)
            os.mkfifo(path)
            w = subprocess.Popen([sys.executable, writer, path], env=env)
            t = subprocess.Popen(args + ["-r", path],
                                 stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
        else:
            w = subprocess.Popen([sys.executable, writer], env=env,
                                 stdout=subprocess.PIPE)
            t = subprocess.Popen(args + ["-r", "-"], stdin=w.stdout,
                                 stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE)
            w.stdout.close()
        try:
            # The header read (main thread), or the capture thread's wait.
            if noheader:
                time.sleep(0.3)
            else:
                wait_until(lambda: threads(t.pid) >= 2)
            t.send_signal(sig)
            gone = wait_until(lambda: t.poll() is not None)
            writer_alive = w.poll() is None
            if not gone:
                bad("batch %s: taptop still runs %g s after the signal" %
                    (name, BOUND))
                t.kill()
            out, err = t.communicate(timeout=BOUND)
            out, err = out.decode(), err.decode()
            if not gone:
                continue
            if not writer_alive:
                bad("batch %s: taptop ended only with the writer" % name)
            elif noheader:
                if t.returncode == 1 and "interrupted" in err and \
                        err.count("\n") == 1:
                    ok("batch %s: ends, saying %r" % (name, err.strip()))
                else:
                    bad("batch %s: exit %d, stderr %r" %
                        (name, t.returncode, err))
            elif t.returncode != 0 or "Packets: 3 " not in out:
                bad("batch %s: exit %d, report %r, stderr %r" %
                    (name, t.returncode, out, err))
            else:
                ok("batch %s: ends at once with the 3 packets read" % name)
        finally:
            for p in (t, w):
                if p.poll() is None:
                    p.kill()
                p.wait()


def blocked_output():
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, 1031, 4096)          # F_SETPIPE_SZ: one page
    except OSError as e:
        print("SKIP blocked output: %s" % e)
        return
    t = subprocess.Popen([TAPTOP, "-r", EXAMPLE, "--batch", "--json"],
                         stdin=subprocess.DEVNULL, stdout=w,
                         stderr=subprocess.PIPE)
    os.close(w)
    try:
        # The report (21 kB) fills the pipe: taptop waits to write.
        def full():
            b = bytearray(4)
            fcntl.ioctl(r, 0x541B, b)       # FIONREAD
            return int.from_bytes(b, sys.byteorder) >= 4096
        if not wait_until(full):
            bad("blocked output: the pipe never filled")
            return
        t.send_signal(signal.SIGTERM)
        gone = wait_until(lambda: t.poll() is not None)
        if not gone:
            bad("blocked output: SIGTERM did not end taptop in %g s" % BOUND)
        elif t.returncode != 128 + signal.SIGTERM:
            bad("blocked output: exit %d, want %d" %
                (t.returncode, 128 + signal.SIGTERM))
        else:
            ok("blocked output: SIGTERM ends taptop (exit 143)")
    finally:
        # Drained, an older taptop can finish.
        while t.poll() is None:
            try:
                os.read(r, 65536)
            except OSError:
                break
        os.close(r)
        t.wait()


# ---- nothing lost on the way ---------------------------------------------

DRIBBLE = r"""
import random, sys, time
data = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb", buffering=0) if len(sys.argv) > 2 \
    else sys.stdout.buffer
rnd = random.Random(8)
off = 0
n = 0
while off < len(data):
    k = rnd.choice((1, 3, 7, 16, 23, 100, 1500, 4096, 65536, 300000))
    out.write(data[off:off + k])
    out.flush()
    off += k
    n += 1
    # Longer than the reader's poll slice now and then, mid-record.
    if n % 40 == 0:
        time.sleep(0.12)
out.close()
"""


def panels_of(out):
    doc = json.loads(out)
    del doc["capture"]["source"]
    return doc


def no_loss(tmp):
    dribble = os.path.join(tmp, "dribble.py")
    with open(dribble, "w") as fp:
        fp.write(DRIBBLE)
    args = [TAPTOP, "--batch", "--json", "--panel", "summary", "--panel",
            "protocols", "--panel", "conv.tcp", "--panel", "endpoints.ip"]
    for src in (EXAMPLE, PCAPNG):
        name = os.path.basename(src)
        ref = subprocess.run(args + ["-r", src], stdout=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, timeout=120)
        if ref.returncode != 0:
            bad("%s: the file itself: exit %d" % (name, ref.returncode))
            continue
        want = panels_of(ref.stdout)
        for how in ("pipe", "dribbled pipe", "FIFO", "dribbled FIFO"):
            fifo = os.path.join(tmp, "fifo-data")
            if "FIFO" in how:
                if os.path.exists(fifo):
                    os.unlink(fifo)
                os.mkfifo(fifo)
            if "dribbled" in how:
                wcmd = [sys.executable, dribble, src]
            else:
                wcmd = ["sh", "-c", 'exec cat "$1" >"${2:-/dev/stdout}"',
                        "sh", src]
            if "FIFO" in how:
                # The writer opens the FIFO itself, as tcpdump -w would.
                w = subprocess.Popen(wcmd + [fifo])
                t = subprocess.run(args + ["-r", fifo],
                                   stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=300)
            else:
                w = subprocess.Popen(wcmd, stdout=subprocess.PIPE)
                t = subprocess.run(args + ["-r", "-"], stdin=w.stdout,
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, timeout=300)
                w.stdout.close()
            w.wait()
            if t.returncode != 0:
                bad("%s through a %s: exit %d: %s" %
                    (name, how, t.returncode, t.stderr.decode().strip()))
            elif panels_of(t.stdout) != want:
                bad("%s through a %s: the panels differ from the file's" %
                    (name, how))
            else:
                ok("%s through a %s: the same panels as the file (%d "
                   "packets)" % (name, how, want["capture"]["packets"]))


# ---- batch options -------------------------------------------------------

def options(tmp):
    p = subprocess.run([TAPTOP, "-i", "lo", "--speed", "2", "--batch",
                        "-c", "1", "--duration", "1"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    err = p.stderr.decode()
    if p.returncode == 2 and err.startswith("taptop: ") and \
            "--speed" in err and err.count("\n") == 1 and not p.stdout:
        ok("--speed with -i: usage error, %r" % err.strip())
    else:
        bad("--speed with -i: exit %d, stdout %r, stderr %r" %
            (p.returncode, p.stdout.decode()[:200], err))

    # The setcap advice: run without the capture permission, through a
    # symbolic link, and expect the binary's resolved path.
    real = os.path.realpath(TAPTOP)
    link = os.path.join(tmp, "linkdir", "tt")
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(TAPTOP, link)
    cmd = [link, "-i", "lo", "--batch", "-c", "1", "--duration", "1"]
    if os.geteuid() == 0:
        os.chmod(tmp, 0o755)
        os.chmod(os.path.dirname(link), 0o755)
        cmd = ["setpriv", "--reuid=65534", "--regid=65534",
               "--clear-groups", "--inh-caps=-all",
               "--bounding-set=-all"] + cmd
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, cwd="/")
    except OSError as e:
        print("SKIP setcap advice: %s" % e)
        return
    err = p.stderr.decode()
    if "permission denied" not in err:
        print("SKIP setcap advice: the capture was allowed (%r)" %
              err.strip())
    elif re.search(r"setcap \S+ %s$" % re.escape(shlex.quote(real)),
                   err.strip()):
        ok("setcap advice names %s: %r" % (real, err.strip()))
    else:
        bad("setcap advice does not name %s: %r" % (real, err.strip()))


# ---- the interface -------------------------------------------------------

class Tmux:
    def __init__(self, tmp, name):
        self.sock = os.path.join(tmp, "tmux-%s.sock" % name)
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir, exist_ok=True)

    def __call__(self, *args):
        return subprocess.run(["tmux", "-S", self.sock] + list(args),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode()

    def start(self, shell_cmd, cols=132):
        """Runs shell_cmd in a pane, with $DIR set; the pane stays (and
        says how the command ended) afterwards."""
        script = os.path.join(self.dir, "run.sh")
        with open(script, "w") as fp:
            fp.write("trap : INT\n%s\necho \"EXITED $?\"\nexec sleep 600\n"
                     % shell_cmd)
        self("new-session", "-d", "-s", "t", "-x", str(cols), "-y", "30",
             "env", "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "DIR=" + self.dir,
             "TAPTOP=" + TAPTOP, "sh", script)

    def screen(self):
        return self("capture-pane", "-t", "t", "-p")

    def wait(self, pattern, bound=BOUND):
        found = [None]

        def look():
            s = self.screen()
            m = re.search(pattern, s)
            if m:
                found[0] = m
            return m is not None
        wait_until(look, bound)
        return found[0]

    def pid(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def close(self):
        self("kill-server")


def have_tmux():
    return subprocess.run(["sh", "-c", "command -v tmux"],
                          stdout=subprocess.DEVNULL).returncode == 0


def tui_stop(tmp, writer):
    for name, how in (("q", "q"), ("SIGINT", signal.SIGINT),
                      ("SIGTERM", signal.SIGTERM)):
        tm = Tmux(tmp, "stop-%s" % name)
        try:
            # The writer in the background: the pipeline ends with
            # taptop, and the pane says so, while the writer sleeps on.
            tm.start('{ WRITER_PID="$DIR/wpid" %s %s & } | sh -c \'echo '
                     '$$ >"$DIR/pid"; exec "$TAPTOP" -r - '
                     '2>"$DIR/stderr"\''
                     % (shlex.quote(sys.executable), shlex.quote(writer)))
            # "pkts" when the status line is short of room (the
            # sparkline takes what is left).
            if tm.wait(r"\b3 (packets|pkts)\b") is None:
                bad("tui %s: the interface never showed the 3 packets:\n%s"
                    % (name, tm.screen()))
                continue
            pid, wpid = tm.pid("pid"), tm.pid("wpid")
            if how == "q":
                tm("send-keys", "-t", "t", "q")
            else:
                os.kill(pid, how)
            gone = wait_until(lambda: not alive(pid))
            writer_alive = wpid is not None and alive(wpid)
            if not gone:
                bad("tui %s: taptop still runs %g s later:\n%s" %
                    (name, BOUND, tm.screen()))
            elif not writer_alive:
                bad("tui %s: taptop ended only with the writer" % name)
            elif tm.wait(r"EXITED 0") is None:
                bad("tui %s: exit status:\n%s" % (name, tm.screen()))
            else:
                ok("tui %s: ends while the writer still sleeps" % name)
        finally:
            wpid = tm.pid("wpid")
            if wpid is not None and alive(wpid):
                os.kill(wpid, signal.SIGKILL)
            tm.close()


def tui_tty(tmp):
    msg = "taptop: standard input is a terminal; pipe a capture into it"
    for name, extra in (("interface", ""), ("batch", " --batch")):
        tm = Tmux(tmp, "tty-%s" % name)
        try:
            tm.start('"$TAPTOP" -r -%s' % extra)
            m = tm.wait(r"EXITED (\d+)")
            screen = tm.screen()
            if m is None:
                bad("tty %s: taptop did not end:\n%s" % (name, screen))
                tm("send-keys", "-t", "t", "C-c")
            elif m.group(1) != "2" or msg not in screen:
                bad("tty %s: exit %s, screen:\n%s" % (name, m.group(1),
                                                     screen))
            else:
                ok("tty %s: %r, exit 2" % (name, msg))
        finally:
            tm.close()


NUM = r"([0-9.]+)([kMG]?)"  # "500", "1.50k"
BITS = r"([0-9.]+) ([kMG]?)b/s"  # "4.00 Mb/s"


def number(value, unit):
    return float(value) * {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}[unit]


def tui_rates(tmp):
    pcap = os.path.join(tmp, "rate.pcap")
    write_rate_pcap(pcap)
    want_pps = float(RATE_PPS)
    want_bps = float(RATE_PPS * RATE_LEN * 8)
    seen = {}
    for speed in ("1", "4"):
        tm = Tmux(tmp, "rate-%s" % speed)
        try:
            tm.start('exec "$TAPTOP" -r %s --speed %s -d 0.2 '
                     '--panel summary' % (shlex.quote(pcap), speed),
                     cols=200)
            # At least 3 s of the capture replayed, so that the 2 s window
            # lies inside it.
            pat = (r"([0-9.]+k) packets +%s pkt/s \(avg %s\) +%s "
                   r"\(avg %s\)" % (NUM, NUM, BITS, BITS))

            def enough():
                m = re.search(pat, tm.screen())
                return m is not None and number(m.group(1)[:-1], "k") >= \
                    3 * RATE_PPS

            if not wait_until(enough, 60):
                bad("rates at --speed %s: no status line with 1.5k packets "
                    "or more:\n%s" % (speed, tm.screen()))
                continue
            m = re.search(pat, tm.screen())
            pps = number(m.group(2), m.group(3))
            bps = number(m.group(6), m.group(7))
            seen[speed] = (pps, bps)
            # The display keeps three digits: 1% is its rounding and the
            # replay's granularity, far from a factor of 4.
            if abs(pps - want_pps) > want_pps * 0.01 or \
                    abs(bps - want_bps) > want_bps * 0.01:
                bad("rates at --speed %s: now %g pkt/s and %g b/s, want "
                    "%g and %g:\n%s" % (speed, pps, bps, want_pps, want_bps,
                                        m.group(0)))
            else:
                ok("rates at --speed %s: %r" % (speed, m.group(0)))
        finally:
            tm.close()
    if len(seen) == 2:
        a, b = seen["1"], seen["4"]
        if abs(a[0] - b[0]) > want_pps * 0.01 or \
                abs(a[1] - b[1]) > want_bps * 0.01:
            bad("rates differ between --speed 1 %r and --speed 4 %r" % (a, b))
        else:
            ok("rates at --speed 1 and 4 agree")


def main():
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no taptop binary at %s" % TAPTOP)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        writer = write_writer(tmp)
        batch_stop(tmp, writer)
        blocked_output()
        no_loss(tmp)
        options(tmp)
        if have_tmux():
            tui_stop(tmp, writer)
            tui_tty(tmp)
            tui_rates(tmp)
        else:
            print("SKIP interface: tmux is not installed")
    for f in fails:
        print("FAIL %s" % f.splitlines()[0])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
