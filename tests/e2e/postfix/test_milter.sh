#!/bin/bash
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
# loopback port; tlspolicy-probe (GnuTLS) and openssl s_client (smtp_send) send mail with
# TLS 1.0/1.1/1.2/1.3 and plaintext, with and without AUTH, from 127.0.0.1 and
# 127.0.0.77..80. Each case checks what the client saw (exact reply lines), what was
# delivered where (audit header fields, reroute to the legacy sink only, hold queue), and the
# transaction's log line. Then: forged headers, STARTTLS without a new EHLO, recipient rules,
# reloads (SIGHUP, SIGUSR1, an invalid file, a storm of signals under load), log reopening,
# SIGKILL (nothing lost), SIGTERM, daemon mode with a pid file, and a unix socket with
# dropped privileges. Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/postfix-harness.sh"

MILTER=${MILTER:-$PWD/milter/milter-tlspolicy}
PROBE=${PROBE:-$PWD/contrib/probe/tlspolicy-probe}
MILTER_WRAPPER=${MILTER_WRAPPER:-}
E2E_KILL_GRACE=${E2E_KILL_GRACE:-8}
POLICIES=$HERE/policies
DEFER_TEXT="TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."

for f in "$MILTER" "$PROBE"; do
    [ -x "$f" ] || { echo "test_milter.sh: $f not found (run from the build directory or set MILTER/PROBE)"; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "test_milter.sh: needs root (private Postfix instance)"; exit 2; }

e2e_init
mkdir -p "$E2E_WORK/tx" "$E2E_WORK/etc"
e2e_alloc_port MPORT
TXN_LOG=$E2E_WORK/txn.log
MLOG=$E2E_WORK/milter.log
MPID=

# ---------------------------------------------------------------- helpers

# policy NAME: the policy file with the sink port filled in; prints its path.
policy() {
    sed "s/@SINK_LEGACY@/$PF_PORT_SINK_LEGACY/g" "$POLICIES/$1.yaml" > "$E2E_WORK/etc/$1.yaml"
    echo "$E2E_WORK/etc/$1.yaml"
}

# milter_start POLICYFILE [ARGS...]: run the daemon in the foreground (background job);
# -p inet:MPORT@127.0.0.1 unless ARGS has its own -p.
milter_start() {
    local pol=$1 n; shift
    n=$(grep -c 'started: socket' "$MLOG" 2>/dev/null)
    case " $* " in *" -p "*) ;; *) set -- -p "inet:$MPORT@127.0.0.1" "$@" ;; esac
    # shellcheck disable=SC2086
    $MILTER_WRAPPER "$MILTER" -f -c "$pol" -L "$TXN_LOG" "$@" < /dev/null >> "$MLOG" 2>&1 &
    MPID=$!
    e2e_track "$MPID" milter
    wait_for "[ \$(grep -c 'started: socket' '$MLOG') -gt ${n:-0} ]" 60 \
        || { echo "milter did not start:"; tail "$MLOG"; return 1; }
}

# milter_stop: SIGTERM, wait; the exit status in STOP_RC.
milter_stop() {
    kill -TERM "$MPID" 2>/dev/null
    wait "$MPID"; STOP_RC=$?
    MPID=
}

