#!/bin/sh
# e2e: serial (captures on lo)
# The curses interface, for real: the taptop binary runs in a detached tmux
# server of this test's own (its own socket), keys are sent with send-keys
# and every step checks the screen with capture-pane.  Nothing waits for a
# fixed time: each check polls the screen until its condition holds, for
# at most 10 s.
#
# Covered: panels switched by number, Tab and Shift-Tab; a panel added
# (with a filter once display filters compile, else with none) and shown
# in the tab bar; a bad filter refused with the message and a caret, the
# prompt staying open; completion and history (a history file seeded in a
# private XDG_STATE_HOME); a panel closed; resizes to 80x24 and 200x60;
# sort, bits, pause, help; the terminal restored on q, SIGTERM and SIGINT
# (stty -g before and after); exit when the terminal goes away even with
# SIGHUP ignored; ASCII drawing under LANG=C; NO_COLOR; the capture read
# from stdin; and, as root, a live capture on lo with UDP traffic this
# test sends, whose counters must move between two captures of the screen.
#
# Not covered: strings from packets on screen (no panel shows packet text
# yet; fmt_cell's escaping is unit-tested in tests/unit/test_tui.c).

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-tui.XXXXXX") || exit 1
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

# The pane runs this: it records the tty modes, runs taptop (its pid in
# $DIR/pid), records them again and says how taptop ended.  It stays
# alive afterwards, so the screen can still be read.
cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
stty -g >"$DIR/before" 2>/dev/null
# Ctrl-C and Ctrl-Z go to the whole process group: this shell must
# outlive them (a trap, unlike an ignored signal, is not inherited by
# taptop).  No core files from the crash test.
trap : INT TSTP
ulimit -c 0 2>/dev/null
if [ -n "$IGNORE_HUP" ]; then
	# Only taptop ignores it: this shell and its sleep go with the pane.
	sh -c 'trap "" HUP; echo $$ >"$DIR/pid"; exec "$@" 2>"$DIR/stderr"' sh "$@"
elif [ -n "$PIPE_FROM" ]; then
	sh "$PIPE_FROM" | sh -c 'echo $$ >"$DIR/pid"; exec "$@" 2>"$DIR/stderr"' sh "$@"
elif [ -n "$STDIN_FILE" ]; then
	sh -c 'echo $$ >"$DIR/pid"; exec "$@" <"$STDIN_FILE" 2>"$DIR/stderr"' sh "$@"
else
	sh -c 'echo $$ >"$DIR/pid"; exec "$@" 2>"$DIR/stderr"' sh "$@"
fi
rc=$?
stty -g >"$DIR/after" 2>/dev/null
echo "EXITED $rc"
exec sleep 600
EOF

# start NAME LOCALE [ENV=VALUE...] -- TAPTOP-ARGS...: a session of 120x30.
start() {
	S=$1
	loc=$2
	shift 2
	envs=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x 120 -y 30 \
	    env LC_ALL="$loc" LANG="$loc" \
	    XDG_STATE_HOME="$tmp/state" DIR="$tmp/$S" $envs \
	    sh "$tmp/run.sh" "$taptop" "$@" || return 1
}

screen() { T capture-pane -t "$S" -p 2>/dev/null; }

