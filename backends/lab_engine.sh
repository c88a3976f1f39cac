# ===========================================================================
# The lab engine.  Everything from here on is the same in every lab script
# netc writes; the records and the host scripts above, and the tag and
# table format set after the engine, are the only per-topology part.
# docs/lab.md describes the lab.
#
# Namespaces (TAG: $NETC_LAB_TAG, else the topology's own tag):
#   netc-TAG-lanN        a LAN: bridge lan0 holding the LAN's address, one
#                        port pK for each host NIC plugged into it
#   netc-TAG-dom0-HOST   a dom0: its NICs are veths whose far ends are LAN
#                        ports; the host script (-t sh) runs here
#   netc-TAG-domu-NAME   a guest: ethN is the far end of a veth whose dom0
#                        end has the vif's backend name, attached as Xen's
#                        vif-bridge or vif-route would attach it
# Nothing is made in, or changed in, the namespace the script runs from.
# ===========================================================================

LAB_PROG=${0##*/}

lab_msg() {
	printf '%s: %s\n' "$LAB_PROG" "$*" >&2
}

lab_die() {
	lab_code=$1
	shift
	lab_msg "$*"
	exit "$lab_code"
}

lab_usage() {
	cat <<EOF
usage: $LAB_PROG up|down|status|check|exec NAME [CMD...]
  up      build lab $LAB_TAG of the topology in network namespaces
          netc-$LAB_TAG-* (netc $LAB_VERSION)
  down    remove every namespace of the lab, and its state in $LAB_DIR
  status  list what differs from the topology (exit 1 if anything)
  check   ping every pair that should talk, and those that must not
  exec    run CMD (default: a shell) in the namespace of domain or host
          NAME, or of the LAN a host NIC is plugged into (NAME = HOST:NIC)
Environment: NETC_LAB_TAG (1-12 of [a-z0-9]) names another copy of the lab.
EOF
}

lab_init() {
	PATH=${PATH:+$PATH:}/usr/sbin:/usr/bin:/sbin:/bin
	LC_ALL=C
	export PATH LC_ALL
	umask 022
	LAB_W=
	LAB_TAG=${NETC_LAB_TAG:-$LAB_DEFAULT_TAG}
	case $LAB_TAG in
	'' | *[!a-z0-9]*) lab_die 2 "NETC_LAB_TAG '$LAB_TAG': a tag is 1 to 12 characters from [a-z0-9]" ;;
	esac
	[ "${#LAB_TAG}" -le 12 ] || lab_die 2 "NETC_LAB_TAG '$LAB_TAG': a tag is 1 to 12 characters from [a-z0-9]"
	LAB_DIR=/run/netc/lab-$LAB_TAG
}

# A private work directory holding the records, one file per kind
# ($LAB_W/r.KIND), and the listing of the lab's namespaces ($LAB_W/netns).
lab_workdir() {
	LAB_W=$(mktemp -d "${TMPDIR:-/tmp}/netc-lab.XXXXXX") ||
		lab_die 1 "cannot create a work directory in ${TMPDIR:-/tmp}"
	trap 'rm -rf "$LAB_W"' EXIT
	trap 'exit 130' HUP INT TERM PIPE
	lab_topology >"$LAB_W/topo"
	for lab_k in ns lan vlan lanroute host nic vif row; do
		: >"$LAB_W/r.$lab_k"
	done
	awk -v dir="$LAB_W" 'NF && $1 !~ /^#/ { print > (dir "/r." $1) }' "$LAB_W/topo"
	lab_list_ns
}

# lab_nsname KIND NAME: the namespace of a LAN (lan N), a dom0 (dom0 HOST)
# or a guest (domu DOMAIN), in LAB_NS.
lab_nsname() {
	case $1 in
	lan) LAB_NS=netc-$LAB_TAG-lan$2 ;;
	*) LAB_NS=netc-$LAB_TAG-$1-$2 ;;
	esac
}

lab_list_ns() {
	ip netns list 2>/dev/null | awk -v p="netc-$LAB_TAG-" 'index($1, p) == 1 { print $1 }' >"$LAB_W/netns"
}

lab_has_ns() {
	grep -qxF -- "$1" "$LAB_W/netns"
}

# Root, and the commands the verb needs.  The host scripts check their own
# (nft, dnsmasq, bridge) before they change anything.
lab_preflight() {
	[ "$(id -u)" = 0 ] || lab_die 3 "$1 needs root (network namespaces); this is uid $(id -u)"
	lab_missing=
	lab_cmds="ip awk"
	case $1 in
	check) lab_cmds="$lab_cmds busybox" ;;
	up) [ -z "$(awk '$13 != "-"' "$LAB_W/r.vif")" ] || lab_cmds="$lab_cmds busybox" ;;
	esac
	for lab_c in $lab_cmds; do
		command -v "$lab_c" >/dev/null 2>&1 || lab_missing="$lab_missing $lab_c"
	done
	[ -z "$lab_missing" ] || lab_die 3 "command not found:$lab_missing (busybox: ping and udhcpc)"
	# udhcpc runs a script on each event; this one changes nothing.
	LAB_TRUE=/bin/true
	[ -x "$LAB_TRUE" ] || LAB_TRUE=/usr/bin/true
}

