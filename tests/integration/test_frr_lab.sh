#!/bin/bash
# The shipped FRR course labs (copies of topologies/frr-ospf.json and frr-rip.json with their
# configuration directories): OSPF converges (bounded), routes come from ospfd, r1 has two Full
# neighbours, the lab's own checks pass; pulling r1-r3 reroutes h1 -> h3 through r2 and putting
# it back restores the direct path; RIP converges with routes from ripd. The daemons run in the
# routers' PID namespaces, and after down no zebra, ospfd, ripd or netlab-init of the lab is left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB o
new_lab LAB2 r
for t in ospf:frr-ospf:"$LAB" rip:frr-rip:"$LAB2"; do
	IFS=: read -r dirname base lab <<< "$t"
	mkdir -p "$TMP/$dirname"
	cp -r "$REPO/topologies/$base" "$TMP/$dirname/"
	"$PY" - "$REPO/topologies/$base.json" "$TMP/$dirname/$base.json" "$lab" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
done
topo=$TMP/ospf/frr-ospf.json

# the lab's processes by name, from the host: "comm count" lines
census() { # LAB
	local r
	for r in $(node_procs "$1"); do cat "/proc/${r%%:*}/comm" 2> /dev/null; done | sort | uniq -c | awk '{print $2, $1}'
}
in_own_pidns() { # LAB: every zebra/ospfd/ripd runs in a PID namespace other than the host's
	local r pid
	for r in $(node_procs "$1"); do
		pid=${r%%:*}
		case $(cat "/proc/$pid/comm" 2> /dev/null) in zebra | ospfd | ripd) ;; *) continue ;; esac
		[ "$(netns_inode "/proc/$pid/ns/pid")" != "$(netns_inode /proc/self/ns/pid)" ] ||
			fail "$(cat "/proc/$pid/comm") (pid $pid) runs in the host's PID namespace"
	done
}
neighbours_full() { # LAB ROUTER N
	[ "$(X "$1" "$2" vtysh -c 'show ip ospf neighbor' 2> /dev/null | grep -c 'Full/')" = "$3" ]
}
h1_reaches() { X "$1" h1 ping -c 1 -W 1 -q "$2" > /dev/null 2>&1; }

# --- OSPF
s=$(date +%s)
lab_up "$LAB" "$topo"
poll 60 h1_reaches "$LAB" 10.3.0.10 || fail "OSPF: h1 does not reach h3 (10.3.0.10) within 60 s of up"
echo "OSPF: h1 reaches h3 $(($(date +%s) - s)) s after up"
assert_contains "$(X "$LAB" r1 ip route show 10.3.0.0/24)" "proto ospf" "r1's route to 10.3.0.0/24"
poll 30 neighbours_full "$LAB" r1 2 ||
	fail "r1 has not 2 Full OSPF neighbours: $(X "$LAB" r1 vtysh -c 'show ip ospf neighbor')"
nb=$(X "$LAB" r1 vtysh -c 'show ip ospf neighbor')
assert_contains "$nb" "10.255.0.2" "r1's OSPF neighbours"
assert_contains "$nb" "10.255.0.3" "r1's OSPF neighbours"
expect_exit 0 "$NETLAB" test "$topo"
assert_contains "$OUT" "4 passed, 0 failed" "the OSPF lab's own checks"
c=$(census "$LAB")
assert_contains "$c" "zebra 3" "the OSPF lab's processes"
assert_contains "$c" "ospfd 3" "the OSPF lab's processes"
assert_contains "$c" "netlab-init 6" "the OSPF lab's processes"
in_own_pidns "$LAB"
procs=$(node_procs "$LAB")

# pull r1-r3: OSPF routes h1 -> h3 through r2 (bounded by the check's "within")
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth1 down
path_check() { # PATH-JSON: a copy of the topology whose only check is that path, within 30 s
	"$PY" - "$topo" "$TMP/ospf/path.json" "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"] = [{"from": "h1", "to": "h3", "path": json.loads(sys.argv[3]), "within": "30s"}]
json.dump(d, open(sys.argv[2], "w"))
PY
}
path_check '["r1", "r2", "r3"]'
expect_exit 0 "$NETLAB" test "$TMP/ospf/path.json"
assert_contains "$OUT" "1 passed, 0 failed" "h1 -> h3 through r2 with r1-r3 down"
assert_contains "$OUT" "crosses [r1 r2 r3]" "h1 -> h3 through r2 with r1-r3 down"
lab_ping "$LAB" h1 10.3.0.10
assert_contains "$(X "$LAB" r1 ip route show 10.3.0.0/24)" "via 10.0.12.2" "r1's route to h3's LAN with r1-r3 down"
# put it back: the direct path returns
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth1 up
path_check '["r1", "r3"]'
expect_exit 0 "$NETLAB" test "$TMP/ospf/path.json"
assert_contains "$OUT" "crosses [r1 r3]" "h1 -> h3 with r1-r3 back up"

expect_exit 0 "$NETLAB" down "$LAB"
assert_procs_gone $procs
assert_gone "$LAB"
echo "OSPF: converged, rerouted, restored; $(wc -w <<< "$procs") processes ended by down"

# --- RIP
s=$(date +%s)
lab_up "$LAB2" "$TMP/rip/frr-rip.json"
poll 60 h1_reaches "$LAB2" 10.10.3.10 || fail "RIP: h1 does not reach h3 (10.10.3.10) within 60 s of up"
echo "RIP: h1 reaches h3 $(($(date +%s) - s)) s after up"
assert_contains "$(X "$LAB2" r1 ip route show 10.10.3.0/24)" "proto rip" "r1's route to 10.10.3.0/24"
assert_contains "$(X "$LAB2" r3 ip route show 10.10.1.0/24)" "proto rip" "r3's route to 10.10.1.0/24"
X "$LAB2" h3 ping -c 1 -W 2 -q 10.10.1.10 > /dev/null || fail "RIP: h3 does not reach h1"
c=$(census "$LAB2")
assert_contains "$c" "zebra 3" "the RIP lab's processes"
assert_contains "$c" "ripd 3" "the RIP lab's processes"
in_own_pidns "$LAB2"
procs=$(node_procs "$LAB2")
expect_exit 0 "$NETLAB" down "$LAB2"
assert_procs_gone $procs
assert_gone "$LAB2"
assert_clean "$LAB"
assert_clean "$LAB2"
