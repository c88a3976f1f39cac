#!/usr/bin/env bats
# The uplink's routes as real hosts leave them (issues 26 item 5, 27):
# NetworkManager's noprefixroute address with its own prefix route (the
# kernel does not re-create it), and multipath routes.  NetworkManager
# cannot run here: its state is replayed with the exact `ip` commands of
# issue 27.  Each case: up succeeds and dom0 reaches the LAN, status is
# clean, down restores exactly (host_dump), and a failure injected at each
# ip call and each line of up's batch leaves dom0 exactly as it was.

load helper
load lib/host
load lib/restore

setup() {
	require_root
	dom0_with_bare_lan
	nsx lan ip -6 addr add 2001:db8::1/64 dev lan0 nodad
	sh_script "$TESTDATA/bridge.yaml"
}

teardown() { host_teardown; }

# nm_dom0 PROTO: dom0's eth0 as NetworkManager leaves it, with a DHCP
# (PROTO dhcp) or static (PROTO static) connection, IPv4 and IPv6.
nm_dom0() {
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0 noprefixroute
	nsx dom0 ip route add 192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10 metric 100
	nsx dom0 ip route add default via 192.0.2.1 dev eth0 proto "$1" src 192.0.2.10 metric 100
	nsx dom0 ip -6 addr add 2001:db8::10/64 dev eth0 noprefixroute nodad
	nsx dom0 ip -6 route add 2001:db8::/64 dev eth0 proto kernel metric 100
	nsx dom0 ip -6 route add default via 2001:db8::1 dev eth0 proto "$1" metric 100
}

