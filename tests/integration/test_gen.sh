#!/bin/bash
# Issue 4, writing less: every generator shape validates with the node and link counts of its
# shape; a 4x4 grid with static routes comes up and every router reaches every other router's
# loopback; small generated shapes (and a spanning-tree fat tree) reach everything; a compact
# file with a LAN, two routers, pools and static routing gets its addresses from the pools and
# full reachability; validate --explain of it, under another name, builds the same lab
# (addresses and routes per node and interface).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB      # the generated labs, one after the other
new_lab LABX x   # the explained copy of the compact lab, beside it

# --- every shape validates, with its own node and link counts; generating is deterministic
while read -r nodes links shape; do
	# shellcheck disable=SC2086
	expect_exit 0 "$NETLAB" gen $shape -o "$TMP/s.json"
	# shellcheck disable=SC2086
	"$NETLAB" gen $shape > "$TMP/s2.json" || fail "gen $shape to stdout"
	cmp -s "$TMP/s.json" "$TMP/s2.json" || fail "gen $shape: -o FILE and stdout differ"
	expect_exit 0 "$NETLAB" validate "$TMP/s.json"
	assert_contains "$OUT" ", $nodes nodes, $links links" "validate of gen $shape"
	# shellcheck disable=SC2086
	expect_exit 0 "$NETLAB" gen $shape --routing static --ipv6 -o "$TMP/s.json"
	expect_exit 0 "$NETLAB" validate "$TMP/s.json"
	assert_contains "$OUT" ", $nodes nodes, $links links" "validate of gen $shape --routing static --ipv6"
done <<'SHAPES'
5 4 line 5
5 5 ring 5
6 5 star 5
4 6 full 4
7 6 tree --depth 2 --fanout 2
36 48 fattree 4
9 12 grid 3x3
SHAPES
expect_exit 2 "$NETLAB" gen grid 4
expect_exit 2 "$NETLAB" gen hexagon 3

# --- a 4x4 grid with static routes: every router reaches every other router's loopback
expect_exit 0 "$NETLAB" gen grid 4x4 --routing static --name "$LAB" -o "$TMP/grid.json"
lab_up "$LAB" "$TMP/grid.json"
status_addrs "$LAB" | awk '$2 == "lo" { split($3, a, "/"); print $1, a[1] }' > "$TMP/lo"
assert_eq "$(wc -l < "$TMP/lo")" 16 "loopback addresses in the 4x4 grid"
"$NETLAB" ping-all --json "$LAB" > "$TMP/pa.json" || fail "ping-all on the 4x4 grid: $(cat "$TMP/pa.json")"
"$PY" - "$TMP/lo" "$TMP/pa.json" <<'PY' || fail "not every router reaches every other router's loopback"
import json, sys
lo = dict(l.split() for l in open(sys.argv[1]))
res = json.load(open(sys.argv[2]))
got = {(r["from"], r["address"]): r["ok"] for r in res["results"]}
missing = [(f, t) for f in lo for t in lo if f != t and not got.get((f, lo[t]))]
assert not missing, missing
assert res["failed"] == 0, res["failed"]
PY
# and from the command line, corner to corner both ways
X "$LAB" r1-1 ping -c 1 -W 2 -q "$(awk '$1 == "r4-4" {print $2}' "$TMP/lo")" > /dev/null || fail "r1-1 cannot ping r4-4's loopback"
X "$LAB" r4-4 ping -c 1 -W 2 -q "$(awk '$1 == "r1-1" {print $2}' "$TMP/lo")" > /dev/null || fail "r4-4 cannot ping r1-1's loopback"
expect_exit 0 "$NETLAB" down "$LAB"
assert_gone "$LAB"

# --- small generated shapes with static routes reach everything at once
for shape in "ring 5 --ipv6" "star 4" "full 4" "tree --depth 2 --fanout 2 --ipv6" "fattree 4 --routers"; do
	# shellcheck disable=SC2086
	expect_exit 0 "$NETLAB" gen $shape --routing static --name "$LAB" -o "$TMP/s.json"
	lab_up "$LAB" "$TMP/s.json"
	expect_exit 0 "$NETLAB" ping-all "$LAB"
	assert_contains "$OUT" " 0 failed" "ping-all on gen $shape"
	expect_exit 0 "$NETLAB" down "$LAB"
	assert_gone "$LAB"
done
# a fat tree of spanning-tree switches: reachable once the tree has formed (bounded)
expect_exit 0 "$NETLAB" gen fattree 4 --routing static --name "$LAB" -o "$TMP/s.json"
lab_up "$LAB" "$TMP/s.json"
poll 45 "$NETLAB" ping-all "$LAB" > "$TMP/pa.txt" 2>&1 ||
	fail "the spanning-tree fat tree is not fully reachable after 45 s: $(tail -5 "$TMP/pa.txt")"
expect_exit 0 "$NETLAB" down "$LAB"
assert_gone "$LAB"

