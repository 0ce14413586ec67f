#!/bin/bash
# test_harness.sh -- proves the private-Postfix e2e harness works, without any milter.
#
# Usage (as root):  tests/e2e/postfix/test_harness.sh
#   env: E2E_PORT_BASE (default 23000; use different bases for parallel runs, though port reservations make
#        clashes impossible anyway), KEEP_WORK=1 (keep the temp dir with maillog, sinks and config).
# Checks: plaintext mail through each listener (mx, submission, legacy) reaches the main sink with the right
# envelope; TLS 1.0/1.1/1.2/1.3 sessions are accepted and Postfix's Received header names the version; client
# certificates (CA-signed and rogue) are seen; SASL AUTH PLAIN (alice, bob) over TLS on submission gets 235,
# is refused without TLS and with a wrong password; STARTTLS without a new EHLO is accepted; the sink keeps
# RCPT parameters and dot-unstuffs; pf_set_milter + reload (a dead milter -> 451); hold queue and deferred
# retry helpers; only loopback ports are open; nothing under /etc/postfix is read (strace -f).
# Prints "N passed, N failed" last; exit 1 on any failure.
# The FILTER reroute to the legacy sink needs a milter and is tested by the milter suites.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/postfix-harness.sh
. "$HERE/../lib/postfix-harness.sh"

[ "$(id -u)" = 0 ] || { echo "must run as root"; echo "0 passed, 1 failed"; exit 1; }
T_START=${EPOCHREALTIME/./}
e2e_init
HARNESS_MILTER=

# send MSGID-tagged mail; on failure show the transcript.  Sets OUT, RC.
send() {
    OUT=$(smtp_send "$@" 2>&1)
    RC=$?
}
show() { t_note "$OUT"; }

# ------------------------------------------------------------------ setup
t_begin "pf_setup + pf_start (private instance, sinks)"
if pf_setup && pf_start; then
    assert_file_contains "$PF_LOG" 'daemon started -- version 3\.' &&
    assert_match '^/' "$PF_DIR" "PF_DIR" &&
    t_end
else
    t_fail "harness did not start"; t_summary; exit 1
fi

t_begin "no milter configured when HARNESS_MILTER is empty"
assert_eq "" "$(pf_postconf -P 2>/dev/null | grep smtpd_milters)" "smtpd_milters overrides" &&
assert_eq "smtpd_milters =" "$(pf_postconf smtpd_milters)" && t_end

t_begin "the instance listens only on its loopback ports"
mpid=$(_pf_master_pid)
listen=$(ss -Hltnp 2>/dev/null | grep "pid=$mpid," | awk '{print $4}' | sort -u)
ok=1
for a in $listen; do
    case $a in
    "127.0.0.1:$PF_PORT_MX"|"127.0.0.1:$PF_PORT_SUBMISSION"|"127.0.0.1:$PF_PORT_LEGACY") ;;
    "[::1]:$PF_PORT_MX"|"[::1]:$PF_PORT_SUBMISSION"|"[::1]:$PF_PORT_LEGACY") ;;
    *) ok=0; t_fail "unexpected listener $a" ;;
    esac
done
[ -n "$listen" ] || t_fail "no listeners found for master pid $mpid"
[ $ok = 1 ] && t_end

# ------------------------------------------------------------------ plaintext, each listener
for l in mx submission legacy; do
    t_begin "plaintext via $l reaches the main sink with the envelope"
    port_var=PF_PORT_${l^^}
    send --port "${!port_var}" --tls none --from "plain-$l@client.test.invalid" --to "rcpt-plain-$l@example.test"
    if assert_eq 0 "$RC" "smtp_send exit code"; then
        f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-plain-$l@example.test>" 10)
        if [ -n "$f" ]; then
            assert_file_contains "$f" "^X-Sink-Envelope-From: <plain-$l@client.test.invalid>" &&
            assert_file_contains "$f" "^X-Sink-Port: $PF_PORT_SINK_MAIN\$" &&
            assert_file_contains "$f" "by mx\.test\.invalid \(Postfix\) with ESMTP id" &&
            assert_file_lacks "$f" "using TLS" &&
            assert_log "$PF_NAME/$l/smtpd\[[0-9]+\]: connect from" &&
            t_end
        else
            t_fail "message not in $PF_SINK_MAIN"
        fi
    else
        show
    fi
