#!/bin/bash
# A lab over several machines (docs/multihost.md), the machines simulated: each host a network
# namespace made by this test, all on one bridged underlay, its exec `nsenter --net=...`.
# From the controller (this machine, where `up` runs):
#  - two hosts: routers on both, a switch with ports on both; ping and traceroute across,
#    1,450-byte DF packets over the 1,500-byte underlay and not one byte more; exec, status
#    (by host, --json too), link down/up and impair of a cross-host link; down leaves nothing
#    on any host (no namespace, no state, no VXLAN socket);
#  - FRR OSPF over three hosts: adjacencies and routes learned over the tunnels;
#  - one host unreachable (a bad exec): up fails naming it and leaves nothing on the others;
#  - the controller killed (SIGKILL) during up, then down: nothing left anywhere;
#  - 300 nodes on three hosts up and down, timed against the same lab on one machine.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_hosts.sh"
. "$(dirname "$0")/lib_extra.sh"

if [ ! -d /sys/module/vxlan ] && ! modprobe -q vxlan 2>/dev/null; then
	echo "SKIP: the kernel has no VXLAN (CONFIG_VXLAN)"
	exit 77
fi
pre=$(sim_prefix m)
sim_hosts "$pre" 3

# a "hosts" object of the simulated hosts (N of them), netlab there being the one under test
hosts_json() { # N [BAD-HOST]
	sim_hosts_json "$pre" "$1" | "$PY" -c '
import json, sys
h = json.load(sys.stdin)
for name in h:
    h[name]["netlab"] = sys.argv[1]
if len(sys.argv) > 2:
    h[sys.argv[2]]["exec"] = "nsenter --net=/run/netns/no-such-host-" + sys.argv[2]
print(json.dumps(h))' "$NETLAB" ${2:+"$2"}
}

# nothing of LAB on the controller or any host: state, shares, pins, sockets on the VXLAN port
assert_gone() { # LAB
	local lab=$1 i
	assert_clean "$lab"
	for d in /run/netlab/"$lab"@*; do
		[ ! -e "$d" ] || fail "a share's state is left: $d"
	done
	for ((i = 1; i <= 3; i++)); do
		# the kernel frees a namespace's devices, and their sockets, after the namespace goes
		poll 10 bash -c "! ip netns exec '$pre$i' ss -Hulna | grep -q ':4789 '" ||
			fail "host $i still has a socket on the VXLAN port: $(ip netns exec "$pre$i" ss -Hulna)"
		[ "$(ip -n "$pre$i" -o link show | wc -l)" = 2 ] ||
			fail "host $i has links other than lo and ul0: $(ip -n "$pre$i" -o link show)"
	done
}

# --- two hosts: a router on each, a switch with ports on both
new_lab LAB
cat > "$TMP/two.json" <<JSON
{"name": "$LAB", "hosts": $(hosts_json 2),
 "addressing": {"p2p": "10.255.0.0/16", "lan": "10.0.0.0/16"}, "routing": "static",
 "nodes": {"r1": {"kind": "router", "host": "h1"}, "r2": {"kind": "router", "host": "h2"},
           "sw": {"kind": "switch", "host": "h2"},
           "a": {"host": "h1"}, "b": {"host": "h2"}, "c": {"host": "h1"}},
 "links": ["a -- r1", "r1 -- r2", "r2 -- sw", "b -- sw", "c -- sw"]}
JSON
expect_exit 0 "$NETLAB" up "$TMP/two.json"
assert_contains "$OUT" "is up on 2 hosts: 6 nodes, 5 links"
assert_contains "$ERR" "host 'h1': lab '$LAB' share of host 'h1' is wired: 3 nodes"
[ -d "/run/netlab/$LAB@h1" ] && [ -d "/run/netlab/$LAB@h2" ] || fail "no share of each host"
# a on h1, behind r1 (h1) -- r2 (h2) -- sw (h2) -- b (h2); c on h1 is a port of sw on h2
expect_exit 0 "$NETLAB" exec b hostname
assert_eq "$OUT" b "hostname of a node on h2, from the controller"
"$NETLAB" exec a ping -c 2 -W 2 -q 10.0.0.2 >/dev/null || fail "a (h1) cannot ping b (h2) across r1 and r2"
"$NETLAB" exec c ping -c 2 -W 2 -q 10.0.0.2 >/dev/null || fail "c (h1) cannot ping b (h2) across the switch"
out=$("$NETLAB" exec a traceroute -n -w 1 -q 1 10.0.0.2)
assert_contains "$out" " 10.255.0.1 " "traceroute's first hop (r1)"
assert_contains "$out" " 10.255.0.6 " "traceroute's second hop (r2, on the other host)"
assert_contains "$out" " 10.0.0.2 " "traceroute's last hop (b)"
# the tunnels' inner MTU: 1,450 bytes cross without fragmenting, 1,451 do not leave
"$NETLAB" exec c ping -c 2 -W 2 -q -M do -s 1422 10.0.0.2 >/dev/null || fail "1,450-byte DF packets do not cross"
"$NETLAB" exec a ping -c 2 -W 2 -q -M do -s 1422 10.0.0.2 >/dev/null || fail "1,450-byte DF packets do not cross two routers"
if "$NETLAB" exec c ping -c 1 -W 1 -q -M do -s 1423 10.0.0.2 >/dev/null 2>&1; then
	fail "a 1,451-byte DF packet crossed a 1,450-byte tunnel"
