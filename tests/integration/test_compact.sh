#!/bin/bash
# Issue 4: generated and compact topologies get addresses and full reachability;
# validate --explain, fed back, builds the same lab. Issue 6: a 200-node line.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="ls$$"
tmp=$(mktemp -d)
cleanup() { for l in "${P}g" "${P}c" "${P}x" "${P}l"; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
addrs() {  # lab -> "node iface address" lines
	"$NETLAB" status --json "$1" | python3 -c '
import json, sys
for n in json.load(sys.stdin)["labs"][0]["nodes"]:
    for f in n["interfaces"]:
        for a in f["addresses"]:
            if not a.startswith(("127.", "::1", "fe80")):
                print(n["name"], f["name"], a)' | sort
}

# every shape validates
for shape in "line 5" "ring 5" "star 5" "full 4" "grid 3x3" "tree --depth 2 --fanout 2" "fattree 4"; do
	$NETLAB gen $shape --routing static --ipv6 -o "$tmp/s.json"
	"$NETLAB" validate "$tmp/s.json" >/dev/null || fail "gen $shape does not validate"
done

# a 4x4 grid with static routes: every router pings every other router's loopback
"$NETLAB" gen grid 4x4 --routing static --name "${P}g" -o "$tmp/g.json"
"$NETLAB" -q up "$tmp/g.json"
addrs "${P}g" | awk '$2 == "lo" { print $1, $3 }' > "$tmp/lo"
[ "$(wc -l < "$tmp/lo")" = 16 ] || fail "not 16 loopbacks: $(cat "$tmp/lo")"
while read -r src _; do
	for dst in $(awk -v s="$src" '$1 != s { split($2, a, "/"); print a[1] }' "$tmp/lo"); do
		"$NETLAB" exec -l "${P}g" "$src" ping -c 1 -W 2 -q "$dst" >/dev/null || fail "$src cannot reach $dst"
	done
done < "$tmp/lo"
"$NETLAB" ping-all "${P}g" >/dev/null || fail "ping-all on the grid"
"$NETLAB" -q down "${P}g"
echo "ok: 4x4 grid, every loopback from every router"

# a compact file: a LAN and two routers, pools, static routing, dual stack
cat > "$tmp/c.json" <<JSON
{ "name": "${P}c",
  "addressing": { "p2p": "10.255.0.0/16", "lan": "10.0.0.0/16", "loopback": "10.254.0.0/24", "ipv6": "2001:db8::/48" },
  "routing": "static",
  "nodes": { "r1": "router", "r2": "router", "sw": "switch", "h1": "host", "h2": "host", "h3": "host" },
  "links": [ "r1 -- r2", "r1 -- sw", "h1 -- sw", "h2 -- sw", "r2 -- h3" ] }
JSON
"$NETLAB" -q up "$tmp/c.json"
[ "$(addrs "${P}c" | wc -l)" -ge 16 ] || fail "too few addresses: $(addrs "${P}c")"
"$NETLAB" ping-all "${P}c" > "$tmp/pa" || fail "ping-all on the compact lab: $(cat "$tmp/pa")"
addrs "${P}c" | sed "s/^/ /" > "$tmp/c.addrs"
# validate --explain, fed back under another name, builds the same lab
"$NETLAB" validate --explain "$tmp/c.json" | sed "s/\"${P}c\"/\"${P}x\"/" > "$tmp/x.json"
! grep -q '"addressing"' "$tmp/x.json" || fail "the explained file still uses pools"
"$NETLAB" -q up "$tmp/x.json"
addrs "${P}x" | sed "s/^/ /" > "$tmp/x.addrs"
diff "$tmp/c.addrs" "$tmp/x.addrs" || fail "the explained topology built a different lab"
"$NETLAB" exec -l "${P}x" r1 ip route | sort > "$tmp/x.routes"
"$NETLAB" exec -l "${P}c" r1 ip route | sort > "$tmp/c.routes"
diff "$tmp/c.routes" "$tmp/x.routes" || fail "the routes differ"
"$NETLAB" -q down "${P}x"
"$NETLAB" -q down "${P}c"
echo "ok: compact file, pools, explain round trip"

# 200 nodes in a line with static routes: r1 reaches r200, and everything goes
"$NETLAB" gen line 200 --routing static --name "${P}l" -o "$tmp/l.json"
# 199 hops: replies need a TTL above the default 64 too
python3 - "$tmp/l.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["defaults"] = {"sysctls": {"net.ipv4.ip_default_ttl": "255"}}
json.dump(d, open(sys.argv[1], "w"))
PY
s=$(date +%s.%N)
"$NETLAB" -q up "$tmp/l.json"
m=$(date +%s.%N)
far=$(addrs "${P}l" | awk '$1 == "r200" && $2 == "lo" { split($3, a, "/"); print a[1] }')
"$NETLAB" exec -l "${P}l" r1 ping -t 255 -c 1 -W 3 -q "$far" >/dev/null || fail "r1 cannot reach r200 ($far)"
"$NETLAB" -q down "${P}l"
e=$(date +%s.%N)
awk -v s="$s" -v m="$m" -v e="$e" 'BEGIN { printf "200-node line with static routes: up %.2f s, down %.2f s\n", m - s, e - m }'
[ ! -e "/run/netlab/${P}l" ] && ! ls /run/netns | grep "^${P}l\." >/dev/null || fail "the 200-node lab left something"
echo "ok: 200-node line"
