# Common setup for netc's bats tests.
#   load helper     (at the top of each .bats file)
# NETC may point at another build (the ASan one, or valgrind's wrapper).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
NETC="${NETC:-$TOP/netc}"
SAMPLES="$TOP/samples"

# Write stdin to $BATS_TEST_TMPDIR/NAME and print the path.
topo() {
	local f="$BATS_TEST_TMPDIR/$1"
	cat > "$f"
	printf '%s\n' "$f"
}

# First line of a run's stderr (run --separate-stderr).
first_stderr_line() {
	printf '%s\n' "${stderr_lines[0]}"
}

# The error, warning and note lines of the last run's stderr (run
# --separate-stderr), without the excerpts under them.
diag_lines() {
	printf '%s\n' "${stderr_lines[@]}" | grep -E ': (error|warning|note): '
}

# check_fails FILE EXPECTED: netc --check FILE exits 1 with exactly the
# error, warning and note lines EXPECTED.
check_fails() {
	run --separate-stderr "$NETC" --check "$1"
	assert_failure 1
	assert_equal "$(diag_lines)" "$2"
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root for network namespaces (run make check as root)"
	fi
}

# make check-valgrind runs netc about fifty times slower, and a second of
# valgrind's start-up a run.  Tests that repeat the same runs, or loop over
# hundreds of inputs for a property checked natively, do less there:
#   skip_under_valgrind WHY   skip this test under valgrind, saying why
#   valgrind_thin N           filter: every Nth line of stdin under
#                             valgrind (from the first), all of it otherwise
skip_under_valgrind() {
	[ "${NETC_SANITIZER:-}" != valgrind ] || skip "under valgrind: $1"
}

valgrind_thin() {
	if [ "${NETC_SANITIZER:-}" = valgrind ]; then
		awk -v n="$1" '(NR - 1) % n == 0'
	else
		cat
	fi
}
