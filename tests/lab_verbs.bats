#!/usr/bin/env bats
# The lab's verbs as root, in network namespaces: up twice, status against
# hand changes, check catching what is wrong, exec, down, two copies of a
# lab side by side, and the vifs attached exactly as Xen's hotplug scripts
# attach them.  lab_samples.bats runs every sample through the whole cycle.

load helper
load lab_helper

setup() {
	require_root
}

teardown() {
	lab_teardown
}

@test "lab up twice: the second changes nothing, in any namespace of the lab" {
	lab_compile "$SAMPLES/nat.yaml"
	lab up
	lab_all_dump >"$BATS_TEST_TMPDIR/up1"
	run lab up
	assert_success
	assert_line "lab.sh: dom0 xen1: setup.sh: host xen1 already matches the topology; nothing changed"
	lab_all_dump >"$BATS_TEST_TMPDIR/up2"
	lab_assert_same "$BATS_TEST_TMPDIR/up1" "$BATS_TEST_TMPDIR/up2"
	run lab check
	assert_success
}

@test "lab status: 0 when up, 1 with each hand change named, 0 again after up repairs it" {
	lab_compile "$SAMPLES/route.yaml"
	run lab status
	assert_failure 1
	assert_output "lab.sh: lab $NETC_LAB_TAG is down (no namespace netc-$NETC_LAB_TAG-*)"
	lab up
	run lab status
	assert_success
	local d0 www lan
	d0=$(lab_ns dom0 xen1)
	www=$(lab_ns domu www)
	lan=$(lab_ns lan 0)
	ip -n "$www" route del default
	ip -n "$d0" route del 203.0.113.22 dev smtp-0
	ip netns exec "$d0" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/www-0/proxy_arp'
	ip netns exec "$d0" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/www-0/forwarding'
	ip -n "$lan" link set p0 down
	ip -n "$www" link set eth0 address 00:16:3e:00:00:99
	run lab status
	assert_failure 1
	assert_output "lab.sh: lab $NETC_LAB_TAG differs from the topology:
  LAN 0: p0 is down
  dom0 xen1 vif www-0: proxy_arp is 0, want 1 (vif-route)
  dom0 xen1 vif www-0: forwarding is 0, want 1
  guest www: eth0 has MAC 00:16:3e:00:00:99, want 00:16:3e:e2:69:00
  guest www: no default route via 203.0.113.10
  dom0 xen1 vif smtp-0: no route to 203.0.113.22 (vif-route)"
	# up puts back all but the MAC, which is set only when the veth is made
	ip -n "$www" link set eth0 address 00:16:3e:e2:69:00
	run lab up
	assert_success
	run lab status
	assert_success
	# The host script's own drift is reported under its dom0.
	ip netns exec "$d0" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/eth0/proxy_arp'
	run lab status
	assert_failure 1
	assert_line "  dom0 xen1: its host script reports:"
	assert_line --partial "sysctl net/ipv4/conf/eth0/proxy_arp is 0, want 1"
	# A namespace gone, and one that is not the topology's.
	lab up
	ip netns del "$(lab_ns domu smtp)"
	ip netns add "netc-$NETC_LAB_TAG-domu-stale"
	run lab status
	assert_failure 1
	assert_line "  domu smtp: namespace $(lab_ns domu smtp) is missing"
	assert_line "  namespace netc-$NETC_LAB_TAG-domu-stale is not part of this topology"
	run lab down
	assert_success
	lab_assert_gone
}

@test "lab check: exits 1 and says MISMATCH when isolation breaks, or a guest is cut off" {
	lab_compile "$SAMPLES/nat.yaml"
	lab up
	run lab check
	assert_success
	# Without the host's firewall the LAN (which has a route) gets in.
	ip netns exec "$(lab_ns dom0 xen1)" nft delete table inet netc
	run lab check
	assert_failure 1
	assert_line --regexp '^lan\(xen1:eth0\) +build1:eth0 +10\.0\.2\.21 +blocked +reach +MISMATCH +nat natbr0: the LAN never reaches in$'
	assert_line "lab.sh: 6 as expected, 2 mismatched, 0 skipped"
	lab up
	run lab check
	assert_success
	# A guest whose NIC is down reaches nobody.
	ip -n "$(lab_ns domu build2)" link set eth0 down
	run lab check
	assert_failure 1
	assert_line --regexp '^build1:eth0 +build2:eth0 +10\.0\.2\.22 +reach +blocked +MISMATCH '
	assert_line --regexp '^build2:eth0 +dom0\(xen1\) +10\.0\.2\.1 +reach +blocked +MISMATCH '
}