# send CASE HOST:PORT TLS [PROBE ARGS...]: one message with tlspolicy-probe.
# Sets RC (0/4/5/2), LAST (the probe's last line), QID (queue id or ""); transcript in tx/CASE.
send() {
    local case=$1 target=$2 tls=$3; shift 3
    "$PROBE" send "$target" --tls "$tls" --ehlo e2e.client.test --from "sender@client.test" \
        --header "X-E2E-Case: $case" --subject "e2e $case" "$@" > "$E2E_WORK/tx/$case" 2>&1
    RC=$?
    LAST=$(tail -n 1 "$E2E_WORK/tx/$case")
    QID=$(sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' "$E2E_WORK/tx/$case" | tail -n 1)
}

# txn_line PATTERN: the body (after "milter-tlspolicy[PID]: ") of the last log line matching.
txn_line() {
    grep -E -- "$1" "$TXN_LOG" 2>/dev/null | tail -n 1 | sed 's/^.* milter-tlspolicy\[[0-9]*\]: //'
}

# wait_txn PATTERN: wait until a log line matches (written at end of message).
wait_txn() { wait_for "grep -qE -- '$1' '$TXN_LOG'" "${2:-10}"; }

# header FILE NAME: every value of header NAME in FILE, unfolded, one per line.
header() {
    awk -v name="$2" '
        /^$/ { exit }
        /^[ \t]/ { if (cur != "") { sub(/^[ \t]+/, " "); cur = cur $0 }; next }
        { if (cur != "") print cur; cur = "" }
        tolower(substr($0, 1, length(name) + 1)) == tolower(name ":") {
            cur = substr($0, length(name) + 2); sub(/^[ \t]+/, "", cur) }
        END { if (cur != "") print cur }' "$1"
}

# delivered DIR CASE: the .eml of CASE in sink DIR (waits), or nothing.
delivered() { pf_wait_sink_grep "$1" "^X-E2E-Case: $2\$" "${3:-15}" | head -n 1; }

# expect_fields LINE "k=v k=v ...": every k=v appears in the log line as a whole word.
expect_fields() {
    local line=$1 kv
    for kv in $2; do
        assert_match "(^| )$(printf '%s' "$kv" | sed 's/[][\.*^$+?(){}|]/\\&/g')( |$)" "$line" "log field $kv" || return 1
    done
}

audit_of() { header "$1" X-TLS-Policy; }

# ---------------------------------------------------------------- the command line

t_begin "cli: -V, -h, bad option, -n, -t"
out=$("$MILTER" -V); assert_eq 0 $? "-V exit"; assert_match '^milter-tlspolicy [0-9]' "$out" "-V output"
out=$("$MILTER" -h); assert_eq 0 $? "-h exit"; assert_match '-t SESSION' "$out" "-h lists -t"
"$MILTER" -Z > /dev/null 2>&1; assert_eq 1 $? "unknown option exit"
"$MILTER" -n -t tls=none > /dev/null 2>&1; assert_eq 1 $? "-n with -t exit"
out=$("$MILTER" -n -c "$POLICIES/reloaded.yaml"); assert_eq 0 $? "-n valid exit"
assert_eq "$POLICIES/reloaded.yaml: OK (1 rule)" "$out" "-n valid output"
out=$("$MILTER" -n -c "$POLICIES/broken.yaml" 2>&1 >/dev/null); assert_eq 1 $? "-n invalid exit"
assert_match "^$POLICIES/broken.yaml:5:19: unknown TLS version \"TLSv1.4\"" "$out" "-n error FILE:LINE:COL"
"$MILTER" -n -c "$E2E_WORK/none.yaml" > /dev/null 2>&1; assert_eq 1 $? "-n missing file exit"
t_end

# ---------------------------------------------------------------- Postfix and the daemon

PF_MAIN_EXTRA="smtpd_peername_lookup = no" HARNESS_MILTER="inet:127.0.0.1:$MPORT" pf_setup \
    || { echo "pf_setup failed"; exit 2; }
MAIN=$(policy main)

t_begin "cli: -t explains reply and headers"
out=$("$MILTER" -c "$MAIN" -t 'tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA client=192.0.2.7 auth=alice'); assert_eq 0 $? "-t exit"
assert_match "rule: auth-legacy" "$out" "-t rule"
assert_match "mode: enforce" "$out" "-t mode"
assert_match "rollout: 100% in force, this session selected" "$out" "-t rollout"
assert_match "reply: 421 4.7.66 $DEFER_TEXT" "$out" "-t reply"
out=$("$MILTER" -c "$MAIN" -t 'tls=TLSv1 client=192.0.2.7 listener=legacy-in')
assert_match "header: X-TLS-Policy: .*rule=legacy-listener;" "$out" "-t audit header"
assert_match "header: X-TLS-Policy-Reroute: smtp:\[127.0.0.1\]:$PF_PORT_SINK_LEGACY" "$out" "-t reroute header"
"$MILTER" -c "$MAIN" -t 'tls=TLSv1 bogus' > /dev/null 2>&1; assert_eq 1 $? "-t bad word exit"
t_end

milter_start "$MAIN" -P "$E2E_WORK/milter.pid" || exit 2
pf_start || { echo "pf_start failed"; exit 2; }

t_begin "start-up: pid file, libmilter's signal thread parked, TCP_NODELAY"
assert_eq "$MPID" "$(cat "$E2E_WORK/milter.pid" 2>/dev/null)" "pid file"
"$MILTER" -f -d -c "$MAIN" -p "inet:$MPORT@127.0.0.1" > "$E2E_WORK/second.log" 2>&1 &
p2=$!; wait "$p2"; assert_eq 2 $? "a second daemon on the same port exits 2"
t_end

# ---------------------------------------------------------------- one case per action and TLS version
#
# name | listener | tls | auth | source | expect: probe exit, last line regex | log fields | sink
cases=(
 "mx-tls13|mx|1.3|-|127.0.0.1|0|^accepted 250 2.0.0 Ok: queued as|rule=modern action=accept mode=enforce tls=TLSv1.3 listener=mx-in auth=-|main"
 "mx-tls12|mx|1.2|-|127.0.0.1|0|^accepted 250|rule=modern action=accept tls=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256|main"
 "mx-tls11|mx|1.1|-|127.0.0.1|0|^accepted 250|rule=mx-legacy action=tag tls=TLSv1.1 cipher=ECDHE-RSA-AES256-SHA|main"
 "mx-tls10|mx|1.0|-|127.0.0.1|0|^accepted 250|rule=mx-legacy action=tag tls=TLSv1|main"
 "mx-plain|mx|none|-|127.0.0.1|0|^accepted 250|rule=default action=accept tls=none cipher=- bits=-|main"
 "sub-tls10-auth|submission|1.0|alice:secret123|127.0.0.1|4|^deferred 421 4.7.66 $DEFER_TEXT\$|rule=auth-legacy action=defer mode=enforce selected=yes percent=100 auth=alice tls=TLSv1 nrcpt=0|none"
 "sub-tls11-auth|submission|1.1|bob:secret456|127.0.0.1|4|^deferred 421 4.7.66 $DEFER_TEXT\$|rule=auth-legacy action=defer auth=bob tls=TLSv1.1|none"
 "sub-tls12-auth|submission|1.2|alice:secret123|127.0.0.1|0|^accepted 250|rule=modern action=accept auth=alice listener=submission-in|main"
 "sub-tls13-auth|submission|1.3|alice:secret123|127.0.0.1|0|^accepted 250|rule=modern auth=alice tls=TLSv1.3|main"
 "sub-tls10-noauth|submission|1.0|-|127.0.0.1|0|^accepted 250|rule=mx-legacy action=tag auth=-|main"
 "legacy-tls10|legacy|1.0|-|127.0.0.1|0|^accepted 250|rule=legacy-listener action=reroute listener=legacy-in relay=smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY|legacy"
 "legacy-tls11|legacy|1.1|-|127.0.0.1|0|^accepted 250|rule=legacy-listener action=reroute tls=TLSv1.1|legacy"
 "legacy-tls13|legacy|1.3|-|127.0.0.1|0|^accepted 250|rule=modern listener=legacy-in relay=-|main"
 "printer-tls10|mx|1.0|-|127.0.0.77|0|^accepted 250|rule=printers action=tag client=unknown[127.0.0.77]|main"
 "printer-tls13|mx|1.3|-|127.0.0.77|0|^accepted 250|rule=modern client=unknown[127.0.0.77]|main"
 "hold-tls11|mx|1.1|-|127.0.0.78|0|^accepted 250|rule=hold-legacy action=hold mode=enforce|hold"
 "reject-tls10|mx|1.0|-|127.0.0.79|5|^rejected 550 5.7.66 TLS 1.0 and 1.1 are not accepted here\$|rule=reject-legacy action=reject reply=\"550 5.7.66\" nrcpt=0|none"
 "reject-plain|mx|none|-|127.0.0.79|0|^accepted 250|rule=default tls=none|main"
 "shadow-tls10|mx|1.0|-|127.0.0.80|0|^accepted 250|rule=shadow action=defer mode=report-only reply=-|main"
)

port_of() { case $1 in mx) echo "$PF_PORT_MX" ;; submission) echo "$PF_PORT_SUBMISSION" ;; legacy) echo "$PF_PORT_LEGACY" ;; esac; }

