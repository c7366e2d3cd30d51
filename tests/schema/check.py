#!/usr/bin/env python3
"""The JSON Schema accepts every shipped topology, and agrees with `netlab validate` on a
corpus of good and bad files (tests/schema/good, tests/schema/bad)."""
import glob
import json
import os
import subprocess
import sys

import jsonschema

netlab = os.environ.get("NETLAB", "build/netlab")
schema = json.load(open("schema/topology.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
passed = failed = 0

def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

for f in sorted(glob.glob("topologies/*.json")):
    errs = list(v.iter_errors(json.load(open(f))))
    check(not errs, f"{f}: {errs[0].message if errs else ''}")
    check(json.load(open(f)).get("$schema") == "../schema/topology.schema.json", f"{f} names the schema")
for kind in ("good", "bad"):
    for f in sorted(glob.glob(f"tests/schema/{kind}/*.json")):
        schema_ok = not list(v.iter_errors(json.load(open(f))))
        netlab_ok = subprocess.run([netlab, "validate", f], capture_output=True).returncode == 0
        check(schema_ok == netlab_ok == (kind == "good"),
              f"{f}: schema {'accepts' if schema_ok else 'rejects'}, netlab {'accepts' if netlab_ok else 'rejects'}")
print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
