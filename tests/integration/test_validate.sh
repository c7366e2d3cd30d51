#!/bin/bash
# validate and up through the CLI: every shipped topology validates; a bad topology gets exit 2
# with the file and the JSON path of each problem, every error of the file in one run, and up
# of it creates nothing.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

n=0
for f in "$REPO"/topologies/*.json; do
	expect_exit 0 "$NETLAB" validate "$f"
	assert_contains "$OUT" "valid" "validate $f"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no topologies/*.json"

# three distinct errors, each on its own line with the file and the JSON path
new_lab LAB
bad=$TMP/bad.json
cat > "$bad" <<JSON
{ "name": "$LAB",
  "nodes": {
    "h1": { "interfaces": { "eth0": { "addresses": ["10.1.0.300/24"] } } },
    "h2": { "kind": "toaster", "interfaces": { "eth0": { "addresses": ["10.1.0.11/24"] } } },
    "r1": { "kind": "router", "interfaces": { "eth0": { "addresses": ["10.1.0.1/24"] } },
            "routes": [ { "to": "10.9.0.0/24", "via": "not-an-address" } ] },
    "sw": { "kind": "switch" }
  },
  "links": [ "h1:eth0 -- sw", "h2:eth0 -- sw", "r1:eth0 -- sw" ] }
JSON
for verb in validate up; do
	expect_exit 2 "$NETLAB" $verb "$bad"
	assert_eq "$(grep -c 'error:' <<< "$ERR")" 3 "error lines of $verb (stderr: $ERR)"
	assert_contains "$ERR" "netlab: error: $bad: nodes.h1.interfaces.eth0.addresses[0]: \"10.1.0.300/24\"" "$verb"
	assert_contains "$ERR" "netlab: error: $bad: nodes.h2.kind: \"toaster\"" "$verb"
	assert_contains "$ERR" "netlab: error: $bad: nodes.r1.routes[0].via: \"not-an-address\"" "$verb"
	assert_not_contains "$OUT" "valid" "$verb stdout"
	assert_not_contains "$OUT" "is up" "$verb stdout"
	[ ! -e "/run/netlab/$LAB" ] || fail "$verb of an invalid topology made /run/netlab/$LAB"
	[ -z "$(lab_pins "$LAB")" ] || fail "$verb of an invalid topology made namespaces"
done
assert_clean "$LAB"

# one error: the JSON path of a link endpoint and what was expected
cat > "$TMP/link.json" <<JSON
{ "name": "$LAB", "nodes": { "a": {}, "b": {} },
  "links": [ { "endpoints": ["a:eth0", "ghost:eth0"] } ] }
JSON
expect_exit 2 "$NETLAB" up "$TMP/link.json"
assert_contains "$ERR" "netlab: error: $TMP/link.json: links[0].endpoints[1]:" "unknown endpoint"
assert_contains "$ERR" "ghost" "unknown endpoint"
assert_eq "$(grep -c 'error:' <<< "$ERR")" 1 "error lines for one unknown endpoint"
# not JSON at all: the file, line and column
printf '{ "name": "%s",\n  "nodes": { ' "$LAB" > "$TMP/syntax.json"
expect_exit 2 "$NETLAB" up "$TMP/syntax.json"
assert_contains "$ERR" "netlab: error: $TMP/syntax.json:2:" "syntax error"
# duplicate keys are refused
printf '{ "name": "%s", "name": "%s", "nodes": {} }\n' "$LAB" "$LAB" > "$TMP/dup.json"
expect_exit 2 "$NETLAB" validate "$TMP/dup.json"
assert_contains "$ERR" "$TMP/dup.json" "duplicate key"
# a bad lab name is a topology error, with its path
cat > "$TMP/name.json" <<'JSON'
{ "name": "no/slashes", "nodes": { "a": {} } }
JSON
expect_exit 2 "$NETLAB" up "$TMP/name.json"
assert_contains "$ERR" "$TMP/name.json: name:" "bad lab name"
[ ! -e "/run/netlab/no" ] || fail "a bad lab name made /run/netlab/no"
# a missing file
expect_exit 2 "$NETLAB" validate "$TMP/missing.json"
assert_contains "$ERR" "$TMP/missing.json" "missing file"
# usage errors are exit 2 too
expect_exit 2 "$NETLAB" validate
expect_exit 2 "$NETLAB" up
assert_clean "$LAB"

# a gateway in no subnet of its node is an error at validate, not at up
cat > "$TMP/gw.json" <<JSON
{ "name": "$LAB",
  "nodes": { "a": { "interfaces": { "eth0": { "addresses": ["10.5.0.1/24"] } },
                    "routes": [ { "to": "10.9.0.0/24", "via": "10.99.0.1" } ] },
             "b": { "interfaces": { "eth0": { "addresses": ["10.5.0.2/24"] } } } },
  "links": [ "a:eth0 -- b:eth0" ] }
JSON
expect_exit 2 "$NETLAB" validate "$TMP/gw.json"
assert_contains "$ERR" "netlab: error: $TMP/gw.json: nodes.a.routes[0].via: gateway 10.99.0.1 is in no subnet of node 'a'" "gateway error"
expect_exit 2 "$NETLAB" up "$TMP/gw.json"
assert_clean "$LAB"

# a warning is not an error: an interface linked nowhere validates with exit 0 and a warning
cat > "$TMP/warn.json" <<JSON
{ "name": "$LAB",
  "nodes": { "a": { "interfaces": { "eth0": { "addresses": ["10.5.0.1/24"] }, "eth1": {} } },
             "b": { "interfaces": { "eth0": { "addresses": ["10.5.0.2/24"] } } } },
  "links": [ "a:eth0 -- b:eth0" ] }
JSON
expect_exit 0 "$NETLAB" validate "$TMP/warn.json"
assert_contains "$ERR" "netlab: warning: $TMP/warn.json: nodes.a.interfaces.eth1:" "warning"
assert_contains "$OUT" "valid: lab '$LAB', 2 nodes" "validate's summary"
# --strict: the warning is an error, for validate and up
expect_exit 2 "$NETLAB" validate --strict "$TMP/warn.json"
assert_contains "$ERR" "netlab: error: $TMP/warn.json: nodes.a.interfaces.eth1:" "--strict error"
expect_exit 2 "$NETLAB" up --strict "$TMP/warn.json"
assert_clean "$LAB"

# the two ends of a link in different subnets: a warning naming both ends
cat > "$TMP/subnets.json" <<JSON
{ "name": "$LAB",
  "nodes": { "a": { "interfaces": { "eth0": { "addresses": ["10.5.1.1/24"] } } },
             "b": { "interfaces": { "eth0": { "addresses": ["10.5.2.1/24"] } } } },
  "links": [ "a:eth0 -- b:eth0" ] }
JSON
expect_exit 0 "$NETLAB" validate "$TMP/subnets.json"
assert_contains "$ERR" "netlab: warning: $TMP/subnets.json: links[0]: its ends a:eth0 (10.5.1.1/24) and b:eth0 (10.5.2.1/24) are in different subnets" "subnets warning"
expect_exit 2 "$NETLAB" validate --strict "$TMP/subnets.json"
expect_exit 0 "$NETLAB" -q validate "$TMP/warn.json"
assert_eq "$ERR" "" "stderr of validate -q"
assert_clean "$LAB"
