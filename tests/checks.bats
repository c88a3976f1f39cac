#!/usr/bin/env bats
# One bad input per check of docs/language.md (tests/bad/NAME.yaml), each asserted
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

@test "netback-mac" {
	check_error netback-mac.yaml "tests/bad/netback-mac.yaml:7:14: error: MAC 'fe:ff:ff:ff:ff:ff' is the one netback gives every backend vif (fe:ff:ff:ff:ff:ff): the guest's would clash with its own backend's"
}

@test "netback-mac: a mac-prefix that could derive it" {
	check_error netback-mac-prefix.yaml "tests/bad/netback-mac-prefix.yaml:3:15: error: mac-prefix 'FE:FF:FF' could derive fe:ff:ff:ff:ff:ff, the MAC netback gives every backend vif; choose another prefix"
}

@test "rate-interval" {
	check_error rate-interval.yaml "tests/bad/rate-interval.yaml:7:15: error: rate '100Kb/s@10ms' gives 125 bytes per 10ms interval, less than one 1500-byte frame"
	# 12500 bytes a second: 120 ms hold 1500 bytes, as xl computes them
	assert_equal "${stderr_lines[3]}" "tests/bad/rate-interval.yaml:7:15: note: a longer interval lets a frame through, e.g. '100Kb/s@120ms'"
}

