#!/usr/bin/env bash
# The README's first command ends here, on real SocketCAN: canring receives traffic from vcan0 and
# vcan1 (classic and extended frames from cangen), a consumer shows it as candump would, and the
# service stops cleanly.
set -u
: "${CANRING_BUILD:?}"
canring=$CANRING_BUILD/tools/canring
segment=demo
"$canring" run --segment "$segment" vcan0 vcan1 2>&1 &
service=$!
sleep 1
"$canring" dump --segment "$segment" -n 20 -t a &
dump=$!
sleep 0.5
cangen vcan0 -n 10 -g 10 -I i -L 8 -D i
cangen vcan1 -n 10 -g 10 -e -L 4
wait $dump
kill -INT $service
wait $service
echo "canring run exited with status $? after SIGINT"
