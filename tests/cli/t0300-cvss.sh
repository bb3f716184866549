#!/bin/sh
# posture cvss: scores, ratings and nomenclature per vector, text and JSON
# Lines; a bad vector is reported (exit 2) and the others are still printed.
. "$(dirname "$0")/lib.sh"

test_expect_success 'one vector of each version, as a table' '
	cat >expected <<-\EOT &&
	VERSION  SCORE  RATING    KIND           VECTOR
	2.0        5.0  Medium    base           AV:N/AC:L/Au:N/C:P/I:N/A:N
	2.0        7.2  High      base           (AV:L/AC:L/Au:N/C:C/I:C/A:C)
	3.0        4.7  Medium    temporal       CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U
	3.1        4.6  Medium    temporal       CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U
	3.1        9.9  Critical  base           CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H
	3.1        0.0  None      base           CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N
	4.0       10.0  Critical  CVSS-B         CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H
	4.0        8.1  High      CVSS-BT        CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U
	EOT
	posture cvss AV:N/AC:L/Au:N/C:P/I:N/A:N "(AV:L/AC:L/Au:N/C:C/I:C/A:C)" \
		CVSS:3.0/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U \
		CVSS:3.1/AV:P/AC:H/PR:L/UI:R/S:U/C:L/I:L/A:H/E:H/RL:U/RC:U \
		CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H \
		CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:N \
		CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H \
		CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U >actual &&
	test_cmp expected actual
'

test_expect_success 'JSON Lines: version, vector, score, rating, nomenclature' '
	cat >expected <<-\EOT &&
	{"version":"4.0","vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAV:L/MPR:L","score":5.9,"rating":"Medium","nomenclature":"CVSS-BTE","base_score":9.3,"temporal_score":null,"environmental_score":null}
	{"version":"4.0","vector":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L","score":7.9,"rating":"High","nomenclature":"CVSS-BE","base_score":8.7,"temporal_score":null,"environmental_score":null}
	{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:R","score":8.7,"rating":"High","nomenclature":null,"base_score":9.8,"temporal_score":8.7,"environmental_score":null}
	{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/AR:L","score":8,"rating":"High","nomenclature":null,"base_score":9.8,"temporal_score":null,"environmental_score":8}
	{"version":"2.0","vector":"AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H","score":9.2,"rating":"High","nomenclature":null,"base_score":7.8,"temporal_score":6.4,"environmental_score":9.2}
	EOT
	posture cvss --format json \
		CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAV:L/MPR:L \
		CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N/AR:L \
		CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:R \
		CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/AR:L \
		AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H >actual &&
	test_cmp expected actual
'

test_expect_success 'a bad vector exits 2 with its message; the others are printed' '
	cat >expected <<-\EOT &&
	{"version":"3.1","vector":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N","score":7.5,"rating":"High","nomenclature":null,"base_score":7.5,"temporal_score":null,"environmental_score":null}
	{"version":"2.0","vector":"AV:N/AC:M/Au:N/C:P/I:N/A:N","score":4.3,"rating":"Medium","nomenclature":null,"base_score":4.3,"temporal_score":null,"environmental_score":null}
	EOT
	cat >expected.err <<-\EOT &&
	posture: error: CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H: '"'"'AV:X'"'"' is not a valid value of Attack Vector (N, A, L, P)
	posture: error: CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N: '"'"'VI:H'"'"' comes after '"'"'SC'"'"': CVSS v4.0 metrics must follow the specification'"'"'s order
	EOT
	test_expect_code 2 posture cvss --format json \
		CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N \
		CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H \
		CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N \
		AV:N/AC:M/Au:N/C:P/I:N/A:N >actual 2>err &&
	test_cmp expected actual &&
	test_cmp expected.err err
'

test_expect_success 'usage mistakes exit 2' '
	test_expect_code 2 posture cvss 2>err &&
	grep "no vector given" err &&
	test_expect_code 2 posture cvss --format xml CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 2>err &&
	grep "must be table or json" err
'

test_expect_success 'cvss needs no database' '
	posture cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H >/dev/null &&
	test ! -e posture.db
'

test_done
