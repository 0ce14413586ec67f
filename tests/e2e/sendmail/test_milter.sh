#!/bin/bash
# test_milter.sh -- milter-tlspolicy against a real Sendmail 8.17 (tests/e2e/lib/sendmail-harness.sh)
#
# Usage (as root, from the build directory, or with MILTER/PROBE set):
#     tests/e2e/sendmail/test_milter.sh
# Environment: MILTER, PROBE, MILTER_WRAPPER (as tests/e2e/postfix/test_milter.sh), KEEP_WORK=1,
#     SM_DEB_CACHE (the harness's cache of Sendmail's .debs).
#
# What is Sendmail-specific in the daemon: MTA detection from the v macro, xtext-decoded certificate
# names and {verify} (cert_verified), "[addr]" as the client name without PTR, reroute by recipient
# suffix (delrcpt + addrcpt_par with ORCPT) to the legacy mailer, hold by quarantine; plus the common
# cases (421 at MAIL with AUTH on TLS 1.0, 550 reject, tag, STARTTLS without a new EHLO, forged headers,
# the log line). Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/sendmail-harness.sh"

MILTER=${MILTER:-$PWD/milter/milter-tlspolicy}
PROBE=${PROBE:-$PWD/contrib/probe/tlspolicy-probe}
MILTER_WRAPPER=${MILTER_WRAPPER:-}
E2E_KILL_GRACE=${E2E_KILL_GRACE:-8}
DEFER_TEXT="TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."

for f in "$MILTER" "$PROBE"; do
    [ -x "$f" ] || { echo "test_milter.sh: $f not found (run from the build directory or set MILTER/PROBE)"; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "test_milter.sh: needs root"; exit 2; }

e2e_init
mkdir -p "$E2E_WORK/tx"
e2e_alloc_port MPORT
TXN_LOG=$E2E_WORK/txn.log
MLOG=$E2E_WORK/milter.log

HARNESS_MILTER="inet:$MPORT@127.0.0.1" sm_setup > "$E2E_WORK/sm_setup.log" 2>&1 \
    || { echo "sm_setup failed:"; tail "$E2E_WORK/sm_setup.log"; exit 2; }

# shellcheck disable=SC2086
$MILTER_WRAPPER "$MILTER" -f -c "$HERE/policies/milter.yaml" -p "inet:$MPORT@127.0.0.1" -L "$TXN_LOG" \
    < /dev/null > "$MLOG" 2>&1 &
MPID=$!
e2e_track "$MPID" milter
wait_for "grep -q 'started: socket' '$MLOG'" 60 || { echo "milter did not start"; cat "$MLOG"; exit 2; }
sm_start > "$E2E_WORK/sm_start.log" 2>&1 || { echo "sm_start failed"; tail "$E2E_WORK/sm_start.log"; exit 2; }

# send CASE PORT TLS [PROBE ARGS...]: as in the Postfix suite; RC, LAST, QID.
send() {
    local case=$1 port=$2 tls=$3; shift 3
    "$PROBE" send "127.0.0.1:$port" --tls "$tls" --ehlo e2e.client.test --from "sender@client.test" \
        --header "X-E2E-Case: $case" --subject "e2e $case" "$@" > "$E2E_WORK/tx/$case" 2>&1
    RC=$?
    LAST=$(tail -n 1 "$E2E_WORK/tx/$case")
    QID=$(sed -n 's/.*250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p' "$E2E_WORK/tx/$case" | tail -n 1)
}
txn_line() { grep -E -- "$1" "$TXN_LOG" 2>/dev/null | tail -n 1 | sed 's/^.* milter-tlspolicy\[[0-9]*\]: //'; }
header() {
    awk -v name="$2" '
        /^$/ { exit }
        /^[ \t]/ { if (cur != "") { sub(/^[ \t]+/, " "); cur = cur $0 }; next }
        { if (cur != "") print cur; cur = "" }
        tolower(substr($0, 1, length(name) + 1)) == tolower(name ":") {
            cur = substr($0, length(name) + 2); sub(/^[ \t]+/, "", cur) }
        END { if (cur != "") print cur }' "$1"
}
delivered() { sm_wait_sink_grep "$1" "^X-E2E-Case: $2\$" "${3:-20}" | head -n 1; }
expect_fields() {
    local kv
    for kv in $2; do
        assert_match "(^| )$(printf '%s' "$kv" | sed 's/[][\.*^$+?(){}|]/\\&/g')( |$)" "$1" "log field $kv" || return 1
    done
}

t_begin "negotiation: Sendmail recognised, signal thread parked"
assert_file_contains "$MLOG" 'started: socket'
assert_file_lacks "$MLOG" 'does not offer smfi_setsymlist'
t_end

t_begin "mx, TLS 1.3: accept, audit header, verify=NO"
send mx-tls13 "$SM_PORT_MX" 1.3 --to rcpt@example.test
assert_eq 0 "$RC" "accepted ($LAST)"
f=$(delivered "$SM_SINK_MAIN" mx-tls13)
assert_match '^mx\.test\.invalid; tls=TLSv1\.3; cipher=TLS_AES_256_GCM_SHA384; bits=256; client=localhost \[127\.0\.0\.1\]; listener=mx-in; auth=-; rule=modern; action=accept$' \
    "$(header "$f" X-TLS-Policy)" "audit header"
