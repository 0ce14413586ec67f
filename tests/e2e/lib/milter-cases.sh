# shellcheck shell=bash
# milter-cases.sh -- the end-to-end matrix of milter-tlspolicy, shared by the Postfix and the Sendmail suite
#
# Both suites run the same cases against their real MTA (tests/e2e/postfix/test_milter.sh,
# tests/e2e/sendmail/test_milter.sh); only what the MTA itself does differently (its reply texts, how it
# names a client, how a message is rerouted or held) comes from the suite. Use (bash):
#     . tests/e2e/lib/postfix-harness.sh   (or sendmail-harness.sh: either sources common.sh)
#     . tests/e2e/lib/milter-cases.sh
#     mc_init                     # programs, root, work dir, milter port MPORT, TXN_LOG, MLOG
#     ... set the MC_* variables and define the mta_* hooks below, set up the MTA ...
#     (for the private Postfix, milter-cases-postfix.sh sources both libraries and does the MC_*/mta_* part)
#     mc_case_cli; mc_case_explain; milter_start "$MAIN"; <start the MTA>; mc_case_startup
#     mc_cases_actions; mc_case_exact_line; ...; t_summary
#
# What the suite provides (after its MTA is set up):
#   MC_MTA               postfix | sendmail (messages only)
#   MC_ACCEPTED          ERE for the client's last line when a message is accepted
#   MC_LOCALNAME         the client name the MTA reports for 127.0.0.1 and ::1 (no name for 127.0.0.77..81)
#   MC_VERIFY_TLS        the log's verify= for a TLS session without a client certificate ("-" if no {verify})
#   MC_REFUSED_QID       ERE for the start of the log line of a transaction refused at MAIL (before DATA)
#   MC_DOWN_DATA MC_DOWN_MAIL MC_DOWN_TLS   EREs: the reply to the end of data of a message in flight when
#                        the milter is killed; the last line for a plaintext message and for a TLS session
#                        while it is down
#   MC_SOCK_OWNER        USER:GROUP for the unix socket case (the MTA must be able to connect)
#   MC_IPV6              1 when the MTA also listens on [::1]
#   MC_SINK_LEGACY_PORT  filled into the policies (@SINK_LEGACY@)
#   MC_REROUTE_METHOD    filled into main.yaml (@REROUTE_METHOD@), default auto
#   mta_port mx|submission|legacy          the listener's port
#   mta_sink main|legacy                   the sink's directory
#   mta_sink_grep DIR REGEX                .eml files in DIR matching (grep -El)
#   mta_wait_sink_grep DIR REGEX [T]       wait until one matches; print its name
#   mta_check_rerouted FILE CASE           assertions on a rerouted message delivered to the legacy sink
#   mta_check_held QID CASE REASON         assertions on a held message (held with REASON, not delivered)
#   mta_reply ADDR "CODE XCODE TEXT"       the exact reply line the MTA sends when the milter refuses MAIL
#                                          (ADDR: the sender) or RCPT (ADDR: the recipient) with that reply
#   mta_envelope_to ADDR                   the sink's X-Sink-Envelope-To for a plain recipient ADDR
#   mta_set_milter inet|unix ADDRESS       point the MTA at the milter (inet: the port on 127.0.0.1)
#   mta_wait_queue_empty [T]               the MTA's queue is empty (held mail aside)
#
# Helpers for the suite's own cases: policy NAME, milter_start POLICY [ARGS], milter_stop (STOP_RC),
# send CASE HOST:PORT TLS [PROBE ARGS] (RC, LAST, QID; transcript in $E2E_WORK/tx/CASE), txn_line REGEX,
# wait_txn REGEX [T], header FILE NAME, delivered DIR CASE [T], expect_fields LINE "k=v ...",
# audit_of FILE, field_of LINE KEY.
#
# Environment: MILTER, PROBE (default: the build directory's), MILTER_WRAPPER (e.g. valgrind ...),
# KEEP_WORK=1.

[ -n "${_MC_LOADED:-}" ] && return 0
_MC_LOADED=1

MC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MC_POLICIES=$MC_DIR/policies
DEFER_TEXT="TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."
MC_REROUTE_METHOD=${MC_REROUTE_METHOD:-auto}
MC_REJECT_REPLY="550 5.7.66 TLS 1.0 and 1.1 are not accepted here"   # rule reject-legacy, at MAIL

# ---------------------------------------------------------------- set-up and helpers

mc_init() {
    MILTER=${MILTER:-$PWD/milter/milter-tlspolicy}
    PROBE=${PROBE:-$PWD/contrib/probe/tlspolicy-probe}
    MILTER_WRAPPER=${MILTER_WRAPPER:-}
    E2E_KILL_GRACE=${E2E_KILL_GRACE:-8}
    local f
    for f in "$MILTER" "$PROBE"; do
        [ -x "$f" ] || { echo "$0: $f not found (run from the build directory or set MILTER/PROBE)"; exit 2; }
    done
    [ "$(id -u)" = 0 ] || { echo "$0: needs root (private MTA instance)"; exit 2; }
    e2e_init
    mkdir -p "$E2E_WORK/tx" "$E2E_WORK/etc"
    e2e_alloc_port MPORT
    TXN_LOG=$E2E_WORK/txn.log
    MLOG=$E2E_WORK/milter.log
    MPID=
}

