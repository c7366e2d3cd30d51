#!/bin/bash
# Issue 20: labs without root. Two unprivileged users made here (useradd; removed at exit), U1
# with a subordinate id range, U2 without, run netlab (a copy of the binary: nothing setuid)
# with a clean environment: up, exec, ping across a router and a switch, a PID-isolated node
# with a startup daemon, status, list, ping-all, down; nothing of the user's left (no process,
# no state), nothing in /run/netlab or /run/netns; U2 cannot exec into or down U1's lab; limits
# without a delegated cgroup (this machine: cgroup v1) and FRR without a range are exit 2 with
# nothing built; an FRR OSPF pair as U1 converges; root's lab and U1's of the same name run
# side by side; 1,000 nodes as a user.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
NETLAB=${NETLAB:-$REPO/build/netlab}
[ "$(id -u)" -eq 0 ] || { echo "FAIL: integration tests need root" >&2; exit 1; }
for t in useradd userdel usermod runuser ping python3; do
	command -v "$t" >/dev/null || { echo "FAIL: the test needs $t" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/netlab-it-rootless.XXXXXX)
chmod 755 "$TMP"
cp "$NETLAB" "$TMP/netlab"
N=$TMP/netlab
U1=nlr$$a
U2=nlr$$b
L=rl$$ # the labs' names: L (U1's and root's), ${L}o (FRR), ${L}k (1,000 nodes), ${L}x (refused)
USERS=()
ROOT_LAB=""

