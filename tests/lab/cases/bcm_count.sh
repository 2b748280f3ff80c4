#!/usr/bin/env bash
# A periodic task with --count N sends exactly N frames, cycling through its frames; one with
# --duration D at period P sends D/P frames. The process ends by itself in both cases.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
bg candump -L vcan0 >"$LAB_TMP/d"
settle
timeout 20 "$CANRING_BIN" periodic start vcan0 --period 5 --count 25 123#01 123#02 123#03 ||
	fail "periodic --count exited $?"
settle 0.5
n=$(wc -l <"$LAB_TMP/d")
[ "$n" -eq 25 ] || fail "candump saw $n frames, want exactly 25"
got=$(awk '{print $3}' "$LAB_TMP/d" | tr '\n' ' ')
want=$(for i in $(seq 0 24); do printf '123#0%d ' $((i % 3 + 1)); done)
[ "$got" = "$want" ] || fail "sequence was: $got
expected:   $want"
timeout 20 "$CANRING_BIN" periodic start vcan0 --period 10 --duration 0.2 456#AA ||
	fail "periodic --duration exited $?"
settle 0.5
m=$(grep -c ' 456#AA$' "$LAB_TMP/d")
[ "$m" -eq 20 ] || fail "--duration 0.2 at 10 ms: $m frames, want 20"
echo "count 25 -> 25 frames in order; duration 0.2 s / 10 ms -> 20 frames"
