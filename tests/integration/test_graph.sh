#!/bin/bash
# Issue 5: the DOT of every shipped topology parses with Graphviz; -o FILE.svg renders.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for f in topologies/*.json; do
	"$NETLAB" graph "$f" > "$tmp/g.dot"
	dot -Tsvg "$tmp/g.dot" > "$tmp/g.svg" || fail "dot rejects the DOT of $f"
	grep -q "<svg" "$tmp/g.svg" || fail "no SVG for $f"
	"$NETLAB" graph --format mermaid "$f" | head -1 | grep -Ex "graph (LR|TB)" >/dev/null || fail "mermaid of $f"
done
"$NETLAB" graph -o "$tmp/demo.svg" topologies/demo.json
grep -q "<svg" "$tmp/demo.svg" || fail "-o demo.svg did not render"
grep -q "10.0.12.0/30" "$tmp/demo.svg" || fail "the subnet label is missing from the picture"
"$NETLAB" graph --format mermaid -o "$tmp/demo.mmd" topologies/demo.json
cmp "$tmp/demo.mmd" tests/golden/demo.mmd || fail "the Mermaid of the demo differs from the golden file"
rc=0; "$NETLAB" graph --format png topologies/demo.json 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "a bad --format exited $rc"
# a fabric by tier: spines above leaves above hosts (Graphviz's own layout, y grows upwards)
"$NETLAB" gen clos --spines 2 --leaves 3 --hosts-per-leaf 2 -o "$tmp/clos.json"
"$NETLAB" graph "$tmp/clos.json" | dot -Tplain > "$tmp/clos.plain"
y() { awk -v n="$1" '$1 == "node" && ($2 == n || $2 == "\"" n "\"") { print $4 }' "$tmp/clos.plain"; }
for pair in "spine1 leaf1" "spine2 leaf3" "leaf1 h1-1" "leaf3 h3-2"; do
	set -- $pair
	awk -v a="$(y "$1")" -v b="$(y "$2")" 'BEGIN { exit !(a > b) }' ||
		fail "$1 (y $(y "$1")) is not drawn above $2 (y $(y "$2"))"
done
[ "$(y spine1)" = "$(y spine2)" ] && [ "$(y leaf1)" = "$(y leaf3)" ] || fail "a tier is not on one line"
"$NETLAB" graph --format mermaid "$tmp/clos.json" | head -1 | grep -qx "graph TB" || fail "mermaid of a fabric is not top-down"
# many links: the picture keeps short labels, subnets in tooltips
"$NETLAB" gen clos --spines 4 --leaves 8 --hosts-per-leaf 2 -o "$tmp/big.json"
"$NETLAB" graph "$tmp/big.json" > "$tmp/big.dot"
! grep -q 'label="10\.' "$tmp/big.dot" || fail "a big fabric still has subnet labels on its links"
grep -q 'tooltip="10\.' "$tmp/big.dot" || fail "the subnets of a big fabric are not in tooltips"
echo "ok: graph"
