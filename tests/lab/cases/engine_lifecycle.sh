#!/usr/bin/env bash
# One service per segment name; SIGTERM ends the stream cleanly (exit 0, consumers see the end);
# a segment left by a crashed service (SIGKILL) is recovered by the next service.
. "$(dirname "$0")/../lib.sh"
start_service life vcan0
first=$SERVICE_PID
out=$("$CANRING_BIN" run --segment life vcan1 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "a second service on the same segment started"
echo "$out" | grep -q "still running" || fail "second service's message is unclear: $out"
echo "second service refused: $out"

# SIGTERM: the consumer sees end-of-stream and exits by itself (it waits for more otherwise).
start_check life --frames 1000000 --channels vcan0 --any-pattern --idle-ms 20000
cangen vcan0 -n 50 -g 0 -I i -D i -L 8
kill -TERM "$first"
wait "$first"
rc=$?
[ $rc -eq 0 ] || fail "canring run exited $rc after SIGTERM"
wait "$CHECK_PID" # fails (fewer frames than asked) but must end at end-of-stream, not by timeout
grep -q "no record for" "$LAB_TMP/check.out" && fail "the consumer did not see end of stream"
[ "$(check_field vcan0 frames)" = 50 ] || fail "frames before SIGTERM were lost: $(cat "$LAB_TMP/check.out")"
[ ! -e /dev/shm/canring.life ] || fail "segment left after a clean stop"

# Crash: SIGKILL leaves the segment; the next service recovers it.
start_service life vcan0
kill -KILL "$SERVICE_PID"
wait "$SERVICE_PID" 2>/dev/null
[ -e /dev/shm/canring.life ] || fail "expected the crashed service's segment to remain"
start_service life vcan0
start_check life --frames 20 --channels vcan0
cangen vcan0 -n 20 -g 0 -I i -D i -L 8
wait_check
stop_service
echo "one service per name; clean stop; crash recovered"
