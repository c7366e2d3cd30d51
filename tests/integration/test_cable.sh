#!/bin/bash
# `netlab link X down` pulls a cable: both ends keep their admin state (the UP flag) and lose
# their carrier (NO-CARRIER), their addresses stay, and a route added by hand inside a node
# survives, marked linkdown; `link X up` gives the carrier back and the route works again
# without being added anew. Both ends are still the devices `up` made (same interface index).
# With "cables": false the links are plain veth pairs: no wire namespace, `link` refuses.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
cat > "$TMP/lab.json" <<JSON
{ "name": "$LAB",
  "nodes": {
    "r1": { "kind": "router",
            "interfaces": { "eth0": { "addresses": ["10.0.12.1/30", "2001:db8:12::1/64"] } } },
    "r2": { "kind": "router",
            "interfaces": { "eth0": { "addresses": ["10.0.12.2/30", "2001:db8:12::2/64"] },
                            "lo": { "addresses": ["10.99.0.1/32", "2001:db8:99::1/128"] } } },
    "h1": { "interfaces": { "eth0": { "addresses": ["10.1.0.10/24"] } } },
    "sw": { "kind": "switch" }
  },
  "links": [ "r1:eth0 -- r2:eth0", "h1:eth0 -- sw" ] }
JSON
lab_up "$LAB" "$TMP/lab.json"

# flags NODE: the flags of eth0 (between < and >), one per line, sorted
flags() {
	ip -n "${CUR:-$LAB}.$1" -o link show eth0 | sed 's/.*<\(.*\)>.*/\1/' | tr ',' '\n' | sort | tr '\n' ' '
}
ifindex() { ip -n "$LAB.$1" -o link show eth0 | cut -d: -f1; }
idx1=$(ifindex r1)
idx2=$(ifindex r2)
assert_contains "$(flags r1)" "LOWER_UP" "r1 eth0 before"

# routes by hand, through the link: only the kernel keeps them, netlab knows nothing of them
ip -n "$LAB.r1" route add 10.99.0.0/24 via 10.0.12.2
ip -n "$LAB.r1" -6 route add 2001:db8:99::/64 via 2001:db8:12::2
lab_ping "$LAB" r1 10.99.0.1
lab_ping "$LAB" r1 2001:db8:99::1

expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth0 down
for n in r1 r2; do
	line=$(ip -n "$LAB.$n" -o link show eth0)
	assert_contains "$(flags "$n")" "NO-CARRIER" "$n eth0 after link down"
	assert_contains " $(flags "$n")" " UP " "$n eth0 after link down (still administratively up)"
	assert_not_contains "$(flags "$n")" "LOWER_UP" "$n eth0 after link down"
	assert_contains "$line" "state DOWN" "$n eth0 after link down"
done
assert_eq "$(ifindex r1)" "$idx1" "r1 eth0's index"
assert_eq "$(ifindex r2)" "$idx2" "r2 eth0's index"
# the addresses stay, IPv6 ones too
expect_exit 0 ip -n "$LAB.r1" -o addr show dev eth0
assert_contains "$OUT" "10.0.12.1/30" "r1's addresses after link down"
assert_contains "$OUT" "2001:db8:12::1/64" "r1's addresses after link down"
expect_exit 0 ip -n "$LAB.r2" -o addr show dev eth0
assert_contains "$OUT" "10.0.12.2/30" "r2's addresses after link down"
assert_contains "$OUT" "2001:db8:12::2/64" "r2's addresses after link down"
# the routes by hand stay, marked linkdown
expect_exit 0 ip -n "$LAB.r1" route show 10.99.0.0/24
assert_contains "$OUT" "via 10.0.12.2 dev eth0" "r1's route by hand after link down"
assert_contains "$OUT" "linkdown" "r1's route by hand after link down"
expect_exit 0 ip -n "$LAB.r1" -6 route show 2001:db8:99::/64
assert_contains "$OUT" "via 2001:db8:12::2 dev eth0" "r1's IPv6 route by hand after link down"
assert_contains "$OUT" "linkdown" "r1's IPv6 route by hand after link down"
# no traffic crosses; the other link is untouched
expect_exit nonzero "$NETLAB" exec -l "$LAB" r1 ping -c 1 -W 1 -q 10.0.12.2
assert_contains "$(flags h1)" "LOWER_UP" "h1 eth0, on the other link"
# status: the interfaces have no carrier, the link is down
expect_exit 0 "$NETLAB" status --json "$LAB"
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" <<'PY' || fail "status --json after link down"
import json, sys
l = json.load(open(sys.argv[1]))["labs"][0]
nodes = {n["name"]: {i["name"]: i for i in n["interfaces"]} for n in l["nodes"]}
assert nodes["r1"]["eth0"]["state"] == "no-carrier", nodes["r1"]["eth0"]
assert nodes["r2"]["eth0"]["state"] == "no-carrier", nodes["r2"]["eth0"]
links = {tuple(k["endpoints"]): k["state"] for k in l["links"]}
assert links[("r1:eth0", "r2:eth0")] == "down", links
assert links[("h1:eth0", "sw:eth0")] == "up", links
PY
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "no-carrier" "netlab status after link down"
echo "ok: link down: both ends up without a carrier, addresses and routes kept (linkdown)"

