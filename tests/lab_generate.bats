#!/usr/bin/env bats
# The lab script as text (-t lab, docs/lab.md), no root needed: the engine in
# step with its source, shellcheck, the records of the samples checked by
# hand, the host scripts embedded unchanged, the tag, the numbering of NICs
# without an address, usage.  lab_samples.bats and lab_verbs.bats run it.

load helper
load lib/scaling

setup() {
	cd "$TOP"
}

# The records of a lab script, without comments.
records() {
	"$NETC" -q -t lab "$@" | sed -n "/^lab_topology() {/,/^}/p" | sed '1,2d;$d' | sed '$d' | grep -v '^#'
}

@test "lab engine: every lab script carries backends/lab_engine.sh verbatim" {
	"$NETC" -q -t lab samples/nat.yaml -o "$BATS_TEST_TMPDIR/lab.sh"
	n=$(wc -l < backends/lab_engine.sh)
	# (its first line, a rule of '=', also starts the embedded host scripts'
	# engines: find its second)
	second=$(grep -n -m1 -F -x "$(sed -n 2p backends/lab_engine.sh)" "$BATS_TEST_TMPDIR/lab.sh" | cut -d: -f1)
	[ -n "$second" ]
	first=$((second - 1))
	sed -n "${first},$((first + n - 1))p" "$BATS_TEST_TMPDIR/lab.sh" | cmp - backends/lab_engine.sh
}

