#!/bin/sh
# The network scanners' XML (nmap, sslscan) on the real outputs in
# shared/corpus (see its README for how each was made): exact evidence
# counts, detection, and the evidence rule by rule, checked by hand
# against the report.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$CORPUS" ]; then
	echo "# no corpus at $CORPUS: skipped"
	# TLS 1.0 and 1.1 enabled, a self-signed certificate; every accepted cipher
# is 128 bits or more without RC4 or 3DES, renegotiation is secure, no
# heartbleed, no compression
count sslscan sslscan-localhost-8443.xml 3

test_expect_success 'sslscan: the corpus scan, rule by rule' '
	rules "$CORPUS/sslscan-localhost-8443.xml" >actual &&
	cat >expected <<-\EOF &&
	tls-tlsv1.0-enabled medium https://127.0.0.1:8443
	tls-tlsv1.1-enabled medium https://127.0.0.1:8443
	tls-self-signed-cert medium https://127.0.0.1:8443
	EOF
	test_cmp expected actual
'

test_expect_success 'nmap and sslscan give the same TLS rules for the same server' '
	rules "$CORPUS/nmap-localhost.xml" | grep "^tls-" | sort >nmap &&
	rules "$CORPUS/sslscan-localhost-8443.xml" | sort >sslscan &&
	test_cmp nmap sslscan
'

test_done
fi

# count FORMAT FILE N: auto-detected as FORMAT and N evidence lines
count() {
	test_expect_success "$2: detected as $1, $3 evidence" "
		echo '$1' >expected &&
		posture parse --detect '$CORPUS/$2' >actual &&
		test_cmp expected actual &&
		posture parse --tool '$1' '$CORPUS/$2' >out 2>err &&
		echo $3 >expected &&
		wc -l <out | tr -d ' ' >actual &&
		test_cmp expected actual
	"
}

# rules FILE: "rule_id severity url" per evidence line of `posture parse FILE`
rules() {
	posture parse "$1" >out &&
	sed -n 's/.*"rule_id":"\([^"]*\)".*"severity":"\([a-z]*\)".*"url":"\([^"]*\)".*/\1 \2 \3/p' out
}

# 2 open ports (9 is closed: nothing), a self-signed certificate, TLS 1.0
# and 1.1 enabled; every cipher is graded A, compression is NULL
count nmap nmap-localhost.xml 5

test_expect_success 'nmap: the corpus scan, rule by rule' '
	rules "$CORPUS/nmap-localhost.xml" >actual &&
	cat >expected <<-\EOF &&
	open-port info http://127.0.0.1:8080
	open-port info https://127.0.0.1:8443
	tls-self-signed-cert medium https://127.0.0.1:8443
	tls-tlsv1.0-enabled medium https://127.0.0.1:8443
	tls-tlsv1.1-enabled medium https://127.0.0.1:8443
	EOF
	test_cmp expected actual
'

# TLS 1.0 and 1.1 enabled, a self-signed certificate; every accepted cipher
# is 128 bits or more without RC4 or 3DES, renegotiation is secure, no
# heartbleed, no compression
count sslscan sslscan-localhost-8443.xml 3

test_expect_success 'sslscan: the corpus scan, rule by rule' '
	rules "$CORPUS/sslscan-localhost-8443.xml" >actual &&
	cat >expected <<-\EOF &&
	tls-tlsv1.0-enabled medium https://127.0.0.1:8443
	tls-tlsv1.1-enabled medium https://127.0.0.1:8443
	tls-self-signed-cert medium https://127.0.0.1:8443
	EOF
	test_cmp expected actual
'

test_expect_success 'nmap and sslscan give the same TLS rules for the same server' '
	rules "$CORPUS/nmap-localhost.xml" | grep "^tls-" | sort >nmap &&
	rules "$CORPUS/sslscan-localhost-8443.xml" | sort >sslscan &&
	test_cmp nmap sslscan
'

test_done
