#!/bin/bash
# shellcheck disable=SC2034  # the MC_* settings are read by tests/e2e/lib/milter-cases.sh
# test_milter.sh -- milter-tlspolicy against a real Sendmail 8.17 (tests/e2e/lib/sendmail-harness.sh)
#
# Usage (as root, from the build directory, or with MILTER/PROBE set):
#     tests/e2e/sendmail/test_milter.sh
# Environment: MILTER, PROBE, MILTER_WRAPPER (as tests/e2e/postfix/test_milter.sh), KEEP_WORK=1,
#     SM_DEB_CACHE (the harness's cache of Sendmail's .debs).
#
# The same matrix as the Postfix suite (tests/e2e/lib/milter-cases.sh: TLS 1.0/1.1/1.2/1.3 and
# plaintext, with and without AUTH, several loopback sources and ::1, each action, report-only, a
# rollout, forged headers, STARTTLS without a new EHLO, recipient rules, reloads, signals, SIGKILL,
# daemon mode, unix socket), with Sendmail's own replies asserted exactly: "250 2.0.0 ID Message
# accepted for delivery"; a 421 at MAIL or RCPT, after which Sendmail closes the connection;
# "550 5.7.66 <sender>... text" at MAIL; a recipient refused with "450 4.7.66 <rcpt>... text" or
# "451 4.7.66 text" (Sendmail names the address for 450/550/553 only); "451 4.3.2 Please try again
# later" (MAIL, end of data) and "454 4.7.0" (STARTTLS) while the milter is down (F=T).
# Then what only Sendmail does: {verify} and xtext-encoded certificate names (a CA-signed client
# certificate matches cert_verified + cert_subject, a self-signed one is verify=FAIL), IPv6 clients
# sent as "IPv6:0:0:0:0:0:0:0:1" (logged as ::1), reroute by recipient suffix (the legacy mailer gets
# the original recipients with the client's NOTIFY/ORCPT, an unqualified recipient qualified with j;
# behind another milter that refuses a recipient, that recipient gets no copy),
# reroute by quarantine plus the legacy queue runner, and hold = quarantine with the rule's reason,
# which neither normal queue runs nor the legacy runner deliver.
# Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/sendmail-harness.sh"
. "$HERE/../lib/milter-cases.sh"

mc_init

# ---------------------------------------------------------------- Sendmail's side of the matrix

MC_MTA=sendmail
MC_ACCEPTED='^accepted 250 2\.0\.0 [0-9A-Za-z]+ Message accepted for delivery$'
MC_LOCALNAME=localhost
MC_VERIFY_TLS=NO
MC_REFUSED_QID='^[0-9A-Za-z]{8,}: '     # Sendmail has the queue id from the connection on
MC_DOWN_DATA='^451 4\.3\.2 Please try again later$'
MC_DOWN_MAIL='^deferred 451 4\.3\.2 Please try again later$'
MC_DOWN_TLS='^deferred 454 4\.7\.0 Please try again later$'
MC_SOCK_OWNER=nobody:nogroup

mta_port() {
    case $1 in mx) echo "$SM_PORT_MX" ;; submission) echo "$SM_PORT_SUBMISSION" ;; legacy) echo "$SM_PORT_LEGACY" ;; esac
}
mta_sink() { case $1 in main) echo "$SM_SINK_MAIN" ;; legacy) echo "$SM_SINK_LEGACY" ;; esac; }
mta_sink_grep() { sm_sink_grep "$@"; }
mta_wait_sink_grep() { sm_wait_sink_grep "$@"; }
mta_envelope_to() { echo "<$1>"; }
# Sendmail's usrerr() puts "<address>... " (the sender at MAIL, the recipient at RCPT) in front of the
# text for the codes 450, 550 and 553 only (fmtmsg() in its err.c); 421, 451 and the rest go out as given.
mta_reply() { # ADDR "CODE XCODE TEXT"
    local code=${2%% *} rest=${2#* }
    case $code in
    450|550|553) echo "$code ${rest%% *} <$1>... ${rest#* }" ;;
    *) echo "$2" ;;
    esac
}
mta_wait_queue_empty() { sm_wait_queue_empty "$@"; }

mta_set_milter() {
    case $1 in
    inet) sm_set_milter "inet:$2@127.0.0.1" ;;
    unix) sm_set_milter "unix:$2" ;;
    esac
}

