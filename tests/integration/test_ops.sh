#!/bin/bash
# Issue 5, operations on a running lab (a copy of topologies/demo.json): link down/up (carrier
# loss, traffic stops, ping-all fails exactly the pairs across the cut, routes and addresses come
# back), a tbf rate measured with iperf3 and cleared, the netem error changing nothing, capture
# to a pcap, netlab test with passing and failing checks, impairments written in a topology.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB
new_lab LAB2 i
topo=$TMP/demo.json
"$PY" - "$REPO/topologies/demo.json" "$topo" "$LAB" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
lab_up "$LAB" "$topo"

# --- everything answers; the demo's own expectations pass
expect_exit 0 "$NETLAB" ping-all "$LAB"
assert_contains "$OUT" "0 failed" "ping-all on the demo lab"
expect_exit 0 "$NETLAB" test "$topo"
assert_contains "$OUT" "5 passed, 0 failed" "netlab test on the demo"
[ "$(grep -c '^PASS' <<< "$OUT")" = 5 ] || fail "netlab test: not 5 PASS lines: $OUT"

# netlab turns the kernel's own link-local generation off on every veth end: no EUI-64 ones
for n in h1 h2 sw1 r1 r2 h3; do
	ll=$(kernel_linklocal "$LAB.$n")
	[ -z "$ll" ] || fail_later "kernel-made (EUI-64) link-local addresses on veth ends of $n after up: $(tr '\n' ' ' <<< "$ll")"
done
snapshot() { # NODE: its routes and addresses, both families (kernel-made link-locals aside)
	local skip
	skip=$(kernel_linklocal "$LAB.$1" | awk '{print $2 "/64"}')
	ip -n "$LAB.$1" -4 route show | sed 's/ nhid [0-9]*//' | sort
	ip -n "$LAB.$1" -6 route show | sed 's/ nhid [0-9]*//' | sort
	ip -n "$LAB.$1" -o addr show | awk -v skip="$skip" 'BEGIN { n = split(skip, k, "\n"); for (i = 1; i <= n; i++) s[k[i]] = 1 }
		!($4 in s) { print $2, $3, $4 }' | sort
}
r1_before=$(snapshot r1)
r2_before=$(snapshot r2)

# --- pull the r1-r2 cable
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth1 down
for end in r1:eth1 r2:eth0; do
	l=$(ip -n "$LAB.${end%:*}" link show "${end#*:}")
	grep -qE "state DOWN|NO-CARRIER" <<< "$l" || fail "$end does not show its link down: $l"
	! grep -q "LOWER_UP" <<< "$l" || fail "$end still has carrier: $l"
done
! X "$LAB" h1 ping -c 1 -W 1 -q 10.2.0.10 > /dev/null 2>&1 || fail "h1 reaches h3 (IPv4) with the r1-r2 link down"
! X "$LAB" h1 ping -c 1 -W 1 -q 2001:db8:2::10 > /dev/null 2>&1 || fail "h1 reaches h3 (IPv6) with the r1-r2 link down"
lab_ping "$LAB" h1 10.1.0.11   # the LAN on r1's side still works
lab_ping "$LAB" h3 10.2.0.1    # and r2's side
"$PY" -c '
import json, sys
lab = json.loads(sys.argv[1])["labs"][0]
st = {tuple(l["endpoints"]): l["state"] for l in lab["links"]}
assert st[("r1:eth1", "r2:eth0")] == "down", st
assert sum(s == "down" for s in st.values()) == 1, st' "$("$NETLAB" status --json "$LAB")" ||
	fail "status --json does not show exactly the r1-r2 link down"
# the demo's checks now fail where they should
expect_exit 1 "$NETLAB" test --json "$topo"
"$PY" -c '
import json, sys
r = [x["pass"] for x in json.loads(sys.argv[1])["results"]]
# h1->h3 reach, h3->h2 reach, h1->h3 path: fail; r1 route via r2: the route is gone; 192.0.2.1 unreachable: pass
assert r == [False, False, False, False, True], r' "$OUT" || fail "netlab test with the link down: $OUT"