for c in "${cases[@]}"; do
    IFS='|' read -r name lst tls auth src want_rc want_last fields sink <<< "$c"
    t_begin "action: $name"
    args=(--to "rcpt@example.test" --source "$src")
    [ "$auth" != - ] && args+=(--auth "$auth")
    send "$name" "127.0.0.1:$(port_of "$lst")" "$tls" "${args[@]}"
    assert_eq "$want_rc" "$RC" "probe exit ($LAST)"
    assert_match "$want_last" "$LAST" "client's last reply"
    if [ -n "$QID" ]; then
        wait_txn "^.* $QID: " || t_fail "no log line for $QID"
        line=$(txn_line " $QID: ")
    else
        line=$(txn_line " NOQUEUE: .*client=unknown\[$src\].* listener=$lst-in ")
        assert_match '^NOQUEUE: ' "$line" "refused before a queue id: NOQUEUE"
    fi
    expect_fields "$line" "$fields helo=e2e.client.test from=<sender@client.test> verify=- skipped=-"
    case $sink in
    main|legacy)
        [ $sink = main ] && dir=$PF_SINK_MAIN other=$PF_SINK_LEGACY || dir=$PF_SINK_LEGACY other=$PF_SINK_MAIN
        f=$(delivered "$dir" "$name")
        if [ -z "$f" ]; then t_fail "not delivered to the $sink sink"; else
            assert_eq "" "$(pf_sink_grep "$other" "^X-E2E-Case: $name\$")" "not in the other sink"
            audit=$(audit_of "$f")
            assert_eq 1 "$(printf '%s\n' "$audit" | grep -c .)" "exactly one audit header"
            rule=$(printf '%s' "$line" | sed -n 's/.* rule=\([^ ]*\) .*/\1/p')
            action=$(printf '%s' "$line" | sed -n 's/.* action=\([^ ]*\) .*/\1/p')
            tlsv=$(printf '%s' "$line" | sed -n 's/.* tls=\([^ ]*\) .*/\1/p')
            assert_match "^mx\.test\.invalid; tls=$tlsv; .*client=unknown \[$src\]; listener=$lst-in; .*rule=$rule; action=$action" \
                "$audit" "audit header"
            case $name in
            mx-tls1[01]|sub-tls10-noauth|printer-tls10) assert_match '; legacy=yes$' "$audit" "legacy mark" ;;
            shadow-*) assert_match '; action=defer; mode=report-only$' "$audit" "report-only mark" ;;
            *) assert_match "; action=$action\$" "$audit" "no marks" ;;
            esac
            # folded, no line over 78 columns
            assert_eq "" "$(sed -n '/^X-TLS-Policy:/,/^[^ \t]/p' "$f" | sed '$d' | awk 'length($0) > 78')" "folded at 78"
            if [ $sink = legacy ]; then
                assert_eq "smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY" "$(header "$f" X-TLS-Policy-Reroute)" "reroute header"
                assert_log "milter-header-filter: header X-TLS-Policy-Reroute: smtp:\[127.0.0.1\]:$PF_PORT_SINK_LEGACY"
            else
                assert_eq "" "$(header "$f" X-TLS-Policy-Reroute)" "no reroute header"
            fi
            [ $name = printer-tls10 ] && assert_eq "[LEGACY TLS] e2e $name" "$(header "$f" Subject)" "subject prefix"
            [ $name = printer-tls13 ] && assert_eq "e2e $name" "$(header "$f" Subject)" "subject unchanged"
        fi ;;
    hold)
        wait_for "pf_hold_queue_ids | grep -qx '$QID'" 10 || t_fail "$QID not in the hold queue"
        assert_log "$QID: milter-hold: END-OF-MESSAGE"
        sleep 1
        assert_eq "" "$(pf_sink_grep "$PF_SINK_MAIN" "^X-E2E-Case: $name\$")$(pf_sink_grep "$PF_SINK_LEGACY" "^X-E2E-Case: $name\$")" "held, not delivered" ;;
    none)
        assert_eq "" "$(pf_sink_grep "$PF_SINK_MAIN" "^X-E2E-Case: $name\$")" "not delivered" ;;
    esac
    t_end
