/* SPDX-License-Identifier: MIT */
/*
 * gentopo: write a synthetic topology for benchmarks and scaling tests.
 *
 *   gentopo yaml|netc DOMAINS [VIFS]     DOMAINS guests with VIFS vifs each
 *   gentopo yaml|netc --bridges N        N bridges with an address, no guests
 *
 * Guests spread over four isolated /16 networks, each vif with an ip and a
 * DOMAIN-DEVID backend name; every guest has a few xl keys.  MACs are
 * derived with a mac-seed under the locally administered prefix (46 bits),
 * so even 200,000 vifs rarely collide.  No guest has an `id`, which does
 * nothing since backends stopped being named after it.
 *
 * The mix is the same at every size, so that a bigger topology is more of
 * the same work, not other work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NETS 4

static void yaml_guests(long domains, int vifs)
{
	printf("version: 1\ndefaults:\n  mac-prefix: local\n  mac-seed: bench\nnetworks:\n");
	for (int n = 0; n < NETS; n++)
		printf("  br%d:\n    mode: isolated\n    address: 10.%d.0.1/16\n", n, 100 + n);
	printf("domains:\n");
	for (long i = 0; i < domains; i++) {
		long host = i + 2;

		printf("  guest%ld:\n", i);
		printf("    vifs:\n");
		for (int v = 0; v < vifs; v++)
			printf("      - network: br%d\n        ip: 10.%d.%ld.%ld\n", v % NETS,
			       100 + v % NETS, host / 256, host % 256);
		printf("    xl:\n      memory: 512\n      vcpus: 2\n"
		       "      kernel: /boot/vmlinuz-6.1.0-xen-amd64\n"
		       "      disk:\n        - \"phy:/dev/vg0/guest%ld,xvda,w\"\n", i);
	}
}

static void netc_guests(long domains, int vifs)
{
	printf("version 1;\n\ndefaults { mac-prefix local; mac-seed bench; }\n\n");
	for (int n = 0; n < NETS; n++)
		printf("network br%d { mode isolated; address 10.%d.0.1/16; }\n", n, 100 + n);
	for (long i = 0; i < domains; i++) {
		long host = i + 2;

		printf("\ndomain guest%ld {\n", i);
		for (int v = 0; v < vifs; v++)
			printf("    vif { network br%d; ip 10.%d.%ld.%ld; }\n", v % NETS,
			       100 + v % NETS, host / 256, host % 256);
		printf("    xl {\n        memory 512;\n        vcpus 2;\n"
		       "        kernel /boot/vmlinuz-6.1.0-xen-amd64;\n"
		       "        disk [ \"phy:/dev/vg0/guest%ld,xvda,w\" ];\n    }\n}\n", i);
	}
}

static void bridges(int yaml, long n)
{
	printf(yaml ? "version: 1\nnetworks:\n" : "version 1;\n\n");
	for (long i = 0; i < n; i++) {
		if (yaml)
			printf("  nb%ld:\n    address: 10.%ld.%ld.1/24\n", i, 20 + i / 250, i % 250);
		else
			printf("network nb%ld { address 10.%ld.%ld.1/24; }\n", i, 20 + i / 250, i % 250);
	}
}

int main(int argc, char **argv)
{
	int yaml;

	if (argc < 3 || (strcmp(argv[1], "yaml") && strcmp(argv[1], "netc"))) {
		fprintf(stderr, "usage: gentopo yaml|netc DOMAINS [VIFS] | --bridges N\n");
		return 2;
	}
	yaml = strcmp(argv[1], "yaml") == 0;
	if (strcmp(argv[2], "--bridges") == 0 && argc == 4)
		bridges(yaml, atol(argv[3]));
	else if (yaml)
		yaml_guests(atol(argv[2]), argc > 3 ? atoi(argv[3]) : 4);
	else
		netc_guests(atol(argv[2]), argc > 3 ? atoi(argv[3]) : 4);
	return fflush(stdout) == 0 ? 0 : 1;
}
