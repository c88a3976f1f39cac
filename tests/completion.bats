#!/usr/bin/env bats
# Bash completion (completion/netc, installed as
# /usr/share/bash-completion/completions/netc): options, -t targets, check
# names after -W/-Wno-, topology files, and the hosts and domains of the
# topology on the command line after --host/--domain, which it asks netc
# for (--list-targets, --list-checks, --list-hosts, --list-domains).
#
# Each completion runs in a bash of its own with bash-completion loaded
# (its package is in scripts/deps.sh's check group): COMP_WORDS and
# COMP_CWORD are set as bash sets them (a "--opt=value" word is split at
# '=', as COMP_WORDBREAKS says; COMP_LINE has it whole), _netc is called, and COMPREPLY is printed
# one a line, sorted.

load helper

BASH_COMPLETION=/usr/share/bash-completion/bash_completion

setup() {
	[ -r "$BASH_COMPLETION" ] ||
		fail "bash-completion is not installed (scripts/deps.sh check installs it)"
	cd "$TOP"
	# netc as typed: the build under test, first on PATH.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sf "$NETC" "$BATS_TEST_TMPDIR/bin/netc"
}

# comp CWORD WORD...: the completions of word CWORD of the command line
# WORD... (WORD 0 is netc), one a line, sorted.
comp() {
	local cword=$1
	shift
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" bash --norc --noprofile -c '
		. "$1" || exit 99
		. "$2" || exit 98
		cword=$3
		shift 3
		COMP_WORDS=("$@")
		COMP_CWORD=$cword
		# The line as typed: no blank around a "=" word.
		COMP_LINE=
		for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
			w=${COMP_WORDS[i]}
			((i == 0)) || [[ $w == = || ${COMP_WORDS[i - 1]} == = ]] || COMP_LINE+=" "
			COMP_LINE+=$w
			((i == cword)) && COMP_POINT=${#COMP_LINE}
		done
		COMPREPLY=()
		_netc netc "${COMP_WORDS[cword]}" "${COMP_WORDS[cword - 1]}"
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort
	' bash "$BASH_COMPLETION" "$TOP/completion/netc" "$cword" "$@"
}

@test "completion: bash-completion loads it for netc from its completions directory" {
	mkdir -p "$BATS_TEST_TMPDIR/user/completions"
	cp completion/netc "$BATS_TEST_TMPDIR/user/completions/netc"
	run bash --norc --noprofile -c '
		. "$1" && __load_completion netc && complete -p netc' \
		bash "$BASH_COMPLETION"
	assert_failure     # not installed there: nothing to load
	BASH_COMPLETION_USER_DIR="$BATS_TEST_TMPDIR/user" run bash --norc --noprofile -c '
		. "$1" && __load_completion netc && complete -p netc' \
		bash "$BASH_COMPLETION"
	assert_success
	assert_output "complete -F _netc netc"
}

@test "completion: options, every one --help names" {
	run comp 1 netc -
	assert_success
	for opt in $("$NETC" --help | grep -oE -- '(^|[ ,])--?[A-Za-z][a-z-]*' | tr -d ' ,' | sort -u); do
		case $opt in
		--target | --output | --host | --domain | --input-format) opt=$opt= ;;
		-Wno-) continue ;;
		esac
		assert_line "$opt"
	done
	run comp 1 netc --list-
	assert_output "$(printf '%s\n' --list-checks --list-domains --list-hosts --list-targets)"
	run comp 2 netc samples/nat.yaml --pr
	assert_output --prune
}

@test "completion: -t and --target complete the targets netc lists" {
	run comp 2 netc -t ''
	assert_success
	assert_output "$("$NETC" --list-targets | LC_ALL=C sort)"
	assert_line network-bridge
	assert_line lab
	run comp 3 netc --target = n
	assert_output "$(printf '%s\n' netc network-bridge)"
	run comp 2 netc -t x
	assert_output xl
	run comp 2 netc -f ''
	assert_output "$(printf '%s\n' netc yaml)"
}

