#!/bin/sh
# build-rpm.sh -- build the milter-tlspolicy RPMs from this source tree
#
# SYNOPSIS
#	packaging/rpm/build-rpm.sh [OUTDIR [RPMBUILD-OPTION...]]
#
# DESCRIPTION
#	Makes the release tarball ("make dist" in a temporary out-of-tree
#	build of the working tree), collects it with the spec's other sources
#	from packaging/ in a temporary rpmbuild tree and runs rpmbuild with the
#	given options (default: -ba). The .rpm files go to OUTDIR (default:
#	the current directory). Needs autoconf, automake, pkg-config, the build
#	dependencies and rpmbuild. Example for a source package only:
#	    packaging/rpm/build-rpm.sh out -bs
#
# DIAGNOSTICS
#	Exit status 0 when rpmbuild succeeded, non-zero otherwise.
set -eu

die() { echo "build-rpm.sh: $*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
pkgdir=$(cd "$here/.." && pwd)
srcdir=$(cd "$pkgdir/.." && pwd)
outdir=${1:-.}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- -ba
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
command -v rpmbuild >/dev/null || die "rpmbuild not found (Fedora: dnf install rpm-build)"

work=$(mktemp -d "${TMPDIR:-/tmp}/build-rpm.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/tree" "$work/build"
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$srcdir" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$work/tree"
else
	(cd "$srcdir" && tar --exclude=./.git -cf - .) | tar -xf - -C "$work/tree"
fi

(cd "$work/tree" && autoreconf -fi) >&2
(cd "$work/build" && "$work/tree/configure" -q && make -s dist-gzip) >&2

top=$work/rpmbuild
mkdir -p "$top/SOURCES"
cp "$work"/build/milter-tlspolicy-*.tar.gz "$top/SOURCES/"
cp "$pkgdir/systemd/milter-tlspolicy.service" "$top/SOURCES/milter-tlspolicy.service"
cp "$pkgdir/systemd/default" "$top/SOURCES/milter-tlspolicy.sysconfig"
cp "$pkgdir/systemd/milter-tlspolicy.sysusers" "$top/SOURCES/milter-tlspolicy.sysusers"
cp "$pkgdir/common/printers.txt" "$top/SOURCES/printers.txt"

rpmbuild --define "_topdir $top" "$@" "$here/milter-tlspolicy.spec"

find "$top/RPMS" "$top/SRPMS" -name '*.rpm' -exec cp {} "$outdir/" \; 2>/dev/null || true
ls "$outdir"/*.rpm
