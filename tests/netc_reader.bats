#!/usr/bin/env bats
# The netc front end (grammar/netc.l, netc.y, netc_reader.c): the tree each
# statement builds, token positions, lexical and syntax errors, recovery,
# the nesting limit and large inputs.  Runs only the reader (--dump-ast),
# but for the streaming cases, which compile.
#
# Every expected dump below was worked out by hand from docs/language.md and the
# rules in netc.y; positions are line:column, columns counting characters.

load helper
bats_require_minimum_version 1.5.0

DATA="$BATS_TEST_DIRNAME/data/netc"
BAD_ESCAPE_Q='error: invalid escape '\''\q'\'' in string; netc knows \", \\, \n, \t, \r and \x01-\x7f'

# Parse stdin as $BATS_TEST_TMPDIR/NAME (default t.netc); F is its path.
parse() {
	F=$(topo "${1:-t.netc}")
	run --separate-stderr "$NETC" --dump-ast "$F"
}

# The run failed with exactly this first diagnostic line ("LINE:COL: error: MSG").
assert_error() {
	assert_failure 1
	assert_equal "$(first_stderr_line)" "$F:$1"
}

# Number of "error:" lines on stderr.
error_count() {
	printf '%s\n' "$stderr" | grep -c ': error: ' || true
}

# ---- statement forms ----

@test "the language guide.s example builds the model's tree" {
	F="$DATA/spec-example.netc"
	run --separate-stderr "$NETC" --dump-ast "$F"
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<'EOF'
map@1:1-11:1
  key "version"@1:1-1:7
    scalar@1:9-1:9 "1"
  key "networks" (spelled network)@3:1-3:7
    map@3:1-3:44
      key "xenbr0"@3:9-3:14
        map@3:16-3:44
          key "mode"@3:18-3:21
            scalar@3:23-3:28 "bridge"
          key "uplink"@3:31-3:36
            scalar@3:38-3:41 "eth0"
      key "xenbr1"@4:9-4:14
        map@4:16-4:54
          key "mode"@4:18-4:21
            scalar@4:23-4:30 "isolated"
          key "address"@4:33-4:39
            scalar@4:41-4:51 "10.0.1.1/24"
  key "domains" (spelled domain)@6:1-6:6
    map@6:1-11:1
      key "web"@6:8-6:10
        map@6:12-11:1
          key "id"@7:5-7:6
            scalar@7:8-7:8 "1"
          key "vifs" (spelled vif)@8:5-8:7
            list@8:5-8:50
              map@8:5-8:50
                key "network"@8:11-8:17
                  scalar@8:19-8:24 "xenbr0"
                key "mac"@8:27-8:29
                  scalar@8:31-8:47 "00:16:3e:00:00:11"
              map@9:5-9:41
                key "network"@9:11-9:17
                  scalar@9:19-9:24 "xenbr1"
                key "ip"@9:27-9:28
                  scalar@9:30-9:38 "10.0.1.10"
          key "xl"@10:5-10:6
            map@10:8-10:85
              key "memory"@10:10-10:15
                scalar@10:17-10:19 "512"
              key "kernel"@10:22-10:27
                scalar@10:29-10:47 quoted "/boot/vmlinuz-xen"
              key "disk"@10:50-10:53
                list@10:55-10:82
                  scalar@10:57-10:80 quoted "phy:/dev/vg/web,xvda,w"
EOF
}

