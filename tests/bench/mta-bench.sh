#!/bin/bash
# mta-bench.sh -- milter-tlspolicy on a real Postfix: throughput against no filter and postfwd (issue 7)
#
# Usage (as root, from the build directory or with --builddir):
#     tests/bench/mta-bench.sh [options]            # default run: about 6-7 minutes
#     tests/bench/mta-bench.sh --quick              # smoke run (< 1 minute), still checks that nothing was lost
#
# What it does: one private Postfix (tests/e2e/lib/postfix-harness.sh) whose whole instance directory (queue,
# maillog, sinks) is a tmpfs mounted in a private mount namespace; Postfix relays everything to smtp-sink.
# Every round runs every load against every configuration once, the configurations in rotating order:
#   none         no filter
#   decide       milter-tlspolicy, tests/bench/policies/decide-only.yaml (ACCEPT at MAIL, no header)
#   tag          milter-tlspolicy, tests/bench/policies/tag-all.yaml (audit header on every message)
#   postfwd      postfwd2 policy service at RCPT, tests/bench/postfwd/tls-policy.cf (421 / PREPEND)
#   decide-unix, tag-unix   the same milters over a unix socket (only with --configs)
#   tag-nostrip  milter-tlspolicy, tests/bench/policies/tag-nostrip.yaml: tags, leaves header stripping to
#                Postfix, so it needs no header stage (only with --configs)
#   decide-base, tag-base   decide and tag with the binary given by --baseline (another build, to compare
#                two builds in the same rounds; only with --configs)
#   decide-metrics, tag-metrics   decide and tag with -M (Prometheus metrics), scraped every second during the
#                whole bench as Prometheus would; each run also checks that the transactions counter grew by
#                exactly the number of log lines (only with --configs)
# Loads:
#   plain-N      smtp-source -s N -m MESSAGES -l SIZE (one message per session, plaintext), N from --sessions
#   tls-N        tlspolicy-probe load --sessions N --messages-per-session M --total T --tls-mix MIX --size SIZE
# The milters log one line per transaction to a file (-L), as in production; postfwd2 runs with its cache and
# logging off (--cache=0 --perfmon), its best case.
# A run lasts from the start of the load until the last accepted message reached smtp-sink. For each run:
# transactions per second (plaintext: messages; TLS: messages that got a final reply, so a TLS 1.0 session
# refused with 421 counts once), the filter's CPU seconds per 1000 transactions (utime+stime from /proc,
# over the process tree for postfwd2), Postfix's CPU the same way, and loss: every message the client saw
# accepted must reach the sink exactly once (smtp-sink's counter), the queue must be empty, and each
# milter must have written one log line per transaction.
# Output: per (load, configuration) the median and min-max over the rounds of the rate, of the ratio to no
# filter in the same round, and of the CPU; then the issue-7 targets, met or not.
# Exit status: 0 when nothing was lost and no run failed, 1 otherwise, 2 for a setup problem.
#
# Options:
#   --builddir DIR       where milter/milter-tlspolicy and contrib/probe/tlspolicy-probe are
#                        (default: $BUILDDIR, else the current directory, else the source tree)
#   --milter FILE        the milter-tlspolicy binary to measure (default: the build directory's)
#   --baseline FILE      the binary of the decide-base and tag-base configurations
#   --rounds N           rounds (default 5)
#   --messages N         messages per plaintext run (default 3000)
#   --sessions LIST      plaintext loads: smtp-source sessions, comma-separated (default 32,200); "" for none
#   --tls-sessions N     TLS load: sessions at a time (default 32); 0 for no TLS load
#   --tls-total N        TLS load: messages per run (default 1500)
#   --tls-per-session M  TLS load: messages per session (default 5)
#   --tls-mix MIX        TLS load: version mix (default 1.0:1,1.2:2,1.3:1)
#   --size BYTES         message body size (default 2048)
#   --configs LIST       comma-separated (default none,decide,tag,postfwd); none is always added
#   --results FILE       also write the summary and the raw per-run rows (TSV) to FILE
#   --quiet-wait SEC     before each run, wait up to SEC seconds (default 15) for the machine to be quiet
#                        (under 10% busy over half a second, i.e. nobody else's load); the background load
#                        seen is recorded per run and runs started on a busy machine are counted
#   --quick              1 round, 300 plaintext messages with 32 sessions, TLS 120 messages with 8 sessions
#   --keep               keep the work directory (it is a tmpfs: copied to /tmp/mta-bench.keep.PID)
# Environment: BUILDDIR, E2E_PORT_BASE (port allocation, see tests/e2e/lib/common.sh).

