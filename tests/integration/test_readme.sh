#!/bin/bash
# Every ```sh block of README.md runs, in order, as a user would type it: the README
# cannot rot. Blocks fenced as ```console or ```text are shown, not run.
# The README must work beside other people's labs: another lab named demo, with a node h1,
# runs the whole time (the test's own, in a private /run/netns and /run/netlab: PRIVATE_RUN,
# see lib.sh), and is left as it was.
PRIVATE_RUN=1 # shellcheck disable=SC2034 # read by lib.sh
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# the README's labs are NAME-$ME, ME being $SUDO_USER or $USER
me="t$$readme"
labs=""
for l in demo small grid ospf kat; do
	labs+=" $l-$me"
	LABS+=("$l-$me")
done
other=demo
LABS+=("$other")
lab_up "$other" "$REPO/topologies/demo.json"
other_state=$(stat -c '%i %.9Y' "/run/netlab/$other/state.json")
other_h1=$(netns_inode "/run/netns/$other.h1")

mkdir "$TMP/bin"
ln -s "$NETLAB" "$TMP/bin/netlab"
"$PY" - "$REPO/README.md" > "$TMP/readme.sh" <<'PY'
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
nblocks=$(grep -c "^echo '### README block" "$TMP/readme.sh")
[ "$nblocks" -ge 5 ] || fail "only $nblocks runnable blocks found in README.md"
(cd "$REPO" && env -u SUDO_USER USER="$me" PATH="$TMP/bin:$PATH" bash "$TMP/readme.sh") ||
	fail "a README block failed (see above)"
echo "README: $nblocks blocks ran"

# the other demo is as it was; nothing of the README's labs is left
[ -e "/run/netlab/$other" ] || fail "the README took down the other lab named demo"
assert_eq "$(stat -c '%i %.9Y' "/run/netlab/$other/state.json")" "$other_state" "the other demo's state"
assert_eq "$(netns_inode "/run/netns/$other.h1")" "$other_h1" "the other demo's h1"
for l in $labs; do assert_clean "$l"; done
expect_exit 0 "$NETLAB" down "$other"
assert_clean "$other"
