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
. "$HERE/../lib/milter-cases-postfix.sh"

mc_init

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
