#!/bin/bash
# Issue 18, services inside a node: src/node/netlab-service bound over a node's systemctl,
# service, invoke-rc.d and /etc/init.d/{frr,quagga,zebra} (by the engine, in every node with
# its own mounts; the topology says nothing about it) starts each service inside its
# node with the node's files, and never the host's: FRR OSPF by `systemctl start frr`,
# apache2 by `service apache2 start`, bind9 by `systemctl start named`, radvd by systemctl, a
# Quagga RIP pair by `/etc/init.d/quagga start` and a Quagga-style BGP pair (no policies) by
# `systemctl start quagga` and `/etc/init.d/zebra start`, all on FRR. Stop works; a service
# that is not installed names its Debian package; the host's services and files stay as
# they were.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

SHIM=$REPO/src/node/netlab-service
DAEMONS_RE='^(watchfrr|zebra|staticd|ospfd|ripd|bgpd|apache2|named|radvd|dhcpd)$'

# the host's service daemons (in the host's network namespace), one "pid comm" a line
host_daemons() {
	local p c
	for p in /proc/[0-9]*; do
		[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$HOST_NETNS" ] || continue
		c=$(cat "$p/comm" 2>/dev/null) || continue
		[[ $c =~ $DAEMONS_RE ]] && echo "${p#/proc/} $c"
	done | sort
	return 0
}
# what the host's service manager and files say about the services
host_view() {
	systemctl is-active frr apache2 named radvd 2>&1 || true
	ls -d /run/frr /run/named /run/apache2 /run/radvd /run/quagga /etc/quagga /var/log/quagga 2>&1 || true
	md5sum /etc/frr/vtysh.conf /etc/frr/daemons /etc/frr/frr.conf 2>&1 || true
}
# the process names running in NODE
node_procs() { "$NETLAB" exec -l "$LAB" "$1" ps -e -o comm= | sort | tr '\n' ' '; }
# poll CMD (run in NODE) until its output contains NEEDLE, at most 60 s
wait_for() { # NODE NEEDLE WHAT CMD...
	local node=$1 needle=$2 what=$3 out=""
	shift 3
	for _ in $(seq 60); do
		out=$("$NETLAB" exec -l "$LAB" "$node" "$@" 2>&1) || true
		case $out in *"$needle"*) return 0 ;; esac
		sleep 1
	done
	fail "$what: no '$needle' in 60 s; last output:"$'\n'"$out"
}

LAB=""
sh -n "$SHIM" || fail "$SHIM is not valid sh"
HOST_DAEMONS_BEFORE=$(host_daemons)
HOST_VIEW_BEFORE=$(host_view)

# the shim, without a node around it, refuses (in a throwaway namespace, in case it did not)
rc=0
# shellcheck disable=SC2016 # $0 is the inner shell's
out=$(timeout 20 unshare --net --mount --pid --fork --mount-proc \
	sh -c 'mount -t tmpfs none /run && exec env -u NETLAB_NODE "$0" systemctl is-active frr' "$SHIM" 2>&1) || rc=$?
assert_eq "$rc" 1 "netlab-service outside a node"
assert_contains "$out" "not inside a netlab node" "netlab-service outside a node"

new_lab LAB
cd "$TMP" || fail "no $TMP"
cp "$SHIM" netlab-service

# FRR: OSPF between o1 and o2, the node's /etc/frr/daemons enabling ospfd
mkdir -p o1 o2
for i in 1 2; do
	printf 'zebra=yes\nospfd=yes\nvtysh_enable=yes\n' > "o$i/daemons"
	cat > "o$i/frr.conf" <<CONF
frr defaults traditional
hostname o$i
!
interface eth0
 ip ospf network point-to-point
 ip ospf hello-interval 1
 ip ospf dead-interval 4
!
router ospf
 ospf router-id 10.255.1.$i
 network 10.255.1.$i/32 area 0
 network 10.1.12.0/30 area 0
!
CONF
done

# apache2 with a page of the node's own
mkdir -p www
echo "served by the node www of $LAB" > www/index.html