# lab_do WHAT CMD...: run CMD; if it fails, name WHAT and CMD's messages,
# and stop.  (No rollback: `down` removes a half-built lab whole.)
lab_do() {
	lab_what=$1
	shift
	"$@" </dev/null >"$LAB_W/out" 2>&1 && return 0
	lab_msg "step failed: $lab_what"
	sed 's/^/    /' "$LAB_W/out" >&2
	lab_msg "the lab may be partly built; '$LAB_PROG down' removes it"
	exit 1
}

# --- up --------------------------------------------------------------------

lab_ns_add() {
	ip netns add "$1" || return 1
	ip -n "$1" link set dev lo up || return 1
	# A new namespace inherits some IPv4 settings from the machine's own:
	# start from the kernel's defaults instead (no forwarding, no reverse
	# path filter), whatever the machine's sysctl.conf says.  No IPv6
	# duplicate address detection: addresses work at once.
	echo 0 | ip netns exec "$1" tee /proc/sys/net/ipv4/ip_forward \
		/proc/sys/net/ipv4/conf/all/rp_filter /proc/sys/net/ipv4/conf/default/rp_filter \
		/proc/sys/net/ipv6/conf/all/accept_dad /proc/sys/net/ipv6/conf/default/accept_dad \
		>/dev/null 2>&1
	return 0
}

# Interface names always follow "dev" or "name": a bare name that is a
# prefix of one of ip's keywords ("n", "up", "mast") would be read as it.
lab_link_exists() {
	ip -n "$1" link show dev "$2" >/dev/null 2>&1
}

# lab_lan_up NS ADDR: the LAN's switch, with the LAN's own address.
lab_lan_up() {
	lab_link_exists "$1" lan0 ||
		ip -n "$1" link add name lan0 type bridge stp_state 0 forward_delay 0 || return 1
	ip -n "$1" link set dev lan0 up || return 1
	[ "$2" = - ] || ip -n "$1" addr replace "$2" dev lan0
}

# lab_vlan_up NS VID ADDR: the LAN's side of a tagged network.
lab_vlan_up() {
	if ! lab_link_exists "$1" "lan0.$2" &&
		! ip -n "$1" link add link lan0 name "lan0.$2" type vlan id "$2"; then
		echo "(a tagged network needs the kernel's 802.1Q support, module 8021q)"
		return 1
	fi
	ip -n "$1" link set dev "lan0.$2" up || return 1
	[ "$3" = - ] || ip -n "$1" addr replace "$3" dev "lan0.$2"
}

# lab_nic_up DOM0NS LANNS NIC PORT ADDR GW: a NIC of dom0, plugged into
# the LAN.  Its address and dom0's default route are set when the cable
# is first plugged in, as a distribution would at boot: from then on the
# host script owns them (it moves them onto a bridge that takes the NIC).
lab_nic_up() {
	if ! lab_link_exists "$1" "$3"; then
		ip -n "$1" link add name "$3" type veth peer name "$4" netns "$2" || return 1
		ip -n "$1" link set dev "$3" up || return 1
		[ "$5" = - ] || ip -n "$1" addr add "$5" dev "$3" || return 1
		[ "$6" = - ] || ip -n "$1" route add default via "$6" dev "$3" || return 1
	fi
	ip -n "$2" link set dev "$4" master lan0 up
}

# lab_host HOST VERB: run the host script of HOST in its dom0, with its
# state in the lab's directory.
lab_host() {
	lab_nsname dom0 "$1"
	ip netns exec "$LAB_NS" env NETC_STATE_DIR="$LAB_DIR/dom0-$1/state" \
		sh "$LAB_DIR/dom0-$1/setup.sh" "$2" </dev/null
}

# The MTU of link $2 in namespace $1.
lab_mtu() {
	ip -n "$1" -o link show dev "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }'
}

# The first IPv4 address of link $2 in namespace $1 (vif-route's dom0_ip).
lab_addr4() {
	ip -n "$1" -o -4 addr show dev "$2" | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}

