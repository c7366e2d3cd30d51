# shellcheck shell=bash
# Sourced by tests/integration/test_*.sh. Gives every test:
#   $NETLAB   the binary under test (run.sh sets it; default: the repo's build/netlab)
#   $TMP      a private temporary directory for generated topologies and outputs
#   new_lab VAR [TAG]        a lab name of this test's own, stored in VAR and taken down at exit
#   lab_up LAB FILE          `netlab up FILE` (must exit 0) and record the lab's namespaces
#   fail, assert_eq, assert_contains, assert_not_contains, expect_exit (sets $OUT, $ERR)
#   watch_lab_start LAB, watch_lab_stop LAB   record the namespaces of an up expected to fail
#   proc_ended PID           the process is gone or a zombie
#   assert_clean LAB         nothing of the lab is left: netns, state, cgroups, processes, and
#                            the root namespace's links are those of the start
#   PRIVATE_RUN=1 (set before sourcing)  run in a mount namespace with private /run/netns
#                            and /run/netlab (for down --all; see below)
#   lab_pins LAB             names of the lab's entries in /run/netns
#   topo_small LAB FILE      a small lab: h1, h2 and r1 on switch sw1, h3 behind r1
#   $PY                      python3 for generating topologies and reading status --json
# Every test ends with assert_clean for every lab it used. The EXIT trap takes down every
# lab the test named, ends the processes the test started (by pid) and removes $TMP.
set -euo pipefail

# A test that sets PRIVATE_RUN=1 before sourcing this file runs in a mount namespace of its own
# with empty /run/netns and /run/netlab: `netlab down --all` there sees only the test's labs
# and cannot take down the labs of anyone else on the machine. The host's /run/netns stays
# visible (and follows the host) under $HOST_PINS, so that its namespaces still count as known.
# down --all also removes the cgroups of every lab whose state it does not find, which would be
# everyone else's here: an empty /sys/fs/cgroup hides them (so such a test's labs cannot have
# "limits").
HOST_PINS=""
HOST_NETLAB_PINS=""
if [ -n "${PRIVATE_RUN:-}" ]; then
	if [ -z "${NETLAB_TEST_IN_PRIVATE:-}" ]; then
		exec unshare --mount --propagation slave env NETLAB_TEST_IN_PRIVATE=1 bash "$0" "$@"
	fi
	mkdir -p /run/netns /run/netlab
	HOST_PINS=$(mktemp -d /tmp/netlab-it-hostpins.XXXXXX)
	mount --rbind /run/netns "$HOST_PINS"
	# the host's /run/netns entries are symlinks to pins under /run/netlab/.netns: keep those in view
	if [ -d /run/netlab/.netns ]; then
		HOST_NETLAB_PINS=$(mktemp -d /tmp/netlab-it-hostnetlabpins.XXXXXX)
		mount --rbind /run/netlab/.netns "$HOST_NETLAB_PINS"
	fi
	mount -t tmpfs -o mode=0755 netlab-test /run/netns
	mount -t tmpfs -o mode=0755 netlab-test /run/netlab
	mount -t tmpfs -o mode=0755 netlab-test /sys/fs/cgroup
