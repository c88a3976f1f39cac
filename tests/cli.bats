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

@test "-o DIR or DIR/ for a one-file target: exit 2, says which file name to give" {
	mkdir "$BATS_TEST_TMPDIR/d"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$BATS_TEST_TMPDIR/d"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: -o $BATS_TEST_TMPDIR/d: -t json writes one file; give its name, e.g. $BATS_TEST_TMPDIR/d/topology.json"
	assert_equal "${stderr_lines[1]}" "Try 'netc --help' for more information."
	# A missing DIR/ is meant as a directory too; nothing is made.
	run --separate-stderr "$NETC" samples/nat.yaml -o "$BATS_TEST_TMPDIR/out/"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: -o $BATS_TEST_TMPDIR/out/: -t sh writes one file; give its name, e.g. $BATS_TEST_TMPDIR/out/setup.sh"
	[ ! -e "$BATS_TEST_TMPDIR/out" ]
	run --separate-stderr "$NETC" -t lab samples/nat.yaml -o "$BATS_TEST_TMPDIR/d/"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: -o $BATS_TEST_TMPDIR/d/: -t lab writes one file; give its name, e.g. $BATS_TEST_TMPDIR/d/lab.sh"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/d")" ""
	# A link to a directory is a directory; the file name given works.
	ln -s d "$BATS_TEST_TMPDIR/l"
	run --separate-stderr "$NETC" -t network-bridge --host xen1 samples/multihost.yaml -o "$BATS_TEST_TMPDIR/l"
	assert_equal "$status" 2
	assert_equal "${stderr_lines[0]}" "netc: -o $BATS_TEST_TMPDIR/l: -t network-bridge writes one file; give its name, e.g. $BATS_TEST_TMPDIR/l/network-bridge"
	run "$NETC" samples/nat.yaml -o "$BATS_TEST_TMPDIR/d/setup.sh"
	assert_success
	[ -x "$BATS_TEST_TMPDIR/d/setup.sh" ]
}

@test "--list-targets, --list-hosts, --list-domains: one name a line" {
	run --separate-stderr "$NETC" --list-targets
	assert_success
	assert_output "$(printf '%s\n' sh network-bridge xl vif json dot yaml netc lab)"
	run --separate-stderr "$NETC" --list-hosts samples/multihost.yaml
	assert_success
	assert_output "$(printf '%s\n' xen1 xen2)"
	run --separate-stderr "$NETC" --list-domains samples/multihost.yaml
	assert_success
	assert_output "$(printf '%s\n' app1 app2)"
	# --host: that host's domains (multihost.yaml puts app2 on xen2).
	run --separate-stderr "$NETC" --list-domains --host xen2 samples/multihost.yaml
	assert_success
	assert_output app2
	run --separate-stderr "$NETC" --list-domains --host xen1 samples/multihost.netc
	assert_success
	assert_output app1
	# A topology without hosts: has one, dom0 (what --host takes).
	run --separate-stderr "$NETC" --list-hosts samples/classic.yaml
	assert_success
	assert_output dom0
	run --separate-stderr "$NETC" samples/classic.yaml --list-domains
	assert_success
	assert_output "$(printf '%s\n' web mail backup)"
	# Standard input, with -f; the target does not matter, -o writes nothing.
	run --separate-stderr "$NETC" -t xl -o "$BATS_TEST_TMPDIR/x" --list-domains -f yaml - < samples/classic.yaml
	assert_success
	assert_output "$(printf '%s\n' web mail backup)"
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
}

@test "--list-hosts, --list-domains: a topology that does not check exits 1 with its diagnostics" {
	run --separate-stderr "$NETC" --list-domains tests/bad/duplicate-mac.yaml
	assert_failure 1
	assert_output ""
	assert_equal "${stderr_lines[0]}" "tests/bad/duplicate-mac.yaml:10:14: error: MAC 00:16:3E:00:00:11 of vif 0 of domain 'db' is already the MAC of vif 0 of domain 'web'"
	run --separate-stderr "$NETC" --list-hosts tests/bad/duplicate-mac.yaml
	assert_failure 1
	assert_output ""
	run --separate-stderr "$NETC" --list-domains --host xen9 samples/multihost.yaml
	assert_failure 2
	assert_output ""
	assert_equal "${stderr_lines[0]}" "netc: --host 'xen9': samples/multihost.yaml has no such host"
	run --separate-stderr "$NETC" --list-hosts --list-domains samples/multihost.yaml
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --list-hosts and --list-domains: give one"
	run --separate-stderr "$NETC" --list-hosts
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: no topology file given"
}

