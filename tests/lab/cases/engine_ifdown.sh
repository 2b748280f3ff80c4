#!/usr/bin/env bash
# An interface that goes down keeps its channel; reception resumes when it comes back up, also
# after it is deleted and re-created (a new ifindex). The service does not exit; events say when.
. "$(dirname "$0")/../lib.sh"
ip link add vcan9 type vcan && ip link set vcan9 up || fail "cannot create vcan9"
start_service ifdown vcan9
start_check ifdown --frames 300 --channels vcan9 --any-pattern --idle-ms 8000
cangen vcan9 -n 100 -g 0 -I i -D i -L 8
ip link set vcan9 down
sleep 0.5
ip link set vcan9 up
sleep 0.5
cangen vcan9 -n 100 -g 0 -I i -D i -L 8
ip link del vcan9
sleep 0.5
ip link add vcan9 type vcan && ip link set vcan9 up || fail "cannot re-create vcan9"
sleep 1
cangen vcan9 -n 100 -g 0 -I i -D i -L 8
wait_check
kill -0 "$SERVICE_PID" || fail "the service exited"
[ "$(check_field vcan9 if_down)" -ge 2 ] || fail "down events missing"
[ "$(check_field vcan9 if_up)" -ge 2 ] || fail "up events missing"
stop_service
