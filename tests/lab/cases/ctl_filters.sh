#!/usr/bin/env bash
# `canring filter` changes a running channel's kernel filters without a restart: frames outside
# the new filter stop reaching the ring at once, and the channel keeps the new filters when its
# interface is deleted and re-created (a new socket). Bad filter text and a name that is no
# channel are refused with a message.
. "$(dirname "$0")/../lib.sh"
ids_in_ring() { awk '$1 == "frame" {print $6}' "$LAB_TMP/check.out" | tr '\n' ' '; }
need_if vcan3
start_service flt vcan3
start_check flt --frames 3 --channels vcan3 --any-pattern --print --idle-ms 8000
cansend vcan3 100#01 # no filter yet: passes
"$CANRING_BIN" filter --segment flt vcan3 200:7FF || fail "canring filter failed"
cansend vcan3 100#02 # dropped by the kernel now
cansend vcan3 200#03
ip link del vcan3 && ip link add vcan3 type vcan && ip link set vcan3 up || fail "cannot re-create vcan3"
settle 1.5 # the service opens the new interface's socket when netlink tells it
cansend vcan3 100#04 # still dropped: the new socket got the changed filters
cansend vcan3 200#05
wait_check
[ "$(ids_in_ring)" = "100 200 200 " ] || fail "ring saw ids '$(ids_in_ring)', want '100 200 200 '"

out=$("$CANRING_BIN" filter --segment flt vcan3 12G:7FF 2>&1)
[ $? -eq 2 ] || fail "bad filter text should be a usage error: $out"
echo "$out" | grep -q "bad filters" || fail "message: $out"
out=$("$CANRING_BIN" filter --segment flt vcan0 100:7FF 2>&1) && fail "vcan0 is no channel, yet: $out"
echo "$out" | grep -q "not a channel" || fail "message: $out"
stop_service
echo "filters changed live and kept across re-creation: $(ids_in_ring)"
