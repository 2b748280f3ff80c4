#!/usr/bin/env bash
# Direction flags: a frame another socket on this host sent (the kernel's loopback, MSG_DONTROUTE)
# carries CANRING_FLAG_LOCAL; a frame that came from the bus does not; neither is flagged TX (that
# is for what the service itself sends, with --own).
. "$(dirname "$0")/../lib.sh"
can_bus_up 500000
start_service dir vcan0 can1
start_check dir --frames 1 --channels vcan0,can1 --any-pattern --print --idle-ms 5000
cansend vcan0 123#11 # local: sent on this host, looped back by the kernel
cansend can0 456#22  # crosses the emulated bus to can1: not local there
wait_check
grep -q "^frame ch0 kind 1 id 123 len 1 flags 2$" "$LAB_TMP/check.out" || fail "vcan0 frame not flagged LOCAL"
grep -q "^frame ch1 kind 1 id 456 len 1 flags 0$" "$LAB_TMP/check.out" || fail "can1 frame from the bus is flagged"
stop_service