# policy NAME [REROUTE_METHOD]: the policy file with the placeholders filled in; prints its path.
policy() {
    local method=${2:-$MC_REROUTE_METHOD} out=$E2E_WORK/etc/$1${2:+-$2}.yaml
    sed -e "s/@SINK_LEGACY@/${MC_SINK_LEGACY_PORT:-25}/g" -e "s/@REROUTE_METHOD@/$method/g" \
        "$MC_POLICIES/$1.yaml" > "$out"
    echo "$out"
}

# install_policy NAME [METHOD]: replace the running policy file $MAIN atomically (then send a signal)
install_policy() {
    cp "$(policy "$@")" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
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

# reload SIGNAL: signal the daemon and wait until it logged one more "policy reloaded"
reload() {
    local n
    n=$(grep -c 'policy reloaded' "$MLOG")
    kill "-$1" "$MPID"
    wait_for "[ \$(grep -c 'policy reloaded' '$MLOG') -gt $n ]" 10 || t_fail "no reload logged"
}

# send CASE HOST:PORT TLS [PROBE ARGS...]: one message with tlspolicy-probe.
# Sets RC (0/4/5/2), LAST (the probe's last line), QID (queue id or ""); transcript in tx/CASE.
send() {
    local case=$1 target=$2 tls=$3; shift 3
    "$PROBE" send "$target" --tls "$tls" --ehlo e2e.client.test --from "sender@client.test" \
        --header "X-E2E-Case: $case" --subject "e2e $case" "$@" > "$E2E_WORK/tx/$case" 2>&1
    RC=$?
    LAST=$(tail -n 1 "$E2E_WORK/tx/$case")
    QID=$(mc_queue_id < "$E2E_WORK/tx/$case")
}

# mc_queue_id < TRANSCRIPT: the queue id in the last 250 after DATA (Postfix or Sendmail wording)
mc_queue_id() {
    sed -n -e 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' \
        -e 's/.*250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted for delivery.*/\1/p' | tail -n 1
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

# delivered DIR CASE [T]: the .eml of CASE in sink DIR (waits), or nothing.
delivered() { mta_wait_sink_grep "$1" "^X-E2E-Case: $2\$" "${3:-15}" | head -n 1; }

# in_sink DIR CASE: the .eml files of CASE in DIR now (no wait)
in_sink() { mta_sink_grep "$1" "^X-E2E-Case: $2\$"; }

# expect_fields LINE "k=v k=v ...": every k=v appears in the log line as a whole word.
expect_fields() {
    local line=$1 kv
    for kv in $2; do
        assert_match "(^| )$(printf '%s' "$kv" | sed 's/[][\.*^$+?(){}|]/\\&/g')( |$)" "$line" "log field $kv" || return 1
    done
}

# field_of LINE KEY: the value of KEY in a log line
field_of() { printf '%s\n' "$1" | sed -n "s/.* $2=\\([^ ]*\\).*/\\1/p"; }

audit_of() { header "$1" X-TLS-Policy; }

# mc_ere TEXT: TEXT as an ERE that matches only itself
mc_ere() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'; }

# name_of ADDR: the client name the MTA reports for a source address
name_of() { case $1 in 127.0.0.1|::1) echo "$MC_LOCALNAME" ;; *) echo unknown ;; esac; }

# ---------------------------------------------------------------- the command line (no MTA needed)

mc_case_cli() {
    local out
    t_begin "cli: -V, -h, bad option, -n, -t"
    out=$("$MILTER" -V); assert_eq 0 $? "-V exit"; assert_match '^milter-tlspolicy [0-9]' "$out" "-V output"
    out=$("$MILTER" -h); assert_eq 0 $? "-h exit"; assert_match '-t SESSION' "$out" "-h lists -t"
    "$MILTER" -Z > /dev/null 2>&1; assert_eq 1 $? "unknown option exit"
    "$MILTER" -n -t tls=none > /dev/null 2>&1; assert_eq 1 $? "-n with -t exit"
    out=$("$MILTER" -n -c "$MC_POLICIES/reloaded.yaml"); assert_eq 0 $? "-n valid exit"
    assert_eq "$MC_POLICIES/reloaded.yaml: OK (1 rule)" "$out" "-n valid output"
    out=$("$MILTER" -n -c "$MC_POLICIES/broken.yaml" 2>&1 >/dev/null); assert_eq 1 $? "-n invalid exit"
    assert_match "^$MC_POLICIES/broken.yaml:5:19: unknown TLS version \"TLSv1.4\"" "$out" "-n error FILE:LINE:COL"
    "$MILTER" -n -c "$E2E_WORK/none.yaml" > /dev/null 2>&1; assert_eq 1 $? "-n missing file exit"
    t_end
}