done

t_begin "log line: every key, in order, exact values"
send exact-line "127.0.0.1:$PF_PORT_SUBMISSION" 1.3 --to "rcpt@example.test" --to "two@example.test" --auth alice:secret123
wait_txn " $QID: "
line=$(txn_line " $QID: ")
assert_eq "$QID: client=unknown[127.0.0.1] helo=e2e.client.test listener=submission-in port=$PF_PORT_SUBMISSION auth=alice tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=- from=<sender@client.test> nrcpt=2 rule=modern action=accept mode=enforce selected=- percent=- skipped=- reply=- relay=-" \
    "$line" "log line"
assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2} [^ ]+ milter-tlspolicy\[[0-9]+\]: ' \
    "$(grep " $QID: " "$TXN_LOG")" "timestamp, host, ident prefix"
t_end

# openssl_send ARGS...: smtp_send's last line; a second try when the helper itself failed
# (its openssl coprocess occasionally vanishes before the first reply is read).
openssl_send() {
    local out try
    for try in 1 2; do
        out=$(smtp_send "$@" | tail -n 1)
        [[ $out =~ ^(accepted|deferred|rejected)\  ]] && break
    done
    echo "$out"
}

t_begin "openssl client too (smtp_send): TLS 1.0 deferred, TLS 1.3 accepted"
out=$(openssl_send --port "$PF_PORT_SUBMISSION" --tls 1.0 --auth alice:secret123 --to rcpt@example.test)
assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$out" "openssl TLS 1.0"
out=$(openssl_send --port "$PF_PORT_SUBMISSION" --tls 1.3 --auth alice:secret123 --to rcpt@example.test)
assert_match '^accepted 250 ' "$out" "openssl TLS 1.3"
t_end