@test "every statement form builds its node (forms.netc)" {
	# Covers: KEY WORD; KEY "STRING" (escapes); KEY; (null at the ';');
	# KEY null; lists (empty, trailing comma, null item); KEY { } with and
	# without a ';' after '}'; named blocks appending to one plural entry
	# (hosts h1 on line 4, h2 on line 17); vif { } as an empty map; and the
	# ordinary keys `hosts [...]` in a network and `host h1;` in a domain.
	F="$DATA/forms.netc"
	run --separate-stderr "$NETC" --dump-ast "$F"
	assert_success
	assert_equal "$stderr" ""
	assert_output - <<'EOF'
map@2:1-17:11
  key "version"@2:1-2:7
    scalar@2:9-2:9 "1"
  key "defaults"@3:1-3:8
    map@3:10-3:43
      key "mac-prefix"@3:12-3:21
        scalar@3:23-3:27 "local"
      key "network"@3:30-3:36
        scalar@3:38-3:40 "lan"
  key "hosts" (spelled host)@4:1-4:4
    map@4:1-4:76
      key "h1"@4:6-4:7
        map@4:9-4:76
          key "address"@4:11-4:17
            scalar@4:19-4:27 "192.0.2.1"
          key "nics"@4:30-4:33
            map@4:35-4:74
              key "eth0"@4:37-4:40
                scalar@4:42-4:54 "192.0.2.10/24"
              key "eth1"@4:57-4:60
                null@4:61-4:61
              key "eth2"@4:63-4:66
                null@4:68-4:71
      key "h2"@17:6-17:7
        map@17:9-17:11
  key "networks" (spelled network)@5:1-5:7
    map@5:1-5:66
      key "lan"@5:9-5:11
        map@5:13-5:66
          key "mode"@5:15-5:18
            scalar@5:20-5:25 "bridge"
          key "hosts"@5:28-5:32
            list@5:34-5:44
              scalar@5:36-5:37 "h1"
              scalar@5:40-5:41 "h2"
          key "vxlan"@5:47-5:51
            map@5:53-5:63
              key "vni"@5:55-5:57
                scalar@5:59-5:60 "10"
      key "nat0"@6:9-6:12
        map@6:14-10:1
          key "mode"@7:2-7:5
            scalar@7:7-7:9 "nat"
          key "address"@8:2-8:8
            scalar@8:10-8:20 "10.0.1.1/24"
          key "dhcp"@9:2-9:5
            map@9:7-9:38
              key "range"@9:9-9:13
                scalar@9:15-9:35 "10.0.1.100-10.0.1.200"
  key "domains" (spelled domain)@11:1-11:6
    map@11:1-16:1
      key "web"@11:8-11:10
        map@11:12-16:1
          key "host"@12:2-12:5
            scalar@12:7-12:8 "h1"
          key "vifs" (spelled vif)@13:2-13:4
            list@13:2-13:8
              map@13:2-13:8
              map@14:2-14:40
                key "ip"@14:8-14:9
                  scalar@14:11-14:19 "10.0.1.10"
                key "rate"@14:22-14:25
                  scalar@14:27-14:37 "10Mb/s@20ms"
          key "xl"@15:2-15:3
            map@15:5-15:73
              key "kernel"@15:7-15:12
                scalar@15:14-15:36 quoted "/boot/a \"b\"\\c\x09d\x0a"
              key "disk"@15:39-15:42
                list@15:44-15:46
              key "extra"@15:49-15:53
                list@15:55-15:70
                  null@15:57-15:60
                  scalar@15:63-15:68 quoted "null"
EOF
}

@test "version 1; is a plain scalar entry" {
	parse <<'EOF'
version 1;
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:10
  key "version"@1:1-1:7
    scalar@1:9-1:9 "1"
EOF
}

@test "null, Null and NULL are null; quoted \"null\" and other words are strings" {
	parse <<'EOF'
a null; b Null; c NULL; d "null"; e nul; f;
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:43
  key "a"@1:1-1:1
    null@1:3-1:6
  key "b"@1:9-1:9
    null@1:11-1:14
  key "c"@1:17-1:17
    null@1:19-1:22
  key "d"@1:25-1:25
    scalar@1:27-1:32 quoted "null"
  key "e"@1:35-1:35
    scalar@1:37-1:39 "nul"
  key "f"@1:42-1:42
    null@1:43-1:43
EOF
}

@test "bare words take letters, digits and _ . : / - @ +" {
	parse <<'EOF'
w a_b.c:d/e-f@g+h 00:16:3e:00:00:01 10.0.1.100-10.0.1.200 1MB/s@20ms;
EOF
	assert_failure 1    # four words before the ';'
	assert_error "1:19: error: unexpected word '00:16:3e:00:00:01', expected ';'"
	parse <<'EOF'
w a_b.c:d/e-f@g+h;
EOF
	assert_success
	assert_line --index 2 '    scalar@1:3-1:17 "a_b.c:d/e-f@g+h"'
}

