#!/usr/bin/env bats
# -t dot (docs/lab.md): Graphviz renders every sample without a warning; the
# classic sample's graph, checked by hand and kept as a golden file; each
# mode drawn its own way; quoting; --host; the pictures of docs/lab.md.

load helper
load lib/scaling

setup() {
	cd "$TOP"
}

# render FILE: dot -Tsvg; fails on any word on stderr.
render() {
	dot -Tsvg "$1" -o "$BATS_TEST_TMPDIR/out.svg" 2>"$BATS_TEST_TMPDIR/dot.err" ||
		{ cat "$BATS_TEST_TMPDIR/dot.err"; return 1; }
	[ ! -s "$BATS_TEST_TMPDIR/dot.err" ] || { cat "$BATS_TEST_TMPDIR/dot.err"; return 1; }
	grep -q '<svg' "$BATS_TEST_TMPDIR/out.svg"
}

@test "dot: Graphviz renders every sample (both syntaxes) and the docs' figures without a warning" {
	local f n=0
	for f in samples/*.yaml samples/*.netc docs/figure-*.yaml; do
		"$NETC" -q -t dot "$f" -o "$BATS_TEST_TMPDIR/g.dot"
		render "$BATS_TEST_TMPDIR/g.dot" || fail "$f: dot -Tsvg complained"
		n=$((n + 1))
	done
	[ "$n" -ge 16 ]
}

@test "dot: a test of the test: Graphviz's warnings do fail render" {
	echo 'graph { a -- b [bogus_attribute=1, style=nosuchstyle]; }' >"$BATS_TEST_TMPDIR/bad.dot"
	run render "$BATS_TEST_TMPDIR/bad.dot"
	assert_failure
}

@test "dot: classic matches the golden file (tests/golden.sh update dot regenerates it)" {
	run tests/golden.sh check dot
	assert_success
}

@test "dot classic: the structure, checked by hand" {
	run "$NETC" -t dot samples/classic.yaml
	assert_success
	# The implicit host is one dom0 cluster, each guest a cluster of its own.
	assert_line $'\tsubgraph "cluster_dom0_0" {'
	assert_line $'\t\tlabel="dom0"; style="rounded,filled"; fillcolor="#f5f5f5";'
	assert_line $'\tsubgraph "cluster_domain_0" {'
	assert_line $'\t\tlabel="web"; style="rounded,filled"; fillcolor="#ffffff";'
	assert_line $'\t\tlabel="backup"; style="rounded,filled"; fillcolor="#ffffff";'
	# Two physical networks, outside every cluster (one tab deep).
	assert_line $'\t"lan:0" [label="physical network\\n(dom0:eth0)", shape=ellipse, style=filled, fillcolor="#e0e0e0"];'
	assert_line $'\t"lan:1" [label="physical network\\n(dom0:eth1)", shape=ellipse, style=filled, fillcolor="#e0e0e0"];'
	# dom0: NICs, bridges, the backend vifs DOMAIN-DEVID.
	assert_line $'\t\t"nic:dom0:eth0" [label="eth0\\nphysical NIC", shape=box, style=filled, fillcolor="#d9d9d9"];'
	assert_line $'\t\t"br:dom0:xenbr0" [label="xenbr0\\nbridge", shape=box, style="filled,bold", fillcolor="#cfe2ff"];'
	assert_line $'\t\t"vif:dom0:backup-1" [label="backup-1", shape=box, style=rounded];'
	# The wires: LAN to NIC, NIC to its bridge, bridge to vif, and the
	# vif's crossover cable to the guest's ethN, labelled with the MAC.
	assert_line $'\t"lan:0" -- "nic:dom0:eth0" [penwidth=2];'
	assert_line $'\t"nic:dom0:eth1" -- "br:dom0:xenbr1" [label="uplink (port)"];'
	assert_line $'\t"br:dom0:xenbr0" -- "vif:dom0:mail-0";'
	assert_line $'\t"vif:dom0:mail-0" -- "eth:mail:eth0" [label="00:16:3e:00:00:11", penwidth=2];'
	assert_line $'\t"br:dom0:xenbr1" -- "vif:dom0:backup-1";'
	assert_line $'\t"vif:dom0:backup-1" -- "eth:backup:eth1" [label="00:16:3e:da:6d:61", penwidth=2];'
	# 2 LANs, 2 NICs, 2 bridges, 4 vifs, 4 ethN; 2 + 2 + 4 + 4 edges.
	[ "$(grep -v ' -- ' <<<"$output" | grep -c ' \[label=')" -eq 14 ]
	[ "$(grep -c ' -- ' <<<"$output")" -eq 12 ]
}

@test "dot: each mode its own way (nat through a NAT node, route through a route node, isolated dashed)" {
	run "$NETC" -t dot samples/nat.yaml
	assert_line --partial '"nat:xen1:natbr0" [label="NAT\nmasquerade 10.0.2.0/24", shape=octagon'
	assert_line $'\t"nic:xen1:eth0" -- "nat:xen1:natbr0" [label="out of eth0"];'
	assert_line $'\t"nat:xen1:natbr0" -- "br:xen1:natbr0";'
	assert_line --partial '"br:xen1:natbr0" [label="natbr0\nnat bridge\n10.0.2.1/24"'
	assert_line --regexp '"vif:xen1:build1-0" -- "eth:build1:eth0" \[label="00:16:3e:a7:97:aa\\n10\.0\.2\.21", penwidth=2\];'
	run "$NETC" -t dot samples/route.yaml
	refute_line --partial '"br:'
	assert_line --partial '"route:xen1:routed" [label="route\nrouted\nproxy ARP", shape=diamond'
	assert_line $'\t"nic:xen1:eth0" -- "route:xen1:routed" [label="gatewaydev eth0\\n203.0.113.10"];'
	assert_line $'\t"route:xen1:routed" -- "vif:xen1:www-0";'
	run "$NETC" -t dot samples/isolated.yaml
	assert_line --partial '"br:dom0:hostonly" [label="hostonly\nisolated bridge\n10.0.1.1/24", shape=box, style="filled,dashed"'
	run "$NETC" -t dot samples/bridge.yaml
	# dom0's address moves to the bridge: drawn there, not on the NIC's wire
	assert_line --partial '"br:xen1:xenbr0" [label="xenbr0\nbridge\n192.0.2.10/24 (eth0'"'"'s)"'
	assert_line $'\t"lan:0" -- "nic:xen1:eth0" [penwidth=2];'
	run "$NETC" -t dot samples/vlan-dhcp.yaml
	assert_line $'\t"nic:xen1:eth0" -- "vlan:xen1:eth0.10" [label="tagged"];'
	assert_line $'\t"vlan:xen1:eth0.10" -- "br:xen1:xenbr10" [label="port"];'
	assert_line --partial '[label="12:fa:a9:d8:62:7a\nDHCP", penwidth=2];'
	assert_line --partial 'label="tagged\nhvm";'
}

@test "dot multihost: a cluster per host, one LAN for both, the VXLAN tunnel between them" {
	run "$NETC" -t dot samples/multihost.yaml
	assert_line $'\tsubgraph "cluster_host_0" {'
	assert_line $'\t\tlabel="host xen1\\n192.0.2.11"; style=rounded; color="#808080";'
	assert_line $'\tsubgraph "cluster_host_1" {'
	assert_line $'\t"lan:0" -- "nic:xen1:eth0" [label="192.0.2.11/24", penwidth=2];'
	assert_line $'\t"lan:0" -- "nic:xen2:eth0" [label="192.0.2.12/24", penwidth=2];'
	assert_line $'\t"nic:xen1:eth0" -- "vxlan:xen1:vxlan100" [label="underlay", style=dashed];'
	assert_line $'\t"vxlan:xen1:vxlan100" -- "vxlan:xen2:vxlan100" [label="VXLAN tunnel, VNI 100", style=dashed, constraint=false];'
	[ "$(grep -c '"lan:[0-9]*" \[' <<<"$output")" -eq 1 ]
	run tests/golden.sh check dot
	assert_success
}

@test "dot --host: only that host of several is drawn" {
	run "$NETC" -t dot --host xen2 samples/multihost.yaml
	assert_success
	refute_line --partial 'xen1'
	assert_line --partial '"vxlan:xen2:vxlan100"'
	refute_line --partial 'VXLAN tunnel'
	"$NETC" -t dot --host xen2 samples/multihost.yaml -o "$BATS_TEST_TMPDIR/g.dot"
	render "$BATS_TEST_TMPDIR/g.dot"
}

@test "dot: names DOT would not take bare are quoted" {
	"$NETC" -q -t dot "$(topo q.yaml <<'EOF'
version: 1
networks:
  0br-x.y: { mode: isolated, address: 10.0.0.1/24 }
domains:
  1.web-a_b: { vifs: [ { ip: 10.0.0.2, name: v-7-0 } ] }
  graph: { vifs: [ { ip: 10.0.0.3 } ] }
EOF
)" -o "$BATS_TEST_TMPDIR/q.dot"
	render "$BATS_TEST_TMPDIR/q.dot"
	grep -qF '"br:dom0:0br-x.y" -- "vif:dom0:v-7-0";' "$BATS_TEST_TMPDIR/q.dot"
	grep -qF 'label="1.web-a_b"' "$BATS_TEST_TMPDIR/q.dot"
	grep -qF '"eth:graph:eth0" [label="eth0"' "$BATS_TEST_TMPDIR/q.dot"
}

@test "dot: the same bytes every time" {
	"$NETC" -t dot samples/multihost.yaml >"$BATS_TEST_TMPDIR/1"
	"$NETC" -t dot samples/multihost.yaml >"$BATS_TEST_TMPDIR/2"
	cmp "$BATS_TEST_TMPDIR/1" "$BATS_TEST_TMPDIR/2"
}

@test "docs: make docs's pictures exist for every sample and figure, are shown in docs/lab.md, and are current" {
	local p svg have
	have=$(dot -V 2>&1 | sed -n 's/.*version \([0-9.]*\).*/\1/p')
	for p in $(basename -s .yaml samples/*.yaml) figure-crossover figure-bridged; do
		[ -f "docs/$p.svg" ] || fail "docs/$p.svg is missing (make docs)"
		[ -f "docs/$p.png" ] || fail "docs/$p.png is missing (make docs)"
		grep -qF "($p.svg)" docs/lab.md || fail "docs/lab.md does not show $p.svg"
		# The same Graphviz draws the same SVG: then it must be current.
		grep -q "Generated by graphviz version $have " "docs/$p.svg" || continue
		if [ -f "samples/$p.yaml" ]; then
			"$NETC" -q -t dot "samples/$p.yaml" -o "$BATS_TEST_TMPDIR/p.dot"
		else
			"$NETC" -q -t dot "docs/$p.yaml" -o "$BATS_TEST_TMPDIR/p.dot"
		fi
		dot -Tsvg "$BATS_TEST_TMPDIR/p.dot" -o "$BATS_TEST_TMPDIR/p.svg"
		cmp -s "$BATS_TEST_TMPDIR/p.svg" "docs/$p.svg" || fail "docs/$p.svg is stale: run make docs"
	done
}

@test "dot: the work grows linearly with the guests" {
	# tests/scaling.bats measures dot on many networks; this, on many guests.
	require_scaling
	"$GENTOPO" yaml 250 >"$BATS_TEST_TMPDIR/s.yaml"
	"$GENTOPO" yaml 1000 >"$BATS_TEST_TMPDIR/l.yaml"
	assert_linear "$(instructions "$NETC" -q -t dot "$BATS_TEST_TMPDIR/s.yaml")" \
		"$(instructions "$NETC" -q -t dot "$BATS_TEST_TMPDIR/l.yaml")" "-t dot"
}