@test "lab: shellcheck -s sh is clean for every sample, both syntaxes, and the docs' figures" {
	local f n=0
	for f in samples/*.yaml samples/*.netc docs/figure-*.yaml; do
		"$NETC" -q -t lab "$f" -o "$BATS_TEST_TMPDIR/lab.sh"
		run shellcheck -s sh "$BATS_TEST_TMPDIR/lab.sh"
		[ "$status" -eq 0 ] || { echo "$f:"; echo "$output"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 16 ]
}

@test "lab route: the records, checked by hand" {
	# eth0 203.0.113.10/24: LAN 0 is 203.0.113.0/24 and holds its first
	# free address, .1, dom0's default gateway.  Routed vifs: vifD.N, /32,
	# gateway dom0's eth0 address (vif-route); www's ip list goes on: the
	# prefix vif-route routes to it too.
	run records samples/route.yaml
	assert_output - <<'EOF'
ns lan 0
ns dom0 xen1
ns domu www
ns domu smtp
lan 0 203.0.113.1/24 xen1:eth0
nic xen1 eth0 0 p0 203.0.113.10/24 203.0.113.1
host xen1 1
vif www 0 xen1 www-0 route eth0 00:16:3e:e2:69:00 - 203.0.113.21/32 203.0.113.10 1 - 198.51.100.0/28
vif smtp 0 xen1 smtp-0 route eth0 00:16:3e:90:b1:f6 - 203.0.113.22/32 203.0.113.10 1 -
row ping dom0 xen1 - dom0(xen1) lan(xen1:eth0) 203.0.113.1 reach dom0's NIC on the LAN
row ping domu www eth0 www:eth0 dom0(xen1) 203.0.113.10 reach its gateway: dom0's eth0 (vif-route)
row ping domu www eth0 www:eth0 smtp:eth0 203.0.113.22 reach same network routed
row ping lan 0 - lan(xen1:eth0) www:eth0 203.0.113.21 reach route routed: dom0 proxy-ARPs on eth0
row ping domu smtp eth0 smtp:eth0 dom0(xen1) 203.0.113.10 reach its gateway: dom0's eth0 (vif-route)
row ping lan 0 - lan(xen1:eth0) smtp:eth0 203.0.113.22 reach route routed: dom0 proxy-ARPs on eth0
EOF
}

@test "lab classic: NICs without an address get /28s of 192.0.2.0/24, dom0 .10, the LAN .1" {
	run records samples/classic.yaml
	assert_output - <<'EOF'
ns lan 0
ns lan 1
ns dom0 dom0
ns domu web
ns domu mail
ns domu backup
lan 0 192.0.2.1/28 dom0:eth0
lan 1 192.0.2.17/28 dom0:eth1
nic dom0 eth0 0 p0 192.0.2.10/28 192.0.2.1
nic dom0 eth1 1 p0 192.0.2.26/28 -
host dom0 1
vif web 0 dom0 web-0 bridge xenbr0 00:16:3e:8a:17:d4 - - - 0 -
vif mail 0 dom0 mail-0 bridge xenbr0 00:16:3e:00:00:11 - - - 0 -
vif backup 0 dom0 backup-0 bridge xenbr0 00:16:3e:a3:e7:f3 - - - 0 -
vif backup 1 dom0 backup-1 bridge xenbr1 00:16:3e:da:6d:61 - - - 0 -
row ping dom0 dom0 - dom0(dom0) lan(dom0:eth0) 192.0.2.1 reach dom0's NIC on the LAN
row ping dom0 dom0 - dom0(dom0) lan(dom0:eth1) 192.0.2.17 reach dom0's NIC on the LAN
row skip web:eth0 - no ip: nothing to ping (on xenbr0)
row skip mail:eth0 - no ip: nothing to ping (on xenbr0)
row skip backup:eth0 - no ip: nothing to ping (on xenbr0)
row skip backup:eth1 - no ip: nothing to ping (on xenbr1)
EOF
}

@test "lab multihost: hosts on one subnet share a LAN; the LAN has a route to the isolated subnet" {
	run records samples/multihost.yaml
	assert_output - <<'EOF'
ns lan 0
ns dom0 xen1
ns dom0 xen2
ns domu app1
ns domu app2
lan 0 192.0.2.1/24 xen1:eth0
nic xen1 eth0 0 p0 192.0.2.11/24 192.0.2.1
nic xen2 eth0 0 p1 192.0.2.12/24 192.0.2.1
lanroute 0 10.20.0.0/24 192.0.2.11
host xen1 1
host xen2 2
vif app1 0 xen1 app1-ov bridge overlay 00:16:3e:eb:11:2d - 10.10.0.21/24 - 0 -
vif app1 1 xen1 app1-1 bridge dmz 00:16:3e:b2:bd:bc - 10.20.0.21/24 10.20.0.1 1 -
vif app2 0 xen2 app2-0 bridge overlay 00:16:3e:b0:61:e3 - 10.10.0.22/24 - 0 -
row ping dom0 xen1 - dom0(xen1) lan(xen1:eth0) 192.0.2.1 reach dom0's NIC on the LAN
row ping dom0 xen2 - dom0(xen2) lan(xen1:eth0) 192.0.2.1 reach dom0's NIC on the LAN
row ping domu app1 eth0 app1:eth0 app2:eth0 10.10.0.22 reach same network overlay, across hosts over VXLAN
row ping domu app1 eth1 app1:eth1 dom0(xen1) 10.20.0.1 reach its gateway: dom0 on dmz (isolated)
row ping domu app1 eth1 app1:eth1 lan(xen1:eth0) 192.0.2.1 blocked isolated dmz: nothing leaves
row ping lan 0 - lan(xen1:eth0) app1:eth1 10.20.0.21 blocked isolated dmz: nothing comes in
EOF
}

@test "lab vlan-dhcp: a VLAN of the LAN, DHCP rows for the static lease and the range, the default route on one vif" {
	run records samples/vlan-dhcp.yaml
	assert_line "vlan 0 10 -"
	assert_line "vif tagged 0 xen1 tagged-0 bridge xenbr10 d2:5d:96:10:4e:7d - - - 0 -"
	assert_line "vif client 0 xen1 client-0 bridge lab0 6e:b3:cf:84:ee:c1 - 10.0.3.50/24 10.0.3.1 1 -"
	assert_line "vif client 1 xen1 client-1 bridge lab0 12:fa:a9:d8:62:7a 1400 - 10.0.3.1 0 24"
	assert_line "lanroute 0 10.0.3.0/24 192.0.2.10"
	assert_line "row lease client 0 client:eth0 10.0.3.50 static lease on lab0"
	assert_line "row lease client 1 client:eth1 10.0.3.100-10.0.3.199 an address from the range of lab0"
	assert_line "row ping lan 0 - lan(xen1:eth0) client:eth1 @client:1 blocked nat lab0: the LAN never reaches in"
	assert_line "row skip client:eth1 lan(xen1:eth0) not the guest's default route (that is another vif)"
}

@test "lab: VLAN segments in the order guests first reach them, through a route's gatewaydev too; none unused" {
	# Declared 30, 20, 40, 50; reached by g1 (20), g2 through rt's gateway
	# vc (40), g3 (30); nobody is on vd (50).  vc's dom0 holds 10.40.0.1,
	# so the LAN side of VLAN 40 takes the next free address, .2, and g3's
	# vif on vc, on that subnet, goes out through it.
	cat >"$BATS_TEST_TMPDIR/vlans.yaml" <<'EOF'
version: 1
hosts:
  xen1:
    nics:
      eth0: 192.0.2.10/24
networks:
  va: { mode: bridge, uplink: eth0, vlan: 30 }
  vb: { mode: bridge, uplink: eth0, vlan: 20 }
  vc: { mode: bridge, uplink: eth0, vlan: 40, address: 10.40.0.1/24 }
  vd: { mode: bridge, uplink: eth0, vlan: 50 }
  rt: { mode: route, gatewaydev: vc }
domains:
  g1:
    vifs: [ { network: vb } ]
  g2:
    vifs: [ { network: rt, ip: 203.0.113.5 } ]
  g3:
    vifs: [ { network: va }, { network: vc, ip: 10.40.0.7 } ]
EOF
	run records "$BATS_TEST_TMPDIR/vlans.yaml"
	assert_success
	[ "$(printf '%s\n' "$output" | grep '^vlan ')" = "vlan 0 20 -
vlan 0 40 10.40.0.2/24
vlan 0 30 -" ]
	assert_line --regexp '^vif g2 0 xen1 [a-z0-9-]+ route vc [0-9a-f:]+ - 203\.0\.113\.5/32 10\.40\.0\.1 1 -$'
	assert_line --regexp '^vif g3 1 xen1 [a-z0-9-]+ bridge vc [0-9a-f:]+ - 10\.40\.0\.7/24 10\.40\.0\.2 1 -$'
	assert_line "row ping lan 0 - lan(xen1:eth0) g3:eth1 10.40.0.7 reach bridge vc: on VLAN 40 of the LAN through eth0"
}

@test "lab: each host's script is embedded exactly as -t sh --host writes it" {
	local h i=0
	"$NETC" -q -t lab samples/multihost.yaml -o "$BATS_TEST_TMPDIR/lab.sh"
	for h in xen1 xen2; do
		i=$((i + 1))
		"$NETC" -q -t sh --host "$h" samples/multihost.yaml -o "$BATS_TEST_TMPDIR/$h.sh"
		awk -v i="$i" '$0 == "\t" i ")" { on = 1; next }
			on && /^\t\tcat <</ { copy = 1; next }
			copy && $0 == "NETC_LAB_HOST_SCRIPT" { exit }
			copy { print }' "$BATS_TEST_TMPDIR/lab.sh" >"$BATS_TEST_TMPDIR/$h.embedded"
		cmp "$BATS_TEST_TMPDIR/$h.sh" "$BATS_TEST_TMPDIR/$h.embedded"
	done
}

@test "lab: the tag comes from the lab itself: the same in both syntaxes, another for another topology" {
	local a b c
	a=$("$NETC" -q -t lab samples/nat.yaml | sed -n 's/^LAB_DEFAULT_TAG=//p')
	b=$("$NETC" -q -t lab samples/nat.netc | sed -n 's/^LAB_DEFAULT_TAG=//p')
	c=$("$NETC" -q -t lab samples/route.yaml | sed -n 's/^LAB_DEFAULT_TAG=//p')
	[[ $a =~ ^[0-9a-f]{6}$ ]]
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
}

@test "lab: NICs without an address take the /24 of the guests routed or bridged through them, else a free /28" {
	# 192.0.2.0/28 is the isolated network's: the first block is skipped.
	# eth1 carries a routed guest in 203.0.113.0/24: it gets that /24.
	run records "$(topo n.yaml <<'EOF'
version: 1
networks:
  host: { mode: isolated, address: 192.0.2.1/28 }
  wan: { uplink: eth0 }
  routed: { mode: route, gatewaydev: eth1 }
domains:
  a: { vifs: [ { network: host, ip: 192.0.2.2 }, { network: wan } ] }
  b: { vifs: [ { network: routed, ip: 203.0.113.7 } ] }
EOF
)"
	assert_line "lan 0 192.0.2.17/28 dom0:eth0"
	assert_line "nic dom0 eth0 0 p0 192.0.2.26/28 192.0.2.17"
	assert_line "lan 1 203.0.113.1/24 dom0:eth1"
	assert_line "nic dom0 eth1 1 p0 203.0.113.10/24 -"
	assert_line "row ping lan 1 - lan(dom0:eth1) b:eth0 203.0.113.7 reach route routed: dom0 proxy-ARPs on eth1"
}

@test "lab: the LAN's address is the first of its subnet that no guest or NIC holds" {
	# .1 and .2 are guests', .3 the NIC's: the LAN side takes .4.
	run records "$(topo n.yaml <<'EOF'
version: 1
hosts:
  xen1: { nics: { eth0: 192.168.1.3/24 } }
networks:
  lan: { uplink: eth0 }
domains:
  a: { vifs: [ { network: lan, ip: 192.168.1.1 } ] }
  b: { vifs: [ { network: lan, ip: 192.168.1.2 } ] }
EOF
)"
	assert_line "lan 0 192.168.1.4/24 xen1:eth0"
	assert_line "nic xen1 eth0 0 p0 192.168.1.3/24 192.168.1.4"
}

@test "lab: more NICs without an address than 48 /28s: exit 1, a message, no script" {
	local f i
	f="$BATS_TEST_TMPDIR/many.yaml"
	{
		echo "version: 1"
		echo "networks:"
		for i in $(seq 0 48); do echo "  br$i: { uplink: eth$i }"; done
		echo "domains:"
		echo "  d: { vifs: [ { network: br0 } ] }"
	} >"$f"
	run --separate-stderr "$NETC" -q -t lab "$f" -o "$BATS_TEST_TMPDIR/lab.sh"
	assert_failure 1
	assert_equal "$(first_stderr_line)" "netc: -t lab: more NICs without an address than the lab can number (48 /28 blocks of 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 that the topology leaves free); give NIC 'eth48' of host 'dom0' an address (hosts: dom0: nics:)"
	[ ! -e "$BATS_TEST_TMPDIR/lab.sh" ]
}

@test "lab: an IPv6 NIC: the LAN's address is ::1 of its /64, dom0's default route IPv6; no IPv4 rows to it" {
	run records "$(topo v6.yaml <<'EOF'
version: 1
hosts:
  h: { nics: { eth0: 2001:db8::10/64 } }
networks:
  xenbr0: { uplink: eth0 }
  hostonly: { mode: isolated, address: 10.1.0.1/24 }
domains:
  g: { vifs: [ { network: xenbr0 }, { network: hostonly, ip: 10.1.0.2 } ] }
EOF
)"
	assert_line "lan 0 2001:db8::1/64 h:eth0"
	assert_line "nic h eth0 0 p0 2001:db8::10/64 2001:db8::1"
	assert_line "row ping dom0 h - dom0(h) lan(h:eth0) 2001:db8::1 reach dom0's NIC on the LAN"
	refute_line --partial "blocked"
	refute_line --partial "lanroute"
}

@test "lab: a topology of several hosts takes no --host" {
	run --separate-stderr "$NETC" -t lab --host xen1 samples/multihost.yaml
	assert_failure 2
	assert_equal "$(first_stderr_line)" "netc: -t lab builds every host of the topology; it takes no --host"
	run "$NETC" -q -t lab --host xen1 samples/nat.yaml
	assert_success
}

@test "lab script: usage, help and a bad tag need no root" {
	"$NETC" -q -t lab samples/nat.yaml -o "$BATS_TEST_TMPDIR/lab.sh"
	run sh "$BATS_TEST_TMPDIR/lab.sh"
	assert_failure 2
	assert_line --index 0 "usage: lab.sh up|down|status|check|exec NAME [CMD...]"
	run sh "$BATS_TEST_TMPDIR/lab.sh" up now
	assert_failure 2
	run sh "$BATS_TEST_TMPDIR/lab.sh" --help
	assert_success
	assert_line --index 0 "usage: lab.sh up|down|status|check|exec NAME [CMD...]"
	run env NETC_LAB_TAG=Bad-Tag sh "$BATS_TEST_TMPDIR/lab.sh" status
	assert_failure 2
	assert_output "lab.sh: NETC_LAB_TAG 'Bad-Tag': a tag is 1 to 12 characters from [a-z0-9]"
	run env NETC_LAB_TAG=abcdefghijklm sh "$BATS_TEST_TMPDIR/lab.sh" status
	assert_failure 2
}

@test "lab script: not root: exit 3 before anything is made" {
	local run_as=()
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to drop root"
		run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	# somewhere the other user can read (bats' own directory is private)
	local d
	d=$(mktemp -d /tmp/netc-lab-test.XXXXXX)
	chmod 755 "$d"
	"$NETC" -q -t lab samples/nat.yaml -o "$d/lab.sh"
	for verb in up down check status exec; do
		run "${run_as[@]}" env NETC_LAB_TAG=nonroot sh "$d/lab.sh" "$verb" $([ "$verb" != exec ] || echo build1)
		assert_failure 3
		assert_output "lab.sh: $verb needs root (network namespaces); this is uid $("${run_as[@]}" id -u)"
	done
	rm -rf "$d"
}

@test "lab: a hostile file name reaches the script as a harmless label" {
	local f="$BATS_TEST_TMPDIR/a'b\$(x).yaml"
	cp samples/nat.yaml "$f"
	"$NETC" -q -t lab "$f" -o "$BATS_TEST_TMPDIR/lab.sh"
	run shellcheck -s sh "$BATS_TEST_TMPDIR/lab.sh"
	assert_success
	run grep -c "a'b" "$BATS_TEST_TMPDIR/lab.sh"
	assert_output 0
	grep -q "^# Lab of .*/a?b??x?.yaml, generated by netc" "$BATS_TEST_TMPDIR/lab.sh"
}