# bind9: a zone of the lab's
mkdir -p ns
cat > ns/named.conf.local <<'CONF'
zone "lab.test" { type master; file "/etc/bind/db.lab.test"; };
CONF
# options of BIND 9.11 (Kathará's kathara/bind image) that this BIND refuses
cat > ns/named.conf.options <<'CONF'
options {
	directory "/var/cache/bind";
	dnssec-validation no;
	dnssec-enable no;
	listen-on-v6 { none; };
};
CONF
cat > ns/db.lab.test <<'ZONE'
$TTL 60
@	IN SOA ns.lab.test. root.lab.test. ( 1 60 60 600 60 )
@	IN NS ns.lab.test.
ns	IN A 10.1.3.1
www	IN A 10.1.2.1
ZONE

# radvd: the router advertises a prefix, the host configures an address from it
mkdir -p ra
cat > ra/radvd.conf <<'CONF'
interface eth0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	prefix 2001:db8:66::/64 { AdvOnLink on; AdvAutonomous on; };
};
CONF

# Quagga RIP: per-daemon files in /etc/quagga, as Kathará's Quagga labs have them
mkdir -p q1 q2
for i in 1 2; do
	cat > "q$i/daemons" <<'CONF'
# This file tells the quagga package which daemons to start.
zebra=yes
bgpd=no
ospfd=no
ospf6d=no
ripd=yes
ripngd=no
CONF
	cat > "q$i/zebra.conf" <<CONF
hostname q$i
password zebra
enable password zebra
log file /var/log/quagga/zebra.log
CONF
	cat > "q$i/ripd.conf" <<CONF
hostname ripd
password zebra
!
router rip
 redistribute connected
 network 10.1.5.0/30
 timers basic 5 15 10
!
log file /var/log/quagga/ripd.log
CONF
done
echo "a line FRR does not know" >> q1/ripd.conf
cp q1/ripd.conf q1-ripd.conf.orig

# Quagga-style BGP: no policy, a network that is not in the RIB; b1 has no staticd.conf, so
# zebra.conf's static route goes to staticd
mkdir -p b1 b2
for i in 1 2; do
	cat > "b$i/daemons" <<'CONF'
zebra=yes
bgpd=yes
CONF
	printf 'hostname b%s\nlog file /var/log/quagga/zebra.log\n' "$i" > "b$i/zebra.conf"
done
echo "ip route 10.77.0.0/24 Null0" >> b1/zebra.conf
cat > b1/bgpd.conf <<'CONF'
hostname bgpd
password zebra
router bgp 65001
 bgp router-id 10.1.6.1
 neighbor 10.1.6.2 remote-as 65002
 neighbor 10.1.6.2 timers connect 2
 network 10.255.6.1/32
 network 10.66.0.0/24
 redistribute static
!
log file /var/log/quagga/bgpd.log
CONF
cat > b2/bgpd.conf <<'CONF'
hostname bgpd
router bgp 65002
 bgp router-id 10.1.6.2
 neighbor 10.1.6.1 remote-as 65001
 neighbor 10.1.6.1 timers connect 2
 network 10.255.6.2/32
!
CONF
cp b1/bgpd.conf b1-bgpd.conf.orig

