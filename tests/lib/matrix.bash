# The starting-state matrix of tests/sh_matrix.bats (issue 27): dom0 as
# real distributions leave it.  Sourced after lib/host and lib/restore.
#
# A row R is a pair of namespaces: dom0 dR, whose eth0 is a veth into the
# LAN lR (lan0: 192.0.2.1/24, 2001:db8::1/64).  A row function builds dom0's
# starting state in it, with the real client where it runs here (busybox
# udhcpc against busybox udhcpd, systemd-networkd, dnsmasq's router
# advertisements); each row is built twice (copies Ra and Rb), so that
# the life of Ra and the failure sweep of Rb run at once (mx_row).
#
#   mx_pair R            the namespaces of R, eth0 up, no address
#   mx_run R VERB        the script in dR (state directory $T/state-R)
#   mx_life R [CHECK]    plan, up, probes both ways, status, up again,
#                        down; dR as it was (host_dump).  CHECK (a function,
#                        given R) runs while up; the plan is in
#                        $BATS_TEST_TMPDIR/plan-R.
#   mx_sweep R           up with the Nth ip call failing, for every N, and
#                        with each line of its batch failing: each time
#                        dR as it was
#   mx_row BUILD [CHECK] BUILD Ra and Rb, then mx_life and mx_sweep at once

MX_UDHCPC_SCRIPT="$TOP/tests/lib/udhcpc-script"

mx_pair() {
	ns_add "d$1"
	ns_add "l$1"
	ns_nic "d$1" eth0 "l$1" ""
	nsx "l$1" ip addr add 192.0.2.1/24 dev lan0
	nsx "l$1" ip -6 addr add 2001:db8::1/64 dev lan0 nodad
}

mx_run() {
	local r=$1
	shift
	nsx "d$r" env NETC_STATE_DIR="$BATS_TEST_TMPDIR/state-$r" sh "$SCRIPT" "$@"
}

# mx_dump R: dR as "restores" compares it.  A row whose client changes
# dom0 by itself once down gives eth0 back (systemd-networkd) names a
# function in MX_SETTLE, run first, and a filter in MX_NORM (stdin to
# stdout) that takes out the one difference that client makes.
mx_dump() {
	[ -z "${MX_SETTLE:-}" ] || "$MX_SETTLE" "$1"
	host_dump "d$1" "$BATS_TEST_TMPDIR/state-$1" | "${MX_NORM:-cat}"
}

# mx_addr4 R: dom0's IPv4 address on the LAN (eth0 or xenbr0), without
# its length; mx_addr6 R likewise, global and not temporary.
mx_addr4() {
	nsx "d$1" ip -o -4 addr show scope global | awk '$2 == "eth0" || $2 == "xenbr0" { sub(/\/.*/, "", $4); print $4; exit }'
}
mx_addr6() {
	nsx "d$1" ip -o -6 addr show scope global -temporary | awk '$2 == "eth0" || $2 == "xenbr0" { sub(/\/.*/, "", $4); print $4; exit }'
}

# mx_probes R: dom0 reaches the LAN and the LAN dom0, IPv4, and IPv6
# when dom0 has a global IPv6 address.
mx_probes() {
	local r=$1 a
	a=$(mx_addr4 "$r")
	ns_ping "d$r" 192.0.2.1 || fail "$r: dom0 does not reach 192.0.2.1"
	ns_ping "l$r" "$a" || fail "$r: the LAN does not reach dom0 at $a"
	a=$(mx_addr6 "$r")
	[ -n "$a" ] || return 0
	mx_ping6 "d$r" 2001:db8::1 || fail "$r: dom0 does not reach 2001:db8::1"
	mx_ping6 "l$r" "$a" || fail "$r: the LAN does not reach dom0 at $a"
}
mx_ping6() {
	nsx "$1" busybox ping6 -c 1 -W 1 -q "$2" >/dev/null 2>&1 ||
		nsx "$1" busybox ping6 -c 1 -W 2 -q "$2" >/dev/null 2>&1
}