t_begin "forged audit and reroute headers are removed"
send forged "127.0.0.1:$PF_PORT_MX" 1.3 --to rcpt@example.test \
    --header "X-TLS-Policy: forged.example; tls=TLSv1.3; rule=fake; action=accept" \
    --header "x-tls-policy-reroute: smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY" \
    --header "X-TLS-Policy: second forgery"
assert_eq 0 "$RC" "accepted"
f=$(delivered "$PF_SINK_MAIN" forged)
assert_match . "$f" "delivered to the main sink"
assert_eq "" "$(pf_sink_grep "$PF_SINK_LEGACY" '^X-E2E-Case: forged$')" "not rerouted by the client's header"
[ -n "$f" ] && {
    assert_match '^mx\.test\.invalid; tls=TLSv1\.3; .*rule=modern; action=accept$' "$(audit_of "$f")" "only our audit header"
    assert_eq "" "$(header "$f" X-TLS-Policy-Reroute)" "no reroute header"
    assert_eq "" "$(grep -iE 'forgery|forged\.example|rule=fake' "$f")" "no trace of the forgeries"
}
t_end

t_begin "STARTTLS without a new EHLO is still decided on its TLS version"
send noehlo-reject "127.0.0.1:$PF_PORT_MX" 1.0 --to rcpt@example.test --source 127.0.0.79 --ehlo-after-tls no
assert_eq 5 "$RC" "probe exit"
assert_eq "rejected 550 5.7.66 TLS 1.0 and 1.1 are not accepted here" "$LAST" "refused"
send noehlo-tag "127.0.0.1:$PF_PORT_MX" 1.1 --to rcpt@example.test --ehlo-after-tls no
assert_eq 0 "$RC" "accepted"
f=$(delivered "$PF_SINK_MAIN" noehlo-tag)
assert_match 'tls=TLSv1\.1; cipher=ECDHE-RSA-AES256-SHA; .*rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "audit header"
out=$(openssl_send --port "$PF_PORT_MX" --tls 1.0 --ehlo-after-tls no --to rcpt@example.test)
assert_match '^accepted 250 ' "$out" "openssl, no EHLO after TLS"
t_end

