#!/bin/bash
# postfix-harness.sh -- a private, throwaway Postfix 3.7 instance on loopback for end-to-end tests.
#
# As a library (bash):
#     . tests/e2e/lib/postfix-harness.sh        # also sources common.sh
#     e2e_init                                   # work dir + cleanup trap (stops Postfix, kills sinks, rm -rf)
#     HARNESS_MILTER=inet:127.0.0.1:$port pf_setup && pf_start
#     smtp_send --port "$PF_PORT_MX" --tls 1.0 --to a@example.test; pf_wait_sink "$PF_SINK_MAIN" 1 10
# By hand:
#     tests/e2e/lib/postfix-harness.sh setup DIR    # configure only (prints the variables)
#     tests/e2e/lib/postfix-harness.sh start DIR    # start sinks + postfix (setup first if DIR is new)
#     tests/e2e/lib/postfix-harness.sh stop DIR     # stop postfix, kill this harness's sinks (by PID)
#     tests/e2e/lib/postfix-harness.sh status DIR   # show variables and what runs
#   (then `. DIR/harness.env` gives the same PF_* variables in your shell; rm -rf DIR when done)
#
# What it builds under PF_DIR (nothing under /etc/postfix is changed, nor read but for one look noted below: a
# configured -- or broken -- system Postfix makes no difference; tests/e2e/postfix/test_harness.sh proves it
# with strace -f):
#   etc/main.cf              generated entirely (below)
#   etc/master.cf            the package's pristine copy (PF_TEMPLATE_MASTER_CF, default
#                            /usr/share/postfix/master.cf.dist, which is not a conffile), minus its port-25 smtpd
#                            and submission/smtps, every service chroot=n, plus our listeners
#                            (private config dir PF_CONF: `postfix -c PF_DIR/etc ...`; kept apart from queue/ so
#                            `postfix start`'s ownership checks stay quiet and fast)
#   meta/                    a private meta_directory (Debian's is /etc/postfix, whose postfix-files and
#                            dynamicmaps.cf are conffiles or generated): postfix-files generated (the queue and
#                            data directories that `post-install create-missing` makes), dynamicmaps.cf from
#                            PF_TEMPLATE_DYNAMICMAPS (default /usr/share/postfix/dynamicmaps.cf) keeping only the
#                            map types whose plugin is installed (pcre for milter_header_checks)
#   The one remaining look: the package's postfix-script (run by `postfix start|reload`) tests whether
#   /etc/postfix/main.cf exists and, if so, asks it for multi_instance_directories (harmless: our
#   config_directory is in no such list, and a broken main.cf only makes postconf warn).
#   queue/ data/             queue_directory (root) and data_directory (postfix)
#   log/maillog              maillog_file, written by postlogd (no syslog needed)
#   tls/                     test PKI from mkcerts.sh (server cert CN=mx.test.invalid, CA, client + rogue certs)
#   etc/sasl/smtpd.conf, etc/sasl/sasldb2  Cyrus SASL (auxprop/sasldb, PLAIN LOGIN): alice/secret123, bob/secret456
#   etc/milter_header_checks.pcre  /^X-TLS-Policy-Reroute:\s*(\S+)$/ FILTER $1
#   sink-main/ sink-legacy/  *.eml delivered by Postfix to the two python sinks (sink.py)
#   pids harness.env         recorded PIDs (sinks, postfix master) and the PF_* variables
# Listeners (127.0.0.1, plus [::1] on the same port when PF_IPV6=1; default: on if ::1 exists):
#   mx          PF_PORT_MX          milter_macro_daemon_name=mx-in
#   submission  PF_PORT_SUBMISSION  milter_macro_daemon_name=submission-in, SASL AUTH, smtpd_tls_auth_only=yes
#   legacy      PF_PORT_LEGACY      milter_macro_daemon_name=legacy-in
#   All use smtpd_milters=$HARNESS_MILTER (empty: no milter).  relayhost = [127.0.0.1]:PF_PORT_SINK_MAIN;
#   a milter-added "X-TLS-Policy-Reroute: smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY" header reroutes to the legacy sink.
#
# API (after pf_setup):
#   PF_DIR PF_CONF PF_NAME   instance dir; its config dir (postfix -c "$PF_CONF"); unique name (= syslog_name)
#   PF_PORT_MX PF_PORT_SUBMISSION PF_PORT_LEGACY      listener ports (TCP, loopback)
#   PF_PORT_SINK_MAIN PF_PORT_SINK_LEGACY             sink ports; PF_SINK_MAIN PF_SINK_LEGACY: their dirs
#   PF_LOG                   maillog path          PF_CA PF_CLIENT_CERT PF_CLIENT_KEY PF_ROGUE_CERT PF_ROGUE_KEY
#   PF_SASL_USERS            "alice:secret123 bob:secret456"   PF_IPV6 (1 if [::1] listeners exist)
#   pf_setup [DIR]           configure (ports allocated from E2E_PORT_BASE unless PF_PORT_* preset)
#   pf_start / pf_stop       start sinks + postfix (waits until all ports listen) / stop both
#   pf_reload                postfix reload, waits until the master has re-read its config
#   pf_set_milter SPEC       smtpd_milters of all three listeners := SPEC ("" = none), then pf_reload
#   pf_conf NAME=VALUE...    postconf -e into the private main.cf (call pf_reload when running)
#   pf_service_conf mx|submission|legacy NAME=VALUE...   -o override of one listener (then pf_reload)
#   pf_postconf ARGS...      postconf -c PF_CONF ARGS
#   pf_wait_queue_empty [T]  wait until incoming/active/deferred/maildrop are empty (held mail ignored)
#   pf_queue_ids / pf_hold_queue_ids   queue ids of all / of held ('!') messages (postqueue -p)
#   pf_release_hold [ID|ALL] postsuper -H;   pf_flush: postqueue -f (retry deferred mail now)
#   pf_wait_sink DIR N [T]   wait until DIR holds >= N *.eml;  pf_sink_count DIR;  pf_sink_files DIR
#   pf_sink_grep DIR REGEX   names of the .eml files in DIR matching REGEX (grep -El)
#   pf_wait_sink_grep DIR REGEX [T]   wait until an .eml in DIR matches REGEX; print its name
#   pf_sink_stop / pf_sink_start main|legacy   stop / restart one sink (to make deliveries defer)
#   pf_log_wait REGEX [T]    wait until the maillog matches REGEX (log lines arrive asynchronously via postlogd)
#   assert_log REGEX [T]     assertion form of pf_log_wait (t_fail if no match within T s, default 5)
#   pf_running               true if the instance's master runs
# Environment: HARNESS_MILTER, E2E_PORT_BASE, PF_PROCESS_LIMIT (default_process_limit, 300), PF_IPV6 (0/1),
#   PF_MAIN_EXTRA (extra main.cf lines, newline-separated NAME = VALUE), PF_CERTS (dir of ready-made certs to
#   copy instead of running mkcerts.sh), PF_HOSTNAME (myhostname, default mx.test.invalid), KEEP_WORK=1.
#
# One instance per shell (the PF_* variables are globals); run a second one in another process.
#
# Concurrency: several private instances run at once without trouble (measured: 3 copies of
# tests/e2e/postfix/test_harness.sh in parallel, same E2E_PORT_BASE, next to a manually started instance).
# They share nothing but the installed programs; the master
# lock (data_directory/master.lock), pid file (queue/pid/master.pid), public/private sockets and the postlog
# socket are all under each instance's own dirs, and each has its own syslog_name (PF_NAME) and maillog.
# `postfix -c DIR` as root needs no alternate_config_directories, and works even without /etc/postfix/main.cf
# (Debian's "No configuration" install).
#
# Gotchas (measured):
# * Postfix re-reads a main.cf that is younger than ~2 s until it is "stable" (300 ms dozes): every postconf/
#   postfix/postqueue right after an edit waited ~2 s.  pf_postconf/pf_conf age the file (see _pf_age_main_cf).
# * `postfix stop` polls once a second; pf_stop sends SIGTERM to the master itself.  The master is reparented
#   to PID 1 and can stay a zombie for ~1.5 s here, so liveness checks use e2e_pid_alive (zombie = dead).
# * Log lines reach the maillog asynchronously through postlogd: wait for them (pf_log_wait / assert_log).
# * smtpd_sasl_local_domain is empty, so the SASL user (sasl_username, milter {auth_authen}) is plain "alice";
#   with it set to $myhostname it would be "alice@mx.test.invalid".  The sasldb realm is PF_HOSTNAME.
# * master.cf -o values cannot contain whitespace: pf_set_milter turns "a, b" into "a,b";
#   pf_service_conf values must not contain spaces (use pf_conf for main.cf instead).
# * After pf_reload, the next new connection already uses the new settings (checked with pf_set_milter).
# * A unix: milter socket works (smtpd is not chrooted) if user postfix can reach it: every parent dir
#   searchable and the socket writable (start a libmilter milter with umask 000, or -m 0666 for ours).

