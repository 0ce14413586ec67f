#!/bin/bash
# test_sendmail_harness.sh -- proves the private-Sendmail e2e harness works, without milter-tlspolicy.
#
# Usage (as root):  tests/e2e/sendmail/test_sendmail_harness.sh [PATH-TO-tlspolicy-probe]
#   The probe (optional: the TLS matrix is then also run with GnuTLS): the argument, else $PROBE, else
#   contrib/probe/tlspolicy-probe in the source tree, else tlspolicy-probe on $PATH.
#   env: E2E_PORT_BASE, KEEP_WORK=1 (keep the temp dir with the Sendmail log, sinks and config), SM_DEB_CACHE.
# Checks, against Debian 12's real Sendmail 8.17 run by tests/e2e/lib/sendmail-harness.sh:
#   plaintext through each listener (mx-in, submission-in, legacy-in) reaches the main sink; TLS 1.0/1.1/1.2/
#   1.3 sessions are accepted and Sendmail's Received header names the version (OpenSSL client, and the
#   GnuTLS probe when found); client certificates: CA-signed -> verify=OK, self-signed -> verify=FAIL in
#   Sendmail's log; AUTH PLAIN alice/bob over TLS on submission (235), wrong password 535, no AUTH in
#   plaintext or on mx; MAIL right after STARTTLS (no second EHLO); source 127.0.0.77; [::1] listeners; the
#   marker route user@example.com.LEGACY-TLS -> legacy sink as user@example.com with ORCPT (-bt and SMTP).
# With a throwaway C milter (macro_milter.c, built here): the macros Sendmail sends at each stage with the
#   snippet's confMILTER_MACROS_* lines (v, j, i, {daemon_name}, {client_addr} for IPv4/IPv6, xtext
#   {cert_subject}, {verify}, {auth_authen}; TLS macros at MAIL without a second EHLO), with empty .cf lists
#   plus smfi_setsymlist, and with neither; the recipient-suffix reroute (delrcpt + addrcpt_par) and the
#   quarantine + legacy runner deliver to the legacy sink only, with the original recipients; quarantine
#   with another reason stays held and sm_release_quarantine sends it to the main sink; what a client sees
#   for a milter's 421/451/550 at MAIL, RCPT and end of message (421 ends the session); a dead milter
#   (F=T) -> 454 to STARTTLS and 451 in plaintext; a unix-socket milter from inside the namespace;
#   sm_set_milter restarts take effect at once; sink down -> deferred, sm_flush delivers.
#   Finally: only loopback listeners, no SYSERR in the log, sm_stop leaves no process, and the host's
#   hostname, /etc/hosts and /usr/lib/sasl2 are unchanged.
# Prints setup/start/restart times, then "N passed, N failed" last; exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/sendmail-harness.sh
. "$HERE/../lib/sendmail-harness.sh"

[ "$(id -u)" = 0 ] || { echo "must run as root"; echo "0 passed, 1 failed"; exit 1; }
T_START=${EPOCHREALTIME/./}
PROBE=${1:-${PROBE:-}}
if [ -z "$PROBE" ] && [ -x "$HERE/../../../contrib/probe/tlspolicy-probe" ]; then
    PROBE=$HERE/../../../contrib/probe/tlspolicy-probe