# --- a compact file: a LAN (switch and two hosts) and two routers, pools, static routing
cat > "$TMP/c.json" <<JSON
{ "name": "$LAB",
  "addressing": { "p2p": "10.255.0.0/16", "lan": "10.0.0.0/16", "loopback": "10.254.0.0/24",
                  "ipv6": "2001:db8::/48" },
  "routing": "static",
  "nodes": { "r1": "router", "r2": "router", "sw": "switch", "h1": "host", "h2": "host", "h3": "host" },
  "links": [ "r1 -- r2", "r1 -- sw", "h1 -- sw", "h2 -- sw", "r2 -- h3" ] }
JSON
lab_up "$LAB" "$TMP/c.json"
status_addrs "$LAB" > "$TMP/c.addrs"
"$PY" - "$TMP/c.addrs" <<'PY' || fail "the compact lab's addresses are not from its pools: $(cat "$TMP/c.addrs")"
import ipaddress as ip, sys
rows = [l.split() for l in open(sys.argv[1])]
A = {}
for n, i, a in rows:
    A.setdefault((n, i), []).append(ip.ip_interface(a))
def v(n, i, fam):
    return [a for a in A.get((n, i), []) if a.version == fam]
p2p, lan, lo, v6 = (ip.ip_network(x) for x in ("10.255.0.0/16", "10.0.0.0/16", "10.254.0.0/24", "2001:db8::/48"))
for a in rows:
    x = ip.ip_interface(a[2])
    assert x.version == 4 or x.network.subnet_of(v6), a
# routers: a /32 loopback from the loopback pool and an IPv6 /128
for r in ("r1", "r2"):
    l4 = v(r, "lo", 4)
    assert len(l4) == 1 and l4[0].network.prefixlen == 32 and l4[0].ip in lo, (r, l4)
    assert len(v(r, "lo", 6)) == 1 and v(r, "lo", 6)[0].network.prefixlen == 128, r
# hosts on the LAN: one /24 (or larger) from the lan pool, the same subnet as r1's LAN side
h1, h2 = v("h1", "eth0", 4), v("h2", "eth0", 4)
assert len(h1) == 1 and len(h2) == 1 and h1[0].network == h2[0].network, (h1, h2)
assert h1[0].network.subnet_of(lan) and h1[0].network.prefixlen <= 24, h1
assert any(a.network == h1[0].network for i in ("eth0", "eth1", "eth2") for a in v("r1", i, 4)), "r1 is not on the LAN"
assert not [a for n, i in A for a in v(n, i, 4) if n.startswith("sw")], "the switch got an IPv4 address"
# point-to-point links: /30s from the p2p pool
p = [a for n, i in A for a in v(n, i, 4) if a.network.prefixlen == 30]
assert len(p) == 4 and all(a.network.subnet_of(p2p) for a in p), p
# every address unique
every = [a.ip for l in A.values() for a in l]
assert len(every) == len(set(every)), "duplicate address"
# dual stack: every host and router interface with IPv4 has IPv6 too
for (n, i), l in A.items():
    if v(n, i, 4):
        assert v(n, i, 6), (n, i)
PY
expect_exit 0 "$NETLAB" ping-all "$LAB"
assert_contains "$OUT" " 0 failed" "ping-all on the compact lab"
lab_ping "$LAB" h1 "$(awk '$1 == "h3" && $3 ~ /:/ { sub("/.*", "", $3); print $3; exit }' "$TMP/c.addrs")"

# --- validate --explain, under another name, builds the same lab
expect_exit 0 "$NETLAB" validate --explain "$TMP/c.json"
printf '%s\n' "$OUT" > "$TMP/explained.json"
"$PY" - "$TMP/explained.json" "$TMP/x.json" "$LAB" "$LABX" <<'PY' || fail "the explained topology: $(head -c 2000 "$TMP/explained.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["name"] == sys.argv[3], d["name"]
assert "addressing" not in d and d.get("routing", "none") == "none", "explain still uses pools or computed routes"
for n, spec in d["nodes"].items():
    assert isinstance(spec, dict) and "kind" in spec, n
d["name"] = sys.argv[4]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
lab_up "$LABX" "$TMP/x.json"
status_addrs "$LABX" > "$TMP/x.addrs"
diff "$TMP/c.addrs" "$TMP/x.addrs" > "$TMP/addrs.diff" || fail "the explained lab has other addresses: $(cat "$TMP/addrs.diff")"
for n in r1 r2 h1 h2 h3 sw; do
	for fam in -4 -6; do
		a=$(ip -n "$LAB.$n" $fam route show | sed 's/ nhid [0-9]*//' | sort)
		b=$(ip -n "$LABX.$n" $fam route show | sed 's/ nhid [0-9]*//' | sort)
		assert_eq "$b" "$a" "$n's $fam routes in the explained lab"
	done
done
expect_exit 0 "$NETLAB" ping-all "$LABX"
assert_contains "$OUT" " 0 failed" "ping-all on the explained lab"
expect_exit 0 "$NETLAB" down "$LABX"
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
assert_clean "$LABX"
