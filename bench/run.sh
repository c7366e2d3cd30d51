#!/bin/bash
# `make bench`: how close netlab comes to the kernel's own pace.
#
# For line, star (one switch) and grid labs of about 100, 500 and 1,000 nodes it runs, side by
# side and interleaved (the order rotates every run), at least 3 times each:
#   netlab    `netlab -v up FILE` and `netlab down LAB`, timed from outside (process start to
#             exit: parsing, validation, state and all), under /usr/bin/time for the peak RSS
#   limit     build/bench/baseline (bench/baseline.c): the same lab's kernel work alone, raw
#             batched netlink, timed inside around the kernel work (no parsing, no exec),
#             its links wired as netlab's (each end a veth to a wire namespace; the anatomy
#             prices one veth pair a link too),
#             its pins laid out as netlab's (-l: a tmpfs, named by symlinks in /run/netns;
#             the anatomy prices the classic layout too)
#   ip        bench/ipbatch.py's iproute2 script: one `ip -batch` for namespaces and links,
#             then one `ip -n NS -batch` per node; `ip -batch` of `netns del` to take it down
# Between runs it waits for the kernel's asynchronous namespace cleanup: `down` only unpins,
# the kernel frees the namespaces afterwards in a work queue (1,000 take a second or more), and
# that work would tax the next run. The wait is `baseline settle`: the kernel frees namespaces
# in batches, in order, one batch at a time; a sentinel namespace with an id in ours is dropped
# behind the lab's, and a second one once the first's RTM_DELNSID has come: the second's
# RTM_DELNSID means the batch holding the lab's namespaces is finished. (Counting namespaces in
# /proc/slabinfo does not work on a shared machine: other work makes and drops its own.)
# Then 0.3 s for RCU callbacks. The kernel's time is reported as "cleanup".
# The first run of each lab is checked (ping between two nodes of the lab) for every tool.
#
# If Mininet is installed (Debian's mininet; `scripts/deps.sh --bench` installs it), the line
# labs (BENCH_MININET="line grid" for grids too) are also built by bench/mnlab.py with Mininet's
# Python API: hosts and links only, no switch, no controller, in a network namespace of the
# benchmark's own (anything a cut-short run leaves goes with it); its host shells are ended by
# pid. Mininet's times are taken inside its script (no interpreter start), netlab's from outside.
# Then: per-node milliseconds; netlab's peak RSS; the memory per node of a running lab (the
# RSS of the processes in its namespaces: none without PID isolation; with "isolation":
# {"pid": true} one init per node) and the kernel memory it holds (Slab + Percpu, from
# /proc/meminfo, noisy); `netlab exec NODE true` against `ip netns exec NS true` and
# `nsenter --net=/run/netns/NS true`; and an anatomy of `up` at the largest line: netlab's
# own phases (-v) next to the baseline with netlab's extra work added one piece at a time.
#
# Environment: BENCH_RUNS (5: a 2-core machine is noisy; at least 3), BENCH_SIZES ("100 500 1000"), BENCH_EXEC (200 execs each),
# BENCH_ANATOMY (1), BENCH_BIG=1 adds a 4,096-node line: which limits bind (open files; the
# neighbour table, shared by all namespaces, measured by resolving every link's neighbours),
# raised (the host's net.ipv{4,6}.neigh.default.gc_thresh{1,2,3}: only raised, restored at the
# end), up and down timed. BENCH_ROOTLESS=0 skips bench/rootless.sh (a line as a user against root).
# NETLAB=path to the binary (build/netlab).
# Everything it creates is named bn<pid>... (netlab labs), bb<pid>... and bi<pid>... (the
# baseline's and ip's namespaces) and is removed on exit, also on failure or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# Pins on a tmpfs, as on a stock Debian where /run is one, in a mount namespace of our own so
# that nothing else on the machine sees them (BENCH_TMPFS=0: the machine's /run as it is).
if [ "${BENCH_TMPFS:-1}" = 1 ] && [ -z "${BENCH_IN_MOUNT_NS:-}" ] && [ "$(id -u)" = 0 ]; then
	exec unshare --mount --propagation private env BENCH_IN_MOUNT_NS=1 bash "$ROOT/bench/run.sh" "$@"
fi
if [ -n "${BENCH_IN_MOUNT_NS:-}" ]; then
	mkdir -p /run/netns /run/netlab
	mount -t tmpfs -o mode=0755,size=64m netlab-bench /run/netns
	mount --make-shared /run/netns
	mount -t tmpfs -o mode=0755,size=64m netlab-bench /run/netlab
fi
NETLAB=${NETLAB:-$ROOT/build/netlab}
RUNS=${BENCH_RUNS:-5}
SIZES=${BENCH_SIZES:-"100 500 1000"}
EXECS=${BENCH_EXEC:-200}
ANATOMY=${BENCH_ANATOMY:-1}
BIG=${BENCH_BIG:-0}
MN_SHAPES=${BENCH_MININET:-line}
BASE=$ROOT/build/bench/baseline
PY=/usr/bin/python3  # not a pyenv shim: those cost a second a call
[ -x "$PY" ] || PY=python3
T=$$
started=$EPOCHREALTIME

[ "$(id -u)" = 0 ] || { echo "bench: run as root (namespaces, bind mounts)" >&2; exit 1; }
for c in /usr/bin/time "$PY" ip nsenter gcc pkg-config; do
	command -v "$c" >/dev/null || { echo "bench: '$c' is missing (sh scripts/deps.sh)" >&2; exit 1; }
