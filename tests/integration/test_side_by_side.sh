#!/bin/bash
# Two labs side by side with the same node names and the same addresses (their namespaces keep
# them apart): both come up and route; each node is its own lab's; taking one down leaves the
# other working.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab A a
new_lab B b
topo_small "$A" "$TMP/a.json"
topo_small "$B" "$TMP/b.json"
lab_up "$A" "$TMP/a.json"
lab_up "$B" "$TMP/b.json"

for l in "$A" "$B"; do
	lab_ping "$l" h1 10.0.13.2
	lab_ping "$l" h1 2001:db8:13::2
	lab_ping "$l" h3 10.1.0.11
done
# distinct namespaces with the same names inside
for n in h1 h2 h3 r1 sw1; do
	[ "$(netns_inode "/run/netns/$A.$n")" != "$(netns_inode "/run/netns/$B.$n")" ] ||
		fail "$A.$n and $B.$n are the same namespace"
done
# a change in one lab is not seen in the other: an address added to A's h1 is A's alone
expect_exit 0 "$NETLAB" exec -l "$A" h1 ip addr add 10.1.0.99/24 dev eth0
expect_exit 0 "$NETLAB" exec -l "$B" h1 ip -o addr show dev eth0
assert_not_contains "$OUT" "10.1.0.99" "lab $B's h1 addresses"
expect_exit 0 "$NETLAB" exec -l "$A" h2 ping -c 1 -W 2 -q 10.1.0.99
expect_exit 1 "$NETLAB" exec -l "$B" h2 ping -c 1 -W 1 -q 10.1.0.99
# status lists both, each with its own namespaces
expect_exit 0 "$NETLAB" status --json
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" "$A" "$B" <<'PY' || fail "status --json of two labs"
import json, sys
d = json.load(open(sys.argv[1]))
labs = {l["name"]: l for l in d["labs"]}
for name in sys.argv[2:]:
    l = labs[name]
    assert l["status"] == "up", (name, l["status"])
    assert sorted(n["name"] for n in l["nodes"]) == ["h1", "h2", "h3", "r1", "sw1"], l["nodes"]
    assert all(n["netns"] == f"{name}.{n['name']}" for n in l["nodes"]), l["nodes"]
PY
expect_exit 0 "$NETLAB" list
assert_contains "$OUT" "$A" "list"
assert_contains "$OUT" "$B" "list"

# down one; the other still works
expect_exit 0 "$NETLAB" down "$A"
assert_contains "$OUT" "lab '$A' is down" "down"
assert_clean "$A"
lab_ping "$B" h1 10.0.13.2
lab_ping "$B" h1 2001:db8:13::2
lab_ping "$B" h2 10.1.0.10
[ "$(lab_pins "$B" | wc -l)" -eq 5 ] || fail "lab $B lost namespaces: $(lab_pins "$B")"
expect_exit 0 "$NETLAB" status --json "$B"
assert_eq "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["labs"][0]["status"])' <<< "$OUT")" up "status of $B"
expect_exit 0 "$NETLAB" down "$B"
assert_clean "$B"
