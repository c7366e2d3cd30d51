/* SPDX-License-Identifier: MIT */
/* The readers by format: every input becomes netlab JSON text (see read.h). */
#include "read.h"

#include <jansson.h>
#include <dirent.h>
#include <sys/stat.h>

#include "read_clab.h"
#include "read_kathara.h"
#include "util.h"

#define TOPO_MAX_FILE (64u << 20)

static const char *const format_names[] = {
	[TOPO_FORMAT_AUTO] = "auto",
	[TOPO_FORMAT_NETLAB] = "netlab",
	[TOPO_FORMAT_KATHARA] = "kathara",
	[TOPO_FORMAT_CLAB] = "clab",
};

int topo_format_parse(const char *s)
{
	for (size_t i = TOPO_FORMAT_NETLAB; i < ARRAY_SIZE(format_names); i++)
		if (!strcmp(s, format_names[i]))
			return i;
	return -EINVAL;
}

const char *topo_format_name(enum topo_format f)
{
	return (size_t)f < ARRAY_SIZE(format_names) ? format_names[f] : "?";
}

enum topo_format topo_format_detect(const char *path)
{
	if (kathara_detect(path))
		return TOPO_FORMAT_KATHARA;
	return clab_detect(path) ? TOPO_FORMAT_CLAB : TOPO_FORMAT_NETLAB;
}

/* A Kathará lab's lab.conf, for messages and relative paths. */
static char *kathara_conf(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s%slab.conf", path, path[strlen(path) - 1] == '/' ? "" : "/");
	return xstrdup(path);
}

/* s in single quotes for /bin/sh, 'it'\''s' */
static char *sh_quote(const char *s)
{
	size_t n = 3;
	char *out, *o;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	o = out = xmalloc(n);
	*o++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else
			*o++ = *c;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* Every regular file and symlink under dir/rel, as files["/rel/name"] = host path. */
static void overlay_files(const char *dir, const char *rel, json_t *files)
{
	_cleanup_free_ char *here = xasprintf("%s%s", dir, rel);
	_cleanup_(closedirp_) DIR *d = opendir(here);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		_cleanup_free_ char *sub = NULL, *host = NULL;
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = xasprintf("%s/%s", rel, de->d_name);
		host = xasprintf("%s%s", dir, sub);
		if (stat(host, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			overlay_files(dir, sub, files);
		else if (S_ISREG(st.st_mode) && !json_object_get(files, sub))
			json_object_set_new(files, sub, json_string(host));
	}
}

/*
 * A script of a Kathara lab as a startup command: its BOM and carriage
 * returns removed, run by its shell traced (set -x), every line whatever the
 * one before did, its output in the node's /var/log/startup.log and in
 * `netlab logs`. It never fails the node: Kathara carries on too.
 */
static char *script_command(json_t *entry, json_t *node, bool trace)
{
	const char *sh = json_string_value(json_object_get(entry, "shell"));
	const char *host = json_string_value(json_object_get(entry, "file"));
	_cleanup_free_ char *file = NULL;
	const char *cmd = json_string_value(json_object_get(entry, "command"));
	_cleanup_free_ char *qsh = sh_quote(sh ? sh : "/bin/bash"), *body = NULL;

	if (host) {
		/* the script is given to the node (the lab's directory may be out of its view) */
		const char *base = strrchr(host, '/') ? strrchr(host, '/') + 1 : host;
		json_t *files = json_object_get(node, "files");
		_cleanup_free_ char *qf = NULL;

		file = xasprintf("/run/kathara/%s", base);
		if (!files) {
			files = json_object();
			json_object_set_new(node, "files", files);
		}
		json_object_set_new(files, file, json_pack("{s:s, s:b}", "path", host, "ro", 1));
		qf = sh_quote(file);

		body = xasprintf("\"$(sed -e '1s/^\\xef\\xbb\\xbf//' -e 's/\\r$//' %s)\"", qf);
	} else
		body = sh_quote(cmd ? cmd : "true");
	return xasprintf("o=$(mktemp); %s %s-c %s >\"$o\" 2>&1; cat \"$o\"; cat \"$o\" >> /var/log/startup.log; rm -f \"$o\"; true",
			 qsh, trace ? "-x " : "", body);
}

/* A list of script entries as command strings. */
static json_t *script_commands(json_t *list, json_t *node, bool trace)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		char *c = script_command(e, node, trace);

		json_array_append_new(out, json_string(c));
		free(c);
	}
	return out;
}

