#!/usr/bin/env python3
"""Generate a multi-tool report set for one app (bench/correlate.sh).

usage: gen-correlate.py N DIR

N vulnerable npm packages seen by OSV-Scanner on the repo and by Trivy and
Grype in the image built from it (Trivy names the CVE, Grype the GHSA with
the CVE related, OSV-Scanner the GHSA with the CVE alias), N/2 Debian
packages seen by Trivy and Grype, N SAST results reported by Semgrep and by
CodeQL at overlapping lines, and N/10 ZAP alerts on the app's URL: about
5.6 N evidence that collapse into 2.6 N findings.
"""
import json
import os
import sys

ALPHA = "23456789cfghjmpqrvwx"


def ghsa(i):
    s = ""
    for _ in range(12):
        s += ALPHA[i % 20]
        i //= 20
    return f"GHSA-{s[0:4]}-{s[4:8]}-{s[8:12]}"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(f"{out}/posture.yaml", "w") as f:
        f.write("version: 1\napps:\n  - name: bench\n    components:\n      repos:\n"
                "        - url: https://github.com/acme/bench.git\n          builds: [registry.acme.io/bench/api]\n"
                "      images:\n        - name: bench/api\n          registry: registry.acme.io\n"
                "          runs_as: [bench-api@prod]\n      services:\n        - name: bench-api\n"
                "          environment: prod\n          served_at: [\"https://bench.acme.io\"]\n"
                "      urls:\n        - https://bench.acme.io\n")
    pkgs = [(f"pkg{i}", f"1.{i % 7}.{i % 13}", f"CVE-2024-{10000 + i}", ghsa(i)) for i in range(n)]
    debs = [(f"lib{i}", f"2.{i % 5}-1", f"CVE-2023-{20000 + i}") for i in range(n // 2)]

    osv = {"results": [{"source": {"path": "package-lock.json", "type": "lockfile"}, "packages": [
        {"package": {"name": p, "version": v, "ecosystem": "npm"},
         "vulnerabilities": [{"id": g, "aliases": [c], "summary": f"issue in {p}",
                              "affected": [{"package": {"ecosystem": "npm", "name": p},
                                            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "9.9.9"}]}]}]}],
         "groups": [{"ids": [g, c], "max_severity": "7.5"}]} for p, v, c, g in pkgs]}]}
    json.dump(osv, open(f"{out}/osv.json", "w"))

    def tv(vid, name, purl, ver):
        return {"VulnerabilityID": vid, "PkgName": name, "PkgIdentifier": {"PURL": purl}, "InstalledVersion": ver,
                "FixedVersion": "9.9.9", "Status": "fixed", "Severity": "HIGH", "Title": f"issue in {name}",
                "Layer": {"DiffID": "sha256:" + "a" * 64}}
    trivy = {"SchemaVersion": 2, "ArtifactName": "registry.acme.io/bench/api:1", "ArtifactType": "container_image",
             "Metadata": {"OS": {"Family": "debian", "Name": "12.1"}, "RepoTags": ["registry.acme.io/bench/api:1"]},
             "Results": [
                 {"Target": "registry.acme.io/bench/api:1 (debian 12.1)", "Class": "os-pkgs", "Type": "debian",
                  "Vulnerabilities": [tv(c, d, f"pkg:deb/debian/{d}@{v}?distro=debian-12.1", v) for d, v, c in debs]},
                 {"Target": "Node.js", "Class": "lang-pkgs", "Type": "node-pkg",
                  "Vulnerabilities": [tv(c, p, f"pkg:npm/{p}@{v}", v) for p, v, c, g in pkgs]}]}
    json.dump(trivy, open(f"{out}/trivy.json", "w"))

    def gm(vid, related, name, ver, typ, purl):
        return {"vulnerability": {"id": vid, "severity": "High", "fix": {"versions": ["9.9.9"], "state": "fixed"}},
                "relatedVulnerabilities": [{"id": related}],
                "artifact": {"name": name, "version": ver, "type": typ, "purl": purl,
                             "locations": [{"path": "/var/lib/dpkg/status"}]}}
    grype = {"matches": [gm(c, c, d, v, "deb", f"pkg:deb/debian/{d}@{v}?distro=debian-12") for d, v, c in debs] +
                        [gm(g, c, p, v, "npm", f"pkg:npm/{p}@{v}") for p, v, c, g in pkgs],
             "source": {"type": "image", "target": {"userInput": "registry.acme.io/bench/api:1"}},
             "distro": {"name": "debian", "version": "12"}, "descriptor": {"name": "grype", "version": "0.79.3"}}
    json.dump(grype, open(f"{out}/grype.json", "w"))

    cwes = [89, 79, 22, 78, 502]
    sem = {"results": [{"check_id": f"rule-{i % 40}", "path": f"src/m{i % 50}/f{i}.js",
                        "start": {"line": 10 + i % 90, "col": 1}, "end": {"line": 10 + i % 90, "col": 9},
                        "extra": {"message": "issue", "severity": "ERROR",
                                  "metadata": {"cwe": [f"CWE-{cwes[i % 5]}: x"]}}} for i in range(n)],
           "errors": [], "version": "1.85.0"}
    json.dump(sem, open(f"{out}/semgrep.json", "w"))
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": [
        {"id": f"js/q{c}", "properties": {"tags": ["security", f"external/cwe/cwe-{c:03d}"]}} for c in cwes]}},
        "results": [{"ruleId": f"js/q{cwes[i % 5]}", "message": {"text": "issue"},
                     "locations": [{"physicalLocation": {"artifactLocation": {"uri": f"src/m{i % 50}/f{i}.js"},
                                                         "region": {"startLine": 9 + i % 90, "endLine": 11 + i % 90}}}]}
                    for i in range(n)]}]}
    json.dump(sarif, open(f"{out}/codeql.sarif", "w"))
    zap = {"@programName": "ZAP", "@version": "2.15.0", "site": [{"@name": "https://bench.acme.io", "alerts": [
        {"pluginid": str(40000 + i), "alert": f"alert {i}", "name": f"alert {i}", "riskcode": "3", "confidence": "2",
         "cweid": str(cwes[i % 5]), "instances": [{"uri": f"https://bench.acme.io/p{i}?id=1", "method": "GET", "param": "id"}]}
        for i in range(max(1, n // 10))]}]}
    json.dump(zap, open(f"{out}/zap.json", "w"))


if __name__ == "__main__":
    main()
