#!/usr/bin/env bats
# Guests booted through Xen's own hotplug scripts (the test bed of
# tests/lib/xen.bash: Debian's xen-utils-common run unmodified, a xenstore
# filled from the xl files' text, netback emulated), in the namespaces of
# a lab (tests/lab_helper.bash): the lab builds the LANs and runs each
# host script, its own guest attach is then replaced by the real one.
#
# For every sample the lab can build (vlan-dhcp only with 802.1Q), at domids
# from 1 and from 100: each domain boots in xendomains' order, every
# hotplug says "connected", each dom0 is then exactly as the lab's own
# attach left it (links, masters, MACs, MTUs, addresses, routes, proxy_arp
# and forwarding: xen_dom0_dump), `lab up` finds nothing to change in any
# dom0, `lab status` matches, and `lab check` gives lab_samples.bats'
# reachability.  The root namespace is compared before and after.

load helper
load lab_helper
load lib/netns
load lib/xen

XL="$BATS_TEST_TMPDIR/xl"

setup() {
	require_root
	xen_fetch
}

teardown() {
	xen_cleanup
	lab_teardown
	! declare -F ns_cleanup >/dev/null || ns_cleanup
}

lab_hosts() { awk '$1 == "host" { print $2 }' "$LAB"; }

# xen_lab_up TOPOLOGY: the lab up; each dom0 dumped as the lab's attach
# left it; the lab's vifs removed; each host's xl files in $XL/HOST.
xen_lab_up() {
	local h be
	lab_root_dump >"$BATS_TEST_TMPDIR/root.before"
	lab_compile "$1"
	run lab up
	assert_success
	for h in $(lab_hosts); do
		xen_dom0_dump "$(lab_ns dom0 "$h")" >"$BATS_TEST_TMPDIR/lab.$h"
		mkdir -p "$XL/$h"
		"$NETC" -q -t xl --host "$h" "$1" -o "$XL/$h/"
	done
	while read -r h be; do
		ip -n "$(lab_ns dom0 "$h")" link del dev "$be"
	done < <(awk '$1 == "vif" { print $4, $5 }' "$LAB")
}

# xen_lab_boot FIRST_DOMID [GREP]: every host's domains booted, in
# xendomains' order from FIRST_DOMID; every hotplug connected; each dom0
# compared with the lab's attach (leaving out lines matching GREP, when
# given: what the lab does not emulate); then lab up (the guests' side:
# addresses and routes, DHCP), which must change nothing in any dom0, and
# lab status.
xen_lab_boot() {
	local first=$1 skip=${2:-} h d
	for h in $(lab_hosts); do
		d=$(lab_ns dom0 "$h")
		xen_host "$h" "$d" "$(lab_ns domu %s)" "$first"
		run xen_autostart "$h" "$XL/$h"
		if [ "$status" != 0 ]; then
			echo "$output"
			echo "--- xen-hotplug.log of $h:"
			xen_log "$h" | tail -n 20
			return 1
		fi
		xen_connected "$h"
		if [ -n "$skip" ]; then
			xen_dom0_dump "$d" | grep -v -- "$skip" >"$BATS_TEST_TMPDIR/xen.$h"
			grep -v -- "$skip" "$BATS_TEST_TMPDIR/lab.$h" >"$BATS_TEST_TMPDIR/lab.$h.cmp"
		else
			xen_dom0_dump "$d" >"$BATS_TEST_TMPDIR/xen.$h"
			cp "$BATS_TEST_TMPDIR/lab.$h" "$BATS_TEST_TMPDIR/lab.$h.cmp"
		fi
		lab_assert_same "$BATS_TEST_TMPDIR/lab.$h.cmp" "$BATS_TEST_TMPDIR/xen.$h"
	done
	run lab up
	assert_success
	for h in $(lab_hosts); do
		xen_dom0_dump "$(lab_ns dom0 "$h")" >"$BATS_TEST_TMPDIR/again.$h"
		if [ -n "$skip" ]; then
			grep -v -- "$skip" "$BATS_TEST_TMPDIR/again.$h" >"$BATS_TEST_TMPDIR/again.$h.cmp"
		else
			cp "$BATS_TEST_TMPDIR/again.$h" "$BATS_TEST_TMPDIR/again.$h.cmp"
		fi
		lab_assert_same "$BATS_TEST_TMPDIR/xen.$h" "$BATS_TEST_TMPDIR/again.$h.cmp"
	done
	run lab status
	assert_success
}

