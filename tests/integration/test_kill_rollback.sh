#!/bin/bash
# Issue 7: kill -9 at random points during up and down, SIGINT/SIGTERM roll back,
# foreign objects with similar names survive, corrupt state, bad names, symlinks.
# The test runs down --all: it runs in a mount namespace of its own with empty /run/netns and
# /run/netlab (PRIVATE_RUN, see lib.sh), so that down --all meets only this test's labs and
# never takes down a lab someone else is running on the machine.
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# refuse to go on where down --all would see the host's labs
[ -n "${NETLAB_TEST_IN_PRIVATE:-}" ] && [ "$(stat -f -c %T /run/netlab)" = tmpfs ] &&
	[ -z "$(ls -A /run/netlab)" ] || fail "not in a private /run/netlab: refusing to run down --all"
new_lab LA a
new_lab LB b
new_lab LC c
P=$LA   # the prefix of the foreign namespace below
tmp=$TMP
foreign_ns="${P}x.foreign"
FOREIGN_NS+=("$foreign_ns" "${LA}.n1")

# --- kill -9 at 20 points during a 100-node up (namespaces made by parallel threads; pid isolation on some nodes), and during down
"$NETLAB" gen line 100 --name "$LA" -o "$tmp/a.json"
python3 - "$tmp/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i, n in enumerate(d["nodes"]):
    if i % 10 == 0:
        d["nodes"][n] = {"kind": "router", "isolation": {"pid": True}}
json.dump(d, open(sys.argv[1], "w"))
PY
for i in $(seq 20); do
	delay=$(awk -v s=$RANDOM 'BEGIN { srand(s); printf "%.3f", rand() * 0.25 }')
	"$NETLAB" -q up "$tmp/a.json" >/dev/null 2>&1 & pid=$!
	sleep "$delay"
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	st=$("$NETLAB" status --json "$LA" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["labs"][0]["status"])' 2>/dev/null || echo none)
	case $st in broken|up|none) ;; *) fail "status after kill at ${delay}s says '$st'" ;; esac
	if [ $((i % 4)) -eq 0 ] && [ "$st" = up ]; then
		# and a down killed half-way leaves something the next down removes
		"$NETLAB" -q down "$LA" >/dev/null 2>&1 & pid=$!
		sleep 0.01; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
	fi
	"$NETLAB" -q down "$LA" >/dev/null || fail "down after kill at ${delay}s failed"
	assert_clean "$LA"
done
echo "ok: 20 kills during up/down, nothing left"

# --- SIGINT and SIGTERM during up roll back and exit 1
for sig in INT TERM; do
	"$NETLAB" up "$tmp/a.json" > "$tmp/out" 2>&1 & pid=$!
	# once its state exists, up is at work with its handlers in place (a signal before that,
	# while a sanitizer build is still starting, ends it with nothing made)
	for i in $(seq 400); do [ -e "/run/netlab/${LA}/state.json" ] && break; sleep 0.005; done
	kill -$sig $pid
	rc=0; wait $pid || rc=$?
	if [ $rc -eq 0 ]; then "$NETLAB" -q down "$LA"; continue; fi  # too fast to interrupt
	[ $rc -eq 1 ] || fail "SIG$sig: exit $rc"
	grep -q "rolled back" "$tmp/out" || fail "SIG$sig: no rollback message: $(cat "$tmp/out")"
	assert_clean "$LA"
done
echo "ok: SIGINT/SIGTERM roll back"

# --- foreign objects with similar names survive down, down --all
ip netns add "$foreign_ns"
ip netns add "${LA}.n1"   # a namespace named like a node of lab ${LA}, not made by netlab
cat > "$tmp/b.json" <<JSON
{ "name": "$LB", "nodes": { "n1": {}, "n2": {} }, "links": [ "n1:eth0 -- n2:eth0" ] }
JSON
"$NETLAB" -q up "$tmp/b.json"
"$NETLAB" -q down --all >/dev/null
[ -e "/run/netns/$foreign_ns" ] || fail "down --all removed a foreign namespace"
[ -e "/run/netns/${LA}.n1" ] || fail "down --all removed a foreign namespace named like a lab node"
assert_clean "$LB"
# up refuses to take over a namespace it did not make, and changes nothing
cat > "$tmp/a2.json" <<JSON
{ "name": "$LA", "nodes": { "n1": {}, "n2": {} }, "links": [ "n1:eth0 -- n2:eth0" ] }
JSON
rc=0; "$NETLAB" up "$tmp/a2.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "up over a foreign namespace exited $rc"
grep -q "not part of a netlab lab" "$tmp/out" || fail "no clear message: $(cat "$tmp/out")"
[ ! -e "/run/netlab/${LA}" ] || fail "the refused up left /run/netlab/${LA}"
[ ! -e "/run/netns/${LA}.n2" ] || fail "the refused up created a namespace"
ip netns del "${LA}.n1"
ip netns del "$foreign_ns"
echo "ok: foreign namespaces survive"

