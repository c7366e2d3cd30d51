/* SPDX-License-Identifier: MIT */
/*
 * lab.conf (kathara-lab.conf(5)) into the reader's model of a lab: a line is
 * a comment, LAB_KEY=value, dev[N]="CD[/MAC]" or dev[key]=value. Every
 * problem is reported with its line and reading goes on, so that one run
 * shows them all.
 */
#include "read_kathara_lab.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

#include "topo_hint.h"
#include "util.h"

/* A device key: its name, whether it may be given more than once, and why netlab ignores it. */
static const struct {
	const char *name;
	bool repeatable;
	const char *ignored;
} kkeys[KATHARA_N_KEYS] = {
	[KATHARA_IMAGE] = {"image", false, NULL},
	[KATHARA_SYSCTL] = {"sysctl", true, NULL},
	[KATHARA_ENV] = {"env", true, NULL},
	[KATHARA_EXEC] = {"exec", true, NULL},
	[KATHARA_IPV6] = {"ipv6", false, NULL},
	[KATHARA_SHELL_KEY] = {"shell", false, NULL},
	[KATHARA_MEM] = {"mem", false, NULL},
	[KATHARA_CPUS] = {"cpus", false, NULL},
	[KATHARA_ULIMIT] = {"ulimit", true, "netlab sets no per-node ulimits"},
	[KATHARA_NUM_TERMS] = {"num_terms", false, "netlab opens no terminals (use netlab shell NODE)"},
	[KATHARA_BRIDGED] = {"bridged", false, "netlab gives nodes no NAT interface to the host's network"},
	[KATHARA_PORT] = {"port", true, "netlab forwards no host port into a node"},
	[KATHARA_PRIVILEGED] = {"privileged", false, "a netlab node runs as root with every capability already"},
	[KATHARA_ENTRYPOINT] = {"entrypoint", false, "a netlab node runs no image entrypoint"},
	[KATHARA_ARGS] = {"args", false, "a netlab node runs no image entrypoint"},
	[KATHARA_VOLUME] = {"volume", true, "netlab mounts no host directory for this key (a netlab topology's \"files\" can)"},
};

#define conf_error(r, line, ...) kathara_say(r, TOPO_ERROR, (r)->in->conf_file, line, __VA_ARGS__)
#define conf_warn(r, line, ...) kathara_say(r, TOPO_WARNING, (r)->in->conf_file, line, __VA_ARGS__)

/*
 * The value after '=', in place: quoted with ' or " (the other quote may be
 * inside), or bare up to a comment (# after white space).
 * Return: the value, or NULL with *ret_problem set.
 */
static char *conf_value(char *v, bool empty_ok, const char **ret_problem)
{
	char *value = v;

	if (*v == '"' || *v == '\'') {
		char *end = strchr(v + 1, *v), *rest;

		if (!end) {
			*ret_problem = "has no closing quote";
			return NULL;
		}
		*end = '\0';
		rest = end + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest && (*rest != '#' || rest == end + 1)) {
			*ret_problem = "has text after its closing quote (expected a # comment after white space, or nothing)";
			return NULL;
		}
		value = v + 1;
	} else {
		for (char *c = v + 1; *v && *c; c++)
			if (*c == '#' && (c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				break;
			}
		value = kathara_trim(v);
	}
	if (!*value && !empty_ok) {
		*ret_problem = "is empty";
		return NULL;
	}
	return value;
}

bool kathara_image_is_host(const char *image, const char **ret_what)
{
	static const char *const host[] = {"kathara/base", "kathara/frr", "kathara/quagga",
					   "kathara/bind"};
	static const struct {
		const char *part, *what;
	} known[] = {
		{"kathara/p4", "a P4 software switch, BMv2, and its compiler"},
		{"kathara/sdn", "Open vSwitch and the Ryu OpenFlow controller"},
		{"kathara/pox", "the POX OpenFlow controller"},
		{"openvswitch", "Open vSwitch"},
		{"wireshark", "Wireshark in a browser: use netlab capture NODE:IF instead"},
	};
	_cleanup_free_ char *repo = xstrdup(image);
	char *slash = strrchr(repo, '/'), *cut;
	const char *name = repo;

	/* the repository alone: no "docker.io/" before it, no ":tag" or "@digest" after it */
	cut = strchr(slash ? slash : repo, '@');
	if (cut)
		*cut = '\0';
	cut = strchr(slash ? slash : repo, ':');
	if (cut)
		*cut = '\0';
	if (str_has_prefix(name, "docker.io/"))
		name += strlen("docker.io/");
	for (size_t i = 0; i < ARRAY_SIZE(host); i++)
		if (!strcmp(name, host[i]))
			return true;
	*ret_what = "what it provides is not known to netlab";
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strstr(name, known[i].part)) {
			*ret_what = known[i].what;
			break;
		}
	return false;
}