done

# ------------------------------------------------------------------ TLS versions
for v in 1.0 1.1 1.2 1.3; do
    t_begin "TLS $v session accepted; Received names the version"
    case $v in 1.0) name=TLSv1 ;; *) name=TLSv$v ;; esac
    send --port "$PF_PORT_MX" --tls "$v" --to "rcpt-tls$v@example.test"
    if assert_eq 0 "$RC" "smtp_send exit code"; then
        f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-tls$v@example.test>" 10)
        if [ -n "$f" ]; then
            assert_file_contains "$f" "\(using ${name//./\\.} with cipher [A-Z0-9_-]+ \([0-9]+/[0-9]+ bits\)" &&
            assert_file_contains "$f" "with ESMTPS id" && t_end
        else
            t_fail "message not in $PF_SINK_MAIN"
        fi
    else
        show
    fi
done

# ------------------------------------------------------------------ client certificates
t_begin "CA-signed client certificate is verified"
send --port "$PF_PORT_MX" --tls 1.2 --cert "$PF_CLIENT_CERT" --key "$PF_CLIENT_KEY" --to rcpt-ccert@example.test
if assert_eq 0 "$RC" "exit code"; then
    f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-ccert@example.test>" 10)
    assert_file_contains "$f" 'Client CN "client\.test\.invalid", Issuer "Test CA" \(verified OK\)' && t_end
else show; fi

t_begin "rogue (self-signed) client certificate is seen but not verified"
send --port "$PF_PORT_MX" --tls 1.0 --cert "$PF_ROGUE_CERT" --key "$PF_ROGUE_KEY" --to rcpt-rogue@example.test
if assert_eq 0 "$RC" "exit code"; then
    f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-rogue@example.test>" 10)
    assert_file_contains "$f" 'Client CN "client\.test\.invalid", Issuer "client\.test\.invalid" \(not verified\)' &&
    t_end
else show; fi

# ------------------------------------------------------------------ SASL
t_begin "SASL AUTH PLAIN alice over TLS on submission -> 235"
send --port "$PF_PORT_SUBMISSION" --tls 1.2 --auth alice:secret123 --to rcpt-sasl-alice@example.test
if assert_eq 0 "$RC" "exit code" && assert_match 'S: 235 2\.7\.0' "$OUT" "transcript"; then
    f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-sasl-alice@example.test>" 10)
    assert_file_contains "$f" "with ESMTPSA id" &&
    assert_log "$PF_NAME/submission/smtpd.*sasl_method=PLAIN, sasl_username=alice\$" && t_end
else show; fi

t_begin "SASL AUTH PLAIN bob over TLS 1.0 -> 235"
send --port "$PF_PORT_SUBMISSION" --tls 1.0 --auth bob:secret456 --to rcpt-sasl-bob@example.test
assert_eq 0 "$RC" "exit code" && assert_match 'S: 235 ' "$OUT" && t_end || show

t_begin "SASL wrong password -> 535; no AUTH before STARTTLS (smtpd_tls_auth_only)"
send --port "$PF_PORT_SUBMISSION" --tls 1.3 --auth alice:wrong --to x@example.test
assert_eq 5 "$RC" "exit code" && assert_match 'S: 535 ' "$OUT" || show
send --port "$PF_PORT_SUBMISSION" --tls none --auth alice:secret123 --to x@example.test
assert_eq 5 "$RC" "exit code (plaintext AUTH)" && assert_no_match 'AUTH' "$(grep '^S: 250-' <<< "$OUT")" \
    "plaintext EHLO reply" && t_end || show

t_begin "mx listener does not offer AUTH"
send --port "$PF_PORT_MX" --tls 1.2 --auth alice:secret123 --to x@example.test
assert_eq 5 "$RC" && assert_match 'S: 503 5\.5\.1 Error: authentication not enabled' "$OUT" && t_end || show

# ------------------------------------------------------------------ no EHLO after STARTTLS
t_begin "MAIL right after STARTTLS (no new EHLO) is accepted (smtpd_helo_required=no)"
send --port "$PF_PORT_MX" --tls 1.0 --ehlo-after-tls no --to rcpt-noehlo@example.test
if assert_eq 0 "$RC" "exit code" && assert_no_match 'C: EHLO' "$OUT" "transcript"; then
    f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-noehlo@example.test>" 10)
    assert_file_contains "$f" "using TLSv1 with cipher" && t_end
