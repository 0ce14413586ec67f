#!/bin/sh
# build-deb.sh -- build the milter-tlspolicy .deb from this source tree
#
# SYNOPSIS
#	packaging/debian/build-deb.sh [OUTDIR]
#
# DESCRIPTION
#	Copies the source tree (the files git knows of plus untracked ones that
#	are not ignored, as they are in the working tree; everything but .git
#	when it is not a git checkout) to a temporary directory, puts
#	packaging/debian there as debian/, and runs "dpkg-buildpackage -us -uc -b".
#	The .deb, .buildinfo and .changes go to OUTDIR (default: the current
#	directory); the temporary copy is removed.
#
#	Installs debhelper and devscripts with apt-get when dh or
#	dpkg-buildpackage is missing, and the unmet Build-Depends too (as root;
#	otherwise it names them and stops). Runs lintian on the result when it
#	is installed. Set DEB_BUILD_OPTIONS=nocheck to skip "make check".
#
# DIAGNOSTICS
#	Exit status 0 when the package was built, non-zero otherwise.
set -eu

die() { echo "build-deb.sh: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
outdir=${1:-.}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

apt_install() {
	[ "$(id -u)" -eq 0 ] || die "missing packages, install them as root: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2
}

if ! command -v dh >/dev/null || ! command -v dpkg-buildpackage >/dev/null; then
	apt_install debhelper devscripts dpkg-dev
fi

version=$(dpkg-parsechangelog -l "$here/changelog" -S Version)
work=$(mktemp -d "${TMPDIR:-/tmp}/build-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
tree=$work/milter-tlspolicy-$version
mkdir "$tree"

# Copy the tree as it is in the working directory, without build results.
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$tree"
else
	(cd "$srcdir" && tar --exclude=./.git -cf - .) | tar -xf - -C "$tree"
fi
rm -rf "$tree/debian"
cp -R "$here" "$tree/debian"
rm -f "$tree/debian/build-deb.sh"

cd "$tree"
if ! unmet=$(dpkg-checkbuilddeps 2>&1); then
	pkgs=$(printf '%s\n' "$unmet" | sed -n 's/.*Unmet build dependencies: //p' |
		sed 's/([^)]*)//g; s/|[^ ]*//g')
	[ -n "$pkgs" ] || die "$unmet"
	# shellcheck disable=SC2086 # one word per package
	apt_install $pkgs
fi

dpkg-buildpackage -us -uc -b

for f in "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes; do
	[ -e "$f" ] && cp "$f" "$outdir/"
done
deb=$(ls "$outdir"/milter-tlspolicy_"$version"_*.deb)
echo "build-deb.sh: built $deb"
if command -v lintian >/dev/null; then
	lintian --info "$deb" || echo "build-deb.sh: lintian reported problems (above)" >&2
fi
