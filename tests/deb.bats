#!/usr/bin/env bats
# The Debian package (debian/, docs/boot.md): dpkg-buildpackage builds it
# in a copy of the tree, lintian finds nothing, it holds what `make install`
# installs, installing it enables and starts nothing (nor does upgrading it
# restart anything), the installed netc runs, and purging it removes it all
# but the admin's host script.
#
# It installs a package on this machine: as root only, with dpkg's tools,
# and never over a netc package or an /etc/netc that someone else put
# there.  Everything it installs it purges again (teardown_file).

load helper
load lib/shims

DEB_STATE="${BATS_FILE_TMPDIR:-/nonexistent}/state"

setup_file() {
	local why=
	if [ "$(id -u)" -ne 0 ]; then
		why="needs root: it installs the package (run make check as root)"
	elif ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null ||
		! command -v lintian >/dev/null; then
		why="needs dpkg-dev, debhelper and lintian (scripts/deps.sh check)"
	elif dpkg-query -W -f='${Status}\n' netc 2>/dev/null | grep -q ' installed$'; then
		why="a netc package is already installed here: not replacing it (dpkg -P netc to run this test)"
	elif [ -e /etc/netc ]; then
		why="/etc/netc exists: an admin's configuration, not this test's to touch"
	fi
	mkdir -p "$DEB_STATE"
	if [ -n "$why" ]; then
		printf '%s\n' "$why" >"$DEB_STATE/skip"
		return 0
	fi
	# Not under bats' private (mode 700) directory: the unprivileged
	# test run of the package's check target reads this copy.
	DEB_DIR=$(mktemp -d /tmp/netc-deb.XXXXXX)
	chmod 755 "$DEB_DIR"
	printf '%s\n' "$DEB_DIR" >"$DEB_STATE/dir"
	local version
	version=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
	mkdir "$DEB_DIR/netc-$version"
	# The tree as git sees it, committed or not; no build products.
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ ! -e "$f" ] || printf '%s\0' "$f"; done |
		tar --null -T - -cf -) | tar -xf - -C "$DEB_DIR/netc-$version"
	# nocheck: the check target is tested below, on its own.
	if ! (cd "$DEB_DIR/netc-$version" &&
		deb_env DEB_BUILD_OPTIONS="nocheck noautodbgsym" DEB_BUILD_PROFILES=nocheck \
			dpkg-buildpackage -us -uc -b) >"$DEB_DIR/build.log" 2>&1; then
		cat "$DEB_DIR/build.log" >&2
		echo "dpkg-buildpackage failed" >&2
		return 1
	fi
}

teardown_file() {
	local dir
	dir=$(cat "$DEB_STATE/dir" 2>/dev/null) || return 0
	if [ -f "$DEB_STATE/installed" ]; then
		dpkg -P netc >/dev/null 2>&1 || true
		rm -f /etc/netc/host.sh /etc/systemd/system/multi-user.target.wants/netc.service
		rmdir /etc/netc 2>/dev/null || true
	fi
	rm -rf "$dir"
}

setup() {
	[ ! -f "$DEB_STATE/skip" ] || skip "$(cat "$DEB_STATE/skip")"
	DEB_DIR=$(cat "$DEB_STATE/dir")
	VERSION=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
	DEB=$(ls "$DEB_DIR"/netc_"$VERSION"_*.deb)
	SRC="$DEB_DIR/netc-$VERSION"
}

# deb_env CMD...: CMD in a clean environment: not the make flags (jobserver)
# of a make check that runs this file, nor bats' variables, nor NETC, nor
# bats' own PATH (its libexec first: `bats` there is not the one to run).
deb_env() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="${HOME:-/root}" ${LANG:+LANG="$LANG"} ${LC_ALL:+LC_ALL="$LC_ALL"} "$@"
}

# tree_list DIR: what DIR holds, as dpkg would list it: files, links and
# empty directories, one per line, relative, sorted; a compressed page or
# doc is listed under its own name.
tree_list() {
	(cd "$1" && find . \( -type f -o -type l -o -type d -empty \) ! -path . | sed 's|^\./||; s|\.gz$||' | LC_ALL=C sort)
}

