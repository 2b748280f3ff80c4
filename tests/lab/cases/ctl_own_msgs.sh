#!/usr/bin/env bash
# Own messages on/off (python-can's receive_own_messages): with `run --own` a frame sent through
# the service comes back into the ring from the channel's own socket, flagged TX (and LOCAL);
# without --own it does not reach the ring at all, while frames from other sockets still do.
. "$(dirname "$0")/../lib.sh"
need_if vcan1
start_service own --own vcan1
start_check own --frames 2 --channels vcan1 --any-pattern --print --idle-ms 3000
"$CANRING_BIN" send --segment own vcan1 321#AA || fail "send through the service failed"
cansend vcan1 456#BB
wait_check
grep -q "^frame ch0 kind 1 id 321 len 1 flags 3$" "$LAB_TMP/check.out" || fail "own frame not received back flagged TX|LOCAL"
grep -q "^frame ch0 kind 1 id 456 len 1 flags 2$" "$LAB_TMP/check.out" || fail "other socket's frame not flagged LOCAL only"
stop_service

start_service noown vcan1
start_check noown --frames 1 --channels vcan1 --any-pattern --print --idle-ms 3000
"$CANRING_BIN" send --segment noown vcan1 321#AA || fail "send through the service failed"
cansend vcan1 456#BB # if the own frame had come back, the checker would see it first
wait_check
grep -q "id 321" "$LAB_TMP/check.out" && fail "without --own the service received its own frame"
grep -q "^frame ch0 kind 1 id 456 len 1 flags 2$" "$LAB_TMP/check.out" || fail "frame from another socket missing"
stop_service
echo "own messages: back flagged TX with --own, absent without"
