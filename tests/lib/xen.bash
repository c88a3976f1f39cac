# The Xen hotplug test bed (bash, sourced by tests after `load helper`):
# guests attach to a dom0 network namespace the way Xen attaches them, and
# Xen's own hotplug scripts do the dom0 side.  Nothing in a test attaches a
# guest by hand: the scripts are the judge of what netc writes.
#
# * Debian's xen-utils-common (vif-bridge, vif-route, vif-common.sh, ...) is
#   fetched at test time (apt-get download + dpkg-deb -x into build/, once
#   per bats run, under flock) and run unmodified, never copied into the
#   repository.
# * Each script runs as libxl 4.17 runs it (libxl_linux.c): the environment
#   script= XENBUS_TYPE=vif XENBUS_PATH=backend/vif/D/N
#   XENBUS_BASE_PATH=backend netdev=GATEWAYDEV vif=vifD.N (and
#   INTERFACE=vifD.N-emu for an hvm guest's emulated NIC), the arguments
#   `online type_if=vif` / `offline type_if=vif`, or `add type_if=tap` /
#   `remove type_if=tap` for the emulated NIC's tap; inside the dom0's
#   network namespace and a private mount namespace (tests/lib/xen-hotplug.sh:
#   its log goes to the test's directory, `logger` cannot reach the
#   machine's syslog, brctl can be hidden or traced).
# * xenstore-read, -write, -exists and -rm are the file-backed stand-ins of
#   tests/lib/xen/ (one store per dom0), last on PATH: the scripts put the
#   system directories first, so xenstore-utils must not be installed
#   (xen_fetch refuses to run then).
# * The store is filled from the TEXT of the xl file, never from netc's
#   IR: each vif spec as libxlutil hands it to xl (tests/xlcheck --get),
#   split and read key by key as xl 4.17's parse_nic_config does, with
#   libxl's defaults (libxl__device_nic_setdefault) and the nodes
#   libxl__set_xenstore_nic writes.
# * Netback is a veth: vifD.N in dom0 (MAC fe:ff:ff:ff:ff:ff, MTU 1500, down,
#   as netback registers it; creating it fails when the name is taken),
#   its peer ethN in the guest's namespace with the frontend's MAC and, once
#   the hotplug script has run, the frontend's MTU (netfront reads both from
#   its xenstore directory when it connects).  An hvm guest's ioemu NIC also
#   gets its tap, vifD.N-emu (ip tuntap: qemu's), with no guest end.
# * Domain ids are handed out per host from 1 (or the first id given), one
#   per created domain, failed or not, never reused; xen_autostart boots a
#   directory in xendomains' order (its glob, `$XENDOMAINS_AUTO/*`, in the C
#   locale) and goes on past a failing domain, as xendomains does.
#
#   xen_fetch                        the scripts, in $XEN_SCRIPTS
#   xen_host HOST DOM0_NS GUEST_FMT [FIRST_DOMID]
#                                    a Xen host: its dom0 namespace, and the
#                                    printf format of its guests' namespaces
#   xen_boot HOST FILE               xl create FILE
#   xen_autostart HOST DIR           xendomains start on DIR
#   xen_destroy HOST NAME            xl destroy (the vifs go offline)
#   xen_reboot HOST NAME             destroy, then create again: a new domid
#   xen_domid HOST NAME, xen_vif HOST NAME DEVID, xen_guest_ns HOST NAME
#   xen_store HOST read|write|exists|rm ARGS...
#   xen_log HOST                     the host's xen-hotplug.log
#   xen_connected HOST               every vif's hotplug-status is connected
#   xen_dom0_dump NS                 a dom0 as a guest's attach leaves it, to
#                                    compare (the lab's attach with Xen's)
#   xen_cleanup                      every link and namespace the bed made
#
# The log directory mounted on /var/log is the test's own rather than a
# tmpfs: as private to the scripts, and still there for the test to read
# (and print) after each script has exited.
#
# XEN_BRCTL=hide|trace (environment of xen_boot and xen_destroy): run the
# scripts without bridge-utils, or logging each brctl call (xen-hotplug.sh).

XEN_STANDINS="$TOP/tests/lib/xen"
XEN_RUNNER="$TOP/tests/lib/xen-hotplug.sh"
XEN_XLCHECK="$TOP/tests/xlcheck"
XEN_DIR="$BATS_TEST_TMPDIR/xen"
XEN_SCRIPTS=
XEN_BRCTL=${XEN_BRCTL:-}

