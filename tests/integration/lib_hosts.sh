# shellcheck shell=bash
# Simulated machines for tests of labs over several hosts; sourced after lib.sh (which it
# needs: fail, FOREIGN_NS, whose namespaces lib.sh's EXIT trap removes).
#
# A simulated host is a network namespace the test makes, PREFIX<i>, with one underlay
# interface "ul0" whose peer is a port of the bridge "ul" in the namespace PREFIX-ul: every
# host reaches every other over it, as machines on one LAN do, and nothing of it is in the
# machine's own namespace. Addresses are from test-only ranges: 198.18.0.<i>/24 (RFC 2544,
# benchmarking) and fd00:198:18::<i>/64 (unique local). A host's exec is
# `nsenter --net=/run/netns/PREFIX<i>`: what "hosts": {"H": {"exec": ...}} names.
#
#   sim_hosts PREFIX N [MTU]      N hosts PREFIX1..PREFIXN on one underlay of IP MTU MTU (1500)
#   sim_host_addr PREFIX I [6]    host I's address (IPv6 with 6)
#   sim_host_exec PREFIX I        its exec
#   sim_hosts_json PREFIX N [6] [MTU]   a "hosts" object: h1..hN with address, exec and mtu
#   sim_node_ns NAME              a namespace for a node, made by the test (removed at exit)
#   sim_hosts_gone PREFIX         nothing of PREFIX's hosts is left (after sim_hosts_remove)
#   sim_hosts_remove PREFIX       remove them now (the EXIT trap does it otherwise)
# PREFIX must be the test's own: sim_prefix gives one (letters, digits, the shell's pid).

sim_prefix() { # TAG
	echo "nlh${1}$$"
}

sim_hosts() { # PREFIX N [MTU]
	local pre=$1 n=$2 mtu=${3:-1500} i
	[ ${#pre} -le 10 ] || fail "sim_hosts: prefix '$pre' is too long (device names derive from it)"
	ip netns add "$pre-ul" && FOREIGN_NS+=("$pre-ul")
	ip -n "$pre-ul" link set lo up
	ip -n "$pre-ul" link add ul type bridge forward_delay 0 stp_state 0
	ip -n "$pre-ul" link set ul mtu "$mtu" up
	for ((i = 1; i <= n; i++)); do
		ip netns add "$pre$i" && FOREIGN_NS+=("$pre$i")
		ip -n "$pre$i" link set lo up
		ip -n "$pre-ul" link add "h$i" mtu "$mtu" type veth peer name ul0 mtu "$mtu" netns "$pre$i"
		ip -n "$pre-ul" link set "h$i" master ul up
		ip -n "$pre$i" addr add "198.18.0.$i/24" dev ul0
		ip -n "$pre$i" addr add "fd00:198:18::$i/64" dev ul0 nodad
		ip -n "$pre$i" link set ul0 up
	done
}

sim_host_addr() { # PREFIX I [6]
	if [ "${3:-}" = 6 ]; then echo "fd00:198:18::$2"; else echo "198.18.0.$2"; fi
}

sim_host_exec() { # PREFIX I
	echo "nsenter --net=/run/netns/$1$2"
}

sim_hosts_json() { # PREFIX N [6] [MTU]
	local pre=$1 n=$2 v6=${3:-} mtu=${4:-1500} i sep=""
	printf '{'
	for ((i = 1; i <= n; i++)); do
		printf '%s"h%d": {"address": "%s", "exec": "%s", "mtu": %d}' "$sep" "$i" \
			"$(sim_host_addr "$pre" "$i" "$v6")" "$(sim_host_exec "$pre" "$i")" "$mtu"
		sep=", "
	done
	printf '}'
}

sim_node_ns() { # NAME
	ip netns add "$1" && FOREIGN_NS+=("$1")
	ip -n "$1" link set lo up
}

sim_hosts_remove() { # PREFIX
	local f
	for f in /run/netns/"$1"*; do
		[ -e "$f" ] && ip netns del "${f##*/}"
	done
	return 0
}

sim_hosts_gone() { # PREFIX
	local f
	for f in /run/netns/"$1"*; do
		[ -e "$f" ] && fail "namespace ${f##*/} is left"
	done
	return 0
}
