#!/usr/bin/env bats
# dom0 as real distributions leave it (issue 27): each row builds dom0's
# uplink as a distribution's network stack leaves the kernel -- with the
# real client where it runs here (busybox udhcpc against busybox udhcpd,
# systemd-networkd, dnsmasq's router advertisements), kept running through
# up and down; NetworkManager, which cannot run here, as the exact ip
# commands it issues.  Then (tests/lib/matrix.bash): plan and up succeed,
# dom0 reaches the LAN and the LAN dom0 (IPv4, IPv6 where the row has it),
# status is clean, up again changes nothing, down restores exactly
# (host_dump); and on a second copy of the row, at the same time, a
# failure injected at each ip call of up and at each line of its batch
# leaves dom0 exactly as it was.  docs/host-script.md has the table.

load helper
load lib/host
load lib/restore
load lib/matrix

setup() {
	require_root
	command -v jq >/dev/null || skip "jq is needed to compare hosts"
	sh_script "$TESTDATA/bridge.yaml" -q
}

teardown() { host_teardown; }

# --- ifupdown ---------------------------------------------------------------

# /etc/network/interfaces `iface eth0 inet static` and `inet6 static`:
# ifupdown's own commands (inet.defn, inet6.defn); routes proto boot.
ifupdown_static() {
	mx_pair "$1"
	nsx "d$1" ip addr add 192.0.2.10/255.255.255.0 broadcast + dev eth0 label eth0
	nsx "d$1" ip link set dev eth0 up
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0 onlink
	nsx "d$1" ip -6 addr add 2001:db8::10/64 dev eth0
	nsx "d$1" ip -6 route add default via 2001:db8::1 dev eth0 onlink
}

ifupdown_static_up() {
	run cat "$BATS_TEST_TMPDIR/plan-$1"
	assert_line "route del default via 192.0.2.1 onlink dev eth0"
	assert_line "addr del 192.0.2.10/24 dev eth0"
	assert_line "addr add 192.0.2.10/24 scope global brd 192.0.2.255 dev xenbr0"
	assert_line "route add default via 192.0.2.1 onlink dev xenbr0"
	assert_line "route add ::/0 via 2001:db8::1 metric 1024 onlink pref medium dev xenbr0"
	run nsx "d$1" ip -o route show default
	assert_output --regexp "^default via 192\.0\.2\.1 dev xenbr0 onlink *$"
}

@test "matrix: ifupdown static (proto boot, onlink)" {
	mx_row ifupdown_static ifupdown_static_up
}

# `iface eth0 inet dhcp`: a DHCP client daemon on eth0 (busybox udhcpc
# with dhclient-script's way: the address with the lease's lifetime, the
# default route without a protocol), against busybox udhcpd in the LAN.
ifupdown_dhcp() {
	mx_pair "$1"
	mx_udhcpd "$1"
	mx_udhcpc "$1"
	run nsx "d$1" ip -o -4 addr show dev eth0
	assert_output --regexp "inet 192\.0\.2\.1[01][0-9]/24 .* dynamic eth0"
}

# While up, the client renews on eth0 (SIGUSR1: as when T1 comes): its
# requests leave through the port, but the server's answers go to the
# bridge, not to the client's socket on eth0: no lease, nothing changes,
# the client keeps running (and once the lease ends, it deconfigures
# eth0, which holds nothing).  The address stays, permanent, on xenbr0.
ifupdown_dhcp_up() {
	local f="$BATS_TEST_TMPDIR/udhcpc-$1"
	kill -USR1 "$(cat "$f.pid")"
	mx_wait "$1" "udhcpc's renew request" grep -q 'sending renew' "$f.log"
	sleep 4
	kill -0 "$(cat "$f.pid")"
	run cat "$f.out"
	assert_output --regexp "^bound ip=192\.0\.2\.1[01][0-9] mask=24 router=192\.0\.2\.1 dns=192\.0\.2\.1 192\.0\.2\.53 lease=3600$"
	run nsx "d$1" ip -o -4 addr show dev xenbr0
	assert_output --regexp "inet 192\.0\.2\.1[01][0-9]/24 .*valid_lft forever"
	run nsx "d$1" ip -o addr show dev eth0 scope global
	assert_output ""
	run mx_run "$1" status
	assert_success
}

@test "matrix: ifupdown + a DHCP client (udhcpc -B against udhcpd: a lease with lifetimes, default route without proto)" {
	mx_row ifupdown_dhcp ifupdown_dhcp_up
}

# --- systemd-networkd (running in dom0) ------------------------------------

