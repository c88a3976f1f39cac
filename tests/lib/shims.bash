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
