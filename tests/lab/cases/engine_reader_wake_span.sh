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
paced_to_check $N 4000
wakes=$(wake_field wakes)
most=$(wake_field max_wake_frames)
[ -n "$wakes" ] && [ -n "$most" ] || fail "canring-check printed no wake-up counts"
[ "$most" -le $MAX ] ||
	fail "one wake-up of the reader brought $most of $N frames ($wakes wake-ups): it was left asleep while the stream flowed"
echo "reader: $wakes wake-ups, at most $most frames each"
stop_service
