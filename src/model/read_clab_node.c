/* SPDX-License-Identifier: MIT */
/*
 * The containerlab reader's nodes: the kind, the inheritance node -> group
 * -> kind -> defaults, and each node's host, router or switch object.
 */
#include "read_clab_impl.h"

#include <ctype.h>
#include <math.h>


#define VENDOR "a setting of vendor kinds"
#define NO_IMAGE "netlab runs the host's software, not an image"
#define NO_RUNTIME "netlab runs no container runtime"
#define NO_MGMT "netlab makes no management network"
#define ROOT_CAPS "commands in a node run as root with every capability"

static const struct clab_key node_keys[] = {
	{"kind", NULL},
	{"group", NULL},
	{"image", NULL},
	{"hostname", NULL},
	{"binds", NULL},
	{"exec", NULL},
	{"env", NULL},
	{"env-files", NULL},
	{"labels", NULL},
	{"sysctls", NULL},
	{"user", NULL},
	{"memory", NULL},
	{"cpu", NULL},
	{"type", VENDOR},
	{"startup-config", VENDOR},
	{"enforce-startup-config", VENDOR},
	{"suppress-startup-config", VENDOR},
	{"license", VENDOR},
	{"config", VENDOR},
	{"extras", VENDOR},
	{"components", VENDOR},
	{"credentials", NO_MGMT},
	{"startup-delay", "every node starts once the links exist"},
	{"stages", "every node starts once the links exist (no wait-for)"},
	{"image-pull-policy", NO_IMAGE},
	{"entrypoint", NO_IMAGE},
	{"cmd", NO_IMAGE},
	{"auto-remove", NO_RUNTIME},
	{"restart-policy", NO_RUNTIME},
	{"runtime", NO_RUNTIME},
	{"healthcheck", NO_RUNTIME},
	{"link-apply-mode", NO_RUNTIME},
	{"volumes", NO_RUNTIME},
	{"position", "it places the node in containerlab's graph"},
	{"devices", "a node sees the host's /dev"},
	{"cap-add", ROOT_CAPS},
	{"privileged", ROOT_CAPS},
	{"security-opts", ROOT_CAPS},
	{"cgroupns-mode", "a node with limits has a cgroup of its own"},
	{"cgroup-parent", "a node with limits has a cgroup of its own"},
	{"pid-mode", "a node has a PID namespace of its own"},
	{"tmpfs", "a node has a /run and a /tmp of its own"},
	{"shm-size", "a node has a /dev/shm of its own"},
	{"cpu-set", "netlab limits a node's CPU by share (cpu), not to cores"},
	{"ports", NO_MGMT},
	{"mgmt-ipv4", NO_MGMT},
	{"mgmt-ipv6", NO_MGMT},
	{"aliases", NO_MGMT},
	{"dns", "a node's /etc/resolv.conf names the node itself"},
	{"network-mode", "every node has a network namespace of its own"},
	{"certificate", "netlab makes no TLS certificates"},
};

/* Keys that mean something for a container only: on a bridge node itself, a warning. */
static const char *const container_keys[] = {"image", "hostname", "binds", "exec", "env",
					     "env-files", "sysctls", "user", "memory", "cpu"};

/* Kinds that need an image or a VM of their own (containerlab's kind names). */
static const char *const vendor_kinds[] = {
	"srl", "nokia_srlinux", "nokia_sros", "nokia_srsim", "ceos", "arista_ceos", "arista_veos",
	"crpd", "juniper_crpd", "juniper_csrx", "juniper_cjunosevolved", "cjunosevolved",
	"juniper_vjunosevolved", "juniper_vjunosrouter", "juniper_vjunosswitch", "juniper_vmx",
	"juniper_vqfx", "juniper_vsrx", "xrd", "cisco_xrd", "cisco_xrd_vrouter", "cisco_xrv",
	"cisco_xrv9k", "cisco_iol", "cisco_vios", "cisco_csr1000v", "cisco_c8000", "cisco_c8000v",
	"c8000", "cisco_cat9kv", "cisco_n9kv", "cisco_asav", "cisco_ftdv", "cisco_sdwan",
	"sonic-vs", "sonic-vm", "dell_sonic", "plvision_sonic", "cvx", "cumulus_cvx",
	"nvidia_cumulusvx", "vyosnetworks_vyos", "6wind_vsr", "arrcus_arcos", "aruba_aoscx",
	"checkpoint_cloudguard", "ciena_saos", "dell_ftosv", "f5_bigip-ve", "fdio_vpp", "vpp",
	"fortinet_fortigate", "huawei_vrp", "ipinfusion_ocnos", "keysight_ixia-c-one",
	"mikrotik_ros", "paloalto_panos", "rare", "spirent_stc", "veesix_osvbng", "generic_vm",
	"freebsd", "openbsd", "openwrt", "ostinato",
};

