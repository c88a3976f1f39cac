#!/usr/bin/env bats
# The YAML front end (grammar/yaml_reader.c): the tree it builds, with
# positions, and every input it refuses, by its exact first diagnostic line.
# Expected trees were worked out by hand from the fixtures: lines and
# columns are 1-based, columns count characters, spans are inclusive.

load helper
bats_require_minimum_version 1.5.0

DATA="$BATS_TEST_DIRNAME/data/yaml"

setup() {
	cd "$DATA"
}

# Run netc --dump-ast on FILE (relative names print as given).
dump() {
	run --separate-stderr "$NETC" --dump-ast "$@"
}

# ---- the tree ----

@test "block and flow maps and lists, with positions" {
	dump tree.yaml
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<'OUT'
map@1:1-13:37
  key "version"@1:1-1:7
    scalar@1:10-1:10 "1"
  key "networks"@2:1-2:8
    map@3:3-6:26
      key "xenbr0"@3:3-3:8
        map@3:11-3:38
          key "mode"@3:12-3:15
            scalar@3:18-3:23 "bridge"
          key "uplink"@3:26-3:31
            scalar@3:34-3:37 "eth0"
      key "xenbr1"@4:3-4:8
        map@5:5-6:26
          key "mode"@5:5-5:8
            scalar@5:11-5:18 "isolated"
          key "address"@6:5-6:11
            scalar@6:14-6:26 quoted "10.0.1.1/24"
  key "domains"@7:1-7:7
    map@8:3-13:37
      key "web"@8:3-8:5
        map@9:5-13:37
          key "vifs"@9:5-9:8
            list@10:7-12:8
              map@10:9-10:23
                key "network"@10:9-10:15
                  scalar@10:18-10:23 "xenbr0"
              map@11:9-11:10
              null@12:8-12:8
          key "xl"@13:5-13:6
            map@13:9-13:37
              key "disk"@13:10-13:13
                list@13:16-13:23
                  scalar@13:17-13:17 "a"
                  scalar@13:20-13:22 quoted "b"
              key "memory"@13:26-13:31
                scalar@13:34-13:36 "512"
OUT
}

@test "quoted and block scalars are quoted; plain ones are not resolved" {
	dump scalars.yaml
	assert_success
	assert_output - <<'OUT'
map@1:1-12:10
  key "plain"@1:1-1:5
    scalar@1:8-1:18 "hello world"
  key "single"@2:1-2:6
    scalar@2:9-2:15 quoted "it's"
  key "double"@3:1-3:6
    scalar@3:9-3:24 quoted "tab\x09here\x00nul"
  key "literal"@4:1-4:7
    scalar@4:10-6:11 quoted "line one\x0aline two\x0a"
  key "folded"@7:1-7:6
    scalar@7:9-9:7 quoted "folded text"
  key "empty-quoted"@10:1-10:12
    scalar@10:15-10:16 quoted ""
  key "num"@11:1-11:3
    scalar@11:6-11:7 "42"
  key "bool"@12:1-12:4
    scalar@12:7-12:10 "true"
OUT
}

@test "plain empty, ~, null, Null, NULL are null; quoted ones and nULL are strings" {
	dump nulls.yaml
	assert_success
	assert_output - <<'OUT'
map@1:1-10:6
  key "a"@1:1-1:1
    null@1:3-1:3
  key "b"@2:1-2:1
    null@2:4-2:4
  key "c"@3:1-3:1
    null@3:4-3:7
  key "d"@4:1-4:1
    null@4:4-4:7
  key "e"@5:1-5:1
    null@5:4-5:7
  key "f"@6:1-6:1
    scalar@6:4-6:7 "nULL"
  key "g"@7:1-7:1
    scalar@7:4-7:9 quoted "null"
  key "h"@8:1-8:1
    scalar@8:4-8:6 quoted "~"
  key "i"@9:1-9:1
    list@9:4-9:12
      null@9:5-9:5
      null@9:8-9:11
  key "j"@10:1-10:1
    map@10:4-10:6
      key "k"@10:5-10:5
        null@10:6-10:6
OUT
}