# Every domain of every host destroyed (its vifs offline).
xen_lab_halt() {
	local h f
	for h in $(lab_hosts); do
		for f in "$XEN_DIR/$h"/dom/*; do
			case $f in *.vifs | */\*) continue ;; esac
			xen_destroy "$h" "${f##*/}"
		done
	done
}

# xen_lab_check [SUMMARY]: lab check passes (SUMMARY: its last line).
xen_lab_check() {
	run lab check
	echo "$output"
	assert_success
	refute_output --partial MISMATCH
	[ -z "${1:-}" ] || assert_line "lab.sh: $1"
}

# xen_lab_down: the lab down, and the root namespace as it was.
xen_lab_down() {
	run lab down
	assert_success
	lab_root_dump >"$BATS_TEST_TMPDIR/root.after"
	lab_assert_same "$BATS_TEST_TMPDIR/root.before" "$BATS_TEST_TMPDIR/root.after"
}

# xen_sample TOPOLOGY SUMMARY: the whole cycle, at domids from 1 and from
# 100; SUMMARY is lab check's last line (as in lab_samples.bats).
xen_sample() {
	local first
	xen_lab_up "$1"
	for first in 1 100; do
		xen_lab_boot "$first"
		xen_lab_check "$2"
		xen_lab_halt
	done
	xen_lab_down
}

# dom0_link NS DEV: `ip -o link show` of DEV in namespace NS.
dom0_link() { ip -n "$1" -o link show dev "$2"; }

# mtu_of NS DEV
mtu_of() { ip -n "$1" -o link show dev "$2" | sed -E 's/.* mtu ([0-9]+) .*/\1/'; }

# --- the samples -------------------------------------------------------

@test "xen classic: backup, mail, web boot in that order through vif-bridge" {
	xen_sample "$SAMPLES/classic.yaml" "2 as expected, 0 mismatched, 4 skipped"
}

