/* SPDX-License-Identifier: MIT */
/*
 * xlcheck: read netc's domU files with Xen's own config parser (libxlutil,
 * the library xl(1) uses) and check every vif spec by the rules of xl 4.17's
 * parse_nic_config (tools/xl/xl_parse.c) plus netc's own invariants.
 *
 *   xlcheck [--allow-random] FILE...      check domU files (netc -t xl)
 *   xlcheck --fragment FILE...            check files holding only a vif list
 *                                         (netc -t vif --domain NAME)
 *   xlcheck --vif-lines FILE...           check netc -t vif output: one
 *                                         "NAME: vif = [ ... ]" per line
 *   xlcheck --get KEY FILE                print KEY's string value, exactly
 *   xlcheck --get 'KEY[N]' FILE           print item N of list KEY, exactly
 *   xlcheck --rate RATE                   print "BYTES,USECS", what libxl
 *                                         writes to a vif backend's rate
 *                                         node for a vif spec's rate=RATE
 *
 * Exit: 0 all good, 1 something was rejected (each problem printed as
 * "FILE[:LINE]: problem"), 2 usage.
 */
#include <libxlutil.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool allow_random;
static int problems;

static void problem(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	problems++;
}

/* ---- value rules ---- */

static bool charset(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isascii((unsigned char)*s) || !(isalnum((unsigned char)*s) || strchr(extra, *s)))
			return false;
	return true;
}

static bool ifname_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n <= max && charset(s, "_.-") && strcmp(s, ".") != 0 &&
	       strcmp(s, "..") != 0;
}

/* xl's own loop (parse_nic_config), then the strict form netc writes:
 * six lowercase two-digit hex octets, unicast, not all zero. */
static const char *mac_problem(const char *s)
{
	const char *p = s;
	unsigned long oct[6];
	char *end;

	for (int i = 0; i < 6; i++) {
		oct[i] = strtoul(p, &end, 16);
		if (end == p || oct[i] > 255)
			return "xl rejects it";
		if (i < 5 && !*end)
			return "fewer than six octets (xl reads past its end)";
		p = end + 1;
	}
	if (strlen(s) != 17)
		return "not six two-digit octets";
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !(isdigit((unsigned char)s[i]) ||
						  (s[i] >= 'a' && s[i] <= 'f')))
			return "not six lowercase two-digit octets separated by ':'";
	}
	if (oct[0] & 1)
		return "multicast";
	if (!(oct[0] | oct[1] | oct[2] | oct[3] | oct[4] | oct[5]))
		return "all zeros";
	if (strcmp(s, "fe:ff:ff:ff:ff:ff") == 0)
		return "netback's own (every backend vif has it)";
	return NULL;
}

static bool decimal_in(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	unsigned long v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	return !errno && !*end && v >= lo && v <= hi;
}

/* A number of two or more digits starting with 0 (xlu_vif_parse_rate uses
 * strtoull base 0, so 010Mb/s is 8 Mb/s). */
static bool leading_zero(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '0' && (p == s || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)p[1]))
			return true;
	return false;
}

/* ---- vif specs ---- */

/* Every key xl 4.17's parse_nic_config knows ("trusted" and "untrusted" are
 * flags without '='); netc writes only the first eleven. */
static const char *const xl_nic_keys[] = {
	"mac", "bridge", "gatewaydev", "ip", "script", "backend", "vifname", "model", "type",
	"rate", "mtu",
	/* known to xl, never written by netc */
	"netdev", "accel", "devid", "forwarddev", "colo_", NULL,
};
#define NETC_NIC_KEYS 11

struct vif_ctx {
	const char *where;      /* "FILE: vif N" */
	bool hvm;               /* the domain is hvm: vifname <= 11 bytes */
	bool typed;             /* the file says the domain's type (not a fragment) */
	const char *ip;         /* ip='s value, checked once the spec is read */
	const char *script;     /* script='s value */
};

static int key_index(const char *key)
{
	for (int i = 0; xl_nic_keys[i]; i++) {
		if (strcmp(xl_nic_keys[i], "colo_") == 0 ? strncmp(key, "colo_", 5) == 0
							 : strcmp(key, xl_nic_keys[i]) == 0)
			return i;
	}
	return -1;
}