# The broadcast address of $1's class (A, B, C; nothing for D and E), which
# the kernel gives an address set by ifconfig (inet_abc_len).
lab_classful_brd() {
	lab_o1=${1%%.*}
	lab_r=${1#*.}
	lab_o2=${lab_r%%.*}
	lab_r=${lab_r#*.}
	lab_o3=${lab_r%%.*}
	if [ "$lab_o1" -lt 128 ]; then
		echo "$lab_o1.255.255.255"
	elif [ "$lab_o1" -lt 192 ]; then
		echo "$lab_o1.$lab_o2.255.255"
	elif [ "$lab_o1" -lt 224 ]; then
		echo "$lab_o1.$lab_o2.$lab_o3.255"
	fi
}

# One vif, from the fields of its record (v_*): the veth, its dom0 end
# attached as the hotplug script attaches it, and the guest's side.
lab_vif_up() {
	lab_nsname dom0 "$v_host"
	v_d0=$LAB_NS
	lab_nsname domu "$v_dom"
	v_gu=$LAB_NS
	v_eth=eth$v_devid
	v_new=
	if ! lab_link_exists "$v_d0" "$v_be"; then
		# netback registers the backend with the MAC fe:ff:ff:ff:ff:ff
		if [ "$v_mac" = random ]; then
			ip -n "$v_d0" link add name "$v_be" address fe:ff:ff:ff:ff:ff type veth \
				peer name "$v_eth" netns "$v_gu" || return 1
		else
			ip -n "$v_d0" link add name "$v_be" address fe:ff:ff:ff:ff:ff type veth \
				peer name "$v_eth" address "$v_mac" netns "$v_gu" || return 1
		fi
		v_new=1
	fi
	case $v_mode in
	bridge)
		# vif-bridge: setup_virtual_bridge_port (down, the MAC no bridge
		# takes, no addresses), set_mtu (the vif's mtu, else the bridge's),
		# add_to_bridge (enslave, up).
		if [ -n "$v_new" ]; then
			ip -n "$v_d0" link set dev "$v_be" down &&
				ip -n "$v_d0" link set dev "$v_be" address fe:ff:ff:ff:ff:ff &&
				ip -n "$v_d0" addr flush dev "$v_be" || return 1
			v_m=$v_mtu
			[ "$v_m" != - ] || v_m=$(lab_mtu "$v_d0" "$v_attach")
			if [ -n "$v_m" ]; then
				ip -n "$v_d0" link set dev "$v_be" mtu "$v_m" &&
					ip -n "$v_gu" link set dev "$v_eth" mtu "$v_m" || return 1
			fi
		fi
		ip -n "$v_d0" link set dev "$v_be" master "$v_attach" || return 1
		ip -n "$v_d0" link set dev "$v_be" up || return 1
		;;
	route)
		# vif-route: gatewaydev's address as a /32 on the vif, up, proxy
		# ARP on it, a host route to the guest (metric 2, src that address).
		# Forwarding on the vif too (new interfaces inherit it once the
		# host script has turned ip_forward on; this makes it explicit).
		v_main=$(lab_addr4 "$v_d0" "$v_attach")
		[ -n "$v_main" ] || {
			echo "gatewaydev $v_attach of dom0 $v_host has no IPv4 address"
			return 1
		}
		if [ -n "$v_new" ] && [ "$v_mtu" != - ]; then
			ip -n "$v_d0" link set dev "$v_be" mtu "$v_mtu" &&
				ip -n "$v_gu" link set dev "$v_eth" mtu "$v_mtu" || return 1
		fi
		# `ifconfig VIF ADDR netmask 255.255.255.255 up`: the kernel gives
		# the address its class's broadcast (SIOCSIFADDR) and keeps it
		# when the mask becomes /32 (SIOCSIFNETMASK recomputes it only
		# below /31).
		v_brd=$(lab_classful_brd "$v_main")
		ip -n "$v_d0" addr replace "$v_main/32" ${v_brd:+broadcast "$v_brd"} dev "$v_be" &&
			ip -n "$v_d0" link set dev "$v_be" up || return 1
		echo 1 | ip netns exec "$v_d0" tee "/proc/sys/net/ipv4/conf/$v_be/proxy_arp" \
			"/proc/sys/net/ipv4/conf/$v_be/forwarding" >/dev/null || return 1
		ip -n "$v_d0" route replace "${v_ip%/*}" dev "$v_be" src "$v_main" metric 2 || return 1
		# The rest of the vif's ip list: vif-route routes each item alike.
		for v_r in $(printf '%s\n' "${v_routes:-}" | tr , ' '); do
			ip -n "$v_d0" route replace "$v_r" dev "$v_be" src "$v_main" metric 2 || return 1
		done
		;;
	esac
	ip -n "$v_gu" link set dev "$v_eth" up || return 1
	[ "$v_ip" = - ] || ip -n "$v_gu" addr replace "$v_ip" dev "$v_eth" || return 1
	[ "$v_gw" != - ] || return 0
	[ "$v_mode" != route ] || ip -n "$v_gu" route replace "$v_gw" dev "$v_eth" scope link || return 1
	[ "$v_def" = 0 ] || [ "$v_ip" = - ] || ip -n "$v_gu" route replace default via "$v_gw" dev "$v_eth"
}

# lab_dhcp NS IFACE: one DHCP exchange with busybox udhcpc, which changes
# nothing (its script is true); prints the address offered, if any.
lab_dhcp() {
	ip netns exec "$1" busybox udhcpc -f -q -n -i "$2" -t 4 -T 1 -s "$LAB_TRUE" 2>&1 </dev/null |
		sed -n 's/.*lease of \([0-9.]*\) obtained.*/\1/p' | tail -n 1
}

# A vif with no ip on a network with dhcp: an address from the network's
# dnsmasq (record field dhcp: the prefix), unless it has one already.
lab_vif_dhcp() {
	lab_nsname domu "$v_dom"
	v_gu=$LAB_NS
	v_eth=eth$v_devid
	[ -z "$(lab_addr4 "$v_gu" "$v_eth")" ] || return 0
	v_lease=$(lab_dhcp "$v_gu" "$v_eth")
	[ -n "$v_lease" ] || {
		echo "no DHCP offer on $v_eth of $v_dom (busybox udhcpc, 4 tries)"
		return 1
	}
	ip -n "$v_gu" addr add "$v_lease/$v_dhcp" dev "$v_eth" || return 1
	[ "$v_def" = 0 ] || ip -n "$v_gu" route replace default via "$v_gw" dev "$v_eth"
}

