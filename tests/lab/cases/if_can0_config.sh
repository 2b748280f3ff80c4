#!/usr/bin/env bash
# `canring if can0 set bitrate 250000 restart-ms 100` shows in `ip -details link show can0`;
# show reports state and error counters as ip does; changing the bitrate while up is refused
# with a clear message; restart of a controller that is not bus-off is refused.
. "$(dirname "$0")/../lib.sh"
need_if can0
ip link set can0 down
"$CANRING_BIN" if can0 set bitrate 250000 restart-ms 100 || fail "set exited $?"
d=$(ip -details link show can0)
echo "$d" | grep -q 'bitrate 250000' || fail "ip does not show bitrate 250000: $d"
echo "$d" | grep -q 'restart-ms 100' || fail "ip does not show restart-ms 100: $d"
"$CANRING_BIN" if can0 set bitrate 125000 sample-point 0.75 || fail "sample-point set exited $?"
ip -details link show can0 | grep -q 'bitrate 125000 sample-point 0.750' || fail "sample point: $(ip -details link show can0)"
"$CANRING_BIN" if can0 up || fail "up exited $?"
"$CANRING_BIN" if can0 show >"$LAB_TMP/s" || fail "show exited $?"
cat "$LAB_TMP/s"
d=$(ip -details link show can0)
ipstate=$(echo "$d" | sed -n 's/.*can state \([A-Z-]*\).*/\1/p')
grep -q "state $ipstate" "$LAB_TMP/s" || fail "state differs from ip's $ipstate"
berr=$(echo "$d" | sed -n 's/.*(berr-counter tx \([0-9]*\) rx \([0-9]*\)).*/tx \1 rx \2/p')
[ -z "$berr" ] || grep -q "berr-counter $berr" "$LAB_TMP/s" || fail "error counters differ from ip's $berr"
grep -q 'restart-ms 100' "$LAB_TMP/s" || fail "show lacks restart-ms 100"
grep -q 'bitrate 125000' "$LAB_TMP/s" || fail "show lacks bitrate 125000"
"$CANRING_BIN" if can0 show --json | grep -q '"state":"'"$ipstate"'"' || fail "JSON state"
"$CANRING_BIN" if can0 set bitrate 500000 2>"$LAB_TMP/e"
[ $? -eq 1 ] && grep -q 'can0 is up' "$LAB_TMP/e" || fail "bitrate while up: $(cat "$LAB_TMP/e")"
ip -details link show can0 | grep -q 'bitrate 125000' || fail "refused change changed the bitrate"
"$CANRING_BIN" if can0 restart 2>"$LAB_TMP/e2"
[ $? -eq 1 ] && grep -q 'bus-off' "$LAB_TMP/e2" || fail "restart: $(cat "$LAB_TMP/e2")"
"$CANRING_BIN" if can0 set bitrate 500000 down up || fail "set ... down up exited $?"
ip -details link show can0 | grep -q 'bitrate 500000' || fail "down/set/up did not apply"
"$CANRING_BIN" if can0 down || fail "down exited $?"
ip link show can0 | head -1 | grep -q '<[^>]*UP[,>]' && fail "can0 still up"
echo "state $ipstate, berr '$berr'; bitrate/restart-ms/sample-point applied and visible in ip"