cat > lab.json <<JSON
{
  "name": "$LAB",
  "nodes": {
    "o1": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.1.1/32"]}, "eth0": {"addresses": ["10.1.12.1/30"]}},
           "files": {"/etc/frr/daemons": "o1/daemons", "/etc/frr/frr.conf": "o1/frr.conf"},
           "startup": ["systemctl start frr"]},
    "o2": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.1.2/32"]}, "eth0": {"addresses": ["10.1.12.2/30"]}},
           "files": {"/etc/frr/daemons": "o2/daemons", "/etc/frr/frr.conf": "o2/frr.conf"},
           "startup": ["/etc/init.d/frr start"]},
    "www": {"interfaces": {"eth0": {"addresses": ["10.1.2.1/24"]}},
            "files": {"/var/www/html/index.html": "www/index.html"}, "startup": ["service apache2 start"]},
    "webc": {"interfaces": {"eth0": {"addresses": ["10.1.2.2/24"]}}},
    "ns": {"interfaces": {"eth0": {"addresses": ["10.1.3.1/24"]}},
           "files": {"/etc/bind/named.conf.local": "ns/named.conf.local", "/etc/bind/db.lab.test": "ns/db.lab.test",
                     "/etc/bind/named.conf.options": "ns/named.conf.options"},
           "startup": ["systemctl start named"]},
    "dnsc": {"interfaces": {"eth0": {"addresses": ["10.1.3.2/24"]}}},
    "ra": {"kind": "router", "interfaces": {"eth0": {"addresses": ["2001:db8:66::1/64"]}},
           "files": {"/etc/radvd.conf": "ra/radvd.conf"}, "startup": ["systemctl start radvd.service"]},
    "h6": {"interfaces": {"eth0": {}}},
    "q1": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.5.1/32"]}, "eth0": {"addresses": ["10.1.5.1/30"]}},
           "files": {"/etc/quagga": "q1"}, "startup": ["/etc/init.d/quagga start"]},
    "q2": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.5.2/32"]}, "eth0": {"addresses": ["10.1.5.2/30"]}},
           "files": {"/etc/quagga": "q2"}, "startup": ["/etc/init.d/quagga start"]},
    "b1": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.6.1/32"]}, "eth0": {"addresses": ["10.1.6.1/30"]}},
           "files": {"/etc/quagga": "b1"}, "startup": ["systemctl start quagga"]},
    "b2": {"kind": "router", "interfaces": {"lo": {"addresses": ["10.255.6.2/32"]}, "eth0": {"addresses": ["10.1.6.2/30"]}},
           "files": {"/etc/quagga": "b2"}, "startup": ["/etc/init.d/zebra start"]}
  },
  "links": ["o1:eth0 -- o2:eth0", "www:eth0 -- webc:eth0", "ns:eth0 -- dnsc:eth0", "ra:eth0 -- h6:eth0",
            "q1:eth0 -- q2:eth0", "b1:eth0 -- b2:eth0"]
}
JSON
lab_up "$LAB" "$TMP/lab.json"

# the host's service manager and files were not touched by the startups
assert_eq "$(host_daemons)" "$HOST_DAEMONS_BEFORE" "the host's service daemons after up"
assert_eq "$(host_view)" "$HOST_VIEW_BEFORE" "the host's service state after up"

# FRR: daemons from the node's daemons file, its frr.conf, vtysh reaching them, OSPF routes
procs=$(node_procs o1)
for d in watchfrr zebra ospfd staticd; do assert_contains "$procs" "$d" "o1's processes"; done
assert_not_contains "$procs" "bgpd" "o1's processes (bgpd=no in its daemons)"
assert_contains "$(node_procs o2)" "ospfd" "o2 (/etc/init.d/frr start)"
wait_for o1 "proto ospf" "o1's route to o2's loopback" ip route show 10.255.1.2/32
assert_contains "$("$NETLAB" exec -l "$LAB" o1 vtysh -c 'show ip ospf neighbor')" "Full" "o1's vtysh"
assert_contains "$("$NETLAB" exec -l "$LAB" o1 systemctl is-active frr)" "active" "systemctl is-active frr"
expect_exit 0 "$NETLAB" exec -l "$LAB" o1 systemctl start frr.service
assert_contains "$OUT" "running already" "a second start of frr"
assert_eq "$(node_procs o1 | tr ' ' '\n' | grep -c '^watchfrr$')" 1 "watchfrr instances after a second start"

# apache2, reached from the other node
wait_for webc "served by the node www of $LAB" "webc fetching www's page" \
	"$PY" -c 'import urllib.request; print(urllib.request.urlopen("http://10.1.2.1/", timeout=2).read().decode())'
expect_exit 0 "$NETLAB" exec -l "$LAB" www service apache2 status

