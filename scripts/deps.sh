#!/bin/sh
# Install what netlab needs to build and test, on Debian 12, as root.
# Idempotent and quiet: prints nothing when everything is already present.
#   deps.sh          what make, make check and make demo use
#   deps.sh --bench  that and what make bench compares netlab with (Mininet, hosts only:
#                    without Open vSwitch, which it recommends)
set -eu

PKGS="build-essential pkg-config libmnl-dev libjansson-dev libcmocka-dev \
valgrind iproute2 iputils-ping tcpdump iperf3 graphviz frr procps \
python3 python3-jsonschema mandoc clang libclang-rt-14-dev time bash-completion"
case "${1:-}" in
--bench) PKGS="$PKGS mininet util-linux" ;;
"") ;;
*) echo "usage: deps.sh [--bench]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "netlab: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "netlab: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# FRR's package would start its service on a host with systemd; labs run their own daemons.
apt-get install -y -qq --no-install-recommends $missing >/dev/null
