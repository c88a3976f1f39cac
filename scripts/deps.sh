#!/bin/sh
# Install the Debian packages a make target needs, or say exactly how.
#   scripts/deps.sh build|check|bench|fuzz|docs|deb
#   scripts/deps.sh --list GROUP...     print the packages, install nothing
# As root, missing packages are installed with apt-get (after one
# apt-get update); otherwise the exact apt-get line is printed and the
# script fails.  Nothing is downloaded from anywhere but Debian's mirror.
set -eu

build="gcc make flex bison libyaml-dev pkg-config"
# The Xen test bed (tests/lib/xen.bash) runs Debian's hotplug scripts,
# which it fetches itself (apt-get download xen-utils-common): they need
# bridge-utils for vif-bridge's brctl path, net-tools for vif-route's
# ifconfig, and the jumbo-frame test iputils' ping (busybox cannot set DF).
# xenstore-utils must NOT be installed: the scripts would find its
# xenstore-read before the bed's.
# jq: tests/lib/restore.bash reads ip's JSON to compare hosts.
# bash-completion: tests/completion.bats loads completion/netc through it.
# deb: dpkg-buildpackage builds netc's package (debian/) with debhelper and
# runs make check-pkg (bats); lintian checks it.  tests/systemd.bats runs
# systemd-analyze and systemd-sysv-generator (docs/boot.md);
# tests/sh_matrix.bats runs /lib/systemd/systemd-networkd in a namespace
# (dnsmasq-base: its router advertisements; busybox: udhcpc/udhcpd).
deb="$build debhelper lintian bats bats-support bats-assert"
check="$deb systemd shellcheck graphviz iproute2 nftables
       dnsmasq-base busybox libxen-dev valgrind procps time parallel
       clang libclang-rt-14-dev iputils-ping bridge-utils net-tools jq
       bash-completion"
bench="$build hyperfine valgrind iproute2"
fuzz="$build clang libclang-rt-14-dev"
docs="$build graphviz"

group() {
	case "$1" in
	build) echo "$build" ;;
	check) echo "$check" ;;
	bench) echo "$bench" ;;
	fuzz) echo "$fuzz" ;;
	docs) echo "$docs" ;;
	deb) echo "$deb" ;;
	*) echo "usage: $0 [--list] build|check|bench|fuzz|docs|deb..." >&2; exit 2 ;;
	esac
}

if [ "${1:-}" = --list ]; then
	shift
	for g in "$@"; do group "$g"; done | tr -s '[:space:]' '\n' | sed '/^$/d' | sort -u
	exit 0
fi
want=$(group "${1:-build}")

# Not a Debian system: nothing to do here; the build will say what fails.
command -v dpkg-query >/dev/null 2>&1 || exit 0

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "netc: missing Debian packages:$missing" >&2
	echo "netc: run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "netc: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
