#!/usr/bin/env bash
# The end-to-end benchmark's quick mode (bench/e2e/harness --quick): every receiver on small
# counts, classic, FD and mixed traffic with error frames, one and four channels, both full-blast
# generators. Fails if any receiver's accounting does not add up (frames offered = received +
# counted losses, each canring reader on its own, the receivers' own drop counts equal to the
# kernel's), so the benchmark cannot silently report wrong numbers. Timings are printed, never
# asserted.
. "$(dirname "$0")/../lib.sh"
[ -x "$CANRING_BUILD/bench/e2e/e2e-sockstat" ] || skip "bench/e2e is not built in $CANRING_BUILD"
command -v python3 >/dev/null || skip "no python3"
bench/e2e/harness --quick --out "$LAB_TMP/results" || fail "the harness found runs whose accounting does not add up (above)"
python3 - "$LAB_TMP/results/results.json" <<'PY' || fail "results.json is incomplete"
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["runs"]
assert runs, "no runs"
kinds = {r["traffic"] for r in runs}
assert kinds == {"classic8", "fd64", "mix"}, kinds
for r in runs:
    assert r["accounting_ok"], r
    assert r["offered"] > 0 and r["received"] > 0, r
# The verdict against issue 7's targets: four targets, each judged on every cell measured.
ncells = len({(r["traffic"], r["generator"], r["channels"]) for r in runs})
assert [t["cells"] for t in d["targets"]] == [ncells] * 4, d["targets"]
print(f"{len(runs)} runs, every one adds up")
PY
