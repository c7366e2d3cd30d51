#!/bin/bash
# An up that fails half-way is rolled back: nothing is left. (1) The topology validates but the
# kernel refuses an address (IPv6 on an interface whose MTU is under 1280): exit 1, stderr names
# the address and the kernel's error. (2) A startup
# command fails after another one started a daemon: exit 1, the daemon is ended too.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# (1) an address the kernel refuses, on the last of several nodes
new_lab LAB r
cat > "$TMP/route.json" <<JSON
{ "name": "$LAB",
  "nodes": {
    "h1": { "interfaces": { "eth0": { "addresses": ["10.5.0.10/24", "2001:db8:5::10/64"] } } },
    "h2": { "isolation": { "pid": true },
            "interfaces": { "eth0": { "addresses": ["10.5.0.11/24", "2001:db8:5::11/64"] } } },
    "sw": { "kind": "switch" },
    "r1": { "kind": "router",
            "interfaces": { "eth0": { "addresses": ["10.5.0.1/24", "2001:db8:5::1/64"], "mtu": 1000 } },
            "routes": [ { "to": "10.8.0.0/24", "via": "10.5.0.10" },
                        { "to": "10.9.0.0/24", "via": "10.5.0.11" } ] }
  },
  "links": [ { "endpoints": ["h1:eth0", "sw"] }, { "endpoints": ["h2:eth0", "sw"] },
             { "endpoints": ["r1:eth0", "sw"] } ] }
JSON
expect_exit 0 "$NETLAB" validate "$TMP/route.json"
watch_lab_start "$LAB"
expect_exit 1 "$NETLAB" up "$TMP/route.json"
watch_lab_stop "$LAB"
assert_contains "$ERR" "adding address 2001:db8:5::1/64 to 'eth0'" "the failed up's message"
assert_contains "$ERR" "Invalid argument" "the failed up's message"
assert_contains "$ERR" "r1" "the failed up's message"
assert_not_contains "$OUT" "is up" "the failed up's stdout"
[ "$(grep -c 'Invalid argument' <<< "$ERR")" -eq 1 ] || fail "the error is printed once: $ERR"
expect_exit 0 "$NETLAB" status
assert_not_contains "$OUT" "$LAB" "status after the failed up"
assert_clean "$LAB"
# the failure is not sticky: fixed, the same lab comes up
sed 's/, "mtu": 1000//' "$TMP/route.json" > "$TMP/fixed.json"
lab_up "$LAB" "$TMP/fixed.json"
expect_exit 0 "$NETLAB" exec -l "$LAB" r1 ip route show 10.9.0.0/24
assert_contains "$OUT" "via 10.5.0.11" "the route once fixed"
lab_ping "$LAB" h1 10.5.0.11
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"

# (2) a failing startup command after a daemon was started in the same node
new_lab LAB2 s
cat > "$TMP/startup.json" <<JSON
{ "name": "$LAB2",
  "nodes": {
    "a": { "isolation": { "mount": false }, "interfaces": { "eth0": { "addresses": ["10.6.0.1/24"] } },
           "startup": [ "sleep 1000 > /dev/null 2>&1 & echo \$! > $TMP/daemon.pid",
                        "echo last-words; exit 3" ] },
    "b": { "interfaces": { "eth0": { "addresses": ["10.6.0.2/24"] } } }
  },
  "links": [ "a:eth0 -- b:eth0" ] }
JSON
expect_exit 0 "$NETLAB" validate "$TMP/startup.json"
watch_lab_start "$LAB2"
expect_exit 1 "$NETLAB" up --strict "$TMP/startup.json"
watch_lab_stop "$LAB2"
assert_contains "$ERR" "exit code 3" "the failed startup's message"
assert_contains "$ERR" "last-words" "the failed startup's message (its last lines)"
[ -s "$TMP/daemon.pid" ] || fail "the first startup command did not run"
daemon=$(cat "$TMP/daemon.pid")
proc_ended "$daemon" || fail "the daemon started by startup (pid $daemon) survived the rollback"
assert_clean "$LAB2"
# the topology's "strict" does the same
$PY - "$TMP/startup.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); t["strict"] = True; json.dump(t, open(sys.argv[1], "w"))
PY
watch_lab_start "$LAB2"
expect_exit 1 "$NETLAB" up "$TMP/startup.json"
watch_lab_stop "$LAB2"
assert_contains "$ERR" "was rolled back" "a strict topology's failed startup"
assert_clean "$LAB2"

# (3) by default a failing startup keeps the lab up: the node is marked failed, its later
# commands do not run, the other nodes start, up says so and exits 1
new_lab LAB3 k
cat > "$TMP/keep.json" <<JSON
{ "name": "$LAB3",
  "nodes": {
    "a": { "startup": [ "echo first > /tmp/first", "echo typo-here; exit 4", "echo never > /tmp/never" ] },
    "b": { "startup": [ "echo b-ran > /tmp/b" ] }
  },
  "links": [ "a -- b" ] }
JSON
expect_exit 1 "$NETLAB" up "$TMP/keep.json"
record_lab "$LAB3"
assert_contains "$OUT" "lab '$LAB3' is up" "up with a failing startup"
assert_contains "$ERR" "exit code 4" "up with a failing startup"
assert_contains "$ERR" "the startup of 1 node failed" "up's summary"
assert_eq "$("$NETLAB" exec -l "$LAB3" a cat /tmp/first)" first "a's first command"
expect_exit nonzero "$NETLAB" exec -l "$LAB3" a test -e /tmp/never
assert_eq "$("$NETLAB" exec -l "$LAB3" b cat /tmp/b)" b-ran "b's command"
expect_exit 0 "$NETLAB" status "$LAB3"
assert_contains "$OUT" "startup failed" "status of the lab"
assert_contains "$OUT" "typo-here" "status of the lab (the log's last lines)"
expect_exit 0 "$NETLAB" status --json "$LAB3"
echo "$OUT" | $PY -c 'import json, sys
n = {x["name"]: x for x in json.load(sys.stdin)["labs"][0]["nodes"]}
assert "exit code 4" in n["a"]["startup_failed"] and "startup_failed" not in n["b"], n' ||
	fail "status --json of the failed node"
expect_exit 0 "$NETLAB" logs -l "$LAB3" a
assert_contains "$OUT" "typo-here" "the failed node's log"
expect_exit 0 "$NETLAB" down "$LAB3"
assert_clean "$LAB3"
