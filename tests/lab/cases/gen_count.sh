#!/usr/bin/env bash
# `canring gen` produces exactly the requested count, in cangen's -I i -D i order, checked by a C
# API consumer behind `canring run`: at full speed with one send per frame and with batched
# io_uring sends, on one and on four interfaces at once, and paced (bursts with a gap, --rate).
. "$(dirname "$0")/../lib.sh"
N=50000
IFS4=vcan0,vcan1,vcan2,vcan3
start_service gen --fd vcan0 vcan1 vcan2 vcan3

# run_gen CHANNELS FRAMES GEN-ARGS...: gen with a checker on CHANNELS; both must agree on FRAMES.
run_gen() {
	local chans=$1 frames=$2 i
	shift 2
	start_check gen --frames "$frames" --channels "$chans"
	"$CANRING_BIN" gen -I i -D i -L 8 -n "$frames" "$@" 2>"$LAB_TMP/gen.err" ||
		fail "canring gen $*: $(cat "$LAB_TMP/gen.err")"
	wait_check
	cat "$LAB_TMP/gen.err"
	for i in ${chans//,/ }; do
		grep -q "^canring gen: $i: $frames frames sent" "$LAB_TMP/gen.err" ||
			fail "gen $*: no summary of $frames frames for $i"
		[ "$(check_field "$i" frames)" = "$frames" ] || fail "gen $*: $i received $(check_field "$i" frames) of $frames"
		[ "$(check_field "$i" socket_drops)" = 0 ] || fail "gen $*: the service's socket on $i dropped frames"
	done
}

run_gen vcan0 $N -g 0 vcan0
run_gen vcan0 $N -g 0 --uring vcan0
run_gen vcan0 $N -g 0 --uring --batch 1 vcan0
run_gen $IFS4 20000 -g 0 vcan0 vcan1 vcan2 vcan3
run_gen $IFS4 20000 -g 0 --uring --batch 64 vcan0 vcan1 vcan2 vcan3
# extended ids and CAN FD frames through the same paths
run_gen vcan1 $N -g 0 --uring -e vcan1
run_gen vcan2 20000 -g 0 --uring -f -L 64 vcan2
# paced: bursts of 10 every 2 ms, and a frame rate, each with an exact count
run_gen vcan0 500 -g 2 -c 10 vcan0
run_gen $IFS4 600 --rate 3000 --uring vcan0 vcan1 vcan2 vcan3
stop_service
