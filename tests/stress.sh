#!/bin/bash
# `make stress`: the long checks. A 4,096-node line up and down (reporting the time and the
# limits that bind first), then the safety and concurrency tests several times over.
set -euo pipefail
cd "$(dirname "$0")/.."
NETLAB=${NETLAB:-$PWD/build/netlab}
tmp=$(mktemp -d)
trap '"$NETLAB" -q down stress4096 >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
echo "open files limit: soft $(ulimit -Sn), hard $(ulimit -Hn) (netlab raises the soft one itself)"
echo "neighbour table gc_thresh3: $(cat /proc/sys/net/ipv4/neigh/default/gc_thresh3) (matters only for traffic, not for up)"
"$NETLAB" gen line 4096 --name stress4096 -o "$tmp/l.json"
s=$(date +%s.%N)
"$NETLAB" up "$tmp/l.json"
m=$(date +%s.%N)
"$NETLAB" exec -l stress4096 r1 ping -c 1 -W 2 -q "$("$NETLAB" validate --explain "$tmp/l.json" | python3 -c '
import json, sys; print(json.load(sys.stdin)["nodes"]["r2"]["interfaces"]["eth0"]["addresses"][0].split("/")[0])')" >/dev/null
"$NETLAB" down stress4096
e=$(date +%s.%N)
awk -v s="$s" -v m="$m" -v e="$e" 'BEGIN { printf "4096 nodes: up %.2f s (%.3f ms/node), down %.2f s\n", m - s, (m - s) * 1000 / 4096, e - m }'
for i in 1 2 3; do
	bash tests/integration/test_kill_rollback.sh > "$tmp/safety.log" 2>&1 || { cat "$tmp/safety.log"; exit 1; }
	bash tests/integration/test_concurrency.sh > "$tmp/conc.log" 2>&1 || { cat "$tmp/conc.log"; exit 1; }
	echo "stress round $i: safety and concurrency passed"
done