/*
 * The Kathara reader's node keys in netlab's own: overlay (NODE/) as files,
 * startup_scripts and shutdown_scripts as startup and shutdown commands, with
 * /etc/frr and /etc/quagga handed to the daemons' user first, as Kathara does.
 */
static void kathara_lower(json_t *root)
{
	json_t *nodes = json_object_get(root, "nodes"), *n;
	const char *name;

	json_object_foreach(nodes, name, n) {
		const char *overlay = json_string_value(json_object_get(n, "overlay"));
		json_t *start = json_object_get(n, "startup_scripts");
		json_t *stop = json_object_get(n, "shutdown_scripts");
		json_t *startup = json_array();

		if (overlay) {
			json_t *files = json_object_get(n, "files");

			if (!files) {
				files = json_object();
				json_object_set_new(n, "files", files);
			}
			overlay_files(overlay, "", files);
			if (json_object_size(files) == 0)
				json_object_del(n, "files");
			json_array_append_new(startup, json_string(
				"for d in /etc/frr /etc/quagga; do [ -d $d ] && id frr >/dev/null 2>&1 && "
				"chown -R frr:frr $d && find $d -type f -exec chmod 640 {} +; done; true"));
			json_object_del(n, "overlay");
		}
		if (start) {
			json_t *cmds = script_commands(start, n, true);

			json_array_extend(startup, cmds);
			json_decref(cmds);
			json_object_del(n, "startup_scripts");
		}
		if (json_array_size(startup))
			json_object_set(n, "startup", startup);
		json_decref(startup);
		if (stop) {
			json_object_set_new(n, "shutdown", script_commands(stop, n, false));
			json_object_del(n, "shutdown_scripts");
		}
	}
}

int topo_read_json(const char *path, enum topo_format f, char **ret_text, char **ret_file,
		   struct topo_diags *d)
{
	_cleanup_free_ char *text = NULL;
	json_t *j;
	size_t len;
	int r;

	if (f == TOPO_FORMAT_AUTO)
		f = strcmp(path, "-") ? topo_format_detect(path) : TOPO_FORMAT_NETLAB;
	if (f == TOPO_FORMAT_KATHARA) {
		j = kathara_read(path, d);
		if (!j)
			return -EINVAL;
		kathara_lower(j);
		*ret_text = json_dumps(j, JSON_INDENT(2));
		json_decref(j);
		if (!*ret_text)
			abort();
		*ret_file = kathara_conf(path);
		return 0;
	}
	if (f == TOPO_FORMAT_CLAB) {
		j = clab_read(path, d);
		if (!j)
			return -EINVAL;
		*ret_text = json_dumps(j, JSON_INDENT(2));
		json_decref(j);
		if (!*ret_text)
			abort();
		*ret_file = xstrdup(path);
		return 0;
	}
	/* "-": netlab JSON on stdin (a host's share, sent by the controller); paths from the cwd */
	r = read_file(strcmp(path, "-") ? path : "/dev/stdin", TOPO_MAX_FILE, &text, &len);
	if (strcmp(path, "-") == 0)
		path = TOPO_STDIN_NAME;
	if (r < 0) {
		struct stat st;

		if (r == -EISDIR || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			topo_diag_add(d, TOPO_ERROR,
				      "%s: is a directory without a lab.conf (expected a netlab JSON topology, or a Kathará lab directory)",
				      path);
		else
			topo_diag_add(d, TOPO_ERROR, "%s: cannot read the topology: %s", path,
				      r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
		return r;
	}
	if (memchr(text, '\0', len)) {
		topo_diag_add(d, TOPO_ERROR, "%s: contains a NUL byte (expected JSON text)", path);
		return -EINVAL;
	}
	*ret_text = TAKE_PTR(text);
	*ret_file = xstrdup(path);
	return 0;
}