@test "-t xl --domain NAME writes only that guest's file" {
	local x="$BATS_TEST_TMPDIR/xl"
	run --separate-stderr "$NETC" -t xl --domain mail samples/classic.yaml -o "$x"
	assert_success
	assert_equal "$(ls -A "$x")" mail.cfg
	# The same file as the whole run writes.
	"$NETC" -t xl samples/classic.yaml -o "$BATS_TEST_TMPDIR/all"
	cmp "$x/mail.cfg" "$BATS_TEST_TMPDIR/all/mail.cfg"
	# Into an existing directory: that file alone is replaced.
	echo old > "$x/web.cfg"
	echo old > "$x/mail.cfg"
	"$NETC" -t xl --domain=mail samples/classic.yaml -o "$x"
	cmp "$x/mail.cfg" "$BATS_TEST_TMPDIR/all/mail.cfg"
	assert_equal "$(cat "$x/web.cfg")" old
	# --host: a domain of that host; one of another host is refused.
	"$NETC" -t xl --host xen2 --domain app2 samples/multihost.yaml -o "$BATS_TEST_TMPDIR/h"
	assert_equal "$(ls -A "$BATS_TEST_TMPDIR/h")" app2.cfg
	run --separate-stderr "$NETC" -t xl --host xen1 --domain app2 samples/multihost.yaml -o "$BATS_TEST_TMPDIR/h2"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --domain 'app2' runs on host 'xen2', not on 'xen1'"
	[ ! -e "$BATS_TEST_TMPDIR/h2" ]
}

@test "-t xl --domain with an unknown name: exit 2, the domains named, nothing written" {
	run --separate-stderr "$NETC" -t xl --domain bakup samples/classic.yaml -o "$BATS_TEST_TMPDIR/a/b/xl"
	assert_failure 2
	assert_equal "$stderr" "netc: --domain 'bakup': samples/classic.yaml has no such domain (did you mean 'backup'?)
netc: its domains: web mail backup"
	# Not even the parents it made for the directory stay.
	[ ! -e "$BATS_TEST_TMPDIR/a" ]
	# -t vif says the same.
	run --separate-stderr "$NETC" -t vif --domain nothing samples/classic.yaml
	assert_failure 2
	assert_equal "${stderr_lines[1]}" "netc: its domains: web mail backup"
	# Past twenty, the rest is counted.
	awk 'BEGIN {
		print "version: 1\ndefaults: { mac-seed: t }\nnetworks: { xenbr0: {} }\ndomains:"
		for (i = 0; i < 25; i++) printf "  d%02d: { vifs: [ {} ] }\n", i
	}' > "$BATS_TEST_TMPDIR/many.yaml"
	run --separate-stderr "$NETC" -t xl --domain zz "$BATS_TEST_TMPDIR/many.yaml" -o "$BATS_TEST_TMPDIR/m"
	assert_failure 2
	assert_equal "${stderr_lines[1]}" "netc: its domains: d00 d01 d02 d03 d04 d05 d06 d07 d08 d09 d10 d11 d12 d13 d14 d15 d16 d17 d18 d19 ... (5 more; netc --list-domains lists them)"
	# --domain still goes with -t vif and -t xl only.
	run --separate-stderr "$NETC" -t json --domain web samples/classic.yaml
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --domain goes with -t vif or -t xl, not -t json"
}

# prune_bed: $P, an xl directory written from $T (the topology, named as
# given) by an earlier run; then $T loses domain mail.
prune_bed() {
	T="$BATS_TEST_TMPDIR/topo.yaml"
	P="$BATS_TEST_TMPDIR/xl"
	cp samples/classic.yaml "$T"
	"$NETC" -t xl "$T" -o "$P"
	# mail goes: its block, up to the next domain.
	awk '/^  mail:/ { skip = 1; next } skip && /^  [a-z]/ { skip = 0 } !skip' samples/classic.yaml > "$T"
	run "$NETC" --list-domains "$T"
	assert_output "$(printf '%s\n' web backup)"
}

