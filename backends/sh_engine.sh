# ===========================================================================
# The engine.  Everything from here on is the same in every script netc
# writes; the topology above is the only per-host part, and it is data.
# docs/host-script.md describes the verbs, the guarantees and the state.
#
# A run reads the host (one `ip` listing each of links, addresses, IPv4 and
# IPv6 routes), lets one awk program (NETC_AWK, at the end) compare it with
# the topology and write a plan into a private work directory, then acts:
# one `ip -batch` for all link, address and route work, one `bridge -batch`
# for VXLAN flood entries, then sysctls, the nftables table, dnsmasq.
# Every change registers its undo before it is made (netc_act, netc_batch);
# a failure undoes this run's changes newest first and names the step.
# What up changed is kept in the state directory, so down undoes exactly that.
# ===========================================================================

NETC_PROG=${0##*/}

netc_msg() {
	printf '%s: %s\n' "$NETC_PROG" "$*" >&2
}

netc_die() {
	netc_code=$1
	shift
	netc_msg "$*"
	exit "$netc_code"
}

netc_usage() {
	cat <<EOF
usage: $NETC_PROG up|try [SECONDS]|confirm|down|status|plan [--force]
  up       make host $NETC_HOST match the topology
  try      up, then roll back unless confirm comes within SECONDS (default 120)
  confirm  keep what a pending try changed
  down     undo exactly what up did
  status   list what differs between the host and the topology (exit 1 if anything)
  plan     print the commands up would run and the problems it would stop at; change nothing
  --force  (up, try, plan; or NETC_FORCE=1) delete a bridge netc made even when ports
           netc did not put there (the vifs of running guests) are on it
EOF
}

netc_init() {
	PATH=${PATH:+$PATH:}/usr/sbin:/usr/bin:/sbin:/bin
	LC_ALL=C
	export PATH LC_ALL
	umask 022
	NETC_W=
	NETC_LOCKED=
	NETC_APPLYING=
	NETC_SAVE=
	NETC_VERB=
	NETC_UID=
	NETC_VIFNUM=
	NETC_ANTISPOOF=
	NETC_TOOK=
	NETC_FORCED=
	NETC_TRY_SECS=
	NETC_TRY_NEW=
	NETC_TRY_BACK=
	NETC_TOPO_FILE=
	NETC_SELF=
	NETC_XEN=
	NETC_UNCHANGED='; nothing was changed'
}

# --- state and work directories --------------------------------------------

# The state directory lives under /run (cleared at boot, with the network
# configuration it describes) and is keyed by the network namespace, so that
# dom0s in different namespaces never share one.  NETC_STATE_DIR overrides.
# Its lock is the file NETC_STATE.lock beside it, which outlives it.
netc_state_dir() {
	if [ -n "${NETC_STATE_DIR:-}" ]; then
		NETC_STATE=$NETC_STATE_DIR
	else
		netc_ns=$(ls -iL /proc/self/ns/net 2>/dev/null) ||
			netc_die 1 "cannot read /proc/self/ns/net to key the state directory (set NETC_STATE_DIR)"
		netc_ns=${netc_ns#"${netc_ns%%[! ]*}"}
		NETC_STATE=/run/netc/ns-${netc_ns%% *}
	fi
	# The path goes into dnsmasq configurations and batch files.
	case $NETC_STATE in
	/*) ;;
	*) netc_die 2 "state directory '$NETC_STATE' is not an absolute path" ;;
	esac
	case $NETC_STATE in
	*[!A-Za-z0-9_./-]*) netc_die 2 "state directory '$NETC_STATE' has characters outside [A-Za-z0-9_./-]" ;;
	esac
	while :; do
		case $NETC_STATE in
		*/) NETC_STATE=${NETC_STATE%/} ;;
		*) break ;;
		esac
	done
	[ -n "$NETC_STATE" ] || netc_die 2 "the state directory cannot be /"
	NETC_STATE_UP=${NETC_STATE%/*}
	[ -n "$NETC_STATE_UP" ] || NETC_STATE_UP=/
}

# netc_safe_dir DIR WHAT: DIR is a directory, not a symbolic link, owned
# by root (or by the user running the script, who then cannot change the
# host anyway) and writable by its owner only.  Anyone else who could write
# to the state could make root's next run undo, restore or start what they
# please; anyone who could write beside it could hold or replace its lock.
netc_safe_dir() {
	if [ -L "$1" ] || [ ! -d "$1" ]; then
		netc_die 3 "refusing $2 $1: not a directory (a symbolic link, or another file)$NETC_UNCHANGED"
	fi
	netc_l=$(ls -ldn "$1" 2>/dev/null) || netc_die 3 "cannot read the owner of $2 $1$NETC_UNCHANGED"
	# shellcheck disable=SC2086
	set -- "$1" "$2" $netc_l
	[ "$5" = 0 ] || [ "$5" = "$NETC_UID" ] ||
		netc_die 3 "refusing $2 $1: owned by uid $5, not root$NETC_UNCHANGED"
	case $3 in
	?????w* | ????????w*) netc_die 3 "refusing $2 $1: writable by others than its owner ($3)$NETC_UNCHANGED" ;;
	esac
}

# The work directory: private to the run, in $TMPDIR (or /tmp), and
# removed on every way out (exit, HUP, INT, TERM, PIPE).  The script works
# from inside $TMPDIR, so the work directory's path is netc.XXXXXX,
# relative, whatever characters $TMPDIR has (spaces included): undo
# records that name work files stay one word each.  A run that was killed
# (SIGKILL runs no trap) leaves its directory: while a run lives it holds
# a lock on its directory's file `run` (flock), and the next run removes
# every netc.* directory of the same user whose `run` no one holds.
netc_workdir() {
	trap 'netc_cleanup' EXIT
	trap 'netc_signal HUP' HUP
	trap 'netc_signal INT' INT
	trap 'netc_signal TERM' TERM
	trap 'netc_signal PIPE' PIPE
	cd -- "${TMPDIR:-/tmp}" 2>/dev/null || netc_die 1 "cannot enter the temporary directory ${TMPDIR:-/tmp}"
	NETC_FLOCK=
	! command -v flock >/dev/null 2>&1 || NETC_FLOCK=1
	netc_sweep
	NETC_W=$(mktemp -d netc.XXXXXX 2>/dev/null) || {
		NETC_W=netc.$$
		mkdir -m 700 "$NETC_W" || netc_die 1 "cannot create a work directory in ${TMPDIR:-/tmp}"
	}
	# run.new is locked before it becomes run: a sweep never sees an
	# unlocked run of a live run.
	[ -z "$NETC_FLOCK" ] || {
		: >"$NETC_W/run.new" && exec 8<"$NETC_W/run.new" && flock -n 8 &&
			mv -f "$NETC_W/run.new" "$NETC_W/run"
	} || netc_die 1 "cannot lock the work directory ${TMPDIR:-/tmp}/$NETC_W"
}

# Remove the work directories of this user's runs that died (see above).
netc_sweep() {
	[ -n "$NETC_FLOCK" ] || return 0
	for netc_d in netc.*; do
		if [ -L "$netc_d" ] || [ ! -d "$netc_d" ] || [ -L "$netc_d/run" ] || [ ! -f "$netc_d/run" ]; then
			continue
		fi
		netc_l=$(ls -ldn "$netc_d" 2>/dev/null) || continue
		# shellcheck disable=SC2086
		set -- $netc_l
		[ "$3" = "$NETC_UID" ] || continue
		flock -n "$netc_d/run" rm -rf "$netc_d" 2>/dev/null || :
	done
}

netc_cleanup() {
	set --
	[ -z "$NETC_LOCKED" ] || set -- "$NETC_STATE/lock"
	[ -z "$NETC_W" ] || set -- "$@" "$NETC_W"
	# (a try that did not get to start its watchdog)
	[ -z "$NETC_TRY_NEW" ] || set -- "$@" "$NETC_STATE/try"
	[ $# = 0 ] || rm -rf "$@"
	[ -n "$NETC_LOCKED" ] || return 0
	# The state directory goes when nothing is left in it (the lock file
	# beside it stays: it must outlive the directory).
	for netc_f in "$NETC_STATE"/*; do
		[ -e "$netc_f" ] || rmdir "$NETC_STATE" 2>/dev/null
		break
	done
}

# A signal while changing the host is a failure like any other: roll back.
# (A closed output is a signal too: `plan | head` must not leave the work
# directory behind.)
netc_signal() {
	trap '' HUP INT TERM PIPE
	[ -z "$NETC_APPLYING" ] || netc_fail "interrupted by SIG$1" /dev/null
	exit 130
}

# One run at a time per namespace: up and down hold an exclusive flock(1)
# on NETC_STATE.lock, a file beside the state directory that is never
# removed, so a run that waits on it and the run after it lock the same
# file.  The kernel drops the lock when its holder dies, however it dies:
# nothing is checked and then deleted, and a dead run never blocks.
# (File descriptor 9 is the lock, 8 the work directory's: dnsmasq, the one
# process the script leaves running, is started without them.)
netc_lock() {
	command -v flock >/dev/null 2>&1 ||
		netc_die 3 "preflight failed; nothing was changed:
  command 'flock' not found (util-linux: it keeps two runs from changing the host at once)"
	[ -d "$NETC_STATE_UP" ] || mkdir -p "$NETC_STATE_UP" ||
		netc_die 1 "cannot create $NETC_STATE_UP"
	netc_safe_dir "$NETC_STATE_UP" "the directory of the state directory and its lock"
	exec 9>>"$NETC_STATE.lock" || netc_die 1 "cannot open $NETC_STATE.lock"
	if ! flock -n 9; then
		netc_pid=
		read -r netc_pid <"$NETC_STATE.lock" 2>/dev/null
		netc_msg "waiting for the run that holds $NETC_STATE.lock (pid ${netc_pid:-unknown})"
		flock -w 30 9 ||
			netc_die 1 "another run still holds $NETC_STATE.lock after 30 s (pid ${netc_pid:-unknown}); nothing was changed"
	fi
	echo "$$" >"$NETC_STATE.lock"
	[ -d "$NETC_STATE" ] || [ -L "$NETC_STATE" ] || mkdir "$NETC_STATE" ||
		netc_die 1 "cannot create state directory $NETC_STATE"
	netc_safe_dir "$NETC_STATE" "state directory"
	NETC_LOCKED=1
	# lock/ is the running run's own staging directory (netc_commit_up);
	# one found here is a killed run's.
	rm -rf "$NETC_STATE/lock"
	mkdir "$NETC_STATE/lock" || netc_die 1 "cannot create $NETC_STATE/lock"
}

# Move a work file into the state directory, or remove the state file when
# the work file is missing or empty.
netc_store() {
	if [ -s "$NETC_W/$1" ]; then
		[ -d "$NETC_STATE" ] || mkdir -p "$NETC_STATE"
		cp "$NETC_W/$1" "$NETC_STATE/$2.tmp" && mv -f "$NETC_STATE/$2.tmp" "$NETC_STATE/$2"
	elif [ -e "$NETC_STATE/$2" ]; then
		rm -f "$NETC_STATE/$2"
	fi
}

# --- the write-ahead journal; whose state this is ---------------------------
#
# While up changes the host, the undo of every change is in $NETC_STATE/wal
# before the change is made: one record per netc_act, the whole batch's undo
# lines before `ip -batch` runs.  The file is only ever replaced by a rename
# (wal.new, then mv), so a record is in it whole or not at all, whenever the
# run is killed; the files records name (an nft table, a dnsmasq
# configuration to put back) are in $NETC_STATE/wal.d before the record.
# A run that ends — committed, or rolled back — removes the wal.  A wal found
# by the next up or down is a killed run's: its records are undone first
# (netc_wal_replay), as a rollback would have, so up converges and down
# restores.  Every record is harmless when its change never happened.
#
# The state proves it is this namespace's: $NETC_STATE/ns holds a token, and
# this namespace's lo carries the alternative name netc-ns-TOKEN (the kernel
# reuses namespace inodes, never a namespace's own links).  State whose
# marker is not here is a dead namespace's: set aside, never replayed.
# $NETC_STATE/version names the format; an unknown one is refused, state
# without one (netc before the journal) is migrated.  Records are parsed
# (NETC_AWK_RECORDS) before anything acts on them.

NETC_STATE_FORMAT='netc-state 2'

# The files of the state that are records (version and ns are not).
netc_state_has() {
	for netc_f in nets journal links sysctl nft.loaded nft.orig dnsmasq wal topo; do
		[ ! -e "$NETC_STATE/$netc_f" ] || return 0
	done
	return 1
}

# netc_wal_add FILE: the records in FILE join the wal (up, while applying).
netc_wal_add() {
	[ -n "$NETC_APPLYING" ] || return 0
	if [ -f "$NETC_STATE/wal" ]; then
		cat "$NETC_STATE/wal" "$1" >"$NETC_STATE/wal.new"
	else
		cat "$1" >"$NETC_STATE/wal.new"
	fi && mv -f "$NETC_STATE/wal.new" "$NETC_STATE/wal"
}

# netc_put FILE LINE: $NETC_STATE/FILE holds LINE (renamed into place).
netc_put() {
	if ! printf '%s\n' "$2" >"$NETC_STATE/$1.new" || ! mv -f "$NETC_STATE/$1.new" "$NETC_STATE/$1"; then
		netc_die 1 "cannot write $NETC_STATE/$1"
	fi
}

netc_wal_clear() {
	rm -rf "$NETC_STATE/wal" "$NETC_STATE/wal.new" "$NETC_STATE/wal.d"
}

# A killed run left its wal: undo its records (only those whose change is
# on the host, for the link work), then go on with this run.
netc_wal_replay() {
	if [ ! -f "$NETC_STATE/wal" ]; then
		if [ -e "$NETC_STATE/wal.d" ] || [ -e "$NETC_STATE/wal.new" ]; then netc_wal_clear; fi
		return 0
	fi
	netc_msg "note: an earlier run stopped before it finished (killed?); undoing its changes first"
	netc_records >"$NETC_W/topo"
	: >"$NETC_W/nets"
	cp "$NETC_STATE/wal" "$NETC_W/undo"
	cp "$NETC_STATE/wal" "$NETC_W/journal"
	if netc_rollback; then
		netc_wal_clear
		return 0
	fi
	netc_die 4 "could not undo everything the interrupted run did (the messages above say what); the next run tries again"
}

# The token of the state's marker, from $NETC_STATE/ns ("none": the kernel
# could not keep one).
netc_ns_token() {
	netc_tok=
	[ ! -f "$NETC_STATE/ns" ] || read -r netc_tok <"$NETC_STATE/ns" || :
	case $netc_tok in
	none | [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
	*) netc_tok=bad ;;
	esac
}

# Is this namespace's lo named netc-ns-$1?  (Failing to ask is not "no".)
netc_marker_here() {
	ip link show dev "netc-ns-$1" >/dev/null 2>"$NETC_W/err" && return 0
	grep -q 'does not exist' "$NETC_W/err" && return 1
	netc_die 3 "cannot read the host's network configuration$NETC_UNCHANGED:
$(cat "$NETC_W/err")"
}

# Before reading the state: its format, whose it is, and its records.
netc_state_check() {
	if [ -f "$NETC_STATE/version" ]; then
		netc_fmt=
		read -r netc_fmt <"$NETC_STATE/version" || :
		[ "$netc_fmt" = "$NETC_STATE_FORMAT" ] ||
			netc_die 1 "the state in $NETC_STATE has format '$netc_fmt', which this script (netc $NETC_VERSION, '$NETC_STATE_FORMAT') does not read; refusing to guess: take the networks down with the script that wrote it, or remove $NETC_STATE"
	fi
	if ! netc_state_has; then
		# at most a claim that recorded nothing: drop a marker file whose
		# name is not on lo
		if [ -f "$NETC_STATE/ns" ] && [ "$NETC_UID" = 0 ]; then
			netc_ns_token
			[ "$netc_tok" = none ] || netc_marker_here "$netc_tok" ||
				rm -f "$NETC_STATE/ns" "$NETC_STATE/version"
		fi
		return 0
	fi
	if [ ! -f "$NETC_STATE/version" ]; then
		# netc before the journal: same records, no marker, no wal
		if [ "$NETC_UID" = 0 ]; then
			netc_msg "note: migrating the state in $NETC_STATE, written by an older netc, to '$NETC_STATE_FORMAT' (it has no namespace marker: adopted as this namespace's)"
			netc_put version "$NETC_STATE_FORMAT"
		fi
	elif [ -f "$NETC_STATE/ns" ]; then
		# (no ns: migrated from an older netc, and no up has claimed it yet)
		netc_ns_token
		if [ "$netc_tok" != none ] && ! netc_marker_here "$netc_tok"; then
			netc_state_aside
			return 0
		fi
	fi
	netc_records_check
	if [ -f "$NETC_STATE/wal" ] && [ "$NETC_UID" != 0 ]; then
		netc_msg "note: an earlier run stopped before it finished (killed?); up or down undoes its changes first"
	fi
}

# State that is not this namespace's: moved aside (up, down) or ignored
# (status, plan), never replayed.
netc_state_aside() {
	netc_aside=$NETC_STATE.stale-$netc_tok
	[ ! -e "$netc_aside" ] || netc_aside=$netc_aside.$$
	if [ "$NETC_VERB" = up ] || [ "$NETC_VERB" = down ] || [ "$NETC_VERB" = try ] || [ "$NETC_VERB" = try-back ]; then
		[ "$NETC_UID" = 0 ] || netc_die 3 "preflight failed; nothing was changed:
  must run as root (this is uid $NETC_UID)"
		mkdir -m 700 "$netc_aside" || netc_die 1 "cannot create $netc_aside"
		for netc_f in nets journal links sysctl nft.loaded nft.orig dnsmasq wal wal.new wal.d version ns topo try; do
			[ ! -e "$NETC_STATE/$netc_f" ] || mv -f "$NETC_STATE/$netc_f" "$netc_aside/" ||
				netc_die 1 "cannot move $NETC_STATE/$netc_f aside"
		done
		netc_msg "note: the state in $NETC_STATE is not this network namespace's (its marker netc-ns-$netc_tok is not on lo: a namespace that is gone had this inode); set aside in $netc_aside, not replayed"
	else
		netc_msg "note: the state in $NETC_STATE is not this network namespace's (its marker netc-ns-$netc_tok is not on lo); ignored (up or down sets it aside)"
		NETC_STATE=$NETC_W/state
		mkdir "$NETC_STATE"
	fi
}

# Every record of the state parsed before use: a line that is not one
# netc writes is refused, never passed to ip, bridge or /proc/sys.
netc_records_check() {
	for netc_f in nets journal links sysctl wal topo; do
		[ -f "$NETC_STATE/$netc_f" ] || continue
		awk -v kind="$netc_f" -v state="$NETC_STATE" -v file="$NETC_STATE/$netc_f" \
			"$NETC_AWK_RECORDS" "$NETC_STATE/$netc_f" >"$NETC_W/err" 2>&1 ||
			netc_die 1 "refusing the state in $NETC_STATE (was it edited?)$NETC_UNCHANGED:
$(cat "$NETC_W/err")"
	done
}

# This namespace's marker, before up's first change (up, with the lock).
netc_state_claim() {
	if [ ! -f "$NETC_STATE/version" ]; then
		netc_put version "$NETC_STATE_FORMAT"
	fi
	[ ! -f "$NETC_STATE/ns" ] || return 0
	netc_tok=
	[ ! -r /proc/sys/kernel/random/uuid ] || read -r netc_tok </proc/sys/kernel/random/uuid || :
	netc_tok=$(printf '%s%08x%08x\n' "$netc_tok" "$$" "$(date +%s 2>/dev/null || echo 0)" |
		sed 's/[^0-9a-f]//g; s/^\(................\).*/\1/')
	# the file first: a file without its name on lo and no records is a
	# claim that never finished (netc_state_check drops it)
	netc_put ns "$netc_tok"
	ip link property add dev lo altname "netc-ns-$netc_tok" 2>"$NETC_W/err" && return 0
	if grep -q -i 'not supported' "$NETC_W/err"; then
		# (a kernel before 5.5 has no alternative names)
		netc_msg "note: this kernel cannot name lo netc-ns-$netc_tok: the state cannot prove it is this namespace's"
		netc_put ns none
		return 0
	fi
	rm -f "$NETC_STATE/ns"
	netc_state_has || rm -f "$NETC_STATE/version"
	netc_die 1 "step failed: ip link property add dev lo altname netc-ns-$netc_tok (the state's marker); nothing was changed:
$(cat "$NETC_W/err")"
}

# Nothing recorded any more: the marker goes (then the directory, on exit).
# When lo keeps its name, so does the state its file (the next run retries).
netc_state_release() {
	! netc_state_has || return 0
	if [ -f "$NETC_STATE/ns" ]; then
		netc_ns_token
		case $netc_tok in
		none | bad) ;;
		*)
			if ! ip link property del dev lo altname "netc-ns-$netc_tok" 2>"$NETC_W/err" &&
				! grep -q -e 'does not exist' -e 'No such' "$NETC_W/err"; then
				netc_msg "step failed: ip link property del dev lo altname netc-ns-$netc_tok (the state's marker)"
				sed 's/^/    /' "$NETC_W/err" >&2
				return 1
			fi
			;;
		esac
	fi
	rm -f "$NETC_STATE/ns" "$NETC_STATE/version"
}

