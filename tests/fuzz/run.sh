#!/bin/bash
# `make fuzz`: libFuzzer (clang) on the topology parser, pools, routes, validator, plan and
# drawings, under ASan and UBSan, for FUZZ_SECONDS (default 60). Seeds: topologies/ and
# tests/fuzz/seeds. A crash, leak, timeout or sanitizer report fails; its input is kept in
# build-fuzz/ for tests/fuzz/regressions/ (replayed by tests/unit/test_fuzz_regressions.c).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
out=build-fuzz
mkdir -p "$out/corpus" "$out/artifacts"
srcs=()
for f in src/*.c; do
	[ "$f" = src/main.c ] || srcs+=("$f")
done
# clang and its runtimes (Debian 12: clang, libclang-rt-14-dev), as scripts/deps.sh installs
read -ra pkg_cflags <<< "$(pkg-config --cflags libmnl jansson)"
read -ra pkg_libs <<< "$(pkg-config --libs libmnl jansson)"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -D_GNU_SOURCE "${pkg_cflags[@]}" \
	tests/fuzz/fuzz_topo.c "${srcs[@]}" -o "$out/fuzz_topo" "${pkg_libs[@]}" -lpthread
cp topologies/*.json tests/fuzz/seeds/*.json "$out/corpus/"
# progress (pulses, new coverage is not shown) and the final stats as it runs; all of it in fuzz.log
set +e
"$out/fuzz_topo" "$out/corpus" -dict=tests/fuzz/json.dict -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$out/artifacts/" 2>&1 | tee "$out/fuzz.log" |
	grep --line-buffered -E "^#[0-9]+.*(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|runtime error"
rc=${PIPESTATUS[0]}
set -e
# libFuzzer exits 0 only when the time ran out without a finding; a timeout, an out-of-memory,
# a leak or a sanitizer report (UBSan aborts: -fno-sanitize-recover) exits non-zero
if [ "$rc" -ne 0 ] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY: " "$out/fuzz.log"; then
	echo "fuzz: a finding (libFuzzer exit $rc); see $out/fuzz.log, inputs in $out/artifacts/" >&2
	exit 1
fi
echo "fuzz: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz.log" | awk '{print $2}') executions in ${secs} s, $(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -1) edges, no finding"