fi
[ -n "$PROBE" ] || PROBE=$(command -v tlspolicy-probe 2>/dev/null)
e2e_init
HARNESS_MILTER=
host_state() { { hostname; cat /etc/hosts; ls -la /usr/lib/sasl2; cat /usr/lib/sasl2/* 2>/dev/null; } | md5sum; }
HOST_BEFORE=$(host_state)

# send ARGS...: smtp_send; sets OUT, RC
send() {
    OUT=$(smtp_send "$@" 2>&1)
    RC=$?
}
# probe_send ARGS...: the GnuTLS probe; sets OUT, RC, LAST
probe_send() {
    OUT=$("$PROBE" send "$@" 2>&1)
    RC=$?
    LAST=$(printf '%s\n' "$OUT" | tail -n 1)
}
show() { t_note "$OUT"; }
# delivered DIR RCPT: the .eml in DIR for the envelope recipient RCPT (waits up to 20 s)
delivered() { sm_wait_sink_grep "$1" "^X-Sink-Envelope-To: <$2>" 20 | head -n 1; }
# received FILE: Sendmail's Received header, unfolded
received() { awk '/^Received:/{r=1; printf "%s", $0; next} r&&/^[ \t]/{printf "%s", $0; next} r{exit}' "$1"; }

# ------------------------------------------------------------------ setup
t_begin "sm_setup + sm_start (unpacked Sendmail, namespace, sinks)"
if sm_setup && sm_start; then
    echo "       setup $SM_SETUP_MS ms, start $SM_START_MS ms (Sendmail $SM_VERSION, debs from $SM_DEB_CACHE)"
    assert_match '^8\.17\.' "$SM_VERSION" "SM_VERSION" &&
    sm_assert_log 'starting daemon \(8\.17\.[0-9.]+\): SMTP\+queueing@00:01:00' &&
    assert_file_lacks "$SM_LOG" 'unqualified host name' && t_end
else
    t_fail "harness did not start"; t_summary; exit 1
fi

t_begin "the daemon listens only on its loopback ports (127.0.0.1 and [::1])"
dpid=$(_sm_daemon_pid)
listen=$(ss -Hltnp 2>/dev/null | grep "pid=$dpid," | awk '{print $4}' | sort -u)
ok=1
for a in $listen; do
    case $a in
    127.0.0.1:$SM_PORT_MX|127.0.0.1:$SM_PORT_SUBMISSION|127.0.0.1:$SM_PORT_LEGACY) ;;
    "[::1]:$SM_PORT_MX"|"[::1]:$SM_PORT_SUBMISSION"|"[::1]:$SM_PORT_LEGACY") ;;
    *) ok=0; t_fail "unexpected listener $a" ;;
    esac
done
[ "$(echo "$listen" | wc -w)" -eq $((3 + 3 * SM_IPV6)) ] || t_fail "listeners: $listen"
[ $ok = 1 ] && t_end

t_begin "the instance's sendmail runs in its own UTS namespace as $SM_HOSTNAME"
assert_eq "$SM_HOSTNAME" "$(sm_ns hostname)" "hostname inside" &&
assert_match "^127\.0\.0\.1	$SM_HOSTNAME" "$(sm_ns grep "$SM_HOSTNAME" /etc/hosts)" "/etc/hosts inside" &&
{ [ "$(readlink "/proc/$dpid/ns/uts")" != "$(readlink /proc/$$/ns/uts)" ] || t_fail "same UTS namespace"; } && t_end

# ------------------------------------------------------------------ plaintext, each listener
for l in mx submission legacy; do
    t_begin "plaintext via $l-in reaches the main sink with the envelope"
    port_var=SM_PORT_${l^^}
    send --port "${!port_var}" --tls none --from "plain-$l@client.test.invalid" --to "rcpt-plain-$l@example.test"
    if assert_eq 0 "$RC" "exit code" && assert_match 'accepted 250 2\.0\.0 [0-9A-Za-z]{14} Message accepted' \
        "$(tail -n 1 <<< "$OUT")"; then
        f=$(delivered "$SM_SINK_MAIN" "rcpt-plain-$l@example.test")
        if [ -n "$f" ]; then
            qid=$(sm_queue_id "$OUT")
            assert_file_contains "$f" "^X-Sink-Envelope-From: <plain-$l@client.test.invalid>" &&
            assert_file_contains "$f" "^X-Sink-Port: $SM_PORT_SINK_MAIN\$" &&
            assert_match "by $SM_HOSTNAME \(8\.17\.[0-9.]+/8\.17\.[0-9.]+\) with ESMTP id $qid" "$(received "$f")" \
                "Received" &&
            sm_assert_log "$qid: from=<plain-$l@client.test.invalid>.* proto=ESMTP, daemon=$l-in, relay=localhost \[127\.0\.0\.1\]" &&
            sm_assert_log "$qid: to=<rcpt-plain-$l@example.test>.* mailer=relay, .*relay=\[127\.0\.0\.1\].* stat=Sent" &&
            t_end
        else
            t_fail "message not in $SM_SINK_MAIN"
        fi
    else
        show
    fi
done

# ------------------------------------------------------------------ TLS versions
for v in 1.0 1.1 1.2 1.3; do
    case $v in 1.0) name=TLSv1 ;; *) name=TLSv$v ;; esac
    t_begin "TLS $v (OpenSSL client): accepted; Received names $name"
    send --port "$SM_PORT" --tls "$v" --to "rcpt-tls$v@example.test"
    if assert_eq 0 "$RC" "exit code"; then
        f=$(delivered "$SM_SINK_MAIN" "rcpt-tls$v@example.test")
        [ -n "$f" ] && assert_match "with ESMTPS id [0-9A-Za-z]+.*\(version=${name//./\\.} cipher=[A-Z0-9_-]+ bits=[0-9]+ verify=NO\)" \
            "$(received "$f")" "Received" &&
        sm_assert_log "STARTTLS=server, relay=localhost \[127\.0\.0\.1\], version=${name//./\\.}, verify=NO" && t_end
    else show; fi
    if [ -n "$PROBE" ]; then
        t_begin "TLS $v (GnuTLS tlspolicy-probe): accepted; Received names $name and the probe's cipher"
        probe_send "127.0.0.1:$SM_PORT" --tls "$v" --to "rcpt-probe$v@example.test"
        if assert_eq 0 "$RC" "probe exit code"; then
            cipher=$(sed -n 's/^\*\* TLS [^ ]* with cipher \([^ ]*\).*/\1/p' <<< "$OUT" | head -n 1)
            f=$(delivered "$SM_SINK_MAIN" "rcpt-probe$v@example.test")
            [ -n "$f" ] && assert_match "\(version=${name//./\\.} cipher=${cipher:-X} bits=" "$(received "$f")" \
                "Received (probe cipher '$cipher')" && t_end
        else show; fi
    fi
done
[ -n "$PROBE" ] || t_skip "TLS matrix with tlspolicy-probe" "probe not built (pass its path)"

# ------------------------------------------------------------------ client certificates
t_begin "CA-signed client certificate -> verify=OK (log and Received)"
send --port "$SM_PORT" --tls 1.2 --cert "$SM_CLIENT_CERT" --key "$SM_CLIENT_KEY" --to rcpt-ccert@example.test
if assert_eq 0 "$RC" "exit code"; then
    f=$(delivered "$SM_SINK_MAIN" rcpt-ccert@example.test)
    [ -n "$f" ] && assert_match 'verify=OK\)' "$(received "$f")" "Received" &&
    sm_assert_log 'STARTTLS=server, relay=localhost \[127\.0\.0\.1\], version=TLSv1\.2, verify=OK' &&
    sm_assert_log 'cert-subject=/C=DE/O=Test\+20Client\+20Org/CN=client\.test\.invalid, cert-issuer=/O=milter-tlspolicy\+20tests/CN=Test\+20CA, verifymsg=ok' &&
    t_end
else show; fi

t_begin "self-signed (rogue) client certificate over TLS 1.0 -> verify=FAIL"
send --port "$SM_PORT" --tls 1.0 --cert "$SM_ROGUE_CERT" --key "$SM_ROGUE_KEY" --to rcpt-rogue@example.test
if assert_eq 0 "$RC" "exit code"; then
    f=$(delivered "$SM_SINK_MAIN" rcpt-rogue@example.test)
    [ -n "$f" ] && assert_match 'version=TLSv1 .*verify=FAIL\)' "$(received "$f")" "Received" &&
    sm_assert_log 'version=TLSv1, verify=FAIL' && sm_assert_log 'verifymsg=self-signed certificate' && t_end
else show; fi

if [ -n "$PROBE" ]; then
    t_begin "probe --client-cert (CA-signed) over TLS 1.3 -> verify=OK"
    probe_send "127.0.0.1:$SM_PORT" --tls 1.3 --client-cert "$SM_CLIENT_CERT" --client-key "$SM_CLIENT_KEY" \
        --to rcpt-probe-ccert@example.test
    f=$(delivered "$SM_SINK_MAIN" rcpt-probe-ccert@example.test)
    assert_eq 0 "$RC" "probe exit code" && [ -n "$f" ] &&
    assert_match 'version=TLSv1\.3 .*verify=OK\)' "$(received "$f")" "Received" && t_end || show
fi

# ------------------------------------------------------------------ SASL
t_begin "AUTH PLAIN alice over TLS on submission-in -> 235, ESMTPSA, authid=alice"
send --port "$SM_PORT_SUBMISSION" --tls 1.2 --auth alice:secret123 --to rcpt-sasl-alice@example.test
if assert_eq 0 "$RC" "exit code" && assert_match 'S: 235 2\.0\.0 OK Authenticated' "$OUT" "transcript"; then
    f=$(delivered "$SM_SINK_MAIN" rcpt-sasl-alice@example.test)
    [ -n "$f" ] && assert_match 'with ESMTPSA id' "$(received "$f")" "Received" &&
    sm_assert_log 'AUTH=server, relay=localhost \[127\.0\.0\.1\], authid=alice, mech=PLAIN' && t_end
else show; fi

t_begin "AUTH PLAIN bob over TLS 1.0 -> 235; wrong password -> 535"
send --port "$SM_PORT_SUBMISSION" --tls 1.0 --auth bob:secret456 --to rcpt-sasl-bob@example.test
assert_eq 0 "$RC" "exit code" && assert_match 'S: 235 ' "$OUT" || show
send --port "$SM_PORT_SUBMISSION" --tls 1.3 --auth alice:wrong --to x@example.test
assert_eq 5 "$RC" "exit code (wrong password)" && assert_match 'S: 535 5\.7\.0 authentication failed' "$OUT" && t_end || show

t_begin "no AUTH in plaintext (AuthOptions p) nor on mx-in (M=A)"
send --port "$SM_PORT_SUBMISSION" --tls none --auth alice:secret123 --to x@example.test
assert_eq 5 "$RC" "exit code (plaintext)" && assert_match 'S: 503 5\.3\.3 AUTH not available' "$OUT" || show
send --port "$SM_PORT_MX" --tls 1.2 --auth alice:secret123 --to x@example.test
assert_eq 5 "$RC" "exit code (mx-in)" && assert_match 'S: 503 5\.3\.3 AUTH not available' "$OUT" && t_end || show

if [ -n "$PROBE" ]; then
    t_begin "probe --auth alice over TLS 1.1 on submission-in"
    probe_send "127.0.0.1:$SM_PORT_SUBMISSION" --tls 1.1 --auth alice:secret123 --to rcpt-probe-auth@example.test
    assert_eq 0 "$RC" "probe exit code" && assert_match '<~ 235 2\.0\.0 OK Authenticated' "$OUT" && t_end || show
fi

# ------------------------------------------------------------------ no EHLO after STARTTLS, source, IPv6
t_begin "MAIL right after STARTTLS (no second EHLO) is accepted"
send --port "$SM_PORT" --tls 1.0 --ehlo-after-tls no --to rcpt-noehlo@example.test
if assert_eq 0 "$RC" "exit code" && assert_no_match 'C: EHLO' "$OUT" "transcript"; then
    f=$(delivered "$SM_SINK_MAIN" rcpt-noehlo@example.test)
    [ -n "$f" ] && assert_match 'version=TLSv1 ' "$(received "$f")" "Received" && t_end
else show; fi

if [ -n "$PROBE" ]; then
    t_begin "probe --source 127.0.0.77: client without a name ([127.0.0.77]) may relay"
    probe_send "127.0.0.1:$SM_PORT" --tls 1.2 --source 127.0.0.77 --to rcpt-source@example.test
    f=$(delivered "$SM_SINK_MAIN" rcpt-source@example.test)
    assert_eq 0 "$RC" "probe exit code" && [ -n "$f" ] &&
    assert_match '^Received: from [^ ]+ \(\[127\.0\.0\.77\]\)' "$(received "$f")" "Received" && t_end || show
else
    t_skip "source address 127.0.0.77" "needs tlspolicy-probe --source"
fi

if [ "$SM_IPV6" = 1 ]; then
    t_begin "[::1] listener (Sendmail writes the address as IPv6:0:0:0:0:0:0:0:1)"
    send --host ::1 --port "$SM_PORT" --tls 1.3 --to rcpt-v6@example.test
    if assert_eq 0 "$RC" "exit code"; then
        f=$(delivered "$SM_SINK_MAIN" rcpt-v6@example.test)
        [ -n "$f" ] && assert_match '\(localhost \[IPv6:0:0:0:0:0:0:0:1\]\)' "$(received "$f")" "Received" && t_end
    else show; fi
else
    t_skip "[::1] listener" "no ::1 on lo"
fi

# ------------------------------------------------------------------ marker route (no milter)
t_begin "ruleset 0 (-bt): bob@example.com$SM_LEGACY_SUFFIX -> mailer legacy, original address"
bt=$(printf '3,0 bob@example.com%s\n3,0 bob@example.com\n' "$SM_LEGACY_SUFFIX" | sm_exec -bt 2>&1)
assert_match "parse +returns: \\\$# legacy \\\$@ \[ 127 \. 0 \. 0 \. 1 \] \\\$: bob < @ example \. com \. >" "$bt" "-bt" &&
assert_match "parse +returns: \\\$# relay \\\$@ \[ 127 \. 0 \. 0 \. 1 \] \\\$: bob < @ example \. com \. >" "$bt" \
    "-bt (unmarked)" && t_end || t_note "$bt"

t_begin "contrib/sendmail/sendmail.mc.snippet builds with Sendmail's cf: milter, macro lists, legacy route"
cfd=$SM_ROOT/usr/share/sendmail/cf
{ printf "include(\`%s/m4/cf.m4')dnl\nOSTYPE(\`linux')dnl\n" "$cfd"
  cat "$_SM_SRC_DIR/contrib/sendmail/sendmail.mc.snippet"
  printf "MAILER(\`local')dnl\nMAILER(\`smtp')dnl\n"; } > "$E2E_WORK/snippet.mc"
if m4 -D_CF_DIR_="$cfd/" "$E2E_WORK/snippet.mc" > "$E2E_WORK/snippet.cf" 2> "$E2E_WORK/snippet.err" &&
   [ ! -s "$E2E_WORK/snippet.err" ]; then
    scf=$E2E_WORK/snippet.cf
    assert_file_contains "$scf" '^Xtlspolicy, S=inet:8895@127\.0\.0\.1, F=T, T=S:30s;R:60s;E:5m$' &&
    assert_file_contains "$scf" '^O Milter\.macros\.connect=j, _, v, \{daemon_name\}.*\{client_addr\}, \{client_name\}' &&
    assert_file_contains "$scf" '^O Milter\.macros\.envfrom=i, .*\{tls_version\}.*\{verify\}$' &&
    assert_file_contains "$scf" '^R\$\* < @ \$\+ \.LEGACY-TLS > \$\*	\$#legacy \$@ \[legacy-relay\.example\.net\] \$: \$1 < @ \$2 > \$3$' &&
    assert_file_contains "$scf" '^CPLEGACY-TLS$' && assert_file_contains "$scf" '^		A=TCP \$h 25$' &&
    bt=$(echo '3,0 bob@example.com.LEGACY-TLS' | sm_ns "$SM_BIN" -C "$scf" -bt 2>&1) &&
    assert_match 'parse +returns: \$# legacy \$@ \[ legacy-relay \. example \. net \] \$: bob < @ example \. com \. >' "$bt" "-bt" &&
    t_end || t_note "${bt:-}"
else
    t_fail "m4 failed"; t_note "$(cat "$E2E_WORK/snippet.err")"
fi

t_begin "legacy.cf (contrib/sendmail/legacy-runner.sh mc): every address -> legacy mailer; own pid file"
bt=$(printf '3,0 bob@example.com\n3,0 bob@example.com%s\n' "$SM_LEGACY_SUFFIX" | sm_ns "$SM_BIN" -C "$SM_LEGACY_CF" -bt 2>&1)
assert_eq 2 "$(grep -c 'parse *returns: \$# legacy \$@ \[ 127 \. 0 \. 0 \. 1 \] \$: bob < @ example \. com \. >' <<< "$bt")" \
    "addresses routed to legacy" &&
assert_match "^O PidFile=$SM_DIR/run/legacy\.pid\$" "$(grep '^O PidFile' "$SM_LEGACY_CF")" "PidFile" &&
assert_match "^A=TCP \\\$h $SM_PORT_SINK_LEGACY\$" "$(grep -A2 '^Mlegacy' "$SM_LEGACY_CF" | grep -o 'A=TCP.*')" "mailer" &&
t_end || t_note "$bt"

t_begin "RCPT user@example.com$SM_LEGACY_SUFFIX goes to the legacy sink as user@example.com, ORCPT kept"
send --port "$SM_PORT" --tls 1.0 --to "marked@example.com$SM_LEGACY_SUFFIX" --rcpt-param 'ORCPT=rfc822;marked@example.com'
if assert_eq 0 "$RC" "exit code"; then
    f=$(delivered "$SM_SINK_LEGACY" marked@example.com)
    [ -n "$f" ] && assert_file_contains "$f" '^X-Sink-Envelope-To: <marked@example\.com> ORCPT=rfc822;marked@example\.com$' &&
    assert_file_contains "$f" "^X-Sink-Port: $SM_PORT_SINK_LEGACY\$" &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_MAIN" 'marked@example')" "in the main sink" &&
    sm_assert_log "to=<marked@example\.com\\$SM_LEGACY_SUFFIX>.* mailer=legacy, .*relay=\[127\.0\.0\.1\].* stat=Sent" && t_end
else show; fi

# ------------------------------------------------------------------ the throwaway milter
MM=$E2E_WORK/macro_milter
t_begin "build the throwaway test milter (macro_milter.c, libmilter)"
if gcc -O2 -Wall -Wextra -o "$MM" "$HERE/macro_milter.c" -lmilter -lpthread > "$E2E_WORK/logs/mm-build.log" 2>&1; then
    t_end
else
    t_fail "cannot build macro_milter (libmilter-dev?)"; t_note "$(cat "$E2E_WORK/logs/mm-build.log")"
    t_summary; exit 1
fi

# milter_start NAME ARGS...: start macro_milter on a fresh loopback port (or SOCK=unix:...), output in
# $E2E_WORK/NAME.macros; sets MM_SOCK, MM_OUT, MM_PID; then sm_set_milter.
milter_start() {
    local name=$1 mm_port
    shift
    MM_OUT=$E2E_WORK/$name.macros
    : > "$MM_OUT"
    if [ -n "${SOCK:-}" ]; then
        MM_SOCK=$SOCK
    else
        e2e_alloc_port mm_port
        MM_SOCK=inet:$mm_port@127.0.0.1
    fi
    e2e_bg "milter-$name" setsid "$MM" -p "$MM_SOCK" -o "$MM_OUT" "$@"
    MM_PID=$E2E_BG_PID
    if [ -n "${SOCK:-}" ]; then
        wait_for "[ -S '${SOCK#unix:}' ]" 5
    else
        wait_for "e2e_port_listening $mm_port" 5
    fi || { t_fail "macro_milter $name did not start"; return 1; }
    sm_set_milter "$MM_SOCK"
}
# milter_stop: TERM the current test milter (libmilter takes seconds to exit: don't wait; cleanup KILLs)
milter_stop() { kill -TERM "$MM_PID" 2>/dev/null; }
# mm LINE-STAGE MACRO: the value of MACRO in the last line of stage STAGE ("-" when absent)
mm() {
    local line key=" $2=\""
    line=$(grep "^$1 " "$MM_OUT" | tail -n 1)
    case $line in
    *"$key"*) line=${line#*"$key"}; echo "${line%%\"*}" ;;
    *) echo - ;;
    esac
}

t_begin "sm_set_milter (inet) restarts Sendmail with the milter; the next connection uses it"
milter_start snippet
echo "       restart $SM_RESTART_MS ms"
send --port "$SM_PORT" --tls 1.0 --cert "$SM_CLIENT_CERT" --key "$SM_CLIENT_KEY" --to rcpt-mm1@example.test
assert_eq 0 "$RC" "exit code" && assert_match '^Xm1, S=inet:[0-9]+@127\.0\.0\.1, F=T' "$(grep '^Xm1' "$SM_CF")" ".cf" &&
assert_match '^negotiate actions="0x1ff"' "$(head -n 1 "$MM_OUT")" "negotiation (all actions offered)" && t_end || show

t_begin "macros with the snippet's lists, IPv4 + TLS 1.0 + client cert (xtext DNs, verify=OK)"
assert_eq "8.17.1.9" "$(mm connect v)" "v at connect" &&
assert_eq "$SM_HOSTNAME" "$(mm connect j)" "j" &&
assert_eq "localhost [127.0.0.1]" "$(mm connect _)" "_" &&
assert_eq "mx-in" "$(mm connect '{daemon_name}')" "{daemon_name}" &&
assert_eq "$SM_PORT" "$(mm connect '{daemon_port}')" "{daemon_port}" &&
assert_eq "127.0.0.1" "$(mm connect '{client_addr}')" "{client_addr}" &&
assert_eq "localhost" "$(mm connect '{client_name}')" "{client_name}" &&
assert_eq "-" "$(mm connect '{tls_version}')" "{tls_version} at connect" &&
assert_eq "-" "$(mm connect i)" "i at connect (not in the snippet's connect list)" &&
assert_eq "TLSv1" "$(mm helo '{tls_version}')" "{tls_version} at the 2nd HELO" &&
assert_eq "TLSv1" "$(mm eom '{tls_version}')" "{tls_version} at eom" &&
assert_eq "ECDHE-RSA-AES256-SHA" "$(mm eom '{cipher}')" "{cipher}" &&
assert_eq "256" "$(mm eom '{cipher_bits}')" "{cipher_bits}" &&
assert_eq "/C=DE/O=Test+20Client+20Org/CN=client.test.invalid" "$(mm mail '{cert_subject}')" "{cert_subject} (xtext)" &&
assert_eq "/O=milter-tlspolicy+20tests/CN=Test+20CA" "$(mm mail '{cert_issuer}')" "{cert_issuer} (xtext)" &&
assert_eq "OK" "$(mm eom '{verify}')" "{verify}" &&
assert_match '^[0-9A-Za-z]{14}$' "$(mm mail i)" "i at mail" &&
assert_eq "$(mm mail i)" "$(mm eom i)" "i at eom" &&
assert_eq "<rcpt-mm1@example.test>" "$(mm rcpt arg0)" "envrcpt argv[0]" && t_end || t_note "$(cat "$MM_OUT")"

t_begin "macros: plaintext on legacy-in has no TLS macros; submission AUTH gives {auth_authen}"
: > "$MM_OUT"
send --port "$SM_PORT_LEGACY" --tls none --to rcpt-mm2@example.test
assert_eq 0 "$RC" "exit code" || show
assert_eq "legacy-in" "$(mm eom '{daemon_name}')" "{daemon_name}" &&
assert_eq "-" "$(mm eom '{tls_version}')" "{tls_version}" && assert_eq "-" "$(mm eom '{verify}')" "{verify}" &&
assert_eq "-" "$(mm mail '{cert_subject}')" "{cert_subject}" || t_note "$(cat "$MM_OUT")"
: > "$MM_OUT"
send --port "$SM_PORT_SUBMISSION" --tls 1.3 --auth alice:secret123 --to rcpt-mm3@example.test
assert_eq 0 "$RC" "exit code" || show
assert_eq "alice" "$(mm mail '{auth_authen}')" "{auth_authen}" && assert_eq "PLAIN" "$(mm mail '{auth_type}')" &&
assert_eq "NO" "$(mm eom '{verify}')" "{verify} without a client cert" &&
assert_eq "" "$(mm eom '{cert_subject}')" "{cert_subject} without a client cert (empty, not absent)" &&
assert_eq "TLSv1.3" "$(mm eom '{tls_version}')" && t_end || t_note "$(cat "$MM_OUT")"

t_begin "macros: no EHLO after STARTTLS -> TLS macros only from MAIL on (listed at ENVFROM)"
: > "$MM_OUT"
send --port "$SM_PORT" --tls 1.1 --ehlo-after-tls no --to rcpt-mm4@example.test
assert_eq 0 "$RC" "exit code" || show
assert_eq 1 "$(grep -c '^helo ' "$MM_OUT")" "HELO callbacks" &&
assert_eq "-" "$(mm helo '{tls_version}')" "{tls_version} at HELO" &&
assert_eq "TLSv1.1" "$(mm mail '{tls_version}')" "{tls_version} at MAIL" && t_end || t_note "$(cat "$MM_OUT")"

if [ "$SM_IPV6" = 1 ]; then
    t_begin "macros: IPv6 client -> {client_addr}=IPv6:0:0:0:0:0:0:0:1 (not ::1)"
    : > "$MM_OUT"
    send --host ::1 --port "$SM_PORT_SUBMISSION" --tls 1.2 --to rcpt-mm5@example.test
    assert_eq 0 "$RC" "exit code" || show
    assert_eq "IPv6:0:0:0:0:0:0:0:1" "$(mm connect '{client_addr}')" "{client_addr}" &&
    assert_eq "IPv6:0:0:0:0:0:0:0:1" "$(mm connect '{daemon_addr}')" "{daemon_addr}" &&
    assert_eq "localhost [IPv6:0:0:0:0:0:0:0:1]" "$(mm connect _)" "_" &&
    assert_eq "inet6" "$(mm connect af)" "connect sockaddr family" && t_end || t_note "$(cat "$MM_OUT")"
fi

if [ -n "$PROBE" ]; then
    t_begin "macros: client without a name -> {client_name}=[127.0.0.77], connect hostname [127.0.0.77]"
    : > "$MM_OUT"
    probe_send "127.0.0.1:$SM_PORT" --tls 1.2 --source 127.0.0.77 --to rcpt-mm6@example.test
    assert_eq 0 "$RC" "probe exit code" || show
    assert_eq "127.0.0.77" "$(mm connect '{client_addr}')" &&
    assert_eq "[127.0.0.77]" "$(mm connect '{client_name}')" "{client_name}" &&
    assert_eq "[127.0.0.77]" "$(mm connect arg0)" "connect hostname" && t_end || t_note "$(cat "$MM_OUT")"
fi
milter_stop

t_begin "SM_MILTER_MACROS=none: no macros reach a milter that does not ask"
SM_MILTER_MACROS=none
milter_start none
send --port "$SM_PORT" --tls 1.2 --to rcpt-mm7@example.test
assert_eq 0 "$RC" "exit code" || show
assert_eq "O Milter.macros.connect" "$(grep '^O Milter.macros.connect' "$SM_CF")" ".cf" &&
assert_eq "-" "$(mm connect v)" "v" && assert_eq "-" "$(mm eom '{tls_version}')" "{tls_version}" &&
assert_eq "-" "$(mm mail i)" "i" && t_end || t_note "$(cat "$MM_OUT")"
milter_stop

t_begin "SM_MILTER_MACROS=none + smfi_setsymlist: the milter gets every macro it asks for"
milter_start symlist -s
send --port "$SM_PORT" --tls 1.0 --ehlo-after-tls no --cert "$SM_CLIENT_CERT" --key "$SM_CLIENT_KEY" \
    --to rcpt-mm8@example.test
assert_eq 0 "$RC" "exit code" || show
assert_eq "8.17.1.9" "$(mm connect v)" "v" && assert_eq "mx-in" "$(mm connect '{daemon_name}')" &&
assert_eq "OK" "$(mm connect '{client_resolve}')" "{client_resolve}" &&
assert_eq "TLSv1" "$(mm mail '{tls_version}')" "{tls_version} at MAIL (no 2nd EHLO)" &&
assert_eq "OK" "$(mm mail '{verify}')" "{verify}" &&
assert_eq "/C=DE/O=Test+20Client+20Org/CN=client.test.invalid" "$(mm mail '{cert_subject}')" &&
assert_match '^[0-9A-Za-z]{14}$' "$(mm rcpt i)" "i at rcpt" && assert_eq "TLSv1" "$(mm eom '{tls_version}')" &&
t_end || t_note "$(cat "$MM_OUT")"
milter_stop
SM_MILTER_MACROS=snippet

# ------------------------------------------------------------------ reroute: recipient suffix
t_begin "reroute by recipient suffix (milter delrcpt + addrcpt_par): legacy sink only, original recipients"
milter_start suffix -r "$SM_LEGACY_SUFFIX"
nmain=$(sm_sink_count "$SM_SINK_MAIN")
send --port "$SM_PORT" --tls 1.1 --to bob@example.com --to carol@example.org --header 'X-E2E: suffix-reroute'
if assert_eq 0 "$RC" "exit code"; then
    qid=$(sm_queue_id "$OUT")
    f=$(sm_wait_sink_grep "$SM_SINK_LEGACY" '^X-E2E: suffix-reroute' 10 | head -n 1)
    [ -n "$f" ] && assert_file_contains "$f" '^X-Sink-Envelope-To: <bob@example\.com> ORCPT=rfc822;bob@example\.com$' &&
    assert_file_contains "$f" '^X-Sink-Envelope-To: <carol@example\.org> ORCPT=rfc822;carol@example\.org$' &&
    assert_eq 2 "$(grep -c '^X-Sink-Envelope-To:' "$f")" "recipients in one transaction" &&
    assert_file_contains "$f" '^To: <bob@example\.com>$' &&
    sm_assert_log "$qid: to=<carol@example\.org\\$SM_LEGACY_SUFFIX>,<bob@example\.com\\$SM_LEGACY_SUFFIX>.* mailer=legacy.* stat=Sent" &&
    { sleep 0.5; assert_eq "$nmain" "$(sm_sink_count "$SM_SINK_MAIN")" "main sink count"; } &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_MAIN" '^X-E2E: suffix-reroute')" "in the main sink" && t_end
else show; fi
milter_stop

# ------------------------------------------------------------------ reroute: quarantine + legacy runner
t_begin "quarantine (smfi_quarantine legacy-tls): client gets 250, job held, normal queue runs skip it"
milter_start quarantine -q "$SM_QUARANTINE_REASON rule=legacy-auth"
send --port "$SM_PORT" --tls 1.0 --to dave@example.com --to erin@example.net --header 'X-E2E: quarantine-1'
qid=$(sm_queue_id "$OUT")
if assert_eq 0 "$RC" "exit code" && assert_match '^[0-9A-Za-z]{14}$' "$qid" "queue id"; then
    wait_for "sm_quarantine_ids | grep -qx '$qid'" 5 || t_fail "$qid not quarantined: $(ls "$SM_QUEUE")"
    lst=$(sm_ns /bin/sh "$_SM_SRC_DIR/contrib/sendmail/legacy-runner.sh" list -C "$SM_CF" -s "$SM_BIN" 2>&1)
    assert_match "$qid.*QUARANTINE: $SM_QUARANTINE_REASON rule=legacy-auth" "$(tr -s ' \n' '  ' <<< "$lst")" \
        "legacy-runner.sh list" || t_note "$lst"
    assert_eq "$SM_QUARANTINE_REASON rule=legacy-auth" "$(sm_quarantine_reason "$qid")" "reason" &&
    sm_assert_log "$qid: milter=m1, quarantine=$SM_QUARANTINE_REASON rule=legacy-auth" &&
    sm_flush && sleep 0.5 &&
    assert_eq "$qid" "$(sm_quarantine_ids)" "still quarantined after sm_flush" &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_MAIN" '^X-E2E: quarantine-1')" "in the main sink" &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_LEGACY" '^X-E2E: quarantine-1')" "in the legacy sink" && t_end
else show; fi

t_begin "sm_legacy_runner start delivers the quarantined job to the legacy sink, original recipients"
t0=$(_sm_ms)
if sm_legacy_runner start; then
    f=$(sm_wait_sink_grep "$SM_SINK_LEGACY" '^X-E2E: quarantine-1' 10 | head -n 1)
    echo "       runner start + delivery: $(( $(_sm_ms) - t0 )) ms"
    [ -n "$f" ] && assert_file_contains "$f" '^X-Sink-Envelope-To: <dave@example\.com>$' &&
    assert_file_contains "$f" '^X-Sink-Envelope-To: <erin@example\.net>$' &&
    assert_eq 2 "$(grep -c '^X-Sink-Envelope-To:' "$f")" "recipients" &&
    sm_assert_log "$qid: to=<erin@example\.net>,<dave@example\.com>.* mailer=legacy, .*stat=Sent" &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_MAIN" '^X-E2E: quarantine-1')" "in the main sink" &&
    sm_wait_queue_empty 5 && assert_eq "" "$(sm_quarantine_ids)" "quarantined left" && t_end
else
    t_fail "runner did not start"
fi

t_begin "the running legacy runner picks up the next quarantined message within seconds"
send --port "$SM_PORT" --tls 1.1 --to frank@example.com --header 'X-E2E: quarantine-2'
assert_eq 0 "$RC" "exit code" || show
f=$(sm_wait_sink_grep "$SM_SINK_LEGACY" '^X-E2E: quarantine-2' 20 | head -n 1)
[ -n "$f" ] && assert_file_contains "$f" '^X-Sink-Envelope-To: <frank@example\.com>$' && t_end ||
    t_fail "not delivered by the runner"
milter_stop

t_begin "a quarantine with another reason stays held by the runner; sm_release_quarantine -> main sink"
milter_start hold -q "hold-other"
send --port "$SM_PORT" --tls 1.2 --to gina@example.com --header 'X-E2E: hold-other'
qid=$(sm_queue_id "$OUT")
if assert_eq 0 "$RC" "exit code"; then
    wait_for "sm_quarantine_ids | grep -qx '$qid'" 5
    sleep 2.5     # two runner intervals
    assert_eq "$qid" "$(sm_quarantine_ids)" "held job" &&
    assert_eq "" "$(sm_sink_grep "$SM_SINK_LEGACY" '^X-E2E: hold-other')" "in the legacy sink" &&
    sm_release_quarantine hold-other &&
    f=$(sm_wait_sink_grep "$SM_SINK_MAIN" '^X-E2E: hold-other' 10 | head -n 1) && [ -n "$f" ] &&
    assert_file_contains "$f" '^X-Sink-Envelope-To: <gina@example\.com>' && t_end ||
        t_fail "released job not in the main sink"
else show; fi
milter_stop
sm_legacy_runner stop

# ------------------------------------------------------------------ what a client sees for milter replies
# raw SMTP (plaintext), one command at a time; prints each reply or "(closed)" once the server hung up
RAW=$E2E_WORK/raw_smtp.py
cat > "$RAW" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def reply():
    lines = []
    while True:
        try:
            l = f.readline()
        except OSError:
            l = b""
        if not l:
            return "(closed)"
        lines.append(l.decode("latin1").rstrip("\r\n"))
        if len(l) < 4 or l[3:4] != b"-":
            return lines[-1]
print("220:", reply())
last = ""
for c in sys.argv[2:]:
    if c == "<MSG>":
        if not last.startswith("354"):
            continue   # DATA refused: no message
        c = "Subject: raw\r\n\r\nbody\r\n."
    try:
        s.sendall(c.encode() + b"\r\n")
    except OSError:
        print(c.split("\r")[0] + ": (closed)")
        continue
    last = reply()
    print(c.split("\r")[0] + ":", last)
PY
raw() { OUT=$("$PYTHON" "$RAW" "$SM_PORT" "$@" 2>&1); }
RAW_CMDS=("EHLO client.test.invalid" "MAIL FROM:<a@client.test.invalid>" "RCPT TO:<x@example.test>"
          "RCPT TO:<y@example.test>" "DATA" "<MSG>" "QUIT")

for spec in "helo:421:4.7.66" "mail:421:4.7.66" "rcpt:421:4.7.66" "rcpt:451:4.7.66" "rcpt:550:5.7.66" "eom:421:4.7.66" "eom:550:5.7.66"; do
    IFS=: read -r stage code xcode <<< "$spec"
    t_begin "milter $code $xcode at $stage: what the client sees"
    milter_start "reply-$stage-$code" -t "$stage:$code:$xcode:TLS policy test at $stage"
    raw "${RAW_CMDS[@]}"
    want="$code $xcode TLS policy test at $stage"
    case $stage:$code in
    helo:421) assert_match "EHLO client.test.invalid: $want" "$OUT" &&
              assert_match 'MAIL FROM:<a@client.test.invalid>: \(closed\)' "$OUT" ;;
    mail:421) assert_match "MAIL FROM:<a@client.test.invalid>: $want" "$OUT" &&
              assert_match 'RCPT TO:<x@example.test>: \(closed\)' "$OUT" ;;
    rcpt:421) assert_match "RCPT TO:<x@example.test>: $want" "$OUT" &&
              assert_match 'RCPT TO:<y@example.test>: \(closed\)' "$OUT" ;;
    rcpt:451) assert_match "RCPT TO:<x@example.test>: $want" "$OUT" &&
              assert_match "RCPT TO:<y@example.test>: $want" "$OUT" &&
              assert_match 'DATA: 503 5\.0\.0 Need RCPT \(recipient\)' "$OUT" &&
              assert_match 'QUIT: 221 2\.0\.0' "$OUT" ;;
    rcpt:550) # Sendmail puts the address in front of a milter's 5xx text at RCPT (not of a 4xx one)
              assert_match "RCPT TO:<x@example.test>: $code $xcode <x@example.test>\.\.\. TLS policy test at rcpt" "$OUT" &&
              assert_match "RCPT TO:<y@example.test>: $code $xcode <y@example.test>\.\.\. TLS policy" "$OUT" &&
              assert_match 'DATA: 503 5\.0\.0 Need RCPT \(recipient\)' "$OUT" &&
              assert_match 'QUIT: 221 2\.0\.0' "$OUT" ;;
    eom:421)  assert_match "DATA: 354 " "$OUT" && assert_match "Subject: raw: $want" "$OUT" &&
              assert_match 'QUIT: \(closed\)' "$OUT" ;;
    eom:550)  assert_match "Subject: raw: $want" "$OUT" && assert_match 'QUIT: 221 2\.0\.0' "$OUT" ;;
    esac
    [ "$stage" = eom ] && { sm_wait_queue_empty 5 || t_fail "queue not empty: $(sm_queue_ids)"; }
    sm_assert_log "Milter: .*reject=$code $xcode TLS policy test at $stage" && t_end || t_note "$OUT"
    milter_stop