# Rerouted (recipient-suffix): no reroute header; the legacy mailer delivered the original recipient,
# with the ORCPT the milter added.
mta_check_rerouted() {
    assert_eq "" "$(header "$1" X-TLS-Policy-Reroute)" "no reroute header"
    assert_eq "<rcpt@example.test> ORCPT=rfc822;rcpt@example.test" "$(header "$1" X-Sink-Envelope-To)" "original recipient"
    sm_assert_log "$QID: to=<rcpt@example\.test\.LEGACY-TLS>, .*mailer=legacy, .*stat=Sent"
}

# Held: quarantined with the rule's reason; a normal queue run leaves it there.
mta_check_held() {
    wait_for "sm_quarantine_ids | grep -qx '$1'" 10 || t_fail "$1 not quarantined"
    assert_eq "$3" "$(sm_quarantine_reason "$1")" "quarantine reason"
    sm_flush
    sleep 1
    assert_eq "" "$(in_sink "$SM_SINK_MAIN" "$2")$(in_sink "$SM_SINK_LEGACY" "$2")" "held, not delivered"
    sm_quarantine_ids | grep -qx "$1" || t_fail "$1 left the quarantine"
}

# ---------------------------------------------------------------- Sendmail-only cases

sm_case_client_cert() {
    local f out qid
    t_begin "client certificate: CA-signed matches cert_verified + cert_subject (xtext decoded); self-signed is verify=FAIL"
    send ccert "127.0.0.1:$SM_PORT_MX" 1.3 --to rcpt@example.test --client-cert "$SM_CLIENT_CERT" --client-key "$SM_CLIENT_KEY"
    assert_eq 0 "$RC" "accepted ($LAST)"
    f=$(delivered "$SM_SINK_MAIN" ccert)
    assert_match '; rule=cert-ok; action=tag; legacy=yes$' "$(audit_of "$f")" "cert rule matched"
    wait_txn " $QID: " || t_fail "no log line"
    expect_fields "$(txn_line " $QID: ")" "verify=OK rule=cert-ok tls=TLSv1.3"
    # OpenSSL sends a self-signed certificate anyway: Sendmail says FAIL
    out=$(smtp_send --port "$SM_PORT_MX" --tls 1.3 --cert "$SM_ROGUE_CERT" --key "$SM_ROGUE_KEY" --to rcpt@example.test | tail -n 1)
    assert_match "${MC_ACCEPTED#^}" "$out" "self-signed: accepted"
    qid=$(printf '%s\n' "$out" | mc_queue_id)
    wait_txn " $qid: " || t_fail "no log line"
    expect_fields "$(txn_line " $qid: ")" "verify=FAIL rule=modern action=accept"
    # GnuTLS sends no certificate the server's CA list does not name: NO
    send rogue "127.0.0.1:$SM_PORT_MX" 1.3 --to rcpt@example.test --client-cert "$SM_ROGUE_CERT" --client-key "$SM_ROGUE_KEY"
    f=$(delivered "$SM_SINK_MAIN" rogue)
    assert_match '; rule=modern; action=accept$' "$(audit_of "$f")" "no cert rule"
    expect_fields "$(txn_line " $QID: ")" "verify=NO rule=modern"
    t_end
}

# sink_envelope FILE: the envelope recipients the sink got, sorted, one per line
sink_envelope() { header "$1" X-Sink-Envelope-To | sort; }

