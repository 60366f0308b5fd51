#!/bin/sh
# e2e: serial (captures on lo)
# The status line's drop segment on a live capture (root only: exit 77
# otherwise).  taptop captures -c 500 UDP packets this test sends to itself
# on lo.  The kernel goes on receiving after taptop has its 500, so its
# count is larger than taptop's and the two must not be shown side by side
# as if they should match: the segment gives the kernel's drops as a share
# of what the kernel received, with no received count and no "taptop
# counted".  (The -B hint above 0.1% of drops is unit-tested on fmt_drops
# in tests/unit/test_tui.c: drops cannot be caused on demand here.)

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: a live capture needs root"
	exit 77
fi
if ! command -v tmux >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1
then
	echo "SKIP: tmux or python3 is not installed"
	exit 77
fi
if [ ! -x "$taptop" ]; then
	echo "FAIL: no taptop binary at $taptop"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-drops.XXXXXX") || exit 1
sock=$tmp/tmux.sock
T() { tmux -S "$sock" "$@"; }
sender=
trap 'T kill-server 2>/dev/null; [ -n "$sender" ] && kill $sender 2>/dev/null
    rm -rf "$tmp"' EXIT INT TERM

fails=0
S=drops
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1"
	fails=$((fails + 1))
	echo "--- screen:"
	T capture-pane -t "$S" -p 2>/dev/null | sed 's/^/| /'
	echo "---"
}
screen() { T capture-pane -t "$S" -p 2>/dev/null; }
line() { screen | sed -n "${1}p"; }
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

port=$((20000 + $$ % 20000))
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 60
while time.time() < end:
    s.sendto(b"x" * 100, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.002)
' $port &
sender=$!

cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
"$@" 2>"$DIR/stderr"
echo "EXITED $?"
exec sleep 600
EOF
T new-session -d -s "$S" -x 220 -y 30 env LC_ALL=C.UTF-8 LANG=C.UTF-8 \
    DIR="$tmp" sh "$tmp/run.sh" "$taptop" -i lo -f "udp dst port $port" \
    -c 500 -d 0.5 --panel summary

if wait_for "lo .* finished"; then
	pass "-c 500 on lo: the capture finishes"
else
	fail "-c 500 on lo: no \"finished\""
fi
if wait_for "^ 500 packets"; then
	pass "taptop counted its 500"
else
	fail "no \"500 packets\""
fi
# The drop segment, as the kernel's share, in its long form (220 columns:
# room for every segment's long form beside the sparkline).
l2=$(line 2)
if echo "$l2" | grep -Eq "kernel drops [0-9.]+% \([0-9.]+[kMG]? packets?\)"
then
	pass "drops as a share of what the kernel received"
else
	fail "drop segment: $l2"
fi
if echo "$l2" | grep -Eq "received|counted"; then
	fail "the kernel's count set beside taptop's: $l2"
else
	pass "no received count set beside taptop's"
fi
T send-keys -t "$S" q
if wait_for "EXITED 0"; then pass "q"; else fail "q: no exit 0"; fi
if grep -qE 'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/stderr"; then
	fail "errors on stderr: $(head -20 "$tmp/stderr")"
fi

[ $fails = 0 ]
