#!/usr/bin/env python3
"""
Differential test of the GTP-U and Geneve tunnels against tshark 4.0, on
captures this test writes.

- gtp.pcap: GTP-U (UDP 2152) between an eNodeB and a gateway, over IPv4
  and over IPv6, carrying a user's IPv4 and IPv6 packets (UDP, TCP,
  ICMP): without optional fields, with a sequence number, with one and
  with two extension headers (a PDU session container, then a UDP port);
  an echo request and an end marker, which carry no user packet; and one
  with an extension header of length 0 (malformed: nothing after it is
  dissected, by either).
- geneve.pcap: Geneve (UDP 6081) carrying Ethernet, IPv4 and IPv6, with
  and without options, one with an option that runs past the options
  (tshark stops walking them there), and an OAM frame.

Every conversation, endpoint and protocol-hierarchy node (test_tshark_
diff.py's comparison, with gtp and geneve kept) must agree: the inner
packets are conversations and endpoints of their own, as in tshark.  Then
filters on the tunnel fields must match as many frames as tshark's -Y.

Exit status: 0 when all agree, 1 otherwise, 77 without tshark.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import capwrite as cw              # noqa: E402
import test_tshark_diff as td      # noqa: E402

ENB, GW = "192.0.2.1", "198.51.100.1"
ENB6, GW6 = "2001:db8:e::1", "2001:db8:9::1"
UE, SRV = "10.45.0.2", "203.0.113.80"
UE6, SRV6 = "2001:db8:a::2", "2001:db8:5::80"


class Frames:
    def __init__(self):
        self.t = 2000.0
        self.out = []

    def add(self, frame, gap=0.01):
        self.out.append((self.t, frame))
        self.t += gap


def tcp(sport, dport, payload=b"", flags=0x18):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 0x50, flags,
                       8192, 0, 0) + payload


def gtpu(teid, payload, msg=0xff, seq=None, exts=None, npdu=None):
    """A GTPv1-U header.  exts: [(type, contents)], contents 4n-2 bytes;
    a type of None makes a header of length 0 (malformed)."""
    flags = 0x30
    opt = b""
    if seq is not None or exts or npdu is not None:
        flags |= (0x02 if seq is not None else 0) | \
            (0x01 if npdu is not None else 0) | (0x04 if exts else 0)
        opt = struct.pack("!HB", seq or 0, npdu or 0)
        if exts:
            opt += bytes([exts[0][0] or 0x85])
            for i, (_, body) in enumerate(exts):
                nxt = exts[i + 1][0] or 0x85 if i + 1 < len(exts) else 0
                if exts[i][0] is None:
                    opt += bytes([0]) + body + bytes([nxt])
                else:
                    opt += bytes([(len(body) + 2) // 4]) + body + \
                        bytes([nxt])
        else:
            opt += b"\0"
    return struct.pack("!BBHI", flags, msg, len(opt) + len(payload),
                       teid) + opt + payload


def geneve(proto, vni, payload, opts=b"", flags=0, optlen=None):
    ol = len(opts) // 4 if optlen is None else optlen
    return struct.pack("!BBH", ol, flags, proto) + \
        struct.pack("!I", vni << 8) + opts + payload


def geneve_opt(cls, typ, data):
    return struct.pack("!HBB", cls, typ, len(data) // 4) + data


def outer4(sport, dport, payload, back=False):
    s, d = (GW, ENB) if back else (ENB, GW)
    return cw.eth(cw.ipv4(s, d, 17, cw.udp(sport, dport, payload)), 0x800)


def outer6(sport, dport, payload):
    return cw.eth(cw.ipv6(ENB6, GW6, 17, cw.udp(sport, dport, payload)),
                  0x86dd)


def user4(proto, payload, back=False):
    s, d = (SRV, UE) if back else (UE, SRV)
    return cw.ipv4(s, d, proto, payload)


def user6(proto, payload):
    return cw.ipv6(UE6, SRV6, proto, payload)


def write_gtp(path):
    fr = Frames()
    udp4 = user4(17, cw.udp(33333, 44444, b"hello"))
    udp4b = user4(17, cw.udp(44444, 33333, b"world!"), back=True)
    ping = user4(1, b"\x08\x00\x00\x00\x00\x01\x00\x01" + b"p" * 24)
    tcp4 = user4(6, tcp(40000, 8080, b"GET"))
    udp6 = user6(17, cw.udp(33333, 44444, b"six"))
    pdu = bytes([0x10, 0x09])           # PDU session container: QFI 9
    port = bytes([0x1f, 0x90])          # UDP port 8080
    for _ in range(2):
        fr.add(outer4(2152, 2152, gtpu(0x1234, udp4)))
        fr.add(outer4(2152, 2152, gtpu(0xabcd, udp4b), back=True))
    fr.add(outer4(2152, 2152, gtpu(0x1234, ping, seq=7)))
    fr.add(outer4(2152, 2152, gtpu(0x1234, tcp4, exts=[(0x85, pdu)])))
    fr.add(outer4(2152, 2152, gtpu(0x1234, udp4,
                                   exts=[(0x85, pdu), (0x40, port)])))
    fr.add(outer4(2152, 2152, gtpu(0x1234, udp4, npdu=3)))
    fr.add(outer6(2152, 2152, gtpu(0x77, udp6)))
    fr.add(outer6(2152, 2152, gtpu(0x77, udp6, exts=[(0x85, pdu)])))
    fr.add(outer4(2152, 2152, gtpu(0x1234, user6(58, bytes([128, 0, 0, 0,
                                                            0, 1, 0, 1])))))
    fr.add(outer4(2152, 2152, gtpu(0, b"", msg=1, seq=9)))      # echo
    fr.add(outer4(2152, 2152, gtpu(0x1234, b"", msg=254)))      # end marker
    # An extension header of length 0: malformed.
    fr.add(outer4(2152, 2152, gtpu(0x1234, udp4, exts=[(None, pdu)])))
    cw.pcap(path, fr.out)


def write_geneve(path):
    fr = Frames()
    inner = cw.eth(user4(17, cw.udp(33333, 44444, b"l2 payload")), 0x800,
                   bytes.fromhex("02000000000a"), bytes.fromhex("02000000000b"))
    ping = user4(1, b"\x08\x00\x00\x00\x00\x02\x00\x01" + b"g" * 16)
    six = user6(17, cw.udp(33333, 44444, b"v6 over geneve"))
    opts = geneve_opt(0x0103, 0x80, b"\x00\x00\x00\x2a") + \
        geneve_opt(0xffff, 0x01, b"")
    for _ in range(2):
        fr.add(outer4(50000, 6081, geneve(0x6558, 0x123, inner)))
    fr.add(outer4(50001, 6081, geneve(0x0800, 0x456, ping, opts,
                                      flags=0x40)))
    fr.add(outer4(50002, 6081, geneve(0x86dd, 0x456, six, opts)))
    fr.add(outer4(50003, 6081, geneve(0x6558, 0x123, inner, flags=0x80)))
    # An option claiming 8 bytes of data in 4 bytes of options.
    bad = struct.pack("!HBB", 0x0103, 0x01, 2) + b""
    fr.add(outer4(50004, 6081, geneve(0x0800, 0x789, ping, bad)))
    cw.pcap(path, fr.out)


FILTERS = {
    "written/gtp.pcap": (
        "gtp", "gtp.message == 0xff", "gtp.message == 1",
        "gtp.message == 254", "gtp.teid == 0x1234", "gtp.teid == 0x77",
        "gtp.flags == 0x30", "gtp.flags.version == 1", "gtp.flags.e == 1",
        "gtp.flags.s == 1", "gtp.flags.pn == 1", "gtp.seq_number == 7",
        "gtp.npdu_number == 3", "gtp.length == 33", "gtp.ext_hdr",
        "gtp.ext_hdr.next == 0x85", "gtp.ext_hdr.next == 0x40",
        "gtp.ext_hdr.length == 1", "count(gtp.ext_hdr.next) == 3",
        "ip.src == 10.45.0.2", "ip.addr == 203.0.113.80",
        "ipv6.src == 2001:db8:a::2", "count(ip.src) == 2", "icmp",
        "icmpv6", "tcp.dstport == 8080", "udp.port == 44444",
        "gtp && !ip.src == 10.45.0.2"),
    "written/geneve.pcap": (
        "geneve", "geneve.version == 0", "geneve.vni == 0x123",
        "geneve.vni == 0x456", "geneve.proto_type == 0x6558",
        "geneve.proto_type == 0x86dd", "geneve.flags.oam == 1",
        "geneve.flags.critical == 1", "geneve.flags == 0x40",
        "geneve.options", "geneve.option", "geneve.option.class == 0x0103",
        "geneve.option.type == 0x80", "geneve.option.type.critical == 1",
        "geneve.option.length == 8", "count(geneve.option) == 2",
        "geneve.option.length == 0", "count(geneve.option.length) == 3",
        "count(eth.src) == 2", "count(ip.src) == 2", "icmp", "ipv6",
        "udp.port == 44444"),
}


def taptop_json(taptop, path, panel):
    p = subprocess.run([taptop, "-r", path, "--batch", "--json", "--panel",
                        panel], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return {}


def main():
    if shutil.which("tshark") is None:
        print("SKIP: tshark is not installed")
        return 77
    taptop = os.path.abspath(os.environ.get("TAPTOP") or
                             os.path.join(td.ROOT, "build", "taptop"))
    work = tempfile.mkdtemp(prefix="taptop-tunnels-")
    fails = []
    try:
        caps = {"written/gtp.pcap": write_gtp,
                "written/geneve.pcap": write_geneve}
        paths = {}
        for rel, fn in caps.items():
            paths[rel] = os.path.join(work, os.path.basename(rel))
            fn(paths[rel])
        td.KEEP = td.KEEP + ("gtp", "geneve")
        td.EXCEPTIONS = []
        version = td.tshark_version()
        report = td.Report()
        for rel, path in paths.items():
            td.compare_file(rel, path, taptop, version, report)
        for rel, flts in FILTERS.items():
            for flt in flts:
                doc = taptop_json(taptop, paths[rel], "summary:" + flt)
                pan = doc.get("panels", [{}])[0].get("rows") or [{}]
                ours = pan[0].get("packets")
                p = subprocess.run(["tshark", "-n", "-r", paths[rel], "-Y",
                                    flt], stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True)
                theirs = len(p.stdout.splitlines())
                # A filter matching nothing tells nothing: each must match.
                ok = ours == theirs and theirs > 0
                print("%s %-20s %-34s taptop %s, tshark %d" % (
                    "PASS" if ok else "FAIL", rel, flt, ours, theirs))
                if not ok:
                    fails.append("%s %s" % (rel, flt))
        print("tunnels diff: %d pass, %d fail" %
              (report.passed, report.failed + len(fails)))
        return 1 if report.failed or fails else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
