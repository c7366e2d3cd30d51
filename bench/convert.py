#!/usr/bin/env python3
"""From `netlab validate --explain` JSON: the baseline's description, and ip -batch scripts."""
import json
import os
import sys

topo = json.load(open(sys.argv[1]))
prefix, outdir = sys.argv[2], sys.argv[3]
names = list(topo["nodes"])
index = {n: i for i, n in enumerate(names)}
kind = {n: topo["nodes"][n].get("kind", "host") for n in names}

with open(os.path.join(outdir, "baseline.txt"), "w") as f:
    for n in names:
        f.write(f"node {n} {1 if kind[n] == 'switch' else 0}\n")
    for l in topo["links"]:
        a, b = l["endpoints"]
        if kind[b.split(":")[0]] == "switch":
            a, b = b, a
        (na, ia), (nb, ib) = a.split(":"), b.split(":")
        f.write(f"link {index[na]} {ia} {index[nb]} {ib}\n")
    for n in names:
        for ifn, ifc in topo["nodes"][n].get("interfaces", {}).items():
            for a in ifc.get("addresses", []):
                if ":" not in a:
                    f.write(f"addr {index[n]} {ifn} {a}\n")

# ip: one batch in the root namespace, then one per node (ip reads -n per process)
up = open(os.path.join(outdir, "ip-up.batch"), "w")
down = open(os.path.join(outdir, "ip-down.batch"), "w")
per = {n: ["link set dev lo up"] for n in names}
for n in names:
    up.write(f"netns add {prefix}{n}\n")
    down.write(f"netns del {prefix}{n}\n")
    if kind[n] == "switch":
        up.write(f"link add name br0 netns {prefix}{n} type bridge\n")
        per[n].append("link set dev br0 up")
for l in topo["links"]:
    (na, ia), (nb, ib) = (e.split(":") for e in l["endpoints"])
    up.write(f"link add name {ia} netns {prefix}{na} type veth peer name {ib} netns {prefix}{nb}\n")
    for n, i in ((na, ia), (nb, ib)):
        per[n].append(f"link set dev {i} up" + (" master br0" if kind[n] == "switch" else ""))
for n in names:
    for ifn, ifc in topo["nodes"][n].get("interfaces", {}).items():
        for a in ifc.get("addresses", []):
            if ":" not in a:
                per[n].append(f"addr add {a} dev {ifn}")
with open(os.path.join(outdir, "ip-per-node.sh"), "w") as f:
    for n in names:
        f.write(f"ip -n {prefix}{n} -batch - <<'B'\n" + "\n".join(per[n]) + "\nB\n")
