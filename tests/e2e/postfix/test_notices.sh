#!/bin/bash
# test_notices.sh -- tlspolicy-report notices, sent through the real private Postfix to a sink.
#
# Usage (as root):  tests/e2e/postfix/test_notices.sh [BUILDDIR]
#   BUILDDIR (default: $TLSPOLICY_BUILD, else $BUILDDIR, else the source tree) holds
#   milter/milter-tlspolicy, contrib/report/tlspolicy-report and contrib/probe/tlspolicy-probe
#   ($MILTER, $REPORT and $PROBE override each, as tests/run-all.sh sets them).
#   env: E2E_PORT_BASE, KEEP_WORK=1 (see lib/common.sh).
# Sends sessions through the private Postfix with milter-tlspolicy logging to a file: alice over
# TLS 1.1 and TLS 1.0 with SMTP AUTH (two addresses; and TLS 1.3), bob over TLS 1.2 and 1.3 only,
# an unauthenticated printer over TLS 1.0, an unauthenticated server over TLS 1.3 and one in plaintext.
# The log is split into two hosts' logs (the second gzip'd). Then `tlspolicy-report notices --sendmail
# --sendmail-command "sendmail -C PF_CONF -t -i"` sends the notices through the same Postfix (pickup,
# cleanup, smtp) to the sink, and the test checks the exact envelope recipients (alice and the
# postmaster; nobody who only used TLS >= 1.2), the headers (parsed with Python's email package:
# Date, Message-ID, From, To, Subject, MIME-Version, Content-Type text/plain; charset=utf-8,
# Content-Transfer-Encoding, Auto-Submitted: auto-generated), the content (addresses, PTR, HELO,
# versions with counts, first/last seen from the log, both hosts) and, with --policy, the rollout
# date of each client as "milter-tlspolicy -t ... date=" gives it (defer on that day, accept the day
# before); --include-plaintext; a failing sendmail command is an error (exit 2, nothing delivered).
# Prints "N passed, N failed" last; exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/report-suite.sh
. "$HERE/../lib/report-suite.sh"

rs_init "${1:-}"

# ------------------------------------------------------------------ Postfix + milter
rs_postfix_setup
# notices_policy FILE < RULES: a policy with the secret (so the same per-client rollout draws) and the
# rule for TLS >= 1.2 that the running policy and the one to announce share, then RULES, then the default.
notices_policy() {
	{
		printf '%s\n' 'version: 1' 'settings: { sticky_secret: "e2e-notices" }' 'rules:' \
		    '  - name: modern' '    match: { tls: ">= TLSv1.2" }' '    action: accept'
		cat
		printf '%s\n' 'default: { action: accept }'
	} > "$1"
}
# The daemon only tags: every message is delivered and logged.
notices_policy "$E2E_WORK/policy.yaml" <<'YAML'
  - name: legacy
    match: { tls: [SSLv3, TLSv1, TLSv1.1] }
    action: tag
YAML
rs_milter_start

# ------------------------------------------------------------------ sessions
RS_SUBJECT="notices e2e"

# Postfix's SASL users are alice and bob (the harness's sasldb).
t_begin "12 sessions: legacy and modern TLS, with and without SMTP AUTH"
rs_session 2 0 "$PF_PORT_SUBMISSION" --source 127.0.0.11 --ehlo laptop11 --tls 1.1 --auth alice:secret123 &&
	rs_session 1 0 "$PF_PORT_SUBMISSION" --source 127.0.0.15 --ehlo phone15 --tls 1.0 --auth alice:secret123 &&
	rs_session 1 0 "$PF_PORT_SUBMISSION" --source 127.0.0.11 --ehlo laptop11 --tls 1.3 --auth alice:secret123 &&
	rs_session 2 0 "$PF_PORT_SUBMISSION" --source 127.0.0.14 --ehlo phone14 --tls 1.2 --auth bob:secret456 &&
	rs_session 1 0 "$PF_PORT_SUBMISSION" --source 127.0.0.16 --ehlo tablet16 --tls 1.3 --auth bob:secret456 &&
	rs_session 2 0 "$PF_PORT_LEGACY" --source 127.0.0.10 --ehlo printer10 --tls 1.0 &&
	rs_session 1 0 "$PF_PORT_MX" --source 127.0.0.13 --ehlo mail13 --tls 1.3 &&
	rs_session 2 0 "$PF_PORT_MX" --source 127.0.0.12 --ehlo old12 --tls none &&
	wait_for "[ \$(grep -c ' milter-tlspolicy\[' '$MLOG') -ge 12 ]" 10 &&
	assert_eq 12 "$(grep -c ' milter-tlspolicy\[' "$MLOG")" "milter log lines" &&
	pf_wait_sink "$PF_SINK_MAIN" 12 20 && t_end

