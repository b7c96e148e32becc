#!/usr/bin/env python3
"""Checks the DSL's JSON Schema with a real validator (python3-jsonschema).

Every good schema file of the repository must validate; every file under
tests/json_schema/caught/ (mistakes an editor should underline) must not, and
the compiler must reject it too (so the two agree on what is wrong).

It also checks that generated/hyperschema.schema.json, the copy the
repository ships, is what `hyperschema json-schema` prints.

usage: validate.py REPOSITORY_ROOT HYPERSCHEMA_CLI
Exits 77 (ctest's skip) when python3-jsonschema or python3-yaml is missing.
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    import yaml
except ImportError as missing:
    print(f"SKIPPED: {missing.name} is not installed (Debian: python3-jsonschema, python3-yaml)")
    sys.exit(77)


class CoreLoader(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors (yaml-language-server) and yaml-cpp
    read it: only true/false are booleans, dates stay text."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))

# Good inputs: every schema and accepted case of the repository.
GOOD = [
    "schemas/*/*.yaml",
    "tests/corpus/accepted/*.yaml",
    "tests/realworld/*/*.yaml",
    "tests/evolution/*.yaml",
    "tests/typed/*/*.yaml",
    "tests/adoption/*/*.yaml",
    "tests/migrations/*/*/*.yaml",
    "tests/golden/*/*.yaml",
    "tests/corpus/dev_db/*.yaml",
    "bench/schema/*.yaml",
    "generated/*/*.yaml",
]


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CoreLoader)


def errors_of(validator, document):
    return sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))


def where(error):
    return "/".join(str(p) for p in error.absolute_path) or "(top level)"


def main():
    root, cli = sys.argv[1:3]
    printed = subprocess.run([cli, "json-schema"], capture_output=True, text=True, check=True).stdout
    schema = json.loads(printed)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    shipped = os.path.join(root, "generated", "hyperschema.schema.json")
    with open(shipped, encoding="utf-8") as f:
        if f.read() != printed:
            failures += 1
            print("generated/hyperschema.schema.json is stale; run: hyperschema json-schema --out generated")

    good = sorted({p for pattern in GOOD for p in glob.glob(os.path.join(root, pattern))})
    for path in good:
        document = load(path)
        if document is None:
            continue
        for error in errors_of(validator, document):
            failures += 1
            print(f"{os.path.relpath(path, root)}: valid for the compiler, refused by the JSON Schema at "
                  f"{where(error)}: {error.message}")
    print(f"{len(good)} good file(s) checked against the JSON Schema")

    caught = sorted(glob.glob(os.path.join(root, "tests/json_schema/caught/*.yaml")))
    for path in caught:
        name = os.path.relpath(path, root)
        errors = errors_of(validator, load(path))
        if not errors:
            failures += 1
            print(f"{name}: the JSON Schema accepts it, but it is a mistake an editor should mark")
        else:
            print(f"{name}: caught at {where(errors[0])}: {errors[0].message[:100]}")
        # The compiler refuses it too: the schema under a directory of its own.
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "caught"))
            with open(path, encoding="utf-8") as src, \
                    open(os.path.join(d, "caught", "schema.yaml"), "w", encoding="utf-8") as dst:
                dst.write(src.read())
            status = subprocess.run([cli, "validate", os.path.join(d, "caught")],
                                    capture_output=True, text=True).returncode
            if status != 1:
                failures += 1
                print(f"{name}: hyperschema validate exited {status}, not 1")
    print(f"{len(caught)} mistake(s) checked; {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
