#!/bin/bash
# Issue 8: man pages render without warnings and document every verb; the JSON Schema agrees
# with netlab validate; completion offers verbs, labs and nodes; make install and uninstall.
set -euo pipefail
cd "$(dirname "$0")/../.."
NETLAB=${NETLAB:-$PWD/build/netlab}
L="dc$$"
tmp=$(mktemp -d)
cleanup() { "$NETLAB" -q down "$L" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mandoc -Tlint -W warning man/netlab.1 man/netlab-topology.5 || fail "mandoc -Tlint"
out=$(groff -t -ww -man -Tutf8 man/netlab.1 man/netlab-topology.5 2>&1 >/dev/null)
[ -z "$out" ] || fail "groff -ww: $out"
man -l man/netlab.1 2>/dev/null | grep "ping-all" >/dev/null || fail "man -l does not render"
mandoc -Tascii man/netlab.1 | col -b > "$tmp/man.txt"
for verb in $("$NETLAB" --help | awk '$1 == "netlab" { print $2 }' | sort -u); do
	grep -qE "^ +$verb( |$)" "$tmp/man.txt" || fail "man/netlab.1 does not describe '$verb'"
done
[ "$("$NETLAB" --version)" = "netlab 0.1.0" ] || fail "--version"
"$NETLAB" help graph | grep "usage: netlab graph" >/dev/null || fail "help VERB"
NETLAB=$NETLAB python3 tests/schema/check.py || fail "schema check"

# completion: verbs, lab names, node names of the running lab, endpoints
sed "s/\"name\": \"demo\"/\"name\": \"$L\"/" topologies/demo.json > "$tmp/d.json"
"$NETLAB" -q up "$tmp/d.json"
complete_words() {
	bash -c '
		source /usr/share/bash-completion/bash_completion
		source completion/netlab.bash
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_netlab netlab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
}
complete_words netlab "" | grep -x ping-all >/dev/null || fail "completion: verbs"
complete_words netlab down "" | grep -x "$L" >/dev/null || fail "completion: lab names"
complete_words netlab exec -l "$L" "" | grep -x h3 >/dev/null || fail "completion: nodes of -l LAB"
complete_words netlab exec "" | grep -x r1 >/dev/null || fail "completion: nodes"
complete_words netlab link -l "$L" "r1:" | grep -x "r1:eth1" >/dev/null || fail "completion: endpoints"
complete_words netlab gen "" | grep -x fattree >/dev/null || fail "completion: shapes"
complete_words netlab up --n | grep -x -- --name >/dev/null || fail "completion: up --name"
complete_words netlab test --n | grep -x -- --name >/dev/null || fail "completion: test --name"
complete_words netlab down --y | grep -x -- --yes >/dev/null || fail "completion: down --yes"
[ -z "$(complete_words netlab up --name "")" ] || fail "completion: a value after up --name"
complete_words netlab up --name x topologies/d | grep -x topologies/demo.json >/dev/null ||
	fail "completion: the file after up --name LAB"
"$NETLAB" -q down "$L"

# make install / uninstall with PREFIX and DESTDIR
make -s install DESTDIR="$tmp/root" PREFIX=/usr >/dev/null
for f in usr/bin/netlab usr/share/man/man1/netlab.1 usr/share/man/man5/netlab-topology.5 \
	usr/share/bash-completion/completions/netlab usr/share/netlab/schema/topology.schema.json \
	usr/share/netlab/topologies/demo.json; do
	[ -e "$tmp/root/$f" ] || fail "make install lacks $f"
done
"$tmp/root/usr/bin/netlab" validate "$tmp/root/usr/share/netlab/topologies/frr-ospf.json" >/dev/null || fail "installed topologies do not validate"
make -s uninstall DESTDIR="$tmp/root" PREFIX=/usr >/dev/null
[ -z "$(find "$tmp/root" -type f)" ] || fail "make uninstall left $(find "$tmp/root" -type f)"
echo "ok: man pages, schema, completion, install"
