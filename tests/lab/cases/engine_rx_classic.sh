#!/usr/bin/env bash
# One interface at full blast (cangen -g 0): every 8-byte frame reaches a C API consumer in order
# and intact, and nothing is dropped anywhere; the exit report counts every frame.
. "$(dirname "$0")/../lib.sh"
N=50000
start_service rx1 vcan0
start_check rx1 --frames $N --channels vcan0
cangen vcan0 -g 0 -I i -D i -L 8 -n $N || fail "cangen failed"
wait_check
[ "$(check_field vcan0 socket_drops)" = 0 ] || fail "the socket dropped frames"
stop_service
report=$(grep "^canring run: engine thread 0: " "$LAB_TMP/service-rx1.log") ||
	fail "no exit report for engine thread 0 in: $(cat "$LAB_TMP/service-rx1.log")"
echo "$report" | grep -q ": $N frames in [0-9]* iterations, [0-9]* completions, [0-9]* sink calls" ||
	fail "the exit report does not count the $N frames: $report"