# from the other end, as a cable is one
expect_exit 0 "$NETLAB" link -l "$LAB" r2:eth0 up
for n in r1 r2; do
	assert_contains "$(flags "$n")" "LOWER_UP" "$n eth0 after link up"
	assert_not_contains "$(flags "$n")" "NO-CARRIER" "$n eth0 after link up"
done
expect_exit 0 ip -n "$LAB.r1" route show 10.99.0.0/24
assert_contains "$OUT" "via 10.0.12.2 dev eth0" "r1's route by hand after link up"
assert_not_contains "$OUT" "linkdown" "r1's route by hand after link up"
expect_exit 0 ip -n "$LAB.r1" -6 route show 2001:db8:99::/64
assert_not_contains "$OUT" "linkdown" "r1's IPv6 route by hand after link up"
# and they carry traffic: across the link, and to what is behind it
lab_ping "$LAB" r1 10.0.12.2
lab_ping "$LAB" r1 10.99.0.1
lab_ping "$LAB" r1 2001:db8:12::2
lab_ping "$LAB" r1 2001:db8:99::1
expect_exit 0 "$NETLAB" status --json "$LAB"
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" <<'PY' || fail "status --json after link up"
import json, sys
l = json.load(open(sys.argv[1]))["labs"][0]
links = {tuple(k["endpoints"]): k["state"] for k in l["links"]}
assert links[("r1:eth0", "r2:eth0")] == "up", links
PY
echo "ok: link up: the carrier is back, the routes by hand work again, none added anew"

# a cable pulled twice, and put back twice, is as once
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth0 down
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth0 down
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth0 up
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth0 up
lab_ping "$LAB" r1 10.99.0.1

expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"

# "cables": false: one veth pair a link, the peer of r1's end is r2's
new_lab PLAIN p
"$PY" - "$TMP/lab.json" "$TMP/plain.json" "$PLAIN" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["name"], t["cables"] = sys.argv[3], False
json.dump(t, open(sys.argv[2], "w"))
PY
lab_up "$PLAIN" "$TMP/plain.json"
CUR=$PLAIN
[ ! -e "/run/netlab/.netns/$PLAIN/+wire" ] || fail "a lab with \"cables\": false has a wire namespace"
expect_exit 0 ip -n "$PLAIN.r2" -d -o link show eth0
assert_contains "$OUT" "veth" "r2's eth0"
expect_exit 0 "$NETLAB" exec -l "$PLAIN" r1 ip -o link show eth0
assert_contains "$OUT" "eth0@if$(ip -n "$PLAIN.r2" -o link show eth0 | cut -d: -f1)" "r1's eth0, peer of r2's"
lab_ping "$PLAIN" r1 10.0.12.2
expect_exit 1 "$NETLAB" link -l "$PLAIN" r1:eth0 down
assert_contains "$ERR" "no cable to pull" "link down with \"cables\": false"
assert_contains "$(flags r1)" "LOWER_UP" "r1 eth0 after a refused link down"
expect_exit 0 "$NETLAB" down "$PLAIN"
assert_clean "$PLAIN"
echo "ok: \"cables\": false: plain veth pairs, nothing to pull"
