#!/usr/bin/env python3
"""
DHCP, NTP, SSH and SCTP against tshark 4.0: for a table of filters on
their fields, the frames each matches (taptop's summary panel with the
filter; tshark's -z io,stat of the same filters) on every capture of
../shared/pcaps/traffic and on a capture this test writes with such
packets (the corpus has no SCTP), whose counts are also checked against
what its packets say.  And conv.sctp and endpoints.sctp against tshark's
-z conv,sctp and -z endpoints,sctp frame counts on that capture, and the
DHCP host name as the name of the address asked for (--names).

Exit status: 0 when every check passes, 1 otherwise, 77 without tshark.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import test_stats_panels as sp

FILTERS = [
    "dhcp", "dhcp.type == 1", "dhcp.type == 2", "dhcp.option.dhcp == 1",
    "dhcp.option.dhcp == 3", "dhcp.option.dhcp == 5", "dhcp.option.hostname",
    'dhcp.option.hostname == "host1"', "dhcp.option.requested_ip_address",
    "dhcp.option.requested_ip_address == 192.168.1.50",
    "dhcp.flags.bc == 1", "dhcp.hw.mac_addr == 00:11:22:33:44:55",
    "ntp", "ntp.flags.mode == 3", "ntp.flags.mode == 4", "ntp.stratum == 2",
    "ntp.flags.vn == 4", "ntp.stratum",
    "ssh", "ssh.protocol", 'ssh.protocol contains "OpenSSH"',
    "sctp", "sctp.port == 2905", "sctp.chunk_type == 1",
    "sctp.chunk_type == 0", "sctp.verification_tag == 0",
]

failures = []


def check(cond, what):
    print(("PASS " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def dhcp(op, msg, hostname=None, requested=None, ciaddr="0.0.0.0",
         yiaddr="0.0.0.0"):
    fixed = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", op, 1, 6, 0,
                        0xdeadbeef, 0, 0x8000, sp.ip4(ciaddr), sp.ip4(yiaddr),
                        b"\0" * 4, b"\0" * 4, sp.MAC["A"] + b"\0" * 10,
                        b"", b"")
    opts = bytes([99, 130, 83, 99, 53, 1, msg])
    if requested:
        opts += bytes([50, 4]) + sp.ip4(requested)
    if hostname:
        opts += bytes([12, len(hostname)]) + hostname
    return fixed + opts + bytes([255])


def ntp(mode, stratum):
    return bytes([0x20 | mode, stratum, 6, 0xe9]) + b"\0" * 44


def sctp(sport, dport, vtag, chunks):
    return struct.pack("!HHII", sport, dport, vtag, 0) + chunks


def chunk(ctype, value):
    n = 4 + len(value)
    return struct.pack("!BBH", ctype, 0, n) + value + b"\0" * (-n % 4)


def packets():
    a, b, c = "192.168.1.2", "192.168.1.1", "192.168.1.3"
    p = []
    t = 0.0

    def add(src, dst, proto, payload, smac="A", dmac="B"):
        nonlocal t
        t += 0.1
        p.append(sp.ip_frame(t, src, dst, proto, payload, smac, dmac))

    add("0.0.0.0", "255.255.255.255", 17,
        sp.udp(68, 67, dhcp(1, 1, b"host1")))
    add(b, a, 17, sp.udp(67, 68, dhcp(2, 2, yiaddr="192.168.1.50")))
    add("0.0.0.0", "255.255.255.255", 17,
        sp.udp(68, 67, dhcp(1, 3, b"host1", "192.168.1.50")))
    add(b, a, 17, sp.udp(67, 68, dhcp(2, 5, yiaddr="192.168.1.50")))
    add(a, b, 17, sp.udp(123, 123, ntp(3, 0)))
    add(b, a, 17, sp.udp(123, 123, ntp(4, 2)))
    add(a, b, 6, sp.tcp(50000, 22, 1, 1, sp.PSH | sp.ACK,
                        data=b"SSH-2.0-OpenSSH_9.6\r\n"))
    add(b, a, 6, sp.tcp(22, 50000, 1, 22, sp.PSH | sp.ACK,
                        data=b"SSH-2.0-dropbear\r\n"))
    add(a, b, 132, sctp(2905, 2905, 0, chunk(1, b"\0" * 16)))
    add(b, a, 132, sctp(2905, 2905, 7, chunk(2, b"\0" * 16)))
    add(a, b, 132, sctp(2905, 2905, 9, chunk(0, b"\0" * 12 + b"data") +
                        chunk(0, b"\0" * 12 + b"x")))
    add(c, b, 132, sctp(3868, 3868, 5, chunk(1, b"\0" * 16)))
    add("192.168.1.50", b, 17, sp.udp(5000, 5001))
    return p


def dhcp_names(path):
    """The DHCP host name names the address the client asked for."""
    (_, _, rows, _), = sp.taptop_json(path, ["endpoints.ip"], ["--names"])
    names = {r["address"]: r.get("name") for r in rows}
    check(names.get("192.168.1.50") == "host1" and
          names.get("192.168.1.2") is None,
          "--names: 192.168.1.50 is host1 (DHCP): %r" % names)


# What the written capture holds, filter by filter.
KNOWN = {"dhcp": 4, "dhcp.type == 1": 2, "dhcp.option.dhcp == 3": 1,
         'dhcp.option.hostname == "host1"': 2,
         "dhcp.option.requested_ip_address == 192.168.1.50": 1,
         "ntp": 2, "ntp.flags.mode == 3": 1, "ntp.stratum == 2": 1,
         "ssh.protocol": 2, "sctp": 4, "sctp.port == 2905": 3,
         "sctp.chunk_type == 0": 1}


def taptop_counts(path):
    args = [sp.TAPTOP, "-r", path, "--batch", "--json"]
    for f in FILTERS:
        args += ["--panel", "summary:" + f]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    return [p["rows"][0]["packets"] if p["rows"] else 0
            for p in doc["panels"]]


def tshark_counts(path):
    checks = [(f, 0, f) for f in FILTERS]
    out = sp.tshark(path, "-q", "-z", "io,stat,0," + ",".join(FILTERS))
    cells = sp.io_counts(out, 2 * len(FILTERS))
    if cells is None:
        cells = sp.counts_one_by_one(path, checks)
    return [int(cells[2 * i]) for i in range(len(FILTERS))]


def compare(label, path, known=None):
    ours, theirs = taptop_counts(path), tshark_counts(path)
    for f, o, t in zip(FILTERS, ours, theirs):
        if known is not None and f in known:
            check(o == known[f], "%s: %s %d, by construction %d" % (
                label, f, o, known[f]))
        if o or t:
            check(o == t, "%s: %s %d, tshark %d" % (label, f, o, t))
    return sum(theirs)


def sctp_tables(path):
    """conv.sctp and endpoints.sctp frame counts against tshark's."""
    res = sp.taptop_json(path, ["conv.sctp", "endpoints.sctp"])
    conv = sorted(r["frames"] for r in res[0][2])
    eps = sorted(r["packets"] for r in res[1][2])
    out = sp.tshark(path, "-q", "-z", "conv,sctp", "-z", "endpoints,sctp")
    t_conv, t_eps, section = [], [], None
    for line in out.splitlines():
        if line.startswith("SCTP Conversations"):
            section = t_conv
        elif line.startswith("SCTP Endpoints"):
            section = t_eps
        elif section is not None and line[:1].isdigit():
            cols = line.split()
            if section is t_conv:
                # a:port <-> b:port, frames <-, n "bytes", frames ->, n
                # "bytes", total frames, ...
                section.append(int(cols[9]))
            else:
                # address, port, packets, ...
                section.append(int(cols[2]))
    check(conv == sorted(t_conv) and len(conv) == 2,
          "conv.sctp frames %r, tshark %r" % (conv, sorted(t_conv)))
    check(eps == sorted(t_eps) and len(eps) == 4,
          "endpoints.sctp frames %r, tshark %r" % (eps, sorted(t_eps)))


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="taptop-app-")
    try:
        path = os.path.join(tmp, "app.pcap")
        sp.write_pcap(path, packets())
        compare("written", path, KNOWN)
        sctp_tables(path)
        dhcp_names(path)
        seen = 0
        for name in sorted(os.listdir(sp.TRAFFIC)):
            seen += compare(name, os.path.join(sp.TRAFFIC, name))
        check(seen > 0, "the corpus has packets these filters match")
    finally:
        shutil.rmtree(tmp)
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
