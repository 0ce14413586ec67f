#!/bin/bash
# test_report.sh -- tlspolicy-report on the log of real sessions through Postfix and milter-tlspolicy.
#
# Usage (as root):  tests/e2e/postfix/test_report.sh [BUILDDIR]
#   BUILDDIR (default: $TLSPOLICY_BUILD, else $BUILDDIR, else the source tree) holds
#   milter/milter-tlspolicy, contrib/report/tlspolicy-report and contrib/probe/tlspolicy-probe
#   ($MILTER, $REPORT and $PROBE override each, as tests/run-all.sh sets them).
#   env: E2E_PORT_BASE, KEEP_WORK=1 (see lib/common.sh).
# Sends 15 messages from five client addresses (127.0.0.10-14, bound with tlspolicy-probe --source) over
# the harness's three listeners with TLS none/1.0/1.1/1.2/1.3 and SMTP AUTH, through a policy whose rules
# reroute, defer, tag, accept and reject in report-only mode; then runs tlspolicy-report on the milter's
# -L log and asserts the exact counts per client, TLS version, action and rule, for every view, also
# when the same log is read as classic syslog (gzip, "Nov 25 10:15:02" stamps) mixed with Postfix's
# own log lines, with each filter, and decided again by a second policy (--policy, --as-of).
# Prints "N passed, N failed" last; exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/report-suite.sh
. "$HERE/../lib/report-suite.sh"

rs_init "${1:-}"

# ------------------------------------------------------------------ Postfix + milter
rs_postfix_setup
cat > "$E2E_WORK/policy.yaml" <<YAML
version: 1
settings:
  audit_header: X-TLS-Policy
  audit: all
  mode: enforce
  sticky_secret: "e2e-report"
rules:
  - name: modern
    match: { tls: ">= TLSv1.2" }
    action: accept
  - name: legacy-listener
    match: { listener: legacy-in, tls: [TLSv1, TLSv1.1] }
    action: reroute
    relay: "smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY"
  - name: auth-legacy
    match: { authenticated: true, tls: [TLSv1, TLSv1.1] }
    action: defer
  - name: plaintext-watch
    match: { listener: mx-in, tls: none }
    action: reject
    mode: report-only
  - name: old-mx
    match: { listener: mx-in, tls: [TLSv1, TLSv1.1] }
    action: tag
default: { action: accept }
YAML
if ! "$MILTER" -n -c "$E2E_WORK/policy.yaml" > "$E2E_WORK/policy-check.txt" 2>&1; then
	t_fail "policy does not load"; t_note "$(cat "$E2E_WORK/policy-check.txt")"; t_summary; exit 1
fi
rs_milter_start

# ------------------------------------------------------------------ sessions
RS_SUBJECT="report e2e"

t_begin "15 sessions: reroute, defer, report-only reject, tag, accept"
ALICE=alice:secret123
BOB=bob:secret456
rs_session 3 0 "$PF_PORT_LEGACY" --source 127.0.0.10 --ehlo printer10 --tls 1.0 &&
	rs_session 2 4 "$PF_PORT_SUBMISSION" --source 127.0.0.11 --ehlo laptop11 --tls 1.1 --auth "$ALICE" &&
	rs_session 1 0 "$PF_PORT_SUBMISSION" --source 127.0.0.11 --ehlo laptop11 --tls 1.3 --auth "$ALICE" &&
	rs_session 2 0 "$PF_PORT_MX" --source 127.0.0.12 --ehlo old12 --tls none &&
	rs_session 1 0 "$PF_PORT_MX" --source 127.0.0.12 --ehlo old12b --tls 1.0 &&
	rs_session 2 0 "$PF_PORT_MX" --source 127.0.0.13 --ehlo mail13 --tls 1.2 &&
	rs_session 1 0 "$PF_PORT_SUBMISSION" --source 127.0.0.14 --ehlo phone14 --tls 1.2 --auth "$BOB" &&
	rs_session 1 0 "$PF_PORT_MX" --source 127.0.0.13 --ehlo mail13 --tls 1.3 &&
	rs_session 2 0 "$PF_PORT_LEGACY" --source 127.0.0.10 --ehlo printer10 --tls 1.2 &&
	wait_for "[ \$(grep -c ' milter-tlspolicy\[' '$MLOG') -ge 15 ]" 10 &&
	assert_eq 15 "$(grep -c ' milter-tlspolicy\[' "$MLOG")" "milter log lines" &&
	t_end

