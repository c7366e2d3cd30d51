#!/bin/bash
# Issue 7: numbers at the limits either work or fail clearly before anything exists.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="nb$$"
tmp=$(mktemp -d)
cleanup() {
	for l in "${P}s" "${P}a" "${P}n"; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 150 links on one switch
"$NETLAB" gen star 150 --name "${P}s" -o "$tmp/s.json"
"$NETLAB" -q up "$tmp/s.json"
ports=$("$NETLAB" exec -l "${P}s" sw ip -o link show master br0 | wc -l)
[ "$ports" -eq 150 ] || fail "the switch has $ports ports, expected 150"
addr=$("$NETLAB" status --json "${P}s" | python3 -c '
import json, sys
d = json.load(sys.stdin)["labs"][0]
h = [n for n in d["nodes"] if n["name"] == "h150"][0]
print([a for f in h["interfaces"] if f["name"] == "eth0" for a in f["addresses"]][0].split("/")[0])')
"$NETLAB" exec -l "${P}s" h1 ping -c 1 -W 2 -q "$addr" >/dev/null || fail "h1 cannot reach h150 across 150 ports"
"$NETLAB" -q down "${P}s"
echo "ok: 150 ports on one switch"

# 64 addresses on one interface, interface names of exactly 15 bytes
python3 - "$tmp/a.json" "${P}a" <<'PY'
import json, sys
name15 = "abcdefghijklmno"
addrs = ["10.1.%d.1/24" % i for i in range(32)] + ["2001:db8:%x::1/64" % i for i in range(32)]
peer = ["10.1.%d.2/24" % i for i in range(32)] + ["2001:db8:%x::2/64" % i for i in range(32)]
d = {"name": sys.argv[2],
     "nodes": {"a": {"interfaces": {name15: {"addresses": addrs}}},
               "b": {"interfaces": {"eth0": {"addresses": peer}}}},
     "links": ["a:%s -- b:eth0" % name15]}
json.dump(d, open(sys.argv[1], "w"))
PY
"$NETLAB" -q up "$tmp/a.json"
n=$("$NETLAB" exec -l "${P}a" a ip -o addr show dev abcdefghijklmno scope global | wc -l)
[ "$n" -eq 64 ] || fail "$n addresses on the 15-byte interface, expected 64"
"$NETLAB" exec -l "${P}a" b ping -c 1 -W 2 -q 10.1.31.1 >/dev/null || fail "no reply from the 32nd IPv4 address"
"$NETLAB" exec -l "${P}a" b ping -c 1 -W 2 -q 2001:db8:1f::1 >/dev/null || fail "no reply from the 32nd IPv6 address"
"$NETLAB" -q down "${P}a"
echo "ok: 64 addresses on a 15-byte interface"

# a 16-byte interface name fails validation, naming the limit, and creates nothing
sed 's/abcdefghijklmno/abcdefghijklmnop/g' "$tmp/a.json" > "$tmp/n.json"
sed -i "s/\"${P}a\"/\"${P}n\"/" "$tmp/n.json"
rc=0; "$NETLAB" up "$tmp/n.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "16-byte interface name: exit $rc"
grep -q "IFNAMSIZ" "$tmp/out" || fail "unclear: $(cat "$tmp/out")"
[ ! -e "/run/netlab/${P}n" ] || fail "a refused lab left its directory"
echo "ok: 16-byte names refused"

# 10,000-node topologies validate in bounded time and memory
for shape in "line 10000" "grid 100x100" "star 10000"; do
	$NETLAB gen $shape -o "$tmp/big.json"
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$NETLAB" validate "$tmp/big.json" >/dev/null
	read -r secs kb < "$tmp/time"
	echo "validate $shape: $secs s, $((kb / 1024)) MiB"
	awk -v s="$secs" -v k="$kb" 'BEGIN { exit !(s < 10 && k < 512 * 1024) }' || fail "validate $shape took $secs s and $kb KB"
done
echo "ok: 10,000 nodes validated in bounded time and memory"