fi

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB_DIR/../.." && pwd)
NETLAB=${NETLAB:-$REPO/build/netlab}
[ -x "$NETLAB" ] || { echo "FAIL: no netlab binary at $NETLAB (run make)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "FAIL: integration tests need root" >&2; exit 1; }

TEST_NAME=$(basename "$0" .sh)
TEST_NAME=${TEST_NAME#test_}
TMP=$(mktemp -d "/tmp/netlab-it-$TEST_NAME.XXXXXX")
LABS=()       # every lab name this test handed out
BG_PIDS=()    # every background process this test started
FOREIGN_NS=() # namespaces the test made itself with `ip netns add`
declare -A LAB_INODES # lab -> inodes of its network namespaces, recorded while it was up

# the system's python3 (a pyenv shim first in PATH costs a second per start)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "FAIL: the tests need python3" >&2; exit 1; }

# the names of a lab's namespaces under /run/netns, sorted (a glob: no ls | grep -q, whose ls
# may die of SIGPIPE under pipefail)
lab_pins() { # LAB
	local f
	for f in /run/netns/"$1".*; do
		# -L too: a symlink whose pin is gone is left over as well
		[ -e "$f" ] || [ -L "$f" ] && echo "${f##*/}"
	done
	return 0
}

root_links() { ip -o link show | awk -F': ' '{print $2}' | sort; }
netns_inode() { stat -L -c %i "$1" 2>/dev/null; }
# clock ticks since boot at which a process started (field 22 of /proc/PID/stat); builtins
# only, so that scans stay fast on a loaded machine; fails when there is no such process
proc_start() {
	local line f
	read -r line 2>/dev/null < "/proc/$1/stat" || return 1
	read -ra f <<< "${line##*) }"
	echo "${f[19]}"
}
# state letter of a process (R, S, D, Z...); fails when there is no such process
proc_state() {
	local line
	read -r line 2>/dev/null < "/proc/$1/stat" || return 1
	line=${line##*) }
	echo "${line%% *}"
}
# a process has ended: gone, or a zombie waiting for its parent
proc_ended() { local st; st=$(proc_state "$1") || return 0; [ "$st" = Z ] || [ "$st" = X ]; }
# "INODE PID" of the network namespace of every process that has one (not zombies)
all_proc_netns() {
	{ stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null || true; } |
		awk '{ split($2, p, "/"); print $1, p[3] }'
}

HOST_NETNS=$(netns_inode /proc/self/ns/net)
HOST_USERNS=$(stat -L -c %i /proc/self/ns/user)
LINKS_BEFORE=$(root_links)
TEST_START=$(proc_start $$)
# network namespaces in use by any process when the test began
NETNS_BEFORE=$(all_proc_netns | awk '{ print $1 }' | sort -u)

cleanup() {
	local rc=$? p l ns
	set +e
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	for l in "${LABS[@]}"; do
		[ -e "/run/netlab/$l" ] || [ -n "$(lab_pins "$l")" ] || continue
		"$NETLAB" -q down "$l" >/dev/null 2>&1 || "$NETLAB" -q down --force "$l" >/dev/null 2>&1
	done
	for ns in "${FOREIGN_NS[@]}"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	rm -rf "$TMP"
	if [ -n "$HOST_PINS" ]; then
		umount -R -l "$HOST_PINS" && rmdir "$HOST_PINS"
	fi
	if [ -n "$HOST_NETLAB_PINS" ]; then
		umount -R -l "$HOST_NETLAB_PINS" && rmdir "$HOST_NETLAB_PINS"
	fi
	if [ $rc -eq 0 ]; then
		echo "PASS: $TEST_NAME"
	elif [ $rc -ne 77 ]; then
		echo "test $TEST_NAME failed (exit $rc)" >&2
	fi
	exit $rc
}
trap cleanup EXIT
# a signal (run.sh's timeout) ends the test through cleanup too
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Lab names: letters, digits, '-', '_', at most 32; unique per test run (pid) and per lab (tag).
new_lab() {
	local var=$1 tag=${2:-}
	local name="t$$${TEST_NAME:0:8}${tag}"
	name=${name//[^A-Za-z0-9_-]/}
	[ ${#name} -le 32 ] || fail "lab name '$name' is too long"
	LABS+=("$name")
	printf -v "$var" '%s' "$name"
}

assert_eq() { # ACTUAL EXPECTED [WHAT]
	[ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_contains() { # HAYSTACK NEEDLE [WHAT]
	case $1 in
	*"$2"*) ;;
	*) fail "${3:-output} does not contain '$2'; it was:"$'\n'"$1" ;;
	esac
}

assert_not_contains() { # HAYSTACK NEEDLE [WHAT]
	case $1 in
	*"$2"*) fail "${3:-output} contains '$2'; it was:"$'\n'"$1" ;;
	esac
}

# expect_exit CODE CMD...: run CMD (stdin is the caller's: none under run.sh), require exit
# CODE ("nonzero" accepts any failure); its stdout and stderr are left in $OUT and $ERR.
expect_exit() {
	local want=$1 rc=0
	shift
	"$@" > "$TMP/.out" 2> "$TMP/.err" || rc=$?
	OUT=$(cat "$TMP/.out")
	ERR=$(cat "$TMP/.err")
	if [ "$want" = nonzero ]; then
		[ $rc -ne 0 ] && return 0
	elif [ $rc -eq "$want" ]; then
		return 0
	fi
	fail "'$*' exited $rc, expected $want; stdout:"$'\n'"$OUT"$'\n'"stderr:"$'\n'"$ERR"
}

record_lab() {
	local lab=$1 f inodes=""
	for f in /run/netns/"$lab".*; do
		[ -e "$f" ] && inodes+="$(netns_inode "$f" || true) "
	done
	[ -n "$inodes" ] || fail "lab $lab has no namespace in /run/netns"
	LAB_INODES[$lab]="${LAB_INODES[$lab]:-}$inodes"
}

# Record the namespaces of a lab while a command that is expected to fail builds it: a
# watcher notes every /run/netns/LAB.* inode it sees until watch_lab_stop adds them to the lab.
watch_lab_start() { # LAB
	local lab=$1
	while :; do
		stat -L -c %i /run/netns/"$lab".* 2>/dev/null || true
		sleep 0.005
	done > "$TMP/.watch-$lab" &
	WATCH_PID=$!
	BG_PIDS+=("$WATCH_PID")
}

watch_lab_stop() { # LAB
	kill "$WATCH_PID" 2>/dev/null || true
	wait "$WATCH_PID" 2>/dev/null || true
	LAB_INODES[$1]="${LAB_INODES[$1]:-} $(sort -u "$TMP/.watch-$1" | tr '\n' ' ')"
}

lab_up() { # LAB FILE
	expect_exit 0 "$NETLAB" up "$2"
	assert_contains "$OUT" "lab '$1' is up" "netlab up"
	record_lab "$1"
}

# Processes (other than zombies) in any of the given netns inodes.
procs_in() { # INODE...
	all_proc_netns | awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
		ok[$1] { print $2 }'
}

# Processes started since the test began that sit in a network namespace that is neither
# the host's, nor in use when the test began, nor pinned anywhere under /run/netns: what a
# half-built lab whose pins are gone would leave behind.
orphan_procs() {
	local known pid start
	known="$HOST_NETNS $NETNS_BEFORE $({ stat -L -c %i /run/netns/* ${HOST_PINS:+"$HOST_PINS"/*} \
		${HOST_NETLAB_PINS:+"$HOST_NETLAB_PINS"/*/*} 2>/dev/null || true; })"
	for pid in $(all_proc_netns | awk -v known="$known" '
		BEGIN { n = split(known, k, /[ \n]+/); for (i = 1; i <= n; i++) skip[k[i]] = 1 }
		!skip[$1] { print $2 }'); do
		start=$(proc_start "$pid") || continue
		# a user's lab (docs/rootless.md): its pins are inside its holder, not on the host
		[ "$(stat -L -c %i "/proc/$pid/ns/user" 2>/dev/null)" = "$HOST_USERNS" ] || continue
		[ "$start" -ge "$TEST_START" ] && echo "$pid"
	done
	return 0
}

# Processes in a namespace LAB had while it was up. Once the lab is down the kernel may give
# one of its namespace inode numbers to a new namespace: one pinned now under a name that is not
# the lab's is someone else's and does not count.
lab_leftovers() { # LAB
	local lab=$1 other
	[ -n "${LAB_INODES[$lab]:-}" ] || return 0
	# the other labs' namespaces: by /run/netns name, and by pin (host's, in a private run)
	other=$({ stat -L -c '%i %n' /run/netns/* ${HOST_PINS:+"$HOST_PINS"/*} 2>/dev/null || true; } |
		awk -v pre="$lab." '{ n = $2; sub(/.*\//, "", n); if (index(n, pre) != 1) print $1 }'
		[ -z "$HOST_NETLAB_PINS" ] || { stat -c '%i %n' "$HOST_NETLAB_PINS"/*/* 2>/dev/null || true; } |
			awk -v lab="$lab" '{ n = $2; sub(/\/[^\/]*$/, "", n); sub(/.*\//, "", n); if (n != lab) print $1 }')
	all_proc_netns | awk -v want="${LAB_INODES[$lab]}" -v other="$other" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1
			n = split(other, o, /[ \n]+/); for (i = 1; i <= n; i++) delete ok[o[i]] }
		ok[$1] { print $2 }'
}

# persisting FUNC ARGS...: the pids FUNC prints that it still prints on two more looks a second
# apart. Someone else's `up` may briefly have a process in a namespace it has not pinned yet
# (with an inode number that was ours): a process of ours that is left stays.
persisting() {
	local found
	found=$("$@")
	for _ in 1 2; do
		[ -n "$found" ] || break
		sleep 1
		found=$(comm -12 <(sort <<< "$found") <("$@" | sort))
	done
	[ -z "$found" ] || echo "$found"
}

describe_procs() {
	local p
	for p in "$@"; do
		echo "  pid $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"
	done
}

# Nothing of LAB is left: no /run/netns/LAB.* entry, no /run/netlab/LAB, no cgroup, no process
# in a namespace the lab had, no orphaned namespace with processes, root links as at the start.
assert_clean() {
	local lab=$1 left links orphans
	left=$(lab_pins "$lab")
	[ -z "$left" ] || fail "namespaces of $lab are left: $left"
	[ ! -e "/run/netlab/$lab" ] || fail "/run/netlab/$lab is left: $(ls -R "/run/netlab/$lab")"
	[ ! -e "/run/netlab/.netns/$lab" ] || fail "/run/netlab/.netns/$lab is left: $(ls "/run/netlab/.netns/$lab")"
	left=$(awk -v a="/run/netlab/$lab/" -v b="/run/netlab/.netns/$lab" \
		'index($5 "/", a) == 1 || index($5 "/", b "/") == 1 { print $5 }' /proc/self/mountinfo)
	[ -z "$left" ] || fail "mounts of $lab are left: $left"
	left=$(ls -d /sys/fs/cgroup/netlab/"$lab" /sys/fs/cgroup/*/netlab/"$lab" 2>/dev/null || true)
	[ -z "$left" ] || fail "cgroups of $lab are left: $left"
	left=$(persisting lab_leftovers "$lab")
	# shellcheck disable=SC2086 # one word per pid
	[ -z "$left" ] || fail "processes are left in lab $lab's namespaces:"$'\n'"$(describe_procs $left)"
	orphans=$(persisting orphan_procs)
	# shellcheck disable=SC2086 # one word per pid
	[ -z "$orphans" ] || fail "processes are left in unpinned namespaces:"$'\n'"$(describe_procs $orphans)"
	links=$(root_links)
	[ "$links" = "$LINKS_BEFORE" ] ||
		fail "root-namespace links changed:"$'\n'"$(diff <(echo "$LINKS_BEFORE") <(echo "$links") || true)"
}

# A small lab for tests that need just a working lab: h1, h2 and r1's eth0 on switch sw1
# (10.1.0.0/24, 2001:db8:1::/64), h3 on a point-to-point link behind r1 (10.0.13.0/30,
# 2001:db8:13::/64). Extra JSON members for h1 may be passed as $3 (e.g. '"hostname": "x",').
topo_small() { # LAB FILE [H1-EXTRA]
	cat > "$2" <<JSON
{
  "name": "$1",
  "nodes": {
    "h1": { ${3:-} "interfaces": { "eth0": { "addresses": ["10.1.0.10/24", "2001:db8:1::10/64"] } },
            "routes": [ { "to": "default", "via": "10.1.0.1" }, { "to": "default", "via": "2001:db8:1::1" } ] },
    "h2": { "interfaces": { "eth0": { "addresses": ["10.1.0.11/24", "2001:db8:1::11/64"] } },
            "routes": [ { "to": "default", "via": "10.1.0.1" }, { "to": "default", "via": "2001:db8:1::1" } ] },
    "sw1": { "kind": "switch" },
    "r1": { "kind": "router",
            "interfaces": { "eth0": { "addresses": ["10.1.0.1/24", "2001:db8:1::1/64"] },
                            "eth1": { "addresses": ["10.0.13.1/30", "2001:db8:13::1/64"] } } },
    "h3": { "interfaces": { "eth0": { "addresses": ["10.0.13.2/30", "2001:db8:13::2/64"] } },
            "routes": [ { "to": "default", "via": "10.0.13.1" }, { "to": "default", "via": "2001:db8:13::1" } ] }
  },
  "links": [
    { "endpoints": ["h1:eth0", "sw1"] },
    { "endpoints": ["h2:eth0", "sw1"] },
    { "endpoints": ["r1:eth0", "sw1"] },
    { "endpoints": ["r1:eth1", "h3:eth0"] }
  ]
}
JSON
}

# ping DST once from NODE of LAB (2 s timeout); both address families by the address.
lab_ping() { # LAB NODE DST
	local out
	out=$("$NETLAB" exec -l "$1" "$2" ping -c 1 -W 2 -q "$3" 2>&1) ||
		fail "lab $1: $2 cannot ping $3 (line ${BASH_LINENO[0]} of $0):"$'\n'"$out"
}
