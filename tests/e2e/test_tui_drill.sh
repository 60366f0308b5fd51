#!/bin/sh
# e2e: serial (drives a terminal, timing-sensitive)
# Drill-down and names in the interface, for real: taptop in a tmux server
# of this test's own, keys sent, the screen read (test_tui.sh has the
# harness this one copies).  Every check polls the screen for at most 10 s.
#
# 1. A capture on a pipe that this test feeds in stages (a writer that
#    waits for a file before each), so that the table changes under the
#    selection:
#    - the first row is selected (">" in the margin, reverse video);
#      Down and Up move it;
#    - new packets make the selected conversation fall to the second
#      rank: the selection follows it, not the screen position;
#    - Enter opens the choice of panel types, on the row's own type, then
#      the prompt with the row's filter typed, exactly; Enter adds the
#      panel, and packets fed then count in it only for that row;
#    - the new panel fills at once from the history ring (the pipe's
#      packets so far), then counts what comes;
#    - G makes another row's filter the global filter: the status line
#      shows it, every panel counts again from the history, that row only.
#    The same pipe with --history 0: G says the counts restart, and they
#    do (0 rows), then only that row comes back.
# 2. A file, names from a hosts file of this test's ($TAPTOP_HOSTS) and
#    service names from its services file ($TAPTOP_SERVICES): n shows the
#    names (escaped when they hold control characters) and back, N the
#    port names and back; a drill-down filter names addresses, not names.
# 3. --resolve on a capture of 127.0.0.1 only, with an empty hosts file:
#    the system's /etc/hosts names it ("localhost") on screen.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac
pcap=$root/../shared/pcaps/traffic/example.pcap

if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux is not installed"
	exit 77
fi
if [ ! -x "$taptop" ] || [ ! -f "$pcap" ]; then
	echo "FAIL: no taptop binary at $taptop or no $pcap"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-drill.XXXXXX") || exit 1
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

cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
trap : INT TSTP
ulimit -c 0 2>/dev/null
if [ -n "$PIPE_FROM" ]; then
	python3 "$PIPE_FROM" "$DIR" | sh -c 'exec "$@" 2>"$DIR/stderr"' sh "$@"
else
	sh -c 'exec "$@" 2>"$DIR/stderr"' sh "$@"
fi
echo "EXITED $?"
exec sleep 600
EOF

# start NAME COLS ROWS [ENV=VALUE...] -- TAPTOP-ARGS...
start() {
	S=$1
	cols=$2
	rows=$3
	shift 3
	envs=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x "$cols" -y "$rows" \
	    env LC_ALL=C.UTF-8 LANG=C.UTF-8 XDG_STATE_HOME="$tmp/state" \
	    DIR="$tmp/$S" $envs sh "$tmp/run.sh" "$taptop" "$@" || return 1
}

screen() { T capture-pane -t "$S" -p 2>/dev/null; }

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
line() { screen | sed -n "${1}p"; }

check_stderr() {
	if [ -s "$tmp/$S/stderr" ] && grep -qE \
	    'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	else
		pass "$1: nothing wrong on stderr"
	fi
}

# ---- 1. A pipe fed in stages ---------------------------------------------

# Conversation A (10.9.0.1:1111 <-> 10.9.0.2:2222) and B (10.9.0.3:3333
# <-> 10.9.0.4:4444), UDP.  Stage 0: A 5 packets, B 2.  Stage 1 (after
# $DIR/go1): B 10 more, so B leads.  Stage 2 (go2): A 3, B 4.  Stage 3
# (go3): A 6, B 7.  The pipe closes after go4.
cat >"$tmp/writer.py" <<'PY'
import os, struct, sys, time
d = sys.argv[1]
out = sys.stdout.buffer
t = [1000]

def ip(a):
    return bytes(int(x) for x in a.split("."))

def pkt(src, sp, dst, dp):
    pay = b"y" * 30
    udp = struct.pack("!HHHH", sp, dp, 8 + len(pay), 0) + pay
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64,
                      17, 0, ip(src), ip(dst))
    p = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + iph + udp
    t[0] += 1
    return struct.pack("<IIII", t[0], 0, len(p), len(p)) + p

A = ("10.9.0.1", 1111, "10.9.0.2", 2222)
B = ("10.9.0.3", 3333, "10.9.0.4", 4444)

def send(a, b):
    out.write(b"".join([pkt(*A)] * a + [pkt(*B)] * b))
    out.flush()

def wait(name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.05)

