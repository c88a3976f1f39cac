#!/usr/bin/env bats
# up reconciles (issue 26, item 3): an edited topology takes away what the
# earlier one had and the new one does not want, and status never says
# "matches" before it has.  The version walk: tests/data/sh/edits/v1.yaml
# (xenbr0 bridged on eth0, hostonly isolated, natbr0 nat with dhcp out of
# xenbr0, routed on eth1) and nine edits of it, each walked as
#   v1 up, guests boot (Xen's scripts) -> v1 probes -> vN status (drift)
#   -> vN up -> vN status (matches) -> vN probes -> v1 up -> v1 status
#   -> v1 probes -> guests destroyed -> down -> host_dump as before v1.
# The LAN (192.0.2.0/24) knows a route to 10.0.1.0/24 through dom0, so
# only netc's rules keep it from the isolated network; it knows none to
# the nat subnets, so a nat guest reaches it only masqueraded.

load helper
load lib/host
load lib/restore

EDITS="$TESTDATA/edits"

setup() {
	require_root
	dom0_with_lan
	ns_add wan
	ns_nic dom0 eth1 wan 203.0.113.10/24
	nsx wan ip addr add 203.0.113.1/24 dev lan0
	nsx lan ip route add 10.0.1.0/24 via 192.0.2.10
	sh_script "$EDITS/v1.yaml" -q
}

teardown() { host_teardown; }

# vsh N VERB [--force]: version N's script, in dom0.
vsh() {
	[ -f "$BATS_TEST_TMPDIR/v$1.sh" ] || "$NETC" -q "$EDITS/v$1.yaml" -o "$BATS_TEST_TMPDIR/v$1.sh"
	nsx dom0 sh "$BATS_TEST_TMPDIR/v$1.sh" "${@:2}"
}

# The guests of v1, one per bridge, through Xen's hotplug scripts.
boot_guests() {
	guest_boot web 192.0.2.21/24 192.0.2.1
	guest_boot app 10.0.1.11/24 10.0.1.1
	guest_boot build 10.0.2.21/24 10.0.2.1
	xen_connected dom0
}

# What v1 gives: web bridged to the LAN, both ways; app isolated (dom0
# only; the LAN does not reach it, though it knows the way); build out
# masqueraded.
probe_v1() {
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
	ns_ping app 10.0.1.1
	ns_noping app 192.0.2.1
	ns_noping lan 10.0.1.11
	ns_ping build 192.0.2.1
	[ "$(master_of eth0)" = xenbr0 ]
	has_addr xenbr0 192.0.2.10/24
	! has_addr eth0 192.0.2.10/24
}

# walk N: v1 -> vN -> v1 -> down, with probe_vN; the host as it was.
walk() {
	local v=$1 force=
	# (a rename deletes the old bridge, with the vif Xen put on it: up
	# refuses to cut a guest off unless forced; see probe_v7)
	[ "$v" != 7 ] || force=--force
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	boot_guests
	probe_v1
	! declare -F "pre_v$v" >/dev/null || "pre_v$v"
	run vsh "$v" status
	assert_failure 1
	refute_output --partial "matches"
	echo "$output" >"$BATS_TEST_TMPDIR/drift"
	if [ -n "$force" ]; then
		run vsh "$v" up
		assert_failure 3
		assert_output --partial "cuts off $(xen_vif dom0 web 0), a port netc did not put there"
	fi
	run vsh "$v" up $force
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/up"
	run vsh "$v" status
	assert_success
	assert_output "v$v.sh: host xen1 matches the topology"
	"probe_v$v"
	run on_dom0 up $force
	assert_success
	run on_dom0 status
	assert_success
	"back_v$v"
	probe_v1
	xen_cleanup
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	[ ! -e "$NETC_STATE_DIR" ]
}

# v2: xenbr0 isolated: eth0 is nobody's port and has its address back;
# web, on xenbr0, no longer reaches the LAN nor the LAN it.
probe_v2() {
	[ -z "$(master_of eth0)" ]
	has_addr eth0 192.0.2.10/24
	! has_addr xenbr0 192.0.2.10/24
	ns_ping dom0 192.0.2.1
	ns_noping web 192.0.2.1
	ns_noping lan 192.0.2.21
	ns_ping build 192.0.2.1
	grep -qx "  eth0: a port of xenbr0, put there by netc; network xenbr0 no longer has it" "$BATS_TEST_TMPDIR/drift"
	grep -qx "  eth0: 192.0.2.10/24 was moved off it for network xenbr0, whose uplink it no longer is" "$BATS_TEST_TMPDIR/drift"
	grep -qx "  xenbr0: holds 192.0.2.10/24, which netc put there and network xenbr0 no longer has" "$BATS_TEST_TMPDIR/drift"
	grep -q "network xenbr0 changed: undoing what the topology no longer wants: " "$BATS_TEST_TMPDIR/up"
}
back_v2() { :; }