done

# ------------------------------------------------------------------ dead milter, unix socket
t_begin "unreachable milter (F=T): STARTTLS gets 454 4.7.0, plaintext MAIL 451 4.3.2"
e2e_alloc_port dead_port
sm_set_milter "inet:127.0.0.1:$dead_port"
assert_match "^Xm1, S=inet:$dead_port@127\.0\.0\.1," "$(grep '^Xm1' "$SM_CF")" "Postfix-style spec converted"
send --port "$SM_PORT" --tls 1.2 --to rcpt-dead@example.test
assert_eq 2 "$RC" "exit code (TLS)" || show
raw "EHLO client.test.invalid" "STARTTLS"
assert_match 'STARTTLS: 454 4\.7\.0 Please try again later' "$OUT" "STARTTLS reply" || t_note "$OUT"
send --port "$SM_PORT" --tls none --to rcpt-dead@example.test
assert_eq 4 "$RC" "exit code (plaintext)" && assert_match 'S: 451 4\.3\.2 Please try again later' "$OUT" || show
sm_assert_log "Milter \(m1\): to error state" && t_end

t_begin "a unix-socket milter outside the namespace is reachable from Sendmail inside it"
SOCK=unix:$E2E_WORK/mm.sock milter_start unixsock
send --port "$SM_PORT" --tls 1.3 --to rcpt-unix@example.test
assert_eq 0 "$RC" "exit code" && assert_match "^Xm1, S=unix:$E2E_WORK/mm\.sock," "$(grep '^Xm1' "$SM_CF")" &&
assert_eq "TLSv1.3" "$(mm eom '{tls_version}')" "the milter saw the session" && t_end || show
milter_stop

