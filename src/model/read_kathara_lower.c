/* SPDX-License-Identifier: MIT */
/*
 * The Kathará reader's own node keys (read_kathara.c) lowered to netlab's:
 * "overlay" to "files", "startup_scripts" and "shutdown_scripts" to
 * "startup" and "shutdown" commands, each run as Kathará runs it.
 */
#include "read_kathara.h"

#include <dirent.h>
#include <sys/stat.h>

#include "util.h"

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

/* Whether sh is bash, which has the ERR trap that names failing lines. */
static bool shell_is_bash(const char *sh)
{
	const char *base = strrchr(sh, '/') ? strrchr(sh, '/') + 1 : sh;

	return !strcmp(base, "bash");
}

/*
 * A script of a Kathará lab as a startup command: its BOM and carriage
 * returns removed, run by its shell traced (set -x), every line whatever the
 * one before did. Its output goes to `netlab logs` and, as Kathará writes it,
 * into the node's /var/log/shared.log (shared.startup) or
 * /var/log/startup.log (NODE.startup, then the exec lines after it). Under
 * bash an ERR trap names each failing line in that output as
 * KATHARA_FAIL_PREFIX "WHERE line N: exit status S: COMMAND" (WHERE: the
 * script's name, or NODE[exec]), which `status` shows; the trap's own
 * trace goes to /dev/null. The prelude shares the script's first line, so
 * that LINENO and bash's own messages count the file's lines. It never fails
 * the node: Kathará carries on too.
 */
static char *script_command(json_t *entry, json_t *node, const char *name, bool trace)
{
	const char *sh = json_string_value(json_object_get(entry, "shell"));
	const char *host = json_string_value(json_object_get(entry, "file"));
	const char *cmd = json_string_value(json_object_get(entry, "command"));
	const char *base = host && strrchr(host, '/') ? strrchr(host, '/') + 1 : host;
	_cleanup_free_ char *qsh = str_sh_quote(sh ? sh : "/bin/bash"), *text = NULL, *where = NULL;
	_cleanup_free_ char *prelude = NULL, *qprelude = NULL, *qtext = NULL;
	const char *log = "/var/log/startup.log", *op = ">>";

	if (host) {
		/* the script is given to the node (the lab's directory may be out of its view) */
		_cleanup_free_ char *file = xasprintf("/run/kathara/%s", base), *qf = str_sh_quote(file);
		json_t *files = json_object_get(node, "files");

		if (!files) {
			files = json_object();
			json_object_set_new(node, "files", files);
		}
		json_object_set_new(files, file, json_pack("{s:s, s:b}", "path", host, "ro", 1));
		text = xasprintf("sed -e '1s/^\\xef\\xbb\\xbf//' -e 's/\\r$//' %s", qf);
		where = xstrdup(base);
		if (trace) {
			/* Kathará's: shared.startup &> /var/log/shared.log, NODE.startup &> startup.log */
			op = ">";
			if (!strcmp(base, "shared.startup"))
				log = "/var/log/shared.log";
		}
	} else {
		_cleanup_free_ char *qc = str_sh_quote(cmd ? cmd : "true");

		text = xasprintf("printf '%%s' %s", qc);
		where = xasprintf("%s[exec]", name);
	}
	if (!trace)
		qtext = xasprintf("%s -c \"$(%s)\"", qsh, text);
	else if (shell_is_bash(sh ? sh : "/bin/bash")) {
		/* where is a device's name ([a-z0-9_]) and a suffix: nothing to quote in "" */
		prelude = xasprintf("trap '{ printf \"" KATHARA_FAIL_PREFIX "%s line %%s" KATHARA_FAIL_STATUS "%%s: %%s\\n\" \"$LINENO\" \"$?\" \"${BASH_COMMAND//[[:cntrl:]]/ }\"; } 2>/dev/null' ERR; set -x; ",
				    where);
		qprelude = str_sh_quote(prelude);
		qtext = xasprintf("%s -c \"$(printf '%%s' %s; %s)\"", qsh, qprelude, text);
	} else
		qtext = xasprintf("%s -x -c \"$(%s)\"", qsh, text);
	return xasprintf("o=$(mktemp); %s >\"$o\" 2>&1; cat \"$o\"; cat \"$o\" %s %s; rm -f \"$o\"; true",
			 qtext, op, log);
}

/* A list of script entries as command strings. */
static json_t *script_commands(json_t *list, json_t *node, const char *name, bool trace)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		char *c = script_command(e, node, name, trace);

		json_array_append_new(out, json_string(c));
		free(c);
	}
	return out;
}

void kathara_lower(json_t *root)
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
			/* as Kathará does: /var/www open to all, /etc/frr and /etc/quagga frr's */
			json_array_append_new(startup, json_string(
				"[ -d /var/www ] && chmod -R 777 /var/www/* 2>/dev/null; "
				"for d in /etc/frr /etc/quagga; do [ -d $d ] && id frr >/dev/null 2>&1 && "
				"chown -R frr:frr $d && find $d -type f -exec chmod 640 {} +; done; true"));
			json_object_del(n, "overlay");
		}
		if (start) {
			json_t *cmds = script_commands(start, n, name, true);

			json_array_extend(startup, cmds);
			json_decref(cmds);
			json_object_del(n, "startup_scripts");
		}
		if (json_array_size(startup)) {
			/*
			 * First, into `netlab logs` only: where this run begins (status
			 * names the failing lines after the last such line).
			 */
			json_t *first = json_array_get(startup, 0);
			_cleanup_free_ char *c = xasprintf("echo '" KATHARA_RUN_PREFIX "%s'; %s", name,
							   json_string_value(first));

			json_string_set(first, c);
			json_object_set(n, "startup", startup);
		}
		json_decref(startup);
		if (stop) {
			json_object_set_new(n, "shutdown", script_commands(stop, n, name, false));
			json_object_del(n, "shutdown_scripts");
		}
	}
}
