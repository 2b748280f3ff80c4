#!/usr/bin/env bash
# While frames keep flowing, the service wakes a sleeping reader every few milliseconds of traffic
# (due at three of four coalescing periods: 4 ms by default, engine/src/wake_span.h), not only when
# the engine finds nothing to do or a 32nd of the ring is owed. 2,000 frames (fewer than the 2,048
# that force a wake-up on the default ring) paced at 4,000/s on one vcan, so that each of the
# engine's lingers brings more and it rarely sleeps for real: every frame arrives, in order, and no
# single wake-up brings more than 200 (50 ms of the stream, twelve times the budget; 24-39 were
# measured with 1 ms lingers, 23-24 with the longer ones of engine_linger_long).
# With the budget ignored the reader was woken every ~100 ms, about 400 frames at a time.
. "$(dirname "$0")/../lib.sh"
N=2000
MAX=200
start_service rx0 vcan0
start_check rx0 --frames $N --channels vcan0
timeout 60 "$CANRING_BIN" gen --rate 4000 -n $N -I i -D i -L 8 vcan0 2>"$LAB_TMP/gen.err" ||
	fail "canring gen failed: $(cat "$LAB_TMP/gen.err")"
wait_check
counts=$(grep '^wakes=' "$LAB_TMP/check.out") || fail "canring-check printed no wake-up counts"
wakes=$(echo "$counts" | sed 's/.*wakes=\([0-9]*\).*/\1/')
most=$(echo "$counts" | sed 's/.*max_wake_frames=\([0-9]*\).*/\1/')
[ "$most" -le $MAX ] ||
	fail "one wake-up of the reader brought $most of $N frames ($wakes wake-ups): it was left asleep while the stream flowed"
echo "reader: $wakes wake-ups, at most $most frames each"
stop_service
