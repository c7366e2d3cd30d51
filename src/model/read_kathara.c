/* SPDX-License-Identifier: MIT */
/*
 * The Kathará lab reader (kathara-lab.conf(5), kathara-lab.dep(5),
 * kathara-lab-dirs(7)): lab.conf, lab.dep and the names in the lab directory
 * become a netlab topology, as JSON in netlab's own format. It reads no
 * other file: scripts and node directories are named by absolute host path,
 * for the engine to use at `up`.
 *
 * What a lab becomes:
 * - a device is a node; "kind" is "router" when it has two interfaces or
 *   more or runs kathara/frr or kathara/quagga, "host" otherwise. The kind
 *   only shapes drawings: every device gets the same sysctls, Kathará's:
 *   net.ipv4.ip_forward 1, rp_filter 0 on all, default, lo and each
 *   interface, net.ipv4.icmp_ratelimit 0; IPv6 off (disable_ipv6 1 on all,
 *   default and each interface, forwarding 0) unless the device's ipv6 key
 *   turns it on (disable_ipv6 0, all and each interface forwarding 1,
 *   all.accept_ra 0, net.ipv6.icmp.ratelimit 0). The lab.conf sysctls come
 *   after these in the object (a key set both ways is moved to the end with
 *   the lab's value), so they are written last and win. Every node also gets
 *   its own IPC namespace, as a container has.
 * - dev[N]="CD/MAC" is interface ethN, linked to port ethK of the switch
 *   "cd-CD" (kind switch, "hub": true, ports numbered in lab.conf order): a
 *   device name has no '-', so a switch name never takes one.
 * - mem and cpus become "limits"; image, shell and the rest as below.
 *
 * Keys netlab's format does not have yet (kathara_new_*_keys), proposed for
 * the engine:
 * - top level "meta": {"description": "...", "version": "1.0", ...}: the
 *   LAB_* lines, key lower-cased without "LAB_"; strings, for `status`.
 * - top level "shared": ABS_PATH: the lab's shared/ directory, mounted
 *   read-write at /shared in every node (created when missing, as Kathará
 *   does). Always emitted.
 * - node "image": the image as written: information only.
 * - node "shell": the device's shell key: the shell of `netlab shell NODE`.
 * - node "overlay": ABS_PATH of the NODE/ directory: its tree is copied
 *   over the node's / before any script runs (then /etc/frr and /etc/quagga
 *   are given to the daemons' user, mode 640, as Kathará does), visible in
 *   that node only, the host's files untouched.
 * - node "startup_scripts": [{"file": ABS_PATH, "shell": SH}, ...,
 *   {"command": "...", "shell": SH}]: run in order once the lab is wired,
 *   after the node's "after" nodes have finished theirs: shared.startup,
 *   NODE.startup, then each exec line. Each one is shell text run by SH
 *   (the device's shell key, /bin/bash by default) traced as with set -x,
 *   a file with its UTF-8 BOM and its CRs before line ends taken out first
 *   (Kathará's convert_win_2_linux); a failing line does not stop the
 *   script, the next entry or the lab: under bash each failing line is
 *   named in the output, and the node's status lists them. Output to
 *   /var/log/shared.log (shared.startup) or /var/log/startup.log in the node,
 *   as Kathará writes them, and to `netlab logs` (read_kathara_lower.c makes
 *   these commands). (Kathará runs exec lines joined by ';', failures
 *   ignored, unlike netlab's "startup", whose failing command ends the
 *   node's startup: that is why they are entries here, not "startup".)
 * - node "shutdown_scripts": [{"file": ABS_PATH, "shell": SH}]: NODE.shutdown,
 *   then shared.shutdown, run at `down` in the node before anything is
 *   removed, BOM and CRs taken out as above, untraced; the file's own #!
 *   interpreter when it has one, SH otherwise (Kathará runs the file).
 * - node "after": ["dev", ...]: lab.dep: this node's startup_scripts begin
 *   once those nodes' have finished (the engine runs the startups by waves,
 *   the nodes of a wave side by side, a node in the wave after its "after"'s).
 */
