#!/usr/bin/env python3
# e2e: serial (binds ports on 127.0.0.1, runs a Prometheus server)
"""The Prometheus endpoint (--metrics, core/metrics.h), with real parts.

promtool accepts a scrape of several panels, one of them fed an HTTP Host
with a quote, a backslash and a byte that is not UTF-8 (a capture the
test writes); a Prometheus server started here scrapes taptop --daemon
reading a capture at --speed 1 and its query API comes to the packet
count that `taptop --batch --json` gives for the same file; a wrong path
is 404, a POST 405; a thousand connections at once are refused past the
cap and the server serves again once they are gone; a bare port listens
on 127.0.0.1 only; a bad address is one usage line (status 2), a port in
use one line (status 1).  As root (CI) the daemon runs after the
privilege drop (Seccomp 2 in /proc/PID/status), and with --no-drop.
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
PCAPS = os.path.join(ROOT, "..", "shared", "pcaps", "traffic")
PACED = os.path.join(PCAPS, "ipv6-http-streams.pcap")	# 81 packets, 3.9 s

fails = 0


def check(ok, what, detail=""):
    global fails
    print(("PASS " if ok else "FAIL ") + what + ("" if ok or not detail else
                                                ": " + str(detail)[:2000]))
    if not ok:
        fails += 1


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def http(url, method="GET", timeout=5):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def wait_serving(port, proc, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end and proc.poll() is None:
        try:
            return http("http://127.0.0.1:%d/metrics" % port)
        except OSError:
            time.sleep(0.1)
    return None, None


def start(args):
    return subprocess.Popen([TAPTOP] + args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_packet(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(
        "!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                     0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp


def write_quoted_http(path):
    """A TCP connection whose request has Host: we"i\\rd\\xff.example."""
    c, s = "10.0.0.1", "10.0.0.2"
    req = (b"GET /a\"b HTTP/1.1\r\nHost: we\"i\\rd\xff.example\r\n"
           b"User-Agent: x\r\n\r\n")
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    pkts = [tcp_packet(c, s, 40000, 80, 100, 0, 0x02),
            tcp_packet(s, c, 80, 40000, 500, 101, 0x12),
            tcp_packet(c, s, 40000, 80, 101, 501, 0x10),
            tcp_packet(c, s, 40000, 80, 101, 501, 0x18, req),
            tcp_packet(s, c, 80, 40000, 501, 101 + len(req), 0x18, resp)]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)))
            f.write(p)


def batch_packets(path):
    r = subprocess.run([TAPTOP, "-r", path, "--batch", "--json",
                        "--panel", "summary"], capture_output=True,
                       text=True, timeout=60)
    return json.loads(r.stdout)["capture"]["packets"]


def promtool_ok(text, what):
    r = subprocess.run(["promtool", "check", "metrics"], input=text,
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "promtool check metrics: " + what,
          r.stdout + r.stderr)


def test_exposition(tmp):
    quoted = os.path.join(tmp, "quoted.pcap")
    write_quoted_http(quoted)
    port = free_port()
    p = start(["-r", quoted, "--daemon", "--metrics", str(port),
               "--panel", "http", "--panel", "conv.tcp", "--panel",
               "protocols", "--panel", "endpoints.ip", "--panel",
               "conv.tcp:tcp.port == 80", "--panel", "summary",
               "--panel", "io"])
    st, text = wait_serving(port, p)
    time.sleep(0.5)     # the file is read to its end
    st, text = http("http://127.0.0.1:%d/metrics" % port)
    check(st == 200, "a scrape is 200", st)
    promtool_ok(text, "panels with a quoted Host")
    check('we\\"i\\\\rd\ufffd.example' in text,
          "the Host's quote, backslash and bad byte are escaped",
          [l for l in text.splitlines() if "example" in l])
    check("taptop_capture_packets_total 5\n" in text, "the capture's total",
          text[:400])
    check('taptop_conv_tcp_bytes_total{a="10.0.0.1",b="10.0.0.2",'
          'a_port="40000",b_port="80",filter="tcp.port == 80",' in text,
          "a panel's row with its keys and filter as labels")
    check(text.count("# TYPE taptop_conv_tcp_bytes_total counter") == 1,
          "one TYPE line for two conv.tcp panels")
    check("taptop_io_" not in text, "the io time series is left out")
    check("taptop_totals_packets_total{" in text,
          "the summary panel is taptop_totals_*")
    check(http("http://127.0.0.1:%d/nope" % port)[0] == 404,
          "a wrong path is 404")
    check(http("http://127.0.0.1:%d/metrics" % port, "POST")[0] == 405,
          "a POST is 405")
    rc, out, err = stop(p)
    check(rc == 0 and out == "", "--daemon ends on SIGTERM, silently",
          (rc, out, err))


