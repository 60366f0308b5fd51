#!/usr/bin/env python3
"""
Writes the overview tests' capture (argument: the path): 60 s of UDP in
1000-byte frames, three flows of known rates, so that the tests compute
what the overview must show by hand:

- X, 10.1.0.1 -> 10.1.0.2 (IPv4): 1 frame a second, all along (60 kB);
- Y, 2001:db8::1 -> 2001:db8::2 (IPv6): 3 frames a second, all along
  (180 kB), so it leads "now";
- Z, 10.1.0.3 -> 10.1.0.4 (IPv4): 30 frames a second in the first 10 s,
  then nothing (300 kB), so it leads "all" and is idle for 50 s at the
  end: not listed "now";
- W, 10.1.0.9 -> 10.1.0.10: one frame at 60.000000 s, the last, so that
  "now" at the end of the file is a whole second and every 2 s window
  ending there holds whole seconds: X's 2 s rate is 1000 B/s, Y's 3000.

Of all 541 kB: ip 361 kB (66.7%), ipv6 180 kB (33.3%), udp 100%.  Of the
last 10 s, (50, 60]: ip 11 frames (26.8%), ipv6 30 (73.2%).
"""
import struct
import sys

FRAME = 1000


def v4(a):
    return bytes(int(x) for x in a.split("."))


def udp4(src, dst):
    pay = b"x" * (FRAME - 14 - 20 - 8)
    u = struct.pack("!HHHH", 4000, 5000, 8 + len(pay), 0) + pay
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0,
                     v4(src), v4(dst))
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + ip + u


def udp6(last_src, last_dst):
    pay = b"y" * (FRAME - 14 - 40 - 8)
    u = struct.pack("!HHHH", 4000, 5000, 8 + len(pay), 0) + pay
    pfx = bytes([0x20, 0x01, 0x0d, 0xb8]) + bytes(11)
    ip = struct.pack("!IHBB16s16s", 6 << 28, len(u), 17, 64,
                     pfx + bytes([last_src]), pfx + bytes([last_dst]))
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x86\xdd" + ip + u


def main():
    x, y, z = udp4("10.1.0.1", "10.1.0.2"), udp6(1, 2), udp4("10.1.0.3",
                                                             "10.1.0.4")
    pkts = []
    t0 = 1700000000
    for s in range(60):
        pkts.append((s * 1000000 + 100, x))
        for i in range(3):
            pkts.append((s * 1000000 + 200 + i * 300000, y))
        if s < 10:
            for i in range(30):
                pkts.append((s * 1000000 + 300 + i * 33000, z))
    pkts.append((60 * 1000000, udp4("10.1.0.9", "10.1.0.10")))
    pkts.sort(key=lambda p: p[0])
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for us, p in pkts:
            f.write(struct.pack("<IIII", t0 + us // 1000000, us % 1000000,
                                len(p), len(p)) + p)


if __name__ == "__main__":
    main()
