#!/usr/bin/env bash
# `canring if list [--json]` reports every CAN interface of the lab with its kind, up/down and
# MTU as `ip -details link` sees them, and no non-CAN interface.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
"$CANRING_BIN" if list >"$LAB_TMP/l" || fail "if list exited $?"
"$CANRING_BIN" if list --json >"$LAB_TMP/j" || fail "if list --json exited $?"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$LAB_TMP/j" || fail "invalid JSON: $(cat "$LAB_TMP/j")"
for dev in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
	d=$(ip -details link show "$dev")
	if ! echo "$d" | grep -q 'link/can'; then
		grep -q "^$dev " "$LAB_TMP/l" && fail "$dev is not CAN but listed"
		continue
	fi
	line=$(grep "^$dev " "$LAB_TMP/l") || fail "$dev missing from: $(cat "$LAB_TMP/l")"
	kind=$(echo "$d" | sed -n 's/^ *\(vcan\|vxcan\|can\) .*/\1/p' | head -1)
	[ -n "$kind" ] && { echo "$line" | awk '{print $2}' | grep -qx "$kind" || fail "$dev kind: '$line', ip says $kind"; }
	mtu=$(echo "$d" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p' | head -1)
	echo "$line" | grep -q "mtu $mtu" || fail "$dev mtu: '$line', ip says $mtu"
	if echo "$d" | head -1 | grep -q '<[^>]*UP[,>]'; then ud=up; else ud=down; fi
	echo "$line" | awk '{print $3}' | grep -qx $ud || fail "$dev: '$line', ip says $ud"
	grep -q "\"name\":\"$dev\"" "$LAB_TMP/j" || fail "$dev missing from JSON"
done
grep -q '^vxcan0 *vxcan' "$LAB_TMP/l" || fail "vxcan0 not listed as vxcan"
cat "$LAB_TMP/l"
