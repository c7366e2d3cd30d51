#!/bin/bash
# netlab exec: the command's exit code, stdin and stdout pass through; a missing command gives
# 127; a node name in two labs is refused with both candidates until -l picks one; unknown
# nodes and labs are errors.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab A a
new_lab B b
topo_small "$A" "$TMP/a.json"
topo_small "$B" "$TMP/b.json"
lab_up "$A" "$TMP/a.json"

# exit codes
expect_exit 0 "$NETLAB" exec -l "$A" h1 true
expect_exit 7 "$NETLAB" exec -l "$A" h1 sh -c 'exit 7'
expect_exit 1 "$NETLAB" exec -l "$A" h1 false
expect_exit 255 "$NETLAB" exec -l "$A" h1 sh -c 'exit 255'
# killed by a signal: the shell convention 128 + signal
# (the subshell is the one that reports "Killed": its stderr goes nowhere)
rc=0
("$NETLAB" exec -l "$A" h1 sh -c 'kill -9 $$'; exit $?) 2>/dev/null || rc=$?
assert_eq "$rc" 137 "exit status of a command killed by SIGKILL"

# stdin and stdout
out=$(echo hi | "$NETLAB" exec -l "$A" h1 cat)
assert_eq "$out" hi "stdin through exec"
out=$(printf 'a\nb\nc\n' | "$NETLAB" exec -l "$A" h2 wc -l)
assert_eq "${out// /}" 3 "lines through exec"
# stderr stays stderr
expect_exit 0 "$NETLAB" exec -l "$A" h1 sh -c 'echo to-out; echo to-err >&2'
assert_eq "$OUT" to-out "stdout of exec"
assert_eq "$ERR" to-err "stderr of exec"
# arguments arrive unchanged (no shell in between)
expect_exit 0 "$NETLAB" exec -l "$A" h1 printf '%s|' 'a b' '$HOME' '*' ''
assert_eq "$OUT" 'a b|$HOME|*||' "arguments through exec"
# the command runs in the node's network namespace
expect_exit 0 "$NETLAB" exec -l "$A" h1 readlink /proc/self/ns/net
assert_eq "${OUT//[^0-9]/}" "$(netns_inode "/run/netns/$A.h1")" "netns of a command in h1"

# a missing command: 127 and a message naming it
expect_exit 127 "$NETLAB" exec -l "$A" h1 no-such-command-netlab-test
assert_contains "$ERR" "no-such-command-netlab-test" "missing command's message"
# a file that is not executable: 126
# (made inside the node: its /tmp is its own, not the host's)
"$NETLAB" exec -l "$A" h1 sh -c "printf 'echo should-not-run\\n' > /tmp/not-executable; chmod 644 /tmp/not-executable"
expect_exit 126 "$NETLAB" exec -l "$A" h1 /tmp/not-executable
assert_not_contains "$OUT" should-not-run "a file without execute permission"

# the same node names in a second lab
lab_up "$B" "$TMP/b.json"
expect_exit nonzero "$NETLAB" exec h1 true
assert_contains "$ERR" "several labs" "ambiguous node"
assert_contains "$ERR" "'$A'" "ambiguous node's candidates"
assert_contains "$ERR" "'$B'" "ambiguous node's candidates"
assert_contains "$ERR" "-l" "ambiguous node's advice"
[ "$(echo "$ERR" | grep -c .)" -eq 1 ] || fail "ambiguity is one line: $ERR"
# -l picks one: each answers from its own namespace
expect_exit 0 "$NETLAB" exec -l "$B" h1 readlink /proc/self/ns/net
assert_eq "${OUT//[^0-9]/}" "$(netns_inode "/run/netns/$B.h1")" "netns of h1 in lab $B"
expect_exit 0 "$NETLAB" exec --lab "$A" h1 readlink /proc/self/ns/net
assert_eq "${OUT//[^0-9]/}" "$(netns_inode "/run/netns/$A.h1")" "netns of h1 in lab $A (--lab)"

# unknown node: in a named lab and in every lab
expect_exit nonzero "$NETLAB" exec -l "$A" nosuchnode true
assert_contains "$ERR" "nosuchnode" "unknown node in a lab"
assert_contains "$ERR" "$A" "unknown node in a lab"
expect_exit nonzero "$NETLAB" exec "nosuch$$" true
assert_contains "$ERR" "nosuch$$" "unknown node in any lab"
# a lab that is not running
new_lab C c
expect_exit nonzero "$NETLAB" exec -l "$C" h1 true
assert_contains "$ERR" "not running" "exec in a lab that is not running"
# no command
expect_exit 2 "$NETLAB" exec -l "$A" h1
assert_contains "$ERR" "expected a node and a command" "exec without a command"

# --all: one command on every node, each line prefixed by its node; exit 1 if it fails anywhere
expect_exit 0 "$NETLAB" exec -l "$A" --all hostname
for n in h1 h2 h3 r1 sw1; do
	echo "$OUT" | grep -Eq "^$n: +$n\$" || fail "exec --all: no line '$n: $n' in:"$'\n'"$OUT"
done
assert_eq "$(echo "$OUT" | wc -l)" 5 "exec --all's lines"
expect_exit 1 "$NETLAB" exec -l "$A" --all sh -c 'test "$(hostname)" != h2'
assert_contains "$ERR" "failed on 1 of 5 nodes" "exec --all's summary"
# with two labs running, --all needs -l
expect_exit 2 "$NETLAB" exec --all true
assert_contains "$ERR" "-l LAB" "exec --all without a lab"
expect_exit 0 "$NETLAB" down "$B"
# with B gone, A still works and B is not running
expect_exit 0 "$NETLAB" exec -l "$A" h1 hostname
assert_eq "$OUT" h1 "hostname after the other lab went"
expect_exit nonzero "$NETLAB" exec -l "$B" h1 true
assert_contains "$ERR" "not running" "exec in a lab that went down"
expect_exit 0 "$NETLAB" down "$A"
assert_clean "$A"
assert_clean "$B"
