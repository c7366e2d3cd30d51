/* SPDX-License-Identifier: MIT */
#include "node_env.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct env {
	char **v;
	size_t n, cap;
};

/* Add "K=V", replacing an entry of the same key. */
static void env_put(struct env *e, char *kv)
{
	size_t klen = strcspn(kv, "=");

	for (size_t i = 0; i < e->n; i++)
		if (!strncmp(e->v[i], kv, klen) && e->v[i][klen] == '=') {
			free(e->v[i]);
			e->v[i] = kv;
			return;
		}
	GROW(e->v, e->cap, e->n + 2);
	e->v[e->n++] = kv;
	e->v[e->n] = NULL;
}

/* What of the caller's goes into the node: its locale, and its terminal type on a terminal. */
static bool passed_on(const char *kv, bool terminal)
{
	if (str_has_prefix(kv, "LANG=") || str_has_prefix(kv, "LANGUAGE=") ||
	    str_has_prefix(kv, "LC_"))
		return strchr(kv, '=') != NULL;
	return terminal && str_has_prefix(kv, "TERM=");
}

char **node_env_build(char *const *caller, const char *lab, const char *node,
		      char *const *node_env, size_t n_node_env, bool terminal)
{
	struct env e = {0};

	env_put(&e, xstrdup("PATH=" NODE_ENV_PATH));
	env_put(&e, xstrdup("HOME=/root"));
	for (size_t i = 0; caller && caller[i]; i++)
		if (passed_on(caller[i], terminal))
			env_put(&e, xstrdup(caller[i]));
	env_put(&e, xasprintf("NETLAB_LAB=%s", lab));
	env_put(&e, xasprintf("NETLAB_NODE=%s", node));
	for (size_t i = 0; i < n_node_env; i++)
		if (node_env[i] && strchr(node_env[i], '='))
			env_put(&e, xstrdup(node_env[i]));
	return e.v;
}

char **node_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
	return NULL;
}
