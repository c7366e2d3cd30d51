#!/bin/bash
# Issue 7: commands on different labs run in parallel; on one lab they serialise.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
P="cc$$"
tmp=$(mktemp -d)
cleanup() {
	for i in $(seq 8); do "$NETLAB" -q down "${P}l$i" >/dev/null 2>&1 || true; done
	"$NETLAB" -q down "${P}s" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

for i in $(seq 8); do
	"$NETLAB" gen ring 6 --routing static --name "${P}l$i" -o "$tmp/l$i.json"
done
for round in 1 2 3; do
	pids=""
	for i in $(seq 8); do "$NETLAB" -q up "$tmp/l$i.json" > "$tmp/up$i.out" 2>&1 & pids="$pids $!"; done
	for p in $pids; do wait $p || fail "round $round: a parallel up failed: $(cat "$tmp"/up*.out)"; done
	# every lab works: r1 reaches r4 (the far side of the ring) in each
	for i in $(seq 8); do
		addr=$("$NETLAB" status --json "${P}l$i" | python3 -c '
import json, sys
d = json.load(sys.stdin)["labs"][0]
r4 = [n for n in d["nodes"] if n["name"] == "r4"][0]
print([a for f in r4["interfaces"] if f["name"] == "lo" for a in f["addresses"] if a.startswith("10.")][0].split("/")[0])')
		"$NETLAB" exec -l "${P}l$i" r1 ping -c 1 -W 2 -q "$addr" >/dev/null || fail "round $round: lab $i: r1 cannot reach r4"
	done
	pids=""
	for i in $(seq 8); do "$NETLAB" -q down "${P}l$i" > "$tmp/down$i.out" 2>&1 & pids="$pids $!"; done
	for p in $pids; do wait $p || fail "round $round: a parallel down failed"; done
	for i in $(seq 8); do
		[ ! -e "/run/netlab/${P}l$i" ] || fail "round $round: /run/netlab/${P}l$i left"
		! ls /run/netns | grep "^${P}l$i\." >/dev/null || fail "round $round: namespaces of lab $i left"
	done
done
echo "ok: 8 labs up and down in parallel, 3 rounds"

# the same lab from two commands at once: one wins, the other says it is already up
"$NETLAB" gen line 30 --name "${P}s" -o "$tmp/s.json"
"$NETLAB" -q up "$tmp/s.json" > "$tmp/a.out" 2>&1 & a=$!
"$NETLAB" -q up "$tmp/s.json" > "$tmp/b.out" 2>&1 & b=$!
ra=0; wait $a || ra=$?
rb=0; wait $b || rb=$?
[ $((ra + rb)) -eq 1 ] || fail "two ups of one lab: exit codes $ra and $rb"
grep -q "already up" "$tmp/a.out" "$tmp/b.out" || fail "the loser does not say 'already up'"
"$NETLAB" -q down "${P}s"

# status during up shows the lab as creating (or up), never crashes
"$NETLAB" -q up "$tmp/s.json" & a=$!
for i in $(seq 20); do "$NETLAB" status "${P}s" >/dev/null 2>&1 || true; "$NETLAB" list >/dev/null || fail "list failed during up"; done
wait $a || fail "up with status polling failed"
# execs in parallel in one lab
pids=""
for i in $(seq 10); do "$NETLAB" exec -l "${P}s" r1 sh -c 'sleep 0.2; hostname' > "$tmp/e$i.out" & pids="$pids $!"; done
for p in $pids; do wait $p || fail "a parallel exec failed"; done
for i in $(seq 10); do grep -qx r1 "$tmp/e$i.out" || fail "exec $i printed $(cat "$tmp/e$i.out")"; done
"$NETLAB" -q down "${P}s"
[ ! -e "/run/netlab/${P}s" ] || fail "lab left"
echo "ok: one lab serialises; status and exec during work"

# status and ping-all reading a lab while `down` ends the lab's processes: the readers never
# enter a node's namespace themselves (a short-lived thread makes their sockets), so `down`
# never takes them for the lab's processes (before: killed by SIGTERM about 1 time in 50)
for round in 1 2 3 4 5; do
	"$NETLAB" -q up "$tmp/s.json"
	: > "$tmp/rcs"
	pids=""
	for k in 1 2 3 4; do
		( while [ ! -e "$tmp/stop" ]; do
			rc=0; "$NETLAB" status "${P}s" >/dev/null 2>&1 || rc=$?; echo "status $rc" >> "$tmp/rcs"
		done ) & pids="$pids $!"
	done
	( while [ ! -e "$tmp/stop" ]; do
		rc=0; "$NETLAB" ping-all "${P}s" >/dev/null 2>&1 || rc=$?; echo "ping-all $rc" >> "$tmp/rcs"
	done ) & pids="$pids $!"
	sleep 0.3
	"$NETLAB" -q down "${P}s" || fail "round $round: down with readers failed"
	touch "$tmp/stop"
	for p in $pids; do wait $p; done
	rm -f "$tmp/stop"
	! awk '$2 >= 128' "$tmp/rcs" | grep . || fail "round $round: a reader was killed by down"
	[ "$(wc -l < "$tmp/rcs")" -gt 3 ] || fail "round $round: the readers did not run"
done
echo "ok: status and ping-all are never ended by a concurrent down ($(wc -l < "$tmp/rcs") reads in the last round)"