/* Kinds that are no node of a lab's own: the host, a container made elsewhere, a cluster. */
static const char *const outside_kinds[] = {"host", "ext-container", "k8s-kind"};

static bool in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

static bool var_name_ok(const char *k)
{
	if (!k[0] || isdigit((unsigned char)k[0]))
		return false;
	for (const char *p = k; *p; p++)
		if (!isascii((unsigned char)*p) || !(isalnum((unsigned char)*p) || *p == '_'))
			return false;
	return true;
}

/* labels: informational, and (env not NULL) the variables CLAB_LABEL_<KEY> as containerlab sets. */
static void read_labels(struct clab *c, const struct clab_levels *lv, json_t *jn, json_t *env)
{
	json_t *labels = json_object();
	struct clab_entry *e = NULL;
	size_t n = clab_levels_map(c, lv, "labels", &e);

	for (size_t i = 0; i < n; i++) {
		const char *val = clab_entry_text(c, &e[i]);
		_cleanup_free_ char *var = xasprintf("CLAB_LABEL_%s", e[i].key);
		size_t k = strlen("CLAB_LABEL_");

		if (!val)
			continue;
		/* containerlab's ToEnvKey: -+./ become _, other odd characters go, upper case */
		for (const char *p = e[i].key; *p; p++)
			if (strchr("-+./", *p))
				var[k++] = '_';
			else if (isascii((unsigned char)*p) &&
				 (isalnum((unsigned char)*p) || *p == '_'))
				var[k++] = toupper((unsigned char)*p);
		var[k] = '\0';
		json_object_set_new(labels, e[i].key, json_string(val));
		if (env)
			json_object_set_new(env, var, clab_json_text(val));
	}
	clab_entries_free(e, n);
	if (json_object_size(labels))
		json_object_set_new(jn, "labels", labels);
	else
		json_decref(labels);
}

/* env-files, then env over them, then the labels' variables: "env". */
static void read_env(struct clab *c, const struct clab_levels *lv, json_t *jn)
{
	json_t *env = json_object();
	struct clab_entry *e = NULL;
	size_t n;

	clab_read_env_files(c, lv, env);
	n = clab_levels_map(c, lv, "env", &e);
	for (size_t i = 0; i < n; i++) {
		const char *val = clab_entry_text(c, &e[i]);

		if (!strcmp(e[i].key, "__IMPORT_ENVS"))
			clab_warn(c, e[i].knode, e[i].path,
				  "is ignored: netlab gives a node no variables of the caller's");
		else if (!var_name_ok(e[i].key))
			clab_err(c, e[i].knode, e[i].path,
				 "'%s' is not a variable name (expected letters, digits and '_', not starting with a digit)",
				 e[i].key);
		else if (val)
			json_object_set_new(env, e[i].key, clab_json_text(val));
	}
	clab_entries_free(e, n);
	read_labels(c, lv, jn, env);
	if (json_object_size(env))
		json_object_set_new(jn, "env", env);
	else
		json_decref(env);
}

static bool sysctl_key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n < 5 || strstr(k, "..") || strstr(k, "//") || k[n - 1] == '.' || k[n - 1] == '/')
		return false;
	for (const char *p = k; *p; p++)
		if (!isascii((unsigned char)*p) || !(isalnum((unsigned char)*p) || strchr("._-/", *p)))
			return false;
	return true;
}

