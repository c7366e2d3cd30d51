/* SPDX-License-Identifier: MIT */
/*
 * The containerlab reader's host files: binds (checked to exist, as
 * containerlab does) and env-files (read), with the magic variables.
 */
#include "read_clab_impl.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

/* An env-file larger than this is no list of variables. */
#define CLAB_ENV_FILE_MAX (1u << 20)

char *clab_magic(const struct clab *c, const char *s, const char *node, bool absolute)
{
	_cleanup_free_ char *labdir = absolute ? xasprintf("%s/clab-%s", c->abs_dir, c->clab_name) :
						 xasprintf("clab-%s", c->clab_name);
	_cleanup_free_ char *nodedir = xasprintf("%s/%s", labdir, node ? node : "");
	_cleanup_free_ char *labname = xasprintf("clab-%s", c->clab_name);
	const char *const from[] = {"__clabDir__", "__clabNodeDir__", "__clabNodeName__",
				    "__clabLabName__"};
	const char *const to[] = {labdir, nodedir, node ? node : "", labname};
	struct clab_buf out = {0};

	clab_buf_add(&out, "", 0);
	while (*s) {
		size_t k, n = strcspn(s + 1, "_") + 1;

		for (k = 0; k < ARRAY_SIZE(from); k++)
			if ((node || k == 0 || k == 3) && str_has_prefix(s, from[k]))
				break;
		if (k < ARRAY_SIZE(from)) {
			clab_buf_add(&out, to[k], strlen(to[k]));
			s += strlen(from[k]);
		} else {
			clab_buf_add(&out, s, n);
			s += n;
		}
	}
	return out.p;
}

/* ~ and ~/x as the home directory. Return: a string to free, NULL without $HOME. */
static char *expand_home(const char *s)
{
	const char *home = getenv("HOME");

	if (s[0] != '~' || (s[1] && s[1] != '/'))
		return xstrdup(s);
	return home && home[0] ? xasprintf("%s%s", home, s + 1) : NULL;
}

/* A host path as the node's JSON gives it: absolute, or relative to the topology's directory. */
static char *host_path(const struct clab *c, const char *rel)
{
	return rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", c->dir, rel);
}

/* The absolute path without "." and ".." and repeated '/' (no symlinks followed). */
static char *lexical_clean(const char *p)
{
	char *out = xmalloc(strlen(p) + 2), *o = out;

	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > out && *--o != '/')
				;
			*o = '\0';
		} else {
			*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

static bool under(const char *p, const char *dir)
{
	return str_has_prefix(p, dir) && (p[strlen(dir)] == '/' || !p[strlen(dir)]);
}

/* A path in the node netlab can bind: absolute, no "." or "..", outside /proc, /sys, /dev. */
static bool node_path_ok(const char *s)
{
	_cleanup_free_ char *clean = lexical_clean(s);
	size_t n = strlen(s);

	if (s[0] != '/' || n < 2 || n > 4095 || s[n - 1] == '/' || strcmp(clean, s))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return !under(s, "/proc") && !under(s, "/sys") && !under(s, "/dev");
}

/* Whether a node sees the host's file at p already: outside its own /run, /tmp, /root, /dev/shm. */
static bool host_visible(const char *p)
{
	static const char *const own[] = {"/run", "/var/run", "/tmp", "/root", "/dev/shm"};

	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (under(p, own[i]))
			return false;
	return true;
}

struct bind {
	char *dst;
	char *src; /* as the JSON gives it */
	bool ro;
};

/* The options after the second ':': ro, rw; Docker's others get a warning. Return: false if bad. */
static bool bind_options(struct clab *c, const struct clab_item *it, const char *opts, bool *ro)
{
	static const char *const docker[] = {"z",	"Z",	    "shared",	 "rshared", "slave",
					     "rslave",	"private",  "rprivate",	 "nocopy",  "delegated",
					     "cached",	"consistent"};
	_cleanup_free_ char *copy = xstrdup(opts);
	bool ok = true;

	for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		size_t k;

		if (!strcmp(o, "ro") || !strcmp(o, "rw")) {
			*ro = !strcmp(o, "ro");
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(docker) && strcmp(o, docker[k]); k++)
			;
		if (k < ARRAY_SIZE(docker))
			clab_warn(c, it->v, it->path, "option '%s' is ignored: a node's files are no Docker volume",
				  o);
		else {
			clab_err(c, it->v, it->path, "'%s' is not a bind option (expected ro or rw)", o);
			ok = false;
		}
	}
	return ok;
}

