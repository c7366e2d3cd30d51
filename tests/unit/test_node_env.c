/* SPDX-License-Identifier: MIT */
/* node_env_build: the environment of a command run in a node. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "node_env.h"

static const char *get(char **env, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; env[i]; i++)
		if (!strncmp(env[i], key, len) && env[i][len] == '=')
			return env[i] + len + 1;
	return NULL;
}

static size_t count(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	return n;
}

static void test_clean(void **state)
{
	char *caller[] = {"PATH=/root/.pyenv/shims:/usr/bin", "HOME=/home/me", "HTTP_PROXY=http://p",
			  "LANG=C.UTF-8", "LC_ALL=C", "LANGUAGE=en", "TERM=xterm", "SSH_AUTH_SOCK=/x",
			  "LC_BROKEN", NULL};
	char **env = node_env_build(caller, "lab1", "r1", NULL, 0, false);

	(void)state;
	assert_string_equal(get(env, "PATH"), NODE_ENV_PATH);
	assert_string_equal(get(env, "HOME"), "/root");
	assert_string_equal(get(env, "LANG"), "C.UTF-8");
	assert_string_equal(get(env, "LC_ALL"), "C");
	assert_string_equal(get(env, "LANGUAGE"), "en");
	assert_string_equal(get(env, "NETLAB_LAB"), "lab1");
	assert_string_equal(get(env, "NETLAB_NODE"), "r1");
	/* no terminal: no TERM; nothing else of the caller's */
	assert_null(get(env, "TERM"));
	assert_null(get(env, "HTTP_PROXY"));
	assert_null(get(env, "SSH_AUTH_SOCK"));
	assert_int_equal(count(env), 7);
	node_env_free(env);
}

static void test_terminal_and_node_env(void **state)
{
	char *caller[] = {"TERM=xterm-256color", "FOO=caller", NULL};
	char *node[] = {"FOO=node", "PATH=/opt/bin:/usr/bin", "NETLAB_NODE=x", NULL};
	char **env = node_env_build(caller, "lab1", "r1", node, 3, true);

	(void)state;
	assert_string_equal(get(env, "TERM"), "xterm-256color");
	/* the node's env wins, without repeating a key */
	assert_string_equal(get(env, "FOO"), "node");
	assert_string_equal(get(env, "PATH"), "/opt/bin:/usr/bin");
	assert_string_equal(get(env, "NETLAB_NODE"), "x");
	assert_int_equal(count(env), 6);
	node_env_free(env);
	assert_null(node_env_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_terminal_and_node_env),
	};

	return cmocka_run_group_tests_name("node_env", tests, NULL, NULL);
}