# xen_fetch: Debian's xen-utils-common, unpacked into build/ once per bats
# run (the lock serialises bats' parallel jobs); $XEN_SCRIPTS is its
# /etc/xen/scripts.  Without a mirror, a copy from an earlier run is used,
# with a note.
xen_fetch() {
	local build="$TOP/build" dest="$TOP/build/xen-utils-common" fd tmp stamp
	if command -v xenstore-read >/dev/null 2>&1 || [ -e /usr/bin/xenstore-read ] || [ -e /usr/sbin/xenstore-read ]; then
		echo "xen: xenstore-utils is installed: the hotplug scripts would find its xenstore-read before the test bed's (they put /usr/bin first)" >&2
		return 1
	fi
	mkdir -p "$build"
	exec {fd}>>"$build/xen-utils-common.lock"
	flock "$fd"
	stamp=$(cat "$dest/.run" 2>/dev/null || true)
	if [ "$stamp" != "${BATS_RUN_TMPDIR:-}" ] || [ ! -f "$dest/etc/xen/scripts/vif-bridge" ]; then
		tmp=$(mktemp -d "$build/.xen-utils-common.XXXXXX")
		# apt's lists may be empty (a container whose packages were all
		# there, so scripts/deps.sh never ran apt-get update): update once.
		if { (cd "$tmp" && apt-get download -q xen-utils-common) >"$tmp/log" 2>&1 ||
			{ apt-get update -q >>"$tmp/log" 2>&1 &&
				(cd "$tmp" && apt-get download -q xen-utils-common) >>"$tmp/log" 2>&1; }; } &&
			dpkg-deb -x "$tmp"/xen-utils-common_*.deb "$tmp/root" 2>>"$tmp/log"; then
			dpkg-deb -f "$tmp"/xen-utils-common_*.deb Version >"$tmp/root/.version"
			echo "${BATS_RUN_TMPDIR:-}" >"$tmp/root/.run"
			rm -rf "$dest"
			mv "$tmp/root" "$dest"
		elif [ -f "$dest/etc/xen/scripts/vif-bridge" ]; then
			echo "xen: apt-get download xen-utils-common failed; using the copy in $dest ($(cat "$dest/.version"))" >&2
		else
			cat "$tmp/log" >&2
			rm -rf "$tmp"
			exec {fd}>&-
			echo "xen: cannot fetch xen-utils-common (apt-get download)" >&2
			return 1
		fi
		rm -rf "$tmp"
	fi
	exec {fd}>&-
	XEN_SCRIPTS="$dest/etc/xen/scripts"
}

# xen_host HOST DOM0_NS GUEST_FMT [FIRST_DOMID]: a Xen host whose dom0 is
# the namespace DOM0_NS; a guest NAME lives in namespace
# $(printf GUEST_FMT NAME), made at boot unless it exists (then it is the
# caller's, and only the bed's links in it are removed).
xen_host() {
	local d="$XEN_DIR/$1"
	[ -n "$XEN_SCRIPTS" ] || xen_fetch || return 1
	mkdir -p "$d/store" "$d/log/xen" "$d/dom"
	printf '%s\n' "$2" >"$d/dom0"
	printf '%s\n' "$3" >"$d/guestfmt"
	printf '%s\n' "${4:-1}" >"$d/next"
	xen_store "$1" write /local/domain/0/name Domain-0 /local/domain/0/domid 0
}

xen_store() {
	local h=$1 op=$2
	shift 2
	NETC_XENSTORE="$XEN_DIR/$h/store" "$XEN_STANDINS/xenstore-$op" "$@"
}

xen_log() { cat "$XEN_DIR/$1/log/xen/xen-hotplug.log" 2>/dev/null; }

xen_domid() { awk '{ print $1 }' "$XEN_DIR/$1/dom/$2"; }

xen_guest_ns() {
	# shellcheck disable=SC2059
	printf "$(cat "$XEN_DIR/$1/guestfmt")\n" "$2"
}

# xen_vif HOST NAME DEVID: the backend's name in dom0 now (its vifname once
# the hotplug script renamed it, else vifD.N).
xen_vif() {
	local domid
	domid=$(xen_domid "$1" "$2") || return 1
	xen_store "$1" read "/local/domain/0/backend/vif/$domid/$3/vifname" 2>/dev/null ||
		echo "vif$domid.$3"
}

