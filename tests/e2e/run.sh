#!/bin/sh
# The end-to-end runner: `make test-e2e` calls it as
#   TAPTOP=build/taptop sh tests/e2e/run.sh [PATTERN...]
# It runs every tests/e2e/test_*.sh and test_*.py (or those whose name
# contains one of the PATTERNs), each of which prints its own results and
# exits 0 (passed), 77 (skipped: a tool it needs is missing) or anything
# else (failed).  The last line is the count, in the form CI reads:
#   N passed, N failed[, N skipped]
# and the exit status is non-zero when any test failed.
#
# Tests run side by side, E2E_JOBS at a time (2 by default, the cores CI
# has; 1 runs them one after the other), plus one lane of their own for
# the tests that share something: a test that captures on lo (its counts
# would see another's traffic) or drives a terminal, which says so with a
# line "e2e: serial" in its text, runs in that lane, one after the other,
# beside the others.  Each test's output is kept and printed whole, in
# the tests' order, with its time.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# TAPTOP is relative to where we were called from; make it absolute
# before moving to the repo root.
taptop=${TAPTOP:-$root/build/taptop}
case $taptop in
/*) ;;
*) taptop=$(pwd)/$taptop ;;
esac
export TAPTOP="$taptop"
cd "$root" || exit 1

if command -v python3 >/dev/null 2>&1; then
	python=python3
else
	python=/usr/bin/python3
fi
jobs=${E2E_JOBS:-2}

out=$(mktemp -d "${TMPDIR:-/tmp}/taptop-e2e.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT INT TERM

# The tests to run, in order, and which lane each goes to.
: >"$out/serial"
: >"$out/parallel"
: >"$out/all"
for t in tests/e2e/test_*.sh tests/e2e/test_*.py; do
	[ -f "$t" ] || continue
	if [ $# -gt 0 ]; then
		want=no
		for p in "$@"; do
			case $t in *"$p"*) want=yes ;; esac
		done
		[ $want = yes ] || continue
	fi
	echo "$t" >>"$out/all"
	if grep -q "e2e: serial" "$t"; then
		echo "$t" >>"$out/serial"
	else
		echo "$t" >>"$out/parallel"
	fi
done

# One test: its output and status in $out, named after it.
cat >"$out/one.sh" <<EOF
t=\$1
log=$out/\$(echo "\$t" | tr / _)
start=\$(date +%s)
case \$t in
*.sh) sh "\$t" </dev/null >"\$log.out" 2>&1 ;;
*.py) $python "\$t" </dev/null >"\$log.out" 2>&1 ;;
esac
echo \$? \$((\$(date +%s) - start)) >"\$log.rc"
EOF

if [ "$jobs" -le 1 ]; then
	while read -r t; do sh "$out/one.sh" "$t"; done <"$out/all"
else
	(while read -r t; do sh "$out/one.sh" "$t"; done <"$out/serial") &
	lane=$!
	xargs -P "$jobs" -n 1 sh "$out/one.sh" <"$out/parallel"
	wait $lane
fi

passed=0
failed=0
skipped=0
failures=""
while read -r t; do
	log=$out/$(echo "$t" | tr / _)
	echo "=== $t"
	cat "$log.out" 2>/dev/null
	read -r rc took <"$log.rc" || { rc=1; took=0; }
	case $rc in
	0)
		passed=$((passed + 1))
		echo "=== $t: ok ($took s)"
		;;
	77)
		skipped=$((skipped + 1))
		echo "=== $t: skipped ($took s)"
		;;
	*)
		failed=$((failed + 1))
		failures="$failures $t"
		echo "=== $t: FAILED (exit $rc, $took s)"
		;;
	esac
done <"$out/all"

[ -n "$failures" ] && echo "failed:$failures"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