out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
send(5, 2)
wait("go1"); send(0, 10)
wait("go2"); send(3, 4)
wait("go3"); send(6, 7)
wait("go4")
PY

A_ROW="10\.9\.0\.1 +10\.9\.0\.2 +1111 +2222"
B_ROW="10\.9\.0\.3 +10\.9\.0\.4 +3333 +4444"
# The rate columns (2 s, 10 s, 40 s) between the ports and the frames.
RATES=" +[0-9.]+ [kMGT]?B/s +[0-9.]+ [kMGT]?B/s +[0-9.]+ [kMGT]?B/s"
start pipe 200 40 PIPE_FROM="$tmp/writer.py" -- -r - -d 0.2 \
    --panel conv.udp --panel summary
check "pipe: conv.udp shows A and B" "$B_ROW$RATES +2 "
check "the first row is selected: > in the margin" "^>$A_ROW$RATES +5 "
if T capture-pane -t "$S" -p -e | grep "10\.9\.0\.1" |
    grep -q "$(printf '\033')\[[0-9;]*7[;m]"; then
	pass "the selected row is in reverse video"
else
	fail "the selected row is not in reverse video"
fi
keys Down
check "Down selects the second row" "^>$B_ROW$RATES +2 "
check "and the first is no longer marked" "^ $A_ROW$RATES +5 "
keys Up
check "Up: the first again" "^>$A_ROW$RATES +5 "

# B overtakes A: the selection stays on A, now the second row.
touch "$tmp/pipe/go1"
check "B now leads" "^ $B_ROW$RATES +12 "
if wait_for "^>$A_ROW$RATES +5 " && line 7 | grep -Eq "^>$A_ROW"; then
	pass "the selection followed its row (A) to the second rank"
else
	fail "the selection did not follow A"
fi

# Enter: the menu of panel types, on conv.udp; Enter again: the prompt
# with A's filter typed.
keys Enter
check "Enter opens the choice of panel types" \
	"A panel on the selected row: choose its type"
keys Enter
want='New conv.udp panel, filter \(Enter: none\): ✓ ip\.addr==10\.9\.0\.1 && ip\.addr==10\.9\.0\.2 && udp\.port==1111 && udp\.port==2222 *$'
check "Enter: the prompt, the row's filter typed" "$want"
keys Enter
check "the new panel, with A's filter, in the tab bar" \
	"3 conv\.udp \[ip\.addr==10\.9\.0\.1 && ip\.addr==10\.9\.0\.2 && udp\.p"
check "its title shows the filter" \
	"filter: ip\.addr==10\.9\.0\.1 && ip\.addr==10\.9\.0\.2 && udp\.port==1111 && udp\.port==2222"
touch "$tmp/pipe/go2"
check "it fills at once: A's 5 packets from the history, then 3 new" \
	"^>$A_ROW$RATES +8 "
# The rows: from line 6 (the tab bar names the filter's addresses).
rows() { screen | sed -n '6,$p'; }
if rows | grep -q "10\.9\.0\.3"; then
	fail "the drilled-down panel shows B"
else
	pass "the drilled-down panel shows only A"
fi
keys 1
check "panel 1 counted stage 2 too" "$B_ROW$RATES +16 "

# G on B: the global filter, on the status line; every panel counts
# again from the history, only B.
keys Home
check "Home: B, the first row, selected" "^>$B_ROW$RATES +16 "
keys G
check "G: the status line shows the global filter" \
	"display filter: ip\\.addr==10\\.9\\.0\\.3 && ip\\.addr==10\\.9\\.0\\.4 && udp\\.port==3333 && udp\\.port==4444"
check "and says the counts come again from the history" \
	"global filter applied; refilling from the history"
touch "$tmp/pipe/go3"
check "B: 16 from the history and 7 new" "^>$B_ROW$RATES +23 "
if rows | grep -q "10\\.9\\.0\\.1"; then
	fail "G: A still shows under B's filter"
else
	pass "G: only B under its filter"
fi
keys 2
check "the summary counts only B's packets" "^[ >] *23 "
touch "$tmp/pipe/go4"
check "the pipe ends" "file finished"
keys q
check "q quits" "EXITED 0"
check_stderr "pipe"

# ---- 1b. The same pipe with no history: G restarts the counts ------------

start pipe0 200 40 PIPE_FROM="$tmp/writer.py" -- -r - -d 0.2 --history 0 \
    --panel conv.udp
check "no history: A and B" "$B_ROW$RATES +2 "
touch "$tmp/pipe0/go1"
check "no history: B leads" "^ $B_ROW$RATES +12 "
keys Home G
check "no history: G says the counts restart" \
	"global filter applied; all counts restart"
