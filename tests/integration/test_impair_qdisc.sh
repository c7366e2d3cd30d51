#!/bin/bash
# impair on an interface whose root qdisc 1: someone else set: the error says what is there
# and how to clear it; after the clear, impair works.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab L
cat > "$TMP/lab.json" <<JSON
{ "name": "$L",
  "nodes": { "a": { "interfaces": { "eth0": { "addresses": ["10.0.9.1/30"] } } },
             "b": { "interfaces": { "eth0": { "addresses": ["10.0.9.2/30"] } } } },
  "links": [ { "endpoints": ["a:eth0", "b:eth0"] } ] }
JSON
lab_up "$L" "$TMP/lab.json"
ip netns exec "$L.a" tc qdisc add dev eth0 root handle 1: htb default 1 || fail "tc htb in node a"
expect_exit 1 "$NETLAB" impair -l "$L" a:eth0 --rate 10mbit
assert_contains "$ERR" "'a:eth0' already has a root qdisc netlab did not set (htb 1:)"
assert_contains "$ERR" "clear it with 'netlab impair -l $L a:eth0 --clear'"
assert_contains "$(ip netns exec "$L.a" tc qdisc show dev eth0)" "htb 1:" "the qdisc after the refusal"
expect_exit 0 "$NETLAB" impair -l "$L" a:eth0 --clear
expect_exit 0 "$NETLAB" impair -l "$L" a:eth0 --rate 10mbit
assert_contains "$(ip netns exec "$L.a" tc qdisc show dev eth0)" "tbf 1:" "the qdisc after the clear"
# a qdisc the kernel lacks: a clear error naming it, exit 1, nothing changed
probe_ns="probe$$"
ip netns add "$probe_ns"
FOREIGN_NS+=("$probe_ns")
if ip netns exec "$probe_ns" tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then
	echo "netem present: the missing-qdisc error cannot be seen here"
else
	expect_exit 1 "$NETLAB" impair -l "$L" b:eth0 --delay 10ms
	assert_contains "$ERR" "the kernel lacks the netem qdisc (CONFIG_NET_SCH_NETEM): delay, jitter and loss impairments cannot be set on this machine"
	assert_not_contains "$(ip netns exec "$L.b" tc qdisc show dev eth0)" "netem" "b:eth0 after the refusal"
fi
ip netns del "$probe_ns"
expect_exit 0 "$NETLAB" down "$L"
assert_clean "$L"
