#!/usr/bin/env python3
"""
Names in batch mode: --names, --port-names and --resolve.

- --names: every conv row carries a_name and b_name, every endpoint row
  name, each the hosts file's name for the address ($TAPTOP_HOSTS, a file
  of this test's) or null; the keys are in "columns" too, right after
  their address; without --names there are none.
- --port-names: a_port_name, b_port_name, port_name from $TAPTOP_SERVICES
  (a file of this test's), null for a port it does not name.
- The text report shows the names in place of the addresses.
- A name with control characters (from a hosts file here; from packets
  once the application dissectors feed the table) is escaped: \\u001b in
  JSON, \\x1b in text, never a raw ESC.
- A $TAPTOP_HOSTS that cannot be read: one warning line, and the run goes
  on.
- --resolve looks 127.0.0.1 up with the system's resolver, which finds
  "localhost" in /etc/hosts without the network (the capture, written
  here, holds 127.0.0.1 only, so nothing else is looked up); without it,
  nothing is looked up at all: under strace, a run without --resolve opens
  neither /etc/hosts nor nsswitch.conf and makes no socket, and the same
  run with --resolve does (so the check can see a lookup).

Each failure is one FAIL line.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
PCAP = os.path.join(ROOT, "..", "shared", "pcaps", "traffic", "example.pcap")

fails = 0


def check(ok, what):
    global fails
    if ok:
        print("PASS " + what)
    else:
        print("FAIL " + what)
        fails += 1


def run(args, env_extra, strace=None):
    env = dict(os.environ)
    env.update(env_extra)
    cmd = [TAPTOP] + args
    if strace:
        # LeakSanitizer cannot run under ptrace: the traced runs of an
        # ASan build do without it (the others keep it).
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               ":detect_leaks=0").lstrip(":")
        cmd = ["strace", "-f", "-qq", "-o", strace, "-e",
               "trace=openat,open,socket,connect"] + cmd
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def udp_pcap(path, pairs):
    """A pcap of Ethernet/IPv4/UDP packets, one per (src, dst) pair."""
    def ip(a):
        return bytes(int(x) for x in a.split("."))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (src, dst) in enumerate(pairs):
            payload = b"x" * 20
            udp = struct.pack("!HHHH", 5000, 6000, 8 + len(payload), 0)
            iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(payload),
                              i + 1, 0, 64, 17, 0, ip(src), ip(dst))
            p = (b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + iph + udp +
                 payload)
            f.write(struct.pack("<IIII", 1000 + i, 0, len(p), len(p)))
            f.write(p)


def dns_answer_names(pcap):
    """address -> the names in the DNS answers that carry it (tshark)."""
    out = {}
    if shutil.which("tshark") is None:
        return out
    res = subprocess.run(["tshark", "-n", "-r", pcap, "-Y",
                          "dns.a && dns.flags.response == 1", "-T",
                          "fields", "-e", "dns.a", "-e", "dns.qry.name",
                          "-e", "dns.resp.name", "-e", "dns.cname"],
                         stdin=subprocess.DEVNULL, capture_output=True,
                         text=True)
    for line in res.stdout.splitlines():
        cols = line.split("\t")
        names = set()
        for c in cols[1:]:
            names.update(n for n in c.split(",") if n)
        for a in cols[0].split(","):
            out.setdefault(a, set()).update(names)
    return out


def main():
    tmp = tempfile.mkdtemp(prefix="taptop-names.")
    try:
        body(tmp)
    finally:
        shutil.rmtree(tmp)
    return 1 if fails else 0


def body(tmp):
    hosts = os.path.join(tmp, "hosts")
    names = {"10.0.0.6": "six.names.test",
             "212.199.202.9": "nine.names.test",
             "10.0.0.138": "gw\x1b[31m.names.test"}
    with open(hosts, "w", encoding="utf-8") as f:
        f.write("# test hosts\n")
        for a, n in names.items():
            f.write("%s\t%s alias.%s\n" % (a, n, n))
        f.write("10.0.0.6 not-the-first.names.test\n")
    services = os.path.join(tmp, "services")
    with open(services, "w") as f:
        f.write("testsvc-http\t80/tcp\nthe-dns\t53/udp\n")
    env = {"TAPTOP_HOSTS": hosts, "TAPTOP_SERVICES": services}
    panels = ["--panel", "conv.ip", "--panel", "endpoints.ip",
              "--panel", "conv.tcp", "--panel", "endpoints.udp"]

    # --names: each row's names are the hosts file's; an address it does
    # not name may be named by the traffic: by a DNS answer of the capture
    # (the names in that answer, as tshark reads them: checked), or by an
    # HTTP Host or a TLS SNI; both rank below the hosts file.
    dns_names = dns_answer_names(PCAP)
    rc, out, err = run(["-r", PCAP, "--batch", "--json", "--names"] +
                       panels, env)
    check(rc == 0 and err == "", "--names: exit 0, nothing on stderr "
          "(%d, %r)" % (rc, err))
    doc = json.loads(out)
    rows = named = 0
    learned = {}
    for p in doc["panels"]:
        cols = p["columns"]
        for key in [c for c in cols if c in ("a", "b", "address")]:
            nk = "name" if key == "address" else key + "_name"
            check(cols.index(nk) == cols.index(key) + 1,
                  "%s: %s follows %s in columns" % (p["panel"], nk, key))
            for r in p["rows"]:
                rows += 1
                want = names.get(r[key])
                got = r.get(nk, "absent")
                if want is None and got in dns_names.get(r[key], ()):
                    want = got	# named by the capture's DNS answers
                    learned[r[key]] = got
                elif want is None and isinstance(got, str):
                    learned[r[key]] = got	# HTTP Host, TLS SNI
                    continue
                if got != want:
                    check(False, "%s: %s %s is %r, the hosts file says %r"
                          % (p["panel"], key, r[key], r.get(nk, "absent"),
                             want))
                named += want is not None
        check(not any("port_name" in c for c in cols),
              "%s: no port names without --port-names" % p["panel"])
    check(rows > 100 and named > 50, "--names: %d rows checked, %d named"
          % (rows, named))
    check(learned.get("88.221.154.110") == "s-static.ak.facebook.com",
          "--names: an address the hosts file does not name has the name "
          "the traffic gave it (%d learned)" % len(learned))
    check("\\u001b[31m" in out and "\x1b" not in out,
          "--names: a control character in a name is JSON-escaped")
    check('"a_name":"six.names.test"' in out and
          "not-the-first" not in out and "alias." not in out,
          "the first line of the hosts file names an address, by its "
          "canonical name")

    # Without --names: no name keys.
    rc, out, err = run(["-r", PCAP, "--batch", "--json"] + panels, env)
    check(rc == 0 and "_name" not in out and '"name"' not in out,
          "without --names: no name keys")

    # --port-names.
    rc, out, err = run(["-r", PCAP, "--batch", "--json", "--port-names"] +
                       panels, env)
    doc = json.loads(out)
    seen = set()
    for p in doc["panels"]:
        svc = {"conv.tcp": {80: "testsvc-http"},
               "endpoints.udp": {53: "the-dns"}}.get(p["panel"])
        if svc is None:
            check(not any("_name" in c or c == "name" for c in p["columns"]),
                  "%s: no names without ports" % p["panel"])
            continue
        for r in p["rows"]:
            for key in ("a_port", "b_port", "port"):
                if key not in r:
                    continue
                if r[key + "_name"] != svc.get(r[key]):
                    check(False, "%s: %s %d is %r" % (p["panel"], key,
                                                      r[key],
                                                      r[key + "_name"]))
                seen.add(r[key + "_name"])
        check("a_name" not in json.dumps(p),
              "%s: no address names without --names" % p["panel"])
    check({"testsvc-http", "the-dns", None} <= seen,
          "--port-names: known ports named, others null (%r)" % seen)

    # Text: names in place of addresses and ports, escaped.
    rc, out, err = run(["-r", PCAP, "--batch", "--names", "--port-names",
                        "--panel", "conv.tcp"], env)
    check(rc == 0 and re.search(r"six\.names\.test +nine\.names\.test +"
                                r"[0-9]+ +testsvc-http", out) is not None,
          "text: names in place of addresses and ports")
    check("10.0.0.6 " not in out, "text: a named address is not shown")
    rc, out, err = run(["-r", PCAP, "--batch", "--names", "--panel",
                        "endpoints.ip"], env)
    check("gw\\x1b[31m.names.test" in out and "\x1b" not in out,
          "text: a control character in a name is escaped")

    # A hosts file that cannot be read.
    rc, out, err = run(["-r", PCAP, "--batch", "--names", "--panel",
                        "conv.ip"], {"TAPTOP_HOSTS": os.path.join(
                            tmp, "missing")})
    check(rc == 0 and len(err.splitlines()) == 1 and "missing" in err and
          "Capture:" in out,
          "a missing TAPTOP_HOSTS: one warning, the run goes on (%r)" % err)

    # --resolve, on 127.0.0.1 only: the system's /etc/hosts names it.
    lo = os.path.join(tmp, "lo.pcap")
    udp_pcap(lo, [("127.0.0.1", "127.0.0.1")] * 3)
    empty = os.path.join(tmp, "empty-hosts")
    open(empty, "w").close()
    sysname = None
    try:
        with open("/etc/hosts") as f:
            for line in f:
                w = line.split("#")[0].split()
                if len(w) >= 2 and w[0] == "127.0.0.1":
                    sysname = w[1]
                    break
    except OSError:
        pass
    if sysname is None:
        print("SKIP --resolve: /etc/hosts does not name 127.0.0.1")
        return
    renv = {"TAPTOP_HOSTS": empty}
    args = ["-r", lo, "--batch", "--json", "--panel", "conv.ip",
            "--panel", "endpoints.ip"]
    rc, out, err = run(args + ["--names"], renv)
    doc = json.loads(out)
    check(rc == 0 and doc["panels"][0]["rows"][0]["a_name"] is None,
          "without --resolve, 127.0.0.1 has no name (empty hosts file)")
    rc, out, err = run(args + ["--resolve"], renv)
    doc = json.loads(out)
    r0 = doc["panels"][0]["rows"][0]
    check(rc == 0 and r0["a_name"] == sysname and r0["b_name"] == sysname
          and doc["panels"][1]["rows"][0]["name"] == sysname,
          "--resolve: 127.0.0.1 is %r, as /etc/hosts says (%r)"
          % (sysname, r0))

    if shutil.which("strace") is None:
        print("SKIP strace: not installed")
        return
    trace = os.path.join(tmp, "trace")
    # As root, the privilege drop looks its user up in the user database,
    # which reads nsswitch.conf (README, "Privileges"): no name lookup,
    # but the pattern below would take it for one.
    drop = ["--no-drop"] if os.geteuid() == 0 else []
    rc, out, err = run(args + ["--names"] + drop, renv, strace=trace)
    if rc != 0 or not os.path.exists(trace):
        print("SKIP strace: cannot trace here (%d, %s)" % (rc, err.strip()))
        return
    lookups = re.compile(r'"/etc/(hosts|nsswitch\.conf|resolv\.conf)"|'
                         r"socket\(AF_INET")
    with open(trace) as f:
        quiet = [l.strip() for l in f if lookups.search(l)]
    check(quiet == [], "without --resolve, nothing is looked up: %r"
          % quiet[:3])
    rc, out, err = run(args + ["--resolve"], renv, strace=trace)
    with open(trace) as f:
        busy = [l.strip() for l in f if lookups.search(l)]
    check(busy != [] and '"a_name":"%s"' % sysname in out,
          "with --resolve, the trace shows the lookup (%d lines)"
          % len(busy))


if __name__ == "__main__":
    sys.exit(main())
