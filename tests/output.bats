#!/usr/bin/env bats
# Output safety (netc(1), OUTPUT PATH): writing into a read-only directory, onto
# a full disk, under a missing parent, or to a full device exits 3 with a
# message naming the path and the reason, leaves the old output as it was,
# and leaves no temporary behind.  (tests/cli.bats has the missing parent of
# a single file and an output path that is a directory.)  -t xl makes a
# directory's missing parents, and removes them again when it fails.
#
# As root, permission bits stop nothing: the read-only directory is a
# read-only bind mount and the full disk a 64 KiB tmpfs, both made in a
# mount namespace of this test's own (a `sleep` holds it; commands enter it
# with nsenter), so nothing reaches the real mount table.
#
# Where -o leads (issue 26, item 9; netc(1), -o): never onto the input;
# /dev/stdout and /proc/self/fd/N are netc's descriptors, written through;
# a replaced file keeps its owner and mode; another user's link in a
# sticky world-writable directory is not followed.  Another user is uid
# 65534 (nobody): links and files are chown'd to it, and netc itself runs
# as it under setpriv; nothing else of the machine changes.

load helper

setup() {
	cd "$TOP"
	D="$BATS_TEST_TMPDIR/d"
	mkdir -p "$D"
	NS_PID=
	BG_PID=
	SHARED=
}