# Two hosts' logs: the first line (alice's first TLS 1.1 session) as logged, the rest as host
# mx2.test, gzip'd: her 127.0.0.11 must still count as one client with 2 transactions.
head -n 1 "$MLOG" > "$E2E_WORK/mx1.log"
tail -n +2 "$MLOG" | awk '{ $2 = "mx2.test"; print }' | gzip > "$E2E_WORK/mx2.log.gz"
MX1_HOST=$(awk 'NR == 1 { print $2 }' "$MLOG")
BEFORE=$(pf_sink_count "$PF_SINK_MAIN")

# ------------------------------------------------------------------ the policy to announce
# A per-client rollout over four months: each client is selected on one of the step dates.
notices_policy "$E2E_WORK/next.yaml" <<'YAML'
  - name: no-legacy
    match: { tls: [TLSv1, TLSv1.1] }
    action: defer
    reply: { code: 421, xcode: 4.7.66, text: "TLS 1.0 and 1.1 are not supported" }
    rollout:
      select: per-client
      steps:
        - { from: 2031-01-01, percent: 10 }
        - { from: 2031-02-01, percent: 30 }
        - { from: 2031-03-01, percent: 60 }
        - { from: 2031-04-01, percent: 100 }
YAML

# rollout_date WORDS: the first step date on which milter-tlspolicy -t defers the session, and check
# that it accepts the day before; prints the date.
rollout_date() {
	local d prev
	for d in 2031-01-01 2031-02-01 2031-03-01 2031-04-01; do
		if "$MILTER" -c "$E2E_WORK/next.yaml" -t "$1 date=$d" | grep -qx 'action: defer'; then
			prev=$(date -u -d "$d - 1 day" +%Y-%m-%d)
			"$MILTER" -c "$E2E_WORK/next.yaml" -t "$1 date=$prev" | grep -qx 'action: accept' ||
				return 1
			echo "$d"
			return 0
		fi
	done
	return 1
}

# ------------------------------------------------------------------ the notices
NOTICES_OUT=$E2E_WORK/notices.out
NOTICES_ERR=$E2E_WORK/notices.err
notices() {
	"$REPORT" notices --from notices@example.test --domain example.test \
	    --postmaster postmaster@example.test "$@" "$E2E_WORK/mx1.log" "$E2E_WORK/mx2.log.gz" \
	    > "$NOTICES_OUT" 2> "$NOTICES_ERR"
}

t_begin "notices --sendmail through Postfix: exactly alice and the postmaster"
notices --policy "$E2E_WORK/next.yaml" --as-of 2030-12-01 --sendmail \
    --sendmail-command "/usr/sbin/sendmail -C $PF_CONF -t -i"
RC=$?
assert_eq 0 "$RC" "exit status" &&
	assert_match "2 sent, 0 failed" "$(cat "$NOTICES_ERR")" "summary" &&
	pf_wait_sink "$PF_SINK_MAIN" $((BEFORE + 2)) 30 &&
	sleep 1 && assert_eq $((BEFORE + 2)) "$(pf_sink_count "$PF_SINK_MAIN")" "sink messages" &&
	t_end || t_note "$(cat "$NOTICES_ERR")"