# DHCP=ipv4 on eth0, against busybox udhcpd in the LAN: the lease with its
# lifetime, a default route proto dhcp metric 1024 with src, and host
# routes to the gateway and the DNS server.
networkd_dhcp() {
	mx_pair "$1"
	mx_udhcpd "$1"
	mx_networkd "$1" <<'EOF'
[Match]
Name=eth0
[Network]
DHCP=ipv4
EOF
	# (its DISCOVERs back off: 30 s)
	MX_WAIT=30 mx_wait "$1" "networkd's DHCP lease" sh -c 'ip -4 route show default | grep -q "proto dhcp"'
	run nsx "d$1" ip -o -4 route show
	assert_line --regexp "^default via 192\.0\.2\.1 dev eth0 proto dhcp src 192\.0\.2\.1[01][0-9] metric 1024 *$"
}

# networkd lets go of eth0 when it becomes a port (its DHCP client stops),
# and takes it again when down (or a rollback) releases it ("Configuring
# with" in its log): a new lease of the same address ("acquired from"),
# set again on the address netc put back.  On that update networkd 252
# leaves out the address's metric 1024 (and so the kernel's prefix route
# has metric 0): the one difference from the starting state, networkd's
# own.  Settled: eth0 is a port, or every configuration networkd began has
# its lease (with DHCP) and the log has been quiet for 0.3 s (at most 5 s).
# (Static: networkd configures eth0 again too, and finds it all there.)
networkd_settle() {
	local tries=16 log="$BATS_TEST_TMPDIR/networkd-$1/log" n m
	nsx "d$1" ip -o link show eth0 | grep -q master && return 0
	n=$(wc -c <"$log")
	while [ "$tries" -gt 0 ]; do
		sleep 0.3
		m=$(wc -c <"$log")
		if [ "$m" = "$n" ] && { ! grep -q 'acquired from' "$log" ||
			[ "$(grep -c 'eth0: Configuring with' "$log")" = "$(grep -c 'eth0: DHCPv4 address .* acquired from' "$log")" ]; }; then
			return 0
		fi
		n=$m
		tries=$((tries - 1))
	done
}
networkd_norm() {
	sed -e '/^eth0	inet	192\.0\.2\./s/	1024	/	-	/' \
		-e '/"dst":"192\.0\.2\.0\/24","dev":"eth0","protocol":"kernel"/s/,"metric":1024//'
}

networkd_dhcp_up() {
	# the host routes to the gateway and the DNS server come back before
	# the default route through the gateway
	run grep -n -e '^route add 192.0.2.1 proto dhcp' -e '^route add 192.0.2.53 proto dhcp' -e '^route add default' "$BATS_TEST_TMPDIR/plan-$1"
	assert_line --index 2 --regexp '^[0-9]+:route add default via 192\.0\.2\.1 proto dhcp src 192\.0\.2\.1[01][0-9] metric 1024 dev xenbr0$'
	run grep -c '^# note: 192.0.2.1[01][0-9]/24 on eth0 is a DHCP lease' "$BATS_TEST_TMPDIR/plan-$1"
	assert_output 1
	run nsx "d$1" ip -o -4 route show
	assert_line --regexp "^default via 192\.0\.2\.1 dev xenbr0 proto dhcp src 192\.0\.2\.1[01][0-9] metric 1024 *$"
	assert_line --regexp "^192\.0\.2\.1 dev xenbr0 proto dhcp scope link src 192\.0\.2\.1[01][0-9] metric 1024 *$"
	assert_line --regexp "^192\.0\.2\.53 dev xenbr0 proto dhcp scope link src 192\.0\.2\.1[01][0-9] metric 1024 *$"
	assert_line --regexp "^192\.0\.2\.0/24 dev xenbr0 proto kernel scope link src 192\.0\.2\.1[01][0-9] metric 1024 *$"
}

@test "matrix: systemd-networkd DHCP (proto dhcp metric 1024, src, host routes to gateway and DNS)" {
	MX_SETTLE=networkd_settle MX_NORM=networkd_norm mx_row networkd_dhcp networkd_dhcp_up
	# networkd took eth0 back after down: a second lease, without the metric
	run grep -c 'DHCPv4 address 192.0.2.1[0-9]*/24, gateway 192.0.2.1 acquired from 192.0.2.1' "$BATS_TEST_TMPDIR/networkd-a/log"
	assert_output 2
	run nsx da ip -o -4 addr show dev eth0
	assert_output --regexp "inet 192\.0\.2\.1[01][0-9]/24 brd 192\.0\.2\.255 scope global dynamic eth0"
}