fail() { echo "FAIL: $*" >&2; exit 1; }
assert_contains() { case $1 in *"$2"*) ;; *) fail "${3:-output}: '$1' does not contain '$2'" ;; esac; }
# as USER, with a clean environment (VAR=VALUE before the command sets more of it)
as() { local u=$1; shift; runuser -u "$u" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ "$@"; }
# U1 always with its own XDG_RUNTIME_DIR, U2 never (the /tmp/netlab-UID fallback)
n1() { as "$U1" XDG_RUNTIME_DIR="$TMP/xdg1" "$N" "$@"; }
n2() { as "$U2" "$N" "$@"; }
# no process of the user's: the holder and the nodes' inits are reaped by the host's init
no_processes() {
	for _ in $(seq 30); do
		[ -z "$(ps -u "$1" -o pid= 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	ps -u "$1" -o pid,stat,comm >&2
	return 1
}
host_untouched() { # LAB
	[ ! -e "/run/netlab/$1" ] || fail "/run/netlab/$1 exists (a user's lab must not be there)"
	local p
	for p in /run/netns/"$1".*; do
		if [ -e "$p" ] || [ -L "$p" ]; then fail "/run/netns has entries of '$1'"; fi
	done
}

# shellcheck disable=SC2317 # run by the trap
cleanup() {
	local rc=$? u p uid
	set +e
	[ -n "$ROOT_LAB" ] && "$NETLAB" -q down "$ROOT_LAB" >/dev/null 2>&1
	for u in "${USERS[@]}"; do
		uid=$(id -u "$u") || continue
		# the user's own labs by name, from the user's own roots (never root's /run/netlab)
		for d in "$TMP/xdg1/netlab"/*/ "/tmp/netlab-$uid"/*/; do
			[ -d "$d" ] || continue
			d=${d%/}
			case $d in
			"$TMP/xdg1/"*) as "$u" XDG_RUNTIME_DIR="$TMP/xdg1" "$N" -q down "${d##*/}" >/dev/null 2>&1 ;;
			*) as "$u" "$N" -q down "${d##*/}" >/dev/null 2>&1 ;;
			esac
		done
		for p in $(ps -u "$u" -o pid= 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		rm -rf "/tmp/netlab-$uid"
		userdel -r "$u" 2>/dev/null || userdel "$u"
	done
	rm -rf "$TMP"
	if [ "$rc" -eq 0 ]; then echo "PASS: rootless"; elif [ "$rc" -ne 77 ]; then echo "test rootless failed (exit $rc)" >&2; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

useradd -M -s /bin/sh "$U1"
USERS+=("$U1")
useradd -M -s /bin/sh "$U2"
USERS+=("$U2")
ID2=$(id -u "$U2")
grep -q "^$U1:" /etc/subuid || usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$U1"
for f in subuid subgid; do
	r=$(sed -n "s/^$U2:\([0-9]*\):\([0-9]*\)$/\1-\2/p" /etc/$f | head -1)
	[ -z "$r" ] && continue
	first=${r%-*}
	last=$((first + ${r#*-} - 1))
	if [ $f = subuid ]; then usermod --del-subuids "$first-$last" "$U2"; else usermod --del-subgids "$first-$last" "$U2"; fi
done
mkdir -m 700 "$TMP/xdg1"
chown "$U1:" "$TMP/xdg1"
S1=$TMP/xdg1/netlab
S2=/tmp/netlab-$ID2

# the demo (two hosts on a switch, two routers, a host behind them); h3 isolated with a daemon
python3 - "$REPO/topologies/demo.json" "$TMP/lab.json" "$L" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
d["nodes"]["h3"]["isolation"] = {"pid": True, "mount": True}
d["nodes"]["h3"]["startup"] = ["sleep 600 &", "echo started > /tmp/started"]
json.dump(d, open(sys.argv[2], "w"))
PY
chmod 644 "$TMP/lab.json"

# --- up, exec, ping, status, ping-all as U1
out=$(n1 up "$TMP/lab.json" 2>&1) || fail "up as $U1: $out"
assert_contains "$out" "lab '$L' is up" "up"
[ -s "$S1/$L/holder" ] || fail "no holder file under \$XDG_RUNTIME_DIR/netlab"
host_untouched "$L"
[ "$(n1 exec -l "$L" r1 hostname)" = r1 ] || fail "exec hostname"
[ "$(n1 exec r2 hostname)" = r2 ] || fail "exec without -l"
n1 exec -l "$L" h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "h1 -> h3 across the switch and two routers"
n1 exec -l "$L" h2 ping -c 1 -W 2 -q 10.1.0.10 >/dev/null || fail "h2 -> h1 across the switch"
[ "$(n1 exec -l "$L" h3 cat /tmp/started)" = started ] || fail "h3's startup did not run in its mount namespace"
out=$(n1 exec -l "$L" h3 ps -o pid=,comm= -e)
assert_contains "$out" "sleep" "h3's processes"
assert_contains "$out" "1 netlab-init" "h3's PID namespace"
out=$(n1 status "$L")
assert_contains "$out" "lab $L: up, 6 nodes" "status"
assert_contains "$out" "started by $U1" "status says who"
assert_contains "$(n1 list)" "$L" "list"
out=$(n1 ping-all -l "$L" 2>&1) || fail "ping-all: $out"
assert_contains "$out" " 0 failed" "ping-all"
# the verbs that change a running lab, from outside it
n1 -q link -l "$L" r1:eth1 down || fail "link down"
n1 exec -l "$L" h1 ping -c 1 -W 1 -q 10.2.0.10 >/dev/null 2>&1 && fail "h1 reaches h3 through a pulled cable"
n1 -q link -l "$L" r1:eth1 up || fail "link up"
n1 exec -l "$L" h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "h1 -> h3 after the cable is back"
out=$(n1 exec --all -l "$L" hostname)
assert_contains "$out" "h3:  h3" "exec --all"
n1 -q restart -l "$L" h3 || fail "restart h3"
[ "$(n1 logs -l "$L" h3 | wc -l)" -ge 0 ] || fail "logs"
# a node's /etc is its own: the host's stays as it is
n1 exec -l "$L" h3 sh -c 'echo x >> /etc/motd' || fail "writing /etc in a node"
grep -q "^x$" /etc/motd 2>/dev/null && fail "a node's /etc write reached the host"

# --- the other user can neither see, enter nor remove U1's lab
out=$(n2 exec -l "$L" r1 hostname 2>&1) && fail "$U2 entered $U1's lab"
assert_contains "$out" "not running" "$U2 exec"
out=$(n2 down "$L" 2>&1) || true
n2 list | grep -q "$L" && fail "$U2 lists $U1's lab"
out=$(as "$U2" XDG_RUNTIME_DIR="$TMP/xdg1" "$N" exec -l "$L" r1 hostname 2>&1) && fail "$U2 entered $U1's lab through its XDG_RUNTIME_DIR"
[ "$(n1 exec -l "$L" r1 hostname)" = r1 ] || fail "$U1's lab broke after $U2's attempts"

# --- root's lab of the same name, side by side; a user's down --all leaves it alone
"$NETLAB" -q up "$TMP/lab.json"
ROOT_LAB=$L
[ "$("$NETLAB" exec -l "$L" r1 hostname)" = r1 ] || fail "root's lab of the same name"
n1 exec -l "$L" h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "$U1's lab beside root's"
"$NETLAB" list | grep -q "^$L " || fail "root's list"
# as $U1 (runuser): its down --all sees only $U1's roots; root's lab above must survive it
[ "$(as "$U1" id -u)" != 0 ] || fail "runuser did not switch to $U1"
n1 -q down --all || fail "down --all as $U1"
no_processes "$U1" || fail "$U1's processes survived down"
[ ! -e "$S1/$L" ] || fail "$U1's lab state left: $(ls -a "$S1/$L")"
[ -e "/run/netlab/$L/state.json" ] || fail "$U1's down --all removed root's lab"
"$NETLAB" exec -l "$L" h1 ping -c 1 -W 2 -q 10.2.0.10 >/dev/null || fail "root's lab broke"
"$NETLAB" -q down "$L"
ROOT_LAB=""

# --- what a user cannot have: exit 2, a reason, nothing built
python3 - "$TMP/lab.json" "$TMP/lim.json" "${L}x" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
d["nodes"]["h1"]["limits"] = {"memory": "64M"}
json.dump(d, open(sys.argv[2], "w"))
PY
chmod 644 "$TMP/lim.json"
rc=0
out=$(n1 up "$TMP/lim.json" 2>&1) || rc=$?
[ $rc -eq 2 ] || fail "limits as a user: exit $rc, not 2: $out"
assert_contains "$out" "cgroup" "limits refused"
assert_contains "$out" "node 'h1'" "limits refused"
[ ! -e "$S1/${L}x" ] || fail "a refused lab left state"
no_processes "$U1" || fail "a refused up left a process"
python3 - "$TMP/lab.json" "$TMP/cg.json" "${L}x" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
d["nodes"]["h2"]["isolation"] = {"cgroup": True}
json.dump(d, open(sys.argv[2], "w"))
PY
chmod 644 "$TMP/cg.json"
rc=0
out=$(n1 up "$TMP/cg.json" 2>&1) || rc=$?
[ $rc -eq 2 ] || fail "cgroup isolation as a user: exit $rc, not 2: $out"
assert_contains "$out" "needs root" "cgroup isolation refused"
[ ! -e "$S1/${L}x" ] || fail "a refused lab left state"

# --- a lab whose holder is gone (killed; its nodes' inits keep running): exec says so, list
# shows it broken, down ends what is left of it and cleans
n2 -q up "$TMP/lab.json" || fail "up as $U2"
read -r hpid _ < "$S2/$L/holder"
kill -9 "$hpid"
rc=0
out=$(n2 exec -l "$L" r1 hostname 2>&1) || rc=$?
[ $rc -ne 0 ] || fail "exec into a lab whose holder is gone"
assert_contains "$out" "netlab down $L" "exec into a gone lab"
assert_contains "$(n2 list)" "broken" "list of a gone lab"
n2 -q down "$L" || fail "down of a lab whose holder is gone"
no_processes "$U2" || fail "the processes of a lab whose holder is gone survived down"
[ ! -e "$S2/$L" ] || fail "a gone lab's state left: $(ls -a "$S2/$L")"

cp "$REPO/topologies/frr-ospf.json" "$TMP/o.json"
cp -r "$REPO/topologies/frr-ospf" "$TMP/"
sed -i "s/\"name\": \"ospf\"/\"name\": \"${L}o\"/" "$TMP/o.json"
chmod -R a+rX "$TMP/o.json" "$TMP/frr-ospf"
if [ -x /usr/lib/frr/zebra ] && id frr >/dev/null 2>&1; then
	rc=0
	out=$(n2 up "$TMP/o.json" 2>&1) || rc=$?
	[ $rc -eq 2 ] || fail "FRR without a range: exit $rc, not 2: $out"
	assert_contains "$out" "subordinate" "FRR without a range"
	[ ! -e "$S2/${L}o" ] || fail "a refused FRR lab left state"

	# --- an FRR OSPF lab as U1 (its range maps frr): converges, routes learned
	n1 -q up "$TMP/o.json" || fail "FRR lab as $U1"
	for _ in $(seq 60); do n1 exec -l "${L}o" h1 ping -c 1 -W 1 -q 10.3.0.10 >/dev/null 2>&1 && break; sleep 1; done
	n1 exec -l "${L}o" h1 ping -c 1 -W 2 -q 10.3.0.10 >/dev/null || fail "OSPF did not converge in 60 s"
	out=$(n1 exec -l "${L}o" r1 vtysh -c 'show ip route')
	assert_contains "$out" "O>* 10.3.0.0/24" "r1's OSPF routes"
	out=$(n1 exec -l "${L}o" r1 ps -o user=,comm= -e)
	assert_contains "$out" "frr      ospfd" "ospfd as the lab's frr"
	n1 test "$TMP/o.json" >/dev/null || fail "the OSPF lab's own checks (netlab test) fail as $U1"
	n1 -q down "${L}o" || fail "down of the FRR lab"
	no_processes "$U1" || fail "FRR's daemons survived down"
else
	echo "note: FRR not installed, its part skipped"
fi

# --- U2 (no XDG_RUNTIME_DIR: /tmp/netlab-UID), 1,000 nodes
"$N" gen line 1000 --name "${L}k" > "$TMP/k.json"
chmod 644 "$TMP/k.json"
out=$(n2 up "$TMP/k.json" 2>&1) || fail "1,000 nodes as $U2: $out"
[ -s "$S2/${L}k/holder" ] || fail "no holder under /tmp/netlab-$ID2"
n2 exec -l "${L}k" r1 ping -c 1 -W 2 -q 10.128.0.2 >/dev/null || fail "r1 -> r2 of 1,000"
n1 list | grep -q "${L}k" && fail "$U1 lists $U2's lab"
n2 -q down "${L}k" || fail "down of 1,000 nodes"
no_processes "$U2" || fail "$U2's processes survived down"
[ ! -e "$S2/${L}k" ] || fail "$U2's lab state left"
host_untouched "${L}k"
host_untouched "$L"
exit 0
