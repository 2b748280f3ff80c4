#!/usr/bin/env bash
# Rotation under load loses nothing across file boundaries: 16 interfaces at full blast, a
# tethered logger rotating every 256 KiB; all files together hold every frame (kernel socket
# drops, if any, are accounted for by their '# canring socket-drop' lines) and no ring loss.
. "$(dirname "$0")/../lib.sh"
N=5000
make_vcans 16
ifs=("${LAB_VCANS[@]}")
start_service rot16 --threads 2 "${ifs[@]}"
mkdir "$LAB_TMP/logs"
"$CANRING_BIN" log --segment rot16 --tethered --dir "$LAB_TMP/logs" --name 'r-%i.log' \
	--rotate-size 256k 2>"$LAB_TMP/log.err" &
LOG=$!
LAB_PIDS+=($LOG)
settle
gens=()
for i in "${ifs[@]}"; do
	cangen "$i" -g 0 -I i -D i -L 8 -n $N &
	gens+=($!)
done
for p in "${gens[@]}"; do wait "$p" || fail "a cangen failed"; done
total=$((16 * N))
settle 2
stop_service # ends the stream: the logger writes what is left and exits on its own
wait $LOG || fail "canring log exited $?: $(cat "$LAB_TMP/log.err")"
files=$(ls "$LAB_TMP"/logs/r-*.log | wc -l)
[ "$files" -gt 1 ] || fail "no rotation happened ($files file)"
for f in "$LAB_TMP"/logs/r-*.log; do
	[ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "$f does not end with a whole line"
	[ "$(stat -c %s "$f")" -le 262144 ] || fail "$f exceeds the rotation size"
done
grep -h '^# canring lost' "$LAB_TMP"/logs/r-*.log && fail "the tethered logger lost ring records"
# Every record the rings carried is in the files: the end-of-stream lines say how many each ring
# published; every other line (frames and event lines) is one record.
cat "$LAB_TMP"/logs/r-*.log | awk '
	/^# canring end-of-stream / { for (i = 1; i <= NF; i++) if (sub(/^records=/, "", $i)) pub += $i; next }
	/^\(/ || /^# canring / { n++ }
	/^# canring (socket|ring)-drop / { for (i = 1; i <= NF; i++) if (sub(/^frames=/, "", $i)) d += $i }
	/^\(/ { f++ }
	END { printf "%d %d %d %d\n", pub, n, f, d }' >"$LAB_TMP/counts"
read -r pub records frames drops <"$LAB_TMP/counts"
[ "$pub" -gt 0 ] && [ "$records" -eq "$pub" ] || fail "the rings published $pub records, the files hold $records"
[ "$drops" -gt 0 ] || cat "$LAB_TMP"/logs/r-*.log | python3 -c '
import sys
last = {}
for line in sys.stdin:
    if not line.startswith("("):
        continue
    f = line.split()
    ident = int(f[2].split("#")[0], 16)
    if f[1] in last and ident != (last[f[1]] + 1) % 2048:
        sys.exit("gap on %s after %x: %x" % (f[1], last[f[1]], ident))
    last[f[1]] = ident
' || fail "frames missing or out of order across files"
echo "$files files hold all $pub ring records ($frames of $total frames sent; the kernel reported $drops dropped before the ring)"
