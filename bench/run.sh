#!/bin/sh
# The benchmark: `make bench`, or sh bench/run.sh after `make`.
#
# Builds in bench/out/ (git-ignored, kept between runs; about 3.5 GB):
#   example-400k.pcap  ../shared/pcaps/traffic/example.pcap repeated to
#                      at least 400k packets, time shifted to increase
#   example-4m.pcap    the same to at least 4M packets
#   scan-1m.pcap       a synthetic SYN scan, 1M distinct flows (gen.py)
#   flood-3m.pcap      a SYN flood, 3M random sources (gen.py flood), and
#   flood-300k.pcap    its first 300k packets, for tshark
#   pcap_floor         libpcap reading the file and nothing else
# then prints taptop's packets/s and peak RSS on each, the floor's rate,
# tshark's rate on the 400k capture, and the ratios against their targets;
# then reads each capture again with a five-term display filter on every
# panel and prints that rate against the unfiltered one (bench.py FILTER);
# then times a refresh tick with twenty idle panels open, skipping them and
# drawing them (bench/ticks.c, linked with taptop's library).
# Then what the per-row rates cost: the same source built again in
# bench/out/build-norates with -DTAPTOP_NO_ROWRATE (a packet's rate update
# compiled out), the two run in turn on the 400k capture, and their
# instructions counted with callgrind on a 100k one (bench.py rates).
# Not a test: it never fails on the numbers.  BENCH_RUNS=N changes the
# number of runs rates are the best of (3).  `sh bench/run.sh ticks` runs
# the tick case alone, `sh bench/run.sh rates` the rates' cost alone,
# `sh bench/run.sh apps` the application panels against tshark alone,
# `sh bench/run.sh flood` the SYN flood (bench.py flood) alone.

set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
out=bench/out
taptop=${TAPTOP:-build/taptop}
src=../shared/pcaps/traffic/example.pcap
if command -v python3 >/dev/null 2>&1; then python=python3; else
	python=/usr/bin/python3; fi

[ -x "$taptop" ] || { echo "bench: build taptop first (make)" >&2; exit 1; }
mkdir -p "$out"

# The tick case, against the library taptop was linked from.
ticks() {
	pkgs="glib-2.0 libpcap ncursesw libgcrypt libcap-ng libseccomp libmicrohttpd"
	# shellcheck disable=SC2046,SC2086
	${CC:-cc} -O2 -std=c11 -D_GNU_SOURCE -Wall -I. -Icore \
		$(pkg-config --cflags $pkgs) -o "$out/ticks" bench/ticks.c \
		"$(dirname "$taptop")/libtaptop.a" $(pkg-config --libs $pkgs) \
		-lpthread -lm
	"$out/ticks" "$src"
}
if [ "${1:-}" = ticks ]; then
	ticks
	exit 0
fi

# Made once; remade when the generator or the source capture changes.
stale() {
	[ ! -s "$1" ] || [ -n "$(find bench/gen.py "$src" -newer "$1")" ]
}

# The rates' cost: this build against one without the rate updates.
rates() {
	norates=$out/build-norates
	make --no-print-directory -j2 BUILD="$norates" \
	    CFLAGS=-DTAPTOP_NO_ROWRATE "$norates/taptop" >/dev/null
	for n in 400 100; do
		f=$out/example-${n}k.pcap
		if stale "$f"; then
			$python bench/gen.py repeat "$src" "$f" ${n}000
		fi
	done
	$python bench/bench.py rates "$taptop" "$norates/taptop" "$out"
}
if [ "${1:-}" = rates ]; then
	rates
	exit 0
fi
# The application panels against tshark's trees, alone.
if [ "${1:-}" = apps ]; then
	if stale "$out/example-400k.pcap"; then
		$python bench/gen.py repeat "$src" "$out/example-400k.pcap" 400000
	fi
	$python bench/bench.py apps "$taptop" "$out"
	exit 0
fi

# shellcheck disable=SC2046
${CC:-cc} -O2 -Wall -o "$out/pcap_floor" bench/pcap_floor.c \
	$(pkg-config --cflags --libs libpcap)

# The SYN flood: 3M packets, and the 300k prefix tshark reads.
flood() {
	if [ ! -s "$out/flood-3m.pcap" ] ||
	    [ -n "$(find bench/gen.py -newer "$out/flood-3m.pcap")" ]; then
		$python bench/gen.py flood "$out/flood-3m.pcap" 3000000
		$python bench/gen.py flood "$out/flood-300k.pcap" 300000
	fi
	$python bench/bench.py flood "$taptop" "$out/pcap_floor" "$out"
}
if [ "${1:-}" = flood ]; then
	flood
	exit 0
fi

if stale "$out/example-400k.pcap"; then
	$python bench/gen.py repeat "$src" "$out/example-400k.pcap" 400000
fi
if stale "$out/example-4m.pcap"; then
	$python bench/gen.py repeat "$src" "$out/example-4m.pcap" 4000000
fi
if stale "$out/scan-1m.pcap"; then
	$python bench/gen.py scan "$out/scan-1m.pcap" 1000000
fi

$python bench/bench.py "$taptop" "$out/pcap_floor" "$out"
echo
flood
echo
ticks
echo
rates
