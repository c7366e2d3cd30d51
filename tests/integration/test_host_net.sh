#!/bin/bash
# A node's network is a stock Linux host's: its net.ipv4/net.ipv6 sysctls equal a fresh
# namespace's (a router differs only in forwarding, which reaches interfaces made later);
# link-locals are the kernel's EUI-64 ones and come back after down/up; duplicate address
# detection runs and `up` returns once it is done; MACs are deterministic per lab; interface
# indexes are unique in a lab; a hub switch shows a third node the others' traffic; captures
# show no bad checksums; IPv6 off by sysctl gets no IPv6 address.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
new_lab LAB2 b
write_lab() { # NAME FILE
	cat > "$2" <<JSON
{ "name": "$1",
  "nodes": {
    "h1": { "interfaces": { "eth0": { "addresses": ["10.1.0.10/24", "2001:db8:1::10/64"] } },
            "routes": [ { "to": "10.9.0.0/24", "via": "10.1.0.1" },
                        { "to": "2001:db8:9::/64", "via": "fe80::200:ff:fe00:b2", "dev": "eth0" } ] },
    "r": { "kind": "router",
           "interfaces": { "eth0": { "mac": "00:00:00:00:00:b2", "addresses": ["10.1.0.1/24", "2001:db8:1::1/64"] },
                           "eth1": { "addresses": ["10.9.0.1/24", "2001:db8:9::1/64"] } } },
    "hub": { "kind": "switch", "hub": true },
    "h2": { "sysctls": { "net.ipv6.conf.default.accept_dad": 0 },
            "interfaces": { "eth0": { "addresses": ["10.9.0.2/24", "2001:db8:9::2/64"] } },
            "routes": [ { "to": "default", "via": "10.9.0.1" }, { "to": "default", "via": "2001:db8:9::1" } ] },
    "h3": { "interfaces": { "eth0": { "addresses": ["10.9.0.3/24", "2001:db8:9::3/64"] } } },
    "h5": { "sysctls": { "net.ipv6.conf.all.disable_ipv6": 1 },
            "interfaces": { "eth0": { "addresses": ["10.5.0.5/24", "2001:db8:5::5/64"] } } },
    "h6": { "sysctls": { "net.ipv6.conf.eth0.addr_gen_mode": 1 },
            "interfaces": { "eth0": { "addresses": ["10.5.0.6/24", "2001:db8:5::6/64"] } } }
  },
  "links": [ "h1:eth0 -- r:eth0", "r:eth1 -- hub", "h2:eth0 -- hub", "h3:eth0 -- hub", "h5:eth0 -- h6:eth0" ] }
JSON
}
write_lab "$LAB" "$TMP/lab.json"
lab_up "$LAB" "$TMP/lab.json"
NODES="h1 r hub h2 h3 h5 h6"
X() { "$NETLAB" exec -l "$LAB" "$@"; }

