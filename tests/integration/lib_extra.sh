# shellcheck shell=bash
# More helpers for tests/integration/test_*.sh; sourced after lib.sh (which it needs: fail,
# netns_inode, proc_start, proc_ended, procs_in, $NETLAB, $PY, $TMP).
#   X LAB NODE CMD...           netlab exec -l LAB NODE CMD...
#   poll SECS CMD...            run CMD every second until it succeeds; 1 if it never did
#   node_procs LAB [NODE]       "pid:starttime" of every live process in the lab's (node's) netns
#   assert_procs_gone REC...    each "pid:starttime" process is gone (or a zombie) within 5 s
#   assert_no_cgroup LAB        no cgroup of the lab in any hierarchy (v1 or v2)
#   assert_gone LAB             quick, between steps: no netns, state, cgroup or process of the
#                               lab (lib.sh's assert_clean also scans the machine for orphans
#                               and root links; each test ends with it)
#   status_addrs LAB            "node iface address" lines from status --json (no lo/link-local
#                               defaults), sorted
#   iperf_bps LAB SRV DST CLI SECS   bits per second received, iperf3 from CLI to SRV (DST)
#   reaches LAB NODE DST        one ping answered (for poll)
#   kernel_linklocal NETNS      EUI-64 link-local addresses the kernel made on veth ends
#   fail_later MSG, finish_later   failures reported at the end of the test

X() { # LAB NODE CMD...
	local lab=$1
	shift
	"$NETLAB" exec -l "$lab" "$@"
}

poll() { # SECS CMD...
	local secs=$1 i
	shift
	for ((i = 0; i < secs; i++)); do
		"$@" && return 0
		sleep 1
	done
	"$@"
}

node_procs() { # LAB [NODE]
	local lab=$1 node=${2:-} f pid start inodes=""
	if [ -n "$node" ]; then
		inodes=$(netns_inode "/run/netns/$lab.$node") || fail "no namespace /run/netns/$lab.$node"
	else
		for f in /run/netns/"$lab".*; do
			[ -e "$f" ] && inodes+=" $(netns_inode "$f" || true)"
		done
	fi
	for pid in $(procs_in $inodes); do
		start=$(proc_start "$pid") || continue
		proc_ended "$pid" || echo "$pid:$start"
	done
}

# alive: the same process (pid and start time) exists and has not exited
rec_alive() { # PID:START
	[ "$(proc_start "${1%%:*}")" = "${1#*:}" ] && ! proc_ended "${1%%:*}"
}

assert_procs_gone() { # REC...
	local r i left
	for ((i = 0; i < 50; i++)); do
		left=""
		for r in "$@"; do rec_alive "$r" && left+=" $r"; done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	for r in $left; do
		echo "  pid ${r%%:*} ($(cat "/proc/${r%%:*}/comm" 2>/dev/null)) is still running" >&2
	done
	fail "processes of the lab survived down:$left"
}

assert_no_cgroup() { # LAB
	local c
	for c in memory cpu pids cpuacct unified; do
		[ ! -e "/sys/fs/cgroup/$c/netlab/$1" ] || fail "cgroup /sys/fs/cgroup/$c/netlab/$1 is left"
	done
	[ ! -e "/sys/fs/cgroup/netlab/$1" ] || fail "cgroup /sys/fs/cgroup/netlab/$1 is left"
}

status_addrs() { # LAB
	"$NETLAB" status --json "$1" | "$PY" -c '
import json, sys
for n in json.load(sys.stdin)["labs"][0]["nodes"]:
    for f in n["interfaces"]:
        for a in f["addresses"]:
            if a in ("127.0.0.1/8", "::1/128") or a.startswith("fe80:"):
                continue
            print(n["name"], f["name"], a)' | sort
}

iperf_bps() { # LAB SERVER-NODE SERVER-ADDRESS CLIENT-NODE SECONDS
	local lab=$1 srv=$2 dst=$3 cli=$4 secs=$5 i
	# one test, then the server exits; it runs in the lab's namespace, so down ends it too
	X "$lab" "$srv" iperf3 -s -1 -D > /dev/null || fail "iperf3 server in $srv"
	for ((i = 0; i < 50; i++)); do
		X "$lab" "$srv" sh -c 'ss -ltn | grep -q ":5201 "' && break
		sleep 0.1
	done
	X "$lab" "$cli" iperf3 -c "$dst" -t "$secs" -J > "$TMP/iperf.json" || fail "iperf3 client in $cli: $(cat "$TMP/iperf.json")"
	"$PY" -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$TMP/iperf.json"
}

# A quick check between the steps of a test (lib.sh's assert_clean also looks for orphans on
# the whole machine, a second apart when it sees any; each test still ends with it): no
# /run/netns/LAB.*, no /run/netlab/LAB, no cgroup, no process in a namespace the lab had.
assert_gone() { # LAB
	local lab=$1 left pinned ino inodes=""
	left=$(ls /run/netns 2> /dev/null | grep "^$lab\." || true)
	[ -z "$left" ] || fail "namespaces of $lab are left: $left"
	[ ! -e "/run/netlab/$lab" ] || fail "/run/netlab/$lab is left"
	assert_no_cgroup "$lab"
	# a freed namespace's inode number may be reused at once by another lab's new namespace:
	# an inode pinned under /run/netns now (the lab's pins are gone) is someone else's
	pinned=" $({ stat -L -c %i /run/netns/* 2> /dev/null || true; } | tr '\n' ' ') "
	for ino in ${LAB_INODES[$lab]:-}; do
		case $pinned in *" $ino "*) ;; *) inodes+=" $ino" ;; esac
	done
	[ -n "$inodes" ] || return 0
	left=$(procs_in $inodes)
	[ -z "$left" ] || fail "processes are left in lab $lab's namespaces:"$'\n'"$(describe_procs $left)"
}

# Link-local addresses the kernel made itself (EUI-64 from the interface's MAC) on the veth
# ends of a node, "IFACE ADDRESS" per line. netlab turns that generation off and gives each veth
# end a link-local address of its own (README, "How it works"): there should be none.
kernel_linklocal() { # NETNS
	local j
	j=$(ip -d -j -n "$1" addr show) && [ -n "$j" ] || fail "ip -d -j -n $1 addr show failed"
	"$PY" -c '
import ipaddress, json, sys
for i in json.load(sys.stdin):
    mac = i.get("address", "")
    if i.get("link_type") != "ether" or i.get("linkinfo", {}).get("info_kind") != "veth" or len(mac) != 17:
        continue
    b = bytes.fromhex(mac.replace(":", ""))
    eui = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    ll = ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + eui)
    for a in i.get("addr_info", []):
        if a["family"] == "inet6" and ipaddress.IPv6Address(a["local"]) == ll:
            print(i["ifname"], a["local"])' <<< "$j"
}

# Failures that should not stop the rest of a test: printed at once, recorded, and fatal when
# the test calls finish_later (at its end).
LATER=()
fail_later() { echo "FAIL (reported at the end): $*" >&2; LATER+=("$*"); }
finish_later() {
	[ ${#LATER[@]} -eq 0 ] && return 0
	printf 'FAIL: %s\n' "${LATER[@]}" >&2
	exit 1
}

# NODE of LAB gets an answer from DST (one ping, 1 s): for poll
reaches() { # LAB NODE DST
	"$NETLAB" exec -l "$1" "$2" ping -c 1 -W 1 -q "$3" > /dev/null 2>&1
}
