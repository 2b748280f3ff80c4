#!/usr/bin/env bash
# The guest runs binaries from this project's build tree (shared in from the host).
. "$(dirname "$0")/../lib.sh"
[ -x "$CANRING_BIN" ] || fail "no canring binary at $CANRING_BIN"
out=$("$CANRING_BIN" version) || fail "canring version exited $?"
case "$out" in
"canring "*) echo "guest ran: $out" ;;
*) fail "unexpected output from canring version: $out" ;;
esac