# --- sysctls, key by key, against a fresh namespace with interfaces named alike ---
dump_sysctls() { # NETNS-EXEC-PREFIX...: every readable net.ipv4 / net.ipv6 sysctl as key=value
	"$@" sh -c 'cd /proc/sys/net && grep -r . ipv4 ipv6 2>/dev/null; true' |
		grep -v '^ipv4/tcp_fastopen_key:' | sort # a random key per namespace
}
fresh_ns() { # NAME IFNAME...: a namespace with veths named IFNAME, up, their peers in NAME-p
	local ns=$1 i=0
	shift
	ip netns add "$ns" && FOREIGN_NS+=("$ns")
	ip netns add "$ns-p" && FOREIGN_NS+=("$ns-p")
	ip -n "$ns" link set lo up
	for ifn in "$@"; do
		ip -n "$ns" link add "$ifn" type veth peer name "p$i" netns "$ns-p"
		ip -n "$ns" link set "$ifn" up
		ip -n "$ns-p" link set "p$i" up
		i=$((i + 1))
	done
}
fresh_ns "fnet$$h" eth0
fresh_ns "fnet$$r" eth0 eth1
dump_sysctls X h1 > "$TMP/h1.sc"
dump_sysctls ip netns exec "fnet$$h" > "$TMP/fresh-h.sc"
[ "$(wc -l < "$TMP/h1.sc")" -gt 300 ] || fail "too few sysctls read in h1: $(wc -l < "$TMP/h1.sc")"
diff "$TMP/fresh-h.sc" "$TMP/h1.sc" > "$TMP/h1.diff" || fail "h1's sysctls differ from a fresh namespace's:"$'\n'"$(cat "$TMP/h1.diff")"
dump_sysctls X r > "$TMP/r.sc"
dump_sysctls ip netns exec "fnet$$r" > "$TMP/fresh-r.sc"
# the one documented difference of a router: forwarding, everywhere (all, default, lo, eth*),
# and conf.all.accept_redirects, which the kernel turns off with ip_forward (inet_forward_change)
FWD='^ipv4/ip_forward:|^ipv[46]/conf/[^/]*/forwarding:'
RED='^ipv4/conf/all/accept_redirects:'
assert_eq "$(grep -E "$RED" "$TMP/r.sc")" "ipv4/conf/all/accept_redirects:0" "r's conf.all.accept_redirects"
assert_eq "$(grep -E "$RED" "$TMP/fresh-r.sc")" "ipv4/conf/all/accept_redirects:1" "a fresh conf.all.accept_redirects"
diff <(grep -Ev "$FWD|$RED" "$TMP/fresh-r.sc") <(grep -Ev "$FWD|$RED" "$TMP/r.sc") > "$TMP/r.diff" ||
	fail "r's sysctls differ from a fresh namespace's beyond forwarding:"$'\n'"$(cat "$TMP/r.diff")"
assert_eq "$(grep -Ec "$FWD" "$TMP/r.sc")" 11 "forwarding sysctls of r (ip_forward; all, default, lo, eth0, eth1 for each family)"
assert_eq "$(grep -E "$FWD" "$TMP/r.sc" | grep -vc ':1$' || true)" 0 "forwarding sysctls of r that are not 1"
assert_eq "$(grep -E "$FWD" "$TMP/fresh-r.sc" | grep -vc ':0$' || true)" 0 "forwarding sysctls of a fresh namespace that are not 0"
echo "ok: sysctls of a host and a router equal a fresh namespace's (router: forwarding)"

# --- link-locals: the kernel's EUI-64 of the MAC on every interface of a host or router ---
eui64() { # MAC -> fe80::...
	"$PY" -c 'import sys, ipaddress
m = bytes.fromhex(sys.argv[1].replace(":", ""))
b = bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:]
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + b))' "$1"
}
for n in h1 r h2 h3; do
	while read -r ifn mac; do
		ll=$(eui64 "$mac")
		expect_exit 0 X "$n" ip -6 -o addr show dev "$ifn" scope link
		assert_contains "$OUT" " $ll/64 " "$n $ifn link-local (EUI-64 of $mac)"
	done < <(X "$n" sh -c 'cd /sys/class/net && for i in eth*; do echo "$i $(cat "$i/address")"; done')
done
assert_eq "$(eui64 00:00:00:00:00:b2)" "fe80::200:ff:fe00:b2" "EUI-64 helper"
# a route through r's link-local carries a ping
lab_ping "$LAB" h1 2001:db8:9::2
# a switch is no IPv6 host: no address on br0 or its ports
expect_exit 0 X hub ip -6 -o addr show scope link
assert_eq "$OUT" "" "IPv6 link-local addresses on the switch"
echo "ok: EUI-64 link-locals, a route through one; none on the switch"

# --- duplicate address detection: done when up returns; a duplicate fails it ---
for n in h1 r h2 h3 h6; do
	expect_exit 0 X "$n" ip -6 -o addr show
	assert_not_contains "$OUT" "tentative" "$n's addresses when up returned"
	assert_not_contains "$OUT" "nodad" "$n's addresses"