# Address= and Gateway= (IPv4 and IPv6) on eth0: routes proto static.
networkd_static() {
	mx_pair "$1"
	mx_networkd "$1" <<'EOF'
[Match]
Name=eth0
[Network]
Address=192.0.2.10/24
Gateway=192.0.2.1
Address=2001:db8::10/64
Gateway=2001:db8::1
IPv6AcceptRA=no
EOF
	mx_wait "$1" "networkd's static configuration" sh -c 'ip -6 route show default | grep -q "proto static"'
	mx_wait "$1" "networkd's static configuration" sh -c 'ip -4 route show default | grep -q "proto static"'
}

@test "matrix: systemd-networkd static (proto static)" {
	MX_SETTLE=networkd_settle mx_row networkd_static
	run grep -c 'eth0: Configuring with' "$BATS_TEST_TMPDIR/networkd-a/log"
	assert_output 2
}

# --- IPv6 SLAAC (dnsmasq's router advertisements) ---------------------------

# IPv4 static (ifupdown), IPv6 by SLAAC: the EUI-64 address (mngtmpaddr),
# privacy addresses, the prefix and default routes proto ra.
slaac() {
	mx_pair "$1"
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0
	mx_ra "$1"
}

slaac_up() {
	local a
	# the plan moves no route the advertisements made
	run grep -e 'proto ra' -e 'route add 2001:db8::/64' "$BATS_TEST_TMPDIR/plan-$1"
	assert_output ""
	# the SLAAC address moved, kept its lifetimes and mngtmpaddr; the
	# bridge makes the same one from the advertisements (it has eth0's
	# MAC) and privacy addresses of its own
	a=$(awk -F'\t' '$1 == "eth0" && $11 ~ /mngtmpaddr/ { print $3 }' "$BATS_TEST_TMPDIR/life-$1.before")
	[ -n "$a" ]
	run nsx "d$1" ip -o -6 addr show dev xenbr0 scope global
	assert_output --regexp "inet6 ${a//./\\.} scope global dynamic mngtmpaddr .*valid_lft [0-9]+sec preferred_lft [0-9]+sec"
	mx_wait "$1" "a privacy address on xenbr0" sh -c 'ip -6 addr show dev xenbr0 | grep -q temporary'
	mx_wait "$1" "the RA's default route on xenbr0" sh -c 'ip -6 route show default dev xenbr0 | grep -q "proto ra"'
	# what the RA made on eth0 stays there until it expires: not moved,
	# not reported by status
	run nsx "d$1" ip -6 route show dev eth0
	assert_line --regexp "^2001:db8::/64 proto kernel metric 256 expires "
}

@test "matrix: IPv6 SLAAC (proto ra, mngtmpaddr, temporary addresses)" {
	MX_NORM=mx_norm_temp mx_row slaac slaac_up
}

# addr_gen_mode stable-privacy (RFC 7217; a stable_secret for every
# interface, net.ipv6.conf.default): the kernel hashes the secret, the
# prefix, the DAD counter and the interface's permanent MAC address
# (perm_addr).  A bridge has none, so on a real NIC the bridge's address
# is another one, whatever sysctl is copied.  No ip command makes a
# stable-privacy address, so netc leaves it on eth0 (which then still
# answers for it through the bridge) and the bridge makes its own from the
# advertisements; down finds eth0's untouched.  Here eth0 is a veth,
# which has no permanent MAC either: the two addresses are equal.
stable() {
	mx_pair "$1"
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0
	mx_ra "$1" stable
}

stable_up() {
	local a
	run grep -e 'addr del 2001' -e 'addr add 2001' "$BATS_TEST_TMPDIR/plan-$1"
	assert_output ""
	a=$(nsx "d$1" ip -o -6 addr show dev eth0 scope global | awk '/stable-privacy/ { print $4 }')
	[ -n "$a" ]
	mx_wait "$1" "a stable-privacy address on xenbr0" sh -c 'ip -6 addr show dev xenbr0 | grep -q stable-privacy'
	run nsx "d$1" ip -o -6 addr show dev xenbr0 scope global
	assert_output --regexp "inet6 ${a//./\\.} scope global dynamic (mngtmpaddr )?stable-privacy "
	ns_ping "l$1" 192.0.2.10
	mx_ping6 "l$1" "${a%/*}" || fail "the LAN does not reach ${a%/*}"
}

