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


int topo_load(const char *file, struct topo **ret, struct topo_diags *d)
{
	return topo_load_opts(file, NULL, ret, d);
}

int topo_load_opts(const char *file, const struct topo_load_opts *o, struct topo **ret,
		   struct topo_diags *d)
{
	_cleanup_free_ char *text = NULL, *as = NULL;
	_cleanup_(topo_freep) struct topo *t = NULL;
	int r;

	/* read: any format becomes netlab JSON */
	r = topo_read_json(file, o ? o->format : TOPO_FORMAT_AUTO, &text, &as, d);
	if (r < 0)
		return r;
	t = topo_parse_string_opts(text, strlen(text), as, o, d);
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
