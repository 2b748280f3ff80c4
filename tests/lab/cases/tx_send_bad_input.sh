#!/usr/bin/env bash
# Bad input to `canring send` sends nothing: a malformed frame among good ones (exit 2), and
# an FD frame on a classic interface (exit 1, clear message).
. "$(dirname "$0")/../lib.sh"
need_if vcan0
# vcan defaults to the FD MTU; a classic interface is a vcan with MTU 16
ip link add vcan8 type vcan && ip link set vcan8 mtu 16 && ip link set vcan8 up ||
	fail "could not create a classic vcan"
bg candump -L vcan8 >"$LAB_TMP/d"
settle
"$CANRING_BIN" send vcan8 123#00 12X#00 2>"$LAB_TMP/e1"
rc=$?
[ $rc -eq 2 ] || fail "malformed frame: exit $rc, want 2"
grep -q "bad frame '12X#00'" "$LAB_TMP/e1" || fail "malformed frame: message was: $(cat "$LAB_TMP/e1")"
"$CANRING_BIN" send vcan8 123#00 123##1AA 2>"$LAB_TMP/e2"
rc=$?
[ $rc -eq 1 ] || fail "FD on classic: exit $rc, want 1"
grep -q "classic CAN interface" "$LAB_TMP/e2" || fail "FD on classic: message was: $(cat "$LAB_TMP/e2")"
"$CANRING_BIN" send vcan8 7FF#AA || fail "a good frame afterwards failed"
wait_lines "$LAB_TMP/d" 1 10 || fail "the good frame did not arrive"
settle 0.3
got=$(awk '{print $3}' "$LAB_TMP/d")
[ "$got" = "7FF#AA" ] || fail "candump saw '$got': the refused commands sent something"
echo "refused input sent nothing: $(cat "$LAB_TMP/e1") / $(cat "$LAB_TMP/e2")"
