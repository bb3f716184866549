#!/bin/sh
# The same secret reported by two secrets scanners in the same file gets
# the same keyed secret_hash, so the findings can be correlated; the
# secret itself appears nowhere in the output.
. "$(dirname "$0")/lib.sh"

TOKEN=ghp_Zt5Wm8Qa2Lr7Xc4Vn1Kb9Hd6Jf3Gs0Py2Eu8
AWS=AKIAIOSFODNN7EXAMPLE

write_reports() {
	cat >gitleaks.json <<EOT
[
 {
  "Description": "Uncovered a GitHub Personal Access Token, potentially leading to unauthorized repository access and sensitive content exposure.",
  "StartLine": 4, "EndLine": 4, "StartColumn": 15, "EndColumn": 54,
  "Match": "GITHUB_TOKEN=$TOKEN", "Secret": "$TOKEN",
  "File": "deploy/release.sh", "SymlinkFile": "",
  "Commit": "0f2c3d9a4b5e6f708192a3b4c5d6e7f8091a2b3c", "Entropy": 4.8268,
  "Author": "Jane Roe", "Email": "jane.roe@example.com", "Date": "2024-02-03T10:12:44Z",
  "Message": "ci: publish release", "Tags": [], "RuleID": "github-pat",
  "Fingerprint": "0f2c3d9a4b5e6f708192a3b4c5d6e7f8091a2b3c:deploy/release.sh:github-pat:4"
 },
 {
  "Description": "AWS", "StartLine": 12, "EndLine": 12, "StartColumn": 17, "EndColumn": 36,
  "Match": "$AWS", "Secret": "$AWS", "File": "config/settings.py", "SymlinkFile": "",
  "Commit": "6d127980966808f7413935678e079dcd7fedf9c2", "Entropy": 3.68,
  "Author": "Jane Roe", "Email": "jane.roe@example.com", "Date": "2021-07-15T15:00:32Z",
  "Message": "add settings", "Tags": [], "RuleID": "aws-access-token",
  "Fingerprint": "6d127980966808f7413935678e079dcd7fedf9c2:config/settings.py:aws-access-token:12"
 }
]
EOT
	for commit in 0f2c3d9a4b5e6f708192a3b4c5d6e7f8091a2b3c a3f9e1c2b7d84e5f60718293a4b5c6d7e8f90123; do
		printf '%s\n' '{"SourceMetadata":{"Data":{"Git":{"commit":"'$commit'","file":"deploy/release.sh","email":"Jane Roe <jane.roe@example.com>","repository":"https://github.com/acme/payments.git","timestamp":"2024-02-03 10:12:44 +0000","line":4}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":8,"DetectorName":"Github","DecoderName":"PLAIN","Verified":true,"Raw":"'$TOKEN'","RawV2":"","Redacted":"","ExtraData":{"version":"2"},"StructuredData":null}'
	done >trufflehog.jsonl
}

test_expect_success 'gitleaks and trufflehog give one secret_hash for one token in one file' '
	write_reports &&
	posture parse gitleaks.json trufflehog.jsonl >out.jsonl &&
	test $(wc -l <out.jsonl) -eq 4 &&
	jq -r "select(.location.path == \"deploy/release.sh\") | [.tool, .secret_hash] | @tsv" out.jsonl >pairs &&
	test $(wc -l <pairs) -eq 3 &&
	test "$(cut -f1 pairs | sort -u | tr "\n" " ")" = "gitleaks trufflehog " &&
	test $(cut -f2 pairs | sort -u | wc -l) -eq 1 &&
	test $(cut -f2 pairs | head -n 1 | wc -c) -eq 65
'

test_expect_success 'another secret in another file hashes differently; verified stays with trufflehog' '
	write_reports &&
	posture parse gitleaks.json trufflehog.jsonl >out.jsonl &&
	jq -r "select(.location.path == \"config/settings.py\") | .secret_hash" out.jsonl >aws &&
	jq -r "select(.location.path == \"deploy/release.sh\") | .secret_hash" out.jsonl | sort -u >tok &&
	test $(wc -l <aws) -eq 1 &&
	! cmp -s aws tok &&
	jq -s -e "map(select(.tool == \"trufflehog\")) | all(.secret_verified and .confidence == \"confirmed\")" out.jsonl &&
	jq -s -e "map(select(.tool == \"gitleaks\")) | all(.secret_verified | not)" out.jsonl
'

test_expect_success 'the same secret in two commits is one fingerprint' '
	write_reports &&
	posture parse --tool trufflehog trufflehog.jsonl >out.jsonl &&
	test $(jq -r .fingerprint out.jsonl | sort -u | wc -l) -eq 1 &&
	test $(jq -r .properties.commit out.jsonl | sort -u | wc -l) -eq 2
'

