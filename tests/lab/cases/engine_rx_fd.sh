#!/usr/bin/env bash
# CAN FD at full blast: 64-byte FD frames (cangen -f) arrive in order and intact, as FD records.
. "$(dirname "$0")/../lib.sh"
N=20000
start_service rxfd --fd vcan1
start_check rxfd --frames $N --channels vcan1
cangen vcan1 -f -g 0 -I i -D i -L 64 -n $N || fail "cangen -f failed"
wait_check
[ "$(check_field vcan1 fd)" = $N ] || fail "not every frame arrived as an FD record"
stop_service
