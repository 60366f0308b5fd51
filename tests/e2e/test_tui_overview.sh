#!/bin/sh
# e2e: serial (captures on lo)
# The first screen, for real: taptop with no --panel in a tmux server of
# this test's own (refill_lib.sh's harness), at 80x24, keys sent and the
# screen read.  The capture is overview_pcap.py's: flows of known rates,
# whose figures its comment works out by hand.
#
# 1. A file read at full speed: the overview is panel 1, in "all": the
#    chart, the hosts and the conversations by bytes (IPv4 and IPv6 in
#    one list), the protocol mix of all bytes; all of it on 24 lines.
#    v: "now": Z, idle for 50 s, is gone; Y leads; the mix is that of the
#    last 10 s.  The selection runs from the hosts into the conversations
#    (PgDn); Enter drills into the selected conversation with its filter
#    typed; s says the overview has its own order.
# 2. Live on lo with no option but -i: the overview comes first, "now",
#    and a local UDP sender shows up among its hosts.

. "$(cd "$(dirname "$0")" && pwd)/refill_lib.sh"

python3 "$here/overview_pcap.py" "$tmp/ov.pcap" || exit 1

# ---- 1. A file -------------------------------------------------------------

start file -- -r "$tmp/ov.pcap"
T resize-window -t "$S" -x 80 -y 24
check "file: read to its end" "file finished"
check "the overview is panel 1, and shown" "^ 1 overview │ 2 summary"
check "its title, and the view of a file read at full speed" \
	"Overview \(overview\) +view: all rows"
check "the chart of the traffic, with its scale" \
	"Traffic, bits/s, a column a second +max 272 kb/s"
check "hosts, by bytes" "Top hosts \(all\)"
# Z's two hosts first (300 kB each), then Y's, IPv6, in the same list.
if wait_for "^>10\.1\.0\.[34] .* 300 kB" &&
    screen | sed -n '/Top hosts/,/Top conversations/p' | sed -n '4,5p' |
    grep -c "2001:db8::[12] .*3\.00 kB/s .*180 kB" | grep -q 2; then
	pass "IPv4 and IPv6 hosts in one list, by bytes"
else
	fail "the hosts are not Z's, then Y's"
fi
check "conversations, by bytes: Z first" \
	"^ 10\.1\.0\.3 ↔ 10\.1\.0\.4 +0 B/s +0 B/s +0 B/s +300 kB"
check "then Y, IPv6, at 3 kB/s over 2, 10 and 40 s" \
	"^ 2001:db8::1 ↔ 2001:db8::2 +3\.00 kB/s +3\.00 kB/s +3\.00 kB/s +180 kB"
check "then X at 1 kB/s" \
	"^ 10\.1\.0\.1 ↔ 10\.1\.0\.2 +1\.00 kB/s +1\.00 kB/s +1\.00 kB/s +60\.0 kB"
check "the protocol mix of all bytes" \
	"udp +100\.0% ip +66\.7% ipv6 +33\.3%"
if [ "$(screen | wc -l)" -eq 24 ] && screen | sed -n 24p | grep -q "q:quit" &&
    screen | grep -q "Protocols: share of all bytes"; then
	pass "all of it on 80x24, the key hint on the last line"
else
	fail "the overview does not fit 80x24"
fi

keys v
check "v: now" "Overview \(overview\) +view: now"
check "hosts now: Y's first" "^>2001:db8::1 +3\.00 kB/s"
check "conversations now: Y first" "^ 2001:db8::1 ↔ 2001:db8::2 +3\.00 kB/s"
check_gone "Z, idle for 50 s, is not listed now" "10\.1\.0\.3"
check "the mix of the last 10 s" "udp +100\.0% ipv6 +73\.2% ip +26\.8%"

keys PPage
keys NPage
check "PgDn: the selection moves to the conversations" \
	"^>2001:db8::1 ↔ 2001:db8::2"
check_gone "and leaves the hosts" "^>2001:db8::1 +3\.00"
keys Down
check "Down: the next conversation" "^>10\.1\.0\.1 ↔ 10\.1\.0\.2"
keys Up Enter
check "Enter: the choice of panels" \
	"A panel on the selected row: choose its type"
keys Enter
check "it starts on the conversation's own type" "New conv\.host panel, filter"
# Wider, for the whole filter to show in the prompt.
T resize-window -t "$S" -x 120 -y 24
check "then its filter, typed" \
	"✓ ipv6\.addr==2001:db8::1 && ipv6\.addr==2001:db8::2 *$"
keys Escape
T resize-window -t "$S" -x 80 -y 24
keys s
check "s: the overview keeps its order, and says so" \
	"the overview lists by rate \(now\) or bytes \(all\)"
keys q
check "file: q quits" "EXITED 0"
check_stderr "file"

# ---- 2. Live on lo, no option but -i --------------------------------------

if [ "$(id -u)" != 0 ]; then
	echo "SKIP live: capturing on lo needs root"
	[ $fails = 0 ]
	exit
fi
port=$((40000 + $$ % 20000))
start live -- -i lo
T resize-window -t "$S" -x 80 -y 24
check "live: capturing on lo" "lo .*capturing"
check "live: the overview first, now" "Overview \(overview\) +view: now"
python3 - "$port" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 8
while time.time() < end:
    s.sendto(b"o" * 1200, ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.01)
PY
sender=$!
check "live: the sender's host among the top hosts" \
	"^[ >]127\.0\.0\.1 +[0-9.]+ [kM]?B/s"
check "live: and its conversation" "^[ >]127\.0\.0\.1 ↔ 127\.0\.0\.1 "
check "live: udp in the mix" "udp +[0-9.]+%"
keys q
check "live: q quits" "EXITED 0"
kill "$sender" 2>/dev/null
wait "$sender" 2>/dev/null
check_stderr "live"

[ $fails = 0 ]
