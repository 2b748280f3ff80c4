#!/usr/bin/env bash
# The reference loops' --linger-us (bench/e2e/e2e_rx.c), the single-process lower bound the
# benchmark sets against canring on slow streams (docs/benchmarks.md, "A loop that lingers"):
# after a pass that brought frames, e2e-recvmmsg drains the socket and sleeps, so a stream costs
# one wake-up per linger instead of one per frame or two. 2,000 frames paced at 4,000/s take
# 0.5 s: with 4 ms lingers the loop wakes about 125 times. The case asks for every frame, no
# drop, and fewer than 500 wake-ups (voluntary context switches); and bad values are refused.
. "$(dirname "$0")/../lib.sh"
RX=$CANRING_BUILD/bench/e2e/e2e-recvmmsg
[ -x "$RX" ] || skip "bench/e2e is not built in $CANRING_BUILD"
command -v python3 >/dev/null || skip "no python3"
N=2000

for bad in -1 1000000 4ms; do
	err=$("$RX" --linger-us "$bad" vcan0 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 2 ] && grep -q -- "--linger-us wants a whole number from 0 to 999999" <<<"$err" ||
		fail "--linger-us $bad gave exit $rc and '$err', want 2 and a message"
done

make_vcans 1
"$RX" --linger-us 4000 --ready "$LAB_TMP/ready" vcan0 >"$LAB_TMP/rx.out" 2>"$LAB_TMP/rx.err" &
pid=$!
LAB_PIDS+=($pid)
for _ in $(seq 100); do [ -e "$LAB_TMP/ready" ] && break; sleep 0.1; done
[ -e "$LAB_TMP/ready" ] || fail "e2e-recvmmsg did not start: $(cat "$LAB_TMP/rx.err")"
before=$(awk '/^voluntary_ctxt_switches/{print $2}' "/proc/$pid/status")
timeout 60 "$CANRING_BIN" gen --rate 4000 -n $N -I i -D i -L 8 vcan0 2>"$LAB_TMP/gen.err" ||
	fail "canring gen failed: $(cat "$LAB_TMP/gen.err")"
sleep 0.2 # the last linger ends and its frames are read
after=$(awk '/^voluntary_ctxt_switches/{print $2}' "/proc/$pid/status")
kill -INT $pid
wait $pid || fail "e2e-recvmmsg exited $?: $(cat "$LAB_TMP/rx.err")"
wakes=$((after - before))
python3 - "$LAB_TMP/rx.out" $N <<'PY' || fail "the loop's accounting is wrong (above)"
import json, sys
out, n = json.load(open(sys.argv[1])), int(sys.argv[2])
assert out["received"] == n and out["socket_drops"] == 0, out
PY
echo "e2e-recvmmsg --linger-us 4000: $N frames, $wakes wake-ups"
[ "$wakes" -lt 500 ] || fail "$wakes wake-ups for $N frames at 4,000/s: the loop did not linger"