@test "a repeated name or key is kept twice (duplicates are a later check)" {
	parse <<'EOF'
network a { }
network a { mode nat; }
mode x; mode y;
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-3:15
  key "networks" (spelled network)@1:1-1:7
    map@1:1-1:13
      key "a"@1:9-1:9
        map@1:11-1:13
      key "a"@2:9-2:9
        map@2:11-2:23
          key "mode"@2:13-2:16
            scalar@2:18-2:20 "nat"
  key "mode"@3:1-3:4
    scalar@3:6-3:6 "x"
  key "mode"@3:9-3:12
    scalar@3:14-3:14 "y"
EOF
}

@test "a block name may be a quoted string" {
	parse <<'EOF'
domain "web 1" { }
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:18
  key "domains" (spelled domain)@1:1-1:6
    map@1:1-1:18
      key "web 1"@1:8-1:14
        map@1:16-1:18
EOF
}

@test "the sugar works in any map: vifs and named blocks land in the enclosing one" {
	parse <<'EOF'
domain d { vif { } network n { } vif { mtu 1500; } }
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:52
  key "domains" (spelled domain)@1:1-1:6
    map@1:1-1:52
      key "d"@1:8-1:8
        map@1:10-1:52
          key "vifs" (spelled vif)@1:12-1:14
            list@1:12-1:18
              map@1:12-1:18
              map@1:34-1:50
                key "mtu"@1:40-1:42
                  scalar@1:44-1:47 "1500"
          key "networks" (spelled network)@1:20-1:26
            map@1:20-1:32
              key "n"@1:28-1:28
                map@1:30-1:32
EOF
}

@test "a list may end with a comma, but may not be just a comma" {
	parse <<'EOF'
a [ x, "y", ];
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:14
  key "a"@1:1-1:1
    list@1:3-1:13
      scalar@1:5-1:5 "x"
      scalar@1:8-1:10 quoted "y"
EOF
	parse <<'EOF'
a [ , ];
EOF
	assert_error "1:5: error: unexpected ',', expected word, string or ']'"
}

@test "an empty or comment-only file is an empty root map at 1:1" {
	parse </dev/null
	assert_success
	assert_output "map@1:1-1:1"
	parse <<'EOF'
# nothing here

   # at all
EOF
	assert_success
	assert_output "map@1:1-1:1"
}

# ---- positions ----

@test "columns count characters: multi-byte UTF-8 before a token" {
	# é is 2 bytes, € 3, 😀 4: m is byte 18 but character 10.
	parse <<'EOF'
k "é€😀"; m 1;
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-1:13
  key "k"@1:1-1:1
    scalar@1:3-1:7 quoted "é€😀"
  key "m"@1:10-1:10
    scalar@1:12-1:12 "1"
EOF
	parse <<'EOF'
k "é€😀" m;
EOF
	assert_error "1:9: error: unexpected word 'm', expected ';'"
	assert_equal "${stderr_lines[2]}" "      |         ^"
}

@test "columns after a comment with UTF-8 on the line before are unaffected" {
	parse <<'EOF'
# ünïcödé
  k v;
EOF
	assert_success
	assert_line --index 1 '  key "k"@2:3-2:3'
}

@test "a tab is one column; CRLF line ends; a byte order mark is column 1" {
	parse < <(printf '\tk\tv;\r\n\r\nn 1;\r\n')
	assert_success
	assert_output - <<'EOF'
map@1:2-3:4
  key "k"@1:2-1:2
    scalar@1:4-1:4 "v"
  key "n"@3:1-3:1
    scalar@3:3-3:3 "1"
EOF
	# U+FEFF is skipped but, as for the YAML reader and the caret printer,
	# is the line's first character.
	parse < <(printf '\xef\xbb\xbfversion 1\n')
	assert_error "1:11: error: unexpected end of file, expected ';'"
	assert_equal "${stderr_lines[2]}" "      |           ^"
	parse < <(printf '\xef\xbb\xbfversion 1;\n')
	assert_success
	assert_line --index 1 '  key "version"@1:2-1:8'
}