set -u

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_DIR=$SRCDIR/tests/bench

ROUNDS=5
MESSAGES=3000
SESSIONS=32,200
TLS_SESSIONS=32
TLS_TOTAL=1500
TLS_PER_SESSION=5
TLS_MIX=1.0:1,1.2:2,1.3:1
SIZE=2048
CONFIGS=none,decide,tag,postfwd
RESULTS=
QUIET_WAIT=15
KEEP=0
QUICK=0
OPT_BUILDDIR=${BUILDDIR:-}
OPT_MILTER=
BASELINE=

usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { echo "mta-bench: $*" >&2; exit 2; }

ORIG_ARGS=("$@")
while [ $# -gt 0 ]; do
    case $1 in
    --builddir) OPT_BUILDDIR=$2; shift ;;
    --milter) OPT_MILTER=$2; shift ;;
    --baseline) BASELINE=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --messages) MESSAGES=$2; shift ;;
    --sessions) SESSIONS=$2; shift ;;
    --tls-sessions) TLS_SESSIONS=$2; shift ;;
    --tls-total) TLS_TOTAL=$2; shift ;;
    --tls-per-session) TLS_PER_SESSION=$2; shift ;;
    --tls-mix) TLS_MIX=$2; shift ;;
    --size) SIZE=$2; shift ;;
    --configs) CONFIGS=$2; shift ;;
    --results) RESULTS=$2; shift ;;
    --quiet-wait) QUIET_WAIT=$2; shift ;;
    --quick) QUICK=1 ;;
    --keep) KEEP=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "mta-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
if [ "$QUICK" = 1 ]; then
    ROUNDS=1 MESSAGES=300 SESSIONS=32 TLS_SESSIONS=8 TLS_TOTAL=120 TLS_PER_SESSION=3 QUIET_WAIT=0
fi
for v in ROUNDS MESSAGES TLS_SESSIONS TLS_TOTAL TLS_PER_SESSION SIZE QUIET_WAIT; do
    [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done
[ "$ROUNDS" -ge 1 ] || die "--rounds must be at least 1"

# ---------------------------------------------------------------- a private mount namespace for the tmpfs

[ "$(id -u)" = 0 ] || die "must run as root (private Postfix, tmpfs mount)"
if [ -z "${MTA_BENCH_NS:-}" ] && command -v unshare >/dev/null 2>&1 &&
   unshare --mount --propagation private true 2>/dev/null; then
    # The mount then vanishes with the last process of the namespace, even after a kill -9.
    export MTA_BENCH_NS=1
    exec unshare --mount --propagation private -- "$BASH" "${BASH_SOURCE[0]}" "${ORIG_ARGS[@]}"
fi

# ---------------------------------------------------------------- programs

find_builddir() {
    local d
    for d in "$OPT_BUILDDIR" "$PWD" "$SRCDIR"; do
        [ -n "$d" ] && [ -x "$d/milter/milter-tlspolicy" ] && [ -x "$d/contrib/probe/tlspolicy-probe" ] &&
            { (cd "$d" && pwd); return 0; }
    done
    return 1
}
BUILD=$(find_builddir) || die "no milter/milter-tlspolicy and contrib/probe/tlspolicy-probe; build first, give --builddir"
MILTER=${OPT_MILTER:-$BUILD/milter/milter-tlspolicy}
[ -x "$MILTER" ] || die "$MILTER is not executable"
PROBE=$BUILD/contrib/probe/tlspolicy-probe
SMTP_SOURCE=$(command -v smtp-source || echo /usr/sbin/smtp-source)
SMTP_SINK=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
[ -x "$SMTP_SOURCE" ] && [ -x "$SMTP_SINK" ] || die "smtp-source/smtp-sink not found (Debian package postfix)"

IFS=, read -r -a CONFIG_LIST <<< "$CONFIGS"
case ",$CONFIGS," in *,none,*) ;; *) CONFIG_LIST=(none "${CONFIG_LIST[@]}") ;; esac
for c in "${CONFIG_LIST[@]}"; do
    case $c in
    none|decide|tag|decide-unix|tag-unix|tag-nostrip|decide-metrics|tag-metrics) ;;
    decide-base|tag-base) [ -x "$BASELINE" ] || die "$c needs --baseline FILE (an executable milter-tlspolicy)" ;;
    postfwd) command -v postfwd2 >/dev/null || die "postfwd2 not found (apt-get install postfwd), or leave out postfwd" ;;
    *) die "unknown configuration '$c' (none decide tag postfwd decide-unix tag-unix tag-nostrip decide-base tag-base decide-metrics tag-metrics)" ;;
    esac
