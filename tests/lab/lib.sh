# Shared helpers for lab test cases (tests/lab/cases/*.sh). Source it: . "$(dirname "$0")/../lib.sh"
# A case exits 0 pass, 1 fail, 77 skip, and says why on failure.
set -u
CANRING_BUILD=${CANRING_BUILD:?CANRING_BUILD must name the build directory}
CANRING_BIN=$CANRING_BUILD/tools/canring
LAB_TMP=$(mktemp -d /tmp/labcase.XXXXXX)
trap 'lab_cleanup' EXIT
LAB_PIDS=()

lab_cleanup() {
	local p
	for p in "${LAB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$LAB_TMP"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# need_if IF: skip unless the interface exists (can0/can1 exist only in the lab guest or on hardware).
need_if() {
	ip link show "$1" >/dev/null 2>&1 || skip "no interface $1 here"
}

# bg CMD...: start a command in the background; it is killed when the case ends.
bg() {
	"$@" &
	LAB_PIDS+=($!)
}

# wait_lines FILE N [SECONDS]: wait until FILE has at least N lines (default limit 30 s).
wait_lines() {
	local file=$1 n=$2 limit=${3:-30} waited=0
	while [ "$(wc -l <"$file" 2>/dev/null || echo 0)" -lt "$n" ]; do
		[ $waited -ge $((limit * 10)) ] && return 1
		sleep 0.1
		waited=$((waited + 1))
	done
}

# settle: give a just-started receiver time to bind its socket before traffic starts.
settle() {
	sleep "${1:-0.5}"
}

CANRING_CHECK=$CANRING_BUILD/tests/integration/canring-check

# start_service SEGMENT ARGS...: `canring run` in the background (killed at the end of the case);
# returns once the service has created its segment and opened its channels.
start_service() {
	local seg=$1 i
	shift
	"$CANRING_BIN" run --segment "$seg" "$@" 2>"$LAB_TMP/service-$seg.log" &
	SERVICE_PID=$!
	LAB_PIDS+=($SERVICE_PID)
	for i in $(seq 200); do
		grep -q "^canring run: segment" "$LAB_TMP/service-$seg.log" 2>/dev/null && return 0
		kill -0 "$SERVICE_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$LAB_TMP/service-$seg.log" >&2
	fail "canring run $* did not start"
}

# stop_service: SIGINT, then the exit status must be 0 (end of stream written).
stop_service() {
	kill -INT "$SERVICE_PID"
	wait "$SERVICE_PID"
	local rc=$?
	[ $rc -eq 0 ] || {
		cat "$LAB_TMP/service-"*.log >&2
		fail "canring run exited $rc after SIGINT"
	}
}

# start_check SEGMENT ARGS...: canring-check in the background, output in $LAB_TMP/check.out;
# returns once it is attached (so no frame sent afterwards can be missed).
start_check() {
	local seg=$1 i
	shift
	rm -f "$LAB_TMP/check.ready"
	"$CANRING_CHECK" --segment "$seg" --ready "$LAB_TMP/check.ready" "$@" >"$LAB_TMP/check.out" 2>&1 &
	CHECK_PID=$!
	LAB_PIDS+=($CHECK_PID)
	for i in $(seq 200); do
		[ -e "$LAB_TMP/check.ready" ] && return 0
		kill -0 "$CHECK_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$LAB_TMP/check.out" >&2
	fail "canring-check did not attach to $seg"
}

# wait_check: waits for canring-check; fails the case with its output unless it passed.
wait_check() {
	wait "$CHECK_PID"
	local rc=$?
	cat "$LAB_TMP/check.out"
	[ $rc -eq 0 ] || fail "canring-check exited $rc"
}

# check_field IF FIELD: a field of canring-check's summary line for interface IF.
check_field() {
	awk -v ifn="$1" -v f="$2" '$1 == ifn { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$LAB_TMP/check.out"
}

# wake_field FIELD: a field of canring-check's wake-up line (wakes=N first_wake_frames=N
# max_wake_frames=N); prints nothing when the line is missing.
wake_field() {
	awk -v f="$1" '/^wakes=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$LAB_TMP/check.out"
}

# paced_to_check N RATE: canring run on vcan0 (segment rx0) and canring-check reading it, while
# canring gen sends N classic 8-byte frames at RATE a second; returns once the checker passed.
paced_to_check() {
	start_service rx0 vcan0
	start_check rx0 --frames "$1" --channels vcan0
	timeout 60 "$CANRING_BIN" gen --rate "$2" -n "$1" -I i -D i -L 8 vcan0 2>"$LAB_TMP/gen.err" ||
		fail "canring gen failed: $(cat "$LAB_TMP/gen.err")"
	wait_check
}

# can_bus_up BITRATE: can0 and can1 (the two controllers on the lab's emulated bus, or real ones)
# down, at BITRATE, and up again; skips the case where they do not exist.
can_bus_up() {
	local dev
	need_if can0
	need_if can1
	for dev in can0 can1; do
		ip link set "$dev" down 2>/dev/null
		ip link set "$dev" type can bitrate "$1" || fail "cannot set bitrate $1 on $dev"
		ip link set "$dev" up || fail "cannot bring $dev up"
	done
}

# make_vcans N: vcan0..vcan(N-1) exist and are up; their names are in the array LAB_VCANS.
make_vcans() {
	local i
	LAB_VCANS=()
	for i in $(seq 0 $(($1 - 1))); do
		ip link show "vcan$i" >/dev/null 2>&1 || ip link add "vcan$i" type vcan || fail "cannot add vcan$i"
		ip link set "vcan$i" up || fail "cannot bring vcan$i up"
		LAB_VCANS+=("vcan$i")
	done
}
