#!/bin/bash
# Every ```sh block of README.md runs, in order, as a user would type it: the README
# cannot rot. Blocks fenced as ```console or ```text are shown, not run.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
labs="demo small grid3x3 ospf"
bin=$(mktemp -d)
script=$(mktemp)
cleanup() {
	for l in $labs; do "$NETLAB" -q down "$l" >/dev/null 2>&1 || true; done
	rm -rf "$bin" "$script" /tmp/small.json /tmp/grid.json /tmp/demo.pcap
}
trap cleanup EXIT
for l in $labs; do
	if [ -d "/run/netlab/$l" ]; then
		echo "a lab '$l' is already running here; the README's examples need that name" >&2
		exit 1
	fi
done
ln -s "$NETLAB" "$bin/netlab"
export PATH="$bin:$PATH"

python3 - README.md > "$script" <<'PY'
import sys
blocks, cur = [], None
for line in open(sys.argv[1]):
    if cur is None and line.rstrip() == "```sh":
        cur = []
    elif cur is not None and line.rstrip() == "```":
        blocks.append("".join(cur)); cur = None
    elif cur is not None:
        cur.append(line)
print("set -euo pipefail")
for i, b in enumerate(blocks):
    print(f"echo '### README block {i + 1}'")
    print(b)
PY
nblocks=$(grep -c "^echo '### README block" "$script")
[ "$nblocks" -ge 5 ] || { echo "FAIL: only $nblocks runnable blocks found in README.md"; exit 1; }
bash "$script"
echo "README: $nblocks blocks ran"

# nothing of the README's labs is left
for l in $labs; do
	[ ! -e "/run/netlab/$l" ] || { echo "FAIL: /run/netlab/$l is left"; exit 1; }
	if ls /run/netns 2>/dev/null | grep "^$l\." >/dev/null; then echo "FAIL: namespaces of '$l' are left"; exit 1; fi
done
