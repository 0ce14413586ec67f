# shellcheck shell=bash
# common.sh -- shared helpers for the milter-tlspolicy end-to-end suites (bash; source it, don't run it).
#
#   . "$(dirname "$0")/../lib/common.sh"
#   e2e_init                 # work dir $E2E_WORK + cleanup trap (EXIT INT TERM)
#   t_begin "plain mail via mx"; ...; assert_eq 0 "$rc" "exit code"; ...; t_end
#   t_summary                # last line: "N passed, N failed"; returns 1 if anything failed
#
# Assertions (each returns 0/1; a failing one calls t_fail, so the current test counts as failed once):
#   t_begin NAME             start a test (an unfinished previous test without verdict counts as failed)
#   t_pass                   the current test passed (ignored if it already failed)
#   t_fail MSG               the current test failed (more t_fail calls just add messages)
#   t_end                    t_pass unless the current test already failed
#   t_skip NAME REASON       report a skipped test (not counted in the summary)
#   assert_eq EXPECTED ACTUAL [WHAT]
#   assert_match REGEX STRING [WHAT]          (bash ERE, =~)
#   assert_no_match REGEX STRING [WHAT]
#   assert_file_contains FILE REGEX           (grep -E; FILE may be a glob, then any match suffices)
#   assert_file_lacks FILE REGEX
#   t_note TEXT...           print TEXT indented under the current test (e.g. a transcript of a failure)
#   wait_for CMD TIMEOUT     eval CMD every 0.1 s until it succeeds (0) or TIMEOUT seconds (may be 0.5) pass (1)
#   t_summary
#
# Processes and cleanup:
#   e2e_track PID NAME [PIDFILE]   record a background process we started (PID, /proc start time, name)
#   e2e_bg NAME CMD...             start CMD in the background (stdout+stderr -> $E2E_WORK/logs/NAME.log),
#                                  record it, leave its PID in E2E_BG_PID
#   e2e_kill_tracked [PIDFILE]     TERM (then KILL after ${E2E_KILL_GRACE:-3} s) exactly the recorded,
#                                  still-identical processes.  (libmilter needs ~4.5 s to exit after SIGTERM,
#                                  so a milter under test usually gets KILLed: raise E2E_KILL_GRACE to avoid it.)
#   e2e_pid_alive PID              process exists and is not a zombie
#   e2e_on_cleanup FUNC            run FUNC at cleanup (before the recorded processes are killed)
#   e2e_cleanup                    the EXIT/INT/TERM trap: hooks, kill recorded PIDs, release ports,
#                                  rm -rf $E2E_WORK unless KEEP_WORK=1.  Never kills by name.
#   Pid files: $E2E_WORK/pids plus every file added to E2E_PIDFILES (the Postfix harness adds $PF_DIR/pids,
#   which holds its sinks and the Postfix master: SIGTERM to the master is exactly what `postfix stop` does).
#
# Ports:
#   e2e_alloc_port           prints a free loopback TCP port >= ${E2E_PORT_BASE:-23000} (not listening per
#                            `ss -ltn`, and reserved with an atomic mkdir in ${E2E_PORT_LOCKDIR:-/tmp/e2e-port-locks}
#                            so that concurrent suites never get the same port, even with the same base).
#                            Call it as `port=$(e2e_alloc_port)` or `e2e_alloc_port VAR` (no subshell: faster).
#                            The reservation belongs to ${E2E_PORT_OWNER:-$$} (a PID, or "dir:PATH") and lapses
#                            when that process dies (or PATH is removed); e2e_cleanup releases it at once.
#   e2e_port_listening PORT [ADDR]   something listens on ADDR:PORT (default 127.0.0.1), per `ss -ltn`
#
# SMTP client (openssl s_client for TLS, bash /dev/tcp for plaintext; loopback targets only):
#   smtp_send --port P [--host 127.0.0.1] [--tls none|1.0|1.1|1.2|1.3|any] [--cipher STR]
#             [--ehlo NAME|none] [--ehlo-after-tls yes|no] [--auth USER:PASS] [--cert FILE --key FILE]
#             [--from A] [--to B]... [--rcpt-param 'ORCPT=rfc822;b@x']... [--header 'N: v']...
#             [--subject S] [--body TEXT] [--timeout SEC] [--no-data]
#     Prints the transcript ("C: ..." / "S: ..." lines) and a last line like tlspolicy-probe's:
#     (after a 421 the transcript says "S: (connection closed by the server)" when the server hung up,
#     else "S: (connection still open ...)"; nothing is sent after a 421)
#     "accepted 250 2.0.0 Ok: queued as 4XyZ", "deferred 421 4.7.66 ...", "rejected 550 ...",
#     "failed <reason>".  Exit code 0 accepted, 4 deferred, 5 rejected, 2 connection/TLS failure.
#     --ehlo none (plaintext only) sends MAIL right after the greeting, with no HELO or EHLO at all.
#     TLS 1.0/1.1 use `-cipher DEFAULT:@SECLEVEL=0` (OpenSSL 3 otherwise refuses the server's SHA1 signature).
#     openssl runs behind two FIFOs (not a coproc, whose descriptors bash closes when it exits), so the
#     server's last reply is read even when openssl has already gone; SIGPIPE is ignored while it runs.
#     s_client does EHLO+STARTTLS itself and hides those replies: a refused STARTTLS (e.g. 454 when the milter
#     is down) shows up as "failed TLS session failed: ...wrong version number".  No source-address binding.
#     (contrib/probe's tlspolicy-probe will replace this for TLS tests.)
#   smtp_queue_id TRANSCRIPT prints the Postfix queue id from "queued as X" in a transcript.
#
# Harness scripts run as commands:
#   e2e_harness_main PREFIX CMD DIR   the "setup|start|stop|status DIR" command line of postfix-harness.sh
#                            (PREFIX pf) and sendmail-harness.sh (sm), through their PREFIX_setup DIR,
#                            PREFIX_start, PREFIX_stop and _PREFIX_status; DIR/harness.env (which sets
#                            PF_DIR or SM_DIR) is read first when it exists; PF_/SM_SETUP_MS and _START_MS
#                            are printed when the harness sets them.
#
# Environment: E2E_PORT_BASE, E2E_PORT_LOCKDIR, E2E_TMPDIR (default /tmp), KEEP_WORK=1, E2E_KILL_GRACE,
# PYTHON (default /usr/bin/python3 if present, else python3).

