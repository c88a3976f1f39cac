#!/usr/bin/env bats
# Docs are part of the feature: every check, target, option and key is
# described in the man pages and docs/, and every key is used by a sample.

load helper

setup() {
	cd "$TOP"
}

# roff escapes '-' as '\-'.
roff() {
	sed 's/\\-/-/g' "$1"
}

@test "every check is in netc(1), netc-topology(5) and docs/language.md" {
	for name in $("$NETC" --list-checks | awk '{print $1}'); do
		roff docs/netc.1 | grep -q "^\.BR* $name\b" || fail "netc.1 lacks check $name"
		roff docs/netc-topology.5 | grep -q "^\.BR* $name\b" || fail "netc-topology.5 lacks check $name"
		grep -q "^| \`$name\` |" docs/language.md || fail "docs/language.md lacks check $name"
	done
}

@test "every target is in netc(1) and the README" {
	for t in sh network-bridge xl vif json dot yaml netc lab; do
		roff docs/netc.1 | grep -qE "^\.BR? .*\b$t\b" || fail "netc.1 lacks target $t"
		grep -qE "^\| .*\`$t\`" README.md || fail "README lacks target $t"
	done
}

@test "every option of --help is in netc(1)" {
	for opt in $("$NETC" --help | grep -oE -- '--[a-z-]+' | sort -u); do
		roff docs/netc.1 | grep -qF -- "$opt" || fail "netc.1 lacks $opt"
	done
	for opt in -t -o -f -W -q -v -h; do
		roff docs/netc.1 | grep -qF -- "$opt" || fail "netc.1 lacks $opt"
	done
}

@test "every key of the model is documented and used by a sample" {
	keys=$(grep -oE 'FIELD[A-Z_]*\("[a-z-]+"' compiler/schema.c | sed 's/.*("//; s/"//' | sort -u)
	[ -n "$keys" ]
	for k in $keys; do
		grep -q "\`$k\`" docs/language.md || fail "docs/language.md lacks key $k"
		roff docs/netc-topology.5 | grep -qE "\b$k\b" || fail "netc-topology.5 lacks key $k"
		# id is obsolete (a warning): the samples show what to write.
		[ "$k" = id ] && continue
		grep -qE "^[[:space:]-]*(\{ )?$k:|[{,] $k:" samples/*.yaml || fail "no sample uses key $k"
	done
}

@test "the man pages render without warnings" {
	for page in docs/netc.1 docs/netc-topology.5; do
		run bash -c "MANWIDTH=80 man --warnings -l $page 2>&1 >/dev/null"
		assert_output ""
	done
}
