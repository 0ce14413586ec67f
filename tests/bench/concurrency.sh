#!/bin/bash
# concurrency.sh -- many concurrent SMTP transactions through Postfix and milter-tlspolicy (issue 7)
#
# Usage (as root, from the build directory or with --builddir):
#     tests/bench/concurrency.sh [--sessions 1100] [--hold 10] [options]
#
# A private Postfix (tests/e2e/lib/postfix-harness.sh, its instance directory on a tmpfs in a private mount
# namespace, default_process_limit = sessions + 100) relays to smtp-sink and calls one milter-tlspolicy with
# tests/bench/policies/tag-all.yaml, so every transaction keeps its milter connection until end-of-message.
# `tlspolicy-probe load --hold` opens N sessions at once; each says EHLO, MAIL, RCPT and then waits until
# all N are at that point, holds them --hold seconds more, and sends its message. While they are held the
# script samples the milter from /proc (resident memory, threads, open descriptors) and counts Postfix's
# smtpd processes. Afterwards it checks: every session accepted, every message at the sink, one milter log
# line per message, and no milter trouble in Postfix's log ("connect to Milter service", "can't read",
# "milter ... Connection refused/timed out", any other "warning: ... milter"), nor in the milter's output.
# Resident memory per session = (peak RSS while holding - RSS before the load) / N.
#
# Options:
#   --sessions N      concurrent sessions (default 1100)
#   --hold SEC        seconds to hold all sessions open once they are all in a transaction (default 10)
#   --tls-mix MIX     TLS versions of the sessions (default none:1, plaintext; e.g. 1.2:1,1.3:1)
#   --policy FILE     the milter's policy (default tests/bench/policies/tag-all.yaml)
#   --socket inet|unix  how Postfix reaches the milter (default inet)
#   --nofile N        the milter's RLIMIT_NOFILE (ulimit -n) (default: inherited)
#   --builddir DIR    where milter/milter-tlspolicy and contrib/probe/tlspolicy-probe are
#   --milter FILE     the milter-tlspolicy binary (default: the build directory's)
# Exit status: 0 when all N sessions went through without a refused or failed milter connection and nothing
# was lost, 1 otherwise, 2 for a setup problem.

set -u

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=$SRCDIR/tests/bench
SESSIONS=1100
HOLD=10
TLS_MIX=none:1
POLICY=$BENCH_DIR/policies/tag-all.yaml
SOCKET_KIND=inet
NOFILE=
OPT_BUILDDIR=${BUILDDIR:-}
OPT_MILTER=

die() { echo "concurrency: $*" >&2; exit 2; }
usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
    --sessions) SESSIONS=$2; shift ;;
    --hold) HOLD=$2; shift ;;
    --tls-mix) TLS_MIX=$2; shift ;;
    --policy) POLICY=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift ;;
    --socket) SOCKET_KIND=$2; shift ;;
    --nofile) NOFILE=$2; shift ;;
    --builddir) OPT_BUILDDIR=$2; shift ;;
    --milter) OPT_MILTER=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "concurrency: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[[ $SESSIONS =~ ^[0-9]+$ ]] && [ "$SESSIONS" -ge 1 ] || die "--sessions: expected a number"
[[ $HOLD =~ ^[0-9]+$ ]] || die "--hold: expected seconds"
case $SOCKET_KIND in inet|unix) ;; *) die "--socket: inet or unix" ;; esac
[ "$(id -u)" = 0 ] || die "must run as root"

if [ -z "${MTA_BENCH_NS:-}" ] && command -v unshare >/dev/null 2>&1 &&
   unshare --mount --propagation private true 2>/dev/null; then
    export MTA_BENCH_NS=1
    exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "${ORIG_ARGS[@]}"
fi

BUILD=
for d in "$OPT_BUILDDIR" "$PWD" "$SRCDIR"; do
    if [ -n "$d" ] && [ -x "$d/milter/milter-tlspolicy" ] && [ -x "$d/contrib/probe/tlspolicy-probe" ]; then
        BUILD=$(cd "$d" && pwd); break
    fi
done
[ -n "$BUILD" ] || die "no milter/milter-tlspolicy and contrib/probe/tlspolicy-probe; build first, give --builddir"
MILTER=${OPT_MILTER:-$BUILD/milter/milter-tlspolicy}
PROBE=$BUILD/contrib/probe/tlspolicy-probe
SMTP_SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
[ -x "$MILTER" ] && [ -x "$SMTP_SINK" ] || die "milter or smtp-sink missing"

# shellcheck source=../e2e/lib/postfix-harness.sh
. "$SRCDIR/tests/e2e/lib/postfix-harness.sh"
# shellcheck disable=SC2034  # read by the harness libraries
E2E_KILL_GRACE=8
e2e_init
TMP=$E2E_WORK/tmpfs
mkdir -p "$TMP"
mount -t tmpfs -o size=2g,mode=755 concurrency "$TMP" || die "cannot mount a tmpfs on $TMP"
MOUNTED=1
conc_cleanup() {
    pf_stop
    e2e_kill_tracked "$E2E_WORK/pids"
    [ "${MOUNTED:-0}" = 1 ] && umount "$TMP" && MOUNTED=0
    return 0
}
e2e_on_cleanup conc_cleanup

