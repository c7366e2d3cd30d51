/* SPDX-License-Identifier: MIT */
/* A lab over several machines: its hosts, the VNIs and MTUs of the links between them. */
#include "topo.h"

#include <errno.h>
#include <string.h>

ssize_t topo_find_host(const struct topo *t, const char *name)
{
	/* a few machines: a scan is enough */
	for (size_t i = 0; i < t->n_hosts; i++)
		if (strcmp(t->hosts[i].name, name) == 0)
			return i;
	return -ENOENT;
}

uint32_t topo_default_vni_base(const char *lab)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a, as plan_mac */

	for (const char *s = lab ? lab : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	/* 4095 blocks of 4096 VNIs from 1: the last ends at 16773120, inside 24 bits */
	return 1 + (uint32_t)(h % ((TOPO_VNI_MAX + 1) / TOPO_VNI_BLOCK - 1)) * TOPO_VNI_BLOCK;
}

uint32_t topo_vni_base(const struct topo *t)
{
	return t->vni_base_set ? t->vni_base : topo_default_vni_base(t->name);
}

uint32_t topo_link_vni(const struct topo *t, size_t li)
{
	return topo_vni_base(t) + (uint32_t)li;
}

bool topo_link_crosses(const struct topo *t, size_t li)
{
	const struct topo_link *l = &t->links[li];

	return t->nodes[l->ep[0].node].host != t->nodes[l->ep[1].node].host;
}

int topo_vxlan_mtu(const struct topo_host *a, const struct topo_host *b)
{
	int mtu = a->mtu < b->mtu ? a->mtu : b->mtu;

	return mtu - (a->addr.family == AF_INET6 ? TOPO_VXLAN_OVERHEAD6 : TOPO_VXLAN_OVERHEAD4);
}
