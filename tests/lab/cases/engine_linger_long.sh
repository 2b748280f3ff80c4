#!/usr/bin/env bash
# While a slow stream flows, the engine gathers frames in the socket until the readers are due
# (rx_loop.c, linger_ns(); service_sink.c, svc_sink_idle()): one iteration per reader budget
# (4 ms by default) instead of one per 1 ms linger, and still no later for the reader. 2,000
# frames paced at 4,000/s on one vcan take 0.5 s: with 1 ms lingers the loop went round about
# once per 1.1 ms (~450 iterations, 4 or 5 frames each); with the longer ones about once per
# 4 ms (~130). The case asks for fewer than 250 iterations, some long lingers, none longer than
# the budget, every frame in order, and no reader wake-up bringing more than 200 frames.
. "$(dirname "$0")/../lib.sh"
N=2000
paced_to_check $N 4000
most=$(wake_field max_wake_frames)
[ -n "$most" ] || fail "canring-check printed no wake-up counts"
[ "$most" -le 200 ] || fail "one reader wake-up brought $most of $N frames: the readers were left waiting"
stop_service
report=$(grep "^canring run: engine thread 0: " "$LAB_TMP/service-rx0.log") ||
	fail "no exit report for engine thread 0 in: $(cat "$LAB_TMP/service-rx0.log")"
iters=$(echo "$report" | grep -o 'frames in [0-9]* iterations' | grep -o '[0-9][0-9]*')
longs=$(echo "$report" | grep -o '[0-9]* long lingers' | grep -o '^[0-9]*')
longest=$(echo "$report" | grep -o '(longest [0-9]* us)' | grep -o '[0-9][0-9]*')
[ -n "$iters" ] && [ -n "$longs" ] && [ -n "$longest" ] ||
	fail "the exit report lacks the iteration or long-linger counts: $report"
echo "engine: $iters iterations, $longs long lingers, the longest $longest us; reader wake-ups at most $most frames"
[ "$longs" -gt 0 ] || fail "no long linger while the stream flowed: $report"
[ "$longest" -le 4000 ] || fail "a linger of $longest us, longer than the readers' 4 ms budget: $report"
[ "$iters" -lt 250 ] || fail "$iters iterations for $N frames at 4,000/s: the loop did not gather between reader wake-ups"
