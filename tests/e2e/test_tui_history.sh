#!/bin/sh
# e2e: serial (drives a terminal, timing-sensitive)
# History on the screen, read from the taptop binary in a tmux server of
# this test's own (keys sent with send-keys, the screen read with
# capture-pane, each check polling for at most 10 s; nothing waits a fixed
# time):
#
# - the sparkline of the counters line, on a replay at --speed 1 of a
#   capture written here with a known shape: ten seconds of one 100-byte
#   packet a second, a burst of 8 Mb/s in second 2 and one of 4 Mb/s in
#   second 4.  The cells of those seconds read "▁▁█▁▄▁", the scale "max
#   8.00 Mb/s", in the order the seconds were replayed; under LANG=C the
#   same cells in ASCII (". . # . = .");
# - its width: at least a minute at 132 columns, fewer but some at 80;
# - the io panel drawn as a chart at 80x24: both plots with their scales,
#   the burst's column full height in the bits/s plot, the time axis, the
#   tab bar and the hint line still there; several io panels with their
#   own filters, one added at the prompt; a filter that matches nothing
#   draws a flat chart, not an error.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac

if ! command -v tmux >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1
then
	echo "SKIP: tmux or python3 is not installed"
	exit 77
fi
if [ ! -x "$taptop" ]; then
	echo "FAIL: no taptop binary at $taptop"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-tuihist.XXXXXX") || exit 1
sock=$tmp/tmux.sock
T() { tmux -S "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1"
	fails=$((fails + 1))
	echo "--- screen of $S:"
	T capture-pane -t "$S" -p 2>/dev/null | sed 's/^/| /'
	echo "---"
}

# The capture: Ethernet, IPv4, UDP 10.0.0.1:5000 -> 10.0.0.2:6000, the
# frame padded to its length; seconds of the epoch, so that each burst is
# in one second of the rate ring.
cat >"$tmp/mk.py" <<'PY'
import struct, sys
T0 = 1700000000
def frame(n):
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, n - 14, 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack(">HHHH", 5000, 6000, n - 34, 0)
    return (b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa\x08\x00" +
            ip + udp).ljust(n, b"\0")
pkts = []
if sys.argv[2] == "burst":
    for s in range(10):
        burst = {2: 1000, 4: 500}.get(s, 0)
        if not burst:
            pkts.append((T0 + s, 500000, frame(100)))
        for i in range(burst):
            pkts.append((T0 + s, 500000 + i * 300, frame(1000)))
else:
    # steady: a packet a second for 200 s, every cell the same.
    pkts = [(T0 + s, 500000, frame(100)) for s in range(200)]
head = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
recs = [(s, struct.pack("<IIII", s, us, len(b), len(b)) + b)
        for s, us, b in pkts]
with open(sys.argv[1], "wb") as f:
    f.write(head + b"".join(r for _, r in recs))
# The same in two parts: seconds 0 and 1, then the rest.
with open(sys.argv[1] + ".1", "wb") as f:
    f.write(head + b"".join(r for s, r in recs if s < T0 + 2))
with open(sys.argv[1] + ".2", "wb") as f:
    f.write(b"".join(r for s, r in recs if s >= T0 + 2))
PY
python3 "$tmp/mk.py" "$tmp/burst.pcap" burst || exit 1
python3 "$tmp/mk.py" "$tmp/steady.pcap" steady || exit 1

# The pane runs taptop and stays afterwards.
cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
"$@" 2>"$DIR/stderr"
echo "EXITED $?"
exec sleep 600
EOF

# start NAME LOCALE WIDTH HEIGHT TAPTOP-ARGS...
start() {
	S=$1
	loc=$2
	w=$3
	h=$4
	shift 4
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x "$w" -y "$h" \
	    env LC_ALL="$loc" LANG="$loc" XDG_STATE_HOME="$tmp/state" \
	    DIR="$tmp/$S" sh "$tmp/run.sh" "$taptop" "$@"
}

# A session that outlives the others, so that the server does not go
# away (and come back) between two of them.
T new-session -d -s keep sleep 600

screen() { T capture-pane -t "$S" -p 2>/dev/null; }
line() { screen | sed -n "${1}p"; }
keys() { T send-keys -t "$S" "$@"; }
text() { T send-keys -t "$S" -l -- "$1"; }

wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

check() {
	if wait_for "$2"; then pass "$1"; else fail "$1 (wanted /$2/)"; fi
}

# check_line DESC N PATTERN: line N matches PATTERN (polled).
check_line() {
	i=0
	while [ $i -lt 100 ] && ! line "$2" | grep -Eq -- "$3"; do
		sleep 0.1
		i=$((i + 1))
	done
	if line "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1 (line $2 is not /$3/)"
	fi
}

check_stderr() {
	if [ -s "$tmp/$S/stderr" ] && grep -qE \
	    'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	fi
}

# The sparkline's cells on steady.pcap: each second the same, all full.
cells() {
	line 2 | python3 -c 'import sys; print(sys.stdin.read().count("█"))'
}

# ---- 1. The sparkline on a replay at real speed ---------------------------

