#!/bin/bash
# A lab over two simulated hosts, the kernel part: the VXLAN ends of each host's share,
# made by tests/tools/vxlan_share with netlab's own model, plan and netlink wrappers from
# inside each host (its exec), land in their nodes with the topology's names, VNI, MTU and
# remote; 1,450-byte packets that may not fragment cross a 1,500-byte underlay and 1,451-byte
# ones do not; the same over an IPv6 underlay with 1,430; a cut remote stops traffic and a
# mended one brings it back; removing the namespaces leaves nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_hosts.sh"

if [ ! -d /sys/module/vxlan ] && ! modprobe -q vxlan 2>/dev/null; then
	echo "SKIP: the kernel has no VXLAN (CONFIG_VXLAN)"
	exit 77
fi
DRIVER=$(dirname "$NETLAB")/tests/vxlan_share
[ -x "$DRIVER" ] || fail "no test driver at $DRIVER (make tools)"
root_before=$(root_links)

run_family() { # 4|6 MTU_EXPECTED
	local fam=$1 want=$2 pre topo lab vni out v6="" big=$(($2 - 28)) ping6=""
	[ "$fam" = 6 ] && v6=6
	pre=$(sim_prefix "x$fam")
	lab="vx$fam$$"
	topo=$TMP/$lab.json
	sim_hosts "$pre" 2
	cat > "$topo" <<JSON
{
  "name": "$lab",
  "hosts": $(sim_hosts_json "$pre" 2 "$v6"),
  "vxlan": {"vni_base": 4200},
  "nodes": {
    "a1": {"host": "h1", "interfaces": {"eth0": {"addresses": ["10.9.0.1/24"]}}},
    "a2": {"host": "h1"},
    "b1": {"host": "h2", "interfaces": {"eth0": {"addresses": ["10.9.0.2/24"]}}}
  },
  "links": ["a1:eth1 -- a2:eth0", "a1:eth0 -- b1:eth0"]
}
JSON
	"$NETLAB" validate "$topo" >/dev/null || fail "the topology over two hosts does not validate"
	for n in a1 a2 b1; do sim_node_ns "${pre}n-$n"; done

	# each host builds its share, run through its exec as the controller will
	out=$($(sim_host_exec "$pre" 1) "$DRIVER" up "$topo" h1 "/run/netns/${pre}n-") ||
		fail "h1's share: $out"
	assert_contains "$out" "vxlan a1:eth0 vni 4201 $(sim_host_addr "$pre" 1 "$v6") -> $(sim_host_addr "$pre" 2 "$v6") port 4789 mtu $want"
	assert_eq "$(echo "$out" | wc -l)" 1 "h1 has one tunnel (a1 -- a2 is local)"
	out=$($(sim_host_exec "$pre" 2) "$DRIVER" up "$topo" h2 "/run/netns/${pre}n-") ||
		fail "h2's share: $out"
	assert_contains "$out" "vxlan b1:eth0 vni 4201 $(sim_host_addr "$pre" 2 "$v6") -> $(sim_host_addr "$pre" 1 "$v6") port 4789 mtu $want"

	# in the node, named as the topology says, with the plan's index, VNI, MTU and remote
	out=$(ip -n "${pre}n-a1" -d link show eth0)
	assert_contains "$out" "mtu $want "
	assert_contains "$out" "vxlan id 4201 remote $(sim_host_addr "$pre" 2 "$v6") local $(sim_host_addr "$pre" 1 "$v6")"
	assert_contains "$out" "dstport 4789"
	assert_contains "$out" "nolearning"
	assert_contains "$out" "103: eth0"  # PLAN_IFINDEX_BASE + 2 * link 1 + side 0
	assert_contains "$(ip -n "${pre}n-b1" -o link show eth0)" "104: eth0"
	# nothing of it in the hosts' own namespaces but the underlay
	assert_eq "$(ip -n "${pre}1" -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')" "lo ul0 " "h1's links"

	# DF packets of the inner MTU cross; one byte more does not
	ip netns exec "${pre}n-a1" ping -c 3 -i 0.2 -W 2 -M do -s "$big" 10.9.0.2 >/dev/null ||
		fail "IPv$fam underlay: $want-byte DF packets do not cross"
	if ip netns exec "${pre}n-a1" ping -c 1 -W 1 -M do -s $((big + 1)) 10.9.0.2 >/dev/null 2>&1; then
		fail "IPv$fam underlay: a $((want + 1))-byte DF packet left an interface of MTU $want"
	fi
	# the outer packets are UDP to port 4789 on the underlay, unfragmented
	out=$(ip netns exec "${pre}1" cat /proc/net/snmp |
		awk '/^Ip:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "FragCreates") c = i; n = 1 } else print $c }')
	[ "$fam" = 4 ] && assert_eq "$out" 0 "fragments made by h1 (FragCreates)"

	# a pulled cable between hosts: each side's remote removed, then put back
	$(sim_host_exec "$pre" 1) "$DRIVER" cut "$topo" h1 "/run/netns/${pre}n-" >/dev/null || fail "cut"
	if ip netns exec "${pre}n-a1" ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1; then
		fail "IPv$fam underlay: traffic crossed a cut tunnel"
	fi
	assert_contains "$(ip -n "${pre}n-a1" link show eth0)" "state UNKNOWN" # up, carrier kept
	$(sim_host_exec "$pre" 1) "$DRIVER" mend "$topo" h1 "/run/netns/${pre}n-" >/dev/null || fail "mend"
	poll 5 ip netns exec "${pre}n-a1" ping -c 1 -W 1 10.9.0.2 >/dev/null ||
		fail "IPv$fam underlay: no traffic after the tunnel was mended"

	# down removes an end by its index, and again finds it gone
	out=$($(sim_host_exec "$pre" 2) "$DRIVER" down "$topo" h2 "/run/netns/${pre}n-") || fail "down: $out"
	assert_eq "$out" "removed b1:eth0"
	assert_not_contains "$(ip -n "${pre}n-b1" -o link show)" "eth0"
	out=$($(sim_host_exec "$pre" 2) "$DRIVER" down "$topo" h2 "/run/netns/${pre}n-") || fail "down again: $out"
	assert_eq "$out" "gone b1:eth0"
	# a node's namespace removed takes its end with it; then the hosts
	ip netns del "${pre}n-a1"
	sim_hosts_remove "$pre"
	sim_hosts_gone "$pre"
}

. "$(dirname "$0")/lib_extra.sh"
run_family 4 1450
run_family 6 1430
assert_eq "$(root_links)" "$root_before" "the machine's own links"
echo "ok: VXLAN ends of two hosts' shares, 1,450/1,430-byte DF packets across, cut and mended"
