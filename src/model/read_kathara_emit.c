/* SPDX-License-Identifier: MIT */
/*
 * The reader's model of a Kathará lab as a netlab topology in JSON: a node
 * per device with Kathará's sysctls, a hub switch per collision domain, the
 * lab's scripts and directories by absolute host path (read_kathara.c lists
 * the keys and their meaning).
 */
#include "read_kathara_lab.h"

#include "util.h"

struct emit {
	const struct kathara_lab *lab;
	json_t *entries; /* name in the lab directory -> true for a directory, false for a file */
};

/* The host path of name in the lab directory, if it is there as a directory (is_dir) or a file. */
static json_t *lab_path(const struct emit *e, const char *name, bool is_dir)
{
	json_t *v = json_object_get(e->entries, name);
	const char *dir = e->lab->in->dir;

	if (!v || json_is_true(v) != is_dir)
		return NULL;
	return json_sprintf("%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name);
}

/* Kathará's sysctls for every device (DockerMachine's), then the device's own, which win. */
static json_t *dev_sysctls(const struct kathara_dev *dv)
{
	static const char *const base[][2] = {
		{"net.ipv4.ip_forward", "1"},
		{"net.ipv4.conf.all.rp_filter", "0"},
		{"net.ipv4.conf.default.rp_filter", "0"},
		{"net.ipv4.conf.lo.rp_filter", "0"},
		{"net.ipv4.icmp_ratelimit", "0"},
	};
	static const char *const v6_on[][2] = {
		{"net.ipv6.conf.all.forwarding", "1"},	  {"net.ipv6.conf.all.accept_ra", "0"},
		{"net.ipv6.icmp.ratelimit", "0"},	  {"net.ipv6.conf.default.disable_ipv6", "0"},
		{"net.ipv6.conf.all.disable_ipv6", "0"},
	};
	static const char *const v6_off[][2] = {
		{"net.ipv6.conf.default.disable_ipv6", "1"},
		{"net.ipv6.conf.all.disable_ipv6", "1"},
		{"net.ipv6.conf.default.forwarding", "0"},
		{"net.ipv6.conf.all.forwarding", "0"},
	};
	bool v6 = dv->ipv6 == 1;
	json_t *s = json_object(), *v;
	const char *key;

	for (size_t i = 0; i < ARRAY_SIZE(base); i++)
		json_object_set_new(s, base[i][0], json_string(base[i][1]));
	for (size_t i = 0; v6 && i < ARRAY_SIZE(v6_on); i++)
		json_object_set_new(s, v6_on[i][0], json_string(v6_on[i][1]));
	for (size_t i = 0; !v6 && i < ARRAY_SIZE(v6_off); i++)
		json_object_set_new(s, v6_off[i][0], json_string(v6_off[i][1]));
	for (size_t i = 0; i < dv->n_ifs; i++) {
		char k[64];

		snprintf(k, sizeof(k), "net.ipv4.conf.eth%u.rp_filter", dv->ifs[i].num);
		json_object_set_new(s, k, json_string("0"));
		snprintf(k, sizeof(k), "net.ipv6.conf.eth%u.disable_ipv6", dv->ifs[i].num);
		json_object_set_new(s, k, json_string(v6 ? "0" : "1"));
		if (v6) {
			snprintf(k, sizeof(k), "net.ipv6.conf.eth%u.forwarding", dv->ifs[i].num);
			json_object_set_new(s, k, json_string("1"));
		}
	}
	/* moved to the end: written after Kathará's, as lab.conf's sysctls are */
	json_object_foreach(dv->sysctls, key, v) {
		json_object_del(s, key);
		json_object_set(s, key, v);
	}
	return s;
}

static json_t *script(json_t *file_or_command, bool is_file, const char *shell)
{
	return json_pack("{s:o, s:s}", is_file ? "file" : "command", file_or_command, "shell", shell);
}

/* shared.startup, NODE.startup, the exec lines; NODE.shutdown, shared.shutdown. */
static void dev_scripts(const struct emit *e, const struct kathara_dev *dv, json_t *node)
{
	const char *shell = dv->shell ? dv->shell : KATHARA_SHELL;
	_cleanup_free_ char *startup = xasprintf("%s.startup", dv->name);
	_cleanup_free_ char *shutdown = xasprintf("%s.shutdown", dv->name);
	json_t *up = json_array(), *down = json_array(), *p, *cmd;
	size_t i;

	if ((p = lab_path(e, "shared.startup", false)))
		json_array_append_new(up, script(p, true, shell));
	if ((p = lab_path(e, startup, false)))
		json_array_append_new(up, script(p, true, shell));
	json_array_foreach(dv->exec, i, cmd)
		json_array_append_new(up, script(json_incref(cmd), false, shell));
	if ((p = lab_path(e, shutdown, false)))
		json_array_append_new(down, script(p, true, shell));
	if ((p = lab_path(e, "shared.shutdown", false)))
		json_array_append_new(down, script(p, true, shell));
	if (json_array_size(up))
		json_object_set_new(node, "startup_scripts", up);
	else
		json_decref(up);
	if (json_array_size(down))
		json_object_set_new(node, "shutdown_scripts", down);
	else
		json_decref(down);
}

/* Presentation only: every device forwards with the same sysctls whatever its kind. */
static const char *dev_kind(const struct kathara_dev *dv)
{
	const char *what;

	if (dv->n_ifs >= 2)
		return "router";
	if (dv->image && kathara_image_is_host(dv->image, &what) &&
	    (strstr(dv->image, "kathara/frr") || strstr(dv->image, "kathara/quagga")))
		return "router";
	return "host";
}

static json_t *dev_node(const struct emit *e, const struct kathara_dev *dv)
{
	json_t *node = json_pack("{s:s}", "kind", dev_kind(dv)), *ifaces = json_object(), *p;

	if (dv->image)
		json_object_set_new(node, "image", json_string(dv->image));
	if (dv->shell)
		json_object_set_new(node, "shell", json_string(dv->shell));
	for (size_t i = 0; i < dv->n_ifs; i++) {
		char name[TOPO_IFNAMSIZ];

		if (!dv->ifs[i].mac)
			continue;
		snprintf(name, sizeof(name), "eth%u", dv->ifs[i].num);
		json_object_set_new(ifaces, name, json_pack("{s:s}", "mac", dv->ifs[i].mac));
	}
	if (json_object_size(ifaces))
		json_object_set_new(node, "interfaces", ifaces);
	else
		json_decref(ifaces);
	json_object_set_new(node, "sysctls", dev_sysctls(dv));
	if (json_object_size(dv->env))
		json_object_set_new(node, "env", json_deep_copy(dv->env));
	if (dv->mem || dv->cpus > 0) {
		json_t *lim = json_object();

		if (dv->mem)
			json_object_set_new(lim, "memory", json_string(dv->mem));
		if (dv->cpus > 0)
			json_object_set_new(lim, "cpu", json_real(dv->cpus));
		json_object_set_new(node, "limits", lim);
	}
	/* a container's own System V IPC and POSIX queues (PID and mount are netlab's default) */
	json_object_set_new(node, "isolation", json_pack("{s:b}", "ipc", 1));
	if ((p = lab_path(e, dv->name, true)))
		json_object_set_new(node, "overlay", p);
	dev_scripts(e, dv, node);
	if (dv->after)
		json_object_set_new(node, "after", json_deep_copy(dv->after));
	return node;
}

/* A hub switch per collision domain, and a link from each member interface to a port of it. */
static void emit_cds(const struct kathara_lab *lab, json_t *nodes, json_t *links)
{
	const char *cd;
	json_t *members;

	json_object_foreach(lab->cds, cd, members) {
		_cleanup_free_ char *sw = xasprintf(KATHARA_SWITCH_PREFIX "%s", cd);
		json_t *m;
		size_t k;

		json_object_set_new(nodes, sw, json_pack("{s:s, s:b}", "kind", "switch", "hub", 1));
		json_array_foreach(members, k, m) {
			const struct kathara_dev *dv = &lab->devs[json_integer_value(json_array_get(m, 0))];
			json_t *ends = json_pack("[o, o]",
						 json_sprintf("%s:eth%lld", dv->name,
							      (long long)json_integer_value(json_array_get(m, 1))),
						 json_sprintf("%s:eth%zu", sw, k));

			json_array_append_new(links, json_pack("{s:o}", "endpoints", ends));
		}
	}
}

json_t *kathara_emit(const struct kathara_lab *lab)
{
	struct emit e = {.lab = lab, .entries = json_object()};
	json_t *root = json_pack("{s:s}", "name", lab->name), *nodes = json_object();
	json_t *links = json_array();

	for (size_t i = 0; i < lab->in->n_entries; i++)
		json_object_set_new(e.entries, lab->in->entries[i].name,
				    json_boolean(lab->in->entries[i].is_dir));
	if (json_object_size(lab->meta))
		json_object_set_new(root, "meta", json_deep_copy(lab->meta));
	json_object_set_new(root, "shared",
			    json_sprintf("%s%sshared", lab->in->dir, strcmp(lab->in->dir, "/") ? "/" : ""));
	for (size_t i = 0; i < lab->n_devs; i++)
		json_object_set_new(nodes, lab->devs[i].name, dev_node(&e, &lab->devs[i]));
	emit_cds(lab, nodes, links);
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "links", links);
	json_decref(e.entries);
	return root;
}
