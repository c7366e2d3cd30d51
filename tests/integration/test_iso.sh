#!/bin/bash
# Issue 3: PID, mount, IPC and cgroup isolation, limits, files, env, startup, logs, bad input.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="is$$"
tmp=$(mktemp -d)
cleanup() {
	for l in "${P}a" "${P}b"; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
cgroup_gone() {
	for c in memory cpu pids; do [ ! -e "/sys/fs/cgroup/$c/netlab/$1" ] || fail "cgroup $c/netlab/$1 is left"; done
}
host_etc=$(ls /etc | md5sum)

mkdir -p "$tmp/t"
echo "hello from the host" > "$tmp/t/motd.txt"
mkdir -p "$tmp/t/dir/sub"
echo "in a directory" > "$tmp/t/dir/sub/f"
cat > "$tmp/t/a.json" <<JSON
{ "name": "${P}a",
  "defaults": { "isolation": { "pid": true, "ipc": true }, "env": { "FOO": "bar" } },
  "nodes": {
    "a": { "interfaces": { "eth0": { "addresses": ["10.0.0.1/24"] } },
           "files": { "/etc/lab/motd": "motd.txt", "/etc/lab/ro": { "path": "motd.txt", "ro": true },
                      "/etc/labdir": "dir", "/root/motd": "motd.txt" },
           "limits": { "memory": "64M", "pids": 64, "cpu": 0.5 },
           "startup": [ "echo started with \$FOO", "sleep 1000 &" ] },
    "b": { "interfaces": { "eth0": { "addresses": ["10.0.0.2/24"] } } },
    "c": { "isolation": { "pid": false, "ipc": false, "mount": false },
           "interfaces": { "eth0": { "addresses": ["10.0.1.1/24"] } } },
    "d": { "isolation": { "pid": false, "ipc": false }, "interfaces": { "eth0": { "addresses": ["10.0.1.2/24"] } } }
  },
  "links": [ "a:eth0 -- b:eth0", "c:eth0 -- d:eth0" ] }
JSON
"$NETLAB" -q up "$tmp/t/a.json"
X() { "$NETLAB" exec -l "${P}a" "$@"; }
# PID: netlab's init is PID 1, ps sees the node's processes only
[ "$(X a cat /proc/1/comm)" = netlab-init ] || fail "PID 1 of a is $(X a cat /proc/1/comm)"
n=$(X a ps -e -o pid= | wc -l)
[ "$n" -le 4 ] || fail "ps in a sees $n processes: $(X a ps -e -o pid=,comm=)"
X a ps -e -o comm= | grep -x sleep >/dev/null || fail "the startup daemon is not running inside a"
sleeper=""
for p in /proc/[0-9]*; do
	[ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" = "$(stat -L -c %i "/run/netns/${P}a.a")" ] || continue
	[ "$(cat "$p/comm" 2>/dev/null)" = sleep ] && sleeper=${p#/proc/}
done
[ -n "$sleeper" ] || fail "cannot find the startup daemon from the host"
# mount: a mount made inside is seen neither on the host nor in another node
X a sh -c 'mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && touch /mnt/x/inside'
[ ! -e /mnt/x/inside ] || fail "a mount made in a node is visible on the host"
! X b test -e /mnt/x/inside || fail "a mount made in a is visible in b"
# files: readable where asked, read-only, the host untouched
[ "$(X a cat /etc/lab/motd)" = "hello from the host" ] || fail "files: /etc/lab/motd"
# a writable copy by default (copy-on-write: the host's file stays as it was), read-only on request
X a sh -c 'echo x > /etc/lab/motd' || fail "a file is not writable in the node"
[ "$(X a cat /etc/lab/motd)" = x ] || fail "files: the write to /etc/lab/motd"
X a chown nobody /etc/lab/motd || fail "files: chown of a copy"
! X a sh -c 'echo x > /etc/lab/ro' 2>/dev/null || fail "a file with \"ro\": true is writable"
[ "$(X a cat /etc/lab/ro)" = "hello from the host" ] || fail "files: /etc/lab/ro"
[ "$(X a cat /etc/labdir/sub/f)" = "in a directory" ] || fail "files: a directory's copy"
X a sh -c 'echo y > /etc/labdir/sub/f && echo z > /etc/labdir/new' || fail "files: a directory's copy is not writable"
[ "$(X a cat /root/motd)" = "hello from the host" ] || fail "files: a copy in /root"
[ "$(cat "$tmp/t/motd.txt")" = "hello from the host" ] || fail "the host file changed"
[ "$(cat "$tmp/t/dir/sub/f")" = "in a directory" ] || fail "the host directory's file changed"
[ ! -e "$tmp/t/dir/new" ] || fail "a file made in the node's copy appeared on the host"
[ ! -e /etc/lab ] || fail "/etc/lab appeared on the host"
[ "$(ls /etc | md5sum)" = "$host_etc" ] || fail "the host's /etc changed"
# /etc/hosts names the nodes; /etc/hostname
X a getent hosts b | grep "10.0.0.2" >/dev/null || fail "/etc/hosts in a does not resolve b"
[ "$(X a cat /etc/hostname)" = a ] || fail "/etc/hostname in a"
X a ping -c 1 -W 2 -q b >/dev/null || fail "a cannot ping b by name"
# IPC: a queue made in one node is not seen elsewhere
X a ipcmk -Q >/dev/null
X a ipcs -q | grep 0x >/dev/null || fail "the queue is not in a"
! X b ipcs -q | grep 0x >/dev/null || fail "b sees a's message queue"
# env, logs
[ "$(X a sh -c 'echo $FOO')" = bar ] || fail "env FOO in exec"
"$NETLAB" logs -l "${P}a" a | grep "started with bar" >/dev/null || fail "logs: $("$NETLAB" logs -l "${P}a" a)"
# cgroup: limits in place, exec joins the cgroup, the node sees its cgroup as its root
[ "$(cat /sys/fs/cgroup/memory/netlab/${P}a/a/memory.limit_in_bytes)" = 67108864 ] || fail "memory limit"
[ "$(cat /sys/fs/cgroup/cpu/netlab/${P}a/a/cpu.cfs_quota_us)" = 50000 ] || fail "cpu quota"
[ "$(cat /sys/fs/cgroup/cpu/netlab/${P}a/a/cpu.cfs_period_us)" = 100000 ] || fail "cpu period"
[ "$(cat /sys/fs/cgroup/pids/netlab/${P}a/a/pids.max)" = 64 ] || fail "pids limit"
X a cat /proc/self/cgroup | grep ":pids:/$" >/dev/null || fail "the node does not see its cgroup as its root"
# a memory hog is killed; b and the host run on
rc=0; X a python3 -c 'b = bytearray(300 * 1024 * 1024); b[::4096] = b"x" * len(b[::4096])' 2>/dev/null || rc=$?
[ $rc -eq 137 ] || fail "the memory hog exited $rc, expected 137 (killed)"
X b ping -c 1 -W 2 -q 10.0.0.1 >/dev/null || fail "b cannot reach a after a's OOM"
# a fork loop is held at 64 tasks
out=$(X a sh -c 'for i in $(seq 200); do sleep 30 </dev/null >/dev/null 2>&1 & done 2>&1; echo "count $(cat /sys/fs/cgroup/pids/pids.current 2>/dev/null)"' 2>&1 || true)
cur=$(cat "/sys/fs/cgroup/pids/netlab/${P}a/a/pids.current")
[ "$cur" -le 64 ] || fail "pids.current is $cur"
echo "$out" | grep -qiE "fork|resource" || fail "the fork loop was not refused: $out"
# status shows isolation, limits, init and processes
"$NETLAB" status --json "${P}a" | python3 -c '
import json, sys
n = {x["name"]: x for x in json.load(sys.stdin)["labs"][0]["nodes"]}
a = n["a"]
assert a["isolation"] == {"pid": True, "mount": True, "ipc": True, "cgroup": True}, a["isolation"]
assert a["limits"]["memory"] == 67108864 and a["limits"]["pids"] == 64 and abs(a["limits"]["cpu"] - 0.5) < 1e-9
assert a["init_pid"] > 1 and a["processes"] >= 2, a
assert n["c"]["isolation"] == {"pid": False, "mount": False, "ipc": False, "cgroup": False}
assert n["c"]["processes"] == 0' || fail "status --json"
# without pid isolation no process per node
[ "$("$NETLAB" exec -l "${P}a" c sh -c 'echo $$')" != 1 ] || fail "c has a PID namespace"
"$NETLAB" -q down "${P}a"
case $(ps -o stat= -p "$sleeper" 2>/dev/null) in ""|Z*) ;; *) fail "the startup daemon survived down" ;; esac
[ ! -e "/run/netlab/${P}a" ] || fail "lab state left"
! ls /run/netns | grep "^${P}a\." >/dev/null || fail "namespaces left"
cgroup_gone "${P}a"
echo "ok: pid, mount, ipc, cgroup, limits, files, env, logs"

# bad input: each a clear error, nothing left
bad() {  # expected-exit pattern json
	local want=$1 pat=$2
	rc=0; "$NETLAB" up "$tmp/t/b.json" > "$tmp/out" 2>&1 || rc=$?
	[ $rc -eq "$want" ] || fail "bad input ($pat): exit $rc: $(cat "$tmp/out")"
	grep -q -- "$pat" "$tmp/out" || fail "bad input: no '$pat' in: $(cat "$tmp/out")"
	[ ! -e "/run/netlab/${P}b" ] && ! ls /run/netns | grep "^${P}b\." >/dev/null || fail "bad input ($pat) left something"
	cgroup_gone "${P}b"
}
node() { printf '{"name": "%s", "nodes": {"n": %s, "m": {}}, "links": ["n:eth0 -- m:eth0"]}' "${P}b" "$1" > "$tmp/t/b.json"; }
node '{"files": {"/etc/x": "missing.txt"}}';             bad 2 "missing.txt"
echo secret > "$tmp/outside.txt"
node "{\"files\": {\"/etc/x\": \"$tmp/outside.txt\"}}";  bad 2 "allow-host-paths"
node '{"limits": {"memory": "lots"}}';                   bad 2 "nodes.n.limits.memory"
node '{"limits": {"pids": 0}}';                          bad 2 "nodes.n.limits.pids"
node '{"isolation": {"pid": true}, "limits": {"pids": 10}, "startup": ["echo about to fail", "exit 3"]}'
sed -i 's/^{/{"strict": true, /' "$tmp/t/b.json" # a failing startup rolls back only when strict
bad 1 "failed with exit code 3"
grep -q "about to fail" "$tmp/out" || fail "the failing startup's output is not shown"
# outside the topology's directory works when allowed
node "{\"files\": {\"/etc/x\": \"$tmp/outside.txt\"}}"
"$NETLAB" -q up --allow-host-paths "$tmp/t/b.json"
[ "$("$NETLAB" exec -l "${P}b" n cat /etc/x)" = secret ] || fail "--allow-host-paths"
"$NETLAB" -q down "${P}b"
echo "ok: bad input refused, nothing left"