# after MAIN=$(policy main)
mc_case_explain() {
    local out
    t_begin "cli: -t explains reply and headers"
    out=$("$MILTER" -c "$MAIN" -t 'tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA client=192.0.2.7 auth=alice'); assert_eq 0 $? "-t exit"
    assert_match "rule: auth-legacy" "$out" "-t rule"
    assert_match "mode: enforce" "$out" "-t mode"
    assert_match "rollout: 100% in force, this session selected" "$out" "-t rollout"
    assert_match "reply: 421 4.7.66 $DEFER_TEXT" "$out" "-t reply"
    out=$("$MILTER" -c "$MAIN" -t 'tls=TLSv1 client=192.0.2.7 listener=legacy-in')
    assert_match "header: X-TLS-Policy: .*rule=legacy-listener;" "$out" "-t audit header"
    [ "$MC_REROUTE_METHOD" = auto ] && [ "$MC_MTA" = postfix ] &&
        assert_match "header: X-TLS-Policy-Reroute: smtp:\[127.0.0.1\]:$MC_SINK_LEGACY_PORT" "$out" "-t reroute header"
    out=$("$MILTER" -c "$MAIN" -t 'tls=TLSv1 client=127.0.0.81')
    assert_match "skipped: canary \(rollout 0% in force, this session not selected\)" "$out" "-t skipped rollout"
    "$MILTER" -c "$MAIN" -t 'tls=TLSv1 bogus' > /dev/null 2>&1; assert_eq 1 $? "-t bad word exit"
    t_end
}

# after milter_start "$MAIN" -P "$E2E_WORK/milter.pid"
mc_case_startup() {
    local p2
    t_begin "start-up: pid file; a second daemon on the same port exits 2"
    assert_eq "$MPID" "$(cat "$E2E_WORK/milter.pid" 2>/dev/null)" "pid file"
    "$MILTER" -f -d -c "$MAIN" -p "inet:$MPORT@127.0.0.1" > "$E2E_WORK/second.log" 2>&1 &
    p2=$!; wait "$p2"; assert_eq 2 $? "a second daemon on the same port exits 2"
    assert_file_lacks "$MLOG" 'does not offer smfi_setsymlist'
    t_end
}

# ---------------------------------------------------------------- one case per action and TLS version
#
# name | listener | tls | auth | source | expect: probe exit, last line regex (ACCEPTED: the MTA's) |
# log fields | sink (main, legacy, hold, none)
MC_ACTION_CASES=(
 "mx-tls13|mx|1.3|-|127.0.0.1|0|ACCEPTED|rule=modern action=accept mode=enforce tls=TLSv1.3 listener=mx-in auth=-|main"
 "mx-tls12|mx|1.2|-|127.0.0.1|0|ACCEPTED|rule=modern action=accept tls=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256|main"
 "mx-tls11|mx|1.1|-|127.0.0.1|0|ACCEPTED|rule=mx-legacy action=tag tls=TLSv1.1 cipher=ECDHE-RSA-AES256-SHA|main"
 "mx-tls10|mx|1.0|-|127.0.0.1|0|ACCEPTED|rule=mx-legacy action=tag tls=TLSv1|main"
 "mx-plain|mx|none|-|127.0.0.1|0|ACCEPTED|rule=default action=accept tls=none cipher=- bits=-|main"
 "sub-tls10-auth|submission|1.0|alice:secret123|127.0.0.1|4|^deferred 421 4.7.66 $DEFER_TEXT\$|rule=auth-legacy action=defer mode=enforce selected=yes percent=100 auth=alice tls=TLSv1 nrcpt=0|none"
 "sub-tls11-auth|submission|1.1|bob:secret456|127.0.0.1|4|^deferred 421 4.7.66 $DEFER_TEXT\$|rule=auth-legacy action=defer auth=bob tls=TLSv1.1|none"
 "sub-tls12-auth|submission|1.2|alice:secret123|127.0.0.1|0|ACCEPTED|rule=modern action=accept auth=alice listener=submission-in|main"
 "sub-tls13-auth|submission|1.3|alice:secret123|127.0.0.1|0|ACCEPTED|rule=modern auth=alice tls=TLSv1.3|main"
 "sub-tls10-noauth|submission|1.0|-|127.0.0.1|0|ACCEPTED|rule=mx-legacy action=tag auth=-|main"
 "sub-plain-noauth|submission|none|-|127.0.0.1|0|ACCEPTED|rule=default action=accept auth=- tls=none|main"
 "legacy-tls10|legacy|1.0|-|127.0.0.1|0|ACCEPTED|rule=legacy-listener action=reroute listener=legacy-in relay=smtp:[127.0.0.1]:SINKPORT|legacy"
 "legacy-tls11|legacy|1.1|-|127.0.0.1|0|ACCEPTED|rule=legacy-listener action=reroute tls=TLSv1.1|legacy"
 "legacy-tls13|legacy|1.3|-|127.0.0.1|0|ACCEPTED|rule=modern listener=legacy-in relay=-|main"
 "printer-tls10|mx|1.0|-|127.0.0.77|0|ACCEPTED|rule=printers action=tag client=unknown[127.0.0.77]|main"
 "printer-tls13|mx|1.3|-|127.0.0.77|0|ACCEPTED|rule=modern client=unknown[127.0.0.77]|main"
 "hold-tls11|mx|1.1|-|127.0.0.78|0|ACCEPTED|rule=hold-legacy action=hold mode=enforce|hold"
 "reject-tls10|mx|1.0|-|127.0.0.79|5|REJECTED|rule=reject-legacy action=reject reply=\"550 5.7.66\" nrcpt=0|none"
 "reject-plain|mx|none|-|127.0.0.79|0|ACCEPTED|rule=default tls=none|main"
 "shadow-tls10|mx|1.0|-|127.0.0.80|0|ACCEPTED|rule=shadow action=defer mode=report-only reply=-|main"
 "shadowtag-tls10|mx|1.0|-|127.0.0.82|0|ACCEPTED|rule=shadow-tag action=tag mode=report-only|main"
 "canary-tls11|mx|1.1|-|127.0.0.81|0|ACCEPTED|rule=mx-legacy action=tag selected=- skipped=canary|main"
)

