#!/bin/bash
# Issue 2: a triangle of routers with a switched LAN behind each, static routes; ping across
# two routers on both families; hostname; exec exit codes; status --json; the same lab twice;
# an up that fails half-way leaves nothing; two labs with the same node names; down twice.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="co$$"
tmp=$(mktemp -d)
cleanup() {
	for l in "${P}t" "${P}u" "${P}f"; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
assert_clean() {
	local lab=$1
	[ ! -e "/run/netlab/$lab" ] || fail "/run/netlab/$lab is left"
	! ls /run/netns | grep "^$lab\." >/dev/null || fail "namespaces of $lab are left"
	[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$links_before" ] || fail "root-namespace links changed"
	# no process is left in any namespace the lab had (inodes recorded while it was up); a
	# freed namespace's inode number may already belong to another lab's new namespace
	local live
	live=$(for f in /run/netns/*; do stat -L -c %i "$f" 2>/dev/null || true; done)
	for ino in ${inodes[$lab]:-}; do
		echo "$live" | grep -x "$ino" >/dev/null && continue
		for p in /proc/[0-9]*; do
			[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" != "$ino" ] || fail "process ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) is left in lab $lab"
		done
	done
}
declare -A inodes
record() { inodes[$1]=$(for f in /run/netns/"$1".*; do stat -L -c %i "$f"; done); }

# the triangle: r1, r2, r3; LAN i behind ri with hosts hiA, hiB on switch si
python3 - "$tmp/t.json" "${P}t" "$tmp/u.json" "${P}u" <<'PY'
import json, sys
def lab(name):
    nodes, links = {}, []
    p2p = {(1, 2): "10.0.12", (2, 3): "10.0.23", (1, 3): "10.0.13"}
    for i in (1, 2, 3):
        ifs = {"lo": {"addresses": [f"10.255.0.{i}/32"]},
               "eth9": {"addresses": [f"10.{i}.0.1/24", f"2001:db8:{i}::1/64"]}}
        nodes[f"r{i}"] = {"kind": "router", "interfaces": ifs, "routes": []}
        nodes[f"s{i}"] = {"kind": "switch"}
        links.append({"endpoints": [f"r{i}:eth9", f"s{i}"]})
        for h, last in (("a", 10), ("b", 11)):
            nodes[f"h{i}{h}"] = {"interfaces": {"eth0": {"addresses": [f"10.{i}.0.{last}/24", f"2001:db8:{i}::{last}/64"]}},
                                 "routes": [{"to": "default", "via": f"10.{i}.0.1"},
                                            {"to": "default", "via": f"2001:db8:{i}::1"}]}
            links.append({"endpoints": [f"h{i}{h}:eth0", f"s{i}"]})
    nodes["h1a"]["hostname"] = "custom"
    for (a, b), net in p2p.items():
        six = net.replace("10.0.", "2001:db8:ff")
        nodes[f"r{a}"]["interfaces"][f"to{b}"] = {"addresses": [f"{net}.1/24", f"{six}::1/64"]}
        nodes[f"r{b}"]["interfaces"][f"to{a}"] = {"addresses": [f"{net}.2/24", f"{six}::2/64"]}
        links.append(f"r{a}:to{b} -- r{b}:to{a}")
    # static routes: every other LAN and loopback directly over the shared link
    for i in (1, 2, 3):
        for j in (1, 2, 3):
            if i == j:
                continue
            a, b = min(i, j), max(i, j)
            net = p2p[(a, b)]
            six = net.replace("10.0.", "2001:db8:ff")
            gw4 = f"{net}.{2 if i == a else 1}"
            gw6 = f"{six}::{2 if i == a else 1}"
            nodes[f"r{i}"]["routes"] += [{"to": f"10.{j}.0.0/24", "via": gw4},
                                         {"to": f"2001:db8:{j}::/64", "via": gw6},
                                         {"to": f"10.255.0.{j}/32", "via": gw4}]
    return {"name": name, "nodes": nodes, "links": links}
json.dump(lab(sys.argv[2]), open(sys.argv[1], "w"), indent=1)
json.dump(lab(sys.argv[4]), open(sys.argv[3], "w"), indent=1)
PY
"$NETLAB" validate "$tmp/t.json" >/dev/null || fail "the triangle does not validate"
"$NETLAB" -q up "$tmp/t.json"
record "${P}t"
"$NETLAB" exec -l "${P}t" h2b sleep 600 &
sleeper=$!
ip netns list > "$tmp/netns"
grep -q "^${P}t.r1" "$tmp/netns" || fail "ip netns does not list ${P}t.r1"
# host to host across two routers (r1 -> r2 -> ... LAN 2 and LAN 3), both families, at once
for dst in 10.2.0.10 10.3.0.11 2001:db8:2::10 2001:db8:3::11; do
	"$NETLAB" exec -l "${P}t" h1b ping -c 1 -W 2 -q "$dst" >/dev/null || fail "h1b cannot reach $dst right after up"
done
[ "$("$NETLAB" exec -l "${P}t" h1a hostname)" = custom ] || fail "hostname of h1a is not 'custom'"
[ "$("$NETLAB" exec -l "${P}t" h2a hostname)" = h2a ] || fail "hostname of h2a"
"$NETLAB" exec -l "${P}t" s1 ip -o link show master br0 | grep -c . | grep -x 3 >/dev/null || fail "s1 does not have 3 bridge ports"
"$NETLAB" exec -l "${P}t" r1 ip route show 10.2.0.0/24 | grep "via 10.0.12.2" >/dev/null || fail "r1 lacks its static route"
ip -n "${P}t.r1" -6 route show 2001:db8:3::/64 | grep "via 2001:db8:ff13::2" >/dev/null || fail "ip -n sees no IPv6 route"
# exit codes and streams pass through
rc=0; "$NETLAB" exec -l "${P}t" h1a sh -c 'exit 7' || rc=$?
[ $rc -eq 7 ] || fail "exec exit code $rc, expected 7"
[ "$(echo hello | "$NETLAB" exec -l "${P}t" h1a cat)" = hello ] || fail "stdin does not pass through"
rc=0; "$NETLAB" exec -l "${P}t" h1a no-such-command-x 2>/dev/null || rc=$?
[ $rc -eq 127 ] || fail "a missing command gives $rc, expected 127"
# status --json
"$NETLAB" status --json "${P}t" > "$tmp/s.json"
python3 - "$tmp/s.json" "${P}t" <<'PY' || fail "status --json content"
import json, sys
d = json.load(open(sys.argv[1]))
lab = d["labs"][0]
assert lab["name"] == sys.argv[2] and lab["status"] == "up", lab["status"]
nodes = {n["name"]: n for n in lab["nodes"]}
assert len(nodes) == 12, len(nodes)
assert nodes["r1"]["kind"] == "router" and nodes["s1"]["kind"] == "switch" and nodes["h1a"]["kind"] == "host"
assert nodes["h1a"]["hostname"] == "custom"
ifs = {f["name"]: f for f in nodes["r1"]["interfaces"]}
assert "10.0.12.1/24" in ifs["to2"]["addresses"] and ifs["to2"]["state"] == "up", ifs["to2"]
ports = [f for f in nodes["s1"]["interfaces"] if f.get("master") == "br0"]
assert len(ports) == 3, ports
assert nodes["r1"]["routes"]["ipv4"] >= 6 and nodes["r1"]["routes"]["ipv6"] >= 4, nodes["r1"]["routes"]
assert all(l["state"] == "up" for l in lab["links"]) and len(lab["links"]) == 12
PY
# the same lab twice: exit 1, "already up", and the first still works
rc=0; "$NETLAB" up "$tmp/t.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "second up exited $rc"
grep -q "already up" "$tmp/out" || fail "second up: $(cat "$tmp/out")"
"$NETLAB" exec -l "${P}t" h1a ping -c 1 -W 2 -q 10.3.0.10 >/dev/null || fail "the first lab broke"
# a second lab with the same node names (and addresses) runs beside it
"$NETLAB" -q up "$tmp/u.json"
record "${P}u"
"$NETLAB" exec -l "${P}u" h1a ping -c 1 -W 2 -q 10.3.0.10 >/dev/null || fail "the second lab does not route"
rc=0; "$NETLAB" exec h1a true 2> "$tmp/out" || rc=$?
[ $rc -ne 0 ] && grep -q "several labs" "$tmp/out" && grep -q "${P}u" "$tmp/out" || fail "an ambiguous node is not refused with the candidates: $(cat "$tmp/out")"
"$NETLAB" -q down "${P}u"
"$NETLAB" exec -l "${P}t" h1a ping -c 1 -W 2 -q 10.3.0.10 >/dev/null || fail "down of one lab broke the other"
assert_clean "${P}u"
# down by file, then again: a clean no-op
"$NETLAB" down "$tmp/t.json" | grep "is down" >/dev/null || fail "down by file"
wait $sleeper 2>/dev/null || true
case $(ps -o stat= -p "$sleeper" 2>/dev/null) in ""|Z*) ;; *) fail "the process started in h2b survived down" ;; esac
out=$("$NETLAB" down "${P}t" 2>&1)
echo "$out" | grep "not running" >/dev/null || fail "second down says: $out"
assert_clean "${P}t"
echo "ok: triangle, exec, status, twice, side by side, down twice"

# an up that fails half-way (a strict lab whose startup fails, once every node is wired and
# b's init runs) leaves nothing
cat > "$tmp/f.json" <<JSON
{ "name": "${P}f", "strict": true,
  "nodes": { "a": { "interfaces": { "eth0": { "addresses": ["10.5.0.1/24"] } },
                    "startup": [ "sleep 600 &", "echo half-way; exit 5" ] },
             "b": { "interfaces": { "eth0": { "addresses": ["10.5.0.2/24"] } }, "startup": [ "sleep 601 &" ] } },
  "links": [ "a:eth0 -- b:eth0" ] }
JSON
"$NETLAB" validate "$tmp/f.json" > "$tmp/out" 2>&1 || fail "the half-way topology must validate"
rc=0; "$NETLAB" up "$tmp/f.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "half-way up exited $rc"
grep -q "exit code 5" "$tmp/out" && grep -q "half-way" "$tmp/out" && grep -q "rolled back" "$tmp/out" \
	|| fail "the failure does not name the command, its exit code and output: $(cat "$tmp/out")"
assert_clean "${P}f"
echo "ok: a failed up is rolled back"
