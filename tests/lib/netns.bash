# Network namespaces for the host script's end-to-end tests (bash, sourced
# by tests/sh_*.bats after `load helper`).
#
# Every namespace is named netc-ROLE-ID, ID unique to the test (suite test
# number and the bats process id, so files run in parallel never collide),
# and is recorded so that ns_cleanup (call it from teardown) removes it and
# every process in it.  Links are created directly inside the namespaces:
# nothing is added to, or changed in, the root namespace.
#
# The picture: a dom0 namespace whose "NICs" are veths with far ends in LAN
# namespaces (the LAN peer holds the first host address and is dom0's
# default gateway).  Guests are never attached here: they boot through
# Xen's own hotplug scripts (tests/lib/xen.bash; guest_boot in
# tests/lib/host.bash).

NS_ID="${BATS_SUITE_TEST_NUMBER:-$BATS_TEST_NUMBER}-$$"
NS_LIST="$BATS_TEST_TMPDIR/namespaces"

ns() { printf 'netc-%s-%s\n' "$1" "$NS_ID"; }

# nsx ROLE CMD...: run CMD inside namespace ROLE.
nsx() {
	local role=$1
	shift
	ip netns exec "$(ns "$role")" "$@"
}

ns_add() {
	local n
	n=$(ns "$1")
	ip netns add "$n"
	echo "$n" >>"$NS_LIST"
	ip -n "$n" link set lo up
	# No IPv6 duplicate address detection: addresses are usable at once,
	# and dumps taken right after a change are stable.
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

ns_cleanup() {
	local n p
	[ -f "$NS_LIST" ] || return 0
	while read -r n; do
		for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done <"$NS_LIST"
	rm -f "$NS_LIST"
}

# ns_nic DOM0 NIC LAN CIDR [GATEWAY]: a NIC of DOM0 whose far end (lan0)
# sits in LAN.  DOM0 gets CIDR on the NIC; the LAN end gets GATEWAY (with
# CIDR's prefix), and DOM0 a default route through it.
ns_nic() {
	local dom0=$1 nic=$2 lan=$3 cidr=$4 gw=${5:-}
	ip link add "$nic" netns "$(ns "$dom0")" type veth peer name lan0 netns "$(ns "$lan")"
	nsx "$dom0" ip link set "$nic" up
	nsx "$lan" ip link set lan0 up
	if [ -n "$cidr" ]; then
		nsx "$dom0" ip addr add "$cidr" dev "$nic"
	fi
	if [ -n "$gw" ]; then
		nsx "$lan" ip addr add "$gw/${cidr#*/}" dev lan0
		nsx "$dom0" ip route add default via "$gw" dev "$nic"
	fi
}

# ns_ping FROM ADDR: succeeds or fails within ~2 s (busybox's ping: the
# test dependencies have busybox, not iputils).
ns_ping() {
	nsx "$1" busybox ping -c 1 -W 1 -q "$2" >/dev/null 2>&1 ||
		nsx "$1" busybox ping -c 1 -W 1 -q "$2" >/dev/null 2>&1
}

# ns_noping FROM ADDR: ADDR does not answer FROM (one try, 1 s).
ns_noping() {
	if nsx "$1" busybox ping -c 1 -W 1 -q "$2" >/dev/null 2>&1; then
		echo "$1 reached $2, and must not" >&2
		return 1
	fi
}

# ns_dump ROLE: everything `down` must restore, as text.
ns_dump() {
	local role=$1 s
	echo "== link"
	nsx "$role" ip -j -p link
	echo
	echo "== addr"
	nsx "$role" ip -j -p addr
	echo
	echo "== route4"
	nsx "$role" ip -j -p route show table all
	echo
	echo "== route6"
	nsx "$role" ip -j -p -6 route show table all
	echo
	echo "== sysctl"
	for s in net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding \
		net.ipv4.conf.all.proxy_arp; do
		nsx "$role" sysctl "$s"
	done
	nsx "$role" sh -c 'for f in /proc/sys/net/ipv4/conf/*/proxy_arp /proc/sys/net/ipv4/conf/*/forwarding; do echo "$f $(cat "$f")"; done'
	echo "== nft"
	nsx "$role" nft list ruleset
}
