#!/bin/sh
# Fuzzes the dissectors, taps and panels, and the display-filter compiler:
# `make fuzz` or
#   sh tests/fuzz/run.sh [SECONDS]   (default 60, split between the targets)
#
# Builds, with everything but the front end (core/, dissectors/, panels/)
# under clang's libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer,
# into build-fuzz/:
#   fuzz_frame    tests/fuzz/fuzz_frame.c: bytes dissected as one frame;
#                 seeded with every packet of ../shared/pcaps (one file per
#                 packet, a link-type byte first: see pcap_split.py)
#   fuzz_dfilter  tests/fuzz/fuzz_dfilter.c: bytes compiled as a display
#                 filter and run on a few frames; seeded with the filters
#                 of tests/e2e/filters.txt, with a dictionary of the
#                 language's tokens and the table's words
# and fuzzes each for its share of SECONDS (half each; FUZZ_TARGETS="frame"
# or "dfilter" runs one of them for all of it).  Exits non-zero if either
# found a crash, a leak, a timeout or undefined behaviour; the input that
# caused it is kept in build-fuzz/artifacts/<target>/.  Set FUZZ_CORPUS to
# a directory to keep (and grow) the corpora across runs (one subdirectory
# per target).

set -e
seconds=${1:-60}
targets=${FUZZ_TARGETS:-"frame dfilter"}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
out=build-fuzz
CC=${FUZZ_CC:-clang}
if command -v python3 >/dev/null 2>&1; then python=python3; else
	python=/usr/bin/python3; fi

command -v "$CC" >/dev/null 2>&1 || {
	echo "fuzz: $CC not found (sh tools/deps.sh test)" >&2
	exit 1
}

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -I. -Icore
	$(pkg-config --cflags glib-2.0 libpcap)"
libs="$(pkg-config --libs glib-2.0 libpcap) -lpthread -lm"
# The libraries the core links with besides (the Makefile's PKGS):
# libgcrypt (QUIC's client Initials), libcap-ng and libseccomp (the
# privilege drop), libmicrohttpd (the Prometheus endpoint).
more="libgcrypt libcap-ng libseccomp libmicrohttpd"
# shellcheck disable=SC2086
cflags="$cflags $(pkg-config --cflags $more)"
# shellcheck disable=SC2086
libs="$libs $(pkg-config --libs $more)"

# Rebuilds an object when its source, or any header or list.def (they are
# few and shared), is newer.
compile() {
	obj=$out/$(echo "$1" | sed 's|/|_|g; s|\.c$|.o|')
	if [ ! -f "$obj" ] || [ -n "$(find "$1" core dissectors panels \
	    -name '*.[ch]' -newer "$obj" -o -name '*.def' -newer "$obj" |
	    head -n 1)" ]; then
		# shellcheck disable=SC2086
		$CC $cflags -fsanitize=fuzzer-no-link $san -c "$1" -o "$obj"
	fi
}

mkdir -p "$out"
objs=""
for src in core/*.c core/dfilter/*.c dissectors/*.c panels/*.c; do
	[ -f "$src" ] || continue
	compile "$src"
	objs="$objs $obj"
done
for t in $targets; do
	compile "tests/fuzz/fuzz_$t.c"
	# shellcheck disable=SC2086
	$CC -fsanitize=fuzzer $san -o "$out/fuzz_$t" $objs "$obj" $libs
	mkdir -p "$out/artifacts/$t"
	echo "fuzz: built $out/fuzz_$t"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Seeds (read only) and, for fuzz_dfilter, a dictionary.
seeds_frame() {
	$python tests/fuzz/pcap_split.py "$1" \
		"$root"/../shared/pcaps/*/*.pcap \
		"$root"/../shared/pcaps/*/*.pcapng "$root"/../shared/pcaps/*/*.cap
}
seeds_dfilter() {
	$python - tests/e2e/filters.txt "$1" "$tmp/dfilter.dict" <<'EOF'
import hashlib, os, re, sys
table, outdir, dict_path = sys.argv[1:4]
words = set()
with open(table, encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#") or \
                re.fullmatch(r"\[\w+\]", line.strip()):
            continue
        data = line.encode()
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(outdir, name), "wb") as o:
            o.write(data)
        words.update(re.findall(r"[A-Za-z_][\w.]*", line))
ops = ["==", "!=", "===", "!==", ">", "<", ">=", "<=", "&&", "||", "!",
       "&", "(", ")", "{", "}", "[", "]", ":", "-", ",", "..", "~", "\"",
       "'", "\\x", "\\", "/", "r\"", "0x", "any_eq", "all_ne", "all_eq",
       "any_ne"]
with open(dict_path, "w") as d:
    for w in sorted(words) + ops:
        d.write('"%s"\n' % "".join(
            c if 32 <= ord(c) < 127 and c not in '"\\' else "\\x%02x" % ord(c)
            for c in w))
EOF
}

ntargets=$(echo "$targets" | wc -w)
share=$((seconds / ntargets))
[ "$share" -ge 1 ] || share=1
failed=""
for t in $targets; do
	if [ -n "$FUZZ_CORPUS" ]; then
		corpus=$FUZZ_CORPUS/$t
	else
		corpus=$tmp/corpus-$t
	fi
	mkdir -p "$corpus" "$tmp/seeds-$t"
	"seeds_$t" "$tmp/seeds-$t"
	case $t in
	frame) extra="-max_len=16384" ;;
	dfilter) extra="-max_len=512 -dict=$tmp/dfilter.dict" ;;
	esac
	echo "fuzz: $t for $share s"
	set +e
	# New inputs go to the first directory; the seeds are only read.
	# shellcheck disable=SC2086
	ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$out/fuzz_$t" -max_total_time="$share" $extra -timeout=10 \
		-rss_limit_mb=2048 -detect_leaks=1 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t/" "$corpus" "$tmp/seeds-$t"
	rc=$?
	set -e
	if [ $rc -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc); reproduce with" \
		    "$out/fuzz_$t $out/artifacts/$t/<file>"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed"
	exit 1
fi
echo "fuzz: no crash or leak in $seconds s ($targets)"
