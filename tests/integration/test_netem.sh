#!/bin/bash
# Delay and loss through netem, measured. Skips, saying why, on a kernel without netem.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
L="nm$$"
tmp=$(mktemp -d)
probe="nmprobe$$"
cleanup() { "$NETLAB" -q down "$L" >/dev/null 2>&1 || true; ip netns del "$probe" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
ip netns add "$probe"
if ! ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
	echo "SKIP: the kernel lacks the netem qdisc (CONFIG_NET_SCH_NETEM): delay, jitter and loss cannot be measured"
	exit 77
fi
ip netns del "$probe"
printf '{"name": "%s", "nodes": {"a": {"interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}, "b": {"interfaces": {"eth0": {"addresses": ["10.0.0.2/24"]}}}}, "links": [{"endpoints": ["a:eth0", "b:eth0"], "impair": {"a:eth0": {"delay": "50ms"}}}]}' "$L" > "$tmp/n.json"
"$NETLAB" -q up "$tmp/n.json"
rtt=$("$NETLAB" exec -l "$L" a ping -c 3 -q 10.0.0.2 | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
awk -v r="$rtt" 'BEGIN { exit !(r >= 45 && r <= 80) }' || { echo "FAIL: rtt $rtt ms with a 50 ms delay"; exit 1; }
"$NETLAB" impair -l "$L" a:eth0 --loss 100%
! "$NETLAB" exec -l "$L" a ping -c 2 -W 1 -q 10.0.0.2 >/dev/null || { echo "FAIL: 100% loss lets pings through"; exit 1; }
echo "ok: netem delay and loss"
