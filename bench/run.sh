#!/bin/bash
# `make bench`: netlab against the kernel's own pace (bench/baseline.c) and an ip -batch
# script, side by side and interleaved, on line, star and grid labs of about 100, 500 and
# 1,000 nodes. Between runs it waits until the kernel has freed the namespaces of the last
# one: the kernel frees namespaces asynchronously, so each run starts once the net_namespace
# count in /proc/slabinfo has stopped changing for a second (and at least a second after).
# BENCH_RUNS (default 3) runs each; BENCH_SIZES to pick sizes ("100 500 1000").
set -euo pipefail
cd "$(dirname "$0")/.."
NETLAB=${NETLAB:-$PWD/build/netlab}
runs=${BENCH_RUNS:-3}
sizes=${BENCH_SIZES:-"100 500 1000"}
tmp=$(mktemp -d)
mkdir -p build/bench
gcc -O2 -Wall -Wextra -Werror -Wno-format-truncation -o build/bench/baseline bench/baseline.c \
	$(pkg-config --cflags --libs libmnl)
cleanup() {
	for l in $(ls /run/netlab 2>/dev/null | grep '^bench' || true); do "$NETLAB" -q down "$l" || true; done
	for n in $(ls /run/netns 2>/dev/null | grep -E '^(bb|bi)[0-9]' || true); do
		umount -l "/run/netns/$n" 2>/dev/null || true; rm -f "/run/netns/$n"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

netns_objs() { awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo; }
settle() {  # until the kernel's freeing of the last run's namespaces has stopped (at most 30 s)
	local last now stable=0
	sleep 1
	last=$(netns_objs)
	for _ in $(seq 150); do
		sleep 0.2
		now=$(netns_objs)
		if [ "$now" = "$last" ]; then stable=$((stable + 1)); else stable=0; fi
		[ $stable -ge 5 ] && return
		last=$now
	done
}
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }'; }

declare -A res
shapes=()
for n in $sizes; do
	case $n in 100) g=10x10 ;; 500) g=22x23 ;; 1000) g=32x32 ;; *) g=$(awk -v n="$n" 'BEGIN { r = int(sqrt(n)); printf "%dx%d", r, int(n / r) }') ;; esac
	for shape in "line $n" "star $n" "grid $g"; do
		key=$(echo "$shape" | tr ' ' '-')
		shapes+=("$key")
		$NETLAB gen $shape --name "bench$(echo "$key" | tr -d 'x-')" -o "$tmp/$key.json"
		"$NETLAB" validate --explain "$tmp/$key.json" > "$tmp/$key.explain.json"
		mkdir -p "$tmp/$key.b" "$tmp/$key.i"
		python3 bench/convert.py "$tmp/$key.explain.json" "bb$$." "$tmp/$key.b"
		python3 bench/convert.py "$tmp/$key.explain.json" "bi$$." "$tmp/$key.i"
	done
done

for run in $(seq "$runs"); do
	for key in "${shapes[@]}"; do
		lab=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$tmp/$key.json")
		settle; res[$key,netlab,up,$run]=$(t "$NETLAB" -q up "$tmp/$key.json")
		res[$key,netlab,down,$run]=$(t "$NETLAB" -q down "$lab")
		settle; res[$key,base,up,$run]=$(t build/bench/baseline up "bb$$." < "$tmp/$key.b/baseline.txt")
		res[$key,base,down,$run]=$(t build/bench/baseline down "bb$$." < "$tmp/$key.b/baseline.txt")
		settle; res[$key,ip,up,$run]=$(t sh -c "ip -batch $tmp/$key.i/ip-up.batch && bash $tmp/$key.i/ip-per-node.sh")
		res[$key,ip,down,$run]=$(t ip -batch "$tmp/$key.i/ip-down.batch")
		echo "run $run $key: netlab ${res[$key,netlab,up,$run]}/${res[$key,netlab,down,$run]} s, baseline ${res[$key,base,up,$run]}/${res[$key,base,down,$run]} s, ip -batch ${res[$key,ip,up,$run]}/${res[$key,ip,down,$run]} s (up/down)" >&2
	done
done

median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { local k=$1 tool=$2 dir=$3 vals=""; for r in $(seq "$runs"); do vals="$vals ${res[$k,$tool,$dir,$r]}"; done; echo "$vals" | median; }

