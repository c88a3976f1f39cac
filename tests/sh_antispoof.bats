#!/usr/bin/env bats
# Forwarding opens nothing else, and guests cannot spoof (docs/host-script.md,
# "Firewall: forwarding and anti-spoofing"): tests/data/sh/modes.yaml's
# dom0, guests attached by Xen's own hotplug scripts (guest_boot), plus an
# unrelated management NIC eth2 on 198.18.5.0/24 (namespace "mgmt", .1).

load helper
load lib/host

setup() {
	modes_host
	ns_add mgmt
	ns_nic dom0 eth2 mgmt 198.18.5.10/24
	nsx mgmt ip addr add 198.18.5.1/24 dev lan0
	# the LAN and the management network know the way through dom0
	nsx lan ip route add 198.18.5.0/24 via 192.0.2.10
	nsx mgmt ip route add default via 198.18.5.10
}

teardown() { host_teardown; }

# lan_counter: packets the LAN received from SOURCE ($1) since lan_count_from.
lan_count_from() {
	nsx lan nft add table ip probe
	nsx lan nft add chain ip probe in '{ type filter hook prerouting priority -300; policy accept; }'
	nsx lan nft add rule ip probe in ip saddr "$1" counter
}
lan_counter() {
	nsx lan nft list chain ip probe in | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

@test "antispoof: a guest sending from a foreign address or a foreign MAC is dropped; from its own it passes" {
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	xen_connected dom0
	ns_ping app 10.0.1.12
	ns_ping app 10.0.1.1
	# another address of the subnet than the topology gives app
	nsx app ip addr del 10.0.1.11/24 dev eth0
	nsx app ip addr add 10.0.1.99/24 dev eth0
	ns_noping app 10.0.1.12
	ns_noping app 10.0.1.1
	nsx app ip addr del 10.0.1.99/24 dev eth0
	nsx app ip addr add 10.0.1.11/24 dev eth0
	ns_ping app 10.0.1.12
	# its own address, another MAC
	nsx app ip link set eth0 address 00:16:3e:12:34:56
	nsx cache ip neigh flush dev eth0
	nsx dom0 ip neigh flush dev hostonly
	ns_noping app 10.0.1.12
	ns_noping app 10.0.1.1
	run nsx dom0 nft list table bridge netc
	assert_line --partial 'iifname "app-0" ether saddr != 00:16:3e:'
	assert_line --partial 'iifname "app-0" ip saddr != { 0.0.0.0, 10.0.1.11 } drop'
}

@test "antispoof: a guest cannot take another's IP with gratuitous ARP" {
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	xen_connected dom0
	local appmac cachemac
	appmac=$(nsx app cat /sys/class/net/eth0/address)
	cachemac=$(nsx cache cat /sys/class/net/eth0/address)
	ns_ping dom0 10.0.1.12
	ns_ping app 10.0.1.12
	# past the neighbour locktime (1 s), when an unsolicited ARP overrides
	sleep 1.5
	# app takes cache's address and announces it (unsolicited ARP request
	# and reply, as a guest taking over an address does)
	nsx app ip addr add 10.0.1.12/32 dev eth0
	nsx app busybox arping -U -c 2 -I eth0 -s 10.0.1.12 10.0.1.12
	nsx app busybox arping -A -c 2 -I eth0 -s 10.0.1.12 10.0.1.12
	run nsx dom0 ip neigh show 10.0.1.12 dev hostonly
	refute_output --partial "$appmac"
	assert_output --partial "$cachemac"
	ns_ping dom0 10.0.1.12
}

# send_na NS IFACE TARGET LLADDR: an unsolicited neighbour advertisement
# (override set) to all nodes, from the guest's own MAC and link-local
# address, saying TARGET is at LLADDR (its target link-layer address
# option): how a guest redirects another's IPv6 traffic to a MAC not its
# own (busybox has no ND tool).
send_na() {
	nsx "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, struct, sys, ipaddress
ifname, target, lladdr = sys.argv[1], sys.argv[2], sys.argv[3]
mac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip().replace(":", ""))
claimed = bytes.fromhex(lladdr.replace(":", ""))
src = None
for line in open("/proc/net/if_inet6"):
    f = line.split()
    if f[5] == ifname and f[3] == "20":
        src = bytes.fromhex(f[0])
dst = ipaddress.IPv6Address("ff02::1").packed
tgt = ipaddress.IPv6Address(target).packed
body = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + tgt + bytes([2, 1]) + claimed
pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
data = pseudo + body
csum = sum(struct.unpack(f"!{len(data) // 2}H", data))
while csum >> 16:
    csum = (csum & 0xFFFF) + (csum >> 16)
body = body[:2] + struct.pack("!H", ~csum & 0xFFFF) + body[4:]
ip6 = struct.pack("!IHBB", 6 << 28, len(body), 58, 255) + src + dst
eth = bytes.fromhex("333300000001") + mac + struct.pack("!H", 0x86DD)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
for _ in range(3):
    s.send(eth + ip6 + body)
PY
}