mx_life() {
	local r=$1 check=${2:-} t="$BATS_TEST_TMPDIR/life-$1"
	mx_dump "$r" >"$t.before"
	mx_probes "$r"
	run mx_run "$r" plan
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/plan-$r"
	run mx_run "$r" up
	assert_success
	nsx "d$r" ip -o link show eth0 | grep -q 'master xenbr0' || fail "$r: eth0 is no port of xenbr0"
	# (but the kernel's stable-privacy address, see sh_matrix.bats)
	run sh -c "ip netns exec $(ns "d$r") ip -o addr show dev eth0 scope global -temporary | grep -v stable-privacy"
	assert_output ""
	mx_probes "$r"
	run mx_run "$r" status
	assert_success
	assert_output --partial "matches the topology"
	[ -z "$check" ] || "$check" "$r"
	run mx_run "$r" up
	assert_success
	assert_output --partial "already matches"
	run mx_run "$r" down
	assert_success
	mx_dump "$r" >"$t.after"
	assert_same "$t.before" "$t.after"
	mx_probes "$r"
}

# mx_shimmed R [VAR=VALUE...] VERB: the script in dR with R's ip shim.
mx_shimmed() {
	local r=$1 vars=()
	shift
	while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
		vars+=("$1")
		shift
	done
	nsx "d$r" env PATH="$BATS_TEST_TMPDIR/shim-$r:$PATH" NETC_STATE_DIR="$BATS_TEST_TMPDIR/state-$r" \
		"${vars[@]}" sh "$SCRIPT" "$@"
}

