#!/bin/bash
# A lab interrupted from outside: one node's namespace deleted by hand with ip netns del. status
# shows the lab as broken (and that node as not present), and down still removes everything.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
topo_small "$LAB" "$TMP/lab.json"
lab_up "$LAB" "$TMP/lab.json"
lab_ping "$LAB" h1 10.0.13.2

ip netns del "$LAB.h1"
[ ! -e "/run/netns/$LAB.h1" ] || fail "ip netns del left /run/netns/$LAB.h1"

expect_exit 0 "$NETLAB" status --json "$LAB"
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" "$LAB" <<'PY' || fail "status --json of the broken lab"
import json, sys
l = json.load(open(sys.argv[1]))["labs"][0]
assert l["name"] == sys.argv[2], l["name"]
assert l["status"] == "broken", l["status"]
nodes = {n["name"]: n for n in l["nodes"]}
assert sorted(nodes) == ["h1", "h2", "h3", "r1", "sw1"], sorted(nodes)
assert nodes["h1"]["present"] is False, nodes["h1"]
assert all(nodes[n]["present"] is True for n in ("h2", "h3", "r1", "sw1")), nodes
PY
# the text status and the list say so too
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "broken" "status"
expect_exit 0 "$NETLAB" list
grep -q "^$LAB .*broken" <<< "$OUT" || fail "list does not show $LAB as broken:"$'\n'"$OUT"
# exec into the missing node fails cleanly; the others still work
expect_exit nonzero "$NETLAB" exec -l "$LAB" h1 true
assert_contains "$ERR" "h1" "exec into the deleted node"
lab_ping "$LAB" h2 10.0.13.2
# up refuses while the broken lab is there
expect_exit 1 "$NETLAB" up "$TMP/lab.json"

expect_exit 0 "$NETLAB" down "$LAB"
assert_contains "$OUT" "lab '$LAB' is down" "down of a broken lab"
assert_clean "$LAB"
# after that the lab comes up again
lab_up "$LAB" "$TMP/lab.json"
lab_ping "$LAB" h1 10.0.13.2
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
