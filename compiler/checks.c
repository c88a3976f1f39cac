/* SPDX-License-Identifier: MIT */
#include "checks.h"
#include "compile.h"

#include <string.h>

const struct check_info check_table[CHECK_COUNT] = {
#define X(id, nm, lvl, sum) [CHECK_##id] = { nm, CHECK_##lvl, sum, NULL },
	NETC_CHECKS(X)
#undef X
};

int check_lookup(const char *name)
{
	for (int i = 0; i < CHECK_COUNT; i++)
		if (strcmp(check_table[i].name, name) == 0)
			return i;
	return -1;
}

void checks_list(FILE *out)
{
	static const char *const level[] = { "off", "warning", "error" };

	for (int i = 0; i < CHECK_COUNT; i++)
		fprintf(out, "%-20s %-8s %s\n", check_table[i].name, level[check_table[i].level],
			check_table[i].summary);
}

void checks_run(struct compilation *c)
{
	for (int i = 0; i < CHECK_COUNT && !c->diag.too_many; i++)
		if (check_table[i].run)
			check_table[i].run(c);
}
