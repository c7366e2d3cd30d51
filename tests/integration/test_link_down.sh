#!/bin/bash
# A link with "state": "down" comes up as a pulled cable: both ends up (the UP flag set) but
# without a carrier (ip link: NO-CARRIER, state DOWN), their addresses on them, the other links
# up; no traffic crosses it, the rest of the lab works, and status reports it.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
cat > "$TMP/lab.json" <<JSON
{ "name": "$LAB",
  "nodes": {
    "h1": { "interfaces": { "eth0": { "addresses": ["10.1.0.10/24", "2001:db8:1::10/64"] } } },
    "h2": { "interfaces": { "eth0": { "addresses": ["10.1.0.11/24", "2001:db8:1::11/64"] } } },
    "h3": { "interfaces": { "eth0": { "addresses": ["10.1.0.12/24", "2001:db8:1::12/64"] } } },
    "sw1": { "kind": "switch" },
    "a": { "interfaces": { "eth0": { "addresses": ["10.0.7.1/30"] } } },
    "b": { "interfaces": { "eth0": { "addresses": ["10.0.7.2/30"] } } }
  },
  "links": [
    { "endpoints": ["h1:eth0", "sw1"] },
    { "endpoints": ["h2:eth0", "sw1"], "state": "down" },
    { "endpoints": ["h3:eth0", "sw1"], "state": "up" },
    { "endpoints": ["a:eth0", "b:eth0"], "state": "down" }
  ] }
JSON
lab_up "$LAB" "$TMP/lab.json"

# link_state NODE IFNAME: the state word of `ip -o link show`, and whether the UP flag is set
link_state() {
	local line state
	line=$(ip -n "$LAB.$1" -o link show dev "$2") || fail "no $2 in $1"
	state=$(sed -n 's/.* state \([A-Z]*\) .*/\1/p' <<< "$line")
	case $line in
	*"<"*",UP"[,\>]* | *"<UP"[,\>]*) echo "$state admin-up" ;;
	*) echo "$state admin-down" ;;
	esac
}
# the ports of sw1 in link order: h1 eth0, h2 eth1, h3 eth2
assert_eq "$(link_state h1 eth0)" "UP admin-up" "h1 eth0"
assert_eq "$(link_state sw1 eth0)" "UP admin-up" "sw1 eth0 (h1's port)"
assert_eq "$(link_state h2 eth0)" "DOWN admin-up" "h2 eth0 (link down)"
assert_eq "$(link_state sw1 eth1)" "DOWN admin-up" "sw1 eth1 (h2's port, link down)"
assert_eq "$(link_state h3 eth0)" "UP admin-up" "h3 eth0"
assert_eq "$(link_state sw1 eth2)" "UP admin-up" "sw1 eth2 (h3's port)"
assert_eq "$(link_state a eth0)" "DOWN admin-up" "a eth0 (link down)"
assert_eq "$(link_state b eth0)" "DOWN admin-up" "b eth0 (link down)"
# the same through netlab exec
expect_exit 0 "$NETLAB" exec -l "$LAB" h2 ip link show eth0
assert_contains "$OUT" "NO-CARRIER" "ip link show in h2"
assert_contains "$OUT" "state DOWN" "ip link show in h2"
# the ends of a down link keep their addresses, IPv6 ones too (tentative until the cable is in)
expect_exit 0 "$NETLAB" exec -l "$LAB" a ip -o addr show dev eth0
assert_contains "$OUT" "10.0.7.1/30" "a's address on its down link"
expect_exit 0 "$NETLAB" exec -l "$LAB" h2 ip -o addr show dev eth0
assert_contains "$OUT" "2001:db8:1::11/64" "h2's IPv6 address on its down link"

# traffic: across the up links yes, across the down ones no
lab_ping "$LAB" h1 10.1.0.12
lab_ping "$LAB" h3 2001:db8:1::10
expect_exit 1 "$NETLAB" exec -l "$LAB" h1 ping -c 1 -W 1 -q 10.1.0.11
expect_exit nonzero "$NETLAB" exec -l "$LAB" a ping -c 1 -W 1 -q 10.0.7.2

# status: link and interface states
expect_exit 0 "$NETLAB" status --json "$LAB"
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" <<'PY' || fail "status --json of the down links"
import json, sys
l = json.load(open(sys.argv[1]))["labs"][0]
assert l["status"] == "up", l["status"]
nodes = {n["name"]: {i["name"]: i for i in n["interfaces"]} for n in l["nodes"]}
assert nodes["h2"]["eth0"]["state"] == "no-carrier", nodes["h2"]["eth0"]
assert nodes["sw1"]["eth1"]["state"] == "no-carrier" and nodes["sw1"]["eth1"]["master"] == "br0", nodes["sw1"]["eth1"]
assert nodes["a"]["eth0"]["state"] == "no-carrier" and nodes["b"]["eth0"]["state"] == "no-carrier"
assert nodes["h1"]["eth0"]["state"] == "up" and nodes["h3"]["eth0"]["state"] == "up"
links = {tuple(k["endpoints"]): k["state"] for k in l["links"]}
assert links[("h2:eth0", "sw1:eth1")] == "down", links
assert links[("a:eth0", "b:eth0")] == "down", links
assert links[("h1:eth0", "sw1:eth0")] == "up" and links[("h3:eth0", "sw1:eth2")] == "up", links
PY

# the cables put in: the ends get their carrier, with the addresses they had all along
expect_exit 0 "$NETLAB" link -l "$LAB" a:eth0 up
assert_eq "$(link_state a eth0)" "UP admin-up" "a eth0 after link up"
assert_eq "$(link_state b eth0)" "UP admin-up" "b eth0 after link up"
lab_ping "$LAB" a 10.0.7.2
expect_exit 0 "$NETLAB" link -l "$LAB" h2:eth0 up
lab_ping "$LAB" h2 10.1.0.10
lab_ping "$LAB" h2 2001:db8:1::10

expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