def test_rows_cap(tmp):
    port = free_port()
    p = start(["-r", os.path.join(PCAPS, "synscan.pcap"), "--daemon",
               "--metrics", "127.0.0.1:%d" % port, "--metrics-rows", "5",
               "--panel", "conv.tcp"])
    wait_serving(port, p)
    time.sleep(1)
    st, text = http("http://127.0.0.1:%d/metrics" % port)
    rows = [l for l in text.splitlines()
            if l.startswith("taptop_conv_tcp_frames_total{")]
    other = [l for l in rows if 'other="true"' in l]
    check(len(rows) == 6 and len(other) == 1,
          "--metrics-rows 5: a port scan gives 5 series and other", rows)
    total = sum(int(l.rsplit(" ", 1)[1]) for l in rows)
    check(total == batch_packets(os.path.join(PCAPS, "synscan.pcap")),
          "the series and other add up to every frame", total)
    promtool_ok(text, "a capped port scan")
    stop(p)


def test_flood_and_loopback(tmp):
    port = free_port()
    p = start(["-r", PACED, "--daemon", "--metrics", str(port)])
    wait_serving(port, p)
    r = subprocess.run(["ss", "-Hltn", "sport = :%d" % port],
                       capture_output=True, text=True)
    check("127.0.0.1:%d" % port in r.stdout and r.stdout.count("\n") == 1,
          "a bare port listens on 127.0.0.1 only", r.stdout)
    socks, refused = [], 0
    for _ in range(1000):
        s = socket.socket()
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            socks.append(s)
        except OSError:
            refused += 1
    time.sleep(1)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    check(refused + closed >= 1000 - 32,
          "1000 connections at once: all but the cap are refused",
          (refused, closed))
    for s in socks:
        s.close()
    time.sleep(0.5)
    check(p.poll() is None, "the server survives the flood")
    st, text = http("http://127.0.0.1:%d/metrics" % port)
    check(st == 200 and "taptop_capture_packets_total" in text,
          "a scrape after the flood is served", st)
    stop(p)


