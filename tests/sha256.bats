#!/usr/bin/env bats
# netc's SHA-256 (output headers, derived MACs and names) against coreutils'
# sha256sum, for sources of every length across two block boundaries, both
# with the x86 SHA extensions (when the CPU has them) and without.

load helper

@test "the header's topology SHA-256 is sha256sum's, for every length 0-140 bytes past a base" {
	local base pad i f want a b
	base=$(printf 'version: 1\nnetworks: { xenbr0: {} }\n')
	f="$BATS_TEST_TMPDIR/t.yaml"
	# Under valgrind every 7th length: still each block count, both paths.
	for i in $(seq 0 140 | valgrind_thin 7); do
		pad=$(head -c "$i" /dev/zero | tr '\0' 'x')
		printf '%s\n#%s\n' "$base" "$pad" > "$f"
		want=$(sha256sum "$f" | cut -d' ' -f1)
		a=$("$NETC" -t sh "$f" | sed -n 's/^# Topology SHA-256: //p')
		b=$(NETC_NO_SHANI=1 "$NETC" -t sh "$f" | sed -n 's/^# Topology SHA-256: //p')
		[ "$a" = "$want" ] || fail "length $(wc -c < "$f"): $a, want $want"
		[ "$b" = "$want" ] || fail "length $(wc -c < "$f") (portable): $b, want $want"
	done
}

@test "the header's topology SHA-256 is sha256sum's for a source of many blocks" {
	local f="$BATS_TEST_TMPDIR/t.yaml" want a b
	# Whole blocks are hashed many at a time: 1,000 of them and a tail.
	{ printf 'version: 1\nnetworks: { xenbr0: {} }\n'; head -c 64037 /dev/zero | tr '\0' '#'; echo; } > "$f"
	want=$(sha256sum "$f" | cut -d' ' -f1)
	a=$("$NETC" -t sh "$f" | sed -n 's/^# Topology SHA-256: //p')
	b=$(NETC_NO_SHANI=1 "$NETC" -t sh "$f" | sed -n 's/^# Topology SHA-256: //p')
	[ "$a" = "$want" ] || fail "$a, want $want"
	[ "$b" = "$want" ] || fail "portable: $b, want $want"
}

@test "derived MACs are the same with and without the SHA extensions" {
	cd "$TOP"
	for s in samples/*.yaml; do
		"$NETC" -t json "$s" > "$BATS_TEST_TMPDIR/a.json"
		NETC_NO_SHANI=1 "$NETC" -t json "$s" > "$BATS_TEST_TMPDIR/b.json"
		cmp "$BATS_TEST_TMPDIR/a.json" "$BATS_TEST_TMPDIR/b.json"
	done
}
