#!/usr/bin/env bash
# Periodic tasks in the service: a counted task sends exactly its count; a task ends with the
# connection that started it (even on SIGKILL) unless it was started --detach, then it outlives
# the caller; detached tasks are listed, modified (new payload, no restart), stopped, restarted
# and removed by later commands; bad requests are refused and change nothing.
. "$(dirname "$0")/../lib.sh"
need_if vcan0
seen() { grep -c " $1" "$LAB_TMP/d"; }
start_service per vcan0
bg candump -L vcan0 >"$LAB_TMP/d"
settle
P="$CANRING_BIN periodic"

# 1. Counted, in the foreground: exactly the count, then the command returns 0.
timeout 60 $P start --segment per vcan0 --period 5 --count 40 123#11 || fail "counted task failed"
settle 0.5
[ "$(seen 123#11)" -eq 40 ] || fail "counted task sent $(seen 123#11) frames, want 40"

# 2. Detached: the command returns at once, the service sends the whole count without it.
timeout 10 $P start --segment per --detach vcan0 --period 10 --count 30 124#22 || fail "detached start failed"
for i in $(seq 100); do [ "$(seen 124#22)" -ge 30 ] && break; sleep 0.1; done
settle 0.5
[ "$(seen 124#22)" -eq 30 ] || fail "detached task sent $(seen 124#22) frames after its caller left, want 30"

# 3. Not detached, caller killed: the task ends with the connection.
$P start --segment per vcan0 --period 10 125#33 &
caller=$!
for i in $(seq 100); do [ "$(seen 125#33)" -ge 5 ] && break; sleep 0.1; done
[ "$(seen 125#33)" -ge 5 ] || fail "endless task did not start"
kill -9 $caller
wait $caller 2>/dev/null
settle 1
n1=$(seen 125#33)
sleep 1
n2=$(seen 125#33)
[ "$n1" -eq "$n2" ] || fail "task kept sending after its caller died ($n1 -> $n2)"
$P list --segment per | grep -q "^vcan0 125 " && fail "dead caller's task still listed"

# 4. A detached endless task changed by later commands.
$P start --segment per --detach vcan0 --period 10 126#01 || fail "detached start failed"
for i in $(seq 100); do [ "$(seen 126#01)" -ge 3 ] && break; sleep 0.1; done
list=$($P list --segment per vcan0)
echo "$list" | grep -q "^vcan0 126 frames 1 period 10.000 ms count 0 left 0 classic sending" || fail "list: $list"
echo "$list" | grep -q "detached, first frame 126#01" || fail "list: $list"
$P modify --segment per vcan0 126#02 || fail "modify failed"
for i in $(seq 100); do [ "$(seen 126#02)" -ge 3 ] && break; sleep 0.1; done
[ "$(seen 126#02)" -ge 3 ] || fail "modified data never seen"
sed -n '/126#02/,$p' "$LAB_TMP/d" | grep -q "126#01" && fail "old data after the modify"
out=$($P modify --segment per vcan0 127#00 2>&1) && fail "modify of a missing task: $out"
echo "$out" | grep -q "no task with id 127 on vcan0" || fail "message: $out"
out=$($P modify --segment per vcan0 126#00 126#01 2>&1) && fail "modify with another frame count: $out"
echo "$out" | grep -q "frame" || fail "message: $out"
$P stop --segment per vcan0 126 || fail "stop failed"
settle 0.5
n1=$(seen 126#02)
sleep 1
[ "$(seen 126#02)" -eq "$n1" ] || fail "stopped task still sends"
$P list --segment per vcan0 | grep -q "^vcan0 126 .* stopped" || fail "stopped task not listed as stopped"
$P restart --segment per vcan0 126 || fail "restart failed"
for i in $(seq 100); do [ "$(seen 126#02)" -ge $((n1 + 3)) ] && break; sleep 0.1; done
[ "$(seen 126#02)" -ge $((n1 + 3)) ] || fail "restarted task does not send"
$P remove --segment per vcan0 126 || fail "remove failed"
# A detached task that sent its count stays listed as finished (restartable) until removed.
$P list --segment per | grep -q "^vcan0 124 frames 1 period 10.000 ms count 30 left 0 classic finished" ||
	fail "finished detached task: $($P list --segment per)"
$P remove --segment per vcan0 124 || fail "remove of the finished task failed"
[ -z "$($P list --segment per)" ] || fail "tasks left after remove: $($P list --segment per)"

# 5. In the foreground with --stdin through the service: modify and list answer on stdout.
mkfifo "$LAB_TMP/cmd"
trap '' PIPE
timeout 60 $P start --segment per --stdin vcan0 --period 10 129#01 <"$LAB_TMP/cmd" >"$LAB_TMP/out" 2>&1 &
fg=$!
exec 3>"$LAB_TMP/cmd"
for i in $(seq 100); do [ "$(seen 129#01)" -ge 3 ] && break; sleep 0.1; done
printf 'modify 129#02\nlist\nmodify 12A#00\n' >&3
wait_lines "$LAB_TMP/out" 3 10 || fail "no answers: $(cat "$LAB_TMP/out")"
for i in $(seq 100); do [ "$(seen 129#02)" -ge 3 ] && break; sleep 0.1; done
[ "$(seen 129#02)" -ge 3 ] || fail "--stdin modify through the service not seen"
sed -n 1p "$LAB_TMP/out" | grep -q '^ok$' || fail "modify answer: $(cat "$LAB_TMP/out")"
sed -n 2p "$LAB_TMP/out" | grep -q '^129 frames 1 period 10.000 ms .* sending$' || fail "list answer: $(cat "$LAB_TMP/out")"
sed -n 3p "$LAB_TMP/out" | grep -q '^error: no task with id 12A' || fail "bad modify answer: $(cat "$LAB_TMP/out")"
printf 'quit\n' >&3
exec 3>&-
wait $fg || fail "periodic --stdin exited $?: $(cat "$LAB_TMP/out")"
settle 1
n1=$(seen 129#02)
sleep 1
[ "$(seen 129#02)" -eq "$n1" ] || fail "the task outlived its quit"

# 6. Bad requests change nothing.
out=$($P start --segment per --detach vcan0 --period 0 128#00 2>&1)
[ $? -eq 2 ] || fail "period 0 should be a usage error: $out"
out=$($P start --segment per --detach vcan1 --period 10 128#00 2>&1) && fail "vcan1 is no channel: $out"
echo "$out" | grep -q "not a channel" || fail "message: $out"
out=$($P stop --segment per vcan0 12G 2>&1)
[ $? -eq 2 ] || fail "bad id should be a usage error: $out"
[ -z "$($P list --segment per)" ] || fail "a refused start left a task"
stop_service
echo "periodic through the service: counts exact, detach honoured, list/modify/stop/restart/remove"
