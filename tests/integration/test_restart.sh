#!/bin/bash
# Issue 16: netlab restart NODE ends a node's processes and runs its startup again, as the
# topology file says now; the rest of the lab is untouched; a failing command marks the node.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab L
cat > "$TMP/t.json" <<JSON
{ "name": "$L",
  "nodes": {
    "a": { "interfaces": { "eth0": { "addresses": ["10.62.0.1/24"] } },
           "startup": [ "echo run >> /root/runs", "sleep 1001 &" ] },
    "b": { "interfaces": { "eth0": { "addresses": ["10.62.0.2/24"] } }, "startup": [ "sleep 1002 &" ] },
    "c": { "isolation": { "mount": false }, "startup": [ "sleep 1003 &" ] }
  },
  "links": [ "a:eth0 -- b:eth0", "c -- b" ] }
JSON
lab_up "$L" "$TMP/t.json"
X() { "$NETLAB" exec -l "$L" "$@"; }
init1=$(X a sh -c 'cat /proc/1/stat' | cut -d' ' -f22)
X a sh -c 'sleep 1004 &'   # started by hand: restart ends it too
assert_eq "$(X a pgrep -xc sleep)" 2 "sleeps in a before restart"
expect_exit 0 "$NETLAB" restart -l "$L" a
assert_contains "$OUT" "restarted" "restart"
assert_eq "$(X a pgrep -xc sleep)" 1 "sleeps in a after restart (the startup's, anew)"
assert_eq "$(X a pgrep -xa sleep | cut -d' ' -f2-)" "sleep 1001" "a's sleep after restart"
assert_eq "$(X a cat /root/runs | wc -l)" 2 "a's startup ran again (its files stay)"
[ "$(X a sh -c 'cat /proc/1/stat' | cut -d' ' -f22)" != "$init1" ] || fail "a's init is the same after restart"
assert_eq "$(X b pgrep -xc sleep)" 1 "b untouched"
X a ping -c 1 -W 2 10.62.0.2 >/dev/null || fail "a's network after restart"
# a light node: its processes (found by network namespace) end and start again
expect_exit 0 "$NETLAB" restart -l "$L" c
# the topology as it is now: a failing command marks the node failed, exit 1
sed -i 's/"sleep 1002 &"/"sleep 1002 \&", "echo broken; exit 6"/' "$TMP/t.json"
expect_exit 1 "$NETLAB" restart -l "$L" b
assert_contains "$ERR" "exit code 6" "restart of a node whose startup fails"
expect_exit 0 "$NETLAB" status "$L"
assert_contains "$OUT" "startup failed" "status after a failed restart"
expect_exit nonzero "$NETLAB" restart -l "$L" nosuchnode
expect_exit 0 "$NETLAB" down "$L"
assert_clean "$L"
echo "PASS: restart"
