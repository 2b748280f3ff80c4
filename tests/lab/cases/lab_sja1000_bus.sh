#!/usr/bin/env bash
# The two emulated SJA1000 controllers share one bus: with a bitrate set, a frame sent on can0
# arrives on can1.
. "$(dirname "$0")/../lib.sh"
need_if can0
need_if can1
for dev in can0 can1; do
	ip link set "$dev" down
	ip link set "$dev" type can bitrate 500000 || fail "could not set bitrate 500000 on $dev"
	ip link set "$dev" up || fail "could not bring $dev up"
done
ip -details link show can0 | grep -q 'bitrate 500000' || fail "can0 does not report bitrate 500000:
$(ip -details link show can0)"
bg candump -L -n 1 can1 >"$LAB_TMP/dump"
settle
cansend can0 321#CAFE
wait_lines "$LAB_TMP/dump" 1 10 || fail "nothing arrived on can1"
got=$(awk '{print $2, $3}' "$LAB_TMP/dump")
[ "$got" = "can1 321#CAFE" ] || fail "can1 received '$got', expected 'can1 321#CAFE'"
echo "frame crossed the emulated bus can0 -> can1 at 500 kbit/s"