expect_fields "$(txn_line " $QID: ")" "client=localhost[127.0.0.1] listener=mx-in port=$SM_PORT_MX tls=TLSv1.3 verify=NO rule=modern action=accept nrcpt=1"
t_end

t_begin "mx, TLS 1.0: tag"
send mx-tls10 "$SM_PORT_MX" 1.0 --to rcpt@example.test
assert_eq 0 "$RC" "accepted ($LAST)"
f=$(delivered "$SM_SINK_MAIN" mx-tls10)
assert_match '; rule=mx-legacy; action=tag; legacy=yes$' "$(header "$f" X-TLS-Policy)" "audit header"
t_end

t_begin "submission, TLS 1.0 with AUTH: 421 at MAIL"
send sub-auth "$SM_PORT_SUBMISSION" 1.0 --auth alice:secret123 --to rcpt@example.test
assert_eq 4 "$RC" "deferred"
assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$LAST" "reply"
expect_fields "$(txn_line ' rule=auth-legacy ')" "auth=alice action=defer reply=\"421 4.7.66\" listener=submission-in"
t_end

t_begin "client certificate: xtext subject decoded, verify=OK"
send ccert "$SM_PORT_MX" 1.3 --to rcpt@example.test --client-cert "$SM_CLIENT_CERT" --client-key "$SM_CLIENT_KEY"
assert_eq 0 "$RC" "accepted ($LAST)"
f=$(delivered "$SM_SINK_MAIN" ccert)
assert_match '; rule=cert-ok; action=tag; legacy=yes$' "$(header "$f" X-TLS-Policy)" "cert rule matched"
expect_fields "$(txn_line " $QID: ")" "verify=OK rule=cert-ok"
send rogue "$SM_PORT_MX" 1.3 --to rcpt@example.test --client-cert "$SM_ROGUE_CERT" --client-key "$SM_ROGUE_KEY"
f=$(delivered "$SM_SINK_MAIN" rogue)
assert_match '; rule=modern; action=accept$' "$(header "$f" X-TLS-Policy)" "self-signed: no match"
# (GnuTLS sends no certificate the server's CA list does not name: NO; OpenSSL would send it: FAIL)
assert_match ' verify=(NO|FAIL) ' "$(txn_line " $QID: ")" "not verified"
t_end

t_begin "legacy listener: recipients rewritten, delivered to the legacy relay with the originals"
send legacy "$SM_PORT_LEGACY" 1.0 --to one@example.test --to two@example.org
assert_eq 0 "$RC" "accepted ($LAST)"
f=$(delivered "$SM_SINK_LEGACY" legacy)
assert_match . "$f" "in the legacy sink"
[ -n "$f" ] && {
    assert_match '<one@example.test> ORCPT=rfc822;one@example.test' "$(header "$f" X-Sink-Envelope-To)" "first recipient"
    assert_match '<two@example.org> ORCPT=rfc822;two@example.org' "$(header "$f" X-Sink-Envelope-To)" "second recipient"
    assert_match '; rule=legacy-listener; action=reroute$' "$(header "$f" X-TLS-Policy)" "audit header"
}
sleep 1
assert_eq "" "$(sm_sink_grep "$SM_SINK_MAIN" '^X-E2E-Case: legacy$')" "not in the main sink"
expect_fields "$(txn_line " $QID: ")" "listener=legacy-in action=reroute nrcpt=2 relay=smtp:[legacy-relay.test.invalid]:25"
t_end

t_begin "hold: quarantined with the rule's reason"
send hold "$SM_PORT_MX" 1.1 --to rcpt@example.test --source 127.0.0.78
assert_eq 0 "$RC" "accepted ($LAST)"
wait_for "sm_quarantine_ids | grep -qx '$QID'" 10 || t_fail "$QID not quarantined"
assert_eq "held-by-e2e" "$(sm_quarantine_reason "$QID")" "reason"
expect_fields "$(txn_line " $QID: ")" "client=unknown[127.0.0.78] rule=hold-legacy action=hold"
t_end

t_begin "reject: default 550 reply; also without a new EHLO after STARTTLS"
send reject "$SM_PORT_MX" 1.0 --to rcpt@example.test --source 127.0.0.79
assert_eq 5 "$RC" "rejected"
assert_match '^rejected 550 5\.7\.66 ' "$LAST" "reply"
send reject-noehlo "$SM_PORT_MX" 1.0 --to rcpt@example.test --source 127.0.0.79 --ehlo-after-tls no
assert_eq 5 "$RC" "rejected without the second EHLO"
t_end

t_begin "forged headers removed"
send forged "$SM_PORT_MX" 1.3 --to rcpt@example.test --header "X-TLS-Policy: forged.example; rule=fake" \
    --header "X-TLS-Policy-Reroute: smtp:[evil]:25"
f=$(delivered "$SM_SINK_MAIN" forged)
assert_match '^mx\.test\.invalid; .*; rule=modern; action=accept$' "$(header "$f" X-TLS-Policy)" "only ours"
assert_eq "" "$(header "$f" X-TLS-Policy-Reroute)" "no reroute header"
t_end

t_begin "SIGTERM: clean stop"
kill -TERM "$MPID"; wait "$MPID"; rc=$?
assert_eq 0 "$rc" "exit status"
t_end

t_summary
