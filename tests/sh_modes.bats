#!/usr/bin/env bats
# Isolated, nat, route, dhcp, vlan and VXLAN, end to end in network
# namespaces: who may reach whom, and that down restores dom0 exactly.
# tests/data/sh/modes.yaml has every mode on one host: xenbr0 (bridge on
# eth0, LAN 192.0.2.0/24), hostonly (isolated 10.0.1.0/24), natbr0 (nat
# 10.0.2.0/24 out of xenbr0, with dhcp), routed (route, gatewaydev eth1 on
# 203.0.113.0/24, whose LAN namespace is "wan").

load helper
load lib/host

setup() {
	modes_host
}

teardown() { host_teardown; }

@test "modes: up, up again (no change), status, down restores dom0 exactly" {
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	ns_dump dom0 >"$BATS_TEST_TMPDIR/up1"
	run on_dom0 up
	assert_success
	assert_output --partial "already matches"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/up2"
	assert_same "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	run on_dom0 status
	assert_success
	assert_output "setup.sh: host xen1 matches the topology"
	run on_dom0 down
	assert_success
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ ! -e "$NETC_STATE_DIR" ]
}

@test "modes: the nft table is netc's only, and other tables are untouched" {
	nsx dom0 nft add table ip other
	nsx dom0 nft add chain ip other filt '{ type filter hook forward priority 10; policy accept; }'
	nsx dom0 nft add rule ip other filt counter
	nsx dom0 nft list table ip other >"$BATS_TEST_TMPDIR/other.before"
	on_dom0 up
	run nsx dom0 nft list tables
	assert_output "table ip other
table inet netc
table bridge netc"
	run nsx dom0 nft list table inet netc
	assert_line --partial 'comment "netc'
	assert_line --partial 'iifname "hostonly" oifname "hostonly" accept'
	assert_line --partial 'oifname "natbr0" ct state established,related accept'
	assert_line --partial 'oifname "xenbr0" ip saddr 10.0.2.0/24 masquerade'
	on_dom0 down
	run nsx dom0 nft list tables
	assert_output "table ip other"
	nsx dom0 nft list table ip other >"$BATS_TEST_TMPDIR/other.after"
	assert_same "$BATS_TEST_TMPDIR/other.before" "$BATS_TEST_TMPDIR/other.after"
}

