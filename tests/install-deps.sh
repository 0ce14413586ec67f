#!/bin/sh
# install-deps.sh -- install everything milter-tlspolicy needs to build and test (Debian 12, as root).
#
# Usage:  sudo tests/install-deps.sh
#   INSTALL_DEPS_NO_BROWSER=1   leave out chromium (only the HTML screenshot test needs it)
#   INSTALL_DEPS_DRY_RUN=1      only print what would be installed
#
# Idempotent: when every package is already installed (dpkg-query) it runs no apt-get at all and returns in
# well under a second.  Otherwise it runs `apt-get update` once and installs the missing packages with
# --no-install-recommends, non-interactively.  Postfix's debconf question is preseeded with
# "No configuration", so the package neither prompts nor configures a system mail server; a temporary
# /usr/sbin/policy-rc.d (exit 101) keeps the system Postfix from being started during the install (an
# existing policy-rc.d is left alone).  The e2e tests run their own private Postfix instances
# (tests/e2e/lib/postfix-harness.sh) and never use the system one.  Prints a one-line summary.
# shellcheck disable=SC2086,SC2048   # word splitting of the package lists is intended
set -eu

PKGS="build-essential autoconf automake libtool pkg-config m4
libmilter-dev libyaml-dev libgnutls28-dev libcunit1-dev zlib1g-dev libmicrohttpd-dev
postfix postfix-pcre sasl2-bin libsasl2-modules
gnutls-bin openssl python3 valgrind strace iproute2 procps ca-certificates prometheus
lintian mandoc debhelper devscripts dpkg-dev clang libclang-rt-14-dev"
[ "${INSTALL_DEPS_NO_BROWSER:-0}" = 1 ] || PKGS="$PKGS chromium"

# one dpkg-query for all packages: prints "NAME STATUS" for the known ones (unknown ones: nothing)
not_installed() {
    installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $* 2>/dev/null | awk '$2 == "ii" {print $1}')
    for p in $*; do
        echo "$installed" | grep -qxF "$p" || printf ' %s' "$p"
    done
}
missing=$(not_installed $PKGS)
total=$(echo $PKGS | wc -w)

if [ -z "$missing" ]; then
    echo "install-deps: all $total packages already installed"
    exit 0
fi
if [ "${INSTALL_DEPS_DRY_RUN:-0}" = 1 ]; then
    echo "install-deps: would install:$missing"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing:$missing -- run as root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections

policy_added=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# added by milter-tlspolicy tests/install-deps.sh for the duration of the install\nexit 101\n' \
        > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_added=1
fi
cleanup() { [ -z "$policy_added" ] || rm -f /usr/sbin/policy-rc.d; }
trap cleanup EXIT INT TERM

start=$(date +%s)
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
end=$(date +%s)

still=$(not_installed $missing)
if [ -n "$still" ]; then
    echo "install-deps: FAILED to install:$still" >&2
    exit 1
fi
n=$(echo $missing | wc -w)
echo "install-deps: installed $n of $total packages in $((end - start)) s:$missing"
