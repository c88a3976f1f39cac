#!/usr/bin/env bats
# The command line of netc(1): options, exit statuses, stdin, and atomic,
# deterministic output.

load helper

setup() {
	cd "$TOP"
}

@test "no topology: usage error, exit 2" {
	run --separate-stderr "$NETC"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: no topology file given"
	assert_equal "${stderr_lines[1]}" "Try 'netc --help' for more information."
}

@test "two topologies: usage error" {
	run --separate-stderr "$NETC" samples/nat.yaml samples/route.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: only one topology file may be given"
}

@test "unknown option, unknown target, option without argument: exit 2" {
	run --separate-stderr "$NETC" --frobnicate samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: unknown option '--frobnicate'"
	run --separate-stderr "$NETC" -t svg samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: unknown target 'svg'"
	run --separate-stderr "$NETC" samples/nat.yaml -o
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: option '-o' needs an argument"
}

@test "-t xl without -o is a usage error" {
	run --separate-stderr "$NETC" -t xl samples/classic.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: -t xl writes one file per domain: give a directory with -o DIR"
}

@test "-W with an unknown check, or on an error check: exit 2" {
	run --separate-stderr "$NETC" -W no-such-check samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: unknown check 'no-such-check' (see --list-checks)"
	run --separate-stderr "$NETC" -Wno-duplicate-mac samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: check 'duplicate-mac' is an error and cannot be turned on or off"
}

@test "input format: from the extension, or -f; stdin needs -f" {
	run --separate-stderr "$NETC" --check samples/README
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: cannot tell the format of 'samples/README' from its name; use -f yaml or -f netc"
	run --separate-stderr "$NETC" --check - < samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: reading standard input needs -f yaml or -f netc"
	run --separate-stderr "$NETC" -f bson samples/nat.yaml
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: unknown input format 'bson' (yaml or netc)"
}

@test "stdin with -f gives what the file gives" {
	"$NETC" -t json samples/nat.yaml > "$BATS_TEST_TMPDIR/file.json"
	"$NETC" -t json -f yaml - < samples/nat.yaml > "$BATS_TEST_TMPDIR/stdin.json"
	cmp "$BATS_TEST_TMPDIR/file.json" "$BATS_TEST_TMPDIR/stdin.json"
}

@test "diagnostics name <stdin> when reading stdin" {
	run --separate-stderr "$NETC" --check -f yaml - < tests/bad/version.yaml
	assert_equal "$status" 1
	assert_equal "${stderr_lines[0]}" "<stdin>:1:10: error: unsupported version 2; this netc reads version 1"
}

@test "unreadable input: exit 3" {
	run --separate-stderr "$NETC" --check "$BATS_TEST_TMPDIR/missing.yaml"
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "netc: cannot read '$BATS_TEST_TMPDIR/missing.yaml': No such file or directory"
	run --separate-stderr "$NETC" --check "$BATS_TEST_TMPDIR"/
	assert_equal "$status" 2   # a directory has no format extension
	mkdir "$BATS_TEST_TMPDIR/d.yaml"
	run --separate-stderr "$NETC" --check "$BATS_TEST_TMPDIR/d.yaml"
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "netc: cannot read '$BATS_TEST_TMPDIR/d.yaml': Is a directory"
}

@test "--version and --help go to stdout, exit 0" {
	run --separate-stderr "$NETC" --version
	assert_success
	assert_output "netc 0.1.0"
	assert_equal "$stderr" ""
	run --separate-stderr "$NETC" --help
	assert_success
	assert_line --index 0 "usage: netc [options] TOPOLOGY"
	assert_equal "$stderr" ""
}

@test "--list-checks lists every check with its level and summary" {
	run "$NETC" --list-checks
	assert_success
	assert_line "random-mac           warning  mac: random makes Xen pick a new MAC at every start"
	assert_line "unused-network       off      every network has at least one vif (off unless -W unused-network)"
	assert_line "duplicate-key        error    no key or name appears twice in one mapping"
	# One per check of the table: every check docs/language.md lists.
	for name in syntax unknown-key type missing-key duplicate-key yaml-feature interface-name \
	    name undefined-network undefined-host shared-uplink undefined-interface enslaved-interface \
	    inferred-interface mac duplicate-mac mac-collision address ip-subnet duplicate-ip \
	    ip-is-gateway dhcp-range subnet-overlap duplicate-interface vifname-length \
	    obsolete-id vifname-dot vifname-reserved legacy-mac mac-seed-collision \
	    route-ip mode-key range random-mac; do
		assert_line --regexp "^$name +(error|warning|off) "
	done
}

