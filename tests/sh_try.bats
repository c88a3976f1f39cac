#!/usr/bin/env bats
# No accidental apply, try/confirm, plan on any host, up --force (issue 28,
# items 1-3; docs/host-script.md, "try"): the bare script changes nothing;
# try rolls back at its timeout (to nothing, or to the topology up before),
# also when the process group that ran it is killed, and keeps the change
# when confirmed (from another shell, or Enter on a terminal); up, down and
# try are refused while a try is pending; plan lists the problems up would
# stop at; up refuses to delete a bridge with a guest's vif on it unless
# forced.  Timeouts are short (3-5 s); the files' tests run one after the
# other, each in its own namespaces.

load helper
load lib/host
load lib/restore

setup() {
	modes_host
	command -v jq >/dev/null || skip "jq is needed to compare hosts"
	command -v setsid >/dev/null || skip "setsid (util-linux) is needed"
}

teardown() { host_teardown; }

dump() { host_dump dom0 >"$BATS_TEST_TMPDIR/$1"; }

# watchdog_pids: the pids of try watchdogs in dom0.
watchdog_pids() {
	local p
	for p in $(ip netns pids "$(ns dom0)"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q ' try-watch ' && echo "$p"
	done
	return 0
}

# rolled_back [SECONDS]: wait (default 20 s) until no try is pending and
# its watchdog is gone.
rolled_back() {
	local n=0 max=$((${1:-20} * 10))
	while [ -e "$NETC_STATE_DIR/try" ] || [ -n "$(watchdog_pids)" ]; do
		[ "$n" -lt "$max" ] || { echo "still pending after ${1:-20} s"; ls -l "$NETC_STATE_DIR/try" 2>&1; return 1; }
		sleep 0.1
		n=$((n + 1))
	done
}

@test "the bare script prints its usage, exits 2 and changes nothing" {
	dump before
	run on_dom0
	assert_failure 2
	assert_output --partial "usage: setup.sh up|try [SECONDS]|confirm|down|status|plan [--force]"
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	run on_dom0 try 0
	assert_failure 2
	run on_dom0 try 3 4
	assert_failure 2
	# try runs a copy of the script to roll back: not from standard input
	run nsx dom0 sh -s try 3 <"$SCRIPT"
	assert_failure 2
	assert_output --partial "try needs the script as a file"
	run on_dom0 down --force
	assert_failure 2
}

@test "try, not confirmed: at the timeout the host is exactly as before (nothing was up)" {
	dump before
	run on_dom0 try 3
	assert_success
	assert_output --partial "host xen1 is up"
	assert_output --partial "confirm' within 3 s"
	# applied, and pending
	nsx dom0 ip link show xenbr0 >/dev/null
	[ -n "$(watchdog_pids)" ]
	run on_dom0 status
	assert_output --partial "note: a try is pending: confirm keeps it, else it rolls back in"
	rolled_back
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "try, then confirm from another shell: kept, status clean, no rollback later" {
	run on_dom0 try 3
	assert_success
	dump tried
	run on_dom0 confirm
	assert_success
	assert_output --partial "confirmed"
	[ ! -e "$NETC_STATE_DIR/try" ]
	rolled_back 2
	dump confirmed
	# the host as try left it (less the pending try: its watchdog, its files)
	awk '/^== processes/ { exit } { print }' "$BATS_TEST_TMPDIR/tried" >"$BATS_TEST_TMPDIR/tried.net"
	awk '/^== processes/ { exit } { print }' "$BATS_TEST_TMPDIR/confirmed" >"$BATS_TEST_TMPDIR/confirmed.net"
	assert_same "$BATS_TEST_TMPDIR/tried.net" "$BATS_TEST_TMPDIR/confirmed.net"
	sleep 4
	[ -z "$(watchdog_pids)" ]
	run on_dom0 status
	assert_success
	assert_output "setup.sh: host xen1 matches the topology"
	dump now
	assert_same "$BATS_TEST_TMPDIR/confirmed" "$BATS_TEST_TMPDIR/now"
	run on_dom0 confirm
	assert_failure 1
	assert_output --partial "no try is pending"
	run on_dom0 up
	assert_success
	assert_output --partial "already matches"
}

@test "try on a terminal: Enter keeps the change; the watchdog stops" {
	command -v script >/dev/null || skip "script (util-linux) is needed for a terminal"
	# (Enter typed ahead: the terminal keeps it until try reads it)
	run nsx dom0 script -q -e -c "sh '$SCRIPT' try 30" /dev/null <<<""
	assert_success
	assert_output --partial "press Enter to keep it; it rolls back in 30 s"
	assert_output --partial "confirmed"
	[ ! -e "$NETC_STATE_DIR/try" ]
	sleep 1.5
	[ -z "$(watchdog_pids)" ]
	run on_dom0 status
	assert_success
}

@test "try: the process group that ran it killed (a lost SSH session): rolled back at the timeout" {
	command -v script >/dev/null || skip "script (util-linux) is needed for a terminal"
	dump before
	# try waits on a terminal, in a session of its own, like a login's
	nsx dom0 setsid sh -c 'echo $$ >"$1/sid"; exec script -q -c "sh $2 try 5" /dev/null </dev/null >"$1/out" 2>&1' \
		sh "$BATS_TEST_TMPDIR" "$SCRIPT" &
	local n=0
	until grep -q 'press Enter' "$BATS_TEST_TMPDIR/out" 2>/dev/null; do
		[ "$n" -lt 200 ] || { cat "$BATS_TEST_TMPDIR/out"; false; }
		sleep 0.1
		n=$((n + 1))
	done
	nsx dom0 ip link show xenbr0 >/dev/null
	# the whole session goes, SIGHUP then SIGKILL, as a dropped connection's
	pkill -HUP -s "$(cat "$BATS_TEST_TMPDIR/sid")" || :
	pkill -KILL -s "$(cat "$BATS_TEST_TMPDIR/sid")" || :
	wait
	[ -n "$(watchdog_pids)" ]
	rolled_back
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "a pending try refuses up, down and try; status and plan say so; a killed watchdog is rolled back by the next up" {
	dump before
	run on_dom0 try 60
	assert_success
	for v in up down "try 5"; do
		run on_dom0 $v
		assert_failure 1
		assert_output --partial "a try is pending: run 'setup.sh confirm' to keep it, or wait for its rollback (in "
		assert_output --partial "; nothing was changed"
	done
	run on_dom0 plan
	assert_success
	assert_output --partial "note: a try is pending"
	refute_output --partial "nothing was changed"
	# network-bridge shares the state: its start is an up, and refused
	"$NETC" -q -t network-bridge "$TESTDATA/modes.yaml" -o "$BATS_TEST_TMPDIR/network-bridge"
	run nsx dom0 sh "$BATS_TEST_TMPDIR/network-bridge" start
	assert_failure 1
	assert_output --partial "a try is pending: run 'the host script's confirm' to keep it"
	# the watchdog killed (SIGKILL: no trap), with its session (setsid: the
	# watchdog leads it) so that no `sleep 1` of its outlives it into the
	# dump: the next up rolls back first
	local w
	for w in $(watchdog_pids); do kill -KILL -- "-$w"; done
	run on_dom0 up
	assert_failure 1
	assert_output --partial "its watchdog is gone"
	assert_output --partial "rolled back the try that was pending; up did nothing: run it again"
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "up v1, try v2 (the nat subnet changed in place), not confirmed: the host is v1's again" {
	sh_script "$TESTDATA/modes.yaml"
	run on_dom0 up
	assert_success
	dump v1
	cp "$SCRIPT" "$BATS_TEST_TMPDIR/v1.sh"
	# v2: natbr0 on 10.0.8.0/24: the retire pass takes 10.0.2.1/24 off it,
	# dnsmasq restarts with the new range, the nft rules change; the
	# rollback must make the host v1's again
	sed 's/10\.0\.2\./10.0.8./g' "$TESTDATA/modes.yaml" >"$BATS_TEST_TMPDIR/v2.yaml"
	"$NETC" -q "$BATS_TEST_TMPDIR/v2.yaml" -o "$SCRIPT"
	run on_dom0 try 3
	assert_success
	run nsx dom0 ip -o addr show dev natbr0
	assert_output --partial " 10.0.8.1/24 "
	refute_output --partial " 10.0.2.1/24 "
	rolled_back
	dump now
	assert_same "$BATS_TEST_TMPDIR/v1" "$BATS_TEST_TMPDIR/now"
	run nsx dom0 sh "$BATS_TEST_TMPDIR/v1.sh" status
	assert_success
}

@test "up v1, try v2 (one network more), not confirmed: the host is v1's again" {
	sh_script "$TESTDATA/modes.yaml"
	run on_dom0 up
	assert_success
	dump v1
	cp "$SCRIPT" "$BATS_TEST_TMPDIR/v1.sh"
	# v2: modes plus an isolated network
	sed 's/^networks:$/networks:\n  extra:\n    mode: isolated\n    address: 10.0.9.1\/24/' \
		"$TESTDATA/modes.yaml" >"$BATS_TEST_TMPDIR/v2.yaml"
	"$NETC" -q "$BATS_TEST_TMPDIR/v2.yaml" -o "$SCRIPT"
	run on_dom0 try 3
	assert_success
	nsx dom0 ip link show extra >/dev/null
	rolled_back
	run nsx dom0 ip link show extra
	assert_failure
	dump now
	assert_same "$BATS_TEST_TMPDIR/v1" "$BATS_TEST_TMPDIR/now"
	# and v1's script sees its own topology up
	run nsx dom0 sh "$BATS_TEST_TMPDIR/v1.sh" status
	assert_success
}

@test "plan on a host without the uplink: prints what it can, lists the problems, exits 3" {
	nsx dom0 ip link del eth0
	nsx dom0 ip link del eth1
	run --separate-stderr on_dom0 plan
	assert_failure 3
	assert_line "ip -batch - <<'EOF'"
	assert_line "link add name hostonly type bridge stp_state 0"
	assert_line "# up would stop here, before any change (its preflight):"
	assert_line "#   network xenbr0: uplink eth0 does not exist"
	assert_line "#   network routed: gatewaydev eth1 does not exist"
	[[ "$stderr" == *"plan: up's preflight would fail (2 problems, listed above)"* ]]
	[[ "$output$stderr" != *"nothing was changed"* ]]
	run on_dom0 status
	assert_failure 1
	refute_output --partial "nothing was changed"
	run on_dom0 up
	assert_failure 3
	assert_output --partial "preflight failed; nothing was changed"
}

@test "up v2 without a network whose bridge has a guest: refused unless --force; plan names the vif" {
	run on_dom0 up
	assert_success
	guest_boot app 10.0.1.11/24 10.0.1.1
	xen_connected dom0
	local vif
	vif=$(xen_vif dom0 app 0)
	# v2: the isolated network and its guests gone
	awk '/^  hostonly:$/ { skip = 1; next } skip && /^    / { next } { skip = 0 } /^  (app|cache):$/ { dom = 1; next } dom && /^    / { next } { dom = 0; print }' \
		"$TESTDATA/modes.yaml" >"$BATS_TEST_TMPDIR/v2.yaml"
	"$NETC" -q "$BATS_TEST_TMPDIR/v2.yaml" -o "$SCRIPT"
	dump before
	run on_dom0 plan
	assert_failure 3
	assert_line "#   deleting hostonly cuts off $vif, a port netc did not put there (a running guest's vif?)"
	run on_dom0 plan --force
	assert_success
	run on_dom0 up
	assert_failure 3
	assert_output --partial "deleting hostonly (a network the topology no longer has) cuts off $vif, a port netc did not put there"
	assert_output --partial "up (or try) --force, or NETC_FORCE=1"
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	run on_dom0 up --force
	assert_success
	assert_output --partial "note: $vif is a port of hostonly, which netc made and now deletes"
	run nsx dom0 ip link show hostonly
	assert_failure
}

@test "try killed (its process group, SIGKILL) in its ip batch: the next up rolls the try back" {
	dump before
	local d="$BATS_TEST_TMPDIR/ks"
	killshim_install "$d" ip
	run nsx dom0 env PATH="$d:$PATH" SWEEP_DIR="$d" SWEEP_BATCH_AT=3 setsid -w sh "$SCRIPT" try 30
	assert_failure 137
	[ -d "$NETC_STATE_DIR/try" ]
	[ -z "$(watchdog_pids)" ]
	run on_dom0 status
	assert_output --partial "note: a try is being applied, or was killed before it finished"
	# (root's status finishes the killed run's wal, as up would)
	assert_output --partial "undoing its changes first"
	run on_dom0 up
	assert_failure 1
	assert_output --partial "rolled back the try that was pending; up did nothing: run it again"
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	run on_dom0 up
	assert_success
}

@test "try where systemd is PID 1: the watchdog is a transient unit (systemd-run, a shim), and rolls back" {
	command -v unshare >/dev/null || skip "unshare (util-linux) is needed"
	dump before
	# A systemd-run that logs its arguments and starts the command as
	# systemd would (a session of its own), with its --setenv.
	mkdir -p "$BATS_TEST_TMPDIR/sd"
	cat >"$BATS_TEST_TMPDIR/sd/systemd-run" <<SHIM
#!/bin/sh
echo "\$*" >>"$BATS_TEST_TMPDIR/sd/log"
while [ \$# -gt 0 ]; do
	case \$1 in
	--unit) shift 2 ;;
	--setenv=*) export "\${1#--setenv=}"; shift ;;
	--*) shift ;;
	*) break ;;
	esac
done
setsid "\$@" </dev/null >/dev/null 2>&1 &
SHIM
	chmod +x "$BATS_TEST_TMPDIR/sd/systemd-run"
	# Private mount and pid namespaces (nothing of the real /run is
	# touched): /run/systemd/system exists, and the shell is PID 1, in
	# dom0's network namespace.  It stays until the rollback is done (the
	# pid namespace ends with it).
	run nsx dom0 unshare -m -p -f --mount-proc sh -c '
		mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system || exit 99
		PATH="$1/sd:$PATH" sh "$2" try 3 || exit 98
		n=0
		while [ -e "$3/try" ]; do
			[ $n -lt 200 ] || exit 97
			sleep 0.1
			n=$((n + 1))
		done' sh "$BATS_TEST_TMPDIR" "$SCRIPT" "$NETC_STATE_DIR"
	assert_success
	assert_output --partial "starting the watchdog: unit netc-try-"
	run cat "$BATS_TEST_TMPDIR/sd/log"
	assert_output --regexp "^--unit netc-try-([0-9a-f]{16}) --collect --quiet --setenv=NETC_STATE_DIR=$NETC_STATE_DIR sh $NETC_STATE_DIR/try/script try-watch [0-9a-f]{16}$"
	dump now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "the saved topology records are parsed, never passed through" {
	run on_dom0 up
	assert_success
	# as up wrote them: the script's records, less its comments
	sed -n "/^\tcat <<'NETC_TOPOLOGY'$/,/^NETC_TOPOLOGY$/p" "$SCRIPT" | sed '1d;$d' | grep -v '^#' >"$BATS_TEST_TMPDIR/records"
	assert_same "$BATS_TEST_TMPDIR/records" "$NETC_STATE_DIR/topo"
	cp "$NETC_STATE_DIR/topo" "$BATS_TEST_TMPDIR/topo.good"
	local bad
	for bad in 'net evil bridge uplink=eth0;reboot' 'net evil bridge dns=$(reboot)' 'hostvif xenbr0 web-0 - - antispoof=2' 'nft add rule inet netc forward accept'; do
		{ cat "$BATS_TEST_TMPDIR/topo.good"; printf '%s\n' "$bad"; } >"$NETC_STATE_DIR/topo"
		run on_dom0 status
		assert_failure 1
		assert_output --partial "refusing the state in $NETC_STATE_DIR (was it edited?):"
		assert_output --partial "topo:$(($(wc -l <"$BATS_TEST_TMPDIR/topo.good") + 1)): not a record netc writes"
		run on_dom0 try 3
		assert_failure 1
		assert_output --partial "(was it edited?); nothing was changed:"
	done
	cp "$BATS_TEST_TMPDIR/topo.good" "$NETC_STATE_DIR/topo"
	run on_dom0 status
	assert_success
}
