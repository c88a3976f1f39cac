#!/usr/bin/env bats
# Hostile input (docs/limits.md): every case in tests/hostile/ and the
# generated ones below ends in exit 1 with positioned diagnostics (or exit 0
# where the text is legal), writes nothing when it fails, takes seconds and
# bounded memory, and never runs anything.  The payloads all run `touch p`:
# each case runs in a scratch directory that must never hold a file `p`.

load helper
load lib/limits

HOSTILE="$TOP/tests/hostile"
XLCHECK="$TOP/tests/xlcheck"

setup() {
	RUN="$BATS_TEST_TMPDIR/run"
	mkdir -p "$RUN"
	cd "$RUN"
}

teardown() {
	# Whatever a test did, nothing may have run a payload.
	[ ! -e "$RUN/p" ] || fail "a payload ran: $RUN/p exists"
}

# Limits for one compilation of a small hostile file.
KB=65536
SECONDS_MAX=5
# The targets each case is compiled to.
TARGETS="sh xl"

# Sizes of the generated cases.  Under valgrind (50 times slower) a tenth:
# there the point is memory errors on these paths, not the figures.
if [ "${NETC_SANITIZER:-}" = valgrind ]; then
	MB4=400000 MB8=800000
else
	MB4=4000000 MB8=8000000
fi

# The last run's stderr without the excerpt and caret lines under each
# diagnostic ("  12 | text", "     | ^~~").
EXCERPT='^ *[0-9]* \| '
not_excerpts() {
	[ "${#stderr_lines[@]}" -eq 0 ] || printf '%s\n' "${stderr_lines[@]}" | grep -Ev "$EXCERPT" || true
}

# Its diagnostics, notes left out.
heads() {
	not_excerpts | grep -v ': note: ' || true
}

# compile_case FILE STATUS [ERROR-LINE...]: compile FILE, in the working
# directory $RUN, with -t sh and with -t xl.  Each run exits STATUS; its
# diagnostics, notes aside, are exactly the lines given, in order; every
# line netc wrote to stderr is a positioned diagnostic of FILE, an excerpt,
# or netc's own count of what it did not show; no control character is
# printed raw; a failed run creates no output and leaves no temporary; the
# run stays within $KB KiB and $SECONDS_MAX seconds.
compile_case() {
	local file=$1 want=$2 t line
	shift 2
	for t in $TARGETS; do
		rm -rf "out-$t"
		measured "$NETC" -t "$t" "$file" -o "out-$t"
		[ "$status" -eq "$want" ] || fail "-t $t $file: exit $status, not $want; stderr: $stderr"
		assert_equal "$(heads)" "$(printf '%s\n' "$@")"
		while IFS= read -r line; do
			[[ "$line" =~ ^"$file":[0-9]+:[0-9]+:\ (error|warning|note):\  ]] ||
				[[ "$line" =~ ^netc:\ ([0-9]+\ more\ diagnostics?\ not\ shown|too\ many\ errors) ]] ||
				fail "-t $t $file: not a positioned diagnostic: $line"
		done < <(not_excerpts)
		if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' <<<"$stderr"; then
			fail "-t $t $file: a raw control character in the diagnostics"
		fi
		if [ "$want" -ne 0 ]; then
			[ ! -e "out-$t" ] || fail "-t $t $file: failed, yet wrote out-$t"
		else
			[ -e "out-$t" ] || fail "-t $t $file: succeeded, yet wrote nothing"
		fi
		assert_equal "$(find . -name '.netc-*')" ""
		assert_peak_kb "$KB"
		assert_seconds "$SECONDS_MAX"
	done
}

# hostile FILE STATUS [ERROR-LINE...]: compile_case on tests/hostile/FILE.
hostile() {
	cp "$HOSTILE/$1" "$RUN/"
	compile_case "$@"
}