[ -n "${_E2E_COMMON_LOADED:-}" ] && return 0
_E2E_COMMON_LOADED=1

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${PYTHON:-}" ]; then
    if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
E2E_PASS=0
E2E_FAIL=0
E2E_CUR=
E2E_CUR_STATE=none          # none | open | passed | failed
E2E_PIDFILES=()
E2E_CLEANUP_HOOKS=()
E2E_PORTS=()
E2E_PORT_NEXT=
E2E_PORT_LOCKDIR=${E2E_PORT_LOCKDIR:-/tmp/e2e-port-locks}
E2E_WORK=${E2E_WORK:-}
_E2E_CLEANED=

# ---------------------------------------------------------------- tests and assertions

t_begin() {
    if [ "$E2E_CUR_STATE" = open ]; then
        t_fail "test ended without a verdict"
    fi
    E2E_CUR=$1
    E2E_CUR_STATE=open
    E2E_T0=${EPOCHREALTIME/./}
}

_t_elapsed() { # ms since t_begin
    local now=${EPOCHREALTIME/./}
    echo $(( (now - ${E2E_T0:-$now}) / 1000 ))
}

t_pass() {
    case $E2E_CUR_STATE in
    failed|passed) return 0 ;;
    esac
    E2E_PASS=$((E2E_PASS + 1))
    E2E_CUR_STATE=passed
    printf 'ok   - %s (%s ms)\n' "$E2E_CUR" "$(_t_elapsed)"
}

