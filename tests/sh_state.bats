#!/usr/bin/env bats
# The host script's state and work directories (issue 26, items 6 and 7):
# one run at a time through flock(1) on a lock file beside the state
# directory (16 concurrent runs over a stale lock, SIGKILL inside the lock
# window, up racing down); a state directory others could write is
# refused; work directories go on every way out, a killed run's with the
# next run; a TMPDIR with spaces.

load helper
load lib/host

setup() {
	modes_host
	# the work directories of this test's runs, and nobody else's
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
}

teardown() {
	host_teardown
}

snapshot() { ns_dump dom0 >"$BATS_TEST_TMPDIR/$1"; }
assert_unchanged() {
	snapshot now
	assert_same "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/now"
	[ ! -e "$NETC_STATE_DIR" ] || { ls -lR "$NETC_STATE_DIR"; return 1; }
	[ -z "$(ip netns pids "$(ns dom0)")" ] || { ps -o pid,args -p "$(ip netns pids "$(ns dom0)")"; return 1; }
}

# A slow ip: every call is logged with its caller's pid (the script's),
# then sleeps $SLOW_IP seconds (default 0.05) before it runs, so that two
# runs the lock does not keep apart interleave in the log.
slow_ip() {
	local real
	real=$(command -v ip)
	mkdir -p "$BATS_TEST_TMPDIR/slow"
	cat >"$BATS_TEST_TMPDIR/slow/ip" <<EOF
#!/bin/sh
echo "\$PPID \$*" >>"$BATS_TEST_TMPDIR/slow/ip.log"
sleep \${SLOW_IP:-0.05}
exec $real "\$@"
EOF
	chmod +x "$BATS_TEST_TMPDIR/slow/ip"
}

# slowed [VAR=VALUE...] VERB: the script in dom0 with the slow ip.
slowed() {
	nsx dom0 env PATH="$BATS_TEST_TMPDIR/slow:$PATH" "$@"
}

# Each run's ip calls are one block of the log: no two runs overlapped.
one_at_a_time() {
	awk '$1 != prev { if (seen[$1]++) { print "run " $1 " resumed at line " NR " after another run"; bad = 1 } prev = $1 }
		END { exit bad }' "$BATS_TEST_TMPDIR/slow/ip.log" || { cat "$BATS_TEST_TMPDIR/slow/ip.log"; return 1; }
}

# wait_for FILE: until FILE exists (up to 10 s).
wait_for() {
	local n=0
	until [ -s "$1" ]; do
		[ "$n" -lt 100 ] || return 1
		sleep 0.1
		n=$((n + 1))
	done
}

@test "lock: 16 concurrent runs over a stale lock run one at a time, and all succeed" {
	snapshot before
	# What a dead run left: the old lock directory with the pid of a run
	# that has exited, and that pid in the lock file.
	local dead i pids=()
	dead=$(sh -c 'echo $$')
	mkdir -p "$NETC_STATE_DIR/lock"
	echo "$dead" >"$NETC_STATE_DIR/lock/pid"
	echo "$dead" >"$NETC_STATE_DIR.lock"
	slow_ip
	for i in $(seq 16); do
		if [ $((i % 5)) = 0 ]; then
			slowed sh "$SCRIPT" down >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		else
			slowed sh "$SCRIPT" up >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
		fi
		pids+=($!)
	done
	for i in $(seq 16); do
		wait "${pids[$((i - 1))]}" || { cat "$BATS_TEST_TMPDIR/run.$i"; fail "run $i failed"; }
	done
	one_at_a_time
	[ "$(cut -d ' ' -f 1 "$BATS_TEST_TMPDIR/slow/ip.log" | sort -u | wc -l)" -eq 16 ]
	on_dom0 up
	run on_dom0 status
	assert_success
	on_dom0 down
	assert_unchanged
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "lock: a run killed inside the lock window never blocks the next" {
	snapshot before
	# What SIGKILL between taking the old lock (mkdir) and writing its pid
	# left: a lock directory with no pid.
	mkdir -p "$NETC_STATE_DIR/lock"
	SECONDS=0
	run on_dom0 up
	assert_success
	[ "$SECONDS" -lt 10 ]
	on_dom0 down
	assert_unchanged
	# A run killed with its process group (as a lost session is) while it
	# holds the lock: the next run takes the lock at once.
	slow_ip
	SLOW_IP=60 setsid ip netns exec "$(ns dom0)" env PATH="$BATS_TEST_TMPDIR/slow:$PATH" sh "$SCRIPT" up >/dev/null 2>&1 &
	local pid=$!
	wait_for "$BATS_TEST_TMPDIR/slow/ip.log"
	kill -KILL -- -"$pid"
	wait "$pid" || true
	SECONDS=0
	run on_dom0 up
	assert_success
	refute_output --partial "waiting for the run"
	[ "$SECONDS" -lt 10 ]
	on_dom0 down
	assert_unchanged
}

@test "lock: up started while down runs waits for it, then comes up" {
	snapshot before
	on_dom0 up
	slow_ip
	SLOW_IP=0.5 slowed sh "$SCRIPT" down >"$BATS_TEST_TMPDIR/down.out" 2>&1 &
	local pid=$!
	wait_for "$BATS_TEST_TMPDIR/slow/ip.log"
	run on_dom0 up
	wait "$pid" || { cat "$BATS_TEST_TMPDIR/down.out"; fail "down failed"; }
	assert_success
	assert_output --partial "waiting for the run that holds $NETC_STATE_DIR.lock (pid "
	assert_output --partial "host xen1 is up"
	run on_dom0 status
	assert_success
	on_dom0 down
	assert_unchanged
}

@test "lock: without flock(1), up and down stop in preflight" {
	snapshot before
	run nsx dom0 unshare -m sh -c '
		mount --bind /dev/null "$(command -v flock)" && exec sh "$0" up' "$SCRIPT"
	assert_failure 3
	assert_output "setup.sh: preflight failed; nothing was changed:
  command 'flock' not found (util-linux: it keeps two runs from changing the host at once)"
	assert_unchanged
}

@test "state: a state directory another user owns or can write, or a link, is refused" {
	snapshot before
	mkdir -p "$NETC_STATE_DIR"
	chown 65534 "$NETC_STATE_DIR"
	run on_dom0 up
	assert_failure 3
	assert_output "setup.sh: refusing state directory $NETC_STATE_DIR: owned by uid 65534, not root; nothing was changed"
	run on_dom0 status
	assert_failure 3
	chown 0 "$NETC_STATE_DIR"
	chmod 777 "$NETC_STATE_DIR"
	run on_dom0 up
	assert_failure 3
	assert_output "setup.sh: refusing state directory $NETC_STATE_DIR: writable by others than its owner (drwxrwxrwx); nothing was changed"
	chmod 775 "$NETC_STATE_DIR"
	run on_dom0 down
	assert_failure 3
	assert_output --partial "writable by others than its owner (drwxrwxr-x)"
	rmdir "$NETC_STATE_DIR"
	mkdir "$BATS_TEST_TMPDIR/elsewhere"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$NETC_STATE_DIR"
	run on_dom0 up
	assert_failure 3
	assert_output "setup.sh: refusing state directory $NETC_STATE_DIR: not a directory (a symbolic link, or another file); nothing was changed"
	rm "$NETC_STATE_DIR"
	# The directory that holds it, and its lock file, is checked too.
	mkdir -m 1777 "$BATS_TEST_TMPDIR/open"
	run nsx dom0 env NETC_STATE_DIR="$BATS_TEST_TMPDIR/open/state" sh "$SCRIPT" up
	assert_failure 3
	assert_output "setup.sh: refusing the directory of the state directory and its lock $BATS_TEST_TMPDIR/open: writable by others than its owner (drwxrwxrwt); nothing was changed"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR/open")" ]
	assert_unchanged
	# and a sound one is used
	run on_dom0 up
	assert_success
	on_dom0 down
	assert_unchanged
}