# --- reading the host ------------------------------------------------------

# One listing each of links, addresses, routes (and VXLAN flood entries when
# the topology has VXLAN) into the work directory.
netc_read_host() {
	ip -d -o link show >"$NETC_W/link" 2>"$NETC_W/err" &&
		ip -o addr show >"$NETC_W/addr" 2>>"$NETC_W/err" &&
		ip -o -4 route show table all >"$NETC_W/route4" 2>>"$NETC_W/err" &&
		ip -o -6 route show table all >"$NETC_W/route6" 2>>"$NETC_W/err" || return 1
	: >"$NETC_W/fdb"
	# (no topology line starts with fdb; no journal line has " vxlan=")
	if grep -q -e ' vxlan=' -e '^fdb' "$NETC_W/topo" "$NETC_W/journal" &&
		command -v bridge >/dev/null 2>&1; then
		bridge fdb show >"$NETC_W/fdb" 2>>"$NETC_W/err" || return 1
	fi
}

# The topology's records: this script's, or (a try's rollback) the saved
# records of the topology that was up before the try.
netc_records() {
	if [ -n "$NETC_TOPO_FILE" ]; then
		cat "$NETC_TOPO_FILE"
	else
		netc_topology
	fi
}

# Everything the engine reads: the topology, the state, the host.  A
# failure here comes before any change.
netc_snapshot() {
	netc_records >"$NETC_W/topo"
	for netc_f in nets journal links; do
		if [ -f "$NETC_STATE/$netc_f" ]; then
			cp "$NETC_STATE/$netc_f" "$NETC_W/$netc_f"
		else
			: >"$NETC_W/$netc_f"
		fi
	done
	netc_read_host || netc_die 3 "cannot read the host's network configuration$NETC_UNCHANGED:
$(cat "$NETC_W/err")"
}

# Run the engine: $1 verb, $2 which networks ("*": all of the host, else a
# space-separated list), $3 bridge=, $4 netdev= (network-bridge), $5 the
# journal file to read.
netc_engine() {
	for netc_f in "$NETC_W"/dnsmasq.*; do
		[ ! -e "$netc_f" ] || rm -f "$NETC_W"/dnsmasq.*
		break
	done
	# ip_forward before netc changed it: netc restricts routing only if it
	# turned forwarding on (nft_rules).
	netc_sysctl_orig net/ipv4/ip_forward
	netc_sysctl_read net/ipv4/ip_forward
	[ -f "$NETC_W/links" ] || : >"$NETC_W/links"
	awk -v verb="$1" -v sel="$2" -v selbridge="$3" -v selnetdev="$4" -v selvifnum="$NETC_VIFNUM" \
		-v fwdorig="${netc_saved:-$netc_val}" -v antispoof="$NETC_ANTISPOOF" \
		-v work="$NETC_W" -v state="$NETC_STATE" -v host="$NETC_HOST" \
		"$NETC_AWK" \
		"$NETC_W/topo" "$NETC_W/nets" "$NETC_W/links" "$5" "$NETC_W/link" \
		"$NETC_W/addr" "$NETC_W/route4" "$NETC_W/route6" "$NETC_W/fdb" ||
		netc_die 1 "the engine failed (awk)"
}

# Preflight: everything missing, named at once, before any change.
netc_prepare() {
	netc_snapshot
	netc_engine "$@" "$NETC_W/journal"
	netc_preflight "$1"
}

# What the engine run for verb $1 found missing, and the notes it leaves
# to the shell: up and down stop here (exit 3) when anything is missing.
netc_preflight() {
	if [ -s "$NETC_W/usage" ]; then
		while read -r netc_l; do netc_msg "$netc_l"; done <"$NETC_W/usage"
		exit 1
	fi
	case $1 in
	up | down)
		[ "$NETC_UID" = 0 ] || echo "must run as root (this is uid $NETC_UID)" >>"$NETC_W/missing"
		;;
	esac
	while read -r netc_c netc_why; do
		command -v "$netc_c" >/dev/null 2>&1 ||
			echo "command '$netc_c' not found ($netc_why)" >>"$NETC_W/missing"
	done <"$NETC_W/needs"
	[ "$1" = status ] || [ -s "$NETC_W/missing" ] || netc_fw_ports "$1"
	[ "$1" = status ] || [ ! -s "$NETC_W/addrs" ] || netc_addr_notes
	# (plan lists the problems after what it can print: netc_plan)
	[ -s "$NETC_W/missing" ] && [ "$1" != status ] && [ "$1" != plan ] || return 0
	netc_msg "preflight failed; nothing was changed:"
	sed 's/^/  /' "$NETC_W/missing" >&2
	exit 3
}

# A warning, not a failure: the host's own firewall rules that name a
# device this run makes a bridge port.  Once it is a port, IP traffic
# arrives on (and leaves by) the bridge, and a rule matching iifname or
# oifname of the port no longer sees it.  Checked: `nft list ruleset`
# (rules of iptables-nft show there too), less the tables of netc; not
# checked: the rules of legacy iptables (iptables-legacy), which nft does
# not list.
netc_fw_ports() {
	[ -s "$NETC_W/ports" ] || return 0
	if ! command -v nft >/dev/null 2>&1; then
		! command -v iptables >/dev/null 2>&1 ||
			netc_msg "note: nft not found: whether the firewall rules of this host name $(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$NETC_W/ports") was not checked"
		return 0
	fi
	# as root, a listing that fails is a host netc cannot read: up stops
	# before any change; plan (perhaps not root) says what it did not check
	if ! nft list ruleset >"$NETC_W/ruleset" 2>"$NETC_W/err"; then
		[ "$1" = up ] && netc_die 3 "cannot read the host's network configuration$NETC_UNCHANGED:
$(sed 's/^/  /' "$NETC_W/err")"
		netc_msg "note: nft list ruleset failed: whether the firewall rules of this host name $(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $1 }' "$NETC_W/ports") was not checked"
		return 0
	fi
	while read -r netc_p netc_b; do
		awk -v p="\"$netc_p\"" -v port="$netc_p" -v br="$netc_b" '
			/^table / { t = $2 " " $3; skip = ($3 == "netc") }
			/^\tchain / { c = $2 }
			skip || !index($0, p) { next }
			{ n++; if (!((t, c) in seen)) { seen[t, c] = 1; where = where (where == "" ? "" : ", ") "table " t " chain " c } }
			END {
				if (n) printf "warning: %d rule%s of this host name %s (%s): once %s is a port of %s, the traffic of dom0 passes %s and %s (write %s for %s); checked: nft list ruleset, iptables-nft rules included, not legacy iptables\n", n, (n > 1 ? "s" : ""), port, where, port, br, br, (n > 1 ? "these rules no longer match it" : "this rule no longer matches it"), (n > 1 ? "them" : "it"), br
			}' "$NETC_W/ruleset"
	done <"$NETC_W/ports" >"$NETC_W/fwwarn"
	while read -r netc_l; do netc_msg "$netc_l"; done <"$NETC_W/fwwarn"
}

# dom0's own addressing (docs/host-script.md, "dom0's own address"): for each
# bridge whose uplink has the map form in the topology (the engine's addrs
# file), which of ifupdown, systemd-networkd and NetworkManager configures
# the uplink, which recipe applies, and what to change; notes, for plan and
# up.  The files read are under NETC_ROOT (default /), so that tests never
# read the real /etc and /run.
netc_addr_notes() {
	while read -r netc_n netc_u netc_a netc_g netc_d netc_r netc_held; do
		netc_nic_manager "$netc_u"
		if [ "$netc_g" = - ]; then netc_gw=; else netc_gw=" and a default route via $netc_g"; fi
		case $netc_r in
		a)
			if [ -n "$netc_mgr" ]; then
				echo "note: $netc_n: recipe (a): $netc_mgr; up moves the addresses and routes of $netc_u to $netc_n (at boot: after the distribution configured $netc_u). For netc to give $netc_n $netc_a$netc_gw itself (recipe (b)), tell it to leave $netc_u: $netc_fix"
			else
				echo "note: $netc_n: recipe (a): $netc_u holds $netc_a though none of ifupdown, systemd-networkd and NetworkManager configures it; up moves it to $netc_n"
			fi
			;;
		other)
			echo "note: $netc_n: $netc_u holds $netc_held, not $netc_a as the topology says: up moves what $netc_u holds (recipe (a)) and adds no $netc_a${netc_mgr:+; $netc_mgr}"
			;;
		b | b-done)
			if [ "$netc_r" = b ]; then
				echo "note: $netc_n: recipe (b): $netc_u holds no address and ${netc_leaves:-none of ifupdown, systemd-networkd and NetworkManager configures it}: up gives $netc_n $netc_a$netc_gw"
			fi
			[ -z "$netc_mgr" ] ||
				echo "note: $netc_n: recipe (b) (netc gives $netc_n $netc_a), but $netc_mgr: it may put an address on $netc_u, a port of $netc_n, behind netc's back; tell it to leave $netc_u: $netc_fix"
			[ "$netc_d" = - ] || netc_dns_note "$netc_u" "$netc_d"
			;;
		esac
	done <"$NETC_W/addrs" >>"$NETC_W/notes"
}

# netc_nic_manager NIC: netc_mgr says which of ifupdown, systemd-networkd
# and NetworkManager configures NIC and how ("" none), netc_fix how to
# make it leave NIC alone, netc_leaves which of them leave it alone.
netc_nic_manager() {
	netc_mgr=''
	netc_fix=''
	netc_leaves=''
	netc_root=${NETC_ROOT:-}
	netc_idx=$(awk -v d="$1" '{ n = $2; sub(/:$/, "", n); sub(/@.*/, "", n); if (n == d) { i = $1; sub(/:$/, "", i); print i; exit } }' "$NETC_W/link")
	# ifupdown: an iface stanza in /etc/network/interfaces or interfaces.d/
	netc_nic=$1
	set --
	for netc_f in "$netc_root/etc/network/interfaces" "$netc_root"/etc/network/interfaces.d/*; do
		[ ! -f "$netc_f" ] || set -- "$@" "$netc_f"
	done
	if [ $# -gt 0 ]; then
		netc_l=$(awk -v d="$netc_nic" -v skip="${#netc_root}" '
			$1 == "iface" && $2 == d && ($3 == "inet" || $3 == "inet6") {
				s = "iface " d " " $3 " " $4 " in " substr(FILENAME, skip + 1)
				if ($4 == "manual") m = m (m == "" ? "" : ", ") s; else c = c (c == "" ? "" : ", ") s
			}
			END { if (c != "") print "c " c; else if (m != "") print "m " m }' "$@")
		set -- "$netc_nic"
		case $netc_l in
		c\ *)
			netc_mgr="ifupdown configures $1 ($(netc_ifstate "$1")${netc_l#c })"
			netc_fix="ifupdown \`iface $1 inet manual\` (no address, no gateway in the stanza)"
			;;
		m\ *) netc_leaves="ifupdown leaves it alone (${netc_l#m })" ;;
		esac
	fi
	set -- "$netc_nic"
	# systemd-networkd: its state of the link
	netc_f=$netc_root/run/systemd/netif/links/$netc_idx
	if [ -n "$netc_idx" ] && [ -f "$netc_f" ]; then
		netc_st=$(sed -n 's/^ADMIN_STATE=//p' "$netc_f")
		netc_nf=$(sed -n 's/^NETWORK_FILE=//p' "$netc_f")
		case $netc_st in
		unmanaged | '')
			netc_leaves="${netc_leaves:+$netc_leaves, }systemd-networkd leaves it unmanaged"
			;;
		*)
			netc_mgr="${netc_mgr:+$netc_mgr; }systemd-networkd configures $1 (state $netc_st${netc_nf:+, $netc_nf})"
			netc_fix="${netc_fix:+$netc_fix; }systemd-networkd: no .network file that matches $1${netc_nf:+ (remove $netc_nf), or \`Unmanaged=yes\` in its [Link] section}"
			;;
		esac
	fi
	# NetworkManager: its state file of the device, else nmcli (on this host only)
	netc_f=$netc_root/run/NetworkManager/devices/$netc_idx
	netc_st=
	if [ -n "$netc_idx" ] && [ -f "$netc_f" ]; then
		if grep -q '^managed=false' "$netc_f"; then netc_st=unmanaged; else netc_st=managed; fi
	elif [ -z "$netc_root" ] && command -v nmcli >/dev/null 2>&1; then
		netc_st=$(nmcli -t -f DEVICE,STATE device 2>/dev/null | awk -F : -v d="$1" '$1 == d { print $2 }')
	fi
	case $netc_st in
	'') ;;
	unmanaged) netc_leaves="${netc_leaves:+$netc_leaves, }NetworkManager leaves it unmanaged" ;;
	*)
		netc_mgr="${netc_mgr:+$netc_mgr; }NetworkManager manages $1"
		netc_fix="${netc_fix:+$netc_fix; }NetworkManager \`unmanaged-devices=interface-name:$1\` in the [keyfile] section of a file in /etc/NetworkManager/conf.d/"
		;;
	esac
}

# Whether ifupdown brought NIC $1 up (its /run/network/ifstate files).
netc_ifstate() {
	if [ -f "$netc_root/run/network/ifstate.$1" ] ||
		grep -q "^$1=" "$netc_root/run/network/ifstate" 2>/dev/null; then
		echo "up, "
	fi
}

# netc writes no resolver configuration: the dns servers of NIC $1 ($2,
# comma-separated) that /etc/resolv.conf does not name are said.
netc_dns_note() {
	netc_l=$(echo "$2" | tr , '\n' | awk -v f="${NETC_ROOT:-}/etc/resolv.conf" '
		BEGIN { while ((getline l < f) > 0) { split(l, w, " "); if (w[1] == "nameserver") ns[w[2]] = 1 } }
		!($0 in ns) { m = m (m == "" ? "" : ", ") $0 }
		END { print m }')
	[ -z "$netc_l" ] ||
		echo "note: netc configures no resolver: the dns of $1 ($netc_l) not in /etc/resolv.conf; add \`nameserver\` lines for them there (or with resolvconf, or systemd-resolved's \`resolvectl dns\`)"
}

# --- making changes --------------------------------------------------------

# netc_act UNDO DRIFT SHOW CMD...: every change other than the batches.
#   status: print DRIFT (if any).  plan: print SHOW.  up, down: register
#   UNDO ("-": none; else a line for netc_undo_line), run CMD, and on
#   failure drop the registration, undo this run and exit naming SHOW.
netc_act() {
	netc_undo=$1 netc_drift=$2 netc_show=$3
	shift 3
	case $NETC_VERB in
	status)
		[ -z "$netc_drift" ] || printf '  %s\n' "$netc_drift"
		return 0
		;;
	plan)
		printf '%s\n' "$netc_show"
		return 0
		;;
	esac
	cp "$NETC_W/undo" "$NETC_W/undo.pre"
	if [ "$netc_undo" != - ]; then
		printf 'sh\t-\t%s\n' "$netc_undo" >"$NETC_W/rec"
		netc_wal_add "$NETC_W/rec" || {
			netc_fail "record the undo of: $netc_show" /dev/null
			return 1
		}
		cat "$NETC_W/rec" >>"$NETC_W/undo"
	fi
	"$@" >"$NETC_W/act.err" 2>&1 && return 0
	mv -f "$NETC_W/undo.pre" "$NETC_W/undo"
	netc_fail "$netc_show" "$NETC_W/act.err"
}

# Apply a batch: $1 is ip (ip.do, `ip -batch`) or fdb (fdb.do, `bridge
# -batch`).  Every line's undo is registered first; a rollback keeps only
# those whose change is on the host (netc_rollback).
netc_batch() {
	[ -s "$NETC_W/$1.do" ] || return 0
	if [ "$1" = ip ]; then netc_cmd=ip; else netc_cmd=bridge; fi
	if [ "$NETC_VERB" = plan ]; then
		echo "$netc_cmd -batch - <<'EOF'"
		cat "$NETC_W/$1.do"
		echo EOF
		return 0
	fi
	# The whole batch's undo is in the journal before the first line runs.
	netc_wal_add "$NETC_W/$1.undo" || netc_fail "record the undo of the $netc_cmd batch" /dev/null
	cat "$NETC_W/$1.undo" >>"$NETC_W/undo"
	"$netc_cmd" -batch "$NETC_W/$1.do" >"$NETC_W/batch.err" 2>&1 && return 0
	netc_line=$(sed -n 's/^Command failed .*:\([0-9][0-9]*\)$/\1/p' "$NETC_W/batch.err" | tail -n 1)
	if [ -n "$netc_line" ]; then
		netc_step="$netc_cmd $(sed -n "${netc_line}p" "$NETC_W/$1.do")"
	else
		netc_step="$netc_cmd -batch ($(wc -l <"$NETC_W/$1.do") commands)"
	fi
	grep -v '^Command failed' "$NETC_W/batch.err" >"$NETC_W/act.err"
	netc_fail "$netc_step" "$NETC_W/act.err"
}

# A step failed: say which.  up undoes what this run did and exits 1 (4
# when the rollback itself failed); down notes the failure and carries on
# (netc_fail returns 1); status and plan, which change nothing, exit 1.
netc_fail() {
	NETC_APPLYING=
	netc_msg "step failed: $1"
	[ ! -s "$2" ] || sed 's/^/    /' "$2" >&2
	case $NETC_VERB in
	up) ;;
	down)
		NETC_DOWN_FAILED=1
		return 1
		;;
	*) exit 1 ;;
	esac
	if netc_rollback; then
		netc_wal_clear
		netc_state_release || :
		if [ -n "$NETC_TOOK" ]; then
			netc_msg "rolled back this run's changes; kept taken away: $NETC_TOOK"
		else
			netc_msg "rolled back: the host is as it was before this run"
		fi
		exit 1
	fi
	# (the write-ahead journal stays: the next run tries its undo again)
	netc_msg "rollback incomplete: the messages above name what could not be undone"
	exit 4
}

# Undo this run's changes, newest first.  The sysctl, nft and dnsmasq undos
# come first (they were made last); then the host is read again and the
# bridge and ip undo lines run for what is actually there, each in one
# -force batch.
netc_rollback() {
	[ -s "$NETC_W/undo" ] || return 0
	awk -v dir="$NETC_W" '
		{ line[NR] = $0 }
		END {
			printf "" > (dir "/rb.sh"); printf "" > (dir "/rb.cand")
			for (i = NR; i >= 1; i--) {
				k = line[i]; sub(/\t.*/, "", k)
				cmd = line[i]; sub(/^[^\t]*\t[^\t]*\t/, "", cmd)
				if (cmd == "-") continue
				if (k == "sh") print cmd > (dir "/rb.sh")
				else print line[i] > (dir "/rb.cand")
			}
		}' "$NETC_W/undo" || return 1
	: >"$NETC_W/undo"
	netc_rb=0
	netc_undo_file "$NETC_W/rb.sh" || netc_rb=1
	[ -s "$NETC_W/rb.cand" ] || return $netc_rb
	if netc_read_host; then
		netc_engine rollback "" "" "" "$NETC_W/rb.cand"
	else
		netc_msg "cannot read the host again; undoing every registered change"
		: >"$NETC_W/rb.ip"
		: >"$NETC_W/rb.fdb"
		awk -F '\t' -v dir="$NETC_W" '{
			if ($3 ~ /^link (set|del) / && $3 !~ /^link (set|del) (dev|group) /)
				sub(/^link (set|del) /, "&dev ", $3)    # as ipline() does
			print $3 > (dir "/rb." $1)
		}' "$NETC_W/rb.cand"
	fi
	if [ -s "$NETC_W/rb.fdb" ]; then bridge -force -batch "$NETC_W/rb.fdb" || netc_rb=1; fi
	if [ -s "$NETC_W/rb.ip" ]; then ip -force -batch "$NETC_W/rb.ip" || netc_rb=1; fi
	return $netc_rb
}

