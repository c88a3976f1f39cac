# Linear-work assertions by callgrind's instruction count (bash, after
# `load helper`): repeatable whatever the machine's load.  Used by
# tests/scaling.bats, and by dot.bats and lab_generate.bats for their own
# targets.
#
#   require_scaling         skip unless valgrind and build/bench/gentopo exist,
#                           and under a sanitizer
#   instructions CMD...     callgrind's total instruction count for CMD
#   assert_linear SMALL LARGE WHAT
#                           LARGE / SMALL <= 10 for inputs 4x apart (a
#                           quadratic pass grows 16x)

GENTOPO="$TOP/build/bench/gentopo"

require_scaling() {
	# Under make check-asan or check-valgrind $NETC is an instrumented build
	# or a wrapper that callgrind cannot count: the figure is the plain
	# binary's, which make check-suite measures.
	[ -z "${NETC_SANITIZER:-}" ] || skip "callgrind counts the plain ./netc (make check-suite), not a sanitized one"
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	[ -x "$GENTOPO" ] || skip "build/bench/gentopo is missing (make check builds it)"
}

instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}

assert_linear() {
	local small=$1 large=$2 what=$3 ratio
	[ -n "$small" ] && [ -n "$large" ] || fail "$what: no instruction count"
	ratio=$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2f", a / b }')
	echo "$what: $small -> $large instructions, x$ratio for 4x the input" >&3
	awk -v r="$ratio" 'BEGIN { exit !(r <= 10) }' || fail "$what grows x$ratio for 4x the input"
}
