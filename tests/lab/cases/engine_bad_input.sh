#!/usr/bin/env bash
# Every bad input of `canring run` gets a clear message naming the channel and the problem, a
# non-zero exit, and leaves nothing behind (no segment, no process).
. "$(dirname "$0")/../lib.sh"
ip link add vcanclassic type vcan && ip link set vcanclassic mtu 16 && ip link set vcanclassic up || fail "cannot add a classic vcan"

expect_refusal() { # expect_refusal WANT_RC PATTERN ARGS...
	local want=$1 pattern=$2 out rc
	shift 2
	out=$(timeout 20 "$CANRING_BIN" run --segment bad "$@" 2>&1)
	rc=$?
	[ $rc -eq "$want" ] || fail "canring run $*: exit $rc, expected $want ($out)"
	echo "$out" | grep -q -- "$pattern" || fail "canring run $*: message lacks '$pattern': $out"
	[ ! -e /dev/shm/canring.bad ] || fail "canring run $*: left a segment behind"
	echo "refused as expected: $* -> $out"
}
expect_refusal 1 "channel 'nosuch0'.*no network interface" nosuch0
expect_refusal 1 "channel 'lo'.*not a CAN interface" lo
expect_refusal 1 "channel 'nosuch0'" vcan0 nosuch0 # a good channel before a bad one
expect_refusal 2 "filter '123:XYZ'" "vcan0,123:XYZ"
expect_refusal 2 "channel 'vcan0,#'" "vcan0,#"
expect_refusal 1 "vcanclassic.*FD" --fd vcanclassic
expect_refusal 2 "no channel" --fd
expect_refusal 2 "unknown option '--bogus'" --bogus vcan0
many=()
for i in $(seq 0 256); do many+=(vcan0); done
expect_refusal 2 "more than 256 channels" "${many[@]}"
# No permission: an unprivileged user cannot create a segment where it may not write.
mkdir -p /tmp/locked && chmod 755 /tmp/locked
out=$(CANRING_SHM_DIR=/tmp/locked setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$CANRING_BIN" run --segment bad vcan0 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "unprivileged run into a locked directory: exit $rc ($out)"
echo "$out" | grep -qi "permission denied" || fail "no 'permission denied' in: $out"
[ -z "$(ls /tmp/locked)" ] || fail "files left in /tmp/locked"
echo "refused as expected: unprivileged -> $out"
# Not enough shared memory for the rings: refused at start (not SIGBUS on the first pass), with
# the reason, and the segment taken back.
mkdir -p /tmp/smallshm && mount -t tmpfs -o size=1m tmpfs /tmp/smallshm || fail "cannot mount a small tmpfs"
out=$(CANRING_SHM_DIR=/tmp/smallshm timeout 20 "$CANRING_BIN" run --segment bad --ring-size 4194304 vcan0 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "run with a 1 MiB shared-memory file system: exit $rc ($out)"
echo "$out" | grep -q "cannot create segment 'bad'.*No space left.*full" || fail "no clear message: $out"
[ -z "$(ls /tmp/smallshm)" ] || fail "files left in /tmp/smallshm: $(ls /tmp/smallshm)"
umount /tmp/smallshm
echo "refused as expected: small shared memory -> $out"