@test "xen bridge: guests on the LAN through vif-bridge (STP)" {
	xen_sample "$SAMPLES/bridge.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen isolated: vif-bridge onto the host-only bridge" {
	xen_sample "$SAMPLES/isolated.yaml" "3 as expected, 0 mismatched, 0 skipped"
}

@test "xen nat: vif-bridge onto the nat bridge" {
	xen_sample "$SAMPLES/nat.yaml" "8 as expected, 0 mismatched, 0 skipped"
}

@test "xen route: vif-route gives each vif eth0's address, proxy ARP and a host route" {
	xen_sample "$SAMPLES/route.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen multihost: two hosts, each its own domids, joined over VXLAN" {
	xen_sample "$SAMPLES/multihost.yaml" "6 as expected, 0 mismatched, 0 skipped"
}

@test "xen vlan-dhcp: the whole sample, its hvm guest's tap too (needs the kernel's 802.1Q)" {
	have_8021q || skip "this kernel makes no 802.1Q (VLAN) devices; the next test boots the DHCP half"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun: qemu's tap of the hvm guest cannot be made here"
	local first
	xen_lab_up "$SAMPLES/vlan-dhcp.yaml"
	for first in 1 100; do
		xen_lab_boot "$first" -emu
		xen_lab_check "8 as expected, 0 mismatched, 2 skipped"
		xen_lab_halt
	done
	xen_lab_down
}

@test "xen dhcp: vlan-dhcp without its tagged network: static lease, range, a vif mtu" {
	xen_sample "$TOP/tests/data/dhcp-untagged.yaml" "8 as expected, 0 mismatched, 1 skipped"
}

# --- the paths of the scripts -------------------------------------------

@test "xen hvm: an ioemu NIC's tap vifD.N-emu goes through vif-bridge (add/remove type_if=tap), as does an hvm vif without type" {
	[ -c /dev/net/tun ] || skip "no /dev/net/tun: qemu's tap cannot be made here"
	xen_lab_up "$(topo hvm.yaml <<'EOF'
version: 1
networks:
  hostonly: { mode: isolated, address: 10.0.1.1/24 }
domains:
  win:
    type: hvm
    vifs:
      - { network: hostonly, ip: 10.0.1.11, type: ioemu, model: e1000 }
      - { network: hostonly, ip: 10.0.1.13 }
  app:
    vifs: [ { network: hostonly, ip: 10.0.1.12 } ]
EOF
)"
	local d0 be n
	d0=$(lab_ns dom0 dom0)
	# the lab leaves the taps out; everything else is compared
	xen_lab_boot 1 -emu
	xen_lab_check
	# xendomains' order: app.cfg, then win.cfg
	[ "$(xen_domid dom0 win)" = 2 ]
	for n in 0 1; do
		be=$(xen_vif dom0 win "$n")
		[ "$(xen_store dom0 read "/local/domain/0/backend/vif/2/$n/type")" = vif_ioemu ]
		run dom0_link "$d0" "$be-emu"
		assert_output --regexp "master hostonly .*link/ether fe:ff:ff:ff:ff:ff "
		[ "$(mtu_of "$d0" "$be-emu")" = "$(mtu_of "$d0" hostonly)" ]
	done
	run xen_log dom0
	assert_output --partial "add type_if=tap XENBUS_PATH=backend/vif/2/0"
	assert_output --partial "add type_if=tap XENBUS_PATH=backend/vif/2/1"
	# the pv guest has none
	[ "$(xen_store dom0 read "/local/domain/0/backend/vif/$(xen_domid dom0 app)/0/type")" = vif ]
	xen_lab_halt
	run xen_log dom0
	assert_output --partial "remove type_if=tap XENBUS_PATH=backend/vif/2/0"
	run ip -n "$d0" -o link show
	refute_output --partial -emu
	xen_lab_down
}

@test "xen brctl: with bridge-utils vif-bridge uses brctl, without it ip; dom0 ends the same" {
	command -v brctl >/dev/null || fail "bridge-utils is not installed (scripts/deps.sh check)"
	xen_lab_up "$SAMPLES/isolated.yaml"
	local be
	export XEN_BRCTL=trace
	xen_lab_boot 1
	be=$(xen_vif dom0 app 0)
	run cat "$XEN_DIR/dom0/log/xen/brctl.log"
	assert_line "brctl addif hostonly $be"
	xen_lab_check "3 as expected, 0 mismatched, 0 skipped"
	xen_lab_halt
	run cat "$XEN_DIR/dom0/log/xen/brctl.log"
	assert_line "brctl delif hostonly $be"
	rm "$XEN_DIR/dom0/log/xen/brctl.log"
	# without bridge-utils (a non-executable file over brctl: `which`
	# finds nothing): the ip path, to the same dom0 (xen_lab_boot compares)
	export XEN_BRCTL=hide
	xen_lab_boot 100
	[ ! -e "$XEN_DIR/dom0/log/xen/brctl.log" ]
	xen_lab_check "3 as expected, 0 mismatched, 0 skipped"
	xen_lab_halt
	xen_lab_down
}

@test "xen reboot: a guest destroyed and created again gets a new domid, the same vif, and its network back" {
	xen_lab_up "$SAMPLES/nat.yaml"
	xen_lab_boot 1
	local d0 old
	d0=$(lab_ns dom0 xen1)
	old=$(xen_domid xen1 build1)
	xen_lab_check "8 as expected, 0 mismatched, 0 skipped"
	xen_reboot xen1 build1
	[ "$(xen_domid xen1 build1)" = 3 ]
	[ "$old" != 3 ]
	xen_connected xen1
	run xen_store xen1 exists "/local/domain/$old"
	assert_failure
	run xen_store xen1 exists "/local/domain/0/backend/vif/$old"
	assert_failure
	run dom0_link "$d0" "$(xen_vif xen1 build1 0)"
	assert_output --partial "master natbr0"
	# the guest configures itself again (the lab does it for it)
	run lab up
	assert_success
	xen_lab_check "8 as expected, 0 mismatched, 0 skipped"
	xen_lab_halt
	xen_lab_down
}

@test "xen jumbo: guests on a network with mtu 9000 pass ping -M "do" -s 8972" {
	xen_lab_up "$(topo jumbo.yaml <<'EOF'
version: 1
networks:
  jumbo: { mode: isolated, address: 10.0.9.1/24, mtu: 9000 }
domains:
  a: { vifs: [ { network: jumbo, ip: 10.0.9.11 } ] }
  b: { vifs: [ { network: jumbo, ip: 10.0.9.12 } ] }
EOF
)"
	xen_lab_boot 1
	local d0
	d0=$(lab_ns dom0 dom0)
	[ "$(mtu_of "$d0" jumbo)" = 9000 ]
	[ "$(mtu_of "$d0" "$(xen_vif dom0 a 0)")" = 9000 ]
	# the guests' MTU is their frontend's: what libxl wrote from the xl file
	[ "$(mtu_of "$(lab_ns domu a)" eth0)" = 9000 ]
	[ "$(mtu_of "$(lab_ns domu b)" eth0)" = 9000 ]
	ip netns exec "$(lab_ns domu a)" ping -M "do" -s 8972 -c 1 -W 2 10.0.9.12
	ip netns exec "$(lab_ns domu b)" ping -M "do" -s 8972 -c 1 -W 2 10.0.9.11
	ip netns exec "$(lab_ns domu a)" ping -M "do" -s 8972 -c 1 -W 2 10.0.9.1
	xen_lab_halt
	xen_lab_down
}

