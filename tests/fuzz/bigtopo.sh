#!/bin/bash
# Very large topologies (10,000 nodes) validate in bounded time and memory: generate them with
# `netlab gen`, run `netlab validate` (parse, pools, routes, checks) and `validate --explain`
# (also the expanded JSON) on each, and fail when one takes longer than BIG_SECONDS (default
# 10) or its peak RSS exceeds BIG_MIB (default 512). Needs no root. Prints what it measured.
# Static routing gives every router a route to every subnet, ~10^8 routes for 10,000 routers
# by design: it is checked on 400 and 1,000 routers (0.46 and 2.9 million routes), validate only
# (--explain would print them all). Each run is stopped at three times the bound.
set -euo pipefail
cd "$(dirname "$0")/../.."
max_s=${BIG_SECONDS:-10}
max_mib=${BIG_MIB:-512}
make --no-print-directory -s all
NETLAB=${NETLAB:-$PWD/build/netlab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# run "$@" under the bounds; sets secs and kib (peak RSS: VmHWM, as getrusage's ru_maxrss)
measure() {
	local rc=0
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%e %M" -o "$tmp/time" timeout -k 5 "$((max_s * 3))" "$@" \
			>"$tmp/out" 2>"$tmp/err" || rc=$?
		read -r secs kib < <(tail -1 "$tmp/time")
	else
		# no GNU time (Debian package "time"): poll VmHWM from /proc while it runs
		local t0 t1 pid hwm
		t0=$(date +%s.%N)
		"$@" >"$tmp/out" 2>"$tmp/err" &
		pid=$!
		kib=0
		while kill -0 "$pid" 2>/dev/null; do
			hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
			[ -n "$hwm" ] && [ "$hwm" -gt "$kib" ] && kib=$hwm
			sleep 0.02
		done
		wait "$pid" || rc=$?
		t1=$(date +%s.%N)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	fi
	return $rc
}

check() {
	local what=$1 expect_rc=$2 rc=0
	shift 2
	measure "$@" || rc=$?
	printf '%-48s %6s s %6d MiB  exit %d\n' "$what" "$secs" "$((kib / 1024))" "$rc"
	if [ "$rc" -ne "$expect_rc" ]; then
		echo "FAIL: $what: exit $rc (expected $expect_rc): $(head -3 "$tmp/err")"
		fail=1
	elif ! awk -v s="$secs" -v k="$kib" -v ms="$max_s" -v mk="$((max_mib * 1024))" \
		'BEGIN { exit !(s <= ms && k <= mk) }'; then
		echo "FAIL: $what: over the bound of $max_s s and $max_mib MiB"
		fail=1
	fi
}

nodes() {
	python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["nodes"]))' "$1" 2>/dev/null || echo "?"
}

for shape in "line 10000" "ring 10000 --ipv6" "grid 100x100" "star 10000" "full 64" \
	"fattree 32" "tree --depth 5 --fanout 6 --switches"; do
	# shellcheck disable=SC2086
	"$NETLAB" gen $shape -o "$tmp/big.json"
	n=$(nodes "$tmp/big.json")
	check "validate $shape ($n nodes)" 0 "$NETLAB" validate "$tmp/big.json"
	check "validate --explain $shape" 0 "$NETLAB" validate --explain "$tmp/big.json"
	echo "  (explained: $(($(wc -c < "$tmp/out") / 1024)) KiB of JSON)"
done

for shape in "grid 20x20 --routing static" "grid 25x40 --routing static"; do
	# shellcheck disable=SC2086
	"$NETLAB" gen $shape -o "$tmp/big.json"
	check "validate $shape ($(nodes "$tmp/big.json") nodes)" 0 "$NETLAB" validate "$tmp/big.json"
done

# a broken 10,000-node topology: every error reported, still in bounded time
"$NETLAB" gen line 10000 -o "$tmp/big.json"
sed -i 's/"r\([0-9]*\)": "router"/"r\1": "rooter"/' "$tmp/big.json"
check "validate line 10000 with 10,000 errors" 2 "$NETLAB" validate "$tmp/big.json"
errors=$(grep -c "error:" "$tmp/err" || true)
echo "  ($errors errors reported)"
[ "$errors" -ge 10000 ] || { echo "FAIL: only $errors errors reported"; fail=1; }

[ "$fail" -eq 0 ] && echo "ok: 10,000-node topologies validate within $max_s s and $max_mib MiB"
exit "$fail"
