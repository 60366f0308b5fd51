# The harness of the refill tests in the interface (test_tui_refill.sh,
# test_tui_refill_live.sh), sourced by them: a tmux server of the test's
# own, taptop started in a pane, keys sent, the screen read and polled.
# Not a test itself (the runner takes test_* files only).

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

tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-refill.XXXXXX") || exit 1
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

# The pane runs taptop (stdin from $PIPE_FROM's output if set), then
# says how it ended and stays, so the screen can still be read.
cat >"$tmp/run.sh" <<'EOF'
#!/bin/sh
trap : INT TSTP
ulimit -c 0 2>/dev/null
if [ -n "$PIPE_FROM" ]; then
	sh "$PIPE_FROM" | "$@" 2>"$DIR/stderr"
else
	"$@" 2>"$DIR/stderr"
fi
echo "EXITED $?"
exec sleep 600
EOF

# start NAME [ENV=VALUE...] -- TAPTOP-ARGS...: a session of 120x30.
start() {
	S=$1
	shift
	envs=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	mkdir -p "$tmp/$S"
	T new-session -d -s "$S" -x 120 -y 30 \
	    env LC_ALL=C.UTF-8 LANG=C.UTF-8 XDG_STATE_HOME="$tmp/state" \
	    DIR="$tmp/$S" $envs sh "$tmp/run.sh" "$taptop" "$@" || return 1
}

screen() { T capture-pane -t "$S" -p 2>/dev/null; }
line() { screen | sed -n "${1}p"; }
keys() { T send-keys -t "$S" "$@"; }
text() { T send-keys -t "$S" -l -- "$1"; }

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
	while [ $i -lt "${2:-100}" ]; do
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

# Nothing went wrong on stderr (a sanitizer, a GLib warning).
check_stderr() {
	if [ -s "$tmp/$S/stderr" ] && grep -qE \
	    'Sanitizer|runtime error:|CRITICAL|WARNING' "$tmp/$S/stderr"; then
		fail "$1: errors on stderr: $(head -20 "$tmp/$S/stderr")"
	fi
}

# show N: makes panel N active, and makes sure it is (the filter prompt
# names the active panel) before the screen is read.
show() {
	keys "$1"
	keys /
	if ! wait_for "Filter for $1 "; then
		fail "panel $1 did not become active"
	fi
	keys Escape
	wait_gone "Filter for" >/dev/null
}

# panel N: the title line and the table of panel N as shown (the lines
# between the tab bar and the hint line).
panel() {
	show "$1"
	screen | sed -n "4,$(($(screen | wc -l) - 1))p"
}

same_as_set=0
order() {
	if [ "$same_as_set" = 1 ]; then sort; else cat; fi
}

# same DESC A B: panels A and B show the same title line and rows, once
# no refill is under way.
same() {
	if ! wait_gone "refilling|waiting to refill" 200; then
		fail "$1: the refill did not end"
		return
	fi
	# Rates move between the two reads of a live capture: counts must
	# agree, rates are blanked (mask_rates.py).  Live (same_as_set=1),
	# the order of rows sorted by a rate can change between the reads
	# too, when two rows' rates are close: the rows are compared as a
	# set there.  From a file the order must agree as well.
	panel "$2" | python3 "$here/mask_rates.py" | order >"$tmp/a"
	panel "$3" | python3 "$here/mask_rates.py" | order >"$tmp/b"
	if [ "$(wc -l <"$tmp/a")" -gt 3 ] && cmp -s "$tmp/a" "$tmp/b"; then
		pass "$1"
	else
		fail "$1: panel $2 and panel $3 differ"
		diff "$tmp/a" "$tmp/b" | head -20
	fi
}

# add TYPE FILTER: adds a panel from the menu, with a filter (or none).
add() {
	idx=$("$taptop" --list-panels | awk -v t="$1" '$1 == t {
		print NR - 1; exit }')
	keys a
	wait_for "Add a panel" >/dev/null
	keys Home
	i=0
	while [ $i -lt "$idx" ]; do keys Down; i=$((i + 1)); done
	keys Enter
	wait_for "New $1 panel, filter" >/dev/null
	[ -n "$2" ] && text "$2"
	keys Enter
}

# refilter FILTER: the active panel's filter, replaced.
refilter() {
	keys /
	wait_for "Filter for" >/dev/null
	keys C-u
	text "$1"
	keys Enter
	wait_gone "Filter for" >/dev/null
}