fi
assert_contains "$("$NETLAB" exec r1 ip -d link show eth1)" "vxlan id"
# status by host, and in JSON
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "host h1 ("
assert_contains "$OUT" "host h2 ("
assert_contains "$OUT" "r1:eth1 -- r2:eth0  up (to another host)"
expect_exit 0 "$NETLAB" status --json "$LAB"
STATUS=$OUT "$PY" - <<'P' || fail "status --json does not group the nodes by host"
import json, os
lab = json.loads(os.environ["STATUS"])["labs"][0]
by = {h["name"]: sorted(n["name"] for n in h["share"]["nodes"]) for h in lab["hosts"]}
assert by == {"h1": ["a", "c", "r1"], "h2": ["b", "r2", "sw"]}, by
P
# every node pings every other's addresses, wherever it is
expect_exit 0 "$NETLAB" ping-all "$LAB"
assert_contains "$OUT" "ping-all over 2 hosts: "
assert_contains "$OUT" " passed, 0 failed"
pairs=$(echo "$OUT" | sed -n 's/^ping-all over 2 hosts: \([0-9]*\) passed.*/\1/p')
# a, b, c and r1, r2 (two addresses each but lo): 5 sources, each pinging the others' 6 addresses or 5
[ "$pairs" -ge 20 ] || fail "ping-all over the hosts probed only $pairs pairs"
# a cross-host cable pulled from the controller, and put back
expect_exit 0 "$NETLAB" link r1:eth1 down
if "$NETLAB" exec a ping -c 1 -W 1 -q 10.0.0.2 >/dev/null 2>&1; then fail "a reached b over a pulled cable"; fi
assert_contains "$("$NETLAB" status "$LAB")" "r1:eth1 -- r2:eth0  down (to another host)"
expect_exit 0 "$NETLAB" link r1:eth1 up
poll 5 "$NETLAB" exec a ping -c 1 -W 1 -q 10.0.0.2 >/dev/null || fail "a cannot reach b once the cable is back"
# impair both ends of it: each host its own end
expect_exit 0 "$NETLAB" impair r1:eth1 --rate 10mbit --both
assert_contains "$("$NETLAB" exec r1 tc qdisc show dev eth1)" "tbf"
assert_contains "$("$NETLAB" exec r2 tc qdisc show dev eth0)" "tbf"
expect_exit 0 "$NETLAB" impair r1:eth1 --clear
assert_not_contains "$("$NETLAB" exec r2 tc qdisc show dev eth0)" "tbf"
expect_exit 0 "$NETLAB" down "$LAB"
assert_gone "$LAB"
echo "PASS: two hosts"

# --- FRR OSPF over three hosts: r1 on h1, r2 on h2, r3 on h3; every adjacency crosses
new_lab OSPF ospf
cp -r topologies/frr-ospf "$TMP/"
"$PY" - topologies/frr-ospf.json "$TMP/ospf.json" "$OSPF" "$(hosts_json 3)" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))
t["name"] = sys.argv[3]
t["hosts"] = json.loads(sys.argv[4])
place = {"r1": "h1", "h1": "h1", "r2": "h2", "h2": "h2", "r3": "h3", "h3": "h3"}
for name, node in t["nodes"].items():
    node["host"] = place.get(name, "h1")
t.pop("expect", None)
json.dump(t, open(sys.argv[2], "w"))
P
expect_exit 0 "$NETLAB" up "$TMP/ospf.json"
poll 60 "$NETLAB" exec h1 ping -c 1 -W 1 -q 10.3.0.10 >/dev/null || fail "OSPF over three hosts did not converge in 60 s"
"$NETLAB" exec r1 ip route show 10.3.0.0/24 | grep -q "proto ospf" || fail "r1's route to h3's LAN is not OSPF's"
# the device of r1's route to r2's LAN (one nexthop, or the first of several), once OSPF has it
poll 30 bash -c "'$NETLAB' exec r1 ip route show 10.2.0.0/24 | grep -q 'proto ospf'" ||
	fail "r1 has no OSPF route to r2's LAN"
