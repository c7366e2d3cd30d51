#!/bin/bash
# The moment `up` (or `link ... up`) returns, every interface is operationally up and every
# bridge port forwards. The kernel's link watch may otherwise act on a veth end's carrier up to
# a second later (a change it deems not urgent: both ends with the same ifindex), and a bridge
# drops what arrives on a port it has not enabled yet: a first ping then needs ARP retries and
# fails with -W 1 (seen as a flaky ping right after up, about one lab in a hundred).
# The switch is listed last, so each of its ports is the second end of its link to come up,
# the one whose change can be deferred. Only dumps are read here: `ip link show dev X` would
# itself make the kernel act on X's pending change, hiding the fault.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

HOSTS=24
new_lab LAB
"$PY" - "$TMP/lab.json" "$LAB" "$HOSTS" <<'PY'
import json, sys
path, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
nodes = {f"h{i}": {"interfaces": {"eth0": {"addresses": [f"10.7.0.{i}/24", f"2001:db8:7::{i:x}/64"]}}}
         for i in range(1, n + 1)}
nodes["a"] = {"interfaces": {"eth0": {"addresses": ["10.8.0.1/30"]}}}
nodes["b"] = {"interfaces": {"eth0": {"addresses": ["10.8.0.2/30"]}}}
nodes["sw"] = {"kind": "switch"}
links = [f"h{i}:eth0 -- sw" for i in range(1, n + 1)] + ["a:eth0 -- b:eth0"]
json.dump({"name": name, "nodes": nodes, "links": links}, open(path, "w"))
PY

# every_port_forwarding: from dumps only, right now
not_ready() {
	local down=() n
	while read -r line; do down+=("sw: $line"); done < <(ip -n "$LAB.sw" -o link show |
		awk -F': ' '$2 ~ /^eth/ && $0 !~ / state UP / { print $2 }')
	while read -r line; do down+=("sw port not forwarding: $line"); done < <(bridge -n "$LAB.sw" link show |
		grep -v "state forwarding" || true)
	for n in b h1 "h$HOSTS"; do
		while read -r line; do down+=("$n: $line"); done < <(ip -n "$LAB.$n" -o link show |
			awk -F': ' '$2 ~ /^eth/ && $0 !~ / state UP / { print $2 }')
	done
	printf '%s\n' ${down[@]+"${down[@]}"}
}

for cycle in $(seq 12); do
	expect_exit 0 "$NETLAB" -q up "$TMP/lab.json"
	record_lab "$LAB"
	bad=$(not_ready)
	[ -z "$bad" ] || fail "cycle $cycle: right after up, not ready:"$'\n'"$bad"
	# and traffic crosses at once, without ARP retries: one echo, one second
	"$NETLAB" exec -l "$LAB" h1 ping -c 1 -W 1 -q "10.7.0.$HOSTS" >/dev/null ||
		fail "cycle $cycle: h1 cannot reach h$HOSTS within a second of up"
	"$NETLAB" exec -l "$LAB" a ping -c 1 -W 1 -q 10.8.0.2 >/dev/null ||
		fail "cycle $cycle: a cannot reach b within a second of up"
	if [ "$cycle" -lt 12 ]; then
		expect_exit 0 "$NETLAB" -q down "$LAB"
	fi
done
echo "ok: 12 labs ready the moment up returned"

# a cable put back: its bridge port forwards when `link up` returns
for h in h3 h9 h17; do
	expect_exit 0 "$NETLAB" -q link -l "$LAB" "$h:eth0" down
	expect_exit 0 "$NETLAB" -q link -l "$LAB" "$h:eth0" up
	bad=$(not_ready)
	[ -z "$bad" ] || fail "right after link $h:eth0 up, not ready:"$'\n'"$bad"
	"$NETLAB" exec -l "$LAB" "$h" ping -c 1 -W 1 -q 10.7.0.1 >/dev/null ||
		fail "$h cannot reach h1 within a second of link up"
done
echo "ok: ports forward the moment link up returns"

expect_exit 0 "$NETLAB" -q down "$LAB"
assert_clean "$LAB"
