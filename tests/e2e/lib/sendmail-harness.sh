#!/bin/bash
# sendmail-harness.sh -- a private, throwaway Sendmail 8.17 instance on loopback for end-to-end tests.
#
# Debian 12's real Sendmail (sendmail-bin conflicts with the postfix package, so it is never installed): its
# .debs are fetched with `apt-get download` (cached in SM_DEB_CACHE, default /var/cache/milter-tlspolicy-tests/
# debs, so reruns need no network) and unpacked with `dpkg -x` into the instance dir.  Every sendmail process
# runs in a private mount+UTS namespace (`unshare --mount --uts`) with its own host name (SM_HOSTNAME),
# /etc/hosts and /usr/lib/sasl2 (bind mounts); the host's files stay untouched.  Logging goes through
# logshim.so (LD_PRELOAD) to SM_LOG: there is no syslog here and Sendmail cannot log to a file itself.
#
# As a library (bash):
#     . tests/e2e/lib/sendmail-harness.sh       # also sources common.sh
#     e2e_init                                   # work dir + cleanup trap (stops Sendmail, sinks, runner)
#     HARNESS_MILTER=inet:$port@127.0.0.1 sm_setup && sm_start
#     smtp_send --port "$SM_PORT" --tls 1.0 --to a@example.test; sm_wait_sink "$SM_SINK_MAIN" 1 10
# By hand:
#     tests/e2e/lib/sendmail-harness.sh setup DIR    # configure only (prints the variables)
#     tests/e2e/lib/sendmail-harness.sh start DIR    # start sinks + sendmail (setup first if DIR is new)
#     tests/e2e/lib/sendmail-harness.sh stop DIR     # stop sendmail, legacy runner and sinks (by PID)
#     tests/e2e/lib/sendmail-harness.sh status DIR   # show variables and what runs
#     tests/e2e/lib/sendmail-harness.sh fetch        # only fill the .deb cache (CI preparation)
#   (then `. DIR/harness.env` gives the same SM_* variables in your shell; rm -rf DIR when done)
#
# What it builds under SM_DIR:
#   root/                    the unpacked sendmail-bin, sendmail-base, sendmail-cf and libwrap0 (the binary's
#                            setgid bit removed, else ld.so ignores LD_LIBRARY_PATH/LD_PRELOAD); our
#                            contrib/sendmail/hack/tlspolicy_legacy.m4 is copied into its cf/hack/
#   etc/sendmail.mc .cf      the main configuration (m4 output); etc/legacy.mc .cf the quarantine runner's,
#                            derived from sendmail.mc by contrib/sendmail/legacy-runner.sh mc
#   etc/milters.m4           the INPUT_MAIL_FILTER lines (sm_set_milter rewrites it)
#   etc/hosts, etc/sasl2/    bind-mounted on /etc/hosts and /usr/lib/sasl2 inside the namespace
#   etc/sasldb2              Cyrus SASL users (PLAIN LOGIN): alice/secret123, bob/secret456
#   tls/                     test PKI from mkcerts.sh (+ tls/cadir, the CA hashed for CACertPath)
#   spool/mqueue/            the queue (shared by the daemon and the legacy runner); run/ pid + status files
#   log/sendmail.log         SM_LOG: everything Sendmail logs (one line per syslog call)
#   sink-main/ sink-legacy/  *.eml delivered to the two python sinks (sink.py)
#   pids harness.env         recorded PIDs (sinks, daemon, runner) and the SM_* variables
# Listeners (127.0.0.1, plus [::1] on the same port when SM_IPV6=1; default: on if ::1 exists), with the same
# {daemon_name} values as the Postfix harness, so one policy file serves both:
#   mx          SM_PORT_MX (= SM_PORT)  Name=mx-in          AUTH not offered (M=A)
#   submission  SM_PORT_SUBMISSION      Name=submission-in  AUTH PLAIN/LOGIN, only inside TLS (AuthOptions=p)
#   legacy      SM_PORT_LEGACY          Name=legacy-in      AUTH not offered
#   Mail goes to the main sink (SMART_HOST relay:[127.0.0.1], port SM_PORT_SINK_MAIN).  Recipients
#   user@domain.LEGACY-TLS (SM_LEGACY_SUFFIX) go to the legacy sink as user@domain (HACK tlspolicy_legacy).
#   Quarantined jobs (smfi_quarantine) stay in the queue until the legacy runner (sm_legacy_runner start)
#   delivers those whose reason contains SM_QUARANTINE_REASON ("legacy-tls") to the legacy sink.
#
# API (after sm_setup):
#   SM_DIR SM_ROOT SM_BIN     instance dir; unpacked packages; the sendmail binary
#   SM_CF SM_MC SM_LEGACY_CF  main .cf/.mc; the legacy runner's .cf
#   SM_PORT (=SM_PORT_MX) SM_PORT_SUBMISSION SM_PORT_LEGACY   listener ports (loopback)
#   SM_PORT_SINK_MAIN SM_PORT_SINK_LEGACY   sink ports; SM_SINK_MAIN SM_SINK_LEGACY: their dirs
#   SM_LOG SM_QUEUE SM_HOSTNAME SM_VERSION   log file, queue dir, host name (mx.test.invalid), 8.17.1.9-2+deb12u2
#   SM_CA SM_CLIENT_CERT SM_CLIENT_KEY SM_ROGUE_CERT SM_ROGUE_KEY   test PKI (as PF_*)
#   SM_SASL_USERS "alice:secret123 bob:secret456"   SM_IPV6 (1 if [::1] listeners)
#   SM_LEGACY_SUFFIX (.LEGACY-TLS)  SM_QUARANTINE_REASON (legacy-tls)  HARNESS_MILTER (current milter spec)
#   sm_setup [DIR]            configure (ports from e2e_alloc_port unless SM_PORT_* preset)
#   sm_start / sm_stop        start sinks + sendmail (waits until every port listens) / stop all (runner too)
#   sm_restart                stop + start the daemon only (Sendmail's SIGHUP re-exec loses the environment)
#   sm_running                the daemon runs
#   sm_set_milter SPEC        INPUT_MAIL_FILTER := SPEC ("" none), rebuild the .cf, restart if running.
#                             SPEC: inet:PORT@HOST, inet6:PORT@HOST, unix:/path, local:/path, or Postfix style
#                             inet:HOST:PORT / inet:[::1]:PORT / unix:/path; several: "a, b" (filters m1, m2)
#   sm_rebuild_cf             regenerate both .cf files from the .mc files (after editing them)
#   sm_exec ARGS...           run the instance's sendmail with -C SM_CF in the namespace (e.g. sm_exec -bt)
#   sm_ns CMD...              run CMD in the instance's namespace (hostname, /etc/hosts, sasl2, logshim)
#   sm_legacy_runner start|stop|status   the quarantine queue runner (contrib/sendmail/legacy-runner.sh run:
#                             sendmail -C legacy.cf -qQREASON -qpINTERVAL)
#   sm_flush                  one queue run now (sendmail -q; quarantined jobs are skipped)
#   sm_queue_ids / sm_quarantine_ids     ids of queued (qf) / quarantined (hf) jobs
#   sm_quarantine_reason ID   the reason stored in the job (its "q" line)
#   sm_release_quarantine [R] unquarantine jobs whose reason contains R (default: all), then sm_flush
#   sm_wait_queue_empty [T]   wait until no qf/df/tf/xf files are left (quarantined jobs, hf + df, are ignored)
#   sm_queue_id TRANSCRIPT    the queue id from "250 2.0.0 ID Message accepted for delivery"
#   sm_wait_sink DIR N [T]   sm_sink_count DIR   sm_sink_files DIR   sm_sink_grep DIR REGEX
#   sm_wait_sink_grep DIR REGEX [T]      as the pf_* functions of the Postfix harness
#   sm_sink_stop / sm_sink_start main|legacy   stop / restart one sink (deliveries to it then defer)
#   sm_log_wait REGEX [T]     wait until SM_LOG matches;  sm_assert_log REGEX [T]: t_fail if it does not
# Environment: HARNESS_MILTER, E2E_PORT_BASE, SM_IPV6 (0/1), SM_HOSTNAME, SM_CERTS (dir of ready-made certs
#   as PF_CERTS), SM_DEB_CACHE, SM_MILTER_MACROS (snippet: the confMILTER_MACROS_* lines of
#   contrib/sendmail/sendmail.mc.snippet, the default | stock: Debian's cf defaults | none: empty lists, so
#   only smfi_setsymlist delivers macros), SM_MILTER_FLAGS (F=, default T: tempfail when the milter is
#   down), SM_MILTER_TIMEOUTS (T=, default C:10s;S:30s;R:30s;E:60s), SM_MILTER_LOG_LEVEL (6),
#   SM_MC_EXTRA (extra .mc lines, added before MAILER(); the legacy .mc inherits them), SM_LEGACY_INTERVAL (runner -qp
#   interval, default 1s), SM_QUEUE_INTERVAL (daemon -q, default 1m), KEEP_WORK=1.
# Needs: root, bash, apt-get (download only) + dpkg, m4, gcc, openssl, saslpasswd2 (sasl2-bin),
#   unshare/mount (util-linux), python3, ss (iproute2); /usr/lib/sasl2 must exist (libsasl2-modules-db).
#
# One instance per shell (the SM_* variables are globals); run a second one in another process.
#
# Gotchas (measured on Debian 12, sendmail 8.17.1.9-2+deb12u2; see also shared notes sendmail-facts.md):
# * Restart = kill + start: on SIGHUP Sendmail re-execs itself with an empty environment, so LD_PRELOAD and
#   LD_LIBRARY_PATH would be lost.  sm_set_milter therefore restarts the daemon.
# * `sendmail -bD` stays in the foreground, so the recorded PID is the daemon's own.  `-qp` (the legacy
#   runner) forks: its PID comes from run/legacy.pid.  Each connection and each delivery is a child
#   process; sm_stop also ends every process whose /proc/PID/exe is this instance's SM_BIN (no other
#   program has that path), by PID, so no delivery child outlives the harness.
# * QueueLA/RefuseLA are raised (confQUEUE_LA/confREFUSE_LA 1000): Sendmail's defaults (8 and 12 x CPUs)
#   would silently queue mail instead of delivering it on a busy 2-core CI machine.
# * A milter's 421 ends the SMTP session at any stage; a 421 at the EHLO after STARTTLS is never seen by the
#   client (the connection just closes).  With F=T and the milter down, STARTTLS gets "454 4.7.0".
# * /etc/hosts in the namespace maps 127.0.0.1 to "localhost" first (as on the host, so client names match
#   the Postfix harness) and also to SM_HOSTNAME; other 127.x addresses have no name ("[127.0.0.77]").
# * The main .cf has no sendmail.cw/.ct/access db: everything from 127.0.0.0/8 and ::1 may relay.

