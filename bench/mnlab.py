#!/usr/bin/python3
"""A switchless lab built with Mininet's Python API, for `make bench`.

    mnlab.py EXPLAIN.json PIDFILE

EXPLAIN.json is the output of `netlab validate --explain FILE` of a topology
without switches. Every node becomes a Mininet Host (a shell in network and
mount namespaces of its own), every link a Mininet Link (a veth pair made in
our namespace and moved into the hosts) carrying the IPv4 addresses netlab
gives its ends. No switch, no controller, no Open vSwitch: only what netlab's
lab has, and less of it (no IPv6, no loopback addresses, no forwarding), so
Mininet is measured doing less work than netlab.

Prints "up SECONDS down SECONDS": up from Mininet() to net.start() returning,
down the time of net.stop(). Between them one ping across the first link
checks the lab. The pid of every host shell goes to PIDFILE as soon as it
starts, so that bench/run.sh can end exactly those processes if this script
is interrupted (never `mn -c`: it would remove every Mininet lab on the
machine, and more).
"""
import ipaddress
import json
import sys
import time

from mininet.log import setLogLevel
from mininet.net import Mininet


def main():
    explain, pidfile = sys.argv[1:3]
    topo = json.load(open(explain))
    nodes = topo["nodes"]
    if any(n.get("kind") == "switch" for n in nodes.values()):
        sys.exit("mnlab.py: hosts and links only (Mininet's switches need Open vSwitch)")

    def ipv4(node, ifname):
        for a in nodes[node].get("interfaces", {}).get(ifname, {}).get("addresses", []):
            if ipaddress.ip_interface(a).version == 4:
                return a
        return None

    setLogLevel("error")
    pids = open(pidfile, "w")
    t0 = time.monotonic()
    net = Mininet(topo=None, build=False, controller=None, autoSetMacs=False,
                  autoStaticArp=False, waitConnected=False)
    hosts = {}
    for name in nodes:
        hosts[name] = net.addHost(name, ip=None)
        pids.write(f"{hosts[name].pid}\n")
        pids.flush()
    first = None
    for link in topo["links"]:
        (na, ia), (nb, ib) = (e.rsplit(":", 1) for e in link["endpoints"])
        # interface names are made in our namespace first: they must be unique there
        p1, p2 = {}, {}
        if ipv4(na, ia):
            p1["ip"] = ipv4(na, ia)
        if ipv4(nb, ib):
            p2["ip"] = ipv4(nb, ib)
        net.addLink(hosts[na], hosts[nb], intfName1=f"{na}-{ia}", intfName2=f"{nb}-{ib}",
                    params1=p1, params2=p2)
        if first is None and p1 and p2:
            first = (na, p2["ip"].split("/")[0])
    net.build()
    net.start()
    t1 = time.monotonic()
    if first:
        out = hosts[first[0]].cmd(f"ping -c 1 -W 2 {first[1]}")
        if " 0% packet loss" not in out:
            net.stop()
            sys.exit(f"mnlab.py: {first[0]} cannot ping {first[1]}:\n{out}")
    t2 = time.monotonic()
    net.stop()
    t3 = time.monotonic()
    print(f"up {t1 - t0:.4f} down {t3 - t2:.4f}")


if __name__ == "__main__":
    main()
