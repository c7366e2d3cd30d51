#!/bin/bash
# A lab of more than 50 nodes shows its progress on a terminal: a line per phase, rewritten in
# place, to 100% (N/N), and cleared before the result is printed. None with -q, none when stderr
# is not a terminal, none for a lab of 50 nodes. The terminal is util-linux script(1)'s pty.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab LAB
new_lab SMALL small
"$NETLAB" gen line 60 --name "$LAB" -o "$TMP/big.json"
"$NETLAB" gen line 50 --name "$SMALL" -o "$TMP/small.json"

on_tty() { # OUTFILE CMD...: run CMD with a terminal as its stdin, stdout and stderr
	local out=$1
	shift
	script -qec "$(printf '%q ' "$@")" /dev/null > "$out" < /dev/null
}

on_tty "$TMP/tty" "$NETLAB" up "$TMP/big.json" || fail "up on a terminal failed: $(cat "$TMP/tty")"
record_lab "$LAB"
tr '\r' '\n' < "$TMP/tty" > "$TMP/lines"
grep -q "^netlab: $LAB: creating namespaces *100% (60/60)" "$TMP/lines" ||
	fail "no namespace progress to 100% (60/60):"$'\n'"$(cat -v "$TMP/tty")"
grep -q "^netlab: $LAB: configuring nodes *100% (60/60)" "$TMP/lines" ||
	fail "no node progress to 100% (60/60):"$'\n'"$(cat -v "$TMP/tty")"
# rewritten in place (carriage returns, no new lines) and cleared before the result
[ "$(grep -c '%' "$TMP/tty")" -eq 1 ] || fail "progress printed on several lines:"$'\n'"$(cat -v "$TMP/tty")"
grep -q $'\r\033\\[K'"lab '$LAB' is up" "$TMP/tty" ||
	fail "the progress line is not cleared before the result:"$'\n'"$(cat -v "$TMP/tty")"
expect_exit 0 "$NETLAB" down "$LAB"

# -q: errors only, no progress
on_tty "$TMP/tty" "$NETLAB" -q up "$TMP/big.json" || fail "up -q failed: $(cat "$TMP/tty")"
[ ! -s "$TMP/tty" ] || fail "up -q printed:"$'\n'"$(cat -v "$TMP/tty")"
expect_exit 0 "$NETLAB" down "$LAB"

# not a terminal
expect_exit 0 "$NETLAB" up "$TMP/big.json"
assert_not_contains "$ERR" "%" "up with stderr not a terminal"
assert_contains "$OUT" "lab '$LAB' is up" "up with stderr not a terminal"
expect_exit 0 "$NETLAB" down "$LAB"

# 50 nodes: no progress
on_tty "$TMP/tty" "$NETLAB" up "$TMP/small.json" || fail "up of 50 nodes failed: $(cat "$TMP/tty")"
record_lab "$SMALL"
grep -q '%' "$TMP/tty" && fail "a lab of 50 nodes showed progress:"$'\n'"$(cat -v "$TMP/tty")"
expect_exit 0 "$NETLAB" down "$SMALL"

assert_clean "$LAB"
assert_clean "$SMALL"
