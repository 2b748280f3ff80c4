#!/usr/bin/env bash
# Files written by `canring log` are read by the can-utils tools: canplayer replays the .log file
# and candump sees the original frames again; log2asc converts it; tshark decodes the pcap file
# with the same ids and data.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
need_if vcan1
N=400
start_service logrp vcan0
bg candump -L -n $N vcan0 >"$LAB_TMP/orig"
"$CANRING_BIN" log --segment logrp --dir "$LAB_TMP" --name rp.log vcan0 2>"$LAB_TMP/log.err" &
LOG=$!
LAB_PIDS+=($LOG)
"$CANRING_BIN" log --segment logrp --dir "$LAB_TMP" --name rp.pcap --format pcap vcan0 2>"$LAB_TMP/pcap.err" &
PCAP=$!
LAB_PIDS+=($PCAP)
settle
cangen vcan0 -g 1 -n 200 -L r -I r || fail "cangen"
cangen vcan0 -g 1 -n 100 -e -L r -I r || fail "cangen -e"
cangen vcan0 -g 1 -n 100 -R -I r || fail "cangen -R"
wait_lines "$LAB_TMP/orig" $N 20 || fail "candump saw too few frames"
wait_lines "$LAB_TMP/rp.log" $N 20 || fail "canring log wrote $(wc -l <"$LAB_TMP/rp.log") of $N lines"
kill -INT $LOG $PCAP
wait $LOG || fail "canring log exited $? after SIGINT: $(cat "$LAB_TMP/log.err")"
wait $PCAP || fail "canring log --format pcap exited $? after SIGINT: $(cat "$LAB_TMP/pcap.err")"
# Same frames as candump logged (fields 3: the frame; field 4 of ours is the direction).
[ "$(awk '{print $3}' "$LAB_TMP/orig")" = "$(grep '^(' "$LAB_TMP/rp.log" | awk '{print $3}')" ] ||
	fail "the log file's frames differ from candump's"
# canplayer replays it onto vcan1 (assignment vcan1=vcan0); candump on vcan1 sees the frames.
bg candump -L -n $N vcan1 >"$LAB_TMP/replayed"
settle
canplayer -I "$LAB_TMP/rp.log" vcan1=vcan0 || fail "canplayer rejected the file"
wait_lines "$LAB_TMP/replayed" $N 20 || fail "replay: candump saw $(wc -l <"$LAB_TMP/replayed") frames"
[ "$(awk '{print $3}' "$LAB_TMP/orig")" = "$(awk '{print $3}' "$LAB_TMP/replayed")" ] ||
	fail "replayed frames differ from the originals"
log2asc -I "$LAB_TMP/rp.log" -O "$LAB_TMP/rp.asc" vcan0 || fail "log2asc failed"
# cangen runs on this host, so the frames are logged as sent here (' T', log2asc's Tx).
[ "$(grep -c ' [RT]x ' "$LAB_TMP/rp.asc")" -eq $N ] ||
	fail "log2asc wrote $(grep -c ' [RT]x ' "$LAB_TMP/rp.asc") frames"
command -v tshark >/dev/null || skip "no tshark (log checks passed)"
tshark -r "$LAB_TMP/rp.pcap" -T fields -e can.id -e can.len -e data.data >"$LAB_TMP/tshark" 2>/dev/null ||
	fail "tshark could not read the pcap file"
# Ids (tshark prints them in decimal) and lengths of every frame must match what candump saw; the
# payload too wherever tshark shows it raw (it hands some ids to protocol dissectors).
python3 - "$LAB_TMP/orig" "$LAB_TMP/tshark" <<'PY' || fail "tshark decoded other frames than were sent"
import sys
want = []
for line in open(sys.argv[1]):
    ident, data = line.split()[2].split("#", 1)
    if data.startswith("R"):
        want.append((int(ident, 16), int(data[1:] or 0), None))
    else:
        want.append((int(ident, 16), len(data) // 2, data.lower()))
got = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
if len(got) != len(want):
    sys.exit("tshark: %d packets, %d frames sent" % (len(got), len(want)))
for n, ((wid, wlen, wdata), g) in enumerate(zip(want, got)):
    gdata = g[2] if len(g) > 2 else ""
    if int(g[0]) != wid or int(g[1]) != wlen or (wdata is not None and gdata and gdata != wdata):
        sys.exit("packet %d: tshark %s, sent id %x len %d data %s" % (n, g, wid, wlen, wdata))
PY
stop_service
echo "$N frames: canplayer replay, log2asc and tshark agree with the originals"
