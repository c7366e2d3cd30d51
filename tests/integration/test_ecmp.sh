#!/bin/bash
# Equal-cost multipath in a leaf-spine fabric from `netlab gen clos` with routing: static: a
# leaf's route to another leaf's hosts is one route with a nexthop per spine (IPv4 and IPv6),
# every host reaches every other, and with one spine's links all pulled every host still
# reaches every other (each leaf drops the dead spine's nexthop); with the links back, the
# routes have every nexthop again and everything is reached.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
expect_exit 0 "$NETLAB" gen clos --spines 3 --leaves 3 --hosts-per-leaf 1 --routing static --ipv6 \
	--name "$LAB" -o "$TMP/clos.json"
expect_exit 0 "$NETLAB" validate --explain "$TMP/clos.json"
printf '%s\n' "$OUT" > "$TMP/explain.json"
lab_up "$LAB" "$TMP/clos.json"

# the subnet of h3-1's link, in each family, and every host's addresses
read -r NET4 NET6 <<< "$("$PY" - "$TMP/explain.json" <<'PY'
import ipaddress, json, sys
t = json.load(open(sys.argv[1]))
nets = [str(ipaddress.ip_interface(a).network) for a in t["nodes"]["h3-1"]["interfaces"]["eth0"]["addresses"]]
print(*sorted(nets, key=lambda n: ":" in n))
PY
)"
[ -n "$NET4" ] && [ -n "$NET6" ] || fail "no subnets for h3-1"

# count_nexthops NODE FAMILY NET: the nexthops of the node's route to NET that are usable
count_nexthops() {
	ip -n "$LAB.$1" "$2" route show "$3" | grep -c "nexthop via" | tr -d ' ' || true
}
assert_eq "$(count_nexthops leaf1 -4 "$NET4")" 3 "leaf1's IPv4 route to h3-1 (one nexthop per spine)"
assert_eq "$(count_nexthops leaf1 -6 "$NET6")" 3 "leaf1's IPv6 route to h3-1 (one nexthop per spine)"

# reach_all: every host pings every other host's every address
reach_all() {
	local what=$1 from to a
	for from in h1-1 h2-1 h3-1; do
		for to in h1-1 h2-1 h3-1; do
			[ "$from" = "$to" ] && continue
			for a in $("$PY" -c '
import json, sys
t = json.load(open(sys.argv[1]))
print(" ".join(a.split("/")[0] for a in t["nodes"][sys.argv[2]]["interfaces"]["eth0"]["addresses"]))' "$TMP/explain.json" "$to"); do
				"$NETLAB" exec -l "$LAB" "$from" ping -c 1 -W 2 "$a" > /dev/null ||
					fail "$what: $from does not reach $to at $a"
			done
		done
	done
}
reach_all "all up"

# take spine2 out: every link of it down (leaf1, leaf2, leaf3 are its eth0, eth1, eth2)
for i in 0 1 2; do
	expect_exit 0 "$NETLAB" link -l "$LAB" "spine2:eth$i" down
done
reach_all "spine2 down"
# traffic kept flowing through the other two spines: leaf1 still has a route to h3-1
ip -n "$LAB.leaf1" -4 route show "$NET4" | grep -q "nexthop via" || fail "leaf1 lost its route to h3-1"

# back up: every nexthop again, everything reached
for i in 0 1 2; do
	expect_exit 0 "$NETLAB" link -l "$LAB" "spine2:eth$i" up
done
assert_eq "$(count_nexthops leaf1 -4 "$NET4")" 3 "leaf1's IPv4 route after link up"
assert_eq "$(count_nexthops leaf1 -6 "$NET6")" 3 "leaf1's IPv6 route after link up"
reach_all "spine2 back"

"$NETLAB" down "$LAB" > /dev/null
assert_clean "$LAB"