/* What is wrong with a host path that does not exist, for one containerlab makes when it deploys. */
static void missing(struct clab *c, const struct clab_item *it, const char *src, int err)
{
	_cleanup_free_ char *labdir = xasprintf("clab-%s", c->clab_name);
	_cleanup_free_ char *inv = xasprintf("%s/ansible-inventory.yml", labdir);
	_cleanup_free_ char *data = xasprintf("%s/topology-data.json", labdir);
	_cleanup_free_ char *tls = xasprintf("%s/.tls", labdir);

	if (!strcmp(src, inv) || !strcmp(src, data) || under(src, tls))
		clab_err(c, it->v, it->path, "'%s' is made by containerlab when it deploys a lab (expected a file of the lab's: netlab makes no such file)",
			 src);
	else if (err == ENOENT)
		clab_err(c, it->v, it->path, "host path '%s' does not exist (expected a file or directory; a relative path starts at the topology file's directory)",
			 src);
	else
		clab_err(c, it->v, it->path, "host path '%s' cannot be used: %s (expected a file or directory)",
			 src, strerror(err));
}

/* One bind into *b. Return: 1 to bind, 0 to leave out (said), -EINVAL when reported. */
static int parse_bind(struct clab *c, const char *node, const struct clab_item *it, struct bind *b)
{
	const char *s = ydoc_str(it->v), *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	_cleanup_free_ char *src = NULL, *dst = NULL, *host = NULL;
	struct stat st;

	if (!c1 || (c2 && strchr(c2 + 1, ':'))) {
		clab_err(c, it->v, it->path, "\"%s\" is not a bind (expected host-path:container-path, with :ro or :rw)",
			 s);
		return -EINVAL;
	}
	dst = strndup(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1));
	{
		_cleanup_free_ char *raw = strndup(s, c1 - s), *magic = NULL;

		if (!raw || !dst)
			abort();
		magic = clab_magic(c, raw, node, false);
		src = expand_home(magic);
	}
	b->ro = false;
	if (!src) {
		clab_err(c, it->v, it->path, "'~' needs $HOME (expected it set, or a path without '~')");
		return -EINVAL;
	}
	if (!src[0]) {
		clab_err(c, it->v, it->path, "\"%s\" has no host path (expected host-path:container-path)",
			 s);
		return -EINVAL;
	}
	if (c2 && !bind_options(c, it, c2 + 1, &b->ro))
		return -EINVAL;
	if (src[0] == '/' && !strcmp(src, dst) && host_visible(dst)) {
		clab_warn(c, it->v, it->path, "is left out: a node sees the host's %s already", dst);
		return 0;
	}
	if (!node_path_ok(dst)) {
		clab_err(c, it->v, it->path, "'%s' is not a path netlab can bind in a node (expected an absolute path without '.' and '..', outside /proc, /sys and /dev)",
			 dst);
		return -EINVAL;
	}
	if (!clab_file_op(c, it->v, it->path))
		return -EINVAL;
	host = host_path(c, src);
	if (stat(host, &st) < 0) {
		missing(c, it, src, errno);
		return -EINVAL;
	}
	b->src = TAKE_PTR(src);
	b->dst = TAKE_PTR(dst);
	return 1;
}

static int cmp_bind(const void *a, const void *b)
{
	return strcmp(((const struct bind *)a)->dst, ((const struct bind *)b)->dst);
}

void clab_read_binds(struct clab *c, const char *node, const struct clab_levels *lv, json_t *jn)
{
	struct clab_item *it = NULL;
	size_t n = clab_levels_list(c, lv, "binds", &it), nb = 0;
	_cleanup_free_ struct bind *b = xcalloc(n, sizeof(*b));
	json_t *files;

	for (size_t i = 0; i < n; i++) {
		struct bind one;
		size_t k;

		if (parse_bind(c, node, &it[i], &one) <= 0)
			continue;
		/* a more specific level's bind to the same path replaces the other */
		for (k = 0; k < nb && strcmp(b[k].dst, one.dst); k++)
			;
		if (k < nb) {
			free(b[k].dst);
			free(b[k].src);
		} else
			nb++;
		b[k] = one;
	}
	clab_items_free(it, n);
	if (!nb)
		return;
	/* a directory before the files bound inside it */
	qsort(b, nb, sizeof(*b), cmp_bind);
	files = json_object();
	for (size_t i = 0; i < nb; i++) {
		json_t *src = clab_json_text(b[i].src);
		_cleanup_(json_decrefp) json_t *dst = clab_json_text(b[i].dst);

		json_object_set_new(files, json_string_value(dst),
				    b[i].ro ? json_pack("{s:o, s:b}", "path", src, "ro", 1) : src);
		free(b[i].dst);
		free(b[i].src);
	}
	json_object_set_new(jn, "files", files);
}

