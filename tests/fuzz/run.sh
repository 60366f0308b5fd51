#!/bin/sh
# Fuzzes the dissectors, taps and panels: `make fuzz` or
#   sh tests/fuzz/run.sh [SECONDS]   (default 60)
#
# Builds tests/fuzz/fuzz_frame.c with everything but the front end
# (core/, dissectors/, panels/) under clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer into build-fuzz/, seeds a corpus in a
# temporary directory with every packet of ../shared/pcaps (one file per
# packet, a link-type byte first: see pcap_split.py), and fuzzes for
# SECONDS.  Exits non-zero on a crash, a leak, a timeout or undefined
# behaviour; the input that caused it is kept in build-fuzz/artifacts/.
# Set FUZZ_CORPUS to a directory to keep (and grow) the corpus across runs.

set -e
seconds=${1:-60}
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

mkdir -p "$out/artifacts"
objs=""
for src in core/*.c dissectors/*.c panels/*.c tests/fuzz/fuzz_frame.c; do
	[ -f "$src" ] || continue
	obj=$out/$(echo "$src" | sed 's|/|_|g; s|\.c$|.o|')
	# Rebuild what changed (headers included: they are few and shared).
	if [ ! -f "$obj" ] || [ -n "$(find "$src" core dissectors panels \
	    -name '*.[ch]' -newer "$obj" -o -name '*.def' -newer "$obj" |
	    head -n 1)" ]; then
		# shellcheck disable=SC2086
		$CC $cflags -fsanitize=fuzzer-no-link $san -c "$src" -o "$obj"
	fi
	objs="$objs $obj"
done
# shellcheck disable=SC2086
$CC -fsanitize=fuzzer $san -o "$out/fuzz_frame" $objs $libs
echo "fuzz: built $out/fuzz_frame"

if [ -n "$FUZZ_CORPUS" ]; then
	corpus=$FUZZ_CORPUS
	mkdir -p "$corpus"
	tmp=""
else
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-fuzz.XXXXXX")
	corpus=$tmp/corpus
	mkdir -p "$corpus"
fi
seeds=$(mktemp -d "${TMPDIR:-/tmp}/taptop-seeds.XXXXXX")
trap 'rm -rf "$seeds" $tmp' EXIT INT TERM
$python tests/fuzz/pcap_split.py "$seeds" \
	"$root"/../shared/pcaps/*/*.pcap "$root"/../shared/pcaps/*/*.pcapng \
	"$root"/../shared/pcaps/*/*.cap

set +e
# New inputs go to the first directory; the seeds are only read.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/fuzz_frame" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$out/artifacts/" "$corpus" "$seeds"
rc=$?
if [ $rc -ne 0 ]; then
	echo "fuzz: FAILED (exit $rc); reproduce with $out/fuzz_frame $out/artifacts/<file>"
	exit $rc
fi
echo "fuzz: no crash in $seconds s"
