#!/usr/bin/env python3
"""
The keys in README.md are the keys of the program.

`taptop --list-keys` prints the interface's one table of bindings (the
table tui/keys.c holds, which the dispatcher, the hint line and the help
screen also read), one line per help line: CONTEXT, KEYS (names one space
apart) and what they do, the columns two spaces or more apart.  README.md's
"In the terminal" section has a table of the same: each key row is
"| `K1` `K2` | does |", with group rows ("| **Panels** | |") between.

The two must hold the same (keys, text) rows, as many times each: a
binding added without its README line fails, and so does a README line for
a key that is gone or whose text no longer says what the program does.
Each difference is one FAIL line.
"""
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
README = os.path.join(ROOT, "README.md")
SECTION = "## In the terminal"


def program_rows():
    """(keys, text) per line of --list-keys, and the contexts seen."""
    r = subprocess.run([TAPTOP, "--list-keys"], capture_output=True,
                       text=True, timeout=30)
    if r.returncode != 0 or r.stderr:
        print("FAIL: taptop --list-keys: exit %d, stderr %r" %
              (r.returncode, r.stderr))
        sys.exit(1)
    rows, contexts = [], set()
    for line in r.stdout.splitlines():
        ctx, rest = line.split(None, 1)
        parts = re.split(r" {2,}", rest.strip(), maxsplit=1)
        if len(parts) != 2:
            print("FAIL: --list-keys line not CONTEXT  KEYS  TEXT: %r"
                  % line)
            sys.exit(1)
        contexts.add(ctx)
        rows.append((parts[0], parts[1]))
    return rows, contexts


def readme_rows():
    """(keys, text) per key row of the README's table of keys."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        print("FAIL: README.md has no %r section" % SECTION)
        sys.exit(1)
    end = text.find("\n## ", start + 1)
    body = text[start:end if end >= 0 else len(text)]
    rows = []
    for line in body.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 2:
            print("FAIL: README key row not | KEYS | TEXT |: %r" % line)
            sys.exit(1)
        keys = re.findall(r"`([^`]+)`", cells[0])
        if re.sub(r"`[^`]+`", "", cells[0]).strip():
            print("FAIL: README key cell has more than `KEY`s: %r" % line)
            sys.exit(1)
        rows.append((" ".join(keys), cells[1]))
    return rows


def main():
    prog, contexts = program_rows()
    doc = readme_rows()
    fails = 0
    # The four contexts exist, and the table is not trivially empty.
    for c in ("table", "menu", "help", "prompt"):
        if c not in contexts:
            print("FAIL: --list-keys shows no %s keys" % c)
            fails += 1
    if len(prog) < 20:
        print("FAIL: --list-keys prints only %d lines" % len(prog))
        fails += 1
    want = collections.Counter(prog)
    have = collections.Counter(doc)
    for (keys, what), n in sorted((want - have).items()):
        print("FAIL: not in README.md (%dx): | %s | %s |" %
              (n, " ".join("`%s`" % k for k in keys.split()), what))
        fails += 1
    for (keys, what), n in sorted((have - want).items()):
        print("FAIL: README.md has a row the program does not (%dx): "
              "| %s | %s |" % (n, " ".join("`%s`" % k for k in
                                           keys.split()), what))
        fails += 1
    if fails == 0:
        print("PASS: README.md lists the %d key lines of --list-keys"
              % len(prog))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
