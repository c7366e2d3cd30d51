#!/bin/bash
# `make demo`: bring up the default lab, show it, ping across it, say how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
topo=topologies/demo.json
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (namespaces and links need CAP_SYS_ADMIN and CAP_NET_ADMIN)" >&2
	exit 1
fi
# A demo left from an earlier run is replaced.
./netlab -q down "$topo" >/dev/null
./netlab up "$topo"
echo
./netlab status demo
echo
echo "$ netlab exec h1 ping -c 2 10.2.0.10        (h1 -> sw1 -> r1 -> r2 -> h3)"
./netlab exec h1 ping -c 2 -W 2 10.2.0.10
echo
echo "$ netlab exec h1 ping -c 2 2001:db8:2::10"
./netlab exec h1 ping -c 2 -W 2 2001:db8:2::10
echo
echo "The lab keeps running. Try:"
echo "  ./netlab exec r1 ip route        ./netlab shell h3        ip netns list"
echo "Take it down with:"
echo "  ./netlab down demo"
