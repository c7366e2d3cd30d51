#!/bin/bash
# `make fuzz`: libFuzzer (clang) on every reader, under ASan and UBSan, for FUZZ_SECONDS each
# (default 60): fuzz_topo (netlab JSON through the parser, pools, routes, validator, plan and
# drawings; seeds topologies/ and tests/fuzz/seeds), fuzz_kathara (a Kathará lab through
# the reader, then its JSON the same way; seeds tests/fuzz/seeds-kathara) and fuzz_clab (a
# containerlab topology the same way; seeds tests/fixtures/clab and tests/fuzz/seeds-clab).
# A crash, leak, timeout or sanitizer report fails; its input is kept in
# build-fuzz/TARGET/artifacts/ for tests/fuzz/regressions/, regressions-kathara/ or
# regressions-clab/ (replayed by the unit tests). FUZZ_ONLY=TARGET runs that one alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
srcs=()
for f in src/*/*.c; do
	case $f in src/cli/main.c | src/init/*) ;; *) srcs+=("$f") ;; esac
done
# the nodes' systemctl, embedded in the library as make embeds it (lab_node.c refers to it)
mkdir -p build-fuzz
cp src/node/netlab-service build-fuzz/netlab-service
(cd build-fuzz && ld -r -b binary -z noexecstack -o service_blob.o netlab-service)
srcs+=(build-fuzz/service_blob.o)
# clang and its runtimes (Debian 12: clang, libclang-rt-14-dev), as scripts/deps.sh installs
read -ra pkg_cflags <<< "$(pkg-config --cflags libmnl jansson yaml-0.1)"
read -ra pkg_libs <<< "$(pkg-config --libs libmnl jansson yaml-0.1)"

# fuzz TARGET DICT SEED...: build tests/fuzz/TARGET.c, run it for $secs seconds
fuzz() {
	local target=$1 dict=$2 rc
	local out=build-fuzz/$target
	shift 2
	if [ -n "${FUZZ_ONLY:-}" ] && [ "$FUZZ_ONLY" != "$target" ]; then
		return 0
	fi
	mkdir -p "$out/corpus" "$out/artifacts"
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Iinclude -D_GNU_SOURCE "${pkg_cflags[@]}" \
		"tests/fuzz/$target.c" "${srcs[@]}" -o "$out/$target" "${pkg_libs[@]}" -lpthread
	cp "$@" "$out/corpus/"
	# progress (pulses, new coverage is not shown) and the final stats as it runs; all of it in fuzz.log
	set +e
	"$out/$target" "$out/corpus" -dict="$dict" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/" 2>&1 | tee "$out/fuzz.log" |
		grep --line-buffered -E "^#[0-9]+.*(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|runtime error|abort|refuses"
	rc=${PIPESTATUS[0]}
	set -e
	# libFuzzer exits 0 only when the time ran out without a finding; a timeout, an out-of-memory,
	# a leak or a sanitizer report (UBSan aborts: -fno-sanitize-recover) exits non-zero
	if [ "$rc" -ne 0 ] || grep -qE "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY: " "$out/fuzz.log"; then
		echo "fuzz: $target: a finding (libFuzzer exit $rc); see $out/fuzz.log, inputs in $out/artifacts/" >&2
		return 1
	fi
	echo "fuzz: $target: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$out/fuzz.log" | awk '{print $2}') executions in ${secs} s, $(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -1) edges, no finding"
}

rc=0
fuzz fuzz_topo tests/fuzz/json.dict topologies/*.json tests/fuzz/seeds/*.json || rc=1
fuzz fuzz_kathara tests/fuzz/kathara.dict tests/fuzz/seeds-kathara/*.lab || rc=1
fuzz fuzz_clab tests/fuzz/clab.dict tests/fixtures/clab/*.clab.yml tests/fuzz/seeds-clab/*.clab.yml || rc=1
exit $rc