teardown() {
	if [ -n "$BG_PID" ]; then
		kill "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
	fi
	[ -z "$SHARED" ] || rm -rf "$SHARED"
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

# small_disk SIZE: a private mount namespace (ns_start) in which $D is a
# tmpfs of SIZE.
small_disk() {
	ns_start
	in_ns mount -t tmpfs -o "size=$1,mode=0755" netc-full "$D"
}

# many_guests N [XL]: $BATS_TEST_TMPDIR/many.yaml, guests d00, d01, ... of
# one vif each on xenbr0, each with the xl map XL ("memory: 512") if given.
many_guests() {
	awk -v n="$1" -v xl="${2:-}" 'BEGIN {
		print "version: 1\ndefaults: { mac-seed: t }\nnetworks: { xenbr0: {} }\ndomains:"
		for (i = 0; i < n; i++) printf "  d%02d: { vifs: [ {} ]%s }\n", i, (xl == "" ? "" : ", xl: { " xl " }")
	}' >"$BATS_TEST_TMPDIR/many.yaml"
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
	local new
	new=$(changed_topology)
	small_disk 64k
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
	small_disk 256k
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
	# 64 KiB are 16 pages; ten files take ten, and the ten temporaries of
	# the next run do not fit in the six left.
	small_disk 64k
	many_guests 10 "memory: 512"
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
	# 64 KiB are 16 pages: twenty files do not fit.  The directory is built
	# as a temporary beside its place; the failure removes it whole.
	small_disk 64k
	many_guests 20
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

@test "output: -t xl -o a/b/ makes the missing parents, 0755 less the umask" {
	run --separate-stderr sh -c 'umask 022 && "$1" -t xl samples/classic.yaml -o "$2"' sh "$NETC" "$D/no/such/xl/"
	assert_success
	assert_equal "$(stat -c %a "$D/no" "$D/no/such" | tr '\n' ' ')" "755 755 "
	assert_equal "$(ls "$D/no/such/xl" | tr '\n' ' ')" "backup.cfg mail.cfg web.cfg "
	# The umask applies, as to mkdir -p's.
	run --separate-stderr sh -c 'umask 027 && "$1" -t xl samples/classic.yaml -o "$2"' sh "$NETC" "$D/u/v/xl"
	assert_success
	assert_equal "$(stat -c %a "$D/u" "$D/u/v" | tr '\n' ' ')" "750 750 "
	# An existing part of the path is left as it is; ".." and "//" work.
	chmod 0700 "$D/u"
	"$NETC" -t xl samples/classic.yaml -o "$D/u//w/../x/xl"
	assert_equal "$(stat -c %a "$D/u" "$D/u/w" "$D/u/x" | tr '\n' ' ')" "700 755 755 "
	[ -f "$D/u/x/xl/web.cfg" ]
	# A link to a missing directory makes that directory, as a link to a
	# missing file makes the file.
	ln -s "$D/target" "$D/link"
	"$NETC" -t xl samples/classic.yaml -o "$D/link/a/xl"
	[ -d "$D/target" ] && [ -L "$D/link" ] && [ -f "$D/target/a/xl/web.cfg" ]
	assert_equal "$(find "$D" -name '.netc-*')" ""
}

@test "output: the parents -t xl made go again when the directory is not made" {
	# The run fails midway: the 64 KiB disk holds the parents, not twenty
	# files; neither the directory nor its parents stay.
	small_disk 64k
	many_guests 20
	run --separate-stderr in_ns "$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/a/b/xl"
	assert_equal "$status" 3
	[[ "$stderr" =~ ^netc:\ cannot\ write\ \'$D/a/b/xl/d[01][0-9]\.cfg\':\ No\ space\ left\ on\ device$ ]] ||
		fail "not a failure midway: $stderr"
	run in_ns find "$D" -mindepth 1
	assert_output ""
	# A parent that was there stays.
	in_ns mkdir "$D/a"
	run --separate-stderr in_ns "$NETC" -t xl "$BATS_TEST_TMPDIR/many.yaml" -o "$D/a/b/xl"
	assert_equal "$status" 3
	run in_ns find "$D" -mindepth 1
	assert_output "$D/a"
	# A read-only disk: the first parent cannot be made; nothing is.
	in_ns mount -o remount,ro "$D"
	run --separate-stderr in_ns "$NETC" -t xl "$TOP/samples/classic.yaml" -o "$D/c/d/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot create directory '$D/c': Read-only file system"
}

@test "output: a parent that is a file: exit 3, the message names it" {
	echo x > "$D/file"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$D/file/out.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/file/out.json': Not a directory"
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$D/file"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write to '$D/file': Not a directory"
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$D/file/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot create directory '$D/file/xl': '$D/file' is not a directory"
	# Further up, after parents it made: they go again.
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$D/new/file/x/xl"
	assert_success
	rm -r "$D/new/file"
	echo y > "$D/new/file"
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$D/new/a/../file/x/y/xl/"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot create directory '$D/new/a/../file/x/y/xl/': '$D/new/a/../file' is not a directory"
	[ ! -e "$D/new/a" ]
	assert_equal "$(cat "$D/file")" x
	assert_equal "$(cat "$D/new/file")" y
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

# no_temporaries DIR: netc left nothing of its own under DIR.
no_temporaries() {
	run find "$1" -name '.netc-*'
	assert_output ""
}

@test "output: -o onto the input, or a hard or symbolic link to it, is refused: exit 3, the input untouched" {
	local in="$D/topo.yaml" t
	cp samples/nat.yaml "$in"
	ln "$in" "$D/hard.yaml"
	ln -s topo.yaml "$D/sym.yaml"
	for t in sh yaml json; do
		run --separate-stderr "$NETC" -t "$t" "$in" -o "$in"
		assert_equal "$status" 3
		assert_equal "$stderr" "netc: cannot write '$in': it is the input file '$in'"
		run --separate-stderr "$NETC" -t "$t" "$in" -o "$D/hard.yaml"
		assert_equal "$status" 3
		assert_equal "$stderr" "netc: cannot write '$D/hard.yaml': it is the input file '$in'"
		run --separate-stderr "$NETC" -t "$t" "$D/sym.yaml" -o "$in"
		assert_equal "$status" 3
		assert_equal "$stderr" "netc: cannot write '$in': it is the input file '$D/sym.yaml'"
	done
	# Read from standard input, or written through standard output.
	run --separate-stderr sh -c '"$1" -f yaml - -o "$2" < "$2"' sh "$NETC" "$D/sym.yaml"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/sym.yaml': it is the input file (standard input)"
	run --separate-stderr sh -c '"$1" -t json "$2" -o /dev/stdout >> "$2"' sh "$NETC" "$in"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/dev/stdout': it is the input file '$in'"
	# One of -t xl's files.
	mkdir "$D/xl"
	ln -s ../topo.yaml "$D/xl/build2.cfg"
	run --separate-stderr "$NETC" -t xl "$in" -o "$D/xl"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/xl/build2.cfg': it is the input file '$in'"
	[ ! -e "$D/xl/build1.cfg" ] || fail "a file was written beside the refused one"
	cmp "$in" samples/nat.yaml
	[ -L "$D/sym.yaml" ] && [ -L "$D/xl/build2.cfg" ]
	assert_equal "$(stat -c %h "$in")" 2
	no_temporaries "$D"
}

@test "output: -o /dev/stdout, /dev/fd/N, /proc/self/fd/N write through the descriptor: the file behind it is not replaced" {
	local json ino
	json=$("$NETC" -t json samples/nat.yaml)
	echo old > "$D/f"
	ino=$(stat -c %i "$D/f")
	# Appended to, as >> asked: the same file, its old text kept.
	"$NETC" -t json samples/nat.yaml -o /dev/stdout >> "$D/f"
	assert_equal "$(cat "$D/f")" "old
$json"
	assert_equal "$(stat -c %i "$D/f")" "$ino"
	# Written from the start, as > asked.
	"$NETC" -t json samples/nat.yaml -o /dev/stdout > "$D/f"
	assert_equal "$(cat "$D/f")" "$json"
	assert_equal "$(stat -c %i "$D/f")" "$ino"
	# Any descriptor netc was given, named either way.
	"$NETC" -t json samples/nat.yaml -o /proc/self/fd/3 3>> "$D/f"
	"$NETC" -t json samples/nat.yaml -o /dev/fd/4 4>> "$D/f"
	assert_equal "$(cat "$D/f")" "$json
$json
$json"
	assert_equal "$(stat -c %i "$D/f")" "$ino"
	# Through a link to /dev/stdout, the same; a script's mode is the
	# file's own (a descriptor's file is not netc's to chmod).
	ln -s /dev/stdout "$D/out"
	chmod 0640 "$D/f"
	"$NETC" samples/nat.yaml -o "$D/out" > "$D/f"
	"$NETC" samples/nat.yaml | cmp - "$D/f"
	assert_equal "$(stat -c %i:%a "$D/f")" "$ino:640"
	no_temporaries "$D"
	# A socket, which cannot be opened by name (ENXIO), is written too.
	command -v python3 >/dev/null || skip "the socket case needs python3"
	run python3 -c '
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.run(sys.argv[1:], stdout=a.fileno())
a.close()
data = b""
while True:
    d = b.recv(65536)
    if not d:
        break
    data += d
sys.stdout.write(data.decode())
sys.exit(p.returncode)' "$NETC" -t json samples/nat.yaml -o /dev/stdout
	assert_success
	assert_output "$json"
}

@test "output: a descriptor that cannot be written: exit 3, nothing replaced" {
	echo old > "$D/f"
	run --separate-stderr sh -c '"$1" -t json samples/nat.yaml -o /proc/self/fd/3 3< "$2"' sh "$NETC" "$D/f"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/proc/self/fd/3': Bad file descriptor"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o /dev/fd/9
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/dev/fd/9': Bad file descriptor"
	# Another process's descriptor is not netc's: refused, not reopened.
	sleep 600 3>> "$D/f" &
	BG_PID=$!
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "/proc/$BG_PID/fd/3"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/proc/$BG_PID/fd/3': '/proc/$BG_PID/fd/3' is a link in /proc to a file that is not one of netc's descriptors: name the file itself"
	assert_equal "$(cat "$D/f")" old
	no_temporaries "$D"
	# A closed standard output.  (Not under valgrind: its log file would
	# take descriptor 1.)
	[ "${NETC_SANITIZER:-}" != valgrind ] || return 0
	run --separate-stderr sh -c '"$1" -t json samples/nat.yaml -o /dev/stdout >&-' sh "$NETC"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '/dev/stdout': Bad file descriptor"
}

@test "output: a replaced file keeps its owner and permission bits; a script is made runnable where it is readable" {
	require_root
	local t mode want
	umask 022
	for t in "json 0640 640" "json 0600 600" "sh 0644 755" "sh 0600 700" "sh 0604 705" "sh 2750 2750"; do
		set -- $t
		echo old > "$D/f"
		chown 65534:100 "$D/f"
		chmod "$2" "$D/f"
		"$NETC" -t "$1" samples/nat.yaml -o "$D/f"
		assert_equal "$1 $(stat -c '%u:%g %a' "$D/f")" "$1 65534:100 $3"
		"$NETC" -t "$1" samples/nat.yaml | cmp - "$D/f"
	done
	# The file a link names, and -t xl's files.
	ln -s f "$D/link"
	chmod 0600 "$D/f"
	"$NETC" -t json samples/nat.yaml -o "$D/link"
	assert_equal "$(stat -c '%u:%g %a' "$D/f")" "65534:100 600"
	"$NETC" -t xl samples/nat.yaml -o "$D/xl"
	chown 65534:100 "$D/xl/build1.cfg"
	chmod 0600 "$D/xl/build1.cfg"
	sed -i 's/00:16:3e/00:16:3f/' "$D/xl/build1.cfg"
	"$NETC" -t xl samples/nat.yaml -o "$D/xl"
	assert_equal "$(stat -c '%u:%g %a' "$D/xl/build1.cfg" "$D/xl/build2.cfg")" "65534:100 600
0:0 644"
	grep -q 00:16:3e "$D/xl/build1.cfg"
	# A new file: netc's, 0755 for a script and 0644 otherwise, less the umask.
	"$NETC" samples/nat.yaml -o "$D/new.sh"
	"$NETC" -t json samples/nat.yaml -o "$D/new.json"
	assert_equal "$(stat -c '%u:%g %a' "$D/new.sh" "$D/new.json")" "0:0 755
0:0 644"
	no_temporaries "$D"
}

@test "output: a file netc cannot give its owner back is refused, and left as it was" {
	require_root
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	skip_under_valgrind "its wrapper writes logs uid 65534 cannot"
	# A directory uid 65534 can reach and write (the test's own is 0700).
	SHARED=$(mktemp -d /tmp/netc-output.XXXXXX)
	chmod 0777 "$SHARED"
	echo old > "$SHARED/root.json"
	chmod 0666 "$SHARED/root.json"
	run --separate-stderr setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$NETC" -t json samples/nat.yaml -o "$SHARED/root.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$SHARED/root.json': cannot keep its owner (uid 0, gid 0) on the new file: Operation not permitted"
	assert_equal "$(cat "$SHARED/root.json")" old
	assert_equal "$(stat -c '%u:%g %a' "$SHARED/root.json")" "0:0 666"
	# Its own file it replaces.
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$NETC" -t json samples/nat.yaml -o "$SHARED/own.json"
	setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$NETC" -t json samples/nat.yaml -o "$SHARED/own.json"
	assert_equal "$(stat -c '%u:%g' "$SHARED/own.json")" "65534:65534"
	no_temporaries "$SHARED"
}

@test "output: in a sticky world-writable directory another user's symbolic link is not followed, whatever fs.protected_symlinks says" {
	require_root
	# netc reads links itself (readlinkat, which the sysctl does not
	# guard), so the sysctl's value changes nothing; it is shown, not set.
	echo "fs.protected_symlinks = $(cat /proc/sys/fs/protected_symlinks 2>/dev/null)" >&3 || true
	local s="$D/tmp" msg
	mkdir -m 1777 "$s"
	mkdir "$D/etc"
	echo victim > "$D/etc/victim"
	ln -s ../etc/victim "$s/out.sh"
	ln -s ../etc "$s/sub"
	ln -s ../etc/missing "$s/dangling"
	chown -h 65534:65534 "$s/out.sh" "$s/sub" "$s/dangling"
	msg() { printf "netc: cannot write%s '%s': not following '%s', a symbolic link of another user (uid 65534) in a sticky world-writable directory" "$1" "$2" "$3"; }
	run --separate-stderr "$NETC" samples/nat.yaml -o "$s/out.sh"
	assert_equal "$status" 3
	assert_equal "$stderr" "$(msg "" "$s/out.sh" "$s/out.sh")"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$s/sub/x.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "$(msg "" "$s/sub/x.json" "$s/sub")"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$s/dangling"
	assert_equal "$status" 3
	assert_equal "$stderr" "$(msg "" "$s/dangling" "$s/dangling")"
	run --separate-stderr "$NETC" -t xl samples/nat.yaml -o "$s/sub"
	assert_equal "$status" 3
	assert_equal "$stderr" "$(msg " to" "$s/sub" "$s/sub")"
	# Reached through a link of netc's own user, the same.
	ln -s tmp/out.sh "$D/mine"
	run --separate-stderr "$NETC" samples/nat.yaml -o "$D/mine"
	assert_equal "$status" 3
	assert_equal "$stderr" "$(msg "" "$D/mine" "$D/tmp/out.sh")"
	assert_equal "$(cat "$D/etc/victim")" victim
	assert_equal "$(ls -A "$D/etc")" victim
	[ -L "$s/out.sh" ] && [ -L "$s/sub" ] && [ -L "$s/dangling" ]
	no_temporaries "$D"

	# The kernel's exceptions: a link of netc's user, or of the
	# directory's owner, is followed; so is any link in a directory that
	# is sticky but not world-writable.
	ln -s ../etc/victim "$s/root-link"
	"$NETC" -t json samples/nat.yaml -o "$s/root-link"
	"$NETC" -t json samples/nat.yaml | cmp - "$D/etc/victim"
	mkdir -m 1777 "$D/tmp2"
	chown 65534 "$D/tmp2"
	ln -s ../etc/a.json "$D/tmp2/owners"
	chown -h 65534 "$D/tmp2/owners"
	"$NETC" -t json samples/nat.yaml -o "$D/tmp2/owners"
	[ -f "$D/etc/a.json" ]
	mkdir -m 1775 "$D/tmp3"
	ln -s ../etc/b.json "$D/tmp3/other"
	chown -h 65534 "$D/tmp3/other"
	"$NETC" -t json samples/nat.yaml -o "$D/tmp3/other"
	[ -f "$D/etc/b.json" ]
}

@test "output: a symbolic link whose file is missing: the file it names is made, the link stays" {
	mkdir "$D/real"
	ln -s real/setup.sh "$D/setup.sh"
	"$NETC" samples/nat.yaml -o "$D/setup.sh"
	[ -L "$D/setup.sh" ] || fail "the link was replaced by a file"
	"$NETC" samples/nat.yaml | cmp - "$D/real/setup.sh"
	# A link into a missing directory: the message names the path given.
	ln -s nowhere/x.json "$D/x.json"
	run --separate-stderr "$NETC" -t json samples/nat.yaml -o "$D/x.json"
	assert_equal "$status" 3
	assert_equal "$stderr" "netc: cannot write '$D/x.json': No such file or directory"
	[ -L "$D/x.json" ]
}
