#!/bin/sh
# netc's benchmark (docs/performance.md; run by `make bench`).  Prints a table and
# writes bench/results.csv.  Every figure is the median of BENCH_RUNS runs;
# the commands compared are run alternately, so load on the machine hits
# them alike and the ratios, not the seconds, are what count.  Every
# target's run comes right after a baseline run of its own, and a ratio is
# the median of the rounds' ratios of those two neighbours, which drifting
# load moves far less than a ratio of medians, and which compares two
# commands that found the machine as the one before them left it.  Beside
# it, "best" is the ratio of the target's fastest run to the baseline's
# (all its runs at that size): load only ever adds time, so the fastest run
# of each is the one least disturbed.  The targets take turns coming first
# in a round.
# "user" is the ratio of CPU time spent in the programs themselves (median
# over rounds), without the kernel's time for them, shown as "sys" (netc's
# median seconds): page faults and, for xl, file creation (docs/performance.md).
# Every round measures every size, so that the "growth" summary can compare
# each target's ratio at the largest size with its ratio at 10k in the same
# round (rows of kind "growth" in the CSV, the figure in the ratio column).
#
#   compile: netc -t TARGET on DOMAINS x 4 vifs, against a parse-only
#            baseline of the same file (libyaml's events; the flex scanner
#            for netc syntax), with peak RSS;
#   apply:   the sh target's `up` and `down` for 1,000 bridges in a fresh
#            network namespace, against a hand-written `ip -batch` file and
#            against one `ip` process per command (needs root).
set -eu

BIN=${BENCH_BIN:?run through make bench}
RUNS=${BENCH_RUNS:-5}
SIZES=${BENCH_SIZES:-1000 10000 50000}
NETC=${NETC:-./netc}
TARGETS="sh network-bridge xl vif json dot yaml netc lab"
CSV=bench/results.csv

