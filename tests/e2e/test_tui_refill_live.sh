#!/bin/sh
# e2e: serial (captures on lo)
# Panels that fill at once, live: taptop captures on lo in tmux, with UDP
# datagrams this test sends to 127.0.0.1 on a port of its own (the capture
# filter keeps other traffic on lo out).  A panel added after the first
# datagrams is filled from the history and, once the refill is done, shows
# the same title line and rows as a panel open from the start; it goes on
# with the datagrams sent after; both refiltered, both agree again.  A
# reset there starts from zero (only a file's is counted again).
# Needs root, as CI has; skipped (77) otherwise.  The harness is
# refill_lib.sh.

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture needs root"
	exit 77
fi
. "$(dirname "$0")/refill_lib.sh"
same_as_set=1

port=$((20000 + ($$ + 11) % 20000))
send() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b"x" * (1 + i % 50), ("127.0.0.1", int(sys.argv[2])))
' "$1" $port
}
start live -- -i lo -f "udp dst port $port" --panel conv.udp \
	--panel summary
check "live: capturing on lo" "capturing"
send 40
check "live: 40 datagrams" "^ 40 (packets|pkts)"
add conv.udp ""
check "live: a panel added" "3 conv.udp"
same "live: from the history it equals one open from the start" 1 3
add summary ""
same "live: a summary from the history equals one from the start" 2 4
send 25
check "live: 25 more" "^ 65 (packets|pkts)"
same "live: then it went on with the live packets" 1 3
same "live: and so did the summary" 2 4
show 3
refilter "udp.length > 30"
show 1
refilter "udp.length > 30"
same "live: both refiltered, both from the history" 1 3
show 4
keys r
check "live: r starts from zero" "summary reset$"
send 5
check "live: 5 more" "^ 70 (packets|pkts)"
if wait_for "^ +5 +[0-9]+ B " 50; then
	pass "live: the reset summary counts the 5 sent since"
else
	fail "live: the reset summary does not count 5"
fi
check_stderr "live"
keys q

[ $fails = 0 ]
