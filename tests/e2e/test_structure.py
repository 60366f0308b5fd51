#!/usr/bin/env python3
"""
The include graph has no cycle, at the level of modules.

A module is X.c with its header: X.h, a private X_int.h, or any header
whose functions are all defined in X.c (a header is judged by what it
declares, not by its name: a packet.h that declares dissect.c's functions
is dissect.c's header).  A header that declares no function, or functions
of several files, is a module of its own.  Module A depends on module B
when a file of A has `#include "..."` of B's header, resolved as the
compiler does (the including file's folder, then -I. and -Icore).  A
cycle means two modules can only be understood, built and tested together:
the registry (proto), the runtime (dissect) and the packet types are kept
apart so that there is none.

Before it looks at the tree, the checker runs on a small made-up tree with
cycles planted in it and must find them: a checker that cannot fail proves
nothing.  Exits 0 when the tree has no cycle, 1 otherwise.
"""

import os
import re
import sys
import tempfile

INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]+"([^"]+)"', re.M)
# A definition in the project's style: the name at the start of a line,
# its return type on the line above.
DEFINITION = re.compile(r'^([A-Za-z_]\w*)\(', re.M)
# A prototype in a header: a name, its arguments, a semicolon.
PROTOTYPE = re.compile(r'\b([A-Za-z_]\w*)\s*\([^;{}()]*(?:\([^;{}()]*\)[^;{}()]*)*\)\s*;')
SKIP_DIRS = {".git", "bench", "tools"}
INCLUDE_PATH = [".", "core"]    # the Makefile's -I. -Icore


def strip_comments(text):
    """Comments become blanks of the same line count, so line numbers hold."""
    return re.sub(r'/\*.*?\*/|//[^\n]*',
                  lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def top_level(text):
    """What is outside every brace: no function bodies, whose calls would
    look like prototypes, and no struct members."""
    out, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 or ch == "\n":
            out.append(ch)
    return "".join(out)


def sources(root):
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs
                         if x not in SKIP_DIRS and not x.startswith("build"))
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.relpath(os.path.join(d, f), root)


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as fp:
        return strip_comments(fp.read())


def modules(root, texts):
    """file -> module (a path without extension)."""
    defined = {}
    for rel, text in texts.items():
        if rel.endswith(".c"):
            for name in DEFINITION.findall(text):
                defined.setdefault(name, set()).add(os.path.splitext(rel)[0])
    mod = {}
    for rel, text in texts.items():
        base = os.path.splitext(rel)[0]
        if rel.endswith(".h"):
            if base.endswith("_int"):
                base = base[:-len("_int")]
            owners = set()
            for name in PROTOTYPE.findall(top_level(text)):
                owners |= defined.get(name, set())
            if len(owners) == 1:
                base = owners.pop()
        mod[rel] = base
    return mod


def resolve(root, rel, target):
    for base in [os.path.dirname(rel)] + INCLUDE_PATH:
        cand = os.path.normpath(os.path.join(base, target))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def graph(root):
    """module -> {module: "file:line" of the first include making the edge}"""
    texts = {rel: read(root, rel) for rel in sources(root)}
    mod = modules(root, texts)
    edges = {}
    for rel, text in sorted(texts.items()):
        src = mod[rel]
        edges.setdefault(src, {})
        for m in INCLUDE.finditer(text):
            hdr = resolve(root, rel, m.group(1))
            if hdr is None or hdr not in mod:
                continue        # a system header, or a list.def
            dst = mod[hdr]
            if dst != src and dst not in edges[src]:
                line = text.count("\n", 0, m.start()) + 1
                edges[src][dst] = "%s:%d" % (rel, line)
    return edges


def cycles(edges):
    """One cycle through each strongly connected component of more than
    one module (Tarjan), as (from, to, where) edges."""
    index, low, on, stack, sccs = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    found = []
    for scc in sccs:
        members = set(scc)
        # Walk inside the component until a module repeats: that stretch
        # is a cycle.
        path, seen, v = [], {}, scc[0]
        while v not in seen:
            seen[v] = len(path)
            path.append(v)
            v = sorted(w for w in edges[v] if w in members)[0]
        loop = path[seen[v]:] + [v]
        found.append([(a, b, edges[a][b]) for a, b in zip(loop, loop[1:])])
    return found


def self_test():
    """Planted cycles are found, and none where there is none."""
    tree = {
        # a -> b -> c -> a, through a private header and a file folder.
        "core/a.h": '#include "b.h"\nvoid a_run(void);\n',
        "core/a.c": '#include "a.h"\nvoid\na_run(void)\n{\n}\n',
        "core/b.h": "struct b { int x; };\n",
        "core/b.c": '#include "b.h"\n#include "core/c.h"\n',
        "core/c_int.h": "",
        "core/c.h": "",
        "core/c.c": '#include "c_int.h"\n#include "a.h"\n',
        # types.h declares e.c's functions: it is e's header, and
        # f -> e -> f is a cycle whatever the file names say.
        "core/types.h": "struct t;\nint\te_get(struct t *,\n    int);\n",
        "core/e.c": '#include "types.h"\n#include "f.h"\n'
                    'int\ne_get(struct t *t, int i)\n{\n\treturn (i);\n}\n',
        "core/f.h": "",
        "core/f.c": '#include "types.h"\n',
        "dissectors/d.c": '#include "core/a.h"\n#include "list.def"\n',
        "dissectors/list.def": "",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in tree.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)),
                        exist_ok=True)
            with open(os.path.join(root, rel), "w") as fp:
                fp.write(text)
        found = sorted(sorted(a for a, _, _ in c)
                       for c in cycles(graph(root)))
        want = [["core/a", "core/b", "core/c"], ["core/e", "core/f"]]
        if found != want:
            return "planted cycles %r, found %r" % (want, found)
        for rel in ("core/c.c", "core/f.c"):
            with open(os.path.join(root, rel), "w") as fp:
                fp.write('#include "c_int.h"\n')
        found = cycles(graph(root))
        if found:
            return "a cycle found where there is none: %r" % found
    return None


def main():
    err = self_test()
    if err is not None:
        print("FAIL checker self-test: %s" % err)
        return 1
    print("PASS checker self-test: planted cycles are found")
    root = os.path.normpath(os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    if len(sys.argv) > 1:
        root = sys.argv[1]      # another tree, to check the checker on
    edges = graph(root)
    found = cycles(edges)
    if not found:
        print("PASS include graph: %d modules, %d edges, no cycle" %
              (len(edges), sum(len(v) for v in edges.values())))
        return 0
    for cyc in found:
        print("FAIL include cycle: %s" %
              " -> ".join([a for a, _, _ in cyc] + [cyc[0][0]]))
        for a, b, where in cyc:
            print("       %s -> %s  (%s)" % (a, b, where))
    return 1


if __name__ == "__main__":
    sys.exit(main())