netc_undo_file() {
	netc_ok=0
	while read -r netc_op netc_a netc_b; do
		netc_undo_line "$netc_op" "$netc_a" "$netc_b" || netc_ok=1
	done <"$1"
	return $netc_ok
}

# The undo operations besides batch lines: a fixed set, so undo records are
# data and never evaluated as shell.  Each is harmless when what it undoes
# did not happen.
netc_undo_line() {
	case $1 in
	sysctl) netc_sysctl_write "$2" "$3" ;;
	nft-load) nft -f "$2" ;;
	nft-delete) netc_nft_replace /dev/null "$NETC_W/nft.none" && nft -f "$NETC_W/nft.none" ;;
	dnsmasq-stop) netc_dnsmasq_stop "$2" ;;
	dnsmasq-start) netc_dnsmasq_pid "$2" || netc_dnsmasq_start "$2" ;;
	file-restore) cp "$2" "$3" ;;
	file-remove) rm -f "$2" && { rmdir "${2%/*}" 2>/dev/null || :; } ;;
	*)
		netc_msg "unknown undo record '$1'"
		return 1
		;;
	esac
}

# --- sysctls ---------------------------------------------------------------

netc_sysctl_read() {
	netc_val=
	[ ! -r "/proc/sys/$1" ] || read -r netc_val <"/proc/sys/$1"
}

netc_sysctl_write() {
	# (only the network sysctls netc writes: a record never names another)
	case /$1/ in
	/net/*/../* | /net/*/./* | *//*) netc_msg "refusing to write sysctl '$1'" && return 1 ;;
	/net/*) ;;
	*) netc_msg "refusing to write sysctl '$1' (not under /proc/sys/net)" && return 1 ;;
	esac
	[ -e "/proc/sys/$1" ] || return 0 # gone with the interface it was on
	echo "$2" >"/proc/sys/$1"
}

# The value of $1 before netc first changed it, from $NETC_STATE/sysctl.
netc_sysctl_orig() {
	netc_saved=
	[ -f "$NETC_STATE/sysctl" ] || return 0
	while read -r netc_sp netc_sv; do
		[ "$netc_sp" != "$1" ] || netc_saved=$netc_sv
	done <"$NETC_STATE/sysctl"
}

# Make the sysctls what the networks up afterwards need ($NETC_W/sysctl:
# "path value" lines), and put back those netc changed that nothing needs
# any more.  Original values go to $NETC_W/sysctl.orig (committed to
# $NETC_STATE/sysctl).
netc_sysctls() {
	: >"$NETC_W/sysctl.orig"
	while read -r netc_p netc_v; do
		netc_sysctl_read "$netc_p"
		netc_sysctl_orig "$netc_p"
		if [ "$netc_val" != "$netc_v" ]; then
			[ -n "$netc_saved" ] || netc_saved=$netc_val
			netc_act "sysctl $netc_p $netc_val" "sysctl $netc_p is ${netc_val:-missing}, want $netc_v" \
				"echo $netc_v > /proc/sys/$netc_p" netc_sysctl_write "$netc_p" "$netc_v"
		fi
		[ -z "$netc_saved" ] || echo "$netc_p $netc_saved" >>"$NETC_W/sysctl.orig"
	done <"$NETC_W/sysctl"
	[ -f "$NETC_STATE/sysctl" ] || return 0
	while read -r netc_p netc_v; do
		netc_wanted=
		while read -r netc_sp netc_sv; do
			[ "$netc_sp" != "$netc_p" ] || netc_wanted=1
		done <"$NETC_W/sysctl"
		[ -z "$netc_wanted" ] || continue
		netc_sysctl_read "$netc_p"
		if [ -z "$netc_val" ] || [ "$netc_val" = "$netc_v" ]; then
			continue
		fi
		# (kept in the state if putting it back fails, for the next down)
		netc_act "sysctl $netc_p $netc_val" "sysctl $netc_p is $netc_val, set by netc; nothing needs it now (it was $netc_v)" \
			"echo $netc_v > /proc/sys/$netc_p" netc_sysctl_write "$netc_p" "$netc_v" ||
			echo "$netc_p $netc_v" >>"$NETC_W/sysctl.orig"
	done <"$NETC_STATE/sysctl"
}

# --- nftables --------------------------------------------------------------

# All of netc's rules are two tables, inet netc (routing: forward, nat, a
# route vif's sources) and bridge netc (per-vif anti-spoofing on bridge
# ports), replaced together and atomically with one `nft -f` (the "table;
# delete table; table { }" idiom) and never touching another table.  The
# inet table is there whenever either has rules; its comment carries a
# checksum of both, and $NETC_STATE/nft.loaded is the listing of both right
# after netc loaded them, so a hand edit shows as drift.  netc tables that
# netc did not load are kept in $NETC_STATE/nft.orig and put back when
# netc no longer needs them.
netc_nft() {
	# no rules wanted and none loaded: nothing to read or do
	[ -s "$NETC_W/nft.rules" ] || [ -s "$NETC_W/nft.bridge" ] ||
		[ -f "$NETC_STATE/nft.loaded" ] || return 0
	# what the state keeps unless a change below succeeds
	[ ! -f "$NETC_STATE/nft.loaded" ] || cp "$NETC_STATE/nft.loaded" "$NETC_W/nft.loaded"
	[ ! -f "$NETC_STATE/nft.orig" ] || cp "$NETC_STATE/nft.orig" "$NETC_W/nft.orig"
	netc_have=0
	if ! command -v nft >/dev/null 2>&1; then
		: # nothing to read; the preflight said so if a network needs nft
	elif netc_nft_list "$NETC_W/nft.cur"; then
		netc_nft_replace "$NETC_W/nft.cur" "$NETC_SAVE/nft.prev"
	else
		netc_fail "nft list table inet netc" "$NETC_W/err" || return 1
	fi
	if [ ! -s "$NETC_W/nft.rules" ] && [ ! -s "$NETC_W/nft.bridge" ]; then
		# No network needs rules: take the tables away if netc loaded them.
		if [ $netc_have = 1 ] && [ -f "$NETC_STATE/nft.orig" ]; then
			netc_nft_replace "$NETC_STATE/nft.orig" "$NETC_W/nft.load"
			netc_act "nft-load $NETC_SAVE/nft.prev" "nft table inet netc is netc's, and no network needs it" \
				"nft -f - (put back the netc tables that were there before netc)" \
				nft -f "$NETC_W/nft.load" || return 1
		elif [ $netc_have = 1 ]; then
			netc_nft_replace /dev/null "$NETC_W/nft.load"
			netc_act "nft-load $NETC_SAVE/nft.prev" "nft table inet netc is netc's, and no network needs it" \
				"nft delete table inet netc; nft delete table bridge netc" nft -f "$NETC_W/nft.load" || return 1
		fi
		rm -f "$NETC_W/nft.loaded" "$NETC_W/nft.orig"
		return 0
	fi
	netc_sum=$(cat "$NETC_W/nft.rules" "$NETC_W/nft.bridge" | cksum)
	netc_sum="netc $NETC_VERSION ${netc_sum%% *}"
	if [ $netc_have = 1 ] && [ -f "$NETC_STATE/nft.loaded" ] &&
		cmp -s "$NETC_W/nft.cur" "$NETC_STATE/nft.loaded" &&
		grep -q "comment \"$netc_sum\"" "$NETC_W/nft.cur"; then
		return 0
	fi
	{
		echo "table inet netc"
		echo "delete table inet netc"
		echo "table bridge netc"
		echo "delete table bridge netc"
		echo "table inet netc {"
		printf '\tcomment "%s"\n' "$netc_sum"
		cat "$NETC_W/nft.rules"
		echo "}"
		if [ -s "$NETC_W/nft.bridge" ]; then
			echo "table bridge netc {"
			cat "$NETC_W/nft.bridge"
			echo "}"
		fi
	} >"$NETC_W/nft.load"
	if [ $netc_have = 0 ]; then
		netc_undo=nft-delete
		netc_drift="nft table inet netc is missing"
	else
		netc_undo="nft-load $NETC_SAVE/nft.prev"
		if [ ! -f "$NETC_STATE/nft.loaded" ]; then
			netc_drift="nft table inet netc exists, and netc did not load it"
			[ -f "$NETC_W/nft.orig" ] || cp "$NETC_W/nft.cur" "$NETC_W/nft.orig"
		elif cmp -s "$NETC_W/nft.cur" "$NETC_STATE/nft.loaded"; then
			netc_drift="nft table inet netc holds other rules than the topology's"
		else
			netc_drift="nft table inet netc was changed since netc loaded it"
		fi
	fi
	if [ "$NETC_VERB" = plan ]; then
		echo "nft -f - <<'EOF'"
		cat "$NETC_W/nft.load"
		echo EOF
		return 0
	fi
	netc_act "$netc_undo" "$netc_drift" "nft -f - (load tables inet netc and bridge netc)" \
		nft -f "$NETC_W/nft.load" || return 1
	[ "$NETC_VERB" = status ] ||
		netc_nft_list "$NETC_W/nft.loaded" ||
		netc_fail "nft list table inet netc" "$NETC_W/err"
}

# The listing of netc's tables (inet, then bridge) into $1; netc_have: 1
# if either exists.  Fails (the message in $NETC_W/err) if nft cannot list.
netc_nft_list() {
	netc_have=0
	: >"$1"
	for netc_fam in inet bridge; do
		if nft list table "$netc_fam" netc >>"$1" 2>"$NETC_W/err"; then
			netc_have=1
		elif ! grep -q 'No such file or directory' "$NETC_W/err"; then
			return 1
		fi
	done
}

# A listing ($1) as a file ($2) that replaces both tables atomically
# (/dev/null: that removes them).
netc_nft_replace() {
	{
		echo "table inet netc"
		echo "delete table inet netc"
		echo "table bridge netc"
		echo "delete table bridge netc"
		cat "$1"
	} >"$2"
}

# --- dnsmasq ---------------------------------------------------------------

# One dnsmasq per network with dhcp, bound to that bridge only, with its
# configuration, pid file and leases in $NETC_STATE/dnsmasq/.
netc_dnsmasq_pid() {
	netc_pid=
	[ -f "$NETC_STATE/dnsmasq/$1.pid" ] || return 1
	read -r netc_pid <"$NETC_STATE/dnsmasq/$1.pid" || return 1
	[ -n "$netc_pid" ] && kill -0 "$netc_pid" 2>/dev/null || return 1
	# A pid can be reused: it must be a dnsmasq running this configuration.
	tr '\000' ' ' <"/proc/$netc_pid/cmdline" 2>/dev/null |
		grep -q -- "--conf-file=$NETC_STATE/dnsmasq/$1.conf"
}

# (without the script's lock and work-directory descriptors: netc_lock)
netc_dnsmasq_start() {
	dnsmasq --conf-file="$NETC_STATE/dnsmasq/$1.conf" 8<&- 9>&-
}

# Stop it and wait (up to 5 s) until it is gone; a zombie waiting for its
# reaper is gone (its command line is empty).
netc_dnsmasq_stop() {
	netc_dnsmasq_pid "$1" || return 0
	kill "$netc_pid" || return 1
	netc_tries=0
	while netc_dnsmasq_pid "$1"; do
		[ $netc_tries -lt 50 ] || return 1
		sleep 0.1 2>/dev/null || sleep 1
		netc_tries=$((netc_tries + 1))
	done
}

netc_dnsmasq_install() {
	mkdir -p "$NETC_STATE/dnsmasq" && cp "$1" "$NETC_STATE/dnsmasq/$2.conf"
}

# $NETC_W/dnsmasq.on: the networks whose dnsmasq must run (configurations
# in $NETC_W/dnsmasq.NAME.conf); dnsmasq.off: those whose dnsmasq must not.
netc_dnsmasq() {
	while read -r netc_n; do
		netc_conf=$NETC_STATE/dnsmasq/$netc_n.conf
		netc_new=$NETC_W/dnsmasq.$netc_n.conf
		if netc_dnsmasq_pid "$netc_n"; then
			! cmp -s "$netc_new" "$netc_conf" || continue
			netc_act "dnsmasq-start $netc_n" "dnsmasq of $netc_n runs with another configuration" \
				"kill $netc_pid  # dnsmasq of $netc_n, to restart it" netc_dnsmasq_stop "$netc_n"
		elif [ "$NETC_VERB" = status ]; then
			printf '  %s\n' "dnsmasq of $netc_n is not running"
		fi
		[ "$NETC_VERB" != status ] || continue
		if [ -f "$netc_conf" ]; then
			cp "$netc_conf" "$NETC_SAVE/dnsmasq.$netc_n.prev"
			netc_undo="file-restore $NETC_SAVE/dnsmasq.$netc_n.prev $netc_conf"
		else
			netc_undo="file-remove $netc_conf"
		fi
		netc_act "$netc_undo" "" "cat > $netc_conf <<'EOF'
$(cat "$netc_new")
EOF" netc_dnsmasq_install "$netc_new" "$netc_n"
		netc_act "dnsmasq-stop $netc_n" "" "dnsmasq --conf-file=$netc_conf" netc_dnsmasq_start "$netc_n"
	done <"$NETC_W/dnsmasq.on"
	[ -d "$NETC_STATE/dnsmasq" ] || return 0
	while read -r netc_n; do
		if netc_dnsmasq_pid "$netc_n"; then
			netc_act "dnsmasq-start $netc_n" "dnsmasq of $netc_n runs, and the network has no dhcp" \
				"kill $netc_pid  # dnsmasq of $netc_n" netc_dnsmasq_stop "$netc_n" || continue
		fi
		case $NETC_VERB in
		up | down)
			rm -f "$NETC_STATE/dnsmasq/$netc_n.conf" "$NETC_STATE/dnsmasq/$netc_n.pid" \
				"$NETC_STATE/dnsmasq/$netc_n.leases"
			rmdir "$NETC_STATE/dnsmasq" 2>/dev/null
			;;
		esac
	done <"$NETC_W/dnsmasq.off"
	return 0
}

# --- the verbs -------------------------------------------------------------

netc_run() {
	NETC_VERB=$1
	shift
	NETC_UID=$(id -u)
	case $NETC_VERB in
	status | plan) NETC_UNCHANGED= ;;
	esac
	netc_state_dir
	# (up and down as root check it under the lock: netc_lock)
	case $NETC_VERB:$NETC_UID in
	up:0 | down:0 | try:0 | confirm:0 | try-back:0) ;;
	*)
		if [ -e "$NETC_STATE" ] || [ -L "$NETC_STATE" ]; then
			netc_safe_dir "$NETC_STATE" "state directory"
		fi
		;;
	esac
	netc_workdir
	for netc_c in ip awk; do
		command -v "$netc_c" >/dev/null 2>&1 ||
			netc_die 3 "preflight failed$NETC_UNCHANGED: command '$netc_c' not found"
	done
	NETC_SAVE=$NETC_W
	case $NETC_VERB in
	up | down | try | confirm | try-back)
		[ "$NETC_UID" != 0 ] || netc_lock
		;;
	esac
	netc_state_check
	[ "$NETC_UID" != 0 ] || netc_wal_replay
	netc_try_pending
	case $NETC_VERB in
	try-back) netc_try_back ;;
	*) "netc_$NETC_VERB" "$@" ;;
	esac
}

# Bring the selection up.  When acting on the whole host, networks an
# earlier run made that the topology no longer has are taken down first.
netc_up() {
	netc_prepare up "$@"
	# (what the retire pass would cut off, checked with the stale phase's
	# before either changes anything)
	mv -f "$NETC_W/cutoff" "$NETC_W/cutoff.retire"
	if [ -s "$NETC_W/stale" ]; then
		netc_stale=$(tr '\n' ' ' <"$NETC_W/stale")
		NETC_TOOK="the networks the topology no longer has ($(tr '\n' ' ' <"$NETC_W/stale" | sed 's/ $//'))"
		netc_engine down "$netc_stale" "" "" "$NETC_W/journal"
		cat "$NETC_W/cutoff.retire" >>"$NETC_W/cutoff"
		netc_cutoff
		netc_msg "taking down networks an earlier run made that the topology no longer has: $netc_stale"
		NETC_VERB=down
		netc_down_apply
		NETC_VERB=up
		netc_prepare up "$@"
	fi
	if [ -s "$NETC_W/retire.nets" ]; then
		[ -s "$NETC_W/stale" ] || mv -f "$NETC_W/cutoff.retire" "$NETC_W/cutoff"
		netc_cutoff
		netc_retire_apply
		netc_prepare up "$@"
	fi
	: >"$NETC_W/undo"
	# (applying from here: a signal rolls back, and takes the marker away)
	NETC_APPLYING=1
	netc_state_claim
	mkdir -p "$NETC_STATE/wal.d" || netc_die 1 "cannot create $NETC_STATE/wal.d"
	NETC_SAVE=$NETC_STATE/wal.d
	netc_batch ip
	netc_batch fdb
	netc_sysctls
	netc_nft
	netc_dnsmasq
	netc_commit_up
	NETC_APPLYING=
	NETC_SAVE=$NETC_W
	netc_wal_clear
	netc_state_release || :
	while read -r netc_l; do netc_msg "$netc_l"; done <"$NETC_W/notes"
	if [ "$netc_changes" = 0 ]; then
		echo "$NETC_PROG: host $NETC_HOST already matches the topology; nothing changed"
	else
		echo "$NETC_PROG: host $NETC_HOST is up ($netc_changes changes)"
	fi
}

# The retire phase of up: undo, newest first, what an earlier run did for
# a network that the topology no longer wants (the awk's retire), then keep
# the journal without it.  Until the batch has run the journal is as it
# was: a run killed inside it redoes what is left (undone() skips what is
# done), so it converges.  A failing line stops up before its own changes.
netc_retire_apply() {
	while read -r netc_l; do netc_msg "$netc_l"; done <"$NETC_W/retire.notes"
	netc_links_ok=1
	if [ -s "$NETC_W/retire.fdb" ]; then
		bridge -force -batch "$NETC_W/retire.fdb" || netc_links_ok=
	fi
	if [ -s "$NETC_W/retire.ip" ]; then
		ip -force -batch "$NETC_W/retire.ip" || netc_links_ok=
	fi
	[ -n "$netc_links_ok" ] ||
		netc_die 1 "step failed: undoing what the topology no longer wants (the messages above say which); ${NETC_TOOK:+taken away: $NETC_TOOK; }nothing else was changed (up again retries)"
	netc_links_keep "$NETC_W/retire.journal" "" || :
	netc_store retire.journal journal
	netc_took="what the topology no longer wants of $(tr '\n' ' ' <"$NETC_W/retire.nets" | sed 's/ $//')"
	NETC_TOOK=${NETC_TOOK:+$NETC_TOOK, }$netc_took
}

# $NETC_STATE/links: "NAME IFINDEX" for each link the journal $1 says netc
# made ("link del NAME"): the ifindex it had when netc made it, so that a
# link someone else made again under its name is told apart (the engine's
# foreign()).  An entry is written once, when netc makes the link (this
# run's undo $2 has its "link del"), or, for a link of the journal that has
# none (state of an older netc), from the host now; both only by up (with
# $2).  The ifindex is read from /sys/class/net (the shell reads it: no
# `ip` call more), and only when /sys shows this namespace: the first link
# of the listing besides lo has the ifindex listed.  Written before the
# journal that names the link, by a rename.
netc_links_keep() {
	[ -s "$1" ] || [ -f "$NETC_STATE/links" ] || return 0
	set -- "$1" "$2" /dev/null /dev/null /dev/null
	[ ! -f "$NETC_STATE/links" ] || set -- "$1" "$2" "$NETC_STATE/links" "$4" "$5"
	[ -z "$2" ] || [ ! -f "$2" ] || set -- "$1" "$2" "$3" "$2" "$5"
	[ ! -f "$1" ] || set -- "$1" "$2" "$3" "$4" "$1"
	: >"$NETC_W/links.now"
	[ -z "$2" ] || netc_links_sys "$5" >"$NETC_W/links.now" || return 1
	awk -F '\t' '
		FILENAME == ARGV[1] { split($0, w, " "); old[w[1]] = w[2]; next }
		FILENAME == ARGV[2] { if ($1 == "ip" && $3 ~ /^link del /) { split($3, w, " "); made[w[3]] = 1 } next }
		FILENAME == ARGV[3] { split($0, w, " "); now[w[1]] = w[2]; next }
		$1 == "ip" && $3 ~ /^link del / {
			split($3, w, " "); x = w[3]
			if (x in seen) next
			seen[x] = 1
			if ((x in made) || !(x in old)) { if (x in now) print x " " now[x] }
			else print x " " old[x]
		}' "$3" "$4" "$NETC_W/links.now" "$5" >"$NETC_STATE/links.tmp" || return 1
	if [ -s "$NETC_STATE/links.tmp" ]; then
		mv -f "$NETC_STATE/links.tmp" "$NETC_STATE/links"
	else
		rm -f "$NETC_STATE/links.tmp" "$NETC_STATE/links"
	fi
}

# netc_links_sys JOURNAL: "NAME IFINDEX" for each link the journal says
# netc made, from /sys/class/net, if /sys is this namespace's (read by
# the shell: no command runs).
netc_links_sys() {
	netc_sys=1
	while read -r netc_i netc_x netc_l; do
		netc_x=${netc_x%:}
		netc_x=${netc_x%%@*}
		[ "$netc_x" != lo ] || continue
		netc_v=
		[ ! -r "/sys/class/net/$netc_x/ifindex" ] || read -r netc_v <"/sys/class/net/$netc_x/ifindex" || :
		[ "$netc_v:" = "$netc_i" ] || netc_sys=
		break
	done <"$NETC_W/link"
	[ -n "$netc_sys" ] || return 0
	while read -r netc_k netc_n netc_c1 netc_c2 netc_x netc_l; do
		case "$netc_k $netc_c1 $netc_c2 $netc_l" in
		"ip link del ") ;;
		*) continue ;;
		esac
		netc_v=
		[ ! -r "/sys/class/net/$netc_x/ifindex" ] || read -r netc_v <"/sys/class/net/$netc_x/ifindex" || :
		[ -z "$netc_v" ] || echo "$netc_x $netc_v"
	done <"$1"
}

# The bridges the stale phase deletes whose ports include some netc did
# not put there ($NETC_W/cutoff, "BRIDGE PORT"; the vifs of running
# guests): up refuses, before any change, unless forced (--force,
# NETC_FORCE=1), which deletes them and names each port cut off.
netc_cutoff() {
	[ -s "$NETC_W/cutoff" ] && [ -z "$NETC_FORCED" ] || return 0
	netc_msg "preflight failed$NETC_UNCHANGED:"
	while read -r netc_b netc_p netc_why; do
		if [ "$netc_why" = retire ]; then
			netc_why="network $netc_b has no bridge any more"
		else
			netc_why="a network the topology no longer has"
		fi
		netc_msg "  deleting $netc_b ($netc_why) cuts off $netc_p, a port netc did not put there (a running guest's vif?)"
	done <"$NETC_W/cutoff"
	netc_msg "  move the guests first, or delete it anyway: up (or try) --force, or NETC_FORCE=1"
	exit 3
}

# Keep what this run did, for down: the undo of its link work (the journal,
# without repeats), the networks now up, original sysctls, the nft listing.
# The new journal and network list are written into the lock directory
# (this run's while it holds the lock) and renamed into place by one mv;
# netc_changes is how many changes this run made (its undo records).
netc_commit_up() {
	netc_changes=$(awk -F '\t' -v journal="$NETC_STATE/lock/journal" -v nets="$NETC_STATE/lock/nets" '
		FILENAME == ARGV[3] { print > nets; next }
		FILENAME == ARGV[2] && $0 != "" { n++ }
		($1 == "ip" || $1 == "fdb") && $3 != "-" && !seen[$0]++ { print > journal }
		END { print n + 0 }' "$NETC_W/journal" "$NETC_W/undo" "$NETC_W/nets.after")
	netc_links_keep "$NETC_STATE/lock/journal" "$NETC_W/undo" ||
		netc_fail "record the ifindex of the links netc made" /dev/null
	set --
	for netc_f in journal nets; do
		if [ -s "$NETC_STATE/lock/$netc_f" ]; then
			set -- "$@" "$NETC_STATE/lock/$netc_f"
		elif [ -e "$NETC_STATE/$netc_f" ]; then
			rm -f "$NETC_STATE/$netc_f"
		fi
	done
	# the records of the topology applied, while a network is up (a try
	# rolls back to them)
	if [ -s "$NETC_STATE/lock/nets" ] && grep -v '^#' "$NETC_W/topo" >"$NETC_STATE/lock/topo"; then
		set -- "$@" "$NETC_STATE/lock/topo"
	else
		rm -f "$NETC_STATE/topo"
	fi
	[ $# = 0 ] || mv -f "$@" "$NETC_STATE/"
	netc_store sysctl.orig sysctl
	netc_store nft.loaded nft.loaded
	netc_store nft.orig nft.orig
}

netc_down() {
	netc_prepare down "$@"
	netc_down_apply
}

# Undo what up did for the networks in the down set ($NETC_W/down.*), in
# reverse order of up: dnsmasq, the nft table and sysctls (recomputed for
# the networks still up), then the journal's link work, less what is
# already undone.  down does not stop at a failing step: it undoes all it
# can, keeps in the state what it could not (a second down retries just
# that), and exits 1.
netc_down_apply() {
	if [ ! -s "$NETC_W/down.nets" ]; then
		[ -f "$NETC_STATE/nets" ] || [ "$NETC_VERB" != down ] || rm -f "$NETC_STATE/topo"
		if [ "$NETC_VERB" = down ] && ! netc_state_release; then
			netc_msg "down: the step above failed (down again retries it)"
			exit 1
		fi
		echo "$NETC_PROG: nothing to take down"
		return 0
	fi
	NETC_DOWN_FAILED=
	: >"$NETC_W/undo"
	: >"$NETC_W/dnsmasq.on"
	cp "$NETC_W/down.nets" "$NETC_W/dnsmasq.off"
	while read -r netc_l; do netc_msg "$netc_l"; done <"$NETC_W/down.notes"
	netc_dnsmasq
	netc_nft
	netc_sysctls
	netc_links_ok=1
	if [ -s "$NETC_W/down.fdb" ]; then
		bridge -force -batch "$NETC_W/down.fdb" || netc_links_ok=
	fi
	if [ -s "$NETC_W/down.ip" ]; then
		ip -force -batch "$NETC_W/down.ip" || netc_links_ok=
	fi
	if [ -n "$netc_links_ok" ]; then
		netc_links_keep "$NETC_W/down.journal" "" || :
		netc_store down.journal journal
		netc_store nets.after nets
		[ -f "$NETC_STATE/nets" ] || rm -f "$NETC_STATE/topo"
	else
		NETC_DOWN_FAILED=1
	fi
	netc_store sysctl.orig sysctl
	netc_store nft.loaded nft.loaded
	netc_store nft.orig nft.orig
	[ "$NETC_VERB" != down ] || netc_state_release || NETC_DOWN_FAILED=1
	if [ -z "$NETC_DOWN_FAILED" ]; then
		echo "$NETC_PROG: down: $(tr '\n' ' ' <"$NETC_W/down.nets")"
		return 0
	fi
	netc_msg "down: the steps above failed; everything else was undone (down again retries the rest)"
	exit 1
}

netc_status() {
	netc_prepare status "$@"
	{
		sed 's/^/  /' "$NETC_W/missing" "$NETC_W/drift"
		netc_sysctls
		netc_nft
		netc_dnsmasq
	} >"$NETC_W/status"
	if [ -s "$NETC_W/status" ]; then
		echo "$NETC_PROG: host $NETC_HOST differs from the topology:"
		cat "$NETC_W/status"
		exit 1
	fi
	echo "$NETC_PROG: host $NETC_HOST matches the topology"
}

netc_plan() {
	# What the stale phase would cut off (netc_cutoff), then the plan (the
	# engine again, on the same reading of the host: its down run took the
	# work files).
	: >"$NETC_W/cutoff.plan"
	netc_snapshot
	netc_engine plan "$@" "$NETC_W/journal"
	if [ -s "$NETC_W/stale" ]; then
		netc_engine down "$(tr '\n' ' ' <"$NETC_W/stale")" "" "" "$NETC_W/journal"
		cp "$NETC_W/cutoff" "$NETC_W/cutoff.plan"
		netc_engine plan "$@" "$NETC_W/journal"
	fi
	netc_preflight plan
	cat "$NETC_W/cutoff" >>"$NETC_W/cutoff.plan"
	{
		if [ -s "$NETC_W/stale" ]; then
			echo "# first take down the networks an earlier run made that the topology no longer has:"
			sed 's/^/#   /' "$NETC_W/stale"
		fi
		while read -r netc_b netc_p netc_why; do
			echo "#   deleting $netc_b cuts off $netc_p, a port netc did not put there (a running guest's vif?)"
		done <"$NETC_W/cutoff.plan"
		if [ -s "$NETC_W/retire.ip" ] || [ -s "$NETC_W/retire.fdb" ]; then
			echo "# first undo what an earlier run did that the topology no longer wants:"
			sed 's/^/#   /' "$NETC_W/retire.notes"
			for netc_f in fdb ip; do
				[ -s "$NETC_W/retire.$netc_f" ] || continue
				if [ $netc_f = ip ]; then netc_cmd=ip; else netc_cmd=bridge; fi
				echo "$netc_cmd -force -batch - <<'EOF'"
				cat "$NETC_W/retire.$netc_f"
				echo EOF
			done
		fi
		netc_batch ip
		netc_batch fdb
		netc_sysctls
		netc_nft
		netc_dnsmasq
	} >"$NETC_W/plan"
	echo "# $NETC_PROG plan: what up would do on host $NETC_HOST"
	sed 's/^/# /' "$NETC_W/notes"
	if [ -s "$NETC_W/plan" ]; then
		cat "$NETC_W/plan"
	else
		echo "# nothing: the host matches the topology"
	fi
	if [ -s "$NETC_W/cutoff.plan" ] && [ -z "$NETC_FORCED" ]; then
		echo "up would refuse to delete a bridge with ports netc did not put there (up --force deletes it)" >>"$NETC_W/missing"
	fi
	[ -s "$NETC_W/missing" ] || return 0
	echo "# up would stop here, before any change (its preflight):"
	sed 's/^/#   /' "$NETC_W/missing"
	netc_n=$(wc -l <"$NETC_W/missing" | tr -d ' ')
	if [ "$netc_n" = 1 ]; then netc_n="1 problem"; else netc_n="$netc_n problems"; fi
	netc_msg "plan: up's preflight would fail ($netc_n, listed above)"
	exit 3
}

# --- try and confirm ---------------------------------------------------------
#
# try is up with a way back: before its first change it keeps, in
# $NETC_STATE/try (root's, readable: status and plan name a pending
# try for anyone), the state's topo (the records of the topology up last
# applied: all the way back needs, with the journal), a copy of
# this script, and a token; after up's commit, a deadline and a watchdog.
# The watchdog is this script's copy run as `try-watch TOKEN` in a session
# of its own (setsid: no SIGHUP, no kill of the process group that ran try
# reaches it) or, where systemd is PID 1 and this is its network namespace,
# a transient unit (systemd-run: logind's KillUserProcesses cannot kill
# it).  At the deadline it takes the lock and, if the try with its token is
# still pending, goes back: an up of the saved topology (reconciliation
# makes the host match it again), or a down when nothing was up before;
# then $NETC_STATE/try goes.  confirm removes $NETC_STATE/try (under the
# lock) and stops the watchdog; a watchdog that wakes to find no try, or
# another token, does nothing.  While a try is pending, up, down and try
# are refused; a pending try whose watchdog is gone (SIGKILL) is rolled
# back by the next of them.

# A random token of 16 hex digits (netc_tok).
netc_try_token() {
	netc_tok=
	[ ! -r /proc/sys/kernel/random/uuid ] || read -r netc_tok </proc/sys/kernel/random/uuid || :
	netc_tok=$(printf '%s%08x%08x\n' "$netc_tok" "$$" "$(date +%s 2>/dev/null || echo 0)" |
		sed 's/[^0-9a-f]//g; s/^\(................\).*/\1/')
}

