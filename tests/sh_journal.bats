#!/usr/bin/env bats
# The write-ahead journal (docs/host-script.md, "Crashes"): the whole
# process group of `up` or `down` killed with SIGKILL at every external
# call, and at every line boundary of each ip batch; then up, status and
# down must succeed and leave the host as it was ("restores",
# tests/lib/restore.bash).  And the state proves it is this namespace's: a
# dead namespace's journal is set aside, never replayed; another format is
# refused, an older netc's migrated; records are parsed, never passed
# through.

load helper
load lib/host
load lib/restore

setup() {
	require_root
	command -v jq >/dev/null || skip "jq is needed to compare hosts"
}

teardown() {
	host_teardown
}

# --- the kill sweep ---------------------------------------------------------

# plain K VERB, killed K VERB VAR=VALUE: the script in d$K (tests/lib/shims.bash).
plain() { sweep_run "$1" "$SCRIPT" "$2"; }
killed() { sweep_killed "$1" "$SCRIPT" "$2" "$3"; }

# point K VERB VAR=VALUE: one sweep point; on failure, says why on stdout.
point() {
	local k=$1 verb=$2 at=$3 w="$BATS_TEST_TMPDIR/w$1" v
	if [ "$verb" = down ] && ! plain "$k" up >"$w/log" 2>&1; then
		echo "$verb $at: the up before it failed:"; cat "$w/log"; return 1
	fi
	killed "$k" "$verb" "$at" >"$w/killed" 2>&1
	for v in up status down; do
		if ! plain "$k" "$v" >"$w/log" 2>&1; then
			echo "$verb killed at $at: then $v failed:"
			sed 's/^/  (killed run) /' "$w/killed"
			cat "$w/log"
			return 1
		fi
		# (how many points left a wal that the next run rolled back)
		[ "$v" != up ] || ! grep -q 'undoing its changes first' "$w/log" || echo "$verb $at" >>"$w/replayed"
	done
	sweep_restored "$k" "$verb killed at $at"
}

# sweep_points VERB FIELD: run VERB once on host 0 to count its calls and
# the lines of its ip batch (`-batch` is ip's argument FIELD in the shim's
# log), and add a kill point for each to the caller's pts; the counts are
# left in SWEEP_CALLS and SWEEP_LINES.
sweep_points() {
	local verb=$1 field=$2 b p
	killed 0 "$verb" SWEEP_CALIBRATE=1 >/dev/null
	SWEEP_CALLS=$(cat "$BATS_TEST_TMPDIR/shim0/count")
	b=$(awk -v f="$field" '$2 == "ip" && $f == "-batch" { print $1; exit }' "$BATS_TEST_TMPDIR/shim0/log")
	[ -n "$b" ] || fail "$verb ran no ip batch"
	SWEEP_LINES=$(wc -l <"$BATS_TEST_TMPDIR/shim0/batch.$b")
	for p in $(seq "$SWEEP_CALLS"); do pts+=("$verb SWEEP_KILL_AT=$p"); done
	for p in $(seq "$SWEEP_LINES"); do pts+=("$verb SWEEP_BATCH_AT=$p"); done
}

# kill_sweep TOPOLOGY: every point of up and of down, spread over
# SWEEP_WORKERS namespaces.
kill_sweep() {
	local topo=$1 k calls_up calls_down lines_up t0 pts=() p replayed
	sh_script "$topo"
	sweep_setup
	# the points: how many calls up and down make, and their batches' lines
	sweep_points up 3
	calls_up=$SWEEP_CALLS lines_up=$SWEEP_LINES
	sweep_points down 4
	calls_down=$SWEEP_CALLS
	host_dump d0 "$BATS_TEST_TMPDIR/state0" >"$BATS_TEST_TMPDIR/w0/now"
	assert_same "$BATS_TEST_TMPDIR/w0/before" "$BATS_TEST_TMPDIR/w0/now"

	t0=$SECONDS
	sweep_all point || return 1
	replayed=$(cat "$BATS_TEST_TMPDIR"/w*/replayed 2>/dev/null | wc -l)
	echo "$(basename "$topo"): ${#pts[@]} kill points (up: $calls_up calls, down: $calls_down calls, and each batch line; $replayed left a journal the next run rolled back) in $((SECONDS - t0)) s over $SWEEP_WORKERS namespaces" >&3
	# every kill inside up's batch leaves its undo in the wal
	[ "$(grep -c '^up SWEEP_BATCH_AT=' <(cat "$BATS_TEST_TMPDIR"/w*/replayed))" -ge "$lines_up" ]
}

@test "journal: the process group killed at every call and batch line of up and down (classic)" {
	kill_sweep "$SAMPLES/classic.yaml"
}

@test "journal: the process group killed at every call and batch line of up and down (modes: nat with dnsmasq)" {
	kill_sweep "$TESTDATA/modes.yaml"
}

# --- whose state ------------------------------------------------------------