# bind9 answers a query from the other node
cat > "$TMP/dnsq.py" <<'PY'
import socket, struct, sys
name, server = sys.argv[1], sys.argv[2]
q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(struct.pack(">HHHHHH", 0x4e4c, 0x0100, 1, 0, 0, 0) + q + struct.pack(">HH", 1, 1), (server, 53))
r = s.recv(4096)
ancount = struct.unpack(">H", r[6:8])[0]
off = 12 + len(q) + 4
for _ in range(ancount):
    off += 2 if r[off] & 0xC0 == 0xC0 else len(q)
    typ, _, _, rdlen = struct.unpack(">HHIH", r[off:off + 10])
    off += 10
    if typ == 1:
        print(socket.inet_ntoa(r[off:off + rdlen]))
    off += rdlen
PY
wait_for dnsc "10.1.2.1" "dnsc asking ns for www.lab.test" "$PY" -c "$(cat "$TMP/dnsq.py")" www.lab.test 10.1.3.1
assert_eq "$("$NETLAB" exec -l "$LAB" ns systemctl is-active bind9)" "active" "systemctl is-active bind9 (named's alias)"
assert_contains "$("$NETLAB" logs -l "$LAB" ns)" "option 'dnssec-enable' no longer exists" "ns's startup log"
assert_contains "$(cat ns/named.conf.options)" "dnssec-enable no;" "the lab's named.conf.options on the host"

# radvd: h6 configures an address from the advertised prefix
assert_contains "$(node_procs ra)" "radvd" "ra's processes"
wait_for h6 "2001:db8:66:" "h6's address from ra's advertisement" ip -6 addr show dev eth0 scope global

# Quagga RIP on FRR: per-daemon files, routes exchanged, vtysh per daemon, logs in /var/log/quagga
procs=$(node_procs q1)
for d in zebra ripd staticd; do assert_contains "$procs" "$d" "q1's processes"; done
assert_not_contains "$procs" "watchfrr" "q1's processes (Quagga had no watchfrr)"
wait_for q2 "proto rip" "q2's route to q1's loopback" ip route show 10.255.5.1/32
assert_contains "$("$NETLAB" exec -l "$LAB" q1 vtysh -c 'show ip rip')" "10.255.5.2/32" "q1's vtysh (show ip rip)"
assert_contains "$("$NETLAB" exec -l "$LAB" q1 cat /etc/frr/vtysh.conf)" "no service integrated-vtysh-config" "q1's vtysh.conf"
expect_exit 0 "$NETLAB" exec -l "$LAB" q1 vtysh -c 'write memory'
assert_contains "$OUT" "/etc/quagga/ripd.conf" "vtysh's write in per-daemon mode"
assert_contains "$("$NETLAB" exec -l "$LAB" q1 cat /etc/quagga/ripd.conf)" "timers basic 5 15 10" "ripd.conf written by ripd"
assert_eq "$(cat q1/ripd.conf)" "$(cat q1-ripd.conf.orig)" "the lab's ripd.conf on the host after write"
assert_contains "$("$NETLAB" logs -l "$LAB" q1)" "a line FRR does not know" "the unknown line, logged"
expect_exit 0 "$NETLAB" exec -l "$LAB" q1 test -s /var/log/quagga/zebra.log
# netlab restart runs the startup again in a new PID namespace: the pid files of the node's
# earlier life are no proof of anything
expect_exit 0 "$NETLAB" restart -l "$LAB" q2
assert_contains "$(node_procs q2)" "ripd" "q2 after netlab restart"
# one daemon at a time, as Ubuntu's quagga units did
expect_exit 0 "$NETLAB" exec -l "$LAB" q1 systemctl stop ripd
procs=$(node_procs q1)
assert_not_contains "$procs" "ripd" "q1 after systemctl stop ripd"
assert_contains "$procs" "zebra" "q1 after systemctl stop ripd"
expect_exit 3 "$NETLAB" exec -l "$LAB" q1 systemctl status ripd
expect_exit 0 "$NETLAB" exec -l "$LAB" q1 systemctl start ripd
assert_contains "$(node_procs q1)" "ripd" "q1 after systemctl start ripd"

