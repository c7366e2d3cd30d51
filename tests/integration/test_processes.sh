#!/bin/bash
# Processes started in nodes end with down: `netlab exec h1 sleep 1000` running in the
# background of this test, a daemon that left its parent (setsid, reparented away from us),
# and one in a node with its own PID namespace.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
topo_small "$LAB" "$TMP/lab.json"
# p1: a node with its own PID namespace, linked to p2
"$PY" - "$TMP/lab.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["nodes"]["p1"] = {"isolation": {"pid": True}, "interfaces": {"eth0": {"addresses": ["10.0.9.1/30"]}}}
t["nodes"]["p2"] = {"interfaces": {"eth0": {"addresses": ["10.0.9.2/30"]}}}
t["links"].append({"endpoints": ["p1:eth0", "p2:eth0"]})
# h1, h2: the light mode (the host's files and process table), so that pids are the host's
t["nodes"]["h1"]["isolation"] = {"mount": False}
t["nodes"]["h2"]["isolation"] = {"mount": False}
json.dump(t, open(sys.argv[1], "w"))
PY
lab_up "$LAB" "$TMP/lab.json"
h1_ino=$(netns_inode "/run/netns/$LAB.h1")

# wait_in_netns PID INODE: PID (or a child of it) runs in the namespace within 5 s
wait_in_netns() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(netns_inode "/proc/$1/ns/net")" = "$2" ] && return 0
		sleep 0.1
	done
	fail "process $1 is not in the namespace $2"
}

"$NETLAB" exec -l "$LAB" h1 sleep 1000 &
sleeper=$!
BG_PIDS+=("$sleeper")
wait_in_netns "$sleeper" "$h1_ino"
# a daemon: its own session, reparented away from this test, pid written to a file
expect_exit 0 "$NETLAB" exec -l "$LAB" h2 sh -c "setsid sleep 1001 < /dev/null > /dev/null 2>&1 & echo \$! > $TMP/daemon.pid"
daemon=$(cat "$TMP/daemon.pid")
wait_in_netns "$daemon" "$(netns_inode "/run/netns/$LAB.h2")"
# in the PID-isolated node: the pid as the host sees it, from the node's process list
"$NETLAB" exec -l "$LAB" p1 sleep 1002 > /dev/null 2>&1 &
isolated=$!
BG_PIDS+=("$isolated")
p1_ino=$(netns_inode "/run/netns/$LAB.p1")
for ((i = 0; i < 50; i++)); do
	inside=$(procs_in "$p1_ino" | while read -r p; do
		if [ "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" = "sleep 1002 " ]; then echo "$p"; fi
	done)
	[ -n "$inside" ] && break
	sleep 0.1
done
[ -n "$inside" ] || fail "sleep 1002 does not run in p1"
! proc_ended "$sleeper" || fail "the background exec ended before down"
! proc_ended "$daemon" || fail "the daemon ended before down"

expect_exit 0 "$NETLAB" down "$LAB"
# down returns once they are gone: no grace period
proc_ended "$sleeper" || fail "the process started by exec in h1 (pid $sleeper) survived down"
proc_ended "$daemon" || fail "the daemon in h2 (pid $daemon) survived down"
for p in $inside; do
	proc_ended "$p" || fail "the process in the PID-isolated p1 (pid $p) survived down"
done
# the background execs end by a signal (no clean exit code 0)
rc=0
wait "$sleeper" || rc=$?
[ $rc -ne 0 ] || fail "netlab exec of sleep 1000 exited 0 after down"
rc=0
wait "$isolated" || rc=$?
[ $rc -ne 0 ] || fail "netlab exec of sleep 1002 in p1 exited 0 after down"
assert_clean "$LAB"