else show; fi

# ------------------------------------------------------------------ sink details
t_begin "sink: several recipients, RCPT parameters kept, dot-unstuffing"
send --port "$PF_PORT_LEGACY" --tls 1.3 --to rcpt-multi1@example.test --rcpt-param 'NOTIFY=NEVER' \
     --to rcpt-multi2@example.test --rcpt-param 'ORCPT=rfc822;orig@example.test' \
     --header 'X-E2E: multi' --body $'.leading dot\n..two dots\nend'
if assert_eq 0 "$RC" "exit code"; then
    pf_wait_sink "$PF_SINK_MAIN" 1 5
    wait_for "[ \$(pf_sink_grep '$PF_SINK_MAIN' '^X-E2E: multi' | wc -l) -ge 1 ]" 10
    f=$(pf_sink_grep "$PF_SINK_MAIN" '^X-E2E: multi' | head -1)
    # Postfix delivers both recipients in one transaction to the same relay
    # (Postfix adds an ORCPT of its own where the client gave none)
    assert_file_contains "$f" '^X-Sink-Envelope-To: <rcpt-multi1@example.test> .*NOTIFY=NEVER' &&
    assert_file_contains "$f" '^X-Sink-Envelope-To: <rcpt-multi2@example.test> ORCPT=rfc822;orig@example.test$' &&
    assert_file_contains "$f" '^\.leading dot$' && assert_file_contains "$f" '^\.\.two dots$' &&
    assert_eq "" "$(compgen -G "$PF_SINK_MAIN/.tmp*")" "left-over temp files" && t_end
else show; fi

# ------------------------------------------------------------------ IPv6 loopback
if [ "$PF_IPV6" = 1 ]; then
    t_begin "[::1] listener"
    send --host ::1 --port "$PF_PORT_MX" --tls 1.2 --to rcpt-v6@example.test
    if assert_eq 0 "$RC" "exit code"; then
        f=$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-v6@example.test>" 10)
        assert_file_contains "$f" '\[IPv6:::1\]' && t_end
    else show; fi
else
    t_skip "[::1] listener" "no ::1 on lo"
fi

# ------------------------------------------------------------------ pf_set_milter / reload
t_begin "pf_set_milter: unreachable milter -> 451 (milter_default_action=tempfail); '' restores"
e2e_alloc_port dead_port
pf_set_milter "inet:127.0.0.1:$dead_port"
send --port "$PF_PORT_LEGACY" --tls none --to rcpt-deadmilter@example.test
assert_eq 4 "$RC" "exit code with dead milter" && assert_match '451 4\.7\.1' "$OUT" || show
assert_log "connect to Milter service inet:127\.0\.0\.1:$dead_port: Connection refused"
pf_set_milter ""
send --port "$PF_PORT_LEGACY" --tls none --to rcpt-aftermilter@example.test
assert_eq 0 "$RC" "exit code after pf_set_milter ''" && t_end || show

# ------------------------------------------------------------------ hold queue
t_begin "pf_hold_queue_ids / pf_release_hold"
pf_conf 'smtpd_recipient_restrictions = check_recipient_access inline:{ rcpt-hold@example.test=HOLD }, permit'
pf_reload
send --port "$PF_PORT_MX" --tls none --to rcpt-hold@example.test
qid=$(smtp_queue_id "$OUT")
if assert_eq 0 "$RC" "exit code" && assert_match '^[0-9A-F]+$' "$qid" "queue id"; then
    wait_for "pf_hold_queue_ids | grep -qx '$qid'" 5
    assert_eq "$qid" "$(pf_hold_queue_ids)" "held queue ids" &&
    pf_release_hold "$qid" &&
    [ -n "$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-hold@example.test>" 10)" ] && t_end ||
    t_fail "released message not delivered"
else show; fi
pf_conf 'smtpd_recipient_restrictions =' && pf_reload

