#!/usr/bin/env bash
# Extended ids, RTR frames and error frames are kept as what they are.
. "$(dirname "$0")/../lib.sh"
start_service kinds vcan2,#FFFFFFFF
start_check kinds --frames 7 --channels vcan2 --any-pattern --print
cansend vcan2 12345678#11223344 # extended
cansend vcan2 1FFFFFFF#         # extended, highest id, no data
cansend vcan2 123#R             # RTR
cansend vcan2 456#R3            # RTR with a length
cansend vcan2 7FF#0102030405060708
# An error frame: the id carries CAN_ERR_FLAG (0x20000000); class CAN_ERR_CRTL, rx warning.
cansend vcan2 20000004#0004000000000000
cansend vcan2 000#
wait_check
[ "$(check_field vcan2 error)" = 1 ] || fail "the error frame was not kept as an error record"
[ "$(check_field vcan2 rtr)" = 2 ] || fail "RTR frames not kept"
grep -q "kind 1 id 92345678 len 4" "$LAB_TMP/check.out" || fail "extended frame not intact"
grep -q "kind 1 id 9fffffff len 0" "$LAB_TMP/check.out" || fail "highest extended id not intact"
grep -q "kind 3 id 20000004 len 8" "$LAB_TMP/check.out" || fail "error frame not intact"
grep -q "kind 1 id 40000456 len 3" "$LAB_TMP/check.out" || fail "RTR with length not intact"
stop_service