_PF_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$_PF_LIB_DIR/common.sh"

PF_TEMPLATE_MASTER_CF=${PF_TEMPLATE_MASTER_CF:-/usr/share/postfix/master.cf.dist}
PF_TEMPLATE_DYNAMICMAPS=${PF_TEMPLATE_DYNAMICMAPS:-/usr/share/postfix/dynamicmaps.cf}
PF_SASL_USERS=${PF_SASL_USERS:-"alice:secret123 bob:secret456"}

# Postfix re-reads a main.cf whose mtime is less than ~2 s old, dozing 300 ms each time, until it is "stable"
# (measured with strace: open/read main.cf, pselect 300 ms, repeat).  Every postconf/postfix/postqueue call
# right after an edit would wait up to 2 s, so after each edit of our own (complete) main.cf we set its mtime
# 10 s into the past.
_pf_age_main_cf() { touch -d "@$(( $(date +%s) - 10 ))" "$PF_CONF/main.cf"; }

pf_postconf() {
    postconf -c "$PF_CONF" "$@"
    local rc=$?
    case " $* " in *" -e "*|*" -X "*|*" -# "*) _pf_age_main_cf ;; esac
    return $rc
}

_pf_die() { echo "postfix-harness: $*" >&2; return 1; }

_pf_svc() { # mx|submission|legacy -> master.cf service name(s) (v4 and maybe v6)
    local p
    case $1 in
    mx) p=$PF_PORT_MX ;;
    submission) p=$PF_PORT_SUBMISSION ;;
    legacy) p=$PF_PORT_LEGACY ;;
    *) _pf_die "unknown listener $1"; return 1 ;;
    esac
    echo "127.0.0.1:$p"
    [ "${PF_IPV6:-0}" = 1 ] && echo "[::1]:$p"
    return 0
}

