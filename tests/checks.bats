#!/usr/bin/env bats
# One bad input per check of SPEC §4.5 (tests/bad/NAME.yaml), each asserted
# by its exact first diagnostic line and the exit status.  The netc-syntax
# twins of these (tests/bad/NAME.netc) are checked in tests/diagnostics.bats.

load helper

check_error() {     # check_error FILE LINE [options]: exit 1, first line LINE
	cd "$TOP"
	local file=$1 line=$2
	shift 2
	run --separate-stderr "$NETC" --check "$@" "tests/bad/$file"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "$line"
}

check_warning() {   # check_warning FILE LINE [options]: exit 0, first line LINE
	cd "$TOP"
	local file=$1 line=$2
	shift 2
	run --separate-stderr "$NETC" --check "$@" "tests/bad/$file"
	assert_equal "$status" 0
	assert_equal "${stderr_lines[0]}" "$line"
}

@test "every check has a bad input" {
	cd "$TOP"
	run "$NETC" --list-checks
	assert_success
	for name in $(printf '%s\n' "$output" | awk '{print $1}'); do
		[ -f "tests/bad/$name.yaml" ] || fail "no tests/bad/$name.yaml for check $name"
		grep -q "check_[a-z]* $name.yaml" "$BATS_TEST_FILENAME" ||
			fail "no test in checks.bats for $name"
	done
}

@test "syntax" {
	check_error syntax.yaml "tests/bad/syntax.yaml:2:11: error: unclosed '[' (the closing ']' is missing)"
}

@test "encoding" {
	check_error encoding.yaml "tests/bad/encoding.yaml:3:8: error: input is not valid UTF-8 (byte 0xff)"
}

@test "yaml-feature" {
	check_error yaml-feature.yaml "tests/bad/yaml-feature.yaml:3:11: error: YAML anchors are not supported ('&net'); write the value out in full"
}

@test "nesting" {
	check_error nesting.yaml "tests/bad/nesting.yaml:2:35: error: too deeply nested: maps and lists may nest at most 32 levels"
}

@test "duplicate-key" {
	check_error duplicate-key.yaml "tests/bad/duplicate-key.yaml:4:3: error: network 'xenbr0' is defined twice"
	assert_equal "${stderr_lines[3]}" "tests/bad/duplicate-key.yaml:3:3: note: first defined here"
}

@test "unknown-key" {
	check_error unknown-key.yaml "tests/bad/unknown-key.yaml:4:5: error: unknown key 'moode' in network 'xenbr0'"
	assert_equal "${stderr_lines[3]}" "tests/bad/unknown-key.yaml:4:5: note: did you mean 'mode'?"
}

@test "type" {
	check_error type.yaml "tests/bad/type.yaml:4:10: error: 'mtu' must be an integer, not 'big'"
}

@test "missing-key" {
	check_error missing-key.yaml "tests/bad/missing-key.yaml:3:3: error: nat network 'natbr0' needs 'outbound' (the interface NATed traffic leaves by)"
}

@test "version" {
	check_error version.yaml "tests/bad/version.yaml:1:10: error: unsupported version 2; this netc reads version 1"
}

@test "range" {
	check_error range.yaml "tests/bad/range.yaml:5:11: error: 'vlan' must be between 1 and 4094, not 5000"
}

@test "interface-name" {
	check_error interface-name.yaml "tests/bad/interface-name.yaml:3:3: error: network name 'xenbr0-with-a-long-name' is 23 bytes; interface names are 1-15 bytes"
}

@test "name" {
	check_error name.yaml "tests/bad/name.yaml:5:3: error: domain name 'web\$(reboot)' has a character outside [A-Za-z0-9_.-]"
}

@test "value" {
	check_error value.yaml "tests/bad/value.yaml:7:15: error: invalid rate 'fast'; expected e.g. 10Mb/s or 1MB/s@20ms (numbers 1-4294967295, no leading zeros)"
}

@test "mac" {
	check_error mac.yaml "tests/bad/mac.yaml:7:14: error: invalid MAC '00:16:3e:00:00'; expected six hex octets like 00:16:3e:00:00:01, or 'random'"
}

@test "address" {
	check_error address.yaml "tests/bad/address.yaml:5:14: error: invalid address '10.0.1.1'; expected dom0's address with a prefix, e.g. 10.0.1.1/24"
}

