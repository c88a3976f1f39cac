#!/usr/bin/env bats
# Guests booted through Xen's own hotplug scripts (the test bed of
# tests/lib/xen.bash: Debian's xen-utils-common run unmodified, a xenstore
# filled from the xl files' text, netback emulated), in the namespaces of
# a lab (tests/lab_helper.bash): the lab builds the LANs and runs each
# host script, its own guest attach is then replaced by the real one.
#
# For every sample the lab can build (not vlan-dhcp: 802.1Q), at domids
# from 1 and from 100: each domain boots in xendomains' order, every
# hotplug says "connected", each dom0 is then exactly as the lab's own
# attach left it (links, masters, MACs, MTUs, addresses, routes, proxy_arp
# and forwarding: xen_dom0_dump), `lab up` finds nothing to change in any
# dom0, `lab status` matches, and `lab check` gives lab_samples.bats'
# reachability.  The root namespace is compared before and after.

load helper
load lab_helper
load lib/xen

XL="$BATS_TEST_TMPDIR/xl"

setup() {
	require_root
	xen_fetch
}

teardown() {
	xen_cleanup
	lab_teardown
}

lab_hosts() { awk '$1 == "host" { print $2 }' "$LAB"; }

# xen_lab_up TOPOLOGY: the lab up; each dom0 dumped as the lab's attach
# left it; the lab's vifs removed; each host's xl files in $XL/HOST.
xen_lab_up() {
	local h be
	lab_root_dump >"$BATS_TEST_TMPDIR/root.before"
	lab_compile "$1"
	run lab up
	assert_success
	for h in $(lab_hosts); do
		xen_dom0_dump "$(lab_ns dom0 "$h")" >"$BATS_TEST_TMPDIR/lab.$h"
		mkdir -p "$XL/$h"
		"$NETC" -q -t xl --host "$h" "$1" -o "$XL/$h/"
	done
	while read -r h be; do
		ip -n "$(lab_ns dom0 "$h")" link del dev "$be"
	done < <(awk '$1 == "vif" { print $4, $5 }' "$LAB")
}

# xen_lab_boot FIRST_DOMID [GREP]: every host's domains booted, in
# xendomains' order from FIRST_DOMID; every hotplug connected; each dom0
# compared with the lab's attach (leaving out lines matching GREP, when
# given: what the lab does not emulate); then lab up (the guests' side:
# addresses and routes, DHCP), which must change nothing in any dom0, and
# lab status.
xen_lab_boot() {
	local first=$1 skip=${2:-} h d
	for h in $(lab_hosts); do
		d=$(lab_ns dom0 "$h")
		xen_host "$h" "$d" "$(lab_ns domu %s)" "$first"
		run xen_autostart "$h" "$XL/$h"
		if [ "$status" != 0 ]; then
			echo "$output"
			echo "--- xen-hotplug.log of $h:"
			xen_log "$h" | tail -n 20
			return 1
		fi
		xen_connected "$h"
		if [ -n "$skip" ]; then
			xen_dom0_dump "$d" | grep -v -- "$skip" >"$BATS_TEST_TMPDIR/xen.$h"
			grep -v -- "$skip" "$BATS_TEST_TMPDIR/lab.$h" >"$BATS_TEST_TMPDIR/lab.$h.cmp"
		else
			xen_dom0_dump "$d" >"$BATS_TEST_TMPDIR/xen.$h"
			cp "$BATS_TEST_TMPDIR/lab.$h" "$BATS_TEST_TMPDIR/lab.$h.cmp"
		fi
		lab_assert_same "$BATS_TEST_TMPDIR/lab.$h.cmp" "$BATS_TEST_TMPDIR/xen.$h"
	done
	run lab up
	assert_success
	for h in $(lab_hosts); do
		xen_dom0_dump "$(lab_ns dom0 "$h")" >"$BATS_TEST_TMPDIR/again.$h"
		if [ -n "$skip" ]; then
			grep -v -- "$skip" "$BATS_TEST_TMPDIR/again.$h" >"$BATS_TEST_TMPDIR/again.$h.cmp"
		else
			cp "$BATS_TEST_TMPDIR/again.$h" "$BATS_TEST_TMPDIR/again.$h.cmp"
		fi
		lab_assert_same "$BATS_TEST_TMPDIR/xen.$h" "$BATS_TEST_TMPDIR/again.$h.cmp"
	done
	run lab status
	assert_success
}

# Every domain of every host destroyed (its vifs offline).
xen_lab_halt() {
	local h f
	for h in $(lab_hosts); do
		for f in "$XEN_DIR/$h"/dom/*; do
			case $f in *.vifs | */\*) continue ;; esac
			xen_destroy "$h" "${f##*/}"
		done
	done
}

# xen_sample TOPOLOGY SUMMARY: the whole cycle, at domids from 1 and from
# 100; SUMMARY is lab check's last line (as in lab_samples.bats).
xen_sample() {
	local first
	xen_lab_up "$1"
	for first in 1 100; do
		xen_lab_boot "$first"
		run lab check
		echo "$output"
		assert_success
		assert_line "lab.sh: $2"
		xen_lab_halt
	done
	run lab down
	assert_success
	lab_root_dump >"$BATS_TEST_TMPDIR/root.after"
	lab_assert_same "$BATS_TEST_TMPDIR/root.before" "$BATS_TEST_TMPDIR/root.after"
}

# --- the samples -------------------------------------------------------

@test "xen classic: backup, mail, web boot in that order through vif-bridge" {
	xen_sample "$SAMPLES/classic.yaml" "2 as expected, 0 mismatched, 4 skipped"
}

@test "xen bridge: guests on the LAN through vif-bridge (STP)" {
	xen_sample "$SAMPLES/bridge.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen isolated: vif-bridge onto the host-only bridge" {
	xen_sample "$SAMPLES/isolated.yaml" "3 as expected, 0 mismatched, 0 skipped"
}

@test "xen nat: vif-bridge onto the nat bridge" {
	xen_sample "$SAMPLES/nat.yaml" "8 as expected, 0 mismatched, 0 skipped"
}

@test "xen route: vif-route gives each vif eth0's address, proxy ARP and a host route" {
	xen_sample "$SAMPLES/route.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen multihost: two hosts, each its own domids, joined over VXLAN" {
	xen_sample "$SAMPLES/multihost.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen dhcp: vlan-dhcp without its tagged network: static lease, range, a vif mtu" {
	xen_sample "$(topo dhcp.yaml <<'EOF'
version: 1
defaults:
  mac-prefix: local
hosts:
  xen1:
    nics:
      eth0: 192.0.2.10/24
networks:
  lab0:
    mode: nat
    address: 10.0.3.1/24
    outbound: eth0
    dhcp:
      range: 10.0.3.100-10.0.3.199
domains:
  client:
    vifs:
      - network: lab0
        ip: 10.0.3.50
      - network: lab0
        mtu: 1400
EOF
)" "8 as expected, 0 mismatched, 1 skipped"
}