@test "dpkg-buildpackage builds netc's .deb, of netc's version, and lintian reports no error or warning" {
	[ -f "$DEB" ]
	run dpkg-deb -f "$DEB" Package Version Depends Recommends
	assert_success
	assert_line "Package: netc"
	assert_line "Version: $VERSION"
	assert_line --regexp '^Depends: .*libyaml-0-2'
	assert_line "Recommends: dnsmasq-base, iproute2, nftables"
	# netc --version must say the package's version.
	run "$SRC/netc" --version
	assert_output "netc $VERSION"
	# Build-Depends has scripts/deps.sh's build group (gcc and make are
	# build-essential, which every Debian build has).
	for p in $("$TOP/scripts/deps.sh" --list build); do
		case $p in gcc | make) continue ;; esac
		sed -n '/^Build-Depends:/,/^[A-Z]/p' "$TOP/debian/control" | grep -qE "[ :]$p( |,|$)" ||
			fail "Build-Depends lacks $p"
	done
	run --separate-stderr lintian "$DEB_DIR"/netc_"$VERSION"_*.changes
	# lintian fails on an error; warnings are listed, not fatal, for it.
	assert_success
	! printf '%s\n' "$output" | grep -qE '^[EW]: ' || fail "lintian: $output"
}

@test "the .deb holds what make install PREFIX=/usr installs; make uninstall removes it all but the admin's host script" {
	local deb="$BATS_TEST_TMPDIR/deb" inst="$BATS_TEST_TMPDIR/inst" vars
	dpkg-deb -x "$DEB" "$deb"
	vars="PREFIX=/usr SYSTEMDUNITDIR=/lib/systemd/system DESTDIR=$inst"
	# shellcheck disable=SC2086 # one variable a word
	run deb_env make -s -C "$TOP" install $vars
	assert_success
	# dpkg's own files aside (copyright, the changelog), the same paths...
	run diff <(tree_list "$deb" | grep -vxE 'usr/share/doc/netc/(copyright|changelog)') <(tree_list "$inst")
	assert_success
	# ... holding the same text (the binary is another build of the same
	# source: it prints the same).
	for f in $(tree_list "$inst"); do
		[ -f "$inst/$f" ] || continue
		case $f in
		usr/bin/netc) continue ;;
		esac
		if [ -f "$deb/$f.gz" ]; then
			zcat "$deb/$f.gz" | cmp - "$inst/$f" || fail "$f differs"
		else
			cmp "$deb/$f" "$inst/$f" || fail "$f differs"
		fi
	done
	[ -d "$inst/etc/netc" ]
	cmp "$inst/lib/systemd/system/netc.service" "$TOP/systemd/netc.service"
	"$deb/usr/bin/netc" -t json "$SAMPLES/classic.yaml" | cmp - <("$inst/usr/bin/netc" -t json "$SAMPLES/classic.yaml")

	# The admin's script stays; everything make install put there goes.
	echo '#!/bin/sh' >"$inst/etc/netc/host.sh"
	# shellcheck disable=SC2086
	run deb_env make -s -C "$TOP" uninstall $vars
	assert_success
	assert_output --partial "$inst/etc/netc is not empty: left in place"
	run find "$inst" \( -type f -o -type l \) -print
	assert_output "$inst/etc/netc/host.sh"
	[ ! -e "$inst/usr/share/doc/netc" ] || fail "usr/share/doc/netc is left"
	rm "$inst/etc/netc/host.sh"
	# shellcheck disable=SC2086
	run deb_env make -s -C "$TOP" uninstall $vars
	assert_success
	assert_output ""
	[ ! -e "$inst/etc/netc" ] || fail "etc/netc is left"
}