@test "matrix: IPv6 SLAAC with addr_gen_mode stable-privacy (the address stays on eth0, the bridge makes its own)" {
	mx_row stable stable_up
	run nsx da sysctl -n net.ipv6.conf.eth0.addr_gen_mode
	assert_output 2
}

# --- NetworkManager (cannot run here: its exact ip commands) ---------------

nm_replay() {
	mx_pair "$1"
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0 noprefixroute
	nsx "d$1" ip route add 192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.10 metric 100
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0 proto "$2" src 192.0.2.10 metric 100
	nsx "d$1" ip -6 addr add 2001:db8::10/64 dev eth0 noprefixroute nodad
	nsx "d$1" ip -6 route add 2001:db8::/64 dev eth0 proto kernel metric 100
	nsx "d$1" ip -6 route add default via 2001:db8::1 dev eth0 proto "$2" metric 100
}
nm_dhcp() { nm_replay "$1" dhcp; }
nm_static() { nm_replay "$1" static; }

@test "matrix: NetworkManager DHCP (replayed: noprefixroute, proto kernel metric 100, proto dhcp)" {
	mx_row nm_dhcp
}

@test "matrix: NetworkManager static (replayed: proto static metric 100)" {
	mx_row nm_static
}

# --- routes -----------------------------------------------------------------

# Two default routes with different metrics (a backup gateway at .2),
# IPv4 and IPv6.
defaults() {
	mx_pair "$1"
	nsx "l$1" ip addr add 192.0.2.2/24 dev lan0
	nsx "l$1" ip -6 addr add 2001:db8::2/64 dev lan0 nodad
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0 metric 100
	nsx "d$1" ip route add default via 192.0.2.2 dev eth0 metric 200
	nsx "d$1" ip -6 addr add 2001:db8::10/64 dev eth0
	nsx "d$1" ip -6 route add default via 2001:db8::1 dev eth0 metric 100
	nsx "d$1" ip -6 route add default via 2001:db8::2 dev eth0 metric 200
}

defaults_up() {
	run nsx "d$1" ip -o route show default
	assert_line --regexp "^default via 192\.0\.2\.1 dev xenbr0 metric 100 *$"
	assert_line --regexp "^default via 192\.0\.2\.2 dev xenbr0 metric 200 *$"
	run nsx "d$1" ip -o -6 route show default
	assert_line --regexp "^default via 2001:db8::1 dev xenbr0 metric 100 "
	assert_line --regexp "^default via 2001:db8::2 dev xenbr0 metric 200 "
}

@test "matrix: several default routes with different metrics" {
	mx_row defaults defaults_up
}

# A multipath route (IPv4 and IPv6) beside the default route.
multipath() {
	mx_pair "$1"
	nsx "l$1" ip addr add 192.0.2.2/24 dev lan0
	nsx "l$1" ip -6 addr add 2001:db8::2/64 dev lan0 nodad
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0
	nsx "d$1" ip route add 10.20.0.0/16 nexthop via 192.0.2.1 dev eth0 nexthop via 192.0.2.2 dev eth0 weight 2
	nsx "d$1" ip -6 addr add 2001:db8::10/64 dev eth0
	nsx "d$1" ip -6 route add default via 2001:db8::1 dev eth0 metric 100
	nsx "d$1" ip -6 route add 2001:db8:9::/48 nexthop via 2001:db8::1 dev eth0 nexthop via 2001:db8::2 dev eth0
}

multipath_up() {
	run nsx "d$1" ip -o route show
	assert_line --regexp "^10\.20\.0\.0/16 .*nexthop via 192\.0\.2\.1 dev xenbr0 weight 1 .*nexthop via 192\.0\.2\.2 dev xenbr0 weight 2"
}

@test "matrix: a multipath route" {
	mx_row multipath multipath_up
}

# Policy routing: table 100 holds a default route and the link route of
# the uplink's address, a rule sends what comes from that address there.
# The rule names the address, which stays the same: untouched.  The
# routes of table 100 through eth0 move to the bridge like any other.
policy() {
	mx_pair "$1"
	nsx "d$1" ip addr add 192.0.2.10/24 dev eth0
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0
	nsx "d$1" ip route add 192.0.2.0/24 dev eth0 table 100 src 192.0.2.10
	nsx "d$1" ip route add default via 192.0.2.1 dev eth0 table 100
	nsx "d$1" ip rule add from 192.0.2.10 table 100 pref 1000
	nsx "d$1" ip -6 addr add 2001:db8::10/64 dev eth0
	nsx "d$1" ip -6 route add default via 2001:db8::1 dev eth0 table 100
	nsx "d$1" ip -6 rule add from 2001:db8::10 table 100 pref 1000
}

