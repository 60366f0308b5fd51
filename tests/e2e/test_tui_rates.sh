#!/bin/sh
# e2e: serial (captures on lo)
# The rates per row and the two views, on the screen of the taptop binary
# in a tmux server of this test's own (as test_tui.sh: keys sent with
# send-keys, the screen read with capture-pane, each check polling for at
# most 10 s; nothing waits a fixed time).
#
# A capture of three flows (ratecap.py "idle": X sends to the end, Y
# stopped 20 s before it, Z 50 s before it) is replayed to its end at
# --speed 20:
# - a replay opens on "now", sorted by the 2 s rate, and the title says
#   so; Y is dim (A_DIM, and a "·" in the first column), Z is not listed;
# - v shows all rows (Z too, by bytes, none dim), and v again "now";
# - the 2 s rate on the screen is the one batch mode prints for the same
#   packets, though the replay was paced;
# - b shows the rates in bits, titles too;
# - the protocol tree keeps its order in "now"; the summary has one view;
# - under LANG=C the idle mark is "."; read at full speed the file opens
#   on all rows;
# - as root, live on lo: "now", with the 2 s rate of traffic this test
#   sends.

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-tuirates.XXXXXX") || exit 1
sock=$tmp/tmux.sock
T() { tmux -S "$sock" "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

pcap=$tmp/idle.pcap
python3 "$here/ratecap.py" idle "$pcap" || exit 1

fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1"
	fails=$((fails + 1))
	echo "--- screen of $S:"
	T capture-pane -t "$S" -p 2>/dev/null | sed 's/^/| /'
	echo "---"
}

cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
trap : INT TSTP
sh -c 'echo $$ >"$DIR/pid"; exec "$@" 2>"$DIR/stderr"' sh "$@"
echo "EXITED $?"
exec sleep 600
EOF

# start NAME LOCALE TAPTOP-ARGS...: a session of 120x30.
start() {
	S=$1
	loc=$2
	shift 2
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x 120 -y 30 \
	    env LC_ALL="$loc" LANG="$loc" XDG_STATE_HOME="$tmp/state" \
	    DIR="$tmp/$S" sh "$tmp/run.sh" "$taptop" "$@"
}

screen() { T capture-pane -t "$S" -p 2>/dev/null; }
# With the attributes, as escape sequences.
screen_e() { T capture-pane -e -t "$S" -p 2>/dev/null; }

wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

