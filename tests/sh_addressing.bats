#!/usr/bin/env bats
# dom0's own addressing (issue 28 item 5): a NIC in the map form declares
# its address, gateway and dns.  Recipe (a): the distribution configures
# eth0 and up moves its address to xenbr0, as for any uplink.  Recipe (b):
# the distribution leaves eth0 unconfigured (ifupdown `inet manual`,
# networkd unmanaged, NetworkManager unmanaged-devices) and up gives
# xenbr0 the declared address and a default route via the gateway.
# Preflight says which of ifupdown, systemd-networkd and NetworkManager
# configures eth0 and which recipe applies, from files under NETC_ROOT (a
# fake root per test: the real /etc and /run are never read).  Each life:
# up, dom0 reachable from the LAN and reaching past its gateway, status
# clean, up again changes nothing, down restores exactly (host_dump).

load helper
load lib/host
load lib/restore

setup() {
	require_root
	dom0_with_bare_lan
	# beyond the gateway: an address the LAN router holds, off 192.0.2.0/24
	nsx lan ip addr add 198.51.100.1/32 dev lo
	export NETC_ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$NETC_ROOT/etc/network" "$NETC_ROOT/run/network"
	sh_script "$TESTDATA/addressing.yaml"
}

teardown() { host_teardown; }

ifindex() { nsx dom0 cat "/sys/class/net/$1/ifindex"; }

