#!/usr/bin/env bats
# The README's and the Makefile's promises: make demo, make install.

load helper

setup() {
	cd "$TOP"
}

@test "make install PREFIX DESTDIR installs the binary and both man pages" {
	run make -s install PREFIX=/usr DESTDIR="$BATS_TEST_TMPDIR/root"
	assert_success
	[ -x "$BATS_TEST_TMPDIR/root/usr/bin/netc" ]
	cmp "$BATS_TEST_TMPDIR/root/usr/share/man/man1/netc.1" docs/netc.1
	cmp "$BATS_TEST_TMPDIR/root/usr/share/man/man5/netc-topology.5" docs/netc-topology.5
	run "$BATS_TEST_TMPDIR/root/usr/bin/netc" --version
	assert_output "netc 0.1.0"
}

@test "make demo compiles the classic sample and says where everything went" {
	run make -s demo
	assert_success
	assert_line "netc compiled samples/classic.yaml; the outputs are in build/demo/:"
	for f in setup.sh network-bridge classic.json classic.dot classic.netc lab.sh \
	    xl/web.cfg xl/mail.cfg xl/backup.cfg; do
		[ -s "build/demo/$f" ] || fail "build/demo/$f is missing"
	done
	[ -x build/demo/setup.sh ]
}

@test "the build is -Wall -Wextra -Werror clean with clang too" {
	command -v clang >/dev/null || skip "clang is not installed"
	run make -s -j2 CC=clang BUILD="$BATS_TEST_TMPDIR/build-clang" BIN="$BATS_TEST_TMPDIR/netc-clang"
	assert_success
	[ -z "$(printf '%s\n' "$output" | grep -E '(warning|error):')" ] || fail "$output"
	run "$BATS_TEST_TMPDIR/netc-clang" -t json samples/classic.yaml
	assert_success
	"$NETC" -t json samples/classic.yaml | cmp - <(printf '%s\n' "$output")
}