# wait_for PATTERN [TENTHS]: polls the screen until grep -E finds PATTERN.
wait_for() {
	i=0
	while [ $i -lt "${2:-100}" ]; do
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

# check DESC PATTERN: one step, passed when the screen shows PATTERN.
check() {
	if wait_for "$2"; then pass "$1"; else fail "$1 (wanted /$2/)"; fi
}

check_gone() {
	if wait_gone "$2"; then pass "$1"; else fail "$1 (still /$2/)"; fi
}

keys() { T send-keys -t "$S" "$@"; }
# Literal text, not key names.
text() { T send-keys -t "$S" -l -- "$1"; }

# line N: the Nth line of the screen (1-based).
line() { screen | sed -n "${1}p"; }

# The terminal's modes are those before taptop started, and nothing went
# wrong on the way (a sanitizer's report, a crash, a GLib warning).
check_restored() {
	if [ -f "$tmp/$S/stderr" ] && grep -qE 'Sanitizer|runtime error:|CRITICAL|WARNING' \
	    "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	fi
	if wait_for "EXITED $2" && [ -s "$tmp/$S/before" ] &&
	    cmp -s "$tmp/$S/before" "$tmp/$S/after"; then
		pass "$1: exit $2, terminal modes restored"
	else
		fail "$1: exit status or stty -g differ ($(cat "$tmp/$S/before" \
		    2>/dev/null) / $(cat "$tmp/$S/after" 2>/dev/null))"
	fi
}

taptop_pid() { cat "$tmp/$S/pid" 2>/dev/null; }

# Do display filters compile yet?  (The engine is being written.)
if "$taptop" -r "$pcap" --batch --panel 'conv.tcp:tcp.port == 80' \
    >/dev/null 2>&1; then
	filters=yes
else
	filters=no
	echo "note: display filters do not compile yet: adding a panel" \
	    "with an empty filter"
fi
# Where conv.tcp is in the add-panel list.
conv_tcp_index=$("$taptop" --list-panels | awk '$1 == "conv.tcp" {
	print NR - 1; exit }')

# ---- 1. A file, UTF-8, colour -------------------------------------------

# A history to recall: the newest entry is offered first by Up.
mkdir -p "$tmp/state/taptop"
printf 'udp\nip.src == 10.0.0.6\n' >"$tmp/state/taptop/history"
# The directory is private (mktemp -d): as root, the user taptop drops to
# cannot reach it, so the file is read and written through the descriptor
# taptop opened before the drop.

start main C.UTF-8 -- -r "$pcap"
check "starts on the file; status says it finished" "file finished"
# "packets", or "pkts" beside the sparkline when the line is short.
if line 2 | grep -Eq "4.63k (packets|pkts)"; then
	pass "status counts 4.63k packets"
else fail "status line 2: $(line 2)"; fi
check "tab bar lists the default panels" \
	"1 overview .* 2 summary .* 3 protocols .* 4 conv.ip .* 5 conv.tcp .* 6 endpoints.ip"
check "panel 1: the overview" "Overview \(overview\)"
keys 2
check "panel 2: summary" "Summary \(summary\)"
keys 3
check "3 switches to the protocol tree" "Protocol Hierarchy"
check "the tree is drawn with branches" "└─ip"
keys Tab
check "Tab: next panel (conv.ip)" "IPv4 Conversations"
check "conv.ip columns: the rates, then the counts, by bytes (a file)" \
	"Address B +Bytes/s 2s +Bytes/s 10s +Bytes/s 40s +Frames +▼ Bytes"
check "a file read at full speed opens on all rows" "view: all rows"
keys 5
check "5: conv.tcp" "TCP Conversations"

# Scrolling: 66 conversations, 24 rows on screen.  Line 6 is the first
# row, selected (the ">" in the margin; tests/e2e/test_tui_drill.sh has the
# selection itself); the view scrolls to keep the selection in sight.
row1=$(line 6)
keys Down
if wait_for "^>.* 44149 " && line 6 | grep -q "^ .* 44150 "; then
	pass "Down moves the selection to the second row, the view stays"
else fail "Down: line 6 is $(line 6), line 7 $(line 7)"; fi
keys Up
check "Up: the first row selected again" "^>.* 44150 "
keys End
check_gone "End shows the last rows" "^[ >]${row1#?}\$"
keys Home
check "Home: the first row again" "^>${row1#?}\$"
keys NPage
check_gone "PgDn scrolls a page" "^[ >]${row1#?}\$"
keys PPage
check "PgUp scrolls back" "^>${row1#?}\$"
keys BTab
check "Shift-Tab: previous panel" "IPv4 Conversations"
keys Right
check "Right: next panel" "TCP Conversations"
keys Left
check "Left: previous panel" "IPv4 Conversations"

# Sort and units.
keys s
check "s sorts by the next column" "sorted by Frames A→B ▼"
keys S
check "S reverses the sort" "sorted by Frames A→B ▲"
keys b
check "b shows byte columns in bits" "[0-9] [kM]b "
keys b
check "b again: bytes" "[0-9] [kM]B "

# Help.
keys '?'
check "? shows the help" "taptop: network traffic statistics, live"
keys Escape
check_gone "any key leaves the help" "taptop: network traffic statistics"

# Add a panel: the type from the list, then the filter.
keys a
check "a opens the list of panel types" "Add a panel"
i=0
while [ $i -lt "$conv_tcp_index" ]; do keys Down; i=$((i + 1)); done
keys Enter
check "then asks for a filter" "New conv.tcp panel, filter"
if [ $filters = yes ]; then
	text "tcp.port == 80"
	check "a good filter is marked valid" "✓ tcp.port == 80"
	keys Enter
	check "the panel with its filter is in the tab bar" \
		"7 conv.tcp \[tcp.port == 80\]"
	if grep -qx "tcp.port == 80" "$tmp/state/taptop/history" 2>/dev/null
	then pass "the filter is saved in the history file"
	else fail "history file: $(cat "$tmp/state/taptop/history" 2>&1)"; fi
else
	keys Enter
	check "the new panel is in the tab bar" "7 conv.tcp"
fi
check "and active" "TCP Conversations"

# A bad filter: the message, a caret under the input, the prompt stays.
keys /
check "/ edits the active panel's filter" "Filter for 7 conv.tcp:"
keys C-u
text "ip.addr =="
check "a bad filter is marked invalid as it is typed" "✗ ip.addr =="
keys Enter
check "Enter on a bad filter shows the error" "Error: "
# The caret is on the line under the input, within the text typed.
if where=$(screen | python3 -c '
import sys
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
for i, l in enumerate(lines):
    if "Filter for 7 conv.tcp:" in l and i + 1 < len(lines):
        start = l.find("ip.addr ==")
        caret = lines[i + 1].find("^")
        print(caret, start)
        sys.exit(0 if start >= 0 and start <= caret <= start + 10 else 1)
sys.exit(1)
'); then
	pass "a caret under the input (caret, input columns: $where)"
else
	fail "no caret under the input ($where)"
fi
check "the prompt stays open" "Filter for 7 conv.tcp: ✗ ip.addr =="

# Line editing: Ctrl-A, Ctrl-K, Ctrl-W, Backspace, Home/End, Delete.
keys C-a C-k
text "tcp.src"
keys Left Left Left BSpace End
text " x"
keys C-w
check "Ctrl-A/K/W, Backspace, Left, End edit the line" ": (✓|✗) tcpsrc *$"
keys Home Delete
check "Home and Delete" ": (✓|✗) cpsrc *$"

# Completion: a unique name, then an ambiguous one.
keys C-u
text "tcp.po"
keys Tab
check "Tab completes a unique field name" ": (✓|✗) tcp.port *$"
keys C-u
text "tcp.s"
keys Tab
check "Tab on an ambiguous name lists the candidates" "^ [0-9]+ names:"
check "the candidates, in columns below that line" "^ tcp\.[a-z_]+ .* tcp\.srcport"
# History: Up offers the newest entry, then the one before.
keys C-u Up
if [ $filters = yes ]; then
	check "Up recalls the last filter applied" ": (✓|✗) tcp.port == 80 *$"
	keys Up
fi
check "Up recalls the seeded history" ": (✓|✗) ip.src == 10.0.0.6 *$"
keys Up
check "Up again: the older entry" ": (✓|✗) udp *$"
keys Down
check "Down: the newer one" ": (✓|✗) ip.src == 10.0.0.6 *$"
keys Escape
check_gone "Esc closes the prompt" "Filter for 7"
if [ $filters = yes ]; then
	check "the old filter stays in force" "7 conv.tcp \[tcp.port == 80\]"
fi

# The global filter prompt.
keys Y
check "Y edits the global display filter" "Global display filter:"
keys Escape
check_gone "Esc closes it" "Global display filter:"

# Remove the panel.
keys x
check "x closes the active panel" "closed conv.tcp"
check_gone "and it leaves the tab bar" "7 conv.tcp"

# Resizes: the layout follows at once, state kept.
keys 5
check "back on conv.tcp" "TCP Conversations"
T resize-window -t "$S" -x 80 -y 24
i=0
while [ $i -lt 100 ] && [ "$(screen | wc -l)" -ne 24 ]; do
	sleep 0.1
	i=$((i + 1))
done
widest() {
	screen | python3 -c 'import sys
print(max(len(l) for l in sys.stdin.buffer.read().decode("utf-8").split("\n")))'
}
if wait_for "^ \?:help" && [ "$(screen | wc -l)" -eq 24 ] &&
    line 24 | grep -q "?:help" && line 4 | grep -q "TCP Conversations" &&
    [ "$(widest)" -le 80 ]; then
	pass "80x24: every line fits, hint at the bottom, same panel"
else
	fail "80x24 layout"
fi
check "80x24: more columns to the right are flagged" ">$"
keys '>'
check "> scrolls the columns" "^<"
keys '<'
T resize-window -t "$S" -x 200 -y 60
i=0
while [ $i -lt 100 ] && [ "$(screen | wc -l)" -ne 60 ]; do
	sleep 0.1
	i=$((i + 1))
done
if wait_for "Rel Start +Duration" && [ "$(screen | wc -l)" -eq 60 ] &&
    line 60 | grep -q "?:help"; then
	pass "200x60: all columns, hint on line 60"
else
	fail "200x60 layout"
fi

# Pause: the status says so; p again resumes.
keys p
check "p pauses: the status says paused" "paused \(file finished\)"
keys Space
check_gone "Space resumes" "paused \("

# Reset: the counts of the active panel start again; on a file it is
# counted again from the start (tests/e2e/test_tui_refill.sh checks the
# rows are the same).
keys r
check "r resets the active panel" "conv.tcp reset, refilling from the start of the file"

# Refresh interval: + faster (a shorter interval), - slower.
keys +
check "+ shortens the refresh interval" "refresh every 0.5 s"
keys - -
check "- lengthens it" "refresh every 2 s"

if [ $filters = yes ]; then
	keys Y
	text "tcp"
	keys Enter
	check "Y: the global filter is in the status line" \
		"(display filter: tcp|-Y tcp) "
	keys Y C-u
	text "tcp.port =="
	keys Enter
	check "Y: a bad global filter is refused" "Error: "
	keys C-u Enter
	check_gone "Y: the global filter removed" "(display filter: |-Y )"
fi

keys q
check_restored "q" 0
if screen | grep -q "TCP Conversations"; then
	fail "the normal screen is not back after q"
else
	pass "the normal screen is back after q"
fi

# ---- 2. ASCII drawing under LANG=C, and SIGTERM --------------------------

start ascii C -- -r "$pcap"
T resize-window -t "$S" -x 200 -y 30
check "LANG=C: starts" "file finished"
keys 4
check "LANG=C: arrows in titles are ASCII" "Frames A->B +Bytes A->B"
keys 3
check "LANG=C: the tree in ASCII" '`-ip'
keys a
check "LANG=C: the add menu" "Add a panel"
keys Escape /
text "ip.addr =="
check "LANG=C: the prompt's ASCII marker" ": !! ip.addr =="
if screen | LC_ALL=C grep -q '[^ -~]'; then
	fail "LANG=C: a non-ASCII byte on screen"
else
	pass "LANG=C: only ASCII on screen"
fi
kill -TERM "$(taptop_pid)"
check_restored "SIGTERM" 0

# ---- 3. NO_COLOR, and SIGINT ----------------------------------------------

start color C.UTF-8 -- -r "$pcap"
check "colour run starts" "file finished"
if T capture-pane -t "$S" -p -e |
    grep -q "$(printf '\033')\[[0-9;]*4[0-7]m"; then
	pass "colours by default"
else
	fail "no colour escapes on screen"
fi
keys C-c
check_restored "Ctrl-C (SIGINT)" 0

start nocolor C.UTF-8 NO_COLOR=1 -- -r "$pcap"
check "NO_COLOR run starts" "file finished"
if T capture-pane -t "$S" -p -e |
    grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; then
	fail "NO_COLOR: colour escapes on screen"
else
	pass "NO_COLOR: no colour, attributes only"
fi
keys F10
check_restored "F10" 0

# Monochrome by terminal (vt100 has no colours), then SIGHUP.
start mono C.UTF-8 TERM=vt100 -- -r "$pcap"
check "TERM=vt100 run starts" "file finished"
if T capture-pane -t "$S" -p -e |
    grep -q "$(printf '\033')\[[0-9;]*[34][0-7]m"; then
	fail "vt100: colour escapes on screen"
else
	pass "vt100: no colour"
fi
kill -HUP "$(taptop_pid)"
check_restored "SIGHUP" 0

# Ctrl-Z gives the terminal back and stops; SIGCONT takes it again.  Then
# a fatal signal: the terminal is restored before taptop dies of it.
start crash C.UTF-8 -- -r "$pcap"
check "crash run starts" "file finished"
keys C-z
check_gone "Ctrl-Z leaves the screen to the shell" "1 overview"
kill -CONT "$(taptop_pid)"
check "SIGCONT: the screen is back" "1 overview .* 2 summary .* 3 protocols"
keys 3
check "and keys work again" "Protocol Hierarchy"
kill -ABRT "$(taptop_pid)"
if wait_for "EXITED 134" && cmp -s "$tmp/$S/before" "$tmp/$S/after"; then
	pass "SIGABRT: taptop dies of it, the terminal modes are restored"
else
	fail "SIGABRT: exit status or stty -g differ"
fi

# Several panels of one type, each with its own filter; long filters cut
# in the tab bar with an ellipsis; the folded "other" row (--max-rows).
if [ $filters = yes ]; then
	f1="tcp.port == 80 or tcp.port == 8080 or tcp.port == 3128"
	start tabs C.UTF-8 -- -r "$pcap" --max-rows 5 --panel summary \
	    --panel "conv.tcp:$f1" --panel "conv.tcp:tcp.port == 443" \
	    --panel conv.ip
	check "tabs: two conv.tcp panels, their own filters, the long one cut" \
		"2 conv.tcp \[tcp.port == 80 or.*…\] .* 3 conv.tcp \[tcp.port == 443\]"
	T resize-window -t "$S" -x 80 -y 24
	check "tabs: at 80 columns both are cut to fit" \
		"2 conv.tcp \[tcp.*…\] .* 3 conv.tcp \[tcp.*…\] .* 4 conv.ip"
	keys 2
	check "tabs: the long filter in full in the title" \
		"filter: tcp.port == 80 or tcp.port == 8080"
	check "tabs: rows over --max-rows fold into other" "other \(~[0-9]+ rows\)"
	keys 3
	check "tabs: the other conv.tcp shows its own rows" " 443 "
	keys q
	check_restored "tabs: q" 0
fi

# A paced replay says so.
start speed C.UTF-8 -- -r "$pcap" --speed 0.5
check "--speed 0.5: the status says the replay is paced" "replaying at 0.5x"
keys q
check_restored "--speed: q" 0

# ---- 4. The capture on stdin (-r -): the interface uses /dev/tty ----------

start stdin C.UTF-8 STDIN_FILE="$pcap" -- -r -
check "-r - reads stdin and keeps the terminal for the interface" \
	"stdin .*file finished"
keys q
check_restored "q after -r -" 0

# ---- 5. Under load: an endless capture on stdin, read as fast as it comes;
# keys are still answered and the counters still move.

cat >"$tmp/endless.py" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
out.write(data[:24])			# the file header once,
try:
    while True:
        out.write(data[24:])		# its packets for ever
except (BrokenPipeError, OSError):
    pass
PY
echo "exec python3 '$tmp/endless.py' '$pcap'" >"$tmp/endless.sh"
start load C.UTF-8 PIPE_FROM="$tmp/endless.sh" -- -r -
check "load: reading an endless capture" "stdin .*reading file"
check "load: packets are counted" "^ [1-9][0-9.]*[kMG]? (packets|pkts)"
first=$(line 2 | awk '{ print $1 }')
keys 3
check "load: keys answered (2)" "Protocol Hierarchy"
keys 4
check "load: keys answered (3)" "IPv4 Conversations"
keys a
check "load: the add menu" "Add a panel"
keys Escape
check_gone "load: menu closed" "Add a panel"
if [ -n "$first" ] && wait_gone "^ $first (packets|pkts) "; then
	pass "load: the packet count moves (from $first)"
else
	fail "load: the packet count stays at $first"
fi
keys q
check_restored "load: q" 0

# ---- 6. The terminal goes away: exit, no spinning -------------------------

start hup C.UTF-8 IGNORE_HUP=1 -- -r "$pcap"
check "started with SIGHUP ignored" "file finished"
pid=$(taptop_pid)
T kill-session -t "$S"
i=0
while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	fail "taptop still runs after its terminal went away"
	kill -9 "$pid"
else
	pass "taptop exits when its terminal goes away (HUP ignored)"
fi

# ---- 7. Live on loopback, as root -----------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "SKIP live: needs root"
	[ $fails = 0 ]
	exit
fi
port=$((20000 + $$ % 20000))
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 30
while time.time() < end:
    s.sendto(b"x" * 100, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.01)
' $port &
sender=$!
start live C.UTF-8 -- -i lo -f "udp dst port $port" -d 0.5 --panel conv.udp
check "live: capturing on lo" "lo .*capturing"
count() { line 2 | awk '{ print $1 }'; }
check "live: packets are counted" "^ [1-9][0-9.]*k? (packets|pkts)"
first=$(count)
i=0
while [ $i -lt 100 ] && [ "$(count)" = "$first" ]; do
	sleep 0.1
	i=$((i + 1))
done
second=$(count)
if [ "$second" != "$first" ]; then
	pass "live: the packet count moves ($first, then $second)"
else
	fail "live: the packet count stays at $first"
fi
check "live: a packet rate above zero" "[1-9][0-9.]*k? pkt/s"
check "live: bits per second above zero" "[1-9][0-9.]* [kM]?b/s"
check "live: kernel drops shown, as a share" "drops [0-9.]+%"
check "live: the conversation appears" "127.0.0.1 +127.0.0.1 .* $port"
keys q
check_restored "live q" 0
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null

# ---- 8. The interface goes away: the status says so, the panels stay -----

ns=taptop-tui-$$
if ip netns add "$ns" 2>/dev/null &&
    ip netns exec "$ns" ip link add tt0 type veth peer name tt1 &&
    ip netns exec "$ns" ip link set tt0 up &&
    ip netns exec "$ns" ip link set tt1 up; then
	S=gone
	mkdir -p "$tmp/gone"
	T new-session -d -s gone -x 120 -y 30 \
	    env LC_ALL=C.UTF-8 LANG=C.UTF-8 DIR="$tmp/gone" \
	    ip netns exec "$ns" sh "$tmp/run.sh" "$taptop" -i tt0
	check "netns: capturing on tt0" "tt0 .*capturing"
	ip netns exec "$ns" ip link del tt0
	check "netns: the status shows the failure" \
		"failed: tt0: The interface disappeared"
	check "netns: the panels stay up" "1 overview"
	keys q
	check_restored "netns: q after the failure" 1
else
	fail "cannot make a network namespace with a veth pair"
fi
ip netns del "$ns" 2>/dev/null

[ $fails = 0 ]
