# Shared setup for the lab's end-to-end tests (tests/lab_*.bats), after
# `load helper`.  Each test gets its own lab tag (so its namespaces,
# netc-TAG-*, and its state, /run/netc/lab-TAG, never meet another test's,
# whichever bats files run in parallel), a compiled lab script in $LAB, and
# a teardown that removes whatever the lab left.  The tests run in the
# root namespace and must never change it: lab_root_dump is what they
# compare before and after.

LAB="$BATS_TEST_TMPDIR/lab.sh"
# t, the suite's test number, x, the last digits of the bats process id:
# at most 12 characters from [a-z0-9].
NETC_LAB_TAG="t${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}x$(($$ % 100000))"
export NETC_LAB_TAG

# lab_compile TOPOLOGY: the lab script of TOPOLOGY in $LAB.
lab_compile() {
	"$NETC" -q -t lab "$1" -o "$LAB"
}

# lab VERB ARGS...: run the lab script.
lab() {
	sh "$LAB" "$@"
}

# The namespace of the lab: lab_ns lan 0 | lab_ns dom0 HOST | lab_ns domu NAME.
lab_ns() {
	case $1 in
	lan) echo "netc-$NETC_LAB_TAG-lan$2" ;;
	*) echo "netc-$NETC_LAB_TAG-$1-$2" ;;
	esac
}

# The namespaces of this test's lab that exist.
lab_namespaces() {
	ip netns list | awk -v p="netc-$NETC_LAB_TAG-" 'index($1, p) == 1 { print $1 }'
}

# Whatever the test's lab, and its second copy (tag + "b"), left.
lab_teardown() {
	local tag n p
	for tag in "$NETC_LAB_TAG" "${NETC_LAB_TAG}b"; do
		[ ! -f "$LAB" ] || NETC_LAB_TAG=$tag sh "$LAB" down >/dev/null 2>&1 || true
		for n in $(ip netns list | awk -v p="netc-$tag-" 'index($1, p) == 1 { print $1 }'); do
			for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
			ip netns del "$n" 2>/dev/null
		done
		# and what outlived its namespace (a dnsmasq, by its configuration's path)
		for p in $(pgrep -f "/run/netc/lab-$tag/"); do kill "$p" 2>/dev/null; done
		rm -rf "/run/netc/lab-$tag"
	done
	rmdir /run/netc 2>/dev/null || true
}

# What the lab must leave as it was in the namespace it runs from: links,
# addresses, routes (all tables, both families), the whole nft ruleset,
# and the sysctls a dom0 would change.  Lifetimes of dynamic addresses and
# routes, and rule counters, move by themselves: they are left out.
lab_root_dump() {
	local f
	echo "== link"
	ip -j -p link show
	echo "== addr"
	ip -j -p addr show | sed -E '/"(valid|preferred)_life_time"/d'
	echo "== route4"
	ip -j -p -4 route show table all | sed -E '/"expires"/d'
	echo "== route6"
	ip -j -p -6 route show table all | sed -E '/"expires"/d'
	echo "== nft"
	nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
	echo "== sysctl"
	for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/forwarding \
		/proc/sys/net/ipv4/conf/*/proxy_arp /proc/sys/net/ipv4/conf/*/rp_filter \
		/proc/sys/net/ipv6/conf/all/forwarding /proc/sys/net/bridge/*; do
		[ ! -r "$f" ] || echo "$f $(cat "$f")"
	done
}

# Everything in every namespace of the lab, for "up twice changes nothing".
# (operstate is left out: the kernel updates it a moment after a change,
# and the flags say the same.)
lab_all_dump() {
	local n
	for n in $(lab_namespaces | sort); do
		echo "== $n"
		ip -n "$n" -j -p link show | sed '/"operstate"/d'
		ip -n "$n" -j -p addr show | sed -E '/"(valid|preferred)_life_time"|"operstate"/d'
		ip -n "$n" -j -p route show table all
		ip netns exec "$n" nft list ruleset
		ip netns exec "$n" cat /proc/sys/net/ipv4/ip_forward
	done
}

# assert_same FILE1 FILE2: no difference, or the diff as the failure.
lab_assert_same() {
	if ! diff -u "$1" "$2" >"$BATS_TEST_TMPDIR/diff"; then
		cat "$BATS_TEST_TMPDIR/diff"
		return 1
	fi
}

# Nothing of the lab is left: no namespace, no state, no process.
lab_assert_gone() {
	local left
	left=$(lab_namespaces)
	[ -z "$left" ] || fail "namespaces left: $left"
	[ ! -e "/run/netc/lab-$NETC_LAB_TAG" ] || fail "/run/netc/lab-$NETC_LAB_TAG is left"
	! pgrep -f "/run/netc/lab-$NETC_LAB_TAG/" >/dev/null || fail "processes left: $(pgrep -af "/run/netc/lab-$NETC_LAB_TAG/")"
}

# lab_cycle TOPOLOGY SUMMARY: up, status, check, down, with the calling
# namespace compared before and after; SUMMARY is check's last line
# (counted by hand from the topology).  check's table is left in $output
# and $lines, for assert_line.
lab_cycle() {
	lab_compile "$1"
	lab_root_dump >"$BATS_TEST_TMPDIR/root.before"
	run lab up
	assert_success
	assert_line "lab.sh: lab $NETC_LAB_TAG is up:"
	run lab status
	assert_success
	assert_output "lab.sh: lab $NETC_LAB_TAG matches the topology"
	run lab check
	echo "$output"
	assert_success
	refute_output --partial MISMATCH
	assert_line "lab.sh: $2"
	local table=$output
	run lab down
	assert_success
	assert_line "lab.sh: lab $NETC_LAB_TAG is down"
	lab_root_dump >"$BATS_TEST_TMPDIR/root.after"
	lab_assert_same "$BATS_TEST_TMPDIR/root.before" "$BATS_TEST_TMPDIR/root.after"
	lab_assert_gone
	output=$table
	mapfile -t lines <<<"$table"
}

# Does the kernel make 802.1Q devices?  (Some build it out.)
have_8021q() {
	local n="netc-vlanprobe-$$" ok=1
	ip netns add "$n" || return 1
	ip -n "$n" link add br0 type bridge 2>/dev/null &&
		ip -n "$n" link add link br0 name br0.10 type vlan id 10 2>/dev/null && ok=0
	ip netns del "$n"
	return $ok
}
