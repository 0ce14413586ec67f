#!/bin/bash
# test_html.sh -- the HTML report, rendered by headless Chromium
#
# Usage: tests/e2e/report/test_html.sh [BUILDDIR]
#   BUILDDIR (default: $TLSPOLICY_BUILD, else $BUILDDIR, else the source tree) holds
#   contrib/report/tlspolicy-report ($REPORT overrides it) and tests/bench/gen_report_log.  env: KEEP_WORK=1 keeps the work dir (report.html, report.png, DOM, logs).
# Runs html-screenshot.sh (a generated log of 30 days, 400 clients, one malformed line) and checks: the
# report exits 0 and names the malformed line on stderr; the page is self-contained (one inline
# script, the table sorter, without src; no external URL, one <style>, inline <svg> charts); Chromium renders it without console errors; the
# screenshot is a PNG of 1280x2000 and not blank; the rendered DOM has every view's table with the
# expected headings and the three charts. Prints "N passed, N failed" last; exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/common.sh
. "$HERE/../lib/common.sh"

BUILDDIR=${1:-${TLSPOLICY_BUILD:-${BUILDDIR:-$HERE/../../..}}}
BUILDDIR=$(cd "$BUILDDIR" && pwd)
REPORT=${REPORT:-$BUILDDIR/contrib/report/tlspolicy-report}
GEN=$BUILDDIR/tests/bench/gen_report_log
e2e_init

if ! command -v chromium > /dev/null; then
	t_skip "HTML report in Chromium" "chromium not installed (apt-get install -y chromium)"
	t_summary
	exit 0
fi

OUT=$E2E_WORK/shot
t_begin "html-screenshot.sh renders the report"
if "$HERE/html-screenshot.sh" -r "$REPORT" -g "$GEN" "$OUT" > "$E2E_WORK/shot.log" 2>&1; then
	t_end
else
	t_fail "html-screenshot.sh failed"
	t_note "$(cat "$E2E_WORK/shot.log")"
	t_summary
	exit 1
fi

t_begin "the malformed line is counted and named on stderr"
assert_file_contains "$OUT/report.stderr" \
    '^tlspolicy-report: 1 malformed milter-tlspolicy line skipped \(first: .*sample\.log:[0-9]+: bad quoting\)$' &&
	t_end

t_begin "the page is self-contained"
assert_eq 1 "$(grep -c '<script' "$OUT/report.html")" "<script> elements (the sorter)" &&
	assert_file_lacks "$OUT/report.html" '<script[^>]* src=' &&
	assert_file_lacks "$OUT/report.html" '(src|href)="(https?:)?//' &&
	assert_file_lacks "$OUT/report.html" '@import|url\(' &&
	assert_eq 1 "$(grep -c '<style>' "$OUT/report.html")" "<style> elements" &&
	assert_eq 3 "$(grep -c '<svg class="chart"' "$OUT/report.html")" "inline SVG charts" &&
	assert_match '^<!DOCTYPE html>' "$(head -n 1 "$OUT/report.html")" "doctype" &&
	assert_match '</html>$' "$(tail -n 1 "$OUT/report.html")" "end of page" &&
	t_end

t_begin "Chromium logs no console errors or failed loads"
assert_file_lacks "$OUT/chromium.log" 'CONSOLE|Uncaught|net::ERR_|Failed to load resource|Refused to' &&
	t_end

t_begin "the screenshot is a 1280x2000 PNG with content"
png_info=$("$PYTHON" - "$OUT/report.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
# Distinct bytes of the compressed image data: a blank page compresses to a few repeated ones.
idat = b"".join(data[i + 8:i + 8 + struct.unpack(">I", data[i:i + 4])[0]]
                for i in range(8, len(data)) if data[i + 4:i + 8] == b"IDAT")
print(w, h, len(data), len(set(zlib.decompress(idat))))
PY
)
read -r w h size colors <<< "$png_info"
assert_eq "1280 2000" "${w:-?} ${h:-?}" "PNG size" &&
	assert_match '^[0-9]+$' "${size:-}" "file size" &&
	{ [ "$size" -gt 50000 ] || t_fail "PNG only $size bytes"; } &&
	{ [ "$colors" -gt 64 ] || t_fail "PNG has only $colors distinct byte values: blank?"; } &&
	t_end

t_begin "the rendered DOM has every view's table"
dom=$OUT/report.dom.html
for v in clients users listeners rules daily; do
	assert_file_contains "$dom" "<section id=\"$v\">" || break
	assert_file_contains "$dom" "<table class=\"view-$v sortable\">" || break
done
assert_file_contains "$dom" '<th class="">ADDRESS</th><th class="">NAME</th><th class="">HELO</th>' &&
	assert_file_contains "$dom" '<th class="num">TLS&lt;1.2</th><th class="num">PLAIN</th>' &&
	assert_file_contains "$dom" '<th class="">CIPHERS</th>' &&
	assert_file_contains "$dom" '<th class="">MX HOSTS</th><th class="">SENDER DOMAINS</th><th class="">FIRST SEEN</th>' &&
	assert_file_contains "$dom" '<th class="num">TREND</th>' &&
	assert_file_contains "$dom" '<svg class="spark" ' &&
	assert_file_contains "$dom" '<th class="">RULE</th>' &&
	assert_file_contains "$dom" '<th class="">DATE</th>' &&
	assert_file_contains "$dom" 'aria-label="TLS version share per day"' &&
	assert_file_contains "$dom" 'aria-label="Top legacy clients"' &&
	assert_file_contains "$dom" 'aria-label="Actions per rule"' &&
	t_end

t_begin "the DOM's tables hold the report's counts"
rows=$("$PYTHON" - "$dom" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
sec = html.split('<section id="clients">', 1)[1].split("</section>", 1)[0]
print(len(re.findall(r"<tr>", sec.split("<tbody>", 1)[1])))
PY
)
want=$("$REPORT" --format csv "$OUT/sample.log" 2>/dev/null | tail -n +2 | wc -l)
assert_eq "$want" "$rows" "client rows in the DOM vs CSV" && t_end

if [ "${KEEP_WORK:-0}" = 1 ]; then
	echo "screenshot: $OUT/report.png"
fi
t_summary