mc_cases_actions() {
    MC_REJECTED=$(mta_reply sender@client.test "$MC_REJECT_REPLY")
    local c name lst tls auth src want_rc want_last fields sink args line dir other f audit rule action tlsv
    local verify
    for c in "${MC_ACTION_CASES[@]}"; do
        IFS='|' read -r name lst tls auth src want_rc want_last fields sink <<< "$c"
        [ "$want_last" = ACCEPTED ] && want_last=$MC_ACCEPTED
        [ "$want_last" = REJECTED ] && want_last="^$(mc_ere "rejected $MC_REJECTED")\$"
        fields=${fields//SINKPORT/$MC_SINK_LEGACY_PORT}
        t_begin "action: $name"
        args=(--to "rcpt@example.test" --source "$src")
        [ "$auth" != - ] && args+=(--auth "$auth")
        send "$name" "127.0.0.1:$(mta_port "$lst")" "$tls" "${args[@]}"
        assert_eq "$want_rc" "$RC" "probe exit ($LAST)"
        assert_match "$want_last" "$LAST" "client's last reply"
        if [ -n "$QID" ]; then
            wait_txn "^.* $QID: " || t_fail "no log line for $QID"
            line=$(txn_line " $QID: ")
        else
            line=$(txn_line " client=[^ ]*\[$src\] .* listener=$lst-in ")
            assert_match "$MC_REFUSED_QID" "$line" "refused at MAIL: the queue id field"
        fi
        if [ "$tls" = none ]; then verify=-; else verify=$MC_VERIFY_TLS; fi
        case $fields in *skipped=*) ;; *) fields="$fields skipped=-" ;; esac
        expect_fields "$line" "$fields helo=e2e.client.test from=<sender@client.test> verify=$verify client=$(name_of "$src")[$src]"
        case $sink in
        main|legacy)
            if [ $sink = main ]; then dir=$(mta_sink main) other=$(mta_sink legacy)
            else dir=$(mta_sink legacy) other=$(mta_sink main); fi
            f=$(delivered "$dir" "$name")
            if [ -z "$f" ]; then t_fail "not delivered to the $sink sink"; else
                assert_eq "" "$(in_sink "$other" "$name")" "not in the other sink"
                audit=$(audit_of "$f")
                assert_eq 1 "$(printf '%s\n' "$audit" | grep -c .)" "exactly one audit header"
                rule=$(field_of "$line" rule)
                action=$(field_of "$line" action)
                tlsv=$(field_of "$line" tls)
                assert_match "^mx\.test\.invalid; tls=$tlsv; .*client=$(name_of "$src") \[$src\]; listener=$lst-in; .*rule=$rule; action=$action" \
                    "$audit" "audit header"
                case $name in
                mx-tls1[01]|sub-tls10-noauth|printer-tls10|canary-*) assert_match '; legacy=yes$' "$audit" "legacy mark" ;;
                shadow-*) assert_match '; action=defer; mode=report-only$' "$audit" "report-only mark" ;;
                shadowtag-*) assert_match '; action=tag; mode=report-only$' "$audit" "report-only, no legacy mark" ;;
                *) assert_match "; action=$action\$" "$audit" "no marks" ;;
                esac
                # folded, no line over 78 columns
                assert_eq "" "$(sed -n '/^X-TLS-Policy:/,/^[^ \t]/p' "$f" | sed '$d' | awk 'length($0) > 78')" "folded at 78"
                if [ $sink = legacy ]; then
                    mta_check_rerouted "$f" "$name"
                else
                    assert_eq "" "$(header "$f" X-TLS-Policy-Reroute)" "no reroute header"
                    assert_eq "$(mta_envelope_to rcpt@example.test)" "$(header "$f" X-Sink-Envelope-To)" "envelope recipient"
                fi
                [ $name = printer-tls10 ] && assert_eq "[LEGACY TLS] e2e $name" "$(header "$f" Subject)" "subject prefix"
                case $name in printer-tls13|shadowtag-*) assert_eq "e2e $name" "$(header "$f" Subject)" "subject unchanged" ;; esac
            fi ;;
        hold)
            mta_check_held "$QID" "$name" "legacy TLS from a quarantined host" ;;
        none)
            assert_eq "" "$(in_sink "$(mta_sink main)" "$name")" "not delivered" ;;
        esac
        t_end
    done
}

