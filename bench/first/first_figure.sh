#!/usr/bin/env bash
# The first end-to-end figure (docs/benchmarks.md): on one interface at full blast, the same
# N 8-byte frames (cangen -g 0) offered to each receiver in turn:
#   canring   canring run + one C API consumer (canring-check, waking with 1 ms coalescing;
#             COALESCE_US=0 for none); CPU = the service's during the traffic + the consumer's.
#             CONSUMER=e2e: bench/e2e's e2e-consumer instead (the harness's reader: counts and
#             touches every record, checks nothing); the service and it then idle 3 s after the
#             traffic, as canring-check's --idle-ms 3000 makes them. SERVICE_ARGS: extra
#             `canring run` options (e.g. "--coalesce-us 1000")
#   candump   candump -d -L to a file on tmpfs (the lines it wrote are what it received)
#   recvmsg   epoll + recvmsg, one frame a call (bench/first/recv_loop)
#   recvmmsg  recvmmsg, 64 frames a call, 8 MiB buffer (bench/first/recv_loop)
# For each: frames offered, received, lost, CPU time (user + system), CPU ns per received frame;
# the table shows the repetition with the median CPU per frame.
# Run it on real SocketCAN: CANRING_BUILD=$PWD/build tests/lab/canlab -- bench/first/first_figure.sh
# Usage: first_figure.sh [FRAMES] [REPETITIONS]
set -u
: "${CANRING_BUILD:?CANRING_BUILD must name the build directory}"
N=${1:-300000}
REPS=${2:-3}
IF=${E2E_IF:-vcan0}
canring=$CANRING_BUILD/tools/canring
check=$CANRING_BUILD/tests/integration/canring-check
e2e_consumer=$CANRING_BUILD/bench/e2e/e2e-consumer
loop=$CANRING_BUILD/bench/first/recv_loop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TIMEFORMAT='%U %S'
hz=$(getconf CLK_TCK)

cpu_of() { # cpu_of PID: user+system seconds of a running process, from /proc
	awk -v hz="$hz" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"
}

offer() { cangen "$IF" -g 0 -I i -D i -L 8 -n "$N"; }

run_canring() {
	# shellcheck disable=SC2086 # SERVICE_ARGS: extra `canring run` options, word-split on purpose
	"$canring" run --quiet --segment e2e ${SERVICE_ARGS:-} "$IF" &
	local svc=$! i
	for i in $(seq 100); do [ -e /dev/shm/canring.e2e ] && break; sleep 0.05; done
	sleep 0.3
	if [ "${CONSUMER:-check}" = e2e ]; then
		{ time "$e2e_consumer" --segment e2e --coalesce-us "${COALESCE_US:-1000}" \
			>"$tmp/check.out" 2>&1; } 2>"$tmp/check.time" &
	else
		{ time "$check" --segment e2e --frames "$N" --channels "$IF" --idle-ms 3000 \
			--coalesce-us "${COALESCE_US:-1000}" >"$tmp/check.out" 2>&1; } 2>"$tmp/check.time" &
	fi
	local chk=$!
	sleep 0.3
	# The service's CPU during the traffic only: its start-up (the io_uring feature probe,
	# opening channels) is paid once, not per frame.
	local svc_cpu0 svc_cpu
	svc_cpu0=$(cpu_of $svc)
	offer
	if [ "${CONSUMER:-check}" = e2e ]; then
		sleep 3 # as canring-check's --idle-ms: the service and the reader idle for 3 s
		svc_cpu=$(awk "BEGIN {print $(cpu_of $svc) - $svc_cpu0}")
		kill -INT $svc
		wait $chk
	else
		wait $chk
		svc_cpu=$(awk "BEGIN {print $(cpu_of $svc) - $svc_cpu0}")
		kill -INT $svc
	fi
	wait $svc
	local got sock u s
	if [ "${CONSUMER:-check}" = e2e ]; then
		got=$(sed -n 's/.*\],"received":\([0-9]*\),"socket_drops":\([0-9]*\).*/\1/p' "$tmp/check.out")
		sock=$(sed -n 's/.*\],"received":\([0-9]*\),"socket_drops":\([0-9]*\).*/\2/p' "$tmp/check.out")
	else
		got=$(sed -n "s/^$IF frames=\([0-9]*\).*/\1/p" "$tmp/check.out")
		sock=$(sed -n "s/^$IF .*socket_drops=\([0-9]*\).*/\1/p" "$tmp/check.out")
	fi
	read -r u s <"$tmp/check.time"
	echo "canring ${got:-0} ${sock:-0} $(awk "BEGIN {print $svc_cpu + $u + $s}") service=$svc_cpu consumer=$(awk "BEGIN {print $u + $s}")"
}

run_candump() {
	(time candump -d -L "$IF" >"$tmp/candump.log") 2>"$tmp/candump.time" &
	local sub=$!
	sleep 0.5
	offer
	sleep 3
	pkill -INT -x candump
	wait $sub
	local got drops u s
	got=$(grep -c '^(' "$tmp/candump.log")
	drops=$(grep -o 'DROPCOUNT: rx [0-9]*' "$tmp/candump.log" | awk '{s=$3} END {print s+0}')
	read -r u s < <(tail -n 1 "$tmp/candump.time")
	echo "candump $got $drops $(awk "BEGIN {print $u + $s}")"
}

run_loop() { # run_loop MODE
	{ time "$loop" --mode "$1" "$IF" "$N" >"$tmp/loop.out"; } 2>"$tmp/loop.time" &
	local p=$!
	sleep 0.3
	offer
	wait $p
	local got drops u s
	got=$(sed -n 's/^frames=\([0-9]*\).*/\1/p' "$tmp/loop.out")
	drops=$(sed -n 's/.*drops=\([0-9]*\).*/\1/p' "$tmp/loop.out")
	read -r u s <"$tmp/loop.time"
	echo "$1 $got $drops $(awk "BEGIN {print $u + $s}")"
}

echo "# $N frames offered per run on $IF, $REPS repetitions; receiver received kernel_drops cpu_s"
for rep in $(seq "$REPS"); do
	run_canring
	run_candump
	run_loop recvmsg
	run_loop recvmmsg
done | tee "$tmp/raw"

echo
echo "| receiver | frames received (median) | lost (median) | CPU s (median) | CPU ns/frame (median) |"
echo "|---|---|---|---|---|"
for r in canring candump recvmsg recvmmsg; do
	awk -v r="$r" '$1 == r {print $2, $3, $4, ($2 ? $4 * 1e9 / $2 : 0)}' "$tmp/raw" |
		sort -n -k4 | awk -v r="$r" -v n="$N" '{g[NR]=$1; l[NR]=$2; c[NR]=$3; p[NR]=$4} END {
			m = int((NR + 1) / 2);
			printf "| %s | %d of %d | %d (%.1f%%) | %.3f | %.0f (range %.0f-%.0f) |\n",
				r, g[m], n, n - g[m], 100 * (n - g[m]) / n, c[m], p[m], p[1], p[NR] }'
done
