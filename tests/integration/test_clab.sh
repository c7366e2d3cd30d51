#!/bin/bash
# Issue 18: a containerlab topology as it is. Defaults and kinds, two FRR routers (the image's
# entrypoint: daemons from the bound /etc/frr/daemons, frr.conf), linux hosts with exec and env,
# a bridge, an extended link with a MAC, a read-only bind: netlab up FILE.clab.yml pings across,
# FRR runs in the routers, the bind is read-only, the host's /etc is unchanged; netlab convert
# gives JSON that builds the same lab; down leaves nothing.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab L l
new_lab C c
mkdir -p "$TMP/lab/r1" "$TMP/lab/r2"
for i in 1 2; do
	printf 'zebra=yes\nospfd=yes\nstaticd=yes\nvtysh_enable=yes\n' > "$TMP/lab/r$i/daemons"
	cat > "$TMP/lab/r$i/frr.conf" <<CONF
frr defaults traditional
hostname r$i
interface eth1
 ip ospf hello-interval 1
 ip ospf dead-interval 4
router ospf
 ospf router-id 10.255.0.$i
 network 10.0.0.0/8 area 0
CONF
done
cat > "$TMP/lab/t.clab.yml" <<YAML
name: $L
topology:
  defaults:
    env:
      COURSE: networks
  kinds:
    linux:
      image: alpine:3
  nodes:
    r1:
      kind: linux
      image: quay.io/frrouting/frr:9.1.0
      binds:
        - r1/daemons:/etc/frr/daemons:ro
        - r1/frr.conf:/etc/frr/frr.conf
      exec:
        - ip addr add 10.0.12.1/30 dev eth1
        - ip addr add 10.1.0.1/24 dev eth2
    r2:
      kind: linux
      image: quay.io/frrouting/frr:9.1.0
      binds:
        - r2/daemons:/etc/frr/daemons:ro
        - r2/frr.conf:/etc/frr/frr.conf
      exec:
        - ip addr add 10.0.12.2/30 dev eth1
        - ip addr add 10.2.0.1/24 dev eth2
    h1:
      kind: linux
      exec:
        - ip addr add 10.1.0.10/24 dev eth1
        - ip route add default via 10.1.0.1
    h2:
      kind: linux
      env:
        COURSE: routing
      exec:
        - ip addr add 10.2.0.10/24 dev eth1
        - ip route add default via 10.2.0.1
    sw:
      kind: bridge
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
    - endpoints: ["r1:eth2", "sw:p1"]
    - type: veth
      endpoints:
        - node: h1
          interface: eth1
          mac: 02:00:00:00:0a:01
        - node: sw
          interface: p2
    - endpoints: ["h2:eth1", "r2:eth2"]
YAML
etc_before=$(sha256sum /etc/frr/* 2>/dev/null | sort)
lab_up "$L" "$TMP/lab/t.clab.yml"
converge() { # LAB
	for _ in $(seq 60); do
		"$NETLAB" exec -l "$1" h1 ping -c 1 -W 1 -q 10.2.0.10 >/dev/null 2>&1 && return 0
		sleep 1
	done
	fail "lab $1: h1 does not reach h2 across the OSPF routers in 60 s"
}
converge "$L"
assert_contains "$("$NETLAB" exec -l "$L" r1 ip route show 10.2.0.0/24)" "proto ospf" "r1 learned h2's LAN from ospfd"
assert_contains "$("$NETLAB" exec -l "$L" r2 ps -e -o comm=)" "ospfd" "ospfd runs in r2"
assert_eq "$("$NETLAB" exec -l "$L" h1 cat /sys/class/net/eth1/address)" "02:00:00:00:0a:01" "the extended link's MAC"
assert_eq "$("$NETLAB" exec -l "$L" h1 printenv COURSE)" "networks" "env from defaults"
assert_eq "$("$NETLAB" exec -l "$L" h2 printenv COURSE)" "routing" "the node's env wins"
rc=0
"$NETLAB" exec -l "$L" r1 sh -c 'echo x >> /etc/frr/daemons' 2>/dev/null || rc=$?
[ "$rc" -ne 0 ] || fail "a :ro bind is writable"
assert_contains "$("$NETLAB" exec -l "$L" sw bridge link show)" "p2" "the bridge's ports are the link ends"
assert_eq "$(sha256sum /etc/frr/* 2>/dev/null | sort)" "$etc_before" "the host's /etc/frr"
expect_exit 0 "$NETLAB" down "$L"
assert_clean "$L"

# convert: the same lab from the JSON (beside the file: its paths are relative to it)
"$NETLAB" convert --name "$C" "$TMP/lab/t.clab.yml" > "$TMP/lab/t.json" 2>/dev/null
lab_up "$C" "$TMP/lab/t.json"
converge "$C"
assert_eq "$("$NETLAB" exec -l "$C" h1 cat /sys/class/net/eth1/address)" "02:00:00:00:0a:01" "the converted lab's MAC"
expect_exit 0 "$NETLAB" down "$C"
assert_clean "$C"
echo "ok: containerlab topology (FRR, exec, env, bridge, extended link, ro bind; convert)"
