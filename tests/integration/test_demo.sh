#!/bin/bash
# make demo's script works with another lab named demo (node h1 and all) running, and leaves
# it alone: the demo runs as demo-USER (the user of sudo), replaced by the next run of the same
# user. In a private /run/netns and /run/netlab (PRIVATE_RUN, see lib.sh): the other "demo"
# here is the test's own.
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

other=demo
LABS+=("$other")
user="t$$demo.x"     # a '.' is no lab-name letter: it becomes '_'
mine="demo-t$$demo_x"
LABS+=("$mine")
lab_up "$other" "$REPO/topologies/demo.json"
state_before=$(stat -c '%i %.9Y' "/run/netlab/$other/state.json")
h1_before=$(netns_inode "/run/netns/$other.h1")

for run in 1 2; do
	expect_exit 0 env SUDO_USER="$user" bash "$REPO/scripts/demo.sh"
	assert_contains "$OUT" "lab '$mine' is up" "demo run $run"
	assert_contains "$OUT" "started by $user" "demo run $run"
	[ "$(grep -c ' 0% packet loss' <<< "$OUT")" -eq 2 ] || fail "demo run $run: the pings failed:"$'\n'"$OUT"
	assert_contains "$OUT" "./netlab down $mine" "demo run $run"
	record_lab "$mine"
	[ -e "/run/netlab/$other" ] || fail "demo run $run took down the other lab named demo"
	assert_eq "$(stat -c '%i %.9Y' "/run/netlab/$other/state.json")" "$state_before" "the other demo's state after run $run"
	assert_eq "$(netns_inode "/run/netns/$other.h1")" "$h1_before" "the other demo's h1 after run $run"
done
# DEMO_LAB names it outright
new_lab D d
expect_exit 0 env DEMO_LAB="$D" bash "$REPO/scripts/demo.sh"
assert_contains "$OUT" "lab '$D' is up" "DEMO_LAB"
record_lab "$D"
for l in "$D" "$mine" "$other"; do
	expect_exit 0 "$NETLAB" down "$l"
	assert_clean "$l"
done
