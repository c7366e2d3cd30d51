#!/bin/bash
# Issue 16: ping-all is exact at any size (a 10x20 grid with static routes: every pair
# answers), prints a summary and the failures grouped by (source, destination prefix),
# takes --timeout, --sample, --from/--to, exits 1 when a pair fails and warns (exit 1)
# on a lab with no address to ping.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab G g
"$NETLAB" gen grid 10x20 --routing static --name "$G" -o "$TMP/grid.json"
lab_up "$G" "$TMP/grid.json"

# every pair of the grid answers (it used to fail 153,007 of 187,060), in well under a minute
start=$(date +%s)
expect_exit 0 "$NETLAB" ping-all "$G"
secs=$(( $(date +%s) - start ))
total=$(sed -n 's/^ping-all: \([0-9]*\) passed, 0 failed$/\1/p' <<< "$OUT")
[ -n "$total" ] || fail "ping-all on the grid: $OUT"
[ "$total" -gt 150000 ] || fail "ping-all probed only $total pairs of the grid"
[ "$secs" -le 40 ] || fail "ping-all on the grid took ${secs}s"
assert_eq "$(wc -l <<< "$OUT")" 1 "lines of a clean ping-all"

# --sample K: K pairs, the summary says of how many and how to repeat the choice
expect_exit 0 "$NETLAB" ping-all --sample 100 --seed 5 "$G"
assert_eq "$OUT" "ping-all: 100 passed, 0 failed; a sample of 100 of $total pairs (--seed 5)"
expect_exit 0 "$NETLAB" ping-all --json --sample 100 --seed 5 "$G"
a=$($PY -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]), d["selected"], d["passed"])' <<< "$OUT")
assert_eq "$a" "100 $total 100" "--sample --json"
expect_exit 0 "$NETLAB" ping-all --json --sample 100 --seed 5 "$G"
b=$($PY -c 'import json,sys; d=json.load(sys.stdin); print(len(d["results"]), d["selected"], d["passed"])' <<< "$OUT")
assert_eq "$b" "$a" "--sample with the same --seed"
expect_exit 2 "$NETLAB" ping-all --sample 0 "$G"
assert_contains "$ERR" "--sample takes a positive number"