@test "the caret underlines the whole offending token" {
	parse <<'EOF'
network x { mode bridge extra; }
EOF
	assert_error "1:25: error: unexpected word 'extra', expected ';'"
	assert_equal "${stderr_lines[1]}" "    1 | network x { mode bridge extra; }"
	assert_equal "${stderr_lines[2]}" "      |                         ^~~~~"
}

# ---- lexical errors ----

@test "an unexpected character is an error at its position" {
	parse <<'EOF'
mode = bridge;
EOF
	assert_error "1:6: error: unexpected character '='"
	assert_equal "${stderr_lines[3]}" "$F:1:6: note: a netc statement is 'KEY VALUE;'"
	assert_equal "$(error_count)" 1
	parse <<'EOF'
name café;
EOF
	assert_error "1:9: error: unexpected character 'é'"
}

@test "a run of unexpected characters is one error, and the statement one error" {
	parse <<'EOF'
a $(x);
b 1;
EOF
	assert_error "1:3: error: unexpected characters '\$('"
	assert_equal "$(error_count)" 1
	assert_output --partial 'key "b"@2:1-2:1'
}

@test "single quotes: one error with a note" {
	parse <<'EOF'
kernel '/boot/x';
EOF
	assert_error "1:8: error: unexpected character \"'\""
	assert_equal "${stderr_lines[3]}" "$F:1:8: note: netc strings are written in double quotes"
	assert_equal "$(error_count)" 1
}

@test "an unknown escape is an error at its backslash" {
	parse <<'EOF'
x "é\q";
EOF
	assert_error "1:5: $BAD_ESCAPE_Q"
	assert_equal "${stderr_lines[2]}" "      |     ^~"
}

@test "a raw control character in a string is an error at its position; a tab is not" {
	parse < <(printf 'x "a\tb\001c\177";\n')
	assert_error "1:7: error: control character U+0001 in string"
	assert_equal "${stderr_lines[3]}" "$F:1:9: error: control character U+007F in string"
	assert_equal "$(error_count)" 2
	# C1 controls too (U+0085, UTF-8 c2 85), counted as one column after é.
	parse < <(printf 'x "\303\251\302\205";\n')
	assert_error "1:5: error: control character U+0085 in string"
	# A tab, raw or escaped, is fine.
	parse < <(printf 'x "\t\\t";\n')
	assert_success
	assert_line --index 2 '    scalar@1:3-1:7 quoted "\x09\x09"'
}

@test "an unterminated string: at the end of a line, and at the end of the file" {
	parse <<'EOF'
a 1;
x "abc
b 2;
EOF
	assert_error '2:3: error: unterminated string: a string cannot span lines (write \n for a newline)'
	assert_equal "${stderr_lines[2]}" "      |   ^~~~"
	assert_equal "$(error_count)" 1
	parse < <(printf 'x "abc')
	assert_error "1:3: error: unterminated string: the file ends before its closing '\"'"
	parse < <(printf 'x "abc\\')
	assert_error "1:3: error: unterminated string: the file ends before its closing '\"'"
}

@test "a string ending in a CRLF line end is unterminated once" {
	parse < <(printf 'x "abc\r\ny 1;\r\n')
	assert_error '1:3: error: unterminated string: a string cannot span lines (write \n for a newline)'
	assert_equal "${stderr_lines[2]}" "      |   ^~~~"
	assert_equal "$(error_count)" 1
}

# ---- syntax errors ----

@test "a missing ';' before '}'" {
	parse <<'EOF'
network x { mode bridge }
EOF
	assert_error "1:25: error: unexpected '}', expected ';'"
	assert_equal "$(error_count)" 1
}

@test "a missing ';' at the end of the file points just past the last token" {
	parse < <(printf 'version 1\n')
	assert_error "1:10: error: unexpected end of file, expected ';'"
}

@test "a missing '}' at the end of the file, with a note at the open brace" {
	parse <<'EOF'
network x {
    mode bridge;
EOF
	assert_error "2:17: error: unexpected end of file, expected word or '}'"
	assert_equal "${stderr_lines[3]}" "$F:1:11: note: to match this '{'"
}

@test "a stray '}' at the top level" {
	parse <<'EOF'
a 1;
}
b 2;
EOF
	assert_error "2:1: error: unexpected '}', expected word or end of file"
	assert_equal "$(error_count)" 1
	assert_output --partial 'key "b"@3:1-3:1'
}

