#!/usr/bin/env bats
# Ownership and neighbours (issue 26, item 5): the topology is the truth
# for what netc owns; for everything else netc only undoes what it did.
# down leaves alone, or moves back, and names in a note: a bridge someone
# made again under netc's name, eth0 moved into the admin's own bridge, a
# route and an address the admin added on a bridge netc made.  up adds
# back a topology address the admin removed, and says so.
# tests/data/sh/modes.yaml: xenbr0 bridged on eth0 (192.0.2.10/24),
# hostonly isolated (10.0.1.1/24), natbr0, routed.

load helper
load lib/host
load lib/restore

setup() { modes_host; }

teardown() { host_teardown; }

@test "neighbours: up records the ifindex of each link it makes, once" {
	on_dom0 up
	run cat "$NETC_STATE_DIR/links"
	assert_success
	assert_line "xenbr0 $(nsx dom0 cat /sys/class/net/xenbr0/ifindex)"
	assert_line "hostonly $(nsx dom0 cat /sys/class/net/hostonly/ifindex)"
	assert_line "natbr0 $(nsx dom0 cat /sys/class/net/natbr0/ifindex)"
	[ "${#lines[@]}" = 3 ]
	cp "$NETC_STATE_DIR/links" "$BATS_TEST_TMPDIR/links1"
	on_dom0 up
	assert_same "$BATS_TEST_TMPDIR/links1" "$NETC_STATE_DIR/links"
	# a record that is not one netc writes is refused
	echo "hostonly 12 extra" >>"$NETC_STATE_DIR/links"
	run on_dom0 status
	assert_failure 1
	assert_output --partial "links:4: not a record netc writes: hostonly 12 extra"
	cp "$BATS_TEST_TMPDIR/links1" "$NETC_STATE_DIR/links"
	on_dom0 down
	[ ! -e "$NETC_STATE_DIR" ]
}

@test "neighbours: a bridge made again under netc's name is left alone by down, with a note" {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	nsx dom0 ip link del hostonly
	nsx dom0 ip link add hostonly type bridge
	nsx dom0 ip addr add 10.9.9.1/24 dev hostonly
	nsx dom0 ip link set hostonly up
	host_dump dom0 | awk '/^== links/,/^== routes/' | grep -E '^hostonly' >"$BATS_TEST_TMPDIR/theirs"
	run on_dom0 down
	assert_success
	assert_output --partial "note: hostonly is not the link netc made (its ifindex is "
	assert_output --partial "someone made it again; left alone"
	host_dump dom0 | awk '/^== links/,/^== routes/' | grep -E '^hostonly' >"$BATS_TEST_TMPDIR/after.theirs"
	assert_same "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/after.theirs"
	nsx dom0 ip link del hostonly
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "neighbours: up forgets a re-made bridge's old journal, and down then leaves it" {
	on_dom0 up
	nsx dom0 ip link del hostonly
	nsx dom0 ip link add hostonly type bridge
	run on_dom0 up
	assert_success
	assert_output --partial "note: hostonly is not the link netc made"
	! grep -q 'link del hostonly' "$NETC_STATE_DIR/journal"
	! grep -q '^hostonly ' "$NETC_STATE_DIR/links"
	has_addr hostonly 10.0.1.1/24
	run on_dom0 down
	assert_success
	nsx dom0 ip link show dev hostonly >/dev/null
	! has_addr hostonly 10.0.1.1/24
}

@test "neighbours: eth0 moved into the admin's own bridge stays there; its addresses are not put back on it" {
	on_dom0 up
	nsx dom0 ip link add mybr type bridge
	nsx dom0 ip link set eth0 nomaster
	nsx dom0 ip link set eth0 master mybr
	run on_dom0 down
	assert_success
	assert_output --partial "note: eth0 is a port of mybr, not of the bridge netc put it on; left there"
	assert_output --partial "note: 192.0.2.10/24 not put back on eth0, which is a port of mybr now"
	assert_output --partial "note: route \"default via 192.0.2.1\" not put back on eth0, which is a port of mybr now"
	[ "$(master_of eth0)" = mybr ]
	! has_addr eth0 192.0.2.10/24
	! nsx dom0 ip link show dev xenbr0 >/dev/null 2>&1
}

@test "neighbours: an address and a route the admin added on xenbr0 move to eth0 with down; on hostonly they go with it" {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	nsx dom0 ip addr add 198.51.100.10/24 dev xenbr0
	nsx dom0 ip route add 198.18.0.0/15 via 192.0.2.1 dev xenbr0
	nsx dom0 ip addr add 10.9.9.1/24 dev hostonly
	run on_dom0 down
	assert_success
	assert_output --partial "note: 198.51.100.10/24 on xenbr0 was not added by netc (someone added it since up): moved to eth0, the uplink, with the addresses netc moved back"
	assert_output --partial "note: route \"198.18.0.0/15 via 192.0.2.1\" on xenbr0 was not added by netc (someone added it since up): moved to eth0, the uplink"
	assert_output --partial "note: 10.9.9.1/24 on hostonly was not added by netc (someone added it since up), and hostonly has no uplink to move it to: it goes with the bridge"
	has_addr eth0 198.51.100.10/24
	run nsx dom0 ip -4 route show 198.18.0.0/15
	assert_output "198.18.0.0/15 via 192.0.2.1 dev eth0 "
	# less those two, the host is as before
	nsx dom0 ip route del 198.18.0.0/15 via 192.0.2.1 dev eth0
	nsx dom0 ip addr del 198.51.100.10/24 dev eth0
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "neighbours: up adds back a topology address the admin removed, and says so" {
	on_dom0 up
	nsx dom0 ip addr del 10.0.1.1/24 dev hostonly
	run on_dom0 status
	assert_failure 1
	assert_line "  hostonly: lacks address 10.0.1.1/24"
	run on_dom0 up
	assert_success
	assert_output --partial "note: 10.0.1.1/24 on hostonly was removed since netc added it; added again"
	has_addr hostonly 10.0.1.1/24
	run on_dom0 status
	assert_success
}