@test "work directories: none left by a closed pipe" {
	on_dom0 plan >/dev/null
	[ -z "$(ls -A "$TMPDIR")" ]
	# plan's reader goes away before plan writes (SIGPIPE)
	nsx dom0 sh "$SCRIPT" plan 2>/dev/null | true
	[ -z "$(ls -A "$TMPDIR")" ] || { ls -la "$TMPDIR"; fail "plan into a closed pipe left its work directory"; }
}

@test "work directories: a killed run's go with the next run, a live run's stay" {
	# SIGKILL runs no trap: the work directory stays ...
	slow_ip
	SLOW_IP=60 setsid ip netns exec "$(ns dom0)" env PATH="$BATS_TEST_TMPDIR/slow:$PATH" sh "$SCRIPT" up >/dev/null 2>&1 &
	local pid=$!
	wait_for "$BATS_TEST_TMPDIR/slow/ip.log"
	kill -KILL -- -"$pid"
	wait "$pid" || true
	[ "$(ls "$TMPDIR" | wc -l)" -eq 1 ]
	# ... and a later run removes it, but not that of a run still going
	rm "$BATS_TEST_TMPDIR/slow/ip.log"
	SLOW_IP=2 setsid ip netns exec "$(ns dom0)" env PATH="$BATS_TEST_TMPDIR/slow:$PATH" sh "$SCRIPT" status >"$BATS_TEST_TMPDIR/slow.out" 2>&1 &
	pid=$!
	wait_for "$BATS_TEST_TMPDIR/slow/ip.log"
	run on_dom0 status
	assert_failure 1
	[ "$(ls "$TMPDIR" | wc -l)" -eq 1 ]
	wait "$pid" || true
	assert_equal "$(cat "$BATS_TEST_TMPDIR/slow.out")" "$output"
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "work directories: a TMPDIR with spaces: up, a rollback that reloads the nft table, status, plan, down" {
	export TMPDIR="$BATS_TEST_TMPDIR/tmp dir/with  spaces"
	mkdir -p "$TMPDIR"
	snapshot before
	on_dom0 up
	# a hand edit of the table, and dnsmasq stopped: up reloads the table,
	# then fails to start dnsmasq, and must put the edited table back
	nsx dom0 nft add rule inet netc forward iifname "netc-x" accept
	nsx dom0 nft list table inet netc >"$BATS_TEST_TMPDIR/nft.edited"
	kill "$(cat "$NETC_STATE_DIR/dnsmasq/natbr0.pid")"
	shim_install dnsmasq
	run shimmed SHIM_FAIL=dnsmasq:1 up
	assert_failure 1
	assert_output --partial "step failed: dnsmasq --conf-file="
	assert_output --partial "rolled back: the host is as it was before this run"
	nsx dom0 nft list table inet netc >"$BATS_TEST_TMPDIR/nft.after"
	assert_same "$BATS_TEST_TMPDIR/nft.edited" "$BATS_TEST_TMPDIR/nft.after"
	run on_dom0 up
	assert_success
	run on_dom0 status
	assert_success
	run on_dom0 plan
	assert_success
	assert_line "# nothing: the host matches the topology"
	on_dom0 down
	assert_unchanged
	[ -z "$(ls -A "$TMPDIR")" ]
}
