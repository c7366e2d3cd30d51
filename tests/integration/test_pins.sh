#!/bin/bash
# Where netlab pins a lab's network namespaces, and what `down` may remove:
#  - each /run/netns/LAB.NODE is a symlink to the node's pin on the lab's tmpfs
#    (/run/netlab/.netns/LAB), and `ip netns` tools work through it;
#  - a namespace someone else names LAB.NODE after `ip netns del` survives `down`;
#  - a node's processes end even when its /run/netns entry was removed by hand;
#  - a lab laid out as netlab 0.x did (pins in /run/netns, state version 2) still comes down;
#  - pins a lab left without its directory are removed by `down LAB` and by the next `up`.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
cat > "$TMP/lab.json" <<JSON
{ "name": "$LAB",
  "nodes": { "n1": { "interfaces": { "eth0": { "addresses": ["10.5.0.1/24"] } } },
             "n2": { "interfaces": { "eth0": { "addresses": ["10.5.0.2/24"] } } },
             "n3": { "isolation": { "mount": false } } },
  "links": [ "n1:eth0 -- n2:eth0", "n2 -- n3" ] }
JSON

# --- the layout, seen by ip netns
lab_up "$LAB" "$TMP/lab.json"
for n in n1 n2 n3; do
	[ -L "/run/netns/$LAB.$n" ] || fail "/run/netns/$LAB.$n is not a symlink"
	assert_eq "$(readlink "/run/netns/$LAB.$n")" "/run/netlab/.netns/$LAB/$n" "symlink of $n"
	mountpoint -q "/run/netlab/.netns/$LAB/$n" || fail "the pin of $n is not a mount"
done
mountpoint -q "/run/netlab/.netns/$LAB" || fail "the lab's pins are not on a tmpfs of its own"
ip netns list | grep -q "^$LAB.n1\b" || fail "ip netns list does not show $LAB.n1"
ip netns exec "$LAB.n1" ping -c 1 -W 2 -q 10.5.0.2 >/dev/null || fail "ip netns exec through the symlink"
ip -n "$LAB.n2" -o link show dev eth0 >/dev/null || fail "ip -n through the symlink"
echo "ok: pins on the lab's tmpfs, named by symlinks"

# --- a foreign namespace under a node's name survives; a node's process ends without its entry
expect_exit 0 "$NETLAB" exec -l "$LAB" n3 sh -c 'sleep 600 >/dev/null 2>&1 & echo $!'
sleeper=$OUT
BG_PIDS+=("$sleeper")
ip netns del "$LAB.n1"
ip netns add "$LAB.n1"     # someone else's now
FOREIGN_NS+=("$LAB.n1")
rm "/run/netns/$LAB.n3"    # the node lives on, unnamed
expect_exit 0 "$NETLAB" down "$LAB"
[ -e "/run/netns/$LAB.n1" ] || fail "down removed a foreign namespace named $LAB.n1"
[ ! -L "/run/netns/$LAB.n1" ] || fail "the foreign $LAB.n1 became a symlink"
ip netns exec "$LAB.n1" true || fail "the foreign $LAB.n1 no longer works"
for _ in $(seq 50); do proc_ended "$sleeper" && break; sleep 0.1; done
proc_ended "$sleeper" || fail "the process of n3, whose /run/netns entry was gone, still runs"
ip netns del "$LAB.n1"
assert_clean "$LAB"
echo "ok: foreign namespace kept, unnamed node's process ended"

# --- a lab of netlab 0.x: pins in /run/netns itself, state version 2
lab_up "$LAB" "$TMP/lab.json"
# its links joined the nodes directly; ours go through the lab's wire namespace, pinned on the
# tmpfs that goes: a process of the test's holds it meanwhile
nsenter --net="/run/netlab/.netns/$LAB/+wire" sleep 600 &
wire_holder=$!
BG_PIDS+=("$wire_holder")
for n in n1 n2 n3; do
	rm "/run/netns/$LAB.$n"
	touch "/run/netns/$LAB.$n"
	mount --bind "/run/netlab/.netns/$LAB/$n" "/run/netns/$LAB.$n"
done
umount -l "/run/netlab/.netns/$LAB"
rmdir "/run/netlab/.netns/$LAB"
sed -i 's/"version":3/"version":2/' "/run/netlab/$LAB/state.json"
expect_exit 0 "$NETLAB" exec -l "$LAB" n1 ping -c 1 -W 2 -q 10.5.0.2
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "lab $LAB: up" "status of a netlab 0.x lab"
expect_exit 0 "$NETLAB" down "$LAB"
kill "$wire_holder"
wait "$wire_holder" 2>/dev/null || true
assert_clean "$LAB"
echo "ok: a lab pinned the old way comes down"

# --- pins a lab left without its directory
orphan() {
	lab_up "$LAB" "$TMP/lab.json"
	umount -l "/run/netlab/$LAB/ns"
	rm -rf "/run/netlab/$LAB"
}
orphan
expect_exit 0 "$NETLAB" down "$LAB"
[ ! -e "/run/netlab/.netns/$LAB" ] || fail "down left the orphaned pins"
assert_clean "$LAB"
orphan
expect_exit 0 "$NETLAB" up "$TMP/lab.json"
assert_contains "$ERR" "left behind" "up over orphaned pins"
expect_exit 0 "$NETLAB" exec -l "$LAB" n1 ping -c 1 -W 2 -q 10.5.0.2
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
echo "ok: orphaned pins removed by down and by up"