# Bridges with STP hold a new port in listening and learning for twice the
# forward delay: wait (at most 70 s) until no port of any dom0 is.
lab_wait_stp() {
	lab_tries=0
	while :; do
		lab_busy=
		while read -r _ lab_h _; do
			lab_nsname dom0 "$lab_h"
			if ip -n "$LAB_NS" -d -o link show 2>/dev/null | grep -qE 'state (listening|learning) '; then
				lab_busy=$lab_h
				break
			fi
		done <"$LAB_W/r.host"
		[ -n "$lab_busy" ] || return 0
		if [ "$lab_tries" = 0 ]; then
			echo "$LAB_PROG: waiting for STP to let the ports of dom0 $lab_busy forward"
		fi
		lab_tries=$((lab_tries + 1))
		[ "$lab_tries" -le 140 ] || lab_die 1 "ports of dom0 $lab_busy are still not forwarding after 70 s"
		sleep 0.5 2>/dev/null || sleep 1
	done
}

lab_up() {
	lab_preflight up
	mkdir -p "$LAB_DIR" || lab_die 1 "cannot create $LAB_DIR"
	while read -r _ lab_kind lab_name; do
		lab_nsname "$lab_kind" "$lab_name"
		lab_has_ns "$LAB_NS" || lab_do "ip netns add $LAB_NS" lab_ns_add "$LAB_NS"
	done <"$LAB_W/r.ns"
	while read -r _ lab_l lab_addr _; do
		lab_nsname lan "$lab_l"
		lab_do "LAN $lab_l: bridge lan0 in $LAB_NS" lab_lan_up "$LAB_NS" "$lab_addr"
	done <"$LAB_W/r.lan"
	while read -r _ lab_l lab_vid lab_addr; do
		lab_nsname lan "$lab_l"
		lab_do "LAN $lab_l: VLAN $lab_vid (lan0.$lab_vid) in $LAB_NS" lab_vlan_up "$LAB_NS" "$lab_vid" "$lab_addr"
	done <"$LAB_W/r.vlan"
	while read -r _ lab_h lab_nic lab_l lab_port lab_addr lab_gw; do
		lab_nsname lan "$lab_l"
		lab_lan=$LAB_NS
		lab_nsname dom0 "$lab_h"
		lab_do "NIC $lab_nic of dom0 $lab_h, plugged into LAN $lab_l" \
			lab_nic_up "$LAB_NS" "$lab_lan" "$lab_nic" "$lab_port" "$lab_addr" "$lab_gw"
	done <"$LAB_W/r.nic"
	# A careless upstream router: the LAN knows the way to every nat and
	# isolated subnet behind a host, so that what must not pass is stopped
	# by the host's firewall, not by a missing route.
	while read -r _ lab_l lab_dst lab_via; do
		lab_nsname lan "$lab_l"
		lab_do "LAN $lab_l: route to $lab_dst via $lab_via" ip -n "$LAB_NS" route replace "$lab_dst" via "$lab_via"
	done <"$LAB_W/r.lanroute"
	while read -r _ lab_h lab_i; do
		mkdir -p "$LAB_DIR/dom0-$lab_h" || lab_die 1 "cannot create $LAB_DIR/dom0-$lab_h"
		lab_host_script "$lab_i" >"$LAB_DIR/dom0-$lab_h/setup.sh"
		if lab_host "$lab_h" up >"$LAB_W/out" 2>&1; then
			awk -v p="$LAB_PROG: dom0 $lab_h: " '{ print p $0 }' "$LAB_W/out"
		else
			lab_msg "step failed: the host script of $lab_h (-t sh --host $lab_h): up"
			sed 's/^/    /' "$LAB_W/out" >&2
			lab_msg "the lab may be partly built; '$LAB_PROG down' removes it"
			exit 1
		fi
	done <"$LAB_W/r.host"
	lab_record
	while read -r _ v_dom v_devid v_host v_be v_mode v_attach v_mac v_mtu v_ip v_gw v_def v_dhcp v_routes; do
		lab_do "vif $v_be of $v_dom (eth$v_devid), on dom0 $v_host" lab_vif_up
	done <"$LAB_W/r.vif"
	lab_wait_stp
	while read -r _ v_dom v_devid v_host v_be v_mode v_attach v_mac v_mtu v_ip v_gw v_def v_dhcp v_routes; do
		[ "$v_dhcp" = - ] || lab_do "DHCP for eth$v_devid of $v_dom" lab_vif_dhcp
	done <"$LAB_W/r.vif"
	lab_record
	echo "$LAB_PROG: lab $LAB_TAG is up:"
	lab_names | sed 's/^/  /'
}

# The table of names for exec, and the namespace each stands for.
lab_names() {
	while read -r _ lab_kind lab_name; do
		lab_nsname "$lab_kind" "$lab_name"
		case $lab_kind in
		dom0) printf '%-24s %s\n' "$lab_name" "$LAB_NS  (dom0)" ;;
		domu) printf '%-24s %s\n' "$lab_name" "$LAB_NS" ;;
		lan)
			lab_label=$(awk -v l="$lab_name" '$1 == "lan" && $2 == l { print $4; exit }' "$LAB_W/topo")
			printf '%-24s %s\n' "$lab_label" "$LAB_NS  (LAN)"
			;;
		esac
	done <"$LAB_W/r.ns"
}

# --- processes -------------------------------------------------------------

# The processes the lab leaves running (the host scripts' dnsmasq) are
# recorded in $LAB_DIR/pids, "PID START NAMESPACE", START the process's
# start time (field 22 of /proc/PID/stat), so that down stops them even
# when their namespace is gone: a namespace deleted by hand lives on,
# nameless, while a process is in it, and `ip netns pids` no longer finds
# it.  The start time tells a recorded process from a later one that got
# its pid.

