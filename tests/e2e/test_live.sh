#!/bin/sh
# e2e: serial (captures on lo)
# Live capture on loopback, with traffic this test sends to 127.0.0.1, and
# the live capture's errors: no such interface, a bad capture filter, no
# permission, an interface that is down (in a network namespace this test
# makes and removes), and stopping on --duration with no traffic at all.
# Needs root, as CI has; skipped (77) otherwise.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in /*) ;; *) taptop=$(pwd)/$taptop ;; esac

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: live capture needs root"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taptop-live.XXXXXX") || exit 1
ns=taptop-test-$$
trap 'rm -rf "$tmp"; ip netns del "$ns" 2>/dev/null' EXIT INT TERM

fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }

# Sends N one-byte datagrams to 127.0.0.1:PORT, a little after start.
send_udp() {
	python3 -c '
import socket, sys, time
time.sleep(0.5)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[2])))
' "$1" "$2" &
}

# 1. Counts what it captures, with a capture filter, and stops on -c.
port=$((20000 + $$ % 20000))
send_udp 5 $port
timeout 20 "$taptop" -i lo -f "udp dst port $port" -c 5 --batch --json \
	--panel summary --panel conv.udp >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && python3 - "$tmp/out" $port <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
port = int(sys.argv[2])
assert d["capture"]["source"] == "lo", d["capture"]
assert d["capture"]["packets"] == 5, d["capture"]
s = d["panels"][0]["rows"][0]
assert s["packets"] == 5 and s["bytes"] == 5 * 43, s
rows = d["panels"][1]["rows"]
assert len(rows) >= 1 and all(r["b_port"] == port or r["a_port"] == port
    for r in rows), rows
assert sum(r["frames"] for r in rows) == 5, rows
PY
then pass "loopback capture counts 5 datagrams"
else fail "loopback capture (rc $rc): $(cat "$tmp/err")"; fi

# 2. --duration ends a capture that sees no packet at all.
timeout 20 "$taptop" -i lo -f "udp dst port 9" --duration 1 --batch \
	--panel summary >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q "Packets: 0" "$tmp/out"; then
	pass "--duration ends an idle capture"
else fail "--duration on an idle interface (rc $rc)"; fi

# 2b. --interval prints snapshots before the final one.  (How many depends
# on the machine's load, so only "more than the final one" is asserted.)
timeout 20 "$taptop" -i lo -f "udp dst port 9" --duration 2.2 --interval 0.5 \
	--batch --panel summary >"$tmp/out" 2>"$tmp/err"
n=$(grep -c "^Summary" "$tmp/out")
if [ "$n" -ge 2 ]; then
	pass "--interval 0.5 over 2.2 s printed $n snapshots"
else fail "--interval: $n snapshots"; fi

# 2c. Live --interval --json: one line per interval, empty ones too, cut
# on the clock's grid: consecutive ends exactly one interval apart.  (The
# times are the capture's own arithmetic, not measured durations.)
timeout 20 "$taptop" -i lo -f "udp dst port 9" --duration 2.2 --interval 0.5 \
	--batch --json --panel summary >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && python3 - "$tmp/out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) >= 5, len(lines)
for a, b in zip(lines, lines[1:-1]):
    assert abs(b["time"] - a["time"] - 0.5) < 1e-5, (a["time"], b["time"])
for l in lines[:-1]:
    assert l["interval"] == 0.5, l
    assert l["panels"][0]["rows"][0]["packets"] == 0, l
assert 0 <= lines[-1]["interval"] <= 0.5 + 1e-6, lines[-1]
assert abs(lines[-1]["elapsed"] - lines[-2]["elapsed"] -
           lines[-1]["interval"]) < 1e-5, lines[-2:]
PY
then pass "live --interval --json: a line per interval, empty ones too"
else fail "live --interval --json (rc $rc): $(head -c 300 "$tmp/err")"; fi

# 2d. Live --interval-mode delta: the intervals add up to every packet.
port=$((20000 + ($$ + 7) % 20000))
python3 -c '
import socket, sys, time
time.sleep(0.5)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    s.sendto(b"x", ("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.05)
' $port &
timeout 20 "$taptop" -i lo -f "udp dst port $port" -c 20 --interval 0.2 \
	--interval-mode delta --batch --json --panel summary --panel conv.udp \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && python3 - "$tmp/out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) >= 2, len(lines)
assert sum(l["capture"]["packets"] for l in lines) == 20, lines
assert sum(l["panels"][0]["rows"][0]["packets"] for l in lines) == 20
assert sum(r["frames"] for l in lines for r in l["panels"][1]["rows"]) == 20
PY
then pass "live --interval-mode delta: the intervals add up to 20 packets"
else fail "live --interval-mode delta (rc $rc): $(head -c 300 "$tmp/err")"; fi

# 3. SIGINT ends a live batch capture, which still prints.
"$taptop" -i lo -f "udp dst port 9" --batch --panel summary \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -INT $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
	kill -9 $pid
	fail "SIGINT did not stop the capture"
else
	wait $pid
	rc=$?
	if [ $rc = 0 ] && grep -q "^Summary" "$tmp/out"; then
		pass "SIGINT stops and prints"
	else fail "SIGINT: rc $rc"; fi
fi

# 4. -D lists the loopback interface.
if "$taptop" -D | grep -q " lo .*loopback"; then pass "-D lists lo"
else fail "-D: $("$taptop" -D 2>&1 | head -3)"; fi

# One line on stderr, with the given exit status and text.
expect_error() {
	desc=$1 want_rc=$2 text=$3
	shift 3
	timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc = "$want_rc" ] && [ "$lines" = 1 ] &&
	    grep -q -- "$text" "$tmp/err"; then
		pass "$desc: $(cat "$tmp/err")"
	else
		fail "$desc: rc $rc, $lines lines: $(cat "$tmp/err")"
	fi
}

expect_error "no such interface" 1 "no such interface" \
	"$taptop" -i taptop-nosuch0 --batch
expect_error "bad capture filter" 2 'bad capture filter "udp prot"' \
	"$taptop" -i lo -f "udp prot" --batch
if command -v setpriv >/dev/null 2>&1; then
	expect_error "no permission" 1 "permission denied.*setcap" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$taptop" -i lo --batch -c 1
else
	fail "setpriv is missing (util-linux)"
fi
if ip netns add "$ns" 2>/dev/null &&
    ip netns exec "$ns" ip link add tt0 type veth peer name tt1 2>/dev/null; then
	expect_error "interface down" 1 "tt0: the interface is down" \
		ip netns exec "$ns" "$taptop" -i tt0 --batch -c 1
else
	fail "cannot make a network namespace with a veth pair"
fi

[ $fails = 0 ]
