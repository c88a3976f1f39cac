#!/usr/bin/env bats
# Output safety (SPEC §2, issue 6): writing into a read-only directory, onto
# a full disk, under a missing parent, or to a full device exits 3 with a
# message naming the path and the reason, leaves the old output as it was,
# and leaves no temporary behind.  (tests/cli.bats has the missing parent of
# a single file and an output path that is a directory.)
#
# As root, permission bits stop nothing: the read-only directory is a
# read-only bind mount and the full disk a 64 KiB tmpfs, both made in a
# mount namespace of this test's own (a `sleep` holds it; commands enter it
# with nsenter), so nothing reaches the real mount table.

load helper

setup() {
	cd "$TOP"
	D="$BATS_TEST_TMPDIR/d"
	mkdir -p "$D"
	NS_PID=
}

teardown() {
	if [ -n "$NS_PID" ]; then
		kill "$NS_PID" 2>/dev/null || true
		wait "$NS_PID" 2>/dev/null || true
	fi
}

# A private mount namespace for this test; in_ns CMD... runs CMD inside it.
ns_start() {
	require_root
	command -v unshare >/dev/null && command -v nsenter >/dev/null ||
		skip "needs unshare and nsenter (util-linux)"
	unshare -m --propagation private sleep 600 &
	NS_PID=$!
	local i
	for i in $(seq 100); do
		[ "$(readlink "/proc/$NS_PID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ] && return 0
		sleep 0.05
	done
	fail "the mount namespace did not come up"
}

in_ns() {
	nsenter -t "$NS_PID" -m -- "$@"
}

# old_outputs DIR: what an earlier run left: DIR/out.json and DIR/xl/*.cfg,
# with a checksum list in $BATS_TEST_TMPDIR/old.sums (paths relative to DIR).
old_outputs() {
	local dir=$1
	"$NETC" -t json samples/nat.yaml -o "$dir/out.json"
	"$NETC" -t xl samples/classic.yaml -o "$dir/xl"
	(cd "$dir" && find . -type f | sort | xargs sha256sum) > "$BATS_TEST_TMPDIR/old.sums"
}

# unchanged DIR [CMD-PREFIX...]: the files under DIR are exactly the old ones
# (no new file, no temporary, no change), looked at through CMD-PREFIX.
unchanged() {
	local dir=$1
	shift
	run "$@" sh -c 'cd "$1" && find . -type f | sort | xargs sha256sum' sh "$dir"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/old.sums")"
}

# A topology whose outputs differ from the old ones (so a write would show).
changed_topology() {
	sed 's/00:16:3e:00:00:11/00:16:3e:00:00:12/' samples/classic.yaml > "$BATS_TEST_TMPDIR/new.yaml"
	printf '%s\n' "$BATS_TEST_TMPDIR/new.yaml"
}

@test "output: a read-only directory: exit 3, the old outputs untouched" {
	ns_start
	local new
	new=$(changed_topology)
	old_outputs "$D"
	in_ns mount --bind "$D" "$D"
	in_ns mount -o remount,bind,ro "$D"
	run --separate-stderr in_ns "$NETC" -t json "$new" -o "$D/out.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/out.json': Read-only file system"
	run --separate-stderr in_ns "$NETC" -t xl "$new" -o "$D/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/xl/web.cfg': Read-only file system"
	# A new directory for -t xl cannot be made either.
	run --separate-stderr in_ns "$NETC" -t xl "$new" -o "$D/xl2"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot create directory '$D/xl2': Read-only file system"
	unchanged "$D" in_ns
	# Seen from outside the namespace, the same.
	unchanged "$D"
}

@test "output: a full disk: exit 3, the old outputs untouched, no temporary left" {
	ns_start
	local new
	new=$(changed_topology)
	in_ns mount -t tmpfs -o size=64k,mode=0755 netc-full "$D"
	in_ns sh -c "$(declare -f old_outputs); NETC='$NETC'; cd '$TOP'; old_outputs '$D'"
	cp "$BATS_TEST_TMPDIR/old.sums" "$BATS_TEST_TMPDIR/old.sums.keep"
	# Fill it up: cat stops at ENOSPC.
	in_ns sh -c 'cat /dev/zero > "$1/filler"' sh "$D" && fail "64 KiB took everything"
	in_ns sh -c 'cd "$1" && find . -type f | sort | xargs sha256sum' sh "$D" |
		grep -v ' ./filler$' | diff - "$BATS_TEST_TMPDIR/old.sums"
	in_ns sha256sum "$D/filler" | sed "s|$D/|./|" > "$BATS_TEST_TMPDIR/filler.sum"
	sort -k2 "$BATS_TEST_TMPDIR/old.sums.keep" "$BATS_TEST_TMPDIR/filler.sum" > "$BATS_TEST_TMPDIR/old.sums"

	run --separate-stderr in_ns "$NETC" -t json "$new" -o "$D/out.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/out.json': No space left on device"
	run --separate-stderr in_ns "$NETC" -t xl "$new" -o "$D/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/xl/web.cfg': No space left on device"
	unchanged "$D" in_ns
}

