/* SPDX-License-Identifier: MIT */
/*
 * One input of the Kathará reader's fuzz target, shared by tests/fuzz/fuzz_kathara.c and its
 * replay in tests/unit/test_fuzz_regressions.c. An input is lab.conf text; a line "%lab.dep"
 * starts the lab.dep text and a line "%dir" the lab directory's entries, one a line (a
 * trailing '/' for a directory). The reader's JSON, its new keys taken out, then goes the way
 * `netlab up` takes a topology: parser, pools, routes, validator, plan, drawings. A lab the
 * reader accepts without an error and netlab then refuses is a finding: abort().
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoroute.h"
#include "draw.h"
#include "plan.h"
#include "pool.h"
#include "read_kathara.h"
#include "topo_parse.h"
#include "topo_validate.h"

struct fuzz_kathara_text {
	char *buf;
	size_t len;
};

static void fuzz_kathara_netlab(json_t *j)
{
	struct topo_diags d = {0};
	const char *name;
	json_t *node;
	char *text;
	struct topo *t;

	for (const char *const *k = kathara_new_top_keys; *k; k++)
		json_object_del(j, *k);
	json_object_foreach(json_object_get(j, "nodes"), name, node)
		for (const char *const *k = kathara_new_node_keys; *k; k++)
			json_object_del(node, *k);
	text = json_dumps(j, JSON_COMPACT);
	if (!text)
		abort();
	t = topo_parse_string(text, strlen(text), "converted.json", &d);
	if (t && d.n_errors == 0) {
		pool_assign(t, &d);
		autoroute_compute(t);
	}
	if (t)
		topo_validate(t, &d);
	if (!t || d.n_errors) {
		fprintf(stderr, "netlab refuses what the Kathará reader accepted:\n%s\n", text);
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "  %s\n", d.v[i].text);
		abort();
	}
	{
		struct plan *p = plan_build(t);

		free(plan_hosts_file(t));
		plan_free(p);
		free(topo_dump_json(t));
		free(draw_dot(t));
		free(draw_mermaid(t));
	}
	topo_free(t);
	topo_diags_free(&d);
	free(text);
}

/* Run one input; its diagnostics into d (for the caller to check, then free). */
static void fuzz_kathara_one(const uint8_t *data, size_t size, struct topo_diags *d)
{
	struct fuzz_kathara_text part[3] = {{calloc(size + 1, 1), 0}, {calloc(size + 1, 1), 0},
					    {calloc(size + 1, 1), 0}};
	struct kathara_entry *entries = calloc(size + 1, sizeof(*entries));
	size_t n_entries = 0, at = 0;
	bool has_dep = false;
	int cur = 0;
	json_t *j;

	if (!part[0].buf || !part[1].buf || !part[2].buf || !entries)
		abort();
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (data + at)) + 1 : size - at;

		if (len == 9 && !memcmp(data + at, "%lab.dep\n", 9)) {
			cur = 1;
			has_dep = true;
		} else if (len == 5 && !memcmp(data + at, "%dir\n", 5)) {
			cur = 2;
		} else {
			memcpy(part[cur].buf + part[cur].len, data + at, len);
			part[cur].len += len;
		}
		at += len;
	}
	for (char *s = part[2].buf; *s;) {
		char *nl = strchr(s, '\n');
		size_t len;

		if (nl)
			*nl = '\0';
		len = strlen(s);
		entries[n_entries].is_dir = len > 1 && s[len - 1] == '/';
		if (entries[n_entries].is_dir)
			s[len - 1] = '\0';
		if (*s)
			entries[n_entries++].name = s;
		if (!nl)
			break;
		s = nl + 1;
	}
	j = kathara_parse(&(struct kathara_input){
				  .dir = "/fuzz-lab",
				  .lab_name = "fuzz-lab",
				  .conf_file = "lab.conf",
				  .conf = part[0].buf,
				  .conf_len = part[0].len,
				  .dep_file = "lab.dep",
				  .dep = has_dep ? part[1].buf : NULL,
				  .dep_len = part[1].len,
				  .entries = entries,
				  .n_entries = n_entries,
			  },
			  d);
	if (j && d->n_errors)
		abort(); /* the reader returns no topology with errors */
	if (j) {
		free(json_dumps(j, JSON_INDENT(2))); /* what netlab convert prints */
		fuzz_kathara_netlab(j);
		json_decref(j);
	}
	for (int i = 0; i < 3; i++)
		free(part[i].buf);
	free(entries);
}
