#!/bin/bash
# The same lab twice: the second up exits 1 with "already up", changes nothing, and the first
# lab still works; the same holds for the same lab from a second copy of the file.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
topo_small "$LAB" "$TMP/lab.json"
lab_up "$LAB" "$TMP/lab.json"
lab_ping "$LAB" h1 10.0.13.2
before=$(lab_pins "$LAB")
created=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["created"])' "/run/netlab/$LAB/state.json")

expect_exit 1 "$NETLAB" up "$TMP/lab.json"
assert_contains "$ERR" "already up" "second up"
assert_contains "$ERR" "$LAB" "second up"
assert_not_contains "$OUT" "is up" "second up's stdout"
# the same lab name from another file (another topology even) is refused just the same
cp "$TMP/lab.json" "$TMP/copy.json"
expect_exit 1 "$NETLAB" up "$TMP/copy.json"
assert_contains "$ERR" "already up" "up of a copy"

# nothing changed and the first lab still works
assert_eq "$(lab_pins "$LAB")" "$before" "namespaces after the refused up"
assert_eq "$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["created"])' "/run/netlab/$LAB/state.json")" \
	"$created" "state after the refused up"
lab_ping "$LAB" h1 10.0.13.2
lab_ping "$LAB" h2 2001:db8:13::2
lab_ping "$LAB" h3 10.1.0.11
expect_exit 0 "$NETLAB" status --json "$LAB"
assert_eq "$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["labs"][0]["status"])' <<< "$OUT")" up "status after the refused up"

expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
# and after down, the same file comes up again
lab_up "$LAB" "$TMP/lab.json"
lab_ping "$LAB" h1 2001:db8:13::2
expect_exit 0 "$NETLAB" down "$LAB"
assert_clean "$LAB"