cpu_secs() { # utime+stime of a process, in seconds
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    st=${st##*) }
    set -- $st
    awk -v t=$(( ${12} + ${13} )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}'
}
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
count_smtpd() { # smtpd processes of this instance (children of its master)
    local n=0 p
    for p in $(cat "/proc/$PF_MASTER/task/$PF_MASTER/children" 2>/dev/null); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = smtpd ] && n=$((n + 1))
    done
    echo $n
}

echo "concurrency: setting up Postfix (default_process_limit $((SESSIONS + 100))) and the milter ..." >&2
# shellcheck disable=SC2034  # both read by pf_setup
PF_PROCESS_LIMIT=$((SESSIONS + 100))
# shellcheck disable=SC2034
PF_IPV6=0
pf_setup "$TMP/postfix" > /dev/null || die "pf_setup failed"
e2e_alloc_port SINK_PORT || die "no port"
pf_conf "relayhost = [127.0.0.1]:$SINK_PORT" || die "postconf failed"
SINK_OUT=$TMP/smtp-sink.out
"$SMTP_SINK" -c -u postfix "127.0.0.1:$SINK_PORT" 4096 < /dev/null > "$SINK_OUT" 2> "$E2E_WORK/logs/smtp-sink.err" &
e2e_track $! smtp-sink
disown $!
wait_for "e2e_port_listening $SINK_PORT" 5 || die "smtp-sink does not listen"

if [ "$SOCKET_KIND" = unix ]; then
    mkdir -p "$TMP/sock" && chmod 755 "$TMP/sock"
    LISTEN=unix:$TMP/sock/milter.sock
    SPEC=$LISTEN
else
    e2e_alloc_port MPORT || die "no port"
    LISTEN=inet:$MPORT@127.0.0.1
    SPEC=inet:127.0.0.1:$MPORT
fi
MLOG=$TMP/milter.log
if [ -n "$NOFILE" ]; then
    e2e_bg milter bash -c 'ulimit -n "$1" && shift && exec "$@"' nofile "$NOFILE" \
        "$MILTER" -f -c "$POLICY" -p "$LISTEN" -m 0666 -L "$MLOG"
else
    e2e_bg milter "$MILTER" -f -c "$POLICY" -p "$LISTEN" -m 0666 -L "$MLOG"
fi
MPID=$E2E_BG_PID
if [ "$SOCKET_KIND" = unix ]; then
    wait_for "[ -S '$TMP/sock/milter.sock' ]" 10
else
    wait_for "e2e_port_listening $MPORT" 10
fi || { cat "$E2E_WORK/logs/milter.log" >&2; die "the milter did not start"; }
# shellcheck disable=SC2034  # recorded by the harness in harness.env
HARNESS_MILTER=$SPEC
_pf_apply_milter "$SPEC" || die "cannot set smtpd_milters"
pf_start || die "Postfix did not start (see $PF_LOG)"
PF_MASTER=$(_pf_master_pid) || die "no Postfix master pid"

# warm-up: a few messages, so that the idle RSS includes what every milter process has anyway
"$PROBE" load "127.0.0.1:$PF_PORT_MX" --sessions 4 --total 20 --tls-mix "$TLS_MIX" --from bench@client.test \
    --to rcpt@sink.test --ehlo client.test > /dev/null 2>&1 || die "warm-up failed"
pf_wait_queue_empty 30
sleep 1
RSS0=$(status_kib "$MPID" VmRSS); FD0=$(nfds "$MPID"); TH0=$(status_kib "$MPID" Threads)
LOG0=$(wc -l < "$MLOG")
SINK0=$(tr '\r' '\n' < "$SINK_OUT" | tail -1 | sed -n 's/.*mesg=\([0-9]*\).*/\1/p'); SINK0=${SINK0:-0}
WARN0=$(grep -c 'warning' "$PF_LOG")
NOFILE_MILTER=$(awk '/^Max open files/ {print $4}' "/proc/$MPID/limits")
echo "concurrency: milter pid $MPID idle: RSS ${RSS0} KiB, $TH0 threads, $FD0 fds, RLIMIT_NOFILE $NOFILE_MILTER" >&2

echo "concurrency: opening $SESSIONS sessions ..." >&2
CPU0=$(cpu_secs "$MPID")
T0=$SECONDS
OUT=$E2E_WORK/load.json
ERR=$E2E_WORK/load.err
"$PROBE" load "127.0.0.1:$PF_PORT_MX" --sessions "$SESSIONS" --total "$SESSIONS" --messages-per-session 1 \
    --tls-mix "$TLS_MIX" --hold "$HOLD" --timeout 300 --from bench@client.test --to rcpt@sink.test \
    --ehlo client.test --json > "$OUT" 2> "$ERR" &
LOAD_PID=$!
e2e_track $LOAD_PID probe-load