@test "columns count characters, not bytes" {
	dump utf8.yaml
	assert_success
	assert_output - <<'OUT'
map@1:1-2:5
  key "名前"@1:1-1:2
    map@1:5-1:18
      key "ñet"@1:6-1:8
        scalar@1:11-1:11 "é"
      key "k"@1:14-1:14
        scalar@1:17-1:17 "v"
  key "🙂x"@2:1-2:2
    scalar@2:5-2:5 "y"
OUT
}

@test "a diagnostic after multi-byte characters has a character column" {
	dump bad-tag-utf8.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-tag-utf8.yaml:1:5: error: YAML tags are not supported ('!!str'); quote the value instead"
}

@test "CRLF line ends: lines and columns as with LF" {
	f=$(printf 'a: 1\r\nb: [x, y]\r\n' | topo crlf.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:1-2:9
  key "a"@1:1-1:1
    scalar@1:4-1:4 "1"
  key "b"@2:1-2:1
    list@2:4-2:9
      scalar@2:5-2:5 "x"
      scalar@2:8-2:8 "y"
OUT
}

@test "a byte-order mark is column 1 of line 1, and is not indentation" {
	f=$(printf '\xef\xbb\xbfa: 1\nb: 2\n' | topo bom.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:2-2:4
  key "a"@1:2-1:2
    scalar@1:5-1:5 "1"
  key "b"@2:1-2:1
    scalar@2:4-2:4 "2"
OUT
}

@test "a lone CR does not start a line (lines end at LF, as the excerpt shows them)" {
	f=$(printf 'a: 1\rb: 2\n' | topo cr.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:1-1:9
  key "a"@1:1-1:1
    scalar@1:4-1:4 "1"
  key "b"@1:6-1:6
    scalar@1:9-1:9 "2"
OUT
}

@test "an empty file, a comment-only file and an empty document are null at 1:1" {
	for text in '' '# nothing here\n' '---\n' '--- # empty\n...\n'; do
		f=$(printf "$text" | topo empty.yaml)
		dump "$f"
		assert_success
		assert_output "null@1:1-1:1"
	done
}

@test "a quoted '<<' is an ordinary key; plain y/yes/on stay text" {
	f=$(printf '"<<": yes\non: off\n' | topo quoted-merge.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:1-2:7
  key "<<"@1:1-1:4
    scalar@1:7-1:9 "yes"
  key "on"@2:1-2:2
    scalar@2:5-2:7 "off"
OUT
}

@test "duplicate keys are kept in order (the shared pass reports them)" {
	f=$(printf 'a: 1\na: 2\n' | topo dup.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:1-2:4
  key "a"@1:1-1:1
    scalar@1:4-1:4 "1"
  key "a"@2:1-2:1
    scalar@2:4-2:4 "2"
OUT
}

@test "a block collection ends at its last child, not at the comments after it" {
	f=$(printf 'a:\n  b: 1\n# comment\n\nc: 2\n' | topo block-end.yaml)
	dump "$f"
	assert_success
	assert_output - <<'OUT'
map@1:1-5:4
  key "a"@1:1-1:1
    map@2:3-2:6
      key "b"@2:3-2:3
        scalar@2:6-2:6 "1"
  key "c"@5:1-5:1
    scalar@5:4-5:4 "2"
OUT
}

# ---- refused YAML features ----

@test "an anchor is refused at the anchor" {
	dump bad-anchor.yaml
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"bad-anchor.yaml:2:11: error: YAML anchors are not supported ('&d'); write the value out in full"
}

@test "an alias is refused at the alias" {
	dump bad-alias.yaml
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"bad-alias.yaml:3:8: error: YAML aliases are not supported ('*tmpl'); write the value out in full"
}

@test "a tag on a scalar is refused: quote the value" {
	dump bad-tag.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-tag.yaml:1:10: error: YAML tags are not supported ('!!int'); quote the value instead"
}

@test "a tag on a map is refused" {
	dump bad-tag-map.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-tag-map.yaml:1:11: error: YAML tags are not supported ('!netmap'); remove the tag"
}

@test "the merge key is refused" {
	dump bad-merge.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-merge.yaml:3:5: error: the YAML merge key '<<' is not supported; write the keys out in full"
}

@test "<<: *alias is one error at '<<', plus the anchor's" {
	dump bad-merge-alias.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-merge-alias.yaml:1:7: error: YAML anchors are not supported ('&base'); write the value out in full
bad-merge-alias.yaml:3:3: error: the YAML merge key '<<' is not supported; write the keys out in full
OUT
}

@test "a second document is refused at its start" {
	dump bad-second-doc.yaml
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"bad-second-doc.yaml:2:1: error: a topology is one YAML document; a second document starts here"
}

@test "billion laughs: refused at the first anchor, each name once, at once" {
	run --separate-stderr timeout 5 "$NETC" --dump-ast billion-laughs.yaml
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"billion-laughs.yaml:1:4: error: YAML anchors are not supported ('&a'); write the value out in full"
	# nine anchors and eight alias names
	assert_equal "$(diag_lines | grep -c ': error: ')" 17
}

# ---- syntax errors ----

@test "a tab in indentation" {
	dump bad-tab.yaml
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"bad-tab.yaml:3:1: error: tabs are not allowed for indentation in YAML; use spaces"
}

@test "a tab after a plain value, on the next line" {
	f=$(printf 'a:\n  b: 1\n\tc: 2\n' | topo tab2.yaml)
	dump "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"$f:3:1: error: tabs are not allowed for indentation in YAML; use spaces"
}

@test "an unterminated quote is reported at the opening quote" {
	dump bad-unclosed-quote.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-unclosed-quote.yaml:3:18: error: unterminated quoted string (the closing " is missing)
bad-unclosed-quote.yaml:4:1: note: the input ends here
OUT
}

@test "key: value: x" {
	dump bad-colon-value.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-colon-value.yaml:4:17: error: mapping values are not allowed here: quote a value that contains ': ', or check the indentation"
}

@test "a key indented to no level of the mapping" {
	dump bad-indent.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-indent.yaml:4:4: error: did not find expected key (check the indentation)
bad-indent.yaml:2:3: note: while parsing a block mapping
OUT
}

@test "a stray ']'" {
	dump bad-stray-bracket.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-stray-bracket.yaml:1:13: error: unexpected ']' (no matching '[' is open)"
}

@test "an unclosed '[' is reported at the '['" {
	dump bad-unclosed-bracket.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-unclosed-bracket.yaml:2:9: error: unclosed '[' (the closing ']' is missing)
bad-unclosed-bracket.yaml:3:1: note: the input ends here
OUT
}

@test "a key without ':'" {
	dump bad-missing-colon.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-missing-colon.yaml:2:1: error: missing ':' after this mapping key"
}

@test "an unknown escape keeps libyaml's words and context" {
	dump bad-escape.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-escape.yaml:1:5: error: found unknown escape character
bad-escape.yaml:1:4: note: while parsing a quoted scalar
OUT
}

@test "a control character is positioned and named" {
	f=$(printf 'version: 1\a\n' | topo control.yaml)
	dump "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"$f:1:11: error: control character U+0007 is not allowed in YAML"
}

# ---- keys ----

@test "a list as a key" {
	dump bad-key-list.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-key-list.yaml:1:3: error: a mapping key must be a string, not a list"
}

@test "a map as a key" {
	dump bad-key-map.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"bad-key-map.yaml:1:1: error: a mapping key must be a string, not a map"
}

@test "a null key" {
	dump bad-key-null.yaml
	assert_failure 1
	run diag_lines
	assert_output - <<'OUT'
bad-key-null.yaml:2:3: error: a mapping key must be a string, not null
bad-key-null.yaml:2:3: note: write '~' in quotes to use it as a key
OUT
}

@test "an empty key" {
	dump bad-key-empty.yaml
	assert_failure 1
	assert_equal "$(first_stderr_line)" "bad-key-empty.yaml:1:2: error: missing mapping key"
}

@test "': x' in a block mapping" {
	f=$(printf 'a: 1\n: x\n' | topo colon-key.yaml)
	dump "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" "$f:2:1: error: missing mapping key before ':'"
}

@test "': x' in a flow mapping" {
	f=$(printf '{: x}\n' | topo colon-key-flow.yaml)
	dump "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" "$f:1:2: error: missing mapping key before ':'"
}

# ---- nesting and size ----

@test "32 levels of nesting are fine, 33 are not" {
	f=$(awk 'BEGIN { for (i = 0; i < 32; i++) printf "["; for (i = 0; i < 32; i++) printf "]"; print "" }' |
		topo ok32.yaml)
	dump "$f"
	assert_success
	f=$(awk 'BEGIN { for (i = 0; i < 33; i++) printf "["; for (i = 0; i < 33; i++) printf "]"; print "" }' |
		topo bad33.yaml)
	dump "$f"
	assert_failure 1
	assert_output ""
	assert_equal "$(first_stderr_line)" \
		"$f:1:33: error: too deeply nested: maps and lists may nest at most 32 levels"
}

@test "indented block maps: the 33rd level is the error" {
	f=$(awk 'BEGIN { for (i = 0; i < 40; i++) { for (j = 0; j < i; j++) printf " "; print "k" i ":" } }' |
		topo deep-block.yaml)
	dump "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" \
		"$f:33:33: error: too deeply nested: maps and lists may nest at most 32 levels"
}

# 100,000 levels: one positioned error, quickly, in little memory.
deep() {
	local name=$1 unit=$2 tail=$3 col=$4 f
	f=$(awk -v u="$unit" -v t="$tail" 'BEGIN { for (i = 0; i < 100000; i++) printf "%s", u; print t }' |
		topo "$name")
	run --separate-stderr timeout 5 "$NETC" --dump-ast "$f"
	assert_failure 1
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 3
	assert_equal "$(first_stderr_line)" \
		"$f:1:$col: error: too deeply nested: maps and lists may nest at most 32 levels"
}

@test "100000 levels of '['" {
	deep flow-seq.yaml '[' '' 33
}

@test "100000 levels of '{a: '" {
	deep flow-map.yaml '{a: ' '' 129
}

@test "100000 levels of block sequences ('- - - ...')" {
	deep block-seq.yaml '- ' 'x' 65
}

@test "100000 levels of block maps ('? ? ? ...')" {
	deep block-map.yaml '? ' 'x' 65
}

@test "a 20 MB topology parses, in seconds" {
	skip_under_valgrind "a time bound; tests/large.bats compiles megabytes under valgrind"
	f="$BATS_TEST_TMPDIR/big.yaml"
	awk 'BEGIN {
		print "version: 1"
		print "networks:"
		print "  xenbr0: {mode: bridge, uplink: eth0}"
		print "  xenbr1: {mode: isolated, address: 10.0.1.1/24}"
		print "domains:"
		for (i = 0; i < 48000; i++) {
			printf "  dom%d:\n    id: %d\n    vifs:\n", i, i + 1
			for (j = 0; j < 4; j++)
				printf "      - network: xenbr%d\n        ip: 10.0.%d.%d\n        mac: \"00:16:3e:%02x:%02x:%02x\"\n",
					j % 2, j, i % 250 + 2, int(i / 256) % 256, i % 256, j
			print "    xl: {memory: 512, kernel: /boot/vmlinuz-xen, disk: [\"phy:/dev/vg/web,xvda,w\"]}"
		}
	}' > "$f"
	[ "$(wc -c < "$f")" -gt 20000000 ]
	[ "$(wc -l < "$f")" -eq 768005 ]
	out="$BATS_TEST_TMPDIR/big.dump"
	run --separate-stderr sh -c 'timeout 60 "$1" --dump-ast "$2" > "$3"' sh "$NETC" "$f" "$out"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(head -n 1 "$out")" "map@1:1-768005:82"
	assert_equal "$(grep -c '^      key "dom[0-9]*"@' "$out")" 48000
	assert_equal "$(tail -n 1 "$out")" \
		'                  scalar@768005:57-768005:80 quoted "phy:/dev/vg/web,xvda,w"'
}

# ---- streaming the domains (compile.h) ----
# When compiling, the reader hands each domain to the schema as soon as it
# is read and reuses its nodes.  None of that may show: the diagnostics and
# outputs are those of the whole tree, whatever comes after the domains.

@test "streaming: domains' errors are reported with those of keys read after them" {
	f=$(topo streamed.yaml <<'EOF2'
version: 1
domains:
  web:
    colour: red
    vifs:
      - { network: xenbr0, mac: "zz" }
  web:
    vifs: []
  db:
    vifs:
      - { network: nowhere }
domains:
  other: {}
networks:
  xenbr0: { mode: bridge, uplink: eth0 }
EOF2
	)
	check_fails "$f" "$(cat <<OUT
$f:4:5: error: unknown key 'colour' in domain 'web'
$f:6:33: error: invalid MAC 'zz'; expected six hex octets like 00:16:3e:00:00:01, or 'random'
$f:7:3: error: domain 'web' is defined twice
$f:3:3: note: first defined here
$f:11:20: error: network 'nowhere' is not defined
$f:12:1: error: key 'domains' appears twice in the topology
$f:2:1: note: first given here
OUT
)"
}

@test "streaming: a YAML error after domains with errors shows the YAML error alone" {
	f=$(topo late-error.yaml <<'EOF2'
version: 1
domains:
  web:
    colour: red
  db:
    vifs:
      - { network: xenbr0, mac: "zz" }
  bad: [ unclosed
EOF2
	)
	check_fails "$f" "$(cat <<OUT
$f:8:8: error: unclosed '[' (the closing ']' is missing)
$f:9:1: note: the input ends here
OUT
)"
	f=$(topo late-anchor.yaml <<'EOF2'
version: 1
domains:
  web:
    colour: red
  db: &db
    vifs: []
EOF2
	)
	check_fails "$f" \
		"$f:5:7: error: YAML anchors are not supported ('&db'); write the value out in full"
}

@test "streaming: past 10,000 errors in streamed domains a later YAML error still shows alone" {
	# The schema's 10,050 errors pass the cap (DIAG_RECORD_CAP), which stops
	# a reader; this one reads on, finds the unclosed '[' and takes them back.
	f="$BATS_TEST_TMPDIR/many.yaml"
	awk 'BEGIN { print "version: 1"; print "domains:"
		for (i = 0; i < 10050; i++) printf "  d%d: { colour: red }\n", i
		print "  bad: [ x" }' > "$f"
	check_fails "$f" "$(cat <<OUT
$f:10053:8: error: unclosed '[' (the closing ']' is missing)
$f:10054:1: note: the input ends here
OUT
)"
	# Without the YAML error, the schema's errors are what is shown.
	sed -i '$d' "$f"
	run --separate-stderr "$NETC" --check "$f"
	assert_failure 1
	assert_equal "$(diag_lines | head -n 1)" "$f:3:9: error: unknown key 'colour' in domain 'd0'"
	assert_equal "${stderr_lines[${#stderr_lines[@]} - 1]}" "netc: too many errors; stopped after 10000"
}

@test "streaming: a domains map read whole (--dump-ast) and streamed compile alike" {
	# Both readers stream, each its own way: the same topology from both
	# syntaxes must give the same IR, here with the domains before the
	# networks they name.
	f=$(topo order.yaml <<'EOF2'
version: 1
domains:
  web: { vifs: [ { network: xenbr0 } ] }
networks:
  xenbr0: { mode: bridge, uplink: eth0 }
EOF2
	)
	run --separate-stderr "$NETC" -t netc "$f" -o "$BATS_TEST_TMPDIR/order.netc"
	assert_success
	run --separate-stderr "$NETC" -t json "$f"
	assert_success
	yaml_json=$output
	run --separate-stderr "$NETC" -t json "$BATS_TEST_TMPDIR/order.netc"
	assert_success
	assert_equal "$output" "$yaml_json"
	dump "$f"
	assert_success
	assert_line '      key "web"@3:3-3:5'
}
