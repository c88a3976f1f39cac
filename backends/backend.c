/* SPDX-License-Identifier: MIT */
#include "backend.h"

#include <string.h>

#define TARGET(nm, sum, per_host_, dir_, cites_, mode_, fn, files_fn)                  \
	{ .name = (nm), .summary = (sum), .per_host = (per_host_), .directory = (dir_),  \
	  .cites_source = (cites_), .mode = (mode_), .emit = (fn), .emit_files = (files_fn) }

const struct backend backend_table[] = {
	TARGET("sh", "host script: builds dom0's network (up|down|status|plan)",
	       true, false, true, 0755, emit_sh, NULL),
	TARGET("network-bridge", "drop-in for Xen's network-bridge script",
	       true, false, true, 0755, emit_network_bridge, NULL),
	TARGET("xl", "one xl domU config file per domain (-o DIR)",
	       false, true, true, 0644, NULL, emit_xl_files),
	TARGET("vif", "the vif = [ ... ] lines of each domain",
	       false, false, false, 0644, emit_vif, NULL),
	TARGET("json", "the checked IR with every derived value",
	       false, false, false, 0644, emit_json, NULL),
	TARGET("dot", "Graphviz diagram of hosts, bridges and guests",
	       false, false, true, 0644, emit_dot, NULL),
	TARGET("yaml", "the topology in canonical YAML",
	       false, false, false, 0644, emit_yaml, NULL),
	TARGET("netc", "the topology in canonical netc syntax",
	       false, false, false, 0644, emit_netc, NULL),
	TARGET("lab", "script that builds the topology in network namespaces",
	       false, false, true, 0755, emit_lab, NULL),
	{ .name = NULL },
};

const struct backend *backend_lookup(const char *name)
{
	for (const struct backend *b = backend_table; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}