static void check_value(struct vif_ctx *vc, const char *key, const char *val)
{
	const char *why;

	if (strcmp(key, "mac") == 0) {
		if ((why = mac_problem(val)))
			problem(vc->where, "mac '%s': %s", val, why);
	} else if (strcmp(key, "type") == 0) {
		if (strcmp(val, "vif") != 0 && strcmp(val, "ioemu") != 0)
			problem(vc->where, "type '%s': xl takes vif or ioemu", val);
		else if (vc->typed && !vc->hvm && strcmp(val, "ioemu") == 0)
			problem(vc->where, "type 'ioemu' on a pv or pvh domain: libxl refuses an emulated NIC there");
	} else if (strcmp(key, "rate") == 0) {
		/* xl's own parser, printing its own message; it only sets the
		 * nic's two rate fields, so no libxl initialisation is needed. */
		XLU_Config *rcfg = xlu_cfg_init(stderr, vc->where);
		libxl_device_nic nic;

		if (!rcfg) {
			perror("xlcheck");
			exit(2);
		}
		memset(&nic, 0, sizeof(nic));
		if (xlu_vif_parse_rate(rcfg, val, &nic) != 0)
			problem(vc->where, "rate '%s': xlu_vif_parse_rate rejects it", val);
		else if (leading_zero(val))
			problem(vc->where, "rate '%s': xl reads a number with a leading 0 as octal", val);
		else if (nic.rate_bytes_per_interval < 1500)
			problem(vc->where, "rate '%s': %llu bytes per %u us interval, less than one 1500-byte frame",
				val, (unsigned long long)nic.rate_bytes_per_interval,
				(unsigned)nic.rate_interval_usecs);
		xlu_cfg_destroy(rcfg);
	} else if (strcmp(key, "mtu") == 0) {
		if (!decimal_in(val, 68, 65535))
			problem(vc->where, "mtu '%s': not a number in 68-65535", val);
	} else if (strcmp(key, "ip") == 0) {
		vc->ip = val;           /* its form depends on gatewaydev= */
	} else if (strcmp(key, "vifname") == 0) {
		if (!ifname_ok(val, vc->hvm ? 11 : 15))
			problem(vc->where, "vifname '%s': not an interface name of at most %d bytes%s",
				val, vc->hvm ? 11 : 15, vc->hvm ? " (hvm: xl appends -emu)" : "");
		/* What Xen's hotplug scripts take (docs/xl.md): set_mtu splits
		 * a name at its dots; vif<digit> is Xen's own name for others. */
		else if (strncmp(val, "vif", 3) == 0 && val[3] >= '0' && val[3] <= '9')
			problem(vc->where, "vifname '%s': Xen's own name for another domain's vif",
				val);
		else if (strchr(val, '.'))
			problem(vc->where, "vifname '%s': a '.' (Xen's set_mtu splits the name there)",
				val);
	} else if (strcmp(key, "bridge") == 0 || strcmp(key, "gatewaydev") == 0) {
		if (!ifname_ok(val, 15))
			problem(vc->where, "%s '%s': not an interface name", key, val);
	} else if (strcmp(key, "script") == 0) {
		vc->script = val;
		if (!charset(val, "_./-"))
			problem(vc->where, "script '%s': not a script name or path", val);
	} else if (strcmp(key, "model") == 0 || strcmp(key, "backend") == 0) {
		if (!charset(val, "_.-"))
			problem(vc->where, "%s '%s': not a name", key, val);
	}
}

/* Spaces anywhere but singly between the words of the ip= value. */
static bool spec_spaces_bad(const char *spec)
{
	for (const char *p = spec; (p = strchr(p, ' ')); p++) {
		const char *item = p;

		while (item > spec && item[-1] != ',')
			item--;
		if (strncmp(item, "ip=", 3) != 0 || p == item + 3 || p[1] == ' ' || p[1] == ',' ||
		    !p[1])
			return true;
	}
	return false;
}

/* A dotted quad, optionally /LEN (0-32, decimal without leading zeros). */
static bool ipv4_item(const char *s, struct in_addr *a, int *prefix)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) != 1)
		return false;
	*prefix = -1;
	if (!slash)
		return true;
	if (!decimal_in(slash + 1, 0, 32))
		return false;
	*prefix = atoi(slash + 1);
	return true;
}

/*
 * ip=: one IPv4 address, or on a routed vif what vif-route loops over:
 * space-separated addresses and prefixes, the first the guest's own (no
 * prefix, or /32), the prefixes without host bits (ip route refuses them).
 */
