#!/bin/bash
# `make fuzz`: libFuzzer (clang) under ASan and UBSan, every target tests/fuzz/fuzz_NAME.c for
# FUZZ_SECONDS each (default 60): fuzz_topo (the JSON parser, pools, routes, validator, plan and
# drawings; seeds topologies/ and tests/fuzz/seeds/), fuzz_clab (the containerlab reader, then
# the same; seeds tests/fixtures/clab/ and tests/fuzz/seeds-clab/). A crash, leak, timeout or
# sanitizer report fails; its input is kept in build-fuzz/NAME/artifacts/ for
# tests/fuzz/regressions/ (JSON, replayed by tests/unit/test_fuzz_regressions.c) or
# tests/fuzz/regressions-clab/ (replayed by tests/unit/test_read_clab.c).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
srcs=()
for f in src/*.c; do
	[ "$f" = src/main.c ] || srcs+=("$f")
done
# clang and its runtimes (Debian 12: clang, libclang-rt-14-dev), as scripts/deps.sh installs
read -ra pkg_cflags <<< "$(pkg-config --cflags libmnl jansson yaml-0.1)"
read -ra pkg_libs <<< "$(pkg-config --libs libmnl jansson yaml-0.1)"

# the seeds and dictionary of a target
seeds() {
	case $1 in
	topo) ls topologies/*.json tests/fuzz/seeds/*.json ;;
	clab) ls tests/fixtures/clab/*.clab.yml tests/fuzz/seeds-clab/*.clab.yml ;;
	*) echo "fuzz: no seeds for target $1" >&2; exit 1 ;;
	esac
}
dict() {
	case $1 in
	topo) echo tests/fuzz/json.dict ;;
	clab) echo tests/fuzz/clab.dict ;;
	esac
}

failed=0
for target in tests/fuzz/fuzz_*.c; do
	name=$(basename "$target" .c)
	name=${name#fuzz_}
	out=build-fuzz/$name
	mkdir -p "$out/corpus" "$out/artifacts"
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iinclude -D_GNU_SOURCE "${pkg_cflags[@]}" \
		"$target" "${srcs[@]}" -o "$out/fuzz_$name" "${pkg_libs[@]}" -lpthread
	cp $(seeds "$name") "$out/corpus/"
	# progress (pulses, new coverage is not shown) and the final stats as it runs; all in fuzz.log
	set +e
	"$out/fuzz_$name" "$out/corpus" -dict="$(dict "$name")" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/" 2>&1 | tee "$out/fuzz.log" |
		grep --line-buffered -E "^#[0-9]+.*(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|runtime error" |
		sed -u "s/^/$name: /"
	rc=${PIPESTATUS[0]}
	set -e
	# libFuzzer exits 0 only when the time ran out without a finding; a timeout, an out-of-memory,
	# a leak or a sanitizer report (UBSan aborts: -fno-sanitize-recover) exits non-zero
	if [ "$rc" -ne 0 ] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY: " "$out/fuzz.log"; then
		echo "fuzz: $name: a finding (libFuzzer exit $rc); see $out/fuzz.log, inputs in $out/artifacts/" >&2
		failed=1
		continue
	fi
	echo "fuzz: $name: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz.log" | awk '{print $2}') executions in ${secs} s, $(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -1) edges, no finding"
done
exit $failed
