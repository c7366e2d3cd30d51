#!/bin/bash
# run.sh's guard: a test after which a lab that existed before it is gone or changed fails,
# even when it exits 0; a test that leaves other labs alone passes. Deliberately bad tests in a
# temporary directory take on a lab of this test's own, in a private /run/netlab (PRIVATE_RUN,
# see lib.sh), so that nothing of anyone else's is in sight.
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

new_lab V victim
topo_small "$V" "$TMP/v.json"
lab_up "$V" "$TMP/v.json"

mkdir "$TMP/suite"
cat > "$TMP/suite/test_a_good.sh" <<'T'
"$NETLAB" list > /dev/null && "$NETLAB" status "$VICTIM" > /dev/null
T
cat > "$TMP/suite/test_b_touch.sh" <<'T'
touch "/run/netlab/$VICTIM/state.json"
T
cat > "$TMP/suite/test_c_unpin.sh" <<'T'
ip netns del "$VICTIM.h2"
T
cat > "$TMP/suite/test_d_down.sh" <<'T'
"$NETLAB" -q down "$VICTIM"
T
rc=0
VICTIM=$V TESTS= TESTS_DIR=$TMP/suite RESULTS=$TMP/results BINS=$NETLAB \
	bash "$REPO/tests/integration/run.sh" > "$TMP/run.out" 2>&1 || rc=$?
out=$(cat "$TMP/run.out")
assert_eq "$rc" 1 "run.sh's exit with bad tests"
assert_contains "$out" "PASS test_a_good" "run.sh"
assert_contains "$out" "FAIL test_b_touch" "run.sh"
assert_contains "$out" "FAIL test_c_unpin" "run.sh"
assert_contains "$out" "FAIL test_d_down" "run.sh"
b=$(cat "$TMP"/results/*-test_b_touch.log)
assert_contains "$b" "test_b_touch removed or changed labs it did not create" "the touch test's log"
assert_contains "$b" "state $V/state.json" "the touch test's log"
c=$(cat "$TMP"/results/*-test_c_unpin.log)
assert_contains "$c" "pin $V.h2" "the unpin test's log"
assert_not_contains "$c" "pin $V.h3" "the unpin test's log"
d=$(cat "$TMP"/results/*-test_d_down.log)
assert_contains "$d" "lab $V" "the down test's log"
grep -q "^fail	test_d_down" "$TMP/results/integration.tsv" || fail "no fail line in the results"
echo "ok: run.sh fails the tests that touch a lab they did not create, and only those"
expect_exit 0 "$NETLAB" down --force "$V"
assert_clean "$V"