# ---------------------------------------------------------------- single cases

mc_case_exact_line() {
    local line
    t_begin "log line: every key, in order, exact values"
    send exact-line "127.0.0.1:$(mta_port submission)" 1.3 --to "rcpt@example.test" --to "two@example.test" --auth alice:secret123
    wait_txn " $QID: "
    line=$(txn_line " $QID: ")
    assert_eq "$QID: client=${MC_LOCALNAME}[127.0.0.1] helo=e2e.client.test listener=submission-in port=$(mta_port submission) auth=alice tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=$MC_VERIFY_TLS from=<sender@client.test> nrcpt=2 rule=modern action=accept mode=enforce selected=- percent=- skipped=- reply=- relay=-" \
        "$line" "log line"
    assert_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2} [^ ]+ milter-tlspolicy\[[0-9]+\]: ' \
        "$(grep " $QID: " "$TXN_LOG")" "timestamp, host, ident prefix"
    t_end
}

mc_case_openssl() {
    local out
    t_begin "openssl client too (smtp_send): TLS 1.0 deferred by 421 at MAIL and the connection closed; TLS 1.3 accepted"
    out=$(smtp_send --port "$(mta_port submission)" --tls 1.0 --auth alice:secret123 --to rcpt@example.test)
    assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$(printf '%s\n' "$out" | tail -n 1)" "openssl TLS 1.0"
    assert_eq "C: MAIL FROM:<sender@client.test.invalid>|S: 421 4.7.66 $DEFER_TEXT|S: (connection closed by the server)" \
        "$(printf '%s\n' "$out" | grep -A2 '^C: MAIL' | paste -sd'|')" "421 answers MAIL, then the server hangs up"
    out=$(smtp_send --port "$(mta_port submission)" --tls 1.3 --auth alice:secret123 --to rcpt@example.test | tail -n 1)
    assert_match "^${MC_ACCEPTED#^}" "$out" "openssl TLS 1.3"
    t_end
}

mc_case_forged() {
    local f
    t_begin "forged audit and reroute headers are removed"
    send forged "127.0.0.1:$(mta_port mx)" 1.3 --to rcpt@example.test \
        --header "X-TLS-Policy: forged.example; tls=TLSv1.3; rule=fake; action=accept" \
        --header "x-tls-policy-reroute: smtp:[127.0.0.1]:$MC_SINK_LEGACY_PORT" \
        --header "X-TLS-Policy: second forgery"
    assert_eq 0 "$RC" "accepted"
    f=$(delivered "$(mta_sink main)" forged)
    assert_match . "$f" "delivered to the main sink"
    assert_eq "" "$(in_sink "$(mta_sink legacy)" forged)" "not rerouted by the client's header"
    [ -n "$f" ] && {
        assert_match '^mx\.test\.invalid; tls=TLSv1\.3; .*rule=modern; action=accept$' "$(audit_of "$f")" "only our audit header"
        assert_eq "" "$(header "$f" X-TLS-Policy-Reroute)" "no reroute header"
        assert_eq "" "$(grep -iE 'forgery|forged\.example|rule=fake' "$f")" "no trace of the forgeries"
    }
    t_end
}

mc_case_noehlo() {
    local f out
    t_begin "STARTTLS without a new EHLO is still decided on its TLS version"
    send noehlo-reject "127.0.0.1:$(mta_port mx)" 1.0 --to rcpt@example.test --source 127.0.0.79 --ehlo-after-tls no
    assert_eq 5 "$RC" "probe exit"
    assert_eq "rejected $(mta_reply sender@client.test "$MC_REJECT_REPLY")" "$LAST" "refused"
    send noehlo-tag "127.0.0.1:$(mta_port mx)" 1.1 --to rcpt@example.test --ehlo-after-tls no
    assert_eq 0 "$RC" "accepted"
    f=$(delivered "$(mta_sink main)" noehlo-tag)
    assert_match 'tls=TLSv1\.1; cipher=ECDHE-RSA-AES256-SHA; .*rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "audit header"
    out=$(smtp_send --port "$(mta_port mx)" --tls 1.0 --ehlo-after-tls no --to rcpt@example.test | tail -n 1)
    assert_match "^${MC_ACCEPTED#^}" "$out" "openssl, no EHLO after TLS"
    wait_txn " $(printf '%s\n' "$out" | mc_queue_id): .* tls=TLSv1 .* rule=mx-legacy " || t_fail "openssl session not decided on TLSv1"
    t_end
}

