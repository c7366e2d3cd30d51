#!/bin/sh
# Install what netlab needs to build and test, on Debian 12, as root.
# Idempotent and quiet: prints nothing when everything is already present.
#   deps.sh          what make, make check and make demo use
#   deps.sh --bench  that and what make bench compares netlab with (Mininet, hosts only:
#                    without Open vSwitch, which it recommends)
set -eu

# Real peers for the tests (FRR, radvd, apache2, bind9, ...) are installed but never started
# on the host: labs run their own daemons inside nodes. bind9-dnsutils: dig, host and nslookup,
# which DNS labs query their servers with (Kathará's images have them).
PKGS="build-essential pkg-config libmnl-dev libjansson-dev libcmocka-dev libyaml-dev \
valgrind iproute2 iputils-ping traceroute tcpdump iperf3 graphviz frr radvd apache2 bind9 bind9-dnsutils \
procps psmisc python3 python3-jsonschema mandoc clang libclang-rt-14-dev time bash-completion \
util-linux passwd uidmap"
case "${1:-}" in
--bench) PKGS="$PKGS mininet" ;;
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
# A policy-rc.d that refuses keeps the packages' services (frr, apache2, named, radvd) from
# starting on the host during the install; an existing one is kept and put back.
prc=/usr/sbin/policy-rc.d
saved=""
if [ -e "$prc" ]; then
	saved=$(mktemp)
	cp -p "$prc" "$saved"
fi
restore() {
	if [ -n "$saved" ]; then mv -f "$saved" "$prc"; else rm -f "$prc"; fi
}
trap restore EXIT
printf '#!/bin/sh\nexit 101\n' >"$prc"
chmod 0755 "$prc"
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends $missing >/dev/null
