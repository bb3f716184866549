#!/usr/bin/env python3
"""Validate CycloneDX 1.6 JSON documents against the official schema, offline.

usage: validate-cyclonedx.py SCHEMA_DIR FILE...

SCHEMA_DIR holds bom-1.6.schema.json, spdx.schema.json and jsf-0.82.schema.json
(tests/schemas/); their $refs resolve locally, never over the network. Prints
one line per error and exits 1 when a document is invalid. Needs python3-jsonschema.
"""
import json
import os
import sys
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    schema_dir = argv[1]
    store = {}
    for name in ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"):
        with open(os.path.join(schema_dir, name), encoding="utf-8") as f:
            doc = json.load(f)
        store[doc["$id"]] = doc
        store[name] = doc
    bom = store["bom-1.6.schema.json"]
    resolver = jsonschema.RefResolver(base_uri=bom["$id"], referrer=bom, store=store)

    def no_network(uri):
        raise jsonschema.RefResolutionError("not in the local schema store: %s" % uri)

    resolver.resolve_remote = no_network
    validator = jsonschema.Draft7Validator(bom, resolver=resolver,
                                           format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in err.absolute_path)
            print("%s: /%s: %s" % (path, where, err.message))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