_SM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$_SM_LIB_DIR/common.sh"

SM_DEB_CACHE=${SM_DEB_CACHE:-/var/cache/milter-tlspolicy-tests/debs}
SM_DEBS="sendmail-bin sendmail-base sendmail-cf libwrap0"
SM_SASL_USERS=${SM_SASL_USERS:-"alice:secret123 bob:secret456"}
SM_LEGACY_SUFFIX=${SM_LEGACY_SUFFIX:-.LEGACY-TLS}
SM_QUARANTINE_REASON=${SM_QUARANTINE_REASON:-legacy-tls}
_SM_SRC_DIR=$(cd "$_SM_LIB_DIR/../../.." && pwd)

_sm_die() { echo "sendmail-harness: $*" >&2; return 1; }

_sm_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# ---------------------------------------------------------------- packages

# _sm_newest_deb DIR PACKAGE: the newest cached .deb of PACKAGE in DIR
_sm_newest_deb() {
    local f
    f=$(ls "$1/$2"_*.deb 2>/dev/null | sort -V | tail -n 1)
    [ -n "$f" ] && echo "$f"
}

# sm_fetch_debs: make sure SM_DEB_CACHE holds every package (apt-get download under a lock, so parallel
# suites download once); falls back to a private dir when the cache is not writable.
sm_fetch_debs() {
    local cache=$SM_DEB_CACHE p missing log=${SM_DIR:-/tmp}/log/apt-download.log
    if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
        [ -n "${SM_DIR:-}" ] || { _sm_die "cache $cache not writable"; return 1; }
        cache=$SM_DIR/debs
        mkdir -p "$cache"
        SM_DEB_CACHE=$cache
    fi
    mkdir -p "$(dirname "$log")"
    (
        flock -w 300 9 || exit 1
        missing=
        for p in $SM_DEBS; do _sm_newest_deb "$cache" "$p" >/dev/null || missing="$missing $p"; done
        [ -z "$missing" ] && exit 0
        cd "$cache" || exit 1
        # shellcheck disable=SC2086
        if ! apt-get download -o APT::Sandbox::User=root $missing > "$log" 2>&1; then
            # no package lists yet (fresh machine): update once, then retry
            apt-get update -qq >> "$log" 2>&1
            apt-get download -o APT::Sandbox::User=root $missing >> "$log" 2>&1 || exit 1
        fi
        rm -f ./*.deb.FAILED 2>/dev/null
        exit 0
    ) 9> "$cache/.lock" || { cat "$log" >&2 2>/dev/null; _sm_die "apt-get download $SM_DEBS failed"; return 1; }
}

_sm_unpack() {
    local p f
    rm -rf "$SM_ROOT"
    mkdir -p "$SM_ROOT"
    for p in $SM_DEBS; do
        f=$(_sm_newest_deb "$SM_DEB_CACHE" "$p") || { _sm_die "no cached .deb for $p"; return 1; }
        dpkg -x "$f" "$SM_ROOT" || { _sm_die "dpkg -x $f failed"; return 1; }
    done
    SM_VERSION=$(dpkg-deb -f "$(_sm_newest_deb "$SM_DEB_CACHE" sendmail-bin)" Version)
    SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
    [ -x "$SM_BIN" ] || { _sm_die "no $SM_BIN in the unpacked packages"; return 1; }
    chmod g-s "$SM_BIN"     # setgid: ld.so would run in secure mode and drop LD_PRELOAD/LD_LIBRARY_PATH
    cp "$_SM_SRC_DIR/contrib/sendmail/hack/tlspolicy_legacy.m4" "$SM_ROOT/usr/share/sendmail/cf/hack/" ||
        { _sm_die "cannot install the tlspolicy_legacy HACK"; return 1; }
}

# ---------------------------------------------------------------- namespace

# _sm_ns_argv: the command prefix (array _SM_NS) that runs a program in the instance's namespace
_sm_ns_argv() {
    local libdir
    libdir=$(echo "$SM_ROOT"/usr/lib/*-linux-gnu)
    # shellcheck disable=SC2016
    _SM_NS=(unshare --mount --uts -- /bin/sh -c '
        mount --bind "$1" /etc/hosts && mount --bind "$2" /usr/lib/sasl2 && hostname "$3" || exit 70
        shift 3
        exec env LOGSHIM_FILE="$SM_NS_LOG" LD_LIBRARY_PATH="$SM_NS_LIB" LD_PRELOAD="$SM_NS_SHIM" "$@"'
        sm-ns "$SM_DIR/etc/hosts" "$SM_DIR/etc/sasl2" "$SM_HOSTNAME")
    export SM_NS_LOG=$SM_LOG SM_NS_LIB=$libdir SM_NS_SHIM=$SM_DIR/lib/logshim.so
}

sm_ns() {
    _sm_ns_argv
    "${_SM_NS[@]}" "$@"
}

sm_exec() {
    _sm_ns_argv
    "${_SM_NS[@]}" "$SM_BIN" -C "$SM_CF" "$@"
}

# ---------------------------------------------------------------- configuration

_sm_write_env() {
    local v
    {
        echo "# written by sendmail-harness.sh; source it to get the SM_* variables"
        for v in SM_DIR SM_ROOT SM_BIN SM_CF SM_MC SM_LEGACY_CF SM_PORT SM_PORT_MX SM_PORT_SUBMISSION \
                 SM_PORT_LEGACY SM_PORT_SINK_MAIN SM_PORT_SINK_LEGACY SM_SINK_MAIN SM_SINK_LEGACY SM_LOG SM_QUEUE \
                 SM_HOSTNAME SM_VERSION SM_CA SM_CLIENT_CERT SM_CLIENT_KEY SM_ROGUE_CERT SM_ROGUE_KEY \
                 SM_SASL_USERS SM_IPV6 SM_LEGACY_SUFFIX SM_QUARANTINE_REASON SM_DEB_CACHE HARNESS_MILTER \
                 SM_MILTER_MACROS; do
            printf '%s=%q\n' "$v" "${!v}"
        done
    } > "$SM_DIR/harness.env"
}

# _sm_milter_socket SPEC: one milter socket in Sendmail's notation
_sm_milter_socket() {
    local s=$1
    case $s in
    inet:\[*\]:*) s=${s#inet:[}; echo "inet6:${s##*]:}@${s%%]:*}" ;;       # Postfix inet:[::1]:PORT
    inet:*@*|inet6:*@*|unix:*|local:*) echo "$s" ;;
    inet:*:*) s=${s#inet:}; echo "inet:${s##*:}@${s%:*}" ;;                 # Postfix inet:HOST:PORT
    *) _sm_die "bad milter socket '$s'"; return 1 ;;
    esac
}

_sm_write_milters() {
    local spec=$1 s sock n=0
    {
        echo "dnl milters for this instance: written by sendmail-harness.sh (sm_set_milter)"
        for s in $(printf '%s' "$spec" | tr -s ' \t,' '  '); do
            sock=$(_sm_milter_socket "$s") || return 1
            n=$((n + 1))
            printf "INPUT_MAIL_FILTER(\`m%d', \`S=%s, F=%s, T=%s')dnl\n" "$n" "$sock" \
                "${SM_MILTER_FLAGS:-T}" "${SM_MILTER_TIMEOUTS:-C:10s;S:30s;R:30s;E:60s}"
        done
    } > "$SM_DIR/etc/milters.m4.new" && mv "$SM_DIR/etc/milters.m4.new" "$SM_DIR/etc/milters.m4"
}

# the confMILTER_MACROS_* lines for SM_MILTER_MACROS
_sm_macro_lines() {
    local snippet=$_SM_SRC_DIR/contrib/sendmail/sendmail.mc.snippet st
    case ${SM_MILTER_MACROS:-snippet} in
    snippet)
        grep "^define(\`confMILTER_MACROS_" "$snippet" ||
            { _sm_die "no confMILTER_MACROS_* lines in $snippet"; return 1; } ;;
    stock) echo "dnl confMILTER_MACROS_*: Debian's cf defaults" ;;
    none)
        for st in CONNECT HELO ENVFROM ENVRCPT EOM EOH DATA; do
            printf "define(\`confMILTER_MACROS_%s', \`')dnl\n" "$st"
        done ;;
    *) _sm_die "SM_MILTER_MACROS must be snippet, stock or none"; return 1 ;;
    esac
}

# _sm_write_mc: the main .mc, then the legacy runner's .mc derived from it by contrib/sendmail/legacy-runner.sh
# (own pid file, every address to the legacy sink)
_sm_write_mc() {
    local role=main out=$SM_MC pidfile=sendmail.pid cf=$SM_ROOT/usr/share/sendmail/cf d
    {
        cat <<EOF
divert(-1)
# $role configuration of a sendmail-harness.sh test instance (generated; edit and run sm_rebuild_cf)
divert(0)dnl
define(\`_CF_DIR_', \`$cf/')dnl
include(\`$cf/m4/cf.m4')dnl
VERSIONID(\`sendmail-harness $role')dnl
OSTYPE(\`linux')dnl
define(\`confEBINDIR', \`$SM_ROOT/usr/libexec/sendmail')dnl
define(\`confDOMAIN_NAME', \`$SM_HOSTNAME')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM_DIR/etc/service.switch')dnl
define(\`confHOSTS_FILE', \`/etc/hosts')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`QUEUE_DIR', \`$SM_QUEUE')dnl
define(\`confPID_FILE', \`$SM_DIR/run/$pidfile')dnl
define(\`STATUS_FILE', \`$SM_DIR/run/sendmail.st')dnl
define(\`ALIAS_FILE', \`$SM_DIR/etc/aliases')dnl
define(\`HELP_FILE', \`$SM_ROOT/etc/mail/helpfile')dnl
define(\`confCW_FILE', \`-o $SM_DIR/etc/local-host-names')dnl
define(\`confCT_FILE', \`-o $SM_DIR/etc/trusted-users')dnl
define(\`confCR_FILE', \`-o $SM_DIR/etc/relay-domains')dnl
define(\`confDEAD_LETTER_DROP', \`$SM_DIR/run/dead.letter')dnl
define(\`confDEF_USER_ID', \`mail:mail')dnl
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confTRUSTED_USERS', \`root')dnl
define(\`confLOG_LEVEL', \`14')dnl
define(\`confDELIVERY_MODE', \`background')dnl
define(\`confQUEUE_LA', \`1000')dnl
define(\`confREFUSE_LA', \`1000')dnl
define(\`confDELAY_LA', \`0')dnl
define(\`confMAX_DAEMON_CHILDREN', \`0')dnl
define(\`confTO_IDENT', \`0')dnl
define(\`confTO_CONNECT', \`5s')dnl
define(\`confTO_ICONNECT', \`5s')dnl
define(\`confPRIVACY_FLAGS', \`noexpn,novrfy')dnl
define(\`confCACERT_PATH', \`$SM_DIR/tls/cadir')dnl
define(\`confCACERT', \`$SM_CA')dnl
define(\`confSERVER_CERT', \`$SM_DIR/tls/server.pem')dnl
define(\`confSERVER_KEY', \`$SM_DIR/tls/server.key')dnl
define(\`confCLIENT_CERT', \`$SM_DIR/tls/server.pem')dnl
define(\`confCLIENT_KEY', \`$SM_DIR/tls/server.key')dnl
define(\`confCIPHER_LIST', \`DEFAULT:@SECLEVEL=0')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
define(\`confAUTH_OPTIONS', \`A p y')dnl
define(\`confMILTER_LOG_LEVEL', \`${SM_MILTER_LOG_LEVEL:-6}')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`accept_unqualified_senders')dnl
EOF
        _sm_macro_lines || return 1
        echo "include(\`$SM_DIR/etc/milters.m4')dnl"
        for d in mx:$SM_PORT_MX:A submission:$SM_PORT_SUBMISSION: legacy:$SM_PORT_LEGACY:A; do
            IFS=: read -r name port mods <<< "$d"
            printf "DAEMON_OPTIONS(\`Family=inet, Name=%s-in, Addr=127.0.0.1, Port=%s%s')dnl\n" \
                "$name" "$port" "${mods:+, M=$mods}"
            [ "$SM_IPV6" = 1 ] &&
                printf "DAEMON_OPTIONS(\`Family=inet6, Name=%s-in, Addr=::1, Port=%s%s')dnl\n" \
                    "$name" "$port" "${mods:+, M=$mods}"
        done
        cat <<EOF
CLIENT_OPTIONS(\`Family=inet, Addr=127.0.0.1')dnl
define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK_MAIN')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $SM_PORT_SINK_MAIN')dnl
EOF
        echo "HACK(\`tlspolicy_legacy', \`[127.0.0.1]', \`$SM_PORT_SINK_LEGACY', \`$SM_LEGACY_SUFFIX')dnl"
        [ -n "${SM_MC_EXTRA:-}" ] && printf 'dnl SM_MC_EXTRA\n%s\n' "$SM_MC_EXTRA"
        cat <<EOF
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
    } > "$out.new" && mv "$out.new" "$out" || return 1
    "$_SM_SRC_DIR/contrib/sendmail/legacy-runner.sh" mc -p "$SM_DIR/run/legacy.pid" "$SM_MC" '[127.0.0.1]' \
        "$SM_PORT_SINK_LEGACY" > "$SM_DIR/etc/legacy.mc.new" && mv "$SM_DIR/etc/legacy.mc.new" "$SM_DIR/etc/legacy.mc" ||
        { _sm_die "legacy-runner.sh mc failed"; return 1; }
}

sm_rebuild_cf() {
    local mc cf
    for mc in "$SM_MC" "$SM_DIR/etc/legacy.mc"; do
        cf=${mc%.mc}.cf
        if ! m4 "$mc" > "$cf.new" 2> "$SM_DIR/log/m4.err" || [ -s "$SM_DIR/log/m4.err" ]; then
            cat "$SM_DIR/log/m4.err" >&2
            _sm_die "m4 $mc failed"
            return 1
        fi
        mv "$cf.new" "$cf"
    done
}

sm_setup() {
    local dir=${1:-} t0 u
    t0=$(_sm_ms)
    if [ -z "$dir" ]; then
        [ -n "${E2E_WORK:-}" ] || e2e_init
        dir=$E2E_WORK/sendmail
    fi
    mkdir -p "$dir" || return 1
    SM_DIR=$(cd "$dir" && pwd)
    chmod 755 "$SM_DIR"
    E2E_PIDFILES+=("$SM_DIR/pids")
    : >> "$SM_DIR/pids"
    # an aborted suite still stops Sendmail's children (delivery processes are not in the pid file)
    case " ${E2E_CLEANUP_HOOKS[*]} " in *" sm_stop "*) ;; *) e2e_on_cleanup sm_stop ;; esac
    [ -d /usr/lib/sasl2 ] || { _sm_die "/usr/lib/sasl2 missing (install libsasl2-modules-db)"; return 1; }

    [ -n "${SM_PORT_MX:-}" ] || e2e_alloc_port SM_PORT_MX || return 1
    [ -n "${SM_PORT_SUBMISSION:-}" ] || e2e_alloc_port SM_PORT_SUBMISSION || return 1
    [ -n "${SM_PORT_LEGACY:-}" ] || e2e_alloc_port SM_PORT_LEGACY || return 1
    [ -n "${SM_PORT_SINK_MAIN:-}" ] || e2e_alloc_port SM_PORT_SINK_MAIN || return 1
    [ -n "${SM_PORT_SINK_LEGACY:-}" ] || e2e_alloc_port SM_PORT_SINK_LEGACY || return 1
    SM_PORT=$SM_PORT_MX
    if [ -z "${SM_IPV6:-}" ]; then
        if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then SM_IPV6=1; else SM_IPV6=0; fi
    fi
    SM_HOSTNAME=${SM_HOSTNAME:-mx.test.invalid}
    SM_ROOT=$SM_DIR/root
    SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
    SM_MC=$SM_DIR/etc/sendmail.mc
    SM_CF=$SM_DIR/etc/sendmail.cf
    SM_LEGACY_CF=$SM_DIR/etc/legacy.cf
    SM_QUEUE=$SM_DIR/spool/mqueue
    SM_LOG=$SM_DIR/log/sendmail.log
    SM_SINK_MAIN=$SM_DIR/sink-main
    SM_SINK_LEGACY=$SM_DIR/sink-legacy
    SM_CA=$SM_DIR/tls/ca.pem
    SM_CLIENT_CERT=$SM_DIR/tls/client.pem
    SM_CLIENT_KEY=$SM_DIR/tls/client.key
    SM_ROGUE_CERT=$SM_DIR/tls/rogue.pem
    SM_ROGUE_KEY=$SM_DIR/tls/rogue.key
    SM_MILTER_MACROS=${SM_MILTER_MACROS:-snippet}
    HARNESS_MILTER=${HARNESS_MILTER:-}

    mkdir -p "$SM_DIR"/{etc/sasl2,lib,log,run,tls/cadir,spool} "$SM_QUEUE" "$SM_SINK_MAIN" "$SM_SINK_LEGACY"
    chmod 700 "$SM_QUEUE"
    : > "$SM_DIR/run/sendmail.st"

    sm_fetch_debs || return 1
    _sm_unpack || return 1
    gcc -O2 -Wall -shared -fPIC -o "$SM_DIR/lib/logshim.so" "$_SM_LIB_DIR/logshim.c" ||
        { _sm_die "cannot build logshim.so"; return 1; }

    # TLS material: server cert CN=mx.test.invalid, CA, client and rogue certs
    if [ -n "${SM_CERTS:-}" ] && [ -s "$SM_CERTS/server.pem" ]; then
        cp -p "$SM_CERTS"/*.pem "$SM_CERTS"/*.key "$SM_DIR/tls/"
    else
        "$_SM_LIB_DIR/mkcerts.sh" "$SM_DIR/tls" || { _sm_die "mkcerts.sh failed"; return 1; }
    fi
    cp "$SM_CA" "$SM_DIR/tls/cadir/" && openssl rehash "$SM_DIR/tls/cadir" >/dev/null 2>&1 ||
        { _sm_die "openssl rehash failed"; return 1; }

    # the namespace's files
    printf '127.0.0.1\tlocalhost\n127.0.0.1\t%s %s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
        "$SM_HOSTNAME" "${SM_HOSTNAME%%.*}" > "$SM_DIR/etc/hosts"
    printf 'hosts\tfiles\naliases\tfiles\n' > "$SM_DIR/etc/service.switch"
    printf '%s\nlocalhost\n' "$SM_HOSTNAME" > "$SM_DIR/etc/local-host-names"
    printf 'root\n' > "$SM_DIR/etc/trusted-users"
    printf '127\nIPv6:::1\n' > "$SM_DIR/etc/relay-domains"
    printf 'postmaster: root\nMAILER-DAEMON: postmaster\nroot: postmaster@example.test\n' > "$SM_DIR/etc/aliases"
    cat > "$SM_DIR/etc/sasl2/Sendmail.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $SM_DIR/etc/sasldb2
EOF
    rm -f "$SM_DIR/etc/sasldb2"
    for u in $SM_SASL_USERS; do
        printf '%s' "${u#*:}" | saslpasswd2 -p -c -u "$SM_HOSTNAME" -f "$SM_DIR/etc/sasldb2" "${u%%:*}" ||
            { _sm_die "saslpasswd2 failed"; return 1; }
    done
    chmod 600 "$SM_DIR/etc/sasldb2"

    _sm_write_milters "$HARNESS_MILTER" || return 1
    _sm_write_mc || return 1
    sm_rebuild_cf || return 1
    sm_exec -bi > "$SM_DIR/log/newaliases.out" 2>&1 || { cat "$SM_DIR/log/newaliases.out" >&2;
        _sm_die "newaliases failed"; return 1; }
    _sm_write_env
    # shellcheck disable=SC2034  # printed by e2e_harness_main
    SM_SETUP_MS=$(( $(_sm_ms) - t0 ))
    return 0
}

# ---------------------------------------------------------------- processes

_sm_pidfile_pid() { # FILE: the live pid in Sendmail's pid file (first line)
    local p
    p=$(head -n 1 "$1" 2>/dev/null | tr -dc 0-9)
    [ -n "$p" ] && e2e_pid_alive "$p" && echo "$p"
}

_sm_daemon_pid() { _sm_pidfile_pid "$SM_DIR/run/sendmail.pid"; }

sm_running() { _sm_daemon_pid > /dev/null; }

_sm_start_sink() { # NAME PORT DIR
    if e2e_port_listening "$2"; then
        _sm_die "port $2 for the $1 sink is already in use"; return 1
    fi
    "$PYTHON" "$_SM_LIB_DIR/sink.py" "$2" "$3" < /dev/null > "$SM_DIR/log/sink-$1.out" 2>&1 &
    e2e_track $! "sink-$1" "$SM_DIR/pids"
    disown $!
}

_sm_listening6() { # PORT: something listens on [::1]:PORT (e2e_port_listening knows IPv4 only)
    ss -Hltn "sport = :$1" 2>/dev/null | awk -v a="[::1]:$1" '$4 == a {f=1} END {exit !f}'
}

_sm_ports() {
    echo "$SM_PORT_MX $SM_PORT_SUBMISSION $SM_PORT_LEGACY"
}

_sm_start_daemon() {
    local pid p
    for p in $(_sm_ports); do
        e2e_port_listening "$p" && { _sm_die "port $p is already in use"; return 1; }
    done
    rm -f "$SM_DIR/run/sendmail.pid"
    _sm_ns_argv
    # the subshell execs unshare -> sh -> env -> sendmail: all the same PID
    ( exec "${_SM_NS[@]}" "$SM_BIN" -C "$SM_CF" -bD -q"${SM_QUEUE_INTERVAL:-1m}" ) \
        < /dev/null >> "$SM_DIR/log/sendmail.out" 2>&1 &
    pid=$!
    disown "$pid"
    e2e_track "$pid" sendmail-daemon "$SM_DIR/pids"
    for p in $(_sm_ports); do
        if ! wait_for "e2e_port_listening $p" 10; then
            tail -n 5 "$SM_LOG" "$SM_DIR/log/sendmail.out" >&2 2>/dev/null
            _sm_die "sendmail does not listen on 127.0.0.1:$p"
            return 1
        fi
        if [ "$SM_IPV6" = 1 ] && ! wait_for "_sm_listening6 $p" 5; then
            _sm_die "sendmail does not listen on [::1]:$p"; return 1
        fi
    done
    wait_for "[ \"\$(_sm_daemon_pid)\" = $pid ]" 5 || { _sm_die "no pid file for daemon $pid"; return 1; }
}

sm_start() {
    local t0
    t0=$(_sm_ms)
    [ -n "${SM_DIR:-}" ] && [ -f "$SM_CF" ] || { _sm_die "sm_start: run sm_setup first"; return 1; }
    _sm_start_sink main "$SM_PORT_SINK_MAIN" "$SM_SINK_MAIN" || return 1
    _sm_start_sink legacy "$SM_PORT_SINK_LEGACY" "$SM_SINK_LEGACY" || return 1
    _sm_start_daemon || return 1
    wait_for "e2e_port_listening $SM_PORT_SINK_MAIN && e2e_port_listening $SM_PORT_SINK_LEGACY" 10 ||
        { _sm_die "sinks do not listen"; return 1; }
    # shellcheck disable=SC2034  # printed by e2e_harness_main
    SM_START_MS=$(( $(_sm_ms) - t0 ))
    return 0
}

# _sm_own_pids: every live process running this instance's sendmail binary (children included)
_sm_own_pids() {
    local f p
    for f in $(find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$SM_BIN" 2>/dev/null); do
        p=${f#/proc/}
        p=${p%/exe}
        e2e_pid_alive "$p" && echo "$p"
    done
}

_sm_term() { # PID...: TERM, wait up to 5 s, then KILL
    local p
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null
    for p in "$@"; do
        wait_for "! e2e_pid_alive $p" 5 || kill -KILL "$p" 2>/dev/null
    done
}

_sm_stop_daemon() {
    local pid
    pid=$(_sm_daemon_pid)
    [ -n "$pid" ] && _sm_term "$pid"
    rm -f "$SM_DIR/run/sendmail.pid"
}

sm_restart() {
    local t0
    t0=$(_sm_ms)
    _sm_stop_daemon
    _sm_start_daemon || return 1
    SM_RESTART_MS=$(( $(_sm_ms) - t0 ))
}

sm_stop() {
    [ -n "${SM_DIR:-}" ] && [ -d "$SM_DIR" ] || return 0
    sm_legacy_runner stop
    _sm_stop_daemon
    # connection and delivery children that outlived the daemon (by PID; SM_BIN is unique to this instance)
    # shellcheck disable=SC2046
    _sm_term $(_sm_own_pids)
    e2e_kill_tracked "$SM_DIR/pids"
    return 0
}

sm_legacy_runner() {
    local pf=$SM_DIR/run/legacy.pid pid
    case ${1:-status} in
    start)
        pid=$(_sm_pidfile_pid "$pf") && return 0
        rm -f "$pf"
        _sm_ns_argv
        # contrib/sendmail/legacy-runner.sh run: sendmail -C legacy.cf -qQREASON -qpINTERVAL, which forks:
        # the persistent runner's PID is in its pid file
        ( exec "${_SM_NS[@]}" /bin/sh "$_SM_SRC_DIR/contrib/sendmail/legacy-runner.sh" run -C "$SM_LEGACY_CF" \
            -r "$SM_QUARANTINE_REASON" -i "${SM_LEGACY_INTERVAL:-1s}" -s "$SM_BIN" ) \
            < /dev/null >> "$SM_DIR/log/legacy-runner.out" 2>&1
        wait_for "_sm_pidfile_pid '$pf'" 10 || { _sm_die "the legacy runner did not start"; return 1; }
        pid=$(_sm_pidfile_pid "$pf")
        e2e_track "$pid" legacy-runner "$SM_DIR/pids"
        ;;
    stop)
        pid=$(_sm_pidfile_pid "$pf") && _sm_term "$pid"
        rm -f "$pf"
        ;;
    status)
        pid=$(_sm_pidfile_pid "$pf") && { echo "legacy runner: running (pid $pid)"; return 0; }
        echo "legacy runner: stopped"
        return 1
        ;;
    *) _sm_die "usage: sm_legacy_runner start|stop|status" ;;
    esac
}

sm_set_milter() {
    HARNESS_MILTER=$1
    _sm_write_milters "$1" || return 1
    _sm_write_mc || return 1
    sm_rebuild_cf || return 1
    _sm_write_env
    if sm_running; then sm_restart; fi
}

# ---------------------------------------------------------------- queue

sm_flush() { sm_exec -q > /dev/null 2>&1; }

_sm_ids() { # PREFIX
    local f
    for f in "$SM_QUEUE/$1"*; do [ -e "$f" ] && echo "${f##*/$1}"; done
}
sm_queue_ids() { _sm_ids qf; }
sm_quarantine_ids() { _sm_ids hf; }