@test "unexpected words, strings and punctuation name what was expected" {
	parse <<'EOF'
a b c;
EOF
	assert_error "1:5: error: unexpected word 'c', expected ';'"
	parse <<'EOF'
"k" v;
EOF
	assert_error '1:1: error: unexpected string "k", expected word or end of file'
	parse <<'EOF'
;
EOF
	assert_error "1:1: error: unexpected ';', expected word or end of file"
	parse <<'EOF'
a [b c];
EOF
	assert_error "1:6: error: unexpected word 'c', expected ']' or ','"
	parse <<'EOF'
a { ] }
EOF
	assert_error "1:5: error: unexpected ']', expected word or '}'"
	parse <<'EOF'
a [ [ ] ];
EOF
	assert_error "1:5: error: unexpected '[', expected word, string or ']'"
}

@test "three syntax errors in one file are three errors in one run, and the tree is kept" {
	parse <<'EOF'
version 1
network x { mode bridge }
domain d { id 1; vif { network x } }
EOF
	assert_failure 1
	assert_equal "$(error_count)" 3
	assert_equal "${stderr_lines[0]}" "$F:2:1: error: unexpected word 'network', expected ';'"
	assert_equal "${stderr_lines[3]}" "$F:2:25: error: unexpected '}', expected ';'"
	assert_equal "${stderr_lines[6]}" "$F:3:34: error: unexpected '}', expected ';'"
	# Each statement missed only its ';' (before a new line or a '}'): all kept.
	assert_output - <<'EOF'
map@1:1-3:36
  key "version"@1:1-1:7
    scalar@1:9-1:9 "1"
  key "networks" (spelled network)@2:1-2:7
    map@2:1-2:25
      key "x"@2:9-2:9
        map@2:11-2:25
          key "mode"@2:13-2:16
            scalar@2:18-2:23 "bridge"
  key "domains" (spelled domain)@3:1-3:6
    map@3:1-3:36
      key "d"@3:8-3:8
        map@3:10-3:36
          key "id"@3:12-3:13
            scalar@3:15-3:15 "1"
          key "vifs" (spelled vif)@3:18-3:20
            list@3:18-3:34
              map@3:18-3:34
                key "network"@3:24-3:30
                  scalar@3:32-3:32 "x"
EOF
}

@test "every line missing its ';' is reported, and each statement is kept" {
	parse < <(printf 'a 1\nb [ 2 ]\nc 3\n')
	assert_failure 1
	assert_equal "$(error_count)" 3
	assert_equal "${stderr_lines[0]}" "$F:2:1: error: unexpected word 'b', expected ';'"
	assert_equal "${stderr_lines[3]}" "$F:3:1: error: unexpected word 'c', expected ';'"
	assert_equal "${stderr_lines[6]}" "$F:3:4: error: unexpected end of file, expected ';'"
	assert_output - <<'EOF'
map@1:1-3:3
  key "a"@1:1-1:1
    scalar@1:3-1:3 "1"
  key "b"@2:1-2:1
    list@2:3-2:7
      scalar@2:5-2:5 "2"
  key "c"@3:1-3:1
    scalar@3:3-3:3 "3"
EOF
}

@test "a statement running on into more words is dropped whole; before other tokens it is kept" {
	parse <<'EOF'
uplink eth0 eth1;
network my net { mode nat; }
id 7 ] x;
mode bridge;
EOF
	assert_failure 1
	assert_equal "$(error_count)" 3
	assert_equal "${stderr_lines[0]}" "$F:1:13: error: unexpected word 'eth1', expected ';'"
	assert_equal "${stderr_lines[3]}" "$F:2:12: error: unexpected word 'net', expected ';'"
	assert_equal "${stderr_lines[6]}" "$F:3:6: error: unexpected ']', expected ';'"
	assert_output - <<'EOF'
map@1:1-4:12
  key "id"@3:1-3:2
    scalar@3:4-3:4 "7"
  key "mode"@4:1-4:4
    scalar@4:6-4:11 "bridge"
EOF
}

