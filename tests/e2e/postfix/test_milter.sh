#!/bin/bash
# shellcheck disable=SC2034  # the MC_* settings are read by tests/e2e/lib/milter-cases.sh
# test_milter.sh -- milter-tlspolicy against a real Postfix 3.7 and real TLS clients
#
# Usage (as root, from the build directory, or with MILTER/PROBE set):
#     tests/e2e/postfix/test_milter.sh
# Environment:
#     MILTER          the daemon (default: ./milter/milter-tlspolicy)
#     PROBE           the GnuTLS test client (default: ./contrib/probe/tlspolicy-probe)
#     MILTER_WRAPPER  a command put in front of the daemon, e.g.
#                     "valgrind --leak-check=full --error-exitcode=99 --log-file=/tmp/vg.%p"
#     KEEP_WORK=1     keep the work directory
#
# A private Postfix (tests/e2e/lib/postfix-harness.sh) with three listeners (mx-in,
# submission-in with SASL, legacy-in) and two sinks; the daemon runs with -f -L FILE on a
# loopback port. The cases are those of tests/e2e/lib/milter-cases.sh, which the Sendmail suite
# runs too: tlspolicy-probe (GnuTLS) and openssl s_client (smtp_send) send mail with TLS
# 1.0/1.1/1.2/1.3 and plaintext, with and without AUTH, from 127.0.0.1, 127.0.0.77..81 and ::1.
# Each case checks what the client saw (exact reply lines), what was delivered where (audit
# header fields, reroute to the legacy sink only, hold queue), and the transaction's log line.
# Then: forged headers, STARTTLS without a new EHLO, recipient rules, reloads (SIGHUP, SIGUSR1,
# an invalid file, a storm of signals under load), log reopening, SIGKILL (nothing lost),
# SIGTERM, daemon mode with a pid file, and a unix socket with dropped privileges.
# What is Postfix's own here: reroute by the X-TLS-Policy-Reroute header (milter_header_checks
# FILTER), hold = the hold queue, "unknown" as the client name (smtpd_peername_lookup = no), no
# {verify}, NOQUEUE for refusals at MAIL, 451 4.7.1 while the milter is down.
# Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/postfix-harness.sh"
. "$HERE/../lib/milter-cases.sh"

mc_init

# ---------------------------------------------------------------- Postfix's side of the matrix

MC_MTA=postfix
MC_ACCEPTED='^accepted 250 2\.0\.0 Ok: queued as [0-9A-Za-z]+$'
MC_LOCALNAME=unknown
MC_VERIFY_TLS=-
MC_REFUSED_QID='^NOQUEUE: '
MC_DOWN_DATA='^451 4\.7\.1 '
MC_DOWN_MAIL='^deferred 451 4\.7\.1 '
MC_DOWN_TLS='^(deferred 45[14] |failed )'
MC_SOCK_OWNER=nobody:postfix

mta_port() {
    case $1 in mx) echo "$PF_PORT_MX" ;; submission) echo "$PF_PORT_SUBMISSION" ;; legacy) echo "$PF_PORT_LEGACY" ;; esac
}
mta_sink() { case $1 in main) echo "$PF_SINK_MAIN" ;; legacy) echo "$PF_SINK_LEGACY" ;; esac; }
mta_sink_grep() { pf_sink_grep "$@"; }
mta_wait_sink_grep() { pf_wait_sink_grep "$@"; }
mta_envelope_to() { echo "<$1> ORCPT=rfc822;$1"; }
mta_reply() { echo "$2"; }     # Postfix sends the milter's reply as it is
mta_wait_queue_empty() { pf_wait_queue_empty "$@"; }

mta_set_milter() {
    case $1 in
    inet) pf_set_milter "inet:127.0.0.1:$2" ;;
    unix) pf_set_milter "unix:$2" ;;
    esac
}

# Rerouted: the reroute header, which milter_header_checks turned into FILTER, original recipient.
mta_check_rerouted() {
    assert_eq "smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY" "$(header "$1" X-TLS-Policy-Reroute)" "reroute header"
    assert_log "milter-header-filter: header X-TLS-Policy-Reroute: smtp:\[127.0.0.1\]:$PF_PORT_SINK_LEGACY"
    assert_eq "$(mta_envelope_to rcpt@example.test)" "$(header "$1" X-Sink-Envelope-To)" "original recipient"
}

# Held: in the hold queue, delivered nowhere, not even by a queue flush. (Postfix does not keep the
# milter's reason: cleanup logs "milter triggers HOLD action".)
mta_check_held() {
    wait_for "pf_hold_queue_ids | grep -qx '$1'" 10 || t_fail "$1 not in the hold queue"
    assert_log "$1: milter-hold: END-OF-MESSAGE from [^ ]*: milter triggers HOLD action;"
    pf_flush
    sleep 1
    assert_eq "" "$(in_sink "$PF_SINK_MAIN" "$2")$(in_sink "$PF_SINK_LEGACY" "$2")" "held, not delivered"
    pf_hold_queue_ids | grep -qx "$1" || t_fail "$1 left the hold queue"
}

# ---------------------------------------------------------------- the run

mc_case_cli

PF_MAIN_EXTRA="smtpd_peername_lookup = no" HARNESS_MILTER="inet:127.0.0.1:$MPORT" pf_setup \
    || { echo "pf_setup failed"; exit 2; }
MC_IPV6=$PF_IPV6
MC_SINK_LEGACY_PORT=$PF_PORT_SINK_LEGACY
MAIN=$(policy main)

mc_case_explain
milter_start "$MAIN" -P "$E2E_WORK/milter.pid" || exit 2
pf_start || { echo "pf_start failed"; exit 2; }
mc_case_startup

mc_cases_actions
mc_case_exact_line
mc_case_openssl
mc_case_forged
mc_case_noehlo
mc_case_nohelo
mc_case_ipv6

mc_cases_lifecycle
t_summary
