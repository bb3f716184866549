#!/bin/sh
# Install what posture needs to build, test and fuzz on a fresh Debian machine.
# Idempotent: packages already present are left alone.
set -e
pkgs="build-essential pkg-config clang libclang-rt-14-dev
      libyajl-dev libsqlite3-dev libyaml-dev libxml2-dev libssl-dev zlib1g-dev
      libcmocka-dev libcurl4-openssl-dev libmicrohttpd-dev libpq-dev
      python3 python3-jsonschema sqlite3 jq"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing:$missing" >&2
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