# --from/--to: only those sources and destinations (names, shell patterns, comma lists)
n_addr=$(ip -n "$G.r10-20" -o addr show scope global | wc -l)
expect_exit 0 "$NETLAB" ping-all --json --from 'r1-*,r2-1' --to r10-20 "$G"
a=$($PY -c '
import json, sys, fnmatch
d = json.load(sys.stdin)
srcs = {r["from"] for r in d["results"]}
assert all(r["to"] == "r10-20" and r["ok"] for r in d["results"]), "a pair outside the filter"
assert srcs == {"r1-%d" % i for i in range(1, 21)} | {"r2-1"}, srcs
print(len(d["results"]))' <<< "$OUT") || fail "--from/--to selected other pairs: $a"
assert_eq "$a" "$((21 * n_addr))" "pairs from r1-*,r2-1 to r10-20"
expect_exit 2 "$NETLAB" ping-all --from 'nope*' "$G"
assert_contains "$ERR" "--from 'nope*' matches no running node of lab '$G'"

# a link down: exit 1, failures grouped (far fewer lines than failed pairs), each one real
expect_exit 0 "$NETLAB" link -l "$G" r5-5:eth1 down
# (the sources of three rows around the link: the same pairs in both runs, in less time)
rows='r4-*,r5-*,r6-*'
expect_exit 1 "$NETLAB" ping-all --json --from "$rows" "$G"
echo "$OUT" > "$TMP/down.json"
expect_exit 1 "$NETLAB" ping-all --from "$rows" "$G"
failed=$(sed -n 's/^ping-all: [0-9]* passed, \([0-9]*\) failed in \([0-9]*\) groups (source, destination prefix)$/\1 \2/p' <<< "$OUT")
[ -n "$failed" ] || fail "no grouped summary: $(tail -3 <<< "$OUT")"
read -r nfail ngroups <<< "$failed"
[ "$nfail" -gt 0 ] && [ "$ngroups" -lt "$nfail" ] || fail "$nfail failures in $ngroups groups"
assert_eq "$(grep -c '^FAIL ' <<< "$OUT")" "$(( ngroups < 50 ? ngroups : 50 ))" "FAIL lines"
[ "$ngroups" -le 50 ] || assert_contains "$OUT" "... and $((ngroups - 50)) more groups"
$PY - "$TMP/down.json" "$nfail" "$ngroups" > "$TMP/check" <<'PY' || fail "grouping of the failures: $(cat "$TMP/check")"
import ipaddress, json, sys
d = json.load(open(sys.argv[1]))
bad = [r for r in d["results"] if not r["ok"]]
assert len(bad) == int(sys.argv[2]) == d["failed"], (len(bad), d["failed"])
assert len(d["groups"]) == int(sys.argv[3])
by = {}
for g in d["groups"]:
    by.setdefault(g["from"], []).append(g)
keys = {}
for r in bad:
    g = [g for g in by.get(r["from"], []) if ipaddress.ip_address(r["address"]) in ipaddress.ip_network(g["prefix"])]
    assert len(g) == 1 and r["to"] in g[0]["to"], r
    keys[(g[0]["from"], g[0]["prefix"])] = keys.get((g[0]["from"], g[0]["prefix"]), 0) + 1
assert all(keys[(g["from"], g["prefix"])] == g["failed"] for g in d["groups"])
# a few failed pairs and a few passed ones, for ping by hand
for r in bad[::max(1, len(bad) // 4)][:4]:
    print("bad", r["from"], r["address"])
good = [r for r in d["results"] if r["ok"]]
for r in good[::max(1, len(good) // 4)][:4]:
    print("good", r["from"], r["address"])
PY
while read -r what from addr; do
	rc=0; ip netns exec "$G.$from" ping -c 1 -W 1 -q "$addr" > /dev/null 2>&1 || rc=$?
	if [ "$what" = bad ]; then [ $rc -ne 0 ] || fail "$from reaches $addr by hand, ping-all said no"
	else [ $rc -eq 0 ] || fail "$from does not reach $addr by hand, ping-all said yes"; fi
done < "$TMP/check"

# --timeout: each try's wait (3 tries): 300ms finishes failing pairs well before the 1 s default
read -r from addr < <(grep '^bad' "$TMP/check" | head -1 | cut -d' ' -f2-)
to=$($PY -c 'import json,sys; print([r["to"] for r in json.load(open(sys.argv[1]))["results"] if r["from"]==sys.argv[2] and r["address"]==sys.argv[3]][0])' "$TMP/down.json" "$from" "$addr")
for t in 300ms 1s; do
	s=$(date +%s%N)
	expect_exit 1 "$NETLAB" ping-all --timeout "$t" --from "$from" --to "$to" "$G"
	ms=$(( ($(date +%s%N) - s) / 1000000 ))
	case $t in
	300ms) [ "$ms" -ge 850 ] && [ "$ms" -lt 2500 ] || fail "--timeout 300ms took ${ms}ms" ;;
	1s) [ "$ms" -ge 2900 ] || fail "the default 1s timeout took ${ms}ms" ;;
	esac
done
expect_exit 2 "$NETLAB" ping-all --timeout 0 "$G"
assert_contains "$ERR" "--timeout takes a time"
expect_exit 0 "$NETLAB" link -l "$G" r5-5:eth1 up
expect_exit 0 "$NETLAB" ping-all --sample 2000 "$G"
expect_exit 0 "$NETLAB" down "$G"
assert_clean "$G"

# a lab without addresses: nothing to test is a warning and exit 1, not a pass
new_lab N n
cat > "$TMP/bare.json" <<JSON
{ "name": "$N", "nodes": { "a": {}, "b": {} }, "links": [ { "endpoints": ["a:eth0", "b:eth0"] } ] }
JSON
lab_up "$N" "$TMP/bare.json"
expect_exit 1 "$NETLAB" ping-all "$N"
assert_contains "$ERR" "warning: lab '$N' has no addresses to ping"
assert_eq "$OUT" "" "ping-all's output on a lab without addresses"
expect_exit 0 "$NETLAB" down "$N"
assert_clean "$N"