@test "journal: a dead namespace's journal under this inode's path is set aside, never replayed" {
	modes_host
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	# What a namespace that had this inode left: its marker is on its own lo,
	# gone with it.  Replayed, its records would delete dom0's NIC.
	mkdir -p "$NETC_STATE_DIR"
	echo 'netc-state 2' >"$NETC_STATE_DIR/version"
	echo 0123456789abcdef >"$NETC_STATE_DIR/ns"
	echo xenbr0 >"$NETC_STATE_DIR/nets"
	printf 'ip\txenbr0\tlink del eth0\n' >"$NETC_STATE_DIR/journal"
	printf 'ip\txenbr0\tlink del eth1\n' >"$NETC_STATE_DIR/wal"
	run on_dom0 status
	assert_failure 1
	assert_output --partial "setup.sh: note: the state in $NETC_STATE_DIR is not this network namespace's (its marker netc-ns-0123456789abcdef is not on lo); ignored"
	run on_dom0 up
	assert_success
	assert_output --partial "setup.sh: note: the state in $NETC_STATE_DIR is not this network namespace's (its marker netc-ns-0123456789abcdef is not on lo: a namespace that is gone had this inode); set aside in $NETC_STATE_DIR.stale-0123456789abcdef, not replayed"
	refute_output --partial "undoing its changes"
	[ -f "$NETC_STATE_DIR.stale-0123456789abcdef/journal" ]
	[ -f "$NETC_STATE_DIR.stale-0123456789abcdef/wal" ]
	nsx dom0 ip link show eth0 >/dev/null
	nsx dom0 ip link show eth1 >/dev/null
	# this run's own marker
	nsx dom0 ip link show dev "netc-ns-$(cat "$NETC_STATE_DIR/ns")" >/dev/null
	run on_dom0 status
	assert_success
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "journal: state in a format this script does not know is refused; an older netc's is migrated" {
	modes_host
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	mkdir -p "$NETC_STATE_DIR"
	echo 'netc-state 99' >"$NETC_STATE_DIR/version"
	echo xenbr0 >"$NETC_STATE_DIR/nets"
	for v in up down status; do
		run on_dom0 "$v"
		assert_failure 1
		assert_output --partial "the state in $NETC_STATE_DIR has format 'netc-state 99', which this script"
		assert_output --partial "refusing to guess"
	done
	[ "$(cat "$NETC_STATE_DIR/version")" = 'netc-state 99' ]
	rm -rf "$NETC_STATE_DIR"
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	# An older netc's state: the same records, no version, no marker.
	on_dom0 up
	nsx dom0 ip link property del dev lo altname "netc-ns-$(cat "$NETC_STATE_DIR/ns")"
	rm "$NETC_STATE_DIR/version" "$NETC_STATE_DIR/ns"
	run on_dom0 down
	assert_success
	assert_output --partial "note: migrating the state in $NETC_STATE_DIR, written by an older netc, to 'netc-state 2'"
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	# migrated, and not claimed by an up since: still this namespace's
	on_dom0 up
	nsx dom0 ip link property del dev lo altname "netc-ns-$(cat "$NETC_STATE_DIR/ns")"
	rm "$NETC_STATE_DIR/ns"
	run on_dom0 down
	assert_success
	refute_output --partial "set aside"
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}

@test "journal: records are parsed, never passed through (no netns exec, no sysctl outside /proc/sys/net)" {
	modes_host
	host_dump dom0 >"$BATS_TEST_TMPDIR/before"
	on_dom0 up
	cp "$NETC_STATE_DIR/journal" "$BATS_TEST_TMPDIR/journal"
	printf 'ip\txenbr0\tnetns exec %s touch %s\n' "$(ns dom0)" "$BATS_TEST_TMPDIR/pwned" >>"$NETC_STATE_DIR/journal"
	run on_dom0 down
	assert_failure 1
	assert_output --partial "refusing the state in $NETC_STATE_DIR (was it edited?); nothing was changed:"
	assert_output --partial "$NETC_STATE_DIR/journal:$(wc -l <"$NETC_STATE_DIR/journal"): not a record netc writes: ip"
	[ ! -e "$BATS_TEST_TMPDIR/pwned" ]
	cp "$BATS_TEST_TMPDIR/journal" "$NETC_STATE_DIR/journal"
	# a sysctl record that leaves /proc/sys/net
	echo 1 >"$BATS_TEST_TMPDIR/victim"
	cp "$NETC_STATE_DIR/sysctl" "$BATS_TEST_TMPDIR/sysctl"
	echo "net/../../../..$BATS_TEST_TMPDIR/victim 0" >>"$NETC_STATE_DIR/sysctl"
	run on_dom0 down
	assert_failure 1
	assert_output --partial "$NETC_STATE_DIR/sysctl:$(wc -l <"$NETC_STATE_DIR/sysctl"): not a record netc writes: net/../"
	[ "$(cat "$BATS_TEST_TMPDIR/victim")" = 1 ]
	cp "$BATS_TEST_TMPDIR/sysctl" "$NETC_STATE_DIR/sysctl"
	run on_dom0 down
	assert_success
	host_dump dom0 >"$BATS_TEST_TMPDIR/now"
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
}
