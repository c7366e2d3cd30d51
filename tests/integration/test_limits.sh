#!/bin/bash
# Issue 3, limits: a cgroup per node (v1 memory, cpu and pids hierarchies on this machine).
# memory 64M: a memory hog is OOM-killed while two other nodes ping on; pids 64: a fork loop
# is held at 64 tasks and the host can still fork; cpu 0.5: a quota of 50000 us per 100000 us,
# and a busy loop is throttled to it. After down no cgroup, process or namespace is left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB
topo=$TMP/limits.json
cat > "$topo" <<JSON
{ "name": "$LAB",
  "nodes": {
    "m": { "limits": { "memory": "64M" }, "interfaces": { "eth0": { "addresses": ["10.0.0.1/24"] } } },
    "p": { "isolation": { "pid": true }, "limits": { "pids": 64 },
           "interfaces": { "eth0": { "addresses": ["10.0.0.2/24"] } } },
    "q": { "limits": { "cpu": 0.5 }, "interfaces": { "eth0": { "addresses": ["10.0.0.3/24"] } } },
    "sw": { "kind": "switch" },
    "x": { "interfaces": { "eth0": { "addresses": ["10.0.1.1/24"] } } },
    "y": { "interfaces": { "eth0": { "addresses": ["10.0.1.2/24"] } } }
  },
  "links": [ "m:eth0 -- sw", "p:eth0 -- sw", "q:eth0 -- sw", "x:eth0 -- y:eth0" ] }
JSON
lab_up "$LAB" "$topo"
mem=/sys/fs/cgroup/memory/netlab/$LAB/m
pids=/sys/fs/cgroup/pids/netlab/$LAB/p
cpu=/sys/fs/cgroup/cpu/netlab/$LAB/q
[ -d "$mem" ] || fail "no memory cgroup $mem"
[ -d "$pids" ] || fail "no pids cgroup $pids"
[ -d "$cpu" ] || fail "no cpu cgroup $cpu"
assert_eq "$(cat "$mem/memory.limit_in_bytes")" 67108864 "memory.limit_in_bytes of m"
assert_eq "$(cat "$pids/pids.max")" 64 "pids.max of p"
assert_eq "$(cat "$cpu/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us of q"
assert_eq "$(cat "$cpu/cpu.cfs_period_us")" 100000 "cpu.cfs_period_us of q"
# a limit implies a cgroup namespace: the node sees its own cgroup as the root
assert_contains "$(X "$LAB" m cat /proc/self/cgroup)" ":memory:/"$'\n' "/proc/self/cgroup in m"
expect_exit 0 "$NETLAB" status --json "$LAB"
"$PY" -c '
import json, sys
n = {x["name"]: x for x in json.loads(sys.argv[1])["labs"][0]["nodes"]}
assert n["m"]["limits"]["memory"] == 64 << 20, n["m"]
assert n["p"]["limits"]["pids"] == 64, n["p"]
assert abs(n["q"]["limits"]["cpu"] - 0.5) < 1e-9, n["q"]
assert n["m"]["isolation"]["cgroup"] and n["p"]["isolation"]["cgroup"] and n["q"]["isolation"]["cgroup"]
assert not n["x"]["isolation"]["cgroup"] and not n["x"].get("limits"), n["x"]' "$OUT" ||
	fail "status --json does not show the limits: $OUT"

