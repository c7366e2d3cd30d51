#!/bin/bash
# Issue 3, bad input: each gives a clear error and leaves nothing (no namespace, state,
# process, cgroup or root link). A missing "files" source, a host path outside the topology's
# directory (absolute, ../, or through a symlink; allowed with --allow-host-paths), a bad
# limit, a failing startup command (up exits 1 naming the command, its exit code and its last
# output lines, and rolls back the daemons already started).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB
dir=$TMP/topo
mkdir -p "$dir/sub"
echo "inside the topology" > "$dir/motd.txt"
echo "secret $$" > "$TMP/outside.txt"
ln -s "$TMP/outside.txt" "$dir/link-out.txt"
ln -s ../motd.txt "$dir/sub/link-in.txt"
topo=$dir/lab.json

node() { # NODE-N-JSON: a two-node lab whose node n is $1
	printf '{"name": "%s", "nodes": {"n": %s, "m": {"interfaces": {"eth0": {"addresses": ["10.0.0.2/24"]}}}}, "links": ["n:eth0 -- m:eth0"]}\n' \
		"$LAB" "$1" > "$topo"
}
nothing_left() { assert_gone "$LAB"; }   # the thorough assert_clean ends the test
refused() { # EXIT PATTERN... : validate and up exit EXIT with every PATTERN in stderr; nothing left
	local want=$1 pat
	shift
	expect_exit "$want" "$NETLAB" validate "$topo"
	for pat in "$@"; do assert_contains "$ERR" "$pat" "validate's error"; done
	expect_exit "$want" "$NETLAB" up "$topo"
	for pat in "$@"; do assert_contains "$ERR" "$pat" "up's error"; done
	nothing_left
}

# --- a missing files source: exit 2, the message names the file and the JSON path
node '{"files": {"/etc/x": "missing.txt"}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "missing.txt" "nodes.n.files./etc/x"

# --- host paths outside the topology's directory: absolute, ../, a symlink pointing out
node "{\"files\": {\"/etc/x\": \"$TMP/outside.txt\"}, \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}}}"
refused 2 "--allow-host-paths" "outside" "nodes.n.files./etc/x"
node '{"files": {"/etc/x": "../outside.txt"}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "--allow-host-paths" "outside"
node '{"files": {"/etc/x": "link-out.txt"}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "--allow-host-paths" "outside"
# ... each works when allowed, and the file is readable (read-only) inside
for src in "$TMP/outside.txt" ../outside.txt link-out.txt; do
	node "{\"files\": {\"/etc/x\": \"$src\"}, \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}}}"
	expect_exit 0 "$NETLAB" up --allow-host-paths "$topo"
	record_lab "$LAB"
	assert_eq "$(X "$LAB" n cat /etc/x)" "secret $$" "/etc/x from $src with --allow-host-paths"
	expect_exit nonzero "$NETLAB" exec -l "$LAB" n sh -c 'echo changed > /etc/x'
	expect_exit 0 "$NETLAB" down "$LAB"
	nothing_left
	assert_eq "$(cat "$TMP/outside.txt")" "secret $$" "the host file after --allow-host-paths"
done
# ... while a symlink that stays inside the directory is fine without it
node '{"files": {"/etc/x": "sub/link-in.txt"}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
lab_up "$LAB" "$topo"
assert_eq "$(X "$LAB" n cat /etc/x)" "inside the topology" "/etc/x through a symlink inside the directory"
expect_exit 0 "$NETLAB" down "$LAB"
nothing_left

# --- bad limits: exit 2 with the JSON path
node '{"limits": {"memory": "lots"}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "nodes.n.limits.memory" '"lots"'
node '{"limits": {"pids": 0}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "nodes.n.limits.pids"
node '{"limits": {"cpu": -1}, "interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}}'
refused 2 "nodes.n.limits.cpu"

# --- a failing startup command: up exits 1 naming it, its exit code and its last lines; the
# daemon started before it, the namespaces and the cgroups are all rolled back
marker=$((4000000 + $$))   # a sleep this long is ours alone
node "{\"isolation\": {\"pid\": true, \"ipc\": true}, \"limits\": {\"pids\": 32, \"memory\": \"64M\"},
       \"files\": {\"/etc/lab/motd\": \"motd.txt\"},
       \"interfaces\": {\"eth0\": {\"addresses\": [\"10.0.0.1/24\"]}},
       \"startup\": [\"sleep $marker &\", \"echo first line\", \"echo second line; echo to stderr >&2\", \"exit 3\", \"echo never\"]}"
expect_exit 0 "$NETLAB" validate "$topo"
expect_exit 1 "$NETLAB" up "$topo"
assert_contains "$ERR" "'exit 3'" "up's error (the command)"
assert_contains "$ERR" "exit code 3" "up's error (the exit code)"
assert_contains "$ERR" "first line" "up's error (the output)"
assert_contains "$ERR" "second line" "up's error (the output)"
assert_contains "$ERR" "to stderr" "up's error (the command's stderr)"
assert_not_contains "$ERR" "never" "up's error (a command after the failing one)"
assert_contains "$ERR" "rolled back" "up's error"
nothing_left
left=$(pgrep -f "^sleep $marker\$" || true)
[ -z "$left" ] || fail "the daemon started before the failing command survived the rollback: pid $left"
# "false" in the middle of a command list
node '{"interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}, "startup": ["echo before; false"]}'
expect_exit 1 "$NETLAB" up "$topo"
assert_contains "$ERR" "'echo before; false'" "up's error (the command)"
assert_contains "$ERR" "exit code 1" "up's error (the exit code)"
assert_contains "$ERR" "before" "up's error (the output)"
nothing_left
# a missing program: 127
node '{"interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}, "startup": ["no-such-program-netlab-it"]}'
expect_exit 1 "$NETLAB" up "$topo"
assert_contains "$ERR" "exit code 127" "up's error for a missing program"
assert_contains "$ERR" "no-such-program-netlab-it" "up's error for a missing program"
nothing_left

# the lab name is free again: a good topology comes up and goes
node '{"interfaces": {"eth0": {"addresses": ["10.0.0.1/24"]}}, "startup": ["echo fine"]}'
lab_up "$LAB" "$topo"
lab_ping "$LAB" n 10.0.0.2
expect_exit 0 "$NETLAB" down "$LAB"
nothing_left
assert_clean "$LAB"