start replay C.UTF-8 132 30 -r "$tmp/burst.pcap" --speed 1 --panel summary
check "replay: running at 1x" "replaying at 1x"
# Seconds 0 to 5 replayed: the burst of second 2 and the half burst of 4.
check_line "replay: the bursts' heights, in order" 2 \
    "▁▁█▁▄▁.* max 8\.00 Mb/s$"
check_line "replay: the scale stays while the burst is on screen" 2 \
    "▁▁█▁▄▁▁▁▁.* max 8\.00 Mb/s$"
check_stderr "replay"

start narrow C.UTF-8 80 24 -r "$tmp/burst.pcap" --panel summary
check "80 columns: the file is read" "file finished"
# Once the capture ended, its last second is shown too.
check_line "80 columns: the whole capture in the sparkline" 2 \
    "▁▁█▁▄▁▁▁▁▁ max 8\.00 Mb/s$"
check_line "80 columns: the counters keep their place" 2 "^ [0-9.]+k? pkts "

# Widths, on 200 s of steady traffic: every cell full.
for size in "132 30 60 120" "80 24 20 59" "200 30 61 120"; do
	set -- $size
	start "wide$1" C.UTF-8 "$1" "$2" -r "$tmp/steady.pcap" --panel summary
	check "$1 columns: the file is read" "file finished"
	check_line "$1 columns: the sparkline" 2 "█ max 800 b/s$"
	n=$(cells)
	if [ "$n" -ge "$3" ] && [ "$n" -le "$4" ]; then
		pass "$1 columns: $n cells, $3 to $4"
	else
		fail "$1 columns: $n cells, not $3 to $4"
	fi
done

start ascii C 100 24 -r "$tmp/burst.pcap" --panel summary
check "LANG=C: the file is read" "file finished"
check_line "LANG=C: the sparkline in ASCII" 2 '\.\.#\.=\.\.\.\.\. max 8\.00 Mb/s$'
if screen | LC_ALL=C grep -q '[^ -~]'; then
	fail "LANG=C: a non-ASCII byte on screen"
else
	pass "LANG=C: only ASCII on screen"
fi

# ---- 2. The io chart at 80x24 ---------------------------------------------

# Intervals count from the first packet (second 0 + 0.5): interval k
# holds second k's packets, the bursts in intervals 2 and 4.  The capture
# comes through a FIFO, in two parts: a third io panel is added at the
# prompt between them, and sees the bursts of the second.
mkfifo "$tmp/fifo" || exit 1
start chart C.UTF-8 80 24 -r "$tmp/fifo" --panel io:udp --panel "io:tcp"
exec 3>"$tmp/fifo"
cat "$tmp/burst.pcap.1" >&3
check_line "chart: the tabs" 3 "1 io \[udp\] │ 2 io \[tcp\]"
check "chart: the first part is read" "reading file"
# Another at the prompt: a, the letter i, Enter, then its filter.
keys a
check "chart: the add menu" "Add a panel"
keys i Enter
check "chart: the filter prompt" "New io panel, filter"
text "udp.length > 500"
keys Enter
check_line "chart: a third io panel" 3 "3 io \[udp.length > 500\]"
keys 1
check_line "chart: back to the first" 4 "filter: udp "
cat "$tmp/burst.pcap.2" >&3
exec 3>&-
check "chart: the file is read" "file finished"
check_line "chart: bits/s and its scale" 5 \
    "^ Bits/s +max 8\.00 Mb/s +last "
check_line "chart: the burst is full height" 6 "^8\.00M │  █ *$"
check_line "chart: the half burst is half height" 10 "^ +│  █ █ *$"
check_line "chart: the bits/s plot's floor" 13 "^ +0 │▁▁█▁█▁▁▁▁▁ *$"
check_line "chart: packets/s and its scale" 14 \
    "^ Packets/s +max 1\.00k/s +last 1/s"
check_line "chart: the time axis" 22 "^ +└┬─+$"
check_line "chart: its labels" 23 "^ +0s *$"
check_line "chart: the hint line" 24 "q:quit"
keys 2
check_line "chart: tcp matches nothing: a flat chart" 5 \
    "^ Bits/s +max 0 b/s +last 0 b/s"
check_line "chart: ... with its intervals" 22 "^ +└┬─+$"
keys 3
check_line "chart: the new one draws" 5 "^ Bits/s +max 8\.00 Mb/s"
check_line "chart: without the 100-byte packets" 13 "^ +0 │  █ █ *$"
# Smaller: one plot, then none but a message-free screen.
T resize-window -t "$S" -x 80 -y 11
check_line "80x11: bits/s alone" 5 "^ Bits/s"
if screen | grep -q "Packets/s"; then
	fail "80x11: no room for packets/s"
else
	pass "80x11: no room for packets/s"
fi
check_line "80x11: the axis" 9 "^ +└┬"
T resize-window -t "$S" -x 80 -y 24
check_line "80x24 again: both" 14 "^ Packets/s"
check_stderr "chart"
keys q
check "chart: q" "EXITED 0"

if [ $fails -gt 0 ]; then
	echo "$fails checks failed"
	exit 1
fi
echo "all checks passed"
exit 0
