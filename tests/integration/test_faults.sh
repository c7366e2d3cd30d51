#!/bin/bash
# Issue 5: link faults, impairments (rate measured), the netem error, capture, ping-all, test.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
L="lv$$"
tmp=$(mktemp -d)
cleanup() { "$NETLAB" -q down "$L" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
sed "s/\"name\": \"demo\"/\"name\": \"$L\"/" topologies/demo.json > "$tmp/d.json"
"$NETLAB" -q up "$tmp/d.json"
X() { "$NETLAB" exec -l "$L" "$@"; }

# ping-all passes, in a few seconds
s=$(date +%s)
"$NETLAB" ping-all "$L" > "$tmp/pa" || fail "ping-all on the demo lab: $(cat "$tmp/pa")"
grep -q "0 failed" "$tmp/pa" || fail "ping-all output: $(cat "$tmp/pa")"
[ $(( $(date +%s) - s )) -le 5 ] || fail "ping-all took more than 5 s"

# link down: both ends lose carrier, traffic stops; ping-all reports exactly the broken pairs
"$NETLAB" link -l "$L" r1:eth1 down >/dev/null
! X h1 ping -c 1 -W 1 -q 10.2.0.10 >/dev/null 2>&1 || fail "h1 still reaches h3 with the link down"
ip -n "$L.r2" link show eth0 | grep "state DOWN" >/dev/null || fail "r2's end does not see the link down"
rc=0; "$NETLAB" ping-all --json "$L" > "$tmp/pa.json" || rc=$?
[ $rc -eq 1 ] || fail "ping-all with a broken link exited $rc"
python3 - "$tmp/pa.json" <<'PY' || fail "ping-all's failed pairs are not exactly those across r1-r2"
import json, sys
d = json.load(open(sys.argv[1]))
left, right = {"h1", "h2", "r1"}, {"r2", "h3"}
down = {"10.0.12.1", "10.0.12.2", "2001:db8:12::1", "2001:db8:12::2"}   # the link's own addresses
for p in d["results"]:
    across = (p["from"] in left) != (p["to"] in left)
    if across:
        assert not p["ok"], p               # every pair across the pulled cable fails
    elif p["address"] not in down:
        assert p["ok"], p                   # every other pair still works
    # the cut link's own addresses, from its own side, are the kernel's call (IPv4 answers, IPv6 not)
assert d["failed"] > 0 and d["passed"] > 0
PY
"$NETLAB" link -l "$L" r2:eth0 up >/dev/null
X h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "IPv4 is not back after link up"
X h1 ping -c 1 -W 2 -q 2001:db8:2::10 >/dev/null || fail "IPv6 is not back after link up"
"$NETLAB" ping-all "$L" > /dev/null || fail "ping-all fails after link up"

# rate: 10 mbit measured within 20 %, then cleared
"$NETLAB" impair -l "$L" r1:eth1 --rate 10mbit >/dev/null
tc -n "$L.r1" qdisc show dev eth1 | grep "tbf" >/dev/null || fail "no tbf on r1:eth1"
"$NETLAB" status --json "$L" | grep "rate 10mbit" >/dev/null || fail "status does not show the impairment"
X h3 iperf3 -s -1 -D >/dev/null; sleep 0.5
bps=$(X h1 iperf3 -c 10.2.0.10 -t 3 -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
echo "measured with --rate 10mbit: $bps bit/s"
[ "$bps" -ge 8000000 ] && [ "$bps" -le 12000000 ] || fail "rate $bps is not within 20% of 10 Mbit/s"
"$NETLAB" impair -l "$L" r1:eth1 --clear >/dev/null
! tc -n "$L.r1" qdisc show dev eth1 | grep tbf >/dev/null || fail "tbf left after --clear"
X h3 iperf3 -s -1 -D >/dev/null; sleep 0.5
bps=$(X h1 iperf3 -c 10.2.0.10 -t 2 -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
echo "measured after --clear: $bps bit/s"
[ "$bps" -gt 100000000 ] || fail "full speed not restored: $bps"

# a netem-only request on a kernel without netem: the named error, nothing changed
before=$(tc -n "$L.r1" qdisc show dev eth1)
if ip netns exec "$L.r1" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
	ip netns exec "$L.r1" tc qdisc del dev lo root
	echo "this kernel has netem: the error path is not reachable here"
else
	rc=0; "$NETLAB" impair -l "$L" r1:eth1 --delay 20ms --loss 1% > "$tmp/out" 2>&1 || rc=$?
	[ $rc -eq 1 ] || fail "netem request exited $rc"
	grep -q "CONFIG_NET_SCH_NETEM" "$tmp/out" || fail "the error does not name the kernel option: $(cat "$tmp/out")"
	[ "$(tc -n "$L.r1" qdisc show dev eth1)" = "$before" ] || fail "the failed impair changed the qdisc"
	rc=0; "$NETLAB" impair -l "$L" r1:eth1 --delay 5ms --both > "$tmp/out" 2>&1 || rc=$?
	[ $rc -eq 1 ] && [ "$(tc -n "$L.r2" qdisc show dev eth0 | grep -c netem)" = 0 ] || fail "--both changed a side"
fi

# capture: a pcap of a ping holds the echo request and reply
"$NETLAB" capture -l "$L" h3:eth0 -c 4 -w "$tmp/c.pcap" icmp 2>/dev/null & cap=$!
sleep 1
X h1 ping -c 2 -q 10.2.0.10 >/dev/null
wait $cap || fail "capture exited non-zero"
tcpdump -n -r "$tmp/c.pcap" 2>/dev/null > "$tmp/c.txt"
grep -q "ICMP echo request" "$tmp/c.txt" && grep -q "ICMP echo reply" "$tmp/c.txt" || fail "pcap: $(cat "$tmp/c.txt")"

# test: the demo's expectations pass; a file with failing ones reports each and exits 1
"$NETLAB" test "$tmp/d.json" > "$tmp/t" || fail "netlab test on the demo: $(cat "$tmp/t")"
grep -q "5 passed, 0 failed" "$tmp/t" || fail "test summary: $(cat "$tmp/t")"
python3 - "$tmp/d.json" "$tmp/e.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["expect"] = [
    {"from": "h1", "to": "h3", "path": ["r1", "r2"]},             # passes: through two routers
    {"from": "h1", "to": "h3", "path": ["r2"]},                   # fails: wrong path
    {"from": "h1", "to": "192.0.2.77", "reach": True},            # fails: unrouted
    {"node": "r2", "route": "10.1.0.0/24", "via": "10.0.12.1"},   # passes
    {"node": "r2", "route": "10.1.0.0/24", "via": "10.0.12.9"},   # fails: other gateway
]
json.dump(d, open(sys.argv[2], "w"))
PY
rc=0; "$NETLAB" test --json "$tmp/e.json" > "$tmp/t.json" || rc=$?
[ $rc -eq 1 ] || fail "test with failing expectations exited $rc"
python3 - "$tmp/t.json" <<'PY' || fail "test results: $(cat "$tmp/t.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["pass"] for r in d["results"]] == [True, False, False, True, False], d
assert d["passed"] == 2 and d["failed"] == 3
assert "crosses [r1 r2]" in d["results"][0]["detail"]
assert "expected [r2]" in d["results"][1]["detail"]
PY
"$NETLAB" test "$tmp/e.json" > "$tmp/t.txt" || true
tail -1 "$tmp/t.txt" | grep -x "2 passed, 3 failed" >/dev/null || fail "the summary line: $(cat "$tmp/t.txt")"
[ "$(grep -c '^PASS' "$tmp/t.txt")" = 2 ] && [ "$(grep -c '^FAIL' "$tmp/t.txt")" = 3 ] || fail "PASS/FAIL lines"

# impairments written in the topology apply at up
python3 - "$tmp/d.json" "$tmp/i.json" "$L" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3] + "i"
d["links"][3]["impair"] = {"rate": "5mbit"}
json.dump(d, open(sys.argv[2], "w"))
PY
"$NETLAB" -q down "$L"
"$NETLAB" -q up "$tmp/i.json"
tc -n "${L}i.r1" qdisc show dev eth1 | grep "tbf.*rate 5Mbit" >/dev/null || fail "the topology's impairment is not applied"
tc -n "${L}i.r2" qdisc show dev eth0 | grep "tbf.*rate 5Mbit" >/dev/null || fail "the topology's impairment is not applied both ways"
"$NETLAB" -q down "${L}i"
[ ! -e "/run/netlab/${L}i" ] && [ ! -e "/run/netlab/$L" ] || fail "lab left"
echo "ok: link faults, rate, netem error, capture, ping-all, test"