# The pending try: netc_try_tok (its token), netc_left (seconds until its
# rollback; "" while try is still applying), netc_alive (1: its watchdog
# runs), netc_pid (the watchdog's).
netc_try_read() {
	netc_try_tok=''
	netc_left=''
	netc_alive=''
	netc_pid=''
	netc_dl=''
	[ ! -f "$NETC_STATE/try/token" ] || read -r netc_try_tok <"$NETC_STATE/try/token" || :
	[ ! -f "$NETC_STATE/try/deadline" ] || read -r netc_dl <"$NETC_STATE/try/deadline" || :
	[ ! -f "$NETC_STATE/try/pid" ] || read -r netc_pid <"$NETC_STATE/try/pid" || :
	case $netc_dl in
	'' | *[!0-9]*) ;;
	*)
		netc_left=$((netc_dl - $(date +%s)))
		[ "$netc_left" -ge 0 ] || netc_left=0
		;;
	esac
	case $netc_try_tok:$netc_pid in
	*[!0-9a-f]*:* | :* | *:) netc_pid= ;;
	*:*[!0-9]*) netc_pid= ;;
	*)
		tr '\000' ' ' <"/proc/$netc_pid/cmdline" 2>/dev/null | grep -q -- " try-watch $netc_try_tok" &&
			netc_alive=1
		;;
	esac
}

# Before a verb: a pending try refuses up, down and try (rolling it back
# first when its watchdog is gone), and is named by status and plan.
netc_try_pending() {
	[ -d "$NETC_STATE/try" ] && [ -z "$NETC_TRY_BACK" ] || return 0
	netc_try_read
	case $NETC_VERB in
	confirm) return 0 ;;
	status | plan)
		if [ -n "$netc_alive" ]; then
			netc_msg "note: a try is pending: confirm keeps it, else it rolls back in ${netc_left:-?} s"
		elif [ -n "$netc_left" ]; then
			netc_msg "note: a try is pending and its watchdog is gone: confirm keeps it, else the next up, down or try rolls it back"
		else
			netc_msg "note: a try is being applied, or was killed before it finished"
		fi
		return 0
		;;
	esac
	if [ -n "$netc_alive" ]; then
		netc_c="$NETC_PROG confirm"
		# (network-bridge has no confirm: the host script that ran try has)
		[ -z "$NETC_XEN" ] || netc_c="the host script's confirm"
		netc_die 1 "a try is pending: run '$netc_c' to keep it, or wait for its rollback (in ${netc_left:-?} s)$NETC_UNCHANGED"
	fi
	[ "$NETC_UID" = 0 ] || return 0
	netc_msg "note: a try was not confirmed and its watchdog is gone (killed?): rolling back to what was up before it"
	netc_pverb=$NETC_VERB
	NETC_TRY_BACK=$netc_try_tok
	netc_try_back
	netc_die 1 "rolled back the try that was pending; $netc_pverb did nothing: run it again"
}

