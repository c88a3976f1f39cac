#!/usr/bin/env bats
# Diagnostics (docs/language.md, "Checks"): the same message at the same token from both
# syntaxes, every problem reported in one run, carets, notes, the cap.

load helper

setup() {
	cd "$TOP"
}

# The first error or warning of a run, without its "file:line:col: ".
first_message() {
	"$NETC" --check "$@" 2>&1 | grep -E '^[^ ]+: (error|warning): ' | head -n 1 | sed 's/^[^ ]* //'
}

@test "every bad input gives the same first message in YAML and in netc" {
	local n=0
	for f in tests/bad/*.netc; do
		y=${f%.netc}.yaml
		[ -f "$y" ] || fail "$f has no YAML twin"
		opt=
		[ "$(basename "$f")" = unused-network.netc ] && opt="-W unused-network"
		# shellcheck disable=SC2086
		a=$(first_message $opt "$f")
		# shellcheck disable=SC2086
		b=$(first_message $opt "$y")
		[ -n "$a" ] || fail "$f: no diagnostic"
		assert_equal "$a" "$b"
		n=$((n + 1))
	done
	# every semantic check has its twin (syntax-level ones differ by nature)
	[ "$n" -ge 33 ]
}

@test "netc twins point at the same token as their YAML originals" {
	# Each expected column counted by hand in the .netc file.
	run --separate-stderr "$NETC" --check tests/bad/undefined-network.netc
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "tests/bad/undefined-network.netc:4:28: error: network 'xenbr2' is not defined"
	assert_equal "${stderr_lines[1]}" "    4 | domain web { vif { network xenbr2; } }"
	assert_equal "${stderr_lines[2]}" "      |                            ^~~~~~"
	assert_equal "${stderr_lines[3]}" "tests/bad/undefined-network.netc:4:28: note: did you mean 'xenbr0'?"
	run --separate-stderr "$NETC" --check tests/bad/address.netc
	assert_equal "${stderr_lines[0]}" "tests/bad/address.netc:2:43: error: invalid address '10.0.1.1'; expected dom0's address with a prefix, e.g. 10.0.1.1/24"
	run --separate-stderr "$NETC" --check tests/bad/route-ip.netc
	assert_equal "${stderr_lines[0]}" "tests/bad/route-ip.netc:4:14: error: vif 0 of domain 'www' is on route network 'routed' and needs 'ip' (vif-route routes that address to it)"
	run --separate-stderr "$NETC" --check tests/bad/name.netc
	assert_equal "${stderr_lines[0]}" "tests/bad/name.netc:3:8: error: domain name 'web\$(reboot)' has a character outside [A-Za-z0-9_.-]"
	run --separate-stderr "$NETC" --check tests/bad/dhcp-range.netc
	assert_equal "${stderr_lines[0]}" "tests/bad/dhcp-range.netc:5:18: error: DHCP range 10.0.1.100-10.0.2.50 is not inside the usable addresses of subnet 10.0.1.0/24"
	run --separate-stderr "$NETC" --check tests/bad/duplicate-key.netc
	assert_equal "${stderr_lines[0]}" "tests/bad/duplicate-key.netc:3:9: error: network 'xenbr0' is defined twice"
	assert_equal "${stderr_lines[3]}" "tests/bad/duplicate-key.netc:2:9: note: first defined here"
}

@test "five different mistakes: five positioned errors in one run" {
	f=$(topo five.yaml <<'EOF2'
version: 1
networks:
  xenbr0:
    uplink: eth0
    moode: bridge
  hostonly:
    mode: isolated
    address: 10.0.1.1/24
domains:
  web:
    id: 1
    vifs:
      - network: xenbr2
      - network: hostonly
        ip: 10.0.2.5
  db:
    id: 0
    vifs:
      - { network: xenbr0, mac: 01:00:5e:00:00:01 }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E '^[^ ]+: error: ' <<<"$stderr"
	assert_equal "${#lines[@]}" 5
	assert_equal "${lines[0]}" "$f:5:5: error: unknown key 'moode' in network 'xenbr0'"
	assert_equal "${lines[1]}" "$f:13:18: error: network 'xenbr2' is not defined"
	assert_equal "${lines[2]}" "$f:15:13: error: ip 10.0.2.5 of vif 1 of domain 'web' is outside subnet 10.0.1.0/24 of network 'hostonly'"
	assert_equal "${lines[3]}" "$f:17:9: error: 'id' must be between 1 and 32751, not 0"
	assert_equal "${lines[4]}" "$f:19:33: error: MAC '01:00:5e:00:00:01' is a multicast address (the first octet is odd)"
}

@test "the same five mistakes in netc: the same five messages" {
	f=$(topo five.netc <<'EOF2'
version 1;
network xenbr0 { uplink eth0; moode bridge; }
network hostonly { mode isolated; address 10.0.1.1/24; }
domain web {
    id 1;
    vif { network xenbr2; }
    vif { network hostonly; ip 10.0.2.5; }
}
domain db { id 0; vif { network xenbr0; mac 01:00:5e:00:00:01; } }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -E '^[^ ]+: error: ' <<<"$stderr"
	assert_equal "${#lines[@]}" 5
	assert_equal "${lines[0]}" "$f:2:31: error: unknown key 'moode' in network 'xenbr0'"
	assert_equal "${lines[1]}" "$f:6:19: error: network 'xenbr2' is not defined"
	assert_equal "${lines[2]}" "$f:7:32: error: ip 10.0.2.5 of vif 1 of domain 'web' is outside subnet 10.0.1.0/24 of network 'hostonly'"
	assert_equal "${lines[3]}" "$f:9:16: error: 'id' must be between 1 and 32751, not 0"
	assert_equal "${lines[4]}" "$f:9:45: error: MAC '01:00:5e:00:00:01' is a multicast address (the first octet is odd)"
}

@test "syntax errors and semantic errors together (netc recovers and goes on)" {
	f=$(topo mixed.netc <<'EOF2'
version 1;
network xenbr0 { uplink eth0 }
network xenbr1 { mode = bridge; }
domain web { vif { network xenbr9; } }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	run grep -cE '^[^ ]+: error: ' <<<"$stderr"
	assert_output 3
	run grep -E '^[^ ]+: error: ' <<<"$stderr"
	assert_line --index 0 --partial "$f:2:"
	assert_line --index 1 --partial "$f:3:"
	assert_line --index 2 "$f:4:28: error: network 'xenbr9' is not defined"
}

@test "diagnostics stop at 50 shown, saying how many more there are" {
	{
		echo "version: 1"
		echo "networks: { xenbr0: {} }"
		echo "domains:"
		for i in $(seq 1 60); do echo "  d$i: { vifs: [ { mac: bad } ] }"; done
	} > "$BATS_TEST_TMPDIR/many.yaml"
	run --separate-stderr "$NETC" --check "$BATS_TEST_TMPDIR/many.yaml"
	assert_equal "$status" 1
	run grep -cE '^[^ ]+: error: ' <<<"$stderr"
	assert_output 50
	assert_equal "${stderr_lines[${#stderr_lines[@]}-1]}" "netc: 10 more diagnostics not shown"
}

@test "hostile text in a message is quoted, never raw" {
	printf 'version: 1\nnetworks:\n  "a\\e[31mb\\nc": {}\n' > "$BATS_TEST_TMPDIR/esc.yaml"
	run --separate-stderr "$NETC" --check "$BATS_TEST_TMPDIR/esc.yaml"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "$BATS_TEST_TMPDIR/esc.yaml:3:3: error: network name 'a\\x1b[31mb\\nc' has a character outside [A-Za-z0-9_.-]"
	# no raw escape byte anywhere in what netc printed
	! grep -q $'\e' <<<"$stderr"
}

@test "a caret under a token after multi-byte characters lands on the token" {
	f=$(topo utf.yaml <<'EOF2'
version: 1
networks: { xenbr0: {} }
domains:
  web: { xl: { comment: "héhé" }, vifs: [ { network: nope } ] }
EOF2
)
	run --separate-stderr "$NETC" --check "$f"
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "$f:4:54: error: network 'nope' is not defined"
	assert_equal "${stderr_lines[2]}" "      | $(printf '%53s' '')^~~~"
}
