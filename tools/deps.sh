#!/bin/sh
# Installs what is missing, with apt-get: `deps.sh build` for building and
# running taptop, `deps.sh test` for that plus what the tests use.
set -e
build="gcc make pkg-config libglib2.0-dev libpcap-dev libncurses-dev check"
build="$build libgcrypt20-dev"	# QUIC: its client Initials decrypted
build="$build libcap-ng-dev libseccomp-dev"	# the privilege drop
build="$build libmicrohttpd-dev"	# --metrics: the Prometheus endpoint
test="$build tshark tmux python3 clang libclang-rt-14-dev iproute2 procps"
# The package and the man page: building the .deb, lint, setcap.
test="$test dpkg-dev debhelper lintian mandoc fakeroot libcap2-bin man-db"
test="$test prometheus"	# --metrics: promtool and a real server scrape
case "${1:-build}" in
build) want=$build ;;
test) want=$test ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	sudo=sudo
	command -v sudo >/dev/null 2>&1 || {
		echo "missing packages:$missing (run as root, or install them)" >&2
		exit 1
	}
fi
echo "installing:$missing"
# tshark asks whether non-root users may capture; answer no, unattended.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$sudo debconf-set-selections 2>/dev/null || true
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing </dev/null