# The notices are the sink's messages with Auto-Submitted.
NOTICE_FILES=$(pf_sink_grep "$PF_SINK_MAIN" '^Auto-Submitted: auto-generated')

t_begin "envelope and header recipients: alice@example.test and postmaster@example.test only"
rcpts=$(for f in $NOTICE_FILES; do sed -n 's/^X-Sink-Envelope-To: <\([^>]*\)>.*/\1/p' "$f"; done | sort | tr '\n' ' ')
assert_eq "alice@example.test postmaster@example.test " "$rcpts" "envelope recipients" && t_end

ALICE_TLS11="client=127.0.0.11 auth=alice tls=TLSv1.1 listener=submission-in"
ALICE_DATE=$(rollout_date "$ALICE_TLS11")
PRINTER_DATE=$(rollout_date "client=127.0.0.10 tls=TLSv1 listener=legacy-in")

t_begin "headers: RFC 5322 and MIME, parsed by Python's email package"
"$PYTHON" - $NOTICE_FILES > "$E2E_WORK/check.txt" 2>&1 <<'PY'
import email, email.policy, email.utils, sys
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    while raw.startswith(b"X-Sink-"):                  # drop the sink's own lines
        raw = raw.split(b"\n", 1)[1]
    for line in raw.split(b"\n\n", 1)[0].split(b"\n"):
        assert len(line) <= 998, (path, line[:80])
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for h in ("Date", "Message-ID", "From", "To", "Subject", "MIME-Version", "Content-Type",
              "Content-Transfer-Encoding", "Auto-Submitted"):
        assert m[h] is not None and len(m.get_all(h)) == 1, (path, h)
    assert email.utils.parsedate_to_datetime(m["Date"]) is not None
    assert m["Message-ID"].startswith("<") and "@example.test>" in m["Message-ID"], m["Message-ID"]
    assert m["From"] == "notices@example.test", m["From"]
    assert m["MIME-Version"] == "1.0"
    assert m.get_content_type() == "text/plain" and m.get_content_charset() == "utf-8"
    assert m["Content-Transfer-Encoding"] in ("8bit", "quoted-printable")
    assert m["Auto-Submitted"] == "auto-generated"
    assert m.get_content()
    print(m["To"], "|", m["Subject"])
PY
if [ $? = 0 ]; then
	assert_match "alice@example.test \| .*alice" "$(cat "$E2E_WORK/check.txt")" "alice's subject" && t_end
else
	t_fail "header check"; t_note "$(cat "$E2E_WORK/check.txt")"
fi

body_of() { # RECIPIENT: the notice's file
	local f
	for f in $NOTICE_FILES; do
		grep -q "^To: $1\$" "$f" && { echo "$f"; return; }
	done
}
ALICE_FILE=$(body_of alice@example.test)
PM_FILE=$(body_of postmaster@example.test)

# first_last ADDR: "FIRST|LAST" seen in the milter log for that client's legacy lines, as the notice
# writes them ("2026-12-06 18:12 UTC").
first_last() {
	"$PYTHON" - "$MLOG" "$1" <<'PY'
import datetime, sys
times = []
for line in open(sys.argv[1]):
    if "client=unknown[%s]" % sys.argv[2] in line and (" tls=TLSv1 " in line or " tls=TLSv1.1 " in line):
        t = datetime.datetime.fromisoformat(line.split()[0]).astimezone(datetime.timezone.utc)
        times.append(t.strftime("%Y-%m-%d %H:%M UTC"))
print("%s|%s" % (min(times), max(times)))
PY
}

