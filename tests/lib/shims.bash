# PATH shims for fault injection and process counting in the host script's
# tests (bash, sourced after `load helper`).  The script puts the system
# directories after the caller's PATH, so a shim directory in front wins.
#
#   shim_install CMD   a shim for CMD in $SHIM_DIR; it logs every call to
#                      $SHIM_DIR/CMD.log and passes it to the real command, except:
#     SHIM_FAIL=CMD:N       the Nth call of CMD fails with exit 1
#     SHIM_TERM=CMD:N       the Nth call of CMD runs, then sends SIGTERM to
#                           its caller (the script)
#     SHIM_BATCH_FAIL_AT=K  (ip) in an `ip -batch FILE`, line K is replaced
#                           by a command that fails, so the real ip applies
#                           lines 1..K-1 and fails at line K
#   shim_path          the PATH to run the script with
#   shim_calls CMD     how many times CMD ran

SHIM_DIR="$BATS_TEST_TMPDIR/shim"

shim_install() {
	local cmd=$1 real
	real=$(command -v "$cmd") || return 1
	mkdir -p "$SHIM_DIR"
	cat >"$SHIM_DIR/$cmd" <<EOF
#!/bin/sh
real=$real
log=$SHIM_DIR/$cmd.log
n=1
[ ! -f "\$log" ] || n=\$(( \$(wc -l <"\$log") + 1 ))
echo "\$*" >>"\$log"
if [ "$cmd:\$n" = "\${SHIM_FAIL:-}" ]; then
	echo "$cmd (test shim): call \$n fails: $cmd \$*" >&2
	exit 1
fi
if [ "$cmd" = ip ] && [ -n "\${SHIM_BATCH_FAIL_AT:-}" ] && [ "\$1" = -batch ] && [ -f "\$2" ]; then
	awk -v k="\$SHIM_BATCH_FAIL_AT" '{ print NR == k ? "link set netc-no-such-dev up" : \$0 }' "\$2" >"\$2.shim"
	exec "\$real" -batch "\$2.shim"
fi
if [ "\$1" = -batch ] && [ -f "\$2" ]; then
	echo "batch of \$(wc -l <"\$2") lines" >>"$SHIM_DIR/$cmd.batches"
fi
if [ "$cmd:\$n" = "\${SHIM_TERM:-}" ]; then
	"\$real" "\$@"
	rc=\$?
	kill -TERM "\$PPID"
	exit \$rc
fi
exec "\$real" "\$@"
EOF
	chmod +x "$SHIM_DIR/$cmd"
}

shim_path() { printf '%s:%s\n' "$SHIM_DIR" "$PATH"; }

# shimmed [VAR=VALUE...] ARGS...: run the script in dom0 with the shims
# first in PATH (inside the namespace, so `ip netns exec` is not counted).
shimmed() {
	local vars=()
	while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
		vars+=("$1")
		shift
	done
	nsx dom0 env PATH="$(shim_path)" "${vars[@]}" sh "$SCRIPT" "$@"
}

shim_calls() {
	if [ -f "$SHIM_DIR/$1.log" ]; then wc -l <"$SHIM_DIR/$1.log"; else echo 0; fi
}