/* Kathará's strtobool. Return: 1, 0, or -1 when s is no boolean. */
static int kathara_bool(const char *s)
{
	static const char *const yes[] = {"y", "yes", "t", "true", "on", "1"};
	static const char *const no[] = {"n", "no", "f", "false", "off", "0"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

static const char *dev_name_problem(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > KATHARA_DEV_MAX)
		return "must be 1 to 30 characters";
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return "may only contain a-z, 0-9 and '_'";
	if (!strcmp(s, "shared") || !strcmp(s, "_test"))
		return "is reserved by Kathará";
	return NULL;
}

/* The device named name, made when first seen. Return: it. */
static struct kathara_dev *dev_get(struct kathara_lab *r, const char *name)
{
	json_t *idx = json_object_get(r->dev_index, name);
	struct kathara_dev *dv;

	if (idx)
		return &r->devs[json_integer_value(idx)];
	GROW(r->devs, r->cap_devs, r->n_devs + 1);
	dv = &r->devs[r->n_devs];
	*dv = (struct kathara_dev){
		.name = xstrdup(name),
		.ipv6 = -1,
		.sysctls = json_object(),
		.sysctl_lines = json_object(),
		.env = json_object(),
		.env_lines = json_object(),
		.exec = json_array(),
	};
	json_object_set_new(r->dev_index, name, json_integer(r->n_devs));
	r->n_devs++;
	return dv;
}

struct kathara_dev *kathara_dev_find(const struct kathara_lab *lab, const char *name)
{
	json_t *idx = json_object_get(lab->dev_index, name);

	return idx ? &lab->devs[json_integer_value(idx)] : NULL;
}

/* What is wrong with a collision domain name (Kathará: \w+), or NULL. Into buf. */
static const char *cd_problem(const char *cd, char *buf, size_t size)
{
	if (strlen(cd) + strlen(KATHARA_SWITCH_PREFIX) > TOPO_NODE_NAME_MAX) {
		snprintf(buf, size, "is longer than %zu characters",
			 TOPO_NODE_NAME_MAX - strlen(KATHARA_SWITCH_PREFIX));
		return buf;
	}
	for (const char *c = cd; *c; c++) {
		if (isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '_'))
			continue;
		if (*c == ' ' || *c == '\t')
			snprintf(buf, size, "contains a space");
		else if (isprint((unsigned char)*c))
			snprintf(buf, size, "contains '%c'", *c);
		else
			snprintf(buf, size, "contains the byte 0x%02x", (unsigned char)*c);
		return buf;
	}
	return NULL;
}

/* Why topo_mac_parse() refused s. */
static const char *mac_problem(const char *s)
{
	bool form = strlen(s) == 17;

	for (size_t i = 0; i < 17 && form; i++)
		form = i % 3 == 2 ? s[i] == ':' : isxdigit((unsigned char)s[i]);
	if (!form)
		return "is not a MAC address (expected XX:XX:XX:XX:XX:XX, hexadecimal)";
	if (strtoul(s, NULL, 16) & 1)
		return "is a multicast MAC address (expected a unicast one: an even first byte, such as 02:00:00:00:00:01)";
	return "is all zeros (expected a unicast MAC address, such as 02:00:00:00:00:01)";
}