done
X h3 ip addr add 2001:db8:9::2/64 dev eth0
for _ in $(seq 50); do
	X h3 ip -6 -o addr show dev eth0 | grep "2001:db8:9::2/64" | grep -q dadfailed && break
	sleep 0.1
done
expect_exit 0 X h3 ip -6 -o addr show dev eth0
assert_contains "$(grep 2001:db8:9::2/64 <<< "$OUT")" "dadfailed" "h3's copy of h2's address"
X h3 ip addr del 2001:db8:9::2/64 dev eth0
# accept_dad 0 (conf.default: written before eth0 exists) turns detection off
expect_exit 0 X h2 cat /proc/sys/net/ipv6/conf/eth0/accept_dad
assert_eq "$OUT" 0 "h2's eth0 accept_dad"
X h2 ip addr add 2001:db8:9::3/64 dev eth0
sleep 2.5
expect_exit 0 X h2 ip -6 -o addr show dev eth0
assert_not_contains "$(grep 2001:db8:9::3/64 <<< "$OUT")" "dadfailed" "h2's copy of h3's address (accept_dad 0)"
assert_not_contains "$(grep 2001:db8:9::3/64 <<< "$OUT")" "tentative" "h2's copy of h3's address (accept_dad 0)"
X h2 ip addr del 2001:db8:9::3/64 dev eth0
echo "ok: addresses usable when up returns; a duplicate ends dadfailed; accept_dad 0 honoured"

# down and up inside the node: the kernel makes its link-local again
X h1 ip link set eth0 down
X h1 ip link set eth0 up
for _ in $(seq 30); do
	X h1 ip -6 -o addr show dev eth0 scope link | grep -q "$(eui64 "$(X h1 cat /sys/class/net/eth0/address)")/64" && break
	sleep 0.1
done
X h1 ip -6 -o addr show dev eth0 scope link | grep -q fe80:: || fail "h1's link-local did not come back after down/up"
echo "ok: the link-local is back after down/up inside the node"

# --- IPv6 off by sysctl: no IPv6 address from netlab; addr_gen_mode honoured ---
expect_exit 0 X h5 ip -6 -o addr show
assert_eq "$OUT" "" "IPv6 addresses of h5 (net.ipv6.conf.all.disable_ipv6=1)"
expect_exit 0 X h6 ip -6 -o addr show dev eth0
assert_contains "$OUT" "2001:db8:5::6/64" "h6's declared address"
assert_not_contains "$OUT" "fe80::" "h6's eth0 (addr_gen_mode 1: none)"
lab_ping "$LAB" h6 10.5.0.5
echo "ok: IPv6 off gets no IPv6 address; addr_gen_mode none gets no link-local"

# --- a bridge made inside a router after up forwards IPv4 ---
new_ns="fnet$$x"
ip netns add "$new_ns" && FOREIGN_NS+=("$new_ns")
X r ip link add br9 type bridge
# (the node has its own /run: the host's namespace names are not in it; move the peer from outside)
X r ip link add v9 type veth peer name v9p
ip -n "$LAB.r" link set v9p netns "$new_ns"
X r ip link set v9 master br9
X r ip link set v9 up
X r ip link set br9 up
X r ip addr add 10.77.0.1/24 dev br9
ip -n "$new_ns" link set v9p up
ip -n "$new_ns" addr add 10.77.0.2/24 dev v9p
ip -n "$new_ns" route add default via 10.77.0.1
expect_exit 0 X r cat /proc/sys/net/ipv4/conf/br9/forwarding /proc/sys/net/ipv6/conf/br9/forwarding
assert_eq "${OUT//$'\n'/ }" "1 1" "forwarding on a bridge made inside r"
for _ in $(seq 20); do X h2 ping -c 1 -W 1 -q 10.77.0.2 >/dev/null 2>&1 && break; sleep 0.2; done
lab_ping "$LAB" h2 10.77.0.2
echo "ok: a bridge made inside a router forwards"

