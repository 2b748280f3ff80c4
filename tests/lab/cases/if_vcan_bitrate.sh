#!/usr/bin/env bash
# A bitrate (or restart-ms) on vcan fails cleanly: exit 1, the message names the reason, and
# the interface is left as it was (still up).
. "$(dirname "$0")/../lib.sh"
need_if vcan0
before=$(ip -details link show vcan0)
"$CANRING_BIN" if vcan0 set bitrate 250000 2>"$LAB_TMP/e"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, want 1"
grep -qx 'canring if: vcan0 has no bit timing (virtual interface)' "$LAB_TMP/e" || fail "message: $(cat "$LAB_TMP/e")"
"$CANRING_BIN" if vcan0 set restart-ms 100 down 2>"$LAB_TMP/e2"
[ $? -eq 1 ] && grep -q 'no restart-ms' "$LAB_TMP/e2" || fail "restart-ms: $(cat "$LAB_TMP/e2")"
[ "$before" = "$(ip -details link show vcan0)" ] || fail "vcan0 changed:
$(ip -details link show vcan0)"
"$CANRING_BIN" if vcan0 show | grep -q 'no controller' || fail "show vcan0: $("$CANRING_BIN" if vcan0 show)"
echo "$(cat "$LAB_TMP/e")"