# --- memory: x pings y throughout; the hog in m is killed; m, x and y run on
X "$LAB" x ping -c 30 -i 0.1 -W 1 10.0.1.2 > "$TMP/ping.txt" 2>&1 &
BG_PIDS+=($!)
pinger=$!
sleep 0.3
rc=0
X "$LAB" m "$PY" -c 'b = bytearray(300 * 1024 * 1024); b[::4096] = b"x" * len(b[::4096])' 2> "$TMP/hog.err" || rc=$?
[ $rc -eq 137 ] || fail "the 300 MB memory hog in a 64M node exited $rc (expected 137, SIGKILL): $(cat "$TMP/hog.err")"
[ "$(cat "$mem/memory.failcnt")" -gt 0 ] || fail "memory.failcnt of m is 0"
oom_kills=$(awk '$1 == "oom_kill" {print $2}' "$mem/memory.oom_control")
[ "${oom_kills:-0}" -ge 1 ] || fail "no OOM kill counted in m: $(cat "$mem/memory.oom_control")"
[ "$(cat "$mem/memory.max_usage_in_bytes")" -le 67108864 ] || fail "m used more than 64M: $(cat "$mem/memory.max_usage_in_bytes")"
wait "$pinger" || fail "x -> y pings failed while m was out of memory: $(cat "$TMP/ping.txt")"
assert_contains "$(cat "$TMP/ping.txt")" "30 received, 0% packet loss" "x -> y during m's OOM"
X "$LAB" m true || fail "m cannot run a command after its OOM kill"
lab_ping "$LAB" m 10.0.0.2
lab_ping "$LAB" y 10.0.1.1
# a small allocation still works in m
X "$LAB" m "$PY" -c 'b = bytearray(16 * 1024 * 1024)' || fail "m cannot allocate 16 MB after the OOM kill"

# --- pids: a fork loop is held at 64 tasks in p; the host is not limited
rc=0
X "$LAB" p sh -c 'for i in $(seq 200); do sleep 30 < /dev/null > /dev/null 2>&1 & done; wait' > "$TMP/fork.out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "the fork loop of 200 in a 64-pid node succeeded: $(cat "$TMP/fork.out")"
grep -qiE "cannot fork|resource temporarily unavailable" "$TMP/fork.out" ||
	fail "the fork loop did not fail for want of pids (exit $rc): $(cat "$TMP/fork.out")"
cur=$(cat "$pids/pids.current")
[ "$cur" -le 64 ] || fail "pids.current of p is $cur > 64"
[ "$cur" -ge 50 ] || fail "pids.current of p is $cur: the loop did not reach the limit"
[ "$(awk '$1 == "max" {print $2}' "$pids/pids.events")" -gt 0 ] || fail "pids.events of p counts no refusal"
inp=$(node_procs "$LAB" p | wc -l)
[ "$inp" -le 64 ] || fail "$inp processes in p's namespace, more than 64"
[ "$(X "$LAB" p ps -e -o pid= | wc -l)" -le 64 ] || fail "ps in p lists more than 64 processes"
# every one of them is in p's cgroup
for r in $(node_procs "$LAB" p); do
	grep -q ":pids:/netlab/$LAB/p$" "/proc/${r%%:*}/cgroup" 2> /dev/null || [ ! -e "/proc/${r%%:*}" ] ||
		fail "process ${r%%:*} in p is not in p's pids cgroup: $(cat "/proc/${r%%:*}/cgroup")"
done
# the host forks as usual
bash -c 'for i in $(seq 100); do sleep 0.2 & done; wait' || fail "the host cannot fork 100 processes"
lab_ping "$LAB" x 10.0.1.2

# --- cpu: a busy loop in q gets about half a CPU, and is throttled
used=$(X "$LAB" q "$PY" -c '
import time
t, c = time.monotonic(), time.process_time()
while time.monotonic() - t < 2:
    pass
print(time.process_time() - c)')
awk -v u="$used" 'BEGIN { exit !(u <= 1.3) }' || fail "a 2 s busy loop in q (cpu 0.5) used $used s of CPU"
thr=$(awk '$1 == "nr_throttled" {print $2}' "$cpu/cpu.stat")
[ "${thr:-0}" -gt 0 ] || fail "q was never throttled: $(cat "$cpu/cpu.stat")"
echo "busy loop in q: $used s of CPU in 2 s, throttled $thr times"

# --- down: every process and cgroup goes
procs=$(node_procs "$LAB")
expect_exit 0 "$NETLAB" down "$LAB"
assert_procs_gone $procs
assert_clean "$LAB"
assert_no_cgroup "$LAB"