# xen_link NS IFINDEX: the name of a link, which may have been renamed.
xen_link() {
	ip -n "$1" -o link show 2>/dev/null | awk -F': ' -v i="$2" '$1 == i { sub(/@.*/, "", $2); print $2; exit }'
}

# _xen_msg: what xl would print, on stderr.
_xen_msg() { printf 'xen: %s\n' "$*" >&2; }

# _xen_parse_nic SPEC TYPE: the vif spec as xl 4.17's parse_nic_config and
# libxl__device_nic_setdefault make it, in the associative array NIC.
# Tokens are split at commas (strtok: empty ones vanish), leading blanks
# skipped, each matched by its "key=" prefix in parse_nic_config's order.
# Like xl, an invalid or unknown token is reported and ignored.
_xen_parse_nic() {
	local spec=$1 type=$2 tok key val i rest o
	local -a toks
	NIC=([mac]="" [bridge]="" [gatewaydev]="" [ip]="" [script]="" [backend]="" [vifname]=""
		[model]="" [rate]="" [mtu]=0 [type]="" [devid]="" [trusted]=1)
	IFS=, read -r -a toks <<<"$spec"
	for tok in "${toks[@]}"; do
		[ -n "$tok" ] || continue
		tok=${tok#"${tok%%[! ]*}"}
		case $tok in
		type=*)
			val=${tok#type=}
			case $val in
			vif) NIC[type]=vif ;;
			ioemu) NIC[type]=vif_ioemu ;;
			*) _xen_msg "Invalid parameter \`type'." ;;
			esac
			;;
		mac=*)
			rest=${tok#mac=}
			val=
			for i in 0 1 2 3 4 5; do
				if ! [[ $rest =~ ^([0-9a-fA-F]+) ]] || [ $((16#${BASH_REMATCH[1]})) -gt 255 ]; then
					_xen_msg "Invalid parameter \`mac'."
					val=
					break
				fi
				o=${BASH_REMATCH[1]}
				val+=$(printf '%s%02x' "${val:+:}" $((16#$o)))
				rest=${rest:${#o}+1}
				if [ "$i" -lt 5 ] && [ -z "$rest" ]; then
					_xen_msg "Invalid parameter \`mac' (fewer than six octets: xl reads past its end)."
					val=
					break
				fi
			done
			NIC[mac]=$val
			;;
		bridge=*) NIC[bridge]=${tok#bridge=} ;;
		netdev=*)
			_xen_msg "the netdev parameter is deprecated, please use gatewaydev instead"
			NIC[gatewaydev]=${tok#netdev=}
			;;
		gatewaydev=*) NIC[gatewaydev]=${tok#gatewaydev=} ;;
		ip=*) NIC[ip]=${tok#ip=} ;;
		script=*) NIC[script]=${tok#script=} ;;
		backend=*) NIC[backend]=${tok#backend=} ;;
		vifname=*) NIC[vifname]=${tok#vifname=} ;;
		model=*) NIC[model]=${tok#model=} ;;
		rate=*)
			# xl exits when xlu_vif_parse_rate fails
			NIC[rate]=$("$XEN_XLCHECK" --rate "${tok#rate=}") || return 1
			;;
		accel=*) _xen_msg "the accel parameter for vifs is currently not supported" ;;
		forwarddev=* | colo_*=*) _xen_msg "vif key ${tok%%=*}: COLO is not emulated by the test bed" ;;
		devid=* | mtu=*)
			key=${tok%%=*}
			val=${tok#*=}
			if ! [[ $val =~ ^[[:space:]]*([0-9]+) ]]; then
				_xen_msg "xl: failed to convert \"$val\" to number"
				return 1
			fi
			NIC[$key]=$((10#${BASH_REMATCH[1]}))
			;;
		trusted) NIC[trusted]=1 ;;
		untrusted) NIC[trusted]=0 ;;
		*) _xen_msg "unrecognized argument \`$tok'" ;;
		esac
	done
	# libxl__device_nic_setdefault (no xl.conf defaults: Debian ships none)
	[ "${NIC[mtu]}" != 0 ] || NIC[mtu]=1500
	[ -n "${NIC[model]}" ] || NIC[model]=rtl8139
	if [ -z "${NIC[mac]}" ] || [ "${NIC[mac]}" = 00:00:00:00:00:00 ]; then
		NIC[mac]=$(printf '00:16:3e:%02x:%02x:%02x' $((RANDOM & 0x7f)) $((RANDOM & 0xff)) $((RANDOM & 0xff)))
	fi
	[ -n "${NIC[bridge]}" ] || NIC[bridge]=xenbr0
	[ -n "${NIC[script]}" ] || NIC[script]=vif-bridge
	case ${NIC[script]} in
	/*) ;;
	*) NIC[script]="$XEN_SCRIPTS/${NIC[script]}" ;;
	esac
	case ${NIC[backend]} in
	'' | 0 | Domain-0) ;;
	*)
		_xen_msg "backend=${NIC[backend]}: driver domains are not emulated by the test bed"
		return 1
		;;
	esac
	case $type in
	hvm) [ -n "${NIC[type]}" ] || NIC[type]=vif_ioemu ;;
	*)
		if [ "${NIC[type]}" = vif_ioemu ]; then
			_xen_msg "libxl: error: trying to create PV or PVH guest with an emulated interface"
			return 1
		fi
		NIC[type]=vif
		;;
	esac
}

# _xen_hotplug HOST DOMID DEVID ARGS...: run the vif's script as libxl does.
_xen_hotplug() {
	local h=$1 domid=$2 devid=$3 d="$XEN_DIR/$1" be script gw
	shift 3
	be="/local/domain/0/backend/vif/$domid/$devid"
	script=$(xen_store "$h" read "$be/script") || return 1
	gw=$(xen_store "$h" read "$be/gatewaydev" 2>/dev/null || true)
	local -a env=(script="$script" XENBUS_TYPE=vif XENBUS_PATH="backend/vif/$domid/$devid"
		XENBUS_BASE_PATH=backend netdev="$gw")
	[ "$(xen_store "$h" read "$be/type")" != vif_ioemu ] || env+=(INTERFACE="vif$domid.$devid-emu")
	env+=(vif="vif$domid.$devid")
	# shellcheck disable=SC2154
	ip netns exec "$(cat "$d/dom0")" unshare -m --propagation private \
		env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin:$XEN_STANDINS" NETC_XENSTORE="$d/store" \
		"${env[@]}" sh "$XEN_RUNNER" "$d" "$XEN_BRCTL" "$script" "$@"
}

# xen_boot HOST FILE: xl create FILE.  Fails, saying why, as xl would: the
# name is taken, a vif spec libxl refuses, netback cannot create vifD.N
# (the name is taken), a hotplug script fails or does not say "connected".
# A domain that failed is destroyed again (its vifs go offline).
xen_boot() {
	local h=$1 cfg=$2 d="$XEN_DIR/$1" name type domid n spec dom0 guest made=0 be fe idx
	local -A NIC
	local -a nics=()
	name=$("$XEN_XLCHECK" --get name "$cfg") || return 1
	type=$("$XEN_XLCHECK" --get type "$cfg" 2>/dev/null) || type=pv
	if [ -e "$d/dom/$name" ]; then
		_xen_msg "$cfg: domain with name \"$name\" already exists"
		return 1
	fi
	n=0
	while spec=$("$XEN_XLCHECK" --get "vif[$n]" "$cfg" 2>/dev/null); do
		nics+=("$spec")
		n=$((n + 1))
	done
	# every spec first: xl parses the whole file before it creates anything
	for n in "${!nics[@]}"; do
		_xen_parse_nic "${nics[$n]}" "$type" || return 1
	done
	domid=$(cat "$d/next")
	echo $((domid + 1)) >"$d/next"
	dom0=$(cat "$d/dom0")
	guest=$(xen_guest_ns "$h" "$name")
	if ! ip netns list | awk '{ print $1 }' | grep -qxF "$guest"; then
		ip netns add "$guest" || return 1
		ip -n "$guest" link set lo up
		made=1
	fi
	printf '%s %s %s %s\n' "$domid" "$guest" "$made" "$cfg" >"$d/dom/$name"
	: >"$d/dom/$name.vifs"
	xen_store "$h" write "/local/domain/$domid/name" "$name" "/local/domain/$domid/domid" "$domid"
	for n in "${!nics[@]}"; do
		_xen_parse_nic "${nics[$n]}" "$type" 2>/dev/null || return 1
		[ -n "${NIC[devid]}" ] || NIC[devid]=$n
		be="/local/domain/0/backend/vif/$domid/${NIC[devid]}"
		fe="/local/domain/$domid/device/vif/${NIC[devid]}"
		# libxl__device_generic_add and libxl__set_xenstore_nic
		local -a w=("$be/frontend" "$fe" "$be/frontend-id" "$domid" "$be/online" 1 "$be/state" 1
			"$be/script" "${NIC[script]}")
		[ -z "${NIC[vifname]}" ] || w+=("$be/vifname" "${NIC[vifname]}")
		w+=("$be/mac" "${NIC[mac]}")
		[ -z "${NIC[ip]}" ] || w+=("$be/ip" "${NIC[ip]}")
		[ -z "${NIC[gatewaydev]}" ] || w+=("$be/gatewaydev" "${NIC[gatewaydev]}")
		[ -z "${NIC[rate]}" ] || w+=("$be/rate" "${NIC[rate]}")
		[ "${NIC[mtu]}" = 1500 ] || w+=("$be/mtu" "${NIC[mtu]}")
		w+=("$be/bridge" "${NIC[bridge]}" "$be/handle" "${NIC[devid]}" "$be/type" "${NIC[type]}"
			"$be/hotplug-status" ""
			"$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 "$fe/handle" "${NIC[devid]}"
			"$fe/mac" "${NIC[mac]}" "$fe/mtu" "${NIC[mtu]}" "$fe/trusted" "${NIC[trusted]}")
		xen_store "$h" write "${w[@]}" || { _xen_destroy "$h" "$name"; return 1; }
		# netback
		if ! ip -n "$dom0" link add name "vif$domid.${NIC[devid]}" address fe:ff:ff:ff:ff:ff mtu 1500 \
			type veth peer name "eth${NIC[devid]}" address "${NIC[mac]}" netns "$guest"; then
			_xen_msg "$name: netback cannot create vif$domid.${NIC[devid]} (the name is taken?): domain $domid destroyed"
			_xen_destroy "$h" "$name"
			return 1
		fi
		idx=$(ip -n "$dom0" -o link show dev "vif$domid.${NIC[devid]}" | cut -d: -f1)
		echo "${NIC[devid]} $idx" >>"$d/dom/$name.vifs"
		if ! _xen_hotplug "$h" "$domid" "${NIC[devid]}" online type_if=vif ||
			[ "$(xen_store "$h" read "$be/hotplug-status")" != connected ]; then
			_xen_msg "$name: hotplug online of vif$domid.${NIC[devid]} failed: $(xen_store "$h" read "$be/hotplug-error" 2>/dev/null || echo "hotplug-status is not connected"); domain $domid destroyed"
			_xen_destroy "$h" "$name"
			return 1
		fi
		if [ "${NIC[type]}" = vif_ioemu ]; then
			# qemu's tap, then its script (libxl's second exec for the nic)
			if ! ip -n "$dom0" tuntap add dev "vif$domid.${NIC[devid]}-emu" mode tap; then
				_xen_msg "$name: qemu cannot create vif$domid.${NIC[devid]}-emu: domain $domid destroyed"
				_xen_destroy "$h" "$name"
				return 1
			fi
			idx=$(ip -n "$dom0" -o link show dev "vif$domid.${NIC[devid]}-emu" | cut -d: -f1)
			echo "${NIC[devid]} $idx tap" >>"$d/dom/$name.vifs"
			if ! _xen_hotplug "$h" "$domid" "${NIC[devid]}" add type_if=tap; then
				_xen_msg "$name: hotplug add of vif$domid.${NIC[devid]}-emu failed; domain $domid destroyed"
				_xen_destroy "$h" "$name"
				return 1
			fi
		fi
		# netfront connects: the MAC it was created with, the MTU its
		# xenstore directory holds now
		ip -n "$guest" link set dev "eth${NIC[devid]}" mtu "$(xen_store "$h" read "$fe/mtu")" up || {
			_xen_destroy "$h" "$name"
			return 1
		}
	done
}

# _xen_destroy HOST NAME: what libxl does when a domain goes away: each
# vif's script offline (and remove for the tap), netback's and qemu's
# devices deleted, the domain's xenstore directories removed; the guest's
# namespace goes too when the bed made it.
_xen_destroy() {
	local h=$1 name=$2 d="$XEN_DIR/$1" domid guest made dom0 devid idx tap l rc=0
	[ -e "$d/dom/$name" ] || return 0
	read -r domid guest made _ <"$d/dom/$name"
	dom0=$(cat "$d/dom0")
	while read -r devid idx tap; do
		l=$(xen_link "$dom0" "$idx")
		if [ -n "$tap" ]; then
			_xen_hotplug "$h" "$domid" "$devid" remove type_if=tap || rc=1
		else
			_xen_hotplug "$h" "$domid" "$devid" offline type_if=vif || rc=1
		fi
		[ -z "$l" ] || ip -n "$dom0" link del dev "$l" || rc=1
	done < <(tac "$d/dom/$name.vifs" 2>/dev/null)
	xen_store "$h" rm "/local/domain/0/backend/vif/$domid" "/local/domain/$domid" 2>/dev/null
	if [ "$made" = 1 ]; then
		ip netns del "$guest" 2>/dev/null || rc=1
	fi
	rm -f "$d/dom/$name" "$d/dom/$name.vifs"
	return $rc
}

xen_destroy() { _xen_destroy "$@"; }

# xen_reboot HOST NAME: the domain is destroyed and created again from its
# file, with the next domid.
xen_reboot() {
	local cfg
	cfg=$(awk '{ print $4 }' "$XEN_DIR/$1/dom/$2") || return 1
	_xen_destroy "$1" "$2" || return 1
	xen_boot "$1" "$cfg"
}

# xen_autostart HOST DIR: xendomains' start: every file of DIR in its
# glob's order, going on past a failing one; fails if one failed.
xen_autostart() {
	local f rc=0
	while IFS= read -r f; do
		xen_boot "$1" "$f" || rc=1
	done < <(find "$2" -mindepth 1 -maxdepth 1 ! -name '.*' | LC_ALL=C sort)
	return $rc
}

# xen_connected HOST: every vif backend of the host says "connected";
# otherwise the ones that do not, on stderr.
xen_connected() {
	local h=$1 p s rc=0
	for p in "$XEN_DIR/$h/store/local/domain/0/backend/vif"/*/*; do
		[ -d "$p" ] || continue
		s=$(xen_store "$h" read "${p#"$XEN_DIR/$h/store"}/hotplug-status")
		if [ "$s" != connected ]; then
			echo "${p#"$XEN_DIR/$h/store"}: hotplug-status '$s'" >&2
			rc=1
		fi
	done
	return $rc
}

# xen_cleanup: every domain of every host destroyed (quietly), so the
# links and namespaces the bed made are gone.
xen_cleanup() {
	local d name
	for d in "$XEN_DIR"/*/; do
		[ -d "$d/dom" ] || continue
		for name in "$d"/dom/*; do
			case $name in *.vifs | */\*) continue ;; esac
			_xen_destroy "$(basename "$d")" "$(basename "$name")" >/dev/null 2>&1 || true
		done
	done
}

# xen_dom0_dump NS: what a guest's attachment may change in a dom0, in a
# form that does not depend on the order links were made in (ifindexes,
# netns ids) nor on the clock (lifetimes, operstate), for comparing the
# lab's attach with the real scripts': links (flags, MTU, master, MAC),
# addresses (family, prefix, scope, flags, label), routes (all tables,
# both families, with metric and src), ip_forward and every interface's
# forwarding and proxy_arp.  IPv6 link-local addresses and their routes
# are left out: they follow from the MAC (compared), and their DAD flags
# depend on timing (two vifs with netback's MAC fe:ff:ff:ff:ff:ff on one
# bridge make the same address).
xen_dom0_dump() {
	local ns=$1
	echo "== links"
	ip -n "$ns" -o link show | awk '{
		name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
		out = name " " $3
		for (i = 4; i < NF; i++) {
			if ($i == "mtu" || $i == "master") out = out " " $i " " $(i + 1)
			if ($i ~ /^link\//) out = out " " $i " " $(i + 1)
		}
		print out
	}' | sort
	echo "== addresses"
	ip -n "$ns" -o addr show | awk '$4 !~ /^fe80:/ {
		out = $2
		for (i = 3; i <= NF && $i != "\\"; i++)
			if ($i != "tentative" && $i != "dadfailed") out = out " " $i
		print out
	}' | sort
	echo "== routes"
	{
		ip -n "$ns" -o -4 route show table all
		ip -n "$ns" -o -6 route show table all
	} | grep -v 'fe80::' | sed -E 's/ expires [0-9]+sec//; s/ +$//' | sort
	echo "== sysctls"
	# shellcheck disable=SC2016
	ip netns exec "$ns" sh -c 'cd /proc/sys/net/ipv4 && for f in ip_forward conf/*/forwarding conf/*/proxy_arp; do echo "$f $(cat "$f")"; done' | sort
}
