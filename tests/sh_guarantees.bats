#!/usr/bin/env bats
# The host script's guarantees, each proven in network namespaces:
# preflight before any change, rollback on a failure midway (ip, nft,
# dnsmasq failing at every call, a signal), down carrying on past a
# failure, status and its drift list, plan changing nothing, one ip -batch
# for a thousand bridges, the state directory, and what up does when the
# topology loses a network.

load helper
load lib/host
load lib/restore

setup() {
	modes_host
}

teardown() {
	host_teardown
	local d
	# (the lock beside each state directory outlives it: netc_lock)
	for d in ${DEFAULT_STATE:-}; do rm -rf "$d" "$d.lock"; done
}

# The namespace as down must leave it, and no state left behind.
snapshot() { host_dump dom0 >"$BATS_TEST_TMPDIR/$1"; }  # what "restores" means (lib/restore.bash)
assert_unchanged() {
	snapshot now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	[ ! -e "$NETC_STATE_DIR" ] || { ls -lR "$NETC_STATE_DIR"; return 1; }
	# and no process left behind in dom0 (a dnsmasq a rollback forgot)
	[ -z "$(ip netns pids "$(ns dom0)")" ] || { ps -o pid,args -p "$(ip netns pids "$(ns dom0)")"; return 1; }
}

@test "preflight: every missing NIC and command is named, and nothing changes" {
	sh_script "$TESTDATA/preflight.yaml"
	snapshot before
	# hide nft and dnsmasq from the script (a private mount namespace)
	run nsx dom0 unshare -m sh -c '
		mount --bind /dev/null "$(command -v nft)" &&
		mount --bind /dev/null "$(command -v dnsmasq)" &&
		mount --bind /dev/null "$(command -v ifconfig)" &&
		exec sh "$0" up' "$SCRIPT"
	assert_failure 3
	assert_line "setup.sh: preflight failed; nothing was changed:"
	assert_line "  network xenbr7: uplink eth7 does not exist"
	assert_line "  network natbr: outbound eth8 does not exist"
	assert_line "  network routed: gatewaydev eth9 does not exist"
	assert_line "  command 'nft' not found (for the firewall rules of natbr)"
	assert_line "  command 'dnsmasq' not found (for DHCP on natbr)"
	assert_line "  command 'ifconfig' not found (the vif-route of Xen runs it for every guest on routed; install net-tools)"
	assert_unchanged
}

@test "preflight: a VXLAN network's mtu plus the headers must fit the underlay's mtu (IPv4 +50, IPv6 +70)" {
	local t
	t=$(topo vxlan-mtu.yaml <<'EOF'
version: 1
hosts:
  xen1: { address: 198.18.0.1, nics: { eth0: 198.18.0.1/24 } }
  xen2: { address: 198.18.0.2, nics: { eth0: 198.18.0.2/24 } }
networks:
  overlay: { vxlan: { vni: 42 }, mtu: 1500 }
EOF
)
	sh_script "$t" --host xen1
	snapshot before
	run on_dom0 up
	assert_failure 3
	assert_line "  network overlay: no interface holds the underlay address 198.18.0.1 of host xen1 (vxlan42 sends from it)"
	nsx dom0 ip addr add 198.18.0.1/24 dev eth0
	snapshot before
	run on_dom0 up
	assert_failure 3
	assert_line "  network overlay: mtu 1500 + 50 (VXLAN over IPv4) is 1550, above the mtu 1500 of eth0, which holds the underlay address 198.18.0.1 (raise the mtu of eth0 to 1550, or lower that of overlay to 1450)"
	assert_unchanged
	nsx dom0 ip link set eth0 mtu 1550
	snapshot before
	run on_dom0 up
	assert_success
	[ "$(nsx dom0 cat /sys/class/net/vxlan42/mtu)" = 1500 ]
	[ "$(nsx dom0 cat /sys/class/net/overlay/mtu)" = 1500 ]
	on_dom0 down
	assert_unchanged

	sed -e 's/198\.18\.0\.\([12]\)\/24/2001:db8:18::\1\/64/' -e 's/198\.18\.0\.\([12]\)/2001:db8:18::\1/' \
		"$t" >"$BATS_TEST_TMPDIR/vxlan6.yaml"
	sh_script "$BATS_TEST_TMPDIR/vxlan6.yaml" --host xen1
	nsx dom0 ip addr add 2001:db8:18::1/64 dev eth0
	run on_dom0 up
	assert_failure 3
	assert_line "  network overlay: mtu 1500 + 70 (VXLAN over IPv6) is 1570, above the mtu 1550 of eth0, which holds the underlay address 2001:db8:18::1 (raise the mtu of eth0 to 1570, or lower that of overlay to 1480)"
}