t_fail() {
    if [ "$E2E_CUR_STATE" = failed ]; then
        printf '       %s\n' "$*"
        return 1
    fi
    [ "$E2E_CUR_STATE" = passed ] && E2E_PASS=$((E2E_PASS - 1))
    E2E_FAIL=$((E2E_FAIL + 1))
    E2E_CUR_STATE=failed
    printf 'FAIL - %s: %s\n' "${E2E_CUR:-(no test)}" "$*"
    return 1
}

t_end() {
    [ "$E2E_CUR_STATE" = open ] && t_pass
    [ "$E2E_CUR_STATE" != failed ]
}

t_skip() {
    printf 'skip - %s: %s\n' "$1" "${2:-}"
}

# t_note TEXT...: indented diagnostic output (e.g. a transcript) under the current test
t_note() {
    printf '%s\n' "$@" | sed 's/^/       | /'
}

assert_eq() {
    [ "$1" = "$2" ] && return 0
    t_fail "${3:-value}: expected '$1', got '$2'"
}

assert_match() {
    [[ $2 =~ $1 ]] && return 0
    t_fail "${3:-string} does not match /$1/: '$(printf '%s' "$2" | head -c 300)'"
}

assert_no_match() {
    [[ $2 =~ $1 ]] || return 0
    t_fail "${3:-string} unexpectedly matches /$1/"
}

assert_file_contains() {
    local f
    for f in $1; do
        [ -f "$f" ] && grep -Eq -- "$2" "$f" && return 0
    done
    t_fail "no file $1 contains /$2/"
}

assert_file_lacks() {
    local f
    for f in $1; do
        if [ -f "$f" ] && grep -Eq -- "$2" "$f"; then
            t_fail "$f unexpectedly contains /$2/"
            return 1
        fi
    done
    return 0
}

