#!/usr/bin/env bash
# Sixteen interfaces at full blast at once, served by two engine threads: every frame on every
# interface arrives in order and intact.
. "$(dirname "$0")/../lib.sh"
N=5000
make_vcans 16
ifs=("${LAB_VCANS[@]}")
start_service rx16 --threads 2 "${ifs[@]}"
start_check rx16 --frames $N --channels "$(IFS=,; echo "${ifs[*]}")"
gens=()
for i in "${ifs[@]}"; do
	cangen "$i" -g 0 -I i -D i -L 8 -n $N &
	gens+=($!)
done
for p in "${gens[@]}"; do wait "$p" || fail "a cangen failed"; done
wait_check
for i in "${ifs[@]}"; do
	[ "$(check_field "$i" frames)" = $N ] || fail "$i: $(check_field "$i" frames) of $N frames"
done
stop_service