@test "preflight: not root, and an uplink some other bridge holds" {
	nsx dom0 ip link add br-other type bridge
	nsx dom0 ip link set eth0 master br-other
	snapshot before
	run nsx dom0 setpriv --reuid 65534 --regid 65534 --clear-groups sh -s up <"$SCRIPT"
	assert_failure 3
	assert_line "  must run as root (this is uid 65534)"
	assert_line "  network xenbr0: eth0 is already a port of br-other"
	run on_dom0 up
	assert_failure 3
	assert_line "  network xenbr0: eth0 is already a port of br-other"
	refute_line --partial "must run as root"
	assert_unchanged
}

@test "rollback: ip failing at each of its calls leaves dom0 exactly as before" {
	shim_install ip
	snapshot before
	shimmed up
	local calls n
	calls=$(shim_calls ip)
	# four listings, the state's marker on lo, the batch
	[ "$calls" -eq 6 ]
	on_dom0 down
	assert_unchanged
	for n in $(seq "$calls"); do
		shim_reset
		run shimmed SHIM_FAIL="ip:$n" up
		[ "$status" -ne 0 ] || { echo "call $n: up succeeded"; return 1; }
		if grep -q -- '-batch' <(sed -n "${n}p" "$SHIM_DIR/ip.log"); then
			assert_failure 1
			assert_output --partial "setup.sh: step failed: ip -batch ("
			assert_output --partial "rolled back: the host is as it was before this run"
		elif grep -q -- 'property add' <(sed -n "${n}p" "$SHIM_DIR/ip.log"); then
			assert_failure 1
			assert_output --partial "(the state's marker); nothing was changed"
		else
			assert_failure 3
			assert_output --partial "nothing was changed"
		fi
		assert_unchanged
	done
}

@test "rollback: a command failing midway in the batch: the lines before it are undone" {
	shim_install ip
	local lines k
	on_dom0 plan | sed -n '/^ip -batch/,/^EOF/p' | sed '1d;$d' >"$BATS_TEST_TMPDIR/batch"
	lines=$(wc -l <"$BATS_TEST_TMPDIR/batch")
	[ "$lines" -gt 10 ]
	snapshot before
	for k in $(seq 1 "$lines"); do
		run shimmed SHIM_BATCH_FAIL_AT="$k" up
		assert_failure 1
		assert_line "setup.sh: step failed: ip $(sed -n "${k}p" "$BATS_TEST_TMPDIR/batch")"
		assert_line '    Cannot find device "netc-no-such-dev"'
		assert_output --partial "rolled back"
		assert_unchanged
	done
}

@test "rollback: SIGTERM right after the batch: the run's changes are undone" {
	shim_install ip
	snapshot before
	run shimmed SHIM_TERM=ip:6 up   # the batch: after the listings and the marker
	assert_failure 1
	assert_line "setup.sh: step failed: interrupted by SIGTERM"
	assert_output --partial "rolled back"
	assert_unchanged
}

@test "rollback: nft failing at each of its calls, and dnsmasq failing to start" {
	shim_install nft
	snapshot before
	shimmed up
	local calls n
	calls=$(shim_calls nft)
	# the ruleset of the host (preflight: rules naming eth0), list inet
	# netc and bridge netc, load both, list both
	[ "$calls" -eq 6 ]
	on_dom0 down
	for n in $(seq "$calls"); do
		shim_reset
		run shimmed SHIM_FAIL="nft:$n" up
		if [ "$n" = 1 ]; then
			assert_failure 3
			assert_output --partial "cannot read the host's network configuration; nothing was changed"
		else
			assert_failure 1
			assert_output --regexp "step failed: nft (list table inet netc|-f - \(load tables inet netc and bridge netc\))"
			assert_output --partial "rolled back"
		fi
		assert_unchanged
	done
	shim_install dnsmasq
	shim_reset
	run shimmed SHIM_FAIL=dnsmasq:1 up
	assert_failure 1
	assert_output --partial "step failed: dnsmasq --conf-file=$NETC_STATE_DIR/dnsmasq/natbr0.conf"
	assert_unchanged
}