# Quagga-style BGP: routes exchanged without policies, a network not in the RIB announced,
# zebra.conf's static route (now staticd's) redistributed
wait_for b2 "proto bgp" "b2's route to b1's loopback" ip route show 10.255.6.1/32
wait_for b2 "proto bgp" "b2's route to b1's network outside its RIB" ip route show 10.66.0.0/24
wait_for b2 "proto bgp" "b2's route to b1's static route" ip route show 10.77.0.0/24
wait_for b1 "proto bgp" "b1's route to b2's loopback" ip route show 10.255.6.2/32
assert_contains "$("$NETLAB" exec -l "$LAB" b1 cat /etc/quagga/bgpd.conf)" "no bgp ebgp-requires-policy" "b1's bgpd.conf in the node"
assert_eq "$(cat b1/bgpd.conf)" "$(cat b1-bgpd.conf.orig)" "the lab's bgpd.conf on the host"
assert_contains "$("$NETLAB" exec -l "$LAB" b1 cat /etc/quagga/staticd.conf)" "ip route 10.77.0.0/24 Null0" "b1's staticd.conf"

# a service that is not installed names its package; unknown verbs and units are errors
if [ ! -x /usr/sbin/dhcpd ]; then
	expect_exit 5 "$NETLAB" exec -l "$LAB" www systemctl start isc-dhcp-server
	assert_contains "$ERR" "isc-dhcp-server is not installed: apt-get install isc-dhcp-server" "dhcpd missing"
	expect_exit 5 "$NETLAB" exec -l "$LAB" www service isc-dhcp-server start
fi
expect_exit 2 "$NETLAB" exec -l "$LAB" www systemctl frobnicate apache2
assert_contains "$ERR" "'frobnicate' is not supported in a netlab node" "an unknown verb"
expect_exit 5 "$NETLAB" exec -l "$LAB" www systemctl start no-such-thing
assert_contains "$ERR" "no-such-thing.service not found" "an unknown unit"
expect_exit 0 "$NETLAB" exec -l "$LAB" www systemctl daemon-reload
expect_exit 3 "$NETLAB" exec -l "$LAB" webc systemctl is-active apache2
assert_eq "$OUT" "inactive" "apache2 on a node that did not start it"

# stop works, in the node only
expect_exit 0 "$NETLAB" exec -l "$LAB" o1 systemctl stop frr
procs=$(node_procs o1)
for d in watchfrr zebra ospfd staticd; do assert_not_contains "$procs" "$d" "o1 after systemctl stop frr"; done
assert_contains "$(node_procs o2)" "ospfd" "o2 after o1's stop"
expect_exit 3 "$NETLAB" exec -l "$LAB" o1 systemctl is-active frr
expect_exit 0 "$NETLAB" exec -l "$LAB" www service apache2 stop
assert_not_contains "$(node_procs www)" "apache2" "www after service apache2 stop"
expect_exit 0 "$NETLAB" exec -l "$LAB" ns systemctl stop bind9
assert_not_contains "$(node_procs ns)" "named" "ns after systemctl stop bind9"
expect_exit 0 "$NETLAB" exec -l "$LAB" q1 /etc/init.d/quagga stop
procs=$(node_procs q1)
for d in zebra ripd staticd; do assert_not_contains "$procs" "$d" "q1 after /etc/init.d/quagga stop"; done
expect_exit 0 "$NETLAB" exec -l "$LAB" b2 service zebra stop
assert_not_contains "$(node_procs b2)" "bgpd" "b2 after service zebra stop"
expect_exit 0 "$NETLAB" exec -l "$LAB" ra systemctl stop radvd
assert_not_contains "$(node_procs ra)" "radvd" "ra after systemctl stop radvd"

assert_eq "$(host_daemons)" "$HOST_DAEMONS_BEFORE" "the host's service daemons after the stops"
"$NETLAB" -q down "$LAB"
assert_clean "$LAB"
assert_eq "$(host_daemons)" "$HOST_DAEMONS_BEFORE" "the host's service daemons after down"
assert_eq "$(host_view)" "$HOST_VIEW_BEFORE" "the host's service state after down"
echo "ok: FRR, Quagga (RIP, BGP), apache2, bind9 and radvd inside nodes, the host's untouched"