@test "completion: -W and -Wno- complete the checks that are not errors" {
	run comp 2 netc -W ''
	assert_success
	assert_line error
	assert_line mac-collision
	assert_line no-mac-collision
	assert_line unused-network
	assert_line no-unused-network
	refute_line duplicate-mac         # an error: -W cannot turn it on or off
	refute_line no-duplicate-mac
	# Every warning and off check, and nothing else, twice over.
	assert_equal "${#lines[@]}" $((2 * $("$NETC" --list-checks | awk '$2 != "error"' | wc -l) + 1))
	run comp 1 netc -Wno-m
	assert_output "$(printf '%s\n' -Wno-mac-collision)"
	run comp 1 netc -Wun
	assert_output -Wunused-network
	run comp 1 netc -We
	assert_output -Werror
	run comp 2 netc -W no-ign
	assert_output "$(printf '%s\n' no-ignored-antispoof no-ignored-model)"
}

@test "completion: --host completes the hosts of the topology on the command line" {
	run comp 3 netc samples/multihost.yaml --host ''
	assert_success
	assert_output "$(printf '%s\n' xen1 xen2)"
	# The topology later on the line, other options between.
	run comp 4 netc -t xl --host x -o out samples/multihost.netc
	assert_output "$(printf '%s\n' xen1 xen2)"
	run comp 5 netc -q samples/multihost.yaml --host = xen2
	assert_output xen2
	# A topology without hosts: dom0.
	run comp 3 netc samples/classic.yaml --host ''
	assert_output dom0
	# The format from -f, for a name that does not say it.
	cp samples/multihost.netc "$BATS_TEST_TMPDIR/topo"
	run comp 5 netc -f netc "$BATS_TEST_TMPDIR/topo" --host ''
	assert_output "$(printf '%s\n' xen1 xen2)"
	# No topology, one that does not check, one that is missing: nothing.
	run comp 2 netc --host ''
	assert_success
	assert_output ""
	run comp 3 netc tests/bad/duplicate-mac.yaml --host ''
	assert_success
	assert_output ""
	run comp 3 netc no-such.yaml --host ''
	assert_success
	assert_output ""
}

@test "completion: --domain completes the domains, of --host's host when given" {
	run comp 5 netc -t vif samples/classic.yaml --domain ''
	assert_success
	assert_output "$(printf '%s\n' backup mail web)"
	run comp 5 netc -t vif samples/classic.yaml --domain b
	assert_output backup
	run comp 3 netc samples/multihost.yaml --domain ''
	assert_output "$(printf '%s\n' app1 app2)"
	run comp 5 netc samples/multihost.yaml --host xen2 --domain ''
	assert_output app2
	run comp 9 netc --host = xen1 -t xl samples/multihost.yaml --domain = ''
	assert_output app1
	# After "--", a name that looks like an option is the topology.
	cp samples/classic.yaml "$BATS_TEST_TMPDIR/-x.yaml"
	cd "$BATS_TEST_TMPDIR"
	run comp 2 netc --domain m -- -x.yaml
	assert_output mail
}

@test "completion: the topology is a .yaml, .yml or .netc file, or a directory" {
	mkdir -p "$BATS_TEST_TMPDIR/w/sub"
	cd "$BATS_TEST_TMPDIR/w"
	touch a.yaml b.yml c.netc d.txt setup.sh
	run comp 1 netc ''
	assert_success
	assert_output "$(printf '%s\n' a.yaml b.yml c.netc sub)"
	run comp 3 netc -t xl ''
	assert_output "$(printf '%s\n' a.yaml b.yml c.netc sub)"
	# -o takes any file.
	run comp 3 netc a.yaml -o s
	assert_output "$(printf '%s\n' setup.sh sub)"
}

@test "completion: the file is shellcheck-clean bash" {
	run shellcheck -s bash completion/netc
	assert_success
	assert_output ""
}
