#!/usr/bin/env bash
# The lab fails loudly: a failing command's status comes back, a guest that does not finish in
# time is killed with the end of its console shown, and a guest that dies says so.
# Each check boots a guest of its own (on a kernel with CAN there is nothing to boot: skip).
set -u
lab=$(dirname "$0")/canlab
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -d /proc/net/can ]; then
	echo "SKIP: this kernel has CAN; the lab's guest is not used here"
	exit 77
fi
failures=0
check() { # check NAME WANT_RC GREP_PATTERN -- canlab args...
	local name=$1 want=$2 pattern=$3
	shift 4
	"$lab" "$@" >"$out/$name.out" 2>"$out/$name.err"
	local rc=$?
	if [ $rc -ne "$want" ]; then
		echo "FAIL: $name: exit $rc, expected $want"
		sed 's/^/  | /' "$out/$name.err"
		failures=$((failures + 1))
	elif ! grep -q "$pattern" "$out/$name.out" "$out/$name.err"; then
		echo "FAIL: $name: output lacks '$pattern'"
		sed 's/^/  | /' "$out/$name.out" "$out/$name.err"
		failures=$((failures + 1))
	else
		echo "ok: $name (exit $rc)"
	fi
}
# A bad setting is refused before anything boots.
CANRING_LAB_SMP=two check bad-smp 125 'CANRING_LAB_SMP takes a number' -- -- true
check failing-command 7 'before-exit' -- --timeout 60 -- sh -c 'echo before-exit; exit 7'
# Outer limit (3 s + no grace) is shorter than a boot: the guest is killed and the console shown.
CANRING_LAB_GRACE=0 check guest-timeout 124 'last lines of the guest console' -- --timeout 3 -- sleep 600
# A kernel crash inside the guest: no exit status comes back, and the lab says so.
check guest-crash 125 'without reporting' -- --timeout 60 -- sh -c 'echo c > /proc/sysrq-trigger; sleep 60'
[ $failures -eq 0 ] || exit 1
echo "lab self-test passed"