done
LOADS=()
IFS=, read -r -a _s <<< "$SESSIONS"
for s in "${_s[@]}"; do
    [[ $s =~ ^[0-9]+$ ]] && [ "$s" -ge 1 ] || die "--sessions: bad number '$s'"
    LOADS+=("plain-$s")
done
[ "$TLS_SESSIONS" -gt 0 ] && [ "$TLS_TOTAL" -gt 0 ] && LOADS+=("tls-$TLS_SESSIONS")
[ ${#LOADS[@]} -gt 0 ] || die "no load to run"
MAX_SESSIONS=$TLS_SESSIONS
for s in "${_s[@]}"; do [ "$s" -gt "$MAX_SESSIONS" ] && MAX_SESSIONS=$s; done

# ---------------------------------------------------------------- harness, tmpfs, daemons

# shellcheck source=../e2e/lib/postfix-harness.sh
. "$SRCDIR/tests/e2e/lib/postfix-harness.sh"
# shellcheck disable=SC2034  # read by the harness libraries
E2E_KILL_GRACE=8        # libmilter takes a few seconds to stop after SIGTERM
e2e_init
TMP=$E2E_WORK/tmpfs
mkdir -p "$TMP"
mount -t tmpfs -o size=2g,mode=755 mta-bench "$TMP" || die "cannot mount a tmpfs on $TMP"
MOUNTED=1

bench_cleanup() {
    pf_stop
    e2e_kill_tracked "$E2E_WORK/pids"
    if [ "$KEEP" = 1 ]; then
        cp -a "$TMP" "/tmp/mta-bench.keep.$$" && echo "mta-bench: work files kept in /tmp/mta-bench.keep.$$" >&2
    fi
    [ "${MOUNTED:-0}" = 1 ] && umount "$TMP" && MOUNTED=0
    return 0
}
e2e_on_cleanup bench_cleanup

CLK_TCK=$(getconf CLK_TCK)

# ticks of utime+stime of one process (all its threads)
proc_ticks() {
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    s=${s##*) }
    set -- $s
    echo $(( ${12} + ${13} ))
}

# ticks of utime+stime+cutime+cstime over the process tree under PID (children that exited count
# through their parent's cutime/cstime)
tree_ticks() {
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    {
        pid = $1
        n = split($0, part, ") ")
        split(part[n], f, " ")
        ppid[pid] = f[2]
        t[pid] = f[12] + f[13] + f[14] + f[15]
    }
    END {
        sum = 0; q[1] = root; nq = 1
        for (p in ppid) kids[ppid[p]] = kids[ppid[p]] " " p
        for (i = 1; i <= nq; i++) {
            sum += t[q[i]]
            m = split(kids[q[i]], k, " ")
            for (j = 1; j <= m; j++) q[++nq] = k[j]
        }
        print sum
    }'
}

# busy and all ticks of the whole machine (/proc/stat "cpu" line; idle and iowait are not busy)
sys_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }

# how busy the machine is right now (percent over half a second), before a run: others' load
busy_now() {
    local b0 a0 b1 a1
    read -r b0 a0 < <(sys_ticks); sleep 0.5; read -r b1 a1 < <(sys_ticks)
    echo $(( a1 > a0 ? 100 * (b1 - b0) / (a1 - a0) : 0 ))
}
QUIET_MAX=10

# wait_quiet: until busy_now < QUIET_MAX or QUIET_WAIT seconds; leaves the last reading in BG_BUSY
wait_quiet() {
    local start=$SECONDS
    BG_BUSY=$(busy_now)
    while [ "$BG_BUSY" -ge "$QUIET_MAX" ] && [ $((SECONDS - start)) -lt "$QUIET_WAIT" ]; do
        sleep 1
        BG_BUSY=$(busy_now)
    done
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# sink counter: smtp-sink -c rewrites "sess=N quit=N mesg=N" after every message
cat > "$E2E_WORK/sinkwait.py" <<'EOF'
import os, re, sys, time
path, target, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def count():
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - 200))
            m = re.findall(rb"mesg=(\d+)", f.read())
            return int(m[-1]) if m else 0
    except OSError:
        return 0
end = time.time() + timeout
while True:
    n = count()
    if n >= target or time.time() >= end:
        print("%.6f %d" % (time.time(), n))
        sys.exit(0 if n >= target else 1)
    time.sleep(0.005)
EOF
sink_count() { "$PYTHON" "$E2E_WORK/sinkwait.py" "$SINK_OUT" 0 0 | awk '{print $2}'; }

echo "mta-bench: setting up Postfix (queue on tmpfs), sinks and filters ..." >&2
PF_PROCESS_LIMIT=$(( MAX_SESSIONS + 100 > 300 ? MAX_SESSIONS + 100 : 300 ))
# shellcheck disable=SC2034  # read by pf_setup
PF_IPV6=0
pf_setup "$TMP/postfix" > /dev/null || die "pf_setup failed"
e2e_alloc_port SINK_PORT || die "no port"
pf_conf "relayhost = [127.0.0.1]:$SINK_PORT" "smtpd_recipient_restrictions =" || die "postconf failed"
SINK_OUT=$TMP/smtp-sink.out
"$SMTP_SINK" -c -u postfix "127.0.0.1:$SINK_PORT" 1024 < /dev/null > "$SINK_OUT" 2> "$E2E_WORK/logs/smtp-sink.err" &
e2e_track $! smtp-sink
disown $!
wait_for "e2e_port_listening $SINK_PORT" 5 || die "smtp-sink does not listen"
pf_start || die "Postfix did not start (see $PF_LOG)"
PF_MASTER=$(_pf_master_pid) || die "no Postfix master pid"

declare -A FILTER_PID MILTER_SPEC MILTER_LOG METRICS_PORT
SOCKDIR=$TMP/sock
mkdir -p "$SOCKDIR" && chmod 755 "$SOCKDIR"

start_milter() { # CONFIG POLICY unix|inet [BINARY [metrics]]
    local name=$1 policy=$2 kind=$3 binary=${4:-$MILTER} mport spec listen metrics=()
    if [ "${5:-}" = metrics ]; then
        e2e_alloc_port "METRICS_PORT[$name]" || return 1
        metrics=(-M "inet:${METRICS_PORT[$name]}@127.0.0.1")
    fi
    if [ "$kind" = unix ]; then
        listen=unix:$SOCKDIR/$name.sock
        spec=$listen
    else
        e2e_alloc_port mport || return 1
        listen=inet:$mport@127.0.0.1
        spec=inet:127.0.0.1:$mport
    fi
    MILTER_LOG[$name]=$TMP/$name.log
    e2e_bg "milter-$name" "$binary" -f -c "$policy" -p "$listen" -m 0666 -L "${MILTER_LOG[$name]}" "${metrics[@]}"
    FILTER_PID[$name]=$E2E_BG_PID
    MILTER_SPEC[$name]=$spec
    if [ "$kind" = unix ]; then
        wait_for "[ -S '$SOCKDIR/$name.sock' ]" 10
    else
        wait_for "e2e_port_listening $mport" 10
    fi || { cat "$E2E_WORK/logs/milter-$name.log" >&2; die "milter-tlspolicy ($name) did not start"; }
}

PFW_PORT=
start_postfwd() {
    local pidfile=$TMP/postfwd.pid n=$(( MAX_SESSIONS + 20 )) pid
    e2e_alloc_port PFW_PORT || return 1
    postfwd2 -f "$BENCH_DIR/postfwd/tls-policy.cf" --interface=127.0.0.1 --port="$PFW_PORT" \
        --cache=0 --perfmon -u postfix -g postfix --pidfile="$pidfile" \
        --min_servers="$n" --min_spare_servers=8 --max_spare_servers="$n" --max_servers="$PF_PROCESS_LIMIT" \
        > "$E2E_WORK/logs/postfwd.log" 2>&1 || die "postfwd2 did not start: $(cat "$E2E_WORK/logs/postfwd.log")"
    wait_for "[ -s '$pidfile' ] && e2e_port_listening $PFW_PORT" 20 || die "postfwd2 does not listen"
    pid=$(tr -dc 0-9 < "$pidfile")
    e2e_track "$pid" postfwd2
    FILTER_PID[postfwd]=$pid
}

for c in "${CONFIG_LIST[@]}"; do
    case $c in
    decide) start_milter decide "$BENCH_DIR/policies/decide-only.yaml" inet ;;
    tag) start_milter tag "$BENCH_DIR/policies/tag-all.yaml" inet ;;
    decide-unix) start_milter decide-unix "$BENCH_DIR/policies/decide-only.yaml" unix ;;
    tag-unix) start_milter tag-unix "$BENCH_DIR/policies/tag-all.yaml" unix ;;
    tag-nostrip) start_milter tag-nostrip "$BENCH_DIR/policies/tag-nostrip.yaml" inet ;;
    decide-base) start_milter decide-base "$BENCH_DIR/policies/decide-only.yaml" inet "$BASELINE" ;;
    tag-base) start_milter tag-base "$BENCH_DIR/policies/tag-all.yaml" inet "$BASELINE" ;;
    decide-metrics) start_milter decide-metrics "$BENCH_DIR/policies/decide-only.yaml" inet "$MILTER" metrics ;;
    tag-metrics) start_milter tag-metrics "$BENCH_DIR/policies/tag-all.yaml" inet "$MILTER" metrics ;;
    postfwd) start_postfwd ;;
    esac