t_begin "alice's notice: her two legacy clients, versions, HELO, dates, rollout date"
fl=$(first_last 127.0.0.11)
assert_file_contains "$ALICE_FILE" '^  - Address:    127\.0\.0\.11$' &&
	assert_file_contains "$ALICE_FILE" '^  - Address:    127\.0\.0\.15$' &&
	assert_file_contains "$ALICE_FILE" '^    HELO:       laptop11$' &&
	assert_file_contains "$ALICE_FILE" '^    HELO:       phone15$' &&
	assert_file_contains "$ALICE_FILE" '^    Listener:   submission-in$' &&
	assert_file_contains "$ALICE_FILE" '^    TLS:        TLSv1\.1: 2 transactions$' &&
	assert_file_contains "$ALICE_FILE" '^    TLS:        TLSv1: 1 transaction$' &&
	assert_file_contains "$ALICE_FILE" "^    First seen: ${fl%|*}\$" &&
	assert_file_contains "$ALICE_FILE" "^    Last seen:  ${fl#*|}\$" &&
	assert_file_contains "$ALICE_FILE" "TLS 1.0 and TLS 1.1" &&
	assert_file_contains "$ALICE_FILE" "mail service \\($MX1_HOST, mx2\\.test\\)|mail service \\(mx2\\.test, $MX1_HOST\\)" &&
	assert_file_lacks "$ALICE_FILE" '127\.0\.0\.1[02346]' &&
	assert_file_lacks "$ALICE_FILE" 'TLSv1\.3' &&
	{ [ -n "$ALICE_DATE" ] || t_fail "milter-tlspolicy -t never defers alice"; } &&
	assert_file_contains "$ALICE_FILE" "^      from $ALICE_DATE: deferred" &&
	assert_file_contains "$ALICE_FILE" '^      now: accepted' && t_end

t_begin "postmaster summary: the unauthenticated TLS 1.0 printer only, with its rollout date"
assert_file_contains "$PM_FILE" '^  - Address:    127\.0\.0\.10$' &&
	assert_file_contains "$PM_FILE" '^    PTR name:   \(none\)$' &&
	assert_file_contains "$PM_FILE" '^    HELO:       printer10$' &&
	assert_file_contains "$PM_FILE" '^    Listener:   legacy-in$' &&
	assert_file_contains "$PM_FILE" '^    TLS:        TLSv1: 2 transactions$' &&
	assert_file_contains "$PM_FILE" '^    Ciphers:    [A-Za-z0-9_-]+: 2$' &&
	assert_file_lacks "$PM_FILE" '127\.0\.0\.1[1-6]' &&
	assert_file_contains "$PM_FILE" "mail service \\(mx2\\.test\\)" &&
	{ [ -n "$PRINTER_DATE" ] || t_fail "milter-tlspolicy -t never defers the printer"; } &&
	assert_file_contains "$PM_FILE" "^      from $PRINTER_DATE: deferred" && t_end

t_begin "--output DIR and --include-plaintext: the plaintext server joins the summary"
notices --include-plaintext --output "$E2E_WORK/eml"
RC=$?
assert_eq 0 "$RC" "exit status" &&
	assert_eq "0001-alice@example.test.eml 0002-postmaster@example.test.eml" \
	    "$(ls "$E2E_WORK/eml" | tr '\n' ' ' | sed 's/ $//')" "files" &&
	assert_file_contains "$E2E_WORK/eml/0002-postmaster@example.test.eml" '^  - Address:    127\.0\.0\.12$' &&
	assert_file_contains "$E2E_WORK/eml/0002-postmaster@example.test.eml" '^    TLS:        no TLS: 2 transactions$' &&
	assert_file_lacks "$E2E_WORK/eml/0002-postmaster@example.test.eml" '127\.0\.0\.13' && t_end

t_begin "a failing sendmail command: exit 2, each failure said, nothing delivered"
COUNT=$(pf_sink_count "$PF_SINK_MAIN")
notices --sendmail-command "cat > /dev/null; exit 75"
RC=$?
assert_eq 2 "$RC" "exit status" &&
	assert_match "sending to alice@example.test failed" "$(cat "$NOTICES_ERR")" "stderr" &&
	assert_match "0 sent, 2 failed" "$(cat "$NOTICES_ERR")" "summary" &&
	sleep 1 && assert_eq "$COUNT" "$(pf_sink_count "$PF_SINK_MAIN")" "sink unchanged" && t_end

t_summary