/* dev[N]="CD[/MAC]" */
static void conf_iface(struct kathara_lab *r, unsigned ln, const char *dev, const char *arg, char *value)
{
	char *slash = strchr(value, '/'), problem[64];
	const char *mac = slash ? slash + 1 : NULL;
	uint8_t bytes[6];
	struct kathara_dev *dv;
	unsigned long num;
	bool ok = true;

	if (slash)
		*slash = '\0';
	if (strlen(arg) > 6) {
		conf_error(r, ln, "%s[%s]: interface number %s is too large (expected 0 to 999999)", dev,
			   arg, arg);
		return;
	}
	num = strtoul(arg, NULL, 10);
	if (!*value) {
		conf_error(r, ln, "%s[%s]: no collision domain (expected \"CD\" or \"CD/MAC\")", dev, arg);
		ok = false;
	} else if (cd_problem(value, problem, sizeof(problem))) {
		conf_error(r, ln, "%s[%s]: collision domain '%s' %s (expected letters, digits and '_')",
			   dev, arg, value, problem);
		ok = false;
	}
	if (mac && topo_mac_parse(mac, bytes) < 0) {
		if (!*mac)
			conf_error(r, ln, "%s[%s]: no MAC address after '/' (expected \"CD/XX:XX:XX:XX:XX:XX\", or \"CD\")",
				   dev, arg);
		else
			conf_error(r, ln, "%s[%s]: '%s' %s", dev, arg, mac, mac_problem(mac));
		ok = false;
	}
	dv = dev_get(r, dev);
	for (size_t i = 0; i < dv->n_ifs; i++) {
		if (dv->ifs[i].num == num) {
			conf_error(r, ln, "%s[%s]: interface eth%lu of '%s' is already set at line %u (expected each interface number once)",
				   dev, arg, num, dev, dv->ifs[i].line);
			return;
		}
		if (ok && !strcmp(dv->ifs[i].cd, value)) {
			conf_error(r, ln, "%s[%s]: '%s' is already on collision domain '%s' by eth%u at line %u (expected one interface per device on a collision domain)",
				   dev, arg, dev, value, dv->ifs[i].num, dv->ifs[i].line);
			return;
		}
	}
	if (!ok)
		return;
	GROW(dv->ifs, dv->cap_ifs, dv->n_ifs + 1);
	dv->ifs[dv->n_ifs] = (struct kathara_iface){.num = num, .cd = xstrdup(value), .line = ln};
	if (mac)
		dv->ifs[dv->n_ifs].mac = xasprintf("%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1],
						   bytes[2], bytes[3], bytes[4], bytes[5]);
	dv->n_ifs++;
	{
		json_t *members = json_object_get(r->cds, value);

		if (!members) {
			members = json_array();
			json_object_set_new(r->cds, value, members);
		}
		json_array_append_new(members, json_pack("[I,I]", (json_int_t)(dv - r->devs),
							  (json_int_t)num));
	}
}

/* Whether k is net.A.B[.C...], each part of [A-Za-z0-9_-] (Kathará: net\.([\w-]+\.)+[\w-]+). */
static bool net_sysctl_ok(const char *k)
{
	size_t parts = 1, len = 0;

	if (!str_has_prefix(k, "net."))
		return false;
	for (const char *c = k + 4; *c; c++) {
		if (*c == '.') {
			if (!len)
				return false;
			parts++;
			len = 0;
			continue;
		}
		if (!(isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '_' || *c == '-')))
			return false;
		len++;
	}
	return len && parts >= 2;
}

/* "KEY=VALUE" of sysctl and env into an object, warning about a key set again. */
static void conf_pair(struct kathara_lab *r, unsigned ln, const char *dev, enum kathara_key key, char *value,
		      json_t *obj, json_t *lines)
{
	char *eq = strchr(value, '=');
	const char *what = key == KATHARA_SYSCTL ? "net.KEY=VALUE, such as net.ipv4.ip_forward=1" :
					     "NAME=VALUE, such as MODE=lab";
	char *k, *v;
	json_t *prev;

	if (!eq) {
		conf_error(r, ln, "%s[%s]: '%s' has no '=' (expected %s)", dev, kkeys[key].name, value,
			   what);
		return;
	}
	*eq = '\0';
	k = kathara_trim(value);
	v = kathara_trim(eq + 1);
	if (key == KATHARA_SYSCTL) {
		if (!net_sysctl_ok(k)) {
			conf_error(r, ln, "%s[sysctl]: '%s' is not a network sysctl (expected %s: only net.* is per node)",
				   dev, k, what);
			return;
		}
		if (!*v || strchr(v, '=')) {
			conf_error(r, ln, "%s[sysctl]: '%s' has %s (expected %s)", dev, k,
				   *v ? "more than one '='" : "no value", what);
			return;
		}
	} else {
		bool ok = *k && !isdigit((unsigned char)*k);

		for (const char *c = k; *c && ok; c++)
			ok = isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '_');
		if (!ok) {
			conf_error(r, ln, "%s[env]: '%s' is not a variable name (expected %s: letters, digits and '_', not first a digit)",
				   dev, k, what);
			return;
		}
	}
	prev = json_object_get(lines, k);
	if (prev)
		conf_warn(r, ln, "%s[%s]: '%s' is set again (first at line %lld); the value of line %u wins",
			  dev, kkeys[key].name, k, (long long)json_integer_value(prev), ln);
	json_object_set_new(obj, k, json_string(v));
	json_object_set_new(lines, k, json_integer(ln));
}