check "no history: they did (0 rows)" "0 rows"
touch "$tmp/pipe0/go2"
check "no history: B counts its 4 new packets" "^>$B_ROW$RATES +4 "
if rows | grep -q "10\\.9\\.0\\.1"; then
	fail "no history: A shows under B's filter"
else
	pass "no history: only B under its filter"
fi
touch "$tmp/pipe0/go3" "$tmp/pipe0/go4"
check "no history: the pipe ends" "file finished"
keys q
check "no history: q quits" "EXITED 0"
check_stderr "pipe0"

# ---- 2. Names from a hosts file, ports from a services file --------------

printf '%s\n' '# hosts of the test' '10.0.0.6 six.drill.test' \
    '212.199.202.9 nine.drill.test' >"$tmp/hosts"
printf '10.0.0.138 gw\033[7m.drill.test\n' >>"$tmp/hosts"
printf 'testsvc-http\t80/tcp\n' >"$tmp/services"
start names 200 40 TAPTOP_HOSTS="$tmp/hosts" \
    TAPTOP_SERVICES="$tmp/services" -- -r "$pcap" --panel conv.tcp \
    --panel endpoints.ip
check "names: the file is read" "file finished"
check "addresses as numbers at first" "^>10\.0\.0\.6 +212\.199\.202\.9 +44150 +80 "
keys n
check "n: addresses as names" "^>six\.drill\.test +nine\.drill\.test +44150 +80 "
check "n: says so" "addresses as names, where known"
# Every address on this screen is named by the hosts file or by the
# traffic: 88.221.154.110 by a DNS answer (an A record of
# s-static.ak.facebook.com) and by an HTTP request's Host.
check "an address the hosts file does not name: named by the traffic" \
	" six\.drill\.test +s-static\.ak\.facebook\.com "
check_gone "no named address shown as a number" "^. ?10\.0\.0\.6 +212\.199"
keys N
check "N: ports as service names" "^>six\.drill\.test +nine\.drill\.test +44150 +testsvc-http "
keys n
check "n again: addresses as numbers, ports still named" \
	"^>10\.0\.0\.6 +212\.199\.202\.9 +44150 +testsvc-http "
keys N
check "N again: ports as numbers" "^>10\.0\.0\.6 +212\.199\.202\.9 +44150 +80 "
keys n 2
check "endpoints: names" "^>six\.drill\.test "
check "a name's control characters are escaped" 'gw\\x1b\[7m\.drill\.test'
if T capture-pane -t "$S" -p -e | grep "drill\.test" | grep -q "$(printf '\033')\[7mm"; then
	fail "the raw escape reached the terminal"
fi
# A drill-down filter is made of addresses whatever is shown.
keys 1 Enter Enter
check "the drill-down filter has addresses, not names" \
	"✓ ip\.addr==10\.0\.0\.6 && ip\.addr==212\.199\.202\.9 && tcp\.port==44150 && tcp\.port==80 *$"
keys Escape
check_gone "Esc closes the prompt" "New conv.tcp panel"
keys q
check "names: q quits" "EXITED 0"
check_stderr "names"

# ---- 3. --resolve: 127.0.0.1 named by the system's /etc/hosts -------------

if ! grep -Eq '^127\.0\.0\.1[[:space:]]+localhost' /etc/hosts 2>/dev/null
then
	echo "SKIP --resolve: /etc/hosts does not name 127.0.0.1 localhost"
else
	python3 - "$tmp/lo.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(4):
        pay = b"z" * 10
        udp = struct.pack("!HHHH", 7000, 7001, 8 + len(pay), 0) + pay
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0,
                          64, 17, 0, bytes([127, 0, 0, 1]),
                          bytes([127, 0, 0, 1]))
        p = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + iph + udp
        f.write(struct.pack("<IIII", 1000 + i, 0, len(p), len(p)) + p)
PY
	: >"$tmp/empty-hosts"
	start resolve 120 30 TAPTOP_HOSTS="$tmp/empty-hosts" -- \
	    -r "$tmp/lo.pcap" --resolve --panel conv.ip
	check "--resolve: the name arrives on screen" \
		"^>localhost +localhost$RATES +4 "
	keys n
	check "n: the address again" "^>127\.0\.0\.1 +127\.0\.0\.1$RATES +4 "
	keys q
	check "--resolve: q quits" "EXITED 0"
	check_stderr "resolve"
fi

[ $fails = 0 ]