@test "-o writes the file; the output is the same as stdout" {
	"$NETC" -t json samples/isolated.yaml -o "$BATS_TEST_TMPDIR/out.json"
	"$NETC" -t json samples/isolated.yaml > "$BATS_TEST_TMPDIR/stdout.json"
	cmp "$BATS_TEST_TMPDIR/out.json" "$BATS_TEST_TMPDIR/stdout.json"
	# no temporary left behind
	run find "$BATS_TEST_TMPDIR" -name '.netc-*'
	assert_output ""
}

@test "on a topology error no output file is created, and an old one is untouched" {
	run --separate-stderr "$NETC" -t json tests/bad/duplicate-ip.yaml -o "$BATS_TEST_TMPDIR/new.json"
	assert_equal "$status" 1
	[ ! -e "$BATS_TEST_TMPDIR/new.json" ]
	echo "old contents" > "$BATS_TEST_TMPDIR/old.json"
	run --separate-stderr "$NETC" -t json tests/bad/duplicate-ip.yaml -o "$BATS_TEST_TMPDIR/old.json"
	assert_equal "$status" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/old.json")" "old contents"
	run find "$BATS_TEST_TMPDIR" -name '.netc-*'
	assert_output ""
}

@test "--check writes nothing, even with -o" {
	run "$NETC" --check -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/x.json"
	assert_success
	assert_output ""
	[ ! -e "$BATS_TEST_TMPDIR/x.json" ]
}

@test "an output path whose directory is missing: exit 3, message" {
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/no/such/dir/x.json"
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "netc: cannot write '$BATS_TEST_TMPDIR/no/such/dir/x.json': No such file or directory"
}

@test "an output path that is a directory: exit 3" {
	mkdir "$BATS_TEST_TMPDIR/d"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/d"
	assert_equal "$status" 3
	assert_equal "${stderr_lines[0]}" "netc: cannot write '$BATS_TEST_TMPDIR/d': Is a directory"
}

@test "multi-host: host-side targets need --host; --host must name a host" {
	topo two.yaml <<'EOF2' >/dev/null
version: 1
hosts:
  xen1: { nics: { eth0: 192.0.2.11/24 } }
  xen2: { nics: { eth0: 192.0.2.12/24 } }
networks:
  xenbr0: { uplink: eth0 }
EOF2
	run --separate-stderr "$NETC" "$BATS_TEST_TMPDIR/two.yaml"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: $BATS_TEST_TMPDIR/two.yaml has 2 hosts; -t sh needs --host NAME (one of: xen1 xen2)"
	run --separate-stderr "$NETC" --host xen3 "$BATS_TEST_TMPDIR/two.yaml"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: --host 'xen3': $BATS_TEST_TMPDIR/two.yaml has no such host"
	run "$NETC" -t json "$BATS_TEST_TMPDIR/two.yaml"
	assert_success
}

@test "-o onto a device or a FIFO writes into it, never replaces it" {
	require_root
	mknod "$BATS_TEST_TMPDIR/null" c 1 3
	run "$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/null"
	assert_success
	[ -c "$BATS_TEST_TMPDIR/null" ] || fail "the device node was replaced"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	cat "$BATS_TEST_TMPDIR/fifo" > "$BATS_TEST_TMPDIR/from-fifo" &
	"$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/fifo"
	wait
	[ -p "$BATS_TEST_TMPDIR/fifo" ]
	"$NETC" -t json samples/nat.yaml | cmp - "$BATS_TEST_TMPDIR/from-fifo"
	run "$NETC" -t json samples/nat.yaml -o /dev/stdout
	assert_success
	assert_line --index 0 "{"
}

@test "-o through a symbolic link replaces the file it names and keeps the link" {
	echo old > "$BATS_TEST_TMPDIR/real.json"
	ln -s real.json "$BATS_TEST_TMPDIR/link.json"
	"$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/link.json"
	[ -L "$BATS_TEST_TMPDIR/link.json" ] || fail "the link was replaced by a file"
	"$NETC" -t json samples/nat.yaml | cmp - "$BATS_TEST_TMPDIR/real.json"
}
