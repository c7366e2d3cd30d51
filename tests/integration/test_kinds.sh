#!/bin/bash
# Issue 16, "less to write": the FRR block written once in defaults.router, with ${node} and
# ${lab} substituted per node (files, startup, env), and routing by kind: hosts get static
# default routes while the routers learn the rest from OSPF.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
mkdir -p "$TMP/frr"
for i in 1 2; do
	cat > "$TMP/frr/r$i.conf" <<CONF
frr defaults traditional
hostname r$i
!
interface eth0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 4
!
router ospf
 ospf router-id 10.255.0.$i
 timers throttle spf 0 50 500
 network 10.0.0.0/8 area 0
!
CONF
done
cat > "$TMP/lab.json" <<JSON
{
  "name": "$LAB",
  "defaults": {
    "router": {
      "files": {"/etc/frr/frr.conf": "frr/\${node}.conf"},
      "env": {"ROLE": "\${lab}/\${node}"},
      "startup": ["install -d -o frr -g frr /run/frr", "/usr/lib/frr/zebra -d -A 127.0.0.1",
                  "/usr/lib/frr/ospfd -d -A 127.0.0.1", "vtysh -b",
                  "echo started \${node} of \${lab} > /tmp/who"]
    },
    "host": {"startup": ["echo \${node} > /tmp/who"]}
  },
  "routing": {"host": "static", "router": "none"},
  "nodes": {
    "r1": {"kind": "router", "interfaces": {"eth0": {"addresses": ["10.0.12.1/30"]}, "eth1": {"addresses": ["10.1.0.1/24"]}}},
    "r2": {"kind": "router", "interfaces": {"eth0": {"addresses": ["10.0.12.2/30"]}, "eth1": {"addresses": ["10.2.0.1/24"]}}},
    "h1": {"interfaces": {"eth0": {"addresses": ["10.1.0.10/24"]}}},
    "h2": {"interfaces": {"eth0": {"addresses": ["10.2.0.10/24"]}}, "startup": ["echo own > /tmp/who"]}
  },
  "links": ["r1:eth0 -- r2:eth0", "h1:eth0 -- r1:eth1", "h2:eth0 -- r2:eth1"]
}
JSON
# what netlab understood: the hosts' default routes, nothing static on the routers
"$NETLAB" validate --explain "$TMP/lab.json" > "$TMP/explain.json"
"$PY" - "$TMP/explain.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
n = t["nodes"]
assert [r["to"] for r in n["h1"].get("routes", [])] == ["default"], n["h1"].get("routes")
assert not n["r1"].get("routes"), n["r1"].get("routes")
assert n["r2"]["files"]["/etc/frr/frr.conf"].endswith("frr/r2.conf"), n["r2"]["files"]
PY
lab_up "$LAB" "$TMP/lab.json"
assert_eq "$("$NETLAB" exec -l "$LAB" r1 cat /tmp/who)" "started r1 of $LAB" "r1's startup from defaults.router"
assert_eq "$("$NETLAB" exec -l "$LAB" r2 printenv ROLE)" "$LAB/r2" "env with \${lab}/\${node}"
assert_eq "$("$NETLAB" exec -l "$LAB" h1 cat /tmp/who)" "h1" "h1's startup from defaults.host"
assert_eq "$("$NETLAB" exec -l "$LAB" h2 cat /tmp/who)" "own" "a node's own startup wins over its kind's"
assert_contains "$("$NETLAB" exec -l "$LAB" r2 vtysh -c "show ip ospf")" "10.255.0.2" "r2 runs its own frr.conf (its router-id)"
assert_contains "$("$NETLAB" exec -l "$LAB" h1 ip route show default)" "via 10.1.0.1" "h1's static default route"
for _ in $(seq 60); do
	"$NETLAB" exec -l "$LAB" h1 ping -c 1 -W 1 -q 10.2.0.10 >/dev/null 2>&1 && break
	sleep 1
done
"$NETLAB" exec -l "$LAB" h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "h1 does not reach h2 over OSPF in 60 s"
assert_contains "$("$NETLAB" exec -l "$LAB" r1 ip route show 10.2.0.0/24)" "proto ospf" "r1 learned h2's LAN from ospfd"
"$NETLAB" -q down "$LAB"
assert_clean "$LAB"
echo "ok: defaults per kind, \${node}/\${lab}, routing per kind"
