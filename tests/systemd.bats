#!/usr/bin/env bats
# systemd/netc.service, the boot unit that `make install` and the Debian
# package ship (docs/boot.md): systemd's own verifier finds nothing to say
# about it, and it orders before the xendomains.service that Debian 12's
# systemd-sysv-generator makes from xen-utils-common's init script.

load helper
load lib/xen

UNIT="$TOP/systemd/netc.service"

setup() {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	# systemd-analyze verify runs man(1) on every Documentation=man: page:
	# ours are in docs/, not installed.
	mkdir -p "$BATS_TEST_TMPDIR/man/man1" "$BATS_TEST_TMPDIR/man/man5"
	cp "$TOP/docs/netc.1" "$BATS_TEST_TMPDIR/man/man1/"
	cp "$TOP/docs/netc-topology.5" "$BATS_TEST_TMPDIR/man/man5/"
	export MANPATH="$BATS_TEST_TMPDIR/man"
	UNITS="$BATS_TEST_TMPDIR/units"
	mkdir -p "$UNITS"
	cp "$UNIT" "$UNITS/"
}

# verify FILE...: systemd-analyze verify, its stdout and stderr together.
# It exits 0 on unknown keys, missing units and missing pages alike: only
# an empty output says there was nothing to report.
verify() {
	run systemd-analyze verify "$@" 2>&1
}

# xen_units: Debian 12's xen.service and xendomains.service, as
# systemd-sysv-generator makes them at boot from the init scripts of the
# unpacked xen-utils-common (tests/lib/xen.bash), both enabled in runlevel 3
# as the package enables them; into $UNITS.
xen_units() {
	local gen root="$TOP/build/xen-utils-common" rc="$BATS_TEST_TMPDIR/rc"
	gen=$(ls /lib/systemd/system-generators/systemd-sysv-generator \
		/usr/lib/systemd/system-generators/systemd-sysv-generator 2>/dev/null | head -n 1)
	[ -n "$gen" ] || skip "systemd-sysv-generator is not installed"
	xen_fetch || fail "cannot fetch xen-utils-common"
	mkdir -p "$rc/rc3.d" "$BATS_TEST_TMPDIR/none" "$BATS_TEST_TMPDIR/gen"
	ln -s ../init.d/xen "$rc/rc3.d/S01xen"
	ln -s ../init.d/xendomains "$rc/rc3.d/S02xendomains"
	# No native unit of this machine's may stand in for the scripts.
	SYSTEMD_UNIT_PATH="$BATS_TEST_TMPDIR/none" SYSTEMD_SYSVINIT_PATH="$root/etc/init.d" \
		SYSTEMD_SYSVRCND_PATH="$rc" "$gen" "$BATS_TEST_TMPDIR/gen" "$BATS_TEST_TMPDIR/gen" \
		"$BATS_TEST_TMPDIR/gen" || fail "systemd-sysv-generator failed"
	[ -f "$BATS_TEST_TMPDIR/gen/xendomains.service" ] || fail "no xendomains.service generated"
	[ -f "$BATS_TEST_TMPDIR/gen/xen.service" ] || fail "no xen.service generated"
	[ -L "$BATS_TEST_TMPDIR/gen/multi-user.target.wants/xendomains.service" ] ||
		fail "xendomains.service is not wanted by multi-user.target"
	# Their one Documentation= page, systemd-sysv-generator(8), is not on
	# every machine (man pages are often left out of containers) and is not
	# what is tested here: verify would report its absence.
	sed '/^Documentation=/d' "$BATS_TEST_TMPDIR/gen/xen.service" >"$UNITS/xen.service"
	sed '/^Documentation=/d' "$BATS_TEST_TMPDIR/gen/xendomains.service" >"$UNITS/xendomains.service"
}

@test "systemd-analyze verify has nothing to say about netc.service" {
	# The condition's file need not exist: verify checks ExecStart's
	# program (/bin/sh), not the unit's conditions.
	verify "$UNITS/netc.service"
	assert_success
	assert_output ""
}

@test "the verifier's empty output means something: it reports a unit's mistakes" {
	# The same check on broken copies of the unit: each must be reported.
	sed 's/^Type=oneshot/Type=oneshot\nExecStartt=x/' "$UNIT" >"$UNITS/netc.service"
	verify "$UNITS/netc.service"
	assert_output --partial "Unknown key 'ExecStartt' in section [Service]"
	sed 's|^Documentation=man:netc(1)|Documentation=man:netc-nonesuch(8)|' "$UNIT" >"$UNITS/netc.service"
	verify "$UNITS/netc.service"
	assert_output --partial "man netc-nonesuch(8)"
	sed 's|^ExecStart=/bin/sh |ExecStart=/nonexistent/sh |' "$UNIT" >"$UNITS/netc.service"
	verify "$UNITS/netc.service"
	assert_output --partial "/nonexistent/sh"
}

@test "netc.service runs /etc/netc/host.sh up once at boot, after the network is online, and has no stop action" {
	# Every key of the unit, as systemd reads them (comments and sections
	# aside).  No ExecStop: stopping it at shutdown or on upgrade leaves
	# the network, and the running guests, alone (docs/boot.md).
	run sh -c "sed -n '/^[A-Za-z]/p' '$UNIT'"
	assert_output "Description=Xen host network (netc host script /etc/netc/host.sh)
Documentation=man:netc(1)
ConditionPathExists=/etc/netc/host.sh
Wants=network-online.target
After=network-online.target
Before=xendomains.service
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh /etc/netc/host.sh up
WantedBy=multi-user.target"
	run grep -E '^\[' "$UNIT"
	assert_output "[Unit]
[Service]
[Install]"
}

@test "netc.service starts before Debian 12's generated xendomains.service, with no ordering cycle" {
	xen_units
	# Both enabled, as on a host: start jobs for all three, no cycle.
	verify "$UNITS/netc.service" "$UNITS/xen.service" "$UNITS/xendomains.service"
	assert_success
	assert_output ""
	# The ordering is systemd's, not just a line in our file: with
	# xendomains.service also ordered before netc.service, systemd finds the
	# cycle.  (Without our Before=, this drop-in makes no cycle at all.)
	mkdir -p "$UNITS/xendomains.service.d"
	printf '[Unit]\nBefore=netc.service\n' >"$UNITS/xendomains.service.d/reverse.conf"
	verify "$UNITS/netc.service" "$UNITS/xen.service" "$UNITS/xendomains.service"
	# Which of the two jobs systemd names first varies from run to run.
	assert_output --regexp "Found ordering cycle on (netc|xendomains)\.service/start"
	assert_output --regexp "Found dependency on (netc|xendomains)\.service/start"
	assert_output --partial "Transaction order is cyclic"
}

@test "docs/boot.md shows the unit as it is shipped" {
	run diff <(awk '/^### The unit/ { f = 1; next } f && /^```$/ { if (inb) exit; inb = 1; next } inb' "$TOP/docs/boot.md") \
		<(grep -v '^#' "$UNIT")
	assert_success
}
