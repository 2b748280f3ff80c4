#!/usr/bin/env bash
# `modify` on a running task changes the payload candump sees without restarting the cycle:
# a counted task still sends exactly its count (a restart would start the count afresh), the
# two-frame sequence keeps alternating across the change, and no old data follows new data.
# Bad modifies (other id, other frame count) are refused and change nothing.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
bg candump -L vcan0 >"$LAB_TMP/d"
settle
mkfifo "$LAB_TMP/cmd"
N=300 # 3 s at 10 ms: room for the modify to arrive while the task still runs, even on a slow guest
trap '' PIPE
timeout 60 "$CANRING_BIN" periodic start vcan0 --period 10 --count $N --stdin 123#A0 123#A1 \
	<"$LAB_TMP/cmd" >"$LAB_TMP/out" 2>&1 &
pid=$!
exec 3>"$LAB_TMP/cmd"
wait_lines "$LAB_TMP/d" 15 10 || fail "the task did not start"
printf 'modify 124#B0 124#B1\nmodify 123#B0\nmodify 123#B0 123#B1\n' >&3 ||
	fail "the task ended before the modify could be sent ($(wc -l <"$LAB_TMP/d") frames seen)"
wait_lines "$LAB_TMP/out" 3 10 || fail "no answers: $(cat "$LAB_TMP/out")"
exec 3>&-
wait $pid || fail "periodic exited $?: $(cat "$LAB_TMP/out")"
settle 0.5
sed -n 1p "$LAB_TMP/out" | grep -q '^error: no task with id 124' || fail "other id: $(sed -n 1p "$LAB_TMP/out")"
sed -n 2p "$LAB_TMP/out" | grep -q '^error: .*2 frame' || fail "other count: $(sed -n 2p "$LAB_TMP/out")"
sed -n 3p "$LAB_TMP/out" | grep -q '^ok$' || fail "modify: $(sed -n 3p "$LAB_TMP/out")"
data=$(awk '{print $3}' "$LAB_TMP/d")
n=$(echo "$data" | wc -l)
[ "$n" -eq $N ] || fail "candump saw $n frames, want exactly $N (a restart would add more)"
echo "$data" | grep -q '123#B' || fail "the new data never appeared"
echo "$data" | sed -n '/123#B/,$p' | grep -q '123#A' && fail "old data after new data"
# position in the sequence = last hex digit; it must alternate 0,1,0,1 through the change
pos=$(echo "$data" | sed 's/.*\(.\)$/\1/' | tr -d '\n')
want=$(for i in $(seq 0 $((N - 1))); do printf '%d' $((i % 2)); done)
[ "$pos" = "$want" ] || fail "sequence positions $pos (the cycle restarted)"
echo "modify seen after $(echo "$data" | grep -c '123#A') old frames; $N frames, cycle intact"
