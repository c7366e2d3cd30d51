#!/bin/bash
# Startups run side by side, node by node, as containers start in Kathara: four nodes each
# sleeping 2 s come up in well under 8 s; a node with "after" begins only once its "after"
# nodes are done; one failing node is marked failed while the others run on; with --strict
# the failure rolls the lab back.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
cat > "$TMP/lab.json" <<JSON
{"name": "$LAB", "nodes": {
  "a": {"isolation": {"pid": false, "mount": false}, "startup": ["sleep 2", "date +%s.%N > $TMP/mark-a"]},
  "b": {"isolation": {"pid": false, "mount": false}, "startup": ["sleep 2", "date +%s.%N > $TMP/mark-b"]},
  "c": {"isolation": {"pid": false, "mount": false}, "startup": ["sleep 2"]},
  "d": {"isolation": {"pid": false, "mount": false}, "startup": ["sleep 2"]},
  "z": {"isolation": {"pid": false, "mount": false}, "after": ["a", "b"],
        "startup": ["date +%s.%N > $TMP/mark-z"]}},
 "links": [{"endpoints": ["a", "z"]}]}
JSON
start=$(date +%s.%N)
lab_up "$LAB" "$TMP/lab.json"
took=$("$PY" -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")
"$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) < 6 else 1)" "$took" ||
	fail "four nodes sleeping 2 s each took ${took}s to come up: their startups did not run side by side"
# z's startup began after a's and b's ended
for n in a b; do
	"$PY" -c "import sys; sys.exit(0 if float(open(sys.argv[2]).read()) > float(open(sys.argv[1]).read()) else 1)" \
		"$TMP/mark-$n" "$TMP/mark-z" || fail "z started before $n was done"
done
echo "PASS: side by side in ${took}s, z after a and b"
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"

# one failing node of a wave: marked failed, the others run on, up exits 1
"$PY" - "$TMP/lab.json" <<'P'
import json, sys
t = json.load(open(sys.argv[1]))
t["nodes"]["c"]["startup"] = ["exit 3"]
json.dump(t, open(sys.argv[1], "w"))
P
rm -f "$TMP"/mark-*
expect_exit 1 "$NETLAB" up "$TMP/lab.json"
assert_contains "$ERR" "node 'c'" "a failing startup"
assert_contains "$ERR" "exit code 3" "a failing startup"
expect_exit 0 "$NETLAB" status --json "$LAB"
STATUS=$OUT "$PY" - <<'P' || fail "status does not show c failed and the others not"
import json, os
nodes = {n["name"]: n for n in json.loads(os.environ["STATUS"])["labs"][0]["nodes"]}
assert "exit code 3" in (nodes["c"].get("startup_failed") or ""), nodes["c"]
assert all(not nodes[n].get("startup_failed") for n in "abdz"), nodes
P
[ -s "$TMP/mark-z" ] || fail "z's startup did not run after a failure in another node"
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"

# --strict: the failure fails up, which rolls back
expect_exit 1 "$NETLAB" up --strict "$TMP/lab.json"
assert_contains "$ERR" "rolled back" "strict up"
assert_contains "$ERR" "exit code 3" "strict up"
assert_clean "$LAB"
echo "PASS: startup waves"
