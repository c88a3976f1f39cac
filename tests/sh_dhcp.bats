#!/usr/bin/env bats
# DHCP end to end, in network namespaces: what dom0's dnsmasq hands out to
# guests (DNS, lease time, reservations), and dom0 itself on a DHCP-leased
# uplink.  Guests boot through Xen's own hotplug scripts (tests/lib/xen.bash)
# from the xl files netc writes.  Names are resolved only against a DNS
# server inside the test's namespaces (no-resolv: it forwards nowhere);
# dom0's dnsmasq, which forwards to dom0's resolvers, runs with a private
# /etc/resolv.conf that names that server.

load helper
load lib/host

UDHCPC_SCRIPT="$TOP/tests/lib/udhcpc-script"

setup() {
	require_root
	dom0_with_lan
}

teardown() { host_teardown; }

# lan_dns: a DNS server in the LAN namespace at 192.0.2.1 that knows one
# name and forwards nothing.
lan_dns() {
	nsx lan dnsmasq --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address=192.0.2.1 --address=/www.netc.test/192.0.2.80 \
		--address=/www.netc.test/2001:db8::80 \
		--pid-file="$BATS_TEST_TMPDIR/lan-dns.pid"
}

# dom0_run ARGS...: the script in dom0, with /etc/resolv.conf naming the
# LAN's server only (a private mount namespace; dnsmasq started there
# keeps it).
dom0_run() {
	printf 'nameserver 192.0.2.1\n' >"$BATS_TEST_TMPDIR/resolv.conf"
	nsx dom0 unshare -m --propagation private sh -c \
		'mount --bind "$0" /etc/resolv.conf && exec sh "$@"' \
		"$BATS_TEST_TMPDIR/resolv.conf" "$SCRIPT" "$@"
}

# dhcp_guest NAME [UDHCPC OPTIONS]: ask for a lease from guest NAME's eth0;
# what it got is in $BATS_TEST_TMPDIR/NAME.lease.
dhcp_guest() {
	local g=$1
	shift
	UDHCPC_OUT="$BATS_TEST_TMPDIR/$g.lease" nsx "$g" \
		busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s "$UDHCPC_SCRIPT" "$@"
}

# l2_ready GUEST ADDR: GUEST's eth0 gets an ARP reply from ADDR (busybox
# arping -D exits 1 on a reply); up to 5 tries, 1 s each.
l2_ready() {
	local tries=5 rc
	while [ "$tries" -gt 0 ]; do
		rc=0
		nsx "$1" busybox arping -D -I eth0 -c 1 -w 1 "$2" >/dev/null 2>&1 || rc=$?
		[ "$rc" != 1 ] || return 0
		tries=$((tries - 1))
	done
	echo "$1 never reached $2" >&2
	return 1
}

@test "dhcp: guests get DNS (dom0's forwarder, or the servers listed), the lease time, and a reservation in the range" {
	lan_dns
	sh_script "$TESTDATA/dns.yaml"
	run dom0_run up
	assert_success
	run cat "$NETC_STATE_DIR/dnsmasq/natbr0.conf"
	refute_line "port=0"
	assert_line "dhcp-range=10.0.2.120,10.0.2.120,600"
	assert_line "dhcp-option=option:dns-server,0.0.0.0"
	run cat "$NETC_STATE_DIR/dnsmasq/natbr1.conf"
	assert_line "port=0"
	assert_line "dhcp-range=10.0.5.100,10.0.5.150"
	assert_line "dhcp-option=option:dns-server,192.0.2.1"

	guest_boot fwd
	guest_boot dyn
	guest_boot listed
	xen_connected dom0
	# each guest reaches its gateway on the link before it asks (an ARP
	# probe from 0.0.0.0: the guest has no address yet)
	l2_ready dyn 10.0.2.1
	l2_ready fwd 10.0.2.1
	l2_ready listed 10.0.5.1
	# natbr0's one address is fwd's reservation: dyn, first to ask, gets none
	run dhcp_guest dyn
	assert_failure
	assert_output --partial "no lease"
	run dhcp_guest fwd
	assert_success
	assert_output --partial "lease of 10.0.2.120 obtained from 10.0.2.1, lease time 600"
	run cat "$BATS_TEST_TMPDIR/fwd.lease"
	assert_output "bound ip=10.0.2.120 mask=24 router=10.0.2.1 dns=10.0.2.1 lease=600"
	# dom0's dnsmasq answers, asking dom0's resolver (the LAN's server)
	run nsx fwd busybox nslookup www.netc.test 10.0.2.1
	assert_success
	assert_output --partial "192.0.2.80"

	run dhcp_guest listed
	assert_success
	assert_output --regexp "lease of 10\.0\.5\.1([0-4][0-9]|50) obtained from 10\.0\.5\.1, lease time 3600"
	run cat "$BATS_TEST_TMPDIR/listed.lease"
	assert_output --regexp "^bound ip=10\.0\.5\.1[0-9]+ mask=24 router=10\.0\.5\.1 dns=192\.0\.2\.1 lease=3600$"
	# the LAN's server itself, through the nat network; natbr1's dnsmasq
	# answers no DNS
	run nsx listed busybox nslookup www.netc.test 192.0.2.1
	assert_success
	assert_output --partial "192.0.2.80"
	run nsx listed timeout 5 busybox nslookup www.netc.test 10.0.5.1
	assert_failure

	xen_cleanup
	run dom0_run down
	assert_success
}

