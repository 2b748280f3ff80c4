#!/usr/bin/env bash
# An idle service sleeps: with no frames, the engine thread lets its drop-poll timer go (all
# channels quiet) and the control thread ticks once a second instead of ten times. Counted as
# the service threads' voluntary context switches (wake-ups) over 3 s of idleness, before any
# traffic and again after a burst: at 10 ticks a second each thread alone would make about 30.
# The burst in between is received whole (the engine wakes for frames, not for its timer).
. "$(dirname "$0")/../lib.sh"
need_if vcan0
need_if vcan1

wakeups() { # total voluntary context switches of the service's threads
	local t sum=0 n
	for t in /proc/"$SERVICE_PID"/task/*; do
		n=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t/status")
		sum=$((sum + n))
	done
	echo "$sum"
}

idle_wakeups() { # wake-ups in 3 s, after letting the service settle for 1.5 s
	sleep 1.5
	local a b
	a=$(wakeups)
	sleep 3
	b=$(wakeups)
	echo $((b - a))
}

start_service idle vcan0 vcan1
before=$(idle_wakeups)
start_check idle --frames 1000 --channels vcan0,vcan1 --any-pattern --idle-ms 1500
cangen vcan0 -g 0 -I i -D i -L 8 -n 1000 || fail "cangen vcan0 failed"
cangen vcan1 -g 0 -I i -D i -L 8 -n 1000 || fail "cangen vcan1 failed"
wait "$CHECK_PID" || fail "canring-check: $(cat "$LAB_TMP/check.out")"
after=$(idle_wakeups)
stop_service
echo "service wake-ups in 3 idle seconds: $before before traffic, $after after it"
# Once a second for the control thread (3-4), a few for the engine's last polls after the burst.
[ "$before" -le 12 ] || fail "idle service woke $before times in 3 s before traffic"
[ "$after" -le 12 ] || fail "idle service woke $after times in 3 s after traffic"
