#!/bin/sh
# The closing line of `make check`: every test counted across unit, asan, valgrind
# and integration runs.
set -u
p=0; f=0; s=0
for file in build/results/*.tsv; do
	[ -f "$file" ] || continue
	while IFS="$(printf '\t')" read -r status name count; do
		case $status in
		pass) p=$((p + count)) ;;
		fail) f=$((f + count)) ;;
		skip) s=$((s + count)) ;;
		esac
	done < "$file"
done
grep -h '^skip' build/results/*.tsv 2>/dev/null | cut -f2- | sed 's/^/skipped: /'
echo "check: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
