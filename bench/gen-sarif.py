#!/usr/bin/env python3
"""Write a SARIF 2.1.0 log with N results, shaped like a real CodeQL/Semgrep
run (rules with tags and security-severity, results with a region, a snippet
and partial fingerprints), streaming so that any N fits in memory.

usage: gen-sarif.py N OUT.sarif [--seed S] [--tool-last]
"""
import json
import random
import sys


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    tool_last = "--tool-last" in sys.argv
    rnd = random.Random(seed)
    rules = []
    for i in range(40):
        rules.append({
            "id": f"bench/rule-{i:02d}",
            "name": f"BenchRule{i}",
            "shortDescription": {"text": f"Benchmark rule {i}: untrusted data reaches a sensitive sink"},
            "defaultConfiguration": {"level": ["error", "warning", "note"][i % 3]},
            "helpUri": f"https://example.com/rules/{i}",
            "properties": {"tags": ["security", f"external/cwe/cwe-{79 + i}"],
                           "security-severity": f"{(i * 7) % 100 / 10:.1f}",
                           "precision": "high"},
        })
    tool = {"driver": {"name": "BenchScanner", "version": "1.0.0", "rules": rules}}
    with open(out, "w") as f:
        f.write('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{')
        if not tool_last:
            f.write('"tool":' + json.dumps(tool) + ",")
        f.write('"results":[')
        for i in range(n):
            r = rnd.randrange(40)
            line = rnd.randrange(1, 5000)
            res = {
                "ruleId": rules[r]["id"],
                "ruleIndex": r,
                "message": {"text": f"Tainted value from parameter p{i % 97} reaches sink {r}."},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f"src/module{i % 500}/file{i % 7919}.c", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": 5, "endLine": line, "endColumn": 40,
                               "snippet": {"text": f"    call_{i}(buffer, input_{i % 13});"}}}}],
                "partialFingerprints": {"primaryLocationLineHash": f"{i:016x}:1"},
            }
            if i:
                f.write(",")
            f.write(json.dumps(res, separators=(",", ":")))
        f.write("]")
        if tool_last:
            f.write(',"tool":' + json.dumps(tool))
        f.write("}]}\n")


if __name__ == "__main__":
    main()