/* mem: a positive integer with b, k, m or g (none: m), 4m to 1024g; into netlab's form. */
static void conf_mem(struct kathara_lab *r, unsigned ln, struct kathara_dev *dv, const char *v)
{
	static const char units[] = "bkmg";
	size_t len = strlen(v);
	char unit = len ? tolower((unsigned char)v[len - 1]) : 0;
	const char *u = unit ? strchr(units, unit) : NULL;
	unsigned long long n;
	unsigned shift;
	char *end;

	if (!u)
		unit = 'm';
	errno = 0;
	n = isdigit((unsigned char)*v) ? strtoull(v, &end, 10) : 0;
	/* 4 MiB to 1 TiB, netlab's range (Kathará's least is 4m) */
	shift = 10 * (strchr(units, unit) - units);
	if (!isdigit((unsigned char)*v) || errno || end != v + len - (u ? 1 : 0) ||
	    n > (1ull << 40) >> shift || n << shift < (4ull << 20)) {
		conf_error(r, ln, "%s[mem]: '%s' is not a memory size from 4m to 1024g (expected a number with b, k, m or g, such as 128m)",
			   dv->name, v);
		return;
	}
	free(dv->mem);
	dv->mem = unit == 'b' ? xasprintf("%llu", n) : xasprintf("%llu%c", n, toupper(unit));
}

static void conf_cpus(struct kathara_lab *r, unsigned ln, struct kathara_dev *dv, const char *v)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(x) || x < 0.01 || x > 1024) {
		conf_error(r, ln, "%s[cpus]: '%s' is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 0.5)",
			   dv->name, v);
		return;
	}
	dv->cpus = x;
}

/* dev[key]=value, key not a number */
static void conf_key(struct kathara_lab *r, unsigned ln, const char *dev, const char *arg, char *value)
{
	struct kathara_dev *dv;
	int key = -1;

	for (int i = 0; i < KATHARA_N_KEYS && key < 0; i++)
		if (!strcmp(kkeys[i].name, arg))
			key = i;
	if (key < 0) {
		const char *names[KATHARA_N_KEYS];
		_cleanup_free_ char *hint = NULL;
		char list[256] = "";

		for (int i = 0; i < KATHARA_N_KEYS; i++) {
			names[i] = kkeys[i].name;
			strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
			strncat(list, names[i], sizeof(list) - strlen(list) - 1);
		}
		hint = topo_did_you_mean(topo_suggest(arg, names, KATHARA_N_KEYS));
		conf_error(r, ln, "%s[%s]: unknown key '%s'%s (expected an interface number or one of: %s)",
			   dev, arg, arg, hint, list);
		return;
	}
	dv = dev_get(r, dev);
	if (!kkeys[key].repeatable && dv->key_line[key])
		conf_warn(r, ln, "%s[%s] is set again (first at line %u); the value of line %u wins", dev,
			  arg, dv->key_line[key], ln);
	dv->key_line[key] = ln;
	if (kkeys[key].ignored) {
		conf_warn(r, ln, "%s[%s]=\"%s\" is ignored: %s", dev, arg, value, kkeys[key].ignored);
		return;
	}
	switch (key) {
	case KATHARA_IMAGE: {
		const char *what = NULL;

		if (!kathara_image_is_host(value, &what))
			kathara_say(r, TOPO_WARNING, r->in->conf_file, ln,
				    "%s[image]: netlab has no image '%s' (%s): '%s' runs as a plain node with the host's software",
				    dev, value, what, dev);
		free(dv->image);
		dv->image = xstrdup(value);
		break;
	}
	case KATHARA_SHELL_KEY:
		free(dv->shell);
		dv->shell = xstrdup(value);
		break;
	case KATHARA_IPV6:
		if (kathara_bool(value) < 0)
			conf_error(r, ln, "%s[ipv6]: '%s' is not a boolean (expected true or false)", dev,
				   value);
		else
			dv->ipv6 = kathara_bool(value);
		break;
	case KATHARA_SYSCTL:
		conf_pair(r, ln, dev, key, value, dv->sysctls, dv->sysctl_lines);
		break;
	case KATHARA_ENV:
		conf_pair(r, ln, dev, key, value, dv->env, dv->env_lines);
		break;
	case KATHARA_EXEC:
		json_array_append_new(dv->exec, json_string(value));
		break;
	case KATHARA_MEM:
		conf_mem(r, ln, dv, value);
		break;
	case KATHARA_CPUS:
		conf_cpus(r, ln, dv, value);
		break;
	}
}

