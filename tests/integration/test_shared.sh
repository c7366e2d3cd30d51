#!/bin/bash
# A shared machine (issue 16): up --name runs one file (long and compact form) twice side by
# side, and down/test take --name too; each lab records who started it (list, status, --json);
# down of a lab that is not running says so on stderr with the labs that are; exec on a
# missing node lists the nodes; exec LAB.NODE; list --json is one summary per lab; down --all
# on a terminal lists the labs and asks (--yes does not), and off a terminal does not ask.
# It runs down --all: in a private /run/netns and /run/netlab (PRIVATE_RUN, see lib.sh).
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab F file   # the name inside the files: never brought up here
new_lab A a
new_lab B b
new_lab C c
new_lab N never
topo_small "$F" "$TMP/small.json"
cat > "$TMP/compact.json" <<JSON
{ "name": "$F", "addressing": { "p2p": "10.255.0.0/16", "lan": "10.0.0.0/16", "loopback": "10.254.0.0/24" },
  "routing": "static",
  "nodes": { "r1": "router", "r2": "router", "h1": "host", "h2": "host" },
  "links": [ "r1 -- r2", "h1 -- r1", "h2 -- r2" ],
  "expect": [ { "from": "h1", "to": "h2", "reach": true, "within": "5s" } ] }
JSON

# --- up --name: one file twice, side by side; the file's own name is not used
expect_exit 0 env SUDO_USER=alice "$NETLAB" up --name "$A" "$TMP/small.json"
assert_contains "$OUT" "lab '$A' is up"
record_lab "$A"
expect_exit 0 env SUDO_USER=bob "$NETLAB" up --name "$B" "$TMP/small.json"
record_lab "$B"
[ -e "/run/netns/$A.h1" ] && [ -e "/run/netns/$B.h1" ] || fail "no $A.h1 and $B.h1 namespaces"
[ -z "$(lab_pins "$F")" ] && [ ! -e "/run/netlab/$F" ] || fail "the file's own name $F was used"
lab_ping "$A" h1 10.0.13.2
lab_ping "$B" h1 10.0.13.2
# the compact form, and test --fresh --name, test --name
expect_exit 0 "$NETLAB" test --fresh --name "$C" "$TMP/compact.json"
assert_contains "$OUT" "1 passed, 0 failed" "test --fresh --name"
assert_clean "$C"
expect_exit 0 "$NETLAB" up --name "$C" "$TMP/compact.json"
record_lab "$C"
[ -e "/run/netns/$C.r2" ] || fail "no $C.r2 namespace"
expect_exit 0 "$NETLAB" test --name "$C" "$TMP/compact.json"
assert_contains "$OUT" "1 passed, 0 failed" "test --name"
expect_exit 0 "$NETLAB" down --name "$C" "$TMP/compact.json"
assert_contains "$OUT" "lab '$C' is down" "down --name FILE"
assert_clean "$C"
# bad names: exit 2, nothing made
for bad in "a.b" "" "x/y" "$(head -c 33 /dev/zero | tr '\0' x)"; do
	expect_exit 2 "$NETLAB" up --name "$bad" "$TMP/small.json"
	assert_contains "$ERR" "lab name" "up --name '$bad'"
done
expect_exit 2 "$NETLAB" up --name
expect_exit 2 "$NETLAB" down --name "$A" "$B"
assert_contains "$ERR" "--name goes with a topology file"
expect_exit 2 "$NETLAB" down --yes "$A"

# --- who started each lab: list, list --json (a summary), status, status --json
expect_exit 0 "$NETLAB" list
grep -q "^$A .* alice " <<< "$OUT" || fail "list does not show alice for $A:"$'\n'"$OUT"
grep -q "^$B .* bob " <<< "$OUT" || fail "list does not show bob for $B:"$'\n'"$OUT"
assert_contains "$OUT" "USER" "list's header"
expect_exit 0 "$NETLAB" list --json
echo "$OUT" > "$TMP/list.json"
"$PY" - "$TMP/list.json" "$A" "$B" <<'PY' || fail "list --json:"$'\n'"$OUT"
import json, sys, time
labs = {l["name"]: l for l in json.load(open(sys.argv[1]))["labs"]}
a, b = labs[sys.argv[2]], labs[sys.argv[3]]
assert set(a) == {"name", "status", "nodes", "links", "topology", "created", "user"}, a
assert a["user"] == "alice" and b["user"] == "bob", (a, b)
assert a["status"] == "up" and a["nodes"] == 5 and a["links"] == 4, a
assert abs(a["created"] - time.time()) < 600, a
PY
expect_exit 0 "$NETLAB" status "$A"
assert_contains "$OUT" "started by alice at $(date +%Y-)" "status"
expect_exit 0 "$NETLAB" status --json "$B"
"$PY" -c 'import json, sys; l = json.load(sys.stdin)["labs"][0]; assert l["user"] == "bob" and len(l["nodes"]) == 5, l' <<< "$OUT" ||
	fail "status --json: $OUT"

