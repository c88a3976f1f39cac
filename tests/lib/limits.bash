# Time and memory of one netc run, for the hostile-input, large-input and
# output tests (bash, after `load helper`).
#
#   measured CMD...    run CMD as bats' `run --separate-stderr` does, under
#                      GNU time (package time) and a 600 s timeout; sets
#                      PEAK_KB (peak resident memory, KiB) and ELAPSED (s)
#   assert_peak_kb N   PEAK_KB <= N
#   assert_seconds N   ELAPSED <= N, times SLOWDOWN
#
# Under make check-asan and check-valgrind (NETC_SANITIZER set) the memory
# measured is the sanitizer's or valgrind's own, so assert_peak_kb passes
# without looking, and SLOWDOWN scales the time bounds.

TIME_BIN=/usr/bin/time

case "${NETC_SANITIZER:-}" in
asan) SLOWDOWN=5 ;;
valgrind) SLOWDOWN=60 ;;
*) SLOWDOWN=1 ;;
esac

measured() {
	local tf="$BATS_TEST_TMPDIR/measured.time"
	[ -x "$TIME_BIN" ] || fail "$TIME_BIN is missing (Debian package time: scripts/deps.sh check)"
	rm -f "$tf"
	run --separate-stderr timeout 600 "$TIME_BIN" -q -f '%M %e' -o "$tf" "$@"
	# The last line: GNU time writes nothing else with -q, but be lenient.
	read -r PEAK_KB ELAPSED < <(tail -n 1 "$tf" 2>/dev/null || echo "0 0")
}

assert_peak_kb() {
	[ -n "${NETC_SANITIZER:-}" ] && return 0
	[ "$PEAK_KB" -le "$1" ] || fail "peak memory ${PEAK_KB} KiB > $1 KiB"
}

assert_seconds() {
	local max=$(($1 * SLOWDOWN))
	awk -v e="$ELAPSED" -v m="$max" 'BEGIN { exit !(e <= m) }' ||
		fail "took ${ELAPSED} s > ${max} s"
}
