#!/usr/bin/env bash
# Interface control through the service: a user its control socket allows but who has no
# CAP_NET_ADMIN of its own cannot set can0's bitrate standalone, and can through the service:
# `canring if --segment S can0 set bitrate 250000 restart-ms 100 up` shows in `ip -details`.
# A vcan (no bit timing) and an interface the service does not serve are refused clearly.
. "$(dirname "$0")/../lib.sh"
need_if can0
ip link set can0 down
start_service ifctl --control-mode 0666 can0 vcan0
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

out=$(as_nobody "$CANRING_BIN" if can0 set bitrate 250000 restart-ms 100 2>&1) &&
	fail "nobody set a bitrate without privileges: $out"
as_nobody "$CANRING_BIN" if --segment ifctl can0 set bitrate 250000 restart-ms 100 up ||
	fail "set through the service exited $?"
d=$(ip -details link show can0)
echo "$d" | grep -q 'bitrate 250000' || fail "ip does not show bitrate 250000: $d"
echo "$d" | grep -q 'restart-ms 100' || fail "ip does not show restart-ms 100: $d"
echo "$d" | grep -q 'state UP\|<.*,UP' || fail "can0 not up: $d"

out=$(as_nobody "$CANRING_BIN" if --segment ifctl can0 set bitrate 500000 2>&1) && fail "bitrate while up: $out"
echo "$out" | grep -q 'can0 is up' || fail "message: $out"
out=$(as_nobody "$CANRING_BIN" if --segment ifctl vcan0 set bitrate 500000 2>&1) && fail "vcan bitrate: $out"
echo "$out" | grep -qi 'vcan0' || fail "message: $out"
out=$(as_nobody "$CANRING_BIN" if --segment ifctl can1 down 2>&1) && fail "can1 is no channel: $out"
echo "$out" | grep -q "not a channel" || fail "message: $out"
as_nobody "$CANRING_BIN" if --segment ifctl can0 down || fail "down through the service exited $?"
ip link show can0 | grep -q ',UP' && fail "can0 still up"
stop_service
echo "interface control through the service: $(ip -details link show can0 | grep -o 'bitrate [0-9]*')"
