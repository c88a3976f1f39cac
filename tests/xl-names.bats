#!/usr/bin/env bats
# Backend names (vifname=) that Xen's hotplug scripts and the kernel take:
# readable DOMAIN-DEVID when it is a valid name for the vif and free on its
# host, else "v" and ten base-32 digits of a hash (docs/xl.md).

load helper

bats_require_minimum_version 1.5.0

# "DOMAIN DEVID NAME" for every vif of a topology, in topology order.
vifnames() {
	"$NETC" -q -t vif "$@" | awk -F"'" '{
			name = substr($1, 1, index($1, ":") - 1); n = 0
			for (i = 2; i <= NF; i += 2) {
				v = $i; sub(/.*vifname=/, "", v); sub(/,.*/, "", v)
				print name, n++, v
			}
		}'
}

# The hash name: "v" and the first 50 bits of
# sha256("netc-vifname\0" DOMAIN "\0" DEVID[/ATTEMPT]) in base 32.
hash_name() {
	local hex bits i out=v d=abcdefghijklmnopqrstuvwxyz234567
	hex=$(printf 'netc-vifname\0%s\0%s' "$1" "$2" | sha256sum | cut -c1-13)
	bits=$(( 16#$hex >> 2 ))
	for i in 0 1 2 3 4 5 6 7 8 9; do
		out+=${d:$(( (bits >> (45 - 5 * i)) & 31 )):1}
	done
	printf '%s\n' "$out"
}

@test "names: the hash form is what the docs say (web's is vwpbg6on2th)" {
	assert_equal "$(hash_name web 0)" vwpbg6on2th
}

@test "names: DOMAIN-DEVID when it is a valid backend name, the hash form when not" {
	local t
	t=$(topo n.yaml <<-'EOF'
	version: 1
	networks: { xenbr0: {} }
	domains:
	  web: { vifs: [ {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} ] }
	  my_db-2: { vifs: [ {} ] }
	  a234567890123: { vifs: [ {} ] }
	  a2345678901234: { vifs: [ {} ] }
	  win123456: { type: hvm, vifs: [ {} ] }
	  win1234567: { type: hvm, vifs: [ {} ] }
	  www.example: { vifs: [ {} ] }
	  vif: { vifs: [ {} ] }
	  vif0: { vifs: [ {} ] }
	  vifx1: { vifs: [ {} ] }
	EOF
	)
	run vifnames "$t"
	assert_success
	assert_line "web 0 web-0"
	assert_line "web 10 web-10"
	assert_line "my_db-2 0 my_db-2-0"
	# 15 bytes fit; 16 do not
	assert_line "a234567890123 0 a234567890123-0"
	assert_line "a2345678901234 0 $(hash_name a2345678901234 0)"
	# hvm: 11 (xl names the emulated twin NAME-emu)
	assert_line "win123456 0 win123456-0"
	assert_line "win1234567 0 $(hash_name win1234567 0)"
	# a '.': Xen's set_mtu would split the name there
	assert_line "www.example 0 $(hash_name www.example 0)"
	# "vif" and a digit: Xen's own names
	assert_line "vif 0 vif-0"
	assert_line "vif0 0 $(hash_name vif0 0)"
	assert_line "vifx1 0 vifx1-0"
	# every name is a valid backend name for xl and Xen's scripts
	run bash -c "\"$NETC\" -q -t vif \"$t\" | grep -o 'vifname=[^,'\\'']*' | grep -E '\\.|=vif[0-9]'"
	assert_failure
}

@test "names: a hash name that would start with vif and a digit is derived again, silently" {
	local t
	# g.5529's first hash name is vif2e5dsyae.
	assert_equal "$(hash_name g.5529 0)" vif2e5dsyae
	t=$(topo g.yaml <<-'EOF'
	version: 1
	networks: { xenbr0: {} }
	domains:
	  g.5529: { vifs: [ {} ] }
	EOF
	)
	run --separate-stderr vifnames "$t"
	assert_output "g.5529 0 $(hash_name g.5529 0/1)"
	run --separate-stderr "$NETC" -Wno-legacy-mac --check "$t"
	assert_success
	assert_equal "$stderr" ""
}

@test "names: a DOMAIN-DEVID name a device or a named vif has gives way, with a warning" {
	local t
	t=$(topo taken.yaml <<-'EOF'
	version: 1
	hosts:
	  h1: { nics: { eth0: null, web-1: null } }
	  h2: {}
	networks:
	  web-0: {}
	  xenbr0: { uplink: eth0, hosts: [ h1 ] }
	  br2: { hosts: [ h2 ] }
	domains:
	  web: { host: h1, vifs: [ { network: xenbr0 }, { network: xenbr0 }, { network: xenbr0 } ] }
	  x: { host: h1, vifs: [ { network: xenbr0, name: web-2 } ] }
	  y: { host: h2, vifs: [ { network: br2, name: x-0 } ] }
	EOF
	)
	run --separate-stderr vifnames "$t"
	assert_output "web 0 $(hash_name web 0)
web 1 $(hash_name web 1)
web 2 $(hash_name web 2)
x 0 web-2
y 0 x-0"
	run --separate-stderr "$NETC" -Wno-legacy-mac --check "$t"
	assert_success
	run diag_lines
	assert_line -n 0 "$t:10:28: warning: derived backend name 'web-0' of vif 0 of domain 'web' is already taken; using '$(hash_name web 0)' [-Wname-collision]"
	assert_line -n 1 "$t:6:3: note: 'web-0' is the name of a bridge on host 'h1'"
	assert_line -n 2 "$t:10:49: warning: derived backend name 'web-1' of vif 1 of domain 'web' is already taken; using '$(hash_name web 1)' [-Wname-collision]"
	assert_line -n 3 "$t:3:29: note: 'web-1' is the name of a NIC on host 'h1'"
	assert_line -n 4 "$t:10:70: warning: derived backend name 'web-2' of vif 2 of domain 'web' is already taken; using '$(hash_name web 2)' [-Wname-collision]"
	assert_line -n 5 "$t:11:51: note: vif 0 of domain 'x' is named 'web-2'"
	# y's x-0 is on another host than x: nothing about it
	assert_equal "${#lines[@]}" 6
}

@test "names: the samples' backend names are readable" {
	cd "$TOP"
	run vifnames samples/classic.yaml
	assert_output "web 0 web-0
mail 0 mail-0
backup 0 backup-0
backup 1 backup-1"
}
