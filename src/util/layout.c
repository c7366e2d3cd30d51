/* SPDX-License-Identifier: MIT */
#include "layout.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

static const char *state_root = LAYOUT_STATE_ROOT;
static const char *netns_dir = LAYOUT_NETNS_DIR;

void layout_set_roots(const char *state, const char *netns)
{
	if (state)
		state_root = state;
	if (netns)
		netns_dir = netns;
}

const char *layout_state_root(void)
{
	return state_root;
}

const char *layout_netns_dir(void)
{
	return netns_dir;
}

char *layout_pin_root(void)
{
	return xasprintf("%s/.netns", state_root);
}

char *layout_netns_pin_dir(const char *lab)
{
	return xasprintf("%s/.netns/%s", state_root, lab);
}

char *layout_netns_pin(const char *lab, const char *node)
{
	return xasprintf("%s/.netns/%s/%s", state_root, lab, node);
}

char *layout_netns_link(const char *netns)
{
	return xasprintf("%s/%s", netns_dir, netns);
}

char *layout_lab_dir(const char *lab)
{
	return xasprintf("%s/%s", state_root, lab);
}

char *layout_lab_file(const char *lab, const char *name)
{
	return xasprintf("%s/%s/%s", state_root, lab, name);
}

char *layout_ns_dir(const char *lab)
{
	return xasprintf("%s/%s/ns", state_root, lab);
}

char *layout_ns_pin(const char *lab, const char *node, const char *what)
{
	if (!what)
		return xasprintf("%s/%s/ns/%s", state_root, lab, node);
	return xasprintf("%s/%s/ns/%s.%s", state_root, lab, node, what);
}

char *layout_template_pin(const char *lab)
{
	return xasprintf("%s/%s/ns/" LAYOUT_TEMPLATE_PIN, state_root, lab);
}

char *layout_hosts_file(const char *lab)
{
	return xasprintf("%s/%s/ns/+hosts", state_root, lab);
}

char *layout_service_file(const char *lab)
{
	return xasprintf("%s/%s/ns/+service", state_root, lab);
}

char *layout_logs_dir(const char *lab)
{
	return xasprintf("%s/%s/logs", state_root, lab);
}

char *layout_log(const char *lab, const char *node)
{
	return xasprintf("%s/%s/logs/%s.log", state_root, lab, node);
}

char *layout_failed(const char *lab, const char *node)
{
	return xasprintf("%s/%s/logs/%s.failed", state_root, lab, node);
}

char *layout_holder_file(const char *lab)
{
	return xasprintf("%s/%s/holder", state_root, lab);
}

int layout_roots_for(uid_t euid, const char *xdg, bool xdg_ok, char **ret_state,
		     char **ret_netns)
{
	char *state;

	if (euid == 0) {
		*ret_state = xstrdup(LAYOUT_STATE_ROOT);
		*ret_netns = xstrdup(LAYOUT_NETNS_DIR);
		return 0;
	}
	if (xdg && xdg[0] == '/' && xdg_ok)
		state = xasprintf("%s%s" LAYOUT_USER_SUBDIR, xdg,
				  xdg[strlen(xdg) - 1] == '/' ? "" : "/");
	else
		state = xasprintf("/tmp/netlab-%lu", (unsigned long)euid);
	*ret_netns = xasprintf("%s/" LAYOUT_USER_NAMES, state);
	*ret_state = state;
	return 1;
}

int layout_user_root_check(const char *dir, uid_t euid, struct lab_err **err)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_make(err, errno, "creating '%s'", dir);
	if (lstat(dir, &st) < 0)
		return err_make(err, errno, "checking '%s'", dir);
	if (!S_ISDIR(st.st_mode))
		return err_make_kind(err, ERR_RUNTIME, ENOTDIR,
				     "'%s' is not a directory (a symlink?): refusing to keep labs there; "
				     "remove it, or set XDG_RUNTIME_DIR", dir);
	if (st.st_uid != euid)
		return err_make_kind(err, ERR_RUNTIME, EPERM,
				     "'%s' belongs to uid %lu, not to you (uid %lu): refusing to keep "
				     "labs there; remove it, or set XDG_RUNTIME_DIR", dir,
				     (unsigned long)st.st_uid, (unsigned long)euid);
	if (st.st_mode & 077)
		return err_make_kind(err, ERR_RUNTIME, EPERM,
				     "'%s' is open to others (mode %04o): refusing to keep labs there; "
				     "chmod 700 it", dir, (unsigned)(st.st_mode & 07777));
	return 0;
}

int layout_use_caller_roots(struct lab_err **err)
{
	static char *state, *netns;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	uid_t euid = geteuid();
	struct stat st;
	bool xdg_ok;
	int user, r;

	/* a runtime directory of someone else's (sudo -u keeps the caller's) is not ours */
	xdg_ok = xdg && stat(xdg, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == euid;
	free(state);
	free(netns);
	user = layout_roots_for(euid, xdg, xdg_ok, &state, &netns);
	if (user) {
		r = layout_user_root_check(state, euid, err);
		if (r < 0)
			return r;
	}
	layout_set_roots(state, netns);
	return user;
}
