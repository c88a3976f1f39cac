#!/usr/bin/env bats
# Bridge mode, end to end in network namespaces: the uplink's addresses and
# routes move onto the bridge and back, guests reach the LAN, `up` is
# idempotent, `down` restores exactly and leaves alone what it did not make.

load helper
load lib/host

setup() {
	require_root
	dom0_with_lan
	sh_script "$TESTDATA/bridge.yaml"
}

teardown() { host_teardown; }

# Addresses and routes beyond the plain ones: a secondary address, a
# labelled one, a noprefixroute one, a static route with a metric and
# protocol, a route in another table.
add_extras() {
	nsx dom0 ip addr add 192.0.2.11/24 dev eth0
	nsx dom0 ip addr add 192.0.2.12/24 dev eth0 label eth0:vip
	nsx dom0 ip addr add 198.51.100.5/24 dev eth0 noprefixroute
	nsx dom0 ip route add 10.9.0.0/16 via 192.0.2.2 metric 50 proto static
	nsx dom0 ip route add default via 192.0.2.3 table 100
	nsx dom0 ip -6 route add 2001:db8:5::/48 via 2001:db8::5
}

@test "bridge: up moves eth0's addresses and routes to xenbr0; dom0 and a guest reach the LAN" {
	add_extras
	local mac
	mac=$(nsx dom0 cat /sys/class/net/eth0/address)
	run on_dom0 up
	assert_success
	assert_output --partial "host xen1 is up"
	# eth0 is a port of xenbr0 and holds no global address; xenbr0 has eth0's MAC
	nsx dom0 ip -o link show eth0 | grep -q 'master xenbr0'
	[ -z "$(nsx dom0 ip -o addr show dev eth0 scope global)" ]
	[ "$(nsx dom0 cat /sys/class/net/xenbr0/address)" = "$mac" ]
	[ "$(nsx dom0 cat /sys/class/net/xenbr0/mtu)" = 1500 ]
	run nsx dom0 ip -o addr show dev xenbr0 scope global
	assert_line --partial "inet 192.0.2.10/24 scope global xenbr0"
	assert_line --partial "inet 192.0.2.11/24 scope global secondary xenbr0"
	assert_line --partial "inet 192.0.2.12/24 scope global secondary xenbr0:vip"
	assert_line --partial "inet 198.51.100.5/24 scope global noprefixroute xenbr0"
	assert_line --partial "inet6 2001:db8::10/64 scope global"
	run nsx dom0 ip route show table all
	assert_line --partial "default via 192.0.2.1 dev xenbr0"
	assert_line --partial "default via 192.0.2.3 dev xenbr0 table 100"
	assert_line --partial "10.9.0.0/16 via 192.0.2.2 dev xenbr0 proto static metric 50"
	run nsx dom0 ip -6 route
	assert_line --partial "default via 2001:db8::1 dev xenbr0 metric 100"
	assert_line --partial "2001:db8:5::/48 via 2001:db8::5 dev xenbr0"
	# dom0 keeps its LAN, v4 and v6
	ns_ping dom0 192.0.2.1
	nsx dom0 busybox ping6 -c 1 -W 2 -q 2001:db8::1 >/dev/null
	# a guest booted through Xen's vif-bridge is on the LAN, both ways
	guest_boot web 192.0.2.21/24 192.0.2.1
	xen_connected dom0
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
	ns_ping web 192.0.2.10
}

@test "bridge: up twice: the second run changes nothing" {
	add_extras
	on_dom0 up
	ns_dump dom0 >"$BATS_TEST_TMPDIR/one"
	cp -r "$NETC_STATE_DIR" "$BATS_TEST_TMPDIR/state.one"
	run on_dom0 up
	assert_success
	assert_output --partial "already matches"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/two"
	assert_same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/two"
	diff -r "$BATS_TEST_TMPDIR/state.one" "$NETC_STATE_DIR"
}

@test "bridge: down restores addresses, routes (v4, v6, other tables) and links exactly" {
	add_extras
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	run on_dom0 down
	assert_success
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ ! -e "$NETC_STATE_DIR" ]
	ns_ping dom0 192.0.2.1
	# and again: down with nothing up is a no-op
	run on_dom0 down
	assert_success
	assert_output --partial "nothing to take down"
}

@test "bridge: a bridge that existed before up is kept by down, with its settings" {
	# With a port already: an empty bridge's carrier and operstate are
	# the kernel's whim, not configuration that down could restore.
	nsx dom0 ip link add xenbr0 type bridge stp_state 0 forward_delay 1000
	guest_cfg old mac=00:16:3e:00:00:99,bridge=xenbr0
	guest_boot old 192.0.2.99/24
	nsx dom0 ip link set xenbr0 mtu 1400 up
	wait_operstate xenbr0 UP
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	nsx dom0 ip -o link show eth0 | grep -q 'master xenbr0'
	[ "$(nsx dom0 cat /sys/class/net/xenbr0/mtu)" = 1500 ]
	[ "$(nsx dom0 cat /sys/class/net/xenbr0/address)" = "$(nsx dom0 cat /sys/class/net/eth0/address)" ]
	ns_ping dom0 192.0.2.1
	run on_dom0 status
	assert_success
	run on_dom0 down
	assert_success
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	nsx dom0 ip -d link show xenbr0 | grep -q 'forward_delay 1000'
	nsx dom0 ip -o link show "$(xen_vif dom0 old 0)" | grep -q 'master xenbr0'
}

@test "bridge: stp and forward-delay from the topology (samples/bridge.yaml)" {
	sh_script "$SAMPLES/bridge.yaml"
	run on_dom0 up
	assert_success
	run nsx dom0 ip -d link show xenbr0
	assert_output --partial "stp_state 1"
	assert_output --partial "forward_delay 400"
	assert_output --partial "mtu 1500"
	run on_dom0 status
	assert_success
	nsx dom0 ip link set xenbr0 type bridge stp_state 0
	run on_dom0 status
	assert_failure 1
	assert_line "  xenbr0: stp_state 0, want 1"
}