test_expect_success 'the hash is keyed: another key, another hash' '
	write_reports &&
	posture parse gitleaks.json >a.jsonl &&
	POSTURE_SECRET_KEY=another-key posture parse gitleaks.json >b.jsonl &&
	jq -r .secret_hash a.jsonl >a &&
	jq -r .secret_hash b.jsonl >b &&
	! cmp -s a b
'

test_expect_success 'neither secret appears in the output' '
	write_reports &&
	posture parse gitleaks.json trufflehog.jsonl >out.jsonl 2>err &&
	! grep -F "$TOKEN" out.jsonl err &&
	! grep -F "$AWS" out.jsonl err &&
	grep -F "GITHUB_TOKEN=[REDACTED]" out.jsonl
'

# A clean run of Gitleaks, or a repository without alerts, is "[]": the
# scan still counts (earlier findings of that tool are now absent).
test_expect_success 'an empty list is a report with no secrets' '
	echo "[]" >empty.json &&
	posture parse --tool gitleaks empty.json >out &&
	posture parse --tool github-secret-scanning empty.json >>out &&
	test ! -s out &&
	echo gitleaks >expected &&
	posture parse --detect empty.json >actual &&
	test_cmp expected actual
'

test_expect_success 'a GitLab SAST report is not a secret detection report' '
	cat >gl-sast.json <<-\EOT &&
	{"version": "15.0.7", "vulnerabilities": [{"id": "1", "name": "SQL injection",
	 "severity": "High", "location": {"file": "app.py", "start_line": 3},
	 "identifiers": [{"type": "semgrep_id", "name": "bandit.B608", "value": "bandit.B608"}]}],
	 "scan": {"type": "sast", "status": "success"}}
	EOT
	test "$(posture parse --detect gl-sast.json)" != gitlab-secret-detection &&
	test_expect_code 2 posture parse --tool gitlab-secret-detection gl-sast.json 2>err &&
	grep -F "does not look like a gitlab-secret-detection report" err
'

test_expect_success 'Gitleaks SARIF: the same keyed hash as its JSON report, and no secret' '
	write_reports &&
	cat >gitleaks.sarif <<EOT &&
{"\$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
 "runs": [{"tool": {"driver": {"name": "gitleaks", "semanticVersion": "v8.18.2",
   "informationUri": "https://github.com/gitleaks/gitleaks",
   "rules": [{"id": "github-pat", "shortDescription": {"text": "Uncovered a GitHub Personal Access Token"}}]}},
  "results": [{"message": {"text": "github-pat has detected secret for file deploy/release.sh at commit 0f2c3d9a4b5e6f708192a3b4c5d6e7f8091a2b3c."},
   "ruleId": "github-pat",
   "locations": [{"physicalLocation": {"artifactLocation": {"uri": "deploy/release.sh"},
     "region": {"startLine": 4, "startColumn": 15, "endLine": 4, "endColumn": 54, "snippet": {"text": "$TOKEN"}}}}],
   "partialFingerprints": {"commitSha": "0f2c3d9a4b5e6f708192a3b4c5d6e7f8091a2b3c", "email": "jane.roe@example.com",
    "author": "Jane Roe", "date": "2024-02-03T10:12:44Z", "commitMessage": "ci: publish release"}}]}]}
EOT
	posture parse --tool sarif gitleaks.sarif >sarif.jsonl &&
	posture parse --tool gitleaks gitleaks.json >json.jsonl &&
	! grep -F "$TOKEN" sarif.jsonl &&
	jq -r "select(.location.path == \"deploy/release.sh\") | .secret_hash" json.jsonl >expected &&
	jq -r ".secret_hash" sarif.jsonl >actual &&
	test_cmp expected actual &&
	jq -r ".kind" sarif.jsonl >kind &&
	echo secret >expected &&
	test_cmp expected kind
'

test_expect_success 'a code scanner quoting a hard-coded credential is redacted' '
	cat >codeql.sarif <<-\EOT &&
	{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "CodeQL", "rules": [{"id": "js/hardcoded-credentials",
	 "properties": {"tags": ["security", "external/cwe/cwe-798"]}}]}},
	 "results": [{"ruleId": "js/hardcoded-credentials",
	  "message": {"text": "The hard-coded value \"hunter2-Pr0d\" is used as [password](1)."},
	  "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/db.js"},
	   "region": {"startLine": 7, "snippet": {"text": "  password: \"hunter2-Pr0d\","}}}}]}]}]}
	EOT
	posture parse --tool sarif codeql.sarif >out.jsonl &&
	! grep -F "hunter2-Pr0d" out.jsonl &&
	jq -r .description out.jsonl >actual &&
	echo "The hard-coded value \"[REDACTED]\" is used as [password](1)." >expected &&
	test_cmp expected actual
'

test_done