# link_local NS: the link-local address of eth0 in NS, once DAD is done.
link_local() {
	local a tries=30
	while [ "$tries" -gt 0 ]; do
		a=$(nsx "$1" ip -6 -o addr show dev eth0 scope link | grep -v tentative | awk '{ sub(/\/.*/, "", $4); print $4 }')
		[ -z "$a" ] || { echo "$a"; return 0; }
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

@test "antispoof: a guest cannot point another's IPv6 address at a foreign MAC with a neighbour advertisement (ND)" {
	on_dom0 up
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	xen_connected dom0
	local cachemac ll
	cachemac=$(nsx cache cat /sys/class/net/eth0/address)
	ll=$(link_local cache)
	nsx dom0 ping -6 -c 1 -W 2 "$ll%hostonly" >/dev/null
	run nsx dom0 ip -6 neigh show "$ll" dev hostonly
	assert_output --partial "$cachemac"
	send_na app eth0 "$ll" 00:16:3e:12:34:56
	sleep 0.3
	run nsx dom0 ip -6 neigh show "$ll" dev hostonly
	refute_output --partial "00:16:3e:12:34:56"
	assert_output --partial "$cachemac"
	run nsx dom0 nft list table bridge netc
	assert_line --partial 'iifname "app-0" icmpv6 type nd-neighbor-advert @th,192,16 0x201 @th,208,48 != 0x163e'
}

@test "antispoof: a routed guest sending from an address vif-route does not route to it is dropped" {
	on_dom0 up
	guest_boot_routed www 203.0.113.10
	xen_connected dom0
	ns_ping www 203.0.113.1
	nsx wan nft add table ip probe
	nsx wan nft add chain ip probe in '{ type filter hook prerouting priority -300; policy accept; }'
	nsx wan nft add rule ip probe in ip saddr 203.0.113.99 counter
	nsx www ip addr add 203.0.113.99/32 dev eth0
	nsx www busybox ping -c 2 -W 1 -q -I 203.0.113.99 203.0.113.1 >/dev/null 2>&1 || :
	run nsx wan nft list chain ip probe in
	assert_output --partial "counter packets 0 "
	ns_ping www 203.0.113.1
	xen_destroy dom0 www
}

@test "forwarding: when netc turns ip_forward on, the LAN does not reach an unrelated NIC's network, nor it the LAN" {
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
	ns_ping dom0 198.18.5.1
	on_dom0 up
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	ns_noping lan 198.18.5.1
	ns_noping mgmt 192.0.2.1
	# nor an isolated guest, even with a route to it
	guest_boot app 10.0.1.11/24 10.0.1.1
	nsx lan ip route add 10.0.1.0/24 via 192.0.2.10
	nsx mgmt ip route add 10.0.1.0/24 via 198.18.5.10
	ns_noping lan 10.0.1.11
	ns_noping mgmt 10.0.1.11
	# what netc forwards for its networks still passes: nat out, route both ways
	guest_boot build 10.0.2.21/24 10.0.2.1
	ns_ping build 192.0.2.1
	guest_boot_routed www 203.0.113.10
	ns_ping wan 203.0.113.21
	ns_ping www 203.0.113.1
	# and guests on one bridge still talk (bridged, br_netfilter or not)
	guest_boot web 192.0.2.21/24 192.0.2.1
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
	xen_destroy dom0 www
	on_dom0 down
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
}

@test "forwarding: when it was on before netc, unrelated forwarding is unchanged; a nat guest still forwards only from its subnet" {
	nsx dom0 sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
	ns_ping lan 198.18.5.1
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	ns_ping lan 198.18.5.1
	ns_ping mgmt 192.0.2.1
	run nsx dom0 nft list table inet netc
	refute_line --partial 'meta nfproto ipv4 drop'
	# dyn declares no ip (no anti-spoofing): the nat rule alone stops it
	guest_boot dyn 10.0.2.30/24 10.0.2.1
	ns_ping dyn 192.0.2.1
	lan_count_from 10.9.9.9
	nsx dyn ip addr add 10.9.9.9/32 dev eth0
	nsx dyn busybox ping -c 2 -W 1 -q -I 10.9.9.9 192.0.2.1 >/dev/null 2>&1 || :
	[ "$(lan_counter)" = 0 ]
	xen_destroy dom0 dyn
	on_dom0 down
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	ns_ping lan 198.18.5.1
}

@test "antispoof: 'antispoof: false' on a vif leaves it out; down removes both tables" {
	sed 's/^        ip: 10.0.1.11$/        ip: 10.0.1.11\n        antispoof: false/' "$TESTDATA/modes.yaml" >"$BATS_TEST_TMPDIR/modes.yaml"
	sh_script "$BATS_TEST_TMPDIR/modes.yaml"
	ns_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	run nsx dom0 nft list table bridge netc
	refute_output --partial '"app-0"'
	assert_output --partial '"cache-0"'
	guest_boot app 10.0.1.99/24 10.0.1.1
	guest_boot cache 10.0.1.12/24 10.0.1.1
	ns_ping app 10.0.1.12
	run on_dom0 status
	assert_success
	xen_destroy dom0 app
	xen_destroy dom0 cache
	on_dom0 down
	run nsx dom0 nft list tables
	assert_output ""
	ns_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