# ---------------------------------------------------------------- reloads

t_begin "SIGHUP reloads the policy"
cp "$(policy reloaded)" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
n=$(grep -c 'policy reloaded' "$MLOG")
kill -HUP "$MPID"
wait_for "[ \$(grep -c 'policy reloaded' '$MLOG') -gt $n ]" 10 || t_fail "no reload logged"
send after-hup "127.0.0.1:$PF_PORT_MX" 1.3 --to rcpt@example.test
f=$(delivered "$PF_SINK_MAIN" after-hup)
assert_match '; rule=modern-v2; action=accept$' "$(audit_of "$f")" "new policy in force"
e2e_pid_alive "$MPID" || t_fail "daemon gone"
t_end

t_begin "an invalid policy keeps the old one, and the log says why"
cp "$POLICIES/broken.yaml" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
kill -HUP "$MPID"
wait_for "grep -q 'reload failed, keeping the policy in force' '$MLOG'" 10 || t_fail "no reload failure logged"
assert_file_contains "$MLOG" "error: $MAIN:5:19: unknown TLS version \"TLSv1.4\""
send after-bad "127.0.0.1:$PF_PORT_MX" 1.3 --to rcpt@example.test
f=$(delivered "$PF_SINK_MAIN" after-bad)
assert_match '; rule=modern-v2; action=accept$' "$(audit_of "$f")" "old policy still in force"
e2e_pid_alive "$MPID" || t_fail "daemon gone"
t_end

t_begin "SIGUSR1 reloads too (recipient rules)"
cp "$(policy recipients)" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
n=$(grep -c 'policy reloaded' "$MLOG")
kill -USR1 "$MPID"
wait_for "[ \$(grep -c 'policy reloaded' '$MLOG') -gt $n ]" 10 || t_fail "no reload logged"
t_end

t_begin "recipient rules: one recipient deferred, the other delivered and tagged"
send rcpt-finance "127.0.0.1:$PF_PORT_MX" 1.0 --to a@finance.example --to b@other.example
assert_eq 0 "$RC" "accepted for the other recipient"
assert_file_contains "$E2E_WORK/tx/rcpt-finance" '450 4\.7\.66 finance only takes TLS 1\.2 or later'
f=$(delivered "$PF_SINK_MAIN" rcpt-finance)
assert_eq "<b@other.example> ORCPT=rfc822;b@other.example" "$(header "$f" X-Sink-Envelope-To)" "only b delivered"
assert_match '; rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "tagged"
wait_txn " $QID: "
expect_fields "$(txn_line " $QID: ")" "nrcpt=1 rule=mx-legacy action=tag"
expect_fields "$(txn_line ' rule=finance-modern-only ')" "action=defer reply=\"450 4.7.66\" nrcpt=0"
t_end

t_begin "recipient rules: postmaster exempt, the transaction's defer at the first other RCPT"
send rcpt-auth "127.0.0.1:$PF_PORT_SUBMISSION" 1.0 --auth alice:secret123 --to postmaster@example.test --to bob@example.test
assert_eq 4 "$RC" "deferred"
assert_file_contains "$E2E_WORK/tx/rcpt-auth" 'RCPT TO:<postmaster@example.test>'
assert_match "^deferred 421 4.7.66 " "$LAST" "421 at the second RCPT"
assert_eq 1 "$(grep -c '250 2.1.5' "$E2E_WORK/tx/rcpt-auth")" "postmaster accepted"
sleep 1
assert_eq "" "$(pf_sink_grep "$PF_SINK_MAIN" '^X-E2E-Case: rcpt-auth$')" "nothing delivered"
expect_fields "$(txn_line ' rule=auth-legacy ')" "action=defer reply=\"421 4.7.66\" nrcpt=1 auth=alice"
t_end

cp "$(policy main)" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
kill -HUP "$MPID"
wait_for "grep -q 'generation 4' '$MLOG'" 10

