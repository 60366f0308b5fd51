#!/usr/bin/env python3
# e2e: serial (captures on lo, drives a terminal)
"""The privilege drop, seen from outside (core/privdrop.h).

As root (CI): a live capture on lo shows in /proc/PID/status a non-zero
Uid, no capability, NoNewPrivs 1 and Seccomp 2 while it counts traffic
this test sends to 127.0.0.1; the test build's hidden self-check tries
execve after the drop and is killed by SIGSYS; the spawn helper runs a
command after the drop and is itself unprivileged but unfiltered; every
panel works in batch mode after the drop, from a file and live; the
interface works after the drop, from a file (a panel added re-reads it:
a refill on the first descriptor) and live; --no-drop keeps uid 0;
-Z with an unknown user is one usage line and status 2.  As an
unprivileged user without capabilities, live capture keeps its clear
error.  Skipped (77) when not root.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
PCAP = os.path.join(ROOT, "..", "shared", "pcaps", "traffic", "example.pcap")

fails = 0


def check(ok, what, detail=""):
    global fails
    print(("PASS " if ok else "FAIL ") + what + ("" if ok or not detail else
                                                ": " + str(detail)))
    if not ok:
        fails += 1


def status_of(pid):
    """The lines of /proc/PID/status as a dict, or None once it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            return dict(line.rstrip("\n").split(":\t", 1) for line in f
                        if ":\t" in line)
    except OSError:
        return None


def wait_status(pid, key, want, tries=400):
    """Polls /proc/PID/status until key has the value want (the drop
    happens right after the capture opens, not at exec)."""
    st = None
    for _ in range(tries):
        st = status_of(pid)
        if st is None or st.get(key) == want:
            return st
        time.sleep(0.05)
    return st


def dropped(st):
    """What the drop promises, or the first thing that breaks it."""
    if st is None:
        return "the process is gone"
    uids = st["Uid"].split()
    if "0" in uids:
        return "Uid %s" % st["Uid"]
    if "0" in st["Gid"].split():
        return "Gid %s" % st["Gid"]
    for k in ("CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd"):
        if int(st[k], 16) != 0:
            return "%s %s" % (k, st[k])
    if st["NoNewPrivs"] != "1":
        return "NoNewPrivs %s" % st["NoNewPrivs"]
    if st["Seccomp"] != "2":
        return "Seccomp %s" % st["Seccomp"]
    return None


def send_udp(port, n, delay=0.5):
    def run():
        time.sleep(delay)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(n):
            s.sendto(b"x", ("127.0.0.1", port))
            time.sleep(0.01)
        s.close()
    t = threading.Thread(target=run)
    t.start()
    return t