done

apply_config() { # CONFIG: Postfix talks to that filter only
    local c=$1 restr='' milter=
    case $c in
    none) ;;
    postfwd) restr="check_policy_service inet:127.0.0.1:$PFW_PORT" ;;
    *) milter=${MILTER_SPEC[$c]} ;;
    esac
    pf_conf "smtpd_recipient_restrictions = $restr" || return 1
    pf_set_milter "$milter" || return 1
}

filter_ticks() { # CONFIG
    case $1 in
    none) echo 0 ;;
    postfwd) tree_ticks "${FILTER_PID[postfwd]}" ;;
    *) proc_ticks "${FILTER_PID[$1]}" ;;
    esac
}

# scrape PORT: GET /metrics once (bash /dev/tcp: no client process to start), the body on stdout
scrape() {
    exec 3<> "/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
    cat <&3
    exec 3<&-
}

# metrics_tx CONFIG: the sum of the milter's transactions counter (0 without -M)
metrics_tx() {
    [ -n "${METRICS_PORT[$1]:-}" ] || { echo 0; return; }
    scrape "${METRICS_PORT[$1]}" | awk '/^milter_tlspolicy_transactions_total\{/ {n += $NF} END {print n + 0}'
}

# A scrape every second of each -M milter while the bench runs, as a Prometheus with a 1 s interval would.
for c in "${!METRICS_PORT[@]}"; do
    e2e_bg "scraper-$c" bash -c "while sleep 1; do exec 3<>/dev/tcp/127.0.0.1/${METRICS_PORT[$c]} || continue;
        printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3; cat <&3 > /dev/null; exec 3<&-; done"
