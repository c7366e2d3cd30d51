/* SPDX-License-Identifier: MIT */
#include "labinfo.h"

#include <ctype.h>
#include <jansson.h>
#include <pwd.h>
#include <strings.h>
#include <time.h>

#include "topo.h"
#include "util.h"

#define USER_MAX 64

static bool printable_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > USER_MAX)
		return false;
	for (; *s; s++)
		if (!isascii((unsigned char)*s) || !isgraph((unsigned char)*s))
			return false;
	return true;
}

char *labinfo_user_from(const char *sudo_user, const char *pw_name, uid_t uid)
{
	if (sudo_user && printable_name(sudo_user))
		return xstrdup(sudo_user);
	if (pw_name && printable_name(pw_name))
		return xstrdup(pw_name);
	return xasprintf("uid %u", (unsigned)uid);
}

char *labinfo_user(const char *sudo_user, uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (sudo_user && printable_name(sudo_user))
		return xstrdup(sudo_user);
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0)
		res = NULL;
	return labinfo_user_from(NULL, res ? res->pw_name : NULL, uid);
}

char *labinfo_time(long long created, char *buf, size_t size)
{
	time_t t = created;
	struct tm tm;

	if (created <= 0 || !localtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M", &tm))
		strscpy(buf, "unknown", size);
	return buf;
}

char *labinfo_list_json(const struct status_lab *labs, size_t n)
{
	_cleanup_(json_decrefp) json_t *root = json_object();
	json_t *jlabs = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct status_lab *l = &labs[i];
		json_t *o = json_object(), *topology;

		/* lab and user names are printable ASCII; a path that is no UTF-8 is null */
		json_object_set_new(o, "name", json_string(l->name));
		json_object_set_new(o, "status", json_string(l->status));
		json_object_set_new(o, "nodes", json_integer((json_int_t)l->n_nodes));
		json_object_set_new(o, "links", json_integer((json_int_t)l->n_links));
		topology = json_string(l->topology ? l->topology : "");
		json_object_set_new(o, "topology", topology ? topology : json_null());
		json_object_set_new(o, "created", json_integer(l->created));
		json_object_set_new(o, "user", l->user && *l->user ? json_string(l->user) : json_null());
		json_array_append_new(jlabs, o);
	}
	json_object_set_new(root, "labs", jlabs);
	return json_dumps(root, JSON_INDENT(2));
}

int labinfo_split_netns(const char *s, char **ret_lab, char **ret_node)
{
	const char *dot = strchr(s, '.');
	_cleanup_free_ char *lab = NULL;

	if (!dot)
		return -EINVAL;
	lab = strndup(s, dot - s);
	if (!lab)
		abort();
	if (topo_lab_name_problem(lab) || topo_node_name_problem(dot + 1))
		return -EINVAL;
	*ret_lab = TAKE_PTR(lab);
	*ret_node = xstrdup(dot + 1);
	return 0;
}

char *labinfo_join(char *const *v, size_t n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	p = s = xmalloc(len);
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? ", " : "", v[i]);
	return s;
}

bool labinfo_is_yes(const char *answer)
{
	size_t len = strcspn(answer, "\r\n");

	return (len == 1 && tolower((unsigned char)answer[0]) == 'y') ||
	       (len == 3 && strncasecmp(answer, "yes", 3) == 0);
}