# ping-all: exactly the pairs across the cut fail. Expected from the topology: the nodes on
# either side of the cut link; every pair whose ends are on different sides fails, every other
# pair answers. The down link's own addresses are the kernel's call (an IPv4 address on a down
# interface stays local and answers from its own side; IPv6 ones are removed with the link):
# for those, ping-all must agree with a real ping.
rc=0
"$NETLAB" ping-all --json "$LAB" > "$TMP/pa.json" || rc=$?
[ $rc -eq 1 ] || fail "ping-all with the link down exited $rc: $(cat "$TMP/pa.json")"
"$PY" - "$topo" "$TMP/pa.json" "$TMP/kernel-call" <<'PY' || fail "ping-all's failures are not exactly the pairs across the cut"
import json, sys
topo = json.load(open(sys.argv[1]))
res = json.load(open(sys.argv[2]))
cut = {"r1:eth1", "r2:eth0"}
nodes = topo["nodes"]
addr = {}          # address -> node, every global address in the topology
down_addrs = set()
for n, spec in nodes.items():
    for ifn, i in spec.get("interfaces", {}).items():
        for a in i.get("addresses", []):
            ip = a.split("/")[0]
            addr[ip] = n
            if f"{n}:{ifn}" in cut:
                down_addrs.add(ip)
# sides: connected components without the cut link (switches join their ports)
adj = {n: set() for n in nodes}
for l in topo["links"]:
    ends = l["endpoints"]
    if set(ends) == cut:
        continue
    a, b = (e.split(":")[0] for e in ends)
    adj[a].add(b); adj[b].add(a)
side, todo = {}, ["r1"]
while todo:
    n = todo.pop()
    if n in side: continue
    side[n] = 0
    todo += adj[n]
for n in nodes:
    side.setdefault(n, 1)
assert side["h1"] == side["h2"] == side["r1"] == 0 and side["r2"] == side["h3"] == 1, side
addressed = sorted({n for n in addr.values()})
want = {}
for f in addressed:
    for a, t in addr.items():
        if t != f and a not in down_addrs:
            want[(f, t, a)] = side[f] == side[t]
got = {(r["from"], r["to"], r["address"]): r["ok"] for r in res["results"]}
bad = []
for k, ok in want.items():
    if k not in got:
        bad.append(f"missing pair {k}")
    elif got[k] != ok:
        bad.append(f"{k}: ok={got[k]}, expected {ok}")
with open(sys.argv[3], "w") as kc:
    for k, ok in got.items():
        if k in want:
            continue
        if k[2] not in down_addrs:
            bad.append(f"unexpected pair {k}")
        elif side[k[0]] != side[k[1]] and ok:
            bad.append(f"{k}: answers across the cut")
        else:
            kc.write(f"{k[0]} {k[2]} {int(ok)}\n")   # checked against a real ping below
assert res["failed"] == sum(not ok for ok in got.values()), res["failed"]
assert res["passed"] == sum(ok for ok in got.values()), res["passed"]
assert res["failed"] > 0
if bad:
    print("\n".join(bad))
    sys.exit(1)
print(f"ping-all with the cut: {res['failed']} failed, {res['passed']} passed, as computed")
PY
while read -r from a ok; do
	real=0
	X "$LAB" "$from" ping -c 1 -W 1 -q "$a" > /dev/null 2>&1 && real=1
	[ "$real" = "$ok" ] || fail "ping-all says $from -> $a ok=$ok, a real ping says $real"
done < "$TMP/kernel-call"

# --- put it back: both families, routes and addresses as before, ping-all clean
expect_exit 0 "$NETLAB" link -l "$LAB" r1:eth1 up
# the kernel marks a link running a moment after it comes up (longer on a loaded machine)
poll 10 reaches "$LAB" h1 10.2.0.10 || fail "h1 does not reach h3 within 10 s of link up"
lab_ping "$LAB" h1 2001:db8:2::10
lab_ping "$LAB" h3 2001:db8:1::11
assert_eq "$(snapshot r1)" "$r1_before" "r1's routes and addresses after link up"
assert_eq "$(snapshot r2)" "$r2_before" "r2's routes and addresses after link up"
expect_exit 0 "$NETLAB" ping-all "$LAB"
assert_contains "$OUT" "0 failed" "ping-all after link up"

