#!/usr/bin/env bats
# Xen's own parser over everything: every sample and every test topology
# compiles to domU files that tests/xlcheck (libxlutil + xl 4.17's
# parse_nic_config rules) accepts.  And xlcheck itself rejects what xl would
# reject, so a pass means something.

load helper

bats_require_minimum_version 1.5.0

XLCHECK="$TOP/tests/xlcheck"

setup() {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
	OUT="$BATS_TEST_TMPDIR/out"
}

# check_topology FILE: compile it to xl files and vif lines; xlcheck must
# accept them all.  A topology that does not compile is not ours to check.
check_topology() {
	local t=$1 opts=""
	"$NETC" -q --check "$t" 2>/dev/null || return 0
	grep -Eq 'mac:? +random' "$t" && opts=--allow-random
	rm -rf "$OUT"
	"$NETC" -q -t xl "$t" -o "$OUT" || fail "$t: -t xl failed"
	if compgen -G "$OUT/*.cfg" > /dev/null; then
		"$XLCHECK" $opts "$OUT"/*.cfg || fail "$t: xlcheck rejects its xl files"
	fi
	"$NETC" -q -t vif "$t" > "$OUT.vif" || fail "$t: -t vif failed"
	if [ -s "$OUT.vif" ]; then
		"$XLCHECK" $opts --vif-lines "$OUT.vif" || fail "$t: xlcheck rejects its vif lines"
	fi
	checked=$((checked + 1))
}

@test "xlcheck: every sample, in both syntaxes" {
	local t checked=0
	for t in "$TOP"/samples/*.yaml "$TOP"/samples/*.netc; do
		check_topology "$t"
	done
	[ "$checked" -ge 12 ] || fail "only $checked samples checked"
}

@test "xlcheck: every test topology that compiles" {
	local t checked=0
	while IFS= read -r t; do
		check_topology "$t"
	done < <(find "$TOP/tests" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.netc' \) | sort | valgrind_thin 4)
	[ "$checked" -ge 4 ] || fail "only $checked test topologies checked"
}

# ---- xlcheck rejects what it must ----

# reject TEXT MESSAGE [OPTIONS]: a file NAME.cfg holding TEXT is rejected
# with MESSAGE among the output.
reject() {
	local f="$BATS_TEST_TMPDIR/t.cfg"
	printf '%s\n' "$1" > "$f"
	run "$XLCHECK" ${3:-} "$f"
	assert_failure 1
	assert_output --partial "$2"
}

GOOD_VIF="'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=web-0'"

@test "xlcheck: accepts a good file" {
	printf 'name = "t"\ntype = "pv"\nvif = [ %s ]\n' "$GOOD_VIF" > "$BATS_TEST_TMPDIR/t.cfg"
	run "$XLCHECK" "$BATS_TEST_TMPDIR/t.cfg"
	assert_success
	assert_output ""
}

@test "xlcheck: libxlutil's parse errors, with file and line" {
	reject 'name = "t"
type = "pv"
Memory = 1' "t.cfg:3: config parsing error near \`Memory': lexical error"
	reject 'name = "t"
extra = "a
b"' "t.cfg:2: config parsing error"
	reject 'name = "t"
x = "\x41"' "invalid digit after backslash hex"
	reject 'name = "t"
n = -1' "lexical error"
}

@test "xlcheck: name, type and builder" {
	reject "type = \"pv\"
vif = [ $GOOD_VIF ]" "t.cfg: no name"
	reject "name = \"other\"
type = \"pv\"
vif = [ $GOOD_VIF ]" 'name "other" does not match the file name'
	reject "name = \"t\"
type = \"pvm\"
vif = [ $GOOD_VIF ]" 'type must be "pv", "pvh" or "hvm"'
	reject "name = \"t\"
type = \"hvm\"
builder = \"hvm\"
vif = [ $GOOD_VIF ]" "builder is deprecated"
	reject "name = \"t\"
type = \"pv\"
memory = 1
memory = 2
vif = [ $GOOD_VIF ]" "t.cfg:4: key 'memory' is set twice"
}

# reject_vif SPEC MESSAGE [OPTIONS]: a file whose one vif is SPEC.
reject_vif() {
	reject "name = \"t\"
type = \"${TYPE:-pv}\"
vif = [ '$1' ]" "t.cfg: vif 0: $2" "${3:-}"
}

@test "xlcheck: keys parse_nic_config does not know, or that netc never writes" {
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,colour=red' "'colour=red': xl says unrecognized argument"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,dhcp' "'dhcp': xl says unrecognized argument"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,accel=x' "key 'accel': xl knows it, netc never writes it"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,trusted' "flag 'trusted': xl knows it, netc never writes it"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,bridge=xenbr1,vifname=v' "key 'bridge' appears twice"
	reject_vif 'mac=00:16:3e:00:00:01, bridge=xenbr0,vifname=v' "spaces or empty items in"
	reject_vif 'mac=00:16:3e:00:00:01,,bridge=xenbr0,vifname=v' "spaces or empty items in"
	reject_vif '' "empty vif spec"
}

@test "xlcheck: value rules" {
	reject_vif 'mac=00:16:3e:00:00,bridge=xenbr0,vifname=v' "mac '00:16:3e:00:00': fewer than six octets"
	reject_vif 'mac=00:16:3e:00:00:zz,bridge=xenbr0,vifname=v' "mac '00:16:3e:00:00:zz': xl rejects it"
	reject_vif 'mac=00:16:3E:00:00:01,bridge=xenbr0,vifname=v' "mac '00:16:3E:00:00:01': not six lowercase"
	reject_vif 'mac=01:16:3e:00:00:01,bridge=xenbr0,vifname=v' "mac '01:16:3e:00:00:01': multicast"
	reject_vif 'mac=00:00:00:00:00:00,bridge=xenbr0,vifname=v' "mac '00:00:00:00:00:00': all zeros"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,type=pv' "type 'pv': xl takes vif or ioemu"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,rate=10Mb' "rate '10Mb': xlu_vif_parse_rate rejects it"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,rate=0Mb/s' "rate '0Mb/s': xlu_vif_parse_rate rejects it"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,rate=010Mb/s' "rate '010Mb/s': xl reads a number with a leading 0 as octal"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,mtu=67' "mtu '67': not a number in 68-65535"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,mtu=1500x' "mtu '1500x'"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,ip=10.0.0.1/24' "ip '10.0.0.1/24': not one IPv4 address"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=abcdefghijklmnop' "vifname 'abcdefghijklmnop'"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=a.b.c' "vifname 'a.b.c': a '.' (Xen's set_mtu splits the name there)"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=vif3.0' "vifname 'vif3.0': Xen's own name for another domain's vif"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xen$br0,vifname=v' "bridge 'xen\$br0': not an interface name"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,script=a;b' "script 'a;b'"
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=v,mtu=' "key 'mtu' has an empty value"
	TYPE=hvm reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0,vifname=abcdefghijkl' "vifname 'abcdefghijkl': not an interface name of at most 11 bytes (hvm: xl appends -emu)"
}

@test "xlcheck: netc's invariants" {
	reject_vif 'bridge=xenbr0,vifname=v' "no mac= (netc writes one for every vif but mac: random)"
	reject_vif 'mac=00:16:3e:00:00:01,vifname=v' "needs exactly one of bridge= and gatewaydev="
	reject_vif 'mac=00:16:3e:00:00:01,bridge=b,script=vif-route,ip=10.0.0.1,gatewaydev=eth0,vifname=v' "needs exactly one of bridge= and gatewaydev="
	reject_vif 'mac=00:16:3e:00:00:01,ip=10.0.0.1,gatewaydev=eth0,vifname=v' "a routed vif needs script= and ip= with gatewaydev="
	reject_vif 'mac=00:16:3e:00:00:01,script=vif-route,gatewaydev=eth0,vifname=v' "a routed vif needs script= and ip= with gatewaydev="
	reject_vif 'mac=00:16:3e:00:00:01,bridge=xenbr0' "no vifname= (netc names every backend)"
	# --allow-random lifts only the mac= rule.
	printf "name = \"t\"\ntype = \"pv\"\nvif = [ 'bridge=xenbr0,vifname=v' ]\n" > "$BATS_TEST_TMPDIR/t.cfg"
	run "$XLCHECK" --allow-random "$BATS_TEST_TMPDIR/t.cfg"
	assert_success
}

@test "xlcheck: --vif-lines and --fragment" {
	printf "a: vif = [ %s ]\nb: vif = [ 'bridge=xenbr0' ]\n" "$GOOD_VIF" > "$BATS_TEST_TMPDIR/v"
	run "$XLCHECK" --vif-lines "$BATS_TEST_TMPDIR/v"
	assert_failure 1
	assert_output --partial "v:2: vif 0: no mac="
	refute_output --partial "v:1:"
	printf 'a vif = [ ]\n' > "$BATS_TEST_TMPDIR/v"
	run "$XLCHECK" --vif-lines "$BATS_TEST_TMPDIR/v"
	assert_failure 1
	assert_output --partial "v:1: not 'NAME: vif = [ ... ]'"
	printf 'vif = [ %s ]\n' "$GOOD_VIF" > "$BATS_TEST_TMPDIR/f"
	run "$XLCHECK" --fragment "$BATS_TEST_TMPDIR/f"
	assert_success
	printf 'memory = 1\n' > "$BATS_TEST_TMPDIR/f"
	run "$XLCHECK" --fragment "$BATS_TEST_TMPDIR/f"
	assert_failure 1
	assert_output --partial "no vif list"
}

@test "xlcheck: xl rate forms netc accepts are read by xlu_vif_parse_rate" {
	local r t
	for r in 10Mb/s 250KB/s 1MB/s@20ms 1Gb/s@500us 5b/s@1s 4294967295b/s; do
		t=$(printf 'version: 1\nnetworks: { xenbr0: {} }\ndomains:\n  r: { vifs: [ { rate: "%s" } ] }\n' "$r" | topo r.yaml)
		rm -rf "$OUT"
		"$NETC" -q -t xl "$t" -o "$OUT"
		run "$XLCHECK" "$OUT/r.cfg"
		assert_success
		run "$XLCHECK" --get 'vif[0]' "$OUT/r.cfg"
		assert_output --partial ",rate=$r"
	done
}

@test "xlcheck: rates xl rejects or misreads are refused by netc" {
	local r t
	for r in 0Mb/s 08Mb/s 010Mb/s 5000000000b/s 10Mb/s@0ms 10Mb/s@5000s 4294967295GB/s@1s; do
		t=$(printf 'version: 1\nnetworks: { xenbr0: {} }\ndomains:\n  r: { vifs: [ { rate: "%s" } ] }\n' "$r" | topo r.yaml)
		run --separate-stderr "$NETC" -t xl "$t" -o "$OUT"
		assert_failure 1
	done
}
