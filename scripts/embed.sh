#!/bin/sh
# Turn a shell file into a C string, for the engines of the generated
# scripts (backends/sh_engine.sh, backends/lab_engine.sh): the Makefile runs
#   sh scripts/embed.sh backends/X_engine.sh build/X_engine.c X_engine_text
# so the engines stay real shell files (readable, shellchecked) in git.
set -eu
src=${1:?usage: embed.sh SOURCE.sh OUT.c SYMBOL}
dst=${2:?usage: embed.sh SOURCE.sh OUT.c SYMBOL}
sym=${3:?usage: embed.sh SOURCE.sh OUT.c SYMBOL}
{
	echo '/* SPDX-License-Identifier: MIT */'
	echo "/* Generated from $src by scripts/embed.sh: do not edit. */"
	echo "extern const char ${sym}[];"
	echo
	echo "const char ${sym}[] ="
	# Escape \ " and ?, the last so that no ??x trigraph can form.
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/\t/\\t/g' \
		-e 's/^/\t"/' -e 's/$/\\n"/' "$src"
	printf '\t;\n'
} >"$dst.tmp"
mv -f "$dst.tmp" "$dst"
