#!/usr/bin/env python3
"""The man page and the bash completion follow the binary.

doc/taptop.1 must name every option of `taptop --help`, every key of
`taptop --list-keys` (in the subsection of its context) and every panel of
`taptop --list-panels`, so that a new option, key or panel fails here until
it is documented; `mandoc -T lint` must be clean at warning level (style
messages such as "referenced manual not found" depend on what this machine
has installed).  Then completion/taptop.bash is sourced in bash and its
function called with COMP_WORDS set, as bash calls it, and its COMPREPLY
checked against what the binary lists.  Exit 77 without mandoc or bash.
"""

import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAPTOP = os.environ.get("TAPTOP", os.path.join(ROOT, "build", "taptop"))
MAN = os.path.join(ROOT, "doc", "taptop.1")
COMPLETION = os.path.join(ROOT, "completion", "taptop.bash")

# --list-keys context -> the man page's subsection under KEYS.
KEY_SECTIONS = {
    "table": "Panel keys",
    "prompt": "Prompt keys",
    "menu": "Panel menu keys",
    "help": "Help screen keys",
}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def run(args):
    return subprocess.run(args, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout


def flat(text):
    return " ".join(text.split())


def check_manpage():
    lint = subprocess.run(["mandoc", "-T", "lint", "-W", "warning", MAN],
                          capture_output=True, text=True)
    if lint.returncode != 0 or lint.stdout.strip() or lint.stderr.strip():
        fail("mandoc -T lint: " + (lint.stdout + lint.stderr).strip())
    ascii_ = subprocess.run(["mandoc", "-T", "ascii", MAN],
                            capture_output=True, text=True).stdout
    text = re.sub(r".\x08", "", ascii_)     # overstrike bold and underline
    lines = text.splitlines()
    whole = flat(text)

    # Options: the long name, and the short one where there is one.
    opts = 0
    for line in run([TAPTOP, "--help"]).splitlines():
        m = re.match(r"\s+(?:(-\w), )?(--[\w-]+)", line)
        if not m:
            continue
        opts += 1
        for name in filter(None, m.groups()):
            if not re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])",
                             whole):
                fail("option %s (from --help) is not in the man page" % name)
    if opts < 20:
        fail("only %d options parsed from --help" % opts)
    for name in ("-Z", "--relinquish-privileges", "--no-drop"):
        if name not in whole:
            fail("%s is not in the man page" % name)

    # Keys, per context: the key column as --list-keys writes it.
    sections = {}
    cur = None
    for line in lines:
        if re.match(r"^ {3}\S", line):
            cur = line.strip()
            sections[cur] = []
        elif re.match(r"^\S", line):
            cur = None
        elif cur is not None:
            sections[cur].append(line)
    nkeys = 0
    for line in run([TAPTOP, "--list-keys"]).splitlines():
        cols = re.split(r"\s{2,}", line.strip())
        if len(cols) < 3:
            continue
        ctx, keys = cols[0], cols[1]
        nkeys += 1
        title = KEY_SECTIONS.get(ctx)
        if title is None or title not in sections:
            fail("no man page subsection for the keys of context %r" % ctx)
            continue
        if (" " + keys + " ") not in (" " + flat("\n".join(sections[title])) + " "):
            fail("key %r (%s) is not under %r in the man page"
                 % (keys, ctx, title))
    if nkeys < 30:
        fail("only %d keys parsed from --list-keys" % nkeys)

    # Panels.
    npanels = 0
    for line in run([TAPTOP, "--list-panels"]).splitlines():
        if not line.strip():
            continue
        name = line.split()[0]
        npanels += 1
        if not re.search(r"(?<![\w.])" + re.escape(name) + r"(?![\w.])", whole):
            fail("panel %s (from --list-panels) is not in the man page" % name)
    if npanels < 10:
        fail("only %d panels parsed from --list-panels" % npanels)
    for sect in ("EXIT STATUS", "SECURITY CONSIDERATIONS", "JSON OUTPUT"):
        if sect not in lines:
            fail("the man page has no %s section" % sect)
    print("man page: %d options, %d keys, %d panels checked"
          % (opts, nkeys, npanels))


def complete(words):
    """COMPREPLY of _taptop for the command line `words` (the last one
    being completed), the first word being the binary under test."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); '
              'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _taptop; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "_",
                          COMPLETION, TAPTOP] + words,
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        fail("completion of %r: bash said %s" % (words, out.stderr.strip()))
    return [w for w in out.stdout.splitlines() if w]


def expect(words, want, exact=True):
    got = complete(words)
    ok = sorted(got) == sorted(want) if exact else set(want) <= set(got)
    if not ok:
        fail("completing %r: got %s, want %s%s"
             % (words, got[:12], sorted(want)[:12], "" if exact else " among them"))


def check_completion():
    panels = [l.split()[0] for l in run([TAPTOP, "--list-panels"]).splitlines()
              if l.strip()]
    fields = [l.split()[0] for l in run([TAPTOP, "--list-fields"]).splitlines()
              if l.strip()]
    longs = re.findall(r"^\s+(?:-\w, )?(--[\w-]+)",
                       run([TAPTOP, "--help"]), re.M)

    expect(["--pan"], ["--panel"])
    expect(["--"], longs)
    expect(["-"], ["-i", "-r", "-Y", "--interface", "--batch"], exact=False)
    expect(["--panel", "conv."], [p for p in panels if p.startswith("conv.")])
    expect(["--panel", "=", "endpoints.t"],
           [p for p in panels if p.startswith("endpoints.t")])
    expect(["--panel", ""], panels)
    # NAME:FILTER arrives as NAME, ':', FILTER (':' breaks words in bash).
    expect(["--panel", "conv.tcp", ":", "tcp.srcp"],
           [f for f in fields if f.startswith("tcp.srcp")])
    expect(["-Y", "udp.dstp"], [f for f in fields if f.startswith("udp.dstp")])
    expect(["--display-filter", "=", "ip.sr"],
           [f for f in fields if f.startswith("ip.sr")])
    # A quoted filter: its last word is completed, the rest kept (bash
    # replaces the text after the open quote).
    expect(["-Y", "'ip.addr == 10.0.0.1 and tcp.dstp"],
           ["ip.addr == 10.0.0.1 and " + f for f in fields
            if f.startswith("tcp.dstp")])
    expect(["-Y", '"!udp.srcp'],
           ["!" + f for f in fields if f.startswith("udp.srcp")])
    ifaces = sorted(os.listdir("/sys/class/net")) if os.path.isdir(
        "/sys/class/net") else []
    if "lo" in ifaces:
        expect(["-i", "l"], ["lo"], exact=False)
        got = complete(["-i", ""])
        if "lo" not in got:
            fail("completing -i: lo missing from %s" % got)
    expect(["-r", "Makef"], ["Makefile"])
    expect(["--interval-mode", ""], ["cumulative", "delta"])
    expect(["-c", ""], [])
    print("completion: ok")


def main():
    if not shutil.which("mandoc") or not shutil.which("bash"):
        print("skip: mandoc or bash is not installed")
        return 77
    if not os.access(TAPTOP, os.X_OK):
        print("FAIL: no binary at " + TAPTOP)
        return 1
    check_manpage()
    check_completion()
    if failures:
        print("%d failures" % len(failures))
        return 1
    print("man page and completion: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
