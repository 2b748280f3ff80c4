#!/usr/bin/env bash
# Loss below the socket is put in the stream too. At full speed the emulated SJA1000 can1 overruns
# its receive FIFO; the driver counts overrun *events* (rx_over_errors), not the frames each one
# lost, and canring passes that count on as IF_DROP events. So: whatever the socket did not get
# and did not count (SOCKET_DROP) must be signalled by IF_DROP events, at least one per overrun
# and never more than the frames missing.
. "$(dirname "$0")/../lib.sh"
N=3000
can_bus_up 1000000
start_service ifdrop can1
start_check ifdrop --frames $N --channels can1 --any-pattern --idle-ms 4000
sent_before=$(cat /sys/class/net/can0/statistics/tx_packets)
"$CANRING_BIN" gen can0 -g 0 -I i -D i -L 8 -n $N 2>"$LAB_TMP/gen.err" || fail "canring gen failed: $(cat "$LAB_TMP/gen.err")"
sleep 1.5 # interface statistics are read once a second
sent=$(($(cat /sys/class/net/can0/statistics/tx_packets) - sent_before))
wait "$CHECK_PID" # may fall short of N: the point is the accounting
cat "$LAB_TMP/check.out"
got=$(check_field can1 frames)
sock=$(check_field can1 socket_drops)
ifd=$(check_field can1 if_drops)
[ -n "$got" ] && [ -n "$sock" ] && [ -n "$ifd" ] || fail "no summary from canring-check"
echo "can0 sent $sent; can1: received $got, socket drops $sock, interface drops $ifd"
missing=$((sent - got - sock))
[ $missing -ge 0 ] || fail "received $got + socket drops $sock > sent $sent"
if [ $missing -gt 0 ]; then
	[ "$ifd" -gt 0 ] || fail "$missing frames lost below the socket, but no IF_DROP event said so"
	[ "$ifd" -le $missing ] || fail "IF_DROP counted $ifd, more than the $missing frames missing"
else
	[ "$ifd" -eq 0 ] || fail "IF_DROP counted $ifd but nothing is missing"
fi
echo "missing below the socket: $missing frames, signalled by $ifd interface drop(s)"
stop_service