_pf_write_env() {
    local v
    {
        echo "# written by postfix-harness.sh; source it to get the PF_* variables"
        for v in PF_DIR PF_CONF PF_NAME PF_PORT_MX PF_PORT_SUBMISSION PF_PORT_LEGACY PF_PORT_SINK_MAIN PF_PORT_SINK_LEGACY \
                 PF_SINK_MAIN PF_SINK_LEGACY PF_LOG PF_CA PF_CLIENT_CERT PF_CLIENT_KEY PF_ROGUE_CERT PF_ROGUE_KEY \
                 PF_SASL_USERS PF_IPV6 PF_HOSTNAME HARNESS_MILTER; do
            printf '%s=%q\n' "$v" "${!v}"
        done
    } > "$PF_DIR/harness.env"
}

pf_setup() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        [ -n "${E2E_WORK:-}" ] || e2e_init
        dir=$E2E_WORK/postfix
    fi
    mkdir -p "$dir" || return 1
    PF_DIR=$(cd "$dir" && pwd)
    # every path component must be traversable by user postfix (unix sockets, sasldb, queue)
    chmod 755 "$PF_DIR"
    local d=$PF_DIR perm
    while d=$(dirname "$d"); [ "$d" != / ]; do
        perm=$(stat -c %A "$d")
        case ${perm:9:1} in
        x|t) ;;
        *) echo "postfix-harness: warning: $d is not searchable by user postfix (unix milter sockets" \
                "and SASL below it will fail); use a dir under /tmp" >&2 ;;
        esac
    done
    E2E_PIDFILES+=("$PF_DIR/pids")
    : >> "$PF_DIR/pids"

    [ -n "${PF_PORT_MX:-}" ] || e2e_alloc_port PF_PORT_MX || return 1
    [ -n "${PF_PORT_SUBMISSION:-}" ] || e2e_alloc_port PF_PORT_SUBMISSION || return 1
    [ -n "${PF_PORT_LEGACY:-}" ] || e2e_alloc_port PF_PORT_LEGACY || return 1
    [ -n "${PF_PORT_SINK_MAIN:-}" ] || e2e_alloc_port PF_PORT_SINK_MAIN || return 1
    [ -n "${PF_PORT_SINK_LEGACY:-}" ] || e2e_alloc_port PF_PORT_SINK_LEGACY || return 1
    if [ -z "${PF_IPV6:-}" ]; then
        if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then PF_IPV6=1; else PF_IPV6=0; fi
    fi
    PF_CONF=$PF_DIR/etc
    PF_NAME=${PF_NAME:-pf-e2e-$PF_PORT_MX}
    PF_HOSTNAME=${PF_HOSTNAME:-mx.test.invalid}
    PF_SINK_MAIN=$PF_DIR/sink-main
    PF_SINK_LEGACY=$PF_DIR/sink-legacy
    PF_LOG=$PF_DIR/log/maillog
    PF_CA=$PF_DIR/tls/ca.pem
    PF_CLIENT_CERT=$PF_DIR/tls/client.pem
    PF_CLIENT_KEY=$PF_DIR/tls/client.key
    PF_ROGUE_CERT=$PF_DIR/tls/rogue.pem
    PF_ROGUE_KEY=$PF_DIR/tls/rogue.key
    HARNESS_MILTER=${HARNESS_MILTER:-}

    mkdir -p "$PF_DIR"/{queue,data,log,tls} "$PF_CONF/sasl" "$PF_SINK_MAIN" "$PF_SINK_LEGACY"
    _pf_make_meta || return 1
    chmod 755 "$PF_CONF" "$PF_CONF/sasl"
    chown root:root "$PF_DIR/queue"; chmod 755 "$PF_DIR/queue"
    chown postfix:postfix "$PF_DIR/data"; chmod 700 "$PF_DIR/data"
    chmod 755 "$PF_DIR/log"

    # TLS material
    if [ -n "${PF_CERTS:-}" ] && [ -s "$PF_CERTS/server.pem" ]; then
        cp -p "$PF_CERTS"/*.pem "$PF_CERTS"/*.key "$PF_DIR/tls/"
    else
        "$_PF_LIB_DIR/mkcerts.sh" "$PF_DIR/tls" || _pf_die "mkcerts.sh failed" || return 1
    fi

    # Cyrus SASL: Debian's Postfix reads <config_directory>/sasl/<smtpd_sasl_path>.conf
    cat > "$PF_CONF/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $PF_CONF/sasl/sasldb2
EOF
    rm -f "$PF_CONF/sasl/sasldb2"
    local u
    for u in $PF_SASL_USERS; do
        printf '%s' "${u#*:}" | saslpasswd2 -p -c -u "$PF_HOSTNAME" -f "$PF_CONF/sasl/sasldb2" "${u%%:*}" \
            || _pf_die "saslpasswd2 failed" || return 1
    done
    chown root:postfix "$PF_CONF/sasl/sasldb2"
    chmod 0640 "$PF_CONF/sasl/sasldb2"

    printf '%s\n' '/^X-TLS-Policy-Reroute:\s*(\S+)$/ FILTER $1' > "$PF_CONF/milter_header_checks.pcre"

    local inet_protocols=ipv4
    [ "$PF_IPV6" = 1 ] && inet_protocols=all
    cat > "$PF_CONF/main.cf" <<EOF
# private test instance written by tests/e2e/lib/postfix-harness.sh -- use: postfix -c $PF_CONF ...
compatibility_level = 3.6
meta_directory = $PF_DIR/meta
queue_directory = $PF_DIR/queue
data_directory = $PF_DIR/data
syslog_name = $PF_NAME
maillog_file = $PF_LOG
maillog_file_prefixes = $PF_DIR/log
myhostname = $PF_HOSTNAME
mydomain = test.invalid
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = $inet_protocols
smtp_address_preference = ipv4
mynetworks = 127.0.0.0/8 [::1]/128
relayhost = [127.0.0.1]:$PF_PORT_SINK_MAIN
smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated reject_unauth_destination
smtpd_banner = \$myhostname ESMTP \$mail_name ($PF_NAME)
biff = no
append_dot_mydomain = no
smtpd_helo_required = no
smtpd_client_connection_rate_limit = 0
default_process_limit = ${PF_PROCESS_LIMIT:-300}
# retry deferred mail quickly
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtp_connect_timeout = 5s
# server-side TLS: TLS 1.0 .. 1.3 accepted (Debian defaults, spelled out)
smtpd_tls_security_level = may
smtpd_tls_cert_file = $PF_DIR/tls/server.pem
smtpd_tls_key_file = $PF_DIR/tls/server.key
smtpd_tls_CAfile = $PF_DIR/tls/ca.pem
smtpd_tls_ask_ccert = yes
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
smtpd_tls_protocols = >=TLSv1
smtpd_tls_mandatory_protocols = >=TLSv1
smtp_tls_security_level = none
# SASL (enabled per listener): $PF_CONF/sasl/smtpd.conf
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_auth_enable = no
smtpd_sasl_local_domain =
# milters (set per listener in master.cf)
smtpd_milters =
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
milter_header_checks = pcre:$PF_CONF/milter_header_checks.pcre
EOF
    if [ -n "${PF_MAIN_EXTRA:-}" ]; then
        printf '# PF_MAIN_EXTRA\n%s\n' "$PF_MAIN_EXTRA" >> "$PF_CONF/main.cf"
    fi
    _pf_age_main_cf

    # master.cf: the package's pristine copy, minus the port-25 smtpd, every service unchrooted, plus our listeners
    [ -s "$PF_TEMPLATE_MASTER_CF" ] || { _pf_die "no master.cf template $PF_TEMPLATE_MASTER_CF"; return 1; }
    cp "$PF_TEMPLATE_MASTER_CF" "$PF_CONF/master.cf" || return 1
    pf_postconf -MX smtp/inet 2>/dev/null
    pf_postconf -MX submission/inet submissions/inet smtps/inet 2>/dev/null
    pf_postconf -F '*/*/chroot = n' || return 1
    local name dn svc
    for name in mx submission legacy; do
        dn=$name-in
        for svc in $(_pf_svc $name); do
            {
                printf '%s inet n - n - - smtpd\n' "$svc"
                printf '  -o syslog_name=%s/%s\n' "$PF_NAME" "$name"
                printf '  -o milter_macro_daemon_name=%s\n' "$dn"
                if [ $name = submission ]; then
                    printf '  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_tls_auth_only=yes\n'
                fi
            } >> "$PF_CONF/master.cf"
        done
    done
    _pf_apply_milter "$HARNESS_MILTER" || return 1
    # every inet service must be ours and on loopback
    if pf_postconf -M | awk '$2 == "inet" {print $1}' | grep -Ev '^(127\.0\.0\.1|\[::1\]):[0-9]+$' >&2; then
        _pf_die "non-loopback inet service left in master.cf"; return 1
    fi
    _pf_write_env
    return 0
}

