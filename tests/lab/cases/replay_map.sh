#!/usr/bin/env bash
# `canring replay` interface assignments on a log of two interfaces: each assigned log interface
# goes to its target, unassigned ones are skipped (as canplayer does) and counted; without
# assignments a logged interface that does not exist here is an error before anything is sent;
# CAN FD frames for a classic interface are refused with the line number.
. "$(dirname "$0")/../lib.sh"
for i in vcan0 vcan1 vcan2 vcan3; do need_if $i; done

(cd "$LAB_TMP" && exec candump -l -n 300 vcan0 vcan1) &
LOGGER=$!
LAB_PIDS+=($LOGGER)
settle
cangen vcan0 -g 0.2 -n 200 -I i -D i -L 8 &
G0=$!
cangen vcan1 -g 0.3 -n 100 -e -L r &
G1=$!
wait $G0 && wait $G1 || fail "cangen"
wait $LOGGER || fail "candump -l did not log 300 frames"
LOG=$(ls "$LAB_TMP"/candump-*.log)
grep ' vcan0 ' "$LOG" | awk '{print $3}' >"$LAB_TMP/want0"
grep ' vcan1 ' "$LOG" | awk '{print $3}' >"$LAB_TMP/want1"
[ "$(wc -l <"$LAB_TMP/want0")" = 200 ] && [ "$(wc -l <"$LAB_TMP/want1")" = 100 ] || fail "log content"

# only vcan1 -> vcan3: vcan3 sees vcan1's frames, vcan0's 200 are skipped
candump -L -n 100 vcan3 >"$LAB_TMP/got3" &
D3=$!
LAB_PIDS+=($D3)
settle
"$CANRING_BIN" replay -v -t -I "$LOG" vcan3=vcan1 >/dev/null 2>"$LAB_TMP/err" || fail "replay: $(cat "$LAB_TMP/err")"
wait $D3 || fail "candump on vcan3"
[ "$(awk '{print $3}' "$LAB_TMP/got3")" = "$(cat "$LAB_TMP/want1")" ] || fail "vcan3 did not get vcan1's frames"
grep -q "100 frames sent, 200 skipped" "$LAB_TMP/err" || fail "summary: $(cat "$LAB_TMP/err")"

# both, crossed, with the original timing: vcan2 <- vcan1, vcan3 <- vcan0
candump -L -n 100 vcan2 >"$LAB_TMP/got2" &
D2=$!
candump -L -n 200 vcan3 >"$LAB_TMP/got3" &
D3=$!
LAB_PIDS+=($D2 $D3)
settle
"$CANRING_BIN" replay -I "$LOG" vcan2=vcan1 vcan3=vcan0 2>"$LAB_TMP/err" || fail "replay: $(cat "$LAB_TMP/err")"
wait $D2 && wait $D3 || fail "candump on vcan2/vcan3"
[ "$(awk '{print $3}' "$LAB_TMP/got2")" = "$(cat "$LAB_TMP/want1")" ] || fail "vcan2 did not get vcan1's frames"
[ "$(awk '{print $3}' "$LAB_TMP/got3")" = "$(cat "$LAB_TMP/want0")" ] || fail "vcan3 did not get vcan0's frames"

# a logged interface that does not exist here, without assignments: error, nothing sent
sed '150s/ vcan[01] / nocan7 /' "$LOG" >"$LAB_TMP/other.log"
"$CANRING_BIN" replay -t -I "$LAB_TMP/other.log" >"$LAB_TMP/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "other.log:150: no interface for nocan7" "$LAB_TMP/out" || fail "unknown interface: exit $rc: $(cat "$LAB_TMP/out")"

# CAN FD frames for a classic interface (MTU 16): refused with the line number, nothing sent
ip link add vcan9 type vcan && ip link set vcan9 mtu 16 && ip link set vcan9 up ||
	fail "cannot create a classic vcan"
printf '(1.000000) vcan0 123#11\n(1.000100) vcan0 123##1112233\n' >"$LAB_TMP/fd.log"
"$CANRING_BIN" replay -t -I "$LAB_TMP/fd.log" vcan9=vcan0 >"$LAB_TMP/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "fd.log:2: cannot send on vcan9" "$LAB_TMP/out" || fail "FD on classic: exit $rc: $(cat "$LAB_TMP/out")"
"$CANRING_BIN" gen -f -n 1 vcan9 >"$LAB_TMP/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "classic CAN interface" "$LAB_TMP/out" || fail "gen -f on classic: exit $rc: $(cat "$LAB_TMP/out")"
ip link del vcan9
echo ok
