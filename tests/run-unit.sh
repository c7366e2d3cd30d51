#!/bin/sh
# Run cmocka unit test binaries (under valgrind when VALGRIND=1); record results
# in build/results/ for tests/summary.sh. Exit 1 if any test failed.
set -u
mode=${VALGRIND:+valgrind}
case "${1:-}" in build-asan/*) mode=asan ;; esac
mode=${mode:-unit}
mkdir -p build/results
out=build/results/$mode.tsv
: > "$out"
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	log=build/results/$mode-$name.log
	if [ "$mode" = valgrind ]; then
		valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all \
			--error-exitcode=99 "$bin" > "$log" 2>&1
	else
		"$bin" > "$log" 2>&1
	fi
	rc=$?
	passed=$(grep -c "^\[       OK \]" "$log")
	nfail=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	passed=${passed:-0}; nfail=${nfail:-0}
	if [ $rc -ne 0 ] && [ "$nfail" = 0 ]; then nfail=1; fi
	printf 'pass\t%s (%s)\t%s\n' "$name" "$mode" "$passed" >> "$out"
	if [ "$nfail" != 0 ]; then
		printf 'fail\t%s (%s)\t%s\n' "$name" "$mode" "$nfail" >> "$out"
		echo "FAIL: $name ($mode), see $log:"; tail -30 "$log"
		failed=1
	fi
	echo "$mode: $name: $passed passed, $nfail failed"
done
exit $failed
