#!/usr/bin/env python3
"""The same lab as netlab's, as an iproute2 script: what one writes without netlab.

    ipbatch.py EXPLAIN.json PREFIX OUTDIR

EXPLAIN.json is the output of `netlab validate --explain FILE`. Writes to OUTDIR:
  root.batch    `ip -batch`, in our namespace: netns add for every node, br0 in
                every switch, every veth pair created in place (both ends named
                into their namespaces)
  nodes/N.batch `ip -n PREFIXN -batch`, one per node: IPv6 link-local
                generation off, switch ports enslaved, links up, addresses
  up.sh         root.batch, then the node batches, one `ip` process each
  down.batch    `ip -batch`: netns del for every node

iproute2 reads no per-line options in a batch (`-n NS link ...` is refused:
'Object "-n" is unknown'), and addresses cannot be added into another namespace
from ours, so each node needs an `ip -n NS -batch` of its own: 1 + N processes.
`ip -n` also gives each of them a fresh mount namespace with /sys remounted.
What ip cannot do, it leaves out: IPv4 forwarding on router interfaces (a
sysctl per interface, no ip command); the lab is otherwise netlab's.
"""
import json
import os
import sys


def main():
    explain, prefix, outdir = sys.argv[1:4]
    topo = json.load(open(explain))
    nodes = topo["nodes"]
    kind = {n: v.get("kind", "host") for n, v in nodes.items()}
    os.makedirs(os.path.join(outdir, "nodes"), exist_ok=True)
    root = []
    per = {n: ["link set dev lo up"] for n in nodes}
    ports = {n: [] for n in nodes}
    for n in nodes:
        root.append(f"netns add {prefix}{n}")
    for n in nodes:
        if kind[n] == "switch":
            root.append(f"link add name br0 netns {prefix}{n} type bridge")
            per[n] += ["link set dev br0 addrgenmode none", "link set dev br0 up"]
    for link in topo["links"]:
        (na, ia), (nb, ib) = (e.rsplit(":", 1) for e in link["endpoints"])
        root.append(f"link add name {ia} netns {prefix}{na} type veth peer name {ib} netns {prefix}{nb}")
        for n, i in ((na, ia), (nb, ib)):
            ports[n].append(i)
    for n in nodes:
        for i in ports[n]:
            # addrgenmode before up: otherwise the kernel's link-local address comes first
            per[n].append(f"link set dev {i} addrgenmode none")
            per[n].append(f"link set dev {i} up" + (" master br0" if kind[n] == "switch" else ""))
        for ifname, ifc in nodes[n].get("interfaces", {}).items():
            if ifname != "lo" and ifname != "br0" and ifname not in ports[n]:
                continue  # not linked: no device
            for a in ifc.get("addresses", []):
                per[n].append(f"addr add {a} dev {ifname}" + (" nodad" if ":" in a else ""))
    with open(os.path.join(outdir, "root.batch"), "w") as f:
        f.write("\n".join(root) + "\n")
    with open(os.path.join(outdir, "up.sh"), "w") as f:
        f.write("#!/bin/sh -e\n")
        f.write(f"ip -batch {outdir}/root.batch\n")
        for n in nodes:
            path = os.path.join(outdir, "nodes", n + ".batch")
            with open(path, "w") as g:
                g.write("\n".join(per[n]) + "\n")
            f.write(f"ip -n {prefix}{n} -batch {path}\n")
    with open(os.path.join(outdir, "down.batch"), "w") as f:
        f.write("".join(f"netns del {prefix}{n}\n" for n in nodes))


if __name__ == "__main__":
    main()
