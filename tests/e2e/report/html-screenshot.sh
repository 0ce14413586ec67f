#!/bin/sh
# html-screenshot.sh -- render a tlspolicy-report HTML page in headless Chromium
#
# usage: html-screenshot.sh [-r REPORT_BINARY] [-g GEN_LOG_BINARY] [OUTDIR]
#
# Generates a sample log (tests/bench/gen_report_log), writes the HTML
# report, and has headless Chromium (Debian's "chromium" package) save
#   OUTDIR/report.html      the page
#   OUTDIR/report.png       a 1280x2000 screenshot
#   OUTDIR/report.dom.html  the DOM after rendering (--dump-dom)
#   OUTDIR/chromium.log     Chromium's console log (--enable-logging)
# OUTDIR defaults to ./report-screenshot. Binaries default to those of an
# in-tree or out-of-tree build found through $BUILDDIR (default: .).
# Exits 77 (skip) when chromium is not installed.
set -eu

BUILDDIR=${BUILDDIR:-.}
REPORT=$BUILDDIR/contrib/report/tlspolicy-report
GEN=$BUILDDIR/tests/bench/gen_report_log
while getopts r:g: opt; do
	case $opt in
	r) REPORT=$OPTARG ;;
	g) GEN=$OPTARG ;;
	*) echo "usage: $0 [-r REPORT] [-g GEN] [OUTDIR]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
OUT=${1:-report-screenshot}

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "html-screenshot: chromium not installed (apt-get install -y chromium)" >&2
	exit 77
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT INT TERM

# Thirty days of three MX hosts, 400 clients, with one malformed line.
"$GEN" -n 60000 -c 400 -d 30 -o 1 > "$OUT/sample.log"
echo '2026-11-15T12:00:00+00:00 mx1 milter-tlspolicy[1]: 0ABC: client=bad[192.0.2.99] helo="unterminated' >> "$OUT/sample.log"
"$REPORT" --format html --output "$OUT/report.html" "$OUT/sample.log" 2> "$OUT/report.stderr" || {
	cat "$OUT/report.stderr" >&2
	exit 1
}

chromium_run() {
	# No network, no first-run or background activity: the page is a local file.
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --disable-extensions --user-data-dir="$PROFILE" \
	    --window-size=1280,2000 --hide-scrollbars "$@" "file://$OUT/report.html"
}

chromium_run --screenshot="$OUT/report.png" > /dev/null 2>&1
chromium_run --dump-dom --enable-logging=stderr --v=0 > "$OUT/report.dom.html" 2> "$OUT/chromium.log"
echo "html-screenshot: $OUT/report.png ($(wc -c < "$OUT/report.png") bytes)"