# The private meta_directory PF_DIR/meta.  postfix-files: only what `postfix start` (postfix-script check-fatal
# -> post-install create-missing) must create, the queue and data directories, with Postfix's own owners and
# modes.  dynamicmaps.cf: the package's list, only the types whose plugin (shlib_directory/*.so) is installed.
_pf_make_meta() {
    local meta=$PF_DIR/meta shlib t so rest
    mkdir -p "$meta/dynamicmaps.cf.d" "$meta/postfix-files.d" || return 1
    chmod 755 "$meta" "$meta/dynamicmaps.cf.d" "$meta/postfix-files.d"
    cat > "$meta/postfix-files" <<'EOF'
# generated by tests/e2e/lib/postfix-harness.sh: the directories post-install create-missing makes
$queue_directory:d:root:-:755:uc
$queue_directory/active:d:$mail_owner:-:700:ucr
$queue_directory/bounce:d:$mail_owner:-:700:ucr
$queue_directory/corrupt:d:$mail_owner:-:700:ucr
$queue_directory/defer:d:$mail_owner:-:700:ucr
$queue_directory/deferred:d:$mail_owner:-:700:ucr
$queue_directory/flush:d:$mail_owner:-:700:ucr
$queue_directory/hold:d:$mail_owner:-:700:ucr
$queue_directory/incoming:d:$mail_owner:-:700:ucr
$queue_directory/private:d:$mail_owner:-:700:uc
$queue_directory/maildrop:d:$mail_owner:$setgid_group:730:uc
$queue_directory/public:d:$mail_owner:$setgid_group:710:uc
$queue_directory/pid:d:root:-:755:uc
$queue_directory/saved:d:$mail_owner:-:700:ucr
$queue_directory/trace:d:$mail_owner:-:700:ucr
$data_directory:d:$mail_owner:-:700:uc
$meta_directory/dynamicmaps.cf.d:d:root:-:755
$meta_directory/postfix-files.d:d:root:-:755
EOF
    [ -s "$PF_TEMPLATE_DYNAMICMAPS" ] || { _pf_die "no dynamicmaps template $PF_TEMPLATE_DYNAMICMAPS"; return 1; }
    shlib=$(MAIL_CONFIG=$PF_CONF postconf -dh shlib_directory 2>/dev/null)
    [ -n "$shlib" ] && [ "$shlib" != no ] || shlib=/usr/lib/postfix
    {
        echo "# generated by tests/e2e/lib/postfix-harness.sh from $PF_TEMPLATE_DYNAMICMAPS"
        while read -r t so rest; do
            case $t in ''|'#'*) continue ;; esac
            case $so in /*) ;; *) so=$shlib/$so ;; esac
            [ -f "$so" ] && printf '%s\t%s\t%s\n' "$t" "$so" "$rest"
        done < "$PF_TEMPLATE_DYNAMICMAPS"
    } > "$meta/dynamicmaps.cf"
    grep -q '^pcre[[:space:]]' "$meta/dynamicmaps.cf" \
        || { _pf_die "no pcre map plugin in $shlib (install postfix-pcre)"; return 1; }
    chmod 644 "$meta/postfix-files" "$meta/dynamicmaps.cf"
}

_pf_apply_milter() {
    local spec=$1 name svc
    # several milters: "a, b" or "a b" -> "a,b" (master.cf -o values cannot contain whitespace)
    spec=$(printf '%s' "$spec" | tr -s ' \t,' ',')
    spec=${spec#,}; spec=${spec%,}
    for name in mx submission legacy; do
        for svc in $(_pf_svc $name); do
            if [ -n "$1" ]; then
                pf_postconf -P "$svc/inet/smtpd_milters=$spec" || return 1
            else
                pf_postconf -PX "$svc/inet/smtpd_milters" 2>/dev/null
            fi
        done
    done
    return 0
}

pf_conf() { pf_postconf -e "$@"; }

pf_service_conf() {
    local name=$1 svc kv; shift
    for svc in $(_pf_svc "$name"); do
        for kv in "$@"; do pf_postconf -P "$svc/inet/$kv" || return 1; done
    done
}

_pf_master_pid() {
    local p
    p=$(tr -d ' \n' < "$PF_DIR/queue/pid/master.pid" 2>/dev/null) || return 1
    [ -n "$p" ] && e2e_pid_alive "$p" && echo "$p"
}

pf_running() { postfix -c "$PF_CONF" status >/dev/null 2>&1; }

_pf_start_sink() { # NAME PORT DIR
    if e2e_port_listening "$2"; then
        _pf_die "port $2 for the $1 sink is already in use"; return 1
    fi
    "$PYTHON" "$_PF_LIB_DIR/sink.py" "$2" "$3" < /dev/null > "$PF_DIR/log/sink-$1.out" 2>&1 &
    e2e_track $! "sink-$1" "$PF_DIR/pids"
    disown $!
}

pf_start() {
    [ -n "${PF_DIR:-}" ] && [ -f "$PF_CONF/main.cf" ] || { _pf_die "pf_start: run pf_setup first"; return 1; }
    local p
    for p in "$PF_PORT_MX" "$PF_PORT_SUBMISSION" "$PF_PORT_LEGACY"; do
        e2e_port_listening "$p" && { _pf_die "port $p is already in use"; return 1; }
    done
    _pf_start_sink main "$PF_PORT_SINK_MAIN" "$PF_SINK_MAIN" || return 1
    _pf_start_sink legacy "$PF_PORT_SINK_LEGACY" "$PF_SINK_LEGACY" || return 1
    if ! postfix -c "$PF_CONF" start > "$PF_DIR/log/postfix-start.out" 2>&1; then
        cat "$PF_DIR/log/postfix-start.out" >&2
        _pf_die "postfix -c $PF_CONF start failed (see $PF_LOG)"
        return 1
    fi
    local mpid
    mpid=$(_pf_master_pid) || { _pf_die "no postfix master pid"; return 1; }
    e2e_track "$mpid" postfix-master "$PF_DIR/pids"
    pf_log_wait "master\[$mpid\]: daemon started" 10 || { _pf_die "no 'daemon started' in $PF_LOG"; return 1; }
    for p in "$PF_PORT_MX" "$PF_PORT_SUBMISSION" "$PF_PORT_LEGACY" "$PF_PORT_SINK_MAIN" "$PF_PORT_SINK_LEGACY"; do
        wait_for "e2e_port_listening $p" 10 || { _pf_die "nothing listens on 127.0.0.1:$p"; return 1; }
    done
    return 0
}

pf_stop() {
    [ -n "${PF_DIR:-}" ] && [ -d "$PF_DIR" ] || return 0
    local mpid
    mpid=$(_pf_master_pid)
    if [ -n "$mpid" ]; then
        # `postfix stop` only sends SIGTERM to the master (which then stops its children and exits) and
        # polls once a second; doing it ourselves saves ~1 s.
        kill -TERM "$mpid" 2>/dev/null
        wait_for "! e2e_pid_alive $mpid" 10 || kill -KILL "$mpid" 2>/dev/null
    fi
    e2e_kill_tracked "$PF_DIR/pids"
    return 0
}

pf_reload() {
    local n
    n=$(grep -c 'reload -- version' "$PF_LOG" 2>/dev/null)
    postfix -c "$PF_CONF" reload >/dev/null 2>&1 || { _pf_die "postfix reload failed"; return 1; }
    wait_for "[ \$(grep -c 'reload -- version' '$PF_LOG' 2>/dev/null) -gt ${n:-0} ]" 10 \
        || { _pf_die "reload not confirmed in $PF_LOG"; return 1; }
    # the master has re-read its config; old idle smtpd processes exit on their own
    sleep 0.2
}

pf_set_milter() {
    HARNESS_MILTER=$1
    _pf_apply_milter "$1" || return 1
    _pf_write_env
    if pf_running; then pf_reload; fi
}

pf_wait_queue_empty() {
    wait_for "[ -z \"\$(find '$PF_DIR/queue/incoming' '$PF_DIR/queue/active' '$PF_DIR/queue/deferred' \
        '$PF_DIR/queue/maildrop' -type f -print -quit 2>/dev/null)\" ]" "${1:-30}"
}

# (mawk has no {n,} intervals: use grep -E / sed)
pf_queue_ids() {
    postqueue -c "$PF_CONF" -p 2>/dev/null | grep -E '^[0-9A-Za-z]{8,}[*!]?[[:space:]]' | sed 's/[*!]\{0,1\}[[:space:]].*//'
}

