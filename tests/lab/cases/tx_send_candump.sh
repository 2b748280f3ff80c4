#!/usr/bin/env bash
# `canring send` frames are seen by candump byte for byte: classic, extended, remote, on a
# classic (MTU 16) vcan, and those plus CAN FD (with BRS/ESI flags) on an FD vcan, where the
# reference is the same frames sent by cansend (the kernel adds CANFD_FDF, shown as flag 4).
. "$(dirname "$0")/../lib.sh"
need_if vcan0
ip link add vcan7 type vcan && ip link set vcan7 mtu 72 && ip link set vcan7 up ||
	fail "could not create an FD vcan"
ip link add vcan9 type vcan && ip link set vcan9 mtu 72 && ip link set vcan9 up ||
	fail "could not create a second FD vcan"
ip link add vcan8 type vcan && ip link set vcan8 mtu 16 && ip link set vcan8 up ||
	fail "could not create a classic vcan"
classic=(123#DEADBEEF 12345678#0011223344556677 7FF#R 000# 1AB#R3 321#1122334455667788)
fd=(123##1AABBCCDDEEFF001122334455 1F334455##3000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F 456##0)
bg candump -L -n ${#classic[@]} vcan8 >"$LAB_TMP/c"
bg candump -L -n $((${#classic[@]} + ${#fd[@]})) vcan7 >"$LAB_TMP/f"
bg candump -L -n $((${#classic[@]} + ${#fd[@]})) vcan9 >"$LAB_TMP/r"
settle
"$CANRING_BIN" send vcan8 "${classic[@]}" || fail "canring send vcan8 exited $?"
"$CANRING_BIN" send vcan7 "${classic[@]}" "${fd[@]}" || fail "canring send vcan7 exited $?"
wait_lines "$LAB_TMP/c" ${#classic[@]} 10 || fail "candump vcan8 saw $(wc -l <"$LAB_TMP/c") frames"
for f in "${classic[@]}" "${fd[@]}"; do cansend vcan9 "$f" || fail "cansend vcan9 $f"; done
wait_lines "$LAB_TMP/f" $((${#classic[@]} + ${#fd[@]})) 10 || fail "candump vcan7 saw too few"
wait_lines "$LAB_TMP/r" $((${#classic[@]} + ${#fd[@]})) 10 || fail "candump vcan9 saw too few"
got=$(awk '{print $3}' "$LAB_TMP/c")
want=$(printf '%s\n' "${classic[@]}")
[ "$got" = "$want" ] || fail "vcan8: candump printed
$got
expected
$want"
got=$(awk '{print $3}' "$LAB_TMP/f")
want=$(awk '{print $3}' "$LAB_TMP/r")
[ "$got" = "$want" ] || fail "vcan7: candump printed for canring send
$got
and for cansend
$want"
echo "${#classic[@]} classic + ${#fd[@]} FD frames arrived byte for byte"