# --- rate: tbf at 10 mbit on what leaves r1:eth1, measured h1 -> h3 within 20 %; cleared
expect_exit 0 "$NETLAB" impair -l "$LAB" r1:eth1 --rate 10mbit
assert_contains "$(tc -n "$LAB.r1" qdisc show dev eth1)" "tbf" "r1:eth1's qdisc"
assert_contains "$(tc -n "$LAB.r1" qdisc show dev eth1)" "rate 10Mbit" "r1:eth1's qdisc"
assert_not_contains "$(tc -n "$LAB.r2" qdisc show dev eth0)" "tbf" "r2:eth0's qdisc (one direction only)"
assert_contains "$("$NETLAB" status "$LAB")" "10mbit" "status with the impairment"
bps=$(iperf_bps "$LAB" h3 10.2.0.10 h1 3)
echo "h1 -> h3 with --rate 10mbit: $bps bit/s"
[ "$bps" -ge 8000000 ] && [ "$bps" -le 12000000 ] || fail "measured $bps bit/s, not within 20% of 10 Mbit/s"
expect_exit 0 "$NETLAB" impair -l "$LAB" r1:eth1 --clear
assert_not_contains "$(tc -n "$LAB.r1" qdisc show dev eth1)" "tbf" "r1:eth1's qdisc after --clear"
bps=$(iperf_bps "$LAB" h3 10.2.0.10 h1 2)
echo "h1 -> h3 after --clear: $bps bit/s"
[ "$bps" -gt 100000000 ] || fail "after --clear only $bps bit/s"

# --both impairs the peer too; --clear given at the other end clears both ends
expect_exit 0 "$NETLAB" impair -l "$LAB" r1:eth1 --rate 20mbit --both
assert_contains "$(tc -n "$LAB.r1" qdisc show dev eth1)" "rate 20Mbit" "r1:eth1 with --both"
assert_contains "$(tc -n "$LAB.r2" qdisc show dev eth0)" "rate 20Mbit" "r2:eth0 with --both"
expect_exit 0 "$NETLAB" impair -l "$LAB" r2:eth0 --clear
assert_not_contains "$(tc -n "$LAB.r1" qdisc show dev eth1; tc -n "$LAB.r2" qdisc show dev eth0)" "tbf" "both ends after --clear at r2"
# bad requests: exit 2, nothing changed
before=$(tc -n "$LAB.r1" qdisc show dev eth1)
expect_exit 2 "$NETLAB" impair -l "$LAB" r1:eth1 --rate bogus
assert_contains "$ERR" "bogus" "impair --rate bogus"
expect_exit 2 "$NETLAB" impair -l "$LAB" r1:eth9 --rate 10mbit
assert_contains "$ERR" "r1:eth9" "impair on an interface without a link"
expect_exit 2 "$NETLAB" link -l "$LAB" r1:eth9 down
assert_contains "$ERR" "r1:eth9" "link on an interface without a link"
assert_eq "$(tc -n "$LAB.r1" qdisc show dev eth1)" "$before" "r1:eth1's qdisc after refused requests"