/* sysctls: the network ones (a host forwards IPv4 as a Docker container does, unless told). */
static void read_sysctls(struct clab *c, const struct clab_levels *lv, enum clab_role role,
			 json_t *jn)
{
	static const char *const forwarding[] = {"net.ipv4.ip_forward", "net/ipv4/ip_forward",
						 "net.ipv4.conf.all.forwarding",
						 "net/ipv4/conf/all/forwarding"};
	json_t *sc = json_object();
	struct clab_entry *e = NULL;
	size_t n = clab_levels_map(c, lv, "sysctls", &e);
	bool fwd = false;

	for (size_t i = 0; i < n; i++)
		fwd = fwd || in_list(e[i].key, forwarding, ARRAY_SIZE(forwarding));
	if (role == CLAB_HOST && !fwd)
		json_object_set_new(sc, "net.ipv4.ip_forward", json_string("1"));
	for (size_t i = 0; i < n; i++) {
		const char *val = clab_entry_text(c, &e[i]);

		if (!val)
			continue;
		if (!str_has_prefix(e[i].key, "net.") && !str_has_prefix(e[i].key, "net/"))
			clab_warn(c, e[i].knode, e[i].path,
				  "is ignored: only net.* sysctls are a node's own (the others are the host's)");
		else if (!sysctl_key_ok(e[i].key))
			clab_err(c, e[i].knode, e[i].path,
				 "'%s' is not a sysctl name (expected one such as net.ipv4.ip_forward)",
				 e[i].key);
		else if (strchr(val, '\n'))
			clab_err(c, e[i].v, e[i].path, "has a newline (expected one line)");
		else
			json_object_set_new(sc, e[i].key, json_string(val));
	}
	clab_entries_free(e, n);
	if (json_object_size(sc))
		json_object_set_new(jn, "sysctls", sc);
	else
		json_decref(sc);
}

/*
 * A size as containerlab reads it (go-humanize ParseBytes): a number, then
 * b, k or kb (1000), ki or kib (1024), m, mb, mi, mib ... t, tb, ti, tib, any case.
 * Return: 0 or -EINVAL.
 */
static int parse_size(const char *s, uint64_t *ret)
{
	static const char *const units = "kmgtp";
	char *end;
	double v, mult = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0 || !isdigit((unsigned char)s[0]))
		return -EINVAL;
	while (*end == ' ')
		end++;
	if (*end && strchr(units, tolower((unsigned char)*end))) {
		bool bin = tolower((unsigned char)end[1]) == 'i';
		int power = strchr(units, tolower((unsigned char)*end)) - units + 1;

		end += bin ? 2 : 1;
		while (power--)
			mult *= bin ? 1024 : 1000;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end || v * mult > 1e18)
		return -EINVAL;
	*ret = (uint64_t)(v * mult);
	return 0;
}

/* memory and cpu: "limits". */
static void read_limits(struct clab *c, const struct clab_levels *lv, json_t *jn)
{
	json_t *lim = json_object();
	int l;
	yaml_node_t *v = clab_levels_scalar(c, lv, "memory", &l);

	if (v) {
		_cleanup_free_ char *path = xasprintf("%s.memory", lv->path[l]);
		uint64_t bytes;

		if (parse_size(ydoc_str(v), &bytes) < 0 || bytes < (4u << 20))
			clab_err(c, v, path, "\"%s\" is not a memory size of at least 4MiB (expected a number with kb, mb, gb, kib, mib or gib, such as 512mb)",
				 ydoc_str(v));
		else
			json_object_set_new(lim, "memory", json_integer(bytes));
	}
	v = clab_levels_scalar(c, lv, "cpu", &l);
	if (v) {
		_cleanup_free_ char *path = xasprintf("%s.cpu", lv->path[l]);
		char *end;
		double cpu = strtod(ydoc_str(v), &end);

		if (end == ydoc_str(v) || *end || !(cpu >= 0.01 && cpu <= 1024))
			clab_err(c, v, path, "\"%s\" is not a CPU share (expected a number of CPUs from 0.01 to 1024, such as 1.5)",
				 ydoc_str(v));
		else
			json_object_set_new(lim, "cpu", json_real(cpu));
	}
	if (json_object_size(lim))
		json_object_set_new(jn, "limits", lim);
	else
		json_decref(lim);
}

static bool user_word_ok(const char *s, size_t n)
{
	if (!n || n > 32 || isdigit((unsigned char)s[0]) || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isascii((unsigned char)s[i]) || !(isalnum((unsigned char)s[i]) || strchr("_.-", s[i])))
			return false;
	return true;
}

