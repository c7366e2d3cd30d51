#!/bin/sh
# The man pages: mandoc -Tlint and groff -ww find nothing to say; man -l renders them;
# netlab(1) describes every verb and every option that `netlab --help` and
# `netlab help VERB` name; the topologies in the EXAMPLES of netlab-topology(5) are valid.
# NETLAB names the binary (default: build/netlab). Exit 1 on any warning or failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
NETLAB=${NETLAB:-build/netlab}
PAGES="man/netlab.1 man/netlab-topology.5"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
passed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
pass() { passed=$((passed + 1)); }

[ -x "$NETLAB" ] || { echo "check_man: $NETLAB is not executable (build it, or set NETLAB)"; exit 1; }

# 1. mandoc -Tlint: every message counts, style ones too
if command -v mandoc >/dev/null 2>&1; then
	for page in $PAGES; do
		if out=$(mandoc -Tlint "$page" 2>&1) && [ -z "$out" ]; then
			pass
		else
			fail "mandoc -Tlint $page:"; printf '%s\n' "$out" | sed 's/^/    /'
		fi
	done
else
	fail "mandoc is missing (apt-get install mandoc)"
fi

# 2. groff -ww (what man -l uses), when it is installed
if command -v groff >/dev/null 2>&1; then
	for page in $PAGES; do
		out=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
		if [ -z "$out" ]; then pass; else fail "groff -ww $page:"; printf '%s\n' "$out" | sed 's/^/    /'; fi
	done
	if command -v man >/dev/null 2>&1; then
		for page in $PAGES; do
			if MANWIDTH=80 man -l "$page" 2>"$tmp/err" | grep -q 'SEE ALSO' && [ ! -s "$tmp/err" ]; then
				pass
			else
				fail "man -l $page does not render cleanly: $(cat "$tmp/err")"
			fi
		done
	fi
fi

# 3. every verb of `netlab --help` is an entry of COMMANDS in netlab(1), every option is named
mandoc -Tascii -Owidth=100 man/netlab.1 | sed 's/.\x08//g' > "$tmp/netlab.txt"
verbs=$("$NETLAB" --help | awk '$1 == "netlab" { print $2 }' | sort -u)
[ -n "$verbs" ] || fail "netlab --help lists no verbs"
for verb in $verbs; do
	if grep -qE "^ +$verb( |\$)" "$tmp/netlab.txt"; then
		pass
	else
		fail "man/netlab.1 has no entry for the verb '$verb'"
	fi
done
options=$( { "$NETLAB" --help; for verb in $verbs; do "$NETLAB" help "$verb"; done; } |
	grep -oE '(^|[][ (,|])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[][ (,|]//' | sort -u)
for opt in $options; do
	if grep -qE -- "(^|[][ ,|(])$opt([][ ,|.;:)]|\$)" "$tmp/netlab.txt"; then
		pass
	else
		fail "man/netlab.1 does not name the option '$opt'"
	fi
done

# 4. the example topologies of netlab-topology(5) are valid (to netlab, and to the schema)
awk -v dir="$tmp" '
	/^\.EX/ { n++; file = dir "/example" n ".json"; inex = 1; first = 1; next }
	/^\.EE/ { inex = 0; next }
	inex && first && $0 !~ /^\{/ { inex = 0 }
	inex { first = 0; print > file }
' man/netlab-topology.5
mkdir -p "$tmp/r1" && : > "$tmp/r1/frr.conf"
examples=0
for ex in "$tmp"/example*.json; do
	[ -e "$ex" ] || continue
	examples=$((examples + 1))
	# roff escapes back to text: \- is '-', \e is '\', \(dq is '"'
	sed -i -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' "$ex"
	if out=$("$NETLAB" validate "$ex" 2>&1); then
		pass
	else
		fail "an example of netlab-topology(5) is invalid: $out"; sed 's/^/    /' "$ex"
	fi
done
[ "$examples" -ge 3 ] || fail "netlab-topology(5) has $examples example topologies (expected 3)"
if [ "$examples" -gt 0 ] && command -v python3 >/dev/null 2>&1; then
	# one interpreter for all of them (python3 may be slow to start); no jsonschema: skip
	out=$(python3 - schema/topology.schema.json "$tmp"/example*.json 2>&1 <<-'EOF'
		import json, sys
		try:
		    import jsonschema
		except ImportError:
		    sys.exit(77)
		v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
		for f in sys.argv[2:]:
		    for e in v.iter_errors(json.load(open(f))):
		        sys.exit(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
		EOF
	)
	case $? in
	0) pass ;;
	77) echo "skipped: the examples against the schema (no python3-jsonschema)" ;;
	*) fail "the schema rejects an example of netlab-topology(5): $out" ;;
	esac
fi

echo "man: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