policy_up() {
	run grep -e rule "$BATS_TEST_TMPDIR/plan-$1"
	assert_output ""
	run cat "$BATS_TEST_TMPDIR/plan-$1"
	assert_line "route add default via 192.0.2.1 table 100 dev xenbr0"
	run nsx "d$1" ip -o route show table 100
	assert_line --regexp "^default via 192\.0\.2\.1 dev xenbr0 *$"
	assert_line --regexp "^192\.0\.2\.0/24 dev xenbr0 scope link src 192\.0\.2\.10 *$"
	run nsx "d$1" ip -o -6 route show table 100
	assert_line --regexp "^default via 2001:db8::1 dev xenbr0 "
	run nsx "d$1" ip rule
	assert_line --regexp "^1000:\s+from 192\.0\.2\.10 lookup 100 *$"
	# the main table's default route gone: only table 100 routes 192.0.2.10
	nsx "d$1" ip route del default via 192.0.2.1 dev xenbr0
	ns_ping "d$1" 192.0.2.1 || fail "$1: no path through table 100"
	nsx "d$1" ip route add default via 192.0.2.1 dev xenbr0
}

@test "matrix: a policy-routing table and rule naming the uplink's address" {
	mx_row policy policy_up
}

# --- bridges that exist -----------------------------------------------------

# Classic ifupdown dom0: `iface xenbr0 inet static` with `bridge_ports
# eth0`, `bridge_stp off`, `bridge_fd 0` (bridge-utils' ifupdown hooks):
# the bridge exists, eth0 is its port, the address and default route are
# on the bridge.
classic() {
	mx_pair "$1"
	nsx "d$1" ip link add xenbr0 type bridge stp_state 0 forward_delay 0
	nsx "d$1" ip link set eth0 master xenbr0
	nsx "d$1" ip link set dev xenbr0 up
	nsx "d$1" ip addr add 192.0.2.10/255.255.255.0 broadcast + dev xenbr0 label xenbr0
	nsx "d$1" ip route add default via 192.0.2.1 dev xenbr0 onlink
}

@test "matrix: classic ifupdown xenbr0 with bridge_ports eth0 (adopted, left as found)" {
	classic a
	host_dump da "$BATS_TEST_TMPDIR/state-a" >"$BATS_TEST_TMPDIR/before"
	run mx_run a plan
	assert_success
	# nothing of the bridge, its port, addresses or routes to change:
	# only netc's own nft table (the vifs' anti-spoofing)
	refute_output --partial "ip -batch"
	assert_output --partial "nft -f -"
	run mx_run a up
	assert_success
	assert_output "setup.sh: host xen1 is up (1 changes)"
	mx_probes a
	run mx_run a status
	assert_success
	run mx_run a down
	assert_success
	mx_dump a >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	mx_probes a
}

# --- refused ----------------------------------------------------------------

# A macvlan device on the uplink holds its receive handler: the kernel
# refuses to make it a bridge port (EBUSY).  Preflight says so, naming
# them, and nothing changes.
@test "matrix: an uplink with macvlan uppers is refused by preflight, naming them" {
	mx_pair a
	nsx da ip addr add 192.0.2.10/24 dev eth0
	nsx da ip route add default via 192.0.2.1 dev eth0
	nsx da ip link add mv0 link eth0 type macvlan mode bridge
	nsx da ip link add mv1 link eth0 type macvlan mode private
	nsx da ip link add mt0 link eth0 type macvtap
	# (eth0's veth peer, lan0@eth0 in the LAN's listing, is no upper)
	mx_dump a >"$BATS_TEST_TMPDIR/before"
	for v in plan up; do
		run mx_run a "$v"
		assert_failure 3
		assert_output --partial "network xenbr0: eth0 carries mv0 (macvlan), mv1 (macvlan), mt0 (macvtap): the kernel refuses a device with such uppers as a bridge port (EBUSY); delete them, or make them on xenbr0 once it is up"
	done
	mx_dump a >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}

@test "matrix: an uplink already in another bridge is refused" {
	mx_pair a
	nsx da ip link add br9 type bridge
	nsx da ip link set eth0 master br9
	nsx da ip addr add 192.0.2.10/24 dev br9
	mx_dump a >"$BATS_TEST_TMPDIR/before"
	run mx_run a up
	assert_failure 3
	assert_output --partial "network xenbr0: eth0 is already a port of br9"
	mx_dump a >"$BATS_TEST_TMPDIR/after"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
}
