#!/usr/bin/env python3
"""
Captures for the benchmark.

    gen.py repeat SRC OUT MIN_PACKETS
        SRC (a classic pcap) over and over until OUT holds at least
        MIN_PACKETS packets.  Each copy is shifted by the span of SRC plus
        one second, so time only increases, as in one long capture.

    gen.py scan OUT FLOWS
        A SYN scan seen from the wire: FLOWS Ethernet/IPv4/TCP SYNs, each
        its own flow (source address and port, destination address and
        port all vary, scattered by a multiplicative hash), one every 10
        microseconds.  A worst case for per-flow tables.

    gen.py flood OUT PACKETS
        A SYN flood: PACKETS 60-byte Ethernet/IPv4/TCP SYNs, each from a
        random source address and port (a fixed seed, so the file is the
        same every time), to one of four servers on port 80 or 443, one
        every microsecond.  A new flow in nearly every packet, as in an
        attack; every per-flow table is full and evicting.
"""

import struct
import sys

REC = struct.Struct("<IIII")


def pcap_header(linktype, snaplen=65535, magic=0xa1b2c3d4):
    return struct.pack("<IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def repeat(src, out, min_packets):
    with open(src, "rb") as f:
        d = f.read()
    magic = d[:4]
    if magic not in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        sys.exit("gen.py: %s is not a little-endian classic pcap" % src)
    header, body = d[:24], bytearray(d[24:])
    offsets, off = [], 0
    first = last = None
    while off + 16 <= len(body):
        sec, usec, incl, _ = REC.unpack_from(body, off)
        if off + 16 + incl > len(body):
            break
        offsets.append(off)
        first = sec if first is None else first
        last = sec
        off += 16 + incl
    body = body[:off]
    if not offsets:
        sys.exit("gen.py: no packets in %s" % src)
    span = last - first + 1
    copies = -(-min_packets // len(offsets))
    with open(out, "wb") as f:
        f.write(header)
        for k in range(copies):
            chunk = bytearray(body)
            shift = k * span
            if shift:
                for o in offsets:
                    sec = struct.unpack_from("<I", chunk, o)[0]
                    struct.pack_into("<I", chunk, o, sec + shift)
            f.write(chunk)
    return copies * len(offsets)


def scan(out, flows):
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    t0 = 1700000000
    with open(out, "wb") as f:
        f.write(pcap_header(1))
        buf = bytearray()
        for i in range(flows):
            h = (i * 2654435761) & 0xffffffff
            src = 0x0a000000 | (h & 0x00ffffff)              # 10/8
            dst = 0xc0a80000 | ((h >> 8) & 0xffff) ^ (i & 0xff)  # 192.168/16
            sport = 1024 + (i % 64000)
            dport = (h >> 16) % 1024 + 1
            ip = struct.pack("!BBHHHBBHII", 0x45, 0, 40, i & 0xffff, 0,
                             64, 6, 0, src, dst)
            tcp = struct.pack("!HHIIBBHHH", sport, dport, h, 0, 5 << 4,
                              0x02, 1024, 0, 0)
            frame = eth + ip + tcp + b"\0" * 6               # pad to 60
            usec = i * 10
            buf += REC.pack(t0 + usec // 1000000, usec % 1000000,
                            len(frame), len(frame))
            buf += frame
            if len(buf) > 1 << 20:
                f.write(buf)
                buf = bytearray()
        f.write(buf)
    return flows


def flood(out, packets):
    import random
    rng = random.Random(11)
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    dsts = [0xc0a80a01, 0xc0a80a02, 0xc0a80a03, 0xc0a80a04]
    ports = [80, 443]
    pack = struct.Struct("<IIII14sBBHHHBBHII" "HHIIBBHHH6x").pack
    t0 = 1700000000
    with open(out, "wb") as f:
        f.write(pcap_header(1))
        chunk = []
        for i in range(packets):
            r = rng.getrandbits(64)
            src = r & 0xffffffff
            sport = 1024 + (r >> 32 & 0xffff) % 64512
            dst = dsts[r >> 48 & 3]
            dport = ports[r >> 50 & 1]
            # Struct "<" for the record, then big-endian fields by hand:
            # one pack per frame keeps 3M frames under a minute.
            chunk.append(pack(t0 + i // 1000000, i % 1000000, 60, 60, eth,
                              0x45, 0, 0x2800, _bs(i & 0xffff), 0x40,
                              64, 6, 0, _bs32(src), _bs32(dst),
                              _bs(sport), _bs(dport), _bs32(r >> 20 &
                                                            0xffffffff),
                              0, 5 << 4, 0x02, 0x0004, 0, 0))
            if len(chunk) >= 65536:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    return packets


def _bs(x):
    return (x >> 8) | ((x & 0xff) << 8)


def _bs32(x):
    return int.from_bytes(x.to_bytes(4, "big"), "little")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "repeat":
        n = repeat(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "scan":
        n = scan(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "flood":
        n = flood(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
    print("%s: %d packets" % (sys.argv[-2] if sys.argv[1] == "repeat"
                              else sys.argv[2], n))


if __name__ == "__main__":
    main()
