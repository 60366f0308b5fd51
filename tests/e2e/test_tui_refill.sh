#!/bin/sh
# e2e: serial (drives a terminal, timing-sensitive)
# Panels that fill at once, and the replay controls, in the interface: the
# taptop binary runs in a tmux server of this test's own, keys are sent
# and the screen is read.  Nothing waits for a fixed time except the one
# check that a paused replay does not move (and that waits for the pause
# first); every other check polls the screen for at most 10 s.
#
# The rule checked everywhere: a panel added (or refiltered, or reset)
# after packets went by shows, once its refill is done, the same title
# line and table, row for row, as a panel of the same kind and filter
# that was open from the start.
#   - A file read to its end: a panel added, refiltered, reset; a new
#     global filter (every panel again, checked against --batch -Y).
#   - A paced replay: a panel added while it plays catches up and goes on.
#   - A pipe (-r -): a panel added while the pipe is quiet (from the
#     history), which then goes on with the rest; a history too small for
#     the capture says how far back it reaches ("since HH:MM:SS, ...").
#   - Live on lo: test_tui_refill_live.sh.
#   - Replay controls: P pauses the reading (the packet count stands
#     still), P resumes it (the count moves), [ and ] change the speed on
#     the status line, which shows the capture time replayed.

. "$(dirname "$0")/refill_lib.sh"

# ---- 1. A file read to its end ----------------------------------------------

start file -- -r "$pcap" --panel "conv.tcp:tcp.port == 80" \
	--panel "summary:udp" --panel endpoints.ip
check "file: read to its end" "file finished"
add conv.tcp "tcp.port == 80"
check "file: the new panel refills from the file" \
	"4 conv.tcp \[tcp.port == 80\]"
same "file: a panel added after the end equals one open from the start" 1 4
add summary tcp
check "file: a summary panel added" "5 summary \[tcp\]"
refilter udp
check "file: refiltered, it refills" "5 summary \[udp\]"
same "file: a refiltered panel equals one open from the start" 2 5
show 4
keys r
check "file: r on a file reads it again" \
	"conv.tcp reset, refilling from the start of the file"
same "file: a reset panel equals one open from the start" 1 4
# A new global filter: every panel again, as --batch -Y counts.
keys Y
wait_for "Global display filter" >/dev/null
text "frame.len > 100"
keys Enter
check "file: the global filter refills every panel" \
	"global filter applied; refilling from the start of the file"
same "file: under a global filter, added and from the start agree" 1 4
same "file: under a global filter, refiltered and from the start agree" 2 5
want=$("$taptop" -r "$pcap" --batch -Y "frame.len > 100" --json \
	--panel summary:udp | python3 -c '
import json, sys
print(json.load(sys.stdin)["panels"][0]["rows"][0]["packets"])')
show 5
if wait_for "^ +$want  " 50; then
	pass "file: the refilled summary counts $want packets, as --batch -Y"
else
	fail "file: the refilled summary does not count $want packets"
fi
check_stderr "file"
keys q
check "file: q" "EXITED 0"

# ---- 2. A paced replay: added while it plays --------------------------------

start paced -- -r "$pcap" --speed 4 --panel conv.tcp --panel summary
check "paced: replaying" "replaying at 4x"
wait_for "^ [1-9][0-9.]*k? (packets|pkts)" >/dev/null
add conv.tcp ""
check "paced: a panel added during the replay" "3 conv.tcp"
add summary ""
check "paced: and a summary" "4 summary"
check "paced: the replay ends" "file finished" 300
same "paced: the panel added mid-replay equals one open from the start" 1 3
same "paced: the summary added mid-replay equals one open from the start" 2 4
check_stderr "paced"
keys q

# ---- 3. A pipe: from the history --------------------------------------------

# The writer sends the header and the first $half packets, waits for
# $tmp/go, then sends the rest and ends.
half=2000
cat >"$tmp/writer.py" <<'PY'
import os, struct, sys, time
data = open(sys.argv[1], "rb").read()
half, go = int(sys.argv[2]), sys.argv[3]
off, n = 24, 0
while n < half:
    caplen = struct.unpack_from("<I", data, off + 8)[0]
    off += 16 + caplen
    n += 1
out = sys.stdout.buffer
out.write(data[:off])
out.flush()
for _ in range(1200):
    if os.path.exists(go):
        break
    time.sleep(0.05)
out.write(data[off:])
out.flush()
PY
echo "exec python3 '$tmp/writer.py' '$pcap' $half '$tmp/go'" >"$tmp/pipe.sh"

start pipe PIPE_FROM="$tmp/pipe.sh" -- -r - --panel conv.tcp --panel summary
check "pipe: the first $half packets" "^ 2.00k (packets|pkts)"
add conv.tcp ""
check "pipe: a panel added while the pipe is quiet" "3 conv.tcp"
same "pipe: from the history it equals one open from the start" 1 3
touch "$tmp/go"
check "pipe: the rest, to the end" "stdin .*file finished"
same "pipe: then it went on with the live packets" 1 3
add summary ""
same "pipe: a summary added at the end equals one open from the start" 2 4
if screen | grep -q "since "; then
	fail "pipe: a history that holds everything claims a start"
else
	pass "pipe: a history that holds everything claims no start"
fi
check_stderr "pipe"
keys q

# A history of 1 MiB for a 3.8 MB capture: the panel says where it starts.
rm -f "$tmp/go"
echo "exec python3 '$tmp/writer.py' '$pcap' 0 / 2>/dev/null" \
	>"$tmp/all.sh"
start short PIPE_FROM="$tmp/all.sh" -- -r - --history 1 --panel summary
check "short history: read to the end" "stdin .*file finished"
add summary ""
check "short history: the panel says how far back it reaches" \
	"since [0-2][0-9]:[0-5][0-9]:[0-5][0-9], [0-9]+ s"
check_stderr "short history"
keys q

# ---- 4. Replay controls ------------------------------------------------------

start ctl -- -r "$pcap" --speed 1 --panel summary
check "ctl: replaying at 1x, with the time replayed" \
	"replaying at 1x: 2013-05-0[12] [0-9:]{8}"
wait_for "^ [1-9][0-9.]*k? (packets|pkts)" >/dev/null
keys P
check "ctl: P pauses the reading" "replay paused at 2013-05-0[12] [0-9:]{8} \(1x\)"
a=$(line 2 | awk '{ print $1 }')
sleep 1.5
b=$(line 2 | awk '{ print $1 }')
if [ -n "$a" ] && [ "$a" = "$b" ]; then
	pass "ctl: paused, the packet count stands at $a"
else
	fail "ctl: paused, the packet count moved ($a, then $b)"
fi
keys P
check "ctl: P resumes" "replaying at 1x"
if wait_gone "^ $a (packets|pkts)"; then
	pass "ctl: resumed, the packet count moves on from $a"
else
	fail "ctl: resumed, the packet count stays at $a"
fi
keys ]
check "ctl: ] is faster" "replaying at 2x"
keys [ [
check "ctl: [ [ is slower" "replaying at 0.5x"
keys ] ] ] ] ] ] ]
check "ctl: ] up to 100x" "replaying at 100x|file finished"
keys ]
check "ctl: then as fast as possible, to the end" "file finished"
keys P
check "ctl: P when the reading has ended says so" "the reading has ended"
check_stderr "ctl"
keys q

[ $fails = 0 ]
