#!/bin/sh
# netc's cache benchmark (run by `make bench-cache`; docs/performance.md).
# Counts, under valgrind's cachegrind, the instructions and the simulated
# last-level-cache data misses of netc and of the YAML parse-only baseline
# at each size, per domain.  Unlike the seconds of `make bench`, the counts
# are the same on a loaded machine, so they show what a bigger topology
# costs per domain whatever the machine's state: the instructions say
# whether the work is linear, the misses whether the memory it touches
# still fits in the cache.  cachegrind simulates the machine's own
# last-level cache unless BENCH_CACHE_LL (size,ways,line) says otherwise.
#
#   BENCH_CACHE_SIZES    domains (× 4 vifs) to count at; default "10000 50000"
#   BENCH_CACHE_TARGETS  netc targets, "check" for --check; default "check json"
#   BENCH_CACHE_CSV      where the CSV goes; default bench/cachesim.csv
#   BENCH_CACHE_LL       size,ways,line of the simulated last-level cache;
#                        default: the largest cache in /sys (index3, else index2)
set -eu

BIN=${BENCH_BIN:?run through make bench-cache}
SIZES=${BENCH_CACHE_SIZES:-10000 50000}
TARGETS=${BENCH_CACHE_TARGETS:-check json}
NETC=${NETC:-./netc}
CSV=${BENCH_CACHE_CSV:-bench/cachesim.csv}

WORK=$(mktemp -d /dev/shm/netc-cache.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

# cachegrind reads the caches' sizes from CPUID, which a virtual machine may
# not report truly (this one's 32 MiB L3 came out as 256 MiB, direct-mapped):
# simulate the last-level cache the kernel reports, unless told otherwise.
if [ -z "${BENCH_CACHE_LL:-}" ]; then
	c=/sys/devices/system/cpu/cpu0/cache
	for idx in "$c"/index3 "$c"/index2; do
		[ -r "$idx/size" ] || continue
		bytes=$(($(sed 's/K$//' "$idx/size") * 1024))
		ways=$(cat "$idx/ways_of_associativity")
		line=$(cat "$idx/coherency_line_size")
		sets=$((bytes / ways / line))
		# cachegrind simulates only a power of two of sets (a 12 MiB,
		# 16-way L3 has 12,288): leave such a cache to cachegrind.
		if [ "$sets" -gt 0 ] && [ $((sets & (sets - 1))) -eq 0 ]; then
			BENCH_CACHE_LL=$bytes,$ways,$line
		else
			echo "bench-cache: the kernel's $bytes-byte, $ways-way cache has $sets sets; cachegrind picks the cache" >&2
		fi
		break
	done
fi
VG="--tool=cachegrind --cache-sim=yes${BENCH_CACHE_LL:+ --LL=$BENCH_CACHE_LL}"

# count LABEL CMD...: cachegrind's totals of CMD, as "Ir DLm" (data misses in
# the last level, reads and writes) in $WORK/LABEL.
count() {
	label=$1
	shift
	# shellcheck disable=SC2086 # $VG: valgrind's options, one word each
	valgrind $VG --cachegrind-out-file="$WORK/$label.out" "$@" > /dev/null 2> "$WORK/$label.log" ||
		{ echo "bench-cache: $label failed:" >&2; cat "$WORK/$label.log" >&2; exit 1; }
	awk '/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1 }
	     /^summary:/ { print $(col["Ir"] + 1), $(col["DLmr"] + 1) + $(col["DLmw"] + 1) }' \
		"$WORK/$label.out" > "$WORK/$label"
}

ll=
echo "kind,domains,command,instructions,ll_data_misses,instructions_per_domain,ll_misses_per_domain" > "$CSV"
printf '%7s %-9s %15s %12s %12s %12s\n' domains command instructions ll_misses ir/domain misses/domain
for size in $SIZES; do
	topo=$WORK/t$size.yaml
	"$BIN/gentopo" yaml "$size" 4 > "$topo"
	for t in base $TARGETS; do
		case $t in
		base) count "$size-$t" "$BIN/yaml_baseline" "$topo" ;;
		check) count "$size-$t" "$NETC" -q --check "$topo" ;;
		xl) count "$size-$t" "$NETC" -q -t xl "$topo" -o "$WORK/xl$size" ;;
		*) count "$size-$t" "$NETC" -q -t "$t" "$topo" ;;
		esac
		[ -n "$ll" ] || ll=$(sed -n 's/^desc: LL cache: *//p' "$WORK/$size-$t.out")
		read -r ir dlm < "$WORK/$size-$t"
		per=$(awk -v n="$size" -v ir="$ir" -v m="$dlm" 'BEGIN { printf "%.0f %.1f", ir / n, m / n }')
		printf '%7d %-9s %15d %12d %12s %12s\n' "$size" "$t" "$ir" "$dlm" "${per% *}" "${per#* }"
		echo "count,$size,$t,$ir,$dlm,${per% *},${per#* }" >> "$CSV"
	done
	rm -rf "$WORK/xl$size" "$topo"
done

# Growth per domain from the smallest size to the largest: 1.00 is linear.
small=$(echo "$SIZES" | tr ' ' '\n' | sort -n | head -n 1)
big=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -n 1)
if [ "$big" -gt "$small" ]; then
	echo "per domain, $big over $small (1.00: linear):"
	for t in base $TARGETS; do
		read -r ir0 m0 < "$WORK/$small-$t"
		read -r ir1 m1 < "$WORK/$big-$t"
		g=$(awk -v s="$small" -v b="$big" -v i0="$ir0" -v i1="$ir1" -v m0="$m0" -v m1="$m1" \
			'BEGIN { printf "%.2f %.2f", (i1 / b) / (i0 / s), (m0 > 0 ? (m1 / b) / (m0 / s) : 0) }')
		printf '  %-9s instructions %s  misses %s\n' "$t" "${g% *}" "${g#* }"
		echo "growth,$big,$t,,,${g% *},${g#* }" >> "$CSV"
	done
fi
echo "simulated last-level cache: ${ll:-unknown}"