# --- a hub: h3 sees h2's and r's traffic; no bad checksums on the sender ---
X h3 timeout 8 tcpdump -lni eth0 -c 4 icmp > "$TMP/h3.cap" 2>/dev/null &
BG_PIDS+=($!)
cap=$!
sleep 1
X h2 ping -c 2 -i 0.3 -q 10.9.0.1 >/dev/null
wait "$cap" || true
assert_eq "$(grep -c '10.9.0.2 > 10.9.0.1: ICMP echo request' "$TMP/h3.cap")" 2 "h2's requests seen by h3"
assert_eq "$(grep -c '10.9.0.1 > 10.9.0.2: ICMP echo reply' "$TMP/h3.cap")" 2 "r's replies seen by h3"
expect_exit 0 X hub ip -d link show br0
assert_contains "$OUT" "ageing_time 0 " "hub's br0"
X h2 timeout 5 tcpdump -lni eth0 -vv -c 2 udp port 9 > "$TMP/h2.cap" 2>&1 &
BG_PIDS+=($!)
cap=$!
sleep 1
X h2 bash -c 'echo hello > /dev/udp/10.9.0.1/9; echo hello > /dev/udp/2001:db8:9::1/9'
wait "$cap" || true
assert_eq "$(grep -c 'udp sum ok' "$TMP/h2.cap")" 2 "UDP checksums in h2's own capture"
assert_not_contains "$(cat "$TMP/h2.cap")" "bad udp cksum" "h2's capture"
echo "ok: a hub floods; checksums filled in before capture"

# --- interface indexes unique in the lab, each peer unambiguous ---
: > "$TMP/idx"
for n in $NODES; do
	X "$n" ip -o link show | awk -F'[ :@]+' -v n="$n" '$2 ~ /^eth/ { sub("if", "", $3); print n, $2, $1, $3 }' >> "$TMP/idx"
done
assert_eq "$(awk '{ print $3 }' "$TMP/idx" | sort | uniq -d)" "" "interface indexes used twice in the lab"
# every end's peer index is the index of the end whose peer it is
"$PY" - "$TMP/idx" <<'PY' || fail "peers by index: $(cat "$TMP/idx")"
import sys
rows = [l.split() for l in open(sys.argv[1])]
by_idx = {int(r[2]): r for r in rows}
assert len(rows) == 10, rows
for r in rows:
    peer = by_idx[int(r[3])]
    assert int(peer[3]) == int(r[2]), (r, peer)
    assert peer[0] != r[0], (r, peer)
PY
echo "ok: unique interface indexes, peers unambiguous"

# --- MACs: the same on every up of one file, others under another lab name ---
macs() { # LAB
	local n
	for n in $NODES; do "$NETLAB" exec -l "$1" "$n" cat /sys/class/net/eth0/address; done
}
macs "$LAB" > "$TMP/macs1"
expect_exit 0 "$NETLAB" down "$LAB"
lab_up "$LAB" "$TMP/lab.json"
macs "$LAB" > "$TMP/macs2"
assert_eq "$(cat "$TMP/macs2")" "$(cat "$TMP/macs1")" "MACs of a second up of one file"
write_lab "$LAB2" "$TMP/lab2.json"
lab_up "$LAB2" "$TMP/lab2.json"
macs "$LAB2" > "$TMP/macs3"
assert_eq "$(sort "$TMP/macs1" "$TMP/macs3" | uniq -d)" "00:00:00:00:00:b2" "MACs shared by two labs from copies"
while read -r m; do
	[ $((0x${m:0:2} & 3)) -eq 2 ] || [ "$m" = 00:00:00:00:00:b2 ] || fail "MAC $m is not locally administered unicast"
done < "$TMP/macs1"
echo "ok: deterministic MACs per lab"

expect_exit 0 "$NETLAB" down "$LAB2"
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
assert_clean "$LAB2"