@test "down: a failing step is named, the rest is undone, and down again finishes" {
	shim_install ip
	snapshot before
	on_dom0 up
	# the sixth ip call of down is its batch: the state's marker and four
	# listings come first
	run shimmed SHIM_FAIL=ip:6 down
	assert_failure 1
	assert_output --partial "down: the steps above failed"
	nsx dom0 ip link show xenbr0
	! nsx dom0 nft list table inet netc 2>/dev/null
	[ "$(nsx dom0 cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
	run on_dom0 down
	assert_success
	assert_unchanged
}

@test "down: ip failing at each of its calls; a second down always finishes the job" {
	shim_install ip
	snapshot before
	on_dom0 up
	shimmed down
	local calls n
	calls=$(shim_calls ip)
	[ "$calls" -ge 5 ]
	assert_unchanged
	for n in $(seq "$calls"); do
		on_dom0 up
		shim_reset
		run shimmed SHIM_FAIL="ip:$n" down
		[ "$status" -ne 0 ] || { echo "call $n: down succeeded"; return 1; }
		assert_output --partial "(test shim): call $n fails"
		run on_dom0 down
		assert_success
		assert_unchanged
	done
}

@test "status: 0 after up; 1 with a readable drift list after hand changes; up repairs; down still restores" {
	snapshot before
	on_dom0 up
	run on_dom0 status
	assert_success
	nsx dom0 ip link set hostonly down
	nsx dom0 ip addr del 10.0.2.1/24 dev natbr0
	nsx dom0 sh -c 'echo 0 > /proc/sys/net/ipv4/conf/eth1/proxy_arp'
	nsx dom0 nft flush chain inet netc forward
	kill "$(cat "$NETC_STATE_DIR/dnsmasq/natbr0.pid")"
	nsx dom0 ip link set eth0 nomaster
	nsx dom0 ip route del default via 192.0.2.1 dev xenbr0
	run on_dom0 status
	assert_failure 1
	assert_line "setup.sh: host xen1 differs from the topology:"
	assert_line "  eth0: not a port of xenbr0"
	assert_line "  xenbr0: lacks route \"default via 192.0.2.1\" (netc moved it from eth0)"
	assert_line "  hostonly: down"
	assert_line "  natbr0: lacks address 10.0.2.1/24"
	assert_line "  sysctl net/ipv4/conf/eth1/proxy_arp is 0, want 1"
	assert_line "  nft table inet netc was changed since netc loaded it"
	assert_line "  dnsmasq of natbr0 is not running"
	[ "${#lines[@]}" -eq 8 ]
	run on_dom0 up
	assert_success
	run on_dom0 status
	assert_success
	ns_ping dom0 192.0.2.1
	on_dom0 down
	assert_unchanged
}

@test "status: an address back on the uplink, and a network an earlier run made" {
	on_dom0 up
	nsx dom0 ip addr add 192.0.2.77/24 dev eth0
	nsx dom0 ip addr add 192.0.2.10/24 dev eth0 # also still on xenbr0
	run on_dom0 status
	assert_failure 1
	assert_line "  eth0: holds 192.0.2.77/24, which belongs on xenbr0"
	assert_line "  eth0: holds 192.0.2.10/24, which belongs on xenbr0"
	run on_dom0 up
	assert_success
	nsx dom0 ip -o addr show dev xenbr0 | grep -q 192.0.2.77/24
	nsx dom0 ip -o addr show dev xenbr0 | grep -q 192.0.2.10/24
	[ -z "$(nsx dom0 ip -o addr show dev eth0 scope global)" ]
	nsx dom0 ip link del hostonly
	run on_dom0 status
	assert_failure 1
	assert_line "  hostonly: bridge missing (netc made it; removed since)"
	echo oldbr >>"$NETC_STATE_DIR/nets"
	run on_dom0 status
	assert_failure 1
	assert_line "  network oldbr: an earlier run made it, and the topology no longer has it"
}

@test "plan: prints the commands up would run, and changes nothing" {
	snapshot before
	run on_dom0 plan
	assert_success
	assert_line "# setup.sh plan: what up would do on host xen1"
	assert_line "ip -batch - <<'EOF'"
	assert_line --regexp "^link add name xenbr0 address ([0-9a-f]{2}:){5}[0-9a-f]{2} type bridge stp_state 0$"
	assert_line "addr del 192.0.2.10/24 dev eth0"
	assert_line "link set dev eth0 master xenbr0"
	assert_line "route add default via 192.0.2.1 dev xenbr0"
	assert_line "addr add 10.0.1.1/24 brd + dev hostonly"
	assert_line "echo 1 > /proc/sys/net/ipv4/conf/eth1/proxy_arp"
	assert_line "echo 1 > /proc/sys/net/ipv4/ip_forward"
	assert_line "nft -f - <<'EOF'"
	assert_line "dnsmasq --conf-file=$NETC_STATE_DIR/dnsmasq/natbr0.conf"
	# The bridges go up after every other step of the batch, each before
	# the routes that go onto it.
	printf '%s\n' "${lines[@]}" | sed -n '/^ip -batch/,/^EOF/p' | awk '
		/^link add name [^ ]+ .*type bridge/ { br[$4] = 1 }
		/^link set dev [^ ]+ up$/ && ($4 in br) { up[$4] = 1; if (!first) first = NR; next }
		/^route add / { if (!($NF in up)) bad = bad " " NR; next }
		first && !/^EOF$/ { bad = bad " " NR }
		END { if (bad != "" || !first) { print "batch out of order at lines" bad; exit 1 } }'
	assert_unchanged
	on_dom0 up
	snapshot before
	cp -r "$NETC_STATE_DIR" "$BATS_TEST_TMPDIR/state.up"
	run on_dom0 plan
	assert_success
	assert_line "# nothing: the host matches the topology"
	snapshot now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	diff -r "$BATS_TEST_TMPDIR/state.up" "$NETC_STATE_DIR"
}

@test "scale: a thousand bridges come up through one ip -batch, and go down through one" {
	local i topo="$BATS_TEST_TMPDIR/many.yaml"
	{
		echo "version: 1"
		echo "networks:"
		for i in $(seq 0 999); do printf '  br%d: {}\n' "$i"; done
	} >"$topo"
	"$NETC" -Wno-unused-network "$topo" -o "$SCRIPT"
	shim_install ip
	run shimmed up
	assert_success
	[ "$(nsx dom0 ip -o link show type bridge | wc -l)" -eq 1000 ]
	# four listings, the state's marker and one batch, whatever the number
	# of bridges
	[ "$(shim_calls ip)" -eq 6 ]
	run cat "$SHIM_DIR/ip.batches"
	assert_output "batch of 2000 lines"
	shim_reset
	run shimmed up
	assert_output --partial "nothing changed"
	[ "$(shim_calls ip)" -eq 5 ]    # the marker checked, four listings
	shim_reset
	run shimmed down
	assert_success
	[ "$(shim_calls ip)" -eq 7 ]    # the marker checked, four listings, the batch, the marker removed
	[ "$(nsx dom0 ip -o link show type bridge | wc -l)" -eq 0 ]
}

@test "state: by default under /run/netc, keyed by the network namespace" {
	unset NETC_STATE_DIR
	ns_add dom0b
	local ino1 ino2
	ino1=$(nsx dom0 ls -iL /proc/self/ns/net | awk '{ print $1 }')
	ino2=$(nsx dom0b ls -iL /proc/self/ns/net | awk '{ print $1 }')
	DEFAULT_STATE="/run/netc/ns-$ino1 /run/netc/ns-$ino2"
	sh_script "$TESTDATA/vxlan.yaml" --host xen1
	# the underlay address VXLAN sends from (the preflight wants it)
	nsx dom0 ip addr add 198.18.0.1/32 dev lo
	nsx dom0b ip addr add 198.18.0.1/32 dev lo
	on_dom0 up
	nsx dom0b sh "$SCRIPT" up
	[ -s "/run/netc/ns-$ino1/nets" ]
	[ -s "/run/netc/ns-$ino2/nets" ]
	on_dom0 down
	[ ! -e "/run/netc/ns-$ino1" ]
	[ -s "/run/netc/ns-$ino2/nets" ]
	nsx dom0b sh "$SCRIPT" down
	[ ! -e "/run/netc/ns-$ino2" ]
}

@test "state: a lock left by a dead run is taken over" {
	mkdir -p "$NETC_STATE_DIR/lock"
	sh -c 'echo $$' >"$NETC_STATE_DIR/lock/pid" # a pid that has exited
	run on_dom0 up
	assert_success
	[ ! -e "$NETC_STATE_DIR/lock" ]
}

@test "topology change: up takes down a network the topology no longer has; down restores all" {
	snapshot before
	on_dom0 up
	sed '/^  hostonly:/,/^  natbr0:/{/^  natbr0:/!d}' "$TESTDATA/modes.yaml" |
		sed '/^  app:/,/^  build:/{/^  build:/!d}' >"$BATS_TEST_TMPDIR/fewer.yaml"
	sh_script "$BATS_TEST_TMPDIR/fewer.yaml"
	run on_dom0 up
	assert_success
	assert_output --partial "taking down networks an earlier run made that the topology no longer has: hostonly"
	run nsx dom0 ip link show hostonly
	assert_failure
	run nsx dom0 nft list table inet netc
	refute_output --partial hostonly
	run on_dom0 status
	assert_success
	on_dom0 down
	assert_unchanged
}