@test "lab: every pair on a network of up to 8 guests; on a bigger one each guest and the next" {
	local f n
	for n in 8 9; do
		f="$BATS_TEST_TMPDIR/g$n.yaml"
		{
			echo "version: 1"
			echo "networks: { hostonly: { mode: isolated, address: 10.0.0.1/24 } }"
			echo "domains:"
			for i in $(seq 1 "$n"); do echo "  g$i: { vifs: [ { ip: 10.0.0.$((i + 1)) } ] }"; done
		} >"$f"
		run records "$f"
		if [ "$n" = 8 ]; then
			[ "$(grep -c 'same network hostonly$' <<<"$output")" -eq 28 ]   # 8 * 7 / 2
			assert_line "row ping domu g1 eth0 g1:eth0 g8:eth0 10.0.0.9 reach same network hostonly"
		else
			[ "$(grep -c 'same network hostonly$' <<<"$output")" -eq 8 ]    # g1-g2, ..., g8-g9
			assert_line "row ping domu g8 eth0 g8:eth0 g9:eth0 10.0.0.10 reach same network hostonly"
			refute_line --partial "g1:eth0 g3:eth0"
		fi
	done
}

@test "lab: the compiler's work grows linearly with the guests and with the networks" {
	# As tests/scaling.bats measures the other targets: callgrind's
	# instruction count at two sizes four times apart grows at most 10 times
	# (a quadratic pass, such as pinging every pair on a big network, grows 16).
	require_scaling
	"$GENTOPO" yaml 250 >"$BATS_TEST_TMPDIR/s.yaml"
	"$GENTOPO" yaml 1000 >"$BATS_TEST_TMPDIR/l.yaml"
	"$GENTOPO" yaml --bridges 250 >"$BATS_TEST_TMPDIR/sb.yaml"
	"$GENTOPO" yaml --bridges 1000 >"$BATS_TEST_TMPDIR/lb.yaml"
	for pair in "s l" "sb lb"; do
		set -- $pair
		assert_linear "$(instructions "$NETC" -q -t lab "$BATS_TEST_TMPDIR/$1.yaml")" \
			"$(instructions "$NETC" -q -t lab "$BATS_TEST_TMPDIR/$2.yaml")" "lab $1 -> $2"
	done
}
