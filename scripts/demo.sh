#!/bin/bash
# `make demo`: bring up the default lab under a name of the user's own (others may run the demo
# on the same machine), show it, ping across it, say how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
topo=topologies/demo.json
netlab=${NETLAB:-./netlab}
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (namespaces and links need CAP_SYS_ADMIN and CAP_NET_ADMIN)" >&2
	exit 1
fi
# demo-USER (the user who ran sudo), in the letters a lab name may have; DEMO_LAB overrides it
me=${SUDO_USER:-$(id -un)}
me=${me//[^A-Za-z0-9_-]/_}
lab=${DEMO_LAB:-demo-${me:0:27}}
# This user's demo left from an earlier run is replaced; anyone else's is left alone.
"$netlab" -q down "$lab" >/dev/null
"$netlab" up --name "$lab" "$topo"
echo
"$netlab" status "$lab"
echo
echo "$ netlab exec -l $lab h1 ping -c 2 10.2.0.10        (h1 -> sw1 -> r1 -> r2 -> h3)"
"$netlab" exec -l "$lab" h1 ping -c 2 -W 2 10.2.0.10
echo
echo "$ netlab exec -l $lab h1 ping -c 2 2001:db8:2::10"
"$netlab" exec -l "$lab" h1 ping -c 2 -W 2 2001:db8:2::10
echo
echo "The lab '$lab' keeps running. Try:"
echo "  ./netlab exec -l $lab r1 ip route        ./netlab shell -l $lab h3        ip netns list"
echo "Take it down with:"
echo "  ./netlab down $lab"