t_begin "a storm of SIGHUP/SIGUSR1 under load: always reload, never stop"
pids=()
for i in 1 2 3 4; do
    ( for j in $(seq 1 8); do
        "$PROBE" send "127.0.0.1:$PF_PORT_MX" --tls 1.3 --ehlo storm --to "s$i.$j@example.test" --quiet \
            --header "X-E2E-Case: storm-$i-$j" > /dev/null 2>&1 || echo "storm-$i-$j failed" >> "$E2E_WORK/storm.failed"
      done ) &
    pids+=($!)
done
for k in $(seq 1 400); do kill -HUP "$MPID" 2>/dev/null; done
for k in $(seq 1 200); do kill -USR1 "$MPID" 2>/dev/null; kill -HUP "$MPID" 2>/dev/null; done
wait "${pids[@]}"
sleep 1
e2e_pid_alive "$MPID" || t_fail "the daemon died"
assert_eq "" "$(cat "$E2E_WORK/storm.failed" 2>/dev/null)" "every message accepted"
assert_file_lacks "$MLOG" 'stopping|stopped|libmilter stopped'
wait_for "[ \$(grep -l '^X-E2E-Case: storm-' '$PF_SINK_MAIN'/*.eml | wc -l) -ge 32 ]" 20 \
    || t_fail "not all 32 storm messages delivered"
send after-storm "127.0.0.1:$PF_PORT_MX" 1.0 --to rcpt@example.test --source 127.0.0.79
assert_eq "rejected 550 5.7.66 TLS 1.0 and 1.1 are not accepted here" "$LAST" "still deciding"
t_end

# ---------------------------------------------------------------- log reopening

t_begin "SIGUSR2 reopens the log file"
mv "$TXN_LOG" "$TXN_LOG.1"
kill -USR2 "$MPID"
wait_for "grep -q 'log file reopened' '$MLOG'" 10 || t_fail "no reopen logged"
send after-reopen "127.0.0.1:$PF_PORT_MX" 1.3 --to rcpt@example.test
wait_txn " $QID: " || t_fail "no line in the new file"
assert_eq "" "$(grep " $QID: " "$TXN_LOG.1")" "not in the rotated file"
t_end

# ---------------------------------------------------------------- failures

t_begin "SIGTERM stops cleanly (exit 0)"
milter_stop
assert_eq 0 "$STOP_RC" "exit status"
assert_file_contains "$MLOG" 'SIGTERM: stopping'
assert_file_contains "$MLOG" '^milter-tlspolicy: stopped$'
t_end

milter_start "$MAIN" || exit 2

t_begin "SIGKILL: Postfix tempfails, nothing is lost, retries succeed after a restart"
# A transaction in flight (plaintext, by hand) when the daemon dies.
exec 5<>"/dev/tcp/127.0.0.1/$PF_PORT_MX"
smtp_line() { printf '%s\r\n' "$1" >&5; }
read_reply() { local l; while IFS= read -r -t 10 l <&5; do l=${l%$'\r'}; echo "$l"; [ "${l:3:1}" = " " ] && break; done; }
read_reply > /dev/null
smtp_line "EHLO inflight.test"; read_reply > /dev/null
smtp_line "MAIL FROM:<sender@client.test>"; read_reply > /dev/null
smtp_line "RCPT TO:<inflight@example.test>"; read_reply > /dev/null
smtp_line "DATA"; read_reply > /dev/null
kill -KILL "$MPID"; wait "$MPID" 2>/dev/null; MPID=
printf 'X-E2E-Case: inflight\r\nSubject: in flight\r\n\r\nbody\r\n.\r\n' >&5
r=$(read_reply | tail -n 1)
smtp_line QUIT; exec 5>&-
assert_match '^451 4\.7\.1 ' "$r" "in-flight message tempfailed ($r)"
send while-down "127.0.0.1:$PF_PORT_MX" none --to rcpt@example.test
assert_eq 4 "$RC" "new message tempfailed"
assert_match '^deferred 451 4\.7\.1 ' "$LAST" "451 while down"
send while-down-tls "127.0.0.1:$PF_PORT_MX" 1.3 --to rcpt@example.test
assert_match '^(deferred 45[14]|failed)' "$LAST" "TLS session refused while down ($LAST)"
sleep 1
assert_eq "" "$(pf_sink_grep "$PF_SINK_MAIN" '^X-E2E-Case: (inflight|while-down)')" "nothing passed unchecked"
pf_wait_queue_empty 10 || t_fail "mail left in the queue"
milter_start "$MAIN" || t_fail "restart failed"
send while-down "127.0.0.1:$PF_PORT_MX" none --to rcpt@example.test
assert_eq 0 "$RC" "retry accepted"
f=$(delivered "$PF_SINK_MAIN" while-down)
assert_match '; rule=default; action=accept$' "$(audit_of "$f")" "retry delivered with the audit header"
assert_eq 1 "$(pf_sink_grep "$PF_SINK_MAIN" '^X-E2E-Case: while-down$' | wc -l)" "delivered once"
milter_stop
assert_eq 0 "$STOP_RC" "exit status after the restart"
t_end

