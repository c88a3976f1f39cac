#!/usr/bin/env bats
# The fuzz smoke run of make check (issue 6; docs/testing.md): the libFuzzer
# harnesses of fuzz/ are built (clang, ASan, UBSan), replay every seed input
# and every regression input, and then each fuzzes for FUZZ_SMOKE_SECONDS
# (default 60), all three at once.  The long campaigns are `make fuzz
# FUZZ_SECONDS=N`.

load helper

setup_file() {
	if [ -n "${NETC_SANITIZER:-}" ]; then
		return 0
	fi
	# Built once for the file; the output only shows if it fails.
	make -C "$TOP" -s fuzz-build >"$BATS_FILE_TMPDIR/build.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/build.log" >&3
		return 1
	}
}

setup() {
	[ -z "${NETC_SANITIZER:-}" ] || skip "make check runs the fuzz smoke run; the harnesses carry their own sanitizers"
	FUZZ="$TOP/build-fuzz"
}

@test "fuzz: every harness replays the seeds and the regression inputs cleanly" {
	local h
	for h in yaml netc pipeline; do
		run env FUZZ_BUILD="$FUZZ" "$TOP/fuzz/run.sh" 0 "$h"
		assert_success
	done
}

@test "fuzz: each harness fuzzes ${FUZZ_SMOKE_SECONDS:-60} s without a finding" {
	# A scratch copy of the build: the corpus this run grows is thrown away.
	local out="$BATS_TEST_TMPDIR/fuzz"
	mkdir -p "$out"
	cp "$FUZZ"/fuzz-yaml "$FUZZ"/fuzz-netc "$FUZZ"/fuzz-pipeline "$out/"
	run env FUZZ_BUILD="$out" FUZZ_PARALLEL=3 "$TOP/fuzz/run.sh" "${FUZZ_SMOKE_SECONDS:-60}" yaml netc pipeline
	echo "$output" | sed 's/^/# /' >&3
	assert_success
}
