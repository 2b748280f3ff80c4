#!/usr/bin/env bash
# `canring gen` and cangen make the same frames for the same deterministic options: candump -L
# sees identical ids, lengths, flags and data (incrementing ids, lengths and data; fixed ids,
# lengths and data; extended, CAN FD with BRS/ESI, remote frames). A 1 ms gap: a plain candump
# socket cannot buffer a few hundred frames sent back to back.
. "$(dirname "$0")/../lib.sh"
need_if vcan0

# capture OUT N CMD...: candump -L of the N frames CMD sends on vcan0, frame column only.
capture() {
	local out=$1 n=$2
	shift 2
	candump -L -n "$n" vcan0 >"$out.raw" &
	local dump=$!
	LAB_PIDS+=($dump)
	settle
	"$@" >/dev/null 2>"$out.err" || fail "$*: $(cat "$out.err")"
	for _ in $(seq 100); do kill -0 $dump 2>/dev/null || break; sleep 0.1; done
	kill $dump 2>/dev/null && fail "$*: candump saw $(wc -l <"$out.raw") of $n frames"
	awk '{print $3}' "$out.raw" >"$out"
}

cases=(
	"40|-I i -D i -L i"
	"300|-I 42A -L 1 -D i"
	"20|-I i -D i -L 8 -e"
	"600|-I i -D i -L 5"
	"5|-I 7FF -L 8 -D 11223344DEADBEEF"
	"40|-f -I i -D i -L i"
	"20|-b -I 1F -D i -L 12"
	"20|-E -e -I 1234567 -D i -L 64"
	"10|-R -I i -L 3 -D i"
)
k=0
for c in "${cases[@]}"; do
	n=${c%%|*}
	opts=${c#*|}
	k=$((k + 1))
	# shellcheck disable=SC2086 # the options are words on purpose
	capture "$LAB_TMP/cangen.$k" "$n" cangen vcan0 -g 1 -n "$n" $opts
	# shellcheck disable=SC2086
	capture "$LAB_TMP/canring.$k" "$n" "$CANRING_BIN" gen vcan0 -g 1 -n "$n" $opts
	cmp -s "$LAB_TMP/cangen.$k" "$LAB_TMP/canring.$k" || {
		diff "$LAB_TMP/cangen.$k" "$LAB_TMP/canring.$k" | head -20 >&2
		fail "options '$opts': canring gen's frames differ from cangen's"
	}
	echo "ok: $opts ($n frames, first $(head -1 "$LAB_TMP/canring.$k"), last $(tail -1 "$LAB_TMP/canring.$k"))"
done
