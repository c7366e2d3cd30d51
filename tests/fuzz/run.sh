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
srcs=$(ls src/*.c | grep -v src/main.c)
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iinclude -D_GNU_SOURCE $(pkg-config --cflags libmnl jansson) \
	tests/fuzz/fuzz_topo.c $srcs -o "$out/fuzz_topo" $(pkg-config --libs libmnl jansson) -lpthread
cp topologies/*.json tests/fuzz/seeds/*.json "$out/corpus/"
"$out/fuzz_topo" "$out/corpus" -dict=tests/fuzz/json.dict -max_len=65536 -timeout=10 \
	-rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$out/artifacts/" 2>&1 | tee "$out/fuzz.log" | grep -E "^#[0-9]+.*(DONE|pulse)|stat::|ERROR|SUMMARY" || true
if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY: " "$out/fuzz.log"; then
	echo "fuzz: a finding; inputs in $out/artifacts/" >&2
	exit 1
fi
echo "fuzz: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz.log" | awk '{print $2}') executions in ${secs} s, $(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -1) edges, no finding"