static void check_ip(struct vif_ctx *vc, bool routed)
{
	char *copy = strdup(vc->ip), *tok, *save = NULL;
	int i = 0;

	if (!copy) {
		perror("xlcheck");
		exit(2);
	}
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		struct in_addr a;
		int prefix;

		if (!routed && (i > 0 || strchr(tok, '/'))) {
			problem(vc->where, "ip '%s': not one IPv4 address (a list only with gatewaydev=)",
				vc->ip);
			break;
		}
		if (!ipv4_item(tok, &a, &prefix)) {
			problem(vc->where, "ip '%s': '%s' is not an IPv4 address or prefix", vc->ip, tok);
			continue;
		}
		if (i == 0 && prefix >= 0 && prefix != 32)
			problem(vc->where, "ip '%s': the first item is the guest's own address, not a prefix",
				vc->ip);
		else if (prefix > 0 && prefix < 32 &&
			 (ntohl(a.s_addr) & (0xffffffffu >> prefix)) != 0)
			problem(vc->where, "ip '%s': '%s' has host bits (ip route refuses it)", vc->ip, tok);
		else if (prefix == 0)
			problem(vc->where, "ip '%s': '%s' would route everything to the guest", vc->ip, tok);
	}
	free(copy);
}

/* A stock Xen script on the kind of vif it cannot serve. */
static void check_script(struct vif_ctx *vc, bool routed)
{
	const char *base = strrchr(vc->script, '/');

	base = base ? base + 1 : vc->script;
	if (strcmp(base, "vif-openvswitch") == 0)
		problem(vc->where, "script '%s': netc makes no Open vSwitch bridges", vc->script);
	else if (strcmp(base, "vif-route") == 0 && !routed)
		problem(vc->where, "script '%s' on a bridged vif", vc->script);
	else if (strcmp(base, "vif-bridge") == 0 && routed)
		problem(vc->where, "script '%s' on a routed vif", vc->script);
}

static void check_vif_spec(struct vif_ctx *vc, const char *spec)
{
	bool seen[NETC_NIC_KEYS] = { false };
	char *copy = strdup(spec), *tok, *save = NULL;

	if (!copy) {
		perror("xlcheck");
		exit(2);
	}
	if (!*spec)
		problem(vc->where, "empty vif spec (netc always writes its keys)");
	/* A space only between the items of a routed vif's ip list. */
	if (strstr(spec, ",,") || spec[0] == ',' || (*spec && spec[strlen(spec) - 1] == ',') ||
	    spec_spaces_bad(spec))
		problem(vc->where, "spaces or empty items in '%s'", spec);
	/* xl splits with strtok(",") and skips leading spaces (parse_config_data). */
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq, *val;
		int k;

		while (*tok == ' ')
			tok++;
		if (strcmp(tok, "trusted") == 0 || strcmp(tok, "untrusted") == 0) {
			problem(vc->where, "flag '%s': xl knows it, netc never writes it", tok);
			continue;
		}
		eq = strchr(tok, '=');
		if (!eq) {
			problem(vc->where, "'%s': xl says unrecognized argument", tok);
			continue;
		}
		*eq = '\0';
		val = eq + 1;
		k = key_index(tok);
		if (k < 0) {
			problem(vc->where, "'%s=%s': xl says unrecognized argument", tok, val);
			continue;
		}
		if (k >= NETC_NIC_KEYS) {
			problem(vc->where, "key '%s': xl knows it, netc never writes it", tok);
			continue;
		}
		if (seen[k])
			problem(vc->where, "key '%s' appears twice (xl keeps the last)", tok);
		seen[k] = true;
		if (!*val)
			problem(vc->where, "key '%s' has an empty value", tok);
		else
			check_value(vc, tok, val);
	}
	free(copy);
	/* netc's invariants (docs/xl.md). */
	if (!seen[key_index("mac")] && !allow_random)
		problem(vc->where, "no mac= (netc writes one for every vif but mac: random)");
	if (seen[key_index("bridge")] == seen[key_index("gatewaydev")])
		problem(vc->where, "needs exactly one of bridge= and gatewaydev=");
	if (seen[key_index("gatewaydev")] && !(seen[key_index("script")] && seen[key_index("ip")]))
		problem(vc->where, "a routed vif needs script= and ip= with gatewaydev=");
	/* Whatever xl.conf could default is written (vif.default.script,
	 * vif.default.bridge): a host's xl.conf cannot re-route netc's vifs. */
	if (!seen[key_index("script")])
		problem(vc->where, "no script= (netc writes one, so that vif.default.script cannot change it)");
	if (vc->ip)
		check_ip(vc, seen[key_index("gatewaydev")]);
	if (vc->script)
		check_script(vc, seen[key_index("gatewaydev")]);
	if (!seen[key_index("vifname")])
		problem(vc->where, "no vifname= (netc names every backend)");
}

/* ---- files ---- */

/* A parsed file, and the stream that catches libxlutil's messages: it must
 * live as long as the XLU_Config, which keeps writing to it. */