/* LAB_KEY=value */
static void conf_meta(struct kathara_lab *r, unsigned ln, char *s, char *eq)
{
	const char *problem = NULL;
	_cleanup_free_ char *key = NULL;
	char *value;
	json_t *prev;

	*eq = '\0';
	key = xstrdup(kathara_trim(s) + 4);
	for (char *c = key; *c; c++) {
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) {
			conf_error(r, ln, "'%s' is not a LAB_ key (expected LAB_ and capitals, such as LAB_DESCRIPTION)",
				   s);
			return;
		}
		*c = tolower((unsigned char)*c);
	}
	if (!*key) {
		conf_error(r, ln, "'LAB_' names no key (expected such as LAB_DESCRIPTION=\"...\")");
		return;
	}
	value = conf_value(kathara_trim(eq + 1), true, &problem);
	if (!value) {
		conf_error(r, ln, "the value of %s %s", s, problem);
		return;
	}
	prev = json_object_get(r->meta_lines, key);
	if (prev)
		conf_warn(r, ln, "%s is set again (first at line %lld); the value of line %u wins", s,
			  (long long)json_integer_value(prev), ln);
	json_object_set_new(r->meta, key, json_string(value));
	json_object_set_new(r->meta_lines, key, json_integer(ln));
}

static void conf_line(struct kathara_lab *r, unsigned ln, char *line)
{
	char *s = kathara_trim(line), *br, *close, *eq, *value;
	const char *problem = NULL;

	if (!*s || *s == '#')
		return;
	br = strchr(s, '[');
	eq = strchr(s, '=');
	if (str_has_prefix(s, "LAB_") && eq && (!br || eq < br)) {
		conf_meta(r, ln, s, eq);
		return;
	}
	close = br ? strchr(br, ']') : NULL;
	if (!br || !close || close[1] != '=' || (eq && eq < br)) {
		conf_error(r, ln, "'%.60s%s' is not a lab.conf line (expected device[key]=value, LAB_KEY=value or a # comment)",
			   s, strlen(s) > 60 ? "..." : "");
		return;
	}
	*br = *close = '\0';
	problem = dev_name_problem(s);
	if (problem) {
		conf_error(r, ln, "device name '%s' %s (expected 1 to 30 of a-z, 0-9 and '_')", s,
			   problem);
		return;
	}
	if (!br[1]) {
		conf_error(r, ln, "%s[]: no key (expected an interface number or a key such as image)", s);
		return;
	}
	value = conf_value(close + 2, false, &problem);
	if (!value) {
		conf_error(r, ln, "%s[%s]: the value %s (expected \"value\", 'value' or a bare word)", s,
			   br + 1, problem);
		return;
	}
	if (strspn(br + 1, "0123456789") == strlen(br + 1))
		conf_iface(r, ln, s, br + 1, value);
	else
		conf_key(r, ln, s, br + 1, value);
}

static int iface_cmp(const void *a, const void *b)
{
	const struct kathara_iface *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* Interface numbers consecutive from 0 (Kathará's Machine.check). */
static void check_ifaces(struct kathara_lab *r)
{
	for (size_t i = 0; i < r->n_devs; i++) {
		struct kathara_dev *dv = &r->devs[i];

		if (dv->n_ifs > 1)
			qsort(dv->ifs, dv->n_ifs, sizeof(*dv->ifs), iface_cmp);
		for (size_t k = 0; k < dv->n_ifs; k++) {
			unsigned want = k ? dv->ifs[k - 1].num + 1 : 0, got = dv->ifs[k].num;

			if (got == want)
				continue;
			if (got == want + 1)
				conf_error(r, dv->ifs[k].line, "%s[%u]: '%s' has no eth%u (expected interface numbers consecutive from 0)",
					   dv->name, got, dv->name, want);
			else
				conf_error(r, dv->ifs[k].line, "%s[%u]: '%s' has no eth%u to eth%u (expected interface numbers consecutive from 0)",
					   dv->name, got, dv->name, want, got - 1);
			break;
		}
	}
}

void kathara_conf_read(struct kathara_lab *lab)
{
	if (!kathara_each_line(lab, lab->in->conf_file, lab->in->conf, lab->in->conf_len, conf_line))
		return;
	check_ifaces(lab);
	if (!lab->n_devs && !lab->d->n_errors)
		kathara_say(lab, TOPO_ERROR, lab->in->conf_file, 0,
			    "defines no device (expected lines such as pc1[0]=\"A\")");
}
