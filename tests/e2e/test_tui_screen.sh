#!/bin/sh
# e2e: serial (drives a terminal, timing-sensitive)
# What the interface says and how its keys behave, checked on the screen of
# the taptop binary in a tmux server of this test's own, as test_tui.sh
# does (keys sent with send-keys, the screen read with capture-pane, each
# check polling for at most 10 s; nothing waits a fixed time):
#
# - byte columns' titles name the unit b shows them in ("Bits A→B");
# - + refreshes faster and - slower, as the hint line says;
# - "1 row", not "1 rows"; a summary with no packet shows "—" for the
#   times it does not know, not "0.000";
# - the first Up at a prompt skips the history entry the prompt holds;
# - Tab's candidates at 80x24 in columns, whole names only, and
#   "… and N more" when they do not fit;
# - a paste of 100 kB into a prompt: afterwards the prompt still answers
#   (the text is checked once the keys pause, not after each one);
# - Ctrl-Z, then fg in an interactive shell: the first arrow key acts.
#
# The drop wording of a live capture is test_tui_drops.sh's (root only).

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac
pcap=$root/../shared/pcaps/traffic/example.pcap

if ! command -v tmux >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1
then
	echo "SKIP: tmux or python3 is not installed"
	exit 77
fi
if [ ! -x "$taptop" ] || [ ! -f "$pcap" ]; then
	echo "FAIL: no taptop binary at $taptop or no $pcap"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-tuiscr.XXXXXX") || exit 1
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

# The pane runs taptop (its pid in $DIR/pid) and stays afterwards.
cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
trap : INT TSTP
sh -c 'echo $$ >"$DIR/pid"; exec "$@" 2>"$DIR/stderr"' sh "$@"
echo "EXITED $?"
exec sleep 600
EOF

# start NAME WIDTH HEIGHT TAPTOP-ARGS...
start() {
	S=$1
	w=$2
	h=$3
	shift 3
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x "$w" -y "$h" \
	    env LC_ALL=C.UTF-8 LANG=C.UTF-8 XDG_STATE_HOME="$tmp/state" \
	    DIR="$tmp/$S" sh "$tmp/run.sh" "$taptop" "$@"
}

screen() { T capture-pane -t "$S" -p 2>/dev/null; }
line() { screen | sed -n "${1}p"; }

# wait_for PATTERN: polls the screen until grep -E finds PATTERN.
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

# check_line DESC N PATTERN [NOT-PATTERN]: line N matches PATTERN (polled)
# and then does not match NOT-PATTERN.
check_line() {
	i=0
	while [ $i -lt 100 ] && ! line "$2" | grep -Eq -- "$3"; do
		sleep 0.1
		i=$((i + 1))
	done
	if ! line "$2" | grep -Eq -- "$3"; then
		fail "$1 (line $2 is not /$3/)"
	elif [ -n "$4" ] && line "$2" | grep -Eq -- "$4"; then
		fail "$1 (line $2 has /$4/)"
	else
		pass "$1"
	fi
}

keys() { T send-keys -t "$S" "$@"; }
text() { T send-keys -t "$S" -l -- "$1"; }