netc_try() {
	[ "$NETC_UID" = 0 ] || netc_die 3 "preflight failed$NETC_UNCHANGED:
  must run as root (this is uid $NETC_UID)"
	case $NETC_SELF in
	/*) ;;
	*) netc_die 2 "try needs the script as a file (it runs a copy to roll back), not on standard input" ;;
	esac
	grep -q '^netc_try_watch()' "$NETC_SELF" 2>/dev/null ||
		netc_die 2 "try needs the script as a file (it runs a copy to roll back): cannot read $NETC_SELF"
	command -v setsid >/dev/null 2>&1 || netc_die 3 "preflight failed$NETC_UNCHANGED:
  command 'setsid' not found (util-linux: it runs the watchdog of try)"
	if [ -f "$NETC_STATE/nets" ] && [ ! -f "$NETC_STATE/topo" ]; then
		netc_die 1 "try rolls back to the topology that is up, and the state in $NETC_STATE does not have it (an up of netc before try made it): run up once first$NETC_UNCHANGED"
	fi
	netc_try_token
	NETC_TRY_NEW=1
	rm -rf "$NETC_STATE/try"
	mkdir -m 755 "$NETC_STATE/try" || netc_die 1 "cannot create $NETC_STATE/try"
	[ ! -f "$NETC_STATE/topo" ] || cp "$NETC_STATE/topo" "$NETC_STATE/try/" ||
		netc_die 1 "cannot copy $NETC_STATE/topo into $NETC_STATE/try"
	if ! cp "$NETC_SELF" "$NETC_STATE/try/script" || ! chmod 700 "$NETC_STATE/try/script"; then
		netc_die 1 "cannot copy $NETC_SELF into $NETC_STATE/try"
	fi
	netc_put try/token "$netc_tok"
	netc_try_tok=$netc_tok
	# (up's steps roll back on failure as up's)
	NETC_VERB=up
	netc_up "$@"
	NETC_VERB=try
	netc_put try/deadline "$(($(date +%s) + NETC_TRY_SECS))"
	netc_try_start
	NETC_TRY_NEW=
	# the lock goes before waiting: confirm (another shell) and the
	# watchdog take it
	rm -rf "$NETC_STATE/lock"
	NETC_LOCKED=
	exec 9>&-
	if [ -t 0 ] && [ -t 1 ] && command -v timeout >/dev/null 2>&1; then
		echo "$NETC_PROG: press Enter to keep it; it rolls back in $NETC_TRY_SECS s"
		netc_try_read
		if timeout --foreground "${netc_left:-$NETC_TRY_SECS}" sh -c 'read -r l' 8<&-; then
			NETC_VERB=confirm
			netc_lock
			netc_confirm_try "$netc_try_tok"
			return 0
		fi
		echo "$NETC_PROG: not confirmed: the watchdog rolls it back now"
		exit 1
	fi
	echo "$NETC_PROG: run '$NETC_SELF confirm' within $NETC_TRY_SECS s to keep it, or it rolls back"
}

# Start the watchdog of try $netc_try_tok; wait until it has said its pid.
netc_try_start() {
	netc_cmd="$NETC_STATE/try/script"
	netc_sd=
	if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then
		netc_a=$(ls -iL /proc/1/ns/net 2>/dev/null) && netc_b=$(ls -iL /proc/self/ns/net 2>/dev/null) &&
			[ "${netc_a%% *}" = "${netc_b%% *}" ] && netc_sd=1
	fi
	if [ -n "$netc_sd" ]; then
		netc_msg "starting the watchdog: unit netc-try-$netc_try_tok"
		systemd-run --unit "netc-try-$netc_try_tok" --collect --quiet \
			${NETC_STATE_DIR:+"--setenv=NETC_STATE_DIR=$NETC_STATE_DIR"} \
			sh "$netc_cmd" try-watch "$netc_try_tok" </dev/null >"$NETC_W/err" 2>&1 8<&- 9>&- ||
			sed 's/^/    /' "$NETC_W/err" >&2
	else
		setsid sh "$netc_cmd" try-watch "$netc_try_tok" </dev/null >/dev/null 2>&1 8<&- 9>&- &
	fi
	netc_tries=0
	while :; do
		netc_try_read
		[ -z "$netc_alive" ] || return 0
		[ $netc_tries -lt 50 ] || break
		sleep 0.1 2>/dev/null || sleep 1
		netc_tries=$((netc_tries + 1))
	done
	netc_msg "the watchdog of this try did not start: rolling back now"
	NETC_TRY_BACK=$netc_try_tok
	netc_try_back
	exit 1
}

# The watchdog (setup.sh try-watch TOKEN, started by try): say its pid,
# wait for the deadline, then roll back (netc_try_back) unless the try
# was confirmed.
netc_try_watch() {
	case $1 in
	[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
	*)
		netc_usage >&2
		exit 2
		;;
	esac
	NETC_UID=$(id -u)
	netc_state_dir
	netc_try_read
	[ "$netc_try_tok" = "$1" ] || exit 0
	echo "$$" >"$NETC_STATE/try/pid.new" && mv -f "$NETC_STATE/try/pid.new" "$NETC_STATE/try/pid" || exit 1
	while :; do
		netc_try_read
		[ "$netc_try_tok" = "$1" ] || exit 0
		[ -n "$netc_left" ] && [ "$netc_left" -le 0 ] && break
		sleep 1
	done
	NETC_TRY_BACK=$1
	NETC_SELF=$NETC_STATE/try/script
	netc_run try-back '*' "" ""
	exit 0
}

# Roll back try $NETC_TRY_BACK, with the lock, if it is still pending.
netc_try_back() {
	netc_try_read
	if [ "$netc_try_tok" != "$NETC_TRY_BACK" ]; then
		echo "$NETC_PROG: the try was confirmed; nothing to roll back"
		exit 0
	fi
	NETC_FORCED=1
	if [ -f "$NETC_STATE/try/topo" ]; then
		awk -v kind=topo -v state="$NETC_STATE" -v file="$NETC_STATE/try/topo" \
			"$NETC_AWK_RECORDS" "$NETC_STATE/try/topo" >"$NETC_W/err" 2>&1 ||
			netc_die 1 "refusing to roll back to $NETC_STATE/try/topo (was it edited?):
$(cat "$NETC_W/err")"
		cp "$NETC_STATE/try/topo" "$NETC_W/topo.before"
		NETC_TOPO_FILE=$NETC_W/topo.before
		netc_msg "try: not confirmed: back to the topology that was up before it"
		NETC_VERB=up
		netc_up '*' "" ""
	else
		netc_msg "try: not confirmed: nothing was up before it, taking everything down"
		NETC_VERB=down
		netc_down '*' "" ""
	fi
	rm -rf "$NETC_STATE/try"
}

netc_confirm() {
	[ "$NETC_UID" = 0 ] || netc_die 3 "must run as root (this is uid $NETC_UID)"
	[ -d "$NETC_STATE/try" ] || netc_die 1 "no try is pending: nothing to confirm"
	netc_try_read
	netc_confirm_try "$netc_try_tok"
}

# Keep try $1 (with the lock): its watchdog (its whole session) stops.
netc_confirm_try() {
	netc_try_read
	if [ "$netc_try_tok" != "$1" ]; then
		netc_die 1 "too late: the try was rolled back"
	fi
	rm -rf "$NETC_STATE/try"
	[ -z "$netc_alive" ] || kill -TERM "-$netc_pid" 2>/dev/null || kill -TERM "$netc_pid" 2>/dev/null || :
	echo "$NETC_PROG: confirmed: host $NETC_HOST keeps the topology"
}

# --- the two front doors ---------------------------------------------------

# setup.sh up|try [SECONDS]|confirm|down|status|plan [--force]; no verb is
# a usage error (running the script bare must not move eth0 onto a bridge).
netc_main() {
	netc_init
	case ${1:-} in
	up | try | confirm | down | status | plan) netc_verb=$1 ;;
	try-watch) netc_try_watch "${2:-}" ;;
	-h | --help | help)
		netc_usage
		exit 0
		;;
	*)
		netc_usage >&2
		exit 2
		;;
	esac
	shift
	NETC_SELF=$0
	case $NETC_SELF in
	*/*) ;;
	*) [ -f "$NETC_SELF" ] || NETC_SELF= ;;
	esac
	case $NETC_SELF in
	'' | /*) ;;
	*) NETC_SELF=$PWD/$NETC_SELF ;;
	esac
	[ -z "${NETC_FORCE:-}" ] || [ "$NETC_FORCE" = 0 ] || NETC_FORCED=1
	netc_secs=
	for netc_arg; do
		case $netc_verb:$netc_arg in
		up:--force | try:--force | plan:--force) NETC_FORCED=1 ;;
		try:*[!0-9]* | try:) netc_usage >&2 && exit 2 ;;
		try:*)
			[ -z "$netc_secs" ] || { netc_usage >&2 && exit 2; }
			netc_secs=$netc_arg
			;;
		*) netc_usage >&2 && exit 2 ;;
		esac
	done
	if [ "$netc_verb" = try ]; then
		NETC_TRY_SECS=${netc_secs:-120}
		# (leading zeros: not octal to $(( )))
		while :; do
			case $NETC_TRY_SECS in
			0?*) NETC_TRY_SECS=${NETC_TRY_SECS#0} ;;
			*) break ;;
			esac
		done
		if [ "${#NETC_TRY_SECS}" -gt 6 ] || [ "$NETC_TRY_SECS" -lt 1 ]; then
			netc_die 2 "try: SECONDS must be 1 to 999999, not '$netc_secs'"
		fi
	fi
	netc_run "$netc_verb" '*' "" ""
}

# Xen's network-script convention (upstream Xen's network-bridge):
#   network-bridge start|stop|status [bridge=NAME] [netdev=NIC] [vifnum=N]
#                  [antispoof=yes|no] [VAR=VAL...]
# Without bridge=, netdev= and vifnum=: every network of the host.  bridge=
# selects that network; netdev= the networks it is the uplink (nat:
# outbound, route: gatewaydev) of; both must agree.  vifnum=N, as in Xen
# 3.x, stands for bridge=xenbrN or, when the host has no such network,
# netdev=ethN; a bridge= or netdev= given wins.  bridge=null is a no-op, as
# in Xen.  antispoof=yes turns netc's per-vif anti-spoofing (table bridge
# netc) on for every vif of the networks started, also where the topology
# leaves it off; antispoof=no (Xen's default) leaves the topology's choice.
# Other VAR=VAL arguments are accepted and ignored.
netc_xen_usage() {
	echo "usage: $NETC_PROG start|stop|status [bridge=NAME] [netdev=NIC] [vifnum=N] [antispoof=yes|no] [VAR=VAL...]"
}

netc_xen_main() {
	netc_init
	NETC_XEN=1
	[ -z "${NETC_FORCE:-}" ] || [ "$NETC_FORCE" = 0 ] || NETC_FORCED=1
	case ${1:-} in
	start) netc_verb=up ;;
	stop) netc_verb=down ;;
	status) netc_verb=status ;;
	-h | --help | help)
		netc_xen_usage
		exit 0
		;;
	*)
		netc_xen_usage >&2
		exit 2
		;;
	esac
	shift
	netc_bridge=
	netc_netdev=
	netc_antispoof=
	for netc_arg; do
		case $netc_arg in
		bridge=*) netc_bridge=${netc_arg#bridge=} ;;
		netdev=*) netc_netdev=${netc_arg#netdev=} ;;
		vifnum=*) NETC_VIFNUM=${netc_arg#vifnum=} ;;
		antispoof=*) netc_antispoof=${netc_arg#antispoof=} ;;
		[A-Za-z_]*=*) ;;
		*)
			netc_xen_usage >&2
			exit 2
			;;
		esac
	done
	case $netc_antispoof in
	'' | no) ;;
	yes) NETC_ANTISPOOF=yes ;;
	*) netc_die 2 "antispoof must be yes or no, not '$netc_antispoof'" ;;
	esac
	if [ "$netc_bridge" = null ]; then
		echo "$NETC_PROG: bridge=null: no bridge, nothing to do"
		exit 0
	fi
	case $NETC_VIFNUM in
	*[!0-9]*) netc_die 1 "vifnum '$NETC_VIFNUM' is not a number" ;;
	esac
	for netc_arg in "$netc_bridge" "$netc_netdev"; do
		case $netc_arg in
		*[!A-Za-z0-9_.-]*) netc_die 1 "'$netc_arg' is not an interface name" ;;
		esac
	done
	if [ -n "$netc_bridge$netc_netdev" ]; then
		NETC_VIFNUM=
		netc_run "$netc_verb" "" "$netc_bridge" "$netc_netdev"
	elif [ -n "$NETC_VIFNUM" ]; then
		netc_run "$netc_verb" "" "" ""
	else
		netc_run "$netc_verb" '*' "" ""
	fi
}

# --- the records of the state, parsed ---------------------------------------
#
# Each line of nets, journal, links, sysctl and wal (awk -v kind=FILE) must
# be a record netc writes: a network name; "NAME IFINDEX"; "ip|fdb TAB NET TAB UNDO" with UNDO
# one of the ip or bridge commands plan_net and undo_out write (never
# `netns`, `exec` or other batch text); "sh TAB - TAB OP ARGS" with OP one
# of netc_undo_line's and its files inside the state directory; "PATH VALUE"
# with PATH under /proc/sys/net.  Exit 1, naming the first bad line.
# shellcheck disable=SC2016
NETC_AWK_RECORDS='
function name(x) { return x ~ /^[A-Za-z0-9_.@-]+(:[A-Za-z0-9_.@-]+)?$/ && length(x) <= 64 }
function num(x) { return x ~ /^[0-9]+$/ }
function tok(x) { return x ~ /^[A-Za-z0-9_.:\/,+-]+$/ && x != "netns" && x != "exec" }
function sysctl_path(x) { return x ~ /^net\/[A-Za-z0-9_.\/-]+$/ && ("/" x "/") !~ /\/\.\.?\// && x !~ /\/\// }
function toks(w, a, b,   i) { for (i = a; i <= b; i++) if (!tok(w[i])) return 0; return 1 }
function ipcmd(c,   w, k) {
	if (c !~ /^[^ ]+( [^ ]+)*$/) return 0
	k = split(c, w, " ")
	if (w[1] == "link" && w[2] == "del") return k == 3 && name(w[3])
	if (w[1] == "link" && w[2] == "set") {
		if (!name(w[3])) return 0
		if (k == 4) return w[4] == "nomaster" || w[4] == "down"
		if (k == 5) return (w[4] == "mtu" && num(w[5])) || (w[4] == "address" && w[5] ~ /^[0-9a-f][0-9a-f](:[0-9a-f][0-9a-f])+$/)
		return k == 7 && w[4] == "type" && w[5] == "bridge" && (w[6] == "stp_state" || w[6] == "forward_delay") && num(w[7])
	}
	if ((w[1] == "addr" || w[1] == "route") && (w[2] == "add" || w[2] == "del"))
		return k >= 5 && w[k - 1] == "dev" && name(w[k]) && toks(w, 3, k - 2)
	return 0
}
function fdbcmd(c,   w, k) {
	k = split(c, w, " ")
	return k == 7 && c == "fdb del 00:00:00:00:00:00 dev " w[5] " dst " w[7] && name(w[5]) && tok(w[7])
}
function shcmd(c,   w, k) {
	sub(/ $/, "", c)    # "sysctl PATH " : the sysctl was missing
	if (c !~ /^[^ ]+( [^ ]+)*$/) return 0
	k = split(c, w, " ")
	if (w[1] == "sysctl") return (k == 2 || (k == 3 && w[3] ~ /^-?[0-9]+$/)) && sysctl_path(w[2])
	if (w[1] == "nft-delete") return k == 1
	if (w[1] == "nft-load") return k == 2 && w[2] == state "/wal.d/nft.prev"
	if (w[1] == "dnsmasq-stop" || w[1] == "dnsmasq-start") return k == 2 && name(w[2])
	if (w[1] == "file-remove") return k == 2 && conf(w[2])
	if (w[1] == "file-restore") return k == 3 && conf(w[3]) && w[2] == state "/wal.d/dnsmasq." cname ".prev"
	return 0
}
function conf(x,   n) {
	if (index(x, state "/dnsmasq/") != 1) return 0
	n = substr(x, length(state "/dnsmasq/") + 1)
	if (n !~ /\.conf$/) return 0
	cname = substr(n, 1, length(n) - 5)
	return name(cname)
}
# topo (the records of the topology up applied, $NETC_STATE/topo): net,
# lease and hostvif records as netc writes them, each word in a set of
# characters that can carry no shell, awk, nft or dnsmasq syntax.
function word(x) { return x ~ /^[A-Za-z0-9_.:\/,+@-]+$/ }
function topo_ok(   i, eq) {
	if ($0 ~ /^#/ || $0 ~ /[^ -~]/) return 0
	if ($1 == "net") {
		if (NF < 3 || !name($2) || $3 !~ /^(bridge|isolated|nat|route)$/) return 0
		for (i = 4; i <= NF; i++) { eq = index($i, "="); if (eq < 2 || substr($i, 1, eq - 1) !~ /^[a-z-]+$/ || !word(substr($i, eq + 1))) return 0 }
		return 1
	}
	if ($1 == "lease") return NF == 4 && name($2) && word($3) && word($4)
	if ($1 == "hostvif") return NF == 6 && name($2) && name($3) && word($4) && word($5) && $6 ~ /^antispoof=[01]$/
	return 0
}
function ok(   f, n) {
	if (kind == "topo") return topo_ok()
	if (kind == "nets") return NF == 1 && name($0)
	if (kind == "links") return NF == 2 && $0 == $1 " " $2 && name($1) && num($2)
	if (kind == "sysctl") return $0 ~ /^[^ ]+ -?[0-9]+$/ && sysctl_path(substr($0, 1, index($0, " ") - 1))
	n = split($0, f, "\t")
	if (n != 3) return 0
	if ((f[1] == "ip" || f[1] == "fdb") && f[3] == "-") return name(f[2])   # a step with nothing to undo
	if (f[1] == "ip") return name(f[2]) && ipcmd(f[3])
	if (f[1] == "fdb") return name(f[2]) && fdbcmd(f[3])
	return kind == "wal" && f[1] == "sh" && f[2] == "-" && shcmd(f[3])
}
$0 != "" && !ok() {
	l = $0; gsub(/[^ -~]/, "?", l)
	if (length(l) > 120) l = substr(l, 1, 120) "..."
	print "  " file ":" FNR ": not a record netc writes: " l
	bad = 1; exit 1
}
END { exit bad }
'

# --- the engine proper: one awk program ------------------------------------
#
# Input files, in order: topo (the records above), nets, links ("NAME
# IFINDEX": the links netc made) and a journal (the state, or the undo
# lines of a rollback), link, addr, route4, route6 (the
# `ip -o` listings) and fdb (`bridge fdb show`).  Output files in the work
# directory:
#   missing          preflight problems, one a line: nothing may change
#   usage            network-bridge arguments that name nothing
#   needs            "command why": the commands the plan needs
#   notes            what up says besides its result (a DHCP lease made
#                    permanent on a bridge)
#   addrs            "NET UPLINK ADDRESS GATEWAY DNS RECIPE [HELD]" ("-":
#                    none): how dom0's declared address gets onto each
#                    bridge (own_addr, netc_addr_notes)
#   ip.do, ip.undo   the ip batch and, line for line, "ip TAB NET TAB undo"
#   fdb.do, fdb.undo the same for `bridge -batch`
#   drift            what differs, one a line, for status
#   sysctl           "path value": what the networks up afterwards need
#   nft.rules        the body of table inet netc
#   nft.bridge       the body of table bridge netc (both empty: no tables)
#   dnsmasq.on/.off  networks whose dnsmasq must / must not run, and
#                    dnsmasq.NAME.conf their configurations
#   nets.after       the networks up afterwards; stale: up, not in the topology
#   down.nets, down.ip, down.fdb, down.journal, down.notes   (verb down)
#   rb.ip, rb.fdb    the undo lines whose change is on the host (verb rollback)
# The text is awk's: its $1 and $0 are awk fields, not shell expansions.
# shellcheck disable=SC2016
NETC_AWK='
function out(f, s) { print s > (work "/" f) }
function miss(s) { out("missing", s) }
function need(c, why) { if (!(c in needed)) { needed[c] = 1; out("needs", c " " why) } }
function kv(n, k) { return ((n SUBSEP k) in K) ? K[n, k] : "" }
function has_link(x) { return (x in lkind) }

# A step of the ip batch: the command, its undo ("-": none), and the drift
# that status prints ("": implied by an earlier line).
# ip takes a bare word after "link set" or "link del" for a keyword when it
# can ("n" is "name"): batch lines name the device with "dev".  Commands keep
# the short form everywhere else (the journal, the parsers below).
function ipline(cmd) {
	if (cmd ~ /^link (set|del) / && cmd !~ /^link (set|del) (dev|group) /)
		sub(/^link (set|del) /, "&dev ", cmd)
	return cmd
}

# Steps planned while "late" is set (a bridge going up, and the routes that
# follow it) wait until the other steps of every network are in the batch
# (flush_late): here, a thousand bridges were made some 15% faster going up
# after all were made than going up one by one as each was made.
function step(n, cmd, undo, drift) {
	if (late) {
		nlate++; latedo[nlate] = ipline(cmd); lateundo[nlate] = "ip\t" n "\t" undo
	} else {
		out("ip.do", ipline(cmd)); out("ip.undo", "ip\t" n "\t" undo)
	}
	if (drift != "") out("drift", drift)
}
function flush_late(   i) {
	for (i = 1; i <= nlate; i++) { out("ip.do", latedo[i]); out("ip.undo", lateundo[i]) }
	nlate = 0
}
function fdbstep(n, cmd, undo, drift) {
	out("fdb.do", cmd); out("fdb.undo", "fdb\t" n "\t" undo)
	if (drift != "") out("drift", drift)
}

# --- reading ---

function parse_topo(   i, eq) {
	if ($1 == "net") {
		nnets++; netname[nnets] = $2; isnet[$2] = nnets; mode[$2] = $3
		for (i = 4; i <= NF; i++) { eq = index($i, "="); K[$2, substr($i, 1, eq - 1)] = substr($i, eq + 1) }
	} else if ($1 == "lease") {
		nleases[$2]++; lease[$2, nleases[$2]] = $3 "," $4
	} else if ($1 == "hostvif") {
		i = ++nvifs[$2]; vifdev[$2, i] = $3; vifmac[$2, i] = $4; vifips[$2, i] = $5; guestvif[$3] = 1
		vifas[$2, i] = ($6 == "antispoof=1" || antispoof == "yes")
	}
}

function parse_link(   name, at, i, t, parent) {
	name = $2; sub(/:$/, "", name); at = index(name, "@"); parent = ""
	if (at) { parent = substr(name, at + 1); name = substr(name, 1, at - 1) }
	lkind[name] = "other"; lparent[name] = parent; lmaster[name] = ""; links[++nlinks] = name
	lidx[name] = $1; sub(/:$/, "", lidx[name])
	lup[name] = ($3 ~ /[<,]UP[,>]/)
	for (i = 4; i <= NF; i++) {
		t = $i
		if (t == "group") ingroup[$(i + 1)] = 1
		else if (t == "mtu") lmtu[name] = $(i + 1)
		else if (t == "master") lmaster[name] = $(i + 1)
		else if (t == "link/ether") lmac[name] = $(i + 1)
		else if (t == "bridge" && $(i + 1) == "forward_delay") { lkind[name] = "bridge"; lfd[name] = $(i + 2) }
		else if (t == "stp_state") lstp[name] = $(i + 1)
		else if (t == "vlan" && $(i + 1) == "protocol") { lkind[name] = "vlan"; lvid[name] = $(i + 4) }
		else if (t == "vxlan" && $(i + 1) == "id") { lkind[name] = "vxlan"; lvni[name] = $(i + 2) }
		else if ((t == "macvlan" || t == "macvtap" || t == "ipvlan" || t == "ipvtap") && $(i + 1) == "mode") lkind[name] = t
	}
}

# An address: its text, the attributes that make it again, and whether it
# moves with its uplink (global scope, not a privacy address, not the
# stable-privacy SLAAC address of the kernel, which no ip command makes again:
# it stays, and the bridge makes its own from router advertisements).
function parse_addr(   dev, a, i, t, attrs, scope, lbl, lifes, v, p, movable) {
	dev = $2; a = $4; attrs = ""; scope = "global"; lbl = ""; lifes = ""; movable = 1
	for (i = 5; i <= NF; i++) {
		t = $i
		if (t == "peer" || t == "brd" || t == "metric" || t == "proto") { attrs = attrs " " t " " $(i + 1); i++ }
		else if (t == "scope") { scope = $(i + 1); i++ }
		else if (t == "valid_lft" || t == "preferred_lft") {
			v = $(i + 1); sub(/sec$/, "", v); i++
			if (v != "forever") lifes = lifes " " t " " v
		}
		else if (t == "noprefixroute" || t == "nodad" || t == "home" || t == "mngtmpaddr" || t == "autojoin") attrs = attrs " " t
		else if (t == "temporary" || t == "stable-privacy") movable = 0
		else if (t == "secondary" || t == "dynamic" || t == "permanent" || t == "deprecated" || t == "tentative" || t == "dadfailed" || t == "optimistic" || t == "\\") continue
		else {
			sub(/\\$/, "", t)
			if ($3 == "inet" && t != "") lbl = t
		}
	}
	hasaddr[dev, a] = 1
	# the prefix route the kernel makes for it (not for noprefixroute)
	if (scope != "host" && attrs !~ / noprefixroute/) {
		v = attrs; if (!sub(/.* metric /, "", v)) v = ($3 == "inet6") ? 256 : ""
		sub(/ .*/, "", v)
		kprefix[dev, netof(a), v] = 1
	}
	v = a; sub(/\/.*/, "", v); addrdev[v] = dev
	naddr[dev]++; p = naddr[dev]
	addr[dev, p] = a; aattr[dev, p] = " scope " scope attrs; alife[dev, p] = lifes; alabel[dev, p] = lbl
	amove[dev, p] = movable && scope == "global"
}