# ------------------------------------------------------------------ the report
# report ARGS...: run tlspolicy-report; sets OUT (stdout), ERR (stderr), RC.
report() {
	OUT=$("$REPORT" "$@" 2> "$E2E_WORK/report.err")
	RC=$?
	ERR=$(cat "$E2E_WORK/report.err")
}

# check_json SPEC: compare the JSON array in $OUT with SPEC, lines of
#   KEY=VALUE;KEY=VALUE ...   one per expected object, in order; KEY may be a/b for nested objects.
# A first line "sorted" compares the objects sorted by client_addr, auth_user and listener instead
# (for orders decided by the second in which the sessions happened to end).
# Nested keys not mentioned must be 0 (by_tls, actions) or absent (ciphers, rules).
check_json() {
	local res
	res=$(printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
rows = json.load(sys.stdin)
want = [l.strip() for l in sys.argv[1].strip().splitlines() if l.strip()]
if want and want[0] == "sorted":    # order not under test: sort by address, user
    want = want[1:]
    rows.sort(key=lambda r: tuple(str(r.get(k)) for k in ("client_addr", "auth_user", "listener")))
errs = []
if len(rows) != len(want):
    errs.append("%d objects, want %d" % (len(rows), len(want)))
for i, (row, spec) in enumerate(zip(rows, want)):
    seen = {}
    for kv in spec.split(";"):
        k, v = kv.split("=", 1)
        path = k.split("/")
        got = row
        for p in path:
            got = got.get(p) if isinstance(got, dict) else None
        seen.setdefault(path[0], set()).add(path[-1] if len(path) > 1 else None)
        gv = "null" if got is None else str(got)
        if gv != v:
            errs.append("object %d: %s = %s, want %s" % (i, k, gv, v))
    for obj in ("by_tls", "actions"):
        if obj in seen:
            for k, n in row[obj].items():
                if n and k not in seen[obj]:
                    errs.append("object %d: %s/%s = %s, want 0" % (i, obj, k, n))
print("\n".join(errs))
' "$1")
	if [ -n "$res" ]; then
		t_fail "JSON differs"
		t_note "$res"
		t_note "$OUT"
		return 1
	fi
}

CLIENTS_SPEC='
client_addr=127.0.0.10;client_name=unknown;auth_user=null;listener=legacy-in;messages=5;legacy=3;by_tls/TLSv1=3;by_tls/TLSv1.2=2;actions/reroute=3;actions/accept=2;report_only=0;helo=printer10;helo_count=1;rules/legacy-listener=3;rules/modern=2
client_addr=127.0.0.11;auth_user=alice;listener=submission-in;messages=3;legacy=2;plaintext=0;by_tls/TLSv1.1=2;by_tls/TLSv1.3=1;actions/defer=2;actions/accept=1;rules/auth-legacy=2;rules/modern=1
client_addr=127.0.0.12;client_name=unknown;auth_user=null;listener=mx-in;messages=3;legacy=1;plaintext=2;by_tls/none=2;by_tls/TLSv1=1;actions/reject=2;actions/tag=1;report_only=2;helo=old12b;helo_count=2;rules/plaintext-watch=2;rules/old-mx=1
client_addr=127.0.0.13;auth_user=null;listener=mx-in;messages=3;legacy=0;by_tls/TLSv1.2=2;by_tls/TLSv1.3=1;actions/accept=3;rules/modern=3
client_addr=127.0.0.14;auth_user=bob;listener=submission-in;messages=1;legacy=0;by_tls/TLSv1.2=1;actions/accept=1
'

# TLS below 1.2 first, then plaintext (kept apart: legacy= counts TLS below 1.2 only); between equal
# counts the most recently seen (127.0.0.10 sends last), then the most messages.
t_begin "clients view: exact counts per client, version and action"
report --format json "$MLOG"
assert_eq 0 "$RC" "exit code" && assert_eq "" "$ERR" "stderr" && check_json "$CLIENTS_SPEC" && t_end

t_begin "clients view: ciphers, classes, hosts and times"
printf '%s' "$OUT" | "$PYTHON" -c '
import json, re, sys
rows = {r["client_addr"] + "/" + str(r["auth_user"]): r for r in json.load(sys.stdin)}
host = sys.argv[1]
for key, r in rows.items():
    assert r["hosts"] == [host], (key, r["hosts"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["first_seen"]), r["first_seen"]
    assert r["first_seen"] <= r["last_seen"], key
    if r["by_tls"]["none"] == r["messages"]:
        assert r["ciphers"] == {} and r["cipher_classes"] == [], key
old = rows["127.0.0.12/None"]
assert sum(old["ciphers"].values()) == 1, old["ciphers"]          # TLS 1.0 once, plaintext twice
new = rows["127.0.0.13/None"]
assert sum(new["ciphers"].values()) == 3 and "aead" in new["cipher_classes"], new
' "$(awk 'NR == 1 { print $2 }' "$MLOG")" > "$E2E_WORK/check.txt" 2>&1 &&
	t_end || { t_fail "cipher/host/time fields"; t_note "$(cat "$E2E_WORK/check.txt")"; }

t_begin "users, listeners and rules views"
report users --format json "$MLOG"
check_json '
auth_user=alice;messages=3;legacy=2;by_tls/TLSv1.1=2;by_tls/TLSv1.3=1;actions/defer=2;actions/accept=1
auth_user=bob;messages=1;legacy=0;by_tls/TLSv1.2=1;actions/accept=1
' &&
	report listeners --format json "$MLOG" &&
	check_json '
sorted
listener=legacy-in;messages=5;legacy=3;addresses=1;users=0;by_tls/TLSv1=3;by_tls/TLSv1.2=2;actions/reroute=3;actions/accept=2
listener=mx-in;messages=6;legacy=1;plaintext=2;addresses=2;users=0;by_tls/none=2;by_tls/TLSv1=1;by_tls/TLSv1.2=2;by_tls/TLSv1.3=1;actions/reject=2;actions/tag=1;actions/accept=3
listener=submission-in;messages=4;legacy=2;addresses=2;users=2;by_tls/TLSv1.1=2;by_tls/TLSv1.2=1;by_tls/TLSv1.3=1;actions/defer=2;actions/accept=2
' &&
	report rules --format json "$MLOG" &&
	check_json '
rule=modern;hits=7;enforced=7;report_only=0;legacy=0;actions/accept=7
rule=legacy-listener;hits=3;enforced=3;report_only=0;legacy=3;actions/reroute=3
rule=auth-legacy;hits=2;enforced=2;legacy=2;actions/defer=2;would_defer=0
rule=plaintext-watch;hits=2;enforced=0;report_only=2;would_reject=2;legacy=0;plaintext=2;actions/reject=2
rule=old-mx;hits=1;enforced=1;legacy=1;actions/tag=1
' && t_end

t_begin "daily view adds up"
report daily --format json "$MLOG"
printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
days = json.load(sys.stdin)
assert sum(d["messages"] for d in days) == 15, days
assert sum(d["legacy"] for d in days) == 6, days
assert sum(d["plaintext"] for d in days) == 2, days
tls = {}
for d in days:
    for k, n in d["by_tls"].items():
        tls[k] = tls.get(k, 0) + n
assert tls == {"none": 2, "SSLv3": 0, "TLSv1": 4, "TLSv1.1": 2, "TLSv1.2": 5, "TLSv1.3": 2,
               "unknown": 0}, tls
' > "$E2E_WORK/check.txt" 2>&1 && t_end || { t_fail "daily totals"; t_note "$(cat "$E2E_WORK/check.txt")"; }

# The same log decided again by the next stage of the plan (--policy), before it is deployed.
t_begin "--policy: the log decided by another policy, as of a day"
cat > "$E2E_WORK/next.yaml" <<'YAML'
version: 1
settings: { sticky_secret: "e2e-report" }
rules:
  - name: modern
    match: { tls: ">= TLSv1.2" }
    action: accept
  - name: printer-exempt
    match: { client: 127.0.0.10 }
    action: tag
  - name: no-legacy
    match: { tls: [TLSv1, TLSv1.1] }
    action: defer
    rollout: { select: per-client, steps: [ { from: 2030-01-01, percent: 100 } ] }
  - name: no-plaintext-mx
    match: { listener: mx-in, tls: none }
    action: reject
default: { action: accept }
YAML
report rules --format json --policy "$E2E_WORK/next.yaml" --as-of 2030-01-01 "$MLOG"
assert_eq 0 "$RC" "exit status" && assert_eq "" "$ERR" "nothing on stderr" &&
	check_json '
rule=modern;hits=7;enforced=7;legacy=0;actions/accept=7
rule=no-legacy;hits=3;enforced=3;legacy=3;actions/defer=3;selected=3;percent=100
rule=printer-exempt;hits=3;enforced=3;legacy=3;actions/tag=3
rule=no-plaintext-mx;hits=2;enforced=2;report_only=0;legacy=0;plaintext=2;actions/reject=2
' &&
	report --legacy-only --format json --policy "$E2E_WORK/next.yaml" --as-of 2030-01-01 "$MLOG" &&
	check_json '
sorted
client_addr=127.0.0.10;messages=3;actions/tag=3;rules/printer-exempt=3
client_addr=127.0.0.11;messages=2;actions/defer=2;rules/no-legacy=2
client_addr=127.0.0.12;messages=1;actions/defer=1;rules/no-legacy=1
' &&
	report rules --policy "$E2E_WORK/next.yaml" --as-of 2029-12-31 --format json "$MLOG" &&
	check_json '
rule=modern;hits=7;actions/accept=7
rule=default;hits=3;actions/accept=3
rule=printer-exempt;hits=3;actions/tag=3
rule=no-plaintext-mx;hits=2;actions/reject=2
rule=no-legacy;hits=0;rollout_skipped=3
' &&
	report rules --policy "$E2E_WORK/next.yaml" "$MLOG" &&
	assert_match "decided by $E2E_WORK/next.yaml as of [0-9]{4}-[0-9]{2}-[0-9]{2}" "$OUT" "header says so" &&
	t_end
printf 'version: 1\nrules: [ {name: x, match: {tls: TLSv9}, action: accept} ]\n' > "$E2E_WORK/bad.yaml"
t_begin "--policy with errors: FILE:LINE:COL on stderr, exit 1, nothing reported"
report --policy "$E2E_WORK/bad.yaml" "$MLOG"
assert_eq 1 "$RC" "exit status" && assert_eq "" "$OUT" "no report" &&
	assert_match "bad.yaml:2:[0-9]+: .*TLSv9" "$ERR" "the error, with its place" && t_end

t_begin "--legacy-only (TLS below 1.2), --plaintext-only, --include-plaintext, --listener, --host, --since/--until"
report --legacy-only --format json "$MLOG"
check_json '
sorted
client_addr=127.0.0.10;messages=3;legacy=3;by_tls/TLSv1=3;actions/reroute=3
client_addr=127.0.0.11;messages=2;legacy=2;by_tls/TLSv1.1=2;actions/defer=2
client_addr=127.0.0.12;messages=1;legacy=1;plaintext=0;by_tls/TLSv1=1;actions/tag=1
' &&
	report --plaintext-only --format json "$MLOG" &&
	check_json '
client_addr=127.0.0.12;messages=2;legacy=0;plaintext=2;by_tls/none=2;actions/reject=2
' &&
	report --legacy-only --include-plaintext --format json "$MLOG" &&
	check_json '
sorted
client_addr=127.0.0.10;messages=3;legacy=3;by_tls/TLSv1=3;actions/reroute=3
client_addr=127.0.0.11;messages=2;legacy=2;by_tls/TLSv1.1=2;actions/defer=2
client_addr=127.0.0.12;messages=3;legacy=1;plaintext=2;by_tls/none=2;by_tls/TLSv1=1;actions/reject=2;actions/tag=1
' &&
	report --listener submission-in --format json "$MLOG" &&
	check_json '
client_addr=127.0.0.11;messages=3
client_addr=127.0.0.14;messages=1
' &&
	report --host no-such-host --format json "$MLOG" && assert_eq "[]" "$OUT" "--host other" &&
	report --host "$(awk 'NR == 1 { print $2 }' "$MLOG")" --format csv "$MLOG" &&
	assert_eq 6 "$(printf '%s\n' "$OUT" | wc -l)" "CSV lines (header + 5 clients)" &&
	report --until 2000-01-01 --format json "$MLOG" && assert_eq "[]" "$OUT" "--until 2000" &&
	report --since "$(date -u +%Y-%m-%d)" --format json "$MLOG" &&
	check_json "$CLIENTS_SPEC" && t_end

# The same log as a classic syslog file: year-less stamps, gzip, mixed with Postfix's lines.
t_begin "classic syslog form, gzip, mixed with other programs: same counts"
"$PYTHON" - "$MLOG" "$PF_LOG" > "$E2E_WORK/mail.log" <<'PY'
import datetime, sys
mon = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
lines = []
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8", errors="replace"):
        stamp, rest = line.split(" ", 1)
        try:
            t = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            lines.append(line)          # Postfix's maillog_file: classic stamps already
            continue
        t = t.astimezone(datetime.timezone.utc)
        lines.append("%s %2d %s %s" % (mon[t.month - 1], t.day, t.strftime("%H:%M:%S"), rest))
sys.stdout.write("".join(sorted(lines, key=lambda l: l[:15])))
PY
gzip -k "$E2E_WORK/mail.log"
others=$(grep -vc ' milter-tlspolicy\[' "$E2E_WORK/mail.log")
report --format json "$E2E_WORK/mail.log.gz"
assert_eq 0 "$RC" "exit code" && assert_eq "" "$ERR" "stderr" &&
	{ [ "$others" -gt 20 ] || t_fail "only $others Postfix lines mixed in"; } &&
	check_json "$CLIENTS_SPEC" && t_end

t_begin "standard input, a malformed line and an unreadable file"
{
	cat "$MLOG"
	echo "$(date -u +%Y-%m-%dT%H:%M:%S+00:00) mx milter-tlspolicy[1]: X: client=a[b] helo=\"broken"
} > "$E2E_WORK/with-bad.log"
report --format json - "$E2E_WORK/missing.log" < "$E2E_WORK/with-bad.log"
assert_eq 2 "$RC" "exit code (missing file)" &&
	assert_match 'cannot open .*missing\.log' "$ERR" "stderr" &&
	assert_match '1 malformed milter-tlspolicy line skipped \(first: \(stdin\):16: bad quoting\)' "$ERR" &&
	check_json "$CLIENTS_SPEC" && t_end

t_begin "text view: legacy clients first, no line over 100 columns"
report "$MLOG"
first=$(printf '%s\n' "$OUT" | awk 'NR == 3 { print $1 }')
width=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
assert_eq 0 "$RC" "exit code" && assert_eq 127.0.0.10 "$first" "first client" &&
	{ [ "$width" -le 100 ] || t_fail "text $width columns wide"; } && t_end

t_begin "HTML report of the same log"
report --format html -o "$E2E_WORK/report.html" "$MLOG"
assert_eq 0 "$RC" "exit code" &&
	assert_file_contains "$E2E_WORK/report.html" '<td class="addr">127\.0\.0\.12</td>' &&
	assert_eq 1 "$(grep -c '<script' "$E2E_WORK/report.html")" "one inline script (the sorter)" &&
	assert_file_lacks "$E2E_WORK/report.html" '<script[^>]* src=' && t_end

t_summary