dev=$("$NETLAB" exec r1 ip route show 10.2.0.0/24 | grep -o ' dev [^ ]*' | head -1 | cut -d' ' -f3)
assert_contains "$("$NETLAB" exec r1 ip -d link show "$dev")" "vxlan id" "the device of r1's OSPF route to r2's LAN"
[ "$("$NETLAB" exec r1 vtysh -c 'show ip ospf neighbor' | grep -c Full)" = 2 ] || fail "r1 has not 2 full neighbours across the hosts"
expect_exit 0 "$NETLAB" down "$OSPF"
assert_gone "$OSPF"
echo "PASS: OSPF over three hosts"

# --- one host unreachable: up names it, and the others are left as they were
new_lab BAD bad
sed "s/\"name\": \"$LAB\"/\"name\": \"$BAD\"/" "$TMP/two.json" |
	"$PY" -c 'import json, sys; t = json.load(sys.stdin); t["hosts"] = json.loads(sys.argv[1]); print(json.dumps(t))' \
		"$(hosts_json 2 h2)" > "$TMP/bad.json"
expect_exit 1 "$NETLAB" up "$TMP/bad.json"
assert_contains "$ERR" "host 'h2' could not wire its share"
assert_contains "$ERR" "no-such-host-h2"
assert_contains "$ERR" "every host's share was taken down"
assert_gone "$BAD"
echo "PASS: a bad host"

# --- the controller killed during up; down still removes everything, everywhere
new_lab KILL kill
"$NETLAB" gen line 240 --name "$KILL" -o "$TMP/line240.json"
"$PY" - "$TMP/line240.json" "$(hosts_json 3)" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))
t["hosts"] = json.loads(sys.argv[2])
names = sorted(t["nodes"])
for i, n in enumerate(names):
    node = t["nodes"][n] if isinstance(t["nodes"][n], dict) else {"kind": t["nodes"][n]}
    node["host"] = "h%d" % (1 + i * 3 // len(names))
    t["nodes"][n] = node
json.dump(t, open(sys.argv[1], "w"))
P
"$NETLAB" -q up "$TMP/line240.json" > /dev/null 2>&1 &
pid=$!
BG_PIDS+=("$pid")
# killed once the hosts are at work: a share being made, the record still "creating"
for _ in $(seq 2000); do
	[ -e "/run/netlab/$KILL@h1" ] && break
	sleep 0.005
done
grep -q '"status":"creating"' "/run/netlab/$KILL/state.json" ||
	fail "up was done before it could be killed: $(cat "/run/netlab/$KILL/state.json")"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
expect_exit 0 "$NETLAB" down "$KILL"
assert_gone "$KILL"
echo "PASS: SIGKILL during up"

# --- 300 nodes on three hosts, against the same lab on this machine alone
new_lab BIG big
new_lab ONE one
"$NETLAB" gen line 300 --routing static --name "$BIG" -o "$TMP/big.json"
sed "s/\"$BIG\"/\"$ONE\"/" "$TMP/big.json" > "$TMP/one.json"
"$PY" - "$TMP/big.json" "$(hosts_json 3)" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))
t["hosts"] = json.loads(sys.argv[2])
names = list(t["nodes"])
for i, n in enumerate(names):
    node = t["nodes"][n] if isinstance(t["nodes"][n], dict) else {"kind": t["nodes"][n]}
    node["host"] = "h%d" % (1 + i * 3 // len(names))
    t["nodes"][n] = node
json.dump(t, open(sys.argv[1], "w"))
P
t0=$(date +%s.%N)
"$NETLAB" -q up "$TMP/big.json" || fail "300 nodes on three hosts did not come up"
t1=$(date +%s.%N)
# across each boundary (a reply's TTL of 64 does not cover the whole line): h1 -> h2 -> h3
for pair in "r95 r105" "r195 r205" "r180 r230"; do
	set -- $pair
	dst=$("$NETLAB" exec "$2" ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
	"$NETLAB" exec "$1" ping -c 1 -W 5 -q "$dst" >/dev/null || fail "$1 cannot ping $2 ($dst) across the hosts"
done
t2=$(date +%s.%N)
"$NETLAB" -q down "$BIG"
t3=$(date +%s.%N)
assert_gone "$BIG"
t4=$(date +%s.%N)
"$NETLAB" -q up "$TMP/one.json"
t5=$(date +%s.%N)
"$NETLAB" -q down "$ONE"
t6=$(date +%s.%N)
assert_clean "$ONE"
"$PY" -c '
import sys
t = [float(x) for x in sys.argv[1:]]
print("300 nodes: up %.2f s on 3 hosts, %.2f s on one; down %.2f s and %.2f s" % (t[1] - t[0], t[5] - t[4], t[3] - t[2], t[6] - t[5]))' \
	"$t0" "$t1" "$t2" "$t3" "$t4" "$t5" "$t6"
echo "PASS: multihost"