# --- the test bed itself -------------------------------------------------

@test "xen store: relative paths live under /local/domain/0; names outside [A-Za-z0-9-/_@] are refused, as by xenstored" {
	mkdir -p "$BATS_TEST_TMPDIR/store"
	local xs="$TOP/tests/lib/xen" p
	export NETC_XENSTORE="$BATS_TEST_TMPDIR/store"
	"$xs/xenstore-write" backend/vif/1/0/mac 00:16:3e:00:00:01 /local/domain/1/name web
	run "$xs/xenstore-read" /local/domain/0/backend/vif/1/0/mac
	assert_success
	assert_output 00:16:3e:00:00:01
	run "$xs/xenstore-read" backend/vif/1/0/mac /local/domain/1/name
	assert_output "00:16:3e:00:00:01
web"
	# parents exist, empty
	run "$xs/xenstore-read" /local/domain/0/backend/vif
	assert_success
	assert_output ""
	"$xs/xenstore-exists" backend/vif/1
	run "$xs/xenstore-exists" backend/vif/2
	assert_failure 1
	run "$xs/xenstore-read" backend/vif/1/0/nosuch
	assert_failure 1
	assert_output "xenstore-read: couldn't read path backend/vif/1/0/nosuch"
	# set_mtu's path for vifname=a.b.c
	run "$xs/xenstore-write" /local/domain/a.b/device/vif/b.c/mtu 1500
	assert_failure 1
	assert_output "xenstore-write: could not write path /local/domain/a.b/device/vif/b.c/mtu"
	[ ! -e "$NETC_XENSTORE/local/domain/a.b" ]
	for p in '/a b' '/a:b' '/a//b' '/a/' '/ä' '/a.b'; do
		run "$xs/xenstore-write" "$p" 1
		assert_failure 1
	done
	"$xs/xenstore-write" /a-b_c@d/E9 ok
	"$xs/xenstore-rm" backend/vif/1
	run "$xs/xenstore-exists" backend/vif/1/0/mac
	assert_failure 1
	"$xs/xenstore-rm" backend/vif/1
	run "$xs/xenstore-rm" /no/such/parent
	assert_failure 1
}

# bed_host [FIRST_DOMID]: a dom0 with a bridge xenbr0 for the bed's own
# tests, Xen host "h".
bed_host() {
	ns_add dom0
	nsx dom0 ip link add xenbr0 type bridge
	nsx dom0 ip link set xenbr0 up
	xen_host h "$(ns dom0)" "netc-%s-$NS_ID" "${1:-1}"
}