# ------------------------------------------------------------------ deferred + retry
t_begin "sink down -> deferred; sink back + pf_flush -> delivered; pf_wait_queue_empty"
pf_sink_stop main
send --port "$PF_PORT_MX" --tls 1.1 --to rcpt-retry@example.test
qid=$(smtp_queue_id "$OUT")
if assert_eq 0 "$RC" "exit code"; then
    pf_log_wait "$qid: to=<rcpt-retry@example.test>.*status=deferred" 10 || t_fail "not deferred"
    pf_sink_start main
    pf_flush
    [ -n "$(pf_wait_sink_grep "$PF_SINK_MAIN" "^X-Sink-Envelope-To: <rcpt-retry@example.test>" 10)" ] ||
        t_fail "not delivered after retry"
    pf_wait_queue_empty 10 || t_fail "queue not empty: $(pf_queue_ids | tr '\n' ' ')"
    t_end
else show; pf_sink_start main; fi

t_skip "reroute via milter_header_checks FILTER to the legacy sink" "needs a milter (tested by the milter suites)"

# ------------------------------------------------------------------ no stray mail
t_begin "nothing reached the legacy sink; no Postfix errors in the maillog"
assert_eq 0 "$(pf_sink_count "$PF_SINK_LEGACY")" "legacy sink count" &&
assert_file_lacks "$PF_LOG" '(fatal|panic|error):' && t_end

t_begin "pf_stop stops postfix and the sinks"
mpid=$(_pf_master_pid)
pf_stop
if e2e_pid_alive "$mpid"; then t_fail "master $mpid still running"; fi
for p in "$PF_PORT_MX" "$PF_PORT_SINK_MAIN" "$PF_PORT_SINK_LEGACY"; do
    e2e_port_listening "$p" && t_fail "port $p still listening"
done
t_end

# ------------------------------------------------------------------ independence from /etc/postfix
# A second instance set up, started, used (one TLS mail: smtpd, cleanup, qmgr, smtp), reloaded and stopped
# under strace -f: no file under /etc/postfix is opened or even looked at, except /etc/postfix/main.cf, which
# the package's postfix-script tests for (and would ask for multi_instance_directories); the master.cf
# template read is PF_TEMPLATE_MASTER_CF, the package's pristine /usr/share/postfix/master.cf.dist.
t_begin "nothing under /etc/postfix is read (strace -f of setup, start, mail, reload, stop)"
if command -v strace >/dev/null; then
    st_dir=$E2E_WORK/strace-instance
    st_out=$E2E_WORK/strace.txt
    # shellcheck disable=SC2016  # expanded by the inner bash
    strace -f -qq -e trace=%file,execve -o "$st_out" bash -c '
        . "$1/../lib/postfix-harness.sh"
        pf_setup "$2" >/dev/null && pf_start || exit 1
        smtp_send --port "$PF_PORT_MX" --tls 1.2 --to rcpt-strace@example.test | tail -n 1
        pf_wait_sink "$PF_SINK_MAIN" 1 10 || echo "not delivered"
        pf_reload || echo "reload failed"
        pf_stop' strace-instance "$HERE" "$st_dir" > "$E2E_WORK/strace-run.out" 2>&1
    st_rc=$?
    assert_eq 0 "$st_rc" "instance under strace (exit code)" &&
    assert_eq "accepted 250" "$(grep -o '^accepted 250' "$E2E_WORK/strace-run.out")" "mail through it" || {
        t_note "$(cat "$E2E_WORK/strace-run.out")"
    }
    grep -q 'not delivered\|reload failed' "$E2E_WORK/strace-run.out" && t_fail "$(cat "$E2E_WORK/strace-run.out")"
    etc=$(grep -o '"/etc/postfix[^"]*"' "$st_out" | tr -d '"' | sort -u | grep -vx '/etc/postfix/main.cf')
    assert_eq "" "$etc" "paths under /etc/postfix touched"
    grep -q 'openat(AT_FDCWD, "/usr/share/postfix/master.cf.dist"' "$st_out" ||
        t_fail "the master.cf template /usr/share/postfix/master.cf.dist was not read"
    assert_file_contains "$st_dir/etc/main.cf" "^meta_directory = $st_dir/meta\$"
    assert_file_contains "$st_dir/meta/dynamicmaps.cf" '^pcre[[:space:]]'
    t_end
else
    t_fail "strace is not installed (tests/install-deps.sh installs it)"
fi

echo "runtime: $(( (${EPOCHREALTIME/./} - T_START) / 1000 )) ms"
t_summary
