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

# make bench-cache's script (docs/performance.md), on small topologies: its
# counts parse, the work it reports is linear, and it simulates the cache
# the kernel reports or the one it is told.
@test "scaling: bench/cachesim.sh counts per domain, in the kernel's cache or the one given" {
	[ -x "$TOP/build/bench/yaml_baseline" ] || skip "build/bench/yaml_baseline is missing (make check builds it)"
	export BENCH_BIN="$TOP/build/bench" NETC BENCH_CACHE_CSV="$BATS_TEST_TMPDIR/c.csv"
	BENCH_CACHE_SIZES="250 1000" BENCH_CACHE_TARGETS="check json" run sh "$TOP/bench/cachesim.sh"
	assert_success
	for n in 250 1000; do
		for t in base check json; do
			assert_line --regexp "^ +$n $t +[1-9][0-9]+ +[1-9][0-9]* +[1-9][0-9]+ +[0-9.]+\$"
		done
	done
	# The count is the instructions callgrind counts for the same command.
	"$GENTOPO" yaml 250 4 > "$BATS_TEST_TMPDIR/t.yaml"
	want=$(instructions "$NETC" -q -t json "$BATS_TEST_TMPDIR/t.yaml")
	got=$(awk '$1 == 250 && $2 == "json" { print $3 }' <<< "$output")
	awk -v a="$got" -v b="$want" 'BEGIN { exit !(b > 0 && a / b > 0.99 && a / b < 1.01) }' ||
		fail "json at 250: $got instructions, callgrind counts $want"
	for t in base check json; do
		line=$(grep -E "^  $t +instructions" <<< "$output") || fail "no growth line for $t"
		g=$(awk '{ print $3 }' <<< "$line")
		awk -v g="$g" 'BEGIN { exit !(g >= 0.9 && g <= 1.1) }' || fail "$t: instructions per domain grew x$g"
	done
	# The kernel's L3, when cachegrind can simulate it (a power of two of
	# sets; the script leaves any other cache to cachegrind).
	idx=/sys/devices/system/cpu/cpu0/cache/index3
	if [ -r "$idx/size" ]; then
		bytes=$(( $(sed 's/K$//' "$idx/size") * 1024 ))
		ways=$(cat "$idx/ways_of_associativity")
		line=$(cat "$idx/coherency_line_size")
		sets=$((bytes / ways / line))
		if [ $((sets & (sets - 1))) -eq 0 ]; then
			assert_line --partial "simulated last-level cache: $bytes B, $line B, $ways-way"
		fi
	fi
	[ "$(grep -c '^count,' "$BENCH_CACHE_CSV")" -eq 6 ] || fail "$(cat "$BENCH_CACHE_CSV")"
	[ "$(grep -c '^growth,1000,' "$BENCH_CACHE_CSV")" -eq 3 ] || fail "$(cat "$BENCH_CACHE_CSV")"

	BENCH_CACHE_SIZES=100 BENCH_CACHE_TARGETS=json BENCH_CACHE_LL=65536,4,64 run sh "$TOP/bench/cachesim.sh"
	assert_success
	assert_line "simulated last-level cache: 65536 B, 64 B, 4-way associative"
	refute_line --partial "per domain,"
}
