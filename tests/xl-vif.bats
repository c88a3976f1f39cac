#!/usr/bin/env bats
# -t vif: the vif lines alone (docs/xl.md), built by the same code as the
# vif list of -t xl, and read back by Xen's libxlutil (tests/xlcheck).

load helper

bats_require_minimum_version 1.5.0

XLCHECK="$TOP/tests/xlcheck"

setup() {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
	cd "$TOP"
}

@test "vif: classic gives NAME: vif = [ ... ] per domain, topology order" {
	run --separate-stderr "$NETC" -t vif samples/classic.yaml
	assert_success
	assert_output "web: vif = [ 'mac=00:16:3e:8a:17:d4,bridge=xenbr0,script=vif-bridge,vifname=web-0' ]
mail: vif = [ 'mac=00:16:3e:00:00:11,bridge=xenbr0,script=vif-bridge,vifname=mail-0' ]
backup: vif = [ 'mac=00:16:3e:a3:e7:f3,bridge=xenbr0,script=vif-bridge,vifname=backup-0', 'mac=00:16:3e:da:6d:61,bridge=xenbr1,script=vif-bridge,vifname=backup-1' ]"
}

@test "vif: classic matches the golden file (tests/golden.sh update vif regenerates it)" {
	run tests/golden.sh check vif
	assert_success
}

@test "vif: --domain NAME prints only that domain's line, ready to paste" {
	run --separate-stderr "$NETC" -t vif --domain backup samples/classic.netc
	assert_success
	assert_output "vif = [ 'mac=00:16:3e:a3:e7:f3,bridge=xenbr0,script=vif-bridge,vifname=backup-0', 'mac=00:16:3e:da:6d:61,bridge=xenbr1,script=vif-bridge,vifname=backup-1' ]"
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/paste.cfg"
	run "$XLCHECK" --fragment "$BATS_TEST_TMPDIR/paste.cfg"
	assert_success
	run "$XLCHECK" --get 'vif[0]' "$BATS_TEST_TMPDIR/paste.cfg"
	assert_output "mac=00:16:3e:a3:e7:f3,bridge=xenbr0,script=vif-bridge,vifname=backup-0"
}

@test "vif: -o writes the same lines to a file" {
	run --separate-stderr "$NETC" -t vif samples/classic.yaml -o "$BATS_TEST_TMPDIR/v.txt"
	assert_success
	run cmp "$BATS_TEST_TMPDIR/v.txt" tests/golden/vif/classic.vif
	assert_success
}

@test "vif: an unknown --domain is a usage error (exit 2) with a suggestion" {
	run --separate-stderr "$NETC" -t vif --domain bakup samples/classic.yaml
	assert_failure 2
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"netc: --domain 'bakup': samples/classic.yaml has no such domain (did you mean 'backup'?)"
	run --separate-stderr "$NETC" -t vif --domain nothing-like-it samples/classic.yaml
	assert_failure 2
	assert_equal "$(first_stderr_line)" \
		"netc: --domain 'nothing-like-it': samples/classic.yaml has no such domain"
}

@test "vif: --domain goes with -t vif and -t xl only" {
	run --separate-stderr "$NETC" -t json --domain web samples/classic.yaml -o "$BATS_TEST_TMPDIR/x"
	assert_failure 2
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
}

@test "vif: --host selects that host's domains; --domain on another host is a usage error" {
	local t
	t=$(topo two.yaml <<-'EOF'
	version: 1
	hosts:
	  h1: { nics: { eth0: 192.0.2.1/24 } }
	  h2: { nics: { eth0: 192.0.2.2/24 } }
	networks:
	  xenbr0: { uplink: eth0 }
	domains:
	  a: { host: h1, vifs: [{}] }
	  b: { host: h2, vifs: [{}] }
	EOF
	)
	run --separate-stderr "$NETC" -t vif --host h2 "$t"
	assert_success
	assert_output "b: vif = [ 'mac=00:16:3e:2d:80:1f,bridge=xenbr0,script=vif-bridge,vifname=b-0' ]"
	run --separate-stderr "$NETC" -t vif "$t"
	assert_success
	assert_line --index 0 --partial "a: vif = [ 'mac="
	assert_line --index 1 --partial "b: vif = [ 'mac="
	run --separate-stderr "$NETC" -Wno-legacy-mac -t vif --host h2 --domain a "$t"
	assert_failure 2
	assert_equal "$(first_stderr_line)" "netc: --domain 'a' runs on host 'h1', not on 'h2'"
}

@test "vif: every MAC written is the one the JSON IR shows, in the same order" {
	local s
	for s in samples/*.yaml tests/data/xl/every-key.yaml; do
		"$NETC" -q -t json "$s" |
			sed -nE 's/^ *"mac": (null|"([^"]*)"),?$/\2/p' | sed 's/^$/none/' > "$BATS_TEST_TMPDIR/json"
		"$NETC" -q -t vif "$s" | tr "'" '\n' | sed -n '/bridge=\|gatewaydev=/p' |
			sed -E 's/^mac=([^,]*),.*/\1/; /=/s/.*/none/' > "$BATS_TEST_TMPDIR/vif"
		[ -s "$BATS_TEST_TMPDIR/vif" ] || fail "$s: no vifs read"
		run diff "$BATS_TEST_TMPDIR/json" "$BATS_TEST_TMPDIR/vif"
		assert_success
	done
}

# The vif list of NAME.cfg joined onto one line, as -t vif writes it.
joined_vif() {
	awk '/^vif = \[/ { v = $0; on = 1; next }
	     on && /^ / { sub(/^ +/, ""); v = v " " $0; next }
	     { on = 0 }
	     END { print v }' "$1"
}

@test "vif: every sample's vif lines equal the vif lists of its xl files, and libxlutil reads them" {
	local s out d
	for s in samples/*.yaml samples/*.netc; do
		out="$BATS_TEST_TMPDIR/xl-${s##*/}"
		"$NETC" -q -t xl "$s" -o "$out"
		"$NETC" -q -t vif "$s" > "$out.vif"
		run "$XLCHECK" --vif-lines "$out.vif"
		assert_success
		while IFS= read -r line; do
			d=${line%%: *}
			[ "$d: $(joined_vif "$out/$d.cfg")" = "$line" ] || fail "$s: $d differs"
			"$NETC" -q -t vif --domain "$d" "$s" > "$out/$d.frag"
			run "$XLCHECK" --fragment "$out/$d.frag"
			assert_success
		done < "$out.vif"
		[ "$(wc -l < "$out.vif")" -eq "$(ls "$out"/*.cfg | wc -l)" ] || fail "$s: line count"
	done
}
