#!/usr/bin/env bats
# Fault injection over every sample's whole run (issue 6): for each command
# the host script runs — ip, nft, dnsmasq — make its Nth call fail, for
# every N of a successful up, and then each line of its ip -batch in turn;
# after each, up must exit non-zero naming the failed step, and dom0 must be
# exactly as before.  (The script writes
# sysctls through /proc/sys, so there is no sysctl command to fail.)

load helper
load lib/host
load lib/restore

setup() {
	require_root
}

teardown() {
	host_teardown
}

# The first host of a topology and its NICs ("name address" lines), from
# the JSON IR.
first_host() {
	"$NETC" -t json "$1" | awk '/^  "hosts": \{/ { on = 1; next }
		on && /^    "[^"]*": \{/ { split($0, q, "\""); print q[2]; exit }'
}
nics_of() {
	"$NETC" -t json "$1" | awk -v h="$2" '
		/^    "[^"]*": \{/ { split($0, q, "\""); inh = (q[2] == h) }
		inh && /^      "nics": \{$/ { on = 1; next }
		on && /^      [}]/ { exit }
		on && /^        "[^"]*": \{/ { split($0, q, "\""); nic = q[2] }
		on && /"address":/ { a = $0; sub(/.*"address": /, "", a); gsub(/[",]/, "", a); print nic, a }'
}

# A dom0 with the sample's NICs (their own addresses, or 198.18.K.10/24).
dom0_for() {
	local f=$1 h=$2 k=0 nic addr
	ns_add dom0
	ns_add lan
	while read -r nic addr; do
		[ "$addr" != null ] || addr="198.18.$k.10/24"
		ip link add "$nic" netns "$(ns dom0)" type veth peer name "p$k" netns "$(ns lan)"
		nsx dom0 ip addr add "$addr" dev "$nic"
		nsx dom0 ip link set "$nic" up
		k=$((k + 1))
	done < <(nics_of "$f" "$h")
}

declare -gA ncalls   # -g: bats sources this file inside a function

sweep() {
	local f=$1 h cmd calls n nlines
	h=$(first_host "$f")
	dom0_for "$f" "$h"
	sh_script "$f" --host "$h"
	host_dump dom0 > "$BATS_TEST_TMPDIR/before"
	for cmd in ip nft dnsmasq; do
		command -v "$cmd" >/dev/null || continue
		shim_install "$cmd"
	done
	shim_reset
	shimmed up >/dev/null 2>&1 || fail "$f: up fails without faults"
	on_dom0 down >/dev/null
	for cmd in ip nft dnsmasq; do
		ncalls[$cmd]=$(shim_calls "$cmd")
	done
	# the lines of up's ip -batch (the shim notes each batch's length)
	nlines=$(awk '{ print $3 }' "$SHIM_DIR/ip.batches" 2>/dev/null | head -n 1)
	nlines=${nlines:-0}     # route mode makes no links: no batch
	[ "${ncalls[ip]}" -ge 4 ] || fail "$f: only ${ncalls[ip]} ip calls"
	for cmd in ip nft dnsmasq; do
		calls=${ncalls[$cmd]}
		for n in $(seq "$calls"); do
			shim_reset
			run shimmed SHIM_FAIL="$cmd:$n" up
			[ "$status" -ne 0 ] || fail "$f: up succeeded with $cmd call $n failing"
			assert_output --regexp "(step failed: |preflight failed|cannot read the host.s network configuration; nothing was changed)"
			host_dump dom0 > "$BATS_TEST_TMPDIR/after"
			assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
				fail "$f: $cmd call $n failing left dom0 changed"
			[ -z "$(ip netns pids "$(ns dom0)")" ] || fail "$f: $cmd call $n left a process"
		done
		echo "$(basename "$f"): $cmd failed at each of its $calls calls" >&3
	done
	# and every line of the batch failing in turn: the lines before it were
	# applied by ip, and must be undone
	for n in $(seq "$nlines"); do
		shim_reset
		run shimmed SHIM_BATCH_FAIL_AT="$n" up
		assert_failure 1
		# the script names its own line n of the batch
		assert_line --index 0 --regexp "^setup.sh: step failed: ip (link|addr|route) "
		assert_output --partial "rolled back: the host is as it was before this run"
		host_dump dom0 > "$BATS_TEST_TMPDIR/after"
		assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" ||
			fail "$f: batch line $n failing left dom0 changed"
	done
	echo "$(basename "$f"): the batch failed at each of its $nlines lines" >&3
}

@test "faults: classic" { sweep "$SAMPLES/classic.yaml"; }
@test "faults: bridge" { sweep "$SAMPLES/bridge.yaml"; }
@test "faults: isolated" {
	sweep "$SAMPLES/isolated.yaml"
	[ "${ncalls[nft]}" -ge 2 ]      # the isolation rules are loaded and swept
}
@test "faults: nat" {
	sweep "$SAMPLES/nat.yaml"
	[ "${ncalls[nft]}" -ge 2 ]
}
@test "faults: route" { sweep "$SAMPLES/route.yaml"; }
@test "faults: multihost (its first host)" { sweep "$SAMPLES/multihost.yaml"; }

@test "faults: vlan-dhcp" {
	# Its tagged network needs the kernel's 802.1Q; the dhcp part alone is
	# swept here too, from a copy without the tagged network.
	grep -v -e '^  xenbr10:' -e 'vlan: 10' -e '^    mode: bridge$' -e '^    uplink: eth0$' \
		"$SAMPLES/vlan-dhcp.yaml" | sed '/^  tagged:/,/^        type: ioemu/d' > "$BATS_TEST_TMPDIR/dhcp.yaml"
	run "$NETC" --check "$BATS_TEST_TMPDIR/dhcp.yaml"
	assert_success
	grep -q 'dhcp:' "$BATS_TEST_TMPDIR/dhcp.yaml"
	! grep -q 'vlan' "$BATS_TEST_TMPDIR/dhcp.yaml"
	sweep "$BATS_TEST_TMPDIR/dhcp.yaml"
	[ "${ncalls[dnsmasq]}" -ge 1 ]  # dnsmasq's start is swept too
}