resize() {
	T resize-window -t "$S" -x "$1" -y "$2"
	i=0
	while [ $i -lt 100 ] && [ "$(screen | wc -l)" -ne "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

check_stderr() {
	if [ -s "$tmp/$S/stderr" ] && grep -qE \
	    'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	fi
}

# ---- 1. Units, row counts, refresh keys, history ---------------------------

mkdir -p "$tmp/state/taptop"
printf 'udp\nip.src == 10.0.0.6\n' >"$tmp/state/taptop/history"
# The directory is private (mktemp -d): as root, the user taptop drops to
# cannot reach it, so the file is read and written through the descriptor
# taptop opened before the drop.

start main 200 30 -r "$pcap" --panel summary \
    --panel "conv.ip:ip.src == 10.0.0.6"
check "starts on the file" "file finished"
check_line "one row is \"1 row\"" 4 "Summary \(summary\) +1 row " "1 rows"

keys 2
check "2: the filtered conv.ip" "IPv4 Conversations"
check_line "byte columns titled in bytes" 5 "Bytes +.*Bytes A→B +.*Bytes B→A"
keys b
check "b: cells in bits" "[0-9] [kM]?b "
check_line "b: the titles say bits" 5 "Bits +.*Bits A→B +.*Bits B→A" "Bytes"
check "b: the sort names the unit" "sorted by Bits ▼"
keys b
check_line "b again: bytes in the titles" 5 "Bytes +.*Bytes A→B" "Bits"

check_line "the hint line says which way + and - go" 30 \
    "\+/-:refresh faster/slower"
keys +
check "+ refreshes faster (1 s to 0.5 s)" "refresh every 0.5 s"
keys - -
check "- refreshes slower (0.5 s to 2 s)" "refresh every 2 s"

# The prompt opens on the panel's filter, the newest history entry: the
# first Up goes past it to the one before.
keys /
check "/ opens on the panel's filter" ": ✓ ip.src == 10.0.0.6 *$"
keys Up
check "Up skips the entry the prompt already holds" ": (✓|✗) udp *$"
keys Down
check "Down comes back to the text" ": (✓|✗) ip.src == 10.0.0.6 *$"
keys Escape
check_gone "Esc closes the prompt" "Filter for 2"

# ---- 2. Completion at 80x24 -----------------------------------------------

"$taptop" --list-fields | awk '{ print $1 }' >"$tmp/names"
resize 80 24
keys 1 /
check "80x24: the prompt" "Filter for 1 summary:"

# The candidates' lines, from "N names:" to the prompt: every word a whole
# name, all N of them or the first ones and "… and M more" adding up to N,
# no line wider than the screen.
cat >"$tmp/cands.py" <<'PY'
import re, sys
names = set(open(sys.argv[1]).read().split())
want_more = sys.argv[2] == "more"
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
head = [i for i, l in enumerate(lines) if re.match(r"^ \d+ names:", l)]
prompt = [i for i, l in enumerate(lines) if "Filter for" in l]
if not head or not prompt or head[0] > prompt[0]:
    print("no \"N names:\" line above the prompt")
    sys.exit(1)
total = int(lines[head[0]].split()[0])
shown, more, bad = [], None, []
for l in lines[head[0] + 1:prompt[0]]:
    if len(l) > 80:
        bad.append("line wider than 80: %r" % l)
    m = re.match(r"^ (…|\.\.\.) and (\d+) more\s*$", l)
    if m:
        more = int(m.group(2))
        continue
    for w in l.split():
        (shown if w in names else bad).append(w)
if bad:
    print("not whole names: %s" % " ".join(bad[:10]))
    sys.exit(1)
if len(set(shown)) != len(shown):
    print("a name twice")
    sys.exit(1)
if want_more != (more is not None) or len(shown) + (more or 0) != total:
    print("%d shown, %s more, of %d" % (len(shown), more, total))
    sys.exit(1)
print("%d shown, %s more, of %d" % (len(shown), more or 0, total))
PY
cands() {
	i=0
	while [ $i -lt 100 ]; do
		out=$(screen | python3 "$tmp/cands.py" "$tmp/names" "$2") &&
		    break
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -lt 100 ]; then pass "$1 ($out)"; else fail "$1 ($out)"; fi
}
keys C-u
text "ip."
keys Tab
check "Tab lists the ip. names" "^ [0-9]+ names:"
cands "80x24: ip. candidates in columns, whole names, all shown" all
keys C-u Tab
check "Tab on nothing lists every name" "^ [0-9]{3} names:"
cands "80x24: every name: the first ones whole, then \"… and N more\"" more
keys Escape
check_gone "Esc closes the prompt" "Filter for 1"

# ---- 3. A paste of 100 kB into the prompt ----------------------------------

python3 -c '
import sys
s = " or ".join("ip.addr == 10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)
    for i in range(6000))
sys.stdout.write(s[:100000])' >"$tmp/paste"
T load-buffer -b big "$tmp/paste"
keys /
check "the prompt for the paste" "Filter for 1 summary: ✓"
T paste-buffer -b big -t "$S"
text "ENDMARK"
# Over 64 KiB: refused by the compiler, once it gets to look.
check "after 100 kB: the key typed next shows, the text is checked" \
    "Filter for 1 summary: ✗ .*ENDMARK *$"
keys C-u
check "Ctrl-U empties it, checked again" "Filter for 1 summary: ✓ *$"
keys Escape
check_gone "Esc closes it" "Filter for 1"
keys q
check "q quits" "EXITED 0"
check_stderr "paste"

# ---- 4. A capture with no packet ------------------------------------------

head -c 24 "$pcap" >"$tmp/empty.pcap"
start empty 120 30 -r "$tmp/empty.pcap"
check "an empty capture" "file finished"
check "the overview says its lists are empty" "Top hosts \(all\)"
check "with nothing in them yet" "\(nothing yet\)"
keys 2
check "no packet: start and duration unknown, not 0.000" \
    "^[ >] *0 +0 B +— +— *$"
check_gone "and no 0.000 anywhere" "0\.000"
keys q
check "q quits" "EXITED 0"

# ---- 5. Ctrl-Z, fg in a shell, then one arrow key --------------------------

# An interactive shell with job control, in which taptop is run as one
# would; fg continues it with SIGCONT.
S=fg
T new-session -d -s fg -x 120 -y 30 env -i PATH="$PATH" TERM=screen \
    LC_ALL=C.UTF-8 LANG=C.UTF-8 HOME="$tmp" XDG_STATE_HOME="$tmp/state" \
    HISTFILE=/dev/null PS1='$ ' bash --norc --noprofile -i
check "a shell" '^\$ *$'
text "$taptop -r $pcap"
keys Enter
check "taptop runs in the shell" "1 overview .* 2 summary"
keys C-z
check "Ctrl-Z: the shell has it stopped" "Stopped"
text "fg"
keys Enter
check "fg: taptop is back" "1 overview .* 2 summary"
keys Right
check "the first arrow after fg acts (Right: the next panel)" \
    "Summary \(summary\)"
keys Left
check "and the next one (Left)" "Overview \(overview\)"
keys q
check "q quits to the shell" '^\$ *$'

[ $fails = 0 ]