# dom0's eth0 on a DHCP lease of 30 s from busybox udhcpd in the LAN,
# renewed by busybox udhcpc on eth0 (the script of tests/lib: the address
# with the lease's lifetime, as a DHCP client daemon sets it).  Both keep
# running through up: the address must not expire on the bridge.
@test "dhcp uplink: up makes the leased address permanent on the bridge, says so, and dom0 still reaches the LAN after twice the lease" {
	local t0 udhcpd udhcpc
	nsx dom0 ip -4 addr flush dev eth0
	cat >"$BATS_TEST_TMPDIR/udhcpd.conf" <<CONF
start 192.0.2.100
end 192.0.2.110
interface lan0
option subnet 255.255.255.0
option router 192.0.2.1
option lease 30
lease_file $BATS_TEST_TMPDIR/udhcpd.leases
pidfile $BATS_TEST_TMPDIR/udhcpd.pid
CONF
	: >"$BATS_TEST_TMPDIR/udhcpd.leases"
	nsx lan busybox udhcpd "$BATS_TEST_TMPDIR/udhcpd.conf" >/dev/null 2>&1
	UDHCPC_OUT="$BATS_TEST_TMPDIR/dom0.lease" nsx dom0 busybox udhcpc -B -i eth0 -n -t 5 -T 1 \
		-s "$UDHCPC_SCRIPT" -p "$BATS_TEST_TMPDIR/udhcpc.pid" >"$BATS_TEST_TMPDIR/udhcpc.log" 2>&1
	t0=$(date +%s)
	run cat "$BATS_TEST_TMPDIR/dom0.lease"
	assert_output --regexp "^bound ip=192\.0\.2\.1(0[0-9]|10) mask=24 router=192\.0\.2\.1 dns= lease=30$"
	run nsx dom0 ip -o -4 addr show dev eth0
	assert_output --regexp "inet 192\.0\.2\.1[0-9]+/24 .* dynamic eth0"
	udhcpd=$(cat "$BATS_TEST_TMPDIR/udhcpd.pid")
	udhcpc=$(cat "$BATS_TEST_TMPDIR/udhcpc.pid")
	sh_script "$TESTDATA/bridge.yaml"

	run on_dom0 plan
	assert_line --regexp "^# note: 192\.0\.2\.1[0-9]+/24 on eth0 is a DHCP lease \(valid_lft [0-9]+ preferred_lft [0-9]+\): on xenbr0 it is permanent, so that it cannot expire; down puts it back on eth0 with that lifetime$"
	run on_dom0 up
	assert_success
	assert_line --regexp "^setup\.sh: note: 192\.0\.2\.1[0-9]+/24 on eth0 is a DHCP lease"
	assert_line 'setup.sh: note: run the DHCP client on xenbr0, not on eth0: ifupdown `iface xenbr0 inet dhcp` with `bridge_ports eth0`, systemd-networkd `DHCP=yes` in the .network of xenbr0 (docs/host-script.md)'
	run nsx dom0 ip -o -4 addr show dev xenbr0
	assert_output --regexp "inet 192\.0\.2\.1[0-9]+/24 .*valid_lft forever preferred_lft forever"
	refute_output --partial dynamic
	run nsx dom0 ip -4 route show default
	assert_output --regexp "^default via 192\.0\.2\.1 dev xenbr0 proto dhcp *$"
	run on_dom0 status
	assert_success

	# twice the lease, the server and the client still running
	sleep $((t0 + 61 - $(date +%s)))
	kill -0 "$udhcpd"
	kill -0 "$udhcpc"
	ns_ping dom0 192.0.2.1
	run nsx dom0 ip -o -4 addr show dev xenbr0
	assert_output --regexp "inet 192\.0\.2\.1[0-9]+/24 "

	run on_dom0 down
	assert_success
	run nsx dom0 ip -o -4 addr show dev eth0
	assert_output --regexp "inet 192\.0\.2\.1[0-9]+/24 .* dynamic eth0"
	run nsx dom0 ip -4 route show default
	assert_output --partial "default via 192.0.2.1 dev eth0 proto dhcp"
}