wait_gone() {
	i=0
	while [ $i -lt 100 ]; do
		screen | grep -Eq -- "$1" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

check() {
	if wait_for "$2"; then pass "$1"; else fail "$1 (wanted /$2/)"; fi
}

check_gone() {
	if wait_gone "$2"; then pass "$1"; else fail "$1 (still /$2/)"; fi
}

keys() { T send-keys -t "$S" "$@"; }

check_stderr() {
	if [ -s "$tmp/$S/stderr" ] && grep -qE \
	    'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	fi
}

# ---- 1. A replay, to its end -----------------------------------------------

start replay C.UTF-8 -r "$pcap" --speed 20 --panel conv.ip \
    --panel protocols --panel summary
check "replay: the file is replayed to its end" "file finished"
check "replay: the title says \"now\"" \
    "IPv4 Conversations .* view: now \(active in 40 s\)"
check "replay: sorted by the 2 s rate" "sorted by Bytes/s 2s ▼"
check "replay: 2 of the 3 conversations are active" "2 of 3 rows"
check "replay: X, sending, on the first row, not dim" \
    "^[ >]10\.0\.1\.1 +10\.0\.1\.2 +[0-9.]+ kB/s"
check "replay: Y, idle for 20 s, marked" \
    "^·10\.0\.1\.3 +10\.0\.1\.4 +0 B/s +0 B/s +[0-9.]+ kB/s"
if screen | grep -q "10\.0\.1\.5"; then
	fail "replay: Z, idle for 50 s, is listed in \"now\""
else
	pass "replay: Z, idle for 50 s, is not listed in \"now\""
fi
# A_DIM is SGR 2: on Y's row, not on X's.
dim=$(screen_e | python3 -c '
import sys
x = y = None
for l in sys.stdin.buffer.read().decode("utf-8").split("\n"):
    if "10.0.1.1" in l: x = l
    if "10.0.1.3" in l: y = l
dimmed = lambda l: l is not None and ("\x1b[2m" in l or ";2m" in l)
print("%s %s" % (dimmed(x), dimmed(y)))
')
if [ "$dim" = "False True" ]; then
	pass "replay: Y's row is dim, X's is not"
else
	fail "replay: dim rows (X, Y dim: $dim)"
fi

# The screen's 2 s rate of X is batch mode's, for the same packets.
want=$("$taptop" -r "$pcap" --batch --json --panel conv.ip | python3 -c '
import json, sys
for r in json.load(sys.stdin)["panels"][0]["rows"]:
    if r["a"] == "10.0.1.1":
        print(r["rate_2s"])
')
got=$(screen | sed 's/^>/ /' | awk '$1 == "10.0.1.1" { print $3, $4; exit }')
if python3 - "$want" "$got" <<'PY'
import sys
want = float(sys.argv[1])
num, unit = sys.argv[2].split()
scale = {"B/s": 1, "kB/s": 1e3, "MB/s": 1e6}[unit]
got = float(num) * scale
sys.exit(0 if abs(got - want) <= 0.01 * want else 1)
PY
then
	pass "replay: X's 2 s rate on screen ($got) is batch mode's ($want B/s)"
else
	fail "replay: X's 2 s rate on screen ($got), batch mode's $want B/s"
fi

keys v
check "v: all rows, and the title says so" \
    "IPv4 Conversations .* 3 rows .* view: all rows"
check "v: sorted by bytes" "sorted by Bytes ▼"
check "v: Z is listed" "^ 10\.0\.1\.5 +10\.0\.1\.6 +0 B/s"
check_gone "v: no row is marked idle in \"all\"" "^·"
keys v
check "v again: now" "view: now \(active in 40 s\)"
check "v again: Y marked again" "^·10\.0\.1\.3"
keys b
check "b: the rates' titles in bits" "▼ Bits/s 2s +Bits/s 10s +Bits/s 40s"
check "b: the rates in bits" "^[ >]10\.0\.1\.1 +10\.0\.1\.2 +[0-9.]+ kb/s"
keys b
keys 2
check "protocols: now, in tree order" \
    "Protocol Hierarchy .* tree order .* view: now"
check "protocols: shares, bits/s" "% Frames +Frames +% Bytes +Bytes +Bits/s"
check "protocols: eth is all of it" "^[ >]eth +100\.0% "
keys 3
check "summary: no view in the title" "Summary \(summary\)"
keys v
check "summary: v says it has no rates" "summary has no rates"
keys q
check "replay: q" "EXITED 0"
check_stderr "replay"

# ---- 2. ASCII, and a file read at full speed --------------------------------

start ascii C -r "$pcap" --speed 20 --panel conv.ip
check "LANG=C: replayed" "file finished"
check "LANG=C: the idle mark is a dot" "^\.10\.0\.1\.3 +10\.0\.1\.4"
keys q
check "LANG=C: q" "EXITED 0"

start fast C.UTF-8 -r "$pcap" --panel conv.ip
check "full speed: finished" "file finished"
check "full speed: opens on all rows, by bytes" \
    "3 rows +sorted by Bytes ▼ +view: all rows"
keys v
check "full speed: v shows what was active at the file's end" \
    "2 of 3 rows .* view: now"
keys q
check_stderr "fast"

# ---- 3. Live on loopback, as root -----------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "SKIP live: needs root"
	[ $fails = 0 ]
	exit
fi
port=$((20000 + ($$ + 7) % 20000))
# 50 datagrams of 1000 bytes a second: 1042 bytes a frame on lo.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 30
while time.time() < end:
    s.sendto(b"x" * 1000, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.02)
' $port &
sender=$!
start live C.UTF-8 -i lo -f "udp dst port $port" -d 0.5 --panel conv.udp
check "live: capturing on lo" "lo .*capturing"
check "live: opens on \"now\", by the 2 s rate" \
    "sorted by Bytes/s 2s ▼ +view: now"
check "live: the conversation with its 2 s rate" \
    "127\.0\.0\.1 +127\.0\.0\.1 .* $port +[1-9][0-9.]* kB/s"
keys q
check "live: q" "EXITED 0"
check_stderr "live"
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null

[ $fails = 0 ]