# lab_start_time PID: its start time; nothing when it is gone or a zombie.
# (The command name, in parentheses, may hold spaces and parentheses.)
lab_start_time() {
	awk '{ sub(/.*\) /, ""); if ($1 != "Z") print $20 }' "/proc/$1/stat" 2>/dev/null
}

lab_record() {
	lab_list_ns
	{
		[ ! -f "$LAB_DIR/pids" ] || cat "$LAB_DIR/pids"
		while read -r lab_n; do
			for lab_p in $(ip netns pids "$lab_n" 2>/dev/null); do
				lab_st=$(lab_start_time "$lab_p")
				[ -z "$lab_st" ] || echo "$lab_p $lab_st $lab_n"
			done
		done <"$LAB_W/netns"
	} | sort -u >"$LAB_W/pids"
	cp "$LAB_W/pids" "$LAB_DIR/pids"
}

# Stop every recorded process still running (TERM, then KILL after 5 s),
# naming those whose namespace was gone when down began.
lab_stop_recorded() {
	[ -f "$LAB_DIR/pids" ] || return 0
	lab_ok=0
	while read -r lab_p lab_st lab_n; do
		[ "$(lab_start_time "$lab_p")" = "$lab_st" ] || continue
		lab_comm=$(cat "/proc/$lab_p/comm" 2>/dev/null)
		kill "$lab_p" 2>/dev/null
		lab_tries=0
		while [ "$(lab_start_time "$lab_p")" = "$lab_st" ]; do
			if [ "$lab_tries" = 50 ]; then
				kill -KILL "$lab_p" 2>/dev/null
			elif [ "$lab_tries" -gt 60 ]; then
				lab_msg "cannot stop pid $lab_p ($lab_comm) of $lab_n"
				lab_ok=1
				break
			fi
			sleep 0.1 2>/dev/null || sleep 1
			lab_tries=$((lab_tries + 1))
		done
		[ "$lab_tries" -gt 60 ] || grep -qxF -- "$lab_n" "$LAB_W/netns.down" ||
			echo "$LAB_PROG: stopped pid $lab_p ($lab_comm), recorded in namespace $lab_n, which is gone"
	done <"$LAB_DIR/pids"
	return $lab_ok
}

# --- down ------------------------------------------------------------------

lab_ns_del() {
	for lab_p in $(ip netns pids "$1" 2>/dev/null); do
		kill "$lab_p" 2>/dev/null
	done
	ip netns del "$1"
}

# Guests first (their vifs go with them, as when Xen's guests shut down),
# then each dom0's host script down, then every namespace of the lab: those
# of this topology and any other this tag left.
lab_down() {
	lab_preflight down
	if [ ! -s "$LAB_W/netns" ] && [ ! -d "$LAB_DIR" ]; then
		echo "$LAB_PROG: lab $LAB_TAG: nothing to take down"
		return 0
	fi
	lab_rc=0
	cp "$LAB_W/netns" "$LAB_W/netns.down"
	# The backend vif goes when its guest does (deleting a namespace frees
	# its links later, in the background: delete the veths now).
	while read -r _ v_dom _ v_host v_be _; do
		lab_nsname dom0 "$v_host"
		! lab_has_ns "$LAB_NS" || ! lab_link_exists "$LAB_NS" "$v_be" ||
			ip -n "$LAB_NS" link del dev "$v_be" || lab_rc=1
	done <"$LAB_W/r.vif"
	while read -r _ lab_kind lab_name; do
		[ "$lab_kind" = domu ] || continue
		lab_nsname domu "$lab_name"
		! lab_has_ns "$LAB_NS" || lab_ns_del "$LAB_NS" || lab_rc=1
	done <"$LAB_W/r.ns"
	while read -r _ lab_h _; do
		lab_nsname dom0 "$lab_h"
		if ! lab_has_ns "$LAB_NS" || [ ! -f "$LAB_DIR/dom0-$lab_h/setup.sh" ]; then
			continue
		fi
		if lab_host "$lab_h" down >"$LAB_W/out" 2>&1; then
			awk -v p="$LAB_PROG: dom0 $lab_h: " '{ print p $0 }' "$LAB_W/out"
		else
			lab_msg "dom0 $lab_h: the host script's down failed:"
			sed 's/^/    /' "$LAB_W/out" >&2
			lab_rc=1
		fi
	done <"$LAB_W/r.host"
	lab_list_ns
	while read -r lab_n; do
		lab_ns_del "$lab_n" || lab_rc=1
	done <"$LAB_W/netns"
	# what is left of the recorded processes: those whose namespace was
	# already gone (and any still stopping)
	lab_stop_recorded || lab_rc=1
	rm -rf "$LAB_DIR"
	rmdir /run/netc 2>/dev/null
	[ "$lab_rc" = 0 ] || lab_die 1 "lab $LAB_TAG: down failed in part (above)"
	echo "$LAB_PROG: lab $LAB_TAG is down"
}

# --- status ----------------------------------------------------------------

# What status reads in each namespace, in one process: links, addresses,
# routes, and the proxy ARP and forwarding switches of the interfaces named
# as arguments (routed vifs).
# shellcheck disable=SC2016
LAB_DUMP='echo @link; ip -o link show
echo @addr; ip -o addr show
echo @route; ip -o -4 route show; ip -o -6 route show 2>/dev/null
echo @conf
for i; do printf "%s %s %s\n" "$i" "$(cat "/proc/sys/net/ipv4/conf/$i/proxy_arp" 2>/dev/null)" \
	"$(cat "/proc/sys/net/ipv4/conf/$i/forwarding" 2>/dev/null)"; done'