@test "mode-key" {
	check_error mode-key.yaml "tests/bad/mode-key.yaml:6:13: error: 'uplink' does not apply to isolated network 'hostonly' (only bridge)"
}

@test "undefined-host" {
	check_error undefined-host.yaml "tests/bad/undefined-host.yaml:9:11: error: host 'xen3' is not defined"
}

@test "undefined-network" {
	check_error undefined-network.yaml "tests/bad/undefined-network.yaml:8:18: error: network 'xenbr2' is not defined"
	# SPEC §3's example: the did-you-mean note at the same place.
	assert_equal "${stderr_lines[1]}" "    8 |       - network: xenbr2"
	assert_equal "${stderr_lines[2]}" "      |                  ^~~~~~"
	assert_equal "${stderr_lines[3]}" "tests/bad/undefined-network.yaml:8:18: note: did you mean 'xenbr0'?"
}

@test "undefined-interface" {
	check_error undefined-interface.yaml "tests/bad/undefined-interface.yaml:8:13: error: host 'xen1' has no NIC 'eth1' (uplink of network 'xenbr0')"
	assert_equal "${stderr_lines[3]}" "tests/bad/undefined-interface.yaml:8:13: note: did you mean 'eth0'?"
}

@test "inferred-interface" {
	check_warning inferred-interface.yaml "tests/bad/inferred-interface.yaml:6:15: warning: outbound 'eth1' is declared nowhere; taking it as a NIC of dom0 [-Winferred-interface]"
}

@test "enslaved-interface" {
	check_error enslaved-interface.yaml "tests/bad/enslaved-interface.yaml:8:15: error: outbound 'eth0' is enslaved by bridge 'xenbr0'; name the bridge instead"
	# The note names the bridge, at the uplink that enslaves the NIC.
	assert_equal "${stderr_lines[3]}" "tests/bad/enslaved-interface.yaml:4:13: note: bridge 'xenbr0' enslaves 'eth0' here; once 'up' has run, its addresses live on 'xenbr0'"
}

@test "shared-uplink" {
	check_error shared-uplink.yaml "tests/bad/shared-uplink.yaml:6:13: error: uplink 'eth0' is already enslaved by network 'xenbr0'"
}

@test "duplicate-interface" {
	check_error duplicate-interface.yaml "tests/bad/duplicate-interface.yaml:7:3: error: interface name 'eth0' (bridge 'eth0') is already taken by NIC 'eth0' on host 'xen1'"
}

@test "duplicate-interface: named vifs against their host's NICs and each other, first cited" {
	check_error duplicate-interface-vif.yaml "tests/bad/duplicate-interface-vif.yaml:18:15: error: interface name 'eth9' (vif 0 of domain 'a') is already taken by NIC 'eth9' on host 'xen1'"
	run grep -E ': (error|warning|note): ' <<<"$stderr"
	assert_line -n 1 "tests/bad/duplicate-interface-vif.yaml:8:7: note: NIC 'eth9' is named here"
	assert_line -n 2 "tests/bad/duplicate-interface-vif.yaml:28:15: error: interface name 'fe-b' (vif 0 of domain 'c') is already taken by vif 0 of domain 'b' on host 'xen2'"
	assert_line -n 3 "tests/bad/duplicate-interface-vif.yaml:23:15: note: vif 0 of domain 'b' is named here"
	# xen3's eth9 (h) is away from xen1's NIC eth9: nothing more
	assert_equal "${#lines[@]}" 4
}

@test "duplicate-interface: a vif named as the uplink the implicit host takes as its NIC" {
	local t
	t=$(topo uplink.yaml <<-'EOF'
	version: 1
	networks:
	  xenbr0: { uplink: eth0 }
	domains:
	  web:
	    vifs:
	      - name: eth0
	EOF
	)
	run --separate-stderr "$NETC" --check "$t"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "$t:7:15: error: interface name 'eth0' (vif 0 of domain 'web') is already taken by NIC 'eth0'"
	assert_equal "${stderr_lines[3]}" "$t:3:21: note: NIC 'eth0' is named here"
}