# A session with no HELO at all (allowed by default on both MTAs) is still logged with its client,
# listener and port, and decided like any other plaintext session.
mc_case_nohelo() {
    local out qid
    t_begin "a session with no HELO at all: client, listener and port still known"
    out=$(smtp_send --port "$(mta_port mx)" --tls none --ehlo none --to rcpt@example.test | tail -n 1)
    assert_match "^${MC_ACCEPTED#^}" "$out" "accepted without HELO"
    qid=$(printf '%s\n' "$out" | mc_queue_id)
    if [ -z "$qid" ]; then t_fail "no queue id in \"$out\""; t_end; return; fi
    wait_txn " $qid: " || t_fail "no log line for $qid"
    assert_match "^$qid: client=${MC_LOCALNAME}\[127\.0\.0\.1\] helo=- listener=mx-in port=$(mta_port mx) auth=- tls=none " \
        "$(txn_line " $qid: ")" "log line"
    t_end
}

mc_case_ipv6() {
    local f line
    if [ "${MC_IPV6:-0}" != 1 ]; then t_skip "IPv6 client" "no ::1 here"; return 0; fi
    t_begin "IPv6 client ::1: the same address text in the audit header and the log line"
    send ipv6-tls10 "[::1]:$(mta_port mx)" 1.0 --to rcpt@example.test
    assert_eq 0 "$RC" "accepted ($LAST)"
    f=$(delivered "$(mta_sink main)" ipv6-tls10)
    assert_match "; client=$MC_LOCALNAME \[::1\]; listener=mx-in; auth=-; rule=mx-legacy; action=tag; legacy=yes\$" \
        "$(audit_of "$f")" "audit header"
    wait_txn " $QID: " || t_fail "no log line"
    line=$(txn_line " $QID: ")
    expect_fields "$line" "client=${MC_LOCALNAME}[::1] tls=TLSv1 rule=mx-legacy"
    assert_no_match 'IPv6:' "$line$(audit_of "$f")" "no MTA-specific address form"
    send ipv6-plain "[::1]:$(mta_port mx)" none --to rcpt@example.test
    wait_txn " $QID: " || t_fail "no log line"
    expect_fields "$(txn_line " $QID: ")" "client=${MC_LOCALNAME}[::1] tls=none rule=default"
    t_end
}

# ---------------------------------------------------------------- reloads

mc_case_sighup() {
    local f
    t_begin "SIGHUP reloads the policy"
    install_policy reloaded
    reload HUP
    send after-hup "127.0.0.1:$(mta_port mx)" 1.3 --to rcpt@example.test
    f=$(delivered "$(mta_sink main)" after-hup)
    assert_match '; rule=modern-v2; action=accept$' "$(audit_of "$f")" "new policy in force"
    e2e_pid_alive "$MPID" || t_fail "daemon gone"
    t_end
}

mc_case_bad_reload() {
    local f
    t_begin "an invalid policy keeps the old one, and the log says why"
    cp "$MC_POLICIES/broken.yaml" "$MAIN.new" && mv "$MAIN.new" "$MAIN"
    kill -HUP "$MPID"
    wait_for "grep -q 'reload failed, keeping the policy in force' '$MLOG'" 10 || t_fail "no reload failure logged"
    assert_file_contains "$MLOG" "error: $MAIN:5:19: unknown TLS version \"TLSv1.4\""
    send after-bad "127.0.0.1:$(mta_port mx)" 1.3 --to rcpt@example.test
    f=$(delivered "$(mta_sink main)" after-bad)
    assert_match '; rule=modern-v2; action=accept$' "$(audit_of "$f")" "old policy still in force"
    e2e_pid_alive "$MPID" || t_fail "daemon gone"
    t_end
}