echo
echo "medians of $runs interleaved runs, seconds (limit = bench/baseline.c, the kernel work alone)"
printf "%-11s %8s %8s %8s %8s %8s %8s %9s %9s %10s\n" topology "netlab↑" "limit↑" "ip↑" "netlab↓" "limit↓" "ip↓" "nl/limit↑" "nl/limit↓" "ip/netlab↑"
for key in "${shapes[@]}"; do
	nu=$(med "$key" netlab up); bu=$(med "$key" base up); iu=$(med "$key" ip up)
	nd=$(med "$key" netlab down); bd=$(med "$key" base down); id=$(med "$key" ip down)
	awk -v k="$key" -v nu="$nu" -v bu="$bu" -v iu="$iu" -v nd="$nd" -v bd="$bd" -v id="$id" 'BEGIN {
		printf "%-11s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.2fx %8.2fx %9.1fx\n", k, nu, bu, iu, nd, bd, id, nu / bu, nd / bd, iu / nu }'
done

# per node, netlab's peak memory, and what a running lab costs
echo
for key in "${shapes[@]}"; do
	case $key in line-*) ;; *) continue ;; esac
	n=${key#line-}
	awk -v n="$n" -v t="$(med "$key" netlab up)" 'BEGIN { printf "line %-5s up: %.3f ms per node\n", n, t * 1000 / n }'
done
big=$(printf '%s\n' "${shapes[@]}" | grep '^line-' | tail -1)
lab=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$tmp/$big.json")
settle
/usr/bin/time -f "%M" -o "$tmp/rss" "$NETLAB" -q up "$tmp/$big.json"
echo "netlab peak RSS during up of $big: $(cat "$tmp/rss") KiB"
rss_per_node() {  # lab nodes -> KiB of processes per node
	local total=0 inodes
	inodes=$(for f in /run/netns/"$1".*; do stat -L -c %i "$f"; done | sort -u)
	for p in /proc/[0-9]*; do
		i=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
		echo "$inodes" | grep -qx "$i" || continue
		r=$(awk '/^VmRSS/ { print $2 }' "$p/status" 2>/dev/null || echo 0)
		total=$((total + ${r:-0}))
	done
	awk -v t="$total" -v n="$2" 'BEGIN { printf "%.1f", t / n }'
}
echo "resident memory per node of the running $big lab: $(rss_per_node "$lab" "${big#line-}") KiB (no process per node)"
"$NETLAB" -q down "$lab"
python3 - "$tmp/line-100.json" "$tmp/pid.json" <<'PY' 2>/dev/null || "$NETLAB" gen line 100 -o "$tmp/line-100.json"
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = "benchpid"
d["defaults"] = {"isolation": {"pid": True}}
json.dump(d, open(sys.argv[2], "w"))
PY
settle
"$NETLAB" -q up "$tmp/pid.json"
echo "resident memory per node with PID isolation (one init each): $(rss_per_node benchpid 100) KiB"

# exec against ip netns exec and nsenter (200 each, interleaved by tens)
declare -A ex=([netlab]=0 [ipnetns]=0 [nsenter]=0)
for i in $(seq 20); do
	for tool in netlab ipnetns nsenter; do
		case $tool in
		netlab) cmd=("$NETLAB" exec -l benchpid r1 true) ;;
		ipnetns) cmd=(ip netns exec benchpid.r1 true) ;;
		nsenter) cmd=(nsenter --net=/run/netns/benchpid.r1 true) ;;
		esac
		s=$(date +%s%N); for _ in $(seq 10); do "${cmd[@]}"; done; e=$(date +%s%N)
		ex[$tool]=$((ex[$tool] + e - s))
	done
done
"$NETLAB" -q down benchpid
echo "exec of true, mean of 200 (PID-isolated node for netlab): netlab exec $(awk -v t="${ex[netlab]}" 'BEGIN { printf "%.2f", t / 200 / 1e6 }') ms, ip netns exec $(awk -v t="${ex[ipnetns]}" 'BEGIN { printf "%.2f", t / 200 / 1e6 }') ms, nsenter --net $(awk -v t="${ex[nsenter]}" 'BEGIN { printf "%.2f", t / 200 / 1e6 }') ms"
if command -v mn >/dev/null; then echo "(Mininet is installed but not run by this script)"; else echo "(Mininet is not installed: not compared)"; fi
