#!/usr/bin/env bats
# Every sample, from both syntaxes, to every target (docs/language.md, samples/):
# identical JSON IR, identical outputs apart from comments (which name source
# lines and the source's SHA-256), fixpoint round trips, deterministic bytes.

load helper

SINGLE_TARGETS="sh network-bridge vif json dot yaml netc lab"
PER_HOST_TARGETS=" sh network-bridge "

setup() {
	cd "$TOP"
}

samples() {
	for f in samples/*.yaml; do
		basename "$f" .yaml
	done
}

# The hosts of a topology, from its JSON IR.
hosts_of() {
	"$NETC" -t json "$1" | awk '/^  "hosts": \{/ { on = 1; next }
		on && /^  [}]/ { exit }
		on && /^    "[^"]*": \{/ { split($0, q, "\""); print q[2] }'
}

# Run target $1 on topology $2 into $3, once per host for per-host targets
# (their outputs concatenated).
compile_to() {
	local t=$1 f=$2 out=$3 h
	: > "$out"
	if [[ $PER_HOST_TARGETS == *" $t "* ]]; then
		for h in $(hosts_of "$f"); do
			"$NETC" -q -t "$t" --host "$h" "$f" >> "$out" || return 1
		done
	else
		"$NETC" -q -t "$t" "$f" > "$out"
	fi
}

# Drop comment lines: they cite source lines and the source's hash.
strip_comments() {
	grep -v '^[[:space:]]*#' "$1" || true
}

@test "there is a netc twin for every YAML sample and vice versa" {
	for f in samples/*.yaml; do [ -f "${f%.yaml}.netc" ] || fail "$f has no .netc twin"; done
	for f in samples/*.netc; do [ -f "${f%.netc}.yaml" ] || fail "$f has no .yaml twin"; done
}

@test "every sample compiles from both syntaxes to byte-identical JSON" {
	for s in $(samples); do
		"$NETC" -t json "samples/$s.yaml" > "$BATS_TEST_TMPDIR/$s.y.json"
		"$NETC" -t json "samples/$s.netc" > "$BATS_TEST_TMPDIR/$s.n.json"
		cmp "$BATS_TEST_TMPDIR/$s.y.json" "$BATS_TEST_TMPDIR/$s.n.json" ||
			fail "$s: JSON differs between syntaxes"
	done
}

@test "every sample gives the same output of every target from both syntaxes" {
	for s in $(samples); do
		for t in $SINGLE_TARGETS; do
			compile_to "$t" "samples/$s.yaml" "$BATS_TEST_TMPDIR/y"
			compile_to "$t" "samples/$s.netc" "$BATS_TEST_TMPDIR/n"
			strip_comments "$BATS_TEST_TMPDIR/y" > "$BATS_TEST_TMPDIR/y.s"
			strip_comments "$BATS_TEST_TMPDIR/n" > "$BATS_TEST_TMPDIR/n.s"
			cmp "$BATS_TEST_TMPDIR/y.s" "$BATS_TEST_TMPDIR/n.s" ||
				fail "$s: -t $t differs between syntaxes"
		done
		rm -rf "$BATS_TEST_TMPDIR/xy" "$BATS_TEST_TMPDIR/xn"
		"$NETC" -q -t xl "samples/$s.yaml" -o "$BATS_TEST_TMPDIR/xy"
		"$NETC" -q -t xl "samples/$s.netc" -o "$BATS_TEST_TMPDIR/xn"
		for f in "$BATS_TEST_TMPDIR"/xy/*.cfg; do
			g="$BATS_TEST_TMPDIR/xn/$(basename "$f")"
			[ -f "$g" ] || fail "$s: $(basename "$f") only from YAML"
			diff <(strip_comments "$f") <(strip_comments "$g") || fail "$s: $(basename "$f") differs"
		done
		[ "$(ls "$BATS_TEST_TMPDIR/xy")" = "$(ls "$BATS_TEST_TMPDIR/xn")" ]
	done
}

@test "yaml -> netc -> yaml and netc -> yaml -> netc are fixpoints" {
	local d=$BATS_TEST_TMPDIR
	skip_under_valgrind "the readers and printers of 'every sample gives the same output of every target' again: natively and under ASan only"
	for s in $(samples); do
		"$NETC" -t yaml "samples/$s.yaml" -o "$d/a.yaml"      # canonical YAML
		"$NETC" -t netc "$d/a.yaml" -o "$d/b.netc"
		"$NETC" -t yaml "$d/b.netc" -o "$d/c.yaml"
		cmp "$d/a.yaml" "$d/c.yaml" || fail "$s: yaml -> netc -> yaml changed it"
		"$NETC" -t netc "samples/$s.netc" -o "$d/a.netc"      # canonical netc
		"$NETC" -t yaml "$d/a.netc" -o "$d/b.yaml"
		"$NETC" -t netc "$d/b.yaml" -o "$d/c.netc"
		cmp "$d/a.netc" "$d/c.netc" || fail "$s: netc -> yaml -> netc changed it"
		# Canonical forms are canonical: printing them again changes nothing.
		"$NETC" -t yaml "$d/a.yaml" | cmp - "$d/a.yaml"
		"$NETC" -t netc "$d/a.netc" | cmp - "$d/a.netc"
		# ... and the JSON IR of all of them is the same.
		"$NETC" -t json "samples/$s.yaml" > "$d/ref.json"
		for f in "$d/a.yaml" "$d/b.netc" "$d/c.yaml" "$d/a.netc" "$d/b.yaml"; do
			"$NETC" -t json "$f" | cmp - "$d/ref.json" || fail "$s: JSON of $(basename "$f") differs"
		done
	done
}

@test "outputs are deterministic: the same input twice gives the same bytes" {
	skip_under_valgrind "'every sample gives the same output of every target' makes these runs, where an uninitialised byte is a valgrind error"
	for s in $(samples); do
		for t in $SINGLE_TARGETS; do
			compile_to "$t" "samples/$s.yaml" "$BATS_TEST_TMPDIR/1"
			compile_to "$t" "samples/$s.yaml" "$BATS_TEST_TMPDIR/2"
			cmp "$BATS_TEST_TMPDIR/1" "$BATS_TEST_TMPDIR/2" || fail "$s -t $t is not deterministic"
		done
	done
}

@test "the canonical forms of the classic sample read as expected" {
	# Checked by hand against docs/language.md: canonical key order
	# (version, defaults, hosts, networks, domains; id, host, type, vifs,
	# xl), comments dropped, one-line vif blocks in netc, strings quoted only
	# where a bare word would not read back as the same string.
	run "$NETC" -t netc samples/classic.yaml
	assert_success
	assert_output - <<'EOF2'
version 1;

defaults {
    mac-seed classic.example.org;
    network xenbr0;
}

network xenbr0 {
    mode bridge;
    uplink eth0;
}

network xenbr1 {
    mode bridge;
    uplink eth1;
}

domain web {
    vif { }
    xl {
        memory 256;
        vcpus 1;
        kernel /boot/vmlinuz-6.1.0-xen-amd64;
        ramdisk /boot/initrd.img-6.1.0-xen-amd64;
        root "/dev/xvda1 ro";
        disk [ "phy:/dev/vg0/web-root,xvda1,w" ];
    }
}

domain mail {
    vif { network xenbr0; mac 00:16:3e:00:00:11; }
    xl {
        memory 512;
        kernel /boot/vmlinuz-6.1.0-xen-amd64;
        disk [ "phy:/dev/vg0/mail-root,xvda1,w" ];
    }
}

domain backup {
    vif { }
    vif { network xenbr1; }
    xl {
        memory 256;
        kernel /boot/vmlinuz-6.1.0-xen-amd64;
        disk [ "phy:/dev/vg0/backup-root,xvda1,w", "phy:/dev/vg0/backup-data,xvdb,w" ];
    }
}
EOF2
}

@test "the bridge sample's NIC in the map form: canonical YAML, netc and json" {
	# Checked by hand against docs/language.md: address, gateway, dns in
	# that order; the scalar form stays a scalar, an empty map is null.
	run "$NETC" -t yaml samples/bridge.yaml
	assert_success
	assert_output --partial "hosts:
  xen1:
    nics:
      eth0:
        address: 192.0.2.10/24
        gateway: 192.0.2.1
        dns:
          - 192.0.2.53
networks:"
	run "$NETC" -t netc samples/bridge.netc
	assert_success
	assert_output --partial "host xen1 {
    nics {
        eth0 {
            address 192.0.2.10/24;
            gateway 192.0.2.1;
            dns [ 192.0.2.53 ];
        }
    }
}"
	run "$NETC" -t json samples/bridge.yaml
	assert_success
	assert_output --partial '"eth0": {
          "address": "192.0.2.10/24",
          "gateway": "192.0.2.1",
          "dns": [
            "192.0.2.53"
          ],
          "assign": true,
          "declared": true,'
	local y
	y=$(topo forms.yaml <<'EOF'
version: 1
hosts:
  h:
    nics:
      a: 192.0.2.10/24
      b: { address: 198.51.100.10/24 }
      c: {}
      d: { address: null }
      e: { address: "2001:db8::10/64", gateway: "fe80::1" }
EOF
)
	run "$NETC" -t netc "$y"
	assert_success
	assert_output "version 1;

host h {
    nics {
        a 192.0.2.10/24;
        b {
            address 198.51.100.10/24;
        }
        c;
        d;
        e {
            address 2001:db8::10/64;
            gateway fe80::1;
        }
    }
}"
	run "$NETC" -t json "$y"
	assert_output --partial '"a": {
          "address": "192.0.2.10/24",
          "gateway": null,
          "dns": [],
          "assign": false,'
}

@test "the canonical YAML quotes what YAML tools would read as something else" {
	topo q.yaml <<'EOF2' >/dev/null
version: 1
networks:
  "123": {}
  "null": {}
domains:
  g:
    vifs:
      - network: "123"
    xl:
      a: "yes"
      b: "0x1f"
      c: "1.5"
      d: "10:20:30"
      e: "512"
      f: 512
      g: true
      h: "true"
      i: "line\nbreak\ttab \"quoted\" back\\slash"
      j: "é"
      k: ""
      l: "-"
      m: 10.0.1.1
      n: "@home"
EOF2
	run "$NETC" -q -t yaml "$BATS_TEST_TMPDIR/q.yaml"
	assert_success
	assert_output - <<'EOF2'
version: 1
networks:
  "123": {}
  "null": {}
domains:
  g:
    vifs:
      - network: "123"
    xl:
      a: "yes"
      b: "0x1f"
      c: "1.5"
      d: "10:20:30"
      e: "512"
      f: 512
      g: true
      h: "true"
      i: "line\nbreak\ttab \"quoted\" back\\slash"
      j: "\u00e9"
      k: ""
      l: "-"
      m: 10.0.1.1
      "n": "@home"
EOF2
	# (The key n is quoted too: YAML 1.1 reads a bare n as false.)
	# ... and the netc form reads back to the same IR.
	"$NETC" -t netc "$BATS_TEST_TMPDIR/q.yaml" -o "$BATS_TEST_TMPDIR/q.netc"
	"$NETC" -t json "$BATS_TEST_TMPDIR/q.yaml" > "$BATS_TEST_TMPDIR/1.json"
	"$NETC" -t json "$BATS_TEST_TMPDIR/q.netc" > "$BATS_TEST_TMPDIR/2.json"
	cmp "$BATS_TEST_TMPDIR/1.json" "$BATS_TEST_TMPDIR/2.json"
}
