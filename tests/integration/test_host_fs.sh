#!/bin/bash
# Issue 15: a node is a stock host by default: its own files (/etc, /var copy-on-write; /run,
# /tmp, /dev/shm, /root private), its own process table (no process until something runs),
# /etc/hosts and a resolver that fails at once, a clean environment in /, signals that reach
# the command; "mount": false is the light mode that shares the host's.
source "$(dirname "$0")/lib.sh"

new_lab L
host_etc=$(ls -la /etc | md5sum)
cat > "$TMP/t.json" <<JSON
{ "name": "$L",
  "nodes": {
    "r1": { "kind": "router", "interfaces": { "eth0": { "addresses": ["10.61.1.1/24"] },
                                              "eth1": { "addresses": ["10.61.2.1/24"] } } },
    "r2": { "kind": "router", "interfaces": { "eth0": { "addresses": ["10.61.2.2/24"] } } },
    "h1": { "interfaces": { "eth0": { "addresses": ["10.61.1.10/24"] } },
            "startup": [ "sleep 1001 &", "echo from-startup > /tmp/started" ] },
    "h2": { "interfaces": { "eth0": { "addresses": ["10.61.1.11/24"] } },
            "startup": [ "sleep 1002 &" ] },
    "sw": "switch",
    "light": { "isolation": { "mount": false } }
  },
  "links": [ "r1:eth0 -- sw:p1", "h1:eth0 -- sw:p2", "h2:eth0 -- sw:p3", "r1:eth1 -- r2:eth0",
             "light:eth0 -- r2:eth1" ] }
JSON
lab_up "$L" "$TMP/t.json"
X() { "$NETLAB" exec -l "$L" "$@"; }

# no process per node until something runs there: r2 has no startup
expect_exit 0 "$NETLAB" status --json "$L"
r2procs=$(echo "$OUT" | $PY -c 'import json,sys; s=json.load(sys.stdin)["labs"][0]; print([n for n in s["nodes"] if n["name"]=="r2"][0]["processes"])')
assert_eq "$r2procs" 0 "processes in r2 before anything ran there"
[ ! -e "/run/netlab/$L/ns/r2.pid" ] || fail "r2 has a PID namespace before anything ran there"

# its own process table: ps shows the node's processes only, PID 1 is netlab's init
assert_eq "$(X h1 cat /proc/1/comm)" netlab-init "PID 1 of h1"
comms=$(X h1 ps -e -o comm= | sort | tr '\n' ' ')
assert_eq "$comms" "netlab-init ps sleep " "the processes h1 sees"
assert_eq "$(X r2 cat /proc/1/comm)" netlab-init "PID 1 of r2 after its first exec"
# killall inside a node ends that node's sleep only
X h1 killall sleep
for _ in $(seq 50); do X h1 pgrep -x sleep >/dev/null || break; sleep 0.1; done
! X h1 pgrep -x sleep >/dev/null || fail "killall sleep in h1 left h1's sleep"
X h2 pgrep -x sleep >/dev/null || fail "killall sleep in h1 ended h2's sleep"

# its own files: writes to /etc, /run, /tmp, /root, /var stay in the node
X h1 sh -c 'echo n1 > /etc/netlab-test; echo n1 > /run/t; echo n1 > /root/t; echo n1 > /var/tmp/netlab-t; echo n1 > /dev/shm/t'
for f in /etc/netlab-test /run/t /root/t /var/tmp/netlab-t /dev/shm/t; do
	[ ! -e "$f" ] || fail "$f written in h1 is on the host"
	! X h2 test -e "$f" || fail "$f written in h1 is in h2"
	assert_eq "$(X h1 cat "$f")" n1 "$f in h1"
done
assert_eq "$(X h1 cat /tmp/started)" from-startup "the startup's file in h1's /tmp"
[ ! -e /tmp/started ] || fail "the startup wrote /tmp/started on the host"
assert_eq "$(ls -la /etc | md5sum)" "$host_etc" "the host's /etc"
assert_eq "$(X h1 ls -A /root)" t "h1's /root (private, empty but for what the lab put there)"
assert_eq "$(X h1 cat /etc/hostname)" h1 "h1's /etc/hostname"
# a node's mount table holds no namespace pins of the machine's
mi=$(X h1 cat /proc/self/mountinfo)
assert_not_contains "$mi" "/run/netlab" "h1's mount table"
assert_not_contains "$mi" "nsfs" "h1's mount table"

# names: /etc/hosts names every node; an unknown name fails at once
assert_contains "$(X h1 getent hosts r2)" "10.61.2.2" "getent hosts r2 in h1"
start=$(date +%s%N)
! X h1 getent hosts no-such-name.example >/dev/null || fail "an unknown name resolved"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
# the bound includes starting netlab exec itself
[ "$ms" -lt 100 ] || fail "the lookup of an unknown name took $ms ms"

# environment and directory: none of the caller's variables beyond those listed; cwd /
envout=$(cd /tmp && env -i PATH=/usr/bin:/bin FOO=caller LANG=C.UTF-8 LC_ALL=C TERM=dumb \
	HTTP_PROXY=http://x "$NETLAB" exec -l "$L" h1 env)
keys=$(echo "$envout" | cut -d= -f1 | sort | tr '\n' ' ')
assert_eq "$keys" "HOME LANG LC_ALL NETLAB_LAB NETLAB_NODE PATH " "exec's environment"
assert_contains "$envout" "HOME=/root" "exec's environment"
assert_contains "$envout" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "exec's PATH"
assert_eq "$(cd /tmp && X h1 pwd)" / "exec's working directory"
assert_eq "$(cd /tmp && X light pwd)" / "exec's working directory in a light node"

# signals reach the command: SIGINT and SIGTERM to netlab exec end the sleep
for sig in INT TERM; do
	# a background job of a script starts with SIGINT ignored: start it as a terminal would
	$PY -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
		"$NETLAB" exec -l "$L" h2 sleep 100 &
	ex=$!
	BG_PIDS+=("$ex")
	for _ in $(seq 50); do [ "$(X h2 pgrep -xc sleep || true)" -ge 2 ] && break; sleep 0.1; done
	[ "$(X h2 pgrep -xc sleep || true)" -ge 2 ] || fail "the exec'd sleep did not start"
	kill -"$sig" "$ex"
	rc=0
	wait "$ex" || rc=$?
	[ "$rc" -ne 0 ] || fail "netlab exec exited 0 after SIG$sig"
	for _ in $(seq 50); do [ "$(X h2 pgrep -xc sleep || true)" -le 1 ] && break; sleep 0.1; done
	assert_eq "$(X h2 pgrep -xc sleep || true)" 1 "sleeps left in h2 after SIG$sig to exec (the startup's stays)"
done
# the init reaps at once: an orphan that exits leaves no zombie
X h2 sh -c 'sh -c "sleep 0.2 &"; true'
sleep 0.6
assert_eq "$(X h2 ps -e -o stat= | grep -c Z || true)" 0 "zombies in h2"

# the light mode shares the host's files and process table
echo "from the host" > "$TMP/light-file"
assert_eq "$(X light cat "$TMP/light-file")" "from the host" "a host file seen from the light node"
[ "$(X light ps -e -o pid= | wc -l)" -gt 10 ] || fail "the light node does not see the host's processes"

expect_exit 0 "$NETLAB" down "$L"
assert_clean "$L"
echo "PASS: test_host_fs"