@test "output: a big output written as it is made fills the disk: exit 3, the old file kept, no temporary left" {
	ns_start
	in_ns mount -t tmpfs -o size=256k,mode=0755 netc-full "$D"
	awk 'BEGIN {
		print "version: 1\ndefaults: { mac-seed: t, mac-prefix: local }\nnetworks: { xenbr0: {} }\ndomains:"
		for (i = 0; i < 2000; i++) printf "  d%04d: { vifs: [ {}, {} ], xl: { memory: 512 } }\n", i
	}' > "$BATS_TEST_TMPDIR/big.yaml"
	# Its JSON is some 2 MB: it leaves netc in 64 KiB pieces, and the
	# pieces after the first few find the disk full.
	[ "$("$NETC" -t json "$BATS_TEST_TMPDIR/big.yaml" | wc -c)" -gt 1000000 ]
	in_ns sh -c 'echo old > "$1/out.json"' sh "$D"
	run --separate-stderr in_ns "$NETC" -t json "$BATS_TEST_TMPDIR/big.yaml" -o "$D/out.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/out.json': No space left on device"
	assert_equal "$(in_ns cat "$D/out.json")" old
	assert_equal "$(in_ns ls -A "$D")" out.json
	# The same to a full standard output: one message, not one a piece.
	run --separate-stderr sh -c '"$1" -t json "$2" > /dev/full' sh "$NETC" "$BATS_TEST_TMPDIR/big.yaml"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write to standard output: No space left on device"
}

@test "output: a disk that fills up midway through -t xl: no file replaced, every temporary removed" {
	ns_start
	# 64 KiB are 16 pages; ten files take ten, and the ten temporaries of
	# the next run do not fit in the six left.
	in_ns mount -t tmpfs -o size=64k,mode=0755 netc-full "$D"
	awk 'BEGIN {
		print "version: 1\ndefaults: { mac-seed: t }\nnetworks: { xenbr0: {} }\ndomains:"
		for (i = 0; i < 10; i++) printf "  d%02d: { vifs: [ {} ], xl: { memory: 512 } }\n", i
	}' > "$BATS_TEST_TMPDIR/many.yaml"
	in_ns "$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/xl"
	in_ns sh -c 'cd "$1" && find . -type f | sort | xargs sha256sum' sh "$D" > "$BATS_TEST_TMPDIR/old.sums"
	assert_equal "$(grep -c '\.cfg$' "$BATS_TEST_TMPDIR/old.sums")" 10
	sed -i 's/memory: 512/memory: 1024/' "$BATS_TEST_TMPDIR/many.yaml"
	run --separate-stderr in_ns "$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/xl"
	assert_equal "$status" 3
	# Two writers share the six pages: which file meets the full disk
	# first depends on which ran first (output.c), the message is one line.
	[[ "$stderr" =~ ^netc:\ cannot\ write\ \'$D/xl/d0[0-9]\.cfg\':\ No\ space\ left\ on\ device$ ]] ||
		fail "not one message naming a file: $stderr"
	unchanged "$D" in_ns
}

@test "output: a new -t xl directory that fills the disk midway is not made at all" {
	ns_start
	# 64 KiB are 16 pages: twenty files do not fit.  The directory is built
	# as a temporary beside its place; the failure removes it whole.
	in_ns mount -t tmpfs -o size=64k,mode=0755 netc-full "$D"
	awk 'BEGIN {
		print "version: 1\ndefaults: { mac-seed: t }\nnetworks: { xenbr0: {} }\ndomains:"
		for (i = 0; i < 20; i++) printf "  d%02d: { vifs: [ {} ] }\n", i
	}' > "$BATS_TEST_TMPDIR/many.yaml"
	run --separate-stderr in_ns "$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/xl"
	assert_equal "$status" 3
	[[ "$stderr" =~ ^netc:\ cannot\ write\ \'$D/xl/d[01][0-9]\.cfg\':\ No\ space\ left\ on\ device$ ]] ||
		fail "not a failure midway: $stderr"
	run in_ns find "$D" -mindepth 1
	assert_output ""
	# With room, the same run makes the directory and all twenty files.
	in_ns umount "$D"
	"$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/xl"
	assert_equal "$(ls "$D/xl" | wc -l)" 20
	assert_equal "$(find "$D" -name '.netc-*')" ""
}

@test "output: -t xl under a missing parent: exit 3, nothing made" {
	run --separate-stderr "$NETC" -t xl samples/classic.yaml -o "$D/no/such/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot create directory '$D/no/such/xl': No such file or directory"
	[ ! -e "$D/no" ]
}

@test "output: a parent that is a file: exit 3" {
	echo x > "$D/file"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$D/file/out.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/file/out.json': Not a directory"
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$D/file"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write to '$D/file': Not a directory"
	assert_equal "$(cat "$D/file")" x
}

@test "output: a full device, as -o and as standard output: exit 3" {
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o /dev/full
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/dev/full': No space left on device"
	run --separate-stderr sh -c '"$1" -t json samples/nat.yaml > /dev/full' sh "$NETC"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write to standard output: No space left on device"
	# A closed standard output is an error too, not a silent success.  (Not
	# under valgrind: its log file would take descriptor 1.)
	[ "${NETC_SANITIZER:-}" != valgrind ] || return 0
	run --separate-stderr sh -c '"$1" -t json samples/nat.yaml >&-' sh "$NETC"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write to standard output: Bad file descriptor"
}

@test "output: a stale temporary of a killed run is neither reused nor removed" {
	# A stale temporary with netc's own name pattern: netc must not take it
	# over, and must not remove it (it is not this run's).
	echo stale > "$D/.netc-1-0"
	"$NETC" -t json samples/nat.yaml -o "$D/out.json"
	assert_equal "$(cat "$D/.netc-1-0")" stale
	run find "$D" -name '.netc-*' ! -name '.netc-1-0'
	assert_output ""
}
