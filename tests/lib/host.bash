# Shared setup for the host script's tests (tests/sh_*.bats), after
# `load helper`: the namespace and shim helpers, a generated script, and a
# standard dom0 with a LAN.

load lib/netns
load lib/shims
load lib/xen

SCRIPT="$BATS_TEST_TMPDIR/setup.sh"
TESTDATA="$TOP/tests/data/sh"

# The state directory of each test's dom0 is its own (the default, keyed by
# the namespace inode, is tested on its own in sh_guarantees.bats).
export NETC_STATE_DIR="$BATS_TEST_TMPDIR/state"
# The files the preflight reads to tell who configures an uplink (/etc/network,
# /run/systemd, /run/NetworkManager) are read under NETC_ROOT: an empty root
# unless a test makes one (sh_addressing.bats), never the real /etc and /run.
export NETC_ROOT="$BATS_TEST_TMPDIR/root"

# The dom0 of tests/data/modes.yaml: eth0 on the LAN (dom0_with_lan), eth1
# on 203.0.113.0/24 to a namespace "wan" (203.0.113.1, routed mode's
# gatewaydev), and that topology compiled into $SCRIPT with NETC OPTIONS.
modes_host() {
	require_root
	dom0_with_lan
	ns_add wan
	ns_nic dom0 eth1 wan 203.0.113.10/24
	nsx wan ip addr add 203.0.113.1/24 dev lan0
	sh_script "$TESTDATA/modes.yaml" "$@"
}

# sh_script TOPOLOGY [NETC OPTIONS...]: compile into $SCRIPT; its guests
# boot from the same topology (guest_boot).
sh_script() {
	local topo=$1
	shift
	"$NETC" "$@" "$topo" -o "$SCRIPT"
	GUEST_TOPO=$topo
}

# guest_boot NAME [CIDR [GATEWAY]] [DOM0 [HOST]]: the topology's domain
# NAME boots through Xen's own hotplug scripts (tests/lib/xen.bash) on the
# Xen host whose dom0 is namespace DOM0 (default dom0; HOST: the
# topology's host, for --host), from the xl file netc writes for it;
# its guest is namespace NAME (nsx NAME ...).  Then, as the guest's own
# configuration would, eth0 gets CIDR and a default route via GATEWAY.
guest_boot() {
	local name=$1 cidr=${2:-} gw=${3:-} role=${4:-dom0} host=${5:-}
	local xl="$BATS_TEST_TMPDIR/xl/$role"
	if [ ! -e "$xl/.netc" ]; then
		mkdir -p "$xl"
		"$NETC" -q -t xl ${host:+--host "$host"} "$GUEST_TOPO" -o "$xl/"
		: >"$xl/.netc"
	fi
	[ -d "$XEN_DIR/$role" ] || xen_host "$role" "$(ns "$role")" "netc-%s-$NS_ID"
	[ -f "$xl/$name.cfg" ] || guest_cfg_missing "$name"
	xen_boot "$role" "$xl/$name.cfg"
	[ -z "$cidr" ] || nsx "$name" ip addr add "$cidr" dev eth0
	[ -z "$gw" ] || nsx "$name" ip route add default via "$gw"
}

# guest_boot_routed NAME DOM0_ADDR: NAME boots (a route-mode vif), and
# configures itself as a routed guest does: its ip (the first of the
# vif's) as a /32, dom0's address on the link, the default route via it.
guest_boot_routed() {
	local ip
	guest_boot "$1"
	ip=$(xen_store dom0 read "/local/domain/0/backend/vif/$(xen_domid dom0 "$1")/0/ip")
	nsx "$1" ip addr add "${ip%% *}/32" dev eth0
	nsx "$1" ip route add "$2" dev eth0
	nsx "$1" ip route add default via "$2"
}

# guest_cfg NAME VIFSPEC: an xl file of our own (a guest the topology does
# not have) in the place guest_boot takes it from.
guest_cfg() {
	mkdir -p "$BATS_TEST_TMPDIR/xl/dom0"
	printf 'name = "%s"\nvif = [ '"'"'%s'"'"' ]\n' "$1" "$2" >"$BATS_TEST_TMPDIR/xl/dom0/$1.cfg"
}

guest_cfg_missing() {
	echo "guest_boot: no xl file for domain $1 in $BATS_TEST_TMPDIR/xl" >&2
	return 1
}

# on_dom0 ARGS...: run the script inside dom0.
on_dom0() { nsx dom0 sh "$SCRIPT" "$@"; }

# A dom0 whose eth0 is on a LAN 192.0.2.0/24: dom0 .10, LAN peer .1 (dom0's
# default gateway), plus IPv6 2001:db8::10/64 with the LAN at ::1.
dom0_with_lan() {
	ns_add dom0
	ns_add lan
	ns_nic dom0 eth0 lan 192.0.2.10/24 192.0.2.1
	nsx dom0 ip -6 addr add 2001:db8::10/64 dev eth0
	nsx lan ip -6 addr add 2001:db8::1/64 dev lan0
	nsx dom0 ip -6 route add default via 2001:db8::1 dev eth0 metric 100
}

# A dom0 whose eth0 is on that LAN but holds nothing yet (the test gives it
# what a distribution would): the LAN router holds 192.0.2.1/24.
dom0_with_bare_lan() {
	ns_add dom0
	ns_add lan
	ns_nic dom0 eth0 lan ""
	nsx lan ip addr add 192.0.2.1/24 dev lan0
}

# master_of DEV: the bridge DEV is a port of in dom0 ("" for none).
master_of() {
	nsx dom0 ip -o link show dev "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "master") print $(i + 1) }'
}

# has_addr DEV ADDRESS/LEN: dom0's DEV holds that address.
has_addr() { nsx dom0 ip -o addr show dev "$1" | grep -q " $2 "; }

# assert_settled: after up, status finds nothing and up again changes nothing.
assert_settled() {
	run on_dom0 status
	assert_success
	run on_dom0 up
	assert_success
	assert_output --partial "already matches"
}

# assert_same FILE1 FILE2: no difference, or the diff as the failure.
assert_same() {
	if ! diff -u "$1" "$2" >"$BATS_TEST_TMPDIR/diff"; then
		cat "$BATS_TEST_TMPDIR/diff"
		return 1
	fi
}

# wait_operstate DEV STATE: the kernel reports operstate changes a little
# late (linkwatch); wait up to 2 s.
wait_operstate() {
	local tries=20 want
	want=$(echo "$2" | tr '[:upper:]' '[:lower:]')
	while [ "$tries" -gt 0 ]; do
		[ "$(nsx dom0 cat "/sys/class/net/$1/operstate")" = "$want" ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# gone PID: no such process, or only a zombie waiting for its reaper.
gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"
}

host_teardown() {
	xen_cleanup
	ns_cleanup
}