sm_case_reroute_suffix() {
    local out qid f
    t_begin "reroute by recipient suffix: legacy sink only, original recipients with their NOTIFY/ORCPT, <postmaster> qualified with j"
    out=$(smtp_send --port "$SM_PORT_LEGACY" --tls 1.0 --header "X-E2E-Case: reroute-params" \
        --to one@example.test --rcpt-param 'NOTIFY=SUCCESS,FAILURE' \
        --to two@example.org --rcpt-param 'ORCPT=rfc822;first@example.net NOTIFY=NEVER' \
        --to postmaster)
    printf '%s\n' "$out" > "$E2E_WORK/tx/reroute-params"
    assert_match "${MC_ACCEPTED#^}" "$(printf '%s\n' "$out" | tail -n 1)" "accepted"
    assert_eq 3 "$(printf '%s\n' "$out" | grep -c '^S: 250 2\.1\.5 ')" "three recipients accepted"
    qid=$(printf '%s\n' "$out" | mc_queue_id)
    f=$(delivered "$SM_SINK_LEGACY" reroute-params)
    if [ -z "$f" ]; then t_fail "not in the legacy sink"; else
        assert_eq "<one@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;one@example.test
<postmaster@$SM_HOSTNAME> ORCPT=rfc822;postmaster@$SM_HOSTNAME
<two@example.org> NOTIFY=NEVER ORCPT=rfc822;first@example.net" "$(sink_envelope "$f")" "envelope at the legacy relay"
        assert_eq 1 "$(grep -c '^X-Sink-Envelope-From:' "$f")" "one transaction"
        assert_match '; listener=legacy-in; auth=-; rule=legacy-listener; action=reroute$' "$(audit_of "$f")" "audit header"
    fi
    sleep 1
    assert_eq "" "$(in_sink "$SM_SINK_MAIN" reroute-params)" "not in the main sink"
    assert_eq 1 "$(in_sink "$SM_SINK_LEGACY" reroute-params | wc -l)" "delivered once"
    wait_txn " $qid: " || t_fail "no log line"
    expect_fields "$(txn_line " $qid: ")" "listener=legacy-in tls=TLSv1 action=reroute nrcpt=3 relay=smtp:[127.0.0.1]:$SM_PORT_SINK_LEGACY"
    assert_file_lacks "$MLOG" 'not rerouted'
    sm_assert_log "$qid: to=.*<postmaster@$SM_HOSTNAME\.LEGACY-TLS>.*, mailer=legacy, .*stat=Sent"
    t_end
}

# Another milter, called before milter-tlspolicy (as contrib/sendmail/README asks), refuses one of
# the recipients: milter-tlspolicy never sees that RCPT, so its recipient-suffix rewrite gives the
# refused recipient no copy. (The throwaway macro_milter.c plays the other milter.)
sm_case_reroute_suffix_other_milter() {
    local out qid f mm=$E2E_WORK/macro_milter mport
    t_begin "reroute by recipient suffix after another milter: a recipient it refused gets no copy"
    if ! gcc -O2 -Wall -Wextra -o "$mm" "$HERE/macro_milter.c" -lmilter -lpthread > "$E2E_WORK/logs/mm-build.log" 2>&1; then
        t_fail "cannot build macro_milter"; t_note "$(cat "$E2E_WORK/logs/mm-build.log")"; t_end; return
    fi
    e2e_alloc_port mport
    e2e_bg other-milter "$mm" -p "inet:$mport@127.0.0.1" -x two@example.org
    wait_for "e2e_port_listening $mport" 10 || t_fail "the other milter did not start"
    sm_set_milter "inet:$mport@127.0.0.1 inet:$MPORT@127.0.0.1" || t_fail "sm_set_milter"
    out=$(smtp_send --port "$SM_PORT_LEGACY" --tls 1.0 --header "X-E2E-Case: reroute-other-milter" \
        --to one@example.test --to two@example.org)
    printf '%s\n' "$out" > "$E2E_WORK/tx/reroute-other-milter"
    assert_match "${MC_ACCEPTED#^}" "$(printf '%s\n' "$out" | tail -n 1)" "accepted"
    assert_eq "S: 550 5.1.1 <two@example.org>... refused by macro_milter" \
        "$(printf '%s\n' "$out" | grep '^S: 550 ')" "the other milter refused two@example.org"
    qid=$(printf '%s\n' "$out" | mc_queue_id)
    f=$(delivered "$SM_SINK_LEGACY" reroute-other-milter)
    if [ -z "$f" ]; then t_fail "not in the legacy sink"; else
        assert_eq "<one@example.test> ORCPT=rfc822;one@example.test" "$(sink_envelope "$f")" \
            "only the accepted recipient at the legacy relay"
    fi
    sleep 1
    assert_eq "" "$(in_sink "$SM_SINK_MAIN" reroute-other-milter)" "not in the main sink"
    assert_eq 1 "$(in_sink "$SM_SINK_LEGACY" reroute-other-milter | wc -l)" "delivered once"
    wait_txn " $qid: " || t_fail "no log line"
    expect_fields "$(txn_line " $qid: ")" "listener=legacy-in action=reroute nrcpt=1"
    sm_set_milter "inet:$MPORT@127.0.0.1" || t_fail "sm_set_milter back"
    t_end
}