RSS_MAX=0 FD_MAX=0 TH_MAX=0 SMTPD_MAX=0 HELD_AT=
while e2e_pid_alive $LOAD_PID; do
    r=$(status_kib "$MPID" VmRSS); f=$(nfds "$MPID"); t=$(status_kib "$MPID" Threads)
    [ "${r:-0}" -gt "$RSS_MAX" ] && RSS_MAX=$r
    [ "${f:-0}" -gt "$FD_MAX" ] && FD_MAX=$f
    [ "${t:-0}" -gt "$TH_MAX" ] && TH_MAX=$t
    if [ -z "$HELD_AT" ] && grep -q 'holding\|hold timed out' "$ERR"; then
        HELD_AT=$((SECONDS - T0))
        s=$(count_smtpd); [ "$s" -gt "$SMTPD_MAX" ] && SMTPD_MAX=$s
        echo "concurrency: $(grep -h 'holding\|hold timed out' "$ERR" | head -1) after ${HELD_AT}s; milter RSS $r KiB," \
            "$t threads, $f fds; $s smtpd processes" >&2
    fi
    sleep 0.5
done
wait $LOAD_PID 2>/dev/null
LOAD_RC=$?
pf_wait_queue_empty 120 || echo "concurrency: warning: queue not empty after 120 s" >&2
sleep 1

read -r ACCEPTED FAILED HELD <<< "$("$PYTHON" -c '
import json, sys
try:
    j = json.load(open(sys.argv[1])); print(j["accepted"], j["failed"] + j["deferred"] + j["rejected"], j["max_holding"])
except Exception:
    print(0, -1, 0)' "$OUT")"
CPU1=$(cpu_secs "$MPID")
SINK1=$(tr '\r' '\n' < "$SINK_OUT" | tail -1 | sed -n 's/.*mesg=\([0-9]*\).*/\1/p'); SINK1=${SINK1:-0}
LOG1=$(wc -l < "$MLOG")
MILTER_TROUBLE=$(tail -n +"$((WARN0 + 1))" "$PF_LOG" 2>/dev/null | grep -c -iE \
    "connect to milter service|can't read SMFIC|milter.*(refused|timed out|timeout)|warning:.*milter")
WARN_LINES=$(tail -n +"$((WARN0 + 1))" "$PF_LOG" 2>/dev/null | grep -c 'warning')
MILTER_ERRS=$(grep -ciE 'error|invalid socket|too many' "$E2E_WORK/logs/milter.log")
DELIVERED=$((SINK1 - SINK0))
LOGGED=$((LOG1 - LOG0))
PER_SESSION=$(awk -v a="$RSS0" -v b="$RSS_MAX" -v n="$SESSIONS" 'BEGIN {printf "%.1f", (b - a) / n}')

cat <<EOF
concurrency: $SESSIONS sessions through Postfix $(postconf -d mail_version 2>/dev/null | sed 's/.*= //') and milter-tlspolicy ($SOCKET_KIND socket, policy $(basename "$POLICY"), TLS mix $TLS_MIX, $(nproc) CPUs)
  held at once (client side)         $HELD of $SESSIONS (all in a transaction after RCPT) after ${HELD_AT:-?} s
  Postfix smtpd processes            $SMTPD_MAX (sampled while held)
  milter RSS idle / peak             $RSS0 KiB / $RSS_MAX KiB = $PER_SESSION KiB per session (target < 64)
  milter threads idle / peak         $TH0 / $TH_MAX
  milter descriptors idle / peak     $FD0 / $FD_MAX (RLIMIT_NOFILE $NOFILE_MILTER)
  milter CPU during the test         $(awk -v a="$CPU0" -v b="$CPU1" 'BEGIN {printf "%.2f", b - a}') s (user+system, $(( SECONDS - T0 )) s wall)
  accepted by Postfix                $ACCEPTED (not accepted or failed: $FAILED; probe exit $LOAD_RC)
  delivered to the sink              $DELIVERED
  milter log lines                   $LOGGED
  milter trouble in Postfix's log    $MILTER_TROUBLE (all new warnings: $WARN_LINES)
  errors in the milter's output      $MILTER_ERRS
EOF
if [ "$MILTER_TROUBLE" != 0 ] || [ "$MILTER_ERRS" != 0 ]; then
    echo "  first lines:"
    tail -n +"$((WARN0 + 1))" "$PF_LOG" | grep -iE 'milter' | head -5 | sed 's/^/    /'
    grep -iE 'error|invalid socket|too many' "$E2E_WORK/logs/milter.log" | head -5 | sed 's/^/    /'
fi
if [ "$ACCEPTED" = "$SESSIONS" ] && [ "$FAILED" = 0 ] && [ "$DELIVERED" = "$SESSIONS" ] && [ "$LOGGED" = "$SESSIONS" ] &&
   [ "$MILTER_TROUBLE" = 0 ] && [ "$MILTER_ERRS" = 0 ] && [ "$HELD" = "$SESSIONS" ]; then
    echo "  result                             OK: no refused or failed milter connection, nothing lost"
    exit 0
fi
echo "  result                             FAILED"
exit 1
