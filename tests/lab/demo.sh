#!/usr/bin/env bash
# The README's first command ends here, on real SocketCAN: traffic flows on vcan0 and canring
# receives it and shows it.
set -u
: "${CANRING_BUILD:?}"
canring=$CANRING_BUILD/tools/canring
if "$canring" help | grep -q '^  run '; then
	segment=demo
	"$canring" run --segment "$segment" vcan0 vcan1 &
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
else
	echo "(the canring engine is not built yet: showing the lab's traffic with candump)"
	candump -t a -n 20 vcan0 vcan1 &
	dump=$!
	sleep 0.5
	cangen vcan0 -n 10 -g 10 -I i -L 8 -D i
	cangen vcan1 -n 10 -g 10 -e -L 4
	wait $dump
fi