@test "an error inside a block resumes at the next statement of that block" {
	parse <<'EOF'
network x {
    mode = bridge;
    uplink eth0;
}
network y { a b c { d 1; } e 2; }
EOF
	assert_failure 1
	assert_equal "$(error_count)" 2
	assert_equal "${stderr_lines[0]}" "$F:2:10: error: unexpected character '='"
	assert_equal "${stderr_lines[4]}" "$F:5:17: error: unexpected word 'c', expected ';'"
	assert_output - <<'EOF'
map@1:1-5:33
  key "networks" (spelled network)@1:1-1:7
    map@1:1-4:1
      key "x"@1:9-1:9
        map@1:11-4:1
          key "uplink"@3:5-3:10
            scalar@3:12-3:15 "eth0"
      key "y"@5:9-5:9
        map@5:11-5:33
          key "e"@5:28-5:28
            scalar@5:30-5:30 "2"
EOF
}

# ---- the plural keys and the block sugar ----

@test "networks, hosts and domains are not keys at the top level of netc" {
	parse <<'EOF'
networks { x { } }
EOF
	assert_error "1:1: error: in netc, networks are written as 'network NAME { ... }' blocks"
	parse <<'EOF'
hosts [ a ];
EOF
	assert_error "1:1: error: in netc, hosts are written as 'host NAME { ... }' blocks"
	parse <<'EOF'
domains;
EOF
	assert_error "1:1: error: in netc, domains are written as 'domain NAME { ... }' blocks"
	parse <<'EOF'
networks x { }
EOF
	assert_error "1:1: error: in netc, networks are written as 'network NAME { ... }' blocks"
}

@test "vifs is not a key anywhere in netc" {
	parse <<'EOF'
domain d { vifs [ a ]; }
EOF
	assert_error "1:12: error: in netc, vifs are written as 'vif { ... }' blocks, one per vif"
	parse <<'EOF'
domain d { vifs { } }
EOF
	assert_error "1:12: error: in netc, vifs are written as 'vif { ... }' blocks, one per vif"
}

@test "hosts in a network and host in a domain are ordinary keys" {
	parse <<'EOF'
network n { hosts [ h1 ]; }
domain d { host h1; }
EOF
	assert_success
	assert_output - <<'EOF'
map@1:1-2:21
  key "networks" (spelled network)@1:1-1:7
    map@1:1-1:27
      key "n"@1:9-1:9
        map@1:11-1:27
          key "hosts"@1:13-1:17
            list@1:19-1:24
              scalar@1:21-1:22 "h1"
  key "domains" (spelled domain)@2:1-2:6
    map@2:1-2:21
      key "d"@2:8-2:8
        map@2:10-2:21
          key "host"@2:12-2:15
            scalar@2:17-2:18 "h1"
EOF
}

@test "host, network and domain blocks need a name" {
	parse <<'EOF'
network { mode nat; }
EOF
	assert_error "1:1: error: a network block needs a name: 'network NAME { ... }'"
	parse <<'EOF'
host { }
EOF
	assert_error "1:1: error: a host block needs a name: 'host NAME { ... }'"
	parse <<'EOF'
domain {
}
EOF
	assert_error "1:1: error: a domain block needs a name: 'domain NAME { ... }'"
	assert_equal "$(error_count)" 1
}

@test "a vif block takes no name, nor does any other block" {
	parse <<'EOF'
domain d { vif eth0 { } }
EOF
	assert_error "1:16: error: a vif block takes no name: write 'vif { ... }' (its interface name is set with 'name NAME;')"
	parse <<'EOF'
domain d { xl web { memory 1; } }
EOF
	assert_error "1:15: error: 'xl' takes no name before '{': only host, network and domain blocks are named"
	assert_equal "${stderr_lines[2]}" "      |               ^~~"
	assert_equal "$(error_count)" 1
}

# ---- streaming the domains (compile.h) ----
# These compile (--check): only then does the reader hand each top-level
# domain block to the schema at its '}' and reuse its nodes for the next.

