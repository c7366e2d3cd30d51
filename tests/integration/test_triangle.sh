#!/bin/bash
# Three routers in a triangle (/30 and /64 point-to-point links), a switched LAN with two hosts
# behind each, static routes on both families. Right after up: host-to-host ping across two
# routers (v4 and v6), hostnames (default and custom), ip netns, bridge ports, routes, and
# status --json; then down leaves nothing.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
topo=$TMP/triangle.json
# rN: eth0 on LAN N (swN, hosts h(2N-1) and h(2N)), eth1 towards the next router, eth2 towards
# the previous one. Point-to-point 10.0.AB.0/30 and 2001:db8:AB::/64: A has .1/::1, B .2/::2.
"$PY" - "$LAB" "$topo" <<'PY'
import json, sys
lab, path = sys.argv[1], sys.argv[2]
nodes, links = {}, []
ring = [(1, 2), (2, 3), (3, 1)]          # (A, B): A's eth1 -- B's eth2
def p2p(a, b):
    return f"{a}{b}"
for n in (1, 2, 3):
    nodes[f"r{n}"] = {"kind": "router",
                      "interfaces": {"eth0": {"addresses": [f"10.{n}.0.1/24", f"2001:db8:{n}::1/64"]}},
                      "routes": []}
    nodes[f"sw{n}"] = {"kind": "switch"}
    links.append({"endpoints": [f"r{n}:eth0", f"sw{n}"]})
    for k, h in enumerate((2 * n - 1, 2 * n)):
        nodes[f"h{h}"] = {"interfaces": {"eth0": {"addresses": [f"10.{n}.0.{10 + k}/24",
                                                                f"2001:db8:{n}::{10 + k}/64"]}},
                          "routes": [{"to": "default", "via": f"10.{n}.0.1"},
                                     {"to": "default", "via": f"2001:db8:{n}::1"}]}
        links.append({"endpoints": [f"h{h}:eth0", f"sw{n}"]})
nodes["h6"]["hostname"] = "custom"
gw = {}   # gw[(x, y)] = (v4, v6) address of y on the x-y link
for a, b in ring:
    s = p2p(a, b)
    nodes[f"r{a}"]["interfaces"]["eth1"] = {"addresses": [f"10.0.{s}.1/30", f"2001:db8:{s}::1/64"]}
    nodes[f"r{b}"]["interfaces"]["eth2"] = {"addresses": [f"10.0.{s}.2/30", f"2001:db8:{s}::2/64"]}
    links.append({"endpoints": [f"r{a}:eth1", f"r{b}:eth2"]})
    gw[(a, b)] = (f"10.0.{s}.2", f"2001:db8:{s}::2")
    gw[(b, a)] = (f"10.0.{s}.1", f"2001:db8:{s}::1")
for x in (1, 2, 3):
    for y in (1, 2, 3):
        if x != y:
            v4, v6 = gw[(x, y)]
            nodes[f"r{x}"]["routes"] += [{"to": f"10.{y}.0.0/24", "via": v4},
                                         {"to": f"2001:db8:{y}::/64", "via": v6}]
json.dump({"name": lab, "nodes": nodes, "links": links}, open(path, "w"), indent=1)
PY

expect_exit 0 "$NETLAB" validate "$topo"
assert_contains "$OUT" "12 nodes" "validate"
lab_up "$LAB" "$topo"

# ping right after up, host to host across two routers (h1 -> r1 -> r2 -> h3 ...), both families
lab_ping "$LAB" h1 10.2.0.10     # h3
lab_ping "$LAB" h1 2001:db8:2::10
lab_ping "$LAB" h2 10.3.0.11     # h6
lab_ping "$LAB" h2 2001:db8:3::11
lab_ping "$LAB" h4 10.3.0.10     # h5, r2 -> r3
lab_ping "$LAB" h4 2001:db8:3::10
lab_ping "$LAB" h6 10.1.0.10     # h1, r3 -> r1
lab_ping "$LAB" h6 2001:db8:1::10
# a host on the same LAN through the bridge
lab_ping "$LAB" h1 10.1.0.11
lab_ping "$LAB" h1 2001:db8:1::11

# hostnames
expect_exit 0 "$NETLAB" exec -l "$LAB" h1 hostname
assert_eq "$OUT" h1 "hostname of h1"
expect_exit 0 "$NETLAB" exec -l "$LAB" h6 hostname
assert_eq "$OUT" custom "hostname of h6"
expect_exit 0 "$NETLAB" exec -l "$LAB" r2 cat /proc/sys/kernel/hostname
assert_eq "$OUT" r2 "hostname of r2"

# ip netns shows the nodes
expect_exit 0 ip netns list
for n in r1 r2 r3 sw1 h1 h6; do
	grep -q "^$LAB\.$n\( \|$\)" <<< "$OUT" || fail "ip netns list lacks $LAB.$n:"$'\n'"$OUT"