# a switch port: h1's cable pulled at h1, put back from the switch's end
port=$("$NETLAB" status --json "$LAB" | "$PY" -c '
import json, sys
for l in json.load(sys.stdin)["labs"][0]["links"]:
    if "h1:eth0" in l["endpoints"]:
        print([e for e in l["endpoints"] if e != "h1:eth0"][0])')
case $port in sw1:eth*) ;; *) fail "h1's peer is '$port', expected a port of sw1" ;; esac
expect_exit 0 "$NETLAB" link -l "$LAB" h1:eth0 down
grep -qE "state DOWN|NO-CARRIER" <<< "$(ip -n "$LAB.sw1" link show "${port#sw1:}")" || fail "the switch port $port does not lose its link"
! X "$LAB" h1 ping -c 1 -W 1 -q 10.1.0.11 > /dev/null 2>&1 || fail "h1 reaches h2 with its cable pulled"
lab_ping "$LAB" h2 10.1.0.1
expect_exit 0 "$NETLAB" link -l "$LAB" "$port" up
poll 10 reaches "$LAB" h1 10.1.0.11 || fail "h1 does not reach h2 within 10 s of link up at $port"
lab_ping "$LAB" h1 2001:db8:2::10

# --- netem: on a kernel without it, the error names it and nothing changes
probe=nlprobe$$
FOREIGN_NS+=("$probe")
ip netns add "$probe"
have_netem=1
ip netns exec "$probe" tc qdisc add dev lo root netem delay 1ms 2> /dev/null || have_netem=0
ip netns del "$probe"
qd() { tc -n "$LAB.r1" qdisc show dev eth1; tc -n "$LAB.r2" qdisc show dev eth0; }
before=$(qd)
if [ $have_netem = 0 ]; then
	for args in "--delay 20ms" "--loss 1%" "--delay 5ms --jitter 1ms --both" "--rate 10mbit --delay 20ms"; do
		# shellcheck disable=SC2086
		expect_exit 1 "$NETLAB" impair -l "$LAB" r1:eth1 $args
		assert_contains "$ERR" "netem" "impair $args"
		assert_contains "$ERR" "CONFIG_NET_SCH_NETEM" "impair $args"
		assert_eq "$(qd)" "$before" "the qdiscs after the refused 'impair $args'"
	done
	expect_exit 1 "$NETLAB" impair -l "$LAB" r1:eth1 --delay 20ms
	assert_not_contains "$("$NETLAB" status --json "$LAB")" "20ms" "status after the refused impairment"
else
	echo "this kernel has netem: impair --delay is measured by test_netem, not refused here"
fi

# --- capture: 4 packets of two pings, echo requests and replies, in a pcap on the host
"$NETLAB" capture -l "$LAB" h3:eth0 -c 4 -w "$TMP/c.pcap" icmp > "$TMP/cap.out" 2> "$TMP/cap.err" &
cap=$!
BG_PIDS+=("$cap")
poll 10 grep -q "listening on" "$TMP/cap.err" || fail "capture did not start: $(cat "$TMP/cap.err")"
X "$LAB" h1 ping -c 2 -q 10.2.0.10 > /dev/null || fail "h1 -> h3 ping during the capture"
for ((i = 0; i < 50; i++)); do kill -0 "$cap" 2> /dev/null || break; sleep 0.1; done
kill -0 "$cap" 2> /dev/null && fail "capture -c 4 did not end after 4 packets: $(cat "$TMP/cap.err")"
wait "$cap" || fail "capture exited non-zero: $(cat "$TMP/cap.err")"
pcap=$(tcpdump -n -r "$TMP/c.pcap" 2> /dev/null)
assert_eq "$(grep -c 'ICMP echo request' <<< "$pcap")" 2 "echo requests in the pcap"
assert_eq "$(grep -c 'ICMP echo reply' <<< "$pcap")" 2 "echo replies in the pcap"
assert_contains "$pcap" "10.1.0.10 > 10.2.0.10" "the pcap"

# --- netlab test: passing and failing checks, each reported; a path through two routers
"$PY" - "$topo" "$TMP/e.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"] = [
    {"from": "h1", "to": "h3", "path": ["r1", "r2"]},              # pass: two routers
    {"from": "h1", "to": "h3", "path": ["r2"]},                    # fail: wrong path
    {"from": "h1", "to": "192.0.2.77", "reach": True},             # fail: unrouted
    {"from": "h3", "to": "h1", "path": ["r2", "r1"]},              # pass: two routers, back
    {"node": "r2", "route": "10.1.0.0/24", "via": "10.0.12.1"},    # pass
    {"node": "r2", "route": "10.1.0.0/24", "via": "10.0.12.9"},    # fail: another gateway
    {"from": "h1", "to": "h3", "reach": False},                    # fail: it is reachable
    {"from": "h1", "to": "h3", "path": ["r1"]},                    # fail: one router short
    {"from": "h1", "to": "192.0.2.78", "reach": True, "within": "2s"},  # fail after polling 2 s
]
json.dump(d, open(sys.argv[2], "w"))
PY
s=$(date +%s.%N)
expect_exit 1 "$NETLAB" test --json "$TMP/e.json"
e=$(date +%s.%N)
"$PY" - "$OUT" <<'PY' || fail "netlab test --json: $OUT"
import json, sys
d = json.loads(sys.argv[1])
r = d["results"]
assert [x["pass"] for x in r] == [True, False, False, True, True, False, False, False, False], [x["pass"] for x in r]
assert [x["index"] for x in r] == list(range(9))
assert d["passed"] == 3 and d["failed"] == 6, d
assert "[r1 r2]" in r[0]["detail"], r[0]
assert "[r1 r2]" in r[1]["detail"] and "expected [r2]" in r[1]["detail"], r[1]
assert "192.0.2.77" in r[2]["detail"], r[2]
assert "[r2 r1]" in r[3]["detail"], r[3]
assert "10.0.12.9" in r[5]["detail"], r[5]
assert "expected [r1]" in r[7]["detail"], r[7]
PY
awk -v s="$s" -v e="$e" 'BEGIN { exit !(e - s >= 1.9 && e - s < 30) }' ||
	fail "a failing check with \"within\": \"2s\" took $(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }') s"
