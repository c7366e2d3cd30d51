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
	"$NETLAB" graph --format mermaid "$f" | head -1 | grep -x "graph LR" >/dev/null || fail "mermaid of $f"
done
"$NETLAB" graph -o "$tmp/demo.svg" topologies/demo.json
grep -q "<svg" "$tmp/demo.svg" || fail "-o demo.svg did not render"
grep -q "10.0.12.0/30" "$tmp/demo.svg" || fail "the subnet label is missing from the picture"
"$NETLAB" graph --format mermaid -o "$tmp/demo.mmd" topologies/demo.json
cmp "$tmp/demo.mmd" tests/golden/demo.mmd || fail "the Mermaid of the demo differs from the golden file"
rc=0; "$NETLAB" graph --format png topologies/demo.json 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "a bad --format exited $rc"
echo "ok: graph"
