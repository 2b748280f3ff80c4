#!/usr/bin/env bash
# stop ends a periodic task (no frame afterwards), list reports it stopped, restart resumes it
# with the last data, SIGINT ends an endless task; an FD task on a classic vcan fails cleanly.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
bg candump -L vcan0 >"$LAB_TMP/d"
settle
mkfifo "$LAB_TMP/cmd"
timeout 30 "$CANRING_BIN" periodic start vcan0 --period 5 --stdin 2AA#01 <"$LAB_TMP/cmd" \
	>"$LAB_TMP/out" 2>&1 &
pid=$!
exec 3>"$LAB_TMP/cmd"
wait_lines "$LAB_TMP/d" 10 10 || fail "the task did not start"
echo stop >&3
wait_lines "$LAB_TMP/out" 1 10 || fail "no answer to stop"
settle 0.2
a=$(wc -l <"$LAB_TMP/d")
settle 0.5
b=$(wc -l <"$LAB_TMP/d")
[ "$a" -eq "$b" ] || fail "frames kept coming after stop ($a -> $b)"
echo list >&3
wait_lines "$LAB_TMP/out" 2 10 || fail "no answer to list"
sed -n 2p "$LAB_TMP/out" | grep -q '^2AA .* stopped$' || fail "list: $(sed -n 2p "$LAB_TMP/out")"
echo "modify 2AA#02" >&3
wait_lines "$LAB_TMP/out" 3 10
sed -n 3p "$LAB_TMP/out" | grep -q 'stopped' || fail "modify on a stopped task: $(sed -n 3p "$LAB_TMP/out")"
echo restart >&3
wait_lines "$LAB_TMP/d" $((b + 10)) 10 || fail "restart did not resume sending"
echo list >&3
wait_lines "$LAB_TMP/out" 5 10
sed -n 5p "$LAB_TMP/out" | grep -q '^2AA .* sending$' || fail "list after restart: $(sed -n 5p "$LAB_TMP/out")"
kill -INT $pid
wait $pid || fail "SIGINT: periodic exited $?"
exec 3>&-
settle 0.3
c=$(wc -l <"$LAB_TMP/d")
settle 0.5
[ "$c" -eq "$(wc -l <"$LAB_TMP/d")" ] || fail "frames kept coming after SIGINT"
grep -vq ' 2AA#01$' "$LAB_TMP/d" && fail "unexpected frames: $(grep -v ' 2AA#01$' "$LAB_TMP/d" | head -3)"
ip link add vcan8 type vcan && ip link set vcan8 mtu 16 && ip link set vcan8 up ||
	fail "could not create a classic vcan"
bg candump -L vcan8 >"$LAB_TMP/d8"
settle
"$CANRING_BIN" periodic start vcan8 --period 10 --count 3 2AB##1AA 2>"$LAB_TMP/e"
rc=$?
[ $rc -eq 1 ] && grep -q 'classic CAN interface' "$LAB_TMP/e" || fail "FD task on classic vcan8: exit $rc: $(cat "$LAB_TMP/e")"
settle 0.2
[ -s "$LAB_TMP/d8" ] && fail "the refused FD task sent frames"
echo "stop/list/restart/SIGINT behave; FD on classic refused: $(cat "$LAB_TMP/e")"
