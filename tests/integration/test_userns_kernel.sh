#!/bin/bash
# Labs without root, the kernel layer (src/kernel/userns.c) through tests/tools/userns-driver.c, run
# as two unprivileged users made here (useradd; removed at exit): one with a subordinate id
# range, one without. A user's holder keeps its lab's user and mount namespaces; network
# namespaces are pinned inside it (nothing shows on the host); a veth pair between two of them
# carries a ping; another user cannot join the lab; stop ends the holder and every process of
# the lab; the host's links, /run/netns and mounts are as before.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
NETLAB=${NETLAB:-$REPO/build/netlab}
[ "$(id -u)" -eq 0 ] || { echo "FAIL: integration tests need root" >&2; exit 1; }
DRIVER=$(dirname "$NETLAB")/tests/userns-driver
[ -x "$DRIVER" ] || DRIVER=$REPO/build/tests/userns-driver
[ -x "$DRIVER" ] || { echo "FAIL: no $DRIVER (run make)" >&2; exit 1; }
for t in useradd userdel usermod runuser ping; do
	command -v "$t" >/dev/null || { echo "FAIL: the test needs $t" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/netlab-it-userns.XXXXXX)
chmod 755 "$TMP"
cp "$DRIVER" "$TMP/driver"
D=$TMP/driver
U1=nlt$$a
U2=nlt$$b
# names of the test's own: none of them may show on the host (other labs may run meanwhile)
IFA=nlta$$
IFB=nltb$$
USERS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
assert_contains() { case $1 in *"$2"*) ;; *) fail "${3:-output}: '$1' does not contain '$2'" ;; esac; }
# as USER, with a clean environment (no XDG_RUNTIME_DIR unless given: VAR=VALUE before the command)
as() { local u=$1; shift; runuser -u "$u" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ "$@"; }
proc_ended() { local s; s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0; [ "$s" = Z ] || [ -z "$s" ]; }
# whether the host shows one of the test's interfaces or namespaces
host_sees_lab() {
	ip -o link show | grep -Eq ": ($IFA|$IFB)[@:]" && return 0
	for n in a b lab.a lab.b; do [ -e "/run/netns/$n" ] && return 0; done
	return 1
}