expect_exit 1 "$NETLAB" test "$TMP/e.json"
assert_eq "$(tail -n 1 <<< "$OUT")" "3 passed, 6 failed" "the summary line"
assert_eq "$(grep -c '^PASS expect\[' <<< "$OUT")" 3 "PASS lines"
assert_eq "$(grep -c '^FAIL expect\[' <<< "$OUT")" 6 "FAIL lines"
grep -q '^FAIL expect\[1\].*expected \[r2\]' <<< "$OUT" || fail "the wrong path is not reported: $OUT"
grep -q '^FAIL expect\[2\].*192.0.2.77' <<< "$OUT" || fail "the unrouted address is not reported: $OUT"

expect_exit 0 "$NETLAB" down "$LAB"
assert_gone "$LAB"

# --- impairments written in the topology apply at up: both ways, or one end only
"$PY" - "$topo" "$TMP/i.json" "$LAB2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
d["links"][3]["impair"] = {"rate": "5mbit"}                  # r1:eth1 -- r2:eth0, both ways
d["links"][4]["impair"] = {"h3:eth0": {"rate": "2mbit"}}     # r2:eth1 -- h3:eth0, h3's side only
json.dump(d, open(sys.argv[2], "w"))
PY
lab_up "$LAB2" "$TMP/i.json"
assert_contains "$(tc -n "$LAB2.r1" qdisc show dev eth1)" "rate 5Mbit" "r1:eth1 with a 5mbit link"
assert_contains "$(tc -n "$LAB2.r2" qdisc show dev eth0)" "rate 5Mbit" "r2:eth0 with a 5mbit link"
assert_contains "$(tc -n "$LAB2.h3" qdisc show dev eth0)" "rate 2Mbit" "h3:eth0 with its own 2mbit"
assert_not_contains "$(tc -n "$LAB2.r2" qdisc show dev eth1)" "tbf" "r2:eth1 (the other end of h3's impairment)"
assert_not_contains "$(tc -n "$LAB2.h1" qdisc show dev eth0)" "tbf" "h1:eth0 (no impairment)"
lab_ping "$LAB2" h1 10.2.0.10
expect_exit 0 "$NETLAB" down "$LAB2"
assert_gone "$LAB2"
assert_clean "$LAB"
assert_clean "$LAB2"
finish_later
