#!/usr/bin/env bash
# With a receive buffer too small for a burst, the kernel drops frames, and canring counts them
# exactly: frames received + socket drops reported = frames sent. Two bursts 1 s apart: in the
# pause the engine's drop-poll timer stops (all channels quiet), and the second burst's drops,
# the last ones after its last frame included, must be counted all the same.
. "$(dirname "$0")/../lib.sh"
HALF=10000
N=$((2 * HALF))
start_service drops --rcvbuf 1K vcan0
start_check drops --frames $N --channels vcan0 --any-pattern --idle-ms 3000
cangen vcan0 -g 0 -I i -D i -L 8 -n $HALF || fail "cangen failed"
sleep 1
cangen vcan0 -g 0 -I i -D i -L 8 -n $HALF || fail "cangen failed (second burst)"
wait "$CHECK_PID" # expected to fall short of N: the point is the accounting
cat "$LAB_TMP/check.out"
got=$(check_field vcan0 frames)
dropped=$(check_field vcan0 socket_drops)
[ -n "$got" ] && [ -n "$dropped" ] || fail "no summary from canring-check"
[ "$dropped" -gt 0 ] || skip "the engine kept up even with a 1 KiB buffer: nothing to count"
[ $((got + dropped)) -eq $N ] || fail "received $got + dropped $dropped != sent $N"
echo "received $got + counted drops $dropped = sent $N"
stop_service
