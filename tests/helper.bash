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

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "needs root for network namespaces (run make check as root)"
	fi
}
