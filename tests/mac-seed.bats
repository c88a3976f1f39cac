#!/usr/bin/env bats
# Derived MACs with defaults.mac-seed (docs/xl.md, "Why every MAC is
# explicit"): prefix + SHA-256("netc-mac-seed" NUL seed NUL domain NUL
# devid), the fourth octet in the upper half of 00:16:3e; a collision is an
# error, never a re-derivation, so no guest's MAC depends on another's.

load helper

bats_require_minimum_version 1.5.0

# "DOMAIN DEVID MAC" for every vif of a topology, sorted.
vif_macs() {
	"$NETC" -q -t vif "$@" | awk -F"'" '{
			name = substr($1, 1, index($1, ":") - 1); n = 0
			for (i = 2; i <= NF; i += 2) {
				m = $i; sub(/^mac=/, "", m); sub(/,.*/, "", m)
				print name, n++, m
			}
		}' | sort
}

# The first N hex digits of sha256("netc-mac-seed\0" SEED "\0" DOMAIN "\0" DEVID).
seed_hash() {
	printf 'netc-mac-seed\0%s\0%s\0%s' "$1" "$2" "$3" | sha256sum | cut -c1-"$4"
}

# seed_mac SEED DOMAIN DEVID: the MAC under 00:16:3e.
seed_mac() {
	local h
	h=$(seed_hash "$1" "$2" "$3" 6)
	printf '00:16:3e:%02x:%s:%s\n' $(( 16#${h:0:2} | 0x80 )) "${h:2:2}" "${h:4:2}"
}

sites() {     # sites SEED [PREFIX]: a topology of four guests
	printf 'version: 1\ndefaults: { network: xenbr0, mac-seed: %s%s }\n' "$1" "${2:+, mac-prefix: $2}"
	cat <<-'EOF'
	networks:
	  xenbr0: {}
	  hostonly: { mode: isolated, address: 10.0.1.1/24 }
	domains:
	  web: { vifs: [ {}, { network: hostonly } ] }
	  db: { vifs: [ { mac: 00:16:3e:00:00:02 } ] }
	  mail: { vifs: [ {} ] }
	  dns: { vifs: [ {} ] }
	EOF
}

@test "mac-seed: 00:16:3e + sha256(\"netc-mac-seed\\0\" seed \"\\0\" name \"\\0\" devid), fourth octet >= 0x80" {
	local t d
	t=$(sites dc1.example.org | topo s.yaml)
	run --separate-stderr vif_macs "$t"
	assert_success
	for d in web:0 web:1 mail:0 dns:0; do
		assert_line "${d%:*} ${d#*:} $(seed_mac dc1.example.org "${d%:*}" "${d#*:}")"
	done
	assert_line "db 0 00:16:3e:00:00:02"
	# The upper half of Xen's OUI: libxl's and xend's random MACs never go there.
	run bash -c "\"$NETC\" -q -t vif \"$t\" | grep -o 'mac=00:16:3e:[0-7][0-9a-f]:..:..'"
	assert_output "mac=00:16:3e:00:00:02"
	# No legacy-mac warning with a seed.
	run --separate-stderr "$NETC" --check "$t"
	assert_success
	assert_equal "$stderr" ""
}

@test "mac-seed: mac-prefix local keeps 46 bits; another prefix takes 24, top bit as hashed" {
	local t h
	t=$(sites s1 local | topo l.yaml)
	h=$(seed_hash s1 web 0 12)
	run vif_macs "$t"
	assert_line "web 0 $(printf '%02x' $(( (16#${h:0:2} & 0xfc) | 2 ))):${h:2:2}:${h:4:2}:${h:6:2}:${h:8:2}:${h:10:2}"
	# s3's hash for web 0 starts 6d: below 0x80, kept so
	t=$(sites s3 52:54:00 | topo p.yaml)
	h=$(seed_hash s3 web 0 6)
	assert_equal "${h:0:2}" 6d
	run vif_macs "$t"
	assert_line "web 0 52:54:00:${h:0:2}:${h:2:2}:${h:4:2}"
}

@test "mac-seed: two sites with a guest web give it different MACs; no seed gives today's" {
	local a b legacy
	a=$(sites site-a | topo a.yaml)
	b=$(sites site-b | topo b.yaml)
	[ "$(vif_macs "$a" | grep '^web 0 ')" != "$(vif_macs "$b" | grep '^web 0 ')" ]
	# Without a seed: the legacy derivation, byte for byte.
	legacy=$(sites x | sed 's/^defaults:.*/defaults: { network: xenbr0 }/' | topo legacy.yaml)
	run vif_macs "$legacy"
	assert_line "web 0 00:16:3e:$(printf 'netc-mac\0web\0%s' 0 | sha256sum | sed -E 's/^(..)(..)(..).*/\1:\2:\3/')"
}

@test "mac-seed: adding, removing and reordering guests changes no other guest's MAC" {
	local t big
	t=$(sites s | topo s.yaml)
	vif_macs "$t" > "$BATS_TEST_TMPDIR/base"
	{
		printf 'version: 1\ndefaults: { network: xenbr0, mac-seed: s }\n'
		printf 'networks:\n  xenbr0: {}\n  hostonly: { mode: isolated, address: 10.0.1.1/24 }\ndomains:\n'
		echo "  dns: { vifs: [ {} ] }"
		for i in $(seq 1 200); do echo "  new$i: { vifs: [ {} ] }"; done
		echo "  web: { vifs: [ {}, { network: hostonly } ] }"
		echo "  db: { vifs: [ { mac: 00:16:3e:00:00:02 } ] }"
	} > "$BATS_TEST_TMPDIR/big.yaml"
	big="$BATS_TEST_TMPDIR/big.yaml"
	"$NETC" -q --check "$big" || fail "big.yaml does not compile"
	vif_macs "$big" > "$BATS_TEST_TMPDIR/big"
	# mail removed, dns moved first, 200 guests added: the others keep theirs.
	run comm -23 <(grep -v '^mail ' "$BATS_TEST_TMPDIR/base") "$BATS_TEST_TMPDIR/big"
	assert_output ""
}

@test "mac-seed: a derived MAC an explicit one has is an error naming both, with a free MAC to pin" {
	local t m
	m=$(seed_mac s web 0)
	t=$(topo clash.yaml <<-EOF
	version: 1
	defaults: { mac-seed: s }
	networks:
	  xenbr0: {}
	domains:
	  web:
	    vifs: [ {} ]
	  mail:
	    vifs: [ { mac: $m } ]
	EOF
	)
	run --separate-stderr "$NETC" -t vif "$t"
	assert_failure 1
	assert_output ""
	run diag_lines
	assert_line -n 0 "$t:7:13: error: derived MAC $m of vif 0 of domain 'web' is also the MAC of vif 0 of domain 'mail'"
	assert_line -n 1 "$t:9:20: note: vif 0 of domain 'mail' has MAC $m"
	# The suggestion is web's next candidate (the hash with /1), taken by nobody.
	local h
	h=$(printf 'netc-mac-seed\0s\0web\0000/1' | sha256sum | cut -c1-6)
	assert_line -n 2 "$t:7:13: note: give one of them an explicit MAC: 'mac: $(printf '00:16:3e:%02x:%s:%s' $(( 16#${h:0:2} | 0x80 )) "${h:2:2}" "${h:4:2}")' is free for vif 0 of domain 'web'"
	assert_equal "${#lines[@]}" 3
}

@test "mac-seed: its form; both printers keep it" {
	local t
	t=$(printf 'version: 1\ndefaults: { mac-seed: "a b" }\n' | topo bad.yaml)
	run --separate-stderr "$NETC" --check "$t"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$t:2:23: error: invalid mac-seed 'a b'; expected 1-64 of [A-Za-z0-9_.:-], a value of this site's own, e.g. dc1.example.org"
	t=$(printf 'version: 1\ndefaults: { mac-seed: %s }\n' "$(printf 'x%.0s' $(seq 65))" | topo long.yaml)
	run --separate-stderr "$NETC" --check "$t"
	assert_failure 1
	t=$(sites dc1:rack-7_a | topo s.yaml)
	"$NETC" -q -t netc "$t" > "$BATS_TEST_TMPDIR/s.netc"
	grep -q '^    mac-seed dc1:rack-7_a;$' "$BATS_TEST_TMPDIR/s.netc" || fail "$(cat "$BATS_TEST_TMPDIR/s.netc")"
	"$NETC" -q -t yaml "$BATS_TEST_TMPDIR/s.netc" > "$BATS_TEST_TMPDIR/s.yaml"
	diff <(vif_macs "$t") <(vif_macs "$BATS_TEST_TMPDIR/s.netc")
	diff <(vif_macs "$t") <(vif_macs "$BATS_TEST_TMPDIR/s.yaml")
}