_e2e_secs_to_us() { # "1.5" -> 1500000
    local s=$1 int frac
    int=${s%%.*}; [ -n "$int" ] || int=0
    if [ "$int" != "$s" ]; then frac=${s#*.}; else frac=; fi
    frac=${frac}000000; frac=${frac:0:6}
    echo $(( 10#$int * 1000000 + 10#$frac ))
}

wait_for() {
    local cmd=$1 deadline
    deadline=$(( ${EPOCHREALTIME/./} + $(_e2e_secs_to_us "${2:-10}") ))
    while :; do
        eval "$cmd" >/dev/null 2>&1 && return 0
        [ "${EPOCHREALTIME/./}" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

t_summary() {
    [ "$E2E_CUR_STATE" = open ] && t_fail "test ended without a verdict"
    printf '%d passed, %d failed\n' "$E2E_PASS" "$E2E_FAIL"
    [ "$E2E_FAIL" -eq 0 ]
}

# ---------------------------------------------------------------- work dir, processes, cleanup

e2e_init() {
    if [ -z "$E2E_WORK" ]; then
        E2E_WORK=$(mktemp -d "${E2E_TMPDIR:-/tmp}/e2e.XXXXXX")
    fi
    mkdir -p "$E2E_WORK/logs"
    chmod 755 "$E2E_WORK"      # Postfix daemons (user postfix) must traverse into it
    E2E_PIDFILES=("$E2E_WORK/pids" "${E2E_PIDFILES[@]}")
    trap 'e2e_cleanup' EXIT
    trap 'e2e_cleanup; trap - INT; kill -INT $$' INT
    trap 'e2e_cleanup; exit 143' TERM
}

_e2e_starttime() { # field 22 of /proc/PID/stat (start time in clock ticks); comm may contain spaces
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    set -- $s
    echo "${20}"
}

e2e_track() {
    local pid=$1 name=${2:-proc} file=${3:-${E2E_PIDFILES[0]:-}} st
    [ -n "$file" ] || { echo "e2e_track: no pid file (call e2e_init first)" >&2; return 1; }
    st=$(_e2e_starttime "$pid") || st=0
    printf '%s %s %s\n' "$pid" "$st" "$name" >> "$file"
}

e2e_bg() {
    local name=$1; shift
    "$@" < /dev/null > "${E2E_WORK:-/tmp}/logs/$name.log" 2>&1 &
    E2E_BG_PID=$!
    disown "$E2E_BG_PID"    # no "Killed" job reports from bash; bash still reaps it
    e2e_track "$E2E_BG_PID" "$name"
}

# e2e_pid_alive PID: the process exists and is not a zombie.  (Daemons such as the Postfix master are
# reparented to PID 1, which in containers may reap them only a second or more later.)
e2e_pid_alive() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    [ "${s:0:1}" != Z ]
}

# _e2e_alive PID STARTTIME: the recorded process still runs and is the same process (no PID reuse)
_e2e_alive() {
    local st
    e2e_pid_alive "$1" || return 1
    st=$(_e2e_starttime "$1") || return 1
    [ "$2" = 0 ] || [ "$st" = "$2" ]
}

e2e_kill_tracked() {
    local file=${1:-${E2E_PIDFILES[0]:-}} pid st name left i
    [ -f "$file" ] || return 0
    local -a pids=() sts=()
    while read -r pid st name; do
        [ -n "$pid" ] || continue
        if _e2e_alive "$pid" "$st"; then
            kill -TERM "$pid" 2>/dev/null && { pids+=("$pid"); sts+=("$st"); }
        fi
    done < "$file"
    local grace=$(( $(_e2e_secs_to_us "${E2E_KILL_GRACE:-3}") / 100000 ))
    for ((i = 0; i < grace; i++)); do
        left=0
        for ((j = 0; j < ${#pids[@]}; j++)); do
            _e2e_alive "${pids[j]}" "${sts[j]}" && left=1
        done
        [ $left = 0 ] && break
        sleep 0.1
    done
    for ((j = 0; j < ${#pids[@]}; j++)); do
        _e2e_alive "${pids[j]}" "${sts[j]}" && kill -KILL "${pids[j]}" 2>/dev/null
    done
    # reap our own children (silently: bash would report "Killed"/"Terminated" jobs)
    for pid in "${pids[@]}"; do { wait "$pid"; } 2>/dev/null; done
    : > "$file"
}

e2e_on_cleanup() {
    E2E_CLEANUP_HOOKS+=("$1")
}

# ---------------------------------------------------------------- sink directories
# The SMTP sinks (sink.py) write one NNN.eml per message into a directory.
sink_files() { ls "$1"/*.eml 2>/dev/null; }            # DIR: the messages, by name

sink_count() {                                         # DIR: how many messages
    local n=0 f
    for f in "$1"/*.eml; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}

sink_wait() { wait_for "[ \$(sink_count '$1') -ge $2 ]" "${3:-15}"; }   # DIR N [T]

sink_grep() { grep -El -- "$2" "$1"/*.eml 2>/dev/null; }   # DIR REGEX: matching messages

sink_wait_grep() {                                     # DIR REGEX [T]: wait, print the names
    wait_for "sink_grep '$1' '$2'" "${3:-15}" && sink_grep "$1" "$2"
}

e2e_cleanup() {
    local rc=$? h f p
    set +eu   # a caller's errexit/nounset must not cut the cleanup short
    [ -n "$_E2E_CLEANED" ] && return $rc
    _E2E_CLEANED=1
    for h in "${E2E_CLEANUP_HOOKS[@]}"; do "$h" || true; done
    for f in "${E2E_PIDFILES[@]}"; do e2e_kill_tracked "$f"; done
    for p in "${E2E_PORTS[@]}"; do rm -rf "${E2E_PORT_LOCKDIR:?}/$p"; done
    # reservations made in subshells ($(e2e_alloc_port)) are not in E2E_PORTS: find them by owner pid
    for p in "$E2E_PORT_LOCKDIR"/*/pid; do
        [ -f "$p" ] && [ "$(cat "$p" 2>/dev/null)" = "$$" ] && rm -rf "${p%/pid}"
    done
    if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
        if [ "${KEEP_WORK:-0}" = 1 ]; then
            echo "KEEP_WORK=1: work dir kept: $E2E_WORK" >&2
        else
            rm -rf "$E2E_WORK"
        fi
    fi
    return $rc
}

# ---------------------------------------------------------------- ports

_e2e_listening_ports=
_e2e_port_busy() {
    case " $_e2e_listening_ports " in *" $1 "*) return 0 ;; esac
    return 1
}

e2e_alloc_port() {
    local var=${1:-} port owner
    mkdir -p "$E2E_PORT_LOCKDIR" 2>/dev/null
    # all listening TCP ports on any address (v4 and v6)
    _e2e_listening_ports=$(ss -Hltn 2>/dev/null | awk '{n=split($4,a,":"); print a[n]}' | sort -un | tr '\n' ' ')
    port=${E2E_PORT_NEXT:-${E2E_PORT_BASE:-23000}}
    while [ "$port" -lt 65000 ]; do
        if ! _e2e_port_busy "$port"; then
            if mkdir "$E2E_PORT_LOCKDIR/$port" 2>/dev/null; then
                echo "${E2E_PORT_OWNER:-$$}" > "$E2E_PORT_LOCKDIR/$port/pid"
                break
            fi
            # stale reservation?  owner is a suite's PID (stale when dead) or "dir:PATH" for a manually run
            # harness instance (stale when PATH is gone).  A missing owner file means "being created".
            owner=$(cat "$E2E_PORT_LOCKDIR/$port/pid" 2>/dev/null)
            case $owner in
            "") ;;
            dir:*) if [ ! -d "${owner#dir:}" ]; then rm -rf "${E2E_PORT_LOCKDIR:?}/$port"; continue; fi ;;
            *) if ! kill -0 "$owner" 2>/dev/null; then rm -rf "${E2E_PORT_LOCKDIR:?}/$port"; continue; fi ;;
            esac
        fi
        port=$((port + 1))
    done
    [ "$port" -lt 65000 ] || { echo "e2e_alloc_port: no free port" >&2; return 1; }
    E2E_PORT_NEXT=$((port + 1))
    E2E_PORTS+=("$port")
    if [ -n "$var" ]; then printf -v "$var" '%s' "$port"; else echo "$port"; fi
}

# e2e_port_listening PORT [ADDR]: something listens on ADDR:PORT (default 127.0.0.1)
e2e_port_listening() {
    ss -Hltn "sport = :$1" 2>/dev/null | awk -v a="${2:-127.0.0.1}:$1" '$4 == a || $4 == "["a"]" {f=1} END {exit !f}'
}

# ---------------------------------------------------------------- SMTP client

_smtp_w() { # send one line
    printf '%s%s' "$1" "$_SMTP_EOL" >&"$_SMTP_WFD" 2>/dev/null || return 1
    printf 'C: %s\n' "$1"
}

_smtp_r() { # read one (multi-line) reply; sets SMTP_CODE and SMTP_REPLY (last line)
    local line
    SMTP_CODE=
    SMTP_REPLY=
    while :; do
        if ! IFS= read -r -t "$_SMTP_TIMEOUT" -u "$_SMTP_RFD" line; then
            SMTP_REPLY="connection closed or timed out"
            printf 'S: (%s)\n' "$SMTP_REPLY"
            return 1
        fi
        line=${line%$'\r'}
        printf 'S: %s\n' "$line"
        if [[ $line =~ ^([0-9]{3})([\ -]|$) ]]; then
            if [ "${BASH_REMATCH[2]}" != - ]; then
                SMTP_CODE=${BASH_REMATCH[1]}
                SMTP_REPLY=$line
                return 0
            fi
        fi
    done
}

_smtp_cmd() { # send, read reply; 0 if 2xx/3xx
    _smtp_w "$1" || { SMTP_CODE=; SMTP_REPLY="write failed"; printf 'S: (write failed)\n'; return 1; }
    _smtp_r || return 1
    [[ $SMTP_CODE == [23]* ]]
}

_smtp_verdict() { # prints last line, returns exit code
    case $SMTP_CODE in
    2*) echo "accepted $SMTP_REPLY"; return 0 ;;
    4*) echo "deferred $SMTP_REPLY"; return 4 ;;
    5*) echo "rejected $SMTP_REPLY"; return 5 ;;
    *)  echo "failed ${1:-$SMTP_REPLY}"; return 2 ;;
    esac
}

smtp_send() {
    # A write to a connection the server (or openssl) already closed must fail, not kill the shell.
    local pipe_trap rc
    pipe_trap=$(trap -p PIPE)
    trap '' PIPE
    _smtp_send "$@"
    rc=$?
    if [ -n "$pipe_trap" ]; then eval "$pipe_trap"; else trap - PIPE; fi
    return $rc
}

_smtp_send() {
    local host=127.0.0.1 port= tls=none cipher= ehlo=client.test.invalid ehlo_after=yes auth= cert= key=
    local from=sender@client.test.invalid subject="e2e test message" body="Test message body." nodata=
    local -a to=() rparams=() headers=()
    _SMTP_TIMEOUT=20
    while [ $# -gt 0 ]; do
        case $1 in
        --host) host=$2; shift ;;
        --port) port=$2; shift ;;
        --tls) tls=$2; shift ;;
        --cipher) cipher=$2; shift ;;
        --ehlo) ehlo=$2; shift ;;
        --ehlo-after-tls) ehlo_after=$2; shift ;;
        --ehlo-after-tls=*) ehlo_after=${1#*=} ;;
        --auth) auth=$2; shift ;;
        --cert) cert=$2; shift ;;
        --key) key=$2; shift ;;
        --from) from=$2; shift ;;
        --to) to+=("$2"); rparams+=(""); shift ;;
        --rcpt-param) rparams[${#rparams[@]}-1]=$2; shift ;;
        --header) headers+=("$2"); shift ;;
        --subject) subject=$2; shift ;;
        --body) body=$2; shift ;;
        --timeout) _SMTP_TIMEOUT=$2; shift ;;
        --no-data) nodata=1 ;;
        *) echo "smtp_send: unknown option $1" >&2; return 2 ;;
        esac
        shift
    done
    [ -n "$port" ] || { echo "smtp_send: --port missing" >&2; return 2; }
    case $host in
    127.*|::1|localhost) ;;
    *) echo "smtp_send: refusing non-loopback host $host" >&2; return 2 ;;
    esac
    [ ${#to[@]} -gt 0 ] || { to=(rcpt@example.test); rparams=(""); }

    local spid= errf rc=0 i line
    SMTP_CODE=
    SMTP_REPLY=
    if [ "$tls" = none ]; then
        _SMTP_EOL=$'\r\n'
        local fd
        if ! exec {fd}<>"/dev/tcp/$host/$port"; then
            echo "failed connect to $host:$port"
            return 2
        fi 2>/dev/null
        _SMTP_RFD=$fd
        _SMTP_WFD=$fd
        _smtp_r || { exec {fd}>&-; _smtp_verdict "no greeting"; return; }
        [[ $SMTP_CODE == 2* ]] || { exec {fd}>&-; _smtp_verdict; return; }
        if [ "$ehlo" != none ] && ! _smtp_cmd "EHLO $ehlo"; then exec {fd}>&-; _smtp_verdict; return; fi
    else
        local hp="$host:$port"
        [[ $host == *:* ]] && hp="[$host]:$port"
        local -a oargs=(s_client -connect "$hp" -starttls smtp -name "$ehlo" -quiet -crlf -ign_eof)
        case $tls in
        1.0) oargs+=(-tls1 -cipher "${cipher:-DEFAULT:@SECLEVEL=0}") ;;
        1.1) oargs+=(-tls1_1 -cipher "${cipher:-DEFAULT:@SECLEVEL=0}") ;;
        1.2) oargs+=(-tls1_2); [ -n "$cipher" ] && oargs+=(-cipher "$cipher") ;;
        1.3) oargs+=(-tls1_3); [ -n "$cipher" ] && oargs+=(-ciphersuites "$cipher") ;;
        any) [ -n "$cipher" ] && oargs+=(-cipher "$cipher") ;;
        *) echo "smtp_send: bad --tls $tls" >&2; return 2 ;;
        esac
        [ -n "$cert" ] && oargs+=(-cert "$cert")
        [ -n "$key" ] && oargs+=(-key "$key")
        # openssl talks through two FIFOs that we open ourselves: a coproc's descriptors are closed by
        # bash as soon as it reaps the coprocess, which loses the server's last reply (e.g. a 421
        # followed by the close) with "read: 63: invalid file descriptor".
        local fdir
        fdir=$(mktemp -d "${E2E_WORK:-/tmp}/s_client.XXXXXX")
        errf=$fdir/stderr
        mkfifo "$fdir/in" "$fdir/out"
        _SMTP_EOL=$'\n'   # s_client -crlf adds the CR
        openssl "${oargs[@]}" < "$fdir/in" > "$fdir/out" 2> "$errf" &
        spid=$!
        # the same order as openssl's redirections (in, then out), so that neither open blocks for good
        exec {_SMTP_WFD}> "$fdir/in" {_SMTP_RFD}< "$fdir/out"
        [ -n "${E2E_PIDFILES[0]:-}" ] && e2e_track "$spid" s_client
        printf 'C: (openssl %s)\n' "${oargs[*]:1}"
        if [ "$ehlo_after" = yes ]; then
            if ! _smtp_cmd "EHLO $ehlo"; then
                local why
                sed 's/^/E: /' "$errf"
                why=$(grep -m1 -iE 'error|alert|didn' "$errf" 2>/dev/null | sed 's/^[0-9A-F]*:error:[0-9A-F]*://')
                _smtp_close_tls "$spid" "$errf"
                _smtp_verdict "TLS session failed: ${why:-no reply after STARTTLS}"
                return
            fi
        fi
    fi

    _smtp_session "$auth" "$from" "$nodata" "$subject" "$body" "${#to[@]}" "${to[@]}" "${rparams[@]}" "${headers[@]}"
    rc=$?

    if [ -n "$spid" ]; then
        [ "$rc" = 2 ] && sed 's/^/E: /' "$errf"
        _smtp_close_tls "$spid" "$errf"
    else
        exec {_SMTP_RFD}>&-
    fi
    return $rc
}

