#!/usr/bin/env bash
# `canring stat --json` under traffic: valid JSON, the channel's frames counted, a bus load figure
# on a real controller with a bitrate (can0 on the emulated SJA1000 bus), none on a vcan.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
start_service st vcan0
cangen vcan0 -g 2 -n 1000 -L 8 &
GEN=$!
LAB_PIDS+=($GEN)
"$CANRING_BIN" stat --segment st --json --interval 1 >"$LAB_TMP/st.json" || fail "stat exited $?"
python3 -m json.tool "$LAB_TMP/st.json" >/dev/null || fail "not JSON: $(cat "$LAB_TMP/st.json")"
grep -q '"name":"vcan0"' "$LAB_TMP/st.json" || fail "no vcan0 in $(cat "$LAB_TMP/st.json")"
grep -q '"load_percent":null' "$LAB_TMP/st.json" || fail "a vcan has no bitrate, yet a load was given"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["channels"][0]; sys.exit(0 if c["frames"] > 0 else 1)' \
	"$LAB_TMP/st.json" || fail "no frames counted: $(cat "$LAB_TMP/st.json")"
"$CANRING_BIN" stat --segment st --interval 0.2 | grep -q '^vcan0 ' || fail "table has no vcan0 row"
stop_service
ip link show can0 >/dev/null 2>&1 && ip link show can1 >/dev/null 2>&1 || { echo "vcan part passed"; exit 0; }
can_bus_up 500000
start_service stc can0
cangen can1 -g 1 -p 100 -n 2000 -L 8 &
LAB_PIDS+=($!)
"$CANRING_BIN" stat --segment stc --json --interval 1 >"$LAB_TMP/stc.json" || fail "stat exited $?"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["channels"][0]
sys.exit(0 if c["bitrate"] == 500000 and c["frames"] > 0 and 0 < c["load_percent"] <= 100 else 1)' \
	"$LAB_TMP/stc.json" || fail "can0: $(cat "$LAB_TMP/stc.json")"
stop_service
echo "stat: JSON valid, frames counted, load $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["channels"][0]["load_percent"])' "$LAB_TMP/stc.json")% on can0"
