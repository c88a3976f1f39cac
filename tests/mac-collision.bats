#!/usr/bin/env bats
# A forced collision of two derived MACs (docs/language.md).  Derived MACs keep 24
# bits of a hash under 00:16:3e, so among a few thousand vifs two almost
# surely collide: the test finds such a pair by compiling a large topology,
# then checks that a topology of just those two resolves it
# deterministically, whatever their order, with a warning naming both.

load helper

bats_require_minimum_version 1.5.0

XLCHECK="$TOP/tests/xlcheck"

setup_file() {
	local big="$BATS_FILE_TMPDIR/big.yaml" n line
	# Domains d1..dN with one vif each; grow N until a collision shows.
	for n in 8000 32000; do
		awk -v n="$n" 'BEGIN {
			print "version: 1"; print "networks: { xenbr0: {} }"; print "domains:"
			for (i = 1; i <= n; i++) printf "  d%d: { vifs: [ {} ] }\n", i
		}' > "$big"
		line=$("$NETC" --check "$big" 2>&1 | grep -m1 'warning: derived MAC .*\[-Wmac-collision\]' || true)
		[ -n "$line" ] && break
	done
	[ -n "$line" ] || return 1
	printf '%s\n' "$line" > "$BATS_FILE_TMPDIR/collision"
}

setup() {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
	# "... derived MAC M of vif 0 of domain 'LOSER' collides with vif 0 of
	# domain 'KEEPER'; using NEW [-Wmac-collision]"
	local line
	line=$(cat "$BATS_FILE_TMPDIR/collision")
	[[ "$line" =~ derived\ MAC\ ([0-9a-f:]+)\ of\ vif\ 0\ of\ domain\ \'([^\']+)\'\ collides\ with\ vif\ 0\ of\ domain\ \'([^\']+)\'\;\ using\ ([0-9a-f:]+) ]] ||
		fail "unexpected warning: $line"
	MAC=${BASH_REMATCH[1]} LOSER=${BASH_REMATCH[2]} KEEPER=${BASH_REMATCH[3]} NEW=${BASH_REMATCH[4]}
}

# The pair alone, in the order given.
pair() {
	printf 'version: 1\nnetworks: { xenbr0: {} }\ndomains:\n'
	printf '  %s: { vifs: [ {} ] }\n' "$@"
}

hash_mac() {
	printf "netc-mac\\0%s\\0%s" "$1" "$2" | sha256sum | sed -E 's/^(..)(..)(..).*/00:16:3e:\1:\2:\3/'
}

@test "collision: the pair found really shares its attempt-0 hash" {
	assert_equal "$(hash_mac "$KEEPER" 0)" "$MAC"
	assert_equal "$(hash_mac "$LOSER" 0)" "$MAC"
	# The one later in (name, devid) order gives way, whatever file order.
	[[ "$KEEPER" < "$LOSER" ]] || fail "$KEEPER should sort before $LOSER"
	# It takes its next candidate: the hash with "/1" after the devid.
	assert_equal "$(hash_mac "$LOSER" 0/1)" "$NEW"
}

@test "collision: two domains alone collide, with a warning that names both vifs" {
	local t
	t=$(pair "$KEEPER" "$LOSER" | topo pair.yaml)
	run --separate-stderr "$NETC" -Wno-legacy-mac -t vif "$t"
	assert_success
	assert_line --index 0 --regexp "^$KEEPER: vif = \\[ 'mac=$MAC,bridge=xenbr0,script=vif-bridge,vifname=$KEEPER-0' \\]\$"
	assert_line --index 1 --regexp "^$LOSER: vif = \\[ 'mac=$NEW,bridge=xenbr0,script=vif-bridge,vifname=$LOSER-0' \\]\$"
	assert_equal "$(first_stderr_line)" \
		"$t:5:$((${#LOSER} + 15)): warning: derived MAC $MAC of vif 0 of domain '$LOSER' collides with vif 0 of domain '$KEEPER'; using $NEW [-Wmac-collision]"
	[[ "$stderr" == *"$t:4:$((${#KEEPER} + 15)): note: vif 0 of domain '$KEEPER' has MAC $MAC"* ]] ||
		fail "no note at $KEEPER's vif: $stderr"
}

@test "collision: the result does not depend on the two domains' order, and is the same every run" {
	local a b
	a=$(pair "$KEEPER" "$LOSER" | topo ab.yaml)
	b=$(pair "$LOSER" "$KEEPER" | topo ba.yaml)
	"$NETC" -q -t vif "$a" | sort > "$BATS_TEST_TMPDIR/ab"
	"$NETC" -q -t vif "$b" | sort > "$BATS_TEST_TMPDIR/ba"
	run diff "$BATS_TEST_TMPDIR/ab" "$BATS_TEST_TMPDIR/ba"
	assert_success
	run grep -c "mac=$NEW," "$BATS_TEST_TMPDIR/ba"
	assert_output 1
	run grep "^$LOSER: " "$BATS_TEST_TMPDIR/ba"
	assert_output --partial "mac=$NEW,"
	# The warning is about the same vif either way.
	run --separate-stderr "$NETC" -Wno-legacy-mac -t vif "$b"
	assert_equal "$(first_stderr_line)" \
		"$b:4:$((${#LOSER} + 15)): warning: derived MAC $MAC of vif 0 of domain '$LOSER' collides with vif 0 of domain '$KEEPER'; using $NEW [-Wmac-collision]"
	# Byte-identical xl files from run to run.
	"$NETC" -q -t xl "$b" -o "$BATS_TEST_TMPDIR/x1"
	"$NETC" -q -t xl "$b" -o "$BATS_TEST_TMPDIR/x2"
	run diff -r "$BATS_TEST_TMPDIR/x1" "$BATS_TEST_TMPDIR/x2"
	assert_success
	run "$XLCHECK" "$BATS_TEST_TMPDIR/x1"/*.cfg
	assert_success
}

@test "collision: -Wno-mac-collision silences it, -Werror makes it fatal" {
	local t
	t=$(pair "$KEEPER" "$LOSER" | topo pair.yaml)
	run --separate-stderr "$NETC" -Wno-mac-collision -Wno-legacy-mac -t vif "$t"
	assert_success
	assert_equal "$stderr" ""
	assert_output --partial "mac=$NEW,"
	run --separate-stderr "$NETC" -Werror -t xl "$t" -o "$BATS_TEST_TMPDIR/x"
	assert_failure 1
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
}