@test "lab check and exec on a lab that is not up: exit 1, nothing made" {
	lab_compile "$SAMPLES/nat.yaml"
	run lab check
	assert_failure 1
	assert_output "lab.sh: lab $NETC_LAB_TAG is not up (no namespace $(lab_ns lan 0)): run 'lab.sh up' first"
	run lab exec build1 true
	assert_failure 1
	assert_output "lab.sh: namespace $(lab_ns domu build1) does not exist: is lab $NETC_LAB_TAG up?"
	run lab down
	assert_success
	assert_output "lab.sh: lab $NETC_LAB_TAG: nothing to take down"
	lab_assert_gone
}

@test "lab exec: a domain, a host, a HOST:NIC LAN; its exit status; unknown names" {
	lab_compile "$SAMPLES/nat.yaml"
	lab up
	run lab exec build1 ip -o -4 addr show dev eth0
	assert_success
	assert_output --partial "inet 10.0.2.21/24 "
	run lab exec xen1 cat /proc/sys/net/ipv4/ip_forward
	assert_output 1
	run lab exec xen1:eth0 ip -o -4 addr show dev lan0
	assert_output --partial "inet 198.51.100.1/24 "
	run lab exec xen1:eth0 ip -o -4 route show 10.0.2.0/24
	assert_output --partial "10.0.2.0/24 via 198.51.100.10 dev lan0"
	run lab exec build1 sh -c 'exit 7'
	assert_failure 7
	run lab exec nosuch true
	assert_failure 2
	assert_output "lab.sh: the topology has no domain, host or HOST:NIC named 'nosuch'"
	run lab exec xen1:eth9 true
	assert_failure 2
	assert_output "lab.sh: the topology has no host NIC xen1:eth9"
}

@test "lab: vifs are attached as vif-bridge and vif-route attach them; MACs and MTUs as written" {
	lab_compile "$SAMPLES/route.yaml"
	lab up
	local d0
	d0=$(lab_ns dom0 xen1)
	# vif-route: gatewaydev's address as a /32 (with the broadcast of its
	# class, as ifconfig leaves it), up, proxy ARP, a host route with
	# metric 2 and that address as source; netback's MAC.
	run ip -n "$d0" -o -4 addr show dev www-0
	assert_output --partial "inet 203.0.113.10/32 brd 203.0.113.255 scope global www-0"
	run ip -n "$d0" -o link show dev www-0
	assert_output --partial "link/ether fe:ff:ff:ff:ff:ff "
	[ "$(ip netns exec "$d0" cat /proc/sys/net/ipv4/conf/www-0/proxy_arp)" = 1 ]
	[ "$(ip netns exec "$d0" cat /proc/sys/net/ipv4/conf/www-0/forwarding)" = 1 ]
	run ip -n "$d0" -4 route show 203.0.113.21
	assert_output "203.0.113.21 dev www-0 scope link src 203.0.113.10 metric 2 "
	run ip -n "$(lab_ns domu www)" -4 route show
	assert_output "default via 203.0.113.10 dev eth0 
203.0.113.10 dev eth0 scope link "
	run ip -n "$(lab_ns domu www)" -o link show dev eth0
	assert_output --partial "link/ether 00:16:3e:e2:69:00 "
	lab down
	# vif-bridge: the MAC no bridge takes, the bridge's MTU or the vif's,
	# a port of the bridge, up.
	lab_compile "$(topo mtu.yaml <<'EOF'
version: 1
networks:
  br0: { mode: isolated, address: 10.9.0.1/24, mtu: 1450 }
  br1: { mode: isolated, address: 10.9.1.1/24 }
domains:
  a:
    vifs:
      - { network: br0, ip: 10.9.0.5, mac: 00:16:3e:0a:0b:0c }
      - { network: br1, ip: 10.9.1.6, mtu: 1400 }
  b: { vifs: [ { network: br0, ip: 10.9.0.7, mac: random } ] }
EOF
)"
	lab up
	d0=$(lab_ns dom0 dom0)
	run ip -n "$d0" -o link show dev a-0
	assert_output --regexp 'mtu 1450 .*master br0 state UP .*link/ether fe:ff:ff:ff:ff:ff '
	run ip -n "$d0" -o link show dev a-1
	assert_output --regexp 'mtu 1400 .*master br1 '
	run ip -n "$(lab_ns domu a)" -o link show dev eth0
	assert_output --regexp 'mtu 1450 .*link/ether 00:16:3e:0a:0b:0c '
	run ip -n "$(lab_ns domu a)" -o link show dev eth1
	assert_output --regexp 'mtu 1400 '
	# mac: random: the kernel's choice, and status does not ask for one.
	run lab status
	assert_success
	run lab check
	assert_success
}

@test "lab: two copies of one topology side by side, under two tags" {
	lab_compile "$SAMPLES/isolated.yaml"
	local other=${NETC_LAB_TAG}b
	lab up
	NETC_LAB_TAG=$other sh "$LAB" up
	run lab check
	assert_success
	run env NETC_LAB_TAG="$other" sh "$LAB" check
	assert_success
	NETC_LAB_TAG=$other sh "$LAB" down
	run lab status
	assert_success
	[ -z "$(ip netns list | grep "netc-$other-")" ]
	[ ! -e "/run/netc/lab-$other" ]
}

