#!/bin/bash
# Issue 3: a node with PID, mount and IPC isolation. netlab's init is PID 1 and ps sees the
# node's processes only; a startup daemon runs inside and is gone after down; a mount made in
# the node is seen neither on the host nor in another node; a "files" entry is read-only inside
# and leaves the host untouched; /etc/hosts and /etc/hostname; a message queue stays in its
# node; env in exec and startup; logs; status --json; nothing left after down.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB
dir=$TMP/topo
mkdir -p "$dir"
echo "motd of the lab $LAB" > "$dir/motd.txt"
motd_sum=$(md5sum < "$dir/motd.txt")
motd_mtime=$(stat -c %Y "$dir/motd.txt")
etc_list=$(ls -a /etc)
probe=/etc/netlab-it-$$   # written inside a node's /etc; must not appear on the host
[ ! -e /etc/lab ] || fail "the host has /etc/lab already: this test cannot tell it apart"
ipcs_host_before=$(ipcs -q)

# a and b: PID, mount and IPC namespaces; c: none (the comparison)
"$PY" - "$LAB" "$dir/iso.json" <<'PY'
import json, sys
lab, path = sys.argv[1], sys.argv[2]
iso = {"pid": True, "mount": True, "ipc": True}
topo = {
    "name": lab,
    "nodes": {
        "a": {"isolation": iso, "env": {"FOO": "bar"},
              "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]},
                             "eth1": {"addresses": ["10.0.1.1/24"]}},
              "files": {"/etc/lab/motd": "motd.txt"},
              "startup": ["echo startup sees FOO=$FOO", "sleep 1000 &"]},
        "b": {"isolation": iso, "interfaces": {"eth0": {"addresses": ["10.0.0.2/24"]}}},
        "c": {"interfaces": {"eth0": {"addresses": ["10.0.1.2/24"]}}},
    },
    "links": ["a:eth0 -- b:eth0", "a:eth1 -- c:eth0"],
}
json.dump(topo, open(path, "w"), indent=1)
PY
lab_up "$LAB" "$dir/iso.json"

# --- PID: netlab-init is PID 1; ps sees exactly init, the startup daemon and ps itself
assert_eq "$(X "$LAB" a cat /proc/1/comm)" netlab-init "PID 1 in a"
assert_eq "$(X "$LAB" b cat /proc/1/comm)" netlab-init "PID 1 in b"
[ "$(X "$LAB" c cat /proc/1/comm)" != netlab-init ] || fail "c has no PID namespace but sees netlab-init as PID 1"
inside=$(X "$LAB" a ps -e -o pid=,comm=)
assert_eq "$(awk '{print $2}' <<< "$inside" | sort | tr '\n' ' ')" "netlab-init ps sleep " "processes seen by ps in a"
n=$(X "$LAB" a ps -e -o pid= | wc -l)
[ "$n" -le 3 ] || fail "ps -e in a lists $n processes: $inside"
# the same processes from the host: init and sleep, in a's network namespace
host_init="" sleeper=""
for r in $(node_procs "$LAB" a); do
	case $(cat "/proc/${r%%:*}/comm") in
	netlab-init) host_init=$r ;;
	sleep) sleeper=$r ;;
	*) fail "unexpected process in a: $(cat "/proc/${r%%:*}/cmdline" | tr '\0' ' ')" ;;
	esac
done
[ -n "$host_init" ] || fail "no netlab-init in a's network namespace, seen from the host"
[ -n "$sleeper" ] || fail "the startup daemon 'sleep 1000' is not running in a"
spid=${sleeper%%:*}
# it is in a PID namespace of its own, where it has the pid ps showed inside
[ "$(netns_inode "/proc/$spid/ns/pid")" != "$(netns_inode /proc/self/ns/pid)" ] || fail "the daemon is in the host's PID namespace"
inner=$(awk '/^NSpid:/ {print $3}' "/proc/$spid/status")
[ -n "$inner" ] || fail "the daemon has one pid level: $(grep NSpid "/proc/$spid/status")"
awk -v p="$inner" '$1 == p && $2 == "sleep" {f = 1} END {exit !f}' <<< "$inside" ||
	fail "ps in a does not show the daemon as pid $inner: $inside"
# no host pid inside: the host's pid of the daemon is not what a sees
[ "$inner" != "$spid" ] || fail "the daemon has its host pid $spid inside a"
all_procs=$(node_procs "$LAB")

# --- mount: a tmpfs mounted in a stays in a (over /mnt, so nothing is created on the host)
X "$LAB" a sh -c 'mount -t tmpfs none /mnt && mkdir -p /mnt/x && touch /mnt/x/f' ||
	fail "cannot mount a tmpfs inside a"
X "$LAB" a test -e /mnt/x/f || fail "the mount made in a is gone at the next exec"
[ ! -e /mnt/x/f ] || fail "a mount made in node a is visible on the host"
! X "$LAB" b test -e /mnt/x/f || fail "a mount made in node a is visible in node b"
! X "$LAB" c test -e /mnt/x/f || fail "a mount made in node a is visible in node c"
! grep -q " /mnt tmpfs " /proc/self/mounts || fail "the host has a tmpfs on /mnt now"