@test "dpkg -i installs it enabling and starting nothing, an upgrade restarts nothing, dpkg -P removes all but the admin's script" {
	# Every systemctl and deb-systemd-invoke the maintainer scripts run is
	# logged (then run): none may start, stop, restart or enable netc.
	shim_install systemctl
	shim_install deb-systemd-invoke || true
	touch "$DEB_STATE/installed"
	PATH="$SHIM_DIR:$PATH" run dpkg -i "$DEB"
	assert_success
	run dpkg-query -W -f='${Status} ${Version}' netc
	assert_output "install ok installed $VERSION"

	# Not enabled, not started.
	run ls /etc/systemd/system/*.wants/netc.service
	assert_failure
	run systemctl is-enabled netc.service
	assert_output disabled
	if [ -d /run/systemd/system ]; then
		run systemctl is-active netc.service
		assert_output inactive
	fi
	[ ! -f "$SHIM_DIR/deb-systemd-invoke.log" ] || fail "deb-systemd-invoke ran: $(cat "$SHIM_DIR/deb-systemd-invoke.log")"
	run grep -wE 'start|restart|stop|enable|reenable' "$SHIM_DIR/systemctl.log"
	assert_failure

	# What it holds works: the binary on an example, the page, the
	# completion, the unit (verified with the installed man page).
	run /usr/bin/netc --version
	assert_output "netc $VERSION"
	/usr/bin/netc -t json /usr/share/doc/netc/examples/classic.yaml | cmp - <("$NETC" -t json "$SAMPLES/classic.yaml")
	run bash -c '. /usr/share/bash-completion/completions/netc && complete -p netc'
	assert_success
	if command -v man >/dev/null; then
		run man -w netc
		assert_output /usr/share/man/man1/netc.1.gz
		run man -w 5 netc-topology
		assert_output /usr/share/man/man5/netc-topology.5.gz
		# The installed unit, its Documentation= page found where man looks.
		if command -v systemd-analyze >/dev/null; then
			run systemd-analyze verify /lib/systemd/system/netc.service 2>&1
			assert_output ""
		fi
	fi
	[ -d /etc/netc ]

	# The admin writes the host script and enables the unit; an upgrade
	# (the same package again: prerm upgrade, postinst configure) keeps it
	# enabled and starts, stops or restarts nothing.
	echo '#!/bin/sh' >/etc/netc/host.sh
	run systemctl enable netc.service
	assert_success
	[ -L /etc/systemd/system/multi-user.target.wants/netc.service ]
	rm -f "$SHIM_DIR"/*.log
	PATH="$SHIM_DIR:$PATH" run dpkg -i "$DEB"
	assert_success
	[ -L /etc/systemd/system/multi-user.target.wants/netc.service ] || fail "the upgrade disabled the unit"
	[ ! -f "$SHIM_DIR/deb-systemd-invoke.log" ] || fail "deb-systemd-invoke ran: $(cat "$SHIM_DIR/deb-systemd-invoke.log")"
	[ ! -f "$SHIM_DIR/systemctl.log" ] || {
		run grep -wE 'start|restart|stop|enable|reenable' "$SHIM_DIR/systemctl.log"
		assert_failure
	}

	# Purge: every file of the package goes, and the enablement with it;
	# the admin's script stays (dpkg never removes what it did not install).
	run dpkg-deb -c "$DEB"
	local files
	files=$(printf '%s\n' "$output" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }')
	[ -n "$files" ]
	PATH="$SHIM_DIR:$PATH" run dpkg -P netc
	assert_success
	run dpkg-query -W -f='${Status}' netc
	refute_output --partial installed
	for f in $files; do
		[ ! -e "$f" ] || fail "$f is left after dpkg -P"
	done
	[ ! -e /etc/systemd/system/multi-user.target.wants/netc.service ] || fail "the enablement is left after dpkg -P"
	[ -f /etc/netc/host.sh ] || fail "dpkg -P removed the admin's host script"
	rm /etc/netc/host.sh
	rmdir /etc/netc
	rm "$DEB_STATE/installed"
}

@test "the package build's test step is make check-pkg, runs as an unprivileged user, and honours nocheck" {
	run deb_env DEB_BUILD_OPTIONS=nocheck make -s -C "$SRC" -f debian/rules -n override_dh_auto_test
	assert_success
	refute_output --partial check-pkg
	run deb_env make -s -C "$SRC" -f debian/rules -n override_dh_auto_test
	assert_output --partial "check-pkg"
	# Only compiler tests: none of the namespace suite.
	run make -s -C "$TOP" -n check-pkg
	assert_output --partial "tests/cli.bats"
	refute_output --regexp 'tests/(sh|lab)_'
	# Run it as nobody in the package's tree, through debian/rules.
	mkdir -p "$DEB_DIR/home"
	chown -R nobody: "$SRC" "$DEB_DIR/home"
	run deb_env HOME="$DEB_DIR/home" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		make -s -C "$SRC" -f debian/rules override_dh_auto_test
	chown -R 0:0 "$SRC"
	assert_success
	assert_line --regexp '^1\.\.[1-9][0-9]+$'
	refute_line --regexp '^not ok'
}
