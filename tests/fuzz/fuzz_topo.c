/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: topology text through the parser, the address pools, the
 * static routes, the validator and the explainer, as `netlab validate --explain`
 * runs them, without the file system (no topo_check_files) or the kernel.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "autoroute.h"
#include "draw.h"
#include "plan.h"
#include "pool.h"
#include "topo_parse.h"
#include "topo_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_diags d = {0};
	struct topo *t = topo_parse_string((const char *)data, size, "fuzz.json", &d);

	if (t && d.n_errors == 0) {
		pool_assign(t, &d);
		autoroute_compute(t);
	}
	if (t) {
		topo_validate(t, &d);
		if (d.n_errors == 0) {
			struct plan *p = plan_build(t);

			free(plan_hosts_file(t));
			plan_free(p);
			/* each host's share of a lab over several */
			for (size_t h = 0; h < t->n_hosts && h < 8; h++)
				plan_free(plan_build_host(t, h));
			free(topo_dump_json(t));
			free(draw_dot(t));
			free(draw_mermaid(t));
		}
	}
	topo_free(t);
	topo_diags_free(&d);
	return 0;
}
