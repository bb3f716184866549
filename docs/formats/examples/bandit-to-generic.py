#!/usr/bin/env python3
"""Convert a Bandit JSON report to posture's generic JSON (docs/formats/generic.md).

usage: bandit-to-generic.py bandit.json > generic.json
"""
import json
import sys

SEVERITY = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low", "UNDEFINED": "none"}
CONFIDENCE = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low", "UNDEFINED": "none"}


def finding(r):
    f = {
        "kind": "sast",
        "rule_id": r["test_id"],
        "rule_name": r.get("test_name"),
        "title": r["issue_text"],
        "severity": SEVERITY.get(r.get("issue_severity", "UNDEFINED"), "none"),
        "severity_raw": r.get("issue_severity"),
        "confidence": CONFIDENCE.get(r.get("issue_confidence", "UNDEFINED"), "none"),
        "location": {
            "path": r["filename"],
            "start_line": r["line_number"],
            "end_line": max(r.get("line_range") or [r["line_number"]]),
        },
        "references": [r["more_info"]] if r.get("more_info") else [],
    }
    cwe = (r.get("issue_cwe") or {}).get("id")  # Bandit 1.7.3 and later
    if cwe:
        f["cwe"] = [cwe]
    return f


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        report = json.load(fh)
    doc = {
        "schema": "posture-generic-1",
        "tool": {"name": "bandit"},
        "findings": [finding(r) for r in report.get("results", [])],
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
