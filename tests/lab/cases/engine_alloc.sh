#!/usr/bin/env bash
# The service allocates with jemalloc, and nothing allocates per frame: jemalloc's own count of
# allocation requests is the same whether the service received 1,000 or 30,000 frames.
. "$(dirname "$0")/../lib.sh"
requests() { # requests N: allocation requests of a service run that received N frames
	local n=$1 log=$LAB_TMP/alloc-$1.log
	MALLOC_CONF=stats_print:true "$CANRING_BIN" run --segment alloc vcan0 2>"$log" &
	local pid=$!
	LAB_PIDS+=($pid)
	for i in $(seq 200); do grep -q "^canring run: segment" "$log" && break; sleep 0.05; done
	grep -q "^canring run: segment" "$log" || fail "canring run did not start: $(cat "$log")"
	cangen vcan0 -g 0 -I i -D i -L 8 -n "$n"
	sleep 0.5
	kill -INT $pid
	wait $pid || fail "canring run exited $? after SIGINT"
	grep -q "jemalloc statistics" "$log" || fail "no jemalloc statistics: the service does not run on jemalloc"
	# The merged "total:" row: allocated nmalloc (#/s) ndalloc (#/s) nrequests ...
	awk '$1 == "total:" { print $6; exit }' "$log"
}
small=$(requests 1000)
big=$(requests 30000)
echo "allocation requests: $small with 1000 frames, $big with 30000 frames"
[ -n "$small" ] && [ -n "$big" ] || fail "could not read jemalloc's counts"
[ $((big - small)) -lt 100 ] || fail "29000 more frames cost $((big - small)) more allocations"