# v3: hostonly bridged on eth1: app reaches the wan (from a wan address),
# and no longer has 10.0.1.1; routed is gone, and with it eth1's proxy_arp.
probe_v3() {
	[ "$(master_of eth1)" = hostonly ]
	! has_addr hostonly 10.0.1.1/24
	nsx app ip addr add 203.0.113.31/24 dev eth0
	ns_ping app 203.0.113.1
	ns_noping app 10.0.1.1
}
back_v3() {
	[ -z "$(master_of eth1)" ]
	has_addr eth1 203.0.113.10/24
	ns_noping app 203.0.113.1
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 1 ]
}

# v4: xenbr0 on eth1 instead of eth0: eth0 is free, with its address; the
# two physical networks are not joined: web reaches the wan, not the LAN.
probe_v4() {
	[ -z "$(master_of eth0)" ]
	[ "$(master_of eth1)" = xenbr0 ]
	has_addr eth0 192.0.2.10/24
	has_addr xenbr0 203.0.113.10/24
	! has_addr xenbr0 192.0.2.10/24
	ns_ping dom0 192.0.2.1
	ns_noping web 192.0.2.1
	ns_noping lan 192.0.2.21
	nsx web ip addr add 203.0.113.21/24 dev eth0
	ns_ping web 203.0.113.1
}
back_v4() { ns_noping web 203.0.113.1; }

# v5: xenbr0 without an uplink: web on its own.
probe_v5() {
	[ -z "$(master_of eth0)" ]
	has_addr eth0 192.0.2.10/24
	ns_ping dom0 192.0.2.1
	ns_noping web 192.0.2.1
	ns_noping lan 192.0.2.21
	ns_ping build 192.0.2.1
}
back_v5() { :; }

# v6: natbr0 on 10.0.3.0/24: the old address is gone (a guest left on
# the old subnet has no gateway, and nothing leaves unmasqueraded); on the
# new one it reaches the LAN masqueraded; dnsmasq hands out the new range.
probe_v6() {
	! has_addr natbr0 10.0.2.1/24
	has_addr natbr0 10.0.3.1/24
	ns_noping build 10.0.2.1
	ns_noping build 192.0.2.1
	grep -q '^dhcp-range=10.0.3.100,10.0.3.150$' "$NETC_STATE_DIR/dnsmasq/natbr0.conf"
	nsx build ip addr add 10.0.3.21/24 dev eth0
	nsx build ip route replace default via 10.0.3.1
	ns_ping build 192.0.2.1
	nsx dom0 nft list table inet netc | grep -q 'ip saddr 10.0.3.0/24 masquerade'
	! nsx dom0 nft list table inet netc | grep -q '10.0.2.0/24'
}
back_v6() { nsx build ip route replace default via 10.0.2.1; }

# v7: xenbr0 renamed lanbr on the same uplink: up takes xenbr0 down
# first, so eth0 is free for lanbr (preflight must know), and web's vif
# goes back on the new bridge.  (Deleting xenbr0 cuts web off until then:
# up wants --force for it, and so does the way back, lanbr's deletion.)
probe_v7() {
	! nsx dom0 ip link show dev xenbr0 >/dev/null 2>&1
	[ "$(master_of eth0)" = lanbr ]
	has_addr lanbr 192.0.2.10/24
	[ "$(master_of "$(xen_vif dom0 web 0)")" = lanbr ]
	ns_ping web 192.0.2.1
	ns_ping lan 192.0.2.21
	ns_ping build 192.0.2.1
}
back_v7() { [ "$(master_of "$(xen_vif dom0 web 0)")" = xenbr0 ]; }

