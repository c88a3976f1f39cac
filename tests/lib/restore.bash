# "Restores", as docs/host-script.md defines it (section "What restores
# means"), as text: two dumps are equal exactly when down restored the host.
# Sourced after lib/netns (needs nsx, ns and jq).
#
#   host_dump ROLE [STATE_DIR]   the namespace ROLE, and netc's state files
#
# links (name, kind, master, MAC, MTU, up; a bridge's stp_state and
# forward_delay; alternative names), addresses (per interface, in order:
# prefix, scope, flags, label, broadcast, peer, metric; permanent or
# dynamic, a dynamic one without its remaining lifetime; the kernel's
# temporary IPv6 addresses left out), routes of every table, IPv4 and IPv6
# (all attributes but the remaining time of an expiring one), rules (both
# families), the sysctls netc touches (ip_forward, each interface's
# forwarding and proxy_arp), the nft ruleset, the processes in the
# namespace, and the files of the state directory.

host_dump() {
	local role=$1 state=${2:-${NETC_STATE_DIR:-}} p
	echo "== links"
	nsx "$role" ip -d -j link | jq -r '.[] | [.ifname, (.linkinfo.info_kind // "-"), (.master // "-"),
		(.address // "-"), (.mtu | tostring), (if (.flags | index("UP")) then "up" else "down" end),
		(.linkinfo.info_data.stp_state // "-" | tostring), (.linkinfo.info_data.forward_delay // "-" | tostring),
		((.altnames // []) | join(","))] | @tsv'
	echo "== addresses"
	nsx "$role" ip -j addr | jq -r '.[] | .ifname as $i | .addr_info[] | select(.temporary != true) |
		[$i, .family, "\(.local)/\(.prefixlen)", (.scope // "-"), (.label // "-"), (.broadcast // "-"),
		 (.address // "-"), (.metric // "-" | tostring),
		 (if .valid_life_time == 4294967295 then "permanent" else "dynamic" end),
		 (if .preferred_life_time == 4294967295 then "preferred-forever" else "preferred-timed" end),
		 ([to_entries[] | select(.value == true) | .key] | join(","))] | @tsv'
	echo "== routes"
	nsx "$role" ip -4 -j route show table all | jq -c '.[] | del(.expires)'
	nsx "$role" ip -6 -j route show table all | jq -c '.[] | del(.expires)'
	echo "== rules"
	nsx "$role" ip -4 -j rule | jq -c '.[]'
	nsx "$role" ip -6 -j rule | jq -c '.[]'
	echo "== sysctls"
	nsx "$role" sh -c 'cd /proc/sys/net/ipv4 && echo "ip_forward $(cat ip_forward)" &&
		for f in conf/*/forwarding conf/*/proxy_arp; do echo "$f $(cat "$f")"; done'
	echo "== nft"
	nsx "$role" nft list ruleset
	echo "== processes"
	for p in $(ip netns pids "$(ns "$role")"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null && echo
	done | sort
	echo "== files"
	if [ -n "$state" ] && [ -e "$state" ]; then
		(cd "$state" && find . | sort)
	else
		echo "(no state directory)"
	fi
}
