/* SPDX-License-Identifier: MIT */
/* The readers by format: every input becomes netlab JSON text (see read.h). */
#include "read.h"

#include <jansson.h>
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

/*
 * A reader's model j (NULL: it failed, its diagnostics said why) as the JSON
 * text netlab parses, and file, the name messages give it. Takes both.
 * Return: 0, or -EINVAL when j is NULL.
 */
static int model_text(json_t *j, char *file, char **ret_text, char **ret_file)
{
	if (!j) {
		free(file);
		return -EINVAL;
	}
	*ret_text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (!*ret_text)
		abort();
	*ret_file = file;
	return 0;
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
		if (j)
			kathara_lower(j);
		return model_text(j, kathara_conf(path), ret_text, ret_file);
	}
	if (f == TOPO_FORMAT_CLAB)
		return model_text(clab_read(path, d), xstrdup(path), ret_text, ret_file);
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
