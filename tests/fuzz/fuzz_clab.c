/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: containerlab YAML through the containerlab reader, then
 * its JSON (the proposed keys stripped) through what fuzz_topo.c runs: the
 * parser, the address pools, the static routes, the validator, the plan and
 * the drawings. Relative binds and env-files are looked up from the current
 * directory (the reader checks and reads host files; it writes none).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "autoroute.h"
#include "draw.h"
#include "plan.h"
#include "pool.h"
#include "read_clab.h"
#include "topo_parse.h"
#include "topo_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_diags d = {0};
	json_t *j = clab_read_string((const char *)data, size, "fuzz.clab.yml", &d);
	struct topo *t = NULL;
	char *text;

	/* the reader's promise: JSON exactly when no error */
	if (!j != !!d.n_errors)
		abort();
	if (j) {
		clab_strip_proposed(j);
		text = json_dumps(j, JSON_COMPACT);
		t = topo_parse_string(text, strlen(text), "fuzz.clab.yml", &d);
		free(text);
		json_decref(j);
	}
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
			free(topo_dump_json(t));
			free(draw_dot(t));
			free(draw_mermaid(t));
		}
	}
	topo_free(t);
	topo_diags_free(&d);
	return 0;
}