# --- down of a lab that is not running: on stderr, with the labs that are
expect_exit 0 "$NETLAB" down "$N"
assert_eq "$OUT" "" "stdout of down of a lab that is not running"
assert_contains "$ERR" "lab '$N' is not running" "down of a lab that is not running"
assert_contains "$ERR" "labs running: $A, $B" "down of a lab that is not running"
expect_exit 0 "$NETLAB" -q down "$N"
assert_eq "$ERR" "" "down -q of a lab that is not running"

# --- exec: a missing node lists the nodes; LAB.NODE is the node of that lab
expect_exit nonzero "$NETLAB" exec -l "$A" nosuch true
assert_contains "$ERR" "lab '$A' has no node 'nosuch' (its nodes: h1, h2, sw1, r1, h3)" "exec of a missing node"
expect_exit nonzero "$NETLAB" exec nosuch true
assert_contains "$ERR" "the labs running: $A, $B" "exec of a node no lab has"
expect_exit 0 "$NETLAB" exec "$B.h1" readlink /proc/self/ns/net
assert_eq "${OUT//[^0-9]/}" "$(netns_inode "/run/netns/$B.h1")" "exec $B.h1"
expect_exit 0 "$NETLAB" exec "$A.h3" hostname
assert_eq "$OUT" h3 "exec $A.h3"
expect_exit nonzero "$NETLAB" exec "$A.nosuch" true
assert_contains "$ERR" "no running lab has a node '$A.nosuch'" "exec of LAB.NODE with no such node"

# --- down --all on a terminal: lists and asks; no is no, yes takes them down
on_tty() { # INPUT CMD: run CMD on a pseudo-terminal with INPUT typed
	local input=$1
	shift
	OUT=$(printf '%s' "$input" | script -qec "$*" /dev/null 2>&1) || true
}
on_tty $'n\n' "$NETLAB" down --all
assert_contains "$OUT" "takes down 2 labs" "down --all's question"
assert_contains "$OUT" "$A" "down --all's question"
assert_contains "$OUT" "started by alice at" "down --all's question"
assert_contains "$OUT" "started by bob at" "down --all's question"
assert_contains "$OUT" "[y/N]" "down --all's question"
assert_contains "$OUT" "nothing taken down" "down --all answered no"
[ -e "/run/netlab/$A" ] && [ -e "/run/netlab/$B" ] || fail "down --all answered no took labs down"
on_tty $'\n' "$NETLAB" down --all
[ -e "/run/netlab/$A" ] || fail "down --all answered with nothing took labs down"
on_tty $'y\n' "$NETLAB" down --all
assert_contains "$OUT" "2 labs taken down" "down --all answered yes"
assert_clean "$A"
assert_clean "$B"
# --yes on a terminal does not ask; off a terminal nothing asks
expect_exit 0 "$NETLAB" up --name "$A" "$TMP/small.json"
record_lab "$A"
on_tty "" "$NETLAB" down --all --yes
assert_not_contains "$OUT" "[y/N]" "down --all --yes"
assert_contains "$OUT" "1 lab taken down" "down --all --yes"
assert_clean "$A"
expect_exit 0 "$NETLAB" up --name "$A" "$TMP/small.json"
record_lab "$A"
expect_exit 0 "$NETLAB" down --all
assert_not_contains "$OUT$ERR" "[y/N]" "down --all off a terminal"
assert_contains "$OUT" "1 lab taken down" "down --all off a terminal"
assert_clean "$A"
assert_clean "$B"
assert_clean "$C"