@test "streaming: domain blocks' errors are reported with those of blocks read after them" {
	# The same diagnostics as tests/yaml_reader.bats's streaming case, and as
	# the whole tree gave: a duplicate points at the first block, a network
	# defined after the domains is found.
	F=$(topo streamed.netc <<'EOF2'
version 1;
domain web {
  colour red;
  vif { network xenbr0; mac "zz"; }
}
domain web { }
domain db {
  vif { network nowhere; }
}
network xenbr0 { mode bridge; uplink eth0; }
EOF2
	)
	check_fails "$F" "$(cat <<OUT
$F:3:3: error: unknown key 'colour' in domain 'web'
$F:4:29: error: invalid MAC 'zz'; expected six hex octets like 00:16:3e:00:00:01, or 'random'
$F:6:8: error: domain 'web' is defined twice
$F:2:8: note: first defined here
$F:8:17: error: network 'nowhere' is not defined
OUT
)"
}

@test "streaming: a domain block the file ends in is compiled as far as it goes" {
	# Its '}' never comes, so it is not streamed at one; it is compiled all
	# the same, as the whole tree compiled it: vif 0 names a network that
	# does not exist, found beside the syntax error.
	F=$(printf 'version 1;\nnetwork n { mode isolated; }\ndomain x { vif { network m; }\n' | topo open.netc)
	check_fails "$F" "$(cat <<OUT
$F:2:9: error: isolated network 'n' needs 'address' (dom0's address on it, e.g. 10.0.1.1/24)
$F:3:26: error: network 'm' is not defined
$F:3:26: note: did you mean 'n'?
$F:3:30: error: unexpected end of file, expected word or '}'
$F:3:10: note: to match this '{'
OUT
)"
}

@test "streaming: the nesting limit stops the parse, and a domain read before keeps its error" {
	# netc reports syntax errors beside the schema's (the tree is kept), so
	# nothing streamed is taken back: the schema's error on web, complete at
	# line 2, stays with the nesting error that ends the parse.
	local f="$BATS_TEST_TMPDIR/deep-after.netc"
	printf 'version 1;\ndomain web { colour red; }\n' > "$f"
	awk 'BEGIN { for (i = 0; i < 31; i++) printf "a {\n"; printf "l [ x ];\n"; for (i = 0; i < 31; i++) printf "}\n" }' >> "$f"
	check_fails "$f" "$(cat <<OUT
$f:2:14: error: unknown key 'colour' in domain 'web'
$f:34:3: error: too deeply nested: maps and lists may nest at most 32 levels
OUT
)"
}

# ---- limits ----

@test "nesting deeper than the limit is one error at the brace, then the parse stops" {
	local f="$BATS_TEST_TMPDIR/deep.netc"
	# 31 nested maps under the root reach depth 32: fine.
	awk 'BEGIN { for (i = 0; i < 31; i++) printf "a {\n"; for (i = 0; i < 31; i++) printf "}\n" }' > "$f"
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_success
	# A list inside them would be depth 33.
	awk 'BEGIN { for (i = 0; i < 31; i++) printf "a {\n"; printf "l [ x ];\n"; for (i = 0; i < 31; i++) printf "}\n" }' > "$f"
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_failure 1
	assert_equal "$(first_stderr_line)" "$f:32:3: error: too deeply nested: maps and lists may nest at most 32 levels"
	assert_output ""
	# A named block adds two levels (the networks map and the network's own).
	awk 'BEGIN { for (i = 0; i < 30; i++) printf "a {\n"; printf "network n { }\n"; for (i = 0; i < 30; i++) printf "}\n" }' > "$f"
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_equal "$(first_stderr_line)" "$f:31:11: error: too deeply nested: maps and lists may nest at most 32 levels"
}

@test "100,000 nested blocks end in the positioned nesting error, quickly" {
	local f="$BATS_TEST_TMPDIR/deep.netc"
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "a {"; printf "\n" }' > "$f"
	SECONDS=0
	run --separate-stderr timeout 10 "$NETC" --dump-ast "$f"
	assert_failure 1
	# The 32nd '{' would open depth 33; each "a {" is three columns.
	assert_equal "$(first_stderr_line)" "$f:1:96: error: too deeply nested: maps and lists may nest at most 32 levels"
	assert_equal "$(error_count)" 1
	[ "$SECONDS" -le 3 ]
}

