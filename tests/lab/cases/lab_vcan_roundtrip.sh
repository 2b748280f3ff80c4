#!/usr/bin/env bash
# cansend -> candump round trip on vcan0: the lab's virtual CAN works end to end.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
bg candump -L -n 3 vcan0 >"$LAB_TMP/dump"
settle
cansend vcan0 123#DEADBEEF
cansend vcan0 12345678#0011223344556677
cansend vcan0 7FF#R
wait_lines "$LAB_TMP/dump" 3 || fail "candump saw $(wc -l <"$LAB_TMP/dump") of 3 frames"
got=$(awk '{print $2, $3}' "$LAB_TMP/dump")
want=$(printf 'vcan0 123#DEADBEEF\nvcan0 12345678#0011223344556677\nvcan0 7FF#R')
[ "$got" = "$want" ] || fail "candump printed:
$got
expected:
$want"
echo "3 frames crossed vcan0 intact"
