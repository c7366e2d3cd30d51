/* SPDX-License-Identifier: MIT */
/*
 * The load pipeline: read (a reader turns the file into the model), expand
 * (pools, automatic routes), validate (the whole model, every problem).
 */
#include "topo_parse.h"

#include "autoroute.h"
#include "pool.h"
#include "topo_validate.h"
#include "util.h"

#define TOPO_MAX_FILE (64u << 20)

int topo_load(const char *file, struct topo **ret, struct topo_diags *d)
{
	return topo_load_opts(file, NULL, ret, d);
}

int topo_load_opts(const char *file, const struct topo_load_opts *o, struct topo **ret,
		   struct topo_diags *d)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_(topo_freep) struct topo *t = NULL;
	size_t len;
	int r;

	r = read_file(file, TOPO_MAX_FILE, &text, &len);
	if (r < 0) {
		topo_diag_add(d, TOPO_ERROR, "%s: cannot read the topology: %s", file,
			      r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
		return r;
	}
	if (memchr(text, '\0', len)) {
		topo_diag_add(d, TOPO_ERROR, "%s: contains a NUL byte (expected JSON text)", file);
		return -EINVAL;
	}
	t = topo_parse_string_opts(text, len, file, o, d);
	if (t && d->n_errors == 0) {
		/* fill in what the file leaves to netlab, then check the whole */
		pool_assign(t, d);
		autoroute_compute(t);
	}
	if (t) {
		topo_validate(t, d);
		topo_check_files(t, o && o->allow_host_paths, d);
	}
	if (!t || d->n_errors)
		return -EINVAL;
	*ret = TAKE_PTR(t);
	return 0;
}