# v8: domain web removed while it runs: its anti-spoofing rules go; its
# vif stays on xenbr0 (whoever put it there: here netc, after a down and
# up made the bridges again), with a note, as one vif-bridge attached
# stays; down still takes it off, naming it.
pre_v8() {
	on_dom0 down
	[ -z "$(master_of "$(xen_vif dom0 web 0)")" ]
	on_dom0 up
	probe_v1
}
probe_v8() {
	! nsx dom0 nft list ruleset | grep -q '"web-0"'
	[ "$(master_of "$(xen_vif dom0 web 0)")" = xenbr0 ]
	ns_ping web 192.0.2.1
	grep -qx "v8.sh: note: web-0 is on xenbr0 (netc put it back there), and the topology no longer has it there; left there, as a vif vif-bridge attached would be (down takes it off with the rest)" "$BATS_TEST_TMPDIR/up"
	run vsh 8 down
	assert_success
	assert_output --partial "note: web-0 is a port of xenbr0, which netc made and now deletes"
	[ -z "$(master_of "$(xen_vif dom0 web 0)")" ]
	run vsh 8 up
	assert_success
	[ "$(master_of "$(xen_vif dom0 web 0)")" = "" ]
}
back_v8() { nsx dom0 nft list table bridge netc | grep -q 'iifname "web-0"'; }

# v9: natbr0 isolated: build reaches dom0 only; its dnsmasq stops; the
# masquerade goes; proxy_arp moves from eth1 to xenbr0.
probe_v9() {
	ns_ping build 10.0.2.1
	ns_noping build 192.0.2.1
	[ ! -e "$NETC_STATE_DIR/dnsmasq/natbr0.conf" ]
	! pgrep -f "conf-file=$NETC_STATE_DIR/dnsmasq/natbr0.conf" >/dev/null
	! nsx dom0 nft list table inet netc | grep -q masquerade
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/eth1/proxy_arp)" = 0 ]
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/xenbr0/proxy_arp)" = 1 ]
}
back_v9() {
	pgrep -f "conf-file=$NETC_STATE_DIR/dnsmasq/natbr0.conf" >/dev/null
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/conf/xenbr0/proxy_arp)" = 0 ]
}

# v10: hostonly nat out of xenbr0: app reaches the LAN.
probe_v10() {
	ns_ping app 10.0.1.1
	ns_ping app 192.0.2.1
}
back_v10() { ns_noping app 192.0.2.1; }

@test "edits: bridge -> isolated takes eth0 off and puts its address back" { walk 2; }
@test "edits: isolated -> bridge on eth1 (route network removed)" { walk 3; }
@test "edits: uplink eth0 -> eth1 frees eth0, joins no networks" { walk 4; }
@test "edits: uplink removed" { walk 5; }
@test "edits: nat subnet changed: the old address goes" { walk 6; }
@test "edits: network renamed on the same uplink" { walk 7; }
@test "edits: domain removed with its guest running" { walk 8; }
@test "edits: nat -> isolated (dhcp dropped), gatewaydev changed" { walk 9; }
@test "edits: isolated -> nat" { walk 10; }

