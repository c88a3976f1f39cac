#!/usr/bin/env bats
# Guests survive re-creation (issue 26, item 4): when up makes a bridge
# again while guests run (after down, a crash, a bridge deleted by hand),
# the topology's vifs on the host go back on it as vif-bridge put them
# there, so the guests are not cut off until their next reboot.  Route vifs
# are no bridge's ports; vifs the topology does not name are not netc's.

load helper
load lib/host
load lib/restore

setup() { modes_host; }

teardown() { host_teardown; }

# links_addrs: the links and addresses of dom0 (host_dump), sorted (made
# again, the bridges come after the vifs in ifindex order), less what
# differs between any two ups: the bridges' link-local addresses (made from
# the MAC a bridge has when it goes up: its own random one when empty, its
# vif's when the vif is back first) and the altname on lo that marks the
# state as this namespace's (new at each up after a down).
links_addrs() {
	host_dump dom0 | awk '/^== routes/ { exit } { print }' |
		awk -F '\t' '!($2 == "inet6" && $3 ~ /^fe80:/ && $1 !~ /-[0-9]+$/) && $1 != "lo"' | sort
}

# Every mode's guest, booted through Xen's hotplug scripts, reaching its
# gateway (and the LAN, for the bridged and the nat one).
boot_all() {
	guest_boot web 192.0.2.21/24 192.0.2.1
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot build 10.0.2.21/24 10.0.2.1
	guest_boot_routed www 203.0.113.10
	xen_connected dom0
}
reach_all() {
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
	ns_ping app 10.0.1.1
	ns_ping build 10.0.2.1
	ns_ping build 192.0.2.1
	ns_ping www 203.0.113.1
}

@test "reattach: down then up: every running guest reaches its gateway again, no reboot; down still restores" {
	on_dom0 up
	boot_all
	reach_all
	links_addrs >"$BATS_TEST_TMPDIR/up1"
	on_dom0 down
	host_dump dom0 >"$BATS_TEST_TMPDIR/down1"
	# the bridges are gone: their guests' vifs are on none
	[ -z "$(master_of "$(xen_vif dom0 web 0)")" ]
	[ -z "$(master_of "$(xen_vif dom0 app 0)")" ]
	run on_dom0 up
	assert_success
	reach_all
	[ "$(master_of "$(xen_vif dom0 web 0)")" = xenbr0 ]
	[ "$(master_of "$(xen_vif dom0 app 0)")" = hostonly ]
	[ "$(master_of "$(xen_vif dom0 build 0)")" = natbr0 ]
	# a route vif is no bridge's port
	[ -z "$(master_of "$(xen_vif dom0 www 0)")" ]
	# links and addresses as vif-bridge left them, and up again changes nothing
	links_addrs >"$BATS_TEST_TMPDIR/up2"
	assert_same "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	assert_settled
	# down takes the vifs off again, as the bridges' loss did, and says so
	run on_dom0 down
	assert_success
	assert_output --partial "note: $(xen_vif dom0 web 0) is a port of xenbr0, which netc made and now deletes"
	assert_output --partial "note: $(xen_vif dom0 app 0) is a port of hostonly, which netc made and now deletes"
	host_dump dom0 >"$BATS_TEST_TMPDIR/down2"
	assert_same "$BATS_TEST_TMPDIR/down1" "$BATS_TEST_TMPDIR/down2"
}

@test "reattach: a bridge deleted by hand: status and plan name the cut-off vif, up puts it back" {
	local vif
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	vif=$(xen_vif dom0 app 0)
	ns_ping app 10.0.1.1
	nsx dom0 ip link del hostonly
	run on_dom0 status
	assert_failure 1
	assert_line "  $vif: vif of a running guest, not a port of hostonly (the guest is cut off)"
	assert_line "  $(xen_vif dom0 cache 0): vif of a running guest, not a port of hostonly (the guest is cut off)"
	run on_dom0 plan
	assert_success
	assert_output --partial "link set dev $vif master hostonly"
	run on_dom0 up
	assert_success
	[ "$(master_of "$vif")" = hostonly ]
	ns_ping app 10.0.1.1
	ns_ping app 10.0.1.12
	run on_dom0 status
	assert_success
}

@test "reattach: a vif up took down is set up again; one the topology does not name, or on another bridge, is left alone" {
	local web old
	on_dom0 up
	guest_boot web 192.0.2.21/24 192.0.2.1
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_cfg old mac=00:16:3e:00:00:99,bridge=xenbr0
	guest_boot old
	web=$(xen_vif dom0 web 0) old=$(xen_vif dom0 old 0)
	[ "$(master_of "$old")" = xenbr0 ]
	on_dom0 down
	nsx dom0 ip link set "$web" down
	nsx dom0 ip link add mybr type bridge
	nsx dom0 ip link set "$(xen_vif dom0 app 0)" master mybr
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	assert_output --partial "note: $(xen_vif dom0 app 0) (a vif of network hostonly) is a port of mybr, not of hostonly; left there"
	[ "$(master_of "$web")" = xenbr0 ]
	ns_ping web 192.0.2.1
	[ -z "$(master_of "$old")" ]
	[ "$(master_of "$(xen_vif dom0 app 0)")" = mybr ]
	on_dom0 down
	# web-0 down again, app-0 still on mybr, old on nothing
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ -z "$(nsx dom0 ip -o link show up dev "$web")" ]
}

@test "reattach: after an edit of the network's mtu, the vif gets the new one, as vif-bridge sets it; down puts the old one back" {
	local vif
	topo v1.yaml >/dev/null <<-EOF
	version: 1
	hosts:
	  xen1: {}
	networks:
	  hostonly: { mode: isolated, address: 10.0.1.1/24, mtu: 1400 }
	domains:
	  app:
	    vifs:
	      - { network: hostonly, ip: 10.0.1.11 }
	EOF
	sed 's/mtu: 1400/mtu: 1300/' "$BATS_TEST_TMPDIR/v1.yaml" >"$BATS_TEST_TMPDIR/v2.yaml"
	sh_script "$BATS_TEST_TMPDIR/v1.yaml"
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	vif=$(xen_vif dom0 app 0)
	[ "$(nsx dom0 cat "/sys/class/net/$vif/mtu")" = 1400 ]
	on_dom0 down
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	"$NETC" -q "$BATS_TEST_TMPDIR/v2.yaml" -o "$SCRIPT"
	run on_dom0 up
	assert_success
	[ "$(master_of "$vif")" = hostonly ]
	[ "$(nsx dom0 cat "/sys/class/net/$vif/mtu")" = 1300 ]
	[ "$(nsx dom0 cat /sys/class/net/hostonly/mtu)" = 1300 ]
	ns_ping app 10.0.1.1
	on_dom0 down
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
