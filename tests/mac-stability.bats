#!/usr/bin/env bats
# Derived MACs depend only on (domain name, devid) (docs/language.md): reordering,
# adding or removing other domains, and converting between the syntaxes
# never change an existing vif's MAC.  Read from -t vif output.

load helper

bats_require_minimum_version 1.5.0

XLCHECK="$TOP/tests/xlcheck"

setup() {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
}

# "DOMAIN DEVID MAC" for every vif of a topology, sorted.
vif_macs() {
	local out
	out=$(mktemp "$BATS_TEST_TMPDIR/vif.XXXXXX")
	"$NETC" -q -t vif "$@" > "$out" || fail "netc -t vif $* failed"
	awk -F"'" '{
			name = substr($1, 1, index($1, ":") - 1); n = 0
			for (i = 2; i <= NF; i += 2) {
				m = $i
				if (m !~ /^mac=/) m = "none"
				sub(/^mac=/, "", m); sub(/,.*/, "", m)
				print name, n++, m
			}
		}' "$out" | sort
}

# A base topology of domains with one to three vifs, on three networks, some
# with ids, one with an explicit MAC.
base() {
	cat <<-'EOF'
	version: 1
	defaults: { network: xenbr0 }
	networks:
	  xenbr0: {}
	  hostonly: { mode: isolated, address: 10.0.1.1/24 }
	  routed: { mode: route, gatewaydev: eth1 }
	domains:
	  alpha:
	    vifs: [ {}, { network: hostonly, ip: 10.0.1.10 } ]
	  bravo:
	    id: 2
	    vifs: [ { mac: 00:16:3e:00:00:02 }, {} ]
	  charlie:
	    vifs: [ {}, { network: routed, ip: 203.0.113.5 }, { network: hostonly } ]
	  delta:
	    vifs: [ {} ]
	EOF
}

@test "mac: derived MACs are 00:16:3e + the first 3 bytes of sha256(\"netc-mac\\0\" name \"\\0\" devid)" {
	local t d
	t=$(base | topo base.yaml)
	vif_macs "$t" > "$BATS_TEST_TMPDIR/got"
	for d in alpha:0 alpha:1 charlie:0 charlie:1 charlie:2 delta:0 bravo:1; do
		printf '%s %s 00:16:3e:%s\n' "${d%:*}" "${d#*:}" "$(printf 'netc-mac\0%s\0%s' "${d%:*}" "${d#*:}" |
			sha256sum | sed -E 's/^(..)(..)(..).*/\1:\2:\3/')"
	done > "$BATS_TEST_TMPDIR/want"
	echo "bravo 0 00:16:3e:00:00:02" >> "$BATS_TEST_TMPDIR/want"
	sort -o "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/want"
	run diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/got")" 8
}

@test "mac: reordering domains changes no MAC" {
	local t r
	t=$(base | topo base.yaml)
	# The same domains, last first.
	r=$(topo reversed.yaml <<-'EOF'
	version: 1
	defaults: { network: xenbr0 }
	networks:
	  routed: { mode: route, gatewaydev: eth1 }
	  hostonly: { mode: isolated, address: 10.0.1.1/24 }
	  xenbr0: {}
	domains:
	  delta:
	    vifs: [ {} ]
	  charlie:
	    vifs: [ {}, { network: routed, ip: 203.0.113.5 }, { network: hostonly } ]
	  bravo:
	    id: 2
	    vifs: [ { mac: 00:16:3e:00:00:02 }, {} ]
	  alpha:
	    vifs: [ {}, { network: hostonly, ip: 10.0.1.10 } ]
	EOF
	)
	vif_macs "$t" > "$BATS_TEST_TMPDIR/a"
	vif_macs "$r" > "$BATS_TEST_TMPDIR/b"
	run diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
	# The order of the output follows the topology, the values do not.
	run "$NETC" -q -t vif "$r"
	assert_line --index 0 --partial "delta: "
}