#include "read_kathara.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "read_kathara_lab.h"
#include "topo_hint.h"
#include "util.h"

#define KATHARA_MAX_FILE (16u << 20)
#define CYCLE_SHOWN 16 /* names of a cycle shown before "..." */

const char *const kathara_new_top_keys[] = {"meta", "shared", NULL};
const char *const kathara_new_node_keys[] = {"image",		 "shell",	     "overlay",
					     "startup_scripts", "shutdown_scripts", "after",
					     NULL};

void kathara_say(struct kathara_lab *lab, enum topo_severity sev, const char *file, unsigned line,
		 const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (line)
		topo_diag_add(lab->d, sev, "%s:%u: %s", file, line, msg);
	else
		topo_diag_add(lab->d, sev, "%s: %s", file, msg);
}

char *kathara_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Whether s is UTF-8 (no overlong form, surrogate or code point past U+10FFFF): JSON holds nothing else. */
static bool utf8_valid(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	while (*c) {
		unsigned need = *c < 0x80 ? 0 : (*c & 0xe0) == 0xc0 ? 1 : (*c & 0xf0) == 0xe0 ? 2 :
			      (*c & 0xf8) == 0xf0 ? 3 : 4;
		uint32_t cp = need == 0 ? *c : need == 1 ? *c & 0x1f : need == 2 ? *c & 0x0f : *c & 0x07;

		if (need == 4)
			return false;
		for (unsigned i = 1; i <= need; i++) {
			if ((c[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (c[i] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		c += need + 1;
	}
	return true;
}

bool kathara_each_line(struct kathara_lab *lab, const char *file, const char *text, size_t len,
		       void (*fn)(struct kathara_lab *, unsigned, char *))
{
	_cleanup_free_ char *copy = NULL;
	char *s, *nl;
	unsigned ln = 1;

	if (memchr(text, '\0', len)) {
		kathara_say(lab, TOPO_ERROR, file, 0, "contains a NUL byte (expected text)");
		return false;
	}
	copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	s = copy;
	if (str_has_prefix(s, "\xef\xbb\xbf"))
		s += 3;
	for (; s; s = nl ? nl + 1 : NULL, ln++) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		if (!nl && !*s)
			break;
		if (!utf8_valid(s))
			kathara_say(lab, TOPO_ERROR, file, ln,
				    "is not UTF-8 text (expected UTF-8, as Kathará reads it)");
		else
			fn(lab, ln, s); /* a CR before the newline is white space that fn trims */
	}
	return true;
}

/* A device named in lab.dep, reported when lab.conf has none of that name. Return: it, or NULL. */
static struct kathara_dev *dep_dev(struct kathara_lab *lab, unsigned ln, const char *name)
{
	struct kathara_dev *dv = kathara_dev_find(lab, name);
	_cleanup_free_ const char **names = NULL;
	_cleanup_free_ char *hint = NULL;

	if (dv)
		return dv;
	if (!*name) {
		kathara_say(lab, TOPO_ERROR, lab->in->dep_file, ln,
			    "no device before ':' (expected 'device: device1 device2 ...')");
		return NULL;
	}
	names = xcalloc(lab->n_devs + 1, sizeof(*names));
	for (size_t i = 0; i < lab->n_devs; i++)
		names[i] = lab->devs[i].name;
	hint = topo_did_you_mean(topo_suggest(name, names, lab->n_devs));
	kathara_say(lab, TOPO_ERROR, lab->in->dep_file, ln,
		    "unknown device '%s'%s (expected a device of %s)", name, hint, lab->in->conf_file);
	return NULL;
}

/* "device: device1 device2 ...": device starts after the others (kathara-lab.dep(5)). */
static void dep_line(struct kathara_lab *lab, unsigned ln, char *line)
{
	char *s = kathara_trim(line), *colon, *tok, *save = NULL;
	_cleanup_(json_decrefp) json_t *after = NULL;
	struct kathara_dev *dv;
	bool ok = true;

	if (!*s || *s == '#')
		return;
	colon = strchr(s, ':');
	if (!colon) {
		kathara_say(lab, TOPO_ERROR, lab->in->dep_file, ln,
			    "'%.60s%s' is not a lab.dep line (expected 'device: device1 device2 ...')", s,
			    strlen(s) > 60 ? "..." : "");
		return;
	}
	*colon = '\0';
	dv = dep_dev(lab, ln, kathara_trim(s));
	after = json_array();
	for (tok = strtok_r(colon + 1, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
		struct kathara_dev *dep = dep_dev(lab, ln, tok);
		bool dup = false;

		ok = ok && dep;
		for (size_t i = 0; dep && i < json_array_size(after) && !dup; i++)
			dup = !strcmp(json_string_value(json_array_get(after, i)), tok);
		if (dep && !dup)
			json_array_append_new(after, json_string(tok));
	}
	if (ok && !json_array_size(after)) {
		kathara_say(lab, TOPO_ERROR, lab->in->dep_file, ln,
			    "'%s:' names no device to wait for (expected 'device: device1 device2 ...')", s);
		return;
	}
	if (!dv || !ok)
		return;
	if (dv->after)
		kathara_say(lab, TOPO_WARNING, lab->in->dep_file, ln,
			    "'%s' is listed again (first at line %u); line %u wins, as in Kathará", s,
			    dv->dep_line, ln);
	json_decref(dv->after);
	dv->after = TAKE_PTR(after);
	dv->dep_line = ln;
}

/* Report the cycle closed by an edge to stack[from] from the top of stack. */
static void report_cycle(struct kathara_lab *lab, const size_t *stack, size_t from, size_t depth)
{
	_cleanup_free_ char *text = xstrdup("");

	for (size_t i = from; i <= depth; i++) {
		const char *name = lab->devs[stack[i == depth ? from : i]].name;
		char *more;

		if (i - from == CYCLE_SHOWN && depth - from > CYCLE_SHOWN + 1) {
			more = xasprintf("%s -> ...", text);
			i = depth - 1;
		} else
			more = xasprintf("%s%s%s", text, i > from ? " -> " : "", name);
		free(text);
		text = more;
	}
	kathara_say(lab, TOPO_ERROR, lab->in->dep_file, lab->devs[stack[from]].dep_line,
		    "a dependency cycle: %s (each waits for the next; expected no device to wait for itself)",
		    text);
}

/* Every cycle of lab.dep, found by a depth-first walk without recursion. */
static void check_cycles(struct kathara_lab *lab)
{
	size_t n = lab->n_devs, depth;
	_cleanup_free_ unsigned char *color = xcalloc(n + 1, 1); /* 0 new, 1 on the path, 2 done */
	_cleanup_free_ size_t *stack = xcalloc(n + 1, sizeof(size_t));
	_cleanup_free_ size_t *next = xcalloc(n + 1, sizeof(size_t));
	_cleanup_free_ size_t *at = xcalloc(n + 1, sizeof(size_t)); /* a node's place on the path */

	for (size_t s = 0; s < n; s++) {
		if (color[s])
			continue;
		depth = 0;
		stack[0] = s;
		next[0] = 0;
		at[s] = 0;
		color[s] = 1;
		for (;;) {
			const struct kathara_dev *dv = &lab->devs[stack[depth]];
			size_t c;

			if (next[depth] >= json_array_size(dv->after)) {
				color[stack[depth]] = 2;
				if (!depth)
					break;
				depth--;
				continue;
			}
			c = kathara_dev_find(lab, json_string_value(json_array_get(dv->after, next[depth]++))) -
			    lab->devs;
			if (color[c] == 1)
				report_cycle(lab, stack, at[c], depth + 1);
			if (color[c])
				continue;
			depth++;
			stack[depth] = c;
			next[depth] = 0;
			at[c] = depth;
			color[c] = 1;
		}
	}
}

/* Scripts that no device runs, and a lab.ext, are worth a word. */
static void check_entries(struct kathara_lab *lab)
{
	static const char *const suffixes[] = {".startup", ".shutdown"};

	for (size_t i = 0; i < lab->in->n_entries; i++) {
		const struct kathara_entry *e = &lab->in->entries[i];
		_cleanup_free_ char *base = NULL;
		size_t len = strlen(e->name);

		if (e->is_dir)
			continue;
		if (!strcmp(e->name, "lab.ext")) {
			kathara_say(lab, TOPO_WARNING, e->name, 0,
				    "external collision domains (host interfaces in a lab) are not supported: the file is ignored");
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(suffixes) && !base; k++) {
			size_t n = strlen(suffixes[k]);

			if (len > n && !strcmp(e->name + len - n, suffixes[k]))
				base = xasprintf("%.*s", (int)(len - n), e->name);
		}
		if (!base)
			continue;
		if (!strcmp(base, "shared") || kathara_dev_find(lab, base) || !*base ||
		    strspn(base, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(base))
			continue;
		kathara_say(lab, TOPO_WARNING, e->name, 0,
			    "%s has no device '%s': the script is not run", lab->in->conf_file, base);
	}
}

/* The lab's name from its directory's, made a netlab lab name (said when changed). */
static char *lab_name(struct kathara_lab *lab)
{
	const char *src = lab->in->lab_name && *lab->in->lab_name ? lab->in->lab_name : "kathara";
	char *name = xcalloc(strlen(src) + 1, 1), *w = name;

	for (const char *c = src; *c && w - name < TOPO_LAB_NAME_MAX; c++) {
		if (isascii((unsigned char)*c) && (isalnum((unsigned char)*c) || *c == '-' || *c == '_'))
			*w++ = *c;
		else if (w == name || w[-1] != '-')
			*w++ = '-';
	}
	while (w > name && w[-1] == '-')
		*--w = '\0';
	if (!*name) {
		free(name);
		name = xstrdup("kathara");
	}
	if (strcmp(name, src))
		kathara_say(lab, TOPO_WARNING, lab->in->conf_file, 0,
			    "the lab's directory name '%s' is not a lab name (1 to %d of letters, digits, '-' and '_'): the lab is '%s' (up --name chooses another)",
			    src, TOPO_LAB_NAME_MAX, name);
	return name;
}

void kathara_lab_free(struct kathara_lab *lab)
{
	for (size_t i = 0; i < lab->n_devs; i++) {
		struct kathara_dev *dv = &lab->devs[i];

		for (size_t k = 0; k < dv->n_ifs; k++) {
			free(dv->ifs[k].cd);
			free(dv->ifs[k].mac);
		}
		free(dv->ifs);
		free(dv->name);
		free(dv->image);
		free(dv->shell);
		free(dv->mem);
		json_decref(dv->sysctls);
		json_decref(dv->sysctl_lines);
		json_decref(dv->env);
		json_decref(dv->env_lines);
		json_decref(dv->exec);
		json_decref(dv->after);
	}
	free(lab->devs);
	free(lab->name);
	json_decref(lab->dev_index);
	json_decref(lab->cds);
	json_decref(lab->meta);
	json_decref(lab->meta_lines);
	*lab = (struct kathara_lab){0};
}

json_t *kathara_parse(const struct kathara_input *in, struct topo_diags *d)
{
	struct kathara_lab lab = {
		.in = in,
		.d = d,
		.dev_index = json_object(),
		.cds = json_object(),
		.meta = json_object(),
		.meta_lines = json_object(),
	};
	size_t errors = d->n_errors;
	json_t *out = NULL;

	if (!utf8_valid(in->dir))
		kathara_say(&lab, TOPO_ERROR, in->conf_file, 0,
			    "the lab's directory '%s' is not named in UTF-8 (expected a UTF-8 path: the topology is JSON)",
			    in->dir);
	kathara_conf_read(&lab);
	if (in->dep && kathara_each_line(&lab, in->dep_file, in->dep, in->dep_len, dep_line))
		check_cycles(&lab);
	check_entries(&lab);
	lab.name = lab_name(&lab);
	if (d->n_errors == errors)
		out = kathara_emit(&lab);
	kathara_lab_free(&lab);
	return out;
}

/* The lab directory's files and directories (symlinks followed), into *ret. Return: how many, or -errno. */
static ssize_t list_entries(const char *dir, struct kathara_entry **ret)
{
	_cleanup_(closedirp_) DIR *d = opendir(dir);
	struct kathara_entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		GROW(v, cap, n + 1);
		v[n++] = (struct kathara_entry){.name = xstrdup(de->d_name), .is_dir = S_ISDIR(st.st_mode)};
	}
	*ret = v;
	return n;
}

/* A text file into *ret (NULL when missing and missing_ok), reported otherwise. Return: 0 or -errno. */
static int read_text(const char *file, bool missing_ok, char **ret, size_t *ret_len,
		     struct topo_diags *d)
{
	int r = read_file(file, KATHARA_MAX_FILE, ret, ret_len);

	if (r == -ENOENT && missing_ok) {
		*ret = NULL;
		return 0;
	}
	if (r < 0)
		topo_diag_add(d, TOPO_ERROR, "%s: cannot read it: %s%s", file,
			      r == -EFBIG ? "larger than 16 MiB" : strerror(-r),
			      missing_ok ? "" : " (expected a Kathará lab: a directory holding lab.conf, or its lab.conf)");
	return r < 0 ? r : 0;
}

json_t *kathara_read(const char *path, struct topo_diags *d)
{
	_cleanup_free_ char *dir = NULL, *conf_file = NULL, *dep_file = NULL, *abs = NULL;
	_cleanup_free_ char *conf = NULL, *dep = NULL, *base = NULL;
	struct kathara_entry *entries = NULL;
	size_t conf_len = 0, dep_len = 0;
	struct stat st;
	ssize_t n;
	json_t *out;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		dir = xstrdup(path);
		for (size_t len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
			dir[len - 1] = '\0';
		conf_file = xasprintf("%s%slab.conf", dir, strcmp(dir, "/") ? "/" : "");
	} else {
		_cleanup_free_ char *copy = xstrdup(path);

		conf_file = xstrdup(path);
		dir = xstrdup(dirname(copy));
	}
	if (read_text(conf_file, false, &conf, &conf_len, d) < 0)
		return NULL;
	dep_file = xasprintf("%s%slab.dep", dir, strcmp(dir, "/") ? "/" : "");
	if (read_text(dep_file, true, &dep, &dep_len, d) < 0)
		return NULL;
	abs = realpath(dir, NULL);
	n = abs ? list_entries(abs, &entries) : -errno;
	if (n < 0) {
		topo_diag_add(d, TOPO_ERROR, "%s: cannot list the lab's directory: %s", dir, strerror((int)-n));
		return NULL;
	}
	{
		_cleanup_free_ char *copy = xstrdup(abs);

		base = xstrdup(basename(copy));
	}
	out = kathara_parse(&(struct kathara_input){
				    .dir = abs,
				    .lab_name = base,
				    .conf_file = conf_file,
				    .conf = conf,
				    .conf_len = conf_len,
				    .dep_file = dep_file,
				    .dep = dep,
				    .dep_len = dep_len,
				    .entries = entries,
				    .n_entries = n,
			    },
			    d);
	for (ssize_t i = 0; i < n; i++)
		free((char *)entries[i].name);
	free(entries);
	return out;
}

bool kathara_detect(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path), *conf = NULL;
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (!S_ISDIR(st.st_mode))
		return S_ISREG(st.st_mode) && !strcmp(basename(copy), "lab.conf");
	conf = xasprintf("%s/lab.conf", path);
	return stat(conf, &st) == 0 && S_ISREG(st.st_mode);
}