@test "obsolete-id" {
	check_warning obsolete-id.yaml "tests/bad/obsolete-id.yaml:8:5: warning: 'id' is obsolete and does nothing: xl cannot choose a domain's id, so netc no longer names backends vifID.DEVID after it; remove it [-Wobsolete-id]"
	# It does nothing: the backend is named as without it.
	run --separate-stderr "$NETC" -t vif tests/bad/obsolete-id.yaml
	assert_output "web: vif = [ 'mac=00:16:3e:6b:5c:1e,bridge=xenbr0,vifname=web-0' ]"
	# The printers keep it: converting a topology loses nothing.
	run --separate-stderr "$NETC" -t netc tests/bad/obsolete-id.yaml
	assert_line "    id 7;"
	run --separate-stderr "$NETC" -t yaml tests/bad/obsolete-id.netc
	assert_line "    id: 7"
	# Its range is still checked.
	local t
	t=$(printf 'version: 1\ndomains: { web: { id: 0 } }\n' | topo zero.yaml)
	run --separate-stderr "$NETC" --check "$t"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[3]}" "$t:2:23: error: 'id' must be between 1 and 32751, not 0"
}

@test "vifname-dot" {
	check_error vifname-dot.yaml "tests/bad/vifname-dot.yaml:9:15: error: backend name 'web.eth.0' of vif 0 of domain 'web' has a '.': Xen's set_mtu splits it there into a domain id and devid for a xenstore path; use '-' instead"
}

@test "vifname-reserved" {
	check_error vifname-reserved.yaml "tests/bad/vifname-reserved.yaml:8:15: error: backend name 'vif3.0' of vif 0 of domain 'web' starts with 'vif' and a digit, like the names Xen gives other domains' vifs (vifDOMID.DEVID)"
	# One error for a name that breaks both rules.
	assert_equal "$(printf '%s\n' "$stderr" | grep -c 'error:')" 1
}

@test "vifname-length" {
	check_error vifname-length.yaml "tests/bad/vifname-length.yaml:8:15: error: backend name 'win-frontend' of vif 0 of domain 'win' is 12 bytes; an hvm guest's are at most 11 (xl appends '-emu')"
}

@test "duplicate-mac" {
	check_error duplicate-mac.yaml "tests/bad/duplicate-mac.yaml:10:14: error: MAC 00:16:3E:00:00:11 of vif 0 of domain 'db' is already the MAC of vif 0 of domain 'web'"
}

@test "mac-collision" {
	check_warning mac-collision.yaml "tests/bad/mac-collision.yaml:8:12: warning: derived MAC 00:16:3e:2a:74:6d of vif 0 of domain 'g199' collides with vif 0 of domain 'g18019'; using 00:16:3e:2e:d3:ee [-Wmac-collision]"
	assert_equal "${stderr_lines[3]}" "tests/bad/mac-collision.yaml:10:12: note: vif 0 of domain 'g18019' has MAC 00:16:3e:2a:74:6d"
}

@test "mac-seed-collision" {
	check_error mac-seed-collision.yaml "tests/bad/mac-seed-collision.yaml:11:12: error: derived MAC 00:16:3e:90:97:19 of vif 0 of domain 'g2903' is also the MAC of vif 0 of domain 'g2257'"
	run grep -E ': (error|warning|note): ' <<<"$stderr"
	assert_line -n 1 "tests/bad/mac-seed-collision.yaml:13:12: note: vif 0 of domain 'g2257' has MAC 00:16:3e:90:97:19 (derived)"
	assert_line -n 2 "tests/bad/mac-seed-collision.yaml:11:12: note: give one of them an explicit MAC: 'mac: 00:16:3e:ab:6f:83' is free for vif 0 of domain 'g2903'"
}

@test "legacy-mac" {
	check_warning legacy-mac.yaml "tests/bad/legacy-mac.yaml:9:9: warning: vif 0 of domain 'web' and 1 other vif have MACs derived from domain name and devid alone (no defaults.mac-seed): a guest 'web' at another site gets the same 00:16:3e:6b:5c:1e, and a collision silently gives one guest another MAC [-Wlegacy-mac]"
	assert_equal "${stderr_lines[3]}" "tests/bad/legacy-mac.yaml:9:9: note: set defaults.mac-seed to a value of this site's own: every derived MAC changes once (pin with 'mac:' any MAC a guest must keep)"
	# Once per topology.
	assert_equal "$(printf '%s\n' "$stderr" | grep -c 'warning:')" 1
	# Not said beside errors (a topology with errors writes no MAC), nor
	# when no MAC is derived.
	run --separate-stderr "$NETC" --check tests/bad/duplicate-ip.yaml
	assert_equal "$status" 1
	[[ "$stderr" != *legacy-mac* ]] || fail "legacy-mac beside errors: $stderr"
	local t
	t=$(printf 'version: 1\nnetworks: { xenbr0: {} }\ndomains:\n  a: { vifs: [ { mac: 00:16:3e:00:00:01 }, { mac: random } ] }\n' | topo explicit.yaml)
	run --separate-stderr "$NETC" -Wno-random-mac --check "$t"
	assert_success
	assert_equal "$stderr" ""
}

