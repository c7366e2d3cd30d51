#!/bin/bash
# `make check` prints its summary line also when a step fails, still runs the steps after
# it, and exits non-zero. Run on a copy of the Makefile with stub steps (the real ones take
# minutes and need the lab machine to themselves).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

d=$TMP/tree
mkdir -p "$d/tests/integration" "$d/scripts" "$d/src/init" "$d/tests/unit"
cp "$REPO/Makefile" "$d/"
cp "$REPO/tests/summary.sh" "$d/tests/"
# unit (and valgrind) fail one test; integration passes two
cat > "$d/tests/run-unit.sh" <<'SH'
mkdir -p build/results
mode=${VALGRIND:+valgrind}; mode=${mode:-unit}
printf 'pass\tt (%s)\t3\nfail\tt (%s)\t1\n' "$mode" "$mode" > "build/results/$mode.tsv"
exit 1
SH
cat > "$d/tests/integration/run.sh" <<'SH'
mkdir -p build/results
printf 'pass\tit\t2\n' > build/results/integration.tsv
SH

# unit fails: valgrind still runs, the summary still prints, make fails
rc=0
make -C "$d" --no-print-directory -s check-steps CHECK_STEPS="unit valgrind" > "$TMP/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "make check-steps with a failing step exited 0: $(cat "$TMP/out")"
assert_contains "$(cat "$TMP/out")" "check: 6 passed, 2 failed, 0 skipped" "the summary"
# all pass: exit 0 and the summary
cat > "$d/tests/run-unit.sh" <<'SH'
mkdir -p build/results
printf 'pass\tt\t3\n' > build/results/unit.tsv
SH
rm -rf "$d/build"
expect_exit 0 make -C "$d" --no-print-directory -s check-steps CHECK_STEPS="unit"
assert_contains "$OUT" "check: 3 passed, 0 failed, 0 skipped" "the summary"
# and `make check` is those steps after the build
expect_exit 0 make -C "$REPO" -n check
assert_contains "$OUT" "check-steps" "make -n check"