shim_reset() { rm -f "$SHIM_DIR"/*.log "$SHIM_DIR"/*.batches; }

# Process-group kill shims (the kill sweep, tests/sh_journal.bats): a lost
# SSH session or the OOM killer takes the whole process group, `ip -batch`
# included, so these kill the group, never the script alone.
#
#   killshim_install DIR CMD...   shims in DIR for each CMD; every call is
#                                 numbered (one counter for all, DIR/count)
#                                 and logged to DIR/log, then:
#     SWEEP_KILL_AT=N      call N kills its process group (kill -KILL 0)
#                          before it runs
#     SWEEP_BATCH_AT=K     (ip) the run's first `ip [-force] -batch FILE`
#                          applies lines 1..K of FILE, then kills the group
#   Each batch file is kept as DIR/batch.N (N: the call).
#   Run the script as its own process group: setsid -w sh SCRIPT VERB, with
#   PATH=DIR:$PATH and SWEEP_DIR=DIR.
killshim_install() {
	local dir=$1 cmd real
	shift
	mkdir -p "$dir"
	for cmd; do
		real=$(command -v "$cmd") || return 1
		cat >"$dir/$cmd" <<EOF
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
d=\${SWEEP_DIR:?}
n=\$(flock "\$d/count" sh -c 'n=\$(cat "\$0" 2>/dev/null || echo 0); echo \$((n + 1)) | tee "\$0"' "\$d/count")
echo "\$n $cmd \$*" >>"\$d/log"
[ "\$n" != "\${SWEEP_KILL_AT:-}" ] || kill -KILL 0
if [ "$cmd" = ip ]; then
	force=
	[ "\$1" != -force ] || { force=-force; shift; }
	if [ "\$1" = -batch ]; then
		cp "\$2" "\$d/batch.\$n"
		if [ -n "\${SWEEP_BATCH_AT:-}" ] && [ ! -e "\$d/batched" ]; then
			: >"\$d/batched"
			head -n "\$SWEEP_BATCH_AT" "\$2" >"\$d/batch.head"
			$real \$force -batch "\$d/batch.head"
			kill -KILL 0
		fi
	fi
	set -- \$force "\$@"
fi
exec $real "\$@"
EOF
		chmod +x "$dir/$cmd"
	done
}

# killshim_reset DIR: a new run (counter, log, batch flag).
killshim_reset() { rm -f "$1/count" "$1/log" "$1/batched" "$1"/batch.*; }

# Every external command the engine runs, for killshim_install (sleep
# apart: how often dnsmasq's stop polls is timing, not a step).
# parallel namespaces for the sweep points (sweep_setup, sweep_all)
SWEEP_WORKERS=${SWEEP_WORKERS:-4}
SWEEP_CMDS="ip awk cat cp mv rm mkdir rmdir sed grep cmp cksum tr wc tail mktemp id date nft dnsmasq"

# sweep_host K: dom0 d$K with eth0 on a LAN l$K (192.0.2.10/24 and
# 2001:db8::10/64, default routes via .1 and ::1) and eth1 on w$K
# (203.0.113.10/24): the hosts of samples/classic.yaml and of the modes
# sample (tests/data/sh/modes.yaml) alike.
sweep_host() {
	local k=$1
	ns_add "d$k"
	ns_add "l$k"
	ns_add "w$k"
	ns_nic "d$k" eth0 "l$k" 192.0.2.10/24 192.0.2.1
	nsx "d$k" ip -6 addr add 2001:db8::10/64 dev eth0
	nsx "l$k" ip -6 addr add 2001:db8::1/64 dev lan0
	nsx "d$k" ip -6 route add default via 2001:db8::1 dev eth0 metric 100
	ns_nic "d$k" eth1 "w$k" 203.0.113.10/24
	nsx "w$k" ip addr add 203.0.113.1/24 dev lan0
}

# sweep_setup: SWEEP_WORKERS dom0s (sweep_host), each with its work
# directory w$K, its kill shims shim$K and its starting dump w$K/before.
sweep_setup() {
	local k
	for k in $(seq 0 $((SWEEP_WORKERS - 1))); do
		sweep_host "$k"
		mkdir -p "$BATS_TEST_TMPDIR/w$k"
		# shellcheck disable=SC2086 # one command a word
		killshim_install "$BATS_TEST_TMPDIR/shim$k" $SWEEP_CMDS
		host_dump "d$k" "$BATS_TEST_TMPDIR/state$k" >"$BATS_TEST_TMPDIR/w$k/before"
	done
}

# sweep_run K SCRIPT VERB: SCRIPT in d$K, as an admin runs it.
sweep_run() {
	nsx "d$1" env NETC_STATE_DIR="$BATS_TEST_TMPDIR/state$1" sh "$2" "$3"
}

# sweep_killed K SCRIPT VERB VAR=VALUE: SCRIPT in d$K as its own process
# group, the kill shims first in PATH.
sweep_killed() {
	local d="$BATS_TEST_TMPDIR/shim$1"
	killshim_reset "$d"
	nsx "d$1" env PATH="$d:$PATH" SWEEP_DIR="$d" NETC_STATE_DIR="$BATS_TEST_TMPDIR/state$1" "$4" \
		setsid -w sh "$2" "$3"
}

# sweep_restored K WHAT: d$K is as it was before the point (w$K/before);
# else says so, naming WHAT, with the difference, and fails.
sweep_restored() {
	local w="$BATS_TEST_TMPDIR/w$1"
	host_dump "d$1" "$BATS_TEST_TMPDIR/state$1" >"$w/now"
	diff -u "$w/before" "$w/now" >"$w/diff" && return 0
	echo "$2: then up, status, down did not restore the host:"
	cat "$w/diff"
	return 1
}

# sweep_all POINT: `POINT K WORDS...` for each element of the caller's
# pts (its words), spread over the SWEEP_WORKERS namespaces, all at once;
# what failing points print is shown, and any failure fails.
sweep_all() {
	local point=$1 k failed=0
	for k in $(seq 0 $((SWEEP_WORKERS - 1))); do
		(
			set +e
			i=0
			# shellcheck disable=SC2154 # the caller's pts
			for p in "${pts[@]}"; do
				if [ $((i % SWEEP_WORKERS)) = "$k" ]; then
					# shellcheck disable=SC2086
					"$point" "$k" $p >>"$BATS_TEST_TMPDIR/w$k/fail" || exit 1
				fi
				i=$((i + 1))
			done
		) &
	done
	for k in $(seq 0 $((SWEEP_WORKERS - 1))); do wait -n || failed=1; done
	for k in $(seq 0 $((SWEEP_WORKERS - 1))); do cat "$BATS_TEST_TMPDIR/w$k/fail" 2>/dev/null; done
	[ "$failed" = 0 ]
}
