#!/usr/bin/env bash
# The service allocates with jemalloc, and nothing allocates per frame: the number of allocation
# calls (counted by an LD_PRELOAD shim) is the same whether the service received 1,000 or 30,000
# frames.
. "$(dirname "$0")/../lib.sh"
SHIM=$CANRING_BUILD/tests/integration/libcanring_malloc_count.so
[ -f "$SHIM" ] || fail "no allocation counter at $SHIM"
allocations() { # allocations N: allocation calls of a service run that received N frames
	local n=$1 log=$LAB_TMP/alloc-$1.log count=$LAB_TMP/count-$1
	CANRING_MALLOC_COUNT_FILE=$count LD_PRELOAD=$SHIM \
		"$CANRING_BIN" run --segment alloc vcan0 2>"$log" &
	local pid=$! i
	LAB_PIDS+=($pid)
	for i in $(seq 200); do grep -q "^canring run: segment" "$log" && break; sleep 0.05; done
	grep -q "^canring run: segment" "$log" || fail "canring run did not start: $(cat "$log")"
	grep -q libjemalloc "/proc/$pid/maps" || fail "the service does not run on jemalloc"
	cangen vcan0 -g 0 -I i -D i -L 8 -n "$n" || fail "cangen failed"
	sleep 0.5
	kill -INT $pid
	wait $pid || fail "canring run exited $? after SIGINT"
	cat "$count"
}
small=$(allocations 1000)
big=$(allocations 30000)
echo "allocation calls: $small with 1000 frames, $big with 30000 frames"
[ -n "$small" ] && [ -n "$big" ] || fail "the allocation counter wrote nothing"
[ "$small" -gt 0 ] || fail "the allocation counter counted nothing: it does not see the service"
# Timer ticks and interface polls may allocate a little; 29,000 more frames must not.
[ $((big - small)) -lt 200 ] || fail "29000 more frames cost $((big - small)) more allocations"