# The whole life, from the state at hand.
life() {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	assert_output --partial "host xen1 is up"
	nsx dom0 ip -o link show eth0 | grep -q 'master xenbr0'
	run nsx dom0 ip -o -4 addr show dev xenbr0
	assert_output --partial "inet 192.0.2.10/24 "
	run nsx dom0 ip -4 route show default
	assert_output "default via 192.0.2.1 dev xenbr0 $1"
	ns_ping lan 192.0.2.10
	ns_ping dom0 198.51.100.1
	assert_settled
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "addressing: recipe (b), ifupdown inet manual: up gives xenbr0 the address and the default route" {
	printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet manual\n' \
		>"$NETC_ROOT/etc/network/interfaces"
	printf 'nameserver 192.0.2.99\n' >"$NETC_ROOT/etc/resolv.conf"
	run on_dom0 plan
	assert_success
	assert_line "# note: xenbr0: recipe (b): eth0 holds no address and ifupdown leaves it alone (iface eth0 inet manual in /etc/network/interfaces): up gives xenbr0 192.0.2.10/24 and a default route via 192.0.2.1"
	assert_line "# note: netc configures no resolver: the dns of eth0 (192.0.2.53) not in /etc/resolv.conf; add \`nameserver\` lines for them there (or with resolvconf, or systemd-resolved's \`resolvectl dns\`)"
	assert_line "addr add 192.0.2.10/24 brd + dev xenbr0"
	assert_line "route add default via 192.0.2.1 dev xenbr0"
	# before up: status names both
	run on_dom0 status
	assert_failure 1
	assert_line "  xenbr0: lacks address 192.0.2.10/24 (of eth0 in the topology, which eth0 does not hold)"
	assert_line "  xenbr0: no default route (the gateway of eth0 in the topology is 192.0.2.1)"
	# a resolv.conf that names the server: no dns note
	printf 'nameserver 192.0.2.53\n' >"$NETC_ROOT/etc/resolv.conf"
	run on_dom0 plan
	refute_output --partial "configures no resolver"
	life ""
}

@test "addressing: recipe (b): drift of the address and the route is found and mended" {
	: >"$NETC_ROOT/etc/network/interfaces"
	run on_dom0 plan
	assert_line "# note: xenbr0: recipe (b): eth0 holds no address and none of ifupdown, systemd-networkd and NetworkManager configures it: up gives xenbr0 192.0.2.10/24 and a default route via 192.0.2.1"
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	nsx dom0 ip route del default
	run on_dom0 status
	assert_failure 1
	assert_output --partial "xenbr0: no default route (the gateway of eth0 in the topology is 192.0.2.1)"
	nsx dom0 ip addr flush dev xenbr0
	run on_dom0 status
	assert_failure 1
	assert_output --partial "xenbr0: lacks address 192.0.2.10/24"
	run on_dom0 up
	assert_success
	assert_output --partial "host xen1 is up (2 changes)"
	ns_ping dom0 198.51.100.1
	run on_dom0 status
	assert_success
	on_dom0 down
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "addressing: recipe (a), ifupdown inet static: up moves eth0's address and route, adds nothing" {
	printf 'auto eth0\niface eth0 inet static\n\taddress 192.0.2.10/24\n\tgateway 192.0.2.1\n' \
		>"$NETC_ROOT/etc/network/interfaces"
	echo eth0 >"$NETC_ROOT/run/network/ifstate.eth0"
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0
	nsx dom0 ip route add default via 192.0.2.1 dev eth0
	run on_dom0 plan
	assert_success
	assert_line "# note: xenbr0: recipe (a): ifupdown configures eth0 (up, iface eth0 inet static in /etc/network/interfaces); up moves the addresses and routes of eth0 to xenbr0 (at boot: after the distribution configured eth0). For netc to give xenbr0 192.0.2.10/24 and a default route via 192.0.2.1 itself (recipe (b)), tell it to leave eth0: ifupdown \`iface eth0 inet manual\` (no address, no gateway in the stanza)"
	refute_line "addr add 192.0.2.10/24 brd + dev xenbr0"
	assert_equal "$(grep -c 'route add default' <<<"$output")" 1
	life ""
}

@test "addressing: eth0 holds another address: it moves, the declared one is not added" {
	nsx dom0 ip addr add 192.0.2.99/24 dev eth0
	run on_dom0 plan
	assert_success
	assert_line "# note: xenbr0: eth0 holds 192.0.2.99/24, not 192.0.2.10/24 as the topology says: up moves what eth0 holds (recipe (a)) and adds no 192.0.2.10/24"
	refute_output --partial "192.0.2.10/24 brd + dev xenbr0"
	refute_output --partial "route add default"
}

@test "addressing: systemd-networkd and NetworkManager, managing eth0 or leaving it" {
	local i
	i=$(ifindex eth0)
	mkdir -p "$NETC_ROOT/run/systemd/netif/links" "$NETC_ROOT/run/NetworkManager/devices"
	printf 'ADMIN_STATE=configured\nOPER_STATE=routable\nNETWORK_FILE=/etc/systemd/network/10-eth0.network\n' \
		>"$NETC_ROOT/run/systemd/netif/links/$i"
	run on_dom0 plan
	assert_success
	assert_line "# note: xenbr0: recipe (b) (netc gives xenbr0 192.0.2.10/24), but systemd-networkd configures eth0 (state configured, /etc/systemd/network/10-eth0.network): it may put an address on eth0, a port of xenbr0, behind netc's back; tell it to leave eth0: systemd-networkd: no .network file that matches eth0 (remove /etc/systemd/network/10-eth0.network), or \`Unmanaged=yes\` in its [Link] section"
	printf 'ADMIN_STATE=unmanaged\nOPER_STATE=carrier\n' >"$NETC_ROOT/run/systemd/netif/links/$i"
	printf '[device]\nmanaged=true\n' >"$NETC_ROOT/run/NetworkManager/devices/$i"
	run on_dom0 plan
	assert_line "# note: xenbr0: recipe (b): eth0 holds no address and systemd-networkd leaves it unmanaged: up gives xenbr0 192.0.2.10/24 and a default route via 192.0.2.1"
	assert_line "# note: xenbr0: recipe (b) (netc gives xenbr0 192.0.2.10/24), but NetworkManager manages eth0: it may put an address on eth0, a port of xenbr0, behind netc's back; tell it to leave eth0: NetworkManager \`unmanaged-devices=interface-name:eth0\` in the [keyfile] section of a file in /etc/NetworkManager/conf.d/"
	printf '[device]\nmanaged=false\n' >"$NETC_ROOT/run/NetworkManager/devices/$i"
	run on_dom0 plan
	assert_line "# note: xenbr0: recipe (b): eth0 holds no address and systemd-networkd leaves it unmanaged, NetworkManager leaves it unmanaged: up gives xenbr0 192.0.2.10/24 and a default route via 192.0.2.1"
	refute_output --partial "but NetworkManager"
	# up says the notes too
	run on_dom0 up
	assert_success
	assert_output --partial "setup.sh: note: xenbr0: recipe (b): eth0 holds no address"
	on_dom0 down
}

@test "addressing: recipe (b): a failure at each step of up restores dom0" {
	local n nlines
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	shim_install ip
	shim_reset
	shimmed up >/dev/null 2>&1 || fail "up fails without faults"
	on_dom0 down >/dev/null
	nlines=$(awk '{ print $3 }' "$SHIM_DIR/ip.batches" | head -n 1)
	[ "$nlines" -ge 6 ] || fail "a batch of only $nlines lines"
	for n in $(seq "$nlines"); do
		shim_reset
		run shimmed SHIM_BATCH_FAIL_AT="$n" up
		assert_failure 1
		assert_output --partial "rolled back: the host is as it was before this run"
		host_dump dom0 >"$BATS_TEST_TMPDIR/after"
		assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
			fail "batch line $n failing left dom0 changed"
	done
}

@test "addressing: recipe (b) over IPv6, on a bridge that exists already: a link-local gateway; down keeps the bridge, as it was" {
	local y
	y=$(topo v6.yaml <<'YAML'
version: 1
defaults: { mac-seed: addressing.example.org }
hosts:
  xen1:
    nics:
      eth0: { address: "2001:db8::10/64", gateway: "fe80::1" }
networks:
  xenbr0: { uplink: eth0 }
YAML
)
	sh_script "$y"
	nsx lan ip -6 addr add fe80::1/64 dev lan0 nodad
	nsx lan ip -6 addr add 2001:db8::1/64 dev lan0 nodad
	nsx lan ip -6 addr add 2001:db8:ff::1/128 dev lo
	nsx dom0 ip link add xenbr0 type bridge
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 plan
	assert_success
	assert_line "addr add 2001:db8::10/64 dev xenbr0"
	assert_line "route add ::/0 via fe80::1 metric 1024 pref medium dev xenbr0"
	run on_dom0 up
	assert_success
	run nsx dom0 ip -6 route show default
	assert_output "default via fe80::1 dev xenbr0 metric 1024 pref medium"
	nsx dom0 busybox ping6 -c 1 -W 2 -q 2001:db8:ff::1 >/dev/null
	run on_dom0 status
	assert_success
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