sm_quarantine_reason() { sed -n 's/^q//p' "$SM_QUEUE/hf$1" 2>/dev/null; }

sm_release_quarantine() {
    sm_exec -qQ"${1:-}" -Q > /dev/null 2>&1
    sm_flush
}

# _sm_queue_busy: true if a job other than a quarantined one is in the queue (a quarantined job is its hf
# file plus its df file)
_sm_queue_busy() {
    local f
    for f in "$SM_QUEUE"/qf* "$SM_QUEUE"/tf* "$SM_QUEUE"/xf*; do [ -e "$f" ] && return 0; done
    for f in "$SM_QUEUE"/df*; do
        [ -e "$f" ] && [ ! -e "$SM_QUEUE/hf${f##*/df}" ] && return 0
    done
    return 1
}

sm_wait_queue_empty() {
    wait_for "! _sm_queue_busy" "${1:-30}"
}

sm_queue_id() {
    printf '%s\n' "$1" | sed -n 's/.*250 2\.0\.0 \([0-9A-Za-z]\{8,\}\) Message accepted for delivery.*/\1/p' | tail -1
}

# ---------------------------------------------------------------- sinks and log

# The sink directories' helpers are common.sh's (sink_*); these names are the harness API.
sm_sink_files() { sink_files "$@"; }
sm_sink_count() { sink_count "$@"; }
sm_wait_sink() { sink_wait "$@"; }
sm_sink_grep() { sink_grep "$@"; }
sm_wait_sink_grep() { sink_wait_grep "$@"; }

