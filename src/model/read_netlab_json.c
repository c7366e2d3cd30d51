/* SPDX-License-Identifier: MIT */
/* The netlab JSON reader's helpers: problems reported at a JSON path. */
#include "read_netlab.h"

#include <stdarg.h>

#include "topo_hint.h"

/* s with the node's and the lab's names substituted; to free. */
char *nj_subst(const struct parse *p, const struct topo_node *n, const char *s)
{
	return topo_subst(s, n->name, p->lab ? p->lab : "");
}

void nj_perr(struct parse *p, const char *path, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	topo_diag_add(p->d, TOPO_ERROR, "%s: %s: %s", p->file, path, msg);
}

const char *nj_json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

/* Check j's type; report "is X (expected Y)" otherwise. */
bool nj_want(struct parse *p, const char *path, const json_t *j, json_type type,
		 const char *expected)
{
	if (json_typeof(j) == type || (type == JSON_TRUE && json_is_boolean(j)))
		return true;
	nj_perr(p, path, "is %s (expected %s)", nj_json_type_name(j), expected);
	return false;
}

/*
 * Keys of an object: known ones pass, reserved ones (later features) are "not
 * supported yet", anything else is unknown.
 */
bool nj_check_keys(struct parse *p, const char *path, json_t *obj, const char *const *known,
		       const char *const *reserved)
{
	const char *key;
	json_t *v;
	bool ok = true;

	json_object_foreach(obj, key, v) {
		bool found = false;

		for (const char *const *k = known; *k && !found; k++)
			found = strcmp(*k, key) == 0;
		if (found)
			continue;
		ok = false;
		for (const char *const *k = reserved; k && *k && !found; k++)
			found = strcmp(*k, key) == 0;
		if (found) {
			nj_perr(p, path, "'%s' is not supported yet", key);
			continue;
		}
		{
			char list[512] = "";
			size_t n_known = 0;
			_cleanup_free_ char *hint = NULL;

			for (const char *const *k = known; *k; k++, n_known++) {
				if (strcmp(*k, "$schema") == 0)
					continue;
				strncat(list, list[0] ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, *k, sizeof(list) - strlen(list) - 1);
			}
			hint = topo_did_you_mean(topo_suggest(key, known, n_known));
			nj_perr(p, path, "unknown key '%s'%s (expected one of: %s)", key, hint, list);
		}
	}
	return ok;
}

bool nj_get_int(struct parse *p, const char *path, json_t *j, long long min, long long max,
		    long long *ret)
{
	if (!json_is_integer(j)) {
		nj_perr(p, path, "is %s (expected an integer from %lld to %lld)", nj_json_type_name(j),
		     min, max);
		return false;
	}
	if (json_integer_value(j) < min || json_integer_value(j) > max) {
		nj_perr(p, path, "%lld is out of range (expected %lld to %lld)",
		     (long long)json_integer_value(j), min, max);
		return false;
	}
	*ret = json_integer_value(j);
	return true;
}
