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