@test "modes: a netc table netc did not load is replaced, then put back by down" {
	nsx dom0 nft add table inet netc
	nsx dom0 nft add chain inet netc mine
	nsx dom0 nft add rule inet netc mine counter
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 status
	assert_line "  nft table inet netc exists, and netc did not load it"
	on_dom0 up
	run nsx dom0 nft list table inet netc
	refute_output --partial "chain mine"
	on_dom0 down
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "modes: the script is POSIX: busybox sh runs it the same" {
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	nsx dom0 busybox sh "$SCRIPT" up
	run nsx dom0 busybox sh "$SCRIPT" status
	assert_success
	nsx dom0 ip link set hostonly down
	run nsx dom0 busybox sh "$SCRIPT" status
	assert_failure 1
	assert_line "  hostonly: down"
	nsx dom0 busybox sh "$SCRIPT" down
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "isolated: guests reach each other and dom0; never the LAN, and the LAN never them" {
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	xen_connected dom0
	ns_ping app 10.0.1.12
	ns_ping cache 10.0.1.11
	ns_ping app 10.0.1.1
	ns_ping dom0 10.0.1.12
	# dom0 forwards (nat and route need it), and the LAN knows the way:
	# only netc's rules keep the isolated network from being routed.
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	nsx lan ip route add 10.0.1.0/24 via 192.0.2.10
	ns_noping app 192.0.2.1
	ns_noping lan 10.0.1.11
	ns_noping app 203.0.113.1
}

@test "nat: a guest reaches the LAN, masqueraded; the LAN cannot reach the nat subnet" {
	on_dom0 up
	guest_boot build 10.0.2.21/24 10.0.2.1
	# the LAN has no route to 10.0.2.0/24: replies come back only if masqueraded
	ns_ping build 192.0.2.1
	nsx lan ip route add 10.0.2.0/24 via 192.0.2.10
	ns_noping lan 10.0.2.21
	# still fine the other way, replies included
	ns_ping build 192.0.2.1
}

@test "br_netfilter: guests on one nat bridge, and on one isolated bridge, keep talking" {
	[ "$(nsx dom0 cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" = 1 ] ||
		skip "br_netfilter is not loaded on this kernel: bridged frames skip the IP hooks anyway"
	on_dom0 up
	guest_boot build 10.0.2.21/24 10.0.2.1
	guest_boot dyn 10.0.2.22/24 10.0.2.1
	ns_ping build 10.0.2.22
	ns_ping dyn 10.0.2.21
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	ns_ping app 10.0.1.12
	# and a bridged guest with its LAN
	guest_boot web 192.0.2.21/24 192.0.2.1
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
}

@test "route: the LAN and a routed guest reach each other (forwarding, proxy ARP); down restores the sysctls" {
	local fwd arp
	fwd=$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)
	arp=$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)
	on_dom0 up
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 1 ]
	# vif-route: eth1's address on the vif as a /32, proxy ARP on it, a
	# host route to the guest
	guest_boot_routed www 203.0.113.10
	xen_connected dom0
	run nsx dom0 ip -o -4 addr show dev "$(xen_vif dom0 www 0)"
	assert_output --partial "inet 203.0.113.10/32 "
	[ "$(nsx dom0 cat "/proc/sys/net/ipv4/conf/$(xen_vif dom0 www 0)/proxy_arp")" = 1 ]
	run nsx dom0 ip -4 route show 203.0.113.21
	assert_output "203.0.113.21 dev $(xen_vif dom0 www 0) scope link src 203.0.113.10 metric 2 "
	ns_ping wan 203.0.113.21
	ns_ping www 203.0.113.1
	xen_destroy dom0 www
	on_dom0 down
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = "$arp" ]
}

@test "dhcp: a guest gets its static lease, another one from the range, the LAN nothing; down stops dnsmasq" {
	on_dom0 up
	local pid
	pid=$(cat "$NETC_STATE_DIR/dnsmasq/natbr0.pid")
	kill -0 "$pid"
	run cat "$NETC_STATE_DIR/dnsmasq/natbr0.conf"
	assert_line "interface=natbr0"
	assert_line "bind-interfaces"
	assert_line "port=0"
	assert_line "dhcp-range=10.0.2.100,10.0.2.150"
	assert_line "dhcp-host=00:16:3e:00:04:00,10.0.2.21"
	# build's MAC is the topology's, so its xl file's: the guest end has it
	guest_boot build
	nsx build ip -o link show eth0 | grep -q 'link/ether 00:16:3e:00:04:00 '
	run nsx build busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s /bin/true
	assert_success
	assert_output --partial "lease of 10.0.2.21 obtained from 10.0.2.1"
	guest_boot dyn
	run nsx dyn busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s /bin/true
	assert_success
	assert_output --regexp "lease of 10\.0\.2\.1([0-4][0-9]|50) obtained"
	run nsx lan busybox udhcpc -i lan0 -n -q -t 1 -T 1 -A 1 -s /bin/true
	assert_failure
	on_dom0 down
	gone "$pid"
	[ ! -e "$NETC_STATE_DIR" ]
}