pf_hold_queue_ids() {
    postqueue -c "$PF_CONF" -p 2>/dev/null | grep -E '^[0-9A-Za-z]{8,}![[:space:]]' | sed 's/![[:space:]].*//'
}

pf_release_hold() { postsuper -c "$PF_CONF" -H "${1:-ALL}" 2>/dev/null; }

pf_flush() { postqueue -c "$PF_CONF" -f; }

# The sink directories' helpers are common.sh's (sink_*); these names are the harness API.
pf_sink_files() { sink_files "$@"; }
pf_sink_count() { sink_count "$@"; }
pf_wait_sink() { sink_wait "$@"; }
pf_sink_grep() { sink_grep "$@"; }
pf_wait_sink_grep() { sink_wait_grep "$@"; }

_pf_sink_pid() { # NAME: pid of the running sink-NAME recorded in PF_DIR/pids
    local pid st name
    while read -r pid st name; do
        [ "$name" = "sink-$1" ] && _e2e_alive "$pid" "$st" && { echo "$pid"; return 0; }
    done < "$PF_DIR/pids"
    return 1
}

pf_sink_stop() { # main|legacy: stop that sink (deliveries to it then defer)
    local pid
    pid=$(_pf_sink_pid "$1") || return 0
    kill -TERM "$pid" 2>/dev/null
    wait_for "! e2e_pid_alive $pid" 5 || kill -KILL "$pid" 2>/dev/null
    return 0
}

pf_sink_start() { # main|legacy: (re)start that sink
    case $1 in
    main) _pf_start_sink main "$PF_PORT_SINK_MAIN" "$PF_SINK_MAIN" || return 1
          wait_for "e2e_port_listening $PF_PORT_SINK_MAIN" 5 ;;
    legacy) _pf_start_sink legacy "$PF_PORT_SINK_LEGACY" "$PF_SINK_LEGACY" || return 1
          wait_for "e2e_port_listening $PF_PORT_SINK_LEGACY" 5 ;;
    *) _pf_die "unknown sink $1" ;;
    esac
}

pf_log_wait() { wait_for "grep -Eq -- '${1//\'/\'\\\'\'}' '$PF_LOG'" "${2:-10}"; }

# assert_log REGEX [T]: the maillog matches REGEX within T s (default 5; postlogd writes asynchronously)
assert_log() {
    pf_log_wait "$1" "${2:-5}" && return 0
    t_fail "maillog does not match /$1/"
}

# ---------------------------------------------------------------- command line

_pf_status() {
    if pf_running; then echo "postfix: running (master pid $(_pf_master_pid))"; else echo "postfix: stopped"; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    e2e_harness_main pf "$@"
    exit $?
fi