_sm_sink_pid() {
    local pid st name
    while read -r pid st name; do
        [ "$name" = "sink-$1" ] && _e2e_alive "$pid" "$st" && { echo "$pid"; return 0; }
    done < "$SM_DIR/pids"
    return 1
}

sm_sink_stop() {
    local pid
    pid=$(_sm_sink_pid "$1") || return 0
    _sm_term "$pid"
}

sm_sink_start() {
    case $1 in
    main) _sm_start_sink main "$SM_PORT_SINK_MAIN" "$SM_SINK_MAIN" || return 1
          wait_for "e2e_port_listening $SM_PORT_SINK_MAIN" 5 ;;
    legacy) _sm_start_sink legacy "$SM_PORT_SINK_LEGACY" "$SM_SINK_LEGACY" || return 1
          wait_for "e2e_port_listening $SM_PORT_SINK_LEGACY" 5 ;;
    *) _sm_die "unknown sink $1" ;;
    esac
}

sm_log_wait() { wait_for "grep -Eq -- '${1//\'/\'\\\'\'}' '$SM_LOG'" "${2:-10}"; }

sm_assert_log() {
    sm_log_wait "$1" "${2:-5}" && return 0
    t_fail "sendmail log does not match /$1/"
}

# ---------------------------------------------------------------- command line

_sm_status() {
    if sm_running; then echo "sendmail: running (pid $(_sm_daemon_pid))"; else echo "sendmail: stopped"; fi
    sm_legacy_runner status
}

# The command line: "fetch", or e2e_harness_main's setup|start|stop|status DIR.
_sm_main() {
    if [ "${1:-}" = fetch ]; then
        SM_DIR=
        sm_fetch_debs && echo "cached in $SM_DEB_CACHE:" && ls "$SM_DEB_CACHE"
        return
    fi
    e2e_harness_main sm "$@"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _sm_main "$@"
    exit $?
fi