@test "vlan: the tagged bridge reaches a tagged LAN; eth0 keeps its address" {
	nsx lan ip link add link lan0 name lan0.10 type vlan id 10 2>/dev/null ||
		skip "this kernel has no 802.1Q VLAN devices (8021q)"
	nsx lan ip addr add 10.10.0.1/24 dev lan0.10
	nsx lan ip link set lan0.10 up
	sh_script "$TESTDATA/vlan.yaml"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	nsx dom0 ip -d -o link show eth0.10 | grep -q 'vlan protocol 802.1Q id 10'
	nsx dom0 ip -o link show eth0.10 | grep -q 'master xenbr10'
	nsx dom0 ip -o addr show dev eth0 | grep -q '192.0.2.10/24'
	ns_ping dom0 10.10.0.1
	guest_boot tagged 10.10.0.21/24
	ns_ping tagged 10.10.0.1
	ns_ping lan 10.10.0.21
	xen_destroy dom0 tagged
	on_dom0 down
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "vlan: without 802.1Q support in the kernel, up fails at the VLAN step and rolls back" {
	ns_add probe
	if nsx probe ip link add link lo name lo.10 type vlan id 10 2>/dev/null; then
		skip "this kernel has 802.1Q VLAN devices: the test above proves vlan"
	fi
	sh_script "$TESTDATA/vlan.yaml"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_failure 1
	assert_output --partial "step failed: ip link add link eth0 name eth0.10 type vlan id 10"
	assert_output --partial "rolled back"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "vxlan: guests on two hosts share one segment over the hosts' addresses" {
	ns_add xen1
	ns_add xen2
	ip link add eth0 netns "$(ns xen1)" type veth peer name eth0 netns "$(ns xen2)"
	nsx xen1 ip addr add 198.18.0.1/24 dev eth0
	nsx xen2 ip addr add 198.18.0.2/24 dev eth0
	nsx xen1 ip link set eth0 up
	nsx xen2 ip link set eth0 up
	"$NETC" --host xen1 "$TESTDATA/vxlan.yaml" -o "$BATS_TEST_TMPDIR/xen1.sh"
	"$NETC" --host xen2 "$TESTDATA/vxlan.yaml" -o "$BATS_TEST_TMPDIR/xen2.sh"
	ns_dump xen1 >"$BATS_TEST_TMPDIR/before1"
	NETC_STATE_DIR=$BATS_TEST_TMPDIR/s1 nsx xen1 sh "$BATS_TEST_TMPDIR/xen1.sh" up
	NETC_STATE_DIR=$BATS_TEST_TMPDIR/s2 nsx xen2 sh "$BATS_TEST_TMPDIR/xen2.sh" up
	nsx xen1 bridge fdb show dev vxlan42 | grep -q '00:00:00:00:00:00 dst 198.18.0.2'
	nsx xen1 ip -o link show vxlan42 | grep -q 'master overlay'
	# shellcheck disable=SC2034 # read by guest_boot
	GUEST_TOPO=$TESTDATA/vxlan.yaml
	guest_boot a 10.0.9.11/24 "" xen1 xen1
	guest_boot b 10.0.9.12/24 "" xen2 xen2
	ns_ping a 10.0.9.12
	ns_ping b 10.0.9.11
	run env NETC_STATE_DIR="$BATS_TEST_TMPDIR/s1" ip netns exec "$(ns xen1)" sh "$BATS_TEST_TMPDIR/xen1.sh" status
	assert_success
	nsx xen1 bridge fdb del 00:00:00:00:00:00 dev vxlan42 dst 198.18.0.2
	run env NETC_STATE_DIR="$BATS_TEST_TMPDIR/s1" ip netns exec "$(ns xen1)" sh "$BATS_TEST_TMPDIR/xen1.sh" status
	assert_failure 1
	assert_line "  vxlan42: no flood entry for remote 198.18.0.2"
	NETC_STATE_DIR=$BATS_TEST_TMPDIR/s1 nsx xen1 sh "$BATS_TEST_TMPDIR/xen1.sh" up
	ns_ping a 10.0.9.12
	xen_destroy xen1 a
	NETC_STATE_DIR=$BATS_TEST_TMPDIR/s1 nsx xen1 sh "$BATS_TEST_TMPDIR/xen1.sh" down
	ns_dump xen1 >"$BATS_TEST_TMPDIR/after1"
	assert_same "$BATS_TEST_TMPDIR/before1" "$BATS_TEST_TMPDIR/after1"
}
