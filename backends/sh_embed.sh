#!/bin/sh
# Turn backends/sh_engine.sh (the static part of every host script) into
# a C string; the Makefile runs it into the build directory:
#   sh backends/sh_embed.sh backends/sh_engine.sh build/sh_engine.c
set -eu
src=${1:?usage: sh_embed.sh ENGINE.sh OUT.c}
dst=${2:?usage: sh_embed.sh ENGINE.sh OUT.c}
{
	echo '/* SPDX-License-Identifier: MIT */'
	echo '/* Generated from backends/sh_engine.sh by backends/sh_embed.sh: do not edit. */'
	echo '#include "sh.h"'
	echo
	echo 'const char sh_engine_text[] ='
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/\t/\\t/g' \
		-e 's/^/\t"/' -e 's/$/\\n"/' "$src"
	printf '\t;\n'
} >"$dst.tmp"
mv -f "$dst.tmp" "$dst"
