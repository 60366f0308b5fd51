#!/bin/sh
# Robustness over the whole capture corpus, and the command line's errors.
#
# Every file in ../shared/pcaps/{traffic,odd,malformed} goes through batch
# mode with every panel, once as text and once as JSON.  A run passes when
# it exits 0, or exits non-zero (below 128) with exactly one line on
# stderr.  A signal, a timeout (60 s), or a sanitizer report is a failure,
# whatever the exit status.  JSON output must parse, also after an error
# (statistics are still printed for what was read), and no output may hold
# a raw control character other than tab and newline.
#
# Then the command line: an unknown panel, a bad filter, a bad option, a
# missing file, a capture cut short, and reading the capture from stdin.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pcaps=$root/../shared/pcaps
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac
if command -v python3 >/dev/null 2>&1; then python=python3; else
	python=/usr/bin/python3; fi

if [ ! -x "$taptop" ]; then
	echo "FAIL: no taptop binary at $taptop"
	exit 1
fi
if [ ! -d "$pcaps/traffic" ]; then
	echo "FAIL: no capture corpus at $pcaps"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-corpus.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

PANELS="summary protocols conv.eth conv.ip conv.ipv6 conv.tcp conv.udp
endpoints.eth endpoints.ip endpoints.ipv6 endpoints.tcp endpoints.udp"
panel_args=""
for p in $PANELS; do panel_args="$panel_args --panel $p"; done

runs=0
bad=0

fail() {
	bad=$((bad + 1))
	echo "FAIL $*"
}

# The stderr of a run holds a sanitizer's or the C runtime's report.
crashed() {
	grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|ThreadSanitizer|Segmentation fault|core dumped' "$1"
}

# lines FILE: the number of non-empty lines.
lines() {
	grep -c . "$1"
}

json_ok() {
	$python -c 'import json,sys; d=json.load(sys.stdin); assert "capture" in d and "panels" in d' <"$1" 2>/dev/null
}

# check NAME RC: judges one run whose output is in $tmp/out, $tmp/err.
check() {
	name=$1 rc=$2 json=$3
	runs=$((runs + 1))
	if [ "$rc" -eq 124 ]; then
		fail "$name: timed out after 60 s"
		return
	fi
	if [ "$rc" -ge 128 ]; then
		fail "$name: killed by signal $((rc - 128))"
		sed -n '1,5s/^/       /p' "$tmp/err"
		return
	fi
	if crashed "$tmp/err"; then
		fail "$name: sanitizer or runtime report (exit $rc)"
		grep -m3 -E 'ERROR:|runtime error:|SUMMARY' "$tmp/err" |
			sed 's/^/       /'
		return
	fi
	if [ "$rc" -ne 0 ] && [ "$(lines "$tmp/err")" -ne 1 ]; then
		fail "$name: exit $rc with $(lines "$tmp/err") lines on stderr (want 1)"
		sed -n '1,3s/^/       /p' "$tmp/err"
		return
	fi
	if [ "$json" = json ] && [ -s "$tmp/out" ] && ! json_ok "$tmp/out"; then
		fail "$name: output is not the JSON document (exit $rc)"
		return
	fi
	if [ "$json" = json ] && [ "$rc" -eq 0 ] && [ ! -s "$tmp/out" ]; then
		fail "$name: exit 0 but no output"
		return
	fi
	# Text from packets is escaped: no control character but tab and
	# newline reaches the terminal (or the JSON).
	if tr -d '\t\n' <"$tmp/out" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		fail "$name: a raw control character in the output"
		return
	fi
	if [ "$rc" -ne 0 ]; then
		echo "note $name: exit $rc: $(head -n 1 "$tmp/err")"
	fi
}

