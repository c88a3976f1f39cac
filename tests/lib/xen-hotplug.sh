#!/bin/sh
# xen-hotplug.sh DIR BRCTL SCRIPT ARGS...: run one of Xen's hotplug scripts,
# unmodified, as libxl runs it, in a private mount namespace (run it under
# `unshare -m --propagation private`, inside the dom0's network namespace)
# that keeps it from writing anything of the machine's:
# * DIR/log is mounted on /var/log, so xen-hotplug-common.sh's
#   `exec 2>>/var/log/xen/xen-hotplug.log` writes the test's own log;
# * `logger` fails: /bin/false is mounted on it (util-linux's logger exits 0
#   when /dev/log cannot be reached, and the message would be lost), so
#   logging.sh's fallback writes each message to stderr, which is that log;
#   and /dev/null is mounted on /dev/log (when the machine has one), so
#   nothing reaches the machine's syslog or journal either way;
# * BRCTL: "hide" mounts a non-executable empty file on every brctl on
#   PATH (bridge-utils absent: vif-bridge and xen-network-common.sh take
#   their `ip` paths); "trace" mounts DIR/brctl-trace, which logs each call
#   to DIR/log/xen/brctl.log and runs the real brctl; anything else leaves
#   brctl as the machine has it.
set -eu
dir=$1 brctl=$2
shift 2
mkdir -p "$dir/log/xen"
mount --bind "$dir/log" /var/log
if [ -e /dev/log ]; then
	mount --bind /dev/null /dev/log
fi
for l in $(which -a logger 2>/dev/null | xargs -r readlink -f | sort -u); do
	mount --bind "$(readlink -f /bin/false)" "$l"
done
case $brctl in
hide | trace)
	for b in $(which -a brctl 2>/dev/null | xargs -r readlink -f | sort -u); do
		if [ "$brctl" = hide ]; then
			: >"$dir/noexec"
			chmod 644 "$dir/noexec"
			mount --bind "$dir/noexec" "$b"
		else
			: >"$dir/brctl.real"
			mount --bind "$b" "$dir/brctl.real"
			cat >"$dir/brctl-trace" <<TRACE
#!/bin/sh
echo "brctl \$*" >>/var/log/xen/brctl.log
exec "$dir/brctl.real" "\$@"
TRACE
			chmod 755 "$dir/brctl-trace"
			mount --bind "$dir/brctl-trace" "$b"
		fi
	done
	;;
esac
exec "$@"
