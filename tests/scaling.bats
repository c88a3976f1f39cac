#!/usr/bin/env bats
# The compiler does a linear amount of work (issue 7): instructions counted
# by callgrind — repeatable whatever the machine's load — at two sizes four
# times apart must grow at most 2.5 x 4 = 10 times.  A quadratic pass grows
# 16 times and fails.  Each shape of input stresses a different part:
# many domains and vifs (readers, schema, derivations, per-vif checks),
# many networks (per-network checks and backends).

load helper
load lib/scaling

setup() {
	require_scaling
}

@test "scaling: domains and vifs (YAML), check and json" {
	"$GENTOPO" yaml 500 > "$BATS_TEST_TMPDIR/s.yaml"
	"$GENTOPO" yaml 2000 > "$BATS_TEST_TMPDIR/l.yaml"
	for t in json sh; do
		a=$(instructions "$NETC" -q -t "$t" "$BATS_TEST_TMPDIR/s.yaml")
		b=$(instructions "$NETC" -q -t "$t" "$BATS_TEST_TMPDIR/l.yaml")
		assert_linear "$a" "$b" "yaml -t $t"
	done
}

@test "scaling: domains and vifs (netc syntax), xl and netc" {
	"$GENTOPO" netc 500 > "$BATS_TEST_TMPDIR/s.netc"
	"$GENTOPO" netc 2000 > "$BATS_TEST_TMPDIR/l.netc"
	a=$(instructions "$NETC" -q -t xl "$BATS_TEST_TMPDIR/s.netc" -o "$BATS_TEST_TMPDIR/xs")
	b=$(instructions "$NETC" -q -t xl "$BATS_TEST_TMPDIR/l.netc" -o "$BATS_TEST_TMPDIR/xl")
	assert_linear "$a" "$b" "netc -t xl"
	a=$(instructions "$NETC" -q -t netc "$BATS_TEST_TMPDIR/s.netc")
	b=$(instructions "$NETC" -q -t netc "$BATS_TEST_TMPDIR/l.netc")
	assert_linear "$a" "$b" "netc -t netc"
}

@test "scaling: networks, every per-network target" {
	"$GENTOPO" yaml --bridges 500 > "$BATS_TEST_TMPDIR/s.yaml"
	"$GENTOPO" yaml --bridges 2000 > "$BATS_TEST_TMPDIR/l.yaml"
	for t in sh dot yaml; do
		a=$(instructions "$NETC" -q -t "$t" "$BATS_TEST_TMPDIR/s.yaml")
		b=$(instructions "$NETC" -q -t "$t" "$BATS_TEST_TMPDIR/l.yaml")
		assert_linear "$a" "$b" "networks -t $t"
	done
}

@test "scaling: the check itself fails on quadratic work" {
	# The assertion must be able to fail: a command whose work is quadratic
	# in its input (awk comparing every line with every other) is caught.
	seq 1 150 > "$BATS_TEST_TMPDIR/s.txt"
	seq 1 600 > "$BATS_TEST_TMPDIR/l.txt"
	prog='{ v[NR] = $1 } END { for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++) n += v[i] < v[j]; print n }'
	a=$(instructions awk "$prog" "$BATS_TEST_TMPDIR/s.txt")
	b=$(instructions awk "$prog" "$BATS_TEST_TMPDIR/l.txt")
	run assert_linear "$a" "$b" "quadratic awk"
	assert_failure
}