for dir in traffic odd malformed; do
	for f in "$pcaps/$dir"/*; do
		[ -f "$f" ] || continue
		rel=$dir/$(basename "$f")
		# shellcheck disable=SC2086
		timeout 60 "$taptop" -r "$f" --batch $panel_args \
			>"$tmp/out" 2>"$tmp/err" </dev/null
		check "$rel (text)" $? text
		# shellcheck disable=SC2086
		timeout 60 "$taptop" -r "$f" --batch --json $panel_args \
			>"$tmp/out" 2>"$tmp/err" </dev/null
		check "$rel (json)" $? json
	done
done
echo "corpus: $runs runs, $bad failed"

# The command line.  expect NAME WANT_RC PATTERN -- ARGS...: the run exits
# with WANT_RC ("nonzero" for any of 1..127), prints one stderr line that
# matches the grep -E PATTERN.  A bad display filter (expect_filter) may
# instead print three, as tshark does: the message, the filter, and a
# caret line under the spot.
cli_bad=0
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	timeout 60 "$taptop" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	why=""
	if [ $rc -eq 124 ]; then
		why="timed out"
	elif [ $rc -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif crashed "$tmp/err"; then
		why="sanitizer report: $(grep -m1 -E 'ERROR:|runtime error:' "$tmp/err")"
	elif [ "$want" = nonzero ]; then
		[ $rc -ne 0 ] || why="exit 0, want non-zero"
	elif [ $rc -ne "$want" ]; then
		why="exit $rc, want $want"
	fi
	n=$(lines "$tmp/err")
	if [ -z "$why" ] && [ "$n" -ne 1 ] && ! { [ "${caret:-}" = yes ] &&
	    [ "$n" -eq 3 ] && sed -n 3p "$tmp/err" | grep -qE '^ +\^~*$'; }; then
		why="$n lines on stderr, want 1${caret:+ (or 3 with a caret)}"
	fi
	if [ -z "$why" ] && ! grep -qiE -- "$pat" "$tmp/err"; then
		why="message does not match /$pat/"
	fi
	if [ -n "$why" ]; then
		cli_bad=$((cli_bad + 1))
		echo "FAIL cli $name: $why"
		sed -n '1,3s/^/       /p' "$tmp/err"
	else
		echo "PASS cli $name: $(head -n 1 "$tmp/err")"
	fi
}

expect_filter() {
	caret=yes
	expect "$@"
	caret=
}

ex=$pcaps/traffic/example.pcap
expect "unknown panel" 2 "no-such-panel" -- \
	-r "$ex" --batch --panel no-such-panel
expect_filter "bad filter" 2 "." -- \
	-r "$ex" --batch --panel "conv.ip:ip.src ==" 
expect_filter "bad filter syntax" 2 "." -- \
	-r "$ex" --batch --panel "conv.tcp:tcp.port == 80 &&& x"
expect_filter "unknown field in filter" 2 "no_such_field" -- \
	-r "$ex" --batch --panel "conv.ip:ip.no_such_field == 1"
expect "bad option" 2 "no-such-option" -- \
	-r "$ex" --batch --no-such-option
expect "missing file" nonzero "does-not-exist" -- \
	-r "$tmp/does-not-exist.pcap" --batch --panel summary
printf 'this is not a capture file\n' >"$tmp/garbage.pcap"
expect "not a capture" nonzero "." -- \
	-r "$tmp/garbage.pcap" --batch --panel summary

# A capture cut in the middle of a record: the statistics of the whole
# records before the cut are printed, with one clear error line.
cut=200000
head -c $cut "$ex" >"$tmp/cut.pcap"
whole=$($python - "$tmp/cut.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
off, n = 24, 0
while off + 16 <= len(d):
    incl = struct.unpack(e + "IIII", d[off:off + 16])[2]
    if off + 16 + incl > len(d):
        break
    off += 16 + incl
    n += 1
print(n)
EOF
)
timeout 60 "$taptop" -r "$tmp/cut.pcap" --batch --json --panel summary \
	>"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
got=$($python -c 'import json,sys; print(json.load(sys.stdin)["capture"]["packets"])' <"$tmp/out" 2>/dev/null)
if [ $rc -ge 124 ] || crashed "$tmp/err"; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli truncated file: crashed, hung or sanitizer report (exit $rc)"
	grep -m1 -E 'ERROR:|runtime error:' "$tmp/err" | sed 's/^/       /'
elif [ $rc -eq 0 ]; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli truncated file: exit 0, want non-zero"
elif [ "$(lines "$tmp/err")" -ne 1 ]; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli truncated file: $(lines "$tmp/err") stderr lines, want 1"
elif [ "$got" != "$whole" ]; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli truncated file: packets=${got:-none}, want $whole (the whole records)"
else
	echo "PASS cli truncated file: $whole packets, exit $rc: $(head -n 1 "$tmp/err")"
fi

# -r - reads the capture from stdin, with the same numbers as from the file.
strip_source='import json,sys; d=json.load(sys.stdin); d["capture"].pop("source",None); print(json.dumps(d,sort_keys=True))'
# shellcheck disable=SC2086
timeout 60 "$taptop" -r "$ex" --batch --json $panel_args 2>/dev/null </dev/null |
	$python -c "$strip_source" >"$tmp/file.json" 2>/dev/null
# shellcheck disable=SC2086
timeout 60 "$taptop" -r - --batch --json $panel_args <"$ex" >"$tmp/out" 2>"$tmp/err"
rc=$?
$python -c "$strip_source" <"$tmp/out" >"$tmp/stdin.json" 2>/dev/null
if [ $rc -ne 0 ]; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli -r -: exit $rc: $(head -n 1 "$tmp/err")"
elif [ ! -s "$tmp/stdin.json" ] || ! cmp -s "$tmp/file.json" "$tmp/stdin.json"; then
	cli_bad=$((cli_bad + 1)); echo "FAIL cli -r -: output differs from reading the file"
else
	echo "PASS cli -r -: same output as from the file"
fi
echo "cli: $cli_bad failed"

[ $bad -eq 0 ] && [ $cli_bad -eq 0 ]
