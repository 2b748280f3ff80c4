#!/usr/bin/env bash
# A full disk (a 64 KiB tmpfs) ends `canring log` with a clear error and exit 1, and the file
# on it holds whole lines only: log2asc and canplayer read it without complaint.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
mkdir "$LAB_TMP/small"
mount -t tmpfs -o size=64k tmpfs "$LAB_TMP/small" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'umount "$LAB_TMP/small" 2>/dev/null; lab_cleanup' EXIT
start_service full vcan0
"$CANRING_BIN" log --segment full --dir "$LAB_TMP/small" --name full.log vcan0 2>"$LAB_TMP/log.err" &
LOG=$!
LAB_PIDS+=($LOG)
settle
cangen vcan0 -g 0 -L 8 -n 5000 || fail "cangen"
wait $LOG
rc=$?
[ $rc -eq 1 ] || fail "canring log exited $rc on a full disk: $(cat "$LAB_TMP/log.err")"
grep -q "No space left on device" "$LAB_TMP/log.err" || fail "no clear message: $(cat "$LAB_TMP/log.err")"
f="$LAB_TMP/small/full.log"
[ -s "$f" ] || fail "nothing was kept"
[ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "the file ends in a partial line"
log2asc -I "$f" -O "$LAB_TMP/full.asc" vcan0 || fail "log2asc rejected the file"
canplayer -I "$f" -t stdout=vcan0 >/dev/null || fail "canplayer rejected the file"
stop_service
echo "disk full after $(grep -c '^(' "$f") lines: clean error, whole lines"