# Compare the namespaces (dumps, each opened by "@ns KIND NAME") with the
# records; print each difference.  The text is awk's.
# shellcheck disable=SC2016
LAB_STATUS_AWK='
function diff(s) { print "  " s; n++ }
function link(ns, x, what) {
	if ((ns SUBSEP x) in L) return 1
	diff(what ": " x " is missing"); return 0
}
function isup(ns, x, what) { if (!UP[ns, x]) diff(what ": " x " is down") }
function addr(ns, x, a, what) { if (!((ns SUBSEP x SUBSEP a) in A)) diff(what ": " x " lacks address " a) }
function peer(ns, x, ons, ox, what) {
	if (((ons SUBSEP ox) in L) && P[ns, x] != "if" IDX[ons, ox]) diff(what ": " x " is not the other end of " ox)
}
FNR == 1 { file++ }
$1 == "@ns" { cur = $2 " " $3; have[cur] = 1; sect = ""; next }
file < last && /^@/ { sect = $1; next }
file < last && sect == "@link" {
	x = $2; sub(/:$/, "", x); p = ""
	if (x ~ /@/) { p = x; sub(/.*@/, "", p); sub(/@.*/, "", x) }
	L[cur, x] = 1; P[cur, x] = p; IDX[cur, x] = $1 + 0
	UP[cur, x] = ($3 ~ /[<,]UP[,>]/)
	for (i = 4; i < NF; i++) {
		if ($i == "master") M[cur, x] = $(i + 1)
		if ($i == "link/ether") MAC[cur, x] = $(i + 1)
	}
	next
}
file < last && sect == "@addr" { A[cur, $2, $4] = 1; ANY[cur, $4] = 1; if ($3 == "inet") V4[cur, $2] = 1; next }
file < last && sect == "@route" {
	dev = ""; via = ""
	for (i = 2; i < NF; i++) { if ($i == "dev") dev = $(i + 1); if ($i == "via") via = $(i + 1) }
	if ($1 == "default") DEF[cur, via] = 1
	else RT[cur, $1, dev] = 1
	next
}
file < last && sect == "@conf" { PA[cur, $1] = $2; FW[cur, $1] = $3; next }
file < last { next }
$1 == "ns" {
	k = $2 " " $3
	if (!(k in have)) diff(($2 == "lan" ? "LAN " : $2 " ") $3 ": namespace " nsprefix ($2 == "lan" ? "lan" $3 : $2 "-" $3) " is missing")
	next
}
$1 == "lan" {
	ns = "lan " $2; w = "LAN " $4
	if (!(ns in have)) next
	if (link(ns, "lan0", w)) { isup(ns, "lan0", w); if ($3 != "-") addr(ns, "lan0", $3, w) }
	next
}
$1 == "vlan" {
	ns = "lan " $2; w = "LAN " $2 " VLAN " $3
	if (!(ns in have)) next
	if (link(ns, "lan0." $3, w)) { isup(ns, "lan0." $3, w); if ($4 != "-") addr(ns, "lan0." $3, $4, w) }
	next
}
$1 == "lanroute" {
	ns = "lan " $2
	if ((ns in have) && !((ns SUBSEP $3 SUBSEP "lan0") in RT)) diff("LAN " $2 ": no route to " $3 " via " $4)
	next
}
$1 == "nic" {
	ns = "dom0 " $2; lan = "lan " $4; w = "dom0 " $2 " NIC " $3
	if (lan in have && link(lan, $5, "LAN " $4 " port for " $2 ":" $3)) {
		isup(lan, $5, "LAN " $4)
		if (M[lan, $5] != "lan0") diff("LAN " $4 ": " $5 " is not a port of lan0")
	}
	if (!(ns in have)) next
	if (link(ns, $3, w)) { isup(ns, $3, w); if (lan in have) peer(ns, $3, lan, $5, w) }
	a = $6; if (a != "-" && !((ns SUBSEP a) in ANY)) diff(w ": address " a " is on no interface of dom0")
	if ($7 != "-" && !((ns SUBSEP $7) in DEF)) diff("dom0 " $2 ": no default route via " $7)
	next
}
$1 == "vif" {
	dom = $2; eth = "eth" $3; d0 = "dom0 " $4; be = $5; mode = $6; at = $7; mac = $8; ip = $10; gw = $11
	gu = "domu " dom; w = "dom0 " $4 " vif " be; wg = "guest " dom
	if (d0 in have && link(d0, be, w)) {
		isup(d0, be, w)
		if (mode == "bridge" && M[d0, be] != at) diff(w ": not a port of " at)
		if (mode == "bridge" && MAC[d0, be] != "fe:ff:ff:ff:ff:ff") diff(w ": MAC " MAC[d0, be] ", want fe:ff:ff:ff:ff:ff (vif-bridge)")
		if (mode == "route") {
			if (!((d0 SUBSEP be SUBSEP gw "/32") in A)) diff(w ": lacks address " gw "/32 (vif-route)")
			if (PA[d0, be] != 1) diff(w ": proxy_arp is " PA[d0, be] ", want 1 (vif-route)")
			if (FW[d0, be] != 1) diff(w ": forwarding is " FW[d0, be] ", want 1")
			g = ip; sub(/\/.*/, "", g)
			if (!((d0 SUBSEP g SUBSEP be) in RT)) diff(w ": no route to " g " (vif-route)")
			nr = split($14, R, ",")
			for (i = 1; i <= nr; i++) {
				g = R[i]; sub(/\/32$/, "", g)
				if (!((d0 SUBSEP g SUBSEP be) in RT)) diff(w ": no route to " g " (vif-route)")
			}
		}
	}
	if (!(gu in have)) next
	if (!link(gu, eth, wg)) next
	isup(gu, eth, wg)
	if (d0 in have) peer(gu, eth, d0, be, wg)
	if (mac != "random" && MAC[gu, eth] != mac) diff(wg ": " eth " has MAC " MAC[gu, eth] ", want " mac)
	if (ip != "-") addr(gu, eth, ip, wg)
	if ($13 != "-" && !((gu SUBSEP eth) in V4)) diff(wg ": " eth " has no address from DHCP")
	if (mode == "route" && !((gu SUBSEP gw SUBSEP eth) in RT)) diff(wg ": no route to its gateway " gw " on " eth)
	if ($12 == 1 && !((gu SUBSEP gw) in DEF)) diff(wg ": no default route via " gw)
	next
}
END { exit n > 0 }
'