@test "mac: adding and removing other domains changes no existing MAC" {
	local t big small i
	t=$(base | topo base.yaml)
	vif_macs "$t" > "$BATS_TEST_TMPDIR/base"
	# 300 more domains before and after, delta removed.
	{
		base | sed '/^  delta:/,$d' | sed '/^domains:/q'
		for i in $(seq 1 150); do echo "  new$i: { vifs: [ {}, {} ] }"; done
		base | sed -n '/^  alpha:/,/^  delta:/p' | sed '$d'
		for i in $(seq 151 300); do echo "  new$i: { vifs: [ {} ] }"; done
	} > "$BATS_TEST_TMPDIR/big.yaml"
	big="$BATS_TEST_TMPDIR/big.yaml"
	"$NETC" -q --check "$big" || fail "big.yaml does not compile"
	vif_macs "$big" > "$BATS_TEST_TMPDIR/big"
	assert_equal "$(grep -c '^new' "$BATS_TEST_TMPDIR/big")" 450
	# Every old vif but delta's keeps its MAC.
	grep -v '^delta ' "$BATS_TEST_TMPDIR/base" > "$BATS_TEST_TMPDIR/kept"
	run comm -23 "$BATS_TEST_TMPDIR/kept" "$BATS_TEST_TMPDIR/big"
	assert_output ""
	# And removing the new ones again gives the base back, delta aside.
	small=$(base | sed '/^  delta:/,$d' | topo small.yaml)
	vif_macs "$small" > "$BATS_TEST_TMPDIR/small"
	run diff "$BATS_TEST_TMPDIR/kept" "$BATS_TEST_TMPDIR/small"
	assert_success
}

@test "mac: converting between YAML and netc syntax changes no MAC (nor anything else)" {
	local t
	skip_under_valgrind "both printers and readers again; samples.bats runs them on every sample under valgrind"
	t=$(base | topo base.yaml)
	"$NETC" -q -t netc "$t" > "$BATS_TEST_TMPDIR/base.netc"
	"$NETC" -q -t yaml "$BATS_TEST_TMPDIR/base.netc" > "$BATS_TEST_TMPDIR/again.yaml"
	"$NETC" -q -t vif "$t" > "$BATS_TEST_TMPDIR/a"
	"$NETC" -q -t vif "$BATS_TEST_TMPDIR/base.netc" > "$BATS_TEST_TMPDIR/b"
	"$NETC" -q -t vif "$BATS_TEST_TMPDIR/again.yaml" > "$BATS_TEST_TMPDIR/c"
	run diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
	run diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
	assert_success
	# The samples too.
	local s
	for s in "$TOP"/samples/*.yaml; do
		"$NETC" -q -t netc "$s" > "$BATS_TEST_TMPDIR/s.netc"
		diff <(vif_macs "$s") <(vif_macs "$BATS_TEST_TMPDIR/s.netc") || fail "$s"
		diff <(vif_macs "$s") <(vif_macs "${s%.yaml}.netc") || fail "$s vs its .netc"
	done
}

@test "mac: a vif keeps its MAC when it moves network, gains an ip, or vifs are added after it" {
	local t m
	t=$(base | topo base.yaml)
	m=$(base | sed 's/^    vifs: \[ {} \]$/    vifs: [ { network: hostonly, ip: 10.0.1.44 }, {}, {} ]/' | topo moved.yaml)
	grep -q '10.0.1.44' "$m" || fail "the edit did not apply"
	vif_macs "$t" | grep '^delta ' > "$BATS_TEST_TMPDIR/a"
	vif_macs "$m" | grep '^delta 0 ' > "$BATS_TEST_TMPDIR/b"
	run diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
}

@test "mac: a derived MAC that an explicit one takes moves, with a warning naming both vifs" {
	local t
	# 00:16:3e:6b:5c:1e is web's derived MAC (devid 0); give it to mail.
	t=$(topo clash.yaml <<-'EOF'
	version: 1
	networks:
	  xenbr0: {}
	domains:
	  web:
	    vifs: [ {} ]
	  mail:
	    vifs: [ { mac: 00:16:3e:6b:5c:1e } ]
	EOF
	)
	run --separate-stderr "$NETC" -t vif "$t"
	assert_success
	# web's next candidate: sha256("netc-mac\0web\0" "0/1").
	local next
	next=$(printf 'netc-mac\0web\0000/1' | sha256sum | sed -E 's/^(..)(..)(..).*/00:16:3e:\1:\2:\3/')
	assert_line --index 0 --partial "web: vif = [ 'mac=$next,"
	assert_line --index 1 --partial "mail: vif = [ 'mac=00:16:3e:6b:5c:1e,"
	assert_equal "$(first_stderr_line)" \
		"$t:6:13: warning: derived MAC 00:16:3e:6b:5c:1e of vif 0 of domain 'web' collides with vif 0 of domain 'mail'; using $next [-Wmac-collision]"
	[[ "$stderr" == *"note: vif 0 of domain 'mail' has MAC 00:16:3e:6b:5c:1e"* ]] ||
		fail "no note naming mail: $stderr"
}