# The network of an address, "ADDRESS/LEN" with the host bits cleared, as
# numbers (IPv4 octets, IPv6 groups: no text forms to tell apart); no
# "/LEN": a host route.
function netof(a,   len, fam, g, h, t, n, i, k, out_, bits, v, q, p) {
	len = a; if (!sub(/^[^\/]*\//, "", len)) len = ""
	sub(/\/.*/, "", a)
	if (index(a, ":")) {
		fam = 16; if (len == "") len = 128
		# expand "::" into the zero groups it stands for
		k = index(a, "::")
		if (k) {
			h = substr(a, 1, k - 1); t = substr(a, k + 2)
			n = h == "" ? 0 : split(h, g, ":")
			k = t == "" ? 0 : split(t, q, ":")
			a = h
			for (i = n + k; i < 8; i++) a = a (a == "" ? "" : ":") "0"
			if (t != "") a = a ":" t
		}
		n = split(tolower(a), g, ":")
		for (i = 1; i <= n; i++) g[i] = hexval(g[i])
	} else {
		fam = 8; if (len == "") len = 32
		n = split(a, g, ".")
	}
	out_ = ""; bits = len + 0
	for (i = 1; i <= n; i++) {
		v = g[i] + 0
		if (bits <= 0) v = 0
		else if (bits < fam) { p = 1; for (k = bits; k < fam; k++) p *= 2; v = int(v / p) * p }
		bits -= fam
		out_ = out_ (i > 1 ? "." : "") v
	}
	return out_ "/" len
}
function hexval(s,   i, v) {
	v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}

# A route.  Those of an uplink move to its bridge, except what the kernel
# makes (the local table; proto kernel for an address that is not
# noprefixroute, with the metric the kernel gives it, and IPv6 link-local
# fe80::/64) and what router advertisements made (proto ra: the bridge
# learns its own), the prefix route of a router advertisement included:
# IPv6, proto kernel, with a lifetime (expires).  A proto kernel route of a
# noprefixroute address (as NetworkManager makes) is not one the kernel
# makes again: it moves.
function parse_route(fam,   i, t, dev, spec, skip, kern, m, k, nh, nhdev, mixed, lifed) {
	dev = ""; spec = ""; skip = 0; kern = 0; m = (fam == 6) ? 256 : ""; k = 0; mixed = 0
	# ip -o ends each line of a multipath route with a backslash, then a
	# tab before its next nexthop: the backslashes go (this re-splits $0)
	if (index($0, "nexthop")) gsub(/\\/, " ")
	t = $1
	if (t == "local" || t == "broadcast" || t == "multicast" || t == "anycast" || t == "unreachable" || t == "prohibit" || t == "blackhole" || t == "throw" || t == "nat") return
	if (t == "default" && $0 !~ / table /) defroute[fam] = $0    # (own_route)
	for (i = 1; i <= NF; i++) {
		t = $i
		if (t == "nexthop") { k++; nh[k] = ""; nhdev[k] = ""; continue }
		if (t == "dev") { if (k) nhdev[k] = $(i + 1); else dev = $(i + 1); i++; continue }
		if (t == "proto" && $(i + 1) == "ra") skip = 1
		if (t == "proto" && $(i + 1) == "kernel") kern = 1
		if (t == "metric") m = $(i + 1)
		if (t == "table" && $(i + 1) == "local") skip = 1
		if (t == "linkdown" || t == "dead" || t == "offload" || t == "trap" || t == "rt_offload" || t == "rt_trap" || t == "offload_failed" || t == "rt_offload_failed" || t == "unresolved") continue
		if (t == "expires") { lifed = 1; i++; continue }
		if (k) nh[k] = nh[k] (nh[k] == "" ? "" : " ") t
		else spec = spec (spec == "" ? "" : " ") t
	}
	# A multipath route: each nexthop as "nexthop via G ... dev D", the
	# last one without its "dev D", which is the device of the route (as for
	# any route: "SPEC dev D").  It moves with its uplink when all its
	# nexthops are on it; each nexthop is then on the bridge.
	if (k) {
		dev = nhdev[k]
		for (i = 1; i <= k; i++) {
			if (nhdev[i] != dev) mixed = 1
			spec = spec " nexthop " nh[i] (i < k ? " dev " nhdev[i] : "")
		}
		if (mixed) skip = 1
	}
	if (dev == "") return
	if (kern && fam == 6 && lifed) skip = 1
	if (kern && ((dev SUBSEP netof($1) SUBSEP m) in kprefix || (fam == 6 && netof($1) == netof("fe80::/64")))) skip = 1
	hasroute[dev, spec] = 1
	if (skip) return
	nroute[dev]++; route[dev, nroute[dev]] = spec; rfam[dev, nroute[dev]] = fam
}

# A route of one device as that of another: the devices of the nexthops
# of a multipath route too.
function route_on(spec, from, to) {
	spec = " " spec " "
	while (index(spec, " dev " from " ")) sub(" dev " from " ", " dev " to " ", spec)
	return substr(spec, 2, length(spec) - 2)
}

# A route as a command argument: IPv6 "default" spelled ::/0, so that ip
# knows the family inside a batch (where -6 cannot be given) ...
function route_arg(spec, fam) {
	if (fam == 6) sub(/^default( |$)/, "::/0 ", spec)
	sub(/ $/, "", spec)
	return spec
}
# ... and back, to compare with a listing.
function route_listed(spec) {
	sub(/^::\/0( |$)/, "default ", spec)
	sub(/ $/, "", spec)
	return spec
}

# Journal lines "KIND TAB NET TAB UNDO".  What an earlier run created (link
# del X), put on a bridge (link set X nomaster), and moved off an uplink:
# the undo lines "addr add A ... dev UPLINK" and "route add SPEC dev UPLINK".
function parse_journal(   n, cmd, w, k, up_, a, i) {
	n = $0; sub(/^[^\t]*\t/, "", n); sub(/\t.*/, "", n)
	cmd = $0; sub(/^[^\t]*\t[^\t]*\t/, "", cmd)
	nj++; jline[nj] = $0; jnet[nj] = n; jkind[nj] = $1; jcmd[nj] = cmd; jhas[n, cmd] = 1
	if ($1 != "ip") return
	k = split(cmd, w, " ")
	if (w[1] == "link" && w[2] == "del" && k == 3) created[w[3]] = 1
	if (w[1] == "link" && w[2] == "set" && w[4] == "nomaster") ourport[w[3]] = 1
	up_ = kv(n, "uplink")
	if (up_ == "" || kv(n, "vlan") != "" || w[k - 1] != "dev" || w[k] != up_) return
	if (w[1] == "addr" && w[2] == "add") {
		a = ""
		for (i = 4; i < k - 1; i++) a = a " " w[i]
		gsub(" label " up_ ":", " label " n ":", a)
		if (index(w[3], ":") == 0) gsub(/ (valid|preferred)_lft [0-9]+/, "", a)
		nmoved[n]++; moved[n, nmoved[n]] = w[3]; movedattr[n, nmoved[n]] = a
	} else if (w[1] == "route" && w[2] == "add") {
		a = cmd; sub(/^route add /, "", a); sub(/ dev [^ ]*$/, "", a)
		nmovedr[n]++; movedr[n, nmovedr[n]] = a
	}
}

# --- which networks ---

function netdev_of(n) {
	if (mode[n] == "bridge") return kv(n, "uplink")
	if (mode[n] == "nat") return kv(n, "outbound")
	if (mode[n] == "route") return kv(n, "gatewaydev")
	return ""
}

function select_networks(   i, n, k, names, found) {
	if (sel == "*") { for (i = 1; i <= nnets; i++) selected[netname[i]] = 1; return }
	if (selvifnum != "") {
		# Xen 3.x: vifnum=N means xenbrN, else the networks on ethN
		if (("xenbr" selvifnum) in isnet) { selected["xenbr" selvifnum] = 1; return }
		for (i = 1; i <= nnets; i++) {
			n = netname[i]
			if (netdev_of(n) == "eth" selvifnum || kv(n, "port") == "eth" selvifnum) { selected[n] = 1; found = 1 }
		}
		if (!found) out("usage", "vifnum=" selvifnum ": host " host " has no network xenbr" selvifnum " and none on eth" selvifnum)
		return
	}
	if (selbridge == "" && selnetdev == "") {
		k = split(sel, names, " ")
		for (i = 1; i <= k; i++) selected[names[i]] = 1
		return
	}
	if (selbridge != "" && !(selbridge in isnet)) {
		out("usage", "unknown bridge " selbridge ": host " host " has no such network")
		return
	}
	for (i = 1; i <= nnets; i++) {
		n = netname[i]
		if (selbridge != "" && n != selbridge) continue
		if (selnetdev != "" && netdev_of(n) != selnetdev && kv(n, "port") != selnetdev) continue
		selected[n] = 1; found = 1
	}
	if (found) return
	if (selbridge != "") out("usage", "netdev " selnetdev " does not go with bridge " selbridge " (its netdev is " (netdev_of(selbridge) == "" ? "none" : netdev_of(selbridge)) ")")
	else out("usage", "unknown netdev " selnetdev ": no network of host " host " uses it")
}

# --- preflight ---

# An interface a network relies on: it must exist, or be a bridge this run
# brings up.
function need_iface(n, what, x) {
	if (x == "") return
	if ((x in isnet) && mode[x] != "route" && (x in selected)) return
	if (!has_link(x)) miss("network " n ": " what " " x " does not exist")
}

# What the stale and retire phases free before up makes anything: a link
# netc made that they delete (freedlink), a port they take off a bridge
# of netc (freedport).  Preflight does not hold those against the plan.
function freed(x) { return (x in freedlink) }
function port_freed(p) { return (p in freedport) || (lmaster[p] in freedlink) }

function preflight(n,   br, up_, port, vlan, vx) {
	br = n; up_ = kv(n, "uplink"); port = kv(n, "port"); vlan = kv(n, "vlan"); vx = kv(n, "vxlan")
	need_iface(n, "outbound", kv(n, "outbound"))
	need_iface(n, "gatewaydev", kv(n, "gatewaydev"))
	# the vif-route of Xen brings each routed vif up with ifconfig (net-tools)
	if (mode[n] == "route") need("ifconfig", "the vif-route of Xen runs it for every guest on " n "; install net-tools")
	if (mode[n] == "route") return
	need_iface(n, "uplink", up_)
	if (has_link(br) && lkind[br] != "bridge" && !freed(br))
		miss("network " n ": " br " exists and is not a bridge")
	if (port != "" && has_link(port) && lmaster[port] != "" && lmaster[port] != br && !port_freed(port))
		miss("network " n ": " port " is already a port of " lmaster[port])
	if (port != "" && has_link(port) && lmaster[port] != br) uppers(n, br, port)
	if (vlan != "" && has_link(port) && !freed(port) && (lkind[port] != "vlan" || lvid[port] != vlan || lparent[port] != up_))
		miss("network " n ": " port " exists and is not VLAN " vlan " of " up_)
	if (vx != "" && has_link(vx) && !freed(vx) && (lkind[vx] != "vxlan" || lvni[vx] != kv(n, "vni")))
		miss("network " n ": " vx " exists and is not VXLAN " kv(n, "vni"))
	if (vx != "" && has_link(vx) && lmaster[vx] != "" && lmaster[vx] != br && !port_freed(vx))
		miss("network " n ": " vx " is already a port of " lmaster[vx])
	if (vx != "") vxlan_mtu(n, vx)
	if (mode[n] == "isolated" || mode[n] == "nat") need("nft", "for the firewall rules of " n)
	if (kv(n, "dhcp") != "") need("dnsmasq", "for DHCP on " n)
	if (kv(n, "remote") != "") need("bridge", "for the VXLAN flood entries of " n)
}

# A macvlan, macvtap or ipvlan device holds the receive handler of its
# lower device, which a bridge port needs: the kernel refuses the port
# (EBUSY) once the run is under way.  Named here, before any change.
function uppers(n, br, port,   i, l, s) {
	for (i = 1; i <= nlinks; i++) {
		l = links[i]
		if (lparent[l] == port && lkind[l] ~ /^(macv|ipv)(lan|tap)$/) s = s (s == "" ? "" : ", ") l " (" lkind[l] ")"
	}
	if (s != "") miss("network " n ": " port " carries " s ": the kernel refuses a device with such uppers as a bridge port (EBUSY); delete them, or make them on " br " once it is up")
}

# A VXLAN frame is the frame of the guest plus 50 bytes of headers over IPv4
# (70 over IPv6): the interface that holds the underlay address must carry
# the mtu of the network plus that, or big frames vanish without an error.
function vxlan_mtu(n, vx,   loc, dev, over, mtu) {
	loc = kv(n, "local"); mtu = kv(n, "mtu")
	if (loc == "") return
	if (!(loc in addrdev)) { miss("network " n ": no interface holds the underlay address " loc " of host " host " (" vx " sends from it)"); return }
	dev = addrdev[loc]; over = index(loc, ":") ? 70 : 50
	if (mtu != "" && mtu + over > lmtu[dev] + 0)
		miss("network " n ": mtu " mtu " + " over " (VXLAN over IPv" (over == 70 ? 6 : 4) ") is " mtu + over ", above the mtu " lmtu[dev] " of " dev ", which holds the underlay address " loc " (raise the mtu of " dev " to " mtu + over ", or lower that of " n " to " lmtu[dev] - over ")")
}

# --- the link work of one network, in the order it must happen ---

function plan_net(n,   lease4, br, up_, port, vlan, stp, fd, mtu, mac, newbr, newport, i, a, s, ad, vx, newvx, nr, rem, j, spec, lst) {
	if (mode[n] == "route") return
	br = n; up_ = kv(n, "uplink"); port = kv(n, "port"); vlan = kv(n, "vlan")
	stp = kv(n, "stp"); fd = kv(n, "forward-delay"); mtu = kv(n, "mtu")
	mac = (up_ != "" && (up_ in lmac)) ? lmac[up_] : ""

	# The bridge and its settings.  It takes the uplink MAC, so that the
	# LAN sees no new one.
	if (!has_link(br)) {
		s = "link add name " br
		if (mac != "") s = s " address " mac
		s = s " type bridge stp_state " stp
		if (fd != "") s = s " forward_delay " fd * 100
		step(n, s, "link del " br, br ": bridge missing" gone_since(br))
		# An mtu given to link add is not "set by the user" to the kernel,
		# which would then lower it to that of the smallest port (a vif with
		# a smaller mtu); set separately, it stays.
		if (mtu != "")
			step(n, "link set " br " mtu " mtu, "-", "")
		newbr = 1
	} else {
		if (lstp[br] != stp && !(stp == 1 && lstp[br] == 2))
			step(n, "link set " br " type bridge stp_state " stp, "link set " br " type bridge stp_state " lstp[br], br ": stp_state " lstp[br] ", want " stp)
		if (fd != "" && lfd[br] != fd * 100)
			step(n, "link set " br " type bridge forward_delay " fd * 100, "link set " br " type bridge forward_delay " lfd[br], br ": forward_delay " lfd[br] / 100 " s, want " fd " s")
		if (mtu != "" && lmtu[br] != mtu)
			step(n, "link set " br " mtu " mtu, "link set " br " mtu " lmtu[br], br ": mtu " lmtu[br] ", want " mtu)
		if (mac != "" && lmac[br] != mac)
			step(n, "link set " br " address " mac, "link set " br " address " lmac[br], br ": MAC " lmac[br] ", want that of " up_ ", " mac)
	}

	# The port: the uplink itself, or the VLAN device on it.
	if (port != "") {
		if (vlan != "") {
			if (!lup[up_]) step(n, "link set " up_ " up", "link set " up_ " down", up_ ": down")
			if (!has_link(port)) {
				step(n, "link add link " up_ " name " port " type vlan id " vlan, "link del " port, port ": missing (VLAN " vlan " of " up_ ")" gone_since(port))
				newport = 1
			}
		} else {
			# Addresses and routes leave the uplink (routes first, those
			# through a gateway before those to the link the gateway is
			# on, then addresses newest first) to come back on the
			# bridge; the undo, in reverse, restores the link routes
			# before the gateways that need them.
			for (j = 1; j >= 0; j--) for (i = nroute[up_]; i >= 1; i--) if (viagw(route[up_, i]) == j) {
				spec = route_arg(route[up_, i], rfam[up_, i])
				step(n, "route del " spec " dev " up_, "route add " spec " dev " up_, up_ ": route \"" route[up_, i] "\" belongs on " br)
			}
			for (i = naddr[up_]; i >= 1; i--) if (amove[up_, i]) {
				step(n, "addr del " addr[up_, i] " dev " up_, "addr add " addr[up_, i] uplink_attrs(up_, i) " dev " up_, up_ ": holds " addr[up_, i] ", which belongs on " br)
				if (dynamic4(up_, i)) {
					out("notes", "note: " addr[up_, i] " on " up_ " is a DHCP lease (" substr(alife[up_, i], 2) "): on " br " it is permanent, so that it cannot expire; down puts it back on " up_ " with that lifetime")
					lease4 = 1
				}
			}
			if (lease4) out("notes", "note: run the DHCP client on " br ", not on " up_ ": ifupdown `iface " br " inet dhcp` with `bridge_ports " up_ "`, systemd-networkd `DHCP=yes` in the .network of " br " (docs/host-script.md)")
		}
		if (lmaster[port] != br) {
			step(n, "link set " port " master " br, "link set " port " nomaster", newport ? "" : port ": not a port of " br)
			out("ports", port " " br)
		}
		if (newport || !lup[port])
			step(n, "link set " port " up", newport ? "-" : "link set " port " down", newport ? "" : port ": down")
		if (vlan == "") {
			for (i = 1; i <= naddr[up_]; i++) if (amove[up_, i] && !((br SUBSEP addr[up_, i]) in hasaddr))
				step(n, "addr add " addr[up_, i] bridge_attrs(up_, i, br) " dev " br, "addr del " addr[up_, i] " dev " br, "")
			# What an earlier run moved and is on neither side now.
			for (i = 1; i <= nmoved[n]; i++) {
				a = moved[n, i]
				if ((br SUBSEP a) in hasaddr || (up_ SUBSEP a) in hasaddr) continue
				step(n, "addr add " a movedattr[n, i] " dev " br, "addr del " a " dev " br, br ": lacks " a " (netc moved it from " up_ ")")
			}
		}
	}

	# The VXLAN device that joins this bridge to the other hosts.
	vx = kv(n, "vxlan")
	if (vx != "") {
		if (!has_link(vx)) {
			s = "link add name " vx (mtu != "" ? " mtu " mtu : "") " type vxlan id " kv(n, "vni")
			if (kv(n, "local") != "") s = s " local " kv(n, "local")
			s = s " dstport " kv(n, "dstport")
			step(n, s, "link del " vx, vx ": VXLAN device missing" gone_since(vx))
			newvx = 1
		} else if (mtu != "" && lmtu[vx] != mtu)
			step(n, "link set " vx " mtu " mtu, "link set " vx " mtu " lmtu[vx], vx ": mtu " lmtu[vx] ", want " mtu)
		if (lmaster[vx] != br)
			step(n, "link set " vx " master " br, "link set " vx " nomaster", newvx ? "" : vx ": not a port of " br)
		if (newvx || !lup[vx])
			step(n, "link set " vx " up", newvx ? "-" : "link set " vx " down", newvx ? "" : vx ": down")
		nr = split(kv(n, "remote"), rem, ",")
		for (j = 1; j <= nr; j++) if (!((vx SUBSEP rem[j]) in hasfdb))
			fdbstep(n, "fdb append 00:00:00:00:00:00 dev " vx " dst " rem[j], "fdb del 00:00:00:00:00:00 dev " vx " dst " rem[j], vx ": no flood entry for remote " rem[j])
	}

	# The vifs of running guests that are on no bridge: the bridge
	# was made again while their guests ran (after a crash, a down, an
	# edit), which took them off it.  Put back as vif-bridge put them.
	reattach(n, br, mtu)

	# The address dom0 has on the bridge.
	ad = kv(n, "address")
	if (ad != "" && !((br SUBSEP ad) in hasaddr) && !newbr && ((n SUBSEP "addr del " ad " dev " br) in jhas))
		out("notes", "note: " ad " on " br " was removed since netc added it; added again")
	if (ad != "" && !((br SUBSEP ad) in hasaddr))
		step(n, "addr add " ad (index(ad, ":") ? "" : " brd +") " dev " br, "addr del " ad " dev " br, br ": lacks address " ad)

	late = 1
	if (newbr || !lup[br])
		step(n, "link set " br " up", newbr ? "-" : "link set " br " down", newbr ? "" : br ": down")
	# (after the bridge is up: undone before it goes down, which would take
	# an IPv6 address with it)
	if (kv(n, "nicaddr") != "" && port != "" && vlan == "") own_addr(n, br, up_)

	# Routes come back on the bridge once it is up.
	if (port != "" && vlan == "") {
		for (j = 0; j <= 1; j++) for (i = 1; i <= nroute[up_]; i++) if (viagw(route[up_, i]) == j) {
			if ((br SUBSEP route_on(route[up_, i], up_, br)) in hasroute) continue
			spec = route_arg(route_on(route[up_, i], up_, br), rfam[up_, i])
			step(n, "route add " spec " dev " br, "route del " spec " dev " br, "")
		}
		for (j = 0; j <= 1; j++) for (i = 1; i <= nmovedr[n]; i++) if (viagw(movedr[n, i]) == j) {
			spec = route_on(movedr[n, i], up_, br); lst = route_listed(spec)
			if ((br SUBSEP lst) in hasroute || (up_ SUBSEP route_listed(movedr[n, i])) in hasroute) continue
			step(n, "route add " spec " dev " br, "route del " spec " dev " br, br ": lacks route \"" lst "\" (netc moved it from " up_ ")")
		}
		own_route(n, br, up_)
	}
	late = 0
}

# The own addressing of dom0 (docs/host-script.md, bridge mode: recipes
# (a) and (b)): the address of the uplink as the topology declares it
# (nicaddr=, the map form of a NIC), with its gateway.  Recipe (a): the
# distribution configures the uplink, and its addresses move to the bridge
# as above.  Recipe (b): the
# uplink holds no address of that family and none was moved from it: the
# bridge gets the declared one.  recipe[n] says which, for the notes
# (netc_addr_notes): a, b, other (the uplink holds another address of the
# family: it moves, the declared one is not added), a-done, b-done (the
# bridge holds it, moved there by an earlier run or not).
function own_addr(n, br, up_,   a, v6, i, other, wasmoved) {
	a = kv(n, "nicaddr"); v6 = index(a, ":") > 0
	for (i = 1; i <= nmoved[n]; i++) {
		if (moved[n, i] == a) wasmoved = 1
		else if ((index(moved[n, i], ":") > 0) == v6) other = moved[n, i]
	}
	# (one an earlier run moved is made again above, if it is missing)
	if (wasmoved || (br SUBSEP a) in hasaddr) { recipe[n] = wasmoved ? "a-done" : "b-done"; owned[n] = 1 }
	else if ((up_ SUBSEP a) in hasaddr) { recipe[n] = "a"; owned[n] = 1 }
	else {
		for (i = 1; i <= naddr[up_]; i++) if (amove[up_, i] && (index(addr[up_, i], ":") > 0) == v6) other = addr[up_, i]
		if (other != "") recipe[n] = "other " other
		else {
			recipe[n] = "b"; owned[n] = 1
			step(n, "addr add " a (v6 ? "" : " brd +") " dev " br, "addr del " a " dev " br, br ": lacks address " a " (of " up_ " in the topology, which " up_ " does not hold)")
		}
	}
	out("addrs", n " " up_ " " a " " (kv(n, "gateway") == "" ? "-" : kv(n, "gateway")) " " (kv(n, "nicdns") == "" ? "-" : kv(n, "nicdns")) " " recipe[n])
}

# The default route through the declared gateway, once the bridge holds
# (or gets) the declared address, where the main table has no default
# route of its family (one of the uplink moves with it: recipe (a)).
function own_route(n, br, up_,   g, fam, spec) {
	g = kv(n, "gateway")
	if (g == "" || !owned[n]) return
	fam = index(g, ":") ? 6 : 4
	if (fam in defroute) {
		if (recipe[n] == "b") out("notes", "note: " br ": the host has a default route already (" defroute[fam] "): netc adds none through " g ", the gateway of " up_)
		return
	}
	# (IPv6: as the kernel lists it, so that down finds it on a bridge it keeps)
	spec = route_arg("default via " g (fam == 6 ? " metric 1024 pref medium" : ""), fam)
	step(n, "route add " spec " dev " br, "route del " spec " dev " br, br ": no default route (the gateway of " up_ " in the topology is " g ")")
}

# vif-bridge (online) takes a new vif down, gives it MAC fe:ff:ff:ff:ff:ff,
# flushes its addresses, sets its mtu (mtu= of the vif in the xl file, else
# that of the bridge), makes it a port of the bridge and takes it up.  A
# vif whose bridge was deleted keeps that MAC, no addresses, its mtu, and
# stays up (deleting a bridge leaves its ports as they were): it lacks the
# master, and the up if someone took it down.  Its mtu is set only when the
# network has one (netc writes it as mtu= of the vif) and the vif differs;
# without one the bridge follows the smallest of its ports.  Taking it down
# first, as vif-bridge does, would only drop its carrier.  Each step has
# the undo that puts back what was there, so down leaves the vif off the
# bridge, as losing the bridge left it.  A vif on another master was put
# there by someone else: named, left alone.
function reattach(n, br, mtu,   j, v) {
	for (j = 1; j <= nvifs[n]; j++) {
		v = vifdev[n, j]
		if (!has_link(v) || lmaster[v] == br) continue
		if (lmaster[v] != "") {
			out("notes", "note: " v " (a vif of network " n ") is a port of " lmaster[v] ", not of " br "; left there")
			continue
		}
		if (mtu != "" && lmtu[v] != mtu)
			step(n, "link set " v " mtu " mtu, "link set " v " mtu " lmtu[v], "")
		step(n, "link set " v " master " br, "link set " v " nomaster", v ": vif of a running guest, not a port of " br " (the guest is cut off)")
		if (!lup[v])
			step(n, "link set " v " up", "link set " v " down", v ": down")
	}
}

# Whether a route goes through a gateway (one nexthop or several), which
# the kernel accepts only once a route to the link of the gateway is there.
function viagw(spec) { return (" " spec " ") ~ / via / }

# The journal marks what netc made: a device it made that is gone was
# removed behind its back.
function gone_since(x) { return (x in created) ? " (netc made it; removed since)" : "" }

# An uplink address made again on the bridge: a label UPLINK:x becomes
# BRIDGE:x (a label must start with its device name; longer than 15: none).
# An IPv4 address with a lifetime is a DHCP lease: on the bridge it is
# permanent (dynamic4), since the client that renews it stays on the
# uplink and the kernel would drop it, and the routes with it, when the
# lease ran out.  An IPv6 one keeps its lifetime: router advertisements
# reach the bridge, which renews its own.
function bridge_attrs(dev, p, br,   a, l) {
	a = aattr[dev, p]; l = alabel[dev, p]
	if (!dynamic4(dev, p)) a = a alife[dev, p]
	if (l != "" && l != dev && index(l, dev ":") == 1) {
		l = br substr(l, length(dev) + 1)
		if (length(l) <= 15) a = a " label " l
	}
	return a
}
function dynamic4(dev, p) { return alife[dev, p] != "" && index(addr[dev, p], ":") == 0 }
function uplink_attrs(dev, p,   a, l) {
	a = aattr[dev, p] alife[dev, p]; l = alabel[dev, p]
	if (l != "" && l != dev) a = a " label " l
	return a
}

# --- firewall, sysctls, dnsmasq for the networks up afterwards ---

# One nft chain of N rules (none: no chain), with a policy of accept, into F.
function nft_chain(f, name, type, rules, n,   i) {
	if (!n) return
	print "\tchain " name " {\n\t\ttype " type "; policy accept;" > f
	for (i = 1; i <= n; i++) print rules[i] > f
	print "\t}" > f
}

# Two tables, loaded together (netc_nft).  inet netc: one forward chain,
# one postrouting chain, one prerouting chain.  bridge netc: per-vif
# anti-spoofing, and the mark that tells bridged frames from routed ones.
#
# forward (inet, priority filter): each network matches its own bridge
# name only, and first accepts what stays on its bridge: with br_netfilter
# loaded, bridged frames reach this hook with iif = oif = the bridge, and
# guests on one bridge must keep talking.  What a nat bridge forwards comes
# from its subnet; what a route vif forwards, from its ips.  When netc
# turned ip_forward on (fwdorig 0), routing is for the networks of netc only:
# the nat and route paths are accepted by name, frames that the chain
# forward of table bridge netc marked (bridged, not routed: br_netfilter)
# pass, and every other IPv4 packet is dropped, so the LAN does not reach
# an unrelated NIC.
# When forwarding was on before netc (a Docker host), nothing but the
# rules naming the interfaces of netc is added.
#
# prerouting (inet, priority filter): a route vif with anti-spoofing sends
# from its ips only, to dom0 too (route vifs are not bridge ports).
#
# bridge netc prerouting (priority filter, before the hook of br_netfilter at
# 0): per bridge port (iifname: the backend names are known at compile
# time, so the rules stand before the guest exists), a vif sends only from
# its MAC (the Ethernet source and the ARP sender), and where it declares
# ips only from them (IPv4 source, ARP sender address; 0.0.0.0 for DHCP
# and ARP probes).  bridge netc forward (priority filter): marks bridged
# frames (NETC_BRIDGED, 0x10000000), which the inet forward chain clears.
function nft_rules(   i, j, n, f, nfw, nnat, npre, nbr, fw, nat, pre, br, bfw, fwd, restrict, ips, dev, bl, mac, hex, set, out_, gw, rv, nrv) {
	f = work "/nft.rules"; nfw = nnat = npre = nbr = 0
	for (i = 1; i <= nnets; i++) {
		n = netname[i]
		if ((n in after) && (mode[n] == "nat" || mode[n] == "route")) fwd = 1
	}
	restrict = fwd && fwdorig == "0"
	if (restrict) {
		fw[++nfw] = "\t\t# bridged, not routed (marked by table bridge netc)"
		fw[++nfw] = "\t\tmeta mark & 0x10000000 == 0x10000000 meta mark set meta mark & 0xefffffff accept"
	}
	for (i = 1; i <= nnets; i++) {
		n = netname[i]
		if (!(n in after)) continue
		if (mode[n] == "isolated") {
			fw[++nfw] = "\t\t# " n " (isolated): nothing forwarded between it and any other interface"
			fw[++nfw] = "\t\tiifname \"" n "\" oifname \"" n "\" accept"
			fw[++nfw] = "\t\tiifname \"" n "\" drop"
			fw[++nfw] = "\t\toifname \"" n "\" drop"
		} else if (mode[n] == "nat") {
			out_ = kv(n, "outbound")
			fw[++nfw] = "\t\t# " n " (nat): from other interfaces only replies come in; out only from its subnet"
			fw[++nfw] = "\t\tiifname \"" n "\" oifname \"" n "\" accept"
			fw[++nfw] = "\t\toifname \"" n "\" ct state established,related accept"
			fw[++nfw] = "\t\toifname \"" n "\" drop"
			fw[++nfw] = "\t\tiifname \"" n "\" ip saddr != " kv(n, "subnet") " drop"
			if (restrict) fw[++nfw] = "\t\tiifname \"" n "\" oifname \"" out_ "\" ip saddr " kv(n, "subnet") " accept"
			nat[++nnat] = "\t\t# " n " (nat): its subnet leaves masqueraded by " out_
			nat[++nnat] = "\t\toifname \"" out_ "\" ip saddr " kv(n, "subnet") " masquerade"
		} else if (mode[n] == "route") {
			gw = kv(n, "gatewaydev"); rv = ""; nrv = 0
			fw[++nfw] = "\t\t# " n " (route): a vif forwards only from the ips vif-route routes to it"
			for (j = 1; j <= nvifs[n]; j++) {
				dev = vifdev[n, j]; ips = vifips[n, j]
				if (ips == "-") continue
				rv = rv (nrv++ ? ", " : "") "\"" dev "\""
				set = nftset(ips)
				fw[++nfw] = "\t\tiifname \"" dev "\" ip saddr != " set " drop"
				if (vifas[n, j]) {
					pre[++npre] = "\t\t# " n ": vif " dev " sends only from its ips"
					pre[++npre] = "\t\tiifname \"" dev "\" ip saddr != " nftset(ips ",0.0.0.0") " drop"
				}
			}
			if (restrict && nrv) {
				rv = "{ " rv " }"
				fw[++nfw] = "\t\tiifname " rv " oifname \"" gw "\" accept"
				fw[++nfw] = "\t\tiifname \"" gw "\" oifname " rv " accept"
				fw[++nfw] = "\t\tiifname " rv " oifname " rv " accept"
			}
		} else if (restrict) {
			fw[++nfw] = "\t\tiifname \"" n "\" oifname \"" n "\" accept"
		}
		if (mode[n] == "route") continue
		for (j = 1; j <= nvifs[n]; j++) {
			if (!vifas[n, j]) continue
			dev = vifdev[n, j]; mac = vifmac[n, j]; ips = vifips[n, j]
			if (mac == "-" && ips == "-") continue
			br[++nbr] = "\t\t# " n ": vif " dev " sends only from " (mac == "-" ? "" : mac) (mac != "-" && ips != "-" ? " and " : "") (ips == "-" ? "" : ips)
			if (mac != "-") {
				br[++nbr] = "\t\tiifname \"" dev "\" ether saddr != " mac " drop"
				br[++nbr] = "\t\tiifname \"" dev "\" arp saddr ether != " mac " drop"
				# ND: the link-layer address option of a solicitation (1)
				# or advertisement (2), first after the target
				hex = mac; gsub(/:/, "", hex); hex = "0x" hex
				br[++nbr] = "\t\tiifname \"" dev "\" icmpv6 type nd-neighbor-solicit @th,192,16 0x0101 @th,208,48 != " hex " drop"
				br[++nbr] = "\t\tiifname \"" dev "\" icmpv6 type nd-neighbor-advert @th,192,16 0x0201 @th,208,48 != " hex " drop"
			}
			if (ips != "-") {
				set = nftset(ips ",0.0.0.0")
				br[++nbr] = "\t\tiifname \"" dev "\" arp saddr ip != " set " drop"
				br[++nbr] = "\t\tiifname \"" dev "\" ip saddr != " set " drop"
			}
		}
	}
	if (restrict) {
		fw[++nfw] = "\t\t# netc turned ip_forward on: IPv4 routing is for its networks only"
		fw[++nfw] = "\t\tmeta nfproto ipv4 drop"
	}
	printf "" > f
	nft_chain(f, "forward", "filter hook forward priority filter", fw, nfw)
	nft_chain(f, "postrouting", "nat hook postrouting priority srcnat", nat, nnat)
	nft_chain(f, "prerouting", "filter hook prerouting priority filter", pre, npre)
	bl = work "/nft.bridge"; printf "" > bl
	nft_chain(bl, "prerouting", "filter hook prerouting priority filter", br, nbr)
	if (restrict) {
		bfw[1] = "\t\t# bridged: the inet forward chain lets it pass (br_netfilter)"
		bfw[2] = "\t\tmeta mark set meta mark | 0x10000000"
		nft_chain(bl, "forward", "filter hook forward priority filter", bfw, 2)
	}
	close(bl)
	if ((nfw || nnat || npre || nbr) && verb != "down") need("nft", "for the firewall rules")
}

# "a,b/28" as an nft set "{ a, b/28 }".
function nftset(l,   s) { s = l; gsub(/,/, ", ", s); return "{ " s " }" }

function sysctls(   i, n, fwd, f, gw, seen) {
	f = work "/sysctl"; printf "" > f
	for (i = 1; i <= nnets; i++) {
		n = netname[i]
		if (!(n in after)) continue
		if (mode[n] == "nat" || mode[n] == "route") fwd = 1
		gw = kv(n, "gatewaydev")
		if (mode[n] == "route" && !(gw in seen)) {
			seen[gw] = 1
			print "net/ipv4/conf/" gw "/proxy_arp 1" > f
		}
	}
	if (fwd) print "net/ipv4/ip_forward 1" > f
}

# DNS: without a dns key, none (port=0, and dnsmasq then hands out no
# server); dns=A,B hands those out; dns=self answers on the address of the
# bridge (0.0.0.0 in an option: the address of dnsmasq there) and forwards
# to the resolvers of dom0, without serving the /etc/hosts of dom0.
function dnsmasq_conf(n,   f, i, dns, lt) {
	f = work "/dnsmasq." n ".conf"; dns = kv(n, "dns"); lt = kv(n, "lease")
	print "# dnsmasq for network " n " of host " host ", written by the netc host script" > f
	if (dns == "self") {
		print "# DHCP, and DNS forwarded to the resolvers of dom0; on this bridge only." > f
		print "no-hosts" > f
	} else {
		print "# DHCP only (port=0: no DNS), on this bridge only." > f
		print "port=0" > f
	}
	print "interface=" n > f
	print "bind-interfaces" > f
	print "except-interface=lo" > f
	print "dhcp-range=" kv(n, "dhcp") (lt != "" ? "," lt : "") > f
	print "dhcp-authoritative" > f
	if (mode[n] != "nat") print "dhcp-option=option:router" > f
	if (dns == "self") print "dhcp-option=option:dns-server,0.0.0.0" > f
	else if (dns != "") print "dhcp-option=option:dns-server," dns > f
	for (i = 1; i <= nleases[n]; i++) print "dhcp-host=" lease[n, i] > f
	print "dhcp-leasefile=" state "/dnsmasq/" n ".leases" > f
	print "pid-file=" state "/dnsmasq/" n ".pid" > f
	close(f)
}

# --- undoing: is the change an undo line reverts already gone? ---

function undone(cmd,   w, k, x, a, spec) {
	k = split(cmd, w, " ")
	if (w[1] == "link" && w[2] == "del") return !has_link(w[3])
	if (w[1] == "link" && w[2] == "set") {
		if (!has_link(w[3])) return 1
		if (w[4] == "nomaster") return lmaster[w[3]] == ""
		return 0
	}
	if (w[1] == "addr") {
		x = w[k]; a = w[3]
		if (w[2] == "del") return !((x SUBSEP a) in hasaddr)
		return !has_link(x) || ((x SUBSEP a) in hasaddr)
	}
	if (w[1] == "route") {
		x = w[k]; spec = cmd; sub(/^route (add|del) /, "", spec); sub(/ dev [^ ]*$/, "", spec)
		spec = route_listed(spec)
		if (w[2] == "del") return !((x SUBSEP spec) in hasroute)
		return !has_link(x) || ((x SUBSEP spec) in hasroute)
	}
	if (w[1] == "fdb") return !((w[5] SUBSEP w[7]) in hasfdb)
	return 0
}

# Undo lines into a batch file.  Deleting a link waits for the kernel
# (some 30 ms a bridge): the links to delete join one unused link group
# where they stand and go in one `link del group` at the end, which the
# kernel does in one go.  Nothing an undo line does needs them gone sooner.
function undo_out(f, kind, cmd,   w) {
	if (kind == "fdb") { out(f ".fdb", cmd); return }
	split(cmd, w, " ")
	if (w[1] == "link" && w[2] == "del") {
		if (!delgroup) for (delgroup = 1852142691; delgroup in ingroup; delgroup++) ;
		cmd = "link set " w[3] " group " delgroup
		ndel++
	}
	out(f ".ip", ipline(cmd))
}
function undo_end(f) { if (ndel) out(f ".ip", "link del group " delgroup) }

# --- retiring: what an edit of the topology no longer wants ---

function isvif(n, x,   j) {
	for (j = 1; j <= nvifs[n]; j++) if (vifdev[n, j] == x) return 1
	return 0
}

# A backend vif (vif-bridge gives each the MAC fe:ff:ff:ff:ff:ff) on n
# that netc put back there (reattach) and that is no longer a vif of n:
# its guest runs, and where vif-bridge had put it netc would leave it, so
# it stays, with a note; down takes it off with the rest.
function oldvif(n, x) {
	if (isvif(n, x) || !has_link(x) || lmaster[x] != n || lmac[x] != "fe:ff:ff:ff:ff:ff") return 0
	if (!(x in keptvif)) { keptvif[x] = 1; out("notes", "note: " x " is on " n " (netc put it back there), and the topology no longer has it there; left there, as a vif vif-bridge attached would be (down takes it off with the rest)") }
	return 1
}

# Does network n, as the topology has it now, still want the change whose
# undo is the journal line cmd?  (The keys of the topology: uplink, port, vlan,
# vxlan, vni, address, remote, the vifs of n.)
function wanted(n, cmd,   w, k, x, up_, port, vlan, vx, i, spec, nr, rem, j, g) {
	if (cmd == "-") return 1
	k = split(cmd, w, " ")
	up_ = kv(n, "uplink"); port = kv(n, "port"); vlan = kv(n, "vlan"); vx = kv(n, "vxlan")
	if (w[1] == "fdb") {
		if (vx == "" || w[5] != vx) return 0
		nr = split(kv(n, "remote"), rem, ",")
		for (j = 1; j <= nr; j++) if (rem[j] == w[7]) return 1
		return 0
	}
	if (w[1] == "link") {
		x = w[3]
		if (w[2] == "del") {
			if (x == n) return mode[n] != "route"
			if (port != "" && x == port && vlan != "") return !has_link(x) || (lkind[x] == "vlan" && lvid[x] == vlan && lparent[x] == up_)
			if (vx != "" && x == vx) return !has_link(x) || (lkind[x] == "vxlan" && lvni[x] == kv(n, "vni"))
			return 0
		}
		if (mode[n] == "route") return 0
		if (oldvif(n, x)) return 1
		if (w[4] == "nomaster") return (port != "" && x == port) || (vx != "" && x == vx) || isvif(n, x)
		return x == n || (port != "" && x == port) || (up_ != "" && x == up_) || (vx != "" && x == vx) || isvif(n, x)
	}
	x = w[k]
	# moved off the uplink: wanted while it is the uplink (not the parent of a VLAN)
	if (w[2] == "add") return up_ != "" && port != "" && vlan == "" && x == up_ && mode[n] != "route"
	if (x != n || mode[n] == "route") return 0
	if (w[1] == "addr") {
		if (w[3] == kv(n, "address")) return 1
		# the address of the uplink in the topology (recipe (b): own_addr)
		if (port != "" && vlan == "" && w[3] == kv(n, "nicaddr")) return 1
		for (i = 1; i <= nmoved[n]; i++) if (moved[n, i] == w[3]) return 1
		return 0
	}
	spec = cmd; sub(/^route del /, "", spec); sub(/ dev [^ ]*$/, "", spec)
	for (i = 1; i <= nmovedr[n]; i++) if (route_on(movedr[n, i], up_, n) == spec) return 1
	# the default route through its gateway (own_route)
	g = kv(n, "gateway")
	if (g != "" && port != "" && vlan == "" && rspec(cmd) == "default via " g (index(g, ":") ? " metric 1024 pref medium" : "")) return 1
	return 0
}

# The route of a journal line "route add|del SPEC dev X", as listed.
function rspec(cmd) { sub(/^route (add|del) /, "", cmd); sub(/ dev [^ ]*$/, "", cmd); return route_listed(cmd) }

# What status says of an unwanted change still on the host.
function retire_drift(n, cmd,   w, k, x) {
	k = split(cmd, w, " ")
	if (w[1] == "fdb") return w[5] ": flood entry for remote " w[7] ", which network " n " no longer has"
	x = (w[1] == "link") ? w[3] : w[k]
	if (w[1] == "link" && w[2] == "del") return x ": made by netc for network " n ", which no longer has it"
	if (w[1] == "link" && w[4] == "nomaster")
		return x ": a port of " lmaster[x] ", put there by netc; network " n " no longer has it"
	if (w[1] == "link") return x ": netc changed it for network " n ", which no longer has it (undo: " cmd ")"
	if (w[1] == "addr" && w[2] == "add") return x ": " w[3] " was moved off it for network " n ", whose uplink it no longer is"
	if (w[2] == "add") return x ": route \"" rspec(cmd) "\" was moved off it for network " n ", whose uplink it no longer is"
	if (w[1] == "addr") return x ": holds " w[3] ", which netc put there and network " n " no longer has"
	return x ": route \"" rspec(cmd) "\", which netc put there and network " n " no longer has"
}

# The retire pass (up, status, plan): for each selected network of the
# topology, the journal lines whose change the topology no longer wants.
# Those still on the host are undone, newest first (retire.ip, retire.fdb,
# as down would); retire.journal is the journal without the unwanted lines;
# retire.nets names the networks that have any; retire.notes says, one
# line a network, what goes.
function retire(   i, n, w, what, ord, nord, nt) {
	for (i = 1; i <= nj; i++) {
		n = jnet[i]
		if (!(n in isnet) || !(n in selected)) continue
		if (!wanted(n, jcmd[i])) unwanted[i] = 1
		else if (foreign(acts_on(i))) { unwanted[i] = 1; ours(i, "retire.notes") }
	}
	for (i = nj; i >= 1; i--) {
		if (!(i in unwanted)) continue
		n = jnet[i]
		if (!(n in rnet)) { rnet[n] = 1; ord[++nord] = n; out("retire.nets", n) }
		if (undone(jcmd[i]) || !ours(i, "retire.notes")) continue
		undo_out("retire", jkind[i], jcmd[i])
		out("drift", retire_drift(n, jcmd[i]))
		what[n] = what[n] (what[n] == "" ? "" : "; ") jcmd[i]
		split(jcmd[i], w, " ")
		if (w[1] == "link" && w[2] == "set" && w[4] == "nomaster") {
			freedport[w[3]] = 1
			if (!nt[w[3]]++)
				out("retire.notes", "note: " w[3] " leaves " lmaster[w[3]] ", where an earlier run put it: network " n " no longer has it there" ((w[3] in guestvif) ? " (a vif of another network now)" : ""))
		}
		if (w[1] == "link" && w[2] == "del") {
			freedlink[w[3]] = 1
			if (w[3] == n && (n in created) && !foreign(n)) dying[n] = 1
		}
	}
	undo_end("retire")
	cutoff("retire", "retire.notes")
	for (i = 1; i <= nord; i++) if (what[ord[i]] != "")
		out("retire.notes", "network " ord[i] " changed: undoing what the topology no longer wants: " what[ord[i]])
	for (i = 1; i <= nj; i++) if (!(i in unwanted)) out("retire.journal", jline[i])
}

# What taking the stale networks down frees (preflight).
function stale_frees(   i, n, w) {
	for (i = 1; i <= nact; i++) if (sel == "*" && !(actord[i] in isnet)) isstale[actord[i]] = 1
	for (i = 1; i <= nj; i++) {
		if (!(jnet[i] in isstale) || undone(jcmd[i])) continue
		split(jcmd[i], w, " ")
		if (w[1] == "link" && w[2] == "set" && w[4] == "nomaster") freedport[w[3]] = 1
		if (w[1] == "link" && w[2] == "del") freedlink[w[3]] = 1
	}
}

# --- neighbours: what netc no longer owns ---

# A link netc made that was deleted and made again by someone else under
# its name: its ifindex is not the one netc recorded ($NETC_STATE/links).
function foreign(x) { return (x in recidx) && has_link(x) && lidx[x] != recidx[x] }

# The device a journal line acts on.
function acts_on(i,   w, k) {
	k = split(jcmd[i], w, " ")
	if (jkind[i] == "fdb") return w[5]
	if (w[1] == "link") return w[3]
	return w[k]
}

# Is journal line i, whose change is on the host, still for netc to undo?
# Not when it acts on a link that netc no longer owns, when it takes a
# port off a bridge that is not the one netc put it on (the admin moved
# it to a bridge of their own), or when it puts addresses or routes back
# on such a port.  Each is named in a note (into f).
function ours(i, f,   w, k, x, n) {
	n = jnet[i]; x = acts_on(i); k = split(jcmd[i], w, " ")
	if (foreign(x)) {
		if (!(x in fnoted)) { fnoted[x] = 1; out(f, "note: " x " is not the link netc made (its ifindex is " lidx[x] ", netc made " recidx[x] "): someone made it again; left alone, and what netc did to the old one is forgotten") }
		return 0
	}
	if (w[1] == "link" && w[2] == "set" && w[4] == "nomaster" && lmaster[x] != "" && (lmaster[x] != n || foreign(n))) {
		if (!((x, "m") in fnoted)) { fnoted[x, "m"] = 1; out(f, "note: " x " is a port of " lmaster[x] ", not of the bridge netc put it on; left there") }
		return 0
	}
	if ((w[1] == "addr" || w[1] == "route") && w[2] == "add" && has_link(x) && lmaster[x] != "" && (lmaster[x] != n || foreign(n))) {
		out(f, "note: " (w[1] == "addr" ? w[3] : "route \"" rspec(jcmd[i]) "\"") " not put back on " x ", which is a port of " lmaster[x] " now")
		return 0
	}
	return 1
}

# down deletes bridge n, which netc made: the addresses and routes someone
# else put on it move to its uplink u (after the addresses netc moved
# back), or, without one, go with it; each named in a note.  A lease (an
# address with a lifetime: a DHCP client or router advertisements on n)
# goes with the bridge: its client runs on the bridge.
function down_others(n,   i, a, spec, u, w, k, p, mine, back, j) {
	if (!(n in created) || !has_link(n) || foreign(n)) return
	u = ""
	if ((n in isnet) && kv(n, "vlan") == "" && kv(n, "port") != "") u = kv(n, "port")
	for (i = 1; i <= nj; i++) {
		if (jnet[i] != n || jkind[i] != "ip") continue
		k = split(jcmd[i], w, " ")
		if (w[1] == "addr" && w[2] == "del" && w[k] == n) mine[w[3]] = 1
		if (w[1] == "route" && w[2] == "del" && w[k] == n) mine[rspec(jcmd[i])] = 1
		# (what goes back on an uplink: netc moved it)
		if (w[1] == "addr" && w[2] == "add") back[w[3]] = 1
		if (w[1] == "route" && w[2] == "add") back[route_on(rspec(jcmd[i]), w[k], n)] = 1
		if (u == "" && !(n in isnet) && w[1] == "link" && w[4] == "nomaster" && has_link(w[3]) && lkind[w[3]] == "other" && lmac[w[3]] != "fe:ff:ff:ff:ff:ff") u = w[3]
	}
	if (u != "" && (!has_link(u) || (lmaster[u] != "" && lmaster[u] != n))) u = ""
	for (p = 1; p <= naddr[n]; p++) {
		a = addr[n, p]
		if (!amove[n, p] || (a in mine) || (a in back)) continue
		if (u == "") { out("down.notes", "note: " a " on " n " was not added by netc (someone added it since up), and " n " has no uplink to move it to: it goes with the bridge"); continue }
		# a lease (DHCP, router advertisements) belongs to the client on n
		if (alife[n, p] != "") { out("down.notes", "note: " a " on " n " was not added by netc (a lease of " n "): it goes with the bridge"); continue }
		out("down.ip", ipline("addr add " a aattr[n, p] alife[n, p] " dev " u))
		out("down.notes", "note: " a " on " n " was not added by netc (someone added it since up): moved to " u ", the uplink, with the addresses netc moved back")
	}
	for (j = 0; j <= 1; j++) for (i = 1; i <= nroute[n]; i++) if (viagw(route[n, i]) == j) {
		spec = route[n, i]
		if ((spec in mine) || (spec in back)) continue
		if (u == "") { out("down.notes", "note: route \"" spec "\" on " n " was not added by netc (someone added it since up), and " n " has no uplink to move it to: it goes with the bridge"); continue }
		# (the same prefix twice in a table is refused, whatever the device)
		out("down.ip", ipline("route del " route_arg(spec, rfam[n, i]) " dev " n))
		out("down.ip", ipline("route add " route_arg(route_on(spec, n, u), rfam[n, i]) " dev " u))
		out("down.notes", "note: route \"" spec "\" on " n " was not added by netc (someone added it since up): moved to " u ", the uplink")
	}
}

function plan_down(   i, n, x) {
	for (i = 1; i <= nact; i++) {
		n = actord[i]
		if (sel == "*" || (n in selected)) { downset[n] = 1; out("down.nets", n) }
		else { after[n] = 1; out("nets.after", n) }
	}
	for (i = nj; i >= 1; i--)
		if ((jnet[i] in downset) && !undone(jcmd[i]) && ours(i, "down.notes"))
			undo_out("down", jkind[i], jcmd[i])
	for (i = 1; i <= nact; i++) if (actord[i] in downset) down_others(actord[i])
	undo_end("down")
	for (i = 1; i <= nj; i++) if (!(jnet[i] in downset)) out("down.journal", jline[i])
	for (i = 1; i <= nact; i++) {
		n = actord[i]
		if ((n in downset) && (n in created) && !foreign(n)) dying[n] = 1
	}
	cutoff("stale", "down.notes")
}

# The ports of the bridges netc made and now deletes (dying: down, the
# stale phase, or the retire pass of a network that has no bridge any
# more) that netc did not put there, and the vifs of guests, which netc may
# have put back (reattach; a vif of a network the topology no longer has
# is known by the MAC vif-bridge gives it): either way their guests are
# cut off.  Each is named in the notes f and in cutoff ("BRIDGE PORT WHY"):
# up refuses to delete such a bridge unless forced.  One pass over the links.
function cutoff(why, f,   i, x) {
	for (i = 1; i <= nlinks; i++) {
		x = links[i]
		if ((lmaster[x] in dying) && (!(x in ourport) || (x in guestvif) || lmac[x] == "fe:ff:ff:ff:ff:ff")) {
			out(f, "note: " x " is a port of " lmaster[x] ", which netc made and now deletes")
			out("cutoff", lmaster[x] " " x " " why)
		}
	}
}

BEGIN {
	n = split("missing usage needs notes cutoff ports addrs ip.do ip.undo fdb.do fdb.undo drift nets.after stale dnsmasq.on dnsmasq.off down.nets down.ip down.fdb down.journal down.notes rb.ip rb.fdb retire.ip retire.fdb retire.journal retire.nets retire.notes", F, " ")
	for (i = 1; i <= n; i++) printf "" > (work "/" F[i])
}
FNR == 1 { sect = FILENAME; sub(/.*\//, "", sect); if (sect != "topo" && sect != "nets" && sect != "links" && sect != "link" && sect != "addr" && sect != "route4" && sect != "route6" && sect != "fdb") sect = "journal" }
sect == "topo" { if ($1 !~ /^#/ && NF) parse_topo(); next }
sect == "nets" { if (NF && !($1 in active)) { active[$1] = 1; actord[++nact] = $1 } next }
sect == "links" { if (NF == 2) recidx[$1] = $2; next }
sect == "journal" { if (NF) parse_journal(); next }
sect == "link" { parse_link(); next }
sect == "addr" { parse_addr(); next }
sect == "route4" { parse_route(4); next }
sect == "route6" { parse_route(6); next }
sect == "fdb" {
	# flood entries only: "00:00:00:00:00:00 dev VXLAN dst REMOTE ..."
	if ($1 != "00:00:00:00:00:00") next
	x = ""
	for (i = 2; i < NF; i++) if ($i == "dev") x = $(i + 1)
	for (i = 2; i < NF; i++) if ($i == "dst") hasfdb[x, $(i + 1)] = 1
	next
}
END {
	if (verb == "rollback") {
		for (i = 1; i <= nj; i++) if (!undone(jcmd[i])) undo_out("rb", jkind[i], jcmd[i])
		undo_end("rb")
		exit 0
	}
	select_networks()
	if (verb == "down") { plan_down(); sysctls(); nft_rules(); exit 0 }
	need("ip", "for all link work")
	stale_frees(); retire()
	for (i = 1; i <= nnets; i++) if (netname[i] in selected) preflight(netname[i])
	for (i = 1; i <= nnets; i++) if (netname[i] in selected) plan_net(netname[i])
	flush_late()
	# Up afterwards: the selection, and what is up now (less, on a whole
	# host run, the networks the topology no longer has: taken down first).
	for (i = 1; i <= nact; i++) {
		n = actord[i]
		if (sel == "*" && !(n in isnet)) {
			out("stale", n)
			out("drift", "network " n ": an earlier run made it, and the topology no longer has it")
		} else after[n] = 1
	}
	for (n in selected) after[n] = 1
	for (i = 1; i <= nnets; i++) if (netname[i] in after) out("nets.after", netname[i])
	for (i = 1; i <= nact; i++) if (!(actord[i] in isnet) && (actord[i] in after)) out("nets.after", actord[i])
	for (i = 1; i <= nnets; i++) {
		n = netname[i]
		if (!(n in selected)) continue
		if (kv(n, "dhcp") != "") { out("dnsmasq.on", n); dnsmasq_conf(n) }
		else out("dnsmasq.off", n)
	}
	sysctls(); nft_rules()
}
'
