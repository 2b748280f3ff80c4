#!/usr/bin/env bash
# `canring replay` reproduces a candump -l log: the frames candump sees on the target interface
# are the logged ones (classic, extended, remote, CAN FD), with the original timing and with -t,
# with an assignment, without one (back onto the logged interface), looped, and from the ns
# variant of the log format.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
need_if vcan1
need_if vcan2

# Record a log with every kind of frame (cangen on vcan0, candump -l into a file).
N=400
(cd "$LAB_TMP" && exec candump -l -n $N vcan0) &
LOGGER=$!
LAB_PIDS+=($LOGGER)
settle
cangen vcan0 -g 0.2 -n 150 -L r || fail "cangen"
cangen vcan0 -g 0.2 -n 100 -e || fail "cangen -e"
cangen vcan0 -g 0.2 -n 50 -R || fail "cangen -R"
cangen vcan0 -g 0.2 -n 100 -f -b || fail "cangen -f -b"
wait $LOGGER || fail "candump -l did not log $N frames"
LOG=$(ls "$LAB_TMP"/candump-*.log)
[ "$(wc -l <"$LOG")" -eq $N ] || fail "the log has $(wc -l <"$LOG") lines"
awk '{print $3}' "$LOG" >"$LAB_TMP/want"

# replay_to IF NFRAMES ARGS...: candump -L on IF while `canring replay ARGS` runs; frame column.
# candump gets a 4 MiB receive buffer: with -t the frames come back to back.
replay_to() {
	local dst=$1 n=$2
	shift 2
	candump -r 4194304 -L -n "$n" "$dst" >"$LAB_TMP/got.raw" &
	local dump=$!
	LAB_PIDS+=($dump)
	settle
	"$CANRING_BIN" replay "$@" 2>"$LAB_TMP/replay.err" || fail "canring replay $*: $(cat "$LAB_TMP/replay.err")"
	for _ in $(seq 100); do kill -0 $dump 2>/dev/null || break; sleep 0.1; done
	kill $dump 2>/dev/null && fail "replay $*: candump saw $(wc -l <"$LAB_TMP/got.raw") of $n frames"
	awk '{print $3}' "$LAB_TMP/got.raw" >"$LAB_TMP/got"
}

same() {
	cmp -s "$1" "$LAB_TMP/got" || {
		diff "$1" "$LAB_TMP/got" | head >&2
		fail "$2: the replayed frames differ from the log"
	}
	echo "ok: $2"
}

replay_to vcan1 $N -I "$LOG" vcan1=vcan0
same "$LAB_TMP/want" "original timing, vcan1=vcan0"
replay_to vcan2 $N -t -I "$LOG" vcan2=vcan0
same "$LAB_TMP/want" "-t, vcan2=vcan0"
replay_to vcan0 $N -t -I "$LOG"
same "$LAB_TMP/want" "-t, no assignment (back onto vcan0)"
cat "$LAB_TMP/want" "$LAB_TMP/want" "$LAB_TMP/want" >"$LAB_TMP/want3"
replay_to vcan1 $((3 * N)) -t -l 3 -I "$LOG" vcan1=vcan0
same "$LAB_TMP/want3" "-t -l 3"
# ns log: nine fraction digits
sed 's/^(\([0-9]*\)\.\([0-9]*\))/(\1.\2123)/' "$LOG" >"$LAB_TMP/ns.log"
grep -qE '^\([0-9]+\.[0-9]{9}\) ' "$LAB_TMP/ns.log" || fail "could not make the ns log"
replay_to vcan2 $N -I "$LAB_TMP/ns.log" vcan2=vcan0
same "$LAB_TMP/want" "ns log, original timing"
# from standard input
replay_to vcan1 $N -t vcan1=vcan0 <"$LOG"
same "$LAB_TMP/want" "-t from stdin"