@test "hostile: every file in tests/hostile/ is a case of this file" {
	local f
	for f in "$HOSTILE"/*; do
		grep -qE "[ \"/]$(basename "$f" | sed 's/[.]/[.]/g')([ \";]|\$)" "$BATS_TEST_FILENAME" ||
			fail "tests/hostile/$(basename "$f") is not used by tests/hostile.bats"
	done
}

# The warning each 'id' key gets (the cases below keep theirs: they test
# its value).
OBSOLETE_ID="warning: 'id' is obsolete and does nothing: xl cannot choose a domain's id, so netc no longer names backends vifID.DEVID after it; remove it [-Wobsolete-id]"

# ---- shell syntax in names: refused by the name checks ----

@test "hostile: \$(…) in a network name" {
	hostile dollar.yaml 1 \
		"dollar.yaml:4:3: error: network name '\$(touch p)' has a character outside [A-Za-z0-9_.-]" \
		"dollar.yaml:6:29: error: network '\$(touch p)' is not defined"
	hostile dollar.netc 1 \
		"dollar.netc:3:9: error: network name '\$(touch p)' has a character outside [A-Za-z0-9_.-]" \
		"dollar.netc:4:28: error: network '\$(touch p)' is not defined"
}

@test "hostile: backquotes in a domain name" {
	hostile backquote.yaml 1 \
		"backquote.yaml:6:3: error: domain name '\`touch p\`' has a character outside [A-Za-z0-9_.-]"
	hostile backquote.netc 1 \
		"backquote.netc:4:8: error: domain name '\`touch p\`' has a character outside [A-Za-z0-9_.-]"
}

@test "hostile: single quotes in an uplink, double quotes in a vif name" {
	hostile quote.yaml 1 \
		"quote.yaml:4:21: error: 'uplink' value 'x';touch p;'' has a character outside [A-Za-z0-9_.-]"
	hostile quote.netc 1 \
		"quote.netc:3:25: error: 'uplink' value 'x';touch p;'' has a character outside [A-Za-z0-9_.-]"
	hostile dquote.yaml 1 \
		"dquote.yaml:6:10: $OBSOLETE_ID" \
		"dquote.yaml:6:33: error: 'name' value 'v\";touch p;\"' has a character outside [A-Za-z0-9_.-]"
	hostile dquote.netc 1 \
		"dquote.netc:4:14: $OBSOLETE_ID" \
		"dquote.netc:4:31: error: 'name' value 'v\";touch p;\"' has a character outside [A-Za-z0-9_.-]"
}

@test "hostile: ';' in a NIC name (a quoted key is a syntax error in netc)" {
	hostile semicolon.yaml 1 \
		"semicolon.yaml:4:19: error: NIC name 'eth0;touch p' has a character outside [A-Za-z0-9_.-]" \
		"semicolon.yaml:6:21: error: 'uplink' value 'eth0;touch p' has a character outside [A-Za-z0-9_.-]"
	hostile semicolon.netc 1 \
		"semicolon.netc:4:20: error: unexpected string \"eth0;touch p\", expected word or '}'" \
		"semicolon.netc:5:25: error: 'uplink' value 'eth0;touch p' has a character outside [A-Za-z0-9_.-]"
}

@test "hostile: a newline in a host name, a space in a bridge name" {
	hostile newline.yaml 1 \
		"newline.yaml:4:3: error: host name 'xen1\\ntouch p' has a character outside [A-Za-z0-9_.-]"
	hostile newline.netc 1 \
		"newline.netc:3:6: error: host name 'xen1\\ntouch p' has a character outside [A-Za-z0-9_.-]"
	hostile space.yaml 1 \
		"space.yaml:4:3: error: network name 'xenbr0 touch' has a character outside [A-Za-z0-9_.-]"
	hostile space.netc 1 \
		"space.netc:3:9: error: network name 'xenbr0 touch' has a character outside [A-Za-z0-9_.-]"
}

@test "hostile: ',' and '=' that would add keys to a vif spec" {
	hostile gatewaydev.yaml 1 \
		"gatewaydev.yaml:4:3: error: route network 'routed' needs 'gatewaydev' (the dom0 interface whose address routed guests use)" \
		"gatewaydev.yaml:4:38: error: 'gatewaydev' value 'eth0,script=p' has a character outside [A-Za-z0-9_.-]"
	hostile gatewaydev.netc 1 \
		"gatewaydev.netc:3:9: error: route network 'routed' needs 'gatewaydev' (the dom0 interface whose address routed guests use)" \
		"gatewaydev.netc:3:41: error: 'gatewaydev' value 'eth0,script=p' has a character outside [A-Za-z0-9_.-]"
	hostile script.yaml 1 \
		"script.yaml:8:19: error: invalid script 'vif-bridge; touch p'; expected 1-255 of [A-Za-z0-9_./-]" \
		"script.yaml:9:19: error: invalid script 'vif-bridge,bridge=evil'; expected 1-255 of [A-Za-z0-9_./-]"
	hostile script.netc 1 \
		"script.netc:5:18: error: invalid script 'vif-bridge; touch p'; expected 1-255 of [A-Za-z0-9_./-]" \
		"script.netc:6:18: error: invalid script 'vif-bridge,bridge=evil'; expected 1-255 of [A-Za-z0-9_./-]"
	hostile rate.yaml 1 \
		"rate.yaml:8:17: error: invalid rate '10Mb/s,script=p'; expected e.g. 10Mb/s or 1MB/s@20ms (numbers 1-4294967295, no leading zeros)" \
		"rate.yaml:9:18: error: invalid model 'e1000;touch p'; expected 1-255 of [A-Za-z0-9_.-]" \
		"rate.yaml:10:20: error: 'backend' value '\$(touch p)' has a character outside [A-Za-z0-9_.-]"
	hostile rate.netc 1 \
		"rate.netc:5:16: error: invalid rate '10Mb/s,script=p'; expected e.g. 10Mb/s or 1MB/s@20ms (numbers 1-4294967295, no leading zeros)" \
		"rate.netc:6:17: error: invalid model 'e1000;touch p'; expected 1-255 of [A-Za-z0-9_.-]" \
		"rate.netc:7:19: error: 'backend' value '\$(touch p)' has a character outside [A-Za-z0-9_.-]"
}

@test "hostile: a YAML tag that makes other loaders run a command" {
	hostile tag.yaml 1 \
		"tag.yaml:4:11: error: YAML tags are not supported ('!!python/object/apply:os.system'); remove the tag"
	hostile directive.yaml 1 \
		"directive.yaml:5:21: error: YAML tags are not supported ('!e!bridge'); remove the tag"
}

# ---- bytes: NUL, not UTF-8, invisible characters ----

@test "hostile: a NUL byte in the file, and the escapes that would make one" {
	hostile nul-byte.yaml 1 "nul-byte.yaml:4:6: error: input holds a NUL byte"
	hostile nul-byte.netc 1 "nul-byte.netc:3:12: error: input holds a NUL byte"
	hostile nul-escape.yaml 1 \
		"nul-escape.yaml:4:3: error: network name 'xen\\x00br0' has a character outside [A-Za-z0-9_.-]"
	hostile nul-escape.netc 1 \
		"nul-escape.netc:3:9: error: network name 'xen\\x00br0' has a character outside [A-Za-z0-9_.-]" \
		"nul-escape.netc:3:13: error: invalid escape '\\x00' in string; netc knows \\\", \\\\, \\n, \\t, \\r and \\x01-\\x7f"
}

@test "hostile: not UTF-8: Latin-1, overlong, surrogate, cut short, UTF-16" {
	hostile latin1.yaml 1 "latin1.yaml:1:26: error: input is not valid UTF-8 (byte 0xe9)"
	hostile latin1.netc 1 "latin1.netc:1:26: error: input is not valid UTF-8 (byte 0xe9)"
	hostile overlong.yaml 1 "overlong.yaml:3:4: error: input is not valid UTF-8 (byte 0xc0)"
	hostile overlong.netc 1 "overlong.netc:2:10: error: input is not valid UTF-8 (byte 0xc0)"
	hostile surrogate.yaml 1 "surrogate.yaml:3:4: error: input is not valid UTF-8 (byte 0xed)"
	hostile surrogate.netc 1 "surrogate.netc:2:10: error: input is not valid UTF-8 (byte 0xed)"
	hostile truncated.yaml 1 "truncated.yaml:4:14: error: input is not valid UTF-8 (byte 0xe2)"
	hostile truncated.netc 1 "truncated.netc:3:14: error: input is not valid UTF-8 (byte 0xe2)"
	hostile utf16.yaml 1 "utf16.yaml:1:1: error: input is not valid UTF-8 (byte 0xff)"
}

@test "hostile: escapes, C1 controls, bidi and zero-width characters are shown escaped" {
	hostile escapes.yaml 1 \
		"escapes.yaml:5:3: error: network name 'xen""é""br0' has a character outside [A-Za-z0-9_.-]" \
		"escapes.yaml:6:3: error: network name 'br\\x1b[2J' has a character outside [A-Za-z0-9_.-]" \
		"escapes.yaml:7:3: error: network name 'br\\u009b31m' has a character outside [A-Za-z0-9_.-]" \
		"escapes.yaml:8:3: error: network name 'br\\u2028x' has a character outside [A-Za-z0-9_.-]"
	hostile invisible.yaml 1 \
		"invisible.yaml:4:3: error: network name 'xen\\u202ebr0' has a character outside [A-Za-z0-9_.-]" \
		"invisible.yaml:5:3: error: network name 'xen\\u200bbr1' has a character outside [A-Za-z0-9_.-]"
	hostile invisible.netc 1 \
		"invisible.netc:3:9: error: network name 'xen\\u202ebr0' has a character outside [A-Za-z0-9_.-]" \
		"invisible.netc:4:9: error: network name 'xen\\u200bbr1' has a character outside [A-Za-z0-9_.-]"
	# The excerpt shows the source line with '?' for the invisible characters,
	# one per character, so the caret still lines up.
	run --separate-stderr "$NETC" --check invisible.yaml
	assert_equal "${stderr_lines[1]}" '    4 |   "xen?br0": {}'
	assert_equal "${stderr_lines[2]}" '      |   ^~~~~~~~~'
}

# ---- numbers ----

@test "hostile: integers past 64 bits" {
	hostile bigint.yaml 1 \
		"bigint.yaml:4:33: error: 'vlan' must be between 1 and 4094, not 99999999999999999999999999999999" \
		"bigint.yaml:4:72: error: 'mtu' must be between 68 and 65535, not 18446744073709551616" \
		"bigint.yaml:5:39: error: 'forward-delay' must be between 2 and 30, not 9223372036854775808" \
		"bigint.yaml:6:27: error: 'vni' must be between 1 and 16777215, not 18446744073709551617" \
		"bigint.yaml:6:55: error: 'port' must be between 1 and 65535, not -9223372036854775809" \
		"bigint.yaml:8:10: $OBSOLETE_ID" \
		"bigint.yaml:8:14: error: 'id' must be between 1 and 32751, not 340282366920938463463374607431768211456"
	hostile bigint.netc 1 \
		"bigint.netc:3:36: error: 'vlan' must be between 1 and 4094, not 99999999999999999999999999999999" \
		"bigint.netc:3:74: error: 'mtu' must be between 68 and 65535, not 18446744073709551616" \
		"bigint.netc:4:42: error: 'forward-delay' must be between 2 and 30, not 9223372036854775808" \
		"bigint.netc:5:30: error: 'vni' must be between 1 and 16777215, not 18446744073709551617" \
		"bigint.netc:5:57: error: 'port' must be between 1 and 65535, not -9223372036854775809" \
		"bigint.netc:6:14: $OBSOLETE_ID" \
		"bigint.netc:6:17: error: 'id' must be between 1 and 32751, not 340282366920938463463374607431768211456"
	hostile version.yaml 1 \
		"version.yaml:1:10: error: 'version' must be between -9223372036854775808 and 9223372036854775807, not 18446744073709551617"
	hostile version.netc 1 \
		"version.netc:1:9: error: 'version' must be between -9223372036854775808 and 9223372036854775807, not 18446744073709551617"
}

@test "hostile: negative, zero and -0 ids; hex and exponents are not integers" {
	hostile negative.yaml 1 \
		"negative.yaml:4:33: error: 'vlan' must be between 1 and 4094, not -1" \
		"negative.yaml:4:42: error: 'mtu' must be between 68 and 65535, not -0" \
		"negative.yaml:6:8: $OBSOLETE_ID" \
		"negative.yaml:6:12: error: 'id' must be between 1 and 32751, not -1" \
		"negative.yaml:7:8: $OBSOLETE_ID" \
		"negative.yaml:7:12: error: 'id' must be between 1 and 32751, not 0" \
		"negative.yaml:8:8: $OBSOLETE_ID" \
		"negative.yaml:8:12: error: 'id' must be between 1 and 32751, not -0" \
		"negative.yaml:9:8: $OBSOLETE_ID" \
		"negative.yaml:9:12: error: 'id' must be an integer, not '0x10'" \
		"negative.yaml:10:8: $OBSOLETE_ID" \
		"negative.yaml:11:8: $OBSOLETE_ID" \
		"negative.yaml:11:12: error: 'id' must be an integer, not '1e3'" \
		"negative.yaml:12:8: $OBSOLETE_ID"
	hostile negative.netc 1 \
		"negative.netc:3:36: error: 'vlan' must be between 1 and 4094, not -1" \
		"negative.netc:3:44: error: 'mtu' must be between 68 and 65535, not -0" \
		"negative.netc:4:12: $OBSOLETE_ID" \
		"negative.netc:4:15: error: 'id' must be between 1 and 32751, not -1" \
		"negative.netc:5:12: $OBSOLETE_ID" \
		"negative.netc:5:15: error: 'id' must be between 1 and 32751, not 0" \
		"negative.netc:6:12: $OBSOLETE_ID" \
		"negative.netc:6:15: error: 'id' must be between 1 and 32751, not -0" \
		"negative.netc:7:12: $OBSOLETE_ID" \
		"negative.netc:7:15: error: 'id' must be an integer, not '0x10'" \
		"negative.netc:8:12: $OBSOLETE_ID" \
		"negative.netc:9:12: $OBSOLETE_ID" \
		"negative.netc:9:15: error: 'id' must be an integer, not '1e3'" \
		"negative.netc:10:12: $OBSOLETE_ID"
}

# ---- wrong types ----

@test "hostile: a wrong type in every place that has a type" {
	hostile types.yaml 1 \
		"types.yaml:2:10: error: 'version' must be an integer, not a list" \
		"types.yaml:3:11: error: 'defaults' must be a map, not a list" \
		"types.yaml:4:8: error: 'hosts' must be a map, not 'xen1'" \
		"types.yaml:6:3: error: 'networks' must be a map, not a list" \
		"types.yaml:9:5: $OBSOLETE_ID" \
		"types.yaml:9:9: error: 'id' must be an integer, not a map" \
		"types.yaml:10:11: error: 'type' must be a string, not a list" \
		"types.yaml:11:11: error: 'host' must be a string, not a map" \
		"types.yaml:12:11: error: 'vifs' must be a list of vifs, not a map" \
		"types.yaml:13:9: error: 'xl' must be a map, not a list" \
		"types.yaml:15:5: $OBSOLETE_ID" \
		"types.yaml:15:9: error: 'id' must be an integer, not '2'" \
		"types.yaml:17:9: error: a vif must be a map, not a list" \
		"types.yaml:17:9: error: vif 0 of domain 'mail' has no network to attach to: the topology defines none" \
		"types.yaml:18:9: error: vif 1 of domain 'mail' has no network to attach to: the topology defines none" \
		"types.yaml:18:18: error: 'network' must be a string, not a list" \
		"types.yaml:19:14: error: 'mac' must be a string, not a map" \
		"types.yaml:20:13: error: 'ip' must be an address or a list of addresses, not a map" \
		"types.yaml:22:15: error: 'rate' must be a string, not a map" \
		"types.yaml:23:14: error: 'mtu' must be an integer, not '1500'" \
		"types.yaml:24:19: error: xl value of 'memory' must be a string, number, boolean or a list of them, not a map" \
		"types.yaml:24:40: error: xl value of 'disk' must be a string, number, boolean or a list of them, not a list" \
		"types.yaml:24:64: error: xl value of 'kernel' must be a string, number, boolean or a list of them, not a map"
	hostile types.netc 1 \
		"types.netc:2:9: error: 'version' must be an integer, not a list" \
		"types.netc:3:10: error: 'defaults' must be a map, not a list" \
		"types.netc:4:1: error: in netc, hosts are written as 'host NAME { ... }' blocks" \
		"types.netc:5:1: error: in netc, networks are written as 'network NAME { ... }' blocks" \
		"types.netc:7:5: $OBSOLETE_ID" \
		"types.netc:7:8: error: 'id' must be an integer, not a map" \
		"types.netc:8:10: error: 'type' must be a string, not a list" \
		"types.netc:9:5: error: a host block needs a name: 'host NAME { ... }'" \
		"types.netc:10:5: error: in netc, vifs are written as 'vif { ... }' blocks, one per vif" \
		"types.netc:11:8: error: 'xl' must be a map, not a list" \
		"types.netc:14:5: $OBSOLETE_ID" \
		"types.netc:14:8: error: 'id' must be an integer, not '2'" \
		"types.netc:15:5: error: vif 0 of domain 'mail' has no network to attach to: the topology defines none" \
		"types.netc:15:19: error: 'network' must be a string, not a list" \
		"types.netc:15:35: error: 'mac' must be a string, not a map" \
		"types.netc:15:47: error: 'ip' must be an address or a list of addresses, not a map" \
		"types.netc:15:70: error: 'rate' must be a string, not a map" \
		"types.netc:15:83: error: 'mtu' must be an integer, not '1500'" \
		"types.netc:16:17: error: xl value of 'memory' must be a string, number, boolean or a list of them, not a map"
}

@test "hostile: wrong types inside networks" {
	hostile network-types.yaml 1 \
		"network-types.yaml:4:11: error: 'xenbr0' must be a map, not a list" \
		"network-types.yaml:5:19: error: 'mode' must be a string, not a list" \
		"network-types.yaml:5:39: error: 'uplink' must be a string, not a map" \
		"network-types.yaml:5:57: error: 'stp' must be true or false, not 'yes'" \
		"network-types.yaml:5:67: error: 'mtu' must be an integer, not '1500.0'" \
		"network-types.yaml:5:81: error: 'vlan' must be an integer, not '10'" \
		"network-types.yaml:6:3: error: nat network 'xenbr2' needs 'address' (the guests' gateway, e.g. 10.0.2.1/24)" \
		"network-types.yaml:6:33: error: 'address' must be a string, not a list" \
		"network-types.yaml:6:60: warning: outbound '7' is declared nowhere; taking it as a NIC of dom0 [-Winferred-interface]" \
		"network-types.yaml:6:69: error: 'dhcp' must be a map, not '10.0.2.100-10.0.2.200'" \
		"network-types.yaml:7:20: error: 'vxlan' must be a map, not '4789'" \
		"network-types.yaml:7:33: error: 'hosts' must be a list of host names, not 'xen1'"
	hostile network-types.netc 1 \
		"network-types.netc:3:1: error: in netc, networks are written as 'network NAME { ... }' blocks" \
		"network-types.netc:4:23: error: 'mode' must be a string, not a list" \
		"network-types.netc:4:42: error: 'uplink' must be a string, not a map" \
		"network-types.netc:4:58: error: 'stp' must be true or false, not 'yes'" \
		"network-types.netc:4:67: error: 'mtu' must be an integer, not '1500.0'" \
		"network-types.netc:4:80: error: 'vlan' must be an integer, not '10'" \
		"network-types.netc:5:9: error: nat network 'xenbr2' needs 'address' (the guests' gateway, e.g. 10.0.2.1/24)" \
		"network-types.netc:5:36: error: 'address' must be a string, not a list" \
		"network-types.netc:5:62: warning: outbound '7' is declared nowhere; taking it as a NIC of dom0 [-Winferred-interface]" \
		"network-types.netc:5:70: error: 'dhcp' must be a map, not '10.0.2.100-10.0.2.200'" \
		"network-types.netc:6:24: error: 'vxlan' must be a map, not '4789'" \
		"network-types.netc:6:36: error: 'hosts' must be a list of host names, not 'xen1'"
}

# ---- empty files and YAML's document features ----

@test "hostile: empty, blank, comment-only and BOM-only files are an empty topology at 1:1" {
	local f
	for f in empty.yaml empty.netc blank.yaml blank.netc comment-only.yaml comment-only.netc \
	    bom-only.yaml bom-only.netc; do
		hostile "$f" 1 \
			"$f:1:1: error: the topology is empty; it needs at least 'version: 1' (netc: 'version 1;')"
	done
	hostile empty-document.yaml 1 \
		"empty-document.yaml:1:1: error: the topology is empty; it needs at least 'version: 1' (netc: 'version 1;')"
}

@test "hostile: a second YAML document is refused, even after '...'" {
	hostile documents.yaml 1 \
		"documents.yaml:3:1: error: a topology is one YAML document; a second document starts here"
	hostile document-end.yaml 1 \
		"document-end.yaml:4:1: error: a topology is one YAML document; a second document starts here"
}

@test "hostile: merge keys, with and without an alias; an alias inside its own anchor" {
	hostile merge.yaml 1 \
		"merge.yaml:5:5: error: the YAML merge key '<<' is not supported; write the keys out in full"
	hostile merge-alias.yaml 1 \
		"merge-alias.yaml:3:7: error: YAML anchors are not supported ('&base'); write the value out in full" \
		"merge-alias.yaml:5:13: error: the YAML merge key '<<' is not supported; write the keys out in full"
	hostile alias-self.yaml 1 \
		"alias-self.yaml:3:11: error: YAML anchors are not supported ('&n'); write the value out in full" \
		"alias-self.yaml:3:24: error: YAML aliases are not supported ('*n'); write the value out in full"
}

@test "hostile: billion laughs through the whole compiler: refused at once, nothing expands" {
	cp "$TOP/tests/data/yaml/billion-laughs.yaml" .
	KB=16384 SECONDS_MAX=2 compile_case billion-laughs.yaml 1 \
		"billion-laughs.yaml:1:4: error: YAML anchors are not supported ('&a'); write the value out in full" \
		"billion-laughs.yaml:2:4: error: YAML anchors are not supported ('&b'); write the value out in full" \
		"billion-laughs.yaml:2:8: error: YAML aliases are not supported ('*a'); write the value out in full" \
		"billion-laughs.yaml:3:4: error: YAML anchors are not supported ('&c'); write the value out in full" \
		"billion-laughs.yaml:3:8: error: YAML aliases are not supported ('*b'); write the value out in full" \
		"billion-laughs.yaml:4:4: error: YAML anchors are not supported ('&d'); write the value out in full" \
		"billion-laughs.yaml:4:8: error: YAML aliases are not supported ('*c'); write the value out in full" \
		"billion-laughs.yaml:5:4: error: YAML anchors are not supported ('&e'); write the value out in full" \
		"billion-laughs.yaml:5:8: error: YAML aliases are not supported ('*d'); write the value out in full" \
		"billion-laughs.yaml:6:4: error: YAML anchors are not supported ('&f'); write the value out in full" \
		"billion-laughs.yaml:6:8: error: YAML aliases are not supported ('*e'); write the value out in full" \
		"billion-laughs.yaml:7:4: error: YAML anchors are not supported ('&g'); write the value out in full" \
		"billion-laughs.yaml:7:8: error: YAML aliases are not supported ('*f'); write the value out in full" \
		"billion-laughs.yaml:8:4: error: YAML anchors are not supported ('&h'); write the value out in full" \
		"billion-laughs.yaml:8:8: error: YAML aliases are not supported ('*g'); write the value out in full" \
		"billion-laughs.yaml:9:4: error: YAML anchors are not supported ('&i'); write the value out in full" \
		"billion-laughs.yaml:9:8: error: YAML aliases are not supported ('*h'); write the value out in full"
}

@test "hostile: 200,000 distinct anchors and aliases: the error cap holds, memory stays small" {
	awk 'BEGIN {
		print "version: 1"
		print "networks:"
		for (i = 0; i < 100000; i++) printf "  n%d: &a%d {}\n", i, i
		print "domains:"
		for (i = 0; i < 100000; i++) printf "  d%d: *a%d\n", i, i
	}' > anchors.yaml
	KB=262144 SECONDS_MAX=10 compile_case anchors.yaml 1 \
		"$(awk 'BEGIN { for (i = 0; i < 50; i++) printf "anchors.yaml:%d:%d: error: YAML anchors are not supported (\047&a%d\047); write the value out in full\n", i + 3, 6 + length(i), i }')" \
		"netc: 9950 more diagnostics not shown" \
		"netc: too many errors; stopped after 10000"
}

# ---- size: long strings, deep nesting, floods of errors ----

# long_word N CHAR: N bytes of CHAR.
long_word() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

@test "hostile: a 4 MB network name: refused, the message quotes 64 characters" {
	# YAML: a key of more than 1024 characters must be explicit ('? KEY').
	{ printf 'version: 1\nnetworks:\n  ? '; long_word $MB4 a; printf '\n  : {}\n'; } > long.yaml
	{ printf 'version 1;\nnetwork '; long_word $MB4 a; printf ' { }\n'; } > long.netc
	local quoted
	quoted="$(long_word 64 a)..."
	KB=131072 compile_case long.yaml 1 \
		"long.yaml:3:5: error: network name '$quoted' is $MB4 bytes; interface names are 1-15 bytes"
	KB=131072 compile_case long.netc 1 \
		"long.netc:2:9: error: network name '$quoted' is $MB4 bytes; interface names are 1-15 bytes"
	# An implicit key that long is a YAML syntax error, at its ':'.
	{ printf 'version: 1\nnetworks:\n  '; long_word $MB4 a; printf ': {}\n'; } > implicit.yaml
	KB=131072 compile_case implicit.yaml 1 \
		"implicit.yaml:3:$((MB4 + 3)): error: mapping values are not allowed here: quote a value that contains ': ', or check the indentation"
}

@test "hostile: a 4 MB unknown key and a 4 MB unknown mode: no did-you-mean blow-up" {
	{ printf 'version: 1\nnetworks:\n  xenbr0:\n    ? '; long_word $MB4 m
	  printf '\n    : 1\n    mode: '; long_word $MB4 b; printf '\n'; } > key.yaml
	{ printf 'version 1;\nnetwork xenbr0 { '; long_word $MB4 m; printf ' 1; mode '
	  long_word $MB4 b; printf '; }\n'; } > key.netc
	local quoted_m quoted_b
	quoted_m="$(long_word 64 m)..."
	quoted_b="$(long_word 64 b)..."
	KB=131072 compile_case key.yaml 1 \
		"key.yaml:4:7: error: unknown key '$quoted_m' in network 'xenbr0'" \
		"key.yaml:6:11: error: unknown mode '$quoted_b'; expected bridge, isolated, nat or route"
	KB=131072 compile_case key.netc 1 \
		"key.netc:2:18: error: unknown key '$quoted_m' in network 'xenbr0'" \
		"key.netc:2:$((MB4 + 27)): error: unknown mode '$quoted_b'; expected bridge, isolated, nat or route"
}

@test "hostile: an 8 MB xl value is legal: written once, read back exactly by libxlutil" {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
	{ printf 'version: 1\nnetworks: { xenbr0: {} }\ndomains:\n  big:\n    xl:\n      extra: "'
	  long_word $MB8 x; printf '$(touch p)\\"\\n'"'"'"\n'; } > bigval.yaml
	KB=131072 compile_case bigval.yaml 0
	{ long_word $MB8 x; printf '$(touch p)"\n'"'"; } > want
	"$XLCHECK" --get extra out-xl/big.cfg > got
	cmp got want
	run "$XLCHECK" out-xl/big.cfg
	assert_success
}

@test "hostile: 100,000 levels of nesting through the whole compiler, both syntaxes" {
	awk 'BEGIN { printf "version: 1\nnetworks: "; for (i = 0; i < 100000; i++) printf "["; print "" }' > deep-flow.yaml
	awk 'BEGIN { printf "version: 1\nx:\n  "; for (i = 0; i < 100000; i++) printf "- "; print "y" }' > deep-block.yaml
	awk 'BEGIN { printf "version 1;\n"; for (i = 0; i < 100000; i++) printf "a {"; print "" }' > deep.netc
	awk 'BEGIN { printf "version 1;\ndomain d { xl { k "; for (i = 0; i < 100000; i++) printf "["; print "" }' > deep-list.netc
	compile_case deep-flow.yaml 1 \
		"deep-flow.yaml:2:42: error: too deeply nested: maps and lists may nest at most 32 levels"
	compile_case deep-block.yaml 1 \
		"deep-block.yaml:3:65: error: too deeply nested: maps and lists may nest at most 32 levels"
	compile_case deep.netc 1 \
		"deep.netc:2:96: error: too deeply nested: maps and lists may nest at most 32 levels"
	compile_case deep-list.netc 1 \
		"deep-list.netc:2:20: error: unexpected '[', expected word, string or ']'"
}

@test "hostile: 20,000 references to undefined networks among 20,000 names: seconds, not minutes" {
	[ "${NETC_SANITIZER:-}" != valgrind ] || skip "a bound on time and memory: natively and under ASan only"
	awk 'BEGIN {
		print "version: 1"
		print "networks:"
		for (i = 0; i < 20000; i++) printf "  net%05d: {}\n", i
		print "domains:"
		for (i = 0; i < 20000; i++) printf "  d%d: { vifs: [ { network: nex%05d } ] }\n", i, i
	}' > undefined.yaml
	KB=131072 SECONDS_MAX=5 compile_case undefined.yaml 1 \
		"$(awk 'BEGIN { for (i = 0; i < 50; i++) printf "undefined.yaml:%d:%d: error: network \047nex%05d\047 is not defined\n", 20004 + i, 27 + length(i), i }')" \
		"netc: 9957 more diagnostics not shown" \
		"netc: too many errors; stopped after 10000"
	# The first ones still get their did-you-mean.
	assert_equal "${stderr_lines[3]}" "undefined.yaml:20004:28: note: did you mean 'net00000'?"
}

@test "hostile: an error for every pair of 2,000 hosts and 2,000 uplinks: capped, small" {
	[ "${NETC_SANITIZER:-}" != valgrind ] || skip "a bound on time and memory: natively and under ASan only"
	awk 'BEGIN {
		print "version: 1"
		print "hosts:"
		for (i = 0; i < 2000; i++) printf "  h%d: { nics: { eth0: null } }\n", i
		print "networks:"
		for (i = 0; i < 2000; i++) printf "  n%d: { uplink: eth%d }\n", i, i + 1
	}' > pairs.yaml
	KB=262144 SECONDS_MAX=5 compile_case pairs.yaml 1 \
		"$(awk 'BEGIN { for (i = 0; i < 50; i++) printf "pairs.yaml:2004:17: error: host \047h%d\047 has no NIC \047eth1\047 (uplink of network \047n0\047)\n", i }')" \
		"netc: 9950 more diagnostics not shown" \
		"netc: too many errors; stopped after 10000"
}

@test "hostile: 20,000 undefined outbound NICs on a host of 20,000 NICs: capped, small" {
	[ "${NETC_SANITIZER:-}" != valgrind ] || skip "a bound on time and memory: natively and under ASan only"
	awk 'BEGIN {
		print "version: 1"
		print "hosts:"
		print "  h0:"
		print "    nics:"
		for (i = 0; i < 20000; i++) printf "      eth%d: null\n", i
		print "networks:"
		for (i = 0; i < 20000; i++)
			printf "  n%d: { mode: nat, address: 10.%d.%d.1/24, outbound: nope%d }\n", i, int(i / 256) % 256, i % 256, i
	}' > outbound.yaml
	KB=262144 SECONDS_MAX=5 measured "$NETC" --check outbound.yaml
	assert_equal "$status" 1
	assert_equal "${stderr_lines[${#stderr_lines[@]} - 1]}" "netc: too many errors; stopped after 10000"
	assert_peak_kb 262144
	assert_seconds 5
}

# ---- legal text that looks like code ----

@test "hostile: legal xl payloads are escaped and read back exactly by libxlutil" {
	[ -x "$XLCHECK" ] || fail "tests/xlcheck is not built: make tests/xlcheck"
	local f
	for f in xl-payloads.yaml xl-payloads.netc; do
		hostile "$f" 0
		run "$XLCHECK" out-xl/evil.cfg
		assert_success
		same() {
			"$XLCHECK" --get "$1" out-xl/evil.cfg > got || fail "xlcheck --get $1"
			printf '%s' "$2" > want
			cmp got want || fail "$1: got $(od -An -c got)"
		}
		same name 'evil'
		same 'vif[0]' 'mac=00:16:3e:f0:27:a3,bridge=xenbr0,script=vif-bridge,ip=10.0.1.7,vifname=evil-0'
		same kernel '$(touch p)'
		same ramdisk '`touch p`'
		same extra "x'; touch p; '"
		same cmdline 'a";touch p;"b'
		same bootloader "\"
vif = [ 'bridge=evil' ]
name = \"evil2"
		same on_crash '# not a comment ] [ , = \'
		same 'device_model_args[0]' '$(touch p)'
		same 'device_model_args[1]' "'"
		same 'device_model_args[2]' '"'
		same 'device_model_args[3]' '\'
		same 'device_model_args[4]' '; touch p'
		same 'device_model_args[5]' ']'
		same 'device_model_args[6]' "[ 'x' ]"
		same 'device_model_args[7]' ','
		same 'device_model_args[8]' '='
		same 'device_model_args[9]' $'\n'
		# One vif line and one name line: nothing was injected.
		assert_equal "$(grep -c '^vif = ' out-xl/evil.cfg)" 1
		assert_equal "$(grep -c '^name = ' out-xl/evil.cfg)" 1
	done
}

@test "hostile: legal xl payloads survive the canonical printers: yaml and netc round trips" {
	local e
	cp "$HOSTILE/xl-payloads.yaml" "$HOSTILE/xl-payloads.netc" .
	for e in yaml netc; do
		"$NETC" -t json "xl-payloads.$e" > "ir.$e.json"
		"$NETC" -t yaml "xl-payloads.$e" -o canon.yaml
		"$NETC" -t netc "xl-payloads.$e" -o canon.netc
		"$NETC" -t json canon.yaml > back.yaml.json
		"$NETC" -t json canon.netc > back.netc.json
		# The JSON names its source in no place that differs: compare whole.
		cmp <(grep -v '"source' "ir.$e.json") <(grep -v '"source' back.yaml.json)
		cmp <(grep -v '"source' "ir.$e.json") <(grep -v '"source' back.netc.json)
	done
	cmp ir.yaml.json ir.netc.json
}

@test "hostile: the payloads reach no script; the host scripts of that topology run clean" {
	require_root
	local t
	cp "$HOSTILE/xl-payloads.yaml" .
	for t in sh network-bridge; do
		"$NETC" -t "$t" xl-payloads.yaml -o "$t.out"
		! grep -q 'touch p' "$t.out" || fail "-t $t: a payload reached the script"
	done
	# Run the host script for real in a network namespace of its own.
	export NETC_STATE_DIR="$BATS_TEST_TMPDIR/state"
	run unshare -n sh -c 'sh sh.out up && sh sh.out status && sh sh.out down'
	assert_success
}

@test "hostile: legal names that look like options ('-h', '--', '.x', 'x..') build and tear down" {
	require_root
	cat > names.yaml <<-'EOF'
	version: 1
	networks:
	  "-h": { mode: isolated, address: 10.0.1.1/24 }
	  "--": { mode: isolated, address: 10.0.2.1/24 }
	  ".x": { mode: isolated, address: 10.0.3.1/24 }
	  "x..": { mode: bridge }
	domains:
	  "-rf": { id: 1, vifs: [ { network: "-h", name: "-n" } ] }
	  "..": { vifs: [ { network: "--" } ] }
	EOF
	"$NETC" names.yaml -o setup.sh
	"$NETC" -t xl names.yaml -o xl
	run "$XLCHECK" xl/-rf.cfg xl/...cfg
	assert_success
	export NETC_STATE_DIR="$BATS_TEST_TMPDIR/state"
	run unshare -n sh -c '
		ip -j link > before
		sh setup.sh up || exit 1
		for b in -h -- .x x..; do ip link show dev "$b" type bridge >/dev/null || exit 2; done
		sh setup.sh status || exit 3
		sh setup.sh down || exit 4
		ip -j link > after
		cmp before after || exit 5'
	assert_success
}
