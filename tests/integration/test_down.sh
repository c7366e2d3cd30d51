#!/bin/bash
# down: twice is a clean no-op (exit 0, "not running"); by topology file; --all takes down
# every lab and nothing else: a namespace made with `ip netns add` and a directory under
# /run/netlab that is no lab name survive it.
# The test runs in a mount namespace of its own with empty /run/netns and /run/netlab
# (PRIVATE_RUN, see lib.sh), so that down --all meets only this test's labs and never takes
# down a lab someone else is running on the machine.
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab A a
new_lab B b
topo_small "$A" "$TMP/a.json"
topo_small "$B" "$TMP/b.json"

# by name, twice
lab_up "$A" "$TMP/a.json"
expect_exit 0 "$NETLAB" down "$A"
assert_contains "$OUT" "lab '$A' is down" "first down"
assert_clean "$A"
expect_exit 0 "$NETLAB" down "$A"
assert_contains "$ERR" "not running" "second down"
assert_contains "$ERR" "nothing to do" "second down"
assert_clean "$A"
# a lab that never ran
new_lab N never
expect_exit 0 "$NETLAB" down "$N"
assert_contains "$ERR" "not running" "down of a lab that never ran"
[ ! -e "/run/netlab/$N" ] || fail "down of a lab that never ran made /run/netlab/$N"
# a name that cannot be a lab is refused before it becomes a path
expect_exit 2 "$NETLAB" down "../$A"
expect_exit 2 "$NETLAB" down "bad.name"

# by file, twice
lab_up "$A" "$TMP/a.json"
expect_exit 0 "$NETLAB" down "$TMP/a.json"
assert_contains "$OUT" "lab '$A' is down" "down by file"
assert_clean "$A"
expect_exit 0 "$NETLAB" down "$TMP/a.json"
assert_contains "$ERR" "not running" "second down by file"
# by a relative file name without a slash
lab_up "$A" "$TMP/a.json"
(cd "$TMP" && expect_exit 0 "$NETLAB" down a.json && assert_contains "$OUT" "lab '$A' is down" "down a.json")
assert_clean "$A"

# --all: two labs go; a foreign namespace and a foreign directory stay
foreign="f$$-foreign-ns"
ip netns add "$foreign"
FOREIGN_NS+=("$foreign")
foreign_ino=$(netns_inode "/run/netns/$foreign")
ip netns exec "$foreign" ip link set lo up
mkdir "/run/netlab/not.a.lab"
lab_up "$A" "$TMP/a.json"
lab_up "$B" "$TMP/b.json"
lab_ping "$A" h1 10.0.13.2
lab_ping "$B" h1 10.0.13.2
expect_exit 0 "$NETLAB" down --all
assert_contains "$OUT" "2 labs taken down" "down --all"
assert_clean "$A"
assert_clean "$B"
[ -e "/run/netns/$foreign" ] || fail "down --all removed the foreign namespace $foreign"
assert_eq "$(netns_inode "/run/netns/$foreign")" "$foreign_ino" "the foreign namespace's inode"
expect_exit 0 ip netns exec "$foreign" ip -o link show lo
assert_contains "$OUT" "UP" "lo in the foreign namespace"
[ -d "/run/netlab/not.a.lab" ] || fail "down --all removed /run/netlab/not.a.lab"
# again: nothing to do
expect_exit 0 "$NETLAB" down --all
assert_contains "$OUT" "0 labs taken down" "second down --all"
[ -e "/run/netns/$foreign" ] || fail "the second down --all removed the foreign namespace"
# --all takes no lab
expect_exit 2 "$NETLAB" down --all "$A"
ip netns del "$foreign"
rmdir "/run/netlab/not.a.lab"
assert_clean "$A"
assert_clean "$B"