# --- a corrupt state: a clear error, status shows it broken, down --force removes it
"$NETLAB" -q up "$tmp/b.json"
echo '{"lab": "trunc' > "/run/netlab/${LB}/state.json"
rc=0; "$NETLAB" down "$LB" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "down of a corrupt lab exited $rc"
grep -q "corrupt" "$tmp/out" && grep -q -- "--force" "$tmp/out" || fail "no way out offered: $(cat "$tmp/out")"
"$NETLAB" list | grep "${LB}.*broken" >/dev/null || fail "list does not show the lab broken"
"$NETLAB" -q down --force "$LB"
assert_clean "$LB"
# the same with the state file deleted
"$NETLAB" -q up "$tmp/b.json"
rm "/run/netlab/${LB}/state.json"
"$NETLAB" -q down "$LB"
assert_clean "$LB"
echo "ok: corrupt and missing state"

# --- bad names are refused before anything is created
for name in ".." "a/b" "$(printf 'a\tb')" "$(head -c 40 /dev/zero | tr '\0' x)" "$(printf 'caf\xc3\xa9')" "$(printf 'x\xff')"; do
	printf '{"name": "%s", "nodes": {"n1": {}}}' "$name" > "$tmp/bad.json" 2>/dev/null
	rc=0; "$NETLAB" up "$tmp/bad.json" > "$tmp/out" 2>&1 || rc=$?
	[ $rc -eq 2 ] || fail "lab name '$name': exit $rc: $(cat "$tmp/out")"
done
for node in ".." "a/b" "../../etc" "x y" "$(head -c 70 /dev/zero | tr '\0' n)"; do
	python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "nodes": {sys.argv[2]: {}}}))' "$LC" "$node" > "$tmp/bad.json"
	rc=0; "$NETLAB" up "$tmp/bad.json" > "$tmp/out" 2>&1 || rc=$?
	[ $rc -eq 2 ] || fail "node name '$node': exit $rc"
	grep -q "node name" "$tmp/out" || fail "node name '$node': unclear: $(cat "$tmp/out")"
	assert_clean "$LC"
done
rc=0; "$NETLAB" down "../etc" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "down ../etc exited $rc"
rc=0; "$NETLAB" exec -l "../x" n1 true > "$tmp/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "exec -l ../x succeeded"
echo "ok: bad names refused"

# --- symlinks: files out of the topology dir, and a planted lab directory
mkdir -p "$tmp/topo"
echo secret > "$tmp/outside.txt"
ln -s "$tmp/outside.txt" "$tmp/topo/link.txt"
cat > "$tmp/topo/s.json" <<JSON
{ "name": "$LC", "nodes": { "n1": { "files": { "/etc/x": "link.txt" } } } }
JSON
rc=0; "$NETLAB" up "$tmp/topo/s.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "a symlink out of the topology dir: exit $rc"
grep -q "outside the topology" "$tmp/out" || fail "unclear: $(cat "$tmp/out")"
mkfifo "$tmp/topo/fifo"
sed -i 's/link.txt/fifo/' "$tmp/topo/s.json"
rc=0; "$NETLAB" up --allow-host-paths "$tmp/topo/s.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "a FIFO: exit $rc"
assert_clean "$LC"
mkdir -p "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "/run/netlab/${LC}"
printf '{"name": "%s", "nodes": {"n1": {}}}' "$LC" > "$tmp/c.json"
rc=0; "$NETLAB" up "$tmp/c.json" > "$tmp/out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "a planted symlink as lab directory: exit $rc"
grep -q "refusing" "$tmp/out" || fail "unclear: $(cat "$tmp/out")"
[ -z "$(ls -A "$tmp/elsewhere")" ] || fail "netlab wrote through the planted symlink"
rm "/run/netlab/${LC}"
[ ! -e "/run/netns/${LC}.n1" ] || fail "namespace created despite the refusal"
echo "ok: symlinks refused"
for l in "$LA" "$LB" "$LC"; do assert_clean "$l"; done
