#!/bin/sh
# The end-to-end runner: `make test-e2e` calls it as
#   TAPTOP=build/taptop sh tests/e2e/run.sh [PATTERN...]
# It runs every tests/e2e/test_*.sh and test_*.py (or those whose name
# contains one of the PATTERNs), each of which prints its own results and
# exits 0 (passed), 77 (skipped: a tool it needs is missing) or anything
# else (failed).  The last line is the count, in the form CI reads:
#   N passed, N failed[, N skipped]
# and the exit status is non-zero when any test failed.

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

passed=0
failed=0
skipped=0
failures=""
for t in tests/e2e/test_*.sh tests/e2e/test_*.py; do
	[ -f "$t" ] || continue
	if [ $# -gt 0 ]; then
		want=no
		for p in "$@"; do
			case $t in *"$p"*) want=yes ;; esac
		done
		[ $want = yes ] || continue
	fi
	echo "=== $t"
	start=$(date +%s)
	case $t in
	*.sh) sh "$t" </dev/null ;;
	*.py) $python "$t" </dev/null ;;
	esac
	rc=$?
	took="$(($(date +%s) - start)) s"
	case $rc in
	0)
		passed=$((passed + 1))
		echo "=== $t: ok ($took)"
		;;
	77)
		skipped=$((skipped + 1))
		echo "=== $t: skipped ($took)"
		;;
	*)
		failed=$((failed + 1))
		failures="$failures $t"
		echo "=== $t: FAILED (exit $rc, $took)"
		;;
	esac
done

[ -n "$failures" ] && echo "failed:$failures"
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