lab_status() {
	lab_preflight status
	lab_i=0
	lab_dumps=
	: >"$LAB_W/expected"
	while read -r _ lab_kind lab_name; do
		lab_nsname "$lab_kind" "$lab_name"
		echo "$LAB_NS" >>"$LAB_W/expected"
		lab_has_ns "$LAB_NS" || continue
		lab_i=$((lab_i + 1))
		# shellcheck disable=SC2046
		{
			echo "@ns $lab_kind $lab_name"
			ip netns exec "$LAB_NS" sh -c "$LAB_DUMP" dump $(awk -v h="$lab_name" \
				'$1 == "vif" && $4 == h && $6 == "route" { print $5 }' "$LAB_W/r.vif")
		} >"$LAB_W/dump.$lab_i" 2>&1
		lab_dumps="$lab_dumps $LAB_W/dump.$lab_i"
	done <"$LAB_W/r.ns"
	lab_rc=0
	# shellcheck disable=SC2086
	awk -v last="$((lab_i + 1))" -v nsprefix="netc-$LAB_TAG-" "$LAB_STATUS_AWK" \
		$lab_dumps "$LAB_W/topo" >"$LAB_W/diff" || lab_rc=1
	if [ "$lab_i" = 0 ]; then
		echo "$LAB_PROG: lab $LAB_TAG is down (no namespace netc-$LAB_TAG-*)"
		exit 1
	fi
	while read -r lab_n; do
		grep -qxF -- "$lab_n" "$LAB_W/expected" && continue
		echo "  namespace $lab_n is not part of this topology" >>"$LAB_W/diff"
		lab_rc=1
	done <"$LAB_W/netns"
	while read -r _ lab_h _; do
		lab_nsname dom0 "$lab_h"
		if ! lab_has_ns "$LAB_NS" || [ ! -f "$LAB_DIR/dom0-$lab_h/setup.sh" ]; then
			continue
		fi
		lab_host "$lab_h" status >"$LAB_W/out" 2>&1 && continue
		echo "  dom0 $lab_h: its host script reports:" >>"$LAB_W/diff"
		sed 's/^/    /' "$LAB_W/out" >>"$LAB_W/diff"
		lab_rc=1
	done <"$LAB_W/r.host"
	if [ "$lab_rc" = 0 ]; then
		echo "$LAB_PROG: lab $LAB_TAG matches the topology"
		return 0
	fi
	echo "$LAB_PROG: lab $LAB_TAG differs from the topology:"
	cat "$LAB_W/diff"
	exit 1
}

# --- check -----------------------------------------------------------------

# lab_ping NS IFACE ADDR: one echo request (busybox ping), from IFACE ("-":
# wherever the routes say).
lab_ping() {
	if [ "$2" = - ]; then
		ip netns exec "$1" busybox ping -c 1 -W 1 -q "$3" >/dev/null 2>&1 </dev/null
	else
		ip netns exec "$1" busybox ping -c 1 -W 1 -q -I "$2" "$3" >/dev/null 2>&1 </dev/null
	fi
}

# An address of the form @DOMAIN:DEVID is the one DHCP gave that vif
# (sets LAB_NS: call it first).
lab_resolve_addr() {
	case $1 in
	@*)
		lab_a=${1#@}
		lab_nsname domu "${lab_a%%:*}"
		lab_addr=$(lab_addr4 "$LAB_NS" "eth${lab_a#*:}" 2>/dev/null)
		;;
	*) lab_addr=$1 ;;
	esac
}

# Is IPv4 address $1 inside range $2 (FIRST-LAST)?
lab_in_range() {
	echo "$1 $2" | awk '
		function n(a,   p) { split(a, p, "."); return ((p[1] * 256 + p[2]) * 256 + p[3]) * 256 + p[4] }
		$1 !~ /^[0-9.]+$/ { exit 1 }
		{ split($2, r, "-"); exit !(n($1) >= n(r[1]) && n($1) <= n(r[2])) }'
}

lab_row() {
	# shellcheck disable=SC2059
	printf "$LAB_ROW_FORMAT" "$@"
}

