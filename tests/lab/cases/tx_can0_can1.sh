#!/usr/bin/env bash
# On the emulated SJA1000 pair: `canring if` sets the bitrate and brings both up, and a frame
# from `canring send can0` crosses the emulated bus to can1.
. "$(dirname "$0")/../lib.sh"
need_if can0
need_if can1
for dev in can0 can1; do
	"$CANRING_BIN" if $dev set bitrate 500000 down up || fail "canring if $dev set bitrate 500000 up: exit $?"
done
ip link show can1 | head -1 | grep -q '<[^>]*UP[,>]' || fail "can1 not up: $(ip -details link show can1)"
bg candump -L -n 2 can1 >"$LAB_TMP/d"
settle
"$CANRING_BIN" send can0 321#CAFE 18FEF100#0102030405060708 || fail "canring send can0 exited $?"
wait_lines "$LAB_TMP/d" 2 10 || fail "can1 saw $(wc -l <"$LAB_TMP/d") of 2 frames"
got=$(awk '{print $2, $3}' "$LAB_TMP/d")
want=$(printf 'can1 321#CAFE\ncan1 18FEF100#0102030405060708')
[ "$got" = "$want" ] || fail "can1 received
$got
expected
$want"
echo "canring send can0 -> can1 across the emulated bus"