t_begin "sm_set_milter '' removes the milter"
sm_set_milter ""
send --port "$SM_PORT" --tls none --to rcpt-nomilter@example.test
assert_eq 0 "$RC" "exit code" && assert_eq "" "$(grep '^Xm' "$SM_CF")" ".cf milters" && t_end || show

# ------------------------------------------------------------------ deferred + retry
t_begin "sink down -> Deferred; sink back + sm_flush -> delivered; sm_wait_queue_empty"
sm_sink_stop main
send --port "$SM_PORT" --tls 1.1 --to rcpt-retry@example.test
qid=$(sm_queue_id "$OUT")
if assert_eq 0 "$RC" "exit code"; then
    sm_log_wait "$qid: to=<rcpt-retry@example.test>.*stat=Deferred" 10 || t_fail "not deferred"
    assert_eq "$qid" "$(sm_queue_ids)" "queued ids"
    sm_sink_start main
    sm_flush
    [ -n "$(delivered "$SM_SINK_MAIN" rcpt-retry@example.test)" ] || t_fail "not delivered after sm_flush"
    sm_wait_queue_empty 10 || t_fail "queue not empty: $(sm_queue_ids | tr '\n' ' ')"
    t_end
else show; sm_sink_start main; fi

# ------------------------------------------------------------------ no stray mail, clean log
t_begin "the legacy sink got only the rerouted messages; no SYSERR in the Sendmail log"
legacy_msgs=$(grep -h '^X-E2E:\|^X-Sink-Envelope-To:' "$SM_SINK_LEGACY"/*.eml | grep -c '^X-Sink-Envelope-To: <marked@\|^X-E2E:')
assert_eq 4 "$(sm_sink_count "$SM_SINK_LEGACY")" "legacy sink count" &&
assert_eq 4 "$legacy_msgs" "expected messages in the legacy sink" &&
assert_file_lacks "$SM_LOG" 'SYSERR|panic|unqualified host name' && t_end

t_begin "sm_stop stops Sendmail, the legacy runner and the sinks; no process of SM_BIN is left"
sm_legacy_runner start >/dev/null
dpid=$(_sm_daemon_pid)
sm_stop
e2e_pid_alive "$dpid" && t_fail "daemon $dpid still running"
for p in "$SM_PORT_MX" "$SM_PORT_SUBMISSION" "$SM_PORT_LEGACY" "$SM_PORT_SINK_MAIN" "$SM_PORT_SINK_LEGACY"; do
    e2e_port_listening "$p" && t_fail "port $p still listening"
done
left=$(_sm_own_pids)
assert_eq "" "$left" "processes of $SM_BIN" && t_end

t_begin "the host's hostname, /etc/hosts and /usr/lib/sasl2 are unchanged"
assert_eq "$HOST_BEFORE" "$(host_state)" "host state" && t_end

echo "runtime: $(( (${EPOCHREALTIME/./} - T_START) / 1000 )) ms"
t_summary
