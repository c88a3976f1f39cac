#!/usr/bin/env bats
# Regressions: names ip could take for keywords, and bridge mtus.

load helper
load lib/host

setup() {
	require_root
	dom0_with_lan
	sh_script "$TESTDATA/keywords.yaml"
}

teardown() {
	host_teardown
}

@test "bridges named like ip keywords (n, ty, d) go up, report, and come down" {
	ns_dump dom0 > "$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	for br in n ty d; do
		nsx dom0 ip link show dev "$br" >/dev/null || fail "bridge $br is missing"
	done
	assert_equal "$(nsx dom0 cat /sys/class/net/eth0/master/uevent | sed -n 's/^INTERFACE=//p')" ty
	run on_dom0 status
	assert_success
	run on_dom0 down
	assert_success
	ns_dump dom0 > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "a rollback undoes bridges named like ip keywords" {
	ns_dump dom0 > "$BATS_TEST_TMPDIR/before"
	shim_install nft
	# nft's first call is the preflight listing, its second loads the table:
	# that one fails, after every link of the run was made.
	run shimmed SHIM_FAIL="nft:2" up
	assert_failure 1
	assert_output --partial "rolled back"
	ns_dump dom0 > "$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "a bridge keeps its mtu when a port with a smaller one joins" {
	run on_dom0 up
	assert_success
	# vif-bridge with a vif whose mtu is 1400 (Xen's own, tests/lib/xen.bash)
	guest_cfg g mac=00:16:3e:00:00:14,bridge=n,mtu=1400
	guest_boot g
	assert_equal "$(nsx dom0 cat "/sys/class/net/$(xen_vif dom0 g 0)/mtu")" 1400
	assert_equal "$(nsx dom0 cat /sys/class/net/n/mtu)" 1450
	run on_dom0 status
	assert_success
	xen_destroy dom0 g
	run on_dom0 down
	assert_success
}
