#!/usr/bin/env bash
# Installs the Debian packages the test suite needs (FRR, GoBGP, tshark, iproute2).
# Idempotent: does nothing when everything is already present. Needs root.
set -euo pipefail

need=()
command -v vtysh >/dev/null 2>&1 || need+=(frr)
[ -x /usr/lib/frr/frr-reload.py ] || need+=(frr-pythontools)
command -v gobgpd >/dev/null 2>&1 || need+=(gobgpd)
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)

if [ ${#need[@]} -eq 0 ]; then
	echo "install-deps: all test dependencies present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${need[*]} and not root; interop tests will skip" >&2
	exit 0
fi
echo "install-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian frr package starts a system-wide FRR via its init script; the tests run
# their own daemons inside network namespaces, so stop it if it came up.
if command -v service >/dev/null 2>&1; then service frr stop >/dev/null 2>&1 || true; fi
echo "install-deps: done"