mx_sweep() {
	local r=$1 n calls nlines s="$BATS_TEST_TMPDIR/shim-$1" t="$BATS_TEST_TMPDIR/sweep-$1"
	(SHIM_DIR=$s && shim_install ip)
	mx_dump "$r" >"$t.before"
	rm -f "$s"/*.log "$s"/*.batches
	mx_shimmed "$r" up >/dev/null 2>&1 || fail "$r: up fails without faults"
	mx_run "$r" down >/dev/null || fail "$r: down fails without faults"
	mx_dump "$r" >"$t.after"
	assert_same "$t.before" "$t.after"
	calls=$(wc -l <"$s/ip.log")
	nlines=$(awk '{ print $3; exit }' "$s/ip.batches")
	[ "$nlines" -ge 4 ] || fail "$r: a batch of only $nlines lines"
	for n in $(seq "$calls"); do
		rm -f "$s"/*.log "$s"/*.batches
		run mx_shimmed "$r" SHIM_FAIL="ip:$n" up
		[ "$status" -ne 0 ] || fail "$r: up succeeded with ip call $n failing"
		mx_dump "$r" >"$t.after"
		assert_same "$t.before" "$t.after" || fail "$r: ip call $n failing left dom0 changed"
	done
	for n in $(seq "$nlines"); do
		rm -f "$s"/*.log "$s"/*.batches
		run mx_shimmed "$r" SHIM_BATCH_FAIL_AT="$n" up
		assert_failure 1
		assert_output --partial "rolled back: the host is as it was before this run"
		mx_dump "$r" >"$t.after"
		assert_same "$t.before" "$t.after" || fail "$r: batch line $n failing left dom0 changed"
	done
	echo "$r: failed at each of $calls ip calls and $nlines batch lines"
}

# mx_row BUILD [CHECK]: BUILD (a function given the row's name) makes
# copies a and b; a lives, b is swept, at once.
mx_row() {
	local build=$1 check=${2:-} rc=0
	"$build" a
	"$build" b
	(mx_life a "$check") >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
	local pa=$!
	(mx_sweep b) >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
	local pb=$!
	wait "$pa" || { rc=1; echo "--- the life of the row failed:"; cat "$BATS_TEST_TMPDIR/a.out"; }
	wait "$pb" || { rc=1; echo "--- the failure sweep of the row failed:"; cat "$BATS_TEST_TMPDIR/b.out"; }
	[ "$rc" = 0 ] || return 1
	grep 'failed at each' "$BATS_TEST_TMPDIR/b.out" >&3
}

# --- the clients ------------------------------------------------------------

# mx_udhcpd R [LEASE]: busybox udhcpd on lR's lan0, handing out
# 192.0.2.100-110 with router 192.0.2.1 and DNS servers 192.0.2.1 and
# 192.0.2.53.
mx_udhcpd() {
	local r=$1 f="$BATS_TEST_TMPDIR/udhcpd-$1"
	cat >"$f.conf" <<CONF
start 192.0.2.100
end 192.0.2.110
interface lan0
option subnet 255.255.255.0
option router 192.0.2.1
option dns 192.0.2.1 192.0.2.53
option lease ${2:-3600}
lease_file $f.leases
pidfile $f.pid
CONF
	: >"$f.leases"
	nsx "l$r" busybox udhcpd "$f.conf" >/dev/null 2>&1
}

# mx_udhcpc R: busybox udhcpc on dR's eth0, kept running, with the
# script of tests/lib as a client daemon under ifupdown (dhclient-script)
# sets the lease: the address with its lifetime, the default route
# without a protocol.  What it did is in $BATS_TEST_TMPDIR/udhcpc-R.out.
# (In the foreground, -f, so that its log is kept; a daemon otherwise.)
mx_udhcpc() {
	local r=$1 f="$BATS_TEST_TMPDIR/udhcpc-$1"
	UDHCPC_OUT="$f.out" UDHCPC_PROTO=boot nsx "d$r" busybox udhcpc -f -B -i eth0 -t 5 -T 1 \
		-s "$MX_UDHCPC_SCRIPT" -p "$f.pid" >"$f.log" 2>&1 3>&- &
	mx_wait "$r" "udhcpc's lease" grep -q '^bound ' "$f.out"
}

# mx_networkd R: systemd-networkd in dR, with the .network files on
# stdin (in /run/systemd/network), kept running: a private mount
# namespace with tmpfs over /run/systemd and /run/udev, and /sys read-only
# (networkd then does not wait for udev to announce each link).
mx_networkd() {
	local r=$1 d="$BATS_TEST_TMPDIR/networkd-$1"
	mkdir -p "$d"
	cat >"$d/eth0.network"
	nsx "d$r" unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run/systemd &&
		mkdir -p /run/udev && mount -t tmpfs tmpfs /run/udev &&
		mount -o remount,bind,ro /sys &&
		mkdir -p /run/systemd/network /run/systemd/netif &&
		cp "$0/eth0.network" /run/systemd/network/ &&
		chown systemd-network: /run/systemd/netif &&
		exec /lib/systemd/systemd-networkd' "$d" >"$d/log" 2>&1 3>&- &
}

# mx_wait R WHAT CMD...: CMD (run in dR) succeeds within 10 s
# (MX_WAIT: another number of seconds).
mx_wait() {
	local r=$1 what=$2 tries=$((${MX_WAIT:-10} * 10))
	shift 2
	until nsx "d$r" "$@" >/dev/null 2>&1; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "$r: $what did not happen within ${MX_WAIT:-10} s"
		sleep 0.1
	done
}

# mx_ra R: dnsmasq in lR sends router advertisements for 2001:db8::/64
# (SLAAC only, no DHCPv6; lifetimes of 2 h, finite as radvd's and most
# routers' are), and dom0 makes privacy addresses too
# (use_tempaddr 2, on eth0 and on the bridge to come); waits for dom0's
# SLAAC address.
# mx_ra R stable: no privacy addresses; addresses by stable-privacy
# (RFC 7217: a default stable_secret, as sysctl.conf sets it at boot).
mx_ra() {
	local r=$1
	if [ "${2:-}" = stable ]; then
		nsx "d$r" sysctl -qw net.ipv6.conf.default.stable_secret=2001:db8:5ec:7e7:1:2:3:4
	else
		nsx "d$r" sysctl -qw net.ipv6.conf.eth0.use_tempaddr=2 net.ipv6.conf.default.use_tempaddr=2
	fi
	nsx "l$r" dnsmasq --conf-file=/dev/null --no-resolv --no-hosts --port=0 --bind-interfaces \
		--interface=lan0 --enable-ra --dhcp-range=::,constructor:lan0,ra-only,64,2h \
		--pid-file="$BATS_TEST_TMPDIR/ra-$r.pid"
	MX_WAIT=30 mx_wait "$r" "a SLAAC address" sh -c 'ip -6 addr show dev eth0 scope global | grep -q -e mngtmpaddr -e stable-privacy'
	mx_wait "$r" "the default route of the RA" sh -c 'ip -6 route show default | grep -q "proto ra"'
}

# mx_norm_temp: host_dump leaves out the kernel's temporary (privacy)
# addresses, which are new ones after every move; this leaves out their
# local routes too (a local route of an address the dump does not list).
mx_norm_temp() {
	awk '/^== addresses/ { s = "a" } /^== routes/ { s = "r" }
		s == "a" { a = $3; sub(/\/.*/, "", a); have[a] = 1 }
		s == "r" && /"type":"local"/ && match($0, /"dst":"[0-9a-f:]+:[0-9a-f:]*"/) {
			d = substr($0, RSTART + 7, RLENGTH - 8)
			if (d ~ /^2001:db8:/ && !(d in have)) next
		}
		{ print }'
}