mc_cases_recipients() {
    local f tx
    t_begin "SIGUSR1 reloads too (recipient rules)"
    install_policy recipients
    reload USR1
    t_end

    t_begin "recipient rules: 450 and 451 for one recipient each, the third delivered and tagged"
    send rcpt-finance "127.0.0.1:$(mta_port mx)" 1.0 --to a@finance.example --to h@hr.example --to b@other.example
    assert_eq 0 "$RC" "accepted for the other recipient"
    tx=$E2E_WORK/tx/rcpt-finance
    assert_eq "$(mta_reply a@finance.example "450 4.7.66 finance only takes TLS 1.2 or later")" \
        "$(grep -A1 'RCPT TO:<a@finance.example>' "$tx" | tail -n 1 | sed 's/^<~ //')" "reply to the finance recipient"
    assert_eq "$(mta_reply h@hr.example "451 4.7.66 hr only takes TLS 1.2 or later")" \
        "$(grep -A1 'RCPT TO:<h@hr.example>' "$tx" | tail -n 1 | sed 's/^<~ //')" "reply to the hr recipient"
    f=$(delivered "$(mta_sink main)" rcpt-finance)
    assert_eq "$(mta_envelope_to b@other.example)" "$(header "$f" X-Sink-Envelope-To)" "only b delivered"
    assert_match '; rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "tagged"
    wait_txn " $QID: .* nrcpt=1 "
    expect_fields "$(txn_line " $QID: .* nrcpt=1 ")" "nrcpt=1 rule=mx-legacy action=tag"
    # each refused recipient has its own line
    expect_fields "$(txn_line ' rule=finance-modern-only ')" "action=defer reply=\"450 4.7.66\" nrcpt=0"
    expect_fields "$(txn_line ' rule=hr-modern-only ')" "action=defer reply=\"451 4.7.66\" nrcpt=0"
    t_end

    t_begin "recipient rules: postmaster exempt, the transaction's 421 at the first other RCPT ends the session"
    send rcpt-auth "127.0.0.1:$(mta_port submission)" 1.0 --auth alice:secret123 --to postmaster@example.test --to bob@example.test
    assert_eq 4 "$RC" "deferred"
    tx=$E2E_WORK/tx/rcpt-auth
    assert_file_contains "$tx" 'RCPT TO:<postmaster@example.test>'
    assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$LAST" "421 at the second RCPT"
    assert_eq 1 "$(grep -c '250 2.1.5' "$tx")" "postmaster accepted"
    assert_eq "" "$(grep -A5 'RCPT TO:<bob@example.test>' "$tx" | tail -n +2 | grep -E '^(~>|->) ')" "nothing sent after the 421"
    sleep 1
    assert_eq "" "$(in_sink "$(mta_sink main)" rcpt-auth)" "nothing delivered"
    expect_fields "$(txn_line ' rule=auth-legacy ')" "action=defer reply=\"421 4.7.66\" nrcpt=1 auth=alice"
    t_end
}

mc_case_storm() {
    local pids=() i j _
    t_begin "a storm of SIGHUP/SIGUSR1 under load: always reload, never stop"
    for i in 1 2 3 4; do
        ( for j in $(seq 1 8); do
            "$PROBE" send "127.0.0.1:$(mta_port mx)" --tls 1.3 --ehlo storm --to "s$i.$j@example.test" --quiet \
                --header "X-E2E-Case: storm-$i-$j" > /dev/null 2>&1 || echo "storm-$i-$j failed" >> "$E2E_WORK/storm.failed"
          done ) &
        pids+=($!)
    done
    for _ in $(seq 1 400); do kill -HUP "$MPID" 2>/dev/null; done
    for _ in $(seq 1 200); do kill -USR1 "$MPID" 2>/dev/null; kill -HUP "$MPID" 2>/dev/null; done
    wait "${pids[@]}"
    sleep 1
    e2e_pid_alive "$MPID" || t_fail "the daemon died"
    assert_eq "" "$(cat "$E2E_WORK/storm.failed" 2>/dev/null)" "every message accepted"
    assert_file_lacks "$MLOG" 'stopping|stopped|libmilter stopped'
    wait_for "[ \$(grep -l '^X-E2E-Case: storm-' '$(mta_sink main)'/*.eml | wc -l) -ge 32 ]" 20 \
        || t_fail "not all 32 storm messages delivered"
    send after-storm "127.0.0.1:$(mta_port mx)" 1.0 --to rcpt@example.test --source 127.0.0.79
    assert_eq "rejected $(mta_reply sender@client.test "$MC_REJECT_REPLY")" "$LAST" "still deciding"
    t_end
}

mc_case_reopen() {
    t_begin "SIGUSR2 reopens the log file"
    mv "$TXN_LOG" "$TXN_LOG.1"
    kill -USR2 "$MPID"
    wait_for "grep -q 'log file reopened' '$MLOG'" 10 || t_fail "no reopen logged"
    send after-reopen "127.0.0.1:$(mta_port mx)" 1.3 --to rcpt@example.test
    wait_txn " $QID: " || t_fail "no line in the new file"
    assert_eq "" "$(grep " $QID: " "$TXN_LOG.1")" "not in the rotated file"
    t_end
}

# ---------------------------------------------------------------- failures

mc_case_sigterm() {
    t_begin "SIGTERM stops cleanly (exit 0)"
    milter_stop
    assert_eq 0 "$STOP_RC" "exit status"
    assert_file_contains "$MLOG" 'SIGTERM: stopping'
    assert_file_contains "$MLOG" '^milter-tlspolicy: stopped$'
    t_end
}

_mc_smtp_line() { printf '%s\r\n' "$1" >&5; }
_mc_read_reply() { local l; while IFS= read -r -t 10 l <&5; do l=${l%$'\r'}; echo "$l"; [ "${l:3:1}" = " " ] && break; done; }
# _mc_smtp_open PORT LINE...: a plaintext session by hand on descriptor 5 to 127.0.0.1:PORT; after the
# greeting each LINE is sent and its reply read (and dropped). The caller goes on, and closes 5.
_mc_smtp_open() {
    local line
    exec 5<>"/dev/tcp/127.0.0.1/$1"
    shift
    _mc_read_reply > /dev/null
    for line in "$@"; do _mc_smtp_line "$line"; _mc_read_reply > /dev/null; done
}

