#!/bin/sh
# Golden outputs, one directory per target under tests/golden/:
#   tests/golden/TARGET/SAMPLE.TARGET   single-output targets (netc ... > file)
#   tests/golden/TARGET/SAMPLE/         directory targets (netc -o DIR)
# made from samples/SAMPLE.yaml, run from the top of the tree so that headers
# name "samples/SAMPLE.yaml".
#
#   tests/golden.sh update [TARGET...]   regenerate (make golden: all of them)
#   tests/golden.sh check [TARGET...]    compare; show the diff, exit 1 if any
#
# Review an update as a diff (git diff tests/golden) before committing it.
# NETC may name another build.
set -eu

cd "$(dirname "$0")/.."
NETC=${NETC:-./netc}

# One line per target that has golden files: TARGET KIND SAMPLE...
# KIND is file or dir.  A backend adds its line here.
table() {
	cat <<'EOF'
xl dir classic
vif file classic
dot file classic multihost
EOF
}

usage() {
	echo "usage: tests/golden.sh update|check [TARGET...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
mode=$1
shift
case $mode in update | check) ;; *) usage ;; esac

wanted() {
	[ $# -eq 1 ] && return 0
	t=$1
	shift
	for w in "$@"; do
		[ "$w" = "$t" ] && return 0
	done
	return 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
seen=""

# Generate TARGET's output for SAMPLE at PATH (a file or a new directory).
generate() {
	case $2 in
	dir) "$NETC" -q -t "$1" "samples/$3.yaml" -o "$4" ;;
	file) "$NETC" -q -t "$1" "samples/$3.yaml" > "$4" ;;
	esac
}

while read -r target kind samples; do
	wanted "$target" ${1+"$@"} || continue
	seen="$seen $target"
	for s in $samples; do
		case $kind in
		dir) golden="tests/golden/$target/$s" ;;
		file) golden="tests/golden/$target/$s.$target" ;;
		*) echo "golden.sh: bad kind '$kind' for $target" >&2; exit 2 ;;
		esac
		new="$tmp/$target-$s"
		generate "$target" "$kind" "$s" "$new"
		if [ "$mode" = update ]; then
			mkdir -p "tests/golden/$target"
			rm -rf "$golden"
			if [ "$kind" = dir ]; then
				cp -R "$new" "$golden"
			else
				cp "$new" "$golden"
			fi
			echo "updated $golden"
		elif ! diff -ru "$golden" "$new"; then
			echo "golden.sh: $golden differs (tests/golden.sh update $target, then review)" >&2
			status=1
		fi
	done
done <<EOF
$(table)
EOF

for w in "$@"; do
	case " $seen " in
	*" $w "*) ;;
	*) echo "golden.sh: no golden files for target '$w'" >&2; status=2 ;;
	esac
done
exit $status
