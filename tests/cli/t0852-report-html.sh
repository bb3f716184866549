#!/bin/sh
# posture report --format html: one well-formed, self-contained page (no
# script, no external resource), every string escaped, and the key figures.
. "$(dirname "$0")/lib.sh"
. "$FIXTURES/report/setup.sh"

check_html() {
	python3 "$ROOT/scripts/check-html.py" "$1" >check.out &&
	echo ok >check.expected &&
	test_cmp check.expected check.out
}

# the text of every element matching a simple CSS-less rule, one per line
texts() {
	python3 -c '
import html.parser, sys
tag, cls = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
class P(html.parser.HTMLParser):
    depth = 0
    buf = ""
    def handle_starttag(self, t, a):
        if self.depth:
            self.depth += 1
        elif t == tag and (cls is None or dict(a).get("class") == cls):
            self.depth = 1
            self.buf = ""
    def handle_endtag(self, t):
        if self.depth:
            self.depth -= 1
            if not self.depth:
                print(" ".join(self.buf.split()))
    def handle_data(self, d):
        if self.depth:
            self.buf += d + " "
P().feed(open(sys.argv[3] if len(sys.argv) > 3 else "r.html").read())
' "$@"
}

test_expect_success 'an app report is well-formed and self-contained' '
	report_setup &&
	posture report --app shop --output r.html &&
	check_html r.html &&
	grep -c "<svg " r.html >count && echo 3 >expected && test_cmp expected count
'

test_expect_success 'the page carries the key figures' '
	report_setup &&
	posture report --app shop --output r.html &&
	texts div card r.html >actual &&
	cat >expected <<-\EOF &&
	5 active findings
	0 critical tier
	3 high tier
	71.4% SLA compliance
	n/a MTTR critical
	2 fixed in the window
	7 new in the window
	EOF
	test_cmp expected actual &&
	texts h2 >actual &&
	cat >expected <<-\EOF &&
	Summary
	Open findings by tier, last 30 days
	Mean time to remediate by tier (fixes in the window)
	SLA compliance
	Fix first
	Root causes to fix once
	Riskiest apps
	Exceptions
	Compliance
	EOF
	test_cmp expected actual &&
	grep -q "<text x=\"[0-9.]*\" y=\"[0-9]*\">21.0 days (median 21.0, 2 fixed)</text>" r.html &&
	grep -q "<p>5 of 7 findings with a due date were fixed in time or are still within it: <strong>71.4%</strong> (fixed in the window: 2, active now: 5).</p>" r.html &&
	grep -q "<p><strong>0</strong> active (risk acceptances and false positives), <strong>0</strong> expiring within 30 days.</p>" r.html &&
	grep -q "2025-12-17 to 2026-01-15" r.html &&
	grep -q "<td>7</td><td class=\"n\">2</td><td class=\"n\">1</td>" r.html &&
	grep -q "<td>A03:2021</td><td>Injection</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">3</td>" r.html
'

test_expect_success 'the fix-first table lists active findings worst first' '
	report_setup &&
	posture report --portfolio --output r.html &&
	check_html r.html &&
	python3 -c "
import re
t = open(\"r.html\").read().split(\"id=\\\"top\\\"\")[1].split(\"</table>\")[0]
print(\" \".join(re.findall(r\"<tr><td class=\\\"n\\\">(\\d+)</td>\", t)))" >actual &&
	echo "8 1 9 3 4 7 6" >expected &&
	test_cmp expected actual
'

test_expect_success 'hostile strings are escaped everywhere' '
	cat >evil.json <<-\EOF &&
	{"schema": "posture-generic-1", "tool": {"name": "t<b>ool", "version": "1"},
	 "findings": [{"kind": "sast", "rule_id": "r1", "severity": "high", "cwe": [79],
	   "title": "<img src=x onerror=alert(1)> & <script>alert(\"t\")</script>",
	   "location": {"path": "a\"b<c>.py", "start_line": 1}}]}
	EOF
	posture ingest --app "<b>evil</b>" evil.json >/dev/null &&
	posture report --app "<b>evil</b>" --title "<script>alert(1)</script> Q1 & Q2" --output r.html &&
	check_html r.html &&
	! grep -q "<script" r.html &&
	! grep -q "<img" r.html &&
	! grep -q "<b>evil" r.html &&
	grep -q "<title>&lt;script&gt;alert(1)&lt;/script&gt; Q1 &amp; Q2</title>" r.html &&
	grep -q "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" r.html &&
	grep -q "a&quot;b&lt;c&gt;.py" r.html &&
	grep -q "<strong>&lt;b&gt;evil&lt;/b&gt;</strong>" r.html
'

test_expect_success 'an empty portfolio still makes a page' '
	posture init >/dev/null 2>&1 &&
	posture report --portfolio --output r.html &&
	check_html r.html &&
	grep -q "No active finding." r.html &&
	grep -q "No finding in scope has an SLA due date yet." r.html
'

test_done