done
[ -x "$NETLAB" ] || { echo "bench: no $NETLAB (make)" >&2; exit 1; }
mkdir -p "$ROOT/build/bench"
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$BASE" bench/baseline.c \
	$(pkg-config --cflags --libs libmnl jansson) -lpthread

tmp=$(mktemp -d /tmp/netlab-bench.XXXXXX)
pindir=$tmp/pins  # the baseline's network namespace pins (-l: netlab's layout), on a tmpfs
utsdir=/run/netlab-bench-$T  # the anatomy's UTS pins: our tmpfs when there is one
[ -n "${BENCH_IN_MOUNT_NS:-}" ] && utsdir=/run/netlab/.bench-uts-$T
labs=()
declare -A sysctl_old=()
mn_pids=$tmp/mininet.pids  # every Mininet host shell, as bench/mnlab.py starts it
mn_py=""                   # the running bench/mnlab.py
mn_up=0 mn_down=0

cleanup() {
	local l n k
	trap - EXIT INT TERM
	for l in ${labs[@]+"${labs[@]}"}; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done
	# Mininet's host shells (only ours: by pid, and still a Mininet shell), then its script
	[ -n "$mn_py" ] && kill "$mn_py" 2>/dev/null
	if [ -s "$mn_pids" ]; then
		while read -r p; do
			grep -qa "mininet:" "/proc/$p/cmdline" 2>/dev/null && kill -9 "$p" 2>/dev/null
		done < "$mn_pids"
	fi
	for n in $(ls /run/netns 2>/dev/null | grep -E "^(bb|bi)${T}_" || true); do
		umount -l "/run/netns/$n" 2>/dev/null || true
		rm -f "/run/netns/$n"
	done
	if [ -d "$utsdir" ]; then
		while umount -l "$utsdir" 2>/dev/null; do :; done  # the anatomy's tmpfs with its pins
		for n in "$utsdir"/*; do [ -e "$n" ] && { umount -l "$n" 2>/dev/null || true; rm -f "$n"; }; done
		rmdir "$utsdir" 2>/dev/null || true
	fi
	while umount -l "$pindir" 2>/dev/null; do :; done
	for k in "${!sysctl_old[@]}"; do
		echo "${sysctl_old[$k]}" > "/proc/sys/${k//.//}" && echo "bench: restored $k = ${sysctl_old[$k]}" >&2
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log() { echo "bench: [$(secs $(($(usec "$EPOCHREALTIME") - $(usec "$started"))))] $*" >&2; }
usec() { local t=${1/./}; echo $((10#$t)); }  # EPOCHREALTIME -> microseconds
secs() { awk -v u="$1" 'BEGIN { printf "%.4f", u / 1e6 }'; }
fail() { log "FAILED: $*"; sed 's/^/  | /' "$tmp/err" >&2 2>/dev/null || true; exit 1; }

# --- waiting for the kernel ---

kmem_kib() { awk '$1 == "Slab:" || $1 == "Percpu:" { s += $2 } END { print s }' /proc/meminfo; }
# settle: until the kernel has finished freeing every namespace dropped so far (baseline.c's
# two sentinel namespaces behind them, see "baseline settle"), then 0.3 s for the RCU callbacks;
# prints the seconds the kernel took
settle() {
	local t
	t=$("$BASE" settle 120 2>"$tmp/settle.err") || { log "$(cat "$tmp/settle.err"); going on"; t=120; }
	sleep 0.3
	echo "$t"
}

# --- topologies ---

declare -A nodes_of lab_of pair_of
keys=()
grid_of() { case $1 in 100) echo 10x10 ;; 500) echo 22x23 ;; 1000) echo 32x32 ;;
	*) awk -v n="$1" 'BEGIN { r = int(sqrt(n)); c = int((n + r - 1) / r); printf "%dx%d", r, c }' ;; esac; }

# prepare KEY SHAPE ARGS...: the topology, its expanded form, the ip scripts, a pair to ping
prepare() {
	local key=$1 lab
	shift
	lab="bn${T}_$key"
	"$NETLAB" gen "$@" --name "$lab" -o "$tmp/$key.json"
	"$NETLAB" validate --explain "$tmp/$key.json" >"$tmp/$key.x.json"
	# the light mode ("mount": false: the host's files and process table) of the same lab
	"$PY" -c 'import json, sys
t = json.load(open(sys.argv[1])); t.setdefault("defaults", {})["isolation"] = {"mount": False}
json.dump(t, open(sys.argv[2], "w"))' "$tmp/$key.json" "$tmp/$key.light.json"
	"$PY" bench/ipbatch.py "$tmp/$key.x.json" "bi${T}_$key." "$tmp/$key.ip"
	lab_of[$key]=$lab
	read -r nodes_of[$key] pair_of[$key] < <("$PY" - "$tmp/$key.x.json" <<'PY'
import ipaddress, json, sys
t = json.load(open(sys.argv[1]))
# two nodes (not switches) with addresses in one subnet: the second's address is pinged
seen = {}
pair = "- -"
for name, n in t["nodes"].items():
    if n.get("kind") == "switch":
        continue
    for ifn, ifc in n.get("interfaces", {}).items():
        for a in ifc.get("addresses", []):
            i = ipaddress.ip_interface(a)
            if ifn == "lo" or i.version != 4 or i.network.prefixlen == 32:
                continue
            if i.network in seen and seen[i.network][0] != name and pair == "- -":
                pair = f"{seen[i.network][0]} {i.ip}"
            seen.setdefault(i.network, (name, i.ip))
print(len(t["nodes"]), pair.replace(" ", ":"))
PY
)
	keys+=("$key")
}

# --- one run of each tool: each sets dur (seconds); netlab_up also rss_kib and phases ---

declare -A res
dur=0 rss_kib=0 phases=""
elapsed() { dur=$(secs $(($(usec "$2") - $(usec "$1")))); }
# netlab_up KEY; phases: namespaces links nodes after before (seconds, from -v)
netlab_up() {
	local key=$1 file=$tmp/$1${2:+.$2}.json s e
	s=$EPOCHREALTIME
	/usr/bin/time -f %M -o "$tmp/rss" "$NETLAB" -v up "$file" >"$tmp/out" 2>"$tmp/err" ||
		fail "netlab up $key"
	e=$EPOCHREALTIME
	labs+=("${lab_of[$key]}")
	elapsed "$s" "$e"
	rss_kib=$(tail -1 "$tmp/rss")
	phases=$(awk -v total="$dur" '
		/creating [0-9]+ bridges/ { l = $(NF - 7) } /configuring [0-9]+ addresses/ { c = $(NF - 7) }
		/isolating nodes/ { i = $(NF - 3) }
		/ is up: / { u = $(NF - 1) }
		END { if (l == "" || c == "" || i == "" || u == "") print "- - - - -"
		      else printf "%.4f %.4f %.4f %.4f %.4f\n", l, c - l, i - c, u - i, total - u }' "$tmp/err" "$tmp/out")
}
netlab_down() {
	local s e
	s=$EPOCHREALTIME
	"$NETLAB" -q down "$1" 2>"$tmp/err" || fail "netlab down $1"
	e=$EPOCHREALTIME
	elapsed "$s" "$e"
}
# base_run up|down KEY [OPTIONS...]: the baseline's own measure of its kernel work, its pins
# laid out as netlab's (-l), or as `ip netns` makes them with the option -c
base_run() {
	local dir=$1 key=$2 layout=(-l "$pindir")
	shift 2
	[ "${1:-}" = -c ] && { layout=(); shift; }
	"$BASE" "${layout[@]}" "$@" "$dir" "bb${T}_$key." "$tmp/$key.x.json" >"$tmp/out" 2>"$tmp/err" ||
		fail "baseline $dir $key"
	dur=$(cat "$tmp/out")
}
ip_up() {
	local s e
	s=$EPOCHREALTIME
	sh -e "$tmp/$1.ip/up.sh" >/dev/null 2>"$tmp/err" || fail "ip -batch up $1"
	e=$EPOCHREALTIME
	elapsed "$s" "$e"
}
ip_down() {
	local s e
	s=$EPOCHREALTIME
	ip -batch "$tmp/$1.ip/down.batch" 2>"$tmp/err" || fail "ip -batch down $1"
	e=$EPOCHREALTIME
	elapsed "$s" "$e"
}
# mininet_run KEY: up, check and down with Mininet; sets mn_up and mn_down
mininet_run() {
	local out
	: > "$mn_pids"
	unshare --net "$PY" bench/mnlab.py "$tmp/$1.x.json" "$mn_pids" >"$tmp/out" 2>"$tmp/err" &
	mn_py=$!
	wait "$mn_py" || { mn_py=""; fail "mininet $1"; }
	mn_py=""
	out=$(tail -1 "$tmp/out")
	read -r _ mn_up _ mn_down <<<"$out"
	[ -n "$mn_down" ] || fail "mininet $1: no times in '$out'"
}
# check KEY PREFIX FIRST: the lab has all its namespaces and (first run) one address answers
check() {
	local key=$1 pfx=$2 have src dst
	have=$(ls /run/netns | grep -c "^${pfx//./\\.}" || true)
	[ "$have" = "${nodes_of[$key]}" ] || { echo "only $have of ${nodes_of[$key]} namespaces" >"$tmp/err"; fail "$key: $pfx"; }
	[ "$3" = 1 ] || return 0
	src=${pair_of[$key]%%:*} dst=${pair_of[$key]#*:}
	[ "$src" = - ] && return 0
	ip netns exec "$pfx$src" ping -c 1 -W 2 "$dst" >"$tmp/err" 2>&1 || fail "$key: $pfx$src cannot ping $dst"
}

# one_tool TOOL KEY RUN: up, check, down, wait for the kernel; results in res[]
one_tool() {
	local tool=$1 key=$2 run=$3 k0 k1
	k0=$(kmem_kib)
	case $tool in
	netlab) netlab_up "$key" ;;
	light) netlab_up "$key" light ;;
	base) base_run up "$key" ;;
	classic) base_run up "$key" -c ;;
	ip) ip_up "$key" ;;
	mininet) mininet_run "$key"; dur=$mn_up ;;
	esac
	res[$key,$tool,up,$run]=$dur
	k1=$(kmem_kib)
	res[$key,$tool,kmem,$run]=$((k1 - k0))
	case $tool in
	netlab)
		res[$key,rss,$run]=$rss_kib
		res[$key,phases,$run]=$phases
		check "$key" "${lab_of[$key]}." "$run"
		netlab_down "${lab_of[$key]}"
		;;
	light)
		check "$key" "${lab_of[$key]}." "$run"
		netlab_down "${lab_of[$key]}"
		;;
	base)
		check "$key" "bb${T}_$key." "$run"
		base_run down "$key"
		;;
	classic)
		check "$key" "bb${T}_$key." "$run"
		base_run down "$key" -c
		;;
	ip)
		check "$key" "bi${T}_$key." "$run"
		ip_down "$key"
		;;
	mininet) dur=$mn_down ;;
	esac
	res[$key,$tool,down,$run]=$dur
	res[$key,$tool,cleanup,$run]=$(settle)
}

median() { tr ' ' '\n' | awk 'NF && $1 != "-"' | sort -g |
	awk '{ v[NR] = $1 } END { if (!NR) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() {  # med KEY FIELD...: the median over the runs of res[KEY,FIELD...,run]
	local k=$1 f=$2 vals="" r
	shift 2
	for r in $(seq "$RUNS"); do
		f2="$k,$f"; for x in "$@"; do f2="$f2,$x"; done
		vals="$vals ${res[$f2,$r]:--}"
	done
	echo "$vals" | median
}

# exec_bench CALLS LAB NODE [PIDLAB]: netlab exec, ip netns exec, nsenter (and netlab exec in a
# PID-isolated lab), interleaved by tens; per call from the shell, fork and exec included
exec_bench() {
	local calls=$1 lab=$2 node=$3 pidlab=${4:-} tool what i s e
	local -A ex=()
	local execs=(netlab ipnetns nsenter) cmd
	[ -n "$pidlab" ] && execs+=(netlabpid)
	for i in $(seq $(((calls + 9) / 10))); do
		for tool in "${execs[@]}"; do
			case $tool in
			netlab) cmd=("$NETLAB" exec -l "$lab" "$node" true) ;;
			ipnetns) cmd=(ip netns exec "$lab.$node" true) ;;
			nsenter) cmd=(nsenter "--net=/run/netns/$lab.$node" true) ;;
			netlabpid) cmd=("$NETLAB" exec -l "$pidlab" "$node" true) ;;
			esac
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				s=$EPOCHREALTIME
				"${cmd[@]}" || fail "${cmd[*]}"
				e=$EPOCHREALTIME
				ex[$tool]="${ex[$tool]:-} $(($(usec "$e") - $(usec "$s")))"
			done
		done
	done
	for tool in "${execs[@]}"; do
		case $tool in
		netlab) what="netlab exec NODE true" ;;
		ipnetns) what="ip netns exec NS true" ;;
		nsenter) what="nsenter --net=/run/netns/NS true" ;;
		netlabpid) what="netlab exec NODE true (PID-isolated node)" ;;
		esac
		echo "${ex[$tool]}" | tr ' ' '\n' | awk 'NF' | sort -n | awk -v w="$what" '{ v[NR] = $1; s += $1 }
			END { printf "  %-44s median %6.2f  mean %6.2f  p90 %6.2f\n", w, v[int((NR + 1) / 2)] / 1e3, s / NR / 1e3, v[int(NR * 0.9)] / 1e3 }'
	done
}

# ===================================================================================
log "$(nproc) cores, kernel $(uname -r), $(ip -V | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "pins on $(stat -f -c %T /run/netns) (/run/netns), $(stat -f -c %T /run/netlab) (/run/netlab)$([ -n "${BENCH_IN_MOUNT_NS:-}" ] && echo ", in a mount namespace of the benchmark's own")"
log "runs $RUNS, sizes $SIZES; preparing topologies"
for n in $SIZES; do
	prepare "line$n" line "$n"
	prepare "star$n" star "$n"
	prepare "grid$n" grid "$(grid_of "$n")"
done
settle >/dev/null

have_mininet=0
"$PY" -c 'import mininet.net' 2>/dev/null && command -v mnexec >/dev/null && have_mininet=1
mn_keys=()
with_mininet() {  # KEY: is Mininet run on this lab?
	local shape=${1%%[0-9]*}
	[ "$have_mininet" = 1 ] && [[ " $MN_SHAPES " == *" $shape "* ]]
}
for key in "${keys[@]}"; do with_mininet "$key" && mn_keys+=("$key"); done
log "Mininet: $([ "$have_mininet" = 1 ] && echo "on ${mn_keys[*]:-no lab} (BENCH_MININET=\"$MN_SHAPES\")" || echo "not installed (sh scripts/deps.sh --bench installs it)")"

for run in $(seq "$RUNS"); do
	for key in "${keys[@]}"; do
		tools=(netlab light base classic ip)
		with_mininet "$key" && tools+=(mininet)
		# rotate the order: netlab base ip, base ip netlab, ip netlab base, ...
		order=()
		for i in "${!tools[@]}"; do order+=("${tools[$(((i + run - 1) % ${#tools[@]}))]}"); done
		for tool in "${order[@]}"; do one_tool "$tool" "$key" "$run"; done
		log "run $run/$RUNS ${key}: up netlab ${res[$key,netlab,up,$run]} limit ${res[$key,base,up,$run]} ip ${res[$key,ip,up,$run]}$(with_mininet "$key" && echo " mininet ${res[$key,mininet,up,$run]}"); down netlab ${res[$key,netlab,down,$run]} limit ${res[$key,base,down,$run]} ip-netns-pins ${res[$key,classic,down,$run]} ip ${res[$key,ip,down,$run]}$(with_mininet "$key" && echo " mininet ${res[$key,mininet,down,$run]}") s; cleanup ${res[$key,netlab,cleanup,$run]} s; load $(cut -d' ' -f1 /proc/loadavg)"
	done
done

echo
echo "netlab up/down against the limit (bench/baseline.c: the same lab's kernel work alone) and ip -batch;"
echo "medians of $RUNS interleaved runs, seconds; peak RSS of netlab up; cleanup: the kernel's freeing after down"
printf "%-10s %5s | %7s %7s %7s | %7s %7s %7s | %8s %8s | %7s %7s | %7s %7s\n" \
	topology nodes "netlab" "limit" "ip" "netlab" "limit" "ip" "nl/lim" "nl/lim" "ip/nl" "ip/nl" "peakRSS" "cleanup"
printf "%-10s %5s | %7s %7s %7s | %7s %7s %7s | %8s %8s | %7s %7s | %7s %7s\n" \
	"" "" "up" "up" "up" "down" "down" "down" "up" "down" "up" "down" "MiB" "s"
for key in "${keys[@]}"; do
	awk -v k="$key" -v n="${nodes_of[$key]}" \
		-v nu="$(med "$key" netlab up)" -v bu="$(med "$key" base up)" -v iu="$(med "$key" ip up)" \
		-v nd="$(med "$key" netlab down)" -v bd="$(med "$key" base down)" -v id="$(med "$key" ip down)" \
		-v rss="$(med "$key" rss)" -v cl="$(med "$key" netlab cleanup)" 'BEGIN {
		printf "%-10s %5d | %7.3f %7.3f %7.3f | %7.3f %7.3f %7.3f | %7.2fx %7.2fx | %6.1fx %6.1fx | %7.1f %7.1f\n",
			k, n, nu, bu, iu, nd, bd, id, nu / bu, nd / bd, iu / nu, id / nd, rss / 1024, cl }'
done

echo
echo "nodes as hosts (the default: their own mount and PID namespaces, made on first use) against the"
echo "light mode (\"isolation\": {\"mount\": false}), medians of $RUNS interleaved runs, seconds:"
printf "%-10s %5s | %8s %8s %8s | %8s %8s %8s | %8s\n" topology nodes default light ratio default light ratio "def/lim"
printf "%-10s %5s | %8s %8s %8s | %8s %8s %8s | %8s\n" "" "" up up up down down down up
for key in "${keys[@]}"; do
	awk -v k="$key" -v n="${nodes_of[$key]}" -v nu="$(med "$key" netlab up)" -v lu="$(med "$key" light up)" \
		-v nd="$(med "$key" netlab down)" -v ld="$(med "$key" light down)" -v bu="$(med "$key" base up)" 'BEGIN {
		printf "%-10s %5d | %8.3f %8.3f %7.2fx | %8.3f %8.3f %7.2fx | %7.2fx\n", k, n, nu, lu, nu / lu, nd, ld, nd / ld, nu / bu }'
done

echo
echo "per node, milliseconds (medians):"
printf "%-10s %5s | %9s %9s %9s | %11s %10s | %12s\n" topology nodes "netlab up" "limit up" "ip up" "netlab down" "limit down" "kernel KiB"
for key in "${keys[@]}"; do
	awk -v k="$key" -v n="${nodes_of[$key]}" -v nu="$(med "$key" netlab up)" -v bu="$(med "$key" base up)" \
		-v iu="$(med "$key" ip up)" -v nd="$(med "$key" netlab down)" -v bd="$(med "$key" base down)" \
		-v km="$(med "$key" netlab kmem)" 'BEGIN {
		printf "%-10s %5d | %9.3f %9.3f %9.3f | %11.3f %10.3f | %12.1f\n", k, n, nu * 1e3 / n, bu * 1e3 / n,
			iu * 1e3 / n, nd * 1e3 / n, bd * 1e3 / n, km / n }'
done
echo "(kernel KiB: Slab + Percpu growth of /proc/meminfo across netlab up, per node; other work on the machine adds noise)"

echo
echo "down, medians of $RUNS, seconds: the limit with netlab's pin layout (a tmpfs per lab, one unmount) and"
echo "with the pins in /run/netns as ip netns makes them (one unmount each: the layout netlab had before)"
printf "%-10s %5s | %8s %8s %8s %8s | %8s %8s\n" topology nodes netlab limit "ip-netns" ip "nl/lim" "nl/ipns"
for key in "${keys[@]}"; do
	awk -v k="$key" -v n="${nodes_of[$key]}" -v nd="$(med "$key" netlab down)" -v bd="$(med "$key" base down)" \
		-v cd="$(med "$key" classic down)" -v id="$(med "$key" ip down)" 'BEGIN {
		printf "%-10s %5d | %8.4f %8.4f %8.4f %8.4f | %7.2fx %7.2fx\n", k, n, nd, bd, cd, id, nd / bd, nd / cd }'
done

if [ ${#mn_keys[@]} -gt 0 ]; then
	echo
	echo "Mininet $("$PY" -c 'import mininet.net; print(mininet.net.VERSION)') (bench/mnlab.py: hosts and links with their IPv4 addresses only, no switch,"
	echo "no controller; timed inside its script) against netlab, medians of $RUNS, seconds:"
	printf "%-10s %5s | %8s %8s %8s | %8s %8s %8s | %10s\n" topology nodes "mininet" "netlab" "mn/nl" "mininet" "netlab" "mn/nl" "mn/limit"
	printf "%-10s %5s | %8s %8s %8s | %8s %8s %8s | %10s\n" "" "" up up up down down down up
	for key in "${mn_keys[@]}"; do
		awk -v k="$key" -v n="${nodes_of[$key]}" -v mu="$(med "$key" mininet up)" -v nu="$(med "$key" netlab up)" \
			-v md="$(med "$key" mininet down)" -v nd="$(med "$key" netlab down)" -v bu="$(med "$key" base up)" 'BEGIN {
			printf "%-10s %5d | %8.3f %8.3f %7.1fx | %8.3f %8.3f %7.1fx | %9.1fx\n", k, n, mu, nu, mu / nu, md, nd, md / nd, mu / bu }'
	done
	echo "(mn/limit: how much faster than Mininet the kernel's own work is: no tool can beat Mininet by more)"
fi

# netlab's phases (from -v): where the time goes
echo
echo "netlab up by phase (medians, seconds): start = exec, parse, validate, plan, state before the first namespace"
printf "%-10s %7s %9s %7s %7s %9s %7s\n" topology start namespaces links nodes "isolate+" total
for key in "${keys[@]}"; do
	for i in 1 2 3 4 5; do
		eval "p$i=\$(for r in \$(seq $RUNS); do echo \${res[$key,phases,\$r]} | cut -d' ' -f$i; done | tr '\n' ' ' | median)"
	done
	# shellcheck disable=SC2154
	awk -v k="$key" -v a="$p1" -v b="$p2" -v c="$p3" -v d="$p4" -v e="$p5" -v t="$(med "$key" netlab up)" 'BEGIN {
		printf "%-10s %7.3f %9.3f %7.3f %7.3f %9.3f %7.3f\n", k, e, a, b, c, d, t }'
done
echo "(isolate+: isolation, startup, state writes and exit, to 10 ms: netlab prints its total with 2 decimals)"

# ===================================================================================
# memory of a running lab, and exec
small=line$(echo "$SIZES" | tr ' ' '\n' | sort -n | head -1)
lab=${lab_of[$small]}
n_small=${nodes_of[$small]}
# rss_per_node LAB NODES: KiB of the processes whose network namespace is one of the lab's
rss_per_node() {
	"$PY" - "$1" "$2" <<'PY'
import glob, os, sys
lab, n = sys.argv[1], int(sys.argv[2])
inodes = {os.stat(p).st_ino for p in glob.glob(f"/run/netns/{lab}.*")}
total = count = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if os.stat(f"/proc/{pid}/ns/net").st_ino not in inodes:
            continue
        rss = [l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:")]
    except OSError:
        continue
    count += 1
    total += int(rss[0].split()[1]) if rss else 0
print(f"{total / n:.1f} KiB per node ({count} processes, {total} KiB)")
PY
}
echo
log "memory and exec"
settle >/dev/null
k0=$(kmem_kib)
"$NETLAB" -q up "$tmp/$small.json"
labs+=("$lab")
k1=$(kmem_kib)
echo "running $small lab (no isolation): $(rss_per_node "$lab" "$n_small"); kernel $(( (k1 - k0) / n_small )) KiB per node"
"$PY" - "$tmp/$small.json" "$tmp/pid.json" "bn${T}_pid" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["name"] = sys.argv[3]
d["defaults"] = {"isolation": {"pid": True}}
json.dump(d, open(sys.argv[2], "w"))
PY
k0=$(kmem_kib)
s=$EPOCHREALTIME
"$NETLAB" -q up "$tmp/pid.json" 2>"$tmp/err" || fail "netlab up (pid isolation)"
e=$EPOCHREALTIME
labs+=("bn${T}_pid")
k1=$(kmem_kib)
echo "running $small lab with \"isolation\": {\"pid\": true} (up in $(secs $(($(usec "$e") - $(usec "$s")))) s): $(rss_per_node "bn${T}_pid" "$n_small"); kernel $(( (k1 - k0) / n_small )) KiB per node"

# exec: interleaved blocks of 10; per call, from the shell (fork and exec included, as a user sees it)
node=${pair_of[$small]%%:*}
[ "$node" = - ] && node=r1
echo
echo "exec of 'true' in a node of the running $small lab, $EXECS calls each, interleaved (ms):"
exec_bench "$EXECS" "$lab" "$node" "bn${T}_pid"
"$NETLAB" -q down "bn${T}_pid"
"$NETLAB" -q down "$lab"
settle >/dev/null

# ===================================================================================
# anatomy: the largest line, the baseline plus netlab's extra work, one piece at a time
if [ "$ANATOMY" = 1 ]; then
	big=line$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -1)
	mkdir -p "$utsdir"
	# every variant but "classic" pins as netlab does (-l: a tmpfs, symlinks in /run/netns)
	variants=("plain:-l $pindir:the limit above" "pairs:-l $pindir -P:one veth pair a link, no wire namespace (no cable to pull)"
		"classic::pins in /run/netns, one unmount each (ip netns)"
		"1thread:-l $pindir -t 1:namespaces made by one thread (not one per CPU)"
		"no-ll:-l $pindir -4:without IPv6 link-local addresses (IPv4 only)"
		"uts:-l $pindir -u $utsdir:+ UTS namespace, host name, pin on a tmpfs" "sysctl:-l $pindir -s:+ IPv6 forwarding written per router via /proc"
		"psysctl:-l $pindir -s -p:+ the same written via a private procfs (netlab)" "netlab-like:-l $pindir -u $utsdir -s -p:+ UTS and private-procfs write: netlab's recipe")
	declare -A an=()
	log "anatomy"
	for run in $(seq "$RUNS"); do
		for v in "${variants[@]}"; do
			name=${v%%:*} rest=${v#*:} opts=${rest%%:*}
			# shellcheck disable=SC2086
			"$BASE" $opts up "bb${T}_$big." "$tmp/$big.x.json" >/dev/null 2>"$tmp/err" || fail "baseline $opts"
			an[$name,$run]=$(sed -n 's/.*namespaces \([0-9.]*\) s, links \([0-9.]*\) s, nodes \([0-9.]*\) s, total \([0-9.]*\) s.*/\1 \2 \3 \4/p' "$tmp/err")
			# shellcheck disable=SC2086
			an[$name,$run]="${an[$name,$run]} $("$BASE" $opts down "bb${T}_$big." "$tmp/$big.x.json" 2>/dev/null)"
			settle >/dev/null
		done
	done
	echo
	echo "anatomy of up, $big (${nodes_of[$big]} nodes), medians of $RUNS, seconds:"
	printf "  %-58s %10s %7s %7s %7s %7s\n" "" namespaces links nodes "up" "down"
	for v in "${variants[@]}"; do
		name=${v%%:*} rest=${v#*:} what=${rest#*:}
		row=""
		for i in 1 2 3 4 5; do
			row="$row $(for r in $(seq "$RUNS"); do echo "${an[$name,$r]}" | cut -d' ' -f$i; done | tr '\n' ' ' | median)"
		done
		# shellcheck disable=SC2086
		printf "  %-58s %10.3f %7.3f %7.3f %7.3f %7.3f\n" "baseline $what" $row
	done
	for i in 1 2 3 4 5; do
		eval "q$i=\$(for r in \$(seq $RUNS); do echo \${res[$big,phases,\$r]} | cut -d' ' -f$i; done | tr '\n' ' ' | median)"
	done
	# shellcheck disable=SC2154
	printf "  %-58s %10.3f %7.3f %7.3f %7.3f %7.3f\n" "netlab (-v phases, from the main runs)" \
		"$q1" "$q2" "$q3" "$(awk -v a="$q1" -v b="$q2" -v c="$q3" 'BEGIN { print a + b + c }')" "$(med "$big" netlab down)"
	echo "  (netlab's up here is its three phases; before them: $q5 s, after them: $q4 s; its down is the whole command)"
	rmdir "$utsdir" 2>/dev/null || true
fi

# ===================================================================================
# BENCH_BIG=1: 4,096 nodes in a line
if [ "$BIG" = 1 ]; then
	prepare line4096 line 4096
	key=line4096
	links=$((${nodes_of[$key]} - 1))
	echo
	echo "4,096-node line ($links links):"
	echo "  open files: soft $(ulimit -Sn), hard $(ulimit -Hn) (netlab needs about one per node while it builds, the"
	echo "  baseline two, and raise their own soft limit to the hard one; without CAP_SYS_RESOURCE the hard limit binds)"
	# neighbours: every router resolves the address across each of its links (a UDP datagram
	# sends an ARP request; the far end answers only if it could add the sender to its table)
	resolve() {  # prints: IPv4 resolved/expected, IPv6 resolved/expected neighbour entries
		"$PY" - "/run/netlab/${lab_of[$key]}/wiring.json" "${lab_of[$key]}." <<'PY'
import ctypes, ipaddress, json, os, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
# the lab's links and every planned address (netlab's IPv6 link-local ones included)
w = json.load(open(sys.argv[1])); pfx = sys.argv[2]
addrs = {}  # (node, ifname, family) -> address
for name, n in w["nodes"].items():
    for ifn, a in n.get("addresses", []):
        i = ipaddress.ip_interface(a)
        if ifn != "lo":
            addrs.setdefault((name, ifn, i.version), str(i.ip))
self_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
def enter(node):
    fd = os.open(f"/run/netns/{pfx}{node}", os.O_RDONLY)
    libc.setns(fd, 0); os.close(fd)
# a datagram across every link each way: the kernel resolves the far end (ARP, or ND for
# the peer's link-local address), and the far end adds the sender to its own table
expected = {4: 0, 6: 0}
for link in w["links"]:
    (na, ia), (nb, ib) = (e.rsplit(":", 1) for e in link["endpoints"])
    for fam in (4, 6):
        dst = addrs.get((nb, ib, fam))
        if not dst:
            continue
        enter(na)
        s = socket.socket(socket.AF_INET if fam == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            s.sendto(b"x", (dst, 9) if fam == 4 else (dst, 9, 0, socket.if_nametoindex(ia)))
        except OSError:
            pass
        s.close()
        expected[fam] += 2
libc.setns(self_fd, 0)
time.sleep(3)
def neighbours(family):  # resolved entries in this namespace (RTM_GETNEIGH dump)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    s.sendto(struct.pack("=IHHII", 28, 30, 0x301, 1, 0) + struct.pack("=BxxxiHBB", family, 0, 0, 0, 0), (0, 0))
    n = 0
    while True:
        data, off = s.recv(1 << 16), 0
        while off < len(data):
            ln, typ = struct.unpack_from("=IH", data, off)
            if typ == 3 or typ == 2:  # NLMSG_DONE, NLMSG_ERROR
                s.close()
                return n
            state = struct.unpack_from("=H", data, off + 16 + 8)[0]
            n += bool(state & 0x1e)  # NUD_REACHABLE, NUD_STALE, NUD_DELAY, NUD_PROBE: resolved
            off += (ln + 3) & ~3
found = {4: 0, 6: 0}
for node in w["nodes"]:
    enter(node)
    found[4] += neighbours(socket.AF_INET)
    found[6] += neighbours(socket.AF_INET6)
libc.setns(self_fd, 0)
print(f"IPv4 {found[4]}/{expected[4]}, IPv6 {found[6]}/{expected[6]}")
PY
	}
	thresh_keys=()
	for fam in ipv4 ipv6; do for i in 1 2 3; do thresh_keys+=("net.$fam.neigh.default.gc_thresh$i"); done; done
	cur=""
	for k in "${thresh_keys[@]}"; do cur="$cur ${k#net.} $(cat "/proc/sys/${k//.//}")"; done
	echo "  neighbour table (shared by every namespace):$cur"
	s=$EPOCHREALTIME
	"$NETLAB" -q up "$tmp/$key.json" 2>"$tmp/err" || fail "netlab up $key (default limits)"
	e=$EPOCHREALTIME
	labs+=("${lab_of[$key]}")
	echo "  with these limits: netlab up in $(secs $(($(usec "$e") - $(usec "$s")))) s; neighbours resolved across every link: $(resolve)"
	"$NETLAB" -q down "${lab_of[$key]}"
	settle >/dev/null
	# raise the thresholds: entries for both ends of every link, v4 and v6, with room
	need=$((links * 2))
	raised=""
	for k in "${thresh_keys[@]}"; do
		f=/proc/sys/${k//.//} old=$(cat "$f")
		case $k in *1) want=$need ;; *2) want=$((need * 2)) ;; *3) want=$((need * 4)) ;; esac
		if [ "$old" -lt "$want" ]; then
			sysctl_old[$k]=$old
			echo "$want" >"$f"
			raised="$raised ${k#net.} $old->$want"
		fi
	done
	echo "  raised (restored at exit):${raised:- nothing}"
	for run in $(seq "$RUNS"); do
		for tool in netlab base; do one_tool "$tool" "$key" "$run"; done
		log "big run $run/$RUNS: up netlab ${res[$key,netlab,up,$run]} limit ${res[$key,base,up,$run]}; down netlab ${res[$key,netlab,down,$run]} limit ${res[$key,base,down,$run]} s; cleanup ${res[$key,netlab,cleanup,$run]} s"
	done
	"$NETLAB" -q up "$tmp/$key.json" 2>"$tmp/err" || fail "netlab up $key"
	echo "  with the thresholds raised: neighbours resolved across every link: $(resolve)"
	echo "  exec of 'true' in node r2048 of the running 4,096-node lab, 20 calls each (ms; each exec without"
	echo "  mount isolation copies the mount table, which holds every pin):"
	exec_bench 20 "${lab_of[$key]}" r2048
	"$NETLAB" -q down "${lab_of[$key]}"
	settle >/dev/null
	# what netlab's extra work costs at this size: the baseline with each piece (one run each)
	mkdir -p "$utsdir"
	for v in "-l $pindir -s:+ IPv6 forwarding written per router via /proc" "-l $pindir -s -p:+ the same via a private procfs (netlab)" \
		"-l $pindir -u $utsdir:+ UTS namespace, host name, pin on a tmpfs" ":with the pins in /run/netns, one unmount each (ip netns)"; do
		opts=${v%%:*}
		# shellcheck disable=SC2086
		"$BASE" $opts up "bb${T}_$key." "$tmp/$key.x.json" >/dev/null 2>"$tmp/err" || fail "baseline $opts"
		# shellcheck disable=SC2086
		d=$("$BASE" $opts down "bb${T}_$key." "$tmp/$key.x.json" 2>/dev/null)
		echo "  baseline ${v#*:}: up $(sed -n 's/.*total \([0-9.]*\) s.*/\1/p' "$tmp/err") s ($(sed -n 's/.*\(namespaces [0-9.]* s\).*/\1/p' "$tmp/err")), down $d s"
		settle >/dev/null
	done
	rmdir "$utsdir" 2>/dev/null || true
	awk -v n="${nodes_of[$key]}" -v nu="$(med "$key" netlab up)" -v bu="$(med "$key" base up)" \
		-v nd="$(med "$key" netlab down)" -v bd="$(med "$key" base down)" -v rss="$(med "$key" rss)" \
		-v cl="$(med "$key" netlab cleanup)" -v km="$(med "$key" netlab kmem)" -v runs="$RUNS" 'BEGIN {
		printf "  medians of %d: netlab up %.3f s (%.3f ms/node), limit %.3f s (%.3f ms/node), %.2fx;\n", runs, nu, nu * 1e3 / n, bu, bu * 1e3 / n, nu / bu
		printf "  down netlab %.3f s, limit %.3f s, %.2fx; netlab peak RSS %.1f MiB; kernel %.0f KiB per node; kernel cleanup after down %.1f s\n", nd, bd, nd / bd, rss / 1024, km / n, cl }'
	for tool in netlab base; do
		line=""
		for k in "${keys[@]}"; do
			case $k in line*) line="$line, ${nodes_of[$k]} nodes $(awk -v t="$(med "$k" $tool up)" -v n="${nodes_of[$k]}" 'BEGIN { printf "%.3f", t * 1e3 / n }')" ;; esac
		done
		echo "  $( [ $tool = netlab ] && echo "netlab" || echo "limit ") up of a line, ms per node:${line#,}"
	done
fi

[ "$have_mininet" = 1 ] || { echo; echo "Mininet: not installed, not compared (sh scripts/deps.sh --bench installs it)"; }
log "done in $(secs $(($(usec "$EPOCHREALTIME") - $(usec "$started")))) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# labs without root: a line as a user against root (bench/rootless.sh)
[ "${BENCH_ROOTLESS:-1}" = 1 ] && { echo; BENCH_ROOTLESS_MOUNTED=1 bash "$ROOT/bench/rootless.sh"; }