@test "-t xl --prune removes the .cfg of a domain gone from the topology, only with --prune" {
	prune_bed
	"$NETC" -t xl "$T" -o "$P"
	assert_equal "$(ls "$P" | tr '\n' ' ')" "backup.cfg mail.cfg web.cfg "
	run --separate-stderr "$NETC" -v -t xl --prune "$T" -o "$P/"
	assert_success
	assert_equal "$(ls "$P" | tr '\n' ' ')" "backup.cfg web.cfg "
	assert_equal "$stderr" "netc: wrote $P/web.cfg
netc: wrote $P/backup.cfg
netc: removed $P/mail.cfg"
	# Nothing more to remove.
	run "$NETC" -v -t xl --prune "$T" -o "$P"
	assert_success
	refute_line --partial removed
	assert_line "netc: wrote $P/web.cfg"
}

@test "-t xl --prune leaves every file netc did not write from this topology" {
	prune_bed
	# Written by another netc version from the same topology: netc's.
	sed '2s/netc [^ ]* from/netc 0.0.9 from/' "$P/web.cfg" > "$P/old.cfg"
	sed -i '1s/web\.cfg/old.cfg/' "$P/old.cfg"
	grep -q '^# generated by netc 0.0.9 from ' "$P/old.cfg"
	# Hand-written; written from another topology (another name);
	# header of another file's name; not a .cfg; a link; a directory.
	printf 'name = "hand"\n' > "$P/hand.cfg"
	"$NETC" -t xl --domain web samples/classic.yaml -o "$BATS_TEST_TMPDIR/other"
	sed '1s/web\.cfg/other.cfg/' "$BATS_TEST_TMPDIR/other/web.cfg" > "$P/other.cfg"
	cp "$P/mail.cfg" "$P/copy.cfg"
	sed '1s/mail\.cfg/notes/' "$P/mail.cfg" > "$P/notes"
	sed '1s/mail\.cfg/linked.cfg/' "$P/mail.cfg" > "$BATS_TEST_TMPDIR/linked.cfg"
	ln -s "$BATS_TEST_TMPDIR/linked.cfg" "$P/linked.cfg"
	mkdir "$P/dir.cfg"
	# The same topology, named otherwise on the command line: not this one.
	run --separate-stderr sh -c 'cd "$1" && "$2" -t xl --prune topo.yaml -o xl' sh "$BATS_TEST_TMPDIR" "$NETC"
	assert_success
	assert_equal "$(ls "$P" | tr '\n' ' ')" "backup.cfg copy.cfg dir.cfg hand.cfg linked.cfg mail.cfg notes old.cfg other.cfg web.cfg "
	run --separate-stderr "$NETC" -t xl --prune "$T" -o "$P"
	assert_success
	assert_equal "$(ls "$P" | tr '\n' ' ')" "backup.cfg copy.cfg dir.cfg hand.cfg linked.cfg notes other.cfg web.cfg "
	[ -f "$BATS_TEST_TMPDIR/linked.cfg" ]
}

@test "-t xl --prune --host: domains of other hosts count as gone" {
	T="$BATS_TEST_TMPDIR/multi.yaml"
	cp samples/multihost.yaml "$T"
	"$NETC" -t xl "$T" -o "$BATS_TEST_TMPDIR/xl"
	"$NETC" -t xl --host xen1 --prune "$T" -o "$BATS_TEST_TMPDIR/xl"
	assert_equal "$(ls "$BATS_TEST_TMPDIR/xl")" app1.cfg
}

@test "--prune: with -t xl only, not with --domain, not from standard input" {
	run --separate-stderr "$NETC" -t json --prune samples/classic.yaml
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --prune goes with -t xl, not -t json"
	run --separate-stderr "$NETC" -t xl --prune --domain web samples/classic.yaml -o "$BATS_TEST_TMPDIR/x"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --prune removes the files of every domain not written: it does not go with --domain"
	run --separate-stderr "$NETC" -t xl --prune -f yaml - -o "$BATS_TEST_TMPDIR/x" < samples/classic.yaml
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "netc: --prune needs the topology as a file: it removes only files whose header names it"
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
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
