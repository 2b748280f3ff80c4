#!/usr/bin/env bash
# Kernel filters prune: frames outside the candump-syntax filter never reach the ring. Both a
# plain id:mask filter and an inverted id~mask filter.
. "$(dirname "$0")/../lib.sh"
ids_in_ring() { awk '$1 == "frame" {print $6}' "$LAB_TMP/check.out" | tr '\n' ' '; }

start_service filt "vcan3,100:700"
start_check filt --frames 3 --channels vcan3 --any-pattern --print --idle-ms 3000
# Frames the filter must drop come first: if one got through, the checker would see it first.
for id in 050 200 7F5 100 3AB 1FF 12345678 123; do cansend vcan3 "$id#AA"; done
wait_check
[ "$(ids_in_ring)" = "100 1ff 123 " ] || fail "100:700 let through: $(ids_in_ring)"
stop_service

start_service finv "vcan3,7F0~7FF"
start_check finv --frames 3 --channels vcan3 --any-pattern --print --idle-ms 3000
for id in 7F0 7F0 101 7F0 7F1 123; do cansend vcan3 "$id#BB"; done
wait_check
[ "$(ids_in_ring)" = "101 7f1 123 " ] || fail "7F0~7FF let through: $(ids_in_ring)"
stop_service
echo "kernel filters pruned as asked"
