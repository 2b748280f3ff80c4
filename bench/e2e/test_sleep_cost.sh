#!/usr/bin/env bash
# e2e-sleep-cost (bench/e2e/sleep_cost.c): every way to sleep prints one JSON line a repetition
# with its figures, a timed sleep lasts at least what was asked (the kernel's promise, not a speed
# target), and bad options are refused with a message and exit 2. Exit 0 pass, 1 fail, 77 skip.
set -u
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }
tool=${1:?usage: test_sleep_cost.sh PATH-TO-e2e-sleep-cost}
fail=0

for way in ppoll tfdpoll nanosleep futex timerfd uring woken; do
        out=$("$tool" --how "$way" --us 300 --count 4 --reps 2) || {
                echo "FAIL: --how $way exited $?"
                fail=1
                continue
        }
        python3 - "$way" "$out" <<'PY' || fail=1
import json, sys
way, out = sys.argv[1], sys.argv[2]
lines = out.splitlines()
if len(lines) != 2:
    sys.exit(f"FAIL: --how {way}: {len(lines)} lines, want 2: {out!r}")
for rep, line in enumerate(lines):
    j = json.loads(line)
    want = {"how": way, "us": 300, "count": 4, "rep": rep}
    if {k: j.get(k) for k in want} != want:
        sys.exit(f"FAIL: --how {way}: {line}")
    if not j["cpu_us_per_sleep"] >= 0 or not j["wall_us_per_sleep"] > 0:
        sys.exit(f"FAIL: --how {way}: figures {line}")
    # A timed sleep never ends before its time; the woken sleeper's first wake-up may.
    if way != "woken" and j["wall_us_per_sleep"] < 300:
        sys.exit(f"FAIL: --how {way} slept {j['wall_us_per_sleep']} us, asked 300")
PY
done

expect_usage() { # args... : exit 2 with the message
        local msg=$1
        shift
        err=$("$tool" "$@" 2>&1 >/dev/null)
        rc=$?
        if [ $rc -ne 2 ] || ! grep -q -- "$msg" <<<"$err"; then
                echo "FAIL: $* gave exit $rc and '$err', want 2 and '$msg'"
                fail=1
        fi
}
expect_usage "no way to sleep called 'nap'" --how nap
expect_usage "--us wants a whole number from 1" --us 0
expect_usage "--count wants a whole number" --count 3x
expect_usage "--reps wants a whole number" --reps 101
expect_usage "usage:" extra-argument

[ $fail -eq 0 ] && echo "PASS: e2e-sleep-cost"
exit $fail
