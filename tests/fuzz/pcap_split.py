#!/usr/bin/env python3
"""
Seeds for fuzz_frame: every packet of some captures, one file each.

    pcap_split.py OUTDIR CAPTURE...

Each output file is one byte naming the link type (its index in the list
fuzz_frame.c maps the first byte through) followed by the packet's bytes.
Packets of link types taptop does not dissect are left out, and so are
duplicates (files are named by a hash of their contents).  Reads pcap in
both byte orders, micro- and nanosecond, and pcapng (enhanced, simple and
obsolete packet blocks, several interfaces).  A damaged capture yields the
packets before the damage.  At most --per-file packets are taken from
each capture, to keep the seed corpus quick to load.
"""

import argparse
import hashlib
import os
import struct
import sys

# The order of link_types[] in fuzz_frame.c: DLT values, as libpcap
# reports them.
LINK_TYPES = [1, 0, 108, 12, 228, 229, 113, 276, 9]
# LINKTYPE_* in files -> DLT_* where they differ.
LINKTYPE_TO_DLT = {101: 12}


def index_of(linktype):
    dlt = LINKTYPE_TO_DLT.get(linktype, linktype)
    return LINK_TYPES.index(dlt) if dlt in LINK_TYPES else None


def read_pcap(d):
    magic = d[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return
    if len(d) < 24:
        return
    linktype = struct.unpack(e + "I", d[20:24])[0] & 0x0fffffff
    off = 24
    while off + 16 <= len(d):
        incl = struct.unpack(e + "I", d[off + 8:off + 12])[0]
        if incl > 262144 or off + 16 + incl > len(d):
            return
        yield linktype, d[off + 16:off + 16 + incl]
        off += 16 + incl


def read_pcapng(d):
    off, e, ifaces = 0, "<", []
    while off + 12 <= len(d):
        btype = struct.unpack(e + "I", d[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = d[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        blen = struct.unpack(e + "I", d[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(d):
            return
        body = d[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:                   # IDB
            ifaces.append(struct.unpack(e + "H", body[:2])[0])
        elif btype in (6, 2) and len(body) >= 20:           # EPB, old PB
            if btype == 6:
                iface = struct.unpack(e + "I", body[:4])[0]
            else:
                iface = struct.unpack(e + "H", body[:2])[0]
            caplen = struct.unpack(e + "I", body[12:16])[0]
            if iface < len(ifaces) and 20 + caplen <= len(body):
                yield ifaces[iface], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and ifaces:      # SPB
            yield ifaces[0], body[4:]
        off += blen


def packets(path):
    with open(path, "rb") as f:
        d = f.read()
    if d[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(d)
    return read_pcap(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-file", type=int, default=200)
    ap.add_argument("--max-len", type=int, default=16384)
    ap.add_argument("outdir")
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    written = 0
    for path in a.captures:
        n = 0
        try:
            for linktype, data in packets(path):
                i = index_of(linktype)
                if i is None:
                    continue
                unit = bytes([i]) + data[:a.max_len - 1]
                name = hashlib.sha1(unit).hexdigest()
                out = os.path.join(a.outdir, name)
                if not os.path.exists(out):
                    with open(out, "wb") as f:
                        f.write(unit)
                    written += 1
                n += 1
                if n >= a.per_file:
                    break
        except (struct.error, OSError) as ex:
            print("%s: %s" % (path, ex), file=sys.stderr)
    print("%d seed inputs in %s" % (written, a.outdir))


if __name__ == "__main__":
    main()