@test "name-collision" {
	check_warning name-collision.yaml "tests/bad/name-collision.yaml:9:9: warning: derived backend name 'web-0' of vif 0 of domain 'web' is already taken; using 'vwpbg6on2th' [-Wname-collision]"
	assert_equal "${stderr_lines[3]}" "tests/bad/name-collision.yaml:12:15: note: vif 0 of domain 'db' is named 'web-0'"
}

@test "random-mac" {
	check_warning random-mac.yaml "tests/bad/random-mac.yaml:7:14: warning: vif 0 of domain 'web' has mac: random: Xen picks a new MAC at every start, so the guest sees a new NIC and loses its DHCP reservation [-Wrandom-mac]"
}

@test "route-ip" {
	check_error route-ip.yaml "tests/bad/route-ip.yaml:13:9: error: vif 0 of domain 'www' is on route network 'routed' and needs 'ip' (vif-route routes that address to it)"
}

@test "ip-subnet" {
	check_error ip-subnet.yaml "tests/bad/ip-subnet.yaml:9:13: error: ip 10.0.2.11 of vif 0 of domain 'app' is outside subnet 10.0.1.0/24 of network 'hostonly'"
}

@test "ip-is-gateway" {
	check_error ip-is-gateway.yaml "tests/bad/ip-is-gateway.yaml:9:13: error: ip 10.0.1.1 of vif 0 of domain 'app' is dom0's own address on network 'hostonly'"
}

@test "duplicate-ip" {
	check_error duplicate-ip.yaml "tests/bad/duplicate-ip.yaml:12:13: error: ip 10.0.1.11 of vif 0 of domain 'cache' is already used by vif 0 of domain 'app' on network 'hostonly'"
}

@test "dhcp-range" {
	check_error dhcp-range.yaml "tests/bad/dhcp-range.yaml:7:14: error: DHCP range 10.0.1.100-10.0.2.50 is not inside the usable addresses of subnet 10.0.1.0/24"
}

@test "subnet-overlap" {
	check_error subnet-overlap.yaml "tests/bad/subnet-overlap.yaml:8:14: error: subnet 10.0.2.0/24 of network 'lab1' overlaps subnet 10.0.0.0/16 of network 'lab0'"
}

@test "vxlan" {
	check_error vxlan.yaml "tests/bad/vxlan.yaml:5:3: error: host 'xen2' carries VXLAN network 'overlay' but has no 'address' for the tunnel"
}

@test "unused-network is off by default, on with -W" {
	cd "$TOP"
	run --separate-stderr "$NETC" --check tests/bad/unused-network.yaml
	assert_success
	assert_equal "$stderr" ""
	check_warning unused-network.yaml "tests/bad/unused-network.yaml:3:3: warning: network 'xenbr0' has no vifs [-Wunused-network]" -W unused-network
}

@test "-Wno-NAME silences a warning; -Werror makes it an error" {
	cd "$TOP"
	run --separate-stderr "$NETC" --check -Wno-random-mac tests/bad/random-mac.yaml
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr "$NETC" --check -Werror tests/bad/random-mac.yaml
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "tests/bad/random-mac.yaml:7:14: error: vif 0 of domain 'web' has mac: random: Xen picks a new MAC at every start, so the guest sees a new NIC and loses its DHCP reservation [-Werror=random-mac]"
}

@test "-q hides warnings but not errors" {
	cd "$TOP"
	run --separate-stderr "$NETC" --check -q tests/bad/random-mac.yaml
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr "$NETC" --check -q tests/bad/duplicate-ip.yaml
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "tests/bad/duplicate-ip.yaml:12:13: error: ip 10.0.1.11 of vif 0 of domain 'cache' is already used by vif 0 of domain 'app' on network 'hostonly'"
}