def test_prometheus(tmp):
    if shutil.which("prometheus") is None:
        check(False, "prometheus is installed (tools/deps.sh test)")
        return
    want = batch_packets(PACED)
    port, pport = free_port(), free_port()
    p = start(["-r", PACED, "--speed", "1", "--daemon", "--metrics",
               "127.0.0.1:%d" % port, "--panel", "endpoints.ipv6",
               "--panel", "conv.tcp"])
    wait_serving(port, p)
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: taptop\n    static_configs:\n"
                "      - targets: ['127.0.0.1:%d']\n" % port)
    prom = subprocess.Popen(
        ["prometheus", "--config.file=" + cfg,
         "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
         "--web.listen-address=127.0.0.1:%d" % pport],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    q = "http://127.0.0.1:%d/api/v1/query?query=" % pport
    got, seen = None, set()
    end = time.monotonic() + 60
    while time.monotonic() < end and prom.poll() is None:
        try:
            st, body = http(q + "taptop_capture_packets_total")
            res = json.loads(body)["data"]["result"]
            if res:
                got = int(float(res[0]["value"][1]))
                seen.add(got)
                if got == want:
                    break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    check(got == want, "Prometheus scrapes taptop --speed 1 up to the "
          "batch total", (got, want, sorted(seen)))
    st, body = http(q + urllib.parse.quote(
        "topk(3, sum by (address) "
        "(taptop_endpoints_ipv6_bytes_total{other!=\"true\"}))"))
    res = json.loads(body)["data"]["result"] if st == 200 else []
    check(len(res) >= 2 and all(r["metric"].get("address", "").count(":")
                                >= 2 for r in res),
          "a PromQL top-talkers query answers by address", body[:400])
    prom.terminate()
    try:
        prom.wait(timeout=20)
    except subprocess.TimeoutExpired:
        prom.kill()
    stop(p)


def test_errors(tmp):
    for bad in ["nope", "127.0.0.1:99999", "1.2.3:80", "::1:80", ":"]:
        r = subprocess.run([TAPTOP, "-r", PACED, "--batch", "--metrics",
                            bad], capture_output=True, text=True,
                           timeout=30)
        check(r.returncode == 2 and r.stderr.count("\n") == 1 and
              "--metrics" in r.stderr, "bad address %r: one usage line"
              % bad, (r.returncode, r.stderr))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    r = subprocess.run([TAPTOP, "-r", PACED, "--batch", "--metrics",
                        "127.0.0.1:%d" % s.getsockname()[1]],
                       capture_output=True, text=True, timeout=30)
    s.close()
    check(r.returncode == 1 and r.stderr.count("\n") == 1 and
          "in use" in r.stderr, "a port in use: one line, status 1",
          (r.returncode, r.stderr))
    r = subprocess.run([TAPTOP, "-r", PACED, "--daemon"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 2, "--daemon without --metrics is a usage error",
          r.stderr)


def test_batch_and_drop(tmp):
    # Batch mode serves while the capture runs (a pipe held open).
    port = free_port()
    p = subprocess.Popen([TAPTOP, "-r", "-", "--batch", "--metrics",
                          str(port)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(PACED, "rb") as f:
        p.stdin.write(f.read())
    p.stdin.flush()
    st, text = wait_serving(port, p)
    check(st == 200 and "taptop_conv_ip_bytes_total{" in text,
          "batch mode serves while it runs", st)
    p.stdin.close()
    p.wait(timeout=30)
    out, err = p.stdout.read(), p.stderr.read()
    check(p.returncode == 0 and b"Packets" in out,
          "batch mode still prints its report", err)
    if os.geteuid() != 0:
        print("SKIP the privilege drop (not root)")
        return
    for extra, seccomp in (([], "2"), (["--no-drop"], "0")):
        port = free_port()
        p = start(["-r", PACED, "--daemon", "--metrics", str(port)] + extra)
        st, text = wait_serving(port, p)
        status = open("/proc/%d/status" % p.pid).read()
        line = [l for l in status.splitlines() if l.startswith("Seccomp:")]
        check(st == 200 and line and line[0].split()[1] == seccomp,
              "--daemon %s serves (Seccomp %s)" % (" ".join(extra), seccomp),
              (st, line))
        st, text = http("http://127.0.0.1:%d/metrics" % port)
        check(st == 200, "a second scrape %s" % " ".join(extra), st)
        rc, out, err = stop(p)
        check(rc == 0, "and ends cleanly", (rc, err))


def main():
    if shutil.which("promtool") is None:
        print("FAIL promtool is missing (tools/deps.sh test installs "
              "prometheus)")
        return 1
    tmp = tempfile.mkdtemp(prefix="taptop-metrics-")
    try:
        test_errors(tmp)
        test_exposition(tmp)
        test_rows_cap(tmp)
        test_flood_and_loopback(tmp)
        test_batch_and_drop(tmp)
        test_prometheus(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