@test "xen bed: the xenstore is filled from the xl file's text, key by key as xl reads it" {
	bed_host 7
	cat >"$BATS_TEST_TMPDIR/p.cfg" <<'EOF'
name = "p"
type = "pvh"
vif = [ 'bridge=xenbr0, mac=00:16:3E:0:1:2 ,,rate=10Mb/s@20ms,mtu=1400,ip=10.0.0.5,vifname=p-0,untrusted', '' ]
EOF
	xen_boot h "$BATS_TEST_TMPDIR/p.cfg"
	local be=/local/domain/0/backend/vif/7/0 fe=/local/domain/7/device/vif/0
	[ "$(xen_domid h p)" = 7 ]
	[ "$(xen_store h read "$be/mac")" = 00:16:3e:00:01:02 ]
	[ "$(xen_store h read "$be/rate")" = 25000,20000 ]
	[ "$(xen_store h read "$be/mtu")" = 1400 ]
	[ "$(xen_store h read "$be/ip")" = 10.0.0.5 ]
	[ "$(xen_store h read "$be/vifname")" = p-0 ]
	[ "$(xen_store h read "$be/script")" = "$XEN_SCRIPTS/vif-bridge" ]
	[ "$(xen_store h read "$be/type")" = vif ]
	[ "$(xen_store h read "$be/hotplug-status")" = connected ]
	[ "$(xen_store h read "$fe/mtu")" = 1400 ]
	[ "$(xen_store h read "$fe/mac")" = 00:16:3e:00:01:02 ]
	[ "$(xen_store h read "$fe/trusted")" = 0 ]
	[ "$(xen_store h read /local/domain/7/device/vif/1/trusted)" = 1 ]
	# the second vif: xl's and libxl's defaults (a random MAC in the lower
	# half of 00:16:3e, bridge xenbr0, vif-bridge, mtu 1500 not written)
	[[ $(xen_store h read /local/domain/7/device/vif/1/mac) =~ ^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$ ]]
	[ "$(xen_store h read /local/domain/0/backend/vif/7/1/bridge)" = xenbr0 ]
	run xen_store h exists /local/domain/0/backend/vif/7/1/mtu
	assert_failure
	# ... but vif-bridge's set_mtu, with no mtu node, sets the bridge's
	# MTU (1400 now: a bridge follows its smallest port) on the vif and
	# writes it to the frontend path it builds from the name vif7.1
	[ "$(xen_store h read /local/domain/7/device/vif/1/mtu)" = 1400 ]
	# netback's device, renamed by the script; the guest's ends
	run nsx dom0 ip -o link show dev p-0
	assert_output --regexp "mtu 1400 .*master xenbr0 .*link/ether fe:ff:ff:ff:ff:ff "
	run nsx dom0 ip -o link show dev vif7.1
	assert_output --regexp "mtu 1400 .*master xenbr0 "
	run nsx p ip -o link show dev eth0
	assert_output --regexp "mtu 1400 .*link/ether 00:16:3e:00:01:02 "
	# a domain of that name exists
	run xen_boot h "$BATS_TEST_TMPDIR/p.cfg"
	assert_failure
	assert_output --partial 'domain with name "p" already exists'
	# an emulated NIC on a pvh guest: libxl refuses it, no domid is used
	sed -e 's/name = "p"/name = "q"/' -e "s/vif = .*/vif = [ 'type=ioemu' ]/" "$BATS_TEST_TMPDIR/p.cfg" >"$BATS_TEST_TMPDIR/q.cfg"
	run xen_boot h "$BATS_TEST_TMPDIR/q.cfg"
	assert_failure
	assert_output --partial "trying to create PV or PVH guest with an emulated interface"
	[ "$(cat "$XEN_DIR/h/next")" = 8 ]
	# destroy: offline, netback's device and the guest gone
	xen_destroy h p
	run nsx dom0 ip -o link show
	refute_output --partial p-0
	refute_output --partial vif7.1
	run ip netns list
	refute_output --partial "netc-p-$NS_ID"
	run xen_log h
	assert_output --partial "offline type_if=vif XENBUS_PATH=backend/vif/7/0"
}

@test "xen bed: a vifname with two dots fails set_mtu's xenstore write; taken names fail the rename and netback" {
	bed_host
	printf '%s\n' 'name = "d"' "vif = [ 'mac=00:16:3e:00:00:0d,bridge=xenbr0,vifname=a.b.c' ]" >"$BATS_TEST_TMPDIR/d.cfg"
	run xen_boot h "$BATS_TEST_TMPDIR/d.cfg"
	assert_failure
	assert_output --partial "hotplug online of vif1.0 failed"
	run xen_log h
	assert_output --partial "Writing /local/domain/a.b/device/vif/b.c/mtu 1500 to xenstore failed."
	# destroyed: nothing left of it
	run nsx dom0 ip -o link show
	refute_output --partial vif1.0
	refute_output --partial a.b.c
	run xen_store h exists /local/domain/1
	assert_failure
	# the domid was used; a vifname that is a bridge's name
	printf '%s\n' 'name = "e"' "vif = [ 'mac=00:16:3e:00:00:0e,bridge=xenbr0,vifname=xenbr0' ]" >"$BATS_TEST_TMPDIR/e.cfg"
	run xen_boot h "$BATS_TEST_TMPDIR/e.cfg"
	assert_failure
	assert_output --partial "Cannot rename interface vif2.0. An interface with name xenbr0 already exists."
	# netback's own name taken
	nsx dom0 ip link add vif3.0 type bridge
	printf '%s\n' 'name = "f"' "vif = [ 'mac=00:16:3e:00:00:0f,bridge=xenbr0' ]" >"$BATS_TEST_TMPDIR/f.cfg"
	run xen_boot h "$BATS_TEST_TMPDIR/f.cfg"
	assert_failure
	assert_output --partial "netback cannot create vif3.0"
	run xen_boot h "$BATS_TEST_TMPDIR/f.cfg"
	assert_success
	[ "$(xen_domid h f)" = 4 ]
}
