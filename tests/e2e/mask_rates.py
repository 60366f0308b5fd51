#!/usr/bin/env python3
"""
Blanks the rate columns (headers with "/s") of a panel as the interface
shows it, read on stdin: the title line, then the header line, then rows.
Two panels read a moment apart on a live capture agree on their counts,
not on rates that moved in between, nor on whether a row had turned idle
(its mark), nor on which row is selected (">" in the margin, which
follows a row as the order changes); the refill tests compare what this
leaves.  Columns are right-aligned under their header, so a column spans
from the end of the one before it (plus the gap) to the end of its title.
"""
import re
import sys

lines = sys.stdin.read().split("\n")
if len(lines) < 2:
    sys.stdout.write("\n".join(lines))
    sys.exit(0)
header = lines[1]
spans = [(m.start(), m.end(), m.group(0))
         for m in re.finditer(r"\S+(?: \S+)*", header)]
cut = []
prev_end = 0
for start, end, title in spans:
    if "/s" in title:
        cut.append((prev_end, end))
    prev_end = end
out = lines[:1]
for line in lines[1:]:
    # The idle mark of the "now" view (a row quiet for 10 s) depends on
    # the moment too.
    chars = list(line.replace("\u00b7", " ").ljust(len(header)))
    if chars and chars[0] == ">":
        chars[0] = " "
    for a, b in cut:
        for i in range(a, min(b, len(chars))):
            chars[i] = " "
    out.append("".join(chars).rstrip())
sys.stdout.write("\n".join(out))
