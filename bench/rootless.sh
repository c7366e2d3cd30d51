#!/bin/bash
# `make bench`, labs without root (issue 20; docs/rootless.md): a 200-node line
# (`netlab gen line 200 --routing static`) brought up and down by root and by an ordinary user
# made here (useradd; removed at exit), interleaved (the order swaps every run), timed from
# outside (process start to exit, both through setpriv and env -i); between runs `baseline settle` waits for the kernel's
# freeing of the namespaces. Reports each run, the medians and the user/root ratio (the
# issue's goal: within 1.2x). BENCH_ROOTLESS_BIG=1 (the default) also brings up and down a
# 1,000-node line as the user, once.
# Environment: BENCH_ROOTLESS_RUNS (7), BENCH_ROOTLESS_NODES (200), NETLAB (build/netlab).
# Root's labs are made in a mount namespace of this script's own (pins on a tmpfs, as run.sh
# does); the user's under its own root (/tmp/netlab-UID); both named br<pid>...
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ -z "${BENCH_IN_MOUNT_NS:-}" ] && [ "$(id -u)" = 0 ]; then
	exec unshare --mount --propagation private env BENCH_IN_MOUNT_NS=1 bash "$ROOT/bench/rootless.sh" "$@"
fi
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it makes a user)" >&2; exit 1; }
mkdir -p /run/netns /run/netlab
if [ -z "${BENCH_ROOTLESS_MOUNTED:-}" ]; then
	mount -t tmpfs -o mode=0755,size=64m netlab-bench /run/netns
	mount --make-shared /run/netns
	mount -t tmpfs -o mode=0755,size=64m netlab-bench /run/netlab
fi
NETLAB=${NETLAB:-$ROOT/build/netlab}
RUNS=${BENCH_ROOTLESS_RUNS:-7}
NODES=${BENCH_ROOTLESS_NODES:-200}
BIG=${BENCH_ROOTLESS_BIG:-1}
BASE=$ROOT/build/bench/baseline
[ -x "$NETLAB" ] || { echo "bench: no $NETLAB (make)" >&2; exit 1; }
if [ ! -x "$BASE" ]; then
	mkdir -p "$ROOT/build/bench"
	# shellcheck disable=SC2046 # pkg-config's flags are words
	gcc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$BASE" bench/baseline.c \
		$(pkg-config --cflags --libs libmnl jansson) -lpthread
fi
T=$$
U=nlb$T
tmp=$(mktemp -d /tmp/netlab-bench-rootless.XXXXXX)
chmod 755 "$tmp"
cp "$NETLAB" "$tmp/netlab"
N=$tmp/netlab
made_user=0

# both through setpriv and env -i, alike (runuser's PAM session would add 30-50 ms to the user's)
as() { setpriv --reuid="$U" --regid="$(id -g "$U")" --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ "$@"; }
asroot() { setpriv --reuid=0 --regid=0 --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ "$@"; }
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	set +e
	"$N" -q down "br${T}r" >/dev/null 2>&1
	if [ $made_user = 1 ]; then
		as "$N" -q down --all >/dev/null 2>&1
		for p in $(ps -u "$U" -o pid= 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		rm -rf "/tmp/netlab-$(id -u "$U")"
		userdel "$U"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

useradd -M -s /bin/sh "$U"
made_user=1
settle() { "$BASE" settle 120 >/dev/null 2>&1 || sleep 1; sleep 0.3; }
# seconds a command takes, from outside
timed() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }; echo "$s $EPOCHREALTIME" | awk '{ printf "%.3f", $2 - $1 }'; }
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$N" gen line "$NODES" --routing static --name "br${T}r" > "$tmp/r.json"
"$N" gen line "$NODES" --routing static --name "br${T}u" > "$tmp/u.json"
chmod 644 "$tmp"/*.json
declare -a ru rd uu ud
echo "labs without root: a $NODES-node line, up and down by root and by a user, interleaved, seconds"
printf '  %-4s %8s %8s %8s %8s\n' run "root up" "user up" "root dn" "user dn"
for i in $(seq "$RUNS"); do
	for who in $( [ $((i % 2)) = 1 ] && echo "root user" || echo "user root"); do
		if [ "$who" = root ]; then
			ru[i]=$(timed asroot "$N" up "$tmp/r.json")
			"$N" exec -l "br${T}r" r1 ping -c 1 -W 2 -q 10.0.0.2 >/dev/null || echo "  (root's r1 -> r2 failed)"
			rd[i]=$(timed asroot "$N" down "br${T}r")
		else
			uu[i]=$(timed as "$N" up "$tmp/u.json")
			as "$N" exec -l "br${T}u" r1 ping -c 1 -W 2 -q 10.0.0.2 >/dev/null || echo "  (the user's r1 -> r2 failed)"
			ud[i]=$(timed as "$N" down "br${T}u")
		fi
		settle
	done
	printf '  %-4s %8s %8s %8s %8s\n' "$i" "${ru[i]}" "${uu[i]}" "${rd[i]}" "${ud[i]}"
done
mru=$(echo "${ru[*]}" | median)
muu=$(echo "${uu[*]}" | median)
mrd=$(echo "${rd[*]}" | median)
mud=$(echo "${ud[*]}" | median)
awk -v a="$mru" -v b="$muu" -v c="$mrd" -v d="$mud" -v n="$RUNS" 'BEGIN {
	printf "  medians of %d: up root %.3f s, user %.3f s: %.2fx (goal: within 1.2x); down root %.3f s, user %.3f s: %.2fx\n", n, a, b, b / a, c, d, d / c }'
echo "  (the user's times include its holder (with newuidmap and newgidmap) and its copy of /etc)"
if [ "$BIG" = 1 ]; then
	"$N" gen line 1000 --name "br${T}k" > "$tmp/k.json"
	chmod 644 "$tmp/k.json"
	up=$(timed as "$N" up "$tmp/k.json")
	as "$N" exec -l "br${T}k" r1 ping -c 1 -W 2 -q 10.128.0.2 >/dev/null || echo "  (r1 -> r2 of 1,000 failed)"
	dn=$(timed as "$N" down "br${T}k")
	echo "  1,000-node line as the user: up $up s, down $dn s"
	settle
fi