# lab_result SOURCE DESTINATION ADDRESS EXPECTED OBSERVED WHY: one row of
# the table, counted; as expected when OBSERVED is EXPECTED (or, after
# lab_in_range succeeded, LAB_IN_RANGE=1).
lab_result() {
	if [ "$4" = "$5" ] || [ -n "$LAB_IN_RANGE" ]; then
		lab_good=$((lab_good + 1))
		lab_row "$1" "$2" "$3" "$4" "$5" ok "$6"
	else
		lab_bad=$((lab_bad + 1))
		lab_row "$1" "$2" "$3" "$4" "$5" MISMATCH "$6"
	fi
	LAB_IN_RANGE=
}

# row ping KIND NAME IFACE SOURCE DESTINATION ADDRESS EXPECTED WHY...
lab_check_ping() {
	lab_resolve_addr "$6"
	lab_nsname "$1" "$2"
	if [ -z "$lab_addr" ]; then
		lab_seen=no-address
		lab_addr=${6#@}
	elif lab_ping "$LAB_NS" "$3" "$lab_addr"; then
		lab_seen=reach
	elif [ "$7" = reach ] && lab_ping "$LAB_NS" "$3" "$lab_addr"; then
		lab_seen=reach
	else
		lab_seen=blocked
	fi
	lab_s=$4 lab_d=$5 lab_e=$7
	shift 7
	lab_result "$lab_s" "$lab_d" "$lab_addr" "$lab_e" "$lab_seen" "$*"
}

# row lease DOMAIN DEVID SOURCE WANT WHY...: one DHCP exchange on the vif;
# WANT is an address (a static lease) or FIRST-LAST (the dynamic range).
lab_check_lease() {
	lab_nsname domu "$1"
	lab_seen=$(lab_dhcp "$LAB_NS" "eth$2")
	[ -n "$lab_seen" ] || lab_seen=none
	case $4 in
	*-*) ! lab_in_range "$lab_seen" "$4" || LAB_IN_RANGE=1 ;;
	esac
	lab_s=$3 lab_e=$4
	shift 4
	lab_result "$lab_s" DHCP - "$lab_e" "$lab_seen" "$*"
}

# row skip SOURCE DESTINATION WHY...
lab_check_skip() {
	lab_s=$1 lab_d=$2
	shift 2
	lab_row "$lab_s" "$lab_d" - - - skipped "$*"
	lab_skipped=$((lab_skipped + 1))
}

lab_check() {
	lab_preflight check
	while read -r _ lab_kind lab_name; do
		lab_nsname "$lab_kind" "$lab_name"
		lab_has_ns "$LAB_NS" || lab_die 1 "lab $LAB_TAG is not up (no namespace $LAB_NS): run '$LAB_PROG up' first"
	done <"$LAB_W/r.ns"
	echo "$LAB_PROG: who reaches whom in lab $LAB_TAG"
	lab_row SOURCE DESTINATION ADDRESS EXPECTED OBSERVED RESULT WHY
	lab_good=0
	lab_bad=0
	lab_skipped=0
	LAB_IN_RANGE=
	while read -r _ lab_kind lab_rest; do
		# The fields are names, addresses and words: no glob characters,
		# and globbing is off anyway while they are split.
		set -f
		# shellcheck disable=SC2086
		set -- $lab_rest
		set +f
		"lab_check_$lab_kind" "$@"
	done <"$LAB_W/r.row"
	echo "$LAB_PROG: $lab_good as expected, $lab_bad mismatched, $lab_skipped skipped"
	[ "$lab_bad" = 0 ] || exit 1
}

# --- exec ------------------------------------------------------------------

lab_exec() {
	[ $# -ge 1 ] || {
		lab_usage >&2
		exit 2
	}
	lab_preflight exec
	lab_name=$1
	shift
	case $lab_name in
	*:*)
		lab_l=$(awk -v h="${lab_name%%:*}" -v n="${lab_name#*:}" '$2 == h && $3 == n { print $4; exit }' "$LAB_W/r.nic")
		[ -n "$lab_l" ] || lab_die 2 "the topology has no host NIC $lab_name"
		lab_nsname lan "$lab_l"
		;;
	*)
		if grep -qxF "ns domu $lab_name" "$LAB_W/r.ns"; then
			lab_nsname domu "$lab_name"
		elif grep -qxF "ns dom0 $lab_name" "$LAB_W/r.ns"; then
			lab_nsname dom0 "$lab_name"
		else
			lab_die 2 "the topology has no domain, host or HOST:NIC named '$lab_name'"
		fi
		;;
	esac
	lab_has_ns "$LAB_NS" || lab_die 1 "namespace $LAB_NS does not exist: is lab $LAB_TAG up?"
	[ $# -gt 0 ] || set -- "${SHELL:-/bin/sh}"
	rm -rf "$LAB_W"
	trap - EXIT
	exec ip netns exec "$LAB_NS" "$@"
}

# --- the front door --------------------------------------------------------

lab_main() {
	lab_init
	case ${1:-} in
	up | down | status | check)
		[ $# = 1 ] || {
			lab_usage >&2
			exit 2
		}
		lab_workdir
		"lab_$1"
		;;
	exec)
		shift
		lab_workdir
		lab_exec "$@"
		;;
	-h | --help | help) lab_usage ;;
	*)
		lab_usage >&2
		exit 2
		;;
	esac
}