done

log_lines() { # CONFIG: the milter's transaction log lines so far
    case $1 in
    none|postfwd) echo 0 ;;
    *) if [ -f "${MILTER_LOG[$1]}" ]; then wc -l < "${MILTER_LOG[$1]}"; else echo 0; fi ;;
    esac
}

# ---------------------------------------------------------------- one run

ROWS=$E2E_WORK/rows.tsv
printf 'round\tload\tconfig\ttransactions\taccepted\tseconds\trate\tfilter_cpu_per_1000\tpostfix_cpu_per_1000\tsystem_cpu_per_1000\tbusy_pct\tbackground_pct\tlost\tfailed\tnote\n' > "$ROWS"
BAD_RUNS=0

# run_load LOAD OUT: start the load, leave "transactions accepted failed note" in OUT_RESULT
run_load() {
    local load=$1 out=$2 rc n
    case $load in
    plain-*)
        n=${load#plain-}
        "$SMTP_SOURCE" -s "$n" -m "$MESSAGES" -l "$SIZE" -f bench@client.test -t rcpt@sink.test \
            -M client.test "127.0.0.1:$PF_PORT_MX" > "$out" 2>&1
        rc=$?
        if [ $rc = 0 ]; then
            OUT_RESULT="$MESSAGES $MESSAGES 0 -"
        else
            # smtp-source stops at the first unexpected reply: we do not know how many were accepted
            OUT_RESULT="$MESSAGES 0 1 smtp-source-exit-$rc"
        fi
        ;;
    tls-*)
        n=${load#tls-}
        "$PROBE" load "127.0.0.1:$PF_PORT_MX" --sessions "$n" --messages-per-session "$TLS_PER_SESSION" \
            --total "$TLS_TOTAL" --tls-mix "$TLS_MIX" --size "$SIZE" --from bench@client.test \
            --to rcpt@sink.test --ehlo client.test --json > "$out" 2> "$out.err"
        rc=$?
        OUT_RESULT=$("$PYTHON" -c '
import json, sys
try:
    j = json.load(open(sys.argv[1]))
    print(j["transactions"], j["accepted"], j["failed"], "-" if not j["failures"] else j["failures"][0].replace(" ", "_")[:80])
except Exception as e:
    print(0, 0, 1, "no-json")
' "$out")
        [ $rc = 0 ] || [ $rc = 2 ] || OUT_RESULT="0 0 1 probe-exit-$rc"
        ;;
    esac
}

# expected milter log lines for a run: one per transaction (plaintext) or per session outcome (TLS)
run_one() { # ROUND LOAD CONFIG
    local round=$1 load=$2 c=$3 s0 s1 f0 f1 p0 p1 l0 l1 t0 out tx acc failed note end lost secs rate fcpu pcpu
    local b0 a0 b1 a1 scpu busy m0 m1
    apply_config "$c" || die "cannot configure Postfix for $c"
    pf_wait_queue_empty 60 || note_bad "queue not empty before the run"
    wait_quiet
    s0=$(sink_count)
    f0=$(filter_ticks "$c"); p0=$(tree_ticks "$PF_MASTER"); l0=$(log_lines "$c"); m0=$(metrics_tx "$c")
    out=$E2E_WORK/logs/run-$round-$load-$c.out
    read -r b0 a0 < <(sys_ticks)
    t0=$EPOCHREALTIME
    run_load "$load" "$out"
    read -r tx acc failed note <<< "$OUT_RESULT"
    read -r end _ < <("$PYTHON" "$E2E_WORK/sinkwait.py" "$SINK_OUT" $(( s0 + acc )) 120)
    read -r b1 a1 < <(sys_ticks)
    pf_wait_queue_empty 60 || note="queue-not-empty"
    sleep 0.3                                    # a late duplicate would show up now
    s1=$(sink_count)
    f1=$(filter_ticks "$c"); p1=$(tree_ticks "$PF_MASTER"); l1=$(log_lines "$c"); m1=$(metrics_tx "$c")
    lost=$(( acc - (s1 - s0) ))
    secs=$(awk -v a="$t0" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
    rate=$(awk -v n="$tx" -v s="$secs" 'BEGIN {printf "%.1f", (s > 0 ? n / s : 0)}')
    fcpu=$(awk -v t=$(( f1 - f0 )) -v n="$tx" -v hz="$CLK_TCK" 'BEGIN {printf "%.3f", (n > 0 ? t / hz / n * 1000 : 0)}')
    pcpu=$(awk -v t=$(( p1 - p0 )) -v n="$tx" -v hz="$CLK_TCK" 'BEGIN {printf "%.3f", (n > 0 ? t / hz / n * 1000 : 0)}')
    # the whole machine while the run lasted (load start to last delivery): CPU per 1000 and how busy
    scpu=$(awk -v t=$(( b1 - b0 )) -v n="$tx" -v hz="$CLK_TCK" 'BEGIN {printf "%.3f", (n > 0 ? t / hz / n * 1000 : 0)}')
    busy=$(awk -v b=$(( b1 - b0 )) -v a=$(( a1 - a0 )) 'BEGIN {printf "%.0f", (a > 0 ? 100 * b / a : 0)}')
    [ "$c" = none ] || [ "$c" = postfwd ] || [ $(( l1 - l0 )) = "$tx" ] || note="milter-logged-$(( l1 - l0 ))-of-$tx"
    [ -z "${METRICS_PORT[$c]:-}" ] || [ $(( m1 - m0 )) = $(( l1 - l0 )) ] \
        || note="metrics-counted-$(( m1 - m0 ))-of-$(( l1 - l0 ))-log-lines"
    if [ "$lost" != 0 ] || [ "$failed" != 0 ] || [ "$note" != - ]; then
        BAD_RUNS=$((BAD_RUNS + 1))
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$load" "$c" "$tx" "$acc" "$secs" \
        "$rate" "$fcpu" "$pcpu" "$scpu" "$busy" "$BG_BUSY" "$lost" "$failed" "$note" >> "$ROWS"
    printf 'mta-bench: round %s %-9s %-12s %6s tx in %7ss = %7s/s  CPU-s/1000: filter %s postfix %s all %s (%s%% busy, %s%% before)  lost %s%s\n' \
        "$round" "$load" "$c" "$tx" "$secs" "$rate" "$fcpu" "$pcpu" "$scpu" "$busy" "$BG_BUSY" "$lost" \
        "$([ "$note" = - ] || echo "  ($note)")" >&2
}
note_bad() { echo "mta-bench: warning: $*" >&2; }

# ---------------------------------------------------------------- the rounds

T_START=$SECONDS
echo "mta-bench: warm-up ..." >&2
for c in "${CONFIG_LIST[@]}"; do
    apply_config "$c" || die "cannot configure Postfix for $c"
    "$SMTP_SOURCE" -s "$MAX_SESSIONS" -m $(( MAX_SESSIONS * 2 )) -l "$SIZE" -f bench@client.test \
        -t rcpt@sink.test -M client.test "127.0.0.1:$PF_PORT_MX" > /dev/null 2>&1 || note_bad "warm-up with $c failed"
done
pf_wait_queue_empty 60

n=${#CONFIG_LIST[@]}
for ((r = 1; r <= ROUNDS; r++)); do
    for load in "${LOADS[@]}"; do
        for ((i = 0; i < n; i++)); do
            run_one "$r" "$load" "${CONFIG_LIST[(i + r - 1) % n]}"
        done
    done
done
ELAPSED=$(( SECONDS - T_START ))

# ---------------------------------------------------------------- summary

SUMMARY=$E2E_WORK/summary.txt
"$PYTHON" - "$ROWS" "$ELAPSED" > "$SUMMARY" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
loads = list(dict.fromkeys(r["load"] for r in rows))
configs = list(dict.fromkeys(r["config"] for r in rows))
configs.sort(key=lambda c: ["none", "decide", "tag", "decide-unix", "tag-unix", "tag-nostrip", "decide-base", "tag-base",
                            "decide-metrics", "tag-metrics", "postfwd"].index(c))
by = {}
for r in rows:
    by.setdefault((r["load"], r["config"]), {})[r["round"]] = r
def med(xs):
    return statistics.median(xs) if xs else float("nan")
def span(xs, fmt):
    if not xs:
        return "-"
    s = fmt % med(xs)
    return s if len(xs) < 2 else "%s (%s-%s)" % (s, fmt % min(xs), fmt % max(xs))
stat = {}
print("| load | configuration | rate/s median (min-max) | ratio to no filter | filter CPU-s/1000 | Postfix CPU-s/1000 | machine CPU-s/1000 (busy) | lost | failed |")
print("|---|---|---|---|---|---|---|---|---|")
for load in loads:
    base = by.get((load, "none"), {})
    for c in configs:
        runs = by.get((load, c), {})
        if not runs:
            continue
        rates = [float(r["rate"]) for r in runs.values()]
        ratios = [float(r["rate"]) / float(base[k]["rate"]) for k, r in runs.items()
                  if k in base and float(base[k]["rate"]) > 0]
        fcpu = [float(r["filter_cpu_per_1000"]) for r in runs.values()]
        pcpu = [float(r["postfix_cpu_per_1000"]) for r in runs.values()]
        scpu = [float(r["system_cpu_per_1000"]) for r in runs.values()]
        busy = [float(r["busy_pct"]) for r in runs.values()]
        lost = sum(int(r["lost"]) for r in runs.values())
        failed = sum(int(r["failed"]) + (r["note"] != "-") for r in runs.values())
        stat[(load, c)] = (med(rates), med(ratios), med(fcpu))
        print("| %s | %s | %s | %s | %s | %s | %.2f (%.0f%%) | %d | %d |" % (load, c, span(rates, "%.0f"),
              span(ratios, "%.2f"), "-" if c == "none" else span(fcpu, "%.2f"), span(pcpu, "%.2f"),
              med(scpu), med(busy), lost, failed))
print()
print("Targets (issue 7; medians):")
def target(what, key, op, limit, idx):
    s = stat.get(key)
    if s is None:
        print("  %-58s not run" % what)
        return
    v = s[idx]
    ok = v >= limit if op == ">=" else v <= limit
    print("  %-58s %5.2f %s %.2f  %s" % (what, v, op, limit, "met" if ok else "NOT met"))
target("plain-32 decide-only ratio", ("plain-32", "decide"), ">=", 0.85, 1)
target("plain-32 tagging ratio", ("plain-32", "tag"), ">=", 0.80, 1)
target("plain-200 tagging ratio", ("plain-200", "tag"), ">=", 0.85, 1)
target("plain-32 decide-only milter CPU-s/1000 (incl. logging)", ("plain-32", "decide"), "<=", 0.40, 2)
target("plain-32 tagging milter CPU-s/1000 (incl. logging)", ("plain-32", "tag"), "<=", 0.40, 2)
for load in loads:
    for c in configs:
        if c in ("none", "postfwd") or (load, "postfwd") not in stat or (load, c) not in stat:
            continue
        a, b = stat[(load, c)][0], stat[(load, "postfwd")][0]
        print("  %-58s %5.0f vs %.0f  %s" % ("%s %s ahead of postfwd (rate)" % (load, c), a, b,
              "met" if a > b else "NOT met"))
bad = sum(int(r["lost"]) != 0 or int(r["failed"]) != 0 or r["note"] != "-" for r in rows)
busy = [int(r["background_pct"]) for r in rows]
print()
print("Background load before the runs (others' processes): median %d%%, max %d%%; %d of %d runs started on a "
      "busy machine (>= 10%%)" % (statistics.median(busy), max(busy), sum(b >= 10 for b in busy), len(rows)))
print("%d runs in %s s; %s" % (len(rows), sys.argv[2],
      "nothing lost, no failed run" if bad == 0 else "%d runs LOST messages or FAILED" % bad))
EOF

{
    echo "# mta-bench $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
        "$(postconf -d mail_version 2>/dev/null | sed 's/ //g'), $("$MILTER" -V 2>/dev/null)"
    echo "# rounds=$ROUNDS messages=$MESSAGES sessions=$SESSIONS tls: sessions=$TLS_SESSIONS" \
        "total=$TLS_TOTAL per-session=$TLS_PER_SESSION mix=$TLS_MIX size=$SIZE configs=${CONFIG_LIST[*]}"
    for c in "${!FILTER_PID[@]}"; do
        case $c in postfwd) ;; *) echo "# $c milter RSS at the end: $(rss_kib "${FILTER_PID[$c]}") KiB" ;; esac
    done
    cat "$SUMMARY"
} > "$SUMMARY.full"
cat "$SUMMARY.full"
if [ -n "$RESULTS" ]; then
    { cat "$SUMMARY.full"; echo; echo "## raw runs"; cat "$ROWS"; } > "$RESULTS"
fi
[ "$BAD_RUNS" = 0 ]