sm_case_reroute_quarantine() {
    local out qid f
    t_begin "reroute by quarantine: held from normal queue runs, then the legacy runner delivers it to the legacy sink only"
    install_policy main quarantine
    reload HUP
    out=$(smtp_send --port "$SM_PORT_LEGACY" --tls 1.1 --header "X-E2E-Case: reroute-quarantine" \
        --to one@example.test --rcpt-param 'NOTIFY=SUCCESS,FAILURE' \
        --to two@example.org --rcpt-param 'ORCPT=rfc822;first@example.net NOTIFY=NEVER')
    printf '%s\n' "$out" > "$E2E_WORK/tx/reroute-quarantine"
    assert_match "${MC_ACCEPTED#^}" "$(printf '%s\n' "$out" | tail -n 1)" "accepted"
    qid=$(printf '%s\n' "$out" | mc_queue_id)
    wait_for "sm_quarantine_ids | grep -qx '$qid'" 10 || t_fail "$qid not quarantined"
    assert_eq "$SM_QUARANTINE_REASON" "$(sm_quarantine_reason "$qid")" "quarantine reason"
    sm_flush
    sleep 1
    assert_eq "" "$(in_sink "$SM_SINK_MAIN" reroute-quarantine)$(in_sink "$SM_SINK_LEGACY" reroute-quarantine)" \
        "not delivered by a normal queue run"
    sm_legacy_runner start || t_fail "legacy runner did not start"
    f=$(delivered "$SM_SINK_LEGACY" reroute-quarantine 20)
    if [ -z "$f" ]; then t_fail "the legacy runner did not deliver it"; else
        assert_eq "<one@example.test> NOTIFY=SUCCESS,FAILURE
<two@example.org> NOTIFY=NEVER ORCPT=rfc822;first@example.net" "$(sink_envelope "$f")" "envelope at the legacy relay"
        assert_match '; listener=legacy-in; auth=-; rule=legacy-listener; action=reroute$' "$(audit_of "$f")" "audit header"
    fi
    sleep 1
    assert_eq "" "$(in_sink "$SM_SINK_MAIN" reroute-quarantine)" "not in the main sink"
    assert_eq 1 "$(in_sink "$SM_SINK_LEGACY" reroute-quarantine | wc -l)" "delivered once"
    assert_eq "" "$(sm_quarantine_ids | grep -x "$qid")" "left the quarantine"
    expect_fields "$(txn_line " $qid: ")" "listener=legacy-in tls=TLSv1.1 action=reroute nrcpt=2 relay=smtp:[127.0.0.1]:$SM_PORT_SINK_LEGACY"
    # the held message of the matrix has another reason: the runner leaves it alone
    assert_eq "$HOLD_QID" "$(sm_quarantine_ids | grep -x "$HOLD_QID")" "hold-tls11 still held"
    assert_eq "" "$(in_sink "$SM_SINK_LEGACY" hold-tls11)" "hold-tls11 not delivered by the legacy runner"
    sm_legacy_runner stop
    install_policy main
    reload HUP
    t_end
}

# ---------------------------------------------------------------- the run

mc_case_cli

HARNESS_MILTER="inet:$MPORT@127.0.0.1" sm_setup > "$E2E_WORK/sm_setup.log" 2>&1 \
    || { echo "sm_setup failed:"; tail "$E2E_WORK/sm_setup.log"; exit 2; }
MC_IPV6=$SM_IPV6
MC_SINK_LEGACY_PORT=$SM_PORT_SINK_LEGACY
MAIN=$(policy main)

mc_case_explain
milter_start "$MAIN" -P "$E2E_WORK/milter.pid" || exit 2
sm_start > "$E2E_WORK/sm_start.log" 2>&1 || { echo "sm_start failed"; tail "$E2E_WORK/sm_start.log"; exit 2; }
mc_case_startup

mc_cases_actions
HOLD_QID=$(mc_queue_id < "$E2E_WORK/tx/hold-tls11")
mc_case_exact_line
mc_case_openssl
mc_case_forged
mc_case_noehlo
mc_case_nohelo
mc_case_ipv6
sm_case_client_cert
sm_case_reroute_suffix
sm_case_reroute_suffix_other_milter
sm_case_reroute_quarantine

mc_cases_lifecycle
t_summary
