"""
Writes small captures for the differential tests: Ethernet frames carrying
IPv4 or IPv6, fragmented or not, with UDP, ICMPv6 and tunnels, built from
bytes (no packet library).  Each builder returns the bytes of one layer;
`pcap()` writes (time, frame) pairs as a microsecond pcap.
"""

import struct

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def eth(payload, ethertype, src=MAC_A, dst=MAC_B):
    return dst + src + struct.pack("!H", ethertype) + payload


def v4(addr):
    return bytes(int(x) for x in addr.split("."))


def v6(addr):
    import ipaddress
    return ipaddress.IPv6Address(addr).packed


def ipv4(src, dst, proto, payload, ident=1, frag=0, mf=False, ttl=64,
         total=None):
    """An IPv4 header and payload; frag is the offset in bytes (a multiple
    of 8)."""
    word = (frag // 8) | (0x2000 if mf else 0)
    tot = 20 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, ident, word, ttl, proto,
                    0, v4(src), v4(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nxt, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, hlim,
                       v6(src), v6(dst)) + payload


def fraghdr6(nxt, frag, mf, ident, payload):
    return struct.pack("!BBHI", nxt, 0, frag | (1 if mf else 0),
                       ident) + payload


def hopopts(nxt, payload):
    """A hop-by-hop header of 8 bytes: router alert (MLD), then PadN."""
    return bytes([nxt, 0, 5, 2, 0, 0, 1, 0]) + payload


def icmpv6(src, dst, icmp_type, code, body):
    """An ICMPv6 message with its checksum over the pseudo-header."""
    msg = bytes([icmp_type, code, 0, 0]) + body
    pseudo = v6(src) + v6(dst) + struct.pack("!IxxxB", len(msg), 58)
    c = csum(pseudo + msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def dns_answer(qid, name, count, size):
    """A DNS response of `count` TXT answers of `size` bytes each to a TXT
    query for `name`: the kind of large answer that is fragmented."""
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split("."))
    q += b"\0" + struct.pack("!HH", 16, 1)
    ans = b""
    for i in range(count):
        txt = bytes([size - 1]) + bytes((i + j) % 26 + 97
                                        for j in range(size - 1))
        ans += struct.pack("!HHHIH", 0xc00c, 16, 1, 300, len(txt)) + txt
    return struct.pack("!HHHHHH", qid, 0x8180, 1, count, 0, 0) + q + ans


def udp(sport, dport, payload, length=None):
    return struct.pack("!HHHH", sport, dport,
                       8 + len(payload) if length is None else length,
                       0) + payload


def pcap(path, frames, linktype=1):
    """frames: [(time in seconds, frame bytes)]."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144,
                            linktype))
        for t, fr in frames:
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr)


def fragment4(src, dst, proto, payload, ident, size):
    """IPv4 fragments of payload, `size` bytes of data each (a multiple of
    8), in order: [(offset, ip bytes)]."""
    out = []
    for off in range(0, len(payload), size):
        part = payload[off:off + size]
        out.append((off, ipv4(src, dst, proto, part, ident=ident, frag=off,
                              mf=off + size < len(payload))))
    return out


def fragment6(src, dst, nxt, payload, ident, size):
    out = []
    for off in range(0, len(payload), size):
        part = payload[off:off + size]
        out.append((off, ipv6(src, dst, 44, fraghdr6(
            nxt, off, off + size < len(payload), ident, part))))
    return out