/* A whole env-file, refusing anything but a regular file (a FIFO would block). */
static int read_regular(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((uint64_t)st.st_size > CLAB_ENV_FILE_MAX)
		return -EFBIG;
	return read_file(path, CLAB_ENV_FILE_MAX, ret, ret_len);
}

static bool env_name_ok(const char *k, size_t n)
{
	if (!n || isdigit((unsigned char)k[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isascii((unsigned char)k[i]) || !(isalnum((unsigned char)k[i]) || k[i] == '_'))
			return false;
	return true;
}

/*
 * A value: 'literal', "with \n \t \" \\ escapes", or bare up to a " #"
 * comment. Return: a string to free, NULL when a quote is not closed.
 */
static char *env_value(const char *v)
{
	char *out = xcalloc(1, strlen(v) + 1), *o = out;

	if (*v == '\'' || *v == '"') {
		char q = *v++;

		for (; *v && *v != q; v++) {
			if (q == '"' && *v == '\\' && v[1]) {
				v++;
				*o++ = *v == 'n' ? '\n' : *v == 't' ? '\t' : *v;
			} else
				*o++ = *v;
		}
		if (*v != q)
			return mfree(out);
		return out;
	}
	for (; *v && !(*v == '#' && o > out && (o[-1] == ' ' || o[-1] == '\t')); v++)
		*o++ = *v;
	while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
		*--o = '\0';
	return out;
}

/* Every NAME=value line of an env-file into env, a later line winning. */
static void parse_env_file(struct clab *c, const struct clab_item *it, const char *name,
			   char *text, json_t *env)
{
	char *next;
	int ln = 0;

	for (char *line = text; line; line = next) {
		_cleanup_free_ char *key = NULL, *val = NULL;
		char *p, *eq;
		json_t *js;
		size_t n;

		ln++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		if (str_has_prefix(p, "export ") || str_has_prefix(p, "export\t"))
			p += 7 + strspn(p + 7, " \t");
		n = strcspn(p, " \t=");
		eq = p + n + strspn(p + n, " \t");
		if (*eq != '=' || !env_name_ok(p, n)) {
			clab_err(c, it->v, it->path, "%s:%d: \"%s\" is not a variable (expected NAME=value, NAME of letters, digits and '_')",
				 name, ln, p);
			continue;
		}
		val = env_value(eq + 1 + strspn(eq + 1, " \t"));
		if (!val) {
			clab_err(c, it->v, it->path, "%s:%d: a quote is not closed (expected \"value\" or 'value' on one line)",
				 name, ln);
			continue;
		}
		key = strndup(p, n);
		js = clab_json_text(val);
		if (!key || !js) {
			clab_err(c, it->v, it->path, "%s:%d: the value is not UTF-8 (expected text)", name,
				 ln);
			continue;
		}
		json_object_set_new(env, key, js);
	}
}

void clab_read_env_files(struct clab *c, const struct clab_levels *lv, json_t *env)
{
	struct clab_item *it = NULL;
	size_t n = clab_levels_list(c, lv, "env-files", &it);

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *name = expand_home(ydoc_str(it[i].v)), *path = NULL;
		_cleanup_free_ char *text = NULL;
		size_t len;
		int r;

		if (!name) {
			clab_err(c, it[i].v, it[i].path, "'~' needs $HOME (expected it set, or a path without '~')");
			continue;
		}
		if (!clab_file_op(c, it[i].v, it[i].path))
			break;
		path = host_path(c, name);
		r = read_regular(path, &text, &len);
		if (r == -ENOENT)
			clab_err(c, it[i].v, it[i].path, "env-file '%s' does not exist (expected a file of NAME=value lines; a relative path starts at the topology file's directory)",
				 name);
		else if (r == -EINVAL || r == -EFBIG)
			clab_err(c, it[i].v, it[i].path, "'%s' is %s (expected a file of NAME=value lines)",
				 name, r == -EINVAL ? "no regular file" : "larger than 1 MiB");
		else if (r < 0)
			clab_err(c, it[i].v, it[i].path, "env-file '%s' cannot be read: %s", name,
				 strerror(-r));
		else if (memchr(text, '\0', len))
			clab_err(c, it[i].v, it[i].path, "env-file '%s' has a NUL byte (expected text)", name);
		else
			parse_env_file(c, &it[i], name, text, env);
	}
	clab_items_free(it, n);
}
