#!/bin/bash
# Run every tests/integration/test_*.sh as root, once with the plain binary and
# once with the sanitizer build. A test exits 0 (pass), 77 (skip: it printed why;
# only for a missing kernel feature) or anything else (fail).
# A test must never touch a lab it did not create: before each test the labs under /run/netlab,
# their state files (inode and mtime) and their pins in /run/netns are recorded, and a test
# after which any of them is gone or changed fails, whatever its own exit code.
# Environment: TESTS="test_a test_b" runs only those; TESTS_DIR (tests/integration), BINS
# ("build/netlab build-asan/netlab") and RESULTS (build/results) are for run.sh's own test.
set -u
cd "$(dirname "$0")/../.."
results=${RESULTS:-build/results}
mkdir -p "$results"
out=$results/integration.tsv
: > "$out"
if [ "$(id -u)" -ne 0 ]; then
	echo "integration tests need root" >&2
	printf 'fail\tintegration (not root)\t1\n' >> "$out"
	exit 1
fi

# One line per lab that is not being built right now (an `up` whose creator is alive is in
# flux), per state file and per pin: what a test must leave as it found it.
lab_snapshot() {
	local d l f p pid
	for d in /run/netlab/*/; do
		d=${d%/}
		l=${d##*/}
		[ -d "$d" ] || continue
		pid=$(sed -n 's/.*"status":"creating".*"creator":{"pid":\([0-9]*\).*/\1/p' "$d/state.json" 2>/dev/null)
		[ -n "$pid" ] && [ -d "/proc/$pid" ] && continue
		echo "lab $l"
		for f in state.json wiring.json; do
			[ -e "$d/$f" ] && echo "state $l/$f inode+mtime $(stat -c '%i %.9Y' "$d/$f" 2>/dev/null)"
		done
		for p in /run/netns/"$l".*; do
			if [ -e "$p" ] || [ -L "$p" ]; then
				echo "pin ${p##*/} inode $(stat -L -c %i "$p" 2>/dev/null)"
			fi
		done
	done | sort
	return 0
}
# what of BEFORE is gone or changed now (printed); fails when there is any
labs_touched() { # BEFORE
	local gone
	gone=$(comm -23 <(echo "$1") <(lab_snapshot))
	[ -n "$gone" ] || return 0
	echo "$gone"
	return 1
}

failed=0
only=${TESTS:-}
dir=${TESTS_DIR:-tests/integration}
for bin in ${BINS:-build/netlab build-asan/netlab}; do
	tag=$(basename "$(dirname "$bin")")
	for t in "$dir"/test_*.sh; do
		name=$(basename "$t" .sh)
		[ -n "$only" ] && ! echo " $only " | grep -q " $name " && continue
		log=$results/$tag-$name.log
		start=$(date +%s.%N)
		before=$(lab_snapshot)
		case $bin in /*) path=$bin ;; *) path=$PWD/$bin ;; esac
		NETLAB=$path ASAN_OPTIONS=detect_leaks=1 timeout 900 bash "$t" > "$log" 2>&1 < /dev/null
		rc=$?
		if ! touched=$(labs_touched "$before"); then
			{
				echo "FAIL: $name removed or changed labs it did not create; gone or changed:"
				echo "$touched" | sed 's/^/  /'
			} >> "$log"
			[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] || rc=3
		fi
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
