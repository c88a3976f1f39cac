#!/bin/sh
# Run libFuzzer harnesses (make fuzz).
#   fuzz/run.sh SECONDS HARNESS...
# Each harness is build-fuzz/fuzz-HARNESS (make fuzz-build).  It runs SECONDS
# seconds (0: only replays the corpus) from its corpus build-fuzz/corpus-HARNESS,
# kept between runs, plus the seeds: every .yaml/.netc file of samples/,
# tests/bad/, tests/data/ and tests/hostile/.  Findings are written as
# build-fuzz/findings/HARNESS-*; the log of each run is build-fuzz/HARNESS.log.
# Harnesses run one after the other; FUZZ_PARALLEL=N runs N at once.
# FUZZ_FLAGS adds libFuzzer options (e.g. -use_value_profile=1 -jobs=2).
set -eu
cd "$(dirname "$0")/.."

secs=$1
shift
out=${FUZZ_BUILD:-build-fuzz}
parallel=${FUZZ_PARALLEL:-1}
mkdir -p "$out/findings"

# seeds DIR EXT...: copy the seed inputs with these extensions into DIR.
seeds() {
	dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	for ext in "$@"; do
		for f in samples/*."$ext" tests/bad/*."$ext" tests/data/*/*."$ext" tests/hostile/*."$ext"; do
			[ -f "$f" ] || continue
			cp "$f" "$dir/$(echo "$f" | tr / _)"
		done
	done
}

seeds "$out/seeds-yaml" yaml yml
seeds "$out/seeds-netc" netc
seeds "$out/seeds-pipeline" yaml yml netc
cat fuzz/yaml.dict fuzz/netc.dict > "$out/pipeline.dict"
cp fuzz/yaml.dict fuzz/netc.dict "$out/"

run_one() {
	h=$1
	bin="$out/fuzz-$h"
	[ -x "$bin" ] || { echo "fuzz: $bin is not built (make fuzz-build)" >&2; return 1; }
	mkdir -p "$out/corpus-$h"
	if [ "$secs" -gt 0 ]; then
		time_opt="-max_total_time=$secs"
	else
		time_opt="-runs=0"
	fi
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
	if "$bin" $time_opt -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-dict="$out/$h.dict" -artifact_prefix="$out/findings/$h-" ${FUZZ_FLAGS:-} \
		"$out/corpus-$h" "$out/seeds-$h" > "$out/$h.log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
		cov=$(grep -o 'cov: [0-9]*' "$out/$h.log" | tail -n 1)
		echo "fuzz: $h: ${secs}s, ${execs:-?} executions, ${cov:-cov: ?}, corpus $(find "$out/corpus-$h" -type f | wc -l) files, no finding"
	else
		echo "fuzz: $h: FAILED; the end of $out/$h.log:" >&2
		tail -n 60 "$out/$h.log" >&2
		find "$out/findings" -name "$h-*" | sed 's/^/fuzz: finding: /' >&2
		return 1
	fi
}

status=0
running=0
pids=""
for h in "$@"; do
	if [ "$parallel" -le 1 ]; then
		run_one "$h" || status=1
		continue
	fi
	run_one "$h" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$parallel" ]; then
		for p in $pids; do wait "$p" || status=1; done
		pids=""
		running=0
	fi
done
for p in $pids; do wait "$p" || status=1; done
exit $status
