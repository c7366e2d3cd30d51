#!/bin/bash
# Issue 3: the shipped FRR course labs converge, routes come from the daemons, OSPF reroutes
# around a pulled link, and no daemon survives down.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="fr$$"
tmp=$(mktemp -d)
cleanup() { for l in "${P}o" "${P}r"; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
cp -r topologies/frr-ospf topologies/frr-rip "$tmp/"
sed "s/\"name\": \"ospf\"/\"name\": \"${P}o\"/" topologies/frr-ospf.json > "$tmp/o.json"
sed "s/\"name\": \"rip\"/\"name\": \"${P}r\"/" topologies/frr-rip.json > "$tmp/r.json"
alive() {  # running, not an exited process waiting for the host's reaper
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z*) return 1 ;; esac
	return 0
}
daemons() {  # host pids of the lab's processes
	local lab=$1
	for f in /run/netns/"$lab".*; do stat -L -c %i "$f"; done > "$tmp/inodes"
	for p in /proc/[0-9]*; do
		i=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
		if grep -qx "$i" "$tmp/inodes"; then echo "${p#/proc/}"; fi
	done
	return 0
}

"$NETLAB" -q up "$tmp/o.json"
# converge (bounded), then the expectations of the lab itself
for i in $(seq 60); do "$NETLAB" exec -l "${P}o" h1 ping -c 1 -W 1 -q 10.3.0.10 >/dev/null 2>&1 && break; sleep 1; done
"$NETLAB" exec -l "${P}o" h1 ping -c 1 -W 2 -q 10.3.0.10 >/dev/null || fail "OSPF did not converge in 60 s"
"$NETLAB" test "$tmp/o.json" >/dev/null || fail "the OSPF lab's own checks fail"
"$NETLAB" exec -l "${P}o" r1 ip route show 10.3.0.0/24 | grep "proto ospf" >/dev/null || fail "the route did not come from ospfd"
[ "$("$NETLAB" exec -l "${P}o" r1 vtysh -c 'show ip ospf neighbor' | grep -c Full)" = 2 ] || fail "r1 has not 2 full neighbours"
pids=$(daemons "${P}o")
[ "$(for p in $pids; do cat /proc/$p/comm; done | grep -cE '^(zebra|ospfd)$')" = 6 ] || fail "not 3 zebra and 3 ospfd"
# pull r1-r3: OSPF reroutes through r2
"$NETLAB" link -l "${P}o" r1:eth1 down >/dev/null
python3 - "$tmp/o.json" "$tmp/o2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"] = [{"from": "h1", "to": "h3", "path": ["r1", "r2", "r3"], "within": "30s"}]
json.dump(d, open(sys.argv[2], "w"))
PY
"$NETLAB" test "$tmp/o2.json" >/dev/null || fail "OSPF did not reroute h1 -> h3 through r2"
"$NETLAB" -q down "${P}o"
for p in $pids; do ! alive "$p" || fail "process $p ($(cat /proc/$p/comm 2>/dev/null)) survived down"; done
echo "ok: OSPF"

"$NETLAB" -q up "$tmp/r.json"
for i in $(seq 60); do "$NETLAB" exec -l "${P}r" h1 ping -c 1 -W 1 -q 10.10.3.10 >/dev/null 2>&1 && break; sleep 1; done
"$NETLAB" exec -l "${P}r" h1 ping -c 1 -W 2 -q 10.10.3.10 >/dev/null || fail "RIP did not converge in 60 s"
"$NETLAB" exec -l "${P}r" r1 ip route show 10.10.3.0/24 | grep "proto rip" >/dev/null || fail "the route did not come from ripd"
pids=$(daemons "${P}r")
"$NETLAB" -q down "${P}r"
for p in $pids; do ! alive "$p" || fail "process $p survived down"; done
[ ! -e "/run/netlab/${P}o" ] && [ ! -e "/run/netlab/${P}r" ] || fail "lab state left"
echo "ok: RIP"
