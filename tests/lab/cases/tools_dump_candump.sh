#!/usr/bin/env bash
# `canring dump` and candump on the same traffic print the same bytes: -L -x log lines
# (timestamps, names, frames, direction) and the default form with -ta -x, for standard,
# extended and remote frames of random lengths.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
N=300
start_service dumpcmp vcan0
bg "$CANRING_BIN" dump --segment dumpcmp -L -x -n $N vcan0 >"$LAB_TMP/rL"
bg "$CANRING_BIN" dump --segment dumpcmp -ta -x -n $N vcan0 >"$LAB_TMP/rD"
bg candump -L -x -n $N vcan0 >"$LAB_TMP/cL"
bg candump -ta -x -n $N vcan0 >"$LAB_TMP/cD"
settle
cangen vcan0 -g 1 -n 100 -L r -I r || fail "cangen standard"
cangen vcan0 -g 1 -n 100 -e -L r -I r || fail "cangen extended"
cangen vcan0 -g 1 -n 100 -R -L r -I r || fail "cangen remote"
for f in rL rD cL cD; do wait_lines "$LAB_TMP/$f" $N 20 || fail "$f: $(wc -l <"$LAB_TMP/$f") of $N lines"; done
if ! cmp -s "$LAB_TMP/rL" "$LAB_TMP/cL"; then
	diff "$LAB_TMP/cL" "$LAB_TMP/rL" | head -20 >&2
	cut -d' ' -f2- "$LAB_TMP/cL" >"$LAB_TMP/cL2"
	cut -d' ' -f2- "$LAB_TMP/rL" >"$LAB_TMP/rL2"
	cmp -s "$LAB_TMP/cL2" "$LAB_TMP/rL2" && fail "-L: same frames and fields, timestamps differ"
	fail "-L -x output differs from candump's"
fi
cmp -s "$LAB_TMP/rD" "$LAB_TMP/cD" || {
	diff "$LAB_TMP/cD" "$LAB_TMP/rD" | head -20 >&2
	fail "-ta -x output differs from candump's"
}
stop_service
echo "$N frames: canring dump printed candump's bytes (-L -x and -ta -x)"