cleanup() {
	local rc=$? u p uid
	set +e
	for u in "${USERS[@]}"; do
		uid=$(id -u "$u") || continue
		for h in /tmp/netlab-"$uid"/*/holder; do
			[ -e "$h" ] && as "$u" "$D" stop "$(basename "$(dirname "$h")")"
		done
		# whatever of the user's still runs (nothing should): by pid
		for p in $(ps -u "$u" -o pid= 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		rm -rf "/tmp/netlab-$uid" "/tmp/netlab-it-xdg-$uid"
		userdel -r "$u" 2>/dev/null || userdel "$u"
	done
	rm -rf "$TMP"
	if [ $rc -eq 0 ]; then echo "PASS: userns_kernel"; elif [ $rc -ne 77 ]; then echo "test userns_kernel failed (exit $rc)" >&2; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

useradd -M -s /bin/sh "$U1"
USERS+=("$U1")
useradd -M -s /bin/sh "$U2"
USERS+=("$U2")
ID1=$(id -u "$U1")
ID2=$(id -u "$U2")
# U1 has a subordinate range (useradd gives one where login.defs says so), U2 none
if ! grep -q "^$U1:" /etc/subuid; then
	usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$U1"
fi
for f in subuid subgid; do
	r=$(sed -n "s/^$U2:\([0-9]*\):\([0-9]*\)$/\1-\2/p" /etc/$f | head -1)
	[ -z "$r" ] && continue
	first=${r%-*}
	last=$((first + ${r#*-} - 1))
	if [ $f = subuid ]; then usermod --del-subuids "$first-$last" "$U2"; else usermod --del-subgids "$first-$last" "$U2"; fi
done

# a root in /tmp planted by someone else (here root, mode 0777) is refused, and nothing is made in it
mkdir -m 0777 "/tmp/netlab-$ID2"
if out=$(as "$U2" "$D" roots 2>&1); then fail "U2 took a planted /tmp/netlab-$ID2"; fi
assert_contains "$out" "belongs to uid 0, not to you" "a planted root"
rmdir "/tmp/netlab-$ID2"

# the kernel must allow unprivileged user namespaces; else skip, saying which sysctl
if ! out=$(as "$U1" "$D" probe 2>&1); then
	case $out in
	*sysctl*|*CONFIG_USER_NS*) echo "SKIP: $out"; exit 77 ;;
	esac
	fail "probe: $out"
fi
echo "$out"
assert_contains "$out" "ids 1-" "U1's map"
assert_contains "$out" "cgroup: " "the cgroup probe"
out=$(as "$U2" "$D" probe)
assert_contains "$out" "only uid $ID2 is mapped" "U2's map"

# roots: /tmp/netlab-UID without XDG_RUNTIME_DIR, XDG/netlab with the user's own, never /run
[ "$(as "$U1" "$D" roots)" = "/tmp/netlab-$ID1 /tmp/netlab-$ID1/.names" ] || fail "U1's roots"
[ "$(stat -c '%U %a' "/tmp/netlab-$ID1")" = "$U1 700" ] || fail "U1's root is not its own, 0700"
xdg=/tmp/netlab-it-xdg-$ID1
mkdir -m 0700 "$xdg"
chown "$U1" "$xdg"
[ "$(as "$U1" XDG_RUNTIME_DIR="$xdg" "$D" roots)" = "$xdg/netlab $xdg/netlab/.names" ] || fail "XDG root"
# another user's runtime directory (as sudo -u leaves it) is not U2's
[ "$(as "$U2" XDG_RUNTIME_DIR="$xdg" "$D" roots)" = "/tmp/netlab-$ID2 /tmp/netlab-$ID2/.names" ] ||
	fail "U2 took U1's XDG_RUNTIME_DIR"

# U1's lab: a holder, two pinned network namespaces, a veth pair, a ping
pid=$(as "$U1" "$D" start lab)
{ [ -n "$pid" ] && [ -d "/proc/$pid" ]; } || fail "no holder"
[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = "$ID1" ] || fail "the holder is not U1's"
[ "$(cat "/proc/$pid/comm")" = netlab-init ] || [ "$(cat "/proc/$pid/comm")" = netlab ] ||
	fail "the holder is $(cat "/proc/$pid/comm")"
[ "$(cut -d' ' -f1 "/tmp/netlab-$ID1/lab/holder")" = "$pid" ] || fail "the holder's pid is not recorded"
[ "$(readlink /proc/"$pid"/ns/user)" != "$(readlink /proc/self/ns/user)" ] || fail "no user namespace"
[ "$(readlink /proc/"$pid"/ns/net)" != "$(readlink /proc/self/ns/net)" ] || fail "the holder is in the host's netns"
grep -q "^ *1 *[0-9]* *65536" "/proc/$pid/uid_map" || fail "U1's range is not mapped: $(cat "/proc/$pid/uid_map")"
as "$U1" "$D" net lab a b
as "$U1" "$D" veth lab a "$IFA" 10.0.0.1/24 b "$IFB" 10.0.0.2/24
as "$U1" "$D" exec lab a ping -c 1 -W 2 10.0.0.2 || fail "no ping between the user's namespaces"
out=$(as "$U1" "$D" exec lab b ip -o -4 addr show dev "$IFB")
assert_contains "$out" "10.0.0.2/24" "b's address"
[ "$(as "$U1" "$D" exec lab a id -u)" = 0 ] || fail "not root in the lab"
as "$U1" "$D" exec lab a id frr >/dev/null 2>&1 || ! id frr >/dev/null 2>&1 ||
	fail "the frr user is not mapped with a range"
# FRR in the lab as its own frr user (a host id of U1's range), with the node's own /run and /etc/frr
zebra_pid=""
if [ -x /usr/lib/frr/zebra ] && id frr >/dev/null 2>&1; then
	cat > "$TMP/frr.sh" <<'EOF2'
mount -t tmpfs t /run && mkdir -p /run/frr && chown frr:frr /run/frr
mount -t tmpfs t /var/tmp
mount -t tmpfs -o mode=0755 t /etc/frr && chown frr:frr /etc/frr
printf 'hostname a\n' > /etc/frr/zebra.conf
printf 'hostname a\nrouter ospf\n' > /etc/frr/ospfd.conf
chown frr:frr /etc/frr/*
/usr/lib/frr/zebra -d -A 127.0.0.1 && /usr/lib/frr/ospfd -d -A 127.0.0.1
EOF2
	chmod 644 "$TMP/frr.sh"
	as "$U1" "$D" exec lab a sh "$TMP/frr.sh" > "$TMP/frr.log" 2>&1 || fail "FRR did not start: $(cat "$TMP/frr.log")"
	start=$(sed -n "s/^$U1:\([0-9]*\):.*/\1/p" /etc/subuid | head -1)
	want=$((start + $(id -u frr) - 1))
	zebra_pid=$(pgrep -u "$want" -x zebra) || fail "no zebra running as host uid $want (frr in the lab)"
	pgrep -u "$want" -x ospfd >/dev/null || fail "no ospfd running as host uid $want"
fi
# nothing of it on the host: no mount, no link, no /run/netns entry
! grep -q "netlab-$ID1" /proc/self/mountinfo || fail "the user's pins show on the host"
[ -z "$(ls -A "/tmp/netlab-$ID1/.netns/lab")" ] || fail "the pin directory is not empty on the host"
! host_sees_lab || fail "the host sees the lab's links or namespaces"

# U2 can neither read U1's state nor join U1's lab through a holder file of its own
! as "$U2" ls "/tmp/netlab-$ID1" >/dev/null 2>&1 || fail "U2 reads U1's state"
as "$U2" "$D" roots >/dev/null
mkdir -p "/tmp/netlab-$ID2/steal"
cp "/tmp/netlab-$ID1/lab/holder" "/tmp/netlab-$ID2/steal/holder"
chown -R "$U2" "/tmp/netlab-$ID2/steal"
if out=$(as "$U2" "$D" exec steal a true 2>&1); then fail "U2 joined U1's lab"; fi
assert_contains "$out" "not yours" "U2 joining U1's lab"
rm -rf "/tmp/netlab-$ID2/steal"

# U2's lab, without a range: its own id only, and the same wiring works
pid2=$(as "$U2" "$D" start lab)
[ "$(tr -s ' ' < "/proc/$pid2/uid_map" | sed 's/^ //')" = "0 $ID2 1" ] || fail "U2's map: $(cat "/proc/$pid2/uid_map")"
as "$U2" "$D" net lab a b
as "$U2" "$D" veth lab a "$IFA" 10.0.0.1/24 b "$IFB" 10.0.0.2/24
as "$U2" "$D" exec lab b ping -c 1 -W 2 10.0.0.1 || fail "no ping in U2's lab"

# stop: the holder and every process of the lab end; a second stop is a no-op
as "$U1" "$D" exec lab a sleep 300 &
bg=$!
for _ in $(seq 50); do pgrep -u "$U1" -x sleep >/dev/null && break; sleep 0.1; done
sleeper=$(pgrep -u "$U1" -x sleep) || fail "no sleep in the lab"
as "$U1" "$D" stop lab
wait "$bg" 2>/dev/null || true
for _ in $(seq 30); do proc_ended "$pid" && proc_ended "$sleeper" && break; sleep 0.1; done
proc_ended "$pid" || fail "U1's holder $pid is still there"
proc_ended "$sleeper" || fail "a process of U1's lab is still there"
[ -z "$zebra_pid" ] || proc_ended "$zebra_pid" || fail "zebra of U1's lab is still there"
[ ! -e "/tmp/netlab-$ID1/lab" ] || fail "U1's lab directory is left"
as "$U1" "$D" stop lab
# U2's from inside its lab, as down will: a sleep in a node ends too
as "$U2" "$D" exec lab a sleep 300 &
bg=$!
for _ in $(seq 50); do pgrep -u "$U2" -x sleep >/dev/null && break; sleep 0.1; done
sleeper=$(pgrep -u "$U2" -x sleep) || fail "no sleep in U2's lab"
as "$U2" "$D" stop-inside lab
wait "$bg" 2>/dev/null || true
for _ in $(seq 30); do proc_ended "$sleeper" && break; sleep 0.1; done
proc_ended "$sleeper" || fail "a process of U2's lab is still there"
as "$U2" "$D" stop lab
for _ in $(seq 30); do proc_ended "$pid2" && break; sleep 0.1; done
proc_ended "$pid2" || fail "U2's holder $pid2 is still there"
left=$(ps -u "$U1","$U2" -o pid=,stat=,comm= | awk '$2 !~ /^Z/' || true)
[ -z "$left" ] || fail "processes left: $left"
! host_sees_lab || fail "the host sees the lab's links or namespaces"