def panels():
    out = subprocess.run([TAPTOP, "--list-panels"], capture_output=True,
                         text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def live_batch(port):
    """1. Live on lo: the drop seen in /proc while it counts."""
    p = subprocess.Popen([TAPTOP, "-i", "lo", "-f", "udp dst port %d" % port,
                          "--batch", "--json", "--duration", "3",
                          "--panel", "summary"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    st = wait_status(p.pid, "Seccomp", "2")
    t = send_udp(port, 5)
    why = dropped(st)
    check(why is None, "live on lo: uid, capabilities, no_new_privs, "
          "seccomp dropped", why)
    out, err = p.communicate(timeout=30)
    t.join()
    ok = p.returncode == 0
    try:
        ok = ok and json.loads(out)["capture"]["packets"] == 5
    except ValueError:
        ok = False
    check(ok, "live on lo after the drop: 5 datagrams counted",
          "rc %d %s %s" % (p.returncode, out[:200], err))


def self_check():
    """2. The test build's self-check: execve after the drop."""
    r = subprocess.run([TAPTOP, "-r", PCAP, "--batch", "--panel", "summary",
                        "--test-denied-syscall"], capture_output=True,
                       text=True, timeout=30)
    if "unrecognized" in r.stderr or "Unknown option" in r.stderr:
        print("SKIP self-check: not a test build (RELEASE=1)")
        return
    check(r.returncode == -signal.SIGSYS and "trying execve" in r.stderr,
          "self-check: execve after the drop is killed by SIGSYS",
          "rc %d, %s" % (r.returncode, r.stderr))


def spawn_helper(port):
    """3. The spawn helper: forked before the drop, unprivileged, no
    filter (it must execve), runs a command for the filtered process."""
    p = subprocess.Popen([TAPTOP, "-i", "lo", "-f", "udp dst port %d" % port,
                          "--batch", "--duration", "2", "--panel", "summary",
                          "--test-spawn"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    st = wait_status(p.pid, "Seccomp", "2")
    why = dropped(st)
    helper = None
    try:
        for line in open("/proc/%d/task/%d/children" % (p.pid, p.pid)):
            for pid in line.split():
                helper = int(pid)
    except OSError:
        pass
    # The helper drops on its own, right after its fork: wait for it
    # (its last step is no_new_privs), up to 5 s.
    hst = None
    for _ in range(100 if helper else 0):
        hst = status_of(helper)
        if hst is None or hst.get("NoNewPrivs") == "1":
            break
        time.sleep(0.05)
    out, err = p.communicate(timeout=30)
    check(why is None, "spawn: the main process is dropped", why)
    ok = hst is not None and "0" not in hst["Uid"].split() and \
        int(hst["CapEff"], 16) == 0 and int(hst["CapPrm"], 16) == 0 and \
        hst["NoNewPrivs"] == "1" and hst["Seccomp"] == "0"
    check(ok, "spawn: the helper has no uid 0, no capability, "
          "no_new_privs, and no filter", hst and {k: hst[k] for k in (
              "Name", "Uid", "CapEff", "NoNewPrivs", "Seccomp")})
    check(p.returncode == 0 and re.search(
        r"spawn helper %d: status 1 code 7" % (helper or -1), err),
        "spawn: a command run through the helper after the drop exits 7",
        "rc %d %s" % (p.returncode, err))
    time.sleep(0.2)
    gone = helper is not None and (status_of(helper) is None or
                                   status_of(helper)["State"][0] == "Z")
    check(gone, "spawn: the helper ends with taptop")


def every_panel(port):
    """4. Every panel in batch mode after the drop, from a file and live."""
    names = panels()
    args = []
    for n in names:
        args += ["--panel", n]
    r = subprocess.run([TAPTOP, "-r", PCAP, "--batch", "--json"] + args,
                       capture_output=True, text=True, timeout=120)
    ok = r.returncode == 0 and not r.stderr
    try:
        got = {q["panel"] for q in json.loads(r.stdout)["panels"]}
    except (ValueError, KeyError):
        got = set()
    # A composite (the overview) prints as its parts, under their names.
    missing = set(names) - got - {"overview"}
    check(ok and got and not missing, "every panel (%d) from a file after "
          "the drop" % len(names), "rc %d missing %s %s" % (
              r.returncode, sorted(missing), r.stderr[:300]))
    p = subprocess.Popen([TAPTOP, "-i", "lo", "--batch", "--json",
                          "--duration", "2"] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    t = send_udp(port, 20)
    st = wait_status(p.pid, "Seccomp", "2")
    out, err = p.communicate(timeout=60)
    t.join()
    try:
        pk = json.loads(out)["capture"]["packets"]
    except (ValueError, KeyError):
        pk = -1
    check(dropped(st) is None and p.returncode == 0 and pk >= 20 and not err,
          "every panel live on lo after the drop",
          "rc %d packets %d %s %s" % (p.returncode, pk, dropped(st), err))


def no_drop():
    """5. --no-drop keeps root, and -Z with no such user is a usage error."""
    p = subprocess.Popen([TAPTOP, "-i", "lo", "--batch", "--duration", "1",
                          "--panel", "summary", "--no-drop"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    time.sleep(0.5)
    st = status_of(p.pid)
    p.communicate(timeout=30)
    check(st is not None and st["Uid"].split()[0] == "0" and
          st["Seccomp"] == "0" and p.returncode == 0,
          "--no-drop keeps uid 0 and no filter", st and st["Uid"])
    r = subprocess.run([TAPTOP, "-r", PCAP, "--batch", "-Z",
                        "nosuchuser-taptop"], capture_output=True, text=True,
                       timeout=30)
    lines = r.stderr.splitlines()
    check(r.returncode == 2 and len(lines) == 1 and
          "nosuchuser-taptop" in lines[0] and r.stdout == "",
          "-Z with an unknown user: one line, status 2",
          "rc %d %r" % (r.returncode, r.stderr))
    r = subprocess.run([TAPTOP, "-r", PCAP, "--batch", "-Z", "nobody",
                        "--no-drop"], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 2 and len(r.stderr.splitlines()) == 1,
          "-Z with --no-drop: a usage error", r.stderr)


def unprivileged():
    """6. Not root, no capabilities: live capture's clear message."""
    if shutil.which("setpriv") is None:
        print("SKIP unprivileged: no setpriv")
        return
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", TAPTOP, "-i", "lo", "--batch",
                        "--duration", "1"], capture_output=True, text=True,
                       timeout=30)
    lines = r.stderr.splitlines()
    check(r.returncode == 1 and len(lines) == 1 and
          lines[0].startswith("taptop: ") and "lo" in lines[0],
          "unprivileged: live capture fails with one clear line",
          "rc %d %r" % (r.returncode, r.stderr))
    # A file works, and the drop (capabilities, filter) applies too.
    r = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                        "--clear-groups", TAPTOP, "-r", PCAP, "--batch",
                        "--panel", "summary", "--test-denied-syscall"],
                       capture_output=True, text=True, timeout=30)
    if "trying execve" in r.stderr:
        check(r.returncode == -signal.SIGSYS,
              "unprivileged: the filter is installed too (SIGSYS)",
              "rc %d %s" % (r.returncode, r.stderr))


class Tmux:
    def __init__(self, tmp):
        self.sock = os.path.join(tmp, "tmux.sock")
        self.tmp = tmp

    def T(self, *args, **kw):
        return subprocess.run(["tmux", "-S", self.sock] + list(args),
                              capture_output=True, text=True, **kw)

    def start(self, name, args):
        d = os.path.join(self.tmp, name)
        os.mkdir(d)
        script = os.path.join(d, "run.sh")
        with open(script, "w") as f:
            f.write('echo $$ >"%s/pid"; exec "$@" 2>"%s/stderr"\n' % (d, d))
        # A session that has just ended takes the server with it, and a
        # new session asked for meanwhile fails ("server exited
        # unexpectedly"): ask again.
        for _ in range(20):
            r = self.T("new-session", "-d", "-s", name, "-x", "120", "-y",
                       "30", "env", "LC_ALL=C.UTF-8", "XDG_STATE_HOME=" + d,
                       "sh", script, TAPTOP, *args)
            if r.returncode == 0:
                break
            time.sleep(0.25)
        # Up to 30 s: tmux and the shell start slowly on a loaded machine.
        for _ in range(600):
            try:
                return int(open(os.path.join(d, "pid")).read())
            except (OSError, ValueError):
                time.sleep(0.05)
        raise RuntimeError("tmux session %s never started: %s" % (
            name, self.screen(name)))

    def screen(self, name):
        return self.T("capture-pane", "-t", name, "-p").stdout

    def wait(self, name, pattern, tries=100):
        for _ in range(tries):
            if re.search(pattern, self.screen(name), re.M):
                return True
            time.sleep(0.1)
        return False

    def keys(self, name, *k):
        self.T("send-keys", "-t", name, *k)


def interface(port):
    """7. The interface after the drop: a file with a refill, and live."""
    if shutil.which("tmux") is None:
        print("SKIP interface: no tmux")
        return
    tmp = tempfile.mkdtemp(prefix="taptop-privdrop.")
    t = Tmux(tmp)
    try:
        pid = t.start("file", ["-r", PCAP, "--panel", "summary"])
        st = wait_status(pid, "Seccomp", "2")
        check(dropped(st) is None, "interface, file: dropped", dropped(st))
        check(t.wait("file", "file finished"), "interface, file: read to "
              "its end after the drop", t.screen("file"))
        # A panel added re-reads the file: the first descriptor, pread.
        names = panels()
        t.keys("file", "a")
        t.wait("file", "Add a panel")
        t.keys("file", "Home")
        for _ in range(names.index("conv.tcp")):
            t.keys("file", "Down")
        t.keys("file", "Enter")
        t.wait("file", "New conv.tcp panel, filter")
        t.keys("file", "Enter")
        ok = t.wait("file", r"2 conv\.tcp") and \
            t.wait("file", r"(?i)refill|conv\.tcp") and \
            not t.wait("file", r"(?i)cannot read .* again", 10)
        check(ok and status_of(pid) is not None,
              "interface, file: a panel added refills after the drop",
              t.screen("file"))
        t.keys("file", "q")
        err = open(os.path.join(tmp, "file", "stderr")).read()
        check("cannot read" not in err and "Sanitizer" not in err,
              "interface, file: nothing on stderr", err)

        pid = t.start("live", ["-i", "lo", "-f", "udp dst port %d" % port,
                               "--panel", "summary"])
        st = wait_status(pid, "Seccomp", "2")
        check(dropped(st) is None, "interface, live on lo: dropped",
              dropped(st))
        th = send_udp(port, 7, 0.2)
        th.join()
        check(t.wait("live", r"\b7\b"), "interface, live on lo: counts 7 "
              "datagrams after the drop", t.screen("live"))
        t.keys("live", "q")
        time.sleep(0.3)
        check(status_of(pid) is None or
              status_of(pid)["State"][0] == "Z",
              "interface, live: q ends it")
    finally:
        t.T("kill-server")
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if os.geteuid() != 0:
        print("SKIP: the privilege drop is tested as root")
        return 77
    if not os.access(TAPTOP, os.X_OK) or not os.path.exists(PCAP):
        print("FAIL: no taptop at %s or no %s" % (TAPTOP, PCAP))
        return 1
    port = 20000 + os.getpid() % 20000
    live_batch(port)
    self_check()
    spawn_helper(port + 1)
    every_panel(port + 2)
    no_drop()
    unprivileged()
    interface(port + 3)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
