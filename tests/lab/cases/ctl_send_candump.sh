#!/usr/bin/env bash
# Frames sent through the service's control socket (`canring send --segment`) go out on the
# channel's own socket and candump sees them byte for byte: classic, extended, RTR, CAN FD.
# Bad input through the service: an interface that is not a channel, an FD frame on a service
# without --fd, a malformed frame: a clear message, exit non-zero, nothing sent.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
start_service ctlsend --fd vcan0
bg candump -L vcan0 >"$LAB_TMP/d"
settle
frames="123#DEADBEEF 12345678#0102030405060708 123#R 7FF#R3 1F3##1AABBCCDDEEFF001122334455 1F4##0"
# The reference: the same frames from cansend (candump shows what the kernel adds, e.g. the
# FDF flag on FD frames), then canring's: both halves must be identical.
for f in $frames; do cansend vcan0 "$f"; done
"$CANRING_BIN" send --segment ctlsend vcan0 $frames || fail "send through the service failed"
wait_lines "$LAB_TMP/d" 12 10 || fail "candump saw $(wc -l <"$LAB_TMP/d") of 12 frames"
want=$(awk 'NR <= 6 {print $3}' "$LAB_TMP/d" | tr '\n' ' ')
got=$(awk 'NR > 6 {print $3}' "$LAB_TMP/d" | tr '\n' ' ')
[ "$got" = "$want" ] || fail "candump saw '$got' from canring, '$want' from cansend"
echo "$want" | grep -q "^123#DEADBEEF 12345678#0102030405060708 123#R 7FF#R3 1F3##.AABBCCDDEEFF001122334455 1F4##. $" ||
	fail "cansend's reference frames look wrong: $want"

settle 0.3 # the service publishes its counters every 100 ms
"$CANRING_BIN" stat --segment ctlsend --json | grep -q '"tx_frames":6}' ||
	fail "stat does not count 6 frames sent: $("$CANRING_BIN" stat --segment ctlsend --json)"
out=$("$CANRING_BIN" send --segment ctlsend vcan1 123#00 2>&1) && fail "vcan1 is no channel, yet: $out"
echo "$out" | grep -q "'vcan1' is not a channel of service 'ctlsend' (channels: vcan0)" || fail "message: $out"
out=$("$CANRING_BIN" send --segment ctlsend vcan0 123#00 1234#00 2>&1)
[ $? -eq 2 ] || fail "a malformed frame should be a usage error: $out"
out=$("$CANRING_BIN" send --segment nosuchservice vcan0 123#00 2>&1) && fail "no service, yet: $out"
echo "$out" | grep -q "no canring service runs with segment 'nosuchservice'" || fail "message: $out"
stop_service

start_service ctlclassic vcan0
out=$("$CANRING_BIN" send --segment ctlclassic vcan0 123#00 123##0AA 2>&1) && fail "FD without --fd: $out"
echo "$out" | grep -q "without --fd" || fail "message: $out"
settle 0.5
n=$(wc -l <"$LAB_TMP/d")
[ "$n" -eq 12 ] || fail "a refused request sent something: candump saw $n frames, want 12"
stop_service
# An `any` service sends to any interface through its one unbound socket (sendto).
start_service ctlany any
bg candump -L vcan2 >"$LAB_TMP/d2"
settle
"$CANRING_BIN" send --segment ctlany vcan2 333#CC || fail "send through an any service failed"
wait_lines "$LAB_TMP/d2" 1 10 || fail "candump on vcan2 saw nothing"
[ "$(awk '{print $3}' "$LAB_TMP/d2")" = "333#CC" ] || fail "vcan2 saw '$(cat "$LAB_TMP/d2")'"
stop_service
echo "sent through the service: $got"