struct config {
	XLU_Config *cfg;
	FILE *report;
	char *report_text;
	size_t report_len;
};

static void config_close(struct config *c)
{
	xlu_cfg_destroy(c->cfg);
	fclose(c->report);
	free(c->report_text);
}

/* Read @path (or @data when not NULL) with libxlutil; false after printing
 * what went wrong.  Any message the parser prints is a rejection. */
static bool config_open(struct config *c, const char *source, const char *path, const char *data)
{
	int rc;

	c->report_text = NULL;
	c->report_len = 0;
	c->report = open_memstream(&c->report_text, &c->report_len);
	if (!c->report) {
		perror("xlcheck");
		exit(2);
	}
	c->cfg = xlu_cfg_init(c->report, source);
	if (!c->cfg) {
		perror("xlcheck");
		exit(2);
	}
	rc = data ? xlu_cfg_readdata(c->cfg, data, (int)strlen(data)) : xlu_cfg_readfile(c->cfg, path);
	fflush(c->report);
	if (rc || c->report_len) {
		fputs(c->report_text, stderr);
		problem(source, "libxlutil rejects it (%s)", rc ? strerror(rc) : "it printed warnings");
		config_close(c);
		return false;
	}
	return true;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int c;

	if (!f) {
		fprintf(stderr, "xlcheck: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	m = open_memstream(&buf, &len);
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

static void check_vif_list(XLU_Config *cfg, const char *source, bool typed, bool hvm)
{
	XLU_ConfigList *list;
	int n;
	char where[512];

	if (xlu_cfg_get_list(cfg, "vif", &list, &n, 1) != 0) {
		problem(source, "no vif list");
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *spec = xlu_cfg_get_listitem(list, i);
		struct vif_ctx vc = { where, hvm, typed, NULL, NULL };

		snprintf(where, sizeof(where), "%s: vif %d", source, i);
		if (!spec)
			problem(where, "not a string");
		else
			check_vif_spec(&vc, spec);
	}
}

/* Keys as written at the start of a line ("key = ..."): libxlutil has no way
 * to list what it read, so each is looked up by name. */
static void check_keys(XLU_Config *cfg, const char *path, const char *text)
{
	char keys[256][65];
	int nkeys = 0, line = 1;

	for (const char *p = text; *p; line++) {
		const char *eol = strchr(p, '\n');
		size_t n = 0, len = eol ? (size_t)(eol - p) : strlen(p);
		char where[512];
		const char *s;
		XLU_ConfigList *list;
		int items;

		snprintf(where, sizeof(where), "%s:%d", path, line);
		while (n < len && (islower((unsigned char)p[n]) || isdigit((unsigned char)p[n]) ||
				   p[n] == '_'))
			n++;
		if (n && islower((unsigned char)p[0])) {
			char *key;

			if (n >= sizeof(keys[0]) || nkeys == (int)(sizeof(keys) / sizeof(keys[0]))) {
				problem(where, "too many or too long keys for xlcheck");
				return;
			}
			key = keys[nkeys++];
			memcpy(key, p, n);
			key[n] = '\0';
			for (int i = 0; i < nkeys - 1; i++)
				if (strcmp(keys[i], key) == 0)
					problem(where, "key '%s' is set twice", key);
			/* A string, or a list whose items are all strings. */
			if (xlu_cfg_get_string(cfg, key, &s, 1) != 0) {
				if (xlu_cfg_get_list(cfg, key, &list, &items, 1) != 0)
					problem(where, "libxlutil has no value for '%s'", key);
				else
					for (int i = 0; i < items; i++)
						if (!xlu_cfg_get_listitem(list, i))
							problem(where, "item %d of '%s' is not a string", i, key);
			}
		} else if (len && p[0] != '#' && p[0] != ' ') {
			problem(where, "line is neither a setting, a comment nor a list continuation");
		}
		p = eol ? eol + 1 : p + len;
	}
}

static void check_file(const char *path, bool fragment)
{
	char *text = slurp(path);
	struct config c;
	XLU_Config *cfg;
	const char *name, *type = NULL, *builder, *base;
	bool hvm = false;

	if (!config_open(&c, path, path, NULL)) {
		free(text);
		return;
	}
	cfg = c.cfg;
	if (!fragment) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (xlu_cfg_get_string(cfg, "name", &name, 1) != 0)
			problem(path, "no name");
		else if (strlen(base) < 4 || strcmp(base + strlen(base) - 4, ".cfg") != 0 ||
			 strlen(name) != strlen(base) - 4 || strncmp(name, base, strlen(name)) != 0)
			problem(path, "name \"%s\" does not match the file name", name);
		if (xlu_cfg_get_string(cfg, "type", &type, 1) != 0 ||
		    (strcmp(type, "pv") != 0 && strcmp(type, "pvh") != 0 && strcmp(type, "hvm") != 0))
			problem(path, "type must be \"pv\", \"pvh\" or \"hvm\"");
		else
			hvm = strcmp(type, "hvm") == 0;
		if (xlu_cfg_get_string(cfg, "builder", &builder, 1) != ESRCH ||
		    xlu_cfg_get_list(cfg, "builder", NULL, NULL, 1) != ESRCH)
			problem(path, "builder is deprecated; netc writes type");
	}
	check_keys(cfg, path, text);
	check_vif_list(cfg, path, !fragment && type, hvm);
	config_close(&c);
	free(text);
}

static void check_vif_lines(const char *path)
{
	char *text = slurp(path), *line, *save = NULL;
	int lineno = 0;

	if (!*text)
		problem(path, "no lines");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		char where[512];
		struct config c;

		snprintf(where, sizeof(where), "%s:%d", path, ++lineno);
		if (colon)
			*colon = '\0';
		if (!colon || !charset(line, "_.-") || strncmp(colon + 2, "vif = [", 7) != 0) {
			problem(where, "not 'NAME: vif = [ ... ]'");
			continue;
		}
		if (config_open(&c, where, NULL, colon + 2)) {
			check_vif_list(c.cfg, where, false, false);
			config_close(&c);
		}
	}
	free(text);
}

/* --get KEY or KEY[N]: the bytes libxlutil hands xl, on stdout. */
static int get_value(const char *spec, const char *path)
{
	char key[128];
	const char *br = strchr(spec, '[');
	size_t n = br ? (size_t)(br - spec) : strlen(spec);
	struct config c;
	const char *s = NULL;
	int rc = 0;

	if (n == 0 || n >= sizeof(key)) {
		fprintf(stderr, "xlcheck: bad key '%s'\n", spec);
		return 2;
	}
	memcpy(key, spec, n);
	key[n] = '\0';
	if (!config_open(&c, path, path, NULL))
		return 1;
	if (br) {
		XLU_ConfigList *list;
		int items;

		if (xlu_cfg_get_list(c.cfg, key, &list, &items, 1) == 0)
			s = xlu_cfg_get_listitem(list, atoi(br + 1));
	} else {
		xlu_cfg_get_string(c.cfg, key, &s, 1);
	}
	if (s)
		fputs(s, stdout);
	else {
		fprintf(stderr, "xlcheck: %s: no string value for '%s'\n", path, spec);
		rc = 1;
	}
	config_close(&c);
	return rc;
}

/* --rate RATE: xl's own parse (xlu_vif_parse_rate), printed the way
 * libxl__set_xenstore_nic writes it; the Xen test bed (tests/lib/xen.bash)
 * fills its xenstore with it. */
static int print_rate(const char *rate)
{
	XLU_Config *cfg = xlu_cfg_init(stderr, "rate");
	libxl_device_nic nic;
	int rc;

	if (!cfg) {
		perror("xlcheck");
		return 2;
	}
	memset(&nic, 0, sizeof(nic));
	rc = xlu_vif_parse_rate(cfg, rate, &nic);
	if (rc == 0)
		printf("%llu,%u\n", (unsigned long long)nic.rate_bytes_per_interval,
		       (unsigned)nic.rate_interval_usecs);
	xlu_cfg_destroy(cfg);
	return rc == 0 ? 0 : 1;
}

static int usage(void)
{
	fputs("usage: xlcheck [--allow-random] [--fragment | --vif-lines] FILE...\n"
	      "       xlcheck --get KEY|KEY[N] FILE\n"
	      "       xlcheck --rate RATE\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	bool fragment = false, vif_lines = false;
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--allow-random") == 0)
			allow_random = true;
		else if (strcmp(argv[i], "--fragment") == 0)
			fragment = true;
		else if (strcmp(argv[i], "--vif-lines") == 0)
			vif_lines = true;
		else if (strcmp(argv[i], "--get") == 0 && i + 3 == argc)
			return get_value(argv[i + 1], argv[i + 2]);
		else if (strcmp(argv[i], "--rate") == 0 && i + 2 == argc)
			return print_rate(argv[i + 1]);
		else
			return usage();
	}
	if (i == argc || (fragment && vif_lines))
		return usage();
	for (; i < argc; i++) {
		if (vif_lines)
			check_vif_lines(argv[i]);
		else
			check_file(argv[i], fragment);
	}
	return problems ? 1 : 0;
}