done
assert_eq "$(grep -c "^$LAB\." <<< "$OUT")" 12 "namespaces of the lab in ip netns list"

# bridge ports: sw1 has the two hosts and r1 on br0
expect_exit 0 "$NETLAB" exec -l "$LAB" sw1 ip -o link show master br0
assert_eq "$(grep -c 'master br0' <<< "$OUT")" 3 "ports of sw1's br0"
assert_contains "$OUT" "state UP" "br0 ports"

# static routes, both families, with their gateway
expect_exit 0 "$NETLAB" exec -l "$LAB" r1 ip route
assert_contains "$OUT" "10.2.0.0/24 via 10.0.12.2 dev eth1" "r1's IPv4 routes"
assert_contains "$OUT" "10.3.0.0/24 via 10.0.31.1 dev eth2" "r1's IPv4 routes"
expect_exit 0 "$NETLAB" exec -l "$LAB" r1 ip -6 route
assert_contains "$OUT" "2001:db8:2::/64 via 2001:db8:12::2 dev eth1" "r1's IPv6 routes"
assert_contains "$OUT" "2001:db8:3::/64 via 2001:db8:31::1 dev eth2" "r1's IPv6 routes"
expect_exit 0 "$NETLAB" exec -l "$LAB" h1 ip route
assert_contains "$OUT" "default via 10.1.0.1 dev eth0" "h1's routes"
# routers forward (ip_forward, so all, default and every interface; IPv6 all and default), hosts do not
expect_exit 0 "$NETLAB" exec -l "$LAB" r1 cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/default/forwarding \
	/proc/sys/net/ipv4/conf/eth1/forwarding /proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/ipv6/conf/default/forwarding
assert_eq "${OUT//$'\n'/ }" "1 1 1 1 1" "forwarding on r1 (IPv4 ip_forward, default, eth1; IPv6 all, default)"
expect_exit 0 "$NETLAB" exec -l "$LAB" h1 cat /proc/sys/net/ipv4/conf/eth0/forwarding /proc/sys/net/ipv6/conf/all/forwarding
assert_eq "${OUT//$'\n'/ }" "0 0" "forwarding on h1"

# status --json
expect_exit 0 "$NETLAB" status --json "$LAB"
echo "$OUT" > "$TMP/status.json"
"$PY" - "$TMP/status.json" "$LAB" "$topo" <<'PY' || fail "status --json content (above)"
import json, sys, time
d = json.load(open(sys.argv[1]))
lab, topo = sys.argv[2], sys.argv[3]
assert len(d["labs"]) == 1, d["labs"]
l = d["labs"][0]
assert l["name"] == lab, l["name"]
assert l["status"] == "up", l["status"]
assert l["topology"].endswith("/triangle.json"), l["topology"]
assert abs(time.time() - l["created"]) < 300, l["created"]
nodes = {n["name"]: n for n in l["nodes"]}
assert len(nodes) == 12 and len(l["nodes"]) == 12, sorted(nodes)
kinds = {k: sorted(n for n in nodes if nodes[n]["kind"] == k) for k in ("router", "switch", "host")}
assert kinds == {"router": ["r1", "r2", "r3"], "switch": ["sw1", "sw2", "sw3"],
                 "host": ["h1", "h2", "h3", "h4", "h5", "h6"]}, kinds
for name, n in nodes.items():
    assert n["present"] is True, name
    assert n["netns"] == f"{lab}.{name}", n["netns"]
assert nodes["h1"]["hostname"] == "h1" and nodes["h6"]["hostname"] == "custom"
ifs = {i["name"]: i for i in nodes["r1"]["interfaces"]}
assert set(ifs) >= {"lo", "eth0", "eth1", "eth2"}, sorted(ifs)
e0 = ifs["eth0"]
assert "10.1.0.1/24" in e0["addresses"] and "2001:db8:1::1/64" in e0["addresses"], e0
assert e0["state"] == "up" and e0["mtu"] == 1500, e0
assert len(e0["mac"].split(":")) == 6, e0["mac"]
assert "10.0.12.1/30" in ifs["eth1"]["addresses"] and ifs["eth1"]["state"] == "up", ifs["eth1"]
assert "master" not in e0, e0
ports = [i for i in nodes["sw1"]["interfaces"] if i.get("master") == "br0"]
assert len(ports) == 3 and all(p["state"] == "up" for p in ports), ports
assert any(i["name"] == "br0" for i in nodes["sw1"]["interfaces"])
r = nodes["r1"]["routes"]
assert r["ipv4"] >= 2 and r["ipv6"] >= 2, r
r = nodes["h1"]["routes"]
assert r["ipv4"] >= 1 and r["ipv6"] >= 1, r
PY

# the text status agrees
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "lab $LAB: up, 12 nodes" "status"

expect_exit 0 "$NETLAB" down "$LAB"
assert_contains "$OUT" "lab '$LAB' is down" "down"
assert_clean "$LAB"
