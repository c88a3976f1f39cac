/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <string.h>

const struct backend backend_table[] = {
	{ "sh", "host script: builds dom0's network (up|down|status|plan)", true, false, 0755, emit_sh, NULL },
	{ "network-bridge", "drop-in for Xen's network-bridge script", true, false, 0755, emit_network_bridge, NULL },
	{ "xl", "one xl domU config file per domain (-o DIR)", false, true, 0644, NULL, emit_xl_files },
	{ "vif", "the vif = [ ... ] lines of each domain", false, false, 0644, emit_vif, NULL },
	{ "json", "the checked IR with every derived value", false, false, 0644, emit_json, NULL },
	{ "dot", "Graphviz diagram of hosts, bridges and guests", false, false, 0644, emit_dot, NULL },
	{ "yaml", "the topology in canonical YAML", false, false, 0644, emit_yaml, NULL },
	{ "netc", "the topology in canonical netc syntax", false, false, 0644, emit_netc, NULL },
	{ "lab", "script that builds the topology in network namespaces", false, false, 0755, emit_lab, NULL },
	{ NULL, NULL, false, false, 0, NULL, NULL },
};

const struct backend *backend_lookup(const char *name)
{
	for (const struct backend *b = backend_table; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}
