# shellcheck shell=bash disable=SC2034  # the MC_* settings are read by milter-cases.sh
# milter-cases-postfix.sh -- Postfix's side of the matrix of tests/e2e/lib/milter-cases.sh (bash; source it)
#
#     . tests/e2e/lib/milter-cases-postfix.sh   # sources postfix-harness.sh and milter-cases.sh
#     mc_init
#     ... pf_setup, MC_SINK_LEGACY_PORT=$PF_PORT_SINK_LEGACY, MC_IPV6=$PF_IPV6, pf_start ...
#
# Sets the MC_* variables and defines the mta_* hooks that milter-cases.sh asks of a suite, as the
# private Postfix of postfix-harness.sh behaves; used by tests/e2e/postfix/test_milter.sh and
# test_daemon_lifecycle.sh.

# shellcheck source=tests/e2e/lib/postfix-harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/postfix-harness.sh"
# shellcheck source=tests/e2e/lib/milter-cases.sh
. "$(dirname "${BASH_SOURCE[0]}")/milter-cases.sh"

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
