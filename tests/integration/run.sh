#!/bin/bash
# Run every tests/integration/test_*.sh as root, once with the plain binary and
# once with the sanitizer build. A test exits 0 (pass), 77 (skip: it printed why;
# only for a missing kernel feature) or anything else (fail).
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/results
out=build/results/integration.tsv
: > "$out"
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root" >&2
	printf 'fail\tintegration (not root)\t1\n' >> "$out"
	exit 1
fi
failed=0
only=${TESTS:-}
for bin in build/netlab build-asan/netlab; do
	tag=$(basename "$(dirname "$bin")")
	for t in tests/integration/test_*.sh; do
		name=$(basename "$t" .sh)
		[ -n "$only" ] && ! echo " $only " | grep -q " $name " && continue
		log=build/results/$tag-$name.log
		start=$(date +%s.%N)
		NETLAB=$PWD/$bin ASAN_OPTIONS=detect_leaks=1 timeout 900 bash "$t" > "$log" 2>&1 < /dev/null
		rc=$?
		secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
		case $rc in
		0) printf 'pass\t%s (%s)\t1\n' "$name" "$tag" >> "$out"; echo "PASS $name ($tag) ${secs}s" ;;
		77) reason=$(grep -m1 '^SKIP' "$log" || echo "SKIP: no reason printed")
		    printf 'skip\t%s (%s): %s\t1\n' "$name" "$tag" "$reason" >> "$out"; echo "SKIP $name ($tag): $reason" ;;
		*) printf 'fail\t%s (%s)\t1\n' "$name" "$tag" >> "$out"; echo "FAIL $name ($tag) rc=$rc, log $log:"; tail -40 "$log"; failed=1 ;;
		esac
	done
done
exit $failed