# Inputs and outputs live on a tmpfs: the figures are the compiler's, not the
# disk's (creating 10,000 files costs 2 s on some virtual disks, 0.1 s here).
WORK=$(mktemp -d /dev/shm/netc-bench.XXXXXX 2>/dev/null || mktemp -d)
NS=netc-bench-$$
NSES=
cleanup() {
	for ns in $NSES; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

median() {        # stdin: numbers, one a line
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_once LABEL CMD...: one measured run, appended to $WORK/LABEL.
run_once() {
	label=$1
	shift
	# shellcheck disable=SC2046 # measure prints five words: split them
	set -- $("$BIN/measure" "$@")
	[ "$3" = 0 ] || { echo "bench: $label exited $3" >&2; exit 1; }
	echo "$1 $2 $4 $5" >> "$WORK/$label.runs"
}

# A .runs line: wall seconds, peak RSS (KiB), user seconds, sys seconds.
secs() { awk -v c="${2:-1}" '{ print $c }' "$WORK/$1.runs" | median; }
# pratio A B [COLUMN]: the median over rounds of A's time over B's in the
# same round (wall time, or the .runs COLUMN given: 3 for user time).
pratio() {
	paste -d ' ' "$WORK/$1.runs" "$WORK/$2.runs" |
		awk -v c="${3:-1}" '{ print ($(c + 4) > 0 ? $c / $(c + 4) : 0) }' | median |
		awk '{ printf "%.2f", $1 }'
}
# bratio A B: A's fastest run over B's.
bratio() {
	a=$(awk '{ print $1 }' "$WORK/$1.runs" | sort -n | head -n 1)
	awk '{ print $1 }' "$WORK/$2.runs" | sort -n | head -n 1 |
		awk -v a="$a" '{ printf "%.2f", a / $1 }'
}
rss() { awk '{ print $2 }' "$WORK/$1.runs" | sort -n | tail -n 1; }
# rotate N WORD...: the words, starting from the (N mod count)th.
rotate() {
	n=$(($1 % ($# - 1)))
	shift
	while [ "$n" -gt 0 ]; do
		w=$1
		shift
		set -- "$@" "$w"
		n=$((n - 1))
	done
	echo "$@"
}

# paired T SMALL BIG: round by round, T's ratio to the baseline at BIG
# domains and at SMALL.
paired() {
	paste -d ' ' "$WORK/$3-$1.runs" "$WORK/$3-base-$1.runs" "$WORK/$2-$1.runs" "$WORK/$2-base-$1.runs" |
		awk '$5 > 0 && $9 > 0 && $13 > 0 { print $1 / $5, $9 / $13 }'
}
# pgrowth T SMALL BIG: the median over rounds of the one over the other;
# grew T SMALL BIG: in how many rounds the ratio was higher at BIG.
pgrowth() { paired "$@" | awk '{ print $1 / $2 }' | median | awk '{ printf "%.2f", $1 }'; }
grew() { paired "$@" | awk '$1 > $2 { n++ } END { print n + 0 }'; }

echo "kind,syntax,domains,target,seconds,baseline_seconds,ratio,peak_rss_kb,baseline_rss_kb,best_ratio,user_ratio,sys_seconds" > "$CSV"
printf '%-6s %6s %-15s %9s %9s %6s %6s %6s %6s %10s\n' syntax domains target seconds baseline ratio best user sys rss_kb

# Every size is measured in every round (in turns, like the targets), so
# that the ratio at 50k and the ratio at 10k it is compared with come from
# the same minutes of the machine's load rather than from runs far apart.
for syntax in yaml netc; do
	if [ "$syntax" = yaml ]; then base="$BIN/yaml_baseline"; else base="$BIN/netc_scan"; fi
	for size in $SIZES; do
		"$BIN/gentopo" "$syntax" "$size" 4 > "$WORK/t$size.$syntax"
	done
	rm -f "$WORK"/*.runs
	i=0
	while [ $i -lt "$RUNS" ]; do
		# shellcheck disable=SC2086 # the size list, one word each
		for size in $(rotate $i $SIZES); do
			topo=$WORK/t$size.$syntax
			# shellcheck disable=SC2086 # the target list, one word each
			for t in $(rotate $i $TARGETS); do
				# Each target's run right after a baseline run of its
				# own, which thus finds the machine as the target does.
				run_once "$size-base-$t" "$base" "$topo"
				if [ "$t" = xl ]; then
					# A new directory each run, removed right after it.
					# Kept, each run's files would need memory no run
					# has used before, which a VM may have handed back
					# to its host: xl at 50k took 1.2 s, 1.0 s of it in
					# the kernel, against 0.94 s and 0.4 s once the one
					# before was removed (docs/performance.md).  The
					# kernel finishes freeing a removed directory's
					# 50,000 files after rm returns, which would slow
					# the next run: a second's pause after it.
					run_once "$size-$t" "$NETC" -q -t xl "$topo" -o "$WORK/xl$size"
					rm -rf "$WORK/xl$size"
					sleep 1
				else
					run_once "$size-$t" "$NETC" -q -t "$t" "$topo"
				fi
			done
		done
		i=$((i + 1))
	done
	for size in $SIZES; do
		cat "$WORK/$size"-base-*.runs > "$WORK/$size-base.runs"
		b=$(secs "$size-base")
		for t in $TARGETS; do
			s=$(secs "$size-$t")
			ratio=$(pratio "$size-$t" "$size-base-$t")
			best=$(bratio "$size-$t" "$size-base")
			user=$(pratio "$size-$t" "$size-base-$t" 3)
			sys=$(secs "$size-$t" 4)
			printf '%-6s %6s %-15s %9.3f %9.3f %6s %6s %6s %6.3f %10s\n' "$syntax" "$size" "$t" "$s" "$b" "$ratio" "$best" "$user" "$sys" "$(rss "$size-$t")"
			echo "compile,$syntax,$size,$t,$s,$b,$ratio,$(rss "$size-$t"),$(rss "$size-base"),$best,$user,$sys" >> "$CSV"
		done
	done
	# The ratio's growth from 10k to the largest size, round by round.
	big=$(echo "$SIZES" | tr ' ' '\n' | sort -n | tail -n 1)
	case " $SIZES " in *" 10000 "*) small=10000 ;; *) small= ;; esac
	if [ -n "$small" ] && [ "$big" -gt "$small" ]; then
		echo "$syntax: the ratio at $big over the ratio at $small (median of the rounds; rounds in which it grew):"
		for t in $TARGETS; do
			g=$(pgrowth "$t" "$small" "$big")
			n=$(grew "$t" "$small" "$big")
			printf '  %-15s %s  %s of %s\n' "$t" "$g" "$n" "$RUNS"
			echo "growth,$syntax,$big,$t,,,$g,,,,," >> "$CSV"
		done
	fi
done

if [ "$(id -u)" -ne 0 ] || ! ip netns add "$NS" 2>/dev/null; then
	echo "bench: apply figures need root and network namespaces; skipped"
	exit 0
fi
ip netns del "$NS"
echo
echo "apply (each run in a fresh namespace; they are all deleted at the end):"

# The same link work three ways: 1,000 bridges with an address, up.
N=1000
"$BIN/gentopo" yaml --bridges $N > "$WORK/bridges.yaml"
"$NETC" "$WORK/bridges.yaml" -o "$WORK/setup.sh"
awk -v n=$N 'BEGIN {
	for (i = 0; i < n; i++) printf "link add nb%d type bridge stp_state 0\n", i
	for (i = 0; i < n; i++) printf "address add 10.%d.%d.1/24 dev nb%d\n", 20 + int(i / 250), i % 250, i
	for (i = 0; i < n; i++) printf "link set nb%d up\n", i
}' > "$WORK/hand.batch"
sed 's/^/ip /' "$WORK/hand.batch" > "$WORK/percmd.sh"

# Every run gets a namespace of its own, and none is deleted before the end:
# the kernel tears a namespace's thousand bridges down asynchronously, under
# the lock the next run's link work needs, which would time the teardown.
fresh() {
	NS=netc-bench-$$-$1
	NSES="$NSES $NS"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

apply_batch() { fresh b$i; run_once batch ip netns exec "$NS" ip -batch "$WORK/hand.batch"; }
apply_up() {
	fresh u$i
	UP_NS=$NS
	run_once up ip netns exec "$NS" env NETC_STATE_DIR="$WORK/state$i" sh "$WORK/setup.sh" up
}

# A thousand bridges just brought up keep the kernel busy for a while
# (IPv6 address configuration, multicast reports), and that slows whatever
# runs next: batch and up take turns going first.
rm -f "$WORK"/*.runs
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) = 0 ]; then apply_batch; apply_up; else apply_up; apply_batch; fi
	run_once down ip netns exec "$UP_NS" env NETC_STATE_DIR="$WORK/state$i" sh "$WORK/setup.sh" down
	fresh p$i; run_once percmd ip netns exec "$NS" sh "$WORK/percmd.sh"
	i=$((i + 1))
done
b=$(secs batch); u=$(secs up); d=$(secs down); p=$(secs percmd)
echo
printf 'apply %d bridges: hand ip -batch %.3f s, sh up %.3f s (%sx), down %.3f s, one ip per command %.3f s (up is %sx faster)\n' \
	$N "$b" "$u" "$(pratio up batch)" "$d" "$p" "$(pratio percmd up)"
{
	echo "apply,sh,$N,up,$u,$b,$(pratio up batch),,,$(bratio up batch),,"
	echo "apply,sh,$N,down,$d,$b,$(pratio down batch),,,$(bratio down batch),,"
	echo "apply,sh,$N,per-command,$p,$b,$(pratio percmd batch),,,$(bratio percmd batch),,"
} >> "$CSV"
echo "wrote $CSV"
