#!/usr/bin/env bats
# Small C unit tests of compiler/ pieces, built and run here.

load helper

@test "strbuf_addf prints exactly what snprintf prints, fast path and fallback" {
	cc -O2 -Wall -Wno-format -Wno-format-overflow -I "$TOP/compiler" \
		"$TOP/tests/unit/strbuf_fmt.c" "$TOP/compiler/util.c" -o "$BATS_TEST_TMPDIR/fmt"
	run "$BATS_TEST_TMPDIR/fmt"
	assert_success
	assert_output "bad=0"
}

@test "arena: recycled blocks come back zeroed and apart; reserve, insert, arena_printf" {
	cc -O2 -Wall -Wextra -Werror -I "$TOP/compiler" \
		"$TOP/tests/unit/arena.c" "$TOP/compiler/util.c" -o "$BATS_TEST_TMPDIR/arena"
	run "$BATS_TEST_TMPDIR/arena"
	assert_success
	assert_output "bad=0"
}