@test "a 20 MB word and a 5 MB string take linear time" {
	local f="$BATS_TEST_TMPDIR/long.netc" out="$BATS_TEST_TMPDIR/long.ast"
	{
		printf 'k '; head -c 20000000 /dev/zero | tr '\0' a; printf ';\n'
		printf 's "'; head -c 5000000 /dev/zero | tr '\0' b; printf '\\q";\n'
	} > "$f"
	local status_of_netc
	timeout 10 "$NETC" --dump-ast "$f" 2> "$out.err" | cut -c 1-40 > "$out" &&
		status_of_netc=${PIPESTATUS[0]} || status_of_netc=${PIPESTATUS[0]}
	assert_equal "$status_of_netc" 1
	assert_equal "$(head -n 1 "$out.err")" "$f:2:5000004: $BAD_ESCAPE_Q"
	run cat "$out"
	assert_output - <<'EOF'
map@1:1-2:5000007
  key "k"@1:1-1:1
    scalar@1:3-1:20000002 "aaaaaaaaaaaaa
  key "s"@2:1-2:1
    scalar@2:3-2:5000006 quoted "bbbbbbb
EOF
}

@test "parsing stops after too many errors" {
	local f="$BATS_TEST_TMPDIR/many.netc"
	awk 'BEGIN { for (i = 0; i < 20000; i++) printf "k = v;\n" }' > "$f"
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_failure 1
	assert_output ""
	assert_equal "${stderr_lines[${#stderr_lines[@]} - 1]}" "netc: too many errors; stopped after 10000"
}

@test "a 20 MB generated topology parses" {
	skip_under_valgrind "a time bound; tests/large.bats compiles megabytes under valgrind"
	local f="$BATS_TEST_TMPDIR/big.netc" out="$BATS_TEST_TMPDIR/big.ast"
	awk 'BEGIN {
		print "version 1;\nnetwork xenbr0 { mode bridge; uplink eth0; }"
		for (i = 0; i < 60000; i++) {
			printf "domain d%d {\n    id %d;\n", i, i % 32000 + 1
			for (j = 0; j < 4; j++)
				printf "    vif { network xenbr0; mac 00:16:3e:%02x:%02x:%02x; ip 10.%d.%d.%d; }\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256, j, int(i / 250) % 256, i % 250 + 1
			printf "    xl { memory 512; kernel \"/boot/vmlinuz\"; disk [ \"phy:/dev/vg/d%d,xvda,w\" ]; }\n}\n", i
		}
	}' > "$f"
	[ "$(stat -c %s "$f")" -gt 20000000 ]
	SECONDS=0
	timeout 60 "$NETC" --dump-ast "$f" > "$out"
	echo "parsed and dumped in ${SECONDS}s"
	[ "$(grep -c '^      key "d[0-9]*"@' "$out")" -eq 60000 ]
	[ "$(grep -c '^              map@' "$out")" -eq 240000 ]
	run tail -n 3 "$out"
	assert_output - <<'EOF'
              key "disk"@480001:46-480001:49
                list@480001:51-480001:81
                  scalar@480001:53-480001:79 quoted "phy:/dev/vg/d59999,xvda,w"
EOF
}

@test "\\r and \\xHH escapes decode; \\x00 and non-ASCII \\xHH are errors" {
	f=$(printf 'version 1;\ndomain d { xl { a "t\\x01\\r\\x7fz\\x41"; b "\\xff"; c "\\x00"; } }\n' | topo x.netc)
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "$f:2:42: error: invalid escape '\\xff' in string; netc knows \\\", \\\\, \\n, \\t, \\r and \\x01-\\x7f"
	assert_equal "${stderr_lines[2]}" "      | $(printf '%41s' '')^~~~"
	assert_equal "${stderr_lines[3]}" "$f:2:52: error: invalid escape '\\x00' in string; netc knows \\\", \\\\, \\n, \\t, \\r and \\x01-\\x7f"
	f=$(printf 'version 1;\ndomain d { xl { a "t\\x01\\r\\x7fz\\x41"; } }\n' | topo y.netc)
	run --separate-stderr "$NETC" --dump-ast "$f"
	assert_success
	assert_output --partial 'quoted "t\x01\x0d\x7fzA"'
}
