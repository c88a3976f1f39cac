#!/usr/bin/env bats
# network-bridge (docs/host-script.md): Xen's calling convention over the host
# script's engine, in network namespaces.  tests/data/sh/modes.yaml: xenbr0
# (uplink eth0), hostonly (isolated), natbr0 (nat out of xenbr0, dhcp),
# routed (route, gatewaydev eth1).

load helper
load lib/host

setup() {
	require_root
	dom0_with_lan
	ns_add wan
	ns_nic dom0 eth1 wan 203.0.113.10/24
	sh_script "$TESTDATA/modes.yaml" -t network-bridge
	SCRIPT_NAME=$(basename "$SCRIPT")
}

teardown() { host_teardown; }

@test "network-bridge: start, status and stop one bridge at a time; the nft table and sysctls follow" {
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 start bridge=hostonly
	assert_success
	nsx dom0 ip link show hostonly
	run nsx dom0 ip link show xenbr0
	assert_failure
	run on_dom0 status bridge=hostonly
	assert_success
	run on_dom0 status
	assert_failure 1
	assert_line "  xenbr0: bridge missing"
	refute_line --partial "hostonly"
	on_dom0 start bridge=xenbr0
	on_dom0 start bridge=natbr0
	run nsx dom0 nft list table inet netc
	assert_line --partial 'iifname "hostonly" drop'
	assert_line --partial 'oifname "natbr0" drop'
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	run on_dom0 stop bridge=hostonly
	assert_success
	run nsx dom0 ip link show hostonly
	assert_failure
	run nsx dom0 nft list table inet netc
	refute_output --partial hostonly
	assert_line --partial 'oifname "natbr0" drop'
	# natbr0 still needs forwarding
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	ns_ping dom0 192.0.2.1
	run on_dom0 stop
	assert_success
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ ! -e "$NETC_STATE_DIR" ]
}

@test "network-bridge: a nat bridge whose outbound bridge is not up yet fails its preflight" {
	run on_dom0 start bridge=natbr0
	assert_failure 3
	assert_line "  network natbr0: outbound xenbr0 does not exist"
	[ ! -e "$NETC_STATE_DIR" ]
}

@test "network-bridge: netdev= selects and must go with bridge=; unknown names exit 1; VAR=VAL is ignored" {
	run on_dom0 start netdev=eth1 vifnum=3 antispoof=no
	assert_success
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 1 ]
	run nsx dom0 ip link show xenbr0
	assert_failure
	run on_dom0 start bridge=xenbr0 netdev=eth0
	assert_success
	run on_dom0 start bridge=xenbr0 netdev=eth1
	assert_failure 1
	assert_output "$SCRIPT_NAME: netdev eth1 does not go with bridge xenbr0 (its netdev is eth0)"
	run on_dom0 status bridge=nosuch
	assert_failure 1
	assert_output "$SCRIPT_NAME: unknown bridge nosuch: host xen1 has no such network"
	run on_dom0 stop netdev=eth9
	assert_failure 1
	assert_output "$SCRIPT_NAME: unknown netdev eth9: no network of host xen1 uses it"
	run on_dom0 status netdev=eth1
	assert_success
	on_dom0 stop
}

@test "network-bridge: start twice changes nothing" {
	on_dom0 start
	ns_dump dom0 >"$BATS_TEST_TMPDIR/one"
	run on_dom0 start
	assert_success
	assert_output --partial "nothing changed"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/two"
	assert_same "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/two"
	run on_dom0 status
	assert_success
}

@test "network-bridge: vifnum=N is xenbrN, else the networks on ethN (Xen 3.x); bridge=null is a no-op; antispoof= is yes or no" {
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 start bridge=null
	assert_success
	assert_output "$SCRIPT_NAME: bridge=null: no bridge, nothing to do"
	run on_dom0 stop bridge=null netdev=eth0
	assert_success
	run on_dom0 start bridge=xenbr0 antispoof=maybe
	assert_failure 2
	assert_output "$SCRIPT_NAME: antispoof must be yes or no, not 'maybe'"
	run on_dom0 start vifnum=7
	assert_failure 1
	assert_output "$SCRIPT_NAME: vifnum=7: host xen1 has no network xenbr7 and none on eth7"
	run on_dom0 start vifnum=x
	assert_failure 1
	assert_output "$SCRIPT_NAME: vifnum 'x' is not a number"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	[ ! -e "$NETC_STATE_DIR" ]

	# vifnum=0: xenbr0 (and only it)
	run on_dom0 start vifnum=0 antispoof=no
	assert_success
	nsx dom0 ip link show xenbr0
	run nsx dom0 ip link show hostonly
	assert_failure
	run on_dom0 status vifnum=0
	assert_success
	# vifnum=1: no xenbr1, so the networks on eth1: routed (gatewaydev eth1)
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 0 ]
	run on_dom0 start vifnum=1
	assert_success
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 1 ]
	# bridge= wins over vifnum=
	run on_dom0 start vifnum=1 bridge=hostonly
	assert_success
	nsx dom0 ip link show hostonly
	run on_dom0 stop vifnum=0
	assert_success
	run nsx dom0 ip link show xenbr0
	assert_failure
	on_dom0 stop
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "network-bridge: antispoof=yes turns netc's per-vif anti-spoofing on for every vif of the networks started" {
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	# dyn declares no ip: the topology leaves its anti-spoofing off
	on_dom0 start bridge=xenbr0
	run on_dom0 start bridge=natbr0
	assert_success
	run nsx dom0 nft list table bridge netc
	refute_output --partial '"dyn-0"'
	run on_dom0 start bridge=natbr0 antispoof=yes
	assert_success
	run nsx dom0 nft list table bridge netc
	assert_line --partial 'iifname "dyn-0" ether saddr != 00:16:3e:'
	run on_dom0 status bridge=natbr0 antispoof=yes
	assert_success
	guest_boot dyn 10.0.2.30/24 10.0.2.1
	ns_ping dyn 10.0.2.1
	# another MAC than its xl file gives it: dropped at its port
	nsx dyn ip link set eth0 address 00:16:3e:12:34:56
	nsx dom0 ip neigh flush dev natbr0
	ns_noping dyn 10.0.2.1
	xen_destroy dom0 dyn
	on_dom0 stop antispoof=yes
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