@test "edits: a network that loses its bridge (isolated -> route) would cut off a running guest: plan names it, up refuses, --force deletes it" {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	run on_dom0 up
	assert_success
	boot_guests
	local vif
	vif=$(xen_vif dom0 app 0)
	[ "$(master_of "$vif")" = hostonly ]
	run vsh 11 plan
	assert_failure 3
	assert_line "#   deleting hostonly cuts off $vif, a port netc did not put there (a running guest's vif?)"
	host_dump dom0 >"$BATS_TEST_TMPDIR/v1"
	run vsh 11 up
	assert_failure 3
	assert_output --partial "deleting hostonly (network hostonly has no bridge any more) cuts off $vif, a port netc did not put there"
	assert_output --partial "up (or try) --force"
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/v1" "$BATS_TEST_TMPDIR/now"
	run vsh 11 up --force
	assert_success
	assert_output --partial "note: $vif is a port of hostonly, which netc made and now deletes"
	! nsx dom0 ip link show dev hostonly 2>/dev/null
	run vsh 11 status
	assert_success
	xen_cleanup
	run vsh 11 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "edits: a failure after the retire phase rolls back this run only, and says what stays taken away" {
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	vsh 4 plan >/dev/null
	shim_install ip
	# the retire batch runs (ip -force -batch); up's own fails at its first line
	run nsx dom0 env PATH="$(shim_path)" SHIM_BATCH_FAIL_AT=1 sh "$BATS_TEST_TMPDIR/v4.sh" up
	assert_failure 1
	assert_output --partial "v4.sh: network xenbr0 changed: undoing what the topology no longer wants: "
	assert_output --partial "v4.sh: step failed: ip "
	assert_output --partial "v4.sh: rolled back this run's changes; kept taken away: the networks the topology no longer has (routed), what the topology no longer wants of xenbr0"
	refute_output --partial "as it was before this run"
	# eth0 stays free with its address; eth1 was not made a port
	[ -z "$(master_of eth0)" ]
	has_addr eth0 192.0.2.10/24
	[ -z "$(master_of eth1)" ]
	has_addr eth1 203.0.113.10/24
	run vsh 4 status
	assert_failure 1
	assert_line "  eth1: not a port of xenbr0"
	run vsh 4 up
	assert_success
	run on_dom0 up
	assert_success
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

# --- a kill at any point of an edit converges --------------------------------

# run_v K V VERB, killed_v K V VERB VAR=VALUE: version V's script in d$K
# (tests/lib/shims.bash).
run_v() { sweep_run "$1" "$BATS_TEST_TMPDIR/v$2.sh" "$3"; }
killed_v() { sweep_killed "$1" "$BATS_TEST_TMPDIR/v$2.sh" "$3" "$4"; }

# edit_point K VAR=VALUE: v1 up, v4 up killed at the point, then v4 up,
# status (matches), down: the host as before.  On failure, says why.
edit_point() {
	local k=$1 at=$2 w="$BATS_TEST_TMPDIR/w$1" v
	run_v "$k" 1 up >"$w/log" 2>&1 || { echo "$at: v1 up failed:"; cat "$w/log"; return 1; }
	killed_v "$k" 4 up "$at" >"$w/killed" 2>&1
	for v in up status down; do
		if ! run_v "$k" 4 "$v" >"$w/log" 2>&1; then
			echo "v4 up killed at $at: then $v failed:"
			sed 's/^/  (killed run) /' "$w/killed"
			cat "$w/log"
			return 1
		fi
		if [ "$v" = up ] && nsx "d$k" ip -o link show dev eth0 | grep -q ' master '; then
			echo "v4 up killed at $at: then up left eth0 a port:"
			nsx "d$k" ip -o link show dev eth0
			return 1
		fi
	done
	sweep_restored "$k" "v4 up killed at $at"
}

@test "edits: uplink eth0 -> eth1 killed at every call of the retire phase and every line of its batch converges" {
	local pts=() p calls lines b last t0
	"$NETC" -q "$EDITS/v1.yaml" -o "$BATS_TEST_TMPDIR/v1.sh"
	"$NETC" -q "$EDITS/v4.yaml" -o "$BATS_TEST_TMPDIR/v4.sh"
	sweep_setup
	# the points: v4 up's calls, and the lines of its first batch (the retire one)
	run_v 0 1 up
	killed_v 0 4 up SWEEP_CALIBRATE=1 >/dev/null
	b=$(awk '$2 == "ip" && $3 == "-force" && $4 == "-batch" { print $1; exit }' "$BATS_TEST_TMPDIR/shim0/log")
	[ -n "$b" ]
	# the retire phase: from its batch until up's own batch (the calls
	# before and after are those of any up, swept by sh_journal.bats)
	last=$(awk '$2 == "ip" && $3 == "-batch" { print $1; exit }' "$BATS_TEST_TMPDIR/shim0/log")
	[ -n "$last" ]
	calls=$((last - b + 1))
	lines=$(wc -l <"$BATS_TEST_TMPDIR/shim0/batch.$b")
	grep -q '^link set dev eth0 nomaster$' "$BATS_TEST_TMPDIR/shim0/batch.$b"
	run_v 0 4 down
	host_dump d0 "$BATS_TEST_TMPDIR/state0" >"$BATS_TEST_TMPDIR/w0/now"
	assert_same "$BATS_TEST_TMPDIR/w0/before" "$BATS_TEST_TMPDIR/w0/now"
	for p in $(seq "$b" "$last"); do pts+=("SWEEP_KILL_AT=$p"); done
	for p in $(seq "$lines"); do pts+=("SWEEP_BATCH_AT=$p"); done
	t0=$SECONDS
	sweep_all edit_point
	echo "edit v1 -> v4: ${#pts[@]} kill points ($calls calls from the retire batch to up's own, $lines lines of the retire batch) in $((SECONDS - t0)) s over $SWEEP_WORKERS namespaces" >&3
}