_smtp_close_tls() {
    local spid=$1 errf=$2 i
    exec {_SMTP_WFD}>&- 2>/dev/null
    exec {_SMTP_RFD}<&- 2>/dev/null
    for ((i = 0; i < 20; i++)); do
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.05
    done
    kill -TERM "$spid" 2>/dev/null
    wait "$spid" 2>/dev/null
    rm -rf "$(dirname "$errf")"
}

# _smtp_session AUTH FROM NODATA SUBJECT BODY NRCPT RCPT... PARAM... HEADER...
_smtp_session() {
    local auth=$1 from=$2 nodata=$3 subject=$4 body=$5 n=$6 i ok=0
    shift 6
    local -a to=("${@:1:n}") rp=("${@:n+1:n}")
    shift $((2 * n))
    local -a hdrs=("$@")
    if [ -n "$auth" ]; then
        local b64
        b64=$(printf '\0%s\0%s' "${auth%%:*}" "${auth#*:}" | base64 -w0)
        _smtp_cmd "AUTH PLAIN $b64" || { _smtp_quit; _smtp_verdict; return; }
    fi
    _smtp_cmd "MAIL FROM:<$from>" || { _smtp_quit; _smtp_verdict; return; }
    for ((i = 0; i < n; i++)); do
        if _smtp_cmd "RCPT TO:<${to[i]}>${rp[i]:+ ${rp[i]}}"; then
            ok=1
        elif [[ -z $SMTP_CODE || $SMTP_CODE == 421 ]]; then
            _smtp_quit; _smtp_verdict; return
        fi
    done
    if [ "$ok" = 0 ]; then _smtp_quit; _smtp_verdict; return; fi
    if [ -n "$nodata" ]; then
        _smtp_cmd "RSET"; _smtp_quit; _smtp_verdict; return
    fi
    _smtp_cmd "DATA" || { _smtp_quit; _smtp_verdict; return; }
    local msgid date
    msgid="<e2e.${EPOCHREALTIME/./}.$RANDOM@client.test.invalid>"
    date=$(LC_ALL=C date -R)
    local -a msg=("From: <$from>" "To: <${to[0]}>" "Subject: $subject" "Date: $date" "Message-ID: $msgid")
    local line
    msg+=("${hdrs[@]}" "")
    while IFS= read -r line; do
        [[ $line == .* ]] && line=.$line        # dot-stuffing
        msg+=("$line")
    done <<< "$body"
    for line in "${msg[@]}"; do
        printf '%s%s' "$line" "$_SMTP_EOL" >&"$_SMTP_WFD" || break
    done
    printf 'C: (message: %s header lines, Message-ID: %s)\n' "$((5 + ${#hdrs[@]}))" "$msgid"
    _smtp_cmd "." ; local data_code=$SMTP_CODE data_reply=$SMTP_REPLY
    _smtp_quit
    SMTP_CODE=$data_code
    SMTP_REPLY=$data_reply
    _smtp_verdict
}

