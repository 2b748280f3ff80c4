#!/usr/bin/env bash
# With --coalesce-us 0 (no coalescing sleep, and every batch's commit wakes the readers at once
# instead of once per engine pause): one interface at full blast still reaches a C API consumer
# whole, in order and intact, with nothing dropped.
. "$(dirname "$0")/../lib.sh"
N=20000
start_service rx0 --coalesce-us 0 vcan0
start_check rx0 --frames $N --channels vcan0
cangen vcan0 -g 0 -I i -D i -L 8 -n $N || fail "cangen failed"
wait_check
[ "$(check_field vcan0 socket_drops)" = 0 ] || fail "the socket dropped frames"
stop_service
