#!/bin/bash
# Issue 6: a 200-router line with static routes comes up, r1 reaches r200's loopback across
# 199 hops (and back), and down leaves nothing. Correctness, not timing: the times are printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_extra.sh"

new_lab LAB
expect_exit 0 "$NETLAB" gen line 200 --routing static --name "$LAB" -o "$TMP/line.json"
# 199 hops each way: the echo request (ping -t) and the reply (the node's default TTL, 64
# otherwise) both need a TTL above 199
"$PY" - "$TMP/line.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["nodes"]) == 200 and "r1" in d["nodes"] and "r200" in d["nodes"]
d["defaults"] = {"sysctls": {"net.ipv4.ip_default_ttl": "255"}}
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY
"$NETLAB" validate --explain "$TMP/line.json" > "$TMP/explained.json" || fail "validate --explain of the line"
far=$("$PY" -c '
import json, sys
lo = json.load(open(sys.argv[1]))["nodes"]["r200"]["interfaces"]["lo"]["addresses"]
print([a for a in lo if ":" not in a][0].split("/")[0])' "$TMP/explained.json") || fail "no loopback for r200 in validate --explain"
mid=$("$PY" -c '
import json, sys
print(json.load(open(sys.argv[1]))["nodes"]["r100"]["interfaces"]["lo"]["addresses"][0].split("/")[0])' "$TMP/explained.json")

s=$(date +%s.%N)
expect_exit 0 "$NETLAB" up "$TMP/line.json"
m=$(date +%s.%N)
assert_contains "$OUT" "lab '$LAB' is up: 200 nodes, 199 links" "netlab up"
record_lab "$LAB"
assert_eq "$(ls /run/netns | grep -c "^$LAB\.")" 200 "network namespaces of the lab"
# the address found by --explain is r200's in the running lab
status_addrs "$LAB" > "$TMP/addrs"
assert_eq "$(awk -v a="$far/32" '$3 == a {print $1, $2}' "$TMP/addrs")" "r200 lo" "owner of $far in status --json"
assert_eq "$(awk '$2 == "lo"' "$TMP/addrs" | wc -l)" 200 "loopbacks in status --json"
X "$LAB" r1 ping -t 255 -c 1 -W 5 -q "$far" > "$TMP/ping.txt" 2>&1 || fail "r1 cannot reach r200's loopback $far: $(cat "$TMP/ping.txt")"
X "$LAB" r200 ping -t 255 -c 1 -W 5 -q "$mid" > "$TMP/ping.txt" 2>&1 || fail "r200 cannot reach r100's loopback $mid: $(cat "$TMP/ping.txt")"
# the route to r200 leaves r1 through its only link
assert_contains "$(ip -n "$LAB.r1" route get "$far")" "dev eth0" "r1's route to r200"
m2=$(date +%s.%N)
expect_exit 0 "$NETLAB" down "$LAB"
e=$(date +%s.%N)
awk -v s="$s" -v m="$m" -v m2="$m2" -v e="$e" \
	'BEGIN { printf "200-router line with static routes (%s): up %.2f s, down %.2f s\n", ENVIRON["NETLAB"], m - s, e - m2 }'
assert_gone "$LAB"
assert_clean "$LAB"