t_begin "daemon mode: detaches when ready, pid file, SIGTERM removes it"
out=$("$MILTER" -c "$MAIN" -p "inet:$MPORT@127.0.0.1" -L "$TXN_LOG" -P "$E2E_WORK/no/such/dir.pid" 2>&1)
assert_eq 2 $? "a failure after the fork still reaches the caller"
assert_match "error: cannot write pid file $E2E_WORK/no/such/dir.pid" "$out" "and the terminal"
rm -f "$E2E_WORK/d.pid"
"$MILTER" -c "$MAIN" -p "inet:$MPORT@127.0.0.1" -L "$TXN_LOG" -P "$E2E_WORK/d.pid"
assert_eq 0 $? "parent exits 0"
[ -s "$E2E_WORK/d.pid" ] || t_fail "no pid file when the parent returns"
dpid=$(cat "$E2E_WORK/d.pid" 2>/dev/null)
e2e_track "$dpid" milter-daemon
wait_for "ss -ltn | grep -q '127.0.0.1:$MPORT '" 10
assert_eq "$dpid" "$(ps -o sid= -p "$dpid" | tr -d ' ')" "own session"
send daemon-mode "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_eq 0 "$RC" "accepted"
wait_txn " $QID: .* rule=modern " || t_fail "no log line"
kill -TERM "$dpid"
wait_for "! kill -0 $dpid 2>/dev/null" 15 || t_fail "did not stop"
assert_eq "" "$(ls "$E2E_WORK/d.pid" 2>/dev/null)" "pid file removed"
t_end

t_begin "unix socket with -m and -u: owner, mode, privileges dropped"
SOCK=$E2E_WORK/sock/milter.sock
mkdir -p "$E2E_WORK/sock"; chmod 755 "$E2E_WORK/sock"
# a stale socket where ours goes, as a killed daemon leaves it
"$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$SOCK"
[ -S "$SOCK" ] || t_fail "could not make a stale socket"
milter_start "$MAIN" -p "unix:$SOCK" -m 0660 -u nobody:postfix || t_fail "no start"
assert_eq "srw-rw---- nobody postfix" "$(stat -c '%A %U %G' "$SOCK")" "socket mode and owner"
assert_eq "$(id -u nobody)" "$(awk '/^Uid:/ {print $2}' "/proc/$MPID/status")" "runs as nobody"
pf_set_milter "unix:$SOCK"
send unix-sock "127.0.0.1:$PF_PORT_MX" 1.1 --to rcpt@example.test
assert_eq 0 "$RC" "accepted"
f=$(delivered "$PF_SINK_MAIN" unix-sock)
assert_match '; rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "decided over the unix socket"
send unix-sock-auth "127.0.0.1:$PF_PORT_SUBMISSION" 1.0 --auth alice:secret123 --to rcpt@example.test
assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$LAST" "deferred over the unix socket"
milter_stop
assert_eq 0 "$STOP_RC" "exit status"
pf_set_milter "inet:127.0.0.1:$MPORT"
t_end

if [ -n "$MILTER_WRAPPER" ]; then
    echo "milter log (wrapper: $MILTER_WRAPPER): $MLOG"
fi
t_summary
