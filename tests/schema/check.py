#!/usr/bin/env python3
"""The JSON Schema of the topology format against netlab itself.

- schema/topology.schema.json is a valid draft 2020-12 schema, and every property it
  defines carries a description (editors show them);
- every shipped topology (topologies/*.json) names the schema with "$schema" and is
  accepted by both the schema and `netlab validate`;
- tests/schema/good/*.json: the schema and `netlab validate` both accept each file;
- tests/schema/bad/*.json: both reject each file (netlab with exit status 2);
- tests/schema/netlab-only/*.json: problems a JSON Schema cannot see (unknown nodes,
  duplicate addresses, overlapping pools, duplicate keys, ...): netlab rejects each file.

NETLAB names the binary (default: build/netlab). Needs python3-jsonschema (Debian).
Prints one FAIL line per problem and ends with "schema: N passed, M failed"; exit 1 on
any failure.
"""
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCHEMA = os.path.join(ROOT, "schema", "topology.schema.json")
NETLAB = os.path.abspath(os.environ.get("NETLAB", os.path.join(ROOT, "build", "netlab")))

try:
    import jsonschema
except ImportError:
    print("schema: python3-jsonschema is missing (apt-get install python3-jsonschema)")
    sys.exit(1)

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return ok


def rel(path):
    return os.path.relpath(path, ROOT)


def schema_errors(validator, path):
    """The schema's first complaint about a file, '' when it accepts it, or why it cannot tell."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        return f"not JSON: {e}"
    err = next(iter(sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))), None)
    if err is None:
        return ""
    where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
    return f"{where}: {err.message[:200]}"


def netlab_validate(path):
    """(exit status, first line of the diagnostics) of `netlab validate FILE`."""
    p = subprocess.run([NETLAB, "validate", path], capture_output=True, text=True,
                       cwd=os.path.dirname(path))
    first = next((line for line in p.stderr.splitlines() if line.strip()), "")
    return p.returncode, first


def undocumented(node, where="#"):
    """Paths of properties in the schema that have no description of their own or by $ref."""
    out = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            if isinstance(sub, dict) and "description" not in sub and "$ref" not in sub:
                out.append(f"{where}/properties/{name}")
        for key, sub in node.items():
            out += undocumented(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            out += undocumented(sub, f"{where}/{i}")
    return out


def main():
    if not os.access(NETLAB, os.X_OK):
        print(f"schema: {NETLAB} is not an executable netlab (build it, or set NETLAB)")
        return 1
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        check(True, "")
    except jsonschema.SchemaError as e:
        check(False, f"{rel(SCHEMA)} is not a valid draft 2020-12 schema: {e.message}")
        return 1
    check(schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema",
          f"{rel(SCHEMA)}: \"$schema\" is not draft 2020-12")
    for path in undocumented(schema):
        check(False, f"{rel(SCHEMA)}: {path} has no description")
    validator = jsonschema.Draft202012Validator(schema)

    topologies = sorted(glob.glob(os.path.join(ROOT, "topologies", "*.json")))
    check(topologies, "no topologies/*.json found")
    for path in topologies:
        s = schema_errors(validator, path)
        check(not s, f"{rel(path)}: the schema rejects a shipped topology: {s}")
        with open(path, encoding="utf-8") as f:
            named = json.load(f).get("$schema")
        target = os.path.normpath(os.path.join(os.path.dirname(path), named)) if isinstance(named, str) else None
        check(target == SCHEMA,
              f"{rel(path)}: \"$schema\" is {named!r} (expected the relative path of {rel(SCHEMA)}, "
              "\"../schema/topology.schema.json\")")
        code, first = netlab_validate(path)
        check(code == 0, f"{rel(path)}: netlab validate rejects a shipped topology (exit {code}): {first}")

    for kind in ("good", "bad", "netlab-only"):
        files = sorted(glob.glob(os.path.join(ROOT, "tests", "schema", kind, "*.json")))
        check(files, f"tests/schema/{kind}/ is empty")
        for path in files:
            code, first = netlab_validate(path)
            if kind == "netlab-only":
                check(code == 2, f"{rel(path)}: netlab validate should reject it with exit 2, "
                                 f"got {code} {first}")
                continue
            s = schema_errors(validator, path)
            if kind == "good":
                check(not s and code == 0,
                      f"{rel(path)}: should be valid: schema {'rejects: ' + s if s else 'accepts'}; "
                      f"netlab {'accepts' if code == 0 else f'exits {code}: {first}'}")
            else:
                check(s and code == 2,
                      f"{rel(path)}: should be invalid: schema {'rejects: ' + s if s else 'accepts'}; "
                      f"netlab {f'rejects: {first}' if code == 2 else f'exits {code}'}")
    print(f"schema: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
