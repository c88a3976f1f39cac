#!/usr/bin/env bats
# Every sample, and the topologies of docs/lab.md's two classic figures, as
# a lab (docs/lab.md): up, status, check and down, as root, in network
# namespaces, with the calling (root) namespace compared before and after.
# The expected tables were worked out by hand from each topology; the
# lines asserted below are the ones that prove the mode.

load helper
load lab_helper

setup() {
	require_root
}

teardown() {
	lab_teardown
}

# row SOURCE DESTINATION ADDRESS EXPECTED OBSERVED: that row of check's
# table is there, and ok (the words are literal).
row() {
	local re="^" a
	for a in "$@"; do
		re+="$(printf '%s' "$a" | sed 's/[][().*^$\\]/\\&/g') +"
	done
	assert_line --regexp "${re}ok "
}

@test "lab classic: two LANs numbered from 192.0.2.0/24; guests without ip are skipped" {
	lab_cycle "$SAMPLES/classic.yaml" "2 as expected, 0 mismatched, 4 skipped"
	row 'dom0(dom0)' 'lan(dom0:eth0)' 192.0.2.1 reach reach
	row 'dom0(dom0)' 'lan(dom0:eth1)' 192.0.2.17 reach reach
	assert_line --regexp '^web:eth0 +- +- +- +- +skipped +no ip: nothing to ping \(on xenbr0\)$'
	assert_line --regexp '^backup:eth1 +- +- +- +- +skipped +no ip: nothing to ping \(on xenbr1\)$'
}

@test "lab bridge: guests on the LAN through xenbr0 (after STP's forward delay)" {
	lab_cycle "$SAMPLES/bridge.yaml" "6 as expected, 0 mismatched, 0 skipped"
	row 'dom0(xen1)' 'lan(xen1:eth0)' 192.0.2.1 reach reach
	row web:eth0 'dom0(xen1)' 192.0.2.10 reach reach
	row web:eth0 db:eth0 192.0.2.22 reach reach
	row 'lan(xen1:eth0)' web:eth0 192.0.2.21 reach reach
	row 'lan(xen1:eth0)' db:eth0 192.0.2.22 reach reach
}

@test "lab isolated: guests reach each other and dom0" {
	lab_cycle "$SAMPLES/isolated.yaml" "3 as expected, 0 mismatched, 0 skipped"
	row app:eth0 'dom0(dom0)' 10.0.1.1 reach reach
	row app:eth0 cache:eth0 10.0.1.12 reach reach
	row cache:eth0 'dom0(dom0)' 10.0.1.1 reach reach
}

@test "lab nat: guests reach the LAN masqueraded; the LAN, which has a route, never reaches them" {
	lab_cycle "$SAMPLES/nat.yaml" "8 as expected, 0 mismatched, 0 skipped"
	row build1:eth0 build2:eth0 10.0.2.22 reach reach
	row build1:eth0 'lan(xen1:eth0)' 198.51.100.1 reach reach
	row 'lan(xen1:eth0)' build1:eth0 10.0.2.21 blocked blocked
	row 'lan(xen1:eth0)' build2:eth0 10.0.2.22 blocked blocked
}

@test "lab route: the LAN reaches the routed guests through dom0's proxy ARP" {
	lab_cycle "$SAMPLES/route.yaml" "6 as expected, 0 mismatched, 0 skipped"
	row www:eth0 'dom0(xen1)' 203.0.113.10 reach reach
	row www:eth0 smtp:eth0 203.0.113.22 reach reach
	row 'lan(xen1:eth0)' www:eth0 203.0.113.21 reach reach
	row 'lan(xen1:eth0)' smtp:eth0 203.0.113.22 reach reach
}

@test "lab multihost: two dom0s on one LAN, their guests joined over VXLAN; dmz isolated" {
	lab_cycle "$SAMPLES/multihost.yaml" "6 as expected, 0 mismatched, 0 skipped"
	row 'dom0(xen1)' 'lan(xen1:eth0)' 192.0.2.1 reach reach
	row 'dom0(xen2)' 'lan(xen1:eth0)' 192.0.2.1 reach reach
	assert_line --regexp '^app1:eth0 +app2:eth0 +10\.10\.0\.22 +reach +reach +ok +same network overlay, across hosts over VXLAN$'
	row app1:eth1 'lan(xen1:eth0)' 192.0.2.1 blocked blocked
	row 'lan(xen1:eth0)' app1:eth1 10.20.0.21 blocked blocked
}

@test "lab vlan-dhcp: the whole sample (needs the kernel's 802.1Q)" {
	have_8021q || skip "this kernel makes no 802.1Q (VLAN) devices, so the tagged network cannot be built; the DHCP half is the next test"
	lab_cycle "$SAMPLES/vlan-dhcp.yaml" "8 as expected, 0 mismatched, 2 skipped"
	row client:eth0 DHCP - 10.0.3.50 10.0.3.50
}

@test "lab vlan-dhcp without its tagged network: static lease, a lease from the range, nat" {
	# samples/vlan-dhcp.yaml less xenbr10 and its guest, so that DHCP is
	# proven on every kernel.
	lab_cycle "$TOP/tests/data/dhcp-untagged.yaml" "8 as expected, 0 mismatched, 1 skipped"
	row client:eth0 DHCP - 10.0.3.50 10.0.3.50
	assert_line --regexp '^client:eth1 +DHCP +- +10\.0\.3\.100-10\.0\.3\.199 +10\.0\.3\.1[0-9][0-9] +ok '
	row client:eth0 'lan(xen1:eth0)' 192.0.2.1 reach reach
	assert_line --regexp '^lan\(xen1:eth0\) +client:eth1 +10\.0\.3\.1[0-9][0-9] +blocked +blocked +ok '
}

@test "lab: the two classic figures of docs/lab.md" {
	lab_cycle "$TOP/docs/figure-crossover.yaml" "1 as expected, 0 mismatched, 0 skipped"
	row domU:eth0 'dom0(dom0)' 10.0.0.1 reach reach
	lab_cycle "$TOP/docs/figure-bridged.yaml" "6 as expected, 0 mismatched, 0 skipped"
	row 'lan(xen1:eth0)' domU1:eth0 192.0.2.21 reach reach
	row 'lan(xen1:eth0)' domU2:eth0 192.0.2.22 reach reach
}