# _smtp_check_closed: after a 421 the server must close the connection; say whether it did (EOF within
# 3 s), without sending anything.
_smtp_check_closed() {
    local line rc
    IFS= read -r -t 3 -u "$_SMTP_RFD" line 2>/dev/null
    rc=$?
    if [ "$rc" -gt 128 ]; then
        printf 'S: (connection still open after 3 s)\n'
    elif [ "$rc" -ne 0 ] && [ -z "$line" ]; then
        printf 'S: (connection closed by the server)\n'
    else
        printf 'S: %s\n' "${line%$'\r'}"
        printf 'S: (connection still open: more text after the 421)\n'
    fi
}

_smtp_quit() { # QUIT unless the last reply ended the session (421: check that the server closed it)
    local c=$SMTP_CODE r=$SMTP_REPLY
    [[ $c == 421 ]] && { _smtp_check_closed; return 0; }
    [[ -z $c ]] && return 0
    _smtp_cmd QUIT || true
    SMTP_CODE=$c
    SMTP_REPLY=$r
}

smtp_queue_id() {
    printf '%s\n' "$1" | sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' | tail -1
}

# ---------------------------------------------------------------- harness command line

e2e_harness_main() { # PREFIX CMD DIR
    local p=$1 cmd=${2:-} dir=${3:-} up var
    up=$(printf '%s' "$p" | tr '[:lower:]' '[:upper:]')
    case $cmd in
    setup|start|stop|status) ;;
    *) echo "usage: $0 setup|start|stop|status DIR" >&2; return 64 ;;
    esac
    [ -n "$dir" ] || { echo "usage: $0 $cmd DIR" >&2; return 64; }
    [ "$(id -u)" = 0 ] || { echo "$(basename "$0"): must run as root" >&2; return 1; }
    E2E_WORK=
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    E2E_PORT_OWNER="dir:$dir"     # port reservations outlive this script: stale only once DIR is removed
    if [ -f "$dir/harness.env" ]; then
        # shellcheck disable=SC1091
        . "$dir/harness.env"
        E2E_PIDFILES+=("$dir/pids")
    fi
    case $cmd in
    setup)
        [ -f "$dir/harness.env" ] && { echo "$dir is already set up" >&2; return 1; }
        E2E_PORTS=()
        "${p}_setup" "$dir" || return 1
        cat "$dir/harness.env"
        var=${up}_SETUP_MS; [ -z "${!var:-}" ] || echo "setup took ${!var} ms"
        ;;
    start)
        if [ ! -f "$dir/harness.env" ]; then "${p}_setup" "$dir" || return 1; fi
        "${p}_start" || { "${p}_stop"; return 1; }
        cat "$dir/harness.env"
        var=${up}_START_MS; [ -z "${!var:-}" ] || echo "start took ${!var} ms"
        echo "running; stop with: $0 stop $dir"
        ;;
    stop)
        [ -f "$dir/harness.env" ] || { echo "$dir: not a harness dir" >&2; return 1; }
        "${p}_stop"
        echo "stopped (remove $dir yourself; its port reservations lapse then)"
        ;;
    status)
        [ -f "$dir/harness.env" ] && cat "$dir/harness.env"
        "_${p}_status"
        cat "$dir/pids" 2>/dev/null
        ;;
    esac
}