# The whole life: up, probes, status, down, compared with the start.
life() {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	nsx dom0 ip -o link show eth0 | grep -q 'master xenbr0'
	run nsx dom0 ip -o route show table all
	assert_line --partial "$1"
	ns_ping dom0 192.0.2.1
	[ -z "$(nsx dom0 ip -6 route show default)" ] ||
		nsx dom0 busybox ping6 -c 1 -W 2 -q 2001:db8::1 >/dev/null
	assert_settled
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

# A failure at each ip call of up, then at each line of its batch: up
# fails, and dom0 is exactly as before.
sweep() {
	local n calls nlines
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	shim_install ip
	shim_reset
	shimmed up >/dev/null 2>&1 || fail "up fails without faults"
	on_dom0 down >/dev/null
	calls=$(shim_calls ip)
	nlines=$(awk '{ print $3 }' "$SHIM_DIR/ip.batches" | head -n 1)
	[ "$nlines" -ge 8 ] || fail "a batch of only $nlines lines"
	for n in $(seq "$calls"); do
		shim_reset
		run shimmed SHIM_FAIL="ip:$n" up
		[ "$status" -ne 0 ] || fail "up succeeded with ip call $n failing"
		host_dump dom0 >"$BATS_TEST_TMPDIR/after"
		assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
			fail "ip call $n failing left dom0 changed"
	done
	for n in $(seq "$nlines"); do
		shim_reset
		run shimmed SHIM_BATCH_FAIL_AT="$n" up
		assert_failure 1
		assert_output --partial "rolled back: the host is as it was before this run"
		host_dump dom0 >"$BATS_TEST_TMPDIR/after"
		assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
			fail "batch line $n failing left dom0 changed"
	done
	echo "failed at each of $calls ip calls and $nlines batch lines" >&3
}

@test "uplink routes: NetworkManager DHCP (noprefixroute, proto kernel metric 100, proto dhcp)" {
	nm_dom0 dhcp
	run on_dom0 plan
	assert_success
	assert_output --partial "192.0.2.0/24 proto kernel scope link src 192.0.2.10 metric 100 dev xenbr0"
	life "default via 192.0.2.1 dev xenbr0 proto dhcp src 192.0.2.10 metric 100"
}

@test "uplink routes: NetworkManager static (proto static metric 100)" {
	nm_dom0 static
	life "default via 192.0.2.1 dev xenbr0 proto static src 192.0.2.10 metric 100"
}

@test "uplink routes: NetworkManager DHCP: a failure at each step of up restores dom0" {
	nm_dom0 dhcp
	sweep
}

@test "uplink routes: NetworkManager static: a failure at each step of up restores dom0" {
	nm_dom0 static
	sweep
}

@test "uplink routes: the kernel's own prefix routes stay the kernel's" {
	# an address with its prefix route (the kernel makes it again on the
	# bridge) and one without, whose route netc moves
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0
	nsx dom0 ip route add default via 192.0.2.1 dev eth0
	nsx dom0 ip addr add 198.51.100.5/24 dev eth0 noprefixroute
	nsx dom0 ip route add 198.51.100.0/24 dev eth0 proto kernel scope link src 198.51.100.5 metric 100
	run on_dom0 plan
	assert_success
	refute_output --partial "route add 192.0.2.0/24"
	assert_output --partial "route add 198.51.100.0/24 proto kernel scope link src 198.51.100.5 metric 100 dev xenbr0"
	life "198.51.100.0/24 dev xenbr0 proto kernel scope link src 198.51.100.5 metric 100"
}

# Multipath routes on the uplink (issue 26 item 5): ip -o lists each
# nexthop after a backslash and a tab.
multipath_dom0() {
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0
	nsx dom0 ip route add default via 192.0.2.1 dev eth0
	nsx lan ip addr add 192.0.2.2/24 dev lan0
	nsx dom0 ip route add 10.20.0.0/16 nexthop via 192.0.2.1 dev eth0 nexthop via 192.0.2.2 dev eth0 weight 2
	nsx dom0 ip route add 10.30.0.0/16 proto static metric 5 table 100 nexthop via 192.0.2.2 dev eth0 nexthop via 192.0.2.1 dev eth0
	nsx dom0 ip -6 addr add 2001:db8::10/64 dev eth0 nodad
	nsx dom0 ip -6 route add default via 2001:db8::1 dev eth0 metric 100
	nsx dom0 ip -6 route add 2001:db8:9::/48 nexthop via 2001:db8::1 dev eth0 nexthop via 2001:db8::2 dev eth0
}

@test "uplink routes: multipath routes move to the bridge and back" {
	multipath_dom0
	life "nexthop via 192.0.2.2 dev xenbr0 weight 2"
	# and on the bridge while up, every nexthop
	on_dom0 up
	run nsx dom0 ip -o route show table all
	assert_line --regexp "^10\.20\.0\.0/16 .*nexthop via 192\.0\.2\.1 dev xenbr0 weight 1 .*nexthop via 192\.0\.2\.2 dev xenbr0 weight 2"
	assert_line --regexp "^10\.30\.0\.0/16 table 100 proto static metric 5 .*nexthop via 192\.0\.2\.2 dev xenbr0 weight 1 .*nexthop via 192\.0\.2\.1 dev xenbr0"
	run nsx dom0 ip -o -6 route
	assert_line --regexp "^2001:db8:9::/48 .*nexthop via 2001:db8::1 dev xenbr0 weight 1 .*nexthop via 2001:db8::2 dev xenbr0"
	refute_output --regexp "nexthop via [^ ]* dev eth0"
	on_dom0 down
}

@test "uplink routes: multipath: a failure at each step of up restores dom0" {
	multipath_dom0
	sweep
}

# The host's own firewall rules that name the uplink (issue 26 item 5):
# once eth0 is a bridge port they no longer see dom0's traffic.  Preflight
# warns, and changes nothing about the outcome.  (iptables is not installed
# here; iptables-nft rules are nft rules, listed the same way.)
@test "uplink routes: preflight warns when the host's own nft rules name the uplink" {
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0
	nsx dom0 ip route add default via 192.0.2.1 dev eth0
	nsx dom0 nft -f - <<'NFT'
table inet hostfw {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "eth0" tcp dport 22 accept
		iifname "eth01" tcp dport 23 accept
	}
	chain output {
		type filter hook output priority filter; policy accept;
		oifname { "eth0", "lo" } accept
	}
}
NFT
	run on_dom0 plan
	assert_success
	assert_output --partial 'setup.sh: warning: 2 rules of this host name eth0 (table inet hostfw chain input, table inet hostfw chain output): once eth0 is a port of xenbr0'
	assert_output --partial 'checked: nft list ruleset, iptables-nft rules included, not legacy iptables'
	# (the rule naming eth01 is not counted)
	run on_dom0 up
	assert_success
	assert_output --partial 'warning: 2 rules of this host name eth0'
	assert_output --partial "host xen1 is up"
	# once eth0 is a port, up has nothing to warn about
	run on_dom0 up
	assert_success
	refute_output --partial 'warning:'
	run on_dom0 down
	assert_success
}