# with the daemon running (milter_start "$MAIN"); leaves it stopped
mc_case_sigkill() {
    local r f
    t_begin "SIGKILL: $MC_MTA tempfails, nothing is lost, retries succeed after a restart"
    # A transaction in flight (plaintext, by hand) when the daemon dies.
    _mc_smtp_open "$(mta_port mx)" "EHLO inflight.test" "MAIL FROM:<sender@client.test>" \
        "RCPT TO:<inflight@example.test>" DATA
    kill -KILL "$MPID"; wait "$MPID" 2>/dev/null; MPID=
    printf 'X-E2E-Case: inflight\r\nSubject: in flight\r\n\r\nbody\r\n.\r\n' >&5
    r=$(_mc_read_reply | tail -n 1)
    _mc_smtp_line QUIT; exec 5>&-
    assert_match "$MC_DOWN_DATA" "$r" "in-flight message tempfailed ($r)"
    send while-down "127.0.0.1:$(mta_port mx)" none --to rcpt@example.test
    assert_eq 4 "$RC" "new message tempfailed"
    assert_match "$MC_DOWN_MAIL" "$LAST" "plaintext while down"
    send while-down-tls "127.0.0.1:$(mta_port mx)" 1.3 --to rcpt@example.test
    assert_match "$MC_DOWN_TLS" "$LAST" "TLS session refused while down"
    sleep 1
    assert_eq "" "$(mta_sink_grep "$(mta_sink main)" '^X-E2E-Case: (inflight|while-down)')" "nothing passed unchecked"
    mta_wait_queue_empty 10 || t_fail "mail left in the queue"
    milter_start "$MAIN" || t_fail "restart failed"
    send while-down "127.0.0.1:$(mta_port mx)" none --to rcpt@example.test
    assert_eq 0 "$RC" "retry accepted"
    f=$(delivered "$(mta_sink main)" while-down)
    assert_match '; rule=default; action=accept$' "$(audit_of "$f")" "retry delivered with the audit header"
    sleep 1
    assert_eq 1 "$(in_sink "$(mta_sink main)" while-down | wc -l)" "delivered once"
    milter_stop
    assert_eq 0 "$STOP_RC" "exit status after the restart"
    t_end
}

mc_case_daemon_mode() {
    local out dpid
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
    send daemon-mode "127.0.0.1:$(mta_port mx)" 1.2 --to rcpt@example.test
    assert_eq 0 "$RC" "accepted"
    wait_txn " $QID: .* rule=modern " || t_fail "no log line"
    kill -TERM "$dpid"
    wait_for "! kill -0 $dpid 2>/dev/null" 15 || t_fail "did not stop"
    assert_eq "" "$(ls "$E2E_WORK/d.pid" 2>/dev/null)" "pid file removed"
    t_end
}

mc_case_unix_socket() {
    local sock=$E2E_WORK/sock/milter.sock f
    t_begin "unix socket with -m and -u: owner, mode, privileges dropped"
    mkdir -p "$E2E_WORK/sock"; chmod 755 "$E2E_WORK/sock"
    # a stale socket where ours goes, as a killed daemon leaves it
    "$PYTHON" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
    [ -S "$sock" ] || t_fail "could not make a stale socket"
    milter_start "$MAIN" -p "unix:$sock" -m 0660 -u "$MC_SOCK_OWNER" || t_fail "no start"
    assert_eq "srw-rw---- ${MC_SOCK_OWNER%%:*} ${MC_SOCK_OWNER#*:}" "$(stat -c '%A %U %G' "$sock")" "socket mode and owner"
    assert_eq "$(id -u "${MC_SOCK_OWNER%%:*}")" "$(awk '/^Uid:/ {print $2}' "/proc/$MPID/status")" "runs as ${MC_SOCK_OWNER%%:*}"
    mta_set_milter unix "$sock"
    send unix-sock "127.0.0.1:$(mta_port mx)" 1.1 --to rcpt@example.test
    assert_eq 0 "$RC" "accepted"
    f=$(delivered "$(mta_sink main)" unix-sock)
    assert_match '; rule=mx-legacy; action=tag; legacy=yes$' "$(audit_of "$f")" "decided over the unix socket"
    send unix-sock-auth "127.0.0.1:$(mta_port submission)" 1.0 --auth alice:secret123 --to rcpt@example.test
    assert_eq "deferred 421 4.7.66 $DEFER_TEXT" "$LAST" "deferred over the unix socket"
    milter_stop
    assert_eq 0 "$STOP_RC" "exit status"
    mta_set_milter inet "$MPORT"
    t_end
}

# The cases every MTA shares after its own: reloads, recipient rules, signals, restarts.
mc_cases_lifecycle() {
    mc_case_sighup
    mc_case_bad_reload
    mc_cases_recipients
    install_policy main
    reload HUP

    mc_case_storm
    mc_case_reopen
    mc_case_sigterm
    milter_start "$MAIN" || exit 2
    mc_case_sigkill
    mc_case_daemon_mode
    mc_case_unix_socket

    if [ -n "$MILTER_WRAPPER" ]; then
        echo "milter log (wrapper: $MILTER_WRAPPER): $MLOG"
    fi
}
