/* SPDX-License-Identifier: MIT */
#include "layout.h"

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
