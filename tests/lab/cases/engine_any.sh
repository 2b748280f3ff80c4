#!/usr/bin/env bash
# `any` receives from every CAN interface, and each interface's frames are published under a
# channel named after it (as candump -L any prints them).
. "$(dirname "$0")/../lib.sh"
start_service anyt any
"$CANRING_BIN" dump --segment anyt -L -n 3 >"$LAB_TMP/dump" 2>"$LAB_TMP/dump.err" &
dump=$!
LAB_PIDS+=($dump)
settle 1
cansend vcan1 111#01
cansend vcan3 333#03
cansend vcan1 112#02
wait_lines "$LAB_TMP/dump" 3 20 || fail "canring dump saw $(wc -l <"$LAB_TMP/dump") of 3 frames: $(cat "$LAB_TMP/dump.err")"
got=$(awk '{print $2, $3}' "$LAB_TMP/dump" | tr '\n' ';')
[ "$got" = "vcan1 111#01;vcan3 333#03;vcan1 112#02;" ] || fail "any published: $got"
echo "any: $got"
stop_service