@test "rate-interval: xl's default interval is 50 ms; a rate xl rounds to nothing" {
	cd "$TOP"
	f=$(topo rate.yaml <<'EOF2'
version: 1
networks:
  xenbr0: {}
domains:
  a:
    vifs:
      - rate: 239Kb/s
      - rate: 240Kb/s
      - rate: 7b/s
      - rate: 1KB/s@1500s
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E ': (error|note): ' <<<"$stderr"
	# 239Kb/s is 29875 B/s: 1493 bytes in 50 ms; 240Kb/s gives 1500
	assert_line -n 0 "$f:7:15: error: rate '239Kb/s' gives 1493 bytes per 50ms interval, less than one 1500-byte frame"
	assert_line -n 1 "$f:7:15: note: a longer interval lets a frame through, e.g. '239Kb/s@51ms'"
	assert_line -n 2 "$f:9:15: error: rate '7b/s' gives 0 bytes per 50ms interval, less than one 1500-byte frame"
	assert_line -n 3 "$f:9:15: note: xl rounds it down to 0 bytes per second: raise the rate"
	assert_equal "${#lines[@]}" 4
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
	# docs/language.md.s example: the did-you-mean note at the same place.
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
	assert_output "web: vif = [ 'mac=00:16:3e:6b:5c:1e,bridge=xenbr0,script=vif-bridge,vifname=web-0' ]"
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

@test "undefined-domain" {
	check_error undefined-domain.yaml "tests/bad/undefined-domain.yaml:9:18: error: backend 'netdmo' of vif 0 of domain 'web' is not a domain of the topology"
	assert_equal "${stderr_lines[3]}" "tests/bad/undefined-domain.yaml:9:18: note: did you mean 'netdom'?"
}

@test "undefined-domain: a domain id, the vif's own domain, another host's; Domain-0 is dom0" {
	cd "$TOP"
	f=$(topo backend.yaml <<'EOF2'
version: 1
hosts:
  xen1: {}
  xen2: {}
networks:
  xenbr0: {}
domains:
  netdom: { host: xen2 }
  web:
    host: xen1
    vifs:
      - backend: "0"
      - backend: web
      - backend: netdom
      - backend: Domain-0
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E ': (error|note): ' <<<"$stderr"
	assert_line -n 0 "$f:12:18: error: backend '0' of vif 0 of domain 'web' is not a domain of the topology"
	assert_line -n 1 "$f:12:18: note: dom0 is 'Domain-0', the default: write that, or drop 'backend'"
	assert_line -n 2 "$f:13:18: error: backend of vif 1 of domain 'web' is its own domain 'web': a driver domain serves other domains' vifs"
	assert_line -n 3 "$f:14:18: error: backend 'netdom' of vif 2 of domain 'web' runs on host 'xen2', not on host 'xen1' with domain 'web'"
	# Domain-0, xl's name for dom0, is what no backend means
	assert_equal "${#lines[@]}" 4
}

@test "pv-ioemu" {
	check_error pv-ioemu.yaml "tests/bad/pv-ioemu.yaml:8:15: error: vif 0 of domain 'web' has type ioemu, but pvh domain 'web' has no emulated NIC: libxl refuses to create it"
}

@test "ignored-model" {
	# (the vif's MAC is derived without a seed: legacy-mac would come first)
	check_warning ignored-model.yaml "tests/bad/ignored-model.yaml:7:16: warning: model of vif 0 of domain 'web' is ignored: pv domain 'web' has no emulated NIC [-Wignored-model]" -Wno-legacy-mac
}

@test "ignored-model: an hvm vif of type vif has no emulated NIC either; ioemu and none do" {
	cd "$TOP"
	f=$(topo model.yaml <<'EOF2'
version: 1
networks:
  xenbr0: {}
domains:
  win:
    type: hvm
    vifs:
      - { type: vif, model: e1000 }
      - { type: ioemu, model: e1000 }
      - { model: e1000 }
EOF2
)
	run --separate-stderr "$NETC" --check -Wno-legacy-mac "$f"
	assert_success
	assert_equal "${stderr_lines[0]}" "$f:8:29: warning: model of vif 0 of domain 'win' is ignored: with type vif the guest has no emulated NIC [-Wignored-model]"
	assert_equal "$(grep -c 'warning:' <<<"$stderr")" 1
}

@test "ignored-antispoof" {
	check_warning ignored-antispoof.yaml "tests/bad/ignored-antispoof.yaml:7:35: warning: antispoof of vif 0 of domain 'web' is ignored: its MAC is random and it declares no ip, so there is nothing to hold it to [-Wignored-antispoof]" -Wno-random-mac
	check_warning ignored-antispoof.netc "tests/bad/ignored-antispoof.netc:3:42: warning: antispoof of vif 0 of domain 'web' is ignored: its MAC is random and it declares no ip, so there is nothing to hold it to [-Wignored-antispoof]" -Wno-random-mac
}

@test "vif-script" {
	check_error vif-script.yaml "tests/bad/vif-script.yaml:7:17: error: script 'vif-openvswitch' of vif 0 of domain 'web' cannot serve isolated network 'xenbr0': it needs an Open vSwitch bridge, and netc's bridges are Linux bridges"
}

@test "vif-script: stock scripts by base name on the wrong kind of network; a wrapper passes" {
	cd "$TOP"
	f=$(topo script.yaml <<'EOF2'
version: 1
hosts:
  xen1:
    nics: { eth0: 203.0.113.10/24, eth1: null }
networks:
  xenbr0: { uplink: eth1 }
  routed: { mode: route, gatewaydev: eth0 }
domains:
  web:
    vifs:
      - { network: xenbr0, script: /etc/xen/scripts/vif-route }
      - { network: routed, ip: 203.0.113.21, script: vif-bridge }
      - { network: routed, ip: 203.0.113.22, script: vif-openvswitch }
      - { network: routed, ip: 203.0.113.23, script: /usr/local/lib/xen/vif-route-log }
      - { network: xenbr0, script: vif-bridge }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E ': (error|note): ' <<<"$stderr"
	assert_line -n 0 "$f:11:36: error: script '/etc/xen/scripts/vif-route' of vif 0 of domain 'web' cannot serve bridge network 'xenbr0': it routes the vif instead of enslaving it to the network's bridge (its script is vif-bridge)"
	assert_line -n 1 "$f:12:54: error: script 'vif-bridge' of vif 1 of domain 'web' cannot serve route network 'routed': it enslaves the vif to a bridge, and a route network has none (its script is vif-route)"
	assert_line -n 2 "$f:13:54: error: script 'vif-openvswitch' of vif 2 of domain 'web' cannot serve route network 'routed': it needs an Open vSwitch bridge, and a route network has none"
	assert_equal "${#lines[@]}" 3
}

@test "vif-mtu" {
	check_error vif-mtu.yaml "tests/bad/vif-mtu.yaml:9:14: error: mtu 9000 of vif 0 of domain 'web' is above the mtu 1500 of network 'xenbr0': the bridge drops the guest's larger frames"
	assert_equal "${stderr_lines[3]}" "tests/bad/vif-mtu.yaml:5:10: note: network 'xenbr0' sets its mtu here"
}

@test "route-ip" {
	check_error route-ip.yaml "tests/bad/route-ip.yaml:13:9: error: vif 0 of domain 'www' is on route network 'routed' and needs 'ip' (vif-route routes that address to it)"
}

@test "route-ip: a list on a network that is not route" {
	check_error route-ip-list.yaml "tests/bad/route-ip-list.yaml:7:13: error: 'ip' of vif 0 of domain 'web' is a list, but isolated network 'xenbr0' takes one address: only a route vif takes a list (vif-route routes each item)"
}

@test "route-ip: IPv6 on a route vif" {
	check_error route-ip-ipv6.yaml "tests/bad/route-ip-ipv6.yaml:13:28: error: ip '2001:db8:5::/48' of vif 0 of domain 'www' is IPv6; vif-route routes IPv4 addresses only"
}

@test "route-ip: a route vif's list, item by item" {
	cd "$TOP"
	f=$(topo routelist.yaml <<'EOF2'
version: 1
defaults: { network: routed }
hosts:
  xen1:
    nics: { eth0: 203.0.113.10/24 }
networks:
  routed: { mode: route, gatewaydev: eth0 }
  hostonly: { mode: isolated, address: 10.0.1.1/24 }
domains:
  www:
    vifs:
      - ip: [203.0.113.21, 198.51.100.0/28, 198.51.100.0/28, 203.0.113.10, 192.0.2.7/32]
      - ip: 2001:db8::5
      - { network: hostonly, ip: 2001:db8::6 }
  smtp:
    vifs:
      - ip: [198.51.100.0/24]
      - ip: [203.0.113.22, 192.0.2.7]
      - ip: []
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E ': (error|note): ' <<<"$stderr"
	assert_line -n 0 "$f:12:45: error: ip 198.51.100.0/28 of vif 0 of domain 'www' is already in its list on network 'routed'"
	assert_line -n 1 "$f:12:28: note: vif 0 of domain 'www' has it here"
	assert_line -n 2 "$f:12:62: error: ip 203.0.113.10 of vif 0 of domain 'www' is dom0's own address on network 'routed'"
	assert_line -n 3 "$f:5:19: note: dom0's address comes from here"
	assert_line -n 4 "$f:13:13: error: ip '2001:db8::5' of vif 1 of domain 'www' is IPv6; vif-route routes IPv4 addresses only"
	assert_line -n 5 "$f:14:34: error: ip '2001:db8::6' of vif 2 of domain 'www' is IPv6; a vif's ip is an IPv4 address"
	assert_line -n 6 "$f:17:14: error: the first ip of routed vif 0 of domain 'smtp' is the prefix 198.51.100.0/24; the first is the guest's own address (without a prefix, or /32), prefixes follow it"
	assert_line -n 7 "$f:18:28: error: ip 192.0.2.7 of vif 1 of domain 'smtp' is already used by vif 0 of domain 'www' on network 'routed'"
	assert_line -n 8 "$f:12:76: note: vif 0 of domain 'www' has it here"
	assert_line -n 9 "$f:19:13: error: 'ip' is an empty list; give the guest's own address first"
	assert_equal "${#lines[@]}" 10
}

@test "ip-subnet" {
	check_error ip-subnet.yaml "tests/bad/ip-subnet.yaml:9:13: error: ip 10.0.2.11 of vif 0 of domain 'app' is outside subnet 10.0.1.0/24 of network 'hostonly'"
}

@test "ip-subnet: a routed prefix with host bits" {
	check_error ip-subnet-route.yaml "tests/bad/ip-subnet-route.yaml:13:28: error: ip 198.51.100.7/28 of routed vif 0 of domain 'www' is not a prefix: \`ip route add\` in vif-route refuses host bits; write 198.51.100.0/28"
}

@test "ip-subnet: a route vif's one ip with a prefix" {
	cd "$TOP"
	f=$(topo routeprefix.yaml <<'EOF2'
version: 1
hosts: { xen1: { nics: { eth0: 203.0.113.10/24 } } }
networks: { routed: { mode: route, gatewaydev: eth0 } }
domains:
  www:
    vifs:
      - ip: 203.0.113.21/24
      - ip: 203.0.113.22/32
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "$f:7:13: error: ip 203.0.113.21/24 of routed vif 0 of domain 'www' has a prefix; it is the guest's own address (without a prefix, or /32), and prefixes routed to the guest follow it in a list"
	assert_equal "$(grep -c 'error:' <<<"$stderr")" 1
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

@test "dhcp-range: a static ip inside the range is a reservation, unless the vif has mac: random" {
	cd "$TOP"
	local y n
	y=$(topo reserve.yaml <<'EOF'
version: 1
networks:
  natbr0:
    mode: nat
    address: 10.0.2.1/24
    outbound: eth0
    dhcp: { range: 10.0.2.100-10.0.2.150 }
domains:
  web:
    vifs:
      - { network: natbr0, ip: 10.0.2.120 }
EOF
)
	run --separate-stderr "$NETC" --check -Wno-inferred-interface "$y"
	assert_success
	printf '      - { network: natbr0, ip: 10.0.2.121, mac: random }\n' >>"$y"
	run --separate-stderr "$NETC" --check -Wno-inferred-interface -Wno-random-mac "$y"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$y:12:32: error: static ip 10.0.2.121 of vif 1 of domain 'web' is inside DHCP range 10.0.2.100-10.0.2.150, and its 'mac: random' leaves nothing to reserve it for: DHCP could hand it to another guest"
	n=$(topo reserve.netc <<'EOF'
version 1;
network natbr0 { mode nat; address 10.0.2.1/24; outbound eth0; dhcp { range 10.0.2.100-10.0.2.150; } }
domain web { vif { network natbr0; ip 10.0.2.120; } vif { network natbr0; ip 10.0.2.121; mac random; } }
EOF
)
	run --separate-stderr "$NETC" --check -Wno-inferred-interface -Wno-random-mac "$n"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$n:3:78: error: static ip 10.0.2.121 of vif 1 of domain 'web' is inside DHCP range 10.0.2.100-10.0.2.150, and its 'mac: random' leaves nothing to reserve it for: DHCP could hand it to another guest"
}

@test "dhcp-dns" {
	check_error dhcp-dns.yaml "tests/bad/dhcp-dns.yaml:8:24: error: DNS server 192.0.2.53 is outside isolated network 'hostonly' (10.0.1.0/24), which forwards nothing: its guests cannot reach it; use 'dns: self' to have dom0 forward their queries"
}

@test "dhcp-dns: dom0's own address, and a server listed twice" {
	cd "$TOP"
	local y
	y=$(topo dns.yaml <<'EOF'
version: 1
networks:
  natbr0:
    mode: nat
    address: 10.0.2.1/24
    outbound: eth0
    dhcp:
      range: 10.0.2.100-10.0.2.150
      dns: [10.0.2.1, 192.0.2.53, 192.0.2.53]
EOF
)
	run --separate-stderr "$NETC" --check -Wno-inferred-interface "$y"
	assert_failure 1
	assert_equal "$(diag_lines)" "$y:9:13: error: DNS server 10.0.2.1 is dom0's own address on network 'natbr0', where netc's dnsmasq answers no DNS; write 'dns: self' to have it answer and forward to dom0's resolvers
$y:9:35: error: DNS server 192.0.2.53 of network 'natbr0' is listed twice
$y:9:23: note: first listed here"
}

@test "nic-gateway" {
	check_error nic-gateway.yaml "tests/bad/nic-gateway.yaml:5:48: error: gateway '198.51.100.1' of NIC 'eth0' is outside its subnet 192.0.2.0/24"
}

@test "nic-gateway: the NIC's own address, its family, network and broadcast, no address; IPv6 link-local is fine" {
	cd "$TOP"
	local y
	y=$(topo gw.yaml <<'EOF'
version: 1
hosts:
  xen1:
    nics:
      a: { address: 192.0.2.10/24, gateway: 192.0.2.10 }
      b: { address: 198.51.100.10/24, gateway: "2001:db8::1" }
      c: { address: 203.0.113.10/24, gateway: 203.0.113.255 }
      d: { address: 10.0.0.10/24, gateway: 10.0.0.0 }
      e: { gateway: 10.9.0.1 }
      f: { address: null, gateway: 10.8.0.1 }
      g: { address: "2001:db8:1::10/64", gateway: "fe80::1" }
      h: { address: 10.7.0.10/31, gateway: 10.7.0.11 }
      i: { address: 10.6.0.10/24, gateway: router }
EOF
)
	run --separate-stderr "$NETC" --check "$y"
	assert_failure 1
	assert_equal "$(diag_lines)" "$y:5:45: error: gateway '192.0.2.10' of NIC 'a' is the NIC's own address
$y:6:48: error: gateway '2001:db8::1' of NIC 'b' is IPv6, its address 198.51.100.10/24 IPv4
$y:7:47: error: gateway '203.0.113.255' of NIC 'c' is the subnet's broadcast address
$y:8:44: error: gateway '10.0.0.0' of NIC 'd' is the subnet's network address
$y:9:21: error: NIC 'e' has a gateway but no address; give it its address (address: CIDR) or leave the gateway out
$y:10:36: error: NIC 'f' has a gateway but no address; give it its address (address: CIDR) or leave the gateway out
$y:13:44: error: invalid gateway 'router' for NIC 'i'; expected an IPv4 or IPv6 address like 192.0.2.1"
}

@test "nic-dns" {
	check_error nic-dns.yaml "tests/bad/nic-dns.yaml:8:27: error: invalid DNS server 'resolver.example.org' for NIC 'eth0'; expected an IPv4 or IPv6 address like 192.0.2.53"
}

@test "nic-dns: listed twice, empty, without an address; a NIC's forms" {
	cd "$TOP"
	local y
	y=$(topo dns.yaml <<'EOF'
version: 1
hosts:
  xen1:
    nics:
      a: { address: 192.0.2.10/24, dns: [192.0.2.53, "2001:db8::53", 192.0.2.53] }
      b: { address: 198.51.100.10/24, dns: [] }
      c: { dns: [192.0.2.53] }
      d: { address: 203.0.113.10/24, dns: 192.0.2.53 }
      e: [192.0.2.10/24]
      f: { address: 10.0.0.10/24, mtu: 9000 }
EOF
)
	run --separate-stderr "$NETC" --check "$y"
	assert_failure 1
	assert_equal "$(diag_lines)" "$y:5:70: error: DNS server '192.0.2.53' of NIC 'a' is listed twice
$y:5:42: note: first listed here
$y:6:44: error: 'dns' of NIC 'b' is an empty list; name at least one server, or leave the key out
$y:7:12: error: NIC 'c' has dns servers but no address; give it its address (address: CIDR) or leave dns out
$y:8:43: error: 'dns' must be a list of IP addresses, not '192.0.2.53'
$y:9:10: error: 'e' must be an address (CIDR), null or a map, not a list
$y:10:35: error: unknown key 'mtu' in NIC 'f'"
}

@test "dhcp keys' forms: dns self or a list of IPv4 addresses; a lease of 2 minutes or more" {
	cd "$TOP"
	local y n
	y=$(topo forms.yaml <<'EOF'
version: 1
networks:
  a:
    mode: nat
    address: 10.0.2.1/24
    outbound: eth0
    dhcp: { range: 10.0.2.100-10.0.2.150, dns: 192.0.2.53, lease: 60 }
  b:
    mode: nat
    address: 10.0.3.1/24
    outbound: eth0
    dhcp: { range: 10.0.3.100-10.0.3.150, dns: ["2001:db8::53"], lease: 2147483648 }
  c:
    mode: nat
    address: 10.0.4.1/24
    outbound: eth0
    dhcp: { range: 10.0.4.100-10.0.4.150, dns: [] }
  d:
    mode: nat
    address: 10.0.6.1/24
    outbound: eth0
    dhcp: { range: 10.0.6.100-10.0.6.150, dns: [self] }
EOF
)
	run --separate-stderr "$NETC" --check -Wno-inferred-interface "$y"
	assert_failure 1
	assert_equal "$(diag_lines)" "$y:7:48: error: 'dns' must be 'self' or a list of IPv4 addresses, not '192.0.2.53'
$y:7:67: error: DHCP 'lease' must be at least 120 seconds, not 60: dnsmasq would raise it to 2 minutes
$y:12:49: error: invalid DNS server '2001:db8::53'; expected an IPv4 address like 192.0.2.53 (DHCP hands out IPv4 servers only)
$y:12:73: error: 'lease' must be between 120 and 2147483647, not 2147483648
$y:17:48: error: 'dns' is an empty list; name at least one server, or leave the key out
$y:22:49: error: 'self' is not a server address: write 'dns: self' (not in a list) to have dom0's dnsmasq answer"
	n=$(topo forms.netc <<'EOF'
version 1;
network a { mode nat; address 10.0.2.1/24; outbound eth0; dhcp { range 10.0.2.100-10.0.2.150; lease 60; } }
EOF
)
	run --separate-stderr "$NETC" --check -Wno-inferred-interface "$n"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$n:2:101: error: DHCP 'lease' must be at least 120 seconds, not 60: dnsmasq would raise it to 2 minutes"
}

@test "subnet-overlap" {
	check_error subnet-overlap.yaml "tests/bad/subnet-overlap.yaml:8:14: error: subnet 10.0.2.0/24 of network 'lab1' overlaps subnet 10.0.0.0/16 of network 'lab0'"
}

@test "subnet-overlap: prefixes routed to route vifs sit in the host's table too" {
	cd "$TOP"
	f=$(topo overlap.yaml <<'EOF2'
version: 1
hosts:
  xen1:
    nics: { eth0: 203.0.113.10/24, eth1: 198.51.100.10/24 }
networks:
  routed: { mode: route, gatewaydev: eth0 }
  hostonly: { mode: isolated, address: 10.0.1.1/24 }
domains:
  www:
    vifs:
      - { network: routed, ip: [203.0.113.21, 10.0.1.128/25, 192.0.2.0/26] }
  smtp:
    vifs:
      - { network: routed, ip: [203.0.113.22, 192.0.2.32/27, 203.0.113.64/26, 192.0.2.200] }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E ': (error|note): ' <<<"$stderr"
	assert_line -n 0 "$f:11:47: error: subnet 10.0.1.128/25 of the route to vif 0 of domain 'www' overlaps subnet 10.0.1.0/24 of network 'hostonly' on host 'xen1'"
	assert_line -n 2 "$f:14:47: error: subnet 192.0.2.32/27 of the route to vif 0 of domain 'smtp' overlaps subnet 192.0.2.0/26 of the route to vif 0 of domain 'www' on host 'xen1'"
	assert_line -n 4 "$f:14:62: error: subnet 203.0.113.64/26 of the route to vif 0 of domain 'smtp' overlaps subnet 203.0.113.0/24 of NIC 'eth0' on host 'xen1'"
	# a routed host address is no subnet: the guests' own are on eth0's LAN
	assert_equal "${#lines[@]}" 6
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
