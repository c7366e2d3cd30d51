#!/bin/bash
# Issue 18: Kathará labs as they are. The FRR fixture (tests/fixtures/kathara/frr: lab.conf with
# MACs, sysctls, env, an ignored key; node directories; shared/ and shared.startup; lab.dep;
# shutdown scripts; `systemctl start frr` in the startups) and the Quagga RIP fixture
# (`/etc/init.d/quagga start`, /etc/quagga) come up with netlab up DIR: ping across, FRR runs in
# the node, a node's files are in that node only, the host's /etc is unchanged, startups in
# lab.dep's order, shutdowns at down; netlab convert gives JSON that builds the same lab. The
# services fixture (apache2, bind9 of kathara/bind:9.11, a host's resolv.conf) serves a page by
# name, and status names the startup lines that failed.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab K k
new_lab Q q
new_lab C c
new_lab S s
# a copy: shared/ is the lab's, written by its nodes
cp -r "$REPO/tests/fixtures/kathara/frr" "$TMP/frr"
cp -r "$REPO/tests/fixtures/kathara/quagga-rip" "$TMP/quagga-rip"
cp -r "$REPO/tests/fixtures/kathara/services" "$TMP/services"
etc_state() { sha256sum /etc/frr/* 2>/dev/null | sort; ls -la /etc/quagga 2>&1 || true; }
etc_before=$(etc_state)

expect_exit 0 "$NETLAB" validate "$TMP/frr"
assert_contains "$ERR" "r2[bridged]=\"true\" is ignored" "an ignored key is said, naming node and key"
up_named() { # LAB PATH: netlab up --name LAB PATH, must succeed
	expect_exit 0 "$NETLAB" up --name "$1" "$2"
	assert_contains "$OUT" "lab '$1' is up" "netlab up $2"
	record_lab "$1"
}
up_named "$K" "$TMP/frr"
# FRR started by `systemctl start frr` in the nodes converges
for _ in $(seq 60); do
	"$NETLAB" exec -l "$K" h1 ping -c 1 -W 1 -q 10.0.2.2 >/dev/null 2>&1 && break
	sleep 1
done
"$NETLAB" exec -l "$K" h1 ping -c 1 -W 2 -q 10.0.2.2 >/dev/null || fail "h1 does not reach h2 across the OSPF routers"
assert_contains "$("$NETLAB" exec -l "$K" r1 ip route show 10.0.2.0/24)" "proto ospf" "r1 learned h2's LAN from ospfd"
assert_contains "$("$NETLAB" exec -l "$K" r1 ps -e -o comm=)" "ospfd" "ospfd runs in r1"
assert_eq "$("$NETLAB" exec -l "$K" r1 hostname)" "r1" "hostname = device name"
# LAB_* metadata in status
assert_contains "$("$NETLAB" status "$K")" "description: OSPF between two FRR routers" "status shows LAB_DESCRIPTION"
assert_contains "$("$NETLAB" status --json "$K")" '"author": "netlab tests"' "status --json has the metadata"
# lab.conf: MAC, sysctls after Kathara's (the lab's win), env
assert_contains "$("$NETLAB" exec -l "$K" r1 cat /sys/class/net/eth0/address)" "02:00:00:00:01:00" "r1's eth0 MAC from lab.conf"
assert_eq "$("$NETLAB" exec -l "$K" r1 cat /proc/sys/net/ipv4/icmp_ratelimit)" "1000" "the lab's sysctl wins over Kathara's"
assert_eq "$("$NETLAB" exec -l "$K" r1 cat /proc/sys/net/ipv4/ip_forward)" "1" "Kathara's ip_forward"
assert_eq "$("$NETLAB" exec -l "$K" r1 printenv ROLE)" "core" "env from lab.conf"
# the node's files in that node only, owned by frr
assert_contains "$("$NETLAB" exec -l "$K" r1 cat /etc/frr/frr.conf)" "hostname r1" "r1's /etc/frr/frr.conf"
assert_contains "$("$NETLAB" exec -l "$K" r2 cat /etc/frr/frr.conf)" "hostname r2" "r2's own frr.conf"
assert_eq "$("$NETLAB" exec -l "$K" r1 stat -c %U /etc/frr/frr.conf)" "frr" "/etc/frr handed to frr"
assert_eq "$(etc_state)" "$etc_before" "the host's /etc/frr and /etc/quagga"
# startups: traced into /var/log/startup.log; lab.dep: the hosts start after their routers
assert_contains "$("$NETLAB" exec -l "$K" r1 cat /var/log/startup.log)" "+ systemctl start frr" "r1's traced startup log"
order=$(tr '\n' ' ' < "$TMP/frr/shared/boot.log")
case $order in
"r1 started"*"h1 started"* | *"r1 started"*"h1 started"*) ;;
*) fail "h1 started before r1 (boot.log: $order)" ;;
esac
case $order in *"r2 started"*"h2 started"*) ;; *) fail "h2 started before r2 (boot.log: $order)" ;; esac
# the shared directory is the lab's, in every node
"$NETLAB" exec -l "$K" h2 sh -c 'echo from-h2 > /shared/h2.txt'
assert_eq "$(cat "$TMP/frr/shared/h2.txt")" "from-h2" "/shared is the lab's shared/"
"$NETLAB" -q down "$K"
assert_contains "$(cat "$TMP/frr/shared/boot.log")" "r1 stopped" "shared.shutdown ran at down"
assert_contains "$(cat "$TMP/frr/shared/r1-neighbors.txt")" "Full" "r1.shutdown ran before the lab went"
assert_clean "$K"

# convert: JSON that builds the same lab
"$NETLAB" convert "$TMP/frr" > "$TMP/frr.json" 2>/dev/null
"$PY" -c 'import json,sys; t=json.load(open(sys.argv[1])); assert "r1" in t["nodes"] and "cd-A" in t["nodes"], t["nodes"].keys()' "$TMP/frr.json"
up_named "$C" "$TMP/frr.json"
for _ in $(seq 60); do
	"$NETLAB" exec -l "$C" h1 ping -c 1 -W 1 -q 10.0.2.2 >/dev/null 2>&1 && break
	sleep 1
done
"$NETLAB" exec -l "$C" h1 ping -c 1 -W 2 -q 10.0.2.2 >/dev/null || fail "the converted lab does not ping across"
assert_contains "$("$NETLAB" exec -l "$C" r1 cat /sys/class/net/eth0/address)" "02:00:00:00:01:00" "the converted lab's MAC"
"$NETLAB" -q down "$C"
assert_clean "$C"

# Quagga RIP on FRR: /etc/init.d/quagga start, the daemons file and per-daemon configs
up_named "$Q" "$TMP/quagga-rip"
for _ in $(seq 60); do
	"$NETLAB" exec -l "$Q" r1 ip route show proto rip | grep -q . && break
	sleep 1
done
assert_contains "$("$NETLAB" exec -l "$Q" r1 ip route show proto rip)" "via 10.0.12.2" "r1 learned a route from r2 over RIP"
assert_contains "$("$NETLAB" exec -l "$Q" r1 ps -e -o comm=)" "ripd" "ripd runs in r1"
"$NETLAB" -q down "$Q"
assert_clean "$Q"

# Kathara's application labs: apache2 (systemctl start apache2) and bind9 of kathara/bind:9.11
# (systemctl start bind9) in nodes, a host's resolv.conf from its directory; pc's startup has a
# failing line and a failing exec line, which never fail the lab and which status names
www_mode() { stat -c %a /var/www/html/index.html 2>/dev/null || true; }
www_before=$(www_mode)
up_named "$S" "$TMP/services"
assert_contains "$ERR" "node 'pc': 2 startup lines failed, first pc.startup line 3: ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1 (exit status 1); see 'netlab status $S'" "up warns of pc's failing lines"
assert_not_contains "$ERR" "node 'srv'" "up: nothing failed on srv"
for _ in $(seq 40); do
	"$NETLAB" exec -l "$S" pc curl -s -m 1 -o /dev/null http://www.lab.test/ 2>/dev/null && break
	sleep 0.5
done
assert_contains "$("$NETLAB" exec -l "$S" pc curl -s -m 3 http://www.lab.test/)" "hello from srv" "pc fetches srv's page by name (named in ns, pc's /etc/resolv.conf)"
assert_eq "$("$NETLAB" exec -l "$S" pc dig +short www.lab.test)" "10.0.0.1" "dig in pc asks ns"
assert_eq "$("$NETLAB" exec -l "$S" pc host -t A ns.lab.test 10.0.0.53 | tail -1)" "ns.lab.test has address 10.0.0.53" "host asks ns directly"
assert_eq "$("$NETLAB" exec -l "$S" srv stat -c %a /var/www/html/index.html)" "777" "/var/www opened to all, as Kathara does"
assert_eq "$(www_mode)" "$www_before" "the host's /var/www"
# shared.startup into /var/log/shared.log, NODE.startup (then exec lines) into startup.log
assert_contains "$("$NETLAB" exec -l "$S" pc cat /var/log/shared.log)" "+ echo 'pc started'" "shared.startup traced into /var/log/shared.log"
log=$("$NETLAB" exec -l "$S" pc cat /var/log/startup.log)
assert_not_contains "$log" "pc started" "shared.startup's lines are not in startup.log"
assert_contains "$log" "+ ip address add 10.0.0.2/24 dev eth0" "pc.startup traced into startup.log"
assert_contains "$log" "netlab: pc.startup line 3: exit status 1: ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1" "the failing line is named in the log"
assert_contains "$log" "pc is up" "the line after a failing one ran"
st=$("$NETLAB" status "$S")
assert_contains "$st" "startup line failed: pc.startup line 3: ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1 (exit status 1)" "status names pc's failing line"
assert_contains "$st" "startup line failed: pc[exec] line 1: ip route add 10.9.9.0/24 via 192.0.2.1 (exit status 2)" "status names pc's failing exec line"
assert_eq "$(grep -c 'startup line failed' <<< "$st")" "2" "status: no failing line on srv and ns"
"$NETLAB" status --json "$S" > "$TMP/services-status.json"
"$PY" - "$TMP/services-status.json" <<'PY'
import json, sys
nodes = {n["name"]: n for n in json.load(open(sys.argv[1]))["labs"][0]["nodes"]}
assert nodes["pc"]["startup_errors"] == [
    {"script": "pc.startup", "line": 3, "status": 1, "command": "ip route add 10.1.0.0/16 via 10.0.0.99 dev eth1"},
    {"script": "pc[exec]", "line": 1, "status": 2, "command": "ip route add 10.9.9.0/24 via 192.0.2.1"},
], nodes["pc"].get("startup_errors")
assert "startup_errors" not in nodes["srv"] and "startup_errors" not in nodes["ns"], nodes
PY
# restart: the last run's lines only (its address is there already: line 1 fails now)
expect_exit 0 "$NETLAB" restart -l "$S" pc
st=$("$NETLAB" status "$S")
assert_contains "$st" "pc.startup line 1: ip address add 10.0.0.2/24 dev eth0 (exit status 2)" "status after restart"
assert_eq "$(grep -c 'startup line failed' <<< "$st")" "3" "status after restart: the last run only"
"$NETLAB" -q down "$S"
assert_clean "$S"
echo "ok: Kathara labs (FRR with lab.dep, shared, shutdown; Quagga RIP; convert; apache2 and bind9, failing startup lines in status)"