@test "lab down: every namespace, the state and every process go; the caller's namespace is as it was" {
	lab_compile "$(topo dhcp.yaml <<'EOF'
version: 1
hosts:
  h: { nics: { eth0: 198.51.100.10/24, eth1: null } }
networks:
  natnet: { mode: nat, address: 10.0.3.1/24, outbound: eth0, dhcp: { range: 10.0.3.100-10.0.3.110 } }
  routed: { mode: route, gatewaydev: eth1 }
domains:
  g: { vifs: [ { network: routed, ip: 192.0.2.40 }, { network: natnet } ] }
EOF
)"
	lab_root_dump >"$BATS_TEST_TMPDIR/before"
	lab up
	# dnsmasq runs in dom0, with its files in the lab's state directory
	pgrep -f "/run/netc/lab-$NETC_LAB_TAG/dom0-h/state/dnsmasq/natnet.conf"
	# eth1 has no address in the topology: the lab gave it the /24 of the
	# guest routed through it, so the LAN reaches that guest.
	run lab check
	assert_success
	assert_line --regexp '^lan\(h:eth1\) +g:eth0 +192\.0\.2\.40 +reach +reach +ok '
	run lab exec h ip -o -4 addr show dev eth1
	assert_output --partial "inet 192.0.2.10/24 "
	[ -f "/run/netc/lab-$NETC_LAB_TAG/dom0-h/setup.sh" ]
	run lab down
	assert_success
	lab_assert_gone
	lab_root_dump >"$BATS_TEST_TMPDIR/after"
	lab_assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	run lab down
	assert_success
	assert_output "lab.sh: lab $NETC_LAB_TAG: nothing to take down"
}

@test "lab up: a step that fails is named, and down removes the half-built lab" {
	# The host script's dnsmasq fails to start (a shim first in PATH: the
	# scripts put the system directories after the caller's PATH).
	lab_compile "$(topo fail.yaml <<'EOF'
version: 1
hosts:
  h: { nics: { eth0: 192.0.2.10/24 } }
networks:
  natnet: { mode: nat, address: 10.0.3.1/24, outbound: eth0, dhcp: { range: 10.0.3.100-10.0.3.110 } }
domains:
  g: { vifs: [ { network: natnet } ] }
EOF
)"
	mkdir -p "$BATS_TEST_TMPDIR/shim"
	printf '#!/bin/sh\necho "dnsmasq (test shim): no" >&2\nexit 1\n' >"$BATS_TEST_TMPDIR/shim/dnsmasq"
	chmod +x "$BATS_TEST_TMPDIR/shim/dnsmasq"
	run env PATH="$BATS_TEST_TMPDIR/shim:$PATH" sh "$LAB" up
	assert_failure 1
	assert_line "lab.sh: step failed: the host script of h (-t sh --host h): up"
	assert_line --partial "dnsmasq (test shim): no"
	assert_line "lab.sh: the lab may be partly built; 'lab.sh down' removes it"
	run lab down
	assert_success
	lab_assert_gone
}

@test "lab: interface names that ip would read as keywords (m, up, master)" {
	lab_compile "$(topo kw.yaml <<'EOF'
version: 1
hosts:
  h: { nics: { m: 203.0.113.10/24 } }
networks:
  routed: { mode: route, gatewaydev: m }
domains:
  a: { vifs: [ { ip: 203.0.113.21, name: up } ] }
  b: { vifs: [ { ip: 203.0.113.22, name: master } ] }
EOF
)"
	run lab up
	assert_success
	run lab check
	assert_success
	assert_line "lab.sh: 6 as expected, 0 mismatched, 0 skipped"
	run lab status
	assert_success
	run lab down
	assert_success
	lab_assert_gone
}

@test "lab down: stops the processes it recorded, even when their namespace is gone" {
	lab_compile "$(topo gone.yaml <<'EOF2'
version: 1
hosts:
  h: { nics: { eth0: 198.51.100.10/24 } }
networks:
  natnet: { mode: nat, address: 10.0.3.1/24, outbound: eth0, dhcp: { range: 10.0.3.100-10.0.3.110 } }
domains:
  g: { vifs: [ { network: natnet } ] }
EOF2
)"
	lab up
	local pid
	pid=$(cat "/run/netc/lab-$NETC_LAB_TAG/dom0-h/state/dnsmasq/natnet.pid")
	kill -0 "$pid"
	# Deleted by hand: the namespace loses its name, and lives on (nameless)
	# as long as dnsmasq is in it.
	ip netns del "$(lab_ns dom0 h)"
	kill -0 "$pid"
	run lab down
	assert_success
	assert_line --regexp "^lab\\.sh: stopped pid $pid \\(dnsmasq\\), recorded in namespace $(lab_ns dom0 h), which is gone$"
	[ ! -e "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	lab_assert_gone
}