# --- files: readable at its path, read-only, host untouched; /etc writes stay in the node
assert_eq "$(X "$LAB" a cat /etc/lab/motd)" "motd of the lab $LAB" "/etc/lab/motd in a"
expect_exit nonzero "$NETLAB" exec -l "$LAB" a sh -c 'echo overwritten > /etc/lab/motd'
expect_exit nonzero "$NETLAB" exec -l "$LAB" a sh -c 'echo more >> /etc/lab/motd'
assert_eq "$(X "$LAB" a cat /etc/lab/motd)" "motd of the lab $LAB" "/etc/lab/motd after the failed writes"
! X "$LAB" b test -e /etc/lab/motd || fail "b sees a's file /etc/lab/motd"
X "$LAB" a sh -c "echo inside > $probe" || fail "a cannot write to its own /etc"
[ ! -e "$probe" ] || { rm -f "$probe"; fail "a write to /etc in node a reached the host's /etc"; }
assert_eq "$(md5sum < "$dir/motd.txt")" "$motd_sum" "the host's motd.txt"
assert_eq "$(stat -c %Y "$dir/motd.txt")" "$motd_mtime" "mtime of the host's motd.txt"
[ ! -e /etc/lab ] || fail "/etc/lab appeared on the host"
assert_eq "$(ls -a /etc)" "$etc_list" "the host's /etc listing"

# --- /etc/hosts names the other nodes; /etc/hostname is the node's
assert_eq "$(X "$LAB" a getent hosts b | awk '{print $1}')" 10.0.0.2 "getent hosts b in a"
assert_eq "$(X "$LAB" a getent hosts c | awk '{print $1}')" 10.0.1.2 "getent hosts c in a"
# a has two addresses: /etc/hosts may name either or both, and nothing else
assert_eq "$(X "$LAB" b getent ahostsv4 a | awk '{print $1}' | sort -u | grep -vx -e 10.0.0.1 -e 10.0.1.1 || true)" "" \
	"addresses of a in b's /etc/hosts"
X "$LAB" b getent hosts a > /dev/null || fail "b cannot resolve a"
assert_eq "$(X "$LAB" a cat /etc/hostname)" a "/etc/hostname in a"
assert_eq "$(X "$LAB" b cat /etc/hostname)" b "/etc/hostname in b"
assert_eq "$(X "$LAB" a hostname)" a "hostname in a"
X "$LAB" a ping -c 1 -W 2 -q b > /dev/null || fail "a cannot ping b by name"

# --- IPC: a System V message queue made in a is seen neither in b nor on the host
X "$LAB" a ipcmk -Q > /dev/null || fail "ipcmk -Q in a"
key=$(X "$LAB" a ipcs -q | awk '/^0x/ {print $1; exit}')
[ -n "$key" ] || fail "the queue made in a is not listed in a: $(X "$LAB" a ipcs -q)"
assert_not_contains "$(X "$LAB" b ipcs -q)" "$key" "ipcs -q in b"
assert_not_contains "$(ipcs -q)" "$key" "ipcs -q on the host"
assert_eq "$(ipcs -q)" "$ipcs_host_before" "the host's message queues"

# --- env in exec and in startup commands; logs
assert_eq "$(X "$LAB" a sh -c 'echo $FOO')" bar "FOO in exec"
assert_eq "$(X "$LAB" a printenv FOO)" bar "printenv FOO in exec"
[ -z "$(X "$LAB" b sh -c 'echo ${FOO:-}')" ] || fail "b has a's env"
expect_exit 0 "$NETLAB" logs -l "$LAB" a
assert_contains "$OUT" "startup sees FOO=bar" "netlab logs a"

# --- status: isolation flags, init pid, process count
"$NETLAB" status --json "$LAB" > "$TMP/status.json"
"$PY" - "$TMP/status.json" "${host_init%%:*}" <<'PY' || fail "status --json: $(cat "$TMP/status.json")"
import json, sys
lab = json.load(open(sys.argv[1]))["labs"][0]
n = {x["name"]: x for x in lab["nodes"]}
a, b, c = n["a"], n["b"], n["c"]
assert a["isolation"] == {"pid": True, "mount": True, "ipc": True, "cgroup": False}, a["isolation"]
assert b["isolation"] == {"pid": True, "mount": True, "ipc": True, "cgroup": False}, b["isolation"]
assert c["isolation"] == {"pid": False, "mount": False, "ipc": False, "cgroup": False}, c["isolation"]
assert a["init_pid"] == int(sys.argv[2]), (a["init_pid"], sys.argv[2])
assert a["processes"] == 2, a["processes"]          # init and the startup daemon
assert b["processes"] == 1, b["processes"]          # init alone
assert b["init_pid"] > 1 and b["init_pid"] != a["init_pid"]
assert c["processes"] == 0 and not c.get("init_pid"), c
PY
expect_exit 0 "$NETLAB" status "$LAB"
assert_contains "$OUT" "isolation: pid mount ipc, init pid ${host_init%%:*}" "status"

# --- down: init, the daemon and every other process go; nothing is left
expect_exit 0 "$NETLAB" down "$LAB"
assert_procs_gone $all_procs
assert_clean "$LAB"
assert_no_cgroup "$LAB"
[ ! -e /etc/lab ] && [ ! -e "$probe" ] || fail "the host's /etc changed"
assert_eq "$(ls -a /etc)" "$etc_list" "the host's /etc listing after down"