static bool digits(const char *s, size_t n)
{
	if (!n || n > 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/*
 * user: the words that run a command as that user ("runuser -u alice [-g
 * staff] --", "setpriv --reuid=1000 --regid=1000 --clear-groups --").
 * Return: a string to free, "" for root, NULL for a bad user (reported).
 */
static char *user_prefix(struct clab *c, const struct clab_levels *lv)
{
	int l;
	yaml_node_t *v = clab_levels_scalar(c, lv, "user", &l);
	const char *u = ydoc_str(v), *colon;
	size_t nu;

	if (!v || !strcmp(u, "root") || !strcmp(u, "0") || !strcmp(u, "0:0"))
		return xstrdup("");
	colon = strchr(u, ':');
	nu = colon ? (size_t)(colon - u) : strlen(u);
	if (user_word_ok(u, nu) && (!colon || user_word_ok(colon + 1, strlen(colon + 1))))
		return colon ? xasprintf("runuser -u %.*s -g %s -- ", (int)nu, u, colon + 1) :
			       xasprintf("runuser -u %s -- ", u);
	/* a uid alone: its group the same number (setpriv needs one) */
	if (digits(u, nu) && (!colon || digits(colon + 1, strlen(colon + 1))))
		return xasprintf("setpriv --reuid=%.*s --regid=%.*s --clear-groups -- ", (int)nu, u,
				 colon ? (int)strlen(colon + 1) : (int)nu, colon ? colon + 1 : u);
	{
		_cleanup_free_ char *path = xasprintf("%s.user", lv->path[l]);

		clab_err(c, v, path, "\"%s\" is not a user (expected a name or a uid, with :group or :gid)",
			 u);
	}
	return NULL;
}

/*
 * exec: "startup", after the commands that start FRR on a router, with
 * the magic variables, each run as the node's user.
 */
static void read_startup(struct clab *c, const char *node, const struct clab_levels *lv,
			 enum clab_role role, json_t *jn)
{
	json_t *st = json_array(), *files = json_object_get(jn, "files");
	_cleanup_free_ char *user = user_prefix(c, lv);
	struct clab_item *it = NULL;
	size_t n;

	if (role == CLAB_ROUTER) {
		/* the image has no frr.conf of its own: the host's must not be the node's */
		if (!json_object_get(files, "/etc/frr/frr.conf") && !json_object_get(files, "/etc/frr"))
			json_array_append_new(st, json_string("rm -f /etc/frr/frr.conf"));
		/* as the image's entrypoint: watchfrr with the daemons of /etc/frr/daemons */
		json_array_append_new(st, json_string("/usr/lib/frr/frrinit.sh start"));
	}
	n = clab_levels_list(c, lv, "exec", &it);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *cmd = clab_magic(c, ydoc_str(it[i].v), node, true);

		if (!cmd[strspn(cmd, " \t")]) {
			clab_err(c, it[i].v, it[i].path, "is empty (expected a command)");
			continue;
		}
		if (user && user[0]) {
			_cleanup_free_ char *q = str_sh_quote(cmd);

			free(cmd);
			cmd = xasprintf("%s/bin/sh -c %s", user, q);
		}
		json_array_append_new(st, clab_json_text(cmd));
	}
	clab_items_free(it, n);
	if (!json_array_size(st)) {
		json_decref(st);
		return;
	}
	json_object_set_new(jn, "startup", st);
	/* containerlab runs every exec command, a failing one logged (proposed key) */
	json_object_set_new(jn, "startup_on_error", json_string("continue"));
}

/* frrouting/frr*, with docker.io/ or quay.io/ before it. */
static bool frr_image(const char *image)
{
	static const char *const registries[] = {"docker.io/", "quay.io/"};

	for (size_t i = 0; i < ARRAY_SIZE(registries); i++)
		if (str_has_prefix(image, registries[i]))
			image += strlen(registries[i]);
	return str_has_prefix(image, "frrouting/frr");
}

static const char *hostname_problem(const char *s)
{
	size_t len = strlen(s);

	if (len > 64)
		return "is longer than 64 characters";
	if (s[0] == '-' || s[0] == '.')
		return "may not start with '-' or '.'";
	for (const char *p = s; *p; p++)
		if (!isascii((unsigned char)*p) || !(isalnum((unsigned char)*p) || strchr("-._", *p)))
			return "may only contain letters, digits, '-', '_' and '.'";
	return NULL;
}

/* kind linux: a host, or a router when its image is FRR's. */
static void read_container(struct clab *c, struct clab_node *cn, const struct clab_levels *lv,
			   json_t *jn)
{
	yaml_node_t *img = clab_levels_scalar(c, lv, "image", NULL), *v;
	int l;

	if (img && frr_image(ydoc_str(img)))
		cn->role = CLAB_ROUTER;
	json_object_set_new(jn, "kind", json_string(cn->role == CLAB_ROUTER ? "router" : "host"));
	if (img)
		json_object_set_new(jn, "image", json_string(ydoc_str(img)));
	v = clab_levels_scalar(c, lv, "hostname", &l);
	if (v) {
		_cleanup_free_ char *path = xasprintf("%s.hostname", lv->path[l]);
		const char *problem = hostname_problem(ydoc_str(v));

		if (problem)
			clab_err(c, v, path, "\"%s\" %s (expected a host name)", ydoc_str(v), problem);
		else if (strcmp(ydoc_str(v), cn->name))
			json_object_set_new(jn, "hostname", json_string(ydoc_str(v)));
	}
	read_sysctls(c, lv, cn->role, jn);
	read_limits(c, lv, jn);
	clab_read_binds(c, cn->name, lv, jn);
	read_env(c, lv, jn);
	read_startup(c, cn->name, lv, cn->role, jn);
}

/* kind bridge: a switch; what only a container has is ignored (said where the node sets it). */
static void read_switch(struct clab *c, const struct clab_levels *lv, json_t *jn)
{
	json_object_set_new(jn, "kind", json_string("switch"));
	for (size_t i = 0; lv->map[0] && i < ARRAY_SIZE(container_keys); i++) {
		yaml_node_t *v = ydoc_get(&c->y, lv->map[0], container_keys[i]);
		_cleanup_free_ char *path = xasprintf("%s.%s", lv->path[0], container_keys[i]);

		if (!ydoc_is_null(v))
			clab_warn(c, v, path, "is ignored: a bridge is no container");
	}
	read_labels(c, lv, jn, NULL);
}

/* A mapping under topology.kinds or topology.groups, or NULL. */
static yaml_node_t *definition(struct clab *c, yaml_node_t *defs, const char *what,
			       const char *name, char **ret_path)
{
	yaml_node_t *v = ydoc_get(&c->y, defs, name);

	*ret_path = xasprintf("topology.%s.%s", what, name);
	if (ydoc_is_null(v))
		return NULL;
	if (v->type != YAML_MAPPING_NODE) {
		clab_err(c, v, *ret_path, "is %s (expected a mapping of node settings)", ydoc_type(v));
		return NULL;
	}
	return v;
}

/* A group a node names that topology.groups lacks: fine (it sorts containerlab's graph), unless a typo. */
static void check_group(struct clab *c, yaml_node_t *at, const char *path, const char *group)
{
	_cleanup_free_ struct ydoc_pair *pairs = NULL;
	size_t n = ydoc_pairs(&c->y, c->groups, &pairs);
	_cleanup_free_ const char **names = xcalloc(n, sizeof(char *));
	_cleanup_free_ char *hint = NULL;
	size_t k = 0;

	if (ydoc_get(&c->y, c->groups, group))
		return;
	for (size_t i = 0; i < n; i++)
		if (pairs[i].key)
			names[k++] = pairs[i].key;
	hint = clab_hint(c, group, names, k);
	if (hint[0])
		clab_warn(c, at, path, "group '%s' is not under topology.groups%s (its settings reach no node)",
			  group, hint);
}

/*
 * The node's kind and levels, as containerlab resolves them: the kind of
 * the node, else of its group, else of the defaults' group, else of the
 * defaults; the group of the node, else of its kind, else of the defaults.
 * Return: the kind (NULL when none), *ret_at where it is written.
 */
static const char *resolve(struct clab *c, yaml_node_t *def, struct clab_levels *lv,
			   yaml_node_t **ret_at, char **ret_path)
{
	static const char *const dpath = "topology.defaults";
	yaml_node_t *groups[2] = {clab_get_set(c, def, lv->path[0], "group"),
				  clab_get_set(c, c->defaults, dpath, "group")};
	yaml_node_t *v = clab_get_set(c, def, lv->path[0], "kind"), *g;
	const char *kind;

	*ret_path = xasprintf("%s.kind", lv->path[0]);
	for (int i = 0; i < 2 && !v; i++) {
		_cleanup_free_ char *gpath = NULL;
		yaml_node_t *gm = groups[i] ? definition(c, c->groups, "groups", ydoc_str(groups[i]),
							 &gpath) :
					      NULL;

		if (gm && (v = clab_get_set(c, gm, gpath, "kind"))) {
			free(*ret_path);
			*ret_path = xasprintf("%s.kind", gpath);
		}
	}
	if (!v && (v = clab_get_set(c, c->defaults, dpath, "kind"))) {
		free(*ret_path);
		*ret_path = xasprintf("%s.kind", dpath);
	}
	kind = ydoc_str(v);
	*ret_at = v;
	lv->map[0] = def;
	lv->map[2] = kind ? definition(c, c->kinds, "kinds", kind, &lv->path[2]) : NULL;
	/* the group: the node's, else its kind's, else the defaults' */
	g = groups[0];
	if (!g && lv->map[2])
		g = clab_get_set(c, lv->map[2], lv->path[2], "group");
	if (!g)
		g = groups[1];
	if (g) {
		lv->map[1] = definition(c, c->groups, "groups", ydoc_str(g), &lv->path[1]);
		if (!lv->map[1])
			check_group(c, g, lv->path[0], ydoc_str(g));
	}
	lv->map[3] = c->defaults;
	lv->path[3] = xstrdup(dpath);
	return kind;
}

/* The role of a kind, or CLAB_REFUSED with the reason reported. */
static enum clab_role classify(struct clab *c, const char *node, const char *kind,
			       yaml_node_t *at, const char *path)
{
	static const char *const why[] = {"the containerlab host's own namespace",
					  "a container made outside the lab", "a Kubernetes cluster"};

	if (!strcmp(kind, "linux"))
		return CLAB_HOST;
	if (!strcmp(kind, "bridge") || !strcmp(kind, "ovs-bridge"))
		return CLAB_SWITCH;
	for (size_t i = 0; i < ARRAY_SIZE(outside_kinds); i++)
		if (!strcmp(kind, outside_kinds[i])) {
			clab_err(c, at, path, "node '%s' is of kind '%s', %s (expected linux or bridge: netlab makes every node of a lab)",
				 node, kind, why[i]);
			return CLAB_REFUSED;
		}
	if (str_has_prefix(kind, "vr-") || in_list(kind, vendor_kinds, ARRAY_SIZE(vendor_kinds))) {
		clab_err(c, at, path, "node '%s' is of kind '%s', which needs its vendor's image (expected linux or bridge: netlab runs the host's software)",
			 node, kind);
		return CLAB_REFUSED;
	}
	{
		const char *names[ARRAY_SIZE(vendor_kinds) + 3] = {"linux", "bridge", "ovs-bridge"};
		_cleanup_free_ char *hint = NULL;

		for (size_t i = 0; i < ARRAY_SIZE(vendor_kinds); i++)
			names[i + 3] = vendor_kinds[i];
		hint = clab_hint(c, kind, names, ARRAY_SIZE(names));
		clab_err(c, at, path, "node '%s': '%s' is not a containerlab kind%s (expected linux or bridge)",
			 node, kind, hint);
	}
	return CLAB_REFUSED;
}

void clab_read_node(struct clab *c, size_t i, yaml_node_t *knode, yaml_node_t *def)
{
	struct clab_node *cn = &c->nodes[i];
	struct clab_levels lv = {.path = {xasprintf("topology.nodes.%s", cn->name)}};
	const char *problem = topo_node_name_problem(cn->name), *kind;
	_cleanup_free_ char *kpath = NULL;
	yaml_node_t *at;
	json_t *jn;

	if (problem) {
		clab_err(c, knode, "topology.nodes", "node name '%s' %s", cn->name, problem);
		goto out;
	}
	if (!ydoc_is_null(def) && def->type != YAML_MAPPING_NODE) {
		clab_err(c, def, lv.path[0], "is %s (expected a mapping of node settings)",
			 ydoc_type(def));
		goto out;
	}
	kind = resolve(c, ydoc_is_null(def) ? NULL : def, &lv, &at, &kpath);
	if (!kind) {
		clab_err(c, knode, lv.path[0], "has no kind (expected kind: linux or bridge, on the node, its group or topology.defaults)");
		goto out;
	}
	cn->role = classify(c, cn->name, kind, at, kpath);
	if (cn->role == CLAB_REFUSED)
		goto out;
	for (int l = 0; l < 4; l++)
		if (lv.map[l])
			clab_check_keys(c, lv.map[l], lv.path[l], node_keys, ARRAY_SIZE(node_keys));
	jn = json_object();
	if (cn->role == CLAB_SWITCH)
		read_switch(c, &lv, jn);
	else
		read_container(c, cn, &lv, jn);
	json_object_set_new(c->jnodes, cn->name, jn);
	cn->j = jn;
out:
	for (int l = 0; l < 4; l++)
		free(lv.path[l]);
}
